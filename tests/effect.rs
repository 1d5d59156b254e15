//! Did an action move its metric? Hand-computed cases of the effect rule
//! (docs/metrics.md, "Did an action move its metric?"): each verdict, the noise
//! threshold on both sides, too early, intended worsening, hold steady, zero baselines.

use retro::domain::Expected::{self, *};
use retro::domain::Polarity::{self, *};
use retro::metrics::{EffectRule, Evaluation, Verdict, evaluate};

fn judge(expected: Expected, polarity: Polarity, baseline: f64, since: &[f64]) -> Evaluation {
    let since: Vec<Option<f64>> = since.iter().copied().map(Some).collect();
    evaluate(expected, polarity, Some(baseline), &since, &EffectRule::default())
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

#[test]
fn the_default_rule_wants_three_periods_and_ten_percent() {
    let rule = EffectRule::default();
    assert_eq!(rule.min_periods, 3);
    assert_eq!(rule.min_relative_change, 0.10);
}

#[test]
fn improve_moved_as_expected() {
    // Change failure rate (lower is better) from 20%: weeks of 18, 15, 16 and 14%.
    // Sorted 14, 15, 16, 18: the median is (15 + 16) / 2 = 15.5, or -22.5%.
    let e = judge(Improve, LowerIsBetter, 20.0, &[18.0, 15.0, 16.0, 14.0]);
    assert_eq!(e.verdict, Verdict::MovedAsExpected);
    assert_eq!(e.after, Some(15.5));
    assert_eq!(e.periods, 4);
    assert!(close(e.relative, -0.225), "{e:?}");
    assert!(!e.intended_worsening);
}

#[test]
fn improve_moved_the_other_way() {
    // 22, 25, 24: median 24, +20% on a metric where lower is better.
    let e = judge(Improve, LowerIsBetter, 20.0, &[22.0, 25.0, 24.0]);
    assert_eq!(e.verdict, Verdict::MovedTheOtherWay);
    assert!(close(e.relative, 0.2));
    // Deployment frequency (higher is better) falling from 2.0 to 1.5/day is worse too.
    let e = judge(Improve, HigherIsBetter, 2.0, &[1.5, 1.4, 1.6]);
    assert_eq!(e.verdict, Verdict::MovedTheOtherWay);
}

#[test]
fn improve_with_no_clear_change() {
    let e = judge(Improve, LowerIsBetter, 20.0, &[19.0, 21.0, 20.0]);
    assert_eq!(e.verdict, Verdict::NoClearChange);
    assert_eq!(e.relative, Some(0.0));
}

#[test]
fn the_threshold_is_ten_percent_of_the_baseline_inclusive() {
    // From 20%: 18.02 is -9.9% (not enough), 18.0 is exactly -10% and 17.98 is -10.1%.
    assert_eq!(judge(Improve, LowerIsBetter, 20.0, &[18.02, 18.02, 18.02]).verdict, Verdict::NoClearChange);
    assert_eq!(judge(Improve, LowerIsBetter, 20.0, &[18.0, 18.0, 18.0]).verdict, Verdict::MovedAsExpected);
    assert_eq!(judge(Improve, LowerIsBetter, 20.0, &[17.98, 17.98, 17.98]).verdict, Verdict::MovedAsExpected);
    // The same on the way up: from 2.0/day, 2.19 is +9.5% and 2.21 is +10.5%.
    assert_eq!(judge(Improve, HigherIsBetter, 2.0, &[2.19, 2.19, 2.19]).verdict, Verdict::NoClearChange);
    assert_eq!(judge(Improve, HigherIsBetter, 2.0, &[2.21, 2.21, 2.21]).verdict, Verdict::MovedAsExpected);
}

#[test]
fn one_wild_week_does_not_make_a_move() {
    // A mean of 20, 20, 2 and 21 would be 15.75 (-21%); the median is 20.
    let e = judge(Improve, LowerIsBetter, 20.0, &[20.0, 20.0, 2.0, 21.0]);
    assert_eq!(e.after, Some(20.0));
    assert_eq!(e.verdict, Verdict::NoClearChange);
}

#[test]
fn too_early_with_few_periods_or_no_data() {
    // Two weeks, however clear the move.
    let e = judge(Improve, LowerIsBetter, 20.0, &[5.0, 5.0]);
    assert_eq!(e.verdict, Verdict::TooEarly);
    assert_eq!(e.after, Some(5.0), "the numbers are there, the verdict waits");
    assert_eq!(e.periods, 2);
    // Four weeks, of which only one has data.
    let e = evaluate(Improve, LowerIsBetter, Some(20.0), &[None, None, Some(5.0), None], &EffectRule::default());
    assert_eq!((e.verdict, e.periods), (Verdict::TooEarly, 1));
    // No week yet.
    let e = evaluate(Improve, LowerIsBetter, Some(20.0), &[], &EffectRule::default());
    assert_eq!((e.verdict, e.after, e.relative), (Verdict::TooEarly, None, None));
}

#[test]
fn weeks_without_data_are_left_out_not_counted_as_zero() {
    let e = evaluate(
        Improve,
        LowerIsBetter,
        Some(20.0),
        &[Some(10.0), None, Some(12.0), Some(11.0)],
        &EffectRule::default(),
    );
    assert_eq!((e.periods, e.after), (3, Some(11.0)));
    assert_eq!(e.verdict, Verdict::MovedAsExpected);
}

#[test]
fn without_a_baseline_it_is_too_early_to_tell() {
    let since = [Some(5.0), Some(5.0), Some(5.0), Some(5.0)];
    let e = evaluate(Improve, LowerIsBetter, None, &since, &EffectRule::default());
    assert_eq!(e.verdict, Verdict::TooEarly);
    assert_eq!((e.after, e.periods, e.relative), (Some(5.0), 4, None));
}

#[test]
fn an_intended_worsening_that_happened_is_celebrated() {
    // Deployment frequency (higher is better) from 2.8/day: 0.9, 0.8, 0.85 and 1.0.
    // Median (0.85 + 0.9) / 2 = 0.875, or -68.75%: worse, as the team chose.
    let e = judge(IntendedWorsening, HigherIsBetter, 2.8, &[0.9, 0.8, 0.85, 1.0]);
    assert_eq!(e.verdict, Verdict::MovedAsExpected);
    assert!(e.intended_worsening);
    assert!(close(e.after, 0.875));
    assert!(close(e.relative, -0.6875));
}

#[test]
fn an_intended_worsening_that_did_not_happen() {
    let e = judge(IntendedWorsening, HigherIsBetter, 2.8, &[2.7, 2.9, 2.8]);
    assert_eq!(e.verdict, Verdict::NoClearChange);
    assert!(!e.intended_worsening);
    let e = judge(IntendedWorsening, HigherIsBetter, 2.8, &[3.5, 3.6, 3.4]);
    assert_eq!(e.verdict, Verdict::MovedTheOtherWay);
    assert!(!e.intended_worsening);
    // Too early is never celebrated.
    let e = judge(IntendedWorsening, HigherIsBetter, 2.8, &[0.5]);
    assert_eq!(e.verdict, Verdict::TooEarly);
    assert!(!e.intended_worsening);
}

#[test]
fn hold_steady_is_met_by_holding_or_by_getting_better() {
    // From 5%: 5.2, 5.0, 5.4 -> median 5.2, +4%: held.
    assert_eq!(judge(HoldSteady, LowerIsBetter, 5.0, &[5.2, 5.0, 5.4]).verdict, Verdict::MovedAsExpected);
    // 3% is better than holding: as expected too.
    assert_eq!(judge(HoldSteady, LowerIsBetter, 5.0, &[3.0, 3.0, 3.0]).verdict, Verdict::MovedAsExpected);
    // 5.6% is +12%: it slipped.
    let e = judge(HoldSteady, LowerIsBetter, 5.0, &[5.6, 5.6, 5.6]);
    assert_eq!(e.verdict, Verdict::MovedTheOtherWay);
    // Just inside the threshold still holds: 5.49 is +9.8%.
    assert_eq!(judge(HoldSteady, LowerIsBetter, 5.0, &[5.49, 5.49, 5.49]).verdict, Verdict::MovedAsExpected);
}

#[test]
fn from_a_zero_baseline_any_move_of_the_median_counts() {
    // A failure rate of 0%: one bad week of three leaves the median at 0.
    let e = judge(Improve, LowerIsBetter, 0.0, &[0.0, 0.0, 5.0]);
    assert_eq!(e.verdict, Verdict::NoClearChange);
    assert_eq!(e.relative, None, "no share of zero");
    // Two bad weeks of three move it: the other way.
    assert_eq!(judge(Improve, LowerIsBetter, 0.0, &[0.0, 5.0, 5.0]).verdict, Verdict::MovedTheOtherWay);
    assert_eq!(judge(HoldSteady, LowerIsBetter, 0.0, &[0.0, 0.0, 0.0]).verdict, Verdict::MovedAsExpected);
    // From no deployments at all to half a deployment a day: better.
    let e = judge(Improve, HigherIsBetter, 0.0, &[0.5, 0.5, 0.5]);
    assert_eq!((e.verdict, e.relative), (Verdict::MovedAsExpected, None));
}

#[test]
fn negative_values_compare_by_the_size_of_the_baseline() {
    // A net score of -10 rising to -5 is +50% of |-10|: better.
    let e = judge(Improve, HigherIsBetter, -10.0, &[-5.0, -5.0, -5.0]);
    assert_eq!(e.verdict, Verdict::MovedAsExpected);
    assert!(close(e.relative, 0.5));
}

#[test]
fn a_custom_rule_changes_both_thresholds() {
    let strict = EffectRule { min_periods: 1, min_relative_change: 0.5 };
    let e = evaluate(Improve, LowerIsBetter, Some(20.0), &[Some(12.0)], &strict);
    assert_eq!(e.verdict, Verdict::NoClearChange, "-40% is under 50%");
    let e = evaluate(Improve, LowerIsBetter, Some(20.0), &[Some(10.0)], &strict);
    assert_eq!(e.verdict, Verdict::MovedAsExpected);
}

/// The worked example of docs/metrics.md.
#[test]
fn the_worked_example_in_the_docs() {
    let since = [Some(25.0), Some(12.5), None, Some(10.0), Some(14.3), Some(0.0)];
    let e = evaluate(Improve, LowerIsBetter, Some(20.0), &since, &EffectRule::default());
    assert_eq!(e.periods, 5);
    assert_eq!(e.after, Some(12.5));
    assert!(close(e.relative, -0.375));
    assert_eq!(e.verdict, Verdict::MovedAsExpected);
    // Had the team expected to hold it steady, better counts as held.
    let held = evaluate(HoldSteady, LowerIsBetter, Some(20.0), &since, &EffectRule::default());
    assert_eq!(held.verdict, Verdict::MovedAsExpected);
    // Three weeks in (25, 12.5 and no data), it was too early.
    let early = evaluate(Improve, LowerIsBetter, Some(20.0), &since[..3], &EffectRule::default());
    assert_eq!((early.verdict, early.periods), (Verdict::TooEarly, 2));
    // From a median of 18.5% (-7.5%), there would be no clear change.
    let small = judge(Improve, LowerIsBetter, 20.0, &[18.5, 18.5, 18.5]);
    assert_eq!(small.verdict, Verdict::NoClearChange);
}

#[test]
fn verdicts_have_stable_names() {
    let names: Vec<_> = Verdict::ALL.iter().map(|v| v.as_str()).collect();
    assert_eq!(names, ["moved_as_expected", "no_clear_change", "moved_the_other_way", "too_early"]);
    assert_eq!(Verdict::TooEarly.label(), "too early");
}
