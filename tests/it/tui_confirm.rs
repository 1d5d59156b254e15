//! Irreversible steps ask first, "no" by default; a close can be undone on the close
//! stage. Every test presses keys through the keymap, as a facilitator would.

use crate::common::Tui;
use ratatui::crossterm::event::KeyCode;
use retro::domain::{ActionStatus, Stage};
use retro::retro::session;
use retro::tui::app::Screen;

/// The ways to answer a question that must leave things as they were.
const NO: [KeyCode; 4] = [KeyCode::Char('n'), KeyCode::Esc, KeyCode::Enter, KeyCode::Char('f')];

fn finished_in_store(tui: &Tui) -> bool {
    let id = tui.retro().flow.retro.id;
    tui.backend.store.retro(id).unwrap().unwrap().finished_at.is_some()
}

#[test]
fn closing_a_retro_asks_and_only_y_closes_it() {
    let mut tui = Tui::demo_retro();
    tui.go_to(Stage::Close);
    for no in NO {
        tui.keys("f");
        let screen = tui.screen();
        assert!(screen.contains("Close this retro?") && screen.contains("y close the retro"), "{screen}");
        tui.press(no);
        assert!(!finished_in_store(&tui) && !tui.retro().is_closed(), "{no:?} closed the retro");
        assert!(tui.retro().is_browsing(), "{no:?} left the question open");
    }
    tui.keys("fy");
    assert!(finished_in_store(&tui) && tui.retro().is_closed());
}

#[test]
fn a_close_is_undone_on_the_close_stage_and_not_after_leaving_it() {
    let mut tui = Tui::demo_retro();
    tui.go_to(Stage::Close);
    tui.keys("3"); // a closing vote, kept through the close and its undo
    tui.keys("fy");
    assert!(tui.screen().contains("u undoes the close"), "{}", tui.screen());
    tui.keys("u");
    assert!(!finished_in_store(&tui) && !tui.retro().is_closed(), "undone");
    assert_eq!(tui.stage(), Stage::Close);
    assert_eq!(tui.retro().flow.return_on_time.get(5), 3, "nothing recorded was lost");
    let team = tui.app.team.clone().unwrap();
    let id = tui.retro().flow.retro.id;
    assert_eq!(session::unfinished(&tui.backend.store, &team).unwrap().map(|r| r.id), Some(id));
    // The reopened retro is changed like any open one.
    tui.keys("4");
    assert_eq!(tui.retro().flow.return_on_time.get(5), 4);

    // Closed again, then the stage left and come back to: the undo is gone.
    tui.keys("fy[]");
    assert!(!tui.screen().contains("undoes the close"), "{}", tui.screen());
    tui.keys("u");
    assert!(finished_in_store(&tui), "u does nothing once the close stage was left");
    // `retro retros reopen` is the way back then.
    assert!(tui.backend.store.reopen_retro(id).is_ok());
}

#[test]
fn deleting_a_note_asks_and_only_y_deletes_it() {
    let mut tui = Tui::demo_retro();
    tui.go_to(Stage::WhatsBlocking);
    tui.keys("a");
    tui.keys("Reviews waited on one person");
    tui.ctrl('s');
    let id = tui.retro().flow.retro.id;
    assert_eq!(tui.backend.store.notes(id).unwrap().len(), 1);
    tui.press(KeyCode::Tab);
    for no in NO {
        tui.keys("x");
        let screen = tui.screen();
        assert!(screen.contains("Delete this note?") && screen.contains("Reviews waited"), "{screen}");
        tui.press(no);
        assert_eq!(tui.backend.store.notes(id).unwrap().len(), 1, "{no:?} deleted the note");
        assert!(tui.retro().is_browsing());
    }
    tui.keys("xy");
    assert!(tui.backend.store.notes(id).unwrap().is_empty());
    assert!(tui.retro().flow.notes.is_empty());
}

