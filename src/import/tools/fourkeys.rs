//! Four Keys (github.com/dora-team/fourkeys): its `deployments`, `changes` and `incidents`
//! tables as exported rows, read together so that changes and incidents find the
//! deployment that lists them. Each table is read as a stream, deployments first; what
//! is held across them is, for each change a deployment lists, its first deployment.

use super::{check_unique, check_unique_row, error, note_person_fields};
use crate::domain::{Change, DeployKind, DeployStatus, Deployment, Incident, Timestamp, parse_timestamp};
use crate::import::api_json::{Record, SeenIds, each_record};
use crate::import::columns::{Column, Layout};
use crate::import::error::FieldError;
use crate::import::id_map::{Arena, IdMap};
use crate::import::pipeline::Event;
use crate::import::{Format, ImportError, Input, records};
use std::path::Path;

/// The three tables, mapped onto retro's events.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FourKeys {
    pub deployments: Vec<Deployment>,
    pub changes: Vec<Change>,
    pub incidents: Vec<Incident>,
    /// The file read for each of deployments, changes and incidents.
    pub files: [Option<String>; 3],
    pub person_fields: Vec<String>,
}

/// One table's file: its name as shown in errors, where it is read from, its format.
#[derive(Debug, Clone, Copy)]
pub struct TableFile<'a> {
    pub name: &'a str,
    pub input: Input<'a>,
    pub format: Format,
}

/// What reading the tables found besides their rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Tables {
    pub files: [Option<String>; 3],
    pub person_fields: Vec<String>,
}

/// The table files in `dir`: `deployments`, `changes` and `incidents`, each `.json`
/// (a JSON array, or JSON lines), `.jsonl`, `.ndjson` or `.csv`. At least one is needed.
pub fn table_files(dir: &Path) -> Result<[Option<(String, Format)>; 3], ImportError> {
    let shown = dir.display().to_string();
    if !dir.is_dir() {
        return Err(error(&shown, None, None, "is not a folder; give the folder holding the Four Keys table files"));
    }
    let mut found: [Option<(String, Format)>; 3] = [None, None, None];
    for (slot, table) in found.iter_mut().zip(TABLES) {
        for (ext, format) in
            [("json", Format::Json), ("jsonl", Format::Json), ("ndjson", Format::Json), ("csv", Format::Csv)]
        {
            let path = dir.join(format!("{table}.{ext}"));
            if path.is_file() {
                if let Some((first, _)) = slot {
                    return Err(error(
                        &path.display().to_string(),
                        None,
                        None,
                        format!("is a second file for the {table} table beside {first}; keep one"),
                    ));
                }
                *slot = Some((path.display().to_string(), format));
            }
        }
    }
    if found.iter().all(Option::is_none) {
        return Err(error(
            &shown,
            None,
            None,
            "holds none of deployments, changes or incidents (.json, .jsonl, .ndjson or .csv)",
        ));
    }
    Ok(found)
}

const TABLES: [&str; 3] = ["deployments", "changes", "incidents"];

/// A row of any of the tables, from JSON or CSV.
struct Row {
    id: String,
    created: Timestamp,
    resolved: Option<Timestamp>,
    changes: Vec<String>,
}

/// Reads the tables given and maps them, all held: for tests and small files.
/// `retro import` reads them as streams ([`read`]). The mapping:
/// - a deployment is a successful production deployment (Four Keys keeps only those);
/// - a change ships with the earliest deployment whose `changes` lists it;
/// - an incident is caused by the deployment that shipped its root-cause change (of
///   several, the latest one at or before the incident's start, else the earliest).
pub fn parse(
    deployments: Option<TableFile<'_>>,
    changes: Option<TableFile<'_>>,
    incidents: Option<TableFile<'_>>,
) -> Result<FourKeys, ImportError> {
    let mut out = FourKeys::default();
    let tables = read([deployments, changes, incidents], &mut |event| match event {
        Event::Deployment(d) => out.deployments.push(d),
        Event::Change(c) => out.changes.push(c),
        Event::Incident(i) => out.incidents.push(i),
    })?;
    out.files = tables.files;
    out.person_fields = tables.person_fields;
    Ok(out)
}

