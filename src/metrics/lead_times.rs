//! Each period's lead times, sorted once, so that the lead time of any run of consecutive
//! periods (a signal's window) is found without collecting and selecting its changes
//! again: the median of the union of a few sorted lists, by binary search over values.
//! Exactly [`super::median`] of the same values, as [`super::compute`] would take it.

use crate::domain::{EventSet, Period};
use std::ops::Range;

/// The lead times (seconds, of the changes on covered days) of consecutive periods.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LeadTimes {
    sorted: Vec<Vec<i64>>,
}

impl LeadTimes {
    /// `None` unless `periods` are consecutive (each ends where the next starts): only then
    /// are a window's changes the union of its periods'.
    pub fn of(events: &EventSet, periods: &[Period]) -> Option<Self> {
        if periods.windows(2).any(|w| w[0].end != w[1].start) {
            return None;
        }
        let sorted = periods
            .iter()
            .map(|p| {
                let mut values = super::dora::lead_times(events, p);
                values.sort_unstable();
                values
            })
            .collect();
        Some(LeadTimes { sorted })
    }

    /// How many changes the periods of `range` hold, and the median of their lead times
    /// in seconds.
    pub fn median(&self, range: Range<usize>) -> (u64, Option<f64>) {
        let lists = &self.sorted[range];
        let n: usize = lists.iter().map(Vec::len).sum();
        if n == 0 {
            return (0, None);
        }
        let upper = nth(lists, n / 2) as f64;
        let value = if n % 2 == 1 { upper } else { (nth(lists, n / 2 - 1) as f64 + upper) / 2.0 };
        (n as u64, Some(value))
    }
}

/// The `k`-th smallest (from 0) of the union of sorted `lists`: the least value with more
/// than `k` values at or below it.
fn nth(lists: &[Vec<i64>], k: usize) -> i64 {
    let at_or_below = |x: i64| lists.iter().map(|l| l.partition_point(|&v| v <= x)).sum::<usize>();
    let mut low = lists.iter().filter_map(|l| l.first()).copied().min().expect("k < the count");
    let mut high = lists.iter().filter_map(|l| l.last()).copied().max().expect("k < the count");
    // Invariant: the answer lies in [low, high].
    while low < high {
        let mid = ((i128::from(low) + i128::from(high)).div_euclid(2)) as i64;
        if at_or_below(mid) > k {
            high = mid;
        } else {
            low = mid + 1;
        }
    }
    low
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::median;

    /// What [`LeadTimes::median`] must equal: [`median`] of the collected values.
    fn direct(lists: &[Vec<i64>]) -> (u64, Option<f64>) {
        let mut all: Vec<i64> = lists.concat();
        (all.len() as u64, median(&mut all))
    }

    #[test]
    fn the_median_of_a_union_of_sorted_lists_is_the_median_of_their_values() {
        let mut rng = fastrand::Rng::with_seed(11);
        for case in 0..400 {
            let lists: Vec<Vec<i64>> = (0..rng.usize(1..6))
                .map(|_| {
                    let spread = [3, 1_000, i64::MAX / 4][case % 3];
                    let mut l: Vec<i64> = (0..rng.usize(0..12)).map(|_| rng.i64(-spread..spread)).collect();
                    l.sort_unstable();
                    l
                })
                .collect();
            let leads = LeadTimes { sorted: lists.clone() };
            for start in 0..lists.len() {
                for end in start..=lists.len() {
                    assert_eq!(leads.median(start..end), direct(&lists[start..end]), "{lists:?} {start}..{end}");
                }
            }
        }
    }

    #[test]
    fn extreme_values_do_not_overflow() {
        let leads = LeadTimes { sorted: vec![vec![i64::MIN, i64::MIN + 1], vec![i64::MAX - 1, i64::MAX]] };
        for range in [0..1, 0..2, 1..2] {
            assert_eq!(leads.median(range.clone()), direct(&leads.sorted[range]));
        }
    }
}
