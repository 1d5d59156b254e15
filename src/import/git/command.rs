//! Running the `git` command: every read of a repository goes through [`Git`].
//!
//! The formats asked of git name no person: no author, no committer, no tagger, no email.

use super::GitImportError;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A local repository, read with the `git` program found on `PATH`.
pub(super) struct Git {
    repo: PathBuf,
}

impl Git {
    /// Checks that `repo` is a git repository (a work tree or a bare one).
    pub fn open(repo: &Path) -> Result<Self, GitImportError> {
        if !repo.is_dir() {
            return Err(GitImportError::NotARepository {
                path: repo.display().to_string(),
                message: "no such folder".into(),
            });
        }
        let git = Git { repo: repo.to_path_buf() };
        git.run(&["rev-parse", "--git-dir"], None).map_err(|e| match e {
            GitImportError::Git { message, .. } => {
                GitImportError::NotARepository { path: repo.display().to_string(), message }
            }
            e => e,
        })?;
        Ok(git)
    }

    /// Runs `git -C REPO ARGS`, feeding `stdin` if given, and returns what it printed.
    pub fn run(&self, args: &[&str], stdin: Option<&[u8]>) -> Result<Vec<u8>, GitImportError> {
        let mut command = Command::new("git");
        command
            .arg("-C")
            .arg(&self.repo)
            // Never page, prompt or print colours, whatever the user's configuration says.
            .args(["--no-pager", "-c", "color.ui=never", "-c", "log.showSignature=false"])
            .args(args)
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("GIT_OPTIONAL_LOCKS", "0")
            .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => GitImportError::GitMissing,
            _ => GitImportError::Git { command: describe(args), message: e.to_string() },
        })?;
        let output = std::thread::scope(|scope| {
            // Fed from a second thread: git may fill its output pipe before it has read
            // all of its input.
            if let (Some(bytes), Some(mut pipe)) = (stdin, child.stdin.take()) {
                scope.spawn(move || {
                    let _ = pipe.write_all(bytes);
                });
            }
            child.wait_with_output()
        })
        .map_err(|e| GitImportError::Git { command: describe(args), message: e.to_string() })?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let message = stderr
                .lines()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .unwrap_or("failed without a message")
                .trim_start_matches("fatal: ")
                .to_owned();
            return Err(GitImportError::Git { command: describe(args), message });
        }
        Ok(output.stdout)
    }
}

fn describe(args: &[&str]) -> String {
    let mut words = vec!["git"];
    words.extend(args.iter().take_while(|a| !a.starts_with("--format")));
    words.join(" ")
}
