//! `retro import git` into a fresh store file, as the command does it: run git, derive,
//! load, commit. Two repositories, written once with `git fast-import` and cached under
//! target/bench-data/:
//!
//! - 50,000 commits and 1,000 release tags: blocks of 10 commits, 8 on a topic branch, one
//!   straight on main and a merge of the topic into main (45,000 changes, 5,000 merges); an
//!   annotated tag every 5 blocks, one in 20 of them a hotfix; a commit every 20 minutes.
//! - the Linux kernel's size, 1,000,000 commits and 1,000 release tags over 18 years
//!   (`common::kernel_history` describes its shape). Besides criterion's timings, the
//!   peak memory of the release binary importing it is printed, measured with
//!   `/usr/bin/time -f %M` as `benches/import.rs` does.

mod common;

use common::kernel_history;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use retro::domain::UtcOffset;
use retro::import::git::{DeploySource, GitOptions, import_repository};
use retro::store::Store;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

const BLOCKS: usize = 5_000;
const COMMITS: usize = BLOCKS * 10;

/// The bare repository `name` under target/bench-data/, written by `write` through
/// `git fast-import` on first use.
fn repository(name: &str, write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> PathBuf {
    let path = common::data_dir().join(name);
    if path.exists() {
        return path;
    }
    let partial = path.with_extension("partial");
    let _ = std::fs::remove_dir_all(&partial);
    let status = Command::new("git")
        .args(["init", "-q", "--bare"])
        .arg(&partial)
        .status()
        .expect("git is needed for this benchmark");
    assert!(status.success());
    let mut child = Command::new("git")
        .arg("-C")
        .arg(&partial)
        .args(["fast-import", "--quiet"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    write(&mut std::io::BufWriter::new(child.stdin.take().unwrap())).unwrap();
    assert!(child.wait().unwrap().success());
    std::fs::rename(&partial, &path).unwrap();
    path
}

fn small_repository() -> PathBuf {
    repository("git-50k-commits-v1.git", |w| write_history(w))
}

fn kernel_repository() -> PathBuf {
    repository("git-1m-commits-v1.git", |w| kernel_history::write_history(w, common::now() - 18 * common::YEAR))
}

fn write_history(w: &mut dyn Write) -> std::io::Result<()> {
    let start = common::now() - 2 * common::YEAR;
    let mut mark = 0;
    let mut t = start;
    let mut main_tip = 0;
    let data = |w: &mut dyn Write, text: &str| -> std::io::Result<()> { write!(w, "data {}\n{text}\n", text.len()) };
    for block in 0..BLOCKS {
        // Eight commits on a topic branch that starts at main's tip.
        let mut files = Vec::new();
        for k in 0..8 {
            mark += 1;
            t += 1200;
            writeln!(w, "commit refs/heads/topic\nmark :{mark}\ncommitter Bench <bench@example.invalid> {t} +0000")?;
            data(w, &format!("Change {block}.{k}"))?;
            if k == 0 && main_tip > 0 {
                writeln!(w, "from :{main_tip}")?;
            }
            let file = format!("src/m{}/f{}.txt", block % 97, (block * 8 + k) % 1009);
            let content = format!("{block} {k}");
            writeln!(w, "M 644 inline {file}")?;
            data(w, &content)?;
            files.push((file, content));
        }
        let topic_tip = mark;
        // One commit straight on main.
        mark += 1;
        t += 1200;
        writeln!(w, "commit refs/heads/main\nmark :{mark}\ncommitter Bench <bench@example.invalid> {t} +0000")?;
        data(w, &format!("Tidy {block}"))?;
        if main_tip > 0 {
            writeln!(w, "from :{main_tip}")?;
        }
        writeln!(w, "M 644 inline docs/notes{}.md", block % 13)?;
        data(w, &format!("notes {block}"))?;
        // The merge, carrying the topic's files into main.
        let straight = mark;
        mark += 1;
        t += 1200;
        writeln!(w, "commit refs/heads/main\nmark :{mark}\ncommitter Bench <bench@example.invalid> {t} +0000")?;
        data(w, &format!("Merge branch 'topic-{block}'"))?;
        writeln!(w, "from :{straight}\nmerge :{topic_tip}")?;
        for (file, content) in &files {
            writeln!(w, "M 644 inline {file}")?;
            data(w, content)?;
        }
        main_tip = mark;
        if block % 5 == 4 {
            let n = block / 5;
            let message = if n % 20 == 19 { format!("Hotfix release {n}") } else { format!("Release {n}") };
            writeln!(w, "tag v1.{n}\nfrom :{main_tip}\ntagger Bench <bench@example.invalid> {} +0000", t + 1800)?;
            data(w, &message)?;
        }
    }
    assert_eq!(mark, COMMITS);
    w.flush()
}

fn fresh_store() -> (tempfile::NamedTempFile, Store, retro::domain::Team) {
    let db = tempfile::NamedTempFile::new_in(common::data_dir()).unwrap();
    let mut store = Store::open(db.path()).unwrap();
    let team = store.add_team("bench", UtcOffset::UTC).unwrap();
    (db, store, team)
}

fn import(repo: &Path, deployments: DeploySource, min_changes: usize) -> impl FnMut(&mut criterion::Bencher<'_>) {
    let repo = repo.to_path_buf();
    move |b| {
        let options = GitOptions { deployments: deployments.clone(), ..Default::default() };
        b.iter_with_setup(fresh_store, |(db, mut store, team)| {
            let s = import_repository(&mut store, &team, &repo, &options).unwrap();
            assert!(s.changes >= min_changes, "{s:?}");
            drop(store);
            drop(db);
        })
    }
}

fn second_import(repo: &Path) -> impl FnMut(&mut criterion::Bencher<'_>) {
    let repo = repo.to_path_buf();
    move |b| {
        let (_db, mut store, team) = fresh_store();
        let options = GitOptions::default();
        import_repository(&mut store, &team, &repo, &options).unwrap();
        b.iter(|| {
            let s = import_repository(&mut store, &team, &repo, &options).unwrap();
            assert_eq!(s.change_report.inserted, 0);
        })
    }
}

fn git_import(c: &mut Criterion) {
    let repo = small_repository();
    let mut group = c.benchmark_group("git_import");
    group.sample_size(10).measurement_time(Duration::from_secs(30)).throughput(Throughput::Elements(COMMITS as u64));
    group.bench_function("tags_50000_commits_1000_tags_first_import", import(&repo, DeploySource::default(), 40_000));
    group.bench_function(
        "branch_50000_commits_5000_merges_first_import",
        import(&repo, DeploySource::Branch("main".into()), 40_000),
    );
    group.bench_function("tags_50000_commits_second_import", second_import(&repo));
    group.finish();
}

/// The kernel-sized repository: criterion's minimum of 10 samples, each a fresh store.
fn git_import_kernel_size(c: &mut Criterion) {
    let repo = kernel_repository();
    let commits = kernel_history::COMMITS as u64;
    let mut group = c.benchmark_group("git_import");
    group.sample_size(10).measurement_time(Duration::from_secs(60)).throughput(Throughput::Elements(commits));
    group
        .bench_function("tags_1000000_commits_1000_tags_first_import", import(&repo, DeploySource::default(), 800_000));
    group.bench_function("tags_1000000_commits_second_import", second_import(&repo));
    group.finish();
}

/// Peak memory of `retro import git` of the kernel-sized repository into a fresh store,
/// then of importing it again: the release binary run under `/usr/bin/time -f %M` (the
/// peak resident set, in KiB). Printed, not timed by criterion. Skipped without
/// `/usr/bin/time`.
fn git_import_peak_memory(_: &mut Criterion) {
    if !Path::new("/usr/bin/time").exists() {
        println!("git import peak memory: skipped, /usr/bin/time is missing");
        return;
    }
    let repo = kernel_repository();
    let dir = tempfile::tempdir_in(common::data_dir()).unwrap();
    let db = dir.path().join("peak.db");
    let run = |args: &[&str]| common::peak_memory(&db, dir.path(), args);
    run(&["teams", "add", "bench"]);
    let repo = repo.to_str().unwrap();
    let (first_mb, first) = run(&["import", "git", repo, "--team", "bench"]);
    let (second_mb, second) = run(&["import", "git", repo, "--team", "bench"]);
    println!(
        "git import peak memory: 1,000,000 commits, 1,000 tags: first import {first_mb} MB in {:.1} s, \
         second import {second_mb} MB in {:.1} s",
        first.as_secs_f64(),
        second.as_secs_f64()
    );
}

criterion_group!(benches, git_import, git_import_kernel_size, git_import_peak_memory);
criterion_main!(benches);
