//! `retro completions` and `retro man`: generated from the command line's definitions,
//! so every command is in them.

use assert_cmd::Command;
use std::path::Path;

/// The subcommands a user types.
const SUBCOMMANDS: &[&str] =
    &["teams", "import", "metrics", "signals", "start", "retros", "export", "actions", "demo", "completions", "man"];

fn retro() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_retro"));
    cmd.env_remove("RETRO_DB").env_remove("RETRO_TEAM");
    cmd
}

fn stdout(args: &[&str]) -> String {
    let out = retro().args(args).assert().success().stderr("").get_output().stdout.clone();
    String::from_utf8(out).unwrap()
}

#[test]
fn completions_for_each_shell_name_every_subcommand() {
    let markers = [("bash", "complete -F _retro"), ("zsh", "#compdef retro"), ("fish", "complete -c retro")];
    for (shell, marker) in markers {
        let script = stdout(&["completions", shell]);
        assert!(script.contains(marker), "{shell}: no {marker:?}");
        for sub in SUBCOMMANDS {
            assert!(script.contains(sub), "{shell}: {sub} is missing");
        }
        // `generate` is hidden: for tests and benchmarks, never offered.
        assert!(!script.contains("generate"), "{shell}: offers the hidden generate");
        // Nested subcommands and flags too.
        for word in ["update", "format", "utc-offset"] {
            assert!(script.contains(word), "{shell}: {word} is missing");
        }
    }
}

#[test]
fn the_bash_script_completes_subcommands_when_sourced() {
    if !Path::new("/bin/bash").exists() {
        return; // Checked by the test above in text; here bash itself reads it.
    }
    let script = stdout(&["completions", "bash"]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("retro.bash");
    std::fs::write(&path, script).unwrap();
    // What bash offers after `retro met<TAB>`.
    let probe = format!(
        "source {}; COMP_WORDS=(retro met); COMP_CWORD=1; _retro retro met retro; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        path.display()
    );
    let out = std::process::Command::new("/bin/bash").args(["-c", &probe]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "metrics\n");
}

#[test]
fn an_unknown_shell_is_refused() {
    retro().args(["completions", "tcsh"]).assert().failure().stderr(predicates::str::contains("invalid value 'tcsh'"));
}

#[test]
fn the_man_page_names_the_program_and_its_commands() {
    let page = stdout(&["man"]);
    assert!(page.contains(".TH retro 1"), "{page}");
    assert!(page.contains("retro \\- Blameless, metrics\\-driven retrospectives in the terminal"), "{page}");
    for sub in SUBCOMMANDS {
        assert!(page.contains(sub), "{sub} is missing");
    }
    // Rendered as a reader sees it, where a formatter is installed.
    let Some(nroff) = ["/usr/bin/nroff", "/bin/nroff"].into_iter().find(|p| Path::new(p).exists()) else {
        return;
    };
    let mut child = std::process::Command::new(nroff)
        .args(["-man"])
        .env("GROFF_NO_SGR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), page.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    // nroff overstrikes bold text ("r\bre\be..."): drop the overstrikes to read it.
    let plain = strip_overstrike(&String::from_utf8_lossy(&out.stdout));
    assert!(plain.contains("retro - Blameless, metrics-driven retrospectives in the terminal"), "{plain}");
    assert!(plain.contains("import"), "{plain}");
    assert!(plain.contains("SUBCOMMANDS"), "{plain}");
}

/// Text with nroff's `c\bc` (bold) and `_\bc` (underline) overstrikes reduced to `c`.
fn strip_overstrike(text: &str) -> String {
    let mut out: Vec<char> = Vec::new();
    for c in text.chars() {
        if c == '\u{8}' {
            out.pop();
            continue;
        }
        out.push(c);
    }
    out.into_iter().collect()
}

#[test]
fn man_out_writes_a_page_per_command() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("man");
    let out = stdout(&["man", "--out", folder.to_str().unwrap()]);
    assert!(out.starts_with("Wrote retro.1 and a page for each command into"), "{out}");
    for page in ["retro.1", "retro-import.1", "retro-actions-update.1", "retro-completions.1"] {
        let text = std::fs::read_to_string(folder.join(page)).unwrap_or_else(|e| panic!("{page}: {e}"));
        assert!(text.starts_with(".ie") && text.contains(".TH"), "{page}");
    }
    assert!(!folder.join("retro-generate.1").exists(), "the hidden command has no page");
}

#[test]
fn neither_needs_a_store() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nowhere/retro.db");
    for args in [&["completions", "zsh"][..], &["man"]] {
        retro().arg("--db").arg(&missing).args(args).assert().success();
    }
    assert!(!dir.path().join("nowhere").exists(), "a store was started");
}
