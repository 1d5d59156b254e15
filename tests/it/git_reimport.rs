//! `retro import git` of a repository imported before: unchanged, it is not read again;
//! anything that changes what a full import would find or the rows the last one left
//! makes it read the history again, and the result is the full import's.

use crate::git_import::{Fixture, releases, skip_without_git, tags};
use retro::import::git::{DeploySource, GitImportSummary, GitOptions};
use retro::store::LoadReport;

fn unchanged(n: u64) -> LoadReport {
    LoadReport { unchanged: n, ..Default::default() }
}

fn sql(f: &Fixture, statement: &str) {
    rusqlite::Connection::open(f.db()).unwrap().execute(statement, []).unwrap();
}

#[test]
fn a_second_import_of_an_unchanged_repository_reports_the_first_without_reading_it() {
    if skip_without_git() {
        return;
    }
    let r = releases();
    let mut f = Fixture::new();
    let first = f.import(&r.repo, &tags());
    assert!(!first.reused);
    let second = f.import(&r.repo, &tags());
    // What a full import of the same history into this store reports: every row unchanged.
    let expected = GitImportSummary {
        deployment_report: unchanged(4),
        change_report: unchanged(6),
        reused: true,
        ..first.clone()
    };
    assert_eq!(second, expected);
    assert_eq!((f.deployments().len(), f.changes().len()), (4, 6));

    // Merges into a branch too.
    let branch = GitOptions { deployments: DeploySource::Branch("main".into()), ..tags() };
    let mut f = Fixture::new();
    assert!(!f.import(&r.repo, &branch).reused);
    let again = f.import(&r.repo, &branch);
    assert!(again.reused && again.deployments == 1, "{again:?}");
}

#[test]
fn a_row_changed_since_the_last_import_makes_it_read_the_history_again() {
    if skip_without_git() {
        return;
    }
    let r = releases();
    let mut f = Fixture::new();
    f.import(&r.repo, &tags());
    let before = f.changes();
    sql(&f, &format!("UPDATE changes SET committed_at = committed_at + 60 WHERE external_id = '{}'", r.c[3]));
    let s = f.import(&r.repo, &tags());
    assert!(!s.reused);
    assert_eq!((s.change_report.updated, s.change_report.unchanged), (1, 5));
    assert_eq!(f.changes(), before);
    // Put right, the repository is sealed again.
    assert!(f.import(&r.repo, &tags()).reused);

    // A deleted row.
    sql(&f, "DELETE FROM deployments WHERE external_id = 'v1.1.1'");
    let s = f.import(&r.repo, &tags());
    assert!(!s.reused);
    assert_eq!((s.deployment_report.inserted, s.deployment_report.unchanged), (1, 3));
}

#[test]
fn new_tags_other_options_or_a_replaced_commit_make_it_read_the_history_again() {
    if skip_without_git() {
        return;
    }
    let r = releases();
    let mut f = Fixture::new();
    f.import(&r.repo, &tags());

    let since = GitOptions { since: Some(retro::domain::parse_timestamp("2025-01-14").unwrap()), ..tags() };
    let s = f.import(&r.repo, &since);
    assert!(!s.reused);
    assert_eq!(s.before_since, (1, 2));
    // That import left v1.0 behind (stale, not pruned): no shortcut while it stays.
    assert_eq!(s.stale_deployments, 1);
    assert!(!f.import(&r.repo, &since).reused);
    assert!(!f.import(&r.repo, &tags()).reused);
    assert!(f.import(&r.repo, &tags()).reused);

    r.repo.commit("2025-01-17 09:00:00", "e.txt", "Add e");
    r.repo.annotated_tag("2025-01-17 12:00:00", "v1.3", "Release 1.3");
    let s = f.import(&r.repo, &tags());
    assert!(!s.reused);
    assert_eq!((s.deployment_report.inserted, s.change_report.inserted), (1, 1));

    // A replacement ref makes git print another history for the same tags.
    assert!(f.import(&r.repo, &tags()).reused);
    r.repo.git("2025-01-01 00:00:00", &["replace", "--graft", &r.c[6], &r.c[4]]);
    assert!(!f.import(&r.repo, &tags()).reused);
}

#[test]
fn the_command_says_when_the_history_was_not_read_again() {
    if skip_without_git() {
        return;
    }
    let r = releases();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("retro.db");
    let retro = |args: &[&str]| {
        let out = assert_cmd::cargo::cargo_bin_cmd!("retro").arg("--db").arg(&db).args(args).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    retro(&["teams", "add", "web"]);
    let repo = r.repo.path().to_str().unwrap();
    let first = retro(&["import", "git", repo, "--team", "web"]);
    assert!(!first.contains("not read again"), "{first}");
    let second = retro(&["import", "git", repo, "--team", "web"]);
    assert!(second.contains("Deployments: 0 new, 0 updated, 4 unchanged. Changes: 0 new, 0 updated, 6 unchanged."));
    assert!(second.contains("Nothing changed since the last import"), "{second}");
}
