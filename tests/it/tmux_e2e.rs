//! The real binary in a real terminal: start `retro --demo` in tmux, read the screen,
//! press keys, quit. Skipped (with a message) where tmux is missing, unless CI or
//! RETRO_REQUIRE_TMUX is set.

use std::process::Command;
use std::thread::sleep;
use std::time::{Duration, Instant};

struct Session(String);

impl Session {
    fn start(name: &str, command: &str) -> Self {
        let status = Command::new("tmux")
            .args(["new-session", "-d", "-s", name, "-x", "80", "-y", "24", command])
            .status()
            .expect("tmux runs");
        assert!(status.success());
        Session(name.to_owned())
    }

    fn capture(&self) -> String {
        let out = Command::new("tmux").args(["capture-pane", "-p", "-t", &self.0]).output().expect("capture");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", self.0.as_str()];
        args.extend_from_slice(keys);
        assert!(Command::new("tmux").args(&args).status().unwrap().success());
    }

    /// Waits until the screen contains `text`, returning the screen.
    fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let screen = self.capture();
            if screen.contains(text) {
                return screen;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {text:?}; screen:\n{screen}");
            sleep(Duration::from_millis(100));
        }
    }

    /// The pid of the process the pane started.
    fn pane_pid(&self) -> u32 {
        let out = Command::new("tmux").args(["display", "-p", "-t", &self.0, "#{pane_pid}"]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).trim().parse().expect("a pane pid")
    }

    /// Pastes `text` with `paste-buffer -p`: wrapped in bracketed-paste codes when the
    /// program in the pane asked for them, as keys otherwise.
    fn paste_as_bracketed(&self, text: &str) {
        let buffer = format!("{}-buffer", self.0);
        assert!(Command::new("tmux").args(["set-buffer", "-b", &buffer, text]).status().unwrap().success());
        let pasted = Command::new("tmux").args(["paste-buffer", "-p", "-d", "-b", &buffer, "-t", &self.0]).status();
        assert!(pasted.unwrap().success());
    }

    fn alive(&self) -> bool {
        Command::new("tmux").args(["has-session", "-t", &self.0]).output().is_ok_and(|o| o.status.success())
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["kill-session", "-t", &self.0]).output();
    }
}

fn tmux_available() -> bool {
    let found = Command::new("tmux").arg("-V").output().is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            !crate::common::tool_required("RETRO_REQUIRE_TMUX"),
            "tmux is required here (CI or RETRO_REQUIRE_TMUX is set) but missing"
        );
        eprintln!("tmux not found: skipping the end-to-end terminal check");
    }
    found
}

#[test]
fn demo_dashboard_in_a_real_terminal() {
    if !tmux_available() {
        return;
    }
    let bin = env!("CARGO_BIN_EXE_retro");
    let name = format!("retro-e2e-{}", std::process::id());
    // `; sleep` keeps the pane after exit so we can check the terminal was restored.
    let session =
        Session::start(&name, &format!("RETRO_NOW=2026-11-26T12:00:00Z {bin} --demo; echo EXITED $?; sleep 30"));
    let screen = session.wait_for("Deployment rework rate");
    for name in [
        "Deployment frequency",
        "Change lead time",
        "Change failure rate",
        "Failed deployment recovery time",
        "Deployment rework rate",
    ] {
        assert!(screen.contains(name), "{name} missing:\n{screen}");
    }
    session.keys(&["j", "Enter"]);
    session.wait_for("Median time from commit to production");
    session.keys(&["?"]);
    session.wait_for("closes this help");
    // Esc and the next key must not arrive together: a terminal reads "ESC q" as Alt-q.
    session.keys(&["Escape"]);
    session.wait_for("↑↓ metric");
    session.keys(&["q"]);
    session.wait_for("Compared with the week before");
    session.keys(&["q"]);
    let after = session.wait_for("EXITED 0");
    assert!(!after.contains("Deployment frequency"), "the alternate screen was left:\n{after}");
    assert!(session.alive());
}

fn running(pid: u32) -> bool {
    // A zombie has ended; its parent just has not reaped it yet.
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .is_ok_and(|stat| stat.rsplit(')').next().is_some_and(|rest| !rest.trim_start().starts_with('Z')))
}

fn wait_until_gone(pid: u32) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while running(pid) {
        assert!(Instant::now() < deadline, "retro (pid {pid}) still runs after its terminal closed");
        sleep(Duration::from_millis(50));
    }
}

fn child_of(pid: u32) -> u32 {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let out = Command::new("pgrep").args(["-P", &pid.to_string()]).output().unwrap();
        if let Some(child) = String::from_utf8_lossy(&out.stdout).lines().next() {
            return child.trim().parse().unwrap();
        }
        assert!(Instant::now() < deadline, "no child of {pid}");
        sleep(Duration::from_millis(50));
    }
}

#[test]
fn sigterm_restores_the_terminal_and_ends_promptly() {
    if !tmux_available() {
        return;
    }
    let bin = env!("CARGO_BIN_EXE_retro");
    let name = format!("retro-e2e-term-{}", std::process::id());
    let session = Session::start(&name, &format!("{bin} --demo; echo EXITED $?; cat -v"));
    session.wait_for("Deployment rework rate");
    let retro = child_of(session.pane_pid());
    assert!(Command::new("kill").args(["-TERM", &retro.to_string()]).status().unwrap().success());
    let after = session.wait_for("EXITED 143");
    assert!(!after.contains("Deployment rework rate"), "the alternate screen was left:\n{after}");
    wait_until_gone(retro);
    // Bracketed paste went with the rest of the terminal state.
    session.paste_as_bracketed("after-sigterm");
    session.keys(&["Enter"]);
    let after = session.wait_for("after-sigterm");
    assert!(!after.contains("200~"), "bracketed paste was left on:\n{after}");
}

