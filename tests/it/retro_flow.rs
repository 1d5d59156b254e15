//! The retro flow: every stage transition, votes, notes, drafts, reviews, actions and
//! closing, as a state machine (events in, effects out), then persisted and resumed.

use crate::common::now;
use retro::domain::{
    ActionPlan, ActionStatus, Decision, DoraMetric, Expected, MetricKey, NewAction, Period, Stage, Team, UtcOffset,
    VoteCounts, VoteKind,
};
use retro::retro::flow::{Effect, Event, Flow, FlowError, NoteTarget};
use retro::retro::prompts::Catalogue;
use retro::retro::session;
use retro::store::Store;

fn demo() -> (Store, Team) {
    let mut store = Store::open_in_memory().unwrap();
    let team = retro::demo::load(&mut store, now()).unwrap();
    (store, team)
}

/// A new retro of the demo team over the default window, opened as a flow.
fn started() -> (Store, Flow) {
    let (mut store, team) = demo();
    let window = session::default_window(&store, &team, now()).unwrap();
    let r = store.start_retro(&team, &window, now()).unwrap();
    let flow = session::open(&store, r.id, &Catalogue::builtin(), now()).unwrap();
    (store, flow)
}

fn run(store: &mut Store, flow: &mut Flow, event: Event) -> Vec<Effect> {
    let effects = flow.handle(event, now()).unwrap();
    session::apply(store, flow, effects.clone(), now()).unwrap();
    effects
}

#[test]
fn next_walks_every_stage_in_order_and_saves_each() {
    let (_, mut flow) = started();
    assert_eq!(flow.stage(), Stage::SetTheStage);
    for expected in &Stage::ALL[1..] {
        let effects = flow.handle(Event::Next, now()).unwrap();
        assert_eq!(effects, [Effect::SaveStage(*expected)]);
        assert_eq!(flow.stage(), *expected);
    }
    assert_eq!(flow.handle(Event::Next, now()).unwrap(), [], "no stage after Close");
    for expected in Stage::ALL[..5].iter().rev() {
        assert_eq!(flow.handle(Event::Previous, now()).unwrap(), [Effect::SaveStage(*expected)]);
    }
    assert_eq!(flow.handle(Event::Previous, now()).unwrap(), [], "no stage before the first");
}

#[test]
fn any_stage_can_be_reached_directly() {
    let (_, mut flow) = started();
    assert_eq!(
        flow.handle(Event::GoTo(Stage::DecideActions), now()).unwrap(),
        [Effect::SaveStage(Stage::DecideActions)]
    );
    assert_eq!(flow.handle(Event::GoTo(Stage::DecideActions), now()).unwrap(), [], "already there");
    assert_eq!(flow.handle(Event::GoTo(Stage::SetTheStage), now()).unwrap(), [Effect::SaveStage(Stage::SetTheStage)]);
}

#[test]
fn votes_are_counts_and_a_low_median_suggests_safety_first() {
    let (_, mut flow) = started();
    let vote =
        |flow: &mut Flow, score, count| flow.handle(Event::SetVote { kind: VoteKind::Safety, score, count }, now());
    assert_eq!(vote(&mut flow, 2, 3).unwrap(), [Effect::SaveVote { kind: VoteKind::Safety, score: 2, count: 3 }]);
    vote(&mut flow, 4, 1).unwrap();
    // 2,2,2,4: median 2 -> low.
    assert_eq!(flow.safety, VoteCounts([0, 3, 0, 1, 0]));
    assert!(flow.safety_is_low());
    vote(&mut flow, 4, 2).unwrap();
    // 2,2,2,4,4: median 2 -> still low; one more 4 makes it 3.
    assert!(flow.safety_is_low());
    vote(&mut flow, 4, 3).unwrap();
    assert_eq!(flow.safety.median(), Some(3.0));
    assert!(!flow.safety_is_low());
    assert_eq!(vote(&mut flow, 6, 1), Err(FlowError::ScoreOutOfRange));
    assert_eq!(vote(&mut flow, 0, 1), Err(FlowError::ScoreOutOfRange));
    assert!(!flow.safety_prompts.is_empty(), "safety prompts are there for a low vote");
}

