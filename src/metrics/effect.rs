//! Did an action move its metric? A pure verdict from the metric over the window the
//! action was decided in (its baseline) and over the whole weeks since, each with the
//! number of events behind it.
//!
//! The verdict is the routine-variation rule ([`super::variation`]), the same one the
//! dashboard and the retro use, never a rule of its own: the weeks since, taken as one
//! window, are judged against limits around the baseline whose width is the team's
//! usual week-to-week variation in the weeks before the action, and (for rates and
//! frequencies) against chance with that many events. docs/metrics.md ("Did an action
//! move its metric?") states it with a worked example.

use super::variation::{Events, Reading, Reference, UsualRange, Variation, judge};
use crate::domain::{Action, ActionReview, DoraMetric, Expected, MetricKey, Period, Polarity, Unit};
use std::ops::Range;

/// What the metric did, read against what the action expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// Improve: better beyond the usual range. Hold steady: within it, or better.
    /// Intended worsening: worse beyond it, as the team chose.
    MovedAsExpected,
    /// Improve or intended worsening: the weeks since stayed within the usual range.
    NoClearChange,
    /// Improve or hold steady: worse beyond the usual range. Intended worsening: better
    /// beyond it.
    MovedTheOtherWay,
    /// Fewer weeks since than the rule needs, too few events, no baseline, or too few
    /// weeks with data before the action to know the usual range.
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

/// How much evidence a verdict needs before the routine-variation rule reads it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EffectRule {
    /// Whole weeks since the action before any verdict but [`Verdict::TooEarly`].
    pub min_periods: usize,
    /// Events each side needs (deployments behind a rate or a frequency, changes behind
    /// a lead time, resolved failures behind a recovery time).
    pub min_events: u64,
    /// Whole weeks before the action whose week-to-week variation sets the width of the
    /// usual range (those with data count; at least three are needed).
    pub routine_weeks: usize,
}

impl Default for EffectRule {
    /// Three weeks, five events a side, and the six weeks before the action.
    fn default() -> Self {
        EffectRule { min_periods: 3, min_events: 5, routine_weeks: 6 }
    }
}

