//! [`build_scene`]: the trace, its rows and layout and the viewport → a [`Scene`].

use super::labels::{Lines, Measure, fit, left_in, line_height};
use super::spans::{SpanView, span_bars, stream_end};
use super::{
    Anchor, ApiBand, ApiMarker, Arrow, ArrowStyle, DiagnosticMark, Dot, Font, GapMarker, Header,
    Label, Lifeline, LifelineStyle, Mark, Note, Playhead, RunState, Scene, SceneOptions, SceneRow,
    SocketLine, StageCaption, Tick, Tone, Viewport, WireUnit,
};
use crate::diagram::api_lane::{ApiStates, marker_text, phase_of};
use crate::diagram::geom::{Point, Rect};
use crate::diagram::layout::{
    API_LINE_H, GapKind, HEADER_H, LaneNeeds, Lanes, TimelineLayout, XSpan, row_height,
};
use crate::diagram::rows::{Row, RowKind, Rows};
use crate::lang::{Lang, Text};
use crate::trace::describe::{self, format_duration_us};
use crate::trace::{Dir, Event, EventKind, Severity, Side, Trace};

/// Shows control characters as escapes (`\n`, `\u{1b}`), so a label stays on one line,
/// every glyph exists and nothing invisible is hidden.
pub fn one_line(text: &str) -> String {
    describe::visible(text)
}

/// The lanes of `trace`'s diagram drawn into `frame`, spaced by the room their titles need.
pub fn lanes_for(
    frame: Rect,
    rows: &Rows,
    trace: &Trace,
    measure: Measure<'_>,
    lang: Lang,
) -> Lanes {
    let client = |conn: u32| {
        let (title, subtitle) = lane_titles(trace, conn, lang);
        measure(&title, Font::Title).max(measure(&subtitle, Font::Small))
    };
    let (server, server_addr) = server_titles(trace, lang);
    let needs = LaneNeeds {
        client: &client,
        api: measure(API_TITLE.get(lang), Font::Title) + 12.0,
        server: measure(&server, Font::Title).max(measure(&server_addr, Font::Small)),
    };
    Lanes::new(frame, &rows.lanes, &trace.connections, &needs)
}

/// For each row of `rows` (in order, into `out`), the height (px) it needs above its
/// ordinary height for a second line of label in a diagram drawn into `frame`: a row whose
/// label does not fit on one line gets room for two. One measurement per row.
pub fn label_extra_heights(
    trace: &Trace,
    rows: &Rows,
    frame: Rect,
    measure: Measure<'_>,
    lang: Lang,
    out: &mut Vec<f32>,
) {
    out.clear();
    let lanes = lanes_for(frame, rows, trace, measure, lang);
    out.extend(rows.rows.iter().map(|row| {
        let Some(event) = trace.events.get(row.event) else {
            return 0.0;
        };
        let Some(room) = label_room(&lanes, row) else {
            return 0.0;
        };
        let font = row_font(row);
        let text = row_text(row, event, lang);
        if measure(&text, font) > room.preferred.right - room.preferred.left {
            line_height(font)
        } else {
            0.0
        }
    }));
}

/// The browser-API lane's title.
const API_TITLE: Text = Text {
    en: "browser API",
    zh: "浏览器 API",
};

/// The server lane's title.
const SERVER: Text = Text {
    en: "server",
    zh: "服务器",
};

/// Where a row's label may go: preferably over its own lanes, else over the whole width.
struct LabelRoom {
    preferred: XSpan,
    whole: XSpan,
}

