use super::Timestamp;

/// What became of a deployment once it reached its environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeployStatus {
    Success,
    Failed,
    RolledBack,
}

impl DeployStatus {
    pub const ALL: [DeployStatus; 3] = [Self::Success, Self::Failed, Self::RolledBack];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Failed => "failed",
            Self::RolledBack => "rolled_back",
        }
    }

    /// A failed or rolled-back deployment is a change failure by itself.
    pub fn is_failure(self) -> bool {
        !matches!(self, Self::Success)
    }
}

/// Why a deployment happened: planned work, or rework after something went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeployKind {
    Planned,
    Hotfix,
    Rollback,
    FixForward,
}

impl DeployKind {
    pub const ALL: [DeployKind; 4] = [Self::Planned, Self::Hotfix, Self::Rollback, Self::FixForward];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Planned => "planned",
            Self::Hotfix => "hotfix",
            Self::Rollback => "rollback",
            Self::FixForward => "fix_forward",
        }
    }

    /// Unplanned deployments are what the deployment rework rate counts.
    pub fn is_rework(self) -> bool {
        !matches!(self, Self::Planned)
    }
}

macro_rules! parse_by_name {
    ($t:ty) => {
        impl std::str::FromStr for $t {
            type Err = ();
            /// Case-insensitive; `-` and spaces count as `_` (`Rolled-Back` is `rolled_back`).
            fn from_str(s: &str) -> Result<Self, ()> {
                Self::ALL.into_iter().find(|v| same_name(s, v.as_str())).ok_or(())
            }
        }
    };
}

/// Whether `input` names `canonical` (lower case, `_` between words), ignoring case,
/// surrounding space, and `-` or ` ` for `_`. No allocation: it runs for every row read.
fn same_name(input: &str, canonical: &str) -> bool {
    let input = input.trim().as_bytes();
    input.len() == canonical.len()
        && input.iter().zip(canonical.bytes()).all(|(&a, b)| {
            let a = match a {
                b'-' | b' ' => b'_',
                a => a.to_ascii_lowercase(),
            };
            a == b
        })
}
parse_by_name!(DeployStatus);
parse_by_name!(DeployKind);

/// Only production deployments enter any metric; an empty environment means production.
pub fn is_production(environment: &str) -> bool {
    let env = environment.trim();
    env.is_empty() || env.eq_ignore_ascii_case("production")
}

/// A deployment as an importer hands it to the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deployment {
    pub external_id: String,
    pub deployed_at: Timestamp,
    pub environment: String,
    pub service: Option<String>,
    pub status: DeployStatus,
    pub kind: DeployKind,
}

impl Deployment {
    pub fn is_production(&self) -> bool {
        is_production(&self.environment)
    }
}

/// A change (a commit or merged pull request) as an importer hands it to the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub external_id: String,
    pub committed_at: Timestamp,
    /// The deployment that shipped it; when absent, the first production deployment at
    /// or after the commit (of the same service, when the change names one).
    pub deployment_id: Option<String>,
    pub service: Option<String>,
}

/// An incident as an importer hands it to the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    pub external_id: String,
    pub started_at: Timestamp,
    /// Open incidents have none and stay out of recovery time until resolved.
    pub resolved_at: Option<Timestamp>,
    /// The deployment that caused it, when known.
    pub deployment_id: Option<String>,
    /// The service it hit, when known: linking by time looks at that service's
    /// deployments (and those that name no service).
    pub service: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_loosely_but_only_to_known_values() {
        assert_eq!("Rolled-Back".parse(), Ok(DeployStatus::RolledBack));
        assert_eq!("FAILED".parse(), Ok(DeployStatus::Failed));
        assert_eq!("fix forward".parse(), Ok(DeployKind::FixForward));
        assert_eq!("succeeded".parse::<DeployStatus>(), Err(()));
    }

    #[test]
    fn production_is_case_insensitive_and_empty_means_production() {
        assert!(is_production("Production"));
        assert!(is_production(""));
        assert!(is_production("  "));
        assert!(!is_production("staging"));
        assert!(!is_production("prod"));
    }
}
