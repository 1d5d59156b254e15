//! The retro screen's state: the flow itself plus what is selected and being typed.
//! Keys become flow events here; the flow's effects go back to the event loop.

use super::editor::Editor;
use super::form::ActionFormUi;
use super::keymap::{Action, Context};
use crate::domain::{Decision, DoraMetric, MetricKey, NoteId, Stage, Timestamp, VoteKind};
use crate::retro::flow::{Effect, Event, Flow, NoteTarget};
use chrono::NaiveDate;

/// What the retro screen is doing: one mode at a time.
#[derive(Debug)]
pub enum Mode {
    Browsing,
    // Boxed: text areas are large, and a mode is mostly `Browsing`.
    Editing(Box<Editor>),
    Form(Box<ActionFormUi>),
    Confirm(Question),
}

/// A question asked before an irreversible step; "no" unless answered `y`.
#[derive(Debug)]
pub enum Question {
    DeleteNote(NoteId),
    /// Dropping an earlier action (its note is asked for next).
    DropAction(crate::domain::ActionId),
    /// Closing the retro; undone with `u` until the close stage is left.
    CloseRetro,
    /// Deleting an action made in this retro by mistake.
    DeleteAction(crate::domain::ActionId),
    /// Saving an action due on a day already past; "no" goes back to the form.
    PastDue(Box<ActionFormUi>),
}

/// The retro screen.
#[derive(Debug)]
pub struct RetroScreen {
    pub flow: Flow,
    /// The selected row on each stage.
    pub cursor: [usize; 6],
    /// On "What's blocking us": the notes pane has the focus, at this note.
    pub notes_focus: Option<usize>,
    /// On "Decide actions": the table of this retro's actions has the focus, at this one.
    pub actions_focus: Option<usize>,
    pub mode: Mode,
    /// The retro was closed on this visit to its close stage, which can still undo it.
    undo_close: bool,
    /// A count being typed digit by digit: the row, and the count so far.
    typed: Option<(usize, u32)>,
    /// The last thing worth telling the facilitator (an error, an export's path).
    pub message: Option<String>,
}

impl RetroScreen {
    /// Opens the flow where it was left, with the draft it was typing (if any) reopened.
    pub fn new(flow: Flow) -> Self {
        let mode = flow.draft.as_ref().map(|d| {
            let target = d.target.clone();
            let title = note_title(&flow, &target);
            let mut editor = Editor::new(target, title, &d.body);
            editor.saved = d.body.clone();
            Mode::Editing(Box::new(editor))
        });
        let mut screen = RetroScreen {
            flow,
            cursor: [0; 6],
            notes_focus: None,
            actions_focus: None,
            mode: mode.unwrap_or(Mode::Browsing),
            undo_close: false,
            typed: None,
            message: None,
        };
        screen.select_draft_target();
        screen
    }

    /// Puts the selection back on what the draft was typed for (its prompt, note or
    /// action), so that resuming a retro finds the facilitator where they were.
    fn select_draft_target(&mut self) {
        let Some(target) = self.flow.draft.as_ref().map(|d| d.target.clone()) else {
            return;
        };
        let (key, note) = match target {
            NoteTarget::Prompt(key) => (key, None),
            NoteTarget::Edit(id) => match self.flow.notes.iter().find(|n| n.id == id) {
                Some(n) => (n.prompt_key.clone(), Some(id)),
                None => return,
            },
            NoteTarget::Review(action, _) => {
                if let Some(i) = self.flow.to_review.iter().position(|a| a.id == action) {
                    self.cursor[Stage::ReviewActions.index()] = i;
                }
                return;
            }
        };
        if let Some(i) = self.safety_prompts_shown().iter().position(|p| p.key == key) {
            self.cursor[Stage::SetTheStage.index()] = 5 + i;
        }
        if let Some(i) = self.flow.blocking_prompts().iter().position(|p| p.key == key) {
            self.cursor[Stage::WhatsBlocking.index()] = i;
            if self.flow.stage() == Stage::WhatsBlocking {
                self.notes_focus = note.and_then(|id| self.selected_prompt_notes().iter().position(|n| *n == id));
            }
        }
    }

