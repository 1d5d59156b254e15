//! Deployments and changes derived from a local git repository's history.
//!
//! Deployments are the tags whose whole name matches a [`TagFilter`] (by default the
//! release forms `v1.2.3` and `1.2.3`, pre-releases left out), or the merge commits on a
//! branch's first-parent history. Each deployment ships the non-merge commits it
//! reaches that no earlier deployment reaches; merges and commits that change nothing
//! are counted, not imported. Rework (hotfix, rollback, fix forward) is read from tag
//! names, tag messages and commit subjects by [`ReworkRules`]. docs/git-import.md has
//! the details.
//!
//! Git is read by running the `git` program: it is on every developer's machine, costs
//! no build time, and reads a 50,000-commit history in well under a second. Nothing it
//! is asked to print names a person: authors, committers and taggers are never read.

mod command;
mod derive;
mod glob;
mod graph;
mod rework;

pub use derive::{Derived, TagCounts};
pub use rework::{DEFAULT_PATTERNS, ReworkRules};

use crate::domain::{DeployKind, Team, Timestamp};
use crate::store::{LoadFailure, LoadReport, Store, StoreError};
use command::Git;
use derive::DeployPoint;
use graph::{COMMIT_FORMAT, Graph, TAG_FORMAT};
use std::convert::Infallible;
use std::path::Path;

/// The tags that are deployments when the command line names none: releases written
/// `v1.2.3` or `1.2.3` (any number of parts).
pub const DEFAULT_TAG_GLOBS: [&str; 2] = ["v[0-9]*", "[0-9]*"];

/// Pre-releases, left out unless `--exclude-tags` replaces this list: `-rc1`, `.rc.1`,
/// `rc1`, alpha, beta, preview, dev, snapshot, nightly, canary, and Python's `1.0a1` /
/// `1.0b2`.
pub const DEFAULT_EXCLUDED_TAGS: [&str; 13] = [
    "*-rc*",
    "*-RC*",
    "*.rc*",
    "*rc[0-9]*",
    "*-alpha*",
    "*-beta*",
    "*-pre*",
    "*-dev*",
    "*-snapshot*",
    "*-SNAPSHOT*",
    "*-nightly*",
    "*-canary*",
    "*[0-9][ab][0-9]*",
];

/// Which tags are deployments: a tag whose whole name matches one `include` glob and no
/// `exclude` glob. In a glob `*` and `?` match any characters, `/` included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagFilter {
    pub include: Vec<String>,
    pub exclude: Vec<String>,
}

impl Default for TagFilter {
    fn default() -> Self {
        TagFilter {
            include: DEFAULT_TAG_GLOBS.map(str::to_owned).to_vec(),
            exclude: DEFAULT_EXCLUDED_TAGS.map(str::to_owned).to_vec(),
        }
    }
}

/// Where a tag stands against a [`TagFilter`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Selection {
    Matched,
    Excluded,
    Unmatched,
}

impl TagFilter {
    /// The default exclusions, with these globs instead of the default ones.
    pub fn including<S: AsRef<str>>(globs: &[S]) -> Self {
        TagFilter { include: globs.iter().map(|g| g.as_ref().to_owned()).collect(), ..Default::default() }
    }

    fn select(&self, name: &str) -> Selection {
        if !self.include.iter().any(|g| glob::matches(g, name)) {
            Selection::Unmatched
        } else if self.exclude.iter().any(|g| glob::matches(g, name)) {
            Selection::Excluded
        } else {
            Selection::Matched
        }
    }

    fn describe(&self) -> String {
        let defaults = TagFilter::default();
        let mut text = if self.include == defaults.include {
            "release tags (v1.2.3 or 1.2.3)".to_owned()
        } else {
            format!("tags matching {}", self.include.join(" or "))
        };
        if self.exclude == defaults.exclude {
            text.push_str(", pre-releases left out");
        } else if self.exclude.iter().any(|g| !g.is_empty()) {
            text.push_str(&format!(", except {}", self.exclude.join(", ")));
        }
        text
    }
}

/// Where deployments come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeploySource {
    /// Tags selected by a [`TagFilter`].
    Tags(TagFilter),
    /// Merge commits on this branch's first-parent history.
    Branch(String),
}

impl Default for DeploySource {
    fn default() -> Self {
        DeploySource::Tags(TagFilter::default())
    }
}

