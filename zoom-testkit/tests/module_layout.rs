//! No module of the workspace imports, directly or through others, a module that imports it:
//! each crate's files stand on floors. Read from the sources, as text.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// A module's path inside its crate: `["auth", "cache"]` for `src/auth/cache.rs`.
type Module = Vec<String>;

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() && !path.ends_with("bin") {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

fn module_of(src: &Path, file: &Path) -> Module {
    let relative = file.strip_prefix(src).unwrap().with_extension("");
    let mut module: Module = relative
        .iter()
        .map(|part| part.to_string_lossy().into_owned())
        .collect();
    if matches!(
        module.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        module.pop();
    }
    module
}

/// The code of a file without comments and without its unit tests.
fn code(text: &str) -> String {
    let text = text
        .split("#[cfg(test)]\nmod tests")
        .next()
        .unwrap_or_default();
    text.lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The paths named after `crate::` or `super::` (groups `{a, b::c}` expanded one level).
fn named_paths(code: &str, module: &Module) -> Vec<Module> {
    let mut paths = Vec::new();
    for (prefix, base) in [
        ("crate::", Vec::new()),
        ("super::", module[..module.len().saturating_sub(1)].to_vec()),
    ] {
        for (at, _) in code.match_indices(prefix) {
            let before = code[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let rest = &code[at + prefix.len()..];
            let items: Vec<&str> = match rest.strip_prefix('{') {
                Some(group) => group
                    .split('}')
                    .next()
                    .unwrap_or_default()
                    .split(',')
                    .collect(),
                None => vec![rest],
            };
            for item in items {
                let segments = item
                    .trim()
                    .split("::")
                    .map(|s| s.split(|c: char| !(c.is_alphanumeric() || c == '_')).next())
                    .map(|s| s.unwrap_or_default().to_owned());
                let mut path = base.clone();
                path.extend(segments.take_while(|s| !s.is_empty()));
                paths.push(path);
            }
        }
    }
    paths
}

/// For each module, the other modules of its crate that it names (its own descendants, which
/// it declares and re-exports, excepted).
fn imports(src: &Path) -> BTreeMap<Module, BTreeSet<Module>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let modules: BTreeMap<Module, PathBuf> =
        files.into_iter().map(|f| (module_of(src, &f), f)).collect();
    let mut graph = BTreeMap::new();
    for (module, file) in &modules {
        let code = code(&fs::read_to_string(file).unwrap());
        let mut targets = BTreeSet::new();
        for path in named_paths(&code, module) {
            // The longest prefix of the path that is a module file.
            let target = (0..=path.len())
                .rev()
                .map(|n| path[..n].to_vec())
                .find(|prefix| modules.contains_key(prefix));
            if let Some(target) = target
                && &target != module
                && !target.starts_with(module)
            {
                targets.insert(target);
            }
        }
        graph.insert(module.clone(), targets);
    }
    graph
}

/// A circle through `start`, if there is one.
fn circle_from(graph: &BTreeMap<Module, BTreeSet<Module>>, start: &Module) -> Option<Vec<Module>> {
    let mut stack = vec![vec![start.clone()]];
    let mut seen = BTreeSet::new();
    while let Some(path) = stack.pop() {
        let last = path.last().unwrap();
        for next in graph.get(last).into_iter().flatten() {
            if next == start {
                return Some(path);
            }
            if seen.insert(next.clone()) {
                let mut longer = path.clone();
                longer.push(next.clone());
                stack.push(longer);
            }
        }
    }
    None
}

#[test]
fn no_module_imports_in_a_circle() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut circles = Vec::new();
    let mut crates = 0;
    for entry in fs::read_dir(workspace).unwrap() {
        let src = entry.unwrap().path().join("src");
        // A library or a binary crate (the tool): both have modules that can import in a circle.
        if !src.join("lib.rs").exists() && !src.join("main.rs").exists() {
            continue;
        }
        crates += 1;
        let graph = imports(&src);
        for module in graph.keys() {
            if let Some(circle) = circle_from(&graph, module) {
                let names: Vec<String> = circle.iter().map(|m| m.join("::")).collect();
                circles.push(format!("{}: {}", src.display(), names.join(" -> ")));
            }
        }
    }
    assert!(crates >= 8, "found only {crates} crates");
    assert!(
        circles.is_empty(),
        "import circles:\n{}",
        circles.join("\n")
    );
}

#[test]
fn the_check_sees_a_circle() {
    let dir = std::env::temp_dir().join(format!("zoom-module-layout-{}", std::process::id()));
    fs::create_dir_all(dir.join("sim")).unwrap();
    fs::write(dir.join("lib.rs"), "mod sim;\n").unwrap();
    fs::write(dir.join("sim/mod.rs"), "mod a;\nmod b;\npub use a::A;\n").unwrap();
    fs::write(dir.join("sim/a.rs"), "use super::b::B; // a -> b\n").unwrap();
    fs::write(dir.join("sim/b.rs"), "use super::{a::A, mod_doc};\n").unwrap();
    let graph = imports(&dir);
    fs::remove_dir_all(&dir).unwrap();
    let a = vec!["sim".to_owned(), "a".to_owned()];
    assert!(circle_from(&graph, &a).is_some(), "{graph:?}");
    assert!(circle_from(&graph, &vec!["sim".to_owned()]).is_none());
}

/// The tool is a binary crate: its root is `main.rs`, and its modules name each other through
/// `crate::` (the circle `args` <-> `join_token` once went unseen because only `lib.rs` crates
/// were read).
#[test]
fn the_check_sees_a_circle_in_a_binary_crate() {
    let dir = std::env::temp_dir().join(format!("zoom-module-layout-bin-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("main.rs"),
        "mod args;\nmod join_token;\nfn main() {}\n",
    )
    .unwrap();
    fs::write(
        dir.join("args.rs"),
        "use crate::join_token::JoinTokenArgs;\n",
    )
    .unwrap();
    fs::write(
        dir.join("join_token.rs"),
        "use crate::args::{Action, TargetArgs};\n",
    )
    .unwrap();
    let graph = imports(&dir);
    fs::remove_dir_all(&dir).unwrap();
    assert!(
        circle_from(&graph, &vec!["args".to_owned()]).is_some(),
        "{graph:?}"
    );
    assert!(circle_from(&graph, &Vec::new()).is_none(), "{graph:?}");
}
