use crate::cli::{MetricsArgs, OutputFormat, PeriodArg};
use crate::domain::{Granularity, Period, Team, Timestamp};
use crate::report::{MetricTable, to_json, write_csv, write_table};
use crate::store::Store;
use anyhow::{Result, bail};
use chrono::{DateTime, NaiveDate};
use std::io::Write;

const DEFAULT_PERIODS: usize = 12;

pub fn run(store: &mut Store, team: &Team, args: &MetricsArgs, out: &mut dyn Write) -> Result<()> {
    let periods = select_periods(args, team, super::now(), store.coverage(team)?.any().first())?;
    let table = MetricTable::load(store, team, &periods)?;
    match args.format {
        OutputFormat::Table => write_table(&table, out)?,
        OutputFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&to_json(&table))?)?,
        OutputFormat::Csv => write_csv(&table, out)?,
    }
    Ok(())
}

/// Which periods to show: `--from/--to` alone is one window; with `--period` it is
/// every week or month overlapping it; otherwise the last N periods up to today. A
/// period still under way ends now.
pub fn select_periods(
    args: &MetricsArgs,
    team: &Team,
    now: Timestamp,
    first_covered: Option<Timestamp>,
) -> Result<Vec<Period>> {
    let offset = team.utc_offset;
    let granularity = args.period.map(|p| match p {
        PeriodArg::Week => Granularity::Week,
        PeriodArg::Month => Granularity::Month,
    });
    let local_day = |t: Timestamp| DateTime::from_timestamp(t + offset.seconds(), 0).unwrap_or_default().date_naive();
    if args.from.is_none() && args.to.is_none() {
        let count = args.last.unwrap_or(DEFAULT_PERIODS);
        if count == 0 {
            bail!("--last needs at least 1 period");
        }
        let periods = Period::last_n(now, count, granularity.unwrap_or_default(), offset);
        return Ok(periods.into_iter().map(|p| p.until(now)).collect());
    }
    let to: NaiveDate = args.to.unwrap_or_else(|| local_day(now));
    let from: NaiveDate = match args.from {
        Some(from) => from,
        None => first_covered.map_or(to, |first| local_day(first).min(to)),
    };
    if from > to {
        bail!("--from {from} is after --to {to}");
    }
    let window = Period::window(from, to, offset);
    let periods = match granularity {
        None => vec![window],
        Some(g) => Period::covering(window.start, window.end, g, offset),
    };
    Ok(periods.into_iter().map(|p| p.until(now)).collect())
}
