//! Parity of the protocol explanations in English and Chinese: every header, status, close
//! code, opcode and frame field has both texts, neither empty, the Chinese one written in
//! Chinese (not the English copied) and citing the same sections; and every note and summary
//! of every event in the shared fixtures exists in both languages or in neither.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod support;

use std::path::{Path, PathBuf};

use wirelab::capture::file::read_file;
use wirelab::lang::Lang;
use wirelab::proto::http::{explain_header, explained_header_names, status_meaning};
use wirelab::proto::ws::close::CloseCode;
use wirelab::proto::ws::frame::{OpCode, parse_header};
use wirelab::trace::EventKind;
use wirelab::trace::describe::{kind_title, note_in, summary};

/// Whether `text` has Chinese in it (CJK Unified Ideographs).
fn has_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// The citations in `text`: every `RFC NNNN`/`WHATWG …`/`§…` token, in order.
fn sections(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || "(),，、（）;；".contains(c))
        .filter(|w| w.starts_with('§'))
        .map(str::to_string)
        .collect()
}

/// Checks one explanation in both languages: both sides present, the Chinese in Chinese, the
/// same citations.
fn check_pair(what: &str, en: &str, zh: &str) {
    assert!(!en.trim().is_empty(), "{what}: empty English");
    assert!(!zh.trim().is_empty(), "{what}: empty Chinese");
    assert_ne!(en, zh, "{what}: the Chinese is the English");
    assert!(has_chinese(zh), "{what}: no Chinese in {zh:?}");
    assert!(!has_chinese(en), "{what}: Chinese in the English {en:?}");
    assert_eq!(sections(en), sections(zh), "{what}: citations differ");
}

#[test]
fn every_header_and_status_is_explained_in_both_languages() {
    let names = explained_header_names();
    assert!(names.len() > 40, "{names:?}");
    for name in names {
        let e = explain_header(name).unwrap();
        check_pair(name, e.text.en, e.text.zh);
        check_pair(name, &e.shown(Lang::En), &e.shown(Lang::Zh));
        assert_eq!(e.to_string(), e.shown(Lang::En));
    }
    // Every status code has a line, the listed ones their own and the rest their class's.
    for status in 0..=999u16 {
        let e = status_meaning(status);
        check_pair(&status.to_string(), e.text.en, e.text.zh);
    }
    // The 101 keeps its reason phrase as on the wire, with the Chinese beside it.
    assert!(
        status_meaning(101)
            .text
            .zh
            .starts_with("Switching Protocols（")
    );
}

#[test]
fn close_codes_opcodes_and_frame_fields_in_both_languages() {
    for code in 0..=5000u16 {
        let c = CloseCode::from_u16(code);
        check_pair(&code.to_string(), c.meaning(Lang::En), c.meaning(Lang::Zh));
    }
    for v in 0..16u8 {
        let op = OpCode::from_u8(v);
        check_pair(op.name(), op.meaning(Lang::En), op.meaning(Lang::Zh));
    }
    // Headers that show every field: masked and not, each length form, a close frame.
    let headers: [&[u8]; 5] = [
        &[0x81, 0x85, 1, 2, 3, 4],
        &[0x02, 0x7E, 0x01, 0x00],
        &[0xC1, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0],
        &[0x88, 0x02],
        &[0x80, 0x00],
    ];
    for bytes in headers {
        let h = parse_header(bytes).unwrap().unwrap();
        let (en, zh) = (h.fields(Lang::En), h.fields(Lang::Zh));
        assert_eq!(en.len(), zh.len());
        for (e, z) in en.iter().zip(&zh) {
            assert_eq!((e.name, &e.bytes, e.bits), (z.name, &z.bytes, z.bits));
            check_pair(e.name, &e.meaning, &z.meaning);
            assert_eq!(e.label(Lang::En), e.name);
            // RFC 6455's own name stays, a Chinese gloss beside the word-names.
            assert!(z.label(Lang::Zh).starts_with(z.name));
        }
    }
}

/// Every capture of the shared fixtures and of `tests/data/pcap` (lost segments, captures
/// that start mid-connection: the diagnostics with values).
fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in [
        root.join("../shared/fixtures"),
        root.join("tests/data/pcap"),
    ] {
        let found: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "pcap" || x == "pcapng"))
            .collect();
        assert!(!found.is_empty(), "no fixtures in {}", dir.display());
        files.extend(found);
    }
    files.sort();
    files
}

#[test]
fn every_note_of_the_fixtures_exists_in_both_languages() {
    let (mut notes, mut diagnostics) = (0, 0);
    for path in fixtures() {
        let trace = read_file(&path, false)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .0;
        for (i, event) in trace.events.iter().enumerate() {
            let what = format!("{} event {i} ({})", path.display(), event.kind.name());
            let before = trace.events.get(..i).unwrap();
            match (
                note_in(before, event, Lang::En),
                note_in(before, event, Lang::Zh),
            ) {
                (Some(en), Some(zh)) => {
                    check_pair(&what, &en, &zh);
                    notes += 1;
                }
                (None, None) => {}
                (en, zh) => panic!("{what}: a note in one language only: {en:?} / {zh:?}"),
            }
            // A diagnostic is stored with its Chinese: none is left in English.
            if let EventKind::Diagnostic {
                message,
                message_zh,
                ..
            } = &event.kind
            {
                let zh = message_zh
                    .as_deref()
                    .unwrap_or_else(|| panic!("{what}: no Chinese for {message:?}"));
                check_pair(&what, message, zh);
                diagnostics += 1;
            }
            let (en, zh) = (summary(event, Lang::En), summary(event, Lang::Zh));
            assert!(!en.is_empty() && !zh.is_empty(), "{what}: empty summary");
            // A summary may be all tokens ("GET / HTTP/1.1"); when it has words, they are
            // Chinese words.
            if en != zh {
                assert!(has_chinese(&zh), "{what}: {zh:?}");
            }
            check_pair(
                &what,
                &kind_title(&event.kind, Lang::En),
                &kind_title(&event.kind, Lang::Zh),
            );
        }
    }
    assert!(notes > 100, "only {notes} notes");
    assert!(diagnostics > 10, "only {diagnostics} diagnostics");
}
