//! A retro's summary as Markdown, to paste into a wiki or chat, and as JSON for scripts.
//! The JSON shape is documented in docs/export.md and kept stable.

mod json;
mod markdown;

pub use json::{SCHEMA, json};
pub use markdown::markdown;

use crate::domain::{
    Action, ActionReview, DoraMetric, Expected, MetricKey, Note, Polarity, Retro, Team, Timestamp, UtcOffset,
    VoteCounts,
};
use crate::metrics::{Direction, Movement};
use crate::retro::movement::MetricMove;
use chrono::{DateTime, NaiveDate};

/// Everything a retro's summary shows; built from the store by the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct RetroSummary {
    pub team: Team,
    pub retro: Retro,
    pub safety: VoteCounts,
    pub return_on_time: VoteCounts,
    /// How each metric moved in the window, biggest movement first.
    pub moves: Vec<MetricMove>,
    /// In the order they were taken.
    pub notes: Vec<Note>,
    /// Actions created in this retro, with their baselines.
    pub actions: Vec<Action>,
    /// Decisions about earlier actions taken in this retro.
    pub reviews: Vec<(Action, ActionReview)>,
}

impl RetroSummary {
    /// The unit of a metric: a DORA metric's own, a team metric's from its movement.
    fn unit(&self, metric: &MetricKey) -> &str {
        match metric {
            MetricKey::Dora(m) => m.unit(),
            MetricKey::Team(_) => self.find_move(metric).map_or("", |m| m.unit.as_str()),
        }
    }

    fn polarity(&self, metric: &MetricKey) -> Option<Polarity> {
        match metric {
            MetricKey::Dora(m) => Some(DoraMetric::polarity(*m)),
            MetricKey::Team(_) => self.find_move(metric).map(|m| m.polarity),
        }
    }

    fn find_move(&self, metric: &MetricKey) -> Option<&MetricMove> {
        self.moves.iter().find(|m| &m.metric == metric)
    }

    /// How a reviewed action's metric moved from its baseline to the reviewing window.
    fn review_movement(&self, action: &Action, review: &ActionReview) -> ReviewMovement {
        let direction = match self.polarity(&action.metric) {
            Some(p) => Movement::between(review.metric_value, action.baseline, p).direction,
            None => Direction::Unknown,
        };
        let wanted = match action.expected {
            Expected::Improve => Direction::Better,
            Expected::HoldSteady => Direction::Steady,
            Expected::IntendedWorsening => Direction::Worse,
        };
        ReviewMovement { direction, as_expected: (direction != Direction::Unknown).then_some(direction == wanted) }
    }
}

struct ReviewMovement {
    direction: Direction,
    /// `None` when there is no data on one side.
    as_expected: Option<bool>,
}

/// The day `t` falls on in the team's offset.
fn local_date(t: Timestamp, offset: UtcOffset) -> NaiveDate {
    DateTime::from_timestamp(t + offset.seconds(), 0).unwrap_or_default().date_naive()
}
