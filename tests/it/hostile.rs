//! Hostile text from outside never reaches the terminal raw: every command that prints
//! data, on a store holding escape sequences (ESC, BEL, OSC 0 and OSC 52, the C1 CSI
//! 0x9B), a bidi override and a zero-width joiner, prints them as visible escapes; JSON
//! escapes them and keeps the text exact; names with them are refused at input.

use assert_cmd::Command;
use retro::domain::{ActionPlan, DoraMetric, Expected, MetricKey, NewAction, Period};
use retro::store::Store;
use retro::text::is_neutralised;
use serde_json::Value;
use std::path::Path;
use tempfile::TempDir;

use crate::common::now;

/// Retitles the terminal, writes the clipboard, clears the screen with an 8-bit CSI,
/// reverses what follows, and glues two cells with a zero-width joiner.
const H: &str = "x\u{1b}]0;PWNED\u{7}\u{1b}]52;c;aGk=\u{7}\u{9b}2J\u{202e}rev\u{200d}z";
/// How [`H`] shows once made safe.
const SHOWN: &str = "x\\e]0;PWNED\\x07\\e]52;c;aGk=\\x07\\u009b2J\\u202erev\\u200dz";

fn retro(dir: &Path) -> Command {
    let mut cmd = bare(dir);
    cmd.arg("--db").arg("retro.db");
    cmd
}

/// `retro` in `dir`, isolated from the caller's environment, with no store named.
fn bare(dir: &Path) -> Command {
    crate::common::retro_in(dir)
}

/// The bytes as text, after checking that no control, bidi or invisible character is in
/// them (line feeds and tabs are the output's own layout).
fn clean(bytes: &[u8], what: &str) -> String {
    assert!(!bytes.contains(&0x1b) && !bytes.contains(&0x07), "{what}: raw ESC or BEL in {bytes:?}");
    let text = String::from_utf8(bytes.to_vec()).unwrap_or_else(|_| panic!("{what}: not UTF-8"));
    if let Some(c) = text.chars().find(|&c| is_neutralised(c) && c != '\n' && c != '\t') {
        panic!("{what}: raw {c:?} in {text:?}");
    }
    text
}

/// Succeeds, prints nothing unsafe on stdout or stderr, and shows [`H`] visibly.
fn shows(cmd: &mut Command, what: &str) -> String {
    let out = cmd.assert().success().get_output().clone();
    clean(&out.stderr, what);
    let text = clean(&out.stdout, what);
    assert!(text.contains(SHOWN), "{what}: {SHOWN} not in\n{text}");
    text
}

/// Fails, with a clean error on stderr that shows what was there.
fn refuses(cmd: &mut Command, what: &str) -> String {
    let out = cmd.assert().failure().get_output().clone();
    clean(&out.stdout, what);
    let text = clean(&out.stderr, what);
    assert!(text.contains("\\e]0;PWNED\\x07"), "{what}: no visible escape in\n{text}");
    text
}

/// JSON that is clean on a terminal and still holds [`H`] exactly at `pointer`.
fn json_keeps(cmd: &mut Command, pointer: &str, what: &str) -> Value {
    let out = cmd.assert().success().get_output().clone();
    let text = clean(&out.stdout, what);
    let json: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{what}: {e}\n{text}"));
    assert_eq!(json.pointer(pointer).and_then(Value::as_str), Some(H), "{what}: {pointer} in\n{text}");
    json
}

/// A store written before names were checked: team `H` with deployments, a team metric
/// named `H` in unit `H`, an action whose title, description, volunteer and closing
/// note are `H`, and a retro whose prompt, note and action are `H`.
fn hostile_store() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    retro(d).args(["teams", "add", "payments"]).assert().success();
    std::fs::write(
        d.join("deployments.csv"),
        "id,deployed_at,environment\nD-1,2026-11-16T10:00:00Z,production\nD-2,2026-11-17T10:00:00Z,production\n",
    )
    .unwrap();
    retro(d).args(["import", "deployments", "deployments.csv"]).assert().success();
    std::fs::write(
        d.join("metrics.csv"),
        format!("name,unit,polarity,period,value\nquality,{H},higher_is_better,2026-W47,3\n"),
    )
    .unwrap();
    retro(d).args(["import", "metrics", "metrics.csv"]).assert().success();
    retro(d)
        .args([
            "actions",
            "add",
            "--metric",
            "deployment_frequency",
            "--expect",
            "improve",
            "--title",
            H,
            "--description",
            H,
        ])
        .args(["--volunteer", H])
        .assert()
        .success();
    retro(d).args(["actions", "update", "1", "--status", "done", "--note", H]).assert().success();
    {
        let db = rusqlite::Connection::open(d.join("retro.db")).unwrap();
        db.execute("UPDATE teams SET name = ?1", [H]).unwrap();
        db.execute("UPDATE metric_definitions SET name = ?1", [H]).unwrap();
    }
    let mut store = Store::open(&d.join("retro.db")).unwrap();
    let team = store.teams().unwrap().remove(0);
    let window = Period::window(
        chrono::NaiveDate::from_ymd_opt(2026, 11, 9).unwrap(),
        chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
        team.utc_offset,
    );
    let r = store.start_retro(&team, &window, now()).unwrap();
    store.add_note(r.id, "custom", H, Some(&MetricKey::Team(H.into())), &format!("{H}\nsecond {H}"), now()).unwrap();
    let plan = ActionPlan {
        title: H.into(),
        description: Some(H.into()),
        metric: MetricKey::Dora(DoraMetric::DeploymentFrequency),
        expected: Expected::Improve,
        target: None,
        due: None,
        volunteer: Some(H.into()),
    };
    let new = NewAction { plan, retro: Some(r.id), baseline: Some(1.0), baseline_window: window, from_note: None };
    store.add_action(&team, &new, now()).unwrap();
    dir
}

