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
    let mut cmd = Cli::command();
    cmd.set_bin_name("retro");
    cmd.build();
    shell.try_generate(&cmd, out)?;
    Ok(())
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
