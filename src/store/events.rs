//! Upserts of deployments, changes and incidents, keyed by team and external id, so a
//! re-import of the same file changes nothing and a changed row updates in place.

use super::coverage::{self, Extent};
use super::links::{DeploymentIndex, Link, StoredDeployment};
use crate::domain::{Change, CoverageKind, Deployment, Incident, TeamId, Timestamp};
use rusqlite::{Connection, params};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::borrow::Borrow;
use std::rc::Rc;

pub use super::error::{LoadFailure, StoreError};

/// What one import did to the store.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct LoadReport {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
}

/// Where the production deployments an import touched sit (before and after it), as
/// much as relinking needs: the latest time, and per service the earliest. The bound
/// below which changes are unaffected only grows with the time on one timeline, so the
/// earliest per service gives the lowest bound without keeping a position per row.
#[derive(Default)]
struct Touched {
    latest: Option<Timestamp>,
    earliest_by_service: HashMap<Option<Rc<str>>, Timestamp>,
}

impl Touched {
    fn add(&mut self, at: Timestamp, service: Option<&Rc<str>>) {
        self.latest = Some(self.latest.map_or(at, |l| l.max(at)));
        let earliest = self.earliest_by_service.entry(service.cloned()).or_insert(at);
        *earliest = (*earliest).min(at);
    }
}

/// Whether an import says which of its deployments were planned and which were rework
/// (hotfix, rollback, fix-forward). Asked at each stored deployment the import meets
/// (a source without kinds leaves its kind as it was) and once every row is read (a
/// file without rows knows its columns only then).
pub type SaysKinds<'a> = &'a dyn Fn() -> bool;

/// A source that gives every deployment's kind (a file with a `kind` column, a git
/// history read by the rework rule).
pub const KINDS_KNOWN: SaysKinds<'static> = &|| true;

/// A source whose deployments carry no kind (most tools' APIs): new ones are stored as
/// planned, stored ones keep theirs, and the days they cover gain no rework rate.
pub const KINDS_UNKNOWN: SaysKinds<'static> = &|| false;

/// Loads deployments; the days from the first to the last of them (and `declared`, a
/// span the source says it covers) join the team's coverage of deployments, and of
/// deployment kinds when `kinds` says the source gave them.
pub(super) fn load_deployments<E>(
    conn: &Connection,
    team: TeamId,
    rows: impl IntoIterator<Item = Result<impl Borrow<Deployment>, E>>,
    source: &str,
    declared: Option<(Timestamp, Timestamp)>,
    kinds: SaysKinds<'_>,
) -> Result<LoadReport, LoadFailure<E>> {
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
    let mut updated_ids: Vec<i64> = Vec::new();
    let mut touched = Touched::default();
    // The ids of new deployments, kept only when changes or incidents wait for them:
    // nothing that names a deployment can be imported while this import runs.
    let waiting = any_waiting(conn, team)?;
    let mut inserted_ids: Vec<(String, i64)> = Vec::new();
    let mut inserted_any = false;
    let mut extent = Extent::declared(declared);

    for d in rows {
        let d = d.map_err(LoadFailure::Source)?;
        let d = d.borrow();
        extent.add(d.deployed_at);
        let production = d.is_production();
        let stored = index.get(&d.external_id);
        // A source that does not say kinds leaves a stored deployment's kind as it was:
        // its `planned` is only the default.
        let kind = match &stored {
            Some(p) if !kinds() => p.attrs.kind,
            _ => d.kind,
        };
        let id = match stored {
            Some(StoredDeployment { deployed_at, attrs: p, .. })
                if deployed_at == d.deployed_at
                    && *p.environment == *d.environment
                    && p.service.as_deref() == d.service.as_deref()
                    && p.status == d.status
                    && p.kind == kind =>
            {
                report.unchanged += 1;
                continue;
            }
            Some(p) => {
                let id = p.id;
                if p.attrs.production {
                    touched.add(p.deployed_at, p.attrs.service.as_ref());
                }
                update.execute(params![
                    id,
                    source,
                    d.deployed_at,
                    d.environment,
                    production,
                    d.service,
                    d.status.as_str(),
                    kind.as_str()
                ])?;
                report.updated += 1;
                updated_ids.push(id);
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
                inserted_any = true;
                if waiting {
                    inserted_ids.push((d.external_id.clone(), id));
                }
                id
            }
        };
        index.set(
            &d.external_id,
            id,
            d.deployed_at,
            &d.environment,
            production,
            d.service.as_deref(),
            d.status,
            kind,
        )?;
        if production {
            let service = index.get(&d.external_id).and_then(|s| s.attrs.service.clone());
            touched.add(d.deployed_at, service.as_ref());
        }
    }
    coverage::extend(conn, team, CoverageKind::Deployments, extent)?;
    if kinds() {
        coverage::extend(conn, team, CoverageKind::DeploymentKinds, extent)?;
    }
    if !inserted_any && updated_ids.is_empty() {
        return Ok(report);
    }
    index.rebuild_timeline();
    link_waiting_changes(conn, team, &index, &inserted_ids)?;
    relink_changes_of_updated(conn, team, &index, &updated_ids)?;
    relink_unnamed_changes(conn, team, &index, &touched)?;
    link_incidents(conn, team, &inserted_ids)?;
    relink_incidents_by_time(conn, team, &index)?;
    Ok(report)
}

