//! Per-day summaries of the facts the metric engine reads (migration 0008 describes the
//! tables): built in the transaction of every import by [`refresh`], read by [`read`]
//! only where they account for every row, so that a
//! reader gets from them exactly what a scan of the events would give.

pub(crate) mod codec;
pub(crate) mod incidents;

pub(crate) use codec::DeploymentRow;

use crate::domain::{ChangeFact, DeployKind, DeployStatus, TeamId, Timestamp};
use rusqlite::{Connection, params};
use std::collections::BTreeSet;

const DAY: i64 = 86_400;

fn day_of(t: Timestamp) -> i64 {
    t.div_euclid(DAY)
}

/// The SQL both the day tables and the store's direct reads use, so that the order of
/// the facts (ties included) is the same either way: the covering index's order.
pub(crate) const CHANGES_IN_RANGE: &str = "SELECT deployed_at, committed_at FROM changes
     WHERE team_id = ?1 AND deployed_at >= ?2 AND deployed_at < ?3
     ORDER BY deployed_at, committed_at";

pub(crate) const DEPLOYMENTS_IN_RANGE: &str = "SELECT id, deployed_at, is_production, status, kind FROM deployments
     WHERE team_id = ?1 AND deployed_at >= ?2 AND deployed_at < ?3
     ORDER BY deployed_at, is_production, status, kind, id";

/// A fact one of the two event tables with day tables yields, and how its days are kept.
pub(crate) trait DayFact: Sized {
    /// The event table.
    const TABLE: &'static str;
    /// Its day table.
    const DAYS: &'static str;
    /// Reads the team's facts of `[?2, ?3)` in order.
    const IN_RANGE: &'static str;
    fn at(&self) -> Timestamp;
    /// One row of [`Self::IN_RANGE`].
    fn read(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self>;
    fn encode(facts: &[Self], out: &mut Vec<u8>);
    fn decode(blob: &[u8], out: &mut Vec<Self>) -> Option<()>;
}

impl DayFact for ChangeFact {
    const TABLE: &'static str = "changes";
    const DAYS: &'static str = "change_days";
    const IN_RANGE: &'static str = CHANGES_IN_RANGE;

    fn at(&self) -> Timestamp {
        self.deployed_at
    }

    fn read(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(ChangeFact { deployed_at: row.get(0)?, committed_at: row.get(1)? })
    }

    fn encode(facts: &[Self], out: &mut Vec<u8>) {
        codec::encode_changes(facts, out)
    }

    fn decode(blob: &[u8], out: &mut Vec<Self>) -> Option<()> {
        codec::decode_changes(blob, out)
    }
}

impl DayFact for DeploymentRow {
    const TABLE: &'static str = "deployments";
    const DAYS: &'static str = "deployment_days";
    const IN_RANGE: &'static str = DEPLOYMENTS_IN_RANGE;

    fn at(&self) -> Timestamp {
        self.deployed_at
    }

    fn read(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        let status = row.get_ref(3)?.as_str().map_err(rusqlite::Error::from)?;
        let kind = row.get_ref(4)?.as_str().map_err(rusqlite::Error::from)?;
        Ok(DeploymentRow {
            id: row.get(0)?,
            deployed_at: row.get(1)?,
            production: row.get(2)?,
            // The schema's CHECK constraints admit only known names.
            status: status.parse().unwrap_or(DeployStatus::Success),
            kind: kind.parse().unwrap_or(DeployKind::Planned),
        })
    }

    fn encode(facts: &[Self], out: &mut Vec<u8>) {
        codec::encode_deployments(facts, out)
    }

