//! GitHub: the deployments API with its deployment statuses, and the Actions
//! workflow-runs API, as `gh api --paginate` saves them. docs/import.md has the mapping.

use super::{ChangesFrom, ParsedDeployments, Reader, Record, each_unique, error, head_commit_changes, person_fields};
use crate::domain::{Change, DeployKind, DeployStatus, Deployment, Timestamp};
use crate::import::ImportError;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The source key of rows from the deployments API.
pub const DEPLOYMENTS_SOURCE: &str = "github-deployments";
/// The source key of rows from the workflow-runs API.
pub const RUNS_SOURCE: &str = "github-runs";

/// A status of a deployment, as the statuses API gives it.
struct Status {
    state: String,
    at: Timestamp,
}

/// Reads deployments (`repos/OWNER/REPO/deployments`) and their statuses, given in
/// `statuses` (the `repos/OWNER/REPO/deployments/ID/statuses` lists, back to back) or
/// inside each deployment as a `statuses` array. A deployment is deployed at its first
/// `success` status; without one, at its first `failure` or `error` status, as failed;
/// with neither (only pending, queued, in progress), it is left out.
pub fn parse_deployments(
    file: &str,
    bytes: &[u8],
    statuses: Option<(&str, &[u8])>,
) -> Result<ParsedDeployments, ImportError> {
    let mut people = BTreeSet::new();
    let mut by_deployment: HashMap<String, Vec<Status>> = HashMap::new();
    if let Some((status_file, status_bytes)) = statuses {
        let mut status_people = BTreeSet::new();
        each_unique(status_file, status_bytes, None, "status", |id, record| {
            person_fields(&record.fields, "", &mut status_people);
            let r = Reader { file: status_file, record, label: format!("status {id}") };
            let url = r.required("deployment_url")?;
            let deployment = url.rsplit('/').next().unwrap_or_default().to_owned();
            by_deployment.entry(deployment).or_default().push(status(&r)?);
            Ok(())
        })?;
        people.extend(status_people.into_iter().map(|p| format!("statuses.{p}")));
    }
    let mut parsed = ParsedDeployments::default();
    let (mut read, mut embedded_statuses) = (0, false);
    each_unique(file, bytes, None, "deployment", |id, record| {
        read += 1;
        embedded_statuses |= record.fields.contains_key("statuses");
        person_fields(&record.fields, "", &mut people);
        let r = Reader { file, record, label: format!("deployment {id}") };
        let sha = r.required("sha")?;
        let mut states = by_deployment.remove(&id).unwrap_or_default();
        if let Some(serde_json::Value::Array(embedded)) = record.fields.get("statuses") {
            for (i, s) in embedded.iter().enumerate() {
                let Some(fields) = s.as_object() else {
                    return Err(r.fail("statuses", format!("status {} is not a JSON object", i + 1)));
                };
                let inner = Record { line: record.line, fields: fields.clone() };
                let sr = Reader { file, record: &inner, label: format!("deployment {id}, status {}", i + 1) };
                states.push(status(&sr)?);
            }
        }
        let Some((deploy_status, at)) = outcome(&mut states) else {
            let reason = match states.last() {
                None => "no status".to_owned(),
                Some(s) => s.state.clone(),
            };
            *parsed.left_out.entry(reason).or_insert(0) += 1;
            return Ok(());
        };
        // GitHub marks an environment end users use as production, whatever its name.
        let environment = r.optional("environment").unwrap_or_default();
        let production = record.fields.get("production_environment").and_then(|v| v.as_bool()) == Some(true);
        parsed.deployments.push(Deployment {
            external_id: format!("gh-deployment-{id}"),
            deployed_at: at,
            environment: if production { "production".to_owned() } else { environment },
            service: None,
            status: deploy_status,
            kind: DeployKind::Planned,
        });
        parsed.shas.push(sha);
        Ok(())
    })?;
    if statuses.is_none() && read > 0 && !embedded_statuses {
        return Err(error(
            file,
            None,
            None,
            "the deployments API gives no state: add --statuses FILE, the deployments/ID/statuses lists \
             (see docs/import.md)",
        ));
    }
    parsed.unmatched_statuses = by_deployment.values().map(Vec::len).sum();
    parsed.person_fields = people.into_iter().collect();
    Ok(parsed)
}

const STATES: [&str; 7] = ["error", "failure", "inactive", "in_progress", "queued", "pending", "success"];

