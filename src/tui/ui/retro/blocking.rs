use crate::domain::Stage;
use crate::retro::flow::NoteTarget;
use crate::text::wrap;
use crate::tui::keymap::Action;
use crate::tui::retro::RetroScreen;
use crate::tui::ui::Hints;
use crate::tui::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Text};
use ratatui::widgets::{Block, Borders, List, ListItem, ListState};

pub fn draw(frame: &mut Frame, area: Rect, screen: &RetroScreen, hints: &Hints, theme: &Theme) {
    let flow = &screen.flow;
    let [prompts_area, notes_area] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area);
    let width = usize::from(prompts_area.width.saturating_sub(4));
    // A metric's reason is shown once, over the first of its prompts.
    let mut last_reason: Option<&str> = None;
    let items: Vec<ListItem> = flow
        .blocking_prompts()
        .into_iter()
        .map(|p| {
            let notes = flow.notes_for(&p.key).count();
            let drafted = flow.draft.as_ref().is_some_and(|d| d.target == NoteTarget::Prompt(p.key.clone()));
            // The count is wrapped with the prompt, so it never pushes the prompt's words out.
            let count = match (notes, drafted) {
                (0, false) => String::new(),
                (0, true) => " (draft)".to_owned(),
                (n, false) => format!(" ({n})"),
                (n, true) => format!(" ({n}, draft)"),
            };
            let mut text = Text::default();
            for line in wrap(&format!("{}{count}", p.text), width) {
                text.push_line(Line::raw(line));
            }
            let reason = p.reason.as_deref().filter(|r| last_reason != Some(r));
            last_reason = p.reason.as_deref();
            if let Some(reason) = reason {
                let mut lines = vec![];
                for line in wrap(reason, width) {
                    lines.push(Line::styled(line, theme.dim()));
                }
                lines.extend(text.lines);
                text = Text::from(lines);
            }
            ListItem::new(text)
        })
        .collect();
    let prompts_focused = screen.notes_focus.is_none();
    let title_style = |focused: bool| if focused { theme.title() } else { theme.dim() };
    let prompts = List::new(items)
        .block(
            Block::new()
                .borders(Borders::TOP | Borders::RIGHT)
                .title_top(Line::styled(" Prompts ", title_style(prompts_focused))),
        )
        .highlight_style(if prompts_focused { theme.selected() } else { theme.header() });
    let mut state = ListState::default().with_selected(Some(screen.cursor_on(Stage::WhatsBlocking)));
    frame.render_stateful_widget(prompts, prompts_area, &mut state);

    let note_width = usize::from(notes_area.width.saturating_sub(4));
    // A draft kept with Esc is shown where it will go: under the note it edits, or after
    // the notes of its prompt.
    let draft = flow.draft.as_ref().map(|d| (d.target.clone(), d.body.as_str()));
    let draft_lines = |body: &str, text: &mut Text<'static>| {
        for (i, paragraph) in body.lines().enumerate() {
            for line in wrap(&if i == 0 { format!("draft: {paragraph}") } else { paragraph.to_owned() }, note_width) {
                text.push_line(Line::styled(format!("  {line}"), theme.dim()));
            }
        }
    };
    let mut notes: Vec<ListItem> = screen
        .selected_prompt_notes()
        .iter()
        .filter_map(|id| flow.notes.iter().find(|n| n.id == *id))
        .map(|n| {
            let mut text = Text::default();
            for (i, paragraph) in n.body.lines().enumerate() {
                for (j, line) in wrap(paragraph, note_width).into_iter().enumerate() {
                    let bullet = if i == 0 && j == 0 { "• " } else { "  " };
                    text.push_line(Line::raw(format!("{bullet}{line}")));
                }
            }
            if let Some((NoteTarget::Edit(id), body)) = &draft
                && *id == n.id
            {
                draft_lines(body, &mut text);
            }
            ListItem::new(text)
        })
        .collect();
    let selected_prompt = flow.blocking_prompts().get(screen.cursor_on(Stage::WhatsBlocking)).map(|p| p.key.clone());
    if let (Some((NoteTarget::Prompt(key), body)), Some(selected)) = (&draft, &selected_prompt)
        && key == selected
    {
        let mut text = Text::default();
        draft_lines(body, &mut text);
        notes.push(ListItem::new(text));
    }
    let empty = notes.is_empty();
    let notes_list = List::new(notes)
        .block(Block::new().borders(Borders::TOP).title_top(Line::styled(" Notes ", title_style(!prompts_focused))))
        .highlight_style(theme.selected());
    let mut state = ListState::default().with_selected(screen.notes_focus);
    frame.render_stateful_widget(notes_list, notes_area, &mut state);
    if empty {
        let [_, hint] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(notes_area);
        let keys = hints.spans(&[(Action::Add, "adds one.")], theme);
        let mut line =
            vec![ratatui::text::Span::raw(if keys.is_empty() { " No notes yet." } else { " No notes yet: " })];
        line.extend(keys);
        frame.render_widget(ratatui::widgets::Paragraph::new(Line::from(line).style(theme.dim())), hint);
    }
}
