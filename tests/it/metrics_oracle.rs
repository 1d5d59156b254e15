//! Oracle tests: every DORA metric checked against values computed by hand, through the
//! real path (CSV import -> SQLite store -> metric engine), plus a few pure cases on a
//! hand-built `EventSet`. Each test shows its arithmetic; docs/metrics.md explains the
//! rules they pin down.
//!
//! Calendar used throughout (ISO weeks of 2025, Monday to Sunday):
//! W01 = 2024-12-30..2025-01-05, W02 = 01-06..01-12, W03 = 01-13..01-19,
//! W04 = 01-20..01-26, W05 = 01-27..02-02, W06 = 02-03..02-09.

use chrono::NaiveDate;
use retro::domain::{
    ChangeFact, Coverage, DeployKind, DeployStatus, DeploymentFact, DoraMetric, EventSet, Granularity, IncidentFact,
    Period, SampleSet, Spans, Team, Timestamp, UtcOffset, parse_timestamp,
};
use retro::import::{Format, ImportKind, ImportSummary, import_bytes};
use retro::metrics::{PeriodMetrics, ValueSource, compute};
use retro::query::MetricTable;
use retro::store::Store;

use DoraMetric::{
    ChangeFailureRate as Cfr, ChangeLeadTime as LeadTime, DeploymentFrequency as Frequency, RecoveryTime as Recovery,
    ReworkRate as Rework,
};

// --- helpers -------------------------------------------------------------------------

/// One team in a fresh in-memory store.
struct Fixture {
    store: Store,
    team: Team,
}

impl Fixture {
    fn new() -> Self {
        Self::with_offset(UtcOffset::UTC)
    }

    fn with_offset(offset: UtcOffset) -> Self {
        let mut store = Store::open_in_memory().expect("in-memory store");
        let team = store.add_team("oracle", offset).expect("team");
        Fixture { store, team }
    }

    fn import(&mut self, kind: ImportKind, file: &str, text: &str) -> ImportSummary {
        import_csv(&mut self.store, &self.team, kind, file, text)
    }

    fn deployments(&mut self, text: &str) -> ImportSummary {
        self.import(ImportKind::Deployments, "deployments.csv", text)
    }

    fn changes(&mut self, text: &str) -> ImportSummary {
        self.import(ImportKind::Changes, "changes.csv", text)
    }

    fn incidents(&mut self, text: &str) -> ImportSummary {
        self.import(ImportKind::Incidents, "incidents.csv", text)
    }

    fn metric_values(&mut self, text: &str) -> ImportSummary {
        self.import(ImportKind::Metrics, "metrics.csv", text)
    }

    /// A week (`2025-W03`) or month (`2025-01`) in the team's offset.
    fn period(&self, label: &str) -> Period {
        Period::parse_label(label, self.team.utc_offset).expect("period label")
    }

    fn table(&self, periods: &[Period]) -> MetricTable {
        MetricTable::load(&self.store, &self.team, periods).expect("metrics load")
    }

    /// The metrics of the periods named by `labels`, loaded together.
    fn metrics(&self, labels: &[&str]) -> Vec<PeriodMetrics> {
        let periods: Vec<Period> = labels.iter().map(|l| self.period(l)).collect();
        self.table(&periods).periods
    }

    /// The metrics of one period, loaded on its own.
    fn one(&self, label: &str) -> PeriodMetrics {
        self.metrics(&[label]).remove(0)
    }
}

/// Imports CSV text written with indentation (each line is trimmed) for `team`.
fn import_csv(store: &mut Store, team: &Team, kind: ImportKind, file: &str, text: &str) -> ImportSummary {
    let csv: String = text.lines().map(str::trim).filter(|l| !l.is_empty()).map(|l| format!("{l}\n")).collect();
    import_bytes(store, team, kind, file, csv.as_bytes(), Format::Csv)
        .unwrap_or_else(|e| panic!("importing {file}: {e}"))
}

fn t(text: &str) -> Timestamp {
    parse_timestamp(text).unwrap_or_else(|| panic!("bad test timestamp {text}"))
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("test date")
}

fn value(p: &PeriodMetrics, metric: DoraMetric) -> Option<f64> {
    p.dora.get(metric).value
}

#[track_caller]
fn assert_value(p: &PeriodMetrics, metric: DoraMetric, expected: f64) {
    let actual = value(p, metric).unwrap_or_else(|| panic!("{}: {metric} is no data, expected {expected}", p.period));
    assert!((actual - expected).abs() < 1e-9, "{}: {metric} is {actual}, expected {expected}", p.period);
}

#[track_caller]
fn assert_no_data(p: &PeriodMetrics, metric: DoraMetric) {
    let v = p.dora.get(metric);
    assert_eq!(v.value, None, "{}: {metric} should be no data", p.period);
    assert_eq!(v.source, None, "{}: {metric} has no source", p.period);
}

#[track_caller]
fn assert_close(actual: Option<f64>, expected: f64) {
    let actual = actual.unwrap_or_else(|| panic!("no data, expected {expected}"));
    assert!((actual - expected).abs() < 1e-9, "{actual} != {expected}");
}

// --- deployment frequency ------------------------------------------------------------

#[test]
fn deployment_frequency_is_production_deployments_per_day_and_per_week() {
    let mut f = Fixture::new();
    f.deployments(
        "id,deployed_at,environment
         d1,2025-01-13 10:00:00,production
         d2,2025-01-15 10:00:00,production
         d3,2025-01-17 16:30:00,production
         s1,2025-01-16 10:00:00,staging",
    );
    let w03 = f.one("2025-W03");
    // 3 production deploys / 7 days = 0.428571/day; x 7 = 3 per week. Staging ignored.
    assert_value(&w03, Frequency, 3.0 / 7.0);
    assert_close(w03.deployments_per_week(), 3.0);
    assert_eq!(w03.dora.get(Frequency).count, 3);
    assert_eq!(w03.dora.get(Frequency).source, Some(ValueSource::Events));
}

