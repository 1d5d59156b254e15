//! Which period a view of a team's metrics ends with by default: the latest one that
//! holds data, so stale imports never open on a screen of "no data".

use crate::domain::{Coverage, Granularity, Period, Timestamp, UtcOffset};

/// A period still under way for no more than this many seconds is too young to be the
/// period a view compares: the last complete one is.
const TOO_YOUNG_SECS: i64 = 2 * 86_400;

/// The team's data ends before the current period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatestData {
    /// The last period the data covers.
    pub period: Period,
    /// How many periods before the current one it is.
    pub periods_ago: usize,
}

impl LatestData {
    /// `latest data: 2026-W26, 23 weeks ago`.
    pub fn describe(&self) -> String {
        let unit = match self.period.granularity {
            Some(Granularity::Month) => "month",
            _ => "week",
        };
        let plural = if self.periods_ago == 1 { "" } else { "s" };
        format!("latest data: {}, {} {unit}{plural} ago", self.period.label(), self.periods_ago)
    }
}

/// The period a default view ends with, and, when the team's deployments (or, without
/// any, its incidents) end before the current period, where they end. The current period is the default unless the data stops
/// before it (then the last period the data covers) or it began no more than two days
/// ago and the period before holds data (then that last complete period).
pub fn default_last_period(
    coverage: &Coverage,
    granularity: Granularity,
    offset: UtcOffset,
    now: Timestamp,
) -> (Period, Option<LatestData>) {
    let current = Period::containing(now, granularity, offset);
    // Deployments carry four of the five metrics: where they end is where the data ends,
    // unless the team has only incidents.
    let known = if coverage.deployments.is_empty() { coverage.any() } else { coverage.deployments.clone() };
    let Some(end) = known.end() else {
        return (current, None);
    };
    if end <= current.start {
        let last = Period::containing(end - 1, granularity, offset);
        let mut ago = 0;
        let mut p = current.clone();
        while p.start > last.start {
            p = p.previous();
            ago += 1;
        }
        return (last.clone(), Some(LatestData { period: last, periods_ago: ago }));
    }
    let previous = current.previous();
    let previous_covered = !known.clip(previous.start, previous.end).is_empty();
    if now - current.start <= TOO_YOUNG_SECS && previous_covered {
        return (previous, None);
    }
    (current, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Spans, parse_timestamp};

    fn t(s: &str) -> Timestamp {
        parse_timestamp(s).unwrap()
    }

    fn deployments(from: &str, to: &str) -> Coverage {
        Coverage { deployments: Spans::union([(t(from), t(to))]), ..Default::default() }
    }

    fn label(c: &Coverage, now: &str) -> (String, Option<String>) {
        let (p, latest) = default_last_period(c, Granularity::Week, UtcOffset::UTC, t(now));
        (p.label(), latest.map(|l| l.describe()))
    }

    #[test]
    fn views_end_where_the_deployments_end_or_at_the_last_complete_week() {
        // Data for W10..W26 of 2026; Thursday of W48: 22 weeks after W26.
        let c = deployments("2026-03-02 00:00:00", "2026-06-29 00:00:00");
        assert_eq!(
            label(&c, "2026-11-26 12:00:00"),
            ("2026-W26".into(), Some("latest data: 2026-W26, 22 weeks ago".into()))
        );
        assert_eq!(label(&c, "2026-07-01 12:00:00").1.unwrap(), "latest data: 2026-W26, 1 week ago");
        // Current data: this week, unless it began no more than two days ago.
        let c = deployments("2026-03-02 00:00:00", "2026-11-30 00:00:00");
        assert_eq!(label(&c, "2026-11-26 12:00:00"), ("2026-W48".into(), None));
        assert_eq!(label(&c, "2026-11-25 00:00:00"), ("2026-W47".into(), None));
        assert_eq!(label(&c, "2026-11-25 00:00:01"), ("2026-W48".into(), None));
        // No data at all: the current week, with nothing to say about where data ends.
        assert_eq!(label(&Coverage::default(), "2026-11-24 12:00:00"), ("2026-W48".into(), None));
        // Incidents that are current do not hide deployments that lag.
        let mut c = deployments("2026-03-02 00:00:00", "2026-06-29 00:00:00");
        c.incidents = Spans::union([(t("2026-03-02 00:00:00"), t("2026-11-30 00:00:00"))]);
        assert_eq!(label(&c, "2026-11-26 12:00:00").0, "2026-W26");
    }
}
