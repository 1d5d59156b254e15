//! Improvement actions and their reviews across retros.

use super::StoreError;
use crate::domain::{
    Action, ActionId, ActionPlan, ActionReview, ActionStatus, Decision, Expected, MetricKey, NewAction, Period,
    RetroId, TeamId, Timestamp, UtcOffset,
};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Row, params};

const COLUMNS: &str = "a.id, a.team_id, a.retro_id, a.title, a.description, a.metric, a.expected, a.target, \
                       a.due_date, a.volunteer, a.status, a.closing_note, a.baseline, a.baseline_start, \
                       a.baseline_end, a.created_at, a.closed_at, t.utc_offset_minutes, a.note_id";

fn action_from_row(row: &Row<'_>) -> rusqlite::Result<Action> {
    let metric: String = row.get(5)?;
    let expected: String = row.get(6)?;
    let due: Option<String> = row.get(8)?;
    let status: String = row.get(10)?;
    let offset = UtcOffset::from_minutes(row.get(17)?).unwrap_or_default();
    Ok(Action {
        id: ActionId(row.get(0)?),
        team: TeamId(row.get(1)?),
        retro: row.get::<_, Option<i64>>(2)?.map(RetroId),
        plan: ActionPlan {
            title: row.get(3)?,
            description: row.get(4)?,
            metric: MetricKey::from_key(&metric),
            // The schema's CHECKs admit only known names.
            expected: Expected::parse(&expected).unwrap_or(Expected::Improve),
            target: row.get(7)?,
            due: due.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
            volunteer: row.get(9)?,
        },
        status: ActionStatus::parse(&status).unwrap_or(ActionStatus::Open),
        closing_note: row.get(11)?,
        baseline: row.get(12)?,
        baseline_window: Period { granularity: None, start: row.get(13)?, end: row.get(14)?, offset },
        created_at: row.get(15)?,
        closed_at: row.get(16)?,
        from_note: row.get::<_, Option<i64>>(18)?.map(crate::domain::NoteId),
    })
}

pub(super) fn add(conn: &Connection, team: TeamId, new: &NewAction, now: Timestamp) -> Result<ActionId, StoreError> {
    conn.execute(
        "INSERT INTO actions (team_id, retro_id, title, description, metric, expected, target, due_date, volunteer,
                              baseline, baseline_start, baseline_end, created_at, note_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        params![
            team.0,
            new.retro.map(|r| r.0),
            new.plan.title.trim(),
            new.plan.description,
            new.plan.metric.key(),
            new.plan.expected.as_str(),
            new.plan.target,
            new.plan.due.map(|d| d.to_string()),
            new.plan.volunteer,
            new.baseline,
            new.baseline_window.start,
            new.baseline_window.end,
            now,
            new.from_note.map(|n| n.0)
        ],
    )?;
    Ok(ActionId(conn.last_insert_rowid()))
}

pub(super) fn get(conn: &Connection, id: ActionId) -> Result<Option<Action>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM actions a JOIN teams t ON t.id = a.team_id WHERE a.id = ?1");
    Ok(conn.query_row(&sql, [id.0], action_from_row).optional()?)
}

/// Every action of the team, oldest first.
pub(super) fn of_team(conn: &Connection, team: TeamId) -> Result<Vec<Action>, StoreError> {
    let sql =
        format!("SELECT {COLUMNS} FROM actions a JOIN teams t ON t.id = a.team_id WHERE a.team_id = ?1 ORDER BY a.id");
    let mut stmt = conn.prepare_cached(&sql)?;
    let actions = stmt.query_map([team.0], action_from_row)?.collect::<Result<_, _>>()?;
    Ok(actions)
}

/// Closes or reopens an action outside a retro.
pub(super) fn set_status(
    conn: &Connection,
    id: ActionId,
    status: ActionStatus,
    note: Option<&str>,
    now: Timestamp,
) -> Result<(), StoreError> {
    conn.execute(
        // Reopening an action clears the note it was closed with.
        "UPDATE actions SET status = ?2,
                closing_note = CASE WHEN ?2 = 'open' THEN ?3 ELSE coalesce(?3, closing_note) END,
                closed_at = CASE WHEN ?2 = 'open' THEN NULL ELSE ?4 END
         WHERE id = ?1",
        params![id.0, status.as_str(), note, now],
    )?;
    Ok(())
}

