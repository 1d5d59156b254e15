//! Screens rendered into a `TestBackend` buffer, at 80x24 and 120x40, on the demo team
//! with a fixed clock: snapshots of the whole screen plus assertions on what matters.

use crate::common::now;
use crate::common::{press, render};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use retro::domain::{Team, UtcOffset};
use retro::store::Store;
use retro::tui::Backend;
use retro::tui::app::App;
use retro::tui::keymap::Action;
use retro::tui::ui::{draw, theme::Theme};

const DORA_NAMES: [&str; 5] = [
    "Deployment frequency",
    "Change lead time",
    "Change failure rate",
    "Failed deployment recovery time",
    "Deployment rework rate",
];

fn demo_store() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    retro::demo::load(&mut store, now()).unwrap();
    store
}

#[test]
fn dashboard_shows_every_metric_with_value_trend_and_direction() {
    let mut store = Backend::new(demo_store());
    let app = retro::tui::prepare(&mut store, None, now()).unwrap();
    for (w, h) in [(80, 24), (120, 40)] {
        let screen = render(&app, w, h);
        for name in DORA_NAMES {
            assert!(screen.contains(name), "{name} missing at {w}x{h}:\n{screen}");
        }
        assert!(screen.contains("customer_satisfaction") && screen.contains("escaped_defects"), "{screen}");
        assert!(screen.contains("Week 2026-W48"), "{screen}");
        // Recovery time has no resolved failure this week: shown as such, never as 0.
        let recovery = screen.lines().find(|l| l.starts_with("Failed deployment recovery time")).unwrap();
        assert!(recovery.contains("no data"), "{recovery}");
        // This week's moves are all routine variation for the demo team.
        let within = if w >= 110 { "within usual range" } else { "usual" };
        for name in DORA_NAMES.iter().filter(|n| !n.starts_with("Failed")) {
            let row = screen.lines().find(|l| l.starts_with(name)).unwrap();
            assert!(row.contains(within) && !row.contains("worse") && !row.contains("better"), "{row}");
        }
        insta::assert_snapshot!(format!("dashboard_{w}x{h}"), screen);
    }
}

#[test]
fn a_past_period_is_named_by_its_label_not_as_this_week() {
    let mut store = Backend::new(demo_store());
    let mut app = retro::tui::prepare(&mut store, None, now()).unwrap();
    let header = |app: &App| render(app, 80, 24).lines().find(|l| l.starts_with("Metric")).unwrap().to_owned();
    assert!(header(&app).contains("This week"), "{}", header(&app));
    press(&mut store, &mut app, &[Action::Earlier]);
    assert!(header(&app).contains("2026-W47") && !header(&app).contains("This week"), "{}", header(&app));
    press(&mut store, &mut app, &[Action::Latest, Action::Monthly]);
    assert!(header(&app).contains("This month"), "{}", header(&app));
    press(&mut store, &mut app, &[Action::Earlier]);
    assert!(header(&app).contains("2026-10"), "{}", header(&app));
}

#[test]
fn detail_shows_chart_axes_table_and_definition() {
    let mut store = Backend::new(demo_store());
    let mut app = retro::tui::prepare(&mut store, None, now()).unwrap();
    press(&mut store, &mut app, &[Action::Down, Action::Open]);
    for (w, h) in [(80, 24), (120, 40)] {
        let screen = render(&app, w, h);
        assert!(screen.contains("Change lead time · hours · lower is better"), "{screen}");
        assert!(screen.contains("Median time from commit to production"), "{screen}");
        assert!(screen.contains("Context, not a grade"), "{screen}");
        assert!(screen.contains("2026-11-23"), "the x axis is labelled with dates:\n{screen}");
        assert!(screen.contains("2026-W48"), "{screen}");
        insta::assert_snapshot!(format!("detail_{w}x{h}"), screen);
    }
}

#[test]
fn help_overlay_lists_every_key_of_the_screen() {
    let mut store = Backend::new(demo_store());
    let mut app = retro::tui::prepare(&mut store, None, now()).unwrap();
    press(&mut store, &mut app, &[Action::Help]);
    for (w, h) in [(80, 24), (120, 40)] {
        let screen = render(&app, w, h);
        for b in app.keys_shown(retro::tui::keymap::Context::Dashboard) {
            assert!(screen.contains(b.help), "help lacks {:?}:\n{screen}", b.help);
        }
        insta::assert_snapshot!(format!("help_{w}x{h}"), screen);
    }
}

