//! Coverage: inside the days a team's imports cover, a quiet week is a real zero;
//! outside them, "no data"; a period covered in part is measured over its covered days.
//! Every value here is worked out by hand in the comments (docs/metrics.md, "Coverage").
//!
//! Calendar (ISO weeks of 2026, Monday to Sunday): W22 = 05-25..05-31,
//! W23 = 06-01..06-07, W24 = 06-08..06-14, W29 = 07-13..07-19, W40 = 09-28..10-04,
//! W41 = 10-05..10-11, W42 = 10-12..10-18, W46 = 11-09..11-15, W47 = 11-16..11-22,
//! W48 = 11-23..11-29 (the test clock, Thursday 2026-11-26 12:00 UTC, is in W48).

use crate::common::now;
use chrono::NaiveDate;
use retro::domain::{DoraMetric, Granularity, MetricKey, Period, Team, UtcOffset, parse_timestamp};
use retro::import::{Format, ImportKind, import_bytes};
use retro::metrics::{Covered, PeriodMetrics};
use retro::query::MetricTable;
use retro::report::{period_label, to_json, write_table};
use retro::store::Store;

use DoraMetric::DeploymentFrequency as Frequency;

pub struct Fixture {
    pub store: Store,
    pub team: Team,
}

impl Fixture {
    pub fn new() -> Self {
        let mut store = Store::open_in_memory().unwrap();
        let team = store.add_team("payments", UtcOffset::UTC).unwrap();
        Fixture { store, team }
    }

    pub fn import(&mut self, kind: ImportKind, text: &str) {
        let text: String = text.lines().map(str::trim).collect::<Vec<_>>().join("\n");
        import_bytes(&mut self.store, &self.team, kind, "events.csv", text.as_bytes(), Format::Csv).unwrap();
    }

    /// One production deployment at 10:00 on each of `days` (a day may repeat), imported
    /// as one file.
    pub fn deploy_on(&mut self, days: &[&str]) {
        let rows: Vec<String> =
            days.iter().enumerate().map(|(i, d)| format!("d{}-{i},{d} 10:00:00", d.replace('-', ""))).collect();
        self.import(ImportKind::Deployments, &format!("id,deployed_at\n{}", rows.join("\n")));
    }

    pub fn table(&self, periods: &[Period]) -> MetricTable {
        MetricTable::load(&self.store, &self.team, periods).unwrap()
    }

    pub fn week(&self, label: &str) -> PeriodMetrics {
        self.table(&[Period::parse_label(label, UtcOffset::UTC).unwrap()]).periods.remove(0)
    }
}

pub fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn window(from: &str, to: &str) -> Period {
    Period::window(day(from), day(to), UtcOffset::UTC)
}

