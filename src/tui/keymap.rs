//! The keymap: every key of every context, modifiers included, as data. Keys become
//! actions through it ([`lookup`], called by `App::action_for` with the bindings the
//! context allows), and every hint on screen is generated from it, so the two cannot
//! disagree.

use crate::domain::Stage;
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
    /// Backspace where a count is typed: its last digit goes.
    EraseDigit,
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
    /// Reopen the retro just closed.
    Undo,
    /// The next or previous choice of a form's choice field.
    NextChoice,
    PreviousChoice,
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
    /// Open the team's past retros.
    Retros,
}

impl Action {
    /// Whether the action changes a retro's record, which a closed retro refuses.
    pub fn changes_a_retro(self) -> bool {
        matches!(
            self,
            Self::Decrease
                | Self::Increase
                | Self::Digit(_)
                | Self::EraseDigit
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

/// A key press as the keymap reads it: the key and its Ctrl and Alt modifiers (like
/// gitui's key type). Shift is part of the character (`?`, `A`), so it is dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl Key {
    pub const fn new(code: KeyCode, modifiers: KeyModifiers) -> Self {
        Key { code, modifiers }
    }

    /// What the keymap compares: only Ctrl and Alt count.
    pub fn from_event(event: KeyEvent) -> Self {
        Key { code: event.code, modifiers: event.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT) }
    }

    /// How the key is written in the help: `Ctrl-S`, `Enter`, `↑`, `x`.
    pub fn name(self) -> String {
        let mut name = String::new();
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            name.push_str("Ctrl-");
        }
        if self.modifiers.contains(KeyModifiers::ALT) {
            name.push_str("Alt-");
        }
        match self.code {
            KeyCode::Up => name.push('↑'),
            KeyCode::Down => name.push('↓'),
            KeyCode::Left => name.push('←'),
            KeyCode::Right => name.push('→'),
            KeyCode::BackTab => name.push_str("Shift-Tab"),
            KeyCode::PageUp => name.push_str("PgUp"),
            KeyCode::PageDown => name.push_str("PgDn"),
            KeyCode::Delete => name.push_str("Del"),
            KeyCode::Char(' ') => name.push_str("Space"),
            KeyCode::Char(c) if self.modifiers.is_empty() => name.push(c),
            KeyCode::Char(c) => name.push(c.to_ascii_uppercase()),
            other => name.push_str(&format!("{other:?}")),
        }
        name
    }
}

/// Where the keys are read: each screen, stage and dialog has its own bindings, under
/// the global ones (Ctrl-C).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    FirstRun,
    TeamPicker,
    Dashboard,
    Detail,
    Help,
    /// A short notice over the screen; any key closes it.
    Notice,
    ConfirmQuit,
    /// Starting a retro while one is unfinished.
    RetroOffer,
    /// Closing the unfinished retro to start a new one.
    ConfirmNewRetro,
    /// A stage of the retro, browsing (no editor, form or question open).
    Retro(Stage),
    /// "Decide actions" with the focus on this retro's actions.
    DecideActionsTable,
    /// Typing a note: keys go to the text.
    Editing,
    /// Filling in an action, on a text field.
    ActionForm,
    /// Filling in an action, on a field with a fixed set of choices.
    ActionFormChoice,
    ConfirmDelete,
    ConfirmDrop,
    ConfirmClose,
    ConfirmDeleteAction,
    ConfirmPastDue,
    /// The team's actions.
    ActionList,
    /// One action in detail.
    ActionDetail,
    /// The team's past retros.
    RetroList,
    /// A closed retro, read-only.
    RetroRead,
}

/// What a key that matches no binding of a context does there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unbound {
    Nothing,
    /// It is typed into the text.
    Types,
    /// It answers the question "no": the default answer.
    AnswersNo,
    /// It closes the notice.
    Closes,
}

