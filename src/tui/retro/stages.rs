//! Keys on a retro stage while nothing is open over it: one function per stage, after
//! what every stage shares (changing stage, moving the selection).

use super::{MAX_COUNT, Mode, Question, RetroScreen, VOTE_ROWS};
use crate::domain::{Decision, Stage, Timestamp, VoteKind};
use crate::retro::flow::{Effect, Event, NoteTarget};
use crate::tui::form::ActionFormUi;
use crate::tui::keymap::{Action, Context, label};

/// A count being typed digit by digit: the vote row, and the count so far.
pub(super) type Typed = Option<(usize, u32)>;

impl RetroScreen {
    pub(super) fn update_stage(&mut self, action: Action, now: Timestamp) -> Vec<Effect> {
        self.message = None;
        // Any key but a digit ends the count being typed.
        let typed = self.typed.take();
        match action {
            Action::NextStage | Action::PreviousStage => return self.change_stage(action, now),
            Action::Up | Action::Down => self.move_selection(action),
            _ => {}
        }
        match self.flow.stage() {
            Stage::SetTheStage => self.update_set_the_stage(action, typed, now),
            Stage::ReviewActions => self.update_review(action),
            Stage::LookAtData => vec![],
            Stage::WhatsBlocking => self.update_blocking(action),
            Stage::DecideActions => self.update_decide(action),
            Stage::Close => self.update_close(action, typed, now),
        }
    }

    fn change_stage(&mut self, action: Action, now: Timestamp) -> Vec<Effect> {
        // The notes pane belongs to one stage: leaving it gives the keys back.
        self.notes_focus = None;
        self.actions_focus = None;
        // A close is undone on the close stage or not at all.
        self.undo_close = false;
        let event = if action == Action::NextStage { Event::Next } else { Event::Previous };
        self.event(event, now)
    }

    /// Up or down in the pane with the focus: this retro's actions, a prompt's notes, or
    /// the stage's rows. Each wraps around.
    fn move_selection(&mut self, action: Action) {
        let up = action == Action::Up;
        if let Some(i) = self.actions_focus {
            self.actions_focus = Some(step(i, self.flow.actions.len(), up));
        } else if let Some(i) = self.notes_focus {
            self.notes_focus = Some(step(i, self.selected_prompt_notes().len(), up));
        } else {
            let rows = self.rows();
            *self.cursor() = step(*self.cursor(), rows, up);
        }
    }

    /// The safety votes, then the safety prompts (shown while the median is low).
    fn update_set_the_stage(&mut self, action: Action, typed: Typed, now: Timestamp) -> Vec<Effect> {
        let cursor = self.row();
        if cursor < VOTE_ROWS {
            return self.update_vote(VoteKind::Safety, action, typed, now);
        }
        if action != Action::Add {
            return vec![];
        }
        match self.safety_prompts_shown().get(cursor - VOTE_ROWS).map(|p| p.key.clone()) {
            Some(key) => self.open_note(NoteTarget::Prompt(key)),
            None => vec![],
        }
    }

    /// The closing vote, and the close itself.
    fn update_close(&mut self, action: Action, typed: Typed, now: Timestamp) -> Vec<Effect> {
        if action == Action::Finish {
            self.mode = Mode::Confirm(Question::CloseRetro);
            return vec![];
        }
        if self.row() < VOTE_ROWS {
            return self.update_vote(VoteKind::ReturnOnTime, action, typed, now);
        }
        vec![]
    }

