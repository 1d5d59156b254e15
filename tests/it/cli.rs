//! The binary: teams, imports, store selection and refusal, team selection, and the
//! shapes of `retro metrics`.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// `retro` run in `dir`, isolated from the caller's environment: no RETRO_* variables
/// but a pinned clock, and a home folder inside `dir` so no default store is ever
/// written to the real home.
fn retro(dir: &Path) -> Command {
    crate::common::retro_in(dir)
}

fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.assert().success().get_output().stdout.clone();
    String::from_utf8(out).unwrap()
}

fn json_of(cmd: &mut Command) -> Value {
    serde_json::from_str(&stdout_of(cmd)).unwrap()
}

/// Every file in `dir` (not recursive) with its bytes.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect()
}

/// Every file under `dir`, recursively.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries {
            let path = e.unwrap().path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path);
            }
        }
    }
    out
}

/// A temp folder with a store `retro.db` holding one team, `payments`.
fn store_with_team() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    retro(dir.path())
        .args(["--db", "retro.db", "teams", "add", "payments"])
        .assert()
        .success()
        .stdout("Added team payments (periods cut at UTC+00:00).\n");
    dir
}

// --- teams -------------------------------------------------------------------------------

#[test]
fn teams_add_and_list() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    drop(retro::store::Store::open(&d.join("retro.db")).unwrap());
    retro(d)
        .args(["--db", "retro.db", "teams", "list"])
        .assert()
        .success()
        .stdout("No teams yet. Add one with `retro teams add NAME`.\n");
    assert_eq!(
        json_of(retro(d).args(["--db", "retro.db", "teams", "list", "--format", "json"])),
        serde_json::json!([])
    );
    retro(d)
        .args(["--db", "retro.db", "teams", "add", "search"])
        .assert()
        .success()
        .stdout("Added team search (periods cut at UTC+00:00).\n");
    retro(d)
        .args(["--db", "retro.db", "teams", "add", "payments", "--utc-offset", "-05:30"])
        .assert()
        .success()
        .stdout("Added team payments (periods cut at UTC-05:30).\n");
    retro(d)
        .args(["--db", "retro.db", "teams", "add", "Payments"])
        .assert()
        .failure()
        .stderr("retro: a team named \"Payments\" already exists\n");
    retro(d)
        .args(["--db", "retro.db", "teams", "add", "x", "--utc-offset", "+19:00"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("is not a UTC offset"));

    let table = stdout_of(retro(d).args(["--db", "retro.db", "teams", "list"]));
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 3, "{table}");
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["team", "offset", "deployments", "changes", "incidents"]
    );
    assert_eq!(lines[1].split_whitespace().collect::<Vec<_>>(), ["payments", "-05:30", "0", "0", "0"]);
    assert_eq!(lines[2].split_whitespace().collect::<Vec<_>>(), ["search", "+00:00", "0", "0", "0"]);

    let json = json_of(retro(d).args(["--db", "retro.db", "teams", "list", "--format", "json"]));
    assert_eq!(
        json,
        serde_json::json!([
            {"name": "payments", "utc_offset": "-05:30", "deployments": 0, "changes": 0, "incidents": 0, "team_metrics": 0},
            {"name": "search", "utc_offset": "+00:00", "deployments": 0, "changes": 0, "incidents": 0, "team_metrics": 0},
        ])
    );
}

// --- importing through the binary -----------------------------------------------------------

