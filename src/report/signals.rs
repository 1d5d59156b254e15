//! Signals as the command line prints them: text for people, JSON for scripts (the JSON
//! shape is documented in docs/signals.md and kept stable).

use super::MetricTable;
use crate::domain::{EventSet, MetricKey, Period, Team, Timestamp, format_timestamp};
use crate::metrics::signals::{IntendedChange, Reading, Signal, SignalInput, Thresholds, detect_with};
use crate::metrics::{PeriodMetrics, compute};
use crate::store::{Store, StoreError};
use serde_json::{Value, json};
use std::io::Write;

/// Version of the JSON shape; bumped on any change that could break a consumer.
pub const SIGNALS_SCHEMA: &str = "retro.signals/1";

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

/// The documented JSON shape of `retro signals --format json`.
pub fn signals_to_json(table: &SignalTable) -> Value {
    let offset = table.team.utc_offset;
    let signals: Vec<Value> = table
        .signals
        .iter()
        .map(|s| {
            json!({
                "kind": s.kind.key(),
                "title": s.kind.title(),
                "pattern": s.pattern.map(|p| p.key()),
                "first_period": s.span.first.label(),
                "last_period": s.span.last.label(),
                "start": format_timestamp(s.span.start(), offset),
                "end": format_timestamp(s.span.end(), offset),
                "metrics": s.metrics.iter().map(MetricKey::key).collect::<Vec<_>>(),
                "observations": s.observations.iter().map(|o| json!({
                    "key": o.key,
                    "unit": o.unit,
                    "before": o.before.as_ref().map(reading_json),
                    "after": reading_json(&o.after),
                })).collect::<Vec<_>>(),
                "intended_change": s.intended_change,
                "explanation": s.explanation,
                "question": s.question,
            })
        })
        .collect();
    json!({
        "schema": SIGNALS_SCHEMA,
        "team": table.team.name,
        "utc_offset": offset.to_string(),
        "period": table.period_kind(),
        "first_period": table.periods.first().map(Period::label),
        "last_period": table.periods.last().map(Period::label),
        "signals": signals,
    })
}

fn reading_json(r: &Reading) -> Value {
    json!({
        "value": r.value,
        "first_period": r.span.first.label(),
        "last_period": r.span.last.label(),
    })
}

/// Text for people: each signal with its periods, explanation and question.
pub fn write_signals(table: &SignalTable, out: &mut dyn Write) -> std::io::Result<()> {
    let span = match (table.periods.first(), table.periods.last()) {
        (Some(first), Some(last)) => format!(" ({}..{})", first.label(), last.label()),
        _ => String::new(),
    };
    writeln!(
        out,
        "{} · signals over {} {}s{span} · UTC{}",
        crate::text::safe(&table.team.name),
        table.periods.len(),
        table.period_kind(),
        table.team.utc_offset
    )?;
    if table.signals.is_empty() {
        writeln!(out, "\nNo signals in these periods.")?;
        return Ok(());
    }
    for (i, s) in table.signals.iter().enumerate() {
        let pattern = s.pattern.map(|p| format!(" ({})", p.key().replace('_', " "))).unwrap_or_default();
        writeln!(out, "\n{}. {}{pattern} · {}", i + 1, s.kind.title(), s.span.label())?;
        for line in crate::text::wrap(&s.explanation, 92) {
            writeln!(out, "   {line}")?;
        }
        for (j, line) in crate::text::wrap(&s.question, 87).into_iter().enumerate() {
            let lead = if j == 0 { "Ask: " } else { "     " };
            writeln!(out, "   {lead}{line}")?;
        }
    }
    Ok(())
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
        let series = compute(&events, periods);
        let input = SignalInput { events: &events, series: &series, intended, quality_metrics: &[] };
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
