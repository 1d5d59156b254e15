//! Importers of what CI/CD services' APIs return (GitHub, GitLab), saved as JSON by
//! `gh api --paginate` or `curl`. Each one reads its records as a stream into domain
//! values and loads them while it reads through the store's one-transaction loaders,
//! keyed by source and external id. Fields about people are never read, only named once.

pub mod github;
pub mod gitlab;

use super::api_json::{Record, SeenIds, each_record, first_line_with};
use super::columns::{identifies_a_person, normalise};
use super::error::ImportError;
use super::id_map::{Arena, IdMap};
use super::pipeline::{Event, pipelined};
use super::records::Input;
use crate::domain::{Change, Deployment, Team, Timestamp, parse_timestamp};
use crate::import::git::{self, GitImportError};
use crate::store::{KINDS_UNKNOWN, LoadFailure, LoadReport, Store, StoreError};
use rustc_hash::FxHashSet;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub(crate) use super::api_json::error;

/// Why an import from an API's JSON failed.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error(transparent)]
    Invalid(#[from] ImportError),
    #[error(transparent)]
    Git(#[from] GitImportError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What one import of deployments (and the changes they shipped) did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SourceSummary {
    /// Deployments read, production or not.
    pub deployments: usize,
    pub changes: usize,
    pub deployment_report: LoadReport,
    pub change_report: LoadReport,
    /// Fields about people the file holds (dotted paths); never read, never stored.
    pub person_fields: Vec<String>,
    /// Deployments per environment that is not production (stored, in no metric).
    pub other_environments: BTreeMap<String, usize>,
    /// Records that are not deployments, by reason (`cancelled`, `in_progress`, ...).
    pub left_out: BTreeMap<String, usize>,
    /// Where the changes came from.
    pub changes_from: ChangesFrom,
    /// Statuses that name a deployment the file does not hold: ignored.
    pub unmatched_statuses: usize,
    /// With a clone: deployments whose commit it does not have, and the commits the first
    /// deployment reaches (its history, not one release), left out.
    pub unknown_commits: usize,
    pub before_first: usize,
}

/// Where an import found the changes its deployments shipped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangesFrom {
    /// The file names no commit time: no changes.
    #[default]
    Nothing,
    /// The commit each record names (a run's head commit): one change per deployment.
    HeadCommits,
    /// The commits between successive deployed commits of a local clone.
    Clone,
}

/// Deployments read from a file, with the commit each one deployed, all held: for tests
/// and small files. `retro import` reads them as a stream ([`import`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedDeployments {
    pub deployments: Vec<Deployment>,
    /// The deployed commit of each deployment, in the same order.
    pub shas: Vec<String>,
    /// The changes the file itself names (head commits), when it names any.
    pub changes: Vec<Change>,
    pub changes_from: ChangesFrom,
    pub person_fields: Vec<String>,
    pub left_out: BTreeMap<String, usize>,
    /// Statuses that name a deployment the file does not hold: ignored.
    pub unmatched_statuses: usize,
}

/// What a reader of deployments found besides the deployments it handed on one by one.
#[derive(Debug, Default)]
pub(crate) struct Rest {
    pub changes: Changes,
    pub changes_from: ChangesFrom,
    pub person_fields: Vec<String>,
    pub left_out: BTreeMap<String, usize>,
    pub unmatched_statuses: usize,
}

/// Hands each deployment read, with its deployed commit, to the importer.
pub(crate) type Each<'a> = &'a mut dyn FnMut(Deployment, String);

/// Collects what a reader reads.
pub(crate) fn collect(
    read: impl FnOnce(Each<'_>) -> Result<Rest, ImportError>,
) -> Result<ParsedDeployments, ImportError> {
    let (mut deployments, mut shas) = (Vec::new(), Vec::new());
    let rest = read(&mut |d, sha| {
        deployments.push(d);
        shas.push(sha);
    })?;
    Ok(ParsedDeployments {
        deployments,
        shas,
        changes: rest.changes.collect(),
        changes_from: rest.changes_from,
        person_fields: rest.person_fields,
        left_out: rest.left_out,
        unmatched_statuses: rest.unmatched_statuses,
    })
}

/// Which API's JSON a file holds, with what reading it takes.
#[derive(Debug, Clone, Copy)]
pub enum Api<'a> {
    /// GitHub deployments, with their statuses in a second file (name, input) or inside
    /// each deployment.
    GithubDeployments {
        statuses: Option<(&'a str, Input<'a>)>,
    },
    /// GitHub workflow runs of the workflow named.
    GithubRuns {
        workflow: &'a str,
    },
    GitlabDeployments,
}

impl Api<'_> {
    /// The source key of the rows.
    pub fn source(self) -> &'static str {
        match self {
            Api::GithubDeployments { .. } => github::DEPLOYMENTS_SOURCE,
            Api::GithubRuns { .. } => github::RUNS_SOURCE,
            Api::GitlabDeployments => gitlab::DEPLOYMENTS_SOURCE,
        }
    }
}

