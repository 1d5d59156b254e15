//! Actions are corrected where they are made: on "Decide actions" every field of an
//! action of this retro can be changed, and one made by mistake deleted (after asking).
//! A due date already past asks first. Keys only.

use crate::common::Tui;
use ratatui::crossterm::event::KeyCode;
use retro::domain::{Action, Expected, Stage};

/// A retro on "Decide actions" with one action made from scratch.
fn with_an_action() -> Tui {
    let mut tui = Tui::demo_retro();
    tui.go_to(Stage::DecideActions);
    tui.keys("n");
    tui.keys("Pair on reviews");
    tui.ctrl('s');
    assert_eq!(tui.retro().flow.actions.len(), 1);
    tui
}

fn stored(tui: &Tui) -> Action {
    let id = tui.retro().flow.actions[0].id;
    tui.backend.store.action(id).unwrap().unwrap()
}

/// Presses Tab until the form is on field `i` (0 = title).
fn to_field(tui: &mut Tui, i: usize) {
    while tui.retro().form().unwrap().field < i {
        tui.press(KeyCode::Tab);
    }
}

/// Clears the text field the form is on.
fn clear(tui: &mut Tui) {
    tui.press(KeyCode::End);
    for _ in 0..40 {
        tui.press(KeyCode::Backspace);
    }
}

#[test]
fn every_field_of_an_action_can_be_corrected() {
    let mut tui = with_an_action();
    let before = stored(&tui);
    tui.press(KeyCode::Tab); // to this retro's actions
    tui.keys("e");
    let form = tui.retro().form().expect("the form, filled in");
    assert_eq!(form.title.lines(), ["Pair on reviews"]);
    assert!(tui.screen().contains("Edit action"), "{}", tui.screen());

    clear(&mut tui);
    tui.keys("Pair on every review");
    to_field(&mut tui, 1);
    tui.keys("two people, one screen");
    to_field(&mut tui, 2);
    let metric_before = tui.retro().form().unwrap().metric;
    tui.press(KeyCode::Right); // another metric
    assert_ne!(tui.retro().form().unwrap().metric, metric_before);
    let metric = tui.retro().form().unwrap().metrics[tui.retro().form().unwrap().metric].clone();
    to_field(&mut tui, 3);
    tui.press(KeyCode::Right); // hold steady
    to_field(&mut tui, 4);
    tui.keys("12.5");
    to_field(&mut tui, 5);
    tui.keys("2026-12-24");
    to_field(&mut tui, 6);
    tui.keys("the platform group");
    tui.ctrl('s');
    assert!(tui.retro().is_browsing(), "saved: {}", tui.screen());

    let after = stored(&tui);
    assert_eq!(after.id, before.id, "the same action, corrected");
    assert_eq!(after.plan.title, "Pair on every review");
    assert_eq!(after.plan.description.as_deref(), Some("two people, one screen"));
    assert_eq!(after.plan.metric, metric);
    assert_eq!(after.plan.expected, Expected::HoldSteady);
    assert_eq!(after.plan.target, Some(12.5));
    assert_eq!(after.plan.due, chrono::NaiveDate::from_ymd_opt(2026, 12, 24));
    assert_eq!(after.plan.volunteer.as_deref(), Some("the platform group"));
    assert_eq!(after.baseline, tui.retro().flow.value_now(&metric), "a new metric, a new baseline");
    assert_eq!(tui.retro().flow.actions[0], after, "the screen shows what is stored");

    // Cleared fields are cleared.
    tui.keys("e");
    to_field(&mut tui, 1);
    clear(&mut tui);
    to_field(&mut tui, 4);
    clear(&mut tui);
    to_field(&mut tui, 6);
    clear(&mut tui);
    tui.ctrl('s');
    let cleared = stored(&tui);
    assert_eq!((cleared.plan.description, cleared.plan.target, cleared.plan.volunteer), (None, None, None));
    assert_eq!(cleared.plan.title, "Pair on every review");
}

