//! A [`Scene`] written as SVG, drawn as the egui painter (`ui::timeline`) draws it: the same
//! shapes in the same order, colours from a [`Palette`], text as real `<text>` (selectable,
//! searchable) in the fonts of [`super::fonts`]. A shortened label carries its full text as a
//! `<title>` (a tooltip in a browser). Each mark is a `<g>` with a class naming what it is
//! (`row`, `arrow`, `socket`, `stage`, `diagnostic`, `note`, `stream-end`, `span`, `gap`,
//! `header`), so the SVG can be checked and restyled.

use svg::node::element::{
    Circle, ClipPath, Definitions, Group, Line, Polygon, Rectangle, Text, Title,
};
use svg::{Document, Node};

use super::fonts::{css_families, css_weight, measure, text_style, vertical_metrics};
use super::{Palette, Rgba};
use crate::diagram::geom::{Point, Rect};
use crate::diagram::scene::labels::{Lines, fit, line_height};
use crate::diagram::scene::{
    Anchor, Arrow, ArrowStyle, DiagnosticMark, Label, LifelineStyle, Mark, Note, Scene, SceneRow,
    SocketLine, SpanBar, StageCaption, StreamEnd, Tone, WireUnit,
};
use crate::diagram::spans::{SpanEnd, SpanKind};
use crate::lang::{Lang, Text as LangText};
use crate::trace::Dir;

/// The document's title.
const TITLE: LangText = LangText {
    en: "wirelab: sequence diagram",
    zh: "wirelab：时序图",
};

/// The height of a caption's band above the diagram (px at 1×).
const CAPTION_H: f32 = 30.0;

/// The SVG of `scene`, in `palette`'s colours; `lang` is the language of its text (the
/// scene's texts are already in it), named on the root element.
pub fn write_svg(scene: &Scene, palette: &Palette, lang: Lang) -> String {
    write_captioned_svg(scene, palette, lang, None)
}

/// [`write_svg`] with `caption` (a lesson step's title) on a band of its own above the
/// diagram, shortened with `…` to the width.
pub fn write_captioned_svg(
    scene: &Scene,
    palette: &Palette,
    lang: Lang,
    caption: Option<&str>,
) -> String {
    let frame = scene.frame;
    let (w, h) = (frame.width().ceil(), frame.height().ceil());
    let writer = Writer { palette };
    // The band sits above the scene's own coordinates: the view box grows upwards.
    let band = if caption.is_some() { CAPTION_H } else { 0.0 };
    let mut doc = Document::new()
        .set("width", w)
        .set("height", h + band)
        .set("viewBox", (frame.left(), frame.top() - band, w, h + band))
        .set("xml:lang", lang_tag(lang))
        .add(Title::new(TITLE.get(lang)))
        .add(
            Definitions::new().add(
                ClipPath::new()
                    .set("id", "body")
                    .add(rect_element(scene.body)),
            ),
        )
        .add(
            rect_element(Rect::from_min_max(
                Point::new(frame.left(), frame.top() - band),
                Point::new(frame.right(), frame.bottom()),
            ))
            .set("fill", palette.background.hex()),
        );
    if let Some(caption) = caption {
        let label = Label {
            text: caption.to_string(),
            full: None,
            pos: Point::new(frame.left() + 8.0, frame.top() - band / 2.0),
            anchor: Anchor::LeftCenter,
            max_width: Some((w - 16.0).max(1.0)),
            font: crate::diagram::scene::Font::Hint,
            tone: Tone::Strong,
        };
        doc = doc.add(writer.label(&label).set("class", "caption"));
    }

    for line in &scene.lifelines {
        let color = match line.style {
            LifelineStyle::Participant => palette.lane,
            LifelineStyle::Inferred => palette.lane.faded(0.5),
        };
        doc = doc.add(stroke(
            line_element(
                Point::new(line.x, line.top),
                Point::new(line.x, line.bottom),
            ),
            color,
            1.0,
        ));
    }

    let mut body = Group::new().set("clip-path", "url(#body)");
    for gap in &scene.gaps {
        body = body.add(
            Group::new()
                .set("class", "gap")
                .add(fill(rounded(gap.band, 2.0), palette.faint_bg))
                .add(writer.label(&gap.label)),
        );
    }
    for band in &scene.api_bands {
        body = body.add(fill(
            rounded(band.rect, 1.0),
            palette.ready_state(band.state),
        ));
    }
    for bar in &scene.spans {
        body = body.add(writer.span(bar));
    }
    for row in &scene.rows {
        body = body.add(writer.row(row));
    }
    if let Some(playhead) = &scene.playhead {
        body = body.add(stroke(
            line_element(
                Point::new(playhead.span.left, playhead.y),
                Point::new(playhead.span.right, playhead.y),
            ),
            writer.tone(playhead.label.tone),
            1.5,
        ));
        body = body.add(writer.label(&playhead.label));
    }
    if let Some(hint) = &scene.empty_hint {
        let (text, bounds) = writer.placed(hint);
        body = body
            .add(fill(
                rounded(expand(bounds, 6.0, 6.0), 4.0),
                palette.background,
            ))
            .add(text);
    }
    doc = doc.add(body);

    // The header last, over the rows.
    let header = &scene.header;
    let mut head = Group::new()
        .set("class", "header")
        .add(fill(rect_element(header.band), palette.background))
        .add(stroke(
            line_element(
                Point::new(header.rule.left, header.band.bottom()),
                Point::new(header.rule.right, header.band.bottom()),
            ),
            palette.lane,
            1.0,
        ));
    for label in &header.labels {
        head = head.add(writer.label(label));
    }
    doc = doc.add(head);
    doc.to_string()
}

