//! Improvement actions: where each stands (`retro::query::actions::progress`), the baseline
//! snapshot, review history across retros, the demo team's story of actions, and
//! `retro actions list|show|add|update` through the binary.

use crate::common::now;
use assert_cmd::Command;
use retro::domain::{
    Action, ActionPlan, ActionReview, ActionStatus, Decision, DoraMetric, Expected, MetricKey, NewAction, Period, Team,
    Timestamp, UtcOffset, parse_timestamp,
};
use retro::import::{Format, ImportKind, import_bytes};
use retro::metrics::ActionProgress;
use retro::metrics::Verdict;
use retro::query::actions::{is_overdue, progress, progress_all, value_over};
use retro::store::Store;
use serde_json::Value;
use std::path::{Path, PathBuf};

use crate::common::NOW;

fn t(s: &str) -> Timestamp {
    parse_timestamp(s).unwrap()
}

fn day(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Escaped defects per week (lower is better), 2026-W36 to W48. W48 is under way at NOW.
/// W36..W39 are the routine weeks before the earliest actions (their usual range).
const DEFECTS: &str = "name,unit,polarity,period,value
escaped_defects,defects,lower_is_better,2026-W36,6
escaped_defects,,,2026-W37,6
escaped_defects,,,2026-W38,6
escaped_defects,,,2026-W39,6
escaped_defects,,,2026-W40,6
escaped_defects,,,2026-W41,6
escaped_defects,,,2026-W42,5
escaped_defects,,,2026-W43,6
escaped_defects,,,2026-W44,10
escaped_defects,,,2026-W45,8
escaped_defects,,,2026-W46,7
escaped_defects,,,2026-W47,9
escaped_defects,,,2026-W48,3
";

/// One production deployment a day at 10:00, 1 to 26 November 2026.
fn deployments() -> String {
    let mut csv = String::from("id,deployed_at,environment\n");
    for d in 1..=26 {
        csv.push_str(&format!("d{d},2026-11-{d:02}T10:00:00Z,production\n"));
    }
    csv
}

/// The team `payments` with the defects and deployments above.
fn payments(store: &mut Store) -> Team {
    let team = store.add_team("payments", UtcOffset::UTC).unwrap();
    import_bytes(store, &team, ImportKind::Metrics, "m.csv", DEFECTS.as_bytes(), Format::Csv).unwrap();
    let deployments = deployments();
    import_bytes(store, &team, ImportKind::Deployments, "d.csv", deployments.as_bytes(), Format::Csv).unwrap();
    team
}

fn defects() -> MetricKey {
    MetricKey::Team("escaped_defects".into())
}

fn add(store: &mut Store, team: &Team, expected: Expected, baseline: f64, created: &str) -> Action {
    let window = Period::window(day("2026-10-01"), day("2026-10-14"), UtcOffset::UTC);
    store
        .add_action(
            team,
            &NewAction {
                plan: ActionPlan {
                    title: "Pair on risky changes".into(),
                    description: None,
                    metric: defects(),
                    expected,
                    target: None,
                    due: None,
                    volunteer: None,
                },
                retro: None,
                baseline: Some(baseline),
                baseline_window: window,
                from_note: None,
            },
            t(created),
        )
        .unwrap()
}

fn labels(p: &ActionProgress) -> Vec<String> {
    p.series.iter().map(|(p, _)| p.label()).collect()
}

// --- progress ------------------------------------------------------------------------------

#[test]
fn an_open_action_is_judged_on_the_whole_weeks_after_the_one_it_was_created_in() {
    let mut store = Store::open_in_memory().unwrap();
    let team = payments(&mut store);
    // Created on Wednesday of W44 with a baseline of 10 defects.
    let action = add(&mut store, &team, Expected::Improve, 10.0, "2026-10-28T15:00:00Z");
    let p = progress(&store, &action, now()).unwrap();
    assert_eq!(labels(&p), ["2026-W44", "2026-W45", "2026-W46", "2026-W47", "2026-W48"]);
    assert_eq!(p.series[0].1, Some(10.0));
    // W45..W47: 8, 7, 9 -> mean 8, -20%. W44 (created) and W48 (under way) do not count.
    // The six weeks before W44 read 6, 6, 6, 6, 5, 6 (average moving range 0.4): over 3
    // weeks after a baseline of 2 the usual range is 10 ± 2.66 × 0.4 × √(1/3 + 1/2) =
    // 9.03..10.97, and 8 is below it.
    assert_eq!(p.counted, 1..4);
    assert_eq!(p.since().len(), 3);
    assert_eq!(p.evaluation.after, Some(8.0));
    assert_eq!(p.evaluation.periods, 3);
    assert_eq!(p.evaluation.verdict, Verdict::MovedAsExpected);
    assert_eq!(p.unit, retro::domain::Unit::Custom("defects".into()));
    assert_eq!(p.polarity, retro::domain::Polarity::LowerIsBetter);
    assert!(!p.overdue);
    assert!(p.history.is_empty());
}

#[test]
fn a_closed_action_is_judged_up_to_the_week_it_was_closed() {
    let mut store = Store::open_in_memory().unwrap();
    let team = payments(&mut store);
    // Created in W40, done on Tuesday of W46: W41..W46 count (6, 5, 6, 10, 8, 7).
    let action = add(&mut store, &team, Expected::Improve, 6.0, "2026-10-01T09:00:00Z");
    store.set_action_status(action.id, ActionStatus::Done, Some("done"), t("2026-11-10T09:00:00Z")).unwrap();
    let action = store.action(action.id).unwrap().unwrap();
    let p = progress(&store, &action, now()).unwrap();
    assert_eq!(p.series.len(), 9, "the trend runs to now: W40..W48");
    assert_eq!(p.counted, 1..7);
    let since: Vec<_> = p.since().iter().map(|(p, v)| (p.label(), *v)).collect();
    assert_eq!(since[0], ("2026-W41".to_owned(), Some(6.0)));
    assert_eq!(since[5], ("2026-W46".to_owned(), Some(7.0)));
    // Over those six weeks as one window: (6 + 5 + 6 + 10 + 8 + 7) / 6 = 7, +16.7% of 6.
    // The weeks before W40 read 6, 6, 6, 6: no routine variation, so the usual range is
    // 6..6 and 7 is above it on a lower-is-better metric -> the other way.
    assert_eq!(p.evaluation.after, Some(7.0));
    assert_eq!(p.evaluation.verdict, Verdict::MovedTheOtherWay);

    // Closed in the week after the one it was created in: one week counts, too early.
    let quick = add(&mut store, &team, Expected::Improve, 6.0, "2026-11-04T09:00:00Z");
    store.set_action_status(quick.id, ActionStatus::Dropped, None, t("2026-11-10T09:00:00Z")).unwrap();
    let quick = store.action(quick.id).unwrap().unwrap();
    let p = progress(&store, &quick, now()).unwrap();
    assert_eq!(p.counted, 1..2);
    assert_eq!(p.evaluation.verdict, Verdict::TooEarly);
}

#[test]
fn an_action_of_this_week_has_nothing_to_judge_yet() {
    let mut store = Store::open_in_memory().unwrap();
    let team = payments(&mut store);
    let action = add(&mut store, &team, Expected::HoldSteady, 3.0, "2026-11-24T09:00:00Z");
    let p = progress(&store, &action, now()).unwrap();
    assert_eq!(labels(&p), ["2026-W48"]);
    assert!(p.series[0].0.is_partial());
    assert_eq!(p.counted, 0..0);
    assert_eq!(p.evaluation.verdict, Verdict::TooEarly);
    assert_eq!(p.evaluation.after, None);
}

#[test]
fn deployment_frequency_reads_from_the_events() {
    let mut store = Store::open_in_memory().unwrap();
    let team = payments(&mut store);
    let new = NewAction {
        plan: ActionPlan {
            title: "Slow down".into(),
            description: None,
            metric: MetricKey::Dora(DoraMetric::DeploymentFrequency),
            expected: Expected::IntendedWorsening,
            target: None,
            due: None,
            volunteer: None,
        },
        retro: None,
        baseline: Some(2.0),
        baseline_window: Period::window(day("2026-10-17"), day("2026-10-30"), UtcOffset::UTC),
        from_note: None,
    };
    // Two deployments a day in the six weeks before W44 (W38..W43): a usual range of
    // exactly 2.0/day.
    let mut before = String::from("id,deployed_at,environment\n");
    let monday = day("2026-09-14");
    for i in 0..42 {
        let d = monday + chrono::Days::new(i);
        before.push_str(&format!("b{i}a,{d}T09:00:00Z,production\nb{i}b,{d}T15:00:00Z,production\n"));
    }
    import_bytes(&mut store, &team, ImportKind::Deployments, "b.csv", before.as_bytes(), Format::Csv).unwrap();
    // Decided on Friday of W44.
    let action = store.add_action(&team, &new, t("2026-10-30T12:00:00Z")).unwrap();
    let p = progress(&store, &action, now()).unwrap();
    // W45..W47 had a deployment every day: 1/day, -50% of 2.0/day, below the usual range;
    // 21 deployments in 21 days after 28 in 14: P(Binomial(49, 0.6) ≤ 21) < 0.025. As
    // intended.
    assert_eq!(labels(&p)[0], "2026-W44");
    assert_eq!(p.evaluation.after, Some(1.0));
    assert_eq!(p.evaluation.verdict, Verdict::MovedAsExpected);
    assert!(p.evaluation.intended_worsening);
    assert_eq!(p.unit, retro::domain::Unit::DeploysPerDay);
}

#[test]
fn overdue_means_open_with_a_due_date_before_today_in_the_team_offset() {
    let mut store = Store::open_in_memory().unwrap();
    let team = payments(&mut store);
    let mut action = add(&mut store, &team, Expected::Improve, 6.0, "2026-11-02T09:00:00Z");
    let at = |due: &str, status| {
        let plan = ActionPlan { due: Some(day(due)), ..action.plan.clone() };
        Action { plan, status, ..action.clone() }
    };
    assert!(is_overdue(&at("2026-11-25", ActionStatus::Open), now(), UtcOffset::UTC));
    assert!(!is_overdue(&at("2026-11-26", ActionStatus::Open), now(), UtcOffset::UTC), "due today");
    assert!(!is_overdue(&at("2026-11-01", ActionStatus::Done), now(), UtcOffset::UTC));
    assert!(!is_overdue(&at("2026-11-01", ActionStatus::Dropped), now(), UtcOffset::UTC));
    // 15:00 UTC on the 26th is already the 27th at +10:00.
    let sydney = UtcOffset::from_minutes(600).unwrap();
    let late = t("2026-11-26T15:00:00Z");
    assert!(is_overdue(&at("2026-11-26", ActionStatus::Open), late, sydney));
    assert!(!is_overdue(&at("2026-11-26", ActionStatus::Open), late, UtcOffset::UTC));
    action.plan.due = None;
    assert!(!is_overdue(&action, now(), UtcOffset::UTC));

    store.edit_action(action.id, None, Some(day("2026-11-20")), None).unwrap();
    let stored = store.action(action.id).unwrap().unwrap();
    assert!(progress(&store, &stored, now()).unwrap().overdue);
}

#[test]
fn progress_all_reads_like_progress_one_by_one() {
    let mut store = Store::open_in_memory().unwrap();
    let team = retro::demo::load(&mut store, now()).unwrap();
    let all = progress_all(&store, &team, now()).unwrap();
    assert_eq!(all.len(), store.actions(&team).unwrap().len());
    for p in &all {
        assert_eq!(&progress(&store, &p.action, now()).unwrap(), p, "{}", p.action.plan.title);
    }
    let empty = store.add_team("new", UtcOffset::UTC).unwrap();
    assert!(progress_all(&store, &empty, now()).unwrap().is_empty());
}

// --- baseline and history ------------------------------------------------------------------

/// `retro` on the store at `db`, with the clock pinned.
fn retro_cmd(db: &Path) -> Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("retro");
    cmd.arg("--db").arg(db).env("RETRO_NOW", NOW).env_remove("RETRO_DB").env_remove("RETRO_TEAM");
    cmd
}

