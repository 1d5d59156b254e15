//! A busy store or a full disk mid-retro: the TUI keeps what was typed, says so, tries
//! again with backoff, and saves it exactly once when it can (issue 11.2).

use crate::common::{Tui, now};
use ratatui::crossterm::event::KeyCode;
use retro::domain::Stage;
use retro::retro::flow::Effect;
use retro::store::Store;
use retro::tui::Backend;
use retro::tui::pending::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A retro on the demo team in a store file in `dir`, at "What's blocking us".
fn file_retro(dir: &Path) -> (Tui, PathBuf) {
    let db = dir.join("retro.db");
    let mut store = Store::open(&db).unwrap();
    retro::demo::load(&mut store, now()).unwrap();
    // Each attempt gives up at once, not after 5 s: the test drives the retries itself.
    store.set_busy_timeout(Duration::from_millis(20)).unwrap();
    let mut tui = Tui::new(Backend::new(store));
    tui.keys("r");
    tui.go_to(Stage::WhatsBlocking);
    (tui, db)
}

/// `seconds` later on the app's clock, the loop's tick carried out.
fn tick_after(tui: &mut Tui, seconds: i64) {
    tui.app.now += seconds;
    if let Some(effect) = tui.app.tick() {
        retro::tui::apply_effect(&mut tui.backend, &mut tui.app, effect).unwrap();
    }
}

fn bodies(tui: &Tui) -> Vec<String> {
    let id = tui.retro().flow.retro.id;
    tui.backend.store.notes(id).unwrap().into_iter().map(|n| n.body).collect()
}

/// Another process's long write: an exclusive transaction on a second connection.
fn lock(db: &Path) -> rusqlite::Connection {
    let other = rusqlite::Connection::open(db).unwrap();
    other.execute_batch("BEGIN EXCLUSIVE").unwrap();
    other
}

#[test]
fn a_note_confirmed_while_another_connection_holds_the_store_is_kept_and_saved_once_later() {
    let dir = tempfile::tempdir().unwrap();
    let (mut tui, db) = file_retro(dir.path());
    let other = lock(&db);
    tui.keys("a");
    tui.keys("Reviews waited two days");
    tui.ctrl('s');
    assert!(tui.app.running, "a busy store does not end the retro");
    assert!(tui.app.notice().is_some_and(|n| n.starts_with("Store busy, retrying")), "{:?}", tui.app.notice());
    assert!(tui.screen().contains("Store busy, retrying"), "{}", tui.screen());
    assert!(
        matches!(tui.app.pending.front(), Some(Write::Retro(Effect::AddNote { body, .. })) if body == "Reviews waited two days"),
        "the note waits, first: {:?}",
        tui.app.pending
    );
    let waiting = tui.app.pending.len();
    tui.press(KeyCode::Esc);

    // Ten seconds of the lock held, tried again on the ticks with backoff; a note typed
    // meanwhile queues behind the first.
    for _ in 0..10 {
        tick_after(&mut tui, 1);
    }
    assert!(tui.app.running);
    assert!(tui.app.pending.stall.is_some());
    assert!(bodies(&tui).is_empty(), "nothing reached the store while it was held");
    tui.keys("a");
    tui.keys("Second note");
    tui.ctrl('s');
    assert!(tui.app.pending.len() > waiting, "{:?}", tui.app.pending);

    other.execute_batch("COMMIT").unwrap();
    drop(other);
    for _ in 0..retro::tui::pending::MAX_BACKOFF {
        tick_after(&mut tui, 1);
    }
    assert!(tui.app.pending.is_empty(), "{:?}", tui.app.pending);
    assert_eq!(tui.app.pending.stall, None);
    assert_eq!(tui.app.notice(), None, "the busy notice goes once everything is saved");
    assert_eq!(bodies(&tui), ["Reviews waited two days", "Second note"], "each note once, in order");
    // Reloaded from the file: the same two notes.
    let again = Store::open(&db).unwrap();
    let id = tui.retro().flow.retro.id;
    assert_eq!(again.notes(id).unwrap().len(), 2);
    assert_eq!(tui.retro().flow.notes.len(), 2, "the screen shows both");
}

#[test]
fn a_note_confirmed_on_a_full_disk_is_kept_and_saved_once_space_is_freed() {
    let dir = tempfile::tempdir().unwrap();
    let (mut tui, _db) = file_retro(dir.path());
    tui.backend.store.limit_growth_for_tests(Some(0)).unwrap();
    // Long enough to need new pages.
    let body = "The deploy queue stalls on Fridays. ".repeat(2_000);
    tui.keys("a");
    tui.paste(&body);
    tui.ctrl('s');
    assert!(tui.app.running, "a full disk does not end the retro");
    assert!(
        tui.app.notice().is_some_and(|n| n.starts_with("Disk full: nothing lost, free some space")),
        "{:?}",
        tui.app.notice()
    );
    for _ in 0..5 {
        tick_after(&mut tui, 1);
    }
    assert!(bodies(&tui).is_empty());
    assert!(!tui.app.pending.is_empty());

    tui.backend.store.limit_growth_for_tests(None).unwrap();
    for _ in 0..retro::tui::pending::MAX_BACKOFF {
        tick_after(&mut tui, 1);
    }
    assert!(tui.app.pending.is_empty(), "{:?}", tui.app.pending.len());
    assert_eq!(bodies(&tui), [body.trim_end().to_owned()]);
}

