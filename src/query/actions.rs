//! Where each improvement action stands: its metric week by week since it was created,
//! the verdict on whether the metric moved as expected, its reviews across retros, and
//! whether it is overdue. The command line, the actions screen and a retro's review stage
//! all read actions through here.
//!
//! The verdict is [`crate::metrics::effect::evaluate`] over the weeks *since* the
//! action: for an open action, the whole weeks after the one it was created in; for a
//! done or dropped one, those weeks up to and including the week it was closed. A week
//! still under way never counts. docs/metrics.md has the rule and a worked example.

use super::MetricTable;
use crate::domain::{
    Action, ActionReview, ActionStatus, DoraMetric, EventSet, Granularity, MetricKey, Period, Polarity, Team,
    TeamMetric, Timestamp, Unit, UtcOffset,
};
use crate::metrics::{ActionProgress, EffectRule, Observed, PeriodMetrics, Sample, Spread, Verdict, compute, evaluate};
use crate::store::{Store, StoreError};
use chrono::Days;

/// Days in the window a new action's baseline is taken over, when it is not decided in
/// a retro (a retro takes its own window): the last two weeks, today included.
pub const BASELINE_DAYS: u64 = 14;

/// Orders for a list of actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Sort {
    /// Soonest due first; actions without a due date last
    Due,
    /// Moved the other way first, then no clear change, too early, moved as expected
    Verdict,
    /// Oldest first
    #[default]
    Created,
}

pub fn sort(rows: &mut [ActionProgress], by: Sort) {
    match by {
        Sort::Created => rows.sort_by_key(|p| (p.action.created_at, p.action.id)),
        Sort::Due => rows.sort_by_key(|p| (p.action.plan.due.is_none(), p.action.plan.due, p.action.id)),
        Sort::Verdict => rows.sort_by_key(|p| (verdict_rank(p.evaluation.verdict), p.action.id)),
    }
}

/// What needs attention first: a metric that moved the wrong way, then one that has not
/// moved, then those too early to tell, then those that worked.
fn verdict_rank(v: Verdict) -> u8 {
    match v {
        Verdict::MovedTheOtherWay => 0,
        Verdict::NoClearChange => 1,
        Verdict::TooEarly => 2,
        Verdict::MovedAsExpected => 3,
    }
}

/// Where one action stands as of `now`.
pub fn progress(store: &Store, action: &Action, now: Timestamp) -> Result<ActionProgress, StoreError> {
    let team = store.team(action.team)?.ok_or(StoreError::NoSuchTeam(action.team.0))?;
    let weekly = Weekly::load(store, &team, std::slice::from_ref(action), now)?;
    Ok(weekly.progress(action.clone(), store.action_history(action.id)?, now))
}

/// Where every action of `team` stands as of `now`, oldest first. The metrics are read
/// once, weekly from the week of the earliest action to now.
pub fn progress_all(store: &Store, team: &Team, now: Timestamp) -> Result<Vec<ActionProgress>, StoreError> {
    let actions = store.actions(team)?;
    if actions.is_empty() {
        return Ok(vec![]);
    }
    let weekly = Weekly::load(store, team, &actions, now)?;
    actions
        .into_iter()
        .map(|a| {
            let history = store.action_history(a.id)?;
            Ok(weekly.progress(a, history, now))
        })
        .collect()
}

/// Open, with a due date before today in `offset`.
pub fn is_overdue(action: &Action, now: Timestamp, offset: UtcOffset) -> bool {
    action.status == ActionStatus::Open && action.plan.due.is_some_and(|due| due < offset.local_date(now))
}

/// The window a new action's baseline is taken over outside a retro: the last
/// [`BASELINE_DAYS`] days up to and including today, in the team's offset.
pub fn baseline_window(now: Timestamp, offset: UtcOffset) -> Period {
    let today = offset.local_date(now);
    Period::window(today - Days::new(BASELINE_DAYS - 1), today, offset)
}

