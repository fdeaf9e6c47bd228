//! The Scene: everything the visible part of the diagram shows — lanes and lifelines, arrows
//! and their labels, socket lines, stage captions, diagnostics, notes, idle-gap markers, open
//! spans (a held request, an open stream) and the ends of streamed bodies,
//! browser-API bands and markers, the header and the playhead — with positions and
//! *semantic* styles (what a thing is, never its colour).
//!
//! [`build_scene`] is a pure function of the trace, its rows and layout and the viewport. The
//! egui painter draws a Scene and nothing else, so another writer (SVG) can draw the same
//! picture. Text is measured by the writer, through the [`labels::Measure`] it passes in:
//! the scene fits every label into the room it has (wrapping or shortening it, see
//! [`labels`]), so the geometry it holds is the geometry drawn.

mod build;
pub mod labels;
mod spans;
#[cfg(test)]
mod tests;

pub use build::{build_scene, label_extra_heights, lanes_for, one_line};
pub use spans::{SpanBar, StreamEnd};

use super::geom::{Point, Rect};
use super::layout::{Lanes, XSpan};
use crate::lang::Lang;
use crate::trace::{Dir, Severity};

/// Which point of a label's text box sits at its position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    /// Top-left corner.
    LeftTop,
    /// Middle of the left edge.
    LeftCenter,
    /// Bottom-left corner.
    LeftBottom,
    /// Middle of the top edge.
    CenterTop,
    /// The centre.
    CenterCenter,
    /// Middle of the bottom edge.
    CenterBottom,
    /// Bottom-right corner.
    RightBottom,
}

/// What kind of text a label is; the writer picks the font and size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Font {
    /// A lane title in the header.
    Title,
    /// The label of a message row.
    Label,
    /// Secondary text: subtitles, frame labels, stage captions, idle gaps.
    Small,
    /// The time column (monospace).
    Time,
    /// A browser-API marker.
    Marker,
    /// The hint of an empty diagram.
    Hint,
    /// The glyph inside a diagnostic marker.
    Glyph,
}

/// What a text or mark means, for its colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// Ordinary text.
    Text,
    /// Secondary text.
    Weak,
    /// Emphasised text (lane titles).
    Strong,
    /// A diagnostic of this severity.
    Diagnostic(Severity),
    /// A check that passed (the upgrade's `Sec-WebSocket-Accept`).
    Confirmed,
    /// A check that failed.
    Failed,
    /// The playhead of a running scenario.
    Playhead,
    /// Text drawn on top of a coloured marker.
    OnMarker,
}

/// A text: one line, or two separated by `\n` when it was wrapped to fit.
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    /// The text as drawn (control characters shown as escapes).
    pub text: String,
    /// The whole text, when `text` had to be shortened to fit: the writer shows it on hover.
    pub full: Option<String>,
    /// Where `anchor` goes.
    pub pos: Point,
    /// Which point of the text box is at `pos`.
    pub anchor: Anchor,
    /// Wider text is truncated with `…` (`None`: never).
    pub max_width: Option<f32>,
    /// Its kind of text.
    pub font: Font,
    /// Its colour's meaning.
    pub tone: Tone,
}

/// What a lifeline stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LifelineStyle {
    /// A client or the server: it was observed.
    Participant,
    /// The edge of the browser-API lane: inferred, not observed.
    Inferred,
}

/// A vertical line through the body.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Lifeline {
    /// Its x.
    pub x: f32,
    /// Top end.
    pub top: f32,
    /// Bottom end.
    pub bottom: f32,
    /// What it stands for.
    pub style: LifelineStyle,
}

/// The header above the rows: a band, a rule under it, the lane titles.
#[derive(Clone, Debug, PartialEq)]
pub struct Header {
    /// The band the header covers (drawn over rows scrolled beneath it).
    pub band: Rect,
    /// The rule under the header, at `band.bottom()`.
    pub rule: XSpan,
    /// Titles and subtitles.
    pub labels: Vec<Label>,
}

