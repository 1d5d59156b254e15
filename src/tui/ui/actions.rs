//! The team's improvement actions: a filtered list, and one action in detail with its
//! reviews across retros and its metric since it was decided.

use super::theme::Theme;
use crate::domain::format_value;
use crate::domain::{ActionStatus, Team};
use crate::metrics::ActionProgress;
use crate::metrics::Verdict;
use crate::text::{fill_width, fit, safe, wrap};
use crate::tui::actions::{ActionsScreen, sort_label};
use crate::tui::view::sparkline;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{
    Axis, Block, Borders, Cell, Chart, Dataset, GraphType, Padding, Paragraph, Row, Table, TableState, Wrap,
};

pub fn draw(frame: &mut Frame, area: Rect, screen: &ActionsScreen, team: Option<&Team>, theme: &Theme) {
    match (screen.detail, screen.current()) {
        (true, Some(p)) => draw_detail(frame, area, p, screen.note_of(p.action.id), team, theme),
        _ => draw_list(frame, area, screen, theme),
    }
}

/// Green for what worked (an intended worsening included), bold red for the wrong way.
pub fn verdict_style(p: &ActionProgress, theme: &Theme) -> Style {
    use crate::metrics::Direction;
    theme.direction(match p.evaluation.verdict {
        Verdict::MovedAsExpected => Direction::Better,
        Verdict::MovedTheOtherWay => Direction::Worse,
        Verdict::NoClearChange | Verdict::TooEarly => Direction::Steady,
    })
}

fn draw_list(frame: &mut Frame, area: Rect, screen: &ActionsScreen, theme: &Theme) {
    let visible = screen.visible();
    let title = format!(
        " Actions: {} ({} of {}) · sorted by {} ",
        screen.filter().label(),
        visible.len(),
        screen.total(),
        sort_label(screen.sort())
    );
    if visible.len() == 0 {
        use crate::tui::keymap::{Action, Context, label};
        let hint = match (screen.total() == 0, label(Context::Dashboard, Action::StartRetro)) {
            (true, Some(r)) => format!(
                "No actions yet: they are decided at the end of a retro ({r} on the dashboard), or added with \
                 `retro actions add`."
            ),
            (true, None) => "No actions yet: they are decided at the end of a retro, or added with \
                             `retro actions add`."
                .to_owned(),
            (false, _) => match label(Context::ActionList, Action::Filter) {
                Some(f) => format!("None here: {f} shows other actions."),
                None => "None here.".to_owned(),
            },
        };
        frame.render_widget(
            Paragraph::new(Line::styled(hint, theme.dim()))
                .wrap(Wrap { trim: false })
                .block(Block::new().borders(Borders::TOP).title(title).padding(Padding::horizontal(1))),
            area,
        );
        return;
    }
    let fixed = [8, 8, 15, 10, 7];
    let title_width = fill_width(area.width, &fixed);
    let rows = visible.map(|p| {
        let a = &p.action;
        let due = match (a.plan.due, p.overdue) {
            (Some(d), true) => Text::from(vec![Line::raw(d.to_string()), Line::styled("overdue", theme.warning())]),
            (Some(d), false) => Text::raw(d.to_string()),
            (None, _) => Text::default(),
        };
        Row::new([
            Cell::from(title_cell(a, title_width, theme)),
            Cell::from(Line::from(format_value(a.baseline, &p.unit)).right_aligned()),
            Cell::from(Line::from(format_value(p.evaluation.after, &p.unit)).right_aligned()),
            Cell::from(Span::styled(short_verdict(p), verdict_style(p, theme))),
            Cell::from(due),
            Cell::from(a.status.as_str()),
        ])
        .height(2)
    });
    let table = Table::new(rows, [Constraint::Fill(1)].into_iter().chain(fixed.map(Constraint::Length)))
        .header(
            Row::new(["Action", "Before", "Since", "Verdict", "Due", "Status"].map(Cell::from)).style(theme.header()),
        )
        .block(Block::new().borders(Borders::TOP).title(title))
        .row_highlight_style(theme.selected());
    frame.render_stateful_widget(table, area, &mut TableState::default().with_selected(Some(screen.selected)));
}

