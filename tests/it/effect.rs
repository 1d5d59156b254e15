//! Did an action move its metric? Hand-computed cases of the verdict (docs/metrics.md,
//! "Did an action move its metric?"), which is the routine-variation rule
//! (`metrics::variation`) read against what the action expected: each verdict, each kind
//! of metric, too early, intended worsening, hold steady, zero baselines, and the steady
//! team that must not read as moved.

use retro::domain::Expected::{self, *};
use retro::domain::Polarity::{self, *};
use retro::metrics::{EffectRule, Evaluation, Observed, Sample, Spread, Verdict, evaluate};

/// A baseline over two weeks, an after-window over `weeks` weeks, and the weekly values
/// before the action.
fn judge(
    expected: Expected,
    polarity: Polarity,
    spread: Spread,
    (baseline, n1): (f64, u64),
    (after, n2): (f64, u64),
    weeks: usize,
    routine: &[f64],
) -> Evaluation {
    let observed = Observed {
        baseline: Some(Sample { value: baseline, events: n1, days: 14.0 }),
        after: Some(Sample { value: after, events: n2, days: 7.0 * weeks as f64 }),
        weeks,
        routine: routine.to_vec(),
    };
    evaluate(expected, polarity, spread, &observed, &EffectRule::default())
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-3)
}

/// Weekly failure rates before the action: moving ranges 8, 4, 2, 4, 2 (mean 4).
const RATES: [f64; 6] = [16.0, 24.0, 20.0, 18.0, 22.0, 20.0];

#[test]
fn the_default_rule() {
    let rule = EffectRule::default();
    assert_eq!((rule.min_periods, rule.min_events, rule.routine_weeks), (3, 5, 6));
}

#[test]
fn a_failure_rate_that_fell_beyond_the_usual_range_and_chance_moved_as_expected() {
    // Baseline 20 % (10 of 50, over 2 weeks). Over 4 weeks after it the limits are
    // 20 ± 2.66 × 4 × √(1/4 + 1/2) = 20 ± 9.21: 10.79..29.21. 6 % of 100 is below them,
    // and Fisher's test gives P(6 or fewer of the 16 failures among the 100 later
    // deployments of 150) = 0.0114 < 0.025.
    let e = judge(Improve, LowerIsBetter, Spread::Proportion, (20.0, 50), (6.0, 100), 4, &RATES);
    assert_eq!(e.verdict, Verdict::MovedAsExpected);
    let u = e.usual.unwrap();
    let half = 2.66 * 4.0 * (0.25f64 + 0.5).sqrt();
    assert!(close(Some(u.lower), 20.0 - half) && close(Some(u.upper), 20.0 + half), "{u:?}");
    assert!(close(e.threshold, half), "{:?}", e.threshold);
    assert!(close(e.relative, -0.7));
}

#[test]
fn below_the_limits_on_too_few_failures_is_no_clear_change() {
    // 8 % of 100 is below 10.79 too, but P(8 or fewer of 18 failures) = 0.0336 ≥ 0.025.
    let e = judge(Improve, LowerIsBetter, Spread::Proportion, (20.0, 50), (8.0, 100), 4, &RATES);
    assert_eq!(e.verdict, Verdict::NoClearChange);
    // Within the limits: 16 % of 100.
    let e = judge(Improve, LowerIsBetter, Spread::Proportion, (20.0, 50), (16.0, 100), 4, &RATES);
    assert_eq!(e.verdict, Verdict::NoClearChange);
}

#[test]
fn a_steady_rare_failure_rate_is_not_read_as_a_move() {
    // 4 deployments a week, one failing every other week: weekly 0, 25, 0, 25, 0, 25
    // (moving ranges 25); over 5 weeks 12.5 ± 2.66 × 25 × √(1/5 + 1/2) = 0..68.1. 10 % of
    // 20 is in.
    let routine = [0.0, 25.0, 0.0, 25.0, 0.0, 25.0];
    let e = judge(Improve, LowerIsBetter, Spread::Proportion, (12.5, 8), (10.0, 20), 5, &routine);
    assert_eq!(e.verdict, Verdict::NoClearChange, "{e:?}");
}

