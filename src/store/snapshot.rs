//! A source that is read whole on every import (a git history): its rows are upserted
//! like a file's, and the rows it stored before but no longer yields are stale. They are
//! counted, and deleted on request, in the same transaction.
//!
//! A load can be sealed: the source's note (what it read, and what it reported) is kept
//! with a digest of the rows the load left. A later import that reads the same thing
//! can then ask whether those rows are still exactly as left, and skip the load.

use super::StoreError;
use super::coverage::{self, Extent};
use super::cursors;
use super::events::{self, LoadReport};
use super::links::{DeploymentIndex, Link};
use crate::domain::{Change, CoverageKind, Deployment, TeamId, Timestamp};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, params};
use rustc_hash::FxHashSet as HashSet;
use std::convert::Infallible;
use std::hash::{Hash, Hasher};

/// What one read of such a source holds: its deployments, few, and its changes, as
/// many as a history has commits, written out on demand rather than held.
pub trait Snapshot {
    fn deployments(&self) -> &[Deployment];
    /// Every change, each once.
    fn changes(&self) -> impl Iterator<Item = Change> + '_;
    /// Whether a change with this external id is among [`Snapshot::changes`].
    fn holds_change(&self, external_id: &str) -> bool;
}

/// How to load one snapshot of a source.
#[derive(Debug, Clone, Default)]
pub struct SnapshotOptions {
    /// The source's key (`git:github.com/acme/shop`).
    pub source: String,
    /// Older keys of the same source whose rows it takes over (rewritten to `source`).
    pub adopt: Vec<String>,
    /// Delete the stale rows instead of only counting them.
    pub prune: bool,
    /// Kept with a digest of the source's rows when the load leaves exactly the
    /// snapshot's rows under `source`: see [`reuse`].
    pub seal: Option<String>,
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
    snapshot: &impl Snapshot,
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
    // Rows this load inserts come from the snapshot, so only those from before can be
    // stale: a first import of a million changes need not look each one up again.
    let before = |table: &str| -> Result<i64, StoreError> {
        Ok(conn.query_row(&format!("SELECT coalesce(max(id), 0) FROM {table}"), [], |r| r.get(0))?)
    };
    let (deployments_before, changes_before) = (before("deployments")?, before("changes")?);
    let infallible = |e: super::LoadFailure<Infallible>| StoreError::from(e);
    report.deployments = events::load_deployments(
        conn,
        team,
        snapshot.deployments().iter().map(Ok::<_, Infallible>),
        source,
        declared,
        events::KINDS_KNOWN,
    )
    .map_err(infallible)?;
    report.changes =
        events::load_changes(conn, team, snapshot.changes().map(Ok::<_, Infallible>), source).map_err(infallible)?;

    let keep: HashSet<&str> = snapshot.deployments().iter().map(|d| d.external_id.as_str()).collect();
    let stale_deployments = stale(
        conn,
        "SELECT id, external_id FROM deployments WHERE team_id = ?1 AND source = ?2 AND id <= ?3",
        (team, source, deployments_before),
        |id| keep.contains(id),
    )?;
    let stale_changes = stale(
        conn,
        "SELECT id, external_id FROM changes WHERE team_id = ?1 AND source = ?2 AND id <= ?3",
        (team, source, changes_before),
        |id| snapshot.holds_change(id),
    )?;
    report.stale_deployments = stale_deployments.len() as u64;
    report.stale_changes = stale_changes.len() as u64;
    let no_stale = stale_deployments.is_empty() && stale_changes.is_empty();
    if options.prune && !no_stale {
        delete(conn, team, &stale_deployments, &stale_changes)?;
    }
    cursors::clear(conn, team, source, SEAL)?;
    if let Some(note) = options.seal.as_ref().filter(|_| no_stale || options.prune) {
        // Rows of the snapshot stored under another source (a commit two repositories
        // share) are outside the digest: no seal then.
        let digest = Digest::of(conn, team, source)?;
        let total = |r: LoadReport| r.inserted + r.updated + r.unchanged;
        if (digest.deployments, digest.changes) == (total(report.deployments), total(report.changes)) {
            cursors::set(conn, team, source, SEAL, &format!("{digest}\n{note}"))?;
        }
    }
    Ok(report)
}

