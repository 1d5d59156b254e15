//! The summary as CommonMark, ready to paste into a wiki or chat. Everything the team
//! typed is escaped, so a note can never turn into a heading, a link or a table.

use super::{RetroSummary, Reviewed};
use crate::domain::{Decision, MetricKey, Note, Timestamp, UtcOffset, VoteCounts, VoteKind};
use crate::domain::{format_delta, format_value};
use crate::metrics::Direction;
use chrono::DateTime;
use std::fmt::Write;

/// The Markdown summary of a retro.
pub fn markdown(s: &RetroSummary) -> String {
    let mut out = String::new();
    title(&mut out, s);
    votes(&mut out, "Safety check", &s.safety, &VoteKind::Safety.scale());
    data_gaps(&mut out, s);
    moves(&mut out, s);
    notes(&mut out, s);
    actions(&mut out, s);
    reviews(&mut out, s);
    votes(&mut out, "Closing vote: return on time invested", &s.return_on_time, &VoteKind::ReturnOnTime.scale());
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

fn title(out: &mut String, s: &RetroSummary) {
    let offset = s.team.utc_offset;
    let first = offset.local_date(s.retro.window.start);
    let last = offset.local_date(s.retro.window.end - 1);
    let _ = writeln!(out, "# Retro of {}: {first} to {last}\n", one_line(&s.team.name));
    let started = time(s.retro.started_at, offset);
    let _ = match s.retro.finished_at {
        Some(end) => writeln!(out, "Held {started} to {} (UTC{offset}).\n", clock(end, offset, s.retro.started_at)),
        None => writeln!(out, "Started {started} (UTC{offset}); not finished yet.\n"),
    };
}

fn votes(out: &mut String, heading: &str, counts: &VoteCounts, scale: &[&str; 5]) {
    let _ = writeln!(out, "## {heading}\n");
    let total = counts.total();
    let Some(median) = counts.median() else {
        out.push_str("No votes recorded.\n\n");
        return;
    };
    let plural = if total == 1 { "vote" } else { "votes" };
    let _ = writeln!(out, "{total} {plural}, median {median}.\n");
    for score in (1..=5u8).rev() {
        let _ = writeln!(out, "- {score} ({}): {}", scale[usize::from(score - 1)], counts.get(score));
    }
    out.push('\n');
}

/// What the data did not cover in the window, so a reader weighs the numbers below.
fn data_gaps(out: &mut String, s: &RetroSummary) {
    out.push_str("## Data coverage\n\n");
    if s.data_gaps.is_empty() {
        out.push_str("The team's data covers the whole window.\n\n");
        return;
    }
    for gap in &s.data_gaps {
        let _ = writeln!(out, "- {}", inline(&gap.describe()));
    }
    out.push('\n');
}

fn moves(out: &mut String, s: &RetroSummary) {
    out.push_str("## Metrics that moved\n\n");
    if s.moves.is_empty() {
        out.push_str("No metric data for this window.\n\n");
        return;
    }
    let moved: Vec<_> = s.moves.iter().filter(|m| m.moved()).collect();
    if moved.is_empty() {
        out.push_str("No metric moved beyond its usual range against the earlier windows.\n\n");
    } else {
        out.push_str("Each beyond the usual range of the earlier windows of the same length, against their mean:\n\n");
        for m in moved {
            let how = if m.direction == Direction::Better { "Better" } else { "Worse" };
            let _ = write!(out, "- {how}: **{}** {}", one_line(&m.name), format_value(m.current, &m.unit));
            if let Some(evidence) = &m.evidence {
                let _ = write!(out, " ({evidence})");
            }
            let _ = write!(out, ", was {}", format_value(m.reference, &m.unit));
            if let Some(delta) = m.delta {
                let _ = write!(out, " ({})", format_delta(delta, &m.unit));
            }
            out.push('\n');
        }
        out.push('\n');
    }
    let names = |d: Direction| {
        let names: Vec<_> = s.moves.iter().filter(|m| m.direction == d).map(|m| one_line(&m.name)).collect();
        names.join(", ")
    };
    let (steady, unknown) = (names(Direction::Steady), names(Direction::Unknown));
    let mut rest = Vec::new();
    if !steady.is_empty() {
        rest.push(format!("Within usual range: {steady}."));
    }
    if !unknown.is_empty() {
        rest.push(format!("Not enough data to compare: {unknown}."));
    }
    if !rest.is_empty() {
        let _ = writeln!(out, "{}\n", rest.join(" "));
    }
}

fn notes(out: &mut String, s: &RetroSummary) {
    out.push_str("## What we said\n\n");
    if s.notes.is_empty() {
        out.push_str("No notes recorded.\n\n");
        return;
    }
    // Grouped under their prompt, prompts in the order of their first note.
    let mut groups: Vec<(&str, &str, Option<&MetricKey>, Vec<&Note>)> = Vec::new();
    for note in &s.notes {
        let metric = note.metric.as_ref();
        match groups.iter_mut().find(|(key, _, m, _)| *key == note.prompt_key && *m == metric) {
            Some(group) => group.3.push(note),
            None => groups.push((&note.prompt_key, &note.prompt, metric, vec![note])),
        }
    }
    for (_, prompt, metric, notes) in groups {
        let mut heading = if prompt.trim().is_empty() { "Other notes".to_owned() } else { heading_text(prompt) };
        if let Some(m) = metric.filter(|m| !prompt.contains(m.name())) {
            let _ = write!(heading, " ({})", one_line(m.name()));
        }
        let _ = writeln!(out, "### {heading}\n");
        for note in notes {
            item(out, "", "", &note.body);
        }
        out.push('\n');
    }
}

fn actions(out: &mut String, s: &RetroSummary) {
    out.push_str("## Actions\n\n");
    if s.actions.is_empty() {
        out.push_str("No new actions.\n\n");
        return;
    }
    let offset = s.team.utc_offset;
    for a in &s.actions {
        let _ = writeln!(out, "- **{}**", one_line(&a.plan.title));
        let unit = &s.unit(&a.plan.metric);
        let _ =
            writeln!(out, "  - Metric: {}, expected to {}", one_line(a.plan.metric.name()), a.plan.expected.label());
        let window = format!(
            "{} to {}",
            offset.local_date(a.baseline_window.start),
            offset.local_date(a.baseline_window.end - 1)
        );
        let _ = write!(out, "  - Baseline: {} over {window}", format_value(a.baseline, unit));
        if let Some(target) = a.plan.target {
            let _ = write!(out, "; target: {}", format_value(Some(target), unit));
        }
        out.push('\n');
        if let Some(due) = a.plan.due {
            let _ = writeln!(out, "  - Due: {due}");
        }
        if let Some(v) = a.plan.volunteer.as_deref().filter(|v| !v.trim().is_empty()) {
            let _ = writeln!(out, "  - Volunteer driving it: {}", one_line(v));
        }
        if let Some(d) = a.plan.description.as_deref().filter(|d| !d.trim().is_empty()) {
            item(out, "  ", "Details: ", d);
        }
    }
    out.push('\n');
}

fn reviews(out: &mut String, s: &RetroSummary) {
    out.push_str("## Earlier actions reviewed\n\n");
    if s.reviews.is_empty() {
        out.push_str("No earlier actions were reviewed.\n\n");
        return;
    }
    for r in &s.reviews {
        review_item(out, s, r);
    }
    out.push('\n');
}

fn review_item(out: &mut String, s: &RetroSummary, reviewed: &Reviewed) {
    let (action, review) = (&reviewed.action, &reviewed.review);
    let decision = match review.decision {
        Decision::Done => "done",
        Decision::Keep => "kept open",
        Decision::Drop => "dropped",
    };
    let _ = writeln!(out, "- **{}**: {decision}", one_line(&action.plan.title));
    let unit = &s.unit(&action.plan.metric);
    let verdict = match reviewed.verdict {
        Some(e) if e.intended_worsening => "; worsened as planned".to_owned(),
        Some(e) => format!("; {}", e.verdict.label()),
        None => String::new(),
    };
    let _ = writeln!(
        out,
        "  - {}: {} when the action was made, {} now (expected to {}{verdict})",
        one_line(action.plan.metric.name()),
        format_value(action.baseline, unit),
        format_value(review.metric_value, unit),
        action.plan.expected.label(),
    );
    if let Some(note) = review.note.as_deref().filter(|n| !n.trim().is_empty()) {
        item(out, "  ", "Note: ", note);
    }
}

/// `2025-03-17 10:00` at the team's offset.
fn time(t: Timestamp, offset: UtcOffset) -> String {
    DateTime::from_timestamp(t, 0)
        .unwrap_or_default()
        .with_timezone(&offset.fixed())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// The end time: only the clock when it is on the day the retro started.
fn clock(t: Timestamp, offset: UtcOffset, started: Timestamp) -> String {
    let full = time(t, offset);
    if offset.local_date(t) == offset.local_date(started) { full[11..].to_owned() } else { full }
}

/// Writes `- label text`, `label` being Markdown and `text` what the team typed, escaped
/// line by line. Line breaks are kept as hard breaks (`\` at the end of a line); blank
/// lines become one paragraph break inside the item.
fn item(out: &mut String, indent: &str, label: &str, text: &str) {
    let lines: Vec<&str> = text.trim().lines().map(str::trim).collect();
    let mut first = true;
    let mut previous_blank = false;
    for (i, line) in lines.iter().enumerate() {
        if line.is_empty() {
            if !previous_blank {
                out.push('\n');
            }
            previous_blank = true;
            continue;
        }
        previous_blank = false;
        if first {
            let _ = write!(out, "{indent}- {label}{}", block_line(line));
            first = false;
        } else {
            let _ = write!(out, "{indent}  {}", block_line(line));
        }
        let next_is_text = lines.get(i + 1).is_some_and(|l| !l.is_empty());
        out.push_str(if next_is_text { "\\\n" } else { "\n" });
    }
}

/// Text that must stay on one line (titles, names), escaped.
fn one_line(text: &str) -> String {
    inline(&text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// One line of user text, escaped, including what only matters at the start of a line.
fn block_line(line: &str) -> String {
    let escaped = inline(line);
    let mut chars = escaped.chars();
    match chars.next() {
        Some(c @ ('#' | '-' | '+' | '=')) => format!("\\{c}{}", chars.as_str()),
        Some(c) if c.is_ascii_digit() => {
            let digits = escaped.chars().take_while(char::is_ascii_digit).count();
            let (number, rest) = escaped.split_at(digits);
            match rest.chars().next() {
                Some(p @ ('.' | ')')) => format!("{number}\\{p}{}", &rest[1..]),
                _ => escaped,
            }
        }
        _ => escaped,
    }
}

/// A prompt as a heading: escaped, on one line, with `#` escaped everywhere.
fn heading_text(text: &str) -> String {
    one_line(text).replace('#', "\\#")
}

/// Escapes the characters that Markdown would read as formatting inside a line.
/// `_` between letters (snake_case, URLs) and `&` not starting an entity stay as typed.
fn inline(text: &str) -> String {
    // Made safe for a terminal first, so that what shows an escape is itself escaped.
    let chars: Vec<char> = crate::text::safe(text).chars().collect();
    let mut out = String::with_capacity(chars.len());
    for (i, &c) in chars.iter().enumerate() {
        let escape = match c {
            '\\' | '`' | '*' | '[' | ']' | '<' | '>' | '~' | '|' => true,
            '_' => {
                let word = |j: Option<usize>| j.and_then(|j| chars.get(j)).is_some_and(|c| c.is_alphanumeric());
                !(word(i.checked_sub(1)) && word(Some(i + 1)))
            }
            '&' => {
                let run = chars[i + 1..].iter().take_while(|c| c.is_ascii_alphanumeric() || **c == '#').count();
                run > 0 && chars.get(i + 1 + run) == Some(&';')
            }
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_escapes_formatting() {
        assert_eq!(inline("*bold* [link](x) `code` <b>"), "\\*bold\\* \\[link\\](x) \\`code\\` \\<b\\>");
        assert_eq!(inline("snake_case and _emphasis_"), "snake_case and \\_emphasis\\_");
        assert_eq!(inline("R&D &amp; &#35;"), "R&D \\&amp; \\&#35;");
        assert_eq!(inline("a | b ~~c~~ \\"), "a \\| b \\~\\~c\\~\\~ \\\\");
    }

    #[test]
    fn line_starts_are_escaped() {
        assert_eq!(block_line("# not a heading"), "\\# not a heading");
        assert_eq!(block_line("- not a list"), "\\- not a list");
        assert_eq!(block_line("+ nor this"), "\\+ nor this");
        assert_eq!(block_line("1. not numbered"), "1\\. not numbered");
        assert_eq!(block_line("12) nor this"), "12\\) nor this");
        assert_eq!(block_line("> quote"), "\\> quote");
        assert_eq!(block_line("2025 was fine"), "2025 was fine");
        assert_eq!(block_line("=== not a setext underline"), "\\=== not a setext underline");
    }

    #[test]
    fn multi_line_items_keep_their_breaks() {
        let mut out = String::new();
        item(&mut out, "", "", "first\nsecond\n\n\n- third");
        assert_eq!(out, "- first\\\n  second\n\n  \\- third\n");
    }
}
