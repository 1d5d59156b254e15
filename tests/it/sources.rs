//! GitHub and GitLab API JSON (tests/fixtures/github, tests/fixtures/gitlab, written from
//! the APIs' published examples): hand-checked metrics, idempotent re-imports, bad
//! records refused with file, line and record, person fields dropped and named.

use retro::domain::{DoraMetric, Period, Team, UtcOffset};
use retro::import::sources::gitlab::{self, GitlabMetric};
use retro::import::sources::{self, ParsedDeployments, SourceError, SourceSummary, github};
use retro::import::{ImportError, Input};
use retro::metrics::PeriodMetrics;
use retro::query::MetricTable;
use retro::store::{Store, TeamCounts};
use std::path::{Path, PathBuf};
use std::process::Command;
use tempfile::TempDir;

fn fixture(name: &str) -> (String, Vec<u8>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    (name.to_owned(), std::fs::read(&path).unwrap())
}

struct Fixture {
    _dir: TempDir,
    db: PathBuf,
    store: Store,
    team: Team,
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("retro.db");
        let mut store = Store::open(&db).unwrap();
        let team = store.add_team("shop", UtcOffset::UTC).unwrap();
        Fixture { _dir: dir, db, store, team }
    }

    fn load(&mut self, parsed: ParsedDeployments, source: &str, repo: Option<&Path>) -> SourceSummary {
        sources::load(&mut self.store, &self.team, parsed, source, repo).unwrap()
    }

    fn period(&self, label: &str) -> PeriodMetrics {
        let period = Period::parse_label(label, UtcOffset::UTC).unwrap();
        MetricTable::load(&self.store, &self.team, &[period]).unwrap().periods.remove(0)
    }

    fn counts(&self) -> TeamCounts {
        self.store.team_counts(&self.team).unwrap()
    }

    /// `(external_id, environment, status)` of every deployment, by time.
    fn deployments(&self) -> Vec<(String, String, String)> {
        let conn = rusqlite::Connection::open(&self.db).unwrap();
        let mut stmt =
            conn.prepare("SELECT external_id, environment, status FROM deployments ORDER BY deployed_at").unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().collect::<Result<_, _>>().unwrap()
    }

    /// Every byte of the store (with its WAL), to search for text that must not be there.
    fn raw(self) -> String {
        drop(self.store);
        let mut bytes = std::fs::read(&self.db).unwrap();
        bytes.extend(std::fs::read(self.db.with_extension("db-wal")).unwrap_or_default());
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

fn github_deployments() -> ParsedDeployments {
    let (file, bytes) = fixture("github/deployments.json");
    let (sfile, sbytes) = fixture("github/deployment-statuses.json");
    github::parse_deployments(&file, &bytes, Some((&sfile, &sbytes))).unwrap()
}

fn github_runs(workflow: &str) -> ParsedDeployments {
    let (file, bytes) = fixture("github/workflow-runs.json");
    github::parse_runs(&file, &bytes, workflow).unwrap()
}

fn gitlab_deployments() -> ParsedDeployments {
    let (file, bytes) = fixture("gitlab/deployments.json");
    gitlab::parse_deployments(&file, &bytes).unwrap()
}

fn value(p: &PeriodMetrics, m: DoraMetric) -> (Option<f64>, u64) {
    let v = p.dora.get(m);
    (v.value.map(|x| (x * 1e6).round() / 1e6), v.count)
}

fn round(x: f64) -> Option<f64> {
    Some((x * 1e6).round() / 1e6)
}

// --- GitHub deployments ------------------------------------------------------------------

#[test]
fn github_deployments_give_frequency_and_failure_rate() {
    let parsed = github_deployments();
    // 1005 has only a queued status: it never reached an environment.
    assert_eq!(parsed.left_out.iter().map(|(k, v)| (k.as_str(), *v)).collect::<Vec<_>>(), [("queued", 1)]);
    assert_eq!(parsed.person_fields, ["creator", "statuses.creator"]);
    let mut f = Fixture::new();
    let s = f.load(parsed, github::DEPLOYMENTS_SOURCE, None);
    assert_eq!((s.deployments, s.changes), (4, 0));
    assert_eq!(s.other_environments.get("staging"), Some(&1));
    // 1001 at its first success (10:05, not the in_progress at 10:00); 1002 failed;
    // 1004's environment "prod" is marked production_environment by GitHub.
    assert_eq!(
        f.deployments(),
        [
            ("gh-deployment-1001".into(), "production".into(), "success".into()),
            ("gh-deployment-1002".into(), "production".into(), "failed".into()),
            ("gh-deployment-1003".into(), "staging".into(), "success".into()),
            ("gh-deployment-1004".into(), "production".into(), "success".into()),
        ]
    );
    let w = f.period("2025-W03");
    // Three production deployments in seven days, one of them failed.
    assert_eq!(value(&w, DoraMetric::DeploymentFrequency), (round(3.0 / 7.0), 3));
    assert_eq!(value(&w, DoraMetric::ChangeFailureRate).0, round(100.0 / 3.0));
    // The deployments API names no commit time: no lead time without a clone.
    assert_eq!(value(&w, DoraMetric::ChangeLeadTime).0, None);
    // Nor whether a deployment was a hotfix: no rework rate, not 0 %.
    assert_eq!(value(&w, DoraMetric::ReworkRate).0, None);
}

#[test]
fn github_deployments_statuses_may_sit_inside_each_deployment() {
    let text = r#"[{"id": 7, "sha": "abc", "environment": "production", "creator": {"login": "x"},
        "statuses": [{"state": "error", "created_at": "2025-01-14T10:00:00Z"},
                     {"state": "pending", "created_at": "2025-01-14T09:00:00Z"}]}]"#;
    let parsed = github::parse_deployments("d.json", text.as_bytes(), None).unwrap();
    assert_eq!(parsed.deployments.len(), 1);
    assert_eq!(parsed.deployments[0].status, retro::domain::DeployStatus::Failed);
    assert_eq!(parsed.deployments[0].deployed_at, retro::domain::parse_timestamp("2025-01-14T10:00:00Z").unwrap());
}