/// The room of `row`'s label; `None` for a stage caption (always one line across).
fn label_room(lanes: &Lanes, row: &Row) -> Option<LabelRoom> {
    let whole = XSpan {
        left: lanes.api.right + 6.0,
        right: lanes.right,
    };
    let from = |left: f32| XSpan {
        left: left.clamp(whole.left, whole.right),
        right: whole.right,
    };
    let room = match row.kind {
        RowKind::Arrow { conn, .. } | RowKind::Socket { conn } => {
            let cx = lanes.client_x(conn);
            LabelRoom {
                preferred: from(cx.min(lanes.server_x) - 4.0),
                whole,
            }
        }
        // A stage caption is one line across; a stream's end places its own label.
        RowKind::Stage | RowKind::BodyEnd { .. } => return None,
        RowKind::Diagnostic { conn } => {
            let r = from(lanes.client_x(conn.unwrap_or(0)) + 26.0);
            LabelRoom {
                preferred: r,
                whole: r,
            }
        }
        RowKind::Note { conn } | RowKind::Api { conn } => {
            let cx = conn.map_or(lanes.server_x, |c| lanes.client_x(c));
            // The note's box is padded by 5 px each side.
            let r = XSpan {
                left: (cx + 10.0).clamp(whole.left, whole.right),
                right: whole.right - 6.0,
            };
            LabelRoom {
                preferred: r,
                whole: r,
            }
        }
    };
    Some(room)
}

/// The font of `row`'s label.
fn row_font(row: &Row) -> Font {
    if row.is_frame {
        Font::Small
    } else {
        Font::Label
    }
}

/// The full text of `row`'s label, whose event is `event`.
fn row_text(row: &Row, event: &Event, lang: Lang) -> String {
    let mut text = one_line(&describe::summary(event, lang));
    // A message's summary already says how many fragments it came in.
    let fragmented =
        matches!(&event.kind, EventKind::WsMessage { fragments, .. } if *fragments > 1);
    if matches!(row.kind, RowKind::Arrow { .. }) && row.frames.len() > 1 && !fragmented {
        text.push_str(&match lang {
            Lang::En => format!("  [{} frames]", row.frames.len()),
            Lang::Zh => format!("  [{} 帧]", row.frames.len()),
        });
    }
    text
}

/// `text` fitted into `room`: on one line over its preferred span if it fits, else (when the
/// row has the height) on two lines there or over the whole width, else shortened; returns
/// the text, its full version if shortened, and its box's left edge for a box centred on
/// `center`.
fn fit_in_room(
    text: &str,
    font: Font,
    room: &LabelRoom,
    lines: Lines,
    center: f32,
    measure: Measure<'_>,
) -> (String, Option<String>, f32) {
    let width = |s: XSpan| (s.right - s.left).max(0.0);
    let mut span = room.preferred;
    let mut fitted = fit(text, font, width(span), lines, measure);
    if fitted.shortened && room.whole != room.preferred {
        span = room.whole;
        fitted = fit(text, font, width(span), lines, measure);
    }
    let left = left_in(span, fitted.width, center);
    let full = fitted.shortened.then(|| text.to_string());
    (fitted.text, full, left)
}

