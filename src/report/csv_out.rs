use crate::domain::{DoraMetric, format_timestamp};
use crate::query::MetricTable;
use std::io::Write;

/// The documented CSV shape of `retro metrics --format csv`: one row per period and
/// metric (long format), so team-chosen metrics never change the columns.
pub fn write_csv(table: &MetricTable, out: &mut dyn Write) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(["period", "start", "end", "metric", "value", "unit", "count", "source"])?;
    let offset = table.team.utc_offset;
    for p in &table.periods {
        let label = p.period.label();
        let start = format_timestamp(p.period.start, offset);
        let end = format_timestamp(p.period.end, offset);
        for m in DoraMetric::ALL {
            let v = p.dora.get(m);
            let source = match v.source {
                Some(crate::metrics::ValueSource::Events) => "events",
                Some(crate::metrics::ValueSource::Imported) => "imported",
                None => "",
            };
            w.write_record([
                label.as_str(),
                &start,
                &end,
                m.key(),
                &v.value.map(|x| x.to_string()).unwrap_or_default(),
                m.unit().as_str(),
                // Outside the data's coverage a count is as unknown as the value.
                &if p.covers(m) || v.source.is_some() { v.count.to_string() } else { String::new() },
                source,
            ])?;
        }
        for (m, v) in table.team_metrics.iter().zip(&p.team) {
            let source = if v.is_some() { "imported" } else { "" };
            w.write_record([
                label.as_str(),
                &start,
                &end,
                &crate::text::safe(&m.name),
                &v.map(|x| x.to_string()).unwrap_or_default(),
                &crate::text::safe(&m.unit),
                "",
                source,
            ])?;
        }
    }
    w.flush()
}
