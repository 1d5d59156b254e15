//! What the app decides from what the effect runner hands back, without a store: the
//! runner only loads and writes, and these are the app's calls (issue 12.3).

use crate::common::now;
use retro::domain::{
    Action, ActionId, ActionPlan, ActionStatus, Coverage, DoraMetric, EventSet, Expected, Granularity, MetricKey,
    Period, Retro, RetroId, Spans, Stage, Team, TeamId, Timestamp, UtcOffset, parse_timestamp,
};
use retro::query::MetricTable;
use retro::tui::app::{App, Effect, Overlay, Screen};
use retro::tui::pending::Stall;
use retro::tui::view::SPARK_PERIODS;

fn t(s: &str) -> Timestamp {
    parse_timestamp(s).unwrap()
}

fn team() -> Team {
    Team { id: TeamId(1), name: "payments".into(), utc_offset: UtcOffset::UTC }
}

/// The app on the one team's dashboard, with nothing loaded yet.
fn app() -> App {
    let (app, effect) = App::new(vec![team()], None, now());
    assert_eq!(effect, Some(Effect::LoadCoverage { team: team() }), "it opens where the data ends");
    app
}

#[test]
fn a_team_with_an_unfinished_retro_is_offered_it_and_one_without_starts_anew() {
    let mut app = app();
    assert_eq!(app.unfinished_found(team(), None), Some(Effect::StartRetro { team: team() }));
    assert!(app.overlays.is_empty());
    let unfinished = Retro {
        id: RetroId(4),
        team: TeamId(1),
        window: Period::containing(now(), Granularity::Week, UtcOffset::UTC),
        stage: Stage::WhatsBlocking,
        started_at: now() - 3_600,
        finished_at: None,
    };
    assert_eq!(app.unfinished_found(team(), Some(unfinished.clone())), None, "nothing starts");
    assert_eq!(app.overlays, [Overlay::Offer(unfinished)]);
}

#[test]
fn the_dashboard_anchors_where_the_data_ends_then_loads_the_periods_up_to_it() {
    let mut app = app();
    // Deployments until Oct 20, 2026: five weeks before the week of NOW (Nov 23-29).
    let coverage = Coverage {
        deployments: Spans::union([(t("2026-06-01T00:00:00Z"), t("2026-10-20T00:00:00Z"))]),
        ..Default::default()
    };
    let Some(Effect::LoadDashboard { team: loaded, periods }) = app.coverage_loaded(&coverage) else {
        panic!("the dashboard loads next")
    };
    assert_eq!(loaded, team());
    assert_eq!(periods.len(), SPARK_PERIODS);
    assert_eq!(periods.last().unwrap().label(), "2026-W43");
    let latest = app.dashboard.latest.as_ref().expect("the data ends before this week");
    assert_eq!(latest.describe(), "latest data: 2026-W43, 5 weeks ago");
    // Browsed away, the dashboard no longer asks where the data ends.
    assert!(matches!(app.update(retro::tui::keymap::Action::Earlier), Some(Effect::LoadDashboard { .. })));
}

/// An action of the team expecting `metric` to worsen, decided at `created` and closed
/// at `closed`.
fn worsening(id: i64, metric: DoraMetric, created: &str, closed: Option<&str>) -> Action {
    let plan = ActionPlan {
        title: "Slow down".into(),
        description: None,
        metric: MetricKey::Dora(metric),
        expected: Expected::IntendedWorsening,
        target: None,
        due: None,
        volunteer: None,
    };
    Action {
        id: ActionId(id),
        team: TeamId(1),
        retro: None,
        plan,
        status: if closed.is_some() { ActionStatus::Done } else { ActionStatus::Open },
        closing_note: None,
        baseline: None,
        baseline_window: Period::containing(t(created), Granularity::Week, UtcOffset::UTC),
        created_at: t(created),
        closed_at: closed.map(t),
        from_note: None,
    }
}

#[test]
fn a_worsening_reads_as_planned_only_where_an_action_expecting_it_was_open_in_the_period_shown() {
    let mut app = app();
    // The dashboard shows the week of Nov 16-22.
    let shown = Period::containing(t("2026-11-18T00:00:00Z"), Granularity::Week, UtcOffset::UTC);
    let periods = Period::last_n(shown.start, SPARK_PERIODS, Granularity::Week, UtcOffset::UTC);
    let table = MetricTable {
        team: team(),
        periods: retro::metrics::compute(&EventSet::default(), &periods),
        team_metrics: vec![],
        diagnostics: Default::default(),
    };
    let actions = [
        // Open since before the week: as planned.
        worsening(1, DoraMetric::DeploymentFrequency, "2026-11-02T10:00:00Z", None),
        // Decided after the week ended: not yet.
        worsening(2, DoraMetric::ChangeLeadTime, "2026-11-24T10:00:00Z", None),
        // Closed before the week began: no longer.
        worsening(3, DoraMetric::ChangeFailureRate, "2026-10-01T10:00:00Z", Some("2026-11-10T10:00:00Z")),
        // Closed during the week: it was open in it.
        worsening(4, DoraMetric::ReworkRate, "2026-10-01T10:00:00Z", Some("2026-11-19T10:00:00Z")),
    ];
    app.dashboard_loaded(&table, &[], &actions);
    let rows = &app.dashboard.model.as_ref().unwrap().dora;
    let intended: Vec<&str> = rows.iter().filter(|r| r.intended).map(|r| r.name.as_str()).collect();
    assert_eq!(intended, ["Deployment frequency", "Deployment rework rate"]);
}

#[test]
fn where_a_summary_was_written_is_said_in_a_notice_off_the_retro_screen() {
    let mut app = app();
    app.screen = Screen::Retros;
    app.summary_written(Ok("/tmp/out/retro-payments-2026-11-13-2026-11-26.md".into()));
    assert_eq!(app.notice(), Some("Summary written to /tmp/out/retro-payments-2026-11-13-2026-11-26.md"));
    app.overlays.clear();
    app.summary_written(Err(std::io::Error::new(std::io::ErrorKind::NotFound, "no such folder")));
    assert_eq!(app.notice(), Some("Could not write the summary: no such folder"));
}

#[test]
fn a_correction_waits_behind_a_busy_store_with_one_notice_and_reloads_the_actions_once_written() {
    let mut app = app();
    app.screen = Screen::Actions;
    let plan = ActionPlan {
        title: "Slow down, then speed up".into(),
        description: None,
        metric: MetricKey::Dora(DoraMetric::DeploymentFrequency),
        expected: Expected::IntendedWorsening,
        target: None,
        due: None,
        volunteer: None,
    };
    app.pending.correct(team(), ActionId(7), plan);
    assert!(app.may_write_now());
    app.write_stalled(Stall::Busy);
    assert_eq!(app.notice(), Some(Stall::Busy.notice()));
    assert!(!app.may_write_now(), "not before the backoff is over");
    app.now += 1;
    assert!(app.may_write_now());
    app.write_stalled(Stall::Busy);
    assert_eq!(app.overlays.len(), 1, "told once, not at every attempt");
    assert!(app.has_unsaved_work(), "quitting now would lose it");
    assert!(app.pending.as_text().contains("Slow down, then speed up"), "its text goes to the file on the way out");
    assert_eq!(app.write_landed(), Some(Effect::LoadActions { team: team() }), "the list shows it");
    assert!(app.pending.is_empty());
    assert_eq!(app.notice(), None, "the busy notice goes once everything is saved");
}
