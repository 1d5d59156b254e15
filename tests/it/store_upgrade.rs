//! A store written by an earlier retro is upgraded in place, keeping everything in it.

use crate::common::now;
use retro::domain::UtcOffset;
use retro::store::{SCHEMA_VERSION, Store};

const APPLICATION_ID: i64 = 0x5245_5452;

#[test]
fn a_version_1_store_gains_the_retro_tables_and_keeps_its_events() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        // The store exactly as the first release left it: events only.
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(include_str!("../../src/store/sql/0001_events.sql")).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.pragma_update(None, "application_id", APPLICATION_ID).unwrap();
        conn.execute_batch(
            "INSERT INTO teams (id, name, utc_offset_minutes, created_at) VALUES (1, 'payments', 60, 0);
             INSERT INTO deployments (team_id, external_id, source, deployed_at, environment, is_production, status, kind)
             VALUES (1, 'd1', 'deployments.csv', 1767225600, 'production', 1, 'success', 'planned');",
        )
        .unwrap();
    }
    let mut store = Store::open(&path).unwrap();
    let version: i64 =
        rusqlite::Connection::open(&path).unwrap().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    let team = store.team_by_name("payments").unwrap().unwrap();
    assert_eq!(team.utc_offset, UtcOffset::from_minutes(60).unwrap());
    assert_eq!(store.team_counts(&team).unwrap().deployments, 1);
    // Coverage is backfilled: the week (Monday to Monday at +01:00) of its one deployment,
    // Thursday 1 January 2026 01:00 local.
    let t = |s: &str| retro::domain::parse_timestamp(s).unwrap();
    let covered = store.coverage(&team).unwrap();
    assert_eq!(covered.deployments.as_slice(), [(t("2025-12-28T23:00:00Z"), t("2026-01-04T23:00:00Z"))]);
    assert!(covered.incidents.is_empty());
    // The new tables work.
    let window = retro::retro::session::default_window(&store, &team, now()).unwrap();
    let r = store.start_retro(&team, &window, now()).unwrap();
    assert_eq!(store.retros(&team).unwrap(), [r]);
}