/// Reads `input` (named `file` in errors) as `api` and loads it for `team` in one
/// transaction, as a stream: what is held is what joins records across the file (ids,
/// times, states), never the file or its parsed records. With `repo`, the changes are
/// the commits between successive production deployments' commits of that clone.
pub fn import(
    store: &mut Store,
    team: &Team,
    file: &str,
    input: Input<'_>,
    api: Api<'_>,
    repo: Option<&Path>,
) -> Result<SourceSummary, SourceError> {
    load_with(store, team, api.source(), repo, |each| match api {
        Api::GithubDeployments { statuses } => github::read_deployments(file, input, statuses, each),
        Api::GithubRuns { workflow } => github::read_runs(file, input, workflow, each),
        Api::GitlabDeployments => gitlab::read_deployments(file, input, each),
    })
}

/// Loads `parsed` for `team` under `source` in one transaction, as [`import`] does.
pub fn load(
    store: &mut Store,
    team: &Team,
    parsed: ParsedDeployments,
    source: &str,
    repo: Option<&Path>,
) -> Result<SourceSummary, SourceError> {
    let ParsedDeployments { deployments, shas, changes, changes_from, person_fields, left_out, unmatched_statuses } =
        parsed;
    load_with(store, team, source, repo, move |each| {
        for (d, sha) in deployments.into_iter().zip(shas) {
            each(d, sha);
        }
        Ok(Rest { changes: changes.into(), changes_from, person_fields, left_out, unmatched_statuses })
    })
}

