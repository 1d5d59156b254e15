//! The action form: every field of an action being made or corrected, shared by the
//! retro's "Decide actions" and the actions screen.

use super::keymap::Action;
use crate::domain::{ActionPlan, Expected, MetricKey, NoteId, Timestamp};
use crate::retro::flow::{FormError, parse_due, parse_target};
use chrono::NaiveDate;
use ratatui::style::Style;
use ratatui_textarea::TextArea;

/// Fields of the new-action form, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Title,
    Description,
    Metric,
    Expected,
    Target,
    Due,
    Volunteer,
}

impl Field {
    pub const ALL: [Field; 7] =
        [Self::Title, Self::Description, Self::Metric, Self::Expected, Self::Target, Self::Due, Self::Volunteer];

    pub fn label(self) -> &'static str {
        match self {
            Self::Title => "Title",
            Self::Description => "Description",
            Self::Metric => "Metric",
            Self::Expected => "Expected",
            Self::Target => "Target value",
            Self::Due => "Due (YYYY-MM-DD)",
            Self::Volunteer => "Volunteer",
        }
    }
}

/// A new action being filled in.
#[derive(Debug)]
pub struct ActionFormUi {
    pub field: usize,
    pub title: TextArea<'static>,
    pub description: TextArea<'static>,
    pub metrics: Vec<MetricKey>,
    pub metric: usize,
    pub expected: usize,
    pub target: TextArea<'static>,
    pub due: TextArea<'static>,
    pub volunteer: TextArea<'static>,
    pub error: Option<String>,
    /// The action of this retro being corrected, or `None` for a new one.
    pub editing: Option<crate::domain::ActionId>,
    /// The note a new action is made from, which it keeps a link to.
    pub from_note: Option<NoteId>,
}

fn line_input(text: &str) -> TextArea<'static> {
    let mut t = TextArea::new(vec![text.to_owned()]);
    t.set_cursor_line_style(Style::default());
    t.move_cursor(ratatui_textarea::CursorMove::End);
    t
}

impl ActionFormUi {
    pub(super) fn new(title: &str, metrics: Vec<MetricKey>, metric: Option<&MetricKey>) -> Self {
        let metric = metric.and_then(|m| metrics.iter().position(|k| k == m)).unwrap_or(0);
        ActionFormUi {
            field: 0,
            title: line_input(title),
            description: line_input(""),
            metrics,
            metric,
            expected: 0,
            target: line_input(""),
            due: line_input(""),
            volunteer: line_input(""),
            error: None,
            editing: None,
            from_note: None,
        }
    }

    /// The form filled in with `action` as it stands, to correct it.
    pub(super) fn edit(action: &crate::domain::Action, metrics: Vec<MetricKey>) -> Self {
        let mut form = Self::new(&action.plan.title, metrics, Some(&action.plan.metric));
        if !form.metrics.contains(&action.plan.metric) {
            form.metrics.push(action.plan.metric.clone());
            form.metric = form.metrics.len() - 1;
        }
        form.description = line_input(action.plan.description.as_deref().unwrap_or_default());
        form.expected = Expected::ALL.iter().position(|e| *e == action.plan.expected).unwrap_or(0);
        form.target = line_input(&action.plan.target.map(|t| t.to_string()).unwrap_or_default());
        form.due = line_input(&action.plan.due.map(|d| d.to_string()).unwrap_or_default());
        form.volunteer = line_input(action.plan.volunteer.as_deref().unwrap_or_default());
        form.editing = Some(action.id);
        form
    }

    pub fn current(&self) -> Field {
        Field::ALL[self.field]
    }

    fn text(t: &TextArea<'_>) -> String {
        t.lines().join(" ").trim().to_owned()
    }

    /// Whether anything was typed that closing the form would lose.
    pub(super) fn has_input(&self) -> bool {
        !Self::text(&self.title).is_empty() || !Self::text(&self.volunteer).is_empty()
    }

    /// The form as the flow takes it, or what is wrong with it.
    pub(super) fn read(&self) -> Result<ActionPlan, FormError> {
        let due = parse_due(&Self::text(&self.due))?;
        let volunteer = Self::text(&self.volunteer);
        let description = Self::text(&self.description);
        let target = parse_target(&Self::text(&self.target))?;
        Ok(ActionPlan {
            title: Self::text(&self.title),
            description: (!description.is_empty()).then_some(description),
            metric: self.metrics[self.metric].clone(),
            expected: Expected::ALL[self.expected],
            target,
            due,
            volunteer: (!volunteer.is_empty()).then_some(volunteer),
        })
    }

    /// Whether the current field is a fixed set of choices rather than text.
    pub fn on_choice(&self) -> bool {
        matches!(self.current(), Field::Metric | Field::Expected)
    }

    /// The text field being typed in, if the current field is one.
    fn text_field(&mut self) -> Option<&mut TextArea<'static>> {
        match self.current() {
            Field::Metric | Field::Expected => None,
            Field::Title => Some(&mut self.title),
            Field::Description => Some(&mut self.description),
            Field::Target => Some(&mut self.target),
            Field::Due => Some(&mut self.due),
            Field::Volunteer => Some(&mut self.volunteer),
        }
    }

    fn key(&mut self, key: ratatui::crossterm::event::KeyEvent) {
        if let Some(field) = self.text_field() {
            field.input(key);
        }
    }

    /// Typing, choosing and moving between fields; `false` for any other action (save,
    /// cancel), which the screen holding the form handles.
    pub(super) fn fill(&mut self, action: Action) -> bool {
        match action {
            Action::Type(key) => self.key(key),
            Action::NextChoice | Action::PreviousChoice => self.choose(action == Action::NextChoice),
            Action::NextField => self.field = (self.field + 1).min(Field::ALL.len() - 1),
            Action::PreviousField => self.field = self.field.saturating_sub(1),
            _ => return false,
        }
        true
    }

    /// Pasted text into the current text field (one line); `false` on a choice field.
    pub(super) fn paste(&mut self, text: &str) -> bool {
        self.text_field().is_some_and(|f| f.insert_str(text.replace('\n', " ")))
    }

    /// The next (or previous) choice of the current choice field.
    fn choose(&mut self, forward: bool) {
        let step = |i: &mut usize, n: usize| *i = if forward { (*i + 1) % n } else { (*i + n - 1) % n };
        match self.current() {
            Field::Metric => step(&mut self.metric, self.metrics.len()),
            Field::Expected => step(&mut self.expected, Expected::ALL.len()),
            _ => {}
        }
    }
}

/// `team`'s today, in its UTC offset.
pub(super) fn today(team: &crate::domain::Team, now: Timestamp) -> NaiveDate {
    team.utc_offset.local_date(now)
}
