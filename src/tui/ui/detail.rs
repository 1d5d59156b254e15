use super::theme::Theme;
use crate::tui::app::App;
use crate::tui::view::{DetailModel, MarkKind};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Axis, Block, Borders, Chart, Dataset, GraphType, Padding, Paragraph, Row, Table, TableState, Wrap,
};

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(model) = &app.detail.model else {
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
    draw_table(frame, table, model, app.detail.scroll, theme);
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

/// What fills the usual range, and marks an action's decision and its closing.
pub const BAND: char = '░';
pub const DECIDED: char = '┃';
pub const CLOSED: char = '╎';

fn draw_chart(frame: &mut Frame, area: Rect, model: &DetailModel, theme: &Theme) {
    let x_max = model.period_count.saturating_sub(1).max(1) as f64;
    let [lo, hi] = model.y_bounds;
    // Points a little denser than the cells, so every cell of the band or a mark is hit.
    let x_step = x_max / (f64::from(area.width.max(1)) * 2.0);
    let y_step = (hi - lo) / (f64::from(area.height.max(1)) * 2.0);
    let band = band_points(model, x_max, x_step, y_step);
    let column =
        |x: f64| (0..).map(move |k| lo + f64::from(k) * y_step).take_while(move |y| *y <= hi).map(move |y| (x, y));
    let marks_of = |kind: MarkKind| -> Vec<(f64, f64)> {
        model.marks.iter().filter(|m| m.kind == kind).flat_map(|m| column(m.x)).collect()
    };
    let (decided, closed) = (marks_of(MarkKind::Decided), marks_of(MarkKind::Closed));
    let mut datasets = vec![];
    // The key goes in the chart's top border, where it never hides a point.
    let mut key = vec![];
    if !band.is_empty() {
        key.push(Span::styled(format!(" {BAND} usual range "), theme.dim()));
        datasets.push(
            Dataset::default()
                .marker(Marker::Custom(BAND))
                .graph_type(GraphType::Scatter)
                .style(theme.band())
                .data(&band),
        );
    }
    for (points, symbol, what) in [(&decided, DECIDED, "action decided"), (&closed, CLOSED, "action closed")] {
        if !points.is_empty() {
            key.push(Span::styled(format!(" {symbol} {what} "), theme.mark()));
            datasets.push(
                Dataset::default()
                    .marker(Marker::Custom(symbol))
                    .graph_type(GraphType::Scatter)
                    .style(theme.mark())
                    .data(points),
            );
        }
    }
    // The line last, so it reads over the band and the marks.
    datasets.push(
        Dataset::default().marker(Marker::Braille).graph_type(GraphType::Line).style(theme.chart()).data(&model.points),
    );
    let y_label = |v: f64| crate::domain::format_value(Some(v), &model.unit);
    let chart = Chart::new(datasets)
        .block(Block::new().borders(Borders::TOP).title(Line::from(key)))
        .x_axis(
            Axis::default()
                .bounds([0.0, x_max])
                .labels(model.x_labels.iter().map(|l| Span::styled(l.clone(), theme.dim())))
                .style(theme.dim()),
        )
        .y_axis(
            Axis::default()
                .title(Span::styled(model.unit.to_string(), theme.dim()))
                .bounds([lo, hi])
                .labels([y_label(lo), y_label((lo + hi) / 2.0), y_label(hi)].map(|l| Span::styled(l, theme.dim())))
                .style(theme.dim()),
        );
    if model.points.is_empty() {
        let text = Paragraph::new(model.empty).wrap(ratatui::widgets::Wrap { trim: true });
        frame.render_widget(text.block(Block::new().padding(ratatui::widgets::Padding::horizontal(1))), area);
    } else {
        frame.render_widget(chart, area);
    }
}

/// The usual range as points filling it: each period's limits, held from halfway to the
/// period before to halfway to the next.
fn band_points(model: &DetailModel, x_max: f64, x_step: f64, y_step: f64) -> Vec<(f64, f64)> {
    if x_step <= 0.0 || y_step <= 0.0 {
        return vec![];
    }
    let mut points = vec![];
    let mut x = 0.0;
    while x <= x_max {
        if let Some((_, range)) = model.band.iter().find(|(i, _)| (x - i).abs() <= 0.5) {
            let mut y = range.lower.max(model.y_bounds[0]);
            while y <= range.upper.min(model.y_bounds[1]) {
                points.push((x, y));
                y += y_step;
            }
        }
        x += x_step;
    }
    points
}

fn draw_table(frame: &mut Frame, area: Rect, model: &DetailModel, scroll: usize, theme: &Theme) {
    let rows = model.rows.iter().map(|r| {
        let value = if r.imported { format!("{}*", r.value) } else { r.value.clone() };
        Row::new([r.label.clone(), r.first_day.clone(), value, r.events.clone(), r.variation.to_owned()])
    });
    let table = Table::new(
        rows,
        [
            Constraint::Length(18),
            Constraint::Length(8),
            Constraint::Length(12),
            Constraint::Length(10),
            Constraint::Length(18),
        ],
    )
    .header(Row::new(["Period", "From", "Value", "Events", "vs usual range"]).style(theme.header()))
    .column_spacing(2)
    .block(Block::new().borders(Borders::TOP).title(Span::styled(" Periods, newest first ", theme.dim())))
    .row_highlight_style(theme.selected());
    let mut state = TableState::default().with_selected(Some(scroll));
    frame.render_stateful_widget(table, area, &mut state);
}
