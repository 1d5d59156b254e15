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
    /// Back to the latest period that holds data (where the dashboard opens).
    LatestData,
    NextPane,
    Open,
    Back,
    Quit,
    Help,
    Weekly,
    Monthly,
    Confirm,
    Cancel,
    /// Start a retro, or resume the unfinished one.
    StartRetro,
    /// Start a new retro even though one is unfinished.
    NewRetro,
    NextStage,
    PreviousStage,
    Decrease,
    Increase,
    /// A digit typed where a count is asked for.
    Digit(u8),
    MarkDone,
    MarkKeep,
    MarkDrop,
    Add,
    Edit,
    Delete,
    NewAction,
    Export,
    Finish,
    /// Confirm the text being typed (Ctrl-S or Alt-Enter).
    Save,
    NextField,
    PreviousField,
    /// A key that goes to the text being typed.
    Type(KeyEvent),
    /// Open the team's actions.
    Actions,
    /// Next filter of a list.
    Filter,
    /// Next order of a list.
    SortBy,
}

impl Action {
    /// Whether the action changes a retro's record, which a closed retro refuses.
    pub fn changes_a_retro(self) -> bool {
        matches!(
            self,
            Self::Decrease
                | Self::Increase
                | Self::Digit(_)
                | Self::Add
                | Self::Edit
                | Self::Delete
                | Self::NewAction
                | Self::MarkDone
                | Self::MarkKeep
                | Self::MarkDrop
                | Self::Finish
        )
    }
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
    /// Starting a retro while one is unfinished.
    RetroOffer,
    SetTheStage,
    ReviewActions,
    LookAtData,
    WhatsBlocking,
    DecideActions,
    Close,
    /// Typing a note: keys go to the text.
    Editing,
    /// Filling in a new action.
    ActionForm,
    ConfirmDelete,
    /// The team's actions.
    ActionList,
    /// One action in detail.
    ActionDetail,
}

impl Context {
    /// Contexts where keys that match no binding are typed into text.
    fn takes_text(self) -> bool {
        matches!(self, Self::Editing | Self::ActionForm)
    }

    /// Contexts where a digit sets a vote count.
    fn takes_digits(self) -> bool {
        matches!(self, Self::SetTheStage | Self::Close)
    }
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
    Binding { keys, label, action, help, short }
}

use KeyCode::{BackTab, Char, Delete, Down, End, Enter, Esc, Home, Left, PageDown, PageUp, Right, Tab, Up};

const MOVE: [Binding; 2] = [
    bind(&[Up, Char('k')], "↑/k", Action::Up, "move up", ""),
    bind(&[Down, Char('j')], "↑↓", Action::Down, "move down", "move"),
];
const HELP: Binding = bind(&[Char('?')], "?", Action::Help, "show or hide this help", "help");

const FIRST_RUN: &[Binding] = &[HELP, bind(&[Char('q'), Esc], "q", Action::Quit, "quit", "quit")];

const TEAM_PICKER: &[Binding] = &[
    MOVE[0],
    MOVE[1],
    bind(&[Enter, Right, Char('l')], "Enter", Action::Open, "open the team's dashboard", "open"),
    HELP,
    bind(&[Char('q'), Esc], "q", Action::Quit, "quit", "quit"),
];

const DASHBOARD: &[Binding] = &[
    MOVE[0],
    bind(&[Down, Char('j')], "↑↓", Action::Down, "move down", ""),
    bind(&[Enter], "Enter", Action::Open, "open the metric's history", "history"),
    bind(&[Tab, BackTab], "Tab", Action::NextPane, "switch between DORA and team metrics", ""),
    bind(&[Left, Char('h')], "←→", Action::Earlier, "one period earlier", "time"),
    bind(&[Right, Char('l')], "→/l", Action::Later, "one period later", ""),
    bind(&[End, Char('t')], "t", Action::Latest, "jump to today's period", ""),
    bind(&[Char('d')], "d", Action::LatestData, "back to the latest period with data", ""),
    bind(&[Char('w')], "w/m", Action::Weekly, "weekly periods", "week/month"),
    bind(&[Char('m')], "m", Action::Monthly, "monthly periods", ""),
    bind(&[Char('r')], "r", Action::StartRetro, "start a retro, or resume the unfinished one", "retro"),
    bind(&[Char('a')], "a", Action::Actions, "the team's improvement actions", "actions"),
    HELP,
    bind(&[Char('q'), Esc], "q", Action::Back, "back to the teams, or quit", "back"),
];

