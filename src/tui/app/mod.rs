//! The app's state and how actions change it. Pure: loading data is returned as an
//! [`Effect`] for the event loop to carry out, so every transition is testable without
//! a terminal or a store.

mod dashboard;
mod effect;
mod loaded;
mod writes;

pub use dashboard::{DashboardState, DetailState};
pub use effect::Effect;

use super::actions::ActionsScreen;
use super::keymap::{Action, Binding, Context, bindings, lookup};
use super::retro::RetroScreen;
use super::retros::RetrosScreen;
use crate::domain::{Retro, Team, Timestamp};
use crate::export::RetroSummary;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// The store has no team yet.
    FirstRun,
    TeamPicker,
    Dashboard,
    Detail,
    Retro,
    Actions,
    /// The team's past retros, and one read from them.
    Retros,
}

/// What is open over the screen; the top of [`App::overlays`] takes the keys.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    Help,
    Confirm(Question),
    /// Why a request was refused, or what became of it; the next key closes it.
    Notice(String),
    /// An unfinished retro, offered for resuming.
    Offer(Retro),
}

/// A question asked before an irreversible step; "no" unless answered `y`.
#[derive(Debug, Clone, PartialEq)]
pub enum Question {
    /// Quitting would lose a half-filled form.
    Quit,
    /// Closing the team's unfinished retro (as it stands) to start a new one.
    NewRetro(Retro),
}

#[derive(Debug)]
pub struct App {
    pub teams: Vec<Team>,
    pub now: Timestamp,
    pub screen: Screen,
    pub picker_selected: usize,
    /// The team whose dashboard is open, or was last.
    pub team: Option<Team>,
    pub dashboard: DashboardState,
    pub detail: DetailState,
    pub retro: Option<RetroScreen>,
    pub actions: Option<ActionsScreen>,
    pub retros: Option<RetrosScreen>,
    /// Dialogs over the screen, the top one last: it takes the keys.
    pub overlays: Vec<Overlay>,
    pub running: bool,
    /// How commands that reach this store are written on screen (see [`super::Backend`]).
    pub command: String,
    /// Writes the store could not take yet (the retro's, and corrections of actions),
    /// retried on the tick.
    pub pending: super::pending::Pending,
    /// Where quitting with waiting writes offers to put their text: the store's folder,
    /// or the current one for a store in memory.
    pub unsaved_dir: std::path::PathBuf,
    /// The file that text was written to on the way out.
    pub unsaved_file: Option<std::path::PathBuf>,
}

impl App {
    /// Starts on the first-run screen, the team picker, or straight on `team`'s dashboard.
    pub fn new(teams: Vec<Team>, team: Option<Team>, now: Timestamp) -> (Self, Option<Effect>) {
        let mut app = App {
            screen: if teams.is_empty() { Screen::FirstRun } else { Screen::TeamPicker },
            teams,
            now,
            picker_selected: 0,
            team: None,
            dashboard: DashboardState::default(),
            detail: DetailState::default(),
            retro: None,
            actions: None,
            retros: None,
            overlays: vec![],
            running: true,
            command: "retro".into(),
            pending: Default::default(),
            unsaved_dir: ".".into(),
            unsaved_file: None,
        };
        let only = (app.teams.len() == 1).then(|| app.teams[0].clone());
        let effect = team.or(only).map(|t| app.open_team(t));
        (app, effect)
    }

    /// Where keys are read now: the top overlay, or the screen.
    pub fn context(&self) -> Context {
        match self.overlays.last() {
            Some(overlay) => overlay_context(overlay),
            None => self.screen_context(),
        }
    }

    /// Every context on screen, the screen's first and the one taking keys last (a
    /// retro stage shows its hints under its editor, form or question).
    pub fn contexts(&self) -> Vec<Context> {
        let stage = self.retro.as_ref().filter(|_| self.screen == Screen::Retro).map(RetroScreen::stage_context);
        let mut contexts: Vec<Context> = stage.into_iter().collect();
        contexts.push(self.screen_context());
        contexts.dedup();
        contexts.extend(self.overlays.iter().map(overlay_context));
        contexts
    }

    /// The notice on top, if one is shown.
    pub fn notice(&self) -> Option<&str> {
        match self.overlays.last() {
            Some(Overlay::Notice(text)) => Some(text),
            _ => None,
        }
    }

    /// Shows `text` over the screen until the next key.
    pub fn notify(&mut self, text: impl Into<String>) {
        self.overlays.push(Overlay::Notice(text.into()));
    }

