//! Importers of what CI/CD services' APIs return (GitHub, GitLab), saved as JSON by
//! `gh api --paginate` or `curl`. Each one reads its records into domain values and
//! loads them through the store's one-transaction loaders, keyed by source and
//! external id. Fields about people are never read, only named once.

pub mod github;
pub mod gitlab;

use super::columns::{identifies_a_person, normalise};
use super::error::ImportError;
use crate::domain::{Change, Deployment, Team, Timestamp, is_production, parse_timestamp};
use crate::import::git::{self, GitImportError};
use crate::store::{LoadFailure, LoadReport, Store, StoreError};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

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

/// Deployments read from a file, with the commit each one deployed.
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

/// Loads `parsed` for `team` under `source` in one transaction. With `repo`, the changes
/// are the commits between successive production deployments' commits of that clone,
/// in place of those the file names.
pub fn load(
    store: &mut Store,
    team: &Team,
    mut parsed: ParsedDeployments,
    source: &str,
    repo: Option<&Path>,
) -> Result<SourceSummary, SourceError> {
    let mut summary = SourceSummary { changes_from: parsed.changes_from, ..Default::default() };
    if let Some(repo) = repo {
        let mut points: Vec<(String, String, Timestamp)> = parsed
            .deployments
            .iter()
            .zip(&parsed.shas)
            .filter(|(d, _)| d.is_production())
            .map(|(d, sha)| (d.external_id.clone(), sha.clone(), d.deployed_at))
            .collect();
        points.sort_by(|a, b| (a.2, &a.0).cmp(&(b.2, &b.0)));
        let shipped = git::shipped_commits(repo, &points)?;
        parsed.changes = shipped.changes;
        summary.changes_from = ChangesFrom::Clone;
        summary.unknown_commits = shipped.unknown.len();
        summary.before_first = shipped.before_first;
    }
    for d in parsed.deployments.iter().filter(|d| !is_production(&d.environment)) {
        *summary.other_environments.entry(d.environment.clone()).or_insert(0) += 1;
    }
    let (deployments, changes) = store
        .load_deployments_and_changes_from(
            team,
            parsed.deployments.iter().map(Ok::<_, std::convert::Infallible>),
            parsed.changes.iter().map(Ok),
            source,
        )
        .map_err(|e| match e {
            LoadFailure::Store(e) => e,
            LoadFailure::Source(never) => match never {},
        })?;
    summary.deployments = parsed.deployments.len();
    summary.changes = parsed.changes.len();
    summary.deployment_report = deployments;
    summary.change_report = changes;
    summary.person_fields = parsed.person_fields;
    summary.left_out = parsed.left_out;
    summary.unmatched_statuses = parsed.unmatched_statuses;
    Ok(summary)
}

/// One JSON object of a file, with the line where it starts.
pub(crate) struct Record {
    pub line: u64,
    pub fields: Map<String, Value>,
}

/// Reads the records of a list endpoint's JSON as saved by `gh api --paginate` (one
/// array per page, back to back), with `--slurp` (an array of pages), or by a single
/// request. A page may be an object that holds its records under `key`, as the
/// workflow-runs endpoint's `{total_count, workflow_runs: [...]}`.
pub(crate) fn read_records(file: &str, bytes: &[u8], key: Option<&str>) -> Result<Vec<Record>, ImportError> {
    let mut records = Vec::new();
    each_record(file, bytes, key, |r| {
        records.push(r);
        Ok(())
    })?;
    Ok(records)
}