#[test]
fn month_frequency_divides_by_the_months_own_day_count() {
    let mut f = Fixture::new();
    f.deployments(
        "id,deployed_at
         j1,2024-01-10 10:00:00
         j2,2024-01-20 10:00:00
         j3,2024-01-31 23:59:59
         f1,2024-02-01 00:00:00
         f2,2024-02-29 12:00:00
         m1,2024-03-01 00:00:00",
    );
    let periods =
        Period::covering(t("2024-01-01 00:00:00"), t("2024-04-01 00:00:00"), Granularity::Month, UtcOffset::UTC);
    let ms = f.table(&periods).periods;
    let labels: Vec<_> = ms.iter().map(|p| p.period.label()).collect();
    assert_eq!(labels, ["2024-01", "2024-02", "2024-03"]);
    // The data covers the weeks of its first and last deployment: Monday 8 January to
    // Sunday 3 March. January is covered 8..31, 24 days: 3 / 24 = 0.125/day, partial.
    assert_value(&ms[0], Frequency, 3.0 / 24.0);
    assert!(ms[0].is_partial());
    // February 2024 (leap year): 2 / 29 = 0.068966/day; x 7 = 0.482759 per week.
    assert_eq!(ms[1].period.days(), 29.0);
    assert_value(&ms[1], Frequency, 2.0 / 29.0);
    assert_close(ms[1].deployments_per_week(), 14.0 / 29.0);
    assert!(!ms[1].is_partial());
    // March is covered 1..3 (Friday to Sunday): 1 / 3.
    assert_value(&ms[2], Frequency, 1.0 / 3.0);
}

#[test]
fn custom_window_counts_whole_days_inclusive_of_both_ends() {
    let mut f = Fixture::new();
    f.deployments(
        "id,deployed_at
         e0,2025-01-12 23:59:59
         e1,2025-01-13 00:00:00
         e2,2025-01-16 12:00:00
         e3,2025-01-20 08:00:00
         e4,2025-01-21 09:00:00
         e5,2025-01-22 23:59:59
         e6,2025-01-23 00:00:00",
    );
    let window = Period::window(day(2025, 1, 13), day(2025, 1, 22), UtcOffset::UTC);
    assert_eq!(window.label(), "2025-01-13..2025-01-22");
    let p = f.table(&[window]).periods.remove(0);
    // 2025-01-13..=2025-01-22 is 10 days; e1..e5 fall in it (e0 and e6 do not):
    // 5 / 10 = 0.5/day; 3.5 per week.
    assert_eq!(p.period.days(), 10.0);
    assert_value(&p, Frequency, 0.5);
    assert_close(p.deployments_per_week(), 3.5);
}

// --- change lead time ----------------------------------------------------------------

#[test]
fn lead_time_is_the_median_of_an_odd_count() {
    let mut f = Fixture::new();
    f.deployments("id,deployed_at\nd1,2025-01-15 12:00:00");
    f.changes(
        "id,committed_at,deployment_id
         c1,2025-01-15 10:00:00,d1
         c2,2025-01-15 07:00:00,d1
         c3,2025-01-14 06:00:00,d1",
    );
    let w03 = f.one("2025-W03");
    // Lead times 2 h, 5 h, 30 h; the middle one is 5 h.
    assert_value(&w03, LeadTime, 5.0);
    assert_eq!(w03.dora.get(LeadTime).count, 3);
}

#[test]
fn lead_time_of_an_even_count_is_the_mean_of_the_two_middle_values() {
    let mut f = Fixture::new();
    f.deployments("id,deployed_at\nd1,2025-01-15 12:00:00");
    f.changes(
        "id,committed_at,deployment_id
         c1,2025-01-15 11:00:00,d1
         c2,2025-01-15 09:00:00,d1
         c3,2025-01-15 08:00:00,d1
         c4,2025-01-15 02:00:00,d1",
    );
    // Lead times 1, 3, 4, 10 h: median (3 + 4) / 2 = 3.5 h.
    assert_value(&f.one("2025-W03"), LeadTime, 3.5);
}

#[test]
fn a_change_belongs_to_the_period_of_the_deployment_that_shipped_it() {
    let mut f = Fixture::new();
    f.deployments("id,deployed_at\nd1,2025-01-13 10:00:00");
    f.changes("id,committed_at,deployment_id\nc1,2025-01-12 20:00:00,d1");
    let [w02, w03] = <[_; 2]>::try_from(f.metrics(&["2025-W02", "2025-W03"])).unwrap();
    // Committed Sunday 20:00 (W02), deployed Monday 10:00 (W03): 14 h, counted in W03.
    assert_value(&w03, LeadTime, 14.0);
    assert_no_data(&w02, LeadTime);
    // A commit does not start the team's history: W02 lies before the first recorded
    // deployment, so its frequency is unknown rather than zero.
    assert_no_data(&w02, Frequency);
}

#[test]
fn an_unnamed_change_ships_with_the_first_production_deployment_at_or_after_its_commit() {
    let mut f = Fixture::new();
    f.deployments(
        "id,deployed_at,environment,service
         a1,2025-01-13 10:00:00,production,api
         s1,2025-01-13 12:00:00,staging,
         w1,2025-01-20 10:00:00,production,web
         a2,2025-01-27 10:00:00,production,api",
    );
    f.changes(
        "id,committed_at,deployment_id,service
         c1,2025-01-13 10:00:00,,
         c2,2025-01-13 11:00:00,,
         c3,2025-01-13 11:00:00,,api
         c4,2025-01-13 11:00:00,,batch",
    );
    let table = f.table(&[f.period("2025-W03"), f.period("2025-W04"), f.period("2025-W05")]);
    let [w03, w04, w05] = <[_; 3]>::try_from(table.periods).unwrap();
    // c1 is committed exactly when a1 deploys: it ships in a1, lead time 0 h (W03).
    assert_value(&w03, LeadTime, 0.0);
    assert_eq!(w03.dora.get(LeadTime).count, 1);
    // c2 names no service: staging s1 is skipped, the next production deployment is
    // w1 (another service, which is fine): 7 days - 1 h = 167 h (W04).
    assert_value(&w04, LeadTime, 167.0);
    assert_eq!(w04.dora.get(LeadTime).count, 1);
    // c3 names api: w1 (web) is skipped, a2 ships it: 14 days - 1 h = 335 h (W05).
    assert_value(&w05, LeadTime, 335.0);
    assert_eq!(w05.dora.get(LeadTime).count, 1);
    // c4 names a service with no deployment: not deployed yet.
    assert_eq!(table.diagnostics.changes_not_yet_deployed, 1);
}

