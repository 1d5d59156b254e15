//! The retro as a state machine: an [`Event`] changes the [`Flow`] and returns the
//! [`Effect`]s to persist. Nothing here touches a terminal or a store, so every
//! transition is tested on its own; [`super::session`] carries the effects out.

use super::movement::MetricMove;
use super::prompts::Prompt;
/// Re-exported: the flow's events name it.
pub use crate::domain::NoteTarget;
use crate::domain::{
    Action, ActionId, ActionPlan, ActionReview, Decision, Draft, MetricKey, NewAction, Note, NoteId, Retro, Stage,
    Team, Timestamp, VoteCounts, VoteKind,
};

/// A safety check whose median vote is at or below this suggests spending the retro on
/// safety before the numbers.
pub const LOW_SAFETY: f64 = 2.0;

/// Everything a retro shows and records, as of now.
#[derive(Debug, Clone, PartialEq)]
pub struct Flow {
    pub team: Team,
    pub retro: Retro,
    pub safety: VoteCounts,
    pub return_on_time: VoteCounts,
    /// How each metric moved in the window, biggest first.
    pub moves: Vec<MetricMove>,
    /// Kinds of events the data does not cover for the whole window: said on the first
    /// stage and recorded in the summary.
    pub data_gaps: Vec<crate::metrics::DataGap>,
    /// Patterns in the window worth talking about, most recent first.
    pub signals: Vec<crate::metrics::signals::Signal>,
    /// "What's blocking us?" prompts chosen from what moved.
    pub prompts: Vec<Prompt>,
    /// Prompts for a retro that starts with safety.
    pub safety_prompts: Vec<Prompt>,
    pub notes: Vec<Note>,
    /// The team's actions to review: open when the retro started, or decided in it.
    pub to_review: Vec<Action>,
    /// Where each of them stands: verdict and trend since it was decided.
    pub progress: Vec<crate::metrics::ActionProgress>,
    /// Decisions this retro took about them.
    pub reviews: Vec<ActionReview>,
    /// Actions created in this retro.
    pub actions: Vec<Action>,
    pub draft: Option<Draft>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    GoTo(Stage),
    Next,
    Previous,
    SetVote {
        kind: VoteKind,
        score: u8,
        count: u32,
    },
    /// The facilitator confirmed a note: it is recorded at once.
    ConfirmNote {
        target: NoteTarget,
        body: String,
    },
    DeleteNote(NoteId),
    /// The text being typed, saved every few seconds; empty text drops the draft.
    SaveDraft {
        target: NoteTarget,
        body: String,
    },
    Review {
        action: ActionId,
        decision: Decision,
        note: Option<String>,
    },
    CreateAction(ActionPlan),
    /// An action made from one of this retro's notes, which it keeps a link to.
    CreateActionFromNote {
        plan: ActionPlan,
        note: NoteId,
    },
    /// A correction to an action made in this retro: its whole plan, as now decided.
    UpdateAction {
        id: ActionId,
        plan: ActionPlan,
    },
    /// An action made in this retro by mistake.
    DeleteAction(ActionId),
    Finish,
}

/// A change to persist. Effects that create rows come back through [`Flow::confirm`]
/// with the rows as stored.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    SaveStage(Stage),
    SaveVote {
        kind: VoteKind,
        score: u8,
        count: u32,
    },
    AddNote {
        prompt_key: String,
        prompt: String,
        metric: Option<MetricKey>,
        body: String,
    },
    UpdateNote {
        id: NoteId,
        body: String,
    },
    DeleteNote(NoteId),
    SaveDraft(Draft),
    ClearDraft,
    Review(ActionReview),
    AddAction(NewAction),
    /// The action's new plan, and its metric's baseline (re-taken when the metric changed).
    UpdateAction {
        id: ActionId,
        plan: ActionPlan,
        baseline: Option<f64>,
    },
    DeleteAction(ActionId),
    Finish,
}

/// What the store did with an effect, fed back into the flow.
#[derive(Debug, Clone, PartialEq)]
pub enum Confirmed {
    Note(Note),
    Action(Action),
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FlowError {
    #[error("this retro is closed; its record can be read and exported, not changed")]
    Finished,
    #[error("a note needs some text")]
    EmptyNote,
    #[error("an action needs a title")]
    EmptyTitle,
    #[error("there is no prompt \"{0}\" in this retro")]
    UnknownPrompt(String),
    #[error("there is no note {0} in this retro")]
    UnknownNote(i64),
    #[error("there is no open action {0} to review")]
    UnknownAction(i64),
    #[error("votes are scores from 1 to 5")]
    ScoreOutOfRange,
    #[error("action {0} was not made in this retro: change it from the actions screen or the command line")]
    NotThisRetrosAction(i64),
}

/// What is wrong with a field of the new-action form as typed; the text is quoted back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    #[error("\"{0}\" is not a date (YYYY-MM-DD)")]
    NotADate(String),
    #[error("\"{0}\" is not a number")]
    NotANumber(String),
}

