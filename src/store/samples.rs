//! Team-chosen metrics and per-period samples (team-chosen, or pre-aggregated DORA).

use super::StoreError;
use super::events::LoadReport;
use crate::domain::{DoraMetric, MetricKey, MetricSample, Polarity, SampleSet, TeamId, TeamMetric, TeamSamples};
use rusqlite::{Connection, params};

const COUNT: &str = "SELECT (SELECT count(*) FROM metric_samples s JOIN metric_definitions d ON d.id = s.metric_id
                             WHERE d.team_id = ?1)
                          + (SELECT count(*) FROM dora_samples WHERE team_id = ?1)";

pub(super) fn load(
    conn: &Connection,
    team: TeamId,
    definitions: &[TeamMetric],
    rows: &[MetricSample],
    source: &str,
) -> Result<LoadReport, StoreError> {
    let mut define = conn.prepare_cached(
        "INSERT INTO metric_definitions (team_id, name, unit, polarity) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (team_id, name) DO UPDATE SET unit = excluded.unit, polarity = excluded.polarity
         WHERE unit IS NOT excluded.unit OR polarity IS NOT excluded.polarity",
    )?;
    for d in definitions {
        if DoraMetric::from_key(&d.name).is_some() {
            return Err(StoreError::ReservedMetricName(d.name.clone()));
        }
        define.execute(params![team.0, d.name, d.unit, d.polarity.as_str()])?;
    }

    let before: u64 = conn.query_row(COUNT, [team.0], |r| r.get(0))?;
    let mut team_sample = conn.prepare_cached(
        "INSERT INTO metric_samples (metric_id, granularity, period, value, source)
         VALUES ((SELECT id FROM metric_definitions WHERE team_id = ?1 AND name = ?2), ?3, ?4, ?5, ?6)
         ON CONFLICT (metric_id, granularity, period) DO UPDATE SET value = excluded.value, source = excluded.source
         WHERE value IS NOT excluded.value",
    )?;
    let mut dora_sample = conn.prepare_cached(
        "INSERT INTO dora_samples (team_id, metric, granularity, period, value, source)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (team_id, metric, granularity, period) DO UPDATE SET value = excluded.value, source = excluded.source
         WHERE value IS NOT excluded.value",
    )?;
    let mut written = 0;
    for s in rows {
        let granularity = s.period.granularity.expect("samples are per week or month").as_str();
        let label = s.period.label();
        written += match &s.metric {
            MetricKey::Team(name) => team_sample.execute(params![team.0, name, granularity, label, s.value, source])?,
            MetricKey::Dora(m) => dora_sample.execute(params![team.0, m.key(), granularity, label, s.value, source])?,
        } as u64;
    }
    let after: u64 = conn.query_row(COUNT, [team.0], |r| r.get(0))?;
    Ok(LoadReport {
        inserted: after - before,
        updated: written - (after - before),
        unchanged: rows.len() as u64 - written,
    })
}

pub(super) fn definitions(conn: &Connection, team: TeamId) -> Result<Vec<TeamMetric>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT name, unit, polarity FROM metric_definitions WHERE team_id = ?1 ORDER BY id")?;
    let rows = stmt.query_map([team.0], |r| {
        let polarity: String = r.get(2)?;
        Ok(TeamMetric {
            name: r.get(0)?,
            unit: r.get(1)?,
            polarity: Polarity::parse(&polarity).unwrap_or(Polarity::HigherIsBetter),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Every team-chosen metric with all its samples.
pub(super) fn team_samples(conn: &Connection, team: TeamId) -> Result<Vec<TeamSamples>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.granularity, s.period, s.value FROM metric_samples s
         JOIN metric_definitions d ON d.id = s.metric_id
         WHERE d.team_id = ?1 AND d.name = ?2 ORDER BY s.granularity, s.period",
    )?;
    definitions(conn, team)?
        .into_iter()
        .map(|metric| {
            let values = stmt.query_map(params![team.0, metric.name], sample_row)?.collect::<Result<_, _>>()?;
            Ok(TeamSamples { metric, samples: SampleSet { values } })
        })
        .collect()
}

/// Pre-aggregated DORA values, per metric.
pub(super) fn dora_samples(conn: &Connection, team: TeamId) -> Result<Vec<(DoraMetric, SampleSet)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT granularity, period, value FROM dora_samples
         WHERE team_id = ?1 AND metric = ?2 ORDER BY granularity, period",
    )?;
    let mut out = Vec::new();
    for m in DoraMetric::ALL {
        let values: Vec<_> = stmt.query_map(params![team.0, m.key()], sample_row)?.collect::<Result<_, _>>()?;
        if !values.is_empty() {
            out.push((m, SampleSet { values }));
        }
    }
    Ok(out)
}

fn sample_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(crate::domain::Granularity, String, f64)> {
    let granularity: String = r.get(0)?;
    let granularity =
        if granularity == "month" { crate::domain::Granularity::Month } else { crate::domain::Granularity::Week };
    Ok((granularity, r.get(1)?, r.get(2)?))
}