    pub fn context(&self) -> Context {
        match &self.mode {
            Mode::Confirm(Question::DeleteNote(_)) => Context::ConfirmDelete,
            Mode::Confirm(Question::DropAction(_)) => Context::ConfirmDrop,
            Mode::Confirm(Question::CloseRetro) => Context::ConfirmClose,
            Mode::Confirm(Question::DeleteAction(_)) => Context::ConfirmDeleteAction,
            Mode::Confirm(Question::PastDue(_)) => Context::ConfirmPastDue,
            Mode::Editing(_) => Context::Editing,
            Mode::Form(form) if form.on_choice() => Context::ActionFormChoice,
            Mode::Form(_) => Context::ActionForm,
            Mode::Browsing => self.stage_context(),
        }
    }

    /// The keys of the stage itself, under any editor, form or question.
    pub fn stage_context(&self) -> Context {
        match self.flow.stage() {
            Stage::DecideActions if self.actions_focus.is_some() => Context::DecideActionsTable,
            stage => Context::Retro(stage),
        }
    }

    /// No editor, form or question is open: the stage has the keys.
    pub fn is_browsing(&self) -> bool {
        matches!(self.mode, Mode::Browsing)
    }

    /// The note being typed, if any.
    pub fn editor(&self) -> Option<&Editor> {
        match &self.mode {
            Mode::Editing(editor) => Some(editor),
            _ => None,
        }
    }

    /// The action being filled in, if any.
    pub fn form(&self) -> Option<&ActionFormUi> {
        match &self.mode {
            Mode::Form(form) => Some(form),
            _ => None,
        }
    }

    /// A finished retro: read, not changed.
    pub fn is_closed(&self) -> bool {
        self.flow.is_finished()
    }

    /// The close can be undone: it was made here, and the close stage was not left since.
    pub fn can_undo_close(&self) -> bool {
        self.undo_close && self.is_closed() && self.flow.stage() == Stage::Close
    }

    /// The retro as the store has it after an undone close: open again.
    pub fn reopened(&mut self, flow: Flow) {
        self.flow = flow;
        self.undo_close = false;
        self.message = Some("Reopened: the retro can be changed again.".into());
    }

    /// Something typed would be lost by quitting now: notes (and review notes) are
    /// saved as drafts on the way out; a half-filled action form is not.
    pub fn has_unsaved_work(&self) -> bool {
        match &self.mode {
            Mode::Form(form) => form.has_input(),
            Mode::Editing(_) | Mode::Browsing | Mode::Confirm(_) => false,
        }
    }

    fn cursor(&mut self) -> &mut usize {
        &mut self.cursor[self.flow.stage().index()]
    }

    /// Rows the cursor moves over on the current stage.
    fn rows(&self) -> usize {
        match self.flow.stage() {
            Stage::SetTheStage => 5 + self.safety_prompts_shown().len(),
            Stage::ReviewActions => self.flow.to_review.len(),
            Stage::LookAtData => self.flow.moves.len(),
            Stage::WhatsBlocking => self.flow.blocking_prompts().len(),
            Stage::DecideActions => self.flow.notes.len(),
            Stage::Close => 5,
        }
    }

    /// The safety prompts "Set the stage" lists under the votes: all of them while the
    /// safety check is low, and any with notes always, so a note taken under one stays
    /// in view (and can be changed) after the median rises.
    pub fn safety_prompts_shown(&self) -> Vec<&crate::retro::prompts::Prompt> {
        let low = self.flow.safety_is_low();
        self.flow.safety_prompts.iter().filter(|p| low || self.flow.notes_for(&p.key).next().is_some()).collect()
    }

    /// Takes pasted text into the text being typed, or into a new note where one can be
    /// added; `false` when it has nowhere to go here. Nothing is recorded by a paste:
    /// the text waits in the editor (drafted as typing is) until it is saved.
    pub fn paste(&mut self, text: &str) -> bool {
        match &mut self.mode {
            Mode::Editing(editor) => {
                editor.textarea.insert_str(text);
                return true;
            }
            // The form's fields are one line each.
            Mode::Form(form) => return form.paste(text),
            Mode::Confirm(_) => return false,
            Mode::Browsing => {}
        }
        if self.is_closed() {
            return false;
        }
        let cursor = *self.cursor();
        let prompt = match self.flow.stage() {
            Stage::SetTheStage if cursor >= 5 => self.safety_prompts_shown().get(cursor - 5).copied(),
            Stage::WhatsBlocking => self.flow.blocking_prompts().get(cursor).copied(),
            _ => None,
        };
        let Some(key) = prompt.map(|p| p.key.clone()) else {
            return false;
        };
        self.open_note_for(NoteTarget::Prompt(key));
        match &mut self.mode {
            Mode::Editing(editor) => editor.textarea.insert_str(text),
            _ => false,
        }
    }

