//! `retro import git`: small repositories built in a temporary folder with known commit
//! and tag times, then the imported deployments and changes, the rework rule, and the
//! metrics they give, checked by hand.
//!
//! Needs the `git` program. Without it the tests print a note and pass, unless
//! RETRO_REQUIRE_GIT is set (CI sets it).
//!
//! Calendar: 2025-W03 runs from Monday 13 January to Sunday 19 January 2025 (UTC).

use retro::domain::{DoraMetric, Period, Team, UtcOffset};
use retro::import::git::{DeploySource, GitImportError, GitOptions, ReworkRules, import_repository};
use retro::report::MetricTable;
use retro::store::Store;
use std::path::{Path, PathBuf};
use std::process::Command;
use tempfile::TempDir;

/// The author every test commit carries: it must never reach the store.
const AUTHOR: &str = "Ada Quillfeather";
const EMAIL: &str = "ada.quillfeather@example.org";

/// Returns early (passing) when git is missing, unless RETRO_REQUIRE_GIT is set.
macro_rules! require_git {
    () => {
        if !git_available() {
            if std::env::var_os("RETRO_REQUIRE_GIT").is_some() {
                panic!("git is required (RETRO_REQUIRE_GIT is set) but cannot be run");
            }
            eprintln!("skipped: git is not installed (set RETRO_REQUIRE_GIT=1 to make this an error)");
            return;
        }
    };
}

fn git_available() -> bool {
    Command::new("git").arg("--version").output().is_ok_and(|o| o.status.success())
}

/// A repository in a temporary folder, written with fixed times and no user config.
struct Repo {
    dir: TempDir,
}

impl Repo {
    fn new() -> Self {
        let repo = Repo { dir: tempfile::tempdir().unwrap() };
        repo.git("2025-01-01 00:00:00", &["init", "-q", "-b", "main"]);
        repo
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `git ARGS` at `date` (author, committer and tagger time, UTC).
    fn git(&self, date: &str, args: &[&str]) -> String {
        let date = format!("{date} +0000");
        let out = Command::new("git")
            .args(["-c", &format!("user.name={AUTHOR}"), "-c", &format!("user.email={EMAIL}")])
            .args(["-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"])
            .arg("-C")
            .arg(self.path())
            .args(args)
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .expect("git runs");
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    }

    /// A commit that changes `file`; returns its hash.
    fn commit(&self, date: &str, file: &str, subject: &str) -> String {
        let path = self.path().join(file);
        let mut text = std::fs::read_to_string(&path).unwrap_or_default();
        text.push_str(subject);
        text.push('\n');
        std::fs::write(&path, text).unwrap();
        self.git(date, &["add", file]);
        self.git(date, &["commit", "-q", "-m", subject]);
        self.head()
    }

    fn empty_commit(&self, date: &str, subject: &str) -> String {
        self.git(date, &["commit", "-q", "--allow-empty", "-m", subject]);
        self.head()
    }

    fn annotated_tag(&self, date: &str, name: &str, message: &str) {
        self.git(date, &["tag", "-a", name, "-m", message]);
    }

    fn lightweight_tag(&self, name: &str) {
        self.git("2025-01-01 00:00:00", &["tag", name]);
    }

    fn checkout(&self, args: &[&str]) {
        let mut all = vec!["checkout", "-q"];
        all.extend_from_slice(args);
        self.git("2025-01-01 00:00:00", &all);
    }

    fn merge(&self, date: &str, branch: &str, subject: &str) -> String {
        self.git(date, &["merge", "-q", "--no-ff", branch, "-m", subject]);
        self.head()
    }

    fn head(&self) -> String {
        self.git("2025-01-01 00:00:00", &["rev-parse", "HEAD"])
    }
}

/// A store file in its own folder, with one team.
struct Fixture {
    dir: TempDir,
    store: Store,
    team: Team,
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("retro.db")).unwrap();
        let team = store.add_team("web", UtcOffset::UTC).unwrap();
        Fixture { dir, store, team }
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("retro.db")
    }

    fn import(&mut self, repo: &Repo, options: &GitOptions) -> retro::import::git::GitImportSummary {
        import_repository(&mut self.store, &self.team, repo.path(), options).unwrap()
    }

    /// `(external_id, deployed_at, kind)` of every deployment, by time.
    fn deployments(&self) -> Vec<(String, String, String)> {
        let conn = rusqlite::Connection::open(self.db()).unwrap();
        let mut stmt = conn
            .prepare(
                "SELECT external_id, datetime(deployed_at, 'unixepoch'), kind FROM deployments
                 ORDER BY deployed_at",
            )
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().collect::<Result<_, _>>().unwrap()
    }

    /// `(external_id, committed_at, deployment_external_id)` of every change, by commit time.
    fn changes(&self) -> Vec<(String, String, String)> {
        let conn = rusqlite::Connection::open(self.db()).unwrap();
        let mut stmt = conn
            .prepare(
                "SELECT external_id, datetime(committed_at, 'unixepoch'), deployment_external_id FROM changes
                 ORDER BY committed_at",
            )
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().collect::<Result<_, _>>().unwrap()
    }

    fn week3(&self) -> retro::metrics::PeriodMetrics {
        let week = Period::parse_label("2025-W03", UtcOffset::UTC).unwrap();
        MetricTable::load(&self.store, &self.team, &[week]).unwrap().periods.remove(0)
    }
}

