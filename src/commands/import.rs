use crate::cli::ImportArgs;
use crate::cli::LinkIncidents;
use crate::domain::{Period, Team, Timestamp};
use crate::import::{Format, ImportKind, ImportSummary, Input, import_input, some_names};
use crate::store::Store;
use crate::text::safe;
use anyhow::{Result, anyhow, bail};
use std::io::Write;

pub fn run(store: &mut Store, team: &Team, args: &ImportArgs, out: &mut dyn Write) -> Result<()> {
    super::import_options::check(args)?;
    if args.kind == ImportKind::Devlake {
        return super::import_devlake::run(store, team, args, out);
    }
    if matches!(args.kind, ImportKind::Pagerduty | ImportKind::Opsgenie | ImportKind::Fourkeys) {
        return covering(store, team, args, |s| super::import_tools::run(s, team, args, out));
    }
    if super::import_sources::reads(args.kind) {
        return covering(store, team, args, |s| super::import_sources::run(s, team, args, out));
    }
    if args.kind == ImportKind::Git {
        return super::import_git::run(store, team, args, out);
    }
    let file = args.file.display().to_string();
    let format = args.format.or_else(|| Format::from_path(&args.file)).ok_or_else(|| {
        anyhow!("{file}: cannot tell the format from the file name; add --format csv or --format json")
    })?;
    let by_time = args.link_incidents == Some(LinkIncidents::ByTime);
    // Streamed from the file, so a big file is never held in memory whole, with the
    // header --map renamed if given.
    let original = Input::File(&args.file);
    let mapped = super::import_tools::mapped(args, &file, format, original)?;
    let input = mapped.as_ref().map_or(original, |m| m.input(&original));
    let import = |s: &mut Store| import_input(s, team, args.kind, &file, input, format, by_time);
    let summary = covering(store, team, args, import)?;
    print_summary(&file, team, &summary, out)?;
    if let Some(links) = summary.time_links {
        writeln!(
            out,
            "Linked by time: {} incident(s) that name no deployment now point at the last production deployment \
             of their service before they started; {} stayed unlinked (no such deployment).",
            links.linked, links.unlinked
        )?;
    }
    // Notes about links, after the imports that can change them.
    let diagnostics = store.link_diagnostics(team)?;
    let (incidents, changes) = match args.kind {
        ImportKind::Deployments => (true, true),
        ImportKind::Changes => (false, true),
        ImportKind::Incidents => (true, false),
        ImportKind::Pagerduty | ImportKind::Opsgenie | ImportKind::Fourkeys => (true, true),
        _ => (false, false),
    };
    if incidents && diagnostics.incidents_without_production_deployment > 0 {
        writeln!(
            out,
            "Note: {} incident(s) name no production deployment as their cause, so they enter neither \
             change failure rate nor recovery time. Add a deployment_id to link them.",
            diagnostics.incidents_without_production_deployment
        )?;
    }
    if incidents && diagnostics.incidents_before_their_deployment > 0 {
        writeln!(
            out,
            "Note: {} incident(s) started before the deployment they name, which cannot have caused them; \
             they enter neither change failure rate nor recovery time.",
            diagnostics.incidents_before_their_deployment
        )?;
    }
    if changes && diagnostics.changes_naming_unknown_deployments > 0 {
        writeln!(
            out,
            "Note: {} change(s) name a deployment retro has not seen; they count once that deployment is imported.",
            diagnostics.changes_naming_unknown_deployments
        )?;
    }
    if changes && diagnostics.changes_with_unusable_deployment > 0 {
        writeln!(
            out,
            "Note: {} change(s) name a deployment that is not in production or happened before the commit; \
             they stay out of lead time.",
            diagnostics.changes_with_unusable_deployment
        )?;
    }
    Ok(())
}

