//! Importers through the library: every refused file names file, line and field and
//! leaves the store exactly as it was; re-imports are idempotent; person columns never
//! reach the database; the documented timestamp forms are accepted.

use retro::domain::{DeployKind, DeployStatus, Granularity, Period, Team, Timestamp, UtcOffset, parse_timestamp};
use retro::import::{Format, ImportKind, ImportSummary, LoadError, import_bytes, import_file_linking};
use retro::query::MetricTable;
use retro::store::{LoadReport, Store, TeamCounts};
use rusqlite::types::Value;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

// --- fixture -------------------------------------------------------------------------

/// A store in a temporary folder holding one team with some history, so that "the store
/// is unchanged" is checked against real rows rather than an empty store.
struct Fixture {
    dir: TempDir,
    path: PathBuf,
    store: Store,
    team: Team,
}

/// Everything observable about the store: counts, computed metrics, and every row of
/// every table read through a second connection.
#[derive(Debug, PartialEq)]
struct State {
    counts: TeamCounts,
    metrics: MetricTable,
    rows: Vec<(String, Vec<Vec<Value>>)>,
}

const BASE_DEPLOYMENTS: &str = "\
id,deployed_at,environment,service,status,kind
D-1,2025-01-06T10:00:00Z,production,api,success,planned
D-2,2025-01-07T10:00:00Z,production,api,failed,planned
D-3,2025-01-08T10:00:00Z,staging,api,success,planned
D-4,2025-01-09T10:00:00Z,production,api,success,hotfix
";

const BASE_CHANGES: &str = "\
id,committed_at,deployment_id,service
C-1,2025-01-05T10:00:00Z,D-1,api
C-2,2025-01-06T12:00:00Z,,api
C-3,2025-01-08T12:00:00Z,D-4,api
";

const BASE_INCIDENTS: &str = "\
id,started_at,resolved_at,deployment_id
I-1,2025-01-07T11:00:00Z,2025-01-07T13:00:00Z,D-2
I-2,2025-01-10T11:00:00Z,,
";

const BASE_METRICS: &str = "\
name,unit,polarity,period,value
customer_satisfaction,score,higher_is_better,2025-W02,4.1
customer_satisfaction,,,2025-W03,4.3
change_lead_time,hours,,2024-W50,30
";

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("retro.db");
    let mut store = Store::open(&path).unwrap();
    let team = store.add_team("payments", UtcOffset::UTC).unwrap();
    let mut f = Fixture { dir, path, store, team };
    f.ok(ImportKind::Deployments, "base.csv", BASE_DEPLOYMENTS);
    f.ok(ImportKind::Changes, "base.csv", BASE_CHANGES);
    f.ok(ImportKind::Incidents, "base.csv", BASE_INCIDENTS);
    f.ok(ImportKind::Metrics, "base.csv", BASE_METRICS);
    f
}

fn format_of(file: &str) -> Format {
    Format::from_path(Path::new(file)).expect("test files are named .csv or .json")
}

impl Fixture {
    /// Imports `text` as `retro import` does: streamed from a file.
    fn import(&mut self, kind: ImportKind, file: &str, text: &str) -> Result<ImportSummary, LoadError> {
        // Beside the store's folder, which other tests read file by file.
        let inputs = tempfile::tempdir().unwrap();
        let path = inputs.path().join(file);
        std::fs::write(&path, text).unwrap();
        import_file_linking(&mut self.store, &self.team, kind, file, &path, format_of(file), false)
    }

    /// Imports `text` from memory, as the library's callers may.
    fn import_bytes(&mut self, kind: ImportKind, file: &str, text: &str) -> Result<ImportSummary, LoadError> {
        import_bytes(&mut self.store, &self.team, kind, file, text.as_bytes(), format_of(file))
    }

    fn ok(&mut self, kind: ImportKind, file: &str, text: &str) -> ImportSummary {
        self.import(kind, file, text).unwrap_or_else(|e| panic!("{file} should import: {e}"))
    }

    /// Imports a file that must be refused; returns the message after checking that
    /// nothing in the store changed.
    fn refused(&mut self, kind: ImportKind, file: &str, text: &str) -> String {
        let before = self.state();
        let err = match self.import(kind, file, text) {
            Ok(summary) => panic!("{file} should be refused, got {summary:?}"),
            Err(LoadError::Invalid(e)) => e,
            Err(LoadError::Store(e)) => panic!("{file}: a store error instead of an import error: {e}"),
        };
        assert_eq!(err.file, file);
        assert_eq!(self.state(), before, "{file}: the store changed after {err}");
        // The same file read from memory is refused the same way.
        match self.import_bytes(kind, file, text) {
            Err(LoadError::Invalid(e)) => assert_eq!(e.to_string(), err.to_string(), "{file}: read from memory"),
            other => panic!("{file}: read from memory: {other:?}"),
        }
        assert_eq!(self.state(), before, "{file}: the store changed after reading it from memory");
        err.to_string()
    }

    fn state(&self) -> State {
        let periods: Vec<Period> =
            Period::covering(ts("2024-12-01T00:00:00Z"), ts("2025-03-01T00:00:00Z"), Granularity::Week, UtcOffset::UTC);
        let conn =
            rusqlite::Connection::open_with_flags(&self.path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        let tables =
            ["teams", "deployments", "changes", "incidents", "metric_definitions", "metric_samples", "dora_samples"];
        let rows = tables
            .iter()
            .map(|table| {
                // A team's created_at is the wall clock when its fixture was made: two
                // fixtures built a second apart differ there and nowhere else.
                let columns = if *table == "teams" { "id, name, utc_offset_minutes" } else { "*" };
                let mut stmt = conn.prepare(&format!("SELECT {columns} FROM {table} ORDER BY id")).unwrap();
                let width = stmt.column_count();
                let rows = stmt
                    .query_map([], |r| (0..width).map(|i| r.get::<_, Value>(i)).collect())
                    .unwrap()
                    .collect::<Result<Vec<Vec<Value>>, _>>()
                    .unwrap();
                ((*table).to_owned(), rows)
            })
            .collect();
        State {
            counts: self.store.team_counts(&self.team).unwrap(),
            metrics: MetricTable::load(&self.store, &self.team, &periods).unwrap(),
            rows,
        }
    }
}

fn ts(text: &str) -> Timestamp {
    parse_timestamp(text).unwrap()
}

const fn report(inserted: u64, updated: u64, unchanged: u64) -> LoadReport {
    LoadReport { inserted, updated, unchanged }
}

const DATE_HINT: &str = "expected RFC 3339 (2025-01-31T14:05:00Z) or YYYY-MM-DD HH:MM:SS (read as UTC)";

// --- deployments: refused files -------------------------------------------------------

#[test]
fn bad_date_names_file_line_and_field_csv() {
    let mut f = fixture();
    let msg = f.refused(
        ImportKind::Deployments,
        "deployments.csv",
        "id,deployed_at\nD-10,2025-02-01T10:00:00Z\nD-11,2025-13-01\n",
    );
    assert_eq!(msg, format!("deployments.csv:3: deployed_at: \"2025-13-01\" is not a date; {DATE_HINT}"));
}

#[test]
fn bad_date_names_the_record_line_json() {
    let mut f = fixture();
    let text = r#"[
  {"id": "D-10", "deployed_at": "2025-02-01T10:00:00Z"},
  {
    "id": "D-11",
    "deployed_at": "2025-02-30 10:00:00"
  }
]"#;
    let msg = f.refused(ImportKind::Deployments, "deployments.json", text);
    assert_eq!(msg, format!("deployments.json:3: deployed_at: \"2025-02-30 10:00:00\" is not a date; {DATE_HINT}"));
}

