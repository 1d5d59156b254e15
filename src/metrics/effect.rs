//! Did an action move its metric? A pure verdict from the metric's baseline (its value
//! over the window the action was created in) and its weekly values since.
//!
//! The rule resists noise: it compares the *median* of the periods since with the
//! baseline, asks for a minimum relative change before calling anything a move, and
//! waits for a minimum number of periods with data. docs/metrics.md ("Did an action move
//! its metric?") states it with a worked example.

use crate::domain::{Expected, Polarity};

/// Relative changes within this of the threshold count as reaching it, so a change of
/// exactly 10% reads as 10% whatever the floating-point rounding.
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
    /// Periods since the action that must have data before any verdict but
    /// [`Verdict::TooEarly`].
    pub min_periods: usize,
    /// The smallest change of the median since against the baseline, as a share of the
    /// baseline's absolute value, that counts as a move (0.10 is 10%). From a baseline of
    /// zero there is no share: any non-zero median counts as a move.
    pub min_relative_change: f64,
}

impl Default for EffectRule {
    /// At least 3 weekly periods with data, and a change of at least 10% of the baseline.
    /// Weekly values of a team's failure rate or lead time swing by more than 10% by
    /// chance alone; the median of three or more weeks does not.
    fn default() -> Self {
        EffectRule { min_periods: 3, min_relative_change: 0.10 }
    }
}

/// An action's verdict and the numbers behind it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evaluation {
    pub verdict: Verdict,
    /// The metric over the window the action was created in.
    pub baseline: Option<f64>,
    /// The median of the periods since that have data.
    pub after: Option<f64>,
    /// How many periods since have data.
    pub periods: usize,
    /// `(after - baseline) / |baseline|`; `None` without both values or from a zero
    /// baseline.
    pub relative: Option<f64>,
    /// The worsening the team chose happened: shown as expected, and worth celebrating.
    pub intended_worsening: bool,
}

/// Which way the median since moved from the baseline, by the metric's polarity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    Better,
    Within,
    Worse,
}

/// Compares the median of `since` (the metric in each period after the action, `None`
/// for a period without data) with `baseline`, against what the action `expected`.
///
/// - Fewer than `rule.min_periods` periods with data, or no baseline: too early.
/// - Otherwise the change is *better* or *worse* (by `polarity`) when it is at least
///   `rule.min_relative_change` of the baseline, and *within* the threshold otherwise.
///   From a baseline of zero, any non-zero median is a move.
/// - Improve: better is as expected, worse is the other way, within is no clear change.
/// - Hold steady: within or better is as expected, worse is the other way.
/// - Intended worsening: worse is as expected (and `intended_worsening` is set), better
///   is the other way, within is no clear change.
pub fn evaluate(
    expected: Expected,
    polarity: Polarity,
    baseline: Option<f64>,
    since: &[Option<f64>],
    rule: &EffectRule,
) -> Evaluation {
    let mut values: Vec<f64> = since.iter().flatten().copied().filter(|v| v.is_finite()).collect();
    let periods = values.len();
    let after = median(&mut values);
    let relative = match (baseline, after) {
        (Some(b), Some(a)) if b != 0.0 => Some((a - b) / b.abs()),
        _ => None,
    };
    let verdict = match (baseline, after) {
        (Some(b), Some(a)) if periods >= rule.min_periods => {
            match (expected, change(b, a, polarity, rule.min_relative_change)) {
                (Expected::Improve, Change::Better)
                | (Expected::HoldSteady, Change::Better | Change::Within)
                | (Expected::IntendedWorsening, Change::Worse) => Verdict::MovedAsExpected,
                (Expected::Improve | Expected::IntendedWorsening, Change::Within) => Verdict::NoClearChange,
                (Expected::Improve | Expected::HoldSteady, Change::Worse)
                | (Expected::IntendedWorsening, Change::Better) => Verdict::MovedTheOtherWay,
            }
        }
        _ => Verdict::TooEarly,
    };
    Evaluation {
        verdict,
        baseline,
        after,
        periods,
        relative,
        intended_worsening: expected == Expected::IntendedWorsening && verdict == Verdict::MovedAsExpected,
    }
}

fn change(baseline: f64, after: f64, polarity: Polarity, min_share: f64) -> Change {
    let delta = after - baseline;
    let moved = if baseline == 0.0 { delta != 0.0 } else { delta.abs() / baseline.abs() >= min_share - EPSILON };
    if !moved || delta == 0.0 {
        Change::Within
    } else if (delta > 0.0) == (polarity == Polarity::HigherIsBetter) {
        Change::Better
    } else {
        Change::Worse
    }
}

/// The median of `values`, reordering them; the mean of the two middle values when the
/// count is even.
fn median(values: &mut [f64]) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&mut []), None);
    }

    #[test]
    fn a_move_from_zero_has_no_share_but_counts() {
        assert_eq!(change(0.0, 0.5, Polarity::LowerIsBetter, 0.1), Change::Worse);
        assert_eq!(change(0.0, 0.0, Polarity::LowerIsBetter, 0.1), Change::Within);
        assert_eq!(change(10.0, 11.0, Polarity::HigherIsBetter, 0.1), Change::Better);
        assert_eq!(change(10.0, 10.99, Polarity::HigherIsBetter, 0.1), Change::Within);
    }
}
