//! The keymap: every key of every context, modifiers included, as data. Keys become
//! actions through it ([`lookup`], called by `App::action_for` with the bindings the
//! context allows), and every hint on screen is generated from it, so the two cannot
//! disagree.

mod table;

pub use table::bindings;

use crate::domain::Stage;
use KeyCode::Char;
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
    use KeyCode::{BackTab, Down, Enter, Esc, Left, Right, Up};

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