/// Builds the scene of the part of `trace`'s diagram in `viewport`: only rows and gaps in
/// view are included, so its size follows the window, not the trace. Text is measured with
/// `measure`, the writer's own measurement; `layout` must have been laid out with the
/// heights of [`label_extra_heights`] for the same frame to give long labels two lines.
pub fn build_scene(
    trace: &Trace,
    rows: &Rows,
    api_states: &ApiStates,
    layout: &TimelineLayout,
    viewport: Viewport,
    options: &SceneOptions<'_>,
    measure: Measure<'_>,
) -> Scene {
    let frame = viewport.frame;
    let body = Rect::from_min_max(Point::new(frame.left(), frame.top() + HEADER_H), frame.max);
    let lang = options.lang;
    let lanes = lanes_for(frame, rows, trace, measure, lang);
    let scroll_y = viewport.scroll_y;
    let y0 = body.top() - scroll_y;

    let lifeline = |x: f32, style: LifelineStyle| Lifeline {
        x,
        top: body.top(),
        bottom: body.bottom(),
        style,
    };
    let mut lifelines = vec![lifeline(lanes.server_x, LifelineStyle::Participant)];
    lifelines.extend(
        lanes
            .clients
            .iter()
            .map(|c| lifeline(c.x, LifelineStyle::Participant)),
    );
    lifelines.push(lifeline(lanes.api.right, LifelineStyle::Inferred));

    // Held gaps get no "idle" marker: the span that holds them is drawn through them.
    let gaps = layout
        .visible_gaps(scroll_y, scroll_y + body.height())
        .iter()
        .filter(|gap| gap.kind == GapKind::Idle)
        .map(|gap| {
            let band = Rect::from_min_max(
                Point::new(frame.left(), y0 + gap.y_top + 3.0),
                Point::new(lanes.right, y0 + gap.y_bottom - 3.0),
            );
            GapMarker {
                band,
                label: Label {
                    text: match lang {
                        Lang::En => format!("… {} idle", format_duration_us(gap.idle_us)),
                        Lang::Zh => format!("… 空闲 {}", format_duration_us(gap.idle_us)),
                    },
                    full: None,
                    pos: band.center(),
                    anchor: Anchor::CenterCenter,
                    max_width: None,
                    font: Font::Small,
                    tone: Tone::Weak,
                },
            }
        })
        .collect();

    let api_bands = api_bands(api_states, layout, &lanes, y0);
    // Row content shrinks with a zoomed-out layout; zoomed in, the extra room is below it.
    let scale = layout.row_scale.clamp(0.0, 1.0);
    let spans = span_bars(&SpanView {
        rows,
        layout,
        lanes: &lanes,
        y0,
        scroll_y,
        view_h: body.height(),
        line_dy: ARROW_DY * scale,
        lang,
    });

    let selected_row = options
        .selected
        .and_then(|e| rows.row_of_event.get(&e).copied());
    let mut scene_rows = Vec::new();
    for r in layout.visible_rows(scroll_y, scroll_y + body.height()) {
        let (Some(row), Some(&y), Some(&h)) =
            (rows.rows.get(r), layout.row_y.get(r), layout.row_h.get(r))
        else {
            continue;
        };
        let Some(event) = trace.events.get(row.event) else {
            continue;
        };
        let top = y0 + y;
        let summary = one_line(&describe::summary(event, lang));
        let selected = selected_row == Some(r);
        let geometry = RowGeometry {
            lanes: &lanes,
            top,
            h,
            scale,
        };
        scene_rows.push(SceneRow {
            row: r,
            event: row.event,
            band: Rect::from_min_max(
                Point::new(lanes.api.right + 2.0, top),
                Point::new(lanes.right, top + h),
            ),
            selected,
            time: Label {
                // A stage caption has no time of its own: its first row, just below, shows it.
                text: match row.kind {
                    RowKind::Stage => String::new(),
                    _ => describe::format_time_us(event.t_us),
                },
                full: None,
                pos: Point::new(lanes.time_x, top + 4.0),
                anchor: Anchor::LeftTop,
                max_width: None,
                font: Font::Time,
                tone: Tone::Weak,
            },
            mark: row_mark(&geometry, row, event, options, measure),
            api: api_markers(&geometry, row, trace, rows, options, measure),
            summary,
        });
    }

    let playhead = (options.run == RunState::Running && layout.height > 0.0)
        .then_some(y0 + layout.height + 4.0)
        .filter(|y| body.contains_y(*y))
        .map(|y| Playhead {
            y,
            span: XSpan {
                left: frame.left(),
                right: lanes.right,
            },
            label: Label {
                text: "now".into(),
                full: None,
                pos: Point::new(lanes.right, y - 2.0),
                anchor: Anchor::RightBottom,
                max_width: None,
                font: Font::Small,
                tone: Tone::Playhead,
            },
        });
    let empty_hint = trace.events.is_empty().then(|| {
        let fitted = fit(
            options.empty_hint,
            Font::Hint,
            (body.width() - 40.0).max(0.0),
            Lines::Two,
            measure,
        );
        Label {
            full: fitted.shortened.then(|| options.empty_hint.to_string()),
            text: fitted.text,
            pos: body.center(),
            anchor: Anchor::CenterCenter,
            max_width: None,
            font: Font::Hint,
            tone: Tone::Weak,
        }
    });
    let header = header(frame, &lanes, trace, options.px_per_ms, measure, lang);
    Scene {
        frame,
        body,
        lanes,
        lifelines,
        gaps,
        api_bands,
        spans,
        rows: scene_rows,
        playhead,
        empty_hint,
        header,
    }
}