/// Runs `import` with the span of `--covers`, when given, declared for every load in it.
pub(super) fn covering<T, E: Into<anyhow::Error>>(
    store: &mut Store,
    team: &Team,
    args: &ImportArgs,
    import: impl FnOnce(&mut Store) -> Result<T, E>,
) -> Result<T> {
    match declared_coverage(team, args)? {
        Some((first, last)) => store.declaring_coverage(first, last, import),
        None => import(store),
    }
    .map_err(Into::into)
}

/// `--covers FROM..TO` as instants: from FROM's midnight to the last second of TO, in the
/// team's offset. Changes follow their deployments and metric values name their periods,
/// so neither takes it.
pub(super) fn declared_coverage(team: &Team, args: &ImportArgs) -> Result<Option<(Timestamp, Timestamp)>> {
    let Some((from, to)) = args.covers else {
        return Ok(None);
    };
    if matches!(args.kind, ImportKind::Changes | ImportKind::Metrics | ImportKind::GitlabDora) {
        bail!(
            "--covers applies to deployments, incidents and git imports: changes are covered where their \
             deployments are, and metric values name their own periods"
        );
    }
    let span = Period::window(from, to, team.utc_offset);
    Ok(Some((span.start, span.end - 1)))
}

/// Deployments stored but outside production, by environment: said once per import of
/// deployments, from a file or an API.
pub(super) fn print_other_environments(
    environments: &std::collections::BTreeMap<String, usize>,
    out: &mut dyn Write,
) -> Result<()> {
    if !environments.is_empty() {
        let envs: Vec<String> = environments.iter().map(|(env, n)| format!("{}: {n}", safe(env))).collect();
        writeln!(
            out,
            "{} deployment(s) are outside production ({}); only environment \"production\" (or empty) \
             enters the metrics.",
            environments.values().sum::<usize>(),
            envs.join(", ")
        )?;
    }
    Ok(())
}

/// Says that `source` (what imported deployments, and why it has no kinds: "The file has
/// no kind column, so it") does not tell rework from planned deployments.
pub(super) fn print_no_kinds(source: &str, out: &mut dyn Write) -> Result<()> {
    writeln!(
        out,
        "{source} does not say which deployments were hotfixes, rollbacks or fixes forward: the weeks imported \
         here have no rework rate unless another import gave their kinds."
    )?;
    Ok(())
}

pub(super) fn print_summary(file: &str, team: &Team, s: &ImportSummary, out: &mut dyn Write) -> Result<()> {
    // Column names, environments and the file name come from outside: shown, never sent raw.
    let list = |names: &[String]| safe(&some_names(names)).into_owned();
    let file = safe(file);
    if !s.person_columns.is_empty() {
        writeln!(
            out,
            "Ignored column(s) {}: they identify people, and retro keeps team-level data only.",
            list(&s.person_columns)
        )?;
    }
    if !s.unused_columns.is_empty() {
        writeln!(out, "Ignored column(s) retro does not use: {}.", list(&s.unused_columns))?;
    }
    // A stored deployment keeps its kind when the file has none: it says nothing of rework.
    let defaulted: Vec<String> = s
        .absent_columns
        .iter()
        .filter(|c| !(s.kind == ImportKind::Deployments && c.as_str() == "kind"))
        .cloned()
        .collect();
    if s.report.updated > 0 && !defaulted.is_empty() {
        writeln!(
            out,
            "Note: the file has no column(s) {}, so the {} updated row(s) took their defaults there \
             (see docs/import.md). Include those columns to keep the values stored before.",
            list(&defaulted),
            s.report.updated
        )?;
    }
    if s.kind == ImportKind::Deployments && s.rows > 0 && s.absent_columns.iter().any(|c| c == "kind") {
        print_no_kinds("The file has no kind column, so it", out)?;
    }
    print_other_environments(&s.other_environments, out)?;
    writeln!(
        out,
        "Imported {} {} from {file} for team {}: {} new, {} updated, {} unchanged.",
        s.rows,
        s.kind.as_str(),
        safe(&team.name),
        s.report.inserted,
        s.report.updated,
        s.report.unchanged
    )?;
    Ok(())
}