const DETAIL: &[Binding] = &[
    bind(&[Up, Char('k')], "↑/k", Action::Up, "previous metric", ""),
    bind(&[Down, Char('j')], "↑↓", Action::Down, "next metric", "metric"),
    bind(&[Left, Char('h')], "←→", Action::Earlier, "scroll the table to earlier periods", "scroll"),
    bind(&[Right, Char('l')], "→/l", Action::Later, "scroll the table to later periods", ""),
    bind(&[Home, End, Char('t')], "t", Action::Latest, "scroll to the latest period", ""),
    bind(&[Char('w')], "w/m", Action::Weekly, "weekly periods", "week/month"),
    bind(&[Char('m')], "m", Action::Monthly, "monthly periods", ""),
    HELP,
    bind(&[Char('q'), Esc, Enter], "q", Action::Back, "back to the dashboard", "back"),
];

const HELP_OVERLAY: &[Binding] =
    &[bind(&[Char('?'), Esc, Char('q'), Enter], "?/Esc", Action::Back, "close the help", "close")];

const CONFIRM_QUIT: &[Binding] = &[
    bind(&[Char('y'), Enter], "y", Action::Confirm, "quit", "quit"),
    bind(&[Char('n'), Esc, Char('q')], "n/Esc", Action::Cancel, "stay", "stay"),
];

const RETRO_OFFER: &[Binding] = &[
    bind(&[Enter, Char('r')], "Enter", Action::Confirm, "resume the unfinished retro", "resume"),
    bind(&[Char('n')], "n", Action::NewRetro, "close it as it stands and start a new retro", "new"),
    bind(&[Esc, Char('q')], "Esc", Action::Cancel, "back to the dashboard", "cancel"),
];

const NEXT_STAGE: Binding = bind(&[Char(']'), PageDown], "]", Action::NextStage, "next stage", "next");
const PREVIOUS_STAGE: Binding = bind(&[Char('['), PageUp], "[", Action::PreviousStage, "previous stage", "");
const LEAVE_RETRO: Binding =
    bind(&[Char('q'), Esc], "q", Action::Back, "leave the retro (everything is saved; resume with r)", "leave");
const ADJUST: [Binding; 2] = [
    bind(&[Left, Char('-'), Char('h')], "←/-", Action::Decrease, "one vote fewer", ""),
    bind(
        &[Right, Char('+'), Char('l'), Char('=')],
        "→/+",
        Action::Increase,
        "one vote more (or type the count)",
        "count",
    ),
];

const TYPE_COUNT: Binding = bind(&[], "0-9", Action::Digit(0), "type the count for the selected score", "");

const SET_THE_STAGE: &[Binding] = &[
    MOVE[0],
    MOVE[1],
    ADJUST[0],
    ADJUST[1],
    TYPE_COUNT,
    bind(&[Enter, Char('a')], "Enter", Action::Add, "take a note under the selected safety prompt", ""),
    NEXT_STAGE,
    PREVIOUS_STAGE,
    HELP,
    LEAVE_RETRO,
];

const REVIEW_ACTIONS: &[Binding] = &[
    MOVE[0],
    MOVE[1],
    bind(&[Char('d')], "d", Action::MarkDone, "mark the action done (with a note)", "done"),
    bind(&[Char('o')], "o", Action::MarkKeep, "keep it open (with a note)", "keep open"),
    bind(&[Char('x')], "x", Action::MarkDrop, "drop it (with a note)", "drop"),
    NEXT_STAGE,
    PREVIOUS_STAGE,
    HELP,
    LEAVE_RETRO,
];