/// Where a row is, for its marks.
struct RowGeometry<'a> {
    lanes: &'a Lanes,
    /// Screen y of the row's top.
    top: f32,
    /// Its height.
    h: f32,
    /// The layout's row scale, at most 1: offsets inside the row shrink with it.
    scale: f32,
}

/// Offset of a message row's arrow from the row's top, and of a frame row's, at scale 1.
const ARROW_DY: f32 = 21.0;
const FRAME_ARROW_DY: f32 = 16.0;

/// Every connection's `readyState` bands (few: one per change), not culled.
fn api_bands(states: &ApiStates, layout: &TimelineLayout, lanes: &Lanes, y0: f32) -> Vec<ApiBand> {
    let mut out = Vec::new();
    for (k, changes) in states.0.iter().enumerate() {
        let x = lanes.api.left + 3.0 + k as f32 * 7.0;
        let y_of = |row: usize| layout.row_y.get(row).copied().unwrap_or(0.0) + 8.0;
        for (n, change) in changes.iter().enumerate() {
            let start = y_of(change.row);
            let end = match changes.get(n + 1) {
                Some(next) => y_of(next.row),
                // CLOSED is final: a short stub; other states last until the newest row.
                None if change.state == 3 => start + 12.0,
                None => layout.height,
            };
            out.push(ApiBand {
                rect: Rect::from_min_max(
                    Point::new(x, y0 + start),
                    Point::new(x + 5.0, y0 + end.max(start + 4.0)),
                ),
                state: change.state,
            });
        }
    }
    out
}

/// The browser-API markers drawn on `row`.
fn api_markers(
    g: &RowGeometry<'_>,
    row: &Row,
    trace: &Trace,
    rows: &Rows,
    options: &SceneOptions<'_>,
    measure: Measure<'_>,
) -> Vec<ApiMarker> {
    let (selected, lang) = (options.selected, options.lang);
    let lanes = g.lanes;
    let stripes = rows.api_conns.len().max(1) as f32 * 7.0;
    let x = lanes.api.left + 6.0 + stripes;
    let mut out = Vec::new();
    for (k, &a) in row.api.iter().enumerate() {
        let Some(api_event) = trace.events.get(a) else {
            continue;
        };
        let marker_top = g.top + 3.0 + k as f32 * API_LINE_H;
        let state = phase_of(&api_event.kind);
        out.push(ApiMarker {
            event: a,
            band: Rect::from_min_max(
                Point::new(lanes.api.left, marker_top),
                Point::new(lanes.api.right - 2.0, marker_top + API_LINE_H),
            ),
            selected: selected == Some(a),
            dot: Dot {
                center: Point::new(x + 3.0, marker_top + API_LINE_H / 2.0),
                radius: 3.5,
            },
            state,
            label: {
                let full = one_line(&marker_text(api_event, trace, lang));
                let room = (lanes.api.right - x - 14.0).max(0.0);
                let fitted = fit(&full, Font::Marker, room, Lines::One, measure);
                Label {
                    full: fitted.shortened.then_some(full),
                    text: fitted.text,
                    pos: Point::new(x + 10.0, marker_top + 1.0),
                    anchor: Anchor::LeftTop,
                    max_width: None,
                    font: Font::Marker,
                    tone: Tone::Text,
                }
            },
        });
    }
    out
}

