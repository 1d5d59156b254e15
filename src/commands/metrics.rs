use crate::cli::{MetricsArgs, OutputFormat};
use crate::domain::{Coverage, Period, Team, Timestamp};
use crate::query::{LatestData, MetricTable, default_last_period};
use crate::report::{to_json, write_csv, write_table};
use crate::store::Store;
use anyhow::{Result, bail};
use chrono::NaiveDate;
use std::io::Write;

const DEFAULT_PERIODS: usize = 12;

pub fn run(store: &mut Store, team: &Team, args: &MetricsArgs, out: &mut dyn Write) -> Result<()> {
    let coverage = store.coverage(team)?;
    let (periods, latest) = select_periods(args, team, super::now(), &coverage)?;
    let table = MetricTable::load(store, team, &periods)?;
    match args.format {
        OutputFormat::Table => {
            write_table(&table, out)?;
            if let Some(latest) = latest {
                writeln!(
                    out,
                    "The data ends before today ({}): these periods end there. Import newer data, or add \
                     --to-today to end with the current period.",
                    latest.describe()
                )?;
            }
            if coverage.is_empty() && table.team_metrics.is_empty() {
                writeln!(
                    out,
                    "No data for team {} yet: import its deployments with `retro import deployments FILE` (or \
                     `retro import git REPO`); docs/import.md shows the columns.",
                    crate::text::safe(&team.name)
                )?;
            }
        }
        OutputFormat::Json => writeln!(out, "{}", crate::text::json_pretty(&to_json(&table))?)?,
        OutputFormat::Csv => write_csv(&table, out)?,
    }
    Ok(())
}

/// Which periods to show: `--from/--to` alone is one window; with `--period` it is
/// every week or month overlapping it; otherwise the last N periods up to the latest one
/// that holds data (the current one unless the data ends before it, which is then said;
/// `--to-today` ends them with the current one whatever the data). A period still under
/// way ends now.
pub fn select_periods(
    args: &MetricsArgs,
    team: &Team,
    now: Timestamp,
    coverage: &Coverage,
) -> Result<(Vec<Period>, Option<LatestData>)> {
    let first_covered = coverage.any().first();
    let offset = team.utc_offset;
    let granularity = args.period;
    if args.from.is_none() && args.to.is_none() {
        let count = args.last.unwrap_or(DEFAULT_PERIODS);
        if count == 0 {
            bail!("--last needs at least 1 period");
        }
        let granularity = granularity.unwrap_or_default();
        let latest = match args.to_today {
            true => None,
            false => default_last_period(coverage, granularity, offset, now).1,
        };
        let last = latest.as_ref().map_or(now, |l| l.period.start);
        let periods = Period::last_n(last, count, granularity, offset);
        return Ok((periods.into_iter().map(|p| p.until(now)).collect(), latest));
    }
    let to: NaiveDate = args.to.unwrap_or_else(|| offset.local_date(now));
    let from: NaiveDate = match args.from {
        Some(from) => from,
        None => first_covered.map_or(to, |first| offset.local_date(first).min(to)),
    };
    if from > to {
        bail!("--from {from} is after --to {to}");
    }
    let window = Period::window(from, to, offset);
    let periods = match granularity {
        None => vec![window],
        Some(g) => Period::covering(window.start, window.end, g, offset),
    };
    Ok((periods.into_iter().map(|p| p.until(now)).collect(), None))
}
