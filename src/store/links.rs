//! How a change finds the deployment that shipped it, and an incident the deployment
//! that caused it. The loader stores the result so the metric engine can read deployed
//! changes with one index range scan.

use super::StoreError;
use crate::domain::{DeployKind, DeployStatus, TeamId, Timestamp};
use rusqlite::Connection;
// Fx hashing: ids are not attacker-chosen, and imports hash a million of them.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::rc::Rc;

/// A deployment as stored, enough to link to it and to tell whether it changed.
/// Environments and services are few and shared ([`DeploymentIndex::name`]): a million
/// deployments hold a handful of names, not two million strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct StoredDeployment {
    pub id: i64,
    pub deployed_at: Timestamp,
    pub environment: Rc<str>,
    pub production: bool,
    pub service: Option<Rc<str>>,
    pub status: DeployStatus,
    pub kind: DeployKind,
}

/// Where a change stands: the deployment it names or was matched to, and the time it
/// reached production (none when not yet deployed, or when the link is inconsistent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Link {
    pub deployment_ref: Option<i64>,
    pub deployed_at: Option<Timestamp>,
}

/// Every deployment of one team, by external id and, for production, by time.
#[derive(Debug, Default)]
pub(super) struct DeploymentIndex {
    pub by_external_id: HashMap<String, StoredDeployment>,
    production: Vec<(Timestamp, i64)>,
    production_unscoped: Vec<(Timestamp, i64)>,
    production_by_service: HashMap<String, Vec<(Timestamp, i64)>>,
    names: HashSet<Rc<str>>,
}

impl DeploymentIndex {
    pub fn load(conn: &Connection, team: TeamId) -> Result<Self, StoreError> {
        let mut stmt = conn.prepare_cached(
            "SELECT id, external_id, deployed_at, environment, is_production, service, status, kind
             FROM deployments WHERE team_id = ?1",
        )?;
        let mut rows = stmt.query([team.0])?;
        let mut index = DeploymentIndex::default();
        while let Some(row) = rows.next()? {
            let status: String = row.get(6)?;
            let kind: String = row.get(7)?;
            let stored = StoredDeployment {
                id: row.get(0)?,
                deployed_at: row.get(2)?,
                environment: index.name(row.get_ref(3)?.as_str().map_err(rusqlite::Error::from)?),
                production: row.get(4)?,
                service: row.get_ref(5)?.as_str_or_null().map_err(rusqlite::Error::from)?.map(|s| index.name(s)),
                // The schema's CHECK constraints admit only known names.
                status: status.parse().unwrap_or(DeployStatus::Success),
                kind: kind.parse().unwrap_or(DeployKind::Planned),
            };
            index.by_external_id.insert(row.get(1)?, stored);
        }
        index.rebuild_timeline();
        Ok(index)
    }

    /// The shared copy of an environment or service name.
    pub fn name(&mut self, name: &str) -> Rc<str> {
        match self.names.get(name) {
            Some(shared) => shared.clone(),
            None => {
                let shared: Rc<str> = name.into();
                self.names.insert(shared.clone());
                shared
            }
        }
    }

    /// Rebuilds the production timelines after `by_external_id` changed.
    ///
    /// A deployment that names no service ships every service (a monolith, or an export
    /// without a service column), so it sits on every service's timeline too.
    pub fn rebuild_timeline(&mut self) {
        self.production.clear();
        self.production_unscoped.clear();
        self.production_by_service.clear();
        for d in self.by_external_id.values().filter(|d| d.production) {
            self.production.push((d.deployed_at, d.id));
            match &d.service {
                Some(service) => {
                    self.production_by_service.entry(service.to_string()).or_default().push((d.deployed_at, d.id))
                }
                None => self.production_unscoped.push((d.deployed_at, d.id)),
            }
        }
        for timeline in self.production_by_service.values_mut() {
            timeline.extend_from_slice(&self.production_unscoped);
            timeline.sort_unstable();
        }
        self.production.sort_unstable();
        self.production_unscoped.sort_unstable();
    }

    /// The production deployments a change of `service` can ship in: that service's and
    /// those naming no service, or every one when the change names no service.
    fn timeline(&self, service: Option<&str>) -> &[(Timestamp, i64)] {
        match service {
            Some(s) => self.production_by_service.get(s).unwrap_or(&self.production_unscoped),
            None => &self.production,
        }
    }

    /// A change that names its deployment: deployed when that deployment is in production
    /// and not earlier than the commit (a deployment cannot ship a later commit).
    pub fn link_named(&self, deployment: &str, committed_at: Timestamp) -> Link {
        match self.by_external_id.get(deployment) {
            None => Link::default(),
            Some(d) => Link {
                deployment_ref: Some(d.id),
                deployed_at: (d.production && d.deployed_at >= committed_at).then_some(d.deployed_at),
            },
        }
    }

