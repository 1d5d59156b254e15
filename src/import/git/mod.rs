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
mod identity;
mod reuse;
mod rework;
mod shipped;
mod tags;

pub use derive::{Derived, TagCounts};
pub use rework::{DEFAULT_PATTERNS, ReworkRules};
pub use shipped::{Shipped, shipped_commits};

use crate::domain::{Change, DeployKind, Team, Timestamp};
use crate::store::{LoadReport, SnapshotOptions, Store, StoreError};
use command::Git;
use derive::DeployPoint;
use graph::{COMMIT_FORMAT, Graph};
use std::path::Path;
use tags::TAG_FORMAT;

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
    /// The service the repository deploys: its deployments and changes name it, and
    /// their ids become `SERVICE@ID`, so several repositories fit in one team.
    pub service: Option<String>,
    /// Delete this repository's deployments and changes that the import no longer finds.
    pub prune: bool,
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
         overwrite it. Give each repository its own --service NAME (ids become NAME@{id}), or import it into \
         its own team (retro teams add NAME, then --team NAME)"
    )]
    IdFromAnotherSource { id: String, other: String, this: String },
    #[error(
        "this team has {count} deployment(s) stored under {legacy}, a key this repository may have had before \
         (an earlier retro keyed a repository by its folder's name), and none of their commits is in {repo}: \
         they come from another repository. Import that repository first (it takes them over under its own \
         key), or give this one --service NAME to keep it apart"
    )]
    AmbiguousLegacySource { legacy: String, count: u64, repo: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What one import from git did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GitImportSummary {
    /// `release tags (v1.2.3 or 1.2.3), pre-releases left out` or `merges into main`.
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
    /// The key the repository's rows are stored under (`git:github.com/acme/shop`).
    pub repository: String,
    /// Deployments an earlier retro stored under the folder's name, taken over.
    pub adopted: u64,
    /// This repository's deployments and changes in the store that the import no longer
    /// finds: deleted with `prune`, else left there.
    pub stale_deployments: u64,
    pub stale_changes: u64,
    pub pruned: bool,
    /// Deployments of the same repository stored under another key (another
    /// `--service`, none, or an earlier retro's folder-name key that was not taken over).
    pub elsewhere: u64,
    pub deployment_report: LoadReport,
    pub change_report: LoadReport,
    /// Nothing changed since the last import (the same tags or tip, the same options,
    /// this repository's rows as that import left them): its figures were reported
    /// again without reading the history.
    pub reused: bool,
}

impl GitImportSummary {
    /// The first deployment looks like a backlog rather than a release: it brought more
    /// than 100 changes, and more than every later deployment together. Worth a hint
    /// about `--since`.
    pub fn first_deployment_is_a_backlog(&self) -> bool {
        self.first_deployment.as_ref().is_some_and(|(_, first)| *first > 100 && *first > self.changes - first)
    }
}

/// The deployments and changes a repository's history holds.
pub fn read_history(repo: &Path, options: &GitOptions) -> Result<Derived, GitImportError> {
    read(&Git::open(repo)?, options)
}

fn read(git: &Git, options: &GitOptions) -> Result<Derived, GitImportError> {
    let points = read_points(git, options)?;
    derive_points(git, points, options)
}

/// Where the history was deployed, read before the history itself: the tags (or the
/// branch's tip), which a second import compares with the first's.
#[derive(Debug, Default)]
struct Points {
    /// The tags, as (name, commit hash, time, first rework rule of the tag's name and
    /// message), in the order they shipped.
    tags: Vec<(String, String, Timestamp, u16)>,
    /// The branch's tip, in branch mode.
    tip: Option<String>,
    skipped: Vec<String>,
    undated: Vec<String>,
    counts: TagCounts,
    shallow: bool,
}

fn read_points(git: &Git, options: &GitOptions) -> Result<Points, GitImportError> {
    // A CI checkout often fetches one commit: say so rather than report a short history
    // as the team's. Older git prints the option back, which is not "true".
    let shallow = git.run(&["rev-parse", "--is-shallow-repository"], None)?.trim_ascii() == b"true";
    let mut skipped = Vec::new();
    let mut undated = Vec::new();
    let mut counts = TagCounts::default();
    let mut points: Vec<(String, String, Timestamp, u16)> = Vec::new();
    let tip = match &options.deployments {
        DeploySource::Tags(filter) => {
            // Every tag, matched here: git's own patterns stop `*` at `/`.
            let out = git.run(&["for-each-ref", TAG_FORMAT, "refs/tags/"], None)?;
            let tags = tags::parse_tags(&String::from_utf8_lossy(&out)).map_err(GitImportError::Output)?;
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
                                let rule = [&tag.name, &tag.message]
                                    .map(|text| options.rework.first_rule(text.as_bytes()))
                                    .into_iter()
                                    .min()
                                    .unwrap_or(rework::NO_RULE);
                                points.push((tag.name, commit, at, rule))
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
    Ok(Points { tags: points, tip, skipped, undated, counts, shallow })
}

fn derive_points(git: &Git, read: Points, options: &GitOptions) -> Result<Derived, GitImportError> {
    let Points { tags: points, tip, skipped, undated, counts, shallow } = read;
    let tips: Vec<&str> = match &tip {
        Some(tip) => vec![tip.as_str()],
        None => points.iter().map(|p| p.1.as_str()).collect(),
    };
    let mut derived = if tips.is_empty() {
        Derived::default()
    } else {
        let graph = read_graph(git, &tips, &options.rework)?;
        let commit_of = |sha: &str| {
            graph.lookup(sha).ok_or_else(|| GitImportError::Output(format!("git log did not print commit {sha}")))
        };
        let points: Vec<DeployPoint> = match &tip {
            Some(tip) => derive::first_parent_merges(&graph, commit_of(tip)?),
            None => points
                .into_iter()
                .map(|(id, sha, at, rule)| Ok(DeployPoint { commit: commit_of(&sha)?, id, at, rule }))
                .collect::<Result<_, GitImportError>>()?,
        };
        let mut derived = derive::derive(graph, &points, &options.rework);
        if let Some(since) = options.since {
            derived.leave_out_before(since);
        }
        derived
    };
    derived.skipped_tags = skipped;
    derived.undated_tags = undated;
    derived.tags = counts;
    derived.shallow = shallow;
    Ok(derived)
}

/// The commits reachable from `tips` (oldest first), read as git prints them.
///
/// Printing a kernel-sized history is more than half of its first import, and git
/// prints on one core, so two gits print two parts at once: what the older half of the
/// tips reaches, and what the newer half reaches beyond the middle tip. Together they
/// are the history; a commit both print (a branch older than the middle tip, merged
/// later) is kept once. The newer half's tips never include an ancestor of the middle
/// tip, which git would otherwise walk the whole older history to rule out.
fn read_graph(git: &Git, tips: &[&str], rules: &ReworkRules) -> Result<Graph, GitImportError> {
    let part = |stdin: String| -> Result<Graph, GitImportError> {
        // git maps its packs whole (up to 8 GiB) and the pages it reads stay resident:
        // for the kernel's history 600 MB on top of its 270 MB of commits. Windows of
        // 32 MiB, at most 64 MiB mapped per git, read the history as fast.
        let args = ["-c", "core.packedGitWindowSize=32m", "-c", "core.packedGitLimit=64m", "log", "--no-color"];
        git.stream(&[&args[..], &[COMMIT_FORMAT, "--stdin"]].concat(), Some(stdin.as_bytes()), |out| {
            Graph::read_part(out, |subject| rules.first_rule(subject)).map_err(GitImportError::Output)
        })
    };
    let lines = |tips: &[&str]| tips.iter().map(|t| format!("{t}\n")).collect::<String>();
    if tips.len() < 2 {
        return Ok(part(lines(tips))?.finish());
    }
    let (older, newer) = tips.split_at(tips.len().div_ceil(2));
    let middle = older[older.len() - 1];
    let (older, newer) = std::thread::scope(|scope| {
        let older = scope.spawn(|| part(lines(older)));
        let newer = part(format!("{}^{middle}\n", lines(newer)));
        (older.join().expect("reading git's output does not panic"), newer)
    });
    let mut graph = older?;
    graph.absorb(newer?).map_err(GitImportError::Output)?;
    Ok(graph.finish())
}

impl crate::store::Snapshot for Derived {
    fn deployments(&self) -> &[crate::domain::Deployment] {
        &self.deployments
    }

    fn changes(&self) -> impl Iterator<Item = Change> + '_ {
        Derived::changes(self)
    }

    fn holds_change(&self, external_id: &str) -> bool {
        Derived::holds_change(self, external_id)
    }
}

/// Reads `repo` and loads what it holds for `team`, deployments and changes in one
/// transaction. Importing again adds only what is new: deployments are keyed by tag name
/// (or merge hash) and changes by commit hash, under the repository's identity.
pub fn import_repository(
    store: &mut Store,
    team: &Team,
    repo: &Path,
    options: &GitOptions,
) -> Result<GitImportSummary, GitImportError> {
    let git = Git::open(repo)?;
    let identity = identity::identify(&git, repo)?;
    let points = read_points(&git, options)?;
    let source = match &options.service {
        Some(service) => format!("{}#{service}", identity.source),
        None => identity.source.clone(),
    };
    // Rows stored under an earlier key of this repository are taken over: its folder's
    // key from before it had an origin (same service), and without a service the
    // folder-name keys of earlier retros. With a service those have other ids, so they
    // are only counted.
    let with_service = |key: &str| match &options.service {
        Some(service) => format!("{key}#{service}"),
        None => key.to_owned(),
    };
    let mut earlier: Vec<String> = identity.path_key.iter().map(|k| with_service(k)).collect();
    if options.service.is_none() {
        earlier.extend(identity.folder_keys.iter().cloned());
    }
    // Nothing read has changed since the last import and nothing waits to be taken
    // over: the history need not be read again.
    let inputs = reuse::inputs(&git, repo, options, &points)?;
    let mut to_take_over = false;
    for key in earlier.iter().chain(options.service.iter().flat_map(|_| &identity.folder_keys)) {
        to_take_over |= *key != source && store.deployments_from(team, key)? > 0;
    }
    if !to_take_over && let Some(sealed) = reuse::reuse(store, team, &source, &inputs)? {
        let elsewhere = store.deployments_of_repository_elsewhere(team, &identity.source, &source)?;
        return Ok(sealed.summary(options, points, source, elsewhere));
    }
    let mut derived = derive_points(&git, points, options)?;
    if let Some(service) = &options.service {
        derived.assign_service(service);
    }
    let mut rework: Vec<(String, usize)> = Vec::new();
    for kind in DeployKind::ALL.into_iter().filter(|k| k.is_rework()) {
        let n = derived.deployments.iter().filter(|d| d.kind == kind).count();
        if n > 0 {
            rework.push((kind.as_str().to_owned(), n));
        }
    }
    let adopt: Vec<String> = rows_of_this_repository(store, team, &git, &earlier, &source, &derived, Some(repo))?
        .into_iter()
        .map(|(key, _)| key)
        .collect();
    let legacy_elsewhere: u64 = match options.service {
        Some(_) => rows_of_this_repository(store, team, &git, &identity.folder_keys, &source, &derived, None)?
            .iter()
            .map(|(_, n)| n)
            .sum(),
        None => 0,
    };
    // Two repositories both tagging v1.0.0 would silently share one deployment.
    let others: std::collections::HashMap<String, String> = store
        .deployments_from_other_sources(team, &source)?
        .into_iter()
        .filter(|(_, other)| !adopt.contains(other))
        .collect();
    if let Some((id, other)) =
        derived.deployments.iter().find_map(|d| others.get(&d.external_id).map(|o| (d.external_id.clone(), o.clone())))
    {
        return Err(GitImportError::IdFromAnotherSource { id, other, this: source });
    }
    // A pattern that finds nothing prunes nothing: more likely a mistyped glob than a
    // wish to empty the store.
    let prune = options.prune && !derived.deployments.is_empty();
    let seal = Some(reuse::note(&inputs, &derived, &rework));
    let snapshot = SnapshotOptions { source: source.clone(), adopt, prune, seal };
    let report = store.load_snapshot(team, &derived, &snapshot)?;
    let elsewhere = store.deployments_of_repository_elsewhere(team, &identity.source, &source)? + legacy_elsewhere;
    Ok(GitImportSummary {
        source: options.deployments.describe(),
        deployments: derived.deployments.len(),
        changes: derived.change_count(),
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
        repository: source,
        adopted: report.adopted,
        stale_deployments: report.stale_deployments,
        stale_changes: report.stale_changes,
        pruned: report.pruned,
        elsewhere,
        deployment_report: report.deployments,
        change_report: report.changes,
        reused: false,
    })
}

/// Which of `keys` hold rows of this repository, with how many deployments each: some
/// of their commits are in it (or, with no change stored, some deployment ids match).
/// Rows that none of its commits explain come from another repository: refused as
/// ambiguous when `refuse_others` names the repository (they would be taken over),
/// passed over otherwise.
fn rows_of_this_repository(
    store: &Store,
    team: &Team,
    git: &Git,
    keys: &[String],
    source: &str,
    derived: &Derived,
    refuse_others: Option<&Path>,
) -> Result<Vec<(String, u64)>, GitImportError> {
    let mut ours = Vec::new();
    for key in keys.iter().filter(|k| *k != source) {
        let count = store.deployments_from(team, key)?;
        if count == 0 {
            continue;
        }
        let sample = store.change_ids_from(team, key, 64)?;
        let is_ours = if sample.is_empty() {
            let stored: std::collections::HashSet<String> = store.deployment_ids_from(team, key)?.into_iter().collect();
            // Rows stored without the service this import gives have bare ids.
            let bare = |id: &str| {
                derived.service.as_deref().and_then(|s| id.strip_prefix(s)?.strip_prefix('@')).unwrap_or(id).to_owned()
            };
            derived
                .deployments
                .iter()
                .any(|d| stored.contains(&d.external_id) || stored.contains(&bare(&d.external_id)))
        } else {
            known_commits(git, &sample)? > 0
        };
        match (is_ours, refuse_others) {
            (true, _) => ours.push((key.clone(), count)),
            (false, Some(repo)) => {
                return Err(GitImportError::AmbiguousLegacySource {
                    legacy: key.clone(),
                    count,
                    repo: repo.display().to_string(),
                });
            }
            (false, None) => {}
        }
    }
    Ok(ours)
}

/// How many of `ids` name commits in this repository.
fn known_commits(git: &Git, ids: &[String]) -> Result<usize, GitImportError> {
    // Only full hashes (after a `SERVICE@` prefix): anything else could name a branch or
    // a tag.
    let hashes: Vec<&str> = ids
        .iter()
        .map(|id| id.rsplit('@').next().unwrap_or(id))
        .filter(|id| matches!(id.len(), 40 | 64) && id.bytes().all(|b| b.is_ascii_hexdigit()))
        .collect();
    if hashes.is_empty() {
        return Ok(0);
    }
    let mut stdin = hashes.join("\n");
    stdin.push('\n');
    let out = git.run(&["cat-file", "--batch-check=%(objecttype)"], Some(stdin.as_bytes()))?;
    Ok(String::from_utf8_lossy(&out).lines().filter(|l| *l == "commit").count())
}
