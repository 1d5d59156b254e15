//! Opsgenie alerts: the Alert API's list responses (`{"data": [...]}`).

use super::{Allowed, Found, IncidentShape, ToolIncidents, collect_incidents, error, read_incidents, timestamp};
use crate::domain::Incident;
use crate::import::api_json::Record;
use crate::import::{ImportError, Input};
use serde_json::Value;

/// Default priorities that count as production failures: P1 and P2.
pub fn default_priorities() -> Allowed {
    Allowed::Only(vec!["P1".into(), "P2".into()])
}

/// Fields of an alert that name people: never read. `report` holds two more.
const PERSON_FIELDS: &[&str] = &["owner", "responders", "user", "actions", "report.acknowledgedBy", "report.closedBy"];

/// How the Alert API's pages hold alerts.
const API: IncidentShape = IncidentShape { key: "data", person_fields: PERSON_FIELDS, incident: alert };

/// Reads alerts, all held: for tests and small files. `retro import` reads them as a
/// stream ([`read`]).
pub fn parse(file: &str, bytes: &[u8], priorities: &Allowed) -> Result<ToolIncidents, ImportError> {
    collect_incidents(|each| read(file, Input::Bytes(bytes), priorities, each))
}

/// Reads alerts as a stream, handing those of `priorities` to `each`.
pub(crate) fn read(
    file: &str,
    input: Input<'_>,
    priorities: &Allowed,
    each: &mut dyn FnMut(Incident),
) -> Result<Found, ImportError> {
    read_incidents(file, input, &API, |r| priorities.admits(r.text("priority").as_deref()), each)
}

/// One alert. A closed alert was resolved `report.closeTime` milliseconds after it was
/// created; without a report, at `updatedAt` (the last change, which closing is).
fn alert(file: &str, r: &Record) -> Result<Incident, ImportError> {
    let Some(id) = r.text("id") else {
        return Err(error(file, Some(r.line), Some("id"), "a value is required"));
    };
    let bad = |field: &str, message: String| error(file, Some(r.line), Some(field), format!("alert {id}: {message}"));
    let when = |field: &str| -> Result<Option<i64>, ImportError> {
        r.text(field).map(|t| timestamp(&t).map_err(|m| bad(field, m))).transpose()
    };
    let started_at = when("createdAt")?.ok_or_else(|| bad("createdAt", "a value is required".into()))?;
    let closed = r.text("status").is_some_and(|s| s.eq_ignore_ascii_case("closed"));
    let resolved_at = if closed {
        let close_ms = r.fields.get("report").and_then(|report| report.get("closeTime"));
        match close_ms {
            Some(Value::Number(ms)) => {
                let ms = ms
                    .as_f64()
                    .filter(|ms| *ms >= 0.0 && ms.is_finite())
                    .ok_or_else(|| bad("report.closeTime", format!("{ms} is not a duration in milliseconds")))?;
                Some(started_at + (ms / 1000.0).round() as i64)
            }
            Some(Value::Null) | None => Some(
                when("updatedAt")?
                    .ok_or_else(|| bad("updatedAt", "a closed alert needs report.closeTime or updatedAt".into()))?,
            ),
            Some(other) => return Err(bad("report.closeTime", format!("{other} is not a number of milliseconds"))),
        }
    } else {
        None
    };
    if resolved_at.is_some_and(|end| end < started_at) {
        return Err(bad("updatedAt", "is before createdAt".into()));
    }
    Ok(Incident { external_id: id.clone(), started_at, resolved_at, deployment_id: None, service: service(r) })
}

/// The service an alert hit: its tag `service:NAME` (or `service=NAME`), if it has one.
fn service(r: &Record) -> Option<String> {
    let tags = r.fields.get("tags")?.as_array()?;
    tags.iter().filter_map(Value::as_str).find_map(|tag| {
        let (key, value) = tag.split_once([':', '='])?;
        let value = value.trim();
        (key.trim().eq_ignore_ascii_case("service") && !value.is_empty()).then(|| value.to_owned())
    })
}
