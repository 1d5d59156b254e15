//! A source that is read whole on every import (a git history): its rows are upserted
//! like a file's, and the rows it stored before but no longer yields are stale. They are
//! counted, and deleted on request, in the same transaction.

use super::StoreError;
use super::events::{self, LoadReport};
use super::links::{DeploymentIndex, Link};
use crate::domain::{Change, Deployment, TeamId, Timestamp};
use rusqlite::{Connection, params};
use rustc_hash::FxHashSet as HashSet;
use std::convert::Infallible;

/// How to load one snapshot of a source.
#[derive(Debug, Clone, Default)]
pub struct SnapshotOptions {
    /// The source's key (`git:github.com/acme/shop`).
    pub source: String,
    /// Older keys of the same source whose rows it takes over (rewritten to `source`).
    pub adopt: Vec<String>,
    /// Delete the stale rows instead of only counting them.
    pub prune: bool,
}

/// What loading a snapshot did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct SnapshotReport {
    pub deployments: LoadReport,
    pub changes: LoadReport,
    /// Deployments taken over from the older keys.
    pub adopted: u64,
    /// The source's deployments and changes that this snapshot no longer holds: deleted
    /// when `pruned`, else left in the store.
    pub stale_deployments: u64,
    pub stale_changes: u64,
    pub pruned: bool,
}

pub(super) fn load(
    conn: &Connection,
    team: TeamId,
    deployments: &[Deployment],
    changes: &[Change],
    options: &SnapshotOptions,
    declared: Option<(Timestamp, Timestamp)>,
) -> Result<SnapshotReport, StoreError> {
    let source = options.source.as_str();
    let mut report = SnapshotReport { pruned: options.prune, ..Default::default() };
    for old in &options.adopt {
        report.adopted += conn.execute(
            "UPDATE deployments SET source = ?3 WHERE team_id = ?1 AND source = ?2",
            params![team.0, old, source],
        )? as u64;
        conn.execute(
            "UPDATE changes SET source = ?3 WHERE team_id = ?1 AND source = ?2",
            params![team.0, old, source],
        )?;
    }
    let infallible = |e: super::LoadFailure<Infallible>| StoreError::from(e);
    report.deployments =
        events::load_deployments(conn, team, deployments.iter().map(Ok::<_, Infallible>), source, declared)
            .map_err(infallible)?;
    report.changes =
        events::load_changes(conn, team, changes.iter().map(Ok::<_, Infallible>), source).map_err(infallible)?;

    let keep: HashSet<&str> = deployments.iter().map(|d| d.external_id.as_str()).collect();
    let stale_deployments =
        stale(conn, "SELECT id, external_id FROM deployments WHERE team_id = ?1 AND source = ?2", team, source, &keep)?;
    let keep: HashSet<&str> = changes.iter().map(|c| c.external_id.as_str()).collect();
    let stale_changes =
        stale(conn, "SELECT id, external_id FROM changes WHERE team_id = ?1 AND source = ?2", team, source, &keep)?;
    report.stale_deployments = stale_deployments.len() as u64;
    report.stale_changes = stale_changes.len() as u64;
    if options.prune && !(stale_deployments.is_empty() && stale_changes.is_empty()) {
        delete(conn, team, &stale_deployments, &stale_changes)?;
    }
    Ok(report)
}

/// Row ids of the source's rows whose external id is not in `keep`.
fn stale(
    conn: &Connection,
    sql: &str,
    team: TeamId,
    source: &str,
    keep: &HashSet<&str>,
) -> Result<Vec<i64>, StoreError> {
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query(params![team.0, source])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let external_id = row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
        if !keep.contains(external_id) {
            out.push(row.get(0)?);
        }
    }
    Ok(out)
}

/// Deletes deployments and changes, then moves what was linked to a deleted deployment:
/// a change that names it waits for it again, a change that names none ships with the
/// next production deployment, and an incident that names it waits (its reference is
/// cleared by the foreign key).
fn delete(conn: &Connection, team: TeamId, deployments: &[i64], changes: &[i64]) -> Result<(), StoreError> {
    let mut delete_change = conn.prepare_cached("DELETE FROM changes WHERE id = ?1")?;
    for id in changes {
        delete_change.execute([id])?;
    }
    if deployments.is_empty() {
        return Ok(());
    }
    let mut delete_deployment = conn.prepare_cached("DELETE FROM deployments WHERE id = ?1")?;
    for id in deployments {
        delete_deployment.execute([id])?;
    }
    let gone: HashSet<i64> = deployments.iter().copied().collect();
    let index = DeploymentIndex::load(conn, team)?;
    let mut select = conn.prepare(
        "SELECT id, deployment_ref, deployment_external_id IS NOT NULL, committed_at, service FROM changes
         WHERE team_id = ?1 AND deployment_ref IS NOT NULL",
    )?;
    let mut update = conn.prepare_cached("UPDATE changes SET deployment_ref = ?2, deployed_at = ?3 WHERE id = ?1")?;
    let mut rows = select.query([team.0])?;
    while let Some(row) = rows.next()? {
        if !gone.contains(&row.get::<_, i64>(1)?) {
            continue;
        }
        let named: bool = row.get(2)?;
        let link = if named {
            Link::default()
        } else {
            index.link_unnamed(row.get(3)?, row.get::<_, Option<String>>(4)?.as_deref())
        };
        update.execute(params![row.get::<_, i64>(0)?, link.deployment_ref, link.deployed_at])?;
    }
    events::relink_incidents_by_time(conn, team, &index)?;
    Ok(())
}
