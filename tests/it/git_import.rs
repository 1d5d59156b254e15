//! `retro import git`: small repositories built in a temporary folder with known commit
//! and tag times, then the imported deployments and changes, the rework rule, and the
//! metrics they give, checked by hand.
//!
//! Needs the `git` program. Without it the tests print a note and pass, unless
//! CI or RETRO_REQUIRE_GIT is set.
//!
//! Calendar: 2025-W03 runs from Monday 13 January to Sunday 19 January 2025 (UTC).

use retro::domain::{DoraMetric, Period, Team, UtcOffset};
use retro::import::git::{DeploySource, GitImportError, GitOptions, ReworkRules, TagFilter, import_repository};
use retro::query::MetricTable;
use retro::store::Store;
use std::path::{Path, PathBuf};
use std::process::Command;
use tempfile::TempDir;

/// The author every test commit carries: it must never reach the store.
const AUTHOR: &str = "Ada Quillfeather";
const EMAIL: &str = "ada.quillfeather@example.org";

/// Returns early (passing) when git is missing, unless CI or RETRO_REQUIRE_GIT is set.
macro_rules! require_git {
    () => {
        if !git_available() {
            if crate::common::tool_required("RETRO_REQUIRE_GIT") {
                panic!("git is required (CI or RETRO_REQUIRE_GIT is set) but cannot be run");
            }
            eprintln!("skipped: git is not installed (set CI or RETRO_REQUIRE_GIT=1 to make this an error)");
            return;
        }
    };
}

fn git_available() -> bool {
    Command::new("git").arg("--version").output().is_ok_and(|o| o.status.success())
}

/// `require_git!` for the other modules of git tests: true when the test should return.
pub(crate) fn skip_without_git() -> bool {
    if git_available() {
        return false;
    }
    if crate::common::tool_required("RETRO_REQUIRE_GIT") {
        panic!("git is required (CI or RETRO_REQUIRE_GIT is set) but cannot be run");
    }
    eprintln!("skipped: git is not installed (set CI or RETRO_REQUIRE_GIT=1 to make this an error)");
    true
}

/// A repository in a temporary folder, written with fixed times and no user config.
pub(crate) struct Repo {
    _dir: TempDir,
    root: PathBuf,
}

impl Repo {
    fn new() -> Self {
        Self::named("repo")
    }

    /// A repository in a folder called `name`, inside a temporary folder of its own.
    fn named(name: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join(name);
        std::fs::create_dir(&root).unwrap();
        let repo = Repo { _dir: dir, root };
        repo.git("2025-01-01 00:00:00", &["init", "-q", "-b", "main"]);
        repo
    }

    pub(crate) fn path(&self) -> &Path {
        &self.root
    }