/// Changes an action's title, due date or closing note outside a retro, leaving its
/// status and dates alone; `None` leaves a field as it is.
pub(super) fn edit(
    conn: &Connection,
    id: ActionId,
    title: Option<&str>,
    due: Option<NaiveDate>,
    closing_note: Option<&str>,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE actions SET title = coalesce(?2, title), due_date = coalesce(?3, due_date),
                closing_note = coalesce(?4, closing_note)
         WHERE id = ?1",
        params![id.0, title.map(str::trim), due.map(|d| d.to_string()), closing_note],
    )?;
    Ok(())
}

/// Replaces everything the team decided about an action (its plan) and the baseline
/// snapshotted for its metric; status, reviews and dates stay.
pub(super) fn update_plan(
    conn: &Connection,
    id: ActionId,
    plan: &ActionPlan,
    baseline: Option<f64>,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE actions SET title = ?2, description = ?3, metric = ?4, expected = ?5, target = ?6, due_date = ?7,
                volunteer = ?8, baseline = ?9
         WHERE id = ?1",
        params![
            id.0,
            plan.title.trim(),
            plan.description,
            plan.metric.key(),
            plan.expected.as_str(),
            plan.target,
            plan.due.map(|d| d.to_string()),
            plan.volunteer,
            baseline
        ],
    )?;
    Ok(())
}

/// Deletes an action made by mistake. One that a retro has reviewed is part of the
/// team's history and is refused (drop it instead).
pub(super) fn delete(conn: &Connection, id: ActionId) -> Result<(), StoreError> {
    let reviews: i64 =
        conn.query_row("SELECT count(*) FROM action_reviews WHERE action_id = ?1", [id.0], |r| r.get(0))?;
    if reviews > 0 {
        return Err(StoreError::ActionReviewed(id.0));
    }
    conn.execute("DELETE FROM actions WHERE id = ?1", [id.0])?;
    Ok(())
}

/// Records a retro's decision about an action and applies it to the action. A second
/// review of the same action in the same retro replaces the first.
pub(super) fn review(conn: &Connection, review: &ActionReview) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO action_reviews (retro_id, action_id, decision, metric_value, note, reviewed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (retro_id, action_id) DO UPDATE SET decision = excluded.decision,
             metric_value = excluded.metric_value, note = excluded.note, reviewed_at = excluded.reviewed_at",
        params![
            review.retro.0,
            review.action.0,
            review.decision.as_str(),
            review.metric_value,
            review.note,
            review.reviewed_at
        ],
    )?;
    let closing_note = (review.decision != Decision::Keep).then_some(review.note.as_deref()).flatten();
    set_status(conn, review.action, review.decision.status(), closing_note, review.reviewed_at)
}

fn review_from_row(row: &Row<'_>) -> rusqlite::Result<ActionReview> {
    let decision: String = row.get(2)?;
    Ok(ActionReview {
        retro: RetroId(row.get(0)?),
        action: ActionId(row.get(1)?),
        decision: Decision::parse(&decision).unwrap_or(Decision::Keep),
        metric_value: row.get(3)?,
        note: row.get(4)?,
        reviewed_at: row.get(5)?,
    })
}

const REVIEW_COLUMNS: &str = "retro_id, action_id, decision, metric_value, note, reviewed_at";

/// The decisions one retro took.
pub(super) fn reviews_in(conn: &Connection, retro: RetroId) -> Result<Vec<ActionReview>, StoreError> {
    let sql = format!("SELECT {REVIEW_COLUMNS} FROM action_reviews WHERE retro_id = ?1 ORDER BY id");
    let mut stmt = conn.prepare_cached(&sql)?;
    let reviews = stmt.query_map([retro.0], review_from_row)?.collect::<Result<_, _>>()?;
    Ok(reviews)
}

/// An action's history across retros, oldest first.
pub(super) fn history(conn: &Connection, action: ActionId) -> Result<Vec<ActionReview>, StoreError> {
    let sql = format!("SELECT {REVIEW_COLUMNS} FROM action_reviews WHERE action_id = ?1 ORDER BY reviewed_at, id");
    let mut stmt = conn.prepare_cached(&sql)?;
    let reviews = stmt.query_map([action.0], review_from_row)?.collect::<Result<_, _>>()?;
    Ok(reviews)
}
