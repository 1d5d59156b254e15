//! The statements the importer runs against DevLake's database: static, parameterised
//! (project name, then cursors), and reading no column that names a person.
//!
//! Tables and columns are DevLake's domain layer as its models declare them
//! (apache/incubator-devlake, backend/core/models/domainlayer/devops/cicd_deployment.go,
//! devops/cicd_deployment_commit.go, ticket/incident.go, code/commit.go,
//! code/commits_diff.go, crossdomain/project_mapping.go and
//! crossdomain/project_incident_deployment_relationship.go). Project selection follows
//! DevLake's own DORA plugin: CI/CD rows through `project_mapping` rows of table
//! `cicd_scopes`, incidents through the mapping of their own `table` and `scope_id`.

/// `updated_at` as fixed-width text, so cursors compare as strings and go back as
/// parameters unchanged.
macro_rules! stamp {
    ($col:literal) => {
        concat!("DATE_FORMAT(", $col, ", '%Y-%m-%d %H:%i:%s.%f')")
    };
}

/// A cursor before every row.
pub const START: &str = "1000-01-01 00:00:00.000000";

pub const PROJECT_ROWS: &str = "SELECT COUNT(*) FROM project_mapping WHERE project_name = ?";

pub const PROJECTS: &str = "SELECT DISTINCT project_name FROM project_mapping ORDER BY project_name LIMIT 20";

/// Every deployment of the project, in any environment, written at or after the cursor.
pub const DEPLOYMENTS: &str = concat!(
    "SELECT d.id, d.result, d.environment, d.finished_date, ",
    stamp!("d.updated_at"),
    " FROM cicd_deployments d
      JOIN project_mapping pm ON pm.`table` = 'cicd_scopes' AND pm.row_id = d.cicd_scope_id
     WHERE pm.project_name = ? AND (d.updated_at IS NULL OR d.updated_at >= ?)
     ORDER BY d.id"
);

/// The commits each successful production deployment commit shipped: those between the
/// previous successful deployment commit of its scope, repository and environment and
/// its own (`commits_diffs`, which DevLake's refdiff plugin computes for these pairs),
/// with their commit time. A deployment commit without a previous one ships nothing
/// here, as in DevLake's lead time: its diff would be the repository's whole history.
pub const CHANGES: &str = concat!(
    "SELECT dc.id, dc.cicd_deployment_id, dc.finished_date, cd.commit_sha, c.committed_date, ",
    stamp!("dc.updated_at"),
    " FROM cicd_deployment_commits dc
      JOIN project_mapping pm ON pm.`table` = 'cicd_scopes' AND pm.row_id = dc.cicd_scope_id
      JOIN cicd_deployment_commits p ON p.id = dc.prev_success_deployment_commit_id
      JOIN commits_diffs cd ON cd.new_commit_sha = dc.commit_sha AND cd.old_commit_sha = p.commit_sha
      LEFT JOIN commits c ON c.sha = cd.commit_sha
     WHERE pm.project_name = ? AND dc.environment = 'PRODUCTION' AND dc.result = 'SUCCESS'
       AND dc.prev_success_deployment_commit_id <> ''
       AND (dc.updated_at IS NULL OR dc.updated_at >= ?)
     ORDER BY cd.commit_sha, dc.finished_date, dc.id"
);

/// The project's incidents, with the deployment DevLake linked each to, when either was
/// written at or after the cursor.
pub const INCIDENTS: &str = concat!(
    "SELECT i.id, i.created_date, i.resolution_date, r.deployment_id, ",
    stamp!("i.updated_at"),
    ", ",
    stamp!("r.updated_at"),
    " FROM incidents i
      JOIN project_mapping pm ON pm.`table` = i.`table` AND pm.row_id = i.scope_id
      LEFT JOIN project_incident_deployment_relationships r
             ON r.id = i.id AND r.project_name = pm.project_name
     WHERE pm.project_name = ? AND (i.updated_at IS NULL OR i.updated_at >= ? OR r.updated_at >= ?)
     ORDER BY i.id"
);

/// Successful production deployment commits whose `commits_diffs` DevLake's refdiff plugin
/// has not written yet (a redeploy of the same commit ships nothing and is not waiting):
/// how many, and the earliest `updated_at` among them, which the cursor must not pass.
pub const WAITING_FOR_DIFFS: &str = concat!(
    "SELECT COUNT(*), MIN(",
    stamp!("dc.updated_at"),
    ") FROM cicd_deployment_commits dc
      JOIN project_mapping pm ON pm.`table` = 'cicd_scopes' AND pm.row_id = dc.cicd_scope_id
      JOIN cicd_deployment_commits p ON p.id = dc.prev_success_deployment_commit_id
     WHERE pm.project_name = ? AND dc.environment = 'PRODUCTION' AND dc.result = 'SUCCESS'
       AND dc.prev_success_deployment_commit_id <> '' AND p.commit_sha <> dc.commit_sha
       AND NOT EXISTS (SELECT 1 FROM commits_diffs cd
                        WHERE cd.new_commit_sha = dc.commit_sha AND cd.old_commit_sha = p.commit_sha)"
);
