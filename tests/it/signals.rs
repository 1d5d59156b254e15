//! Signals on small hand-made histories, each with its arithmetic, including histories
//! that must not raise them; then the demo team's story and `retro signals`.
//!
//! Weekly thresholds (docs/signals.md): a baseline of 8 weeks, windows of 8 weeks, a
//! lag of up to 8 weeks, at least 8 deployments in a window. Calendar: ISO weeks of
//! 2025, W01 starts on Monday 2024-12-30.

use retro::domain::{
    ChangeFact, Coverage, DeployKind, DeployStatus, DeploymentFact, DoraMetric, EventSet, Expected, Granularity,
    IncidentFact, MetricKey, MetricSample, Period, Polarity, SampleSet, Spans, TeamMetric, TeamSamples, Timestamp,
    UtcOffset,
};
use retro::import::{Format, ImportKind, import_bytes};
use retro::metrics::compute;
use retro::metrics::signals::{
    GamingPattern, IntendedChange, Signal, SignalInput, SignalKind, Thresholds, detect, detect_with,
};
use retro::query::SignalTable;
use retro::store::Store;

const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;

fn week(n: u32) -> Period {
    Period::parse_label(&format!("2025-W{n:02}"), UtcOffset::UTC).unwrap()
}

/// Monday 00:00 of week `n`, plus `days` and `hours`.
fn at(n: u32, days: i64, hours: i64) -> Timestamp {
    week(n).start + days * DAY + hours * HOUR
}

/// A hand-made history: events are added week by week, then read as a weekly series.
#[derive(Default)]
struct History {
    events: EventSet,
    weeks: u32,
}

impl History {
    fn new(weeks: u32) -> Self {
        History { events: EventSet::default(), weeks }
    }

    /// `count` production deployments in week `n`, one a day from Monday 10:00
    /// (up to seven), the first `failed` of them failed, each shipping `changes`
    /// changes committed a day earlier.
    fn deploys(&mut self, n: u32, count: usize, failed: usize, changes: usize) -> &mut Self {
        for i in 0..count {
            let t = at(n, i as i64, 10);
            self.deployment(t, i < failed, DeployKind::Planned, changes);
        }
        self
    }

    fn deployment(&mut self, t: Timestamp, failed: bool, kind: DeployKind, changes: usize) -> &mut Self {
        self.events.deployments.push(DeploymentFact {
            deployed_at: t,
            production: true,
            status: if failed { DeployStatus::Failed } else { DeployStatus::Success },
            kind,
            caused_incident: false,
        });
        for _ in 0..changes {
            self.events.changes.push(ChangeFact { deployed_at: t, committed_at: t - DAY });
        }
        self
    }

    fn incident(&mut self, started: Timestamp, minutes: i64) -> &mut Self {
        self.events.incidents.push(IncidentFact {
            started_at: started,
            resolved_at: Some(started + minutes * 60),
            caused_by_production_deployment: true,
        });
        self
    }

    /// A team-chosen metric with one weekly value per week, from W01.
    fn team_metric(&mut self, name: &str, polarity: Polarity, values: &[f64]) -> &mut Self {
        let samples =
            values.iter().enumerate().map(|(i, v)| (Granularity::Week, week(i as u32 + 1).label(), *v)).collect();
        self.events.team_metrics.push(TeamSamples {
            metric: TeamMetric { name: name.into(), unit: "points".into(), polarity },
            samples: SampleSet { values: samples },
        });
        self
    }

    fn signals(&mut self, intended: &[IntendedChange], quality: &[String]) -> Vec<Signal> {
        self.events.deployments.sort_by_key(|d| d.deployed_at);
        self.events.changes.sort_by_key(|c| c.deployed_at);
        self.events.incidents.sort_by_key(|i| (i.started_at, i.resolved_at));
        self.events.coverage = covered(week(1).start, week(self.weeks).end);
        let periods: Vec<Period> = (1..=self.weeks).map(week).collect();
        let series = compute(&self.events, &periods);
        detect(&SignalInput::new(&self.events, &series, intended, quality))
    }

    fn kinds(&mut self) -> Vec<SignalKind> {
        self.signals(&[], &[]).iter().map(|s| s.kind).collect()
    }
}

fn labels(s: &Signal) -> (String, String) {
    (s.span.first.label(), s.span.last.label())
}