#[test]
fn teams_add_refuses_a_name_with_control_characters() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    retro(d).args(["teams", "add", "payments"]).assert().success();
    let err = refuses(retro(d).args(["teams", "add", H]), "teams add");
    assert!(err.contains("control or invisible character (\\e)"), "{err}");
    for name in ["a\u{202e}b", "a\u{200d}b", "a\u{9b}b", "tab\there"] {
        retro(d).args(["teams", "add", name]).assert().failure();
    }
    let store = Store::open(&d.join("retro.db")).unwrap();
    assert_eq!(store.teams().unwrap().len(), 1, "nothing was added");
    // Ordinary Unicode is a fine name.
    retro(d)
        .args(["teams", "add", "チーム 🚀"])
        .assert()
        .success()
        .stdout("Added team チーム 🚀 (periods cut at UTC+00:00).\n");
}

#[test]
fn a_refused_team_name_starts_no_store() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let err = refuses(retro(d).args(["teams", "add", H]), "teams add --db");
    assert!(!err.contains("starting a new store"), "{err}");
    let err = refuses(bare(d).args(["teams", "add", H]), "teams add in the data folder");
    assert!(!err.contains("starting a new store"), "{err}");
    bare(d).args(["teams", "add", "  "]).assert().failure().stderr("retro: a team name cannot be empty\n");
    let left: Vec<_> = std::fs::read_dir(d).unwrap().map(|e| e.unwrap().path()).collect();
    assert!(left.is_empty(), "no store file and no data folder: {left:?}");
    // A name that is fine still starts one, and says so.
    retro(d)
        .args(["teams", "add", "payments"])
        .assert()
        .success()
        .stderr(predicates::str::contains("starting a new store"));
    assert!(d.join("retro.db").is_file());
}

#[test]
fn teams_list_shows_a_hostile_name_safely() {
    let dir = hostile_store();
    let table = shows(retro(dir.path()).args(["teams", "list"]), "teams list");
    assert!(table.lines().nth(1).unwrap().starts_with(SHOWN), "{table}");
    json_keeps(retro(dir.path()).args(["teams", "list", "--format", "json"]), "/0/name", "teams list json");
}

#[test]
fn metrics_table_csv_and_json_show_names_and_units_safely() {
    let dir = hostile_store();
    let d = dir.path();
    let table = shows(retro(d).args(["metrics", "--last", "2"]), "metrics table");
    assert!(table.starts_with(&format!("{SHOWN} · week periods")), "{table}");
    let csv = shows(retro(d).args(["metrics", "--last", "2", "--format", "csv"]), "metrics csv");
    let row = csv.lines().find(|l| l.contains("2026-W47") && l.contains(",3,")).expect("the team metric's row");
    assert_eq!(row.split(',').nth(3), Some(SHOWN), "{row}");
    assert_eq!(row.split(',').nth(5), Some(SHOWN), "{row}");
    let json = json_keeps(retro(d).args(["metrics", "--last", "2", "--format", "json"]), "/team", "metrics json");
    assert_eq!(json.pointer("/periods/0/team_metrics/0/name").and_then(Value::as_str), Some(H));
    assert_eq!(json.pointer("/periods/0/team_metrics/0/unit").and_then(Value::as_str), Some(H));
}

#[test]
fn signals_show_the_team_safely() {
    let dir = hostile_store();
    let text = shows(retro(dir.path()).args(["signals"]), "signals");
    assert!(text.starts_with(&format!("{SHOWN} · signals over")), "{text}");
    json_keeps(retro(dir.path()).args(["signals", "--format", "json"]), "/team", "signals json");
}