fn draw_detail(
    frame: &mut Frame,
    area: Rect,
    p: &ActionProgress,
    from_note: Option<&str>,
    team: Option<&Team>,
    theme: &Theme,
) {
    let a = &p.action;
    let offset = team.map(|t| t.utc_offset).unwrap_or_default();
    // Review notes wrap in full: they are why the action went the way it did.
    let fixed = [11, 10, 9];
    let note_width = fill_width(area.width, &fixed);
    let notes: Vec<Vec<String>> = p
        .history
        .iter()
        .map(|r| r.note.as_deref().map_or_else(|| vec![String::new()], |n| wrap(n, note_width)))
        .collect();
    let rows_height: usize = notes.iter().map(Vec::len).sum();
    let history_height = (rows_height as u16 + 2).clamp(3, 10);
    let [about, chart, history] = Layout::vertical([
        Constraint::Length(7 + u16::from(from_note.is_some())),
        Constraint::Min(5),
        Constraint::Length(history_height),
    ])
    .areas(area);

    let status = match (a.status, &a.closing_note) {
        (ActionStatus::Open, _) if p.overdue => "open, overdue".to_owned(),
        (ActionStatus::Open, _) => "open".to_owned(),
        (s, Some(note)) => format!("{}: {}", s.as_str(), safe(note)),
        (s, None) => s.as_str().to_owned(),
    };
    let window = &a.baseline_window;
    let mut lines = vec![
        Line::styled(safe(&a.plan.title).into_owned(), theme.title()),
        Line::from(vec![
            Span::styled("Metric ", theme.dim()),
            Span::raw(format!("{}, expected to {}", safe(a.plan.metric.name()), a.plan.expected.label())),
            Span::styled("  Status ", theme.dim()),
            Span::raw(status),
        ]),
        Line::from(vec![
            Span::styled("Before ", theme.dim()),
            Span::raw(format!(
                "{} over {} – {}",
                format_value(a.baseline, &p.unit),
                window.first_day().format("%b %d"),
                window.last_day().format("%b %d")
            )),
            Span::styled("  Since ", theme.dim()),
            Span::raw(format!("{} (over {} weeks)", format_value(p.evaluation.after, &p.unit), p.evaluation.periods)),
        ]),
        Line::from(vec![
            Span::styled("Verdict ", theme.dim()),
            Span::styled(p.verdict_text(), verdict_style(p, theme)),
            Span::styled(usual_range(p), theme.dim()),
        ]),
    ];
    let mut extra = vec![];
    if let Some(d) = a.plan.due {
        extra.push(format!("due {d}"));
    }
    if let Some(v) = &a.plan.volunteer {
        extra.push(format!("driven by {}", safe(v)));
    }
    if let Some(t) = a.plan.target {
        extra.push(format!("target {}", format_value(Some(t), &p.unit)));
    }
    if !extra.is_empty() {
        lines.push(Line::styled(extra.join(" · "), theme.dim()));
    }
    if let Some(d) = &a.plan.description {
        lines.push(Line::raw(safe(d).into_owned()));
    }
    if let Some(note) = from_note {
        lines.push(Line::from(vec![
            Span::styled("From the note ", theme.dim()),
            Span::raw(format!("“{}”", note.replace('\n', " / "))),
        ]));
    }
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(Block::new().padding(Padding::horizontal(1))),
        about,
    );
    draw_trend(frame, chart, p, theme);

    let rows = p.history.iter().zip(notes).map(|(r, note)| {
        let day = offset.local_date(r.reviewed_at).to_string();
        let height = note.len() as u16;
        Row::new([
            Cell::from(day),
            Cell::from(crate::tui::retro::decision_word(r.decision)),
            Cell::from(format_value(r.metric_value, &p.unit)),
            Cell::from(Text::from(note.into_iter().map(Line::raw).collect::<Vec<_>>())),
        ])
        .height(height)
    });
    let title = if p.history.is_empty() { " Not reviewed in a retro yet " } else { " Reviews across retros " };
    frame.render_widget(
        Table::new(rows, fixed.map(Constraint::Length).into_iter().chain([Constraint::Fill(1)]))
            .header(Row::new(["Retro", "Decision", "Metric", "Note"]).style(theme.header()))
            .block(Block::new().borders(Borders::TOP).title(title)),
        history,
    );
}

