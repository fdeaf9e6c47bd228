//! The fonts of the diagram, named once for every writer: each kind of text's size and family
//! (the egui painter draws with these too), the font files (egui's default fonts and the
//! bundled CJK subset of `assets/fonts/`), a text measure from their advance widths for the
//! labels the scene fits, and the font database resvg draws the PNG with.

use std::sync::{Arc, OnceLock};

use resvg::usvg::fontdb;
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::{FontRef, MetadataProvider};

use crate::diagram::scene::Font;

/// The bundled CJK subset: Noto Sans CJK SC cut to the characters of the app's Chinese text by
/// `scripts/subset-cjk-font.py` (SIL Open Font License 1.1, `assets/fonts/LICENSE-OFL.txt`).
pub const CJK_SUBSET: &[u8] = include_bytes!("../../assets/fonts/NotoSansCJKsc-wirelab.otf");

/// egui's proportional font.
const PROPORTIONAL: &[u8] = epaint_default_fonts::UBUNTU_LIGHT;
/// egui's monospace font.
const MONOSPACE: &[u8] = epaint_default_fonts::HACK_REGULAR;

/// The families of a kind of text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// egui's proportional font, then the CJK font.
    Proportional,
    /// egui's monospace font, then its proportional one, then the CJK font.
    Monospace,
}

/// The size (px at 1×) and family each kind of text is drawn in.
pub const fn text_style(font: Font) -> (f32, Family) {
    const LABEL: f32 = 13.0;
    const SMALL: f32 = 11.0;
    match font {
        Font::Title | Font::Label => (LABEL, Family::Proportional),
        Font::Small => (SMALL, Family::Proportional),
        Font::Time => (SMALL - 1.0, Family::Monospace),
        Font::Marker => (SMALL + 0.5, Family::Proportional),
        Font::Hint => (LABEL + 1.0, Family::Proportional),
        Font::Glyph => (10.0, Family::Proportional),
    }
}

/// The CSS `font-family` list of `family`, as the SVG names it: the faces the PNG is drawn
/// with (their family names in the font files), then generic families for other viewers.
pub fn css_families(family: Family) -> &'static str {
    match family {
        Family::Proportional => "Ubuntu, 'Noto Sans CJK SC', 'Noto Sans SC', sans-serif",
        Family::Monospace => "Hack, Ubuntu, 'Noto Sans CJK SC', 'Noto Sans SC', monospace",
    }
}

/// The CSS `font-weight` of `family` (egui's proportional font is Ubuntu Light).
pub fn css_weight(family: Family) -> u16 {
    match family {
        Family::Proportional => 300,
        Family::Monospace => 400,
    }
}

/// One font file, ready to measure.
struct Face {
    charmap: skrifa::charmap::Charmap<'static>,
    /// Advance widths in ems (measured at a size of 1).
    metrics: GlyphMetrics<'static>,
    /// Ascent and descent (both positive), in ems.
    ascent: f32,
    descent: f32,
}

impl Face {
    fn new(bytes: &'static [u8]) -> Option<Face> {
        let font = FontRef::new(bytes).ok()?;
        let size = Size::new(1.0);
        let m = font.metrics(size, LocationRef::default());
        Some(Face {
            charmap: font.charmap(),
            metrics: font.glyph_metrics(size, LocationRef::default()),
            ascent: m.ascent,
            descent: -m.descent,
        })
    }

    fn advance(&self, c: char) -> Option<f32> {
        let glyph = self.charmap.map(c)?;
        self.metrics.advance_width(glyph)
    }
}

struct Faces {
    proportional: Option<Face>,
    monospace: Option<Face>,
    cjk: Option<Face>,
}

fn faces() -> &'static Faces {
    static FACES: OnceLock<Faces> = OnceLock::new();
    FACES.get_or_init(|| Faces {
        proportional: Face::new(PROPORTIONAL),
        monospace: Face::new(MONOSPACE),
        cjk: Face::new(CJK_SUBSET),
    })
}

/// A character no font has (a system font draws it in the window): about an ideograph's width
/// for wide characters, half that for others.
fn fallback_advance(c: char) -> f32 {
    if u32::from(c) >= 0x2E80 { 1.0 } else { 0.55 }
}

/// The width (px at 1×) of `text` in `font`: the sum of its characters' advances in the first
/// face of the family that has each (what egui's one-line layout adds up to).
pub fn measure(text: &str, font: Font) -> f32 {
    let (size, family) = text_style(font);
    let faces = faces();
    let chain: [Option<&Face>; 3] = match family {
        Family::Proportional => [faces.proportional.as_ref(), faces.cjk.as_ref(), None],
        Family::Monospace => [
            faces.monospace.as_ref(),
            faces.proportional.as_ref(),
            faces.cjk.as_ref(),
        ],
    };
    let ems: f32 = text
        .chars()
        .map(|c| {
            chain
                .iter()
                .flatten()
                .find_map(|face| face.advance(c))
                .unwrap_or_else(|| fallback_advance(c))
        })
        .sum();
    ems * size
}

/// The first face's ascent and descent (px at 1×, both positive) of `font`, for placing a
/// line's baseline in its box.
pub fn vertical_metrics(font: Font) -> (f32, f32) {
    let (size, family) = text_style(font);
    let faces = faces();
    let face = match family {
        Family::Proportional => faces.proportional.as_ref(),
        Family::Monospace => faces.monospace.as_ref(),
    };
    face.map_or((0.8 * size, 0.2 * size), |f| {
        (f.ascent * size, f.descent * size)
    })
}

/// The font database the PNG is drawn with: exactly the fonts above, no system fonts, so a
/// PNG looks the same on every machine.
pub fn database() -> Arc<fontdb::Database> {
    static DB: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = fontdb::Database::new();
        for bytes in [PROPORTIONAL, MONOSPACE, CJK_SUBSET] {
            db.load_font_source(fontdb::Source::Binary(Arc::new(bytes)));
        }
        db.set_sans_serif_family("Ubuntu");
        db.set_monospace_family("Hack");
        Arc::new(db)
    })
    .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_font_file_parses() {
        let faces = faces();
        assert!(faces.proportional.is_some() && faces.monospace.is_some() && faces.cjk.is_some());
    }

    #[test]
    fn measures_latin_and_chinese_with_their_fonts() {
        let latin = measure("Sec-WebSocket-Key", Font::Label);
        assert!(latin > 50.0 && latin < 200.0, "{latin}");
        // An ideograph is one em wide in Noto Sans CJK.
        let han = measure("握手", Font::Label);
        assert!((han - 26.0).abs() < 0.5, "{han}");
        // Monospace: every ASCII character as wide as the next.
        assert_eq!(measure("iiii", Font::Time), measure("MMMM", Font::Time));
    }

    #[test]
    fn the_database_has_the_families_the_svg_names() {
        let db = database();
        let families: Vec<String> = db
            .faces()
            .flat_map(|f| f.families.iter().map(|(name, _)| name.clone()))
            .collect();
        for name in ["Ubuntu", "Hack", "Noto Sans CJK SC"] {
            assert!(families.iter().any(|f| f == name), "{name} in {families:?}");
        }
    }
}
