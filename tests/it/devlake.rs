//! `retro import devlake` against a real MariaDB server that each test starts on a free
//! port in a temporary folder (and stops when it ends), with DevLake's domain-layer
//! tables. No mock of the database.

use mysql::prelude::Queryable;
use retro::domain::{DoraMetric, Period, Team, UtcOffset};
use retro::import::devlake::{DevlakeError, DevlakeSummary, import_project};
use retro::query::MetricTable;
use retro::store::Store;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// The subset of DevLake's domain layer the importer reads, with DevLake's column names
/// and the types GORM gives them on MySQL, from apache/incubator-devlake:
/// backend/core/models/domainlayer/devops/cicd_deployment.go (+ devops/common.go for the
/// dates), devops/cicd_deployment_commit.go, ticket/incident.go, code/commit.go,
/// code/commits_diff.go, crossdomain/project_mapping.go,
/// crossdomain/project_incident_deployment_relationship.go, and the `NoPKModel` columns of
/// backend/core/models/common/base.go. Person columns are kept so that the test shows
/// they are not read.
const SCHEMA: &str = "
CREATE TABLE project_mapping (
    project_name varchar(255) NOT NULL, `table` varchar(255) NOT NULL, row_id varchar(255) NOT NULL,
    created_at datetime(3), updated_at datetime(3),
    _raw_data_params varchar(255), _raw_data_table varchar(255), _raw_data_id bigint unsigned, _raw_data_remark longtext,
    PRIMARY KEY (project_name, `table`, row_id));
CREATE TABLE cicd_deployments (
    id varchar(255) NOT NULL PRIMARY KEY,
    created_at datetime(3), updated_at datetime(3),
    _raw_data_params varchar(255), _raw_data_table varchar(255), _raw_data_id bigint unsigned, _raw_data_remark longtext,
    cicd_scope_id varchar(255), name text, display_title longtext, url longtext,
    result varchar(100), status varchar(100), original_status varchar(100), original_result varchar(100),
    environment varchar(255), original_environment varchar(255),
    created_date datetime(3), queued_date datetime(3), started_date datetime(3), finished_date datetime(3),
    duration_sec double, queued_duration_sec double, subtask_name varchar(255),
    KEY idx_cicd_deployments_cicd_scope_id (cicd_scope_id));
CREATE TABLE cicd_deployment_commits (
    id varchar(255) NOT NULL,
    created_at datetime(3), updated_at datetime(3),
    _raw_data_params varchar(255), _raw_data_table varchar(255), _raw_data_id bigint unsigned, _raw_data_remark longtext,
    cicd_scope_id varchar(255), cicd_deployment_id varchar(255), name varchar(255), display_title longtext, url longtext,
    result varchar(100), status varchar(100), original_status varchar(100), original_result varchar(100),
    environment varchar(255), original_environment varchar(255),
    created_date datetime(3), queued_date datetime(3), started_date datetime(3), finished_date datetime(3),
    duration_sec double, queued_duration_sec double,
    commit_sha varchar(255) NOT NULL, commit_msg longtext, ref_name varchar(255), repo_id varchar(255),
    repo_url varchar(255) NOT NULL, prev_success_deployment_commit_id varchar(255), subtask_name varchar(255),
    PRIMARY KEY (id, commit_sha));
CREATE TABLE commits (
    sha varchar(40) NOT NULL PRIMARY KEY,
    created_at datetime(3), updated_at datetime(3),
    _raw_data_params varchar(255), _raw_data_table varchar(255), _raw_data_id bigint unsigned, _raw_data_remark longtext,
    additions bigint, deletions bigint, dev_eq bigint, message longtext,
    author_name varchar(255), author_email varchar(255), authored_date datetime(3), author_id varchar(255),
    committer_name varchar(255), committer_email varchar(255), committed_date datetime(3), committer_id varchar(255));
CREATE TABLE commits_diffs (
    new_commit_sha varchar(40) NOT NULL, old_commit_sha varchar(40) NOT NULL, commit_sha varchar(40) NOT NULL,
    sorting_index bigint, PRIMARY KEY (new_commit_sha, old_commit_sha, commit_sha));
CREATE TABLE incidents (
    id varchar(255) NOT NULL PRIMARY KEY,
    created_at datetime(3), updated_at datetime(3),
    _raw_data_params varchar(255), _raw_data_table varchar(255), _raw_data_id bigint unsigned, _raw_data_remark longtext,
    url varchar(255), incident_key varchar(255), title longtext, description longtext,
    status varchar(100), original_status varchar(100),
    resolution_date datetime(3), created_date datetime(3), updated_date datetime(3),
    lead_time_minutes bigint unsigned, original_estimate_minutes bigint, time_spent_minutes bigint,
    time_remaining_minutes bigint, creator_id varchar(255), creator_name varchar(255),
    parent_incident_id varchar(255), priority varchar(255), severity varchar(255), urgency varchar(255),
    component varchar(255), original_project varchar(255), `table` varchar(255), scope_id varchar(255),
    assignee_id varchar(255), assignee_name varchar(255),
    KEY idx_table_scope_id (`table`, scope_id));
