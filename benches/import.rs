//! Import of one million deployment + change rows from CSV into a fresh store on disk:
//! read, parse, validate, load and commit, as `retro import` does; and of one JSON
//! record with 100,000 keys, which must take time linear in its keys.

mod common;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use retro::domain::UtcOffset;
use retro::import::{Format, ImportKind, import_bytes, read_file};
use retro::store::Store;
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

criterion_group!(benches, import_million_rows, import_json_record_of_100000_keys);
criterion_main!(benches);
