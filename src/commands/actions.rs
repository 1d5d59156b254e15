//! `retro actions list|show|add|update`: improvement actions and whether their metric
//! moved. The JSON and CSV shapes are documented in docs/actions.md and kept stable.

use crate::cli::{ActionsAddArgs, ActionsCommand, ActionsListArgs, ActionsUpdateArgs, ListFormat, OutputFormat};
use crate::domain::format_value;
use crate::domain::{
    Action, ActionId, ActionPlan, ActionStatus, DoraMetric, MetricKey, NewAction, Team, Timestamp, format_timestamp,
};
use crate::metrics::ActionProgress;
use crate::metrics::EffectRule;
use crate::query::actions::{baseline_window, metric_choices, progress, progress_all, value_over};
use crate::store::Store;
use crate::text::safe;
use anyhow::{Result, bail};
use chrono::NaiveDate;
use serde_json::{Value, json};
use std::io::Write;

/// Version of the JSON shape; bumped on any change that could break a consumer.
pub const ACTIONS_SCHEMA: &str = "retro.actions/2";

/// Titles longer than this are cut in the table (JSON and CSV keep them whole).
const TITLE_WIDTH: usize = 40;

pub fn run(store: &mut Store, team: &Team, cmd: &ActionsCommand, now: Timestamp, out: &mut dyn Write) -> Result<()> {
    match cmd {
        ActionsCommand::List(args) => list(store, team, args, now, out),
        ActionsCommand::Show { id, format } => show(store, team, *id, *format, now, out),
        ActionsCommand::Add(args) => add(store, team, args, now, out),
        ActionsCommand::Update(args) => update(store, team, args, now, out),
    }
}

// --- list ------------------------------------------------------------------------------

fn list(store: &Store, team: &Team, args: &ActionsListArgs, now: Timestamp, out: &mut dyn Write) -> Result<()> {
    let mut rows: Vec<ActionProgress> = progress_all(store, team, now)?
        .into_iter()
        .filter(|p| args.status.admits(p.action.status))
        .filter(|p| !args.overdue || p.overdue)
        .collect();
    crate::query::actions::sort(&mut rows, args.sort);
    match args.format {
        OutputFormat::Table => write_table(team, &rows, now, out)?,
        OutputFormat::Json => {
            let actions: Vec<Value> = rows.iter().map(|p| action_json(team, p)).collect();
            let mut doc = header(team, now);
            doc["actions"] = Value::Array(actions);
            writeln!(out, "{}", crate::text::json_pretty(&doc)?)?;
        }
        OutputFormat::Csv => write_csv(team, &rows, out)?,
    }
    Ok(())
}

