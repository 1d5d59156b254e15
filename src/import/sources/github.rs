//! GitHub: the deployments API with its deployment statuses, and the Actions
//! workflow-runs API, as `gh api --paginate` saves them. docs/import.md has the mapping.

use super::{
    ChangesFrom, Each, HeadCommits, ParsedDeployments, Reader, Record, Rest, collect, each_unique, error, person_fields,
};
use crate::domain::{DeployKind, DeployStatus, Deployment, Timestamp};
use crate::import::id_map::IdMap;
use crate::import::{ImportError, Input};
use std::collections::{BTreeMap, BTreeSet};

/// The source key of rows from the deployments API.
pub const DEPLOYMENTS_SOURCE: &str = "github-deployments";
/// The source key of rows from the workflow-runs API.
pub const RUNS_SOURCE: &str = "github-runs";

/// The statuses of one deployment, as much of them as its outcome needs.
#[derive(Debug, Default, Clone, Copy)]
struct States {
    first_success: Option<Timestamp>,
    first_failure: Option<Timestamp>,
    /// The latest state (of those at the same time, the last read), which says why a
    /// deployment without an outcome is left out.
    latest: Option<(Timestamp, &'static str)>,
    count: usize,
    /// Whether its deployment was read.
    taken: bool,
}

impl States {
    fn add(&mut self, (state, at): (&'static str, Timestamp)) {
        let earliest = |slot: &mut Option<Timestamp>| *slot = Some(slot.map_or(at, |t| t.min(at)));
        match state {
            "success" => earliest(&mut self.first_success),
            "failure" | "error" => earliest(&mut self.first_failure),
            _ => {}
        }
        if self.latest.is_none_or(|(t, _)| at >= t) {
            self.latest = Some((at, state));
        }
        self.count += 1;
    }

    /// The statuses, marked as their deployment's.
    fn take(&mut self) -> States {
        self.taken = true;
        *self
    }

    /// The first success, else the first failure or error, by time.
    fn outcome(&self) -> Option<(DeployStatus, Timestamp)> {
        self.first_success
            .map(|at| (DeployStatus::Success, at))
            .or_else(|| self.first_failure.map(|at| (DeployStatus::Failed, at)))
    }
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
    let statuses = statuses.map(|(name, bytes)| (name, Input::Bytes(bytes)));
    collect(|each| read_deployments(file, Input::Bytes(bytes), statuses, each))
}

/// [`parse_deployments`] as a stream: the statuses file is read first, keeping per
/// deployment only what its outcome needs, then each deployment is handed to `each`.
pub(crate) fn read_deployments(
    file: &str,
    input: Input<'_>,
    statuses: Option<(&str, Input<'_>)>,
    each: Each<'_>,
) -> Result<Rest, ImportError> {
    let mut people = BTreeSet::new();
    let mut by_deployment: IdMap<States> = IdMap::default();
    if let Some((status_file, status_input)) = statuses {
        let mut status_people = BTreeSet::new();
        each_unique(status_file, status_input, None, "status", |id, record| {
            person_fields(&record.fields, "", &mut status_people);
            let r = Reader { file: status_file, record, label: format!("status {id}") };
            let url = r.required("deployment_url")?;
            let deployment = url.rsplit('/').next().unwrap_or_default();
            let status = status(&r)?;
            by_deployment.get_or_insert_with(deployment, States::default).add(status);
            Ok(())
        })?;
        people.extend(status_people.into_iter().map(|p| format!("statuses.{p}")));
    }
    let mut rest = Rest::default();
    let (mut read, mut embedded_statuses) = (0, false);
    each_unique(file, input, None, "deployment", |id, record| {
        read += 1;
        embedded_statuses |= record.fields.contains_key("statuses");
        person_fields(&record.fields, "", &mut people);
        let r = Reader { file, record, label: format!("deployment {id}") };
        let sha = r.required("sha")?;
        let mut states = by_deployment.get_mut(&id).map(States::take).unwrap_or_default();
        if let Some(serde_json::Value::Array(embedded)) = record.fields.get("statuses") {
            for (i, s) in embedded.iter().enumerate() {
                let Some(fields) = s.as_object() else {
                    return Err(r.fail("statuses", format!("status {} is not a JSON object", i + 1)));
                };
                let inner = Record { line: record.line, index: record.index, fields: fields.clone() };
                let sr = Reader { file, record: &inner, label: format!("deployment {id}, status {}", i + 1) };
                states.add(status(&sr)?);
            }
        }
        let Some((deploy_status, at)) = states.outcome() else {
            let reason = states.latest.map_or("no status", |(_, state)| state);
            *rest.left_out.entry(reason.to_owned()).or_insert(0) += 1;
            return Ok(());
        };
        // GitHub marks an environment end users use as production, whatever its name.
        let environment = r.optional("environment").unwrap_or_default();
        let production = record.fields.get("production_environment").and_then(|v| v.as_bool()) == Some(true);
        let deployment = Deployment {
            external_id: format!("gh-deployment-{id}"),
            deployed_at: at,
            environment: if production { "production".to_owned() } else { environment },
            service: None,
            status: deploy_status,
            kind: DeployKind::Planned,
        };
        each(deployment, sha);
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
    rest.unmatched_statuses = by_deployment.values().filter(|s| !s.taken).map(|s| s.count).sum();
    rest.person_fields = people.into_iter().collect();
    Ok(rest)
}

const STATES: [&str; 7] = ["error", "failure", "inactive", "in_progress", "queued", "pending", "success"];

fn status(r: &Reader<'_>) -> Result<(&'static str, Timestamp), ImportError> {
    let state = r.required("state")?.to_ascii_lowercase();
    let Some(known) = STATES.into_iter().find(|s| *s == state) else {
        return Err(r.fail("state", format!("\"{state}\" is not one of {}", STATES.join(", "))));
    };
    Ok((known, r.required_time("created_at")?))
}

/// Reads workflow runs (`repos/OWNER/REPO/actions/runs` or
/// `.../actions/workflows/WORKFLOW/runs`), keeping the completed runs of the workflow
/// named `workflow` (its name, its path, or its file name) as production deployments,
/// deployed when the run completed (`updated_at`). A run that concluded `success` is a
/// successful deployment, `failure` or `timed_out` a failed one; other conclusions
/// (cancelled, skipped, ...) and unfinished runs are left out. Each deployment's head
/// commit is its change.
pub fn parse_runs(file: &str, bytes: &[u8], workflow: &str) -> Result<ParsedDeployments, ImportError> {
    collect(|each| read_runs(file, Input::Bytes(bytes), workflow, each))
}

/// [`parse_runs`] as a stream, handing each deployment to `each`.
pub(crate) fn read_runs(file: &str, input: Input<'_>, workflow: &str, each: Each<'_>) -> Result<Rest, ImportError> {
    let mut people = BTreeSet::new();
    let mut parsed = Rest { changes_from: ChangesFrom::HeadCommits, ..Default::default() };
    let mut heads = HeadCommits::default();
    let mut other_workflows: BTreeMap<String, usize> = BTreeMap::new();
    let mut deployments = 0;
    each_unique(file, input, Some("workflow_runs"), "run", |id, record| {
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
            heads.add(&commit, committed_at, &external_id, at);
        }
        let deployment = Deployment {
            external_id,
            deployed_at: at,
            environment: "production".to_owned(),
            service: None,
            status: deploy_status,
            kind: DeployKind::Planned,
        };
        deployments += 1;
        each(deployment, sha);
        Ok(())
    })?;
    if deployments == 0 && parsed.left_out.is_empty() && !other_workflows.is_empty() {
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
    parsed.changes = heads.into_changes();
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
