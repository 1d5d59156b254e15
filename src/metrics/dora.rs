use super::coverage::{Covered, PeriodCoverage};
use super::median::median;
use super::team::team_values;
use super::{DoraValues, MetricValue, PeriodMetrics};
use crate::domain::{DoraMetric, EventSet, Period, Timestamp};

const HOUR: f64 = 3600.0;

/// Computes every metric for each of `periods` (sorted, not overlapping) from `events`.
pub fn compute(events: &EventSet, periods: &[Period]) -> Vec<PeriodMetrics> {
    debug_assert_sorted(events);
    let mut scratch = Vec::new();
    periods.iter().map(|p| period_metrics(events, p, &mut scratch, None)).collect()
}

/// [`compute`], with the periods' lead times sorted once for the signals in them
/// ([`super::signals::SignalInput::with_lead_times`]): each period's median is then read
/// from its sorted list rather than collected and selected a second time. The lead
/// times are `None` unless the periods are consecutive.
pub fn compute_sorted(events: &EventSet, periods: &[Period]) -> (Vec<PeriodMetrics>, Option<super::LeadTimes>) {
    debug_assert_sorted(events);
    let Some(lead_times) = super::LeadTimes::of(events, periods) else {
        return (compute(events, periods), None);
    };
    let series =
        periods.iter().enumerate().map(|(i, p)| compute_knowing_lead_time(events, p, lead_times.median(i..i + 1)));
    (series.collect(), Some(lead_times))
}

/// Incidents are read by start ([`period_metrics`]): checked once where the metrics are
/// computed from a set, not for each of the dozens of windows the signals read of it.
fn debug_assert_sorted(events: &EventSet) {
    debug_assert!(events.incidents.is_sorted_by_key(|i| i.started_at), "incidents are sorted by start");
}

/// [`compute`] of one `period` whose lead time is already known: `(changes, median
/// seconds)`, as [`super::LeadTimes`] gives it for a run of periods.
pub(crate) fn compute_knowing_lead_time(events: &EventSet, period: &Period, lead: (u64, Option<f64>)) -> PeriodMetrics {
    period_metrics(events, period, &mut Vec::new(), Some(lead))
}

/// The lead times (seconds) of the changes that reached production in `period` on the
/// days it is measured over.
pub(super) fn lead_times(events: &EventSet, period: &Period) -> Vec<i64> {
    let mut values = Vec::new();
    collect_lead_times(events, period, &PeriodCoverage::of(&events.coverage, period), &mut values);
    values
}

fn collect_lead_times(events: &EventSet, period: &Period, coverage: &PeriodCoverage, out: &mut Vec<i64>) {
    // A change belongs to the period of the deployment that shipped it.
    let covered = coverage.spans(DoraMetric::ChangeLeadTime);
    out.clear();
    out.extend(
        within(&events.changes, period, |c| c.deployed_at)
            .iter()
            .filter(|c| covered.contains(c.deployed_at))
            .map(|c| c.deployed_at - c.committed_at),
    );
}

/// The events of a time-sorted slice that fall in `period`.
fn within<'a, T>(sorted: &'a [T], period: &Period, at: impl Fn(&T) -> Timestamp) -> &'a [T] {
    let first = sorted.partition_point(|e| at(e) < period.start);
    let end = sorted.partition_point(|e| at(e) < period.end);
    &sorted[first..end]
}

fn period_metrics(
    events: &EventSet,
    period: &Period,
    scratch: &mut Vec<i64>,
    known_lead: Option<(u64, Option<f64>)>,
) -> PeriodMetrics {
    // Each metric counts only what falls on the days its events are known for; outside
    // them it has no data (the rule and its reasons are in `coverage`).
    let coverage = PeriodCoverage::of(&events.coverage, period);
    let covers = |m: DoraMetric, t: Timestamp| coverage.spans(m).contains(t);
    let known = |m: DoraMetric| coverage.state(m) != Covered::None;
    let deployments = within(&events.deployments, period, |d| d.deployed_at);
    // The production deployments each rate counts, in one pass (signals compute dozens
    // of windows of up to 50,000 deployments).
    let (mut deployed, mut judged, mut failed, mut reworkable, mut rework) = (0u64, 0u64, 0u64, 0u64, 0u64);
    for d in deployments.iter().filter(|d| d.production) {
        deployed += u64::from(covers(DoraMetric::DeploymentFrequency, d.deployed_at));
        if covers(DoraMetric::ChangeFailureRate, d.deployed_at) {
            judged += 1;
            failed += u64::from(d.status.is_failure() || d.caused_incident);
        }
        if covers(DoraMetric::ReworkRate, d.deployed_at) {
            reworkable += 1;
            rework += u64::from(d.kind.is_rework());
        }
    }
    let frequency = known(DoraMetric::DeploymentFrequency)
        .then(|| deployed as f64 / coverage.days(DoraMetric::DeploymentFrequency));
    // 0 of 0 is no data, never 0 %.
    let rate = |n: u64, of: u64| (of > 0).then(|| 100.0 * n as f64 / of as f64);

    let (changes, lead_seconds) = known_lead.unwrap_or_else(|| {
        collect_lead_times(events, period, &coverage, scratch);
        (scratch.len() as u64, median(scratch))
    });
    let lead_time = lead_seconds.map(|s| s / HOUR);

    // A recovery belongs to the period in which the incident was resolved; open
    // incidents and incidents not caused by a production deployment stay out.
    // Incidents are sorted by start and none is resolved before it started, so those
    // that started before the period ends hold every one started or resolved in it.
    let incidents = &events.incidents[..events.incidents.partition_point(|i| i.started_at < period.end)];
    scratch.clear();
    scratch.extend(incidents.iter().filter(|i| i.caused_by_production_deployment).filter_map(|i| {
        i.resolved_at.filter(|&r| period.contains(r) && covers(DoraMetric::RecoveryTime, r)).map(|r| r - i.started_at)
    }));
    let recoveries = scratch.len() as u64;
    let recovery = median(scratch).map(|s| s / HOUR);

    let unlinked_incidents = within(&events.incidents, period, |i| i.started_at)
        .iter()
        .filter(|i| !i.caused_by_production_deployment)
        .filter(|i| coverage.incidents_known(i.started_at))
        .count() as u64;

    let mut dora = DoraValues::default();
    dora.set(DoraMetric::DeploymentFrequency, MetricValue::events(frequency, deployed));
    dora.set(DoraMetric::ChangeLeadTime, MetricValue::events(lead_time, changes));
    dora.set(DoraMetric::ChangeFailureRate, MetricValue::events(rate(failed, judged), judged));
    dora.set(DoraMetric::RecoveryTime, MetricValue::events(recovery, recoveries));
    dora.set(DoraMetric::ReworkRate, MetricValue::events(rate(rework, reworkable), reworkable));

    // Values imported from another tool stand in for periods without raw events.
    let raw_events = !deployments.is_empty()
        || incidents.iter().any(|i| period.contains(i.started_at) || i.resolved_at.is_some_and(|r| period.contains(r)));
    if let (false, Some(granularity)) = (raw_events, period.granularity) {
        let label = period.label();
        for (metric, samples) in &events.dora_samples {
            if let Some(v) = samples.get(granularity, &label) {
                dora.set(*metric, MetricValue::imported(v));
            }
        }
    }

    PeriodMetrics {
        period: period.clone(),
        dora,
        failed_deployments: failed,
        rework_deployments: rework,
        unlinked_incidents,
        team: team_values(&events.team_metrics, period),
        coverage,
    }
}