#[test]
fn github_deployments_without_statuses_are_refused() {
    let (file, bytes) = fixture("github/deployments.json");
    let e = github::parse_deployments(&file, &bytes, None).unwrap_err();
    assert!(e.to_string().contains("--statuses FILE"), "{e}");
}

struct Repo {
    _dir: TempDir,
    root: PathBuf,
}

impl Repo {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("shop");
        std::fs::create_dir(&root).unwrap();
        let repo = Repo { _dir: dir, root };
        repo.git("2025-01-01 00:00:00", &["init", "-q", "-b", "main"]);
        repo
    }

    fn git(&self, date: &str, args: &[&str]) -> String {
        let date = format!("{date} +0000");
        let out = Command::new("git")
            .args(["-c", "user.name=Some One", "-c", "user.email=someone@example.com", "-c", "commit.gpgsign=false"])
            .arg("-C")
            .arg(&self.root)
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

    fn commit(&self, date: &str, subject: &str) -> String {
        std::fs::write(self.root.join(format!("{subject}.txt")), subject).unwrap();
        self.git(date, &["add", "."]);
        self.git(date, &["commit", "-q", "-m", subject]);
        self.git(date, &["rev-parse", "HEAD"])
    }
}

fn has_git() -> bool {
    Command::new("git").arg("--version").output().is_ok_and(|o| o.status.success())
}