fn tags() -> GitOptions {
    GitOptions::default()
}

fn row(id: &str, at: &str, other: &str) -> (String, String, String) {
    (id.into(), at.into(), other.into())
}

/// Four releases in 2025-W03:
/// - v1.0 (annotated, Mon 12:00) ships c1 (Mon 09:00) and c2 (Mon 11:00);
/// - v1.1 (annotated, Tue 14:00) ships c3 (Tue 08:00) and c4 (Tue 10:00, on a branch
///   merged at 11:00), plus an empty commit (09:00) and the merge;
/// - v1.1.1 (annotated "Hotfix: login crash", Wed 12:00) ships c5 (Wed 10:00);
/// - v1.2 (lightweight, on c6 'Revert "Add d"', Thu 09:00) ships c6.
///
/// `build-7` does not match `v*`.
struct Releases {
    repo: Repo,
    c: Vec<String>,
}

fn releases() -> Releases {
    let repo = Repo::new();
    let mut c = vec![String::new()];
    c.push(repo.commit("2025-01-13 09:00:00", "a.txt", "Add a"));
    c.push(repo.commit("2025-01-13 11:00:00", "b.txt", "Add b"));
    repo.annotated_tag("2025-01-13 12:00:00", "v1.0", "Release 1.0");
    c.push(repo.commit("2025-01-14 08:00:00", "c.txt", "Add c"));
    repo.empty_commit("2025-01-14 09:00:00", "Trigger the pipeline");
    repo.checkout(&["-b", "feature"]);
    c.push(repo.commit("2025-01-14 10:00:00", "d.txt", "Add d"));
    repo.checkout(&["main"]);
    repo.merge("2025-01-14 11:00:00", "feature", "Merge branch 'feature'");
    repo.annotated_tag("2025-01-14 14:00:00", "v1.1", "Release 1.1");
    c.push(repo.commit("2025-01-15 10:00:00", "a.txt", "Handle an empty login"));
    repo.annotated_tag("2025-01-15 12:00:00", "v1.1.1", "Hotfix: login crash");
    c.push(repo.commit("2025-01-16 09:00:00", "d.txt", "Revert \"Add d\""));
    repo.lightweight_tag("v1.2");
    repo.lightweight_tag("build-7");
    Releases { repo, c }
}

#[test]
fn tags_become_deployments_and_commits_become_changes() {
    require_git!();
    let r = releases();
    let mut f = Fixture::new();
    let summary = f.import(&r.repo, &tags());
    assert_eq!((summary.deployments, summary.changes), (4, 6));
    assert_eq!((summary.merge_commits, summary.empty_commits), (1, 1));
    assert_eq!(summary.deployment_report.inserted, 4);
    assert_eq!(summary.change_report.inserted, 6);
    assert_eq!(summary.committed_after_deployment, 0);
    assert_eq!(summary.rework, [("hotfix".to_owned(), 1), ("rollback".to_owned(), 1)]);

    assert_eq!(
        f.deployments(),
        [
            row("v1.0", "2025-01-13 12:00:00", "planned"),
            row("v1.1", "2025-01-14 14:00:00", "planned"),
            row("v1.1.1", "2025-01-15 12:00:00", "hotfix"),
            // A lightweight tag has the time of its commit.
            row("v1.2", "2025-01-16 09:00:00", "rollback"),
        ]
    );
    let c = &r.c;
    assert_eq!(
        f.changes(),
        [
            row(&c[1], "2025-01-13 09:00:00", "v1.0"),
            row(&c[2], "2025-01-13 11:00:00", "v1.0"),
            row(&c[3], "2025-01-14 08:00:00", "v1.1"),
            row(&c[4], "2025-01-14 10:00:00", "v1.1"),
            row(&c[5], "2025-01-15 10:00:00", "v1.1.1"),
            row(&c[6], "2025-01-16 09:00:00", "v1.2"),
        ]
    );
}

