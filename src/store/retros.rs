//! Retros, their vote counts, notes and the draft being typed. Every write here is one
//! small transaction of its own, committed before the call returns.

use super::StoreError;
use crate::domain::{
    Draft, MetricKey, Note, NoteId, Period, Retro, RetroId, Stage, TeamId, Timestamp, UtcOffset, VoteCounts, VoteKind,
};
use rusqlite::{Connection, OptionalExtension, Row, params};

const RETRO_COLUMNS: &str = "r.id, r.team_id, r.window_start, r.window_end, r.stage, r.started_at, r.finished_at, \
                             t.utc_offset_minutes";

fn retro_from_row(row: &Row<'_>) -> rusqlite::Result<Retro> {
    let stage: String = row.get(4)?;
    let offset = UtcOffset::from_minutes(row.get(7)?).unwrap_or_default();
    Ok(Retro {
        id: RetroId(row.get(0)?),
        team: TeamId(row.get(1)?),
        window: Period { granularity: None, start: row.get(2)?, end: row.get(3)?, offset },
        // The schema's CHECK admits only known stages.
        stage: Stage::parse(&stage).unwrap_or(Stage::SetTheStage),
        started_at: row.get(5)?,
        finished_at: row.get(6)?,
    })
}

pub(super) fn start(conn: &Connection, team: TeamId, window: &Period, now: Timestamp) -> Result<RetroId, StoreError> {
    conn.execute(
        "INSERT INTO retros (team_id, window_start, window_end, stage, started_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![team.0, window.start, window.end, Stage::SetTheStage.as_str(), now],
    )?;
    Ok(RetroId(conn.last_insert_rowid()))
}

pub(super) fn get(conn: &Connection, id: RetroId) -> Result<Option<Retro>, StoreError> {
    let sql = format!("SELECT {RETRO_COLUMNS} FROM retros r JOIN teams t ON t.id = r.team_id WHERE r.id = ?1");
    Ok(conn.query_row(&sql, [id.0], retro_from_row).optional()?)
}

/// The team's retros, newest first.
pub(super) fn of_team(conn: &Connection, team: TeamId) -> Result<Vec<Retro>, StoreError> {
    let sql = format!(
        "SELECT {RETRO_COLUMNS} FROM retros r JOIN teams t ON t.id = r.team_id
         WHERE r.team_id = ?1 ORDER BY r.started_at DESC, r.id DESC"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let retros = stmt.query_map([team.0], retro_from_row)?.collect::<Result<_, _>>()?;
    Ok(retros)
}

pub(super) fn set_stage(conn: &Connection, id: RetroId, stage: Stage) -> Result<(), StoreError> {
    conn.execute("UPDATE retros SET stage = ?2 WHERE id = ?1", params![id.0, stage.as_str()])?;
    Ok(())
}

pub(super) fn finish(conn: &Connection, id: RetroId, now: Timestamp) -> Result<(), StoreError> {
    conn.execute("UPDATE retros SET finished_at = ?2, stage = 'close' WHERE id = ?1", params![id.0, now])?;
    Ok(())
}

pub(super) fn reopen(conn: &Connection, id: RetroId) -> Result<(), StoreError> {
    let retro = get(conn, id)?.ok_or(StoreError::NoSuchRetro(id.0))?;
    let open: Option<i64> = conn
        .query_row(
            "SELECT id FROM retros WHERE team_id = ?1 AND id <> ?2 AND finished_at IS NULL",
            params![retro.team.0, id.0],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(open) = open {
        return Err(StoreError::AnotherRetroOpen { retro: id.0, open });
    }
    conn.execute("UPDATE retros SET finished_at = NULL WHERE id = ?1", [id.0])?;
    Ok(())
}

pub(super) fn set_vote(
    conn: &Connection,
    id: RetroId,
    kind: VoteKind,
    score: u8,
    count: u32,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO retro_votes (retro_id, kind, score, count) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (retro_id, kind, score) DO UPDATE SET count = excluded.count",
        params![id.0, kind.as_str(), score, count],
    )?;
    Ok(())
}

pub(super) fn votes(conn: &Connection, id: RetroId, kind: VoteKind) -> Result<VoteCounts, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT score, count FROM retro_votes WHERE retro_id = ?1 AND kind = ?2")?;
    let mut counts = VoteCounts::default();
    let mut rows = stmt.query(params![id.0, kind.as_str()])?;
    while let Some(row) = rows.next()? {
        counts.set(row.get(0)?, row.get(1)?);
    }
    Ok(counts)
}

const NOTE_COLUMNS: &str = "id, retro_id, prompt_key, prompt, metric, body, created_at, updated_at";

fn note_from_row(row: &Row<'_>) -> rusqlite::Result<Note> {
    let metric: Option<String> = row.get(4)?;
    Ok(Note {
        id: NoteId(row.get(0)?),
        retro: RetroId(row.get(1)?),
        prompt_key: row.get(2)?,
        prompt: row.get(3)?,
        metric: metric.as_deref().map(MetricKey::from_key),
        body: row.get(5)?,
        created_at: row.get(6)?,
        updated_at: row.get(7)?,
    })
}