/// A due date as typed in the form: empty for none, else `YYYY-MM-DD`.
pub fn parse_due(text: &str) -> Result<Option<chrono::NaiveDate>, FormError> {
    match text {
        "" => Ok(None),
        d => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").map(Some).map_err(|_| FormError::NotADate(d.to_owned())),
    }
}

/// A target value as typed in the form: empty for none, else a finite number.
pub fn parse_target(text: &str) -> Result<Option<f64>, FormError> {
    match text {
        "" => Ok(None),
        t => {
            t.parse::<f64>().ok().filter(|v| v.is_finite()).map(Some).ok_or_else(|| FormError::NotANumber(t.to_owned()))
        }
    }
}

impl Flow {
    pub fn stage(&self) -> Stage {
        self.retro.stage
    }

    pub fn is_finished(&self) -> bool {
        self.retro.finished_at.is_some()
    }

    /// The median safety vote is low enough to suggest starting with safety.
    pub fn safety_is_low(&self) -> bool {
        self.safety.median().is_some_and(|m| m <= LOW_SAFETY)
    }

    /// The prompts of "What's blocking us": those chosen from the data, then any safety
    /// prompt that has notes, so every note can be read and changed there.
    pub fn blocking_prompts(&self) -> Vec<&Prompt> {
        let with_notes = self.safety_prompts.iter().filter(|p| self.notes.iter().any(|n| n.prompt_key == p.key));
        self.prompts.iter().chain(with_notes).collect()
    }

    /// A prompt of this retro, from the data or the safety set.
    pub fn prompt(&self, key: &str) -> Option<&Prompt> {
        self.prompts.iter().chain(&self.safety_prompts).find(|p| p.key == key)
    }