#[test]
fn metrics_from_a_git_history() {
    require_git!();
    let r = releases();
    let mut f = Fixture::new();
    f.import(&r.repo, &tags());
    let w = f.week3();
    // 4 deployments in 7 days.
    let freq = w.dora.get(DoraMetric::DeploymentFrequency);
    assert_eq!((freq.value, freq.count), (Some(4.0 / 7.0), 4));
    // Lead times: v1.0 12:00 - 09:00 = 3 h, - 11:00 = 1 h; v1.1 14:00 - 08:00 = 6 h,
    // - 10:00 = 4 h; v1.1.1 12:00 - 10:00 = 2 h; v1.2 on its own commit: 0 h.
    // Sorted 0, 1, 2, 3, 4, 6: the median is (2 + 3) / 2 = 2.5 h.
    let lead = w.dora.get(DoraMetric::ChangeLeadTime);
    assert_eq!((lead.value, lead.count), (Some(2.5), 6));
    // Rework: the hotfix and the rollback, 2 of 4 = 50%. Git knows no failures.
    assert_eq!(w.dora.get(DoraMetric::ReworkRate).value, Some(50.0));
    assert_eq!(w.dora.get(DoraMetric::ChangeFailureRate).value, Some(0.0));
}

#[test]
fn a_second_import_adds_only_what_is_new() {
    require_git!();
    let r = releases();
    let mut f = Fixture::new();
    f.import(&r.repo, &tags());
    let again = f.import(&r.repo, &tags());
    assert_eq!((again.deployment_report.inserted, again.deployment_report.updated), (0, 0));
    assert_eq!((again.change_report.inserted, again.change_report.updated), (0, 0));
    assert_eq!((again.deployment_report.unchanged, again.change_report.unchanged), (4, 6));

    let c7 = r.repo.commit("2025-01-17 10:00:00", "e.txt", "Add e");
    r.repo.annotated_tag("2025-01-17 15:00:00", "v1.3", "Release 1.3");
    let next = f.import(&r.repo, &tags());
    assert_eq!((next.deployment_report.inserted, next.deployment_report.unchanged), (1, 4));
    assert_eq!((next.change_report.inserted, next.change_report.unchanged), (1, 6));
    assert_eq!(f.changes().last().unwrap(), &row(&c7, "2025-01-17 10:00:00", "v1.3"));
    // 5 h more lead time: 0, 1, 2, 3, 4, 5, 6 -> 3 h.
    assert_eq!(f.week3().dora.get(DoraMetric::ChangeLeadTime).value, Some(3.0));
}

#[test]
fn authors_are_never_stored() {
    require_git!();
    let r = releases();
    let mut f = Fixture::new();
    f.import(&r.repo, &tags());
    let db = f.db();
    drop(f.store);
    let mut bytes = std::fs::read(&db).unwrap();
    bytes.extend(std::fs::read(db.with_extension("db-wal")).unwrap_or_default());
    let text = String::from_utf8_lossy(&bytes);
    for person in [AUTHOR, EMAIL, "Quillfeather"] {
        assert!(!text.contains(person), "the store holds {person:?}");
    }
    // Nor the messages: only ids and times are kept.
    assert!(!text.contains("Hotfix: login crash"));
}

#[test]
fn another_tag_glob_and_custom_rework_rules() {
    require_git!();
    let r = releases();
    r.repo.git("2025-01-17 09:00:00", &["tag", "-a", "release/7", "-m", "Release 7", &r.c[2]]);
    let mut f = Fixture::new();
    let options = GitOptions {
        deployments: DeploySource::Tags("release/*".into()),
        rework: ReworkRules::parse(&["fix_forward:empty login"]).unwrap(),
    };
    let s = f.import(&r.repo, &options);
    // release/7 names c2: it ships c1 and c2 at its own (tagger) time.
    assert_eq!((s.deployments, s.changes), (1, 2));
    assert_eq!(f.deployments(), [row("release/7", "2025-01-17 09:00:00", "planned")]);

    let mut f = Fixture::new();
    let options = GitOptions {
        deployments: DeploySource::default(),
        rework: ReworkRules::parse(&["fix_forward:empty login"]).unwrap(),
    };
    f.import(&r.repo, &options);
    let kinds: Vec<String> = f.deployments().into_iter().map(|d| d.2).collect();
    // The rule replaces the defaults: the "Hotfix" tag and the revert are planned now,
    // and c5 ("Handle an empty login") makes v1.1.1 a fix forward.
    assert_eq!(kinds, ["planned", "planned", "fix_forward", "planned"]);
}