impl Context {
    pub const ALL: [Context; 28] = [
        Self::FirstRun,
        Self::TeamPicker,
        Self::Dashboard,
        Self::Detail,
        Self::Help,
        Self::Notice,
        Self::ConfirmQuit,
        Self::RetroOffer,
        Self::ConfirmNewRetro,
        Self::Retro(Stage::SetTheStage),
        Self::Retro(Stage::ReviewActions),
        Self::Retro(Stage::LookAtData),
        Self::Retro(Stage::WhatsBlocking),
        Self::Retro(Stage::DecideActions),
        Self::DecideActionsTable,
        Self::Retro(Stage::Close),
        Self::Editing,
        Self::ActionForm,
        Self::ActionFormChoice,
        Self::ConfirmDelete,
        Self::ConfirmDrop,
        Self::ConfirmClose,
        Self::ConfirmDeleteAction,
        Self::ConfirmPastDue,
        Self::ActionList,
        Self::ActionDetail,
        Self::RetroList,
        Self::RetroRead,
    ];

    pub fn unbound(self) -> Unbound {
        match self {
            Self::Editing | Self::ActionForm | Self::ActionFormChoice => Unbound::Types,
            Self::ConfirmQuit
            | Self::ConfirmNewRetro
            | Self::ConfirmDelete
            | Self::ConfirmDrop
            | Self::ConfirmClose
            | Self::ConfirmDeleteAction
            | Self::ConfirmPastDue => Unbound::AnswersNo,
            Self::Notice => Unbound::Closes,
            _ => Unbound::Nothing,
        }
    }
}

/// One row of the keymap.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [Key],
    /// How the keys are written in the footer and hints.
    pub label: &'static str,
    pub action: Action,
    pub help: &'static str,
    /// A word or two for the footer; empty when the binding is only listed in the help.
    pub short: &'static str,
}

const fn bind(
    keys: &'static [Key],
    label: &'static str,
    action: Action,
    help: &'static str,
    short: &'static str,
) -> Binding {
    Binding { keys, label, action, help, short }
}

/// A key without modifiers.
const fn k(code: KeyCode) -> Key {
    Key::new(code, KeyModifiers::NONE)
}

const fn ctrl(c: char) -> Key {
    Key::new(Char(c), KeyModifiers::CONTROL)
}

const fn alt(code: KeyCode) -> Key {
    Key::new(code, KeyModifiers::ALT)
}

use KeyCode::{BackTab, Backspace, Char, Delete, Down, End, Enter, Esc, Home, Left, PageDown, PageUp, Right, Tab, Up};

/// Bindings of every context, read first: Ctrl-C quits whatever is open (asking only
/// when quitting would lose a half-filled form; a note being typed is kept as a draft).
const GLOBAL: &[Binding] =
    &[bind(&[ctrl('c')], "Ctrl-C", Action::Quit, "quit (a note being typed is kept as a draft)", "")];

const MOVE: [Binding; 2] = [
    bind(&[k(Up), k(Char('k'))], "↑/k", Action::Up, "move up", ""),
    bind(&[k(Down), k(Char('j'))], "↑↓", Action::Down, "move down", "move"),
];
const HELP: Binding = bind(&[k(Char('?'))], "?", Action::Help, "show or hide this help", "help");

const FIRST_RUN: &[Binding] = &[HELP, bind(&[k(Char('q')), k(Esc)], "q", Action::Quit, "quit", "quit")];

const TEAM_PICKER: &[Binding] = &[
    MOVE[0],
    MOVE[1],
    bind(&[k(Enter), k(Right), k(Char('l'))], "Enter", Action::Open, "open the team's dashboard", "open"),
    HELP,
    bind(&[k(Char('q')), k(Esc)], "q", Action::Quit, "quit", "quit"),
];

const DASHBOARD: &[Binding] = &[
    MOVE[0],
    bind(&[k(Down), k(Char('j'))], "↑↓", Action::Down, "move down", ""),
    bind(&[k(Enter)], "Enter", Action::Open, "open the metric's history", "history"),
    bind(&[k(Tab), k(BackTab)], "Tab", Action::NextPane, "switch between DORA and team metrics", ""),
    bind(&[k(Left), k(Char('h'))], "←→", Action::Earlier, "one period earlier", "time"),
    bind(&[k(Right), k(Char('l'))], "→/l", Action::Later, "one period later", ""),
    bind(&[k(End), k(Char('t'))], "t", Action::Latest, "jump to today's period", ""),
    bind(&[k(Char('d'))], "d", Action::LatestData, "back to the latest period with data", ""),
    bind(&[k(Char('w'))], "w/m", Action::Weekly, "weekly periods", "week/month"),
    bind(&[k(Char('m'))], "m", Action::Monthly, "monthly periods", ""),
    bind(&[k(Char('r'))], "r", Action::StartRetro, "start a retro, or resume the unfinished one", "retro"),
    bind(&[k(Char('a'))], "a", Action::Actions, "the team's improvement actions", "actions"),
    bind(&[k(Char('p'))], "p", Action::Retros, "the team's past retros, to read or export", ""),
    HELP,
    bind(&[k(Char('q')), k(Esc)], "q", Action::Back, "back to the teams, or quit", "back"),
];

