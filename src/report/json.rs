use crate::domain::{DoraMetric, format_timestamp};
use crate::metrics::PeriodMetrics;
use crate::query::MetricTable;
use serde_json::{Map, Value, json};

/// Version of the JSON shape; bumped on any change that could break a consumer.
pub const SCHEMA: &str = "retro.metrics/1";

/// The documented JSON shape of `retro metrics --format json`.
pub fn to_json(table: &MetricTable) -> Value {
    json!({
        "schema": SCHEMA,
        "team": table.team.name,
        "utc_offset": table.team.utc_offset.to_string(),
        "period": table.period_kind(),
        "periods": table.periods.iter().map(|p| period_json(table, p)).collect::<Vec<_>>(),
        "diagnostics": table.diagnostics,
    })
}

fn period_json(table: &MetricTable, p: &PeriodMetrics) -> Value {
    let offset = table.team.utc_offset;
    let mut metrics = Map::new();
    for m in DoraMetric::ALL {
        let v = p.dora.get(m);
        // Outside the data's coverage a count is as unknown as the value.
        let count = (p.covers(m) || v.source.is_some()).then_some(v.count);
        let mut entry = json!({
            "value": v.value,
            "unit": m.unit().as_str(),
            "count": count,
            "source": v.source,
        });
        if m == DoraMetric::DeploymentFrequency {
            entry["per_week"] = json!(p.deployments_per_week());
        }
        metrics.insert(m.key().to_owned(), entry);
    }
    let team_metrics: Vec<Value> = table
        .team_metrics
        .iter()
        .zip(&p.team)
        .map(|(m, v)| json!({ "name": m.name, "unit": m.unit, "polarity": m.polarity.as_str(), "value": v }))
        .collect();
    json!({
        "label": p.period.label(),
        "start": format_timestamp(p.period.start, offset),
        "end": format_timestamp(p.period.end, offset),
        "days": p.period.days(),
        "partial": p.is_partial(),
        "under_way": p.period.is_partial(),
        "covered_days": p.coverage.covered_days(),
        "metrics": metrics,
        "failed_deployments": p.covers(DoraMetric::ChangeFailureRate).then_some(p.failed_deployments),
        "rework_deployments": p.covers(DoraMetric::ReworkRate).then_some(p.rework_deployments),
        "unlinked_incidents": p.covers(DoraMetric::RecoveryTime).then_some(p.unlinked_incidents),
        "team_metrics": team_metrics,
    })
}
