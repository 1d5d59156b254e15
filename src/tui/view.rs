//! View models: what the screens show, computed once when the data or the window
//! changes, never while drawing.

use crate::domain::{
    Action, ActionId, DoraMetric, Granularity, MetricKey, Period, Polarity, Unit, format_delta, format_relative,
    format_value,
};
use crate::metrics::{Direction, Movement, PeriodMetrics, Reading, Reference, UsualRange, ValueSource, judge, trend};
use crate::query::MetricTable;

/// Periods in a dashboard sparkline.
pub const SPARK_PERIODS: usize = 12;
/// Periods the trailing average runs over.
pub const TRAILING_PERIODS: usize = 6;

/// One metric's values in every period of a table, oldest first.
fn series(table: &MetricTable, metric: usize) -> Vec<Option<f64>> {
    table.periods.iter().map(|p| value_of(p, metric)).collect()
}

/// One metric's values with the events behind them, for the routine-variation rule.
fn readings(table: &MetricTable, metric: usize) -> Vec<Option<Reading>> {
    table
        .periods
        .iter()
        .map(|p| match DoraMetric::ALL.get(metric) {
            Some(&m) => p.reading(m),
            None => value_of(p, metric).map(Reading::unmodelled),
        })
        .collect()
}

/// What metric number `metric`'s value rests on in `p`, short: "2 of 9" for a share of
/// deployments, the count for the others, empty for team metrics and imported values.
fn events_of(p: &PeriodMetrics, metric: usize) -> String {
    let Some(&m) = DoraMetric::ALL.get(metric) else { return String::new() };
    let v = p.dora.get(m);
    match (v.source, m) {
        (Some(ValueSource::Events), DoraMetric::ChangeFailureRate) => {
            format!("{} of {}", p.failed_deployments, v.count)
        }
        (Some(ValueSource::Events), DoraMetric::ReworkRate) => format!("{} of {}", p.rework_deployments, v.count),
        (Some(ValueSource::Events), _) => v.count.to_string(),
        _ => String::new(),
    }
}

/// Metrics are numbered: the five DORA ones first, then the team's in store order.
fn value_of(p: &PeriodMetrics, metric: usize) -> Option<f64> {
    match DoraMetric::ALL.get(metric) {
        Some(&m) => p.dora.get(m).value,
        None => p.team.get(metric - DoraMetric::ALL.len()).copied().flatten(),
    }
}

/// Name, unit and polarity of metric number `metric` in `table`.
fn describe(table: &MetricTable, metric: usize) -> (MetricKey, String, Unit, Polarity) {
    match DoraMetric::ALL.get(metric) {
        Some(&m) => (MetricKey::Dora(m), m.name().to_owned(), m.unit(), m.polarity()),
        None => {
            let t = &table.team_metrics[metric - DoraMetric::ALL.len()];
            // Shown on screen: made safe here, where data becomes the view.
            let (name, unit) =
                (crate::text::safe(&t.name).into_owned(), Unit::Custom(crate::text::safe(&t.unit).into_owned()));
            (MetricKey::Team(t.name.clone()), name, unit, t.polarity)
        }
    }
}

fn metric_count(table: &MetricTable) -> usize {
    DoraMetric::ALL.len() + table.team_metrics.len()
}

/// A change shown as arrow and amount, with whether it is good news.
#[derive(Debug, Clone, PartialEq)]
pub struct Delta {
    pub text: String,
    pub direction: Direction,
}

impl Delta {
    fn absolute(m: &Movement, unit: &Unit) -> Self {
        let text = match m.delta {
            None => "–".to_owned(),
            Some(d) => format!("{} {}", arrow(d), format_delta(d, unit)),
        };
        Delta { text, direction: m.direction }
    }

    /// Relative to the reference when it is not zero, else absolute.
    fn relative(m: &Movement, unit: &Unit) -> Self {
        match (m.delta, m.relative()) {
            (Some(d), Some(r)) => {
                Delta { text: format!("{} {}", arrow(d), format_relative(r)), direction: m.direction }
            }
            _ => Self::absolute(m, unit),
        }
    }
}

fn arrow(delta: f64) -> char {
    if delta > 0.0 {
        '▲'
    } else if delta < 0.0 {
        '▼'
    } else {
        '='
    }
}

