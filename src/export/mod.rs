//! A retro's summary as Markdown, to paste into a wiki or chat, and as JSON for scripts.
//! The JSON shape is documented in docs/export.md and kept stable.

mod json;
mod markdown;

pub use json::{SCHEMA, json};
pub use markdown::markdown;

use crate::domain::{Action, ActionReview, MetricKey, Note, Retro, Team, Unit, VoteCounts};
use crate::metrics::Evaluation;
use crate::retro::flow::Flow;
use crate::retro::movement::MetricMove;

/// Everything a retro's summary shows; [`summary`] builds it from a retro's flow.
#[derive(Debug, Clone, PartialEq)]
pub struct RetroSummary {
    pub team: Team,
    pub retro: Retro,
    pub safety: VoteCounts,
    pub return_on_time: VoteCounts,
    /// How each metric moved in the window, biggest movement first.
    pub moves: Vec<MetricMove>,
    /// Kinds of events the data did not cover for the whole window.
    pub data_gaps: Vec<crate::metrics::DataGap>,
    /// In the order they were taken.
    pub notes: Vec<Note>,
    /// Actions created in this retro, with their baselines.
    pub actions: Vec<Action>,
    /// Decisions about earlier actions taken in this retro.
    pub reviews: Vec<Reviewed>,
}

/// The retro's summary for export: everything the flow holds, reviewed actions paired
/// with their decisions.
pub fn summary(flow: &Flow) -> RetroSummary {
    let reviews = flow
        .reviews
        .iter()
        .filter_map(|r| {
            let action = flow.to_review.iter().find(|a| a.id == r.action)?.clone();
            let verdict = flow.progress.iter().find(|p| p.action.id == r.action).map(|p| p.evaluation);
            Some(Reviewed { action, review: r.clone(), verdict })
        })
        .collect();
    RetroSummary {
        team: flow.team.clone(),
        retro: flow.retro.clone(),
        safety: flow.safety,
        return_on_time: flow.return_on_time,
        moves: flow.moves.clone(),
        data_gaps: flow.data_gaps.clone(),
        notes: flow.notes.clone(),
        actions: flow.actions.clone(),
        reviews,
    }
}

impl RetroSummary {
    /// The name a Markdown export of the summary is written under, after the team and the
    /// window: `retro-demo-team-2026-11-13-2026-11-26.md`. Anything in the team's name
    /// that is not a letter or a digit becomes `-`, so the name is one plain file name.
    pub fn file_name(&self) -> String {
        let w = &self.retro.window;
        let team: String =
            self.team.name.chars().map(|c| if c.is_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
        format!("retro-{team}-{}-{}.md", w.first_day(), w.last_day())
    }

    /// The unit of a metric: a DORA metric's own, a team metric's from its movement.
    fn unit(&self, metric: &MetricKey) -> Unit {
        match metric {
            MetricKey::Dora(m) => m.unit(),
            MetricKey::Team(_) => self.find_move(metric).map_or_else(Unit::default, |m| m.unit.clone()),
        }
    }

    fn find_move(&self, metric: &MetricKey) -> Option<&MetricMove> {
        self.moves.iter().find(|m| &m.metric == metric)
    }
}

/// An earlier action this retro took a decision about.
#[derive(Debug, Clone, PartialEq)]
pub struct Reviewed {
    pub action: Action,
    pub review: ActionReview,
    /// Whether its metric moved as expected, by the same rule as everywhere else
    /// (docs/metrics.md); `None` when not evaluated.
    pub verdict: Option<Evaluation>,
}
