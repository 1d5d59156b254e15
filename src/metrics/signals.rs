//! Signals: patterns in a team's metrics worth a conversation, computed as plain data.
//!
//! Four kinds, each with documented thresholds (docs/signals.md):
//! - instability after throughput rises ([`instability`]),
//! - possible metric gaming, worded about the system ([`gaming`]),
//! - intended worsening: a metric that worsened while an open action expected it
//!   ([`intended`]),
//! - quality paired with speed: faster delivery while a team-chosen quality metric
//!   worsens ([`paired`]).
//!
//! Every signal describes the team's delivery system, never a person, and carries a
//! short explanation and a blameless question for the retro. Detection is pure: it
//! reads an [`EventSet`] and the per-period series computed from it, and values over a
//! run of periods are computed exactly as `retro metrics --from --to` computes a window.

mod gaming;
mod instability;
mod intended;
mod paired;

pub use intended::IntendedChange;

use super::dora::compute_knowing_lead_time;
use super::variation::{self, Reference, judge};
use super::{Direction, LeadTimes, PeriodMetrics, ValueSource, compute};
use crate::domain::{DoraMetric, EventSet, Granularity, MetricKey, Period, Polarity, Unit};
use std::ops::Range;

/// What a signal is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SignalKind {
    InstabilityAfterThroughputRise,
    PossibleMetricGaming,
    IntendedWorsening,
    QualityPairedWithSpeed,
}

impl SignalKind {
    pub const ALL: [SignalKind; 4] = [
        Self::InstabilityAfterThroughputRise,
        Self::PossibleMetricGaming,
        Self::IntendedWorsening,
        Self::QualityPairedWithSpeed,
    ];

    /// Stable machine name, used in JSON.
    pub fn key(self) -> &'static str {
        match self {
            Self::InstabilityAfterThroughputRise => "instability_after_throughput_rise",
            Self::PossibleMetricGaming => "possible_metric_gaming",
            Self::IntendedWorsening => "intended_worsening",
            Self::QualityPairedWithSpeed => "quality_paired_with_speed",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::InstabilityAfterThroughputRise => "Instability after throughput rises",
            Self::PossibleMetricGaming => "Possible metric gaming",
            Self::IntendedWorsening => "Intended worsening",
            Self::QualityPairedWithSpeed => "Quality paired with speed",
        }
    }
}

/// Which of the possible-gaming patterns a signal saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GamingPattern {
    /// Production deployments that shipped no change.
    DeploymentsWithoutChanges,
    /// More deployments, each carrying far fewer changes.
    ThinnerDeployments,
    /// Incidents closed within minutes again and again, with no rework deployment after.
    QuickIncidentClosures,
}

impl GamingPattern {
    pub fn key(self) -> &'static str {
        match self {
            Self::DeploymentsWithoutChanges => "deployments_without_changes",
            Self::ThinnerDeployments => "thinner_deployments",
            Self::QuickIncidentClosures => "quick_incident_closures",
        }
    }
}

/// A run of consecutive periods, both ends included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub first: Period,
    pub last: Period,
}

impl Span {
    fn of(series: &[PeriodMetrics], range: Range<usize>) -> Self {
        Span { first: series[range.start].period.clone(), last: series[range.end - 1].period.clone() }
    }

    pub fn start(&self) -> crate::domain::Timestamp {
        self.first.start
    }

    pub fn end(&self) -> crate::domain::Timestamp {
        self.last.end
    }

    /// `2025-W13..2025-W16`, or one label for a single period.
    pub fn label(&self) -> String {
        if self.first == self.last {
            self.first.label()
        } else {
            format!("{}..{}", self.first.label(), self.last.label())
        }
    }
}

/// A value over a span.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub value: f64,
    pub span: Span,
}

/// One number behind a signal: a metric (or a count) before and after, or just after.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// A DORA key, a team metric's name, or one of `changes_per_deployment`,
    /// `deployments_without_changes`, `production_deployments`,
    /// `quick_incident_closures`, `resolved_failures`.
    pub key: String,
    pub unit: Unit,
    pub before: Option<Reading>,
    pub after: Reading,
}

/// A pattern worth a conversation, with the numbers that raised it.
#[derive(Debug, Clone, PartialEq)]
pub struct Signal {
    pub kind: SignalKind,
    /// For possible gaming: which pattern.
    pub pattern: Option<GamingPattern>,
    /// Every period involved, from the first baseline period to the last one observed.
    pub span: Span,
    /// The metrics involved, the one that moved first first.
    pub metrics: Vec<MetricKey>,
    pub observations: Vec<Observation>,
    /// For intended worsening: the title of the action that expected it.
    pub intended_change: Option<String>,
    /// What was seen, in numbers and about the system.
    pub explanation: String,
    /// A blameless question to open the conversation.
    pub question: String,
}

