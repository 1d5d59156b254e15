//! Metrics as the command line prints them: a table for people, JSON and CSV for scripts.
//! The JSON and CSV shapes are documented in docs/output.md and kept stable.

mod csv_out;
mod json;
mod table;

pub use csv_out::write_csv;
pub use json::to_json;
pub use table::write_table;

use crate::domain::{Period, Team, TeamMetric};
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

    /// `week`, `month` or `window`.
    pub fn period_kind(&self) -> &'static str {
        match self.periods.first().and_then(|p| p.period.granularity) {
            Some(g) => g.as_str(),
            None => "window",
        }
    }
}

/// Formats a change of a value for people: `+2.5 h`, `-0.40/d`, `+5.0 pp`.
pub fn format_delta(delta: f64, unit: &str) -> String {
    let sign = if delta < 0.0 { '-' } else { '+' };
    let d = delta.abs();
    match unit {
        "%" => format!("{sign}{d:.1} pp"),
        "hours" => format!("{sign}{d:.1} h"),
        "deploys/day" => format!("{sign}{d:.2}/d"),
        _ => format!("{sign}{}", (d * 100.0).round() / 100.0),
    }
}

/// Formats a value for people: "no data" is never shown as zero.
pub fn format_value(value: Option<f64>, unit: &str) -> String {
    match value {
        None => "no data".to_owned(),
        Some(v) if unit == "%" => format!("{v:.1}%"),
        Some(v) if unit == "hours" => format!("{v:.1} h"),
        Some(v) if unit == "deploys/day" => format!("{v:.2}/d"),
        Some(v) => format!("{}", (v * 100.0).round() / 100.0),
    }
}
