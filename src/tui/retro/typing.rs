//! Typing on the retro screen: the note editor and the action form, opened from a
//! stage, and what saving them asks of the flow.

use super::{Mode, Question, RetroScreen, decision_verb, note_title};
use crate::domain::{Decision, DoraMetric, MetricKey, Timestamp};
use crate::retro::flow::{Effect, Event, NoteTarget};
use crate::tui::editor::Editor;
use crate::tui::form::ActionFormUi;
use crate::tui::keymap::Action;
use chrono::NaiveDate;

impl RetroScreen {
    /// Opens the note that goes with deciding `decision` about earlier action `id`: its
    /// draft, or the note of the decision taken before.
    pub(super) fn open_review(&mut self, id: crate::domain::ActionId, decision: Decision) {
        let Some(a) = self.flow.to_review.iter().find(|a| a.id == id) else {
            return;
        };
        let title = format!("{} \"{}\": a note (optional)", decision_verb(decision), a.plan.title);
        let note = self.flow.review_of(a.id).and_then(|r| r.note.clone()).unwrap_or_default();
        let target = NoteTarget::Review(a.id, decision);
        let draft = self.flow.draft.as_ref().filter(|d| d.target == target);
        let body = draft.map_or(note, |d| d.body.clone());
        self.mode = Mode::Editing(Box::new(Editor::new(target, title, &body)));
    }

    /// Starts typing for `target`, picking up its draft if there is one; nothing is
    /// written until the note is saved.
    pub(super) fn open_note(&mut self, target: NoteTarget) -> Vec<Effect> {
        self.open_note_for(target);
        vec![]
    }

    pub(super) fn open_note_for(&mut self, target: NoteTarget) {
        if self.flow.is_finished() {
            self.message = Some("This retro is closed: its notes can be read, not changed.".into());
            return;
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
        self.mode = Mode::Editing(Box::new(editor));
    }

    pub(super) fn open_form(&mut self, title: &str, metric: Option<&MetricKey>) {
        if self.flow.is_finished() {
            self.message = Some("This retro is closed: its record can be read, not changed.".into());
            return;
        }
        let metric = metric.or_else(|| self.flow.moves.iter().find(|m| m.moved()).map(|m| &m.metric)).cloned();
        self.mode = Mode::Form(Box::new(ActionFormUi::new(title, self.metric_choices(), metric.as_ref())));
    }

    /// The metrics an action can name: the DORA five, then the team's own.
    pub(super) fn metric_choices(&self) -> Vec<MetricKey> {
        let mut metrics: Vec<MetricKey> = DoraMetric::ALL.into_iter().map(MetricKey::Dora).collect();
        metrics.extend(
            self.flow.moves.iter().filter(|m| matches!(m.metric, MetricKey::Team(_))).map(|m| m.metric.clone()),
        );
        metrics
    }

    /// The team's today, in its UTC offset.
    fn today(&self, now: Timestamp) -> NaiveDate {
        crate::tui::form::today(&self.flow.team, now)
    }

    /// Creates the action, or records the correction, the form holds; keeps the form
    /// open with the reason when it is refused.
    pub(super) fn save_form(&mut self, mut form: Box<ActionFormUi>, now: Timestamp) -> Vec<Effect> {
        let plan = match form.read() {
            Ok(plan) => plan,
            Err(e) => {
                form.error = Some(e.to_string());
                self.mode = Mode::Form(form);
                return vec![];
            }
        };
        let event = match (form.editing, form.from_note) {
            (Some(id), _) => Event::UpdateAction { id, plan },
            (None, Some(note)) => Event::CreateActionFromNote { plan, note },
            (None, None) => Event::CreateAction(plan),
        };
        let effects = self.event(event, now);
        if let Some(refused) = self.message.take() {
            form.error = Some(refused);
            self.mode = Mode::Form(form);
        }
        effects
    }

    pub(super) fn update_editor(&mut self, mut editor: Box<Editor>, action: Action, now: Timestamp) -> Vec<Effect> {
        match action {
            Action::Cancel => {
                // The text is kept: a note's as its draft, so nothing typed is lost.
                let (changed, body) = (editor.changed(), editor.body());
                match editor.purpose {
                    target if changed => self.event(Event::SaveDraft { target, body }, now),
                    _ => vec![],
                }
            }
            Action::Save => {
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
                    self.mode = Mode::Editing(editor);
                }
                effects
            }
            other => {
                if let Action::Type(key) = other {
                    editor.textarea.input(key);
                }
                self.mode = Mode::Editing(editor);
                vec![]
            }
        }
    }

    pub(super) fn update_form(&mut self, mut form: Box<ActionFormUi>, action: Action, now: Timestamp) -> Vec<Effect> {
        if form.fill(action) {
            self.mode = Mode::Form(form);
            return vec![];
        }
        match action {
            Action::Cancel => return vec![],
            Action::Save => {
                // A due date already past is most likely a typo: ask before keeping it.
                let past = form.read().ok().and_then(|p| p.due).is_some_and(|due| due < self.today(now));
                if past {
                    self.mode = Mode::Confirm(Question::PastDue(form));
                    return vec![];
                }
                return self.save_form(form, now);
            }
            _ => {}
        }
        self.mode = Mode::Form(form);
        vec![]
    }

    /// Saves the note being typed as a draft when it changed: called every second or so.
    pub fn autosave(&mut self, now: Timestamp) -> Vec<Effect> {
        let Mode::Editing(editor) = &mut self.mode else {
            return vec![];
        };
        if !editor.changed() {
            return vec![];
        }
        let target = editor.purpose.clone();
        let body = editor.body();
        editor.saved = body.clone();
        self.event(Event::SaveDraft { target, body }, now)
    }
}
