//! Seeded, deterministic synthetic delivery histories, for tests, benchmarks and the
//! demo team's story. The same seed and profile always give the same events.

use crate::domain::{Change, DeployKind, DeployStatus, Deployment, Incident, Timestamp};
use std::io::Write;
use std::path::Path;

const HOUR: f64 = 3600.0;
const DAY: i64 = 86_400;
const WEEK: i64 = 7 * DAY;

/// How a team delivers during one week.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeekProfile {
    pub deploys: f64,
    pub changes_per_deploy: f64,
    /// Share of deployments that fail (status failed / rolled back, or an incident).
    pub failure_rate: f64,
    /// Share of deployments that are hotfixes, rollbacks or fixes forward.
    pub rework_rate: f64,
    /// Median hours from commit to production.
    pub lead_time_hours: f64,
    /// Median hours from an incident's start to its resolution.
    pub recovery_hours: f64,
}

impl WeekProfile {
    /// A steady team: 8 deployments a week of 4 changes, 10% failures, 7% rework, lead
    /// time 30 hours, recovery 3 hours. The demo team starts here, and the signals'
    /// thresholds are checked against it.
    pub const STEADY: WeekProfile = WeekProfile {
        deploys: 8.0,
        changes_per_deploy: 4.0,
        failure_rate: 0.10,
        rework_rate: 0.07,
        lead_time_hours: 30.0,
        recovery_hours: 3.0,
    };

    /// The profile `t` of the way from `self` to `other` (0 to 1).
    pub fn towards(&self, other: &WeekProfile, t: f64) -> WeekProfile {
        let mix = |a: f64, b: f64| a + (b - a) * t;
        WeekProfile {
            deploys: mix(self.deploys, other.deploys),
            changes_per_deploy: mix(self.changes_per_deploy, other.changes_per_deploy),
            failure_rate: mix(self.failure_rate, other.failure_rate),
            rework_rate: mix(self.rework_rate, other.rework_rate),
            lead_time_hours: mix(self.lead_time_hours, other.lead_time_hours),
            recovery_hours: mix(self.recovery_hours, other.recovery_hours),
        }
    }
}

/// Deployments with their changes and incidents, each sorted by time.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dataset {
    pub deployments: Vec<Deployment>,
    pub changes: Vec<Change>,
    pub incidents: Vec<Incident>,
}

/// A history week by week from `start` (a Monday, ideally), one profile per week.
pub fn story(seed: u64, start: Timestamp, weeks: &[WeekProfile]) -> Dataset {
    let mut g = Generator::new(seed);
    for (w, profile) in weeks.iter().enumerate() {
        let week_start = start + w as i64 * WEEK;
        let count = g.poisson(profile.deploys);
        let mut times: Vec<Timestamp> = (0..count).map(|_| g.working_time(week_start)).collect();
        times.sort_unstable();
        for t in times {
            g.deployment(t, profile);
        }
        // Now and then something breaks that no deployment caused (a provider outage).
        if g.rng.f64() < 0.08 {
            let started_at = g.working_time(week_start);
            let resolved_at = started_at + g.lognormal_secs(profile.recovery_hours, 0.8);
            g.incident(started_at, Some(resolved_at), None);
        }
    }
    g.finish(start + weeks.len() as i64 * WEEK)
}

/// Exactly `deployments` deployments spread evenly over `[start, end)`, with on average
/// `changes_per_deployment` changes each: the shape benchmarks need.
pub fn uniform(
    seed: u64,
    deployments: usize,
    changes_per_deployment: f64,
    start: Timestamp,
    end: Timestamp,
) -> Dataset {
    let mut g = Generator::new(seed);
    let profile = WeekProfile {
        deploys: 0.0,
        changes_per_deploy: changes_per_deployment,
        failure_rate: 0.1,
        rework_rate: 0.08,
        lead_time_hours: 30.0,
        recovery_hours: 3.0,
    };
    let step = (end - start) as f64 / deployments.max(1) as f64;
    for i in 0..deployments {
        let t = start + (i as f64 * step + g.rng.f64() * step) as i64;
        g.deployment(t.min(end - 1), &profile);
    }
    g.finish(end)
}

struct Generator {
    rng: fastrand::Rng,
    data: Dataset,
}

impl Generator {
    fn new(seed: u64) -> Self {
        Generator { rng: fastrand::Rng::with_seed(seed), data: Dataset::default() }
    }

    /// A moment in working hours (Monday to Friday, 08:00 to 18:00 UTC) of the week.
    fn working_time(&mut self, week_start: Timestamp) -> Timestamp {
        week_start + self.rng.i64(0..5) * DAY + 8 * 3600 + self.rng.i64(0..10 * 3600)
    }

    fn poisson(&mut self, mean: f64) -> usize {
        if mean <= 0.0 {
            return 0;
        }
        if mean > 30.0 {
            return (mean + mean.sqrt() * self.normal()).round().max(0.0) as usize;
        }
        let limit = (-mean).exp();
        let (mut k, mut p) = (0, self.rng.f64());
        while p > limit {
            k += 1;
            p *= self.rng.f64();
        }
        k
    }

