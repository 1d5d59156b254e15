//! Intended worsening: a metric worsened while an open action expected it to, so it is
//! shown as the expected cost of a choice, not as bad news.

use super::{Observation, Signal, SignalInput, SignalKind, Span, Thresholds, Window, capitalised, say_relative, words};
use crate::domain::{Action, ActionStatus, Expected, MetricKey, Polarity, Timestamp, Unit, in_words};
use crate::metrics::Direction;

/// What an open action expects of one metric over its lifetime: the plain input the
/// actions of a retro map onto.
#[derive(Debug, Clone, PartialEq)]
pub struct IntendedChange {
    pub metric: MetricKey,
    pub expected: Expected,
    /// When the action was decided.
    pub since: Timestamp,
    /// When it was closed; `None` while it is open.
    pub until: Option<Timestamp>,
    pub title: String,
}

impl IntendedChange {
    /// What an action expects, over the time it was open.
    pub fn from_action(a: &Action) -> Self {
        IntendedChange {
            metric: a.plan.metric.clone(),
            expected: a.plan.expected,
            since: a.created_at,
            until: (a.status != ActionStatus::Open).then_some(a.closed_at.unwrap_or(a.created_at)),
            title: a.plan.title.clone(),
        }
    }
}

/// For each change expected to worsen its metric: the up to `t.baseline` periods that end
/// before `since` are the baseline, the periods overlapping `[since, until)` the time the
/// action was open. A signal when the metric worsened between the two beyond its routine
/// variation (docs/metrics.md, "Routine variation").
pub(super) fn detect(input: &SignalInput<'_>, t: &Thresholds) -> Vec<Signal> {
    let series = input.series;
    input
        .intended
        .iter()
        .filter(|c| c.expected == Expected::IntendedWorsening)
        .filter_map(|change| {
            let until = change.until.unwrap_or(Timestamp::MAX);
            let open_first = series.iter().position(|p| p.period.end > change.since)?;
            let open_end = series.iter().rposition(|p| p.period.start < until)? + 1;
            if open_first == 0 || open_first >= open_end {
                return None;
            }
            let base = Window::new(input, open_first.saturating_sub(t.baseline)..open_first);
            let open = Window::new(input, open_first..open_end);
            let (unit, _, before, after) = read(input, &change.metric, &base, &open)?;
            // Worse beyond its routine variation: the rule every change in retro follows.
            (base.moved(&open, &change.metric, input) == Some(Direction::Worse)).then(|| Signal {
                kind: SignalKind::IntendedWorsening,
                pattern: None,
                span: Span::of(series, base.range.start..open.range.end),
                metrics: vec![change.metric.clone()],
                observations: vec![Observation {
                    key: change.metric.key().into(),
                    unit: unit.clone(),
                    before: Some(base.reading(series, before)),
                    after: open.reading(series, after),
                }],
                intended_change: Some(change.title.clone()),
                explanation: format!(
                    "{} went from {} in {} to {} in {} ({}), as the action \"{}\" expected. This is the cost of a \
                     choice the team made, not a regression.",
                    capitalised(&words(&change.metric)),
                    in_words(before, &unit),
                    base.span(series).label(),
                    in_words(after, &unit),
                    open.span(series).label(),
                    say_relative(before, after),
                    change.title
                ),
                question: format!(
                    "Is \"{}\" paying off as we hoped, and when do we expect {} to recover?",
                    change.title,
                    words(&change.metric)
                ),
            })
        })
        .collect()
}

/// The unit, polarity and the two values of a DORA or team-chosen metric.
fn read(
    input: &SignalInput<'_>,
    metric: &MetricKey,
    base: &Window,
    open: &Window,
) -> Option<(Unit, Polarity, f64, f64)> {
    match metric {
        MetricKey::Dora(m) => Some((m.unit(), m.polarity(), base.value(*m)?, open.value(*m)?)),
        MetricKey::Team(name) => {
            let i = input.events.team_metrics.iter().position(|t| &t.metric.name == name)?;
            let def = &input.events.team_metrics[i].metric;
            Some((
                Unit::Custom(def.unit.clone()),
                def.polarity,
                base.metrics.team.get(i).copied().flatten()?,
                open.metrics.team.get(i).copied().flatten()?,
            ))
        }
    }
}
