use crate::cli::GenerateArgs;
use crate::domain::Timestamp;
use crate::synth;
use anyhow::{Context, Result};
use std::io::Write;

pub fn run(args: &GenerateArgs, now: Timestamp, out: &mut dyn Write) -> Result<()> {
    let start = now - (args.years * 365.25 * 86_400.0) as i64;
    let data = synth::uniform(args.seed, args.deployments, args.changes_per_deployment, start, now);
    data.write_csv(&args.out).with_context(|| format!("cannot write to {}", args.out.display()))?;
    writeln!(
        out,
        "Wrote {} deployments, {} changes and {} incidents to {}.",
        data.deployments.len(),
        data.changes.len(),
        data.incidents.len(),
        args.out.display()
    )?;
    Ok(())
}
