//! Incidents from PagerDuty and Opsgenie, Four Keys' tables, and the column mapping of
//! CSV imports: fixtures written from each tool's published format (tests/fixtures/),
//! with change failure rate and recovery time checked by hand.
//!
//! Calendar: 2025-W03 runs from Monday 13 January to Sunday 19 January 2025 (UTC).
//! tests/fixtures/deployments.csv holds five production deployments:
//! D1 checkout Mon 10:00, D2 search Mon 12:00, D3 checkout Tue 10:00, D4 search Wed
//! 10:00, D5 checkout Thu 10:00.

use retro::domain::{DoraMetric, Period, Team, UtcOffset};
use retro::import::tools::fourkeys::{self, TableFile};
use retro::import::tools::pagerduty::{self, PagerDutyFilter};
use retro::import::tools::{self, Allowed, IncidentTool, opsgenie};
use retro::import::{Format, ImportKind, Input, LoadError, import_bytes, import_bytes_linking, import_input, mapping};
use retro::query::MetricTable;
use retro::store::{LoadReport, Store};

const DEPLOYMENTS: &[u8] = include_bytes!("../fixtures/deployments.csv");
const PD_JSON: &[u8] = include_bytes!("../fixtures/pagerduty/incidents.json");
const PD_CSV: &[u8] = include_bytes!("../fixtures/pagerduty/incidents.csv");
const OPSGENIE: &[u8] = include_bytes!("../fixtures/opsgenie/alerts.json");
const FK_DEPLOYMENTS: &[u8] = include_bytes!("../fixtures/fourkeys/deployments.json");
const FK_CHANGES: &[u8] = include_bytes!("../fixtures/fourkeys/changes.csv");
const FK_INCIDENTS: &[u8] = include_bytes!("../fixtures/fourkeys/incidents.json");

fn store_with_deployments() -> (Store, Team) {
    let mut store = Store::open_in_memory().unwrap();
    let team = store.add_team("shop", UtcOffset::UTC).unwrap();
    import_bytes(&mut store, &team, ImportKind::Deployments, "deployments.csv", DEPLOYMENTS, Format::Csv).unwrap();
    (store, team)
}

/// `(change failure rate, deployments, recovery time in hours, recoveries, lead time)` in 2025-W03.
fn week(store: &Store, team: &Team) -> (Option<f64>, u64, Option<f64>, u64, Option<f64>) {
    let week = Period::parse_label("2025-W03", UtcOffset::UTC).unwrap();
    let w = MetricTable::load(store, team, &[week]).unwrap().periods.remove(0);
    let cfr = w.dora.get(DoraMetric::ChangeFailureRate);
    let recovery = w.dora.get(DoraMetric::RecoveryTime);
    (cfr.value, cfr.count, recovery.value, recovery.count, w.dora.get(DoraMetric::ChangeLeadTime).value)
}

fn pagerduty(
    store: &mut Store,
    team: &Team,
    bytes: &[u8],
    format: Format,
    filter: &PagerDutyFilter,
) -> Result<tools::ToolSummary, LoadError> {
    let read = pagerduty::parse("incidents.json", bytes, format, filter)?;
    tools::load_incidents(store, team, IncidentTool::PagerDuty, read, true)
}

#[test]
fn pagerduty_api_pages_give_high_urgency_incidents_linked_by_time() {
    let (mut store, team) = store_with_deployments();
    let s = pagerduty(&mut store, &team, PD_JSON, Format::Json, &PagerDutyFilter::default()).unwrap();
    // #103 is low urgency: left out by the default --urgency high.
    assert_eq!(s.left_out, 1);
    let incidents = &s.loaded[0];
    assert_eq!((incidents.rows, incidents.report.inserted), (3, 3));
    assert_eq!(incidents.person_columns, ["assigned_via", "assignments", "acknowledgements", "last_status_change_by"]);
    // #101 checkout Tue 11:00-13:00 -> D3 (2 h); #102 search Wed 10:30, resolved without
    // resolved_at at its last status change 11:30 -> D4 (1 h); #104 checkout Fri, still
    // acknowledged (open) -> D5. Failed D3, D4, D5: 3 of 5. Recovery: 2 and 1 h, median 1.5.
    assert_eq!(week(&store, &team), (Some(60.0), 5, Some(1.5), 2, None));
}

