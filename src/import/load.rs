//! Loading what an importer read into the store: one transaction per file.

use super::columns::Binding;
use super::events::{each_change, each_deployment, each_incident};
use super::pipeline::{Event, pipelined};
use super::{Format, ImportError, Input, parse_samples};
use crate::domain::{Team, is_production};
use crate::store::{LoadFailure, LoadReport, Store, StoreError, TimeLinks};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

/// What a file holds, or `git` for a repository's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    Deployments,
    Changes,
    Incidents,
    /// Per-period values of team-chosen metrics, or DORA values aggregated elsewhere
    Metrics,
    /// Deployments and changes derived from a git repository's tags or merges (FILE is
    /// the repository's folder)
    Git,
    /// A project's deployments, changes and incidents read from Apache DevLake's MySQL
    /// database (FILE is its mysql:// URL; --project names the project)
    Devlake,
    /// GitHub deployments API JSON (`gh api --paginate`), with --statuses FILE
    GithubDeployments,
    /// GitHub Actions workflow runs JSON (`gh api --paginate`) of the --workflow NAME|PATH
    GithubRuns,
    /// GitLab deployments API JSON
    GitlabDeployments,
    /// GitLab DORA metrics API JSON (`interval=monthly`), pre-aggregated values
    GitlabDora,
    /// PagerDuty incidents: the REST API's JSON (`GET /incidents` pages) or the web CSV export
    Pagerduty,
    /// Opsgenie alerts as incidents: the Alert API's JSON (`GET /v2/alerts` pages)
    Opsgenie,
    /// Four Keys' deployments, changes and incidents tables (FILE is the folder holding
    /// deployments.json, changes.json, incidents.json, as JSON lines or CSV too)
    Fourkeys,
}

impl ImportKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Deployments => "deployments",
            Self::Changes => "changes",
            Self::Incidents => "incidents",
            Self::Metrics => "metric values",
            Self::Git => "git history",
            Self::Devlake => "DevLake project",
            Self::GithubDeployments | Self::GitlabDeployments => "deployments",
            Self::GithubRuns => "workflow runs",
            Self::GitlabDora => "DORA values",
            Self::Pagerduty => "PagerDuty incidents",
            Self::Opsgenie => "Opsgenie alerts",
            Self::Fourkeys => "Four Keys tables",
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
    /// Optional columns the file lacks: every row took their defaults, rows already in
    /// the store included.
    pub absent_columns: Vec<String>,
    /// Deployments per environment that is not production (they enter no metric).
    pub other_environments: BTreeMap<String, usize>,
    /// Incidents naming no deployment that were linked by time, when asked.
    pub time_links: Option<TimeLinks>,
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
    import_bytes_linking(store, team, kind, file, bytes, format, false)
}

/// [`import_bytes`]; with `link_by_time`, incidents that name no deployment are linked
/// to the last production deployment of their service before they started.
pub fn import_bytes_linking(
    store: &mut Store,
    team: &Team,
    kind: ImportKind,
    file: &str,
    bytes: &[u8],
    format: Format,
    link_by_time: bool,
) -> Result<ImportSummary, LoadError> {
    import_input(store, team, kind, file, Input::Bytes(bytes), format, link_by_time)
}

/// [`import_bytes_linking`] of the file at `path` (named `file` in errors), read as a
/// stream: the memory an import takes does not grow with the file.
pub fn import_file_linking(
    store: &mut Store,
    team: &Team,
    kind: ImportKind,
    file: &str,
    path: &Path,
    format: Format,
    link_by_time: bool,
) -> Result<ImportSummary, LoadError> {
    import_input(store, team, kind, file, Input::File(path), format, link_by_time)
}

