//! The retro screen: a bar of stages, the current stage, and the overlays for typing.

mod blocking;
mod close;
mod data;
mod decide;
pub(super) mod editor;
mod review;
mod set_stage;

use super::Hints;
use super::theme::Theme;
use crate::domain::Stage;
use crate::tui::app::App;
use crate::tui::retro::{Mode, RetroScreen};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn draw(frame: &mut Frame, area: Rect, screen: &RetroScreen, app: &App, theme: &Theme) {
    // The stage's own keys, as hints on the stage (whatever is open over it).
    let hints = Hints::new(app, screen.stage_context());
    let message_height = u16::from(screen.message.is_some());
    let [bar, body, message] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0), Constraint::Length(message_height)]).areas(area);
    draw_stage_bar(frame, bar, screen.flow.stage(), screen.flow.is_finished(), theme);
    match screen.flow.stage() {
        Stage::SetTheStage => set_stage::draw(frame, body, screen, theme),
        Stage::ReviewActions => review::draw(frame, body, screen, theme),
        Stage::LookAtData => data::draw(frame, body, screen, theme),
        Stage::WhatsBlocking => blocking::draw(frame, body, screen, &hints, theme),
        Stage::DecideActions => decide::draw(frame, body, screen, &hints, theme),
        Stage::Close => close::draw(frame, body, screen, &hints, theme),
    }
    if let Some(m) = &screen.message {
        frame.render_widget(
            Paragraph::new(Line::styled(format!(" {}", crate::text::safe(m)), theme.warning())),
            message,
        );
    }
    let mode_hints = Hints::new(app, screen.context());
    match &screen.mode {
        Mode::Browsing => {}
        Mode::Editing(e) => editor::draw_editor(frame, area, e, &mode_hints, theme),
        Mode::Form(f) => editor::draw_form(frame, area, f, &mode_hints, theme),
        Mode::Confirm(question) => editor::draw_confirm(frame, area, screen, question, app, theme),
    }
}

/// The narrowest screen the stage bar writes the stages' full names on.
const FULL_NAMES_WIDTH: u16 = 110;

/// Where the retro is: every stage, the current one highlighted. Short names on narrow
/// screens.
fn draw_stage_bar(frame: &mut Frame, area: Rect, current: Stage, finished: bool, theme: &Theme) {
    const SHORT: [&str; Stage::ALL.len()] = ["Stage", "Review", "Data", "Blocking", "Actions", "Close"];
    let narrow = area.width < FULL_NAMES_WIDTH;
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
