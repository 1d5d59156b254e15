//! `retro signals`: the patterns in the team's metrics worth a conversation.

use crate::cli::{ListFormat, SignalsArgs};
use crate::domain::{Granularity, Period, Team};
use crate::metrics::signals::IntendedChange;
use crate::query::SignalTable;
use crate::report::{signals_to_json, write_signals};
use crate::store::Store;
use anyhow::{Result, bail};
use std::io::Write;

pub fn run(store: &Store, team: &Team, args: &SignalsArgs, out: &mut dyn Write) -> Result<()> {
    let granularity = args.period.unwrap_or_default();
    // A year by default: long enough for a rise, its baseline and what followed.
    let count = args.last.unwrap_or(match granularity {
        Granularity::Week => 52,
        Granularity::Month => 12,
    });
    if count == 0 {
        bail!("--last needs at least 1 period");
    }
    let now = super::now();
    let periods: Vec<Period> =
        Period::last_n(now, count, granularity, team.utc_offset).into_iter().map(|p| p.until(now)).collect();
    // What the team's actions expected: a worsening an action chose is shown as intended.
    let intended: Vec<IntendedChange> = store.actions(team)?.iter().map(IntendedChange::from_action).collect();
    let table = SignalTable::load(store, team, &periods, &intended)?;
    match args.format {
        ListFormat::Table => write_signals(&table, out)?,
        ListFormat::Json => writeln!(out, "{}", crate::text::json_pretty(&signals_to_json(&table))?)?,
    }
    Ok(())
}
