use super::theme::Theme;
use crate::tui::app::App;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// The keys that work here, from the keymap itself.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let mut spans = vec![Span::raw(" ")];
    for b in app.keys_shown(app.context()).iter().filter(|b| !b.short.is_empty()) {
        spans.push(Span::styled(b.label, theme.key()));
        spans.push(Span::raw(format!(" {}  ", b.short)));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