#[test]
fn a_named_deployment_ships_a_commit_at_its_time_but_not_a_later_one() {
    let mut f = Fixture::new();
    f.deployments("id,deployed_at\nd1,2025-01-15 12:00:00");
    f.changes(
        "id,committed_at,deployment_id
         same,2025-01-15 12:00:00,d1
         later,2025-01-15 12:00:01,d1",
    );
    let table = f.table(&[f.period("2025-W03")]);
    // "same" ships at its commit instant (0 h); "later" cannot have shipped in d1.
    assert_value(&table.periods[0], LeadTime, 0.0);
    assert_eq!(table.periods[0].dora.get(LeadTime).count, 1);
    assert_eq!(table.diagnostics.changes_with_unusable_deployment, 1);
}

#[test]
fn a_change_naming_a_staging_deployment_is_not_deployed() {
    let mut f = Fixture::new();
    f.deployments(
        "id,deployed_at,environment
         s1,2025-01-14 10:00:00,staging
         p1,2025-01-15 10:00:00,production",
    );
    f.changes(
        "id,committed_at,deployment_id
         c1,2025-01-14 08:00:00,s1
         c2,2025-01-14 09:00:00,",
    );
    let table = f.table(&[f.period("2025-W03")]);
    // c1 names s1 and does not roll forward to p1; c2 names nothing and ships in p1
    // (the staging deployment at 10:00 is skipped): 25 h, the only value.
    assert_value(&table.periods[0], LeadTime, 25.0);
    assert_eq!(table.periods[0].dora.get(LeadTime).count, 1);
    assert_eq!(table.diagnostics.changes_with_unusable_deployment, 1);
}

// --- change failure rate -------------------------------------------------------------

#[test]
fn failed_and_rolled_back_deployments_are_change_failures() {
    let mut f = Fixture::new();
    f.deployments(
        "id,deployed_at,status
         d1,2025-01-13 10:00:00,success
         d2,2025-01-14 10:00:00,failed
         d3,2025-01-15 10:00:00,rolled_back
         d4,2025-01-16 10:00:00,",
    );
    let w03 = f.one("2025-W03");
    // 2 failures (failed, rolled_back) / 4 production deploys = 50 %.
    assert_value(&w03, Cfr, 50.0);
    assert_eq!(w03.failed_deployments, 2);
    assert_eq!(w03.dora.get(Cfr).count, 4);
    // Failed deployments still reached production: they count in frequency too.
    assert_value(&w03, Frequency, 4.0 / 7.0);
}

#[test]
fn a_deployment_named_by_an_incident_failed_in_its_own_period() {
    let mut f = Fixture::new();
    f.deployments(
        "id,deployed_at,status
         d1,2025-01-13 10:00:00,success
         d2,2025-01-14 10:00:00,success
         d3,2025-01-15 10:00:00,success
         d4,2025-01-16 10:00:00,failed
         d5,2025-01-20 10:00:00,success",
    );
    f.incidents(
        "id,started_at,resolved_at,deployment_id
         i1,2025-01-21 09:00:00,2025-01-21 12:00:00,d2
         i2,2025-01-16 10:00:00,2025-01-16 11:00:00,d4",
    );
    let [w03, w04] = <[_; 2]>::try_from(f.metrics(&["2025-W03", "2025-W04"])).unwrap();
    // W03: d2 (incident, though it started in W04) and d4 (failed, and an incident:
    // counted once) = 2 / 4 = 50 %.
    assert_value(&w03, Cfr, 50.0);
    assert_eq!(w03.failed_deployments, 2);
    // W04: d5 is fine; i1 starting in W04 does not make W04 fail: 0 / 1 = 0 %.
    assert_value(&w04, Cfr, 0.0);
    // Recoveries are in the period of resolution: i2 1 h (W03), i1 3 h (W04).
    assert_value(&w03, Recovery, 1.0);
    assert_value(&w04, Recovery, 3.0);
}

// --- failed deployment recovery time -------------------------------------------------

#[test]
fn recovery_time_is_the_median_of_resolved_failures_only() {
    let mut f = Fixture::new();
    f.deployments(
        "id,deployed_at
         d1,2025-01-13 09:00:00
         d2,2025-01-14 09:00:00
         d3,2025-01-15 09:00:00",
    );
    f.incidents(
        "id,started_at,resolved_at,deployment_id
         i1,2025-01-13 10:00:00,2025-01-13 11:00:00,d1
         i2,2025-01-14 10:00:00,2025-01-14 16:00:00,d2
         i3,2025-01-15 10:00:00,2025-01-15 12:00:00,d3
         i4,2025-01-16 10:00:00,,d3
         i5,2025-01-17 10:00:00,2025-01-17 10:30:00,",
    );
    let table = f.table(&[f.period("2025-W03")]);
    let w03 = &table.periods[0];
    // Resolved and linked: 1 h, 6 h, 2 h -> median 2 h. i4 is open, i5 unlinked.
    assert_value(w03, Recovery, 2.0);
    assert_eq!(w03.dora.get(Recovery).count, 3);
    assert_eq!(w03.unlinked_incidents, 1);
    assert_eq!(table.diagnostics.incidents_without_production_deployment, 1);
    // Every deployment caused an incident: 3 / 3 = 100 % (the open one counts here).
    assert_value(w03, Cfr, 100.0);
}