fn value(p: &PeriodMetrics, m: DoraMetric) -> Option<f64> {
    p.dora.get(m).value
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

/// Eleven deployments in W29 (Monday 13 to Friday 17 July), the team's first data.
fn one_covered_week() -> Fixture {
    let mut f = Fixture::new();
    f.deploy_on(&[
        "2026-07-13",
        "2026-07-13",
        "2026-07-14",
        "2026-07-14",
        "2026-07-15",
        "2026-07-15",
        "2026-07-16",
        "2026-07-16",
        "2026-07-17",
        "2026-07-17",
        "2026-07-17",
    ]);
    f
}

#[test]
fn a_window_starting_before_coverage_is_measured_over_its_covered_days() {
    let f = one_covered_week();
    // 2026-05-25..2026-07-19 is 56 days, W22..W29; the data covers W29 only (the week of
    // its first and last deployment). 11 / 7 = 1.5714/d, not 11 / 56 = 0.196/d.
    let p = f.table(&[window("2026-05-25", "2026-07-19")]).periods.remove(0);
    assert!(close(value(&p, Frequency), 11.0 / 7.0), "{:?}", value(&p, Frequency));
    assert_eq!(p.coverage.overall(), Covered::Partial);
    assert_eq!(p.coverage.covered_days(), 7.0);
    assert!(p.is_partial());
    assert_eq!(period_label(&p), "2026-05-25..2026-07-19 partial, 7 of 56 days");
    // Weekly, the seven weeks before have no data at all, not zeros.
    let weeks = Period::covering(p.period.start, p.period.end, Granularity::Week, UtcOffset::UTC);
    let table = f.table(&weeks);
    assert_eq!(table.periods.len(), 8);
    for w in &table.periods[..7] {
        assert!(DoraMetric::ALL.iter().all(|&m| value(w, m).is_none()), "{}", w.period.label());
        assert!(!w.covers(Frequency));
    }
    assert!(close(value(&table.periods[7], Frequency), 11.0 / 7.0));
    // The table for people: "–" for the deployments nobody recorded, and why.
    let mut out = Vec::new();
    write_table(&table, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let w22 = text.lines().find(|l| l.starts_with("2026-W22")).unwrap();
    assert!(w22.contains('–') && w22.contains("no data") && !w22.contains(" 0 "), "{w22}");
    assert!(text.contains("1.57/d"), "{text}");
    assert!(text.contains("no data: the team's imports do not reach the period"), "{text}");
}

#[test]
fn history_starting_mid_window_counts_only_the_covered_weeks() {
    let mut f = Fixture::new();
    // First deployment Wednesday 10 June (W24): coverage starts Monday 8 June. Then one
    // deployment a week on Wednesdays up to 24 June (W26).
    f.deploy_on(&["2026-06-10", "2026-06-17", "2026-06-24"]);
    // June 1..28: 28 days, of which 8..28 (21 days) are covered: 3 / 21 = 0.142857/d.
    let june = f.table(&[window("2026-06-01", "2026-06-28")]).periods.remove(0);
    assert!(close(value(&june, Frequency), 3.0 / 21.0), "{:?}", value(&june, Frequency));
    assert_eq!(june.coverage.covered_days(), 21.0);
    // No failures among 3 deployments: 0 % over the covered days, a real zero.
    assert!(close(value(&june, DoraMetric::ChangeFailureRate), 0.0));
    assert_eq!(june.dora.get(DoraMetric::ChangeFailureRate).count, 3);
    // The month (30 days) is covered 8..28 June too: 3 / 21, and marked partial.
    let month = f.table(&[Period::parse_label("2026-06", UtcOffset::UTC).unwrap()]).periods.remove(0);
    assert!(close(value(&month, Frequency), 3.0 / 21.0));
    assert_eq!(period_label(&month), "2026-06 partial, 21 of 30 days");
    // JSON: partial, the covered days, and no count where there is no coverage.
    let w23 = Period::parse_label("2026-W23", UtcOffset::UTC).unwrap();
    let json = to_json(&f.table(&[w23.clone(), w23.next()]));
    let (before, first) = (&json["periods"][0], &json["periods"][1]);
    assert_eq!(before["covered_days"], 0.0);
    assert!(before["metrics"]["deployment_frequency"]["value"].is_null());
    assert!(before["metrics"]["deployment_frequency"]["count"].is_null());
    assert!(before["failed_deployments"].is_null());
    assert_eq!(first["covered_days"], 7.0);
    assert_eq!(first["partial"], false);
    assert_eq!(first["metrics"]["deployment_frequency"]["count"], 1);
}

#[test]
fn a_quiet_week_inside_coverage_is_a_real_zero() {
    let mut f = Fixture::new();
    f.deploy_on(&["2026-09-30", "2026-10-14"]);
    // W41 lies between W40 and W42, the weeks of the first and last deployment.
    let w41 = f.week("2026-W41");
    assert_eq!(value(&w41, Frequency), Some(0.0));
    assert_eq!(w41.dora.get(Frequency).count, 0);
    assert!(w41.covers(Frequency));
    // Nothing deployed: no failure rate (0 of 0 is not 0 %), but the zero is a fact.
    assert_eq!(value(&w41, DoraMetric::ChangeFailureRate), None);
    let mut out = Vec::new();
    write_table(&f.table(std::slice::from_ref(&w41.period)), &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let row = text.lines().find(|l| l.starts_with("2026-W41")).unwrap();
    assert!(row.contains("0.00/d") && row.contains(" 0 "), "{row}");
    // W43, after the last deployment's week: no data.
    assert_eq!(value(&f.week("2026-W43"), Frequency), None);
}

#[test]
fn imports_extend_coverage_and_covers_declares_the_days_a_file_speaks_for() {
    let mut f = Fixture::new();
    f.deploy_on(&["2026-09-30"]);
    let covered = f.store.coverage(&f.team).unwrap();
    let t = |s: &str| parse_timestamp(s).unwrap();
    assert_eq!(covered.deployments.as_slice(), [(t("2026-09-28 00:00:00"), t("2026-10-05 00:00:00"))]);
    assert!(covered.incidents.is_empty());
    // A second file three weeks later leaves a gap: W41 and W42 are not covered.
    f.deploy_on(&["2026-10-21"]);
    let covered = f.store.coverage(&f.team).unwrap();
    assert_eq!(covered.deployments.as_slice().len(), 2);
    assert_eq!(value(&f.week("2026-W41"), Frequency), None);
    // Declaring the days the export spans closes it; an empty incident file covers
    // the days it declares: no incidents were recorded then.
    let team = f.team.clone();
    let (from, to) = (t("2026-10-05 00:00:00"), t("2026-10-18 23:59:59"));
    f.store.declaring_coverage(from, to, |s| s.load_deployments(&team, &[], "csv")).unwrap();
    f.store.declaring_coverage(from, to, |s| s.load_incidents(&team, &[], "csv")).unwrap();
    let covered = f.store.coverage(&team).unwrap();
    assert_eq!(covered.deployments.as_slice(), [(t("2026-09-28 00:00:00"), t("2026-10-26 00:00:00"))]);
    assert_eq!(covered.incidents.as_slice(), [(from, to + 1)]);
    assert_eq!(value(&f.week("2026-W41"), Frequency), Some(0.0));
    // Outside `declaring_coverage` loads declare nothing again.
    f.store.load_incidents(&team, &[], "csv").unwrap();
    assert_eq!(f.store.coverage(&team).unwrap().incidents.as_slice(), [(from, to + 1)]);
}

#[test]
fn a_week_under_way_is_labelled_with_its_days_so_far() {
    let mut f = Fixture::new();
    f.deploy_on(&["2026-11-23", "2026-11-24"]);
    let week = Period::containing(now(), Granularity::Week, UtcOffset::UTC).until(now());
    let p = f.table(&[week]).periods.remove(0);
    // Monday 00:00 to Thursday 12:00: 3.5 days begun on 4.
    assert_eq!(period_label(&p), "2026-W48 so far, 4 of 7 days");
    assert!(close(value(&p, Frequency), 2.0 / 3.5));
}

/// A team whose deployment export stops two weeks before today: one deployment a day,
/// Monday 27 July (W31) to Sunday 15 November (W46), every tenth one failed. Today is
/// Thursday of W48, so W47 and W48 are beyond the data.
fn lagging() -> Fixture {
    let mut f = Fixture::new();
    let mut csv = String::from("id,deployed_at,status\n");
    let first = day("2026-07-27");
    for i in 0..112 {
        let d = first + chrono::Days::new(i);
        let status = if i % 10 == 9 { "failed" } else { "success" };
        csv.push_str(&format!("d{i},{d} 10:00:00,{status}\n"));
    }
    f.import(ImportKind::Deployments, &csv);
    f
}

fn slow_down(f: &mut Fixture) -> retro::domain::Action {
    use retro::domain::{ActionPlan, Expected, MetricKey, NewAction};
    let new = NewAction {
        plan: ActionPlan {
            title: "Ship in fewer, larger batches".into(),
            description: None,
            metric: MetricKey::Dora(Frequency),
            expected: Expected::IntendedWorsening,
            target: None,
            due: None,
            volunteer: None,
        },
        retro: None,
        baseline: Some(1.0),
        baseline_window: window("2026-10-17", "2026-10-30"),
        from_note: None,
    };
    // Decided on Friday of W44.
    f.store.add_action(&f.team, &new, parse_timestamp("2026-10-30T12:00:00Z").unwrap()).unwrap()
}

#[test]
fn imports_lagging_two_weeks_raise_no_signal_and_read_as_no_data() {
    use retro::metrics::signals::IntendedChange;
    use retro::query::SignalTable;
    let mut f = lagging();
    let action = slow_down(&mut f);
    // The weeks beyond the export are no data, the last one covered is a real 1/d.
    assert_eq!(value(&f.week("2026-W47"), Frequency), None);
    assert_eq!(value(&f.week("2026-W48"), Frequency), None);
    assert!(close(value(&f.week("2026-W46"), Frequency), 1.0));

    // Signals over the last 20 weeks: deployments never fell (1/d wherever there is
    // data), so nothing rose, and the action's "intended worsening" did not happen:
    // reading W47-W48 as zero deployments would have raised it (and "Deployments rose"
    // at the first covered week, W31, from weeks read as zero before it).
    let weeks: Vec<Period> =
        Period::last_n(now(), 20, Granularity::Week, UtcOffset::UTC).into_iter().map(|p| p.until(now())).collect();
    let intended = [IntendedChange::from_action(&action)];
    let signals = SignalTable::load(&f.store, &f.team, &weeks, &intended).unwrap().signals;
    assert!(signals.is_empty(), "{signals:#?}");

    // The verdict reads the whole weeks since W44 that have data: W45 and W46, 7 of 7
    // days each at 1/d. Two weeks are fewer than the three the rule needs: too early,
    // and W47 shows no data rather than zero.
    let p = retro::query::actions::progress(&f.store, &action, now()).unwrap();
    let shown: Vec<(String, Option<f64>)> = p.series.iter().map(|(w, v)| (w.label(), *v)).collect();
    assert_eq!(
        shown[1..],
        [
            ("2026-W45".into(), Some(1.0)),
            ("2026-W46".into(), Some(1.0)),
            ("2026-W47".into(), None),
            ("2026-W48".into(), None)
        ]
    );
    assert_eq!(p.evaluation.periods, 2);
    assert_eq!(p.evaluation.verdict, retro::metrics::Verdict::TooEarly);
    assert_eq!(p.evaluation.after, Some(1.0));

    // A retro over W47..W48 sees no data in its window, and no move to talk about.
    let r = f.store.start_retro(&f.team, &window("2026-11-16", "2026-11-26"), now()).unwrap();
    let flow =
        retro::retro::session::open(&f.store, r.id, &retro::retro::prompts::Catalogue::builtin(), now()).unwrap();
    let freq = flow.moves.iter().find(|m| m.metric == MetricKey::Dora(Frequency)).unwrap();
    assert_eq!(freq.current, None);
    assert!(!freq.moved());
    assert!(flow.signals.is_empty());
}

// --- the dashboard -------------------------------------------------------------------

/// Deployments at 10:00 (and 14:00 on the days of `twice`) every day from `first` for
/// `days` days.
fn daily(f: &mut Fixture, first: &str, days: u64, twice: impl Fn(NaiveDate) -> bool) {
    let mut csv = String::from("id,deployed_at\n");
    for i in 0..days {
        let d = day(first) + chrono::Days::new(i);
        csv.push_str(&format!("a{d},{d} 10:00:00\n"));
        if twice(d) {
            csv.push_str(&format!("b{d},{d} 14:00:00\n"));
        }
    }
    f.import(ImportKind::Deployments, &csv);
}

/// `count(day)` deployments on each of `days` days from `first`.
fn per_day(f: &mut Fixture, first: &str, days: u64, count: impl Fn(NaiveDate) -> u32) {
    let mut csv = String::from("id,deployed_at\n");
    for i in 0..days {
        let d = day(first) + chrono::Days::new(i);
        for n in 0..count(d) {
            csv.push_str(&format!("d{d}-{n},{d} {:02}:00:00\n", 8 + n));
        }
    }
    f.import(ImportKind::Deployments, &csv);
}

/// Twice a day in W10..W19 (2 March to 10 May), once a day in W20..W26 (to 28 June):
/// nothing since, and today is 26 November (W48).
fn months_old() -> retro::tui::Backend {
    let mut f = Fixture::new();
    daily(&mut f, "2026-03-02", 119, |d| d < day("2026-05-11"));
    retro::tui::Backend::new(f.store)
}

fn row<'a>(screen: &'a str, name: &str) -> &'a str {
    screen.lines().find(|l| l.starts_with(name)).unwrap()
}

#[test]
fn a_dashboard_on_months_old_data_opens_where_the_data_ends() {
    use crate::common::{press, render};
    use retro::tui::keymap::Action;
    let mut backend = months_old();
    let mut app = retro::tui::prepare(&mut backend, None, now()).unwrap();
    let screen = render(&app, 100, 30);
    // W26 is 22 weeks before W48.
    assert!(screen.contains("Latest data: 2026-W26, 22 weeks ago. t: jump to today."), "{screen}");
    assert!(screen.contains("Week 2026-W26"), "{screen}");
    // W26 against W25: 7 deployments in 7 days both, 1.00/d.
    assert!(row(&screen, "Deployment frequency").contains("1.00/d"), "{screen}");
    insta::assert_snapshot!("dashboard_months_old_data_100x30", screen);

    // Today: twelve weeks the imports do not reach, and the screen says why and what to type.
    press(&mut backend, &mut app, &[Action::Latest]);
    let today = render(&app, 100, 30);
    assert!(today.contains("Week 2026-W48") && today.contains("No data in these periods."), "{today}");
    assert!(today.contains("retro import deployments FILE"), "{today}");
    assert!(today.contains("Latest data: 2026-W26, 22 weeks ago. d: back to it."), "{today}");
    assert!(row(&today, "Deployment frequency").contains("no data"), "{today}");
    press(&mut backend, &mut app, &[Action::LatestData]);
    assert!(render(&app, 100, 30).contains("Week 2026-W26"));
}

#[test]
fn as_planned_only_in_periods_when_the_action_was_open() {
    use crate::common::{press, render};
    use retro::domain::{ActionPlan, ActionStatus, Expected, NewAction};
    use retro::tui::keymap::Action;
    // Eight deployments a day to W19, four a day W20..W24 (the action's slow-down), two a
    // day W25..W26; nothing since. Steps big enough to be beyond routine variation.
    let mut f = Fixture::new();
    per_day(&mut f, "2026-03-02", 119, |d| {
        if d < day("2026-05-11") {
            8
        } else if d < day("2026-06-15") {
            4
        } else {
            2
        }
    });
    let mut backend = retro::tui::Backend::new(f.store);
    let team = backend.store.teams().unwrap().remove(0);
    let new = NewAction {
        plan: ActionPlan {
            title: "Pay down the release debt".into(),
            description: None,
            metric: MetricKey::Dora(Frequency),
            expected: Expected::IntendedWorsening,
            target: None,
            due: None,
            volunteer: None,
        },
        retro: None,
        baseline: Some(2.0),
        baseline_window: window("2026-04-27", "2026-05-10"),
        from_note: None,
    };
    // Decided Monday of W20, closed Wednesday of W23.
    let action = backend.store.add_action(&team, &new, parse_timestamp("2026-05-11T09:00:00Z").unwrap()).unwrap();
    let closed = parse_timestamp("2026-06-03T09:00:00Z").unwrap();
    backend.store.set_action_status(action.id, ActionStatus::Done, Some("done"), closed).unwrap();
    let mut app = retro::tui::prepare(&mut backend, None, now()).unwrap();

    // W22 (the action open): 4.00/d against the mean of W16..W21, (4 x 8 + 2 x 4) / 6 =
    // 6.67/d, -40%; its usual range is 6.67 +- 2.66 x 0.8 = 4.54..8.79, and 28 deployments
    // where 46.7 were usual is beyond chance (p = 0.005): worse, as the action planned.
    // The label fits its column.
    press(&mut backend, &mut app, &[Action::Earlier, Action::Earlier, Action::Earlier, Action::Earlier]);
    let w22 = render(&app, 100, 30);
    assert!(w22.contains("2026-W22"), "{w22}");
    let freq = row(&w22, "Deployment frequency");
    assert!(freq.contains("as planned") && freq.contains("-40%"), "{freq}");
    // W25 (closed in W23): 2.00/d against W19..W24, (8 + 5 x 4) / 6 = 4.67/d, -57%; usual
    // range 2.54..6.79: worse, and no longer the plan.
    press(&mut backend, &mut app, &[Action::Later, Action::Later, Action::Later]);
    let w25 = render(&app, 100, 30);
    let freq = row(&w25, "Deployment frequency");
    assert!(w25.contains("2026-W25"), "{w25}");
    assert!(freq.contains("worse") && !freq.contains("planned") && freq.contains("-57%"), "{freq}");
    // Before the action was decided (W19 against W13..W18, 8.00/d both): steady, never "as planned".
    let before: Vec<_> = std::iter::repeat_n(Action::Earlier, 6).collect();
    press(&mut backend, &mut app, &before);
    let w19 = render(&app, 100, 30);
    assert!(w19.contains("2026-W19") && !w19.contains("as planned"), "{w19}");
}

/// A retro over 13..26 November on [`lagging`] data, opened in the app.
fn lagging_retro() -> (retro::tui::Backend, retro::tui::app::App) {
    let f = lagging();
    let mut backend = retro::tui::Backend::new(f.store);
    let team = f.team.clone();
    let r = backend.store.start_retro(&team, &window("2026-11-13", "2026-11-26"), now()).unwrap();
    let (mut app, _) = retro::tui::app::App::new(backend.store.teams().unwrap(), Some(team), now());
    retro::tui::apply_effect(&mut backend, &mut app, retro::tui::app::Effect::OpenRetro(r.id)).unwrap();
    (backend, app)
}

#[test]
fn a_retro_over_a_window_the_data_does_not_cover_says_so_first_and_records_it() {
    use crate::common::render;
    // The default first window: the last 14 days, 13..26 November. Deployments are known
    // up to Sunday 15 November: 3 of its 14 days (cut at now, 13.5 days, begun on 14).
    let (mut backend, mut app) = lagging_retro();
    let flow = &app.retro.as_ref().unwrap().flow;
    let deployments = &flow.data_gaps[0];
    assert_eq!(deployments.covered_days(), 3.0);
    assert_eq!(deployments.missing_since(), Some(day("2026-11-16")));
    assert_eq!(deployments.metrics.len(), 4);
    // No incidents were ever imported: recovery time has none in the window either.
    assert_eq!(flow.data_gaps[1].kind, retro::domain::CoverageKind::Incidents);
    assert!(flow.data_gaps[1].covered.is_empty());

    let screen = render(&app, 120, 40);
    assert!(screen.contains("nothing is known since 2026-11-16"), "{screen}");
    assert!(screen.contains("retro import deployments FILE"), "{screen}");
    assert!(screen.contains("Safety check"), "{screen}");

    // The data stage says it again under the numbers, so "no data" reads as a gap.
    let flow = flow.clone();
    let data = retro::tui::keymap::Action::NextStage;
    crate::common::press(&mut backend, &mut app, &[data, data]);
    let stage = render(&app, 120, 40);
    assert!(stage.contains("This retro") && stage.contains("nothing is known since 2026-11-16"), "{stage}");
    let summary = retro::export::summary(&flow);
    let md = retro::export::markdown(&summary);
    assert!(md.contains("## Data coverage"), "{md}");
    assert!(md.contains("change failure rate and deployment rework rate cover 3 of 14 days"), "{md}");
    let json = retro::export::json(&summary);
    assert_eq!(json["data_gaps"][0]["missing_since"], "2026-11-16");
    assert_eq!(json["data_gaps"][1]["covered_days"], 0.0);
}

#[test]
fn a_week_begun_a_day_ago_is_not_what_the_dashboard_compares() {
    use crate::common::{press, render};
    use retro::tui::keymap::Action;
    let mut f = Fixture::new();
    daily(&mut f, "2026-10-05", 51, |_| false);
    let mut backend = retro::tui::Backend::new(f.store);
    // Tuesday 24 November, 10:00: W48 has run 1 day and 10 hours.
    let tuesday = parse_timestamp("2026-11-24T10:00:00Z").unwrap();
    let mut app = retro::tui::prepare(&mut backend, None, tuesday).unwrap();
    let screen = render(&app, 100, 30);
    // The last complete week is the default comparison, and no "latest data" notice:
    // the data is current.
    assert!(screen.contains("Week 2026-W47"), "{screen}");
    assert!(!screen.contains("Latest data"), "{screen}");
    // t: the week under way, labelled with its days so far (2 days begun of 7).
    press(&mut backend, &mut app, &[Action::Latest]);
    let today = render(&app, 100, 30);
    assert!(today.contains("Week 2026-W48") && today.contains("This week"), "{today}");
    assert!(today.contains("2026-W48 so far, 2 of 7 days"), "{today}");
    // Monday's deployment in 1 day 10 hours (Tuesday's, at 10:00 exactly, is not before
    // now): 1 / 1.4167 = 0.71/d.
    assert!(row(&today, "Deployment frequency").contains("0.71/d"), "{today}");
}

// --- the command line ------------------------------------------------------------------

fn cli(dir: &std::path::Path, args: &[&str]) -> assert_cmd::assert::Assert {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("retro");
    cmd.current_dir(dir)
        .env_remove("RETRO_DB")
        .env_remove("RETRO_TEAM")
        .env("RETRO_NOW", crate::common::NOW)
        .env("HOME", dir.join("home"))
        .args(["--db", "retro.db"])
        .args(args);
    cmd.assert()
}

fn stdout(a: assert_cmd::assert::Assert) -> String {
    String::from_utf8(a.success().get_output().stdout.clone()).unwrap()
}

#[test]
fn the_command_line_declares_coverage_and_opens_where_the_data_ends() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    cli(d, &["teams", "add", "payments"]).success();
    // No data yet: the default table says what to type.
    let empty = stdout(cli(d, &["metrics"]));
    assert!(empty.contains("No data for team payments yet") && empty.contains("retro import deployments"), "{empty}");

    std::fs::write(d.join("deploys.csv"), "id,deployed_at\nd1,2026-06-24 10:00:00\n").unwrap();
    std::fs::write(d.join("incidents.csv"), "id,started_at,resolved_at\n").unwrap();
    // The export was cut for 1..28 June: W23..W26 are covered, not just W26.
    cli(d, &["import", "deployments", "deploys.csv", "--covers", "2026-06-01..2026-06-28"]).success();
    cli(d, &["import", "incidents", "incidents.csv", "--covers", "2026-06-01..2026-06-28"]).success();
    let refused = cli(d, &["import", "changes", "deploys.csv", "--covers", "2026-06-01..2026-06-28"]).failure();
    let err = String::from_utf8(refused.get_output().stderr.clone()).unwrap();
    assert!(err.contains("--covers applies to deployments, incidents and git imports"), "{err}");
    let backwards = cli(d, &["import", "deployments", "deploys.csv", "--covers", "2026-06-28..2026-06-01"]).failure();
    assert!(String::from_utf8_lossy(&backwards.get_output().stderr).contains("is after"));

    // The default weeks end at W26, the last covered one, 22 weeks before W48, and say so.
    let table = stdout(cli(d, &["metrics", "--last", "5"]));
    let rows: Vec<&str> = table.lines().filter(|l| l.starts_with("2026-W")).collect();
    assert_eq!(
        rows.iter().map(|r| &r[..8]).collect::<Vec<_>>(),
        ["2026-W22", "2026-W23", "2026-W24", "2026-W25", "2026-W26"]
    );
    assert!(table.contains("latest data: 2026-W26, 22 weeks ago"), "{table}");
    // W23..W25: covered, no deployment, a real 0.00/d; W22 before the export: no data.
    assert!(rows[1].contains("0.00/d") && rows[0].contains("no data") && rows[0].contains('–'), "{table}");
    // W26: 1 / 7 = 0.14/d; the month of June: 1 deployment over its 28 covered days.
    assert!(rows[4].contains("0.14/d"), "{table}");
    let june = stdout(cli(d, &["metrics", "--period", "month", "--last", "1", "--format", "json"]));
    let june: serde_json::Value = serde_json::from_str(&june).unwrap();
    let p = &june["periods"][0];
    assert_eq!((&p["label"], &p["covered_days"], &p["partial"]), (&"2026-06".into(), &28.0.into(), &true.into()));
    let freq = p["metrics"]["deployment_frequency"]["value"].as_f64().unwrap();
    assert!((freq - 1.0 / 28.0).abs() < 1e-12, "{freq}");
    // Incidents covered in June, none recorded: unlinked incidents is a real 0 there.
    assert_eq!(p["unlinked_incidents"], 0);
    // --to-today: the periods end with the current week, beyond the data.
    let today = stdout(cli(d, &["metrics", "--last", "2", "--to-today"]));
    assert!(today.contains("2026-W48 so far, 4 of 7 days") && !today.contains("latest data"), "{today}");
}