CREATE TABLE project_incident_deployment_relationships (
    id varchar(255) NOT NULL,
    created_at datetime(3), updated_at datetime(3),
    _raw_data_params varchar(255), _raw_data_table varchar(255), _raw_data_id bigint unsigned, _raw_data_remark longtext,
    project_name varchar(100) NOT NULL, deployment_id longtext,
    PRIMARY KEY (id, project_name));
";

/// Two projects' rows. `payments`, week 2025-W03 (13-19 January), worked by hand:
/// - production deployments d1 (Mon 12:00, SUCCESS), d2 (Tue 15:00, FAILURE), d3 (Thu 10:00,
///   SUCCESS); d0 (Fri 10 Jan) is the chain's first; s1 is STAGING; r1 is still running.
/// - dc1 (d1) ships a1, a2 (commits_diffs against dc0); dc3 (d3) ships a3, a4 against dc1.
///   The STAGING commit dcs also ships a3: it does not count. Lead times: a1 13 Jan 08:00
///   -> 12:00 = 4 h, a2 10:00 -> 2 h, a3 14 Jan 08:00 -> 16 Jan 10:00 = 50 h, a4 15 Jan
///   10:00 -> 24 h. Sorted 2, 4, 24, 50: median (4 + 24) / 2 = 14 h.
/// - incident i1 (16 Jan 11:00-14:00) is linked to d3: recovery 3 h; i2 is open and unlinked.
/// - frequency 3 / 7 per day; failure rate: d2 failed, d3 caused i1: 2 / 3.
const ROWS: &str = "
INSERT INTO project_mapping (project_name, `table`, row_id) VALUES
    ('payments', 'cicd_scopes', 'github:GithubRepo:1:100'), ('payments', 'boards', 'jira:JiraBoard:1:7'),
    ('search', 'cicd_scopes', 'github:GithubRepo:1:200'), ('search', 'boards', 'jira:JiraBoard:1:8');
INSERT INTO cicd_deployments (id, cicd_scope_id, name, result, status, environment, finished_date, updated_at) VALUES
    ('d0', 'github:GithubRepo:1:100', 'deploy', 'SUCCESS', 'DONE', 'PRODUCTION', '2025-01-10 10:00:00', '2025-02-01 00:00:01'),
    ('d1', 'github:GithubRepo:1:100', 'deploy', 'SUCCESS', 'DONE', 'PRODUCTION', '2025-01-13 12:00:00', '2025-02-01 00:00:01'),
    ('d2', 'github:GithubRepo:1:100', 'deploy', 'FAILURE', 'DONE', 'PRODUCTION', '2025-01-14 15:00:00', '2025-02-01 00:00:02'),
    ('d3', 'github:GithubRepo:1:100', 'deploy', 'SUCCESS', 'DONE', 'PRODUCTION', '2025-01-16 10:00:00', '2025-02-01 00:00:03'),
    ('s1', 'github:GithubRepo:1:100', 'deploy', 'SUCCESS', 'DONE', 'STAGING', '2025-01-15 09:00:00', '2025-02-01 00:00:03'),
    ('r1', 'github:GithubRepo:1:100', 'deploy', '', 'IN_PROGRESS', 'PRODUCTION', NULL, '2025-02-01 00:00:04'),
    ('o1', 'github:GithubRepo:1:200', 'deploy', 'SUCCESS', 'DONE', 'PRODUCTION', '2025-01-14 10:00:00', '2025-02-01 00:00:05');
INSERT INTO cicd_deployment_commits (id, cicd_scope_id, cicd_deployment_id, result, status, environment,
                                     finished_date, commit_sha, repo_url, prev_success_deployment_commit_id, updated_at) VALUES
    ('dc0', 'github:GithubRepo:1:100', 'd0', 'SUCCESS', 'DONE', 'PRODUCTION', '2025-01-10 10:00:00', 'a0', 'r', '', '2025-02-01 00:00:01'),
    ('dc1', 'github:GithubRepo:1:100', 'd1', 'SUCCESS', 'DONE', 'PRODUCTION', '2025-01-13 12:00:00', 'a2', 'r', 'dc0', '2025-02-01 00:00:01'),
    ('dc2', 'github:GithubRepo:1:100', 'd2', 'FAILURE', 'DONE', 'PRODUCTION', '2025-01-14 15:00:00', 'a3', 'r', '', '2025-02-01 00:00:02'),
    ('dc3', 'github:GithubRepo:1:100', 'd3', 'SUCCESS', 'DONE', 'PRODUCTION', '2025-01-16 10:00:00', 'a4', 'r', 'dc1', '2025-02-01 00:00:03'),
    ('dcs', 'github:GithubRepo:1:100', 's1', 'SUCCESS', 'DONE', 'STAGING', '2025-01-15 09:00:00', 'a3', 'r', 'dc1', '2025-02-01 00:00:03'),
    ('do1', 'github:GithubRepo:1:200', 'o1', 'SUCCESS', 'DONE', 'PRODUCTION', '2025-01-14 10:00:00', 'b2', 's', 'do0', '2025-02-01 00:00:05'),
    ('do0', 'github:GithubRepo:1:200', 'o0', 'SUCCESS', 'DONE', 'PRODUCTION', '2025-01-01 10:00:00', 'b0', 's', '', '2025-02-01 00:00:05');