#[test]
fn json_line_numbers_inside_a_wrapping_object() {
    let mut f = fixture();
    let text = "{\n  \"source\": \"ci\",\n  \"deployments\": [\n    {\"id\": \"D-10\", \"deployed_at\": \"2025-02-01\"},\n\n    {\"id\": \"D-11\", \"deployed_at\": \"soon\"}\n  ]\n}\n";
    let msg = f.refused(ImportKind::Deployments, "deployments.json", text);
    assert!(msg.starts_with("deployments.json:6: deployed_at: \"soon\" is not a date"), "{msg}");
}

#[test]
fn missing_required_column_is_line_1_csv() {
    let mut f = fixture();
    let msg = f.refused(ImportKind::Deployments, "deployments.csv", "id,environment,status\nD-10,production,success\n");
    assert_eq!(msg, "deployments.csv:1: deployed_at: required column is missing (found: id, environment, status)");
}

#[test]
fn missing_required_column_json_names_the_first_record() {
    let mut f = fixture();
    let text = "[\n  {\"deployed_at\": \"2025-02-01\", \"env\": \"production\"}\n]";
    let msg = f.refused(ImportKind::Deployments, "deployments.json", text);
    assert_eq!(msg, "deployments.json:2: id: required column is missing (found: deployed_at, env)");
}

#[test]
fn empty_required_value_is_refused() {
    let mut f = fixture();
    let msg = f.refused(ImportKind::Deployments, "deployments.csv", "id,deployed_at\nD-10,2025-02-01\n ,2025-02-02\n");
    assert_eq!(msg, "deployments.csv:3: id: a value is required");
    let msg = f.refused(ImportKind::Deployments, "deployments.json", "[{\"id\": \"D-10\", \"deployed_at\": null}]");
    assert_eq!(msg, "deployments.json:1: deployed_at: a value is required");
}

#[test]
fn unknown_status_csv_and_json() {
    let mut f = fixture();
    let msg = f.refused(
        ImportKind::Deployments,
        "deployments.csv",
        "id,deployed_at,status\nD-10,2025-02-01,success\nD-11,2025-02-02,succeeded\n",
    );
    assert_eq!(msg, "deployments.csv:3: status: \"succeeded\" is not one of success, failed, rolled_back");
    let msg = f.refused(
        ImportKind::Deployments,
        "deployments.json",
        "[\n{\"id\": \"D-10\", \"deployed_at\": \"2025-02-01\", \"result\": \"broken\"}\n]",
    );
    assert_eq!(msg, "deployments.json:2: status: \"broken\" is not one of success, failed, rolled_back");
}

#[test]
fn unknown_kind_csv_and_json() {
    let mut f = fixture();
    let msg = f.refused(ImportKind::Deployments, "deployments.csv", "id,deployed_at,kind\nD-10,2025-02-01,emergency\n");
    assert_eq!(msg, "deployments.csv:2: kind: \"emergency\" is not one of planned, hotfix, rollback, fix_forward");
    let msg = f.refused(
        ImportKind::Deployments,
        "deployments.json",
        "[{\"id\": \"D-10\", \"deployed_at\": \"2025-02-01\", \"type\": \"yolo\"}]",
    );
    assert_eq!(msg, "deployments.json:1: kind: \"yolo\" is not one of planned, hotfix, rollback, fix_forward");
}

#[test]
fn duplicate_id_names_both_lines() {
    let mut f = fixture();
    let msg = f.refused(
        ImportKind::Deployments,
        "deployments.csv",
        "id,deployed_at\nD-10,2025-02-01\nD-11,2025-02-02\nD-10,2025-02-03\n",
    );
    assert_eq!(msg, "deployments.csv:4: id: \"D-10\" appears more than once in this file (first on line 2)");
    let text = "[\n  {\"id\": \"D-10\", \"deployed_at\": \"2025-02-01\"},\n  {\"id\": \"D-10\", \"deployed_at\": \"2025-02-01\"}\n]";
    let msg = f.refused(ImportKind::Deployments, "deployments.json", text);
    assert_eq!(msg, "deployments.json:3: id: \"D-10\" appears more than once in this file (first on line 2)");
}

#[test]
fn a_bad_last_row_of_a_long_file_writes_nothing() {
    let mut f = fixture();
    let mut csv = String::from("id,deployed_at,environment,status,kind\n");
    for i in 0..5_000 {
        csv.push_str(&format!("L-{i},2025-02-01T00:00:00Z,production,success,planned\n"));
    }
    csv.push_str("L-last,2025-02-01T00:00:00Z,production,success,rollforward\n");
    let msg = f.refused(ImportKind::Deployments, "deployments.csv", &csv);
    assert_eq!(msg, "deployments.csv:5002: kind: \"rollforward\" is not one of planned, hotfix, rollback, fix_forward");

    let mut json = String::from("[\n");
    for i in 0..5_000 {
        json.push_str(&format!("  {{\"id\": \"L-{i}\", \"committed_at\": \"2025-02-01 09:00:00\"}},\n"));
    }
    json.push_str("  {\"id\": \"L-last\", \"committed_at\": \"2025-02-31 09:00:00\"}\n]\n");
    let msg = f.refused(ImportKind::Changes, "changes.json", &json);
    assert_eq!(msg, format!("changes.json:5002: committed_at: \"2025-02-31 09:00:00\" is not a date; {DATE_HINT}"));
}

#[test]
fn malformed_csv_names_the_line() {
    let mut f = fixture();
    let msg = f.refused(
        ImportKind::Deployments,
        "deployments.csv",
        "id,deployed_at\nD-10,2025-02-01\nD-11,2025-02-02,extra\n",
    );
    assert_eq!(msg, "deployments.csv:3: has 3 fields where the header has 2");
    let msg = f.refused(ImportKind::Deployments, "deployments.csv", "id,deployed_at,status\nD-10,2025-02-01\n");
    assert_eq!(msg, "deployments.csv:2: has 2 fields where the header has 3");
    let msg = f.refused(ImportKind::Deployments, "deployments.csv", "");
    assert_eq!(msg, "deployments.csv:1: has no header line naming its columns");
    let msg =
        f.refused(ImportKind::Deployments, "deployments.csv", "id,deployed_at,Deployment ID\nD-10,2025-02-01,x\n");
    assert_eq!(msg, "deployments.csv:1: Deployment ID: names the same column as \"id\"; keep one of them");
    let msg = f.refused(ImportKind::Deployments, "deployments.csv", "id,deployed_at,id\nD-10,2025-02-01,D-10\n");
    assert_eq!(msg, "deployments.csv:1: id: column appears more than once");
}

#[test]
fn csv_errors_explain_spaces_quotes_and_separators() {
    let mut f = fixture();
    // A line of spaces is a blank line.
    let msg = f.refused(ImportKind::Deployments, "deployments.csv", "id,deployed_at\n   \nD-10,2025-13-01\n");
    assert!(msg.starts_with("deployments.csv:3: deployed_at:"), "{msg}");
    // A quote that is never closed swallows the rest of the file.
    let msg = f.refused(
        ImportKind::Deployments,
        "deployments.csv",
        "id,deployed_at\nD-10,2025-02-01\n\"D-11 unterminated,2025-02-02\nD-12,2025-02-03\n",
    );
    assert_eq!(
        msg,
        "deployments.csv:3: has 1 field where the header has 2; a quote (\") opens a value there that is never closed"
    );
    // Semicolons (as some spreadsheets write) get a hint.
    let msg = f.refused(ImportKind::Deployments, "deployments.csv", "id;deployed_at\nD-10;2025-02-01\n");
    assert_eq!(
        msg,
        "deployments.csv:1: id: required column is missing (found: id;deployed_at); the header looks separated \
         by ';', and retro reads commas"
    );
    // A file of blank lines has no header, on its first line.
    let msg = f.refused(ImportKind::Deployments, "deployments.csv", "\n \n");
    assert_eq!(msg, "deployments.csv:1: has no header line naming its columns");
}

