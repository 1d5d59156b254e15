use crate::domain::Stage;
use crate::text::{fill_width, fit};
use crate::tui::keymap::Action;
use crate::tui::retro::RetroScreen;
use crate::tui::ui::Hints;
use crate::tui::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, List, ListItem, ListState, Row, Table};

pub fn draw(frame: &mut Frame, area: Rect, screen: &RetroScreen, hints: &Hints, theme: &Theme) {
    let flow = &screen.flow;
    // At least three rows, at most half the stage (clamp would panic on a tiny screen).
    let actions_height = (flow.actions.len() as u16 + 2).max(3).min(area.height / 2);
    let [notes_area, actions_area] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(actions_height)]).areas(area);
    let width = usize::from(notes_area.width.saturating_sub(4));
    let items: Vec<ListItem> = flow
        .notes
        .iter()
        .map(|n| {
            let first = n.body.lines().next().unwrap_or_default();
            let prompt = fit(&n.prompt, width / 3);
            ListItem::new(Line::raw(fit(&format!("{first}  ({prompt})"), width)))
        })
        .collect();
    let mut title = vec![ratatui::text::Span::raw(if items.is_empty() { " No notes yet" } else { " Notes" })];
    let keys = if items.is_empty() {
        hints.spans(&[(Action::NewAction, "creates an action anyway")], theme)
    } else {
        hints.spans(
            &[(Action::Add, "turns the selected one into an action"), (Action::NewAction, "starts from scratch")],
            theme,
        )
    };
    if !keys.is_empty() {
        title.push(ratatui::text::Span::raw(": "));
        title.extend(keys);
    }
    title.push(ratatui::text::Span::raw(" "));
    let title = Line::from(title);
    let list = List::new(items)
        .block(Block::new().borders(Borders::TOP).title(title))
        .highlight_style(if screen.actions_focus.is_none() { theme.selected() } else { theme.header() });
    let mut state = ListState::default().with_selected(Some(screen.cursor_on(Stage::DecideActions)));
    frame.render_stateful_widget(list, notes_area, &mut state);

    // Metric, Expected, Due, Driven by; the title takes what is left.
    let fixed @ [metric_width, expected_width, _, volunteer_width]: [u16; 4] = [18, 17, 10, 10];
    let title_width = fill_width(actions_area.width, &fixed);
    let rows = flow.actions.iter().map(|a| {
        Row::new([
            fit(&a.plan.title, title_width),
            fit(a.plan.metric.name(), metric_width.into()),
            fit(a.plan.expected.label(), expected_width.into()),
            a.plan.due.map(|d| d.to_string()).unwrap_or_default(),
            fit(a.plan.volunteer.as_deref().unwrap_or_default(), volunteer_width.into()),
        ])
    });
    let mut title = vec![ratatui::text::Span::raw(format!(" Actions from this retro ({})", flow.actions.len()))];
    let keys = match screen.actions_focus {
        Some(_) => hints.spans(&[(Action::Edit, "corrects it"), (Action::Delete, "deletes it")], theme),
        None if !flow.actions.is_empty() => hints.spans(&[(Action::NextPane, "selects one to correct")], theme),
        None => vec![],
    };
    if !keys.is_empty() {
        title.push(ratatui::text::Span::raw(": "));
        title.extend(keys);
    }
    title.push(ratatui::text::Span::raw(" "));
    let table = Table::new(rows, [Constraint::Fill(1)].into_iter().chain(fixed.map(Constraint::Length)))
        .header(Row::new(["Action", "Metric", "Expected", "Due", "Driven by"]).style(theme.header()))
        .block(Block::new().borders(Borders::TOP).title(Line::from(title)))
        .row_highlight_style(theme.selected());
    let mut state = ratatui::widgets::TableState::default().with_selected(screen.actions_focus);
    frame.render_stateful_widget(table, actions_area, &mut state);
}
