use crate::domain::Expected;
use crate::text::wrap;
use crate::tui::retro::{ActionFormUi, Editor, Field};
use crate::tui::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

/// The note being typed, over the stage.
pub fn draw_editor(frame: &mut Frame, area: Rect, editor: &Editor, theme: &Theme) {
    let popup = area.centered(Constraint::Percentage(90), Constraint::Percentage(60));
    frame.render_widget(Clear, popup);
    let block = Block::bordered()
        .title(Span::styled(" Note ", theme.title()))
        .title_bottom(Line::styled(" Ctrl-S save · Esc close (kept as a draft) ", theme.dim()));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    // The prompt in full, wrapped above the text: a border title would cut it.
    let prompt: Vec<Line> =
        wrap(&editor.title, usize::from(inner.width)).into_iter().map(|l| Line::styled(l, theme.title())).collect();
    let prompt_height = (prompt.len() as u16).min(inner.height.saturating_sub(2));
    let [prompt_area, _, text_area] =
        Layout::vertical([Constraint::Length(prompt_height), Constraint::Length(1), Constraint::Min(1)]).areas(inner);
    frame.render_widget(Paragraph::new(prompt), prompt_area);
    frame.render_widget(&editor.textarea, text_area);
}

/// A new action's fields.
pub fn draw_form(frame: &mut Frame, area: Rect, form: &ActionFormUi, theme: &Theme) {
    let popup = area.centered(Constraint::Percentage(90), Constraint::Length(17));
    frame.render_widget(Clear, popup);
    let block = Block::bordered()
        .title(Span::styled(" New action ", theme.title()))
        .title_bottom(Line::styled(" Tab next field · ←→ choose · Ctrl-S create · Esc cancel ", theme.dim()));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let rows = Layout::vertical([Constraint::Length(2); 7].into_iter().chain([Constraint::Min(0)])).split(inner);
    for (i, field) in Field::ALL.into_iter().enumerate() {
        let [label, value] = Layout::horizontal([Constraint::Length(18), Constraint::Min(0)]).areas(rows[i]);
        let focused = form.field == i;
        let style = if focused { theme.title() } else { theme.dim() };
        frame.render_widget(Paragraph::new(Line::styled(format!(" {}", field.label()), style)), label);
        let choice = |text: String| {
            let line = if focused { format!("‹ {text} ›") } else { text };
            Paragraph::new(Line::styled(line, if focused { theme.selected() } else { Default::default() }))
        };
        match field {
            Field::Title => frame.render_widget(&form.title, value),
            Field::Description => frame.render_widget(&form.description, value),
            Field::Target => frame.render_widget(&form.target, value),
            Field::Due => frame.render_widget(&form.due, value),
            Field::Volunteer => frame.render_widget(&form.volunteer, value),
            Field::Metric => {
                frame.render_widget(choice(crate::text::safe(form.metrics[form.metric].name()).into_owned()), value)
            }
            Field::Expected => frame.render_widget(choice(Expected::ALL[form.expected].label().to_owned()), value),
        }
    }
    if let Some(e) = &form.error {
        frame.render_widget(
            Paragraph::new(Line::styled(format!(" {}", crate::text::safe(e)), theme.warning()))
                .wrap(Wrap { trim: true }),
            rows[7],
        );
    }
}

pub fn draw_confirm_delete(frame: &mut Frame, area: Rect, theme: &Theme) {
    let popup = area.centered(Constraint::Max(44), Constraint::Length(4));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(vec![Line::raw("Delete this note?"), Line::styled("y delete · n keep", theme.dim())])
            .block(Block::bordered().title(Span::styled(" Delete ", theme.title()))),
        popup,
    );
}
