//! The terminal UI: one event loop, screens drawn from view models, keys mapped to
//! actions in one table. No SQL here: data comes from library functions via `data`.

pub mod app;
mod data;
pub mod keymap;
pub mod terminal;
pub mod ui;
pub mod view;

use crate::domain::{Team, Timestamp};
use crate::store::Store;
use anyhow::{Context as _, Result, bail};
use ratatui::crossterm::event::{self, Event};
use std::io::IsTerminal;

/// Builds the app for `store` with its first data loaded, ready for its first frame.
pub fn prepare(store: &Store, team: Option<Team>, now: Timestamp) -> Result<app::App> {
    let (mut app, effect) = app::App::new(store.teams()?, team, now);
    if let Some(effect) = effect {
        data::apply(store, &mut app, effect)?;
    }
    Ok(app)
}

/// Carries out one effect of [`app::App::update`] against the store.
pub fn apply_effect(store: &Store, app: &mut app::App, effect: app::Effect) -> Result<()> {
    Ok(data::apply(store, app, effect)?)
}

/// Runs the terminal UI until the user quits or the process is asked to end.
pub fn run(store: &Store, team: Option<Team>, now: Timestamp) -> Result<()> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        bail!("the terminal UI needs a terminal; for text output try `retro metrics`");
    }
    let theme = ui::theme::Theme::from_env();
    let mut app = prepare(store, team, now)?;
    terminal::exit_on_termination_signals().context("cannot watch for termination signals")?;
    let mut guard = terminal::TerminalGuard::enter().context("cannot set up the terminal")?;
    while app.running {
        guard.terminal.draw(|frame| ui::draw(frame, &app, &theme))?;
        // Resize and other events fall through to a redraw.
        if let Event::Key(key) = event::read()?
            && let Some(action) = keymap::action_for(app.context(), key)
            && let Some(effect) = app.update(action)
        {
            data::apply(store, &mut app, effect)?;
        }
    }
    drop(guard);
    Ok(())
}
