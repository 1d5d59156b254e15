//! Writes the store could not take yet: the app queues them in [`App::pending`], the
//! effect runner tries them and says how each went, and the app decides what the
//! facilitator is told and what follows.

use super::{App, Effect, Overlay, Screen};
use crate::retro::flow;
use crate::tui::pending::{Stall, Write};
use crate::tui::retro::RetroScreen;
use std::path::PathBuf;

impl App {
    /// Typing that quitting now would lose. Notes being typed (review notes too) are
    /// saved as drafts on the way out, so only a half-filled action form counts, and
    /// writes the store could not take yet.
    pub fn has_unsaved_work(&self) -> bool {
        self.retro.as_ref().is_some_and(RetroScreen::has_unsaved_work) || !self.pending.is_empty()
    }

    /// The file quitting would write waiting text to.
    pub fn unsaved_path(&self) -> PathBuf {
        let retro = self.retro.as_ref().map_or(0, |r| r.flow.retro.id.0);
        self.unsaved_dir.join(format!("retro-{retro}-unsaved-{}.txt", self.now))
    }

    /// Queues what the retro flow asked for behind any waiting write, and asks for the
    /// queue to be written.
    pub(super) fn write_retro(&mut self, effects: Vec<flow::Effect>) -> Option<Effect> {
        if effects.is_empty() {
            return None;
        }
        self.pending.extend(effects);
        Some(Effect::Write)
    }

    /// Whether the waiting writes are to be tried now: not while their backoff runs,
    /// unless the app is leaving (then it is the last try).
    pub fn may_write_now(&self) -> bool {
        !(self.pending.waiting(self.now) && self.running)
    }

    /// The runner wrote the first waiting write. A landed correction reloads the actions
    /// screen, if it is open, to show it.
    pub fn write_landed(&mut self) -> Option<Effect> {
        let write = self.pending.front().cloned();
        if self.pending.done() {
            // Everything is saved: the stall notice goes.
            self.close_stall_notices();
        }
        match write {
            Some(Write::Correction { team, .. }) if self.screen == Screen::Actions => {
                Some(Effect::LoadActions { team })
            }
            _ => None,
        }
    }

    /// The store could not take the first waiting write for now (busy, full): it stays
    /// first, to be tried again after a backoff, and the facilitator is told once.
    pub fn write_stalled(&mut self, why: Stall) {
        if self.pending.failed(why, self.now) {
            self.close_stall_notices();
            self.notify(why.notice());
        }
    }

    /// The store refused the first waiting write outright: it is dropped, so the writes
    /// behind it can go (the refusal itself ends the attempt as an error).
    pub fn write_refused(&mut self) {
        self.pending.done();
    }

    /// One stall notice at a time, gone once everything is saved.
    fn close_stall_notices(&mut self) {
        let stall_notices = [Stall::Busy.notice(), Stall::Full.notice()];
        self.overlays.retain(|o| !matches!(o, Overlay::Notice(text) if stall_notices.contains(&text.as_str())));
    }

    /// What the file written on the way out holds: the text of every waiting write.
    pub fn unsaved_text(&self) -> String {
        format!(
            "# Text typed in retro that the store could not take yet (it was busy or the disk full)\n\n{}",
            self.pending.as_text()
        )
    }

    /// The runner wrote the waiting text to `path` on the way out, or could not.
    pub fn unsaved_written(&mut self, path: PathBuf, result: std::io::Result<()>) {
        match result {
            Ok(()) => self.unsaved_file = Some(path),
            // Stay, so the text is not lost: the facilitator can free space and try again.
            Err(e) => {
                self.running = true;
                self.notify(format!(
                    "Could not write {}: {e}. Nothing was lost; the retro stays open.",
                    path.display()
                ));
            }
        }
    }
}