fn stdout(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn stderr(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(!out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8(out.stderr).unwrap()
}

fn json(cmd: &mut Command) -> Value {
    serde_json::from_str(&stdout(cmd)).unwrap()
}

/// A store file holding `payments`.
fn payments_db(dir: &Path) -> PathBuf {
    let db = dir.join("retro.db");
    let mut store = Store::open(&db).unwrap();
    payments(&mut store);
    db
}

#[test]
fn the_baseline_is_snapshotted_when_the_action_is_added() {
    let dir = tempfile::tempdir().unwrap();
    let db = payments_db(dir.path());
    // The last 14 days, 13 to 26 November: weeks W47 (9) and W48 (3) start in it.
    let out = stdout(retro_cmd(&db).args([
        "actions",
        "add",
        "--title",
        "Pair on risky changes",
        "--metric",
        "escaped_defects",
        "--expect",
        "improve",
        "--due",
        "2026-12-18",
        "--volunteer",
        "Sam",
    ]));
    assert_eq!(
        out,
        "Added action 1: \"Pair on risky changes\" (escaped_defects, improve).\n\
         Baseline: 6 over 2026-11-13..2026-11-26. Later weeks are compared with it (`retro actions show 1`).\n"
    );
    // 14 deployments (13 to 26 November) over 13.5 days: the window is cut at noon today.
    let out = stdout(retro_cmd(&db).args([
        "actions",
        "add",
        "--title",
        "Slow down",
        "--metric",
        "Deployment frequency",
        "--expect",
        "worsen",
    ]));
    assert!(out.contains("Baseline: 1.04/d over 2026-11-13..2026-11-26"), "{out}");

    // Later data for the window does not move a baseline already taken.
    let mut store = Store::open(&db).unwrap();
    let team = store.team_by_name("payments").unwrap().unwrap();
    let changed = "name,period,value\nescaped_defects,2026-W48,13\n";
    import_bytes(&mut store, &team, ImportKind::Metrics, "m.csv", changed.as_bytes(), Format::Csv).unwrap();
    let action = store.actions(&team).unwrap().remove(0);
    assert_eq!(action.baseline, Some(6.0));
    assert_eq!(action.baseline_window.label(), "2026-11-13..2026-11-26");
    assert_eq!(action.retro, None);
    assert_eq!(action.plan.volunteer.as_deref(), Some("Sam"));
    assert_eq!(
        value_over(&store, &team, &defects(), &action.baseline_window, now()).unwrap(),
        Some(11.0),
        "(9 + 13) / 2 now"
    );
    let shown = json(retro_cmd(&db).args(["actions", "show", "1", "--format", "json"]));
    assert_eq!(shown["action"]["baseline"]["value"], 6.0);
    let dora = store.actions(&team).unwrap().remove(1);
    assert_eq!(dora.plan.metric, MetricKey::Dora(DoraMetric::DeploymentFrequency));
    assert_eq!(dora.plan.expected, Expected::IntendedWorsening);
    assert!((dora.baseline.unwrap() - 14.0 / 13.5).abs() < 1e-9);
}

#[test]
fn an_actions_reviews_round_trip_across_two_retros() {
    let dir = tempfile::tempdir().unwrap();
    let db = payments_db(dir.path());
    let mut store = Store::open(&db).unwrap();
    let team = store.team_by_name("payments").unwrap().unwrap();
    let action = add(&mut store, &team, Expected::Improve, 10.0, "2026-10-14T15:00:00Z");
    let first = Period::window(day("2026-10-15"), day("2026-10-28"), UtcOffset::UTC);
    let second = Period::window(day("2026-10-29"), day("2026-11-11"), UtcOffset::UTC);
    let mut reviews = vec![];
    for (window, decision, note, at) in [
        (&first, Decision::Keep, "halfway there", "2026-10-28T15:00:00Z"),
        (&second, Decision::Done, "every path covered", "2026-11-11T15:00:00Z"),
    ] {
        let r = store.start_retro(&team, window, t(at)).unwrap();
        let review = ActionReview {
            retro: r.id,
            action: action.id,
            decision,
            metric_value: value_over(&store, &team, &defects(), window, t(at)).unwrap(),
            note: Some(note.into()),
            reviewed_at: t(at) + 600,
        };
        store.review_action(&review).unwrap();
        store.finish_retro(r.id, t(at) + 3600).unwrap();
        reviews.push(review);
    }
    // W43 (6) and W44 (10) start in the first window; W45 (8) and W46 (7) in the second.
    assert_eq!(reviews[0].metric_value, Some(8.0));
    assert_eq!(reviews[1].metric_value, Some(7.5));
    assert_eq!(store.action_history(action.id).unwrap(), reviews);
    let stored = store.action(action.id).unwrap().unwrap();
    assert_eq!(stored.status, ActionStatus::Done);
    assert_eq!(stored.closing_note.as_deref(), Some("every path covered"));
    let p = progress(&store, &stored, now()).unwrap();
    assert_eq!(p.history, reviews);
    // Judged on W43..W46 as one window, up to the week it was done: (6 + 10 + 8 + 7) / 4
    // = 7.75, -22.5% of 10.
    assert_eq!(p.evaluation.after, Some(7.75));
    assert_eq!(p.evaluation.verdict, Verdict::MovedAsExpected);
    drop(store);

    let shown = json(retro_cmd(&db).args(["actions", "show", "1", "--format", "json"]));
    let history = shown["action"]["history"].as_array().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0]["retro"], 1);
    assert_eq!(history[0]["decision"], "keep");
    assert_eq!(history[0]["metric_value"], 8.0);
    assert_eq!(history[0]["note"], "halfway there");
    assert_eq!(history[1]["decision"], "done");
    assert_eq!(history[1]["reviewed_at"], "2026-11-11T15:10:00+00:00");
    let text = stdout(retro_cmd(&db).args(["actions", "show", "1"]));
    assert!(text.contains("  2026-10-28  retro 1  keep          8  halfway there"), "{text}");
    assert!(text.contains("  2026-11-11  retro 2  done        7.5  every path covered"), "{text}");
}