    /// Handles one action; returns the flow's effects to persist.
    pub fn update(&mut self, action: Action, now: Timestamp) -> Vec<Effect> {
        match std::mem::replace(&mut self.mode, Mode::Browsing) {
            Mode::Browsing => self.update_stage(action, now),
            Mode::Confirm(question) if action == Action::Confirm => self.answer_yes(question, now),
            // "No" to a past due date goes back to the form, to change it.
            Mode::Confirm(Question::PastDue(form)) => {
                self.mode = Mode::Form(form);
                vec![]
            }
            Mode::Confirm(_) => vec![],
            Mode::Editing(editor) => self.update_editor(editor, action, now),
            Mode::Form(form) => self.update_form(form, action, now),
        }
    }

    /// Takes the step the question asked about.
    fn answer_yes(&mut self, question: Question, now: Timestamp) -> Vec<Effect> {
        match question {
            Question::DeleteNote(id) => self.event(Event::DeleteNote(id), now),
            Question::DropAction(id) => {
                self.open_review(id, Decision::Drop);
                vec![]
            }
            Question::CloseRetro => {
                let effects = self.event(Event::Finish, now);
                self.undo_close = self.is_closed();
                effects
            }
            Question::DeleteAction(id) => {
                let effects = self.event(Event::DeleteAction(id), now);
                let n = self.flow.actions.len();
                self.actions_focus = self.actions_focus.filter(|_| n > 0).map(|i| i.min(n - 1));
                effects
            }
            Question::PastDue(form) => self.save_form(form, now),
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
                self.actions_focus = None;
                // A close is undone on the close stage or not at all.
                self.undo_close = false;
                let event = if action == Action::NextStage { Event::Next } else { Event::Previous };
                return self.event(event, now);
            }
            Action::Up | Action::Down if self.actions_focus.is_some() => {
                let n = self.flow.actions.len();
                if let Some(i) = self.actions_focus.as_mut().filter(|_| n > 0) {
                    *i = if action == Action::Up { (*i + n - 1) % n } else { (*i + 1) % n };
                }
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
            (
                Stage::SetTheStage | Stage::Close,
                Action::Increase | Action::Decrease | Action::Digit(_) | Action::EraseDigit,
            ) if cursor < 5 => {
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
                    // Backspace takes the last digit off, and digits typed next go on from there.
                    Action::EraseDigit => {
                        let so_far = typed.filter(|(row, _)| *row == cursor).map_or(counts.get(score), |(_, n)| n);
                        self.typed = Some((cursor, so_far / 10));
                        so_far / 10
                    }
                    _ => unreachable!("matched above"),
                };
                self.event(Event::SetVote { kind, score, count }, now)
            }
            (Stage::SetTheStage, Action::Add) if cursor >= 5 => {
                let Some(key) = self.safety_prompts_shown().get(cursor - 5).map(|p| p.key.clone()) else {
                    return vec![];
                };
                self.open_note(NoteTarget::Prompt(key), now)
            }
            (Stage::ReviewActions, Action::MarkDrop) if rows > 0 => {
                // Dropping ends the action for good: ask first.
                self.mode = Mode::Confirm(Question::DropAction(self.flow.to_review[cursor].id));
                vec![]
            }
            (Stage::ReviewActions, Action::MarkDone | Action::MarkKeep) if rows > 0 => {
                let decision = if action == Action::MarkDone { Decision::Done } else { Decision::Keep };
                self.open_review(self.flow.to_review[cursor].id, decision);
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
                    self.message =
                        Some(match super::keymap::label(Context::Retro(Stage::WhatsBlocking), Action::NextPane) {
                            Some(tab) => format!("Select a note first: {tab} moves to the notes."),
                            None => "Select a note first.".into(),
                        });
                    return vec![];
                };
                if action == Action::Delete {
                    self.mode = Mode::Confirm(Question::DeleteNote(note));
                    return vec![];
                }
                self.open_note(NoteTarget::Edit(note), now)
            }
            (Stage::DecideActions, Action::NextPane) => {
                self.actions_focus = match self.actions_focus {
                    None if !self.flow.actions.is_empty() => Some(0),
                    _ => None,
                };
                vec![]
            }
            (Stage::DecideActions, Action::Edit | Action::Delete) => {
                let Some(a) = self.actions_focus.and_then(|i| self.flow.actions.get(i)) else {
                    self.message =
                        Some(match super::keymap::label(Context::Retro(Stage::DecideActions), Action::NextPane) {
                            Some(tab) => format!("Select an action first: {tab} moves to this retro's actions."),
                            None => "Select an action first.".into(),
                        });
                    return vec![];
                };
                if action == Action::Delete {
                    self.mode = Mode::Confirm(Question::DeleteAction(a.id));
                } else {
                    let form = ActionFormUi::edit(a, self.metric_choices());
                    self.mode = Mode::Form(Box::new(form));
                }
                vec![]
            }
            (Stage::DecideActions, Action::Add) if rows > 0 => {
                let note = &self.flow.notes[cursor];
                let (id, title) = (note.id, note.body.lines().next().unwrap_or_default().to_owned());
                let metric = note.metric.clone();
                self.open_form(&title, metric.as_ref());
                if let Mode::Form(form) = &mut self.mode {
                    form.from_note = Some(id);
                }
                vec![]
            }
            (Stage::DecideActions, Action::NewAction) => {
                self.open_form("", None);
                vec![]
            }
            (Stage::Close, Action::Finish) => {
                self.mode = Mode::Confirm(Question::CloseRetro);
                vec![]
            }
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

