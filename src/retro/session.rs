//! A retro against the store: starting or resuming one, loading it as a [`Flow`], and
//! persisting the flow's effects, each in its own transaction, as they happen.

use super::flow::{Confirmed, Effect, Flow};
use super::movement::moves;
use super::prompts::{Catalogue, safety_prompts, select};
use crate::domain::{ActionStatus, Granularity, Period, Retro, RetroId, Team, Timestamp};
use crate::metrics::signals::Signal;
use crate::query::{MetricTable, recent_signals};
use crate::store::{Store, StoreError};
use chrono::Days;

/// Earlier windows of the same length that the retro window is compared with.
pub const EARLIER_WINDOWS: usize = 3;
/// Prompts offered per metric that moved.
pub const PROMPTS_PER_METRIC: usize = 3;
/// Days in the default window of a team's first retro.
const FIRST_WINDOW_DAYS: u64 = 14;

/// The window a new retro reviews: from where the previous retro's window ended, or
/// the last two weeks, up to and including today.
pub fn default_window(store: &Store, team: &Team, now: Timestamp) -> Result<Period, StoreError> {
    let offset = team.utc_offset;
    let today = offset.local_date(now);
    let first = match store.retros(team)?.first() {
        // The window ends at midnight: the day it ends on is the next one's first.
        Some(previous) => offset.local_date(previous.window.end).min(today),
        None => today - Days::new(FIRST_WINDOW_DAYS - 1),
    };
    Ok(Period::window(first, today, offset))
}

/// Starts a retro over `window`. An unfinished retro of the team is closed as it stands
/// first (everything in it kept and exportable), so no retro is left unreachable;
/// returns the new retro and the one it closed. Refused while another window has the
/// unfinished retro open: it would be closed under the facilitator's hands.
pub fn start_new(
    store: &mut Store,
    team: &Team,
    window: &Period,
    now: Timestamp,
) -> Result<(Retro, Option<Retro>), StoreError> {
    let closed = unfinished(store, team)?;
    if let Some(old) = &closed {
        super::hold::check_free(store, old.id)?;
        store.finish_retro(old.id, now)?;
    }
    Ok((store.start_retro(team, window, now)?, closed))
}

/// The team's unfinished retro, to offer for resuming.
pub fn unfinished(store: &Store, team: &Team) -> Result<Option<Retro>, StoreError> {
    Ok(store.retros(team)?.into_iter().find(|r| r.finished_at.is_none()))
}

/// Loads everything a retro shows, ready to go on where it was left.
pub fn open(store: &Store, id: RetroId, catalogue: &Catalogue, now: Timestamp) -> Result<Flow, StoreError> {
    let retro = store.retro(id)?.ok_or(StoreError::NoSuchRetro(id.0))?;
    let team = store.team(retro.team)?.ok_or(StoreError::NoSuchTeam(retro.team.0))?;
    let moves = moves(&MetricTable::load(store, &team, &comparison_windows(&retro.window, now))?);
    let signals = window_signals(store, &team, &retro.window, now)?;
    let kinds: Vec<_> = signals.iter().map(|s| s.kind).collect();
    let reviews = store.reviews_in(id)?;
    let all_actions = store.actions(&team)?;
    let to_review: Vec<crate::domain::Action> = all_actions
        .iter()
        .filter(|a| a.retro != Some(id))
        .filter(|a| a.status == ActionStatus::Open || reviews.iter().any(|r| r.action == a.id))
        .cloned()
        .collect();
    let actions = all_actions.into_iter().filter(|a| a.retro == Some(id)).collect();
    let progress = crate::query::actions::progress_all(store, &team, now)?
        .into_iter()
        .filter(|p| to_review.iter().any(|a| a.id == p.action.id))
        .collect();
    Ok(Flow {
        prompts: select(catalogue, &moves, &kinds, PROMPTS_PER_METRIC),
        safety_prompts: safety_prompts(catalogue),
        safety: store.votes(id, crate::domain::VoteKind::Safety)?,
        return_on_time: store.votes(id, crate::domain::VoteKind::ReturnOnTime)?,
        notes: store.notes(id)?,
        draft: store.draft(id)?,
        moves,
        data_gaps: crate::metrics::data_gaps(&store.coverage(&team)?, &retro.window.clone().until(now)),
        signals,
        to_review,
        progress,
        reviews,
        actions,
        team,
        retro,
    })
}

