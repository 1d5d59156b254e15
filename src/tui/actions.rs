//! The actions screen's state: every action of the team, filtered and sorted, with one
//! opened in detail, and the form that corrects one.

use super::form::ActionFormUi;
use super::keymap::Action as Key;
use crate::domain::{ActionId, ActionPlan, ActionStatus, MetricKey, Timestamp};
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

/// A correction being made to the selected action, over the list or the detail.
#[derive(Debug)]
pub enum Editing {
    No,
    Form(Box<ActionFormUi>),
    /// The form's due date is already past: asked before it is kept.
    PastDue(Box<ActionFormUi>),
}

/// What a key on the actions screen asks of the app.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    Stay,
    Leave,
    /// Store this plan for the action (every field as corrected).
    Save(ActionId, ActionPlan),
}

/// The screen keeps its list as a view model: the rows the filter lets through, in the
/// chosen order, worked out when the actions, the filter or the order change (never
/// while drawing).
#[derive(Debug)]
pub struct ActionsScreen {
    /// Every action of the team, in the chosen order.
    all: Vec<ActionProgress>,
    filter: Filter,
    sort: Sort,
    /// What the list shows: indices into `all`, filtered and sorted.
    rows: Vec<usize>,
    /// The selected row of the list.
    pub selected: usize,
    /// The selected action is open in detail.
    pub detail: bool,
    pub editing: Editing,
    /// The metrics an action can name, for the form.
    pub metrics: Vec<MetricKey>,
    /// The text of the note each action was made from, for those made from one.
    pub from_notes: Vec<(ActionId, String)>,
}

impl ActionsScreen {
    pub fn new(all: Vec<ActionProgress>) -> Self {
        let mut screen = ActionsScreen {
            all,
            filter: Filter::Open,
            sort: Sort::Due,
            rows: vec![],
            selected: 0,
            detail: false,
            editing: Editing::No,
            metrics: vec![],
            from_notes: vec![],
        };
        screen.arrange();
        screen
    }

    /// Works out the rows the list shows, after the actions, the filter or the order
    /// changed.
    fn arrange(&mut self) {
        sort(&mut self.all, self.sort);
        self.rows = (0..self.all.len()).filter(|&i| self.filter.matches(&self.all[i])).collect();
    }

    /// Which actions the list shows.
    pub fn filter(&self) -> Filter {
        self.filter
    }

    /// The order they are listed in.
    pub fn sort(&self) -> Sort {
        self.sort
    }

    /// How many actions the team has, shown or not.
    pub fn total(&self) -> usize {
        self.all.len()
    }

    /// The note action `id` was made from, if it was.
    pub fn note_of(&self, id: ActionId) -> Option<&str> {
        self.from_notes.iter().find(|(a, _)| *a == id).map(|(_, n)| n.as_str())
    }

    /// The same screen over actions read anew (after a correction): what was selected
    /// stays selected.
    pub fn reload(&mut self, all: Vec<ActionProgress>) {
        let id = self.current().map(|p| p.action.id);
        self.all = all;
        self.arrange();
        let at = self.visible().position(|p| Some(p.action.id) == id);
        self.selected = at.unwrap_or(0);
    }

    /// Pasted text into the form's current text field; `false` when no form takes it.
    pub fn paste(&mut self, text: &str) -> bool {
        match &mut self.editing {
            Editing::Form(form) => form.paste(text),
            Editing::No | Editing::PastDue(_) => false,
        }
    }

    /// The form open over the screen, if any.
    pub fn form(&self) -> Option<&ActionFormUi> {
        match &self.editing {
            Editing::Form(form) | Editing::PastDue(form) => Some(form),
            Editing::No => None,
        }
    }

    /// The actions the filter lets through, in the chosen order.
    pub fn visible(&self) -> impl ExactSizeIterator<Item = &ActionProgress> + Clone {
        self.rows.iter().map(|&i| &self.all[i])
    }

    /// The selected action, if the list shows any.
    pub fn current(&self) -> Option<&ActionProgress> {
        self.rows.get(self.selected).map(|&i| &self.all[i])
    }

    /// Handles a key on the list, the detail or the form.
    pub fn update(&mut self, key: Key, now: Timestamp, team: &crate::domain::Team) -> Outcome {
        match std::mem::replace(&mut self.editing, Editing::No) {
            Editing::No => {}
            Editing::Form(mut form) => {
                if form.fill(key) {
                    self.editing = Editing::Form(form);
                    return Outcome::Stay;
                }
                return match key {
                    Key::Save => self.save(form, now, team, true),
                    Key::Cancel => Outcome::Stay,
                    _ => {
                        self.editing = Editing::Form(form);
                        Outcome::Stay
                    }
                };
            }
            Editing::PastDue(form) if key == Key::Confirm => return self.save(form, now, team, false),
            // "No" goes back to the form, to change the date.
            Editing::PastDue(form) => {
                self.editing = Editing::Form(form);
                return Outcome::Stay;
            }
        }
        if key == Key::Edit {
            if let Some(p) = self.current() {
                self.editing = Editing::Form(Box::new(ActionFormUi::edit(&p.action, self.metrics.clone())));
            }
            return Outcome::Stay;
        }
        if self.update_view(key) { Outcome::Stay } else { Outcome::Leave }
    }

    /// The plan the form holds, once its due date is confirmed when already past.
    fn save(&mut self, mut form: Box<ActionFormUi>, now: Timestamp, team: &crate::domain::Team, ask: bool) -> Outcome {
        let plan = match form.read() {
            Ok(plan) if plan.title.trim().is_empty() => {
                form.error = Some("an action needs a title".into());
                self.editing = Editing::Form(form);
                return Outcome::Stay;
            }
            Ok(plan) => plan,
            Err(e) => {
                form.error = Some(e.to_string());
                self.editing = Editing::Form(form);
                return Outcome::Stay;
            }
        };
        if ask && plan.due.is_some_and(|d| d < super::form::today(team, now)) {
            self.editing = Editing::PastDue(form);
            return Outcome::Stay;
        }
        match form.editing {
            Some(id) => Outcome::Save(id, plan),
            None => Outcome::Stay,
        }
    }

    /// Moving over the list and the detail; `false` when the key means leaving.
    fn update_view(&mut self, key: Key) -> bool {
        let n = self.rows.len();
        match key {
            Key::Up if n > 0 => self.selected = (self.selected + n - 1) % n,
            Key::Down if n > 0 => self.selected = (self.selected + 1) % n,
            Key::Open if !self.detail && n > 0 => self.detail = true,
            Key::Back | Key::Open if self.detail => self.detail = false,
            Key::Back => return false,
            Key::Filter => {
                self.filter = self.filter.next();
                self.arrange();
                self.selected = 0;
            }
            Key::SortBy => {
                self.sort = next_sort(self.sort);
                self.arrange();
            }
            _ => {}
        }
        true
    }
}