#[test]
fn csv_line_numbers_count_crlf_blank_lines_and_quoted_newlines() {
    let mut f = fixture();
    // Windows line ends: the bad row is on line 3.
    let msg = f.refused(
        ImportKind::Deployments,
        "deployments.csv",
        "id,deployed_at\r\nD-10,2025-02-01\r\nD-11,2025-13-01\r\n",
    );
    assert!(msg.starts_with("deployments.csv:3: deployed_at:"), "{msg}");
    // Blank lines are skipped but still counted.
    let msg = f.refused(
        ImportKind::Deployments,
        "deployments.csv",
        "id,deployed_at\n\nD-10,2025-02-01\n\n\nD-11,2025-13-01\n",
    );
    assert!(msg.starts_with("deployments.csv:6: deployed_at:"), "{msg}");
    let msg = f.refused(ImportKind::Deployments, "deployments.csv", "id,deployed_at\r\n\r\nD-10,2025-02-01,x\r\n");
    assert_eq!(msg, "deployments.csv:3: has 3 fields where the header has 2");
    // A quoted field may span lines; the next record starts after it.
    let msg = f.refused(
        ImportKind::Deployments,
        "deployments.csv",
        "id,deployed_at,notes\nD-10,2025-02-01,\"one\ntwo\"\nD-11,2025-13-01,x\n",
    );
    assert!(msg.starts_with("deployments.csv:4: deployed_at:"), "{msg}");
    // A header after blank lines is on its own line.
    let msg = f.refused(ImportKind::Deployments, "deployments.csv", "\n\nid,when\nD-10,2025-02-01\n");
    assert_eq!(msg, "deployments.csv:3: deployed_at: required column is missing (found: id, when)");
}

#[test]
fn json_that_is_not_an_array_of_objects() {
    let mut f = fixture();
    let expected = "deployments.json:1: expected a JSON array of objects, or an object with a \"deployments\" array";
    for text in ["\"hello\"", "42", "", "{\"changes\": []}", "{\"deployments\": {\"id\": \"D-10\"}}"] {
        assert_eq!(f.refused(ImportKind::Deployments, "deployments.json", text), expected, "{text}");
    }
    let msg = f.refused(
        ImportKind::Deployments,
        "deployments.json",
        "[\n  {\"id\": \"D-10\", \"deployed_at\": \"2025-02-01\"},\n  \"D-11\"\n]",
    );
    assert_eq!(msg, "deployments.json:3: each record must be a JSON object");
    let msg = f.refused(
        ImportKind::Deployments,
        "deployments.json",
        "[\n  {\"id\": \"D-10\", \"deployed_at\": \"2025-02-01\"},\n  {\"id\": \"D-11\",}\n]",
    );
    assert!(msg.starts_with("deployments.json:3: is not valid JSON: "), "{msg}");
}

// --- changes and incidents: refused files ----------------------------------------------

#[test]
fn changes_errors() {
    let mut f = fixture();
    let msg = f.refused(ImportKind::Changes, "changes.csv", "sha,committed_at\nabc,2025-02-01\ndef,31/01/2025\n");
    assert_eq!(msg, format!("changes.csv:3: committed_at: \"31/01/2025\" is not a date; {DATE_HINT}"));
    let msg = f.refused(ImportKind::Changes, "changes.csv", "id,deployment_id\nabc,D-1\n");
    assert_eq!(msg, "changes.csv:1: committed_at: required column is missing (found: id, deployment_id)");
    let msg = f.refused(
        ImportKind::Changes,
        "changes.json",
        "[\n{\"id\": \"abc\", \"committed_at\": \"2025-02-01\"},\n{\"id\": \"abc\", \"committed_at\": \"2025-02-02\"}\n]",
    );
    assert_eq!(msg, "changes.json:3: id: \"abc\" appears more than once in this file (first on line 2)");
}

#[test]
fn incidents_errors() {
    let mut f = fixture();
    let msg = f.refused(
        ImportKind::Incidents,
        "incidents.csv",
        "id,started_at,resolved_at\nI-10,2025-02-01T10:00:00Z,2025-02-01T09:00:00Z\n",
    );
    assert_eq!(
        msg,
        "incidents.csv:2: resolved_at: 2025-02-01T09:00:00+00:00 is before started_at 2025-02-01T10:00:00+00:00"
    );
    let msg = f.refused(
        ImportKind::Incidents,
        "incidents.json",
        "[\n  {\"id\": \"I-10\", \"started_at\": \"2025-02-01 10:00\", \"resolved_at\": \"2025-02-01 10:30\"},\n  {\"id\": \"I-11\", \"started_at\": \"2025-02-02T12:00:00+02:00\", \"resolved_at\": \"2025-02-02T09:59:59Z\"}\n]",
    );
    assert_eq!(
        msg,
        "incidents.json:3: resolved_at: 2025-02-02T09:59:59+00:00 is before started_at 2025-02-02T10:00:00+00:00"
    );
    let msg = f.refused(ImportKind::Incidents, "incidents.csv", "id,started_at,resolved_at\nI-10,2025-02-01,not yet\n");
    assert_eq!(msg, format!("incidents.csv:2: resolved_at: \"not yet\" is not a date; {DATE_HINT}"));
    // Aliases work, but one file uses one name per column, also across JSON records.
    let msg = f.refused(
        ImportKind::Incidents,
        "incidents.json",
        "[\n  {\"id\": \"I-10\", \"started_at\": \"2025-02-01\"},\n  {\"id\": \"I-11\", \"opened_at\": \"2025-02-02\"}\n]",
    );
    assert_eq!(msg, "incidents.json:2: opened_at: names the same column as \"started_at\"; keep one of them");
    let msg = f.refused(ImportKind::Incidents, "incidents.csv", "id,resolved_at\nI-10,2025-02-01\n");
    assert_eq!(msg, "incidents.csv:1: started_at: required column is missing (found: id, resolved_at)");
    let msg = f.refused(ImportKind::Incidents, "incidents.csv", "id,started_at\nI-10,2025-02-01\nI-10,2025-02-02\n");
    assert_eq!(msg, "incidents.csv:3: id: \"I-10\" appears more than once in this file (first on line 2)");
}

// --- metrics: refused files ------------------------------------------------------------

