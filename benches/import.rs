//! Import of one million deployment + change rows from CSV into a fresh store on disk:
//! read, parse, validate, load and commit, as `retro import` does; and of one JSON
//! record with 100,000 keys, which must take time linear in its keys.

mod common;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use retro::domain::UtcOffset;
use retro::import::{Format, ImportKind, import_bytes, read_file};
use retro::store::Store;
use std::io::Write;
use std::path::Path;
use std::time::Duration;

fn import_million_rows(c: &mut Criterion) {
    let data = common::million_changes();
    let dir = common::data_dir().join("csv-million");
    if !dir.join("changes.csv").exists() {
        data.write_csv(&dir).unwrap();
    }
    let rows = (data.deployments.len() + data.changes.len()) as u64;
    let mut group = c.benchmark_group("import");
    group.sample_size(10).measurement_time(Duration::from_secs(60)).throughput(Throughput::Elements(rows));
    group.bench_function(format!("csv_{rows}_deployment_and_change_rows"), |b| {
        b.iter_with_setup(
            || {
                let db = tempfile::NamedTempFile::new_in(common::data_dir()).unwrap();
                let mut store = Store::open(db.path()).unwrap();
                let team = store.add_team("bench", UtcOffset::UTC).unwrap();
                (db, store, team)
            },
            |(db, mut store, team)| {
                for (kind, file) in [(ImportKind::Deployments, "deployments.csv"), (ImportKind::Changes, "changes.csv")]
                {
                    let path = dir.join(file);
                    let bytes = read_file(&path).unwrap();
                    import_bytes(&mut store, &team, kind, file, &bytes, Format::Csv).unwrap();
                }
                drop(store);
                drop(db);
            },
        )
    });
    group.finish();
}

/// The floor under `import_million_rows` on this machine: the same rows, parsed and
/// linked beforehand, inserted by plain prepared statements in one transaction with the
/// store's pragmas, then committed and checkpointed. No parsing, no repeated-id check,
/// no upsert, no lookup, no summaries. Into retro's schema (the indexes the metrics and
/// the loader rely on), and into tables with nothing but the unique key per team and
/// external id that an idempotent import needs at the least.
fn sqlite_floor_of_million_rows(c: &mut Criterion) {
    let data = common::million_changes();
    let rows = (data.deployments.len() + data.changes.len()) as u64;
    // Each change's deployment row and time, worked out before the clock starts: the
    // deployments of an empty table get row ids 1, 2, ... in order.
    let row_ids: std::collections::HashMap<&str, (i64, &retro::domain::Deployment)> =
        data.deployments.iter().enumerate().map(|(i, d)| (d.external_id.as_str(), (i as i64 + 1, d))).collect();
    let links: Vec<(Option<i64>, Option<retro::domain::Timestamp>)> = data
        .changes
        .iter()
        .map(|c| {
            let shipped = c.deployment_id.as_deref().and_then(|id| row_ids.get(id));
            let at = shipped.filter(|(_, d)| d.is_production() && d.deployed_at >= c.committed_at);
            (shipped.map(|(id, _)| *id), at.map(|(_, d)| d.deployed_at))
        })
        .collect();
    let mut group = c.benchmark_group("import");
    group.sample_size(10).measurement_time(Duration::from_secs(60)).throughput(Throughput::Elements(rows));
    let retro_schema = |path: &Path| {
        let mut store = Store::open(path).unwrap();
        store.add_team("bench", UtcOffset::UTC).unwrap();
    };
    let unique_keys_only = |path: &Path| {
        let conn = rusqlite::Connection::open(path).unwrap();
        conn.pragma_update(None, "page_size", 8192).unwrap();
        conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(())).unwrap();
        conn.execute_batch(
            "CREATE TABLE deployments (id INTEGER PRIMARY KEY, team_id INTEGER NOT NULL, external_id TEXT NOT NULL,
                 source TEXT NOT NULL, deployed_at INTEGER NOT NULL, environment TEXT NOT NULL,
                 is_production INTEGER NOT NULL, service TEXT, status TEXT NOT NULL, kind TEXT NOT NULL,
                 UNIQUE (team_id, external_id)) STRICT;
             CREATE TABLE changes (id INTEGER PRIMARY KEY, team_id INTEGER NOT NULL, external_id TEXT NOT NULL,
                 source TEXT NOT NULL, committed_at INTEGER NOT NULL, deployment_external_id TEXT, service TEXT,
                 deployment_ref INTEGER, deployed_at INTEGER, UNIQUE (team_id, external_id)) STRICT;",
        )
        .unwrap();
    };
    for (name, create) in [("retro_schema", &retro_schema as &dyn Fn(&Path)), ("unique_keys_only", &unique_keys_only)] {
        group.bench_function(format!("sqlite_floor_{rows}_rows_{name}"), |b| {
            b.iter_with_setup(
                || {
                    let db = tempfile::NamedTempFile::new_in(common::data_dir()).unwrap();
                    create(db.path());
                    db
                },
                |db| {
                    insert_prelinked(db.path(), &data, &links);
                    drop(db);
                },
            )
        });
    }
    group.finish();
}