#[test]
fn an_incident_that_began_before_the_deployment_it_names_is_not_its_failure() {
    let mut f = Fixture::new();
    f.deployments("id,deployed_at\nd1,2025-01-15 12:00:00\nd2,2025-01-16 12:00:00");
    f.incidents(
        "id,started_at,resolved_at,deployment_id
         i1,2025-01-13 00:00:00,2025-01-15 13:00:00,d1
         i2,2025-01-16 13:00:00,2025-01-16 15:00:00,d2",
    );
    let table = f.table(&[f.period("2025-W03")]);
    let w03 = &table.periods[0];
    // i1 started two days before d1: not d1's failure. Only d2 failed: 1 / 2 = 50 %;
    // recovery is i2's 2 h alone, and i1 counts among the unusable links.
    assert_value(w03, Cfr, 50.0);
    assert_value(w03, Recovery, 2.0);
    assert_eq!(w03.unlinked_incidents, 1);
    assert_eq!(table.diagnostics.incidents_before_their_deployment, 1);
}

#[test]
fn a_recovery_counts_in_the_week_it_was_resolved_and_earlier_weeks_stay_put() {
    let mut f = Fixture::new();
    f.deployments("id,deployed_at\nd1,2025-01-15 10:00:00");
    f.incidents("id,started_at,resolved_at,deployment_id\ni1,2025-01-17 22:00:00,,d1");
    let [w03_open, w04_open] = <[_; 2]>::try_from(f.metrics(&["2025-W03", "2025-W04"])).unwrap();
    // Open: no recovery anywhere; the deployment already failed (1 / 1 = 100 %).
    assert_no_data(&w03_open, Recovery);
    assert_no_data(&w04_open, Recovery);
    assert_value(&w03_open, Cfr, 100.0);

    // Resolved the next Monday 04:00: Friday 22:00 -> Monday 04:00 = 54 h, in W04.
    let summary = f.incidents("id,started_at,resolved_at,deployment_id\ni1,2025-01-17 22:00:00,2025-01-20 04:00:00,d1");
    assert_eq!(summary.report.updated, 1);
    let [w03, w04] = <[_; 2]>::try_from(f.metrics(&["2025-W03", "2025-W04"])).unwrap();
    assert_value(&w04, Recovery, 54.0);
    assert_eq!(w04.dora.get(Recovery).count, 1);
    assert_eq!(w03, w03_open, "closing an incident must not rewrite an earlier week");
}

// --- deployment rework rate ----------------------------------------------------------

#[test]
fn rework_rate_counts_hotfixes_rollbacks_and_fixes_forward() {
    let mut f = Fixture::new();
    f.deployments(
        "id,deployed_at,environment,kind
         d1,2025-01-13 10:00:00,production,planned
         d2,2025-01-13 15:00:00,production,hotfix
         d3,2025-01-14 10:00:00,production,rollback
         d4,2025-01-15 10:00:00,production,fix_forward
         d5,2025-01-16 10:00:00,production,
         s1,2025-01-16 11:00:00,staging,hotfix",
    );
    let w03 = f.one("2025-W03");
    // 3 unplanned (hotfix, rollback, fix_forward) / 5 production = 60 %; d5's empty
    // kind is planned; the staging hotfix is ignored.
    assert_value(&w03, Rework, 60.0);
    assert_eq!(w03.rework_deployments, 3);
    assert_eq!(w03.dora.get(Rework).count, 5);
}

// --- no data versus zero -------------------------------------------------------------

#[test]
fn a_week_without_production_deployments_has_no_failure_or_rework_rate() {
    let mut f = Fixture::new();
    f.deployments(
        "id,deployed_at,environment,status,kind
         d1,2025-01-08 10:00:00,production,success,planned
         s1,2025-01-15 10:00:00,staging,failed,hotfix
         d2,2025-01-22 10:00:00,production,success,planned",
    );
    let w03 = f.one("2025-W03");
    // Inside the history (W02..W04): 0 deploys / 7 days = 0, a fact.
    assert_value(&w03, Frequency, 0.0);
    assert_eq!(w03.dora.get(Frequency).source, Some(ValueSource::Events));
    assert_close(w03.deployments_per_week(), 0.0);
    // 0 / 0 is not 0 %: no data. Nothing shipped, nothing recovered.
    assert_no_data(&w03, Cfr);
    assert_no_data(&w03, Rework);
    assert_no_data(&w03, LeadTime);
    assert_no_data(&w03, Recovery);
    assert_eq!(w03.failed_deployments, 0);
}

#[test]
fn weeks_outside_the_recorded_history_are_no_data_not_zero() {
    let mut f = Fixture::new();
    f.deployments("id,deployed_at\nd1,2025-01-15 10:00:00");
    let [w02, w03, w04] = <[_; 3]>::try_from(f.metrics(&["2025-W02", "2025-W03", "2025-W04"])).unwrap();
    // The history is one instant in W03. Before it: unknown, not zero.
    for m in DoraMetric::ALL {
        assert_no_data(&w02, m);
    }
    assert_eq!(w02.deployments_per_week(), None);
    assert_value(&w03, Frequency, 1.0 / 7.0);
    // After the last raw event: unknown as well.
    assert_no_data(&w04, Frequency);
}

#[test]
fn a_team_without_events_has_no_data_at_all() {
    let f = Fixture::new();
    let w03 = f.one("2025-W03");
    for m in DoraMetric::ALL {
        assert_no_data(&w03, m);
    }
    assert_eq!(w03.unlinked_incidents, 0);
}

// --- what counts: production only ----------------------------------------------------