#[test]
fn data_that_begins_mid_series_is_not_a_rise_in_deployments() {
    use retro::metrics::signals::SignalKind;
    use retro::query::SignalTable;
    let mut f = Fixture::new();
    // Twice a day from Monday 11 May (W20) to Sunday 30 August (W35), nothing recorded
    // before; from W24 on, every third deployment fails.
    let mut csv = String::from("id,deployed_at,status\n");
    for i in 0..112 {
        let d = day("2026-05-11") + chrono::Days::new(i);
        for (n, hour) in [(0, 10), (1, 14)] {
            let k = 2 * i + n;
            let status = if i >= 28 && k % 3 == 0 { "failed" } else { "success" };
            csv.push_str(&format!("d{k},{d} {hour}:00:00,{status}\n"));
        }
    }
    f.import(ImportKind::Deployments, &csv);
    let weeks = Period::covering(
        parse_timestamp("2026-03-02T00:00:00Z").unwrap(),
        parse_timestamp("2026-08-31T00:00:00Z").unwrap(),
        Granularity::Week,
        UtcOffset::UTC,
    );
    // A baseline W13..W20 holds only W20's 14 deployments. Over its covered 7 days that is
    // 2.00/d, as every later window: no rise. (Over all 56 days it would read 0.25/d and
    // "rose +700%", with the failure rate up from 0 % to 33 %.)
    let signals = SignalTable::load(&f.store, &f.team, &weeks, &[]).unwrap().signals;
    assert!(!signals.iter().any(|s| s.kind == SignalKind::InstabilityAfterThroughputRise), "{signals:#?}");
    let baseline = f.table(&[window("2026-03-23", "2026-05-17")]).periods.remove(0);
    assert!(close(value(&baseline, Frequency), 2.0));
}

