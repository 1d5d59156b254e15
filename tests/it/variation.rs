//! Routine variation (docs/metrics.md, "Routine variation"): hand-computed cases of the
//! one rule that decides whether a change is beyond the team's usual range, on series
//! built to sit inside and outside the limits, the 0 % → 4 % trap on one deployment, and
//! the data stage's biggest moves and prompts following the rule.

use retro::domain::{DoraMetric, Period, Polarity};
use retro::import::{Format, ImportKind, import_bytes};
use retro::metrics::variation::{Events, Reading, Reference, Variation, judge};
use retro::metrics::{Direction, trend};
use retro::query::MetricTable;
use retro::retro::movement::moves;
use retro::retro::prompts::{Catalogue, select};
use retro::store::Store;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-4
}

fn plain(values: &[f64]) -> Vec<Reading> {
    values.iter().copied().map(Reading::unmodelled).collect()
}

#[test]
fn limits_are_the_mean_plus_or_minus_2_66_average_moving_ranges() {
    // 10, 12, 11, 13: mean 11.5; moving ranges 2, 1, 2, mean 5/3; 2.66 × 5/3 = 4.4333.
    let r = Reference::trailing(&plain(&[10.0, 12.0, 11.0, 13.0])).unwrap();
    let u = r.range(1);
    assert!(close(u.centre, 11.5) && close(u.lower, 7.0667) && close(u.upper, 15.9333), "{u:?}");
    let at = |v: f64| judge(&Reading::unmodelled(v), 1, &r).variation;
    assert_eq!(at(15.9), Variation::Within, "+38% on the mean, and still routine");
    assert_eq!(at(16.0), Variation::Above);
    assert_eq!(at(7.1), Variation::Within);
    assert_eq!(at(7.0), Variation::Below);
    // A value pooled over 4 periods varies half as much: 11.5 ± 4.4333 / 2 = 9.28..13.72.
    let pooled = r.range(4);
    assert!(close(pooled.lower, 9.2833) && close(pooled.upper, 13.7167), "{pooled:?}");
    assert_eq!(judge(&Reading::unmodelled(14.0), 4, &r).variation, Variation::Above);
    assert_eq!(judge(&Reading::unmodelled(14.0), 1, &r).variation, Variation::Within);
}

#[test]
fn fewer_than_three_trailing_values_give_no_limits() {
    assert_eq!(Reference::trailing(&plain(&[1.0, 2.0])), None);
    assert!(Reference::trailing(&plain(&[1.0, 2.0, 3.0])).is_some());
}

#[test]
fn the_lower_limit_of_values_that_cannot_go_below_zero_stops_at_zero() {
    // 0, 4, 0: mean 4/3, moving ranges 4, 4: 4/3 ± 10.64 -> 0..11.97.
    let u = Reference::trailing(&plain(&[0.0, 4.0, 0.0])).unwrap().range(1);
    assert_eq!(u.lower, 0.0);
    assert!(close(u.upper, 4.0 / 3.0 + 10.64), "{u:?}");
}

/// Six weeks of 25 deployments with no failure.
fn clean_weeks() -> Vec<Reading> {
    (0..6).map(|_| Reading::new(0.0, Events::Share { hits: 0, of: 25 })).collect()
}

