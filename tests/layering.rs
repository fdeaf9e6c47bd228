//! The layering of `src/`, kept true by a source scan (as rust-analyzer's tidy tests do), so
//! that nobody has to remember it (ARCHITECTURE.md "Invariants"):
//!
//! ```text
//! proto <- trace <- reassembly, dissect, diagram, analysis (pure) <- capture, lab (I/O) <- ui, report, export <- cli
//! ```
//!
//! A module may use modules of its own layer or below, never one above, and the modules'
//! import graph has no cycle. Pure code (the pure layers, `capture::packet`, `lab::merge`) uses
//! no tokio, egui, eframe, pcap, network crate or clock.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail

mod support;

use std::collections::{BTreeMap, BTreeSet};

use support::source::{SourceFile, sources, without_test_items};

/// The top-level modules of `src/` and their layer: a module may import only modules whose
/// layer is at most its own.
const LAYERS: &[(&str, u8)] = &[
    ("proto", 0),
    ("lang", 0),
    ("trace", 1),
    ("reassembly", 2),
    ("dissect", 2),
    ("diagram", 2),
    ("analysis", 2),
    ("lesson", 2),
    ("capture", 3),
    ("lab", 3),
    ("ui", 4),
    ("report", 4),
    ("export", 4),
    ("cli", 5),
];

/// Layers up to this one are pure.
const PURE_LAYER: u8 = 2;

/// Files of the I/O layers that are pure all the same.
const PURE_FILES: &[&str] = &["capture/packet.rs", "lab/merge.rs"];

/// What pure code must not name: runtimes, GUI, libpcap, network stacks, and the clock (time is
/// passed in by the caller, so the same input always gives the same trace).
const IMPURE: &[&str] = &[
    "tokio::",
    "tokio_tungstenite::",
    "tungstenite::",
    "yawc::",
    "hyper::",
    "hyper_util::",
    "axum::",
    "egui::",
    "eframe::",
    "egui_kittest::",
    "pcap::",
    "std::net::TcpStream",
    "std::net::TcpListener",
    "Instant::now",
    "SystemTime::now",
    "Utc::now",
    "Local::now",
    "std::thread::sleep",
];

fn layer_of(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|&(_, l)| l)
}

/// The top-level modules a source names as `crate::m` (or `wirelab::m`).
fn crate_modules_used(code: &str) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    for prefix in ["crate::", "wirelab::"] {
        let mut rest = code;
        while let Some(pos) = rest.find(prefix) {
            let before = rest[..pos].chars().next_back();
            rest = &rest[pos + prefix.len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                used.insert(name);
            }
        }
        // `use crate::{a, b::c}`.
        let mut rest = code;
        while let Some(pos) = rest.find(&format!("{prefix}{{")) {
            rest = &rest[pos + prefix.len() + 1..];
            let mut depth = 1;
            let mut at_item_start = true;
            let mut name = String::new();
            for c in rest.chars() {
                match c {
                    '{' => {
                        depth += 1;
                        at_item_start = false;
                    }
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    ',' if depth == 1 => at_item_start = true,
                    c if at_item_start && depth == 1 && (c.is_ascii_alphanumeric() || c == '_') => {
                        name.push(c)
                    }
                    _ => {
                        if !name.is_empty() {
                            used.insert(std::mem::take(&mut name));
                        }
                        if !c.is_whitespace() {
                            at_item_start = false;
                        }
                    }
                }
            }
            if !name.is_empty() {
                used.insert(name);
            }
        }
    }
    used
}

/// The impure names a source uses, as `tokio::` or `use tokio;`.
fn impure_names_used(code: &str) -> Vec<&'static str> {
    IMPURE
        .iter()
        .copied()
        .filter(|name| {
            code.match_indices(name).any(|(pos, _)| {
                let before = code[..pos].chars().next_back();
                !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
            })
        })
        .collect()
}

/// The top-level module a file belongs to (`None` for `lib.rs` and `main.rs`).
fn module_of(rel: &str) -> Option<String> {
    let first = rel.split('/').next()?;
    if rel.contains('/') {
        Some(first.to_string())
    } else {
        let stem = first.strip_suffix(".rs")?;
        (stem != "lib" && stem != "main").then(|| stem.to_string())
    }
}

fn is_pure(rel: &str) -> bool {
    PURE_FILES.contains(&rel)
        || module_of(rel)
            .and_then(|m| layer_of(&m))
            .is_some_and(|l| l <= PURE_LAYER)
}

