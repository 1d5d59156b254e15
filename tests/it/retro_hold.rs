//! One window per retro: a retro open in one terminal UI cannot be opened, or closed
//! under it, from another; the hold ends when its window leaves, and lapses when its
//! process is gone or stops renewing it.
//!
//! "Another window" is a child process (`sleep`) holding the retro: alive while it
//! sleeps, gone once killed.

use crate::common::now;
use crate::common::press;
use retro::domain::{Retro, Team, Timestamp};
use retro::retro::{hold, session};
use retro::store::{Store, StoreError};
use retro::tui::Backend;
use retro::tui::app::{App, Screen};
use retro::tui::keymap::Action;
use std::process::{Child, Command};

fn wall_clock() -> Timestamp {
    chrono::Utc::now().timestamp()
}

/// Another retro window: a process that lives until killed.
struct OtherWindow(Child);

impl OtherWindow {
    fn start() -> Self {
        OtherWindow(Command::new("sleep").arg("60").spawn().expect("sleep runs"))
    }

    fn pid(&self) -> u32 {
        self.0.id()
    }

    fn close(mut self) {
        self.0.kill().unwrap();
        self.0.wait().unwrap();
    }
}

impl Drop for OtherWindow {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The demo team with an unfinished retro.
fn demo_with_open_retro() -> (Store, Team, Retro) {
    let mut store = Store::open_in_memory().unwrap();
    let team = retro::demo::load(&mut store, now()).unwrap();
    let window = session::default_window(&store, &team, now()).unwrap();
    let (retro, _) = session::start_new(&mut store, &team, &window, now()).unwrap();
    (store, team, retro)
}

fn refused_for(err: StoreError, other: &OtherWindow, retro: &Retro) {
    match err {
        StoreError::RetroOpenElsewhere { retro: r, pid } => assert_eq!((r, pid), (retro.id.0, other.pid())),
        e => panic!("expected RetroOpenElsewhere, got {e:?}"),
    }
}

#[test]
fn a_retro_held_by_a_live_window_is_refused_until_that_window_is_gone() {
    let (mut store, _, retro) = demo_with_open_retro();
    let other = OtherWindow::start();
    hold::take_as(&mut store, retro.id, other.pid(), wall_clock()).unwrap();
    refused_for(hold::take(&mut store, retro.id).unwrap_err(), &other, &retro);
    // Releasing is only for the holder: this process cannot let go for the other one.
    hold::release(&mut store, retro.id).unwrap();
    assert_eq!(store.retro_holder(retro.id).unwrap().map(|(pid, _)| pid), Some(other.pid()));
    // The other window crashed (or its terminal was closed): the hold lapses at once.
    other.close();
    hold::take(&mut store, retro.id).unwrap();
    assert_eq!(store.retro_holder(retro.id).unwrap().map(|(pid, _)| pid), Some(std::process::id()));
    // Taking it again from the same window is fine; leaving lets go.
    hold::take(&mut store, retro.id).unwrap();
    hold::release(&mut store, retro.id).unwrap();
    assert_eq!(store.retro_holder(retro.id).unwrap(), None);
}

#[test]
fn a_hold_not_renewed_lapses() {
    let (mut store, _, retro) = demo_with_open_retro();
    let other = OtherWindow::start();
    let long_ago = wall_clock() - hold::LAPSES_AFTER_SECS - 1;
    hold::take_as(&mut store, retro.id, other.pid(), long_ago).unwrap();
    hold::take(&mut store, retro.id).unwrap();
    // A renewed hold does not lapse.
    let (mut store, _, retro) = demo_with_open_retro();
    hold::take_as(&mut store, retro.id, other.pid(), long_ago).unwrap();
    store.renew_retro(retro.id, other.pid(), wall_clock()).unwrap();
    refused_for(hold::take(&mut store, retro.id).unwrap_err(), &other, &retro);
}

#[test]
fn a_new_retro_does_not_close_one_open_in_another_window() {
    let (mut store, team, retro) = demo_with_open_retro();
    let other = OtherWindow::start();
    hold::take_as(&mut store, retro.id, other.pid(), wall_clock()).unwrap();
    let window = session::default_window(&store, &team, now()).unwrap();
    refused_for(session::start_new(&mut store, &team, &window, now()).unwrap_err(), &other, &retro);
    assert_eq!(session::unfinished(&store, &team).unwrap().map(|r| r.id), Some(retro.id), "left as it was");
}

fn render(app: &App) -> String {
    crate::common::render(app, 80, 24)
}

#[test]
fn the_tui_says_when_another_window_has_the_retro_and_lets_go_when_it_leaves() {
    let (mut store, _, retro) = demo_with_open_retro();
    let other = OtherWindow::start();
    hold::take_as(&mut store, retro.id, other.pid(), wall_clock()).unwrap();
    let mut backend = Backend::new(store);
    let mut app = retro::tui::prepare(&mut backend, None, now()).unwrap();
    // r offers the unfinished retro; Enter tries to resume it.
    press(&mut backend, &mut app, &[Action::StartRetro, Action::Confirm]);
    assert_eq!(app.screen, Screen::Dashboard);
    let screen = render(&app);
    assert!(screen.contains("open in another retro window"), "{screen}");
    // The next key closes the notice, and only that.
    press(&mut backend, &mut app, &[Action::StartRetro]);
    assert!(app.overlays.is_empty());
    // n (close it and start anew) is refused too: it would close the other window's retro.
    press(&mut backend, &mut app, &[Action::StartRetro, Action::NewRetro, Action::Confirm]);
    assert!(render(&app).contains("open in another retro window"));
    assert_eq!(session::unfinished(&backend.store, &app.team.clone().unwrap()).unwrap().map(|r| r.id), Some(retro.id));

    // Once the other window is gone, the retro opens here and is held by this window...
    other.close();
    press(&mut backend, &mut app, &[Action::Cancel, Action::StartRetro, Action::Confirm]);
    assert_eq!(app.screen, Screen::Retro);
    assert_eq!(backend.held, Some(retro.id));
    assert_eq!(backend.store.retro_holder(retro.id).unwrap().map(|(pid, _)| pid), Some(std::process::id()));
    // ...until it leaves the retro.
    press(&mut backend, &mut app, &[Action::Back]);
    assert_eq!(app.screen, Screen::Dashboard);
    assert_eq!((backend.held, backend.store.retro_holder(retro.id).unwrap()), (None, None));
}