// --- the demo team ---------------------------------------------------------------------------

fn verdicts(all: &[ActionProgress]) -> Vec<(&str, ActionStatus, Verdict)> {
    all.iter().map(|p| (p.action.plan.title.as_str(), p.action.status, p.evaluation.verdict)).collect()
}

/// The demo's story of actions, read through `progress_all` on every day of the current
/// week (the story is shifted by whole weeks, so its verdicts must not depend on the day).
#[test]
fn the_demo_story_of_actions_stays_true() {
    for now in ["2026-11-23T00:30:00Z", "2026-11-24T12:00:00Z", NOW, "2026-11-27T08:00:00Z", "2026-11-29T23:30:00Z"] {
        let now = t(now);
        let mut store = Store::open_in_memory().unwrap();
        let team = retro::demo::load(&mut store, now).unwrap();
        let all = progress_all(&store, &team, now).unwrap();
        use ActionStatus::*;
        assert_eq!(
            verdicts(&all),
            [
                // Rework rose, but over a few weeks of few deployments: within chance.
                ("Second reviewer on risky changes", Dropped, Verdict::NoClearChange),
                ("Slow down to pay down technical debt", Done, Verdict::MovedAsExpected),
                // The failure rate fell from 25% to 11.4%, but in the six weeks before the
                // action it swung between 0% and 37.5% a week (average moving range 22
                // points): over 14 weeks its usual range still reaches down to 0%.
                ("Contract tests on the payment flow", Done, Verdict::NoClearChange),
                // Satisfaction rose from 4.21 to 4.32, above the usual range (4.12..4.30
                // for 7 weeks after a 7-week baseline) of the calm weeks before it.
                ("Release notes for customers in the app", Open, Verdict::MovedAsExpected),
                ("Canary stage for every payouts deployment", Open, Verdict::TooEarly),
            ]
        );
        // The slow-down: deployment frequency fell as the team chose, and is celebrated.
        let slow = &all[1];
        assert_eq!(slow.action.plan.metric, MetricKey::Dora(DoraMetric::DeploymentFrequency));
        assert_eq!(slow.action.plan.expected, Expected::IntendedWorsening);
        assert!(slow.evaluation.intended_worsening);
        assert!(slow.evaluation.relative.unwrap() < -0.5, "{:?}", slow.evaluation);
        // ... decided before the slow-down (story week 33), which preceded fewer failures:
        // the contract tests, decided during it, saw the failure rate fall by more than half.
        let contract = &all[2];
        assert!(contract.action.created_at > slow.action.created_at);
        assert!(contract.evaluation.relative.unwrap() < -0.5, "{:?}", contract.evaluation);
        assert_eq!(contract.history.len(), 2, "kept once, then done");
        // The release notes did not move customer satisfaction, and are overdue.
        let notes = &all[3];
        assert_eq!(notes.action.plan.metric, MetricKey::Team("customer_satisfaction".into()));
        assert!(notes.overdue);
        assert!(notes.evaluation.relative.unwrap().abs() < 0.1);
        assert!(all.iter().filter(|p| p.overdue).count() == 1);
        // Every action carries a baseline the engine computed over its retro's window.
        for p in &all {
            assert!(p.action.baseline.is_some(), "{}", p.action.plan.title);
            let retro = store.retro(p.action.retro.unwrap()).unwrap().unwrap();
            assert_eq!(p.action.baseline_window, retro.window);
        }
    }
}

