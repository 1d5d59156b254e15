//! The app as a state machine: actions in, state and effects out. No terminal.

use crate::common::now;
use retro::domain::{Granularity, Period, UtcOffset};
use retro::store::Store;
use retro::tui::Backend;
use retro::tui::app::{App, Effect, Screen};
use retro::tui::keymap::{Action, Context};
use retro::tui::view::Pane;

fn demo() -> (Backend, App) {
    let mut store = Store::open_in_memory().unwrap();
    retro::demo::load(&mut store, now()).unwrap();
    let mut backend = Backend::new(store);
    let app = retro::tui::prepare(&mut backend, None, now()).unwrap();
    (backend, app)
}

fn step(store: &mut Backend, app: &mut App, action: Action) -> Option<Effect> {
    let effect = app.update(action);
    if let Some(e) = effect.clone() {
        retro::tui::apply_effect(store, app, e).unwrap();
    }
    effect
}

#[test]
fn a_store_without_teams_opens_on_first_run_and_quits() {
    let mut store = Backend::new(Store::open_in_memory().unwrap());
    let mut app = retro::tui::prepare(&mut store, None, now()).unwrap();
    assert_eq!(app.screen, Screen::FirstRun);
    assert_eq!(app.update(Action::Quit), None);
    assert!(!app.running);
}

#[test]
fn one_team_opens_its_dashboard_for_the_current_period() {
    let (_, app) = demo();
    assert_eq!(app.screen, Screen::Dashboard);
    assert_eq!(app.dashboard.anchor.as_ref().unwrap().label(), "2026-W48");
    let dashboard = app.dashboard.model.as_ref().unwrap();
    assert_eq!(dashboard.dora.len(), 5);
    assert_eq!(dashboard.team_metrics.len(), 2);
    assert!(dashboard.current.is_partial(), "this week is under way");
}

#[test]
fn picker_moves_wraps_and_opens_the_chosen_team() {
    let mut store = Store::open_in_memory().unwrap();
    let a = store.add_team("alpha", UtcOffset::UTC).unwrap();
    let b = store.add_team("beta", UtcOffset::from_minutes(120).unwrap()).unwrap();
    let mut store = Backend::new(store);
    let mut app = retro::tui::prepare(&mut store, None, now()).unwrap();
    assert_eq!(app.screen, Screen::TeamPicker);
    app.update(Action::Up);
    assert_eq!(app.picker_selected, 1, "up from the first wraps to the last");
    // The dashboard opens where the team's data ends: that is read first.
    let effect = step(&mut store, &mut app, Action::Open).unwrap();
    assert_eq!(effect, Effect::LoadCoverage { team: b.clone() });
    assert_eq!(app.screen, Screen::Dashboard);
    let Some(Effect::LoadDashboard { team, periods }) = app.coverage_loaded(&Default::default()) else {
        panic!("expected a dashboard load")
    };
    assert_eq!(team, b);
    assert_eq!(periods.len(), retro::tui::view::SPARK_PERIODS);
    assert_eq!(periods.last().unwrap().offset, b.utc_offset, "periods cut at the team's offset");
    // Back goes to the picker when there are several teams, and the picker remembers.
    app.update(Action::Back);
    assert_eq!(app.screen, Screen::TeamPicker);
    app.update(Action::Down);
    assert_eq!(app.update(Action::Open), Some(Effect::LoadCoverage { team: a }));
}

#[test]
fn rows_move_and_wrap_and_tab_switches_panes() {
    let (mut store, mut app) = demo();
    assert_eq!(app.dashboard.selected, [0, 0]);
    step(&mut store, &mut app, Action::Up);
    assert_eq!(app.dashboard.selected[0], 4, "up from the first row wraps to the last");
    step(&mut store, &mut app, Action::Down);
    step(&mut store, &mut app, Action::Down);
    assert_eq!(app.dashboard.selected[0], 1);
    step(&mut store, &mut app, Action::NextPane);
    assert_eq!(app.dashboard.pane, Pane::Team);
    step(&mut store, &mut app, Action::Down);
    assert_eq!(app.dashboard.selected, [1, 1]);
    step(&mut store, &mut app, Action::NextPane);
    assert_eq!(app.dashboard.pane, Pane::Dora);
}

#[test]
fn moving_in_time_reloads_and_never_passes_today() {
    let (mut store, mut app) = demo();
    assert_eq!(app.update(Action::Later), None, "no period after the current one");
    let effect = step(&mut store, &mut app, Action::Earlier).unwrap();
    let Effect::LoadDashboard { periods, .. } = effect else { panic!() };
    assert_eq!(periods.last().unwrap().label(), "2026-W47");
    assert!(!periods.last().unwrap().is_partial());
    assert_eq!(app.dashboard.model.as_ref().unwrap().current.label(), "2026-W47");
    step(&mut store, &mut app, Action::Earlier);
    step(&mut store, &mut app, Action::Later);
    assert_eq!(app.dashboard.anchor.as_ref().unwrap().label(), "2026-W47");
    step(&mut store, &mut app, Action::Latest);
    assert_eq!(app.dashboard.anchor.as_ref().unwrap().label(), "2026-W48");
    assert_eq!(app.update(Action::Latest), None, "already at the current period");
}