/// Every breach of the layering in `files`, one line each.
fn breaches(files: &[SourceFile]) -> Vec<String> {
    let mut found = Vec::new();
    for f in files {
        let Some(module) = module_of(&f.rel) else {
            continue;
        };
        let Some(layer) = layer_of(&module) else {
            found.push(format!(
                "src/{}: top-level module `{module}` has no layer in tests/layering.rs LAYERS (add it, and to ARCHITECTURE.md)",
                f.rel
            ));
            continue;
        };
        for used in crate_modules_used(&f.code) {
            if used == module {
                continue;
            }
            match layer_of(&used) {
                Some(l) if l > layer => found.push(format!(
                    "src/{}: `{module}` (layer {layer}) uses `crate::{used}` (layer {l}), which is above it",
                    f.rel
                )),
                _ => {}
            }
        }
        // Test modules (`#[cfg(test)]`, and the `tests.rs` files they include) may use a
        // clock; what ships may not.
        if is_pure(&f.rel) && !f.rel.ends_with("/tests.rs") {
            for name in impure_names_used(&without_test_items(&f.code)) {
                found.push(format!("src/{}: pure code uses `{name}`", f.rel));
            }
        }
    }
    found
}

/// The module import graph: top-level module -> modules it uses.
fn module_graph(files: &[SourceFile]) -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in files {
        let Some(module) = module_of(&f.rel) else {
            continue;
        };
        let uses = graph.entry(module.clone()).or_default();
        for used in crate_modules_used(&f.code) {
            if used != module && layer_of(&used).is_some() {
                uses.insert(used);
            }
        }
    }
    graph
}

/// A cycle in the module graph, if there is one, as `a -> b -> a`.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<String> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<String> {
        if let Some(start) = path.iter().position(|p| p == node) {
            let mut cycle = path[start..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle.join(" -> "));
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        if let Some(c) = visit(node, graph, &mut Vec::new(), &mut done) {
            return Some(c);
        }
    }
    None
}

#[test]
fn no_module_imports_one_above_it_and_pure_code_stays_pure() {
    let files = sources();
    let found = breaches(&files);
    assert!(
        found.is_empty(),
        "the layering of src/ is broken (ARCHITECTURE.md \"Invariants\"):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_module_graph_has_no_cycle() {
    let graph = module_graph(&sources());
    assert_eq!(find_cycle(&graph), None, "module graph: {graph:?}");
}

/// The scan itself sees what it must: without this, a scanner that read nothing would pass.
#[test]
fn the_scan_sees_the_tree_and_its_known_imports() {
    let files = sources();
    let modules: BTreeSet<String> = files.iter().filter_map(|f| module_of(&f.rel)).collect();
    for (m, _) in LAYERS {
        assert!(modules.contains(*m), "no files found for module `{m}`");
    }
    let graph = module_graph(&files);
    assert!(graph["ui"].contains("trace"), "ui uses the trace");
    assert!(graph["dissect"].contains("proto"), "dissect uses proto");
    assert!(graph["cli"].contains("lab"), "cli uses the lab");
    let lab_uses_tokio = files
        .iter()
        .any(|f| f.rel.starts_with("lab/") && impure_names_used(&f.code).contains(&"tokio::"));
    assert!(lab_uses_tokio, "the lab uses tokio");
}

#[test]
fn a_pure_module_using_tokio_or_a_clock_is_caught() {
    let files = [
        SourceFile::new(
            "dissect/x.rs",
            "use tokio::net::TcpStream;\nfn f() { let t = std::time::Instant::now(); }",
        ),
        SourceFile::new(
            "capture/packet.rs",
            "fn f(c: pcap::Capture<pcap::Active>) {}",
        ),
        SourceFile::new(
            "diagram/rows.rs",
            "fn f() {}\n#[cfg(test)]\nmod tests {\n    fn t() { let _ = chrono::Utc::now(); }\n}\n",
        ),
        SourceFile::new("capture/live.rs", "fn f(c: pcap::Capture<pcap::Active>) {}"),
    ];
    let found = breaches(&files);
    assert_eq!(
        found,
        [
            "src/dissect/x.rs: pure code uses `tokio::`",
            "src/dissect/x.rs: pure code uses `Instant::now`",
            "src/capture/packet.rs: pure code uses `pcap::`",
        ]
    );
}

#[test]
fn an_import_up_the_layers_is_caught_and_comments_and_strings_are_not_imports() {
    let files = [
        SourceFile::new(
            "trace/builder.rs",
            "use crate::dissect::ConnectionDissector;\n",
        ),
        SourceFile::new(
            "proto/http.rs",
            "use crate::{trace::Event, proto::ws};\n// crate::ui::App\n/// tokio::spawn\nconst S: &str = \"crate::lab and tokio::\";\nconst R: &str = r#\"egui::\"#;\nfn f<'a>(c: char) -> bool { c == '\"' }\nfn g() -> &'static str { \"crate::cli\" }",
        ),
    ];
    let found = breaches(&files);
    assert_eq!(
        found,
        [
            "src/trace/builder.rs: `trace` (layer 1) uses `crate::dissect` (layer 2), which is above it",
            "src/proto/http.rs: `proto` (layer 0) uses `crate::trace` (layer 1), which is above it",
        ]
    );
}

#[test]
fn a_cycle_is_found() {
    let mut graph = BTreeMap::new();
    graph.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    graph.insert("b".to_string(), BTreeSet::from(["a".to_string()]));
    assert_eq!(find_cycle(&graph).as_deref(), Some("a -> b -> a"));
}
