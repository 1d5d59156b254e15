//! The SQLite store: opening with the right pragmas, migrations, and one module per
//! aggregate. Everything else reaches SQLite only through [`Store`].

mod actions;
mod coverage;
mod cursors;
mod deployment_ids;
mod error;
mod events;
mod links;
mod migrations;
mod open;
mod read;
mod retros;
mod samples;
mod snapshot;
mod summaries;
mod teams;

pub use error::{LoadFailure, StoreError};
pub use events::{KINDS_KNOWN, KINDS_UNKNOWN, LoadReport, SaysKinds, TimeLinks};
pub use migrations::SCHEMA_VERSION;
pub use open::{Found, inspect};
pub use snapshot::{Snapshot, SnapshotOptions, SnapshotReport};

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
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Whether a store is opened to be changed, or only read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    Write,
    Read,
}

/// How much of the store file reads map into memory.
const MMAP_SIZE: i64 = 1 << 30;

/// The page cache of a bulk import, in KiB (negative, as `PRAGMA cache_size` takes it):
/// big enough for the indexes' working set, small enough that an import of millions of
/// rows stays well under 200 MB (docs/performance.md).
const BULK_CACHE_KIB: i64 = -65_536; // 64 MiB

/// The one handle on a retro database.
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
    /// A span the bulk loads inside [`Store::declaring_coverage`] cover beyond their rows.
    declared: Option<(Timestamp, Timestamp)>,
}