/// The cursor item that holds a sealed load's digest and note.
const SEAL: &str = "snapshot";

/// How many deployments and changes a source holds in a team, and a sum of a hash of
/// each row (its row id and every column): any insert, update or delete changes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Digest {
    deployments: u64,
    changes: u64,
    sums: [u64; 2],
}

impl Digest {
    fn of(conn: &Connection, team: TeamId, source: &str) -> Result<Self, StoreError> {
        let mut counts = [0u64; 2];
        let mut sums = [0u64; 2];
        let tables = [
            "SELECT id, external_id, deployed_at, environment, is_production, service, status, kind
               FROM deployments WHERE team_id = ?1 AND source = ?2",
            "SELECT id, external_id, committed_at, deployment_external_id, service, deployment_ref, deployed_at
               FROM changes WHERE team_id = ?1 AND source = ?2",
        ];
        for (k, sql) in tables.into_iter().enumerate() {
            let mut stmt = conn.prepare(sql)?;
            let columns = stmt.column_count();
            let mut rows = stmt.query(params![team.0, source])?;
            while let Some(row) = rows.next()? {
                // SipHash with fixed keys: the same on every run of one build.
                let mut h = std::hash::DefaultHasher::new();
                for i in 0..columns {
                    match row.get_ref(i)? {
                        ValueRef::Null => 0u8.hash(&mut h),
                        ValueRef::Integer(v) => (1u8, v).hash(&mut h),
                        ValueRef::Real(v) => (2u8, v.to_bits()).hash(&mut h),
                        ValueRef::Text(t) | ValueRef::Blob(t) => (3u8, t).hash(&mut h),
                    }
                }
                counts[k] += 1;
                // A sum needs no order, so no sort.
                sums[k] = sums[k].wrapping_add(h.finish());
            }
        }
        Ok(Digest { deployments: counts[0], changes: counts[1], sums })
    }
}

impl std::fmt::Display for Digest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} {:016x} {:016x}", self.deployments, self.changes, self.sums[0], self.sums[1])
    }
}

/// The note of the last sealed load of `source` when the source's rows are still
/// exactly as that load left them, handed to `accept`. When `accept` takes it (it
/// returns the span of the deployments' times), the team's coverage is extended as that
/// load would have extended it, and the note is returned: loading the same snapshot
/// again would change nothing else.
pub(super) fn reuse(
    conn: &Connection,
    team: TeamId,
    source: &str,
    declared: Option<(Timestamp, Timestamp)>,
    accept: impl FnOnce(&str) -> Option<Option<(Timestamp, Timestamp)>>,
) -> Result<Option<String>, StoreError> {
    let Some(position) = cursors::get(conn, team, source, SEAL)? else {
        return Ok(None);
    };
    let Some((sealed, note)) = position.split_once('\n') else {
        return Ok(None);
    };
    if Digest::of(conn, team, source)?.to_string() != sealed {
        return Ok(None);
    }
    let Some(span) = accept(note) else {
        return Ok(None);
    };
    let mut extent = Extent::declared(declared);
    if let Some((first, last)) = span {
        extent.add(first);
        extent.add(last);
    }
    // The rework rule classified every deployment of the history.
    coverage::extend(conn, team, CoverageKind::Deployments, extent)?;
    coverage::extend(conn, team, CoverageKind::DeploymentKinds, extent)?;
    Ok(Some(note.to_owned()))
}

/// Row ids of the source's rows up to a row id whose external id `keep` does not hold.
fn stale(
    conn: &Connection,
    sql: &str,
    (team, source, up_to): (TeamId, &str, i64),
    keep: impl Fn(&str) -> bool,
) -> Result<Vec<i64>, StoreError> {
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query(params![team.0, source, up_to])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let external_id = row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
        if !keep(external_id) {
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
