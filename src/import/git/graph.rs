//! The commit graph `git log` prints, read as it streams.
//!
//! Fields are separated by the unit separator (0x1f) and records end with NUL, which
//! commit messages cannot contain. The free-text field comes last, so a stray 0x1f in
//! a message stays in the message.
//!
//! A history the size of the Linux kernel's has a million commits and git prints 190 MB
//! about them, so nothing is kept as text: hashes are stored as bytes in one array, a
//! commit refers to its parents by index, and a subject is kept only as the first rework
//! rule it matches: about 75 bytes a commit.

use crate::domain::Timestamp;
use hashbrown::HashTable;
use std::io::BufRead;

/// `git log` format for commits: hash, parents, tree, committer time, subject. Nothing
/// about the author or committer but the time.
pub(super) const COMMIT_FORMAT: &str = "--format=%H%x1f%P%x1f%T%x1f%ct%x1f%s%x00";

/// The trees of a commit that holds no file, in SHA-1 and SHA-256 repositories.
const EMPTY_TREES: [&str; 2] =
    ["4b825dc642cb6eb9a060e54bf8d69288fbee4904", "6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321"];

/// One commit git printed, or a parent it did not print (beyond a shallow clone's edge).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Commit {
    pub committed_at: Timestamp,
    /// Where its printed parents start in [`Graph::parents`], first parent first.
    parents_at: u32,
    printed_parents: u32,
    /// How many parents the commit has, printed or not.
    pub parent_count: u32,
    /// The first rework rule its subject matches, or [`NO_RULE`].
    pub rule: u16,
    printed: bool,
}

/// Every commit reachable from the deployments, indexed by hash.
#[derive(Debug, Default)]
pub(super) struct Graph {
    /// Bytes per hash: 20 for SHA-1, 32 for SHA-256.
    width: usize,
    /// Commit `i`'s hash and tree are at `i * width` in these.
    shas: Vec<u8>,
    trees: Vec<u8>,
    commits: Vec<Commit>,
    parents: Vec<u32>,
    index: HashTable<u32>,
}

impl Graph {
    /// Reads `git log`'s output in [`COMMIT_FORMAT`]; `rule_of` gives the first rework
    /// rule a subject matches.
    #[cfg(test)]
    pub fn read(out: &mut dyn BufRead, rule_of: impl Fn(&[u8]) -> u16) -> Result<Self, String> {
        Ok(Self::read_part(out, rule_of)?.finish())
    }

    /// [`Graph::read`] of one part of a history ([`Graph::absorb`] adds the others): the
    /// parents it did not print are kept, as another part may print them.
    pub fn read_part(out: &mut dyn BufRead, rule_of: impl Fn(&[u8]) -> u16) -> Result<Self, String> {
        let mut graph = Graph::default();
        let mut record = Vec::with_capacity(256);
        let mut oid = [0u8; 32];
        loop {
            record.clear();
            if out.read_until(0, &mut record).map_err(|e| e.to_string())? == 0 {
                break;
            }
            let text = record.strip_suffix(b"\0").unwrap_or(&record);
            let start = text.iter().position(|b| !matches!(b, b'\n' | b'\r')).unwrap_or(text.len());
            let text = &text[start..];
            if text.is_empty() {
                continue;
            }
            let bad = || format!("unexpected output of git log: {:?}", String::from_utf8_lossy(text));
            let mut fields = text.splitn(5, |&b| b == 0x1f);
            let (Some(sha), Some(parents), Some(tree), Some(at), Some(subject)) =
                (fields.next(), fields.next(), fields.next(), fields.next(), fields.next())
            else {
                return Err(bad());
            };
            if graph.width == 0 {
                graph.width = sha.len() / 2;
            }
            let i = graph.intern(decode(sha, &mut oid).ok_or_else(bad)?).ok_or_else(bad)?;
            if graph.commits[i as usize].printed {
                continue;
            }
            let parents_at = graph.parents.len() as u32;
            for parent in parents.split(|&b| b == b' ').filter(|p| !p.is_empty()) {
                let p = graph.intern(decode(parent, &mut oid).ok_or_else(bad)?).ok_or_else(bad)?;
                graph.parents.push(p);
            }
            let tree = decode(tree, &mut oid).filter(|t| t.len() == graph.width).ok_or_else(bad)?;
            let w = graph.width;
            graph.trees[i as usize * w..][..w].copy_from_slice(tree);
            let committed_at = std::str::from_utf8(at).ok().and_then(|a| a.parse().ok()).ok_or_else(|| {
                format!("commit {} has no usable date: {:?}", graph.sha(i), String::from_utf8_lossy(at))
            })?;
            let count = graph.parents.len() as u32 - parents_at;
            graph.commits[i as usize] = Commit {
                committed_at,
                parents_at,
                printed_parents: count,
                parent_count: count,
                rule: rule_of(subject),
                printed: true,
            };
        }
        Ok(graph)
    }