#[test]
fn a_failure_rate_from_0_to_4_percent_on_one_deployment_is_not_worse() {
    // The limits of six weeks at 0 % are 0..0, so 4 % is beyond them; but one failure in
    // 25 after none in 150 is what chance does: Fisher's exact test gives
    // P(the one failure falls in these 25 of 175) = 25/175 = 0.143, above 0.025.
    let r = Reference::trailing(&clean_weeks()).unwrap();
    let one = judge(&Reading::new(4.0, Events::Share { hits: 1, of: 25 }), 1, &r);
    assert_eq!((one.range.lower, one.range.upper), (0.0, 0.0));
    assert_eq!(one.variation, Variation::Within);
    assert!(close(one.p_value.unwrap(), 25.0 / 175.0));
    // Two failures: C(25,2)/C(175,2) = 300/15225 = 0.0197 < 0.025: beyond chance.
    let two = judge(&Reading::new(8.0, Events::Share { hits: 2, of: 25 }), 1, &r);
    assert_eq!(two.variation, Variation::Above);
    assert!(close(two.p_value.unwrap(), 300.0 / 15225.0));
    // Read through the trend, by the metric's polarity: steady, then worse.
    let mut series: Vec<Option<Reading>> = clean_weeks().into_iter().map(Some).collect();
    series.push(Some(Reading::new(4.0, Events::Share { hits: 1, of: 25 })));
    assert_eq!(trend(&series, Polarity::LowerIsBetter, 6).vs_trailing.direction, Direction::Steady);
    *series.last_mut().unwrap() = Some(Reading::new(8.0, Events::Share { hits: 2, of: 25 }));
    assert_eq!(trend(&series, Polarity::LowerIsBetter, 6).vs_trailing.direction, Direction::Worse);
}

#[test]
fn a_frequency_beyond_its_limits_on_enough_deployments_moved() {
    // 14, 12, 16 deployments a week: 2.0, 1.714, 2.286 a day; mean 2.0, moving ranges
    // 0.286 and 0.571 (mean 0.4286): 2.0 ± 1.14 -> 0.86..3.14 a day.
    let week = |n: u64| Reading::new(n as f64 / 7.0, Events::Count { events: n, days: 7.0 });
    let r = Reference::trailing(&[week(14), week(12), week(16)]).unwrap();
    let u = r.range(1);
    assert!(close(u.lower, 2.0 - 2.66 * 3.0 / 7.0) && close(u.upper, 2.0 + 2.66 * 3.0 / 7.0), "{u:?}");
    // 4 in a week (0.57 a day): below. Given 46 deployments in 28 days, the chance that 4
    // or fewer fall in these 7 is P(Binomial(46, 1/4) ≤ 4) = 0.0048.
    let four = judge(&week(4), 1, &r);
    assert_eq!(four.variation, Variation::Below);
    assert!(close(four.p_value.unwrap(), 0.0048473), "{:?}", four.p_value);
    assert_eq!(judge(&week(7), 1, &r).variation, Variation::Within);
}

// --- the data stage: biggest moves and prompts follow the rule ----------------------

/// A store with seven weeks (2025-W01..W07) of 25 production deployments each; the last
/// week has `failed` of them failed, the others none.
fn seven_weeks(failed: usize) -> MetricTable {
    let mut store = Store::open_in_memory().unwrap();
    let team = store.add_team("noise", retro::domain::UtcOffset::UTC).unwrap();
    let monday = chrono::NaiveDate::from_ymd_opt(2024, 12, 30).unwrap();
    let mut csv = String::from("id,deployed_at,status,kind\n");
    for week in 0..7 {
        for i in 0..25 {
            let day = monday + chrono::Days::new(7 * week + (i % 7) as u64);
            let status = if week == 6 && i < failed { "failed" } else { "success" };
            csv.push_str(&format!("d{week}-{i},{day} {:02}:00:00,{status},planned\n", 8 + i / 7));
        }
    }
    import_bytes(&mut store, &team, ImportKind::Deployments, "d.csv", csv.as_bytes(), Format::Csv).unwrap();
    let periods: Vec<Period> =
        (1..=7).map(|w| Period::parse_label(&format!("2025-W{w:02}"), team.utc_offset).unwrap()).collect();
    MetricTable::load(&store, &team, &periods).unwrap()
}

