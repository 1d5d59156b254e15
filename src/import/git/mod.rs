//! Deployments and changes derived from a local git repository's history.
//!
//! Deployments are the tags matching a glob (default `v*`), or the merge commits on a
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
mod graph;
mod rework;

pub use derive::Derived;
pub use rework::{DEFAULT_PATTERNS, ReworkRules};

use crate::domain::{DeployKind, Team};
use crate::store::{LoadFailure, LoadReport, Store, StoreError};
use command::Git;
use derive::DeployPoint;
use graph::{COMMIT_FORMAT, Graph, TAG_FORMAT};
use std::convert::Infallible;
use std::path::Path;

/// The tags that are deployments when the command line names none.
pub const DEFAULT_TAG_GLOB: &str = "v*";

/// Where deployments come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeploySource {
    /// Tags whose name matches this glob (`*` and `?` match any characters, `/` too).
    Tags(String),
    /// Merge commits on this branch's first-parent history.
    Branch(String),
}

impl Default for DeploySource {
    fn default() -> Self {
        DeploySource::Tags(DEFAULT_TAG_GLOB.to_owned())
    }
}

impl DeploySource {
    /// `tags matching v*` or `merges into main`, for messages.
    pub fn describe(&self) -> String {
        match self {
            DeploySource::Tags(glob) => format!("tags matching {glob}"),
            DeploySource::Branch(branch) => format!("merges into {branch}"),
        }
    }
}

/// How to read a repository.
#[derive(Debug, Clone, Default)]
pub struct GitOptions {
    pub deployments: DeploySource,
    pub rework: ReworkRules,
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
    // The deployment points, as (id, commit hash, time, texts), in the order they shipped.
    let mut points: Vec<(String, String, i64, Vec<String>)> = Vec::new();
    let tip = match &options.deployments {
        DeploySource::Tags(glob) => {
            let pattern = format!("refs/tags/{glob}");
            let out = git.run(&["for-each-ref", TAG_FORMAT, &pattern], None)?;
            let tags = graph::parse_tags(&String::from_utf8_lossy(&out)).map_err(GitImportError::Output)?;
            for tag in tags {
                match tag.commit {
                    Some(commit) => points.push((tag.name.clone(), commit, tag.at, vec![tag.name, tag.message])),
                    None => skipped.push(tag.name),
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
        return Ok(Derived { skipped_tags: skipped, shallow, ..Default::default() });
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
    Ok(Derived { skipped_tags: skipped, shallow, ..derive::derive(&graph, &points, &options.rework) })
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
        skipped_tags: derived.skipped_tags,
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
