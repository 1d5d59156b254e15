//! Improvement actions: each names the metric it should move, so later retros can see
//! whether it did.

use super::{MetricKey, Period, RetroId, TeamId, Timestamp};
use chrono::NaiveDate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ActionId(pub i64);

impl std::fmt::Display for ActionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// What the team expects the linked metric to do.
///
/// The command line's `--expect` takes it directly, under the short names below (the
/// stored names are aliases); its help is the `help` of each value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Expected {
    #[value(help = "The metric should get better", aliases = ["better"])]
    Improve,
    #[value(name = "hold", help = "The metric should not get worse", aliases = ["hold-steady", "hold_steady", "steady"])]
    HoldSteady,
    /// A worsening the team chose, e.g. slowing deployments to pay down debt.
    #[value(
        name = "worsen",
        help = "The team chooses to let the metric get worse (e.g. slowing down to pay down debt)",
        aliases = ["intended-worsening", "intended_worsening"]
    )]
    IntendedWorsening,
}

impl Expected {
    pub const ALL: [Expected; 3] = [Self::Improve, Self::HoldSteady, Self::IntendedWorsening];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Improve => "improve",
            Self::HoldSteady => "hold_steady",
            Self::IntendedWorsening => "intended_worsening",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Improve => "improve",
            Self::HoldSteady => "hold steady",
            Self::IntendedWorsening => "worsen on purpose",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Self::ALL.into_iter().find(|e| e.as_str() == s).or(match s.as_str() {
            "hold" | "steady" => Some(Self::HoldSteady),
            "worsen" | "intended" => Some(Self::IntendedWorsening),
            _ => None,
        })
    }
}

/// Where an action stands. The command line's `--status` takes it directly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum ActionStatus {
    Open,
    Done,
    #[value(alias = "drop")]
    Dropped,
}

impl ActionStatus {
    pub const ALL: [ActionStatus; 3] = [Self::Open, Self::Done, Self::Dropped];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Done => "done",
            Self::Dropped => "dropped",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_ascii_lowercase();
        Self::ALL.into_iter().find(|a| a.as_str() == s).or((s == "drop").then_some(Self::Dropped))
    }
}

/// An improvement action as the store keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    pub id: ActionId,
    pub team: TeamId,
    /// The retro it came from, if any (actions can be added from the command line).
    pub retro: Option<RetroId>,
    /// What the team decided; a correction replaces it whole.
    pub plan: ActionPlan,
    pub status: ActionStatus,
    pub closing_note: Option<String>,
    /// The metric over the window the action was created in, snapshotted then.
    pub baseline: Option<f64>,
    pub baseline_window: Period,
    pub created_at: Timestamp,
    pub closed_at: Option<Timestamp>,
    /// The retro note it was made from, if any.
    pub from_note: Option<super::NoteId>,
}

/// What the team decides: the action, the metric it should move, and how.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionPlan {
    pub title: String,
    pub description: Option<String>,
    pub metric: MetricKey,
    pub expected: Expected,
    pub target: Option<f64>,
    pub due: Option<NaiveDate>,
    /// Who drives it, if someone volunteered. Nothing is ever aggregated by it.
    pub volunteer: Option<String>,
}

/// A plan with where it was decided and the metric's value then; the store adds the id,
/// status and timestamps.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAction {
    pub plan: ActionPlan,
    pub retro: Option<RetroId>,
    /// The metric over `baseline_window`, snapshotted when the action is created.
    pub baseline: Option<f64>,
    pub baseline_window: Period,
    /// The retro note it is made from, if any.
    pub from_note: Option<super::NoteId>,
}

/// A retro's decision about an open action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    Done,
    Keep,
    Drop,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Done => "done",
            Self::Keep => "keep",
            Self::Drop => "drop",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "done" => Some(Self::Done),
            "keep" => Some(Self::Keep),
            "drop" | "dropped" => Some(Self::Drop),
            _ => None,
        }
    }

    /// The action's status after this decision.
    pub fn status(self) -> ActionStatus {
        match self {
            Self::Done => ActionStatus::Done,
            Self::Keep => ActionStatus::Open,
            Self::Drop => ActionStatus::Dropped,
        }
    }
}

/// One review of an action in one retro: its history across retros is these, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionReview {
    pub retro: RetroId,
    pub action: ActionId,
    pub decision: Decision,
    /// The linked metric's value over the reviewing retro's window.
    pub metric_value: Option<f64>,
    pub note: Option<String>,
    pub reviewed_at: Timestamp,
}