#[test]
fn pagerduty_urgency_and_priority_filters_choose_the_production_failures() {
    let any = PagerDutyFilter { urgencies: Allowed::Any, priorities: Allowed::Any };
    let (mut store, team) = store_with_deployments();
    let s = pagerduty(&mut store, &team, PD_JSON, Format::Json, &any).unwrap();
    assert_eq!((s.left_out, s.loaded[0].rows), (0, 4));
    // #103 (checkout Thu 12:00-12:30) joins D5, already failed: still 3 of 5; recoveries
    // 2, 1 and 0.5 h: median 1 h.
    assert_eq!(week(&store, &team), (Some(60.0), 5, Some(1.0), 3, None));

    let p1 = PagerDutyFilter { urgencies: Allowed::Any, priorities: Allowed::Only(vec!["p1".into()]) };
    let (mut store, team) = store_with_deployments();
    let s = pagerduty(&mut store, &team, PD_JSON, Format::Json, &p1).unwrap();
    // Only #101 has priority P1 (compared ignoring case); those without a priority are out.
    assert_eq!((s.left_out, s.loaded[0].rows), (3, 1));
    assert_eq!(week(&store, &team), (Some(20.0), 5, Some(2.0), 1, None));
}

#[test]
fn the_pagerduty_csv_export_gives_the_same_incidents_as_the_api() {
    let (mut store, team) = store_with_deployments();
    let s = pagerduty(&mut store, &team, PD_CSV, Format::Csv, &PagerDutyFilter::default()).unwrap();
    assert_eq!((s.left_out, s.loaded[0].rows), (1, 3));
    assert_eq!(s.loaded[0].person_columns, ["Assigned To", "Resolved By"]);
    assert_eq!(week(&store, &team), (Some(60.0), 5, Some(1.5), 2, None));
    // The API's pages hold the same incidents at the same instants: nothing changes.
    let again = pagerduty(&mut store, &team, PD_JSON, Format::Json, &PagerDutyFilter::default()).unwrap();
    assert_eq!(again.loaded[0].report, LoadReport { inserted: 0, updated: 0, unchanged: 3 });
    // An export that names a column otherwise is read through --map.
    let renamed = String::from_utf8(PD_CSV.to_vec()).unwrap().replace("Created On", "Opened (UTC)");
    let err = pagerduty(&mut store, &team, renamed.as_bytes(), Format::Csv, &PagerDutyFilter::default()).unwrap_err();
    assert!(err.to_string().starts_with("incidents.json:1: created_on: required column is missing"), "{err}");
    let bytes =
        mapping::apply("pd.csv", renamed.as_bytes(), pagerduty::csv_layout(), &map(&["created_on=Opened (UTC)"]))
            .unwrap();
    let s = pagerduty(&mut store, &team, &bytes, Format::Csv, &PagerDutyFilter::default()).unwrap();
    assert_eq!(s.loaded[0].report.unchanged, 3);
}

#[test]
fn re_importing_a_tool_export_is_idempotent() {
    let (mut store, team) = store_with_deployments();
    let read = opsgenie::parse("alerts.json", OPSGENIE, &opsgenie::default_priorities()).unwrap();
    tools::load_incidents(&mut store, &team, IncidentTool::Opsgenie, read.clone(), true).unwrap();
    let before = week(&store, &team);
    let again = tools::load_incidents(&mut store, &team, IncidentTool::Opsgenie, read, true).unwrap();
    assert_eq!(again.loaded[0].report, LoadReport { inserted: 0, updated: 0, unchanged: 3 });
    assert_eq!(week(&store, &team), before);
    assert_eq!(store.team_counts(&team).unwrap().incidents, 3);
}

