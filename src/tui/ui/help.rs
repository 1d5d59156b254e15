use super::theme::Theme;
use crate::tui::app::App;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

/// Every key of the screen underneath, generated from the keymap.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let mut lines: Vec<Line> = app
        .keys_shown(app.screen_context())
        .iter()
        .map(|b| {
            let mut keys: Vec<String> = b.keys.iter().map(|k| key_name(*k)).collect();
            if keys.is_empty() {
                keys.push(b.label.to_owned());
            }
            Line::from(vec![Span::styled(format!("{:<18}", keys.join(" ")), theme.key()), Span::raw(b.help)])
        })
        .collect();
    lines.push(Line::from(vec![Span::styled(format!("{:<18}", "Ctrl-C"), theme.key()), Span::raw("quit")]));
    lines.push(Line::raw(""));
    lines.push(Line::styled("? or Esc closes this help.", theme.dim()));
    let height = (lines.len() as u16 + 2).min(area.height);
    let popup = area.centered(Constraint::Max(64), Constraint::Length(height));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(Span::styled(" Keys ", theme.title()))),
        popup,
    );
}

pub fn draw_confirm_quit(frame: &mut Frame, area: Rect, theme: &Theme) {
    let popup = area.centered(Constraint::Max(50), Constraint::Length(4));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(vec![Line::raw("Something is not saved yet. Quit anyway?"), Line::raw("y quit · n stay")])
            .block(Block::bordered().title(Span::styled(" Quit? ", theme.title()))),
        popup,
    );
}

fn key_name(code: ratatui::crossterm::event::KeyCode) -> String {
    use ratatui::crossterm::event::KeyCode::*;
    match code {
        Up => "↑".into(),
        Down => "↓".into(),
        Left => "←".into(),
        Right => "→".into(),
        Enter => "Enter".into(),
        Esc => "Esc".into(),
        Tab => "Tab".into(),
        BackTab => "Shift-Tab".into(),
        Home => "Home".into(),
        End => "End".into(),
        Char(c) => c.to_string(),
        other => format!("{other:?}"),
    }
}

/// Why a request was refused, until the next key.
pub fn draw_notice(frame: &mut Frame, area: Rect, notice: &str, theme: &Theme) {
    let width = area.width.min(64);
    let lines = crate::text::wrap(notice, usize::from(width.saturating_sub(2)));
    let popup = area.centered(Constraint::Length(width), Constraint::Length(lines.len() as u16 + 4));
    frame.render_widget(Clear, popup);
    let mut text: Vec<Line> = lines.into_iter().map(Line::raw).collect();
    text.push(Line::raw(""));
    text.push(Line::styled("Any key closes this.", theme.dim()));
    frame.render_widget(
        Paragraph::new(text).block(Block::bordered().title(Span::styled(" Not now ", theme.warning()))),
        popup,
    );
}

/// An unfinished retro exists: resume it, or start another.
pub fn draw_retro_offer(frame: &mut Frame, area: Rect, offer: &crate::domain::Retro, theme: &Theme) {
    let popup = area.centered(Constraint::Max(64), Constraint::Length(6));
    frame.render_widget(Clear, popup);
    let w = &offer.window;
    frame.render_widget(
        Paragraph::new(vec![
            Line::raw(format!(
                "The retro of {} – {} is not finished (at: {}).",
                w.first_day().format("%b %d"),
                w.last_day().format("%b %d"),
                offer.stage.title()
            )),
            Line::raw("Everything recorded in it is kept."),
            Line::raw(""),
            Line::styled("Enter resume it · n close it as it stands and start anew · Esc back", theme.dim()),
        ])
        .wrap(Wrap { trim: false })
        .block(Block::bordered().title(Span::styled(" Resume? ", theme.title()))),
        popup,
    );
}
