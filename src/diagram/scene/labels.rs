//! Fitting label text into the room it has: measured by the writer, wrapped to a second line
//! at a word break, shortened with `…` only when even that is not enough (the full text is
//! then kept for a tooltip), and boxes placed inside a horizontal region.
//!
//! Pure: the width of a text is asked of a [`Measure`], which the egui painter backs with its
//! real fonts and tests with [`estimate_width`], so the geometry can be asserted without a GUI.

use super::{Anchor, Font, Label};
use crate::diagram::geom::{Point, Rect};
use crate::diagram::layout::XSpan;

/// The width (px) `text` takes in `font`, as the writer will draw it.
pub type Measure<'a> = &'a dyn Fn(&str, Font) -> f32;

/// A writer-independent width estimate, for tests and writers without fonts: every character
/// as wide as an average glyph of the GUI's proportional font, a little wider than most.
pub fn estimate_width(text: &str, font: Font) -> f32 {
    let per_char = match font {
        Font::Title | Font::Label => 7.0,
        Font::Small => 6.0,
        Font::Time => 6.0,
        Font::Marker => 7.0,
        Font::Hint => 8.0,
        Font::Glyph => 6.0,
    };
    text.chars().count() as f32 * per_char
}

/// The height (px) of one line of `font`.
pub fn line_height(font: Font) -> f32 {
    match font {
        Font::Title | Font::Label => 16.0,
        Font::Small => 13.0,
        Font::Time => 12.0,
        Font::Marker => 14.0,
        Font::Hint => 17.0,
        Font::Glyph => 12.0,
    }
}

/// The shortest run of characters without a space that a line may break inside (a URL, a
/// key, filler text); shorter words are only broken at their ends.
const LONG_RUN: usize = 16;

/// Text fitted to a width.
#[derive(Clone, Debug, PartialEq)]
pub struct Fitted {
    /// What is drawn: one line, or two separated by `\n`.
    pub text: String,
    /// The widest line (px).
    pub width: f32,
    /// Some text had to be cut (`…`): the full text belongs in a tooltip.
    pub shortened: bool,
}

/// How many lines a label may take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lines {
    /// One line.
    One,
    /// Up to two lines.
    Two,
}

/// Fits `text` into `max_w` px: as it is, else (with [`Lines::Two`]) broken at the last
/// space or after the last punctuation that lets the first line fit (or inside a long word
/// when that shows more), the second line shortened with `…` if it is still too long.
pub fn fit(text: &str, font: Font, max_w: f32, lines: Lines, measure: Measure<'_>) -> Fitted {
    let w = measure(text, font);
    if w <= max_w {
        return Fitted {
            text: text.to_string(),
            width: w,
            shortened: false,
        };
    }
    if lines == Lines::One {
        return truncate(text, font, max_w, measure);
    }
    let two = |(first, rest): (&str, &str)| {
        let second = truncate(rest, font, max_w, measure);
        Fitted {
            text: format!("{first}\n{}", second.text),
            width: measure(first, font).max(second.width),
            shortened: second.shortened,
        }
    };
    let at_word = split_to_fit(text, font, max_w, measure);
    if at_word.0.is_empty() {
        return truncate(text, font, max_w, measure);
    }
    let by_word = two(at_word);
    if !by_word.shortened {
        return by_word;
    }
    // A long unbreakable run (a URL, a key, filler text): breaking inside it may show all.
    // Prose is never broken inside a word: only a run of at least `LONG_RUN` characters is.
    let end = longest_fitting_prefix(text, font, max_w, "", measure);
    let run = |part: Option<&str>, from_end: bool| {
        let part = part.unwrap_or("");
        let chars: Vec<char> = part.chars().collect();
        let it: Box<dyn Iterator<Item = &char>> = if from_end {
            Box::new(chars.iter().rev())
        } else {
            Box::new(chars.iter())
        };
        it.take_while(|c| !c.is_whitespace()).count()
    };
    // …and only when breaking between words wastes much of the first line.
    let first_filled = measure(at_word.0, font) >= max_w * 0.6;
    if first_filled || run(text.get(..end), true) + run(text.get(end..), false) < LONG_RUN {
        return by_word;
    }
    let inside = two((text.get(..end).unwrap_or(""), text.get(end..).unwrap_or("")));
    if inside.text.chars().count() > by_word.text.chars().count() {
        inside
    } else {
        by_word
    }
}

/// The longest prefix of `text` that fits in `max_w`, ending at a word break when there is
/// one (the break's space is dropped), and the rest.
fn split_to_fit<'t>(
    text: &'t str,
    font: Font,
    max_w: f32,
    measure: Measure<'_>,
) -> (&'t str, &'t str) {
    let fits = |end: usize| text.get(..end).is_some_and(|p| measure(p, font) <= max_w);
    // Candidate breaks: before a space (the space goes), after punctuation.
    let mut best: Option<(usize, usize)> = None;
    let mut prev = None;
    for (i, c) in text.char_indices() {
        let after_digit = prev.is_some_and(|p: char| p.is_ascii_digit());
        prev = Some(c);
        let (end, next) = match c {
            // A number and its unit ("179 B") stay together.
            ' ' if after_digit => continue,
            ' ' => (i, i + 1),
            ',' | ';' | '/' | '&' | '?' | ')' | ':' | '=' => (i + c.len_utf8(), i + c.len_utf8()),
            _ => continue,
        };
        if end == 0 {
            continue;
        }
        if !fits(end) {
            break;
        }
        best = Some((end, next));
    }
    let (end, next) = best.unwrap_or_else(|| {
        // No word break fits: break inside the word.
        let end = longest_fitting_prefix(text, font, max_w, "", measure);
        (end, end)
    });
    let first = text.get(..end).unwrap_or("");
    let rest = text.get(next..).unwrap_or("").trim_start();
    (first, rest)
}