/// The main mark of `row`, whose event is `event`.
fn row_mark(
    g: &RowGeometry<'_>,
    row: &Row,
    event: &Event,
    options: &SceneOptions<'_>,
    measure: Measure<'_>,
) -> Mark {
    let (show_frames, lang) = (options.show_frames, options.lang);
    let lanes = g.lanes;
    let font = row_font(row);
    // A row laid out taller than its kind for a second line of label.
    let extra = (g.h - row_height(row) * g.scale).max(0.0);
    let lines = if extra + 0.5 >= line_height(font) {
        Lines::Two
    } else {
        Lines::One
    };
    let line_y = g.top
        + extra
        + g.scale
            * if row.is_frame {
                FRAME_ARROW_DY
            } else {
                ARROW_DY
            };
    let text = row_text(row, event, lang);
    // The label sits above the line, centred between its ends as far as its room allows,
    // its bottom just above the line.
    let room = label_room(lanes, row);
    let above = |x1: f32, x2: f32, tone: Tone| {
        let center = (x1 + x2) / 2.0;
        let (text, full, left) = match &room {
            Some(room) => fit_in_room(&text, font, room, lines, center, measure),
            None => (text.clone(), None, center),
        };
        Label {
            text,
            full,
            pos: Point::new(left, line_y - 1.0),
            anchor: Anchor::LeftBottom,
            max_width: None,
            font,
            tone,
        }
    };
    // A label that starts at `x` (a note, a diagnostic) and goes right.
    let from_left = |tone: Tone, y: f32| {
        let (text, full, left) = match &room {
            Some(room) => fit_in_room(&text, font, room, lines, f32::NEG_INFINITY, measure),
            None => (text.clone(), None, lanes.api.right),
        };
        Label {
            text,
            full,
            pos: Point::new(left, y),
            anchor: Anchor::LeftBottom,
            max_width: None,
            font,
            tone,
        }
    };
    match row.kind {
        RowKind::Arrow { conn, dir } => {
            let cx = lanes.client_x(conn);
            let (from, to) = match dir {
                Dir::C2s => (cx, lanes.server_x),
                Dir::S2c => (lanes.server_x, cx),
            };
            let tip = if to > from { -1.0 } else { 1.0 };
            // A message carried by several frames: one tick per frame under the arrow.
            let mut ticks = Vec::new();
            if row.frames.len() > 1 && !show_frames {
                let n = row.frames.len().min(64);
                let (l, r) = if from < to { (from, to) } else { (to, from) };
                for k in 0..n {
                    ticks.push(Tick {
                        x: l + (r - l) * (k as f32 + 1.0) / (n as f32 + 1.0),
                        top: line_y,
                        bottom: line_y + 5.0,
                    });
                }
            }
            let (unit, tone) = if row.is_frame {
                (WireUnit::Frame, Tone::Weak)
            } else {
                (WireUnit::Message, Tone::Text)
            };
            Mark::Arrow(Arrow {
                from: Point::new(from, line_y),
                to: Point::new(to, line_y),
                head: [
                    Point::new(to, line_y),
                    Point::new(to + tip * 9.0, line_y - 4.5),
                    Point::new(to + tip * 9.0, line_y + 4.5),
                ],
                style: ArrowStyle::of(dir),
                unit,
                ticks,
                label: above(from, to, tone),
            })
        }
        RowKind::Socket { conn } => {
            let cx = lanes.client_x(conn);
            let side_x = match &event.kind {
                EventKind::TcpAccept { .. }
                | EventKind::TcpClose {
                    initiator: Some(Side::Server),
                    ..
                } => lanes.server_x,
                _ => cx,
            };
            let dot = |x: f32, radius: f32| Dot {
                center: Point::new(x, line_y),
                radius,
            };
            Mark::Socket(SocketLine {
                from: Point::new(cx, line_y),
                to: Point::new(lanes.server_x, line_y),
                dots: [dot(side_x, 4.0), dot(cx, 2.5), dot(lanes.server_x, 2.5)],
                label: above(cx, lanes.server_x, Tone::Weak),
            })
        }
        RowKind::Stage => {
            let mid = g.top + g.h / 2.0;
            let span = XSpan {
                left: lanes.api.right + 10.0,
                right: lanes.right - 4.0,
            };
            let fitted = fit(
                &text,
                Font::Small,
                (span.right - span.left).max(0.0),
                Lines::One,
                measure,
            );
            Mark::Stage(StageCaption {
                rule: XSpan {
                    left: lanes.api.right + 4.0,
                    right: lanes.right,
                },
                y: mid,
                label: Label {
                    full: fitted.shortened.then(|| text.clone()),
                    text: fitted.text,
                    pos: Point::new(span.left, mid),
                    anchor: Anchor::LeftCenter,
                    max_width: None,
                    font: Font::Small,
                    tone: Tone::Weak,
                },
            })
        }
        RowKind::Diagnostic { conn } => {
            let severity = match &event.kind {
                EventKind::Diagnostic { severity, .. } => *severity,
                _ => Severity::Warning,
            };
            let center = Point::new(lanes.client_x(conn.unwrap_or(0)) + 14.0, line_y - 5.0);
            let at = |dx: f32, dy: f32| Point::new(center.x + dx, center.y + dy);
            Mark::Diagnostic(DiagnosticMark {
                severity,
                triangle: [at(0.0, -7.0), at(7.0, 6.0), at(-7.0, 6.0)],
                glyph: Label {
                    text: "!".into(),
                    full: None,
                    pos: at(0.0, 1.5),
                    anchor: Anchor::CenterCenter,
                    max_width: None,
                    font: Font::Glyph,
                    tone: Tone::OnMarker,
                },
                label: from_left(Tone::Diagnostic(severity), line_y + 2.0),
            })
        }
        RowKind::BodyEnd { conn } => Mark::StreamEnd(stream_end(lanes, conn, line_y, &text, lang)),
        RowKind::Note { .. } | RowKind::Api { .. } => {
            let tone = match &event.kind {
                EventKind::WsUpgradeCheck { valid: true, .. } => Tone::Confirmed,
                EventKind::WsUpgradeCheck { valid: false, .. } => Tone::Failed,
                _ => Tone::Weak,
            };
            Mark::Note(Note {
                label: from_left(tone, line_y + 2.0),
            })
        }
    }
}

