//! Stores that are damaged, not files, empty, foreign in disguise, or read-only: one clear
//! line naming the path, and the file byte for byte as it was.

use crate::common::{NOW, now};
use assert_cmd::Command;
use retro::store::{Store, StoreError};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Every command that only reads the store, on the demo team (retro 1 and action 1 exist).
const READS: &[&[&str]] = &[
    &["teams", "list"],
    &["metrics", "--last", "4"],
    &["metrics", "--format", "csv"],
    &["signals"],
    &["retros", "list"],
    &["actions", "list"],
    &["actions", "show", "1"],
    &["export", "1"],
    &["export", "1", "--format", "json"],
];

/// Commands that change the store.
const WRITES: &[&[&str]] = &[&["teams", "add", "search"], &["actions", "update", "1", "--title", "Renamed"]];

fn retro(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_retro"));
    isolate(&mut cmd, dir);
    cmd
}

fn isolate(cmd: &mut Command, dir: &Path) {
    cmd.current_dir(dir)
        .env_remove("RETRO_DB")
        .env_remove("RETRO_TEAM")
        .env("RETRO_NOW", NOW)
        .env("HOME", dir.join("home"))
        .env("XDG_DATA_HOME", dir.join("home/.local/share"))
        .env("XDG_CONFIG_HOME", dir.join("home/.config"));
}

/// Every file in `dir` (not recursive) with its bytes.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect()
}

/// `retro.db` in `dir` holding the demo team; closed, so no -wal or -shm file is left.
fn demo_store(dir: &Path) -> PathBuf {
    let db = dir.join("retro.db");
    let mut store = Store::open(&db).unwrap();
    retro::demo::load(&mut store, now()).unwrap();
    drop(store);
    db
}

/// Runs `args` on `db` and expects exactly `stderr` and a folder left as it was.
fn refused(dir: &Path, db: &str, args: &[&str], stderr: &str) {
    let before = files(dir);
    retro(dir).arg("--db").arg(db).args(args).assert().failure().stdout("").stderr(stderr.to_owned());
    assert_eq!(files(dir), before, "{args:?} on {db} changed the folder");
}

fn store_error(result: Result<Store, StoreError>) -> StoreError {
    match result {
        Ok(_) => panic!("the store opened"),
        Err(e) => e,
    }
}

// --- damaged ---------------------------------------------------------------------------------

#[test]
fn a_truncated_store_is_damaged_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = demo_store(d);
    let bytes = std::fs::read(&db).unwrap();
    let page_size = u64::from(u16::from_be_bytes([bytes[16], bytes[17]]));
    let pages = bytes.len() as u64 / page_size;
    // Cut inside the first page, and at a page boundary half way.
    std::fs::write(d.join("cut.db"), &bytes[..5000]).unwrap();
    std::fs::write(d.join("half.db"), &bytes[..(pages / 2 * page_size) as usize]).unwrap();
    std::fs::remove_file(&db).unwrap();
    let cut = format!(
        "retro: cut.db is damaged (SQLite: database disk image is malformed; the file is cut short: it holds 0 of \
         its {pages} pages); retro did not change it\n"
    );
    let half = format!(
        "retro: half.db is damaged (SQLite: database disk image is malformed; the file is cut short: it holds {} \
         of its {pages} pages); retro did not change it\n",
        pages / 2
    );
    for args in READS.iter().chain(WRITES) {
        refused(d, "cut.db", args, &cut);
        refused(d, "half.db", args, &half);
    }
    let before = files(d);
    for open in [Store::open, Store::open_to_read] {
        let err = store_error(open(&d.join("half.db")));
        assert!(matches!(&err, StoreError::Damaged { path, .. } if path.ends_with("half.db")), "{err}");
    }
    assert_eq!(files(d), before);
}

