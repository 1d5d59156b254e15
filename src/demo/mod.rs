//! The built-in demo team: a year and more of a team's delivery history, embedded in the
//! binary, so everything can be tried on a fresh machine with `--demo`.
//!
//! The story: a steady start; AI coding assistants arrive and deployments rise sharply,
//! with change failure and rework rates following a few weeks later; the team then
//! deliberately slows down to pay down technical debt, after which failures fall.
//! The dataset is shifted by whole weeks so that its last week is the current week.
//!
//! The team has held retros along the way (`history.rs`): their notes, votes, the actions
//! they decided (the slow-down among them) and the reviews of those actions. The retro
//! over the last two weeks is left for the user to start.

mod history;

use crate::domain::{Granularity, Period, Team, Timestamp, UtcOffset};
use crate::import::{Format, LoadError, parse_changes, parse_deployments, parse_incidents, parse_samples};
use crate::store::Store;

pub const TEAM_NAME: &str = "Demo team";

const DEPLOYMENTS: &[u8] = include_bytes!("../../assets/demo/deployments.csv");
const CHANGES: &[u8] = include_bytes!("../../assets/demo/changes.csv");
const INCIDENTS: &[u8] = include_bytes!("../../assets/demo/incidents.csv");
const METRICS: &[u8] = include_bytes!("../../assets/demo/metrics.csv");

/// Adds the demo team to `store` with its history ending in the week of `now`.
pub fn load(store: &mut Store, now: Timestamp) -> Result<Team, LoadError> {
    let mut deployments = parse_deployments("assets/demo/deployments.csv", DEPLOYMENTS, Format::Csv)?.rows;
    let mut changes = parse_changes("assets/demo/changes.csv", CHANGES, Format::Csv)?.rows;
    let mut incidents = parse_incidents("assets/demo/incidents.csv", INCIDENTS, Format::Csv)?.rows;
    let metrics = parse_samples("assets/demo/metrics.csv", METRICS, Format::Csv)?;

    // Move the story by whole weeks so its last week is this week, and keep only what
    // has happened by `now`.
    let last = deployments.iter().map(|d| d.deployed_at).max().unwrap_or(now);
    let week_of = |t| Period::containing(t, Granularity::Week, UtcOffset::UTC).start;
    let shift = week_of(now) - week_of(last);
    deployments.retain_mut(|d| {
        d.deployed_at += shift;
        d.deployed_at <= now
    });
    let shipped: std::collections::HashSet<&str> = deployments.iter().map(|d| d.external_id.as_str()).collect();
    changes.retain_mut(|c| {
        c.committed_at += shift;
        // Committed but not deployed yet: waiting for the next deployment.
        if c.deployment_id.as_deref().is_some_and(|d| !shipped.contains(d)) {
            c.deployment_id = None;
        }
        c.committed_at <= now
    });
    incidents.retain_mut(|i| {
        i.started_at += shift;
        i.resolved_at = i.resolved_at.map(|r| r + shift).filter(|&r| r <= now);
        i.started_at <= now
    });
    let definitions = metrics.definitions(&[])?;
    let mut samples = metrics.samples;
    for s in &mut samples {
        let g = s.period.granularity.unwrap_or(Granularity::Week);
        s.period = Period::containing(s.period.start + shift, g, UtcOffset::UTC);
    }
    samples.retain(|s| s.period.start <= now);

    let team = store.add_team(TEAM_NAME, UtcOffset::UTC)?;
    // The demo team's tools are exported up to today: quiet days since its last incident
    // are days without incidents, not days nobody knows about.
    store.declaring_coverage(now, now, |s| s.load_deployments(&team, &deployments, "demo"))?;
    store.load_changes(&team, &changes, "demo")?;
    store.declaring_coverage(now, now, |s| s.load_incidents(&team, &incidents, "demo"))?;
    store.load_samples(&team, &definitions, &samples, "demo")?;
    history::add(store, &team, shift, now)?;
    Ok(team)
}
