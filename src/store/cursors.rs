//! Where an incremental importer stopped reading a source, per team, source and table.

use crate::domain::TeamId;
use rusqlite::{Connection, OptionalExtension, params};

pub(super) fn get(
    conn: &Connection,
    team: TeamId,
    source: &str,
    item: &str,
) -> Result<Option<String>, rusqlite::Error> {
    conn.query_row(
        "SELECT position FROM import_cursors WHERE team_id = ?1 AND source = ?2 AND item = ?3",
        params![team.0, source, item],
        |r| r.get(0),
    )
    .optional()
}

pub(super) fn set(
    conn: &Connection,
    team: TeamId,
    source: &str,
    item: &str,
    position: &str,
) -> Result<(), rusqlite::Error> {
    conn.execute(
        "INSERT INTO import_cursors (team_id, source, item, position) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (team_id, source, item) DO UPDATE SET position = excluded.position",
        params![team.0, source, item, position],
    )?;
    Ok(())
}

pub(super) fn clear(conn: &Connection, team: TeamId, source: &str, item: &str) -> Result<(), rusqlite::Error> {
    conn.execute(
        "DELETE FROM import_cursors WHERE team_id = ?1 AND source = ?2 AND item = ?3",
        params![team.0, source, item],
    )?;
    Ok(())
}

/// For each change `source` imported into `team` that names a deployment the store has:
/// its external id and that deployment's time. An incremental importer reading a
/// commit again (shipped by a later deployment) keeps the earlier one.
pub(super) fn shipped_at(
    conn: &Connection,
    team: TeamId,
    source: &str,
) -> Result<Vec<(String, crate::domain::Timestamp)>, rusqlite::Error> {
    let mut stmt = conn.prepare(
        "SELECT c.external_id, d.deployed_at FROM changes c
           JOIN deployments d ON d.team_id = c.team_id AND d.external_id = c.deployment_external_id
          WHERE c.team_id = ?1 AND c.source = ?2",
    )?;
    stmt.query_map(params![team.0, source], |r| Ok((r.get(0)?, r.get(1)?)))?.collect()
}
