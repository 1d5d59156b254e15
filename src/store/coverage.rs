//! The days each team's imports cover, per kind of raw event: read for the metric engine,
//! extended by every import in its own transaction.

use super::StoreError;
use crate::domain::{Coverage, CoverageKind, Spans, TeamId, Timestamp};
use rusqlite::{Connection, params};

const DAY: i64 = 86_400;

/// What an import speaks for: the first and last instant of its events, and a span it
/// declares.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Extent {
    events: Option<(Timestamp, Timestamp)>,
    declared: Option<(Timestamp, Timestamp)>,
}

impl Extent {
    pub(super) fn declared(span: Option<(Timestamp, Timestamp)>) -> Self {
        Extent { events: None, declared: span.map(|(a, b)| (a.min(b), a.max(b))) }
    }

    pub(super) fn add(&mut self, t: Timestamp) {
        self.events = Some(self.events.map_or((t, t), |(a, b)| (a.min(t), b.max(t))));
    }
}

/// Adds what `extent` speaks for to the team's coverage of `kind`, merged with what was
/// there: one span from the earlier to the later of its events' whole weeks (in the
/// team's offset; an export covers the weeks it was cut from, not just the hours between
/// its first and last row) and the whole days it declares. A git import declares the
/// day it ran, so its span reaches from its first deployment's week to today.
pub(super) fn extend(conn: &Connection, team: TeamId, kind: CoverageKind, extent: Extent) -> Result<(), StoreError> {
    if extent == Extent::default() {
        return Ok(());
    }
    let minutes: i64 = conn.query_row("SELECT utc_offset_minutes FROM teams WHERE id = ?1", [team.0], |r| r.get(0))?;
    let offset = minutes * 60;
    // Whole local days since the epoch; the epoch fell on a Thursday, three days after a Monday.
    let day = |t: Timestamp| (t + offset).div_euclid(DAY);
    let instant = |day: i64| day * DAY - offset;
    let monday = |day: i64| day - (day + 3).rem_euclid(7);
    let weeks = extent.events.map(|(a, b)| (instant(monday(day(a))), instant(monday(day(b)) + 7)));
    let days = extent.declared.map(|(a, b)| (instant(day(a)), instant(day(b) + 1)));
    let stored = spans(conn, team, kind)?;
    let span = match (weeks, days) {
        (Some(w), Some(d)) => (w.0.min(d.0), w.1.max(d.1)),
        (w, d) => w.or(d).expect("an extent with events or a declaration"),
    };
    let merged = Spans::union(stored.as_slice().iter().copied().chain([span]));
    if merged == stored {
        return Ok(());
    }
    conn.execute("DELETE FROM coverage WHERE team_id = ?1 AND kind = ?2", params![team.0, kind.as_str()])?;
    let mut insert =
        conn.prepare_cached("INSERT INTO coverage (team_id, kind, start_at, end_at) VALUES (?1, ?2, ?3, ?4)")?;
    for (s, e) in merged.as_slice() {
        insert.execute(params![team.0, kind.as_str(), s, e])?;
    }
    Ok(())
}

fn spans(conn: &Connection, team: TeamId, kind: CoverageKind) -> Result<Spans, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT start_at, end_at FROM coverage WHERE team_id = ?1 AND kind = ?2")?;
    let rows = stmt.query_map(params![team.0, kind.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(Spans::union(rows.collect::<Result<Vec<_>, _>>()?))
}

/// Everything the team's imports cover.
pub(super) fn read(conn: &Connection, team: TeamId) -> Result<Coverage, StoreError> {
    Ok(Coverage {
        deployments: spans(conn, team, CoverageKind::Deployments)?,
        incidents: spans(conn, team, CoverageKind::Incidents)?,
        deployment_kinds: spans(conn, team, CoverageKind::DeploymentKinds)?,
    })
}
