//! Loading what an importer read into the store: one transaction per file.

use super::{Format, ImportError, parse_changes, parse_deployments, parse_incidents, parse_samples};
use crate::domain::{Team, is_production};
use crate::store::{LoadReport, Store, StoreError};
use std::collections::BTreeMap;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    Deployments,
    Changes,
    Incidents,
    /// Per-period values of team-chosen metrics, or DORA values aggregated elsewhere
    Metrics,
}

impl ImportKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Deployments => "deployments",
            Self::Changes => "changes",
            Self::Incidents => "incidents",
            Self::Metrics => "metric values",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Invalid(#[from] ImportError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What one import did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportSummary {
    pub kind: ImportKind,
    pub rows: usize,
    pub report: LoadReport,
    /// Columns dropped because they identify a person.
    pub person_columns: Vec<String>,
    /// Columns retro does not use.
    pub unused_columns: Vec<String>,
    /// Deployments per environment that is not production (they enter no metric).
    pub other_environments: BTreeMap<String, usize>,
}

/// Reads `bytes` as `kind` and loads them for `team`; nothing is written unless the
/// whole file is valid.
pub fn import_bytes(
    store: &mut Store,
    team: &Team,
    kind: ImportKind,
    file: &str,
    bytes: &[u8],
    format: Format,
) -> Result<ImportSummary, LoadError> {
    let source = std::path::Path::new(file)
        .file_name()
        .map_or_else(|| file.to_owned(), |n| n.to_string_lossy().into_owned());
    let mut other_environments = BTreeMap::new();
    let (rows, report, person_columns, unused_columns) = match kind {
        ImportKind::Deployments => {
            let parsed = parse_deployments(file, bytes, format)?;
            for d in parsed.rows.iter().filter(|d| !is_production(&d.environment)) {
                *other_environments.entry(d.environment.clone()).or_insert(0) += 1;
            }
            let report = store.load_deployments(team, &parsed.rows, &source)?;
            (parsed.rows.len(), report, parsed.person_columns, parsed.unused_columns)
        }
        ImportKind::Changes => {
            let parsed = parse_changes(file, bytes, format)?;
            let report = store.load_changes(team, &parsed.rows, &source)?;
            (parsed.rows.len(), report, parsed.person_columns, parsed.unused_columns)
        }
        ImportKind::Incidents => {
            let parsed = parse_incidents(file, bytes, format)?;
            let report = store.load_incidents(team, &parsed.rows, &source)?;
            (parsed.rows.len(), report, parsed.person_columns, parsed.unused_columns)
        }
        ImportKind::Metrics => {
            let parsed = parse_samples(file, bytes, format)?;
            let definitions = parsed.definitions(&store.team_metrics(team)?)?;
            let report = store.load_samples(team, &definitions, &parsed.samples, &source)?;
            (
                parsed.samples.len(),
                report,
                parsed.person_columns,
                parsed.unused_columns,
            )
        }
    };
    Ok(ImportSummary {
        kind,
        rows,
        report,
        person_columns,
        unused_columns,
        other_environments,
    })
}