#[test]
fn import_prints_a_summary_and_the_person_column_notice() {
    let dir = store_with_team();
    let d = dir.path();
    std::fs::write(
        d.join("deployments.csv"),
        "id,deployed_at,environment,author,Author Email,pipeline\n\
         D-1,2026-11-02T10:00:00Z,production,Ada Lovelace,ada@example.com,ci\n\
         D-2,2026-11-03T10:00:00Z,staging,Ada Lovelace,ada@example.com,ci\n\
         D-3,2026-11-04 10:00:00,,Grace Hopper,grace@example.com,ci\n",
    )
    .unwrap();
    retro(d)
        .args(["--db", "retro.db", "import", "deployments", "deployments.csv"])
        .assert()
        .success()
        .stdout(
            "Ignored column(s) author, Author Email: they identify people, and retro keeps team-level data only.\n\
             Ignored column(s) retro does not use: pipeline.\n\
             The file has no kind column, so it does not say which deployments were hotfixes, rollbacks or fixes \
             forward: the weeks imported here have no rework rate unless another import gave their kinds.\n\
             1 deployment(s) are outside production (staging: 1); only environment \"production\" (or empty) enters the metrics.\n\
             Imported 3 deployments from deployments.csv for team payments: 3 new, 0 updated, 0 unchanged.\n",
        );
    // Again: nothing changes.
    retro(d).args(["--db", "retro.db", "import", "deployments", "deployments.csv"]).assert().success().stdout(
        predicate::str::ends_with(
            "Imported 3 deployments from deployments.csv for team payments: 0 new, 0 updated, 3 unchanged.\n",
        ),
    );

    std::fs::write(
        d.join("incidents.json"),
        r#"{"incidents": [
  {"id": "I-1", "started_at": "2026-11-02T11:00:00Z", "resolved_at": "2026-11-02T12:30:00Z", "deployment_id": "D-1", "assignee": "Grace Hopper"},
  {"id": "I-2", "started_at": "2026-11-05T11:00:00Z"}
]}"#,
    )
    .unwrap();
    retro(d).args(["--db", "retro.db", "import", "incidents", "incidents.json"]).assert().success().stdout(
        "Ignored column(s) assignee: they identify people, and retro keeps team-level data only.\n\
             Imported 2 incidents from incidents.json for team payments: 2 new, 0 updated, 0 unchanged.\n\
             Note: 1 incident(s) name no production deployment as their cause, so they enter neither \
             change failure rate nor recovery time. Add a deployment_id to link them.\n",
    );

    // The format comes from the extension, or from --format.
    std::fs::write(d.join("changes.txt"), "[{\"sha\": \"abc\", \"committed_at\": \"2026-11-01T09:00:00Z\"}]").unwrap();
    retro(d)
        .args(["--db", "retro.db", "import", "changes", "changes.txt"])
        .assert()
        .failure()
        .stderr("retro: changes.txt: cannot tell the format from the file name; add --format csv or --format json\n");
    retro(d)
        .args(["--db", "retro.db", "import", "changes", "changes.txt", "--format", "json"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "Imported 1 changes from changes.txt for team payments: 1 new, 0 updated, 0 unchanged.\n",
        ));

    let json = json_of(retro(d).args(["--db", "retro.db", "teams", "list", "--format", "json"]));
    assert_eq!(json[0]["deployments"], 3);
    assert_eq!(json[0]["changes"], 1);
    assert_eq!(json[0]["incidents"], 2);

    // The store holds no trace of the people.
    drop(json);
    for (path, bytes) in
        files(d).iter().filter(|(p, _)| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("retro.db")))
    {
        for secret in ["Ada Lovelace", "ada@example.com", "Grace Hopper", "grace@example.com"] {
            assert!(!bytes.windows(secret.len()).any(|w| w == secret.as_bytes()), "{secret} in {}", path.display());
        }
    }
}

#[test]
fn a_reimport_without_optional_columns_says_which_defaults_replaced_stored_values() {
    let dir = store_with_team();
    let d = dir.path();
    std::fs::write(
        d.join("full.csv"),
        "id,deployed_at,status,kind\n\
         D-1,2026-11-02T10:00:00Z,failed,hotfix\n\
         D-2,2026-11-03T10:00:00Z,success,planned\n",
    )
    .unwrap();
    retro(d).args(["--db", "retro.db", "import", "deployments", "full.csv"]).assert().success();
    std::fs::write(d.join("thin.csv"), "id,deployed_at\nD-1,2026-11-02T10:00:00Z\nD-2,2026-11-03T10:00:00Z\n").unwrap();
    retro(d).args(["--db", "retro.db", "import", "deployments", "thin.csv"]).assert().success().stdout(
        "Note: the file has no column(s) environment, service, status, so the 1 updated row(s) took their \
         defaults there (see docs/import.md). Include those columns to keep the values stored before.\n\
         The file has no kind column, so it does not say which deployments were hotfixes, rollbacks or fixes \
         forward: the weeks imported here have no rework rate unless another import gave their kinds.\n\
         Imported 2 deployments from thin.csv for team payments: 0 new, 1 updated, 1 unchanged.\n",
    );
    // D-1 is a success now (the default status) but still the hotfix it was: a file
    // without kinds says nothing of rework. 1 of 2 in W45.
    {
        let store = retro::store::Store::open(&d.join("retro.db")).unwrap();
        let team = store.team_by_name("payments").unwrap().unwrap();
        let week = retro::domain::Period::parse_label("2026-W45", team.utc_offset).unwrap();
        let w = retro::query::MetricTable::load(&store, &team, &[week]).unwrap().periods.remove(0);
        assert_eq!(w.dora.get(retro::domain::DoraMetric::ChangeFailureRate).value, Some(0.0));
        assert_eq!(w.dora.get(retro::domain::DoraMetric::ReworkRate).value, Some(50.0));
    }
    // A first import of the same thin file replaces no stored value; it says only that
    // the file has no kinds.
    let fresh = store_with_team();
    std::fs::copy(d.join("thin.csv"), fresh.path().join("thin.csv")).unwrap();
    retro(fresh.path()).args(["--db", "retro.db", "import", "deployments", "thin.csv"]).assert().success().stdout(
        "The file has no kind column, so it does not say which deployments were hotfixes, rollbacks or fixes \
             forward: the weeks imported here have no rework rate unless another import gave their kinds.\n\
             Imported 2 deployments from thin.csv for team payments: 2 new, 0 updated, 0 unchanged.\n",
    );
}