fn of_kind(signals: &[Signal], kind: SignalKind) -> Vec<&Signal> {
    signals.iter().filter(|s| s.kind == kind).collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

// --- 1. instability after throughput rises ---------------------------------------------

/// W01-W08: 2 deployments a week. W09-W24: 4 a week; in W17-W24 the Monday and
/// Tuesday deployments of each week fail when `fail` is true.
fn rise_then_failures(fail: bool) -> History {
    let mut h = History::new(24);
    for n in 1..=8 {
        h.deploys(n, 2, 0, 1);
    }
    for n in 9..=24 {
        h.deploys(n, 4, 2 * usize::from(fail && n >= 17), 1);
    }
    h
}

#[test]
fn instability_after_a_rise_in_throughput() {
    // Baseline W01-W08: 16 deployments in 56 days = 2 a week, failure rate 0%.
    // Window W09-W16: 32 in 56 days = 4 a week, +100% (>= +50%). The rise episode runs
    // from W09 to W11 (baseline W03-W10: 20 in 8 weeks = 2.5 a week, then 4: +60%); at
    // W12 the baseline is 2.75 a week and 4 is +45%, which ends it. Strongest first: W09.
    // The rise is beyond routine variation: the baseline weeks all read 2 (limits 2..2 a
    // week), and 32 deployments in 56 days after 16 in 56 is far beyond chance.
    // Windows starting from W09 (up to 8 weeks later), against 0 of 16 failed before
    // (weekly limits 0..0, so each rise is beyond them; Fisher's test decides):
    // W09-W16 no failure, W10-W17 2 (fewer than 3), W11-W18 4 of 32 = 12.5% (chance
    // C(32,4)/C(48,4) = 0.185), W12-W19 6 (0.074), W13-W20 8 of 32 = 25% (0.0279, still
    // at least 0.025), W14-W21 10 of 32 = 31.25% (0.0099): the signal.
    let signals = rise_then_failures(true).signals(&[], &[]);
    let found = of_kind(&signals, SignalKind::InstabilityAfterThroughputRise);
    assert_eq!(found.len(), 1, "{signals:#?}");
    let s = found[0];
    assert_eq!(labels(s), ("2025-W01".into(), "2025-W21".into()));
    assert_eq!(
        s.metrics,
        [MetricKey::Dora(DoraMetric::DeploymentFrequency), MetricKey::Dora(DoraMetric::ChangeFailureRate)]
    );
    let freq = &s.observations[0];
    assert!(close(freq.before.as_ref().unwrap().value, 2.0 / 7.0));
    assert!(close(freq.after.value, 4.0 / 7.0));
    assert_eq!((freq.after.span.first.label(), freq.after.span.last.label()), ("2025-W09".into(), "2025-W16".into()));
    let cfr = &s.observations[1];
    assert_eq!(cfr.key, "change_failure_rate");
    assert!(close(cfr.before.as_ref().unwrap().value, 0.0));
    assert!(close(cfr.after.value, 31.25));
    assert_eq!((cfr.after.span.first.label(), cfr.after.span.last.label()), ("2025-W14".into(), "2025-W21".into()));
    assert!(s.explanation.contains("AI coding assistants"), "{}", s.explanation);
    assert!(
        s.explanation.contains("from 2.0 a week to 4.0 a week (+100%) between 2025-W01..2025-W08 and"),
        "{}",
        s.explanation
    );
    assert!(s.question.contains("keeping our quality up"));
}

#[test]
fn rework_rate_rising_after_a_rise_counts_too() {
    // No failures, but the Monday and Tuesday deployments of W17-W24 are hotfixes: as
    // for failures above, rework rate W14-W21 = 10 of 32 = 31.25% is the first beyond
    // chance.
    let mut h = rise_then_failures(false);
    for d in h.events.deployments.iter_mut() {
        let monday = at_monday(d.deployed_at);
        if d.deployed_at >= week(17).start && (d.deployed_at == monday || d.deployed_at == monday + DAY) {
            d.kind = DeployKind::Hotfix;
        }
    }
    let signals = h.signals(&[], &[]);
    let found = of_kind(&signals, SignalKind::InstabilityAfterThroughputRise);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].metrics[1], MetricKey::Dora(DoraMetric::ReworkRate));
    assert!(close(found[0].observations[1].after.value, 31.25));
}

/// Monday 10:00 of the week holding `t`.
fn at_monday(t: Timestamp) -> Timestamp {
    Period::containing(t, Granularity::Week, UtcOffset::UTC).start + 10 * HOUR
}

