use super::{Timestamp, UtcOffset};
use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use std::fmt;

const DAY: i64 = 86_400;

/// How periods are cut: ISO weeks (Monday to Sunday) or calendar months.
///
/// The command line's `--period` takes it directly (as `week` or `month`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, clap::ValueEnum)]
pub enum Granularity {
    #[default]
    Week,
    Month,
}

impl Granularity {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Week => "week",
            Self::Month => "month",
        }
    }
}

/// A half-open span of time `[start, end)` that metrics are computed over.
///
/// Weeks and months are cut at midnight in the team's UTC offset; a custom window runs
/// from the first day's midnight to the midnight after its last day.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Period {
    /// `None` for a custom window.
    pub granularity: Option<Granularity>,
    pub start: Timestamp,
    pub end: Timestamp,
    pub offset: UtcOffset,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{0}\" is not a period (expected an ISO week like 2025-W03 or a month like 2025-03)")]
pub struct PeriodLabelError(pub String);

impl Period {
    /// The week or month that contains instant `t`.
    pub fn containing(t: Timestamp, granularity: Granularity, offset: UtcOffset) -> Self {
        let date = offset.local_date(t);
        let first = match granularity {
            Granularity::Week => date - Days::new(u64::from(date.weekday().num_days_from_monday())),
            Granularity::Month => date.with_day(1).expect("day 1 exists"),
        };
        Self::starting_on(first, granularity, offset)
    }

    fn starting_on(first: NaiveDate, granularity: Granularity, offset: UtcOffset) -> Self {
        let next = match granularity {
            Granularity::Week => first + Days::new(7),
            Granularity::Month => first + Months::new(1),
        };
        Period { granularity: Some(granularity), start: midnight(first, offset), end: midnight(next, offset), offset }
    }

    /// A custom window covering whole days `first..=last` in the given offset.
    pub fn window(first: NaiveDate, last: NaiveDate, offset: UtcOffset) -> Self {
        Period { granularity: None, start: midnight(first, offset), end: midnight(last + Days::new(1), offset), offset }
    }

    /// Parses `2025-W03` (ISO week) or `2025-03` (month).
    pub fn parse_label(label: &str, offset: UtcOffset) -> Result<Self, PeriodLabelError> {
        let bad = || PeriodLabelError(label.to_owned());
        let text = label.trim();
        if let Some((year, week)) = text.split_once(['W', 'w']) {
            let year: i32 = year.trim_end_matches('-').parse().map_err(|_| bad())?;
            // Two digits, as ISO 8601 writes weeks (and as months are read).
            if week.len() != 2 {
                return Err(bad());
            }
            let week: u32 = week.parse().map_err(|_| bad())?;
            let monday = NaiveDate::from_isoywd_opt(year, week, Weekday::Mon).ok_or_else(bad)?;
            return Ok(Self::starting_on(monday, Granularity::Week, offset));
        }
        let (year, month) = text.split_once('-').ok_or_else(bad)?;
        if month.len() != 2 {
            return Err(bad());
        }
        let first = NaiveDate::from_ymd_opt(year.parse().map_err(|_| bad())?, month.parse().map_err(|_| bad())?, 1)
            .ok_or_else(bad)?;
        Ok(Self::starting_on(first, Granularity::Month, offset))
    }

    pub fn next(&self) -> Self {
        match self.granularity {
            Some(g) => Self::containing(self.end, g, self.offset),
            None => Period { start: self.end, end: 2 * self.end - self.start, ..*self },
        }
    }

    pub fn previous(&self) -> Self {
        match self.granularity {
            Some(g) => Self::containing(self.start - 1, g, self.offset),
            None => Period { start: 2 * self.start - self.end, end: self.start, ..*self },
        }
    }

    /// The part of the period that has happened by `now`: a period still under way is
    /// measured up to now, so this week's deployments are not spread over days to come.
    pub fn until(mut self, now: Timestamp) -> Self {
        if self.start < now && now < self.end {
            self.end = now;
        }
        self
    }

    /// A week or month cut short by [`Period::until`].
    pub fn is_partial(&self) -> bool {
        self.granularity.is_some_and(|g| Self::containing(self.start, g, self.offset).end != self.end)
    }

    /// Length in days; a month has its own number of days, DST does not exist at a fixed offset.
    pub fn days(&self) -> f64 {
        (self.end - self.start) as f64 / DAY as f64
    }

    pub fn contains(&self, t: Timestamp) -> bool {
        self.start <= t && t < self.end
    }

    /// The first day of the period in the team's offset.
    pub fn first_day(&self) -> NaiveDate {
        self.offset.local_date(self.start)
    }

    /// The last day of the period in the team's offset (inclusive).
    pub fn last_day(&self) -> NaiveDate {
        self.offset.local_date(self.end - 1)
    }

    /// `2025-W03`, `2025-03`, or `2025-01-01..2025-01-31` for a custom window.
    pub fn label(&self) -> String {
        self.to_string()
    }

    /// The `count` consecutive periods ending with the one that contains `t`.
    pub fn last_n(t: Timestamp, count: usize, granularity: Granularity, offset: UtcOffset) -> Vec<Self> {
        let mut periods = Vec::with_capacity(count);
        let mut p = Self::containing(t, granularity, offset);
        for _ in 0..count {
            let prev = p.previous();
            periods.push(p);
            p = prev;
        }
        periods.reverse();
        periods
    }