/// The thresholds every signal uses; docs/signals.md explains each one.
#[derive(Debug, Clone, PartialEq)]
pub struct Thresholds {
    /// Periods in the baseline a window is compared with: 8 weeks, or 3 months.
    pub baseline: usize,
    /// Periods in each window compared with the baseline: 8 weeks, or 2 months.
    pub window: usize,
    /// How many periods after a rise begins a worsening may start and still be paired
    /// with it: 8 weeks, or 2 months.
    pub lag: usize,
    /// Production deployments a window needs before its rates are read.
    pub min_deployments: u64,
    /// Deployed changes a window needs before its lead time is read.
    pub min_changes: u64,
    /// "Deployment frequency up markedly": up by this share (0.5 = +50 %).
    pub throughput_rise: f64,
    /// A failure or rework rate "rises" by at least this many percentage points...
    pub rate_rise_points: f64,
    /// ...with at least this many failed (or rework) deployments in the window.
    pub min_failures: u64,
    /// Deployments without changes: at least this many in a period...
    pub empty_min: u64,
    /// ...and at least this share of its (non-rollback) production deployments.
    pub empty_share: f64,
    /// Thinner deployments: deployments up by this share...
    pub thinner_rise: f64,
    /// ...while changes per deployment fall by at least this share (0.5 = halved).
    pub thinner_drop: f64,
    /// An incident is closed "within minutes" when resolved this many seconds or less
    /// after it started.
    pub quick_resolution_secs: i64,
    /// A quick close has a follow-up when a hotfix, rollback or fix forward reaches
    /// production between the incident's start and this many seconds after it closed.
    pub follow_up_secs: i64,
    /// Quick closes without follow-up: at least this many in a period...
    pub quick_min: u64,
    /// ...and at least this share of the period's resolved failures.
    pub quick_share: f64,
    /// Quality paired with speed: a team-chosen metric "worsened" when it moved the
    /// wrong way by at least this share (team metrics are often small, noisy counts).
    pub quality_worsening_share: f64,
    /// Speed improves: deployment frequency up by this share...
    pub speed_rise: f64,
    /// ...or lead time down by this share.
    pub lead_time_drop: f64,
}

impl Thresholds {
    /// The defaults for a series of weeks, or of months (a custom window reads as weeks).
    pub fn for_granularity(granularity: Option<Granularity>) -> Self {
        let (baseline, window, lag) = match granularity {
            Some(Granularity::Month) => (3, 2, 2),
            _ => (8, 8, 8),
        };
        Thresholds {
            baseline,
            window,
            lag,
            min_deployments: 8,
            min_changes: 8,
            throughput_rise: 0.5,
            rate_rise_points: 10.0,
            min_failures: 3,
            empty_min: 3,
            empty_share: 0.25,
            thinner_rise: 0.5,
            thinner_drop: 0.5,
            quick_resolution_secs: 15 * 60,
            follow_up_secs: 24 * 3600,
            quick_min: 3,
            quick_share: 0.5,
            quality_worsening_share: 0.30,
            speed_rise: 0.5,
            lead_time_drop: 0.30,
        }
    }
}

/// What signals are computed from.
#[derive(Debug, Clone, Copy)]
pub struct SignalInput<'a> {
    /// The team's events over the series' span (as [`crate::store::Store::event_set`] reads them).
    pub events: &'a EventSet,
    /// Consecutive periods, oldest first, as [`compute`] returns them for `events`.
    pub series: &'a [PeriodMetrics],
    /// What the team's open actions expect of their metrics.
    pub intended: &'a [IntendedChange],
    /// The team-chosen metrics that "quality paired with speed" watches; empty means
    /// every team-chosen metric.
    pub quality_metrics: &'a [String],
    /// The series' lead times, sorted once for every window [`detect_with`] reads
    /// (by it, unless [`SignalInput::with_lead_times`] gave them).
    lead_times: Option<&'a LeadTimes>,
}

impl<'a> SignalInput<'a> {
    pub fn new(
        events: &'a EventSet,
        series: &'a [PeriodMetrics],
        intended: &'a [IntendedChange],
        quality_metrics: &'a [String],
    ) -> Self {
        SignalInput { events, series, intended, quality_metrics, lead_times: None }
    }

    /// The series' lead times as [`super::compute_sorted`] returned them with it.
    pub fn with_lead_times(self, lead_times: Option<&'a LeadTimes>) -> Self {
        SignalInput { lead_times, ..self }
    }
}