/// The metric week by week since the action was decided, with its baseline as a line.
fn draw_trend(frame: &mut Frame, area: Rect, p: &ActionProgress, theme: &Theme) {
    let points: Vec<(f64, f64)> =
        p.series.iter().enumerate().filter_map(|(i, (_, v))| v.map(|v| (i as f64, v))).collect();
    let x_max = p.series.len().saturating_sub(1).max(1) as f64;
    let baseline: Vec<(f64, f64)> = p.action.baseline.map(|b| vec![(0.0, b), (x_max, b)]).unwrap_or_default();
    let hi = points.iter().map(|p| p.1).chain(p.action.baseline).fold(0.0, f64::max);
    let y_top = if hi > 0.0 { hi * 1.1 } else { 1.0 };
    let title = format!(" {} since the action, weekly · {} ", safe(p.action.plan.metric.name()), sparkline_of(p));
    if points.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled("No weeks with data since the action yet.", theme.dim()))
                .block(Block::new().borders(Borders::TOP).title(title)),
            area,
        );
        return;
    }
    let labels = match (p.series.first(), p.series.last()) {
        (Some(first), Some(last)) => vec![first.0.label(), last.0.label()],
        _ => vec![],
    };
    let chart = Chart::new(vec![
        Dataset::default()
            .name("before")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.dim())
            .data(&baseline),
        Dataset::default()
            .name("weekly")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.chart())
            .data(&points),
    ])
    .block(Block::new().borders(Borders::TOP).title(title))
    .x_axis(Axis::default().bounds([0.0, x_max]).labels(labels.into_iter().map(|l| Span::styled(l, theme.dim()))))
    .y_axis(Axis::default().bounds([0.0, y_top]).labels(
        [format_value(Some(0.0), &p.unit), format_value(Some(y_top), &p.unit)].map(|l| Span::styled(l, theme.dim())),
    ));
    frame.render_widget(chart, area);
}

/// An action's title over its metric and what is expected of it, for two-line rows
/// `width` columns wide.
pub fn title_cell(a: &crate::domain::Action, width: usize, theme: &Theme) -> Text<'static> {
    Text::from(vec![
        Line::raw(fit(&a.plan.title, width)),
        Line::styled(fit(&format!("{} · {}", a.plan.metric.name(), a.plan.expected.label()), width), theme.dim()),
    ])
}

/// The verdict in a table cell: an intended worsening that happened reads "as planned".
pub fn short_verdict(p: &ActionProgress) -> &'static str {
    match p.evaluation.verdict {
        Verdict::MovedAsExpected if p.evaluation.intended_worsening => "as planned",
        Verdict::MovedAsExpected => "as expected",
        Verdict::NoClearChange => "no clear change",
        Verdict::MovedTheOtherWay => "the other way",
        Verdict::TooEarly => "too early",
    }
}

/// The weekly values as block characters, for a one-line trend.
pub fn sparkline_of(p: &ActionProgress) -> String {
    let values: Vec<Option<f64>> = p.series.iter().map(|(_, v)| *v).collect();
    sparkline(&values)
}

/// The usual range the verdict read the weeks since against (docs/metrics.md, "Routine
/// variation"), after the verdict: "  usual range 0.0%–53.6%".
fn usual_range(p: &ActionProgress) -> String {
    p.evaluation.usual.map_or_else(String::new, |u| {
        format!("  usual range {}–{}", format_value(Some(u.lower), &p.unit), format_value(Some(u.upper), &p.unit))
    })
}