#[test]
fn closing_the_terminal_ends_the_app() {
    if !tmux_available() {
        return;
    }
    let bin = env!("CARGO_BIN_EXE_retro");
    let name = format!("retro-e2e-hup-{}", std::process::id());
    // exec: the pane's process is retro itself, which gets the hangup.
    let session = Session::start(&name, &format!("exec {bin} --demo"));
    session.wait_for("Deployment rework rate");
    let retro = session.pane_pid();
    drop(session); // kill-session: the terminal goes away, SIGHUP
    wait_until_gone(retro);
}

/// Waits until the store holds the draft `body` for retro 1 (the app autosaves it every
/// few seconds), reading the store as a second process would.
fn wait_for_draft(db: &std::path::Path, body: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let store = retro::store::Store::open(db).unwrap();
        let draft = store.draft(retro::domain::RetroId(1)).unwrap();
        if draft.as_ref().is_some_and(|d| d.body == body) {
            return;
        }
        assert!(Instant::now() < deadline, "timed out waiting for the draft {body:?}; found {draft:?}");
        drop(store);
        sleep(Duration::from_millis(100));
    }
}

/// Runs `retro` with `args` on `db` and returns its standard output.
fn retro(db: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_retro"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("RETRO_NOW", "2026-11-26T12:00:00Z")
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn confirmed_notes_and_the_draft_survive_sigkill() {
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("retro.db");
    retro(&db, &["teams", "add", "payments"]);
    let data = dir.path().join("data");
    retro(&db, &["generate", "--deployments", "200", "--out", data.to_str().unwrap()]);
    for kind in ["deployments", "changes", "incidents"] {
        retro(&db, &["import", kind, data.join(format!("{kind}.csv")).to_str().unwrap()]);
    }
    let bin = env!("CARGO_BIN_EXE_retro");
    let name = format!("retro-e2e-kill-{}", std::process::id());
    let command = format!("RETRO_NOW=2026-11-26T12:00:00Z exec {bin} --db {} start", db.display());
    let session = Session::start(&name, &command);
    session.wait_for("Safety check");
    session.keys(&["]", "]", "]"]);
    session.wait_for("Prompts");
    for (i, note) in ["Reviews waited on one person", "Flaky tests hid real failures"].iter().enumerate() {
        if i > 0 {
            session.keys(&["j"]);
        }
        session.keys(&["a"]);
        session.wait_for("Ctrl-S save");
        session.keys(&[note]);
        session.keys(&["C-s"]);
        session.wait_for(&note[..20]);
    }
    // A third note is only being typed: its draft is saved within a couple of seconds.
    session.keys(&["j", "a"]);
    session.wait_for("Ctrl-S save");
    session.keys(&["half a thought"]);
    wait_for_draft(&db, "half a thought");
    let pid = session.pane_pid();
    assert!(Command::new("kill").args(["-KILL", &pid.to_string()]).status().unwrap().success());
    wait_until_gone(pid);
    drop(session);

    let summary = retro(&db, &["export", "1", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&summary).unwrap();
    let notes: Vec<&str> = json["notes"].as_array().unwrap().iter().map(|n| n["body"].as_str().unwrap()).collect();
    assert_eq!(notes, ["Reviews waited on one person", "Flaky tests hid real failures"]);

    // Reopened, the retro is where it was, with the draft back in the editor.
    let session = Session::start(&format!("{name}-again"), &command);
    let screen = session.wait_for("half a thought");
    // ...the selection on the prompt the draft was typed for, the confirmed notes counted.
    assert!(screen.contains("What's blocking us? (1)") && screen.contains("draft: half a thought"), "{screen}");
}

#[test]
fn a_paste_on_the_close_stage_leaves_the_retro_open() {
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("retro.db");
    retro(&db, &["teams", "add", "payments"]);
    let bin = env!("CARGO_BIN_EXE_retro");
    let name = format!("retro-e2e-paste-{}", std::process::id());
    // After retro, `cat -v` shows whether the terminal was left in bracketed paste mode.
    let command = format!("RETRO_NOW=2026-11-26T12:00:00Z {bin} --db {} start; echo EXITED $?; cat -v", db.display());
    let session = Session::start(&name, &command);
    session.wait_for("Safety check");
    session.keys(&["]", "]", "]", "]", "]"]);
    session.wait_for("Closing vote");
    // Read as keys, this would close the retro (f, then y) and quit (q).
    // -p: as a bracketed paste, since the app asked for it.
    session.paste_as_bracketed("fix yes, quit now");
    session.wait_for("pasted text was not used");
    session.keys(&["Escape"]);
    session.wait_for("Closing vote");
    let screen = session.capture();
    assert!(!screen.contains("(closed)") && !screen.contains("Close this retro?"), "{screen}");
    session.keys(&["q"]);
    session.wait_for("Compared with the week before");
    session.keys(&["q"]);
    session.wait_for("EXITED 0");
    session.paste_as_bracketed("after-retro");
    session.keys(&["Enter"]);
    let after = session.wait_for("after-retro");
    assert!(!after.contains("200~"), "bracketed paste was left on:\n{after}");

    let list = retro(&db, &["retros", "list", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&list).unwrap();
    assert_eq!(json["retros"][0]["finished"], false, "{list}");
    assert_eq!(json["retros"][0]["stage"], "close", "{list}");
}
