//! Every normative reference the app shows comes from the one table, `src/proto/cite.rs`
//! (ARCHITECTURE.md "Invariants"): no string in `src/` writes "RFC … §…" by hand, every entry
//! of the table is used, and each entry is well formed (its name is its document and section,
//! its title is written). Test code may write citations (it checks what the app prints).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail

mod support;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use support::source::{SourceFile, scan, sources, test_line_ranges};

/// An entry of the table: `pub const NAME: Cite = Cite::new("DOC", "SECTION", "TITLE");`.
#[derive(Debug)]
struct Entry {
    name: String,
    doc: String,
    section: String,
    title: String,
}

fn table_source() -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/proto/cite.rs"))
        .expect("src/proto/cite.rs")
}

/// The entries of the table, parsed from its source (rustfmt may wrap a `Cite::new` call).
fn entries() -> Vec<Entry> {
    let src = table_source();
    let mut out = Vec::new();
    let mut rest = src.as_str();
    while let Some(pos) = rest.find("pub const ") {
        rest = &rest[pos + "pub const ".len()..];
        let Some(colon) = rest.find(':') else { break };
        let name = rest[..colon].trim().to_string();
        let Some(end) = rest.find(");") else { break };
        let decl = &rest[..end];
        if !decl.contains("Cite::new(") {
            continue;
        }
        let args: Vec<String> = decl
            .split('"')
            .enumerate()
            .filter(|(i, _)| i % 2 == 1)
            .map(|(_, s)| s.to_string())
            .collect();
        assert_eq!(
            args.len(),
            3,
            "entry {name}: Cite::new(doc, section, title) with plain strings"
        );
        out.push(Entry {
            name,
            doc: args[0].clone(),
            section: args[1].clone(),
            title: args[2].clone(),
        });
    }
    out
}

/// Whether a text cites a section by hand: `§`, or `RFC 1234 section`.
fn cites_by_hand(text: &str) -> bool {
    text.contains('§') || text.to_ascii_lowercase().contains(" section ") && text.contains("RFC ")
}

/// A file of `src/` and the line ranges of its test items.
struct Scanned {
    file: SourceFile,
    tests: Vec<(usize, usize)>,
}

fn scanned() -> Vec<Scanned> {
    sources()
        .into_iter()
        .map(|file| Scanned {
            tests: test_line_ranges(&file.code),
            file,
        })
        .collect()
}

#[test]
fn no_string_in_src_cites_by_hand() {
    let mut found = Vec::new();
    for Scanned { file: f, tests } in scanned() {
        if f.rel == "proto/cite.rs" || f.rel.ends_with("/tests.rs") {
            continue;
        }
        for lit in &f.literals {
            let in_test = tests.iter().any(|&(a, b)| (a..=b).contains(&lit.line));
            if !in_test && cites_by_hand(&lit.text) {
                found.push(format!("src/{}:{}: {:?}", f.rel, lit.line, lit.text));
            }
        }
    }
    assert!(
        found.is_empty(),
        "{} strings cite a section by hand; name an entry of src/proto/cite.rs instead:\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn every_entry_is_used_and_well_formed() {
    let entries = entries();
    assert!(
        !entries.is_empty(),
        "no entries parsed from src/proto/cite.rs"
    );
    let mut seen = BTreeSet::new();
    for e in &entries {
        assert!(!e.title.trim().is_empty(), "{}: no title", e.name);
        assert!(
            seen.insert((e.doc.clone(), e.section.clone())),
            "{} {} §{} is in the table twice",
            e.name,
            e.doc,
            e.section
        );
        let expected = format!(
            "{}_{}",
            e.doc.replace([' ', '-'], "").to_uppercase(),
            e.section
        )
        .replace(['.', '-'], "_");
        assert_eq!(
            e.name, expected,
            "an entry's name is its document and section"
        );
    }
    let files = sources();
    let unused: Vec<&str> = entries
        .iter()
        .filter(|e| {
            !files.iter().any(|f| {
                f.rel != "proto/cite.rs"
                    && f.code.match_indices(e.name.as_str()).any(|(pos, _)| {
                        let after = f.code[pos + e.name.len()..].chars().next();
                        !after.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                    })
            })
        })
        .map(|e| e.name.as_str())
        .collect();
    assert!(unused.is_empty(), "entries nothing uses: {unused:?}");
}

#[test]
fn the_scanner_finds_hand_written_citations_and_skips_comments_and_tests() {
    let src = "// RFC 6455 §5.1 in a comment\nconst A: &str = \"see RFC 6455 §5.1\";\nconst B: &str = r#\"§ raw\"#;\nconst C: char = '§';\n#[cfg(test)]\nmod tests {\n    const D: &str = \"RFC 9110 §15\";\n}\nconst E: &str = \"a \\\n    continued §7\";\n";
    let (code, literals) = scan(src);
    let tests = test_line_ranges(&code);
    let flagged: Vec<usize> = literals
        .iter()
        .filter(|l| {
            cites_by_hand(&l.text) && !tests.iter().any(|&(a, b)| (a..=b).contains(&l.line))
        })
        .map(|l| l.line)
        .collect();
    assert_eq!(flagged, [2, 3, 9]);
    assert!(!code.contains("§ raw"));
}
