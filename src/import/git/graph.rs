//! What git prints, parsed: tags, and the commit graph with times, trees and subjects.
//!
//! Fields are separated by the unit separator (0x1f) and records end with NUL, which
//! commit messages cannot contain. The free-text field comes last, so a stray 0x1f in
//! a message stays in the message.

use crate::domain::Timestamp;
use rustc_hash::FxHashMap as HashMap;

/// `git for-each-ref` format for tags: name, type, object, peeled type, peeled object,
/// time (the tagger's for an annotated tag, the commit's for a lightweight one), message.
pub(super) const TAG_FORMAT: &str = "--format=%(refname:strip=2)%1f%(objecttype)%1f%(objectname)%1f\
     %(*objecttype)%1f%(*objectname)%1f%(creatordate:unix)%1f%(contents:subject)%0a%(contents:body)%00";

/// `git log` format for commits: hash, parents, tree, committer time, subject. Nothing
/// about the author or committer but the time.
pub(super) const COMMIT_FORMAT: &str = "--format=%H%x1f%P%x1f%T%x1f%ct%x1f%s%x00";

/// The trees of a commit that holds no file, in SHA-1 and SHA-256 repositories.
const EMPTY_TREES: [&str; 2] =
    ["4b825dc642cb6eb9a060e54bf8d69288fbee4904", "6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321"];

/// A tag matching the deployment glob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Tag {
    pub name: String,
    /// The commit it names; `None` for a tag of a tree, a blob or another tag.
    pub commit: Option<String>,
    /// `None` for an annotated tag without a usable tagger date (`v0.99` in git/git has
    /// no tagger line at all).
    pub at: Option<Timestamp>,
    /// An annotated tag's message; empty for a lightweight tag, whose "contents" would be
    /// its commit's whole message.
    pub message: String,
}

pub(super) fn parse_tags(out: &str) -> Result<Vec<Tag>, String> {
    records(out)
        .map(|record| {
            let f: Vec<&str> = record.splitn(7, '\x1f').collect();
            let [name, kind, object, peeled_kind, peeled, at, message] = f[..] else {
                return Err(format!("unexpected output of git for-each-ref: {record:?}"));
            };
            let commit = match (kind, peeled_kind) {
                ("commit", _) => Some(object),
                ("tag", "commit") => Some(peeled),
                _ => None,
            };
            // git prints nothing for a tag without a tagger, and 0 for a tagger line
            // without a date: neither says when the release happened.
            let at = at.parse().ok().filter(|&t: &Timestamp| t != 0);
            let message = if kind == "tag" { message.trim().to_owned() } else { String::new() };
            Ok(Tag { name: name.to_owned(), commit: commit.map(str::to_owned), at, message })
        })
        .collect()
}

/// One commit, borrowing its text from git's output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Commit<'a> {
    pub sha: &'a str,
    /// Indices of the parents that were printed (all of them, except at the edge of a
    /// shallow clone), first parent first.
    pub parents: Vec<u32>,
    /// How many parents the commit has, printed or not.
    pub parent_count: usize,
    pub tree: &'a str,
    pub committed_at: Timestamp,
    pub subject: &'a str,
}

/// Every commit reachable from the deployments, indexed by hash.
#[derive(Debug, Default)]
pub(super) struct Graph<'a> {
    pub commits: Vec<Commit<'a>>,
    pub index: HashMap<&'a str, u32>,
}

impl<'a> Graph<'a> {
    pub fn parse(out: &'a str) -> Result<Self, String> {
        let mut commits = Vec::new();
        let mut parent_shas: Vec<&str> = Vec::new();
        let mut parent_ranges = Vec::new();
        for record in records(out) {
            let f: Vec<&str> = record.splitn(5, '\x1f').collect();
            let [sha, parents, tree, at, subject] = f[..] else {
                return Err(format!("unexpected output of git log: {record:?}"));
            };
            let first = parent_shas.len();
            parent_shas.extend(parents.split_ascii_whitespace());
            parent_ranges.push(first..parent_shas.len());
            commits.push(Commit {
                sha,
                parents: Vec::new(),
                parent_count: parent_shas.len() - first,
                tree,
                committed_at: at.parse().map_err(|_| format!("commit {sha} has no usable date: {at:?}"))?,
                subject,
            });
        }
        let index: HashMap<&str, u32> = commits.iter().enumerate().map(|(i, c)| (c.sha, i as u32)).collect();
        for (commit, range) in commits.iter_mut().zip(parent_ranges) {
            commit.parents = parent_shas[range].iter().filter_map(|p| index.get(p).copied()).collect();
        }
        Ok(Graph { commits, index })
    }