/// Which events a metric's value rests on, for the rule's exact tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spread {
    /// A share of deployments (change failure rate, rework rate): Fisher's exact test.
    Proportion,
    /// Deployments per day: the conditional binomial test of two Poisson counts.
    Rate,
    /// A median of durations (lead time, recovery time): the limits alone.
    Median,
    /// A team-chosen metric: the limits alone.
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

    /// `sample` with the events its value rests on.
    fn reading(self, sample: &Sample) -> Reading {
        let events = match self {
            Spread::Proportion => {
                Events::Share { hits: (sample.value / 100.0 * sample.events as f64).round() as u64, of: sample.events }
            }
            Spread::Rate => Events::Count { events: sample.events, days: sample.days },
            Spread::Median | Spread::Unknown => Events::Unmodelled,
        };
        Reading::new(sample.value, events)
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

/// What is known of an action's metric: both sides, and the weeks before it.
#[derive(Debug, Clone, PartialEq)]
pub struct Observed {
    /// The metric over the window the action was decided in.
    pub baseline: Option<Sample>,
    /// The metric over the whole weeks since, as one window.
    pub after: Option<Sample>,
    /// How many whole weeks `after` covers.
    pub weeks: usize,
    /// The metric in each whole week with data before the week the action was decided
    /// in (up to [`EffectRule::routine_weeks`]), oldest first: its usual variation.
    pub routine: Vec<f64>,
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
    /// How far the metric had to move to count, in its unit: from the baseline to the
    /// limit in the direction it moved (the upper one when it did not move); `None` when
    /// too early. Beyond it, the exact test may still find the move within chance.
    pub threshold: Option<f64>,
    /// The usual range the weeks since were read against; `None` when too early.
    pub usual: Option<UsualRange>,
    /// The worsening the team chose happened: shown as expected, and worth celebrating.
    pub intended_worsening: bool,
}

/// Judges the weeks since against what the action `expected`.
///
/// - Too early: fewer than `rule.min_periods` weeks, a side without a value, (for DORA
///   metrics) a side with fewer than `rule.min_events` events, or fewer than three weeks
///   with data in `observed.routine`.
/// - Otherwise the routine-variation rule reads `after`, pooled over its weeks, against
///   limits around the baseline (itself pooled over its window's weeks) as wide as the
///   routine weeks' average moving range allows:
///   above or below them (and beyond chance, for rates and frequencies) is *better* or
///   *worse* by `polarity`; anything else is *within*.
/// - Improve: better is as expected, worse is the other way, within is no clear change.
/// - Hold steady: within or better is as expected, worse is the other way.
/// - Intended worsening: worse is as expected (and `intended_worsening` is set), better
///   is the other way, within is no clear change.
pub fn evaluate(
    expected: Expected,
    polarity: Polarity,
    spread: Spread,
    observed: &Observed,
    rule: &EffectRule,
) -> Evaluation {
    let (baseline, after) = (observed.baseline, observed.after);
    let relative = match (baseline, after) {
        (Some(b), Some(a)) if b.value != 0.0 => Some((a.value - b.value) / b.value.abs()),
        _ => None,
    };
    let enough = |s: &Sample| spread == Spread::Unknown || s.events >= rule.min_events;
    let judged = match (baseline, after) {
        (Some(b), Some(a)) if observed.weeks >= rule.min_periods && enough(&b) && enough(&a) => {
            // The baseline is a window's value too, of about this many weeks.
            let baseline_weeks = (b.days / 7.0).round().max(1.0) as usize;
            Reference::around(spread.reading(&b), &observed.routine)
                .map(|r| judge(&spread.reading(&a), observed.weeks, &r.pooled_over(baseline_weeks)))
        }
        _ => None,
    };
    let verdict = match judged.map(|j| super::Direction::of(j.variation, polarity)) {
        None => Verdict::TooEarly,
        Some(d) => {
            use super::Direction::{Better, Steady, Worse};
            match (expected, d) {
                (Expected::Improve, Better)
                | (Expected::HoldSteady, Better | Steady)
                | (Expected::IntendedWorsening, Worse) => Verdict::MovedAsExpected,
                (Expected::Improve | Expected::IntendedWorsening, Steady) => Verdict::NoClearChange,
                (Expected::Improve | Expected::HoldSteady, Worse) | (Expected::IntendedWorsening, Better) => {
                    Verdict::MovedTheOtherWay
                }
                (_, super::Direction::Unknown) => Verdict::TooEarly,
            }
        }
    };
    let threshold = judged.map(|j| match (j.variation, after) {
        (Variation::Below, _) => j.range.centre - j.range.lower,
        (_, Some(a)) if a.value < j.range.centre => j.range.centre - j.range.lower,
        _ => j.range.upper - j.range.centre,
    });
    Evaluation {
        verdict,
        baseline: baseline.map(|b| b.value),
        after: after.map(|a| a.value),
        periods: observed.weeks,
        relative,
        threshold,
        usual: judged.map(|j| j.range),
        intended_worsening: expected == Expected::IntendedWorsening && verdict == Verdict::MovedAsExpected,
    }
}

/// One action, with everything needed to judge whether it worked ([`crate::query::actions`]
/// reads it from the store): a plain value the retro flow and the screens hold.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionProgress {
    pub action: Action,
    pub evaluation: Evaluation,
    /// The metric weekly, from the week the action was created in to the current week
    /// (cut at now), whatever the action's status: the trend since creation.
    pub series: Vec<(Period, Option<f64>)>,
    /// The entries of `series` the verdict read: the weeks since (see the module doc).
    pub counted: Range<usize>,
    /// The metric's unit: a DORA metric's, or a team metric's own.
    pub unit: Unit,
    pub polarity: Polarity,
    /// The action's reviews across retros, oldest first.
    pub history: Vec<ActionReview>,
    /// Open, with a due date before today (in the team's offset).
    pub overdue: bool,
}

impl ActionProgress {
    /// The weeks the verdict read, with their values.
    pub fn since(&self) -> &[(Period, Option<f64>)] {
        &self.series[self.counted.clone()]
    }

    /// The verdict in words; an intended worsening that happened says so.
    pub fn verdict_text(&self) -> String {
        if self.evaluation.intended_worsening {
            format!("{} (intended)", self.evaluation.verdict.label())
        } else {
            self.evaluation.verdict.label().to_owned()
        }
    }
}
