//! Importers for the formats other tools export (PagerDuty, Opsgenie, Four Keys): each
//! parses into domain values and hands them to the store's one-transaction loaders.

pub mod fourkeys;
pub mod opsgenie;
pub mod pagerduty;

use super::api_json::{Record, SeenIds, each_record};
use super::columns::{Layout, identifies_a_person, normalise};
use super::pipeline::{Event, pipelined};
use super::records::{self, Input};
use super::{Format, ImportError, ImportKind, ImportSummary, LoadError};
use crate::domain::{Incident, Team};
use crate::domain::{Timestamp, parse_timestamp};
use crate::store::{LoadFailure, LoadReport, Store};

pub(crate) use super::api_json::{check_unique, error};

/// The names of a record's fields that are about people, added once each to `seen`:
/// those in `known` (a tool's own names; `report.closedBy` names one inside an object)
/// and any a CSV header would drop.
pub(crate) fn note_person_fields(record: &Record, known: &[&str], seen: &mut Vec<String>) {
    let mut note = |name: &str| {
        if !seen.iter().any(|s| s == name) {
            seen.push(name.to_owned());
        }
    };
    for key in record.fields.keys() {
        if known.contains(&key.as_str()) || identifies_a_person(&normalise(key)) {
            note(key);
        }
    }
    for path in known.iter().filter(|k| k.contains('.')) {
        let (outer, inner) = path.split_once('.').expect("a dotted name");
        if record.fields.get(outer).and_then(|v| v.as_object()).is_some_and(|o| o.contains_key(inner)) {
            note(path);
        }
    }
}

/// The line of the first CSV row of `input` whose `column` is `id`, among the rows
/// before line `before`: the confirmation [`SeenIds`] asks for.
pub(crate) fn first_csv_line_with(
    input: Input<'_>,
    layout: &Layout,
    column: usize,
    id: &str,
    before: u64,
) -> Option<u64> {
    let mut found = None;
    // Every row before `before` was read without error once already; an error here is
    // how the search stops.
    let stop = || super::error::FieldError::new("id", String::new());
    let _ = records::read("", input, Format::Csv, layout, |row| {
        if row.line() >= before {
            return Err(stop());
        }
        if row.get(column) == Some(id) {
            found = Some(row.line());
            return Err(stop());
        }
        Ok(())
    });
    found
}

/// Refuses a CSV row whose id (known column `column`) an earlier row of the same file
/// has, naming the line it was first on.
pub(crate) fn check_unique_row(
    seen: &mut SeenIds,
    input: Input<'_>,
    layout: &Layout,
    column: usize,
    line: u64,
    field: &'static str,
    id: &str,
) -> Result<(), super::error::FieldError> {
    if seen.maybe_seen(id)
        && let Some(first) = first_csv_line_with(input, layout, column, id, line)
    {
        return Err(super::error::FieldError::new(
            field,
            format!("\"{id}\" appears more than once in this file (first on line {first})"),
        ));
    }
    Ok(())
}

/// How a tool's API export holds its incidents: the page key, the fields about people,
/// and how one record becomes an incident.
pub(crate) struct IncidentShape {
    pub key: &'static str,
    pub person_fields: &'static [&'static str],
    pub incident: fn(&str, &Record) -> Result<Incident, ImportError>,
}

/// What reading a tool's incidents found besides the incidents.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Found {
    pub person_fields: Vec<String>,
    pub left_out: usize,
}

/// Reads the incidents of an API export as a stream, handing those `admits` lets
/// through to `each`: one record is held at a time, and a keyed hash of each id.
pub(crate) fn read_incidents(
    file: &str,
    input: Input<'_>,
    shape: &IncidentShape,
    admits: impl Fn(&Record) -> bool,
    each: &mut dyn FnMut(Incident),
) -> Result<Found, ImportError> {
    let mut found = Found::default();
    let mut seen = SeenIds::new();
    each_record(file, input, Some(shape.key), |record| {
        note_person_fields(&record, shape.person_fields, &mut found.person_fields);
        let incident = (shape.incident)(file, &record)?;
        check_unique(&mut seen, file, input, Some(shape.key), &record, "id", &incident.external_id)?;
        if admits(&record) {
            each(incident);
        } else {
            found.left_out += 1;
        }
        Ok(())
    })?;
    Ok(found)
}