impl DeploySource {
    /// `release tags (v1.2.3 or 1.2.3), pre-releases left out` or `merges into main`, for
    /// messages.
    pub fn describe(&self) -> String {
        match self {
            DeploySource::Tags(filter) => filter.describe(),
            DeploySource::Branch(branch) => format!("merges into {branch}"),
        }
    }
}

/// How to read a repository.
#[derive(Debug, Clone, Default)]
pub struct GitOptions {
    pub deployments: DeploySource,
    pub rework: ReworkRules,
    /// Deployments and commits before this instant are left out: a first tag made long
    /// after the repository began would otherwise ship years of commits at once.
    pub since: Option<Timestamp>,
}

#[derive(Debug, thiserror::Error)]
pub enum GitImportError {
    #[error("cannot run git: it is not installed or not on PATH. Install git to import from a repository")]
    GitMissing,
    #[error("{path} is not a git repository: {message}")]
    NotARepository { path: String, message: String },
    #[error("{command} failed: {message}")]
    Git { command: String, message: String },
    #[error("cannot read git's output: {0}")]
    Output(String),
    #[error("there is no branch or commit \"{0}\" in this repository")]
    UnknownBranch(String),
    #[error("--rework-pattern \"{pattern}\": {message}")]
    ReworkPattern { pattern: String, message: String },
    #[error(
        "deployment \"{id}\" is already in this team's store, imported from {other}; importing {this} would \
         overwrite it. Import each repository into its own team (retro teams add NAME, then --team NAME)"
    )]
    IdFromAnotherSource { id: String, other: String, this: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What one import from git did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GitImportSummary {
    /// `tags matching v*` or `merges into main`.
    pub source: String,
    pub deployments: usize,
    pub changes: usize,
    pub merge_commits: usize,
    pub empty_commits: usize,
    pub committed_after_deployment: usize,
    /// Deployments classified as rework, per kind (`hotfix`, `rollback`, `fix_forward`).
    pub rework: Vec<(String, usize)>,
    /// Matching tags that name a tree, a blob or another tag rather than a commit.
    pub skipped_tags: Vec<String>,
    /// Matching annotated tags without a usable date: skipped.
    pub undated_tags: Vec<String>,
    /// How the repository's tags fared against the filter (tag mode only).
    pub tags: TagCounts,
    /// The first deployment imported and how many changes it shipped.
    pub first_deployment: Option<(String, usize)>,
    /// Deployments and changes left out because they came before `since`.
    pub before_since: (usize, usize),
    /// The repository is a shallow clone, so its early history is missing.
    pub shallow: bool,
    pub deployment_report: LoadReport,
    pub change_report: LoadReport,
}

/// The deployments and changes a repository's history holds.
pub fn read_history(repo: &Path, options: &GitOptions) -> Result<Derived, GitImportError> {
    let git = Git::open(repo)?;
    // A CI checkout often fetches one commit: say so rather than report a short history
    // as the team's. Older git prints the option back, which is not "true".
    let shallow = git.run(&["rev-parse", "--is-shallow-repository"], None)?.trim_ascii() == b"true";
    let mut skipped = Vec::new();
    let mut undated = Vec::new();
    let mut counts = TagCounts::default();
    // The deployment points, as (id, commit hash, time, texts), in the order they shipped.
    let mut points: Vec<(String, String, i64, Vec<String>)> = Vec::new();
    let tip = match &options.deployments {
        DeploySource::Tags(filter) => {
            // Every tag, matched here: git's own patterns stop `*` at `/`.
            let out = git.run(&["for-each-ref", TAG_FORMAT, "refs/tags/"], None)?;
            let tags = graph::parse_tags(&String::from_utf8_lossy(&out)).map_err(GitImportError::Output)?;
            for tag in tags {
                match filter.select(&tag.name) {
                    Selection::Unmatched => counts.unmatched += 1,
                    Selection::Excluded => counts.excluded += 1,
                    Selection::Matched => {
                        counts.matched += 1;
                        match (tag.commit, tag.at) {
                            (None, _) => skipped.push(tag.name),
                            (Some(_), None) => undated.push(tag.name),
                            (Some(commit), Some(at)) => {
                                points.push((tag.name.clone(), commit, at, vec![tag.name, tag.message]))
                            }
                        }
                    }
                }
            }
            // By time; tags made in the same second by name.
            points.sort_by(|a, b| (a.2, &a.0).cmp(&(b.2, &b.0)));
            None
        }
        DeploySource::Branch(branch) => {
            let spec = format!("{branch}^{{commit}}");
            let out =
                git.run(&["rev-parse", "--verify", "--quiet", "--end-of-options", &spec], None).map_err(
                    |e| match e {
                        GitImportError::Git { .. } => GitImportError::UnknownBranch(branch.clone()),
                        e => e,
                    },
                )?;
            Some(String::from_utf8_lossy(&out).trim().to_owned())
        }
    };
    let tips: Vec<&str> = match &tip {
        Some(tip) => vec![tip.as_str()],
        None => points.iter().map(|p| p.1.as_str()).collect(),
    };
    if tips.is_empty() {
        return Ok(Derived {
            skipped_tags: skipped,
            undated_tags: undated,
            tags: counts,
            shallow,
            ..Default::default()
        });
    }
    let mut stdin = tips.join("\n");
    stdin.push('\n');
    let out = git.run(&["log", "--no-color", COMMIT_FORMAT, "--stdin"], Some(stdin.as_bytes()))?;
    let text = String::from_utf8_lossy(&out);
    let graph = Graph::parse(&text).map_err(GitImportError::Output)?;
    let commit_of = |sha: &str| {
        graph
            .index
            .get(sha)
            .copied()
            .ok_or_else(|| GitImportError::Output(format!("git log did not print commit {sha}")))
    };
    let points: Vec<DeployPoint> = match &tip {
        Some(tip) => derive::first_parent_merges(&graph, commit_of(tip)?),
        None => points
            .into_iter()
            .map(|(id, sha, at, texts)| Ok(DeployPoint { commit: commit_of(&sha)?, id, at, texts }))
            .collect::<Result<_, GitImportError>>()?,
    };
    let mut derived = derive::derive(&graph, &points, &options.rework);
    if let Some(since) = options.since {
        derived.leave_out_before(since);
    }
    Ok(Derived { skipped_tags: skipped, undated_tags: undated, tags: counts, shallow, ..derived })
}

/// Reads `repo` and loads what it holds for `team`, deployments and changes in one
/// transaction. Importing again adds only what is new: deployments are keyed by tag name
/// (or merge hash) and changes by commit hash.
pub fn import_repository(
    store: &mut Store,
    team: &Team,
    repo: &Path,
    options: &GitOptions,
) -> Result<GitImportSummary, GitImportError> {
    let derived = read_history(repo, options)?;
    let mut rework: Vec<(String, usize)> = Vec::new();
    for kind in DeployKind::ALL.into_iter().filter(|k| k.is_rework()) {
        let n = derived.deployments.iter().filter(|d| d.kind == kind).count();
        if n > 0 {
            rework.push((kind.as_str().to_owned(), n));
        }
    }
    let (deployment_report, change_report) = if derived.deployments.is_empty() {
        Default::default()
    } else {
        let source = source_name(repo);
        // Two repositories both tagging v1.0.0 would silently share one deployment.
        let others: std::collections::HashMap<String, String> =
            store.deployments_from_other_sources(team, &source)?.into_iter().collect();
        if let Some((id, other)) = derived
            .deployments
            .iter()
            .find_map(|d| others.get(&d.external_id).map(|o| (d.external_id.clone(), o.clone())))
        {
            return Err(GitImportError::IdFromAnotherSource { id, other, this: source });
        }
        store
            .load_deployments_and_changes_from(
                team,
                derived.deployments.iter().map(Ok::<_, Infallible>),
                derived.changes.iter().map(Ok::<_, Infallible>),
                &source,
            )
            .map_err(|e: LoadFailure<Infallible>| GitImportError::Store(e.into()))?
    };
    Ok(GitImportSummary {
        source: options.deployments.describe(),
        deployments: derived.deployments.len(),
        changes: derived.changes.len(),
        merge_commits: derived.merge_commits,
        empty_commits: derived.empty_commits,
        committed_after_deployment: derived.committed_after_deployment,
        rework,
        first_deployment: derived.first_deployment(),
        skipped_tags: derived.skipped_tags,
        undated_tags: derived.undated_tags,
        tags: derived.tags,
        before_since: derived.before_since,
        shallow: derived.shallow,
        deployment_report,
        change_report,
    })
}

/// `git:NAME`, NAME being the repository's folder.
fn source_name(repo: &Path) -> String {
    let path = repo.canonicalize().unwrap_or_else(|_| repo.to_path_buf());
    let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    format!("git:{name}")
}
