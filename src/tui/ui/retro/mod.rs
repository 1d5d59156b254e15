//! The retro screen: a bar of stages, the current stage, and the overlays for typing.

mod blocking;
mod close;
mod data;
mod decide;
mod editor;
mod review;
mod set_stage;

use super::theme::Theme;
use crate::domain::Stage;
use crate::tui::retro::RetroScreen;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn draw(frame: &mut Frame, area: Rect, screen: &RetroScreen, theme: &Theme) {
    let message_height = u16::from(screen.message.is_some());
    let [bar, body, message] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0), Constraint::Length(message_height)]).areas(area);
    draw_stage_bar(frame, bar, screen.flow.stage(), screen.flow.is_finished(), theme);
    match screen.flow.stage() {
        Stage::SetTheStage => set_stage::draw(frame, body, screen, theme),
        Stage::ReviewActions => review::draw(frame, body, screen, theme),
        Stage::LookAtData => data::draw(frame, body, screen, theme),
        Stage::WhatsBlocking => blocking::draw(frame, body, screen, theme),
        Stage::DecideActions => decide::draw(frame, body, screen, theme),
        Stage::Close => close::draw(frame, body, screen, theme),
    }
    if let Some(m) = &screen.message {
        frame.render_widget(
            Paragraph::new(Line::styled(format!(" {}", crate::text::safe(m)), theme.warning())),
            message,
        );
    }
    if let Some(e) = &screen.editor {
        editor::draw_editor(frame, area, e, theme);
    }
    if let Some(f) = &screen.form {
        editor::draw_form(frame, area, f, theme);
    }
    if screen.confirm_delete.is_some() {
        editor::draw_confirm_delete(frame, area, theme);
    }
}

/// Where the retro is: every stage, the current one highlighted. Short names on narrow
/// screens.
fn draw_stage_bar(frame: &mut Frame, area: Rect, current: Stage, finished: bool, theme: &Theme) {
    const SHORT: [&str; 6] = ["Stage", "Review", "Data", "Blocking", "Actions", "Close"];
    let narrow = area.width < 110;
    let mut spans = vec![Span::raw(" ")];
    for (i, stage) in Stage::ALL.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" › ", theme.dim()));
        }
        let name = if narrow { SHORT[i] } else { stage.title() };
        let text = format!("{} {name}", i + 1);
        spans.push(match stage.cmp(&current) {
            std::cmp::Ordering::Equal => Span::styled(format!("[{text}]"), theme.selected()),
            std::cmp::Ordering::Less => Span::raw(text),
            std::cmp::Ordering::Greater => Span::styled(text, theme.dim()),
        });
    }
    if finished {
        spans.push(Span::styled("  (closed)", theme.dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
