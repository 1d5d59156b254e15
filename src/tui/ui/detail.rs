use super::theme::Theme;
use crate::tui::app::App;
use crate::tui::view::DetailModel;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Axis, Block, Borders, Chart, Dataset, GraphType, Padding, Paragraph, Row, Table, TableState, Wrap,
};

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(model) = &app.detail else {
        frame.render_widget(Paragraph::new(" Computing the whole history…"), area);
        return;
    };
    // Name, definition and context, each of which may wrap once on a narrow screen.
    let about_height = if area.width >= 110 { 3 } else { 5 };
    let [about, chart, table] =
        Layout::vertical([Constraint::Length(about_height), Constraint::Percentage(55), Constraint::Min(3)])
            .areas(area);
    draw_about(frame, about, model, theme);
    draw_chart(frame, chart, model, theme);
    draw_table(frame, table, model, app.detail_scroll, theme);
}

fn draw_about(frame: &mut Frame, area: Rect, model: &DetailModel, theme: &Theme) {
    let better = match model.polarity {
        crate::domain::Polarity::HigherIsBetter => "higher is better",
        crate::domain::Polarity::LowerIsBetter => "lower is better",
    };
    let mut lines = vec![
        Line::from(vec![
            Span::styled(model.name.clone(), theme.title()),
            Span::styled(format!(" · {} · {better}", model.unit), theme.dim()),
        ]),
        Line::raw(model.definition.clone()),
    ];
    if let Some(context) = model.context {
        lines.push(Line::styled(format!("Context, not a grade: {context}"), theme.dim()));
    }
    let block = Block::new().padding(Padding::horizontal(1));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(block), area);
}

fn draw_chart(frame: &mut Frame, area: Rect, model: &DetailModel, theme: &Theme) {
    let datasets = vec![
        Dataset::default().marker(Marker::Braille).graph_type(GraphType::Line).style(theme.chart()).data(&model.points),
    ];
    let x_max = model.period_count.saturating_sub(1).max(1) as f64;
    let [lo, hi] = model.y_bounds;
    let y_label = |v: f64| crate::report::format_value(Some(v), &model.unit);
    let chart = Chart::new(datasets)
        .block(Block::new().borders(Borders::TOP))
        .x_axis(
            Axis::default()
                .bounds([0.0, x_max])
                .labels(model.x_labels.iter().map(|l| Span::styled(l.clone(), theme.dim())))
                .style(theme.dim()),
        )
        .y_axis(
            Axis::default()
                .title(Span::styled(model.unit.clone(), theme.dim()))
                .bounds([lo, hi])
                .labels([y_label(lo), y_label((lo + hi) / 2.0), y_label(hi)].map(|l| Span::styled(l, theme.dim())))
                .style(theme.dim()),
        );
    if model.points.is_empty() {
        frame.render_widget(Paragraph::new(" No data in any period yet."), area);
    } else {
        frame.render_widget(chart, area);
    }
}

fn draw_table(frame: &mut Frame, area: Rect, model: &DetailModel, scroll: usize, theme: &Theme) {
    let rows = model.rows.iter().map(|r| {
        let value = if r.imported { format!("{}*", r.value) } else { r.value.clone() };
        Row::new([r.label.clone(), r.first_day.clone(), value, r.count.map(|c| c.to_string()).unwrap_or_default()])
    });
    let table = Table::new(
        rows,
        [Constraint::Length(18), Constraint::Length(8), Constraint::Length(12), Constraint::Length(8)],
    )
    .header(Row::new(["Period", "From", "Value", "Events"]).style(theme.header()))
    .column_spacing(2)
    .block(Block::new().borders(Borders::TOP).title(Span::styled(" Periods, newest first ", theme.dim())))
    .row_highlight_style(theme.selected());
    let mut state = TableState::default().with_selected(Some(scroll));
    frame.render_stateful_widget(table, area, &mut state);
}
