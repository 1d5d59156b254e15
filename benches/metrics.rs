//! All five DORA metrics, weekly, over five years of a store with a million changes.

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use retro::domain::{Granularity, Period};
use retro::query::MetricTable;
use std::hint::black_box;

fn weekly_metrics_over_five_years(c: &mut Criterion) {
    let (store, team) = common::million_change_store();
    let covered = store.coverage(&team).unwrap().deployments;
    let (first, end) = covered.first().zip(covered.end()).unwrap();
    let periods = Period::covering(first, end, Granularity::Week, team.utc_offset);
    let counts = store.team_counts(&team).unwrap();
    let mut group = c.benchmark_group("metrics");
    group.sample_size(20);
    group.bench_function(format!("weekly_all_five_{}_changes_{}_weeks", counts.changes, periods.len()), |b| {
        b.iter(|| black_box(MetricTable::load(&store, &team, &periods).unwrap()))
    });
    group.bench_function("monthly_all_five_1m_changes", |b| {
        let months = Period::covering(first, end, Granularity::Month, team.utc_offset);
        b.iter(|| black_box(MetricTable::load(&store, &team, &months).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, weekly_metrics_over_five_years);
criterion_main!(benches);
