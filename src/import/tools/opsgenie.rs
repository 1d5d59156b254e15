//! Opsgenie alerts: the Alert API's list responses (`{"data": [...]}`).

use super::{Allowed, Record, ToolIncidents, check_unique, each_json_record, error, note_person_fields, timestamp};
use crate::domain::Incident;
use crate::import::ImportError;
use serde_json::Value;
use std::collections::HashMap;

/// Default priorities that count as production failures: P1 and P2.
pub fn default_priorities() -> Allowed {
    Allowed::Only(vec!["P1".into(), "P2".into()])
}

/// Fields of an alert that name people: never read. `report` holds two more.
const PERSON_FIELDS: &[&str] = &["owner", "responders", "user", "actions"];
const REPORT_PERSON_FIELDS: &[&str] = &["acknowledgedBy", "closedBy"];

pub fn parse(file: &str, bytes: &[u8], priorities: &Allowed) -> Result<ToolIncidents, ImportError> {
    let mut out = ToolIncidents { rows: Vec::new(), person_fields: Vec::new(), left_out: 0 };
    let mut seen = HashMap::new();
    each_json_record(file, bytes, "data", |record| {
        note_person_fields(&record, PERSON_FIELDS, &mut out.person_fields);
        if let Some(report) = record.fields.get("report").and_then(Value::as_object) {
            for key in REPORT_PERSON_FIELDS.iter().filter(|k| report.contains_key(**k)) {
                let name = format!("report.{key}");
                if !out.person_fields.contains(&name) {
                    out.person_fields.push(name);
                }
            }
        }
        let incident = alert(file, &record)?;
        check_unique(&mut seen, file, record.line, "id", &incident.external_id)?;
        if priorities.admits(record.text("priority").as_deref()) {
            out.rows.push(incident);
        } else {
            out.left_out += 1;
        }
        Ok(())
    })?;
    Ok(out)
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
