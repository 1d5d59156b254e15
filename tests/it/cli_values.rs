//! The command line's choices parse straight into the library's values: every name and
//! alias an option documents lands on the value it means.

use clap::Parser;
use retro::cli::{ActionsCommand, Cli, Command, StatusFilter};
use retro::domain::{ActionStatus, Expected, Granularity};

fn parse(args: &[&str]) -> Result<Command, clap::Error> {
    let argv = ["retro"].iter().chain(args);
    Ok(Cli::try_parse_from(argv)?.command.expect("a subcommand"))
}

fn expect_of(word: &str) -> Expected {
    match parse(&["actions", "add", "--title", "t", "--metric", "lead_time", "--expect", word]).unwrap() {
        Command::Actions(ActionsCommand::Add(args)) => args.expect,
        other => panic!("parsed as {other:?}"),
    }
}

fn update_status_of(word: &str) -> Option<ActionStatus> {
    match parse(&["actions", "update", "1", "--status", word]).unwrap() {
        Command::Actions(ActionsCommand::Update(args)) => args.status,
        other => panic!("parsed as {other:?}"),
    }
}

fn list_filter_of(args: &[&str]) -> StatusFilter {
    match parse(&[&["actions", "list"], args].concat()).unwrap() {
        Command::Actions(ActionsCommand::List(args)) => args.status,
        other => panic!("parsed as {other:?}"),
    }
}

#[test]
fn expect_takes_its_short_names_and_the_stored_ones() {
    for (word, expected) in [
        ("improve", Expected::Improve),
        ("better", Expected::Improve),
        ("hold", Expected::HoldSteady),
        ("hold-steady", Expected::HoldSteady),
        ("hold_steady", Expected::HoldSteady),
        ("steady", Expected::HoldSteady),
        ("worsen", Expected::IntendedWorsening),
        ("intended-worsening", Expected::IntendedWorsening),
        ("intended_worsening", Expected::IntendedWorsening),
    ] {
        assert_eq!(expect_of(word), expected, "--expect {word}");
    }
    let err = parse(&["actions", "add", "--title", "t", "--metric", "m", "--expect", "faster"]).unwrap_err();
    assert_eq!(err.kind(), clap::error::ErrorKind::InvalidValue);
}

#[test]
fn a_status_is_the_actions_status_and_a_list_filter_adds_all() {
    assert_eq!(update_status_of("open"), Some(ActionStatus::Open));
    assert_eq!(update_status_of("done"), Some(ActionStatus::Done));
    assert_eq!(update_status_of("dropped"), Some(ActionStatus::Dropped));
    assert_eq!(update_status_of("drop"), Some(ActionStatus::Dropped));
    assert!(parse(&["actions", "update", "1", "--status", "all"]).is_err(), "all is only a filter");

    assert_eq!(list_filter_of(&[]), StatusFilter(None), "all by default");
    assert_eq!(list_filter_of(&["--status", "all"]), StatusFilter(None));
    assert_eq!(list_filter_of(&["--status", "done"]), StatusFilter(Some(ActionStatus::Done)));
    assert_eq!(list_filter_of(&["--status", "drop"]), StatusFilter(Some(ActionStatus::Dropped)));
    assert!(parse(&["actions", "list", "--status", "closed"]).is_err());

    let done = StatusFilter(Some(ActionStatus::Done));
    assert!(done.admits(ActionStatus::Done) && !done.admits(ActionStatus::Open));
    assert!(ActionStatus::ALL.into_iter().all(|s| StatusFilter(None).admits(s)));
}

#[test]
fn period_is_the_granularity() {
    for (word, granularity) in [("week", Granularity::Week), ("month", Granularity::Month)] {
        match parse(&["metrics", "--period", word]).unwrap() {
            Command::Metrics(args) => assert_eq!(args.period, Some(granularity)),
            other => panic!("parsed as {other:?}"),
        }
        match parse(&["signals", "--period", word]).unwrap() {
            Command::Signals(args) => assert_eq!(args.period, Some(granularity)),
            other => panic!("parsed as {other:?}"),
        }
    }
}
