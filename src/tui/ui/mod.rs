//! Drawing: pure functions from the app's state to a frame. Nothing here changes state
//! or reads the store.

pub(crate) mod actions;
mod dashboard;
pub mod detail;
mod first_run;
mod footer;
mod help;
mod picker;
mod retro;
pub mod theme;

use super::app::{App, Screen};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use theme::Theme;

pub fn draw(frame: &mut Frame, app: &App, theme: &Theme) {
    let [header, body, footer_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0), Constraint::Length(1)]).areas(frame.area());
    draw_header(frame, header, app, theme);
    match app.screen {
        Screen::FirstRun => first_run::draw(frame, body, &app.command, theme),
        Screen::TeamPicker => picker::draw(frame, body, app, theme),
        Screen::Dashboard => dashboard::draw(frame, body, app, theme),
        Screen::Detail => detail::draw(frame, body, app, theme),
        Screen::Actions => {
            if let Some(a) = &app.actions {
                actions::draw(frame, body, a, app.team.as_ref(), theme);
            }
        }
        Screen::Retro => {
            if let Some(r) = &app.retro {
                retro::draw(frame, body, r, theme);
            }
        }
    }
    if let Some(offer) = &app.retro_offer {
        help::draw_retro_offer(frame, body, offer, theme);
    }
    footer::draw(frame, footer_area, app, theme);
    if app.help_open {
        help::draw(frame, body, app, theme);
    }
    if app.confirm_quit {
        help::draw_confirm_quit(frame, body, theme);
    }
    if let Some(notice) = &app.notice {
        help::draw_notice(frame, body, notice, theme);
    }
    scrub(frame.buffer_mut());
}

/// The last guard: screens draw text from data through [`crate::text::safe`] (ratatui
/// itself drops control characters), so a cell still holding a bidi override or a
/// zero-width character is text a screen forgot, or the note editor's own text. It shows
/// U+FFFD, one column wide, where the terminal and the layout could disagree on widths.
fn scrub(buffer: &mut ratatui::buffer::Buffer) {
    for cell in &mut buffer.content {
        if cell.symbol().chars().any(crate::text::is_neutralised) {
            cell.set_symbol("\u{fffd}");
        }
    }
}

fn draw_header(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let mut spans = vec![Span::styled(" retro", theme.title())];
    if let Some(team) = &app.team {
        spans.push(Span::raw(format!(" · {}", crate::text::safe(&team.name))));
    }
    if let (Some(anchor), Screen::Dashboard | Screen::Detail) = (&app.anchor, app.screen) {
        spans.push(Span::raw(format!(" · {}", period_title(anchor))));
    }
    if let (Some(r), Screen::Retro) = (&app.retro, app.screen) {
        let w = &r.flow.retro.window;
        spans.push(Span::raw(format!(" · Retro {} – {}", w.first_day().format("%b %d"), w.last_day().format("%b %d"))));
    }
    let [left, right] = Layout::horizontal([Constraint::Min(0), Constraint::Length(8)]).areas(area);
    frame.render_widget(Paragraph::new(Line::from(spans)), left);
    frame.render_widget(Paragraph::new(Line::from(Span::styled("? help ", theme.dim())).right_aligned()), right);
}

/// `Week 2026-W48 (Nov 23 – Nov 29)` or `Month 2026-11`.
pub fn period_title(p: &crate::domain::Period) -> String {
    match p.granularity {
        Some(crate::domain::Granularity::Week) => {
            format!("Week {} ({} – {})", p.label(), p.first_day().format("%b %d"), p.last_day().format("%b %d"))
        }
        Some(crate::domain::Granularity::Month) => format!("Month {}", p.first_day().format("%B %Y")),
        None => p.label(),
    }
}
