use super::theme::Theme;
use crate::metrics::Direction;
use crate::tui::app::App;
use crate::tui::keymap::{Action, Context};
use crate::tui::view::{DashboardModel, Delta, MetricRow, Pane, TRAILING_PERIODS};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Padding, Paragraph, Row, Table, TableState, Wrap};

/// Widest DORA name ("Failed deployment recovery time"); names are never cut.
const NAME_WIDTH: u16 = 31;
/// From this width on, the table shows the events behind each value and says "within
/// usual range" in full.
const WIDE: u16 = 110;
/// The events column: "12 of 140".
const EVENTS_WIDTH: u16 = 9;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let state = &app.dashboard;
    let Some(model) = &state.model else {
        frame.render_widget(Paragraph::new(" Computing…"), area);
        return;
    };
    let team_height = if model.team_metrics.is_empty() { 0 } else { model.team_metrics.len() as u16 + 2 };
    let [intro, dora, team, notes] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(model.dora.len() as u16 + 2),
        Constraint::Length(team_height),
        Constraint::Min(0),
    ])
    .areas(area);
    let unit = if model.granularity == crate::domain::Granularity::Month { "month" } else { "week" };
    // Named from the keys that act here, so the hint never names one that does not.
    let hints = super::Hints::new(app, Context::Dashboard);
    let key = |action: Action| hints.label(action).unwrap_or("");
    let intro_line = match &state.latest {
        // The view opened where the data ends, not today: say so, and how to get to today.
        Some(latest) => {
            let back = match state.anchor.as_ref() == Some(&latest.period) {
                true => String::new(),
                false => format!(" {}: back to it.", key(Action::LatestData)),
            };
            Line::from(vec![
                Span::styled(format!(" {}.", capitalised(&latest.describe())), theme.title()),
                Span::styled(format!("{back} {}: jump to today.", key(Action::Latest)), theme.dim()),
            ])
        }
        None => Line::styled(
            format!(" Compared with the {unit} before and with the mean of the {TRAILING_PERIODS} {unit}s before."),
            theme.dim(),
        ),
    };
    frame.render_widget(Paragraph::new(intro_line), intro);
    let (pane, selected) = (state.pane, state.selected);
    let dora_row = selected[Pane::Dora.index()];
    draw_table(frame, dora, " DORA metrics ", &model.dora, pane == Pane::Dora, dora_row, model, theme);
    if team_height > 0 {
        draw_table(
            frame,
            team,
            " Team metrics ",
            &model.team_metrics,
            pane == Pane::Team,
            selected[Pane::Team.index()],
            model,
            theme,
        );
    }
    let selected = model.rows(pane).get(state.selected_row());
    draw_notes(frame, notes, model, selected, theme);
}

#[allow(clippy::too_many_arguments)]
fn draw_table(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    rows: &[MetricRow],
    focused: bool,
    selected: usize,
    model: &DashboardModel,
    theme: &Theme,
) {
    // The period under way is "this week"; an earlier one, browsed to, goes by its label.
    let shown = match (model.current.is_partial(), model.granularity) {
        (true, crate::domain::Granularity::Month) => "This month".to_owned(),
        (true, _) => "This week".to_owned(),
        (false, _) => model.current.label(),
    };
    let wide = area.width >= WIDE;
    let events_width = if wide { EVENTS_WIDTH } else { 0 };
    let word_width = word_width(wide);
    let widths = [
        Constraint::Min(NAME_WIDTH.min(area.width.saturating_sub(34 + events_width + word_width))),
        Constraint::Length(10),
        Constraint::Length(events_width),
        Constraint::Length(10),
        Constraint::Length(8),
        Constraint::Length(word_width),
        Constraint::Fill(1),
    ];
    let right = |s: &'static str| Cell::from(Line::from(s).right_aligned());
    let header = Row::new([
        Cell::from("Metric"),
        Cell::from(Line::from(shown).right_aligned()),
        if wide { right("events") } else { Cell::from("") },
        right("vs prev"),
        right("vs avg"),
        Cell::from(""),
        Cell::from("Trend"),
    ])
    .style(theme.header());
    let spark_width = spark_width(area.width, events_width + word_width);
    let body = rows.iter().map(|r| {
        let value = if r.imported { format!("{}*", r.value) } else { r.value.clone() };
        let spark: String = {
            let chars: Vec<char> = r.sparkline.chars().collect();
            chars[chars.len().saturating_sub(spark_width)..].iter().collect()
        };
        Row::new([
            Cell::from(r.name.as_str()),
            Cell::from(Line::from(value).right_aligned()),
            Cell::from(Line::styled(if wide { r.events.as_str() } else { "" }, theme.dim()).right_aligned()),
            delta_cell(&r.vs_previous, r.intended, theme),
            delta_cell(&r.vs_trailing, r.intended, theme),
            Cell::from(Span::styled(
                verdict(r.vs_trailing.direction, r.intended, wide),
                theme.direction(as_planned(r.vs_trailing.direction, r.intended)),
            )),
            Cell::from(Span::styled(spark, theme.chart())),
        ])
    });
    let title_style = if focused { theme.title() } else { theme.dim() };
    let table = Table::new(body, widths)
        .header(header)
        .column_spacing(1)
        .block(Block::new().borders(Borders::TOP).title(Span::styled(title, title_style)))
        .row_highlight_style(if focused { theme.selected() } else { Default::default() });
    let mut state = TableState::default().with_selected(Some(selected));
    frame.render_stateful_widget(table, area, &mut state);
}

