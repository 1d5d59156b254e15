//! The demo team's past retros: what they said, the actions they decided, and how later
//! retros reviewed those actions. Times are story weeks, shifted like the events, so each
//! retro sits where it belongs in the story; baselines and the values recorded at reviews
//! come from the metric engine, as a real retro would have computed them.
//!
//! | retro | story week | decided | reviewed |
//! |---|---|---|---|
//! | 1 | 28, failures rising | second reviewer (rework rate) | |
//! | 2 | 32, before the slow-down | slow down (deployment frequency, worsen on purpose) | second reviewer: dropped |
//! | 3 | 38, slowed down | contract tests (change failure rate) | slow-down: kept |
//! | 4 | 45, speeding up again | | slow-down: done; contract tests: kept |
//! | 5 | 52, healthy | release notes (customer satisfaction) | contract tests: done |
//! | 6 | two weeks ago | canary for payouts (change failure rate, hold steady) | release notes: kept |
//!
//! The retro over the last two weeks is left for the user to start.

use crate::domain::{
    ActionId, ActionPlan, ActionReview, Decision, DoraMetric, Expected, MetricKey, NewAction, Period, Stage, Team,
    Timestamp, VoteKind, parse_timestamp,
};
use crate::metrics::Direction;
use crate::query::actions::value_over;
use crate::retro::prompts::Catalogue;
use crate::store::{Store, StoreError};
use chrono::{Days, NaiveDate};
use std::collections::HashMap;

/// Monday of the story's first week, before the shift (examples/demo_dataset.rs).
const STORY_START: &str = "2025-01-06 00:00:00";
const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;

/// When a retro was held.
#[derive(Clone, Copy)]
enum Held {
    /// On the Thursday of this story week.
    Week(i64),
    /// Fourteen days before today, so that the next retro's default window, the last
    /// two weeks, starts the day after this one's.
    TwoWeeksAgo,
}