/// Whether changes or incidents name a deployment the store does not hold (yet).
fn any_waiting(conn: &Connection, team: TeamId) -> Result<bool, StoreError> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM changes
                        WHERE team_id = ?1 AND deployment_ref IS NULL AND deployment_external_id IS NOT NULL)
             OR EXISTS (SELECT 1 FROM incidents
                        WHERE team_id = ?1 AND deployment_external_id IS NOT NULL AND deployment_ref IS NULL)",
        [team.0],
        |r| r.get(0),
    )?)
}

/// Where a change naming `d` stands: deployed at `d`'s time when `d` is in production
/// and not earlier than the commit.
const NAMED_DEPLOYED_AT: &str = "CASE WHEN ?4 AND ?5 >= committed_at THEN ?5 END";

/// Changes that named a deployment before it was imported now point at it.
fn link_waiting_changes(
    conn: &Connection,
    team: TeamId,
    index: &DeploymentIndex,
    inserted: &[(String, i64)],
) -> Result<(), StoreError> {
    let any_waiting: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM changes
                        WHERE team_id = ?1 AND deployment_ref IS NULL AND deployment_external_id IS NOT NULL)",
        [team.0],
        |r| r.get(0),
    )?;
    if !any_waiting {
        return Ok(());
    }
    let mut link = conn.prepare_cached(&format!(
        "UPDATE changes SET deployment_ref = ?3, deployed_at = {NAMED_DEPLOYED_AT}
         WHERE team_id = ?1 AND deployment_external_id = ?2
           AND deployment_ref IS NULL AND deployment_external_id IS NOT NULL"
    ))?;
    for (external_id, id) in inserted {
        let d = index.get(external_id).expect("an inserted deployment is indexed");
        link.execute(params![team.0, external_id, id, d.attrs.production, d.deployed_at])?;
    }
    Ok(())
}