    fn decode(blob: &[u8], out: &mut Vec<Self>) -> Option<()> {
        codec::decode_deployments(blob, out)
    }
}

/// Brings the day tables up to date with the events: rebuilds every day that holds a row
/// inserted since the last refresh or that the triggers marked stale. Runs in the
/// caller's transaction (the end of every import), so the summaries never disagree with
/// the events anyone can read.
pub(crate) fn refresh(conn: &Connection) -> rusqlite::Result<()> {
    refresh_days::<ChangeFact>(conn)?;
    refresh_days::<DeploymentRow>(conn)
}

fn refresh_days<F: DayFact>(conn: &Connection) -> rusqlite::Result<()> {
    if every_row_is_new::<F>(conn)? {
        return rebuild_days::<F>(conn);
    }
    let (days, through) = dirty_days::<F>(conn)?;
    for (team, first, last) in runs(&days) {
        rewrite_days::<F>(conn, team, first, last)?;
    }
    conn.prepare_cached("UPDATE summary_marks SET through_id = ?2 WHERE source_table = ?1")?
        .execute(params![F::TABLE, through])?;
    Ok(())
}

/// Whether no row of the table is summarised (a first import): then every day of every
/// team is rebuilt, without a scan of the new rows to find their days.
fn every_row_is_new<F: DayFact>(conn: &Connection) -> rusqlite::Result<bool> {
    let table = F::TABLE;
    conn.prepare_cached(&format!(
        "SELECT (SELECT min(id) FROM {table}) > (SELECT through_id FROM summary_marks WHERE source_table = ?1)"
    ))?
    .query_row([table], |r| Ok(r.get::<_, Option<bool>>(0)?.unwrap_or(false)))
}

/// Rebuilds the day table from the events: every team's days from its first to its
/// last fact, each team in one range scan.
fn rebuild_days<F: DayFact>(conn: &Connection) -> rusqlite::Result<()> {
    let table = F::TABLE;
    // No row is summarised, so every blob and stale mark is of rows no longer there.
    conn.prepare_cached(&format!("DELETE FROM {}", F::DAYS))?.execute([])?;
    conn.prepare_cached("DELETE FROM summary_stale WHERE source_table = ?1")?.execute([table])?;
    let teams: Vec<i64> =
        conn.prepare_cached("SELECT id FROM teams")?.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    // One aggregate a query, so that each is one seek into the time index.
    let mut first = conn.prepare_cached(&format!(
        "SELECT min(deployed_at) FROM {table} WHERE team_id = ?1 AND deployed_at IS NOT NULL"
    ))?;
    let mut last = conn.prepare_cached(&format!(
        "SELECT max(deployed_at) FROM {table} WHERE team_id = ?1 AND deployed_at IS NOT NULL"
    ))?;
    for team in teams {
        let from: Option<Timestamp> = first.query_row([team], |r| r.get(0))?;
        let to: Option<Timestamp> = last.query_row([team], |r| r.get(0))?;
        if let (Some(from), Some(to)) = (from, to) {
            rewrite_days::<F>(conn, TeamId(team), day_of(from), day_of(to))?;
        }
    }
    let highest: i64 =
        conn.prepare_cached(&format!("SELECT coalesce(max(id), 0) FROM {table}"))?.query_row([], |r| r.get(0))?;
    conn.prepare_cached("UPDATE summary_marks SET through_id = ?2 WHERE source_table = ?1")?
        .execute(params![table, highest])?;
    Ok(())
}

/// `(team, day)` of every row the day tables may not account for, and the highest row id
/// once they do; clears the stale marks it takes.
fn dirty_days<F: DayFact>(conn: &Connection) -> rusqlite::Result<(BTreeSet<(i64, i64)>, i64)> {
    let table = F::TABLE;
    let mark: i64 = conn
        .prepare_cached("SELECT through_id FROM summary_marks WHERE source_table = ?1")?
        .query_row([table], |r| r.get(0))?;
    let highest: i64 =
        conn.prepare_cached(&format!("SELECT coalesce(max(id), 0) FROM {table}"))?.query_row([], |r| r.get(0))?;
    let mut days = BTreeSet::new();
    if highest > mark {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT team_id, deployed_at FROM {table} WHERE id > ?1 AND deployed_at IS NOT NULL"
        ))?;
        let mut rows = stmt.query([mark])?;
        while let Some(row) = rows.next()? {
            days.insert((row.get(0)?, day_of(row.get(1)?)));
        }
    }
    let mut stale = conn.prepare_cached("SELECT team_id, day FROM summary_stale WHERE source_table = ?1")?;
    let mut rows = stale.query([table])?;
    while let Some(row) = rows.next()? {
        days.insert((row.get(0)?, row.get(1)?));
    }
    conn.prepare_cached("DELETE FROM summary_stale WHERE source_table = ?1")?.execute([table])?;
    Ok((days, highest))
}