INSERT INTO commits_diffs (new_commit_sha, old_commit_sha, commit_sha, sorting_index) VALUES
    ('a2', 'a0', 'a1', 1), ('a2', 'a0', 'a2', 2), ('a4', 'a2', 'a3', 1), ('a4', 'a2', 'a4', 2),
    ('a3', 'a2', 'a3', 1), ('b2', 'b0', 'b1', 1);
INSERT INTO commits (sha, author_name, author_email, committer_name, committer_email, message, committed_date) VALUES
    ('a0', 'Ada Quill', 'ada@example.org', 'Ada Quill', 'ada@example.org', 'start', '2025-01-09 09:00:00'),
    ('a1', 'Ada Quill', 'ada@example.org', 'Ada Quill', 'ada@example.org', 'one', '2025-01-13 08:00:00'),
    ('a2', 'Ada Quill', 'ada@example.org', 'Ada Quill', 'ada@example.org', 'two', '2025-01-13 10:00:00'),
    ('a3', 'Ada Quill', 'ada@example.org', 'Ada Quill', 'ada@example.org', 'three', '2025-01-14 08:00:00'),
    ('a4', 'Ada Quill', 'ada@example.org', 'Ada Quill', 'ada@example.org', 'four', '2025-01-15 10:00:00'),
    ('b1', 'Bo Lind', 'bo@example.org', 'Bo Lind', 'bo@example.org', 'other', '2025-01-14 09:00:00');
INSERT INTO incidents (id, `table`, scope_id, title, status, created_date, resolution_date, creator_name, assignee_name, updated_at) VALUES
    ('i1', 'boards', 'jira:JiraBoard:1:7', 'checkout down', 'DONE', '2025-01-16 11:00:00', '2025-01-16 14:00:00', 'Ada Quill', 'Bo Lind', '2025-02-01 00:00:03'),
    ('i2', 'boards', 'jira:JiraBoard:1:7', 'slow search', 'TODO', '2025-01-17 09:00:00', NULL, 'Ada Quill', 'Bo Lind', '2025-02-01 00:00:03'),
    ('io1', 'boards', 'jira:JiraBoard:1:8', 'index lost', 'DONE', '2025-01-14 11:00:00', '2025-01-14 12:00:00', 'Bo Lind', 'Ada Quill', '2025-02-01 00:00:05');
INSERT INTO project_incident_deployment_relationships (id, project_name, deployment_id, updated_at) VALUES
    ('i1', 'payments', 'd3', '2025-02-01 00:00:03'), ('io1', 'search', 'o1', '2025-02-01 00:00:05');
";

/// Returns early (passing, with a message) when the server binaries are missing, and fails
/// when the `CI` variable is set: CI installs them.
macro_rules! require_mariadb {
    () => {
        match MariaDb::binaries() {
            Some(bin) => bin,
            None => {
                if std::env::var_os("CI").is_some() {
                    panic!("mariadbd is required in CI (.ci/run installs mariadb-server) but was not found");
                }
                eprintln!("skipped: mariadbd is not installed (apt-get install mariadb-server mariadb-client)");
                return;
            }
        }
    };
}

/// A MariaDB server of the test's own, on a free port, in a temporary folder; stopped on drop.
struct MariaDb {
    child: Child,
    port: u16,
    _dir: TempDir,
}

impl MariaDb {
    /// The server binary, on PATH or where Debian puts it.
    fn binaries() -> Option<PathBuf> {
        let on_path =
            std::env::var_os("PATH").map(|p| std::env::split_paths(&p).collect::<Vec<_>>()).unwrap_or_default();
        let candidates = on_path.into_iter().chain(["/usr/sbin".into(), "/usr/libexec".into()]);
        for dir in candidates {
            for name in ["mariadbd", "mysqld"] {
                let path: PathBuf = dir.join(name);
                if path.is_file() {
                    return Some(path);
                }
            }
        }
        None
    }

