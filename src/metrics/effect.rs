//! Did an action move its metric? A pure verdict from the metric over the window the
//! action was decided in (its baseline) and over the whole weeks since, each with the
//! number of events behind it.
//!
//! The rule resists noise: both sides are the metric over one window each, computed the
//! same way (never a median of weekly rates against a pooled baseline, which reads noise
//! as a move), and a change counts only when it is both a tenth of the baseline and
//! larger than chance alone would make it with that many events. docs/metrics.md ("Did
//! an action move its metric?") states the rule with a worked example.

use crate::domain::{DoraMetric, Expected, MetricKey, Polarity};

/// Changes within this of a threshold count as reaching it, whatever the rounding.
const EPSILON: f64 = 1e-9;

/// What the metric did, read against what the action expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// Improve: better by at least the threshold. Hold steady: within the threshold, or
    /// better. Intended worsening: worse by at least the threshold, as the team chose.
    MovedAsExpected,
    /// Improve or intended worsening: the median since stayed within the threshold.
    NoClearChange,
    /// Improve or hold steady: worse by at least the threshold. Intended worsening:
    /// better by at least the threshold.
    MovedTheOtherWay,
    /// Fewer periods with data since than the rule needs, or no baseline to compare with.
    TooEarly,
}

impl Verdict {
    pub const ALL: [Verdict; 4] = [Self::MovedAsExpected, Self::NoClearChange, Self::MovedTheOtherWay, Self::TooEarly];

    /// Stable machine name used in JSON and CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MovedAsExpected => "moved_as_expected",
            Self::NoClearChange => "no_clear_change",
            Self::MovedTheOtherWay => "moved_the_other_way",
            Self::TooEarly => "too_early",
        }
    }

    /// What people read.
    pub fn label(self) -> &'static str {
        match self {
            Self::MovedAsExpected => "moved as expected",
            Self::NoClearChange => "no clear change",
            Self::MovedTheOtherWay => "moved the other way",
            Self::TooEarly => "too early",
        }
    }
}

/// How much evidence a verdict needs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EffectRule {
    /// Whole weeks since the action before any verdict but [`Verdict::TooEarly`].
    pub min_periods: usize,
    /// The smallest change that counts, as a share of the baseline's absolute value.
    pub min_relative_change: f64,
    /// Events each side needs (deployments behind a rate or a frequency, changes behind
    /// a lead time, resolved failures behind a recovery time).
    pub min_events: u64,
    /// How many standard errors of chance a change must exceed.
    pub confidence: f64,
}

impl Default for EffectRule {
    /// Three weeks, a tenth of the baseline, five events a side, and two standard errors
    /// (chance alone goes that far about one time in twenty).
    fn default() -> Self {
        EffectRule { min_periods: 3, min_relative_change: 0.10, min_events: 5, confidence: 2.0 }
    }
}

/// How a metric varies by chance, which decides how far it must move to count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spread {
    /// A share of deployments (change failure rate, rework rate): binomial.
    Proportion,
    /// Deployments per day: Poisson.
    Rate,
    /// A median of durations (lead time, recovery time), taken as log-normal.
    Median,
    /// A team-chosen metric: no model of its noise, the relative threshold alone.
    Unknown,
}

impl Spread {
    pub fn of(metric: &MetricKey) -> Self {
        match metric {
            MetricKey::Dora(DoraMetric::ChangeFailureRate | DoraMetric::ReworkRate) => Self::Proportion,
            MetricKey::Dora(DoraMetric::DeploymentFrequency) => Self::Rate,
            MetricKey::Dora(DoraMetric::ChangeLeadTime | DoraMetric::RecoveryTime) => Self::Median,
            MetricKey::Team(_) => Self::Unknown,
        }
    }
}

/// A metric over one window, with the evidence behind it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    pub value: f64,
    /// The events the value summarises (see [`EffectRule::min_events`]); ignored for
    /// team-chosen metrics.
    pub events: u64,
    pub days: f64,
}

/// An action's verdict and the numbers behind it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evaluation {
    pub verdict: Verdict,
    /// The metric over the window the action was created in.
    pub baseline: Option<f64>,
    /// The metric over the whole weeks since, as one window.
    pub after: Option<f64>,
    /// Whole weeks since the action.
    pub periods: usize,
    /// `(after - baseline) / |baseline|`; `None` without both values or from a zero
    /// baseline.
    pub relative: Option<f64>,
    /// How far the metric had to move to count, in its unit; `None` when too early.
    pub threshold: Option<f64>,
    /// The worsening the team chose happened: shown as expected, and worth celebrating.
    pub intended_worsening: bool,
}

/// Which way the metric moved from the baseline, by its polarity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    Better,
    Within,
    Worse,
}

