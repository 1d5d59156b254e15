//! The coverage rule, the one place every view learns what a period's data can say.
//!
//! A metric rests on raw events of some kinds ([`kinds`]). The days of a period that the
//! team's imports cover for all of those kinds are the days the metric is measured over:
//! - none of the period is covered: the metric has no data, whatever it would count;
//! - all of it: the metric as defined, and a week without deployments is a real zero;
//! - part of it: the metric over the covered days only (a frequency divides by them),
//!   and the period is marked partial, as a period still under way is.
//!
//! docs/metrics.md ("Coverage") has the rule with a worked example.

use crate::domain::{Coverage, CoverageKind, DoraMetric, Period, Spans};

const DAY: f64 = 86_400.0;

/// The raw events a metric is computed from. Change failure rate is a share of
/// deployments, so it rests on them: incidents are rare, and a team's incident export
/// rarely starts and ends with one, so requiring their coverage too would blank the rate
/// for most weeks. A failure an incident import adds later raises it then.
fn kinds(metric: DoraMetric) -> &'static [CoverageKind] {
    use CoverageKind::{Deployments, Incidents};
    match metric {
        DoraMetric::DeploymentFrequency
        | DoraMetric::ChangeLeadTime
        | DoraMetric::ChangeFailureRate
        | DoraMetric::ReworkRate => &[Deployments],
        DoraMetric::RecoveryTime => &[Incidents],
    }
}

/// How much of a period is covered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Covered {
    /// No day of it: "no data".
    None,
    /// Some of its days: measured over those, and marked partial.
    Partial,
    Full,
}

/// What the team's data covers of one period, per metric.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PeriodCoverage {
    spans: [Spans; 5],
    incidents: Spans,
    period_seconds: i64,
}

impl PeriodCoverage {
    pub fn of(coverage: &Coverage, period: &Period) -> Self {
        let spans = DoraMetric::ALL.map(|m| {
            let mut covered = Spans::union([(period.start, period.end)]);
            for &kind in kinds(m) {
                covered = covered.intersect(coverage.of(kind));
            }
            covered
        });
        PeriodCoverage {
            spans,
            incidents: coverage.incidents.clip(period.start, period.end),
            period_seconds: period.end - period.start,
        }
    }

    /// The parts of the period `metric` is measured over.
    pub fn spans(&self, metric: DoraMetric) -> &Spans {
        &self.spans[metric as usize]
    }

    /// Whether an incident at `t` is inside the team's incident coverage.
    pub fn incidents_known(&self, t: crate::domain::Timestamp) -> bool {
        self.incidents.contains(t)
    }

    /// Days of the period `metric` is measured over.
    pub fn days(&self, metric: DoraMetric) -> f64 {
        self.spans(metric).seconds() as f64 / DAY
    }

    pub fn state(&self, metric: DoraMetric) -> Covered {
        match self.spans(metric).seconds() {
            0 => Covered::None,
            s if s < self.period_seconds => Covered::Partial,
            _ => Covered::Full,
        }
    }

    /// Days of the period its deployments are known for: the days most metrics rest on,
    /// and what a period is labelled by ("3 of 7 days").
    pub fn covered_days(&self) -> f64 {
        self.days(DoraMetric::DeploymentFrequency)
    }

    /// The period as a whole, read by its deployments.
    pub fn overall(&self) -> Covered {
        self.state(DoraMetric::DeploymentFrequency)
    }

    /// No metric of the period has any covered day.
    pub fn is_empty(&self) -> bool {
        DoraMetric::ALL.iter().all(|&m| self.state(m) == Covered::None)
    }
}
