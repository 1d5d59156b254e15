//! The prompt catalogue: what the builtin one holds, what it never asks, which prompts a
//! retro gets for given metric movements, and override files (good and broken).

use retro::domain::{DoraMetric, MetricKey, Polarity};
use retro::metrics::Direction;
use retro::metrics::signals::SignalKind;
use retro::retro::movement::MetricMove;
use retro::retro::prompts::{Catalogue, Prompt, PromptError, safety_prompts, select};

fn dora(m: DoraMetric) -> MetricKey {
    MetricKey::Dora(m)
}

fn team(name: &str) -> MetricKey {
    MetricKey::Team(name.to_owned())
}

/// A movement from `reference` to `current`, with the direction given (as the trend
/// code would have read it through the metric's polarity).
fn moved(metric: MetricKey, reference: f64, current: f64, direction: Direction) -> MetricMove {
    let (unit, polarity) = match &metric {
        MetricKey::Dora(m) => (m.unit(), m.polarity()),
        MetricKey::Team(_) => (retro::domain::Unit::Custom("score".to_owned()), Polarity::HigherIsBetter),
    };
    let delta = current - reference;
    MetricMove {
        name: metric.name().to_owned(),
        metric,
        unit,
        polarity,
        current: Some(current),
        reference: Some(reference),
        delta: Some(delta),
        relative: Some(delta / reference.abs()),
        direction,
        usual: None,
        evidence: None,
    }
}

fn keys(prompts: &[Prompt]) -> Vec<&str> {
    prompts.iter().map(|p| p.key.as_str()).collect()
}

/// Every prompt the catalogue can produce, team metrics' generic ones included.
fn every_prompt(c: &Catalogue) -> Vec<Prompt> {
    let mut all = c.general();
    all.extend(safety_prompts(c));
    for direction in [Direction::Better, Direction::Worse] {
        for m in DoraMetric::ALL {
            all.extend(c.metric_prompts(&dora(m), direction));
        }
        all.extend(c.metric_prompts(&team("customer satisfaction"), direction));
    }
    for s in SignalKind::ALL {
        all.extend(c.signal_prompts(s));
    }
    all
}

#[test]
fn builtin_catalogue_parses() {
    let c = Catalogue::builtin();
    assert_eq!(c.file(), None);
    assert_eq!(Catalogue::from_toml("prompts.toml", retro::retro::prompts::BUILTIN).unwrap(), c);
}

#[test]
fn every_dora_metric_and_direction_has_at_least_three_prompts() {
    let c = Catalogue::builtin();
    for m in DoraMetric::ALL {
        for direction in [Direction::Better, Direction::Worse] {
            let prompts = c.metric_prompts(&dora(m), direction);
            assert!(prompts.len() >= 3, "{m} {direction:?}: {}", prompts.len());
            assert!(prompts.iter().all(|p| p.metric == Some(dora(m))));
            let prefix = format!("metric.{}.", m.key());
            assert!(prompts.iter().all(|p| p.key.starts_with(&prefix)), "{m}: own prompts, not generic");
        }
    }
}

#[test]
fn team_metrics_get_at_least_three_prompts_with_their_name() {
    let c = Catalogue::builtin();
    for direction in [Direction::Better, Direction::Worse] {
        let prompts = c.metric_prompts(&team("escaped defects"), direction);
        assert!(prompts.len() >= 3, "{direction:?}");
        for p in &prompts {
            assert!(p.text.contains("escaped defects"), "{}", p.text);
            assert!(!p.text.contains('{'), "{}", p.text);
            assert!(p.key.starts_with("generic.") && p.key.ends_with(":escaped defects"), "{}", p.key);
        }
    }
    assert!(c.metric_prompts(&team("escaped defects"), Direction::Steady).is_empty());
    assert!(c.metric_prompts(&dora(DoraMetric::ChangeLeadTime), Direction::Unknown).is_empty());
}

#[test]
fn every_signal_has_prompts() {
    let c = Catalogue::builtin();
    for s in SignalKind::ALL {
        assert!(c.signal_prompts(s).len() >= 2, "{}", s.key());
    }
    // The builtin catalogue knows every signal the engine raises, and no other.
    let named: Vec<_> = c.signals().collect();
    let mut kinds: Vec<_> = SignalKind::ALL.iter().map(|k| k.key()).collect();
    kinds.sort_unstable();
    assert_eq!(named, kinds);
}

