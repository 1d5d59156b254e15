//! Importers for the formats other tools export (PagerDuty, Opsgenie, Four Keys): each
//! parses into domain values and hands them to the store's one-transaction loaders.

pub mod fourkeys;
pub mod opsgenie;
pub mod pagerduty;

use super::columns::{identifies_a_person, normalise};
use super::{ImportError, ImportKind, ImportSummary, LoadError};
use crate::domain::Team;
use crate::domain::{Timestamp, parse_timestamp};
use crate::store::{LoadFailure, LoadReport, Store};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::convert::Infallible;

/// One object of an API export, with the line its `{` is on.
pub(crate) struct Record {
    pub line: u64,
    pub fields: Map<String, Value>,
}

impl Record {
    /// A scalar field as trimmed text; `None` when absent, null or empty.
    pub fn text(&self, key: &str) -> Option<String> {
        scalar(self.fields.get(key)?)
    }

    /// A scalar field of a nested object, such as PagerDuty's `service.summary`.
    pub fn nested(&self, key: &str, inner: &str) -> Option<String> {
        scalar(self.fields.get(key)?.as_object()?.get(inner)?)
    }
}

fn scalar(value: &Value) -> Option<String> {
    let text = match value {
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return None,
    };
    (!text.is_empty()).then_some(text)
}

pub(crate) fn error(file: &str, line: Option<u64>, field: Option<&str>, message: impl Into<String>) -> ImportError {
    ImportError { file: file.to_owned(), line, field: field.map(str::to_owned), message: message.into() }
}

