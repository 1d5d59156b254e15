use super::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

/// A store with no team: how to begin, instead of an empty dashboard.
/// `command` is how retro is called for this store (`retro --db PATH` when one was named).
pub fn draw(frame: &mut Frame, area: Rect, command: &str, theme: &Theme) {
    let cmd = |s: &str| Line::from(Span::styled(format!("  {s}"), theme.command()));
    // The store's path came from the command line: shown, never sent raw.
    let command = crate::text::safe(command);
    let ours = |s: &str| cmd(&format!("{command} {s}"));
    let lines = vec![
        Line::styled("Welcome to retro.", theme.title()),
        Line::raw(""),
        Line::raw("This store has no team yet. Add one and import its delivery history:"),
        Line::raw(""),
        ours("teams add my-team"),
        ours("import deployments deployments.csv"),
        ours("import changes changes.csv"),
        ours("import incidents incidents.csv"),
        Line::raw(""),
        Line::raw("docs/import.md lists every column. Or look around with the demo team first:"),
        Line::raw(""),
        cmd("retro --demo"),
        Line::raw(""),
        Line::styled("retro keeps team-level numbers only: nothing is stored per person.", theme.dim()),
    ];
    let inner = area.centered(Constraint::Max(78), Constraint::Length(lines.len() as u16 + 2));
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(Block::bordered().title(" First run ")),
        inner,
    );
}
