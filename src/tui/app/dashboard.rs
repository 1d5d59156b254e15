//! The team picker, the dashboard and a metric's detail: their state, and how keys and
//! loaded data change it.

use super::{App, Effect, Screen};
use crate::domain::{Coverage, Granularity, Period, Team};
use crate::query::{LatestData, MetricTable, default_last_period};
use crate::tui::keymap::Action;
use crate::tui::view::{DashboardModel, DetailModel, Pane, SPARK_PERIODS};

/// What the dashboard shows: which periods, which row, and the model drawn from them.
#[derive(Debug)]
pub struct DashboardState {
    pub granularity: Granularity,
    /// The period the dashboard reads as "current".
    pub anchor: Option<Period>,
    /// The anchor is the default one, set by where the team's data ends (see
    /// [`crate::query::default_last_period`]) rather than browsed to.
    pub follow_data: bool,
    /// Where the team's data ends, when that is before the current period.
    pub latest: Option<LatestData>,
    pub pane: Pane,
    /// The selected row of each pane, by [`Pane::index`].
    pub selected: [usize; Pane::ALL.len()],
    pub model: Option<DashboardModel>,
}

impl Default for DashboardState {
    fn default() -> Self {
        DashboardState {
            granularity: Granularity::Week,
            anchor: None,
            follow_data: true,
            latest: None,
            pane: Pane::Dora,
            selected: [0; Pane::ALL.len()],
            model: None,
        }
    }
}

impl DashboardState {
    /// The selected row of the pane with the focus.
    pub fn selected_row(&self) -> usize {
        self.selected[self.pane.index()]
    }
}

/// One metric's whole history: the table behind it, loaded once per granularity, and
/// the model drawn from it.
#[derive(Debug, Default)]
pub struct DetailState {
    /// The metric shown, numbered as [`DetailModel::build`] numbers them.
    pub metric: usize,
    /// Table rows scrolled, from the latest period back.
    pub scroll: usize,
    pub model: Option<DetailModel>,
    /// Every period of the team's history at the dashboard's granularity.
    pub history: Option<MetricTable>,
    /// The team's actions, for the chart's markers; loaded with `history`.
    pub actions: Vec<crate::domain::Action>,
}

impl App {
    pub(super) fn update_picker(&mut self, action: Action) -> Option<Effect> {
        let n = self.teams.len();
        match action {
            Action::Up => self.picker_selected = (self.picker_selected + n - 1) % n,
            Action::Down => self.picker_selected = (self.picker_selected + 1) % n,
            Action::Open => return Some(self.open_team(self.teams[self.picker_selected].clone())),
            _ => {}
        }
        None
    }

    pub(super) fn open_team(&mut self, team: Team) -> Effect {
        self.picker_selected = self.teams.iter().position(|t| t.id == team.id).unwrap_or(0);
        let dashboard = &mut self.dashboard;
        dashboard.anchor = Some(Period::containing(self.now, dashboard.granularity, team.utc_offset));
        dashboard.follow_data = true;
        dashboard.selected = [0; Pane::ALL.len()];
        dashboard.pane = Pane::Dora;
        self.team = Some(team);
        self.screen = Screen::Dashboard;
        self.detail.history = None;
        self.dashboard_effect()
    }

    /// The loop hands back what the team's data covers, asked for while the dashboard
    /// follows the data: the anchor moves to where the data ends, and the dashboard loads.
    pub fn coverage_loaded(&mut self, coverage: &Coverage) -> Option<Effect> {
        let team = self.team.as_ref()?;
        let now = self.now;
        let (last, latest) = default_last_period(coverage, self.dashboard.granularity, team.utc_offset, now);
        self.dashboard.anchor = Some(last);
        self.dashboard.latest = latest;
        self.load_dashboard()
    }

    /// What reloads the dashboard: where the data ends first while it follows the data,
    /// else the periods up to its anchor.
    pub(super) fn dashboard_effect(&mut self) -> Effect {
        let team = self.team.clone().expect("a team is open");
        match self.dashboard.follow_data {
            true => {
                self.dashboard.model = None;
                Effect::LoadCoverage { team }
            }
            false => self.load_dashboard().expect("a team is open"),
        }
    }

    /// The sparkline window up to the anchor, to load.
    fn load_dashboard(&mut self) -> Option<Effect> {
        let team = self.team.clone()?;
        let anchor = self.dashboard.anchor.clone()?;
        self.dashboard.model = None;
        let periods = Period::last_n(anchor.start, SPARK_PERIODS, self.dashboard.granularity, team.utc_offset);
        Some(Effect::LoadDashboard { periods: periods.into_iter().map(|p| p.until(self.now)).collect(), team })
    }

