//! Metrics as the command line prints them: a table for people, JSON and CSV for scripts.
//! The JSON and CSV shapes are documented in docs/output.md and kept stable. Formatting
//! only: the tables it prints are read by [`crate::query`].

mod csv_out;
mod json;
mod signals;
mod table;

pub use csv_out::write_csv;
pub use json::to_json;
pub use signals::{SIGNALS_SCHEMA, signals_to_json, write_signals};
pub use table::write_table;

use crate::domain::Period;
use crate::metrics::PeriodMetrics;

/// A period's label as people read it, saying when it is not whole: `2026-W49 so far,
/// 2 of 7 days` for a period still under way, `2026-W23 partial, 3 of 7 days` for one
/// the data covers only in part.
pub fn period_label(p: &PeriodMetrics) -> String {
    let label = p.period.label();
    let whole = |period: &Period| match period.granularity {
        Some(g) => Period::containing(period.start, g, period.offset).days(),
        None => period.days(),
    };
    let days = |d: f64| if d.fract() == 0.0 { format!("{d:.0}") } else { format!("{d:.1}") };
    let covered = p.coverage.covered_days();
    if p.period.is_partial() {
        let so_far = if p.coverage.overall() == crate::metrics::Covered::Partial { covered } else { p.period.days() };
        // Days begun count as days: Tuesday morning is "2 of 7 days".
        return format!("{label} so far, {} of {} days", days(so_far.ceil()), days(whole(&p.period)));
    }
    if p.coverage.overall() == crate::metrics::Covered::Partial {
        return format!("{label} partial, {} of {} days", days(covered), days(p.period.days()));
    }
    label
}
