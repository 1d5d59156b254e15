//! Did an action move its metric? Hand-computed cases of the effect rule
//! (docs/metrics.md, "Did an action move its metric?"): each verdict, the noise
//! threshold for each kind of metric, too early, intended worsening, hold steady, zero
//! baselines, and the steady team that must not read as moved.

use retro::domain::Expected::{self, *};
use retro::domain::Polarity::{self, *};
use retro::metrics::{EffectRule, Evaluation, Sample, Spread, Verdict, evaluate};

/// A baseline over two weeks and an after-window over `weeks` weeks.
fn judge(
    expected: Expected,
    polarity: Polarity,
    spread: Spread,
    (baseline, n1): (f64, u64),
    (after, n2): (f64, u64),
    weeks: usize,
) -> Evaluation {
    let before = Sample { value: baseline, events: n1, days: 14.0 };
    let since = Sample { value: after, events: n2, days: 7.0 * weeks as f64 };
    evaluate(expected, polarity, spread, Some(before), Some(since), weeks, &EffectRule::default())
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-3)
}

#[test]
fn the_default_rule() {
    let rule = EffectRule::default();
    assert_eq!((rule.min_periods, rule.min_relative_change, rule.min_events, rule.confidence), (3, 0.10, 5, 2.0));
}

#[test]
fn a_failure_rate_that_fell_beyond_chance_moved_as_expected() {
    // 20% of 50 deployments before, 8% of 100 after. Pooled share (10 + 8) / 150 = 0.12;
    // chance: sqrt(0.12 * 0.88 * (1/50 + 1/100)) = 5.63 points; twice that is 11.26,
    // more than a tenth of 20% (2 points). The fall of 12 points is beyond it.
    let e = judge(Improve, LowerIsBetter, Spread::Proportion, (20.0, 50), (8.0, 100), 4);
    assert_eq!(e.verdict, Verdict::MovedAsExpected);
    assert!(close(e.threshold, 11.257), "{:?}", e.threshold);
    assert!(close(e.relative, -0.6));
}

#[test]
fn a_smaller_fall_on_the_same_evidence_is_no_clear_change() {
    // 20% -> 10%: pooled (10 + 10) / 150 = 0.1333; chance 5.89 points, twice 11.78 > 10.
    let e = judge(Improve, LowerIsBetter, Spread::Proportion, (20.0, 50), (10.0, 100), 4);
    assert_eq!(e.verdict, Verdict::NoClearChange);
    assert!(close(e.threshold, 11.776), "{:?}", e.threshold);
}

#[test]
fn a_steady_rare_failure_rate_is_not_read_as_a_move() {
    // 4 deployments a week, one failing in two weeks of every five: 10% before (2 weeks,
    // 8 deployments) and 10% over the five weeks since (20 deployments). No change.
    let e = judge(Improve, LowerIsBetter, Spread::Proportion, (12.5, 8), (10.0, 20), 5);
    assert_eq!(e.verdict, Verdict::NoClearChange, "{e:?}");
}

#[test]
fn rework_that_rose_moved_the_other_way() {
    // 10% -> 20% of 200 each: pooled 0.15; chance sqrt(0.15 * 0.85 * 0.01) = 3.57 points.
    let e = judge(Improve, LowerIsBetter, Spread::Proportion, (10.0, 200), (20.0, 200), 6);
    assert_eq!(e.verdict, Verdict::MovedTheOtherWay);
}

#[test]
fn an_intended_slow_down_that_happened_is_celebrated() {
    // 2 deployments a day over 14 days (28) -> 1 a day over 28 days (28). Counts are
    // Poisson: chance sqrt(28/14^2 + 28/28^2) = 0.4226 a day, twice 0.845 < the fall of 1.
    let e = judge(IntendedWorsening, HigherIsBetter, Spread::Rate, (2.0, 28), (1.0, 28), 4);
    assert_eq!(e.verdict, Verdict::MovedAsExpected);
    assert!(e.intended_worsening);
    assert!(close(e.threshold, 0.845), "{:?}", e.threshold);
}

#[test]
fn an_intended_slow_down_that_did_not_happen() {
    let steady = judge(IntendedWorsening, HigherIsBetter, Spread::Rate, (2.0, 28), (1.9, 53), 4);
    assert_eq!(steady.verdict, Verdict::NoClearChange);
    assert!(!steady.intended_worsening);
    let faster = judge(IntendedWorsening, HigherIsBetter, Spread::Rate, (2.0, 28), (4.0, 112), 4);
    assert_eq!(faster.verdict, Verdict::MovedTheOtherWay);
    assert!(!faster.intended_worsening);
}