#[test]
fn notes_are_taken_against_a_prompt_and_its_metric() {
    // The demo's latest weeks hold only routine variation, so no metric picks a prompt
    // there; its slow-down of June 2026 moved beyond the usual range (deployments fell
    // from over 2 a day to about 1, lead time rose from about 15 h to nearly 40 h).
    let (mut store, team) = demo();
    let window = retro::domain::Period {
        granularity: None,
        start: retro::domain::parse_timestamp("2026-06-01T00:00:00Z").unwrap(),
        end: retro::domain::parse_timestamp("2026-06-15T00:00:00Z").unwrap(),
        offset: team.utc_offset,
    };
    let r = store.start_retro(&team, &window, now()).unwrap();
    let mut flow = session::open(&store, r.id, &Catalogue::builtin(), now()).unwrap();
    let prompt = flow.prompts.iter().find(|p| p.metric.is_some()).expect("a metric moved in the demo").clone();
    let effects = flow
        .handle(
            Event::ConfirmNote {
                target: NoteTarget::Prompt(prompt.key.clone()),
                body: "Reviews waited two days\n".into(),
            },
            now(),
        )
        .unwrap();
    assert_eq!(
        effects,
        [Effect::AddNote {
            prompt_key: prompt.key.clone(),
            prompt: prompt.text.clone(),
            metric: prompt.metric.clone(),
            body: "Reviews waited two days".into()
        }]
    );
    let refuse =
        |flow: &mut Flow, target, body: &str| flow.handle(Event::ConfirmNote { target, body: body.into() }, now());
    assert_eq!(refuse(&mut flow, NoteTarget::Prompt(prompt.key.clone()), "  \n "), Err(FlowError::EmptyNote));
    assert_eq!(refuse(&mut flow, NoteTarget::Prompt("nope".into()), "x"), Err(FlowError::UnknownPrompt("nope".into())));
    assert_eq!(refuse(&mut flow, NoteTarget::Edit(retro::domain::NoteId(99)), "x"), Err(FlowError::UnknownNote(99)));
}

#[test]
fn confirmed_notes_are_stored_at_once_and_can_be_edited_and_deleted() {
    let (mut store, mut flow) = started();
    let key = flow.prompts[0].key.clone();
    run(&mut store, &mut flow, Event::ConfirmNote { target: NoteTarget::Prompt(key.clone()), body: "first".into() });
    run(
        &mut store,
        &mut flow,
        Event::ConfirmNote { target: NoteTarget::Prompt(key.clone()), body: "second\nline".into() },
    );
    let stored = store.notes(flow.retro.id).unwrap();
    assert_eq!(stored.iter().map(|n| n.body.as_str()).collect::<Vec<_>>(), ["first", "second\nline"]);
    assert_eq!(flow.notes, stored);
    assert_eq!(flow.notes_for(&key).count(), 2);

    let id = stored[0].id;
    let effects =
        run(&mut store, &mut flow, Event::ConfirmNote { target: NoteTarget::Edit(id), body: "first, edited".into() });
    assert_eq!(effects, [Effect::UpdateNote { id, body: "first, edited".into() }]);
    assert_eq!(store.notes(flow.retro.id).unwrap()[0].body, "first, edited");

    assert_eq!(run(&mut store, &mut flow, Event::DeleteNote(id)), [Effect::DeleteNote(id)]);
    assert_eq!(store.notes(flow.retro.id).unwrap().len(), 1);
    assert_eq!(flow.notes.len(), 1);
    assert_eq!(flow.handle(Event::DeleteNote(id), now()), Err(FlowError::UnknownNote(id.0)));
}

#[test]
fn drafts_save_when_they_change_and_go_when_the_note_is_confirmed() {
    let (mut store, mut flow) = started();
    let target = NoteTarget::Prompt(flow.prompts[0].key.clone());
    let draft = |flow: &mut Flow, body: &str| {
        flow.handle(Event::SaveDraft { target: target.clone(), body: body.into() }, now()).unwrap()
    };
    let effects = draft(&mut flow, "half a tho");
    assert!(matches!(&effects[..], [Effect::SaveDraft(d)] if d.body == "half a tho"));
    session::apply(&mut store, &mut flow, effects, now()).unwrap();
    assert_eq!(store.draft(flow.retro.id).unwrap().unwrap().body, "half a tho");
    assert_eq!(draft(&mut flow, "half a tho"), [], "unchanged text is not saved again");
    run(&mut store, &mut flow, Event::ConfirmNote { target: target.clone(), body: "half a thought".into() });
    assert_eq!(flow.draft, None);
    assert_eq!(store.draft(flow.retro.id).unwrap(), None, "the note and the end of its draft in one transaction");
    draft(&mut flow, "again");
    assert_eq!(draft(&mut flow, "   "), [Effect::ClearDraft], "emptied text drops the draft");
}