#[test]
fn the_demo_has_finished_retros_and_leaves_the_current_one_unstarted() {
    let mut store = Store::open_in_memory().unwrap();
    let team = retro::demo::load(&mut store, now()).unwrap();
    let retros = store.retros(&team).unwrap();
    assert_eq!(retros.len(), 6);
    assert!(retros.iter().all(|r| r.finished_at.is_some()));
    assert!(retro::retro::session::unfinished(&store, &team).unwrap().is_none());
    // Windows follow each other, the last one ending two weeks before today.
    let mut oldest_first = retros.clone();
    oldest_first.reverse();
    for pair in oldest_first.windows(2) {
        assert_eq!(pair[0].window.end, pair[1].window.start);
    }
    assert_eq!(retros[0].window.last_day(), day("2026-11-12"));
    let next = retro::retro::session::default_window(&store, &team, now()).unwrap();
    assert_eq!(next.label(), "2026-11-13..2026-11-26", "the last two weeks");
    for r in &retros {
        assert!(store.votes(r.id, retro::domain::VoteKind::Safety).unwrap().total() > 0);
        assert!(store.votes(r.id, retro::domain::VoteKind::ReturnOnTime).unwrap().total() > 0);
        assert!(store.notes(r.id).unwrap().len() >= 2);
        assert!(r.started_at < now());
    }
    // The slow-down was reviewed twice: kept, then done, each with the metric then.
    let slow = &store.actions(&team).unwrap()[1];
    let history = store.action_history(slow.id).unwrap();
    let decisions: Vec<_> = history.iter().map(|r| r.decision).collect();
    assert_eq!(decisions, [Decision::Keep, Decision::Done]);
    assert!(history.iter().all(|r| r.metric_value.is_some()));
}

