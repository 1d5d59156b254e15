//! The team's past retros: a list, and one closed retro read in full. Read-only by
//! construction: nothing here returns a change to a retro, only what to load, open or
//! export. An unfinished retro is resumed through the retro screen instead.

use super::keymap::Action;
use crate::domain::RetroId;
use crate::export::RetroSummary;
use crate::retro::session::Listed;

/// What the screen shows: the list, or one retro read from it.
#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    List,
    Reading(Box<Reading>),
}

/// A closed retro, as its summary (the one the Close stage and `retro export` use).
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub summary: RetroSummary,
    /// Lines scrolled off the top.
    pub scroll: u16,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RetrosScreen {
    /// Newest first.
    pub listed: Vec<Listed>,
    pub selected: usize,
    pub mode: Mode,
}

/// What the app does after a key on this screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Stay,
    /// Back to the dashboard.
    Leave,
    /// Load retro `id` to read it.
    Read(RetroId),
    /// Resume unfinished retro `id` on the retro screen.
    Resume(RetroId),
    /// Write the summary being read as Markdown.
    Export,
}

impl RetrosScreen {
    pub fn new(listed: Vec<Listed>) -> Self {
        RetrosScreen { listed, selected: 0, mode: Mode::List }
    }

    /// The retro under the cursor in the list.
    pub fn selected(&self) -> Option<&Listed> {
        self.listed.get(self.selected)
    }

    /// The summary being read, if one is open.
    pub fn reading(&self) -> Option<&Reading> {
        match &self.mode {
            Mode::Reading(r) => Some(r),
            Mode::List => None,
        }
    }

    /// The loop hands back the summary of the retro asked for.
    pub fn read(&mut self, summary: RetroSummary) {
        self.mode = Mode::Reading(Box::new(Reading { summary, scroll: 0 }));
    }

    pub fn update(&mut self, action: Action) -> Outcome {
        let n = self.listed.len();
        match &mut self.mode {
            Mode::List => match action {
                Action::Up if n > 0 => self.selected = (self.selected + n - 1) % n,
                Action::Down if n > 0 => self.selected = (self.selected + 1) % n,
                Action::Open => {
                    return match self.selected() {
                        Some(l) if l.retro.finished_at.is_some() => Outcome::Read(l.retro.id),
                        Some(l) => Outcome::Resume(l.retro.id),
                        None => Outcome::Stay,
                    };
                }
                Action::Back => return Outcome::Leave,
                _ => {}
            },
            Mode::Reading(reading) => match action {
                Action::Up => reading.scroll = reading.scroll.saturating_sub(1),
                Action::Down => reading.scroll = (reading.scroll + 1).min(reading.most_scroll()),
                Action::Export => return Outcome::Export,
                Action::Back => self.mode = Mode::List,
                _ => {}
            },
        }
        Outcome::Stay
    }
}

impl Reading {
    /// How far the summary scrolls: about one line per note, action, review and
    /// movement, and the votes and headings around them (wrapping adds a little).
    fn most_scroll(&self) -> u16 {
        let s = &self.summary;
        let lines = 2 * (s.notes.len() + s.actions.len() + s.reviews.len()) + s.moves.len() + s.data_gaps.len() + 24;
        u16::try_from(lines).unwrap_or(u16::MAX)
    }
}
