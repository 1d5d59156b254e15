//! A retrospective: its window, where it stands, and what the team said in it.

use super::{ActionId, Decision, MetricKey, Period, TeamId, Timestamp};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RetroId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NoteId(pub i64);

impl fmt::Display for RetroId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Display for NoteId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The stages a retro walks through, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    SetTheStage,
    ReviewActions,
    LookAtData,
    WhatsBlocking,
    DecideActions,
    Close,
}

impl Stage {
    pub const ALL: [Stage; 6] = [
        Self::SetTheStage,
        Self::ReviewActions,
        Self::LookAtData,
        Self::WhatsBlocking,
        Self::DecideActions,
        Self::Close,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SetTheStage => "set_the_stage",
            Self::ReviewActions => "review_actions",
            Self::LookAtData => "look_at_data",
            Self::WhatsBlocking => "whats_blocking",
            Self::DecideActions => "decide_actions",
            Self::Close => "close",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::SetTheStage => "Set the stage",
            Self::ReviewActions => "Review actions",
            Self::LookAtData => "Look at the data",
            Self::WhatsBlocking => "What's blocking us",
            Self::DecideActions => "Decide actions",
            Self::Close => "Close",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn next(self) -> Option<Self> {
        Self::ALL.get(self.index() + 1).copied()
    }

    pub fn previous(self) -> Option<Self> {
        self.index().checked_sub(1).map(|i| Self::ALL[i])
    }
}

/// One retro of one team over a window of whole days.
#[derive(Debug, Clone, PartialEq)]
pub struct Retro {
    pub id: RetroId,
    pub team: TeamId,
    /// The days under review (a custom-window [`Period`]).
    pub window: Period,
    pub stage: Stage,
    pub started_at: Timestamp,
    /// Set when the facilitator closes the retro; an unfinished retro can be resumed.
    pub finished_at: Option<Timestamp>,
}

/// The two anonymous votes of a retro.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VoteKind {
    /// How safe people feel to speak, at the start.
    Safety,
    /// How worthwhile the retro was for the time it took, at the end.
    ReturnOnTime,
}

impl VoteKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Safety => "safety",
            Self::ReturnOnTime => "return_on_time",
        }
    }

    /// What each score means, from 1 to 5, in this product's words.
    pub fn scale(self) -> [&'static str; 5] {
        match self {
            Self::Safety => [
                "I won't say much; I don't feel safe here",
                "I'll mostly let others bring things up",
                "I'll talk about some things; others will be hard to say",
                "I'll talk about almost anything; a few things are hard",
                "I'll talk about anything",
            ],
            Self::ReturnOnTime => [
                "Not worth the time",
                "Worth less than the time",
                "Worth about the time",
                "Worth more than the time",
                "Worth far more than the time it took",
            ],
        }
    }
}

/// How many people chose each score from 1 to 5. Only counts: never who voted what.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VoteCounts(pub [u32; 5]);

impl VoteCounts {
    /// Scores run from 1 to this.
    pub const TOP_SCORE: u8 = 5;

    pub fn get(&self, score: u8) -> u32 {
        self.0[usize::from(score.clamp(1, 5) - 1)]
    }

    pub fn set(&mut self, score: u8, count: u32) {
        self.0[usize::from(score.clamp(1, 5) - 1)] = count;
    }

    pub fn total(&self) -> u32 {
        self.0.iter().sum()
    }

    /// The median vote; the mean of the two middle votes when the count is even.
    pub fn median(&self) -> Option<f64> {
        let n = self.total();
        if n == 0 {
            return None;
        }
        let nth = |k: u32| {
            let mut seen = 0;
            for (i, c) in self.0.iter().enumerate() {
                seen += c;
                if seen > k {
                    return (i + 1) as f64;
                }
            }
            5.0
        };
        Some(if n % 2 == 1 { nth(n / 2) } else { (nth(n / 2 - 1) + nth(n / 2)) / 2.0 })
    }
}

/// What the team said, recorded by the facilitator against a prompt (and through it,
/// a metric). Never attributed to anyone.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub id: NoteId,
    pub retro: RetroId,
    pub prompt_key: String,
    /// The prompt's text when the note was taken, so a later catalogue edit does not
    /// change what was asked.
    pub prompt: String,
    pub metric: Option<MetricKey>,
    pub body: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// A note still being typed, autosaved so a crash loses at most a few seconds of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub retro: RetroId,
    /// What the draft is for.
    pub target: NoteTarget,
    pub body: String,
    pub saved_at: Timestamp,
}

/// What a text is typed for: a new note under a prompt, an edit of a note, or the note
/// that goes with a decision about an earlier action. Each is drafted while typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoteTarget {
    Prompt(String),
    Edit(NoteId),
    Review(ActionId, Decision),
}

impl NoteTarget {
    /// How the store records a draft's target: `prompt:KEY`, `note:ID` or
    /// `review:ID:DECISION`.
    pub fn to_draft_target(&self) -> String {
        match self {
            Self::Prompt(key) => format!("prompt:{key}"),
            Self::Edit(id) => format!("note:{id}"),
            Self::Review(action, decision) => format!("review:{action}:{}", decision.as_str()),
        }
    }

    /// Reads [`Self::to_draft_target`] back; `None` for anything else.
    pub fn from_draft_target(s: &str) -> Option<Self> {
        match s.split_once(':')? {
            ("prompt", key) => Some(Self::Prompt(key.to_owned())),
            ("note", id) => id.parse().ok().map(|id| Self::Edit(NoteId(id))),
            ("review", rest) => {
                let (action, decision) = rest.split_once(':')?;
                Some(Self::Review(ActionId(action.parse().ok()?), Decision::parse(decision)?))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_vote_counts() {
        assert_eq!(VoteCounts::default().median(), None);
        // 1,2,2,5 -> (2+2)/2
        assert_eq!(VoteCounts([1, 2, 0, 0, 1]).median(), Some(2.0));
        // 1,1,4,5,5 -> 4
        assert_eq!(VoteCounts([2, 0, 0, 1, 2]).median(), Some(4.0));
        // 2,3 -> 2.5
        assert_eq!(VoteCounts([0, 1, 1, 0, 0]).median(), Some(2.5));
    }

    #[test]
    fn draft_targets_keep_their_stored_form() {
        let targets = [
            (NoteTarget::Prompt("general.blocking".into()), "prompt:general.blocking"),
            (NoteTarget::Edit(NoteId(7)), "note:7"),
            (NoteTarget::Review(ActionId(3), Decision::Keep), "review:3:keep"),
        ];
        for (target, stored) in targets {
            assert_eq!(target.to_draft_target(), stored);
            assert_eq!(NoteTarget::from_draft_target(stored), Some(target));
        }
        assert_eq!(NoteTarget::from_draft_target("review:3"), None);
        assert_eq!(NoteTarget::from_draft_target("note:x"), None);
        assert_eq!(NoteTarget::from_draft_target("general.blocking"), None);
        assert_eq!(format!("{} {}", RetroId(12), NoteId(-1)), "12 -1");
    }

    #[test]
    fn stages_walk_in_order() {
        assert_eq!(Stage::SetTheStage.next(), Some(Stage::ReviewActions));
        assert_eq!(Stage::Close.next(), None);
        assert_eq!(Stage::SetTheStage.previous(), None);
        for s in Stage::ALL {
            assert_eq!(Stage::parse(s.as_str()), Some(s));
        }
    }
}
