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

/// The period a default view ends with, and, when the data ends before the current
/// period, where it ends. The current period is the default unless the data stops
/// before it (then the last period the data covers) or it began no more than two days
/// ago and the period before holds data (then that last complete period).
pub fn default_last_period(
    coverage: &Coverage,
    granularity: Granularity,
    offset: UtcOffset,
    now: Timestamp,
) -> (Period, Option<LatestData>) {
    let current = Period::containing(now, granularity, offset);
    let Some(end) = coverage.any().end() else {
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
    let previous_covered = !coverage.any().clip(previous.start, previous.end).is_empty();
    if now - current.start <= TOO_YOUNG_SECS && previous_covered {
        return (previous, None);
    }
    (current, None)
}