/// Changes that name an updated deployment follow its new time and environment. One
/// pass over the named changes: updates are rare, and an index kept only for them
/// would slow every import of changes.
fn relink_changes_of_updated(
    conn: &Connection,
    team: TeamId,
    index: &DeploymentIndex,
    updated: &[i64],
) -> Result<(), StoreError> {
    if updated.is_empty() {
        return Ok(());
    }
    let updated: HashSet<i64> = updated.iter().copied().collect();
    let by_id: HashMap<i64, StoredDeployment<'_>> =
        index.deployments().filter(|d| updated.contains(&d.id)).map(|d| (d.id, d)).collect();
    let mut select = conn.prepare_cached(
        "SELECT id, committed_at, deployment_ref, deployed_at FROM changes
         WHERE team_id = ?1 AND deployment_ref IS NOT NULL AND deployment_external_id IS NOT NULL",
    )?;
    let mut update = conn.prepare_cached("UPDATE changes SET deployed_at = ?2 WHERE id = ?1")?;
    let mut rows = select.query([team.0])?;
    while let Some(row) = rows.next()? {
        let deployment: i64 = row.get(2)?;
        let Some(d) = by_id.get(&deployment) else {
            continue;
        };
        let committed_at: Timestamp = row.get(1)?;
        let deployed_at = (d.attrs.production && d.deployed_at >= committed_at).then_some(d.deployed_at);
        if deployed_at != row.get::<_, Option<Timestamp>>(3)? {
            update.execute(params![row.get::<_, i64>(0)?, deployed_at])?;
        }
    }
    Ok(())
}