/// One line of the dashboard.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricRow {
    pub key: MetricKey,
    pub name: String,
    pub polarity: Polarity,
    pub value: String,
    pub imported: bool,
    pub vs_previous: Delta,
    pub vs_trailing: Delta,
    pub sparkline: String,
    /// The events the current value rests on: "2 of 9" deployments for a rate.
    pub events: String,
    /// The usual range of the trailing periods, for people: "0.0%–12.3%".
    pub usual: Option<String>,
    /// The events in words, for a sentence: "2 of 9 deployments", "14 changes".
    pub evidence: Option<String>,
    /// An open action expects this metric to worsen: a worsening is the plan, not news.
    pub intended: bool,
}

/// A signal as the dashboard and the retro show it.
#[derive(Debug, Clone, PartialEq)]
pub struct SignalView {
    pub title: &'static str,
    /// The periods it spans, e.g. `2026-W06..2026-W17`.
    pub when: String,
    pub explanation: String,
    pub question: String,
}

impl SignalView {
    pub fn of(signal: &crate::metrics::signals::Signal) -> Self {
        SignalView {
            title: signal.kind.title(),
            when: signal.span.label(),
            explanation: crate::text::safe(&signal.explanation).into_owned(),
            question: crate::text::safe(&signal.question).into_owned(),
        }
    }
}

/// The dashboard of one team for one period, compared with what came before.
#[derive(Debug, Clone, PartialEq)]
pub struct DashboardModel {
    pub team: String,
    pub granularity: Granularity,
    pub current: Period,
    /// `2026-W48 so far, 2 of 7 days` for a period not whole, else its label.
    pub current_label: String,
    pub dora: Vec<MetricRow>,
    pub team_metrics: Vec<MetricRow>,
    /// Incidents in the shown periods that name no production deployment.
    pub unlinked_incidents: u64,
    /// Signals seen in the shown periods, most recent first.
    pub signals: Vec<SignalView>,
    /// The current period is covered by the team's data only in part.
    pub partly_covered: bool,
    /// Some shown period holds data (raw events the imports cover, or imported values).
    pub has_data: bool,
}

impl DashboardModel {
    /// Builds the dashboard from a table whose last period is the current one. Metrics
    /// in `intended` are expected to worsen by an open action.
    pub fn build(table: &MetricTable, intended: &[MetricKey], signals: &[crate::metrics::signals::Signal]) -> Self {
        let rows: Vec<MetricRow> = (0..metric_count(table))
            .map(|i| row(table, i))
            .map(|r| MetricRow { intended: intended.contains(&r.key), ..r })
            .collect();
        let (dora, team_metrics) = rows.split_at(DoraMetric::ALL.len().min(rows.len()));
        let current = table.periods.last().map(|p| p.period.clone()).expect("a dashboard shows at least one period");
        DashboardModel {
            team: crate::text::safe(&table.team.name).into_owned(),
            granularity: current.granularity.unwrap_or_default(),
            current_label: table.periods.last().map(crate::report::period_label).unwrap_or_default(),
            current,
            dora: dora.to_vec(),
            team_metrics: team_metrics.to_vec(),
            unlinked_incidents: table.periods.iter().map(|p| p.unlinked_incidents).sum(),
            signals: signals.iter().map(SignalView::of).collect(),
            partly_covered: table
                .periods
                .last()
                .is_some_and(|p| p.coverage.overall() == crate::metrics::Covered::Partial),
            has_data: table.periods.iter().any(|p| {
                !p.coverage.is_empty()
                    || p.team.iter().any(Option::is_some)
                    || DoraMetric::ALL.iter().any(|&m| p.dora.get(m).value.is_some())
            }),
        }
    }

    pub fn rows(&self, pane: Pane) -> &[MetricRow] {
        match pane {
            Pane::Dora => &self.dora,
            Pane::Team => &self.team_metrics,
        }
    }
}