const DETAIL: &[Binding] = &[
    bind(&[k(Up), k(Char('k'))], "↑/k", Action::Up, "previous metric", ""),
    bind(&[k(Down), k(Char('j'))], "↑↓", Action::Down, "next metric", "metric"),
    bind(&[k(Left), k(Char('h'))], "←→", Action::Earlier, "scroll the table to earlier periods", "scroll"),
    bind(&[k(Right), k(Char('l'))], "→/l", Action::Later, "scroll the table to later periods", ""),
    bind(&[k(Home), k(End), k(Char('t'))], "t", Action::Latest, "scroll to the latest period", ""),
    bind(&[k(Char('w'))], "w/m", Action::Weekly, "weekly periods", "week/month"),
    bind(&[k(Char('m'))], "m", Action::Monthly, "monthly periods", ""),
    HELP,
    bind(&[k(Char('q')), k(Esc), k(Enter)], "q", Action::Back, "back to the dashboard", "back"),
];

const HELP_OVERLAY: &[Binding] =
    &[bind(&[k(Char('?')), k(Esc), k(Char('q')), k(Enter)], "?/Esc", Action::Back, "close the help", "close")];

const NOTICE: &[Binding] = &[bind(&[k(Esc), k(Enter)], "Esc", Action::Back, "close this (any key does)", "close")];

/// A question whose default answer is "no": only `y` says yes.
macro_rules! question {
    ($yes:literal, $no:literal) => {
        &[
            bind(&[k(Char('y'))], "y", Action::Confirm, $yes, $yes),
            bind(&[k(Char('n')), k(Esc), k(Enter), k(Char('q'))], "n/Esc", Action::Cancel, $no, $no),
        ]
    };
}

const CONFIRM_QUIT: &[Binding] = &[
    bind(&[k(Char('y'))], "y", Action::Confirm, "quit", "quit"),
    // Only while writes wait for the store (see `App::keys_shown`).
    bind(&[k(Char('w'))], "w", Action::Export, "write the unsaved text to a file, then quit", "write to file"),
    bind(&[k(Char('n')), k(Esc), k(Enter), k(Char('q'))], "n/Esc", Action::Cancel, "stay", "stay"),
];
const CONFIRM_NEW_RETRO: &[Binding] = question!("close it and start anew", "keep it open");
const CONFIRM_DELETE: &[Binding] = question!("delete the note", "keep it");
const CONFIRM_DROP: &[Binding] = question!("drop it", "keep it");
const CONFIRM_CLOSE: &[Binding] = question!("close the retro", "keep it open");
const CONFIRM_DELETE_ACTION: &[Binding] = question!("delete the action", "keep it");
const CONFIRM_PAST_DUE: &[Binding] = question!("keep that date", "change it");

const RETRO_OFFER: &[Binding] = &[
    bind(&[k(Enter), k(Char('r'))], "Enter", Action::Confirm, "resume the unfinished retro", "resume"),
    bind(&[k(Char('n'))], "n", Action::NewRetro, "close it as it stands and start a new retro", "new"),
    bind(&[k(Esc), k(Char('q'))], "Esc", Action::Cancel, "back to the dashboard", "cancel"),
];

const NEXT_STAGE: Binding = bind(&[k(Char(']')), k(PageDown)], "]", Action::NextStage, "next stage", "next");
const PREVIOUS_STAGE: Binding = bind(&[k(Char('[')), k(PageUp)], "[", Action::PreviousStage, "previous stage", "");
const LEAVE_RETRO: Binding =
    bind(&[k(Char('q')), k(Esc)], "q", Action::Back, "leave the retro (everything is saved; resume with r)", "leave");
