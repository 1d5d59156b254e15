//! The metric engine: pure functions from an [`EventSet`] to per-period values.
//!
//! Definitions live in docs/metrics.md; each function here names the rule it follows.
//! [`signals`] reads the computed series for patterns worth a retro's attention
//! (docs/signals.md).

mod coverage;
mod dora;
pub mod effect;
mod lead_times;
mod median;
pub mod signals;
mod team;
mod trend;
pub mod variation;

pub use coverage::{Covered, DataGap, PeriodCoverage, data_gaps};
pub use dora::{compute, compute_sorted};
pub use effect::{ActionProgress, EffectRule, Evaluation, Observed, Sample, Spread, Verdict, evaluate};
pub use lead_times::LeadTimes;
pub use median::median;
pub use trend::{Direction, Movement, Trend, trend};
pub use variation::{Events, Judgement, Reading, Reference, UsualRange, Variation, judge};

use crate::domain::{DoraMetric, Period};
use serde::Serialize;

/// Where a value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueSource {
    /// Computed from the team's deployments, changes and incidents.
    Events,
    /// Pre-aggregated by another tool (or entered by the team) and imported.
    Imported,
}

/// One metric in one period. `value` is `None` when there is no data, which is never
/// the same as zero.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MetricValue {
    pub value: Option<f64>,
    /// How many events the value summarises: production deployments for frequency,
    /// failure rate and rework rate; deployed changes for lead time; resolved failures
    /// for recovery time. Zero for imported values.
    pub count: u64,
    pub source: Option<ValueSource>,
}

impl MetricValue {
    pub const NO_DATA: MetricValue = MetricValue { value: None, count: 0, source: None };

    fn events(value: Option<f64>, count: u64) -> Self {
        MetricValue { value, count, source: value.map(|_| ValueSource::Events) }
    }

    fn imported(value: f64) -> Self {
        MetricValue { value: Some(value), count: 0, source: Some(ValueSource::Imported) }
    }
}

/// The five DORA values of one period, indexed by metric.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DoraValues([MetricValue; 5]);

impl DoraValues {
    pub fn get(&self, metric: DoraMetric) -> MetricValue {
        self.0[metric as usize]
    }

    fn set(&mut self, metric: DoraMetric, value: MetricValue) {
        self.0[metric as usize] = value;
    }
}

impl Default for DoraValues {
    fn default() -> Self {
        DoraValues([MetricValue::NO_DATA; 5])
    }
}

/// Everything retro knows about one period of one team.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodMetrics {
    pub period: Period,
    pub dora: DoraValues,
    /// Production deployments that failed (status) or caused an incident.
    pub failed_deployments: u64,
    /// Production deployments that were hotfixes, rollbacks or fixes forward.
    pub rework_deployments: u64,
    /// Incidents that started in the period and name no production deployment as their
    /// cause; they enter neither failure rate nor recovery time.
    pub unlinked_incidents: u64,
    /// Values of the team-chosen metrics, in the order of [`crate::domain::EventSet::team_metrics`].
    pub team: Vec<Option<f64>>,
    /// Which days of the period the team's data covers, per metric: every count above
    /// speaks only for those days.
    pub coverage: PeriodCoverage,
}

impl PeriodMetrics {
    /// Deployments per week, the other common way to read deployment frequency.
    pub fn deployments_per_week(&self) -> Option<f64> {
        self.dora.get(DoraMetric::DeploymentFrequency).value.map(|per_day| per_day * 7.0)
    }

    /// Whether `metric` has any covered day in the period: where it has none, no count or
    /// value of it is shown, not even a zero.
    pub fn covers(&self, metric: DoraMetric) -> bool {
        self.coverage.state(metric) != Covered::None
    }

    /// The period reads partial: still under way, or only partly covered by the data.
    pub fn is_partial(&self) -> bool {
        self.period.is_partial() || self.coverage.overall() == Covered::Partial
    }

    /// A DORA value with the events it rests on, for [`variation`]: shares of deployments
    /// and deployments over days carry their counts; medians and imported values do not.
    pub fn reading(&self, metric: DoraMetric) -> Option<Reading> {
        let v = self.dora.get(metric);
        let value = v.value?;
        if v.source != Some(ValueSource::Events) {
            return Some(Reading::unmodelled(value));
        }
        let events = match metric {
            DoraMetric::ChangeFailureRate => Events::Share { hits: self.failed_deployments, of: v.count },
            DoraMetric::ReworkRate => Events::Share { hits: self.rework_deployments, of: v.count },
            DoraMetric::DeploymentFrequency => Events::Count { events: v.count, days: self.coverage.days(metric) },
            DoraMetric::ChangeLeadTime | DoraMetric::RecoveryTime => Events::Unmodelled,
        };
        Some(Reading::new(value, events))
    }

    /// What a DORA value rests on, for people: "2 of 9 deployments", "9 deployments",
    /// "14 changes", "3 resolved failures"; `None` without data or for imported values.
    pub fn evidence(&self, metric: DoraMetric) -> Option<String> {
        let v = self.dora.get(metric);
        if v.value.is_none() || v.source != Some(ValueSource::Events) {
            return None;
        }
        let plural = |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        Some(match metric {
            DoraMetric::ChangeFailureRate => {
                format!("{} of {}", self.failed_deployments, plural(v.count, "deployment", "deployments"))
            }
            DoraMetric::ReworkRate => {
                format!("{} of {}", self.rework_deployments, plural(v.count, "deployment", "deployments"))
            }
            DoraMetric::DeploymentFrequency => plural(v.count, "deployment", "deployments"),
            DoraMetric::ChangeLeadTime => plural(v.count, "change", "changes"),
            DoraMetric::RecoveryTime => plural(v.count, "resolved failure", "resolved failures"),
        })
    }
}
