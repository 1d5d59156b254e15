//! Hostile text on screen: the dashboard, a metric's detail, the actions screens and every
//! retro stage, drawn into a `TestBackend` from a store whose team, team metric, actions,
//! notes and reviews hold escape sequences, a C1 control, a bidi override and a zero-width
//! joiner. No cell holds such a character, every cell is as wide as a terminal draws it
//! (no ghost cells), and the text shows visibly that something was there.

use crate::common::now;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use retro::domain::{
    ActionPlan, ActionReview, ActionStatus, Decision, DoraMetric, Expected, MetricKey, NewAction, Period, Stage,
};
use retro::store::Store;
use retro::text::is_neutralised;
use retro::tui::Backend;
use retro::tui::app::{App, Effect, Screen};
use retro::tui::keymap::Action;
use retro::tui::ui::{draw, theme::Theme};
use tempfile::TempDir;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// ESC sequences (OSC 0 retitles, OSC 52 writes the clipboard), a C1 CSI, a bidi
/// override and a zero-width joiner.
const H: &str = "x\u{1b}]0;PWNED\u{7}\u{1b}]52;c;aGk=\u{7}\u{9b}2J\u{202e}rev\u{200d}z";

/// The demo team in a file store, renamed `H`, with its first team metric named `H`, an
/// open action and a done one (closing note and review note `H`), and an unfinished
/// retro holding a note and an action that say `H`.
fn hostile() -> (TempDir, Backend, App) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("retro.db");
    let mut store = Store::open(&path).unwrap();
    retro::demo::load(&mut store, now()).unwrap();
    drop(store);
    {
        let db = rusqlite::Connection::open(&path).unwrap();
        db.execute("UPDATE teams SET name = ?1", [H]).unwrap();
        db.execute("UPDATE metric_definitions SET name = ?1 WHERE id = (SELECT min(id) FROM metric_definitions)", [H])
            .unwrap();
    }
    let mut store = Store::open(&path).unwrap();
    let team = store.teams().unwrap().remove(0);
    let window = Period::window(
        chrono::NaiveDate::from_ymd_opt(2026, 11, 9).unwrap(),
        chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
        team.utc_offset,
    );
    let plan = |metric| ActionPlan {
        title: H.into(),
        description: Some(H.into()),
        metric,
        expected: Expected::Improve,
        target: None,
        due: None,
        volunteer: Some(H.into()),
    };
    let new = |metric, retro| NewAction {
        plan: plan(metric),
        retro,
        baseline: Some(1.0),
        baseline_window: window.clone(),
        from_note: None,
    };
    store.add_action(&team, &new(MetricKey::Team(H.into()), None), now()).unwrap();
    let done = store.add_action(&team, &new(MetricKey::Dora(DoraMetric::ChangeLeadTime), None), now()).unwrap();
    store.set_action_status(done.id, ActionStatus::Done, Some(H), now()).unwrap();
    // Earlier retros are closed by a new one: this one is left open, to be resumed.
    let unfinished: Vec<_> = store.retros(&team).unwrap().into_iter().filter(|r| r.finished_at.is_none()).collect();
    for r in unfinished {
        store.finish_retro(r.id, now()).unwrap();
    }
    let r = store.start_retro(&team, &window, now()).unwrap();
    let review = ActionReview {
        retro: r.id,
        action: done.id,
        decision: Decision::Done,
        metric_value: Some(2.0),
        note: Some(H.into()),
        reviewed_at: now(),
    };
    store.review_action(&review).unwrap();
    store.add_action(&team, &new(MetricKey::Team(H.into()), Some(r.id)), now()).unwrap();
    let mut backend = Backend::new(store);
    let mut app = retro::tui::prepare(&mut backend, Some(team), now()).unwrap();
    // A note under the first prompt of "what's blocking us", then the retro read again.
    retro::tui::apply_effect(&mut backend, &mut app, Effect::OpenRetro(r.id)).unwrap();
    let prompt = app.retro.as_ref().unwrap().flow.blocking_prompts()[0].clone();
    let body = format!("{H}\nsecond line {H}");
    backend.store.add_note(r.id, &prompt.key, &prompt.text, prompt.metric.as_ref(), &body, now()).unwrap();
    backend.store.add_note(r.id, "custom", H, None, H, now()).unwrap();
    retro::tui::apply_effect(&mut backend, &mut app, Effect::OpenRetro(r.id)).unwrap();
    (dir, backend, app)
}

fn buffer(app: &App, width: u16, height: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| draw(f, app, &Theme::PLAIN)).unwrap();
    terminal.backend().buffer().clone()
}