#[test]
fn opsgenie_alerts_of_priority_p1_and_p2_are_incidents() {
    let (mut store, team) = store_with_deployments();
    let read = opsgenie::parse("alerts.json", OPSGENIE, &opsgenie::default_priorities()).unwrap();
    // The P3 alert is left out; owner, responders and the report's people are never read.
    assert_eq!(read.left_out, 1);
    assert_eq!(read.person_fields, ["owner", "responders", "report.acknowledgedBy", "report.closedBy"]);
    // 1791 checkout Mon 10:30, closed 5,400,000 ms (1.5 h) later -> D1; 1792 search Wed
    // 12:00, closed without a report at updatedAt 16:00 (4 h) -> D4; 1794 has no service
    // tag, Thu 11:00 + 1,800,000 ms (0.5 h) -> the last deployment of any service, D5.
    // Failed D1, D4, D5: 3 of 5; recoveries 1.5, 4, 0.5 h: median 1.5 h.
    let s = tools::load_incidents(&mut store, &team, IncidentTool::Opsgenie, read, true).unwrap();
    assert_eq!(s.loaded[0].time_links.map(|l| (l.linked, l.unlinked)), Some((3, 0)));
    assert_eq!(week(&store, &team), (Some(60.0), 5, Some(1.5), 3, None));

    let (mut store, team) = store_with_deployments();
    let read = opsgenie::parse("alerts.json", OPSGENIE, &Allowed::Only(vec!["P1".into()])).unwrap();
    assert_eq!((read.left_out, read.rows.len()), (2, 2));
    tools::load_incidents(&mut store, &team, IncidentTool::Opsgenie, read, true).unwrap();
    // D1 and D5: 2 of 5; recoveries 1.5 and 0.5 h: median 1 h.
    assert_eq!(week(&store, &team), (Some(40.0), 5, Some(1.0), 2, None));
}

#[test]
fn without_linking_tool_incidents_name_no_deployment() {
    let (mut store, team) = store_with_deployments();
    let read = pagerduty::parse("incidents.json", PD_JSON, Format::Json, &PagerDutyFilter::default()).unwrap();
    assert!(read.rows.iter().all(|i| i.deployment_id.is_none()));
    tools::load_incidents(&mut store, &team, IncidentTool::PagerDuty, read, false).unwrap();
    assert_eq!(week(&store, &team), (Some(0.0), 5, None, 0, None));
}

#[test]
fn a_bad_record_names_file_line_field_and_id_and_imports_nothing() {
    let (mut store, team) = store_with_deployments();
    let bad = String::from_utf8(PD_JSON.to_vec()).unwrap().replace("2025-01-15T10:30:00Z", "yesterday");
    let err = pagerduty::parse("pd.json", bad.as_bytes(), Format::Json, &PagerDutyFilter::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "pd.json:26: created_at: incident P2BBBBB: \"yesterday\" is not a date; expected RFC 3339 \
         (2025-01-31T14:05:00Z) or YYYY-MM-DD HH:MM:SS (UTC)"
    );

    let bad =
        String::from_utf8(OPSGENIE.to_vec()).unwrap().replace("\"closeTime\": 1800000", "\"closeTime\": \"soon\"");
    let err = opsgenie::parse("alerts.json", bad.as_bytes(), &opsgenie::default_priorities()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "alerts.json:48: report.closeTime: alert c2f7a8e4-5d61-4b2a-a0c3-9e8f7d6c5b4a: \"soon\" is not a number of milliseconds"
    );

    let bad = String::from_utf8(FK_CHANGES.to_vec()).unwrap().replace("2025-01-15 06:00:00 UTC", "15/01/2025");
    let err = fourkeys::parse(
        None,
        Some(TableFile { name: "changes.csv", input: Input::Bytes(bad.as_bytes()), format: Format::Csv }),
        None,
    )
    .unwrap_err();
    assert!(err.to_string().starts_with("changes.csv:5: time_created: \"15/01/2025\" is not a date"), "{err}");

    // A PagerDuty CSV row resolved before it was created; nothing of the file is stored.
    let bad =
        String::from_utf8(PD_CSV.to_vec()).unwrap().replace("2025-01-15T12:30:00+01:00", "2025-01-15T09:00:00+01:00");
    let err = pagerduty(&mut store, &team, bad.as_bytes(), Format::Csv, &PagerDutyFilter::default()).unwrap_err();
    assert_eq!(err.to_string(), "incidents.json:3: resolved_on: incident P2BBBBB: is before created_on");
    assert_eq!(store.team_counts(&team).unwrap().incidents, 0);
}

