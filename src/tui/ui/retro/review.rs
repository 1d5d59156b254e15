use crate::domain::{Stage, format_value};
use crate::retro::flow::NoteTarget;
use crate::tui::retro::{RetroScreen, decision_word};
use crate::tui::ui::actions::{short_verdict, sparkline_of, title_cell, verdict_style};
use crate::tui::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState};

/// Each open action: its metric when it was decided and now, whether it moved as
/// expected, its trend since, and this retro's decision.
pub fn draw(frame: &mut Frame, area: Rect, screen: &RetroScreen, theme: &Theme) {
    let flow = &screen.flow;
    if flow.to_review.is_empty() {
        frame.render_widget(
            Paragraph::new(vec![
                Line::raw(" No open actions from earlier retros."),
                Line::styled(
                    " Actions decided at the end of this retro will be reviewed in the next one.",
                    theme.dim(),
                ),
            ]),
            area,
        );
        return;
    }
    // A review note kept as a draft with Esc stays in view, under the table.
    let draft = flow.draft.as_ref().and_then(|d| match &d.target {
        NoteTarget::Review(action, decision) => Some((*action, *decision, d.body.as_str())),
        _ => None,
    });
    let area = match draft {
        Some((action, decision, body)) => {
            let title = flow.to_review.iter().find(|a| a.id == action).map_or("", |a| a.plan.title.as_str());
            let text = format!("draft ({} “{title}”): {}", decision_word(decision), body.replace('\n', " / "));
            let lines: Vec<Line> = crate::text::wrap(&text, usize::from(area.width.saturating_sub(2)))
                .into_iter()
                .map(|l| Line::styled(format!(" {l}"), theme.dim()))
                .collect();
            let height = (lines.len() as u16).min(area.height / 3);
            let [table_area, draft_area] =
                Layout::vertical([Constraint::Min(0), Constraint::Length(height)]).areas(area);
            frame.render_widget(Paragraph::new(lines), draft_area);
            table_area
        }
        None => area,
    };
    let fixed = [8, 8, 15, 12, 9];
    let title_width = crate::text::fill_width(area.width, &fixed);
    let rows = flow.to_review.iter().map(|a| {
        let unit = unit_of(flow, &a.plan.metric);
        let drafted = draft.is_some_and(|(action, ..)| action == a.id);
        let decision = match flow.review_of(a.id) {
            _ if drafted => "draft…",
            Some(r) => decision_word(r.decision),
            None => "–",
        };
        let progress = flow.progress.iter().find(|p| p.action.id == a.id);
        let (verdict, trend) = match progress {
            Some(p) => (Span::styled(short_verdict(p), verdict_style(p, theme)), sparkline_of(p)),
            None => (Span::raw(""), String::new()),
        };
        let trend: String = trend.chars().rev().take(12).collect::<Vec<_>>().into_iter().rev().collect();
        Row::new([
            Cell::from(title_cell(a, title_width, theme)),
            Cell::from(Line::from(format_value(a.baseline, &unit)).right_aligned()),
            Cell::from(Line::from(format_value(flow.value_now(&a.plan.metric), &unit)).right_aligned()),
            Cell::from(verdict),
            Cell::from(Span::styled(trend, theme.chart())),
            Cell::from(decision),
        ])
        .height(2)
    });
    let table = Table::new(rows, [Constraint::Fill(1)].into_iter().chain(fixed.map(Constraint::Length)))
        .header(
            Row::new(["Action", "Then", "Now", "Since then", "Weekly", "Decision"].map(Cell::from))
                .style(theme.header()),
        )
        .block(Block::new().borders(Borders::TOP).title(" Open actions: done, keep or drop, each with a note "))
        .row_highlight_style(theme.selected());
    let mut state = TableState::default().with_selected(Some(screen.cursor_on(Stage::ReviewActions)));
    frame.render_stateful_widget(table, area, &mut state);
}

/// The unit of a metric as this retro knows it.
pub fn unit_of(flow: &crate::retro::flow::Flow, metric: &crate::domain::MetricKey) -> crate::domain::Unit {
    flow.moves.iter().find(|m| &m.metric == metric).map(|m| m.unit.clone()).unwrap_or_default()
}
