//! Apache DevLake's domain layer, read straight from its MySQL database: a project's
//! deployments (`cicd_deployments`), the commits each production deployment shipped
//! (`cicd_deployment_commits`, `commits_diffs`, `commits`) and its incidents
//! (`incidents`, linked through `project_incident_deployment_relationships`).
//!
//! Everything is read in one read-only, consistent snapshot, row by row (a streaming
//! result set), and loaded while it is read in one store transaction together with the
//! cursors that make the next run incremental: each
//! table is read from the last `updated_at` seen (DevLake writes it on every save, so a
//! deployment that finished or an incident that was resolved since is read again; ids
//! are text such as `github:GithubRun:1:99`, whose order says nothing about age). The
//! cursor's own instant is read again too, and what is unchanged loads as unchanged.
//!
//! No column that names a person (authors, committers, creators, assignees) is ever
//! selected. docs/import.md has the mapping.

mod connect;
mod rows;
mod sql;

pub use connect::{Target, target};

use super::pipeline::{Event, pipelined};
use crate::domain::Timestamp;
use crate::domain::{Team, is_production};
use crate::store::{LoadFailure, LoadReport, Store, StoreError};
use connect::{Snapshot, instant, text};
use mysql::Value;
use rows::{ChangeRow, DeploymentOutcome, DeploymentRow, IncidentRow};
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;

/// The person fields of the tables read, none of which is selected.
pub const PERSON_FIELDS: &[&str] = &[
    "incidents.creator_id",
    "incidents.creator_name",
    "incidents.assignee_id",
    "incidents.assignee_name",
    "commits.author_id",
    "commits.author_name",
    "commits.author_email",
    "commits.committer_id",
    "commits.committer_name",
    "commits.committer_email",
];