/// A lane's title and subtitle: the client's name (from the lab) and address, or for a
/// connection without a name (a capture) its number and its address pair.
pub(super) fn lane_titles(trace: &Trace, conn: u32, lang: Lang) -> (String, String) {
    let numbered = || match lang {
        Lang::En => format!("client #{conn}"),
        Lang::Zh => format!("客户端 #{conn}"),
    };
    let Some(c) = trace.connections.iter().find(|c| c.id == conn) else {
        return (numbered(), String::new());
    };
    // The subtitle gives the address: a label that ends with it ("external client ADDR")
    // is titled without it.
    let name = c.label.as_deref().map_or_else(numbered, |l| {
        let name = l.strip_suffix(c.client.as_str()).map_or(l, str::trim_end);
        // The lab's lane names are stored in English: shown in the reader's language.
        one_line(&describe::lane_name(name, lang))
    });
    // The server's title shows the first connection's server; any other server is named
    // on its client's lane.
    let first_server = trace.connections.first().map(|f| f.server.as_str());
    let addr = if c.label.is_none() && first_server != Some(c.server.as_str()) {
        format!("{} → {}", c.client, c.server)
    } else {
        c.client.clone()
    };
    (name, one_line(&addr))
}

/// The server lane's title and subtitle (its address).
fn server_titles(trace: &Trace, lang: Lang) -> (String, String) {
    let addr = trace
        .connections
        .first()
        .map(|c| c.server.clone())
        .or_else(|| trace.source.server.clone())
        .unwrap_or_default();
    (SERVER.get(lang).into(), one_line(&addr))
}

