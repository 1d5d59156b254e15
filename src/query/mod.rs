//! Reads that combine the store and the metric engine: a team's metrics over a run of
//! periods, the signals in them, where each improvement action stands, and which period
//! a view ends with by default. Everything here returns plain types; formatting them
//! for people is [`crate::report`]'s and the TUI's job.

pub mod actions;
mod latest;
mod signals;

pub use latest::{LatestData, default_last_period};
pub use signals::{SignalTable, recent_signals, table_and_signals};

use crate::domain::{Granularity, Period, Team, TeamMetric, Timestamp};
use crate::metrics::{PeriodMetrics, compute};
use crate::store::{LinkDiagnostics, Store, StoreError};

/// The team's metrics over a run of periods, ready to print.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricTable {
    pub team: Team,
    pub periods: Vec<PeriodMetrics>,
    pub team_metrics: Vec<TeamMetric>,
    pub diagnostics: LinkDiagnostics,
}

impl MetricTable {
    /// Reads what `periods` need from the store and computes every metric.
    pub fn load(store: &Store, team: &Team, periods: &[Period]) -> Result<Self, StoreError> {
        let (from, to) = match (periods.first(), periods.last()) {
            (Some(first), Some(last)) => (first.start, last.end),
            _ => (0, 0),
        };
        let events = store.event_set(team, from, to)?;
        Ok(MetricTable {
            team: team.clone(),
            periods: compute(&events, periods),
            team_metrics: events.team_metrics.into_iter().map(|t| t.metric).collect(),
            diagnostics: store.link_diagnostics(team)?,
        })
    }

    /// The team's whole history at `granularity`: every period from the first day its
    /// data covers to now (the last `without_data` periods when it covers none), the one
    /// under way cut at `now`.
    pub fn history(
        store: &Store,
        team: &Team,
        granularity: Granularity,
        now: Timestamp,
        without_data: usize,
    ) -> Result<Self, StoreError> {
        let covered = store.coverage(team)?.any();
        let periods = match covered.first().zip(covered.end()) {
            Some((first, end)) => Period::covering(first.min(now), end.max(now + 1), granularity, team.utc_offset),
            None => Period::last_n(now, without_data, granularity, team.utc_offset),
        };
        let periods: Vec<Period> = periods.into_iter().map(|p| p.until(now)).collect();
        Self::load(store, team, &periods)
    }

    /// `week`, `month` or `window`.
    pub fn period_kind(&self) -> &'static str {
        match self.periods.first().and_then(|p| p.period.granularity) {
            Some(g) => g.as_str(),
            None => "window",
        }
    }
}