#[test]
fn only_production_deployments_count_whatever_the_case() {
    let mut f = Fixture::new();
    let summary = f.deployments(
        "id,deployed_at,environment,status,kind
         p1,2025-01-13 10:00:00,Production,,
         p2,2025-01-14 10:00:00,PRODUCTION,,
         p3,2025-01-15 10:00:00,,,
         s1,2025-01-15 11:00:00,staging,failed,hotfix
         x1,2025-01-16 10:00:00,prod,failed,rollback",
    );
    assert_eq!(summary.other_environments.get("staging"), Some(&1));
    assert_eq!(summary.other_environments.get("prod"), Some(&1));
    let w03 = f.one("2025-W03");
    // "Production", "PRODUCTION" and empty are production: 3 / 7 per day. The failed
    // staging hotfix and "prod" (not the word production) are ignored: 0 / 3 = 0 %.
    assert_value(&w03, Frequency, 3.0 / 7.0);
    assert_value(&w03, Cfr, 0.0);
    assert_value(&w03, Rework, 0.0);
}

#[test]
fn an_incident_naming_a_staging_deployment_is_unlinked() {
    let mut f = Fixture::new();
    f.deployments(
        "id,deployed_at,environment,status
         s1,2025-01-14 10:00:00,staging,failed
         p1,2025-01-15 10:00:00,production,success",
    );
    f.incidents(
        "id,started_at,resolved_at,deployment_id
         i1,2025-01-14 12:00:00,2025-01-14 14:00:00,s1
         i2,2025-01-16 12:00:00,2025-01-16 13:00:00,not-imported",
    );
    let table = f.table(&[f.period("2025-W03")]);
    let w03 = &table.periods[0];
    // Neither incident names a production deployment: CFR 0 / 1 = 0 %, no recovery.
    assert_value(w03, Cfr, 0.0);
    assert_no_data(w03, Recovery);
    assert_eq!(w03.unlinked_incidents, 2);
    assert_eq!(table.diagnostics.incidents_without_production_deployment, 2);
}

// --- period boundaries ---------------------------------------------------------------

#[test]
fn monday_midnight_starts_the_new_iso_week() {
    let mut f = Fixture::new();
    f.deployments(
        "id,deployed_at
         d1,2025-01-15 12:00:00
         d2,2025-01-19 23:59:59
         d3,2025-01-20 00:00:00",
    );
    f.changes("id,committed_at\nc1,2025-01-19 23:59:59");
    f.incidents(
        "id,started_at,resolved_at,deployment_id
         i1,2025-01-19 23:00:00,2025-01-20 00:00:00,d1",
    );
    let [w03, w04] = <[_; 2]>::try_from(f.metrics(&["2025-W03", "2025-W04"])).unwrap();
    // Sunday 23:59:59 is W03 (2 / 7); Monday 00:00:00 is W04 (1 / 7).
    assert_value(&w03, Frequency, 2.0 / 7.0);
    assert_value(&w04, Frequency, 1.0 / 7.0);
    // c1 ships with d2 at its commit instant: 0 h, in W03.
    assert_value(&w03, LeadTime, 0.0);
    assert_no_data(&w04, LeadTime);
    // i1 (caused by d1) fails W03: 1 / 2 = 50 %; resolved at Monday 00:00:00, so its
    // 1 h recovery is W04's.
    assert_value(&w03, Cfr, 50.0);
    assert_value(&w04, Cfr, 0.0);
    assert_no_data(&w03, Recovery);
    assert_value(&w04, Recovery, 1.0);
}

#[test]
fn a_team_at_plus_two_hours_buckets_by_its_local_midnight() {
    let deployments = "id,deployed_at
         d1,2025-01-19T21:59:59Z
         d2,2025-01-19T22:00:00Z
         d3,2025-01-19 23:30:00
         d4,2025-01-20T00:30:00+02:00";
    let plus_two: UtcOffset = "+02:00".parse().unwrap();
    let mut local = Fixture::with_offset(plus_two);
    local.deployments(deployments);
    let w04 = local.period("2025-W04");
    // Local W04 starts Monday 00:00 +02:00 = Sunday 22:00 UTC.
    assert_eq!(w04.start, t("2025-01-19 22:00:00"));
    let [w03, w04] = <[_; 2]>::try_from(local.metrics(&["2025-W03", "2025-W04"])).unwrap();
    // d1 is Sunday 23:59:59 local (W03): 1 / 7. d2 (Monday 00:00 local), d3 (01:30
    // local; no offset in the file means UTC) and d4 (00:30 local) are W04: 3 / 7.
    assert_value(&w03, Frequency, 1.0 / 7.0);
    assert_value(&w04, Frequency, 3.0 / 7.0);

    // The same file for a UTC team: all four are Sunday, W03: 4 / 7.
    let mut utc = Fixture::new();
    utc.deployments(deployments);
    assert_value(&utc.one("2025-W03"), Frequency, 4.0 / 7.0);
}

#[test]
fn a_team_at_plus_two_hours_cuts_months_at_its_local_midnight() {
    let plus_two: UtcOffset = "+02:00".parse().unwrap();
    let mut f = Fixture::with_offset(plus_two);
    f.deployments(
        "id,deployed_at
         d1,2024-01-31T21:59:59Z
         d2,2024-01-31T22:00:00Z",
    );
    let [jan, feb] = <[_; 2]>::try_from(f.metrics(&["2024-01", "2024-02"])).unwrap();
    // d1 is 23:59:59 on 31 January local, d2 1 February 00:00 local. Their week, Monday
    // 29 January to Sunday 4 February local, is what the data covers: 3 days of January
    // (1 / 3) and 4 of February (1 / 4).
    assert_value(&jan, Frequency, 1.0 / 3.0);
    assert_value(&feb, Frequency, 1.0 / 4.0);
}

// --- imported pre-aggregated DORA values ---------------------------------------------

