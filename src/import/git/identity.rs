//! Which repository this is: the key its deployments and changes are stored under.
//!
//! A folder's name is not an identity (two clones called `repo`, or `.` in a
//! subfolder): the key is the origin's URL when there is one, without credentials or
//! user, else the repository's top-level folder. That folder's path is not stored as
//! such, since it often holds a person's login (`/home/ada/...`): the key keeps the
//! folder's name and a hash of the whole path.

use super::GitImportError;
use super::command::Git;
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Identity {
    /// `git:github.com/acme/shop`, or `git:shop@1f0c9a3b7e2d4a61` (the folder's name and
    /// a hash of its path) without an origin.
    pub source: String,
    /// `git:NAME`, NAME being the folder's name (as given, and the top level's): the
    /// keys earlier retros used.
    pub folder_keys: Vec<String>,
    /// The folder's key when the key is the origin's URL: the key before it had one.
    pub path_key: Option<String>,
}

pub(super) fn identify(git: &Git, given: &Path) -> Result<Identity, GitImportError> {
    let bare = git.run(&["rev-parse", "--is-bare-repository"], None)?.trim_ascii() == b"true";
    let top = if bare { "--absolute-git-dir" } else { "--show-toplevel" };
    let top = String::from_utf8_lossy(&git.run(&["rev-parse", top], None)?).trim().to_owned();
    // `git config --get` fails when the key is not set: no origin.
    let origin = git
        .run(&["config", "--get", "remote.origin.url"], None)
        .ok()
        .map(|out| String::from_utf8_lossy(&out).trim().to_owned())
        .filter(|url| !url.is_empty());
    let key = origin.as_deref().and_then(normalize_url);
    let folder = folder_key(&top);
    let path_key = key.is_some().then(|| format!("git:{folder}"));
    let key = key.unwrap_or(folder);
    let mut folder_keys: Vec<String> = Vec::new();
    let given = given.canonicalize().unwrap_or_else(|_| given.to_path_buf());
    for folder in [given.as_path(), Path::new(&top)] {
        if let Some(name) = folder.file_name() {
            let name = format!("git:{}", name.to_string_lossy());
            if !folder_keys.contains(&name) {
                folder_keys.push(name);
            }
        }
    }
    Ok(Identity { source: format!("git:{key}"), folder_keys, path_key })
}

/// `NAME@HASH`: the folder's name, for people to read, and a hash of its whole path
/// (FNV-1a, stable across builds), for the identity.
fn folder_key(top: &str) -> String {
    let hash = top.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    let name = Path::new(top).file_name().map_or_else(|| top.to_owned(), |n| n.to_string_lossy().into_owned());
    format!("{name}@{hash:016x}")
}

/// `host/path` for a remote URL (`https://user:token@Host/acme/shop.git`,
/// `git@host:acme/shop.git` and `ssh://git@host/acme/shop` are all `host/acme/shop`),
/// so that no credential or user name is stored and one repository has one key
/// whichever protocol a clone uses. `None` for a local path, which names a folder.
fn normalize_url(url: &str) -> Option<String> {
    let (host, path) = match url.split_once("://") {
        Some((scheme, _)) if scheme.eq_ignore_ascii_case("file") => return None,
        Some((_, rest)) => rest.split_once('/').unwrap_or((rest, "")),
        // scp-like `[user@]host:path`, where no `/` comes before the colon.
        None => match url.split_once(':') {
            Some((host, path)) if !host.contains('/') && !host.is_empty() && host.len() > 1 => (host, path),
            _ => return None,
        },
    };
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h).to_ascii_lowercase();
    let path = path.trim_matches('/');
    let path = path.strip_suffix(".git").unwrap_or(path).trim_end_matches('/');
    Some(if path.is_empty() { host } else { format!("{host}/{path}") })
}

#[cfg(test)]
mod tests {
    use super::{folder_key, normalize_url};

    #[test]
    fn a_folder_is_keyed_by_its_name_and_a_hash_of_its_path() {
        let key = folder_key("/home/ada/src/repo");
        assert!(key.starts_with("repo@") && key.len() == "repo@".len() + 16, "{key}");
        assert!(!key.contains("ada"));
        assert_ne!(key, folder_key("/home/bo/src/repo"));
        assert_eq!(key, folder_key("/home/ada/src/repo"));
    }

    #[test]
    fn one_key_per_remote_without_credentials() {
        let key = Some("github.com/acme/shop".to_owned());
        for url in [
            "https://github.com/acme/shop.git",
            "https://ada:ghp_secret@GitHub.com/acme/shop",
            "git@github.com:acme/shop.git",
            "ssh://git@github.com/acme/shop.git/",
        ] {
            assert_eq!(normalize_url(url), key, "{url}");
        }
        assert_eq!(normalize_url("ssh://git@host:2222/x"), Some("host:2222/x".to_owned()));
        // Local folders and Windows drive letters are paths, not remotes.
        for path in ["/srv/git/shop.git", "../shop", "file:///srv/git/shop.git", "C:/repos/shop"] {
            assert_eq!(normalize_url(path), None, "{path}");
        }
    }
}
