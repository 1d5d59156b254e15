//! `retro import git PATH`: deployments and changes from a repository's history.

use crate::cli::ImportArgs;
use crate::domain::{Period, Team};
use crate::import::git::{DeploySource, GitImportSummary, GitOptions, ReworkRules, TagFilter, import_repository};
use crate::store::Store;
use crate::text::safe;
use anyhow::{Result, bail};
use std::io::Write;

pub fn run(store: &mut Store, team: &Team, args: &ImportArgs, out: &mut dyn Write) -> Result<()> {
    let deployments = match &args.deploy_branch {
        Some(branch) => DeploySource::Branch(branch.clone()),
        None => {
            let mut filter = if args.deploy_tags.is_empty() {
                TagFilter::default()
            } else {
                TagFilter::including(&args.deploy_tags)
            };
            if !args.exclude_tags.is_empty() {
                filter.exclude = args.exclude_tags.clone();
            }
            DeploySource::Tags(filter)
        }
    };
    // Midnight of that day where the team's days begin, like every period.
    let since = args.since.map(|day| Period::window(day, day, team.utc_offset).start);
    if args.service.as_deref().is_some_and(|s| s.trim().is_empty() || s.contains('@')) {
        bail!("--service needs a name without '@' (deployment ids become NAME@TAG)");
    }
    let options = GitOptions {
        deployments,
        rework: ReworkRules::parse(&args.rework_patterns)?,
        since,
        service: args.service.clone(),
        prune: args.prune,
    };
    let repo = args.file.display().to_string();
    // A repository's history is complete up to now: weeks since its last deployment are
    // real zeros, so its coverage reaches the moment of the import.
    let now = super::now();
    let (first, last) = match super::import::declared_coverage(team, args)? {
        Some((first, last)) => (first.min(now), last.max(now)),
        None => (now, now),
    };
    let summary = store.declaring_coverage(first, last, |s| import_repository(s, team, &args.file, &options))?;
    print_summary(&repo, team, &summary, &options.deployments, args.since, out)
}

fn print_summary(
    repo: &str,
    team: &Team,
    s: &GitImportSummary,
    source: &DeploySource,
    since: Option<chrono::NaiveDate>,
    out: &mut dyn Write,
) -> Result<()> {
    // The path and tag names come from outside: shown, never sent raw.
    let repo = &*safe(repo);
    writeln!(out, "Authors, committers and taggers are never read: retro keeps team-level data only.")?;
    if s.shallow {
        writeln!(
            out,
            "Note: {repo} is a shallow clone, so its history stops early: deployments and changes before \
             that are missing, and the first deployments may show short lead times. `git fetch --unshallow` \
             there fetches the whole history."
        )?;
    }
    if let DeploySource::Tags(_) = source {
        let t = &s.tags;
        let excluded = if t.excluded > 0 {
            format!(" ({} of them left out by the exclusions)", t.excluded)
        } else {
            String::new()
        };
        writeln!(
            out,
            "Tags: {} matched ({}), {} did not{excluded}.",
            t.matched,
            safe(&s.source),
            t.unmatched + t.excluded
        )?;
    }
    if !s.skipped_tags.is_empty() {
        writeln!(
            out,
            "Skipped {} tag(s) that name no commit: {}.",
            s.skipped_tags.len(),
            s.skipped_tags.iter().map(|t| safe(t).into_owned()).collect::<Vec<_>>().join(", ")
        )?;
    }
    if !s.undated_tags.is_empty() {
        writeln!(
            out,
            "Skipped {} annotated tag(s) without a usable date (no tagger time): {}.",
            s.undated_tags.len(),
            s.undated_tags.iter().map(|t| safe(t).into_owned()).collect::<Vec<_>>().join(", ")
        )?;
    }
    if let (Some(since), (deployments, changes)) = (since, s.before_since) {
        writeln!(
            out,
            "Since {since}: left out {deployments} deployment(s) and {changes} change(s) from before that day."
        )?;
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
        writeln!(out, "Found no deployments ({}) in {repo}: {hint}.", safe(&s.source))?;
        if s.stale_deployments > 0 {
            writeln!(
                out,
                "{} deployment(s) imported from this repository before stay in the store: an import that finds \
                 no deployment prunes nothing.",
                s.stale_deployments
            )?;
        }
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
        s.deployments,
        safe(&s.source),
        s.changes,
        safe(&team.name)
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
    if s.reused {
        writeln!(
            out,
            "Nothing changed since the last import (same tags or branch tip, same options, stored rows as it left \
             them): the history was not read again."
        )?;
    }
    writeln!(out, "Repository: stored as {}.", s.repository)?;
    if s.adopted > 0 {
        writeln!(
            out,
            "Took over {} deployment(s) stored under an earlier key of this repository (its folder's name, which \
             earlier retros used, or its folder before it had an origin).",
            s.adopted
        )?;
    }
    if s.pruned && (s.stale_deployments > 0 || s.stale_changes > 0) {
        writeln!(
            out,
            "Pruned {} deployment(s) and {} change(s) of this repository that the import no longer finds.",
            s.stale_deployments, s.stale_changes
        )?;
    } else if s.stale_deployments > 0 || s.stale_changes > 0 {
        writeln!(
            out,
            "Note: {} deployment(s) and {} change(s) of this repository in the store are no longer found (a \
             narrower tag glob, --since, a deleted tag); they still count. --prune deletes them.",
            s.stale_deployments, s.stale_changes
        )?;
    }
    if s.elsewhere > 0 {
        writeln!(
            out,
            "Note: this team also has {} deployment(s) of this repository stored with another --service (or \
             without one); they count too.",
            s.elsewhere
        )?;
    }
    if s.merge_commits > 0 || s.empty_commits > 0 {
        writeln!(
            out,
            "Not counted as changes: {} merge commit(s) and {} commit(s) that change no file.",
            s.merge_commits, s.empty_commits
        )?;
    }
    if let Some((first, shipped)) = &s.first_deployment {
        let hint = if since.is_some() || !s.first_deployment_is_a_backlog() {
            String::new()
        } else {
            " It ships the whole history before it: if that was not one release, --since DATE leaves the older \
             commits out of lead time."
                .to_owned()
        };
        writeln!(out, "The first deployment, {first}, brought {shipped} change(s).{hint}")?;
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