    /// The bindings that act in `context` now, which are also the only ones any hint
    /// shows: a closed retro is read, not changed; an undo exists only right after a
    /// close; and with one team `q` on the dashboard quits.
    pub fn keys_shown(&self, context: Context) -> Vec<Binding> {
        let retro = self.retro.as_ref().filter(|_| self.screen == Screen::Retro);
        let closed = retro.is_some_and(RetroScreen::is_closed);
        let can_undo = retro.is_some_and(RetroScreen::can_undo_close);
        // A past retro is read, never changed, whatever the table says.
        let read_only = matches!(context, Context::RetroList | Context::RetroRead);
        let unfinished =
            self.retros.as_ref().and_then(RetrosScreen::selected).is_some_and(|l| l.retro.finished_at.is_none());
        bindings(context)
            .filter(|b| !((closed || read_only) && b.action.changes_a_retro()))
            .filter(|b| b.action != Action::Undo || can_undo)
            // Writing unsaved text to a file is offered only when some waits.
            .filter(|b| !(context == Context::ConfirmQuit && b.action == Action::Export && self.pending.is_empty()))
            .map(|b| match (context, b.action) {
                (Context::Dashboard, Action::Back) if self.teams.len() <= 1 => {
                    Binding { help: "quit", short: "quit", ..*b }
                }
                // An unfinished retro is resumed where it was left, not read.
                (Context::RetroList, Action::Open) if unfinished => {
                    Binding { help: "resume the unfinished retro", short: "resume", ..*b }
                }
                _ => *b,
            })
            .collect()
    }

    /// Where keys become actions: the key's binding in the current context, if the
    /// context allows it now.
    pub fn action_for(&self, key: ratatui::crossterm::event::KeyEvent) -> Option<Action> {
        let context = self.context();
        lookup(context, &self.keys_shown(context), key)
    }

    /// Text pasted into the terminal. It is never read as keys: it goes into the note or
    /// action being typed, opens a note with it where one can be added (a prompt of
    /// "What's blocking us" or a safety prompt), and is otherwise dropped with a notice.
    pub fn paste(&mut self, text: &str) {
        // Terminals send a pasted line break as CR.
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        if text.is_empty() {
            return;
        }
        let taken = self.overlays.is_empty()
            && match self.screen {
                Screen::Retro => self.retro.as_mut().is_some_and(|r| r.paste(&text)),
                Screen::Actions => self.actions.as_mut().is_some_and(|a| a.paste(&text)),
                _ => false,
            };
        if !taken {
            self.notify(
                "The pasted text was not used: text can be pasted into a note or an action being written. \
                 Nothing changed.",
            );
        }
    }

    /// Handles one key press: looks it up and carries it out.
    pub fn key(&mut self, key: ratatui::crossterm::event::KeyEvent) -> Option<Effect> {
        // A store-busy notice can come up mid-sentence: a character typed then closes it
        // and still reaches the note, so no keystroke is lost to it.
        let why = self.pending.stall.map(super::pending::Stall::notice);
        if why.is_some() && self.notice() == why {
            let notice = self.overlays.pop();
            return match self.action_for(key) {
                Some(typed @ Action::Type(_)) => self.update(typed),
                _ => {
                    self.overlays.extend(notice);
                    self.update(self.action_for(key)?)
                }
            };
        }
        let action = self.action_for(key)?;
        self.update(action)
    }

    /// The screen's own context, under any overlay: what the help lists.
    pub fn screen_context(&self) -> Context {
        match self.screen {
            Screen::FirstRun => Context::FirstRun,
            Screen::TeamPicker => Context::TeamPicker,
            Screen::Dashboard => Context::Dashboard,
            Screen::Detail => Context::Detail,
            Screen::Retro => self.retro.as_ref().map_or(Context::Dashboard, RetroScreen::context),
            Screen::Actions => match self.actions.as_ref() {
                Some(a) => match &a.editing {
                    super::actions::Editing::Form(form) if form.on_choice() => Context::ActionFormChoice,
                    super::actions::Editing::Form(_) => Context::ActionForm,
                    super::actions::Editing::PastDue(_) => Context::ConfirmPastDue,
                    super::actions::Editing::No if a.detail => Context::ActionDetail,
                    super::actions::Editing::No => Context::ActionList,
                },
                None => Context::ActionList,
            },
            Screen::Retros => match self.retros.as_ref().and_then(RetrosScreen::reading) {
                Some(_) => Context::RetroRead,
                None => Context::RetroList,
            },
        }
    }

    pub fn update(&mut self, action: Action) -> Option<Effect> {
        if let Some(overlay) = self.overlays.pop() {
            return self.update_overlay(overlay, action);
        }
        match self.context() {
            _ if action == Action::Help => {
                self.overlays.push(Overlay::Help);
                None
            }
            _ if action == Action::Quit => self.quit(),
            Context::FirstRun => None,
            Context::TeamPicker => self.update_picker(action),
            Context::Dashboard => self.update_dashboard(action),
            Context::Detail => self.update_detail(action),
            Context::RetroList | Context::RetroRead => self.update_retros(action),
            _ if self.screen == Screen::Actions => self.update_actions(action),
            _ => self.update_retro(action),
        }
    }

