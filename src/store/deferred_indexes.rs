//! A first import into an empty table builds its secondary indexes once, at the end,
//! rather than seeking into each of them for every row: SQLite builds an index from a
//! sorted scan of the table, several times faster than as many single inserts.
//!
//! The indexes are dropped and created again inside the import's transaction, so a
//! failed import rolls the drop back with everything else. The unique
//! `(team_id, external_id)` index is part of the table and stays: the inserts' conflict
//! check reads it. Nothing else the loaders run between the drop and [`restore`] reads
//! the table being loaded through another index.
//!
//! [`restore`]: DeferredIndexes::restore

use rusqlite::Connection;

/// The `CREATE INDEX` statements of the indexes a load dropped, to run again at its end.
#[must_use = "the dropped indexes must be created again before the transaction commits"]
pub(super) struct DeferredIndexes {
    create: Vec<String>,
}

impl DeferredIndexes {
    /// Drops the indexes `table` declares besides its constraints' when it holds no row:
    /// the load that follows fills it from nothing. Otherwise drops nothing.
    pub fn drop_if_empty(conn: &Connection, table: &str) -> rusqlite::Result<Self> {
        let empty: bool = conn.query_row(&format!("SELECT NOT EXISTS (SELECT 1 FROM {table})"), [], |r| r.get(0))?;
        if !empty {
            return Ok(DeferredIndexes { create: Vec::new() });
        }
        // `sql` is NULL for the indexes SQLite makes for UNIQUE and PRIMARY KEY.
        let mut stmt = conn.prepare(
            "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = ?1 AND sql IS NOT NULL
             ORDER BY name",
        )?;
        let indexes = stmt
            .query_map([table], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut create = Vec::with_capacity(indexes.len());
        for (name, sql) in indexes {
            conn.execute(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")), [])?;
            create.push(sql);
        }
        Ok(DeferredIndexes { create })
    }

    /// Creates the dropped indexes again, each from one sorted scan of the table.
    pub fn restore(self, conn: &Connection) -> rusqlite::Result<()> {
        if self.create.is_empty() {
            return Ok(());
        }
        // SQLite's sorter holds as much as the page cache may, beside it, and spills the
        // rest to temporary files: half of each, and files rather than the memory the
        // store's temporary storage is otherwise kept in, hold a build's peak memory
        // where the inserts' was (a sort of 5 million changes spilled to memory took
        // 240 MB more).
        let cache: i64 = conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
        let temp: i64 = conn.query_row("PRAGMA temp_store", [], |r| r.get(0))?;
        conn.pragma_update(None, "cache_size", cache / 2)?;
        conn.pragma_update(None, "temp_store", "FILE")?;
        for sql in &self.create {
            conn.execute(sql, [])?;
        }
        conn.pragma_update(None, "temp_store", temp)?;
        conn.pragma_update(None, "cache_size", cache)
    }
}