#[test]
fn an_empty_title_is_refused_and_the_action_left_as_it_was() {
    let mut tui = with_an_action();
    tui.press(KeyCode::Tab);
    tui.keys("e");
    clear(&mut tui);
    tui.ctrl('s');
    let form = tui.retro().form().expect("still open");
    assert_eq!(form.error.as_deref(), Some("an action needs a title"));
    tui.press(KeyCode::Esc);
    assert_eq!(stored(&tui).plan.title, "Pair on reviews");
}

#[test]
fn an_action_made_by_mistake_is_deleted_after_asking() {
    let mut tui = with_an_action();
    let id = stored(&tui).id;
    tui.press(KeyCode::Tab);
    for no in [KeyCode::Char('n'), KeyCode::Esc, KeyCode::Enter] {
        tui.keys("x");
        assert!(tui.screen().contains("Delete the action “Pair on reviews”?"), "{}", tui.screen());
        tui.press(no);
        assert!(tui.backend.store.action(id).unwrap().is_some(), "{no:?} deleted it");
    }
    tui.keys("xy");
    assert!(tui.backend.store.action(id).unwrap().is_none());
    assert!(tui.retro().flow.actions.is_empty());
    assert_eq!(tui.retro().actions_focus, None, "nothing left to select");
}

#[test]
fn a_due_date_in_the_past_asks_and_no_goes_back_to_the_form() {
    let mut tui = Tui::demo_retro();
    tui.go_to(Stage::DecideActions);
    tui.keys("n");
    tui.keys("Write the runbook");
    to_field(&mut tui, 5);
    tui.keys("2026-11-02"); // today is 2026-11-26
    tui.ctrl('s');
    assert!(tui.screen().contains("The due date 2026-11-02 is already past. Keep it?"), "{}", tui.screen());
    tui.keys("n");
    assert!(tui.retro().form().is_some(), "back to the form, to change the date");
    assert!(tui.retro().flow.actions.is_empty(), "nothing saved");
    tui.ctrl('s');
    tui.press(KeyCode::Esc);
    assert!(tui.retro().form().is_some() && tui.retro().flow.actions.is_empty());
    tui.ctrl('s');
    tui.keys("y");
    assert_eq!(tui.retro().flow.actions.len(), 1, "kept as typed");
    assert_eq!(stored(&tui).plan.due, chrono::NaiveDate::from_ymd_opt(2026, 11, 2));
    // Today itself is not past.
    tui.keys("n");
    tui.keys("Today's");
    to_field(&mut tui, 5);
    tui.keys("2026-11-26");
    tui.ctrl('s');
    assert_eq!(tui.retro().flow.actions.len(), 2);
}

#[test]
fn only_this_retros_actions_can_be_changed_and_reviewed_ones_never_deleted() {
    use retro::retro::flow::{Event, FlowError};
    let mut tui = Tui::demo_retro();
    let earlier = tui.retro().flow.to_review[0].clone();
    let mut flow = tui.retro().flow.clone();
    let plan = retro::domain::ActionPlan {
        title: "taken over".into(),
        description: None,
        metric: earlier.plan.metric.clone(),
        expected: earlier.plan.expected,
        target: None,
        due: None,
        volunteer: None,
    };
    let now = crate::common::now();
    assert_eq!(
        flow.handle(Event::UpdateAction { id: earlier.id, plan }, now),
        Err(FlowError::NotThisRetrosAction(earlier.id.0))
    );
    assert_eq!(flow.handle(Event::DeleteAction(earlier.id), now), Err(FlowError::NotThisRetrosAction(earlier.id.0)));
    // The demo team reviewed its earlier actions: the store keeps them whatever asks.
    let reviewed = tui
        .backend
        .store
        .actions(tui.app.team.as_ref().unwrap())
        .unwrap()
        .into_iter()
        .find(|a| !tui.backend.store.action_history(a.id).unwrap().is_empty());
    let reviewed = reviewed.expect("the demo has a reviewed action");
    let err = tui.backend.store.delete_action(reviewed.id).unwrap_err();
    assert!(err.to_string().contains("drop it instead"), "{err}");
    assert!(tui.backend.store.action(reviewed.id).unwrap().is_some());
    tui.keys("q");
}