const ADJUST: [Binding; 2] = [
    bind(&[k(Left), k(Char('-')), k(Char('h'))], "←/-", Action::Decrease, "one vote fewer", ""),
    bind(
        &[k(Right), k(Char('+')), k(Char('l')), k(Char('='))],
        "→/+",
        Action::Increase,
        "one vote more (or type the count)",
        "count",
    ),
];

/// A digit sets the count: the action carries the digit of the key pressed.
const TYPE_COUNT: Binding = bind(
    &[
        k(Char('0')),
        k(Char('1')),
        k(Char('2')),
        k(Char('3')),
        k(Char('4')),
        k(Char('5')),
        k(Char('6')),
        k(Char('7')),
        k(Char('8')),
        k(Char('9')),
    ],
    "0-9",
    Action::Digit(0),
    "type the count for the selected score (it replaces the count)",
    "",
);
const ERASE_DIGIT: Binding =
    bind(&[k(Backspace)], "Backspace", Action::EraseDigit, "take the last digit off the count", "");

const SET_THE_STAGE: &[Binding] = &[
    MOVE[0],
    MOVE[1],
    ADJUST[0],
    ADJUST[1],
    TYPE_COUNT,
    ERASE_DIGIT,
    bind(&[k(Enter), k(Char('a'))], "Enter", Action::Add, "take a note under the selected safety prompt", ""),
    NEXT_STAGE,
    PREVIOUS_STAGE,
    HELP,
    LEAVE_RETRO,
];

const REVIEW_ACTIONS: &[Binding] = &[
    MOVE[0],
    MOVE[1],
    bind(&[k(Char('d'))], "d", Action::MarkDone, "mark the action done (with a note)", "done"),
    bind(&[k(Char('o'))], "o", Action::MarkKeep, "keep it open (with a note)", "keep open"),
    bind(&[k(Char('x'))], "x", Action::MarkDrop, "drop it (asks first; with a note)", "drop"),
    NEXT_STAGE,
    PREVIOUS_STAGE,
    HELP,
    LEAVE_RETRO,
];

const LOOK_AT_DATA: &[Binding] = &[MOVE[0], MOVE[1], NEXT_STAGE, PREVIOUS_STAGE, HELP, LEAVE_RETRO];

const WHATS_BLOCKING: &[Binding] = &[
    MOVE[0],
    MOVE[1],
    bind(&[k(Tab), k(BackTab)], "Tab", Action::NextPane, "switch between prompts and their notes", "pane"),
    bind(&[k(Enter), k(Char('a'))], "a", Action::Add, "add a note under the selected prompt", "add"),
    bind(&[k(Char('e'))], "e", Action::Edit, "edit the selected note", "edit"),
    bind(&[k(Delete), k(Char('x'))], "x", Action::Delete, "delete the selected note (asks first)", ""),
    NEXT_STAGE,
    PREVIOUS_STAGE,
    HELP,
    LEAVE_RETRO,
];

const DECIDE_ACTIONS: &[Binding] = &[
    MOVE[0],
    MOVE[1],
    bind(&[k(Enter), k(Char('a'))], "a", Action::Add, "create an action from the selected note", "from note"),
    bind(&[k(Char('n'))], "n", Action::NewAction, "create an action", "new"),
    bind(&[k(Tab), k(BackTab)], "Tab", Action::NextPane, "move to this retro's actions", "pane"),
    NEXT_STAGE,
    PREVIOUS_STAGE,
    HELP,
    LEAVE_RETRO,
];

