/// The median of `values`, reordering them; the mean of the two middle values when the
/// count is even; `None` when there are none.
///
/// Linear time (`select_nth_unstable`) rather than a sort: lead time takes the median
/// of up to a million changes.
pub fn median(values: &mut [i64]) -> Option<f64> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let (lower, upper, _) = values.select_nth_unstable(n / 2);
    let upper = *upper as f64;
    if n % 2 == 1 {
        return Some(upper);
    }
    let below = *lower.iter().max().expect("an even count of at least two has a lower half");
    Some((below as f64 + upper) / 2.0)
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn odd_count_takes_the_middle() {
        assert_eq!(median(&mut [5, 1, 3]), Some(3.0));
        assert_eq!(median(&mut [7]), Some(7.0));
    }

    #[test]
    fn even_count_takes_the_mean_of_the_two_middle_values() {
        assert_eq!(median(&mut [4, 1, 3, 2]), Some(2.5));
        assert_eq!(median(&mut [10, 20]), Some(15.0));
    }

    #[test]
    fn empty_has_no_median() {
        assert_eq!(median(&mut []), None);
    }

    #[test]
    fn agrees_with_sorting_on_many_inputs() {
        let mut rng = fastrand::Rng::with_seed(7);
        for len in 1..60 {
            let mut v: Vec<i64> = (0..len).map(|_| rng.i64(-50..50)).collect();
            let mut sorted = v.clone();
            sorted.sort_unstable();
            let expected = if len % 2 == 1 {
                sorted[len / 2] as f64
            } else {
                (sorted[len / 2 - 1] + sorted[len / 2]) as f64 / 2.0
            };
            assert_eq!(median(&mut v), Some(expected), "{sorted:?}");
        }
    }
}