    fn start(bin: &Path) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        // Its own folder for temporary tables, not the machine's shared /tmp.
        let tmp = dir.path().join("tmp");
        std::fs::create_dir(&tmp).unwrap();
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let user = Command::new("id").arg("-un").output().map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
        let mut cmd = Command::new(bin);
        // No system tables are needed: grants are skipped, so any user may connect, and
        // an empty data folder starts in half a second (mariadb-install-db takes five).
        cmd.arg("--no-defaults")
            .arg(format!("--datadir={}", data.display()))
            .arg(format!("--socket={}", dir.path().join("sock").display()))
            .arg(format!("--tmpdir={}", tmp.display()))
            .arg(format!("--pid-file={}", dir.path().join("pid").display()))
            .arg(format!("--log-error={}", dir.path().join("error.log").display()))
            .arg(format!("--port={port}"))
            .args([
                "--bind-address=127.0.0.1",
                "--skip-grant-tables",
                "--skip-log-bin",
                "--innodb-buffer-pool-size=16M",
            ])
            .args(["--innodb-log-file-size=8M", "--innodb-flush-log-at-trx-commit=0", "--innodb-doublewrite=0"])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some(user) = user.ok().filter(|u| !u.is_empty()) {
            cmd.arg(format!("--user={user}"));
        }
        let child = cmd.spawn().expect("mariadbd starts");
        let server = MariaDb { child, port, _dir: dir };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            match mysql::Conn::new(server.admin_url().as_str()) {
                Ok(mut conn) => {
                    conn.query_drop("SELECT 1").unwrap();
                    return server;
                }
                Err(e) => {
                    let log = std::fs::read_to_string(server._dir.path().join("error.log")).unwrap_or_default();
                    assert!(Instant::now() < deadline, "mariadbd did not accept connections within 60 s ({e}):\n{log}");
                }
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The server with no database chosen, for setting up.
    fn admin_url(&self) -> String {
        format!("mysql://retro:secret@127.0.0.1:{}", self.port)
    }

    fn url(&self, db: &str) -> String {
        format!("mysql://retro:secret@127.0.0.1:{}/{db}", self.port)
    }

    /// A database `db` with DevLake's tables and the two projects' rows.
    fn devlake(&self, db: &str) -> String {
        let mut conn = mysql::Conn::new(self.admin_url().as_str()).unwrap();
        conn.query_drop(format!("CREATE DATABASE {db}")).unwrap();
        conn.query_drop(format!("USE {db}")).unwrap();
        drop(conn);
        let url = self.url(db);
        self.run(&url, SCHEMA);
        self.run(&url, ROWS);
        url
    }

    /// Runs each `;`-separated statement of `sql`, failing on the first error.
    fn run(&self, url: &str, sql: &str) {
        let mut conn = mysql::Conn::new(url).unwrap();
        for statement in sql.split(';').filter(|s| !s.trim().is_empty()) {
            conn.query_drop(statement).unwrap_or_else(|e| panic!("{e}: {statement}"));
        }
    }
}

impl Drop for MariaDb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Fixture {
    _dir: TempDir,
    store: Store,
    team: Team,
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("retro.db")).unwrap();
        let team = store.add_team("payments", UtcOffset::UTC).unwrap();
        Fixture { _dir: dir, store, team }
    }

    fn import(&mut self, url: &str) -> Result<DevlakeSummary, DevlakeError> {
        import_project(&mut self.store, &self.team, url, "payments")
    }

    fn week(&self, label: &str) -> retro::metrics::PeriodMetrics {
        let week = Period::parse_label(label, UtcOffset::UTC).unwrap();
        MetricTable::load(&self.store, &self.team, &[week]).unwrap().periods.remove(0)
    }

    fn counts(&self) -> (u64, u64, u64) {
        let c = self.store.team_counts(&self.team).unwrap();
        (c.deployments, c.changes, c.incidents)
    }

    /// Every stored row of the three kinds, as text, to compare two stores.
    fn rows(&self) -> Vec<String> {
        let conn = rusqlite::Connection::open(self._dir.path().join("retro.db")).unwrap();
        let mut out = Vec::new();
        for sql in [
            "SELECT external_id || ' ' || deployed_at || ' ' || environment || ' ' || status FROM deployments ORDER BY 1",
            "SELECT external_id || ' ' || committed_at || ' ' || ifnull(deployment_external_id, '-') || ' ' || ifnull(deployed_at, '-') FROM changes ORDER BY 1",
            "SELECT external_id || ' ' || started_at || ' ' || ifnull(resolved_at, '-') || ' ' || ifnull(deployment_external_id, '-') FROM incidents ORDER BY 1",
        ] {
            let mut stmt = conn.prepare(sql).unwrap();
            out.extend(stmt.query_map([], |r| r.get::<_, String>(0)).unwrap().map(Result::unwrap));
        }
        out
    }
}