/// Consecutive days of one team as `(team, first, last)`: one range scan each.
fn runs(days: &BTreeSet<(i64, i64)>) -> Vec<(TeamId, i64, i64)> {
    let mut out: Vec<(TeamId, i64, i64)> = Vec::new();
    for &(team, day) in days {
        match out.last_mut() {
            Some((t, _, last)) if t.0 == team && *last + 1 == day => *last = day,
            _ => out.push((TeamId(team), day, day)),
        }
    }
    out
}

/// Rewrites the rows of days `first..=last` of `team` from the events, in one range scan.
fn rewrite_days<F: DayFact>(conn: &Connection, team: TeamId, first: i64, last: i64) -> rusqlite::Result<()> {
    conn.prepare_cached(&format!("DELETE FROM {} WHERE team_id = ?1 AND day >= ?2 AND day <= ?3", F::DAYS))?
        .execute(params![team.0, first, last])?;
    let mut insert =
        conn.prepare_cached(&format!("INSERT INTO {} (team_id, day, facts) VALUES (?1, ?2, ?3)", F::DAYS))?;
    let mut blob = Vec::new();
    let mut flush = |day: i64, facts: &mut Vec<F>| -> rusqlite::Result<()> {
        blob.clear();
        F::encode(facts, &mut blob);
        insert.execute(params![team.0, day, blob])?;
        facts.clear();
        Ok(())
    };
    let mut select = conn.prepare_cached(F::IN_RANGE)?;
    let mut rows = select.query(params![team.0, first.saturating_mul(DAY), (last + 1).saturating_mul(DAY)])?;
    let (mut day, mut facts) = (None, Vec::new());
    while let Some(row) = rows.next()? {
        let fact = F::read(row)?;
        let d = day_of(fact.at());
        if let Some(previous) = day.filter(|&p| p != d) {
            flush(previous, &mut facts)?;
        }
        day = Some(d);
        facts.push(fact);
    }
    if let Some(day) = day {
        flush(day, &mut facts)?;
    }
    Ok(())
}

/// Whether the day tables account for every row of `team` in `[from, to)`: nothing
/// inserted since the last refresh, nothing stale in the range.
pub(crate) fn complete<F: DayFact>(
    conn: &Connection,
    team: TeamId,
    from: Timestamp,
    to: Timestamp,
) -> rusqlite::Result<bool> {
    let table = F::TABLE;
    let sql = format!(
        "SELECT (SELECT coalesce(max(id), 0) FROM {table})
                  <= (SELECT through_id FROM summary_marks WHERE source_table = ?1)
            AND NOT EXISTS (SELECT 1 FROM summary_stale
                            WHERE source_table = ?1 AND team_id = ?2 AND day >= ?3 AND day <= ?4)"
    );
    conn.prepare_cached(&sql)?.query_row(params![table, team.0, day_of(from), day_of(to - 1)], |r| r.get(0))
}

/// The team's facts in `[from, to)` exactly as [`DayFact::IN_RANGE`] reads them, from
/// the day tables; `None` when those may not account for every row (or a blob is
/// malformed), and the caller reads the events.
pub(crate) fn read<F: DayFact>(
    conn: &Connection,
    team: TeamId,
    from: Timestamp,
    to: Timestamp,
) -> rusqlite::Result<Option<Vec<F>>> {
    if from >= to {
        return Ok(Some(Vec::new()));
    }
    if !complete::<F>(conn, team, from, to)? {
        return Ok(None);
    }
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT facts FROM {} WHERE team_id = ?1 AND day >= ?2 AND day <= ?3 ORDER BY day",
        F::DAYS
    ))?;
    let mut rows = stmt.query(params![team.0, day_of(from), day_of(to - 1)])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let blob = row.get_ref(0)?.as_blob().map_err(rusqlite::Error::from)?;
        if F::decode(blob, &mut out).is_none() {
            return Ok(None);
        }
    }
    // Only the first and the last day can reach outside the range.
    out.truncate(out.partition_point(|f| f.at() < to));
    let start = out.partition_point(|f| f.at() < from);
    out.drain(..start);
    Ok(Some(out))
}