    /// Adds the commits another part of the history printed, as if read here; a commit
    /// both parts printed is kept once.
    pub fn absorb(&mut self, other: Graph) -> Result<(), String> {
        if other.width == 0 {
            return Ok(());
        }
        if self.width == 0 {
            *self = other;
            return Ok(());
        }
        if other.width != self.width {
            return Err("git log printed hashes of two widths".into());
        }
        let w = self.width;
        // Where each commit of `other` lands here, printed there or only named as a parent.
        let mut at = Vec::with_capacity(other.commits.len());
        for j in 0..other.commits.len() as u32 {
            at.push(self.intern(other.sha_bytes(j)).expect("the widths are equal"));
        }
        for (j, c) in other.commits.iter().enumerate().filter(|(_, c)| c.printed) {
            let i = at[j] as usize;
            if self.commits[i].printed {
                continue;
            }
            let parents_at = self.parents.len() as u32;
            self.parents.extend(other.parents(j as u32).iter().map(|&p| at[p as usize]));
            self.trees[i * w..][..w].copy_from_slice(&other.trees[j * w..][..w]);
            self.commits[i] = Commit { parents_at, ..*c };
        }
        Ok(())
    }

    /// The graph of the whole history, once every part is read: parents no part printed
    /// lie beyond a shallow clone's edge.
    pub fn finish(mut self) -> Self {
        self.drop_unprinted_parents();
        self
    }

    /// The index of the commit with this hash, added if new; `None` when the hash's
    /// width is not the history's.
    fn intern(&mut self, oid: &[u8]) -> Option<u32> {
        let w = self.width;
        if oid.len() != w {
            return None;
        }
        let shas = &self.shas;
        let found = self.index.find(key(oid), |&i| &shas[i as usize * w..][..w] == oid);
        if let Some(&i) = found {
            return Some(i);
        }
        let i = self.commits.len() as u32;
        self.shas.extend_from_slice(oid);
        self.trees.resize(self.trees.len() + w, 0);
        self.commits.push(Commit::default());
        let shas = &self.shas;
        self.index.insert_unique(key(oid), i, |&j| key(&shas[j as usize * w..][..w]));
        Some(i)
    }

    /// Parents git did not print lie beyond a shallow clone's edge: not in the graph.
    fn drop_unprinted_parents(&mut self) {
        let printed: Vec<bool> = self.commits.iter().map(|c| c.printed).collect();
        if self.parents.iter().all(|&p| printed[p as usize]) {
            return;
        }
        let mut kept = Vec::with_capacity(self.parents.len());
        for c in self.commits.iter_mut().filter(|c| c.printed) {
            let range = c.parents_at as usize..(c.parents_at + c.printed_parents) as usize;
            let at = kept.len() as u32;
            kept.extend(self.parents[range].iter().copied().filter(|&p| printed[p as usize]));
            c.parents_at = at;
            c.printed_parents = kept.len() as u32 - at;
        }
        self.parents = kept;
    }

    /// How many commits the graph knows, printed or not: indices run below it.
    pub fn len(&self) -> usize {
        self.commits.len()
    }

    /// The printed commit with this hash (hex, any case).
    pub fn lookup(&self, hex: &str) -> Option<u32> {
        let mut oid = [0u8; 32];
        let oid = decode(hex.as_bytes(), &mut oid)?;
        let w = self.width;
        if oid.len() != w {
            return None;
        }
        let i = *self.index.find(key(oid), |&i| &self.shas[i as usize * w..][..w] == oid)?;
        self.commits[i as usize].printed.then_some(i)
    }

    pub fn commit(&self, i: u32) -> &Commit {
        &self.commits[i as usize]
    }