#[test]
fn actions_snapshot_their_metric_in_the_window_as_baseline() {
    let (mut store, mut flow) = started();
    let metric = MetricKey::Dora(DoraMetric::ChangeLeadTime);
    let form = ActionPlan {
        title: "  Pair on reviews every morning ".into(),
        description: None,
        metric: metric.clone(),
        expected: Expected::Improve,
        target: Some(12.0),
        due: chrono::NaiveDate::from_ymd_opt(2026, 12, 18),
        volunteer: Some(" Sam ".into()),
    };
    let effects = run(&mut store, &mut flow, Event::CreateAction(form.clone()));
    let Effect::AddAction(new) = &effects[0] else { panic!("{effects:?}") };
    assert_eq!(new.plan.title, "Pair on reviews every morning");
    assert_eq!(new.baseline, flow.value_now(&metric));
    assert!(new.baseline.is_some());
    assert_eq!(new.baseline_window, flow.retro.window);
    assert_eq!(new.plan.volunteer.as_deref(), Some("Sam"));
    // The demo team's own actions come from its past retros.
    let stored: Vec<_> =
        store.actions(&flow.team).unwrap().into_iter().filter(|a| a.retro == Some(flow.retro.id)).collect();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].baseline, new.baseline);
    assert_eq!(stored[0].status, ActionStatus::Open);
    assert_eq!(flow.actions, stored);
    let untitled = ActionPlan { title: " ".into(), ..form };
    assert_eq!(flow.handle(Event::CreateAction(untitled), now()), Err(FlowError::EmptyTitle));
}

#[test]
fn reviewing_earlier_actions_records_the_decision_and_the_metric_now() {
    let (mut store, team) = demo();
    let earlier = Period::window(
        chrono::NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(),
        chrono::NaiveDate::from_ymd_opt(2026, 9, 14).unwrap(),
        UtcOffset::UTC,
    );
    let metric = MetricKey::Dora(DoraMetric::ChangeFailureRate);
    let action = store
        .add_action(
            &team,
            &NewAction {
                plan: ActionPlan {
                    title: "Add a canary stage".into(),
                    description: None,
                    metric: metric.clone(),
                    expected: Expected::Improve,
                    target: None,
                    due: None,
                    volunteer: None,
                },
                retro: None,
                baseline: Some(20.0),
                baseline_window: earlier,
                from_note: None,
            },
            now() - 86_400 * 60,
        )
        .unwrap();
    let window = session::default_window(&store, &team, now()).unwrap();
    let r = store.start_retro(&team, &window, now()).unwrap();
    let mut flow = session::open(&store, r.id, &Catalogue::builtin(), now()).unwrap();
    // After the demo team's own open actions, oldest first.
    assert_eq!(flow.to_review.last().map(|a| a.id), Some(action.id));
    assert!(flow.to_review.iter().all(|a| a.status == ActionStatus::Open));

    let review = |d, note: Option<&str>| Event::Review { action: action.id, decision: d, note: note.map(String::from) };
    run(&mut store, &mut flow, review(Decision::Keep, Some("  halfway there ")));
    run(&mut store, &mut flow, review(Decision::Done, Some("canary in place")));
    let reviews = store.reviews_in(r.id).unwrap();
    assert_eq!(reviews.len(), 1, "a later decision in the same retro replaces the first");
    assert_eq!(reviews[0].decision, Decision::Done);
    assert_eq!(reviews[0].note.as_deref(), Some("canary in place"));
    assert_eq!(reviews[0].metric_value, flow.value_now(&metric));
    let stored = store.action(action.id).unwrap().unwrap();
    assert_eq!(stored.status, ActionStatus::Done);
    assert_eq!(stored.closing_note.as_deref(), Some("canary in place"));
    assert_eq!(store.action_history(action.id).unwrap(), reviews);
    assert_eq!(
        flow.handle(
            Event::Review { action: retro::domain::ActionId(999), decision: Decision::Drop, note: None },
            now()
        ),
        Err(FlowError::UnknownAction(999))
    );
}

#[test]
fn finishing_closes_the_record_but_keeps_it_readable() {
    let (mut store, mut flow) = started();
    flow.handle(Event::GoTo(Stage::Close), now()).unwrap();
    run(&mut store, &mut flow, Event::SetVote { kind: VoteKind::ReturnOnTime, score: 4, count: 5 });
    assert_eq!(run(&mut store, &mut flow, Event::Finish), [Effect::Finish]);
    assert!(flow.is_finished());
    assert_eq!(store.retro(flow.retro.id).unwrap().unwrap().finished_at, Some(now()));
    let key = flow.prompts[0].key.clone();
    assert_eq!(
        flow.handle(Event::ConfirmNote { target: NoteTarget::Prompt(key), body: "late".into() }, now()),
        Err(FlowError::Finished)
    );
    assert_eq!(flow.handle(Event::GoTo(Stage::WhatsBlocking), now()).unwrap(), [], "browsing is not saved");
    assert_eq!(flow.stage(), Stage::WhatsBlocking);
    assert_eq!(session::unfinished(&store, &flow.team).unwrap(), None);
}

