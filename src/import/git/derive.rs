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
    /// The first rework rule the tag's name or message (or the merge's subject) matches.
    pub rule: u16,
}

/// What the history says, ready for the store. The changes are kept as commits of the
/// graph and written out one at a time by [`Derived::changes`]: a million of them as
/// `Change` values would take 150 MB.
#[derive(Debug, Default)]
pub struct Derived {
    pub deployments: Vec<Deployment>,
    graph: Graph,
    /// The commits that are changes, grouped by the deployment that shipped them:
    /// deployment `k`'s end at `ends[k]`.
    shipped: Vec<u32>,
    ends: Vec<usize>,
    /// Which commits of the graph are in `shipped`.
    is_change: Vec<bool>,
    /// The changes as (commit, deployment index), in the order of their hashes.
    by_sha: Vec<(u32, u32)>,
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
    /// Every change, each naming its deployment, in the order of their hashes: the
    /// store's index of external ids then grows at its end rather than at a random page
    /// per row, which for a million changes made SQLite read its pages back constantly
    /// (a third of the import's time, in perf).
    pub fn changes(&self) -> impl Iterator<Item = Change> + '_ {
        self.by_sha.iter().map(|&(i, k)| self.change(i, &self.deployments[k as usize]))
    }

    fn change(&self, i: u32, deployment: &Deployment) -> Change {
        let mut external_id = String::with_capacity(self.service.as_ref().map_or(0, |s| s.len() + 1) + 64);
        if let Some(service) = &self.service {
            external_id.push_str(service);
            external_id.push('@');
        }
        self.graph.push_sha(i, &mut external_id);
        Change {
            external_id,
            committed_at: self.graph.commit(i).committed_at,
            deployment_id: Some(deployment.external_id.clone()),
            service: self.service.clone(),
        }
    }

    /// How many changes [`Derived::changes`] yields.
    pub fn change_count(&self) -> usize {
        self.shipped.len()
    }

    /// Whether `external_id` is the id of one of the changes.
    pub fn holds_change(&self, external_id: &str) -> bool {
        let sha = match &self.service {
            Some(service) => external_id.strip_prefix(service.as_str()).and_then(|id| id.strip_prefix('@')),
            None => Some(external_id),
        };
        sha.and_then(|sha| self.graph.lookup(sha)).is_some_and(|i| self.is_change[i as usize])
    }

    /// Drops the deployments before `since` and the commits made before it (with the
    /// changes of the dropped deployments, which clock skew alone can date after it).
    pub fn leave_out_before(&mut self, since: Timestamp) {
        let (deployments, changes) = (self.deployments.len(), self.shipped.len());
        let mut shipped = Vec::new();
        let mut ends = Vec::new();
        let mut start = 0;
        let graph = &self.graph;
        let mut kept = Vec::new();
        for (d, &end) in std::mem::take(&mut self.deployments).into_iter().zip(&self.ends) {
            let range = start..end;
            start = end;
            if d.deployed_at < since {
                continue;
            }
            shipped.extend(self.shipped[range].iter().copied().filter(|&i| graph.commit(i).committed_at >= since));
            ends.push(shipped.len());
            kept.push(d);
        }
        (self.deployments, self.shipped, self.ends) = (kept, shipped, ends);
        self.before_since = (deployments - self.deployments.len(), changes - self.shipped.len());
        self.mark_changes();
    }

    fn mark_changes(&mut self) {
        self.is_change = vec![false; self.graph.len()];
        for &i in &self.shipped {
            self.is_change[i as usize] = true;
        }
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        let mut by_sha = Vec::with_capacity(self.shipped.len());
        for (k, (start, &end)) in starts.zip(&self.ends).enumerate() {
            by_sha.extend(self.shipped[start..end].iter().map(|&i| (i, k as u32)));
        }
        // By the first 8 bytes of the hash, read as a big-endian number: the hashes'
        // order wherever those differ (two of a million commits share them once in
        // tens of millions of histories, and the order only speeds up the load), and a
        // comparison of two integers rather than of two byte slices.
        let graph = &self.graph;
        by_sha.sort_unstable_by_key(|&(i, _)| {
            let mut prefix = [0u8; 8];
            prefix.copy_from_slice(&graph.sha_bytes(i)[..8]);
            u64::from_be_bytes(prefix)
        });
        self.by_sha = by_sha;
    }

    /// Deployments and changes of `service`: they name it, and their ids become
    /// `SERVICE@ID` so that another repository's `v1.0` or a commit shared with it (a
    /// monorepo with one tag series per service) stays a row of its own.
    pub fn assign_service(&mut self, service: &str) {
        self.service = Some(service.to_owned());
        for d in &mut self.deployments {
            d.external_id = format!("{service}@{}", d.external_id);
            d.service = Some(service.to_owned());
        }
    }

    /// The first deployment, by time, and how many changes it shipped.
    pub fn first_deployment(&self) -> Option<(String, usize)> {
        Some((self.deployments.first()?.external_id.clone(), self.ends[0]))
    }
}