#[test]
fn a_store_with_a_garbled_page_is_damaged_with_sqlite_s_reason() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = demo_store(d);
    let (root, page_size): (u64, u64) = {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let root = conn.query_row("SELECT rootpage FROM sqlite_schema WHERE name = 'teams'", [], |r| r.get(0)).unwrap();
        (root, conn.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap())
    };
    let mut bytes = std::fs::read(&db).unwrap();
    let start = ((root - 1) * page_size) as usize;
    bytes[start..start + 64].fill(0xFF); // the b-tree page header of the teams table
    std::fs::write(&db, &bytes).unwrap();
    let line = "retro: retro.db is damaged (SQLite: database disk image is malformed); retro did not change it\n";
    for args in [&["teams", "list"][..], &["metrics"], &["retros", "list"]] {
        refused(d, "retro.db", args, line);
    }
    // Through the library: the error met while reading names the store when asked to.
    let store = Store::open_to_read(&db).unwrap();
    let err = store.teams().unwrap_err().at(&db);
    assert!(matches!(&err, StoreError::Damaged { reason, .. } if reason == "SQLite: database disk image is malformed"));
    assert_eq!(
        err.to_string(),
        format!("{} is damaged (SQLite: database disk image is malformed); retro did not change it", db.display())
    );
    drop(store);
    assert_eq!(std::fs::read(&db).unwrap(), bytes);
}

// --- not a store file --------------------------------------------------------------------------

#[test]
fn a_folder_is_refused_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("stores")).unwrap();
    let line =
        "retro: stores is a folder, not a retro store: give the path of a store file, for example stores/retro.db\n";
    for args in READS.iter().chain(WRITES).chain([&["import", "deployments", "x.csv"][..]].iter()) {
        refused(d, "stores", args, line);
    }
    assert_eq!(std::fs::read_dir(d.join("stores")).unwrap().count(), 0, "nothing was made inside the folder");
    for open in [Store::open, Store::open_to_read] {
        assert!(matches!(store_error(open(&d.join("stores"))), StoreError::IsAFolder { .. }));
    }
}

/// A store whose folder cannot be made, or reached: one line, the reason said once.
#[test]
fn a_folder_that_cannot_be_made_is_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("plain"), b"a file, not a folder").unwrap();
    let mut cases = vec![(
        "plain/sub/retro.db",
        "retro: cannot read the retro store plain/sub/retro.db: Not a directory (os error 20)\n",
    )];
    if cfg!(target_os = "linux") {
        // /proc takes no new folder, even from root.
        cases.push((
            "/proc/retro-test/retro.db",
            "retro: cannot create the folder /proc/retro-test for the retro store: No such file or directory (os \
             error 2)\n",
        ));
    }
    for (db, line) in cases {
        for args in [&["teams", "add", "payments"][..], &["teams", "list"]] {
            let line = if args[1] == "list" && db.starts_with("/proc") {
                "retro: there is no retro store at /proc/retro-test/retro.db yet: check the path, or start one by \
                 adding a team with `retro teams add NAME` (or try everything on the demo team with `retro --demo`)\n"
            } else {
                line
            };
            refused(d, db, args, line);
        }
    }
}

#[cfg(unix)]
#[test]
fn dev_null_is_not_a_store() {
    let dir = tempfile::tempdir().unwrap();
    let line = "retro: /dev/null is not a regular file (a device, pipe or socket), so not a retro store; it was left untouched\n";
    for args in READS.iter().chain(WRITES) {
        retro(dir.path()).args(["--db", "/dev/null"]).args(*args).assert().failure().stdout("").stderr(line);
    }
    for open in [Store::open, Store::open_to_read] {
        assert!(matches!(store_error(open(Path::new("/dev/null"))), StoreError::NotAFile { .. }));
    }
}

#[test]
fn a_zero_length_file_is_not_taken_for_a_new_store_by_a_read() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("empty.db"), b"").unwrap();
    let line = "retro: empty.db is an empty file (0 bytes), not a retro store; it was left untouched (adding a \
                team with `retro teams add NAME` starts a store in it)\n";
    for args in READS.iter().chain([&["actions", "update", "1", "--title", "x"][..]].iter()) {
        refused(d, "empty.db", args, line);
    }
    assert!(matches!(store_error(Store::open_to_read(&d.join("empty.db"))), StoreError::EmptyFile { .. }));
    assert_eq!(std::fs::read(d.join("empty.db")).unwrap(), b"");
    // Adding a team is how a store is started, in an empty file too.
    retro(d)
        .args(["--db", "empty.db", "teams", "add", "payments"])
        .assert()
        .success()
        .stderr("retro: starting a new store at empty.db\n");
    retro(d).args(["--db", "empty.db", "teams", "list"]).assert().success();
}

// --- a retro store in name only ----------------------------------------------------------------

