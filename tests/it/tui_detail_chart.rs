//! The metric detail chart: the usual range drawn as a band behind the line, and a mark
//! where an action on the metric was decided and where it was closed, rendered into a
//! `TestBackend` and checked cell by cell.

use crate::common::{now, press};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use retro::domain::parse_timestamp;
use retro::domain::{ActionPlan, ActionStatus, DoraMetric, Expected, MetricKey, NewAction, Period, UtcOffset};
use retro::import::{Format, ImportKind, import_bytes};
use retro::store::Store;
use retro::tui::Backend;
use retro::tui::keymap::Action;
use retro::tui::ui::detail::{BAND, CLOSED, DECIDED};
use retro::tui::ui::{draw, theme::Theme};

/// 2026-W37..W48: 4, 5 or 6 production deployments a week (so the usual range has a
/// width), and an action on deployment frequency decided in W42 and closed in W46.
fn store() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    let team = store.add_team("band", UtcOffset::UTC).unwrap();
    let monday = chrono::NaiveDate::from_ymd_opt(2026, 9, 7).unwrap();
    let mut csv = String::from("id,deployed_at\n");
    for week in 0..12u64 {
        for i in 0..(4 + week % 3) {
            let day = monday + chrono::Days::new(7 * week + i);
            if day <= chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap() {
                csv.push_str(&format!("w{week}d{i},{day} 10:00:00\n"));
            }
        }
    }
    import_bytes(&mut store, &team, ImportKind::Deployments, "d.csv", csv.as_bytes(), Format::Csv).unwrap();
    let t = |s: &str| parse_timestamp(s).unwrap();
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let new = NewAction {
        plan: ActionPlan {
            title: "Smaller batches".into(),
            description: None,
            metric: MetricKey::Dora(DoraMetric::DeploymentFrequency),
            expected: Expected::Improve,
            target: None,
            due: None,
            volunteer: None,
        },
        retro: None,
        baseline: Some(0.7),
        baseline_window: Period::window(day("2026-10-01"), day("2026-10-14"), UtcOffset::UTC),
        from_note: None,
    };
    let action = store.add_action(&team, &new, t("2026-10-14T12:00:00Z")).unwrap();
    store.set_action_status(action.id, ActionStatus::Done, None, t("2026-11-11T12:00:00Z")).unwrap();
    store
}

/// The screen's cells as rows of symbols.
fn cells(backend: &mut Backend, width: u16, height: u16) -> Vec<Vec<String>> {
    let mut app = retro::tui::prepare(backend, None, now()).unwrap();
    press(backend, &mut app, &[Action::Open]);
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| draw(f, &app, &Theme::PLAIN)).unwrap();
    let buffer = terminal.backend().buffer();
    (0..height).map(|y| (0..width).map(|x| buffer[(x, y)].symbol().to_owned()).collect()).collect()
}

/// Columns holding `symbol` in at least `rows` rows, left to right.
fn columns_of(cells: &[Vec<String>], symbol: char, rows: usize) -> Vec<usize> {
    let s = symbol.to_string();
    (0..cells[0].len()).filter(|&x| cells.iter().filter(|row| row[x] == s).count() >= rows).collect()
}

#[test]
fn the_chart_draws_the_usual_range_as_a_band_and_marks_the_action() {
    let mut backend = Backend::new(store());
    let screen = cells(&mut backend, 120, 40);
    let text: Vec<String> = screen.iter().map(|r| r.concat()).collect();
    let all = text.join("\n");
    assert!(all.contains("Deployment frequency · deploys/day"), "{all}");
    // The key in the chart's top border names what is drawn.
    let key = text.iter().find(|l| l.contains("usual range") && l.contains("action decided")).expect(&all);
    assert!(key.contains(&format!("{BAND} usual range")) && key.contains(&format!("{CLOSED} action closed")), "{key}");
    // The band: many cells of it, from the fourth week on (three weeks before set its limits).
    let band = screen.iter().flatten().filter(|c| **c == BAND.to_string()).count();
    assert!(band > 20, "{all}");
    // One full-height mark for the decision (W42, the 6th of 12 weeks) left of the one for
    // the closing (W46, the 10th), both inside the chart.
    let decided = columns_of(&screen, DECIDED, 8);
    let closed = columns_of(&screen, CLOSED, 8);
    assert_eq!((decided.len(), closed.len()), (1, 1), "{all}");
    assert!(decided[0] < closed[0], "{all}");
    let band_columns = columns_of(&screen, BAND, 1);
    assert!(band_columns.first().is_some_and(|&x| x < decided[0]), "the band starts before the action:\n{all}");
    assert!(closed[0] <= *band_columns.last().unwrap() + 1, "{all}");
}

#[test]
fn without_actions_or_history_there_is_no_mark_and_no_band() {
    // The demo's lead time has no action: no mark. Its band is there.
    let mut store = Store::open_in_memory().unwrap();
    retro::demo::load(&mut store, now()).unwrap();
    let mut backend = Backend::new(store);
    let mut app = retro::tui::prepare(&mut backend, None, now()).unwrap();
    press(&mut backend, &mut app, &[Action::Down, Action::Open]);
    let screen = crate::common::render(&app, 120, 40);
    assert!(screen.contains("Change lead time"), "{screen}");
    assert!(!screen.contains("action decided") && screen.contains("usual range"), "{screen}");
}

/// Deployments without kinds: the rework chart has no point, and says what would give
/// it one instead of "no data yet".
#[test]
fn the_rework_chart_without_kinds_says_what_gives_them() {
    let mut backend = Backend::new(store());
    let mut app = retro::tui::prepare(&mut backend, None, now()).unwrap();
    let down = Action::Down;
    press(&mut backend, &mut app, &[down, down, down, down, Action::Open]);
    let screen = crate::common::render(&app, 100, 30);
    assert!(screen.contains("Deployment rework rate"), "{screen}");
    assert!(screen.contains("No import said which deployments were hotfixes"), "{screen}");
    assert!(!screen.contains("No data in any period yet"), "{screen}");
    // Frequency, with the same deployments, has its chart.
    let mut app = retro::tui::prepare(&mut backend, None, now()).unwrap();
    press(&mut backend, &mut app, &[Action::Open]);
    assert!(!crate::common::render(&app, 100, 30).contains("No import said"));
}