/// Checks every cell, and returns the screen as text.
fn clean_screen(app: &App, what: &str) -> String {
    let mut screen = String::new();
    for (w, h) in [(80, 24), (120, 40)] {
        let buffer = buffer(app, w, h);
        screen.clear();
        for y in 0..h {
            let mut x = 0;
            while x < w {
                let symbol = buffer[(x, y)].symbol();
                assert!(!symbol.chars().any(is_neutralised), "{what} {w}x{h}: {symbol:?} at ({x}, {y})");
                // A terminal draws each character by its own width: a cell whose symbol
                // it would draw wider or narrower shifts the rest of the line.
                let drawn: usize = symbol.chars().map(|c| c.width().unwrap_or(0)).sum();
                assert_eq!(symbol.width(), drawn, "{what} {w}x{h}: {symbol:?} at ({x}, {y})");
                assert!(drawn >= 1, "{what} {w}x{h}: a ghost cell at ({x}, {y})");
                screen.push_str(symbol);
                x += drawn as u16;
            }
            screen.push('\n');
        }
    }
    screen
}

/// The visible form of what was there, or of its first part where a column cuts it.
fn shows(screen: &str, what: &str) {
    assert!(screen.contains("x\\e]0;PWNED\\x07"), "{what}: no visible escape in\n{screen}");
}

fn shows_all(screen: &str, what: &str) {
    shows(screen, what);
    for part in ["\\u009b2J", "\\u202erev", "\\u200dz"] {
        assert!(screen.contains(part), "{what}: {part} not in\n{screen}");
    }
}

fn act(backend: &mut Backend, app: &mut App, action: Action) {
    if let Some(effect) = app.update(action) {
        retro::tui::apply_effect(backend, app, effect).unwrap();
    }
}

#[test]
fn dashboard_and_detail_show_hostile_names_safely() {
    let (_dir, mut backend, mut app) = hostile();
    act(&mut backend, &mut app, Action::Back);
    assert_eq!(app.screen, Screen::Dashboard);
    let screen = clean_screen(&app, "dashboard");
    assert!(screen.starts_with(" retro · x\\e]0;PWNED\\x07"), "the team in the header:\n{screen}");
    shows_all(&screen, "dashboard");
    // The team metric in detail: its name heads the screen.
    app.dashboard.pane = retro::tui::view::Pane::Team;
    act(&mut backend, &mut app, Action::Open);
    assert_eq!(app.screen, Screen::Detail);
    let screen = clean_screen(&app, "detail");
    shows_all(&screen, "detail");
}

#[test]
fn actions_list_and_detail_show_titles_notes_and_volunteers_safely() {
    let (_dir, mut backend, mut app) = hostile();
    act(&mut backend, &mut app, Action::Back);
    act(&mut backend, &mut app, Action::Actions);
    assert_eq!(app.screen, Screen::Actions);
    let screen = clean_screen(&app, "actions list");
    shows(&screen, "actions list");
    // The open action that says `H` everywhere.
    let index = app.actions.as_ref().unwrap().visible().position(|p| p.action.plan.title == H).unwrap();
    for _ in 0..index {
        act(&mut backend, &mut app, Action::Down);
    }
    act(&mut backend, &mut app, Action::Open);
    let screen = clean_screen(&app, "action detail");
    assert!(screen.contains("driven by x\\e]0;PWNED\\x07"), "{screen}");
    shows_all(&screen, "action detail");
}

#[test]
fn every_retro_stage_shows_notes_and_titles_safely() {
    let (_dir, mut backend, mut app) = hostile();
    assert_eq!(app.screen, Screen::Retro);
    let stage = |app: &App| app.retro.as_ref().unwrap().flow.stage();
    while stage(&app) > Stage::SetTheStage {
        act(&mut backend, &mut app, Action::PreviousStage);
    }
    loop {
        let what = format!("{:?}", stage(&app));
        let screen = clean_screen(&app, &what);
        match stage(&app) {
            // The framing and safety check: only the team's name in the header is data.
            Stage::SetTheStage => shows(&screen, &what),
            // Team metric names are cut in a column here.
            Stage::ReviewActions | Stage::LookAtData => shows(&screen, &what),
            Stage::WhatsBlocking | Stage::DecideActions | Stage::Close => shows_all(&screen, &what),
        }
        if stage(&app) == Stage::Close {
            break;
        }
        act(&mut backend, &mut app, Action::NextStage);
    }
}

#[test]
fn the_note_editor_never_draws_hostile_characters() {
    let (_dir, mut backend, mut app) = hostile();
    while app.retro.as_ref().unwrap().flow.stage() < Stage::WhatsBlocking {
        act(&mut backend, &mut app, Action::NextStage);
    }
    // Editing the hostile note: the editor holds the text as stored, and the screen
    // still holds no control, bidi or zero-width character, nor a ghost cell.
    act(&mut backend, &mut app, Action::NextPane);
    act(&mut backend, &mut app, Action::Edit);
    assert!(app.retro.as_ref().unwrap().editor().is_some(), "the editor is open");
    clean_screen(&app, "note editor");
}
