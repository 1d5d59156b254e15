//! Per-period values: team-chosen metrics, and DORA values pre-aggregated elsewhere.

use super::columns::{Column, Layout};
use super::error::{FieldError, cut, quoted};
use super::fields::{FIRST_INSTANT, PAST_LAST_INSTANT, number, outside_the_years, required};
use super::{Format, ImportError, records};
use crate::domain::{DoraMetric, MetricKey, MetricSample, Period, Polarity, TeamMetric, Unit, UtcOffset};
use chrono::Datelike;
use std::collections::HashMap;

const METRICS: Layout = Layout {
    json_key: "metrics",
    columns: &[
        Column::required("name", &["metric", "metric_name"]),
        Column::optional("unit", &["units"]),
        Column::optional("polarity", &["direction", "better"]),
        Column::required("period", &[]),
        Column::required("value", &[]),
    ],
};

/// What a metrics file declares about a team-chosen metric, and where.
#[derive(Debug, Clone, PartialEq)]
struct Declared {
    line: u64,
    unit: Option<String>,
    polarity: Option<Polarity>,
}

/// Samples read from a metrics file.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedSamples {
    pub samples: Vec<MetricSample>,
    pub person_columns: Vec<String>,
    pub unused_columns: Vec<String>,
    file: String,
    declared: Vec<(String, Declared)>,
}

impl ParsedSamples {
    /// The team-chosen metrics this file defines or restates, checked against those the
    /// store already has: a new metric needs its unit and polarity.
    pub fn definitions(&self, existing: &[TeamMetric]) -> Result<Vec<TeamMetric>, ImportError> {
        self.declared
            .iter()
            .map(|(name, d)| {
                let known = existing.iter().find(|m| &m.name == name);
                let missing = |field: &str| ImportError {
                    file: self.file.clone(),
                    line: Some(d.line),
                    field: Some(field.to_owned()),
                    message: format!("{} is a new metric: give its {field} in the file", quoted(name)),
                };
                Ok(TeamMetric {
                    name: name.clone(),
                    unit: match (&d.unit, known) {
                        (Some(u), _) => u.clone(),
                        (None, Some(k)) => k.unit.clone(),
                        (None, None) => return Err(missing("unit")),
                    },
                    polarity: match (d.polarity, known) {
                        (Some(p), _) => p,
                        (None, Some(k)) => k.polarity,
                        (None, None) => return Err(missing("polarity")),
                    },
                })
            })
            .collect()
    }
}

/// Reads per-period metric values: `name, unit, polarity, period, value`, where
/// `period` is an ISO week (`2025-W03`) or a month (`2025-03`). Rows named after a DORA
/// metric are pre-aggregated DORA values, in that metric's unit.
pub fn parse_samples(file: &str, bytes: &[u8], format: Format) -> Result<ParsedSamples, ImportError> {
    let mut samples = Vec::new();
    let mut declared: Vec<(String, Declared)> = Vec::new();
    let mut seen: HashMap<(MetricKey, String), u64> = HashMap::new();
    let binding = records::read(file, bytes.into(), format, &METRICS, |row| {
        let name = required(row, 0, "name")?;
        // A name is shown everywhere, on its own: it must print as it is (notes may hold anything).
        if let Some(c) = crate::text::unprintable(name) {
            let message = format!(
                "\"{}\" holds a control or invisible character ({}); a metric name must show on a terminal as it is",
                crate::text::safe(name),
                crate::text::escaped(c)
            );
            return Err(FieldError::new("name", message));
        }
        let unit = row.get(1);
        let polarity = row
            .get(2)
            .map(|p| {
                Polarity::parse(p).ok_or_else(|| {
                    FieldError::new(
                        "polarity",
                        format!("{} is not one of higher_is_better, lower_is_better", quoted(p)),
                    )
                })
            })
            .transpose()?;
        let period_text = required(row, 3, "period")?;
        let period = Period::parse_label(period_text, UtcOffset::UTC).map_err(|_| {
            let expected = "expected an ISO week like 2025-W03 or a month like 2025-03";
            FieldError::new("period", format!("{} is not a period ({expected})", quoted(period_text)))
        })?;
        // The year the label names: an ISO week's year, or the month's.
        let year = chrono::DateTime::from_timestamp(period.start, 0).map(|start| match period.granularity {
            Some(crate::domain::Granularity::Week) => i64::from(start.iso_week().year()),
            _ => i64::from(start.year()),
        });
        if !year.is_some_and(|y| (year_of(FIRST_INSTANT)..=year_of(PAST_LAST_INSTANT - 1)).contains(&y)) {
            return Err(outside_the_years(period_text, "period"));
        }
        let value = number(required(row, 4, "value")?, "value")?;

        let metric = match DoraMetric::from_key(name) {
            Some(m) => {
                check_dora(m, unit, polarity, value)?;
                MetricKey::Dora(m)
            }
            None => {
                declare(&mut declared, name, row.line(), unit, polarity)?;
                MetricKey::Team(name.to_owned())
            }
        };
        if let Some(first) = seen.insert((metric.clone(), period.label()), row.line()) {
            return Err(FieldError::new(
                "period",
                format!("{} already has a value for {} (line {first})", quoted(name), period.label()),
            ));
        }
        samples.push(MetricSample { metric, period, value });
        Ok(())
    })?;
    Ok(ParsedSamples {
        samples,
        person_columns: binding.person_columns,
        unused_columns: binding.unused_columns,
        file: file.to_owned(),
        declared,
    })
}

