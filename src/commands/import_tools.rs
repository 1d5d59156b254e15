//! `retro import pagerduty|opsgenie|fourkeys`, and the column mapping of CSV imports.

use crate::cli::{ImportArgs, LinkIncidents};
use crate::domain::Team;
use crate::import::mapping::{self, MapEntry, Renamed};
use crate::import::tools::{
    self, Allowed, IncidentTool, ToolSummary, fourkeys, opsgenie,
    pagerduty::{self, PagerDutyFilter},
};
use crate::import::{Format, ImportKind, Input, read_file};
use crate::store::Store;
use crate::text::safe;
use anyhow::{Result, anyhow, bail};
use std::io::Write;

pub fn run(store: &mut Store, team: &Team, args: &ImportArgs, out: &mut dyn Write) -> Result<()> {
    let by_time = args.link_incidents == Some(LinkIncidents::ByTime);
    let file = args.file.display().to_string();
    let (summary, filter) = match args.kind {
        ImportKind::Pagerduty => {
            let format = args.format.or_else(|| Format::from_path(&args.file)).ok_or_else(|| {
                anyhow!("{file}: cannot tell the format from the file name; add --format csv or --format json")
            })?;
            let default = PagerDutyFilter::default();
            let filter = PagerDutyFilter {
                urgencies: Allowed::parse(&args.urgency, default.urgencies),
                priorities: Allowed::parse(&args.priority, default.priorities),
            };
            // Read as a stream from the file, with the header --map renamed if given.
            let original = Input::File(&args.file);
            let mapped = mapped_with(args, &file, format, pagerduty::csv_layout(), original)?;
            let input = mapped.as_ref().map_or(original, |m| m.input(&original));
            let read = |each: &mut dyn FnMut(_)| pagerduty::read(&file, input, format, &filter, each);
            let described =
                format!("--urgency {} --priority {}", filter.urgencies.describe(), filter.priorities.describe());
            (tools::import_incidents(store, team, IncidentTool::PagerDuty, by_time, read)?, described)
        }
        ImportKind::Opsgenie => {
            if !args.urgency.is_empty() {
                bail!("Opsgenie alerts have no urgency; choose them with --priority (default P1,P2)");
            }
            if args.format == Some(Format::Csv) {
                bail!("retro reads Opsgenie's Alert API JSON, not CSV");
            }
            let priorities = Allowed::parse(&args.priority, opsgenie::default_priorities());
            let input = Input::File(&args.file);
            let read = |each: &mut dyn FnMut(_)| opsgenie::read(&file, input, &priorities, each);
            let described = format!("--priority {}", priorities.describe());
            (tools::import_incidents(store, team, IncidentTool::Opsgenie, by_time, read)?, described)
        }
        ImportKind::Fourkeys => {
            if !args.urgency.is_empty() || !args.priority.is_empty() {
                bail!("--urgency and --priority apply to `retro import pagerduty` and `retro import opsgenie`");
            }
            if args.format.is_some() {
                bail!(
                    "--format applies to files; `retro import fourkeys` reads a folder and tells each table's format from its extension"
                );
            }
            let found = fourkeys::table_files(&args.file)?;
            let paths = found
                .each_ref()
                .map(|t| t.as_ref().map(|(name, format)| (name.as_str(), std::path::Path::new(name), *format)));
            let tables = paths
                .map(|t| t.map(|(name, path, format)| fourkeys::TableFile { name, input: Input::File(path), format }));
            (tools::import_four_keys(store, team, tables, by_time)?, String::new())
        }
        _ => unreachable!("only the tools' kinds come here"),
    };
    print(store, team, &file, &summary, &filter, out)
}

fn print(
    store: &Store,
    team: &Team,
    file: &str,
    summary: &ToolSummary,
    filter: &str,
    out: &mut dyn Write,
) -> Result<()> {
    if summary.left_out > 0 {
        writeln!(
            out,
            "Left out {} incident(s) outside {filter}: only those count as production failures.",
            summary.left_out
        )?;
    }
    for s in &summary.loaded {
        super::import::print_summary(file, team, s, out)?;
        if s.kind == ImportKind::Deployments && s.rows > 0 {
            super::import::print_no_kinds("Four Keys' deployments table", out)?;
        }
        if let Some(links) = s.time_links {
            writeln!(
                out,
                "Linked by time: {} incident(s) that name no deployment now point at the last production \
                 deployment of their service before they started; {} stayed unlinked (no such deployment).",
                links.linked, links.unlinked
            )?;
        }
    }
    let diagnostics = store.link_diagnostics(team)?;
    if diagnostics.incidents_without_production_deployment > 0 {
        let by_time = summary.loaded.iter().any(|s| s.time_links.is_some());
        writeln!(
            out,
            "Note: {} incident(s) name no production deployment as their cause, so they enter neither \
             change failure rate nor recovery time.{}",
            diagnostics.incidents_without_production_deployment,
            if by_time { "" } else { " Link them with --link-incidents by-time." }
        )?;
    }
    if diagnostics.incidents_before_their_deployment > 0 {
        writeln!(
            out,
            "Note: {} incident(s) started before the deployment they name, which cannot have caused them; \
             they enter neither change failure rate nor recovery time.",
            diagnostics.incidents_before_their_deployment
        )?;
    }
    Ok(())
}

/// The file's header renamed by `--map` and `--map-file`, when they are given and the
/// kind reads CSV columns; only the header is read, the records stay in the file.
pub(super) fn mapped(args: &ImportArgs, file: &str, format: Format, input: Input<'_>) -> Result<Option<Renamed>> {
    match mapping::layout_of(args.kind) {
        Some(layout) => mapped_with(args, file, format, layout, input),
        None => Ok(None),
    }
}

fn mapped_with(
    args: &ImportArgs,
    file: &str,
    format: Format,
    layout: &crate::import::mapping::Layout,
    input: Input<'_>,
) -> Result<Option<Renamed>> {
    let mut entries: Vec<MapEntry> = Vec::new();
    if let Some(path) = &args.map_file {
        let text = read_file(path)?;
        let name = path.display().to_string();
        let text = String::from_utf8(text).map_err(|_| anyhow!("{}: is not valid UTF-8 text", safe(&name)))?;
        entries.extend(mapping::parse_file(&name, &text)?);
    }
    for arg in &args.map {
        entries.push(mapping::parse_arg(arg)?);
    }
    if entries.is_empty() {
        return Ok(None);
    }
    if format != Format::Csv {
        bail!("--map and --map-file apply to CSV files; a JSON file's keys can be renamed before import (with jq)");
    }
    Ok(Some(mapping::rename(file, input, layout, &entries)?))
}