#[test]
fn general_set_is_led_by_whats_blocking_us() {
    let general = Catalogue::builtin().general();
    assert_eq!(general[0].text, "What's blocking us?");
    assert_eq!(general[0].key, "general.blocking");
    assert!(general.len() >= 3);
    assert!(general.iter().all(|p| p.metric.is_none() && p.reason.is_none()));
}

#[test]
fn safety_set_is_about_speaking_freely() {
    let prompts = safety_prompts(&Catalogue::builtin());
    assert!(prompts.len() >= 3);
    assert!(prompts.iter().all(|p| p.key.starts_with("safety.") && p.reason.is_some()));
    assert!(prompts.iter().any(|p| p.text.contains("working agreements")));
    assert!(prompts.iter().any(|p| p.text.contains("easier to say")));
}

#[test]
fn no_prompt_asks_who() {
    const WHO: [&str; 6] = ["who ", "who's", "who’s", "whose", "whom", "who?"];
    const CULPRIT: [&str; 10] = [
        "fault",
        "blame",
        "culprit",
        "responsible for",
        "who broke",
        "who caused",
        "caused by someone",
        "someone",
        "somebody",
        "which person",
    ];
    const ROLES: [&str; 12] = [
        "developer",
        "developers",
        "engineer",
        "engineers",
        "tester",
        "testers",
        "qa",
        "ops",
        "manager",
        "managers",
        "reviewer",
        "reviewers",
    ];
    let prompts = every_prompt(&Catalogue::builtin());
    assert!(prompts.len() > 60);
    for p in &prompts {
        let text = p.text.to_lowercase();
        for bad in WHO.iter().chain(&CULPRIT) {
            assert!(!text.contains(bad), "{:?} has {bad:?}", p.text);
        }
        for word in text.split(|c: char| !c.is_alphanumeric() && c != '-') {
            assert!(!ROLES.contains(&word), "{:?} names a role: {word}", p.text);
        }
    }
}

#[test]
fn prompt_keys_are_unique_and_texts_are_questions_or_invitations() {
    let prompts = every_prompt(&Catalogue::builtin());
    let mut keys: Vec<_> = prompts.iter().map(|p| p.key.clone()).collect();
    keys.sort();
    let before = keys.len();
    keys.dedup();
    assert_eq!(keys.len(), before, "duplicate prompt keys");
    for p in &prompts {
        assert!(p.text.ends_with('?') || p.text.ends_with('.'), "{:?}", p.text);
        assert!(p.text.len() < 140, "{:?} is too long for one line", p.text);
    }
}

#[test]
fn nothing_moved_gives_only_the_general_prompts() {
    let c = Catalogue::builtin();
    let moves = [
        moved(dora(DoraMetric::ChangeLeadTime), 20.0, 20.1, Direction::Steady),
        moved(dora(DoraMetric::ChangeFailureRate), 5.0, 5.0, Direction::Unknown),
    ];
    assert_eq!(select(&c, &moves, &[], 3), c.general());
    assert_eq!(select(&c, &[], &[], 3), c.general());
}

#[test]
fn lead_time_worse_and_failure_rate_better_give_their_prompts_in_that_order() {
    let c = Catalogue::builtin();
    let moves = [
        moved(dora(DoraMetric::ChangeLeadTime), 22.1, 30.5, Direction::Worse),
        moved(dora(DoraMetric::DeploymentFrequency), 2.0, 2.01, Direction::Steady),
        moved(dora(DoraMetric::ChangeFailureRate), 9.5, 4.0, Direction::Better),
    ];
    let prompts = select(&c, &moves, &[], 2);
    assert_eq!(
        keys(&prompts),
        [
            "general.blocking",
            "general.slowed",
            "general.helped",
            "general.surprised",
            "metric.change_lead_time.worse.waiting",
            "metric.change_lead_time.worse.review_and_tests",
            "metric.change_failure_rate.better.what_helped",
            "metric.change_failure_rate.better.keep_safety_nets",
        ]
    );
    assert_eq!(prompts[4].text, "Where did work wait on its way to production?");
    assert_eq!(prompts[4].metric, Some(dora(DoraMetric::ChangeLeadTime)));
    assert_eq!(prompts[4].reason.as_deref(), Some("Change lead time got worse: 30.5 h against 22.1 h before (+8.4 h)"));
    assert_eq!(
        prompts[6].reason.as_deref(),
        Some("Change failure rate got better: 4.0% against 9.5% before (-5.5 pp)")
    );
}