/// The BCP 47 tag of `lang`.
fn lang_tag(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "en",
        Lang::Zh => "zh-Hans",
    }
}

struct Writer<'a> {
    palette: &'a Palette,
}

impl Writer<'_> {
    /// The colour of a text or mark of tone `tone`.
    fn tone(&self, tone: Tone) -> Rgba {
        let p = self.palette;
        match tone {
            Tone::Text => p.text,
            Tone::Weak => p.weak,
            Tone::Strong => p.strong,
            Tone::Diagnostic(severity) => p.severity(severity),
            Tone::Confirmed => p.ok,
            Tone::Failed => p.error,
            Tone::Playhead => p.playhead,
            Tone::OnMarker => p.marker_glyph,
        }
    }

    /// A label as text (with its full text as a title when it was shortened).
    fn label(&self, label: &Label) -> Group {
        self.placed(label).0
    }

    /// A label as text, and its text box.
    fn placed(&self, label: &Label) -> (Group, Rect) {
        let font = label.font;
        let (size, family) = text_style(font);
        let mut shortened = label.full.clone();
        let lines: Vec<String> = label
            .text
            .split('\n')
            .map(|line| {
                let line = xml_safe(line);
                match label.max_width {
                    Some(max_w) if measure(&line, font) > max_w => {
                        // The painter's one-line truncation at the label's width.
                        let m = |t: &str, f| measure(t, f);
                        shortened.get_or_insert_with(|| label.text.clone());
                        fit(&line, font, max_w, Lines::One, &m).text
                    }
                    _ => line,
                }
            })
            .collect();
        let width = lines
            .iter()
            .map(|l| measure(l, font))
            .fold(0.0_f32, f32::max);
        let lh = line_height(font);
        let height = lh * lines.len() as f32;
        let p = label.pos;
        let (left, top) = match label.anchor {
            Anchor::LeftTop => (p.x, p.y),
            Anchor::LeftCenter => (p.x, p.y - height / 2.0),
            Anchor::LeftBottom => (p.x, p.y - height),
            Anchor::CenterTop => (p.x - width / 2.0, p.y),
            Anchor::CenterCenter => (p.x - width / 2.0, p.y - height / 2.0),
            Anchor::CenterBottom => (p.x - width / 2.0, p.y - height),
            Anchor::RightBottom => (p.x - width, p.y - height),
        };
        // Each line anchored where its box says, so another viewer's font keeps it in place.
        let (x, text_anchor) = match label.anchor {
            Anchor::LeftTop | Anchor::LeftCenter | Anchor::LeftBottom => (left, "start"),
            Anchor::CenterTop | Anchor::CenterCenter | Anchor::CenterBottom => (p.x, "middle"),
            Anchor::RightBottom => (p.x, "end"),
        };
        let (ascent, descent) = vertical_metrics(font);
        let baseline = |k: usize| top + lh * k as f32 + (lh - ascent - descent) / 2.0 + ascent;
        let color = self.tone(label.tone);
        // The font on a group, one `<text>` per line: no whitespace between elements becomes
        // text of its own.
        let mut group = Group::new()
            .set("class", "label")
            .set("font-family", css_families(family))
            .set("font-size", size)
            .set("font-weight", css_weight(family))
            .set("text-anchor", text_anchor)
            .set("fill", color.hex());
        if color.a < 255 {
            group = group.set("fill-opacity", color.opacity());
        }
        if let Some(full) = &shortened {
            group = group.add(Title::new(xml_safe(full)));
        }
        for (k, line) in lines.into_iter().enumerate() {
            if line.is_empty() {
                continue;
            }
            // The width it was fitted at: a viewer without our fonts (a browser falls back to
            // its own, wider sans) squeezes the line into it instead of spilling out of its box.
            let length = measure(&line, font);
            group = group.add(
                Text::new(line)
                    .set("x", x)
                    .set("y", baseline(k))
                    .set("textLength", length)
                    .set("lengthAdjust", "spacingAndGlyphs")
                    .set("xml:space", "preserve"),
            );
        }
        let bounds = Rect::from_min_max(
            Point::new(left, top),
            Point::new(left + width, top + height),
        );
        (group, bounds)
    }

    fn row(&self, row: &SceneRow) -> Group {
        let p = self.palette;
        let mut g = Group::new()
            .set("class", "row")
            .set("data-event", row.event);
        if row.selected {
            g = g.add(fill(rounded(row.band, 3.0), p.selection.faded(0.35)));
        }
        g = g.add(self.label(&row.time));
        g = g.add(self.mark(row));
        for marker in &row.api {
            let mut m = Group::new().set("class", "api-marker");
            if marker.selected {
                m = m.add(fill(rounded(marker.band, 2.0), p.selection.faded(0.5)));
            }
            m = m
                .add(circle(
                    marker.dot.center,
                    marker.dot.radius,
                    p.ready_state(marker.state),
                ))
                .add(self.label(&marker.label));
            g = g.add(m);
        }
        g
    }

    fn mark(&self, row: &SceneRow) -> Group {
        match &row.mark {
            Mark::Arrow(arrow) => self.arrow(arrow, row.selected),
            Mark::Socket(socket) => self.socket(socket),
            Mark::Stage(stage) => self.stage(stage),
            Mark::Diagnostic(diagnostic) => self.diagnostic(diagnostic),
            Mark::Note(note) => self.note(note),
            Mark::StreamEnd(end) => self.stream_end(end),
        }
    }

    fn arrow(&self, arrow: &Arrow, selected: bool) -> Group {
        let color = self.palette.direction(match arrow.style {
            ArrowStyle::ClientToServer => Dir::C2s,
            ArrowStyle::ServerToClient => Dir::S2c,
        });
        let width = match (selected, arrow.unit) {
            (true, _) => 2.5,
            (false, WireUnit::Frame) => 1.0,
            (false, WireUnit::Message) => 1.5,
        };
        let line_color = match arrow.unit {
            WireUnit::Frame => color.faded(0.7),
            WireUnit::Message => color,
        };
        let (class, unit) = match arrow.unit {
            WireUnit::Message => ("arrow", "message"),
            WireUnit::Frame => ("arrow", "frame"),
        };
        let mut g = Group::new()
            .set("class", class)
            .set("data-unit", unit)
            .add(stroke(
                line_element(arrow.from, arrow.to),
                line_color,
                width,
            ))
            .add(fill(polygon(&arrow.head), line_color));
        for tick in &arrow.ticks {
            g = g.add(stroke(
                line_element(
                    Point::new(tick.x, tick.top),
                    Point::new(tick.x, tick.bottom),
                ),
                color,
                1.0,
            ));
        }
        g.add(self.label(&arrow.label))
    }

    fn socket(&self, socket: &SocketLine) -> Group {
        let color = self.tone(Tone::Weak);
        let mut g = Group::new().set("class", "socket").add(
            stroke(line_element(socket.from, socket.to), color, 1.2).set("stroke-dasharray", "5 4"),
        );
        for dot in &socket.dots {
            g = g.add(circle(dot.center, dot.radius, color));
        }
        g.add(self.label(&socket.label))
    }

    fn stage(&self, stage: &StageCaption) -> Group {
        let (text, bounds) = self.placed(&stage.label);
        Group::new()
            .set("class", "stage")
            .add(stroke(
                line_element(
                    Point::new(stage.rule.left, stage.y),
                    Point::new(stage.rule.right, stage.y),
                ),
                self.palette.lane,
                1.0,
            ))
            .add(fill(
                rounded(expand(bounds, 2.0, 2.0), 2.0),
                self.palette.background,
            ))
            .add(text)
    }

    fn diagnostic(&self, diagnostic: &DiagnosticMark) -> Group {
        Group::new()
            .set("class", "diagnostic")
            .add(fill(
                polygon(&diagnostic.triangle),
                self.palette.severity(diagnostic.severity),
            ))
            .add(self.label(&diagnostic.glyph))
            .add(self.label(&diagnostic.label))
    }

    fn note(&self, note: &Note) -> Group {
        let (text, bounds) = self.placed(&note.label);
        let outline = self.tone(note.label.tone).faded(0.7);
        Group::new()
            .set("class", "note")
            .add(stroke(
                fill(
                    rounded(expand(bounds, 5.0, 2.0), 3.0),
                    self.palette.faint_bg,
                ),
                outline,
                1.0,
            ))
            .add(text)
    }

    fn stream_end(&self, end: &StreamEnd) -> Group {
        Group::new()
            .set("class", "stream-end")
            .add(stroke(
                line_element(
                    Point::new(end.cap.left, end.y),
                    Point::new(end.cap.right, end.y),
                ),
                self.palette.s2c,
                2.5,
            ))
            .add(self.label(&end.label))
    }

    /// An open span: a translucent bar, outlined, open at the bottom with an arrowhead while
    /// it goes on, broken where a held gap was shortened.
    fn span(&self, bar: &SpanBar) -> Group {
        let color = self.palette.direction(match bar.kind {
            SpanKind::Held => Dir::C2s,
            SpanKind::Stream { .. } => Dir::S2c,
        });
        let outline = color.faded(0.8);
        let r = bar.rect;
        let mut g = Group::new().set("class", "span");
        if let Some(text) = &bar.text {
            g = g.add(Title::new(xml_safe(text)));
        }
        g = g.add(fill(rounded(r, 2.0), color.faded(0.25)));
        let edge = |a: Point, b: Point| stroke(line_element(a, b), outline, 1.0);
        g = g
            .add(edge(r.min, Point::new(r.left(), r.bottom())))
            .add(edge(Point::new(r.right(), r.top()), r.max))
            .add(edge(r.min, Point::new(r.right(), r.top())));
        match bar.end {
            SpanEnd::Open => {
                let (c, b) = (r.center().x, r.bottom());
                g = g.add(fill(
                    polygon(&[
                        Point::new(c, b + 5.0),
                        Point::new(c + 5.0, b - 2.0),
                        Point::new(c - 5.0, b - 2.0),
                    ]),
                    outline,
                ));
            }
            SpanEnd::Done | SpanEnd::Closed => {
                g = g.add(edge(Point::new(r.left(), r.bottom()), r.max));
            }
        }
        for &y in &bar.breaks {
            g = g.add(fill(
                rect_element(Rect::from_min_max(
                    Point::new(r.left() - 1.0, y - 3.0),
                    Point::new(r.right() + 1.0, y + 3.0),
                )),
                self.palette.background,
            ));
            for dy in [-3.0, 3.0] {
                g = g.add(edge(
                    Point::new(r.left() - 3.0, y + dy + 2.0),
                    Point::new(r.right() + 3.0, y + dy - 2.0),
                ));
            }
        }
        if let Some(label) = &bar.label {
            g = g.add(self.label(label));
        }
        g
    }
}