#[test]
fn metrics_errors() {
    let mut f = fixture();
    let header = "name,unit,polarity,period,value\n";
    let cases: &[(&str, &str)] = &[
        (
            "customer_satisfaction,,,2025-W04,4\ncustomer_satisfaction,,,2025-13,4\n",
            "metrics.csv:3: period: \"2025-13\" is not a period (expected an ISO week like 2025-W03 or a month like 2025-03)",
        ),
        (
            "customer_satisfaction,,,2025-W54,4\n",
            "metrics.csv:2: period: \"2025-W54\" is not a period (expected an ISO week like 2025-W03 or a month like 2025-03)",
        ),
        ("customer_satisfaction,,,2025-W04,lots\n", "metrics.csv:2: value: \"lots\" is not a number"),
        ("customer_satisfaction,,,2025-W04,NaN\n", "metrics.csv:2: value: \"NaN\" is not a number"),
        ("customer_satisfaction,,,2025-W04,\n", "metrics.csv:2: value: a value is required"),
        (
            "customer_satisfaction,,,2025-W04,4\non_call_pages,,lower_is_better,2025-W04,3\n",
            "metrics.csv:3: unit: \"on_call_pages\" is a new metric: give its unit in the file",
        ),
        (
            "on_call_pages,pages,,2025-W04,3\non_call_pages,,,2025-W05,3\n",
            "metrics.csv:2: polarity: \"on_call_pages\" is a new metric: give its polarity in the file",
        ),
        (
            "customer_satisfaction,,sideways,2025-W04,4\n",
            "metrics.csv:2: polarity: \"sideways\" is not one of higher_is_better, lower_is_better",
        ),
        (
            "on_call_pages,pages,lower,2025-W04,3\non_call_pages,alerts,,2025-W05,3\n",
            "metrics.csv:3: unit: \"alerts\" differs from \"pages\" given for on_call_pages on line 2",
        ),
        (
            "customer_satisfaction,,,2025-W04,4\ncustomer_satisfaction,,,2025-W04,5\n",
            "metrics.csv:3: period: \"customer_satisfaction\" already has a value for 2025-W04 (line 2)",
        ),
        (
            "change_lead_time,minutes,,2025-W04,300\n",
            "metrics.csv:2: unit: \"minutes\" is not the unit of change_lead_time, which retro keeps in hours",
        ),
        (
            "deployment_frequency,deploys/week,,2025-W04,3\n",
            "metrics.csv:2: unit: \"deploys/week\" is not the unit of deployment_frequency, which retro keeps in deploys/day",
        ),
        (
            "change_failure_rate,%,,2025-W04,120\n",
            "metrics.csv:2: value: 120 is out of range for change_failure_rate: it must be between 0 and 100",
        ),
        (
            "deployment_rework_rate,percent,,2025-03,-1\n",
            "metrics.csv:2: value: -1 is out of range for deployment_rework_rate: it must be between 0 and 100",
        ),
        (
            "MTTR,hours,,2025-W04,-2\n",
            "metrics.csv:2: value: -2 is out of range for failed_deployment_recovery_time: it must be zero or more",
        ),
        (
            "change_failure_rate,%,higher_is_better,2025-W04,12\n",
            "metrics.csv:2: polarity: change_failure_rate is lower_is_better, not higher_is_better",
        ),
    ];
    for (rows, expected) in cases {
        let msg = f.refused(ImportKind::Metrics, "metrics.csv", &format!("{header}{rows}"));
        assert_eq!(&msg, expected, "{rows}");
    }
    let msg = f.refused(ImportKind::Metrics, "metrics.csv", "name,unit,value\nx,y,1\n");
    assert_eq!(msg, "metrics.csv:1: period: required column is missing (found: name, unit, value)");
    // JSON: the line of the record, for a field error and for a new metric's definition.
    let msg = f.refused(
        ImportKind::Metrics,
        "metrics.json",
        "{\"metrics\": [\n  {\"name\": \"customer_satisfaction\", \"period\": \"2025-W04\", \"value\": 4},\n  {\"name\": \"change_failure_rate\", \"unit\": \"%\", \"period\": \"2025-W04\", \"value\": 100.5}\n]}",
    );
    assert_eq!(
        msg,
        "metrics.json:3: value: 100.5 is out of range for change_failure_rate: it must be between 0 and 100"
    );
    let msg = f.refused(
        ImportKind::Metrics,
        "metrics.json",
        "[\n  {\"name\": \"customer_satisfaction\", \"period\": \"2025-W04\", \"value\": 4},\n\n  {\"name\": \"pages\", \"polarity\": \"down\", \"period\": \"2025-W04\", \"value\": 2}\n]",
    );
    assert_eq!(msg, "metrics.json:4: unit: \"pages\" is a new metric: give its unit in the file");
    let msg = f.refused(
        ImportKind::Metrics,
        "metrics.json",
        "[{\"name\": \"customer_satisfaction\", \"period\": \"2025-W04\", \"value\": true}]",
    );
    assert_eq!(msg, "metrics.json:1: value: \"true\" is not a number");
}

// --- idempotent re-import ----------------------------------------------------------------

const DEPLOYMENTS_CSV: &str = "\
id,deployed_at,environment,service,status,kind
D-10,2025-02-03T10:00:00Z,production,api,success,planned
D-11,2025-02-04T10:00:00Z,production,api,success,hotfix
D-12,2025-02-05T10:00:00Z,,api,rolled_back,rollback
";

const DEPLOYMENTS_JSON: &str = r#"{"deployments": [
  {"id": "D-10", "deployed_at": "2025-02-03T10:00:00Z", "environment": "production", "service": "api", "status": "success", "kind": "planned"},
  {"id": "D-11", "deployed_at": "2025-02-04 10:00:00", "environment": "production", "service": "api", "status": "success", "kind": "hotfix"},
  {"id": "D-12", "deployed_at": "2025-02-05T11:00:00+01:00", "environment": "", "service": "api", "status": "rolled_back", "kind": "rollback"}
]}"#;

const CHANGES_CSV: &str = "\
id,committed_at,deployment_id,service
C-10,2025-02-02T10:00:00Z,D-10,api
C-11,2025-02-03T12:00:00Z,,api
C-12,2025-02-05T09:00:00Z,D-12,
";

const CHANGES_JSON: &str = r#"[
  {"id": "C-10", "committed_at": "2025-02-02T10:00:00Z", "deployment_id": "D-10", "service": "api"},
  {"id": "C-11", "committed_at": "2025-02-03T12:00:00Z", "deployment_id": null, "service": "api"},
  {"id": "C-12", "committed_at": "2025-02-05T09:00:00Z", "deployment_id": "D-12"}
]"#;

const INCIDENTS_CSV: &str = "\
id,started_at,resolved_at,deployment_id
I-10,2025-02-05T12:00:00Z,2025-02-05T15:30:00Z,D-12
I-11,2025-02-06T12:00:00Z,,
";

const INCIDENTS_JSON: &str = r#"[
  {"id": "I-10", "started_at": "2025-02-05T12:00:00Z", "resolved_at": "2025-02-05T15:30:00Z", "deployment_id": "D-12"},
  {"id": "I-11", "started_at": "2025-02-06T12:00:00Z"}
]"#;

const METRICS_CSV: &str = "\
name,unit,polarity,period,value
escaped_defects,defects,lower_is_better,2025-W06,3
escaped_defects,,,2025-02,9
deployment_frequency,deploys/day,,2024-W49,1.5
";

const METRICS_JSON: &str = r#"{"metrics": [
  {"name": "escaped_defects", "unit": "defects", "polarity": "lower_is_better", "period": "2025-W06", "value": 3},
  {"name": "escaped_defects", "period": "2025-02", "value": "9"},
  {"name": "deployment_frequency", "unit": "deploys/day", "period": "2024-W49", "value": 1.5}
]}"#;

fn reimport_is_idempotent(kind: ImportKind, file: &str, text: &str, rows: u64) {
    let mut f = fixture();
    let first = f.ok(kind, file, text);
    assert_eq!(first.report, report(rows, 0, 0), "{file}");
    assert_eq!(first.rows as u64, rows);
    let after_first = f.state();
    let second = f.ok(kind, file, text);
    assert_eq!(second.report, report(0, 0, rows), "{file}");
    assert_eq!(f.state(), after_first, "{file}: a re-import changed the store");
}

