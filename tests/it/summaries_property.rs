//! Property: the day summaries (migration 0008) give the metric engine exactly what the
//! events give: the same facts in the same order, so every metric of every period, weeks
//! and months, partly covered or not, and every signal are the same; and a signal
//! window's lead time taken from its periods' sorted lead times is the one computed
//! from its changes; and the incidents' link diagnostics kept per team (migration 0010)
//! are the ones counted from the events. Checked on the
//! seeded random stores of the coverage property, then after a second import that
//! overlaps the first (moved, changed and new deployments, relinked changes, incidents),
//! then after a git-like snapshot loaded and pruned, and after the ids pruning freed are
//! given to new rows.

use crate::common::now;
use crate::coverage_property::{import, random_store, stamp};
use retro::domain::{Change, DeployKind, DeployStatus, Deployment, DoraMetric, Granularity, Period, Team, Timestamp};
use retro::import::ImportKind;
use retro::metrics::signals::{SignalInput, Thresholds, detect_with};
use retro::metrics::{LeadTimes, compute};
use retro::query::{MetricTable, SignalTable};
use retro::store::{Snapshot, SnapshotOptions, Store};

const DAY: i64 = 86_400;
const SEEDS: u64 = 24;

/// The periods a dashboard reads: the last `n` weeks or months, the current one cut at now.
fn periods(team: &Team, granularity: Granularity, n: usize) -> Vec<Period> {
    Period::last_n(now(), n, granularity, team.utc_offset).into_iter().map(|p| p.until(now())).collect()
}

/// Everything read through the summaries equals the same read from the events.
fn assert_agree(store: &Store, team: &Team, rng: &mut fastrand::Rng, what: &str) -> usize {
    let mut facts = 0;
    for (granularity, n) in [(Granularity::Week, 48), (Granularity::Month, 13)] {
        let periods = periods(team, granularity, n);
        let (from, to) = (periods[0].start, periods[n - 1].end);
        let context = format!("{what}, {} {granularity:?}s", periods.len());
        assert!(store.day_summaries_complete(team, from, to).unwrap(), "{context}: the summaries are not read");
        let full = store.event_set_from_events(team, from, to).unwrap();
        assert_eq!(store.event_set(team, from, to).unwrap(), full, "{context}");
        facts += full.changes.len() + full.deployments.len();

        let expected = compute(&full, &periods);
        assert_eq!(MetricTable::load(store, team, &periods).unwrap().periods, expected, "{context}");
        let thresholds = Thresholds::for_granularity(Some(granularity));
        let full = store.event_set_from_events(team, from, to + thresholds.follow_up_secs).unwrap();
        let series = compute(&full, &periods);
        let input = SignalInput::new(&full, &series, &[], &[]);
        let signals = SignalTable::load(store, team, &periods, &[]).unwrap().signals;
        assert_eq!(signals, detect_with(&input, &thresholds), "{context}");

        // Signals read windows' lead times from each period's, sorted once: the same
        // value and count as computing the window from its changes.
        let lead_times = LeadTimes::of(&full, &periods).unwrap();
        for start in 0..n {
            for end in start + 1..=(start + 9).min(n) {
                let window = Period { granularity: None, end: periods[end - 1].end, ..periods[start].clone() };
                let direct = compute(&full, &[window]).pop().unwrap().dora.get(DoraMetric::ChangeLeadTime);
                let (count, seconds) = lead_times.median(start..end);
                assert_eq!(
                    (count, seconds.map(|s| s / 3600.0)),
                    (direct.count, direct.value),
                    "{context} {start}..{end}"
                );
            }
        }
    }
    // The link diagnostics: the incidents' counts as kept, equal to counting them.
    assert!(store.incident_counts_kept(team).unwrap(), "{what}: the incident counts are not read");
    assert_eq!(store.link_diagnostics(team).unwrap(), store.link_diagnostics_from_events(team).unwrap(), "{what}");
    // Ranges that start and end inside a day, as a period in the team's offset does.
    let year = now() - 330 * DAY;
    for _ in 0..20 {
        let from = year + rng.i64(0..330 * DAY);
        let to = from + rng.i64(1..60 * DAY);
        let full = store.event_set_from_events(team, from, to).unwrap();
        assert_eq!(store.event_set(team, from, to).unwrap(), full, "{what}: [{from}, {to})");
    }
    facts
}

