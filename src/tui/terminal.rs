//! Entering and leaving the terminal's raw, full-screen mode with bracketed paste (so a
//! paste arrives as text, never as key presses), and making sure all of it is left on
//! every way out: normal exit, error (the guard's Drop), panic (the hook),
//! and SIGTERM / SIGHUP (a signal thread restores it and ends the process).

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::cursor::Show;
use ratatui::crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
use std::io::{self, Stdout, stdout};

pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// Owns the terminal while the app runs; dropping it restores the terminal.
pub struct TerminalGuard {
    pub terminal: Term,
}

impl TerminalGuard {
    pub fn enter() -> io::Result<Self> {
        chain_panic_hook(restore);
        enable_raw_mode()?;
        let mut guard = TerminalGuard { terminal: Terminal::new(CrosstermBackend::new(stdout()))? };
        execute!(guard.terminal.backend_mut(), EnterAlternateScreen, EnableBracketedPaste)?;
        guard.terminal.clear()?;
        Ok(guard)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Leaves raw mode, bracketed paste and the alternate screen and shows the cursor.
/// Errors are ignored: this runs on the way out, possibly with the terminal already gone.
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(stdout(), DisableBracketedPaste, LeaveAlternateScreen, Show);
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

/// Ends the process on SIGTERM, SIGHUP (the terminal window closed), or an INT or QUIT
/// sent from outside (raw mode keeps Ctrl-C a key), restoring the
/// terminal first. It runs on its own thread because on a vanished terminal the event
/// loop may never get back from waiting for a key. Everything confirmed is already
/// committed to the store, so ending here loses nothing.
pub fn exit_on_termination_signals() -> io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT, SIGQUIT])?;
    std::thread::Builder::new().name("signals".into()).spawn(move || {
        if let Some(signal) = signals.forever().next() {
            restore();
            std::process::exit(128 + signal);
        }
    })?;
    Ok(())
}
