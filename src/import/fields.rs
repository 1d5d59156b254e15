//! Typed reading of one field, with the messages users see.

use super::error::{FieldError, quoted};
use super::records::Row;
use crate::domain::{Timestamp, parse_timestamp};
use std::str::FromStr;

pub fn required<'a>(row: &'a Row<'_>, column: usize, name: &'static str) -> Result<&'a str, FieldError> {
    row.get(column).ok_or_else(|| FieldError::new(name, "a value is required"))
}

pub fn optional(row: &Row<'_>, column: usize) -> Option<String> {
    row.get(column).map(str::to_owned)
}

/// The first instant retro reads (1970-01-01T00:00:00Z) and the first it does not
/// (10000-01-01T00:00:00Z): the years 1970 to 9999, for dates and periods alike.
pub const FIRST_INSTANT: Timestamp = 0;
pub const PAST_LAST_INSTANT: Timestamp = 253_402_300_800;

pub fn timestamp(text: &str, name: &'static str) -> Result<Timestamp, FieldError> {
    let t = parse_timestamp(text).ok_or_else(|| {
        FieldError::new(
            name,
            format!(
                "{} is not a date; expected RFC 3339 (2025-01-31T14:05:00Z) \
                 or YYYY-MM-DD HH:MM:SS (read as UTC)",
                quoted(text)
            ),
        )
    })?;
    if !(FIRST_INSTANT..PAST_LAST_INSTANT).contains(&t) {
        return Err(outside_the_years(text, name));
    }
    Ok(t)
}

/// A date or period before 1970 or after 9999.
pub fn outside_the_years(text: &str, name: &'static str) -> FieldError {
    FieldError::new(name, format!("{} is outside the years 1970 to 9999 that retro reads", quoted(text)))
}

pub fn required_timestamp(row: &Row<'_>, column: usize, name: &'static str) -> Result<Timestamp, FieldError> {
    timestamp(required(row, column, name)?, name)
}

pub fn optional_timestamp(row: &Row<'_>, column: usize, name: &'static str) -> Result<Option<Timestamp>, FieldError> {
    row.get(column).map(|t| timestamp(t, name)).transpose()
}

/// A value out of a fixed list, `default` when the field is empty or absent.
pub fn one_of<T: FromStr + Copy>(
    row: &Row<'_>,
    column: usize,
    name: &'static str,
    allowed: &[&str],
    default: T,
) -> Result<T, FieldError> {
    match row.get(column) {
        None => Ok(default),
        Some(text) => text
            .parse()
            .map_err(|_| FieldError::new(name, format!("{} is not one of {}", quoted(text), allowed.join(", ")))),
    }
}

pub fn number(text: &str, name: &'static str) -> Result<f64, FieldError> {
    text.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| FieldError::new(name, format!("{} is not a number", quoted(text))))
}