/// Every signal in the series with the default thresholds for its granularity, oldest
/// first.
pub fn detect(input: &SignalInput<'_>) -> Vec<Signal> {
    let granularity = input.series.first().and_then(|p| p.period.granularity);
    detect_with(input, &Thresholds::for_granularity(granularity))
}

/// [`detect`] with chosen thresholds.
pub fn detect_with(input: &SignalInput<'_>, t: &Thresholds) -> Vec<Signal> {
    // Detection reads dozens of windows of up to a million changes: their lead times are
    // sorted once, per period, instead of collected and selected for every window.
    let computed;
    let lead_times = match input.lead_times {
        Some(given) => Some(given),
        None => {
            let periods: Vec<Period> = input.series.iter().map(|p| p.period.clone()).collect();
            computed = LeadTimes::of(input.events, &periods);
            computed.as_ref()
        }
    };
    let input = &SignalInput { lead_times, ..*input };
    let mut signals = instability::detect(input, t);
    signals.extend(gaming::detect(input, t));
    signals.extend(intended::detect(input, t));
    signals.extend(paired::detect(input, t));
    signals.sort_by_key(|s| (s.span.start(), s.kind, s.span.end()));
    signals
}

/// The metrics of a run of periods, computed as one window.
struct Window {
    range: Range<usize>,
    metrics: PeriodMetrics,
}

impl Window {
    fn new(input: &SignalInput<'_>, range: Range<usize>) -> Self {
        let (first, last) = (&input.series[range.start].period, &input.series[range.end - 1].period);
        let period = Period { granularity: None, start: first.start, end: last.end, offset: first.offset };
        let metrics = match input.lead_times {
            Some(lead_times) => compute_knowing_lead_time(input.events, &period, lead_times.median(range.clone())),
            None => compute(input.events, std::slice::from_ref(&period)).pop().expect("one period in, one out"),
        };
        Window { range, metrics }
    }

    fn span(&self, series: &[PeriodMetrics]) -> Span {
        Span::of(series, self.range.clone())
    }

    fn deployments(&self) -> u64 {
        self.metrics.dora.get(DoraMetric::DeploymentFrequency).count
    }

    fn changes(&self) -> u64 {
        self.metrics.dora.get(DoraMetric::ChangeLeadTime).count
    }

    fn value(&self, metric: DoraMetric) -> Option<f64> {
        self.metrics.dora.get(metric).value
    }

    /// The failed or rework deployments behind a rate.
    fn rate_count(&self, metric: DoraMetric) -> u64 {
        match metric {
            DoraMetric::ChangeFailureRate => self.metrics.failed_deployments,
            DoraMetric::ReworkRate => self.metrics.rework_deployments,
            _ => 0,
        }
    }

    fn changes_per_deployment(&self) -> Option<f64> {
        (self.deployments() > 0).then(|| self.changes() as f64 / self.deployments() as f64)
    }

    fn reading(&self, series: &[PeriodMetrics], value: f64) -> Reading {
        Reading { value, span: self.span(series) }
    }

    /// How `metric` moved from this window (the baseline) to `later` by the
    /// routine-variation rule (docs/metrics.md, "Routine variation"): `later`'s value,
    /// pooled over its periods, against limits around this window's value (pooled over
    /// its own) as wide as the moving ranges of this window's periods, and (for rates and
    /// frequency) beyond
    /// chance on their events. `None` without both values or with fewer than three
    /// baseline periods with data.
    fn moved(&self, later: &Window, metric: &MetricKey, input: &SignalInput<'_>) -> Option<Direction> {
        let periods = &input.series[self.range.clone()];
        let (before, after, routine, polarity) = match metric {
            MetricKey::Dora(m) => {
                let routine: Vec<f64> = periods
                    .iter()
                    .filter(|p| p.dora.get(*m).source == Some(ValueSource::Events))
                    .filter_map(|p| p.dora.get(*m).value)
                    .collect();
                (self.metrics.reading(*m)?, later.metrics.reading(*m)?, routine, m.polarity())
            }
            MetricKey::Team(name) => {
                let i = input.events.team_metrics.iter().position(|t| &t.metric.name == name)?;
                let value = |w: &Window| w.metrics.team.get(i).copied().flatten().map(variation::Reading::unmodelled);
                let routine: Vec<f64> = periods.iter().filter_map(|p| p.team.get(i).copied().flatten()).collect();
                (value(self)?, value(later)?, routine, input.events.team_metrics[i].metric.polarity)
            }
        };
        let reference = Reference::around(before, &routine)?.pooled_over(self.range.len());
        Some(Direction::of(judge(&after, later.range.len(), &reference).variation, polarity))
    }