#[test]
fn switching_to_months_keeps_the_moment_in_view() {
    let (mut store, mut app) = demo();
    step(&mut store, &mut app, Action::Earlier); // 2026-W47: Nov 16-22
    let Effect::LoadDashboard { periods, .. } = step(&mut store, &mut app, Action::Monthly).unwrap() else { panic!() };
    assert_eq!(app.dashboard.granularity, Granularity::Month);
    assert_eq!(periods.last().unwrap().label(), "2026-11");
    assert_eq!(periods.first().unwrap().label(), "2025-12");
    assert_eq!(app.update(Action::Monthly), None, "already monthly");
    step(&mut store, &mut app, Action::Weekly);
    assert_eq!(
        app.dashboard.anchor.as_ref().unwrap().label(),
        "2026-W48",
        "the week holding the month's last moment so far"
    );
}

#[test]
fn enter_opens_the_selected_metric_and_detail_moves_between_metrics() {
    let (mut store, mut app) = demo();
    step(&mut store, &mut app, Action::Down);
    let effect = step(&mut store, &mut app, Action::Open).unwrap();
    assert!(matches!(effect, Effect::LoadHistory { granularity: Granularity::Week, .. }));
    assert_eq!(app.screen, Screen::Detail);
    assert_eq!(app.detail.model.as_ref().unwrap().name, "Change lead time");
    // The history is loaded once; moving between metrics needs no reload.
    assert_eq!(step(&mut store, &mut app, Action::Down), None);
    assert_eq!(app.detail.model.as_ref().unwrap().name, "Change failure rate");
    assert_eq!(step(&mut store, &mut app, Action::Up), None);
    step(&mut store, &mut app, Action::Up);
    step(&mut store, &mut app, Action::Up);
    assert_eq!(app.detail.model.as_ref().unwrap().name, "escaped_defects", "wraps from the first to the last metric");
    // Scrolling the table stays within it.
    step(&mut store, &mut app, Action::Later);
    assert_eq!(app.detail.scroll, 0);
    step(&mut store, &mut app, Action::Earlier);
    assert_eq!(app.detail.scroll, 1);
    step(&mut store, &mut app, Action::Latest);
    assert_eq!(app.detail.scroll, 0);
    let rows = app.detail.model.as_ref().unwrap().rows.len();
    for _ in 0..rows + 5 {
        step(&mut store, &mut app, Action::Earlier);
    }
    assert_eq!(app.detail.scroll, rows - 1);
    step(&mut store, &mut app, Action::Back);
    assert_eq!(app.screen, Screen::Dashboard);
}

#[test]
fn the_team_pane_opens_team_metrics() {
    let (mut store, mut app) = demo();
    step(&mut store, &mut app, Action::NextPane);
    step(&mut store, &mut app, Action::Down);
    step(&mut store, &mut app, Action::Open);
    assert_eq!(app.detail.model.as_ref().unwrap().name, "escaped_defects");
}

#[test]
fn switching_granularity_in_detail_reloads_history_and_dashboard_on_return() {
    let (mut store, mut app) = demo();
    step(&mut store, &mut app, Action::Open);
    let effect = step(&mut store, &mut app, Action::Monthly).unwrap();
    assert!(matches!(effect, Effect::LoadHistory { granularity: Granularity::Month, .. }));
    assert!(app.detail.model.as_ref().unwrap().rows[0].label.starts_with("2026-11"));
    let effect = step(&mut store, &mut app, Action::Back).unwrap();
    assert!(matches!(effect, Effect::LoadCoverage { .. }), "the dashboard reloads, where the data ends");
    assert_eq!(app.dashboard.model.as_ref().unwrap().granularity, Granularity::Month);
}

#[test]
fn help_opens_over_any_screen_and_any_key_closes_it() {
    let (mut store, mut app) = demo();
    step(&mut store, &mut app, Action::Help);
    assert_eq!(app.context(), Context::Help);
    step(&mut store, &mut app, Action::Down);
    assert_eq!(app.context(), Context::Dashboard);
    assert_eq!(app.dashboard.selected[0], 0, "the key that closed help did nothing else");
    step(&mut store, &mut app, Action::Help);
    step(&mut store, &mut app, Action::Quit);
    assert!(!app.running, "Ctrl-C quits even from the help");
}

#[test]
fn quitting_with_nothing_unsaved_needs_no_confirmation() {
    let (mut store, mut app) = demo();
    assert!(!app.has_unsaved_work());
    step(&mut store, &mut app, Action::Back);
    assert!(!app.running);
    assert!(app.overlays.is_empty());
}

#[test]
fn keys_reach_actions_through_the_keymap() {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let key = |c| KeyEvent::new(c, KeyModifiers::NONE);
    let (mut backend, mut app) = demo();
    assert_eq!(app.action_for(key(KeyCode::Char('j'))), Some(Action::Down));
    assert_eq!(app.action_for(key(KeyCode::Tab)), Some(Action::NextPane));
    assert_eq!(app.action_for(key(KeyCode::Enter)), Some(Action::Open));
    assert_eq!(app.action_for(key(KeyCode::Char('x'))), None);
    step(&mut backend, &mut app, Action::Open);
    assert_eq!(app.action_for(key(KeyCode::Esc)), Some(Action::Back));
}

#[test]
fn dashboard_periods_match_a_direct_computation() {
    // The dashboard's numbers are the metric engine's, for the same periods.
    let (store, app) = demo();
    let team = app.team.clone().unwrap();
    let current = Period::containing(now(), Granularity::Week, team.utc_offset).until(now());
    let table = retro::query::MetricTable::load(&store.store, &team, &[current]).unwrap();
    let value = table.periods[0].dora.get(retro::domain::DoraMetric::ChangeLeadTime).value;
    let shown = &app.dashboard.model.as_ref().unwrap().dora[1].value;
    assert_eq!(*shown, retro::domain::format_value(value, &retro::domain::Unit::Hours));
}
