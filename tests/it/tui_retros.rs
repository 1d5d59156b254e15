//! Browsing past retros in the terminal UI, driven by key events: the list, a closed
//! retro read (and exported) without any way to change it, and an unfinished one resumed.

use crate::common::{Tui, now, render};
use assert_cmd::Command;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use retro::store::Store;
use retro::tui::Backend;
use retro::tui::app::Screen;
use retro::tui::keymap::{Context, bindings};
use retro::tui::ui::{draw, theme::Theme};

/// The demo team's dashboard over a store in a file in `dir`, exports going to `dir`.
fn demo_in(dir: &std::path::Path) -> (Tui, std::path::PathBuf) {
    let db = dir.join("retro.db");
    let mut store = Store::open(&db).unwrap();
    retro::demo::load(&mut store, now()).unwrap();
    let mut tui = Tui::new(Backend::new(store));
    tui.backend.export_dir = dir.to_path_buf();
    (tui, db)
}

fn screens(tui: &Tui) -> &retro::tui::retros::RetrosScreen {
    tui.app.retros.as_ref().expect("the past retros are open")
}

/// The store's files as bytes: the database and any journal beside it.
fn store_bytes(db: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let dir = db.parent().unwrap();
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("retro.db"))
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect();
    files.sort();
    files
}

#[test]
fn p_lists_the_retros_newest_first_and_the_cursor_moves() {
    let mut tui = Tui::demo();
    tui.keys("p");
    assert_eq!(tui.app.screen, Screen::Retros);
    assert_eq!(tui.app.context(), Context::RetroList);
    let ids: Vec<i64> = screens(&tui).listed.iter().map(|l| l.retro.id.0).collect();
    assert_eq!(ids, vec![6, 5, 4, 3, 2, 1], "the demo's six retros, newest first");
    assert!(screens(&tui).listed.iter().all(|l| l.retro.finished_at.is_some()));
    let screen = render(&tui.app, 120, 40);
    assert!(screen.contains("Past retros") && screen.contains("closed"), "{screen}");
    tui.keys("jj");
    assert_eq!(screens(&tui).selected, 2);
    tui.press(KeyCode::Up);
    assert_eq!(screens(&tui).selected, 1);
    tui.keys("k");
    tui.keys("k");
    assert_eq!(screens(&tui).selected, 5, "moving up from the top wraps to the oldest");
    tui.keys("q");
    assert_eq!(tui.app.screen, Screen::Dashboard);
}

#[test]
fn a_closed_retro_opens_read_only_with_its_notes_actions_and_votes() {
    let mut tui = Tui::demo();
    tui.keys("p");
    tui.keys("j");
    tui.press(KeyCode::Enter);
    assert_eq!(tui.app.context(), Context::RetroRead);
    assert!(tui.app.retro.is_none(), "reading does not open the retro for changes");
    let reading = screens(&tui).reading().unwrap();
    let s = &reading.summary;
    assert_eq!(s.retro.id.0, 5);
    assert!(!s.notes.is_empty() && !s.actions.is_empty(), "the demo's retro 5 holds notes and actions");
    let mut tall = Terminal::new(TestBackend::new(120, 200)).unwrap();
    tall.draw(|f| draw(f, &tui.app, &Theme::PLAIN)).unwrap();
    let text: String = tall.backend().buffer().content.iter().map(|c| c.symbol()).collect();
    for note in &s.notes {
        let first = note.body.lines().next().unwrap();
        assert!(text.contains(first), "note {first:?} is shown");
    }
    for action in &s.actions {
        assert!(text.contains(&action.plan.title), "action {:?} is shown", action.plan.title);
    }
    assert!(text.contains("Safety check") && text.contains("Closing vote"), "both votes are shown");
    let median = s.safety.median().map(|m| format!("median {m} of {} votes", s.safety.total()));
    assert!(text.contains(median.as_deref().unwrap_or("no votes")));

    tui.keys("jjj");
    assert_eq!(screens(&tui).reading().unwrap().scroll, 3);
    tui.keys("k");
    assert_eq!(screens(&tui).reading().unwrap().scroll, 2);
    tui.keys("q");
    assert_eq!(tui.app.context(), Context::RetroList, "q goes back to the list");
    assert_eq!(screens(&tui).selected, 1, "where the cursor was");
}

#[test]
fn export_writes_what_retro_export_writes_and_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let (mut tui, db) = demo_in(dir.path());
    tui.keys("p");
    tui.press(KeyCode::Enter);
    tui.keys("e");
    let notice = tui.app.notice().expect("a notice says where the file went").to_owned();
    let path = dir.path().join("retro-demo-team-2026-10-02-2026-11-12.md");
    assert!(notice.contains(&path.display().to_string()), "{notice}");
    let written = std::fs::read_to_string(&path).unwrap();
    let id = screens(&tui).reading().unwrap().summary.retro.id.0.to_string();
    let cli = Command::cargo_bin("retro")
        .unwrap()
        .arg("--db")
        .arg(&db)
        .args(["export", &id, "--format", "md"])
        .env("RETRO_NOW", crate::common::NOW)
        .env_remove("RETRO_TEAM")
        .output()
        .unwrap();
    assert!(cli.status.success(), "{}", String::from_utf8_lossy(&cli.stderr));
    assert_eq!(written, String::from_utf8(cli.stdout).unwrap());
    tui.press(KeyCode::Esc);
    assert_eq!(tui.app.context(), Context::RetroRead, "the notice closes; the retro stays open");
}