/// [`import_bytes_linking`] of any [`Input`]: a file read as a stream, bytes, or a file
/// whose header `--map` renamed.
pub fn import_input(
    store: &mut Store,
    team: &Team,
    kind: ImportKind,
    file: &str,
    input: Input<'_>,
    format: Format,
    link_by_time: bool,
) -> Result<ImportSummary, LoadError> {
    // The format, not the file's name: a name like alice-deploys.csv would be the one
    // free text about a person to reach the store.
    let source = match format {
        Format::Csv => "csv",
        Format::Json => "json",
    }
    .to_owned();
    let mut other_environments = BTreeMap::new();
    let mut time_links = None;
    let (report, rows, binding) = match kind {
        ImportKind::Deployments => {
            let kind_column = OnceLock::new();
            let parse = counting(|emit| {
                each_deployment(file, input, format, &kind_column, |d| {
                    if !is_production(&d.environment) {
                        *other_environments.entry(d.environment.clone()).or_insert(0) += 1;
                    }
                    emit(Event::Deployment(d));
                })
            });
            let (report, (binding, rows)) = pipelined(parse, |s| {
                // A file without a `kind` column says nothing of rework: its new rows are
                // planned by default, stored ones keep their kind.
                let kinds = || kind_column.get() == Some(&true);
                store.load_deployments_from(team, s.deployments(), &source, &kinds)
            })
            .map_err(load_error)?;
            (report, rows, binding)
        }
        ImportKind::Changes => {
            let parse = counting(|emit| each_change(file, input, format, |c| emit(Event::Change(c))));
            let (report, (binding, rows)) =
                pipelined(parse, |s| store.load_changes_from(team, s.changes(), &source)).map_err(load_error)?;
            (report, rows, binding)
        }
        ImportKind::Incidents => {
            let parse = counting(|emit| each_incident(file, input, format, |i| emit(Event::Incident(i))));
            let (report, (binding, rows)) = pipelined(parse, |s| {
                let (report, links) = store.load_incidents_linking(team, s.incidents(), &source, link_by_time)?;
                time_links = link_by_time.then_some(links);
                Ok(report)
            })
            .map_err(load_error)?;
            (report, rows, binding)
        }
        ImportKind::Metrics => {
            // Metric values are a few rows a period: read whole.
            let bytes = match input {
                Input::Bytes(bytes) => std::borrow::Cow::Borrowed(bytes),
                Input::File(path) => std::borrow::Cow::Owned(super::read_file(path)?),
                renamed => std::borrow::Cow::Owned(renamed.read_all(file)?),
            };
            let parsed = parse_samples(file, &bytes, format)?;
            let definitions = parsed.definitions(&store.team_metrics(team)?)?;
            let report = store.load_samples(team, &definitions, &parsed.samples, &source)?;
            let binding = Binding {
                person_columns: parsed.person_columns,
                unused_columns: parsed.unused_columns,
                ..Default::default()
            };
            (report, parsed.samples.len(), binding)
        }
        // A repository is not a file of rows: `import::git::import_repository` reads it.
        ImportKind::Git => {
            return Err(LoadError::Invalid(ImportError {
                file: file.to_owned(),
                line: None,
                field: None,
                message: "a git repository is imported with `retro import git PATH`, not as a file".into(),
            }));
        }
        // Read by `import::tools`, with their own options.
        ImportKind::Pagerduty | ImportKind::Opsgenie | ImportKind::Fourkeys => {
            return Err(LoadError::Invalid(ImportError {
                file: file.to_owned(),
                line: None,
                field: None,
                message: format!(
                    "{} are imported with `retro import {}`",
                    kind.as_str(),
                    format!("{kind:?}").to_lowercase()
                ),
            }));
        }
        // A database is not a file either: `import::devlake::import_project` reads it.
        ImportKind::Devlake => {
            return Err(LoadError::Invalid(ImportError {
                file: file.to_owned(),
                line: None,
                field: None,
                message: "DevLake is imported with `retro import devlake mysql://... --project NAME`, not as a file"
                    .into(),
            }));
        }
        // API JSON has its own shape: `import::sources` reads it.
        ImportKind::GithubDeployments
        | ImportKind::GithubRuns
        | ImportKind::GitlabDeployments
        | ImportKind::GitlabDora => {
            return Err(LoadError::Invalid(ImportError {
                file: file.to_owned(),
                line: None,
                field: None,
                message: "is API JSON: `retro import` reads it through import::sources".into(),
            }));
        }
    };
    Ok(ImportSummary {
        kind,
        rows,
        report,
        person_columns: binding.person_columns,
        unused_columns: binding.unused_columns,
        absent_columns: binding.absent.iter().map(|c| (*c).to_owned()).collect(),
        other_environments,
        time_links,
    })
}

/// `parse`, counting the rows it emits.
fn counting<'a>(
    parse: impl FnOnce(&mut dyn FnMut(Event)) -> Result<Binding, ImportError> + Send + 'a,
) -> impl FnOnce(&mut dyn FnMut(Event)) -> Result<(Binding, usize), ImportError> + Send + 'a {
    move |emit| {
        let mut rows = 0;
        let binding = parse(&mut |event| {
            rows += 1;
            emit(event);
        })?;
        Ok((binding, rows))
    }
}

fn load_error(e: LoadFailure<ImportError>) -> LoadError {
    match e {
        LoadFailure::Source(e) => LoadError::Invalid(e),
        LoadFailure::Store(e) => LoadError::Store(e),
    }
}
