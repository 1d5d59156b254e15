//! `--link-incidents by-time`: an incident that names no deployment is linked to the last
//! production deployment of its service at or before its start, whatever the order of
//! the imports; then change failure rate and recovery time, checked by hand.
//!
//! Calendar: 2025-W03 runs from Monday 13 January to Sunday 19 January 2025 (UTC).

use retro::domain::{DoraMetric, Period, Team, UtcOffset};
use retro::import::{Format, ImportKind, import_bytes, import_bytes_linking};
use retro::query::MetricTable;
use retro::store::{Store, TimeLinks};

/// Production deployments D1 (api, Mon 10:00), D2 (web, Mon 12:00), D3 (api, Tue 10:00),
/// D4 (no service: it ships every service, Wed 10:00), D6 (web, Fri 10:00); D5 (api, Thu
/// 10:00) went to staging.
const DEPLOYMENTS: &str = "id,deployed_at,service,environment
D1,2025-01-13T10:00:00Z,api,production
D2,2025-01-13T12:00:00Z,web,production
D3,2025-01-14T10:00:00Z,api,production
D4,2025-01-15T10:00:00Z,,production
D5,2025-01-16T10:00:00Z,api,staging
D6,2025-01-17T10:00:00Z,web,production
";

/// - I1 api, Tue 11:00-13:00 (2 h): the last api (or service-less) deployment before it is D3.
/// - I2 web, Tue 09:00-10:00 (1 h): D2; D3 is api's, and D4 comes later.
/// - I3 no service, Wed 11:00-15:00 (4 h): any production deployment, D4.
/// - I4 api, Thu 11:00-12:00 (1 h): D4, since D5 is not in production.
/// - I5 api, Mon 09:00-09:30: no api deployment before it, stays unlinked.
/// - I6 names D1 (web, Mon 11:00-14:00, 3 h): the named deployment wins.
const INCIDENTS: &str = "id,started_at,resolved_at,service,deployment_id
I1,2025-01-14T11:00:00Z,2025-01-14T13:00:00Z,api,
I2,2025-01-14T09:00:00Z,2025-01-14T10:00:00Z,web,
I3,2025-01-15T11:00:00Z,2025-01-15T15:00:00Z,,
I4,2025-01-16T11:00:00Z,2025-01-16T12:00:00Z,api,
I5,2025-01-13T09:00:00Z,2025-01-13T09:30:00Z,api,
I6,2025-01-13T11:00:00Z,2025-01-13T14:00:00Z,web,D1
";

fn store() -> (Store, Team) {
    let mut store = Store::open_in_memory().unwrap();
    let team = store.add_team("web", UtcOffset::UTC).unwrap();
    (store, team)
}

fn deployments(store: &mut Store, team: &Team) {
    import_bytes(store, team, ImportKind::Deployments, "d.csv", DEPLOYMENTS.as_bytes(), Format::Csv).unwrap();
}

fn incidents(store: &mut Store, team: &Team, by_time: bool) -> Option<TimeLinks> {
    import_bytes_linking(store, team, ImportKind::Incidents, "i.csv", INCIDENTS.as_bytes(), Format::Csv, by_time)
        .unwrap()
        .time_links
}

/// `(change failure rate, its count, recovery time, its count)` in 2025-W03.
fn stability(store: &Store, team: &Team) -> (Option<f64>, u64, Option<f64>, u64) {
    let week = Period::parse_label("2025-W03", UtcOffset::UTC).unwrap();
    let w = MetricTable::load(store, team, &[week]).unwrap().periods.remove(0);
    let cfr = w.dora.get(DoraMetric::ChangeFailureRate);
    let recovery = w.dora.get(DoraMetric::RecoveryTime);
    (cfr.value, cfr.count, recovery.value, recovery.count)
}

#[test]
fn incidents_without_a_deployment_link_to_the_last_production_deployment_of_their_service() {
    let (mut store, team) = store();
    deployments(&mut store, &team);
    let linked = incidents(&mut store, &team, true);
    assert_eq!(linked, Some(TimeLinks { linked: 4, unlinked: 1 }));
    // Failed: D1 (I6), D2 (I2), D3 (I1), D4 (I3 and I4); D6 had none. 4 of 5 = 80%.
    // Recovery of the linked incidents resolved in the week: 2, 1, 4, 1, 3 h; sorted 1,
    // 1, 2, 3, 4: the median is 2 h. I5 is not linked, so it stays out.
    assert_eq!(stability(&store, &team), (Some(80.0), 5, Some(2.0), 5));
}

#[test]
fn without_the_rule_only_the_named_deployment_counts() {
    let (mut store, team) = store();
    deployments(&mut store, &team);
    assert_eq!(incidents(&mut store, &team, false), None);
    // Only I6 -> D1: 1 of 5 = 20%, recovery 3 h.
    assert_eq!(stability(&store, &team), (Some(20.0), 5, Some(3.0), 1));
    // Importing again with the rule links the others; without it, unlinks them again:
    // each import's options apply to the rows it imports.
    incidents(&mut store, &team, true);
    assert_eq!(stability(&store, &team).0, Some(80.0));
    incidents(&mut store, &team, false);
    assert_eq!(stability(&store, &team).0, Some(20.0));
}

#[test]
fn incidents_imported_before_their_deployments_are_linked_when_those_arrive() {
    let (mut store, team) = store();
    // No deployment yet: every incident that names none stays unlinked for now.
    assert_eq!(incidents(&mut store, &team, true), Some(TimeLinks { linked: 0, unlinked: 5 }));
    deployments(&mut store, &team);
    assert_eq!(stability(&store, &team), (Some(80.0), 5, Some(2.0), 5));
    // A later deployment of api between D3 and I1 takes I1 over; D3 is no longer failed.
    let later = "id,deployed_at,service\nD3b,2025-01-14T10:30:00Z,api\n";
    import_bytes(&mut store, &team, ImportKind::Deployments, "d2.csv", later.as_bytes(), Format::Csv).unwrap();
    // 6 deployments; failed D1, D2, D3b, D4: 4 of 6.
    assert_eq!(stability(&store, &team).0, Some(400.0 / 6.0));
}

#[test]
fn retro_import_incidents_link_incidents_by_time_says_what_it_linked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("d.csv"), DEPLOYMENTS).unwrap();
    std::fs::write(dir.path().join("i.csv"), INCIDENTS).unwrap();
    let retro = |args: &[&str]| {
        let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("retro");
        cmd.current_dir(dir.path())
            .env_remove("RETRO_DB")
            .env_remove("RETRO_TEAM")
            .env("HOME", dir.path().join("home"))
            .args(["--db", "retro.db"])
            .args(args);
        cmd.assert()
    };
    retro(&["teams", "add", "web"]).success();
    retro(&["import", "deployments", "d.csv"]).success();
    let out = retro(&["import", "incidents", "i.csv", "--link-incidents", "by-time"]).success();
    let out = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        out.contains(
            "Linked by time: 4 incident(s) that name no deployment now point at the last production deployment of \
             their service before they started; 1 stayed unlinked (no such deployment)."
        ),
        "{out}"
    );
    // I5 is the one incident left without a production deployment.
    assert!(out.contains("Note: 1 incident(s) name no production deployment as their cause"), "{out}");
    let failed = retro(&["import", "deployments", "d.csv", "--link-incidents", "by-time"]).failure();
    let stderr = String::from_utf8(failed.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("--link-incidents applies to the incident imports (`retro import incidents|pagerduty|opsgenie|fourkeys`) only"), "{stderr}");
}
