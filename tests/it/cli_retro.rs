//! `retro retros list`, `retro export` and `retro start` through the binary.

use crate::common::now;
use assert_cmd::Command;
use retro::retro::flow::{Event, NoteTarget};
use retro::retro::prompts::Catalogue;
use retro::retro::session;
use retro::store::Store;

fn retro_cmd(db: &std::path::Path) -> Command {
    let mut cmd = Command::cargo_bin("retro").unwrap();
    cmd.arg("--db").arg(db).env("RETRO_NOW", "2026-11-26T12:00:00Z").env_remove("RETRO_TEAM");
    cmd
}

/// A store holding the demo team (with its six finished retros) and a new retro, number
/// 7, with two notes.
fn store_with_a_retro(dir: &std::path::Path) -> std::path::PathBuf {
    let db = dir.join("retro.db");
    let mut store = Store::open(&db).unwrap();
    let team = retro::demo::load(&mut store, now()).unwrap();
    let window = session::default_window(&store, &team, now()).unwrap();
    let r = store.start_retro(&team, &window, now()).unwrap();
    let mut flow = session::open(&store, r.id, &Catalogue::builtin(), now()).unwrap();
    for body in ["Reviews waited on one person", "Flaky tests | hid *real* failures"] {
        let key = flow.prompts[0].key.clone();
        let effects =
            flow.handle(Event::ConfirmNote { target: NoteTarget::Prompt(key), body: body.into() }, now()).unwrap();
        session::apply(&mut store, &mut flow, effects, now()).unwrap();
    }
    db
}

#[test]
fn retros_are_listed_with_their_window_stage_and_counts() {
    let dir = tempfile::tempdir().unwrap();
    let db = store_with_a_retro(dir.path());
    let out = retro_cmd(&db).args(["retros", "list", "--format", "json"]).output().unwrap();
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((json["schema"].as_str(), json["team"].as_str()), (Some("retro.retros/1"), Some("Demo team")));
    let json = &json["retros"];
    assert_eq!(json.as_array().unwrap().len(), 7, "newest first, after the demo's six");
    assert_eq!(
        json[0],
        serde_json::json!({
            "id": 7, "from": "2026-11-13", "to": "2026-11-26", "stage": "set_the_stage",
            "finished": false, "notes": 2, "actions": 0
        })
    );
    let table = retro_cmd(&db).args(["retros", "list"]).output().unwrap();
    let table = String::from_utf8(table.stdout).unwrap();
    assert!(table.contains("2026-11-13 – 2026-11-26") && table.contains("Set the stage"), "{table}");
}

#[test]
fn export_writes_markdown_or_json_with_every_note() {
    let dir = tempfile::tempdir().unwrap();
    let db = store_with_a_retro(dir.path());
    let md = retro_cmd(&db).args(["export", "7"]).output().unwrap();
    assert!(md.status.success(), "{}", String::from_utf8_lossy(&md.stderr));
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(md.starts_with("# Retro of Demo team: 2026-11-13 to 2026-11-26"), "{md}");
    assert!(md.contains("- Reviews waited on one person"), "{md}");
    assert!(md.contains(r"Flaky tests \| hid \*real\* failures"), "user text is escaped:\n{md}");

    let out = dir.path().join("summary.json");
    retro_cmd(&db).args(["export", "7", "--format", "json", "--output"]).arg(&out).assert().success();
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(json["schema"], "retro.summary/1");
    assert_eq!(json["notes"].as_array().unwrap().len(), 2);
}

#[test]
fn export_of_an_unknown_retro_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let db = store_with_a_retro(dir.path());
    let out = retro_cmd(&db).args(["export", "8"]).output().unwrap();
    assert!(!out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stderr), "retro: there is no retro 8 in this store\n");
}

