//! Instability after throughput rises: deployment frequency up markedly while change
//! failure rate or rework rate rises in the same or the following periods.

use super::{Signal, SignalInput, SignalKind, Span, Thresholds, Window, episodes, name_of, say_relative};
use crate::domain::{DoraMetric, MetricKey, Unit, in_words};
use crate::metrics::Direction;

const RATES: [DoraMetric; 2] = [DoraMetric::ChangeFailureRate, DoraMetric::ReworkRate];

/// Where deployment frequency rose markedly (a window against its baseline), looks for
/// a window starting with the rise or up to `t.lag` periods later in which change
/// failure rate or rework rate rose. One signal per episode of rising frequency.
pub(super) fn detect(input: &SignalInput<'_>, t: &Thresholds) -> Vec<Signal> {
    let n = input.series.len();
    let w = t.window.max(1);
    episodes(
        input,
        t,
        |base, rise| frequency_rise(input, base, rise, t.min_deployments, t.throughput_rise),
        |base, rise| {
            let s = rise.range.start;
            (s..=(s + t.lag).min(n - w)).find_map(|u| {
                let later = Window::new(input, u..u + w);
                let rates = rates_that_rose(input, base, &later, t);
                (!rates.is_empty()).then(|| signal(input, base, rise, &later, &rates))
            })
        },
    )
}

/// How much deployment frequency rose (after / before), when the baseline has enough
/// deployments and it rose by at least `share`, beyond its routine variation.
pub(super) fn frequency_rise(
    input: &SignalInput<'_>,
    base: &Window,
    rise: &Window,
    min_deployments: u64,
    share: f64,
) -> Option<f64> {
    let freq = DoraMetric::DeploymentFrequency;
    let (before, after) = (base.value(freq)?, rise.value(freq)?);
    (base.deployments() >= min_deployments
        && before > 0.0
        && after >= before * (1.0 + share)
        && base.moved_as(rise, freq, input, Direction::Better))
    .then(|| after / before)
}

fn rates_that_rose(input: &SignalInput<'_>, base: &Window, later: &Window, t: &Thresholds) -> Vec<DoraMetric> {
    if later.deployments() < t.min_deployments {
        return Vec::new();
    }
    RATES
        .into_iter()
        .filter(|&m| match (base.value(m), later.value(m)) {
            (Some(before), Some(after)) => {
                later.rate_count(m) >= t.min_failures
                    && after - before >= t.rate_rise_points
                    && base.moved_as(later, m, input, Direction::Worse)
            }
            _ => false,
        })
        .collect()
}

fn signal(input: &SignalInput<'_>, base: &Window, rise: &Window, later: &Window, rates: &[DoraMetric]) -> Signal {
    let series = input.series;
    let freq = DoraMetric::DeploymentFrequency;
    let (frequency, f0, f1) = base.observe(rise, freq, series);
    let mut observations = vec![frequency];
    let mut rate_words = Vec::new();
    for &m in rates {
        let (observation, r0, r1) = base.observe(later, m, series);
        observations.push(observation);
        rate_words.push(format!(
            "{} rose from {} to {} (+{:.1} points)",
            name_of(m),
            in_words(r0, &Unit::Percent),
            in_words(r1, &Unit::Percent),
            r1 - r0
        ));
    }
    let explanation = format!(
        "Deployments rose from {} to {} ({}) between {} and {}, and {} in {}. Tools and practices that raise \
         throughput (AI coding assistants are the common case) tend to raise instability too, unless review, \
         testing and safe deployment grow with them.",
        in_words(f0, &freq.unit()),
        in_words(f1, &freq.unit()),
        say_relative(f0, f1),
        base.span(series).label(),
        rise.span(series).label(),
        rate_words.join(" and "),
        later.span(series).label(),
    );
    let mut metrics = vec![MetricKey::Dora(freq)];
    metrics.extend(rates.iter().map(|&m| MetricKey::Dora(m)));
    Signal {
        kind: SignalKind::InstabilityAfterThroughputRise,
        pattern: None,
        span: Span::of(series, base.range.start..later.range.end.max(rise.range.end)),
        metrics,
        observations,
        intended_change: None,
        explanation,
        question: "What is keeping our quality up as we ship more, and what would help it keep pace?".into(),
    }
}