#[test]
fn imported_dora_values_fill_only_periods_without_raw_events() {
    let mut f = Fixture::new();
    f.deployments(
        "id,deployed_at,environment
         d1,2025-01-08 10:00:00,production
         s1,2025-01-22 10:00:00,staging
         d3,2025-02-05 10:00:00,production",
    );
    f.incidents("id,started_at,resolved_at,deployment_id\ni1,2025-01-28 10:00:00,2025-01-28 12:00:00,");
    f.metric_values(
        "name,unit,polarity,period,value
         deployment_frequency,deploys/day,,2025-W03,1.5
         change_failure_rate,%,,2025-W03,20
         deployment_frequency,,,2025-W04,2.5
         deployment_frequency,,,2025-W05,3.5
         deployment_frequency,,,2025-W06,4.5
         change_lead_time,hours,,2024-12,30",
    );
    let weeks = Period::covering(t("2025-01-06 00:00:00"), t("2025-02-10 00:00:00"), Granularity::Week, UtcOffset::UTC);
    let [w02, w03, w04, w05, w06] = <[_; 5]>::try_from(f.table(&weeks).periods).unwrap();
    // W03 has no raw event: the imported values stand in, marked as imported.
    assert_value(&w03, Frequency, 1.5);
    assert_eq!(w03.dora.get(Frequency).source, Some(ValueSource::Imported));
    assert_eq!(w03.dora.get(Frequency).count, 0);
    assert_close(w03.deployments_per_week(), 10.5);
    assert_value(&w03, Cfr, 20.0);
    assert_eq!(w03.dora.get(Cfr).source, Some(ValueSource::Imported));
    assert_no_data(&w03, LeadTime);
    // W04 has a staging deployment, W05 an incident: raw events, so the imports are
    // ignored and zero production deployments inside the history read as 0.
    for w in [&w04, &w05] {
        assert_value(w, Frequency, 0.0);
        assert_eq!(w.dora.get(Frequency).source, Some(ValueSource::Events));
    }
    assert_eq!(w05.unlinked_incidents, 1);
    // W02 and W06 have production deployments: 1 / 7 each, from events.
    assert_value(&w02, Frequency, 1.0 / 7.0);
    assert_value(&w06, Frequency, 1.0 / 7.0);
    assert_eq!(w06.dora.get(Frequency).source, Some(ValueSource::Events));

    // A month value applies to that month only, even before the history begins.
    let [dec, jan] = <[_; 2]>::try_from(f.metrics(&["2024-12", "2025-01"])).unwrap();
    assert_value(&dec, LeadTime, 30.0);
    assert_eq!(dec.dora.get(LeadTime).source, Some(ValueSource::Imported));
    assert_no_data(&dec, Frequency);
    // January has raw events; weekly imports never stand in for a month. Its events
    // cover it from Monday 6 January (d1's week): 1 / 26 days.
    assert_value(&jan, Frequency, 1.0 / 26.0);
    assert_value(&jan, Cfr, 0.0);
    assert_eq!(jan.dora.get(Cfr).source, Some(ValueSource::Events));

    // A custom window never uses imported values: W03's days read 0 / 7.
    let window = Period::window(day(2025, 1, 13), day(2025, 1, 19), UtcOffset::UTC);
    let p = f.table(&[window]).periods.remove(0);
    assert_value(&p, Frequency, 0.0);
    assert_eq!(p.dora.get(Frequency).source, Some(ValueSource::Events));
    assert_no_data(&p, Cfr);
}

// --- team-chosen metrics -------------------------------------------------------------

#[test]
fn team_metrics_show_per_week_and_a_month_averages_the_weeks_starting_in_it() {
    let mut f = Fixture::new();
    f.metric_values(
        "name,unit,polarity,period,value
         customer_satisfaction,score,higher_is_better,2025-W01,2
         customer_satisfaction,,,2025-W02,4
         customer_satisfaction,,,2025-W03,3
         customer_satisfaction,,,2025-W05,5
         customer_satisfaction,,,2025-W06,1
         customer_satisfaction,,,2025-03,7
         escaped_defects,count,lower_is_better,2025-W03,2",
    );
    let table = f.table(&[f.period("2025-W03"), f.period("2025-W04")]);
    let names: Vec<_> = table.team_metrics.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["customer_satisfaction", "escaped_defects"]);
    assert_eq!(table.periods[0].team, [Some(3.0), Some(2.0)]);
    // A week without a sample has none; it never borrows from a neighbour.
    assert_eq!(table.periods[1].team, [None, None]);

    let months = f.metrics(&["2024-12", "2025-01", "2025-02", "2025-03"]);
    // W01 starts Monday 2024-12-30, so it is December's: 2.
    assert_eq!(months[0].team[0], Some(2.0));
    // January: weeks starting in it W02, W03, W05 (W05 starts 01-27 and runs into
    // February): (4 + 3 + 5) / 3 = 4. W04 has no sample and is not a zero.
    assert_eq!(months[1].team, [Some(4.0), Some(2.0)]);
    // February: W06 alone = 1.
    assert_eq!(months[2].team, [Some(1.0), None]);
    // March has its own monthly sample: 7.
    assert_eq!(months[3].team, [Some(7.0), None]);
}

// --- loading order and re-imports ----------------------------------------------------

const ORDER_DEPLOYMENTS: &str = "id,deployed_at,environment,service,status,kind
    d1,2025-01-13 10:00:00,production,api,success,planned
    d2,2025-01-14 15:00:00,production,web,failed,planned
    s1,2025-01-15 09:00:00,staging,api,success,planned
    d3,2025-01-16 09:00:00,production,api,success,hotfix
    d4,2025-01-21 11:00:00,production,,success,planned";
const ORDER_CHANGES: &str = "id,committed_at,deployment_id,service
    c1,2025-01-13 06:00:00,d1,
    c2,2025-01-13 09:00:00,,
    c3,2025-01-13 12:00:00,,api
    c4,2025-01-14 08:00:00,,web
    c5,2025-01-20 12:00:00,,
    c6,2025-01-15 08:00:00,s1,";
const ORDER_INCIDENTS: &str = "id,started_at,resolved_at,deployment_id
    i1,2025-01-16 10:00:00,2025-01-16 14:00:00,d3
    i2,2025-01-22 10:00:00,,d4";

