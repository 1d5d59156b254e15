use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The reason as text, not the error as a source: a message chain would repeat it.
    #[error("cannot create the folder {} for the retro store: {reason}", dir.display())]
    CreateDir { dir: PathBuf, reason: String },

    /// SQLite's reason only, not the error itself: its chain repeats the reason twice.
    #[error("cannot open the retro store {}: {reason}", path.display())]
    Open { path: PathBuf, reason: String, code: Option<rusqlite::ErrorCode> },

    #[error("cannot read the retro store {path}: {reason}")]
    Unreadable { path: String, reason: String },

    #[error("{path} is a folder, not a retro store: give the path of a store file, for example {path}/retro.db")]
    IsAFolder { path: String },

    #[error("{path} is not a regular file (a device, pipe or socket), so not a retro store; it was left untouched")]
    NotAFile { path: String },

    #[error(
        "{path} is an empty file (0 bytes), not a retro store; it was left untouched (adding a team with \
         `retro teams add NAME` starts a store in it)"
    )]
    EmptyFile { path: String },

    /// `reason` is SQLite's ("SQLite: database disk image is malformed") or retro's own.
    #[error("{path} is damaged ({reason}); retro did not change it")]
    Damaged { path: String, reason: String },

    #[error(
        "{path} is not a complete retro store (it has no table \"{table}\"), so this retro cannot use it; \
         it was left untouched"
    )]
    IncompleteStore { path: String, table: String },

    #[error(
        "{path} was written by an earlier retro (schema version {found}) and needs an upgrade to version \
         {supported}, but it cannot be written here (read-only); it was left untouched: run retro once \
         where the store and its folder can be written"
    )]
    UpgradeNeedsWriting { path: String, found: i64, supported: i64 },

    #[error("{path} is read-only: retro can read it but not change it; it was left untouched")]
    ReadOnly { path: String },

    #[error(
        "{path} was written by a newer version of retro (schema version {found}; this retro \
         knows up to {supported}). It was left untouched: upgrade retro to use it."
    )]
    NewerSchema { path: String, found: i64, supported: i64 },

    #[error("{path} is an SQLite database of another application, not a retro store; it was left untouched")]
    NotARetroStore { path: String },

    #[error("{path} is not an SQLite database, so not a retro store; it was left untouched")]
    NotADatabase { path: String },

    #[error("a team named \"{0}\" already exists")]
    TeamExists(String),

    #[error("a team name cannot be empty")]
    EmptyTeamName,

    /// `name` as [`crate::text::safe`] shows it, `character` one it escaped.
    #[error(
        "the team name \"{name}\" holds a control or invisible character ({character}); a team name must \
         show on a terminal as it is"
    )]
    UnprintableTeamName { name: String, character: String },

    #[error("\"{0}\" is the name of a DORA metric; pick another name for a team-chosen metric")]
    ReservedMetricName(String),

    #[error("there is no retro {0} in this store")]
    NoSuchRetro(i64),

    /// A row names a team the store does not hold (a store edited with foreign keys off).
    #[error("there is no team with id {0} in this store")]
    NoSuchTeam(i64),

    #[error(
        "the store is busy: another retro or an import is writing to it (waited {} seconds); try again in a moment",
        super::BUSY_TIMEOUT.as_secs()
    )]
    Busy,

    /// SQLITE_FULL: the disk (or the store's page limit) has no room for the write.
    #[error("the disk is full: the store could not be written; free some space and try again")]
    Full,

    #[error(
        "retro {retro} is open in another retro window (process {pid}): go on there, or leave it there \
         first (a window that was closed or crashed lets go on its own)"
    )]
    RetroOpenElsewhere { retro: i64, pid: u32 },

    #[error(
        "retro {retro} cannot be reopened while retro {open} of the same team is unfinished: finish that one \
         first (a team has one unfinished retro at a time)"
    )]
    AnotherRetroOpen { retro: i64, open: i64 },

    #[error(
        "action {0} has been reviewed in a retro, so it is part of the team's history: drop it instead of deleting it"
    )]
    ActionReviewed(i64),

    /// The loader keeps a team's deployment ids in memory, addressed with 32 bits.
    #[error(
        "the team's deployment ids take more than 4 GiB together, more than an import can index; \
         split the team's history across teams"
    )]
    TooManyDeploymentIds,

    #[error(transparent)]
    Sqlite(rusqlite::Error),
}

/// Why a streamed load did not land: the rows' source failed (a bad row further down a
/// file), or the store did. Either way the transaction was rolled back.
#[derive(Debug)]
pub enum LoadFailure<E> {
    Source(E),
    Store(StoreError),
}

impl<E> From<StoreError> for LoadFailure<E> {
    fn from(e: StoreError) -> Self {
        LoadFailure::Store(e)
    }
}

impl<E> From<rusqlite::Error> for LoadFailure<E> {
    fn from(e: rusqlite::Error) -> Self {
        LoadFailure::Store(e.into())
    }
}

impl From<LoadFailure<std::convert::Infallible>> for StoreError {
    fn from(e: LoadFailure<std::convert::Infallible>) -> Self {
        match e {
            LoadFailure::Store(e) => e,
            LoadFailure::Source(never) => match never {},
        }
    }
}

impl StoreError {
    /// A write that failed for a while only (another writer holds the store, the disk is
    /// full) and changed nothing: the same write can be tried again later.
    pub fn is_retryable(&self) -> bool {
        matches!(self, StoreError::Busy | StoreError::Full)
    }

    /// The error as the user should see it for the store at `path`: a damaged or
    /// read-only file found while reading or writing it is named, with SQLite's reason.
    pub fn at(self, path: &std::path::Path) -> StoreError {
        let shown = || path.display().to_string();
        let StoreError::Sqlite(e) = &self else { return self };
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseCorrupt) => {
                StoreError::Damaged { path: shown(), reason: format!("SQLite: {}", super::open::reason(e)) }
            }
            Some(rusqlite::ErrorCode::NotADatabase) => StoreError::NotADatabase { path: shown() },
            Some(rusqlite::ErrorCode::ReadOnly) => StoreError::ReadOnly { path: shown() },
            _ => self,
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => StoreError::Busy,
            Some(rusqlite::ErrorCode::DiskFull) => StoreError::Full,
            _ => StoreError::Sqlite(e),
        }
    }
}