#[test]
fn reimport_deployments_changes_nothing() {
    reimport_is_idempotent(ImportKind::Deployments, "deployments.csv", DEPLOYMENTS_CSV, 3);
    reimport_is_idempotent(ImportKind::Deployments, "deployments.json", DEPLOYMENTS_JSON, 3);
}

#[test]
fn reimport_changes_changes_nothing() {
    reimport_is_idempotent(ImportKind::Changes, "changes.csv", CHANGES_CSV, 3);
    reimport_is_idempotent(ImportKind::Changes, "changes.json", CHANGES_JSON, 3);
}

#[test]
fn reimport_incidents_changes_nothing() {
    reimport_is_idempotent(ImportKind::Incidents, "incidents.csv", INCIDENTS_CSV, 2);
    reimport_is_idempotent(ImportKind::Incidents, "incidents.json", INCIDENTS_JSON, 2);
}

#[test]
fn reimport_metrics_changes_nothing() {
    reimport_is_idempotent(ImportKind::Metrics, "metrics.csv", METRICS_CSV, 3);
    reimport_is_idempotent(ImportKind::Metrics, "metrics.json", METRICS_JSON, 3);
}

#[test]
fn csv_and_json_of_the_same_rows_are_the_same_rows() {
    let mut f = fixture();
    let files = [
        (ImportKind::Deployments, DEPLOYMENTS_CSV, DEPLOYMENTS_JSON, 3),
        (ImportKind::Changes, CHANGES_CSV, CHANGES_JSON, 3),
        (ImportKind::Incidents, INCIDENTS_CSV, INCIDENTS_JSON, 2),
        (ImportKind::Metrics, METRICS_CSV, METRICS_JSON, 3),
    ];
    for (kind, csv, _, rows) in files {
        assert_eq!(f.ok(kind, "x.csv", csv).report, report(rows, 0, 0));
    }
    let state = f.state();
    for (kind, _, json, rows) in files {
        assert_eq!(f.ok(kind, "x.json", json).report, report(0, 0, rows), "{kind:?}");
    }
    assert_eq!(f.state(), state);
}

#[test]
fn a_changed_row_updates_in_place() {
    let mut f = fixture();
    f.ok(ImportKind::Deployments, "deployments.csv", DEPLOYMENTS_CSV);
    f.ok(ImportKind::Changes, "changes.csv", CHANGES_CSV);
    f.ok(ImportKind::Incidents, "incidents.csv", INCIDENTS_CSV);
    f.ok(ImportKind::Metrics, "metrics.csv", METRICS_CSV);
    let counts = f.store.team_counts(&f.team).unwrap();

    // D-10 turns out to have failed.
    let changed = DEPLOYMENTS_CSV.replace(
        "D-10,2025-02-03T10:00:00Z,production,api,success,planned",
        "D-10,2025-02-03T10:00:00Z,production,api,failed,planned",
    );
    let s = f.ok(ImportKind::Deployments, "deployments.csv", &changed);
    assert_eq!(s.report, report(0, 1, 2));
    let week = Period::parse_label("2025-W06", UtcOffset::UTC).unwrap();
    let facts = f.store.event_set(&f.team, week.start, week.end).unwrap();
    let d10: Vec<_> = facts.deployments.iter().filter(|d| d.deployed_at == ts("2025-02-03T10:00:00Z")).collect();
    assert_eq!(d10.len(), 1);
    assert_eq!(d10[0].status, DeployStatus::Failed);

    // C-11 now names its deployment.
    let changed = CHANGES_CSV.replace("C-11,2025-02-03T12:00:00Z,,api", "C-11,2025-02-03T12:00:00Z,D-12,api");
    assert_eq!(f.ok(ImportKind::Changes, "changes.csv", &changed).report, report(0, 1, 2));

    // I-11 was resolved.
    let changed =
        INCIDENTS_CSV.replace("I-11,2025-02-06T12:00:00Z,,", "I-11,2025-02-06T12:00:00Z,2025-02-06T13:00:00Z,");
    assert_eq!(f.ok(ImportKind::Incidents, "incidents.csv", &changed).report, report(0, 1, 1));

    // A corrected value.
    let changed = METRICS_CSV.replace("escaped_defects,,,2025-02,9", "escaped_defects,,,2025-02,8");
    assert_eq!(f.ok(ImportKind::Metrics, "metrics.csv", &changed).report, report(0, 1, 2));

    assert_eq!(f.store.team_counts(&f.team).unwrap(), counts);
    // Adding a row to a known file inserts only that row.
    let more = format!("{DEPLOYMENTS_CSV}D-13,2025-02-06T10:00:00Z,production,api,success,planned\n");
    assert_eq!(f.ok(ImportKind::Deployments, "deployments.csv", &more).report, report(1, 1, 2));
}

#[test]
fn ids_are_per_team() {
    let mut f = fixture();
    let other = f.store.add_team("search", UtcOffset::UTC).unwrap();
    f.ok(ImportKind::Deployments, "deployments.csv", DEPLOYMENTS_CSV);
    let s = import_bytes(
        &mut f.store,
        &other,
        ImportKind::Deployments,
        "deployments.csv",
        DEPLOYMENTS_CSV.as_bytes(),
        Format::Csv,
    )
    .unwrap();
    assert_eq!(s.report, report(3, 0, 0));
    assert_eq!(f.store.team_counts(&other).unwrap().deployments, 3);
    assert_eq!(f.store.team_counts(&f.team).unwrap().deployments, 4 + 3);
}

#[test]
fn empty_files_import_nothing() {
    let mut f = fixture();
    let before = f.state();
    for (file, text) in [
        ("deployments.csv", "id,deployed_at\n"),
        ("deployments.json", "[]"),
        ("deployments.json", "{\"deployments\": []}"),
        // A byte order mark, as some Windows tools write, is skipped.
        ("deployments.json", "\u{feff}[]"),
    ] {
        let s = f.ok(ImportKind::Deployments, file, text);
        assert_eq!((s.rows, s.report), (0, report(0, 0, 0)), "{text}");
    }
    assert_eq!(f.state(), before);
}

#[test]
fn byte_order_marks_are_skipped() {
    let mut f = fixture();
    let s = f.ok(ImportKind::Deployments, "deployments.csv", "\u{feff}id,deployed_at\r\nD-10,2025-02-01\r\n");
    assert_eq!(s.report, report(1, 0, 0));
    let s = f.ok(
        ImportKind::Deployments,
        "deployments.json",
        "\u{feff}[{\"id\": \"D-11\", \"deployed_at\": \"2025-02-01\"}]",
    );
    assert_eq!(s.report, report(1, 0, 0));
}

// --- values, defaults and timestamps ---------------------------------------------------