#[test]
fn github_deployments_with_a_clone_ship_the_commits_between_deployed_shas() {
    if !has_git() {
        eprintln!("git is not installed: skipped");
        return;
    }
    let repo = Repo::new();
    let c0 = repo.commit("2025-01-10 00:00:00", "init");
    let c1 = repo.commit("2025-01-12 09:00:00", "one");
    repo.commit("2025-01-13 12:00:00", "two");
    let c3 = repo.commit("2025-01-14 08:00:00", "three");
    let c4 = repo.commit("2025-01-15 15:00:00", "four");
    let c5 = repo.commit("2025-01-16 10:00:00", "five");
    let (file, bytes) = fixture("github/deployments.json");
    let text = String::from_utf8(bytes)
        .unwrap()
        .replace(&"a1".repeat(20), &c1)
        .replace(&"b2".repeat(20), &c3)
        .replace(&"c3".repeat(20), &c4)
        .replace(&"d4".repeat(20), &c5);
    let (sfile, sbytes) = fixture("github/deployment-statuses.json");
    let parsed = github::parse_deployments(&file, text.as_bytes(), Some((&sfile, &sbytes))).unwrap();
    let mut f = Fixture::new();
    let s = f.load(parsed, github::DEPLOYMENTS_SOURCE, Some(&repo.root));
    // 1001 is the first deployment: c0 and c1 are its history, left out. 1002 ships c2
    // and c3; the staging deployment 1003 is not a step, so 1004 ships c4 and c5.
    assert_eq!((s.changes, s.before_first, s.unknown_commits), (4, 2, 0));
    let w = f.period("2025-W03");
    // 1002 (Jan 14 12:00): c2 24 h, c3 4 h; 1004 (Jan 16 15:00): c4 24 h, c5 5 h.
    // Sorted 4, 5, 24, 24: the median is (5 + 24) / 2 = 14.5 h.
    assert_eq!(value(&w, DoraMetric::ChangeLeadTime), (Some(14.5), 4));
    let again = f.load(
        github::parse_deployments(&file, text.as_bytes(), Some((&sfile, &sbytes))).unwrap(),
        github::DEPLOYMENTS_SOURCE,
        Some(&repo.root),
    );
    assert_eq!((again.change_report.inserted, again.change_report.updated, again.change_report.unchanged), (0, 0, 4));
    assert!(!f.raw().contains(&c0), "the first deployment's history is not stored");
}

// --- GitHub workflow runs ----------------------------------------------------------------

#[test]
fn github_runs_of_the_deploy_workflow_give_the_metrics() {
    let parsed = github_runs("Deploy");
    let left: Vec<(&str, usize)> = parsed.left_out.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(left, [("cancelled", 1), ("in_progress", 1), ("other workflow (CI)", 1)]);
    assert_eq!(
        parsed.person_fields,
        // A repository's full name starts with its owner's login.
        [
            "actor",
            "head_commit.author",
            "head_commit.committer",
            "repository.full_name",
            "repository.owner",
            "triggering_actor"
        ]
    );
    let mut f = Fixture::new();
    let s = f.load(parsed, github::RUNS_SOURCE, None);
    // 2005 and 2006 deploy the same head commit: it ships with the first, 2005.
    assert_eq!((s.deployments, s.changes), (4, 3));
    let w = f.period("2025-W03");
    assert_eq!(value(&w, DoraMetric::DeploymentFrequency), (round(4.0 / 7.0), 4));
    // 2002 concluded failure: 1 of 4.
    assert_eq!(value(&w, DoraMetric::ChangeFailureRate).0, Some(25.0));
    assert_eq!(value(&w, DoraMetric::ReworkRate).0, None, "a run does not say it was a hotfix");
    // Head commit to completion (updated_at): 2001 2 h, 2002 6 h, 2005 24 h.
    assert_eq!(value(&w, DoraMetric::ChangeLeadTime), (Some(6.0), 3));
}

#[test]
fn github_runs_workflow_by_path_or_file_name_and_slurped_pages() {
    let by_name = github_runs("Deploy");
    assert_eq!(github_runs(".github/workflows/deploy.yml"), by_name);
    assert_eq!(github_runs("deploy.yml"), by_name);
    // `gh api --paginate --slurp`: one array holding the pages.
    let (file, bytes) = fixture("github/workflow-runs.json");
    let text = String::from_utf8(bytes).unwrap();
    let slurped = format!("[{}]", text.trim().replacen("}{", "},{", 1));
    let parsed = github::parse_runs(&file, slurped.as_bytes(), "Deploy").unwrap();
    assert_eq!(parsed.deployments, by_name.deployments);
    assert_eq!(parsed.changes, by_name.changes);
}

#[test]
fn github_runs_of_an_absent_workflow_are_refused_with_the_names_found() {
    let (file, bytes) = fixture("github/workflow-runs.json");
    let e = github::parse_runs(&file, &bytes, "Release").unwrap_err();
    assert_eq!(
        e.to_string(),
        "github/workflow-runs.json: holds no run of workflow \"Release\"; its runs are of: CI, Deploy"
    );
}

// --- GitLab --------------------------------------------------------------------------------