/// The value of `metric` over `window` (cut at `now` when it is under way), computed
/// by the metric engine: what an action snapshots as its baseline.
pub fn value_over(
    store: &Store,
    team: &Team,
    metric: &MetricKey,
    window: &Period,
    now: Timestamp,
) -> Result<Option<f64>, StoreError> {
    let table = MetricTable::load(store, team, &[window.clone().until(now)])?;
    Ok(table.periods.first().and_then(|p| value_of(p, &table.team_metrics, metric)))
}

/// The baseline `action` keeps when it is corrected to `plan`: its own while the metric
/// stays, else the new metric's value over the window the action was decided in.
pub fn corrected_baseline(
    store: &Store,
    team: &Team,
    action: &Action,
    plan: &crate::domain::ActionPlan,
    now: Timestamp,
) -> Result<Option<f64>, StoreError> {
    if plan.metric == action.plan.metric {
        return Ok(action.baseline);
    }
    value_over(store, team, &plan.metric, &action.baseline_window, now)
}

/// The text of the note each of `actions` was made from, for those made from one.
pub fn source_notes(
    store: &Store,
    actions: &[ActionProgress],
) -> Result<Vec<(crate::domain::ActionId, String)>, StoreError> {
    let mut found = vec![];
    for p in actions {
        let (Some(id), Some(retro)) = (p.action.from_note, p.action.retro) else {
            continue;
        };
        if let Some(note) = store.notes(retro)?.into_iter().find(|n| n.id == id) {
            found.push((p.action.id, note.body));
        }
    }
    Ok(found)
}

/// The metrics some action expected to worsen while `period` ran: decided before the
/// period ended and not closed before it began. A worsening in that period was the plan
/// ("as planned"); in a period before the action, or after it closed, it is not.
pub fn planned_worsening_in(actions: &[Action], period: &Period) -> Vec<MetricKey> {
    actions
        .iter()
        .filter(|a| a.plan.expected == crate::domain::Expected::IntendedWorsening)
        .filter(|a| a.created_at < period.end)
        .filter(|a| a.status == ActionStatus::Open || a.closed_at.unwrap_or(a.created_at) >= period.start)
        .map(|a| a.plan.metric.clone())
        .collect()
}

/// Every metric an action can name: the five DORA metrics, then the team's own.
pub fn metric_choices(store: &Store, team: &Team) -> Result<Vec<MetricKey>, StoreError> {
    let dora = DoraMetric::ALL.into_iter().map(MetricKey::Dora);
    let own = store.team_metrics(team)?.into_iter().map(|t| MetricKey::Team(t.name));
    Ok(dora.chain(own).collect())
}

/// A metric's unit and polarity; a team metric the store does not know reads as unitless
/// and higher-is-better (it has no values either).
pub fn unit_and_polarity(metric: &MetricKey, team_metrics: &[TeamMetric]) -> (Unit, Polarity) {
    match metric {
        MetricKey::Dora(m) => (m.unit(), m.polarity()),
        MetricKey::Team(name) => team_metrics
            .iter()
            .find(|t| &t.name == name)
            .map_or((Unit::default(), Polarity::HigherIsBetter), |t| (Unit::Custom(t.unit.clone()), t.polarity)),
    }
}

/// The value of `metric` in one computed period: a DORA value, or a team metric's by name.
pub fn value_of(period: &PeriodMetrics, team_metrics: &[TeamMetric], metric: &MetricKey) -> Option<f64> {
    match metric {
        MetricKey::Dora(m) => period.dora.get(*m).value,
        MetricKey::Team(name) => {
            let i = team_metrics.iter().position(|t| &t.name == name)?;
            period.team.get(i).copied().flatten()
        }
    }
}

/// The team's events from the earliest baseline window to now, and its metrics weekly
/// from the earliest action on: read once for many actions.
struct Weekly {
    offset: UtcOffset,
    events: EventSet,
    weeks: Vec<PeriodMetrics>,
    team_metrics: Vec<TeamMetric>,
}