const DECIDE_ACTIONS_TABLE: &[Binding] = &[
    MOVE[0],
    MOVE[1],
    bind(&[k(Char('e')), k(Enter)], "e", Action::Edit, "correct the selected action (every field)", "edit"),
    bind(
        &[k(Delete), k(Char('x'))],
        "x",
        Action::Delete,
        "delete the selected action, made by mistake (asks first)",
        "delete",
    ),
    bind(&[k(Char('n'))], "n", Action::NewAction, "create an action", "new"),
    bind(&[k(Tab), k(BackTab)], "Tab", Action::NextPane, "back to the notes", "notes"),
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
    ERASE_DIGIT,
    bind(&[k(Char('e'))], "e", Action::Export, "export the summary as Markdown", "export"),
    bind(&[k(Char('f'))], "f", Action::Finish, "close the retro (asks first)", "finish"),
    bind(&[k(Char('u'))], "u", Action::Undo, "undo the close (until you leave this stage)", "undo close"),
    PREVIOUS_STAGE,
    HELP,
    LEAVE_RETRO,
];

const SAVE_KEYS: &[Key] = &[ctrl('s'), alt(Enter)];

const EDITING: &[Binding] = &[
    bind(SAVE_KEYS, "Ctrl-S", Action::Save, "save", "save"),
    bind(&[k(Esc)], "Esc", Action::Cancel, "stop typing; the text stays as a draft", "close (kept as a draft)"),
];

const FORM_KEYS: [Binding; 4] = [
    bind(SAVE_KEYS, "Ctrl-S", Action::Save, "save the action", "save"),
    bind(&[k(Tab), k(Down), k(Enter)], "Tab", Action::NextField, "next field", "next field"),
    bind(&[k(BackTab), k(Up)], "Shift-Tab", Action::PreviousField, "previous field", ""),
    bind(&[k(Esc)], "Esc", Action::Cancel, "cancel", "cancel"),
];

const ACTION_FORM: &[Binding] = &[FORM_KEYS[0], FORM_KEYS[1], FORM_KEYS[2], FORM_KEYS[3]];

const ACTION_FORM_CHOICE: &[Binding] = &[
    FORM_KEYS[0],
    FORM_KEYS[1],
    FORM_KEYS[2],
    bind(&[k(Left)], "←→", Action::PreviousChoice, "previous choice", "choose"),
    bind(&[k(Right)], "→", Action::NextChoice, "next choice", ""),
    FORM_KEYS[3],
];

const ACTION_LIST: &[Binding] = &[
    MOVE[0],
    bind(&[k(Down), k(Char('j'))], "↑↓", Action::Down, "move down", "move"),
    bind(&[k(Enter)], "Enter", Action::Open, "the action in detail", "detail"),
    bind(&[k(Char('f'))], "f", Action::Filter, "show open, overdue, done, dropped or all", "filter"),
    bind(&[k(Char('s'))], "s", Action::SortBy, "sort by due date, verdict or age", "sort"),
    bind(&[k(Char('e'))], "e", Action::Edit, "correct the selected action (every field)", "edit"),
    HELP,
    bind(&[k(Char('q')), k(Esc)], "q", Action::Back, "back to the dashboard", "back"),
];

const ACTION_DETAIL: &[Binding] = &[
    bind(&[k(Up), k(Char('k'))], "↑↓", Action::Up, "previous action", "other action"),
    bind(&[k(Down), k(Char('j'))], "↓/j", Action::Down, "next action", ""),
    bind(&[k(Char('e'))], "e", Action::Edit, "correct this action (every field)", "edit"),
    HELP,
    bind(&[k(Char('q')), k(Esc), k(Enter)], "q", Action::Back, "back to the list", "back"),
];

const RETRO_LIST: &[Binding] = &[
    MOVE[0],
    MOVE[1],
    bind(&[k(Enter), k(Right), k(Char('l'))], "Enter", Action::Open, "read the selected retro", "read"),
    HELP,
    bind(&[k(Char('q')), k(Esc)], "q", Action::Back, "back to the dashboard", "back"),
];

/// Reading a closed retro: nothing here changes it.
const RETRO_READ: &[Binding] = &[
    bind(&[k(Up), k(Char('k'))], "↑/k", Action::Up, "scroll up", ""),
    bind(&[k(Down), k(Char('j'))], "↑↓", Action::Down, "scroll down", "scroll"),
    bind(&[k(Char('e'))], "e", Action::Export, "export the summary as Markdown", "export"),
    HELP,
    bind(&[k(Char('q')), k(Esc), k(Left), k(Char('h'))], "q", Action::Back, "back to the list", "back"),
];

