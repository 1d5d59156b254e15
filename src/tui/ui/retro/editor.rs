use crate::domain::Expected;
use crate::text::wrap;
use crate::tui::app::App;
use crate::tui::editor::Editor;
use crate::tui::form::{ActionFormUi, Field};
use crate::tui::retro::{Question, RetroScreen};
use crate::tui::ui::Hints;
use crate::tui::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

/// The note being typed, over the stage.
pub fn draw_editor(frame: &mut Frame, area: Rect, editor: &Editor, hints: &Hints, theme: &Theme) {
    let popup = area.centered(Constraint::Percentage(90), Constraint::Percentage(60));
    frame.render_widget(Clear, popup);
    // Where the cursor is, so a note taller than the editor can be found in.
    let (line, col, lines) = editor.position();
    let block = Block::bordered()
        .title(Span::styled(" Note ", theme.title()))
        .title_top(Line::styled(format!(" line {line}/{lines}, col {col} "), theme.dim()).right_aligned())
        .title_bottom(padded(hints.all_short(theme)));
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

/// Lines each field of the action form takes: its line and a gap.
const FORM_FIELD_HEIGHT: u16 = 2;

/// A new action's fields.
pub fn draw_form(frame: &mut Frame, area: Rect, form: &ActionFormUi, hints: &Hints, theme: &Theme) {
    // A row per field, one for the error, and the border.
    let height = FORM_FIELD_HEIGHT * Field::ALL.len() as u16 + 1 + 2;
    let popup = area.centered(Constraint::Percentage(90), Constraint::Length(height));
    frame.render_widget(Clear, popup);
    let title = if form.editing.is_some() { " Edit action " } else { " New action " };
    let block =
        Block::bordered().title(Span::styled(title, theme.title())).title_bottom(padded(hints.all_short(theme)));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let field_rows = [Constraint::Length(FORM_FIELD_HEIGHT); Field::ALL.len()];
    let rows = Layout::vertical(field_rows.into_iter().chain([Constraint::Min(0)])).split(inner);
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
            rows[Field::ALL.len()],
        );
    }
}

/// A border title of hints, a space either side.
fn padded(mut spans: Vec<Span<'static>>) -> Line<'static> {
    spans.insert(0, Span::raw(" "));
    spans.push(Span::raw(" "));
    Line::from(spans)
}

/// The retro's question: what it is about, and its answers from the keymap.
pub fn draw_confirm(
    frame: &mut Frame,
    area: Rect,
    screen: &RetroScreen,
    question: &Question,
    app: &App,
    theme: &Theme,
) {
    let (title, text) = match question {
        Question::DeleteNote(id) => {
            let body = screen.flow.notes.iter().find(|n| n.id == *id).map_or("", |n| n.body.as_str());
            ("Delete", vec!["Delete this note?".to_owned(), format!("“{}”", crate::text::fit(body, 56))])
        }
        Question::DropAction(id) => {
            let title = screen.flow.to_review.iter().find(|a| a.id == *id).map_or("", |a| a.plan.title.as_str());
            (
                "Drop",
                vec![
                    format!("Drop “{}”?", crate::text::fit(title, 50)),
                    "A dropped action is no longer reviewed in later retros.".to_owned(),
                ],
            )
        }
        Question::DeleteAction(id) => {
            let title = screen.flow.action(*id).map_or("", |a| a.plan.title.as_str());
            (
                "Delete",
                vec![
                    format!("Delete the action “{}”?", crate::text::fit(title, 44)),
                    "Only for an action made by mistake: it is gone from the record.".to_owned(),
                ],
            )
        }
        Question::PastDue(form) => {
            ("Due date", vec![format!("The due date {} is already past. Keep it?", form.due.lines().join("").trim())])
        }
        Question::CloseRetro => (
            "Close",
            vec![
                "Close this retro? Its record can then be read and exported, not changed.".to_owned(),
                "Until you leave this stage the close can be undone.".to_owned(),
            ],
        ),
    };
    let answers = crate::tui::ui::help::answers(app, screen.context(), theme);
    crate::tui::ui::help::draw_question(frame, area, title, &text, answers, theme);
}