#[test]
fn a_team_without_retros_says_how_to_start_one_and_enter_does_nothing() {
    let mut store = Store::open_in_memory().unwrap();
    store.add_team("new team", retro::domain::UtcOffset::UTC).unwrap();
    let mut tui = Tui::new(Backend::new(store));
    tui.keys("p");
    assert!(screens(&tui).listed.is_empty());
    assert!(tui.screen().contains("No retros yet. Start one with r on the dashboard."), "{}", tui.screen());
    tui.press(KeyCode::Enter);
    tui.keys("j");
    assert_eq!((tui.app.screen, tui.app.context()), (Screen::Retros, Context::RetroList));
}

#[test]
fn an_export_that_cannot_be_written_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let (mut tui, _db) = demo_in(dir.path());
    tui.backend.export_dir = dir.path().join("no such folder");
    tui.keys("p");
    tui.press(KeyCode::Enter);
    tui.keys("e");
    let notice = tui.app.notice().expect("a notice says what went wrong");
    assert!(notice.starts_with("Could not write the summary"), "{notice}");
    assert_eq!(tui.app.screen, Screen::Retros, "the retro stays open to try again");
}

#[test]
fn no_key_of_the_read_only_view_changes_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let (mut tui, db) = demo_in(dir.path());
    let rows = |tui: &Tui| {
        let store = &tui.backend.store;
        let team = store.teams().unwrap().remove(0);
        let retros = store.retros(&team).unwrap();
        let notes: Vec<_> = retros.iter().map(|r| store.notes(r.id).unwrap()).collect();
        format!("{retros:?}{notes:?}{:?}", store.actions(&team).unwrap())
    };
    let before = (store_bytes(&db), rows(&tui));
    tui.keys("p");
    tui.press(KeyCode::Enter);
    // Every key bound anywhere, and every printable key, pressed in the read-only view.
    let mut events: Vec<KeyEvent> = Context::ALL
        .iter()
        .flat_map(|c| bindings(*c))
        .flat_map(|b| b.keys)
        .map(|k| KeyEvent::new(k.code, k.modifiers))
        .collect();
    events.extend((' '..='~').map(|c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)));
    for event in events {
        while !tui.app.overlays.is_empty() {
            tui.press(KeyCode::Esc);
        }
        if tui.app.screen != Screen::Retros {
            tui.keys("p");
        }
        if tui.app.context() == Context::RetroList {
            tui.press(KeyCode::Enter);
        }
        assert_eq!(tui.app.context(), Context::RetroRead);
        tui.event(event);
        assert!(tui.app.retro.is_none(), "{event:?} opened a retro for changes");
    }
    assert!(!tui.app.running, "Ctrl-C, among the keys, quits: nothing to save on the way out");
    // The export writes a file beside the store, never into it.
    assert_eq!((store_bytes(&db), rows(&tui)), before);
}

#[test]
fn an_unfinished_retro_in_the_list_is_resumed_not_read() {
    let mut tui = Tui::demo_retro();
    let id = tui.retro().flow.retro.id;
    tui.keys("q");
    tui.keys("p");
    let first = &screens(&tui).listed[0];
    assert_eq!((first.retro.id, first.retro.finished_at), (id, None));
    let screen = render(&tui.app, 80, 24);
    assert!(screen.contains("Enter resume") && screen.contains("open: Set the stage"), "{screen}");
    tui.press(KeyCode::Enter);
    assert_eq!(tui.app.screen, Screen::Retro, "resumed on the retro screen");
    assert_eq!(tui.retro().flow.retro.id, id);
    assert!(!tui.retro().is_closed());
    assert_eq!(tui.backend.held, Some(id), "held like any resumed retro");
}

#[test]
fn the_list_and_the_read_only_view_render() {
    let mut tui = Tui::demo();
    tui.keys("p");
    insta::assert_snapshot!("retros_list_80x24", render(&tui.app, 80, 24));
    insta::assert_snapshot!("retros_list_120x40", render(&tui.app, 120, 40));
    tui.press(KeyCode::Enter);
    insta::assert_snapshot!("retros_read_80x24", render(&tui.app, 80, 24));
    insta::assert_snapshot!("retros_read_120x40", render(&tui.app, 120, 40));
}

#[test]
fn the_past_retros_draw_at_any_size() {
    let mut tui = Tui::demo();
    tui.keys("p");
    for reading in [false, true] {
        if reading {
            tui.press(KeyCode::Enter);
        }
        for width in [0, 1, 2, 5, 10, 19, 33, 47, 61, 79] {
            for height in [0, 1, 2, 3, 5, 8, 13, 21] {
                let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
                let drawn = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    terminal.draw(|f| draw(f, &tui.app, &Theme::COLOR)).unwrap();
                }));
                assert!(drawn.is_ok(), "reading {reading} panicked at {width}x{height}");
            }
        }
    }
}
