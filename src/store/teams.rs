use super::StoreError;
use crate::domain::{Team, TeamId, UtcOffset};
use rusqlite::{Connection, OptionalExtension, Row, params};

/// The name a team would be stored under (trimmed), or why no team can have it. Needs
/// no store, so a command can refuse a name before it creates one.
pub fn valid_team_name(name: &str) -> Result<&str, StoreError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(StoreError::EmptyTeamName);
    }
    if let Some(c) = crate::text::unprintable(name) {
        let (name, character) = (crate::text::safe(name).into_owned(), crate::text::escaped(c));
        return Err(StoreError::UnprintableTeamName { name, character });
    }
    Ok(name)
}

pub(super) fn add(conn: &Connection, name: &str, offset: UtcOffset) -> Result<Team, StoreError> {
    let name = valid_team_name(name)?;
    if by_name(conn, name)?.is_some() {
        return Err(StoreError::TeamExists(name.to_owned()));
    }
    conn.execute(
        "INSERT INTO teams (name, utc_offset_minutes, created_at) VALUES (?1, ?2, unixepoch())",
        params![name, offset.minutes()],
    )?;
    Ok(Team { id: TeamId(conn.last_insert_rowid()), name: name.to_owned(), utc_offset: offset })
}

pub(super) fn all(conn: &Connection) -> Result<Vec<Team>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT id, name, utc_offset_minutes FROM teams ORDER BY name")?;
    let teams = stmt.query_map([], team_from_row)?.collect::<Result<_, _>>()?;
    Ok(teams)
}

/// Team names are matched without regard to case.
pub(super) fn by_name(conn: &Connection, name: &str) -> Result<Option<Team>, StoreError> {
    let team = conn
        .query_row("SELECT id, name, utc_offset_minutes FROM teams WHERE name = ?1", [name.trim()], team_from_row)
        .optional()?;
    Ok(team)
}

pub(super) fn by_id(conn: &Connection, id: TeamId) -> Result<Option<Team>, StoreError> {
    let team = conn
        .query_row("SELECT id, name, utc_offset_minutes FROM teams WHERE id = ?1", [id.0], team_from_row)
        .optional()?;
    Ok(team)
}

fn team_from_row(row: &Row<'_>) -> rusqlite::Result<Team> {
    let minutes: i32 = row.get(2)?;
    Ok(Team {
        id: TeamId(row.get(0)?),
        name: row.get(1)?,
        // The schema's CHECK keeps the offset in range.
        utc_offset: UtcOffset::from_minutes(minutes).unwrap_or_default(),
    })
}

/// How much a team has in the store.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct TeamCounts {
    pub deployments: u64,
    pub changes: u64,
    pub incidents: u64,
    pub team_metrics: u64,
}

pub(super) fn counts(conn: &Connection, team: TeamId) -> Result<TeamCounts, StoreError> {
    let counts = conn.query_row(
        "SELECT (SELECT count(*) FROM deployments WHERE team_id = ?1),
                (SELECT count(*) FROM changes WHERE team_id = ?1),
                (SELECT count(*) FROM incidents WHERE team_id = ?1),
                (SELECT count(*) FROM metric_definitions WHERE team_id = ?1)",
        [team.0],
        |r| {
            Ok(TeamCounts { deployments: r.get(0)?, changes: r.get(1)?, incidents: r.get(2)?, team_metrics: r.get(3)? })
        },
    )?;
    Ok(counts)
}
