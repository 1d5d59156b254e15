//! The tags `git for-each-ref` prints: name, the commit each names, its time and message.

use crate::domain::Timestamp;

/// `git for-each-ref` format for tags: name, type, object, peeled type, peeled object,
/// time (the tagger's for an annotated tag, the commit's for a lightweight one), message.
pub(super) const TAG_FORMAT: &str = "--format=%(refname:strip=2)%1f%(objecttype)%1f%(objectname)%1f\
     %(*objecttype)%1f%(*objectname)%1f%(creatordate:unix)%1f%(contents:subject)%0a%(contents:body)%00";

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
}
