//! Peak memory of each API and tool importer (GitHub deployments with statuses, GitHub
//! workflow runs, GitLab deployments, PagerDuty JSON and CSV, Opsgenie, Four Keys) on
//! inputs of 200,000 and 1,000,000 records, into a fresh store: the release binary run
//! under `/usr/bin/time -f %M` (peak resident set, KiB). Printed, not timed by
//! criterion; skipped without `/usr/bin/time`. The files are written once under
//! `target/bench-data/api-import/`. Record `i` happens 2025-01-01 plus `i` minutes.

mod common;

use std::io::{BufWriter, Write};
use std::path::Path;

const START: i64 = 1_735_689_600;

fn at(i: usize) -> String {
    retro::domain::format_timestamp(START + 60 * i as i64, Default::default())
}

fn sha(i: usize) -> String {
    format!("{i:040x}")
}

/// Writes pages of 100 records, one JSON value per page, as `gh api --paginate` does;
/// `page` wraps the records' array (`{}` stands for it).
fn pages(path: &Path, n: usize, page: &str, one: impl Fn(usize) -> String) {
    let mut w = BufWriter::new(std::fs::File::create(path).unwrap());
    for first in (0..n).step_by(100) {
        let items: Vec<String> = (first..(first + 100).min(n)).map(&one).collect();
        let array = format!("[\n{}\n]", items.join(",\n"));
        writeln!(w, "{}", page.replace("{}", &array)).unwrap();
    }
    w.flush().unwrap();
}

fn lines(path: &Path, header: &str, n: usize, one: impl Fn(usize) -> String) {
    let mut w = BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(w, "{header}").unwrap();
    for i in 0..n {
        writeln!(w, "{}", one(i)).unwrap();
    }
    w.flush().unwrap();
}

/// The input files of every importer for `n` records, in `dir`.
fn write_inputs(dir: &Path, n: usize) {
    std::fs::create_dir_all(dir.join("fourkeys")).unwrap();
    pages(&dir.join("gh-deployments.json"), n, "{}", |i| {
        format!(
            r#"{{"id": {i}, "sha": "{}", "environment": "production", "creator": {{"login": "ada"}}, "created_at": "{}"}}"#,
            sha(i),
            at(i)
        )
    });
    pages(&dir.join("gh-statuses.json"), n, "{}", |i| {
        let state = if i.is_multiple_of(10) { "failure" } else { "success" };
        format!(
            r#"{{"id": {i}, "state": "{state}", "created_at": "{}", "deployment_url": "https://api.github.com/repos/o/r/deployments/{i}"}}"#,
            at(i)
        )
    });
    pages(&dir.join("gh-runs.json"), n, r#"{"total_count": 1, "workflow_runs": {}}"#, |i| {
        format!(
            r#"{{"id": {i}, "name": "Deploy", "head_sha": "{s}", "status": "completed", "conclusion": "success", "updated_at": "{}", "head_commit": {{"id": "{s}", "timestamp": "{}"}}}}"#,
            at(i + 30),
            at(i),
            s = sha(i)
        )
    });
    pages(&dir.join("gl-deployments.json"), n, "{}", |i| {
        format!(
            r#"{{"id": {i}, "sha": "{s}", "status": "success", "environment": {{"name": "prod", "tier": "production"}}, "deployable": {{"finished_at": "{}", "commit": {{"id": "{s}", "committed_date": "{}"}}}}}}"#,
            at(i + 30),
            at(i),
            s = sha(i)
        )
    });
    pages(&dir.join("pd-incidents.json"), n, r#"{"incidents": {}, "more": true}"#, |i| {
        format!(
            r#"{{"id": "P{i}", "status": "resolved", "urgency": "high", "created_at": "{}", "resolved_at": "{}", "service": {{"summary": "checkout"}}}}"#,
            at(i),
            at(i + 60)
        )
    });
    lines(&dir.join("pd-incidents.csv"), "Incident ID,Status,Urgency,Service Name,Created On,Resolved On", n, |i| {
        format!("P{i},resolved,high,checkout,{},{}", at(i), at(i + 60))
    });
    pages(&dir.join("og-alerts.json"), n, r#"{"data": {}, "took": 0.1}"#, |i| {
        format!(
            r#"{{"id": "a-{i}", "status": "closed", "priority": "P1", "createdAt": "{}", "tags": ["service:checkout"], "report": {{"closeTime": 3600000}}}}"#,
            at(i)
        )
    });
    // Four Keys: n changes, shipped ten to a deployment, and an incident per hundred.
    let fk = dir.join("fourkeys");
    let mut w = BufWriter::new(std::fs::File::create(fk.join("deployments.json")).unwrap());
    for d in 0..n / 10 {
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
    lines(&fk.join("changes.csv"), "change_id,time_created", n, |c| format!("c{c},{}", at(c)));
    lines(&fk.join("incidents.csv"), "incident_id,time_created,changes", n / 100, |k| {
        format!("i{k},{},c{}", at(k * 100 + 20), k * 100)
    });
}

/// `(what, arguments of retro import)` of each importer.
const IMPORTS: [(&str, &[&str]); 7] = [
    ("github-deployments + statuses", &["github-deployments", "gh-deployments.json", "--statuses", "gh-statuses.json"]),
    ("github-runs", &["github-runs", "gh-runs.json", "--workflow", "Deploy"]),
    ("gitlab-deployments", &["gitlab-deployments", "gl-deployments.json"]),
    ("pagerduty JSON", &["pagerduty", "pd-incidents.json"]),
    ("pagerduty CSV", &["pagerduty", "pd-incidents.csv"]),
    ("opsgenie", &["opsgenie", "og-alerts.json"]),
    ("fourkeys", &["fourkeys", "fourkeys"]),
];

fn main() {
    if !Path::new("/usr/bin/time").exists() {
        println!("api import peak memory: skipped, /usr/bin/time is missing");
        return;
    }
    // `cargo bench --bench api_import -- github` measures the importers so named only.
    let only: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    for n in [200_000, 1_000_000] {
        let dir = common::data_dir().join(format!("api-import-v1/{n}"));
        if !dir.join("fourkeys/incidents.csv").exists() {
            write_inputs(&dir, n);
        }
        for (what, args) in IMPORTS {
            if !only.is_empty() && !only.iter().any(|o| what.contains(o.as_str())) {
                continue;
            }
            let db = dir.join("peak.db");
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
            }
            let run = |args: &[&str]| common::peak_memory(&db, &dir, args);
            run(&["teams", "add", "bench"]);
            let mut full = vec!["import"];
            full.extend_from_slice(args);
            full.extend_from_slice(&["--team", "bench"]);
            let (mb, took) = run(&full);
            let size: u64 = args
                .iter()
                .map(|a| dir.join(a))
                .filter(|p| p.exists())
                .map(|p| {
                    if p.is_dir() {
                        std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().metadata().unwrap().len()).sum()
                    } else {
                        p.metadata().unwrap().len()
                    }
                })
                .sum();
            println!(
                "api import peak memory: {what}, {n} records ({} MB): {mb} MB in {:.1} s",
                size / 1_000_000,
                took.as_secs_f64()
            );
        }
    }
}