    /// The notes taken under a prompt, in order.
    pub fn notes_for<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a Note> + 'a {
        self.notes.iter().filter(move |n| n.prompt_key == key)
    }

    /// The decision this retro took about an action, if any.
    pub fn review_of(&self, action: ActionId) -> Option<&ActionReview> {
        self.reviews.iter().find(|r| r.action == action)
    }

    /// The value of `metric` in this retro's window.
    pub fn value_now(&self, metric: &MetricKey) -> Option<f64> {
        self.moves.iter().find(|m| &m.metric == metric).and_then(|m| m.current)
    }

    /// Applies `event`; returns what to persist, or why the event was refused (and then
    /// nothing changed).
    pub fn handle(&mut self, event: Event, now: Timestamp) -> Result<Vec<Effect>, FlowError> {
        let navigating = matches!(event, Event::GoTo(_) | Event::Next | Event::Previous);
        if self.is_finished() && !navigating {
            return Err(FlowError::Finished);
        }
        match event {
            Event::GoTo(stage) => Ok(self.go_to(stage)),
            Event::Next => Ok(self.stage().next().map(|s| self.go_to(s)).unwrap_or_default()),
            Event::Previous => Ok(self.stage().previous().map(|s| self.go_to(s)).unwrap_or_default()),
            Event::SetVote { kind, score, count } => {
                if !(1..=5).contains(&score) {
                    return Err(FlowError::ScoreOutOfRange);
                }
                let counts = match kind {
                    VoteKind::Safety => &mut self.safety,
                    VoteKind::ReturnOnTime => &mut self.return_on_time,
                };
                counts.set(score, count);
                Ok(vec![Effect::SaveVote { kind, score, count }])
            }
            Event::ConfirmNote { target, body } => self.confirm_note(target, body),
            Event::DeleteNote(id) => {
                let at = self.notes.iter().position(|n| n.id == id).ok_or(FlowError::UnknownNote(id.0))?;
                self.notes.remove(at);
                Ok(vec![Effect::DeleteNote(id)])
            }
            Event::SaveDraft { target, body } => Ok(self.save_draft(target, body, now)),
            Event::Review { action, decision, note } => {
                let a = self.to_review.iter().find(|a| a.id == action).ok_or(FlowError::UnknownAction(action.0))?;
                let review = ActionReview {
                    retro: self.retro.id,
                    action,
                    decision,
                    metric_value: self.value_now(&a.plan.metric),
                    note: note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()),
                    reviewed_at: now,
                };
                self.reviews.retain(|r| r.action != action);
                self.reviews.push(review.clone());
                let mut effects = vec![Effect::Review(review)];
                if self.draft.as_ref().is_some_and(|d| matches!(d.target, NoteTarget::Review(a, _) if a == action)) {
                    self.draft = None;
                    effects.push(Effect::ClearDraft);
                }
                Ok(effects)
            }
            Event::CreateAction(plan) => self.create_action(plan, None),
            Event::CreateActionFromNote { plan, note } => {
                if !self.notes.iter().any(|n| n.id == note) {
                    return Err(FlowError::UnknownNote(note.0));
                }
                self.create_action(plan, Some(note))
            }
            Event::UpdateAction { id, plan } => {
                let plan = tidy(plan)?;
                let value_now = self.value_now(&plan.metric);
                let action =
                    self.actions.iter_mut().find(|a| a.id == id).ok_or(FlowError::NotThisRetrosAction(id.0))?;
                // The baseline is the metric's value over this retro's window: a new
                // metric needs its own.
                let baseline = if action.plan.metric == plan.metric { action.baseline } else { value_now };
                action.plan.clone_from(&plan);
                action.baseline = baseline;
                Ok(vec![Effect::UpdateAction { id, plan, baseline }])
            }
            Event::DeleteAction(id) => {
                let at = self.actions.iter().position(|a| a.id == id).ok_or(FlowError::NotThisRetrosAction(id.0))?;
                self.actions.remove(at);
                Ok(vec![Effect::DeleteAction(id)])
            }
            Event::Finish => {
                self.retro.finished_at = Some(now);
                self.retro.stage = Stage::Close;
                Ok(vec![Effect::Finish])
            }
        }
    }

    fn create_action(&self, plan: ActionPlan, from_note: Option<NoteId>) -> Result<Vec<Effect>, FlowError> {
        let plan = tidy(plan)?;
        Ok(vec![Effect::AddAction(NewAction {
            retro: Some(self.retro.id),
            baseline: self.value_now(&plan.metric),
            baseline_window: self.retro.window.clone(),
            plan,
            from_note,
        })])
    }

    /// An action made in this retro.
    pub fn action(&self, id: ActionId) -> Option<&Action> {
        self.actions.iter().find(|a| a.id == id)
    }

    fn go_to(&mut self, stage: Stage) -> Vec<Effect> {
        if stage == self.retro.stage {
            return vec![];
        }
        self.retro.stage = stage;
        // A closed retro can be browsed; where it was left is no longer worth saving.
        if self.is_finished() { vec![] } else { vec![Effect::SaveStage(stage)] }
    }

    fn confirm_note(&mut self, target: NoteTarget, body: String) -> Result<Vec<Effect>, FlowError> {
        let body = body.trim_end().to_owned();
        if body.trim().is_empty() {
            return Err(FlowError::EmptyNote);
        }
        let effect = match target {
            NoteTarget::Prompt(key) => {
                let prompt = self.prompt(&key).ok_or_else(|| FlowError::UnknownPrompt(key.clone()))?;
                Effect::AddNote { prompt_key: key, prompt: prompt.text.clone(), metric: prompt.metric.clone(), body }
            }
            NoteTarget::Edit(id) => {
                let note = self.notes.iter_mut().find(|n| n.id == id).ok_or(FlowError::UnknownNote(id.0))?;
                note.body = body.clone();
                Effect::UpdateNote { id, body }
            }
            // A decision's note is confirmed with the decision (Event::Review).
            NoteTarget::Review(action, _) => return Err(FlowError::UnknownAction(action.0)),
        };
        // The store drops the draft in the same transaction as the note.
        self.draft = None;
        Ok(vec![effect])
    }

    fn save_draft(&mut self, target: NoteTarget, body: String, now: Timestamp) -> Vec<Effect> {
        if body.trim().is_empty() {
            return match self.draft.take() {
                Some(_) => vec![Effect::ClearDraft],
                None => vec![],
            };
        }
        let draft = Draft { retro: self.retro.id, target, body, saved_at: now };
        if self.draft.as_ref().is_some_and(|d| d.target == draft.target && d.body == draft.body) {
            return vec![];
        }
        self.draft = Some(draft.clone());
        vec![Effect::SaveDraft(draft)]
    }

    /// Takes in a row the store created for one of this flow's effects.
    pub fn confirm(&mut self, confirmed: Confirmed) {
        match confirmed {
            Confirmed::Note(note) => match self.notes.iter_mut().find(|n| n.id == note.id) {
                Some(existing) => *existing = note,
                None => self.notes.push(note),
            },
            Confirmed::Action(action) => self.actions.push(action),
        }
    }
}

/// A plan as it is kept: a title (required) and optional texts trimmed, empty ones none.
fn tidy(plan: ActionPlan) -> Result<ActionPlan, FlowError> {
    let title = plan.title.trim().to_owned();
    if title.is_empty() {
        return Err(FlowError::EmptyTitle);
    }
    let trimmed = |t: Option<String>| t.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
    Ok(ActionPlan { title, description: trimmed(plan.description), volunteer: trimmed(plan.volunteer), ..plan })
}