/// A collapsed idle gap: a band across the diagram saying how long nothing happened.
#[derive(Clone, Debug, PartialEq)]
pub struct GapMarker {
    /// The band.
    pub band: Rect,
    /// E.g. `… 1.5 s idle`, centred in the band.
    pub label: Label,
}

/// A stretch of one connection's `readyState` in the browser-API lane.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ApiBand {
    /// Where it is drawn.
    pub rect: Rect,
    /// The `readyState` (0 CONNECTING … 3 CLOSED).
    pub state: u8,
}

/// Which way an arrow goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArrowStyle {
    /// Client → server.
    ClientToServer,
    /// Server → client.
    ServerToClient,
}

impl ArrowStyle {
    /// The style of an arrow going `dir`.
    pub fn of(dir: Dir) -> ArrowStyle {
        match dir {
            Dir::C2s => ArrowStyle::ClientToServer,
            Dir::S2c => ArrowStyle::ServerToClient,
        }
    }
}

/// What an arrow carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WireUnit {
    /// A message (or any other event with a direction): drawn full strength.
    Message,
    /// A WebSocket frame on its own row ("show frames"): drawn lighter.
    Frame,
}

/// A small vertical tick under an arrow, one per frame of a fragmented message.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tick {
    /// Its x.
    pub x: f32,
    /// Top end (on the arrow).
    pub top: f32,
    /// Bottom end.
    pub bottom: f32,
}

/// An arrow between a client and the server.
#[derive(Clone, Debug, PartialEq)]
pub struct Arrow {
    /// Tail.
    pub from: Point,
    /// Tip.
    pub to: Point,
    /// The arrowhead triangle, tip first.
    pub head: [Point; 3],
    /// Which way.
    pub style: ArrowStyle,
    /// What it carries.
    pub unit: WireUnit,
    /// One per carrying frame, when a message came in several.
    pub ticks: Vec<Tick>,
    /// The text above it.
    pub label: Label,
}

/// A filled circle.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dot {
    /// Centre.
    pub center: Point,
    /// Radius.
    pub radius: f32,
}

/// A socket-level event (`connect()`, `accept()`, close): a dashed line between client and
/// server, a big dot on the side that acted and small dots at both ends.
#[derive(Clone, Debug, PartialEq)]
pub struct SocketLine {
    /// Client end.
    pub from: Point,
    /// Server end.
    pub to: Point,
    /// The acting side's dot, then the two ends.
    pub dots: [Dot; 3],
    /// The text above it.
    pub label: Label,
}

/// A lab stage finished: a rule across the lanes with the stage's name on a backdrop.
#[derive(Clone, Debug, PartialEq)]
pub struct StageCaption {
    /// Extent of the rule.
    pub rule: XSpan,
    /// Its y.
    pub y: f32,
    /// The caption, drawn on the panel's background.
    pub label: Label,
}

/// A diagnostic: a warning triangle with a glyph, and its text.
#[derive(Clone, Debug, PartialEq)]
pub struct DiagnosticMark {
    /// How bad.
    pub severity: Severity,
    /// The triangle, top corner first.
    pub triangle: [Point; 3],
    /// The `!` inside it.
    pub glyph: Label,
    /// The message.
    pub label: Label,
}

/// A note on a connection (upgrade check, extensions, an API event of unknown cause): text
/// in a box outlined in the label's tone.
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    /// The text; the box is its text box, padded.
    pub label: Label,
}

/// How a row draws its main event.
#[derive(Clone, Debug, PartialEq)]
pub enum Mark {
    /// Bytes between client and server.
    Arrow(Arrow),
    /// A socket event.
    Socket(SocketLine),
    /// A stage separator.
    Stage(StageCaption),
    /// A diagnostic.
    Diagnostic(DiagnosticMark),
    /// A note.
    Note(Note),
    /// The end of a body shown at its head: the bottom of its span.
    StreamEnd(StreamEnd),
}