    /// Opens the note that goes with deciding `decision` about earlier action `id`: its
    /// draft, or the note of the decision taken before.
    fn open_review(&mut self, id: crate::domain::ActionId, decision: Decision) {
        let Some(a) = self.flow.to_review.iter().find(|a| a.id == id) else {
            return;
        };
        let title = format!("{} \"{}\": a note (optional)", decision_verb(decision), a.title);
        let note = self.flow.review_of(a.id).and_then(|r| r.note.clone()).unwrap_or_default();
        let target = NoteTarget::Review(a.id, decision);
        let draft = self.flow.draft.as_ref().filter(|d| d.target == target);
        let body = draft.map_or(note, |d| d.body.clone());
        self.mode = Mode::Editing(Box::new(Editor::new(target, title, &body)));
    }

    /// Starts typing for `target`, picking up its draft if there is one.
    fn open_note(&mut self, target: NoteTarget, now: Timestamp) -> Vec<Effect> {
        let _ = now;
        self.open_note_for(target);
        vec![]
    }

    fn open_note_for(&mut self, target: NoteTarget) {
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

    fn open_form(&mut self, title: &str, metric: Option<&MetricKey>) {
        if self.flow.is_finished() {
            self.message = Some("This retro is closed: its record can be read, not changed.".into());
            return;
        }
        let metric = metric.or_else(|| self.flow.moves.iter().find(|m| m.moved()).map(|m| &m.metric)).cloned();
        self.mode = Mode::Form(Box::new(ActionFormUi::new(title, self.metric_choices(), metric.as_ref())));
    }

    /// The metrics an action can name: the DORA five, then the team's own.
    fn metric_choices(&self) -> Vec<MetricKey> {
        let mut metrics: Vec<MetricKey> = DoraMetric::ALL.into_iter().map(MetricKey::Dora).collect();
        metrics.extend(
            self.flow.moves.iter().filter(|m| matches!(m.metric, MetricKey::Team(_))).map(|m| m.metric.clone()),
        );
        metrics
    }

    /// The team's today, in its UTC offset.
    fn today(&self, now: Timestamp) -> NaiveDate {
        super::form::today(&self.flow.team, now)
    }

    /// Creates the action, or records the correction, the form holds; keeps the form
    /// open with the reason when it is refused.
    fn save_form(&mut self, mut form: Box<ActionFormUi>, now: Timestamp) -> Vec<Effect> {
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

    fn update_editor(&mut self, mut editor: Box<Editor>, action: Action, now: Timestamp) -> Vec<Effect> {
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

    fn update_form(&mut self, mut form: Box<ActionFormUi>, action: Action, now: Timestamp) -> Vec<Effect> {
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