#[test]
fn a_bad_import_fails_with_file_line_and_field_and_writes_nothing() {
    let dir = store_with_team();
    let d = dir.path();
    std::fs::write(d.join("deployments.csv"), "id,deployed_at\nD-1,2026-11-02T10:00:00Z\nD-2,2025-13-01\n").unwrap();
    retro(d)
        .args(["--db", "retro.db", "import", "deployments", "deployments.csv"])
        .assert()
        .failure()
        .stdout("")
        .stderr(
            "retro: deployments.csv:3: deployed_at: \"2025-13-01\" is not a date; expected RFC 3339 \
             (2025-01-31T14:05:00Z) or YYYY-MM-DD HH:MM:SS (read as UTC)\n",
        );
    std::fs::write(d.join("metrics.csv"), "name,unit,polarity,period,value\nchange_failure_rate,%,,2026-W40,140\n")
        .unwrap();
    retro(d).args(["--db", "retro.db", "import", "metrics", "metrics.csv"]).assert().failure().stderr(
        "retro: metrics.csv:2: value: 140 is out of range for change_failure_rate: it must be between 0 and 100\n",
    );
    retro(d)
        .args(["--db", "retro.db", "import", "incidents", "missing.csv"])
        .assert()
        .failure()
        .stderr(predicate::str::starts_with("retro: missing.csv: cannot be read: "));
    let json = json_of(retro(d).args(["--db", "retro.db", "teams", "list", "--format", "json"]));
    assert_eq!(
        json,
        serde_json::json!([{"name": "payments", "utc_offset": "+00:00", "deployments": 0, "changes": 0, "incidents": 0, "team_metrics": 0}])
    );
}

// --- the store: refusal and location ---------------------------------------------------------

#[test]
fn a_store_from_a_newer_retro_is_refused_and_left_untouched() {
    let dir = store_with_team();
    let d = dir.path();
    let db = d.join("retro.db");
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.pragma_update(None, "user_version", 999).unwrap();
    }
    let before = files(d);
    assert_eq!(
        before.keys().cloned().collect::<Vec<_>>(),
        [db],
        "closing the last connection removes the -wal and -shm files"
    );
    for args in [
        &["--db", "retro.db", "metrics"][..],
        &["--db", "retro.db", "teams", "add", "search"],
        &["--db", "retro.db", "teams", "list"],
    ] {
        retro(d).args(args).assert().failure().stdout("").stderr(format!(
            "retro: retro.db was written by a newer version of retro (schema version 999; this \
             retro knows up to {}). It was left untouched: upgrade retro to use it.\n",
            retro::store::SCHEMA_VERSION
        ));
        assert_eq!(files(d), before, "{args:?} changed the folder");
    }
}

#[test]
fn a_foreign_database_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = d.join("notes.db");
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('hello');").unwrap();
    }
    std::fs::write(d.join("notes.txt"), "not a database at all\n").unwrap();
    let before = files(d);
    retro(d).args(["--db", "notes.db", "teams", "add", "payments"]).assert().failure().stderr(
        "retro: notes.db is an SQLite database of another application, not a retro store; it was left untouched\n",
    );
    assert_eq!(files(d), before);
    retro(d)
        .args(["--db", "notes.txt", "metrics"])
        .assert()
        .failure()
        .stderr("retro: notes.txt is not an SQLite database, so not a retro store; it was left untouched\n");
    assert_eq!(files(d), before);
}

