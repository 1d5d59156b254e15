//! How a change finds the deployment that shipped it, and an incident the deployment
//! that caused it. The loader stores the result so the metric engine can read deployed
//! changes with one index range scan.

use super::StoreError;
use super::deployment_ids::{DeploymentIds, Slot};
use crate::domain::{DeployKind, DeployStatus, TeamId, Timestamp};
use rusqlite::Connection;
// Fx hashing: names and row ids are not attacker-chosen, and few.
use rustc_hash::FxHashMap as HashMap;
use std::rc::Rc;

/// The columns of a deployment besides its ids and time. A store holds few distinct
/// combinations (a handful of environments and services), so each is kept once and a
/// million deployments share them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Attrs {
    pub environment: Rc<str>,
    pub production: bool,
    pub service: Option<Rc<str>>,
    pub status: DeployStatus,
    pub kind: DeployKind,
}

/// A deployment as stored, enough to link to it and to tell whether it changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct StoredDeployment<'a> {
    pub id: i64,
    pub deployed_at: Timestamp,
    pub attrs: &'a Attrs,
}

/// Where a change stands: the deployment it names or was matched to, and the time it
/// reached production (none when not yet deployed, or when the link is inconsistent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Link {
    pub deployment_ref: Option<i64>,
    pub deployed_at: Option<Timestamp>,
}

/// [`Attrs`] by the numbers of its names: looked up without building an `Attrs`.
type AttrsKey = (u32, Option<u32>, bool, DeployStatus, DeployKind);

/// Every deployment of one team, by external id and, for production, by time.
#[derive(Default)]
pub(super) struct DeploymentIndex {
    by_external_id: DeploymentIds,
    attrs: Vec<Attrs>,
    attrs_by_key: HashMap<AttrsKey, u32>,
    names: HashMap<Rc<str>, u32>,
    name_list: Vec<Rc<str>>,
    production: Vec<(Timestamp, i64)>,
    /// Production deployments naming no service; when that is all of them (no service
    /// column, the common case), left empty and read as `production`.
    production_unscoped: Vec<(Timestamp, i64)>,
    unscoped_is_all: bool,
    production_by_service: HashMap<Rc<str>, Vec<(Timestamp, i64)>>,
}

/// The loader indexes external ids in one arena addressed with 32 bits.
fn too_many_ids() -> StoreError {
    StoreError::TooManyDeploymentIds
}

impl DeploymentIndex {
    pub fn load(conn: &Connection, team: TeamId) -> Result<Self, StoreError> {
        let count: i64 =
            conn.query_row("SELECT count(*) FROM deployments WHERE team_id = ?1", [team.0], |r| r.get(0))?;
        let mut stmt = conn.prepare_cached(
            "SELECT id, external_id, deployed_at, environment, is_production, service, status, kind
             FROM deployments WHERE team_id = ?1",
        )?;
        let mut rows = stmt.query([team.0])?;
        let mut index = DeploymentIndex::default();
        index.by_external_id.reserve_exact(usize::try_from(count).unwrap_or(0));
        while let Some(row) = rows.next()? {
            let status: &str = row.get_ref(6)?.as_str().map_err(rusqlite::Error::from)?;
            let kind: &str = row.get_ref(7)?.as_str().map_err(rusqlite::Error::from)?;
            let attrs = index.attrs_of(
                row.get_ref(3)?.as_str().map_err(rusqlite::Error::from)?,
                row.get(4)?,
                row.get_ref(5)?.as_str_or_null().map_err(rusqlite::Error::from)?,
                // The schema's CHECK constraints admit only known names.
                status.parse().unwrap_or(DeployStatus::Success),
                kind.parse().unwrap_or(DeployKind::Planned),
            );
            let slot = Slot { id: row.get(0)?, deployed_at: row.get(2)?, attrs };
            let external_id = row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
            index.by_external_id.push_distinct(external_id, slot).map_err(|_| too_many_ids())?;
        }
        index.by_external_id.sort_pushed();
        index.rebuild_timeline();
        Ok(index)
    }

    /// The number of the shared copy of a name.
    fn name(&mut self, name: &str) -> u32 {
        if let Some(&n) = self.names.get(name) {
            return n;
        }
        let shared: Rc<str> = name.into();
        let n = self.name_list.len() as u32;
        self.names.insert(shared.clone(), n);
        self.name_list.push(shared);
        n
    }

    /// The number of the shared [`Attrs`] with these values.
    fn attrs_of(
        &mut self,
        environment: &str,
        production: bool,
        service: Option<&str>,
        status: DeployStatus,
        kind: DeployKind,
    ) -> u32 {
        let environment = self.name(environment);
        let service = service.map(|s| self.name(s));
        let key = (environment, service, production, status, kind);
        if let Some(&n) = self.attrs_by_key.get(&key) {
            return n;
        }
        let n = self.attrs.len() as u32;
        self.attrs.push(Attrs {
            environment: self.name_list[environment as usize].clone(),
            production,
            service: service.map(|s| self.name_list[s as usize].clone()),
            status,
            kind,
        });
        self.attrs_by_key.insert(key, n);
        n
    }

