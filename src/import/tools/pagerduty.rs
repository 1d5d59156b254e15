//! PagerDuty incidents: the REST API's `GET /incidents` pages, or the web CSV export.

use super::{Allowed, Record, ToolIncidents, check_unique, each_json_record, error, note_person_fields, timestamp};
use crate::domain::Incident;
use crate::import::columns::{Column, Layout};
use crate::import::error::FieldError;
use crate::import::fields::{optional, optional_timestamp, required, required_timestamp};
use crate::import::{Format, ImportError, records};
use std::collections::HashMap;

/// Which incidents count as production failures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PagerDutyFilter {
    /// Default: `high`.
    pub urgencies: Allowed,
    /// Default: any priority, and incidents without one.
    pub priorities: Allowed,
}

impl Default for PagerDutyFilter {
    fn default() -> Self {
        PagerDutyFilter { urgencies: Allowed::Only(vec!["high".into()]), priorities: Allowed::Any }
    }
}

impl PagerDutyFilter {
    fn admits(&self, urgency: Option<&str>, priority: Option<&str>) -> bool {
        self.urgencies.admits(urgency) && self.priorities.admits(priority)
    }
}

/// Fields of an API incident that name or point at people: never read.
const PERSON_FIELDS: &[&str] = &[
    "assignments",
    "assigned_via",
    "acknowledgements",
    "last_status_change_by",
    "incidents_responders",
    "responder_requests",
];

pub fn parse(file: &str, bytes: &[u8], format: Format, filter: &PagerDutyFilter) -> Result<ToolIncidents, ImportError> {
    match format {
        Format::Json => parse_json(file, bytes, filter),
        Format::Csv => parse_csv(file, bytes, filter),
    }
}

fn parse_json(file: &str, bytes: &[u8], filter: &PagerDutyFilter) -> Result<ToolIncidents, ImportError> {
    let mut out = ToolIncidents { rows: Vec::new(), person_fields: Vec::new(), left_out: 0 };
    let mut seen = HashMap::new();
    each_json_record(file, bytes, "incidents", |record| {
        note_person_fields(&record, PERSON_FIELDS, &mut out.person_fields);
        let incident = incident(file, &record)?;
        check_unique(&mut seen, file, record.line, "id", &incident.external_id)?;
        let urgency = record.text("urgency");
        let priority = record.nested("priority", "summary");
        if filter.admits(urgency.as_deref(), priority.as_deref()) {
            out.rows.push(incident);
        } else {
            out.left_out += 1;
        }
        Ok(())
    })?;
    Ok(out)
}

/// One API incident. `resolved_at` when the API gives it; for a resolved incident
/// without it (older API versions), `last_status_change_at`, the moment it was resolved.
fn incident(file: &str, r: &Record) -> Result<Incident, ImportError> {
    let Some(id) = r.text("id") else {
        return Err(error(file, Some(r.line), Some("id"), "a value is required"));
    };
    let bad =
        |field: &str, message: String| error(file, Some(r.line), Some(field), format!("incident {id}: {message}"));
    let when = |field: &str| -> Result<Option<i64>, ImportError> {
        r.text(field).map(|t| timestamp(&t).map_err(|m| bad(field, m))).transpose()
    };
    let started_at = when("created_at")?.ok_or_else(|| bad("created_at", "a value is required".into()))?;
    let status = r.text("status");
    let resolved = status.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("resolved"));
    let resolved_at = if resolved {
        match when("resolved_at")? {
            Some(t) => Some(t),
            None => Some(when("last_status_change_at")?.ok_or_else(|| {
                bad("resolved_at", "a resolved incident needs resolved_at or last_status_change_at".into())
            })?),
        }
    } else {
        None
    };
    if resolved_at.is_some_and(|end| end < started_at) {
        return Err(bad("resolved_at", "is before created_at".into()));
    }
    Ok(Incident {
        external_id: id.clone(),
        started_at,
        resolved_at,
        deployment_id: None,
        service: r.nested("service", "summary"),
    })
}

/// The columns of the web app's CSV export, matched like every CSV header.
const CSV: Layout = Layout {
    json_key: "incidents",
    columns: &[
        Column::required("id", &["incident_id"]),
        Column::required("created_on", &["created_at", "created", "triggered_on"]),
        Column::optional("resolved_on", &["resolved_at", "resolved"]),
        Column::optional("urgency", &[]),
        Column::optional("priority", &["priority_name", "priority_summary"]),
        Column::optional("service_name", &["service", "service_summary"]),
    ],
};

/// The CSV export's columns, for `--map` when an export names them otherwise.
pub fn csv_layout() -> &'static Layout {
    &CSV
}

fn parse_csv(file: &str, bytes: &[u8], filter: &PagerDutyFilter) -> Result<ToolIncidents, ImportError> {
    let mut rows = Vec::new();
    let mut left_out = 0;
    let mut seen: HashMap<String, u64> = HashMap::new();
    let binding = records::read(file, bytes.into(), Format::Csv, &CSV, |row| {
        let id = required(row, 0, "id")?.to_owned();
        let started_at = required_timestamp(row, 1, "created_on")?;
        let resolved_at = optional_timestamp(row, 2, "resolved_on")?;
        if resolved_at.is_some_and(|r| r < started_at) {
            return Err(FieldError::new("resolved_on", format!("incident {id}: is before created_on")));
        }
        if let Some(first) = seen.insert(id.clone(), row.line()) {
            return Err(FieldError::new(
                "id",
                format!("\"{id}\" appears more than once in this file (first on line {first})"),
            ));
        }
        if !filter.admits(row.get(3), row.get(4)) {
            left_out += 1;
            return Ok(());
        }
        rows.push(Incident {
            external_id: id,
            started_at,
            resolved_at,
            deployment_id: None,
            service: optional(row, 5),
        });
        Ok(())
    })?;
    Ok(ToolIncidents { rows, person_fields: binding.person_columns, left_out })
}