#[test]
fn the_demo_slow_down_raises_the_intended_worsening_signal() {
    let out = assert_cmd::cargo::cargo_bin_cmd!("retro")
        .env("RETRO_NOW", NOW)
        .env_remove("RETRO_DB")
        .env_remove("RETRO_TEAM")
        .args(["--demo", "signals", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let intended: Vec<&Value> =
        json["signals"].as_array().unwrap().iter().filter(|s| s["kind"] == "intended_worsening").collect();
    assert_eq!(intended.len(), 1, "{json:#}");
    assert_eq!(intended[0]["intended_change"], "Slow down to pay down technical debt");
    assert_eq!(intended[0]["metrics"][0], "deployment_frequency");
}

// --- the command line --------------------------------------------------------------------------

fn demo(args: &[&str]) -> Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("retro");
    cmd.env("RETRO_NOW", NOW).env_remove("RETRO_DB").env_remove("RETRO_TEAM").arg("--demo").arg("actions").args(args);
    cmd
}

#[test]
fn list_json_snapshot() {
    let out = stdout(&mut demo(&["list", "--format", "json"]));
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["schema"], "retro.actions/2");
    insta::assert_snapshot!("actions_list_json", out);
}

#[test]
fn list_csv_snapshot() {
    let out = stdout(&mut demo(&["list", "--format", "csv"]));
    assert!(out.starts_with("id,title,metric,unit,expected,status,baseline,after,relative,periods,verdict,"));
    insta::assert_snapshot!("actions_list_csv", out);
}