fn row(table: &MetricTable, metric: usize) -> MetricRow {
    let (key, name, unit, polarity) = describe(table, metric);
    let values = series(table, metric);
    let t = trend(&readings(table, metric), polarity, TRAILING_PERIODS);
    let imported = match (&key, table.periods.last()) {
        (MetricKey::Dora(m), Some(p)) => p.dora.get(*m).source == Some(ValueSource::Imported),
        _ => false,
    };
    MetricRow {
        key,
        name,
        polarity,
        value: format_value(t.current, &unit),
        imported,
        vs_previous: Delta::absolute(&t.vs_previous, &unit),
        vs_trailing: Delta::relative(&t.vs_trailing, &unit),
        sparkline: sparkline(&values),
        events: table.periods.last().map(|p| events_of(p, metric)).unwrap_or_default(),
        usual: t
            .usual
            .map(|u| format!("{}–{}", format_value(Some(u.lower), &unit), format_value(Some(u.upper), &unit))),
        evidence: table.periods.last().zip(DoraMetric::ALL.get(metric)).and_then(|(p, &m)| p.evidence(m)),
        intended: false,
    }
}

/// The dashboard's two panes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pane {
    #[default]
    Dora,
    Team,
}

impl Pane {
    pub const ALL: [Pane; 2] = [Self::Dora, Self::Team];

    /// The pane's place in [`Pane::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// Values as a line of block characters, lowest to highest; a gap where there is no data.
pub fn sparkline(values: &[Option<f64>]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let known = values.iter().flatten();
    let lo = known.clone().copied().fold(f64::INFINITY, f64::min);
    let hi = known.copied().fold(f64::NEG_INFINITY, f64::max);
    values
        .iter()
        .map(|v| match v {
            None => ' ',
            Some(_) if hi <= lo => BARS[3],
            Some(v) => BARS[(((v - lo) / (hi - lo)) * 7.0).round() as usize],
        })
        .collect()
}

/// One period in the detail table.
#[derive(Debug, Clone, PartialEq)]
pub struct DetailRow {
    pub label: String,
    pub first_day: String,
    pub value: String,
    /// The events the value rests on: "2 of 9" deployments for a rate, else the count.
    pub events: String,
    pub imported: bool,
    /// Judged against the usual range of the periods before it: "above usual range",
    /// "within usual range", "below usual range"; empty with too little history.
    pub variation: &'static str,
}

/// Where an action on the shown metric was decided or closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkKind {
    Decided,
    Closed,
}

/// An action's decision or closing, placed on the chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ActionMark {
    pub action: ActionId,
    pub kind: MarkKind,
    /// The index of the period it fell in.
    pub x: f64,
}

/// A metric over the team's whole history.
#[derive(Debug, Clone, PartialEq)]
pub struct DetailModel {
    pub key: MetricKey,
    pub name: String,
    pub unit: Unit,
    pub polarity: Polarity,
    pub definition: String,
    pub context: Option<&'static str>,
    /// `(period index, value)` for periods with data.
    pub points: Vec<(f64, f64)>,
    pub period_count: usize,
    /// First day of the first, middle and last period.
    pub x_labels: Vec<String>,
    pub y_bounds: [f64; 2],
    /// `(period index, usual range)`: each period's natural process limits from the
    /// [`TRAILING_PERIODS`] before it, where there are enough of them.
    pub band: Vec<(f64, UsualRange)>,
    /// Where actions on this metric were decided and closed, oldest first.
    pub marks: Vec<ActionMark>,
    /// Newest first.
    pub rows: Vec<DetailRow>,
    /// What the chart says when no period has a value.
    pub empty: &'static str,
}

