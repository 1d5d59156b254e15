use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Utc};
use std::fmt;
use std::str::FromStr;

/// Seconds since the Unix epoch, UTC. The store keeps every instant in this form.
pub type Timestamp = i64;

/// Parses the timestamp forms the importers accept.
///
/// RFC 3339 (`2025-01-31T14:05:00Z`, `2025-01-31T16:05:00+02:00`) and the common
/// `YYYY-MM-DD HH:MM:SS` form, with `T` or a space, optional fractional seconds and an
/// optional offset. A timestamp without an offset is UTC; a bare date is midnight UTC.
/// Fractions of a second are dropped: metrics are reported in hours.
pub fn parse_timestamp(text: &str) -> Option<Timestamp> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.timestamp());
    }
    // chrono's %Y and %m also take "+2025" and "1": only the documented YYYY-MM-DD.
    if !starts_with_iso_date(text) {
        return None;
    }
    const WITH_OFFSET: [&str; 6] = [
        "%Y-%m-%d %H:%M:%S%.f%:z",
        "%Y-%m-%d %H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%.f %z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M%:z",
        "%Y-%m-%dT%H:%M%:z",
    ];
    for format in WITH_OFFSET {
        if let Ok(t) = DateTime::parse_from_str(text, format) {
            return Some(t.timestamp());
        }
    }
    if let Some(stripped) = text.strip_suffix(['Z', 'z']) {
        return parse_naive(stripped.trim_end());
    }
    parse_naive(text)
}

/// Whether `text` begins with four, two and two digits joined by hyphens.
fn starts_with_iso_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() >= 10
        && b[..10].iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() })
}

fn parse_naive(text: &str) -> Option<Timestamp> {
    const NAIVE: [&str; 4] = ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"];
    for format in NAIVE {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
            return Some(t.and_utc().timestamp());
        }
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .map(|d| d.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc().timestamp())
}

/// Formats a timestamp as RFC 3339 at the given offset, e.g. `2025-01-31T14:05:00+00:00`.
pub fn format_timestamp(t: Timestamp, offset: UtcOffset) -> String {
    DateTime::<Utc>::from_timestamp(t, 0).unwrap_or_default().with_timezone(&offset.fixed()).to_rfc3339()
}

/// A team's fixed offset from UTC, in minutes, used to cut days, weeks and months.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct UtcOffset {
    minutes: i32,
}

impl UtcOffset {
    pub const UTC: UtcOffset = UtcOffset { minutes: 0 };

    /// Offsets beyond ±18 hours do not exist on Earth and are refused.
    pub fn from_minutes(minutes: i32) -> Option<Self> {
        (minutes.abs() <= 18 * 60).then_some(UtcOffset { minutes })
    }

    pub fn minutes(self) -> i32 {
        self.minutes
    }

    pub fn seconds(self) -> i64 {
        i64::from(self.minutes) * 60
    }

    pub fn fixed(self) -> FixedOffset {
        FixedOffset::east_opt(self.minutes * 60).expect("offset validated on construction")
    }

    /// The calendar day it is at this offset at instant `t`: what "today" and "the day
    /// it happened" mean for a team. Instants beyond chrono's range read as 1970-01-01.
    pub fn local_date(self, t: Timestamp) -> NaiveDate {
        DateTime::from_timestamp(t.saturating_add(self.seconds()), 0).unwrap_or_default().date_naive()
    }
}

impl fmt::Display for UtcOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.minutes < 0 { '-' } else { '+' };
        let m = self.minutes.abs();
        write!(f, "{sign}{:02}:{:02}", m / 60, m % 60)
    }
}

impl FromStr for UtcOffset {
    type Err = String;

