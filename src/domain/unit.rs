//! A value in its unit, as people read it: the one place that decides how many
//! decimals a unit shows and how a value or a change of it is written.

use std::fmt;

/// What a metric is measured in. The DORA metrics have their own; a team metric's unit
/// (and a count's) is free text as the team gave it, shown beside a plain number: a team
/// metric in "hours" is not a lead time.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Unit {
    /// `%`: change failure rate, deployment rework rate.
    Percent,
    /// `hours`: lead time, recovery time.
    Hours,
    /// `deploys/day`: deployment frequency.
    DeploysPerDay,
    /// A team metric's own unit, or what a count counts; may be empty.
    Custom(String),
}

impl Unit {
    /// The unit as written in tables, exports and imports: `%`, `hours`, `deploys/day`,
    /// or the custom text.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Percent => "%",
            Self::Hours => "hours",
            Self::DeploysPerDay => "deploys/day",
            Self::Custom(text) => text,
        }
    }
}

impl Default for Unit {
    /// No unit: a plain number.
    fn default() -> Self {
        Self::Custom(String::new())
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Unit {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Formats a change of a value for people: `+2.5 h`, `-0.40/d`, `+5.0 pp`, `+0.25`.
pub fn format_delta(delta: f64, unit: &Unit) -> String {
    let (decimals, suffix) = match unit {
        Unit::Percent => (1, " pp"),
        Unit::Hours => (1, " h"),
        Unit::DeploysPerDay => (2, "/d"),
        Unit::Custom(_) => (2, ""),
    };
    let shown = round(delta.abs(), decimals);
    // A change too small to show has no sign.
    let sign = if shown == 0.0 {
        ""
    } else if delta < 0.0 {
        "-"
    } else {
        "+"
    };
    match unit {
        Unit::Custom(_) => format!("{sign}{shown}"),
        _ => format!("{sign}{shown:.*}{suffix}", decimals as usize),
    }
}

/// Formats a relative change as a whole percentage: `+35%`, `-12%`, and `0%` (no sign)
/// when it rounds to nothing.
pub fn format_relative(relative: f64) -> String {
    let pct = (relative * 100.0).round();
    if pct == 0.0 { "0%".to_owned() } else { format!("{pct:+.0}%") }
}

/// Formats a value for people: "no data" is never shown as zero.
pub fn format_value(value: Option<f64>, unit: &Unit) -> String {
    let Some(v) = value else {
        return "no data".to_owned();
    };
    match unit {
        Unit::Percent => format!("{:.1}%", round(v, 1)),
        Unit::Hours => format!("{:.1} h", round(v, 1)),
        Unit::DeploysPerDay => format!("{:.2}/d", round(v, 2)),
        Unit::Custom(_) => plain(v),
    }
}

/// A value in a sentence: `8.0 a week`, `19.4%`, `30.5 h`, `4.12 score (1-5)`. A
/// frequency reads per week, the way teams talk about it.
pub fn in_words(value: f64, unit: &Unit) -> String {
    match unit {
        Unit::DeploysPerDay => format!("{:.1} a week", round(value * 7.0, 1)),
        Unit::Custom(text) if text.is_empty() => plain(value),
        Unit::Custom(text) => format!("{} {text}", plain(value)),
        _ => format_value(Some(value), unit),
    }
}

/// A number with no unit of ours: two decimals at most, and a value too small for two
/// decimals is not zero: it shows its magnitude.
fn plain(v: f64) -> String {
    if v != 0.0 && round(v, 2) == 0.0 { format!("{v:.1e}") } else { format!("{}", round(v, 2)) }
}

/// Rounds half away from zero, as people do by hand (formatting alone rounds 0.25 to
/// "0.2").
fn round(v: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (v * scale).round() / scale
}

#[cfg(test)]
mod tests {
    use super::{Unit, format_delta, format_relative, format_value, in_words};

    #[test]
    fn values_and_changes_read_in_their_units() {
        let custom = |s: &str| Unit::Custom(s.to_owned());
        assert_eq!(format_value(None, &Unit::Hours), "no data");
        assert_eq!(format_value(Some(12.34), &Unit::Percent), "12.3%");
        assert_eq!(format_value(Some(0.857), &Unit::DeploysPerDay), "0.86/d");
        assert_eq!(format_value(Some(0.25), &Unit::Hours), "0.3 h", "half away from zero, as by hand");
        assert_eq!(format_value(Some(2.25), &Unit::Hours), "2.3 h");
        assert_eq!(format_value(Some(4.125), &custom("score")), "4.13");
        assert_eq!(format_value(Some(1e-7), &custom("ratio")), "1.0e-7", "small is not zero");
        assert_eq!(format_value(Some(0.0), &custom("ratio")), "0");
        assert_eq!(format_delta(-5.24, &Unit::Hours), "-5.2 h");
        assert_eq!(format_delta(0.9, &Unit::Percent), "+0.9 pp");
        assert_eq!(format_delta(-0.004, &custom("score")), "0", "too small to show: no sign");
        assert_eq!(format_delta(-0.001, &Unit::DeploysPerDay), "0.00/d");
        assert_eq!(format_relative(0.354), "+35%");
        assert_eq!(format_relative(-0.004), "0%");
    }

    #[test]
    fn a_team_metric_in_hours_is_a_plain_number() {
        let hours = Unit::Custom("hours".to_owned());
        assert_eq!(format_value(Some(2.255), &hours), "2.26");
        assert_eq!(format_delta(1.5, &hours), "+1.5");
        assert_eq!(in_words(2.255, &hours), "2.26 hours");
        assert_eq!(hours.as_str(), Unit::Hours.as_str(), "written the same, read differently");
    }

    #[test]
    fn values_in_sentences_round_as_the_tables_do() {
        assert_eq!(in_words(2.0, &Unit::DeploysPerDay), "14.0 a week");
        assert_eq!(in_words(19.44, &Unit::Percent), "19.4%");
        assert_eq!(in_words(0.25, &Unit::Hours), "0.3 h", "the table's rounding, half away from zero");
        assert_eq!(in_words(4.125, &Unit::default()), "4.13");
        assert_eq!(in_words(4.125, &Unit::Custom("score (1-5)".into())), "4.13 score (1-5)");
    }
}
