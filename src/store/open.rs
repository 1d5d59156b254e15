//! What is at a store's path before SQLite is asked to open it, and how a store that
//! cannot be written is still read.
//!
//! SQLite opens a folder, a device or a truncated file without complaint and fails
//! later with a message that names neither the file nor the problem; these checks say
//! what is wrong, with the path, before anything is read or written.

use super::StoreError;
use rusqlite::{ErrorCode, OpenFlags};
use std::io::Read;
use std::path::{Path, PathBuf};

/// What is at a store's path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// Nothing yet.
    Nothing,
    /// A zero-length file: SQLite would take it for a new, empty database.
    EmptyFile,
    /// A file with something in it (whether it is a retro store is decided on opening).
    File,
}

/// Looks at `path` without opening it: a folder or something other than a regular file
/// (a device such as /dev/null, a pipe, a socket) is refused here, and a file whose
/// SQLite header says it is longer than it is, is damaged.
pub fn inspect(path: &Path) -> Result<Found, StoreError> {
    let shown = || path.display().to_string();
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Found::Nothing),
        Err(e) => return Err(StoreError::Unreadable { path: shown(), reason: e.to_string() }),
    };
    if meta.is_dir() {
        return Err(StoreError::IsAFolder { path: shown() });
    }
    if !meta.is_file() {
        return Err(StoreError::NotAFile { path: shown() });
    }
    if meta.len() == 0 {
        return Ok(Found::EmptyFile);
    }
    if let Some(reason) = truncation(path, meta.len()) {
        return Err(StoreError::Damaged { path: shown(), reason });
    }
    Ok(Found::File)
}

/// What SQLite itself says of a truncated file once it reads past the end (SQLITE_CORRUPT).
const MALFORMED: &str = "SQLite: database disk image is malformed";

/// Why an SQLite file is shorter than its own header says, if it is. Only a file whose
/// write-ahead log is empty can be judged: pages committed to the log have not reached
/// the file yet.
fn truncation(path: &Path, len: u64) -> Option<String> {
    let mut header = [0u8; 100];
    let mut file = std::fs::File::open(path).ok()?;
    file.read_exact(&mut header).ok()?;
    if &header[..16] != b"SQLite format 3\0" || wal_has_frames(path) {
        return None;
    }
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536,
        n => u64::from(n),
    };
    if page_size < 512 || !page_size.is_power_of_two() {
        return None; // Not a header SQLite wrote; opening it says so.
    }
    let be32 = |at: usize| u64::from(u32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]]));
    // The page count is valid only when the version-valid-for number matches the change counter.
    let pages = (be32(24) == be32(92)).then(|| be32(28)).filter(|&n| n > 0);
    let whole = len / page_size;
    match pages {
        Some(pages) if whole < pages => {
            Some(format!("{MALFORMED}; the file is cut short: it holds {whole} of its {pages} pages"))
        }
        _ if !len.is_multiple_of(page_size) => Some(format!(
            "{MALFORMED}; the file is cut short: its {len} bytes are not a whole number of {page_size}-byte pages"
        )),
        _ => None,
    }
}

/// The store's write-ahead log, beside it.
fn wal_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push("-wal");
    PathBuf::from(name)
}

/// Whether the store's write-ahead log holds anything (a writer is open, or one ended
/// without a checkpoint).
pub(super) fn wal_has_frames(path: &Path) -> bool {
    std::fs::metadata(wal_path(path)).is_ok_and(|m| m.len() > 0)
}

/// Flags for reading a store without the right to change it.
pub(super) fn read_only_flags() -> OpenFlags {
    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI
}

/// Flags for writing an existing store, never creating one.
pub(super) fn existing_flags() -> OpenFlags {
    OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI
}

/// Whether this process may write the store file: opened for writing (never created
/// nor truncated) and closed at once, which asks the system rather than guessing from
/// permission bits.
pub(super) fn file_is_writable(path: &Path) -> bool {
    std::fs::OpenOptions::new().write(true).open(path).is_ok()
}

