//! The retro screen's state: the flow itself plus what is selected and being typed.
//! Keys become flow events here; the flow's effects go back to the event loop.

mod stages;
mod typing;

use super::editor::Editor;
use super::form::ActionFormUi;
use super::keymap::{Action, Context};
use crate::domain::{Decision, NoteId, Stage, Timestamp, VoteCounts};
use crate::retro::flow::{Effect, Event, Flow, NoteTarget};

/// On the stages that count votes (the safety check, the closing vote), the first rows
/// are the scores, highest first; the safety prompts follow them on "Set the stage".
pub const VOTE_ROWS: usize = VoteCounts::TOP_SCORE as usize;
/// The most votes a score takes: more than any room holds, few enough to show.
pub const MAX_COUNT: u32 = 999;

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
    /// The selected row on each stage, by [`Stage::index`].
    pub cursor: [usize; Stage::ALL.len()],
    /// On "What's blocking us": the notes pane has the focus, at this note.
    pub notes_focus: Option<usize>,
    /// On "Decide actions": the table of this retro's actions has the focus, at this one.
    pub actions_focus: Option<usize>,
    pub mode: Mode,
    /// The retro was closed on this visit to its close stage, which can still undo it.
    undo_close: bool,
    /// A count being typed digit by digit: the row, and the count so far.
    typed: stages::Typed,
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
            cursor: [0; Stage::ALL.len()],
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
            self.cursor[Stage::SetTheStage.index()] = VOTE_ROWS + i;
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

    /// The selected row on `stage`.
    pub fn cursor_on(&self, stage: Stage) -> usize {
        self.cursor[stage.index()]
    }

    /// The selected row on the current stage.
    fn row(&self) -> usize {
        self.cursor_on(self.flow.stage())
    }

    fn cursor(&mut self) -> &mut usize {
        &mut self.cursor[self.flow.stage().index()]
    }

    /// Rows the cursor moves over on the current stage.
    fn rows(&self) -> usize {
        match self.flow.stage() {
            Stage::SetTheStage => VOTE_ROWS + self.safety_prompts_shown().len(),
            Stage::ReviewActions => self.flow.to_review.len(),
            Stage::LookAtData => self.flow.moves.len(),
            Stage::WhatsBlocking => self.flow.blocking_prompts().len(),
            Stage::DecideActions => self.flow.notes.len(),
            Stage::Close => VOTE_ROWS,
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
        let cursor = self.row();
        let prompt = match self.flow.stage() {
            Stage::SetTheStage if cursor >= VOTE_ROWS => self.safety_prompts_shown().get(cursor - VOTE_ROWS).copied(),
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

    /// The notes under the selected prompt of "What's blocking us".
    pub fn selected_prompt_notes(&self) -> Vec<NoteId> {
        let prompts = self.flow.blocking_prompts();
        let Some(prompt) = prompts.get(self.cursor[Stage::WhatsBlocking.index()]) else {
            return vec![];
        };
        self.flow.notes_for(&prompt.key).map(|n| n.id).collect()
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
            let title = flow.to_review.iter().find(|a| a.id == *action).map_or("", |a| a.plan.title.as_str());
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