#[test]
fn actions_add_list_show_and_update_show_titles_notes_and_volunteers_safely() {
    let dir = hostile_store();
    let d = dir.path();
    let added = shows(
        retro(d).args([
            "actions",
            "add",
            "--metric",
            "change_lead_time",
            "--expect",
            "improve",
            "--title",
            H,
            "--volunteer",
            H,
        ]),
        "actions add",
    );
    assert!(added.starts_with(&format!("Added action 3: \"{SHOWN}\"")), "{added}");
    let list = shows(retro(d).args(["actions", "list"]), "actions list");
    // The title is cut to fit its column, escapes and all.
    assert!(list.lines().any(|l| l.starts_with(" 1  x\\e]0;PWNED\\x07\\e]52;c;aGk=\\x07\\u009b2J…")), "{list}");
    let csv = shows(retro(d).args(["actions", "list", "--format", "csv"]), "actions csv");
    assert!(csv.lines().nth(1).unwrap().starts_with(&format!("1,{SHOWN},")), "{csv}");
    json_keeps(retro(d).args(["actions", "list", "--format", "json"]), "/actions/0/volunteer", "actions json");
    let show = shows(retro(d).args(["actions", "show", "1"]), "actions show");
    for line in [format!("Action 1: {SHOWN}"), format!("  {SHOWN}"), format!("Note       {SHOWN}")] {
        assert!(show.lines().any(|l| l == line), "{line} not in\n{show}");
    }
    assert!(show.contains(&format!("Volunteer  {SHOWN}")), "{show}");
    json_keeps(retro(d).args(["actions", "show", "1", "--format", "json"]), "/action/closing_note", "show json");
    let updated = shows(retro(d).args(["actions", "update", "3", "--title", &format!("{H}!")]), "actions update");
    assert_eq!(updated, format!("Action 3 \"{SHOWN}!\" is open.\n"));
}

#[test]
fn retros_list_shows_the_team_safely() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    retro(d).args(["teams", "add", "payments"]).assert().success();
    let db = rusqlite::Connection::open(d.join("retro.db")).unwrap();
    db.execute("UPDATE teams SET name = ?1", [H]).unwrap();
    let text = shows(retro(d).args(["retros", "list"]), "retros list");
    assert_eq!(text, format!("No retros yet for {SHOWN}. Start one with `retro start`.\n"));
    json_keeps(retro(d).args(["retros", "list", "--format", "json"]), "/team", "retros json");
}

#[test]
fn import_summaries_show_columns_environments_and_the_team_safely() {
    let dir = hostile_store();
    let d = dir.path();
    std::fs::write(
        d.join("more.csv"),
        format!("id,deployed_at,environment,{H}\n{H},2026-11-18T10:00:00Z,{H},1\nD-9,2026-11-19T10:00:00Z,,1\n"),
    )
    .unwrap();
    let text = shows(retro(d).args(["import", "deployments", "more.csv"]), "import summary");
    assert!(text.contains(&format!("({SHOWN}: 1)")), "the environment: {text}");
    assert!(text.contains(&format!("for team {SHOWN}:")), "the team: {text}");
    assert!(text.contains("Ignored column(s) retro does not use: x"), "the column: {text}");
    // A unit is free text: stored as given, shown safely.
    std::fs::write(d.join("m.csv"), format!("name,unit,polarity,period,value\nload,{H},lower_is_better,2026-W46,2\n"))
        .unwrap();
    shows(retro(d).args(["import", "metrics", "m.csv"]), "metrics import");
}

#[test]
fn metric_names_with_control_characters_are_refused_with_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    retro(d).args(["teams", "add", "payments"]).assert().success();
    std::fs::write(
        d.join("metrics.csv"),
        format!(
            "name,unit,polarity,period,value\nok,pts,higher_is_better,2026-W46,1\n{H},pts,higher_is_better,2026-W47,3\n"
        ),
    )
    .unwrap();
    let err = refuses(retro(d).args(["import", "metrics", "metrics.csv"]), "metric name");
    assert!(err.starts_with(&format!("retro: metrics.csv:3: name: \"{SHOWN}\" holds a control")), "{err}");
    for name in ["a\u{202e}b", "a\u{200d}b", "a\u{9b}b"] {
        std::fs::write(d.join("m.json"), serde_json::json!([{"name": name, "unit": "u", "polarity": "higher_is_better", "period": "2026-W47", "value": 1}]).to_string()).unwrap();
        retro(d).args(["import", "metrics", "m.json"]).assert().failure();
    }
    let store = Store::open(&d.join("retro.db")).unwrap();
    let team = store.teams().unwrap().remove(0);
    assert!(store.team_metrics(&team).unwrap().is_empty(), "the store is unchanged");
}