fn load_with(
    store: &mut Store,
    team: &Team,
    source: &str,
    repo: Option<&Path>,
    read: impl FnOnce(Each<'_>) -> Result<Rest, ImportError> + Send,
) -> Result<SourceSummary, SourceError> {
    let read = |emit: &mut dyn FnMut(Event)| -> Result<SourceSummary, SourceError> {
        let mut summary = SourceSummary::default();
        // With a clone: the commit of each production deployment, to walk between them.
        let mut points: Vec<(String, String, Timestamp)> = Vec::new();
        let rest = read(&mut |d, sha| {
            summary.deployments += 1;
            if !d.is_production() {
                *summary.other_environments.entry(d.environment.clone()).or_insert(0) += 1;
            } else if repo.is_some() {
                points.push((d.external_id.clone(), sha, d.deployed_at));
            }
            emit(Event::Deployment(d));
        })?;
        summary.changes_from = rest.changes_from;
        let changes = match repo {
            Some(repo) => {
                points.sort_by(|a, b| (a.2, &a.0).cmp(&(b.2, &b.0)));
                let shipped = git::shipped_commits(repo, &points)?;
                summary.changes_from = ChangesFrom::Clone;
                summary.unknown_commits = shipped.unknown.len();
                summary.before_first = shipped.before_first;
                shipped.changes.into()
            }
            None => rest.changes,
        };
        summary.changes = changes.len();
        for c in changes {
            emit(Event::Change(c));
        }
        summary.person_fields = rest.person_fields;
        summary.left_out = rest.left_out;
        summary.unmatched_statuses = rest.unmatched_statuses;
        Ok(summary)
    };
    let ((deployments, changes), mut summary) = pipelined(read, |streams| {
        // GitHub's and GitLab's deployments do not say which were hotfixes or rollbacks.
        store.load_deployments_and_changes_from(team, streams.deployments(), streams.changes(), source, KINDS_UNKNOWN)
    })
    .map_err(|e| match e {
        LoadFailure::Source(e) => e,
        LoadFailure::Store(e) => SourceError::Store(e),
    })?;
    summary.deployment_report = deployments;
    summary.change_report = changes;
    Ok(summary)
}

/// Reads the records of `input` into memory: for files of a few records (monthly values).
pub(crate) fn read_records(file: &str, input: Input<'_>, key: Option<&str>) -> Result<Vec<Record>, ImportError> {
    let mut records = Vec::new();
    each_record(file, input, key, |r| {
        records.push(r);
        Ok(())
    })?;
    Ok(records)
}

/// Adds the dotted paths of fields about people in `fields` to `out`; what lies under
/// such a field is not looked at.
pub(crate) fn person_fields(fields: &Map<String, Value>, prefix: &str, out: &mut BTreeSet<String>) {
    for (key, value) in fields {
        let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
        if identifies_a_person(&normalise(key)) {
            out.insert(path);
            continue;
        }
        match value {
            Value::Object(inner) => person_fields(inner, &path, out),
            Value::Array(items) => {
                for item in items {
                    if let Value::Object(inner) = item {
                        person_fields(inner, &path, out);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Reads the fields of one record, naming the file, its line and the record in errors.
pub(crate) struct Reader<'a> {
    pub file: &'a str,
    pub record: &'a Record,
    /// How errors name the record: `deployment 42`.
    pub label: String,
}

impl Reader<'_> {
    pub fn fail(&self, field: &str, message: impl std::fmt::Display) -> ImportError {
        error(self.file, Some(self.record.line), Some(field), format!("{}: {message}", self.label))
    }

    pub fn optional(&self, path: &str) -> Option<String> {
        self.record.text(path)
    }

    pub fn required(&self, path: &str) -> Result<String, ImportError> {
        self.optional(path).ok_or_else(|| self.fail(path, "a value is required"))
    }

    pub fn time(&self, path: &str) -> Result<Option<Timestamp>, ImportError> {
        self.optional(path)
            .map(|t| {
                parse_timestamp(&t).ok_or_else(|| {
                    self.fail(path, format!("\"{t}\" is not a date; expected RFC 3339 (2025-01-31T14:05:00Z)"))
                })
            })
            .transpose()
    }

    pub fn required_time(&self, path: &str) -> Result<Timestamp, ImportError> {
        self.time(path)?.ok_or_else(|| self.fail(path, "a value is required"))
    }
}

/// The id of a record for error messages and keys, or an error at its line.
pub(crate) fn record_id(file: &str, record: &Record, what: &str) -> Result<String, ImportError> {
    record.text("id").ok_or_else(|| error(file, Some(record.line), Some("id"), format!("this {what} has no id")))
}

/// Reads each record once with its id, as [`each_record`]: a list read page by page can
/// repeat a record when new ones arrive in between, so an identical repeat is dropped and
/// a differing one refused. Only hashes of each id and record are kept to tell them apart.
pub(crate) fn each_unique(
    file: &str,
    input: Input<'_>,
    key: Option<&str>,
    what: &str,
    mut each: impl FnMut(String, &Record) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let mut ids = SeenIds::new();
    let mut records: FxHashSet<u64> = FxHashSet::default();
    each_record(file, input, key, |record| {
        let id = record_id(file, &record, what)?;
        let whole = ids.hash((&id, serde_json::to_string(&record.fields).unwrap_or_default()));
        if ids.maybe_seen(&id) {
            if records.contains(&whole) {
                return Ok(());
            }
            if let Some(first) = first_line_with(input, key, "id", &id, record.index) {
                return Err(error(
                    file,
                    Some(record.line),
                    Some("id"),
                    format!("{what} {id} appears twice with different values (first on line {first})"),
                ));
            }
        }
        records.insert(whole);
        each(id, &record)
    })
}

/// The head commit of each deployment, kept once: a commit deployed twice ships with the
/// first deployment that reached production with it. About 100 bytes a commit: the
/// ids end to end in arenas, not a `Change` each.
#[derive(Default)]
pub(crate) struct HeadCommits {
    first: IdMap<Head>,
    deployments: Arena,
}

/// A commit's first deployment, and when the commit was made.
struct Head {
    at: Timestamp,
    committed_at: Timestamp,
    deployment: u32,
}

impl HeadCommits {
    /// Commit `commit`, made at `committed_at`, as shipped by `deployment` at `at`.
    pub fn add(&mut self, commit: &str, committed_at: Timestamp, deployment: &str, at: Timestamp) {
        const NONE: u32 = u32::MAX;
        let (first, deployments) = (&mut self.first, &mut self.deployments);
        let head = first.get_or_insert_with(commit, || Head { at, committed_at, deployment: NONE });
        if head.deployment == NONE || (at, deployment) < (head.at, deployments.get(head.deployment)) {
            *head = Head { at, committed_at, deployment: deployments.push(deployment) };
        }
    }

    /// The changes, by the time their deployment reached production.
    pub fn into_changes(self) -> Changes {
        let HeadCommits { first, deployments } = self;
        let mut order: Vec<u32> = (0..first.len() as u32).collect();
        let key = |i: u32| {
            let head = first.entry(i).1;
            (head.at, deployments.get(head.deployment))
        };
        order.sort_by(|&a, &b| key(a).cmp(&key(b)));
        Changes(Box::new(order.into_iter().map(move |i| {
            let (commit, head) = first.entry(i);
            Change {
                external_id: commit.to_owned(),
                committed_at: head.committed_at,
                deployment_id: Some(deployments.get(head.deployment).to_owned()),
                service: None,
            }
        })))
    }
}

/// Changes handed to the loader one at a time, their number known beforehand.
pub(crate) struct Changes(Box<dyn ExactSizeIterator<Item = Change> + Send>);

impl Default for Changes {
    fn default() -> Self {
        Vec::new().into()
    }
}

impl From<Vec<Change>> for Changes {
    fn from(changes: Vec<Change>) -> Self {
        Changes(Box::new(changes.into_iter()))
    }
}

impl std::fmt::Debug for Changes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} changes", self.0.len())
    }
}

impl Iterator for Changes {
    type Item = Change;

    fn next(&mut self) -> Option<Change> {
        self.0.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl ExactSizeIterator for Changes {}