/// [`parse`] as streams: the deployments table, then changes, then incidents, each row
/// handed to `emit` as it is read.
pub(crate) fn read(files: [Option<TableFile<'_>>; 3], emit: &mut dyn FnMut(Event)) -> Result<Tables, ImportError> {
    let [deployments, changes, incidents] = files;
    let mut out = Tables::default();
    // Each change's first deployment, by its number in `deployment_ids`.
    let mut shipped: IdMap<(Timestamp, u32)> = IdMap::default();
    let mut deployment_ids = Arena::default();
    read_table(deployments, &DEPLOYMENTS, 0, &mut out, |d| {
        if !d.changes.is_empty() {
            let id = deployment_ids.push(&d.id);
            for change in &d.changes {
                let entry = shipped.get_or_insert_with(change, || (d.created, id));
                if d.created < entry.0 {
                    *entry = (d.created, id);
                }
            }
        }
        emit(Event::Deployment(Deployment {
            external_id: d.id,
            deployed_at: d.created,
            environment: "production".to_owned(),
            service: None,
            status: DeployStatus::Success,
            kind: DeployKind::Planned,
        }));
    })?;
    read_table(changes, &CHANGES, 1, &mut out, |c| {
        let deployment_id = shipped.get(&c.id).map(|&(_, d)| deployment_ids.get(d).to_owned());
        emit(Event::Change(Change { external_id: c.id, committed_at: c.created, deployment_id, service: None }));
    })?;
    read_table(incidents, &INCIDENTS, 2, &mut out, |i| {
        let mut causes: Vec<(Timestamp, &str)> =
            i.changes.iter().filter_map(|c| shipped.get(c)).map(|&(at, d)| (at, deployment_ids.get(d))).collect();
        causes.sort();
        let cause = causes.iter().rev().find(|(at, _)| *at <= i.created).or(causes.first());
        let deployment_id = cause.map(|(_, d)| (*d).to_owned());
        emit(Event::Incident(Incident {
            external_id: i.id,
            started_at: i.created,
            resolved_at: i.resolved,
            deployment_id,
            service: None,
        }));
    })?;
    Ok(out)
}

/// A table's columns: its id, `time_created`, then `time_resolved` and `changes` when it has them.
struct Table {
    layout: Layout,
    resolved: bool,
    changes: bool,
}

const DEPLOYMENTS: Table = Table {
    layout: Layout {
        json_key: "deployments",
        columns: &[
            Column::required("deploy_id", &[]),
            Column::required("time_created", &[]),
            Column::optional("time_resolved", &[]),
            Column::optional("changes", &[]),
        ],
    },
    resolved: false,
    changes: true,
};
const CHANGES: Table = Table {
    layout: Layout {
        json_key: "changes",
        columns: &[
            Column::required("change_id", &[]),
            Column::required("time_created", &[]),
            Column::optional("time_resolved", &[]),
            Column::optional("changes", &[]),
        ],
    },
    resolved: false,
    changes: false,
};
const INCIDENTS: Table = Table {
    layout: Layout {
        json_key: "incidents",
        columns: &[
            Column::required("incident_id", &[]),
            Column::required("time_created", &[]),
            Column::optional("time_resolved", &[]),
            Column::optional("changes", &[]),
        ],
    },
    resolved: true,
    changes: true,
};

fn read_table(
    table_file: Option<TableFile<'_>>,
    table: &Table,
    slot: usize,
    out: &mut Tables,
    mut each: impl FnMut(Row),
) -> Result<(), ImportError> {
    let Some(f) = table_file else { return Ok(()) };
    out.files[slot] = Some(f.name.to_owned());
    let cols = table.layout.columns;
    let (id_name, resolved_name) = (cols[0].name, cols[2].name);
    let mut seen = SeenIds::new();
    match f.format {
        Format::Json => {
            let key = Some(table.layout.json_key);
            each_record(f.name, f.input, key, |record| {
                note_person_fields(&record, &[], &mut out.person_fields);
                let row = json_row(f.name, &record, table, id_name, resolved_name)?;
                check_unique(&mut seen, f.name, f.input, key, &record, id_name, &row.id)?;
                each(row);
                Ok(())
            })?;
        }
        Format::Csv => {
            let binding = records::read(f.name, f.input, Format::Csv, &table.layout, |r| {
                let id = r.get(0).ok_or_else(|| FieldError::new(id_name, "a value is required"))?.to_owned();
                let time = |column: usize, name: &'static str| {
                    r.get(column).map(|t| four_keys_time(t).map_err(|m| FieldError::new(name, m))).transpose()
                };
                let created =
                    time(1, "time_created")?.ok_or_else(|| FieldError::new("time_created", "a value is required"))?;
                let resolved = if table.resolved { time(2, "time_resolved")? } else { None };
                let changes = if table.changes { r.get(3).map(list).unwrap_or_default() } else { Vec::new() };
                check_unique_row(&mut seen, f.input, &table.layout, 0, r.line(), id_name, &id)?;
                check_order(created, resolved).map_err(|m| FieldError::new("time_resolved", m))?;
                each(Row { id, created, resolved, changes });
                Ok(())
            })?;
            for name in binding.person_columns {
                if !out.person_fields.contains(&name) {
                    out.person_fields.push(name);
                }
            }
        }
    }
    Ok(())
}