/// The byte length of the longest prefix of `text` that fits in `max_w` followed by `suffix`.
fn longest_fitting_prefix(
    text: &str,
    font: Font,
    max_w: f32,
    suffix: &str,
    measure: Measure<'_>,
) -> usize {
    let ends: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .skip(1)
        .chain(std::iter::once(text.len()))
        .collect();
    // Binary search over the number of characters kept.
    let (mut lo, mut hi) = (0usize, ends.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let end = ends.get(mid - 1).copied().unwrap_or(0);
        let prefix = text.get(..end).unwrap_or("");
        if measure(&format!("{prefix}{suffix}"), font) <= max_w {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    if lo == 0 {
        0
    } else {
        ends.get(lo - 1).copied().unwrap_or(0)
    }
}

/// `text` on one line, cut with `…` when wider than `max_w` (just `…` if nothing fits).
fn truncate(text: &str, font: Font, max_w: f32, measure: Measure<'_>) -> Fitted {
    let w = measure(text, font);
    if w <= max_w {
        return Fitted {
            text: text.to_string(),
            width: w,
            shortened: false,
        };
    }
    let end = longest_fitting_prefix(text, font, max_w, "…", measure);
    let cut = format!("{}…", text.get(..end).unwrap_or("").trim_end());
    Fitted {
        width: measure(&cut, font),
        text: cut,
        shortened: true,
    }
}

/// The left edge of a box `width` wide, centred on `center` as far as `region` allows (its
/// left edge wins when the box is wider than the region).
pub fn left_in(region: XSpan, width: f32, center: f32) -> f32 {
    (center - width / 2.0)
        .min(region.right - width)
        .max(region.left)
}

/// The number of lines of a label's text.
pub fn line_count(text: &str) -> usize {
    text.split('\n').count()
}

/// The box a label's text takes when drawn (its width clamped to `max_width`, as the
/// writer truncates).
pub fn label_rect(label: &Label, measure: Measure<'_>) -> Rect {
    let w = label
        .text
        .split('\n')
        .map(|line| measure(line, label.font))
        .fold(0.0, f32::max);
    let w = label.max_width.map_or(w, |m| w.min(m));
    let h = line_count(&label.text) as f32 * line_height(label.font);
    let p = label.pos;
    let (x, y) = match label.anchor {
        Anchor::LeftTop => (p.x, p.y),
        Anchor::LeftCenter => (p.x, p.y - h / 2.0),
        Anchor::LeftBottom => (p.x, p.y - h),
        Anchor::CenterTop => (p.x - w / 2.0, p.y),
        Anchor::CenterCenter => (p.x - w / 2.0, p.y - h / 2.0),
        Anchor::CenterBottom => (p.x - w / 2.0, p.y - h),
        Anchor::RightBottom => (p.x - w, p.y - h),
    };
    Rect::from_min_max(Point::new(x, y), Point::new(x + w, y + h))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
mod tests {
    use super::*;

    fn est(text: &str, font: Font) -> f32 {
        estimate_width(text, font)
    }

    #[test]
    fn short_text_is_kept_whole() {
        let f = fit("GET / HTTP/1.1", Font::Label, 500.0, Lines::Two, &est);
        assert_eq!(f.text, "GET / HTTP/1.1");
        assert!(!f.shortened);
    }

    #[test]
    fn long_text_wraps_at_a_word_break_and_keeps_every_word() {
        let text = "text \"Hello\" (179 B), compressed (83 B on the wire)";
        let max = est(text, Font::Label) * 0.6;
        let f = fit(text, Font::Label, max, Lines::Two, &est);
        assert!(!f.shortened, "{f:?}");
        let (a, b) = f.text.split_once('\n').unwrap();
        assert!(est(a, Font::Label) <= max && est(b, Font::Label) <= max);
        assert!(f.width <= max);
        let rejoined = format!("{a} {b}");
        assert!(rejoined == text || format!("{a}{b}") == text, "{rejoined}");
    }

    #[test]
    fn too_long_for_two_lines_is_shortened() {
        let text = "word ".repeat(60);
        let f = fit(&text, Font::Label, 200.0, Lines::Two, &est);
        assert!(f.shortened);
        assert!(f.text.ends_with('…'));
        assert_eq!(line_count(&f.text), 2);
        assert!(f.width <= 200.0);
        let one = fit(&text, Font::Label, 200.0, Lines::One, &est);
        assert_eq!(line_count(&one.text), 1);
        assert!(one.width <= 200.0 && one.shortened);
        // A single unbreakable word breaks inside it.
        let word = "x".repeat(50);
        let f = fit(&word, Font::Label, 200.0, Lines::Two, &est);
        assert!(f.width <= 200.0);
        assert_eq!(line_count(&f.text), 2);
        // Nothing fits: just the ellipsis.
        assert_eq!(fit("abc", Font::Label, 1.0, Lines::One, &est).text, "…");
    }

    #[test]
    fn boxes_stay_inside_their_region() {
        let region = XSpan {
            left: 100.0,
            right: 400.0,
        };
        assert_eq!(left_in(region, 100.0, 250.0), 200.0);
        assert_eq!(left_in(region, 100.0, 390.0), 300.0);
        assert_eq!(left_in(region, 100.0, 90.0), 100.0);
        assert_eq!(left_in(region, 500.0, 250.0), 100.0);
    }
}