/// The header: lane titles and subtitles over a band and a rule, each fitted to its lane.
fn header(
    frame: Rect,
    lanes: &Lanes,
    trace: &Trace,
    px_per_ms: f32,
    measure: Measure<'_>,
    lang: Lang,
) -> Header {
    let band = Rect::from_min_max(
        frame.min,
        Point::new(frame.left() + frame.width(), frame.top() + HEADER_H),
    );
    let top = band.top();
    // A text centred on (or starting at) `x`, no wider than `room`.
    let text = |t: &str, x: f32, y: f32, anchor: Anchor, font: Font, room: f32, tone: Tone| {
        let fitted = fit(t, font, room.max(0.0), Lines::One, measure);
        Label {
            full: fitted.shortened.then(|| t.to_string()),
            text: fitted.text,
            pos: Point::new(x, y),
            anchor,
            max_width: None,
            font,
            tone,
        }
    };
    let title = |t: &str, x: f32, anchor: Anchor, room: f32| {
        text(t, x, top + 6.0, anchor, Font::Title, room, Tone::Strong)
    };
    let subtitle = |t: &str, x: f32, anchor: Anchor, room: f32| {
        text(t, x, top + 24.0, anchor, Font::Small, room, Tone::Weak)
    };
    let time_room = lanes.api.left - lanes.time_x - 4.0;
    let api_room = lanes.api.right - lanes.api.left - 4.0;
    let mut labels = vec![
        title(
            Text {
                en: "time",
                zh: "时间",
            }
            .get(lang),
            lanes.time_x,
            Anchor::LeftTop,
            time_room,
        ),
        subtitle(
            &format!("{px_per_ms:.3} px/ms"),
            lanes.time_x,
            Anchor::LeftTop,
            time_room,
        ),
        title(
            API_TITLE.get(lang),
            lanes.api.left,
            Anchor::LeftTop,
            api_room,
        ),
        subtitle(
            Text {
                en: "inferred from the wire",
                zh: "根据线路推断",
            }
            .get(lang),
            lanes.api.left,
            Anchor::LeftTop,
            api_room,
        ),
    ];
    // Lanes too close for even an ellipsis get no title (a capture of hundreds of
    // connections); the rest are shortened to their room, the full text on hover.
    let min_room = measure("…", Font::Title) + 2.0;
    for lane in &lanes.clients {
        if lane.room < min_room {
            continue;
        }
        let (name, addr) = lane_titles(trace, lane.conn, lang);
        labels.push(title(&name, lane.x, Anchor::CenterTop, lane.room));
        labels.push(subtitle(&addr, lane.x, Anchor::CenterTop, lane.room));
    }
    if lanes.clients.is_empty() {
        let room = (lanes.server_x - lanes.api.right) / 2.0;
        let client = Text {
            en: "client",
            zh: "客户端",
        };
        labels.push(title(
            client.get(lang),
            lanes.client_x(0),
            Anchor::CenterTop,
            room,
        ));
    }
    let (server, server_addr) = server_titles(trace, lang);
    let server_room = 2.0 * (frame.right() - lanes.server_x) - 4.0;
    labels.push(title(
        &server,
        lanes.server_x,
        Anchor::CenterTop,
        server_room,
    ));
    labels.push(subtitle(
        &server_addr,
        lanes.server_x,
        Anchor::CenterTop,
        server_room,
    ));
    Header {
        band,
        rule: XSpan {
            left: frame.left(),
            right: frame.right(),
        },
        labels,
    }
}
