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

/// The migrations as shipped, in order: a fixture at version `n` runs the first `n`.
pub const MIGRATIONS: &[&str] = &[
    include_str!("../../src/store/sql/0001_events.sql"),
    include_str!("../../src/store/sql/0002_retros.sql"),
    include_str!("../../src/store/sql/0003_retro_sessions.sql"),
    include_str!("../../src/store/sql/0004_coverage.sql"),
    include_str!("../../src/store/sql/0005_incident_links.sql"),
    include_str!("../../src/store/sql/0006_import_cursors.sql"),
    include_str!("../../src/store/sql/0007_action_notes.sql"),
    include_str!("../../src/store/sql/0008_day_summaries.sql"),
    include_str!("../../src/store/sql/0009_incidents_by_cause.sql"),
    include_str!("../../src/store/sql/0010_incident_link_counts.sql"),
    include_str!("../../src/store/sql/0011_deployment_kind_coverage.sql"),
];

fn tables(path: &std::path::Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut q = conn.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").unwrap();
    q.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
}

#[test]
fn a_store_at_every_earlier_version_is_upgraded_keeping_its_rows() {
    assert_eq!(MIGRATIONS.len() as i64, SCHEMA_VERSION, "a new migration needs its fixture here");
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("fresh.db");
    drop(Store::open(&fresh).unwrap());
    let current_tables = tables(&fresh);
    for version in 1..SCHEMA_VERSION {
        let path = dir.path().join(format!("v{version}.db"));
        {
            let conn = rusqlite::Connection::open(&path).unwrap();
            for sql in &MIGRATIONS[..version as usize] {
                conn.execute_batch(sql).unwrap();
            }
            conn.pragma_update(None, "user_version", version).unwrap();
            conn.pragma_update(None, "application_id", APPLICATION_ID).unwrap();
            conn.execute_batch(
                "INSERT INTO teams (id, name, utc_offset_minutes, created_at) VALUES (1, 'payments', 60, 0);
                 INSERT INTO deployments (team_id, external_id, source, deployed_at, environment, is_production, status, kind)
                 VALUES (1, 'd1', 'deployments.csv', 1767225600, 'production', 1, 'success', 'planned');
                 INSERT INTO incidents (team_id, external_id, source, started_at, deployment_external_id, deployment_ref)
                 VALUES (1, 'i1', 'incidents.csv', 1767225500, 'd1', 1), (1, 'i2', 'incidents.csv', 1767225700, NULL, NULL);",
            )
            .unwrap();
            if version >= 2 {
                conn.execute_batch(
                    "INSERT INTO retros (id, team_id, window_start, window_end, stage, started_at)
                     VALUES (1, 1, 1766966400, 1768176000, 'whats_blocking', 1768000000);
                     INSERT INTO retro_notes (retro_id, prompt_key, prompt, metric, body, created_at, updated_at)
                     VALUES (1, 'general.blocking', 'What is blocking us?', NULL, 'Reviews wait', 1768000100, 1768000100);
                     INSERT INTO retro_drafts (retro_id, target, body, saved_at)
                     VALUES (1, 'note:1', 'Reviews wait on one', 1768000200);",
                )
                .unwrap();
            }
            // Every migration but the last (a column, 0007) adds a table.
            if version < 6 {
                assert!(tables(&path).len() < current_tables.len(), "version {version} lacks a later table");
            }
        }
        let store = Store::open(&path).unwrap_or_else(|e| panic!("version {version}: {e}"));
        let found: i64 =
            rusqlite::Connection::open(&path).unwrap().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(found, SCHEMA_VERSION, "version {version}");
        assert_eq!(tables(&path), current_tables, "version {version} gains every table");
        let team = store.team_by_name("payments").unwrap().unwrap();
        assert_eq!(team.utc_offset, UtcOffset::from_minutes(60).unwrap(), "version {version}");
        assert_eq!(store.team_counts(&team).unwrap().deployments, 1, "version {version}");
        // The incidents' link diagnostics are counted on the first open (0010): i1 names
        // a deployment made after it started, i2 none. A store already at 10 had them
        // written by hand here, past its counts: they are counted from the events.
        assert_eq!(store.incident_counts_kept(&team).unwrap(), version < 10, "version {version}");
        let diagnostics = store.link_diagnostics(&team).unwrap();
        assert_eq!(
            (diagnostics.incidents_before_their_deployment, diagnostics.incidents_without_production_deployment),
            (1, 1),
            "version {version}"
        );
        let coverage = store.coverage(&team).unwrap();
        if version < 4 {
            // Coverage did not exist yet: it is backfilled from the events.
            assert_eq!(coverage.deployments.as_slice().len(), 1, "version {version}");
        }
        // One planned deployment from a file says nothing of kinds (0011).
        assert!(coverage.deployment_kinds.is_empty(), "version {version}");
        if version < 7 {
            // 0007 gave actions the note they came from: old actions have none.
            let conn = rusqlite::Connection::open(&path).unwrap();
            let columns: Vec<String> = conn
                .prepare("SELECT name FROM pragma_table_info('actions')")
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            assert!(columns.iter().any(|c| c == "note_id"), "version {version} gains actions.note_id");
        }
        if version >= 2 {
            let id = retro::domain::RetroId(1);
            let retro = store.retro(id).unwrap().expect("the retro is kept");
            assert_eq!(retro.stage, retro::domain::Stage::WhatsBlocking, "version {version}");
            let notes: Vec<String> = store.notes(id).unwrap().into_iter().map(|n| n.body).collect();
            assert_eq!(notes, ["Reviews wait"], "version {version}");
            let draft = store.draft(id).unwrap().expect("the draft is kept");
            assert_eq!(draft.target, retro::domain::NoteTarget::Edit(retro::domain::NoteId(1)), "version {version}");
            assert_eq!(draft.body, "Reviews wait on one", "version {version}");
        }
    }
}

