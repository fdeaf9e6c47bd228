//! The bundled CJK font (`assets/fonts/NotoSansCJKsc-wirelab.otf`, a subset cut by
//! `scripts/subset-cjk-font.py`) covers every CJK character the app's own text uses: the
//! string literals of `src/` and the lessons. A window or a test on a machine without any CJK
//! font then still draws all of it.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail

mod support;

use std::collections::BTreeMap;
use std::path::Path;

use egui_kittest::kittest::Queryable;
use skrifa::MetadataProvider;
use wirelab::ui::fonts::CJK_SUBSET;

/// The ranges counted as CJK, the same as the script's `CJK_RANGES`.
const CJK_RANGES: &[(u32, u32)] = &[
    (0x2E80, 0x2FDF),
    (0x3000, 0x303F),
    (0x3040, 0x30FF),
    (0x3100, 0x312F),
    (0x3190, 0x31FF),
    (0x3200, 0x33FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFFEF),
    (0x20000, 0x2FFFF),
];

fn is_cjk(c: char) -> bool {
    let c = u32::from(c);
    CJK_RANGES.iter().any(|&(lo, hi)| (lo..=hi).contains(&c))
}

/// Every CJK character of the app's text, each with the first place it occurs.
fn cjk_text() -> BTreeMap<char, String> {
    let mut found = BTreeMap::new();
    for file in support::source::sources() {
        for literal in &file.literals {
            for c in literal.text.chars().filter(|&c| is_cjk(c)) {
                found
                    .entry(c)
                    .or_insert_with(|| format!("src/{}:{}", file.rel, literal.line));
            }
        }
    }
    let lessons = Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons");
    let mut tomls: Vec<_> = std::fs::read_dir(&lessons)
        .map(|dir| dir.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    tomls.retain(|p| p.extension().is_some_and(|e| e == "toml"));
    tomls.sort();
    for path in tomls {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for c in text.chars().filter(|&c| is_cjk(c)) {
            found.entry(c).or_insert_with(|| format!("lessons/{name}"));
        }
    }
    found
}

#[test]
fn the_bundled_font_covers_every_chinese_character_of_the_app() {
    let font = skrifa::FontRef::new(CJK_SUBSET).expect("the bundled font parses");
    let charmap = font.charmap();
    let text = cjk_text();
    assert!(
        text.contains_key(&'中'),
        "the scan finds the Chinese text (the language menu's 简体中文)"
    );
    let missing: Vec<String> = text
        .iter()
        .filter(|&(&c, _)| charmap.map(c).is_none())
        .map(|(c, place)| format!("{c} (U+{:04X}, {place})", u32::from(*c)))
        .collect();
    assert!(
        missing.is_empty(),
        "the bundled CJK font lacks {} character(s): {}\n\
         rerun `scripts/subset-cjk-font.py` (needs Debian's fonts-noto-cjk and fonttools) and commit assets/fonts/",
        missing.len(),
        missing.join(", ")
    );
}

#[test]
fn the_bundled_font_is_small_and_keeps_its_licence() {
    assert!(CJK_SUBSET.len() < 1_000_000, "{} bytes", CJK_SUBSET.len());
    let licence = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/fonts/LICENSE-OFL.txt");
    let licence = std::fs::read_to_string(licence).unwrap();
    assert!(licence.contains("SIL OPEN FONT LICENSE Version 1.1"));
}

#[test]
fn chinese_lays_out_in_a_harness_with_the_apps_fonts() {
    // Without the bundled font the harness panics on the first missing glyph (characters the
    // sources use, so the subset has them).
    let mut h = support::gui::harness_builder().build_ui(|ui| {
        ui.label("握手 简体中文");
        ui.monospace("中文");
    });
    h.run();
    h.get_by_label("握手 简体中文");
}
