use std::fmt;

/// Which way a metric should move for things to be getting better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Polarity {
    HigherIsBetter,
    LowerIsBetter,
}

impl Polarity {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HigherIsBetter => "higher_is_better",
            Self::LowerIsBetter => "lower_is_better",
        }
    }

    /// Accepts `higher_is_better`, `higher`, `up` and their `lower` twins, any case.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().replace(['-', ' '], "_").as_str() {
            "higher_is_better" | "higher" | "up" => Some(Self::HigherIsBetter),
            "lower_is_better" | "lower" | "down" => Some(Self::LowerIsBetter),
            _ => None,
        }
    }
}

/// The five DORA software delivery performance metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DoraMetric {
    DeploymentFrequency,
    ChangeLeadTime,
    ChangeFailureRate,
    RecoveryTime,
    ReworkRate,
}

impl DoraMetric {
    pub const ALL: [DoraMetric; 5] = [
        Self::DeploymentFrequency,
        Self::ChangeLeadTime,
        Self::ChangeFailureRate,
        Self::RecoveryTime,
        Self::ReworkRate,
    ];

    /// Stable machine name used in JSON, CSV and imports.
    pub fn key(self) -> &'static str {
        match self {
            Self::DeploymentFrequency => "deployment_frequency",
            Self::ChangeLeadTime => "change_lead_time",
            Self::ChangeFailureRate => "change_failure_rate",
            Self::RecoveryTime => "failed_deployment_recovery_time",
            Self::ReworkRate => "deployment_rework_rate",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::DeploymentFrequency => "Deployment frequency",
            Self::ChangeLeadTime => "Change lead time",
            Self::ChangeFailureRate => "Change failure rate",
            Self::RecoveryTime => "Failed deployment recovery time",
            Self::ReworkRate => "Deployment rework rate",
        }
    }

    pub fn unit(self) -> super::Unit {
        match self {
            Self::DeploymentFrequency => super::Unit::DeploysPerDay,
            Self::ChangeLeadTime | Self::RecoveryTime => super::Unit::Hours,
            Self::ChangeFailureRate | Self::ReworkRate => super::Unit::Percent,
        }
    }

    pub fn polarity(self) -> Polarity {
        match self {
            Self::DeploymentFrequency => Polarity::HigherIsBetter,
            _ => Polarity::LowerIsBetter,
        }
    }

    /// The definition in one line, as retro computes it (docs/metrics.md has the rest).
    pub fn definition(self) -> &'static str {
        match self {
            Self::DeploymentFrequency => {
                "Production deployments per day in the period; failed and rolled-back ones count too."
            }
            Self::ChangeLeadTime => "Median time from commit to production, over the changes deployed in the period.",
            Self::ChangeFailureRate => {
                "Share of the period's production deployments that failed, were rolled back or caused an incident."
            }
            Self::RecoveryTime => {
                "Median time to resolve incidents caused by a production deployment, by the period of resolution."
            }
            Self::ReworkRate => {
                "Share of the period's production deployments that were unplanned: hotfixes, rollbacks, fixes forward."
            }
        }
    }

    /// What DORA's research reports as the spread across teams: context for a
    /// conversation, never a grade of this team.
    pub fn research_context(self) -> &'static str {
        match self {
            Self::DeploymentFrequency => {
                "DORA's surveys find teams anywhere from deploying on demand to once every few months."
            }
            Self::ChangeLeadTime => "DORA's surveys find lead times from under a day to several months.",
            Self::ChangeFailureRate => "DORA's surveys find failure rates from about 5% to over 40% across teams.",
            Self::RecoveryTime => "DORA's surveys find recovery from under an hour to over a week.",
            Self::ReworkRate => "DORA added rework rate in 2024; there are no published levels to compare with yet.",
        }
    }

    /// Finds a metric by its key; a few common aliases are accepted for imports.
    pub fn from_key(key: &str) -> Option<Self> {
        let key = key.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Self::ALL.into_iter().find(|m| m.key() == key).or(match key.as_str() {
            "lead_time" | "lead_time_for_changes" => Some(Self::ChangeLeadTime),
            "recovery_time" | "time_to_restore" | "mttr" | "time_to_restore_service" => Some(Self::RecoveryTime),
            "rework_rate" => Some(Self::ReworkRate),
            _ => None,
        })
    }
}

impl fmt::Display for DoraMetric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Names any metric retro tracks: one of the DORA five or a team-chosen one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MetricKey {
    Dora(DoraMetric),
    Team(String),
}

impl MetricKey {
    /// The stable key: a DORA metric's key, or a team metric's name.
    pub fn key(&self) -> &str {
        match self {
            Self::Dora(m) => m.key(),
            Self::Team(name) => name,
        }
    }

    /// The metric a stored key names: a DORA metric, or else a team-chosen one.
    pub fn from_key(key: &str) -> Self {
        DoraMetric::from_key(key).map_or_else(|| Self::Team(key.trim().to_owned()), Self::Dora)
    }

    /// What people read: "Change lead time", or the team metric's name.
    pub fn name(&self) -> &str {
        match self {
            Self::Dora(m) => m.name(),
            Self::Team(name) => name,
        }
    }
}

impl fmt::Display for MetricKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A metric the team chose to track beside the DORA five (customer satisfaction,
/// escaped defects, ...), entered per period.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamMetric {
    pub name: String,
    pub unit: String,
    pub polarity: Polarity,
}

/// One value for one period, of a team-chosen metric or a pre-aggregated DORA metric.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricSample {
    pub metric: MetricKey,
    pub period: super::Period,
    pub value: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dora_keys_round_trip() {
        for m in DoraMetric::ALL {
            assert_eq!(DoraMetric::from_key(m.key()), Some(m));
        }
        assert_eq!(DoraMetric::from_key("MTTR"), Some(DoraMetric::RecoveryTime));
        assert_eq!(DoraMetric::from_key("customer_satisfaction"), None);
    }

    #[test]
    fn only_deployment_frequency_is_better_higher() {
        let higher: Vec<_> = DoraMetric::ALL.into_iter().filter(|m| m.polarity() == Polarity::HigherIsBetter).collect();
        assert_eq!(higher, [DoraMetric::DeploymentFrequency]);
    }
}