/// Collects what a reader of incidents reads.
pub(crate) fn collect_incidents(
    read: impl FnOnce(&mut dyn FnMut(Incident)) -> Result<Found, ImportError>,
) -> Result<ToolIncidents, ImportError> {
    let mut rows = Vec::new();
    let found = read(&mut |i| rows.push(i))?;
    Ok(ToolIncidents { rows, person_fields: found.person_fields, left_out: found.left_out })
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
    let ToolIncidents { rows, person_fields, left_out } = read;
    import_incidents(store, team, tool, by_time, move |each| {
        rows.into_iter().for_each(each);
        Ok(Found { person_fields, left_out })
    })
}

/// Loads the incidents `read` hands on as it reads them, in one transaction.
pub(crate) fn import_incidents(
    store: &mut Store,
    team: &Team,
    tool: IncidentTool,
    by_time: bool,
    read: impl FnOnce(&mut dyn FnMut(Incident)) -> Result<Found, ImportError> + Send,
) -> Result<ToolSummary, LoadError> {
    let read = |emit: &mut dyn FnMut(Event)| {
        let mut rows = 0;
        let found = read(&mut |i| {
            rows += 1;
            emit(Event::Incident(i));
        })?;
        Ok((rows, found))
    };
    let ((report, links), (rows, found)) =
        pipelined(read, |s| store.load_incidents_linking(team, s.incidents(), tool.source(), by_time))
            .map_err(load_error)?;
    let mut s = summary(ImportKind::Incidents, rows, report, found.person_fields);
    s.time_links = by_time.then_some(links);
    Ok(ToolSummary { loaded: vec![s], left_out: found.left_out })
}

fn load_error(e: LoadFailure<ImportError>) -> LoadError {
    match e {
        LoadFailure::Store(e) => LoadError::Store(e),
        LoadFailure::Source(e) => LoadError::Invalid(e),
    }
}

/// Loads Four Keys' tables in one transaction.
pub fn load_four_keys(
    store: &mut Store,
    team: &Team,
    read: fourkeys::FourKeys,
    by_time: bool,
) -> Result<ToolSummary, LoadError> {
    let fourkeys::FourKeys { deployments, changes, incidents, files, person_fields } = read;
    import_four_keys_with(store, team, by_time, move |emit| {
        deployments.into_iter().for_each(|d| emit(Event::Deployment(d)));
        changes.into_iter().for_each(|c| emit(Event::Change(c)));
        incidents.into_iter().for_each(|i| emit(Event::Incident(i)));
        Ok(fourkeys::Tables { files, person_fields })
    })
}

/// Reads Four Keys' table files as streams and loads them while they are read, in one
/// transaction. Summaries come for the tables given.
pub fn import_four_keys(
    store: &mut Store,
    team: &Team,
    tables: [Option<fourkeys::TableFile<'_>>; 3],
    by_time: bool,
) -> Result<ToolSummary, LoadError> {
    let mut summary = import_four_keys_with(store, team, by_time, |emit| fourkeys::read(tables, emit))?;
    let mut given = tables.iter().map(Option::is_some);
    summary.loaded.retain(|_| given.next().unwrap_or(false));
    Ok(summary)
}

fn import_four_keys_with(
    store: &mut Store,
    team: &Team,
    by_time: bool,
    read: impl FnOnce(&mut dyn FnMut(Event)) -> Result<fourkeys::Tables, ImportError> + Send,
) -> Result<ToolSummary, LoadError> {
    let read = |emit: &mut dyn FnMut(Event)| {
        let mut counts = [0; 3];
        let tables = read(&mut |event| {
            counts[match event {
                Event::Deployment(_) => 0,
                Event::Change(_) => 1,
                Event::Incident(_) => 2,
            }] += 1;
            emit(event);
        })?;
        Ok((counts, tables))
    };
    let (([d, c, i], links), (counts, tables)) = pipelined(read, |s| {
        // Four Keys' deployments table has no kind.
        let kinds = crate::store::KINDS_UNKNOWN;
        store.load_events_from(team, s.deployments(), s.changes(), s.incidents(), "fourkeys", kinds, by_time)
    })
    .map_err(load_error)?;
    let mut loaded = vec![
        summary(ImportKind::Deployments, counts[0], d, tables.person_fields),
        summary(ImportKind::Changes, counts[1], c, Vec::new()),
        summary(ImportKind::Incidents, counts[2], i, Vec::new()),
    ];
    loaded[2].time_links = by_time.then_some(links);
    Ok(ToolSummary { loaded, left_out: 0 })
}