#[test]
fn gitlab_deployments_give_the_metrics() {
    let parsed = gitlab_deployments();
    assert_eq!(parsed.left_out.iter().map(|(k, v)| (k.as_str(), *v)).collect::<Vec<_>>(), [("canceled", 1)]);
    assert_eq!(
        parsed.person_fields,
        [
            "deployable.commit.author_email",
            "deployable.commit.author_name",
            "deployable.commit.committer_email",
            "deployable.commit.committer_name",
            "deployable.user",
            "user"
        ]
    );
    let mut f = Fixture::new();
    let s = f.load(parsed, gitlab::DEPLOYMENTS_SOURCE, None);
    assert_eq!((s.deployments, s.changes), (4, 3));
    let w = f.period("2025-W03");
    // 41, 42 (failed) and 45 in production; 43 went to staging.
    assert_eq!(value(&w, DoraMetric::DeploymentFrequency), (round(3.0 / 7.0), 3));
    assert_eq!(value(&w, DoraMetric::ChangeFailureRate).0, round(100.0 / 3.0));
    assert_eq!(value(&w, DoraMetric::ReworkRate).0, None, "GitLab's deployments have no kind");
    // Commit to deployable.finished_at: 41 2 h, 42 1 h, 45 24 h; the median is 2 h.
    assert_eq!(value(&w, DoraMetric::ChangeLeadTime), (Some(2.0), 3));
}

#[test]
fn gitlab_dora_values_arrive_in_retros_units() {
    let mut f = Fixture::new();
    let files = [
        ("gitlab/dora-deployment-frequency.json", GitlabMetric::DeploymentFrequency),
        ("gitlab/dora-lead-time-for-changes.json", GitlabMetric::LeadTimeForChanges),
        ("gitlab/dora-change-failure-rate.json", GitlabMetric::ChangeFailureRate),
        ("gitlab/dora-time-to-restore-service.json", GitlabMetric::TimeToRestoreService),
    ];
    let mut empty = 0;
    for (name, metric) in files {
        let (file, bytes) = fixture(name);
        let parsed = gitlab::parse_dora(&file, Input::Bytes(&bytes), Some(metric)).unwrap();
        empty += parsed.empty;
        gitlab::load_dora(&mut f.store, &f.team, &parsed).unwrap();
    }
    // March's deployment frequency is null: no data, not zero.
    assert_eq!(empty, 1);
    let jan = f.period("2025-01");
    // 62 deployments in January's 31 days; 86400 s; 0.125; 7200 s.
    assert_eq!(jan.dora.get(DoraMetric::DeploymentFrequency).value, Some(2.0));
    assert_eq!(jan.dora.get(DoraMetric::ChangeLeadTime).value, Some(24.0));
    assert_eq!(jan.dora.get(DoraMetric::ChangeFailureRate).value, Some(12.5));
    assert_eq!(jan.dora.get(DoraMetric::RecoveryTime).value, Some(2.0));
    let feb = f.period("2025-02");
    // 28 in February's 28 days; 5400 s = 1.5 h; a rate of 0 is a real zero.
    assert_eq!(feb.dora.get(DoraMetric::DeploymentFrequency).value, Some(1.0));
    assert_eq!(feb.dora.get(DoraMetric::ChangeLeadTime).value, Some(1.5));
    assert_eq!(feb.dora.get(DoraMetric::ChangeFailureRate).value, Some(0.0));
    assert_eq!(f.period("2025-03").dora.get(DoraMetric::DeploymentFrequency).value, None);

    let (file, bytes) = fixture("gitlab/dora-deployment-frequency.json");
    let again = gitlab::parse_dora(&file, Input::Bytes(&bytes), Some(GitlabMetric::DeploymentFrequency)).unwrap();
    let report = gitlab::load_dora(&mut f.store, &f.team, &again).unwrap();
    assert_eq!((report.inserted, report.updated, report.unchanged), (0, 0, 2));
}

