//! Helpers the terminal UI tests share: drawing the app into a test buffer, and pressing
//! keys the way the event loop does.
#![allow(dead_code)] // each test file uses its own part

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use retro::tui::Backend;
use retro::tui::app::App;
use retro::tui::keymap::Action;
use retro::tui::ui::{draw, theme::Theme};

/// The screen as text, `width` by `height`, without colour and without trailing spaces.
pub fn render(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| draw(f, app, &Theme::PLAIN)).unwrap();
    let buffer = terminal.backend().buffer();
    (0..height)
        .map(|y| (0..width).map(|x| buffer[(x, y)].symbol()).collect::<String>().trim_end().to_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Each action in turn, carrying out what it asks of the store.
pub fn press(backend: &mut Backend, app: &mut App, actions: &[Action]) {
    for &a in actions {
        if let Some(effect) = app.update(a) {
            retro::tui::apply_effect(backend, app, effect).unwrap();
        }
    }
}

/// The instant every test treats as "now", so dates in fixtures and snapshots stay put.
pub const NOW: &str = "2026-11-26T12:00:00Z";

/// [`NOW`] as a timestamp.
pub fn now() -> retro::domain::Timestamp {
    retro::domain::parse_timestamp(NOW).unwrap()
}

/// Whether a test whose outside tool (git, tmux) is missing must fail rather than skip:
/// in CI (`CI` set, as CI services do), or when `var` (`RETRO_REQUIRE_GIT`,
/// `RETRO_REQUIRE_TMUX`) is set.
pub fn tool_required(var: &str) -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty()) || std::env::var_os(var).is_some()
}
