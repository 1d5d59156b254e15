//! The actions screen's state: every action of the team, filtered and sorted, with one
//! opened in detail.

use super::keymap::Action as Key;
use crate::domain::ActionStatus;
use crate::metrics::ActionProgress;
use crate::query::actions::{Sort, sort};

/// Which actions the list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Filter {
    #[default]
    Open,
    Overdue,
    Done,
    Dropped,
    All,
}

impl Filter {
    const ORDER: [Filter; 5] = [Self::Open, Self::Overdue, Self::Done, Self::Dropped, Self::All];

    pub fn label(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Overdue => "overdue",
            Self::Done => "done",
            Self::Dropped => "dropped",
            Self::All => "all",
        }
    }

    fn next(self) -> Self {
        let i = Self::ORDER.iter().position(|f| *f == self).unwrap_or(0);
        Self::ORDER[(i + 1) % Self::ORDER.len()]
    }

    pub fn matches(self, p: &ActionProgress) -> bool {
        match self {
            Self::Open => p.action.status == ActionStatus::Open,
            Self::Overdue => p.overdue,
            Self::Done => p.action.status == ActionStatus::Done,
            Self::Dropped => p.action.status == ActionStatus::Dropped,
            Self::All => true,
        }
    }
}

fn next_sort(s: Sort) -> Sort {
    match s {
        Sort::Created => Sort::Due,
        Sort::Due => Sort::Verdict,
        Sort::Verdict => Sort::Created,
    }
}

pub fn sort_label(s: Sort) -> &'static str {
    match s {
        Sort::Created => "oldest first",
        Sort::Due => "due date",
        Sort::Verdict => "verdict (needs attention first)",
    }
}

#[derive(Debug)]
pub struct ActionsScreen {
    pub all: Vec<ActionProgress>,
    pub filter: Filter,
    pub sort: Sort,
    pub selected: usize,
    /// The selected action is open in detail.
    pub detail: bool,
}

impl ActionsScreen {
    pub fn new(all: Vec<ActionProgress>) -> Self {
        ActionsScreen { all, filter: Filter::Open, sort: Sort::Due, selected: 0, detail: false }
    }

    /// The actions the filter lets through, in the chosen order.
    pub fn visible(&self) -> Vec<ActionProgress> {
        let mut rows: Vec<ActionProgress> = self.all.iter().filter(|p| self.filter.matches(p)).cloned().collect();
        sort(&mut rows, self.sort);
        rows
    }

    pub fn current(&self) -> Option<ActionProgress> {
        self.visible().into_iter().nth(self.selected)
    }

    /// Handles a key on the list or the detail; `false` when it means leaving.
    pub fn update(&mut self, key: Key) -> bool {
        let n = self.visible().len();
        match key {
            Key::Up if n > 0 => self.selected = (self.selected + n - 1) % n,
            Key::Down if n > 0 => self.selected = (self.selected + 1) % n,
            Key::Open if !self.detail && n > 0 => self.detail = true,
            Key::Back | Key::Open if self.detail => self.detail = false,
            Key::Back => return false,
            Key::Filter => {
                self.filter = self.filter.next();
                self.selected = 0;
            }
            Key::SortBy => self.sort = next_sort(self.sort),
            _ => {}
        }
        true
    }
}
