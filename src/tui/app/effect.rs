//! What the app asks of the event loop: data to load from the library, and writes to
//! carry out. The loop's effect runner (`tui::data`) carries them out and hands each
//! result back to the app (its `…_loaded`, `…_found`, `…_written` methods), which
//! decides what follows.

use crate::domain::{Granularity, Period, RetroId, Team};

/// Data the app needs from the library, or a write it asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Read which spans of time the team's data covers, to anchor the dashboard where the
    /// data ends (see [`super::DashboardState::follow_data`]) before it is loaded.
    LoadCoverage {
        team: Team,
    },
    /// Compute `periods` (the dashboard's sparkline window) for `team`.
    LoadDashboard {
        team: Team,
        periods: Vec<Period>,
    },
    /// Compute every period of the team's history at `granularity`.
    LoadHistory {
        team: Team,
        granularity: Granularity,
    },
    /// Look for the team's unfinished retro: the app offers to resume it, or starts one.
    PrepareRetro {
        team: Team,
    },
    /// Start a new retro over the default window.
    StartRetro {
        team: Team,
    },
    OpenRetro(RetroId),
    /// Write what waits in [`super::App::pending`], in order, unless its backoff is
    /// still running.
    Write,
    /// Where every action of the team stands.
    LoadActions {
        team: Team,
    },
    /// Undo the close of the open retro.
    ReopenRetro(RetroId),
    /// Quitting while writes wait: try them once more, then write the text of what is
    /// still not in the store to `path`.
    QuitWritingUnsaved {
        path: std::path::PathBuf,
    },
    /// The team's retros, for the list of past retros.
    LoadRetros {
        team: Team,
    },
    /// The summary of retro `id`, to read it (it is not opened for changes).
    ReadRetro(RetroId),
    /// Write a retro's summary, as Markdown, into the export folder as `file_name`.
    Export {
        file_name: String,
        markdown: String,
    },
}
