//! How each metric moved in a retro's window against the windows before it, judged by
//! the routine-variation rule (`metrics::variation`): a move within the usual range of
//! the earlier windows is steady, is not ranked, and picks no prompt.

use crate::domain::{DoraMetric, MetricKey, Polarity, Unit};
use crate::metrics::{Direction, Reading, UsualRange, trend};
use crate::query::MetricTable;
use serde::Serialize;

/// One metric's movement: its value in the retro window against the mean of the
/// earlier windows of the same length.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricMove {
    #[serde(serialize_with = "key")]
    pub metric: MetricKey,
    pub name: String,
    pub unit: Unit,
    #[serde(serialize_with = "polarity")]
    pub polarity: Polarity,
    pub current: Option<f64>,
    /// Mean of the earlier windows that have data.
    pub reference: Option<f64>,
    pub delta: Option<f64>,
    /// `delta / |reference|`, when the reference is not zero.
    pub relative: Option<f64>,
    /// Beyond the usual range of the earlier windows (better or worse), within it
    /// (steady), or unknown (no data now, or fewer than three earlier windows with data).
    pub direction: Direction,
    /// The usual range of the earlier windows; `None` with too few of them.
    pub usual: Option<UsualRange>,
    /// The events the current value rests on ("2 of 9 deployments"); `None` for team
    /// metrics, imported values and no data.
    pub evidence: Option<String>,
}

fn key<S: serde::Serializer>(m: &MetricKey, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(m.key())
}

fn polarity<S: serde::Serializer>(p: &Polarity, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(p.as_str())
}

impl MetricMove {
    /// Whether the metric moved enough to talk about.
    pub fn moved(&self) -> bool {
        matches!(self.direction, Direction::Better | Direction::Worse)
    }
}

/// Every metric of `table`, whose last period is the retro window and the others the
/// windows before it; biggest movements first, steady and unknown ones last.
pub fn moves(table: &MetricTable) -> Vec<MetricMove> {
    let earlier = table.periods.len().saturating_sub(1);
    let dora = DoraMetric::ALL.into_iter().map(|m| {
        let values: Vec<_> = table.periods.iter().map(|p| p.reading(m)).collect();
        let evidence = table.periods.last().and_then(|p| p.evidence(m));
        (MetricKey::Dora(m), m.unit(), m.polarity(), values, evidence)
    });
    let team = table.team_metrics.iter().enumerate().map(|(i, t)| {
        let values: Vec<_> =
            table.periods.iter().map(|p| p.team.get(i).copied().flatten().map(Reading::unmodelled)).collect();
        (MetricKey::Team(t.name.clone()), Unit::Custom(t.unit.clone()), t.polarity, values, None)
    });
    let mut moves: Vec<MetricMove> = dora
        .chain(team)
        .map(|(metric, unit, polarity, values, evidence)| {
            let t = trend(&values, polarity, earlier);
            MetricMove {
                name: metric.name().to_owned(),
                metric,
                unit,
                polarity,
                current: t.current,
                reference: t.vs_trailing.reference,
                delta: t.vs_trailing.delta,
                relative: t.vs_trailing.relative(),
                direction: t.vs_trailing.direction,
                usual: t.usual,
                evidence,
            }
        })
        .collect();
    // Stable: equal movements keep DORA order.
    moves.sort_by(|a, b| magnitude(b).total_cmp(&magnitude(a)));
    moves
}

/// How far a metric moved, for ordering: relative change, with moves that have no
/// relative size (from zero) first among the moved, and unmoved ones last.
fn magnitude(m: &MetricMove) -> f64 {
    match (m.moved(), m.relative) {
        (false, _) => -1.0,
        (true, Some(r)) => r.abs(),
        (true, None) => f64::INFINITY,
    }
}
