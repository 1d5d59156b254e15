//! Shell integration: completion scripts and manual pages, generated from the clap
//! definitions so they never drift from the commands (and never committed).

use crate::cli::Cli;
use anyhow::{Context, Result};
use clap::CommandFactory;
use clap_complete::Generator;
use std::io::Write;
use std::path::Path;

/// Writes the completion script for `shell` to `out`.
pub fn completions(shell: clap_complete::Shell, out: &mut dyn Write) -> Result<()> {
    // What `clap_complete::generate` does, but returning a write error (a closed pipe)
    // instead of panicking on it.
    let mut cmd = visible(&Cli::command());
    cmd.set_bin_name("retro");
    cmd.build();
    shell.try_generate(&cmd, out)?;
    Ok(())
}

/// `cmd` without its hidden subcommands and arguments: clap_complete offers everything
/// it is given (unlike clap_mangen), and clap has no way to remove a subcommand, so the
/// tree is rebuilt from the parts a user is meant to see.
fn visible(cmd: &clap::Command) -> clap::Command {
    let mut out = clap::Command::new(cmd.get_name().to_string())
        .args(cmd.get_arguments().filter(|a| !a.is_hide_set()).cloned())
        .subcommands(cmd.get_subcommands().filter(|c| !c.is_hide_set()).map(visible))
        .visible_aliases(cmd.get_visible_aliases().map(str::to_string).collect::<Vec<_>>());
    if let Some(about) = cmd.get_about() {
        out = out.about(about.clone());
    }
    if let Some(version) = cmd.get_version() {
        out = out.version(version.to_string());
    }
    out
}

/// Writes the manual page of `retro` to `out`, or with `dir`, `retro.1` and a page per
/// command into that folder.
pub fn man(dir: Option<&Path>, out: &mut dyn Write) -> Result<()> {
    let Some(dir) = dir else {
        clap_mangen::Man::new(Cli::command()).render(out)?;
        return Ok(());
    };
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create the folder {}", dir.display()))?;
    clap_mangen::generate_to(Cli::command(), dir)
        .with_context(|| format!("cannot write the manual pages into {}", dir.display()))?;
    writeln!(
        out,
        "Wrote retro.1 and a page for each command into {}; read them with `man -l {}`.",
        dir.display(),
        dir.join("retro.1").display()
    )?;
    Ok(())
}