    fn normal(&mut self) -> f64 {
        let u1 = self.rng.f64().max(f64::MIN_POSITIVE);
        let u2 = self.rng.f64();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// Seconds drawn from a log-normal distribution with the given median in hours.
    fn lognormal_secs(&mut self, median_hours: f64, sigma: f64) -> i64 {
        ((median_hours * HOUR) * (sigma * self.normal()).exp()).max(60.0) as i64
    }

    fn deployment(&mut self, at: Timestamp, p: &WeekProfile) {
        let id = format!("D-{:07}", self.data.deployments.len() + 1);
        let kind = if self.rng.f64() < p.rework_rate {
            *self.pick(&[DeployKind::Hotfix, DeployKind::Hotfix, DeployKind::FixForward, DeployKind::Rollback])
        } else {
            DeployKind::Planned
        };
        let mut status = DeployStatus::Success;
        if self.rng.f64() < p.failure_rate {
            match self.rng.u8(0..10) {
                0..=5 => {
                    let started_at = at + self.rng.i64(5 * 60..4 * 3600);
                    let resolved_at = started_at + self.lognormal_secs(p.recovery_hours, 0.8);
                    self.incident(started_at, Some(resolved_at), Some(id.clone()));
                }
                6..=7 => status = DeployStatus::Failed,
                _ => status = DeployStatus::RolledBack,
            }
        }
        let changes = match kind {
            DeployKind::Rollback => 0,
            DeployKind::Hotfix | DeployKind::FixForward => 1,
            DeployKind::Planned => self.poisson(p.changes_per_deploy).max(1),
        };
        for _ in 0..changes {
            let lead = self.lognormal_secs(p.lead_time_hours, 0.9);
            self.data.changes.push(Change {
                external_id: format!("C-{:08}", self.data.changes.len() + 1),
                committed_at: at - lead,
                deployment_id: Some(id.clone()),
                service: None,
            });
        }
        self.data.deployments.push(Deployment {
            external_id: id,
            deployed_at: at,
            environment: "production".to_owned(),
            service: None,
            status,
            kind,
        });
    }

    fn incident(&mut self, started_at: Timestamp, resolved_at: Option<Timestamp>, deployment_id: Option<String>) {
        self.data.incidents.push(Incident {
            external_id: format!("I-{:06}", self.data.incidents.len() + 1),
            started_at,
            resolved_at,
            deployment_id,
            service: None,
        });
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.rng.usize(0..items.len())]
    }

    /// Incidents that would resolve after `end` are still open at `end`.
    fn finish(mut self, end: Timestamp) -> Dataset {
        for i in &mut self.data.incidents {
            if i.resolved_at.is_some_and(|r| r > end) {
                i.resolved_at = None;
            }
        }
        self.data.changes.sort_by_key(|c| c.committed_at);
        self.data.incidents.sort_by_key(|i| i.started_at);
        self.data
    }
}

impl Dataset {
    /// Writes `deployments.csv`, `changes.csv` and `incidents.csv` into `dir`, in the
    /// importers' format.
    pub fn write_csv(&self, dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let ts = |t: Timestamp| crate::domain::format_timestamp(t, Default::default());
        let mut w = std::io::BufWriter::new(std::fs::File::create(dir.join("deployments.csv"))?);
        writeln!(w, "id,deployed_at,environment,service,status,kind")?;
        for d in &self.deployments {
            writeln!(
                w,
                "{},{},{},{},{},{}",
                d.external_id,
                ts(d.deployed_at),
                d.environment,
                d.service.as_deref().unwrap_or(""),
                d.status.as_str(),
                d.kind.as_str()
            )?;
        }
        w.flush()?;
        let mut w = std::io::BufWriter::new(std::fs::File::create(dir.join("changes.csv"))?);
        writeln!(w, "id,committed_at,deployment_id,service")?;
        for c in &self.changes {
            writeln!(
                w,
                "{},{},{},{}",
                c.external_id,
                ts(c.committed_at),
                c.deployment_id.as_deref().unwrap_or(""),
                c.service.as_deref().unwrap_or("")
            )?;
        }
        w.flush()?;
        let mut w = std::io::BufWriter::new(std::fs::File::create(dir.join("incidents.csv"))?);
        writeln!(w, "id,started_at,resolved_at,deployment_id")?;
        for i in &self.incidents {
            writeln!(
                w,
                "{},{},{},{}",
                i.external_id,
                ts(i.started_at),
                i.resolved_at.map(ts).unwrap_or_default(),
                i.deployment_id.as_deref().unwrap_or("")
            )?;
        }
        w.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_data_and_exact_count() {
        let a = uniform(3, 500, 4.0, 0, 365 * DAY);
        let b = uniform(3, 500, 4.0, 0, 365 * DAY);
        assert_eq!(a, b);
        assert_eq!(a.deployments.len(), 500);
        assert_ne!(a, uniform(4, 500, 4.0, 0, 365 * DAY));
        assert!(a.deployments.windows(2).all(|w| w[0].deployed_at <= w[1].deployed_at));
    }

    #[test]
    fn changes_precede_their_deployment() {
        let d = uniform(1, 200, 3.0, 0, 30 * DAY);
        let times: std::collections::HashMap<_, _> =
            d.deployments.iter().map(|x| (x.external_id.clone(), x.deployed_at)).collect();
        for c in &d.changes {
            assert!(c.committed_at < times[c.deployment_id.as_ref().unwrap()]);
        }
    }
}
