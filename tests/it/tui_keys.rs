//! One interaction model: keys become actions only through the keymap and the rules of
//! the context they are pressed in, and every key a hint names on screen is one that
//! works there.

use crate::common::Tui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use ratatui::style::Modifier;
use retro::domain::Stage;
use retro::tui::app::{App, Screen};
use retro::tui::keymap::{Action, Key};
use retro::tui::ui::{draw, theme::Theme};

/// Every key named on screen: the runs of cells drawn in the key style, split into
/// words (a run reads like `Ctrl-S`, `↑ k` or `n/Esc`).
fn keys_on_screen(app: &App) -> Vec<String> {
    let (width, height) = (120, 40);
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| draw(f, app, &Theme::MARKED_KEYS)).unwrap();
    let buffer = terminal.backend().buffer();
    let marked = Modifier::ITALIC | Modifier::UNDERLINED;
    let mut runs = vec![];
    for y in 0..height {
        let mut run = String::new();
        for x in 0..width {
            let cell = &buffer[(x, y)];
            if cell.modifier.contains(marked) {
                run.push_str(cell.symbol());
            } else if !run.is_empty() {
                runs.push(std::mem::take(&mut run));
            }
        }
        if !run.is_empty() {
            runs.push(run);
        }
    }
    runs.iter().flat_map(|r| r.split_whitespace().map(str::to_owned).collect::<Vec<_>>()).collect()
}

/// The ways a key that acts on screen now may be written: its binding's label, the
/// label's parts, or the key's own name, over every context on screen.
fn names_that_act(app: &App) -> Vec<String> {
    let mut names = vec![];
    for context in app.contexts() {
        for b in app.keys_shown(context) {
            names.push(b.label.to_owned());
            names.extend(b.label.split('/').map(str::to_owned));
            names.extend(b.keys.iter().map(|k| Key::name(*k)));
        }
    }
    names
}

/// Checks the screen as it is now; returns the keys found, for the caller to check more.
fn check(tui: &Tui, what: &str) -> Vec<String> {
    let shown = keys_on_screen(&tui.app);
    assert!(!shown.is_empty(), "{what}: no key hint on screen at all");
    let names = names_that_act(&tui.app);
    for key in &shown {
        assert!(names.contains(key), "{what}: a hint names {key:?}, which does nothing here ({:?})", tui.app.context());
    }
    shown
}

#[test]
fn every_key_named_in_a_hint_works_where_it_is_shown() {
    let mut tui = Tui::demo();
    check(&tui, "dashboard");
    tui.keys("?");
    check(&tui, "help over the dashboard");
    tui.press(KeyCode::Esc);
    tui.press(KeyCode::Enter);
    check(&tui, "detail");
    tui.keys("q");
    tui.keys("a");
    assert_eq!(tui.app.screen, Screen::Actions);
    check(&tui, "actions list");
    tui.press(KeyCode::Enter);
    check(&tui, "action detail");
    tui.keys("e");
    check(&tui, "correcting an action from the actions screen");
    tui.press(KeyCode::Esc);
    tui.keys("qq");

    tui.keys("r");
    for stage in Stage::ALL {
        tui.go_to(stage);
        check(&tui, stage.title());
        tui.keys("?");
        check(&tui, &format!("help over {}", stage.title()));
        tui.press(KeyCode::Esc);
    }
    tui.keys("[[");
    tui.keys("a");
    check(&tui, "typing a note");
    tui.keys("Flaky tests");
    tui.ctrl('s');
    tui.press(KeyCode::Tab);
    tui.keys("x");
    check(&tui, "asked to delete a note");
    tui.keys("n");
    tui.keys("]n");
    check(&tui, "the action form, on its title");
    tui.press(KeyCode::Tab);
    tui.press(KeyCode::Tab);
    check(&tui, "the action form, on a choice");
    tui.press(KeyCode::Esc);
    tui.keys("n");
    tui.keys("Pair on reviews");
    tui.ctrl('s');
    tui.press(KeyCode::Tab);
    let table = check(&tui, "this retro's actions");
    assert!(table.contains(&"e".to_owned()) && !table.contains(&"a".to_owned()), "{table:?}");
    tui.keys("x");
    check(&tui, "asked to delete an action");
    tui.keys("n");
    tui.keys("e");
    check(&tui, "correcting an action");
    tui.press(KeyCode::Esc);
    tui.press(KeyCode::Tab);
    tui.keys("]f");
    check(&tui, "asked to close the retro");
    tui.keys("y");
    let closed = check(&tui, "the retro just closed");
    assert!(closed.contains(&"u".to_owned()), "the undo is offered: {closed:?}");
    assert!(!closed.contains(&"f".to_owned()), "a closed retro cannot be closed again: {closed:?}");
    tui.keys("[");
    let browsing = check(&tui, "a closed retro, browsed");
    for hidden in ["a", "e", "x"] {
        assert!(!browsing.contains(&hidden.to_owned()), "{hidden} changes a closed retro: {browsing:?}");
    }
    tui.keys("]");
    assert!(!check(&tui, "back at the close, later").contains(&"u".to_owned()), "the undo ends with the stage");
    tui.keys("qr");
    tui.keys("qr");
    check(&tui, "offered the unfinished retro");
    tui.keys("n");
    check(&tui, "asked to close the unfinished retro");
    tui.press(KeyCode::Esc);
    check(&tui, "back on the dashboard, the retro kept open");
}

