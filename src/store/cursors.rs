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
