//! From a commit graph and the points where it was deployed to deployments and changes.
//! Pure: no git, no store.

use super::ReworkRules;
use super::graph::Graph;
use crate::domain::{Change, DeployStatus, Deployment, Timestamp};

/// A point in the history that reached production: a tag, or a merge into the branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct DeployPoint {
    /// The deployment's external id: the tag's name, or the merge commit's hash.
    pub id: String,
    pub commit: u32,
    pub at: Timestamp,
    /// The tag's name and message, or the merge's subject.
    pub texts: Vec<String>,
}

/// What the history says, ready for the store.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Derived {
    pub deployments: Vec<Deployment>,
    pub changes: Vec<Change>,
    /// Merge commits brought in by the deployments: counted, not changes.
    pub merge_commits: usize,
    /// Commits that change no file (`git commit --allow-empty`): counted, not changes.
    pub empty_commits: usize,
    /// Changes committed after the deployment that brought them in (clock skew, or a
    /// lightweight tag's time): they stay out of lead time.
    pub committed_after_deployment: usize,
    /// Matching tags that name a tree, a blob or another tag rather than a commit.
    pub skipped_tags: Vec<String>,
    /// Matching annotated tags without a usable date (no tagger line, or no time on it).
    pub undated_tags: Vec<String>,
    pub tags: TagCounts,
    /// Deployments and changes left out because they came before `--since`.
    pub before_since: (usize, usize),
    /// The service given to [`Derived::assign_service`].
    pub service: Option<String>,
    /// The repository is a shallow clone: history before its edge is missing.
    pub shallow: bool,
}

/// How a repository's tags fared against the tag filter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct TagCounts {
    /// Matched an included glob and no excluded one.
    pub matched: usize,
    /// Matched an included glob and an excluded one (a pre-release, by default).
    pub excluded: usize,
    /// Matched no included glob.
    pub unmatched: usize,
}

impl Derived {
    /// Drops the deployments before `since` and the commits made before it (with the
    /// changes of the dropped deployments, which clock skew alone can date after it).
    pub fn leave_out_before(&mut self, since: Timestamp) {
        let before = self.deployments.len();
        let dropped: std::collections::HashSet<String> =
            self.deployments.iter().filter(|d| d.deployed_at < since).map(|d| d.external_id.clone()).collect();
        self.deployments.retain(|d| d.deployed_at >= since);
        let changes = self.changes.len();
        self.changes
            .retain(|c| c.committed_at >= since && c.deployment_id.as_ref().is_none_or(|d| !dropped.contains(d)));
        self.before_since = (before - self.deployments.len(), changes - self.changes.len());
    }

    /// Deployments and changes of `service`: they name it, and their ids become
    /// `SERVICE@ID` so that another repository's `v1.0` or a commit shared with it (a
    /// monorepo with one tag series per service) stays a row of its own.
    pub fn assign_service(&mut self, service: &str) {
        self.service = Some(service.to_owned());
        let prefixed = |id: &str| format!("{service}@{id}");
        for d in &mut self.deployments {
            d.external_id = prefixed(&d.external_id);
            d.service = Some(service.to_owned());
        }
        for c in &mut self.changes {
            c.external_id = prefixed(&c.external_id);
            c.deployment_id = c.deployment_id.as_deref().map(prefixed);
            c.service = Some(service.to_owned());
        }
    }

    /// The first deployment, by time, and how many changes it shipped.
    pub fn first_deployment(&self) -> Option<(String, usize)> {
        let first = self.deployments.first()?;
        let shipped = self.changes.iter().filter(|c| c.deployment_id.as_ref() == Some(&first.external_id)).count();
        Some((first.external_id.clone(), shipped))
    }
}

/// The merge commits on the first-parent history of `tip`, oldest first.
pub(super) fn first_parent_merges(graph: &Graph<'_>, tip: u32) -> Vec<DeployPoint> {
    let mut points = Vec::new();
    let mut at = Some(tip);
    while let Some(i) = at {
        let c = &graph.commits[i as usize];
        if graph.is_merge(i) {
            points.push(DeployPoint {
                id: c.sha.to_owned(),
                commit: i,
                at: c.committed_at,
                texts: vec![c.subject.to_owned()],
            });
        }
        // A first parent beyond a shallow clone's edge ends the walk.
        at = if c.parent_count > 0 && c.parents.len() == c.parent_count { c.parents.first().copied() } else { None };
    }
    points.reverse();
    points
}

