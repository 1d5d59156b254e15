//! DevLake's rows as retro's domain values: which deployments count and how, and the
//! checks that refuse a row naming its table and id.

use super::DevlakeError;
use crate::domain::{Change, DeployKind, DeployStatus, Deployment, Incident, Timestamp, is_production};

/// DevLake's one production environment (`devops.PRODUCTION`); its DORA metrics count
/// no other, and compare it exactly.
const PRODUCTION: &str = "PRODUCTION";

/// A `cicd_deployments` row, as read.
#[derive(Debug, Clone, Default)]
pub struct DeploymentRow {
    pub id: String,
    pub result: Option<String>,
    pub environment: Option<String>,
    pub finished_date: Option<Timestamp>,
}

/// What became of one deployment row.
#[derive(Debug, PartialEq)]
pub enum DeploymentOutcome {
    Deployment(Deployment),
    /// No result yet (running, or DevLake gave it neither SUCCESS nor FAILURE): it has not
    /// shipped, and is read again once DevLake writes it again.
    NoResult,
}

fn bad(table: &'static str, id: &str, field: &'static str, message: String) -> DevlakeError {
    DevlakeError::Row { table, id: id.to_owned(), field, message }
}

impl DeploymentRow {
    pub fn into_deployment(self) -> Result<DeploymentOutcome, DevlakeError> {
        let status = match self.result.as_deref().map(str::trim).unwrap_or("") {
            "SUCCESS" => DeployStatus::Success,
            "FAILURE" => DeployStatus::Failed,
            "" => return Ok(DeploymentOutcome::NoResult),
            other => {
                return Err(bad(
                    "cicd_deployments",
                    &self.id,
                    "result",
                    format!("\"{other}\" is not one of SUCCESS, FAILURE or empty (no result yet)"),
                ));
            }
        };
        let Some(deployed_at) = self.finished_date else {
            return Err(bad(
                "cicd_deployments",
                &self.id,
                "finished_date",
                format!(
                    "is empty, but result is {}: a deployment with a result must say when it finished",
                    self.result.as_deref().unwrap_or_default()
                ),
            ));
        };
        Ok(DeploymentOutcome::Deployment(Deployment {
            external_id: self.id,
            deployed_at,
            environment: environment(self.environment.as_deref().unwrap_or("")),
            service: None,
            status,
            kind: DeployKind::Planned,
        }))
    }
}

/// retro's environment for DevLake's: `PRODUCTION` is `production`. Any other value is
/// kept as written, except those retro would read as production (empty, or `production`
/// in other letters), which DevLake does not count: they are marked so that retro does
/// not count them either.
pub fn environment(devlake: &str) -> String {
    if devlake == PRODUCTION {
        "production".to_owned()
    } else if is_production(devlake) {
        format!("{} (not PRODUCTION in DevLake)", if devlake.trim().is_empty() { "none" } else { devlake.trim() })
    } else {
        devlake.to_owned()
    }
}

/// One commit a successful production deployment commit shipped.
#[derive(Debug, Clone, Default)]
pub struct ChangeRow {
    /// The `cicd_deployment_commits` row.
    pub deployment_commit_id: String,
    pub deployment_id: Option<String>,
    pub finished_date: Option<Timestamp>,
    pub commit_sha: String,
    /// From DevLake's `commits`; none when DevLake did not collect the commit.
    pub committed_date: Option<Timestamp>,
}

impl ChangeRow {
    /// The change, or `None` when DevLake has no time for its commit.
    pub fn into_change(self) -> Result<Option<(Change, Timestamp)>, DevlakeError> {
        let table = "cicd_deployment_commits";
        let Some(deployment) = self.deployment_id.filter(|d| !d.trim().is_empty()) else {
            return Err(bad(table, &self.deployment_commit_id, "cicd_deployment_id", "is empty".into()));
        };
        let Some(finished) = self.finished_date else {
            return Err(bad(
                table,
                &self.deployment_commit_id,
                "finished_date",
                "is empty, but result is SUCCESS: a deployment with a result must say when it finished".into(),
            ));
        };
        Ok(self.committed_date.map(|committed_at| {
            let change =
                Change { external_id: self.commit_sha, committed_at, deployment_id: Some(deployment), service: None };
            (change, finished)
        }))
    }
}

/// An `incidents` row with the deployment DevLake linked it to.
#[derive(Debug, Clone, Default)]
pub struct IncidentRow {
    pub id: String,
    pub created_date: Option<Timestamp>,
    pub resolution_date: Option<Timestamp>,
    pub deployment_id: Option<String>,
}

impl IncidentRow {
    pub fn into_incident(self) -> Result<Incident, DevlakeError> {
        let Some(started_at) = self.created_date else {
            return Err(bad(
                "incidents",
                &self.id,
                "created_date",
                "is empty: an incident must say when it started".into(),
            ));
        };
        if let Some(resolved) = self.resolution_date.filter(|r| *r < started_at) {
            return Err(bad(
                "incidents",
                &self.id,
                "resolution_date",
                format!(
                    "{} is before created_date {}",
                    crate::domain::format_timestamp(resolved, crate::domain::UtcOffset::UTC),
                    crate::domain::format_timestamp(started_at, crate::domain::UtcOffset::UTC)
                ),
            ));
        }
        Ok(Incident {
            external_id: self.id,
            started_at,
            resolved_at: self.resolution_date,
            deployment_id: self.deployment_id.filter(|d| !d.trim().is_empty()),
            // DevLake links incidents to deployments itself (through the project), so
            // the service is not needed to link them by time.
            service: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployment(result: &str, finished: Option<Timestamp>) -> DeploymentRow {
        DeploymentRow {
            id: "github:GithubRun:1:7".into(),
            result: Some(result.into()),
            environment: Some("PRODUCTION".into()),
            finished_date: finished,
        }
    }

    #[test]
    fn results_become_statuses_and_others_are_refused_by_table_and_id() {
        let ok = deployment("FAILURE", Some(10)).into_deployment().unwrap();
        assert!(matches!(ok, DeploymentOutcome::Deployment(d) if d.status == DeployStatus::Failed
            && d.environment == "production" && d.deployed_at == 10));
        assert_eq!(deployment("", None).into_deployment().unwrap(), DeploymentOutcome::NoResult);
        let err = deployment("SKIPPED", Some(10)).into_deployment().unwrap_err().to_string();
        assert!(err.starts_with("cicd_deployments id \"github:GithubRun:1:7\": result: \"SKIPPED\""), "{err}");
        let err = deployment("SUCCESS", None).into_deployment().unwrap_err().to_string();
        assert!(err.contains("finished_date: is empty, but result is SUCCESS"), "{err}");
    }

    #[test]
    fn only_devlakes_production_is_production() {
        assert_eq!(environment("PRODUCTION"), "production");
        assert_eq!(environment("STAGING"), "STAGING");
        assert!(!is_production(&environment("")));
        assert!(!is_production(&environment("Production")));
    }

    #[test]
    fn an_incident_needs_a_start_and_keeps_its_link() {
        let row = |created| IncidentRow {
            id: "jira:JiraIssue:1:7".into(),
            created_date: created,
            resolution_date: Some(20),
            deployment_id: Some("d1".into()),
        };
        let err = row(None).into_incident().unwrap_err().to_string();
        assert_eq!(
            err,
            "incidents id \"jira:JiraIssue:1:7\": created_date: is empty: an incident must say when it started"
        );
        let i = row(Some(10)).into_incident().unwrap();
        assert_eq!((i.started_at, i.resolved_at, i.deployment_id.as_deref()), (10, Some(20), Some("d1")));
    }
}
