//! Running the `git` command: every read of a repository goes through [`Git`].
//!
//! The formats asked of git name no person: no author, no committer, no tagger, no email.

use super::GitImportError;
use std::io::{BufRead, BufReader, Read, Write};
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
        self.stream(args, stdin, |out| {
            let mut bytes = Vec::new();
            out.read_to_end(&mut bytes).map_err(|e| GitImportError::Output(e.to_string()))?;
            Ok(bytes)
        })
    }

    /// Runs `git -C REPO ARGS`, feeding `stdin` if given, and hands what it prints to
    /// `read` as it comes: a history is read while git walks it, never held whole.
    /// What `read` returns counts only if git succeeds.
    pub fn stream<T>(
        &self,
        args: &[&str],
        stdin: Option<&[u8]>,
        read: impl FnOnce(&mut dyn BufRead) -> Result<T, GitImportError>,
    ) -> Result<T, GitImportError> {
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
        let failed = |e: std::io::Error| GitImportError::Git { command: describe(args), message: e.to_string() };
        let mut child = command.spawn().map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => GitImportError::GitMissing,
            _ => failed(e),
        })?;
        let (stdout, mut stderr_pipe) = (child.stdout.take(), child.stderr.take());
        let (read, stderr) = std::thread::scope(|scope| {
            // Fed and drained from other threads: git may fill one pipe before it has
            // read all of its input, or fill its error pipe while we read its output.
            if let (Some(bytes), Some(mut pipe)) = (stdin, child.stdin.take()) {
                scope.spawn(move || {
                    let _ = pipe.write_all(bytes);
                });
            }
            let stderr = scope.spawn(move || {
                let mut text = Vec::new();
                if let Some(pipe) = stderr_pipe.as_mut() {
                    let _ = pipe.read_to_end(&mut text);
                }
                text
            });
            let read = match stdout {
                Some(pipe) => {
                    let mut out = BufReader::with_capacity(1 << 16, pipe);
                    let result = read(&mut out);
                    // Whatever `read` left (it stopped on an error): drained, so git ends.
                    let _ = std::io::copy(&mut out, &mut std::io::sink());
                    result
                }
                None => Err(GitImportError::Output("no output pipe".into())),
            };
            (read, stderr.join().unwrap_or_default())
        });
        let status = child.wait().map_err(failed)?;
        if !status.success() {
            let stderr = String::from_utf8_lossy(&stderr);
            let message = stderr
                .lines()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .unwrap_or("failed without a message")
                .trim_start_matches("fatal: ")
                .to_owned();
            return Err(GitImportError::Git { command: describe(args), message });
        }
        read
    }
}

/// `git log --no-color`: the command without its format or `-c` settings, for messages.
fn describe(args: &[&str]) -> String {
    let mut words = vec!["git"];
    let mut args = args.iter().take_while(|a| !a.starts_with("--format"));
    while let Some(&arg) = args.next() {
        if arg == "-c" {
            args.next();
        } else {
            words.push(arg);
        }
    }
    words.join(" ")
}
