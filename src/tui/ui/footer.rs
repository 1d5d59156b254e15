use super::theme::Theme;
use crate::tui::keymap::{Context, bindings};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// The keys that work here, from the keymap itself.
pub fn draw(frame: &mut Frame, area: Rect, context: Context, theme: &Theme) {
    let mut spans = vec![Span::raw(" ")];
    for b in bindings(context).iter().filter(|b| !b.short.is_empty()) {
        spans.push(Span::styled(b.label, theme.key()));
        spans.push(Span::raw(format!(" {}  ", b.short)));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