#[test]
fn a_resumed_retro_is_where_it_was_left_with_everything_in_it() {
    let (mut store, mut flow) = started();
    run(&mut store, &mut flow, Event::SetVote { kind: VoteKind::Safety, score: 4, count: 6 });
    run(&mut store, &mut flow, Event::GoTo(Stage::WhatsBlocking));
    let key = flow.prompts[1].key.clone();
    run(&mut store, &mut flow, Event::ConfirmNote { target: NoteTarget::Prompt(key.clone()), body: "kept".into() });
    run(&mut store, &mut flow, Event::SaveDraft { target: NoteTarget::Prompt(key.clone()), body: "typing…".into() });
    let id = flow.retro.id;
    drop(flow);

    let team = store.teams().unwrap().remove(0);
    let unfinished = session::unfinished(&store, &team).unwrap().expect("offered for resume");
    assert_eq!(unfinished.id, id);
    let resumed = session::open(&store, id, &Catalogue::builtin(), now()).unwrap();
    assert_eq!(resumed.stage(), Stage::WhatsBlocking);
    assert_eq!(resumed.safety.get(4), 6);
    assert_eq!(resumed.notes.iter().map(|n| n.body.as_str()).collect::<Vec<_>>(), ["kept"]);
    let draft = resumed.draft.clone().expect("the draft comes back");
    assert_eq!(draft.body, "typing…");
    assert_eq!(draft.target, NoteTarget::Prompt(key));
}

#[test]
fn the_default_window_runs_from_the_last_retro_or_covers_two_weeks() {
    let (mut store, team) = demo();
    let first = session::default_window(&store, &team, now()).unwrap();
    assert_eq!(first.label(), "2026-11-13..2026-11-26", "the last 14 days including today");
    let earlier = Period::window(
        chrono::NaiveDate::from_ymd_opt(2026, 10, 29).unwrap(),
        chrono::NaiveDate::from_ymd_opt(2026, 11, 11).unwrap(),
        UtcOffset::UTC,
    );
    store.start_retro(&team, &earlier, now() - 86_400 * 14).unwrap();
    let next = session::default_window(&store, &team, now()).unwrap();
    assert_eq!(next.label(), "2026-11-12..2026-11-26", "from the day after the previous window");
}

#[test]
fn the_window_is_compared_with_equal_windows_before_it() {
    let window = Period::window(
        chrono::NaiveDate::from_ymd_opt(2026, 11, 13).unwrap(),
        chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
        UtcOffset::UTC,
    );
    let windows = session::comparison_windows(&window, now());
    let labels: Vec<_> = windows.iter().map(Period::label).collect();
    assert_eq!(
        labels,
        ["2026-10-02..2026-10-15", "2026-10-16..2026-10-29", "2026-10-30..2026-11-12", "2026-11-13..2026-11-26"]
    );
    assert_eq!(windows[3].end, now(), "the window under way is cut at now");
}

#[test]
fn starting_anew_closes_the_unfinished_retro_as_it_stands() {
    let (mut store, team) = demo();
    let window = session::default_window(&store, &team, now()).unwrap();
    let (first, closed) = session::start_new(&mut store, &team, &window, now()).unwrap();
    assert_eq!(closed, None, "the demo's retros are all finished");
    let (second, closed) = session::start_new(&mut store, &team, &window, now() + 60).unwrap();
    assert_eq!(closed.map(|r| r.id), Some(first.id));
    assert_eq!(store.retro(first.id).unwrap().unwrap().finished_at, Some(now() + 60));
    assert_eq!(session::unfinished(&store, &team).unwrap().map(|r| r.id), Some(second.id));
}

#[test]
fn the_action_form_reads_due_dates_and_targets_or_says_what_is_wrong() {
    use retro::retro::flow::{FormError, parse_due, parse_target};
    assert_eq!(parse_due(""), Ok(None));
    assert_eq!(parse_due("2026-12-24"), Ok(chrono::NaiveDate::from_ymd_opt(2026, 12, 24)));
    assert_eq!(parse_due("24/12/2026"), Err(FormError::NotADate("24/12/2026".into())));
    assert_eq!(parse_due("2026-02-30"), Err(FormError::NotADate("2026-02-30".into())));
    assert_eq!(parse_target(""), Ok(None));
    assert_eq!(parse_target("-2.5"), Ok(Some(-2.5)));
    assert_eq!(parse_target("NaN"), Err(FormError::NotANumber("NaN".into())));
    assert_eq!(parse_target("inf"), Err(FormError::NotANumber("inf".into())));
    assert_eq!(FormError::NotADate("soon".into()).to_string(), "\"soon\" is not a date (YYYY-MM-DD)");
    assert_eq!(FormError::NotANumber("ten".into()).to_string(), "\"ten\" is not a number");
}
