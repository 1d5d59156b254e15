use crate::domain::{Stage, format_delta, format_relative, format_value};
use crate::metrics::Direction;
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
    let wide = area.width >= 100;
    let rows = flow.moves.iter().map(|m| {
        let change = match (m.delta, m.relative) {
            (Some(d), Some(r)) => format!("{} ({})", format_delta(d, &m.unit), format_relative(r)),
            (Some(d), None) => format_delta(d, &m.unit),
            _ => "–".to_owned(),
        };
        let word = word(m.direction, wide);
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
            Constraint::Length(if wide { 18 } else { 6 }),
        ],
    )
    .header(Row::new(["Metric", "This retro", "Before", "Change", ""]).style(theme.header()))
    .block(Block::new().borders(Borders::TOP).title(title))
    .row_highlight_style(theme.selected());
    let table_height = (flow.moves.len() as u16 + 2).min(area.height);
    let [table_area, about_area, signals_area] =
        Layout::vertical([Constraint::Length(table_height), Constraint::Length(2), Constraint::Min(0)]).areas(area);
    let mut state = TableState::default().with_selected(Some(screen.cursor_on(Stage::LookAtData)));
    frame.render_stateful_widget(table, table_area, &mut state);
    if let Some(m) = flow.moves.get(screen.cursor_on(Stage::LookAtData)) {
        let about =
            Paragraph::new(about(m)).wrap(Wrap { trim: true }).block(Block::new().padding(Padding::horizontal(1)));
        frame.render_widget(about, about_area);
    }
    draw_signals(frame, signals_area, flow, theme);
}

/// The word beside a move; "usual" is short for "within usual range".
fn word(d: Direction, wide: bool) -> &'static str {
    match d {
        Direction::Better => "better",
        Direction::Worse => "worse",
        Direction::Steady if wide => "within usual range",
        Direction::Steady => "usual",
        Direction::Unknown => "",
    }
}

/// The selected move in words: the events behind it and the usual range it was read
/// against. "Change failure rate: 3.8%, 2 of 52 deployments. Usual range 0.0%–9.1% …"
fn about(m: &crate::retro::movement::MetricMove) -> String {
    let mut text = format!("{}: {}", m.name, format_value(m.current, &m.unit));
    if let Some(evidence) = &m.evidence {
        text.push_str(&format!(", {evidence}"));
    }
    text.push_str(". ");
    match (m.usual, m.direction) {
        (Some(u), d) => {
            let range = format!("{}–{}", format_value(Some(u.lower), &m.unit), format_value(Some(u.upper), &m.unit));
            let outside = m.current.is_some_and(|v| v < u.lower || v > u.upper);
            let verdict = match d {
                Direction::Better | Direction::Worse => "beyond it: worth a conversation",
                _ if outside => "beyond it on too few events to tell from chance: not a change",
                _ => "within it: routine variation, not a change",
            };
            text.push_str(&format!("Usual range of the windows before: {range}; {verdict}."));
        }
        (None, _) if m.current.is_some() => text.push_str("Too few earlier windows with data to know its usual range."),
        (None, _) => {}
    }
    text
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
