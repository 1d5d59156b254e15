//! Bench data: seeded synthetic histories, built once and cached under target/.

#![allow(dead_code)] // each bench uses a part

pub mod kernel_history;

use retro::domain::{Team, Timestamp, UtcOffset, parse_timestamp};
use retro::store::Store;
use retro::synth::{Dataset, uniform};
use std::path::{Path, PathBuf};

/// The end of every synthetic history: a fixed clock keeps runs comparable.
pub fn now() -> Timestamp {
    parse_timestamp("2026-11-26T12:00:00Z").unwrap()
}

pub const YEAR: i64 = 365 * 86_400;

/// About one million changes over five years: 190,000 deployments with 5.5 changes on
/// average (rollbacks ship none, hotfixes one).
pub fn million_changes() -> Dataset {
    uniform(42, 190_000, 5.5, now() - 5 * YEAR, now())
}

pub fn data_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A store holding [`million_changes`] for one team, built on first use.
pub fn million_change_store() -> (Store, Team) {
    cached_store("million-changes-v3.db", million_changes)
}

/// About five million changes over five years: 980,000 deployments with 5.5 changes on
/// average. The store (about 600 MB) is built on first use, which takes a few minutes.
pub fn five_million_changes() -> Dataset {
    uniform(42, 980_000, 5.5, now() - 5 * YEAR, now())
}

/// A store holding [`five_million_changes`] for one team, built on first use.
pub fn five_million_change_store() -> (Store, Team) {
    cached_store("five-million-changes-v1.db", five_million_changes)
}

/// The store `name` under [`data_dir`] holding `data()` for a team "bench", built on
/// first use under a temporary name so an interrupted build is never taken for one.
fn cached_store(name: &str, data: fn() -> Dataset) -> (Store, Team) {
    let path = data_dir().join(name);
    if !path.exists() {
        let tmp = path.with_extension("partial");
        let _ = std::fs::remove_file(&tmp);
        let mut store = Store::open(&tmp).unwrap();
        let team = store.add_team("bench", UtcOffset::UTC).unwrap();
        let data = data();
        store.load_deployments(&team, &data.deployments, "bench").unwrap();
        store.load_changes(&team, &data.changes, "bench").unwrap();
        store.load_incidents(&team, &data.incidents, "bench").unwrap();
        drop(store);
        std::fs::rename(&tmp, &path).unwrap();
    }
    let store = Store::open(&path).unwrap();
    let team = store.team_by_name("bench").unwrap().unwrap();
    (store, team)
}

/// Runs the release binary with `args` on the store `db`, in `dir`, under
/// `/usr/bin/time -f %M`: its peak resident set in MiB, and how long it took.
pub fn peak_memory(db: &Path, dir: &Path, args: &[&str]) -> (u64, std::time::Duration) {
    let started = std::time::Instant::now();
    let out = std::process::Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(env!("CARGO_BIN_EXE_retro"))
        .arg("--db")
        .arg(db)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{args:?}: {stderr}");
    let kib: u64 = stderr.lines().last().and_then(|l| l.trim().parse().ok()).unwrap();
    (kib / 1024, started.elapsed())
}
