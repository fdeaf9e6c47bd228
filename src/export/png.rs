//! The diagram's SVG rendered to PNG with resvg/tiny-skia at a chosen scale (2× for a
//! projector), with the export's own fonts ([`super::fonts::database`]): no window, and the same
//! picture on every machine.

use resvg::tiny_skia::{Pixmap, Transform};
use resvg::usvg;

use super::ExportError;
use super::fonts::database;

/// The largest side of a PNG drawn (px): a longer run is better exported as SVG.
pub const MAX_SIDE: u32 = 16_384;

/// The SVG parsed with the export's fonts (text becomes outlines in those fonts).
pub fn parse(svg: &str) -> Result<usvg::Tree, ExportError> {
    let options = usvg::Options {
        fontdb: database(),
        font_family: "Ubuntu".to_string(),
        languages: vec!["en".to_string(), "zh-Hans".to_string()],
        ..usvg::Options::default()
    };
    usvg::Tree::from_str(svg, &options).map_err(|e| ExportError::Svg(e.to_string()))
}

/// A PNG of `svg` at `scale` (1.0: one pixel per point of the diagram).
pub fn render_png(svg: &str, scale: f32) -> Result<Vec<u8>, ExportError> {
    let tree = parse(svg)?;
    let scale = if scale.is_finite() && scale > 0.0 {
        scale
    } else {
        1.0
    };
    let size = tree.size();
    let side = |v: f32| (v * scale).ceil().max(1.0) as u32;
    let (width, height) = (side(size.width()), side(size.height()));
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(ExportError::TooLarge {
            width,
            height,
            max: MAX_SIDE,
        });
    }
    let Some(mut pixmap) = Pixmap::new(width, height) else {
        return Err(ExportError::TooLarge {
            width,
            height,
            max: MAX_SIDE,
        });
    };
    resvg::render(
        &tree,
        Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| ExportError::Png(e.to_string()))
}