#[test]
fn a_project_imports_with_hand_checked_metrics() {
    let bin = require_mariadb!();
    let server = MariaDb::start(&bin);
    let url = server.devlake("lake");
    let mut f = Fixture::new();
    let s = f.import(&url).unwrap();
    // d0..d3 and staging s1; r1 has no result yet; o1 is another project's.
    assert_eq!((s.deployments, s.without_result, s.changes, s.incidents, s.linked_incidents), (5, 1, 4, 2, 1));
    assert_eq!(s.other_environments.into_iter().collect::<Vec<_>>(), vec![("STAGING".to_owned(), 1)]);
    assert!(!s.incremental);
    assert_eq!(s.database, format!("mysql://retro@127.0.0.1:{}/lake", server.port));
    let w = f.week("2025-W03");
    let freq = w.dora.get(DoraMetric::DeploymentFrequency);
    assert_eq!((freq.value, freq.count), (Some(3.0 / 7.0), 3));
    let lead = w.dora.get(DoraMetric::ChangeLeadTime);
    assert_eq!((lead.value, lead.count), (Some(14.0), 4));
    let cfr = w.dora.get(DoraMetric::ChangeFailureRate);
    assert_eq!((cfr.value, cfr.count), (Some(200.0 / 3.0), 3));
    let recovery = w.dora.get(DoraMetric::RecoveryTime);
    assert_eq!((recovery.value, recovery.count), (Some(3.0), 1));
    // Nothing of the other project, nothing of the staging chain's a3 (shipped by d3).
    let rows = f.rows();
    assert!(!rows.iter().any(|r| r.starts_with("o1 ") || r.starts_with("b1 ") || r.starts_with("io1 ")), "{rows:?}");
    assert!(rows.iter().any(|r| r.starts_with("a3 ") && r.contains(" d3 ")), "{rows:?}");
    assert!(rows.iter().any(|r| r.starts_with("s1 ") && r.contains(" STAGING ")), "{rows:?}");
    // No person's name or address reached the store.
    let bytes = std::fs::read(f._dir.path().join("retro.db")).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    for person in ["Ada Quill", "ada@example.org", "Bo Lind"] {
        assert!(!text.contains(person), "{person} reached the store");
    }
}

#[test]
fn a_re_run_reads_new_rows_and_duplicates_nothing() {
    let bin = require_mariadb!();
    let server = MariaDb::start(&bin);
    let url = server.devlake("lake");
    let mut f = Fixture::new();
    f.import(&url).unwrap();
    assert_eq!(f.counts(), (5, 4, 2));
    // Unchanged database: the re-run reads only the rows at the cursor, all unchanged.
    let again = f.import(&url).unwrap();
    assert!(again.incremental);
    assert_eq!((again.deployment_report.inserted, again.deployment_report.updated), (0, 0));
    assert!(again.deployments < 5, "read {} deployments again", again.deployments);
    assert_eq!(f.counts(), (5, 4, 2));
    // DevLake syncs: a new deployment d4 (Fri 17 Jan 08:00) ships a5 (06:00), the running r1
    // finishes, and i2 is resolved and linked to d4.
    server.run(
        &url,
        "INSERT INTO cicd_deployments (id, cicd_scope_id, result, status, environment, finished_date, updated_at)
             VALUES ('d4', 'github:GithubRepo:1:100', 'SUCCESS', 'DONE', 'PRODUCTION', '2025-01-17 08:00:00', '2025-02-02 00:00:00');
         UPDATE cicd_deployments SET result = 'SUCCESS', status = 'DONE', finished_date = '2025-01-18 08:00:00',
             updated_at = '2025-02-02 00:00:00' WHERE id = 'r1';
         INSERT INTO cicd_deployment_commits (id, cicd_scope_id, cicd_deployment_id, result, status, environment,
             finished_date, commit_sha, repo_url, prev_success_deployment_commit_id, updated_at)
             VALUES ('dc4', 'github:GithubRepo:1:100', 'd4', 'SUCCESS', 'DONE', 'PRODUCTION', '2025-01-17 08:00:00',
                     'a5', 'r', 'dc3', '2025-02-02 00:00:00');
         INSERT INTO commits_diffs VALUES ('a5', 'a4', 'a5', 1);
         INSERT INTO commits (sha, committed_date) VALUES ('a5', '2025-01-17 06:00:00');
         UPDATE incidents SET resolution_date = '2025-01-17 15:00:00', status = 'DONE', updated_at = '2025-02-02 00:00:00'
             WHERE id = 'i2';
         INSERT INTO project_incident_deployment_relationships (id, project_name, deployment_id, updated_at)
             VALUES ('i2', 'payments', 'd4', '2025-02-02 00:00:00');",
    );
    let s = f.import(&url).unwrap();
    assert_eq!((s.deployment_report.inserted, s.deployment_report.updated), (2, 0));
    assert_eq!((s.change_report.inserted, s.change_report.updated), (1, 0));
    assert_eq!((s.incident_report.inserted, s.incident_report.updated), (0, 1));
    assert_eq!(f.counts(), (7, 5, 2));
    // W03 now: 5 production deployments (d1, d2, d3, d4, r1); lead times 2, 2, 4, 24, 50
    // -> 4 h; failures d2, d3 (i1), d4 (i2) -> 3 of 5; recoveries 3 h and 6 h -> 4.5 h.
    let w = f.week("2025-W03");
    assert_eq!(w.dora.get(DoraMetric::DeploymentFrequency).count, 5);
    assert_eq!(w.dora.get(DoraMetric::ChangeLeadTime).value, Some(4.0));
    assert_eq!(w.dora.get(DoraMetric::ChangeFailureRate).value, Some(60.0));
    assert_eq!(w.dora.get(DoraMetric::RecoveryTime).value, Some(4.5));
    // DevLake's domain layer does not say which deployments were hotfixes: no rework rate.
    assert_eq!(w.dora.get(DoraMetric::ReworkRate).value, None);
    // The same as importing everything at once into a fresh store.
    let mut fresh = Fixture::new();
    fresh.import(&url).unwrap();
    assert_eq!(f.rows(), fresh.rows());
}