/// Signals seen in the weeks the retro window touches.
fn window_signals(store: &Store, team: &Team, window: &Period, now: Timestamp) -> Result<Vec<Signal>, StoreError> {
    let last = Period::containing(window.end.min(now) - 1, Granularity::Week, team.utc_offset);
    let first = Period::containing(window.start, Granularity::Week, team.utc_offset);
    let weeks = usize::try_from((last.start - first.start) / (7 * 86_400)).unwrap_or(0) + 1;
    recent_signals(store, team, &last, weeks, now)
}

/// The retro window (cut at now when it is under way) after the earlier windows of the
/// same length, oldest first.
pub fn comparison_windows(window: &Period, now: Timestamp) -> Vec<Period> {
    let mut windows = vec![window.clone()];
    for _ in 0..EARLIER_WINDOWS {
        let before = windows.last().expect("starts with one").previous();
        windows.push(before);
    }
    windows.reverse();
    let last = windows.pop().expect("the retro window").until(now);
    windows.push(last);
    windows
}

/// Persists `effects` in order, each committed before the next, and feeds rows the
/// store created back into the flow.
pub fn apply(store: &mut Store, flow: &mut Flow, effects: Vec<Effect>, now: Timestamp) -> Result<(), StoreError> {
    let id = flow.retro.id;
    for effect in effects {
        match effect {
            Effect::SaveStage(stage) => store.set_retro_stage(id, stage)?,
            Effect::SaveVote { kind, score, count } => store.set_vote(id, kind, score, count)?,
            Effect::AddNote { prompt_key, prompt, metric, body } => {
                let note = store.add_note(id, &prompt_key, &prompt, metric.as_ref(), &body, now)?;
                flow.confirm(Confirmed::Note(note));
            }
            Effect::UpdateNote { id: note, body } => {
                if let Some(note) = store.update_note(note, &body, now)? {
                    flow.confirm(Confirmed::Note(note));
                }
            }
            Effect::DeleteNote(note) => store.delete_note(note)?,
            Effect::SaveDraft(draft) => store.save_draft(&draft)?,
            Effect::ClearDraft => store.clear_draft(id)?,
            Effect::Review(review) => {
                store.review_action(&review)?;
                if let Some(a) = flow.to_review.iter_mut().find(|a| a.id == review.action) {
                    a.status = review.decision.status();
                }
            }
            Effect::AddAction(new) => {
                let action = store.add_action(&flow.team, &new, now)?;
                flow.confirm(Confirmed::Action(action));
            }
            Effect::UpdateAction { id: action, plan, baseline } => store.update_action_plan(action, &plan, baseline)?,
            Effect::DeleteAction(action) => store.delete_action(action)?,
            Effect::Finish => store.finish_retro(id, now)?,
        }
    }
    Ok(())
}

/// One line of a team's list of retros: the retro and how much it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed {
    pub retro: Retro,
    pub notes: usize,
    /// Actions decided in this retro.
    pub actions: usize,
}

/// The team's retros, newest first, with their counts of notes and actions (what
/// `retro retros list` shows).
pub fn list(store: &Store, team: &Team) -> Result<Vec<Listed>, StoreError> {
    let actions = store.actions(team)?;
    store
        .retros(team)?
        .into_iter()
        .map(|retro| {
            let notes = store.notes(retro.id)?.len();
            let actions = actions.iter().filter(|a| a.retro == Some(retro.id)).count();
            Ok(Listed { retro, notes, actions })
        })
        .collect()
}