#[test]
fn no_instability_when_failures_stay_rare() {
    // Two failures only (W17 and W21): never 3 in a window.
    let mut h = rise_then_failures(false);
    for n in [17, 21] {
        let t = at(n, 0, 10);
        h.events.deployments.iter_mut().find(|d| d.deployed_at == t).unwrap().status = DeployStatus::Failed;
    }
    assert!(!h.kinds().contains(&SignalKind::InstabilityAfterThroughputRise));
}

#[test]
fn no_instability_when_failures_rise_without_a_rise_in_throughput() {
    // 2 a week throughout; W13-W20 half of them fail (8 of 16 = 50%): worse, but no rise.
    let mut h = History::new(24);
    for n in 1..=24 {
        h.deploys(n, 2, usize::from((13..=20).contains(&n)), 1);
    }
    assert!(h.kinds().is_empty(), "{:?}", h.kinds());
}

#[test]
fn no_instability_when_failures_come_after_the_lag() {
    // Rise from W09 (4 a week through W40); failures only in W30-W37 (8 of 32 = 25%).
    // The rise episode (W09..W11) looks at windows starting up to 8 weeks later: W17-W24
    // at most for W09, W19-W26 for W11, with no failure in them. Later positions do not
    // rise against their 4-a-week baseline.
    let mut h = History::new(40);
    for n in 1..=8 {
        h.deploys(n, 2, 0, 1);
    }
    for n in 9..=40 {
        h.deploys(n, 4, usize::from((30..=37).contains(&n)), 1);
    }
    assert!(!h.kinds().contains(&SignalKind::InstabilityAfterThroughputRise));
}

/// 16 weeks: `baseline` deployments spread over W01-W08 (one a week, from W08
/// backwards), then 4 a week with two failures each in W09-W16.
fn short_rise(baseline: u32) -> History {
    let mut h = History::new(16);
    for n in (9 - baseline)..=8 {
        h.deploys(n, 1, 0, 1);
    }
    for n in 9..=16 {
        h.deploys(n, 4, 2, 1);
    }
    h
}

#[test]
fn no_instability_on_a_baseline_of_too_few_deployments() {
    // Only W01-W08 against W09-W16 fits in 16 weeks. With 8 baseline deployments: 1 a
    // week -> 4 a week (+300%), failure rate 0% -> 16 of 32 = 50% (Fisher: C(32,16) /
    // C(40,16) = 0.0096, beyond chance): a signal. (With one failure a week, 8 of 32
    // after 0 of 8 has a chance of 0.137: routine for so few deployments.)
    let signals = short_rise(8).signals(&[], &[]);
    assert_eq!(of_kind(&signals, SignalKind::InstabilityAfterThroughputRise).len(), 1);
    // With 7 (none in W01), the baseline is too thin to read a rise from.
    assert!(!short_rise(7).kinds().contains(&SignalKind::InstabilityAfterThroughputRise));
}

// --- 2. possible metric gaming -----------------------------------------------------------

#[test]
fn deployments_without_changes() {
    // W01: 4 deployments with a change each. W02: 4 planned deployments, 3 of them
    // without a change, and a rollback without one (not counted): 3 of 4 = 75% (>= 25%,
    // >= 3). W03: 4 deployments, 2 without a change (fewer than 3).
    let mut h = History::new(3);
    h.deploys(1, 4, 0, 1);
    h.deployment(at(2, 0, 10), false, DeployKind::Planned, 1);
    for d in 1..=3 {
        h.deployment(at(2, d, 10), false, DeployKind::Planned, 0);
    }
    h.deployment(at(2, 4, 10), false, DeployKind::Rollback, 0);
    h.deploys(3, 2, 0, 1);
    h.deployment(at(3, 3, 10), false, DeployKind::Planned, 0);
    h.deployment(at(3, 4, 10), false, DeployKind::Planned, 0);
    let signals = h.signals(&[], &[]);
    assert_eq!(signals.len(), 1, "{signals:#?}");
    let s = &signals[0];
    assert_eq!(s.kind, SignalKind::PossibleMetricGaming);
    assert_eq!(s.pattern, Some(GamingPattern::DeploymentsWithoutChanges));
    assert_eq!(labels(s), ("2025-W02".into(), "2025-W02".into()));
    assert_eq!(s.observations[0].after.value, 3.0);
    assert_eq!(s.observations[1].after.value, 4.0);
    assert!(s.explanation.starts_with("3 of 4 production deployments in 2025-W02 shipped no change"));
    assert!(s.question.contains("attractive"), "{}", s.question);
}