/// How many periods of the sparkline fit once the fixed columns are placed.
fn spark_width(width: u16, columns: u16) -> usize {
    usize::from(width.saturating_sub(NAME_WIDTH + 10 + 10 + 8 + columns + 6)).clamp(4, crate::tui::view::SPARK_PERIODS)
}

/// The longest word of [`verdict`] at this width, so none is cut.
fn word_width(wide: bool) -> u16 {
    [Direction::Better, Direction::Worse, Direction::Steady]
        .into_iter()
        .flat_map(|d| [verdict(d, false, wide), verdict(d, true, wide)])
        .map(|w| w.chars().count() as u16)
        .max()
        .unwrap_or(0)
}

/// The first letter in upper case, for the start of a sentence.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn delta_cell<'a>(d: &Delta, intended: bool, theme: &Theme) -> Cell<'a> {
    let style = theme.direction(as_planned(d.direction, intended));
    Cell::from(Line::from(Span::styled(d.text.clone(), style)).right_aligned())
}

/// A worsening an open action planned for is good news: the team is doing what it chose.
fn as_planned(d: Direction, intended: bool) -> Direction {
    if intended && d == Direction::Worse { Direction::Better } else { d }
}

/// The word under the colour, so direction reads without colour too. Steady means
/// within the usual range of the trailing periods (`metrics::variation`).
fn verdict(d: Direction, intended: bool, wide: bool) -> &'static str {
    match d {
        Direction::Better => "better",
        Direction::Worse if intended => "as planned",
        Direction::Worse => "worse",
        Direction::Steady if wide => "within usual range",
        Direction::Steady => "usual",
        Direction::Unknown => "",
    }
}

fn draw_notes(frame: &mut Frame, area: Rect, model: &DashboardModel, selected: Option<&MetricRow>, theme: &Theme) {
    let mut lines = Vec::new();
    // The selected metric in words: the events its value rests on and its usual range, at
    // any width (the events column shows only on wide screens).
    if let Some(r) = selected.filter(|_| model.has_data) {
        let mut about = format!("{}: {}", r.name, r.value);
        if let Some(evidence) = &r.evidence {
            about.push_str(&format!(", {evidence}"));
        }
        if let Some(usual) = &r.usual {
            about.push_str(&format!("; usual range {usual}"));
        }
        lines.push(Line::raw(format!("{about}.")));
    }
    if !model.has_data {
        // Never a screen of "no data" without why and what to type.
        lines.push(Line::styled("No data in these periods.", theme.title()));
        lines.push(Line::raw(
            "The team's imports do not reach them. Import its deployments with `retro import deployments FILE` \
             (or `retro import git REPO`); `retro import --help` lists what else can be imported.",
        ));
        lines.push(Line::raw(""));
    }
    lines.push(Line::styled(
        "▲▼ show which way a number moved; better / worse read it by the metric's own direction.",
        theme.dim(),
    ));
    lines.push(Line::styled(
        format!(
            "better / worse only beyond the usual range of the {TRAILING_PERIODS} periods before (natural \
             process limits, and enough events to rule out chance); within it, the move is routine variation."
        ),
        theme.dim(),
    ));
    if model.current.is_partial() {
        lines.push(Line::styled(format!("{}: still under way.", model.current_label), theme.dim()));
    } else if model.partly_covered {
        lines.push(Line::styled(
            format!("{}: the team's data covers only these days, and its numbers are over them.", model.current_label),
            theme.dim(),
        ));
    }
    if model.dora.iter().any(|r| r.imported) {
        lines.push(Line::styled("* imported from another tool: no raw events in this period.", theme.dim()));
    }
    if model.dora.iter().chain(&model.team_metrics).any(|r| r.intended) {
        lines.push(Line::styled(
            "as planned: an action open in this period expected this metric to worsen (for example, slowing \
             down to pay off debt).",
            theme.dim(),
        ));
    }
    if model.unlinked_incidents > 0 {
        lines.push(Line::raw(format!(
            "{} incident(s) in these periods name no production deployment, so they are not in the \
             failure rate or recovery time. Linking them to a deployment_id would include them.",
            model.unlinked_incidents
        )));
    }
    for signal in &model.signals {
        lines.push(Line::raw(""));
        lines.push(Line::from(vec![
            Span::styled(format!("⚑ {}", signal.title), theme.title()),
            Span::styled(format!("  {}", signal.when), theme.dim()),
        ]));
        lines.push(Line::raw(signal.explanation.clone()));
        lines.push(Line::styled(format!("Ask: {}", signal.question), theme.dim()));
    }
    let block = Block::new().padding(Padding::horizontal(1));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(block), area);
}