fn json_row(file: &str, r: &Record, table: &Table, id_name: &str, resolved_name: &str) -> Result<Row, ImportError> {
    let id = r.text(id_name).ok_or_else(|| error(file, Some(r.line), Some(id_name), "a value is required"))?;
    let bad = |field: &str, m: String| error(file, Some(r.line), Some(field), format!("{id_name} {id}: {m}"));
    let time = |field: &str| r.text(field).map(|t| four_keys_time(&t).map_err(|m| bad(field, m))).transpose();
    let created = time("time_created")?.ok_or_else(|| bad("time_created", "a value is required".into()))?;
    let resolved = if table.resolved { time(resolved_name)? } else { None };
    let changes = match (table.changes, r.fields.get("changes")) {
        (false, _) | (true, None | Some(serde_json::Value::Null)) => Vec::new(),
        (true, Some(serde_json::Value::Array(items))) => items
            .iter()
            .map(|v| {
                v.as_str().map(|s| s.trim().to_owned()).ok_or_else(|| bad("changes", format!("{v} is not a change id")))
            })
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect(),
        (true, Some(serde_json::Value::String(s))) => list(s),
        (true, Some(other)) => return Err(bad("changes", format!("{other} is not a list of change ids"))),
    };
    check_order(created, resolved).map_err(|m| bad("time_resolved", m))?;
    Ok(Row { id, created, resolved, changes })
}

fn check_order(created: Timestamp, resolved: Option<Timestamp>) -> Result<(), String> {
    match resolved {
        Some(r) if r < created => Err("is before time_created".to_owned()),
        _ => Ok(()),
    }
}

/// A BigQuery TIMESTAMP as exported: retro's forms, `2025-01-31 14:05:00 UTC` (and with
/// fractions), or seconds since 1970 (`1.7383323E9`, as older `bq --format=json` prints).
fn four_keys_time(text: &str) -> Result<Timestamp, String> {
    let trimmed = text.trim();
    let without_zone = trimmed.strip_suffix(" UTC").unwrap_or(trimmed);
    if let Some(t) = parse_timestamp(without_zone) {
        return Ok(t);
    }
    match trimmed.parse::<f64>() {
        Ok(secs) if secs.is_finite() && secs.abs() < 1e11 => Ok(secs.round() as Timestamp),
        _ => Err(format!(
            "\"{text}\" is not a date; expected a BigQuery timestamp (2025-01-31 14:05:00 UTC), RFC 3339 or seconds since 1970"
        )),
    }
}

/// A list of change ids in a CSV cell: a JSON array (`["a1","b2"]`), or ids separated by
/// commas, semicolons or spaces.
fn list(text: &str) -> Vec<String> {
    if let Ok(items) = serde_json::from_str::<Vec<String>>(text) {
        return items.into_iter().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect();
    }
    text.split([',', ';', ' ', '\n', '\t', '[', ']', '"'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}
