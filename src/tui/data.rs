//! Carries out the app's effects by calling the library; the only place the TUI reaches
//! the store, and only through functions that return plain values.

use super::app::{App, Effect, Overlay};
use super::pending::Stall;
use crate::domain::{Granularity, Period, RetroId, Team, Timestamp};
use crate::query::{MetricTable, default_last_period, table_and_signals};
use crate::retro::flow;
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

pub fn apply(backend: &mut Backend, app: &mut App, effect: Effect) -> Result<(), StoreError> {
    match carry_out(backend, app, effect) {
        // Another window has the retro: say so and stay where we are.
        Err(e @ (StoreError::RetroOpenElsewhere { .. } | StoreError::AnotherRetroOpen { .. })) => {
            app.notify(e.to_string())
        }
        // A read or an action correction the store could not take now: say so and stay
        // (retro writes never get here: they wait in `App::pending`).
        Err(e) if e.is_retryable() => app.notify(format!("Not done: {e}.")),
        other => other?,
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

/// Writes the retro's waiting writes in order, each committed before the next. One the
/// store cannot take for now (busy, full) stays first in [`App::pending`] with the rest
/// behind it, to be tried again on the tick after a backoff; any other error ends the
/// attempt as before. Nothing waits while the app is leaving: that is the last try.
fn flush(store: &mut Store, app: &mut App) -> Result<(), StoreError> {
    if app.pending.waiting(app.now) && app.running {
        return Ok(());
    }
    let now = app.now;
    let Some(screen) = app.retro.as_mut() else { return Ok(()) };
    let mut notice = None;
    let mut cleared = false;
    while let Some(effect) = app.pending.front().cloned() {
        match session::apply(store, &mut screen.flow, vec![effect], now) {
            Ok(()) => cleared |= app.pending.done(),
            Err(e) => {
                let why = match e {
                    StoreError::Busy => Stall::Busy,
                    StoreError::Full => Stall::Full,
                    e => {
                        app.pending.done();
                        return Err(e);
                    }
                };
                if app.pending.failed(why, now) {
                    notice = Some(why);
                }
                break;
            }
        }
    }
    if cleared || notice.is_some() {
        // One stall notice at a time, gone once everything is saved.
        let stall_notices = [Stall::Busy.notice(), Stall::Full.notice()];
        app.overlays.retain(|o| !matches!(o, Overlay::Notice(text) if stall_notices.contains(&text.as_str())));
    }
    if let Some(why) = notice {
        app.notify(why.notice());
    }
    Ok(())
}

/// The way out with waiting writes: one more try, then their text into `path`.
fn write_unsaved(store: &mut Store, app: &mut App, effects: Vec<flow::Effect>, path: PathBuf) {
    app.pending.extend(effects);
    // A write refused outright is kept for the file too.
    let _ = flush(store, app);
    if app.pending.is_empty() {
        return;
    }
    let text = format!(
        "# Text typed in retro that the store could not take yet (it was busy or the disk full)\n\n{}",
        app.pending.as_text()
    );
    match std::fs::write(&path, text) {
        Ok(()) => app.unsaved_file = Some(path),
        // Stay, so the text is not lost: the facilitator can free space and try again.
        Err(e) => {
            app.running = true;
            app.notify(format!("Could not write {}: {e}. Nothing was lost; the retro stays open.", path.display()));
        }
    }
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

fn carry_out(backend: &mut Backend, app: &mut App, effect: Effect) -> Result<(), StoreError> {
    let now = app.now;
    let store = &mut backend.store;
    match effect {
        Effect::LoadDashboard { team, mut periods } => {
            if app.dashboard.follow_data {
                let coverage = store.coverage(&team)?;
                let (last, latest) = default_last_period(&coverage, app.dashboard.granularity, team.utc_offset, now);
                periods = app.anchor_at(last, latest);
            }
            let (table, signals) = table_and_signals(store, &team, &periods, now)?;
            // "As planned" only where an action expecting the worsening was open then.
            let shown = periods.last().expect("a dashboard shows at least one period");
            let intended = crate::query::actions::planned_worsening_in(&store.actions(&team)?, shown);
            app.dashboard_loaded(&table, &intended, &signals);
        }
        Effect::LoadHistory { team, granularity } => {
            let periods = history_periods(store, &team, granularity, now)?;
            app.history_loaded(MetricTable::load(store, &team, &periods)?, store.actions(&team)?);
        }
        Effect::PrepareRetro { team } => match session::unfinished(store, &team)? {
            Some(unfinished) => app.retro_offered(unfinished),
            None => start(backend, app, &team)?,
        },
        Effect::StartRetro { team } => start(backend, app, &team)?,
        Effect::OpenRetro(id) => open_retro(backend, app, id)?,
        Effect::Retro(effects) => {
            if app.retro.is_some() {
                app.pending.extend(effects);
                flush(store, app)?;
            }
        }
        Effect::QuitWritingUnsaved { effects, path } => write_unsaved(store, app, effects, path),
        Effect::ReopenRetro(id) => {
            store.reopen_retro(id)?;
            if backend.held != Some(id) {
                hold::take(&mut backend.store, id)?;
                backend.held = Some(id);
            }
            let flow = session::open(&backend.store, id, &backend.catalogue, now)?;
            if let Some(screen) = app.retro.as_mut() {
                screen.reopened(flow);
            }
        }
        Effect::LoadActions { team } => load_actions(store, app, &team)?,
        Effect::UpdateAction { id, plan } => {
            let (Some(team), Some(action)) = (app.team.clone(), store.action(id)?) else {
                return Ok(());
            };
            // A new metric needs its own baseline, over the window the action was decided in.
            let baseline = if plan.metric == action.metric {
                action.baseline
            } else {
                crate::query::actions::value_over(store, &team, &plan.metric, &action.baseline_window, now)?
            };
            store.update_action_plan(id, &plan, baseline)?;
            load_actions(store, app, &team)?;
        }
        Effect::LoadRetros { team } => app.retros_loaded(session::list(store, &team)?),
        Effect::ReadRetro(id) => {
            let flow = session::open(store, id, &backend.catalogue, now)?;
            app.retro_read(crate::export::summary(&flow));
        }
        Effect::ExportReadRetro => {
            let reading = app.retros.as_ref().and_then(super::retros::RetrosScreen::reading);
            if let Some(summary) = reading.map(|r| &r.summary) {
                let notice = match export_summary(&backend.export_dir, summary) {
                    Ok(path) => format!("Summary written to {}", crate::text::safe(&path.display().to_string())),
                    Err(e) => format!("Could not write the summary: {e}"),
                };
                app.notify(notice);
            }
        }
        Effect::ExportRetro => {
            if let Some(screen) = app.retro.as_mut() {
                screen.message = Some(match export(&backend.export_dir, &screen.flow) {
                    Ok(path) => format!("Summary written to {}", path.display()),
                    Err(e) => format!("Could not write the summary: {e}"),
                });
            }
        }
    }
    Ok(())
}

/// Where every action of the team stands, and the metrics one can name.
fn load_actions(store: &Store, app: &mut App, team: &Team) -> Result<(), StoreError> {
    let all = crate::query::actions::progress_all(store, team, app.now)?;
    let mut from_notes = vec![];
    for p in &all {
        let (Some(id), Some(retro)) = (p.action.from_note, p.action.retro) else {
            continue;
        };
        if let Some(note) = store.notes(retro)?.into_iter().find(|n| n.id == id) {
            from_notes.push((p.action.id, note.body));
        }
    }
    app.actions_loaded(all, crate::query::actions::metric_choices(store, team)?, from_notes);
    Ok(())
}

fn start(backend: &mut Backend, app: &mut App, team: &Team) -> Result<(), StoreError> {
    let window = session::default_window(&backend.store, team, app.now)?;
    let (retro, _) = session::start_new(&mut backend.store, team, &window, app.now)?;
    open_retro(backend, app, retro.id)
}

/// Writes the retro's Markdown summary into `dir`, named after team and window.
fn export(dir: &std::path::Path, flow: &crate::retro::flow::Flow) -> std::io::Result<PathBuf> {
    export_summary(dir, &crate::export::summary(flow))
}

/// Writes `summary` as Markdown into `dir`, named after team and window.
fn export_summary(dir: &std::path::Path, summary: &crate::export::RetroSummary) -> std::io::Result<PathBuf> {
    let w = &summary.retro.window;
    let team: String =
        summary.team.name.chars().map(|c| if c.is_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let path = dir.join(format!("retro-{team}-{}-{}.md", w.first_day(), w.last_day()));
    std::fs::write(&path, crate::export::markdown(summary))?;
    Ok(path)
}

/// Every period from the first day the team's data covers to now.
fn history_periods(
    store: &Store,
    team: &Team,
    granularity: Granularity,
    now: Timestamp,
) -> Result<Vec<Period>, StoreError> {
    let covered = store.coverage(team)?.any();
    let periods = match covered.first().zip(covered.end()) {
        Some((first, end)) => Period::covering(first.min(now), end.max(now + 1), granularity, team.utc_offset),
        None => Period::last_n(now, super::view::SPARK_PERIODS, granularity, team.utc_offset),
    };
    Ok(periods.into_iter().map(|p| p.until(now)).collect())
}