#[test]
fn db_flag_wins_over_retro_db() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    retro(d)
        .env("RETRO_DB", d.join("from-env.db"))
        .args(["--db", "from-flag.db", "teams", "add", "payments"])
        .assert()
        .success();
    assert!(d.join("from-flag.db").exists());
    assert!(!d.join("from-env.db").exists());
    assert!(walk(&d.join("home")).is_empty(), "nothing in the default place");

    let teams = json_of(retro(d).env("RETRO_DB", d.join("from-env.db")).args([
        "--db",
        "from-flag.db",
        "teams",
        "list",
        "--format",
        "json",
    ]));
    assert_eq!(teams[0]["name"], "payments");
    assert!(!d.join("from-env.db").exists());
}

#[test]
fn retro_db_is_used_without_db_flag() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    retro(d).env("RETRO_DB", "nested/folder/from-env.db").args(["teams", "add", "search"]).assert().success();
    assert!(d.join("nested/folder/from-env.db").exists());
    assert!(walk(&d.join("home")).is_empty(), "nothing in the default place");
    let teams =
        json_of(retro(d).env("RETRO_DB", "nested/folder/from-env.db").args(["teams", "list", "--format", "json"]));
    assert_eq!(teams[0]["name"], "search");
}

#[test]
fn without_db_or_retro_db_the_store_is_in_the_data_folder() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    retro(d).args(["teams", "add", "payments"]).assert().success();
    let stores: Vec<PathBuf> =
        walk(&d.join("home")).into_iter().filter(|p| p.file_name().is_some_and(|n| n == "retro.db")).collect();
    assert_eq!(stores.len(), 1, "{stores:?}");
    #[cfg(target_os = "linux")]
    assert_eq!(stores[0], d.join("home/.local/share/retro/retro.db"));
    // Only the store's files were written, and nothing beside it in the working folder.
    assert_eq!(std::fs::read_dir(d).unwrap().count(), 1, "only home/ in the working folder");
    let teams = json_of(retro(d).args(["teams", "list", "--format", "json"]));
    assert_eq!(teams[0]["name"], "payments");
}

// --- team selection ----------------------------------------------------------------------

#[test]
fn team_selection() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A store that does not exist is not started by a command that only reads it.
    for args in [&["metrics"][..], &["teams", "list"], &["actions", "list"], &["import", "deployments", "x.csv"]] {
        retro(d).args(["--db", "nested/retro.db"]).args(args).assert().failure().stderr(
            "retro: there is no retro store at nested/retro.db yet: check the path, or start one by adding a \
             team with `retro teams add NAME` (or try everything on the demo team with `retro --demo`)\n",
        );
        assert!(walk(d).is_empty(), "{args:?} wrote {:?}", walk(d));
    }
    // An empty store (its teams removed by hand, or made by an older retro).
    drop(retro::store::Store::open(&d.join("retro.db")).unwrap());
    retro(d).args(["--db", "retro.db", "metrics"]).assert().failure().stderr(
        "retro: this store has no team yet: add one with `retro teams add NAME`, then import its \
             data (or try everything on the demo team with `retro --demo`)\n",
    );
    retro(d)
        .args(["--db", "retro.db", "--team", "payments", "metrics"])
        .assert()
        .failure()
        .stderr("retro: there is no team \"payments\" yet: add it with `retro teams add payments`\n");

    retro(d).args(["--db", "retro.db", "teams", "add", "payments"]).assert().success();
    // One team: no --team needed.
    let json = json_of(retro(d).args(["--db", "retro.db", "metrics", "--format", "json"]));
    assert_eq!(json["team"], "payments");

    retro(d).args(["--db", "retro.db", "teams", "add", "search", "--utc-offset", "+02:00"]).assert().success();
    retro(d)
        .args(["--db", "retro.db", "metrics"])
        .assert()
        .failure()
        .stderr("retro: this store has several teams (payments, search): choose one with --team NAME\n");
    let json = json_of(retro(d).args(["--db", "retro.db", "--team", "search", "metrics", "--format", "json"]));
    assert_eq!(json["team"], "search");
    assert_eq!(json["utc_offset"], "+02:00");
    let json =
        json_of(retro(d).env("RETRO_TEAM", "payments").args(["--db", "retro.db", "metrics", "--format", "json"]));
    assert_eq!(json["team"], "payments");
    retro(d)
        .args(["--db", "retro.db", "--team", "billing", "metrics"])
        .assert()
        .failure()
        .stderr("retro: there is no team \"billing\"; teams in this store: payments, search\n");
}

