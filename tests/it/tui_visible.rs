//! Nothing typed is invisible: drafts show where they will go, resuming finds the
//! selection where it was, long notes wrap and scroll in the editor, counts never push
//! a prompt's words out, safety notes stay in view, counts take Backspace. Keys only.

use crate::common::Tui;
use ratatui::crossterm::event::KeyCode;
use retro::domain::{Stage, VoteKind};

/// The left half of the screen (the prompts pane), its text without spaces.
fn left_pane(screen: &str) -> String {
    screen.lines().skip(3).filter_map(|l| l.split_once('│').map(|(left, _)| left.replace(' ', ""))).collect()
}

#[test]
fn a_draft_kept_with_esc_shows_in_its_pane() {
    let mut tui = Tui::demo_retro();
    tui.go_to(Stage::WhatsBlocking);
    tui.keys("a");
    tui.keys("half a thought");
    tui.press(KeyCode::Esc);
    let screen = tui.screen();
    assert!(screen.contains("draft: half a thought"), "{screen}");
    assert!(screen.contains("(draft)"), "the prompt says it has a draft:\n{screen}");

    // A draft of a change to a note shows under that note.
    tui.keys("a"); // the draft reopens in the editor
    tui.keys(": reviews waited");
    tui.ctrl('s');
    tui.press(KeyCode::Tab);
    tui.keys("e");
    tui.keys(" on one person");
    tui.press(KeyCode::Esc);
    let screen = tui.screen();
    assert!(screen.contains("• half a thought: reviews") && screen.contains("draft: half a thought:"), "{screen}");
    assert!(screen.contains("on one person"), "{screen}");

    // A review note, under the review table.
    tui.go_to(Stage::ReviewActions);
    while tui.stage() > Stage::ReviewActions {
        tui.keys("[");
    }
    tui.keys("d");
    tui.keys("shipped, mostly");
    tui.press(KeyCode::Esc);
    let screen = tui.screen();
    assert!(screen.contains("draft (done “") && screen.contains("shipped, mostly"), "{screen}");
    assert!(screen.contains("draft…"), "the decision column says so:\n{screen}");
}

#[test]
fn a_safety_note_draft_shows_under_its_prompt() {
    let mut tui = Tui::demo_retro();
    tui.keys("jjjj5j"); // five chose 1: the safety prompts appear; the first selected
    tui.keys("a");
    tui.keys("we fear blame");
    tui.press(KeyCode::Esc);
    assert!(tui.screen().contains("draft: we fear blame"), "{}", tui.screen());
}

#[test]
fn resuming_a_retro_selects_what_the_draft_was_typed_for() {
    let mut tui = Tui::demo_retro();
    tui.go_to(Stage::WhatsBlocking);
    tui.keys("jj");
    tui.keys("a");
    tui.keys("under the third prompt");
    tui.press(KeyCode::Esc);
    tui.keys("kk"); // the selection moves on; the draft stays with its prompt
    tui.keys("q");
    tui.keys("r");
    tui.press(KeyCode::Enter); // resume
    let retro = tui.retro();
    assert_eq!(retro.editor().map(|e| e.body()), Some("under the third prompt".into()), "the draft reopens");
    assert_eq!(retro.cursor[Stage::WhatsBlocking.index()], 2, "on the prompt it was typed for");
    tui.press(KeyCode::Esc);
    assert!(tui.screen().contains("draft: under the third prompt"), "{}", tui.screen());
}