#[test]
fn no_empty_deployment_signal_without_change_data_or_below_the_share() {
    // A team that imports deployments only: every deployment looks empty.
    let mut h = History::new(2);
    h.deploys(1, 5, 0, 0).deploys(2, 5, 0, 0);
    assert!(h.kinds().is_empty());
    // 3 empty of 13 (23%, under 25%).
    let mut h = History::new(2);
    h.deploys(1, 7, 0, 1);
    for d in 0..7 {
        h.deployment(at(2, d, 9), false, DeployKind::Planned, usize::from(d >= 3));
    }
    for d in 0..6 {
        h.deployment(at(2, d, 15), false, DeployKind::Planned, 1);
    }
    assert!(h.kinds().is_empty(), "{:?}", h.kinds());
}

#[test]
fn thinner_deployments() {
    // W01-W08: 2 deployments a week, 4 changes each (4 per deployment). W09-W16: 4 a
    // week (+100%), 1 change each: 1 per deployment, -75% (at most half of 4 = 2).
    let mut h = History::new(16);
    for n in 1..=8 {
        h.deploys(n, 2, 0, 4);
    }
    for n in 9..=16 {
        h.deploys(n, 4, 0, 1);
    }
    let signals = h.signals(&[], &[]);
    assert_eq!(signals.len(), 1, "{signals:#?}");
    let s = &signals[0];
    assert_eq!(s.pattern, Some(GamingPattern::ThinnerDeployments));
    assert_eq!(labels(s), ("2025-W01".into(), "2025-W16".into()));
    let per_deployment = &s.observations[1];
    assert_eq!(per_deployment.key, "changes_per_deployment");
    assert_eq!(per_deployment.before.as_ref().unwrap().value, 4.0);
    assert_eq!(per_deployment.after.value, 1.0);
}

#[test]
fn more_deployments_with_most_of_their_changes_is_not_thinner() {
    // Same rise, 3 changes each: 3 per deployment is -25%, more than half of 4.
    let mut h = History::new(16);
    for n in 1..=8 {
        h.deploys(n, 2, 0, 4);
    }
    for n in 9..=16 {
        h.deploys(n, 4, 0, 3);
    }
    assert!(h.kinds().is_empty(), "{:?}", h.kinds());
}

#[test]
fn incidents_closed_within_minutes_again_and_again() {
    // W01: failures resolved in 5, 10 and 12 minutes and one in 3 hours; no rework
    // deployment: 3 quick closes without follow-up of 4 resolved (75% >= 50%, >= 3).
    let mut h = History::new(2);
    h.deploys(1, 2, 0, 1).deploys(2, 2, 0, 1);
    for (d, minutes) in [(0, 5), (1, 10), (2, 12), (3, 180)] {
        h.incident(at(1, d, 14), minutes);
    }
    let signals = h.signals(&[], &[]);
    assert_eq!(signals.len(), 1, "{signals:#?}");
    let s = &signals[0];
    assert_eq!(s.pattern, Some(GamingPattern::QuickIncidentClosures));
    assert_eq!(labels(s), ("2025-W01".into(), "2025-W01".into()));
    assert_eq!((s.observations[0].after.value, s.observations[1].after.value), (3.0, 4.0));
    assert_eq!(s.metrics, [MetricKey::Dora(DoraMetric::RecoveryTime)]);
    assert!(s.explanation.contains("closed within 15 minutes"), "{}", s.explanation);
}

#[test]
fn quick_closes_with_a_follow_up_or_among_many_are_not_a_signal() {
    // As above, but a hotfix ships 2 hours after the 10-minute close: 2 without
    // follow-up (fewer than 3).
    let mut h = History::new(1);
    h.deploys(1, 2, 0, 1);
    for (d, minutes) in [(0, 5), (1, 10), (2, 12), (3, 180)] {
        h.incident(at(1, d, 14), minutes);
    }
    h.deployment(at(1, 1, 16), false, DeployKind::Hotfix, 1);
    assert!(h.kinds().is_empty(), "{:?}", h.kinds());
    // 3 quick closes among 7 resolved (43%, under half).
    let mut h = History::new(1);
    h.deploys(1, 2, 0, 1);
    for (d, minutes) in [(0, 5), (1, 10), (2, 12), (3, 180), (4, 60), (5, 90), (6, 45)] {
        h.incident(at(1, d, 14), minutes);
    }
    assert!(h.kinds().is_empty(), "{:?}", h.kinds());
}

