//! A repository of the Linux kernel's size, written with `git fast-import`: 1,000,000
//! commits and 1,000 annotated release tags over 18 years.
//!
//! Its shape, seeded so every run writes the same history: each release cycle is 1,000
//! commits on `main`, mostly topic branches of 1 to 16 commits merged in (some forked
//! from the previous release, some merging `main` back in before they land), the rest
//! straight on `main`, one in 500 of those empty. Files live under eight services'
//! folders. A commit every 9.5 minutes on average; the tag follows its cycle's last
//! commit by a few hours, one release in 20 a hotfix, a few commit subjects reverts.

use std::collections::BTreeMap;
use std::io::Write;

pub const COMMITS: usize = 1_000_000;
pub const TAGS: usize = 1_000;
const CYCLE: usize = COMMITS / TAGS;
const SERVICES: [&str; 8] = ["api", "web", "worker", "billing", "auth", "search", "gateway", "notify"];
const VERBS: [&str; 8] = ["add", "fix", "refactor", "speed up", "document", "test", "remove", "rename"];

struct Writer<'w> {
    w: &'w mut dyn Write,
    rng: fastrand::Rng,
    mark: usize,
    t: i64,
}

impl Writer<'_> {
    fn data(&mut self, text: &str) -> std::io::Result<()> {
        write!(self.w, "data {}\n{text}\n", text.len())
    }

    /// Starts a commit on `branch` with a subject; the caller adds `from`, `merge` and files.
    fn commit(&mut self, branch: &str, subject: &str) -> std::io::Result<usize> {
        self.mark += 1;
        self.t += self.rng.i64(60..1075);
        writeln!(self.w, "commit refs/heads/{branch}\nmark :{}", self.mark)?;
        writeln!(self.w, "committer Bench <bench@example.invalid> {} +0000", self.t)?;
        self.data(subject)?;
        Ok(self.mark)
    }

    fn file(&mut self) -> String {
        let service = SERVICES[self.rng.usize(..SERVICES.len())];
        format!("services/{service}/src/m{}/f{}.rs", self.rng.usize(..40), self.rng.usize(..100))
    }

    fn subject(&mut self, path: &str) -> String {
        let service = path.split('/').nth(1).unwrap_or("core");
        let verb = VERBS[self.rng.usize(..VERBS.len())];
        if self.rng.usize(..200) == 0 {
            format!("Revert \"{service}: {verb} handler {}\"", self.mark)
        } else {
            format!("{service}: {verb} handler {}", self.mark)
        }
    }

    fn modify(&mut self, path: &str, content: &str) -> std::io::Result<()> {
        writeln!(self.w, "M 644 inline {path}")?;
        self.data(content)
    }
}

pub fn write_history(w: &mut dyn Write, start: i64) -> std::io::Result<()> {
    let mut g = Writer { w, rng: fastrand::Rng::with_seed(13), mark: 0, t: start };
    let mut main_tip = 0;
    let mut last_release = 0;
    for cycle in 0..TAGS {
        let end = (cycle + 1) * CYCLE;
        while g.mark < end {
            let room = end - g.mark;
            if main_tip == 0 || room < 3 || g.rng.usize(..4) == 0 {
                // Straight on main; one in 500 changes no file.
                let path = g.file();
                let subject = g.subject(&path);
                let parent = main_tip;
                main_tip = g.commit("main", &subject)?;
                if parent > 0 {
                    writeln!(g.w, "from :{parent}")?;
                }
                if g.rng.usize(..500) != 0 {
                    g.modify(&path, &format!("{main_tip}"))?;
                }
                continue;
            }
            // A topic branch, forked from main's tip or (one in five) from the last
            // release, merged back with its files.
            let base = if last_release > 0 && g.rng.usize(..5) == 0 { last_release } else { main_tip };
            let len = g.rng.usize(1..=16).min(room - 1);
            let back_merge = len >= 4 && g.rng.usize(..10) == 0;
            let mut files = BTreeMap::new();
            let mut tip = 0;
            for k in 0..len {
                if back_merge && k == len / 2 {
                    // Merges main in; its tree stays the topic's.
                    tip = g.commit("topic", "Merge branch 'main' into topic")?;
                    writeln!(g.w, "from :{}\nmerge :{main_tip}", tip - 1)?;
                    continue;
                }
                let path = g.file();
                let subject = g.subject(&path);
                tip = g.commit("topic", &subject)?;
                let parent = if k == 0 { base } else { tip - 1 };
                writeln!(g.w, "from :{parent}")?;
                let content = format!("{tip}");
                g.modify(&path, &content)?;
                files.insert(path, content);
            }
            let merge = g.commit("main", &format!("Merge branch 'topic-{tip}'"))?;
            writeln!(g.w, "from :{main_tip}\nmerge :{tip}")?;
            for (path, content) in &files {
                g.modify(path, content)?;
            }
            main_tip = merge;
        }
        let message = if cycle % 20 == 19 { format!("Hotfix release {cycle}") } else { format!("Release {cycle}") };
        let tagged = g.t + g.rng.i64(3_600..21_600);
        writeln!(g.w, "tag v3.{cycle}\nfrom :{main_tip}\ntagger Bench <bench@example.invalid> {tagged} +0000")?;
        g.data(&message)?;
        last_release = main_tip;
    }
    assert_eq!(g.mark, COMMITS);
    g.w.flush()
}
