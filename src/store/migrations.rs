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
    include_str!("sql/0004_action_notes.sql"),
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
    if version > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema { path: shown(), found: version, supported: SCHEMA_VERSION });
    }
    Ok(())
}

/// Applies every pending migration, each in its own immediate transaction so that two
/// processes opening an old store at once cannot both migrate it.
pub(super) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    loop {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let Some(sql) = usize::try_from(version).ok().and_then(|v| MIGRATIONS.get(v)) else {
            return Ok(());
        };
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", version + 1)?;
        if version == 0 {
            tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        }
        tx.commit()?;
    }
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
    fn foreign_database_is_refused() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE notes (body TEXT)").unwrap();
        assert!(matches!(check_compatible(&conn, None), Err(StoreError::NotARetroStore { .. })));
    }
}