/// [`read_records`], handing each record to `each` as it is read: one record at a time
/// is held as a JSON value, whatever the file's size.
pub(crate) fn each_record(
    file: &str,
    bytes: &[u8],
    key: Option<&str>,
    mut each: impl FnMut(Record) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let text = std::str::from_utf8(bytes).map_err(|_| error(file, None, None, "is not valid UTF-8 text"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = Lines { text, offset: 0, line: 1 };
    let stream = serde_json::Deserializer::from_str(text).into_iter::<&RawValue>();
    for top in stream {
        let top = top.map_err(|e| error(file, Some(e.line() as u64), None, format!("is not valid JSON: {e}")))?;
        collect(file, top, key, 0, &mut lines, &mut each)?;
    }
    Ok(())
}

/// Walks pages into records: arrays hold records or pages, objects are records or pages.
fn collect<'a>(
    file: &str,
    raw: &'a RawValue,
    key: Option<&str>,
    depth: usize,
    lines: &mut Lines<'a>,
    out: &mut dyn FnMut(Record) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let line = lines.at(raw.get());
    let invalid = |e: serde_json::Error| error(file, Some(line), None, format!("is not valid JSON: {e}"));
    match raw.get().trim_start().as_bytes().first() {
        // Pages of a slurped object list nest three deep: [ {key: [ record ] } ].
        Some(b'[') if depth < 3 => {
            let items: Vec<&RawValue> = serde_json::from_str(raw.get()).map_err(invalid)?;
            for item in items {
                collect(file, item, key, depth + 1, lines, out)?;
            }
            Ok(())
        }
        Some(b'{') => {
            // Only an object that mentions the key can be a page of records.
            if let Some(key) = key.filter(|k| raw.get().contains(&format!("\"{k}\""))) {
                let page: HashMap<String, &RawValue> = serde_json::from_str(raw.get()).map_err(invalid)?;
                if let Some(inner) = page.get(key) {
                    return collect(file, inner, None, depth + 1, lines, out);
                }
            }
            let fields: Map<String, Value> = serde_json::from_str(raw.get()).map_err(invalid)?;
            out(Record { line, fields })
        }
        _ => Err(error(file, Some(line), None, "each record must be a JSON object")),
    }
}

/// Lines of positions in a text, visited in increasing order.
struct Lines<'a> {
    text: &'a str,
    offset: usize,
    line: u64,
}

impl Lines<'_> {
    fn at(&mut self, slice: &str) -> u64 {
        let at = (slice.as_ptr() as usize).saturating_sub(self.text.as_ptr() as usize).min(self.text.len());
        // Skip the whitespace before a value, so a record is placed at its `{`.
        let start = at + (slice.len() - slice.trim_start().len());
        let start = start.min(self.text.len());
        if start >= self.offset {
            self.line += self.text.as_bytes()[self.offset..start].iter().filter(|&&b| b == b'\n').count() as u64;
            self.offset = start;
        }
        self.line
    }
}

pub(crate) fn error(file: &str, line: Option<u64>, field: Option<&str>, message: impl Into<String>) -> ImportError {
    ImportError { file: file.to_owned(), line, field: field.map(str::to_owned), message: message.into() }
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

/// The value at a dotted path, as text: `None` when absent, null or empty. Numbers and
/// booleans read as their JSON text; objects and arrays are not text.
pub(crate) fn text<'a>(fields: &'a Map<String, Value>, path: &str) -> Option<std::borrow::Cow<'a, str>> {
    let mut parts = path.split('.');
    let mut value = fields.get(parts.next()?)?;
    for part in parts {
        value = value.as_object()?.get(part)?;
    }
    let text = match value {
        Value::String(s) => std::borrow::Cow::Borrowed(s.trim()),
        Value::Number(n) => std::borrow::Cow::Owned(n.to_string()),
        Value::Bool(b) => std::borrow::Cow::Owned(b.to_string()),
        _ => return None,
    };
    (!text.is_empty()).then_some(text)
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
        text(&self.record.fields, path).map(|t| t.into_owned())
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
    text(&record.fields, "id")
        .map(|t| t.into_owned())
        .ok_or_else(|| error(file, Some(record.line), Some("id"), format!("this {what} has no id")))
}

/// Reads each record once with its id, as [`each_record`]: a list read page by page can
/// repeat a record when new ones arrive in between, so an identical repeat is dropped and
/// a differing one refused. Only a hash of each record is kept to tell them apart.
pub(crate) fn each_unique(
    file: &str,
    bytes: &[u8],
    key: Option<&str>,
    what: &str,
    mut each: impl FnMut(String, &Record) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let mut seen: HashMap<String, (u64, u64)> = HashMap::new();
    each_record(file, bytes, key, |record| {
        let id = record_id(file, &record, what)?;
        let hash = {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            serde_json::to_string(&record.fields).unwrap_or_default().hash(&mut h);
            h.finish()
        };
        match seen.get(&id) {
            Some(&(_, first)) if first == hash => Ok(()),
            Some(&(line, _)) => Err(error(
                file,
                Some(record.line),
                Some("id"),
                format!("{what} {id} appears twice with different values (first on line {line})"),
            )),
            None => {
                seen.insert(id.clone(), (record.line, hash));
                each(id, &record)
            }
        }
    })
}

/// One change per deployed head commit: a commit deployed twice ships with the first
/// deployment that reached production with it.
pub(crate) fn head_commit_changes(mut heads: Vec<(Change, Timestamp)>) -> Vec<Change> {
    heads.sort_by(|a, b| (a.1, &a.0.deployment_id).cmp(&(b.1, &b.0.deployment_id)));
    let mut seen = BTreeSet::new();
    heads.into_iter().filter(|(c, _)| seen.insert(c.external_id.clone())).map(|(c, _)| c).collect()
}