/// Inserts `data` for team 1 into a store whose tables are empty, as plainly as SQLite
/// allows, and closes it.
fn insert_prelinked(
    path: &Path,
    data: &retro::synth::Dataset,
    links: &[(Option<i64>, Option<retro::domain::Timestamp>)],
) {
    let mut conn = rusqlite::Connection::open(path).unwrap();
    conn.pragma_update(None, "synchronous", "FULL").unwrap();
    conn.pragma_update(None, "temp_store", "MEMORY").unwrap();
    conn.pragma_update(None, "cache_size", -65_536).unwrap();
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).unwrap();
    {
        let mut insert = tx
            .prepare(
                "INSERT INTO deployments (team_id, external_id, source, deployed_at, environment, is_production,
                                          service, status, kind)
                 VALUES (1, ?1, 'csv', ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .unwrap();
        for d in &data.deployments {
            let values = rusqlite::params![
                d.external_id,
                d.deployed_at,
                d.environment,
                d.is_production(),
                d.service,
                d.status.as_str(),
                d.kind.as_str()
            ];
            insert.execute(values).unwrap();
        }
        let mut insert = tx
            .prepare(
                "INSERT INTO changes (team_id, external_id, source, committed_at, deployment_external_id, service,
                                      deployment_ref, deployed_at)
                 VALUES (1, ?1, 'csv', ?2, ?3, ?4, ?5, ?6)",
            )
            .unwrap();
        for (c, (deployment_ref, deployed_at)) in data.changes.iter().zip(links) {
            let values = rusqlite::params![
                c.external_id,
                c.committed_at,
                c.deployment_id,
                c.service,
                deployment_ref,
                deployed_at
            ];
            insert.execute(values).unwrap();
        }
    }
    tx.commit().unwrap();
}

/// One deployment whose record also carries 100,000 keys retro does not use (a webhook
/// payload flattened by some tool): reading the keys must stay linear.
fn import_json_record_of_100000_keys(c: &mut Criterion) {
    let mut text = String::from("[{\"id\": \"D-1\", \"deployed_at\": \"2025-02-01T10:00:00Z\"");
    for i in 0..100_000 {
        text.push_str(&format!(", \"key_{i}\": \"value {i}\""));
    }
    text.push_str("}]");
    let mut group = c.benchmark_group("import");
    group.sample_size(10).measurement_time(Duration::from_secs(5));
    group.bench_function("json_one_record_of_100000_keys", |b| {
        b.iter_with_setup(
            || {
                let db = tempfile::NamedTempFile::new_in(common::data_dir()).unwrap();
                let mut store = Store::open(db.path()).unwrap();
                let team = store.add_team("bench", UtcOffset::UTC).unwrap();
                (db, store, team)
            },
            |(db, mut store, team)| {
                let s =
                    import_bytes(&mut store, &team, ImportKind::Deployments, "d.json", text.as_bytes(), Format::Json)
                        .unwrap();
                assert_eq!(s.unused_columns.len(), 100_000);
                drop(store);
                drop(db);
            },
        )
    });
    group.finish();
}

/// Peak memory of `retro import changes` of five million changes, CSV and JSON, into a
/// store that already holds their 980,000 deployments: the release binary run under
/// `/usr/bin/time -f %M` (the peak resident set, in KiB). Printed, not timed by
/// criterion: one import takes about a minute. Skipped without `/usr/bin/time`.
fn import_peak_memory(_: &mut Criterion) {
    if !Path::new("/usr/bin/time").exists() {
        println!("import peak memory: skipped, /usr/bin/time is missing");
        return;
    }
    let dir = common::data_dir().join("five-million");
    if !dir.join("changes.json").exists() {
        let data = common::five_million_changes();
        data.write_csv(&dir).unwrap();
        write_changes_json(&data, &dir.join("changes.json")).unwrap();
    }
    let db = dir.join("peak.db");
    let run = |args: &[&str]| common::peak_memory(&db, &dir, args);
    for format in ["csv", "json"] {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
        }
        run(&["teams", "add", "bench"]);
        let (deploy_mb, _) = run(&["import", "deployments", "deployments.csv", "--team", "bench"]);
        let file = format!("changes.{format}");
        let (mb, took) = run(&["import", "changes", &file, "--team", "bench"]);
        let size = std::fs::metadata(dir.join(&file)).unwrap().len() / 1_000_000;
        println!(
            "import peak memory: {file} ({size} MB, 5,000,000 changes): {mb} MB in {:.1} s; \
             deployments.csv (980,000 rows) before it: {deploy_mb} MB",
            took.as_secs_f64()
        );
    }
}

fn write_changes_json(data: &retro::synth::Dataset, path: &Path) -> std::io::Result<()> {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(w, "[")?;
    for (i, c) in data.changes.iter().enumerate() {
        let comma = if i + 1 == data.changes.len() { "" } else { "," };
        let ts = retro::domain::format_timestamp(c.committed_at, Default::default());
        let deployment = c.deployment_id.as_ref().map(|d| format!(", \"deployment_id\": \"{d}\"")).unwrap_or_default();
        writeln!(w, "  {{\"id\": \"{}\", \"committed_at\": \"{ts}\"{deployment}}}{comma}", c.external_id)?;
    }
    writeln!(w, "]")?;
    w.flush()
}

criterion_group!(
    benches,
    import_million_rows,
    sqlite_floor_of_million_rows,
    import_json_record_of_100000_keys,
    import_peak_memory
);
criterion_main!(benches);
