//! Possible metric gaming, worded about the system: deployments that ship nothing, more
//! and thinner deployments, incidents closed within minutes again and again.

use super::instability::frequency_rise;
use super::{
    GamingPattern, Observation, Reading, Signal, SignalInput, SignalKind, Span, Thresholds, episodes, say_relative,
};
use crate::domain::{DeployKind, DoraMetric, MetricKey, Unit, in_words};
use std::ops::Range;

pub(super) fn detect(input: &SignalInput<'_>, t: &Thresholds) -> Vec<Signal> {
    let mut signals = without_changes(input, t);
    signals.extend(thinner(input, t));
    signals.extend(quick_closures(input, t));
    signals
}

/// Per period: production deployments (rollbacks aside, which redeploy what shipped
/// before) and how many of them shipped no change.
fn empty_counts(input: &SignalInput<'_>) -> Vec<(u64, u64)> {
    let events = input.events;
    // Changes know the time of the deployment that shipped them, not its id: a
    // deployment shipped something when a change reached production at its instant.
    let shipped: Vec<i64> = events.changes.iter().map(|c| c.deployed_at).collect();
    input
        .series
        .iter()
        .map(|p| {
            let period = &p.period;
            let first = events.deployments.partition_point(|d| d.deployed_at < period.start);
            let end = events.deployments.partition_point(|d| d.deployed_at < period.end);
            let considered =
                events.deployments[first..end].iter().filter(|d| d.production && d.kind != DeployKind::Rollback);
            let (mut total, mut empty) = (0, 0);
            for d in considered {
                total += 1;
                if shipped.binary_search(&d.deployed_at).is_err() {
                    empty += 1;
                }
            }
            (total, empty)
        })
        .collect()
}

/// Runs of consecutive periods for which `hit` holds.
fn runs(hits: &[bool]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < hits.len() {
        if hits[i] {
            let start = i;
            while i < hits.len() && hits[i] {
                i += 1;
            }
            out.push(start..i);
        } else {
            i += 1;
        }
    }
    out
}

/// Runs of consecutive periods whose `(whole, part)` counts have `part` at least `min`
/// and at least `share` of `whole`: each run's span and its summed counts.
fn share_runs(input: &SignalInput<'_>, counts: &[(u64, u64)], min: u64, share: f64) -> Vec<(Span, u64, u64)> {
    let hits: Vec<bool> =
        counts.iter().map(|&(whole, part)| part >= min && part as f64 >= share * whole as f64).collect();
    runs(&hits)
        .into_iter()
        .map(|range| {
            let span = Span::of(input.series, range.clone());
            let (whole, part) = counts[range].iter().fold((0, 0), |(w, p), &(w1, p1)| (w + w1, p + p1));
            (span, whole, part)
        })
        .collect()
}

/// A count over `span`, with nothing before it to compare.
fn count(key: &str, unit: &str, value: u64, span: &Span) -> Observation {
    Observation {
        key: key.into(),
        unit: Unit::Custom(unit.into()),
        before: None,
        after: Reading { value: value as f64, span: span.clone() },
    }
}

fn without_changes(input: &SignalInput<'_>, t: &Thresholds) -> Vec<Signal> {
    // A team that records no changes would see every deployment as empty.
    let records_changes = input.series.iter().any(|p| p.dora.get(DoraMetric::ChangeLeadTime).count > 0);
    if !records_changes {
        return Vec::new();
    }
    share_runs(input, &empty_counts(input), t.empty_min, t.empty_share)
        .into_iter()
        .map(|(span, total, empty)| Signal {
            kind: SignalKind::PossibleMetricGaming,
            pattern: Some(GamingPattern::DeploymentsWithoutChanges),
            metrics: vec![MetricKey::Dora(DoraMetric::DeploymentFrequency)],
            observations: vec![
                count("deployments_without_changes", "deployments", empty, &span),
                count("production_deployments", "deployments", total, &span),
            ],
            intended_change: None,
            explanation: format!(
                "{empty} of {total} production deployments in {} shipped no change (rollbacks not counted). \
                     A deployment that ships nothing raises deployment frequency without delivering anything: \
                     it may be a retry or a configuration push, or a sign that the count itself is being rewarded.",
                span.label()
            ),
            question: "What makes the deployment count attractive to raise for its own sake here, and what \
                           would we rather it reflect?"
                .into(),
            span,
        })
        .collect()
}

