//! The table itself: every context's bindings, in the order the help lists them.

use super::{Action, Binding, Context, Key};
use crate::domain::Stage;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

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

const MOVE_UP: Binding = bind(&[k(Up), k(Char('k'))], "↑/k", Action::Up, "move up", "");
const MOVE_DOWN: Binding = bind(&[k(Down), k(Char('j'))], "↑↓", Action::Down, "move down", "move");
const HELP: Binding = bind(&[k(Char('?'))], "?", Action::Help, "show or hide this help", "help");

const FIRST_RUN: &[Binding] = &[HELP, bind(&[k(Char('q')), k(Esc)], "q", Action::Quit, "quit", "quit")];

const TEAM_PICKER: &[Binding] = &[
    MOVE_UP,
    MOVE_DOWN,
    bind(&[k(Enter), k(Right), k(Char('l'))], "Enter", Action::Open, "open the team's dashboard", "open"),
    HELP,
    bind(&[k(Char('q')), k(Esc)], "q", Action::Quit, "quit", "quit"),
];

const DASHBOARD: &[Binding] = &[
    MOVE_UP,
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
const FEWER_VOTES: Binding =
    bind(&[k(Left), k(Char('-')), k(Char('h'))], "←/-", Action::Decrease, "one vote fewer", "");
const MORE_VOTES: Binding = bind(
    &[k(Right), k(Char('+')), k(Char('l')), k(Char('='))],
    "→/+",
    Action::Increase,
    "one vote more (or type the count)",
    "count",
);

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
    MOVE_UP,
    MOVE_DOWN,
    FEWER_VOTES,
    MORE_VOTES,
    TYPE_COUNT,
    ERASE_DIGIT,
    bind(&[k(Enter), k(Char('a'))], "Enter", Action::Add, "take a note under the selected safety prompt", ""),
    NEXT_STAGE,
    PREVIOUS_STAGE,
    HELP,
    LEAVE_RETRO,
];

const REVIEW_ACTIONS: &[Binding] = &[
    MOVE_UP,
    MOVE_DOWN,
    bind(&[k(Char('d'))], "d", Action::MarkDone, "mark the action done (with a note)", "done"),
    bind(&[k(Char('o'))], "o", Action::MarkKeep, "keep it open (with a note)", "keep open"),
    bind(&[k(Char('x'))], "x", Action::MarkDrop, "drop it (asks first; with a note)", "drop"),
    NEXT_STAGE,
    PREVIOUS_STAGE,
    HELP,
    LEAVE_RETRO,
];

const LOOK_AT_DATA: &[Binding] = &[MOVE_UP, MOVE_DOWN, NEXT_STAGE, PREVIOUS_STAGE, HELP, LEAVE_RETRO];

const WHATS_BLOCKING: &[Binding] = &[
    MOVE_UP,
    MOVE_DOWN,
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
    MOVE_UP,
    MOVE_DOWN,
    bind(&[k(Enter), k(Char('a'))], "a", Action::Add, "create an action from the selected note", "from note"),
    bind(&[k(Char('n'))], "n", Action::NewAction, "create an action", "new"),
    bind(&[k(Tab), k(BackTab)], "Tab", Action::NextPane, "move to this retro's actions", "pane"),
    NEXT_STAGE,
    PREVIOUS_STAGE,
    HELP,
    LEAVE_RETRO,
];

const DECIDE_ACTIONS_TABLE: &[Binding] = &[
    MOVE_UP,
    MOVE_DOWN,
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
    MOVE_UP,
    MOVE_DOWN,
    FEWER_VOTES,
    MORE_VOTES,
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

const SAVE_ACTION: Binding = bind(SAVE_KEYS, "Ctrl-S", Action::Save, "save the action", "save");
const NEXT_FIELD: Binding = bind(&[k(Tab), k(Down), k(Enter)], "Tab", Action::NextField, "next field", "next field");
const PREVIOUS_FIELD: Binding = bind(&[k(BackTab), k(Up)], "Shift-Tab", Action::PreviousField, "previous field", "");
const CANCEL_FORM: Binding = bind(&[k(Esc)], "Esc", Action::Cancel, "cancel", "cancel");

const ACTION_FORM: &[Binding] = &[SAVE_ACTION, NEXT_FIELD, PREVIOUS_FIELD, CANCEL_FORM];

const ACTION_FORM_CHOICE: &[Binding] = &[
    SAVE_ACTION,
    NEXT_FIELD,
    PREVIOUS_FIELD,
    bind(&[k(Left)], "←→", Action::PreviousChoice, "previous choice", "choose"),
    bind(&[k(Right)], "→", Action::NextChoice, "next choice", ""),
    CANCEL_FORM,
];

const ACTION_LIST: &[Binding] = &[
    MOVE_UP,
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
    MOVE_UP,
    MOVE_DOWN,
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
