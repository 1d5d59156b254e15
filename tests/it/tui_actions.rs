//! The actions screen: the demo team's actions listed, filtered, sorted and opened.

use crate::common::now;
use crate::common::render;
use retro::store::Store;
use retro::tui::Backend;
use retro::tui::actions::Filter;
use retro::tui::app::{App, Screen};
use retro::tui::keymap::Action;

fn open_actions() -> (Backend, App) {
    let mut store = Store::open_in_memory().unwrap();
    retro::demo::load(&mut store, now()).unwrap();
    let mut backend = Backend::new(store);
    let mut app = retro::tui::prepare(&mut backend, None, now()).unwrap();
    let effect = app.update(Action::Actions).expect("a key on the dashboard loads the actions");
    retro::tui::apply_effect(&mut backend, &mut app, effect).unwrap();
    (backend, app)
}

#[test]
fn the_list_shows_open_actions_first_with_overdue_marked() {
    let (_, app) = open_actions();
    assert_eq!(app.screen, Screen::Actions);
    for (w, h) in [(80, 24), (120, 40)] {
        let screen = render(&app, w, h);
        assert!(screen.contains("Actions: open (2 of 5)"), "{screen}");
        assert!(screen.contains("overdue"), "the release notes are past due:\n{screen}");
        assert!(!screen.contains("Contract tests"), "done actions are filtered out:\n{screen}");
        insta::assert_snapshot!(format!("actions_list_{w}x{h}"), screen);
    }
}

#[test]
fn filters_and_sorts_cycle() {
    let (_, mut app) = open_actions();
    let screen = |app: &App| app.actions.as_ref().unwrap().filter();
    for expected in [Filter::Overdue, Filter::Done, Filter::Dropped, Filter::All, Filter::Open] {
        app.update(Action::Filter);
        assert_eq!(screen(&app), expected);
    }
    app.update(Action::Filter);
    app.update(Action::Filter);
    app.update(Action::Filter);
    app.update(Action::Filter); // all
    let titles = |app: &App| -> Vec<String> {
        app.actions.as_ref().unwrap().visible().map(|p| p.action.plan.title.clone()).collect()
    };
    assert_eq!(titles(&app).len(), 5);
    app.update(Action::SortBy); // verdict: the one that moved the other way first
    assert!(titles(&app)[0].starts_with("Second reviewer"), "{:?}", titles(&app));
    assert!(render(&app, 120, 40).contains("sorted by verdict"));
}

#[test]
fn detail_shows_history_and_trend_and_back_returns() {
    let (_, mut app) = open_actions();
    for _ in 0..4 {
        app.update(Action::Filter); // all
    }
    app.update(Action::SortBy); // verdict
    app.update(Action::SortBy); // created: oldest first
    app.update(Action::Down); // the slow-down
    app.update(Action::Open);
    for (w, h) in [(80, 24), (120, 40)] {
        let screen = render(&app, w, h);
        assert!(screen.contains("Slow down to pay down technical debt"), "{screen}");
        assert!(screen.contains("moved as expected (intended)"), "{screen}");
        assert!(screen.contains("Reviews across retros") && screen.contains("kept open"), "{screen}");
        insta::assert_snapshot!(format!("action_detail_{w}x{h}"), screen);
    }
    app.update(Action::Back);
    assert!(!app.actions.as_ref().unwrap().detail);
    app.update(Action::Back);
    assert_eq!(app.screen, Screen::Dashboard);
}