/// The bindings of a context, in the order help lists them, global ones last.
pub fn bindings(context: Context) -> impl Iterator<Item = &'static Binding> {
    let own: &'static [Binding] = match context {
        Context::FirstRun => FIRST_RUN,
        Context::TeamPicker => TEAM_PICKER,
        Context::Dashboard => DASHBOARD,
        Context::Detail => DETAIL,
        Context::Help => HELP_OVERLAY,
        Context::Notice => NOTICE,
        Context::ConfirmQuit => CONFIRM_QUIT,
        Context::RetroOffer => RETRO_OFFER,
        Context::ConfirmNewRetro => CONFIRM_NEW_RETRO,
        Context::Retro(stage) => stage_bindings(stage),
        Context::DecideActionsTable => DECIDE_ACTIONS_TABLE,
        Context::Editing => EDITING,
        Context::ActionForm => ACTION_FORM,
        Context::ActionFormChoice => ACTION_FORM_CHOICE,
        Context::ConfirmDelete => CONFIRM_DELETE,
        Context::ConfirmDrop => CONFIRM_DROP,
        Context::ConfirmClose => CONFIRM_CLOSE,
        Context::ConfirmDeleteAction => CONFIRM_DELETE_ACTION,
        Context::ConfirmPastDue => CONFIRM_PAST_DUE,
        Context::ActionList => ACTION_LIST,
        Context::ActionDetail => ACTION_DETAIL,
        Context::RetroList => RETRO_LIST,
        Context::RetroRead => RETRO_READ,
    };
    own.iter().chain(GLOBAL)
}

/// The bindings of a retro stage, while it has the keys.
fn stage_bindings(stage: Stage) -> &'static [Binding] {
    match stage {
        Stage::SetTheStage => SET_THE_STAGE,
        Stage::ReviewActions => REVIEW_ACTIONS,
        Stage::LookAtData => LOOK_AT_DATA,
        Stage::WhatsBlocking => WHATS_BLOCKING,
        Stage::DecideActions => DECIDE_ACTIONS,
        Stage::Close => CLOSE,
    }
}

/// The action `event` asks for in `context`, given the bindings the context allows now
/// (`allowed`, a subset of [`bindings`]). A key of a binding that is not allowed does
/// nothing, even where unbound keys would be typed or answer a question.
pub fn lookup(context: Context, allowed: &[Binding], event: KeyEvent) -> Option<Action> {
    if event.kind == KeyEventKind::Release {
        return None;
    }
    let key = Key::from_event(event);
    if let Some(b) = allowed.iter().find(|b| b.keys.contains(&key)) {
        return Some(match (b.action, key.code) {
            (Action::Digit(_), Char(c @ '0'..='9')) => Action::Digit(c as u8 - b'0'),
            (action, _) => action,
        });
    }
    if bindings(context).any(|b| b.keys.contains(&key)) {
        return None;
    }
    match context.unbound() {
        Unbound::Nothing => None,
        Unbound::Types => Some(Action::Type(event)),
        Unbound::AnswersNo => Some(Action::Cancel),
        Unbound::Closes => Some(Action::Back),
    }
}

/// The label of `action`'s key in `context` by the table alone, for text that names a
/// key of another place ("r on the dashboard"); hints of the place itself go through
/// the app, which applies its rules.
pub fn label(context: Context, action: Action) -> Option<&'static str> {
    bindings(context).find(|b| b.action == action).map(|b| b.label)
}

