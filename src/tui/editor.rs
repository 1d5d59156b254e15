//! The note editor: a multi-line text being typed, and what of it is drafted already.

use crate::retro::flow::NoteTarget;
use ratatui::style::Style;
use ratatui_textarea::TextArea;

/// A multi-line text being typed, and what of it is already saved as a draft.
#[derive(Debug)]
pub struct Editor {
    pub purpose: NoteTarget,
    pub title: String,
    pub textarea: TextArea<'static>,
    /// What of the text is saved as the draft already.
    pub(super) saved: String,
}

impl Editor {
    pub(super) fn new(purpose: NoteTarget, title: String, body: &str) -> Self {
        let lines: Vec<String> =
            if body.is_empty() { vec![String::new()] } else { body.lines().map(String::from).collect() };
        let mut textarea = TextArea::new(lines);
        textarea.set_cursor_line_style(Style::default());
        // A long note wraps inside the editor instead of running off its right edge.
        textarea.set_wrap_mode(ratatui_textarea::WrapMode::WordOrGlyph);
        textarea.move_cursor(ratatui_textarea::CursorMove::Bottom);
        textarea.move_cursor(ratatui_textarea::CursorMove::End);
        Editor { purpose, title, textarea, saved: body.to_owned() }
    }

    pub fn body(&self) -> String {
        self.textarea.lines().join("\n")
    }

    /// Where the cursor is: line and column (from 1), and how many lines there are.
    pub fn position(&self) -> (usize, usize, usize) {
        let ratatui_textarea::DataCursor(row, col) = self.textarea.cursor();
        (row + 1, col + 1, self.textarea.lines().len())
    }

    /// Typed since the last draft save.
    pub(super) fn changed(&self) -> bool {
        self.body() != self.saved
    }
}
