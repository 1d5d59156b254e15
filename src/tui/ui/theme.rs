//! Colours that read on light and dark terminals, and none at all under `NO_COLOR`.
//! Direction is never shown by colour alone: arrows, signs and words carry it too.

use crate::metrics::Direction;
use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    color: bool,
    /// Keys in hints are drawn in a style nothing else uses, so a test can find every
    /// key named on screen.
    marks_keys: bool,
}

impl Theme {
    pub const COLOR: Theme = Theme { color: true, marks_keys: false };
    pub const PLAIN: Theme = Theme { color: false, marks_keys: false };
    /// [`Self::PLAIN`] with keys marked (see `marks_keys`), for tests.
    pub const MARKED_KEYS: Theme = Theme { color: false, marks_keys: true };

    /// Honours the `NO_COLOR` convention (no-color.org): set and not empty means no colour.
    pub fn from_env() -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Theme { color: !no_color, marks_keys: false }
    }

    fn fg(&self, color: Color) -> Style {
        if self.color { Style::new().fg(color) } else { Style::new() }
    }

    /// Good news green, bad news red (both ANSI base colours, legible on either
    /// background); steady and unknown in the terminal's own colour.
    pub fn direction(&self, d: Direction) -> Style {
        match d {
            Direction::Better => self.fg(Color::Green),
            Direction::Worse => self.fg(Color::Red).add_modifier(Modifier::BOLD),
            Direction::Steady | Direction::Unknown => Style::new(),
        }
    }

    pub fn title(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// A key named in a hint.
    pub fn key(&self) -> Style {
        if self.marks_keys {
            return Style::new().add_modifier(Modifier::ITALIC | Modifier::UNDERLINED);
        }
        self.command()
    }

    /// A command to type at the shell.
    pub fn command(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn dim(&self) -> Style {
        Style::new().add_modifier(Modifier::DIM)
    }

    /// Reversed video works on every background and without colour.
    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub fn header(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    /// Something the facilitator should read: a refusal, a low safety check.
    pub fn warning(&self) -> Style {
        self.fg(Color::Magenta).add_modifier(Modifier::BOLD)
    }

    pub fn chart(&self) -> Style {
        self.fg(Color::Cyan)
    }

    /// The usual range behind a chart's line: there, but quiet.
    pub fn band(&self) -> Style {
        Style::new().add_modifier(Modifier::DIM)
    }

    /// Where an action was decided or closed on a chart.
    pub fn mark(&self) -> Style {
        self.fg(Color::Yellow)
    }
}