/// The label of the binding for `action` among `allowed`, for a hint.
pub fn label_for(allowed: &[Binding], action: Action) -> Option<&'static str> {
    allowed.iter().find(|b| b.action == action).map(|b| b.label)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn action_for(context: Context, event: KeyEvent) -> Option<Action> {
        let all: Vec<Binding> = bindings(context).copied().collect();
        lookup(context, &all, event)
    }

    #[test]
    fn arrows_and_vim_keys_agree() {
        for (a, b) in [(Up, Char('k')), (Down, Char('j')), (Left, Char('h')), (Right, Char('l'))] {
            assert_eq!(action_for(Context::Dashboard, press(a)), action_for(Context::Dashboard, press(b)));
        }
    }

    #[test]
    fn no_key_is_bound_twice_in_a_context() {
        for context in Context::ALL {
            let keys: Vec<_> = bindings(context).flat_map(|b| b.keys).collect();
            for (i, k) in keys.iter().enumerate() {
                assert!(!keys[i + 1..].contains(k), "{k:?} bound twice in {context:?}");
            }
        }
    }

    #[test]
    fn every_stage_is_a_listed_context_with_a_way_out() {
        for stage in Stage::ALL {
            assert!(Context::ALL.contains(&Context::Retro(stage)), "{stage:?} is missing from Context::ALL");
            assert!(bindings(Context::Retro(stage)).any(|b| b.action == Action::Back), "{stage:?}");
        }
    }

    #[test]
    fn typing_goes_to_the_text_and_ctrl_s_saves() {
        let a = KeyEvent::new(Char('a'), KeyModifiers::NONE);
        assert_eq!(action_for(Context::Editing, a), Some(Action::Type(a)));
        let enter = KeyEvent::new(Enter, KeyModifiers::NONE);
        assert_eq!(action_for(Context::Editing, enter), Some(Action::Type(enter)), "Enter is a new line");
        assert_eq!(action_for(Context::Editing, KeyEvent::new(Char('s'), KeyModifiers::CONTROL)), Some(Action::Save));
        assert_eq!(action_for(Context::Editing, KeyEvent::new(Enter, KeyModifiers::ALT)), Some(Action::Save));
        assert_eq!(action_for(Context::Editing, KeyEvent::new(Esc, KeyModifiers::NONE)), Some(Action::Cancel));
        let ctrl_a = KeyEvent::new(Char('a'), KeyModifiers::CONTROL);
        assert_eq!(action_for(Context::Editing, ctrl_a), Some(Action::Type(ctrl_a)), "Emacs keys edit the text");
        assert_eq!(action_for(Context::Retro(Stage::WhatsBlocking), a), Some(Action::Add));
        assert_eq!(action_for(Context::Retro(Stage::WhatsBlocking), ctrl_a), None, "a chord is not its letter");
    }

    #[test]
    fn digits_set_counts_only_where_votes_are_counted() {
        assert_eq!(action_for(Context::Retro(Stage::SetTheStage), press(Char('3'))), Some(Action::Digit(3)));
        assert_eq!(action_for(Context::Retro(Stage::Close), press(Char('0'))), Some(Action::Digit(0)));
        assert_eq!(action_for(Context::Dashboard, press(Char('3'))), None);
    }

    #[test]
    fn ctrl_c_quits_everywhere() {
        let ctrl_c = KeyEvent::new(Char('c'), KeyModifiers::CONTROL);
        for context in Context::ALL {
            assert_eq!(action_for(context, ctrl_c), Some(Action::Quit), "{context:?}");
        }
    }

    #[test]
    fn a_question_answers_no_unless_asked_y() {
        for context in [Context::ConfirmDelete, Context::ConfirmClose, Context::ConfirmDrop, Context::ConfirmQuit] {
            assert_eq!(action_for(context, press(Char('y'))), Some(Action::Confirm));
            for other in [Char('n'), Esc, Enter, Char('f'), Char('Y')] {
                assert_eq!(action_for(context, press(other)), Some(Action::Cancel), "{other:?} in {context:?}");
            }
        }
    }

    #[test]
    fn a_key_not_allowed_does_nothing_even_where_keys_are_typed() {
        let allowed: Vec<Binding> =
            bindings(Context::Retro(Stage::Close)).filter(|b| b.action != Action::Finish).copied().collect();
        assert_eq!(lookup(Context::Retro(Stage::Close), &allowed, press(Char('f'))), None);
        assert_eq!(lookup(Context::Retro(Stage::Close), &allowed, press(Char('e'))), Some(Action::Export));
    }

    #[test]
    fn shift_is_part_of_the_character() {
        let question = KeyEvent::new(Char('?'), KeyModifiers::SHIFT);
        assert_eq!(action_for(Context::Dashboard, question), Some(Action::Help));
        let back_tab = KeyEvent::new(BackTab, KeyModifiers::SHIFT);
        assert_eq!(action_for(Context::ActionForm, back_tab), Some(Action::PreviousField));
    }
}
