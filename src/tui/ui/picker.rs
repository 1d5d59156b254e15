use super::theme::Theme;
use crate::tui::app::App;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, List, ListState};

/// Several teams share the store: choose one.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let items: Vec<Line> = app.teams.iter().map(|t| Line::raw(format!(" {} ", crate::text::safe(&t.name)))).collect();
    let height = (items.len() as u16 + 2).min(area.height);
    let popup = area.centered(Constraint::Max(50), Constraint::Length(height));
    let mut state = ListState::default().with_selected(Some(app.picker_selected));
    frame.render_stateful_widget(
        List::new(items)
            .block(Block::bordered().title(" Choose a team "))
            .highlight_style(theme.selected())
            .highlight_symbol("› "),
        popup,
        &mut state,
    );
}
