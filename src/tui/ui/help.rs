use super::Hints;
use super::theme::Theme;
use crate::tui::app::{App, Question};
use crate::tui::keymap::{Action, Context, Key};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

/// Keys of one binding the help names one by one; a longer run (the digits) reads
/// better as its label.
const KEYS_NAMED: usize = 4;

/// Every key of the screen underneath, generated from the keymap.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let mut lines: Vec<Line> = app
        .keys_shown(app.screen_context())
        .iter()
        .filter(|b| !b.help.is_empty())
        .map(|b| {
            let keys = if b.keys.len() > KEYS_NAMED {
                b.label.to_owned()
            } else {
                b.keys.iter().map(|k| Key::name(*k)).collect::<Vec<_>>().join(" ")
            };
            Line::from(vec![Span::styled(format!("{keys:<18}"), theme.key()), Span::raw(b.help)])
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::from(Hints::new(app, Context::Help).spans(&[(Action::Back, "closes this help.")], theme)));
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

/// A question asked before an irreversible step, its answers from the keymap.
pub fn draw_question(frame: &mut Frame, area: Rect, title: &str, text: &[String], hints: Line, theme: &Theme) {
    let width = area.width.min(64);
    let mut lines: Vec<Line> =
        text.iter().flat_map(|t| crate::text::wrap(t, usize::from(width.saturating_sub(2)))).map(Line::raw).collect();
    lines.push(hints);
    let popup = area.centered(Constraint::Length(width), Constraint::Length(lines.len() as u16 + 2));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(Span::styled(format!(" {title} "), theme.title()))),
        popup,
    );
}

/// The answers of the question on top, from its context's keys.
pub fn answers(app: &App, context: Context, theme: &Theme) -> Line<'static> {
    Line::from(Hints::new(app, context).all_short(theme))
}

pub fn draw_confirm(frame: &mut Frame, area: Rect, app: &App, question: &Question, theme: &Theme) {
    let (title, text, context) = match question {
        Question::Quit if !app.pending.is_empty() => (
            "Quit?",
            vec![format!(
                "{} change(s) typed here are not in the store yet (it is busy or the disk is full). Write \
                 their text to {} and quit, or quit without them?",
                app.pending.len(),
                app.unsaved_path().display()
            )],
            Context::ConfirmQuit,
        ),
        Question::Quit => ("Quit?", vec!["Something is not saved yet. Quit anyway?".to_owned()], Context::ConfirmQuit),
        Question::NewRetro(old) => (
            "Start anew?",
            vec![format!(
                "Close the retro of {} – {} as it stands and start a new one? Everything recorded in it is \
                 kept, and can be read and exported (retro export {}).",
                old.window.first_day().format("%b %d"),
                old.window.last_day().format("%b %d"),
                old.id.0
            )],
            Context::ConfirmNewRetro,
        ),
    };
    draw_question(frame, area, title, &text, answers(app, context, theme), theme);
}

/// Why a request was refused, until the next key.
pub fn draw_notice(frame: &mut Frame, area: Rect, app: &App, notice: &str, theme: &Theme) {
    let width = area.width.min(64);
    let lines = crate::text::wrap(notice, usize::from(width.saturating_sub(2)));
    let popup = area.centered(Constraint::Length(width), Constraint::Length(lines.len() as u16 + 4));
    frame.render_widget(Clear, popup);
    let mut text: Vec<Line> = lines.into_iter().map(Line::raw).collect();
    text.push(Line::raw(""));
    text.push(Line::from(
        Hints::new(app, Context::Notice).spans(&[(Action::Back, "closes this (any key does)")], theme),
    ));
    frame.render_widget(
        Paragraph::new(text).block(Block::bordered().title(Span::styled(" Not now ", theme.warning()))),
        popup,
    );
}

/// An unfinished retro exists: resume it, or start another.
pub fn draw_retro_offer(frame: &mut Frame, area: Rect, app: &App, offer: &crate::domain::Retro, theme: &Theme) {
    let popup = area.centered(Constraint::Max(64), Constraint::Length(6));
    frame.render_widget(Clear, popup);
    let w = &offer.window;
    let hints = Hints::new(app, Context::RetroOffer).spans(
        &[
            (Action::Confirm, "resume it"),
            (Action::NewRetro, "close it as it stands and start anew"),
            (Action::Cancel, "back"),
        ],
        theme,
    );
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
            Line::from(hints),
        ])
        .wrap(Wrap { trim: false })
        .block(Block::bordered().title(Span::styled(" Resume? ", theme.title()))),
        popup,
    );
}