fn write_table(team: &Team, rows: &[ActionProgress], now: Timestamp, out: &mut dyn Write) -> Result<()> {
    writeln!(
        out,
        "{} · {} · today {} (UTC{})",
        safe(&team.name),
        count(rows.len(), "action"),
        team.utc_offset.local_date(now),
        team.utc_offset
    )?;
    if rows.is_empty() {
        writeln!(
            out,
            "No actions to show. Decide some in a retro (`retro start`) or add one with `retro actions add`."
        )?;
        return Ok(());
    }
    let header = ["id", "title", "metric", "expected", "baseline", "now", "verdict", "due", "status"];
    let cells: Vec<[String; 9]> = rows
        .iter()
        .map(|p| {
            let a = &p.action;
            [
                a.id.0.to_string(),
                crate::text::fit(&a.plan.title, TITLE_WIDTH),
                safe(a.plan.metric.name()).into_owned(),
                a.plan.expected.label().to_owned(),
                format_value(p.evaluation.baseline, &p.unit),
                format_value(p.evaluation.after, &p.unit),
                p.verdict_text(),
                match a.plan.due {
                    Some(due) if p.overdue => format!("{due} overdue"),
                    Some(due) => due.to_string(),
                    None => "-".to_owned(),
                },
                a.status.as_str().to_owned(),
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|i| cells.iter().map(|c| crate::text::width(&c[i])).chain([header[i].len()]).max().unwrap_or(0))
        .collect();
    let line = |cells: &[&str]| {
        let mut s = String::new();
        for (i, (cell, width)) in cells.iter().zip(&widths).enumerate() {
            let pad = width.saturating_sub(crate::text::width(cell));
            match i {
                // Numbers line up on the right.
                0 | 4 | 5 => s.push_str(&format!("{}{cell}", " ".repeat(pad))),
                _ if i == cells.len() - 1 => s.push_str(cell),
                _ => s.push_str(&format!("{cell}{}", " ".repeat(pad))),
            }
            if i + 1 < cells.len() {
                s.push_str("  ");
            }
        }
        s
    };
    writeln!(out, "{}", line(&header))?;
    for c in &cells {
        let refs: Vec<&str> = c.iter().map(String::as_str).collect();
        writeln!(out, "{}", line(&refs))?;
    }
    writeln!(
        out,
        "baseline: the metric over the window the action was decided in; now: the metric over the whole weeks since."
    )?;
    Ok(())
}

fn write_csv(team: &Team, rows: &[ActionProgress], out: &mut dyn Write) -> Result<()> {
    let offset = team.utc_offset;
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "id",
        "title",
        "metric",
        "unit",
        "expected",
        "status",
        "baseline",
        "after",
        "relative",
        "periods",
        "verdict",
        "intended_worsening",
        "target",
        "due",
        "overdue",
        "volunteer",
        "retro",
        "created_at",
        "closed_at",
    ])?;
    let num = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
    for p in rows {
        let a = &p.action;
        let e = &p.evaluation;
        w.write_record([
            a.id.0.to_string(),
            safe(&a.plan.title).into_owned(),
            safe(a.plan.metric.key()).into_owned(),
            safe(p.unit.as_str()).into_owned(),
            a.plan.expected.as_str().to_owned(),
            a.status.as_str().to_owned(),
            num(e.baseline),
            num(e.after),
            num(e.relative),
            e.periods.to_string(),
            e.verdict.as_str().to_owned(),
            e.intended_worsening.to_string(),
            num(a.plan.target),
            a.plan.due.map(|d| d.to_string()).unwrap_or_default(),
            p.overdue.to_string(),
            safe(a.plan.volunteer.as_deref().unwrap_or_default()).into_owned(),
            a.retro.map(|r| r.0.to_string()).unwrap_or_default(),
            format_timestamp(a.created_at, offset),
            a.closed_at.map(|t| format_timestamp(t, offset)).unwrap_or_default(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

// --- JSON --------------------------------------------------------------------------------

fn header(team: &Team, now: Timestamp) -> Value {
    let rule = EffectRule::default();
    json!({
        "schema": ACTIONS_SCHEMA,
        "team": team.name,
        "utc_offset": team.utc_offset.to_string(),
        "today": team.utc_offset.local_date(now).to_string(),
        "rule": {
            "min_periods": rule.min_periods,
            "min_events": rule.min_events,
            "routine_weeks": rule.routine_weeks,
            "limit_factor": crate::metrics::variation::LIMIT_FACTOR,
            "min_routine_weeks": crate::metrics::variation::MIN_TRAILING,
            "significance": crate::metrics::variation::SIGNIFICANCE,
        },
    })
}

/// One action as `retro actions list --format json` prints it.
fn action_json(team: &Team, p: &ActionProgress) -> Value {
    let offset = team.utc_offset;
    let a = &p.action;
    let e = &p.evaluation;
    let since = p.since();
    json!({
        "id": a.id.0,
        "title": a.plan.title,
        "description": a.plan.description,
        "retro": a.retro.map(|r| r.0),
        "metric": a.plan.metric.key(),
        "metric_name": a.plan.metric.name(),
        "unit": p.unit,
        "polarity": p.polarity.as_str(),
        "expected": a.plan.expected.as_str(),
        "target": a.plan.target,
        "due": a.plan.due.map(|d| d.to_string()),
        "overdue": p.overdue,
        "volunteer": a.plan.volunteer,
        "status": a.status.as_str(),
        "closing_note": a.closing_note,
        "created_at": format_timestamp(a.created_at, offset),
        "closed_at": a.closed_at.map(|t| format_timestamp(t, offset)),
        "baseline": {
            "value": e.baseline,
            "from": a.baseline_window.first_day().to_string(),
            "to": a.baseline_window.last_day().to_string(),
        },
        "evaluation": {
            "verdict": e.verdict.as_str(),
            "after": e.after,
            "relative": e.relative,
            "threshold": e.threshold,
            "usual_range": e.usual.map(|u| json!({"lower": u.lower, "upper": u.upper})),
            "periods": e.periods,
            "first_period": since.first().map(|(p, _)| p.label()),
            "last_period": since.last().map(|(p, _)| p.label()),
            "intended_worsening": e.intended_worsening,
        },
    })
}

/// One action with its review history and weekly series, as `retro actions show
/// --format json` prints it.
fn action_detail_json(team: &Team, p: &ActionProgress) -> Value {
    let offset = team.utc_offset;
    let mut v = action_json(team, p);
    v["history"] = p
        .history
        .iter()
        .map(|r| {
            json!({
                "retro": r.retro.0,
                "decision": r.decision.as_str(),
                "metric_value": r.metric_value,
                "note": r.note,
                "reviewed_at": format_timestamp(r.reviewed_at, offset),
            })
        })
        .collect();
    v["series"] = p
        .series
        .iter()
        .enumerate()
        .map(|(i, (period, value))| {
            json!({
                "period": period.label(),
                "value": value,
                "counted": p.counted.contains(&i),
                "partial": period.is_partial(),
            })
        })
        .collect();
    v
}

// --- show --------------------------------------------------------------------------------

fn show(store: &Store, team: &Team, id: i64, format: ListFormat, now: Timestamp, out: &mut dyn Write) -> Result<()> {
    let action = find(store, team, id)?;
    let p = progress(store, &action, now)?;
    let note = from_note(store, &action)?;
    match format {
        ListFormat::Json => {
            let mut doc = header(team, now);
            doc["action"] = action_detail_json(team, &p);
            doc["action"]["from_note"] = note.map_or(Value::Null, |n| json!({ "id": n.id.0, "body": n.body }));
            writeln!(out, "{}", crate::text::json_pretty(&doc)?)?;
        }
        ListFormat::Table => {
            write_detail(team, &p, out)?;
            if let Some(n) = note {
                writeln!(out, "\nFrom the note (under \"{}\")\n  {}", n.prompt, n.body.replace('\n', "\n  "))?;
            }
        }
    }
    Ok(())
}

/// The retro note `action` was made from, if it was.
fn from_note(store: &Store, action: &Action) -> Result<Option<crate::domain::Note>> {
    let (Some(id), Some(retro)) = (action.from_note, action.retro) else {
        return Ok(None);
    };
    Ok(store.notes(retro)?.into_iter().find(|n| n.id == id))
}

fn write_detail(team: &Team, p: &ActionProgress, out: &mut dyn Write) -> Result<()> {
    let a = &p.action;
    let e = &p.evaluation;
    let day = |t: Timestamp| team.utc_offset.local_date(t);
    let value = |v: Option<f64>| format_value(v, &p.unit);
    writeln!(out, "Action {}: {}", a.id.0, safe(&a.plan.title))?;
    if let Some(d) = &a.plan.description {
        writeln!(out, "  {}", safe(d))?;
    }
    writeln!(out)?;
    let status = match (a.status, a.closed_at) {
        (ActionStatus::Open, _) => "open".to_owned(),
        (s, Some(t)) => format!("{} on {}", s.as_str(), day(t)),
        (s, None) => s.as_str().to_owned(),
    };
    writeln!(out, "Status     {status}")?;
    if let Some(note) = &a.closing_note {
        writeln!(out, "Note       {}", safe(note))?;
    }
    let polarity = match p.polarity {
        crate::domain::Polarity::HigherIsBetter => "higher is better",
        crate::domain::Polarity::LowerIsBetter => "lower is better",
    };
    let unit =
        if p.unit.as_str().is_empty() { polarity.to_owned() } else { format!("{}, {polarity}", safe(p.unit.as_str())) };
    writeln!(out, "Metric     {} ({unit})", safe(a.plan.metric.name()))?;
    let target = a.plan.target.map(|t| format!(" · target {}", value(Some(t)))).unwrap_or_default();
    writeln!(out, "Expected   {}{target}", a.plan.expected.label())?;
    let due = match a.plan.due {
        Some(d) if p.overdue => format!("{d} (overdue)"),
        Some(d) => d.to_string(),
        None => "-".to_owned(),
    };
    writeln!(out, "Due        {due}")?;
    if let Some(v) = &a.plan.volunteer {
        writeln!(out, "Volunteer  {}", safe(v))?;
    }
    let from = match a.retro {
        Some(r) => format!("in retro {} on {}", r.0, day(a.created_at)),
        None => format!("on {}", day(a.created_at)),
    };
    writeln!(out, "Decided    {from}")?;
    writeln!(out, "Baseline   {} over {}", value(e.baseline), a.baseline_window.label())?;
    let since = p.since();
    let now = match (since.first(), since.last()) {
        (Some((first, _)), Some((last, _))) => {
            let relative = e.relative.map(|r| format!(", {:+.0}%", r * 100.0)).unwrap_or_default();
            format!(
                "{} (over {}, {}..{}{relative})",
                value(e.after),
                count(e.periods, "week"),
                first.label(),
                last.label()
            )
        }
        _ => "no whole week since yet".to_owned(),
    };
    writeln!(out, "Now        {now}")?;
    writeln!(out, "Verdict    {}", p.verdict_text())?;
    if let Some(u) = e.usual {
        // What the verdict read "now" against: docs/metrics.md, "Routine variation".
        let (lower, upper) = (value(Some(u.lower)), value(Some(u.upper)));
        writeln!(out, "Usual      {lower} to {upper} for these weeks (routine variation of the 6 weeks before)")?;
    }

    writeln!(out)?;
    if p.history.is_empty() {
        writeln!(out, "Reviews    none yet")?;
    } else {
        writeln!(out, "Reviews")?;
        for r in &p.history {
            writeln!(
                out,
                "  {}  retro {}  {:<4}  {:>9}  {}",
                day(r.reviewed_at),
                r.retro.0,
                r.decision.as_str(),
                value(r.metric_value),
                safe(r.note.as_deref().unwrap_or(""))
            )?;
        }
    }

    writeln!(out)?;
    writeln!(out, "{} weekly since the week it was decided (* counted in the verdict)", safe(a.plan.metric.name()))?;
    for (i, (period, v)) in p.series.iter().enumerate() {
        let mark = if p.counted.contains(&i) { '*' } else { ' ' };
        let under_way = if period.is_partial() { "  (under way)" } else { "" };
        writeln!(out, "  {} {mark} {:>9}{under_way}", period.label(), value(*v))?;
    }
    Ok(())
}

// --- add and update ----------------------------------------------------------------------

fn add(store: &mut Store, team: &Team, args: &ActionsAddArgs, now: Timestamp, out: &mut dyn Write) -> Result<()> {
    let title = args.title.trim();
    if title.is_empty() {
        bail!("an action needs a title: --title \"...\"");
    }
    confirm_due(team, args.due, args.yes, now)?;
    let metric = resolve_metric(store, team, &args.metric)?;
    let window = baseline_window(now, team.utc_offset);
    let baseline = value_over(store, team, &metric, &window, now)?;
    let text = |s: &Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    let action = store.add_action(
        team,
        &NewAction {
            plan: ActionPlan {
                title: title.to_owned(),
                description: text(&args.description),
                metric,
                expected: args.expect,
                target: args.target,
                due: args.due,
                volunteer: text(&args.volunteer),
            },
            retro: None,
            baseline,
            baseline_window: window.clone(),
            from_note: None,
        },
        now,
    )?;
    let p = progress(store, &action, now)?;
    writeln!(
        out,
        "Added action {}: \"{}\" ({}, {}).",
        action.id.0,
        safe(&action.plan.title),
        safe(action.plan.metric.name()),
        action.plan.expected.label()
    )?;
    match baseline {
        Some(_) => writeln!(
            out,
            "Baseline: {} over {}. Later weeks are compared with it (`retro actions show {}`).",
            format_value(baseline, &p.unit),
            window.label(),
            action.id.0
        )?,
        None => writeln!(
            out,
            "Baseline: no data over {}, so retro will not be able to tell whether the metric moved.",
            window.label()
        )?,
    }
    Ok(())
}

/// A DORA metric by key, alias or name, or a metric the team tracks, by name.
fn resolve_metric(store: &Store, team: &Team, name: &str) -> Result<MetricKey> {
    if let Some(m) = DoraMetric::from_key(name) {
        return Ok(MetricKey::Dora(m));
    }
    let choices = metric_choices(store, team)?;
    let wanted = name.trim();
    // Team metric names match exactly; letter case is forgiven when that is unambiguous.
    let exact = choices.iter().find(|m| matches!(m, MetricKey::Team(n) if n == wanted));
    let loose: Vec<&MetricKey> =
        choices.iter().filter(|m| matches!(m, MetricKey::Team(n) if n.eq_ignore_ascii_case(wanted))).collect();
    if let Some(found) = exact.or(if loose.len() == 1 { Some(loose[0]) } else { None }) {
        return Ok(found.clone());
    }
    let dora: Vec<&str> = DoraMetric::ALL.iter().map(|m| m.key()).collect();
    let own: Vec<&str> = choices
        .iter()
        .filter_map(|m| match m {
            MetricKey::Team(n) => Some(n.as_str()),
            MetricKey::Dora(_) => None,
        })
        .collect();
    let own = if own.is_empty() { "none yet (`retro import metrics` adds them)".to_owned() } else { own.join(", ") };
    bail!(
        "there is no metric \"{wanted}\" for {}. DORA metrics: {}. The team's own metrics: {own}.",
        team.name,
        dora.join(", ")
    )
}

fn update(store: &mut Store, team: &Team, args: &ActionsUpdateArgs, now: Timestamp, out: &mut dyn Write) -> Result<()> {
    let action = find(store, team, args.id)?;
    if args.status.is_none() && args.note.is_none() && !args.changes_the_plan() {
        bail!(
            "nothing to update: give --status, --note, --title, --description, --metric, --expect, --target, \
             --due (or --no-due) or --volunteer"
        );
    }
    let title = args.title.as_deref().map(str::trim);
    if title.is_some_and(str::is_empty) {
        bail!("an action needs a title: --title cannot be empty");
    }
    confirm_due(team, args.due, args.yes, now)?;
    // Every check before any write: a refused update changes nothing.
    let plan = if args.changes_the_plan() { Some(updated_plan(store, team, &action, args, now)?) } else { None };
    let note = args.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    let status = args.status;
    let closes = status.unwrap_or(action.status) != ActionStatus::Open;
    if note.is_some() && !closes {
        bail!("--note is the closing note of a done or dropped action: give it with --status done or --status dropped");
    }
    let changes_status = status.is_some_and(|s| s != action.status);
    if let Some(s) = status.filter(|_| changes_status) {
        store.set_action_status(action.id, s, note, now)?;
    }
    let note_only = if changes_status { None } else { note };
    if note_only.is_some() {
        store.edit_action(action.id, None, None, note_only)?;
    }
    if let Some((plan, baseline)) = plan {
        store.update_action_plan(action.id, &plan, baseline)?;
    }
    let after = find(store, team, args.id)?;
    let due = after.plan.due.map(|d| format!(", due {d}")).unwrap_or_default();
    writeln!(out, "Action {} \"{}\" is {}{due}.", after.id.0, safe(&after.plan.title), after.status.as_str())?;
    Ok(())
}

/// The action's plan with what `args` changes, and its baseline (taken anew over the
/// action's own baseline window when the metric changes).
fn updated_plan(
    store: &Store,
    team: &Team,
    action: &Action,
    args: &ActionsUpdateArgs,
    now: Timestamp,
) -> Result<(ActionPlan, Option<f64>)> {
    let text = |given: &Option<String>, was: &Option<String>| match given {
        Some(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        None => was.clone(),
    };
    let target = match args.target.as_deref().map(str::trim) {
        None => action.plan.target,
        Some("none" | "") => None,
        Some(t) => Some(
            t.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| anyhow::anyhow!("--target \"{t}\" is not a number (or \"none\")"))?,
        ),
    };
    let metric = match &args.metric {
        Some(m) => resolve_metric(store, team, m)?,
        None => action.plan.metric.clone(),
    };
    let expected = args.expect.unwrap_or(action.plan.expected);
    let plan = ActionPlan {
        title: args.title.as_deref().map_or_else(|| action.plan.title.clone(), |t| t.trim().to_owned()),
        description: text(&args.description, &action.plan.description),
        metric,
        expected,
        target,
        due: if args.no_due { None } else { args.due.or(action.plan.due) },
        volunteer: text(&args.volunteer, &action.plan.volunteer),
    };
    let baseline = crate::query::actions::corrected_baseline(store, team, action, &plan, now)?;
    Ok((plan, baseline))
}

/// The team's action with this number, or an error a user can act on.
fn find(store: &Store, team: &Team, id: i64) -> Result<Action> {
    match store.action(ActionId(id))? {
        Some(a) if a.team == team.id => Ok(a),
        _ => bail!("there is no action {id} for {}; `retro actions list` shows its actions", team.name),
    }
}

// --- helpers -----------------------------------------------------------------------------

/// A due date already past is most likely a typo: it is kept only when the user says so
/// (`--yes`, or "y" at the question on a terminal), as in the terminal UI's form.
fn confirm_due(team: &Team, due: Option<NaiveDate>, yes: bool, now: Timestamp) -> Result<()> {
    let today = team.utc_offset.local_date(now);
    match due {
        Some(due) if due < today && !yes => super::confirm(
            &format!("The due date {due} is already past (today is {today}). Keep it?"),
            &format!("the due date {due} is already past (today is {today}): add --yes to keep it"),
            &format!("nothing changed: the due date {due} is already past"),
        ),
        _ => Ok(()),
    }
}

fn count(n: usize, what: &str) -> String {
    if n == 1 { format!("1 {what}") } else { format!("{n} {what}s") }
}
