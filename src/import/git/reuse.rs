//! A second import of an unchanged repository, without reading its history again.
//!
//! What an import derives is fixed by what it reads before the history, and by the
//! options: the deployment points (each tag's name, commit, time and the rework rule its
//! name or message matches, or the branch's tip), since a commit's hash names its whole
//! history. Only a shallow clone's boundary, grafts and replacement refs can make
//! `git log` print another history for the same commits, so they are read too. When all
//! of it is as the last import found it, and the store still holds exactly the rows that
//! import left (the store checks a digest it kept of them), a full import would change
//! nothing: the last import's figures are reported again, every row unchanged, and the
//! coverage is extended to today as the import would have.

use super::command::Git;
use super::{Derived, GitImportError, GitImportSummary, GitOptions, Points};
use crate::domain::{Team, Timestamp};
use crate::store::{LoadReport, Store};
use std::hash::{Hash, Hasher};
use std::path::Path;

/// Changed whenever the same inputs would derive something else.
const VERSION: u32 = 1;

/// A fingerprint of everything an import reads besides the history and the store.
pub(super) fn inputs(git: &Git, repo: &Path, options: &GitOptions, points: &Points) -> Result<String, GitImportError> {
    // SipHash with fixed keys: a build of retro reads its own fingerprints; another
    // build that hashes differently only misses the shortcut once.
    let mut h = std::hash::DefaultHasher::new();
    VERSION.hash(&mut h);
    format!("{:?}", options.deployments).hash(&mut h);
    for (kind, expression) in options.rework.rules() {
        (kind.as_str(), expression).hash(&mut h);
    }
    (options.since, &options.service, &points.tip, &points.tags).hash(&mut h);
    let paths = git.run(&["rev-parse", "--git-path", "shallow", "--git-path", "info/grafts"], None)?;
    for path in String::from_utf8_lossy(&paths).lines() {
        std::fs::read(repo.join(path)).ok().hash(&mut h);
    }
    git.run(&["for-each-ref", "--format=%(refname) %(objectname)", "refs/replace/"], None)?.hash(&mut h);
    Ok(format!("{:016x}", h.finish()))
}

/// What the store keeps beside a sealed load: the inputs and the import's figures.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(super) struct Sealed {
    inputs: String,
    deployments: usize,
    changes: usize,
    merge_commits: usize,
    empty_commits: usize,
    committed_after_deployment: usize,
    rework: Vec<(String, usize)>,
    first_deployment: Option<(String, usize)>,
    before_since: (usize, usize),
    /// The first and last deployment's times: the coverage they speak for.
    span: Option<(Timestamp, Timestamp)>,
}

pub(super) fn note(inputs: &str, derived: &Derived, rework: &[(String, usize)]) -> String {
    let times = derived.deployments.iter().map(|d| d.deployed_at);
    let sealed = Sealed {
        inputs: inputs.to_owned(),
        deployments: derived.deployments.len(),
        changes: derived.change_count(),
        merge_commits: derived.merge_commits,
        empty_commits: derived.empty_commits,
        committed_after_deployment: derived.committed_after_deployment,
        rework: rework.to_vec(),
        first_deployment: derived.first_deployment(),
        before_since: derived.before_since,
        span: times.clone().min().zip(times.max()),
    };
    serde_json::to_string(&sealed).expect("plain data serializes")
}

/// The last import's figures, when its inputs were `inputs` and the store holds its rows
/// as it left them.
pub(super) fn reuse(
    store: &mut Store,
    team: &Team,
    source: &str,
    inputs: &str,
) -> Result<Option<Sealed>, GitImportError> {
    let mut found = None;
    store.reuse_snapshot(team, source, |note| {
        let sealed = serde_json::from_str::<Sealed>(note).ok().filter(|s| s.inputs == inputs)?;
        let span = sealed.span;
        found = Some(sealed);
        Some(span)
    })?;
    Ok(found)
}

impl Sealed {
    /// The summary a full import would give: the same figures, every row unchanged.
    pub(super) fn summary(
        self,
        options: &GitOptions,
        points: Points,
        repository: String,
        elsewhere: u64,
    ) -> GitImportSummary {
        let unchanged = |n: usize| LoadReport { unchanged: n as u64, ..Default::default() };
        GitImportSummary {
            source: options.deployments.describe(),
            deployments: self.deployments,
            changes: self.changes,
            merge_commits: self.merge_commits,
            empty_commits: self.empty_commits,
            committed_after_deployment: self.committed_after_deployment,
            rework: self.rework,
            skipped_tags: points.skipped,
            undated_tags: points.undated,
            tags: points.counts,
            first_deployment: self.first_deployment,
            before_since: self.before_since,
            shallow: points.shallow,
            repository,
            adopted: 0,
            stale_deployments: 0,
            stale_changes: 0,
            pruned: options.prune && self.deployments > 0,
            elsewhere,
            deployment_report: unchanged(self.deployments),
            change_report: unchanged(self.changes),
            reused: true,
        }
    }
}
