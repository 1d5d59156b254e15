//! Every screen draws at any terminal size, down to a single cell, without panicking:
//! people resize terminals mid-retro and split panes small.

use crate::common::now;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use retro::domain::Stage;
use retro::store::Store;
use retro::tui::Backend;
use retro::tui::app::App;
use retro::tui::keymap::Action;
use retro::tui::ui::{draw, theme::Theme};

fn draw_at_every_size(app: &App, what: &str) {
    for width in [0, 1, 2, 5, 10, 19, 33, 47, 61, 79] {
        for height in [0, 1, 2, 3, 5, 8, 13, 21] {
            let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
            let drawn = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                terminal.draw(|f| draw(f, app, &Theme::COLOR)).unwrap();
            }));
            assert!(drawn.is_ok(), "{what} panicked at {width}x{height}");
        }
    }
}

struct Run {
    backend: Backend,
    app: App,
}

impl Run {
    fn demo() -> Self {
        let mut store = Store::open_in_memory().unwrap();
        retro::demo::load(&mut store, now()).unwrap();
        let mut backend = Backend::new(store);
        let app = retro::tui::prepare(&mut backend, None, now()).unwrap();
        Run { backend, app }
    }

    fn act(&mut self, action: Action) -> &mut Self {
        if let Some(effect) = self.app.update(action) {
            retro::tui::apply_effect(&mut self.backend, &mut self.app, effect).unwrap();
        }
        self
    }
}

#[test]
fn dashboard_detail_and_help_draw_at_any_size() {
    let mut run = Run::demo();
    draw_at_every_size(&run.app, "dashboard");
    run.act(Action::Help);
    draw_at_every_size(&run.app, "help");
    run.act(Action::Help).act(Action::Open);
    draw_at_every_size(&run.app, "detail");
}

#[test]
fn every_retro_stage_and_overlay_draws_at_any_size() {
    let mut run = Run::demo();
    run.act(Action::StartRetro);
    for stage in Stage::ALL {
        draw_at_every_size(&run.app, stage.title());
        if stage == Stage::WhatsBlocking {
            run.act(Action::Add);
            draw_at_every_size(&run.app, "note editor");
            run.act(Action::Cancel);
        }
        if stage == Stage::DecideActions {
            run.act(Action::NewAction);
            draw_at_every_size(&run.app, "action form");
            run.act(Action::Cancel);
        }
        if stage == Stage::ReviewActions {
            run.act(Action::MarkDrop);
            draw_at_every_size(&run.app, "asked to drop an action");
            run.act(Action::Cancel);
        }
        if stage == Stage::Close {
            run.act(Action::Finish);
            draw_at_every_size(&run.app, "asked to close the retro");
            run.act(Action::Cancel);
            run.app.paste("pasted");
            draw_at_every_size(&run.app, "a notice");
            run.act(Action::Cancel);
        }
        run.act(Action::NextStage);
    }
    run.act(Action::Back).act(Action::StartRetro);
    draw_at_every_size(&run.app, "offered the unfinished retro");
    run.act(Action::NewRetro);
    draw_at_every_size(&run.app, "asked to close the unfinished retro");
}

#[test]
fn actions_list_and_detail_draw_at_any_size() {
    let mut run = Run::demo();
    run.act(Action::Actions);
    draw_at_every_size(&run.app, "actions list");
    run.act(Action::Open);
    draw_at_every_size(&run.app, "action detail");
}

#[test]
fn first_run_and_picker_draw_at_any_size() {
    let mut backend = Backend::new(Store::open_in_memory().unwrap());
    let app = retro::tui::prepare(&mut backend, None, now()).unwrap();
    draw_at_every_size(&app, "first run");
    let mut store = Store::open_in_memory().unwrap();
    store.add_team("a", Default::default()).unwrap();
    store.add_team("b", Default::default()).unwrap();
    let app = retro::tui::prepare(&mut Backend::new(store), None, now()).unwrap();
    draw_at_every_size(&app, "team picker");
}