    /// A commit with two parents or more.
    pub fn is_merge(&self, i: u32) -> bool {
        self.commits[i as usize].parent_count > 1
    }

    /// A non-merge commit whose tree is its parent's: it changes no file. A root commit
    /// changes nothing when its tree is empty.
    pub fn changes_nothing(&self, i: u32) -> bool {
        let c = &self.commits[i as usize];
        match (c.parent_count, c.parents.first()) {
            (0, _) => EMPTY_TREES.contains(&c.tree),
            (1, Some(&p)) => self.commits[p as usize].tree == c.tree,
            _ => false,
        }
    }
}

/// NUL-terminated records, without the newline git prints after each.
fn records(out: &str) -> impl Iterator<Item = &str> {
    out.split('\0').map(|r| r.trim_start_matches(['\n', '\r'])).filter(|r| !r.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_peel_to_commits_and_skip_other_objects() {
        let out = "v1\x1ftag\x1faaaa\x1fcommit\x1fcccc\x1f100\x1fRelease 1\n\nNotes\n\0\n\
                   v2\x1fcommit\x1fdddd\x1f\x1f\x1f200\x1fAdd x\n\0\n\
                   v3\x1ftag\x1feeee\x1ftree\x1fffff\x1f300\x1f\n\0\n\
                   v4\x1ftree\x1fgggg\x1f\x1f\x1f\x1f\n\0\n\
                   v0.99\x1ftag\x1fhhhh\x1fcommit\x1fiiii\x1f\x1fGIT 0.99\n\0\n\
                   v0.98\x1ftag\x1fjjjj\x1fcommit\x1fiiii\x1f0\x1fno date\n\0\n";
        let tags = parse_tags(out).unwrap();
        assert_eq!(tags.len(), 6);
        assert_eq!(tags[0].commit.as_deref(), Some("cccc"));
        assert_eq!(tags[0].message, "Release 1\n\nNotes");
        assert_eq!(tags[1].commit.as_deref(), Some("dddd"));
        assert_eq!(tags[1].at, Some(200));
        // A lightweight tag's "contents" are its commit's message: not a tag message.
        assert_eq!(tags[1].message, "");
        assert_eq!((tags[4].at, tags[5].at), (None, None));
        assert_eq!(tags[4].commit.as_deref(), Some("iiii"));
        assert_eq!(tags[2].commit, None);
        assert_eq!(tags[3].commit, None);
    }

    #[test]
    fn commits_link_to_printed_parents_and_know_merges_and_empty_ones() {
        let out = "m\x1fb c\x1ft3\x1f40\x1fMerge branch 'x'\0\n\
                   c\x1fa\x1ft2\x1f30\x1fAdd: with \x1f inside\0\n\
                   b\x1fa\x1ft1\x1f20\x1fEmpty\0\n\
                   a\x1fgone\x1ft1\x1f10\x1fFirst\0\n";
        let g = Graph::parse(out).unwrap();
        assert_eq!(g.commits.len(), 4);
        let m = g.index["m"];
        assert!(g.is_merge(m));
        assert_eq!(g.commits[m as usize].parents, [g.index["b"], g.index["c"]]);
        assert_eq!(g.commits[g.index["c"] as usize].subject, "Add: with \x1f inside");
        assert!(g.changes_nothing(g.index["b"]));
        assert!(!g.changes_nothing(g.index["c"]));
        // `a`'s parent lies beyond a shallow clone's edge: it changed something.
        assert!(!g.changes_nothing(g.index["a"]));
        assert!(!g.changes_nothing(m));
    }
}
