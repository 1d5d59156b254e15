//! What each subcommand does: the binary's edge, where library errors become messages.

mod actions;
mod generate;
mod import;
mod import_devlake;
mod import_git;
mod import_options;
mod import_sources;
mod import_tools;
mod metrics;
mod retros;
mod shell;
mod signals;
mod teams;

use crate::cli::{Cli, Command};
use crate::domain::{Team, Timestamp, parse_timestamp};
use crate::store::{Found, Store, StoreError};
use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::PathBuf;

/// Runs one command line, writing its output to `out`.
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<()> {
    let Some(command) = &cli.command else {
        return open_tui(&cli, cli.demo);
    };
    match command {
        Command::Generate(args) => return generate::run(args, now(), out),
        Command::Demo => return open_tui(&cli, true),
        Command::Completions { shell } => return shell::completions(*shell, out),
        Command::Man { out: dir } => return shell::man(dir.as_deref(), out),
        _ => {}
    }
    // Only adding a team starts a store: every other command needs one, and creating it
    // would hide a mistyped --db behind "no team yet". A name no team can have is
    // refused first, so that a refusal leaves no new store behind.
    let purpose = if let Command::Teams(crate::cli::TeamsCommand::Add { name, .. }) = command {
        crate::store::valid_team_name(name)?;
        Purpose::Create
    } else if changes_the_store(command) || matches!(command, Command::Start(_)) {
        Purpose::Write
    } else {
        Purpose::Read
    };
    let store = open_store(&cli, purpose)?;
    let path = store.path().map(PathBuf::from);
    // A damaged page met halfway through a command is reported with the store's path.
    let result = run_on(&cli, command, store, out).map_err(|e| match (e.downcast::<StoreError>(), &path) {
        (Ok(e), Some(path)) => e.at(path).into(),
        (Ok(e), None) => e.into(),
        (Err(e), _) => e,
    });
    if result.is_ok() && cli.demo && changes_the_store(command) {
        eprintln!("retro: --demo works on an in-memory copy of the demo team: nothing was kept");
    }
    result
}

/// Whether a command writes to the store (rather than only reading it).
fn changes_the_store(command: &Command) -> bool {
    use crate::cli::{ActionsCommand, TeamsCommand};
    matches!(
        command,
        Command::Import(_)
            | Command::Teams(TeamsCommand::Add { .. })
            | Command::Actions(ActionsCommand::Add(_) | ActionsCommand::Update(_))
            | Command::Retros(crate::cli::RetrosCommand::Reopen { .. })
    )
}

fn run_on(cli: &Cli, command: &Command, mut store: Store, out: &mut dyn Write) -> Result<()> {
    match command {
        Command::Teams(cmd) => teams::run(&mut store, cmd, out),
        Command::Import(args) => {
            let team = select_team(&store, cli.team.as_deref())?;
            import::run(&mut store, &team, args, out)
        }
        Command::Metrics(args) => {
            let team = select_team(&store, cli.team.as_deref())?;
            metrics::run(&mut store, &team, args, out)
        }
        Command::Signals(args) => {
            let team = select_team(&store, cli.team.as_deref())?;
            signals::run(&store, &team, args, out)
        }
        Command::Start(args) => {
            let team = select_team(&store, cli.team.as_deref())?;
            retros::confirm_new(&store, &team, args)?;
            crate::tui::require_terminal()?;
            let id = retros::start(&mut store, &team, args, now())?;
            let mut backend = backend(cli, store)?;
            crate::tui::run(&mut backend, Some(team), Some(crate::tui::app::Effect::OpenRetro(id)), now)
        }
        Command::Retros(crate::cli::RetrosCommand::Reopen { retro }) => retros::reopen(&mut store, *retro, out),
        Command::Retros(crate::cli::RetrosCommand::List { format }) => {
            let team = select_team(&store, cli.team.as_deref())?;
            retros::list(&store, &team, *format, out)
        }
        Command::Actions(cmd) => {
            let team = select_team(&store, cli.team.as_deref())?;
            actions::run(&mut store, &team, cmd, now(), out)
        }
        Command::Export(args) => retros::export(&store, args, &catalogue()?, now(), out),
        Command::Demo => open_tui(cli, true),
        Command::Generate(_) | Command::Completions { .. } | Command::Man { .. } => unreachable!("handled above"),
    }
}

/// The terminal UI on the user's store (or the demo team's). A team named with `--team`
/// opens directly; otherwise the UI offers a picker or a first-run screen.
fn open_tui(cli: &Cli, demo: bool) -> Result<()> {
    // The first-run screen explains what to do in a new store, so the UI may start one.
    let store = if demo { demo_store()? } else { open_store(cli, Purpose::Create)? };
    let team = match &cli.team {
        Some(name) => Some(select_team(&store, Some(name))?),
        None => None,
    };
    let mut backend = backend(cli, store)?;
    crate::tui::run(&mut backend, team, None, now)
}

/// The prompt catalogue: `prompts.toml` in the config folder when there is one.
fn catalogue() -> Result<crate::retro::prompts::Catalogue> {
    let dirs = directories::ProjectDirs::from("", "", "retro");
    Ok(crate::retro::prompts::Catalogue::load(dirs.as_ref().map(|d| d.config_dir()))?)
}