/// Where a note was taken: a general prompt, or one for a metric that moved.
#[derive(Clone, Copy)]
enum At {
    General(&'static str),
    Metric(DoraMetric, Direction, &'static str),
}

struct Decided {
    key: &'static str,
    title: &'static str,
    description: Option<&'static str>,
    metric: Metric,
    expected: Expected,
    target: Option<f64>,
    /// Due this many weeks after the retro.
    due_weeks: Option<u64>,
    volunteer: Option<&'static str>,
}

#[derive(Clone, Copy)]
enum Metric {
    Dora(DoraMetric),
    Team(&'static str),
}

impl Metric {
    fn key(self) -> MetricKey {
        match self {
            Self::Dora(m) => MetricKey::Dora(m),
            Self::Team(name) => MetricKey::Team(name.to_owned()),
        }
    }
}

struct PastRetro {
    held: Held,
    /// How many people chose each score, 1 to 5.
    safety: [u32; 5],
    return_on_time: [u32; 5],
    notes: &'static [(At, &'static str)],
    /// Decisions about earlier actions, by their key.
    reviews: &'static [(&'static str, Decision, &'static str)],
    actions: &'static [Decided],
}

const RETROS: &[PastRetro] = &[
    PastRetro {
        held: Held::Week(28),
        safety: [0, 0, 1, 3, 2],
        return_on_time: [0, 0, 2, 3, 1],
        notes: &[
            (
                At::Metric(DoraMetric::ChangeFailureRate, Direction::Worse, "in_common"),
                "Most failed deployments touched the payment flow, and went out on busy release days.",
            ),
            (
                At::General("blocking"),
                "Hotfixes pile up after busy days: we fix forward under pressure instead of stopping to look.",
            ),
            (
                At::General("helped"),
                "The assistants really do take the boilerplate off our hands; nobody wants to give that up.",
            ),
        ],
        reviews: &[],
        actions: &[Decided {
            key: "second_reviewer",
            title: "Second reviewer on risky changes",
            description: Some("Changes to payments or billing wait for a second review before they ship."),
            metric: Metric::Dora(DoraMetric::ReworkRate),
            expected: Expected::Improve,
            target: None,
            due_weeks: Some(4),
            volunteer: Some("Jonas"),
        }],
    },
    PastRetro {
        held: Held::Week(32),
        safety: [0, 0, 1, 2, 3],
        return_on_time: [0, 0, 1, 2, 3],
        notes: &[
            (
                At::General("blocking"),
                "Every change to billing costs more than it used to: the debt there slows us and breaks things.",
            ),
            (At::General("slowed"), "We ship faster than ever and spend the time we saved on fixing what we shipped."),
        ],
        reviews: &[(
            "second_reviewer",
            Decision::Drop,
            "Folded into the slow-down: every change gets a second look while we pay down debt.",
        )],
        actions: &[Decided {
            key: "slow_down",
            title: "Slow down to pay down technical debt",
            description: Some(
                "Fewer, better-reviewed releases for about ten weeks while we work through the debt list in \
                 billing and payments.",
            ),
            metric: Metric::Dora(DoraMetric::DeploymentFrequency),
            expected: Expected::IntendedWorsening,
            target: None,
            due_weeks: Some(12),
            volunteer: Some("Priya"),
        }],
    },
    PastRetro {
        held: Held::Week(38),
        safety: [0, 0, 0, 3, 3],
        return_on_time: [0, 0, 1, 3, 2],
        notes: &[
            (
                At::General("surprised"),
                "Releasing less often felt uncomfortable at first; the debt list is shrinking faster than we feared.",
            ),
            (
                At::Metric(DoraMetric::ChangeFailureRate, Direction::Worse, "missed_checks"),
                "The failures left come from changes to the contract between checkout and billing, which no test \
                 covers.",
            ),
        ],
        reviews: &[("slow_down", Decision::Keep, "Half the debt list is done; deployments are down, as planned.")],
        actions: &[Decided {
            key: "contract_tests",
            title: "Contract tests on the payment flow",
            description: Some(
                "Consumer-driven contract tests between checkout, billing and payouts, run on every change.",
            ),
            metric: Metric::Dora(DoraMetric::ChangeFailureRate),
            expected: Expected::Improve,
            target: Some(10.0),
            due_weeks: Some(12),
            volunteer: Some("Sam"),
        }],
    },
    PastRetro {
        held: Held::Week(45),
        safety: [0, 0, 0, 2, 4],
        return_on_time: [0, 0, 0, 3, 3],
        notes: &[
            (
                At::General("helped"),
                "Paying down the debt made releasing calm again: the pipeline is faster and rollbacks are rare.",
            ),
            (
                At::General("surprised"),
                "Lead time rose while we slowed down, as we expected, and is already coming back.",
            ),
        ],
        reviews: &[
            (
                "slow_down",
                Decision::Done,
                "The debt list is done; we are speeding up again, with the new checks in place.",
            ),
            ("contract_tests", Decision::Keep, "Checkout and refunds are covered; payouts are next."),
        ],
        actions: &[],
    },
    PastRetro {
        held: Held::Week(52),
        safety: [0, 0, 0, 2, 5],
        return_on_time: [0, 0, 1, 2, 4],
        notes: &[
            (
                At::General("blocking"),
                "Customers still ask support what changed in a release; they hear about new features late.",
            ),
            (
                At::Metric(DoraMetric::ChangeFailureRate, Direction::Better, "keep_safety_nets"),
                "The contract tests caught three breaking changes before production this quarter.",
            ),
        ],
        reviews: &[(
            "contract_tests",
            Decision::Done,
            "Every payment path has contract tests now, and they run on every change.",
        )],
        actions: &[Decided {
            key: "release_notes",
            title: "Release notes for customers in the app",
            description: Some("A short note in the app for every release that changes what customers see."),
            metric: Metric::Team("customer_satisfaction"),
            expected: Expected::Improve,
            target: Some(4.6),
            due_weeks: Some(4),
            volunteer: Some("Ana"),
        }],
    },
    PastRetro {
        held: Held::TwoWeeksAgo,
        safety: [0, 0, 1, 2, 4],
        return_on_time: [0, 0, 1, 4, 2],
        notes: &[
            (At::General("blocking"), "The new payouts service is the riskiest thing we will ship this quarter."),
            (At::General("slowed"), "Support is unsure anyone reads the release notes; satisfaction has not moved."),
        ],
        reviews: &[(
            "release_notes",
            Decision::Keep,
            "No change in satisfaction yet; we will ask support whether customers see the notes at all.",
        )],
        actions: &[Decided {
            key: "canary_payouts",
            title: "Canary stage for every payouts deployment",
            description: None,
            metric: Metric::Dora(DoraMetric::ChangeFailureRate),
            expected: Expected::HoldSteady,
            target: None,
            due_weeks: Some(3),
            volunteer: None,
        }],
    },
];

/// Adds the past retros to the demo team. `shift` moves the story's times the way the
/// events were moved; `now` is when the demo is opened.
pub(super) fn add(store: &mut Store, team: &Team, shift: i64, now: Timestamp) -> Result<(), StoreError> {
    let offset = team.utc_offset;
    let start = parse_timestamp(STORY_START).expect("a valid timestamp") + shift;
    let day_of = |t: Timestamp| offset.local_date(t);
    let held_on = |held: Held| -> NaiveDate {
        match held {
            // Monday of week w, plus three days.
            Held::Week(w) => day_of(start + ((w - 1) * 7 + 3) * DAY),
            Held::TwoWeeksAgo => day_of(now) - Days::new(14),
        }
    };
    let catalogue = Catalogue::builtin();
    let mut decided: HashMap<&str, ActionId> = HashMap::new();
    let mut previous: Option<NaiveDate> = None;
    for plan in RETROS {
        let day = held_on(plan.held);
        let first = previous.map_or(day - Days::new(13), |p| p + Days::new(1));
        previous = Some(day);
        let window = Period::window(first, day, offset);
        // Held in the morning: the window's last day is cut there, as it was then.
        let at = window.start + (window.days() as i64 - 1) * DAY + 10 * HOUR;
        let retro = store.start_retro(team, &window, at)?;
        for (kind, counts) in [(VoteKind::Safety, plan.safety), (VoteKind::ReturnOnTime, plan.return_on_time)] {
            for (score, count) in (1..=5).zip(counts) {
                if count > 0 {
                    store.set_vote(retro.id, kind, score, count)?;
                }
            }
        }
        for (i, (review_key, decision, note)) in plan.reviews.iter().enumerate() {
            let Some(&action) = decided.get(review_key) else {
                continue;
            };
            let reviewed_at = at + 20 * 60 + i as i64 * 60;
            let metric = store.action(action)?.map(|a| a.plan.metric);
            let metric_value = match metric {
                Some(m) => value_over(store, team, &m, &window, reviewed_at)?,
                None => None,
            };
            store.review_action(&ActionReview {
                retro: retro.id,
                action,
                decision: *decision,
                metric_value,
                note: Some((*note).to_owned()),
                reviewed_at,
            })?;
        }
        for (i, (prompt, body)) in plan.notes.iter().enumerate() {
            let (key, text, metric) = prompt_of(&catalogue, *prompt);
            let noted_at = at + 30 * 60 + i as i64 * 120;
            store.add_note(retro.id, &key, &text, metric.as_ref(), body, noted_at)?;
        }
        for (i, d) in plan.actions.iter().enumerate() {
            let created_at = at + 50 * 60 + i as i64 * 60;
            let metric = d.metric.key();
            let baseline = value_over(store, team, &metric, &window, created_at)?;
            let action = store.add_action(
                team,
                &NewAction {
                    plan: ActionPlan {
                        title: d.title.to_owned(),
                        description: d.description.map(str::to_owned),
                        metric,
                        expected: d.expected,
                        target: d.target,
                        due: d.due_weeks.map(|w| day + Days::new(7 * w)),
                        volunteer: d.volunteer.map(str::to_owned),
                    },
                    retro: Some(retro.id),
                    baseline,
                    baseline_window: window.clone(),
                    from_note: None,
                },
                created_at,
            )?;
            decided.insert(d.key, action.id);
        }
        store.set_retro_stage(retro.id, Stage::Close)?;
        store.finish_retro(retro.id, at + HOUR)?;
    }
    Ok(())
}

/// The catalogue's key, text and metric of a note's prompt; the general "What's blocking
/// us?" when the catalogue has no such prompt.
fn prompt_of(catalogue: &Catalogue, at: At) -> (String, String, Option<MetricKey>) {
    let found = match at {
        At::General(key) => catalogue.general().into_iter().find(|p| p.key.ends_with(key)),
        At::Metric(m, direction, key) => {
            catalogue.metric_prompts(&MetricKey::Dora(m), direction).into_iter().find(|p| p.key.ends_with(key))
        }
    };
    let p =
        found.or_else(|| catalogue.general().into_iter().next()).expect("the built-in catalogue has general prompts");
    (p.key, p.text, p.metric)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_note_names_a_prompt_of_the_builtin_catalogue() {
        let catalogue = Catalogue::builtin();
        for plan in RETROS {
            for (at, _) in plan.notes {
                let suffix = match at {
                    At::General(k) | At::Metric(_, _, k) => *k,
                };
                let (key, _, _) = prompt_of(&catalogue, *at);
                assert!(key.ends_with(suffix), "{key} for {suffix}");
            }
        }
    }

    #[test]
    fn reviews_name_actions_decided_earlier() {
        let mut decided = vec![];
        for plan in RETROS {
            for (key, _, _) in plan.reviews {
                assert!(decided.contains(key), "{key}");
            }
            decided.extend(plan.actions.iter().map(|a| a.key));
        }
    }
}