#[test]
fn show_json_snapshot() {
    let out = stdout(&mut demo(&["show", "5", "--format", "json"]));
    insta::assert_snapshot!("actions_show_json", out);
}

#[test]
fn the_table_marks_overdue_and_intended_worsening() {
    let out = stdout(&mut demo(&["list"]));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "Demo team · 5 actions · today 2026-11-26 (UTC+00:00)");
    for heading in ["id", "title", "metric", "expected", "baseline", "now", "verdict", "due", "status"] {
        assert!(lines[1].contains(heading), "{}", lines[1]);
    }
    let row = |id: &str| *lines.iter().find(|l| l.trim_start().starts_with(&format!("{id} "))).unwrap();
    assert!(row("2").contains("moved as expected (intended)"), "{out}");
    assert!(row("2").contains("worsen on purpose"), "{out}");
    assert!(row("4").contains("2026-10-29 overdue") && row("4").contains("moved as expected"), "{out}");
    assert!(row("3").contains("no clear change"), "{out}");
    assert!(row("5").contains("too early") && !row("5").contains("overdue"), "{out}");
    assert!(row("1").contains("no clear change") && row("1").ends_with("dropped"), "{out}");
}

#[test]
fn show_gives_the_usual_range_the_verdict_read() {
    // Contract tests: 11.4% over 14 weeks against a baseline of 25% over 6 weeks, ±
    // 2.66 × 22.06 × √(1/14 + 1/6) = 28.6 points (the weekly failure rates of the six
    // weeks before swung between 0% and 37.5%), down to 0%.
    let out = stdout(&mut demo(&["show", "3"]));
    assert!(out.contains("Verdict    no clear change\nUsual      0.0% to 53.6% for these weeks"), "{out}");
}

#[test]
fn show_tells_the_whole_story_of_an_action() {
    let out = stdout(&mut demo(&["show", "2"]));
    assert!(out.starts_with("Action 2: Slow down to pay down technical debt\n"), "{out}");
    for line in [
        "Status     done on 2026-08-13",
        "Metric     Deployment frequency (deploys/day, higher is better)",
        "Expected   worsen on purpose",
        "Volunteer  Priya",
        "Decided    in retro 2 on 2026-05-14",
        "Verdict    moved as expected (intended)",
        "Reviews",
        "Deployment frequency weekly since the week it was decided (* counted in the verdict)",
        "  2026-W20  ",
        "  2026-W21 * ",
        "  2026-W48  ",
    ] {
        assert!(out.contains(line), "{line:?} missing:\n{out}");
    }
    assert!(out.contains("retro 3  keep") && out.contains("retro 4  done"), "{out}");
    assert!(out.trim_end().ends_with("(under way)"), "{out}");
}