    /// Accepts `UTC`, `Z`, `+02:00`, `-05:30`, `+0200` and `+2`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("utc") || s.eq_ignore_ascii_case("z") {
            return Ok(UtcOffset::UTC);
        }
        let bad = || format!("\"{s}\" is not a UTC offset (expected e.g. +02:00 or -05:30)");
        let (sign, rest) = match s.as_bytes().first() {
            Some(b'+') => (1, &s[1..]),
            Some(b'-') => (-1, &s[1..]),
            _ => return Err(bad()),
        };
        let (hours, minutes) = match rest.split_once(':') {
            Some((h, m)) => (h, m),
            None if rest.len() == 4 => rest.split_at(2),
            None => (rest, "0"),
        };
        // Digits only: the sign was the first character, and only there ("+-05:00" is not one).
        let digits = |t: &str| !t.is_empty() && t.len() <= 2 && t.bytes().all(|b| b.is_ascii_digit());
        if !digits(hours) || !digits(minutes) {
            return Err(bad());
        }
        let hours: i32 = hours.parse().map_err(|_| bad())?;
        let minutes: i32 = minutes.parse().map_err(|_| bad())?;
        if !(0..60).contains(&minutes) {
            return Err(bad());
        }
        UtcOffset::from_minutes(sign * (hours * 60 + minutes)).ok_or_else(bad)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> Timestamp {
        DateTime::parse_from_rfc3339(s).unwrap().timestamp()
    }

    #[test]
    fn accepts_rfc3339_and_common_forms() {
        let expected = utc("2025-01-31T14:05:00Z");
        for text in [
            "2025-01-31T14:05:00Z",
            "2025-01-31T16:05:00+02:00",
            "2025-01-31T14:05:00.250Z",
            "2025-01-31 14:05:00",
            "2025-01-31T14:05:00",
            "2025-01-31 14:05:00Z",
            "2025-01-31 16:05:00+02:00",
            "2025-01-31 16:05:00 +0200",
            "2025-01-31 14:05",
            "2025-01-31 16:05+02:00",
            "2025-01-31T16:05+02:00",
            " 2025-01-31 14:05:00 ",
        ] {
            assert_eq!(parse_timestamp(text), Some(expected), "{text}");
        }
        assert_eq!(parse_timestamp("2025-01-31"), Some(utc("2025-01-31T00:00:00Z")));
    }

    #[test]
    fn refuses_impossible_dates() {
        for text in ["2025-13-01", "2025-02-30 10:00:00", "yesterday", "", "31/01/2025", "2025-1-31", "+2025-01-31"] {
            assert_eq!(parse_timestamp(text), None, "{text}");
        }
    }

    #[test]
    fn offsets_parse_and_display() {
        assert_eq!("+02:00".parse::<UtcOffset>().unwrap().minutes(), 120);
        assert_eq!("-05:30".parse::<UtcOffset>().unwrap().minutes(), -330);
        assert_eq!("+0930".parse::<UtcOffset>().unwrap().minutes(), 570);
        assert_eq!("UTC".parse::<UtcOffset>().unwrap(), UtcOffset::UTC);
        assert!("+19:00".parse::<UtcOffset>().is_err());
        assert!("02:00".parse::<UtcOffset>().is_err());
        assert!("+-05:00".parse::<UtcOffset>().is_err());
        assert!("-+05:00".parse::<UtcOffset>().is_err());
        assert_eq!(UtcOffset::from_minutes(-330).unwrap().to_string(), "-05:30");
    }

    #[test]
    fn the_local_date_turns_at_local_midnight() {
        let date = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // +10:00: local midnight of 1 February is 14:00 UTC on 31 January.
        let sydney = UtcOffset::from_minutes(600).unwrap();
        assert_eq!(sydney.local_date(utc("2025-01-31T13:59:59Z")), date("2025-01-31"));
        assert_eq!(sydney.local_date(utc("2025-01-31T14:00:00Z")), date("2025-02-01"));
        // -05:30: local midnight of 1 February is 05:30 UTC on 1 February.
        let west = UtcOffset::from_minutes(-330).unwrap();
        assert_eq!(west.local_date(utc("2025-02-01T05:29:59Z")), date("2025-01-31"));
        assert_eq!(west.local_date(utc("2025-02-01T05:30:00Z")), date("2025-02-01"));
        // UTC, on both sides of the epoch.
        assert_eq!(UtcOffset::UTC.local_date(-1), date("1969-12-31"));
        assert_eq!(UtcOffset::UTC.local_date(0), date("1970-01-01"));
        // Out of range: a fallback day, not a panic or an overflow.
        assert_eq!(sydney.local_date(i64::MAX), date("1970-01-01"));
    }

    #[test]
    fn formats_at_offset() {
        let t = utc("2025-01-31T14:05:00Z");
        let cet = UtcOffset::from_minutes(60).unwrap();
        assert_eq!(format_timestamp(t, cet), "2025-01-31T15:05:00+01:00");
    }
}