#[test]
fn start_needs_a_terminal_and_creates_nothing_without_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = store_with_a_retro(dir.path());
    let out = retro_cmd(&db).args(["start", "--new", "--yes"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs a terminal"));
    let store = Store::open(&db).unwrap();
    let team = store.teams().unwrap().remove(0);
    assert!(session::unfinished(&store, &team).unwrap().is_some(), "the unfinished retro was not closed");
    let store = Store::open(&db).unwrap();
    let team = store.teams().unwrap().remove(0);
    assert_eq!(store.retros(&team).unwrap().len(), 7);
}

#[test]
fn start_new_over_an_unfinished_retro_refuses_without_yes() {
    let dir = tempfile::tempdir().unwrap();
    let db = store_with_a_retro(dir.path());
    // Standard input is not a terminal here, so there is no one to ask.
    let out = retro_cmd(&db).args(["start", "--new"]).output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("retro 7 (2026-11-13 – 2026-11-26, at: Set the stage) is not finished"), "{stderr}");
    assert!(stderr.contains("--yes"), "{stderr}");
    let store = Store::open(&db).unwrap();
    let team = store.teams().unwrap().remove(0);
    assert_eq!(store.retros(&team).unwrap().len(), 7, "nothing was started");
    assert_eq!(session::unfinished(&store, &team).unwrap().map(|r| r.id.0), Some(7), "nothing was closed");
    // --yes is for --new only.
    assert!(!retro_cmd(&db).args(["start", "--yes"]).output().unwrap().status.success());
}

#[test]
fn retros_reopen_makes_a_closed_retro_unfinished_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = store_with_a_retro(dir.path());
    let out = retro_cmd(&db).args(["retros", "reopen", "7"]).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("not closed: nothing to reopen"));

    // While retro 7 is unfinished, closed retro 6 cannot be reopened: one at a time.
    let out = retro_cmd(&db).args(["retros", "reopen", "6"]).output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("retro 6 cannot be reopened while retro 7 of the same team is unfinished"), "{stderr}");

    let mut store = Store::open(&db).unwrap();
    store.finish_retro(retro::domain::RetroId(7), now()).unwrap();
    drop(store);
    let out = retro_cmd(&db).args(["retros", "reopen", "7"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("Reopened retro 7 (2026-11-13 – 2026-11-26)"));
    let store = Store::open(&db).unwrap();
    let team = store.teams().unwrap().remove(0);
    let reopened = session::unfinished(&store, &team).unwrap().expect("retro 7 is unfinished again");
    assert_eq!((reopened.id.0, reopened.stage), (7, retro::domain::Stage::Close));
    assert_eq!(store.notes(reopened.id).unwrap().len(), 2, "everything in it is kept");

    let out = retro_cmd(&db).args(["retros", "reopen", "99"]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stderr), "retro: there is no retro 99 in this store\n");
}

#[test]
fn an_action_made_from_a_note_shows_the_note() {
    let dir = tempfile::tempdir().unwrap();
    let db = store_with_a_retro(dir.path());
    let mut store = Store::open(&db).unwrap();
    let mut flow = session::open(&store, retro::domain::RetroId(7), &Catalogue::builtin(), now()).unwrap();
    let note = flow.notes[0].clone();
    let plan = retro::domain::ActionPlan {
        title: "Two reviewers per change".into(),
        description: None,
        metric: retro::domain::MetricKey::Dora(retro::domain::DoraMetric::ALL[1]),
        expected: retro::domain::Expected::Improve,
        target: None,
        due: None,
        volunteer: None,
    };
    let effects = flow.handle(Event::CreateActionFromNote { plan, note: note.id }, now()).unwrap();
    session::apply(&mut store, &mut flow, effects, now()).unwrap();
    let id = flow.actions[0].id.0.to_string();
    drop(store);
    let out = retro_cmd(&db).args(["actions", "show", &id, "--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json["action"]["from_note"],
        serde_json::json!({ "id": note.id.0, "body": "Reviews waited on one person" })
    );
    let table = retro_cmd(&db).args(["actions", "show", &id]).output().unwrap();
    let table = String::from_utf8(table.stdout).unwrap();
    assert!(
        table.contains("From the note (under \"") && table.ends_with("  Reviews waited on one person\n"),
        "{table}"
    );
    // Deleting the note leaves the action, without the link.
    let mut store = Store::open(&db).unwrap();
    store.delete_note(note.id).unwrap();
    let action = store.action(flow.actions[0].id).unwrap().expect("the action stays");
    assert_eq!(action.from_note, None);
}
