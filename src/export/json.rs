//! The summary as JSON: every field, in a shape documented in docs/export.md.

use super::{RetroSummary, Reviewed};
use crate::domain::{Action, Note, Period, Timestamp, UtcOffset, VoteCounts, format_timestamp};
use crate::retro::movement::MetricMove;
use serde_json::{Map, Value, json};

/// Version of the JSON shape; bumped on any change that could break a consumer.
pub const SCHEMA: &str = "retro.summary/1";

/// The documented JSON shape of a retro's summary. `null` always means "no data".
pub fn json(s: &RetroSummary) -> Value {
    let offset = s.team.utc_offset;
    json!({
        "schema": SCHEMA,
        "team": {
            "id": s.team.id.0,
            "name": s.team.name,
            "utc_offset": offset.to_string(),
        },
        "retro": {
            "id": s.retro.id.0,
            "window": window(&s.retro.window, offset),
            "stage": s.retro.stage.as_str(),
            "started_at": time(s.retro.started_at, offset),
            "finished_at": s.retro.finished_at.map(|t| time(t, offset)),
        },
        "safety": votes(&s.safety),
        "return_on_time": votes(&s.return_on_time),
        "data_gaps": s.data_gaps.iter().map(data_gap).collect::<Vec<_>>(),
        "moves": s.moves.iter().map(metric_move).collect::<Vec<_>>(),
        "notes": s.notes.iter().map(|n| note(n, offset)).collect::<Vec<_>>(),
        "actions": s.actions.iter().map(|a| action(a, offset)).collect::<Vec<_>>(),
        "reviews": s.reviews.iter().map(|r| review(s, r)).collect::<Vec<_>>(),
    })
}

fn data_gap(g: &crate::metrics::DataGap) -> Value {
    json!({
        "kind": g.kind.as_str(),
        "metrics": g.metrics.iter().map(|m| m.key()).collect::<Vec<_>>(),
        "covered_days": g.covered_days(),
        "window_days": g.window.days(),
        "missing_since": g.missing_since().map(|d| d.to_string()),
        "covered_from": g.covered_from().map(|d| d.to_string()),
        "text": g.describe(),
    })
}

fn time(t: Timestamp, offset: UtcOffset) -> String {
    format_timestamp(t, offset)
}

fn window(p: &Period, offset: UtcOffset) -> Value {
    json!({
        "label": p.label(),
        "first_day": offset.local_date(p.start).to_string(),
        "last_day": offset.local_date(p.end - 1).to_string(),
        "start": time(p.start, offset),
        "end": time(p.end, offset),
        "days": p.days(),
    })
}

fn votes(v: &VoteCounts) -> Value {
    let counts: Map<String, Value> = (1..=5u8).map(|score| (score.to_string(), json!(v.get(score)))).collect();
    json!({
        "counts": counts,
        "total": v.total(),
        "median": v.median(),
    })
}

fn metric_move(m: &MetricMove) -> Value {
    json!({
        "metric": m.metric.key(),
        "name": m.name,
        "unit": m.unit,
        "polarity": m.polarity.as_str(),
        "current": m.current,
        "reference": m.reference,
        "delta": m.delta,
        "relative": m.relative,
        "direction": m.direction,
        "usual_range": m.usual.map(|u| json!({"lower": u.lower, "upper": u.upper})),
        "evidence": m.evidence,
    })
}

fn note(n: &Note, offset: UtcOffset) -> Value {
    json!({
        "id": n.id.0,
        "prompt_key": n.prompt_key,
        "prompt": n.prompt,
        "metric": n.metric.as_ref().map(|m| m.key()),
        "body": n.body,
        "created_at": time(n.created_at, offset),
        "updated_at": time(n.updated_at, offset),
    })
}

fn action(a: &Action, offset: UtcOffset) -> Value {
    json!({
        "id": a.id.0,
        "retro": a.retro.map(|r| r.0),
        "title": a.plan.title,
        "description": a.plan.description,
        "metric": a.plan.metric.key(),
        "expected": a.plan.expected.as_str(),
        "target": a.plan.target,
        "due": a.plan.due.map(|d| d.to_string()),
        "volunteer": a.plan.volunteer,
        "status": a.status.as_str(),
        "closing_note": a.closing_note,
        "baseline": a.baseline,
        "baseline_window": window(&a.baseline_window, offset),
        "created_at": time(a.created_at, offset),
        "closed_at": a.closed_at.map(|t| time(t, offset)),
    })
}

fn review(s: &RetroSummary, reviewed: &Reviewed) -> Value {
    let offset = s.team.utc_offset;
    let r = &reviewed.review;
    json!({
        "action": action(&reviewed.action, offset),
        "decision": r.decision.as_str(),
        "metric_value": r.metric_value,
        "note": r.note,
        "reviewed_at": time(r.reviewed_at, offset),
        "verdict": reviewed.verdict.map(|e| e.verdict.as_str()),
        "intended_worsening": reviewed.verdict.is_some_and(|e| e.intended_worsening),
    })
}