    /// The printed parents of commit `i`, first parent first.
    pub fn parents(&self, i: u32) -> &[u32] {
        let c = &self.commits[i as usize];
        &self.parents[c.parents_at as usize..][..c.printed_parents as usize]
    }

    /// Commit `i`'s hash, in lowercase hex as git prints it.
    pub fn sha(&self, i: u32) -> String {
        let mut out = String::with_capacity(self.width * 2);
        self.push_sha(i, &mut out);
        out
    }

    /// Commit `i`'s hash as bytes: ordered as its hex is.
    pub fn sha_bytes(&self, i: u32) -> &[u8] {
        &self.shas[i as usize * self.width..][..self.width]
    }

    pub fn push_sha(&self, i: u32, out: &mut String) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        for &b in self.sha_bytes(i) {
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 15)] as char);
        }
    }

    /// A commit with two parents or more.
    pub fn is_merge(&self, i: u32) -> bool {
        self.commits[i as usize].parent_count > 1
    }

    /// A non-merge commit whose tree is its parent's: it changes no file. A root commit
    /// changes nothing when its tree is empty.
    pub fn changes_nothing(&self, i: u32) -> bool {
        let c = &self.commits[i as usize];
        let tree = |i: u32| &self.trees[i as usize * self.width..][..self.width];
        match (c.parent_count, self.parents(i).first()) {
            (0, _) => {
                let mut empty = [0u8; 32];
                EMPTY_TREES.iter().any(|t| decode(t.as_bytes(), &mut empty) == Some(tree(i)))
            }
            (1, Some(&p)) => tree(p) == tree(i),
            _ => false,
        }
    }
}

/// Where a hash goes in the index: its first bytes, which are already uniform.
fn key(oid: &[u8]) -> u64 {
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&oid[..8]);
    u64::from_le_bytes(bytes)
}

/// The bytes of a full hash written in hex (40 or 64 digits).
fn decode<'a>(hex: &[u8], out: &'a mut [u8; 32]) -> Option<&'a [u8]> {
    if !matches!(hex.len(), 40 | 64) {
        return None;
    }
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    for (k, pair) in hex.chunks_exact(2).enumerate() {
        out[k] = (digit(pair[0])? << 4) | digit(pair[1])?;
    }
    Some(&out[..hex.len() / 2])
}

/// A stand-in hash for tests: `name` spelled in hex and padded to 40 digits.
#[cfg(test)]
pub(super) fn test_sha(name: &str) -> String {
    let hex: String = name.bytes().map(|b| format!("{b:02x}")).collect();
    format!("{hex:0<40}")
}

#[cfg(test)]
mod tests {
    use super::super::rework::NO_RULE;
    use super::*;

    fn read(text: &str) -> Graph {
        Graph::read(&mut text.as_bytes(), |s| if s.starts_with(b"Merge") { 0 } else { NO_RULE }).unwrap()
    }

    #[test]
    fn commits_link_to_printed_parents_and_know_merges_and_empty_ones() {
        let [m, a, b, c, gone] = ["m", "a", "b", "c", "gone"].map(test_sha);
        let [t1, t2, t3] = ["t1", "t2", "t3"].map(test_sha);
        let out = format!(
            "{m}\x1f{b} {c}\x1f{t3}\x1f40\x1fMerge branch 'x'\0\n\
             {c}\x1f{a}\x1f{t2}\x1f30\x1fAdd: with \x1f inside\0\n\
             {b}\x1f{a}\x1f{t1}\x1f20\x1fEmpty\0\n\
             {a}\x1f{gone}\x1f{t1}\x1f10\x1fFirst\0\n"
        );
        let g = read(&out);
        let [im, ia, ib, ic] = [&m, &a, &b, &c].map(|s| g.lookup(s).unwrap());
        assert!(g.is_merge(im));
        assert_eq!(g.parents(im), [ib, ic]);
        assert_eq!(g.commit(im).rule, 0);
        assert_eq!(g.commit(ic).rule, NO_RULE);
        assert_eq!((g.commit(ic).committed_at, g.sha(ic)), (30, c.clone()));
        assert!(g.changes_nothing(ib));
        assert!(!g.changes_nothing(ic));
        // `a`'s parent lies beyond a shallow clone's edge: it changed something, and it
        // is not a commit of the graph.
        assert_eq!((g.parents(ia), g.commit(ia).parent_count), (&[][..], 1));
        assert!(!g.changes_nothing(ia));
        assert_eq!(g.lookup(&gone), None);
        assert!(!g.changes_nothing(im));
        // Upper-case hex names the same commit.
        assert_eq!(g.lookup(&m.to_uppercase()), Some(im));
    }