#[test]
fn api_pages_may_come_as_an_array_or_bare_incidents() {
    let text = String::from_utf8(PD_JSON.to_vec()).unwrap();
    // `jq -s` of the pages: an array of page objects.
    let pages = format!("[{}]", text.trim_end().replace("}\n{\"incidents\"", "},\n{\"incidents\""));
    let read = pagerduty::parse("pages.json", pages.as_bytes(), Format::Json, &PagerDutyFilter::default()).unwrap();
    let ids: Vec<&str> = read.rows.iter().map(|i| i.external_id.as_str()).collect();
    assert_eq!(ids, ["P1AAAAA", "P2BBBBB", "P4DDDDD"]);
    // Bare incident objects, one per line.
    let lines = "{\"id\":\"PX\",\"created_at\":\"2025-01-14T11:00:00Z\",\"status\":\"triggered\",\"urgency\":\"high\"}\n\
                 {\"id\":\"PY\",\"created_at\":\"2025-01-14T12:00:00Z\",\"status\":\"resolved\",\"urgency\":\"high\"}\n";
    let err = pagerduty::parse("lines.json", lines.as_bytes(), Format::Json, &PagerDutyFilter::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "lines.json:2: resolved_at: incident PY: a resolved incident needs resolved_at or last_status_change_at"
    );
}

#[test]
fn an_id_twice_in_an_api_export_is_refused() {
    let twice = format!(
        "{}\n{}",
        String::from_utf8(PD_JSON.to_vec()).unwrap(),
        r#"{"incidents":[{"id":"P1AAAAA","created_at":"2025-01-18T10:00:00Z","status":"triggered","urgency":"high"}]}"#
    );
    let err = pagerduty::parse("pd.json", twice.as_bytes(), Format::Json, &PagerDutyFilter::default()).unwrap_err();
    assert_eq!(err.to_string(), "pd.json:85: id: \"P1AAAAA\" appears more than once in this file (first on line 2)");
}

fn four_keys() -> fourkeys::FourKeys {
    fourkeys::parse(
        Some(TableFile { name: "deployments.json", input: Input::Bytes(FK_DEPLOYMENTS), format: Format::Json }),
        Some(TableFile { name: "changes.csv", input: Input::Bytes(FK_CHANGES), format: Format::Csv }),
        Some(TableFile { name: "incidents.json", input: Input::Bytes(FK_INCIDENTS), format: Format::Json }),
    )
    .unwrap()
}

#[test]
fn four_keys_changes_and_incidents_find_the_deployment_that_lists_them() {
    let fk = four_keys();
    let shipped: Vec<(&str, Option<&str>)> =
        fk.changes.iter().map(|c| (c.external_id.as_str(), c.deployment_id.as_deref())).collect();
    // c3 is listed by dep-2 and again by dep-3: it shipped with the first.
    assert_eq!(
        shipped,
        [
            ("c1", Some("dep-1")),
            ("c2", Some("dep-1")),
            ("c3", Some("dep-2")),
            ("c4", Some("dep-3")),
            ("c5", Some("dep-3")),
            ("c6", Some("dep-4"))
        ]
    );
    let caused: Vec<(&str, Option<&str>)> =
        fk.incidents.iter().map(|i| (i.external_id.as_str(), i.deployment_id.as_deref())).collect();
    // Q1's root causes c4 (dep-3, Wed) and c1 (dep-1, Mon): the latest before it started.
    assert_eq!(caused, [("101", Some("dep-2")), ("Q1", Some("dep-3")), ("102", None)]);
    // 102's time is seconds since 1970, as older `bq --format=json` prints: Thu 12:00.
    assert_eq!(fk.incidents[2].started_at, retro::domain::parse_timestamp("2025-01-16T12:00:00Z").unwrap());
}