fn thinner(input: &SignalInput<'_>, t: &Thresholds) -> Vec<Signal> {
    let series = input.series;
    let freq = DoraMetric::DeploymentFrequency;
    episodes(
        input,
        t,
        |base, rise| {
            let ratio = frequency_rise(input, base, rise, t.min_deployments, t.thinner_rise)?;
            let (c0, c1) = (base.changes_per_deployment()?, rise.changes_per_deployment()?);
            (c0 > 0.0 && c1 <= c0 * (1.0 - t.thinner_drop)).then_some(ratio)
        },
        |base, rise| {
            let (f0, f1) = (base.value(freq)?, rise.value(freq)?);
            let (c0, c1) = (base.changes_per_deployment()?, rise.changes_per_deployment()?);
            Some(Signal {
                kind: SignalKind::PossibleMetricGaming,
                pattern: Some(GamingPattern::ThinnerDeployments),
                span: Span::of(series, base.range.start..rise.range.end),
                metrics: vec![MetricKey::Dora(freq)],
                observations: vec![
                    Observation {
                        key: freq.key().into(),
                        unit: freq.unit(),
                        before: Some(base.reading(series, f0)),
                        after: rise.reading(series, f1),
                    },
                    Observation {
                        key: "changes_per_deployment".into(),
                        unit: Unit::Custom("changes".into()),
                        before: Some(base.reading(series, c0)),
                        after: rise.reading(series, c1),
                    },
                ],
                intended_change: None,
                explanation: format!(
                    "Deployments rose from {} to {} ({}) between {} and {}, while changes per deployment fell \
                     from {c0:.1} to {c1:.1} ({}). Smaller batches are often good practice; together these can \
                     also mean the same work split up to lift the deployment count.",
                    in_words(f0, &freq.unit()),
                    in_words(f1, &freq.unit()),
                    say_relative(f0, f1),
                    base.span(series).label(),
                    rise.span(series).label(),
                    say_relative(c0, c1),
                ),
                question: "What makes the deployment count attractive to lift here, and does the work we deliver \
                           tell the same story?"
                    .into(),
            })
        },
    )
}

/// Per period: resolved failures (incidents caused by a production deployment,
/// resolved in the period) and those closed within minutes with no follow-up.
///
/// A quick close counts only once its follow-up window has passed within the days the
/// deployments are known for: one closed an hour before they end may still get its hotfix.
fn closure_counts(input: &SignalInput<'_>, t: &Thresholds) -> Vec<(u64, u64)> {
    let events = input.events;
    let known_until = events.coverage.deployments.end().unwrap_or(i64::MIN);
    let rework: Vec<i64> =
        events.deployments.iter().filter(|d| d.production && d.kind.is_rework()).map(|d| d.deployed_at).collect();
    let followed_up = |from: i64, to: i64| {
        let i = rework.partition_point(|&at| at < from);
        rework.get(i).is_some_and(|&at| at <= to)
    };
    input
        .series
        .iter()
        .map(|p| {
            let (mut resolved, mut quick) = (0, 0);
            for i in events.incidents.iter().filter(|i| i.caused_by_production_deployment) {
                let Some(r) = i.resolved_at.filter(|&r| p.period.contains(r)) else {
                    continue;
                };
                resolved += 1;
                let window_end = r.saturating_add(t.follow_up_secs);
                if r - i.started_at <= t.quick_resolution_secs
                    && window_end <= known_until
                    && !followed_up(i.started_at, window_end)
                {
                    quick += 1;
                }
            }
            (resolved, quick)
        })
        .collect()
}

fn quick_closures(input: &SignalInput<'_>, t: &Thresholds) -> Vec<Signal> {
    let minutes = t.quick_resolution_secs / 60;
    let hours = t.follow_up_secs / 3600;
    share_runs(input, &closure_counts(input, t), t.quick_min, t.quick_share)
        .into_iter()
        .map(|(span, resolved, quick)| Signal {
            kind: SignalKind::PossibleMetricGaming,
            pattern: Some(GamingPattern::QuickIncidentClosures),
            metrics: vec![MetricKey::Dora(DoraMetric::RecoveryTime)],
            observations: vec![
                count("quick_incident_closures", "incidents", quick, &span),
                count("resolved_failures", "incidents", resolved, &span),
            ],
            intended_change: None,
            explanation: format!(
                "{quick} of {resolved} incidents caused by deployments and resolved in {} were closed within \
                     {minutes} minutes, with no hotfix, rollback or fix forward within {hours} hours. Quick closes \
                     with no follow-up keep recovery time low; they may be noisy alerts, or incidents closed \
                     early because the number is watched.",
                span.label()
            ),
            question: "What makes a low recovery time attractive to reach by closing incidents quickly, and \
                           what follow-up would tell us they were really resolved?"
                .into(),
            span,
        })
        .collect()
}
