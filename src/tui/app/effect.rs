//! What the app asks of the event loop: data to load from the library, and writes to
//! carry out. The loop's effect runner (`tui::data`) carries them out and hands the
//! results back.

use crate::domain::{Granularity, Period, RetroId, Team};
use crate::retro::flow;

/// Data the app needs from the library.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
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
    /// Resume the team's unfinished retro (after asking), or start one.
    PrepareRetro {
        team: Team,
    },
    /// Start a new retro over the default window.
    StartRetro {
        team: Team,
    },
    OpenRetro(RetroId),
    /// Persist what the retro flow asked for.
    Retro(Vec<flow::Effect>),
    /// Write the open retro's summary as Markdown.
    ExportRetro,
    /// Where every action of the team stands.
    LoadActions {
        team: Team,
    },
    /// Undo the close of the open retro.
    ReopenRetro(RetroId),
    /// A correction of an action from the actions screen: its whole plan.
    UpdateAction {
        id: crate::domain::ActionId,
        plan: crate::domain::ActionPlan,
    },
    /// Quitting while writes wait (see [`App::pending`]): try them once more, then write
    /// what is still not in the store, with `effects` (the last autosave), to `path`.
    QuitWritingUnsaved {
        effects: Vec<flow::Effect>,
        path: std::path::PathBuf,
    },
    /// The team's retros, for the list of past retros.
    LoadRetros {
        team: Team,
    },
    /// The summary of retro `id`, to read it (it is not opened for changes).
    ReadRetro(RetroId),
    /// Write the summary being read on the past-retros screen as Markdown.
    ExportReadRetro,
}
