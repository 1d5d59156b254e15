//! The retro screen's state: the flow itself plus what is selected and being typed.
//! Keys become flow events here; the flow's effects go back to the event loop.

use super::keymap::{Action, Context};
use crate::domain::{ActionPlan, Decision, DoraMetric, Expected, MetricKey, NoteId, Stage, Timestamp, VoteKind};
use crate::retro::flow::{Effect, Event, Flow, FormError, NoteTarget, parse_due, parse_target};
use ratatui::style::Style;
use ratatui_textarea::TextArea;

/// A multi-line text being typed, and what of it is already saved as a draft.
#[derive(Debug)]
pub struct Editor {
    pub purpose: NoteTarget,
    pub title: String,
    pub textarea: TextArea<'static>,
    saved: String,
}

impl Editor {
    fn new(purpose: NoteTarget, title: String, body: &str) -> Self {
        let lines: Vec<String> =
            if body.is_empty() { vec![String::new()] } else { body.lines().map(String::from).collect() };
        let mut textarea = TextArea::new(lines);
        textarea.set_cursor_line_style(Style::default());
        textarea.move_cursor(ratatui_textarea::CursorMove::Bottom);
        textarea.move_cursor(ratatui_textarea::CursorMove::End);
        Editor { purpose, title, textarea, saved: body.to_owned() }
    }

    pub fn body(&self) -> String {
        self.textarea.lines().join("\n")
    }

    /// Typed since the last draft save.
    fn changed(&self) -> bool {
        self.body() != self.saved
    }
}

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
}

fn line_input(text: &str) -> TextArea<'static> {
    let mut t = TextArea::new(vec![text.to_owned()]);
    t.set_cursor_line_style(Style::default());
    t.move_cursor(ratatui_textarea::CursorMove::End);
    t
}

impl ActionFormUi {
    fn new(title: &str, metrics: Vec<MetricKey>, metric: Option<&MetricKey>) -> Self {
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
        }
    }

    pub fn current(&self) -> Field {
        Field::ALL[self.field]
    }

    fn text(t: &TextArea<'_>) -> String {
        t.lines().join(" ").trim().to_owned()
    }

    /// Whether anything was typed that closing the form would lose.
    fn has_input(&self) -> bool {
        !Self::text(&self.title).is_empty() || !Self::text(&self.volunteer).is_empty()
    }

    /// The form as the flow takes it, or what is wrong with it.
    fn read(&self) -> Result<ActionPlan, FormError> {
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

    fn key(&mut self, key: ratatui::crossterm::event::KeyEvent) {
        use ratatui::crossterm::event::KeyCode::{Left, Right};
        let step = |i: &mut usize, n: usize, forward: bool| *i = if forward { (*i + 1) % n } else { (*i + n - 1) % n };
        match (self.current(), key.code) {
            (Field::Metric, Left | Right) => step(&mut self.metric, self.metrics.len(), key.code == Right),
            (Field::Expected, Left | Right) => step(&mut self.expected, Expected::ALL.len(), key.code == Right),
            (Field::Metric | Field::Expected, _) => {}
            (Field::Title, _) => drop(self.title.input(key)),
            (Field::Description, _) => drop(self.description.input(key)),
            (Field::Target, _) => drop(self.target.input(key)),
            (Field::Due, _) => drop(self.due.input(key)),
            (Field::Volunteer, _) => drop(self.volunteer.input(key)),
        }
    }
}

/// The retro screen.
#[derive(Debug)]
pub struct RetroScreen {
    pub flow: Flow,
    /// The selected row on each stage.
    pub cursor: [usize; 6],
    /// On "What's blocking us": the notes pane has the focus, at this note.
    pub notes_focus: Option<usize>,
    pub editor: Option<Editor>,
    pub form: Option<ActionFormUi>,
    pub confirm_delete: Option<NoteId>,
    /// A count being typed digit by digit: the row, and the count so far.
    typed: Option<(usize, u32)>,
    /// The last thing worth telling the facilitator (an error, an export's path).
    pub message: Option<String>,
}

impl RetroScreen {
    /// Opens the flow where it was left, with the draft it was typing (if any) reopened.
    pub fn new(flow: Flow) -> Self {
        let editor = flow.draft.as_ref().map(|d| {
            let target = d.target.clone();
            let title = note_title(&flow, &target);
            let mut editor = Editor::new(target, title, &d.body);
            editor.saved = d.body.clone();
            editor
        });
        RetroScreen {
            flow,
            cursor: [0; 6],
            notes_focus: None,
            editor,
            form: None,
            confirm_delete: None,
            typed: None,
            message: None,
        }
    }

