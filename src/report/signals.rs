//! Signals as the command line prints them: text for people, JSON for scripts (the JSON
//! shape is documented in docs/signals.md and kept stable).

use crate::domain::{MetricKey, Period, format_timestamp};
use crate::metrics::signals::Reading;
use crate::query::SignalTable;
use serde_json::{Value, json};
use std::io::Write;

/// Version of the JSON shape; bumped on any change that could break a consumer.
pub const SIGNALS_SCHEMA: &str = "retro.signals/1";

/// The documented JSON shape of `retro signals --format json`.
pub fn signals_to_json(table: &SignalTable) -> Value {
    let offset = table.team.utc_offset;
    let signals: Vec<Value> = table
        .signals
        .iter()
        .map(|s| {
            json!({
                "kind": s.kind.key(),
                "title": s.kind.title(),
                "pattern": s.pattern.map(|p| p.key()),
                "first_period": s.span.first.label(),
                "last_period": s.span.last.label(),
                "start": format_timestamp(s.span.start(), offset),
                "end": format_timestamp(s.span.end(), offset),
                "metrics": s.metrics.iter().map(MetricKey::key).collect::<Vec<_>>(),
                "observations": s.observations.iter().map(|o| json!({
                    "key": o.key,
                    "unit": o.unit.as_str(),
                    "before": o.before.as_ref().map(reading_json),
                    "after": reading_json(&o.after),
                })).collect::<Vec<_>>(),
                "intended_change": s.intended_change,
                "explanation": s.explanation,
                "question": s.question,
            })
        })
        .collect();
    json!({
        "schema": SIGNALS_SCHEMA,
        "team": table.team.name,
        "utc_offset": offset.to_string(),
        "period": table.period_kind(),
        "first_period": table.periods.first().map(Period::label),
        "last_period": table.periods.last().map(Period::label),
        "signals": signals,
    })
}

fn reading_json(r: &Reading) -> Value {
    json!({
        "value": r.value,
        "first_period": r.span.first.label(),
        "last_period": r.span.last.label(),
    })
}

/// Text for people: each signal with its periods, explanation and question.
pub fn write_signals(table: &SignalTable, out: &mut dyn Write) -> std::io::Result<()> {
    let span = match (table.periods.first(), table.periods.last()) {
        (Some(first), Some(last)) => format!(" ({}..{})", first.label(), last.label()),
        _ => String::new(),
    };
    writeln!(
        out,
        "{} · signals over {} {}s{span} · UTC{}",
        crate::text::safe(&table.team.name),
        table.periods.len(),
        table.period_kind(),
        table.team.utc_offset
    )?;
    if table.signals.is_empty() {
        writeln!(out, "\nNo signals in these periods.")?;
        return Ok(());
    }
    for (i, s) in table.signals.iter().enumerate() {
        let pattern = s.pattern.map(|p| format!(" ({})", p.key().replace('_', " "))).unwrap_or_default();
        writeln!(out, "\n{}. {}{pattern} · {}", i + 1, s.kind.title(), s.span.label())?;
        for line in crate::text::wrap(&s.explanation, 92) {
            writeln!(out, "   {line}")?;
        }
        for (j, line) in crate::text::wrap(&s.question, 87).into_iter().enumerate() {
            let lead = if j == 0 { "Ask: " } else { "     " };
            writeln!(out, "   {lead}{line}")?;
        }
    }
    Ok(())
}