/// A second import over the first's days: deployments moved, changed (status, kind,
/// environment) and new; changes named, unnamed and moved; incidents naming deployments.
fn overlapping_import(store: &mut Store, team: &Team, rng: &mut fastrand::Rng) {
    let year = now() - 330 * DAY;
    let mut deployments = String::from("id,deployed_at,environment,status,kind\n");
    let mut ids = Vec::new();
    for i in 0..rng.usize(5..40) {
        let at = (year + rng.i64(0..320 * DAY)).min(now() - 1);
        let env = if rng.u8(..6) == 0 { "staging" } else { "production" };
        let status = ["success", "success", "failed", "rolled_back"][rng.usize(..4)];
        let kind = ["planned", "planned", "hotfix", "rollback", "fix_forward"][rng.usize(..5)];
        // The first import's ids are d0-N and d1-N: some are updated, the rest new.
        let id = format!("d{}-{i}", rng.usize(0..3));
        deployments.push_str(&format!("{id},{},{env},{status},{kind}\n", stamp(at)));
        ids.push((id, at));
    }
    import(store, team, ImportKind::Deployments, &deployments);
    let mut changes = String::from("id,committed_at,deployment_id\n");
    for i in 0..rng.usize(5..60) {
        let (id, at) = &ids[rng.usize(..ids.len())];
        let named = if rng.bool() { id.as_str() } else { "" };
        changes.push_str(&format!("c{i},{},{named}\n", stamp(at - rng.i64(0..4 * DAY))));
    }
    import(store, team, ImportKind::Changes, &changes);
    let mut incidents = String::from("id,started_at,resolved_at,deployment_id\n");
    for i in 0..rng.usize(1..6) {
        let (id, at) = &ids[rng.usize(..ids.len())];
        // Some start before the deployment they name (which cannot have caused them).
        let started = (at + rng.i64(-DAY / 4..DAY)).min(now() - 2);
        let resolved = stamp(((*at).max(started) + rng.i64(DAY..2 * DAY)).min(now() - 1));
        incidents.push_str(&format!("i{i},{},{resolved},{id}\n", stamp(started)));
    }
    import(store, team, ImportKind::Incidents, &incidents);
}

/// A git history's deployments and changes, as a snapshot source loads them.
fn history(rng: &mut fastrand::Rng, n: usize) -> (Vec<Deployment>, Vec<Change>) {
    let start = now() - rng.i64(10..200) * DAY;
    let mut deployments = Vec::new();
    let mut changes = Vec::new();
    for i in 0..n {
        let at = (start + i as i64 * rng.i64(3600..2 * DAY)).min(now() - 1);
        let kind = if rng.u8(..5) == 0 { DeployKind::Hotfix } else { DeployKind::Planned };
        let status = if rng.u8(..7) == 0 { DeployStatus::Failed } else { DeployStatus::Success };
        deployments.push(Deployment {
            external_id: format!("v{i}"),
            deployed_at: at,
            environment: "production".into(),
            service: None,
            status,
            kind,
        });
        for c in 0..rng.usize(0..4) {
            changes.push(Change {
                external_id: format!("sha{i}-{c}"),
                committed_at: at - rng.i64(0..DAY),
                deployment_id: Some(format!("v{i}")),
                service: None,
            });
        }
    }
    (deployments, changes)
}

