//! PagerDuty incidents: the REST API's `GET /incidents` pages, or the web CSV export.

use super::{
    Allowed, Found, IncidentShape, ToolIncidents, check_unique_row, collect_incidents, error, read_incidents, timestamp,
};
use crate::domain::Incident;
use crate::import::api_json::{Record, SeenIds};
use crate::import::columns::{Column, Layout};
use crate::import::error::FieldError;
use crate::import::fields::{optional, optional_timestamp, required, required_timestamp};
use crate::import::{Format, ImportError, Input, records};

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

/// How the API's pages hold incidents.
const API: IncidentShape = IncidentShape { key: "incidents", person_fields: PERSON_FIELDS, incident };

/// Reads incidents from the API's JSON or the web CSV export, all held: for tests and
/// small files. `retro import` reads them as a stream ([`read`]).
pub fn parse(file: &str, bytes: &[u8], format: Format, filter: &PagerDutyFilter) -> Result<ToolIncidents, ImportError> {
    collect_incidents(|each| read(file, Input::Bytes(bytes), format, filter, each))
}

/// Reads incidents as a stream, handing those `filter` lets through to `each`.
pub(crate) fn read(
    file: &str,
    input: Input<'_>,
    format: Format,
    filter: &PagerDutyFilter,
    each: &mut dyn FnMut(Incident),
) -> Result<Found, ImportError> {
    match format {
        Format::Json => read_incidents(
            file,
            input,
            &API,
            |r| filter.admits(r.text("urgency").as_deref(), r.text("priority.summary").as_deref()),
            each,
        ),
        Format::Csv => read_csv(file, input, filter, each),
    }
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
        service: r.text("service.summary"),
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

fn read_csv(
    file: &str,
    input: Input<'_>,
    filter: &PagerDutyFilter,
    each: &mut dyn FnMut(Incident),
) -> Result<Found, ImportError> {
    let mut left_out = 0;
    let mut seen = SeenIds::new();
    let binding = records::read(file, input, Format::Csv, &CSV, |row| {
        let id = required(row, 0, "id")?.to_owned();
        let started_at = required_timestamp(row, 1, "created_on")?;
        let resolved_at = optional_timestamp(row, 2, "resolved_on")?;
        if resolved_at.is_some_and(|r| r < started_at) {
            return Err(FieldError::new("resolved_on", format!("incident {id}: is before created_on")));
        }
        check_unique_row(&mut seen, input, &CSV, 0, row.line(), "id", &id)?;
        if !filter.admits(row.get(3), row.get(4)) {
            left_out += 1;
            return Ok(());
        }
        each(Incident { external_id: id, started_at, resolved_at, deployment_id: None, service: optional(row, 5) });
        Ok(())
    })?;
    Ok(Found { person_fields: binding.person_columns, left_out })
}