    /// A change that names no deployment ships in the first production deployment at or
    /// after its commit (of its service, when it names one).
    pub fn link_unnamed(&self, committed_at: Timestamp, service: Option<&str>) -> Link {
        let timeline = self.timeline(service);
        let first = timeline.partition_point(|&(t, _)| t < committed_at);
        timeline.get(first).map_or(Link::default(), |&(t, id)| Link { deployment_ref: Some(id), deployed_at: Some(t) })
    }

    /// An incident of `service` that names no deployment, linked by time: the last
    /// production deployment at or before its start (of that service or naming none;
    /// any, when the incident names no service).
    pub fn last_at_or_before(&self, started_at: Timestamp, service: Option<&str>) -> Option<i64> {
        let timeline = self.timeline(service);
        let after = timeline.partition_point(|&(t, _)| t <= started_at);
        after.checked_sub(1).map(|i| timeline[i].1)
    }

    /// A lower bound for the commits a production deployment of `service` at `t` can
    /// ship: the latest deployment strictly before `t` on every timeline it sits on.
    /// Changes committed at or before that bound ship in that deployment or earlier.
    pub fn unaffected_before(&self, t: Timestamp, service: Option<&str>) -> Option<Timestamp> {
        // Each timeline holding the deployment contains the one searched here, so the
        // deployment found is at or before the one on any of them.
        let timeline = match service {
            Some(_) => self.timeline(service),
            None => &self.production_unscoped,
        };
        let before = timeline.partition_point(|&(at, _)| at < t);
        before.checked_sub(1).map(|i| timeline[i].0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployment(id: i64, t: Timestamp, production: bool, service: Option<&str>) -> StoredDeployment {
        StoredDeployment {
            id,
            deployed_at: t,
            environment: if production { "production" } else { "staging" }.into(),
            production,
            service: service.map(Into::into),
            status: DeployStatus::Success,
            kind: DeployKind::Planned,
        }
    }

    fn index(ds: Vec<(&str, StoredDeployment)>) -> DeploymentIndex {
        let mut index = DeploymentIndex {
            by_external_id: ds.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
            ..Default::default()
        };
        index.rebuild_timeline();
        index
    }

    #[test]
    fn unnamed_change_ships_with_first_production_deployment_at_or_after_commit() {
        let idx = index(vec![
            ("a", deployment(1, 100, true, Some("api"))),
            ("b", deployment(2, 200, false, Some("api"))),
            ("c", deployment(3, 300, true, Some("web"))),
            ("d", deployment(4, 400, true, Some("api"))),
        ]);
        assert_eq!(idx.link_unnamed(100, None), Link { deployment_ref: Some(1), deployed_at: Some(100) });
        assert_eq!(idx.link_unnamed(101, None), Link { deployment_ref: Some(3), deployed_at: Some(300) });
        assert_eq!(idx.link_unnamed(101, Some("api")), Link { deployment_ref: Some(4), deployed_at: Some(400) });
        assert_eq!(idx.link_unnamed(401, None), Link::default());
        assert_eq!(idx.link_unnamed(50, Some("batch")), Link::default());
    }

    #[test]
    fn named_change_needs_a_production_deployment_not_before_its_commit() {
        let idx = index(vec![("prod", deployment(1, 100, true, None)), ("stage", deployment(2, 200, false, None))]);
        assert_eq!(idx.link_named("prod", 90), Link { deployment_ref: Some(1), deployed_at: Some(100) });
        assert_eq!(idx.link_named("prod", 110), Link { deployment_ref: Some(1), deployed_at: None });
        assert_eq!(idx.link_named("stage", 90), Link { deployment_ref: Some(2), deployed_at: None });
        assert_eq!(idx.link_named("missing", 90), Link::default());
    }

    #[test]
    fn a_deployment_without_a_service_ships_every_service() {
        let idx = index(vec![
            ("api", deployment(1, 100, true, Some("api"))),
            ("all", deployment(2, 200, true, None)),
            ("web", deployment(3, 300, true, Some("web"))),
        ]);
        let at = |link: Link| link.deployed_at;
        assert_eq!(at(idx.link_unnamed(150, Some("web"))), Some(200));
        assert_eq!(at(idx.link_unnamed(150, Some("batch"))), Some(200), "a service no deployment names");
        assert_eq!(at(idx.link_unnamed(250, Some("api"))), None);
        assert_eq!(at(idx.link_unnamed(250, Some("web"))), Some(300));
    }

    #[test]
    fn unaffected_before_is_strictly_before_on_every_timeline_of_the_deployment() {
        let idx = index(vec![
            ("a", deployment(1, 100, true, None)),
            ("b", deployment(2, 200, true, None)),
            ("c", deployment(3, 150, true, Some("api"))),
        ]);
        assert_eq!(idx.unaffected_before(200, None), Some(100), "service-less: its own timeline");
        assert_eq!(idx.unaffected_before(100, None), None);
        assert_eq!(idx.unaffected_before(201, None), Some(200));
        assert_eq!(idx.unaffected_before(200, Some("api")), Some(150));
    }
}
