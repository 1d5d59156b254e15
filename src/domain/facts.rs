//! What the metric engine reads: the store's rows reduced to the facts each metric needs.

use super::{Coverage, DeployKind, DeployStatus, DoraMetric, Granularity, TeamMetric, Timestamp};

/// One deployment of any environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeploymentFact {
    pub deployed_at: Timestamp,
    pub production: bool,
    pub status: DeployStatus,
    pub kind: DeployKind,
    /// An incident names this deployment as its cause.
    pub caused_incident: bool,
}

/// A change that reached production.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChangeFact {
    pub deployed_at: Timestamp,
    pub committed_at: Timestamp,
}

/// One incident: when it started, when (if) it was resolved, and whether a production
/// deployment is named as its cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IncidentFact {
    pub started_at: Timestamp,
    pub resolved_at: Option<Timestamp>,
    pub caused_by_production_deployment: bool,
}

/// Per-period values imported from elsewhere, keyed by period label (`2025-W03`, `2025-03`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SampleSet {
    pub values: Vec<(Granularity, String, f64)>,
}

impl SampleSet {
    pub fn get(&self, granularity: Granularity, label: &str) -> Option<f64> {
        self.values.iter().find(|(g, l, _)| *g == granularity && l == label).map(|(_, _, v)| *v)
    }
}

/// A team-chosen metric with its samples.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamSamples {
    pub metric: TeamMetric,
    pub samples: SampleSet,
}

/// Everything the metric engine needs for one team over one span of time.
///
/// Events are those whose time falls in the requested span (deployments by
/// `deployed_at`, changes by the time they reached production, incidents by start or
/// resolution); `coverage` is what the team's imports cover over all time, so that a
/// quiet week inside it reads as zero deployments while a week before the first import
/// reaches reads as "no data".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventSet {
    pub coverage: Coverage,
    /// Sorted by `deployed_at`.
    pub deployments: Vec<DeploymentFact>,
    /// Sorted by `deployed_at`.
    pub changes: Vec<ChangeFact>,
    /// Sorted by `started_at`; none resolved before it started (imports refuse that).
    pub incidents: Vec<IncidentFact>,
    /// Pre-aggregated DORA values imported from another tool.
    pub dora_samples: Vec<(DoraMetric, SampleSet)>,
    pub team_metrics: Vec<TeamSamples>,
}