#[test]
fn a_bad_row_is_named_by_table_and_id_and_nothing_is_imported() {
    let bin = require_mariadb!();
    let server = MariaDb::start(&bin);
    let url = server.devlake("lake");
    server.run(
        &url,
        "INSERT INTO cicd_deployments (id, cicd_scope_id, result, environment, finished_date, updated_at)
             VALUES ('github:GithubRun:1:42', 'github:GithubRepo:1:100', 'SUCCESS', 'PRODUCTION', NULL, '2025-02-01 00:00:09')",
    );
    let mut f = Fixture::new();
    let err = f.import(&url).unwrap_err().to_string();
    assert_eq!(
        err,
        "cicd_deployments id \"github:GithubRun:1:42\": finished_date: is empty, but result is SUCCESS: a deployment \
         with a result must say when it finished"
    );
    assert_eq!(f.counts(), (0, 0, 0));
    server.run(
        &url,
        "UPDATE cicd_deployments SET finished_date = '2025-01-15 00:00:00', result = 'ABORTED' WHERE id = 'github:GithubRun:1:42'",
    );
    let err = f.import(&url).unwrap_err().to_string();
    assert!(
        err.starts_with("cicd_deployments id \"github:GithubRun:1:42\": result: \"ABORTED\" is not one of"),
        "{err}"
    );
    server.run(
        &url,
        "DELETE FROM cicd_deployments WHERE id = 'github:GithubRun:1:42';
         UPDATE incidents SET resolution_date = '2025-01-01 00:00:00' WHERE id = 'i1'",
    );
    let err = f.import(&url).unwrap_err().to_string();
    assert!(
        err.starts_with("incidents id \"i1\": resolution_date: 2025-01-01T00:00:00+00:00 is before created_date"),
        "{err}"
    );
    assert_eq!(f.counts(), (0, 0, 0));
    // A failed import moves no cursor: once fixed, everything arrives.
    server.run(&url, "UPDATE incidents SET resolution_date = '2025-01-16 14:00:00' WHERE id = 'i1'");
    let s = f.import(&url).unwrap();
    assert!(!s.incremental);
    assert_eq!(f.counts(), (5, 4, 2));
}

#[test]
fn wrong_urls_unreachable_servers_and_missing_tables_are_one_clear_line() {
    let mut f = Fixture::new();
    let err = f.import("postgres://u:pw@localhost/lake").unwrap_err().to_string();
    assert!(err.starts_with("the DevLake URL must start with mysql:// (found postgres)"), "{err}");
    let err = f.import("mysql://u:pw@localhost:3306").unwrap_err().to_string();
    assert!(err.starts_with("the DevLake URL names no database"), "{err}");
    // Nothing listens on a port just freed.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let err = f.import(&format!("mysql://u:hunter2@127.0.0.1:{port}/lake?charset=utf8mb4&parseTime=True&loc=UTC"));
    let err = err.unwrap_err().to_string();
    assert!(
        err.starts_with(&format!("cannot connect to the DevLake database at mysql://u@127.0.0.1:{port}/lake: ")),
        "{err}"
    );
    assert!(!err.contains("hunter2") && !err.contains('\n'), "{err}");

    let bin = require_mariadb!();
    let server = MariaDb::start(&bin);
    let url = server.devlake("lake");
    let err = import_project(&mut f.store, &f.team, &url, "billing").unwrap_err().to_string();
    assert_eq!(err, "DevLake has no project \"billing\" (no project_mapping rows); its projects: payments, search");
    server.run(&url, "DROP TABLE incidents");
    let err = f.import(&url).unwrap_err().to_string();
    assert!(err.starts_with("the DevLake database has no table incidents ("), "{err}");
    assert!(!err.contains('\n'));
    server.run(&url, "ALTER TABLE cicd_deployments DROP COLUMN finished_date");
    let err = f.import(&url).unwrap_err().to_string();
    assert!(err.starts_with("the DevLake database's cicd_deployments lacks a column retro reads ("), "{err}");
    assert_eq!(f.counts(), (0, 0, 0));
}