    fn stored(&self, slot: Slot) -> StoredDeployment<'_> {
        StoredDeployment { id: slot.id, deployed_at: slot.deployed_at, attrs: &self.attrs[slot.attrs as usize] }
    }

    /// The deployment stored (or loaded in this import) under `external_id`.
    pub fn get(&self, external_id: &str) -> Option<StoredDeployment<'_>> {
        self.by_external_id.get(external_id).map(|slot| self.stored(slot))
    }

    /// Every deployment, in no particular order.
    pub fn deployments(&self) -> impl Iterator<Item = StoredDeployment<'_>> + '_ {
        self.by_external_id.values().map(|slot| self.stored(slot))
    }

    /// Records what `external_id` now is; the timelines follow at [`Self::rebuild_timeline`].
    #[allow(clippy::too_many_arguments)]
    pub fn set(
        &mut self,
        external_id: &str,
        id: i64,
        deployed_at: Timestamp,
        environment: &str,
        production: bool,
        service: Option<&str>,
        status: DeployStatus,
        kind: DeployKind,
    ) -> Result<(), StoreError> {
        let attrs = self.attrs_of(environment, production, service, status, kind);
        self.by_external_id.insert(external_id, Slot { id, deployed_at, attrs }).map_err(|_| too_many_ids())
    }

    /// Rebuilds the production timelines after deployments were set.
    ///
    /// A deployment that names no service ships every service (a monolith, or an export
    /// without a service column), so it sits on every service's timeline too.
    pub fn rebuild_timeline(&mut self) {
        let production = |slot: &Slot| self.attrs[slot.attrs as usize].production;
        let count = self.by_external_id.values().filter(production).count();
        // Exact sizes: a doubled vector would hold up to twice what it needs.
        let mut timeline = Vec::with_capacity(count);
        let mut unscoped = Vec::new();
        let mut by_service: HashMap<Rc<str>, Vec<(Timestamp, i64)>> = HashMap::default();
        for slot in self.by_external_id.values().filter(production) {
            timeline.push((slot.deployed_at, slot.id));
            match &self.attrs[slot.attrs as usize].service {
                Some(service) => by_service.entry(service.clone()).or_default().push((slot.deployed_at, slot.id)),
                None => unscoped.push((slot.deployed_at, slot.id)),
            }
        }
        timeline.sort_unstable();
        self.unscoped_is_all = unscoped.len() == timeline.len();
        if self.unscoped_is_all {
            unscoped = Vec::new();
        } else {
            unscoped.sort_unstable();
        }
        for service_timeline in by_service.values_mut() {
            let all = if self.unscoped_is_all { &timeline } else { &unscoped };
            service_timeline.extend_from_slice(all);
            service_timeline.sort_unstable();
        }
        self.production = timeline;
        self.production_unscoped = unscoped;
        self.production_by_service = by_service;
    }

    /// Production deployments that name no service.
    fn unscoped(&self) -> &[(Timestamp, i64)] {
        if self.unscoped_is_all { &self.production } else { &self.production_unscoped }
    }

    /// The production deployments a change of `service` can ship in: that service's and
    /// those naming no service, or every one when the change names no service.
    fn timeline(&self, service: Option<&str>) -> &[(Timestamp, i64)] {
        match service {
            Some(s) => self.production_by_service.get(s).map_or(self.unscoped(), Vec::as_slice),
            None => &self.production,
        }
    }

    /// A change that names its deployment: deployed when that deployment is in production
    /// and not earlier than the commit (a deployment cannot ship a later commit).
    pub fn link_named(&self, deployment: &str, committed_at: Timestamp) -> Link {
        match self.get(deployment) {
            None => Link::default(),
            Some(d) => Link {
                deployment_ref: Some(d.id),
                deployed_at: (d.attrs.production && d.deployed_at >= committed_at).then_some(d.deployed_at),
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
            None => self.unscoped(),
        };
        let before = timeline.partition_point(|&(at, _)| at < t);
        before.checked_sub(1).map(|i| timeline[i].0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deployment as `index` takes it.
    struct D {
        id: i64,
        at: Timestamp,
        production: bool,
        service: Option<&'static str>,
    }

    fn deployment(id: i64, at: Timestamp, production: bool, service: Option<&'static str>) -> D {
        D { id, at, production, service }
    }

    fn index(ds: Vec<(&str, D)>) -> DeploymentIndex {
        let mut index = DeploymentIndex::default();
        for (key, d) in ds {
            let environment = if d.production { "production" } else { "staging" };
            index
                .set(key, d.id, d.at, environment, d.production, d.service, DeployStatus::Success, DeployKind::Planned)
                .unwrap();
        }
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