#[test]
fn a_median_needs_many_changes_to_show_a_move() {
    // Lead time 30 h -> 20 h. With 40 and 60 changes, chance is 1.25 * 30 * sqrt(1/40 +
    // 1/60) = 7.65 h, twice 15.3 h: a 10 h fall is within it. With 400 and 600 changes it
    // is 2.42 h, twice 4.84 h: the same fall is a move.
    let few = judge(Improve, LowerIsBetter, Spread::Median, (30.0, 40), (20.0, 60), 6);
    assert_eq!(few.verdict, Verdict::NoClearChange);
    let many = judge(Improve, LowerIsBetter, Spread::Median, (30.0, 400), (20.0, 600), 6);
    assert_eq!(many.verdict, Verdict::MovedAsExpected);
}

#[test]
fn too_early_without_weeks_events_or_values() {
    let weeks = judge(Improve, LowerIsBetter, Spread::Proportion, (20.0, 50), (5.0, 100), 2);
    assert_eq!(weeks.verdict, Verdict::TooEarly);
    assert_eq!(weeks.threshold, None);
    let events = judge(Improve, LowerIsBetter, Spread::Proportion, (20.0, 4), (5.0, 100), 4);
    assert_eq!(events.verdict, Verdict::TooEarly, "four deployments are too few to judge a rate on");
    let rule = EffectRule::default();
    let some = Sample { value: 10.0, events: 50, days: 28.0 };
    let e = evaluate(Improve, LowerIsBetter, Spread::Proportion, None, Some(some), 4, &rule);
    assert_eq!(e.verdict, Verdict::TooEarly, "no baseline");
    let e = evaluate(Improve, LowerIsBetter, Spread::Proportion, Some(some), None, 4, &rule);
    assert_eq!(e.verdict, Verdict::TooEarly, "no data since");
}

#[test]
fn hold_steady_is_met_by_holding_or_by_getting_better() {
    let held = judge(HoldSteady, LowerIsBetter, Spread::Proportion, (10.0, 200), (11.0, 200), 4);
    assert_eq!(held.verdict, Verdict::MovedAsExpected);
    let better = judge(HoldSteady, LowerIsBetter, Spread::Proportion, (10.0, 200), (3.0, 200), 4);
    assert_eq!(better.verdict, Verdict::MovedAsExpected);
    let worse = judge(HoldSteady, LowerIsBetter, Spread::Proportion, (10.0, 200), (20.0, 200), 4);
    assert_eq!(worse.verdict, Verdict::MovedTheOtherWay);
}

#[test]
fn a_team_metric_has_only_the_relative_threshold() {
    // Satisfaction 4.0 -> 4.3 is +7.5%, under a tenth: no clear change; 4.5 is +12.5%.
    let small = judge(Improve, HigherIsBetter, Spread::Unknown, (4.0, 0), (4.3, 0), 4);
    assert_eq!(small.verdict, Verdict::NoClearChange);
    let large = judge(Improve, HigherIsBetter, Spread::Unknown, (4.0, 0), (4.5, 0), 4);
    assert_eq!(large.verdict, Verdict::MovedAsExpected);
}

#[test]
fn from_a_zero_baseline_chance_alone_sets_the_bar() {
    // 0% of 50 -> 4% of 100: pooled 4/150; chance sqrt(0.0267 * 0.9733 * 0.03) = 2.79
    // points, twice 5.58 > 4: within. To 10% of 100: pooled 10/150, twice chance 8.64 < 10.
    let within = judge(HoldSteady, LowerIsBetter, Spread::Proportion, (0.0, 50), (4.0, 100), 4);
    assert_eq!(within.verdict, Verdict::MovedAsExpected);
    assert_eq!(within.relative, None);
    let worse = judge(HoldSteady, LowerIsBetter, Spread::Proportion, (0.0, 50), (10.0, 100), 4);
    assert_eq!(worse.verdict, Verdict::MovedTheOtherWay);
}

#[test]
fn a_custom_rule_changes_the_bar() {
    let strict = EffectRule { confidence: 3.0, ..EffectRule::default() };
    let before = Sample { value: 20.0, events: 50, days: 14.0 };
    let since = Sample { value: 8.0, events: 100, days: 28.0 };
    // Three standard errors: 16.9 points, more than the 12-point fall.
    let e = evaluate(Improve, LowerIsBetter, Spread::Proportion, Some(before), Some(since), 4, &strict);
    assert_eq!(e.verdict, Verdict::NoClearChange);
}

#[test]
fn verdicts_have_stable_names() {
    let names: Vec<_> = Verdict::ALL.iter().map(|v| v.as_str()).collect();
    assert_eq!(names, ["moved_as_expected", "no_clear_change", "moved_the_other_way", "too_early"]);
    assert_eq!(Verdict::TooEarly.label(), "too early");
}
