//! Pasted text is text, never key presses: it goes into the note or action being typed,
//! opens a note where one can be added, and is otherwise dropped with a notice. Text
//! chosen so that read as keys it would close the retro, delete a note, quit...

use crate::common::Tui;
use ratatui::crossterm::event::KeyCode;
use retro::domain::Stage;
use retro::tui::app::{Overlay, Screen};

/// Read as keys on the close stage, this closes the retro (f, y); in the notes pane it
/// deletes a note (x, y); on the dashboard it quits (q).
const DANGEROUS: &str = "fix yes\r\nquit me please";
const AS_TYPED: &str = "fix yes\nquit me please";

fn was_ignored_with_a_notice(tui: &Tui) {
    assert!(
        matches!(tui.app.overlays.as_slice(), [Overlay::Notice(n)] if n.contains("pasted text was not used")),
        "{:?}",
        tui.app.overlays
    );
    assert!(tui.screen().contains("Nothing changed."), "{}", tui.screen());
}

#[test]
fn a_paste_on_the_dashboard_changes_nothing() {
    let mut tui = Tui::demo();
    tui.keys("jh"); // somewhere other than the start
    let before = (
        tui.app.screen,
        tui.app.dashboard.anchor.clone(),
        tui.app.dashboard.selected,
        tui.app.dashboard.pane,
        tui.app.dashboard.granularity,
    );
    tui.paste(DANGEROUS);
    assert!(tui.app.running, "the paste did not quit");
    assert_eq!(
        (
            tui.app.screen,
            tui.app.dashboard.anchor.clone(),
            tui.app.dashboard.selected,
            tui.app.dashboard.pane,
            tui.app.dashboard.granularity
        ),
        before
    );
    was_ignored_with_a_notice(&tui);
    tui.press(KeyCode::Esc);
    assert!(tui.app.overlays.is_empty() && tui.app.running, "Esc closed the notice, and only that");
    assert_eq!(tui.app.screen, Screen::Dashboard);
}

#[test]
fn a_paste_on_every_stage_changes_nothing_but_the_editor() {
    let mut tui = Tui::demo_retro();
    // Something in the notes pane to delete, were the paste read as keys.
    tui.go_to(Stage::WhatsBlocking);
    tui.keys("a");
    tui.keys("Reviews waited");
    tui.ctrl('s');
    tui.keys("[[[");
    for stage in Stage::ALL {
        tui.go_to(stage);
        if stage == Stage::WhatsBlocking {
            tui.press(KeyCode::Tab); // the notes pane, on the note
        }
        let before = tui.retro().flow.clone();
        let cursor = tui.retro().cursor;
        tui.paste(DANGEROUS);
        let after = tui.retro();
        assert_eq!(after.flow, before, "{}: the paste changed the retro", stage.title());
        assert_eq!(after.cursor, cursor, "{}", stage.title());
        assert!(tui.app.running);
        let id = before.retro.id;
        assert!(tui.backend.store.retro(id).unwrap().unwrap().finished_at.is_none(), "{}", stage.title());
        assert_eq!(tui.backend.store.notes(id).unwrap().len(), 1, "{}", stage.title());
        match stage {
            // A note can be added here: the paste is its text, waiting to be saved.
            Stage::WhatsBlocking => {
                let editor = after.editor().expect("a note editor with the paste");
                assert_eq!(editor.body(), AS_TYPED, "multi-line kept, line breaks as typed");
                assert!(tui.app.overlays.is_empty());
                tui.press(KeyCode::Esc); // kept as a draft
                tui.press(KeyCode::Tab);
            }
            _ => {
                assert!(after.is_browsing(), "{}", stage.title());
                was_ignored_with_a_notice(&tui);
                tui.press(KeyCode::Esc);
            }
        }
    }
}

#[test]
fn a_paste_on_a_safety_prompt_opens_its_note() {
    let mut tui = Tui::demo_retro();
    tui.keys("jjjj");
    tui.keys("5"); // five people chose 1: the safety prompts appear below the votes
    tui.keys("j");
    let before = tui.retro().flow.clone();
    tui.paste("We fear blame");
    assert_eq!(tui.retro().flow, before);
    assert_eq!(tui.retro().editor().map(|e| e.body()), Some("We fear blame".into()));
    tui.ctrl('s');
    assert_eq!(tui.retro().flow.notes.last().map(|n| n.body.as_str()), Some("We fear blame"));
}

#[test]
fn a_paste_goes_into_the_note_or_the_action_being_typed() {
    let mut tui = Tui::demo_retro();
    tui.go_to(Stage::WhatsBlocking);
    tui.keys("a");
    tui.keys("Seen: ");
    tui.paste(DANGEROUS);
    tui.ctrl('s');
    let note = tui.retro().flow.notes.last().unwrap();
    assert_eq!(note.body, format!("Seen: {AS_TYPED}"));

    tui.go_to(Stage::DecideActions);
    tui.keys("n");
    tui.paste("Pair on reviews\nevery day");
    let form = tui.retro().form().expect("the form stays open");
    assert_eq!(form.title.lines(), ["Pair on reviews every day"], "a field is one line");
    tui.press(KeyCode::Tab);
    tui.press(KeyCode::Tab); // the metric: a choice, not text
    tui.paste("lead time");
    was_ignored_with_a_notice(&tui);
    tui.press(KeyCode::Esc);
    assert!(tui.retro().form().is_some(), "the notice closed, the form is still there");
}

#[test]
fn a_paste_over_a_question_or_on_a_closed_retro_is_dropped() {
    let mut tui = Tui::demo_retro();
    tui.go_to(Stage::Close);
    tui.keys("f");
    tui.paste("y");
    was_ignored_with_a_notice(&tui);
    tui.press(KeyCode::Esc);
    assert!(!tui.retro().is_closed(), "the pasted y answered nothing");
    assert!(!tui.retro().is_browsing(), "the question is still asked");
    tui.keys("y");
    assert!(tui.retro().is_closed());
    tui.keys("[[");
    tui.paste("a note for a closed retro");
    assert!(tui.retro().is_browsing());
    was_ignored_with_a_notice(&tui);
}