#[test]
fn importing_changes_before_deployments_gives_the_same_metrics() {
    let mut deployments_first = Fixture::new();
    deployments_first.deployments(ORDER_DEPLOYMENTS);
    deployments_first.changes(ORDER_CHANGES);
    deployments_first.incidents(ORDER_INCIDENTS);

    let mut events_first = Fixture::new();
    events_first.incidents(ORDER_INCIDENTS);
    events_first.changes(ORDER_CHANGES);
    events_first.deployments(ORDER_DEPLOYMENTS);

    // Deployments arriving late and out of order: d4 first, then the rest.
    let mut piecemeal = Fixture::new();
    piecemeal.changes(ORDER_CHANGES);
    piecemeal.incidents(ORDER_INCIDENTS);
    piecemeal.deployments("id,deployed_at\nd4,2025-01-21 11:00:00");
    piecemeal.deployments(ORDER_DEPLOYMENTS);

    let weeks = |f: &Fixture| f.table(&[f.period("2025-W03"), f.period("2025-W04")]);
    let expected = weeks(&deployments_first);
    let [w03, w04] = <[_; 2]>::try_from(expected.periods.clone()).unwrap();
    // W03: d1, d2, d3 -> 3 / 7. Lead times: c1 -> d1 4 h, c2 -> d1 1 h, c3 (api, skips
    // staging s1) -> d3 69 h, c4 (web) -> d2 7 h; sorted 1, 4, 7, 69 -> (4 + 7) / 2 =
    // 5.5 h. Failures: d2 (failed), d3 (i1) = 2 / 3 = 66.67 %. Recovery: i1 4 h.
    // Rework: d3 (hotfix) = 1 / 3 = 33.33 %.
    assert_value(&w03, Frequency, 3.0 / 7.0);
    assert_value(&w03, LeadTime, 5.5);
    assert_value(&w03, Cfr, 200.0 / 3.0);
    assert_value(&w03, Recovery, 4.0);
    assert_value(&w03, Rework, 100.0 / 3.0);
    // W04: d4 -> 1 / 7; c5 -> d4 23 h; i2 (open) names d4 -> 1 / 1 = 100 %; no
    // recovery; rework 0 / 1 = 0 %.
    assert_value(&w04, Frequency, 1.0 / 7.0);
    assert_value(&w04, LeadTime, 23.0);
    assert_value(&w04, Cfr, 100.0);
    assert_no_data(&w04, Recovery);
    assert_value(&w04, Rework, 0.0);
    // c6 names the staging deployment.
    assert_eq!(expected.diagnostics.changes_with_unusable_deployment, 1);

    for (name, other) in [("events first", &events_first), ("piecemeal", &piecemeal)] {
        let got = weeks(other);
        assert_eq!(got.periods, expected.periods, "{name}");
        assert_eq!(got.diagnostics, expected.diagnostics, "{name}");
    }
}

#[test]
fn re_importing_a_deployment_with_a_new_time_moves_its_changes() {
    let mut f = Fixture::new();
    f.deployments(
        "id,deployed_at
         d1,2025-01-13 10:00:00
         d2,2025-01-15 12:00:00",
    );
    f.changes(
        "id,committed_at,deployment_id
         named,2025-01-13 08:00:00,d1
         unnamed,2025-01-13 09:00:00,
         later,2025-01-14 12:00:00,",
    );
    // named -> d1 2 h, unnamed -> d1 1 h, later -> d2 24 h: median 2 h.
    assert_value(&f.one("2025-W03"), LeadTime, 2.0);

    // d1 actually went out a week later (Monday 08:00 of W04).
    let summary = f.deployments(
        "id,deployed_at
         d1,2025-01-20 08:00:00
         d2,2025-01-15 12:00:00",
    );
    assert_eq!((summary.report.updated, summary.report.unchanged), (1, 1));
    let [w03, w04] = <[_; 2]>::try_from(f.metrics(&["2025-W03", "2025-W04"])).unwrap();
    // "named" follows d1: 7 days = 168 h, now in W04.
    assert_value(&w04, LeadTime, 168.0);
    assert_eq!(w04.dora.get(LeadTime).count, 1);
    // "unnamed" now ships with d2 (the first production deployment after 09:00 on
    // 01-13): 51 h; with "later" 24 h: (24 + 51) / 2 = 37.5 h.
    assert_value(&w03, LeadTime, 37.5);
    assert_value(&w03, Frequency, 1.0 / 7.0);
    assert_value(&w04, Frequency, 1.0 / 7.0);
}

#[test]
fn re_importing_a_deployment_as_staging_takes_it_out_of_every_metric() {
    let mut f = Fixture::new();
    f.deployments(
        "id,deployed_at,environment
         d1,2025-01-13 10:00:00,production
         d2,2025-01-15 12:00:00,production",
    );
    f.changes(
        "id,committed_at,deployment_id
         named,2025-01-13 08:00:00,d1
         unnamed,2025-01-13 09:00:00,",
    );
    f.incidents("id,started_at,resolved_at,deployment_id\ni1,2025-01-13 11:00:00,2025-01-13 12:00:00,d1");
    f.deployments(
        "id,deployed_at,environment
         d1,2025-01-13 10:00:00,staging",
    );
    let table = f.table(&[f.period("2025-W03")]);
    let w03 = &table.periods[0];
    // Only d2 is production: 1 / 7. "named" is no longer deployed; "unnamed" moves on
    // to d2: 51 h. i1 now names a staging deployment: CFR 0 / 1, no recovery.
    assert_value(w03, Frequency, 1.0 / 7.0);
    assert_value(w03, LeadTime, 51.0);
    assert_eq!(w03.dora.get(LeadTime).count, 1);
    assert_value(w03, Cfr, 0.0);
    assert_no_data(w03, Recovery);
    assert_eq!(w03.unlinked_incidents, 1);
    assert_eq!(table.diagnostics.changes_with_unusable_deployment, 1);
}