impl Store {
    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    ///
    /// A store written by a newer retro, a foreign or damaged database, a folder or a
    /// device is refused before anything is written to it. A zero-length file is taken
    /// as a new store.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        // SQLite would open a read-only file read-only and leave a read-only -shm file beside it.
        if open::inspect(path)? != open::Found::Nothing && !open::file_is_writable(path) {
            return Err(StoreError::ReadOnly { path: path.display().to_string() });
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| StoreError::CreateDir { dir: dir.to_path_buf(), reason: e.to_string() })?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        Self::open_with(path, path, flags, Access::Write)
    }

    /// Opens the existing store at `path` for a command that only reads it.
    ///
    /// A store that can be written is opened as by [`Store::open`] (so an earlier schema
    /// is upgraded, and SQLite removes its -wal and -shm files on close, which a
    /// read-only connection cannot do). One that cannot (a read-only file or folder) is
    /// opened with `SQLITE_OPEN_READ_ONLY`, see [`open::read_only_target`]. A missing or
    /// zero-length file is refused, never started as a new store.
    pub fn open_to_read(path: &Path) -> Result<Self, StoreError> {
        let shown = || path.display().to_string();
        match open::inspect(path)? {
            open::Found::Nothing => {
                return Err(StoreError::Unreadable { path: shown(), reason: "there is no such file".into() });
            }
            open::Found::EmptyFile => return Err(StoreError::EmptyFile { path: shown() }),
            open::Found::File => {}
        }
        if open::file_is_writable(path) {
            match Self::open_with(path, path, open::existing_flags(), Access::Write) {
                Ok(store) if !store.conn.is_readonly(rusqlite::MAIN_DB)? => return Ok(store),
                Ok(_) => {}
                // A read-only folder: the -wal file cannot be made.
                Err(e) if open::is_not_writable(&e) => {}
                Err(e) => return Err(e),
            }
        }
        let target = open::read_only_target(path);
        Self::open_with(&target, path, open::read_only_flags(), Access::Read)
    }

    /// Opens `target` (a path or an SQLite URI) as the store at `path`.
    fn open_with(target: &Path, path: &Path, flags: OpenFlags, access: Access) -> Result<Self, StoreError> {
        let conn = Connection::open_with_flags(target, flags).map_err(|e| StoreError::Open {
            path: path.to_path_buf(),
            reason: open::reason(&e),
            code: e.sqlite_error_code(),
        })?;
        Self::prepare(conn, Some(path.to_path_buf()), access).map_err(|e| e.at(path))
    }

    /// A private store in memory: the demo team and tests.
    pub fn open_in_memory() -> Result<Self, StoreError> {
        Self::prepare(Connection::open_in_memory()?, None, Access::Write)
    }

    fn prepare(conn: Connection, path: Option<PathBuf>, access: Access) -> Result<Self, StoreError> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // Refuse a foreign or newer database before any pragma below writes to the file.
        migrations::check_compatible(&conn, path.as_deref())?;
        if access == Access::Read {
            let found = migrations::version(&conn)?;
            if found < SCHEMA_VERSION {
                let path = path.as_deref().map_or_else(String::new, |p| p.display().to_string());
                return Err(StoreError::UpgradeNeedsWriting { path, found, supported: SCHEMA_VERSION });
            }
        } else if path.is_some() {
            // Only takes effect on a new, empty database: larger pages make bulk imports
            // and index scans cheaper.
            conn.pragma_update(None, "page_size", 8192)?;
            let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
            debug_assert_eq!(mode, "wal");
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
        // Metric scans read the change index end to end; mapping the file spares a copy
        // of every page. Reads only: writes still go through the WAL.
        conn.pragma_update(None, "mmap_size", MMAP_SIZE)?;
        // Statement journals (every upsert of a bulk import opens one) and sorts stay in
        // memory instead of temporary files: three times faster imports.
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let mut store = Store { conn, path, declared: None };
        if access == Access::Write {
            migrations::migrate(&mut store.conn)?;
        }
        Ok(store)
    }

    /// How long a write waits for another writer before failing with [`StoreError::Busy`]
    /// (5 seconds unless changed): tests shorten it.
    pub fn set_busy_timeout(&self, wait: Duration) -> Result<(), StoreError> {
        Ok(self.conn.busy_timeout(wait)?)
    }

    /// Caps the store's file at its current size (`Some(0)`) plus `extra` pages, so a write
    /// that needs more fails with SQLITE_FULL as on a full disk; `None` lifts the cap.
    /// Only for tests of a full disk.
    #[doc(hidden)]
    pub fn limit_growth_for_tests(&self, extra: Option<u64>) -> Result<(), StoreError> {
        let pages = match extra {
            Some(extra) => self.conn.query_row("PRAGMA page_count", [], |r| r.get::<_, u64>(0))? + extra,
            None => u64::from(u32::MAX - 1),
        };
        self.conn.query_row(&format!("PRAGMA max_page_count = {pages}"), [], |_| Ok(()))?;
        Ok(())
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
        Ok(self.load_deployments_from(team, rows.iter().map(Ok::<_, Infallible>), source, KINDS_KNOWN)?)
    }

    /// [`Store::load_deployments`] from a stream of rows: the first `Err` rolls the whole
    /// load back, so a file can be parsed while it is loaded. `kinds`: whether the rows'
    /// kinds come from the source or are only the default.
    pub fn load_deployments_from<E>(
        &mut self,
        team: &Team,
        rows: impl IntoIterator<Item = Result<impl Borrow<Deployment>, E>>,
        source: &str,
        kinds: SaysKinds<'_>,
    ) -> Result<LoadReport, LoadFailure<E>> {
        let declared = self.declared;
        self.write_bulk(|tx| events::load_deployments(tx, team.id, rows, source, declared, kinds))
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
        kinds: SaysKinds<'_>,
    ) -> Result<(LoadReport, LoadReport), LoadFailure<E>> {
        let declared = self.declared;
        self.write_bulk(|tx| {
            let deployments = events::load_deployments(tx, team.id, deployments, source, declared, kinds)?;
            let changes = events::load_changes(tx, team.id, changes, source)?;
            Ok((deployments, changes))
        })
    }

    /// Deployments, changes, then incidents, in one transaction: a source that exports all
    /// three (Four Keys' tables) lands all of it or none of it. `by_time` as for
    /// [`Store::load_incidents_linking`].
    #[allow(clippy::too_many_arguments)] // the three streams, and what their source says
    pub fn load_events_from<E>(
        &mut self,
        team: &Team,
        deployments: impl IntoIterator<Item = Result<impl Borrow<Deployment>, E>>,
        changes: impl IntoIterator<Item = Result<impl Borrow<Change>, E>>,
        incidents: impl IntoIterator<Item = Result<impl Borrow<Incident>, E>>,
        source: &str,
        kinds: SaysKinds<'_>,
        by_time: bool,
    ) -> Result<([LoadReport; 3], TimeLinks), LoadFailure<E>> {
        let declared = self.declared;
        self.write_bulk(|tx| {
            let deployments = events::load_deployments(tx, team.id, deployments, source, declared, kinds)?;
            let changes = events::load_changes(tx, team.id, changes, source)?;
            let (incidents, links) = events::load_incidents(tx, team.id, incidents, source, by_time, declared)?;
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
        snapshot: &impl Snapshot,
        options: &SnapshotOptions,
    ) -> Result<SnapshotReport, StoreError> {
        let declared = self.declared;
        self.write_bulk(|tx| snapshot::load(tx, team.id, snapshot, options, declared))
    }

    /// The note of the last sealed [`Store::load_snapshot`] of `source`, when `accept`
    /// takes it and the source's rows are exactly as that load left them; the coverage
    /// is then extended as the load did (`accept` returns the deployments' span). One
    /// transaction: nothing can change the rows between the check and the answer.
    pub fn reuse_snapshot(
        &mut self,
        team: &Team,
        source: &str,
        accept: impl FnOnce(&str) -> Option<Option<(Timestamp, Timestamp)>>,
    ) -> Result<Option<String>, StoreError> {
        let declared = self.declared;
        self.write(|tx| snapshot::reuse(tx, team.id, source, declared, accept))
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

    /// Deployments, changes and incidents from one source, and where the source's reading
    /// stopped (`(item, position)` cursors, asked for once every row is loaded), in one
    /// transaction: an incremental importer lands its rows and its cursors together, or
    /// neither. The first `Err` of a stream rolls it all back.
    #[allow(clippy::too_many_arguments)] // the three streams, and what their source says
    pub fn load_events_with_cursors_from<E>(
        &mut self,
        team: &Team,
        deployments: impl IntoIterator<Item = Result<impl Borrow<Deployment>, E>>,
        changes: impl IntoIterator<Item = Result<impl Borrow<Change>, E>>,
        incidents: impl IntoIterator<Item = Result<impl Borrow<Incident>, E>>,
        source: &str,
        kinds: SaysKinds<'_>,
        cursors: impl FnOnce() -> Vec<(&'static str, String)>,
    ) -> Result<[LoadReport; 3], LoadFailure<E>> {
        let declared = self.declared;
        self.write_bulk(|tx| {
            let deployments = events::load_deployments(tx, team.id, deployments, source, declared, kinds)?;
            let changes = events::load_changes(tx, team.id, changes, source)?;
            let incidents = events::load_incidents(tx, team.id, incidents, source, false, declared)?.0;
            for (item, position) in cursors() {
                cursors::set(tx, team.id, source, item, &position)?;
            }
            Ok([deployments, changes, incidents])
        })
    }

    /// `(change external id, deployed_at of the deployment it names)` for the changes
    /// `source` imported into `team`.
    pub fn changes_shipped_at(&self, team: &Team, source: &str) -> Result<Vec<(String, Timestamp)>, StoreError> {
        Ok(cursors::shipped_at(&self.conn, team.id, source)?)
    }

    /// Where an incremental import of `source` into `team` stopped reading `item`.
    pub fn import_cursor(&self, team: &Team, source: &str, item: &str) -> Result<Option<String>, StoreError> {
        Ok(cursors::get(&self.conn, team.id, source, item)?)
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
        let declared = self.declared;
        self.write_bulk(|tx| events::load_incidents(tx, team.id, rows, source, by_time, declared))
    }

    /// Runs `f` with every deployment or incident load in it covering `[first, last]`
    /// (instants; whole days in the team's offset are recorded) besides the days of its
    /// own rows, in the load's transaction: `--covers` on an import, or a git import
    /// that speaks for every day up to the moment it ran. A load with no rows covers
    /// only what is declared.
    pub fn declaring_coverage<T>(&mut self, first: Timestamp, last: Timestamp, f: impl FnOnce(&mut Self) -> T) -> T {
        let before = self.declared.replace((first.min(last), first.max(last)));
        let value = f(self);
        self.declared = before;
        value
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

    /// A larger page cache for the length of one bulk import, and no memory map: an
    /// import touches most pages of the tables it writes, and mapped pages would stay
    /// in the process's memory, so its peak would grow with the store.
    fn write_bulk<T, E: From<rusqlite::Error>>(
        &mut self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        self.conn.pragma_update(None, "cache_size", BULK_CACHE_KIB)?;
        self.conn.pragma_update(None, "mmap_size", 0)?;
        // The one place imports bring the day summaries and the incident counts up to date,
        // in their transaction.
        let result = self.write(|tx| {
            let value = f(tx)?;
            summaries::refresh(tx)?;
            summaries::incidents::refresh(tx)?;
            Ok(value)
        });
        self.conn.pragma_update(None, "cache_size", -2_000)?; // SQLite's default
        self.conn.pragma_update(None, "mmap_size", MMAP_SIZE)?;
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

    /// [`Store::event_set`] read from the events alone, never from the day summaries:
    /// what tests compare the summaries with.
    #[doc(hidden)]
    pub fn event_set_from_events(&self, team: &Team, from: Timestamp, to: Timestamp) -> Result<EventSet, StoreError> {
        let mut events = read::event_set(&self.conn, team.id, from, to)?;
        events.changes = read::from_events(&self.conn, team.id, from, to)?;
        events.deployments = read::deployments_from_events(&self.conn, team.id, from, to)?;
        Ok(events)
    }

    /// Whether the day summaries account for every change and deployment of the team in
    /// `[from, to)`, so that [`Store::event_set`] reads them instead of the events.
    #[doc(hidden)]
    pub fn day_summaries_complete(&self, team: &Team, from: Timestamp, to: Timestamp) -> Result<bool, StoreError> {
        Ok(summaries::complete::<crate::domain::ChangeFact>(&self.conn, team.id, from, to)?
            && summaries::complete::<summaries::DeploymentRow>(&self.conn, team.id, from, to)?)
    }

    /// The days the team's imports cover, per kind of raw event.
    pub fn coverage(&self, team: &Team) -> Result<crate::domain::Coverage, StoreError> {
        coverage::read(&self.conn, team.id)
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

    /// [`Store::link_diagnostics`] counted from the events alone, never from the counts
    /// kept per team: what tests compare those with.
    #[doc(hidden)]
    pub fn link_diagnostics_from_events(&self, team: &Team) -> Result<read::LinkDiagnostics, StoreError> {
        read::link_diagnostics_from_events(&self.conn, team.id)
    }

    /// Whether [`Store::link_diagnostics`] reads the team's incident counts as kept
    /// rather than counting them from the events.
    #[doc(hidden)]
    pub fn incident_counts_kept(&self, team: &Team) -> Result<bool, StoreError> {
        Ok(summaries::incidents::read(&self.conn, team.id)?.is_some())
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

    /// Undoes [`Self::finish_retro`]: the retro is unfinished again, at its close stage,
    /// with everything recorded in it. Refused while another retro of the team is
    /// unfinished (a team has one at a time); a retro already unfinished stays as it is.
    pub fn reopen_retro(&mut self, id: RetroId) -> Result<Retro, StoreError> {
        self.write(|tx| retros::reopen(tx, id))?;
        Ok(self.retro(id)?.expect("the retro exists"))
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

    /// Replaces an action's plan (every field the team decided) and its baseline.
    pub fn update_action_plan(
        &mut self,
        id: ActionId,
        plan: &crate::domain::ActionPlan,
        baseline: Option<f64>,
    ) -> Result<(), StoreError> {
        self.write(|tx| actions::update_plan(tx, id, plan, baseline))
    }

    /// Deletes an action made by mistake; refused once a retro has reviewed it.
    pub fn delete_action(&mut self, id: ActionId) -> Result<(), StoreError> {
        self.write(|tx| actions::delete(tx, id))
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
pub use teams::{TeamCounts, valid_team_name};