#[test]
fn gitlab_dora_metrics_may_come_together_keyed_by_name() {
    let text = r#"{"deployment_frequency": [{"date": "2025-01-01", "value": 31}],
  "change_failure_rate": [{"date": "2025-01-01", "value": 0.5}]}"#;
    let parsed = gitlab::parse_dora("dora.json", Input::Bytes(text.as_bytes()), None).unwrap();
    let values: Vec<(String, f64)> = parsed.samples.iter().map(|s| (s.metric.key().to_owned(), s.value)).collect();
    assert_eq!(values, [("deployment_frequency".to_owned(), 1.0), ("change_failure_rate".to_owned(), 50.0)]);
    let e =
        gitlab::parse_dora("dora.json", Input::Bytes(br#"[{"date": "2025-01-01", "value": 3}]"#), None).unwrap_err();
    assert!(e.to_string().contains("give --metric NAME"), "{e}");
}

// --- re-imports and refusals ------------------------------------------------------------

#[test]
fn a_second_import_of_each_file_changes_nothing() {
    let mut f = Fixture::new();
    for _ in 0..2 {
        f.load(github_deployments(), github::DEPLOYMENTS_SOURCE, None);
        f.load(github_runs("Deploy"), github::RUNS_SOURCE, None);
        f.load(gitlab_deployments(), gitlab::DEPLOYMENTS_SOURCE, None);
    }
    let before = (f.counts(), f.deployments());
    let a = f.load(github_deployments(), github::DEPLOYMENTS_SOURCE, None);
    let b = f.load(github_runs("Deploy"), github::RUNS_SOURCE, None);
    let c = f.load(gitlab_deployments(), gitlab::DEPLOYMENTS_SOURCE, None);
    for s in [a, b, c] {
        assert_eq!((s.deployment_report.inserted, s.deployment_report.updated), (0, 0));
        assert_eq!((s.change_report.inserted, s.change_report.updated), (0, 0));
        assert_eq!(s.deployment_report.unchanged as usize, s.deployments);
    }
    assert_eq!((f.counts(), f.deployments()), before);
    assert_eq!(f.deployments().len(), 4 + 4 + 4);
}

#[test]
fn person_fields_never_reach_the_store() {
    let mut f = Fixture::new();
    f.load(github_deployments(), github::DEPLOYMENTS_SOURCE, None);
    f.load(github_runs("Deploy"), github::RUNS_SOURCE, None);
    f.load(gitlab_deployments(), gitlab::DEPLOYMENTS_SOURCE, None);
    let raw = f.raw();
    for person in ["octocat", "hubot", "Mona", "mona@example.com", "Administrator", "admin@example.com", "root"] {
        assert!(!raw.contains(person), "{person} reached the store");
    }
}

fn refused(e: ImportError) -> (String, Option<u64>, Option<String>, String) {
    (e.file, e.line, e.field, e.message)
}

#[test]
fn a_deployment_without_a_sha_names_file_line_and_record() {
    let text = "[\n  {\"id\": 1, \"sha\": \"abc\", \"environment\": \"production\"},\n  {\"id\": 2,\n   \"environment\": \"production\"}\n]\n";
    let statuses = r#"[{"id": 9, "state": "success", "created_at": "2025-01-14T10:00:00Z",
        "deployment_url": "https://api.github.com/repos/o/r/deployments/2"}]"#;
    let e =
        github::parse_deployments("deployments.json", text.as_bytes(), Some(("statuses.json", statuses.as_bytes())))
            .unwrap_err();
    assert_eq!(
        refused(e.clone()),
        ("deployments.json".into(), Some(3), Some("sha".into()), "deployment 2: a value is required".into())
    );
    assert_eq!(e.to_string(), "deployments.json:3: sha: deployment 2: a value is required");

    let gl = "[{\"id\": 41, \"status\": \"success\", \"environment\": {\"name\": \"production\"}}]";
    let e = gitlab::parse_deployments("gl.json", gl.as_bytes()).unwrap_err();
    assert_eq!(e.to_string(), "gl.json:1: sha: deployment 41: a value is required");
}

