//! The SQLite store: opening with the right pragmas, migrations, and one module per
//! aggregate. Everything else reaches SQLite only through [`Store`].

mod actions;
mod error;
mod events;
mod links;
mod migrations;
mod read;
mod retros;
mod samples;
mod snapshot;
mod teams;

pub use error::{LoadFailure, StoreError};
pub use events::{LoadReport, TimeLinks};
pub use migrations::SCHEMA_VERSION;
pub use snapshot::{SnapshotOptions, SnapshotReport};

use crate::domain::{
    Action, ActionId, ActionReview, ActionStatus, Change, Deployment, Draft, EventSet, Incident, MetricKey,
    MetricSample, NewAction, Note, NoteId, Period, Retro, RetroId, Stage, Team, TeamMetric, Timestamp, VoteCounts,
    VoteKind,
};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use std::borrow::Borrow;
use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A second process holding the store (a retro open in another terminal) makes writers
/// wait this long before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The one handle on a retro database.
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
}

impl Store {
    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    ///
    /// A store written by a newer retro is refused before anything is written to it.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir { dir: dir.to_path_buf(), source })?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let conn = Connection::open_with_flags(path, flags)
            .map_err(|source| StoreError::Open { path: path.to_path_buf(), source })?;
        Self::prepare(conn, Some(path.to_path_buf())).map_err(|e| match e {
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(f, _)) if f.code == rusqlite::ErrorCode::NotADatabase => {
                StoreError::NotADatabase { path: path.display().to_string() }
            }
            e => e,
        })
    }

    /// A private store in memory: the demo team and tests.
    pub fn open_in_memory() -> Result<Self, StoreError> {
        Self::prepare(Connection::open_in_memory()?, None)
    }

    fn prepare(conn: Connection, path: Option<PathBuf>) -> Result<Self, StoreError> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // Refuse a foreign or newer database before any pragma below writes to the file.
        migrations::check_compatible(&conn, path.as_deref())?;
        if path.is_some() {
            // Only takes effect on a new, empty database: larger pages make bulk imports
            // and index scans cheaper.
            conn.pragma_update(None, "page_size", 8192)?;
            let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
            debug_assert_eq!(mode, "wal");
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
        // Metric scans read the change index end to end; mapping the file spares a copy
        // of every page. Reads only: writes still go through the WAL.
        conn.pragma_update(None, "mmap_size", 1i64 << 30)?;
        // Statement journals (every upsert of a bulk import opens one) and sorts stay in
        // memory instead of temporary files: three times faster imports.
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let mut store = Store { conn, path };
        migrations::migrate(&mut store.conn)?;
        Ok(store)
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction: all of it lands or none of it does.
    fn write<T, E: From<rusqlite::Error>>(
        &mut self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    // --- teams -----------------------------------------------------------------------

    pub fn add_team(&mut self, name: &str, offset: crate::domain::UtcOffset) -> Result<Team, StoreError> {
        self.write(|tx| teams::add(tx, name, offset))
    }

    pub fn teams(&self) -> Result<Vec<Team>, StoreError> {
        teams::all(&self.conn)
    }

    pub fn team_by_name(&self, name: &str) -> Result<Option<Team>, StoreError> {
        teams::by_name(&self.conn, name)
    }

    pub fn team(&self, id: crate::domain::TeamId) -> Result<Option<Team>, StoreError> {
        teams::by_id(&self.conn, id)
    }

    /// Counts of what a team has in the store, for listings.
    pub fn team_counts(&self, team: &Team) -> Result<teams::TeamCounts, StoreError> {
        teams::counts(&self.conn, team.id)
    }

    // --- events ------------------------------------------------------------------------

    /// Upserts deployments in one transaction and relinks the changes and incidents
    /// that name them or wait for them.
    pub fn load_deployments(
        &mut self,
        team: &Team,
        rows: &[Deployment],
        source: &str,
    ) -> Result<LoadReport, StoreError> {
        Ok(self.load_deployments_from(team, rows.iter().map(Ok::<_, Infallible>), source)?)
    }

    /// [`Store::load_deployments`] from a stream of rows: the first `Err` rolls the whole
    /// load back, so a file can be parsed while it is loaded.
    pub fn load_deployments_from<E>(
        &mut self,
        team: &Team,
        rows: impl IntoIterator<Item = Result<impl Borrow<Deployment>, E>>,
        source: &str,
    ) -> Result<LoadReport, LoadFailure<E>> {
        self.write_bulk(|tx| events::load_deployments(tx, team.id, rows, source))
    }

    pub fn load_changes(&mut self, team: &Team, rows: &[Change], source: &str) -> Result<LoadReport, StoreError> {
        Ok(self.load_changes_from(team, rows.iter().map(Ok::<_, Infallible>), source)?)
    }

    /// [`Store::load_changes`] from a stream of rows; the first `Err` rolls it back.
    pub fn load_changes_from<E>(
        &mut self,
        team: &Team,
        rows: impl IntoIterator<Item = Result<impl Borrow<Change>, E>>,
        source: &str,
    ) -> Result<LoadReport, LoadFailure<E>> {
        self.write_bulk(|tx| events::load_changes(tx, team.id, rows, source))
    }

    /// Deployments, then changes, in one transaction: an importer that derives both
    /// from one source (a git history) lands all of it or none of it.
    pub fn load_deployments_and_changes_from<E>(
        &mut self,
        team: &Team,
        deployments: impl IntoIterator<Item = Result<impl Borrow<Deployment>, E>>,
        changes: impl IntoIterator<Item = Result<impl Borrow<Change>, E>>,
        source: &str,
    ) -> Result<(LoadReport, LoadReport), LoadFailure<E>> {
        self.write_bulk(|tx| {
            let deployments = events::load_deployments(tx, team.id, deployments, source)?;
            let changes = events::load_changes(tx, team.id, changes, source)?;
            Ok((deployments, changes))
        })
    }

    /// Deployments, changes, then incidents, in one transaction: a source that exports all
    /// three (Four Keys' tables) lands all of it or none of it. `by_time` as for
    /// [`Store::load_incidents_linking`].
    pub fn load_events_from<E>(
        &mut self,
        team: &Team,
        deployments: impl IntoIterator<Item = Result<impl Borrow<Deployment>, E>>,
        changes: impl IntoIterator<Item = Result<impl Borrow<Change>, E>>,
        incidents: impl IntoIterator<Item = Result<impl Borrow<Incident>, E>>,
        source: &str,
        by_time: bool,
    ) -> Result<([LoadReport; 3], TimeLinks), LoadFailure<E>> {
        self.write_bulk(|tx| {
            let deployments = events::load_deployments(tx, team.id, deployments, source)?;
            let changes = events::load_changes(tx, team.id, changes, source)?;
            let (incidents, links) = events::load_incidents(tx, team.id, incidents, source, by_time)?;
            Ok(([deployments, changes, incidents], links))
        })
    }

    /// Deployments and changes of a source that is read whole on every import (a git
    /// history), in one transaction: takes over the rows of `options.adopt`, upserts,
    /// then counts (and with `options.prune` deletes) the source's rows that this
    /// snapshot no longer holds.
    pub fn load_snapshot(
        &mut self,
        team: &Team,
        deployments: &[Deployment],
        changes: &[Change],
        options: &SnapshotOptions,
    ) -> Result<SnapshotReport, StoreError> {
        self.write_bulk(|tx| snapshot::load(tx, team.id, deployments, changes, options))
    }

    /// How many deployments of the team were imported from `source`.
    pub fn deployments_from(&self, team: &Team, source: &str) -> Result<u64, StoreError> {
        read::count_from_source(&self.conn, team.id, source)
    }

    /// The external ids of the team's deployments imported from `source`.
    pub fn deployment_ids_from(&self, team: &Team, source: &str) -> Result<Vec<String>, StoreError> {
        read::deployment_ids_from_source(&self.conn, team.id, source)
    }

    /// How many of the team's deployments come from `repository` (a source key) or one of
    /// its services (`REPOSITORY#SERVICE`), other than from `source`.
    pub fn deployments_of_repository_elsewhere(
        &self,
        team: &Team,
        repository: &str,
        source: &str,
    ) -> Result<u64, StoreError> {
        read::count_of_repository_elsewhere(&self.conn, team.id, repository, source)
    }

    /// Up to `limit` external ids of the team's changes imported from `source`.
    pub fn change_ids_from(&self, team: &Team, source: &str, limit: usize) -> Result<Vec<String>, StoreError> {
        read::change_ids_from_source(&self.conn, team.id, source, limit)
    }

    pub fn load_incidents(&mut self, team: &Team, rows: &[Incident], source: &str) -> Result<LoadReport, StoreError> {
        Ok(self.load_incidents_from(team, rows.iter().map(Ok::<_, Infallible>), source)?)
    }

    /// [`Store::load_incidents`] from a stream of rows; the first `Err` rolls it back.
    pub fn load_incidents_from<E>(
        &mut self,
        team: &Team,
        rows: impl IntoIterator<Item = Result<impl Borrow<Incident>, E>>,
        source: &str,
    ) -> Result<LoadReport, LoadFailure<E>> {
        Ok(self.load_incidents_linking(team, rows, source, false)?.0)
    }

    /// [`Store::load_incidents_from`]; with `by_time`, each incident that names no
    /// deployment is linked to the last production deployment of its service at or
    /// before its start, now and whenever later imports change the deployments.
    pub fn load_incidents_linking<E>(
        &mut self,
        team: &Team,
        rows: impl IntoIterator<Item = Result<impl Borrow<Incident>, E>>,
        source: &str,
        by_time: bool,
    ) -> Result<(LoadReport, TimeLinks), LoadFailure<E>> {
        self.write_bulk(|tx| events::load_incidents(tx, team.id, rows, source, by_time))
    }

    /// Upserts team-chosen metric definitions and per-period samples (team-chosen or
    /// pre-aggregated DORA) in one transaction.
    pub fn load_samples(
        &mut self,
        team: &Team,
        definitions: &[TeamMetric],
        rows: &[MetricSample],
        source: &str,
    ) -> Result<LoadReport, StoreError> {
        self.write_bulk(|tx| samples::load(tx, team.id, definitions, rows, source))
    }

    /// A larger page cache for the length of one bulk import.
    fn write_bulk<T, E: From<rusqlite::Error>>(
        &mut self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        self.conn.pragma_update(None, "cache_size", -262_144)?; // 256 MiB
        let result = self.write(f);
        self.conn.pragma_update(None, "cache_size", -2_000)?; // SQLite's default
        result
    }

    pub fn team_metrics(&self, team: &Team) -> Result<Vec<TeamMetric>, StoreError> {
        samples::definitions(&self.conn, team.id)
    }

    // --- reading for the metric engine ---------------------------------------------------

    /// The facts the metric engine needs for `[from, to)`.
    pub fn event_set(&self, team: &Team, from: Timestamp, to: Timestamp) -> Result<EventSet, StoreError> {
        read::event_set(&self.conn, team.id, from, to)
    }

    /// First and last raw event of the team, if it has any.
    pub fn history(&self, team: &Team) -> Result<Option<(Timestamp, Timestamp)>, StoreError> {
        read::history(&self.conn, team.id)
    }

    /// `(external id, source)` of the team's deployments imported from another source.
    pub fn deployments_from_other_sources(
        &self,
        team: &Team,
        source: &str,
    ) -> Result<Vec<(String, String)>, StoreError> {
        read::deployments_from_other_sources(&self.conn, team.id, source)
    }

    /// Counts the relations between events that the metrics could not use, so the user
    /// can fix their data.
    pub fn link_diagnostics(&self, team: &Team) -> Result<read::LinkDiagnostics, StoreError> {
        read::link_diagnostics(&self.conn, team.id)
    }
}

impl Store {
    // --- retros ----------------------------------------------------------------------------

    /// Starts a retro of `team` over `window` (a custom-window period).
    pub fn start_retro(&mut self, team: &Team, window: &Period, now: Timestamp) -> Result<Retro, StoreError> {
        let id = self.write(|tx| retros::start(tx, team.id, window, now))?;
        Ok(self.retro(id)?.expect("the retro was just created"))
    }

    pub fn retro(&self, id: RetroId) -> Result<Option<Retro>, StoreError> {
        retros::get(&self.conn, id)
    }

    /// The team's retros, newest first.
    pub fn retros(&self, team: &Team) -> Result<Vec<Retro>, StoreError> {
        retros::of_team(&self.conn, team.id)
    }

    pub fn set_retro_stage(&mut self, id: RetroId, stage: Stage) -> Result<(), StoreError> {
        self.write(|tx| retros::set_stage(tx, id, stage))
    }

    pub fn finish_retro(&mut self, id: RetroId, now: Timestamp) -> Result<(), StoreError> {
        self.write(|tx| retros::finish(tx, id, now))
    }

    pub fn set_vote(&mut self, id: RetroId, kind: VoteKind, score: u8, count: u32) -> Result<(), StoreError> {
        self.write(|tx| retros::set_vote(tx, id, kind, score, count))
    }

    pub fn votes(&self, id: RetroId, kind: VoteKind) -> Result<VoteCounts, StoreError> {
        retros::votes(&self.conn, id, kind)
    }

    /// Records a confirmed note (and drops the draft it was typed in), committed at once.
    pub fn add_note(
        &mut self,
        retro: RetroId,
        prompt_key: &str,
        prompt: &str,
        metric: Option<&MetricKey>,
        body: &str,
        now: Timestamp,
    ) -> Result<Note, StoreError> {
        self.write(|tx| retros::add_note(tx, retro, prompt_key, prompt, metric, body, now))
    }

    pub fn update_note(&mut self, id: NoteId, body: &str, now: Timestamp) -> Result<Option<Note>, StoreError> {
        self.write(|tx| retros::update_note(tx, id, body, now))
    }

    pub fn delete_note(&mut self, id: NoteId) -> Result<(), StoreError> {
        self.write(|tx| retros::delete_note(tx, id))
    }

    pub fn notes(&self, retro: RetroId) -> Result<Vec<Note>, StoreError> {
        retros::notes(&self.conn, retro)
    }

    pub fn save_draft(&mut self, draft: &Draft) -> Result<(), StoreError> {
        self.write(|tx| retros::save_draft(tx, draft))
    }

    pub fn clear_draft(&mut self, retro: RetroId) -> Result<(), StoreError> {
        self.write(|tx| retros::clear_draft(tx, retro))
    }

    pub fn draft(&self, retro: RetroId) -> Result<Option<Draft>, StoreError> {
        retros::draft(&self.conn, retro)
    }

    /// The process holding `retro` open in a terminal UI, if any: `(pid, seen_at)`.
    pub fn retro_holder(&self, retro: RetroId) -> Result<Option<(u32, Timestamp)>, StoreError> {
        retros::holder(&self.conn, retro)
    }

    /// Makes process `pid` the holder of `retro`, in one transaction so that two windows
    /// cannot both take it, unless the current holder `blocks(holder_pid, seen_at)`.
    /// Returns that holder when it does.
    pub fn claim_retro(
        &mut self,
        retro: RetroId,
        pid: u32,
        now: Timestamp,
        blocks: impl Fn(u32, Timestamp) -> bool,
    ) -> Result<Option<(u32, Timestamp)>, StoreError> {
        self.write(|tx| retros::claim(tx, retro, pid, now, blocks))
    }

    /// Renews `pid`'s hold on `retro` (a heartbeat).
    pub fn renew_retro(&mut self, retro: RetroId, pid: u32, now: Timestamp) -> Result<(), StoreError> {
        self.write(|tx| retros::renew(tx, retro, pid, now))
    }

    /// Lets go of `retro` if `pid` holds it.
    pub fn release_retro(&mut self, retro: RetroId, pid: u32) -> Result<(), StoreError> {
        self.write(|tx| retros::release(tx, retro, pid))
    }

    // --- actions ---------------------------------------------------------------------------

    pub fn add_action(&mut self, team: &Team, new: &NewAction, now: Timestamp) -> Result<Action, StoreError> {
        let id = self.write(|tx| actions::add(tx, team.id, new, now))?;
        Ok(self.action(id)?.expect("the action was just created"))
    }

    pub fn action(&self, id: ActionId) -> Result<Option<Action>, StoreError> {
        actions::get(&self.conn, id)
    }

    /// Every action of the team, oldest first.
    pub fn actions(&self, team: &Team) -> Result<Vec<Action>, StoreError> {
        actions::of_team(&self.conn, team.id)
    }

    pub fn set_action_status(
        &mut self,
        id: ActionId,
        status: ActionStatus,
        note: Option<&str>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.write(|tx| actions::set_status(tx, id, status, note, now))
    }

    /// Renames an action, moves its due date or rewrites its closing note, leaving its
    /// status alone; `None` leaves that field as it is.
    pub fn edit_action(
        &mut self,
        id: ActionId,
        title: Option<&str>,
        due: Option<chrono::NaiveDate>,
        closing_note: Option<&str>,
    ) -> Result<(), StoreError> {
        self.write(|tx| actions::edit(tx, id, title, due, closing_note))
    }

    /// Records a retro's decision about an action and applies it, in one transaction.
    pub fn review_action(&mut self, review: &ActionReview) -> Result<(), StoreError> {
        self.write(|tx| actions::review(tx, review))
    }

    pub fn reviews_in(&self, retro: RetroId) -> Result<Vec<ActionReview>, StoreError> {
        actions::reviews_in(&self.conn, retro)
    }

    /// An action's reviews across retros, oldest first.
    pub fn action_history(&self, action: ActionId) -> Result<Vec<ActionReview>, StoreError> {
        actions::history(&self.conn, action)
    }
}

pub use read::LinkDiagnostics;
pub use teams::TeamCounts;