#[test]
fn one_failed_deployment_in_25_is_not_a_move_and_picks_no_prompt() {
    let table = seven_weeks(1);
    let all = moves(&table);
    let cfr = all.iter().find(|m| m.metric == retro::domain::MetricKey::Dora(DoraMetric::ChangeFailureRate)).unwrap();
    assert_eq!(cfr.current, Some(4.0));
    assert_eq!(cfr.direction, Direction::Steady);
    assert_eq!(cfr.evidence.as_deref(), Some("1 of 25 deployments"));
    assert!(all.iter().all(|m| !m.moved()), "{all:?}");
    let c = Catalogue::builtin();
    assert_eq!(select(&c, &all, &[], 3), c.general(), "nothing within the usual range picks a prompt");
}

#[test]
fn five_failed_deployments_in_25_are_the_biggest_move_and_pick_its_prompts() {
    // 5 of 25 after 0 of 150: C(25,5)/C(175,5), about 4e-4: beyond chance, and worse.
    let all = moves(&seven_weeks(5));
    assert_eq!(all[0].metric, retro::domain::MetricKey::Dora(DoraMetric::ChangeFailureRate));
    assert_eq!(all[0].direction, Direction::Worse);
    assert!(all[1..].iter().all(|m| !m.moved()), "the steady frequency is not ranked: {all:?}");
    let c = Catalogue::builtin();
    let prompts = select(&c, &all, &[], 3);
    assert!(prompts.len() > c.general().len());
    assert!(prompts.iter().skip(c.general().len()).all(|p| p.metric == Some(all[0].metric.clone())));
}

#[test]
fn rates_show_the_deployments_they_rest_on() {
    let table = seven_weeks(1);
    let mut out = Vec::new();
    retro::report::write_table(&table, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let last = text.lines().find(|l| l.starts_with("2025-W07")).unwrap();
    assert!(last.contains("4.0% (1 of 25)") && last.contains("0.0% (0 of 25)"), "{text}");
    let stage = moves(&table);
    let cfr = stage.iter().find(|m| m.metric == retro::domain::MetricKey::Dora(DoraMetric::ChangeFailureRate));
    assert_eq!(cfr.unwrap().evidence.as_deref(), Some("1 of 25 deployments"));
}

#[test]
fn a_prompt_picked_by_a_move_says_the_events_and_the_usual_range() {
    let all = moves(&seven_weeks(5));
    let c = Catalogue::builtin();
    let prompts = select(&c, &all, &[], 1);
    let reason = prompts.last().and_then(|p| p.reason.clone()).unwrap();
    assert_eq!(
        reason,
        "Change failure rate got worse: 20.0% against 0.0% before (+20.0 pp), on 5 of 25 deployments; beyond its \
         usual range of 0.0%–0.0%"
    );
}

#[test]
fn the_dashboard_reads_its_deltas_by_the_rule_and_shows_the_events() {
    use retro::tui::view::{DashboardModel, DetailModel};
    let cfr = |table: &MetricTable| DashboardModel::build(table, &[], &[]).dora[2].clone();
    let one = cfr(&seven_weeks(1));
    assert_eq!((one.value.as_str(), one.events.as_str()), ("4.0%", "1 of 25"));
    assert_eq!(one.vs_trailing.direction, Direction::Steady, "0% -> 4% on one deployment is routine");
    assert_eq!(one.vs_previous.direction, Direction::Steady);
    assert_eq!(one.usual.as_deref(), Some("0.0%–0.0%"));
    assert_eq!(cfr(&seven_weeks(5)).vs_trailing.direction, Direction::Worse);
    // The history: a band from the fourth week on (three weeks before set its limits),
    // and the last week judged within it.
    let detail = DetailModel::build(&seven_weeks(1), &[], 2);
    assert_eq!(detail.band.iter().map(|(x, _)| *x).collect::<Vec<_>>(), [3.0, 4.0, 5.0, 6.0]);
    assert_eq!(detail.rows[0].variation, "within usual range");
    assert_eq!(detail.rows[0].events, "1 of 25");
    assert_eq!(DetailModel::build(&seven_weeks(5), &[], 2).rows[0].variation, "above usual range");
}