/// Characters XML 1.0 cannot carry (C0 controls other than tab and line breaks) shown as
/// `\u{..}` escapes; the scene already shows most controls as escapes.
fn xml_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let ok =
            matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && !matches!(c, '\u{FFFE}' | '\u{FFFF}'));
        if ok {
            out.push(c);
        } else {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        }
    }
    out
}

fn expand(r: Rect, dx: f32, dy: f32) -> Rect {
    Rect::from_min_max(
        Point::new(r.left() - dx, r.top() - dy),
        Point::new(r.right() + dx, r.bottom() + dy),
    )
}

fn rect_element(r: Rect) -> Rectangle {
    Rectangle::new()
        .set("x", r.left())
        .set("y", r.top())
        .set("width", r.width().max(0.0))
        .set("height", r.height().max(0.0))
}

fn rounded(r: Rect, radius: f32) -> Rectangle {
    rect_element(r).set("rx", radius)
}

fn line_element(a: Point, b: Point) -> Line {
    Line::new()
        .set("x1", a.x)
        .set("y1", a.y)
        .set("x2", b.x)
        .set("y2", b.y)
}

fn polygon(points: &[Point]) -> Polygon {
    let points: Vec<String> = points.iter().map(|p| format!("{},{}", p.x, p.y)).collect();
    Polygon::new().set("points", points.join(" "))
}

fn circle(center: Point, radius: f32, color: Rgba) -> Circle {
    fill(
        Circle::new()
            .set("cx", center.x)
            .set("cy", center.y)
            .set("r", radius),
        color,
    )
}

/// Sets a fill colour (and its opacity when not opaque).
fn fill<N: Node>(mut shape: N, color: Rgba) -> N {
    shape.assign("fill", color.hex());
    if color.a < 255 {
        shape.assign("fill-opacity", color.opacity());
    }
    shape
}

/// Sets a stroke colour and width (and its opacity when not opaque); no fill unless set.
fn stroke<N: Node>(mut shape: N, color: Rgba, width: f32) -> N {
    shape.assign("stroke", color.hex());
    shape.assign("stroke-width", width);
    if !shape
        .get_attributes()
        .is_some_and(|a| a.contains_key("fill"))
    {
        shape.assign("fill", "none");
    }
    if color.a < 255 {
        shape.assign("stroke-opacity", color.opacity());
    }
    shape
}