#[test]
fn tags_that_name_no_commit_are_skipped_and_said() {
    require_git!();
    let r = releases();
    r.repo.git("2025-01-17 09:00:00", &["tag", "v-tree", "HEAD^{tree}"]);
    let mut f = Fixture::new();
    let s = f.import(&r.repo, &tags());
    assert_eq!(s.skipped_tags, ["v-tree"]);
    assert_eq!(s.deployments, 4);
}

/// main: c1 (Mon 09:00); f1: c2 (Mon 10:00), merged at Mon 12:00 (M1).
/// hotfix/db: c3 (Tue 09:00); main: c4 (Tue 10:00); hotfix/db merged at Tue 11:00 (M2).
/// f2 (from M2): c5 (Wed 09:00); main: c6 (Wed 10:00); main merged into f2 at 11:00
/// (M3, not on main's first-parent history); f2: c7 (Wed 12:00); f2 merged at 15:00 (M4).
fn branch_history() -> (Repo, Vec<String>) {
    let repo = Repo::new();
    let mut ids = vec![String::new()];
    ids.push(repo.commit("2025-01-13 09:00:00", "a.txt", "Init"));
    repo.checkout(&["-b", "f1"]);
    ids.push(repo.commit("2025-01-13 10:00:00", "b.txt", "Feature one"));
    repo.checkout(&["main"]);
    let m1 = repo.merge("2025-01-13 12:00:00", "f1", "Merge branch 'f1'");
    repo.checkout(&["-b", "hotfix/db"]);
    ids.push(repo.commit("2025-01-14 09:00:00", "c.txt", "Patch the query"));
    repo.checkout(&["main"]);
    ids.push(repo.commit("2025-01-14 10:00:00", "README", "Docs"));
    let m2 = repo.merge("2025-01-14 11:00:00", "hotfix/db", "Merge branch 'hotfix/db'");
    repo.checkout(&["-b", "f2"]);
    ids.push(repo.commit("2025-01-15 09:00:00", "d.txt", "Feature two"));
    repo.checkout(&["main"]);
    ids.push(repo.commit("2025-01-15 10:00:00", "e.txt", "Main work"));
    repo.checkout(&["f2"]);
    repo.merge("2025-01-15 11:00:00", "main", "Merge branch 'main' into f2");
    ids.push(repo.commit("2025-01-15 12:00:00", "d.txt", "More of two"));
    repo.checkout(&["main"]);
    let m4 = repo.merge("2025-01-15 15:00:00", "f2", "Merge branch 'f2'");
    ids.extend([m1, m2, m4]);
    (repo, ids)
}

#[test]
fn merges_into_a_branch_become_deployments() {
    require_git!();
    let (repo, ids) = branch_history();
    let (m1, m2, m4) = (&ids[8], &ids[9], &ids[10]);
    let mut f = Fixture::new();
    let options = GitOptions { deployments: DeploySource::Branch("main".into()), ..Default::default() };
    let s = f.import(&repo, &options);
    // M1, M2 and M4 are on main's first-parent history; M3 is not.
    assert_eq!((s.deployments, s.changes, s.merge_commits, s.empty_commits), (3, 7, 4, 0));
    assert_eq!(
        f.deployments(),
        [
            row(m1, "2025-01-13 12:00:00", "planned"),
            // The merge's subject names the hotfix branch.
            row(m2, "2025-01-14 11:00:00", "hotfix"),
            row(m4, "2025-01-15 15:00:00", "planned"),
        ]
    );
    let shipped: Vec<(String, String)> = f.changes().into_iter().map(|c| (c.0, c.2)).collect();
    let expected: Vec<(String, String)> = [(1, m1), (2, m1), (3, m2), (4, m2), (5, m4), (6, m4), (7, m4)]
        .into_iter()
        .map(|(i, m)| (ids[i].clone(), m.clone()))
        .collect();
    assert_eq!(shipped, expected);
    // Lead times: M1 3 h, 2 h; M2 2 h, 1 h; M4 6 h, 5 h, 3 h. Sorted 1, 2, 2, 3, 3, 5, 6:
    // the median is 3 h. Rework 1 of 3.
    let w = f.week3();
    assert_eq!(w.dora.get(DoraMetric::ChangeLeadTime).value, Some(3.0));
    assert_eq!(w.dora.get(DoraMetric::ReworkRate).value, Some(100.0 / 3.0));
}

