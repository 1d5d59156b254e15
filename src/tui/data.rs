//! The effect runner: carries out the app's effects by calling the library (the only
//! place the TUI reaches the store, and only through functions that return plain
//! values) and writing files, and hands each result back to the app. It decides
//! nothing itself: what to load next, what to tell the facilitator and where a summary
//! is named are the app's and the library's.

use super::app::{App, Effect};
use super::pending::{Stall, Write};
use super::view::SPARK_PERIODS;
use crate::domain::{ActionId, ActionPlan, RetroId, Team, Timestamp};
use crate::query::{MetricTable, table_and_signals};
use crate::retro::prompts::Catalogue;
use crate::retro::{hold, session};
use crate::store::{Store, StoreError};
use std::path::PathBuf;

/// What the TUI works against: the store, the prompt catalogue, and where exports go.
pub struct Backend {
    pub store: Store,
    pub catalogue: Catalogue,
    pub export_dir: PathBuf,
    /// How the screens write a command that reaches this store, such as
    /// `retro --db team.db` when the store was named on the command line.
    pub command: String,
    /// The unfinished retro this window holds open (see [`crate::retro::hold`]).
    pub held: Option<RetroId>,
}

impl Backend {
    /// The built-in prompts, exports into the current folder.
    pub fn new(store: Store) -> Self {
        Backend {
            store,
            catalogue: Catalogue::builtin(),
            export_dir: PathBuf::from("."),
            command: "retro".into(),
            held: None,
        }
    }
}

/// Carries out `effect`, and each effect the app asks for on taking in its result.
pub fn apply(backend: &mut Backend, app: &mut App, effect: Effect) -> Result<(), StoreError> {
    let mut next = Some(effect);
    while let Some(effect) = next.take() {
        match carry_out(backend, app, effect) {
            Ok(then) => next = then,
            // Another window has the retro: say so and stay where we are.
            Err(e @ (StoreError::RetroOpenElsewhere { .. } | StoreError::AnotherRetroOpen { .. })) => {
                app.notify(e.to_string())
            }
            // A read, or a step other than typed text (starting a retro, undoing a close),
            // the store could not take now: say so and stay. Typed text never gets here:
            // it waits in `App::pending`.
            Err(e) if e.is_retryable() => app.notify(format!("Not done: {e}.")),
            Err(e) => return Err(e),
        }
    }
    // A window that left its retro lets go of it at once.
    if backend.held.is_some_and(|id| app.retro.as_ref().is_none_or(|r| r.flow.retro.id != id)) {
        release_hold(backend)?;
    }
    Ok(())
}

/// Renews the hold on the retro this window has open; the loop calls it every few seconds.
/// A busy store or full disk skips one renewal: the next one tries again.
pub fn renew_hold(backend: &mut Backend) -> Result<(), StoreError> {
    match backend.held {
        Some(id) => passing(hold::renew(&mut backend.store, id)),
        None => Ok(()),
    }
}

/// Lets go of the retro this window holds, on the way out. One that cannot be released
/// now lapses on its own (see [`crate::retro::hold`]).
pub fn release_hold(backend: &mut Backend) -> Result<(), StoreError> {
    match backend.held.take() {
        Some(id) => passing(hold::release(&mut backend.store, id)),
        None => Ok(()),
    }
}

/// `result`, with a write that failed only for now (busy, full) taken as done.
fn passing(result: Result<(), StoreError>) -> Result<(), StoreError> {
    match result {
        Err(e) if e.is_retryable() => Ok(()),
        other => other,
    }
}