/// Three failures of Monday's deployment closed in 5 minutes on Sunday 2025-01-05 (the
/// end of W01), then `later` deployments: the signals of W01 alone, read from a store.
fn sunday_quick_closes(later: &str) -> Vec<Signal> {
    let mut store = Store::open_in_memory().unwrap();
    let team = store.add_team("t", UtcOffset::UTC).unwrap();
    let deployments = format!("id,deployed_at,kind\nD-1,2024-12-30T10:00:00Z,planned\n{later}");
    import_bytes(&mut store, &team, ImportKind::Deployments, "d.csv", deployments.as_bytes(), Format::Csv).unwrap();
    let incidents = "id,started_at,resolved_at,deployment_id\n\
                     I-1,2025-01-05T10:00:00Z,2025-01-05T10:05:00Z,D-1\n\
                     I-2,2025-01-05T14:00:00Z,2025-01-05T14:05:00Z,D-1\n\
                     I-3,2025-01-05T20:00:00Z,2025-01-05T20:05:00Z,D-1\n";
    import_bytes(&mut store, &team, ImportKind::Incidents, "i.csv", incidents.as_bytes(), Format::Csv).unwrap();
    SignalTable::load(&store, &team, &[week(1)], &[]).unwrap().signals
}

#[test]
fn a_quick_close_is_judged_by_what_follows_it_even_past_the_last_period() {
    // A hotfix on Monday of W02, within 24 hours of every close: they were followed up.
    assert!(sunday_quick_closes("H-1,2025-01-06T09:00:00Z,hotfix\nD-2,2025-01-07T10:00:00Z,planned\n").is_empty());
    // A planned deployment on Tuesday: the 24 hours passed with no follow-up.
    let signals = sunday_quick_closes("D-2,2025-01-07T10:00:00Z,planned\n");
    assert_eq!(signals.len(), 1, "{signals:#?}");
    assert_eq!(signals[0].pattern, Some(GamingPattern::QuickIncidentClosures));
    assert_eq!((signals[0].observations[0].after.value, signals[0].observations[1].after.value), (3.0, 3.0));
    // Nothing after Sunday yet: a follow-up may still come, so nothing is judged.
    assert!(sunday_quick_closes("").is_empty());
}

// --- 3. intended worsening ---------------------------------------------------------------

/// W01-W04: 5 deployments a week; W05-W12: 2 a week.
fn slowed_down() -> History {
    let mut h = History::new(12);
    for n in 1..=4 {
        h.deploys(n, 5, 0, 1);
    }
    for n in 5..=12 {
        h.deploys(n, 2, 0, 1);
    }
    h
}

fn slow_down(expected: Expected, until: Option<Timestamp>) -> IntendedChange {
    IntendedChange {
        metric: MetricKey::Dora(DoraMetric::DeploymentFrequency),
        expected,
        since: at(5, 0, 9),
        until,
        title: "Slow down to pay down debt".into(),
    }
}

#[test]
fn a_worsening_the_team_chose_is_shown_as_intended() {
    // Baseline: the up to 8 weeks before W05, W01-W04: 20 deployments / 28 days = 5 a
    // week. Open since W05: 16 / 56 days = 2 a week, -60% (worse by >= 20%).
    let signals = slowed_down().signals(&[slow_down(Expected::IntendedWorsening, None)], &[]);
    let found = of_kind(&signals, SignalKind::IntendedWorsening);
    assert_eq!(found.len(), 1, "{signals:#?}");
    let s = found[0];
    assert_eq!(labels(s), ("2025-W01".into(), "2025-W12".into()));
    assert_eq!(s.intended_change.as_deref(), Some("Slow down to pay down debt"));
    assert!(close(s.observations[0].before.as_ref().unwrap().value, 5.0 / 7.0));
    assert!(close(s.observations[0].after.value, 2.0 / 7.0));
    assert!(
        s.explanation.starts_with("Deployment frequency went from 5.0 a week in 2025-W01..2025-W04 to 2.0 a week"),
        "{}",
        s.explanation
    );
    assert!(s.explanation.contains("not a regression"));
}