#[test]
fn four_keys_tables_give_hand_checked_metrics() {
    let mut store = Store::open_in_memory().unwrap();
    let team = store.add_team("shop", UtcOffset::UTC).unwrap();
    let s = tools::load_four_keys(&mut store, &team, four_keys(), false).unwrap();
    let rows: Vec<usize> = s.loaded.iter().map(|l| l.rows).collect();
    assert_eq!(rows, [4, 6, 3]);
    // Failed: dep-2 (101) and dep-3 (Q1), 2 of 4. Recovery 3 h and 1 h: median 2 h.
    // Lead times c1 2, c2 1, c3 3, c4 4, c5 1, c6 0.5 h: sorted 0.5 1 1 2 3 4, median 1.5.
    assert_eq!(week(&store, &team), (Some(50.0), 4, Some(2.0), 2, Some(1.5)));
    // Again, linking by time: 102 (Thu 12:00, open) joins dep-4: 3 of 4.
    let again = tools::load_four_keys(&mut store, &team, four_keys(), true).unwrap();
    let reports: Vec<LoadReport> = again.loaded.iter().map(|l| l.report).collect();
    assert_eq!(
        reports[..2],
        [LoadReport { inserted: 0, updated: 0, unchanged: 4 }, LoadReport { inserted: 0, updated: 0, unchanged: 6 }]
    );
    assert_eq!(week(&store, &team), (Some(75.0), 4, Some(2.0), 2, Some(1.5)));
}

#[test]
fn four_keys_rows_may_come_as_csv_and_json_errors_name_the_row() {
    let deployments = "source,deploy_id,time_created,main_commit,changes\n\
        github,dep-1,2025-01-13 10:00:00.250 UTC,c2,\"[\"\"c1\"\",\"\"c2\"\"]\"\n\
        github,dep-2,2025-01-14T10:00:00Z,c3,c3 c4\n";
    let incidents = "incident_id,time_created,time_resolved,changes\n7,2025-01-14 11:00:00 UTC,,c4\n";
    let fk = fourkeys::parse(
        Some(TableFile { name: "deployments.csv", input: Input::Bytes(deployments.as_bytes()), format: Format::Csv }),
        None,
        Some(TableFile { name: "incidents.csv", input: Input::Bytes(incidents.as_bytes()), format: Format::Csv }),
    )
    .unwrap();
    assert_eq!(fk.files, [Some("deployments.csv".to_owned()), None, Some("incidents.csv".to_owned())]);
    assert_eq!(fk.deployments.len(), 2);
    assert_eq!(fk.incidents[0].deployment_id.as_deref(), Some("dep-2"));
    assert_eq!(fk.incidents[0].resolved_at, None);

    let bad = String::from_utf8(FK_DEPLOYMENTS.to_vec()).unwrap().replace("\"c6\"]", "6]");
    let err = fourkeys::parse(
        Some(TableFile { name: "deployments.json", input: Input::Bytes(bad.as_bytes()), format: Format::Json }),
        None,
        None,
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "deployments.json:4: changes: deploy_id dep-4: 6 is not a change id");
    let bad = String::from_utf8(FK_INCIDENTS.to_vec()).unwrap().replace("2025-01-14 13:00:00", "2025-01-14 09:00:00");
    let err = fourkeys::parse(
        None,
        None,
        Some(TableFile { name: "incidents.json", input: Input::Bytes(bad.as_bytes()), format: Format::Json }),
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "incidents.json:1: time_resolved: incident_id 101: is before time_created");
}

const ODD_EXPORT: &str = "Ticket,Opened,Closed,Component,Reporter\n\
T-1,2025-01-14T11:00:00Z,2025-01-14T13:00:00Z,checkout,ada\n\
T-2,2025-01-15T10:30:00Z,2025-01-15T11:30:00Z,search,grace\n";

fn map(pairs: &[&str]) -> Vec<mapping::MapEntry> {
    pairs.iter().map(|p| mapping::parse_arg(p).unwrap()).collect()
}

