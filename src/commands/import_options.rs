//! Which `retro import` options go with which kinds of import: one table, checked once
//! before any import runs, so a misplaced option is refused the same way for every kind
//! (and a new importer adds a row, not another copy of the checks).

use crate::cli::ImportArgs;
use crate::import::ImportKind::{self, *};
use anyhow::{Result, bail};

/// Options that belong together, and the kinds of import that read them.
struct Group {
    /// The options, as the message names them.
    options: &'static str,
    given: fn(&ImportArgs) -> bool,
    kinds: &'static [ImportKind],
    /// The imports that read them, as the message names them.
    imports: &'static str,
}

const GROUPS: &[Group] = &[
    Group {
        options: "--deploy-tags, --deploy-branch, --exclude-tags, --since, --service, --prune and --rework-pattern",
        given: |a| {
            !a.deploy_tags.is_empty()
                || a.deploy_branch.is_some()
                || !a.rework_patterns.is_empty()
                || !a.exclude_tags.is_empty()
                || a.since.is_some()
                || a.service.is_some()
                || a.prune
        },
        kinds: &[Git],
        imports: "`retro import git`",
    },
    Group {
        options: "--project",
        given: |a| a.project.is_some(),
        kinds: &[Devlake],
        imports: "`retro import devlake`",
    },
    Group {
        options: "--statuses, --workflow, --repo and --metric",
        given: |a| a.statuses.is_some() || a.workflow.is_some() || a.repo.is_some() || a.metric.is_some(),
        kinds: &[GithubDeployments, GithubRuns, GitlabDeployments, GitlabDora],
        imports: "the GitHub and GitLab imports",
    },
    Group {
        options: "--urgency and --priority",
        given: |a| !a.urgency.is_empty() || !a.priority.is_empty(),
        kinds: &[Pagerduty, Opsgenie],
        imports: "`retro import pagerduty` and `retro import opsgenie`",
    },
    Group {
        options: "--map and --map-file",
        given: |a| !a.map.is_empty() || a.map_file.is_some(),
        kinds: &[Deployments, Changes, Incidents, Pagerduty],
        imports: "CSV files of `retro import deployments|changes|incidents|pagerduty`",
    },
    Group {
        options: "--link-incidents",
        given: |a| a.link_incidents.is_some(),
        kinds: &[Incidents, Pagerduty, Opsgenie, Fourkeys],
        imports: "the incident imports (`retro import incidents|pagerduty|opsgenie|fourkeys`)",
    },
];

/// Refuses an option that the import of `args.kind` would not read.
pub(super) fn check(args: &ImportArgs) -> Result<()> {
    for group in GROUPS {
        if (group.given)(args) && !group.kinds.contains(&args.kind) {
            let verb = if group.options.contains(' ') { "apply" } else { "applies" };
            bail!("{} {verb} to {} only", group.options, group.imports);
        }
    }
    match args.kind {
        Git if args.format.is_some() => bail!("--format applies to files; `retro import git` reads a repository"),
        Devlake if args.format.is_some() => bail!("--format applies to files; `retro import devlake` reads a database"),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    fn checked(words: &str) -> Result<()> {
        let cli = Cli::try_parse_from(format!("retro import {words}").split_whitespace()).unwrap();
        let Some(Command::Import(args)) = cli.command else { panic!("not an import") };
        check(&args)
    }

    #[test]
    fn each_group_is_refused_beside_another_kind_and_taken_by_its_own() {
        for (own, foreign, option) in [
            ("git .", "deployments d.csv", "--prune"),
            ("devlake mysql://h/db", "git .", "--project p"),
            ("github-runs r.json", "incidents i.csv", "--workflow deploy.yml"),
            ("opsgenie a.json", "changes c.csv", "--priority P1"),
            ("pagerduty p.csv", "git .", "--map started_at=Created"),
            ("fourkeys dir", "deployments d.csv", "--link-incidents by-time"),
        ] {
            assert!(checked(&format!("{own} {option}")).is_ok(), "{own} {option}");
            let err = checked(&format!("{foreign} {option}")).unwrap_err().to_string();
            assert!(err.ends_with(" only") && err.contains(option.split(' ').next().unwrap()), "{err}");
        }
        assert!(checked("git . --format csv").unwrap_err().to_string().contains("reads a repository"));
        assert!(checked("deployments d.csv --format csv").is_ok());
    }
}
