//! `retro import github-deployments|github-runs|gitlab-deployments|gitlab-dora FILE`:
//! what GitHub's and GitLab's APIs return, saved as JSON.

use crate::cli::ImportArgs;
use crate::domain::Team;
use crate::import::sources::gitlab::{self, ParsedDora};
use crate::import::sources::{self, Api, ChangesFrom, SourceSummary};
use crate::import::{Format, ImportKind, Input};
use crate::store::Store;
use crate::text::safe;
use anyhow::{Result, bail};
use std::io::Write;

/// Whether `kind` is read here.
pub fn reads(kind: ImportKind) -> bool {
    matches!(
        kind,
        ImportKind::GithubDeployments | ImportKind::GithubRuns | ImportKind::GitlabDeployments | ImportKind::GitlabDora
    )
}

pub fn run(store: &mut Store, team: &Team, args: &ImportArgs, out: &mut dyn Write) -> Result<()> {
    check_flags(args)?;
    let file = args.file.display().to_string();
    // Read as a stream from the files: never held whole.
    let input = Input::File(&args.file);
    let statuses = args.statuses.as_ref().map(|path| (path.display().to_string(), path));
    let api = match args.kind {
        ImportKind::GithubDeployments => Api::GithubDeployments {
            statuses: statuses.as_ref().map(|(name, path)| (name.as_str(), Input::File(path))),
        },
        ImportKind::GithubRuns => Api::GithubRuns { workflow: args.workflow.as_deref().unwrap_or_default() },
        ImportKind::GitlabDeployments => Api::GitlabDeployments,
        _ => {
            let parsed = gitlab::parse_dora(&file, input, args.metric)?;
            let report = gitlab::load_dora(store, team, &parsed)?;
            return print_dora(&file, team, &parsed, report, out);
        }
    };
    let summary = sources::import(store, team, &file, input, api, args.repo.as_deref())?;
    print_summary(&file, team, args, &summary, out)?;
    print_link_notes(store, team, out)
}

/// The notes `retro import deployments` ends with, about what the new deployments link.
fn print_link_notes(store: &Store, team: &Team, out: &mut dyn Write) -> Result<()> {
    let d = store.link_diagnostics(team)?;
    if d.changes_with_unusable_deployment > 0 {
        writeln!(
            out,
            "Note: {} change(s) name a deployment that is not in production or happened before the commit; \
             they stay out of lead time.",
            d.changes_with_unusable_deployment
        )?;
    }
    if d.incidents_without_production_deployment > 0 {
        writeln!(
            out,
            "Note: {} incident(s) name no production deployment as their cause, so they enter neither \
             change failure rate nor recovery time. Add a deployment_id to link them.",
            d.incidents_without_production_deployment
        )?;
    }
    Ok(())
}

fn check_flags(args: &ImportArgs) -> Result<()> {
    if args.format == Some(Format::Csv) {
        bail!("the GitHub and GitLab imports read the APIs' JSON; --format csv does not apply");
    }
    let kind = args.kind;
    if args.statuses.is_some() && kind != ImportKind::GithubDeployments {
        bail!("--statuses applies to `retro import github-deployments` only");
    }
    match (&args.workflow, kind) {
        (None, ImportKind::GithubRuns) => {
            bail!("`retro import github-runs` needs --workflow NAME|PATH: the workflow whose runs are deployments")
        }
        (Some(w), ImportKind::GithubRuns) if w.trim().is_empty() => bail!("--workflow needs a name or a path"),
        (Some(_), k) if k != ImportKind::GithubRuns => bail!("--workflow applies to `retro import github-runs` only"),
        _ => {}
    }
    if args.repo.is_some() && kind == ImportKind::GitlabDora {
        bail!("--repo applies to the deployment imports; DORA values have no commits");
    }
    if args.metric.is_some() && kind != ImportKind::GitlabDora {
        bail!("--metric applies to `retro import gitlab-dora` only");
    }
    Ok(())
}

fn print_people(fields: &[String], out: &mut dyn Write) -> Result<()> {
    if !fields.is_empty() {
        let list: Vec<String> = fields.iter().map(|f| safe(f).into_owned()).collect();
        writeln!(
            out,
            "Dropped field(s) {}: they identify people, and retro keeps team-level data only.",
            list.join(", ")
        )?;
    }
    Ok(())
}

fn print_summary(file: &str, team: &Team, args: &ImportArgs, s: &SourceSummary, out: &mut dyn Write) -> Result<()> {
    let file = safe(file);
    print_people(&s.person_fields, out)?;
    if !s.left_out.is_empty() {
        let reasons: Vec<String> = s.left_out.iter().map(|(why, n)| format!("{}: {n}", safe(why))).collect();
        writeln!(
            out,
            "Left out {} record(s) that did not reach an environment ({}).",
            s.left_out.values().sum::<usize>(),
            reasons.join(", ")
        )?;
    }
    if s.unmatched_statuses > 0 {
        writeln!(
            out,
            "Note: {} status(es) name a deployment {file} does not hold; they were ignored.",
            s.unmatched_statuses
        )?;
    }
    super::import::print_other_environments(&s.other_environments, out)?;
    writeln!(
        out,
        "Imported {} deployment(s) and {} change(s) from {file} for team {}. Deployments: {} new, {} updated, {} \
         unchanged. Changes: {} new, {} updated, {} unchanged.",
        s.deployments,
        s.changes,
        safe(&team.name),
        s.deployment_report.inserted,
        s.deployment_report.updated,
        s.deployment_report.unchanged,
        s.change_report.inserted,
        s.change_report.updated,
        s.change_report.unchanged
    )?;
    if s.deployments > 0 {
        let source = match args.kind {
            ImportKind::GithubRuns => "GitHub's workflow runs API",
            ImportKind::GitlabDeployments => "GitLab's deployments API",
            _ => "GitHub's deployments API",
        };
        super::import::print_no_kinds(source, out)?;
    }
    match s.changes_from {
        ChangesFrom::Nothing => writeln!(
            out,
            "Note: the deployments API names no commit times, so no change was imported and lead time stays \
             empty; add --repo CLONE (a local clone of the repository) for the commits each deployment shipped."
        )?,
        ChangesFrom::HeadCommits => writeln!(
            out,
            "Changes: the commit each deployment ran on, one per deployment; --repo CLONE counts every commit \
             between successive deployments instead."
        )?,
        ChangesFrom::Clone => {
            let repo = args.repo.as_ref().map(|r| r.display().to_string()).unwrap_or_default();
            writeln!(
                out,
                "Changes: the commits between successive production deployments in {}; the {} commit(s) the \
                 first deployment reaches are its history, left out.",
                safe(&repo),
                s.before_first
            )?;
            if s.unknown_commits > 0 {
                writeln!(
                    out,
                    "Note: {} deployment(s) name a commit the clone does not have, so they ship no change; \
                     `git fetch` there brings it.",
                    s.unknown_commits
                )?;
            }
        }
    }
    Ok(())
}

fn print_dora(
    file: &str,
    team: &Team,
    parsed: &ParsedDora,
    report: crate::store::LoadReport,
    out: &mut dyn Write,
) -> Result<()> {
    if parsed.empty > 0 {
        writeln!(out, "Skipped {} month(s) GitLab gave no value for: no data, not zero.", parsed.empty)?;
    }
    writeln!(
        out,
        "Imported {} DORA value(s) from {} for team {}: {} new, {} updated, {} unchanged.",
        parsed.samples.len(),
        safe(file),
        safe(&team.name),
        report.inserted,
        report.updated,
        report.unchanged
    )?;
    Ok(())
}