#[test]
fn a_correction_saved_on_the_actions_screen_while_another_connection_holds_the_store_waits_and_lands_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("retro.db");
    let mut store = Store::open(&db).unwrap();
    retro::demo::load(&mut store, now()).unwrap();
    store.set_busy_timeout(Duration::from_millis(20)).unwrap();
    let mut tui = Tui::new(Backend::new(store));
    tui.keys("a");
    let before = tui.app.actions.as_ref().unwrap().current().expect("the demo has open actions").action.clone();
    tui.keys("e");
    tui.keys(", corrected");
    let corrected = format!("{}, corrected", before.plan.title);
    let other = lock(&db);
    tui.ctrl('s');
    // Its due date is already past: kept.
    tui.keys("y");
    assert!(tui.app.running, "a busy store does not end the app");
    assert!(tui.app.notice().is_some_and(|n| n.starts_with("Store busy, retrying")), "{:?}", tui.app.notice());
    assert!(
        matches!(tui.app.pending.front(), Some(Write::Correction { id, plan, .. }) if *id == before.id && plan.title == corrected),
        "the correction waits: {:?}",
        tui.app.pending
    );
    let stored = |tui: &Tui| tui.backend.store.action(before.id).unwrap().unwrap().plan.title;
    assert_eq!(stored(&tui), before.plan.title, "nothing reached the store while it was held");
    tui.press(KeyCode::Esc);
    for _ in 0..10 {
        tick_after(&mut tui, 1);
    }
    assert_eq!(tui.app.pending.len(), 1, "still waiting, once: {:?}", tui.app.pending);

    other.execute_batch("COMMIT").unwrap();
    drop(other);
    for _ in 0..retro::tui::pending::MAX_BACKOFF {
        tick_after(&mut tui, 1);
    }
    assert!(tui.app.pending.is_empty(), "{:?}", tui.app.pending);
    assert_eq!(tui.app.notice(), None, "the busy notice goes once it is saved");
    assert_eq!(stored(&tui), corrected);
    let shown = tui.app.actions.as_ref().unwrap().current().unwrap();
    assert_eq!(
        (shown.action.id, shown.action.plan.title.as_str()),
        (before.id, corrected.as_str()),
        "the list shows it"
    );
}

#[test]
fn quitting_with_writes_waiting_asks_and_can_write_their_text_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let (mut tui, db) = file_retro(dir.path());
    let _other = lock(&db);
    tui.keys("a");
    tui.keys("Flaky tests cost a day");
    tui.ctrl('s');
    tui.press(KeyCode::Esc);
    // Leaving the retro would drop what waits: it stays open.
    tui.keys("q");
    assert!(tui.app.notice().is_some_and(|n| n.starts_with("Not saved yet")), "{:?}", tui.app.notice());
    tui.press(KeyCode::Esc);

    tui.ctrl('c');
    assert!(tui.app.running, "quitting asks first");
    let path = tui.app.unsaved_path();
    assert_eq!(path.parent(), Some(dir.path()), "beside the store");
    let screen = tui.screen();
    assert!(screen.contains("not in the store yet") && screen.contains("write to file"), "{screen}");
    tui.keys("w");
    assert!(!tui.app.running);
    assert_eq!(tui.app.unsaved_file.as_deref(), Some(path.as_path()));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("Flaky tests cost a day"), "{text}");
}

#[test]
fn quitting_without_writes_waiting_offers_no_file() {
    let mut tui = Tui::demo_retro();
    tui.go_to(Stage::DecideActions);
    tui.keys("n");
    tui.keys("Pair on reviews");
    tui.ctrl('c');
    assert!(!tui.screen().contains("write to file"), "{}", tui.screen());
    tui.keys("w");
    assert!(tui.app.running, "w is no answer here: it stays");
}

#[test]
fn the_busy_notice_coming_up_while_typing_takes_no_keystroke() {
    let dir = tempfile::tempdir().unwrap();
    let (mut tui, db) = file_retro(dir.path());
    tui.keys("a");
    tui.keys("Release train");
    let other = lock(&db);
    // The draft's autosave finds the store held.
    tick_after(&mut tui, 1);
    assert!(tui.app.notice().is_some_and(|n| n.starts_with("Store busy")), "{:?}", tui.app.notice());
    tui.keys(" late");
    assert_eq!(tui.app.notice(), None, "the first character closed the notice");
    assert!(tui.screen().contains("Release train late"), "{}", tui.screen());
    other.execute_batch("COMMIT").unwrap();
    tui.ctrl('s');
    for _ in 0..retro::tui::pending::MAX_BACKOFF {
        tick_after(&mut tui, 1);
    }
    assert!(tui.app.pending.is_empty(), "{:?}", tui.app.pending);
    assert_eq!(bodies(&tui), ["Release train late"]);
    let id = tui.retro().flow.retro.id;
    assert_eq!(tui.backend.store.draft(id).unwrap(), None, "the draft queued before the note is cleared after it");
}

#[test]
fn starting_a_retro_on_a_busy_store_is_refused_with_a_notice_not_an_exit() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("retro.db");
    let mut store = Store::open(&db).unwrap();
    retro::demo::load(&mut store, now()).unwrap();
    store.set_busy_timeout(Duration::from_millis(20)).unwrap();
    let mut backend = Backend::new(store);
    let mut app = retro::tui::prepare(&mut backend, None, now()).unwrap();
    let _other = lock(&db);
    // Starting a retro writes one: refused for now, the dashboard stays.
    let effect = app.update(retro::tui::keymap::Action::StartRetro).expect("r asks for a retro");
    retro::tui::apply_effect(&mut backend, &mut app, effect).unwrap();
    assert!(app.running);
    assert!(app.notice().is_some_and(|n| n.contains("the store is busy")), "{:?}", app.notice());
}