#[test]
fn day_summaries_give_exactly_what_the_events_give() {
    let mut facts = 0;
    let mut diagnosed = (0, 0);
    for seed in 0..SEEDS {
        let mut rng = fastrand::Rng::with_seed(seed + 500);
        let (mut store, team) = random_store(seed);
        facts += assert_agree(&store, &team, &mut rng, &format!("seed {seed}, first import"));

        overlapping_import(&mut store, &team, &mut rng);
        facts += assert_agree(&store, &team, &mut rng, &format!("seed {seed}, overlapping import"));

        let source = SnapshotOptions { source: "git:example.com/shop".into(), ..Default::default() };
        let n = rng.usize(2..30);
        let (deployments, changes) = history(&mut rng, n);
        store.load_snapshot(&team, &Rows(&deployments, &changes), &source).unwrap();
        facts += assert_agree(&store, &team, &mut rng, &format!("seed {seed}, git snapshot"));
        // Incidents naming the history's deployments (some to be pruned, some before
        // they started) and one the next snapshot brings.
        let mut incidents = String::from("id,started_at,resolved_at,deployment_id\n");
        for (i, d) in deployments.iter().enumerate() {
            if rng.u8(..3) != 0 {
                continue;
            }
            let started = (d.deployed_at + rng.i64(-DAY / 2..DAY)).min(now() - 1);
            incidents.push_str(&format!("git{i},{},,{}\n", stamp(started), d.external_id));
        }
        incidents.push_str(&format!("early,{},,billing-v0\n", stamp(now() - 300 * DAY)));
        import(&mut store, &team, ImportKind::Incidents, &incidents);
        facts += assert_agree(&store, &team, &mut rng, &format!("seed {seed}, incidents naming the history"));
        // The history loses its newest tags (the rows with the highest ids) and is pruned.
        let kept = rng.usize(..deployments.len());
        let kept_changes: Vec<Change> = changes
            .iter()
            .filter(|c| deployments[..kept].iter().any(|d| Some(&d.external_id) == c.deployment_id.as_ref()))
            .cloned()
            .collect();
        let prune = SnapshotOptions { prune: true, ..source.clone() };
        let report = store.load_snapshot(&team, &Rows(&deployments[..kept], &kept_changes), &prune).unwrap();
        assert_eq!(report.stale_deployments as usize, deployments.len() - kept, "seed {seed}");
        facts += assert_agree(&store, &team, &mut rng, &format!("seed {seed}, pruned"));
        // New rows take the ids the pruned ones had.
        let n = rng.usize(1..10);
        let (deployments, changes) = history(&mut rng, n);
        let other = SnapshotOptions { source: "git:example.com/billing".into(), ..Default::default() };
        let renamed = |id: &str| format!("billing-{id}");
        let deployments: Vec<Deployment> =
            deployments.into_iter().map(|d| Deployment { external_id: renamed(&d.external_id), ..d }).collect();
        let changes: Vec<Change> = changes
            .into_iter()
            .map(|c| Change {
                external_id: renamed(&c.external_id),
                deployment_id: c.deployment_id.as_deref().map(renamed),
                ..c
            })
            .collect();
        store.load_snapshot(&team, &Rows(&deployments, &changes), &other).unwrap();
        facts += assert_agree(&store, &team, &mut rng, &format!("seed {seed}, ids reused"));
        let d = store.link_diagnostics(&team).unwrap();
        diagnosed.0 += d.incidents_without_production_deployment;
        diagnosed.1 += d.incidents_before_their_deployment;
    }
    // The stores hold facts to compare, not just empty ranges, and incidents of both
    // kinds the diagnostics count.
    assert!(facts > 10_000, "{facts}");
    assert!(diagnosed.0 > SEEDS && diagnosed.1 > SEEDS, "{diagnosed:?}");
}

