//! The command line, as clap definitions. Behaviour lives in [`crate::commands`].
//!
//! An option that chooses one of the library's values takes the library's type, which
//! derives [`ValueEnum`] (`Granularity`, `Expected`, `ActionStatus`, `ImportKind`, ...).
//! The enums here are only for choices no library type names: output formats.

use crate::domain::{ActionStatus, Expected, Granularity, UtcOffset};
use crate::import::{Format, ImportKind};
use chrono::NaiveDate;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "retro", version, about = "Blameless, metrics-driven retrospectives in the terminal")]
pub struct Cli {
    /// The store to use [default: retro.db in the platform data folder]
    #[arg(long, global = true, env = "RETRO_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Use a fresh in-memory store with the built-in demo team instead of your store
    #[arg(long, global = true)]
    pub demo: bool,

    /// The team to work with; not needed when the store has one team
    #[arg(long, global = true, env = "RETRO_TEAM", value_name = "NAME")]
    pub team: Option<String>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Add or list teams
    #[command(subcommand)]
    Teams(TeamsCommand),
    /// Import deployments, changes, incidents or per-period metric values
    Import(ImportArgs),
    /// Print the team's metrics per period
    Metrics(MetricsArgs),
    /// List signals in the team's metrics: patterns worth talking about in a retro
    Signals(SignalsArgs),
    /// Start a retro (or resume the unfinished one) in the terminal UI
    Start(StartArgs),
    /// List past retros
    #[command(subcommand)]
    Retros(RetrosCommand),
    /// Write a retro's summary as Markdown or JSON
    Export(ExportArgs),
    /// List, show, add or update improvement actions and whether their metric moved
    #[command(subcommand)]
    Actions(ActionsCommand),
    /// Open the terminal UI on the built-in demo team (same as `retro --demo`)
    Demo,
    /// Print a completion script for a shell (see the README for where it goes)
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) on standard output, or write one page per command into a folder
    Man {
        /// Write retro.1 and a page for each command (retro-import.1, ...) into this folder
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Write a seeded synthetic dataset as CSV files (for tests and benchmarks)
    #[command(hide = true)]
    Generate(GenerateArgs),
}

