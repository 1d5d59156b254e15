//! Carries out the app's effects by calling the library; the only place the TUI reaches
//! the store, and only through functions that return plain values.

use super::app::{App, Effect};
use crate::domain::{Granularity, Period, Team, Timestamp};
use crate::report::MetricTable;
use crate::store::{Store, StoreError};

pub fn apply(store: &Store, app: &mut App, effect: Effect) -> Result<(), StoreError> {
    match effect {
        Effect::LoadDashboard { team, periods } => {
            let table = MetricTable::load(store, &team, &periods)?;
            app.dashboard_loaded(&table);
        }
        Effect::LoadHistory { team, granularity } => {
            let periods = history_periods(store, &team, granularity, app.now)?;
            app.history_loaded(MetricTable::load(store, &team, &periods)?);
        }
    }
    Ok(())
}

/// Every period from the team's first recorded event to now.
fn history_periods(
    store: &Store,
    team: &Team,
    granularity: Granularity,
    now: Timestamp,
) -> Result<Vec<Period>, StoreError> {
    let periods = match store.history(team)? {
        Some((first, last)) => Period::covering(first.min(now), last.max(now) + 1, granularity, team.utc_offset),
        None => Period::last_n(now, super::view::SPARK_PERIODS, granularity, team.utc_offset),
    };
    Ok(periods.into_iter().map(|p| p.until(now)).collect())
}