    pub fn context(&self) -> Context {
        if self.confirm_delete.is_some() {
            Context::ConfirmDelete
        } else if self.editor.is_some() {
            Context::Editing
        } else if self.form.is_some() {
            Context::ActionForm
        } else {
            match self.flow.stage() {
                Stage::SetTheStage => Context::SetTheStage,
                Stage::ReviewActions => Context::ReviewActions,
                Stage::LookAtData => Context::LookAtData,
                Stage::WhatsBlocking => Context::WhatsBlocking,
                Stage::DecideActions => Context::DecideActions,
                Stage::Close => Context::Close,
            }
        }
    }

    /// A finished retro: read, not changed.
    pub fn is_closed(&self) -> bool {
        self.flow.is_finished()
    }

    /// Something typed would be lost by quitting now (notes are drafted; forms are not).
    pub fn has_unsaved_work(&self) -> bool {
        self.form.as_ref().is_some_and(ActionFormUi::has_input) || self.editor.as_ref().is_some_and(|e| e.changed())
    }

    fn cursor(&mut self) -> &mut usize {
        &mut self.cursor[self.flow.stage().index()]
    }

    /// Rows the cursor moves over on the current stage.
    fn rows(&self) -> usize {
        match self.flow.stage() {
            Stage::SetTheStage => 5 + if self.flow.safety_is_low() { self.flow.safety_prompts.len() } else { 0 },
            Stage::ReviewActions => self.flow.to_review.len(),
            Stage::LookAtData => self.flow.moves.len(),
            Stage::WhatsBlocking => self.flow.blocking_prompts().len(),
            Stage::DecideActions => self.flow.notes.len(),
            Stage::Close => 5,
        }
    }

    /// Handles one action; returns the flow's effects to persist.
    pub fn update(&mut self, action: Action, now: Timestamp) -> Vec<Effect> {
        match self.context() {
            Context::ConfirmDelete => {
                let id = self.confirm_delete.take().expect("confirming a delete");
                if action == Action::Confirm {
                    return self.event(Event::DeleteNote(id), now);
                }
                vec![]
            }
            Context::Editing => self.update_editor(action, now),
            Context::ActionForm => self.update_form(action, now),
            _ => self.update_stage(action, now),
        }
    }

    /// Runs a flow event, keeping its refusal as the message.
    fn event(&mut self, event: Event, now: Timestamp) -> Vec<Effect> {
        match self.flow.handle(event, now) {
            Ok(effects) => effects,
            Err(e) => {
                self.message = Some(e.to_string());
                vec![]
            }
        }
    }