    /// A vote row's count: one more or fewer, or typed digit by digit.
    fn update_vote(&mut self, kind: VoteKind, action: Action, typed: Typed, now: Timestamp) -> Vec<Effect> {
        let row = self.row();
        // Rows run from the highest score down.
        let score = (VOTE_ROWS - row) as u8;
        let counts = if kind == VoteKind::Safety { self.flow.safety } else { self.flow.return_on_time };
        let so_far = typed.filter(|(typed_row, _)| *typed_row == row).map(|(_, n)| n);
        let count = match action {
            Action::Increase => counts.get(score).saturating_add(1).min(MAX_COUNT),
            Action::Decrease => counts.get(score).saturating_sub(1),
            // Digits typed one after another on a row make one number: 1, 2 -> 12.
            Action::Digit(d) => {
                let count = (so_far.unwrap_or(0) * 10 + u32::from(d)).min(MAX_COUNT);
                self.typed = Some((row, count));
                count
            }
            // Backspace takes the last digit off, and digits typed next go on from there.
            Action::EraseDigit => {
                let count = so_far.unwrap_or(counts.get(score)) / 10;
                self.typed = Some((row, count));
                count
            }
            _ => return vec![],
        };
        self.event(Event::SetVote { kind, score, count }, now)
    }

    /// Earlier actions: done and kept open take a note; dropping asks first.
    fn update_review(&mut self, action: Action) -> Vec<Effect> {
        let Some(id) = self.flow.to_review.get(self.row()).map(|a| a.id) else {
            return vec![];
        };
        match action {
            // Dropping ends the action for good: ask first.
            Action::MarkDrop => self.mode = Mode::Confirm(Question::DropAction(id)),
            Action::MarkDone => self.open_review(id, Decision::Done),
            Action::MarkKeep => self.open_review(id, Decision::Keep),
            _ => {}
        }
        vec![]
    }

    /// The prompts and, with Tab, the notes under the selected one.
    fn update_blocking(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::NextPane => {
                self.notes_focus = match self.notes_focus {
                    None if !self.selected_prompt_notes().is_empty() => Some(0),
                    _ => None,
                };
                vec![]
            }
            Action::Add => match self.flow.blocking_prompts().get(self.row()).map(|p| p.key.clone()) {
                Some(key) => self.open_note(NoteTarget::Prompt(key)),
                None => vec![],
            },
            Action::Edit | Action::Delete => {
                let Some(note) = self.notes_focus.and_then(|i| self.selected_prompt_notes().get(i).copied()) else {
                    self.message = Some(match label(Context::Retro(Stage::WhatsBlocking), Action::NextPane) {
                        Some(tab) => format!("Select a note first: {tab} moves to the notes."),
                        None => "Select a note first.".into(),
                    });
                    return vec![];
                };
                if action == Action::Delete {
                    self.mode = Mode::Confirm(Question::DeleteNote(note));
                    return vec![];
                }
                self.open_note(NoteTarget::Edit(note))
            }
            _ => vec![],
        }
    }

    /// The notes, to make actions from, and with Tab this retro's actions, to correct.
    fn update_decide(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::NextPane => {
                self.actions_focus = match self.actions_focus {
                    None if !self.flow.actions.is_empty() => Some(0),
                    _ => None,
                };
            }
            Action::Edit | Action::Delete => {
                let Some(a) = self.actions_focus.and_then(|i| self.flow.actions.get(i)) else {
                    self.message = Some(match label(Context::Retro(Stage::DecideActions), Action::NextPane) {
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
            }
            Action::Add => {
                let Some(note) = self.flow.notes.get(self.row()) else {
                    return vec![];
                };
                let (id, title) = (note.id, note.body.lines().next().unwrap_or_default().to_owned());
                let metric = note.metric.clone();
                self.open_form(&title, metric.as_ref());
                if let Mode::Form(form) = &mut self.mode {
                    form.from_note = Some(id);
                }
            }
            Action::NewAction => self.open_form("", None),
            _ => {}
        }
        vec![]
    }
}

/// Row `i` of `n` moved one up or down, wrapping around; `i` itself when there are none.
fn step(i: usize, n: usize, up: bool) -> usize {
    match n {
        0 => i,
        _ if up => (i + n - 1) % n,
        _ => (i + 1) % n,
    }
}
