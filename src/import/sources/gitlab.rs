//! GitLab: the deployments API (`projects/:id/deployments`), and the DORA metrics API
//! (`projects/:id/dora/metrics`) as pre-aggregated monthly values. docs/import.md has
//! the mapping.

use super::{
    ChangesFrom, Each, HeadCommits, ParsedDeployments, Reader, Rest, collect, each_unique, error, person_fields,
    read_records,
};
use crate::domain::{
    DeployKind, DeployStatus, Deployment, DoraMetric, MetricKey, MetricSample, Period, Team, UtcOffset,
};
use crate::import::{ImportError, Input};
use crate::store::{LoadReport, Store, StoreError};
use serde_json::Value;
use std::collections::BTreeSet;

/// The source key of rows from the deployments API.
pub const DEPLOYMENTS_SOURCE: &str = "gitlab-deployments";
/// The source key of values from the DORA metrics API.
pub const DORA_SOURCE: &str = "gitlab-dora";

/// Reads deployments. A `success` deployment is a successful one and `failed` a failed
/// one, deployed when its job finished (`deployable.finished_at`; `updated_at` for a
/// deployment made through the API without a job); other statuses (created, running,
/// canceled, skipped, blocked) are left out. The environment is `environment.name`, and
/// production when its tier is. Each deployment's job commit is its change.
pub fn parse_deployments(file: &str, bytes: &[u8]) -> Result<ParsedDeployments, ImportError> {
    collect(|each| read_deployments(file, Input::Bytes(bytes), each))
}

/// [`parse_deployments`] as a stream, handing each deployment to `each`.
pub(crate) fn read_deployments(file: &str, input: Input<'_>, each: Each<'_>) -> Result<Rest, ImportError> {
    let mut people = BTreeSet::new();
    let mut parsed = Rest { changes_from: ChangesFrom::HeadCommits, ..Default::default() };
    let mut heads = HeadCommits::default();
    each_unique(file, input, None, "deployment", |id, record| {
        person_fields(&record.fields, "", &mut people);
        let r = Reader { file, record, label: format!("deployment {id}") };
        let sha = r.required("sha")?;
        let status = r.required("status")?.to_ascii_lowercase();
        let has_job = matches!(record.fields.get("deployable"), Some(Value::Object(_)));
        let finished = if has_job { r.time("deployable.finished_at")? } else { r.time("updated_at")? };
        let deploy_status = match status.as_str() {
            "success" => DeployStatus::Success,
            "failed" => DeployStatus::Failed,
            _ => {
                *parsed.left_out.entry(status).or_insert(0) += 1;
                return Ok(());
            }
        };
        let at = finished.ok_or_else(|| {
            r.fail(if has_job { "deployable.finished_at" } else { "updated_at" }, "a value is required")
        })?;
        let name = r.optional("environment.name").unwrap_or_default();
        let tier = r.optional("environment.tier");
        let environment =
            if tier.is_some_and(|t| t.eq_ignore_ascii_case("production")) { "production".to_owned() } else { name };
        let external_id = format!("gl-deployment-{id}");
        if let Some(commit) = r.optional("deployable.commit.id") {
            let committed = match r.time("deployable.commit.committed_date")? {
                Some(t) => t,
                None => r.required_time("deployable.commit.created_at")?,
            };
            if crate::domain::is_production(&environment) {
                heads.add(&commit, committed, &external_id, at);
            }
        }
        let deployment = Deployment {
            external_id,
            deployed_at: at,
            environment,
            service: None,
            status: deploy_status,
            kind: DeployKind::Planned,
        };
        each(deployment, sha);
        Ok(())
    })?;
    parsed.changes = heads.into_changes();
    parsed.person_fields = people.into_iter().collect();
    Ok(parsed)
}

/// GitLab's four DORA metrics, as the API names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[clap(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum GitlabMetric {
    DeploymentFrequency,
    LeadTimeForChanges,
    TimeToRestoreService,
    ChangeFailureRate,
}