    fn update_stage(&mut self, action: Action, now: Timestamp) -> Vec<Effect> {
        self.message = None;
        let typed = self.typed.take();
        let rows = self.rows();
        match action {
            Action::NextStage | Action::PreviousStage => {
                // The notes pane belongs to one stage: leaving it gives the keys back.
                self.notes_focus = None;
                let event = if action == Action::NextStage { Event::Next } else { Event::Previous };
                return self.event(event, now);
            }
            Action::Up | Action::Down if self.notes_focus.is_some() => {
                let n = self.selected_prompt_notes().len();
                if let Some(i) = self.notes_focus.as_mut().filter(|_| n > 0) {
                    *i = if action == Action::Up { (*i + n - 1) % n } else { (*i + 1) % n };
                }
            }
            Action::Up if rows > 0 => *self.cursor() = (*self.cursor() + rows - 1) % rows,
            Action::Down if rows > 0 => *self.cursor() = (*self.cursor() + 1) % rows,
            _ => {}
        }
        let cursor = *self.cursor();
        match (self.flow.stage(), action) {
            (Stage::SetTheStage | Stage::Close, Action::Increase | Action::Decrease | Action::Digit(_))
                if cursor < 5 =>
            {
                let kind = if self.flow.stage() == Stage::Close { VoteKind::ReturnOnTime } else { VoteKind::Safety };
                // Rows run from the highest score down.
                let score = 5 - cursor as u8;
                let counts = if kind == VoteKind::Safety { self.flow.safety } else { self.flow.return_on_time };
                let count = match action {
                    Action::Increase => counts.get(score).saturating_add(1).min(999),
                    Action::Decrease => counts.get(score).saturating_sub(1),
                    // Digits typed one after another on a row make one number: 1, 2 -> 12.
                    Action::Digit(d) => {
                        let so_far = typed.filter(|(row, _)| *row == cursor).map_or(0, |(_, n)| n);
                        let count = (so_far * 10 + u32::from(d)).min(999);
                        self.typed = Some((cursor, count));
                        count
                    }
                    _ => unreachable!("matched above"),
                };
                self.event(Event::SetVote { kind, score, count }, now)
            }
            (Stage::SetTheStage, Action::Add) if cursor >= 5 => {
                let key = self.flow.safety_prompts[cursor - 5].key.clone();
                self.open_note(NoteTarget::Prompt(key), now)
            }
            (Stage::ReviewActions, Action::MarkDone | Action::MarkKeep | Action::MarkDrop) if rows > 0 => {
                let decision = match action {
                    Action::MarkDone => Decision::Done,
                    Action::MarkKeep => Decision::Keep,
                    _ => Decision::Drop,
                };
                let a = &self.flow.to_review[cursor];
                let title = format!("{} \"{}\": a note (optional)", decision_verb(decision), a.title);
                let note = self.flow.review_of(a.id).and_then(|r| r.note.clone()).unwrap_or_default();
                let target = NoteTarget::Review(a.id, decision);
                let draft = self.flow.draft.as_ref().filter(|d| d.target == target);
                let body = draft.map_or(note, |d| d.body.clone());
                self.editor = Some(Editor::new(target, title, &body));
                vec![]
            }
            (Stage::WhatsBlocking, Action::NextPane) => {
                self.notes_focus = match self.notes_focus {
                    None if !self.selected_prompt_notes().is_empty() => Some(0),
                    _ => None,
                };
                vec![]
            }
            (Stage::WhatsBlocking, Action::Add) if rows > 0 => {
                let key = self.flow.blocking_prompts()[cursor].key.clone();
                self.open_note(NoteTarget::Prompt(key), now)
            }
            (Stage::WhatsBlocking, Action::Edit | Action::Delete) => {
                let Some(note) = self.notes_focus.and_then(|i| self.selected_prompt_notes().get(i).copied()) else {
                    self.message = Some("Select a note first: Tab moves to the notes.".into());
                    return vec![];
                };
                if action == Action::Delete {
                    self.confirm_delete = Some(note);
                    return vec![];
                }
                self.open_note(NoteTarget::Edit(note), now)
            }
            (Stage::DecideActions, Action::Add) if rows > 0 => {
                let note = &self.flow.notes[cursor];
                let title = note.body.lines().next().unwrap_or_default().to_owned();
                let metric = note.metric.clone();
                self.open_form(&title, metric.as_ref());
                vec![]
            }
            (Stage::DecideActions, Action::NewAction) => {
                self.open_form("", None);
                vec![]
            }
            (Stage::Close, Action::Finish) => self.event(Event::Finish, now),
            _ => vec![],
        }
    }

    /// The notes under the selected prompt of "What's blocking us".
    pub fn selected_prompt_notes(&self) -> Vec<NoteId> {
        let prompts = self.flow.blocking_prompts();
        let Some(prompt) = prompts.get(self.cursor[Stage::WhatsBlocking.index()]) else {
            return vec![];
        };
        self.flow.notes_for(&prompt.key).map(|n| n.id).collect()
    }

    /// Starts typing for `target`, picking up its draft if there is one.
    fn open_note(&mut self, target: NoteTarget, now: Timestamp) -> Vec<Effect> {
        if self.flow.is_finished() {
            self.message = Some("This retro is closed: its notes can be read, not changed.".into());
            return vec![];
        }
        let draft = self.flow.draft.as_ref().filter(|d| d.target == target).map(|d| d.body.clone());
        let body = match (&target, draft) {
            (_, Some(draft)) => draft,
            (NoteTarget::Edit(id), None) => {
                self.flow.notes.iter().find(|n| n.id == *id).map(|n| n.body.clone()).unwrap_or_default()
            }
            (NoteTarget::Prompt(_) | NoteTarget::Review(..), None) => String::new(),
        };
        let title = note_title(&self.flow, &target);
        let mut editor = Editor::new(target, title, &body);
        // Another draft (for a different prompt) is replaced by this one once typed into.
        editor.saved = body;
        self.editor = Some(editor);
        let _ = now;
        vec![]
    }