/// A new note; the draft it was typed in goes in the same transaction.
pub(super) fn add_note(
    conn: &Connection,
    retro: RetroId,
    prompt_key: &str,
    prompt: &str,
    metric: Option<&MetricKey>,
    body: &str,
    now: Timestamp,
) -> Result<Note, StoreError> {
    conn.execute(
        "INSERT INTO retro_notes (retro_id, prompt_key, prompt, metric, body, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![retro.0, prompt_key, prompt, metric.map(MetricKey::key), body, now],
    )?;
    let id = NoteId(conn.last_insert_rowid());
    clear_draft(conn, retro)?;
    Ok(note(conn, id)?.expect("the note was just inserted"))
}

pub(super) fn update_note(
    conn: &Connection,
    id: NoteId,
    body: &str,
    now: Timestamp,
) -> Result<Option<Note>, StoreError> {
    conn.execute("UPDATE retro_notes SET body = ?2, updated_at = ?3 WHERE id = ?1", params![id.0, body, now])?;
    let note = note(conn, id)?;
    if let Some(n) = &note {
        clear_draft(conn, n.retro)?;
    }
    Ok(note)
}

pub(super) fn delete_note(conn: &Connection, id: NoteId) -> Result<(), StoreError> {
    conn.execute("DELETE FROM retro_notes WHERE id = ?1", [id.0])?;
    Ok(())
}

pub(super) fn note(conn: &Connection, id: NoteId) -> Result<Option<Note>, StoreError> {
    let sql = format!("SELECT {NOTE_COLUMNS} FROM retro_notes WHERE id = ?1");
    Ok(conn.query_row(&sql, [id.0], note_from_row).optional()?)
}

/// A retro's notes in the order they were taken.
pub(super) fn notes(conn: &Connection, retro: RetroId) -> Result<Vec<Note>, StoreError> {
    let sql = format!("SELECT {NOTE_COLUMNS} FROM retro_notes WHERE retro_id = ?1 ORDER BY id");
    let mut stmt = conn.prepare_cached(&sql)?;
    let notes = stmt.query_map([retro.0], note_from_row)?.collect::<Result<_, _>>()?;
    Ok(notes)
}

pub(super) fn save_draft(conn: &Connection, draft: &Draft) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO retro_drafts (retro_id, target, body, saved_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (retro_id) DO UPDATE SET target = excluded.target, body = excluded.body, saved_at = excluded.saved_at",
        params![draft.retro.0, draft.target.to_draft_target(), draft.body, draft.saved_at],
    )?;
    Ok(())
}

pub(super) fn clear_draft(conn: &Connection, retro: RetroId) -> Result<(), StoreError> {
    conn.execute("DELETE FROM retro_drafts WHERE retro_id = ?1", [retro.0])?;
    Ok(())
}

pub(super) fn draft(conn: &Connection, retro: RetroId) -> Result<Option<Draft>, StoreError> {
    let draft = conn
        .query_row("SELECT target, body, saved_at FROM retro_drafts WHERE retro_id = ?1", [retro.0], |r| {
            Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    // A target this version cannot read has nothing to reopen the text against.
    Ok(draft.and_then(|(target, body, saved_at)| {
        Some(Draft { retro, target: crate::domain::NoteTarget::from_draft_target(&target)?, body, saved_at })
    }))
}

/// The process holding `retro` open, if any: `(pid, seen_at)`.
pub(super) fn holder(conn: &Connection, retro: RetroId) -> Result<Option<(u32, Timestamp)>, StoreError> {
    Ok(conn
        .query_row("SELECT pid, seen_at FROM retro_sessions WHERE retro_id = ?1", [retro.0], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?)
}

/// Makes `pid` the holder of `retro` unless the current holder `blocks(pid, seen_at)`;
/// returns that holder when it does.
pub(super) fn claim(
    conn: &Connection,
    retro: RetroId,
    pid: u32,
    now: Timestamp,
    blocks: impl Fn(u32, Timestamp) -> bool,
) -> Result<Option<(u32, Timestamp)>, StoreError> {
    if let Some((holder_pid, seen_at)) = holder(conn, retro)?
        && blocks(holder_pid, seen_at)
    {
        return Ok(Some((holder_pid, seen_at)));
    }
    conn.execute(
        "INSERT INTO retro_sessions (retro_id, pid, seen_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (retro_id) DO UPDATE SET pid = excluded.pid, seen_at = excluded.seen_at",
        params![retro.0, pid, now],
    )?;
    Ok(None)
}

/// Renews `pid`'s hold on `retro`.
pub(super) fn renew(conn: &Connection, retro: RetroId, pid: u32, now: Timestamp) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE retro_sessions SET seen_at = ?3 WHERE retro_id = ?1 AND pid = ?2",
        params![retro.0, pid, now],
    )?;
    Ok(())
}

/// Lets go of `retro` if `pid` holds it.
pub(super) fn release(conn: &Connection, retro: RetroId, pid: u32) -> Result<(), StoreError> {
    conn.execute("DELETE FROM retro_sessions WHERE retro_id = ?1 AND pid = ?2", params![retro.0, pid])?;
    Ok(())
}