#[test]
fn the_actions_screen_corrects_any_action_of_the_team() {
    let mut tui = Tui::demo();
    tui.keys("a");
    let team = tui.app.team.clone().unwrap();
    let selected = tui.app.actions.as_ref().unwrap().current().unwrap().action.clone();
    tui.keys("e");
    assert!(tui.screen().contains("Edit action"), "{}", tui.screen());
    tui.press(KeyCode::Esc);
    assert_eq!(tui.backend.store.action(selected.id).unwrap().unwrap(), selected, "Esc changes nothing");

    tui.press(KeyCode::Enter); // the detail, then the form from there
    tui.keys("e");
    clear(&mut tui);
    tui.paste("Release notes, every release");
    while tui.app.actions.as_ref().unwrap().form().unwrap().field < 2 {
        tui.press(KeyCode::Tab);
    }
    tui.press(KeyCode::Right);
    let metric = {
        let form = tui.app.actions.as_ref().unwrap().form().unwrap();
        form.metrics[form.metric].clone()
    };
    assert_ne!(metric, selected.plan.metric);
    while tui.app.actions.as_ref().unwrap().form().unwrap().field < 5 {
        tui.press(KeyCode::Tab);
    }
    clear(&mut tui);
    tui.keys("2026-10-01");
    tui.ctrl('s');
    assert!(tui.screen().contains("already past"), "{}", tui.screen());
    tui.keys("y");
    let after = tui.backend.store.action(selected.id).unwrap().unwrap();
    assert_eq!(after.plan.title, "Release notes, every release");
    assert_eq!(after.plan.metric, metric);
    assert_eq!(after.plan.due, chrono::NaiveDate::from_ymd_opt(2026, 10, 1));
    assert_eq!(after.status, selected.status, "a correction is not a review");
    let expected_baseline = retro::query::actions::value_over(
        &tui.backend.store,
        &team,
        &metric,
        &selected.baseline_window,
        crate::common::now(),
    )
    .unwrap();
    assert_eq!(after.baseline, expected_baseline, "the new metric's baseline, over the same window");
    let screen = tui.app.actions.as_ref().unwrap();
    assert!(screen.form().is_none() && screen.detail, "back on the detail");
    assert_eq!(screen.current().unwrap().action.id, selected.id, "still on the same action");
}

#[test]
fn an_action_made_from_a_note_shows_that_note() {
    let mut tui = Tui::demo_retro();
    tui.go_to(Stage::WhatsBlocking);
    tui.keys("a");
    tui.keys("Reviews waited on one person");
    tui.ctrl('s');
    tui.go_to(Stage::DecideActions);
    tui.keys("a"); // from the selected note
    tui.ctrl('s');
    let note = tui.retro().flow.notes[0].id;
    let made = stored(&tui);
    assert_eq!(made.from_note, Some(note), "the link is stored");
    assert_eq!(made.plan.title, "Reviews waited on one person");
    // An action from scratch has no note.
    tui.keys("n");
    tui.keys("Rotate reviewers");
    tui.ctrl('s');
    let scratch = tui.retro().flow.actions[1].id;
    assert_eq!(tui.backend.store.action(scratch).unwrap().unwrap().from_note, None);

    tui.keys("q");
    tui.keys("a"); // the actions screen
    let actions = tui.app.actions.as_ref().unwrap();
    let at = actions.visible().position(|p| p.action.id == made.id).expect("listed");
    for _ in 0..at {
        tui.keys("j");
    }
    tui.press(KeyCode::Enter);
    let screen = tui.screen();
    assert!(screen.contains("From the note “Reviews waited on one person”"), "{screen}");
}