    /// `git ARGS` at `date` (author, committer and tagger time, UTC).
    pub(crate) fn git(&self, date: &str, args: &[&str]) -> String {
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
    pub(crate) fn commit(&self, date: &str, file: &str, subject: &str) -> String {
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

    pub(crate) fn annotated_tag(&self, date: &str, name: &str, message: &str) {
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

    /// `count` commits on main, one a day from 2024-01-01, each changing `old.txt`, in
    /// one run of `git fast-import`.
    fn backlog(&self, count: usize) {
        let mut stream = String::new();
        for i in 0..count {
            let at = 1_704_067_200 + 86_400 * i;
            let (subject, line) = (format!("Old work {i}"), format!("{i}\n"));
            stream.push_str(&format!(
                "commit refs/heads/main\ncommitter {AUTHOR} <{EMAIL}> {at} +0000\ndata {}\n{subject}\n",
                subject.len()
            ));
            stream.push_str(&format!("M 644 inline old.txt\ndata {}\n{line}\n", line.len()));
        }
        let out = Command::new("git")
            .arg("-C")
            .arg(self.path())
            .args(["fast-import", "--quiet"])
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .stdin(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut child| {
                use std::io::Write;
                child.stdin.take().unwrap().write_all(stream.as_bytes())?;
                child.wait_with_output()
            })
            .expect("git fast-import runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        self.git("2025-01-01 00:00:00", &["reset", "-q", "--hard", "main"]);
    }

    /// A tag object written by hand (`git hash-object -t tag --literally`), so it can
    /// lack what `git tag` always writes, such as the tagger's date; `refs/tags/NAME`
    /// points at it.
    fn raw_tag(&self, name: &str, commit: &str, header: &str, message: &str) {
        let text = format!("object {commit}\ntype commit\ntag {name}\n{header}\n{message}\n");
        let out = Command::new("git")
            .arg("-C")
            .arg(self.path())
            .args(["hash-object", "-t", "tag", "-w", "--literally", "--stdin"])
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut child| {
                use std::io::Write;
                child.stdin.take().unwrap().write_all(text.as_bytes())?;
                child.wait_with_output()
            })
            .expect("git hash-object runs");
        assert!(out.status.success());
        let object = String::from_utf8(out.stdout).unwrap().trim().to_owned();
        self.git("2025-01-01 00:00:00", &["update-ref", &format!("refs/tags/{name}"), &object]);
    }
}

/// A store file in its own folder, with one team.
pub(crate) struct Fixture {
    dir: TempDir,
    store: Store,
    team: Team,
}

impl Fixture {
    pub(crate) fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("retro.db")).unwrap();
        let team = store.add_team("web", UtcOffset::UTC).unwrap();
        Fixture { dir, store, team }
    }

    pub(crate) fn db(&self) -> PathBuf {
        self.dir.path().join("retro.db")
    }

    pub(crate) fn import(&mut self, repo: &Repo, options: &GitOptions) -> retro::import::git::GitImportSummary {
        import_repository(&mut self.store, &self.team, repo.path(), options).unwrap()
    }

    /// `(external_id, deployed_at, kind)` of every deployment, by time.
    pub(crate) fn deployments(&self) -> Vec<(String, String, String)> {
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
    pub(crate) fn changes(&self) -> Vec<(String, String, String)> {
        let conn = rusqlite::Connection::open(self.db()).unwrap();
        let mut stmt = conn
            .prepare(
                "SELECT external_id, datetime(committed_at, 'unixepoch'), coalesce(deployment_external_id, '-') FROM changes
                 ORDER BY committed_at",
            )
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().collect::<Result<_, _>>().unwrap()
    }

    /// `(external_id, source, service)` of every deployment, by time then id.
    fn deployment_sources(&self) -> Vec<(String, String, String)> {
        let conn = rusqlite::Connection::open(self.db()).unwrap();
        let mut stmt = conn
            .prepare(
                "SELECT external_id, source, coalesce(service, '-') FROM deployments
                 ORDER BY deployed_at, external_id",
            )
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().collect::<Result<_, _>>().unwrap()
    }

    fn sql_count(&self, sql: &str) -> i64 {
        rusqlite::Connection::open(self.db()).unwrap().query_row(sql, [], |r| r.get(0)).unwrap()
    }

    fn week3(&self) -> retro::metrics::PeriodMetrics {
        let week = Period::parse_label("2025-W03", UtcOffset::UTC).unwrap();
        MetricTable::load(&self.store, &self.team, &[week]).unwrap().periods.remove(0)
    }
}

pub(crate) fn tags() -> GitOptions {
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
/// `build-7` is not a release tag.
pub(crate) struct Releases {
    pub(crate) repo: Repo,
    pub(crate) c: Vec<String>,
}

pub(crate) fn releases() -> Releases {
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
        deployments: DeploySource::Tags(TagFilter::including(&["release/*"])),
        rework: ReworkRules::parse(&["fix_forward:empty login"]).unwrap(),
        ..Default::default()
    };
    let s = f.import(&r.repo, &options);
    // release/7 names c2: it ships c1 and c2 at its own (tagger) time.
    assert_eq!((s.deployments, s.changes), (1, 2));
    assert_eq!(f.deployments(), [row("release/7", "2025-01-17 09:00:00", "planned")]);

    let mut f = Fixture::new();
    let options = GitOptions {
        deployments: DeploySource::default(),
        rework: ReworkRules::parse(&["fix_forward:empty login"]).unwrap(),
        ..Default::default()
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
    r.repo.git("2025-01-17 09:00:00", &["tag", "v9-tree", "HEAD^{tree}"]);
    let mut f = Fixture::new();
    let s = f.import(&r.repo, &tags());
    assert_eq!(s.skipped_tags, ["v9-tree"]);
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

fn tag_filter(include: &[&str], exclude: &[&str]) -> GitOptions {
    let mut filter = if include.is_empty() { TagFilter::default() } else { TagFilter::including(include) };
    if !exclude.is_empty() {
        filter.exclude = exclude.iter().map(|g| (*g).to_owned()).collect();
    }
    GitOptions { deployments: DeploySource::Tags(filter), ..Default::default() }
}

fn ids(f: &Fixture) -> Vec<String> {
    f.deployments().into_iter().map(|d| d.0).collect()
}

#[test]
fn a_star_in_the_tag_glob_matches_slashes() {
    require_git!();
    let repo = Repo::new();
    repo.commit("2025-01-13 09:00:00", "a.txt", "Add a");
    repo.annotated_tag("2025-01-13 12:00:00", "release/1.0", "Release 1.0");
    repo.commit("2025-01-14 09:00:00", "a.txt", "Add b");
    repo.annotated_tag("2025-01-14 12:00:00", "release-1.1", "Release 1.1");
    repo.annotated_tag("2025-01-14 13:00:00", "team/release/1.1", "Not ours");
    let mut f = Fixture::new();
    let s = f.import(&repo, &tag_filter(&["release*"], &[]));
    // git's `for-each-ref refs/tags/release*` would find release-1.1 alone.
    assert_eq!(ids(&f), ["release/1.0", "release-1.1"]);
    assert_eq!((s.tags.matched, s.tags.unmatched), (2, 1));
    // The glob covers the whole name: `release` alone matches no tag.
    let mut f = Fixture::new();
    assert_eq!(f.import(&repo, &tag_filter(&["release"], &[])).deployments, 0);
}

#[test]
fn a_tag_without_a_usable_date_is_skipped_and_said() {
    require_git!();
    let repo = Repo::new();
    let c1 = repo.commit("2025-01-13 09:00:00", "a.txt", "Add a");
    // Like v0.99 in git/git: an annotated tag with no tagger line at all.
    repo.raw_tag("v0.99", &c1, "", "GIT 0.99");
    let c2 = repo.commit("2025-01-14 09:00:00", "a.txt", "Add b");
    // A tagger line without a time.
    repo.raw_tag("v0.99.1", &c2, "tagger Someone <s@example.org>", "no time");
    repo.commit("2025-01-15 09:00:00", "a.txt", "Add c");
    repo.annotated_tag("2025-01-15 12:00:00", "v1.0", "Release 1.0");
    let mut f = Fixture::new();
    let s = f.import(&repo, &tags());
    assert_eq!(s.undated_tags, ["v0.99", "v0.99.1"]);
    assert_eq!(s.tags.matched, 3);
    // v1.0 ships all three commits: the undated tags are not deployments.
    assert_eq!((s.deployments, s.changes), (1, 3));
    assert_eq!(f.deployments(), [row("v1.0", "2025-01-15 12:00:00", "planned")]);

    let dir = tempfile::tempdir().unwrap();
    let printed = stdout(retro(dir.path()).arg("--db").arg(f.db()).args(["import", "git"]).arg(repo.path()));
    assert!(
        printed.contains("Skipped 2 annotated tag(s) without a usable date (no tagger time): v0.99, v0.99.1."),
        "{printed}"
    );
}

/// Tags of every common form on one line of history, a day apart from Mon 13 January.
fn tag_forms() -> Repo {
    let repo = Repo::new();
    let names = [
        "v1.0.0",
        "1.1.0",
        "v1.2.0-rc.1",
        "v1.2.0-RC2",
        "v1.2.0-beta",
        "1.2.0rc3",
        "2.0.0a1",
        "v1.2.0",
        "nightly",
        "v1.2.1-hotfix",
    ];
    for (i, name) in names.iter().enumerate() {
        let day = format!("2025-01-{:02} 09:00:00", 13 + i / 2);
        repo.commit(&day, "a.txt", &format!("Work for {name}"));
        repo.annotated_tag(&format!("2025-01-{:02} 1{}:00:00", 13 + i / 2, i % 2), name, "release");
    }
    repo
}

#[test]
fn the_default_takes_releases_with_or_without_v_and_leaves_pre_releases_out() {
    require_git!();
    let repo = tag_forms();
    let mut f = Fixture::new();
    let s = f.import(&repo, &tags());
    assert_eq!(ids(&f), ["v1.0.0", "1.1.0", "v1.2.0", "v1.2.1-hotfix"]);
    assert_eq!((s.tags.matched, s.tags.excluded, s.tags.unmatched), (4, 5, 1));
    // v1.2.0 ships its commit and the five of the pre-releases before it.
    let shipped = f.changes().iter().filter(|c| c.2 == "v1.2.0").count();
    assert_eq!(shipped, 6);
    assert_eq!(s.first_deployment, Some(("v1.0.0".to_owned(), 1)));
}

#[test]
fn exclude_tags_replaces_the_pre_release_list() {
    require_git!();
    let repo = tag_forms();
    let mut f = Fixture::new();
    let s = f.import(&repo, &tag_filter(&[], &["*-rc*", "*-hotfix"]));
    // Only the two globs given: -RC2, -beta, rc3 and a1 are deployments now.
    assert_eq!(ids(&f), ["v1.0.0", "1.1.0", "v1.2.0-RC2", "v1.2.0-beta", "1.2.0rc3", "2.0.0a1", "v1.2.0"]);
    assert_eq!((s.tags.matched, s.tags.excluded, s.tags.unmatched), (7, 2, 1));

    // Through the command line, with the counts printed.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("retro.db");
    retro(dir.path()).arg("--db").arg(&db).args(["teams", "add", "web"]).assert().success();
    let printed = stdout(retro(dir.path()).arg("--db").arg(&db).args(["import", "git"]).arg(repo.path()).args([
        "--exclude-tags",
        "*-rc*",
        "--exclude-tags",
        "*-hotfix",
    ]));
    assert!(
        printed.contains(
            "Tags: 7 matched (release tags (v1.2.3 or 1.2.3), except *-rc*, *-hotfix), 3 did not (2 of them left \
             out by the exclusions)."
        ),
        "{printed}"
    );
    assert!(printed.contains("The first deployment, v1.0.0, brought 1 change(s)."), "{printed}");
}

#[test]
fn since_leaves_out_older_deployments_and_commits() {
    require_git!();
    let repo = Repo::new();
    // Years of history before the team began to tag releases.
    for day in 1..=5 {
        repo.commit(&format!("2024-0{day}-01 09:00:00"), "old.txt", &format!("Old work {day}"));
    }
    repo.commit("2025-01-13 09:00:00", "a.txt", "Add a");
    repo.annotated_tag("2025-01-13 12:00:00", "v1.0", "Release 1.0");
    repo.commit("2025-01-14 09:00:00", "a.txt", "Add b");
    repo.annotated_tag("2025-01-14 12:00:00", "v1.1", "Release 1.1");
    let mut f = Fixture::new();
    let s = f.import(&repo, &tags());
    assert_eq!(s.first_deployment, Some(("v1.0".to_owned(), 6)));

    let since = retro::domain::parse_timestamp("2025-01-01").unwrap();
    let mut f = Fixture::new();
    let s = f.import(&repo, &GitOptions { since: Some(since), ..tags() });
    assert_eq!((s.deployments, s.changes), (2, 2));
    assert_eq!(s.before_since, (0, 5));
    assert_eq!(s.first_deployment, Some(("v1.0".to_owned(), 1)));
    // Lead times 3 h and 3 h, not months.
    assert_eq!(f.week3().dora.get(DoraMetric::ChangeLeadTime).value, Some(3.0));

    // A day after v1.0: v1.0 and the commits before the day are left out.
    let since = retro::domain::parse_timestamp("2025-01-14").unwrap();
    let mut f = Fixture::new();
    let s = f.import(&repo, &GitOptions { since: Some(since), ..tags() });
    assert_eq!(ids(&f), ["v1.1"]);
    assert_eq!(s.before_since, (1, 6));

    let dir = tempfile::tempdir().unwrap();
    let printed = stdout(
        retro(dir.path())
            .arg("--db")
            .arg(f.db())
            .args(["import", "git"])
            .arg(repo.path())
            .args(["--since", "2025-01-14"]),
    );
    assert!(
        printed.contains("Since 2025-01-14: left out 1 deployment(s) and 6 change(s) from before that day."),
        "{printed}"
    );
    retro(dir.path()).arg("--db").arg(dir.path().join("full.db")).args(["teams", "add", "web"]).assert().success();
    let full =
        stdout(retro(dir.path()).arg("--db").arg(dir.path().join("full.db")).args(["import", "git"]).arg(repo.path()));
    // A backlog of 150 commits before the first tag: the import suggests --since.
    let old = Repo::new();
    old.backlog(150);
    old.annotated_tag("2025-01-13 12:00:00", "v1.0", "Release 1.0");
    old.commit("2025-01-14 09:00:00", "a.txt", "Add b");
    old.annotated_tag("2025-01-14 12:00:00", "v1.1", "Release 1.1");
    let s = Fixture::new().import(&old, &tags());
    assert_eq!(s.first_deployment, Some(("v1.0".to_owned(), 150)));
    assert!(s.first_deployment_is_a_backlog());
    retro(dir.path()).arg("--db").arg(dir.path().join("old.db")).args(["teams", "add", "web"]).assert().success();
    let printed =
        stdout(retro(dir.path()).arg("--db").arg(dir.path().join("old.db")).args(["import", "git"]).arg(old.path()));
    assert!(
        printed.contains("The first deployment, v1.0, brought 150 change(s). It ships the whole history before it"),
        "{printed}"
    );
    // Six changes are no backlog: no hint about --since.
    assert!(full.contains("The first deployment, v1.0, brought 6 change(s).\n"), "{full}");
}

#[test]
fn lightweight_tags_read_commit_subjects_only_and_share_a_commit_once() {
    require_git!();
    let repo = Repo::new();
    repo.commit("2025-01-13 09:00:00", "a.txt", "Add a");
    repo.annotated_tag("2025-01-13 12:00:00", "v1.0", "Release 1.0");
    // The rework words are in the body, not the subject: a lightweight tag has no
    // message of its own, and the commit's body is not read.
    repo.git(
        "2025-01-14 09:00:00",
        &["commit", "-q", "--allow-empty", "-m", "Tidy up", "-m", "Not a hotfix, no revert."],
    );
    repo.commit("2025-01-14 10:00:00", "a.txt", "Add b");
    repo.lightweight_tag("v1.1");
    // Three lightweight tags on one reverting commit: it ships once, with the first.
    repo.commit("2025-01-15 10:00:00", "a.txt", "Revert \"Add b\"");
    for name in ["v1.2", "v1.2.0", "1.2"] {
        repo.lightweight_tag(name);
    }
    let mut f = Fixture::new();
    let s = f.import(&repo, &tags());
    assert_eq!(
        f.deployments(),
        [
            row("v1.0", "2025-01-13 12:00:00", "planned"),
            row("v1.1", "2025-01-14 10:00:00", "planned"),
            // Same time: in order of name.
            row("1.2", "2025-01-15 10:00:00", "rollback"),
            row("v1.2", "2025-01-15 10:00:00", "planned"),
            row("v1.2.0", "2025-01-15 10:00:00", "planned"),
        ]
    );
    assert_eq!(s.rework, [("rollback".to_owned(), 1)]);
}

/// One release of a one-commit history: `v1.0` at `tagged`, on a commit at `committed`.
fn one_release(name: &str, committed: &str, tagged: &str) -> Repo {
    let repo = Repo::named(name);
    repo.commit(committed, "a.txt", &format!("Work in {name} at {committed}"));
    repo.annotated_tag(tagged, "v1.0", "Release 1.0");
    repo
}

fn with_service(service: &str) -> GitOptions {
    GitOptions { service: Some(service.into()), ..tags() }
}

#[test]
fn two_repositories_with_the_same_folder_name_stay_apart() {
    require_git!();
    // Two clones both called `repo`, in different places, both tagging v1.0.
    let api = one_release("repo", "2025-01-13 09:00:00", "2025-01-13 12:00:00");
    let web = one_release("repo", "2025-01-14 09:00:00", "2025-01-14 10:00:00");
    let mut f = Fixture::new();
    let first = f.import(&api, &tags());
    // Keyed by the folder's name and a hash of its path, never the path itself (it may
    // hold a person's login).
    let key = first.repository.clone();
    assert!(key.starts_with("git:repo@"), "{key}");
    assert!(!key.contains(&api.path().parent().unwrap().display().to_string()), "{key}");
    // Without a service the second would overwrite the first's v1.0: refused, and the
    // store is left as it was.
    let e = import_repository(&mut f.store, &f.team, web.path(), &tags()).unwrap_err();
    assert!(matches!(e, GitImportError::IdFromAnotherSource { .. }), "{e:?}");
    assert!(e.to_string().contains("Give each repository its own --service NAME"), "{e}");
    assert_eq!(f.deployment_sources(), [row("v1.0", &key, "-")]);

    // One service each: both fit in the team.
    let mut f = Fixture::new();
    f.import(&api, &with_service("api"));
    let s = f.import(&web, &with_service("web"));
    assert_eq!(s.deployment_report.inserted, 1);
    let web_key = f.deployment_sources()[1].1.clone();
    assert!(web_key.starts_with("git:repo@") && web_key.ends_with("#web") && web_key != format!("{key}#web"));
    assert_eq!(
        f.deployment_sources(),
        [row("api@v1.0", &format!("{key}#api"), "api"), row("web@v1.0", &web_key, "web")]
    );
    assert_eq!(f.sql_count("SELECT count(*) FROM changes WHERE external_id LIKE 'web@%' AND service = 'web'"), 1);
    // Two deployments; lead times 3 h (api) and 1 h (web): median 2 h.
    let w = f.week3();
    assert_eq!(w.dora.get(DoraMetric::DeploymentFrequency).count, 2);
    assert_eq!(w.dora.get(DoraMetric::ChangeLeadTime).value, Some(2.0));

    // From a subfolder it is the same repository: nothing new.
    std::fs::create_dir(web.path().join("src")).unwrap();
    let again = import_repository(&mut f.store, &f.team, &web.path().join("src"), &with_service("web")).unwrap();
    assert_eq!((again.repository, again.deployment_report.unchanged), (web_key, 1));
    assert_eq!(f.deployments().len(), 2);
}

#[test]
fn a_repository_with_an_origin_is_keyed_by_its_url_without_credentials() {
    require_git!();
    let first = one_release("shop", "2025-01-13 09:00:00", "2025-01-13 12:00:00");
    let mut f = Fixture::new();
    // Without an origin it is keyed by its folder; once it has one, by the URL, and the
    // rows stored under the folder's key are taken over rather than refused as another
    // repository's.
    let s = f.import(&first, &tags());
    assert!(s.repository.starts_with("git:shop@"), "{}", s.repository);
    first.git("2025-01-01 00:00:00", &["remote", "add", "origin", "https://ada:s3cret-token@github.com/acme/shop.git"]);
    let s = f.import(&first, &tags());
    assert_eq!(s.repository, "git:github.com/acme/shop");
    assert_eq!((s.adopted, s.deployment_report.unchanged, s.stale_deployments), (1, 1, 0));
    // The same with a service: the folder's key with that service is taken over.
    let other = one_release("cart", "2025-01-13 09:00:00", "2025-01-13 12:00:00");
    f.import(&other, &with_service("cart"));
    other.git("2025-01-01 00:00:00", &["remote", "add", "origin", "git@github.com:acme/cart.git"]);
    let s = f.import(&other, &with_service("cart"));
    assert_eq!(s.repository, "git:github.com/acme/cart#cart");
    assert_eq!((s.adopted, s.deployment_report.unchanged, s.elsewhere), (1, 1, 0));
    // A second clone of the same origin, elsewhere and over ssh, is the same repository.
    let clone = tempfile::tempdir().unwrap();
    let status = Command::new("git")
        .args(["clone", "-q"])
        .arg(first.path())
        .arg(clone.path().join("checkout"))
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .status()
        .unwrap();
    assert!(status.success());
    let checkout = clone.path().join("checkout");
    let set_url = Command::new("git")
        .arg("-C")
        .arg(&checkout)
        .args(["remote", "set-url", "origin", "git@github.com:acme/shop.git"])
        .status()
        .unwrap();
    assert!(set_url.success());
    let again = import_repository(&mut f.store, &f.team, &checkout, &tags()).unwrap();
    assert_eq!((again.repository.as_str(), again.deployment_report.unchanged), ("git:github.com/acme/shop", 1));
    let db = f.db();
    drop(f.store);
    let mut bytes = std::fs::read(&db).unwrap();
    bytes.extend(std::fs::read(db.with_extension("db-wal")).unwrap_or_default());
    let text = String::from_utf8_lossy(&bytes);
    assert!(!text.contains("s3cret") && !text.contains("ada:"), "the store holds the URL's credentials");
}

/// A store as an earlier retro left it: `repo`'s history under `git:repo`, the key it
/// gave a repository by its folder's name.
fn legacy_store(repo: &Repo) -> Fixture {
    let mut f = Fixture::new();
    let derived = retro::import::git::read_history(repo.path(), &tags()).unwrap();
    f.store.load_deployments(&f.team, &derived.deployments, "git:repo").unwrap();
    f.store.load_changes(&f.team, &derived.changes().collect::<Vec<_>>(), "git:repo").unwrap();
    f
}

#[test]
fn deployments_stored_under_the_folder_name_are_taken_over() {
    require_git!();
    let r = releases();
    let mut f = legacy_store(&r.repo);
    let s = f.import(&r.repo, &tags());
    assert_eq!(s.adopted, 4);
    assert_eq!((s.deployment_report.inserted, s.deployment_report.unchanged), (0, 4));
    assert_eq!((s.change_report.inserted, s.change_report.unchanged), (0, 6));
    assert_eq!((s.stale_deployments, s.stale_changes, s.elsewhere), (0, 0, 0));
    let key = s.repository.clone();
    assert!(f.deployment_sources().iter().all(|d| d.1 == key), "{:?}", f.deployment_sources());
    assert_eq!(f.sql_count("SELECT count(*) FROM changes WHERE source = 'git:repo'"), 0);
    // The metrics are those of one import, not of two.
    assert_eq!(f.week3().dora.get(DoraMetric::DeploymentFrequency).count, 4);

    // With a service the ids differ (api@v1.0), so the old rows are not taken over; the
    // import counts them as this repository's rows stored elsewhere.
    let mut f = legacy_store(&r.repo);
    let s = f.import(&r.repo, &with_service("api"));
    assert_eq!((s.adopted, s.elsewhere, s.deployment_report.inserted), (0, 4, 4));

    let dir = tempfile::tempdir().unwrap();
    let f = legacy_store(&r.repo);
    let printed = stdout(retro(dir.path()).arg("--db").arg(f.db()).args(["import", "git"]).arg(r.repo.path()));
    assert!(printed.contains("Took over 4 deployment(s) stored under an earlier key of this repository"), "{printed}");
}

#[test]
fn another_repository_with_the_legacy_folder_name_is_refused() {
    require_git!();
    let r = releases();
    let mut f = legacy_store(&r.repo);
    let before = f.deployment_sources();
    let other = one_release("repo", "2025-01-14 09:00:00", "2025-01-14 10:00:00");
    let e = import_repository(&mut f.store, &f.team, other.path(), &tags()).unwrap_err();
    assert!(matches!(e, GitImportError::AmbiguousLegacySource { count: 4, .. }), "{e:?}");
    let message = e.to_string();
    assert!(message.contains("stored under git:repo") && message.contains("none of their commits is in"), "{message}");
    assert_eq!(f.deployment_sources(), before);
    // With a service of its own it stays apart; the old rows are not its own, so they
    // are neither taken over nor counted as its.
    let s = f.import(&other, &with_service("web"));
    assert_eq!((s.deployment_report.inserted, s.adopted, s.elsewhere), (1, 0, 0));
    assert_eq!(f.deployments().len(), 5);
}

#[test]
fn prune_deletes_what_a_narrower_pattern_no_longer_finds() {
    require_git!();
    let r = releases();
    let mut f = Fixture::new();
    f.import(&r.repo, &tags());
    // A change from another source that names no deployment: it ships with v1.1 (the
    // first production deployment after Tue 12:00).
    let csv = retro::domain::Change {
        external_id: "PR-9".into(),
        committed_at: retro::domain::parse_timestamp("2025-01-14T12:00:00Z").unwrap(),
        deployment_id: None,
        service: None,
    };
    f.store.load_changes(&f.team, &[csv], "csv").unwrap();
    let shipped_in = |f: &Fixture| -> String {
        let conn = rusqlite::Connection::open(f.db()).unwrap();
        conn.query_row(
            "SELECT d.external_id FROM changes c JOIN deployments d ON d.id = c.deployment_ref WHERE c.external_id = 'PR-9'",
            [],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(shipped_in(&f), "v1.1");

    // Leave the 1.1 series out, without --prune: the old deployments stay and are counted.
    let narrower = tag_filter(&[], &["v1.1*"]);
    let s = f.import(&r.repo, &narrower);
    assert_eq!((s.deployments, s.stale_deployments, s.stale_changes, s.pruned), (2, 2, 0, false));
    assert_eq!(ids(&f), ["v1.0", "v1.1", "v1.1.1", "v1.2"]);

    let s = f.import(&r.repo, &GitOptions { prune: true, ..narrower.clone() });
    assert_eq!((s.stale_deployments, s.stale_changes, s.pruned), (2, 0, true));
    assert_eq!(ids(&f), ["v1.0", "v1.2"]);
    // v1.2 now ships c3..c6; the other source's change moves to v1.2 as well.
    let c = &r.c;
    let shipped: Vec<String> = f.changes().into_iter().filter(|x| x.2 == "v1.2").map(|x| x.0).collect();
    assert_eq!(shipped, [c[3].clone(), c[4].clone(), c[5].clone(), c[6].clone()]);
    assert_eq!(shipped_in(&f), "v1.2");
    // 2 deployments in the week. Lead times: v1.0 3 h and 1 h; v1.2 (Thu 09:00) 49 h,
    // 47 h, 23 h, 0 h, and PR-9 (Tue 12:00) 45 h. Sorted 0, 1, 3, 23, 45, 47, 49: 23 h.
    let w = f.week3();
    assert_eq!(w.dora.get(DoraMetric::DeploymentFrequency).count, 2);
    assert_eq!(w.dora.get(DoraMetric::ChangeLeadTime).value, Some(23.0));
    // Nothing is stale any more.
    let again = f.import(&r.repo, &narrower);
    assert_eq!((again.stale_deployments, again.stale_changes), (0, 0));

    // --since makes the older deployment and its commits stale too; through the command line.
    let dir = tempfile::tempdir().unwrap();
    let cmd = |extra: &[&str]| {
        let mut cmd = retro(dir.path());
        cmd.arg("--db").arg(f.db()).args(["import", "git"]).arg(r.repo.path()).args(["--exclude-tags", "v1.1*"]);
        cmd.args(extra);
        stdout(&mut cmd)
    };
    let kept = cmd(&["--since", "2025-01-14"]);
    assert!(
        kept.contains("Note: 1 deployment(s) and 2 change(s) of this repository in the store are no longer found"),
        "{kept}"
    );
    let pruned = cmd(&["--since", "2025-01-14", "--prune"]);
    assert!(
        pruned.contains("Pruned 1 deployment(s) and 2 change(s) of this repository that the import no longer finds."),
        "{pruned}"
    );
    assert_eq!(ids(&f), ["v1.2"]);
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
        out.contains(
            "Imported 4 deployment(s) (release tags (v1.2.3 or 1.2.3), pre-releases left out; rework: 1 hotfix, \
             1 rollback) and 6 change(s)"
        ),
        "{out}"
    );
    assert!(out.contains("Deployments: 4 new, 0 updated, 0 unchanged. Changes: 6 new, 0 updated, 0 unchanged."));
    assert!(out.contains("Not counted as changes: 1 merge commit(s) and 1 commit(s) that change no file."));
    let again = stdout(retro(dir.path()).args(["--db", "retro.db", "import", "git", repo]));
    assert!(again.contains("Deployments: 0 new, 0 updated, 4 unchanged. Changes: 0 new, 0 updated, 6 unchanged."));

    let none = stdout(retro(dir.path()).args(["--db", "retro.db", "import", "git", repo, "--deploy-tags", "prod-*"]));
    assert!(none.contains("Found no deployments (tags matching prod-*, pre-releases left out)"), "{none}");
    assert!(none.contains("Tags: 0 matched (tags matching prod-*, pre-releases left out), 5 did not."), "{none}");

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
    fails(&["git", repo, "--service", "a@b"], "--service needs a name without '@'");
    fails(&["deployments", "d.csv", "--prune"], "apply to `retro import git` only");
    fails(&["deployments", "d.csv", "--service", "api"], "apply to `retro import git` only");
    fails(&["git", repo, "--link-incidents", "by-time"], "--link-incidents applies to the incident imports");
    fails(&["git", repo, "--exclude-tags", "*-rc*", "--deploy-branch", "main"], "cannot be used with");
    let out = stdout(
        retro(dir.path())
            .args(["--db", "retro.db", "import", "git", repo, "--deploy-branch", "main"])
            .args(["--service", "api"]),
    );
    assert!(out.contains("Repository: stored as git:repo@") && out.contains("#api."), "{out}");
    // The same merges without a service are still there, under the other key.
    assert!(
        out.contains("Note: this team also has 3 deployment(s) of this repository stored with another --service"),
        "{out}"
    );
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
fn incidents_linked_by_time_follow_a_prune() {
    require_git!();
    let r = releases();
    let mut f = Fixture::new();
    f.import(&r.repo, &tags());
    // Wed 13:00-15:00, an hour after v1.1.1 (Wed 12:00).
    let incident = retro::domain::Incident {
        external_id: "INC-1".into(),
        started_at: retro::domain::parse_timestamp("2025-01-15T13:00:00Z").unwrap(),
        resolved_at: retro::domain::parse_timestamp("2025-01-15T15:00:00Z"),
        deployment_id: None,
        service: None,
    };
    let (_, links) =
        f.store.load_incidents_linking(&f.team, [Ok::<_, std::convert::Infallible>(&incident)], "csv", true).unwrap();
    assert_eq!((links.linked, links.unlinked), (1, 0));
    // v1.1.1 failed: 1 of 4 deployments, recovered in 2 h.
    let w = f.week3();
    assert_eq!(w.dora.get(DoraMetric::ChangeFailureRate).value, Some(25.0));
    assert_eq!(w.dora.get(DoraMetric::RecoveryTime).value, Some(2.0));
    // Pruning the 1.1 series moves the incident to v1.0, the last deployment before it:
    // 1 of 2 deployments.
    f.import(&r.repo, &GitOptions { prune: true, ..tag_filter(&[], &["v1.1*"]) });
    let w = f.week3();
    assert_eq!(w.dora.get(DoraMetric::ChangeFailureRate).value, Some(50.0));
    assert_eq!(w.dora.get(DoraMetric::RecoveryTime).value, Some(2.0));
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
