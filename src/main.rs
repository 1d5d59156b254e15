use clap::Parser;
use retro::text::{SafeWriter, safe_lines};
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    // A panic's message may quote data; the default hook would print it raw.
    std::panic::set_hook(Box::new(|info| {
        let location = info.location().map(|l| l.to_string());
        eprintln!("{}", retro::text::panic_message(info.payload(), location));
    }));
    let cli = match retro::cli::Cli::try_parse() {
        Ok(cli) => cli,
        // Help and version hold no data; a usage error quotes the arguments, which may.
        Err(e) if !e.use_stderr() => e.exit(),
        Err(e) => {
            eprint!("{}", safe_lines(&e.render().to_string()));
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    // Not locked for the whole run: the TUI's signal thread must be able to restore the terminal.
    // Every line goes through the terminal guard, whatever a command forgot to make safe.
    let mut out = SafeWriter::new(std::io::stdout());
    match retro::commands::run(cli, &mut out).and_then(|()| Ok(out.flush()?)) {
        Ok(()) => ExitCode::SUCCESS,
        // `retro metrics | head` closes the pipe early: that is not an error.
        Err(e) if e.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) => {
            ExitCode::SUCCESS
        }
        Err(e) => {
            // Errors quote values from files and arguments: shown, never sent raw.
            eprintln!("retro: {}", safe_lines(&format!("{e:#}")));
            ExitCode::FAILURE
        }
    }
}
