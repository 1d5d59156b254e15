//! What the effect runner hands back: data it loaded and whether a summary file was
//! written, each taken in by the app, which says what follows (another effect, or
//! nothing). What became of the waiting writes is in `writes`.

use super::{App, Effect, Overlay, Screen};
use crate::domain::{Retro, Team};
use crate::export::RetroSummary;
use crate::retro::flow::Flow;
use crate::tui::actions::ActionsScreen;
use crate::tui::retro::RetroScreen;
use crate::tui::retros::RetrosScreen;
use std::path::PathBuf;

impl App {
    /// The loop hands back the team's unfinished retro, if it has one: it is offered for
    /// resuming; without one a new retro starts.
    pub fn unfinished_found(&mut self, team: Team, unfinished: Option<Retro>) -> Option<Effect> {
        match unfinished {
            Some(retro) => {
                self.overlays.push(Overlay::Offer(retro));
                None
            }
            None => Some(Effect::StartRetro { team }),
        }
    }

    /// The loop hands back where the team's actions stand.
    pub fn actions_loaded(
        &mut self,
        all: Vec<crate::metrics::ActionProgress>,
        metrics: Vec<crate::domain::MetricKey>,
        from_notes: Vec<(crate::domain::ActionId, String)>,
    ) {
        match self.actions.as_mut().filter(|_| self.screen == Screen::Actions) {
            Some(screen) => screen.reload(all),
            None => self.actions = Some(ActionsScreen::new(all)),
        }
        if let Some(screen) = self.actions.as_mut() {
            screen.metrics = metrics;
            screen.from_notes = from_notes;
        }
        self.screen = Screen::Actions;
    }

    /// The loop hands back the team's retros, newest first.
    pub fn retros_loaded(&mut self, listed: Vec<crate::retro::session::Listed>) {
        self.retros = Some(RetrosScreen::new(listed));
        self.screen = Screen::Retros;
    }

    /// The loop hands back the summary of the retro asked for, to read.
    pub fn retro_read(&mut self, summary: RetroSummary) {
        if let Some(screen) = self.retros.as_mut() {
            screen.read(summary);
        }
    }

    /// The loop hands back the retro it opened.
    pub fn retro_opened(&mut self, flow: Flow) {
        self.retro = Some(RetroScreen::new(flow));
        self.overlays.retain(|o| !matches!(o, Overlay::Offer(_)));
        self.screen = Screen::Retro;
    }

    /// The loop hands back the open retro as the store has it after its close was undone.
    pub fn retro_reopened(&mut self, flow: Flow) {
        if let Some(screen) = self.retro.as_mut() {
            screen.reopened(flow);
        }
    }

    /// The loop wrote a summary to the file it names, or could not: the retro screen
    /// says so on its message line, the past retros in a notice.
    pub fn summary_written(&mut self, written: std::io::Result<PathBuf>) {
        match (self.screen, self.retro.as_mut()) {
            (Screen::Retro, Some(screen)) => {
                screen.message = Some(match written {
                    Ok(path) => format!("Summary written to {}", path.display()),
                    Err(e) => format!("Could not write the summary: {e}"),
                });
            }
            _ => self.notify(match written {
                Ok(path) => format!("Summary written to {}", crate::text::safe(&path.display().to_string())),
                Err(e) => format!("Could not write the summary: {e}"),
            }),
        }
    }
}