impl Mark {
    /// The mark's text.
    pub fn label(&self) -> &Label {
        match self {
            Mark::Arrow(arrow) => &arrow.label,
            Mark::Socket(socket) => &socket.label,
            Mark::Stage(stage) => &stage.label,
            Mark::Diagnostic(diagnostic) => &diagnostic.label,
            Mark::Note(note) => &note.label,
            Mark::StreamEnd(end) => &end.label,
        }
    }
}

/// A browser-API event drawn on its cause's row: a dot in its state's colour and a text.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiMarker {
    /// The `api` event (index into the trace).
    pub event: usize,
    /// Its line in the API lane (the click target).
    pub band: Rect,
    /// It is the selected event.
    pub selected: bool,
    /// The dot.
    pub dot: Dot,
    /// The `readyState` after it, the dot's colour.
    pub state: u8,
    /// E.g. `onmessage "Hello"`.
    pub label: Label,
}

/// One visible row.
#[derive(Clone, Debug, PartialEq)]
pub struct SceneRow {
    /// Its index in [`Rows::rows`](crate::diagram::rows::Rows::rows).
    pub row: usize,
    /// Its main event (index into the trace).
    pub event: usize,
    /// The row's band right of the API lane (the click target, the selection highlight).
    pub band: Rect,
    /// The row shows the selected event.
    pub selected: bool,
    /// The event's one-line summary (also its accessible name).
    pub summary: String,
    /// The time column.
    pub time: Label,
    /// The main mark.
    pub mark: Mark,
    /// Browser-API markers on this row.
    pub api: Vec<ApiMarker>,
}

/// The newest moment of a running scenario: a line across the diagram.
#[derive(Clone, Debug, PartialEq)]
pub struct Playhead {
    /// Its y.
    pub y: f32,
    /// Its extent.
    pub span: XSpan,
    /// `now`.
    pub label: Label,
}

/// The visible part of a diagram, ready to draw.
#[derive(Clone, Debug, PartialEq)]
pub struct Scene {
    /// The whole drawing (header and body).
    pub frame: Rect,
    /// Where rows are drawn, below the header; rows are clipped to it.
    pub body: Rect,
    /// Lane positions.
    pub lanes: Lanes,
    /// Lifelines, drawn first.
    pub lifelines: Vec<Lifeline>,
    /// Collapsed idle gaps in view.
    pub gaps: Vec<GapMarker>,
    /// The browser-API state bands.
    pub api_bands: Vec<ApiBand>,
    /// Open spans in view (held requests, open streams), drawn under the rows.
    pub spans: Vec<SpanBar>,
    /// The rows in view, top to bottom.
    pub rows: Vec<SceneRow>,
    /// The playhead, when a run is active and it is in view.
    pub playhead: Option<Playhead>,
    /// What an empty diagram says.
    pub empty_hint: Option<Label>,
    /// The header, drawn last (over rows).
    pub header: Header,
}

/// Where the diagram is drawn and which part of it is in view.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Viewport {
    /// The drawing's rectangle (header and body), in screen px.
    pub frame: Rect,
    /// How far the body is scrolled (px from the top of the layout).
    pub scroll_y: f32,
}

/// Whether a scenario is running (the playhead is drawn).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunState {
    /// Nothing running.
    Idle,
    /// A run is active.
    Running,
}

/// The view's options that change what is drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SceneOptions<'a> {
    /// The selected event (index into the trace).
    pub selected: Option<usize>,
    /// Frames have rows of their own (`rows` were built with frames shown).
    pub show_frames: bool,
    /// Whether a run is active.
    pub run: RunState,
    /// The zoom, shown in the header.
    pub px_per_ms: f32,
    /// What an empty diagram says.
    pub empty_hint: &'a str,
    /// The language of the diagram's own words and of every label.
    pub lang: Lang,
}
