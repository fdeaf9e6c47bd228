//! The sequence diagram leaving the app for slides and handouts: the same pure
//! [`Scene`](crate::diagram::scene::Scene) the egui painter draws, written as SVG ([`svg`]:
//! vector, selectable text, the full text of a shortened label as its `<title>`) and rendered
//! to PNG from that SVG ([`png`], resvg/tiny-skia, no window). Both use the same fonts
//! ([`fonts`]: egui's default fonts and the bundled CJK subset), which also measure the labels
//! the scene fits, so what is fitted is what is drawn.
//!
//! The colours come from a [`Palette`], filled by the GUI from its theme (`ui::export`).

pub mod fonts;
pub mod png;
pub mod svg;

use crate::diagram::api_lane::ApiStates;
use crate::diagram::geom::{Point, Rect};
use crate::diagram::layout::{HEADER_H, LayoutParams, TimelineLayout, layout_into, row_specs};
use crate::diagram::rows::build_rows;
use crate::diagram::scene::{
    RunState, Scene, SceneOptions, Viewport, build_scene, label_extra_heights,
};
use crate::lang::Lang;
use crate::trace::{Dir, Severity, Trace};

/// A colour, not premultiplied: sRGB red, green, blue and alpha (255 opaque).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgba {
    /// Red.
    pub r: u8,
    /// Green.
    pub g: u8,
    /// Blue.
    pub b: u8,
    /// Alpha (0 transparent, 255 opaque).
    pub a: u8,
}

impl Rgba {
    /// An opaque colour.
    pub const fn rgb(r: u8, g: u8, b: u8) -> Rgba {
        Rgba { r, g, b, a: 255 }
    }

    /// The same colour at `factor` of its opacity (what egui's `gamma_multiply` does to a
    /// colour's coverage).
    pub fn faded(self, factor: f32) -> Rgba {
        Rgba {
            a: (f32::from(self.a) * factor.clamp(0.0, 1.0)).round() as u8,
            ..self
        }
    }

    /// `#rrggbb`, for SVG.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }

    /// Its opacity, 0 to 1.
    pub fn opacity(self) -> f32 {
        f32::from(self.a) / 255.0
    }
}

/// Every colour the diagram is drawn with, as the painter takes them from the theme and
/// egui's visuals.
#[derive(Clone, Debug, PartialEq)]
pub struct Palette {
    /// The panel's background: the canvas, the header, backdrops of captions.
    pub background: Rgba,
    /// Ordinary text.
    pub text: Rgba,
    /// Secondary text, socket lines.
    pub weak: Rgba,
    /// Emphasised text (lane titles).
    pub strong: Rgba,
    /// Lifelines and rules.
    pub lane: Rgba,
    /// Idle-gap bands and note boxes.
    pub faint_bg: Rgba,
    /// The selected row's highlight.
    pub selection: Rgba,
    /// Client → server arrows.
    pub c2s: Rgba,
    /// Server → client arrows.
    pub s2c: Rgba,
    /// `readyState` 0 … 3 (anything else as 3).
    pub ready_states: [Rgba; 4],
    /// Informational diagnostics.
    pub info: Rgba,
    /// Warnings.
    pub warning: Rgba,
    /// Errors and failed checks.
    pub error: Rgba,
    /// A check that passed.
    pub ok: Rgba,
    /// The playhead.
    pub playhead: Rgba,
    /// The glyph on a diagnostic's marker.
    pub marker_glyph: Rgba,
}

impl Palette {
    /// An arrow's colour.
    pub fn direction(&self, dir: Dir) -> Rgba {
        match dir {
            Dir::C2s => self.c2s,
            Dir::S2c => self.s2c,
        }
    }

    /// A `readyState`'s colour.
    pub fn ready_state(&self, state: u8) -> Rgba {
        let k = usize::from(state.min(3));
        self.ready_states.get(k).copied().unwrap_or(self.weak)
    }

    /// A diagnostic's colour.
    pub fn severity(&self, severity: Severity) -> Rgba {
        match severity {
            Severity::Info => self.info,
            Severity::Warning => self.warning,
            Severity::Error => self.error,
        }
    }
}