#[test]
fn a_team_metric_gets_the_generic_prompts_with_its_name() {
    let c = Catalogue::builtin();
    let moves = [moved(team("customer satisfaction"), 4.2, 3.6, Direction::Worse)];
    let prompts = select(&c, &moves, &[], 3);
    let metric_prompts = &prompts[c.general().len()..];
    assert_eq!(
        keys(metric_prompts),
        [
            "generic.worse.what_changed:customer satisfaction",
            "generic.worse.examples:customer satisfaction",
            "generic.worse.still_meaningful:customer satisfaction",
        ]
    );
    assert_eq!(
        metric_prompts[0].text,
        "customer satisfaction moved the wrong way. What changed in our work or our system around it?"
    );
    assert_eq!(
        metric_prompts[0].reason.as_deref(),
        Some("customer satisfaction got worse: 3.6 against 4.2 before (-0.6)")
    );
}

#[test]
fn two_team_metrics_keep_their_prompts_apart() {
    let c = Catalogue::builtin();
    let moves = [
        moved(team("escaped defects"), 3.0, 6.0, Direction::Worse),
        moved(team("on-call load"), 10.0, 14.0, Direction::Worse),
    ];
    let prompts = select(&c, &moves, &[], 1);
    let metric_prompts = &prompts[c.general().len()..];
    assert_eq!(
        keys(metric_prompts),
        ["generic.worse.what_changed:escaped defects", "generic.worse.what_changed:on-call load"]
    );
}

#[test]
fn signals_add_their_prompts_after_the_metrics() {
    let c = Catalogue::builtin();
    let moves = [moved(dora(DoraMetric::DeploymentFrequency), 1.0, 2.0, Direction::Better)];
    let prompts = select(
        &c,
        &moves,
        &[SignalKind::InstabilityAfterThroughputRise, SignalKind::InstabilityAfterThroughputRise],
        2,
    );
    let tail: Vec<_> = keys(&prompts).into_iter().skip(c.general().len()).collect();
    assert_eq!(
        tail,
        [
            "metric.deployment_frequency.better.what_helped",
            "metric.deployment_frequency.better.keep_it",
            "signal.instability_after_throughput_rise.stability_cost",
            "signal.instability_after_throughput_rise.checks_kept_pace",
        ]
    );
    let last = prompts.last().unwrap();
    assert_eq!(last.metric, None);
    assert!(last.reason.as_deref().unwrap().starts_with("Signal: "));
}

#[test]
fn per_metric_limits_the_prompts_of_each_metric() {
    let c = Catalogue::builtin();
    let moves = [
        moved(dora(DoraMetric::ReworkRate), 5.0, 10.0, Direction::Worse),
        moved(dora(DoraMetric::RecoveryTime), 2.0, 1.0, Direction::Better),
    ];
    let general = c.general().len();
    assert_eq!(select(&c, &moves, &[SignalKind::PossibleMetricGaming], 0).len(), general);
    assert_eq!(select(&c, &moves, &[SignalKind::PossibleMetricGaming], 1).len(), general + 3);
    assert_eq!(select(&c, &moves, &[SignalKind::PossibleMetricGaming], 100).len(), general + 3 + 3 + 3);
    // Deterministic.
    assert_eq!(select(&c, &moves, &[], 2), select(&c, &moves, &[], 2));
}

const SMALL: &str = r#"
[[general]]
key = "start"
text = "What got in our way?"

[[metric.change_lead_time.worse]]
key = "queue"
text = "Which queue grew?"

[[metric."customer satisfaction".better]]
key = "heard"
text = "What did we hear from customers about {metric}?"

[[generic.worse]]
key = "changed"
text = "What changed around {metric}?"

[[signal.possible_metric_gaming]]
key = "meaning"
text = "Do these numbers mean what they seem?"
"#;