/// Compares `after` (the metric over the `weeks` whole weeks since the action) with
/// `baseline`, against what the action `expected`.
///
/// - Too early: fewer than `rule.min_periods` weeks, a side without a value, or (for
///   DORA metrics) a side with fewer than `rule.min_events` events.
/// - Otherwise the change is *better* or *worse* (by `polarity`) when it reaches both
///   `rule.min_relative_change` of the baseline and `rule.confidence` standard errors
///   of chance for its [`Spread`]; *within* otherwise.
/// - Improve: better is as expected, worse is the other way, within is no clear change.
/// - Hold steady: within or better is as expected, worse is the other way.
/// - Intended worsening: worse is as expected (and `intended_worsening` is set), better
///   is the other way, within is no clear change.
pub fn evaluate(
    expected: Expected,
    polarity: Polarity,
    spread: Spread,
    baseline: Option<Sample>,
    after: Option<Sample>,
    weeks: usize,
    rule: &EffectRule,
) -> Evaluation {
    let relative = match (baseline, after) {
        (Some(b), Some(a)) if b.value != 0.0 => Some((a.value - b.value) / b.value.abs()),
        _ => None,
    };
    let enough = |s: &Sample| spread == Spread::Unknown || s.events >= rule.min_events;
    let judged = match (baseline, after) {
        (Some(b), Some(a)) if weeks >= rule.min_periods && enough(&b) && enough(&a) => {
            let threshold = (rule.min_relative_change * b.value.abs()).max(rule.confidence * chance(spread, &b, &a));
            Some((change(b.value, a.value, polarity, threshold), threshold))
        }
        _ => None,
    };
    let verdict = match judged {
        None => Verdict::TooEarly,
        Some((c, _)) => match (expected, c) {
            (Expected::Improve, Change::Better)
            | (Expected::HoldSteady, Change::Better | Change::Within)
            | (Expected::IntendedWorsening, Change::Worse) => Verdict::MovedAsExpected,
            (Expected::Improve | Expected::IntendedWorsening, Change::Within) => Verdict::NoClearChange,
            (Expected::Improve | Expected::HoldSteady, Change::Worse)
            | (Expected::IntendedWorsening, Change::Better) => Verdict::MovedTheOtherWay,
        },
    };
    Evaluation {
        verdict,
        baseline: baseline.map(|b| b.value),
        after: after.map(|a| a.value),
        periods: weeks,
        relative,
        threshold: judged.map(|(_, t)| t),
        intended_worsening: expected == Expected::IntendedWorsening && verdict == Verdict::MovedAsExpected,
    }
}

/// The standard error of the difference between two windows that chance alone makes,
/// in the metric's unit.
fn chance(spread: Spread, b: &Sample, a: &Sample) -> f64 {
    let (n1, n2) = (b.events as f64, a.events as f64);
    match spread {
        // Percentages of deployments: the pooled share's binomial error.
        Spread::Proportion => {
            let p = (b.value * n1 + a.value * n2) / (100.0 * (n1 + n2));
            100.0 * (p * (1.0 - p) * (1.0 / n1 + 1.0 / n2)).sqrt()
        }
        // Deployments per day: counts are Poisson, so a count n over d days errs by √n / d.
        Spread::Rate => (n1 / (b.days * b.days) + n2 / (a.days * a.days)).sqrt(),
        // A median of n log-normal durations with a spread of about one (typical of lead
        // and recovery times) errs by about 1.25/√n of itself.
        Spread::Median => 1.25 * b.value.abs() * (1.0 / n1 + 1.0 / n2).sqrt(),
        Spread::Unknown => 0.0,
    }
}

fn change(baseline: f64, after: f64, polarity: Polarity, threshold: f64) -> Change {
    let delta = after - baseline;
    let moved = delta != 0.0 && delta.abs() >= threshold - EPSILON;
    if !moved {
        Change::Within
    } else if (delta > 0.0) == (polarity == Polarity::HigherIsBetter) {
        Change::Better
    } else {
        Change::Worse
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_move_needs_to_reach_the_threshold() {
        assert_eq!(change(0.0, 0.5, Polarity::LowerIsBetter, 0.0), Change::Worse);
        assert_eq!(change(0.0, 0.0, Polarity::LowerIsBetter, 0.0), Change::Within);
        assert_eq!(change(10.0, 11.0, Polarity::HigherIsBetter, 1.0), Change::Better);
        assert_eq!(change(10.0, 10.99, Polarity::HigherIsBetter, 1.0), Change::Within);
    }

    #[test]
    fn chance_grows_with_fewer_events() {
        let s = |value, events| Sample { value, events, days: 14.0 };
        let few = chance(Spread::Proportion, &s(10.0, 20), &s(10.0, 20));
        let many = chance(Spread::Proportion, &s(10.0, 2000), &s(10.0, 2000));
        // sqrt(0.1 * 0.9 * (1/20 + 1/20)) = 0.0949 -> 9.49 points.
        assert!((few - 9.4868).abs() < 1e-3, "{few}");
        assert!(many < few / 9.0);
        // 28 deployments in 14 days on each side: sqrt(28/196 * 2) = 0.5345 a day.
        assert!((chance(Spread::Rate, &s(2.0, 28), &s(2.0, 28)) - 0.5345).abs() < 1e-3);
        // 1.25 * 20 h * sqrt(1/25 + 1/25) = 7.07 h.
        assert!((chance(Spread::Median, &s(20.0, 25), &s(15.0, 25)) - 7.0711).abs() < 1e-3);
    }
}