const LOOK_AT_DATA: &[Binding] = &[MOVE[0], MOVE[1], NEXT_STAGE, PREVIOUS_STAGE, HELP, LEAVE_RETRO];

const WHATS_BLOCKING: &[Binding] = &[
    MOVE[0],
    MOVE[1],
    bind(&[Tab, BackTab], "Tab", Action::NextPane, "switch between prompts and their notes", "pane"),
    bind(&[Enter, Char('a')], "a", Action::Add, "add a note under the selected prompt", "add"),
    bind(&[Char('e')], "e", Action::Edit, "edit the selected note", "edit"),
    bind(&[Delete, Char('x')], "x", Action::Delete, "delete the selected note", ""),
    NEXT_STAGE,
    PREVIOUS_STAGE,
    HELP,
    LEAVE_RETRO,
];

const DECIDE_ACTIONS: &[Binding] = &[
    MOVE[0],
    MOVE[1],
    bind(&[Enter, Char('a')], "a", Action::Add, "create an action from the selected note", "from note"),
    bind(&[Char('n')], "n", Action::NewAction, "create an action", "new"),
    NEXT_STAGE,
    PREVIOUS_STAGE,
    HELP,
    LEAVE_RETRO,
];

const CLOSE: &[Binding] = &[
    MOVE[0],
    MOVE[1],
    ADJUST[0],
    ADJUST[1],
    TYPE_COUNT,
    bind(&[Char('e')], "e", Action::Export, "export the summary as Markdown", "export"),
    bind(&[Char('f')], "f", Action::Finish, "close the retro", "finish"),
    PREVIOUS_STAGE,
    HELP,
    LEAVE_RETRO,
];

const EDITING: &[Binding] = &[
    bind(&[], "Ctrl-S", Action::Save, "save (Alt-Enter too)", "save"),
    bind(&[Esc], "Esc", Action::Cancel, "stop typing; the text stays as a draft", "close"),
];

const ACTION_FORM: &[Binding] = &[
    bind(&[], "Ctrl-S", Action::Save, "create the action (Alt-Enter too)", "save"),
    bind(&[Tab, Down, Enter], "Tab", Action::NextField, "next field", "next field"),
    bind(&[BackTab, Up], "Shift-Tab", Action::PreviousField, "previous field", ""),
    bind(&[Esc], "Esc", Action::Cancel, "cancel", "cancel"),
];

const CONFIRM_DELETE: &[Binding] = &[
    bind(&[Char('y')], "y", Action::Confirm, "delete the note", "delete"),
    bind(&[Char('n'), Esc, Char('q')], "n/Esc", Action::Cancel, "keep it", "keep"),
];

const ACTION_LIST: &[Binding] = &[
    MOVE[0],
    bind(&[Down, Char('j')], "↑↓", Action::Down, "move down", "move"),
    bind(&[Enter], "Enter", Action::Open, "the action in detail", "detail"),
    bind(&[Char('f')], "f", Action::Filter, "show open, overdue, done, dropped or all", "filter"),
    bind(&[Char('s')], "s", Action::SortBy, "sort by due date, verdict or age", "sort"),
    HELP,
    bind(&[Char('q'), Esc], "q", Action::Back, "back to the dashboard", "back"),
];

const ACTION_DETAIL: &[Binding] = &[
    bind(&[Up, Char('k')], "↑↓", Action::Up, "previous action", "other action"),
    bind(&[Down, Char('j')], "↓/j", Action::Down, "next action", ""),
    HELP,
    bind(&[Char('q'), Esc, Enter], "q", Action::Back, "back to the list", "back"),
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
        Context::RetroOffer => RETRO_OFFER,
        Context::SetTheStage => SET_THE_STAGE,
        Context::ReviewActions => REVIEW_ACTIONS,
        Context::LookAtData => LOOK_AT_DATA,
        Context::WhatsBlocking => WHATS_BLOCKING,
        Context::DecideActions => DECIDE_ACTIONS,
        Context::Close => CLOSE,
        Context::Editing => EDITING,
        Context::ActionForm => ACTION_FORM,
        Context::ConfirmDelete => CONFIRM_DELETE,
        Context::ActionList => ACTION_LIST,
        Context::ActionDetail => ACTION_DETAIL,
    }
}