#[test]
fn dropping_an_action_asks_before_the_note_and_only_y_goes_on() {
    let mut tui = Tui::demo_retro();
    tui.go_to(Stage::ReviewActions);
    let action = tui.retro().flow.to_review[0].clone();
    let status = |tui: &Tui| {
        tui.backend
            .store
            .actions(tui.app.team.as_ref().unwrap())
            .unwrap()
            .into_iter()
            .find(|a| a.id == action.id)
            .unwrap()
            .status
    };
    for no in NO {
        tui.keys("x");
        let screen = tui.screen();
        assert!(screen.contains("Drop “") && screen.contains("y drop it"), "{screen}");
        tui.press(no);
        assert!(tui.retro().is_browsing(), "{no:?}: no note editor after a no");
        assert_eq!(status(&tui), ActionStatus::Open);
    }
    tui.keys("xy");
    assert!(tui.retro().editor().is_some(), "y goes on to the drop's note");
    tui.keys("Superseded by the canary stage");
    tui.ctrl('s');
    assert_eq!(status(&tui), ActionStatus::Dropped);
    let review = tui.retro().flow.review_of(action.id).unwrap();
    assert_eq!(review.note.as_deref(), Some("Superseded by the canary stage"));
}

#[test]
fn starting_anew_over_an_unfinished_retro_asks_first() {
    let mut tui = Tui::demo_retro();
    let unfinished = tui.retro().flow.retro.id;
    tui.keys("q");
    let team = tui.app.team.clone().unwrap();
    for no in [KeyCode::Char('n'), KeyCode::Esc, KeyCode::Enter] {
        tui.keys("rn");
        assert!(tui.screen().contains("Start anew?"), "{}", tui.screen());
        tui.press(no);
        assert_eq!(tui.app.screen, Screen::Dashboard, "{no:?}");
        assert!(tui.app.overlays.is_empty());
        assert_eq!(session::unfinished(&tui.backend.store, &team).unwrap().map(|r| r.id), Some(unfinished));
    }
    tui.keys("rny");
    assert_eq!(tui.app.screen, Screen::Retro);
    assert_ne!(tui.retro().flow.retro.id, unfinished, "a new retro");
    assert!(tui.backend.store.retro(unfinished).unwrap().unwrap().finished_at.is_some(), "the old one closed");
}

#[test]
fn quitting_with_a_half_filled_form_asks_and_only_y_quits() {
    let mut tui = Tui::demo_retro();
    tui.go_to(Stage::DecideActions);
    tui.keys("n");
    tui.keys("Pair on reviews");
    tui.press(KeyCode::Esc); // the form closes: nothing left to lose
    tui.keys("n");
    tui.keys("Pair on reviews");
    for no in [KeyCode::Char('n'), KeyCode::Esc, KeyCode::Enter] {
        tui.ctrl('c');
        assert!(tui.screen().contains("Quit anyway?"));
        tui.press(no);
        assert!(tui.app.running, "{no:?} quit");
        assert!(tui.retro().form().is_some(), "{no:?}: the form is still there");
    }
    tui.ctrl('c');
    tui.keys("y");
    assert!(!tui.app.running);
}

#[test]
fn an_undo_is_refused_with_a_notice_once_another_retro_was_started() {
    let mut tui = Tui::demo_retro();
    tui.go_to(Stage::Close);
    tui.keys("fy");
    // Meanwhile, someone starts the next retro from the command line.
    let team = tui.app.team.clone().unwrap();
    let window = session::default_window(&tui.backend.store, &team, crate::common::now()).unwrap();
    let next = tui.backend.store.start_retro(&team, &window, crate::common::now()).unwrap();
    tui.keys("u");
    assert!(tui.screen().contains("cannot be reopened while retro"), "{}", tui.screen());
    assert!(finished_in_store(&tui) && tui.retro().is_closed(), "still closed");
    assert_eq!(session::unfinished(&tui.backend.store, &team).unwrap().map(|r| r.id), Some(next.id));
}