#[test]
fn errors_on_stderr_quote_bad_values_safely() {
    let dir = hostile_store();
    let d = dir.path();
    std::fs::write(d.join("bad.csv"), format!("id,deployed_at\nD-1,{H}\n")).unwrap();
    let err = refuses(retro(d).args(["import", "deployments", "bad.csv"]), "import error");
    assert!(err.starts_with(&format!("retro: bad.csv:2: deployed_at: \"{SHOWN}\" is not a date")), "{err}");
    refuses(retro(d).args(["--team", &format!("{H}?"), "metrics"]), "unknown team");
    refuses(
        retro(d).args(["actions", "add", "--metric", &format!("{H}?"), "--expect", "improve", "--title", "t"]),
        "unknown metric",
    );
    // clap's own errors quote the argument too (clap drops ANSI sequences itself).
    let out = retro(d).args(["teams", "add", "t", "--utc-offset", H]).assert().failure().code(2).get_output().clone();
    let err = clean(&out.stderr, "clap error");
    assert!(err.contains("x\\u009b2J\\u202erev\\u200dz"), "{err}");
    // A path from the command line, in the notice about a new store.
    let out = bare(d).args(["--db", &format!("{H}.db"), "teams", "add", "t"]).assert().success().get_output().clone();
    let notice = clean(&out.stderr, "new store notice");
    assert!(notice.contains(&format!("starting a new store at {SHOWN}.db")), "{notice}");
}

#[test]
fn export_markdown_on_stdout_and_in_a_file_shows_what_the_team_typed_safely() {
    let dir = hostile_store();
    let d = dir.path();
    let out = retro(d).args(["export", "1"]).assert().success().get_output().clone();
    let md = clean(&out.stdout, "export md");
    // Markdown escaping comes after: the backslash of `\e` is itself escaped, so the
    // rendered summary reads `x\e]0;PWNED\x07…`.
    let shown = SHOWN.replace('\\', "\\\\").replace(']', "\\]");
    assert!(md.starts_with(&format!("# Retro of {shown}: 2026-11-09 to 2026-11-22\n")), "the team: {md}");
    assert!(md.contains(&format!("\n- {shown}\\\n  second {shown}\n")), "the note: {md}");
    assert!(md.contains(&format!("- **{shown}**")), "the action: {md}");
    retro(d).args(["export", "1", "-o", "summary.md"]).assert().success();
    let file = clean(&std::fs::read(d.join("summary.md")).unwrap(), "export md file");
    assert_eq!(file, md);
    let json = json_keeps(retro(d).args(["export", "1", "--format", "json"]), "/team/name", "export json");
    assert!(json.to_string().contains("PWNED"));
    retro(d).args(["export", "1", "--format", "json", "-o", "summary.json"]).assert().success();
    let file = clean(&std::fs::read(d.join("summary.json")).unwrap(), "export json file");
    assert_eq!(serde_json::from_str::<Value>(&file).unwrap(), json);
}

#[test]
fn git_import_summary_shows_the_repository_and_tag_names_safely() {
    if !std::process::Command::new("git").arg("--version").output().is_ok_and(|o| o.status.success()) {
        assert!(!crate::common::tool_required("RETRO_REQUIRE_GIT"), "git is required (CI or RETRO_REQUIRE_GIT is set)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    retro(d).args(["teams", "add", "payments"]).assert().success();
    // A folder name may hold ESC and BEL; a tag name may hold a bidi override and a ZWJ.
    let repo = d.join("r\u{1b}]0;PWNED\u{7}");
    std::fs::create_dir(&repo).unwrap();
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "tag.gpgsign=false"])
            .args(["-c", "commit.gpgsign=false"])
            .arg("-C")
            .arg(&repo)
            .args(args)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_DATE", "2026-11-20T10:00:00Z")
            .env("GIT_COMMITTER_DATE", "2026-11-20T10:00:00Z")
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    };
    git(&["init", "-q", "-b", "main"]);
    std::fs::write(repo.join("a.txt"), "a\n").unwrap();
    git(&["add", "a.txt"]);
    git(&["commit", "-q", "-m", "first"]);
    git(&["tag", "v1"]);
    let blob = git(&["hash-object", "-w", "a.txt"]);
    git(&["tag", "v2\u{202e}gpj.exe\u{200d}", &blob]);
    let out = retro(d).arg("import").arg("git").arg(&repo).assert().success().get_output().clone();
    clean(&out.stderr, "git import");
    let text = clean(&out.stdout, "git import");
    assert!(text.contains("name no commit: v2\\u202egpj.exe\\u200d."), "the tag: {text}");
    assert!(text.contains("r\\e]0;PWNED\\x07 for team payments"), "the repository: {text}");
}
