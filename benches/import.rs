//! Import of one million deployment + change rows from CSV into a fresh store on disk:
//! read, parse, validate, load and commit, as `retro import` does.

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

criterion_group!(benches, import_million_rows);
criterion_main!(benches);
