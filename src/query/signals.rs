//! The signals in a run of a team's periods, read from the store and detected by the
//! metric engine.

use super::MetricTable;
use crate::domain::{EventSet, Period, Team, Timestamp};
use crate::metrics::signals::{IntendedChange, Signal, SignalInput, Thresholds, detect_with};
use crate::metrics::{PeriodMetrics, compute_sorted};
use crate::store::{Store, StoreError};

/// The team's signals over a run of periods.
#[derive(Debug, Clone, PartialEq)]
pub struct SignalTable {
    pub team: Team,
    pub periods: Vec<Period>,
    pub signals: Vec<Signal>,
}

impl SignalTable {
    /// Reads what `periods` need (consecutive weeks or months, oldest first) and
    /// detects every signal in them. `intended` says what open actions expect.
    pub fn load(
        store: &Store,
        team: &Team,
        periods: &[Period],
        intended: &[IntendedChange],
    ) -> Result<Self, StoreError> {
        let signals = Detected::load(store, team, periods, intended)?.signals;
        Ok(SignalTable { team: team.clone(), periods: periods.to_vec(), signals })
    }

    /// `week`, `month` or `window`.
    pub fn period_kind(&self) -> &'static str {
        match self.periods.first().and_then(|p| p.granularity) {
            Some(g) => g.as_str(),
            None => "window",
        }
    }
}

/// What one read of the store gives for a run of periods: the events, every period's
/// metrics, and the signals in them.
struct Detected {
    events: EventSet,
    series: Vec<PeriodMetrics>,
    signals: Vec<Signal>,
}

impl Detected {
    /// Reads what `periods` need (consecutive weeks or months, oldest first) and
    /// detects every signal in them.
    fn load(store: &Store, team: &Team, periods: &[Period], intended: &[IntendedChange]) -> Result<Self, StoreError> {
        let (from, to) = match (periods.first(), periods.last()) {
            (Some(first), Some(last)) => (first.start, last.end),
            _ => (0, 0),
        };
        let thresholds = Thresholds::for_granularity(periods.first().and_then(|p| p.granularity));
        // Read past the last period by the follow-up window, so that an incident closed
        // near the end can be judged by what came after it (metrics count periods only).
        let events = store.event_set(team, from, to.saturating_add(thresholds.follow_up_secs))?;
        let (series, lead_times) = compute_sorted(&events, periods);
        let input = SignalInput::new(&events, &series, intended, &[]).with_lead_times(lead_times.as_ref());
        let signals = detect_with(&input, &thresholds);
        Ok(Detected { events, series, signals })
    }

    /// The `shown` periods that end with `last`, detected over enough earlier periods for
    /// their baselines, with what the team's actions expected taken into account.
    fn recent(store: &Store, team: &Team, last: &Period, shown: usize, now: Timestamp) -> Result<Self, StoreError> {
        let granularity = last.granularity.unwrap_or_default();
        let t = Thresholds::for_granularity(Some(granularity));
        let history = t.baseline + t.window + t.lag;
        let periods: Vec<Period> = Period::last_n(last.start, shown + history, granularity, team.utc_offset)
            .into_iter()
            .map(|p| p.until(now))
            .collect();
        let intended: Vec<IntendedChange> = store.actions(team)?.iter().map(IntendedChange::from_action).collect();
        let mut detected = Detected::load(store, team, &periods, &intended)?;
        let shown_from = detected.series.len() - shown.min(detected.series.len());
        let shown_start = detected.series[shown_from].period.start;
        detected.signals.retain(|s| s.span.end() > shown_start);
        detected.signals.reverse();
        detected.series.drain(..shown_from);
        Ok(detected)
    }
}

/// Signals seen in the `shown` periods that end with `last`, detected over enough
/// earlier periods for their baselines, with what the team's actions expected taken
/// into account. Most recent first.
pub fn recent_signals(
    store: &Store,
    team: &Team,
    last: &Period,
    shown: usize,
    now: Timestamp,
) -> Result<Vec<Signal>, StoreError> {
    Ok(Detected::recent(store, team, last, shown, now)?.signals)
}

/// The metrics of `periods` (consecutive, ending with the one the dashboard reads as
/// current) and the signals seen in them, most recent first, from one read of the store:
/// the signals look further back for their baselines, and the table is the tail of what
/// they computed.
pub fn table_and_signals(
    store: &Store,
    team: &Team,
    periods: &[Period],
    now: Timestamp,
) -> Result<(MetricTable, Vec<Signal>), StoreError> {
    let Some(last) = periods.last() else {
        return Ok((MetricTable::load(store, team, periods)?, Vec::new()));
    };
    let detected = Detected::recent(store, team, last, periods.len(), now)?;
    debug_assert!(detected.series.iter().map(|p| &p.period).eq(periods), "the table is the signals' tail");
    let table = MetricTable {
        team: team.clone(),
        periods: detected.series,
        team_metrics: detected.events.team_metrics.into_iter().map(|t| t.metric).collect(),
        diagnostics: store.link_diagnostics(team)?,
    };
    Ok((table, detected.signals))
}
