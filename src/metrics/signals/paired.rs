//! Quality paired with speed: delivery got faster (more deployments, or shorter lead
//! time) while a team-chosen quality metric worsened in the same or following periods.

use super::{
    Observation, Signal, SignalInput, SignalKind, Span, Thresholds, Window, capitalised, episodes, name_of,
    say_relative, words, worsened,
};
use crate::domain::{DoraMetric, MetricKey, TeamMetric, Unit, in_words};
use crate::metrics::Direction;

pub(super) fn detect(input: &SignalInput<'_>, t: &Thresholds) -> Vec<Signal> {
    let watched: Vec<(usize, &TeamMetric)> = input
        .events
        .team_metrics
        .iter()
        .map(|s| &s.metric)
        .enumerate()
        .filter(|(_, m)| input.quality_metrics.is_empty() || input.quality_metrics.contains(&m.name))
        .collect();
    if watched.is_empty() {
        return Vec::new();
    }
    let n = input.series.len();
    let w = t.window.max(1);
    episodes(
        input,
        t,
        |base, rise| {
            let gains = speed_gains(input, base, rise, t);
            // The stronger of the two gains, as a ratio above 1.
            let freq = DoraMetric::DeploymentFrequency;
            let lead = DoraMetric::ChangeLeadTime;
            let ratio = |m: DoraMetric| match m {
                DoraMetric::ChangeLeadTime => base.value(lead).zip(rise.value(lead)).map(|(a, b)| a / b),
                _ => base.value(freq).zip(rise.value(freq)).map(|(a, b)| b / a),
            };
            gains.into_iter().filter_map(ratio).reduce(f64::max)
        },
        |base, rise| {
            let faster = speed_gains(input, base, rise, t);
            let s = rise.range.start;
            (s..=(s + t.lag).min(n - w)).find_map(|u| {
                let later = Window::new(input, u..u + w);
                let worse: Vec<(&TeamMetric, f64, f64)> = watched
                    .iter()
                    .filter_map(|&(i, m)| {
                        let before = base.metrics.team.get(i).copied().flatten()?;
                        let after = later.metrics.team.get(i).copied().flatten()?;
                        let beyond =
                            base.moved(&later, &MetricKey::Team(m.name.clone()), input) == Some(Direction::Worse);
                        (worsened(before, after, m.polarity, t.quality_worsening_share) && beyond)
                            .then_some((m, before, after))
                    })
                    .collect();
                (!worse.is_empty()).then(|| signal(input, base, rise, &later, &faster, &worse))
            })
        },
    )
}

/// Which speed metrics improved markedly from `base` to `rise`, beyond their routine
/// variation.
fn speed_gains(input: &SignalInput<'_>, base: &Window, rise: &Window, t: &Thresholds) -> Vec<DoraMetric> {
    let mut gains = Vec::new();
    let freq = DoraMetric::DeploymentFrequency;
    if let (Some(f0), Some(f1)) = (base.value(freq), rise.value(freq))
        && base.deployments() >= t.min_deployments
        && f0 > 0.0
        && f1 >= f0 * (1.0 + t.speed_rise)
        && base.moved_as(rise, freq, input, Direction::Better)
    {
        gains.push(freq);
    }
    let lead = DoraMetric::ChangeLeadTime;
    if let (Some(l0), Some(l1)) = (base.value(lead), rise.value(lead))
        && base.changes() >= t.min_changes
        && rise.changes() >= t.min_changes
        && l0 > 0.0
        && l1 <= l0 * (1.0 - t.lead_time_drop)
        && base.moved_as(rise, lead, input, Direction::Better)
    {
        gains.push(lead);
    }
    gains
}

fn signal(
    input: &SignalInput<'_>,
    base: &Window,
    rise: &Window,
    later: &Window,
    faster: &[DoraMetric],
    worse: &[(&TeamMetric, f64, f64)],
) -> Signal {
    let series = input.series;
    let mut observations = Vec::new();
    let mut speed_words = Vec::new();
    for &m in faster {
        let (observation, v0, v1) = base.observe(rise, m, series);
        observations.push(observation);
        let verb = if m == DoraMetric::DeploymentFrequency { "rose" } else { "fell" };
        speed_words.push(format!(
            "{} {verb} from {} to {} ({})",
            name_of(m),
            in_words(v0, &m.unit()),
            in_words(v1, &m.unit()),
            say_relative(v0, v1)
        ));
    }
    let mut quality_words = Vec::new();
    for &(m, v0, v1) in worse {
        observations.push(Observation {
            key: m.name.clone(),
            unit: Unit::Custom(m.unit.clone()),
            before: Some(base.reading(series, v0)),
            after: later.reading(series, v1),
        });
        quality_words.push(format!(
            "{} went from {} to {} ({})",
            words(&MetricKey::Team(m.name.clone())),
            in_words(v0, &Unit::Custom(m.unit.clone())),
            in_words(v1, &Unit::Custom(m.unit.clone())),
            say_relative(v0, v1)
        ));
    }
    let mut metrics: Vec<MetricKey> = faster.iter().map(|&m| MetricKey::Dora(m)).collect();
    metrics.extend(worse.iter().map(|(m, _, _)| MetricKey::Team(m.name.clone())));
    let explanation = format!(
        "{} between {} and {}, while {} in {}. Speed and quality are measured apart: a gain in one can hide a cost \
         in the other.",
        capitalised(&speed_words.join(" and ")),
        base.span(series).label(),
        rise.span(series).label(),
        quality_words.join(" and "),
        later.span(series).label(),
    );
    let first_quality = worse.first().map(|(m, _, _)| words(&MetricKey::Team(m.name.clone())));
    Signal {
        kind: SignalKind::QualityPairedWithSpeed,
        pattern: None,
        span: Span::of(series, base.range.start..later.range.end.max(rise.range.end)),
        metrics,
        observations,
        intended_change: None,
        explanation,
        question: format!(
            "What are the people who use our work experiencing as we speed up, and what would keep {} from paying \
             for the speed?",
            first_quality.unwrap_or_default()
        ),
    }
}
