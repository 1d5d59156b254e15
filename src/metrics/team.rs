use crate::domain::{Granularity, Period, SampleSet, TeamSamples};

/// The value of each team-chosen metric in `period`.
///
/// A sample entered for exactly this period is used as is. A month (or a custom window)
/// without one takes the mean of the weekly samples whose week starts inside it; a
/// custom window without weekly samples takes the mean of the months that start inside
/// it. A week never borrows from its month.
pub(super) fn team_values(metrics: &[TeamSamples], period: &Period) -> Vec<Option<f64>> {
    metrics.iter().map(|m| value_in(&m.samples, period)).collect()
}

fn value_in(samples: &SampleSet, period: &Period) -> Option<f64> {
    if let Some(g) = period.granularity
        && let Some(v) = samples.get(g, &period.label())
    {
        return Some(v);
    }
    if period.granularity == Some(Granularity::Week) {
        return None;
    }
    mean_starting_within(samples, Granularity::Week, period).or_else(|| {
        (period.granularity.is_none()).then(|| mean_starting_within(samples, Granularity::Month, period)).flatten()
    })
}

fn mean_starting_within(samples: &SampleSet, granularity: Granularity, period: &Period) -> Option<f64> {
    let (sum, n) = samples
        .values
        .iter()
        .filter(|(g, label, _)| {
            *g == granularity && Period::parse_label(label, period.offset).is_ok_and(|p| period.contains(p.start))
        })
        .fold((0.0, 0u32), |(sum, n), (_, _, v)| (sum + v, n + 1));
    (n > 0).then(|| sum / f64::from(n))
}