#[test]
fn a_column_mapping_reads_an_unusual_export() {
    let (mut store, team) = store_with_deployments();
    let layout = mapping::layout_of(ImportKind::Incidents).unwrap();
    let entries = map(&["id=Ticket", "started_at=Opened", "resolved_at=\"Closed\"", "service=component"]);
    let bytes = mapping::apply("odd.csv", ODD_EXPORT.as_bytes(), layout, &entries).unwrap();
    let s =
        import_bytes_linking(&mut store, &team, ImportKind::Incidents, "odd.csv", &bytes, Format::Csv, true).unwrap();
    assert_eq!(s.rows, 2);
    assert_eq!(s.person_columns, ["Reporter"]);
    // T-1 -> D3 (2 h), T-2 -> D4 (1 h): 2 of 5, median recovery 1.5 h.
    assert_eq!(week(&store, &team), (Some(40.0), 5, Some(1.5), 2, None));

    // A mapping file says the same; records keep their line numbers in errors.
    let file = mapping::parse_file("map.toml", "# PagerDuty-like\nid = \"Ticket\"\nstarted_at = Opened\n").unwrap();
    let bad = ODD_EXPORT.replace("2025-01-15T10:30:00Z", "noon");
    let bytes = mapping::apply("odd.csv", bad.as_bytes(), layout, &file).unwrap();
    let err = import_bytes(&mut store, &team, ImportKind::Incidents, "odd.csv", &bytes, Format::Csv).unwrap_err();
    assert!(err.to_string().starts_with("odd.csv:3: started_at: \"noon\" is not a date"), "{err}");
}

#[test]
fn a_column_mapping_refuses_unknown_targets_and_missing_sources() {
    let layout = mapping::layout_of(ImportKind::Incidents).unwrap();
    let err = mapping::apply("odd.csv", ODD_EXPORT.as_bytes(), layout, &map(&["begun_at=Opened"])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "--map: begun_at: is not a column retro reads from incidents files (it reads id, started_at, resolved_at, \
         deployment_id, service)"
    );
    let err = mapping::apply("odd.csv", ODD_EXPORT.as_bytes(), layout, &map(&["started_at=Created On"])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "odd.csv:1: started_at: --map started_at=\"Created On\": the file has no column \"Created On\" (found: Ticket, \
         Opened, Closed, Component, Reporter)"
    );
    let file = mapping::parse_file("map.toml", "id = Ticket\n\nbegun = Opened\n").unwrap();
    let err = mapping::apply("odd.csv", ODD_EXPORT.as_bytes(), layout, &file).unwrap_err();
    assert!(err.to_string().starts_with("map.toml:3: begun: is not a column retro reads"), "{err}");
    let err = mapping::parse_file("map.toml", "id: Ticket\n").unwrap_err();
    assert!(err.to_string().starts_with("map.toml:1: expected target = \"Source column\""), "{err}");
    // The file already has a column retro reads as the mapped target.
    let both = "id,started_at,Opened\nI-1,2025-01-14T11:00:00Z,2025-01-14T11:00:00Z\n";
    let err = mapping::apply("both.csv", both.as_bytes(), layout, &map(&["started_at=Opened"])).unwrap_err();
    assert!(err.to_string().contains("the file also has a column \"started_at\""), "{err}");
}

fn retro_in(dir: &std::path::Path, args: &[&str]) -> assert_cmd::assert::Assert {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("retro");
    cmd.current_dir(dir)
        .env_remove("RETRO_DB")
        .env_remove("RETRO_TEAM")
        .env("HOME", dir.join("home"))
        .args(["--db", "retro.db"])
        .args(args);
    cmd.assert()
}

fn stdout(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(a.get_output().stdout.clone()).unwrap()
}