#[test]
fn unknown_branch_and_folders_that_are_not_repositories_are_refused() {
    require_git!();
    let (repo, _) = branch_history();
    let mut f = Fixture::new();
    let options = GitOptions { deployments: DeploySource::Branch("release".into()), ..Default::default() };
    let e = import_repository(&mut f.store, &f.team, repo.path(), &options).unwrap_err();
    assert!(matches!(e, GitImportError::UnknownBranch(_)), "{e:?}");
    assert_eq!(e.to_string(), "there is no branch or commit \"release\" in this repository");

    let plain = tempfile::tempdir().unwrap();
    let e = import_repository(&mut f.store, &f.team, plain.path(), &tags()).unwrap_err();
    assert!(e.to_string().contains("is not a git repository"), "{e}");
    let e = import_repository(&mut f.store, &f.team, &plain.path().join("nope"), &tags()).unwrap_err();
    assert!(e.to_string().ends_with("is not a git repository: no such folder"), "{e}");
    assert!(f.deployments().is_empty());
}

// --- through the command line ---------------------------------------------------------

fn retro(dir: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("retro");
    cmd.current_dir(dir)
        .env_remove("RETRO_DB")
        .env_remove("RETRO_TEAM")
        .env("RETRO_NOW", "2025-01-20T12:00:00Z")
        .env("HOME", dir.join("home"));
    cmd
}

fn stdout(cmd: &mut assert_cmd::Command) -> String {
    String::from_utf8(cmd.assert().success().get_output().stdout.clone()).unwrap()
}

#[test]
fn retro_import_git_prints_what_it_did() {
    require_git!();
    let r = releases();
    let dir = tempfile::tempdir().unwrap();
    retro(dir.path()).args(["--db", "retro.db", "teams", "add", "web"]).assert().success();
    let repo = r.repo.path().to_str().unwrap();
    let out = stdout(retro(dir.path()).args(["--db", "retro.db", "import", "git", repo]));
    assert!(out.contains("Authors, committers and taggers are never read"), "{out}");
    assert!(
        out.contains("Imported 4 deployment(s) (tags matching v*; rework: 1 hotfix, 1 rollback) and 6 change(s)"),
        "{out}"
    );
    assert!(out.contains("Deployments: 4 new, 0 updated, 0 unchanged. Changes: 6 new, 0 updated, 0 unchanged."));
    assert!(out.contains("Not counted as changes: 1 merge commit(s) and 1 commit(s) that change no file."));
    let again = stdout(retro(dir.path()).args(["--db", "retro.db", "import", "git", repo]));
    assert!(again.contains("Deployments: 0 new, 0 updated, 4 unchanged. Changes: 0 new, 0 updated, 6 unchanged."));

    let none = stdout(retro(dir.path()).args(["--db", "retro.db", "import", "git", repo, "--deploy-tags", "prod-*"]));
    assert!(none.contains("Found no deployments (tags matching prod-*)"), "{none}");

    let metrics = stdout(retro(dir.path()).args(["--db", "retro.db", "metrics", "--last", "2", "--format", "csv"]));
    assert!(
        metrics.contains(
            "2025-W03,2025-01-13T00:00:00+00:00,2025-01-20T00:00:00+00:00,change_lead_time,2.5,hours,6,events"
        ),
        "{metrics}"
    );
}