#[test]
fn an_unparsable_time_names_file_line_and_record() {
    let (file, bytes) = fixture("github/deployments.json");
    let statuses = "[\n{\"id\": 2, \"state\": \"success\", \"created_at\": \"yesterday\",\n \"deployment_url\": \"https://api.github.com/repos/o/r/deployments/1001\"}\n]";
    let e = github::parse_deployments(&file, &bytes, Some(("statuses.json", statuses.as_bytes()))).unwrap_err();
    assert_eq!((e.file.as_str(), e.line, e.field.as_deref()), ("statuses.json", Some(2), Some("created_at")));
    assert!(e.message.starts_with("status 2: \"yesterday\" is not a date"), "{}", e.message);

    let runs = "{\"total_count\": 1, \"workflow_runs\": [\n  {\"id\": 5, \"name\": \"Deploy\", \"head_sha\": \"abc\",\n   \"status\": \"completed\", \"conclusion\": \"success\", \"updated_at\": \"2025-13-01T00:00:00Z\"}]}";
    let e = github::parse_runs("runs.json", runs.as_bytes(), "Deploy").unwrap_err();
    assert_eq!((e.file.as_str(), e.line, e.field.as_deref()), ("runs.json", Some(2), Some("updated_at")), "{e}");
    assert!(e.message.starts_with("run 5: "), "{}", e.message);

    let gl = "[\n{\"id\": 41, \"sha\": \"abc\", \"status\": \"success\", \"deployable\": {\"finished_at\": \"soon\"}}]";
    let e = gitlab::parse_deployments("gl.json", gl.as_bytes()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "gl.json:2: deployable.finished_at: deployment 41: \"soon\" is not a date; expected RFC 3339 (2025-01-31T14:05:00Z)"
    );
}

#[test]
fn gitlab_dora_refuses_daily_values_and_rates_above_one() {
    let daily = "[\n{\"date\": \"2025-01-01\", \"value\": 3},\n{\"date\": \"2025-01-02\", \"value\": 6}\n]";
    let e = gitlab::parse_dora("df.json", Input::Bytes(daily.as_bytes()), Some(GitlabMetric::DeploymentFrequency))
        .unwrap_err();
    assert_eq!((e.line, e.field.as_deref()), (Some(3), Some("date")));
    assert!(e.message.contains("interval=monthly"), "{}", e.message);
    let rate = "[{\"date\": \"2025-01-01\", \"value\": 12.5}]";
    let e = gitlab::parse_dora("cfr.json", Input::Bytes(rate.as_bytes()), Some(GitlabMetric::ChangeFailureRate))
        .unwrap_err();
    assert_eq!((e.line, e.field.as_deref()), (Some(1), Some("value")));
}

#[test]
fn a_refused_file_leaves_the_store_unchanged() {
    let mut f = Fixture::new();
    f.load(github_runs("Deploy"), github::RUNS_SOURCE, None);
    let before = (f.counts(), f.deployments());
    // A good record, then a bad one: nothing of the file is written.
    let text = r#"[{"id": 41, "sha": "abc", "status": "success", "environment": {"name": "production"},
        "deployable": {"finished_at": "2025-01-20T10:00:00Z"}},
      {"id": 42, "status": "success", "environment": {"name": "production"},
        "deployable": {"finished_at": "2025-01-20T11:00:00Z"}}]"#;
    let err = gitlab::parse_deployments("gl.json", text.as_bytes()).unwrap_err();
    assert_eq!(err.line, Some(3));
    assert_eq!((f.counts(), f.deployments()), before);
    // A clone that is not a repository fails the load before anything is written.
    let missing = f._dir.path().join("no-such-clone");
    let e = sources::load(&mut f.store, &f.team, gitlab_deployments(), gitlab::DEPLOYMENTS_SOURCE, Some(&missing));
    assert!(matches!(e, Err(SourceError::Git(_))), "{e:?}");
    assert_eq!((f.counts(), f.deployments()), before);
}

// --- the command line --------------------------------------------------------------------

fn retro(dir: &Path) -> assert_cmd::Command {
    let mut cmd = crate::common::retro_in(dir);
    cmd.args(["--db", "retro.db"]);
    cmd
}

fn fixture_path(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name).display().to_string()
}

fn run_ok(dir: &Path, args: &[&str]) -> String {
    let out = retro(dir).args(args).assert().success().get_output().stdout.clone();
    String::from_utf8(out).unwrap()
}

fn run_err(dir: &Path, args: &[&str]) -> String {
    let out = retro(dir).args(args).assert().failure().get_output().stderr.clone();
    String::from_utf8(out).unwrap()
}