    pub(super) fn update_dashboard(&mut self, action: Action) -> Option<Effect> {
        let dashboard = &mut self.dashboard;
        let anchor = dashboard.anchor.clone()?;
        let pane = dashboard.pane.index();
        let rows = dashboard.model.as_ref().map_or(0, |d| d.rows(dashboard.pane).len());
        match action {
            Action::Up if rows > 0 => dashboard.selected[pane] = (dashboard.selected[pane] + rows - 1) % rows,
            Action::Down if rows > 0 => dashboard.selected[pane] = (dashboard.selected[pane] + 1) % rows,
            Action::NextPane => {
                let has_team_metrics = dashboard.model.as_ref().is_some_and(|d| !d.team_metrics.is_empty());
                dashboard.pane = match dashboard.pane {
                    Pane::Dora if has_team_metrics => Pane::Team,
                    _ => Pane::Dora,
                };
            }
            Action::Earlier => {
                dashboard.anchor = Some(anchor.previous());
                dashboard.follow_data = false;
                return Some(self.dashboard_effect());
            }
            Action::Later if anchor.end <= self.now => {
                dashboard.anchor = Some(anchor.next());
                dashboard.follow_data = false;
                return Some(self.dashboard_effect());
            }
            Action::Latest if !anchor.contains(self.now) => {
                dashboard.anchor = Some(Period::containing(self.now, dashboard.granularity, anchor.offset));
                dashboard.follow_data = false;
                return Some(self.dashboard_effect());
            }
            Action::LatestData if !dashboard.follow_data => {
                dashboard.follow_data = true;
                return Some(self.dashboard_effect());
            }
            Action::Weekly | Action::Monthly => return self.switch_granularity(action),
            Action::StartRetro => return Some(Effect::PrepareRetro { team: self.team.clone()? }),
            Action::Actions => return Some(Effect::LoadActions { team: self.team.clone()? }),
            Action::Retros => return Some(Effect::LoadRetros { team: self.team.clone()? }),
            Action::Open if rows > 0 => {
                // Metrics are numbered DORA first, then the team's.
                self.detail.metric = match dashboard.pane {
                    Pane::Dora => dashboard.selected[Pane::Dora.index()],
                    Pane::Team => {
                        dashboard.model.as_ref().map_or(0, |d| d.dora.len()) + dashboard.selected[Pane::Team.index()]
                    }
                };
                self.detail.scroll = 0;
                self.screen = Screen::Detail;
                return self.detail_effect();
            }
            Action::Back if self.teams.len() > 1 => {
                self.screen = Screen::TeamPicker;
                dashboard.model = None;
                self.detail.history = None;
            }
            Action::Back => return self.quit(),
            _ => {}
        }
        None
    }

    fn switch_granularity(&mut self, action: Action) -> Option<Effect> {
        let granularity = if action == Action::Monthly { Granularity::Month } else { Granularity::Week };
        if granularity == self.dashboard.granularity {
            return None;
        }
        let anchor = self.dashboard.anchor.clone()?;
        self.dashboard.granularity = granularity;
        // Keep looking at the same time: the new period holds the old one's last moment.
        let moment = (anchor.end - 1).min(self.now);
        self.dashboard.anchor = Some(Period::containing(moment, granularity, anchor.offset));
        self.detail.history = None;
        self.detail.model = None;
        if self.screen == Screen::Detail {
            // The dashboard is reloaded when the detail is left.
            self.dashboard.model = None;
            return self.detail_effect();
        }
        Some(self.dashboard_effect())
    }

    fn detail_effect(&mut self) -> Option<Effect> {
        let detail = &mut self.detail;
        match &detail.history {
            Some(history) => {
                detail.model = Some(DetailModel::build(history, &detail.actions, detail.metric));
                None
            }
            None => Some(Effect::LoadHistory { team: self.team.clone()?, granularity: self.dashboard.granularity }),
        }
    }

    pub(super) fn update_detail(&mut self, action: Action) -> Option<Effect> {
        let detail = &mut self.detail;
        let metrics = detail.history.as_ref().map_or(0, DetailModel::metric_count);
        let rows = detail.model.as_ref().map_or(0, |d| d.rows.len());
        match action {
            Action::Up | Action::Down if metrics > 0 => {
                let step = if action == Action::Up { metrics - 1 } else { 1 };
                detail.metric = (detail.metric + step) % metrics;
                detail.scroll = 0;
                return self.detail_effect();
            }
            Action::Earlier => detail.scroll = (detail.scroll + 1).min(rows.saturating_sub(1)),
            Action::Later => detail.scroll = detail.scroll.saturating_sub(1),
            Action::Latest => detail.scroll = 0,
            Action::Weekly | Action::Monthly => return self.switch_granularity(action),
            Action::Back => {
                self.screen = Screen::Dashboard;
                detail.model = None;
                if self.dashboard.model.is_none() {
                    return Some(self.dashboard_effect());
                }
            }
            _ => {}
        }
        None
    }

    /// The loop hands back what an [`Effect::LoadDashboard`] computed: the table, the
    /// signals in its periods, and the team's actions.
    pub fn dashboard_loaded(
        &mut self,
        table: &MetricTable,
        signals: &[crate::metrics::signals::Signal],
        actions: &[crate::domain::Action],
    ) {
        // "As planned" only where an action expecting the worsening was open in the
        // period shown.
        let intended = match table.periods.last() {
            Some(shown) => crate::query::actions::planned_worsening_in(actions, &shown.period),
            None => vec![],
        };
        let model = DashboardModel::build(table, &intended, signals);
        for (pane, len) in [(Pane::Dora, model.dora.len()), (Pane::Team, model.team_metrics.len())] {
            let selected = &mut self.dashboard.selected[pane.index()];
            *selected = (*selected).min(len.saturating_sub(1));
        }
        self.dashboard.model = Some(model);
    }

    /// The loop hands back what an [`Effect::LoadHistory`] computed: the table, and the
    /// team's actions whose decisions and closings the detail chart marks.
    pub fn history_loaded(&mut self, table: MetricTable, actions: Vec<crate::domain::Action>) {
        let detail = &mut self.detail;
        detail.metric = detail.metric.min(DetailModel::metric_count(&table).saturating_sub(1));
        detail.actions = actions;
        detail.model = Some(DetailModel::build(&table, &detail.actions, detail.metric));
        detail.history = Some(table);
    }
}