// --- retro metrics -------------------------------------------------------------------------

const DORA: [&str; 5] = [
    "deployment_frequency",
    "change_lead_time",
    "change_failure_rate",
    "failed_deployment_recovery_time",
    "deployment_rework_rate",
];

fn demo_metrics(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = retro(dir);
    cmd.args(["--demo", "metrics"]).args(args);
    cmd
}

#[test]
fn demo_metrics_json_shape() {
    let dir = tempfile::tempdir().unwrap();
    let json = json_of(&mut demo_metrics(dir.path(), &["--format", "json"]));
    assert_eq!(json["schema"], "retro.metrics/1");
    assert_eq!(json["team"], "Demo team");
    assert_eq!(json["utc_offset"], "+00:00");
    assert_eq!(json["period"], "week");
    let periods = json["periods"].as_array().unwrap();
    assert_eq!(periods.len(), 12, "12 weeks by default");
    assert_eq!(periods.last().unwrap()["label"], "2026-W48", "ends with this week");
    // Whole weeks, but the current one ends now.
    let (current, past) = periods.split_last().unwrap();
    for p in past {
        assert_eq!((&p["days"], &p["partial"]), (&7.0.into(), &false.into()), "{}", p["label"]);
    }
    assert_eq!(current["start"], "2026-11-23T00:00:00+00:00");
    assert_eq!(current["end"], "2026-11-26T12:00:00+00:00");
    assert_eq!(current["days"], 3.5);
    assert_eq!(current["partial"], true);
    for p in periods {
        let metrics = p["metrics"].as_object().unwrap();
        assert_eq!(metrics.keys().collect::<Vec<_>>(), DORA);
        for (key, m) in metrics {
            let unit = match key.as_str() {
                "deployment_frequency" => "deploys/day",
                "change_lead_time" | "failed_deployment_recovery_time" => "hours",
                _ => "%",
            };
            assert_eq!(m["unit"], unit);
            // A count is unknown only where the value is: outside the data's coverage.
            assert!(m["count"].is_u64() || (m["count"].is_null() && m["value"].is_null()), "{key}: {m}");
            assert!(m["value"].is_number() || m["value"].is_null());
            // A value says where it came from; no value, no source.
            assert_eq!(m["value"].is_null(), m["source"].is_null(), "{key}: {m}");
            if !m["source"].is_null() {
                assert!(["events", "imported"].contains(&m["source"].as_str().unwrap()));
            }
        }
        let freq = &metrics["deployment_frequency"];
        match freq["value"].as_f64() {
            Some(per_day) => {
                let per_week = freq["per_week"].as_f64().unwrap();
                assert!((per_week - per_day * 7.0).abs() < 1e-9);
            }
            None => assert!(freq["per_week"].is_null()),
        }
        // Counts are null only outside the data's coverage, which the demo's periods are not.
        for key in ["failed_deployments", "rework_deployments", "unlinked_incidents"] {
            assert!(p[key].is_u64(), "{key}");
        }
        let team_metrics = p["team_metrics"].as_array().unwrap();
        let names: Vec<&str> = team_metrics.iter().map(|t| t["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["customer_satisfaction", "escaped_defects"]);
        for t in team_metrics {
            assert!(t["unit"].is_string());
            assert!(["higher_is_better", "lower_is_better"].contains(&t["polarity"].as_str().unwrap()));
            assert!(t["value"].is_number() || t["value"].is_null());
        }
    }
    for key in [
        "incidents_without_production_deployment",
        "changes_naming_unknown_deployments",
        "changes_with_unusable_deployment",
        "changes_not_yet_deployed",
    ] {
        assert!(json["diagnostics"][key].is_u64(), "{key}");
    }
}

#[test]
fn demo_metrics_json_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let out = stdout_of(&mut demo_metrics(dir.path(), &["--last", "3", "--format", "json"]));
    insta::assert_snapshot!("demo_metrics_last_3_json", out);
}

#[test]
fn demo_metrics_csv_is_long_format() {
    let dir = tempfile::tempdir().unwrap();
    let out = stdout_of(&mut demo_metrics(dir.path(), &["--last", "4", "--format", "csv"]));
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("period,start,end,metric,value,unit,count,source"));
    let rows: Vec<Vec<String>> = lines.map(|l| l.split(',').map(str::to_owned).collect()).collect();
    // Four weeks of five DORA metrics and two team-chosen metrics.
    assert_eq!(rows.len(), 4 * (5 + 2));
    assert!(rows.iter().all(|r| r.len() == 8));
    let weeks: Vec<&str> = rows.iter().step_by(7).map(|r| r[0].as_str()).collect();
    assert_eq!(weeks, ["2026-W45", "2026-W46", "2026-W47", "2026-W48"]);
    let metrics: Vec<&str> = rows[..7].iter().map(|r| r[3].as_str()).collect();
    assert_eq!(metrics, [&DORA[..], &["customer_satisfaction", "escaped_defects"]].concat());
    assert_eq!(rows[0][1], "2026-11-02T00:00:00+00:00");
    assert_eq!(rows[0][2], "2026-11-09T00:00:00+00:00");
    // Empty value and source mean no data, never zero.
    for r in &rows {
        assert_eq!(r[4].is_empty(), r[7].is_empty(), "{r:?}");
    }
}

