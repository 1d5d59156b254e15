use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = retro::cli::Cli::parse();
    match retro::commands::run(cli, &mut std::io::stdout().lock()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("retro: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
