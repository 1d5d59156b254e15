//! The command line, as clap definitions. Behaviour lives in [`crate::commands`].

use crate::domain::UtcOffset;
use crate::import::{Format, ImportKind};
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "retro",
    version,
    about = "Blameless, metrics-driven retrospectives in the terminal"
)]
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
    /// Open the terminal UI on the built-in demo team (same as `retro --demo`)
    Demo,
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
    /// A CSV or JSON file, or for `git` the repository's folder
    pub file: PathBuf,
    /// The file's format [default: from its extension]
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// git: deployments are the tags whose name matches this glob [default: v*]
    #[arg(
        long,
        value_name = "GLOB",
        conflicts_with = "deploy_branch",
        help_heading = "Git import"
    )]
    pub deploy_tags: Option<String>,
    /// git: deployments are the merge commits on this branch's first-parent history
    #[arg(long, value_name = "BRANCH", help_heading = "Git import")]
    pub deploy_branch: Option<String>,
    /// git: a rule marking a deployment as rework when its tag or commit subjects match;
    /// KIND is hotfix (default), rollback or fix_forward. Repeat for several; replaces
    /// the defaults (see docs/git-import.md)
    #[arg(long = "rework-pattern", value_name = "[KIND:]REGEX", help_heading = "Git import")]
    pub rework_patterns: Vec<String>,
}

#[derive(Debug, Default, Args)]
pub struct MetricsArgs {
    /// Cut time into ISO weeks or calendar months [default: week, or one window when
    /// --from/--to is given]
    #[arg(long, value_enum)]
    pub period: Option<PeriodArg>,
    /// First day (YYYY-MM-DD), in the team's UTC offset
    #[arg(long, value_name = "DATE")]
    pub from: Option<NaiveDate>,
    /// Last day, included (YYYY-MM-DD) [default: today]
    #[arg(long, value_name = "DATE")]
    pub to: Option<NaiveDate>,
    /// How many periods, ending with the current one [default: 12]
    #[arg(long, value_name = "N", conflicts_with_all = ["from", "to"])]
    pub last: Option<usize>,
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct SignalsArgs {
    /// Cut time into ISO weeks or calendar months [default: week]
    #[arg(long, value_enum)]
    pub period: Option<PeriodArg>,
    /// How many periods to look at, ending with the current one [default: 52 weeks, or 12 months]
    #[arg(long, value_name = "N")]
    pub last: Option<usize>,
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PeriodArg {
    Week,
    Month,
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
    /// Start a new retro even when one is unfinished
    #[arg(long)]
    pub new: bool,
}

#[derive(Debug, Subcommand)]
pub enum RetrosCommand {
    /// List the team's retros, newest first
    List {
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
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