/// Each point, in order, ships the commits reachable from it that no earlier point
/// reaches: the first deployment that includes a commit is the one that shipped it.
pub(super) fn derive(graph: &Graph<'_>, points: &[DeployPoint], rules: &ReworkRules) -> Derived {
    let mut out = Derived::default();
    let mut shipped = vec![false; graph.commits.len()];
    let mut stack = Vec::new();
    let mut brought = Vec::new();
    for point in points {
        brought.clear();
        stack.push(point.commit);
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut shipped[i as usize], true) {
                continue;
            }
            brought.push(i);
            stack.extend(graph.commits[i as usize].parents.iter().filter(|&&p| !shipped[p as usize]));
        }
        for &i in &brought {
            let c = &graph.commits[i as usize];
            if graph.is_merge(i) {
                out.merge_commits += 1;
            } else if graph.changes_nothing(i) {
                out.empty_commits += 1;
            } else {
                if c.committed_at > point.at {
                    out.committed_after_deployment += 1;
                }
                out.changes.push(Change {
                    external_id: c.sha.to_owned(),
                    committed_at: c.committed_at,
                    deployment_id: Some(point.id.clone()),
                    service: None,
                });
            }
        }
        let subjects = brought.iter().map(|&i| graph.commits[i as usize].subject);
        let texts = point.texts.iter().map(String::as_str).chain(subjects);
        out.deployments.push(Deployment {
            external_id: point.id.clone(),
            deployed_at: point.at,
            environment: "production".to_owned(),
            service: None,
            status: DeployStatus::Success,
            kind: rules.classify(texts),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::DeployKind;

    /// a <- b <- c (tag v1)   d (branch) <- m (merge of c and e), e <- f(empty) <- v2
    fn graph() -> String {
        [
            "f\x1fm\x1ftm\x1f60\x1fEmpty",
            "m\x1fc e\x1ftm\x1f50\x1fMerge branch 'hotfix/x'",
            "e\x1fd\x1fte\x1f40\x1fFix it",
            "d\x1fb\x1ftd\x1f35\x1fStart fix",
            "c\x1fb\x1ftc\x1f30\x1fAdd c",
            "b\x1fa\x1ftb\x1f20\x1fAdd b",
            "a\x1f\x1fta\x1f10\x1fFirst",
        ]
        .map(|r| format!("{r}\0\n"))
        .concat()
    }

    fn point(g: &Graph<'_>, id: &str, sha: &str, at: Timestamp) -> DeployPoint {
        DeployPoint { id: id.into(), commit: g.index[sha], at, texts: vec![id.into()] }
    }

    #[test]
    fn each_commit_ships_with_the_first_deployment_that_reaches_it() {
        let text = graph();
        let g = Graph::parse(&text).unwrap();
        let points = [point(&g, "v1", "c", 30), point(&g, "v2", "f", 70)];
        let d = derive(&g, &points, &ReworkRules::default());
        let shipped: Vec<(&str, &str)> =
            d.changes.iter().map(|c| (c.external_id.as_str(), c.deployment_id.as_deref().unwrap())).collect();
        let mut sorted = shipped.clone();
        sorted.sort();
        assert_eq!(sorted, [("a", "v1"), ("b", "v1"), ("c", "v1"), ("d", "v2"), ("e", "v2")]);
        assert_eq!((d.merge_commits, d.empty_commits), (1, 1));
        assert_eq!(d.deployments[0].kind, DeployKind::Planned);
        // The merge's subject names a hotfix branch.
        assert_eq!(d.deployments[1].kind, DeployKind::Hotfix);
        assert_eq!(d.committed_after_deployment, 0);
    }

    #[test]
    fn a_second_tag_on_a_shipped_commit_ships_nothing() {
        let text = graph();
        let g = Graph::parse(&text).unwrap();
        let points = [point(&g, "v1", "c", 30), point(&g, "v1-again", "c", 31)];
        let d = derive(&g, &points, &ReworkRules::default());
        assert_eq!(d.deployments.len(), 2);
        assert!(d.changes.iter().all(|c| c.deployment_id.as_deref() == Some("v1")));
    }

    #[test]
    fn merges_on_the_first_parent_history_are_the_branch_deployments() {
        let text = graph();
        let g = Graph::parse(&text).unwrap();
        let points = first_parent_merges(&g, g.index["f"]);
        assert_eq!(points.len(), 1);
        assert_eq!((points[0].id.as_str(), points[0].at), ("m", 50));
    }
}
