use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = retro::cli::Cli::parse();
    // Not locked for the whole run: the TUI's signal thread must be able to restore the terminal.
    match retro::commands::run(cli, &mut std::io::stdout()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        // `retro metrics | head` closes the pipe early: that is not an error.
        Err(e) if e.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) => {
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("retro: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