#[test]
fn a_closed_action_covers_only_the_weeks_it_was_open() {
    // Closed at the start of W09: open in W05-W08, 8 deployments in 28 days = 2 a week,
    // after 20 in 28: P(Binomial(28, 1/2) <= 8) = 0.018, beyond chance.
    let signals = slowed_down().signals(&[slow_down(Expected::IntendedWorsening, Some(at(9, 0, 0)))], &[]);
    let s = of_kind(&signals, SignalKind::IntendedWorsening)[0];
    assert_eq!(labels(s), ("2025-W01".into(), "2025-W08".into()));
    // Closed at the start of W07: 4 in 14 days after 20 in 28 has a chance of 0.059:
    // within routine variation, so no signal.
    let signals = slowed_down().signals(&[slow_down(Expected::IntendedWorsening, Some(at(7, 0, 0)))], &[]);
    assert!(of_kind(&signals, SignalKind::IntendedWorsening).is_empty(), "{signals:#?}");
}

#[test]
fn no_intended_worsening_when_the_action_expected_better_or_nothing_worsened() {
    for expected in [Expected::Improve, Expected::HoldSteady] {
        let signals = slowed_down().signals(&[slow_down(expected, None)], &[]);
        assert!(of_kind(&signals, SignalKind::IntendedWorsening).is_empty());
    }
    // Expected to worsen, but deployments held at 5 a week.
    let mut h = History::new(12);
    for n in 1..=12 {
        h.deploys(n, 5, 0, 1);
    }
    let signals = h.signals(&[slow_down(Expected::IntendedWorsening, None)], &[]);
    assert!(of_kind(&signals, SignalKind::IntendedWorsening).is_empty());
}

#[test]
fn intended_worsening_of_a_team_metric() {
    // Tech-debt items (lower is better) expected to rise while they are being counted:
    // W01-W04 mean 10, W05-W08 mean 14 (+40%).
    let mut h = History::new(8);
    for n in 1..=8 {
        h.deploys(n, 2, 0, 1);
    }
    h.team_metric("tech_debt_items", Polarity::LowerIsBetter, &[10.0, 10.0, 10.0, 10.0, 14.0, 14.0, 14.0, 14.0]);
    let change = IntendedChange {
        metric: MetricKey::Team("tech_debt_items".into()),
        expected: Expected::IntendedWorsening,
        since: at(5, 0, 0),
        until: None,
        title: "Make the debt visible".into(),
    };
    let signals = h.signals(&[change], &[]);
    let s = of_kind(&signals, SignalKind::IntendedWorsening)[0];
    assert_eq!(s.observations[0].after.value, 14.0);
    assert!(s.explanation.starts_with("Tech debt items went from 10 points"), "{}", s.explanation);
}

// --- 4. quality paired with speed ----------------------------------------------------------

/// Deployments: 2 a week W01-W08, 4 a week W09-W24. Satisfaction (higher is better):
/// 4.0 through W16, then `late` for W17-W24.
fn faster_with_satisfaction(late: f64) -> History {
    let mut h = History::new(24);
    for n in 1..=8 {
        h.deploys(n, 2, 0, 1);
    }
    for n in 9..=24 {
        h.deploys(n, 4, 0, 1);
    }
    let mut values = vec![4.0; 16];
    values.extend([late; 8]);
    h.team_metric("customer_satisfaction", Polarity::HigherIsBetter, &values);
    h
}

#[test]
fn quality_paired_with_speed() {
    // Speed: W09-W16 4 a week against 2 (+100% >= +50%). Satisfaction against the
    // baseline's 4.0, in 8-week windows from W09 on: 4.0, then (7 x 4 + 2) / 8 = 3.75,
    // 3.5, 3.25, 3.0 (-25%), and W14-W21: (3 x 4 + 5 x 2) / 8 = 2.75, -31% (worse by
    // >= 30%).
    let signals = faster_with_satisfaction(2.0).signals(&[], &[]);
    let found = of_kind(&signals, SignalKind::QualityPairedWithSpeed);
    assert_eq!(found.len(), 1, "{signals:#?}");
    let s = found[0];
    assert_eq!(labels(s), ("2025-W01".into(), "2025-W21".into()));
    assert_eq!(
        s.metrics,
        [MetricKey::Dora(DoraMetric::DeploymentFrequency), MetricKey::Team("customer_satisfaction".into())]
    );
    let quality = &s.observations[1];
    assert_eq!(quality.after.value, 2.75);
    assert_eq!(quality.after.span.first.label(), "2025-W14");
    assert!(
        s.explanation.contains("customer satisfaction went from 4 points to 2.75 points (-31%)"),
        "{}",
        s.explanation
    );
}

