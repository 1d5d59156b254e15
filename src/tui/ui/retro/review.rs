use crate::report::format_value;
use crate::tui::retro::{RetroScreen, decision_word};
use crate::tui::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table, TableState};

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
    let rows = flow.to_review.iter().map(|a| {
        let unit = unit_of(flow, &a.metric);
        let decision = flow.review_of(a.id).map_or("–", |r| decision_word(r.decision));
        Row::new([
            a.title.clone(),
            a.metric.name().to_owned(),
            a.expected.label().to_owned(),
            format_value(a.baseline, &unit),
            format_value(flow.value_now(&a.metric), &unit),
            decision.to_owned(),
        ])
    });
    let table = Table::new(
        rows,
        [
            Constraint::Fill(2),
            Constraint::Fill(1),
            Constraint::Length(17),
            Constraint::Length(9),
            Constraint::Length(9),
            Constraint::Length(9),
        ],
    )
    .header(Row::new(["Action", "Metric", "Expected", "Then", "Now", "Decision"]).style(theme.header()))
    .block(Block::new().borders(Borders::TOP).title(" Open actions: done, keep or drop, each with a note "))
    .row_highlight_style(theme.selected());
    let mut state = TableState::default().with_selected(Some(screen.cursor[1]));
    frame.render_stateful_widget(table, area, &mut state);
}

/// The unit of a metric as this retro knows it.
pub fn unit_of(flow: &crate::retro::flow::Flow, metric: &crate::domain::MetricKey) -> String {
    flow.moves.iter().find(|m| &m.metric == metric).map(|m| m.unit.clone()).unwrap_or_default()
}