#[test]
fn another_teams_events_never_enter_a_teams_metrics() {
    let mut f = Fixture::new();
    f.deployments("id,deployed_at\nd1,2025-01-15 10:00:00");
    // A second team reuses the same ids, later, with a failure and a recovery.
    let other = f.store.add_team("other", UtcOffset::UTC).unwrap();
    let store = &mut f.store;
    import_csv(
        store,
        &other,
        ImportKind::Deployments,
        "deployments.csv",
        "id,deployed_at,status\nd1,2025-01-29 10:00:00,failed",
    );
    import_csv(store, &other, ImportKind::Changes, "changes.csv", "id,committed_at\nc1,2025-01-15 09:00:00");
    import_csv(
        store,
        &other,
        ImportKind::Incidents,
        "incidents.csv",
        "id,started_at,resolved_at,deployment_id
         i1,2025-01-15 11:00:00,2025-01-15 12:00:00,d1",
    );
    let table = f.table(&[f.period("2025-W03"), f.period("2025-W05")]);
    let [w03, w05] = <[_; 2]>::try_from(table.periods).unwrap();
    // This team: 1 / 7 in W03, no change shipped, nothing failed (0 / 1 = 0 %), and
    // its history ends in W03, so W05 is no data.
    assert_value(&w03, Frequency, 1.0 / 7.0);
    assert_no_data(&w03, LeadTime);
    assert_value(&w03, Cfr, 0.0);
    assert_no_data(&w03, Recovery);
    assert_no_data(&w05, Frequency);
    assert_eq!(table.diagnostics.incidents_without_production_deployment, 0);
}

// --- the pure engine -----------------------------------------------------------------

/// Deployments and incidents both known for `[from, to)`.
fn covering(from: &str, to: &str) -> Coverage {
    let span = || Spans::union([(t(from), t(to))]);
    Coverage { deployments: span(), incidents: span(), deployment_kinds: span() }
}

fn deployment(at: &str, status: DeployStatus, kind: DeployKind, caused: bool) -> DeploymentFact {
    DeploymentFact { deployed_at: t(at), production: true, status, kind, caused_incident: caused }
}

fn incident(started: &str, resolved: Option<&str>, linked: bool) -> IncidentFact {
    IncidentFact { started_at: t(started), resolved_at: resolved.map(t), caused_by_production_deployment: linked }
}

fn w03() -> Period {
    Period::parse_label("2025-W03", UtcOffset::UTC).unwrap()
}

#[test]
fn pure_engine_computes_every_metric_from_facts() {
    use DeployKind::{Hotfix, Planned};
    use DeployStatus::{Failed, Success};
    let mut staging = deployment("2025-01-15 09:00:00", Failed, Hotfix, true);
    staging.production = false;
    let events = EventSet {
        coverage: covering("2025-01-01 00:00:00", "2025-02-01 00:00:00"),
        deployments: vec![
            deployment("2025-01-13 10:00:00", Success, Planned, false),
            deployment("2025-01-14 10:00:00", Failed, Planned, false),
            staging,
            deployment("2025-01-16 10:00:00", Success, Hotfix, true),
            deployment("2025-01-17 10:00:00", Success, Planned, false),
        ],
        changes: vec![
            ChangeFact { deployed_at: t("2025-01-13 10:00:00"), committed_at: t("2025-01-13 08:00:00") },
            ChangeFact { deployed_at: t("2025-01-16 10:00:00"), committed_at: t("2025-01-15 10:00:00") },
        ],
        incidents: vec![
            // Started in W02, resolved in W03: 2025-01-10 12:00 -> 01-13 12:00 = 72 h.
            incident("2025-01-10 12:00:00", Some("2025-01-13 12:00:00"), true),
            incident("2025-01-16 11:00:00", Some("2025-01-16 13:00:00"), true),
            incident("2025-01-17 11:00:00", None, true),
            incident("2025-01-17 12:00:00", Some("2025-01-17 13:00:00"), false),
            // Resolved in W04: not W03's.
            incident("2025-01-18 11:00:00", Some("2025-01-20 01:00:00"), true),
        ],
        ..Default::default()
    };
    let p = compute(&events, &[w03()]).remove(0);
    // 4 production deploys / 7 days.
    assert_value(&p, Frequency, 4.0 / 7.0);
    // Lead times 2 h and 24 h: (2 + 24) / 2 = 13 h.
    assert_value(&p, LeadTime, 13.0);
    // Failures: 01-14 (failed) and 01-16 (caused an incident) = 2 / 4 = 50 %.
    assert_value(&p, Cfr, 50.0);
    // Resolved in W03 and linked: 72 h and 2 h -> (2 + 72) / 2 = 37 h.
    assert_value(&p, Recovery, 37.0);
    assert_eq!(p.dora.get(Recovery).count, 2);
    // Rework: the production hotfix only = 1 / 4 = 25 %.
    assert_value(&p, Rework, 25.0);
    assert_eq!(p.unlinked_incidents, 1);
}

#[test]
fn pure_engine_uses_imported_values_only_at_matching_granularity() {
    let samples = SampleSet {
        values: vec![(Granularity::Week, "2025-W03".into(), 2.0), (Granularity::Month, "2025-01".into(), 3.0)],
    };
    let events = EventSet { dora_samples: vec![(Frequency, samples)], ..Default::default() };
    let jan = Period::parse_label("2025-01", UtcOffset::UTC).unwrap();
    let feb = Period::parse_label("2025-02", UtcOffset::UTC).unwrap();
    let window = Period::window(day(2025, 1, 13), day(2025, 1, 19), UtcOffset::UTC);
    let ps = compute(&events, &[w03()]);
    assert_value(&ps[0], Frequency, 2.0);
    let ps = compute(&events, &[jan, feb]);
    assert_value(&ps[0], Frequency, 3.0);
    assert_no_data(&ps[1], Frequency);
    // Same days as W03, but a custom window: never imported.
    assert_no_data(&compute(&events, &[window])[0], Frequency);
}
