//! Reads the facts the metric engine needs: one range scan per table, no per-row joins.

use super::StoreError;
use super::samples;
use super::summaries::{self, DayFact, DeploymentRow};
use crate::domain::{ChangeFact, DeploymentFact, EventSet, IncidentFact, TeamId, Timestamp};
use rusqlite::{Connection, params};
use rustc_hash::FxHashSet as HashSet;

pub(super) fn event_set(
    conn: &Connection,
    team: TeamId,
    from: Timestamp,
    to: Timestamp,
) -> Result<EventSet, StoreError> {
    Ok(EventSet {
        coverage: super::coverage::read(conn, team)?,
        deployments: deployments(conn, team, from, to)?,
        changes: changes(conn, team, from, to)?,
        incidents: incidents(conn, team, from, to)?,
        dora_samples: samples::dora_samples(conn, team)?,
        team_metrics: samples::team_samples(conn, team)?,
    })
}

fn deployments(
    conn: &Connection,
    team: TeamId,
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<DeploymentFact>, StoreError> {
    with_causes(conn, team, from, in_range(conn, team, from, to)?)
}

/// [`deployments`] read from the events alone.
pub(super) fn deployments_from_events(
    conn: &Connection,
    team: TeamId,
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<DeploymentFact>, StoreError> {
    with_causes(conn, team, from, from_events(conn, team, from, to)?)
}

/// The facts of `rows` (deployments at or after `from`), each knowing whether an incident
/// names it as its cause.
fn with_causes(
    conn: &Connection,
    team: TeamId,
    from: Timestamp,
    rows: Vec<DeploymentRow>,
) -> Result<Vec<DeploymentFact>, StoreError> {
    let caused: HashSet<i64> = conn
        .prepare_cached(
            // An incident that started before a deployment cannot have been caused by it,
            // so only incidents since `from` can have caused one of `rows`.
            "SELECT DISTINCT i.deployment_ref FROM incidents i INDEXED BY incidents_by_cause
             JOIN deployments d ON d.id = i.deployment_ref
             WHERE i.team_id = ?1 AND i.deployment_ref IS NOT NULL AND i.started_at >= ?2
               AND i.started_at >= d.deployed_at",
        )?
        .query_map(params![team.0, from], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(rows
        .into_iter()
        .map(|d| DeploymentFact {
            deployed_at: d.deployed_at,
            production: d.production,
            status: d.status,
            kind: d.kind,
            caused_incident: caused.contains(&d.id),
        })
        .collect())
}

fn changes(conn: &Connection, team: TeamId, from: Timestamp, to: Timestamp) -> Result<Vec<ChangeFact>, StoreError> {
    in_range(conn, team, from, to)
}

/// The team's facts in `[from, to)`: from the day summaries where they account for every
/// row, else from the events themselves, which give the same facts in the same order.
fn in_range<F: DayFact>(conn: &Connection, team: TeamId, from: Timestamp, to: Timestamp) -> Result<Vec<F>, StoreError> {
    if let Some(facts) = summaries::read(conn, team, from, to)? {
        return Ok(facts);
    }
    from_events(conn, team, from, to)
}

/// [`in_range`] read from the events, never from the summaries: what they must equal.
pub(super) fn from_events<F: DayFact>(
    conn: &Connection,
    team: TeamId,
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<F>, StoreError> {
    let mut stmt = conn.prepare_cached(F::IN_RANGE)?;
    let rows = stmt.query_map(params![team.0, from, to], F::read)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn incidents(conn: &Connection, team: TeamId, from: Timestamp, to: Timestamp) -> Result<Vec<IncidentFact>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT i.started_at, i.resolved_at, coalesce(d.is_production AND i.started_at >= d.deployed_at, 0)
         FROM incidents i INDEXED BY incidents_by_cause
         LEFT JOIN deployments d ON d.id = i.deployment_ref
         WHERE i.team_id = ?1
           AND ((i.started_at >= ?2 AND i.started_at < ?3) OR (i.resolved_at >= ?2 AND i.resolved_at < ?3))
         ORDER BY i.started_at, i.resolved_at",
    )?;
    let rows = stmt.query_map(params![team.0, from, to], |r| {
        Ok(IncidentFact { started_at: r.get(0)?, resolved_at: r.get(1)?, caused_by_production_deployment: r.get(2)? })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Relations the metrics could not use, for the user to fix in their data.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct LinkDiagnostics {
    /// Incidents that name no production deployment as their cause: they enter neither
    /// change failure rate nor recovery time.
    pub incidents_without_production_deployment: u64,
    /// Incidents that name a deployment made after they started, which cannot have
    /// caused them: left out of both metrics too.
    pub incidents_before_their_deployment: u64,
    /// Changes that name a deployment retro has not seen (yet).
    pub changes_naming_unknown_deployments: u64,
    /// Changes that name a deployment that is not in production, or that happened
    /// before the commit.
    pub changes_with_unusable_deployment: u64,
    /// Changes no production deployment has shipped yet.
    pub changes_not_yet_deployed: u64,
}

pub(super) fn link_diagnostics(conn: &Connection, team: TeamId) -> Result<LinkDiagnostics, StoreError> {
    // The incidents' counts as kept where nothing changed since, else from the events.
    let incidents = match summaries::incidents::read(conn, team)? {
        Some(kept) => kept,
        None => summaries::incidents::count(conn, team)?,
    };
    with_incident_counts(conn, team, incidents)
}

/// [`link_diagnostics`] counted from the events alone: what the kept counts must equal.
pub(super) fn link_diagnostics_from_events(conn: &Connection, team: TeamId) -> Result<LinkDiagnostics, StoreError> {
    with_incident_counts(conn, team, summaries::incidents::count(conn, team)?)
}

/// The diagnostics of the team's changes, beside its incidents' `counts`.
fn with_incident_counts(
    conn: &Connection,
    team: TeamId,
    counts: summaries::incidents::IncidentCounts,
) -> Result<LinkDiagnostics, StoreError> {
    let d = conn
        .prepare_cached(
            // INDEXED BY: only the few undeployed changes are read, whatever the planner guesses.
            "SELECT
           (SELECT count(*) FROM changes INDEXED BY changes_undeployed WHERE team_id = ?1 AND deployed_at IS NULL
              AND deployment_external_id IS NOT NULL AND deployment_ref IS NULL),
           (SELECT count(*) FROM changes INDEXED BY changes_undeployed WHERE team_id = ?1 AND deployed_at IS NULL
              AND deployment_external_id IS NOT NULL AND deployment_ref IS NOT NULL),
           (SELECT count(*) FROM changes INDEXED BY changes_undeployed WHERE team_id = ?1 AND deployed_at IS NULL
              AND deployment_ref IS NULL AND deployment_external_id IS NULL)",
        )?
        .query_row([team.0], |r| {
            Ok(LinkDiagnostics {
                incidents_without_production_deployment: counts.without_production_deployment,
                incidents_before_their_deployment: counts.before_their_deployment,
                changes_naming_unknown_deployments: r.get(0)?,
                changes_with_unusable_deployment: r.get(1)?,
                changes_not_yet_deployed: r.get(2)?,
            })
        })?;
    Ok(d)
}

/// The team's deployments that came from another source than `source`, by external id:
/// an import about to overwrite one of them is mixing two sources' ids.
pub(super) fn deployments_from_other_sources(
    conn: &Connection,
    team: TeamId,
    source: &str,
) -> Result<Vec<(String, String)>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT external_id, source FROM deployments WHERE team_id = ?1 AND source <> ?2")?;
    let rows = stmt.query_map(params![team.0, source], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(super) fn count_from_source(conn: &Connection, team: TeamId, source: &str) -> Result<u64, StoreError> {
    Ok(conn.query_row(
        "SELECT count(*) FROM deployments WHERE team_id = ?1 AND source = ?2",
        params![team.0, source],
        |r| r.get(0),
    )?)
}

pub(super) fn change_ids_from_source(
    conn: &Connection,
    team: TeamId,
    source: &str,
    limit: usize,
) -> Result<Vec<String>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT external_id FROM changes WHERE team_id = ?1 AND source = ?2 LIMIT ?3")?;
    let rows = stmt.query_map(params![team.0, source, limit as i64], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(super) fn deployment_ids_from_source(
    conn: &Connection,
    team: TeamId,
    source: &str,
) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT external_id FROM deployments WHERE team_id = ?1 AND source = ?2")?;
    let rows = stmt.query_map(params![team.0, source], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(super) fn count_of_repository_elsewhere(
    conn: &Connection,
    team: TeamId,
    repository: &str,
    source: &str,
) -> Result<u64, StoreError> {
    // substr rather than LIKE: a path may hold `_` or `%`.
    Ok(conn.query_row(
        "SELECT count(*) FROM deployments
         WHERE team_id = ?1 AND source <> ?3
           AND (source = ?2 OR substr(source, 1, length(?2) + 1) = ?2 || '#')",
        params![team.0, repository, source],
        |r| r.get(0),
    )?)
}
