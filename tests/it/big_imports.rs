//! Each API and tool importer reads a large generated input (50,000 records, written in
//! the test into a temporary folder: a dozen of the loader's batches and 500 pages)
//! through `retro import`, which streams it, and stores every record. Record `i` is
//! deployed (or started) at 2025-01-01 00:00 UTC plus `i` minutes; every tenth one
//! failed. 200,000 records took 12 minutes for these tests in a debug build on two
//! cores, so the 200,000 and 1,000,000-record inputs, and the memory they take, are
//! `cargo bench --bench api_import`'s (docs/performance.md).

use retro::store::Store;
use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

const N: usize = 50_000;
/// 2025-01-01T00:00:00Z.
const START: i64 = 1_735_689_600;

fn at(i: usize) -> String {
    retro::domain::format_timestamp(START + 60 * i as i64, Default::default())
}

fn retro(dir: &Path) -> assert_cmd::Command {
    let mut cmd = crate::common::retro_in(dir);
    cmd.args(["--db", "retro.db"]);
    cmd
}

/// Imports with `args` into a fresh store of team `big`; its output.
fn import(dir: &Path, args: &[&str]) -> String {
    retro(dir).args(["teams", "add", "big"]).assert().success();
    let out = retro(dir).arg("import").args(args).args(["--team", "big"]).assert().success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

/// Writes `pages` of `per_page` records each, as `page(first, last)` renders them.
fn write_pages(path: &Path, per_page: usize, mut page: impl FnMut(std::ops::Range<usize>) -> String) {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for first in (0..N).step_by(per_page) {
        w.write_all(page(first..(first + per_page).min(N)).as_bytes()).unwrap();
        w.write_all(b"\n").unwrap();
    }
    w.flush().unwrap();
}

/// `[a, b, ...]` of each record `one(i)` renders.
fn array(range: impl Iterator<Item = usize>, one: impl Fn(usize) -> String) -> String {
    let items: Vec<String> = range.map(one).collect();
    format!("[\n{}\n]", items.join(",\n"))
}

/// `(deployments, failed deployments, changes, incidents)` in the store.
fn stored(dir: &Path) -> (u64, u64, u64, u64) {
    let store = Store::open(&dir.join("retro.db")).unwrap();
    let team = store.teams().unwrap().into_iter().find(|t| t.name == "big").unwrap();
    let c = store.team_counts(&team).unwrap();
    drop(store);
    let conn = rusqlite::Connection::open(dir.join("retro.db")).unwrap();
    let failed = conn.query_row("SELECT count(*) FROM deployments WHERE status = 'failed'", [], |r| r.get(0)).unwrap();
    (c.deployments, failed, c.changes, c.incidents)
}

fn failed(i: usize) -> bool {
    i.is_multiple_of(10)
}

fn sha(i: usize) -> String {
    format!("{i:040x}")
}

#[test]
fn github_deployments_with_their_statuses() {
    let dir = tempfile::tempdir().unwrap();
    // gh api --paginate: one array per page of 100, back to back.
    write_pages(&dir.path().join("deployments.json"), 100, |r| {
        array(r, |i| {
            format!(
                r#"{{"id": {i}, "sha": "{}", "environment": "production", "creator": {{"login": "ada"}}, "created_at": "{}"}}"#,
                sha(i),
                at(i)
            )
        })
    });
    // The statuses of the last deployments come first, as pages of another endpoint would.
    write_pages(&dir.path().join("statuses.json"), 100, |r| {
        array(r, |j| {
            let i = N - 1 - j;
            let state = if failed(i) { "failure" } else { "success" };
            format!(
                r#"{{"id": {j}, "state": "{state}", "created_at": "{}", "deployment_url": "https://api.github.com/repos/o/r/deployments/{i}"}}"#,
                at(i)
            )
        })
    });
    let out = import(dir.path(), &["github-deployments", "deployments.json", "--statuses", "statuses.json"]);
    assert!(out.contains(&format!("Imported {N} deployment(s) and 0 change(s)")), "{out}");
    assert!(out.contains("Dropped field(s) creator:"), "{out}");
    assert_eq!(stored(dir.path()), (N as u64, N as u64 / 10, 0, 0));
}

#[test]
fn github_workflow_runs() {
    let dir = tempfile::tempdir().unwrap();
    write_pages(&dir.path().join("runs.json"), 100, |r| {
        let runs = array(r, |i| {
            let conclusion = if failed(i) { "failure" } else { "success" };
            format!(
                r#"{{"id": {i}, "name": "Deploy", "path": ".github/workflows/deploy.yml", "head_sha": "{sha}", "status": "completed", "conclusion": "{conclusion}", "updated_at": "{}", "actor": {{"login": "ada"}}, "head_commit": {{"id": "{sha}", "timestamp": "{}"}}}}"#,
                at(i + 30),
                at(i),
                sha = sha(i)
            )
        });
        format!(r#"{{"total_count": {N}, "workflow_runs": {runs}}}"#)
    });
    let out = import(dir.path(), &["github-runs", "runs.json", "--workflow", "deploy.yml"]);
    assert!(out.contains(&format!("Imported {N} deployment(s) and {N} change(s)")), "{out}");
    assert_eq!(stored(dir.path()), (N as u64, N as u64 / 10, N as u64, 0));
}

#[test]
fn gitlab_deployments() {
    let dir = tempfile::tempdir().unwrap();
    write_pages(&dir.path().join("deployments.json"), 100, |r| {
        array(r, |i| {
            let status = if failed(i) { "failed" } else { "success" };
            format!(
                r#"{{"id": {i}, "sha": "{sha}", "status": "{status}", "user": {{"username": "ada"}}, "environment": {{"name": "prod", "tier": "production"}}, "deployable": {{"finished_at": "{}", "commit": {{"id": "{sha}", "committed_date": "{}"}}}}}}"#,
                at(i + 30),
                at(i),
                sha = sha(i)
            )
        })
    });
    let out = import(dir.path(), &["gitlab-deployments", "deployments.json"]);
    assert!(out.contains(&format!("Imported {N} deployment(s) and {N} change(s)")), "{out}");
    assert_eq!(stored(dir.path()), (N as u64, N as u64 / 10, N as u64, 0));
}

/// PagerDuty incident `i`: high urgency except every tenth, resolved an hour later.
fn pagerduty_json(i: usize) -> String {
    let urgency = if failed(i) { "low" } else { "high" };
    format!(
        r#"{{"id": "P{i}", "status": "resolved", "urgency": "{urgency}", "created_at": "{}", "resolved_at": "{}", "service": {{"summary": "checkout"}}, "assignments": [{{"assignee": {{"summary": "Ada"}}}}]}}"#,
        at(i),
        at(i + 60)
    )
}

#[test]
fn pagerduty_api_pages() {
    let dir = tempfile::tempdir().unwrap();
    write_pages(&dir.path().join("incidents.json"), 100, |r| {
        format!(r#"{{"incidents": {}, "limit": 100, "more": true}}"#, array(r, pagerduty_json))
    });
    let out = import(dir.path(), &["pagerduty", "incidents.json"]);
    assert!(out.contains(&format!("Left out {} incident(s)", N / 10)), "{out}");
    assert!(out.contains(&format!("Imported {} incidents", N - N / 10)), "{out}");
    assert_eq!(stored(dir.path()), (0, 0, 0, (N - N / 10) as u64));
}

#[test]
fn pagerduty_csv_export() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("Incident ID,Status,Urgency,Service Name,Created On,Resolved On,Assigned To\n");
    for i in 0..N {
        let urgency = if failed(i) { "low" } else { "high" };
        writeln!(text, "P{i},resolved,{urgency},checkout,{},{},Ada", at(i), at(i + 60)).unwrap();
    }
    std::fs::write(dir.path().join("incidents.csv"), text).unwrap();
    let out = import(dir.path(), &["pagerduty", "incidents.csv"]);
    assert!(out.contains(&format!("Imported {} incidents", N - N / 10)), "{out}");
    assert_eq!(stored(dir.path()), (0, 0, 0, (N - N / 10) as u64));
}

#[test]
fn opsgenie_alert_pages() {
    let dir = tempfile::tempdir().unwrap();
    write_pages(&dir.path().join("alerts.json"), 100, |r| {
        let alerts = array(r, |i| {
            let priority = if failed(i) { "P4" } else { "P1" };
            format!(
                r#"{{"id": "a-{i}", "status": "closed", "priority": "{priority}", "createdAt": "{}", "updatedAt": "{}", "tags": ["service:checkout"], "owner": "ada@example.com", "report": {{"closeTime": 3600000, "closedBy": "ada"}}}}"#,
                at(i),
                at(i + 60)
            )
        });
        format!(r#"{{"data": {alerts}, "took": 0.1}}"#)
    });
    let out = import(dir.path(), &["opsgenie", "alerts.json"]);
    assert!(out.contains(&format!("Left out {} incident(s)", N / 10)), "{out}");
    assert!(out.contains(&format!("Imported {} incidents", N - N / 10)), "{out}");
    assert_eq!(stored(dir.path()), (0, 0, 0, (N - N / 10) as u64));
}

#[test]
fn four_keys_tables() {
    let dir = tempfile::tempdir().unwrap();
    // N / 10 deployments of ten changes each (JSON lines), the N changes (CSV) and one
    // incident per hundred changes (JSON), caused by that change.
    let deployments = dir.path().join("deployments.json");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&deployments).unwrap());
    for d in 0..N / 10 {
        let changes: Vec<String> = (d * 10..d * 10 + 10).map(|c| format!("\"c{c}\"")).collect();
        writeln!(
            w,
            r#"{{"deploy_id": "d{d}", "time_created": "{}", "changes": [{}]}}"#,
            at(d * 10 + 10),
            changes.join(",")
        )
        .unwrap();
    }
    w.flush().unwrap();
    drop(w);
    let mut text = String::from("change_id,time_created,author\n");
    for c in 0..N {
        writeln!(text, "c{c},{},ada", at(c)).unwrap();
    }
    std::fs::write(dir.path().join("changes.csv"), text).unwrap();
    write_pages(&dir.path().join("incidents.json"), 100, |r| {
        array(r.step_by(100), |c| {
            format!(r#"{{"incident_id": "i{c}", "time_created": "{}", "changes": ["c{c}"]}}"#, at(c + 20))
        })
    });
    let out = import(dir.path(), &["fourkeys", "."]);
    assert!(out.contains(&format!("Imported {} deployments", N / 10)), "{out}");
    assert!(out.contains(&format!("Imported {N} changes")), "{out}");
    assert!(out.contains(&format!("Imported {} incidents", N / 100)), "{out}");
    assert_eq!(stored(dir.path()), ((N / 10) as u64, 0, N as u64, (N / 100) as u64));
    // Each incident names the deployment that shipped its change: c{c} ships with d{c/10}.
    let conn = rusqlite::Connection::open(dir.path().join("retro.db")).unwrap();
    let linked: u64 = conn
        .query_row(
            "SELECT count(*) FROM incidents WHERE deployment_external_id = 'd' || (CAST(substr(external_id, 2) AS INTEGER) / 10)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(linked, (N / 100) as u64);
}