#[derive(Debug, Subcommand)]
pub enum TeamsCommand {
    /// Add a team
    Add {
        name: String,
        /// Offset from UTC at which the team's days, weeks and months begin
        #[arg(long, default_value = "+00:00", value_parser = parse_offset, allow_hyphen_values = true)]
        utc_offset: UtcOffset,
    },
    /// List the teams in the store
    List {
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
}

fn parse_offset(s: &str) -> Result<UtcOffset, String> {
    s.parse()
}

/// `2026-01-05..2026-06-28`: two days, the first not after the second.
fn parse_covers(s: &str) -> Result<(NaiveDate, NaiveDate), String> {
    let (from, to) =
        s.split_once("..").ok_or_else(|| format!("\"{s}\" is not FROM..TO (e.g. 2026-01-05..2026-06-28)"))?;
    let day = |d: &str| {
        NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").map_err(|_| format!("\"{d}\" is not a date (YYYY-MM-DD)"))
    };
    let (from, to) = (day(from)?, day(to)?);
    if from > to {
        return Err(format!("{from} is after {to}"));
    }
    Ok((from, to))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// What the file holds
    #[arg(value_enum)]
    pub kind: ImportKind,
    /// A CSV or JSON file, for `git` the repository's folder, for `fourkeys` the folder of
    /// its table files, for `devlake` the database's URL
    /// (mysql://USER:PASSWORD@HOST:PORT/DATABASE)
    pub file: PathBuf,
    /// The file's format [default: from its extension]
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// git: deployments are the tags whose whole name matches this glob (`*` matches
    /// `/` too); repeat for several [default: v[0-9]* and [0-9]*]
    #[arg(long, value_name = "GLOB", conflicts_with = "deploy_branch", help_heading = "Git import")]
    pub deploy_tags: Vec<String>,
    /// git: leave out tags matching this glob; repeat for several; replaces the default
    /// list of pre-release forms (-rc, -beta, ...; see docs/git-import.md)
    #[arg(
        long = "exclude-tags",
        value_name = "GLOB",
        conflicts_with = "deploy_branch",
        allow_hyphen_values = true,
        help_heading = "Git import"
    )]
    pub exclude_tags: Vec<String>,
    /// git: leave out deployments and commits before this day (YYYY-MM-DD, in the team's
    /// UTC offset)
    #[arg(long, value_name = "DATE", help_heading = "Git import")]
    pub since: Option<NaiveDate>,
    /// git: the service this repository deploys; its deployment ids become SERVICE@TAG,
    /// so one team can import several repositories
    #[arg(long, value_name = "NAME", help_heading = "Git import")]
    pub service: Option<String>,
    /// git: delete this repository's deployments and changes that the import no longer
    /// finds (a narrower tag glob, --since), in the same transaction
    #[arg(long, help_heading = "Git import")]
    pub prune: bool,
    /// git: deployments are the merge commits on this branch's first-parent history
    #[arg(long, value_name = "BRANCH", help_heading = "Git import")]
    pub deploy_branch: Option<String>,
    /// The days the file speaks for, FROM..TO (YYYY-MM-DD, both included, in the team's
    /// offset), when they reach beyond its first and last event: weeks in it without a
    /// row then read as real zeros, not "no data" (deployments, incidents, git)
    #[arg(long, value_name = "FROM..TO", value_parser = parse_covers)]
    pub covers: Option<(NaiveDate, NaiveDate)>,
    /// git: a rule marking a deployment as rework when its tag or commit subjects match;
    /// KIND is hotfix (default), rollback or fix_forward. Repeat for several; replaces
    /// the defaults (see docs/git-import.md)
    #[arg(long = "rework-pattern", value_name = "[KIND:]REGEX", help_heading = "Git import")]
    pub rework_patterns: Vec<String>,
    /// incidents, pagerduty, opsgenie, fourkeys: link each incident that names no
    /// deployment to the last production deployment of its service before it started
    #[arg(long, value_enum, value_name = "RULE", help_heading = "Incident import")]
    pub link_incidents: Option<LinkIncidents>,
    /// devlake: the DevLake project whose rows are imported (its project_mapping name)
    #[arg(long, value_name = "NAME", help_heading = "DevLake import")]
    pub project: Option<String>,
    /// github-deployments: the deployments' statuses, the `deployments/ID/statuses` lists
    /// saved back to back
    #[arg(long, value_name = "FILE", help_heading = "GitHub and GitLab import")]
    pub statuses: Option<PathBuf>,
    /// github-runs: the deploy workflow, by its name or path (`Deploy`, `deploy.yml`,
    /// `.github/workflows/deploy.yml`)
    #[arg(long, value_name = "NAME|PATH", help_heading = "GitHub and GitLab import")]
    pub workflow: Option<String>,
    /// github-deployments, github-runs, gitlab-deployments: a local clone; each deployment's
    /// changes are then the commits since the previous deployment's commit
    #[arg(long, value_name = "CLONE", help_heading = "GitHub and GitLab import")]
    pub repo: Option<PathBuf>,
    /// gitlab-dora: the metric a `[{date, value}]` file holds
    #[arg(long, value_enum, value_name = "NAME", help_heading = "GitHub and GitLab import")]
    pub metric: Option<crate::import::sources::gitlab::GitlabMetric>,
    /// pagerduty: the urgencies that count as production failures, comma-separated, or
    /// `any` [default: high]
    #[arg(long, value_delimiter = ',', value_name = "LIST", help_heading = "Incident tools")]
    pub urgency: Vec<String>,
    /// pagerduty, opsgenie: the priorities that count as production failures,
    /// comma-separated, or `any` [default: any for pagerduty, P1,P2 for opsgenie]
    #[arg(long, value_delimiter = ',', value_name = "LIST", help_heading = "Incident tools")]
    pub priority: Vec<String>,
    /// deployments, changes, incidents, pagerduty (CSV): read retro's column TARGET from the file's
    /// column SOURCE, e.g. --map started_at="Created On"; repeat for several
    #[arg(long = "map", value_name = "TARGET=SOURCE", help_heading = "Column mapping")]
    pub map: Vec<String>,
    /// A file of `target = "Source column"` lines, read like --map
    #[arg(long = "map-file", value_name = "FILE", help_heading = "Column mapping")]
    pub map_file: Option<PathBuf>,
}