/// The action a key press asks for in `context`, if any. Ctrl-C always asks to quit.
pub fn action_for(context: Context, key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    if ctrl && key.code == Char('c') {
        return Some(Action::Quit);
    }
    if context.takes_text() && ((ctrl && key.code == Char('s')) || (alt && key.code == Enter)) {
        return Some(Action::Save);
    }
    if ctrl || alt {
        // Ctrl and Alt chords edit text (the text area knows Emacs keys); elsewhere unbound.
        return context.takes_text().then_some(Action::Type(key));
    }
    if let Some(b) = bindings(context).iter().find(|b| b.keys.contains(&key.code)) {
        return Some(b.action);
    }
    match key.code {
        Char(c @ '0'..='9') if context.takes_digits() => Some(Action::Digit(c as u8 - b'0')),
        _ => context.takes_text().then_some(Action::Type(key)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn arrows_and_vim_keys_agree() {
        for (a, b) in [(Up, Char('k')), (Down, Char('j')), (Left, Char('h')), (Right, Char('l'))] {
            assert_eq!(action_for(Context::Dashboard, press(a)), action_for(Context::Dashboard, press(b)));
        }
    }

    #[test]
    fn no_key_is_bound_twice_in_a_context() {
        for context in ALL_CONTEXTS {
            let keys: Vec<_> = bindings(context).iter().flat_map(|b| b.keys).collect();
            for (i, k) in keys.iter().enumerate() {
                assert!(!keys[i + 1..].contains(k), "{k:?} bound twice in {context:?}");
            }
        }
    }

    const ALL_CONTEXTS: [Context; 18] = [
        Context::ActionList,
        Context::ActionDetail,
        Context::FirstRun,
        Context::TeamPicker,
        Context::Dashboard,
        Context::Detail,
        Context::Help,
        Context::ConfirmQuit,
        Context::RetroOffer,
        Context::SetTheStage,
        Context::ReviewActions,
        Context::LookAtData,
        Context::WhatsBlocking,
        Context::DecideActions,
        Context::Close,
        Context::Editing,
        Context::ActionForm,
        Context::ConfirmDelete,
    ];

    #[test]
    fn typing_goes_to_the_text_and_ctrl_s_saves() {
        let a = KeyEvent::new(Char('a'), KeyModifiers::NONE);
        assert_eq!(action_for(Context::Editing, a), Some(Action::Type(a)));
        let enter = KeyEvent::new(Enter, KeyModifiers::NONE);
        assert_eq!(action_for(Context::Editing, enter), Some(Action::Type(enter)), "Enter is a new line");
        assert_eq!(action_for(Context::Editing, KeyEvent::new(Char('s'), KeyModifiers::CONTROL)), Some(Action::Save));
        assert_eq!(action_for(Context::Editing, KeyEvent::new(Enter, KeyModifiers::ALT)), Some(Action::Save));
        assert_eq!(action_for(Context::Editing, KeyEvent::new(Esc, KeyModifiers::NONE)), Some(Action::Cancel));
        assert_eq!(action_for(Context::WhatsBlocking, a), Some(Action::Add));
    }

    #[test]
    fn digits_set_counts_only_where_votes_are_counted() {
        assert_eq!(action_for(Context::SetTheStage, press(Char('3'))), Some(Action::Digit(3)));
        assert_eq!(action_for(Context::Close, press(Char('0'))), Some(Action::Digit(0)));
        assert_eq!(action_for(Context::Dashboard, press(Char('3'))), None);
    }

    #[test]
    fn ctrl_c_quits_everywhere() {
        let ctrl_c = KeyEvent::new(Char('c'), KeyModifiers::CONTROL);
        assert_eq!(action_for(Context::Detail, ctrl_c), Some(Action::Quit));
    }
}