impl GitlabMetric {
    pub const ALL: [GitlabMetric; 4] =
        [Self::DeploymentFrequency, Self::LeadTimeForChanges, Self::TimeToRestoreService, Self::ChangeFailureRate];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::DeploymentFrequency => "deployment_frequency",
            Self::LeadTimeForChanges => "lead_time_for_changes",
            Self::TimeToRestoreService => "time_to_restore_service",
            Self::ChangeFailureRate => "change_failure_rate",
        }
    }

    fn dora(self) -> DoraMetric {
        match self {
            Self::DeploymentFrequency => DoraMetric::DeploymentFrequency,
            Self::LeadTimeForChanges => DoraMetric::ChangeLeadTime,
            Self::TimeToRestoreService => DoraMetric::RecoveryTime,
            Self::ChangeFailureRate => DoraMetric::ChangeFailureRate,
        }
    }

    /// GitLab's value in retro's unit: a count per month becomes deploys per day of that
    /// month, seconds become hours, a fraction becomes a percentage.
    fn convert(self, value: f64, period: &Period) -> Result<f64, String> {
        if value < 0.0 {
            return Err(format!("{value} is negative"));
        }
        Ok(match self {
            Self::DeploymentFrequency => value / period.days(),
            Self::LeadTimeForChanges | Self::TimeToRestoreService => value / 3600.0,
            Self::ChangeFailureRate if value > 1.0 => {
                return Err(format!("{value} is not a fraction between 0 and 1, as GitLab gives the rate"));
            }
            Self::ChangeFailureRate => value * 100.0,
        })
    }
}

/// Values read from DORA metrics API responses.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedDora {
    pub samples: Vec<MetricSample>,
    /// Months GitLab gave no value for (`null`): no data, not zero.
    pub empty: usize,
}

/// Reads `[{date, value}]` of `metric`, or, with no metric given, an object holding each
/// metric's list under its name (`{"deployment_frequency": [...], ...}`). Each date
/// must start a month (`interval=monthly`): retro keeps pre-aggregated values per month
/// or week, and GitLab's daily values cannot be added up into either (a median or a rate
/// of days is not one of the month).
pub fn parse_dora(file: &str, input: Input<'_>, metric: Option<GitlabMetric>) -> Result<ParsedDora, ImportError> {
    let mut lists: Vec<(GitlabMetric, Vec<crate::import::api_json::Record>)> = Vec::new();
    match metric {
        Some(m) => lists.push((m, read_records(file, input, None)?)),
        None => {
            let top = read_records(file, input, None)?;
            let [only] = top.as_slice() else {
                return Err(error(
                    file,
                    top.first().map(|r| r.line),
                    None,
                    "holds a list of values without its metric: give --metric NAME (deployment_frequency, \
                     lead_time_for_changes, time_to_restore_service or change_failure_rate)",
                ));
            };
            let names = || GitlabMetric::ALL.map(GitlabMetric::as_str).join(", ");
            if only.fields.keys().all(|k| k == "date" || k == "value") {
                return Err(error(
                    file,
                    Some(only.line),
                    None,
                    format!("gives no metric: give --metric NAME ({})", names()),
                ));
            }
            for key in only.fields.keys() {
                let Some(m) = GitlabMetric::ALL.into_iter().find(|m| m.as_str() == key) else {
                    return Err(error(file, Some(only.line), Some(key), format!("is not one of {}", names())));
                };
                // Read again through the key, so each value keeps its line.
                let inner = read_records(file, input, Some(key))?;
                lists.push((m, inner));
            }
        }
    }
    let mut samples = Vec::new();
    let mut empty = 0;
    for (metric, records) in lists {
        let mut seen = std::collections::HashMap::new();
        for record in &records {
            let label = format!("{} value", metric.as_str());
            let r = Reader { file, record, label };
            let date = r.required("date")?;
            let day = chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d")
                .map_err(|_| r.fail("date", format!("\"{date}\" is not a date (YYYY-MM-DD)")))?;
            if chrono::Datelike::day(&day) != 1 {
                return Err(r.fail(
                    "date",
                    format!(
                        "{date} does not start a month: retro reads monthly values; ask GitLab for \
                         interval=monthly"
                    ),
                ));
            }
            let period = Period::parse_label(&day.format("%Y-%m").to_string(), UtcOffset::UTC)
                .map_err(|e| r.fail("date", e.to_string()))?;
            if let Some(first) = seen.insert(period.label(), record.line) {
                return Err(r.fail("date", format!("{} already has a value (line {first})", period.label())));
            }
            let value = match record.fields.get("value") {
                None | Some(Value::Null) => {
                    empty += 1;
                    continue;
                }
                Some(Value::Number(n)) => n.as_f64().unwrap_or(f64::NAN),
                Some(other) => return Err(r.fail("value", format!("{other} is not a number"))),
            };
            let value = metric.convert(value, &period).map_err(|e| r.fail("value", e))?;
            samples.push(MetricSample { metric: MetricKey::Dora(metric.dora()), period, value });
        }
    }
    Ok(ParsedDora { samples, empty })
}

/// Loads DORA values for `team` in one transaction, as `retro import metrics` does.
pub fn load_dora(store: &mut Store, team: &Team, parsed: &ParsedDora) -> Result<LoadReport, StoreError> {
    store.load_samples(team, &[], &parsed.samples, DORA_SOURCE)
}