    /// Whether `metric` moved beyond its routine variation in `direction` (a rise of
    /// deployments is [`Direction::Better`], a rise of failures [`Direction::Worse`]).
    fn moved_as(&self, later: &Window, metric: DoraMetric, input: &SignalInput<'_>, direction: Direction) -> bool {
        self.moved(later, &MetricKey::Dora(metric), input) == Some(direction)
    }

    /// A DORA metric from this window (the baseline) to `later`, as an observation,
    /// with both values (no data reads as 0).
    fn observe(&self, later: &Window, m: DoraMetric, series: &[PeriodMetrics]) -> (Observation, f64, f64) {
        let (before, after) = (self.value(m).unwrap_or(0.0), later.value(m).unwrap_or(0.0));
        let observation = Observation {
            key: m.key().into(),
            unit: m.unit(),
            before: Some(self.reading(series, before)),
            after: later.reading(series, after),
        };
        (observation, before, after)
    }
}

/// Where a window rose against its baseline, one episode at a time.
///
/// Slides a baseline of `t.baseline` periods and a window of `t.window` periods right
/// after it along the series. `rise` scores a (baseline, window) pair, `None` when it
/// did not rise. Consecutive rising positions are one episode; `found` is tried at each
/// position of an episode, strongest rise first, and the first it accepts is the
/// episode's signal. So a rise gives one signal, however many weeks it spans.
fn episodes(
    input: &SignalInput<'_>,
    t: &Thresholds,
    rise: impl Fn(&Window, &Window) -> Option<f64>,
    mut found: impl FnMut(&Window, &Window) -> Option<Signal>,
) -> Vec<Signal> {
    let (n, b, w) = (input.series.len(), t.baseline.max(1), t.window.max(1));
    let mut signals = Vec::new();
    let mut run: Vec<(f64, Window, Window)> = Vec::new();
    for s in b..=n {
        let rose = (s + w <= n)
            .then(|| {
                let base = Window::new(input, s - b..s);
                let after = Window::new(input, s..s + w);
                rise(&base, &after).map(|score| (score, base, after))
            })
            .flatten();
        match rose {
            Some(r) => run.push(r),
            None if run.is_empty() => {}
            None => {
                run.sort_by(|x, y| y.0.total_cmp(&x.0));
                signals.extend(run.iter().find_map(|(_, base, after)| found(base, after)));
                run.clear();
            }
        }
    }
    signals
}

/// Whether a metric moved the wrong way by at least `share` of its earlier value (any
/// move away from zero counts).
fn worsened(before: f64, after: f64, polarity: Polarity, share: f64) -> bool {
    let delta = after - before;
    let wrong_way = match polarity {
        Polarity::HigherIsBetter => delta < 0.0,
        Polarity::LowerIsBetter => delta > 0.0,
    };
    wrong_way && (before == 0.0 || delta.abs() >= share * before.abs())
}

/// `+104%` or `-15%`: a relative change, when the earlier value is not zero.
fn say_relative(before: f64, after: f64) -> String {
    if before == 0.0 {
        return "from zero".to_owned();
    }
    let r = 100.0 * (after - before) / before.abs();
    format!("{}{:.0}%", if r < 0.0 { '-' } else { '+' }, r.abs())
}

/// A DORA metric's name in a sentence: `change failure rate`.
fn name_of(metric: DoraMetric) -> String {
    metric.name().to_lowercase()
}

/// Any metric's name in a sentence: `change failure rate`, `customer satisfaction`.
fn words(metric: &MetricKey) -> String {
    match metric {
        MetricKey::Dora(m) => name_of(*m),
        MetricKey::Team(name) => name.replace('_', " "),
    }
}

/// The first letter in upper case, for the start of a sentence.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worsening_reads_polarity_and_share() {
        assert!(worsened(10.0, 12.0, Polarity::LowerIsBetter, 0.1));
        assert!(!worsened(10.0, 10.5, Polarity::LowerIsBetter, 0.1));
        assert!(!worsened(10.0, 12.0, Polarity::HigherIsBetter, 0.1));
        assert!(worsened(0.0, 0.5, Polarity::LowerIsBetter, 0.1));
        assert!(worsened(4.0, 3.5, Polarity::HigherIsBetter, 0.1));
    }

    #[test]
    fn relative_changes_read_as_words() {
        assert_eq!(say_relative(8.0, 16.0), "+100%");
        assert_eq!(say_relative(4.0, 3.4), "-15%");
    }
}
