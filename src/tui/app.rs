//! The app's state and how actions change it. Pure: loading data is returned as an
//! [`Effect`] for the event loop to carry out, so every transition is testable without
//! a terminal or a store.

use super::actions::ActionsScreen;
use super::keymap::{Action, Binding, Context, bindings, lookup};
use super::retro::RetroScreen;
use super::retros::RetrosScreen;
use super::view::{DashboardModel, DetailModel, Pane, SPARK_PERIODS};
use crate::domain::{Granularity, Period, Retro, RetroId, Team, Timestamp};
use crate::query::MetricTable;
use crate::retro::flow::{self, Flow};

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

/// Data the app needs from the library.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Compute `periods` (the dashboard's sparkline window) for `team`.
    LoadDashboard {
        team: Team,
        periods: Vec<Period>,
    },
    /// Compute every period of the team's history at `granularity`.
    LoadHistory {
        team: Team,
        granularity: Granularity,
    },
    /// Resume the team's unfinished retro (after asking), or start one.
    PrepareRetro {
        team: Team,
    },
    /// Start a new retro over the default window.
    StartRetro {
        team: Team,
    },
    OpenRetro(RetroId),
    /// Persist what the retro flow asked for.
    Retro(Vec<flow::Effect>),
    /// Write the open retro's summary as Markdown.
    ExportRetro,
    /// Where every action of the team stands.
    LoadActions {
        team: Team,
    },
    /// Undo the close of the open retro.
    ReopenRetro(RetroId),
    /// A correction of an action from the actions screen: its whole plan.
    UpdateAction {
        id: crate::domain::ActionId,
        plan: crate::domain::ActionPlan,
    },
    /// Quitting while writes wait (see [`App::pending`]): try them once more, then write
    /// what is still not in the store, with `effects` (the last autosave), to `path`.
    QuitWritingUnsaved {
        effects: Vec<flow::Effect>,
        path: std::path::PathBuf,
    },
    /// The team's retros, for the list of past retros.
    LoadRetros {
        team: Team,
    },
    /// The summary of retro `id`, to read it (it is not opened for changes).
    ReadRetro(RetroId),
    /// Write the summary being read on the past-retros screen as Markdown.
    ExportReadRetro,
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
    pub team: Option<Team>,
    pub granularity: Granularity,
    /// The period the dashboard reads as "current".
    pub anchor: Option<Period>,
    /// The anchor is the default one, set by where the team's data ends (see
    /// [`crate::query::default_last_period`]) rather than browsed to.
    pub follow_data: bool,
    /// Where the team's data ends, when that is before the current period.
    pub latest: Option<crate::query::LatestData>,
    pub pane: Pane,
    pub selected: [usize; 2],
    pub dashboard: Option<DashboardModel>,
    pub history: Option<MetricTable>,
    /// The team's actions, for the detail chart's markers; loaded with `history`.
    pub history_actions: Vec<crate::domain::Action>,
    pub detail_metric: usize,
    pub detail_scroll: usize,
    pub detail: Option<DetailModel>,
    pub retro: Option<RetroScreen>,
    pub actions: Option<ActionsScreen>,
    pub retros: Option<RetrosScreen>,
    /// Dialogs over the screen, the top one last: it takes the keys.
    pub overlays: Vec<Overlay>,
    pub running: bool,
    /// How commands that reach this store are written on screen (see [`super::Backend`]).
    pub command: String,
    /// Retro writes the store could not take yet, retried on the tick.
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
            granularity: Granularity::Week,
            anchor: None,
            follow_data: true,
            latest: None,
            pane: Pane::Dora,
            selected: [0, 0],
            dashboard: None,
            history: None,
            history_actions: Vec::new(),
            detail_metric: 0,
            detail_scroll: 0,
            detail: None,
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

    /// Typing that quitting now would lose. Notes being typed (review notes too) are
    /// saved as drafts on the way out, so only a half-filled action form counts, and
    /// writes the store could not take yet.
    pub fn has_unsaved_work(&self) -> bool {
        self.retro.as_ref().is_some_and(RetroScreen::has_unsaved_work) || !self.pending.is_empty()
    }

    /// The file quitting would write waiting text to.
    pub fn unsaved_path(&self) -> std::path::PathBuf {
        let retro = self.retro.as_ref().map_or(0, |r| r.flow.retro.id.0);
        self.unsaved_dir.join(format!("retro-{retro}-unsaved-{}.txt", self.now))
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
            _ if self.screen == Screen::Actions => {
                let team = self.team.clone()?;
                match self.actions.as_mut()?.update(action, self.now, &team) {
                    super::actions::Outcome::Stay => None,
                    super::actions::Outcome::Leave => {
                        self.screen = Screen::Dashboard;
                        self.actions = None;
                        None
                    }
                    super::actions::Outcome::Save(id, plan) => Some(Effect::UpdateAction { id, plan }),
                }
            }
            _ => self.update_retro(action),
        }
    }

    /// A key on `overlay`, already taken off the stack: it closes, whatever the key,
    /// unless the key asks for something more. Ctrl-C quits from any of them.
    fn update_overlay(&mut self, overlay: Overlay, action: Action) -> Option<Effect> {
        match (overlay, action) {
            (Overlay::Confirm(Question::Quit), Action::Confirm | Action::Quit) => self.leave(),
            (Overlay::Confirm(Question::Quit), Action::Export) if !self.pending.is_empty() => {
                let path = self.unsaved_path();
                let effects = match self.leave() {
                    Some(Effect::Retro(effects)) => effects,
                    _ => vec![],
                };
                Some(Effect::QuitWritingUnsaved { effects, path })
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
        (!effects.is_empty()).then_some(Effect::Retro(effects))
    }

    /// Saves the note being typed when it changed, and tries waiting writes again when
    /// their backoff is over: the loop calls this every second.
    pub fn tick(&mut self) -> Option<Effect> {
        let effects = self.retro.as_mut()?.autosave(self.now);
        (!effects.is_empty() || self.pending.due(self.now)).then_some(Effect::Retro(effects))
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
            (_, Action::Export) => return Some(Effect::ExportRetro),
            (_, Action::Undo) if retro.can_undo_close() => return Some(Effect::ReopenRetro(retro.flow.retro.id)),
            _ => {}
        }
        let effects = retro.update(action, self.now);
        (!effects.is_empty()).then_some(Effect::Retro(effects))
    }

    /// The loop hands back an unfinished retro to offer, or `None` when there is none.
    pub fn retro_offered(&mut self, unfinished: Retro) {
        self.overlays.push(Overlay::Offer(unfinished));
    }

    /// The loop hands back where the team's actions stand.
    pub fn actions_loaded(
        &mut self,
        all: Vec<crate::metrics::ActionProgress>,
        metrics: Vec<crate::domain::MetricKey>,
        from_notes: Vec<(crate::domain::ActionId, String)>,
    ) {
        match self.actions.as_mut().filter(|_| self.screen == Screen::Actions) {
            Some(screen) => screen.reload(all),
            None => self.actions = Some(ActionsScreen::new(all)),
        }
        if let Some(screen) = self.actions.as_mut() {
            screen.metrics = metrics;
            screen.from_notes = from_notes;
        }
        self.screen = Screen::Actions;
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
            Outcome::Export => Some(Effect::ExportReadRetro),
        }
    }

    /// The loop hands back the team's retros, newest first.
    pub fn retros_loaded(&mut self, listed: Vec<crate::retro::session::Listed>) {
        self.retros = Some(RetrosScreen::new(listed));
        self.screen = Screen::Retros;
    }

    /// The loop hands back the summary of the retro asked for, to read.
    pub fn retro_read(&mut self, summary: crate::export::RetroSummary) {
        if let Some(screen) = self.retros.as_mut() {
            screen.read(summary);
        }
    }

    /// The loop hands back the retro it opened.
    pub fn retro_opened(&mut self, flow: Flow) {
        self.retro = Some(RetroScreen::new(flow));
        self.overlays.retain(|o| !matches!(o, Overlay::Offer(_)));
        self.screen = Screen::Retro;
    }

    fn update_picker(&mut self, action: Action) -> Option<Effect> {
        let n = self.teams.len();
        match action {
            Action::Up => self.picker_selected = (self.picker_selected + n - 1) % n,
            Action::Down => self.picker_selected = (self.picker_selected + 1) % n,
            Action::Open => return Some(self.open_team(self.teams[self.picker_selected].clone())),
            _ => {}
        }
        None
    }

    fn open_team(&mut self, team: Team) -> Effect {
        self.picker_selected = self.teams.iter().position(|t| t.id == team.id).unwrap_or(0);
        self.anchor = Some(Period::containing(self.now, self.granularity, team.utc_offset));
        self.follow_data = true;
        self.team = Some(team);
        self.screen = Screen::Dashboard;
        self.selected = [0, 0];
        self.pane = Pane::Dora;
        self.history = None;
        self.dashboard_effect()
    }

    /// The loop moves a default anchor to where the team's data is before it loads the
    /// dashboard; returns the periods to load.
    pub fn anchor_at(&mut self, last: Period, latest: Option<crate::query::LatestData>) -> Vec<Period> {
        self.anchor = Some(last);
        self.latest = latest;
        match self.dashboard_effect() {
            Effect::LoadDashboard { periods, .. } => periods,
            _ => unreachable!("the dashboard effect loads the dashboard"),
        }
    }

    fn dashboard_effect(&mut self) -> Effect {
        let team = self.team.clone().expect("a team is open");
        let anchor = self.anchor.clone().expect("a team is open");
        self.dashboard = None;
        let periods = Period::last_n(anchor.start, SPARK_PERIODS, self.granularity, team.utc_offset);
        Effect::LoadDashboard { periods: periods.into_iter().map(|p| p.until(self.now)).collect(), team }
    }

    fn update_dashboard(&mut self, action: Action) -> Option<Effect> {
        let anchor = self.anchor.clone()?;
        let pane = self.pane as usize;
        let rows = self.dashboard.as_ref().map_or(0, |d| d.rows(self.pane).len());
        match action {
            Action::Up if rows > 0 => self.selected[pane] = (self.selected[pane] + rows - 1) % rows,
            Action::Down if rows > 0 => self.selected[pane] = (self.selected[pane] + 1) % rows,
            Action::NextPane => {
                let has_team_metrics = self.dashboard.as_ref().is_some_and(|d| !d.team_metrics.is_empty());
                self.pane = match self.pane {
                    Pane::Dora if has_team_metrics => Pane::Team,
                    _ => Pane::Dora,
                };
            }
            Action::Earlier => {
                self.anchor = Some(anchor.previous());
                self.follow_data = false;
                return Some(self.dashboard_effect());
            }
            Action::Later if anchor.end <= self.now => {
                self.anchor = Some(anchor.next());
                self.follow_data = false;
                return Some(self.dashboard_effect());
            }
            Action::Latest if !anchor.contains(self.now) => {
                self.anchor = Some(Period::containing(self.now, self.granularity, anchor.offset));
                self.follow_data = false;
                return Some(self.dashboard_effect());
            }
            Action::LatestData if !self.follow_data => {
                self.follow_data = true;
                return Some(self.dashboard_effect());
            }
            Action::Weekly | Action::Monthly => return self.switch_granularity(action),
            Action::StartRetro => {
                return Some(Effect::PrepareRetro { team: self.team.clone()? });
            }
            Action::Actions => return Some(Effect::LoadActions { team: self.team.clone()? }),
            Action::Retros => return Some(Effect::LoadRetros { team: self.team.clone()? }),
            Action::Open if rows > 0 => {
                self.detail_metric = match self.pane {
                    Pane::Dora => self.selected[0],
                    Pane::Team => self.dashboard.as_ref().map_or(0, |d| d.dora.len()) + self.selected[1],
                };
                self.detail_scroll = 0;
                self.screen = Screen::Detail;
                return self.detail_effect();
            }
            Action::Back if self.teams.len() > 1 => {
                self.screen = Screen::TeamPicker;
                self.dashboard = None;
                self.history = None;
            }
            Action::Back => return self.quit(),
            _ => {}
        }
        None
    }

    fn switch_granularity(&mut self, action: Action) -> Option<Effect> {
        let granularity = if action == Action::Monthly { Granularity::Month } else { Granularity::Week };
        if granularity == self.granularity {
            return None;
        }
        let anchor = self.anchor.clone()?;
        self.granularity = granularity;
        // Keep looking at the same time: the new period holds the old one's last moment.
        let moment = (anchor.end - 1).min(self.now);
        self.anchor = Some(Period::containing(moment, granularity, anchor.offset));
        self.history = None;
        self.detail = None;
        if self.screen == Screen::Detail {
            // The dashboard is reloaded when the detail is left.
            self.dashboard = None;
            return self.detail_effect();
        }
        Some(self.dashboard_effect())
    }

    fn detail_effect(&mut self) -> Option<Effect> {
        match &self.history {
            Some(history) => {
                self.detail = Some(DetailModel::build(history, &self.history_actions, self.detail_metric));
                None
            }
            None => Some(Effect::LoadHistory { team: self.team.clone()?, granularity: self.granularity }),
        }
    }

    fn update_detail(&mut self, action: Action) -> Option<Effect> {
        let metrics = self.history.as_ref().map_or(0, DetailModel::metric_count);
        let rows = self.detail.as_ref().map_or(0, |d| d.rows.len());
        match action {
            Action::Up | Action::Down if metrics > 0 => {
                let step = if action == Action::Up { metrics - 1 } else { 1 };
                self.detail_metric = (self.detail_metric + step) % metrics;
                self.detail_scroll = 0;
                return self.detail_effect();
            }
            Action::Earlier => self.detail_scroll = (self.detail_scroll + 1).min(rows.saturating_sub(1)),
            Action::Later => self.detail_scroll = self.detail_scroll.saturating_sub(1),
            Action::Latest => self.detail_scroll = 0,
            Action::Weekly | Action::Monthly => return self.switch_granularity(action),
            Action::Back => {
                self.screen = Screen::Dashboard;
                self.detail = None;
                if self.dashboard.is_none() {
                    return Some(self.dashboard_effect());
                }
            }
            _ => {}
        }
        None
    }

    /// The loop hands back what an [`Effect::LoadDashboard`] computed: the table, the
    /// metrics open actions expect to worsen, and the signals in those periods.
    pub fn dashboard_loaded(
        &mut self,
        table: &MetricTable,
        intended: &[crate::domain::MetricKey],
        signals: &[crate::metrics::signals::Signal],
    ) {
        let model = DashboardModel::build(table, intended, signals);
        for (pane, len) in [(0, model.dora.len()), (1, model.team_metrics.len())] {
            self.selected[pane] = self.selected[pane].min(len.saturating_sub(1));
        }
        self.dashboard = Some(model);
    }

    /// The loop hands back what an [`Effect::LoadHistory`] computed: the table, and the
    /// team's actions whose decisions and closings the detail chart marks.
    pub fn history_loaded(&mut self, table: MetricTable, actions: Vec<crate::domain::Action>) {
        self.detail_metric = self.detail_metric.min(DetailModel::metric_count(&table).saturating_sub(1));
        self.history_actions = actions;
        self.detail = Some(DetailModel::build(&table, &self.history_actions, self.detail_metric));
        self.history = Some(table);
    }
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