/// Where waiting text is written on the way out: beside the store, or here.
pub fn unsaved_dir(backend: &Backend) -> PathBuf {
    match backend.store.path().and_then(|p| p.parent()) {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Writes what waits in [`App::pending`] in order, each committed before the next, and
/// tells the app how each went: landed, stalled for now (busy, full: it stays first and
/// the rest behind it), or refused (the error ends the attempt). Returns what the app
/// asks for after a write landed.
fn flush(store: &mut Store, app: &mut App) -> Result<Option<Effect>, StoreError> {
    if !app.may_write_now() {
        return Ok(None);
    }
    let mut next = None;
    while let Some(write) = app.pending.front().cloned() {
        let written = match write {
            Write::Retro(effect) => match app.retro.as_mut() {
                Some(screen) => session::apply(store, &mut screen.flow, vec![effect], app.now),
                // The retro's writes wait while it is open; without it they cannot go.
                None => return Ok(next),
            },
            Write::Correction { team, id, plan } => correct_action(store, &team, id, &plan, app.now),
        };
        let why = match written {
            Ok(()) => {
                next = app.write_landed().or(next);
                continue;
            }
            Err(StoreError::Busy) => Stall::Busy,
            Err(StoreError::Full) => Stall::Full,
            Err(e) => {
                app.write_refused();
                return Err(e);
            }
        };
        app.write_stalled(why);
        break;
    }
    Ok(next)
}

/// Stores a correction of action `id` from the actions screen, with the baseline it
/// keeps or takes anew.
fn correct_action(
    store: &mut Store,
    team: &Team,
    id: ActionId,
    plan: &ActionPlan,
    now: Timestamp,
) -> Result<(), StoreError> {
    let Some(action) = store.action(id)? else {
        return Ok(());
    };
    let baseline = crate::query::actions::corrected_baseline(store, team, &action, plan, now)?;
    store.update_action_plan(id, plan, baseline)
}

/// The way out with waiting writes: one more try, then their text into `path`.
fn write_unsaved(store: &mut Store, app: &mut App, path: PathBuf) {
    // A write refused outright is kept for the file too.
    let _ = flush(store, app);
    if app.pending.is_empty() {
        return;
    }
    let written = std::fs::write(&path, app.unsaved_text());
    app.unsaved_written(path, written);
}

/// Opens retro `id` in this window, holding it while it is unfinished.
fn open_retro(backend: &mut Backend, app: &mut App, id: RetroId) -> Result<(), StoreError> {
    let flow = session::open(&backend.store, id, &backend.catalogue, app.now)?;
    if !flow.is_finished() && backend.held != Some(id) {
        hold::take(&mut backend.store, id)?;
        if let Some(previous) = backend.held.replace(id) {
            hold::release(&mut backend.store, previous)?;
        }
    }
    app.retro_opened(flow);
    Ok(())
}

/// Carries out one effect and hands its result to the app; returns the effect the app
/// asks for next, if any.
fn carry_out(backend: &mut Backend, app: &mut App, effect: Effect) -> Result<Option<Effect>, StoreError> {
    let now = app.now;
    let store = &mut backend.store;
    match effect {
        Effect::LoadCoverage { team } => return Ok(app.coverage_loaded(&store.coverage(&team)?)),
        Effect::LoadDashboard { team, periods } => {
            let (table, signals) = table_and_signals(store, &team, &periods, now)?;
            app.dashboard_loaded(&table, &signals, &store.actions(&team)?);
        }
        Effect::LoadHistory { team, granularity } => {
            let table = MetricTable::history(store, &team, granularity, now, SPARK_PERIODS)?;
            app.history_loaded(table, store.actions(&team)?);
        }
        Effect::PrepareRetro { team } => {
            let unfinished = session::unfinished(store, &team)?;
            return Ok(app.unfinished_found(team, unfinished));
        }
        Effect::StartRetro { team } => {
            let window = session::default_window(store, &team, now)?;
            let (retro, _) = session::start_new(store, &team, &window, now)?;
            open_retro(backend, app, retro.id)?;
        }
        Effect::OpenRetro(id) => open_retro(backend, app, id)?,
        Effect::Write => return flush(store, app),
        Effect::QuitWritingUnsaved { path } => write_unsaved(store, app, path),
        Effect::ReopenRetro(id) => {
            store.reopen_retro(id)?;
            if backend.held != Some(id) {
                hold::take(&mut backend.store, id)?;
                backend.held = Some(id);
            }
            app.retro_reopened(session::open(&backend.store, id, &backend.catalogue, now)?);
        }
        Effect::LoadActions { team } => {
            let all = crate::query::actions::progress_all(store, &team, now)?;
            let notes = crate::query::actions::source_notes(store, &all)?;
            app.actions_loaded(all, crate::query::actions::metric_choices(store, &team)?, notes);
        }
        Effect::LoadRetros { team } => app.retros_loaded(session::list(store, &team)?),
        Effect::ReadRetro(id) => {
            let flow = session::open(store, id, &backend.catalogue, now)?;
            app.retro_read(crate::export::summary(&flow));
        }
        Effect::Export { file_name, markdown } => {
            let path = backend.export_dir.join(file_name);
            app.summary_written(std::fs::write(&path, markdown).map(|()| path));
        }
    }
    Ok(None)
}