    fn open_form(&mut self, title: &str, metric: Option<&MetricKey>) {
        if self.flow.is_finished() {
            self.message = Some("This retro is closed: actions can be added from the actions screen.".into());
            return;
        }
        let mut metrics: Vec<MetricKey> = DoraMetric::ALL.into_iter().map(MetricKey::Dora).collect();
        metrics.extend(
            self.flow.moves.iter().filter(|m| matches!(m.metric, MetricKey::Team(_))).map(|m| m.metric.clone()),
        );
        let metric = metric.or_else(|| self.flow.moves.iter().find(|m| m.moved()).map(|m| &m.metric)).cloned();
        self.form = Some(ActionFormUi::new(title, metrics, metric.as_ref()));
    }

    fn update_editor(&mut self, action: Action, now: Timestamp) -> Vec<Effect> {
        let editor = self.editor.as_mut().expect("editing");
        match action {
            Action::Type(key) => {
                editor.textarea.input(key);
                vec![]
            }
            Action::Cancel => {
                // The text is kept: a note's as its draft, so nothing typed is lost.
                let editor = self.editor.take().expect("editing");
                let (changed, body) = (editor.changed(), editor.body());
                match editor.purpose {
                    target if changed => self.event(Event::SaveDraft { target, body }, now),
                    _ => vec![],
                }
            }
            Action::Save => {
                let editor = self.editor.take().expect("editing");
                let body = editor.body();
                let event = match editor.purpose.clone() {
                    NoteTarget::Review(action, decision) => {
                        Event::Review { action, decision, note: Some(body).filter(|b| !b.trim().is_empty()) }
                    }
                    target => Event::ConfirmNote { target, body },
                };
                let effects = self.event(event, now);
                if self.message.is_some() {
                    // Refused (an empty note): keep typing.
                    self.editor = Some(editor);
                }
                effects
            }
            _ => vec![],
        }
    }

    fn update_form(&mut self, action: Action, now: Timestamp) -> Vec<Effect> {
        let form = self.form.as_mut().expect("a form");
        match action {
            Action::Type(key) => form.key(key),
            Action::NextField => form.field = (form.field + 1).min(Field::ALL.len() - 1),
            Action::PreviousField => form.field = form.field.saturating_sub(1),
            Action::Cancel => self.form = None,
            Action::Save => match form.read() {
                Err(e) => form.error = Some(e.to_string()),
                Ok(values) => {
                    let effects = self.event(Event::CreateAction(values), now);
                    match self.message.take() {
                        Some(refused) => self.form.as_mut().expect("still open").error = Some(refused),
                        None => self.form = None,
                    }
                    return effects;
                }
            },
            _ => {}
        }
        vec![]
    }

    /// Saves the note being typed as a draft when it changed: called every second or so.
    pub fn autosave(&mut self, now: Timestamp) -> Vec<Effect> {
        let Some(editor) = self.editor.as_mut().filter(|e| e.changed()) else {
            return vec![];
        };
        let target = editor.purpose.clone();
        let body = editor.body();
        editor.saved = body.clone();
        self.event(Event::SaveDraft { target, body }, now)
    }
}

fn decision_verb(d: Decision) -> &'static str {
    match d {
        Decision::Done => "Done",
        Decision::Keep => "Keep",
        Decision::Drop => "Drop",
    }
}

/// The editor's title: the prompt the note answers.
fn note_title(flow: &Flow, target: &NoteTarget) -> String {
    let key = match target {
        NoteTarget::Prompt(key) => Some(key.as_str()),
        NoteTarget::Edit(id) => flow.notes.iter().find(|n| n.id == *id).map(|n| n.prompt_key.as_str()),
        NoteTarget::Review(action, decision) => {
            let title = flow.to_review.iter().find(|a| a.id == *action).map_or("", |a| a.title.as_str());
            return format!("{} \"{title}\": a note (optional)", decision_verb(*decision));
        }
    };
    key.and_then(|k| flow.prompt(k)).map_or_else(|| "Note".to_owned(), |p| p.text.clone())
}

/// Decisions shown for an action's review, in words.
pub fn decision_word(d: Decision) -> &'static str {
    match d {
        Decision::Done => "done",
        Decision::Keep => "kept open",
        Decision::Drop => "dropped",
    }
}