/// The merge commits on the first-parent history of `tip`, oldest first.
pub(super) fn first_parent_merges(graph: &Graph, tip: u32) -> Vec<DeployPoint> {
    let mut points = Vec::new();
    let mut at = Some(tip);
    while let Some(i) = at {
        let c = graph.commit(i);
        if graph.is_merge(i) {
            points.push(DeployPoint { id: graph.sha(i), commit: i, at: c.committed_at, rule: c.rule });
        }
        // A first parent beyond a shallow clone's edge ends the walk.
        let parents = graph.parents(i);
        at = if c.parent_count > 0 && parents.len() == c.parent_count as usize {
            parents.first().copied()
        } else {
            None
        };
    }
    points.reverse();
    points
}

/// Each point, in order, ships the commits reachable from it that no earlier point
/// reaches: the first deployment that includes a commit is the one that shipped it. Its
/// kind is that of the first rework rule its own texts or those commits' subjects match.
pub(super) fn derive(graph: Graph, points: &[DeployPoint], rules: &ReworkRules) -> Derived {
    let mut out = Derived::default();
    let mut reached = vec![false; graph.len()];
    let mut stack = Vec::new();
    for point in points {
        let mut rule = point.rule;
        stack.push(point.commit);
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut reached[i as usize], true) {
                continue;
            }
            let c = graph.commit(i);
            rule = rule.min(c.rule);
            if graph.is_merge(i) {
                out.merge_commits += 1;
            } else if graph.changes_nothing(i) {
                out.empty_commits += 1;
            } else {
                if c.committed_at > point.at {
                    out.committed_after_deployment += 1;
                }
                out.shipped.push(i);
            }
            stack.extend(graph.parents(i).iter().filter(|&&p| !reached[p as usize]));
        }
        out.ends.push(out.shipped.len());
        out.deployments.push(Deployment {
            external_id: point.id.clone(),
            deployed_at: point.at,
            environment: "production".to_owned(),
            service: None,
            status: DeployStatus::Success,
            kind: rules.kind(rule),
        });
    }
    out.graph = graph;
    out.mark_changes();
    out
}

#[cfg(test)]
mod tests {
    use super::super::graph::test_sha;
    use super::*;
    use crate::domain::DeployKind;

    /// a <- b <- c (tag v1)   d (branch) <- m (merge of c and e), e <- f(empty) <- v2
    fn graph(rules: &ReworkRules) -> Graph {
        let s = test_sha;
        let text = [
            ("f", "m", "tm", 60, "Empty"),
            ("m", "c e", "tm", 50, "Merge branch 'hotfix/x'"),
            ("e", "d", "te", 40, "Fix it"),
            ("d", "b", "td", 35, "Start fix"),
            ("c", "b", "tc", 30, "Add c"),
            ("b", "a", "tb", 20, "Add b"),
            ("a", "", "ta", 10, "First"),
        ]
        .map(|(sha, parents, tree, at, subject)| {
            let parents: Vec<String> = parents.split(' ').filter(|p| !p.is_empty()).map(s).collect();
            format!("{}\x1f{}\x1f{}\x1f{at}\x1f{subject}\0\n", s(sha), parents.join(" "), s(tree))
        })
        .concat();
        Graph::read(&mut text.as_bytes(), |subject| rules.first_rule(subject)).unwrap()
    }

