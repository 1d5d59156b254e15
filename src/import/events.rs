//! Deployments, changes and incidents: the raw events the DORA metrics come from.

use super::columns::Binding;
use super::columns::{Column, Layout};
use super::error::FieldError;
use super::fields::{one_of, optional, optional_timestamp, required, required_timestamp};
use super::{Format, ImportError, Input, Parsed, collect_rows, each_row};
use crate::domain::{Change, DeployKind, DeployStatus, Deployment, Incident};
use std::sync::OnceLock;

pub(super) const DEPLOYMENTS: Layout = Layout {
    json_key: "deployments",
    columns: &[
        Column::required("id", &["deployment_id", "external_id"]),
        Column::required("deployed_at", &["deployed", "deploy_time", "deployment_time"]),
        Column::optional("environment", &["env"]),
        Column::optional("service", &["app", "application", "component"]),
        Column::optional("status", &["result", "outcome"]),
        Column::optional("kind", &["type", "deployment_type"]),
    ],
};

/// Reads deployments. `environment` defaults to production, `status` to success and
/// `kind` to planned.
pub fn parse_deployments(file: &str, bytes: &[u8], format: Format) -> Result<Parsed<Deployment>, ImportError> {
    collect_rows(|sink| each_deployment(file, bytes.into(), format, &OnceLock::new(), sink))
}

/// [`parse_deployments`], handing each row to `sink` as it is read. `kind_column` says
/// whether the file has the `kind` column: before the first row reaches `sink`, and
/// for a file without rows once it is read.
pub(crate) fn each_deployment(
    file: &str,
    input: Input<'_>,
    format: Format,
    kind_column: &OnceLock<bool>,
    sink: impl FnMut(Deployment),
) -> Result<Binding, ImportError> {
    let statuses = DeployStatus::ALL.map(DeployStatus::as_str);
    let kinds = DeployKind::ALL.map(DeployKind::as_str);
    let binding = each_row(
        file,
        input,
        format,
        &DEPLOYMENTS,
        |row| {
            let _ = kind_column.set(row.has(5));
            Ok(Deployment {
                external_id: required(row, 0, "id")?.to_owned(),
                deployed_at: required_timestamp(row, 1, "deployed_at")?,
                environment: row.get(2).unwrap_or("production").to_owned(),
                service: optional(row, 3),
                status: one_of(row, 4, "status", &statuses, DeployStatus::Success)?,
                kind: one_of(row, 5, "kind", &kinds, DeployKind::Planned)?,
            })
        },
        |d| &d.external_id,
        sink,
    )?;
    let _ = kind_column.set(binding.positions[5].is_some());
    Ok(binding)
}

pub(super) const CHANGES: Layout = Layout {
    json_key: "changes",
    columns: &[
        Column::required("id", &["change_id", "external_id", "sha", "commit", "commit_sha", "commit_id"]),
        Column::required("committed_at", &["commit_time", "committed", "commit_date"]),
        Column::optional("deployment_id", &["deployment", "deploy_id"]),
        Column::optional("service", &["app", "application", "component"]),
    ],
};

/// Reads changes. Without `deployment_id`, a change ships with the first production
/// deployment at or after its commit (of its service, when it names one).
pub fn parse_changes(file: &str, bytes: &[u8], format: Format) -> Result<Parsed<Change>, ImportError> {
    collect_rows(|sink| each_change(file, bytes.into(), format, sink))
}

/// [`parse_changes`], handing each row to `sink` as it is read.
pub(crate) fn each_change(
    file: &str,
    input: Input<'_>,
    format: Format,
    sink: impl FnMut(Change),
) -> Result<Binding, ImportError> {
    each_row(
        file,
        input,
        format,
        &CHANGES,
        |row| {
            Ok(Change {
                external_id: required(row, 0, "id")?.to_owned(),
                committed_at: required_timestamp(row, 1, "committed_at")?,
                deployment_id: optional(row, 2),
                service: optional(row, 3),
            })
        },
        |c| &c.external_id,
        sink,
    )
}

pub(super) const INCIDENTS: Layout = Layout {
    json_key: "incidents",
    columns: &[
        Column::required("id", &["incident_id", "external_id"]),
        Column::required("started_at", &["opened_at", "created_at", "start", "started"]),
        Column::optional("resolved_at", &["restored_at", "closed_at", "ended_at", "resolved"]),
        Column::optional("deployment_id", &["caused_by_deployment", "cause_deployment_id", "deployment"]),
        Column::optional("service", &["app", "application", "component"]),
    ],
};

/// Reads incidents. An incident without `resolved_at` is open.
pub fn parse_incidents(file: &str, bytes: &[u8], format: Format) -> Result<Parsed<Incident>, ImportError> {
    collect_rows(|sink| each_incident(file, bytes.into(), format, sink))
}

/// [`parse_incidents`], handing each row to `sink` as it is read.
pub(crate) fn each_incident(
    file: &str,
    input: Input<'_>,
    format: Format,
    sink: impl FnMut(Incident),
) -> Result<Binding, ImportError> {
    each_row(
        file,
        input,
        format,
        &INCIDENTS,
        |row| {
            let external_id = required(row, 0, "id")?.to_owned();
            let started_at = required_timestamp(row, 1, "started_at")?;
            let resolved_at = optional_timestamp(row, 2, "resolved_at")?;
            if let Some(resolved) = resolved_at.filter(|&r| r < started_at) {
                return Err(FieldError::new(
                    "resolved_at",
                    format!(
                        "{} is before started_at {}",
                        crate::domain::format_timestamp(resolved, Default::default()),
                        crate::domain::format_timestamp(started_at, Default::default())
                    ),
                ));
            }
            Ok(Incident {
                external_id,
                started_at,
                resolved_at,
                deployment_id: optional(row, 3),
                service: optional(row, 4),
            })
        },
        |i| &i.external_id,
        sink,
    )
}