/// Before 0011 a store did not record which imports gave deployment kinds. The upgrade
/// keeps the rework rate of teams whose rows show their sources do (a git history, the
/// demo, any deployment that is not planned) and leaves the others "no data".
#[test]
fn the_upgrade_to_deployment_kind_coverage_keeps_it_only_where_the_rows_show_kinds() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v10.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        for sql in &MIGRATIONS[..10] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 10).unwrap();
        conn.pragma_update(None, "application_id", APPLICATION_ID).unwrap();
        let mut sql = String::new();
        for (id, (team, source, kind)) in [
            ("from-git", "git:/src/app", "planned"),
            ("hotfixes", "csv", "hotfix"),
            ("planned-only", "csv", "planned"),
            ("github", "github", "planned"),
        ]
        .into_iter()
        .enumerate()
        {
            let id = id + 1;
            sql.push_str(&format!(
                "INSERT INTO teams (id, name, utc_offset_minutes, created_at) VALUES ({id}, '{team}', 0, 0);
                 INSERT INTO deployments (team_id, external_id, source, deployed_at, environment, is_production, status, kind)
                 VALUES ({id}, 'd1', '{source}', 1767225600, 'production', 1, 'success', 'planned'),
                        ({id}, 'd2', '{source}', 1767312000, 'production', 1, 'success', '{kind}');
                 INSERT INTO coverage (team_id, kind, start_at, end_at) VALUES ({id}, 'deployments', 1766966400, 1767571200);"
            ));
        }
        conn.execute_batch(&sql).unwrap();
    }
    let store = Store::open(&path).unwrap();
    for (team, kept) in [("from-git", true), ("hotfixes", true), ("planned-only", false), ("github", false)] {
        let team = store.team_by_name(team).unwrap().unwrap();
        let coverage = store.coverage(&team).unwrap();
        assert_eq!(coverage.deployments.as_slice(), [(1766966400, 1767571200)], "{}", team.name);
        let expected = if kept { coverage.deployments.clone() } else { Default::default() };
        assert_eq!(coverage.deployment_kinds, expected, "{}", team.name);
    }
}
