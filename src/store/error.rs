use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create the folder {dir} for the retro store: {source}")]
    CreateDir { dir: PathBuf, source: std::io::Error },

    #[error("cannot open the retro store {path}: {source}")]
    Open { path: PathBuf, source: rusqlite::Error },

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

    #[error("\"{0}\" is the name of a DORA metric; pick another name for a team-chosen metric")]
    ReservedMetricName(String),

    #[error("there is no retro {0} in this store")]
    NoSuchRetro(i64),

    #[error("the store is busy: another retro is writing to it (waited 5 seconds); try again in a moment")]
    Busy,

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

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => StoreError::Busy,
            _ => StoreError::Sqlite(e),
        }
    }
}