/// How much of the diagram is exported.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Extent {
    /// What the window shows: this tall (px, header included), scrolled this far.
    View {
        /// The drawing's height.
        height: f32,
        /// How far the body is scrolled (px from the top of the layout).
        scroll_y: f32,
    },
    /// Every row, top to bottom, as tall as that takes.
    WholeRun,
}

/// What to draw: the diagram's width, extent and the view's options.
#[derive(Clone, Debug, PartialEq)]
pub struct DiagramSpec {
    /// The drawing's width (px at 1×).
    pub width: f32,
    /// How much of it.
    pub extent: Extent,
    /// Zoom and gap collapsing, as in the view.
    pub params: LayoutParams,
    /// Frames on rows of their own.
    pub show_frames: bool,
    /// The selected event (highlighted).
    pub selected: Option<usize>,
    /// The language of the diagram's words.
    pub lang: Lang,
    /// A line written above the diagram, e.g. a lesson step's title (`None`: no caption).
    pub caption: Option<String>,
}

impl DiagramSpec {
    /// The whole run at `width` px with the view's default zoom, frames folded into their
    /// messages, nothing selected, in `lang` (the CLI's export).
    pub fn whole_run(width: f32, lang: Lang) -> DiagramSpec {
        DiagramSpec {
            width,
            extent: Extent::WholeRun,
            params: LayoutParams::default(),
            show_frames: false,
            selected: None,
            lang,
            caption: None,
        }
    }
}

/// Room left under the last row, as the window leaves it.
const BOTTOM_PAD: f32 = 40.0;

/// The scene of `trace` as `spec` asks, its labels fitted with the export's fonts (the same
/// steps as the window: rows, two-line rows where a label needs them, layout, scene).
pub fn scene(trace: &Trace, spec: &DiagramSpec) -> Scene {
    let measure = |text: &str, font| fonts::measure(text, font);
    let rows = build_rows(trace, spec.show_frames);
    let api_states = ApiStates::new(&rows, trace);
    let width = spec.width.max(1.0);
    // The width decides which labels wrap, and so the layout's height: any height will do here.
    let probe = Rect::from_min_max(Point::new(0.0, 0.0), Point::new(width, 1000.0));
    let mut extra = Vec::new();
    label_extra_heights(trace, &rows, probe, &measure, spec.lang, &mut extra);
    let mut specs = Vec::new();
    row_specs(&rows, &mut specs);
    for (spec, extra) in specs.iter_mut().zip(&extra) {
        spec.min_height += extra;
    }
    let mut layout = TimelineLayout::default();
    layout_into(&specs, &spec.params, &mut layout);
    let (height, scroll_y) = match spec.extent {
        Extent::View { height, scroll_y } => (height.max(HEADER_H + 1.0), scroll_y.max(0.0)),
        Extent::WholeRun => (HEADER_H + layout.height + BOTTOM_PAD, 0.0),
    };
    let frame = Rect::from_min_max(Point::new(0.0, 0.0), Point::new(width, height.ceil()));
    build_scene(
        trace,
        &rows,
        &api_states,
        &layout,
        Viewport { frame, scroll_y },
        &SceneOptions {
            selected: spec.selected,
            show_frames: spec.show_frames,
            run: RunState::Idle,
            px_per_ms: spec.params.px_per_ms,
            empty_hint: "",
            lang: spec.lang,
        },
        &measure,
    )
}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The trace has no events: there is no diagram.
    #[error("the trace has no events: there is no diagram to export")]
    Empty,
    /// The PNG would be too large to draw.
    #[error("a PNG of {width}×{height} px is too large (at most {max} px a side)")]
    TooLarge {
        /// Width asked for.
        width: u32,
        /// Height asked for.
        height: u32,
        /// The largest side allowed.
        max: u32,
    },
    /// The SVG could not be read back (a bug: it was written here).
    #[error("the SVG could not be rendered: {0}")]
    Svg(String),
    /// The PNG could not be encoded.
    #[error("the PNG could not be encoded: {0}")]
    Png(String),
}
