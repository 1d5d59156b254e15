//! How a metric moved: against the previous period and against a trailing average,
//! read through the metric's polarity so "up" can be good or bad.

use crate::domain::Polarity;
use serde::Serialize;

/// Changes smaller than this share of the reference value read as steady.
const STEADY_SHARE: f64 = 0.02;

/// Whether a movement is good news for the team, by the metric's polarity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Better,
    Worse,
    Steady,
    /// One side of the comparison has no data.
    Unknown,
}

/// A comparison of the current value with a reference value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Movement {
    pub reference: Option<f64>,
    /// `current - reference`.
    pub delta: Option<f64>,
    pub direction: Direction,
}

impl Movement {
    pub fn between(current: Option<f64>, reference: Option<f64>, polarity: Polarity) -> Self {
        let (Some(now), Some(then)) = (current, reference) else {
            return Movement { reference, delta: None, direction: Direction::Unknown };
        };
        let delta = now - then;
        let direction = if delta.abs() <= STEADY_SHARE * then.abs() || delta == 0.0 {
            Direction::Steady
        } else if (delta > 0.0) == (polarity == Polarity::HigherIsBetter) {
            Direction::Better
        } else {
            Direction::Worse
        };
        Movement { reference, delta: Some(delta), direction }
    }

    /// The change relative to the reference, when the reference is not zero.
    pub fn relative(&self) -> Option<f64> {
        match (self.delta, self.reference) {
            (Some(d), Some(r)) if r != 0.0 => Some(d / r.abs()),
            _ => None,
        }
    }
}

/// A metric over a run of periods, read at its last period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trend {
    pub current: Option<f64>,
    /// Against the period before the current one.
    pub vs_previous: Movement,
    /// Against the mean of up to `trailing` periods before the current one that have data.
    pub vs_trailing: Movement,
}

/// Reads `values` (oldest first; the last is the current period).
pub fn trend(values: &[Option<f64>], polarity: Polarity, trailing: usize) -> Trend {
    let Some((&current, before)) = values.split_last() else {
        let none = Movement::between(None, None, polarity);
        return Trend { current: None, vs_previous: none, vs_trailing: none };
    };
    let previous = before.last().copied().flatten();
    let window = &before[before.len().saturating_sub(trailing)..];
    let known: Vec<f64> = window.iter().flatten().copied().collect();
    let mean = (!known.is_empty()).then(|| known.iter().sum::<f64>() / known.len() as f64);
    Trend {
        current,
        vs_previous: Movement::between(current, previous, polarity),
        vs_trailing: Movement::between(current, mean, polarity),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Direction::*;
    use Polarity::*;

    #[test]
    fn polarity_decides_good_and_bad() {
        assert_eq!(Movement::between(Some(12.0), Some(10.0), HigherIsBetter).direction, Better);
        assert_eq!(Movement::between(Some(12.0), Some(10.0), LowerIsBetter).direction, Worse);
        assert_eq!(Movement::between(Some(8.0), Some(10.0), LowerIsBetter).direction, Better);
    }

    #[test]
    fn small_moves_are_steady_and_missing_data_is_unknown() {
        assert_eq!(Movement::between(Some(10.1), Some(10.0), LowerIsBetter).direction, Steady);
        assert_eq!(Movement::between(Some(0.0), Some(0.0), LowerIsBetter).direction, Steady);
        assert_eq!(Movement::between(Some(0.5), Some(0.0), LowerIsBetter).direction, Worse);
        assert_eq!(Movement::between(None, Some(1.0), LowerIsBetter).direction, Unknown);
        assert_eq!(Movement::between(Some(1.0), None, LowerIsBetter).direction, Unknown);
    }

    #[test]
    fn trailing_mean_skips_periods_without_data() {
        // Before the current 30: 10, none, 20, 40 -> the last three are none, 20, 40 -> mean 30.
        let t = trend(&[Some(10.0), None, Some(20.0), Some(40.0), Some(30.0)], LowerIsBetter, 3);
        assert_eq!(t.current, Some(30.0));
        assert_eq!(t.vs_previous.delta, Some(-10.0));
        assert_eq!(t.vs_previous.direction, Better);
        assert_eq!(t.vs_trailing.reference, Some(30.0));
        assert_eq!(t.vs_trailing.direction, Steady);
        assert_eq!(Movement::between(Some(15.0), Some(10.0), LowerIsBetter).relative(), Some(0.5));
    }

    #[test]
    fn a_single_period_has_nothing_to_compare_with() {
        let t = trend(&[Some(3.0)], HigherIsBetter, 6);
        assert_eq!(t.vs_previous.direction, Unknown);
        assert_eq!(t.vs_trailing.direction, Unknown);
        assert_eq!(trend(&[], HigherIsBetter, 6).current, None);
    }
}
