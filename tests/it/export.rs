//! Retro summaries: the Markdown of a hand-built retro (snapshot), escaping of what the
//! team typed, an empty retro, and the JSON shape documented in docs/export.md.

use chrono::NaiveDate;
use retro::domain::{
    Action, ActionId, ActionPlan, ActionReview, ActionStatus, Decision, DoraMetric, Expected, MetricKey, Note, NoteId,
    Period, Polarity, Retro, RetroId, Stage, Team, TeamId, Timestamp, UtcOffset, VoteCounts, parse_timestamp,
};
use retro::export::{RetroSummary, Reviewed, SCHEMA, json, markdown};
use retro::metrics::{Direction, EffectRule, Observed, Sample, Spread, evaluate};
use retro::retro::movement::MetricMove;
use serde_json::Value;

fn t(s: &str) -> Timestamp {
    parse_timestamp(s).unwrap()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn cet() -> UtcOffset {
    UtcOffset::from_minutes(60).unwrap()
}

fn team() -> Team {
    Team { id: TeamId(1), name: "payments".into(), utc_offset: cet() }
}

fn window() -> Period {
    Period::window(day("2025-03-03"), day("2025-03-16"), cet())
}

fn empty_summary() -> RetroSummary {
    RetroSummary {
        team: team(),
        retro: Retro {
            id: RetroId(7),
            team: TeamId(1),
            window: window(),
            stage: Stage::SetTheStage,
            started_at: t("2025-03-17T09:00:00Z"),
            finished_at: None,
        },
        safety: VoteCounts::default(),
        return_on_time: VoteCounts::default(),
        moves: Vec::new(),
        data_gaps: Vec::new(),
        notes: Vec::new(),
        actions: Vec::new(),
        reviews: Vec::new(),
    }
}

fn movement(
    metric: MetricKey,
    unit: &str,
    polarity: Polarity,
    reference: Option<f64>,
    current: Option<f64>,
    direction: Direction,
) -> MetricMove {
    let delta = current.zip(reference).map(|(c, r)| c - r);
    let unit = match &metric {
        MetricKey::Dora(m) => {
            assert_eq!(m.unit().as_str(), unit, "a DORA metric's own unit");
            m.unit()
        }
        MetricKey::Team(_) => retro::domain::Unit::Custom(unit.to_owned()),
    };
    MetricMove {
        name: metric.name().to_owned(),
        metric,
        unit,
        polarity,
        current,
        reference,
        delta,
        relative: delta.zip(reference).map(|(d, r)| d / r),
        direction,
        usual: None,
        evidence: None,
    }
}

fn note(id: i64, prompt_key: &str, prompt: &str, metric: Option<MetricKey>, body: &str, at: &str) -> Note {
    Note {
        id: NoteId(id),
        retro: RetroId(7),
        prompt_key: prompt_key.into(),
        prompt: prompt.into(),
        metric,
        body: body.into(),
        created_at: t(at),
        updated_at: t(at),
    }
}

fn lead_time() -> MetricKey {
    MetricKey::Dora(DoraMetric::ChangeLeadTime)
}

fn cfr() -> MetricKey {
    MetricKey::Dora(DoraMetric::ChangeFailureRate)
}

fn summary() -> RetroSummary {
    let mut s = empty_summary();
    s.retro.stage = Stage::Close;
    s.retro.finished_at = Some(t("2025-03-17T10:05:00Z"));
    s.safety = VoteCounts([0, 1, 1, 3, 2]);
    s.return_on_time = VoteCounts([0, 0, 1, 3, 1]);
    // Incidents known up to Sunday 9 March (CET): 7 of the window's 14 days.
    s.data_gaps = vec![retro::metrics::DataGap {
        kind: retro::domain::CoverageKind::Incidents,
        metrics: vec![retro::domain::DoraMetric::RecoveryTime],
        window: window(),
        covered: retro::domain::Spans::union([(window().start, t("2025-03-09T23:00:00Z"))]),
    }];
    s.moves = vec![
        movement(lead_time(), "hours", Polarity::LowerIsBetter, Some(22.1), Some(30.5), Direction::Worse),
        movement(cfr(), "%", Polarity::LowerIsBetter, Some(9.5), Some(4.0), Direction::Better),
        movement(
            MetricKey::Team("customer satisfaction".into()),
            "score (1-5)",
            Polarity::HigherIsBetter,
            Some(3.8),
            Some(4.2),
            Direction::Better,
        ),
        movement(
            MetricKey::Dora(DoraMetric::DeploymentFrequency),
            "deploys/day",
            Polarity::HigherIsBetter,
            Some(2.0),
            Some(2.02),
            Direction::Steady,
        ),
        movement(
            MetricKey::Dora(DoraMetric::RecoveryTime),
            "hours",
            Polarity::LowerIsBetter,
            None,
            Some(3.0),
            Direction::Unknown,
        ),
    ];
    s.notes = vec![
        note(
            1,
            "general.blocking",
            "What's blocking us?",
            None,
            "The staging environment was down for two days.",
            "2025-03-17T09:20:00Z",
        ),
        note(
            2,
            "metric.change_lead_time.worse.waiting",
            "Where did work wait on its way to production?",
            Some(lead_time()),
            "Reviews waited on the release branch.\nMost changes sat there 1-2 days.\n\nA freeze on Thursday made it worse.",
            "2025-03-17T09:30:00Z",
        ),
        note(
            3,
            "general.blocking",
            "What's blocking us?",
            None,
            "Flaky *integration* tests in ci_pipeline",
            "2025-03-17T09:35:00Z",
        ),
        note(
            4,
            "generic.better.what_helped:customer satisfaction",
            "What helped customer satisfaction improve?",
            Some(MetricKey::Team("customer satisfaction".into())),
            "The new onboarding guide.",
            "2025-03-17T09:40:00Z",
        ),
    ];
    s.actions = vec![
        Action {
            id: ActionId(12),
            team: TeamId(1),
            retro: Some(RetroId(7)),
            plan: ActionPlan {
                title: "Deploy from main, not from a release branch".into(),
                description: Some("Start with the payments API.\nThe worker follows next sprint.".into()),
                metric: lead_time(),
                expected: Expected::Improve,
                target: Some(24.0),
                due: Some(day("2025-04-01")),
                volunteer: Some("Sam".into()),
            },
            status: ActionStatus::Open,
            closing_note: None,
            baseline: Some(30.5),
            baseline_window: window(),
            created_at: t("2025-03-17T09:50:00Z"),
            closed_at: None,
            from_note: None,
        },
        Action {
            id: ActionId(13),
            team: TeamId(1),
            retro: Some(RetroId(7)),
            plan: ActionPlan {
                title: "Slow deployments down while we pay down test debt".into(),
                description: None,
                metric: MetricKey::Dora(DoraMetric::DeploymentFrequency),
                expected: Expected::IntendedWorsening,
                target: None,
                due: None,
                volunteer: None,
            },
            status: ActionStatus::Open,
            closing_note: None,
            baseline: Some(2.02),
            baseline_window: window(),
            created_at: t("2025-03-17T09:55:00Z"),
            closed_at: None,
            from_note: None,
        },
    ];
    let earlier = Period::window(day("2025-02-17"), day("2025-03-02"), cet());
    let smoke = Action {
        id: ActionId(9),
        team: TeamId(1),
        retro: Some(RetroId(6)),
        plan: ActionPlan {
            title: "Add smoke tests before each deploy".into(),
            description: None,
            metric: cfr(),
            expected: Expected::Improve,
            target: Some(5.0),
            due: Some(day("2025-03-14")),
            volunteer: Some("Ana".into()),
        },
        status: ActionStatus::Done,
        closing_note: Some("Smoke tests run on every deploy now.".into()),
        baseline: Some(9.5),
        baseline_window: earlier.clone(),
        created_at: t("2025-03-03T10:00:00Z"),
        closed_at: Some(t("2025-03-17T09:15:00Z")),
        from_note: None,
    };
    let runbook = Action {
        id: ActionId(10),
        team: TeamId(1),
        retro: Some(RetroId(6)),
        plan: ActionPlan {
            title: "Write a rollback runbook".into(),
            description: None,
            metric: MetricKey::Dora(DoraMetric::RecoveryTime),
            expected: Expected::Improve,
            target: None,
            due: None,
            volunteer: None,
        },
        status: ActionStatus::Open,
        closing_note: None,
        baseline: None,
        baseline_window: earlier,
        created_at: t("2025-03-03T10:05:00Z"),
        closed_at: None,
        from_note: None,
    };
    s.reviews = vec![
        Reviewed {
            action: smoke,
            review: ActionReview {
                retro: RetroId(7),
                action: ActionId(9),
                decision: Decision::Done,
                metric_value: Some(4.0),
                note: Some("Smoke tests run on every deploy now.".into()),
                reviewed_at: t("2025-03-17T09:15:00Z"),
            },
            verdict: Some(evaluate(
                Expected::Improve,
                Polarity::LowerIsBetter,
                Spread::Proportion,
                // 10 of 50 failed, then 6 of 100, against weeks of 16-24 % before: moved
                // as expected (docs/metrics.md, "Did an action move its metric?").
                &Observed {
                    baseline: Some(Sample { value: 20.0, events: 50, days: 14.0 }),
                    after: Some(Sample { value: 6.0, events: 100, days: 28.0 }),
                    weeks: 4,
                    routine: vec![16.0, 24.0, 20.0, 18.0, 22.0, 20.0],
                },
                &EffectRule::default(),
            )),
        },
        Reviewed {
            action: runbook,
            review: ActionReview {
                retro: RetroId(7),
                action: ActionId(10),
                decision: Decision::Keep,
                metric_value: Some(3.0),
                note: None,
                reviewed_at: t("2025-03-17T09:16:00Z"),
            },
            verdict: None,
        },
    ];
    s
}

#[test]
fn markdown_of_a_whole_retro() {
    insta::assert_snapshot!("markdown_whole_retro", markdown(&summary()));
}

#[test]
fn markdown_shows_times_in_the_teams_offset() {
    let md = markdown(&summary());
    assert!(md.starts_with("# Retro of payments: 2025-03-03 to 2025-03-16\n"), "{md}");
    // 09:00Z and 10:05Z at +01:00.
    assert!(md.contains("Held 2025-03-17 10:00 to 11:05 (UTC+01:00)."), "{md}");
}

#[test]
fn markdown_votes_are_counts_only() {
    let md = markdown(&summary());
    let safety = section(&md, "## Safety check");
    assert!(safety.contains("7 votes, median 4."), "{safety}");
    assert!(safety.contains("- 4 (I'll talk about almost anything; a few things are hard): 3"), "{safety}");
    assert!(safety.contains("- 1 (I won't say much; I don't feel safe here): 0"), "{safety}");
    let closing = section(&md, "## Closing vote");
    assert!(closing.contains("5 votes, median 4."), "{closing}");
    // Volunteers appear with their action only.
    assert_eq!(md.matches("Sam").count(), 1);
    assert!(!md.contains("Ana"), "a reviewed action's volunteer is not repeated");
}

#[test]
fn markdown_groups_notes_under_their_prompt() {
    let md = markdown(&summary());
    let said = section(&md, "## What we said");
    let blocking = said.find("### What's blocking us?").unwrap();
    let waiting = said.find("### Where did work wait on its way to production? (Change lead time)").unwrap();
    assert!(blocking < waiting);
    // Both notes of the first prompt sit under it, in order.
    let staging = said.find("staging environment").unwrap();
    let flaky = said.find("Flaky").unwrap();
    assert!(blocking < staging && staging < flaky && flaky < waiting, "{said}");
    // A prompt that names its metric does not repeat it.
    assert!(said.contains("### What helped customer satisfaction improve?\n"), "{said}");
}

#[test]
fn markdown_escapes_what_the_team_typed() {
    let mut s = empty_summary();
    s.team.name = "web|ops *core*".into();
    s.notes = vec![
        note(
            1,
            "general.blocking",
            "What's blocking us?",
            None,
            "# not a heading\n- not a list\n1. not numbered\n> not a quote\n[click](http://example.com) <b>bold</b> _x_ `code`\n---",
            "2025-03-17T09:20:00Z",
        ),
        note(2, "custom", "Prompt with *stars* #1", None, "ok", "2025-03-17T09:21:00Z"),
    ];
    let md = markdown(&s);
    assert!(md.starts_with("# Retro of web\\|ops \\*core\\*: "), "{md}");
    let said = section(&md, "## What we said");
    assert!(said.contains("- \\# not a heading\\\n"), "{said}");
    assert!(said.contains("  \\- not a list\\\n"), "{said}");
    assert!(said.contains("  1\\. not numbered\\\n"), "{said}");
    assert!(said.contains("  \\> not a quote\\\n"), "{said}");
    assert!(said.contains("  \\[click\\](http://example.com) \\<b\\>bold\\</b\\> \\_x\\_ \\`code\\`\\\n"), "{said}");
    assert!(said.contains("  \\---\n"), "{said}");
    assert!(said.contains("### Prompt with \\*stars\\* \\#1\n"), "{said}");
    // Every line of a note stays inside its list item.
    for line in said.lines().filter(|l| !l.is_empty() && !l.starts_with('#')) {
        assert!(line.starts_with("- ") || line.starts_with("  "), "{line:?}");
    }
}

#[test]
fn the_export_file_is_named_after_the_team_and_the_window_in_plain_characters() {
    assert_eq!(empty_summary().file_name(), "retro-payments-2025-03-03-2025-03-16.md");
    let mut s = empty_summary();
    s.team.name = "Pay/ments ../Team".into();
    assert_eq!(s.file_name(), "retro-pay-ments----team-2025-03-03-2025-03-16.md", "never a path");
}

#[test]
fn an_empty_retro_renders_sensibly() {
    let md = markdown(&empty_summary());
    insta::assert_snapshot!("markdown_empty_retro", md);
    assert!(md.contains("Started 2025-03-17 10:00 (UTC+01:00); not finished yet."));
    assert_eq!(md.matches("No votes recorded.").count(), 2);
    for line in [
        "No metric data for this window.",
        "No notes recorded.",
        "No new actions.",
        "No earlier actions were reviewed.",
    ] {
        assert!(md.contains(line), "{line}");
    }
    assert!(!md.contains("NaN") && !md.contains("null"));
    assert!(md.ends_with('\n') && !md.ends_with("\n\n"));
}

#[test]
fn steady_metrics_are_named_when_nothing_moved() {
    let mut s = empty_summary();
    s.moves = summary().moves.into_iter().filter(|m| !m.moved()).collect();
    let moved = section(&markdown(&s), "## Metrics that moved").to_owned();
    assert!(moved.contains("No metric moved beyond its usual range"), "{moved}");
    assert!(moved.contains("Within usual range: Deployment frequency."), "{moved}");
    assert!(moved.contains("Not enough data to compare: Failed deployment recovery time."), "{moved}");
}

#[test]
fn json_has_the_documented_shape() {
    let v = json(&summary());
    assert_eq!(v["schema"], SCHEMA);
    assert_eq!(v["schema"], "retro.summary/1");
    let top: Vec<_> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        top,
        ["schema", "team", "retro", "safety", "return_on_time", "data_gaps", "moves", "notes", "actions", "reviews"]
    );
    let gap = &v["data_gaps"][0];
    assert_eq!(
        (&gap["kind"], &gap["covered_days"], &gap["window_days"]),
        (&"incidents".into(), &7.0.into(), &14.0.into())
    );
    assert_eq!(gap["missing_since"], "2025-03-10");
    assert!(gap["covered_from"].is_null());
    assert_eq!(gap["metrics"][0], "failed_deployment_recovery_time");
    assert_eq!(v["team"]["utc_offset"], "+01:00");
    assert_eq!(v["retro"]["window"]["first_day"], "2025-03-03");
    assert_eq!(v["retro"]["window"]["last_day"], "2025-03-16");
    assert_eq!(v["retro"]["window"]["start"], "2025-03-03T00:00:00+01:00");
    assert_eq!(v["retro"]["window"]["days"], 14.0);
    assert_eq!(v["retro"]["stage"], "close");
    assert_eq!(v["retro"]["started_at"], "2025-03-17T10:00:00+01:00");
    assert_eq!(v["retro"]["finished_at"], "2025-03-17T11:05:00+01:00");

    let safety = &v["safety"];
    assert_eq!(safety["counts"], serde_json::json!({"1": 0, "2": 1, "3": 1, "4": 3, "5": 2}));
    assert_eq!(safety["total"], 7);
    assert_eq!(safety["median"], 4.0);

    assert_eq!(v["moves"].as_array().unwrap().len(), 5);
    assert_eq!(v["moves"][0]["metric"], "change_lead_time");
    assert_eq!(v["moves"][0]["direction"], "worse");
    assert_eq!(v["moves"][0]["polarity"], "lower_is_better");
    assert_eq!(v["moves"][4]["reference"], Value::Null);

    assert_eq!(v["notes"].as_array().unwrap().len(), 4);
    assert_eq!(v["notes"][1]["metric"], "change_lead_time");
    assert_eq!(v["notes"][0]["metric"], Value::Null);
    assert!(v["notes"][1]["body"].as_str().unwrap().contains('\n'), "bodies are kept as typed");

    let action = &v["actions"][0];
    assert_eq!(action["expected"], "improve");
    assert_eq!(action["due"], "2025-04-01");
    assert_eq!(action["volunteer"], "Sam");
    assert_eq!(action["baseline"], 30.5);
    assert_eq!(v["actions"][1]["expected"], "intended_worsening");
    assert_eq!(v["actions"][1]["due"], Value::Null);

    let review = &v["reviews"][0];
    assert_eq!(review["action"]["id"], 9);
    assert_eq!(review["decision"], "done");
    assert_eq!(review["metric_value"], 4.0);
    assert_eq!(review["verdict"], "moved_as_expected");
    assert_eq!(review["intended_worsening"], false);
    // Not evaluated: no verdict.
    assert_eq!(v["reviews"][1]["verdict"], Value::Null);
}

