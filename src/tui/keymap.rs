//! Keys become actions here and nowhere else. The footer and the help overlay are
//! generated from the same table, so they cannot disagree with what the keys do.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// Everything a person can ask the app to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Up,
    Down,
    /// One period earlier.
    Earlier,
    /// One period later.
    Later,
    /// Back to the period that contains today.
    Latest,
    NextPane,
    Open,
    Back,
    Quit,
    Help,
    Weekly,
    Monthly,
    Confirm,
    Cancel,
}

/// Where the keys are read: each screen has its own bindings on top of the global ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    FirstRun,
    TeamPicker,
    Dashboard,
    Detail,
    Help,
    ConfirmQuit,
}

/// One row of the keymap.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [KeyCode],
    /// How the keys are written in the footer and help.
    pub label: &'static str,
    pub action: Action,
    pub help: &'static str,
    /// A word or two for the footer; empty when the binding is only listed in the help.
    pub short: &'static str,
}

const fn bind(
    keys: &'static [KeyCode],
    label: &'static str,
    action: Action,
    help: &'static str,
    short: &'static str,
) -> Binding {
    Binding {
        keys,
        label,
        action,
        help,
        short,
    }
}

use KeyCode::{BackTab, Char, Down, End, Enter, Esc, Home, Left, Right, Tab, Up};

const MOVE: [Binding; 2] = [
    bind(&[Up, Char('k')], "↑/k", Action::Up, "move up", ""),
    bind(&[Down, Char('j')], "↑↓", Action::Down, "move down", "move"),
];
const HELP: Binding = bind(&[Char('?')], "?", Action::Help, "show or hide this help", "help");

const FIRST_RUN: &[Binding] = &[HELP, bind(&[Char('q'), Esc], "q", Action::Quit, "quit", "quit")];

const TEAM_PICKER: &[Binding] = &[
    MOVE[0],
    MOVE[1],
    bind(
        &[Enter, Right, Char('l')],
        "Enter",
        Action::Open,
        "open the team's dashboard",
        "open",
    ),
    HELP,
    bind(&[Char('q'), Esc], "q", Action::Quit, "quit", "quit"),
];

const DASHBOARD: &[Binding] = &[
    MOVE[0],
    MOVE[1],
    bind(&[Enter], "Enter", Action::Open, "open the metric's history", "history"),
    bind(
        &[Tab, BackTab],
        "Tab",
        Action::NextPane,
        "switch between DORA and team metrics",
        "pane",
    ),
    bind(
        &[Left, Char('h')],
        "←→",
        Action::Earlier,
        "one period earlier",
        "period",
    ),
    bind(&[Right, Char('l')], "→/l", Action::Later, "one period later", ""),
    bind(&[End, Char('t')], "t", Action::Latest, "back to the current period", ""),
    bind(&[Char('w')], "w/m", Action::Weekly, "weekly periods", "week/month"),
    bind(&[Char('m')], "m", Action::Monthly, "monthly periods", ""),
    HELP,
    bind(
        &[Char('q'), Esc],
        "q",
        Action::Back,
        "back to the teams, or quit",
        "back",
    ),
];

const DETAIL: &[Binding] = &[
    bind(&[Up, Char('k')], "↑/k", Action::Up, "previous metric", ""),
    bind(&[Down, Char('j')], "↑↓", Action::Down, "next metric", "metric"),
    bind(
        &[Left, Char('h')],
        "←→",
        Action::Earlier,
        "scroll the table to earlier periods",
        "scroll",
    ),
    bind(
        &[Right, Char('l')],
        "→/l",
        Action::Later,
        "scroll the table to later periods",
        "",
    ),
    bind(
        &[Home, End, Char('t')],
        "t",
        Action::Latest,
        "scroll to the latest period",
        "",
    ),
    bind(&[Char('w')], "w/m", Action::Weekly, "weekly periods", "week/month"),
    bind(&[Char('m')], "m", Action::Monthly, "monthly periods", ""),
    HELP,
    bind(
        &[Char('q'), Esc, Enter],
        "q",
        Action::Back,
        "back to the dashboard",
        "back",
    ),
];

const HELP_OVERLAY: &[Binding] = &[bind(
    &[Char('?'), Esc, Char('q'), Enter],
    "?/Esc",
    Action::Back,
    "close the help",
    "close",
)];

const CONFIRM_QUIT: &[Binding] = &[
    bind(&[Char('y'), Enter], "y", Action::Confirm, "quit", "quit"),
    bind(&[Char('n'), Esc, Char('q')], "n/Esc", Action::Cancel, "stay", "stay"),
];

/// The bindings of a context, in the order help lists them.
pub fn bindings(context: Context) -> &'static [Binding] {
    match context {
        Context::FirstRun => FIRST_RUN,
        Context::TeamPicker => TEAM_PICKER,
        Context::Dashboard => DASHBOARD,
        Context::Detail => DETAIL,
        Context::Help => HELP_OVERLAY,
        Context::ConfirmQuit => CONFIRM_QUIT,
    }
}

/// The action a key press asks for in `context`, if any. Ctrl-C always asks to quit.
pub fn action_for(context: Context, key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return (key.code == Char('c')).then_some(Action::Quit);
    }
    bindings(context)
        .iter()
        .find(|b| b.keys.contains(&key.code))
        .map(|b| b.action)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn arrows_and_vim_keys_agree() {
        for (a, b) in [
            (Up, Char('k')),
            (Down, Char('j')),
            (Left, Char('h')),
            (Right, Char('l')),
        ] {
            assert_eq!(
                action_for(Context::Dashboard, press(a)),
                action_for(Context::Dashboard, press(b))
            );
        }
    }

    #[test]
    fn no_key_is_bound_twice_in_a_context() {
        for context in [
            Context::FirstRun,
            Context::TeamPicker,
            Context::Dashboard,
            Context::Detail,
            Context::Help,
            Context::ConfirmQuit,
        ] {
            let keys: Vec<_> = bindings(context).iter().flat_map(|b| b.keys).collect();
            for (i, k) in keys.iter().enumerate() {
                assert!(!keys[i + 1..].contains(k), "{k:?} bound twice in {context:?}");
            }
        }
    }

    #[test]
    fn ctrl_c_quits_everywhere() {
        let ctrl_c = KeyEvent::new(Char('c'), KeyModifiers::CONTROL);
        assert_eq!(action_for(Context::Detail, ctrl_c), Some(Action::Quit));
    }
}