/// Most tools' deployment records (and a CSV without a `kind` column) do not say which
/// deployments were hotfixes, rollbacks or fixes forward. Their rows are stored as
/// planned, but the rework rate over their days is "no data", never a confident 0 %,
/// and a retro says why; a later file with kinds measures the days it covers.
#[test]
fn deployments_without_kinds_give_no_rework_rate_until_a_file_says_them() {
    let mut f = one_covered_week();
    let w29 = f.week("2026-W29");
    assert!(close(value(&w29, Frequency), 11.0 / 7.0));
    // Failure rate rests on the deployments alone: 0 of 11 is a real 0 %.
    assert!(close(value(&w29, DoraMetric::ChangeFailureRate), 0.0));
    assert_eq!(value(&w29, DoraMetric::ReworkRate), None);
    assert!(!w29.covers(DoraMetric::ReworkRate) && w29.covers(DoraMetric::ChangeFailureRate));

    let gaps = retro::metrics::data_gaps(&f.store.coverage(&f.team).unwrap(), &window("2026-07-13", "2026-07-19"));
    let kinds: Vec<_> = gaps.iter().filter(|g| g.kind == retro::domain::CoverageKind::DeploymentKinds).collect();
    assert_eq!(kinds.len(), 1, "{gaps:?}");
    assert_eq!(kinds[0].metrics, [DoraMetric::ReworkRate]);
    assert_eq!(
        kinds[0].describe(),
        "No import says which deployments in this window were hotfixes, rollbacks or fixes forward, so \
         deployment rework rate has no data in it."
    );
    assert!(kinds[0].suggestion().contains("`kind` column"), "{}", kinds[0].suggestion());

    // A window the deployments do not reach is one gap, said once: not a second one for kinds.
    let before = retro::metrics::data_gaps(&f.store.coverage(&f.team).unwrap(), &window("2026-06-01", "2026-06-07"));
    assert_eq!(
        before.iter().map(|g| g.kind).collect::<Vec<_>>(),
        [retro::domain::CoverageKind::Deployments, retro::domain::CoverageKind::Incidents]
    );

    // W30 from a file that says kinds: 1 hotfix of 4. W29 stays "no data".
    f.import(
        ImportKind::Deployments,
        "id,deployed_at,kind
         k1,2026-07-20 10:00:00,planned
         k2,2026-07-21 10:00:00,hotfix
         k3,2026-07-22 10:00:00,
         k4,2026-07-23 10:00:00,planned",
    );
    let table = f.table(&[
        Period::parse_label("2026-W29", UtcOffset::UTC).unwrap(),
        Period::parse_label("2026-W30", UtcOffset::UTC).unwrap(),
    ]);
    assert_eq!(value(&table.periods[0], DoraMetric::ReworkRate), None);
    assert!(close(value(&table.periods[1], DoraMetric::ReworkRate), 25.0));
    assert_eq!(table.periods[1].rework_deployments, 1);
    let mut out = Vec::new();
    write_table(&table, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let w29 = text.lines().find(|l| l.starts_with("2026-W29")).unwrap();
    assert!(w29.trim_end().ends_with("no data"), "{text}");
    assert!(text.contains("25.0% (1 of 4)"), "{text}");
    assert!(text.contains("rework no data: no import said which deployments of the period were hotfixes"), "{text}");
    // The JSON report leaves the count of rework deployments out where kinds are unknown.
    let json = to_json(&table);
    assert!(json["periods"][0]["rework_deployments"].is_null(), "{json}");
    assert_eq!(json["periods"][1]["rework_deployments"], 1);
}

/// At 80x24, three gaps with what to import for each would push the safety check, the
/// one thing this stage asks of the team, off the screen: the gaps then take one line
/// each, as many as fit, and the votes stay whole.
#[test]
fn the_first_stage_at_80x24_keeps_the_safety_check_in_view_beside_three_gaps() {
    use crate::common::render;
    let (_, app) = lagging_retro();
    // Deployments stop on 15 November, no incidents, and the file gave no kinds.
    assert_eq!(app.retro.as_ref().unwrap().flow.data_gaps.len(), 3);

    let roomy = render(&app, 120, 40);
    assert!(roomy.contains("retro import deployments FILE") && roomy.contains("`kind` column"), "{roomy}");

    let screen = render(&app, 80, 24);
    assert!(screen.contains("Safety check"), "{screen}");
    for vote in ["5  I'll talk about anything", "1  I won't say much"] {
        assert!(screen.contains(vote), "{vote}: {screen}");
    }
    assert!(screen.contains("nothing is known since"), "the first gap is said: {screen}");
    assert!(screen.contains("more on the Data stage"), "and where the rest is: {screen}");
    assert!(!screen.contains("retro import deployments FILE"), "without the long suggestions: {screen}");
}

/// A source that says no kinds (an API's deployments, read again with a new status)
/// leaves a stored deployment's kind as it was: its `planned` is only the default.
#[test]
fn a_source_without_kinds_keeps_the_stored_kind() {
    use retro::domain::{DeployKind, DeployStatus, Deployment};
    use retro::store::{KINDS_KNOWN, KINDS_UNKNOWN};
    let mut f = Fixture::new();
    let hotfix = Deployment {
        external_id: "d1".into(),
        deployed_at: parse_timestamp("2026-07-14T10:00:00Z").unwrap(),
        environment: "production".into(),
        service: None,
        status: DeployStatus::Success,
        kind: DeployKind::Hotfix,
    };
    let rows = |d: &Deployment| [Ok::<_, std::convert::Infallible>(d.clone())];
    f.store.load_deployments_from(&f.team, rows(&hotfix), "csv", KINDS_KNOWN).unwrap();
    let failed = Deployment { status: DeployStatus::Failed, kind: DeployKind::Planned, ..hotfix.clone() };
    let report = f.store.load_deployments_from(&f.team, rows(&failed), "github", KINDS_UNKNOWN).unwrap();
    assert_eq!(report.updated, 1, "the status changed");
    let w29 = f.week("2026-W29");
    assert!(close(value(&w29, DoraMetric::ChangeFailureRate), 100.0));
    assert!(close(value(&w29, DoraMetric::ReworkRate), 100.0), "still the hotfix it was");
    // The same row again says nothing new.
    let again = f.store.load_deployments_from(&f.team, rows(&failed), "github", KINDS_UNKNOWN).unwrap();
    assert_eq!((again.updated, again.unchanged), (0, 1));
    // A source that says kinds does change it.
    f.store.load_deployments_from(&f.team, rows(&failed), "csv", KINDS_KNOWN).unwrap();
    assert!(close(value(&f.week("2026-W29"), DoraMetric::ReworkRate), 0.0));
}

/// In a 60-column pane each vote keeps its count on its own row (the words are cut
/// short), and the gaps that do not fit are one line pointing at the Data stage.
#[test]
fn the_first_stage_in_a_narrow_pane_keeps_each_vote_on_one_row() {
    let (_, app) = lagging_retro();
    let screen = crate::common::render(&app, 60, 20);
    let votes: Vec<&str> = screen.lines().filter(|l| l.trim_start().starts_with(['1', '2', '3', '4', '5'])).collect();
    assert_eq!(votes.len(), 5, "{screen}");
    for row in &votes {
        assert!(row.trim_end().ends_with('0'), "the count is on the vote's row: {row:?}\n{screen}");
    }
    assert!(votes[1].contains('…'), "the long words are cut: {screen}");
    assert!(screen.contains("Data is missing for this window: see the Data stage."), "{screen}");
}

/// A file without rows that declares the days it covers says kinds only if it has the
/// column: a CSV header with `kind` does; an empty JSON array has no keys at all.
#[test]
fn a_file_without_rows_says_kinds_only_when_it_has_the_column() {
    let (from, to) =
        (parse_timestamp("2026-07-13T00:00:00Z").unwrap(), parse_timestamp("2026-07-19T00:00:00Z").unwrap());
    for (file, bytes, format, says) in [
        ("d.csv", "id,deployed_at,kind\n", Format::Csv, true),
        ("d.csv", "id,deployed_at\n", Format::Csv, false),
        ("d.json", "[]", Format::Json, false),
    ] {
        let mut f = Fixture::new();
        let team = f.team.clone();
        f.store
            .declaring_coverage(from, to, |s| {
                import_bytes(s, &team, ImportKind::Deployments, file, bytes.as_bytes(), format)
            })
            .unwrap();
        let coverage = f.store.coverage(&f.team).unwrap();
        assert!(!coverage.deployments.is_empty(), "{bytes:?}");
        assert_eq!(!coverage.deployment_kinds.is_empty(), says, "{bytes:?}");
    }
}