impl DetailModel {
    /// Metric number `metric` (DORA first, then team metrics) over every period of
    /// `history`, with the decisions and closings of those of `actions` that target it.
    pub fn build(history: &MetricTable, actions: &[Action], metric: usize) -> Self {
        let (key, name, unit, polarity) = describe(history, metric);
        let values = series(history, metric);
        let points: Vec<(f64, f64)> = values.iter().enumerate().filter_map(|(i, v)| v.map(|v| (i as f64, v))).collect();
        let readings = readings(history, metric);
        // Each period's reference is the periods before it, whether or not it has data.
        let references: Vec<Option<Reference>> = (0..readings.len())
            .map(|i| {
                let before: Vec<Reading> =
                    readings[i.saturating_sub(TRAILING_PERIODS)..i].iter().flatten().copied().collect();
                Reference::trailing(&before)
            })
            .collect();
        let judged: Vec<Option<crate::metrics::Judgement>> =
            readings.iter().zip(&references).map(|(now, r)| now.zip(*r).map(|(now, r)| judge(&now, 1, &r))).collect();
        let band: Vec<(f64, UsualRange)> =
            references.iter().enumerate().filter_map(|(i, r)| r.map(|r| (i as f64, r.range(1)))).collect();
        let marks = marks(history, actions, &key);
        let hi = points.iter().map(|p| p.1).chain(band.iter().map(|b| b.1.upper)).fold(0.0, f64::max);
        let y_top = if hi > 0.0 { hi * 1.1 } else { 1.0 };
        let n = history.periods.len();
        let day = |i: usize| history.periods.get(i).map(|p| p.period.first_day().to_string()).unwrap_or_default();
        let x_labels = match n {
            0 => vec![],
            1 => vec![day(0)],
            _ => vec![day(0), day((n - 1) / 2), day(n - 1)],
        };
        let (definition, context) = match &key {
            MetricKey::Dora(m) => (m.definition().to_owned(), Some(m.research_context())),
            MetricKey::Team(_) => {
                let better = if polarity == Polarity::HigherIsBetter { "higher" } else { "lower" };
                (format!("A metric the team chose, in {unit}; {better} is better."), None)
            }
        };
        let rows = history
            .periods
            .iter()
            .zip(&values)
            .zip(&judged)
            .rev()
            .map(|((p, v), j)| {
                let dora = match &key {
                    MetricKey::Dora(m) => Some(p.dora.get(*m)),
                    MetricKey::Team(_) => None,
                };
                DetailRow {
                    label: p.period.label(),
                    first_day: p.period.first_day().format("%b %d").to_string(),
                    value: format_value(*v, &unit),
                    events: match dora {
                        Some(d) if d.value.is_none() => d.count.to_string(),
                        _ => events_of(p, metric),
                    },
                    imported: dora.is_some_and(|d| d.source == Some(ValueSource::Imported)),
                    variation: match j.map(|j| j.variation) {
                        Some(crate::metrics::Variation::Above) => "above usual range",
                        Some(crate::metrics::Variation::Below) => "below usual range",
                        Some(crate::metrics::Variation::Within) => "within usual range",
                        None => "",
                    },
                }
            })
            .collect();
        // Deployments known but none of their kinds: say what would give them.
        let kinds_unknown = key == MetricKey::Dora(DoraMetric::ReworkRate)
            && history
                .periods
                .iter()
                .any(|p| p.covers(DoraMetric::DeploymentFrequency) && !p.covers(DoraMetric::ReworkRate));
        let empty = if kinds_unknown {
            "No import said which deployments were hotfixes, rollbacks or fixes forward: a deployments file \
             with a kind column, or `retro import git`, gives them."
        } else {
            "No data in any period yet."
        };
        DetailModel {
            key,
            name,
            unit,
            polarity,
            definition,
            context,
            empty,
            points,
            period_count: n,
            x_labels,
            y_bounds: [0.0, y_top],
            band,
            marks,
            rows,
        }
    }

    /// How many metrics a history table holds, for moving between them.
    pub fn metric_count(history: &MetricTable) -> usize {
        metric_count(history)
    }
}

/// The decisions and closings of the actions on `key`, at the periods they fell in.
fn marks(history: &MetricTable, actions: &[Action], key: &MetricKey) -> Vec<ActionMark> {
    let at = |t: crate::domain::Timestamp| history.periods.iter().position(|p| p.period.contains(t));
    let mut marks: Vec<ActionMark> = actions
        .iter()
        .filter(|a| &a.plan.metric == key)
        .flat_map(|a| {
            let decided = at(a.created_at).map(|x| ActionMark { action: a.id, kind: MarkKind::Decided, x: x as f64 });
            let closed =
                a.closed_at.and_then(at).map(|x| ActionMark { action: a.id, kind: MarkKind::Closed, x: x as f64 });
            [decided, closed]
        })
        .flatten()
        .collect();
    marks.sort_by(|a, b| a.x.total_cmp(&b.x));
    marks
}

#[cfg(test)]
mod tests {
    use super::sparkline;

    #[test]
    fn sparkline_scales_between_lowest_and_highest_and_leaves_gaps() {
        assert_eq!(sparkline(&[Some(0.0), Some(7.0), None, Some(3.5)]), "▁█ ▅");
        assert_eq!(sparkline(&[Some(2.0), Some(2.0)]), "▄▄");
        assert_eq!(sparkline(&[None, None]), "  ");
    }
}