    fn update_actions(&mut self, action: Action) -> Option<Effect> {
        let team = self.team.clone()?;
        match self.actions.as_mut()?.update(action, self.now, &team) {
            super::actions::Outcome::Stay => None,
            super::actions::Outcome::Leave => {
                self.screen = Screen::Dashboard;
                self.actions = None;
                None
            }
            // Queued like the retro's writes: a busy store or a full disk loses nothing.
            super::actions::Outcome::Save(id, plan) => {
                self.pending.correct(team, id, plan);
                Some(Effect::Write)
            }
        }
    }

    /// A key on `overlay`, already taken off the stack: it closes, whatever the key,
    /// unless the key asks for something more. Ctrl-C quits from any of them.
    fn update_overlay(&mut self, overlay: Overlay, action: Action) -> Option<Effect> {
        match (overlay, action) {
            (Overlay::Confirm(Question::Quit), Action::Confirm | Action::Quit) => self.leave(),
            (Overlay::Confirm(Question::Quit), Action::Export) if !self.pending.is_empty() => {
                let path = self.unsaved_path();
                // The last autosave joins the queue, whose text goes to the file.
                self.leave();
                Some(Effect::QuitWritingUnsaved { path })
            }
            (_, Action::Quit) => self.quit(),
            (Overlay::Confirm(Question::NewRetro(_)), Action::Confirm) => {
                Some(Effect::StartRetro { team: self.team.clone()? })
            }
            (Overlay::Offer(offer), Action::Confirm) => Some(Effect::OpenRetro(offer.id)),
            (Overlay::Offer(offer), Action::NewRetro) => {
                // Starting anew closes the unfinished retro: ask first.
                self.overlays.push(Overlay::Confirm(Question::NewRetro(offer)));
                None
            }
            _ => None,
        }
    }

    fn quit(&mut self) -> Option<Effect> {
        if self.has_unsaved_work() {
            self.overlays.push(Overlay::Confirm(Question::Quit));
            return None;
        }
        self.leave()
    }

    /// Ends the app, saving the note being typed as its draft on the way out.
    fn leave(&mut self) -> Option<Effect> {
        self.running = false;
        let effects = self.retro.as_mut().map(|r| r.autosave(self.now)).unwrap_or_default();
        self.write_retro(effects)
    }

    /// Saves the note being typed when it changed, and tries waiting writes again when
    /// their backoff is over: the loop calls this every second.
    pub fn tick(&mut self) -> Option<Effect> {
        let effects = self.retro.as_mut().map(|r| r.autosave(self.now)).unwrap_or_default();
        let due = self.pending.due(self.now);
        self.write_retro(effects).or(due.then_some(Effect::Write))
    }

    fn update_retro(&mut self, action: Action) -> Option<Effect> {
        let retro = self.retro.as_mut()?;
        match (retro.is_browsing(), action) {
            (false, _) => {}
            // The waiting writes belong to this retro: it stays open until they land.
            (_, Action::Back) if !self.pending.is_empty() => {
                let why = self.pending.stall.map_or("", super::pending::Stall::notice);
                self.notify(format!("Not saved yet, so the retro stays open. {why}"));
                return None;
            }
            (_, Action::Back) => {
                self.screen = Screen::Dashboard;
                self.retro = None;
                // Notes and actions may have changed what the dashboard shows.
                return self.team.is_some().then(|| self.dashboard_effect());
            }
            (_, Action::Export) => return Some(export(&crate::export::summary(&retro.flow))),
            (_, Action::Undo) if retro.can_undo_close() => return Some(Effect::ReopenRetro(retro.flow.retro.id)),
            _ => {}
        }
        let effects = retro.update(action, self.now);
        self.write_retro(effects)
    }

    fn update_retros(&mut self, action: Action) -> Option<Effect> {
        use super::retros::Outcome;
        match self.retros.as_mut()?.update(action) {
            Outcome::Stay => None,
            Outcome::Leave => {
                self.screen = Screen::Dashboard;
                self.retros = None;
                None
            }
            Outcome::Read(id) => Some(Effect::ReadRetro(id)),
            // The same path as `r` on the dashboard: the retro screen, holding the retro.
            Outcome::Resume(id) => Some(Effect::OpenRetro(id)),
            Outcome::Export => Some(export(&self.retros.as_ref()?.reading()?.summary)),
        }
    }
}

/// Writing `summary` as Markdown under its own name.
fn export(summary: &RetroSummary) -> Effect {
    Effect::Export { file_name: summary.file_name(), markdown: crate::export::markdown(summary) }
}

/// The keys of an overlay.
fn overlay_context(overlay: &Overlay) -> Context {
    match overlay {
        Overlay::Help => Context::Help,
        Overlay::Confirm(Question::Quit) => Context::ConfirmQuit,
        Overlay::Confirm(Question::NewRetro(_)) => Context::ConfirmNewRetro,
        Overlay::Notice(_) => Context::Notice,
        Overlay::Offer(_) => Context::RetroOffer,
    }
}