#[test]
fn retro_import_devlake_says_what_it_did_and_drops_person_fields_once() {
    let bin = require_mariadb!();
    let server = MariaDb::start(&bin);
    let url = server.devlake("lake");
    let dir = tempfile::tempdir().unwrap();
    let retro = || {
        let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("retro");
        cmd.current_dir(dir.path())
            .env_remove("RETRO_DB")
            .env_remove("RETRO_TEAM")
            .env("HOME", dir.path().join("home"));
        cmd
    };
    retro().args(["--db", "retro.db", "teams", "add", "payments"]).assert().success();
    let out = retro().args(["--db", "retro.db", "import", "devlake", &url, "--project", "payments"]).assert().success();
    let out = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert_eq!(out.matches("Person fields").count(), 1, "{out}");
    assert!(out.contains("are never read from DevLake"), "{out}");
    assert!(out.contains(&format!(
        "Imported project payments from mysql://retro@127.0.0.1:{}/lake (all rows) for team payments: 5 deployment(s), \
         4 change(s), 2 incident(s) (1 linked to a deployment).",
        server.port
    )), "{out}");
    assert!(out.contains("1 deployment(s) are outside PRODUCTION (STAGING: 1)"), "{out}");
    assert!(out.contains("DevLake's domain layer does not say which deployments were hotfixes"), "{out}");
    assert!(out.contains("Skipped 1 deployment(s) with no result yet"), "{out}");
    let err = retro().args(["--db", "retro.db", "import", "devlake", &url]).assert().failure();
    let err = String::from_utf8(err.get_output().stderr.clone()).unwrap();
    assert!(err.contains("needs --project NAME"), "{err}");
    let err = retro().args(["--db", "retro.db", "import", "git", ".", "--project", "payments"]).assert().failure();
    let err = String::from_utf8(err.get_output().stderr.clone()).unwrap();
    assert!(err.contains("--project applies to `retro import devlake` only"), "{err}");
}

#[test]
fn commits_waiting_for_refdiff_arrive_later_and_a_commit_keeps_its_first_deployment() {
    let bin = require_mariadb!();
    let server = MariaDb::start(&bin);
    let url = server.devlake("lake");
    let mut f = Fixture::new();
    f.import(&url).unwrap();
    // DevLake syncs d5 (its commits_diffs not written yet) and, later, d6; and a second
    // scope of the project deploys the same repository: its x1 ships a1 again, after d1.
    server.run(
        &url,
        "INSERT INTO project_mapping (project_name, `table`, row_id) VALUES ('payments', 'cicd_scopes', 'jenkins:Job:1:3');
         INSERT INTO cicd_deployments (id, cicd_scope_id, result, environment, finished_date, updated_at) VALUES
             ('d5', 'github:GithubRepo:1:100', 'SUCCESS', 'PRODUCTION', '2025-01-20 10:00:00', '2025-02-03 00:00:00'),
             ('d6', 'github:GithubRepo:1:100', 'SUCCESS', 'PRODUCTION', '2025-01-21 10:00:00', '2025-02-04 00:00:00'),
             ('x0', 'jenkins:Job:1:3', 'SUCCESS', 'PRODUCTION', '2025-01-05 10:00:00', '2025-02-04 00:00:00'),
             ('x1', 'jenkins:Job:1:3', 'SUCCESS', 'PRODUCTION', '2025-01-22 10:00:00', '2025-02-04 00:00:00');
         INSERT INTO cicd_deployment_commits (id, cicd_scope_id, cicd_deployment_id, result, environment,
             finished_date, commit_sha, repo_url, prev_success_deployment_commit_id, updated_at) VALUES
             ('dc5', 'github:GithubRepo:1:100', 'd5', 'SUCCESS', 'PRODUCTION', '2025-01-20 10:00:00', 'a6', 'r', 'dc3', '2025-02-03 00:00:00'),
             ('dc6', 'github:GithubRepo:1:100', 'd6', 'SUCCESS', 'PRODUCTION', '2025-01-21 10:00:00', 'a7', 'r', 'dc5', '2025-02-04 00:00:00'),
             ('dx0', 'jenkins:Job:1:3', 'x0', 'SUCCESS', 'PRODUCTION', '2025-01-05 10:00:00', 'a0', 'r', '', '2025-02-04 00:00:00'),
             ('dx1', 'jenkins:Job:1:3', 'x1', 'SUCCESS', 'PRODUCTION', '2025-01-22 10:00:00', 'a2', 'r', 'dx0', '2025-02-04 00:00:00');
         INSERT INTO commits_diffs VALUES ('a7', 'a6', 'a7', 1);
         INSERT INTO commits (sha, committed_date) VALUES
             ('a5', '2025-01-19 10:00:00'), ('a6', '2025-01-20 08:00:00'), ('a7', '2025-01-21 09:00:00');",
    );
    let s = f.import(&url).unwrap();
    assert_eq!((s.waiting_for_diffs, s.shipped_again), (1, 2));
    assert_eq!(s.change_report.inserted, 1, "only a7 arrives");
    // a1 and a2 stay with d1 (13 Jan), the first production deployment that shipped them.
    let rows = f.rows();
    assert!(rows.iter().any(|r| r.starts_with("a1 ") && r.contains(" d1 ")), "{rows:?}");
    assert!(rows.iter().any(|r| r.starts_with("a2 ") && r.contains(" d1 ")), "{rows:?}");
    // refdiff runs (it leaves updated_at alone): the next import brings d5's commits.
    server.run(&url, "INSERT INTO commits_diffs VALUES ('a6', 'a4', 'a5', 1), ('a6', 'a4', 'a6', 2)");
    let s = f.import(&url).unwrap();
    assert_eq!((s.waiting_for_diffs, s.change_report.inserted), (0, 2));
    let rows = f.rows();
    assert!(rows.iter().any(|r| r.starts_with("a5 ") && r.contains(" d5 ")), "{rows:?}");
    // And the same as one import of everything.
    let mut fresh = Fixture::new();
    fresh.import(&url).unwrap();
    assert_eq!(f.rows(), fresh.rows());
}

