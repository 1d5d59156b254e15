//! `retro start`, `retro retros list` and `retro export`.

use crate::cli::{ExportArgs, ExportFormat, ListFormat, StartArgs};
use crate::domain::{Period, RetroId, Team, Timestamp};
use crate::retro::prompts::Catalogue;
use crate::retro::session;
use crate::store::Store;
use anyhow::{Context, Result, bail};
use std::io::Write;

/// `retro start --new` closes the team's unfinished retro as it stands: that needs
/// `--yes`, or a "y" typed at the question when standard input is a terminal.
pub fn confirm_new(store: &Store, team: &Team, args: &StartArgs) -> Result<()> {
    let Some(old) = session::unfinished(store, team)?.filter(|_| args.new && !args.yes) else {
        return Ok(());
    };
    let what = format!(
        "retro {} ({} – {}, at: {}) is not finished",
        old.id.0,
        old.window.first_day(),
        old.window.last_day(),
        old.stage.title()
    );
    super::confirm(
        &format!("{what}. Close it as it stands and start a new one?"),
        &format!(
            "{what}; `retro start --new` would close it as it stands. Add --yes to do that, or resume it with \
             `retro start`"
        ),
        &format!("nothing changed: {what} (resume it with `retro start`)"),
    )
}

/// `retro retros reopen N`: retro N is unfinished again, everything in it kept.
pub fn reopen(store: &mut Store, id: i64, out: &mut dyn Write) -> Result<()> {
    let retro = store.retro(RetroId(id))?.ok_or(crate::store::StoreError::NoSuchRetro(id))?;
    let window = format!("{} – {}", retro.window.first_day(), retro.window.last_day());
    if retro.finished_at.is_none() {
        writeln!(out, "Retro {id} ({window}) is not closed: nothing to reopen.")?;
        return Ok(());
    }
    store.reopen_retro(retro.id)?;
    writeln!(out, "Reopened retro {id} ({window}): `retro start` resumes it at its close stage.")?;
    Ok(())
}

/// The retro `retro start` opens: the unfinished one, or a new one over the window.
pub fn start(store: &mut Store, team: &Team, args: &StartArgs, now: Timestamp) -> Result<RetroId> {
    if !args.new
        && let Some(unfinished) = session::unfinished(store, team)?
    {
        if args.from.is_some() || args.to.is_some() {
            bail!(
                "retro {} is not finished yet; resume it with `retro start`, or start another with `retro start --new`",
                unfinished.id.0
            );
        }
        return Ok(unfinished.id);
    }
    let default = session::default_window(store, team, now)?;
    let first = args.from.unwrap_or_else(|| default.first_day());
    let last = args.to.unwrap_or_else(|| default.last_day());
    if first > last {
        bail!("--from {first} is after --to {last}");
    }
    let window = Period::window(first, last, team.utc_offset);
    let (retro, closed) = session::start_new(store, team, &window, now)?;
    if let Some(old) = closed {
        eprintln!("retro: closed retro {} as it stood (its notes are kept: retro export {})", old.id.0, old.id.0);
    }
    Ok(retro.id)
}

/// Version of `retro retros list --format json` (docs/retro.md); bumped on any change
/// that could break a consumer.
pub const RETROS_SCHEMA: &str = "retro.retros/1";

pub fn list(store: &Store, team: &Team, format: ListFormat, out: &mut dyn Write) -> Result<()> {
    let retros = store.retros(team)?;
    let actions = store.actions(team)?;
    let rows: Vec<serde_json::Value> = retros
        .iter()
        .map(|r| {
            let notes = store.notes(r.id)?.len();
            Ok(serde_json::json!({
                "id": r.id.0,
                "from": r.window.first_day().to_string(),
                "to": r.window.last_day().to_string(),
                "stage": r.stage.as_str(),
                "finished": r.finished_at.is_some(),
                "notes": notes,
                "actions": actions.iter().filter(|a| a.retro == Some(r.id)).count(),
            }))
        })
        .collect::<Result<_>>()?;
    match format {
        ListFormat::Json => {
            let doc = serde_json::json!({ "schema": RETROS_SCHEMA, "team": team.name, "retros": rows });
            writeln!(out, "{}", crate::text::json_pretty(&doc)?)?
        }
        ListFormat::Table if rows.is_empty() => {
            writeln!(out, "No retros yet for {}. Start one with `retro start`.", crate::text::safe(&team.name))?
        }
        ListFormat::Table => {
            writeln!(out, "{:>4}  {:<23}  {:<20}  {:>5}  {:>7}", "id", "window", "stage", "notes", "actions")?;
            for (r, row) in retros.iter().zip(&rows) {
                let stage = if r.finished_at.is_some() { "finished".to_owned() } else { r.stage.title().to_owned() };
                writeln!(
                    out,
                    "{:>4}  {:<23}  {:<20}  {:>5}  {:>7}",
                    r.id.0,
                    format!("{} – {}", row["from"].as_str().unwrap_or(""), row["to"].as_str().unwrap_or("")),
                    stage,
                    row["notes"].as_u64().unwrap_or(0),
                    row["actions"].as_u64().unwrap_or(0)
                )?;
            }
        }
    }
    Ok(())
}

pub fn export(
    store: &Store,
    args: &ExportArgs,
    catalogue: &Catalogue,
    now: Timestamp,
    out: &mut dyn Write,
) -> Result<()> {
    let flow = session::open(store, RetroId(args.retro), catalogue, now)?;
    let summary = crate::export::summary(&flow);
    let text = match args.format {
        ExportFormat::Md => crate::export::markdown(&summary),
        ExportFormat::Json => format!("{}\n", crate::text::json_pretty(&crate::export::json(&summary))?),
    };
    match &args.output {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
            writeln!(
                out,
                "Wrote the summary of retro {} to {}.",
                args.retro,
                crate::text::safe(&path.display().to_string())
            )?;
        }
        None => out.write_all(text.as_bytes())?,
    }
    Ok(())
}
