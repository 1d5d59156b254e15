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
mod retros;
pub mod theme;

use super::app::{App, Overlay, Screen};
use super::keymap::{Action, Binding, Context};
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
                draw_action_correction(frame, body, app, a, theme);
            }
        }
        Screen::Retros => {
            if let Some(r) = &app.retros {
                retros::draw(frame, body, r, theme);
            }
        }
        Screen::Retro => {
            if let Some(r) = &app.retro {
                retro::draw(frame, body, r, app, theme);
            }
        }
    }
    footer::draw(frame, footer_area, app, theme);
    for overlay in &app.overlays {
        match overlay {
            Overlay::Help => help::draw(frame, body, app, theme),
            Overlay::Confirm(question) => help::draw_confirm(frame, body, app, question, theme),
            Overlay::Notice(notice) => help::draw_notice(frame, body, app, notice, theme),
            Overlay::Offer(offer) => help::draw_retro_offer(frame, body, app, offer, theme),
        }
    }
    scrub(frame.buffer_mut());
}

/// The form correcting an action over the actions screen, or its question.
fn draw_action_correction(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    screen: &super::actions::ActionsScreen,
    theme: &Theme,
) {
    let hints = Hints::new(app, app.screen_context());
    match &screen.editing {
        super::actions::Editing::No => {}
        super::actions::Editing::Form(form) => retro::editor::draw_form(frame, area, form, &hints, theme),
        super::actions::Editing::PastDue(form) => {
            let text = [format!("The due date {} is already past. Keep it?", form.due.lines().join("").trim())];
            help::draw_question(frame, area, "Due date", &text, Line::from(hints.all_short(theme)), theme);
        }
    }
}

/// Key hints for one context, generated from the bindings the app lets act there, so
/// that a hint never names a key that does not work.
pub struct Hints {
    keys: Vec<Binding>,
}

impl Hints {
    pub fn new(app: &App, context: Context) -> Self {
        Hints { keys: app.keys_shown(context) }
    }

    /// The label of the key for `action`, if it acts here.
    pub fn label(&self, action: Action) -> Option<&'static str> {
        super::keymap::label_for(&self.keys, action)
    }

    /// `key what · key what` for each of `items` whose action acts here, keys styled
    /// as keys; empty when none does.
    pub fn spans(&self, items: &[(Action, &str)], theme: &Theme) -> Vec<Span<'static>> {
        let mut spans = vec![];
        for (action, what) in items {
            if let Some(label) = self.label(*action) {
                if !spans.is_empty() {
                    spans.push(Span::raw(" · "));
                }
                spans.push(Span::styled(label, theme.key()));
                spans.push(Span::raw(format!(" {what}")));
            }
        }
        spans
    }

    /// The short form of every binding with a footer word: `key short · key short`.
    pub fn all_short(&self, theme: &Theme) -> Vec<Span<'static>> {
        let items: Vec<(Action, &str)> =
            self.keys.iter().filter(|b| !b.short.is_empty()).map(|b| (b.action, b.short)).collect();
        self.spans(&items, theme)
    }
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
    if let (Some(anchor), Screen::Dashboard | Screen::Detail) = (&app.dashboard.anchor, app.screen) {
        spans.push(Span::raw(format!(" · {}", period_title(anchor))));
    }
    if let (Some(r), Screen::Retro) = (&app.retro, app.screen) {
        let w = &r.flow.retro.window;
        spans.push(Span::raw(format!(" · Retro {} – {}", w.first_day().format("%b %d"), w.last_day().format("%b %d"))));
    }
    let [left, right] = Layout::horizontal([Constraint::Min(0), Constraint::Length(8)]).areas(area);
    frame.render_widget(Paragraph::new(Line::from(spans)), left);
    let help = Hints::new(app, app.screen_context()).spans(&[(Action::Help, "help ")], theme);
    frame.render_widget(Paragraph::new(Line::from(help).right_aligned()), right);
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