#[test]
fn no_quality_signal_when_quality_holds_or_is_not_watched_or_speed_holds() {
    // 3.0 from W17: at worst (W17-W24) -25%, within the threshold.
    let signals = faster_with_satisfaction(3.0).signals(&[], &[]);
    assert!(of_kind(&signals, SignalKind::QualityPairedWithSpeed).is_empty());
    // The team watches another metric only.
    let signals = faster_with_satisfaction(2.0).signals(&[], &["escaped_defects".into()]);
    assert!(of_kind(&signals, SignalKind::QualityPairedWithSpeed).is_empty());
    // Satisfaction falls, but deployments hold at 2 a week.
    let mut h = History::new(24);
    for n in 1..=24 {
        h.deploys(n, 2, 0, 1);
    }
    let mut values = vec![4.0; 16];
    values.extend([2.0; 8]);
    h.team_metric("customer_satisfaction", Polarity::HigherIsBetter, &values);
    assert!(h.kinds().is_empty());
}

// --- thresholds, steady histories, the demo --------------------------------------------

/// Deployments (with their kinds) and incidents known for `[from, to)`.
fn covered(from: Timestamp, to: Timestamp) -> Coverage {
    let span = Spans::union([(from, to)]);
    Coverage { deployments: span.clone(), incidents: span.clone(), deployment_kinds: span }
}

#[test]
fn thresholds_are_documented_defaults() {
    let weekly = Thresholds::for_granularity(Some(Granularity::Week));
    assert_eq!((weekly.baseline, weekly.window, weekly.lag), (8, 8, 8));
    let monthly = Thresholds::for_granularity(Some(Granularity::Month));
    assert_eq!((monthly.baseline, monthly.window, monthly.lag), (3, 2, 2));
    assert_eq!(weekly.throughput_rise, 0.5);
    assert_eq!(weekly.rate_rise_points, 10.0);
    // Other thresholds are the caller's to choose: asking for a rise of 60 points, no
    // window rises that far (the most is W17-W24: 16 of 32 = 50%).
    let mut h = rise_then_failures(true);
    h.events.coverage = covered(week(1).start, week(24).end);
    let periods: Vec<Period> = (1..=24).map(week).collect();
    let series = compute(&h.events, &periods);
    let input = SignalInput::new(&h.events, &series, &[], &[]);
    assert_eq!(detect_with(&input, &weekly).len(), 1);
    let strict = Thresholds { rate_rise_points: 60.0, ..weekly };
    assert!(detect_with(&input, &strict).is_empty());
}

/// A steady team (8 deployments a week, 10% failures, 7% rework, satisfaction about
/// 4.1 and 3 to 5 escaped defects a week) over a year, for 40 seeds: noise alone
/// raises a signal rarely. The thresholds were chosen for this: 2 of the 40 years raise
/// one, both from an 8-week baseline that happened to be unusually quiet (about 5.5
/// deployments a week, with almost no failures).
#[test]
fn steady_histories_rarely_raise_signals() {
    let start = week(1).start;
    let steady = retro::synth::WeekProfile::STEADY;
    let mut raised = Vec::new();
    for seed in 1..=40 {
        let data = retro::synth::story(seed, start, &[steady; 52]);
        let mut store = Store::open_in_memory().unwrap();
        let team = store.add_team("steady", UtcOffset::UTC).unwrap();
        store.load_deployments(&team, &data.deployments, "t").unwrap();
        store.load_changes(&team, &data.changes, "t").unwrap();
        store.load_incidents(&team, &data.incidents, "t").unwrap();
        let periods: Vec<Period> = (1..=52).map(week).collect();
        let mut rng = fastrand::Rng::with_seed(seed);
        let definitions = [
            TeamMetric {
                name: "customer_satisfaction".into(),
                unit: "score".into(),
                polarity: Polarity::HigherIsBetter,
            },
            TeamMetric { name: "escaped_defects".into(), unit: "defects".into(), polarity: Polarity::LowerIsBetter },
        ];
        let samples: Vec<MetricSample> = periods
            .iter()
            .flat_map(|p| {
                let satisfaction = 4.1 + rng.f64() * 0.3 - 0.15;
                let defects = (3.0 + rng.f64() * 2.0).round();
                [("customer_satisfaction", satisfaction), ("escaped_defects", defects)].map(|(name, value)| {
                    MetricSample { metric: MetricKey::Team(name.into()), period: p.clone(), value }
                })
            })
            .collect();
        store.load_samples(&team, &definitions, &samples, "t").unwrap();
        let table = SignalTable::load(&store, &team, &periods, &[]).unwrap();
        for s in &table.signals {
            assert_eq!(s.kind, SignalKind::InstabilityAfterThroughputRise, "seed {seed}: {s:#?}");
            raised.push(format!("seed {seed}: {}", s.explanation));
        }
    }
    assert!(raised.len() <= 2, "{}", raised.join("\n"));
}

