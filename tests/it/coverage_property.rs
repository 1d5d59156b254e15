//! Property: for any store, a period outside the data's coverage never yields a number,
//! in any output: the table, JSON and CSV of `retro metrics`, signals, action verdicts
//! and a retro's export. Stores are random but seeded, so a failure names its seed.

use crate::common::now;
use retro::domain::{
    ActionPlan, Coverage, DoraMetric, Expected, Granularity, MetricKey, NewAction, Period, Team, Timestamp, UtcOffset,
    parse_timestamp,
};
use retro::import::{Format, ImportKind, import_bytes};
use retro::query::{MetricTable, SignalTable};
use retro::report::{to_json, write_csv, write_table};
use retro::store::Store;

const DAY: i64 = 86_400;
const SEEDS: u64 = 24;

/// A random store: one or two deployment imports (a gap between them), incidents linked
/// or not, changes, all somewhere in 2026 before the test clock.
pub(crate) fn random_store(seed: u64) -> (Store, Team) {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut store = Store::open_in_memory().unwrap();
    let offset = UtcOffset::from_minutes([0, 60, -300, 330][rng.usize(..4)]).unwrap();
    let team = store.add_team("random", offset).unwrap();
    let year = parse_timestamp("2026-01-01T00:00:00Z").unwrap();
    let mut ids = Vec::new();
    for batch in 0..rng.usize(1..=2) {
        let start = year + rng.i64(0..44) * 7 * DAY;
        let span = rng.i64(1..=10 * 7) * DAY;
        let mut csv = String::from("id,deployed_at,environment,status,kind\n");
        for i in 0..rng.usize(0..30) {
            let at = (start + rng.i64(0..span)).min(now() - 1);
            let env = if rng.u8(..10) == 0 { "staging" } else { "production" };
            let status = ["success", "success", "success", "failed", "rolled_back"][rng.usize(..5)];
            let kind = ["planned", "planned", "planned", "hotfix", "rollback", "fix_forward"][rng.usize(..6)];
            let id = format!("d{batch}-{i}");
            csv.push_str(&format!("{id},{},{env},{status},{kind}\n", stamp(at)));
            ids.push((id, at));
        }
        import(&mut store, &team, ImportKind::Deployments, &csv);
    }
    let mut changes = String::from("id,committed_at,deployment_id\n");
    for (i, (id, at)) in ids.iter().enumerate() {
        if rng.bool() {
            continue;
        }
        changes.push_str(&format!("c{i},{},{id}\n", stamp(at - rng.i64(0..5 * DAY))));
    }
    import(&mut store, &team, ImportKind::Changes, &changes);
    let mut incidents = String::from("id,started_at,resolved_at,deployment_id\n");
    for i in 0..rng.usize(0..6) {
        let (linked, at) = match ids.get(rng.usize(..ids.len().max(1))) {
            Some((id, at)) if rng.bool() => (id.clone(), *at + rng.i64(0..DAY)),
            _ => (String::new(), year + rng.i64(0..320 * DAY)),
        };
        let at = at.min(now() - 1);
        let resolved = if rng.bool() { stamp((at + rng.i64(60..3 * DAY)).min(now() - 1)) } else { String::new() };
        incidents.push_str(&format!("i{i},{},{resolved},{linked}\n", stamp(at)));
    }
    import(&mut store, &team, ImportKind::Incidents, &incidents);
    (store, team)
}

pub(crate) fn stamp(t: Timestamp) -> String {
    retro::domain::format_timestamp(t, UtcOffset::UTC)
}

pub(crate) fn import(store: &mut Store, team: &Team, kind: ImportKind, csv: &str) {
    import_bytes(store, team, kind, "random.csv", csv.as_bytes(), Format::Csv).unwrap();
}

fn covers(coverage: &Coverage, kind: retro::domain::CoverageKind, p: &Period) -> bool {
    !coverage.of(kind).clip(p.start, p.end).is_empty()
}

