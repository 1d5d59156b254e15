//! Helpers the terminal UI tests share: drawing the app into a test buffer, and pressing
//! keys the way the event loop does.
#![allow(dead_code)] // each test file uses its own part

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
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

/// The app driven by key events, the way the event loop drives it: through the keymap
/// and the app's rules, never by sending actions directly.
pub struct Tui {
    pub backend: Backend,
    pub app: App,
    /// Where exports go: the app writes them to the current folder by design, which for
    /// a test is the repository.
    pub exports: tempfile::TempDir,
}

impl Tui {
    /// The app over `backend`, prepared as the event loop prepares it, exporting into
    /// [`Tui::exports`] (a test that wants them elsewhere sets `backend.export_dir` after).
    pub fn new(mut backend: Backend) -> Self {
        let exports = tempfile::tempdir().unwrap();
        backend.export_dir = exports.path().to_path_buf();
        let app = retro::tui::prepare(&mut backend, None, now()).unwrap();
        Tui { backend, app, exports }
    }

    /// The demo team's dashboard.
    pub fn demo() -> Self {
        let mut store = retro::store::Store::open_in_memory().unwrap();
        retro::demo::load(&mut store, now()).unwrap();
        Self::new(Backend::new(store))
    }

    /// The files exported so far, by name.
    pub fn exported(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.exports.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// The demo team's dashboard, then `r`: a new retro over the default window.
    pub fn demo_retro() -> Self {
        let mut tui = Self::demo();
        tui.keys("r");
        assert_eq!(tui.app.screen, retro::tui::app::Screen::Retro);
        tui
    }

    pub fn event(&mut self, event: KeyEvent) {
        if let Some(effect) = self.app.key(event) {
            retro::tui::apply_effect(&mut self.backend, &mut self.app, effect).unwrap();
        }
    }

    pub fn press(&mut self, code: KeyCode) {
        self.event(KeyEvent::new(code, KeyModifiers::NONE));
    }

    pub fn ctrl(&mut self, c: char) {
        self.event(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
    }

    /// Each character of `text` pressed as a key.
    pub fn keys(&mut self, text: &str) {
        for c in text.chars() {
            self.press(KeyCode::Char(c));
        }
    }

    /// Text pasted into the terminal (a bracketed paste).
    pub fn paste(&mut self, text: &str) {
        self.app.paste(text);
    }

    pub fn retro(&self) -> &retro::tui::retro::RetroScreen {
        self.app.retro.as_ref().expect("a retro is open")
    }

    pub fn stage(&self) -> retro::domain::Stage {
        self.retro().flow.stage()
    }

    /// `]` until the retro is at `stage`.
    pub fn go_to(&mut self, stage: retro::domain::Stage) {
        while self.stage() < stage {
            self.keys("]");
        }
    }

    pub fn screen(&self) -> String {
        render(&self.app, 80, 24)
    }
}

/// The `retro` binary run in `dir`, cut off from the caller's environment: no store or
/// team from it, the test clock, and a home and data folder inside `dir`.
pub fn retro_in(dir: &std::path::Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("retro");
    cmd.current_dir(dir)
        .env_remove("RETRO_DB")
        .env_remove("RETRO_TEAM")
        .env("RETRO_NOW", NOW)
        .env("HOME", dir.join("home"))
        .env("XDG_DATA_HOME", dir.join("home/.local/share"));
    cmd
}

/// Whether a test whose outside tool (git, tmux) is missing must fail rather than skip:
/// in CI (`CI` set, as CI services do), or when `var` (`RETRO_REQUIRE_GIT`,
/// `RETRO_REQUIRE_TMUX`) is set.
pub fn tool_required(var: &str) -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty()) || std::env::var_os(var).is_some()
}
