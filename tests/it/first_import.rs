//! A first import into an empty table drops the table's secondary indexes and builds
//! them again at its end (src/store/deferred_indexes.rs): the store must come out with
//! the same indexes, each holding every row, and a failed import must leave them as
//! they were.

use retro::domain::UtcOffset;
use retro::import::{Format, ImportKind, LoadError, import_bytes};
use retro::store::Store;
use std::path::Path;

/// `(name, sql)` of every index of the event tables.
fn indexes(path: &Path) -> Vec<(String, Option<String>)> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut q = conn
        .prepare(
            "SELECT name, sql FROM sqlite_schema
             WHERE type = 'index' AND tbl_name IN ('changes', 'deployments') ORDER BY name",
        )
        .unwrap();
    q.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().collect::<Result<_, _>>().unwrap()
}

fn count(path: &Path, table: &str) -> i64 {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

fn integrity(path: &Path) -> String {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap()
}

/// 5,000 deployments a day apart, every fifth one to staging.
fn deployments_csv() -> String {
    let mut csv = String::from("id,deployed_at,environment,status,kind\n");
    for i in 0..5_000 {
        let env = if i % 5 == 4 { "staging" } else { "production" };
        let at = retro::domain::format_timestamp(1_700_000_000 + i * 86_400, Default::default());
        csv.push_str(&format!("D-{i},{at},{env},success,planned\n"));
    }
    csv
}

/// Three changes per deployment: one naming it, one naming none, one naming a deployment
/// the store does not hold (it waits, in the partial index of waiting changes).
fn changes_csv() -> String {
    let mut csv = String::from("id,committed_at,deployment_id\n");
    for i in 0..5_000 {
        let at = retro::domain::format_timestamp(1_700_000_000 + i * 86_400 - 3_600, Default::default());
        csv.push_str(&format!("C-{i}-a,{at},D-{i}\nC-{i}-b,{at},\nC-{i}-c,{at},X-{i}\n"));
    }
    csv
}

fn import(store: &mut Store, kind: ImportKind, file: &str, text: &str) -> Result<(), LoadError> {
    let team = store.team_by_name("t").unwrap().unwrap();
    import_bytes(store, &team, kind, file, text.as_bytes(), Format::Csv).map(|_| ())
}

#[test]
fn a_first_import_leaves_every_index_as_the_schema_declares_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("retro.db");
    let mut store = Store::open(&path).unwrap();
    store.add_team("t", UtcOffset::UTC).unwrap();
    let declared = indexes(&path);
    assert!(declared.iter().any(|(name, _)| name == "changes_waiting"), "{declared:?}");

    import(&mut store, ImportKind::Deployments, "deployments.csv", &deployments_csv()).unwrap();
    import(&mut store, ImportKind::Changes, "changes.csv", &changes_csv()).unwrap();
    assert_eq!(indexes(&path), declared);
    // Every index holds exactly the rows of its table (and of its WHERE clause).
    assert_eq!(integrity(&path), "ok");
    assert_eq!((count(&path, "deployments"), count(&path, "changes")), (5_000, 15_000));

    // A second import reads through the rebuilt unique index: every row is unchanged.
    let team = store.team_by_name("t").unwrap().unwrap();
    let again =
        import_bytes(&mut store, &team, ImportKind::Changes, "changes.csv", changes_csv().as_bytes(), Format::Csv)
            .unwrap();
    assert_eq!((again.report.inserted, again.report.unchanged), (0, 15_000));
    assert_eq!(integrity(&path), "ok");
}

#[test]
fn a_failed_first_import_leaves_no_row_and_every_index() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("retro.db");
    let mut store = Store::open(&path).unwrap();
    store.add_team("t", UtcOffset::UTC).unwrap();
    let declared = indexes(&path);

    // The bad row is the last, well after the first batches were inserted.
    let bad_deployments = deployments_csv() + "D-last,2025-02-01T00:00:00Z,production,success,rollforward\n";
    let err = import(&mut store, ImportKind::Deployments, "deployments.csv", &bad_deployments).unwrap_err();
    assert!(err.to_string().starts_with("deployments.csv:5002: kind:"), "{err}");
    assert_eq!(count(&path, "deployments"), 0);
    assert_eq!(indexes(&path), declared);

    import(&mut store, ImportKind::Deployments, "deployments.csv", &deployments_csv()).unwrap();
    let bad_changes = changes_csv() + "C-last,2025-02-31T00:00:00Z,\n";
    let err = import(&mut store, ImportKind::Changes, "changes.csv", &bad_changes).unwrap_err();
    assert!(err.to_string().starts_with("changes.csv:15002: committed_at:"), "{err}");
    assert_eq!(count(&path, "changes"), 0);
    assert_eq!(indexes(&path), declared);
    assert_eq!(integrity(&path), "ok");
}