/// A row written without an import (no refresh) is never hidden by a summary: the read
/// falls back to the events until the next import brings the summaries up to date.
#[test]
fn rows_the_summaries_do_not_know_yet_are_read_from_the_events() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let mut store = Store::open(&path).unwrap();
    let team = store.add_team("t", retro::domain::UtcOffset::UTC).unwrap();
    let at = now() - 3 * DAY;
    let csv = format!("id,deployed_at,environment\nd1,{},production\n", stamp(at));
    import(&mut store, &team, ImportKind::Deployments, &csv);
    let (from, to): (Timestamp, Timestamp) = (at - DAY, at + DAY);
    assert!(store.day_summaries_complete(&team, from, to).unwrap());
    drop(store);
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute(
            "INSERT INTO deployments (team_id, external_id, source, deployed_at, environment, is_production, status, kind)
             VALUES (?1, 'd2', 'by hand', ?2, 'production', 1, 'success', 'hotfix')",
            rusqlite::params![team.id.0, at + 60],
        )
        .unwrap();
        conn.execute("UPDATE deployments SET status = 'failed' WHERE external_id = 'd1'", []).unwrap();
    }
    let mut store = Store::open(&path).unwrap();
    assert!(!store.day_summaries_complete(&team, from, to).unwrap());
    let events = store.event_set(&team, from, to).unwrap();
    assert_eq!(events, store.event_set_from_events(&team, from, to).unwrap());
    let facts: Vec<(DeployStatus, DeployKind)> = events.deployments.iter().map(|d| (d.status, d.kind)).collect();
    assert_eq!(facts, [(DeployStatus::Failed, DeployKind::Planned), (DeployStatus::Success, DeployKind::Hotfix)]);
    // The next import refreshes them.
    let csv = format!("id,deployed_at,environment\nd3,{},production\n", stamp(at - 200 * DAY));
    import(&mut store, &team, ImportKind::Deployments, &csv);
    assert!(store.day_summaries_complete(&team, from, to).unwrap());
    let after = store.event_set(&team, from, to).unwrap();
    assert_eq!((after.deployments, after.changes), (events.deployments, events.changes));
    drop(store);
    // Deleting the row with the highest id lets SQLite give its id to the next row.
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "DELETE FROM deployments WHERE external_id = 'd3';
             INSERT INTO deployments (team_id, external_id, source, deployed_at, environment, is_production, status, kind)
             SELECT team_id, 'd4', 'by hand', deployed_at + 30, 'production', 1, 'success', 'rollback'
             FROM deployments WHERE external_id = 'd1';",
        )
        .unwrap();
        let ids: (i64, i64) = conn
            .query_row(
                "SELECT max(id), (SELECT id FROM deployments WHERE external_id = 'd4') FROM deployments",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(ids.0, ids.1, "d4 took d3's id");
    }
    let store = Store::open(&path).unwrap();
    assert!(!store.day_summaries_complete(&team, from, to).unwrap());
    let events = store.event_set(&team, from, to).unwrap();
    assert_eq!(events.deployments.len(), 3);
    assert_eq!(events, store.event_set_from_events(&team, from, to).unwrap());
}

/// Incidents and deployments written without an import (no refresh) are never hidden by
/// the kept incident counts: the diagnostics count from the events until the next import.
#[test]
fn incidents_the_counts_do_not_know_yet_are_counted_from_the_events() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let mut store = Store::open(&path).unwrap();
    let team = store.add_team("t", retro::domain::UtcOffset::UTC).unwrap();
    let at = now() - 3 * DAY;
    let csv = format!("id,deployed_at,environment\nd1,{},production\nd2,{},staging\n", stamp(at), stamp(at + 100));
    import(&mut store, &team, ImportKind::Deployments, &csv);
    // i1 started before d1, i2 names a staging deployment, i3 names none.
    let csv = format!(
        "id,started_at,resolved_at,deployment_id\ni1,{},,d1\ni2,{},,d2\ni3,{},,\n",
        stamp(at - 50),
        stamp(at + 200),
        stamp(at + 300)
    );
    import(&mut store, &team, ImportKind::Incidents, &csv);
    let counts = |store: &Store| {
        let d = store.link_diagnostics(&team).unwrap();
        assert_eq!(d, store.link_diagnostics_from_events(&team).unwrap());
        (d.incidents_without_production_deployment, d.incidents_before_their_deployment)
    };
    assert!(store.incident_counts_kept(&team).unwrap());
    assert_eq!(counts(&store), (2, 1));
    drop(store);
    let by_hand = |sql: &str| rusqlite::Connection::open(&path).unwrap().execute_batch(sql).unwrap();
    let reopen = || Store::open(&path).unwrap();
    // d2 goes to production: i2 is now caused by it.
    by_hand("UPDATE deployments SET environment = 'production', is_production = 1 WHERE external_id = 'd2'");
    let mut store = reopen();
    assert!(!store.incident_counts_kept(&team).unwrap());
    assert_eq!(counts(&store), (1, 1));
    let csv = format!("id,deployed_at,environment\nd3,{},production\n", stamp(at - 200 * DAY));
    import(&mut store, &team, ImportKind::Deployments, &csv);
    assert!(store.incident_counts_kept(&team).unwrap());
    assert_eq!(counts(&store), (1, 1));
    drop(store);
    // An incident inserted by hand; then i1 moved after d1.
    by_hand(&format!(
        "INSERT INTO incidents (team_id, external_id, source, started_at) VALUES ({}, 'i4', 'by hand', {})",
        team.id.0,
        at + 400
    ));
    assert_eq!(counts(&reopen()), (2, 1));
    by_hand(&format!("UPDATE incidents SET started_at = {} WHERE external_id = 'i1'", at + 10));
    assert_eq!(counts(&reopen()), (2, 0));
    import(&mut reopen(), &team, ImportKind::Deployments, &csv);
    assert_eq!(counts(&reopen()), (2, 0));
    // Deleting the incident with the highest id lets SQLite give its id to the next one;
    // deleting d1 leaves i1 naming no deployment.
    by_hand(&format!(
        "DELETE FROM incidents WHERE external_id = 'i4';
         INSERT INTO incidents (team_id, external_id, source, started_at, deployment_external_id, deployment_ref)
         SELECT {0}, 'i5', 'by hand', {1}, 'd1', id FROM deployments WHERE external_id = 'd1';",
        team.id.0,
        at - 10
    ));
    let store = reopen();
    assert!(!store.incident_counts_kept(&team).unwrap());
    assert_eq!(counts(&store), (1, 1));
    drop(store);
    by_hand("PRAGMA foreign_keys = ON; DELETE FROM deployments WHERE external_id = 'd1'");
    assert_eq!(counts(&reopen()), (3, 0));
}