#[test]
fn cli_imports_runs_and_names_the_dropped_person_fields_once() {
    let dir = tempfile::tempdir().unwrap();
    run_ok(dir.path(), &["teams", "add", "shop"]);
    let runs = fixture_path("github/workflow-runs.json");
    let out = run_ok(dir.path(), &["import", "github-runs", &runs, "--workflow", "deploy.yml"]);
    assert_eq!(out.matches("Dropped field(s)").count(), 1, "{out}");
    assert!(
        out.contains(
            "Dropped field(s) actor, head_commit.author, head_commit.committer, repository.full_name, \
             repository.owner, triggering_actor: they identify people"
        ),
        "{out}"
    );
    assert!(out.contains("Left out 3 record(s) that did not reach an environment (cancelled: 1, in_progress: 1, other workflow (CI): 1)."), "{out}");
    assert!(out.contains("Imported 4 deployment(s) and 3 change(s)"), "{out}");
    assert!(
        out.contains(
            "GitHub's workflow runs API does not say which deployments were hotfixes, rollbacks or fixes forward: \
             the weeks imported here have no rework rate unless another import gave their kinds."
        ),
        "{out}"
    );
    assert!(
        out.contains("Deployments: 4 new, 0 updated, 0 unchanged. Changes: 3 new, 0 updated, 0 unchanged."),
        "{out}"
    );
    let again = run_ok(dir.path(), &["import", "github-runs", &runs, "--workflow", "deploy.yml"]);
    assert!(
        again.contains("Deployments: 0 new, 0 updated, 4 unchanged. Changes: 0 new, 0 updated, 3 unchanged."),
        "{again}"
    );
}

#[test]
fn cli_imports_github_deployments_with_statuses_and_gitlab_files() {
    let dir = tempfile::tempdir().unwrap();
    run_ok(dir.path(), &["teams", "add", "shop"]);
    let deployments = fixture_path("github/deployments.json");
    let statuses = fixture_path("github/deployment-statuses.json");
    let err = run_err(dir.path(), &["import", "github-deployments", &deployments]);
    assert!(err.contains("add --statuses FILE"), "{err}");
    let out = run_ok(dir.path(), &["import", "github-deployments", &deployments, "--statuses", &statuses]);
    assert!(out.contains("Dropped field(s) creator, statuses.creator: they identify people"), "{out}");
    assert!(out.contains("1 deployment(s) are outside production (staging: 1)"), "{out}");
    assert!(out.contains("no change was imported and lead time stays empty; add --repo CLONE"), "{out}");

    let gl = fixture_path("gitlab/deployments.json");
    let out = run_ok(dir.path(), &["import", "gitlab-deployments", &gl]);
    assert!(out.contains("Imported 4 deployment(s) and 3 change(s)"), "{out}");
    let dora = fixture_path("gitlab/dora-deployment-frequency.json");
    let err = run_err(dir.path(), &["import", "gitlab-dora", &dora]);
    assert!(err.contains("give --metric NAME"), "{err}");
    let out = run_ok(dir.path(), &["import", "gitlab-dora", &dora, "--metric", "deployment_frequency"]);
    assert!(out.contains("Skipped 1 month(s) GitLab gave no value for: no data, not zero."), "{out}");
    assert!(out.contains("Imported 2 DORA value(s)"), "{out}");
}

#[test]
fn cli_refuses_a_bad_record_and_misplaced_flags() {
    let dir = tempfile::tempdir().unwrap();
    run_ok(dir.path(), &["teams", "add", "shop"]);
    std::fs::write(dir.path().join("gl.json"), "[\n{\"id\": 41, \"status\": \"success\"}\n]\n").unwrap();
    let err = run_err(dir.path(), &["import", "gitlab-deployments", "gl.json"]);
    assert_eq!(err.trim(), "retro: gl.json:2: sha: deployment 41: a value is required");
    let runs = fixture_path("github/workflow-runs.json");
    let err = run_err(dir.path(), &["import", "github-runs", &runs]);
    assert!(err.contains("needs --workflow NAME|PATH"), "{err}");
    let err = run_err(dir.path(), &["import", "deployments", &runs, "--workflow", "Deploy"]);
    assert!(err.contains("apply to the GitHub and GitLab imports only"), "{err}");
    let err = run_err(dir.path(), &["import", "gitlab-deployments", "gl.json", "--statuses", "gl.json"]);
    assert!(err.contains("--statuses applies to `retro import github-deployments` only"), "{err}");
    let out = run_ok(dir.path(), &["teams", "list", "--format", "json"]);
    assert!(out.contains("\"deployments\": 0") || out.contains("\"deployments\":0"), "{out}");
}

