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

criterion_group!(benches, import_million_rows, import_json_record_of_100000_keys, import_peak_memory);
criterion_main!(benches);