#[test]
fn a_negative_user_version_or_a_missing_table_is_refused_like_a_foreign_database() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = demo_store(d);
    std::fs::copy(&db, d.join("negative.db")).unwrap();
    std::fs::rename(&db, d.join("missing.db")).unwrap();
    {
        let conn = rusqlite::Connection::open(d.join("negative.db")).unwrap();
        conn.pragma_update(None, "user_version", -1).unwrap();
        let conn = rusqlite::Connection::open(d.join("missing.db")).unwrap();
        conn.execute_batch("DROP TABLE action_reviews").unwrap();
    }
    let negative =
        "retro: negative.db is an SQLite database of another application, not a retro store; it was left untouched\n";
    let missing = "retro: missing.db is not a complete retro store (it has no table \"action_reviews\"), so this \
                   retro cannot use it; it was left untouched\n";
    for args in READS.iter().chain(WRITES) {
        refused(d, "negative.db", args, negative);
        refused(d, "missing.db", args, missing);
    }
    let before = files(d);
    for open in [Store::open, Store::open_to_read] {
        assert!(matches!(store_error(open(&d.join("negative.db"))), StoreError::NotARetroStore { .. }));
        let err = store_error(open(&d.join("missing.db")));
        assert!(matches!(&err, StoreError::IncompleteStore { table, .. } if table == "action_reviews"), "{err}");
    }
    assert_eq!(files(d), before);
}

// --- read-only -----------------------------------------------------------------------------------

/// How this test runs retro so that file permissions hold for it: directly when they
/// hold for this process; as an unprivileged user through `setpriv` when this process is
/// root (who may write any file); else directly, with permissions that do not hold
/// (root without setpriv, or a binary the unprivileged user cannot reach).
#[cfg(unix)]
struct Runner {
    setpriv: Option<&'static str>,
    /// Whether a read-only file is read-only to the retro this runs.
    enforced: bool,
}

#[cfg(unix)]
impl Runner {
    fn new(dir: &Path) -> Self {
        let probe = dir.join("probe");
        std::fs::write(&probe, b"").unwrap();
        set_mode(&probe, 0o444);
        let privileged = std::fs::OpenOptions::new().write(true).open(&probe).is_ok();
        std::fs::remove_file(&probe).unwrap();
        if !privileged {
            return Runner { setpriv: None, enforced: true };
        }
        let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].into_iter().find(|p| Path::new(p).exists());
        let runner = Runner { setpriv, enforced: setpriv.is_some() };
        if runner.setpriv.is_some() && !runner.command(dir).arg("--version").output().is_ok_and(|o| o.status.success())
        {
            return Runner { setpriv: None, enforced: false };
        }
        runner
    }

    fn command(&self, dir: &Path) -> Command {
        let Some(setpriv) = self.setpriv else { return retro(dir) };
        let mut cmd = Command::new(setpriv);
        cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", env!("CARGO_BIN_EXE_retro")]);
        isolate(&mut cmd, dir);
        cmd
    }
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// A read-only store file, and a store in a read-only folder: every read command works,
/// nothing beside the store is made, the store keeps every byte; a write is refused.
#[cfg(unix)]
#[test]
fn a_read_only_store_file_or_folder_can_be_read_by_every_read_command() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    set_mode(d, 0o755); // so that an unprivileged user can reach it
    let runner = Runner::new(d);
    if !runner.enforced {
        eprintln!("permissions do not hold for this retro (root without setpriv): only reads are checked");
    }
    let as_root = runner.setpriv.is_some() && is_root(d);
    let db = demo_store(d);
    for sub in ["file", "folder"] {
        std::fs::create_dir(d.join(sub)).unwrap();
        std::fs::copy(&db, d.join(sub).join("retro.db")).unwrap();
    }
    if as_root {
        chown_to_nobody(&d.join("folder"));
        chown_to_nobody(&d.join("folder/retro.db"));
        chown_to_nobody(&d.join("file"));
        chown_to_nobody(&d.join("file/retro.db"));
    }
    set_mode(&d.join("file/retro.db"), 0o444);
    set_mode(&d.join("folder"), 0o555);
    for sub in ["file", "folder"] {
        let folder = d.join(sub);
        let before = files(&folder);
        for args in READS {
            let out = runner.command(d).arg("--db").arg(format!("{sub}/retro.db")).args(*args).output().unwrap();
            assert!(out.status.success(), "{sub}: {args:?}: {}", String::from_utf8_lossy(&out.stderr));
            assert!(!out.stdout.is_empty(), "{sub}: {args:?} printed nothing");
            assert_eq!(files(&folder), before, "{sub}: {args:?} changed the folder");
        }
        for args in WRITES.iter().filter(|_| runner.enforced) {
            runner.command(d).arg("--db").arg(format!("{sub}/retro.db")).args(*args).assert().failure().stderr(
                format!(
                    "retro: {sub}/retro.db is read-only: retro can read it but not change it; it was left untouched\n"
                ),
            );
            assert_eq!(files(&folder), before, "{sub}: {args:?} changed the folder");
        }
    }
    set_mode(&d.join("folder"), 0o755); // so the temporary folder can be removed
}