#[test]
fn a_period_outside_coverage_never_yields_a_number() {
    use retro::domain::CoverageKind::{Deployments, Incidents};
    let mut checked = 0;
    for seed in 0..SEEDS {
        let (mut store, team) = random_store(seed);
        let coverage = store.coverage(&team).unwrap();
        let weeks: Vec<Period> =
            Period::last_n(now(), 48, Granularity::Week, team.utc_offset).into_iter().map(|p| p.until(now())).collect();
        let table = MetricTable::load(&store, &team, &weeks).unwrap();
        let json = to_json(&table);
        let mut csv = Vec::new();
        write_csv(&table, &mut csv).unwrap();
        let csv = String::from_utf8(csv).unwrap();
        let mut text = Vec::new();
        write_table(&table, &mut text).unwrap();
        let text = String::from_utf8(text).unwrap();

        for (i, p) in weeks.iter().enumerate() {
            let (deployments, incidents) = (covers(&coverage, Deployments, p), covers(&coverage, Incidents, p));
            let label = p.label();
            let j = &json["periods"][i];
            for m in DoraMetric::ALL {
                let known = if m == DoraMetric::RecoveryTime { incidents } else { deployments };
                let entry = &j["metrics"][m.key()];
                if !known {
                    checked += 1;
                    assert!(entry["value"].is_null() && entry["count"].is_null(), "seed {seed} {label} {m:?}: {entry}");
                    let row = csv.lines().find(|l| l.starts_with(&format!("{label},")) && l.contains(m.key()));
                    let cells: Vec<&str> = row.unwrap().split(',').collect();
                    assert!(cells[4].is_empty() && cells[6].is_empty(), "seed {seed} {label} {m:?}: {cells:?}");
                }
            }
            if !deployments {
                assert!(j["failed_deployments"].is_null() && j["rework_deployments"].is_null(), "seed {seed} {label}");
                assert_eq!(j["covered_days"], 0.0, "seed {seed} {label}");
            }
            if !incidents {
                assert!(j["unlinked_incidents"].is_null(), "seed {seed} {label}");
            }
            if !deployments && !incidents {
                // The table's row: nothing after the label is a number.
                let row = text.lines().find(|l| l.starts_with(&label)).unwrap();
                let cells = row.split_once("  ").map_or("", |(_, rest)| rest);
                assert!(!cells.chars().any(|c| c.is_ascii_digit()), "seed {seed}: {row}");
            }
        }

        // Signals: every number a signal shows is read over periods the data covers.
        let signals = SignalTable::load(&store, &team, &weeks, &[]).unwrap().signals;
        for s in &signals {
            for o in &s.observations {
                for r in o.before.iter().chain([&o.after]) {
                    let span =
                        Period { granularity: None, start: r.span.start(), end: r.span.end(), offset: team.utc_offset };
                    assert!(
                        covers(&coverage, Deployments, &span) || covers(&coverage, Incidents, &span),
                        "seed {seed}: {s:#?}"
                    );
                }
            }
        }

        // Verdicts: weeks since the action that the data does not cover show no value
        // and do not count.
        let mut rng = fastrand::Rng::with_seed(seed + 1000);
        let decided = now() - rng.i64(1..30) * 7 * DAY;
        let metric = DoraMetric::ALL[rng.usize(..5)];
        let new = NewAction {
            plan: ActionPlan {
                title: "An experiment".into(),
                description: None,
                metric: MetricKey::Dora(metric),
                expected: [Expected::Improve, Expected::HoldSteady, Expected::IntendedWorsening][rng.usize(..3)],
                target: None,
                due: None,
                volunteer: None,
            },
            retro: None,
            baseline: Some(1.0),
            baseline_window: retro::query::actions::baseline_window(decided, team.utc_offset),
            from_note: None,
        };
        let action = store.add_action(&team, &new, decided).unwrap();
        let progress = retro::query::actions::progress(&store, &action, now()).unwrap();
        let kind = if metric == DoraMetric::RecoveryTime { Incidents } else { Deployments };
        for (p, v) in &progress.series {
            if !covers(&coverage, kind, p) {
                assert_eq!(*v, None, "seed {seed} {} {metric:?}", p.label());
            }
        }
        let with_data = progress.since().iter().filter(|(_, v)| v.is_some()).count();
        assert_eq!(progress.evaluation.periods, with_data, "seed {seed}");
        if with_data == 0 {
            assert_eq!(progress.evaluation.after, None, "seed {seed}");
        }

        // A retro's export: a window the data does not reach has no value to compare.
        let first = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap() + chrono::Days::new(rng.u64(0..300));
        let window = Period::window(first, first + chrono::Days::new(13), team.utc_offset);
        let r = store.start_retro(&team, &window, now()).unwrap();
        let flow =
            retro::retro::session::open(&store, r.id, &retro::retro::prompts::Catalogue::builtin(), now()).unwrap();
        let summary = retro::export::json(&retro::export::summary(&flow));
        let shown = window.clone().until(now());
        for m in summary["moves"].as_array().unwrap() {
            let key = m["metric"].as_str().unwrap();
            let kind = if key == DoraMetric::RecoveryTime.key() { Incidents } else { Deployments };
            if !covers(&coverage, kind, &shown) {
                assert!(m["current"].is_null(), "seed {seed} {key}: {m}");
            }
        }
        let gaps = summary["data_gaps"].as_array().unwrap();
        assert_eq!(gaps.iter().any(|g| g["kind"] == "deployments"), {
            let c = coverage.deployments.clip(shown.start, shown.end);
            c.seconds() < shown.end - shown.start
        });
    }
    // The random stores do leave periods uncovered: the property was exercised.
    assert!(checked > 100, "{checked}");
}
