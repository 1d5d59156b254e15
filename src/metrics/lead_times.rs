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
        let mut buffer = Vec::new();
        let sorted = periods
            .iter()
            .map(|p| {
                let mut values = super::dora::lead_times(events, p);
                radix_sort(&mut values, &mut buffer);
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

/// Sorts `values` ascending, as `sort_unstable` does: a least-significant-digit radix sort
/// of their distance from the least, in 11-bit digits, as many as that distance needs
/// (three for lead times of up to eight months, in seconds). A run of months holds
/// hundreds of thousands of lead times a period, and a comparison sort of them was a
/// seventh of a dashboard's load. `buffer` is scratch space, kept between calls.
fn radix_sort(values: &mut Vec<i64>, buffer: &mut Vec<i64>) {
    const BITS: u32 = 11;
    const MASK: u64 = (1 << BITS) - 1;
    if values.len() < 1024 {
        values.sort_unstable();
        return;
    }
    let (min, max) = values.iter().fold((i64::MAX, i64::MIN), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    let span = max.abs_diff(min);
    let digits = (u64::BITS - span.leading_zeros()).div_ceil(BITS) as usize;
    let key = |v: i64, digit: usize| ((v.abs_diff(min) >> (BITS as usize * digit)) & MASK) as usize;
    let mut counts = vec![[0usize; 1 << BITS]; digits];
    for &v in values.iter() {
        for (digit, count) in counts.iter_mut().enumerate() {
            count[key(v, digit)] += 1;
        }
    }
    buffer.clear();
    buffer.resize(values.len(), 0);
    let (mut from, mut to) = (values, buffer);
    let mut swapped = false;
    for (digit, count) in counts.iter_mut().enumerate() {
        // Where each digit's values start.
        let mut at = 0;
        for c in count.iter_mut() {
            (*c, at) = (at, at + *c);
        }
        for &v in from.iter() {
            let k = key(v, digit);
            to[count[k]] = v;
            count[k] += 1;
        }
        std::mem::swap(&mut from, &mut to);
        swapped = !swapped;
    }
    if swapped {
        // The sorted values are in the buffer.
        std::mem::swap(from, to);
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
    fn the_radix_sort_sorts_as_sort_unstable_does() {
        let mut rng = fastrand::Rng::with_seed(5);
        let mut buffer = Vec::new();
        for case in 0..60 {
            let n = [0, 1, 1023, 1024, 1025, 5_000][case % 6] + rng.usize(0..3);
            let mut values: Vec<i64> = (0..n)
                .map(|_| match case % 4 {
                    // Lead times: seconds up to a year, some equal.
                    0 => rng.i64(0..31_536_000),
                    1 => rng.i64(-5..5),
                    2 => rng.i64(..),
                    _ => [i64::MIN, -1, 0, 1, i64::MAX, 1 << 40][rng.usize(0..6)],
                })
                .collect();
            let mut expected = values.clone();
            expected.sort_unstable();
            radix_sort(&mut values, &mut buffer);
            assert_eq!(values, expected, "case {case}");
        }
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
