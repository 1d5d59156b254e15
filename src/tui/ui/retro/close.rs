use crate::domain::format_value;
use crate::domain::{Stage, VoteCounts, VoteKind};
use crate::metrics::Direction;
use crate::tui::keymap::Action;
use crate::tui::retro::{RetroScreen, VOTE_ROWS};
use crate::tui::ui::Hints;
use crate::tui::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Padding, Paragraph, Wrap};

/// Metrics that moved named in the summary's one line; the rest are counted.
const MOVES_NAMED: usize = 4;

pub fn draw(frame: &mut Frame, area: Rect, screen: &RetroScreen, hints: &Hints, theme: &Theme) {
    let flow = &screen.flow;
    // The question, a row per score, the status line, and the border above.
    let vote_height = VOTE_ROWS as u16 + 3;
    let [summary_area, vote_area] = Layout::vertical([Constraint::Min(3), Constraint::Length(vote_height)]).areas(area);

    let window = &flow.retro.window;
    let mut lines = vec![Line::from(vec![
        Span::styled("Window ", theme.dim()),
        Span::raw(format!("{} – {}", window.first_day(), window.last_day())),
        Span::styled("  Safety ", theme.dim()),
        Span::raw(match flow.safety.median() {
            Some(m) => format!("median {m} of {} votes", flow.safety.total()),
            None => "no votes".to_owned(),
        }),
    ])];
    let moved_all: Vec<String> = flow
        .moves
        .iter()
        .filter(|m| m.moved())
        .map(|m| {
            let word = if m.direction == Direction::Better { "better" } else { "worse" };
            format!("{} {word} ({})", crate::text::safe(&m.name), format_value(m.current, &m.unit))
        })
        .collect();
    let mut moved: Vec<String> = moved_all.iter().take(MOVES_NAMED).cloned().collect();
    if moved_all.len() > MOVES_NAMED {
        moved.push(format!("and {} more", moved_all.len() - MOVES_NAMED));
    }
    lines.push(Line::from(vec![
        Span::styled("Moved ", theme.dim()),
        Span::raw(if moved.is_empty() { "nothing to speak of".to_owned() } else { moved.join(" · ") }),
    ]));
    let prompts_with_notes =
        flow.notes.iter().map(|n| n.prompt_key.as_str()).collect::<std::collections::HashSet<_>>().len();
    lines.push(Line::from(vec![
        Span::styled("Notes ", theme.dim()),
        Span::raw(format!("{} under {prompts_with_notes} prompts", flow.notes.len())),
        Span::styled("  Reviewed ", theme.dim()),
        Span::raw(format!("{} earlier actions", flow.reviews.len())),
    ]));
    lines.push(Line::styled(format!("Actions ({})", flow.actions.len()), theme.dim()));
    for a in &flow.actions {
        lines.push(Line::raw(format!(
            "  • {} — {}: {}",
            crate::text::safe(&a.plan.title),
            crate::text::safe(a.plan.metric.name()),
            a.plan.expected.label()
        )));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::new().borders(Borders::TOP).title(" Summary ").padding(Padding::horizontal(1))),
        summary_area,
    );

    let mut vote = vec![Line::styled(
        "Closing vote: was this retro worth the time? Enter how many chose each score.",
        theme.dim(),
    )];
    let scale = VoteKind::ReturnOnTime.scale();
    for (row, score) in (1..=VoteCounts::TOP_SCORE).rev().enumerate() {
        let style = if row == screen.cursor_on(Stage::Close) { theme.selected() } else { Default::default() };
        let words = scale[usize::from(score - 1)];
        vote.push(Line::styled(format!(" {score}  {words:<44}{:>4} ", flow.return_on_time.get(score)), style));
    }
    let mut status = match flow.retro.finished_at {
        Some(_) => vec![Span::raw("Closed. ")],
        None => vec![],
    };
    status.extend(hints.spans(
        &[
            (Action::Export, "exports the summary as Markdown"),
            (Action::Finish, "closes the retro"),
            (Action::Undo, "undoes the close"),
        ],
        theme,
    ));
    vote.push(Line::from(status));
    frame.render_widget(
        Paragraph::new(vote).block(Block::new().borders(Borders::TOP).title(" Close ").padding(Padding::horizontal(1))),
        vote_area,
    );
}