impl Weekly {
    fn load(store: &Store, team: &Team, actions: &[Action], now: Timestamp) -> Result<Self, StoreError> {
        let offset = team.utc_offset;
        let created = actions.iter().map(|a| a.created_at).min().unwrap_or(now).min(now);
        // The weeks before the first action too: their variation is the usual range's width.
        let routine_days = 7 * EffectRule::default().routine_weeks as i64;
        let first_week = Period::containing(created, Granularity::Week, offset).start - routine_days * 86_400;
        let from = actions.iter().map(|a| a.baseline_window.start).min().unwrap_or(created).min(first_week);
        let events = store.event_set(team, from, now)?;
        let periods: Vec<Period> =
            Period::covering(first_week, now, Granularity::Week, offset).into_iter().map(|p| p.until(now)).collect();
        let weeks = compute(&events, &periods);
        let team_metrics = events.team_metrics.iter().map(|t| t.metric.clone()).collect();
        Ok(Weekly { offset, events, weeks, team_metrics })
    }

    /// The metric over one window, with the events behind it.
    fn sample(&self, window: &Period, metric: &MetricKey) -> Option<Sample> {
        let computed = compute(&self.events, std::slice::from_ref(window)).pop()?;
        // A window the data covers in part is measured over its covered days.
        let (events, days) = match metric {
            MetricKey::Dora(m) => (computed.dora.get(*m).count, computed.coverage.days(*m)),
            MetricKey::Team(_) => (0, window.days()),
        };
        let value = value_of(&computed, &self.team_metrics, metric)?;
        Some(Sample { value, events, days })
    }

    fn progress(&self, action: Action, history: Vec<ActionReview>, now: Timestamp) -> ActionProgress {
        let week_of = |t: Timestamp| Period::containing(t, Granularity::Week, self.offset).start;
        let first = self.weeks.iter().position(|p| p.period.start == week_of(action.created_at));
        let rule = EffectRule::default();
        let routine: Vec<f64> = first
            .map(|first| &self.weeks[first.saturating_sub(rule.routine_weeks)..first])
            .unwrap_or_default()
            .iter()
            .filter_map(|p| value_of(p, &self.team_metrics, &action.plan.metric))
            .collect();
        let (series, counted) = match first {
            None => (vec![], 0..0),
            Some(first) => {
                let series: Vec<(Period, Option<f64>)> = self.weeks[first..]
                    .iter()
                    .map(|p| (p.period.clone(), value_of(p, &self.team_metrics, &action.plan.metric)))
                    .collect();
                // Whole weeks only: the week under way is shown, never judged.
                let mut end = series.iter().take_while(|(p, _)| !p.is_partial()).count();
                if action.status != ActionStatus::Open {
                    let closed = week_of(action.closed_at.unwrap_or(action.created_at));
                    let through_closed = series.iter().take_while(|(p, _)| p.start <= closed).count();
                    end = end.min(through_closed);
                }
                (series, 1.min(end)..end)
            }
        };
        let (unit, polarity) = unit_and_polarity(&action.plan.metric, &self.team_metrics);
        // Both sides the same way: the metric over one window each.
        let baseline = action.baseline.map(|value| {
            let days = action.baseline_window.days();
            // The snapshot is the value; the events behind it are read again from the
            // window (a frequency carries its own count: deployments a day times days).
            let events = match Spread::of(&action.plan.metric) {
                Spread::Rate => (value * days).round() as u64,
                _ => self.sample(&action.baseline_window, &action.plan.metric).map_or(0, |s| s.events),
            };
            Sample { value, events, days }
        });
        let since = &series[counted.clone()];
        let after = match (since.first(), since.last()) {
            (Some((first, _)), Some((last, _))) => {
                let window = Period { granularity: None, start: first.start, end: last.end, offset: self.offset };
                self.sample(&window, &action.plan.metric)
            }
            _ => None,
        };
        // Periods with data: a week the imports do not reach says nothing either way.
        let weeks = since.iter().filter(|(_, v)| v.is_some()).count();
        let observed = Observed { baseline, after, weeks, routine };
        let evaluation = evaluate(action.plan.expected, polarity, Spread::of(&action.plan.metric), &observed, &rule);
        ActionProgress {
            overdue: is_overdue(&action, now, self.offset),
            action,
            evaluation,
            series,
            counted,
            unit,
            polarity,
            history,
        }
    }
}