    fn point(g: &Graph, rules: &ReworkRules, id: &str, sha: &str, at: Timestamp) -> DeployPoint {
        DeployPoint {
            id: id.into(),
            commit: g.lookup(&test_sha(sha)).unwrap(),
            at,
            rule: rules.first_rule(id.as_bytes()),
        }
    }

    #[test]
    fn each_commit_ships_with_the_first_deployment_that_reaches_it() {
        let rules = ReworkRules::default();
        let g = graph(&rules);
        let points = [point(&g, &rules, "v1", "c", 30), point(&g, &rules, "v2", "f", 70)];
        let d = derive(g, &points, &rules);
        let mut shipped: Vec<(String, String)> =
            d.changes().map(|c| (c.external_id, c.deployment_id.unwrap())).collect();
        shipped.sort();
        let mut expected: Vec<(String, String)> = [("a", "v1"), ("b", "v1"), ("c", "v1"), ("d", "v2"), ("e", "v2")]
            .map(|(c, d)| (test_sha(c), d.to_owned()))
            .to_vec();
        expected.sort();
        assert_eq!(shipped, expected);
        assert_eq!(d.change_count(), 5);
        assert!(d.holds_change(&test_sha("d")) && !d.holds_change(&test_sha("m")) && !d.holds_change("d"));
        assert_eq!(d.first_deployment(), Some(("v1".to_owned(), 3)));
        assert_eq!((d.merge_commits, d.empty_commits), (1, 1));
        assert_eq!(d.deployments[0].kind, DeployKind::Planned);
        // The merge's subject names a hotfix branch.
        assert_eq!(d.deployments[1].kind, DeployKind::Hotfix);
        assert_eq!(d.committed_after_deployment, 0);
    }

    #[test]
    fn a_second_tag_on_a_shipped_commit_ships_nothing() {
        let rules = ReworkRules::default();
        let g = graph(&rules);
        let points = [point(&g, &rules, "v1", "c", 30), point(&g, &rules, "v1-again", "c", 31)];
        let d = derive(g, &points, &rules);
        assert_eq!(d.deployments.len(), 2);
        assert!(d.changes().all(|c| c.deployment_id.as_deref() == Some("v1")));
    }

    #[test]
    fn a_service_prefixes_the_ids_and_since_leaves_out_what_came_before() {
        let rules = ReworkRules::default();
        let g = graph(&rules);
        let points = [point(&g, &rules, "v1", "c", 30), point(&g, &rules, "v2", "f", 70)];
        let mut d = derive(g, &points, &rules);
        d.assign_service("api");
        d.leave_out_before(36);
        // v1 and its changes go; of v2's, d (35) was committed before the day.
        assert_eq!(d.before_since, (1, 4));
        let changes: Vec<Change> = d.changes().collect();
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].external_id, format!("api@{}", test_sha("e")));
        assert_eq!((changes[0].deployment_id.as_deref(), changes[0].service.as_deref()), (Some("api@v2"), Some("api")));
        assert!(d.holds_change(&format!("api@{}", test_sha("e"))));
        assert!(!d.holds_change(&test_sha("e")) && !d.holds_change(&format!("api@{}", test_sha("d"))));
    }

    #[test]
    fn merges_on_the_first_parent_history_are_the_branch_deployments() {
        let rules = ReworkRules::default();
        let g = graph(&rules);
        let points = first_parent_merges(&g, g.lookup(&test_sha("f")).unwrap());
        assert_eq!(points.len(), 1);
        assert_eq!((points[0].id.clone(), points[0].at), (test_sha("m"), 50));
        assert_eq!(rules.kind(points[0].rule), DeployKind::Hotfix);
    }
}
