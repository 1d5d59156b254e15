//! The past-retros screen: the team's retros as a list, and one closed retro read in
//! full from its summary (the one `retro export` writes).

use super::theme::Theme;
use crate::domain::format_value;
use crate::domain::{Decision, VoteCounts, VoteKind};
use crate::export::RetroSummary;
use crate::metrics::Direction;
use crate::text::safe;
use crate::tui::keymap::{Action, Context};
use crate::tui::retros::{Mode, RetrosScreen};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Padding, Paragraph, Wrap};

pub fn draw(frame: &mut Frame, area: Rect, screen: &RetrosScreen, theme: &Theme) {
    match &screen.mode {
        Mode::List => draw_list(frame, area, screen, theme),
        Mode::Reading(reading) => {
            let lines = summary_lines(&reading.summary, theme);
            let w = &reading.summary.retro.window;
            let title = format!(" Retro {} – {} (read-only) ", w.first_day(), w.last_day());
            frame.render_widget(
                Paragraph::new(lines)
                    .wrap(Wrap { trim: false })
                    .scroll((reading.scroll, 0))
                    .block(Block::new().borders(Borders::TOP).title(title).padding(Padding::horizontal(1))),
                area,
            );
        }
    }
}

fn draw_list(frame: &mut Frame, area: Rect, screen: &RetrosScreen, theme: &Theme) {
    let block = Block::new().borders(Borders::TOP).title(" Past retros ").padding(Padding::horizontal(1));
    if screen.listed.is_empty() {
        // The key of another place, named by the table (see `keymap::label`).
        let start = crate::tui::keymap::label(Context::Dashboard, Action::StartRetro).unwrap_or("r");
        let text = format!("No retros yet. Start one with {start} on the dashboard.");
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }).block(block), area);
        return;
    }
    let mut lines = vec![Line::styled(
        format!("{:>4}  {:<23}  {:<22}  {:>5}  {:>7}", "", "Window", "Status", "Notes", "Actions"),
        theme.dim(),
    )];
    for (i, l) in screen.listed.iter().enumerate() {
        let r = &l.retro;
        let status = match r.finished_at {
            Some(_) => "closed".to_owned(),
            None => format!("open: {}", r.stage.title()),
        };
        let window = format!("{} – {}", r.window.first_day(), r.window.last_day());
        let text =
            format!("{:>4}  {window:<23}  {status:<22}  {:>5}  {:>7}", format!("#{}", r.id.0), l.notes, l.actions);
        let style = if i == screen.selected { theme.selected() } else { Default::default() };
        lines.push(Line::styled(text, style));
    }
    // Keep the selected row in view on a short terminal.
    let visible = usize::from(area.height.saturating_sub(2)).max(1);
    let scroll = (screen.selected + 1).saturating_sub(visible);
    frame.render_widget(Paragraph::new(lines).scroll((u16::try_from(scroll).unwrap_or(0), 0)).block(block), area);
}

/// Everything the retro recorded: votes, how the metrics moved, notes under their
/// prompts, the actions decided and the earlier ones reviewed.
fn summary_lines(s: &RetroSummary, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![];
    let status = match s.retro.finished_at {
        Some(_) => "Closed.",
        None => "Not finished yet.",
    };
    lines.push(Line::raw(format!("Retro #{} of {}. {status}", s.retro.id.0, safe(&s.team.name))));
    votes(&mut lines, "Safety check", &s.safety, &VoteKind::Safety.scale(), theme);

    lines.push(Line::styled("How the metrics moved", theme.dim()));
    let moved: Vec<_> = s.moves.iter().filter(|m| m.moved()).collect();
    if moved.is_empty() {
        lines.push(Line::raw("  nothing to speak of"));
    }
    for m in moved {
        let word = if m.direction == Direction::Better { "better" } else { "worse" };
        lines.push(Line::raw(format!("  {} {word} ({})", safe(&m.name), format_value(m.current, &m.unit))));
    }

    lines.push(Line::styled(format!("Notes ({})", s.notes.len()), theme.dim()));
    let mut prompt = None;
    for n in &s.notes {
        if prompt != Some(&n.prompt) {
            prompt = Some(&n.prompt);
            lines.push(Line::raw(format!("  {}", safe(&n.prompt))));
        }
        for (i, part) in n.body.lines().enumerate() {
            let lead = if i == 0 { "    • " } else { "      " };
            lines.push(Line::raw(format!("{lead}{}", safe(part))));
        }
    }

    lines.push(Line::styled(format!("Actions decided ({})", s.actions.len()), theme.dim()));
    for a in &s.actions {
        let due = a.plan.due.map(|d| format!(", due {d}")).unwrap_or_default();
        lines.push(Line::raw(format!(
            "  • {} — {}: {}{due}",
            safe(&a.plan.title),
            safe(a.plan.metric.name()),
            a.plan.expected.label()
        )));
    }

    lines.push(Line::styled(format!("Earlier actions reviewed ({})", s.reviews.len()), theme.dim()));
    for r in &s.reviews {
        let decision = match r.review.decision {
            Decision::Done => "done",
            Decision::Keep => "kept open",
            Decision::Drop => "dropped",
        };
        lines.push(Line::raw(format!("  • {}: {decision}", safe(&r.action.plan.title))));
    }
    votes(
        &mut lines,
        "Closing vote: was it worth the time?",
        &s.return_on_time,
        &VoteKind::ReturnOnTime.scale(),
        theme,
    );
    lines
}

fn votes(lines: &mut Vec<Line<'static>>, heading: &str, counts: &VoteCounts, scale: &[&str; 5], theme: &Theme) {
    let median = match counts.median() {
        Some(m) => format!("median {m} of {} votes", counts.total()),
        None => "no votes".to_owned(),
    };
    lines.push(Line::from(vec![Span::styled(format!("{heading} "), theme.dim()), Span::raw(median)]));
    for score in (1..=5u8).rev() {
        let words = scale[usize::from(score - 1)];
        lines.push(Line::raw(format!("  {score}  {words:<56}{:>4}", counts.get(score))));
    }
}