    /// Every printed commit with what the graph says of it, by hash.
    fn dump(g: &Graph) -> Vec<(String, Vec<String>, i64, u32, u16, bool)> {
        let mut out: Vec<_> = (0..g.len() as u32)
            .filter(|&i| g.commits[i as usize].printed)
            .map(|i| {
                let c = g.commit(i);
                let parents = g.parents(i).iter().map(|&p| g.sha(p)).collect();
                (g.sha(i), parents, c.committed_at, c.parent_count, c.rule, g.changes_nothing(i))
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn parts_read_apart_make_the_graph_read_whole() {
        let [m, a, b, c, d, gone] = ["m", "a", "b", "c", "d", "gone"].map(test_sha);
        let [t1, t2] = ["t1", "t2"].map(test_sha);
        let line = |sha: &str, parents: &str, tree: &str, at: u32, subject: &str| {
            format!("{sha}\x1f{parents}\x1f{tree}\x1f{at}\x1f{subject}\0\n")
        };
        let lines = [
            line(&m, &format!("{d} {c}"), &t2, 50, "Merge branch 'old'"),
            line(&d, &b, &t2, 40, "Newer"),
            line(&c, &a, &t1, 30, "Old branch"),
            line(&b, &a, &t1, 20, "Empty"),
            line(&a, &gone, &t1, 10, "First"),
        ];
        let whole = read(&lines.concat());
        // The newer part reaches into the older one through its parents, and both print
        // `c` (a branch older than the split, merged later).
        let newer = [&lines[0], &lines[1], &lines[2]].map(String::as_str).concat();
        let older = [&lines[2], &lines[3], &lines[4]].map(String::as_str).concat();
        let rule = |s: &[u8]| if s.starts_with(b"Merge") { 0 } else { NO_RULE };
        for (first, second) in [(&older, &newer), (&newer, &older)] {
            let mut g = Graph::read_part(&mut first.as_bytes(), rule).unwrap();
            g.absorb(Graph::read_part(&mut second.as_bytes(), rule).unwrap()).unwrap();
            let g = g.finish();
            assert_eq!(dump(&g), dump(&whole));
            assert_eq!(g.lookup(&gone), None);
        }
        // A part that printed nothing changes nothing.
        let mut g = Graph::read_part(&mut older.as_bytes(), rule).unwrap();
        g.absorb(Graph::read_part(&mut "".as_bytes(), rule).unwrap()).unwrap();
        let mut empty = Graph::default();
        empty.absorb(Graph::read_part(&mut older.as_bytes(), rule).unwrap()).unwrap();
        assert_eq!(dump(&g.finish()), dump(&empty.finish()));
    }

    #[test]
    fn a_root_commit_with_the_empty_tree_changes_nothing() {
        let [a, b] = ["a", "b"].map(test_sha);
        let g =
            read(&format!("{b}\x1f\x1f{}\x1f5\x1fStart\0\n{a}\x1f\x1f{}\x1f5\x1fx\0\n", EMPTY_TREES[0], test_sha("t")));
        assert!(g.changes_nothing(g.lookup(&b).unwrap()));
        assert!(!g.changes_nothing(g.lookup(&a).unwrap()));
    }

    #[test]
    fn output_that_is_not_a_history_is_an_error() {
        for out in ["not a commit\0", &format!("{}\x1f\x1fshort\x1f5\x1fx\0", test_sha("a"))] {
            let err = Graph::read(&mut out.as_bytes(), |_| NO_RULE).unwrap_err();
            assert!(err.starts_with("unexpected output of git log"), "{err}");
        }
        let err =
            Graph::read(&mut format!("{}\x1f\x1f{}\x1fsoon\x1fx\0", test_sha("a"), test_sha("t")).as_bytes(), |_| {
                NO_RULE
            })
            .unwrap_err();
        assert!(err.contains("has no usable date"), "{err}");
    }
}
