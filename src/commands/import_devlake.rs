//! `retro import devlake URL --project NAME`: a project from DevLake's database.

use crate::cli::ImportArgs;
use crate::domain::Team;
use crate::import::devlake::{DevlakeSummary, PERSON_FIELDS, import_project};
use crate::store::Store;
use anyhow::{Result, bail};
use std::io::Write;

pub fn run(store: &mut Store, team: &Team, args: &ImportArgs, out: &mut dyn Write) -> Result<()> {
    let Some(project) = args.project.as_deref() else {
        bail!("`retro import devlake` needs --project NAME: the DevLake project to import");
    };
    // The URL is a path argument only by clap's shape: read it back as given.
    let url = args.file.to_string_lossy();
    let summary = super::import::covering(store, team, args, |s| import_project(s, team, &url, project))?;
    print_summary(team, &summary, out)?;
    let diagnostics = store.link_diagnostics(team)?;
    if diagnostics.incidents_without_production_deployment > 0 {
        writeln!(
            out,
            "Note: {} incident(s) name no production deployment as their cause, so they enter neither \
             change failure rate nor recovery time.",
            diagnostics.incidents_without_production_deployment
        )?;
    }
    Ok(())
}

fn print_summary(team: &Team, s: &DevlakeSummary, out: &mut dyn Write) -> Result<()> {
    writeln!(
        out,
        "Person fields ({}) are never read from DevLake: retro keeps team-level data only.",
        PERSON_FIELDS.join(", ")
    )?;
    let what = if s.incremental { "rows written since the last import" } else { "all rows" };
    writeln!(
        out,
        "Imported project {} from {} ({what}) for team {}: {} deployment(s), {} change(s), {} incident(s) \
         ({} linked to a deployment).",
        s.project, s.database, team.name, s.deployments, s.changes, s.incidents, s.linked_incidents
    )?;
    let r =
        |l: &crate::store::LoadReport| format!("{} new, {} updated, {} unchanged", l.inserted, l.updated, l.unchanged);
    writeln!(
        out,
        "Deployments: {}. Changes: {}. Incidents: {}.",
        r(&s.deployment_report),
        r(&s.change_report),
        r(&s.incident_report)
    )?;
    if s.deployments > 0 {
        super::import::print_no_kinds("DevLake's domain layer", out)?;
    }
    if !s.other_environments.is_empty() {
        let envs: Vec<String> = s.other_environments.iter().map(|(env, n)| format!("{env}: {n}")).collect();
        writeln!(
            out,
            "{} deployment(s) are outside PRODUCTION ({}); they enter no metric.",
            s.other_environments.values().sum::<usize>(),
            envs.join(", ")
        )?;
    }
    if s.without_result > 0 {
        writeln!(
            out,
            "Skipped {} deployment(s) with no result yet (running, or neither SUCCESS nor FAILURE); a later \
             import reads them once DevLake gives them one.",
            s.without_result
        )?;
    }
    if s.commits_without_time > 0 {
        writeln!(
            out,
            "Skipped {} shipped commit(s) that DevLake's commits table has no time for; they stay out of lead time.",
            s.commits_without_time
        )?;
    }
    if s.waiting_for_diffs > 0 {
        writeln!(
            out,
            "Note: {} production deployment(s) wait for DevLake's refdiff plugin to list the commits they \
             shipped (commits_diffs); their changes arrive with a later import.",
            s.waiting_for_diffs
        )?;
    }
    if s.shipped_again > 0 {
        writeln!(
            out,
            "{} commit(s) were shipped by more than one production deployment; each counts once, with the first.",
            s.shipped_again
        )?;
    }
    Ok(())
}