/// The UTC year of instant `t`.
fn year_of(t: crate::domain::Timestamp) -> i64 {
    chrono::DateTime::from_timestamp(t, 0).map_or(0, |d| i64::from(d.year()))
}

/// A team-chosen metric keeps one unit and polarity through a file.
fn declare(
    declared: &mut Vec<(String, Declared)>,
    name: &str,
    line: u64,
    unit: Option<&str>,
    polarity: Option<Polarity>,
) -> Result<(), FieldError> {
    let Some((_, d)) = declared.iter_mut().find(|(n, _)| n == name) else {
        declared.push((name.to_owned(), Declared { line, unit: unit.map(str::to_owned), polarity }));
        return Ok(());
    };
    if let (Some(new), Some(old)) = (unit, &d.unit)
        && new != old
    {
        return Err(FieldError::new(
            "unit",
            format!("{} differs from {} given for {} on line {}", quoted(new), quoted(old), cut(name), d.line),
        ));
    }
    if let (Some(new), Some(old)) = (polarity, d.polarity)
        && new != old
    {
        return Err(FieldError::new(
            "polarity",
            format!("{} differs from {} given for {} on line {}", new.as_str(), old.as_str(), cut(name), d.line),
        ));
    }
    d.unit = d.unit.take().or(unit.map(str::to_owned));
    d.polarity = d.polarity.or(polarity);
    Ok(())
}

/// Pre-aggregated DORA values must be in retro's units, and in range.
fn check_dora(m: DoraMetric, unit: Option<&str>, polarity: Option<Polarity>, value: f64) -> Result<(), FieldError> {
    if let Some(unit) = unit {
        let normalised = unit.trim().to_ascii_lowercase();
        let accepted: &[&str] = match m {
            DoraMetric::DeploymentFrequency => &["deploys/day", "deployments/day", "per day", "/day"],
            DoraMetric::ChangeLeadTime | DoraMetric::RecoveryTime => &["hours", "hour", "h", "hrs"],
            DoraMetric::ChangeFailureRate | DoraMetric::ReworkRate => &["%", "percent", "pct"],
        };
        if !accepted.contains(&normalised.as_str()) {
            return Err(FieldError::new(
                "unit",
                format!("{} is not the unit of {}, which retro keeps in {}", quoted(unit), m.key(), m.unit()),
            ));
        }
    }
    if let Some(p) = polarity.filter(|&p| p != m.polarity()) {
        return Err(FieldError::new(
            "polarity",
            format!("{} is {}, not {}", m.key(), m.polarity().as_str(), p.as_str()),
        ));
    }
    let in_range = match m {
        DoraMetric::ChangeFailureRate | DoraMetric::ReworkRate => (0.0..=100.0).contains(&value),
        _ => value >= 0.0,
    };
    if !in_range {
        let range = if m.unit() == Unit::Percent { "between 0 and 100" } else { "zero or more" };
        return Err(FieldError::new("value", format!("{value} is out of range for {}: it must be {range}", m.key())));
    }
    Ok(())
}
