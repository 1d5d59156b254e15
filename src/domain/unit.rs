//! A value in its unit, as people read it: the one place that decides how many
//! decimals a unit shows and how a change of it is written.

/// Formats a change of a value for people: `+2.5 h`, `-0.40/d`, `+5.0 pp`.
pub fn format_delta(delta: f64, unit: &str) -> String {
    let (decimals, suffix) = match unit {
        "%" => (1, " pp"),
        "hours" => (1, " h"),
        "deploys/day" => (2, "/d"),
        _ => (2, ""),
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
        "%" | "hours" | "deploys/day" => format!("{sign}{shown:.*}{suffix}", decimals as usize),
        _ => format!("{sign}{shown}"),
    }
}

/// Formats a relative change as a whole percentage: `+35%`, `-12%`, and `0%` (no sign)
/// when it rounds to nothing.
pub fn format_relative(relative: f64) -> String {
    let pct = (relative * 100.0).round();
    if pct == 0.0 { "0%".to_owned() } else { format!("{pct:+.0}%") }
}

/// Formats a value for people: "no data" is never shown as zero.
pub fn format_value(value: Option<f64>, unit: &str) -> String {
    match value {
        None => "no data".to_owned(),
        Some(v) if unit == "%" => format!("{:.1}%", round(v, 1)),
        Some(v) if unit == "hours" => format!("{:.1} h", round(v, 1)),
        Some(v) if unit == "deploys/day" => format!("{:.2}/d", round(v, 2)),
        // A team metric too small for two decimals is not zero: show its magnitude.
        Some(v) if v != 0.0 && round(v, 2) == 0.0 => format!("{v:.1e}"),
        Some(v) => format!("{}", round(v, 2)),
    }
}

/// Rounds half away from zero, as people do by hand (formatting alone rounds 0.25 to
/// "0.2").
fn round(v: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (v * scale).round() / scale
}

#[cfg(test)]
mod tests {
    use super::{format_delta, format_relative, format_value};

    #[test]
    fn values_and_changes_read_in_their_units() {
        assert_eq!(format_value(None, "hours"), "no data");
        assert_eq!(format_value(Some(12.34), "%"), "12.3%");
        assert_eq!(format_value(Some(0.857), "deploys/day"), "0.86/d");
        assert_eq!(format_value(Some(0.25), "hours"), "0.3 h", "half away from zero, as by hand");
        assert_eq!(format_value(Some(2.25), "hours"), "2.3 h");
        assert_eq!(format_value(Some(4.125), "score"), "4.13");
        assert_eq!(format_value(Some(1e-7), "ratio"), "1.0e-7", "small is not zero");
        assert_eq!(format_value(Some(0.0), "ratio"), "0");
        assert_eq!(format_delta(-5.24, "hours"), "-5.2 h");
        assert_eq!(format_delta(0.9, "%"), "+0.9 pp");
        assert_eq!(format_delta(-0.004, "score"), "0", "too small to show: no sign");
        assert_eq!(format_delta(-0.001, "deploys/day"), "0.00/d");
        assert_eq!(format_relative(0.354), "+35%");
        assert_eq!(format_relative(-0.004), "0%");
    }
}