#[test]
fn rework_that_rose_moved_the_other_way() {
    // 10 % -> 20 % of 200 each, weekly 9..11 before (moving ranges 2, 1, 1: mean 4/3):
    // 10 ± 2.66 × 1.333 × √(1/6 + 1/2) = 7.10..12.90; 40 of 200 after 20 of 200 is
    // beyond chance.
    let e = judge(Improve, LowerIsBetter, Spread::Proportion, (10.0, 200), (20.0, 200), 6, &[9.0, 11.0, 10.0, 11.0]);
    assert_eq!(e.verdict, Verdict::MovedTheOtherWay);
}

/// Deployments a day in the weeks before: 14, 12, 16, 14 a week; moving ranges 2/7, 4/7,
/// 2/7 (mean 8/21 = 0.381 a day).
const FREQUENCY: [f64; 4] = [2.0, 12.0 / 7.0, 16.0 / 7.0, 2.0];

#[test]
fn an_intended_slow_down_that_happened_is_celebrated() {
    // 2 a day over 14 days (28) -> 1 a day over 28 days (28). Limits over 4 weeks after 2:
    // 2 ± 2.66 × 0.381 × √(1/4 + 1/2) = 1.12..2.88; 1 is below. Given 56 deployments, 28
    // or fewer in the 28 of 42 days: P(Binomial(56, 2/3) ≤ 28) = 0.0072 < 0.025.
    let e = judge(IntendedWorsening, HigherIsBetter, Spread::Rate, (2.0, 28), (1.0, 28), 4, &FREQUENCY);
    assert_eq!(e.verdict, Verdict::MovedAsExpected);
    assert!(e.intended_worsening);
    assert!(close(e.threshold, 2.66 * 8.0 / 21.0 * (0.25f64 + 0.5).sqrt()), "{:?}", e.threshold);
}

#[test]
fn an_intended_slow_down_that_did_not_happen() {
    let steady = judge(IntendedWorsening, HigherIsBetter, Spread::Rate, (2.0, 28), (1.9, 53), 4, &FREQUENCY);
    assert_eq!(steady.verdict, Verdict::NoClearChange);
    assert!(!steady.intended_worsening);
    let faster = judge(IntendedWorsening, HigherIsBetter, Spread::Rate, (2.0, 28), (4.0, 112), 4, &FREQUENCY);
    assert_eq!(faster.verdict, Verdict::MovedTheOtherWay);
    assert!(!faster.intended_worsening);
}

#[test]
fn a_median_is_read_by_the_limits_alone() {
    // Lead time 30 h over 2 weeks; weekly 28, 33, 30, 29 before (moving ranges 5, 3, 1:
    // mean 3). Over 6 weeks: 30 ± 2.66 × 3 × √(1/6 + 1/2) = 23.48..36.52. 20 h is below:
    // better. 28 h is within.
    let routine = [28.0, 33.0, 30.0, 29.0];
    let fell = judge(Improve, LowerIsBetter, Spread::Median, (30.0, 40), (20.0, 60), 6, &routine);
    assert_eq!(fell.verdict, Verdict::MovedAsExpected);
    let u = fell.usual.unwrap();
    assert!(close(Some(u.lower), 23.4842) && close(Some(u.upper), 36.5158), "{u:?}");
    let within = judge(Improve, LowerIsBetter, Spread::Median, (30.0, 40), (28.0, 60), 6, &routine);
    assert_eq!(within.verdict, Verdict::NoClearChange);
}

#[test]
fn too_early_without_weeks_events_values_or_routine() {
    let weeks = judge(Improve, LowerIsBetter, Spread::Proportion, (20.0, 50), (5.0, 100), 2, &RATES);
    assert_eq!(weeks.verdict, Verdict::TooEarly);
    assert_eq!((weeks.threshold, weeks.usual), (None, None));
    let events = judge(Improve, LowerIsBetter, Spread::Proportion, (20.0, 4), (5.0, 100), 4, &RATES);
    assert_eq!(events.verdict, Verdict::TooEarly, "four deployments are too few to judge a rate on");
    let routine = judge(Improve, LowerIsBetter, Spread::Proportion, (20.0, 50), (5.0, 100), 4, &[20.0, 18.0]);
    assert_eq!(routine.verdict, Verdict::TooEarly, "two weeks before say nothing of the usual range");
    let rule = EffectRule::default();
    let some = Sample { value: 10.0, events: 50, days: 28.0 };
    let only = |baseline, after| Observed { baseline, after, weeks: 4, routine: RATES.to_vec() };
    let e = evaluate(Improve, LowerIsBetter, Spread::Proportion, &only(None, Some(some)), &rule);
    assert_eq!(e.verdict, Verdict::TooEarly, "no baseline");
    let e = evaluate(Improve, LowerIsBetter, Spread::Proportion, &only(Some(some), None), &rule);
    assert_eq!(e.verdict, Verdict::TooEarly, "no data since");
}

