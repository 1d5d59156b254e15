//! Entering and leaving the terminal's raw, full-screen mode, and making sure it is
//! left on every way out: normal exit, error (the guard's Drop), panic (the hook),
//! and SIGTERM / SIGHUP (the event loop watches a flag and returns normally).

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::cursor::Show;
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
use std::io::{self, Stdout, stdout};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// Owns the terminal while the app runs; dropping it restores the terminal.
pub struct TerminalGuard {
    pub terminal: Term,
}

impl TerminalGuard {
    pub fn enter() -> io::Result<Self> {
        chain_panic_hook(restore);
        enable_raw_mode()?;
        let mut guard = TerminalGuard {
            terminal: Terminal::new(CrosstermBackend::new(stdout()))?,
        };
        execute!(guard.terminal.backend_mut(), EnterAlternateScreen)?;
        guard.terminal.clear()?;
        Ok(guard)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Leaves raw mode and the alternate screen and shows the cursor. Errors are ignored:
/// this runs on the way out, possibly with the terminal already gone.
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(stdout(), LeaveAlternateScreen, Show);
}

/// Runs `restore` before the panic message is printed, so the message lands on a
/// usable terminal, then the previous hook (which prints it).
pub fn chain_panic_hook(restore: impl Fn() + Send + Sync + 'static) {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}

/// A flag raised by SIGTERM or SIGHUP (closing the terminal window), which the event
/// loop checks between events so it can restore the terminal and return.
pub fn termination_flag() -> io::Result<Arc<AtomicBool>> {
    let flag = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP] {
        signal_hook::flag::register(signal, Arc::clone(&flag))?;
    }
    Ok(flag)
}