/// Changes that name no deployment and were committed where a touched deployment sits
/// on (or left) a production timeline may now ship with a different deployment.
fn relink_unnamed_changes(
    conn: &Connection,
    team: TeamId,
    index: &DeploymentIndex,
    touched: &Touched,
) -> Result<(), StoreError> {
    let Some(upper) = touched.latest else {
        return Ok(());
    };
    // Commits at or before the production deployment preceding every touched position
    // (on the same timeline) ship in that deployment or earlier: unaffected.
    let lower = touched
        .earliest_by_service
        .iter()
        .map(|(service, &at)| index.unaffected_before(at, service.as_deref()).unwrap_or(Timestamp::MIN))
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
        let current = Link { deployment_ref: row.get(3)?, deployed_at: row.get(4)? };
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

pub(super) fn load_changes<E>(
    conn: &Connection,
    team: TeamId,
    rows: impl IntoIterator<Item = Result<impl Borrow<Change>, E>>,
    source: &str,
) -> Result<LoadReport, LoadFailure<E>> {
    let index = DeploymentIndex::load(conn, team)?;
    // Insert, and only when the id exists update it: an upsert whose UPDATE touches
    // indexed columns makes SQLite journal every page per statement (3x slower).
    let mut insert = conn.prepare_cached(
        "INSERT INTO changes
             (team_id, external_id, source, committed_at, deployment_external_id, service, deployment_ref, deployed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (team_id, external_id) DO NOTHING",
    )?;
    let mut update = conn.prepare_cached(
        "UPDATE changes SET
             source = ?3, committed_at = ?4, deployment_external_id = ?5, service = ?6,
             deployment_ref = ?7, deployed_at = ?8
         WHERE team_id = ?1 AND external_id = ?2
           AND (committed_at IS NOT ?4 OR deployment_external_id IS NOT ?5 OR service IS NOT ?6
                OR deployment_ref IS NOT ?7 OR deployed_at IS NOT ?8)",
    )?;
    let mut report = LoadReport::default();
    for c in rows {
        let c = c.map_err(LoadFailure::Source)?;
        let c = c.borrow();
        let link = match &c.deployment_id {
            Some(named) => index.link_named(named, c.committed_at),
            None => index.link_unnamed(c.committed_at, c.service.as_deref()),
        };
        let values = params![
            team.0,
            c.external_id,
            source,
            c.committed_at,
            c.deployment_id,
            c.service,
            link.deployment_ref,
            link.deployed_at
        ];
        insert_or_update(&mut insert, &mut update, values, &mut report)?;
    }
    Ok(report)
}

/// Inserts a row, or updates the existing one when something differs, and counts which.
fn insert_or_update(
    insert: &mut rusqlite::CachedStatement<'_>,
    update: &mut rusqlite::CachedStatement<'_>,
    values: &[&dyn rusqlite::ToSql],
    report: &mut LoadReport,
) -> rusqlite::Result<()> {
    if insert.execute(values)? == 1 {
        report.inserted += 1;
    } else if update.execute(values)? == 1 {
        report.updated += 1;
    } else {
        report.unchanged += 1;
    }
    Ok(())
}

/// How the incidents of one import that name no deployment were linked by time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct TimeLinks {
    /// Linked to the last production deployment of their service before they started.
    pub linked: u64,
    /// No production deployment of their service before they started (yet).
    pub unlinked: u64,
}

/// The value of `incidents.link_rule` for incidents linked by time.
const BY_TIME: &str = "by_time";

/// Upserts incidents. With `by_time`, an incident that names no deployment is linked to
/// the last production deployment of its service at or before its start, and remembers
/// the rule so later deployment imports keep the link right. The days from the first
/// start to the last start or resolution (and `declared`) join the team's coverage of
/// incidents.
pub(super) fn load_incidents<E>(
    conn: &Connection,
    team: TeamId,
    rows: impl IntoIterator<Item = Result<impl Borrow<Incident>, E>>,
    source: &str,
    by_time: bool,
    declared: Option<(Timestamp, Timestamp)>,
) -> Result<(LoadReport, TimeLinks), LoadFailure<E>> {
    let index = DeploymentIndex::load(conn, team)?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO incidents
             (team_id, external_id, source, started_at, resolved_at, deployment_external_id, deployment_ref,
              service, link_rule)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (team_id, external_id) DO NOTHING",
    )?;
    let mut update = conn.prepare_cached(
        "UPDATE incidents SET
             source = ?3, started_at = ?4, resolved_at = ?5, deployment_external_id = ?6, deployment_ref = ?7,
             service = ?8, link_rule = ?9
         WHERE team_id = ?1 AND external_id = ?2
           AND (started_at IS NOT ?4 OR resolved_at IS NOT ?5 OR deployment_external_id IS NOT ?6
                OR deployment_ref IS NOT ?7 OR service IS NOT ?8 OR link_rule IS NOT ?9)",
    )?;
    let mut report = LoadReport::default();
    let mut links = TimeLinks::default();
    let mut extent = Extent::declared(declared);
    for i in rows {
        let i = i.map_err(LoadFailure::Source)?;
        let i = i.borrow();
        extent.add(i.started_at);
        extent.add(i.resolved_at.unwrap_or(i.started_at));
        let (deployment_ref, rule) = match &i.deployment_id {
            Some(named) => (index.get(named).map(|d| d.id), None),
            None if by_time => {
                let found = index.last_at_or_before(i.started_at, i.service.as_deref());
                if found.is_some() {
                    links.linked += 1;
                } else {
                    links.unlinked += 1;
                }
                (found, Some(BY_TIME))
            }
            None => (None, None),
        };
        let values = params![
            team.0,
            i.external_id,
            source,
            i.started_at,
            i.resolved_at,
            i.deployment_id,
            deployment_ref,
            i.service,
            rule
        ];
        insert_or_update(&mut insert, &mut update, values, &mut report)?;
    }
    coverage::extend(conn, team, CoverageKind::Incidents, extent)?;
    Ok((report, links))
}

/// Incidents linked by time follow the production timeline after deployments were
/// added, moved or deleted. Incidents are few: one pass over those with the rule.
pub(super) fn relink_incidents_by_time(
    conn: &Connection,
    team: TeamId,
    index: &DeploymentIndex,
) -> Result<(), StoreError> {
    let mut select = conn.prepare_cached(
        "SELECT id, started_at, service, deployment_ref FROM incidents INDEXED BY incidents_linked_by_time
         WHERE team_id = ?1 AND link_rule IS NOT NULL",
    )?;
    let mut update = conn.prepare_cached("UPDATE incidents SET deployment_ref = ?2 WHERE id = ?1")?;
    let mut rows = select.query([team.0])?;
    while let Some(row) = rows.next()? {
        let service: Option<String> = row.get(2)?;
        let found = index.last_at_or_before(row.get(1)?, service.as_deref());
        if found != row.get::<_, Option<i64>>(3)? {
            update.execute(params![row.get::<_, i64>(0)?, found])?;
        }
    }
    Ok(())
}
