//! Upserts of deployments, changes and incidents, keyed by team and external id, so a
//! re-import of the same file changes nothing and a changed row updates in place.

use super::StoreError;
use super::links::{DeploymentIndex, Link, StoredDeployment};
use crate::domain::{Change, Deployment, Incident, TeamId, Timestamp};
use rusqlite::{Connection, params};

/// What one import did to the store.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct LoadReport {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
}

impl LoadReport {
    fn count(&mut self, before: u64, after: u64, written: u64, total: usize) {
        self.inserted = after - before;
        self.updated = written - self.inserted;
        self.unchanged = total as u64 - written;
    }
}

fn count_rows(conn: &Connection, sql: &str, team: TeamId) -> Result<u64, StoreError> {
    Ok(conn.query_row(sql, [team.0], |r| r.get(0))?)
}

/// A production deployment's place on a timeline, before or after an import.
struct Position {
    at: Timestamp,
    service: Option<String>,
}

pub(super) fn load_deployments(
    conn: &Connection,
    team: TeamId,
    rows: &[Deployment],
    source: &str,
) -> Result<LoadReport, StoreError> {
    let mut index = DeploymentIndex::load(conn, team)?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO deployments
             (team_id, external_id, source, deployed_at, environment, is_production, service, status, kind)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    let mut update = conn.prepare_cached(
        "UPDATE deployments SET source = ?2, deployed_at = ?3, environment = ?4, is_production = ?5,
                service = ?6, status = ?7, kind = ?8
         WHERE id = ?1",
    )?;
    let mut report = LoadReport::default();
    // Deployments whose insertion or change can move a change's link.
    let mut touched: Vec<(String, i64)> = Vec::new();
    let mut positions: Vec<Position> = Vec::new();
    let mut inserted_ids: Vec<(String, i64)> = Vec::new();

    for d in rows {
        let production = d.is_production();
        let previous = index.by_external_id.get(&d.external_id);
        let id = match previous {
            Some(p)
                if p.deployed_at == d.deployed_at
                    && p.environment == d.environment
                    && p.service == d.service
                    && p.status == d.status
                    && p.kind == d.kind =>
            {
                report.unchanged += 1;
                continue;
            }
            Some(p) => {
                let id = p.id;
                if p.production {
                    positions.push(Position {
                        at: p.deployed_at,
                        service: p.service.clone(),
                    });
                }
                update.execute(params![
                    id,
                    source,
                    d.deployed_at,
                    d.environment,
                    production,
                    d.service,
                    d.status.as_str(),
                    d.kind.as_str()
                ])?;
                report.updated += 1;
                id
            }
            None => {
                insert.execute(params![
                    team.0,
                    d.external_id,
                    source,
                    d.deployed_at,
                    d.environment,
                    production,
                    d.service,
                    d.status.as_str(),
                    d.kind.as_str()
                ])?;
                report.inserted += 1;
                let id = conn.last_insert_rowid();
                inserted_ids.push((d.external_id.clone(), id));
                id
            }
        };
        if production {
            positions.push(Position {
                at: d.deployed_at,
                service: d.service.clone(),
            });
        }
        touched.push((d.external_id.clone(), id));
        index.by_external_id.insert(
            d.external_id.clone(),
            StoredDeployment {
                id,
                deployed_at: d.deployed_at,
                environment: d.environment.clone(),
                production,
                service: d.service.clone(),
                status: d.status,
                kind: d.kind,
            },
        );
    }
    if touched.is_empty() {
        return Ok(report);
    }
    index.rebuild_timeline();
    relink_named_changes(conn, team, &index, &touched)?;
    relink_unnamed_changes(conn, team, &index, &positions)?;
    link_incidents(conn, team, &inserted_ids)?;
    Ok(report)
}

/// Changes that name one of the `touched` deployments take its new time and environment.
fn relink_named_changes(
    conn: &Connection,
    team: TeamId,
    index: &DeploymentIndex,
    touched: &[(String, i64)],
) -> Result<(), StoreError> {
    let any_named: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM changes WHERE team_id = ?1 AND deployment_external_id IS NOT NULL)",
        [team.0],
        |r| r.get(0),
    )?;
    if !any_named {
        return Ok(());
    }
    let mut relink = conn.prepare_cached(
        "UPDATE changes
         SET deployment_ref = ?3,
             deployed_at = CASE WHEN ?4 AND ?5 >= committed_at THEN ?5 END
         WHERE team_id = ?1 AND deployment_external_id = ?2
           AND (deployment_ref IS NOT ?3
                OR deployed_at IS NOT CASE WHEN ?4 AND ?5 >= committed_at THEN ?5 END)",
    )?;
    for (external_id, id) in touched {
        let d = &index.by_external_id[external_id];
        relink.execute(params![team.0, external_id, id, d.production, d.deployed_at])?;
    }
    Ok(())
}

