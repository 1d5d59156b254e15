//! The terminal UI: one event loop, screens drawn from view models, keys mapped to
//! actions in one table. No SQL here: data comes from library functions via `data`.

pub mod actions;
pub mod app;
mod data;
pub mod editor;
pub mod form;
pub mod keymap;
pub mod pending;
pub mod retro;
pub mod retros;
pub mod terminal;
pub mod ui;
pub mod view;

pub use data::Backend;

use crate::domain::{Team, Timestamp};
use anyhow::{Context as _, Result, bail};
use ratatui::crossterm::event::{self, Event};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// How often the loop wakes without a key, to save the note being typed.
const AUTOSAVE_EVERY: Duration = Duration::from_secs(1);

/// Builds the app with its first data loaded, ready for its first frame.
pub fn prepare(backend: &mut Backend, team: Option<Team>, now: Timestamp) -> Result<app::App> {
    let (mut app, effect) = app::App::new(backend.store.teams()?, team, now);
    app.command.clone_from(&backend.command);
    app.unsaved_dir = data::unsaved_dir(backend);
    if let Some(effect) = effect {
        data::apply(backend, &mut app, effect)?;
    }
    Ok(app)
}

/// Carries out one effect of [`app::App::update`].
pub fn apply_effect(backend: &mut Backend, app: &mut app::App, effect: app::Effect) -> Result<()> {
    Ok(data::apply(backend, app, effect)?)
}

/// Refuses to go on without a terminal to draw on (a pipe, a CI job).
pub fn require_terminal() -> Result<()> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        bail!("the terminal UI needs a terminal; for text output try `retro metrics` or `retro export`");
    }
    Ok(())
}

/// Runs the terminal UI until the user quits or the process is asked to end. `start`
/// is an effect to run once the app is up (opening a retro from `retro start`).
pub fn run(
    backend: &mut Backend,
    team: Option<Team>,
    start: Option<app::Effect>,
    clock: fn() -> Timestamp,
) -> Result<()> {
    require_terminal()?;
    let theme = ui::theme::Theme::from_env();
    let mut app = prepare(backend, team, clock())?;
    if let Some(effect) = start {
        data::apply(backend, &mut app, effect)?;
    }
    terminal::exit_on_termination_signals().context("cannot watch for termination signals")?;
    let mut guard = terminal::TerminalGuard::enter().context("cannot set up the terminal")?;
    let mut last_autosave = Instant::now();
    let mut last_renewal = Instant::now();
    while app.running {
        guard.terminal.draw(|frame| ui::draw(frame, &app, &theme))?;
        let ready = event::poll(AUTOSAVE_EVERY.saturating_sub(last_autosave.elapsed()))?;
        app.now = clock();
        if ready {
            let effect = match event::read()? {
                Event::Key(key) => app.key(key),
                // Pasted text is text, never keys (bracketed paste, see `terminal`).
                Event::Paste(text) => {
                    app.paste(&text);
                    None
                }
                // Resize and other events fall through to a redraw.
                _ => None,
            };
            if let Some(effect) = effect {
                data::apply(backend, &mut app, effect)?;
            }
        }
        // Also while keys keep coming: a fast typist's draft is saved every second too.
        if last_autosave.elapsed() >= AUTOSAVE_EVERY {
            last_autosave = Instant::now();
            if let Some(effect) = app.tick() {
                data::apply(backend, &mut app, effect)?;
            }
        }
        if last_renewal.elapsed() >= Duration::from_secs(crate::retro::hold::RENEW_EVERY_SECS) {
            last_renewal = Instant::now();
            data::renew_hold(backend)?;
        }
    }
    drop(guard);
    data::release_hold(backend)?;
    if let Some(path) = &app.unsaved_file {
        eprintln!("retro: what the store could not take yet was written to {}", path.display());
    }
    if !app.pending.is_empty() && app.unsaved_file.is_none() {
        eprintln!("retro: {} change(s) could not be saved (the store was busy or the disk full)", app.pending.len());
    }
    Ok(())
}