/// Hands `each` the objects of an API export one at a time (only one is held parsed):
/// one JSON value, or several one after another (pages appended by a loop of `curl >>`,
/// or JSON lines). A value is a page object holding the records in its `key` array, an
/// array of records or pages, or a record itself.
pub(crate) fn each_json_record(
    file: &str,
    bytes: &[u8],
    key: &str,
    mut each: impl FnMut(Record) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let text = std::str::from_utf8(bytes).map_err(|_| error(file, None, None, "is not valid UTF-8 text"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let base = text.as_ptr() as usize;
    // Records come in the order of the text, so lines are counted on from the last one.
    let mut seen = (0usize, 1u64);
    let mut line_of = |raw: &RawValue| {
        let at = raw.get().as_ptr() as usize - base;
        let (from, line) = if at >= seen.0 { seen } else { (0, 1) };
        let line = line + text.as_bytes()[from..at].iter().filter(|&&b| b == b'\n').count() as u64;
        seen = (at, line);
        line
    };
    let json_error = |e: serde_json::Error| error(file, Some(e.line() as u64), None, format!("is not valid JSON: {e}"));
    let mut pending: Vec<&RawValue> = Vec::new();
    for value in serde_json::Deserializer::from_str(text).into_iter::<&RawValue>() {
        pending.push(value.map_err(json_error)?);
        while let Some(raw) = pending.pop() {
            match raw.get().as_bytes().first() {
                Some(b'[') => {
                    let items: Vec<&RawValue> = serde_json::from_str(raw.get()).map_err(json_error)?;
                    pending.extend(items.into_iter().rev());
                }
                Some(b'{') => {
                    let page: HashMap<String, &RawValue> = serde_json::from_str(raw.get()).map_err(json_error)?;
                    match page.get(key) {
                        Some(inner) if inner.get().starts_with('[') => pending.push(inner),
                        Some(_) => {
                            return Err(error(file, Some(line_of(raw)), Some(key), "must be a JSON array of objects"));
                        }
                        None => {
                            let fields = serde_json::from_str(raw.get()).map_err(json_error)?;
                            each(Record { line: line_of(raw), fields })?;
                        }
                    }
                }
                _ => {
                    return Err(error(
                        file,
                        Some(line_of(raw)),
                        None,
                        format!("expected JSON objects, or an object with a \"{key}\" array"),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The names of a record's fields that are about people, added once each to `seen`:
/// those in `known` (a tool's own names) and any a CSV header would drop.
pub(crate) fn note_person_fields(record: &Record, known: &[&str], seen: &mut Vec<String>) {
    for key in record.fields.keys() {
        if (known.contains(&key.as_str()) || identifies_a_person(&normalise(key))) && !seen.contains(key) {
            seen.push(key.clone());
        }
    }
}

/// Refuses an id seen before in the same file, naming the line it was first on.
pub(crate) fn check_unique(
    seen: &mut HashMap<String, u64>,
    file: &str,
    line: u64,
    field: &str,
    id: &str,
) -> Result<(), ImportError> {
    if let Some(first) = seen.insert(id.to_owned(), line) {
        return Err(error(
            file,
            Some(line),
            Some(field),
            format!("\"{id}\" appears more than once in this file (first on line {first})"),
        ));
    }
    Ok(())
}

/// A timestamp in one of retro's forms, with the message users see.
pub(crate) fn timestamp(text: &str) -> Result<Timestamp, String> {
    parse_timestamp(text).ok_or_else(|| {
        format!("\"{text}\" is not a date; expected RFC 3339 (2025-01-31T14:05:00Z) or YYYY-MM-DD HH:MM:SS (UTC)")
    })
}

/// Which values of a field (an urgency, a priority) count as a production failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Allowed {
    Any,
    /// Compared ignoring case.
    Only(Vec<String>),
}

impl Allowed {
    /// From `--urgency high,low`; `any` (or nothing given) lets every value through.
    pub fn parse(values: &[String], default: Allowed) -> Allowed {
        let values: Vec<String> = values.iter().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()).collect();
        if values.is_empty() {
            default
        } else if values.iter().any(|v| v.eq_ignore_ascii_case("any")) {
            Allowed::Any
        } else {
            Allowed::Only(values)
        }
    }

    /// Whether a record with this value (or none) counts.
    pub fn admits(&self, value: Option<&str>) -> bool {
        match self {
            Allowed::Any => true,
            Allowed::Only(list) => value.is_some_and(|v| list.iter().any(|a| a.eq_ignore_ascii_case(v))),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Allowed::Any => "any".to_owned(),
            Allowed::Only(list) => list.join(","),
        }
    }
}

/// Incidents read from a tool's export, before loading.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolIncidents {
    pub rows: Vec<crate::domain::Incident>,
    /// Fields (or CSV columns) about people that were present and never read.
    pub person_fields: Vec<String>,
    /// Records the urgency or priority filter left out: not production failures.
    pub left_out: usize,
}

/// The tools whose incidents retro reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncidentTool {
    PagerDuty,
    Opsgenie,
}

impl IncidentTool {
    /// The source stored with each row.
    pub fn source(self) -> &'static str {
        match self {
            Self::PagerDuty => "pagerduty",
            Self::Opsgenie => "opsgenie",
        }
    }
}

/// What an import from a tool did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolSummary {
    /// One summary per table loaded, in the order deployments, changes, incidents.
    pub loaded: Vec<ImportSummary>,
    /// Records the urgency or priority filter left out.
    pub left_out: usize,
}

fn summary(kind: ImportKind, rows: usize, report: LoadReport, person_fields: Vec<String>) -> ImportSummary {
    ImportSummary {
        kind,
        rows,
        report,
        person_columns: person_fields,
        unused_columns: Vec::new(),
        absent_columns: Vec::new(),
        other_environments: Default::default(),
        time_links: None,
    }
}

/// Loads incidents read from a tool in one transaction; nothing is written unless the
/// whole file is valid. With `by_time`, incidents are linked as `--link-incidents by-time` says.
pub fn load_incidents(
    store: &mut Store,
    team: &Team,
    tool: IncidentTool,
    read: ToolIncidents,
    by_time: bool,
) -> Result<ToolSummary, LoadError> {
    let (report, links) = store
        .load_incidents_linking(team, read.rows.iter().map(Ok::<_, Infallible>), tool.source(), by_time)
        .map_err(|e| match e {
            LoadFailure::Store(e) => LoadError::Store(e),
            LoadFailure::Source(never) => match never {},
        })?;
    let mut s = summary(ImportKind::Incidents, read.rows.len(), report, read.person_fields);
    s.time_links = by_time.then_some(links);
    Ok(ToolSummary { loaded: vec![s], left_out: read.left_out })
}

/// Loads Four Keys' tables in one transaction.
pub fn load_four_keys(
    store: &mut Store,
    team: &Team,
    read: fourkeys::FourKeys,
    by_time: bool,
) -> Result<ToolSummary, LoadError> {
    let ([d, c, i], links) = store
        .load_events_from(
            team,
            read.deployments.iter().map(Ok::<_, Infallible>),
            read.changes.iter().map(Ok::<_, Infallible>),
            read.incidents.iter().map(Ok::<_, Infallible>),
            "fourkeys",
            by_time,
        )
        .map_err(|e| match e {
            LoadFailure::Store(e) => LoadError::Store(e),
            LoadFailure::Source(never) => match never {},
        })?;
    let mut loaded = vec![
        summary(ImportKind::Deployments, read.deployments.len(), d, read.person_fields),
        summary(ImportKind::Changes, read.changes.len(), c, Vec::new()),
        summary(ImportKind::Incidents, read.incidents.len(), i, Vec::new()),
    ];
    loaded[2].time_links = by_time.then_some(links);
    Ok(ToolSummary { loaded, left_out: 0 })
}
