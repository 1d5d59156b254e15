//! Writes the store could not take yet (another writer holds it, the disk is full):
//! the retro's, and corrections of actions from the actions screen, kept in order, in
//! memory, and tried again with backoff. Pure state; the effect runner in `data` does
//! the writing.

use crate::domain::{ActionId, ActionPlan, Team, Timestamp};
use crate::retro::flow::Effect;
use std::collections::VecDeque;

/// The first wait before trying again, in seconds; it doubles up to [`MAX_BACKOFF`].
pub const FIRST_BACKOFF: i64 = 1;
pub const MAX_BACKOFF: i64 = 30;

/// Why the queue is waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stall {
    Busy,
    Full,
}

impl Stall {
    /// What the facilitator is told while writes wait.
    pub fn notice(self) -> &'static str {
        match self {
            Stall::Busy => {
                "Store busy, retrying: another retro or an import is writing to it. Nothing typed is lost; it \
                 is kept here and saved as soon as the store is free."
            }
            Stall::Full => {
                "Disk full: nothing lost, free some space. What you typed is kept here and saved as soon as \
                 there is room."
            }
        }
    }
}

/// One write that waits.
#[derive(Debug, Clone, PartialEq)]
pub enum Write {
    /// What the open retro's flow asked for.
    Retro(Effect),
    /// A correction of an action from the actions screen: its whole plan. Its baseline
    /// is worked out when it is written (a new metric takes its own).
    Correction { team: Team, id: ActionId, plan: ActionPlan },
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Pending {
    /// Writes not yet in the store, oldest first: they are written in this order only.
    writes: VecDeque<Write>,
    /// Why the last attempt failed, while writes wait.
    pub stall: Option<Stall>,
    /// Not tried again before this moment.
    retry_at: Timestamp,
    backoff: i64,
}

impl Pending {
    pub fn is_empty(&self) -> bool {
        self.writes.is_empty()
    }

    pub fn len(&self) -> usize {
        self.writes.len()
    }

    /// Queues the retro's `effects` after every write already waiting. A draft replaces
    /// a draft queued right before it: only the latest text of the same note is worth
    /// writing.
    pub fn extend(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            if let (Effect::SaveDraft(new), Some(Write::Retro(Effect::SaveDraft(old)))) =
                (&effect, self.writes.back_mut())
                && new.target == old.target
            {
                *old = new.clone();
                continue;
            }
            self.writes.push_back(Write::Retro(effect));
        }
    }

    /// Queues a correction of action `id` of `team` after every write already waiting.
    pub fn correct(&mut self, team: Team, id: ActionId, plan: ActionPlan) {
        self.writes.push_back(Write::Correction { team, id, plan });
    }

    /// The next write to try.
    pub fn front(&self) -> Option<&Write> {
        self.writes.front()
    }

    /// The front write landed. Returns whether the queue had been stalled and is now empty.
    pub fn done(&mut self) -> bool {
        self.writes.pop_front();
        if self.writes.is_empty() && self.stall.is_some() {
            self.stall = None;
            self.backoff = 0;
            return true;
        }
        false
    }

    /// The front write failed for `why` at `now`: wait longer before the next attempt.
    /// Returns whether this starts a stall (the notice is shown once, not per attempt).
    pub fn failed(&mut self, why: Stall, now: Timestamp) -> bool {
        let new = self.stall != Some(why);
        self.backoff = if self.backoff == 0 { FIRST_BACKOFF } else { (self.backoff * 2).min(MAX_BACKOFF) };
        self.retry_at = now + self.backoff;
        self.stall = Some(why);
        new
    }

    /// Whether writes wait and their next attempt is due at `now`.
    pub fn due(&self, now: Timestamp) -> bool {
        !self.writes.is_empty() && now >= self.retry_at
    }

    /// Whether a new write must queue behind the waiting ones rather than go now.
    pub fn waiting(&self, now: Timestamp) -> bool {
        !self.writes.is_empty() && now < self.retry_at
    }

    /// The text of every waiting write that holds typed text, as a plain-text file.
    pub fn as_text(&self) -> String {
        let mut out = String::new();
        for write in &self.writes {
            let (what, body) = match write {
                Write::Retro(Effect::AddNote { prompt, body, .. }) => (format!("Note for \"{prompt}\""), body.clone()),
                Write::Retro(Effect::UpdateNote { id, body }) => {
                    (format!("Corrected text of note {}", id.0), body.clone())
                }
                Write::Retro(Effect::SaveDraft(draft)) => {
                    (format!("Draft ({})", draft.target.to_draft_target()), draft.body.clone())
                }
                Write::Retro(Effect::Review(review)) => match &review.note {
                    Some(note) => (format!("Review note of action {}", review.action.0), note.clone()),
                    None => continue,
                },
                Write::Retro(Effect::AddAction(new)) => ("New action".to_owned(), plan_text(&new.plan)),
                Write::Retro(Effect::UpdateAction { id, plan, .. }) | Write::Correction { id, plan, .. } => {
                    (format!("Correction of action {}", id.0), plan_text(plan))
                }
                Write::Retro(_) => continue,
            };
            out.push_str(&format!("## {what}\n\n{body}\n\n"));
        }
        out
    }
}

fn plan_text(plan: &crate::domain::ActionPlan) -> String {
    let mut lines = vec![plan.title.clone()];
    lines.extend(plan.description.clone());
    lines.push(format!("metric: {}", plan.metric));
    lines.extend(plan.due.map(|d| format!("due: {d}")));
    lines.extend(plan.volunteer.as_ref().map(|v| format!("driven by: {v}")));
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Draft, RetroId};

    fn draft(body: &str) -> Effect {
        Effect::SaveDraft(Draft {
            retro: RetroId(1),
            target: crate::domain::NoteTarget::Prompt("p".into()),
            body: body.into(),
            saved_at: 0,
        })
    }

    #[test]
    fn backoff_doubles_up_to_its_cap_and_notices_once() {
        let mut p = Pending::default();
        p.extend(vec![Effect::ClearDraft]);
        assert!(p.failed(Stall::Busy, 100));
        assert!(!p.due(100) && p.due(101));
        assert!(!p.failed(Stall::Busy, 101));
        assert!(!p.due(102) && p.due(103));
        for _ in 0..10 {
            p.failed(Stall::Busy, 0);
        }
        assert!(!p.due(MAX_BACKOFF - 1) && p.due(MAX_BACKOFF));
        assert!(p.failed(Stall::Full, 0), "a new reason is told");
        assert!(p.done());
        assert!(p.is_empty() && p.stall.is_none());
    }

    #[test]
    fn writes_keep_their_order_and_a_draft_replaces_the_one_before_it() {
        let mut p = Pending::default();
        p.extend(vec![draft("a"), draft("ab")]);
        p.extend(vec![Effect::ClearDraft, draft("x")]);
        assert_eq!(p.len(), 3);
        assert_eq!(p.front(), Some(&Write::Retro(draft("ab"))));
        p.done();
        assert_eq!(p.front(), Some(&Write::Retro(Effect::ClearDraft)));
    }
}