#[test]
fn an_override_file_replaces_the_catalogue() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("prompts.toml"), SMALL).unwrap();
    let c = Catalogue::load(Some(dir.path())).unwrap();
    assert_eq!(c.file(), Some(dir.path().join("prompts.toml").as_path()));
    assert_eq!(keys(&c.general()), ["general.start"]);
    assert!(retro::retro::prompts::safety_prompts(&c).is_empty());

    let moves = [
        moved(dora(DoraMetric::ChangeLeadTime), 10.0, 20.0, Direction::Worse),
        moved(dora(DoraMetric::ChangeFailureRate), 5.0, 10.0, Direction::Worse),
        moved(team("customer satisfaction"), 3.0, 4.0, Direction::Better),
    ];
    let texts: Vec<_> =
        select(&c, &moves, &[SignalKind::PossibleMetricGaming], 3).into_iter().map(|p| p.text).collect();
    assert_eq!(
        texts,
        [
            "What got in our way?",
            "Which queue grew?",
            // No failure-rate prompts of its own in this file: the generic ones.
            "What changed around Change failure rate?",
            // A team metric with prompts of its own uses them.
            "What did we hear from customers about customer satisfaction?",
            "Do these numbers mean what they seem?",
        ]
    );
}

#[test]
fn without_an_override_the_builtin_catalogue_is_used() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(Catalogue::load(Some(dir.path())).unwrap(), Catalogue::builtin());
    assert_eq!(Catalogue::load(None).unwrap(), Catalogue::builtin());
}

fn broken(text: &str) -> (usize, Option<String>, String) {
    match Catalogue::from_toml("prompts.toml", text) {
        Err(PromptError::Invalid { file, line, field, message, .. }) => {
            assert_eq!(file, "prompts.toml");
            (line, field, message)
        }
        other => panic!("expected an invalid catalogue, got {other:?}"),
    }
}

#[test]
fn a_broken_override_names_the_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("prompts.toml");
    std::fs::write(&path, "[[general]]\nkey = \"start\"\ntext = 42\n").unwrap();
    let err = Catalogue::load(Some(dir.path())).unwrap_err();
    let message = err.to_string();
    assert!(message.starts_with(&path.display().to_string()), "{message}");
    assert!(message.contains("line 3"), "{message}");
    assert!(message.contains("field `general.text`"), "{message}");
    assert!(message.contains("expected a string, found an integer"), "{message}");
}

#[test]
fn toml_syntax_errors_name_the_line_and_key() {
    let (line, field, message) = broken("[[general]]\nkey = \"start\"\ntext = \"unfinished\n");
    assert_eq!(line, 3, "{message}");
    assert_eq!(field.as_deref(), Some("text"));
}

#[test]
fn catalogue_mistakes_name_their_line_and_field() {
    let cases: [(&str, usize, &str, &str); 8] = [
        ("[[general]]\nkey = \"a\"\ntext = \"A?\"\n\n[[genral]]\nkey = \"b\"\n", 5, "genral", "unknown section"),
        (
            "[[general]]\nkey = \"a\"\ntext = \"A?\"\n[[general]]\nkey = \"a\"\ntext = \"B?\"\n",
            5,
            "general.key",
            "used twice",
        ),
        ("[[general]]\nkey = \"a\"\n", 1, "general.text", "no `text`"),
        ("[[general]]\nkey = \"Big Key\"\ntext = \"A?\"\n", 2, "general.key", "lower case"),
        ("[[general]]\nkey = \"a\"\ntext = \"How is {metric}?\"\n", 3, "general.text", "{metric}"),
        (
            "\n[[metric.change_lead_time.worse]]\nkey = \"a\"\ntext = \"How is {team}?\"\n",
            4,
            "metric.change_lead_time.worse.text",
            "braces",
        ),
        (
            "[[metric.change_lead_time.sideways]]\nkey = \"a\"\ntext = \"A?\"\n",
            1,
            "metric.change_lead_time.sideways",
            "unknown direction",
        ),
        ("[[general]]\nkey = \"a\"\ntext = \"A?\"\nwho = \"x\"\n", 4, "general.who", "unknown field"),
    ];
    for (text, line, field, message) in cases {
        let got = broken(text);
        assert_eq!(got.0, line, "{text}: {got:?}");
        assert_eq!(got.1.as_deref(), Some(field), "{text}: {got:?}");
        assert!(got.2.contains(message), "{text}: {got:?}");
    }
}

#[test]
fn an_unreadable_override_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("prompts.toml")).unwrap();
    assert!(matches!(Catalogue::load(Some(dir.path())), Err(PromptError::Read { .. })));
}
