use crate::metrics::Direction;
use crate::report::{format_delta, format_relative, format_value};
use crate::tui::retro::RetroScreen;
use crate::tui::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Padding, Paragraph, Row, Table, TableState, Wrap};

pub fn draw(frame: &mut Frame, area: Rect, screen: &RetroScreen, theme: &Theme) {
    let flow = &screen.flow;
    let window = &flow.retro.window;
    let days = (window.end - window.start) / 86_400;
    let title = format!(
        " {} – {} against the {} windows of {days} days before, biggest moves first ",
        window.first_day().format("%b %d"),
        window.last_day().format("%b %d"),
        crate::retro::session::EARLIER_WINDOWS
    );
    let rows = flow.moves.iter().map(|m| {
        let change = match (m.delta, m.relative) {
            (Some(d), Some(r)) => format!("{} ({})", format_delta(d, &m.unit), format_relative(r)),
            (Some(d), None) => format_delta(d, &m.unit),
            _ => "–".to_owned(),
        };
        let word = match m.direction {
            Direction::Better => "better",
            Direction::Worse => "worse",
            Direction::Steady => "steady",
            Direction::Unknown => "",
        };
        Row::new([
            Cell::from(crate::text::safe(&m.name).into_owned()),
            Cell::from(Line::from(format_value(m.current, &m.unit)).right_aligned()),
            Cell::from(Line::from(format_value(m.reference, &m.unit)).right_aligned()),
            Cell::from(Line::from(Span::styled(change, theme.direction(m.direction))).right_aligned()),
            Cell::from(Span::styled(word, theme.direction(m.direction))),
        ])
    });
    let table = Table::new(
        rows,
        [
            Constraint::Fill(1),
            Constraint::Length(10),
            Constraint::Length(10),
            Constraint::Length(18),
            Constraint::Length(7),
        ],
    )
    .header(Row::new(["Metric", "This retro", "Before", "Change", ""]).style(theme.header()))
    .block(Block::new().borders(Borders::TOP).title(title))
    .row_highlight_style(theme.selected());
    let table_height = (flow.moves.len() as u16 + 2).min(area.height);
    let [table_area, signals_area] =
        Layout::vertical([Constraint::Length(table_height), Constraint::Min(0)]).areas(area);
    let mut state = TableState::default().with_selected(Some(screen.cursor[2]));
    frame.render_stateful_widget(table, table_area, &mut state);
    draw_signals(frame, signals_area, flow, theme);
}

/// Patterns in the window worth talking about, each with a question for the team, after
/// what the data does not cover (so "no data" above reads as such, not as a quiet time).
fn draw_signals(frame: &mut Frame, area: Rect, flow: &crate::retro::flow::Flow, theme: &Theme) {
    let mut lines = vec![];
    for gap in &flow.data_gaps {
        lines.push(Line::styled(gap.describe(), theme.warning()));
        lines.push(Line::raw(""));
    }
    for s in &flow.signals {
        lines.push(Line::from(vec![
            Span::styled(format!("⚑ {}", s.kind.title()), theme.title()),
            Span::styled(format!("  {}", s.span.label()), theme.dim()),
        ]));
        lines.push(Line::raw(crate::text::safe(&s.explanation).into_owned()));
        lines.push(Line::styled(format!("Ask: {}", crate::text::safe(&s.question)), theme.dim()));
        lines.push(Line::raw(""));
    }
    if flow.signals.is_empty() {
        lines.push(Line::styled("No signals in this window.", theme.dim()));
    }
    let block = Block::new().borders(Borders::TOP).title(" Signals ").padding(Padding::horizontal(1));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(block), area);
}