fn status(r: &Reader<'_>) -> Result<Status, ImportError> {
    let state = r.required("state")?.to_ascii_lowercase();
    if !STATES.contains(&state.as_str()) {
        return Err(r.fail("state", format!("\"{state}\" is not one of {}", STATES.join(", "))));
    }
    Ok(Status { state, at: r.required_time("created_at")? })
}

/// The first success, else the first failure or error, by time.
fn outcome(states: &mut [Status]) -> Option<(DeployStatus, Timestamp)> {
    states.sort_by_key(|s| s.at);
    let first = |wanted: &[&str]| states.iter().find(|s| wanted.contains(&s.state.as_str())).map(|s| s.at);
    first(&["success"])
        .map(|at| (DeployStatus::Success, at))
        .or_else(|| first(&["failure", "error"]).map(|at| (DeployStatus::Failed, at)))
}

/// Reads workflow runs (`repos/OWNER/REPO/actions/runs` or
/// `.../actions/workflows/WORKFLOW/runs`), keeping the completed runs of the workflow
/// named `workflow` (its name, its path, or its file name) as production deployments,
/// deployed when the run completed (`updated_at`). A run that concluded `success` is a
/// successful deployment, `failure` or `timed_out` a failed one; other conclusions
/// (cancelled, skipped, ...) and unfinished runs are left out. Each deployment's head
/// commit is its change.
pub fn parse_runs(file: &str, bytes: &[u8], workflow: &str) -> Result<ParsedDeployments, ImportError> {
    let mut people = BTreeSet::new();
    let mut parsed = ParsedDeployments { changes_from: ChangesFrom::HeadCommits, ..Default::default() };
    let mut heads = Vec::new();
    let mut other_workflows: BTreeMap<String, usize> = BTreeMap::new();
    each_unique(file, bytes, Some("workflow_runs"), "run", |id, record| {
        person_fields(&record.fields, "", &mut people);
        let r = Reader { file, record, label: format!("run {id}") };
        if !is_workflow(&r, workflow) {
            let name = r.optional("name").or_else(|| r.optional("path")).unwrap_or_else(|| "?".into());
            *other_workflows.entry(name).or_insert(0) += 1;
            return Ok(());
        }
        let sha = r.required("head_sha")?;
        let run_status = r.required("status")?;
        // Read before deciding, so a bad time is refused whatever the run's outcome.
        let completed = r.time("updated_at")?;
        if run_status != "completed" {
            *parsed.left_out.entry(run_status).or_insert(0) += 1;
            return Ok(());
        }
        let conclusion = r.required("conclusion")?;
        let deploy_status = match conclusion.as_str() {
            "success" => DeployStatus::Success,
            "failure" | "timed_out" => DeployStatus::Failed,
            _ => {
                *parsed.left_out.entry(conclusion).or_insert(0) += 1;
                return Ok(());
            }
        };
        let at = completed.ok_or_else(|| r.fail("updated_at", "a value is required"))?;
        let external_id = format!("gh-run-{id}");
        if let Some(commit) = r.optional("head_commit.id") {
            let committed_at = r.required_time("head_commit.timestamp")?;
            heads.push((
                Change { external_id: commit, committed_at, deployment_id: Some(external_id.clone()), service: None },
                at,
            ));
        }
        parsed.deployments.push(Deployment {
            external_id,
            deployed_at: at,
            environment: "production".to_owned(),
            service: None,
            status: deploy_status,
            kind: DeployKind::Planned,
        });
        parsed.shas.push(sha);
        Ok(())
    })?;
    if parsed.deployments.is_empty() && parsed.left_out.is_empty() && !other_workflows.is_empty() {
        let names: Vec<String> = other_workflows.keys().cloned().collect();
        return Err(error(
            file,
            None,
            None,
            format!("holds no run of workflow \"{workflow}\"; its runs are of: {}", names.join(", ")),
        ));
    }
    for (name, n) in other_workflows {
        *parsed.left_out.entry(format!("other workflow ({name})")).or_insert(0) += n;
    }
    parsed.changes = head_commit_changes(heads);
    parsed.person_fields = people.into_iter().collect();
    Ok(parsed)
}

/// A run of the workflow named by its name, its path (`.github/workflows/deploy.yml`,
/// without an `@ref`), or its file name (`deploy.yml`).
fn is_workflow(r: &Reader<'_>, workflow: &str) -> bool {
    let workflow = workflow.trim();
    if r.optional("name").as_deref() == Some(workflow) {
        return true;
    }
    let Some(path) = r.optional("path") else {
        return false;
    };
    let path = path.split('@').next().unwrap_or_default();
    path == workflow || path.rsplit('/').next() == Some(workflow)
}