#[cfg(unix)]
fn is_root(dir: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let probe = dir.join("owner-probe");
    std::fs::write(&probe, b"").unwrap();
    let root = std::fs::metadata(&probe).unwrap().uid() == 0;
    std::fs::remove_file(&probe).unwrap();
    root
}

#[cfg(unix)]
fn chown_to_nobody(path: &Path) {
    std::os::unix::fs::chown(path, Some(65534), Some(65534)).unwrap();
}

/// Through the library, a store that cannot be written opens for reading and reads.
#[cfg(unix)]
#[test]
fn the_library_reads_a_store_it_may_not_write() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_store(dir.path());
    set_mode(&db, 0o444);
    let before = files(dir.path());
    let store = Store::open_to_read(&db).unwrap();
    let team = store.teams().unwrap().remove(0);
    assert!(!store.retros(&team).unwrap().is_empty());
    drop(store);
    assert_eq!(files(dir.path()), before);
    if std::fs::OpenOptions::new().write(true).open(&db).is_err() {
        assert!(matches!(store_error(Store::open(&db)), StoreError::ReadOnly { .. }));
    }
}

// --- busy ----------------------------------------------------------------------------------------

/// A store another process is writing to (an import holding the write lock) is read at
/// once: opening it takes no write lock when its schema is current.
#[test]
fn a_read_does_not_wait_for_a_writer() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = demo_store(d);
    let writer = rusqlite::Connection::open(&db).unwrap();
    writer.execute_batch("BEGIN IMMEDIATE; UPDATE teams SET name = name;").unwrap();
    for args in READS {
        let out =
            retro(d).arg("--db").arg(&db).args(*args).timeout(std::time::Duration::from_secs(4)).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    writer.execute_batch("ROLLBACK").unwrap();
}

#[test]
fn an_action_whose_team_is_gone_is_reported_as_a_missing_team() {
    // Reads join rows to their team, so a team deleted between two reads (another
    // process) is the way here: an action read before, whose team the store lacks now.
    let mut store = Store::open_in_memory().unwrap();
    let team = store.add_team("payments", retro::domain::UtcOffset::UTC).unwrap();
    let window = retro::query::actions::baseline_window(now(), team.utc_offset);
    let plan = retro::domain::ActionPlan {
        title: "Pair on risky changes".into(),
        description: None,
        metric: retro::domain::MetricKey::Dora(retro::domain::DoraMetric::ChangeFailureRate),
        expected: retro::domain::Expected::Improve,
        target: None,
        due: None,
        volunteer: None,
    };
    let new = retro::domain::NewAction { plan, retro: None, baseline: None, baseline_window: window, from_note: None };
    let mut action = store.add_action(&team, &new, now()).unwrap();
    action.team = retro::domain::TeamId(team.id.0 + 1);
    let err = retro::query::actions::progress(&store, &action, now()).unwrap_err();
    assert!(matches!(err, StoreError::NoSuchTeam(id) if id == team.id.0 + 1), "{err:?}");
    assert_eq!(err.to_string(), format!("there is no team with id {} in this store", team.id.0 + 1));
}

#[test]
fn the_busy_message_names_the_timeout_the_store_waits() {
    let secs = retro::store::BUSY_TIMEOUT.as_secs();
    assert!(StoreError::Busy.to_string().contains(&format!("(waited {secs} seconds)")), "{}", StoreError::Busy);
}
