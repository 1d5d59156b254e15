use super::theme::Theme;
use crate::tui::app::App;
use crate::tui::keymap::{Context, bindings};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

/// Every key of the screen underneath, generated from the keymap.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let screen = match app.screen {
        crate::tui::app::Screen::FirstRun => Context::FirstRun,
        crate::tui::app::Screen::TeamPicker => Context::TeamPicker,
        crate::tui::app::Screen::Dashboard => Context::Dashboard,
        crate::tui::app::Screen::Detail => Context::Detail,
    };
    let mut lines: Vec<Line> = bindings(screen)
        .iter()
        .map(|b| {
            let keys: Vec<String> = b.keys.iter().map(|k| key_name(*k)).collect();
            Line::from(vec![
                Span::styled(format!("{:<18}", keys.join(" ")), theme.key()),
                Span::raw(b.help),
            ])
        })
        .collect();
    lines.push(Line::from(vec![
        Span::styled(format!("{:<18}", "Ctrl-C"), theme.key()),
        Span::raw("quit"),
    ]));
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
        Paragraph::new(vec![
            Line::raw("Something is not saved yet. Quit anyway?"),
            Line::raw("y quit · n stay"),
        ])
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