#[test]
fn defaults_and_loose_names() {
    let mut f = fixture();
    let s = f.ok(
        ImportKind::Deployments,
        "deployments.csv",
        "Deployment ID,Deployed At,Env,Result,Type\n\
         X-1,2025-03-03T10:00:00Z,,,\n\
         X-2,2025-03-03T11:00:00Z,Production,Rolled-Back,Fix Forward\n\
         X-3,2025-03-03T12:00:00Z,staging,FAILED,HOTFIX\n",
    );
    assert_eq!(s.report, report(3, 0, 0));
    assert_eq!(s.other_environments.get("staging"), Some(&1));
    assert_eq!(s.other_environments.len(), 1);
    let week = Period::parse_label("2025-W10", UtcOffset::UTC).unwrap();
    let facts = f.store.event_set(&f.team, week.start, week.end).unwrap();
    let got: Vec<_> = facts.deployments.iter().map(|d| (d.production, d.status, d.kind)).collect();
    assert_eq!(
        got,
        [
            (true, DeployStatus::Success, DeployKind::Planned),
            (true, DeployStatus::RolledBack, DeployKind::FixForward),
            (false, DeployStatus::Failed, DeployKind::Hotfix),
        ]
    );
}

#[test]
fn timestamp_forms() {
    let expected = ts("2025-01-31T14:05:00Z");
    let forms = [
        "2025-01-31T14:05:00Z",
        "2025-01-31T14:05:00z",
        "2025-01-31T16:05:00+02:00",
        "2025-01-31T09:05:00-05:00",
        "2025-01-31T14:05:00.250Z",
        "2025-01-31T14:05:00.999999+00:00",
        "2025-01-31 14:05:00",
        "2025-01-31T14:05:00",
        "2025-01-31 14:05:00.5",
        "2025-01-31 14:05:00Z",
        "2025-01-31 16:05:00+02:00",
        "2025-01-31 16:05:00+0200",
        "2025-01-31 16:05:00 +0200",
        "2025-01-31 14:05",
        "  2025-01-31 14:05:00  ",
    ];
    for format in [Format::Csv, Format::Json] {
        let mut f = fixture();
        let (file, text) = match format {
            Format::Csv => {
                let mut text = String::from("id,deployed_at\n");
                for (i, form) in forms.iter().enumerate() {
                    text.push_str(&format!("T-{i},\"{form}\"\n"));
                }
                ("deployments.csv", text)
            }
            Format::Json => {
                let rows: Vec<String> = forms
                    .iter()
                    .enumerate()
                    .map(|(i, form)| format!("{{\"id\": \"T-{i}\", \"deployed_at\": \"{form}\"}}"))
                    .collect();
                ("deployments.json", format!("[{}]", rows.join(",\n")))
            }
        };
        let s = f.ok(ImportKind::Deployments, file, &text);
        assert_eq!(s.rows, forms.len());
        let facts = f.store.event_set(&f.team, expected, expected + 1).unwrap();
        assert_eq!(facts.deployments.len(), forms.len(), "{file}");
        assert!(facts.deployments.iter().all(|d| d.deployed_at == expected));
    }

    // A bare date is midnight UTC.
    let mut f = fixture();
    f.ok(ImportKind::Deployments, "deployments.csv", "id,deployed_at\nT-date,2025-01-31\n");
    let midnight = ts("2025-01-31T00:00:00Z");
    let facts = f.store.event_set(&f.team, midnight, midnight + 1).unwrap();
    assert_eq!(facts.deployments.len(), 1);

    // Impossible and unknown forms are refused.
    for bad in ["2025-02-29", "2025-01-31T25:00:00Z", "31.01.2025", "1738332300", "Jan 31 2025"] {
        let msg = f.refused(ImportKind::Deployments, "deployments.csv", &format!("id,deployed_at\nT-bad,{bad}\n"));
        assert_eq!(msg, format!("deployments.csv:2: deployed_at: \"{bad}\" is not a date; {DATE_HINT}"));
    }
}

#[test]
fn json_numbers_are_accepted_as_values() {
    let mut f = fixture();
    let s = f.ok(ImportKind::Deployments, "deployments.json", "[{\"id\": 17, \"deployed_at\": \"2025-02-01\"}]");
    assert_eq!(s.report, report(1, 0, 0));
    // The number 17 and the text "17" are the same id.
    let s = f.ok(ImportKind::Deployments, "deployments.json", "[{\"id\": \"17\", \"deployed_at\": \"2025-02-01\"}]");
    assert_eq!(s.report, report(0, 0, 1));
}

#[test]
fn changes_link_to_the_first_production_deployment_of_their_service() {
    let mut f = fixture();
    f.ok(
        ImportKind::Deployments,
        "deployments.csv",
        "id,deployed_at,environment,service\n\
         P-1,2025-04-01T10:00:00Z,production,api\n\
         P-2,2025-04-02T10:00:00Z,staging,web\n\
         P-3,2025-04-03T10:00:00Z,production,web\n\
         P-4,2025-04-04T10:00:00Z,production,api\n",
    );
    f.ok(
        ImportKind::Changes,
        "changes.csv",
        "id,committed_at,deployment_id,service\n\
         K-1,2025-04-01T11:00:00Z,,api\n\
         K-2,2025-04-01T11:00:00Z,,web\n\
         K-3,2025-04-01T11:00:00Z,,\n\
         K-4,2025-04-01T11:00:00Z,P-2,\n",
    );
    let facts = f.store.event_set(&f.team, ts("2025-04-01T00:00:00Z"), ts("2025-04-10T00:00:00Z")).unwrap();
    let mut shipped: Vec<Timestamp> = facts.changes.iter().map(|c| c.deployed_at).collect();
    shipped.sort_unstable();
    // api waits for P-4, web for P-3 (P-2 is staging), no service takes the next (P-3);
    // K-4 names a staging deployment and is not deployed.
    assert_eq!(shipped, [ts("2025-04-03T10:00:00Z"), ts("2025-04-03T10:00:00Z"), ts("2025-04-04T10:00:00Z"),]);
}

// --- people --------------------------------------------------------------------------

const SECRETS: [&str; 6] = [
    "ada.lovelace@example.com",
    "Ada Lovelace",
    "alovelace",
    "grace.hopper@example.org",
    "Grace Hopper",
    "ghopper-oncall",
];

#[test]
fn person_columns_are_dropped_and_never_stored() {
    let mut f = fixture();
    let s = f.ok(
        ImportKind::Deployments,
        "deployments.csv",
        "id,deployed_at,author,author_email,deployed_by,notes\n\
         P-1,2025-04-01T10:00:00Z,Ada Lovelace,ada.lovelace@example.com,alovelace,fine\n",
    );
    assert_eq!(s.person_columns, ["author", "author_email", "deployed_by"]);
    assert_eq!(s.unused_columns, ["notes"]);
    let s = f.ok(
        ImportKind::Changes,
        "changes.json",
        r#"[{"sha": "abc123", "committed_at": "2025-04-01T09:00:00Z", "Author": "Grace Hopper",
             "committer_email": "grace.hopper@example.org", "login": "ghopper-oncall",
             "user": {"name": "Ada Lovelace", "email": "ada.lovelace@example.com"}}]"#,
    );
    assert_eq!(s.person_columns, ["Author", "committer_email", "login", "user"]);
    let s = f.ok(
        ImportKind::Incidents,
        "incidents.csv",
        "id,started_at,assignee,created_by,Reporter Name,on_call\n\
         I-20,2025-04-01T12:00:00Z,Ada Lovelace,alovelace,Grace Hopper,ghopper-oncall\n",
    );
    assert_eq!(s.person_columns, ["assignee", "created_by", "Reporter Name", "on_call"]);
    let s = f.ok(
        ImportKind::Metrics,
        "metrics.csv",
        "name,unit,polarity,period,value,owner,email\n\
         pages,pages,lower,2025-W14,3,Grace Hopper,grace.hopper@example.org\n",
    );
    assert_eq!(s.person_columns, ["owner", "email"]);

    // While the store is open the rows are in the write-ahead log; after closing, in the
    // database file.
    assert!(
        store_files(f.dir.path()).iter().any(|p| p.to_string_lossy().ends_with("retro.db-wal")),
        "the store should be in WAL mode"
    );
    assert_no_secrets(f.dir.path(), "open store");
    let Fixture { dir, store, .. } = f;
    drop(store);
    assert_no_secrets(dir.path(), "closed store");
}