#[test]
fn the_command_line_imports_each_tool_and_says_what_it_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let path = |p: &str| fixtures.join(p).display().to_string();
    retro_in(dir.path(), &["teams", "add", "shop"]).success();
    retro_in(dir.path(), &["import", "deployments", &path("deployments.csv")]).success();
    let out = stdout(
        &retro_in(
            dir.path(),
            &["import", "pagerduty", &path("pagerduty/incidents.json"), "--link-incidents", "by-time"],
        )
        .success(),
    );
    assert!(out.contains("Left out 1 incident(s) outside --urgency high --priority any"), "{out}");
    assert_eq!(out.matches("they identify people").count(), 1, "{out}");
    assert!(
        out.contains("Ignored column(s) assigned_via, assignments, acknowledgements, last_status_change_by"),
        "{out}"
    );
    assert!(out.contains("Imported 3 incidents"), "{out}");
    assert!(out.contains("Linked by time: 3 incident(s)"), "{out}");

    let out = stdout(&retro_in(dir.path(), &["import", "opsgenie", &path("opsgenie/alerts.json")]).success());
    assert!(out.contains("Left out 1 incident(s) outside --priority P1,P2"), "{out}");
    let out = stdout(&retro_in(dir.path(), &["import", "fourkeys", &path("fourkeys")]).success());
    assert!(out.contains("Imported 4 deployments"), "{out}");
    assert!(out.contains("Four Keys' deployments table does not say which deployments were hotfixes"), "{out}");
    assert!(out.contains("Imported 6 changes"), "{out}");
    assert!(out.contains("Imported 3 incidents"), "{out}");

    // Misuse is refused with a clear message.
    let e = retro_in(dir.path(), &["import", "opsgenie", &path("opsgenie/alerts.json"), "--urgency", "high"]).failure();
    assert!(String::from_utf8_lossy(&e.get_output().stderr).contains("Opsgenie alerts have no urgency"));
    let e = retro_in(dir.path(), &["import", "deployments", &path("deployments.csv"), "--priority", "P1"]).failure();
    assert!(String::from_utf8_lossy(&e.get_output().stderr).contains("--urgency and --priority apply to"));

    // --map on the existing CSV path, from arguments and from a file.
    std::fs::write(dir.path().join("odd.csv"), ODD_EXPORT).unwrap();
    std::fs::write(dir.path().join("map.toml"), "id = \"Ticket\"\nstarted_at = \"Opened\"\n").unwrap();
    let out = stdout(
        &retro_in(
            dir.path(),
            &["import", "incidents", "odd.csv", "--map-file", "map.toml", "--map", "resolved_at=Closed"],
        )
        .success(),
    );
    assert!(out.contains("Imported 2 incidents from odd.csv"), "{out}");
    let pd = String::from_utf8(PD_CSV.to_vec()).unwrap().replace("Created On", "Opened (UTC)");
    std::fs::write(dir.path().join("pd.csv"), pd).unwrap();
    let out = stdout(
        &retro_in(
            dir.path(),
            &["import", "pagerduty", "pd.csv", "--map", "created_on=Opened (UTC)", "--urgency", "any"],
        )
        .success(),
    );
    assert!(out.contains("Imported 4 incidents from pd.csv"), "{out}");
    let e = retro_in(dir.path(), &["import", "incidents", "odd.csv", "--map", "started_at=Created On"]).failure();
    let stderr = String::from_utf8_lossy(&e.get_output().stderr).into_owned();
    assert!(
        stderr.contains("odd.csv:1: started_at: --map started_at=\"Created On\": the file has no column"),
        "{stderr}"
    );
}

#[test]
fn a_mapped_file_is_read_from_disk_with_its_line_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let layout = mapping::layout_of(ImportKind::Incidents).unwrap();
    let entries = map(&["id=Ticket", "started_at=Opened", "resolved_at=Closed", "service=component"]);
    // Two blank lines before a CRLF header: the first record is on line 4.
    let text = format!("\n\r\n{}", ODD_EXPORT.replacen('\n', "\r\n", 1));
    let path = dir.path().join("odd.csv");
    std::fs::write(&path, &text).unwrap();
    let original = Input::File(&path);
    let renamed = mapping::rename("odd.csv", original, layout, &entries).unwrap();
    let (mut store, team) = store_with_deployments();
    let s =
        import_input(&mut store, &team, ImportKind::Incidents, "odd.csv", renamed.input(&original), Format::Csv, true)
            .unwrap();
    assert_eq!((s.rows, s.person_columns.as_slice()), (2, ["Reporter".to_owned()].as_slice()));
    assert_eq!(week(&store, &team), (Some(40.0), 5, Some(1.5), 2, None));

    // A repeated id sends the reader back to the file, through the renamed header.
    std::fs::write(&path, format!("{text}T-1,2025-01-16T10:00:00Z,,checkout,ada\n")).unwrap();
    let renamed = mapping::rename("odd.csv", original, layout, &entries).unwrap();
    let (mut store, team) = store_with_deployments();
    let err =
        import_input(&mut store, &team, ImportKind::Incidents, "odd.csv", renamed.input(&original), Format::Csv, false)
            .unwrap_err();
    assert_eq!(err.to_string(), "odd.csv:6: id: \"T-1\" appears more than once in this file (first on line 4)");
    assert_eq!(week(&store, &team).3, 0, "a refused import changes nothing");
}