#[test]
fn retro_import_git_options_and_mistakes() {
    require_git!();
    let (repo, _) = branch_history();
    let dir = tempfile::tempdir().unwrap();
    retro(dir.path()).args(["--db", "retro.db", "teams", "add", "web"]).assert().success();
    let repo = repo.path().to_str().unwrap();
    let out = stdout(retro(dir.path()).args([
        "--db",
        "retro.db",
        "import",
        "git",
        repo,
        "--deploy-branch",
        "main",
        "--rework-pattern",
        "fix_forward:^patch",
    ]));
    assert!(
        out.contains("Imported 3 deployment(s) (merges into main; rework: 1 fix_forward) and 7 change(s)"),
        "{out}"
    );

    let fails = |args: &[&str], message: &str| {
        let out = retro(dir.path()).args(["--db", "retro.db", "import"]).args(args).assert().failure();
        let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    };
    fails(&["git", repo, "--rework-pattern", "hotfix:("], "--rework-pattern \"hotfix:(\": ");
    fails(&["git", repo, "--format", "csv"], "--format applies to files");
    fails(&["deployments", "d.csv", "--deploy-branch", "main"], "apply to `retro import git` only");
    fails(&["git", repo, "--deploy-tags", "v*", "--deploy-branch", "main"], "cannot be used with");
    fails(&["git", repo, "--deploy-branch", "nope"], "there is no branch or commit \"nope\"");
}

#[test]
fn a_second_repository_with_the_same_tag_is_refused_not_merged() {
    require_git!();
    let first = Repo::new();
    first.commit("2025-01-13 09:00:00", "a.txt", "Add a");
    first.annotated_tag("2025-01-13 12:00:00", "v1.0", "Release 1.0");
    let second = Repo::new();
    second.commit("2025-01-10 09:00:00", "b.txt", "Add b");
    second.annotated_tag("2025-01-16 12:00:00", "v1.0", "Release 1.0");
    let mut f = Fixture::new();
    f.import(&first, &tags());
    let before = f.deployments();
    let err = import_repository(&mut f.store, &f.team, second.path(), &tags()).unwrap_err();
    let message = err.to_string();
    assert!(
        message.starts_with("deployment \"v1.0\" is already in this team's store, imported from git:"),
        "{message}"
    );
    assert!(message.contains("into its own team"), "{message}");
    assert_eq!(f.deployments(), before, "nothing was overwritten");
}

#[test]
fn a_shallow_clone_is_imported_and_said_to_be_shallow() {
    require_git!();
    let r = releases();
    let full = Fixture::new().import(&r.repo, &tags());
    assert!(!full.shallow);
    // A CI-style checkout: one commit from each branch and tag.
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", r.repo.path().display());
    let out = Command::new("git")
        .args(["clone", "-q", "--depth", "1", "--no-single-branch", &url])
        .arg(clone.path().join("shallow"))
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let shallow = clone.path().join("shallow");
    let mut f = Fixture::new();
    let summary = import_repository(&mut f.store, &f.team, &shallow, &tags()).unwrap();
    assert!(summary.shallow);
    assert!(summary.changes < full.changes, "{summary:?}");
    let db = f.db();
    let printed = stdout(retro(clone.path()).arg("--db").arg(&db).args(["import", "git"]).arg(&shallow));
    assert!(printed.contains("is a shallow clone") && printed.contains("git fetch --unshallow"), "{printed}");
}

#[test]
fn a_git_import_covers_every_day_up_to_the_day_it_ran() {
    require_git!();
    let r = releases();
    let dir = tempfile::tempdir().unwrap();
    retro(dir.path()).args(["--db", "retro.db", "teams", "add", "web"]).assert().success();
    let repo = r.repo.path().to_str().unwrap();
    // The tags fall in W03 (13..16 January 2025); the import runs on 3 February (W06).
    let at = |cmd: &mut assert_cmd::Command| {
        cmd.env("RETRO_NOW", "2025-02-03T12:00:00Z");
    };
    let mut import = retro(dir.path());
    at(&mut import);
    import.args(["--db", "retro.db", "import", "git", repo]).assert().success();
    let mut metrics = retro(dir.path());
    at(&mut metrics);
    let csv = stdout(metrics.args(["--db", "retro.db", "metrics", "--last", "4", "--format", "csv"]));
    let freq = |week: &str| {
        csv.lines()
            .find(|l| l.starts_with(week) && l.contains("deployment_frequency"))
            .unwrap()
            .split(',')
            .nth(4)
            .unwrap()
            .to_owned()
    };
    // W04 and W05 had no tag, and the history says so: real zeros, not "no data".
    assert_eq!(freq("2025-W04"), "0");
    assert_eq!(freq("2025-W05"), "0");
    // W03: 4 deployments in 7 days. W06 so far (Monday 00:00 to 12:00): 0 in half a day.
    assert_eq!(freq("2025-W03"), (4.0f64 / 7.0).to_string());
    assert_eq!(freq("2025-W06"), "0");
}