#[test]
fn empty_store_shows_how_to_begin() {
    let mut store = Backend::new(Store::open_in_memory().unwrap());
    let app = retro::tui::prepare(&mut store, None, now()).unwrap();
    for (w, h) in [(80, 24), (120, 40)] {
        let screen = render(&app, w, h);
        assert!(screen.contains("retro teams add"), "{screen}");
        assert!(screen.contains("retro --demo"), "{screen}");
        assert!(!screen.contains("Deployment frequency"), "no empty dashboard:\n{screen}");
        insta::assert_snapshot!(format!("first_run_{w}x{h}"), screen);
    }
    // A store named with --db is named in the commands too, so they reach the same store.
    let mut named = Backend { command: "retro --db team.db".into(), ..Backend::new(Store::open_in_memory().unwrap()) };
    let app = retro::tui::prepare(&mut named, None, now()).unwrap();
    let screen = render(&app, 80, 24);
    assert!(screen.contains("retro --db team.db teams add my-team"), "{screen}");
    assert!(screen.contains("retro --db team.db import deployments"), "{screen}");
}

#[test]
fn several_teams_offer_a_picker() {
    let mut store = Store::open_in_memory().unwrap();
    for name in ["payments", "search"] {
        store.add_team(name, UtcOffset::UTC).unwrap();
    }
    let app = retro::tui::prepare(&mut Backend::new(store), None, now()).unwrap();
    let screen = render(&app, 80, 24);
    assert!(screen.contains("Choose a team") && screen.contains("payments") && screen.contains("search"), "{screen}");
}

#[test]
fn a_team_without_events_shows_no_data_not_zero() {
    let mut store = Store::open_in_memory().unwrap();
    let team: Team = store.add_team("new-team", UtcOffset::UTC).unwrap();
    let app = retro::tui::prepare(&mut Backend::new(store), Some(team), now()).unwrap();
    let screen = render(&app, 80, 24);
    for name in DORA_NAMES {
        let line = screen.lines().find(|l| l.starts_with(name)).unwrap();
        assert!(line.contains("no data"), "{line}");
        assert!(!line.contains("0.0%") && !line.contains("0.00/d"), "{line}");
    }
}

/// Colours of every cell that has one.
fn colours(app: &App, theme: &Theme) -> Vec<ratatui::style::Color> {
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    terminal.draw(|f| draw(f, app, theme)).unwrap();
    let buffer = terminal.backend().buffer();
    buffer.content().iter().flat_map(|c| [c.fg, c.bg]).filter(|c| *c != ratatui::style::Color::Reset).collect()
}

#[test]
fn no_color_means_no_colour_and_direction_still_reads_in_words() {
    let mut store = Backend::new(demo_store());
    // At the end of 2026-W23 the demo's escaped defects (6, from 8 the week before) are
    // better beyond their usual range; every DORA metric moves within its own.
    let end_of_w23 = retro::domain::parse_timestamp("2026-06-07T23:00:00Z").unwrap();
    let app = retro::tui::prepare(&mut store, None, end_of_w23).unwrap();
    let coloured = colours(&app, &Theme::COLOR);
    assert!(coloured.contains(&ratatui::style::Color::Green), "the better move is green: {coloured:?}");
    assert!(!coloured.contains(&ratatui::style::Color::Red), "nothing moved worse: {coloured:?}");
    assert_eq!(colours(&app, &Theme::PLAIN), [], "NO_COLOR draws no colour at all");
    let screen = render(&app, 120, 40);
    let row = |name: &str| screen.lines().find(|l| l.starts_with(name)).unwrap_or_else(|| panic!("{name}: {screen}"));
    assert!(row("escaped_defects").contains("better"), "{screen}");
    assert!(row("Change lead time").contains("within usual range"), "{screen}");
    assert!(screen.contains('▲') && screen.contains('▼'), "{screen}");
}

#[test]
fn the_selected_metric_says_what_its_value_rests_on_at_any_width() {
    let mut store = Backend::new(demo_store());
    let mut app = retro::tui::prepare(&mut store, None, now()).unwrap();
    press(&mut store, &mut app, &[Action::Down, Action::Down]);
    for (w, h) in [(80, 24), (120, 40)] {
        let screen = render(&app, w, h);
        // This week: none of the demo's 7 production deployments failed.
        let about =
            screen.lines().find(|l| l.starts_with(" Change failure rate: ")).unwrap_or_else(|| panic!("{screen}"));
        assert!(about.contains("0.0%, 0 of 7 deployments; usual range "), "{about}");
    }
}
