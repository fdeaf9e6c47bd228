//! Every normative reference the app shows comes from the one table, `src/proto/cite.rs`
//! (ARCHITECTURE.md "Invariants"): no string in `src/` writes "RFC … §…" by hand, every entry
//! of the table is used, and each entry is well formed (its name is its document and section,
//! its title is written). Test code may write citations (it checks what the app prints).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

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

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("src/").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// A string literal of a source file, with the line it starts on.
struct Literal {
    line: usize,
    text: String,
}

/// Splits Rust source into code (comments and literals blanked) and its string literals.
fn scan(src: &str) -> (String, Vec<Literal>) {
    let b = src.as_bytes();
    let mut code = String::with_capacity(src.len());
    let mut literals = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if b[i] == b'\n' {
                        line += 1;
                        code.push('\n');
                    }
                    i += 1;
                }
            }
        } else if c == b'r'
            && matches!(b.get(i + 1), Some(b'"') | Some(b'#'))
            && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'))
        {
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&b'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&b'"') {
                code.push('r');
                i += 1;
                continue;
            }
            let start_line = line;
            let start = j + 1;
            j = start;
            let closing: Vec<u8> = std::iter::once(b'"')
                .chain(std::iter::repeat_n(b'#', hashes))
                .collect();
            while j < b.len() && !b[j..].starts_with(&closing) {
                if b[j] == b'\n' {
                    line += 1;
                    code.push('\n');
                }
                j += 1;
            }
            literals.push(Literal {
                line: start_line,
                text: String::from_utf8_lossy(&b[start..j.min(b.len())]).into_owned(),
            });
            code.push_str("\"\"");
            i = j + closing.len();
        } else if c == b'"' {
            let start_line = line;
            let mut text = Vec::new();
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' {
                    // A line continuation (`\` then newline and indentation) joins lines.
                    if b.get(i + 1) == Some(&b'\n') {
                        line += 1;
                        code.push('\n');
                        i += 2;
                        while i < b.len() && b[i].is_ascii_whitespace() {
                            if b[i] == b'\n' {
                                line += 1;
                                code.push('\n');
                            }
                            i += 1;
                        }
                        continue;
                    }
                    text.push(b[i]);
                    i += 1;
                } else if b[i] == b'\n' {
                    line += 1;
                    code.push('\n');
                }
                if i < b.len() {
                    text.push(b[i]);
                }
                i += 1;
            }
            i += 1;
            literals.push(Literal {
                line: start_line,
                text: String::from_utf8_lossy(&text).into_owned(),
            });
            code.push_str("\"\"");
        } else if c == b'\'' {
            let rest = &b[i + 1..];
            let end = if rest.first() == Some(&b'\\') {
                rest.iter().skip(1).position(|&c| c == b'\'').map(|p| p + 2)
            } else {
                // One char of up to 4 UTF-8 bytes, then the closing quote.
                (1..=4).find(|&n| rest.get(n) == Some(&b'\''))
            };
            match end {
                Some(e) if e <= 12 => {
                    code.push_str("' '");
                    i += e + 2;
                }
                _ => {
                    code.push('\'');
                    i += 1;
                }
            }
        } else {
            if c == b'\n' {
                line += 1;
            }
            let len = match c {
                0x00..=0x7f => 1,
                0xc0..=0xdf => 2,
                0xe0..=0xef => 3,
                _ => 4,
            };
            code.push_str(std::str::from_utf8(&b[i..(i + len).min(b.len())]).unwrap_or(" "));
            i += len;
        }
    }
    (code, literals)
}

/// The line ranges of `#[cfg(test)]` items (test modules), which may write citations.
fn test_line_ranges(code: &str) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut search = 0;
    while let Some(pos) = code[search..].find("#[cfg(test)]") {
        let at = search + pos;
        let Some(open) = code[at..].find('{').map(|o| at + o) else {
            break;
        };
        // Only a braced item right after the attribute (`mod tests {`, `fn … {`).
        let mut depth = 0;
        let mut end = code.len();
        for (k, ch) in code[open..].char_indices() {
            match ch {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + k;
                        break;
                    }
                }
                _ => {}
            }
        }
        let line_of = |offset: usize| code[..offset].matches('\n').count() + 1;
        ranges.push((line_of(at), line_of(end)));
        search = end.max(at + 1);
    }
    ranges
}

/// Whether a text cites a section by hand: `§`, or `RFC 1234 section`.
fn cites_by_hand(text: &str) -> bool {
    text.contains('§') || text.to_ascii_lowercase().contains(" section ") && text.contains("RFC ")
}

struct Scanned {
    rel: String,
    code: String,
    literals: Vec<Literal>,
    tests: Vec<(usize, usize)>,
}

fn sources() -> Vec<Scanned> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut paths = Vec::new();
    rust_files(&src, &mut paths);
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(&src)
                .unwrap_or(&p)
                .to_string_lossy()
                .replace('\\', "/");
            let (code, literals) = scan(&fs::read_to_string(&p).unwrap_or_default());
            let tests = test_line_ranges(&code);
            Scanned {
                rel,
                code,
                literals,
                tests,
            }
        })
        .collect()
}

#[test]
fn no_string_in_src_cites_by_hand() {
    let mut found = Vec::new();
    for f in sources() {
        if f.rel == "proto/cite.rs" || f.rel.ends_with("/tests.rs") {
            continue;
        }
        for lit in &f.literals {
            let in_test = f.tests.iter().any(|&(a, b)| (a..=b).contains(&lit.line));
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