/// A store from before the summaries gets them on its first open: the events it holds
/// are read through them at once, and give the same facts.
#[test]
fn an_upgraded_store_is_summarised_on_its_first_open() {
    // The migrations before the summaries' (0008).
    let before = &crate::store_upgrade::MIGRATIONS[..7];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v7.db");
    let at = now() - 30 * DAY;
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        for sql in before {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 7).unwrap();
        conn.pragma_update(None, "application_id", 0x5245_5452).unwrap();
        conn.execute("INSERT INTO teams (id, name, utc_offset_minutes, created_at) VALUES (1, 'old', 330, 0)", [])
            .unwrap();
        for i in 0..50i64 {
            let deployed = at + i * 7_001;
            conn.execute(
                "INSERT INTO deployments (team_id, external_id, source, deployed_at, environment, is_production, status, kind)
                 VALUES (1, ?1, 'f', ?2, 'production', 1, ?3, 'planned')",
                rusqlite::params![format!("d{i}"), deployed, if i % 5 == 0 { "failed" } else { "success" }],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO changes (team_id, external_id, source, committed_at, deployment_ref, deployed_at)
                 VALUES (1, ?1, 'f', ?2, ?3, ?4)",
                rusqlite::params![format!("c{i}"), deployed - i * 600, i + 1, deployed],
            )
            .unwrap();
        }
    }
    let store = Store::open(&path).unwrap();
    let team = store.team_by_name("old").unwrap().unwrap();
    let (from, to) = (at - DAY, at + 10 * DAY);
    assert!(store.day_summaries_complete(&team, from, to).unwrap());
    let events = store.event_set(&team, from, to).unwrap();
    assert_eq!((events.deployments.len(), events.changes.len()), (50, 50));
    assert_eq!(events, store.event_set_from_events(&team, from, to).unwrap());
}

/// A snapshot of a source as two lists, the way a git import's history is one.
struct Rows<'a>(&'a [Deployment], &'a [Change]);

impl Snapshot for Rows<'_> {
    fn deployments(&self) -> &[Deployment] {
        self.0
    }
    fn changes(&self) -> impl Iterator<Item = Change> + '_ {
        self.1.iter().cloned()
    }
    fn holds_change(&self, external_id: &str) -> bool {
        self.1.iter().any(|c| c.external_id == external_id)
    }
}
