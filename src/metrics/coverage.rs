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
/// for most weeks. A failure an incident import adds later raises it then. Rework rate
/// rests on deployments whose kinds are known as well: without them it would count
/// every deployment as planned.
fn kinds(metric: DoraMetric) -> &'static [CoverageKind] {
    use CoverageKind::{DeploymentKinds, Deployments, Incidents};
    match metric {
        DoraMetric::DeploymentFrequency | DoraMetric::ChangeLeadTime | DoraMetric::ChangeFailureRate => &[Deployments],
        DoraMetric::ReworkRate => &[Deployments, DeploymentKinds],
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

/// A kind of raw event the team's data does not cover for all of a window: what a retro
/// over that window says up front, and its summary records.
#[derive(Debug, Clone, PartialEq)]
pub struct DataGap {
    pub kind: CoverageKind,
    /// The metrics that rest on this kind of event.
    pub metrics: Vec<DoraMetric>,
    /// The window (cut at now when it is under way).
    pub window: Period,
    /// The parts of the window the data covers.
    pub covered: Spans,
}

impl DataGap {
    pub fn covered_days(&self) -> f64 {
        self.covered.seconds() as f64 / DAY
    }

    /// The first day without data after the covered part, when the data stops early.
    pub fn missing_since(&self) -> Option<chrono::NaiveDate> {
        let end = self.covered.end()?;
        (end < self.window.end).then(|| self.window.offset.local_date(end))
    }

    /// The first covered day, when the data starts after the window does.
    pub fn covered_from(&self) -> Option<chrono::NaiveDate> {
        let first = self.covered.first()?;
        (first > self.window.start).then(|| self.window.offset.local_date(first))
    }

    /// One sentence for people: which metrics, since when.
    pub fn describe(&self) -> String {
        let names: Vec<String> = self.metrics.iter().map(|m| m.name().to_lowercase()).collect();
        let metrics = match names.as_slice() {
            [one] => one.clone(),
            [init @ .., last] => format!("{} and {last}", init.join(", ")),
            [] => String::new(),
        };
        let kind = self.kind.label();
        let (have, cover) = if self.metrics.len() == 1 { ("has", "covers") } else { ("have", "cover") };
        let days = format!("{:.0} of {:.0} days", self.covered_days().floor(), self.window.days().ceil());
        if self.kind == CoverageKind::DeploymentKinds {
            return if self.covered.is_empty() {
                format!(
                    "No import says which deployments in this window were hotfixes, rollbacks or fixes forward, \
                     so {metrics} {have} no data in it."
                )
            } else {
                format!(
                    "Only some imports say which deployments were hotfixes, rollbacks or fixes forward, so \
                     {metrics} {cover} {days}."
                )
            };
        }
        match (self.covered.is_empty(), self.missing_since(), self.covered_from()) {
            (true, _, _) => format!("No {kind} data reaches this window, so {metrics} {have} no data in it."),
            (false, Some(since), _) => format!(
                "The {kind} data stops before this window ends: nothing is known since {since}, so {metrics} \
                 {cover} {days}."
            ),
            (false, None, Some(from)) => {
                format!("The {kind} data starts on {from}, inside this window, so {metrics} {cover} {days}.")
            }
            (false, None, None) => format!("The {kind} data has gaps in this window, so {metrics} {cover} {days}."),
        }
    }

    /// What to run to close the gap.
    pub fn suggestion(&self) -> &'static str {
        match self.kind {
            CoverageKind::Deployments => {
                "Import newer deployments (`retro import deployments FILE`, or `retro import git REPO`), then \
                 resume the retro."
            }
            CoverageKind::Incidents => {
                "Import newer incidents (`retro import incidents FILE`; add --covers FROM..TO when the export \
                 spans days without incidents), then resume the retro."
            }
            CoverageKind::DeploymentKinds => {
                "Import deployments with a `kind` column (planned, hotfix, rollback, fix_forward), or derive \
                 them from git (`retro import git REPO`), then resume the retro."
            }
        }
    }
}

/// Each kind of raw event the data does not cover for all of `window`.
pub fn data_gaps(coverage: &Coverage, window: &Period) -> Vec<DataGap> {
    CoverageKind::ALL
        .into_iter()
        .filter_map(|kind| {
            let covered = coverage.of(kind).clip(window.start, window.end);
            // Kinds are missing only where deployments are known: a window the
            // deployments do not reach is that gap, said once.
            let needed = match kind {
                CoverageKind::DeploymentKinds => coverage.deployments.clip(window.start, window.end).seconds(),
                _ => window.end - window.start,
            };
            (covered.seconds() < needed).then(|| DataGap {
                kind,
                metrics: DoraMetric::ALL.into_iter().filter(|&m| kinds(m).contains(&kind)).collect(),
                window: window.clone(),
                covered,
            })
        })
        .collect()
}
