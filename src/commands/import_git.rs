//! `retro import git PATH`: deployments and changes from a repository's history.

use crate::cli::ImportArgs;
use crate::domain::Team;
use crate::import::git::{DeploySource, GitImportSummary, GitOptions, ReworkRules, import_repository};
use crate::store::Store;
use anyhow::{Result, bail};
use std::io::Write;

pub fn run(store: &mut Store, team: &Team, args: &ImportArgs, out: &mut dyn Write) -> Result<()> {
    if args.format.is_some() {
        bail!("--format applies to files; `retro import git` reads a repository");
    }
    let deployments = match (&args.deploy_tags, &args.deploy_branch) {
        (_, Some(branch)) => DeploySource::Branch(branch.clone()),
        (Some(glob), None) => DeploySource::Tags(glob.clone()),
        (None, None) => DeploySource::default(),
    };
    let options = GitOptions { deployments, rework: ReworkRules::parse(&args.rework_patterns)? };
    let repo = args.file.display().to_string();
    // A repository's history is complete up to now: weeks since its last deployment are
    // real zeros, so its coverage reaches the moment of the import.
    let now = super::now();
    let (first, last) = match super::import::declared_coverage(team, args)? {
        Some((first, last)) => (first.min(now), last.max(now)),
        None => (now, now),
    };
    let summary = store.declaring_coverage(first, last, |s| import_repository(s, team, &args.file, &options))?;
    print_summary(&repo, team, &summary, &options.deployments, out)
}

fn print_summary(
    repo: &str,
    team: &Team,
    s: &GitImportSummary,
    source: &DeploySource,
    out: &mut dyn Write,
) -> Result<()> {
    writeln!(out, "Authors, committers and taggers are never read: retro keeps team-level data only.")?;
    if s.shallow {
        writeln!(
            out,
            "Note: {repo} is a shallow clone, so its history stops early: deployments and changes before \
             that are missing, and the first deployments may show short lead times. `git fetch --unshallow` \
             there fetches the whole history."
        )?;
    }
    if !s.skipped_tags.is_empty() {
        writeln!(out, "Skipped {} tag(s) that name no commit: {}.", s.skipped_tags.len(), s.skipped_tags.join(", "))?;
    }
    if s.deployments == 0 {
        let hint = match source {
            DeploySource::Tags(_) => {
                "name the release tags with --deploy-tags GLOB, or use merges with --deploy-branch BRANCH"
            }
            DeploySource::Branch(_) => {
                "a history without merge commits (squash or rebase merges) needs release tags: --deploy-tags GLOB"
            }
        };
        writeln!(out, "Found no deployments ({}) in {repo}: {hint}.", s.source)?;
        return Ok(());
    }
    let rework = if s.rework.is_empty() {
        "no rework".to_owned()
    } else {
        let kinds: Vec<String> = s.rework.iter().map(|(k, n)| format!("{n} {k}")).collect();
        format!("rework: {}", kinds.join(", "))
    };
    writeln!(
        out,
        "Imported {} deployment(s) ({}; {rework}) and {} change(s) from {repo} for team {}.",
        s.deployments, s.source, s.changes, team.name
    )?;
    writeln!(
        out,
        "Deployments: {} new, {} updated, {} unchanged. Changes: {} new, {} updated, {} unchanged.",
        s.deployment_report.inserted,
        s.deployment_report.updated,
        s.deployment_report.unchanged,
        s.change_report.inserted,
        s.change_report.updated,
        s.change_report.unchanged
    )?;
    if s.merge_commits > 0 || s.empty_commits > 0 {
        writeln!(
            out,
            "Not counted as changes: {} merge commit(s) and {} commit(s) that change no file.",
            s.merge_commits, s.empty_commits
        )?;
    }
    if s.committed_after_deployment > 0 {
        writeln!(
            out,
            "Note: {} commit(s) are dated after the deployment that shipped them (clock skew?); they stay out \
             of lead time.",
            s.committed_after_deployment
        )?;
    }
    Ok(())
}