#[derive(Debug, thiserror::Error)]
pub enum DevlakeError {
    #[error("{0}")]
    Url(String),
    #[error("cannot connect to the DevLake database at {at}: {message}")]
    Connect { at: String, message: String },
    #[error(
        "the DevLake database has no table {table} ({message}): is this DevLake's database, with its domain layer?"
    )]
    MissingTable { table: String, message: String },
    #[error(
        "the DevLake database's {table} lacks a column retro reads ({message}): is this a DevLake version retro knows?"
    )]
    MissingColumn { table: String, message: String },
    #[error("reading {table} from the DevLake database failed: {message}")]
    Query { table: String, message: String },
    #[error("{table} id \"{id}\": {field}: {message}")]
    Row { table: &'static str, id: String, field: &'static str, message: String },
    #[error("DevLake has no project \"{project}\" (no project_mapping rows){known}")]
    NoProject { project: String, known: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What one import from DevLake did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DevlakeSummary {
    /// The database, without its password.
    pub database: String,
    pub project: String,
    /// An earlier import of this project into this team left cursors: only rows written
    /// since were read.
    pub incremental: bool,
    pub deployments: usize,
    /// Deployments per environment other than PRODUCTION (they enter no metric).
    pub other_environments: BTreeMap<String, usize>,
    /// Deployments with no result yet (running, or neither SUCCESS nor FAILURE): skipped.
    pub without_result: usize,
    pub changes: usize,
    /// Shipped commits that DevLake's `commits` table has no row (so no time) for.
    pub commits_without_time: usize,
    /// Commits shipped by more than one production deployment: each counts once, with the
    /// earliest.
    pub shipped_again: usize,
    /// Successful production deployment commits whose shipped commits DevLake's refdiff
    /// plugin has not listed yet (`commits_diffs`): a later import brings them.
    pub waiting_for_diffs: usize,
    pub incidents: usize,
    /// Incidents DevLake linked to a deployment.
    pub linked_incidents: usize,
    pub deployment_report: LoadReport,
    pub change_report: LoadReport,
    pub incident_report: LoadReport,
}

/// The store's `source` of the rows, and the key of the cursors.
pub fn source_name(project: &str) -> String {
    format!("devlake:{project}")
}

const DEPLOYMENTS: &str = "cicd_deployments";
const DEPLOYMENT_COMMITS: &str = "cicd_deployment_commits";
const INCIDENTS: &str = "incidents";

/// Reads project `project` from the DevLake database at `url` and loads it for `team`.
/// Nothing is written unless every row read is valid.
pub fn import_project(
    store: &mut Store,
    team: &Team,
    url: &str,
    project: &str,
) -> Result<DevlakeSummary, DevlakeError> {
    let target = target(url)?;
    let source = source_name(project);
    let cursor = |item| store.import_cursor(team, &source, item);
    let since = [cursor(DEPLOYMENTS)?, cursor(DEPLOYMENT_COMMITS)?, cursor(INCIDENTS)?];
    let incremental = since.iter().any(Option::is_some);
    let [since_deployments, since_commits, since_incidents] = since.map(|c| c.unwrap_or_else(|| sql::START.to_owned()));

    // A commit already imported with an earlier deployment keeps it.
    let shipped: HashMap<String, Timestamp> = store.changes_shipped_at(team, &source)?.into_iter().collect();

    let snapshot = Snapshot::open(&target)?;
    let since = Since { deployments: &since_deployments, commits: &since_commits, incidents: &since_incidents };
    // Where the reading stopped, set once every row is read: the loader writes it last.
    let stopped: std::sync::OnceLock<Vec<(&'static str, String)>> = std::sync::OnceLock::new();
    let read = |emit: &mut dyn FnMut(Event)| {
        let mut snapshot = snapshot;
        let read = read_project(&mut snapshot, project, &since, &shipped, emit);
        snapshot.close();
        let read = read?;
        let mut cursors = Vec::new();
        for (item, position) in [
            (DEPLOYMENTS, &read.deployments_to),
            (DEPLOYMENT_COMMITS, &read.commits_to),
            (INCIDENTS, &read.incidents_to),
        ] {
            if let Some(p) = position {
                cursors.push((item, p.clone()));
            }
        }
        let _ = stopped.set(cursors);
        Ok(read)
    };
    let ([deployment_report, change_report, incident_report], read) = pipelined(read, |s| {
        let cursors = || stopped.get().cloned().unwrap_or_default();
        // DevLake's domain layer does not say whether a deployment was a hotfix.
        let kinds = crate::store::KINDS_UNKNOWN;
        store.load_events_with_cursors_from(team, s.deployments(), s.changes(), s.incidents(), &source, kinds, cursors)
    })
    .map_err(|e| match e {
        LoadFailure::Source(e) => e,
        LoadFailure::Store(e) => DevlakeError::Store(e),
    })?;
    Ok(DevlakeSummary {
        database: target.shown,
        project: project.to_owned(),
        incremental,
        deployments: read.deployments,
        other_environments: read.other_environments,
        without_result: read.without_result,
        changes: read.changes,
        commits_without_time: read.commits_without_time,
        shipped_again: read.shipped_again,
        waiting_for_diffs: read.waiting_for_diffs,
        incidents: read.incidents,
        linked_incidents: read.linked_incidents,
        deployment_report,
        change_report,
        incident_report,
    })
}

/// What one snapshot held for the project, besides the rows handed on.
#[derive(Default)]
struct Read {
    deployments: usize,
    other_environments: BTreeMap<String, usize>,
    changes: usize,
    incidents: usize,
    linked_incidents: usize,
    without_result: usize,
    commits_without_time: usize,
    shipped_again: usize,
    waiting_for_diffs: usize,
    /// The latest `updated_at` read per table: where the next run starts.
    deployments_to: Option<String>,
    commits_to: Option<String>,
    incidents_to: Option<String>,
}

fn later(cursor: &mut Option<String>, seen: Option<String>) {
    if let Some(seen) = seen
        && cursor.as_ref().is_none_or(|c| seen > *c)
    {
        *cursor = Some(seen);
    }
}

fn date(
    row: &mysql::Row,
    i: usize,
    table: &'static str,
    id: &str,
    field: &'static str,
) -> Result<Option<Timestamp>, DevlakeError> {
    instant(row, i).map_err(|value| DevlakeError::Row {
        table,
        id: id.to_owned(),
        field,
        message: format!("\"{value}\" is not a date"),
    })
}

/// Where each table's reading starts.
struct Since<'a> {
    deployments: &'a str,
    commits: &'a str,
    incidents: &'a str,
}

fn read_project(
    snapshot: &mut Snapshot,
    project: &str,
    since: &Since<'_>,
    shipped: &HashMap<String, Timestamp>,
    emit: &mut dyn FnMut(Event),
) -> Result<Read, DevlakeError> {
    let mut mapped = 0i64;
    snapshot.each_row("project_mapping", sql::PROJECT_ROWS, vec![project.into()], |row| {
        mapped = text(&row, 0).and_then(|n| n.parse().ok()).unwrap_or(0);
        Ok(())
    })?;
    if mapped == 0 {
        let mut names = Vec::new();
        snapshot.each_row("project_mapping", sql::PROJECTS, vec![], |row| {
            names.extend(text(&row, 0));
            Ok(())
        })?;
        let known = if names.is_empty() {
            "; it has no projects".to_owned()
        } else {
            format!("; its projects: {}", names.join(", "))
        };
        return Err(DevlakeError::NoProject { project: project.to_owned(), known });
    }

    let mut read = Read::default();
    let params = |since: &str| -> Vec<Value> { vec![project.into(), since.into()] };
    snapshot.each_row(DEPLOYMENTS, sql::DEPLOYMENTS, params(since.deployments), |row| {
        let id = text(&row, 0).unwrap_or_default();
        let d = DeploymentRow {
            finished_date: date(&row, 3, DEPLOYMENTS, &id, "finished_date")?,
            id,
            result: text(&row, 1),
            environment: text(&row, 2),
        };
        later(&mut read.deployments_to, text(&row, 4));
        match d.into_deployment()? {
            DeploymentOutcome::Deployment(d) => {
                read.deployments += 1;
                if !is_production(&d.environment) {
                    *read.other_environments.entry(d.environment.clone()).or_insert(0) += 1;
                }
                emit(Event::Deployment(d));
            }
            DeploymentOutcome::NoResult => read.without_result += 1,
        }
        Ok(())
    })?;

    let mut last_sha: Option<String> = None;
    snapshot.each_row(DEPLOYMENT_COMMITS, sql::CHANGES, params(since.commits), |row| {
        let id = text(&row, 0).unwrap_or_default();
        let c = ChangeRow {
            deployment_id: text(&row, 1),
            finished_date: date(&row, 2, DEPLOYMENT_COMMITS, &id, "finished_date")?,
            commit_sha: text(&row, 3).unwrap_or_default(),
            committed_date: date(&row, 4, "commits", &text(&row, 3).unwrap_or_default(), "committed_date")?,
            deployment_commit_id: id,
        };
        later(&mut read.commits_to, text(&row, 5));
        // Rows come by commit, earliest deployment first: a later one shipping the same
        // commit again (another scope deploying the same repository) is not its first.
        if last_sha.as_deref() == Some(c.commit_sha.as_str()) {
            read.shipped_again += 1;
            return Ok(());
        }
        last_sha = Some(c.commit_sha.clone());
        match c.into_change()? {
            Some((change, finished)) if shipped.get(&change.external_id).is_some_and(|&at| at < finished) => {
                read.shipped_again += 1;
            }
            Some((change, _)) => {
                read.changes += 1;
                emit(Event::Change(change));
            }
            None => read.commits_without_time += 1,
        }
        Ok(())
    })?;
    // The cursor stops before deployment commits still waiting for their diffs, so that
    // they are read again once refdiff has run (it does not touch their updated_at).
    let mut waiting_since = None;
    snapshot.each_row(DEPLOYMENT_COMMITS, sql::WAITING_FOR_DIFFS, vec![project.into()], |row| {
        read.waiting_for_diffs = text(&row, 0).and_then(|n| n.parse().ok()).unwrap_or(0);
        waiting_since = text(&row, 1);
        Ok(())
    })?;
    if let (Some(waiting), Some(to)) = (waiting_since, read.commits_to.as_mut())
        && waiting < *to
    {
        *to = waiting;
    }

    let incident_params = vec![project.into(), since.incidents.into(), since.incidents.into()];
    snapshot.each_row(INCIDENTS, sql::INCIDENTS, incident_params, |row| {
        let id = text(&row, 0).unwrap_or_default();
        let i = IncidentRow {
            created_date: date(&row, 1, INCIDENTS, &id, "created_date")?,
            resolution_date: date(&row, 2, INCIDENTS, &id, "resolution_date")?,
            deployment_id: text(&row, 3),
            id,
        };
        later(&mut read.incidents_to, text(&row, 4));
        later(&mut read.incidents_to, text(&row, 5));
        let incident = i.into_incident()?;
        read.incidents += 1;
        read.linked_incidents += usize::from(incident.deployment_id.is_some());
        emit(Event::Incident(incident));
        Ok(())
    })?;
    Ok(read)
}