#[test]
fn a_closed_retro_ignores_the_keys_it_hides() {
    let mut tui = Tui::demo_retro();
    tui.go_to(Stage::WhatsBlocking);
    tui.keys("a");
    tui.keys("Reviews waited");
    tui.ctrl('s');
    tui.go_to(Stage::Close);
    tui.keys("fy");
    assert!(tui.retro().is_closed());
    let before = tui.retro().flow.clone();
    // Every key that would change the record, on every stage: none acts, none opens anything.
    for stage in Stage::ALL.into_iter().rev() {
        while tui.stage() > stage {
            tui.keys("[");
        }
        for key in ["a", "e", "x", "d", "o", "n", "f", "3", "+", "-"] {
            tui.keys(key);
            assert!(tui.retro().is_browsing(), "{key} opened something on a closed {}", stage.title());
            assert!(tui.app.overlays.is_empty(), "{key} opened a dialog on a closed {}", stage.title());
        }
        tui.press(KeyCode::Enter);
        tui.press(KeyCode::Delete);
        tui.press(KeyCode::Tab);
        tui.press(KeyCode::Right);
        assert!(tui.retro().is_browsing());
    }
    let after = &tui.retro().flow;
    assert_eq!(after.notes, before.notes);
    assert_eq!((after.safety, after.return_on_time), (before.safety, before.return_on_time));
    assert_eq!(after.reviews, before.reviews);
    assert_eq!(after.retro.finished_at, before.retro.finished_at);
    // Hidden keys are not even looked up: the keymap says nothing for them here.
    assert_eq!(tui.app.action_for(ratatui::crossterm::event::KeyEvent::from(KeyCode::Char('a'))), None);
    assert_eq!(
        tui.app.action_for(ratatui::crossterm::event::KeyEvent::from(KeyCode::Char(']'))),
        Some(Action::NextStage)
    );
    // Exporting is no change: `e` on the close stage wrote the summary, into the test's
    // folder and not the current one.
    assert_eq!(tui.exported(), ["retro-demo-team-2026-11-13-2026-11-26.md"]);
}

#[test]
fn ctrl_c_quits_whatever_is_open_and_keeps_the_note_being_typed() {
    // Over the help, a notice-free dashboard, an editor: Ctrl-C ends the app.
    let mut tui = Tui::demo();
    tui.keys("?");
    tui.ctrl('c');
    assert!(!tui.app.running, "from the help");

    let mut tui = Tui::demo_retro();
    tui.go_to(Stage::WhatsBlocking);
    tui.keys("a");
    tui.keys("half a thought");
    tui.ctrl('c');
    assert!(!tui.app.running, "from the note editor");
    let id = tui.retro().flow.retro.id;
    let draft = tui.backend.store.draft(id).unwrap().expect("the note is kept as a draft");
    assert_eq!(draft.body, "half a thought");

    // A half-filled action form would be lost: Ctrl-C asks, and a second Ctrl-C quits.
    let mut tui = Tui::demo_retro();
    tui.go_to(Stage::DecideActions);
    tui.keys("n");
    tui.keys("Pair on reviews");
    tui.ctrl('c');
    assert!(tui.app.running);
    assert!(tui.screen().contains("Quit anyway?"), "{}", tui.screen());
    tui.ctrl('c');
    assert!(!tui.app.running, "from the question");
}

#[test]
fn the_first_run_and_the_picker_name_only_keys_that_work() {
    use retro::store::Store;
    use retro::tui::Backend;
    check(&Tui::new(Backend::new(Store::open_in_memory().unwrap())), "first run");
    let mut store = Store::open_in_memory().unwrap();
    store.add_team("a", Default::default()).unwrap();
    store.add_team("b", Default::default()).unwrap();
    let mut tui = Tui::new(Backend::new(store));
    check(&tui, "team picker");
    tui.keys("?");
    check(&tui, "help over the picker");
}

#[test]
fn the_past_retros_name_only_keys_that_work() {
    let mut tui = Tui::demo();
    tui.keys("p");
    assert!(check(&tui, "the past retros").contains(&"Enter".to_owned()));
    tui.press(KeyCode::Enter);
    let reading = check(&tui, "a past retro, read");
    assert!(reading.contains(&"e".to_owned()), "the export is offered: {reading:?}");
    tui.keys("e");
    check(&tui, "the notice of the export");
    tui.press(KeyCode::Esc);
    tui.keys("?");
    check(&tui, "help over a past retro");
}