/// What the terminal UI works against; exports go into the current folder.
fn backend(cli: &Cli, store: Store) -> Result<crate::tui::Backend> {
    Ok(crate::tui::Backend { catalogue: catalogue()?, command: command_for(cli), ..crate::tui::Backend::new(store) })
}

/// How to call retro again on the same store: with `--db` when it was named by the flag
/// (a store named by RETRO_DB is found again by the variable).
fn command_for(cli: &Cli) -> String {
    let from_env = std::env::var_os("RETRO_DB").map(PathBuf::from);
    match &cli.db {
        Some(path) if !cli.demo && from_env.as_ref() != Some(path) => {
            let path = path.display().to_string();
            let quoted =
                if path.contains([' ', '\'', '"']) { format!("'{}'", path.replace('\'', "'\\''")) } else { path };
            format!("retro --db {quoted}")
        }
        _ => "retro".into(),
    }
}

fn demo_store() -> Result<Store> {
    let mut store = Store::open_in_memory()?;
    crate::demo::load(&mut store, now()).context("cannot load the demo team")?;
    Ok(store)
}

/// What a command does with its store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// May start a new store (adding a team, the terminal UI's first-run screen).
    Create,
    /// Changes an existing store.
    Write,
    /// Only reads: a read-only store will do.
    Read,
}

/// The store named by `--db`, then `RETRO_DB`, then the platform data folder; or a fresh
/// in-memory store holding the demo team with `--demo`. A store that does not exist yet
/// (or is a zero-length file) is started only for [`Purpose::Create`].
pub fn open_store(cli: &Cli, purpose: Purpose) -> Result<Store> {
    if cli.demo {
        return demo_store();
    }
    let path = match &cli.db {
        Some(path) => path.clone(),
        None => default_db_path()?,
    };
    match (crate::store::inspect(&path)?, purpose) {
        (Found::Nothing, Purpose::Write | Purpose::Read) => bail!(
            "there is no retro store at {} yet: check the path, or start one by adding a team with \
             `retro teams add NAME` (or try everything on the demo team with `retro --demo`)",
            path.display()
        ),
        (Found::EmptyFile, Purpose::Write | Purpose::Read) => {
            return Err(StoreError::EmptyFile { path: path.display().to_string() }.into());
        }
        (Found::Nothing | Found::EmptyFile, Purpose::Create) => {
            let store = Store::open(&path)?;
            // Said out loud: a mistyped --db would otherwise quietly start an empty store.
            eprintln!("retro: starting a new store at {}", crate::text::safe(&path.display().to_string()));
            return Ok(store);
        }
        (Found::File, _) => {}
    }
    Ok(if purpose == Purpose::Read { Store::open_to_read(&path)? } else { Store::open(&path)? })
}

/// `retro.db` in the platform's data folder (for example ~/.local/share/retro on Linux).
pub fn default_db_path() -> Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "retro")
        .context("cannot find a home folder for the retro store; give one with --db PATH")?;
    Ok(dirs.data_dir().join("retro.db"))
}

/// The team named on the command line, or the only team of the store.
pub fn select_team(store: &Store, name: Option<&str>) -> Result<Team> {
    let teams = store.teams()?;
    let names = || teams.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", ");
    if let Some(name) = name {
        return match store.team_by_name(name)? {
            Some(team) => Ok(team),
            None if teams.is_empty() => {
                bail!("there is no team \"{name}\" yet: add it with `retro teams add {name}`")
            }
            None => bail!("there is no team \"{name}\"; teams in this store: {}", names()),
        };
    }
    match teams.as_slice() {
        [] => bail!(
            "this store has no team yet: add one with `retro teams add NAME`, then import its data \
             (or try everything on the demo team with `retro --demo`)"
        ),
        [team] => Ok(team.clone()),
        _ => bail!("this store has several teams ({}): choose one with --team NAME", names()),
    }
}

/// The current time; `RETRO_NOW` (RFC 3339) pins it, so that scripted runs and tests
/// see the same periods every day.
pub fn now() -> Timestamp {
    std::env::var("RETRO_NOW").ok().and_then(|s| parse_timestamp(&s)).unwrap_or_else(|| chrono::Utc::now().timestamp())
}

/// A step the user must agree to: asked as `question [y/N]` on a terminal, where only
/// "y" goes on; refused with `refusal` (which names the flag that says yes) when standard
/// input is not a terminal, and with `declined` when the answer is anything but yes.
pub(crate) fn confirm(question: &str, refusal: &str, declined: &str) -> Result<()> {
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() {
        anyhow::bail!("{refusal}");
    }
    eprint!("retro: {} [y/N] ", crate::text::safe(question));
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    if !matches!(answer.trim().to_lowercase().as_str(), "y" | "yes") {
        anyhow::bail!("{declined}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[test]
    fn screens_name_a_store_given_with_db() {
        let cli = |args: &[&str]| Cli::try_parse_from(args).unwrap();
        if std::env::var_os("RETRO_DB").is_none() {
            assert_eq!(command_for(&cli(&["retro", "--db", "team.db"])), "retro --db team.db");
            assert_eq!(command_for(&cli(&["retro", "--db", "my team's.db"])), "retro --db 'my team'\\''s.db'");
            assert_eq!(command_for(&cli(&["retro"])), "retro");
        }
        assert_eq!(command_for(&cli(&["retro", "--demo", "--db", "x.db"])), "retro");
    }
}
