//! Numbered, append-only schema migrations tracked in `PRAGMA user_version`.
//!
//! Never edit a migration that has shipped: append a new one. Pragmas that are not part
//! of the schema (journal mode, foreign keys) are set when the store is opened instead.

use super::StoreError;
use rusqlite::{Connection, TransactionBehavior};
use std::path::Path;

/// Marks a database file as a retro store ("RETR").
const APPLICATION_ID: i64 = 0x5245_5452;

/// Migration `i` brings the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    include_str!("sql/0001_events.sql"),
    include_str!("sql/0002_retros.sql"),
    include_str!("sql/0003_retro_sessions.sql"),
    include_str!("sql/0004_coverage.sql"),
    include_str!("sql/0005_incident_links.sql"),
    include_str!("sql/0006_import_cursors.sql"),
    include_str!("sql/0007_action_notes.sql"),
    include_str!("sql/0008_day_summaries.sql"),
    include_str!("sql/0009_incidents_by_cause.sql"),
    include_str!("sql/0010_incident_link_counts.sql"),
    include_str!("sql/0011_deployment_kind_coverage.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Refuses a database that belongs to another application or to a newer retro, without
/// writing anything to it.
pub(super) fn check_compatible(conn: &Connection, path: Option<&Path>) -> Result<(), StoreError> {
    let shown = || path.map_or_else(|| ":memory:".to_owned(), |p| p.display().to_string());
    let application_id: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let has_tables: bool =
        conn.query_row("SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table')", [], |r| r.get(0))?;
    if application_id != APPLICATION_ID && (application_id != 0 || has_tables) {
        return Err(StoreError::NotARetroStore { path: shown() });
    }
    // No retro writes a negative version, nor tables without a version.
    if version < 0 || (version == 0 && has_tables) {
        return Err(StoreError::NotARetroStore { path: shown() });
    }
    if version > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema { path: shown(), found: version, supported: SCHEMA_VERSION });
    }
    let mut present = conn.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'")?;
    let present = present.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
    let expected = usize::try_from(version).ok().and_then(|v| tables_by_version().get(v)).map_or(&[][..], |t| t);
    if let Some(missing) = expected.iter().find(|t| !present.contains(t)) {
        return Err(StoreError::IncompleteStore { path: shown(), table: missing.clone() });
    }
    Ok(())
}

/// The version a compatible store is at.
pub(super) fn version(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// The tables a store has at each version (index = version), found by running the
/// migrations on an empty database once: nothing to keep in step by hand.
fn tables_by_version() -> &'static [Vec<String>] {
    static TABLES: std::sync::OnceLock<Vec<Vec<String>>> = std::sync::OnceLock::new();
    TABLES.get_or_init(|| {
        let conn = Connection::open_in_memory().expect("an in-memory database");
        let tables = |conn: &Connection| {
            let mut stmt = conn
                .prepare(
                    "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
                )
                .expect("a static query");
            stmt.query_map([], |r| r.get(0)).and_then(|rows| rows.collect()).expect("the schema table")
        };
        let mut out = vec![tables(&conn)];
        for sql in MIGRATIONS {
            conn.execute_batch(sql).expect("the migrations apply to an empty database");
            out.push(tables(&conn));
        }
        out
    })
}

/// Applies every pending migration, each in its own immediate transaction so that two
/// processes opening an old store at once cannot both migrate it.
pub(super) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    loop {
        // Most opens have nothing to do: finding that out takes no write lock, so a
        // command that only reads never waits for an import holding one.
        if version(conn)? >= SCHEMA_VERSION {
            return Ok(());
        }
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let Some(sql) = usize::try_from(version).ok().and_then(|v| MIGRATIONS.get(v)) else {
            return Ok(());
        };
        tx.execute_batch(sql)?;
        backfill(&tx, version + 1)?;
        tx.pragma_update(None, "user_version", version + 1)?;
        if version == 0 {
            tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        }
        tx.commit()?;
    }
}

/// What a migration needs besides its SQL, in its transaction: data only Rust can write.
fn backfill(tx: &rusqlite::Transaction<'_>, version: i64) -> Result<(), StoreError> {
    if version == 8 {
        // The day summaries of the events already in the store.
        super::summaries::refresh(tx)?;
    }
    if version == 10 {
        // The incident counts of every team (the migration marked them all stale).
        super::summaries::incidents::refresh(tx)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_database_reaches_current_version() {
        let mut conn = Connection::open_in_memory().unwrap();
        check_compatible(&conn, None).unwrap();
        migrate(&mut conn).unwrap();
        let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        // Running again is a no-op.
        migrate(&mut conn).unwrap();
    }

    #[test]
    fn newer_schema_is_refused() {
        let conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "application_id", APPLICATION_ID).unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1).unwrap();
        let err = check_compatible(&conn, None).unwrap_err();
        assert!(matches!(err, StoreError::NewerSchema { found, .. } if found == SCHEMA_VERSION + 1));
    }

    #[test]
    fn every_version_knows_its_tables() {
        let tables = tables_by_version();
        assert_eq!(tables.len() as i64, SCHEMA_VERSION + 1);
        assert!(tables[0].is_empty());
        assert!(tables[1].iter().any(|t| t == "teams"));
        assert!(tables[SCHEMA_VERSION as usize].iter().any(|t| t == "retros"));
    }

    #[test]
    fn a_missing_table_or_a_negative_version_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        conn.execute_batch("DROP TABLE action_reviews").unwrap();
        let err = check_compatible(&conn, None).unwrap_err();
        assert!(matches!(&err, StoreError::IncompleteStore { table, .. } if table == "action_reviews"), "{err}");
        let conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "application_id", APPLICATION_ID).unwrap();
        conn.pragma_update(None, "user_version", -1).unwrap();
        assert!(matches!(check_compatible(&conn, None), Err(StoreError::NotARetroStore { .. })));
    }

    #[test]
    fn foreign_database_is_refused() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE notes (body TEXT)").unwrap();
        assert!(matches!(check_compatible(&conn, None), Err(StoreError::NotARetroStore { .. })));
    }
}
