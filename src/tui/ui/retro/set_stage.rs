use crate::domain::{Stage, VoteCounts, VoteKind};
use crate::tui::retro::{RetroScreen, VOTE_ROWS};
use crate::tui::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, List, ListItem, ListState, Padding, Paragraph, Wrap};

/// The retro's framing, written for this product.
pub const FRAMING: &str = "We are here to learn how our way of working is doing, not to judge anyone. \
Everyone did the best they could with what they knew, the time they had and the tools and systems around \
them. Where the numbers moved, we ask what in the system made it so.";

pub fn draw(frame: &mut Frame, area: Rect, screen: &RetroScreen, theme: &Theme) {
    let flow = &screen.flow;
    let cursor = screen.cursor_on(Stage::SetTheStage);
    let width = usize::from(area.width.saturating_sub(2));
    let mut votes = vec![
        Line::styled("Safety check: how freely can you speak here?", theme.title()),
        Line::styled(
            "Everyone votes anonymously (a poll, folded paper); enter how many chose each score.",
            theme.dim(),
        ),
    ];
    let scale = VoteKind::Safety.scale();
    // Each vote on one row, its count at the end: in a narrow pane the words are cut
    // short rather than wrapped under the count.
    let words_width = width.saturating_sub(9).min(58);
    for (row, score) in (1..=VoteCounts::TOP_SCORE).rev().enumerate() {
        let words = crate::text::fit(scale[usize::from(score - 1)], words_width);
        let style = if row == cursor { theme.selected() } else { Default::default() };
        votes.push(Line::from(vec![
            Span::styled(format!(" {score}  {words:<words_width$}"), style),
            Span::styled(format!("{:>4} ", flow.safety.get(score)), style),
        ]));
    }
    votes.push(Line::styled(
        match flow.safety.median() {
            None => "No votes yet.".to_owned(),
            Some(m) => format!("{} votes · median {m}", flow.safety.total()),
        },
        theme.dim(),
    ));
    let low = flow.safety_is_low();
    if low {
        votes.push(Line::raw(""));
        votes.push(Line::styled(
            "The median vote is 2 or less: people do not feel safe to speak. Consider spending this retro on \
             safety first, with the prompts below, before the numbers. Go on when the team is ready.",
            theme.warning(),
        ));
    }
    let framing = [Line::raw(FRAMING), Line::raw("")];
    // Before anyone reads a number: what the data does not cover in this window, in
    // what room the votes leave (they are what this stage is for).
    let room = usize::from(area.height).saturating_sub(rows(&framing, width) + rows(&votes, width));
    let gaps = gap_lines(flow, theme, width, room);
    let lines: Vec<Line> = framing.into_iter().chain(gaps).chain(votes).collect();
    // The framing wraps; the prompts below take what is left and scroll.
    let height = rows(&lines, width);
    let height = (height as u16).min(area.height);
    let block = Block::new().padding(Padding::horizontal(1));
    let paragraph = Paragraph::new(lines).wrap(Wrap { trim: false }).block(block);
    let [top, prompts] = Layout::vertical([Constraint::Length(height), Constraint::Min(0)]).areas(area);
    frame.render_widget(paragraph, top);
    let items: Vec<ListItem> = screen
        .safety_prompts_shown()
        .into_iter()
        .map(|p| {
            let notes = flow.notes_for(&p.key).count();
            let count = match notes {
                0 => String::new(),
                1 => "  (1 note)".to_owned(),
                n => format!("  ({n} notes)"),
            };
            let text = crate::text::wrap(&format!("{}{count}", p.text), width.saturating_sub(2));
            let mut lines: Vec<Line> = text
                .into_iter()
                .enumerate()
                .map(|(i, l)| Line::raw(format!("{} {l}", if i == 0 { "•" } else { " " })))
                .collect();
            // A note kept as a draft with Esc stays in view under its prompt.
            let target = crate::retro::flow::NoteTarget::Prompt(p.key.clone());
            if let Some(d) = flow.draft.as_ref().filter(|d| d.target == target) {
                let text = format!("draft: {}", d.body.replace('\n', " / "));
                for l in crate::text::wrap(&text, width.saturating_sub(4)) {
                    lines.push(Line::styled(format!("    {l}"), theme.dim()));
                }
            }
            ListItem::new(lines)
        })
        .collect();
    // The prompts are the rows after the votes.
    let selected = cursor.checked_sub(VOTE_ROWS);
    let list = List::new(items).block(Block::new().padding(Padding::horizontal(1))).highlight_style(theme.selected());
    frame.render_stateful_widget(list, prompts, &mut ListState::default().with_selected(selected));
}

/// How many rows `lines` take, wrapped at `width`.
fn rows(lines: &[Line], width: usize) -> usize {
    lines.iter().map(|l| crate::text::wrap(&l.to_string(), width).len()).sum()
}

/// The data gaps in at most `room` rows: each with what to import; or, when that does
/// not fit, each in its sentence and where to read what to import; or as many as fit
/// and how many more the Data stage says.
fn gap_lines(flow: &crate::retro::flow::Flow, theme: &Theme, width: usize, room: usize) -> Vec<Line<'static>> {
    let gaps = &flow.data_gaps;
    let full: Vec<Line> = gaps
        .iter()
        .flat_map(|gap| {
            [Line::styled(gap.describe(), theme.warning()), Line::styled(gap.suggestion(), theme.dim()), Line::raw("")]
        })
        .collect();
    if rows(&full, width) <= room {
        return full;
    }
    let said: Vec<Line> = gaps.iter().map(|gap| Line::styled(gap.describe(), theme.warning())).collect();
    let fitting = |tail: &Line| {
        (0..=said.len()).rev().find(|&n| rows(&said[..n], width) + rows(std::slice::from_ref(tail), width) < room)
    };
    let how = Line::styled("What to import for each: `retro import --help` and docs/import.md.", theme.dim());
    if fitting(&how) == Some(said.len()) {
        return said.into_iter().chain([how, Line::raw("")]).collect();
    }
    let more = |n: usize| {
        Line::styled(
            format!("{} more on the Data stage, with what the data does not cover.", gaps.len() - n),
            theme.dim(),
        )
    };
    let gist = Line::styled("Data is missing for this window: see the Data stage.", theme.warning());
    let gist_rows = rows(std::slice::from_ref(&gist), width);
    // The count of the rest takes as many rows for any count: measure it with all left.
    match fitting(&more(0)) {
        Some(n) if n > 0 => said.into_iter().take(n).chain([more(n), Line::raw("")]).collect(),
        _ if gist_rows < room => vec![gist, Line::raw("")],
        _ if gist_rows == room => vec![gist],
        _ => Vec::new(),
    }
}
