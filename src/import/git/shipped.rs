//! The commits that deployments of CI/CD records shipped, from a local clone.

use super::command::Git;
use super::derive::{self, DeployPoint};
use super::{GitImportError, ReworkRules, read_graph, rework};
use crate::domain::{Change, Timestamp};
use std::path::Path;

/// The commits that deployments named by their commit shipped, for importers of CI/CD
/// records (GitHub, GitLab) given a local clone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shipped {
    /// Each change names the deployment that shipped it.
    pub changes: Vec<Change>,
    /// Ids of the deployments whose commit the clone does not have (not fetched yet, or
    /// force-pushed away): they ship nothing.
    pub unknown: Vec<String>,
    /// Commits the first deployment reaches: its history before it, not one release, so
    /// they are left out.
    pub before_first: usize,
    /// Merge commits and commits that change no file: counted, not changes.
    pub merge_commits: usize,
    pub empty_commits: usize,
}

/// Each deployment, in the order given (`(id, commit hash, time)`, oldest first), ships
/// the non-merge commits it reaches that no earlier one reaches, as `retro import git`
/// derives them: the commits between successive deployed commits. The first deployment
/// has no predecessor, so what it reaches is counted in `before_first`, not shipped.
pub fn shipped_commits(repo: &Path, deployments: &[(String, String, Timestamp)]) -> Result<Shipped, GitImportError> {
    let git = Git::open(repo)?;
    let mut out = Shipped::default();
    // Only full hashes, checked to exist: anything else could name a branch or a tag.
    let is_hash = |s: &str| matches!(s.len(), 40 | 64) && s.bytes().all(|b| b.is_ascii_hexdigit());
    let hashes: Vec<&str> = deployments.iter().map(|d| d.1.as_str()).filter(|s| is_hash(s)).collect();
    let mut known = std::collections::HashSet::new();
    if !hashes.is_empty() {
        let mut stdin = hashes.join("\n");
        stdin.push('\n');
        let types = git.run(&["cat-file", "--batch-check=%(objectname) %(objecttype)"], Some(stdin.as_bytes()))?;
        for line in String::from_utf8_lossy(&types).lines() {
            if let Some((sha, "commit")) = line.split_once(' ') {
                known.insert(sha.to_ascii_lowercase());
            }
        }
    }
    let tips: Vec<&(String, String, Timestamp)> = deployments
        .iter()
        .filter(|d| {
            let ok = known.contains(&d.1.to_ascii_lowercase());
            if !ok {
                out.unknown.push(d.0.clone());
            }
            ok
        })
        .collect();
    if tips.is_empty() {
        return Ok(out);
    }
    let shas: Vec<&str> = tips.iter().map(|d| d.1.as_str()).collect();
    let rules = ReworkRules::default();
    let graph = read_graph(&git, &shas, &rules)?;
    let points: Vec<DeployPoint> = tips
        .iter()
        .map(|(id, sha, at)| {
            let commit = graph
                .lookup(sha)
                .ok_or_else(|| GitImportError::Output(format!("git log did not print commit {sha}")))?;
            Ok(DeployPoint { id: id.clone(), commit, at: *at, rule: rework::NO_RULE })
        })
        .collect::<Result<_, GitImportError>>()?;
    let derived = derive::derive(graph, &points, &rules);
    let first = &points[0].id;
    let (before, shipped): (Vec<Change>, Vec<Change>) =
        derived.changes().partition(|c| c.deployment_id.as_ref() == Some(first));
    out.before_first = before.len();
    out.changes = shipped;
    out.merge_commits = derived.merge_commits;
    out.empty_commits = derived.empty_commits;
    Ok(out)
}