/// What to open a store that cannot be written with: the path itself, or the URI that
/// opens it immutable.
///
/// A WAL database needs a shared-memory (-shm) file even to be read. A read-only folder
/// cannot hold one, and beside a read-only file SQLite makes one as read-only as the
/// file and cannot remove it, where it later stops the store's owner from writing. So
/// when neither the -shm file nor any logged page exists, the store is opened immutable
/// (read straight from the file, no -shm): right because the log is empty and nothing
/// here can write the file. When a -shm file already exists, SQLite reads through it.
pub(super) fn read_only_target(path: &Path) -> PathBuf {
    let mut shm = path.as_os_str().to_owned();
    shm.push("-shm");
    if wal_has_frames(path) || Path::new(&shm).exists() {
        return path.to_path_buf();
    }
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut uri = String::from("file:");
    for &b in absolute.as_os_str().as_encoded_bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.push_str("?immutable=1");
    PathBuf::from(uri)
}

/// Whether an open failed because the store (or its folder) cannot be written: then it
/// is opened read-only instead.
pub(super) fn is_not_writable(e: &StoreError) -> bool {
    matches!(sqlite_code(e), Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen))
}

fn sqlite_code(e: &StoreError) -> Option<ErrorCode> {
    match e {
        StoreError::Sqlite(e) => e.sqlite_error_code(),
        StoreError::Open { code, .. } => *code,
        StoreError::ReadOnly { .. } => Some(ErrorCode::ReadOnly),
        _ => None,
    }
}

/// SQLite's own words for an error, without rusqlite's "Error code N:" prefix.
pub(super) fn reason(e: &rusqlite::Error) -> String {
    match e {
        rusqlite::Error::SqliteFailure(_, Some(message)) => message.clone(),
        rusqlite::Error::SqliteFailure(f, None) => {
            let text = f.to_string();
            text.split_once(": ").map_or(text.clone(), |(_, rest)| rest.to_owned())
        }
        e => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Access, SCHEMA_VERSION, Store};
    use super::*;

    #[test]
    fn a_read_only_open_of_an_earlier_schema_asks_for_a_writable_store_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        {
            let conn = rusqlite::Connection::open(&path).unwrap();
            conn.execute_batch(include_str!("sql/0001_events.sql")).unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
            conn.pragma_update(None, "application_id", 0x5245_5452).unwrap();
        }
        let before = std::fs::read(&path).unwrap();
        let target = read_only_target(&path);
        let err = match Store::open_with(&target, &path, read_only_flags(), Access::Read) {
            Ok(_) => panic!("an old store opened read-only"),
            Err(e) => e,
        };
        assert!(
            matches!(err, StoreError::UpgradeNeedsWriting { found: 1, supported, .. } if supported == SCHEMA_VERSION),
            "{err}"
        );
        assert_eq!(std::fs::read(&path).unwrap(), before);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no -wal or -shm file was made");
        // A store that can be written is upgraded by a read, as before.
        Store::open_to_read(&path).unwrap();
        let conn = rusqlite::Connection::open(&path).unwrap();
        assert_eq!(conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0)).unwrap(), SCHEMA_VERSION);
    }

    #[test]
    fn a_quiet_store_is_read_immutable_and_its_uri_escapes_what_a_uri_would_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a b?#%.db");
        std::fs::write(&path, b"x").unwrap();
        let uri = read_only_target(&path).to_string_lossy().into_owned();
        assert!(uri.starts_with("file:/"), "{uri}");
        assert!(uri.ends_with("/a%20b%3F%23%25.db?immutable=1"), "{uri}");
        // A -shm file is there: SQLite reads through it.
        std::fs::write(dir.path().join("a b?#%.db-shm"), b"").unwrap();
        assert_eq!(read_only_target(&path), path);
    }

    #[test]
    fn a_header_longer_than_the_file_is_truncation() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let mut header = vec![0u8; 8192];
        header[..16].copy_from_slice(b"SQLite format 3\0");
        header[16..18].copy_from_slice(&4096u16.to_be_bytes());
        header[24..28].copy_from_slice(&7u32.to_be_bytes());
        header[28..32].copy_from_slice(&5u32.to_be_bytes());
        header[92..96].copy_from_slice(&7u32.to_be_bytes());
        std::fs::write(&path, &header).unwrap();
        assert_eq!(
            truncation(&path, 8192).as_deref(),
            Some("SQLite: database disk image is malformed; the file is cut short: it holds 2 of its 5 pages")
        );
        // A stale page count (the change counter moved on) is not evidence; a part page is.
        header[92..96].copy_from_slice(&6u32.to_be_bytes());
        std::fs::write(&path, &header).unwrap();
        assert_eq!(truncation(&path, 8192), None);
        std::fs::write(&path, &header[..5000]).unwrap();
        assert!(truncation(&path, 5000).unwrap().contains("its 5000 bytes are not a whole number of 4096-byte pages"));
    }
}