#[test]
fn json_of_a_whole_retro() {
    insta::assert_json_snapshot!("json_whole_retro", json(&summary()));
}

#[test]
fn json_of_an_empty_retro_says_no_data_with_null() {
    let v = json(&empty_summary());
    assert_eq!(v["safety"]["median"], Value::Null);
    assert_eq!(v["safety"]["total"], 0);
    assert_eq!(v["return_on_time"]["counts"]["3"], 0);
    assert_eq!(v["retro"]["finished_at"], Value::Null);
    for list in ["moves", "notes", "actions", "reviews"] {
        assert_eq!(v[list], serde_json::json!([]), "{list}");
    }
}

#[test]
fn json_objects_have_every_field_of_their_type() {
    let v = json(&summary());
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&v["team"]), ["id", "name", "utc_offset"]);
    assert_eq!(keys(&v["retro"]), ["id", "window", "stage", "started_at", "finished_at"]);
    assert_eq!(keys(&v["notes"][0]), ["id", "prompt_key", "prompt", "metric", "body", "created_at", "updated_at"]);
    assert_eq!(
        keys(&v["actions"][0]),
        [
            "id",
            "retro",
            "title",
            "description",
            "metric",
            "expected",
            "target",
            "due",
            "volunteer",
            "status",
            "closing_note",
            "baseline",
            "baseline_window",
            "created_at",
            "closed_at"
        ]
    );
    assert_eq!(
        keys(&v["reviews"][0]),
        ["action", "decision", "metric_value", "note", "reviewed_at", "verdict", "intended_worsening"]
    );
}

#[test]
fn every_json_field_is_documented() {
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/export.md")).unwrap();
    let mut names = Vec::new();
    collect_keys(&json(&summary()), &mut names);
    for name in names {
        if name.parse::<u8>().is_ok() {
            continue; // vote scores
        }
        assert!(docs.contains(&format!("`{name}`")), "docs/export.md does not document `{name}`");
    }
}

fn collect_keys(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                out.push(k.clone());
                collect_keys(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_keys(v, out)),
        _ => {}
    }
}

/// The part of `md` from `heading` to the next `## ` heading.
fn section<'a>(md: &'a str, heading: &str) -> &'a str {
    let start = md.find(heading).unwrap_or_else(|| panic!("no {heading} in {md}"));
    let rest = &md[start + heading.len()..];
    let end = rest.find("\n## ").map_or(rest.len(), |i| i + 1);
    &rest[..end]
}