#[test]
fn hold_steady_is_met_by_holding_or_by_getting_better() {
    let routine = [9.0, 11.0, 10.0, 11.0];
    let held = judge(HoldSteady, LowerIsBetter, Spread::Proportion, (10.0, 200), (11.0, 200), 4, &routine);
    assert_eq!(held.verdict, Verdict::MovedAsExpected);
    let better = judge(HoldSteady, LowerIsBetter, Spread::Proportion, (10.0, 200), (3.0, 200), 4, &routine);
    assert_eq!(better.verdict, Verdict::MovedAsExpected);
    let worse = judge(HoldSteady, LowerIsBetter, Spread::Proportion, (10.0, 200), (20.0, 200), 4, &routine);
    assert_eq!(worse.verdict, Verdict::MovedTheOtherWay);
}

#[test]
fn a_team_metric_is_read_by_the_limits_alone() {
    // Satisfaction 4.0 over 2 weeks; weekly 3.9, 4.1, 4.0, 4.2 (moving ranges 0.2, 0.1,
    // 0.2: mean 1/6). Over 4 weeks: 4.0 ± 2.66 / 6 × √(1/4 + 1/2) = 3.616..4.384. 4.4 is
    // above; 4.3 is within.
    let routine = [3.9, 4.1, 4.0, 4.2];
    let large = judge(Improve, HigherIsBetter, Spread::Unknown, (4.0, 0), (4.4, 0), 4, &routine);
    assert_eq!(large.verdict, Verdict::MovedAsExpected);
    let small = judge(Improve, HigherIsBetter, Spread::Unknown, (4.0, 0), (4.3, 0), 4, &routine);
    assert_eq!(small.verdict, Verdict::NoClearChange);
}

#[test]
fn from_a_zero_baseline_chance_sets_the_bar() {
    // 0 of 50 failed, weekly 0 % before: limits 0..0. 4 of 100 after: P(all 4 failures
    // among the 100 later of 150) = 0.194: within, so held. 10 of 100: 0.0148: worse.
    let zeros = [0.0; 4];
    let within = judge(HoldSteady, LowerIsBetter, Spread::Proportion, (0.0, 50), (4.0, 100), 4, &zeros);
    assert_eq!(within.verdict, Verdict::MovedAsExpected);
    assert_eq!(within.relative, None);
    let worse = judge(HoldSteady, LowerIsBetter, Spread::Proportion, (0.0, 50), (10.0, 100), 4, &zeros);
    assert_eq!(worse.verdict, Verdict::MovedTheOtherWay);
}

#[test]
fn verdicts_and_the_dashboard_are_one_rule() {
    // The same numbers through the verdict and through `variation::judge` directly.
    use retro::metrics::variation::{Events, Reading, Reference, Variation, judge as rule};
    let e = judge(Improve, LowerIsBetter, Spread::Proportion, (20.0, 50), (8.0, 100), 4, &RATES);
    // The baseline pools its two weeks.
    let reference =
        Reference::around(Reading::new(20.0, Events::Share { hits: 10, of: 50 }), &RATES).unwrap().pooled_over(2);
    let j = rule(&Reading::new(8.0, Events::Share { hits: 8, of: 100 }), 4, &reference);
    assert_eq!(j.variation, Variation::Within);
    assert_eq!(e.usual, Some(j.range));
    assert_eq!(e.verdict, Verdict::NoClearChange);
}

#[test]
fn verdicts_have_stable_names() {
    let names: Vec<_> = Verdict::ALL.iter().map(|v| v.as_str()).collect();
    assert_eq!(names, ["moved_as_expected", "no_clear_change", "moved_the_other_way", "too_early"]);
    assert_eq!(Verdict::TooEarly.label(), "too early");
}
