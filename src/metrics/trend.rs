//! How a metric moved: against the previous period and against a trailing average,
//! read through the metric's polarity so "up" can be good or bad. Whether it moved at
//! all is the routine-variation rule's call ([`super::variation`]), never a fixed share.

use super::variation::{Reading, Reference, UsualRange, Variation, judge};
use crate::domain::Polarity;
use serde::Serialize;

/// Whether a movement is good news for the team, by the metric's polarity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Beyond the usual range, the good way.
    Better,
    /// Beyond the usual range, the bad way.
    Worse,
    /// Within the team's usual range: routine variation, not a change.
    Steady,
    /// No data now, or too little history to know the usual range.
    Unknown,
}

impl Direction {
    /// What the routine-variation rule said, read by the metric's polarity.
    pub fn of(variation: Variation, polarity: Polarity) -> Self {
        match (variation, polarity) {
            (Variation::Within, _) => Direction::Steady,
            (Variation::Above, Polarity::HigherIsBetter) | (Variation::Below, Polarity::LowerIsBetter) => {
                Direction::Better
            }
            (Variation::Above, Polarity::LowerIsBetter) | (Variation::Below, Polarity::HigherIsBetter) => {
                Direction::Worse
            }
        }
    }
}

/// A comparison of the current value with a reference value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Movement {
    pub reference: Option<f64>,
    /// `current - reference`.
    pub delta: Option<f64>,
    /// The routine-variation rule's verdict on the current value.
    pub direction: Direction,
}

impl Movement {
    fn between(current: Option<f64>, reference: Option<f64>, direction: Direction) -> Self {
        let delta = current.zip(reference).map(|(now, then)| now - then);
        Movement { reference, delta, direction: if delta.is_some() { direction } else { Direction::Unknown } }
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
    /// The usual range of those trailing periods; `None` with too few of them.
    pub usual: Option<UsualRange>,
}

/// Reads `readings` (oldest first; the last is the current period). Both movements carry
/// one direction: the current value judged against the usual range of up to `trailing`
/// periods before it that have data (a previous period alone says nothing of noise).
pub fn trend(readings: &[Option<Reading>], polarity: Polarity, trailing: usize) -> Trend {
    let Some((&current, before)) = readings.split_last() else {
        let none = Movement::between(None, None, Direction::Unknown);
        return Trend { current: None, vs_previous: none, vs_trailing: none, usual: None };
    };
    let previous = before.last().copied().flatten().map(|r| r.value);
    let window = &before[before.len().saturating_sub(trailing)..];
    let known: Vec<Reading> = window.iter().flatten().copied().collect();
    let mean = (!known.is_empty()).then(|| known.iter().map(|r| r.value).sum::<f64>() / known.len() as f64);
    let reference = Reference::trailing(&known);
    let judged = current.zip(reference).map(|(now, r)| judge(&now, 1, &r));
    let direction = judged.map_or(Direction::Unknown, |j| Direction::of(j.variation, polarity));
    let current = current.map(|r| r.value);
    Trend {
        current,
        vs_previous: Movement::between(current, previous, direction),
        vs_trailing: Movement::between(current, mean, direction),
        usual: reference.map(|r| r.range(1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Direction::*;
    use Polarity::*;

    fn values(v: &[Option<f64>]) -> Vec<Option<Reading>> {
        v.iter().map(|v| v.map(Reading::unmodelled)).collect()
    }

    #[test]
    fn polarity_reads_a_move_beyond_the_limits() {
        // 10, 12, 11, 13: mean 11.5, moving ranges 2, 1, 2 (mean 5/3), limits
        // 11.5 ± 2.66 × 5/3 = 7.07..15.93.
        let t = trend(&values(&[Some(10.0), Some(12.0), Some(11.0), Some(13.0), Some(30.0)]), LowerIsBetter, 4);
        assert_eq!(t.vs_trailing.direction, Worse);
        assert_eq!(t.vs_previous.direction, Worse, "one direction for both deltas");
        let u = t.usual.unwrap();
        assert!((u.lower - 7.0667).abs() < 1e-3 && (u.upper - 15.9333).abs() < 1e-3, "{u:?}");
        let up = trend(&values(&[Some(10.0), Some(12.0), Some(11.0), Some(13.0), Some(30.0)]), HigherIsBetter, 4);
        assert_eq!(up.vs_trailing.direction, Better);
    }

    #[test]
    fn a_move_inside_the_limits_is_steady_however_large_its_share() {
        // 15.9 is +38% on 11.5 but inside 7.07..15.93.
        let t = trend(&values(&[Some(10.0), Some(12.0), Some(11.0), Some(13.0), Some(15.9)]), LowerIsBetter, 4);
        assert_eq!(t.vs_trailing.direction, Steady);
        assert_eq!(t.vs_previous.delta, Some(15.9 - 13.0));
    }

    #[test]
    fn trailing_periods_without_data_are_left_out_and_too_few_are_unknown() {
        // Before the current 30: 10, none, 20, 40 -> the last three are none, 20, 40: two
        // values, too few for limits.
        let t = trend(&values(&[Some(10.0), None, Some(20.0), Some(40.0), Some(30.0)]), LowerIsBetter, 3);
        assert_eq!(t.current, Some(30.0));
        assert_eq!(t.vs_previous.delta, Some(-10.0));
        assert_eq!(t.vs_trailing.reference, Some(30.0));
        assert_eq!(t.vs_trailing.direction, Unknown);
        assert_eq!(t.usual, None);
        assert_eq!(Movement::between(Some(15.0), Some(10.0), Steady).relative(), Some(0.5));
    }

    #[test]
    fn a_single_period_has_nothing_to_compare_with() {
        let t = trend(&values(&[Some(3.0)]), HigherIsBetter, 6);
        assert_eq!(t.vs_previous.direction, Unknown);
        assert_eq!(t.vs_trailing.direction, Unknown);
        assert_eq!(trend(&[], HigherIsBetter, 6).current, None);
    }
}