/// Changes that name no deployment and were committed where a touched deployment sits
/// on (or left) a production timeline may now ship with a different deployment.
fn relink_unnamed_changes(
    conn: &Connection,
    team: TeamId,
    index: &DeploymentIndex,
    positions: &[Position],
) -> Result<(), StoreError> {
    let Some(upper) = positions.iter().map(|p| p.at).max() else {
        return Ok(());
    };
    // Commits at or before the production deployment preceding every touched position
    // (on the same timeline) ship in that deployment or earlier: unaffected.
    let lower = positions
        .iter()
        .map(|p| {
            index
                .unaffected_before(p.at, p.service.as_deref())
                .unwrap_or(Timestamp::MIN)
        })
        .min()
        .unwrap_or(Timestamp::MIN);
    let mut select = conn.prepare_cached(
        "SELECT id, committed_at, service, deployment_ref, deployed_at FROM changes
         WHERE team_id = ?1 AND deployment_external_id IS NULL AND committed_at > ?2 AND committed_at <= ?3",
    )?;
    let mut update = conn.prepare_cached("UPDATE changes SET deployment_ref = ?2, deployed_at = ?3 WHERE id = ?1")?;
    let mut rows = select.query(params![team.0, lower, upper])?;
    while let Some(row) = rows.next()? {
        let service: Option<String> = row.get(2)?;
        let current = Link {
            deployment_ref: row.get(3)?,
            deployed_at: row.get(4)?,
        };
        let link = index.link_unnamed(row.get(1)?, service.as_deref());
        if link != current {
            update.execute(params![row.get::<_, i64>(0)?, link.deployment_ref, link.deployed_at])?;
        }
    }
    Ok(())
}

/// Incidents that named a deployment before it was imported now point at it.
fn link_incidents(conn: &Connection, team: TeamId, inserted: &[(String, i64)]) -> Result<(), StoreError> {
    let any_waiting: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM incidents
                        WHERE team_id = ?1 AND deployment_external_id IS NOT NULL AND deployment_ref IS NULL)",
        [team.0],
        |r| r.get(0),
    )?;
    if !any_waiting {
        return Ok(());
    }
    let mut link = conn.prepare_cached(
        "UPDATE incidents SET deployment_ref = ?3
         WHERE team_id = ?1 AND deployment_external_id = ?2 AND deployment_ref IS NULL",
    )?;
    for (external_id, id) in inserted {
        link.execute(params![team.0, external_id, id])?;
    }
    Ok(())
}

pub(super) fn load_changes(
    conn: &Connection,
    team: TeamId,
    rows: &[Change],
    source: &str,
) -> Result<LoadReport, StoreError> {
    const COUNT: &str = "SELECT count(*) FROM changes WHERE team_id = ?1";
    let index = DeploymentIndex::load(conn, team)?;
    let before = count_rows(conn, COUNT, team)?;
    let mut upsert = conn.prepare_cached(
        "INSERT INTO changes
             (team_id, external_id, source, committed_at, deployment_external_id, service, deployment_ref, deployed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (team_id, external_id) DO UPDATE SET
             source = excluded.source, committed_at = excluded.committed_at,
             deployment_external_id = excluded.deployment_external_id, service = excluded.service,
             deployment_ref = excluded.deployment_ref, deployed_at = excluded.deployed_at
         WHERE committed_at IS NOT excluded.committed_at
            OR deployment_external_id IS NOT excluded.deployment_external_id
            OR service IS NOT excluded.service
            OR deployment_ref IS NOT excluded.deployment_ref
            OR deployed_at IS NOT excluded.deployed_at",
    )?;
    let mut written = 0;
    for c in rows {
        let link = match &c.deployment_id {
            Some(named) => index.link_named(named, c.committed_at),
            None => index.link_unnamed(c.committed_at, c.service.as_deref()),
        };
        written += upsert.execute(params![
            team.0,
            c.external_id,
            source,
            c.committed_at,
            c.deployment_id,
            c.service,
            link.deployment_ref,
            link.deployed_at
        ])? as u64;
    }
    let mut report = LoadReport::default();
    report.count(before, count_rows(conn, COUNT, team)?, written, rows.len());
    Ok(report)
}

pub(super) fn load_incidents(
    conn: &Connection,
    team: TeamId,
    rows: &[Incident],
    source: &str,
) -> Result<LoadReport, StoreError> {
    const COUNT: &str = "SELECT count(*) FROM incidents WHERE team_id = ?1";
    let index = DeploymentIndex::load(conn, team)?;
    let before = count_rows(conn, COUNT, team)?;
    let mut upsert = conn.prepare_cached(
        "INSERT INTO incidents
             (team_id, external_id, source, started_at, resolved_at, deployment_external_id, deployment_ref)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (team_id, external_id) DO UPDATE SET
             source = excluded.source, started_at = excluded.started_at, resolved_at = excluded.resolved_at,
             deployment_external_id = excluded.deployment_external_id, deployment_ref = excluded.deployment_ref
         WHERE started_at IS NOT excluded.started_at
            OR resolved_at IS NOT excluded.resolved_at
            OR deployment_external_id IS NOT excluded.deployment_external_id
            OR deployment_ref IS NOT excluded.deployment_ref",
    )?;
    let mut written = 0;
    for i in rows {
        let deployment_ref = i
            .deployment_id
            .as_ref()
            .and_then(|named| index.by_external_id.get(named))
            .map(|d| d.id);
        written += upsert.execute(params![
            team.0,
            i.external_id,
            source,
            i.started_at,
            i.resolved_at,
            i.deployment_id,
            deployment_ref
        ])? as u64;
    }
    let mut report = LoadReport::default();
    report.count(before, count_rows(conn, COUNT, team)?, written, rows.len());
    Ok(report)
}