/// How incidents without a deployment find one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LinkIncidents {
    /// The last production deployment of the same service that started before the incident
    ByTime,
}

#[derive(Debug, Default, Args)]
pub struct MetricsArgs {
    /// Cut time into ISO weeks or calendar months [default: week, or one window when
    /// --from/--to is given]
    #[arg(long, value_enum)]
    pub period: Option<Granularity>,
    /// First day (YYYY-MM-DD), in the team's UTC offset
    #[arg(long, value_name = "DATE")]
    pub from: Option<NaiveDate>,
    /// Last day, included (YYYY-MM-DD) [default: today]
    #[arg(long, value_name = "DATE")]
    pub to: Option<NaiveDate>,
    /// How many periods, ending with the latest one that holds data (the current one
    /// unless the data ends before it) [default: 12]
    #[arg(long, value_name = "N", conflicts_with_all = ["from", "to"])]
    pub last: Option<usize>,
    /// End the periods with the current one even when the data ends earlier
    #[arg(long, conflicts_with_all = ["from", "to"])]
    pub to_today: bool,
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct SignalsArgs {
    /// Cut time into ISO weeks or calendar months [default: week]
    #[arg(long, value_enum)]
    pub period: Option<Granularity>,
    /// How many periods to look at, ending with the current one [default: 52 weeks, or 12 months]
    #[arg(long, value_name = "N")]
    pub last: Option<usize>,
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    #[default]
    Table,
    Json,
    Csv,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// How many deployments
    #[arg(long, default_value_t = 1000)]
    pub deployments: usize,
    /// Average changes per deployment
    #[arg(long, default_value_t = 5.0)]
    pub changes_per_deployment: f64,
    /// Years of history the deployments spread over, ending today
    #[arg(long, default_value_t = 1.0)]
    pub years: f64,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Folder for deployments.csv, changes.csv and incidents.csv
    #[arg(long, default_value = ".")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct StartArgs {
    /// First day of the window under review [default: where the last retro's window ended,
    /// or two weeks ago]
    #[arg(long, value_name = "DATE")]
    pub from: Option<NaiveDate>,
    /// Last day of the window, included [default: today]
    #[arg(long, value_name = "DATE")]
    pub to: Option<NaiveDate>,
    /// Start a new retro even when one is unfinished (which is closed as it stands;
    /// asks first, or needs --yes when there is no terminal to ask on)
    #[arg(long)]
    pub new: bool,
    /// With --new: close the unfinished retro without asking
    #[arg(long, short = 'y', requires = "new")]
    pub yes: bool,
}

#[derive(Debug, Subcommand)]
pub enum RetrosCommand {
    /// List the team's retros, newest first
    List {
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// Reopen a closed retro, so that `retro start` resumes it at its close stage
    Reopen {
        /// The retro's number, as `retro retros list` shows it
        retro: i64,
    },
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The retro's number, as `retro retros list` shows it
    pub retro: i64,
    #[arg(long, value_enum, default_value_t = ExportFormat::Md)]
    pub format: ExportFormat,
    /// Write to this file instead of standard output
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Md,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum ActionsCommand {
    /// List the team's actions with their baseline, metric now and verdict
    List(ActionsListArgs),
    /// Everything about one action: reviews across retros and its metric week by week
    Show {
        /// The action's number, as `retro actions list` shows it
        id: i64,
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// Add an action outside a retro; its baseline is the metric over the last 14 days
    Add(ActionsAddArgs),
    /// Close, reopen, rename or reschedule an action
    Update(ActionsUpdateArgs),
}

#[derive(Debug, Args)]
pub struct ActionsListArgs {
    #[arg(long, value_parser = status_filter(), default_value = "all")]
    pub status: StatusFilter,
    /// Only open actions whose due date has passed
    #[arg(long)]
    pub overdue: bool,
    #[arg(long, value_enum, default_value_t = crate::query::actions::Sort::Created)]
    pub sort: crate::query::actions::Sort,
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
}

/// `--status` of a list: one status, or `all` (`None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusFilter(pub Option<ActionStatus>);

impl StatusFilter {
    pub fn admits(self, status: ActionStatus) -> bool {
        self.0.is_none_or(|s| s == status)
    }
}

/// The statuses' own names (and aliases) and `all`.
fn status_filter() -> impl TypedValueParser<Value = StatusFilter> {
    let statuses = ActionStatus::value_variants().iter().filter_map(ValueEnum::to_possible_value);
    PossibleValuesParser::new(statuses.chain([PossibleValue::new("all")]))
        .map(|s| StatusFilter(ActionStatus::from_str(&s, false).ok()))
}

#[derive(Debug, Args)]
pub struct ActionsAddArgs {
    #[arg(long)]
    pub title: String,
    /// A DORA metric (key or alias, e.g. change_failure_rate, lead_time) or a team metric's name
    #[arg(long)]
    pub metric: String,
    /// What the metric should do
    #[arg(long, value_enum)]
    pub expect: Expected,
    /// The value the team aims for, in the metric's unit
    #[arg(long, allow_hyphen_values = true)]
    pub target: Option<f64>,
    /// Due date (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub due: Option<NaiveDate>,
    /// Keep a due date that is already past without asking
    #[arg(long)]
    pub yes: bool,
    /// Who drives it, if someone volunteered
    #[arg(long, value_name = "NAME")]
    pub volunteer: Option<String>,
    #[arg(long)]
    pub description: Option<String>,
}

#[derive(Debug, Args)]
pub struct ActionsUpdateArgs {
    /// The action's number, as `retro actions list` shows it
    pub id: i64,
    #[arg(long, value_enum)]
    pub status: Option<ActionStatus>,
    /// The closing note of a done or dropped action
    #[arg(long)]
    pub note: Option<String>,
    /// New due date (YYYY-MM-DD)
    #[arg(long, value_name = "DATE", conflicts_with = "no_due")]
    pub due: Option<NaiveDate>,
    /// Keep a due date that is already past without asking
    #[arg(long)]
    pub yes: bool,
    /// Remove the due date
    #[arg(long)]
    pub no_due: bool,
    /// New title
    #[arg(long)]
    pub title: Option<String>,
    /// New description ("" removes it)
    #[arg(long)]
    pub description: Option<String>,
    /// Another metric (key, alias or a team metric's name); its baseline is taken anew
    /// over the window the action was decided in
    #[arg(long)]
    pub metric: Option<String>,
    /// What the metric should do now
    #[arg(long, value_enum)]
    pub expect: Option<Expected>,
    /// New target value in the metric's unit, or "none" to remove it
    #[arg(long, allow_hyphen_values = true, value_name = "NUMBER|none")]
    pub target: Option<String>,
    /// Who drives it now ("" removes the name)
    #[arg(long, value_name = "NAME")]
    pub volunteer: Option<String>,
}

impl ActionsUpdateArgs {
    /// Whether any field of the action's plan is to change (not its status or note).
    pub fn changes_the_plan(&self) -> bool {
        self.due.is_some()
            || self.no_due
            || self.title.is_some()
            || self.description.is_some()
            || self.metric.is_some()
            || self.expect.is_some()
            || self.target.is_some()
            || self.volunteer.is_some()
    }
}