/// The demo team's story: deployments rise sharply (AI coding assistants), and failure
/// and rework rates follow a few weeks later.
#[test]
fn the_demo_story_raises_instability_after_throughput_rises() {
    let now = retro::domain::parse_timestamp("2026-11-26T12:00:00Z").unwrap();
    let mut store = Store::open_in_memory().unwrap();
    let team = retro::demo::load(&mut store, now).unwrap();
    for (granularity, count) in [(Granularity::Week, 52), (Granularity::Month, 12)] {
        let periods: Vec<Period> =
            Period::last_n(now, count, granularity, UtcOffset::UTC).into_iter().map(|p| p.until(now)).collect();
        let table = SignalTable::load(&store, &team, &periods, &[]).unwrap();
        let instability = of_kind(&table.signals, SignalKind::InstabilityAfterThroughputRise);
        if granularity == Granularity::Month {
            // By month the story starts too close to the rise: every 3-month baseline
            // holds part of it, so its months vary too much to tell a move from routine.
            assert!(instability.is_empty(), "{:#?}", table.signals);
            continue;
        }
        assert_eq!(instability.len(), 1, "{granularity:?}: {:#?}", table.signals);
        let s = instability[0];
        assert!(s.metrics.contains(&MetricKey::Dora(DoraMetric::ChangeFailureRate)));
        // The rise is the story's weeks 17-19 (2026-W05..W07 once shifted to end now).
        let rise = &s.observations[0];
        assert!(rise.after.value >= 1.5 * rise.before.as_ref().unwrap().value, "{rise:?}");
        // The story has no gaming in it.
        assert!(of_kind(&table.signals, SignalKind::PossibleMetricGaming).is_empty());
    }
}

// --- retro signals --------------------------------------------------------------------

fn retro_demo(args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = assert_cmd::cargo::cargo_bin_cmd!("retro")
        .current_dir(dir.path())
        .env_remove("RETRO_DB")
        .env_remove("RETRO_TEAM")
        .env("RETRO_NOW", "2026-11-26T12:00:00Z")
        .env("HOME", dir.path())
        .args(["--demo", "signals"])
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).unwrap()
}

#[test]
fn retro_signals_json_has_the_documented_shape() {
    let json: serde_json::Value = serde_json::from_str(&retro_demo(&["--format", "json"])).unwrap();
    assert_eq!(json["schema"], "retro.signals/1");
    assert_eq!(json["team"], "Demo team");
    assert_eq!(json["utc_offset"], "+00:00");
    assert_eq!(json["period"], "week");
    assert_eq!(json["first_period"], "2025-W49");
    assert_eq!(json["last_period"], "2026-W48");
    let signals = json["signals"].as_array().unwrap();
    let s =
        signals.iter().find(|s| s["kind"] == "instability_after_throughput_rise").expect("the demo raises instability");
    let keys: Vec<&str> = s.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "kind",
            "title",
            "pattern",
            "first_period",
            "last_period",
            "start",
            "end",
            "metrics",
            "observations",
            "intended_change",
            "explanation",
            "question"
        ]
    );
    assert_eq!(s["title"], "Instability after throughput rises");
    assert!(s["pattern"].is_null());
    assert_eq!(s["metrics"][0], "deployment_frequency");
    let o = &s["observations"][0];
    assert_eq!(o["key"], "deployment_frequency");
    assert_eq!(o["unit"], "deploys/day");
    assert!(o["before"]["value"].is_number());
    assert!(o["after"]["first_period"].as_str().unwrap().starts_with("2026-W"));
    assert!(s["start"].as_str().unwrap().ends_with("+00:00"));
}

#[test]
fn retro_signals_table_and_options() {
    let text = retro_demo(&[]);
    assert!(text.starts_with("Demo team · signals over 52 weeks (2025-W49..2026-W48) · UTC+00:00\n"), "{text}");
    assert!(text.contains("1. Instability after throughput rises · "), "{text}");
    assert!(text.contains("   Ask: "), "{text}");
    let months = retro_demo(&["--period", "month", "--last", "3"]);
    assert!(months.contains("signals over 3 months (2026-09..2026-11)"), "{months}");
    assert!(months.contains("No signals in these periods."), "{months}");
}