fn store_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect()
}

fn assert_no_secrets(dir: &Path, when: &str) {
    let files = store_files(dir);
    assert!(files.iter().any(|p| p.ends_with("retro.db")), "{files:?}");
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        for secret in SECRETS {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{when}: {secret:?} is in {}",
                path.display()
            );
        }
    }
}

#[test]
fn a_json_object_in_a_known_column_is_refused_and_never_stored() {
    let mut f = fixture();
    // A webhook payload: the deployment is an object, with the person who made it inside.
    let text = r#"[
  {"id": "I-9", "started_at": "2025-01-20T10:00:00Z",
   "deployment": {"id": "D-1", "creator": {"login": "alice", "email": "alice@example.com"}}}
]"#;
    let msg = f.refused(ImportKind::Incidents, "incidents.json", text);
    assert_eq!(
        msg,
        "incidents.json:2: deployment_id: must be a string, a number or a boolean, not a JSON object or array"
    );
    // In a column retro does not use, nested data is dropped like the column itself.
    let ignored = r#"[{"id": "I-9", "started_at": "2025-01-20T10:00:00Z", "creator": {"email": "bob@example.com"}}]"#;
    let summary = f.ok(ImportKind::Incidents, "incidents.json", ignored);
    assert_eq!(summary.person_columns, ["creator"]);
    drop(f.store);
    for file in [f.path.clone(), f.path.with_extension("db-wal")] {
        let bytes = std::fs::read(&file).unwrap_or_default();
        for who in ["alice", "bob@example.com"] {
            assert!(!bytes.windows(who.len()).any(|w| w == who.as_bytes()), "{who} reached {}", file.display());
        }
    }
}

// --- bounded, linear, exact errors ------------------------------------------------------

#[test]
fn a_long_bad_value_is_quoted_in_200_characters_cut_on_a_character_boundary() {
    let mut f = fixture();
    let long = format!("2025-{}", "é".repeat(5_000));
    for (file, text) in [
        ("deployments.csv", format!("id,deployed_at\nD-10,{long}\n")),
        ("deployments.json", format!("[{{\"id\": \"D-10\", \"deployed_at\": \"{long}\"}}]")),
    ] {
        let msg = f.refused(ImportKind::Deployments, file, &text);
        let quoted: String = long.chars().take(200).collect();
        let line = if file.ends_with("csv") { 2 } else { 1 };
        assert_eq!(msg, format!("{file}:{line}: deployed_at: \"{quoted}…\" is not a date; {DATE_HINT}"));
    }
    // Every place a value is quoted: a status, a number, a period, a duplicate id, a unit.
    let x = "x".repeat(1_000);
    let cases = [
        (ImportKind::Deployments, format!("id,deployed_at,status\nD-10,2025-02-01,{x}\n")),
        (ImportKind::Deployments, format!("id,deployed_at\n{x},2025-02-01\n{x},2025-02-02\n")),
        (ImportKind::Metrics, format!("name,unit,polarity,period,value\nm,u,higher_is_better,2025-W05,{x}\n")),
        (ImportKind::Metrics, format!("name,unit,polarity,period,value\nm,u,higher_is_better,{x},1\n")),
        (ImportKind::Metrics, format!("name,unit,polarity,period,value\nm,u,{x},2025-W05,1\n")),
        (ImportKind::Metrics, format!("name,unit,polarity,period,value\nchange_lead_time,{x},,2025-W05,1\n")),
        (ImportKind::Metrics, format!("name,unit,polarity,period,value\n{x},,,2025-W05,1\n")),
    ];
    for (kind, text) in cases {
        let msg = f.refused(kind, "bad.csv", &text);
        assert!(msg.contains(&format!("\"{}…\"", "x".repeat(200))), "{msg}");
        assert!(!msg.contains(&"x".repeat(201)), "{msg}");
        assert!(msg.len() < 400, "{} bytes: {msg}", msg.len());
    }
}

#[test]
fn a_missing_column_lists_a_few_of_the_columns_found() {
    let mut f = fixture();
    let header: Vec<String> = (0..1_000).map(|i| format!("column_{i}")).collect();
    let msg = f.refused(ImportKind::Deployments, "deployments.csv", &format!("id,{}\nD-1\n", header.join(",")));
    assert_eq!(
        msg,
        "deployments.csv:1: deployed_at: required column is missing (found: id, column_0, column_1, column_2, \
         column_3 and 996 more)"
    );
    // A header name as long as a paragraph is cut too.
    let long = "n".repeat(10_000);
    let msg = f.refused(ImportKind::Deployments, "deployments.csv", &format!("{long},deployed_at\nD-1,2025-02-01\n"));
    assert!(msg.len() < 400 && msg.contains(&format!("{}…", "n".repeat(200))), "{msg}");
    // At most five names of at most 200 characters each.
    let msg = f.refused(ImportKind::Deployments, "deployments.csv", &format!("id,{long},{long}\nD-1,a,b\n"));
    assert!(msg.len() < 5 * 210 + 100 && !msg.contains(&"n".repeat(201)), "{msg}");
}

#[test]
fn a_json_record_of_100000_keys_imports_and_its_summary_names_a_few() {
    let mut f = fixture();
    let mut text = String::from("[{\"id\": \"D-10\", \"deployed_at\": \"2025-02-01\"");
    for i in 0..100_000 {
        text.push_str(&format!(", \"k{i}\": {i}"));
    }
    text.push_str("}]");
    let s = f.ok(ImportKind::Deployments, "deployments.json", &text);
    assert_eq!((s.rows, s.report), (1, report(1, 0, 0)));
    assert_eq!(s.unused_columns.len(), 100_000);
    assert_eq!(retro::import::some_names(&s.unused_columns), "k0, k1, k2, k3, k4 and 99995 more");
}

#[test]
fn invalid_utf8_in_json_names_its_line() {
    let mut f = fixture();
    let text = b"[\n  {\"id\": \"D-10\", \"deployed_at\": \"2025-02-01\"},\n  {\"id\": \"D-\xff\", \"deployed_at\": \"2025-02-01\"}\n]";
    let before = f.state();
    let err = match import_bytes(&mut f.store, &f.team, ImportKind::Deployments, "d.json", text, Format::Json) {
        Err(LoadError::Invalid(e)) => e.to_string(),
        other => panic!("{other:?}"),
    };
    assert_eq!(err, "d.json:3: is not valid UTF-8 text");
    assert_eq!(f.state(), before);
}

