//! Profiles the read behind one dashboard load on a store:
//! `cargo run --release --example dashboard_load -- STORE weeks|months|diagnostics|diagnostics-from-events [RUNS]`
//! (under `perf stat -e task-clock` or `perf record -g`). Team "bench", 12 periods
//! ending at the benches' fixed clock.

use retro::domain::{Granularity, Period, parse_timestamp};
use retro::query::table_and_signals;
use retro::store::Store;
use std::hint::black_box;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, path, what, rest @ ..] = &args[..] else {
        panic!("usage: dashboard_load STORE weeks|months|diagnostics|diagnostics-from-events [RUNS]");
    };
    let runs: usize = rest.first().map_or(15, |r| r.parse().expect("a number of runs"));
    let store = Store::open(std::path::Path::new(path)).expect("a retro store");
    let team = store.team_by_name("bench").expect("a readable store").expect("a team named bench");
    let now = parse_timestamp("2026-11-26T12:00:00Z").expect("a timestamp");
    let granularity = if what == "months" { Granularity::Month } else { Granularity::Week };
    let periods: Vec<Period> =
        Period::last_n(now, 12, granularity, team.utc_offset).into_iter().map(|p| p.until(now)).collect();
    let started = std::time::Instant::now();
    for _ in 0..runs {
        if what == "diagnostics" {
            black_box(store.link_diagnostics(&team).expect("diagnostics"));
        } else if what == "diagnostics-from-events" {
            black_box(store.link_diagnostics_from_events(&team).expect("diagnostics"));
        } else {
            black_box(table_and_signals(&store, &team, &periods, now).expect("a dashboard"));
        }
    }
    println!("{what}: {:.1} ms a run", started.elapsed().as_secs_f64() * 1000.0 / runs as f64);
}