#[test]
fn a_long_note_wraps_and_scrolls_in_the_editor_at_80x24() {
    let mut tui = Tui::demo_retro();
    tui.go_to(Stage::WhatsBlocking);
    tui.keys("a");
    let long_line = "word ".repeat(40) + "END-OF-LONG-LINE";
    tui.keys(&long_line);
    for i in 1..=30 {
        tui.press(KeyCode::Enter);
        tui.keys(&format!("line {i}"));
    }
    let screen = tui.screen();
    assert!(screen.contains("line 30") && screen.contains("line 31/31, col 8"), "the cursor's line:\n{screen}");
    assert!(!screen.contains("END-OF-LONG-LINE"), "the first line is scrolled away:\n{screen}");
    for _ in 0..30 {
        tui.press(KeyCode::Up);
    }
    tui.press(KeyCode::Home);
    let screen = tui.screen();
    assert!(screen.contains("line 1/31, col 1 "), "{screen}");
    // The first line, 216 characters, wraps over the editor's rows instead of running off.
    assert!(screen.contains("word word") && screen.contains("LONG-LINE"), "{screen}");
    tui.ctrl('s');
    let body = &tui.retro().flow.notes.last().unwrap().body;
    assert!(body.starts_with(&long_line) && body.ends_with("line 30"), "all of it is kept");
}

#[test]
fn the_note_count_never_cuts_a_prompt() {
    let mut tui = Tui::demo_retro();
    tui.go_to(Stage::WhatsBlocking);
    let prompts: Vec<String> = tui.retro().flow.blocking_prompts().iter().map(|p| p.text.clone()).collect();
    for (i, text) in prompts.iter().enumerate() {
        for n in 0..12 {
            tui.keys("a");
            tui.keys(&format!("note {n}"));
            tui.ctrl('s');
        }
        let pane = left_pane(&tui.screen());
        assert!(pane.contains(&format!("{}(12)", text.replace(' ', ""))), "prompt {i} cut:\n{}", tui.screen());
        tui.keys("j");
    }
}

#[test]
fn safety_notes_stay_in_view_after_the_median_rises() {
    let mut tui = Tui::demo_retro();
    tui.keys("jjjj5j");
    let prompt = tui.retro().safety_prompts_shown()[0].text.clone();
    tui.keys("a");
    tui.keys("we fear blame");
    tui.ctrl('s');
    // Nine people chose 5: the median rises, the safety-first advice goes.
    tui.keys("kkkkk9");
    assert!(!tui.retro().flow.safety_is_low());
    let screen = tui.screen();
    assert!(!screen.contains("Consider spending this retro on"), "{screen}");
    assert!(screen.contains("(1 note)"), "the prompt with a note is still listed:\n{screen}");
    assert_eq!(tui.retro().safety_prompts_shown().len(), 1);
    assert_eq!(tui.retro().safety_prompts_shown()[0].text, prompt);
    // ...and can take another note.
    tui.keys("jjjjj");
    tui.keys("a");
    tui.keys("and of being wrong");
    tui.ctrl('s');
    assert_eq!(tui.retro().flow.notes.len(), 2);
}

#[test]
fn a_count_takes_backspace_and_a_typed_number_replaces_it() {
    let mut tui = Tui::demo_retro();
    let safety = |tui: &Tui| tui.retro().flow.safety.get(5);
    tui.keys("12");
    assert_eq!(safety(&tui), 12);
    tui.press(KeyCode::Backspace);
    assert_eq!(safety(&tui), 1);
    tui.keys("5");
    assert_eq!(safety(&tui), 15);
    tui.press(KeyCode::Backspace);
    tui.press(KeyCode::Backspace);
    assert_eq!(safety(&tui), 0);
    tui.keys("8jk"); // away and back
    assert_eq!(safety(&tui), 8);
    tui.keys("3");
    assert_eq!(safety(&tui), 3, "a number typed anew replaces the count");
    tui.press(KeyCode::Backspace);
    assert_eq!(safety(&tui), 0);
    let id = tui.retro().flow.retro.id;
    assert_eq!(tui.backend.store.votes(id, VoteKind::Safety).unwrap().get(5), 0, "stored as shown");
    // The closing vote too.
    tui.go_to(Stage::Close);
    tui.keys("42");
    tui.press(KeyCode::Backspace);
    assert_eq!(tui.retro().flow.return_on_time.get(5), 4);
}