#[test]
fn deep_nesting_and_huge_numbers_have_their_own_messages() {
    let mut f = fixture();
    let deep = format!("{}{}", "[".repeat(300), "]".repeat(300));
    let text = format!(
        "[\n{{\"id\": \"D-10\", \"deployed_at\": \"2025-02-01\"}},\n{{\"id\": \"D-11\",\n \"payload\": {deep}}}]"
    );
    let msg = f.refused(ImportKind::Deployments, "deployments.json", &text);
    assert_eq!(
        msg,
        "deployments.json:4: payload: is nested more than 128 levels deep; retro reads JSON nested at most 128 levels"
    );
    let text = "[{\"id\": \"D-10\",\n \"deployed_at\": \"2025-02-01\",\n \"size\": -1.5e400}]";
    let msg = f.refused(ImportKind::Deployments, "deployments.json", text);
    assert_eq!(
        msg,
        "deployments.json:3: size: \"-1.5e400\" is a number out of range: beyond ±1.8e308, the largest a 64-bit float holds"
    );
    // In a column retro reads, too.
    let text = "[{\"name\": \"m\", \"unit\": \"u\", \"polarity\": \"higher_is_better\", \"period\": \"2025-W05\", \"value\": 1e400}]";
    let msg = f.refused(ImportKind::Metrics, "metrics.json", text);
    assert!(msg.starts_with("metrics.json:1: value: \"1e400\" is a number out of range"), "{msg}");
    // A record that is not an object keeps its message.
    let msg = f.refused(ImportKind::Deployments, "deployments.json", "[\n[1, 2]\n]");
    assert_eq!(msg, "deployments.json:2: each record must be a JSON object");
}

#[test]
fn nul_bytes_are_refused_with_file_line_and_field() {
    let mut f = fixture();
    let msg = f.refused(
        ImportKind::Deployments,
        "deployments.csv",
        "id,deployed_at,pipeline\nD-10,2025-02-01,a\nD-11,2025-02-01,b\0c\n",
    );
    assert_eq!(
        msg,
        "deployments.csv:3: pipeline: holds a NUL byte (\\0), which text never holds; remove it from the file"
    );
    let msg = f.refused(ImportKind::Changes, "changes.csv", "id,committed_at\n\"C-\0\",2025-02-01\n");
    assert!(msg.starts_with("changes.csv:2: id: holds a NUL byte"), "{msg}");
    let msg = f.refused(
        ImportKind::Deployments,
        "deployments.json",
        "[{\"id\": \"D-\\u0000\", \"deployed_at\": \"2025-02-01\"}]",
    );
    assert!(msg.starts_with("deployments.json:1: id: holds a NUL byte"), "{msg}");
}

#[test]
fn years_outside_1970_to_9999_are_refused_in_dates_and_periods_alike() {
    let mut f = fixture();
    for date in ["1969-12-31T23:59:59Z", "1900-01-01", "0001-01-01 00:00:00", "1970-01-01T00:30:00+01:00"] {
        let msg = f.refused(ImportKind::Deployments, "deployments.csv", &format!("id,deployed_at\nD-10,{date}\n"));
        assert_eq!(
            msg,
            format!("deployments.csv:2: deployed_at: \"{date}\" is outside the years 1970 to 9999 that retro reads")
        );
    }
    let msg =
        f.refused(ImportKind::Incidents, "incidents.csv", "id,started_at,resolved_at\nI-9,2025-01-01,1960-01-01\n");
    assert!(msg.contains("resolved_at: \"1960-01-01\" is outside the years 1970 to 9999"), "{msg}");
    // Five-digit years are not dates at all.
    let msg = f.refused(ImportKind::Deployments, "deployments.csv", "id,deployed_at\nD-10,99999-01-01\n");
    assert!(msg.contains("\"99999-01-01\" is not a date"), "{msg}");
    for period in ["99999-W01", "10000-W01", "1969-W52", "99999-01", "10000-01", "1969-12", "0000-01"] {
        let msg = f.refused(
            ImportKind::Metrics,
            "metrics.csv",
            &format!("name,unit,polarity,period,value\nm,u,higher_is_better,{period},1\n"),
        );
        assert_eq!(
            msg,
            format!("metrics.csv:2: period: \"{period}\" is outside the years 1970 to 9999 that retro reads")
        );
    }
    // The edges are in: 1970-W01 begins on 1969-12-29, yet it is a week of 1970.
    f.ok(
        ImportKind::Deployments,
        "deployments.csv",
        "id,deployed_at\nE-1,1970-01-01T00:00:00Z\nE-2,9999-12-31T23:59:59Z\n",
    );
    f.ok(
        ImportKind::Metrics,
        "metrics.csv",
        "name,unit,polarity,period,value\nm,u,higher_is_better,1970-W01,1\nm,u,higher_is_better,9999-12,2\nm,u,higher_is_better,1970-01,3\n",
    );
}

#[test]
fn duplicate_ids_are_found_on_one_line_and_after_many_rows() {
    let mut f = fixture();
    let text =
        "[{\"id\": \"D-10\", \"deployed_at\": \"2025-02-01\"}, {\"id\": \"D-10\", \"deployed_at\": \"2025-02-02\"}]";
    let msg = f.refused(ImportKind::Deployments, "deployments.json", text);
    assert_eq!(msg, "deployments.json:1: id: \"D-10\" appears more than once in this file (first on line 1)");
    let mut csv = String::from("id,deployed_at\n");
    for i in 0..5000 {
        csv.push_str(&format!("D-{i},2025-02-01T10:00:00Z\n\n"));
    }
    csv.push_str("D-4321,2025-02-01T10:00:00Z\n");
    let msg = f.refused(ImportKind::Deployments, "deployments.csv", &csv);
    // Line 2 holds D-0, and every row is followed by a blank line.
    assert_eq!(
        msg,
        format!(
            "deployments.csv:10002: id: \"D-4321\" appears more than once in this file (first on line {})",
            2 + 2 * 4321
        )
    );
}

#[test]
fn a_streamed_file_loads_what_the_same_bytes_load() {
    let mut streamed = fixture();
    let mut in_memory = fixture();
    let deployments = "{\"deployments\": [\n  {\"id\": \"D-20\", \"deployed_at\": \"2025-02-01T10:00:00Z\",\n   \"service\": \"api\"},\n  \
                       {\"id\": \"D-21\", \"deployed_at\": \"2025-02-03T10:00:00Z\", \"env\": \"staging\"}\n], \"other\": [1, {\"a\": 2}]}";
    let changes =
        "\u{feff}id,committed_at,deployment_id\r\nC-20,2025-01-31T10:00:00Z,D-20\r\n\r\nC-21,2025-02-02T10:00:00Z,\r\n";
    for (kind, file, text) in
        [(ImportKind::Deployments, "d.json", deployments), (ImportKind::Changes, "c.csv", changes)]
    {
        let a = streamed.ok(kind, file, text);
        let b = in_memory.import_bytes(kind, file, text).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.rows, 2);
    }
    assert_eq!(streamed.state(), in_memory.state());
    // A bad record after a multi-line one is named by its own line, on both paths.
    let text = "[\n  {\"id\": \"D-30\",\n   \"deployed_at\": \"2025-02-01\"},\n\n  {\"id\": \"D-31\", \"deployed_at\": \"soon\"}\n]";
    let msg = streamed.refused(ImportKind::Deployments, "d.json", text);
    assert!(msg.starts_with("d.json:5: deployed_at: "), "{msg}");
}

#[test]
fn a_folder_given_as_the_file_cannot_be_read() {
    let mut f = fixture();
    let folder = tempfile::tempdir().unwrap();
    for (name, format) in [("d.csv", Format::Csv), ("d.json", Format::Json)] {
        let path = folder.path().join(name);
        std::fs::create_dir(&path).unwrap();
        let before = f.state();
        match import_file_linking(&mut f.store, &f.team, ImportKind::Deployments, name, &path, format, false) {
            Err(LoadError::Invalid(e)) => assert_eq!(e.to_string(), format!("{name}: cannot be read: it is a folder")),
            other => panic!("{name}: {other:?}"),
        }
        assert_eq!(f.state(), before);
    }
}