#[test]
fn list_filters_by_status_and_overdue_and_sorts() {
    let ids = |args: &[&str]| -> Vec<i64> {
        let mut all = vec!["list", "--format", "json"];
        all.extend(args);
        let json: Value = serde_json::from_str(&stdout(&mut demo(&all))).unwrap();
        json["actions"].as_array().unwrap().iter().map(|a| a["id"].as_i64().unwrap()).collect()
    };
    assert_eq!(ids(&[]), [1, 2, 3, 4, 5]);
    assert_eq!(ids(&["--status", "open"]), [4, 5]);
    assert_eq!(ids(&["--status", "done"]), [2, 3]);
    assert_eq!(ids(&["--status", "dropped"]), [1]);
    assert_eq!(ids(&["--overdue"]), [4]);
    assert_eq!(ids(&["--status", "done", "--overdue"]), Vec::<i64>::new());
    // The other way, no clear change, too early, then as expected.
    assert_eq!(ids(&["--sort", "verdict"]), [1, 3, 5, 2, 4]);

    // Due dates in another order than creation, one without a due date.
    let dir = tempfile::tempdir().unwrap();
    let db = payments_db(dir.path());
    for (title, due) in [("a", Some("2026-12-20")), ("b", None), ("c", Some("2026-12-01"))] {
        let mut cmd = retro_cmd(&db);
        cmd.args(["actions", "add", "--title", title, "--metric", "lead_time", "--expect", "improve"]);
        if let Some(due) = due {
            cmd.args(["--due", due]);
        }
        stdout(&mut cmd);
    }
    let json = json(retro_cmd(&db).args(["actions", "list", "--sort", "due", "--format", "json"]));
    let titles: Vec<&str> = json["actions"].as_array().unwrap().iter().map(|a| a["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["c", "a", "b"]);
    let empty = stdout(retro_cmd(&db).args(["actions", "list", "--status", "done"]));
    assert!(empty.contains("No actions to show."), "{empty}");
}

#[test]
fn update_closes_reopens_renames_and_reschedules() {
    let dir = tempfile::tempdir().unwrap();
    let db = payments_db(dir.path());
    stdout(retro_cmd(&db).args([
        "actions",
        "add",
        "--title",
        "Pair",
        "--metric",
        "escaped_defects",
        "--expect",
        "hold",
    ]));
    let show = |db: &Path| json(retro_cmd(db).args(["actions", "show", "1", "--format", "json"]))["action"].clone();
    assert_eq!(show(&db)["expected"], "hold_steady");

    let out = stdout(retro_cmd(&db).args(["actions", "update", "1", "--due", "2026-12-18", "--title", "Pair daily"]));
    assert_eq!(out, "Action 1 \"Pair daily\" is open, due 2026-12-18.\n");
    let out = stdout(retro_cmd(&db).args(["actions", "update", "1", "--status", "done", "--note", "habit now"]));
    assert_eq!(out, "Action 1 \"Pair daily\" is done, due 2026-12-18.\n");
    let a = show(&db);
    assert_eq!(a["status"], "done");
    assert_eq!(a["closing_note"], "habit now");
    assert_eq!(a["closed_at"], "2026-11-26T12:00:00+00:00");
    // A note alone rewrites the closing note of a closed action, keeping its date.
    stdout(retro_cmd(&db).args(["actions", "update", "1", "--note", "a habit now"]));
    assert_eq!(show(&db)["closing_note"], "a habit now");
    stdout(retro_cmd(&db).args(["actions", "update", "1", "--status", "open"]));
    let a = show(&db);
    assert_eq!(a["status"], "open");
    assert!(a["closed_at"].is_null());
    stdout(retro_cmd(&db).args(["actions", "update", "1", "--status", "drop"]));
    assert_eq!(show(&db)["status"], "dropped");
}

#[test]
fn update_changes_every_field_of_the_plan() {
    let dir = tempfile::tempdir().unwrap();
    let db = payments_db(dir.path());
    stdout(retro_cmd(&db).args([
        "actions",
        "add",
        "--title",
        "Pair",
        "--metric",
        "escaped_defects",
        "--expect",
        "hold",
    ]));
    let show = |db: &Path| json(retro_cmd(db).args(["actions", "show", "1", "--format", "json"]))["action"].clone();
    let before = show(&db);
    stdout(retro_cmd(&db).args([
        "actions",
        "update",
        "1",
        "--title",
        "Pair on deploys",
        "--description",
        "two people per release",
        "--metric",
        "deployment_frequency",
        "--expect",
        "worsen",
        "--target",
        "-0.5",
        "--due",
        "2026-12-18",
        "--volunteer",
        "the release crew",
    ]));
    let a = show(&db);
    assert_eq!(a["title"], "Pair on deploys");
    assert_eq!(a["description"], "two people per release");
    assert_eq!(a["metric"], "deployment_frequency");
    assert_eq!(a["expected"], "intended_worsening");
    assert_eq!(a["target"], -0.5);
    assert_eq!(a["due"], "2026-12-18");
    assert_eq!(a["volunteer"], "the release crew");
    // A new metric, a new baseline, over the same window the action was decided in.
    assert_eq!(a["baseline"]["from"], before["baseline"]["from"]);
    assert_ne!(a["baseline"]["value"], before["baseline"]["value"], "{a}");
    assert_eq!(
        (a["status"].clone(), a["created_at"].clone()),
        (before["status"].clone(), before["created_at"].clone())
    );

    // Emptied and removed fields are gone; the rest stays.
    stdout(retro_cmd(&db).args([
        "actions",
        "update",
        "1",
        "--description",
        "",
        "--volunteer",
        " ",
        "--target",
        "none",
        "--no-due",
    ]));
    let a = show(&db);
    assert!(a["description"].is_null() && a["volunteer"].is_null() && a["target"].is_null() && a["due"].is_null());
    assert_eq!((a["title"].as_str(), a["metric"].as_str()), (Some("Pair on deploys"), Some("deployment_frequency")));

    // A bad value changes nothing.
    let err = stderr(retro_cmd(&db).args(["actions", "update", "1", "--title", "New", "--target", "lots"]));
    assert_eq!(err, "retro: --target \"lots\" is not a number (or \"none\")\n");
    let err = stderr(retro_cmd(&db).args(["actions", "update", "1", "--title", "New", "--metric", "happiness"]));
    assert!(err.contains("there is no metric \"happiness\""), "{err}");
    assert_eq!(show(&db)["title"], "Pair on deploys");
}

#[test]
fn errors_say_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let db = payments_db(dir.path());
    let add = |metric: &str| {
        let mut cmd = retro_cmd(&db);
        cmd.args(["actions", "add", "--title", "T", "--metric", metric, "--expect", "improve"]);
        cmd
    };
    assert_eq!(
        stderr(&mut add("happiness")),
        "retro: there is no metric \"happiness\" for payments. DORA metrics: deployment_frequency, \
         change_lead_time, change_failure_rate, failed_deployment_recovery_time, deployment_rework_rate. \
         The team's own metrics: escaped_defects.\n"
    );
    // Letter case is forgiven for a team metric when only one matches.
    stdout(&mut add("Escaped_Defects"));
    assert_eq!(
        stderr(retro_cmd(&db).args(["actions", "show", "42"])),
        "retro: there is no action 42 for payments; `retro actions list` shows its actions\n"
    );
    assert_eq!(
        stderr(retro_cmd(&db).args(["actions", "update", "42", "--status", "done"])),
        "retro: there is no action 42 for payments; `retro actions list` shows its actions\n"
    );
    // A date that does not exist is a usage error: status 2, like any unreadable command line.
    let out = add("lead_time").args(["--due", "2026-02-30"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let bad_date = String::from_utf8(out.stderr).unwrap();
    assert!(bad_date.contains("invalid value '2026-02-30' for '--due <DATE>'"), "{bad_date}");
    // Other errors exit with 1.
    assert_eq!(retro_cmd(&db).args(["actions", "show", "42"]).output().unwrap().status.code(), Some(1));
    let bad_expect =
        stderr(retro_cmd(&db).args(["actions", "add", "--title", "T", "--metric", "mttr", "--expect", "faster"]));
    assert!(bad_expect.contains("[possible values: improve, hold, worsen]"), "{bad_expect}");
    assert_eq!(
        stderr(retro_cmd(&db).args(["actions", "update", "1"])),
        "retro: nothing to update: give --status, --note, --title, --description, --metric, --expect, --target, \
         --due (or --no-due) or --volunteer\n"
    );
    assert_eq!(
        stderr(retro_cmd(&db).args(["actions", "update", "1", "--note", "why"])),
        "retro: --note is the closing note of a done or dropped action: give it with --status done or --status \
         dropped\n"
    );
    assert_eq!(
        stderr(retro_cmd(&db).args(["actions", "update", "1", "--title", " "])),
        "retro: an action needs a title: --title cannot be empty\n"
    );
    assert_eq!(
        stderr(retro_cmd(&db).args(["actions", "add", "--title", "  ", "--metric", "mttr", "--expect", "hold"])),
        "retro: an action needs a title: --title \"...\"\n"
    );

    // Another team's action is not this team's.
    let mut store = Store::open(&db).unwrap();
    let other = store.add_team("search", UtcOffset::UTC).unwrap();
    add_to(&mut store, &other);
    drop(store);
    assert_eq!(
        stderr(retro_cmd(&db).args(["--team", "payments", "actions", "show", "2"])),
        "retro: there is no action 2 for payments; `retro actions list` shows its actions\n"
    );
}

fn add_to(store: &mut Store, team: &Team) {
    store
        .add_action(
            team,
            &NewAction {
                plan: ActionPlan {
                    title: "Elsewhere".into(),
                    description: None,
                    metric: MetricKey::Dora(DoraMetric::ChangeLeadTime),
                    expected: Expected::Improve,
                    target: None,
                    due: None,
                    volunteer: None,
                },
                retro: None,
                baseline: None,
                baseline_window: Period::window(day("2026-11-01"), day("2026-11-14"), UtcOffset::UTC),
                from_note: None,
            },
            now(),
        )
        .unwrap();
}

#[test]
fn a_due_date_already_past_is_kept_only_with_yes() {
    let dir = tempfile::tempdir().unwrap();
    let db = payments_db(dir.path());
    let add = ["actions", "add", "--title", "Smaller PRs", "--metric", "lead_time", "--expect", "improve"];
    // Today is 26 November (NOW): the 25th is past. Without a terminal nothing is asked,
    // and nothing is added.
    let err = stderr(retro_cmd(&db).args(add).args(["--due", "2026-11-25"]));
    assert_eq!(err, "retro: the due date 2026-11-25 is already past (today is 2026-11-26): add --yes to keep it\n");
    assert!(stdout(retro_cmd(&db).args(["actions", "list", "--format", "csv"])).lines().count() <= 1);
    // Today itself is not past; --yes keeps a past date.
    stdout(retro_cmd(&db).args(add).args(["--due", "2026-11-26"]));
    stdout(retro_cmd(&db).args(add).args(["--due", "2026-11-01", "--yes"]));
    // Moving a due date into the past asks too, and changes nothing when refused.
    let err = stderr(retro_cmd(&db).args(["actions", "update", "1", "--due", "2026-01-31"]));
    assert!(err.contains("the due date 2026-01-31 is already past"), "{err}");
    let shown = json(retro_cmd(&db).args(["actions", "show", "1", "--format", "json"]));
    assert_eq!(shown["action"]["due"], "2026-11-26");
    stdout(retro_cmd(&db).args(["actions", "update", "1", "--due", "2026-01-31", "--yes"]));
    let shown = json(retro_cmd(&db).args(["actions", "show", "1", "--format", "json"]));
    assert_eq!(shown["action"]["due"], "2026-01-31");
}