#[test]
fn a_record_repeated_across_pages_is_read_once_unless_it_differs() {
    let page =
        r#"[{"id": 41, "sha": "abc", "status": "success", "deployable": {"finished_at": "2025-01-13T10:00:00Z"}}]"#;
    let twice = format!("{page}\n{page}\n");
    let parsed = gitlab::parse_deployments("gl.json", twice.as_bytes()).unwrap();
    assert_eq!(parsed.deployments.len(), 1);
    let differing = format!("{page}\n{}\n", page.replace("success", "failed"));
    let e = gitlab::parse_deployments("gl.json", differing.as_bytes()).unwrap_err();
    assert_eq!(e.to_string(), "gl.json:2: id: deployment 41 appears twice with different values (first on line 1)");
}

#[test]
fn cli_notes_a_head_commit_dated_after_its_run() {
    let dir = tempfile::tempdir().unwrap();
    run_ok(dir.path(), &["teams", "add", "shop"]);
    // Clock skew: the commit is dated after the run that deployed it completed.
    let runs = r#"{"total_count": 1, "workflow_runs": [{"id": 9, "name": "Deploy", "head_sha": "abc",
        "status": "completed", "conclusion": "success", "updated_at": "2025-01-13T10:00:00Z",
        "head_commit": {"id": "abc", "timestamp": "2025-01-13T11:00:00Z"}}]}"#;
    std::fs::write(dir.path().join("runs.json"), runs).unwrap();
    let out = run_ok(dir.path(), &["import", "github-runs", "runs.json", "--workflow", "Deploy"]);
    assert!(
        out.contains("Note: 1 change(s) name a deployment that is not in production or happened before the commit"),
        "{out}"
    );
}

#[test]
fn cli_github_runs_with_a_clone_and_statuses_of_unknown_deployments() {
    if !has_git() {
        eprintln!("git is not installed: skipped");
        return;
    }
    let repo = Repo::new();
    repo.commit("2025-01-10 00:00:00", "init");
    let c1 = repo.commit("2025-01-13 08:00:00", "one");
    repo.commit("2025-01-13 20:00:00", "two");
    let c3 = repo.commit("2025-01-14 06:00:00", "three");
    let (_, bytes) = fixture("github/workflow-runs.json");
    let text = String::from_utf8(bytes).unwrap().replace(&"a1".repeat(20), &c1).replace(&"a2".repeat(20), &c3);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("runs.json"), text).unwrap();
    run_ok(dir.path(), &["teams", "add", "shop"]);
    let clone = repo.root.display().to_string();
    let out = run_ok(dir.path(), &["import", "github-runs", "runs.json", "--workflow", "Deploy", "--repo", &clone]);
    // 2001 (c1) is the first: init and c1 are its history. 2002 (c3) ships two and three;
    // 2005 and 2006 name a commit the clone lacks.
    assert!(out.contains("Imported 4 deployment(s) and 2 change(s)"), "{out}");
    assert!(out.contains("the 2 commit(s) the first deployment reaches are its history, left out."), "{out}");
    assert!(out.contains("Note: 2 deployment(s) name a commit the clone does not have"), "{out}");

    let statuses = r#"[{"id": 1, "state": "success", "created_at": "2025-01-13T10:00:00Z",
        "deployment_url": "https://api.github.com/repos/o/r/deployments/1"},
      {"id": 2, "state": "success", "created_at": "2025-01-13T10:00:00Z",
        "deployment_url": "https://api.github.com/repos/o/r/deployments/999"}]"#;
    let deployments = r#"[{"id": 1, "sha": "abc", "environment": "production"}]"#;
    std::fs::write(dir.path().join("s.json"), statuses).unwrap();
    std::fs::write(dir.path().join("d.json"), deployments).unwrap();
    let out = run_ok(dir.path(), &["import", "github-deployments", "d.json", "--statuses", "s.json"]);
    assert!(out.contains("Note: 1 status(es) name a deployment d.json does not hold; they were ignored."), "{out}");
}
