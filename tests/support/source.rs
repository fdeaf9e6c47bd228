//! A scanner of this crate's own Rust sources, for the tests that check the code itself
//! (`layering`, `citations`): the files under `src/`, each split into its code (comments and
//! string literals blanked, so a comment or a message that mentions `tokio::` or `§` is not
//! taken for code) and its string literals, and the spans of its `#[cfg(test)]` items.
#![allow(dead_code)] // each test file uses the part it needs

use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// One file of `src/`, scanned.
pub struct SourceFile {
    /// Path below `src/`, with `/`.
    pub rel: String,
    /// The code, comments and literals blanked (line breaks kept).
    pub code: String,
    /// The string literals.
    pub literals: Vec<Literal>,
}

impl SourceFile {
    /// Scans `src`, a file at `rel` below `src/`.
    pub fn new(rel: &str, src: &str) -> SourceFile {
        let (code, literals) = scan(src);
        SourceFile {
            rel: rel.to_string(),
            code,
            literals,
        }
    }
}

/// Every `.rs` file under the crate's `src/`, scanned, in path order.
pub fn sources() -> Vec<SourceFile> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut paths = Vec::new();
    rust_files(&src, &mut paths);
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let rel = p
                .strip_prefix(&src)
                .unwrap_or(p)
                .to_string_lossy()
                .replace('\\', "/");
            SourceFile::new(&rel, &fs::read_to_string(p).unwrap_or_default())
        })
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// A string literal of a source file, with the line it starts on.
pub struct Literal {
    /// The line it starts on (1-based).
    pub line: usize,
    /// Its text, escapes as written.
    pub text: String,
}

/// Splits Rust source into code (comments and literals blanked) and its string literals.
pub fn scan(src: &str) -> (String, Vec<Literal>) {
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

/// The byte spans of the `#[cfg(test)]` items of `code` (as [`scan`] returns it): from the
/// attribute to the closing brace of the braced item after it (`mod tests { … }`, `fn … { … }`).
pub fn test_items(code: &str) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let mut search = 0;
    while let Some(pos) = code[search..].find("#[cfg(test)]") {
        let at = search + pos;
        let Some(open) = code[at..].find('{').map(|o| at + o) else {
            break;
        };
        let mut depth = 0;
        let mut end = code.len();
        for (k, ch) in code[open..].char_indices() {
            match ch {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + k + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        spans.push(at..end);
        search = end.max(at + 1);
    }
    spans
}

/// `code` without its `#[cfg(test)]` items.
pub fn without_test_items(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut from = 0;
    for span in test_items(code) {
        out.push_str(&code[from..span.start]);
        from = span.end;
    }
    out.push_str(&code[from..]);
    out
}

/// The 1-based line ranges (first, last) of the `#[cfg(test)]` items of `code`.
pub fn test_line_ranges(code: &str) -> Vec<(usize, usize)> {
    let line_of = |offset: usize| code[..offset].matches('\n').count() + 1;
    test_items(code)
        .into_iter()
        .map(|span| {
            (
                line_of(span.start),
                line_of(span.end.saturating_sub(1).max(span.start)),
            )
        })
        .collect()
}