    /// Every period of this granularity that overlaps `[from, to)`, oldest first.
    pub fn covering(from: Timestamp, to: Timestamp, granularity: Granularity, offset: UtcOffset) -> Vec<Self> {
        let mut periods = Vec::new();
        let mut p = Self::containing(from, granularity, offset);
        while p.start < to {
            let next = p.next();
            periods.push(p);
            p = next;
        }
        periods
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let first = self.first_day();
        match self.granularity {
            Some(Granularity::Week) => {
                let w = first.iso_week();
                write!(f, "{}-W{:02}", w.year(), w.week())
            }
            Some(Granularity::Month) => write!(f, "{}-{:02}", first.year(), first.month()),
            None => write!(f, "{first}..{}", self.last_day()),
        }
    }
}

fn midnight(date: NaiveDate, offset: UtcOffset) -> Timestamp {
    date.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc().timestamp() - offset.seconds()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::parse_timestamp;

    fn t(s: &str) -> Timestamp {
        parse_timestamp(s).unwrap()
    }

    #[test]
    fn iso_week_runs_monday_to_monday() {
        let p = Period::containing(t("2025-01-15 12:00:00"), Granularity::Week, UtcOffset::UTC);
        assert_eq!(p.label(), "2025-W03");
        assert_eq!(p.start, t("2025-01-13 00:00:00"));
        assert_eq!(p.end, t("2025-01-20 00:00:00"));
        assert_eq!(p.days(), 7.0);
    }

    #[test]
    fn iso_week_year_differs_from_calendar_year_at_the_edges() {
        let p = Period::containing(t("2024-12-30 08:00:00"), Granularity::Week, UtcOffset::UTC);
        assert_eq!(p.label(), "2025-W01");
        let p = Period::containing(t("2027-01-01 08:00:00"), Granularity::Week, UtcOffset::UTC);
        assert_eq!(p.label(), "2026-W53");
    }

    #[test]
    fn offset_moves_the_boundary() {
        // Sunday 23:30 UTC is already Monday in UTC+01:00.
        let cet = UtcOffset::from_minutes(60).unwrap();
        let sunday_late = t("2025-01-19 23:30:00");
        assert_eq!(Period::containing(sunday_late, Granularity::Week, UtcOffset::UTC).label(), "2025-W03");
        assert_eq!(Period::containing(sunday_late, Granularity::Week, cet).label(), "2025-W04");
        let p = Period::containing(sunday_late, Granularity::Week, cet);
        assert_eq!(p.start, t("2025-01-19 23:00:00"));
    }

    #[test]
    fn months_have_their_own_length() {
        let p = Period::containing(t("2024-02-10 00:00:00"), Granularity::Month, UtcOffset::UTC);
        assert_eq!(p.label(), "2024-02");
        assert_eq!(p.days(), 29.0);
        assert_eq!(p.next().label(), "2024-03");
        assert_eq!(p.previous().label(), "2024-01");
        assert_eq!(p.previous().days(), 31.0);
    }

    #[test]
    fn labels_parse_back() {
        for label in ["2025-W03", "2026-W53", "2025-03", "2024-12"] {
            assert_eq!(Period::parse_label(label, UtcOffset::UTC).unwrap().label(), label);
        }
        for bad in ["2025-W54", "2025-13", "2025-3", "2025-W3", "W03", "2025"] {
            assert!(Period::parse_label(bad, UtcOffset::UTC).is_err(), "{bad}");
        }
    }

    #[test]
    fn window_includes_its_last_day() {
        let first = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        let last = NaiveDate::from_ymd_opt(2025, 1, 31).unwrap();
        let w = Period::window(first, last, UtcOffset::UTC);
        assert_eq!(w.days(), 31.0);
        assert_eq!(w.label(), "2025-01-01..2025-01-31");
        assert!(w.contains(t("2025-01-31 23:59:59")));
        assert!(!w.contains(t("2025-02-01 00:00:00")));
    }

    #[test]
    fn a_period_under_way_ends_now() {
        let now = t("2025-01-15 12:00:00");
        let week = Period::containing(now, Granularity::Week, UtcOffset::UTC).until(now);
        assert_eq!(week.label(), "2025-W03");
        assert_eq!(week.days(), 2.5);
        assert!(week.is_partial());
        let last_week = week.previous();
        assert_eq!(last_week.clone().until(now), last_week);
        assert!(!last_week.is_partial());
    }

    #[test]
    fn last_n_ends_with_the_current_period() {
        let ps = Period::last_n(t("2025-01-15 00:00:00"), 3, Granularity::Week, UtcOffset::UTC);
        let labels: Vec<_> = ps.iter().map(Period::label).collect();
        assert_eq!(labels, ["2025-W01", "2025-W02", "2025-W03"]);
    }

    #[test]
    fn covering_spans_partial_periods() {
        let ps =
            Period::covering(t("2025-01-31 00:00:00"), t("2025-03-01 00:00:00"), Granularity::Month, UtcOffset::UTC);
        let labels: Vec<_> = ps.iter().map(Period::label).collect();
        assert_eq!(labels, ["2025-01", "2025-02"]);
    }
}
