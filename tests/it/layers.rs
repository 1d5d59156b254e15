//! The crate's layers, as `src/lib.rs` maps them: each top-level module uses only the
//! modules of lower layers. A use of a higher layer (or of a module in the same layer)
//! is a circle waiting to happen, and fails here.

use std::collections::BTreeSet;
use std::path::Path;

/// Top-level modules by layer, lowest first, as `src/lib.rs` lists them.
const LAYERS: &[&[&str]] = &[
    &["text"],
    &["domain"],
    &["store"],
    &["import", "synth", "metrics"],
    &["query"],
    &["retro"],
    &["export", "report"],
    &["tui"],
    &["demo"],
    &["cli"],
    &["commands"],
];

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// The top-level modules `code` names through `crate::`, comments left out.
fn used_modules(code: &str) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    for line in code.lines() {
        let line = line.split("//").next().unwrap_or_default();
        for (i, _) in line.match_indices("crate::") {
            let rest = &line[i + "crate::".len()..];
            let names: Vec<&str> = match rest.strip_prefix('{') {
                // `use crate::{a::X, b};`: the first segment of each item.
                Some(group) => group.split('}').next().unwrap_or_default().split(',').collect(),
                None => vec![rest],
            };
            for name in names {
                let name: String = name.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                if !name.is_empty() {
                    used.insert(name);
                }
            }
        }
    }
    used
}

/// Every use of a module that is not in a lower layer, as `user -> used (file)`.
fn violations(files: &[(String, String, String)]) -> Vec<String> {
    let mut found = Vec::new();
    for (module, file, code) in files {
        let Some(own) = layer(module) else {
            found.push(format!("{module} ({file}) is in no layer: add it to LAYERS and src/lib.rs"));
            continue;
        };
        for used in used_modules(code) {
            if &used == module {
                continue;
            }
            match layer(&used) {
                Some(l) if l < own => {}
                _ => found.push(format!("{module} -> {used} ({file})")),
            }
        }
    }
    found
}

/// `(top-level module, path, code)` for every file under `src/` but the crate roots.
fn sources() -> Vec<(String, String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(&src).unwrap();
            let first = rel.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
            let module = first.trim_end_matches(".rs").to_owned();
            if module == "lib" || module == "main" {
                continue;
            }
            files.push((module, rel.display().to_string(), std::fs::read_to_string(&path).unwrap()));
        }
    }
    files
}

#[test]
fn each_module_uses_only_lower_layers() {
    let files = sources();
    assert!(files.iter().any(|(m, _, _)| m == "query"), "found the sources");
    let found = violations(&files);
    assert!(found.is_empty(), "uses of a higher or equal layer:\n{}", found.join("\n"));
}

#[test]
fn the_check_sees_uses_in_every_form() {
    let file = |module: &str, code: &str| (module.to_owned(), format!("{module}.rs"), code.to_owned());
    let files = [
        file("metrics", "use crate::domain::Period;\nuse crate::{text, query::MetricTable};"),
        file("store", "fn f() { crate::retro::session::open(); } // crate::tui in a comment is fine"),
        file("export", "/// [`crate::tui`] in a doc comment is fine\nuse crate::report::x;"),
        file("nowhere", ""),
    ];
    assert_eq!(
        violations(&files),
        [
            "metrics -> query (metrics.rs)",
            "store -> retro (store.rs)",
            "export -> report (export.rs)",
            "nowhere (nowhere.rs) is in no layer: add it to LAYERS and src/lib.rs",
        ]
    );
}