#[test]
fn a_large_project_is_read_row_by_row_and_imports_whole() {
    let bin = require_mariadb!();
    let server = MariaDb::start(&bin);
    let mut conn = mysql::Conn::new(server.admin_url().as_str()).unwrap();
    conn.query_drop("CREATE DATABASE big").unwrap();
    drop(conn);
    let url = server.url("big");
    server.run(&url, SCHEMA);
    let mut conn = mysql::Conn::new(url.as_str()).unwrap();
    conn.query_drop(
        "INSERT INTO project_mapping (project_name, `table`, row_id) VALUES
         ('payments', 'cicd_scopes', 'scope'), ('payments', 'boards', 'board')",
    )
    .unwrap();
    // 50,000 deployments a minute apart from 2025-01-01, every tenth failed, and an
    // incident after each failure, linked to it.
    const N: usize = 50_000;
    for first in (0..N).step_by(2_000) {
        let rows: Vec<String> = (first..first + 2_000)
            .map(|i| {
                let result = if i.is_multiple_of(10) { "FAILURE" } else { "SUCCESS" };
                format!(
                    "('d{i}', 'scope', '{result}', 'DONE', 'PRODUCTION', \
                     TIMESTAMPADD(MINUTE, {i}, '2025-01-01 00:00:00'), '2025-02-01 00:00:00')"
                )
            })
            .collect();
        conn.query_drop(format!(
            "INSERT INTO cicd_deployments (id, cicd_scope_id, result, status, environment, finished_date, updated_at) \
             VALUES {}",
            rows.join(",")
        ))
        .unwrap();
        let failed = (first..first + 2_000).step_by(10);
        let incidents: Vec<String> = failed
            .clone()
            .map(|i| {
                format!(
                    "('i{i}', 'boards', 'board', 'DONE', TIMESTAMPADD(MINUTE, {i}, '2025-01-01 00:00:30'), \
                     TIMESTAMPADD(MINUTE, {i}, '2025-01-01 00:30:00'), 'Ada Quill', '2025-02-01 00:00:00')"
                )
            })
            .collect();
        conn.query_drop(format!(
            "INSERT INTO incidents (id, `table`, scope_id, status, created_date, resolution_date, creator_name, \
             updated_at) VALUES {}",
            incidents.join(",")
        ))
        .unwrap();
        let links: Vec<String> =
            failed.map(|i| format!("('i{i}', 'payments', 'd{i}', '2025-02-01 00:00:00')")).collect();
        conn.query_drop(format!(
            "INSERT INTO project_incident_deployment_relationships (id, project_name, deployment_id, updated_at) \
             VALUES {}",
            links.join(",")
        ))
        .unwrap();
    }
    drop(conn);
    let mut f = Fixture::new();
    let s = f.import(&url).unwrap();
    assert_eq!((s.deployments, s.incidents, s.linked_incidents), (N, N / 10, N / 10));
    assert_eq!(s.deployment_report.inserted, N as u64);
    assert_eq!(f.counts(), (N as u64, 0, N as u64 / 10));
    // 2025-W02 (6 to 12 January): minutes 7,200 to 17,279 after the start, 10,080
    // deployments, 1,008 of them failed, each recovered in 29.5 minutes.
    let w = f.week("2025-W02");
    let freq = w.dora.get(DoraMetric::DeploymentFrequency);
    assert_eq!(freq.count, 10_080);
    let cfr = w.dora.get(DoraMetric::ChangeFailureRate);
    let round = |v: Option<f64>| v.map(|v| (v * 1e9).round() / 1e9);
    assert_eq!((round(cfr.value), cfr.count), (Some(10.0), 10_080));
    let recovery = w.dora.get(DoraMetric::RecoveryTime);
    assert_eq!((round(recovery.value), recovery.count), (round(Some(29.5 / 60.0)), 1_008));
}
