//! The link diagnostics of a team's incidents, kept per team (migration 0010 describes
//! the tables) so that a dashboard does not meet every incident of the team with its
//! deployment on every load. [`refresh`] keeps them in the transaction of every import;
//! [`read`] gives them only where nothing can have changed since, else the caller
//! counts from the events ([`count`]), so both always agree.

use crate::domain::TeamId;
use rusqlite::{Connection, OptionalExtension, params};

/// The two counts of a team's incidents: those naming no production deployment, and
/// those naming one made after they started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct IncidentCounts {
    pub without_production_deployment: u64,
    pub before_their_deployment: u64,
}

/// What each incident of `WHERE` contributes, summed per team: the one definition both
/// the full count and the count of new rows use.
fn counting(filter: &str) -> String {
    format!(
        "SELECT i.team_id,
                coalesce(sum(coalesce(d.is_production, 0) = 0), 0),
                coalesce(sum(d.is_production = 1 AND i.started_at < d.deployed_at), 0)
         FROM incidents i LEFT JOIN deployments d ON d.id = i.deployment_ref
         WHERE {filter}
         GROUP BY i.team_id"
    )
}

fn counts_of(row: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, IncidentCounts)> {
    Ok((
        row.get(0)?,
        IncidentCounts { without_production_deployment: row.get(1)?, before_their_deployment: row.get(2)? },
    ))
}

/// The team's counts from the events: one pass over its incidents, through an index
/// that holds what is needed of them and meets their deployments in id order.
pub(crate) fn count(conn: &Connection, team: TeamId) -> rusqlite::Result<IncidentCounts> {
    let sql = counting("i.team_id = ?1").replace("incidents i", "incidents i INDEXED BY incidents_by_cause");
    let found = conn.prepare_cached(&sql)?.query_row([team.0], counts_of).optional()?;
    Ok(found.map_or_else(IncidentCounts::default, |(_, c)| c))
}

/// The team's counts as kept, or `None` when an incident was inserted since the last
/// refresh or the team is marked stale.
pub(crate) fn read(conn: &Connection, team: TeamId) -> rusqlite::Result<Option<IncidentCounts>> {
    conn.prepare_cached(
        "SELECT coalesce(c.without_production_deployment, 0), coalesce(c.before_their_deployment, 0)
         FROM (SELECT 1) LEFT JOIN incident_counts c ON c.team_id = ?1
         WHERE (SELECT coalesce(max(id), 0) FROM incidents) <= (SELECT through_id FROM incident_count_mark)
           AND NOT EXISTS (SELECT 1 FROM incident_count_stale WHERE team_id = ?1)",
    )?
    .query_row([team.0], |r| {
        Ok(IncidentCounts { without_production_deployment: r.get(0)?, before_their_deployment: r.get(1)? })
    })
    .optional()
}

/// Brings the counts up to date with the events, in the caller's transaction: counts a
/// stale team's incidents again, and adds what each incident inserted since the last
/// refresh contributes to its team's (its own deployment is as it is now: a later
/// change to it, or to the incident, marks the team stale).
pub(crate) fn refresh(conn: &Connection) -> rusqlite::Result<()> {
    let mark: i64 = conn.query_row("SELECT through_id FROM incident_count_mark", [], |r| r.get(0))?;
    let highest: i64 = conn.query_row("SELECT coalesce(max(id), 0) FROM incidents", [], |r| r.get(0))?;
    let stale: Vec<i64> = conn
        .prepare_cached("SELECT team_id FROM incident_count_stale")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for &team in &stale {
        let counts = count(conn, TeamId(team))?;
        conn.execute("DELETE FROM incident_counts WHERE team_id = ?1", [team])?;
        write(conn, team, counts)?;
    }
    if highest > mark {
        let new = counting("i.id > ?1 AND i.team_id NOT IN (SELECT team_id FROM incident_count_stale)");
        let added: Vec<(i64, IncidentCounts)> =
            conn.prepare(&new)?.query_map([mark], counts_of)?.collect::<Result<_, _>>()?;
        for (team, counts) in added {
            write(conn, team, counts)?;
        }
    }
    conn.execute("DELETE FROM incident_count_stale", [])?;
    conn.execute("UPDATE incident_count_mark SET through_id = ?1", [highest])?;
    Ok(())
}

/// Adds `counts` to the team's, keeping no row for none (a team without a row has
/// none, and a team deleted since has no row to refer to).
fn write(conn: &Connection, team: i64, counts: IncidentCounts) -> rusqlite::Result<()> {
    if counts == IncidentCounts::default() {
        return Ok(());
    }
    conn.prepare_cached(
        "INSERT INTO incident_counts (team_id, without_production_deployment, before_their_deployment)
         VALUES (?1, ?2, ?3)
         ON CONFLICT (team_id) DO UPDATE SET
             without_production_deployment = without_production_deployment + excluded.without_production_deployment,
             before_their_deployment = before_their_deployment + excluded.before_their_deployment",
    )?
    .execute(params![team, counts.without_production_deployment, counts.before_their_deployment])?;
    Ok(())
}