#[test]
fn from_to_is_one_window_and_with_period_month_it_is_months() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let json = json_of(&mut demo_metrics(d, &["--from", "2026-01-01", "--to", "2026-03-31", "--format", "json"]));
    assert_eq!(json["period"], "window");
    let periods = json["periods"].as_array().unwrap();
    assert_eq!(periods.len(), 1);
    assert_eq!(periods[0]["label"], "2026-01-01..2026-03-31");
    assert_eq!(periods[0]["start"], "2026-01-01T00:00:00+00:00");
    assert_eq!(periods[0]["end"], "2026-04-01T00:00:00+00:00");
    assert_eq!(periods[0]["days"], 90.0);

    let json = json_of(&mut demo_metrics(
        d,
        &["--period", "month", "--from", "2026-01-15", "--to", "2026-03-10", "--format", "json"],
    ));
    assert_eq!(json["period"], "month");
    let labels: Vec<&str> = json["periods"].as_array().unwrap().iter().map(|p| p["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["2026-01", "2026-02", "2026-03"]);
    assert_eq!(json["periods"][1]["days"], 28.0);

    let json = json_of(&mut demo_metrics(d, &["--period", "month", "--last", "2", "--format", "json"]));
    let labels: Vec<&str> = json["periods"].as_array().unwrap().iter().map(|p| p["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["2026-10", "2026-11"]);
}

#[test]
fn bad_period_arguments_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    demo_metrics(d, &["--last", "0"]).assert().failure().stdout("").stderr("retro: --last needs at least 1 period\n");
    demo_metrics(d, &["--from", "2026-03-01", "--to", "2026-01-01"])
        .assert()
        .failure()
        .stdout("")
        .stderr("retro: --from 2026-03-01 is after --to 2026-01-01\n");
    demo_metrics(d, &["--last", "3", "--from", "2026-01-01"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("cannot be used with"));
    demo_metrics(d, &["--from", "2026-02-30"]).assert().failure().stderr(predicate::str::contains("--from"));
}

#[test]
fn demo_table_is_for_people() {
    let dir = tempfile::tempdir().unwrap();
    let out = stdout_of(&mut demo_metrics(dir.path(), &["--last", "2"]));
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("Demo team · week periods · UTC+00:00"));
    let header = lines.next().unwrap();
    for column in ["period", "deploys", "deploy freq", "lead time", "change fail", "recovery", "rework"] {
        assert!(header.contains(column), "{header}");
    }
    assert!(lines.next().unwrap().starts_with("2026-W47"));
    assert!(lines.next().unwrap().starts_with("2026-W48"));
}

#[test]
fn demo_writes_say_that_nothing_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("d.csv"), "id,deployed_at\nX-1,2026-11-02T10:00:00Z\n").unwrap();
    retro(d)
        .args(["--demo", "import", "deployments", "d.csv"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Imported 1 deployments"))
        .stderr("retro: --demo works on an in-memory copy of the demo team: nothing was kept\n");
    // Reading says nothing more.
    retro(d).args(["--demo", "actions", "list"]).assert().success().stderr("");
    assert_eq!(walk(d), [d.join("d.csv")], "no store was written");
}
