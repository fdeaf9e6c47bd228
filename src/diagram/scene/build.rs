//! [`build_scene`]: the trace, its rows and layout and the viewport → a [`Scene`].

use super::spans::{SpanView, span_bars, stream_end};
use super::{
    Anchor, ApiBand, ApiMarker, Arrow, ArrowStyle, DiagnosticMark, Dot, Font, GapMarker, Header,
    Label, Lifeline, LifelineStyle, Mark, Note, Playhead, RunState, Scene, SceneOptions, SceneRow,
    SocketLine, StageCaption, Tick, Tone, Viewport, WireUnit,
};
use crate::diagram::api_lane::{ApiStates, marker_text, phase_of};
use crate::diagram::geom::{Point, Rect};
use crate::diagram::layout::{API_LINE_H, GapKind, HEADER_H, Lanes, TimelineLayout, XSpan};
use crate::diagram::rows::{Row, RowKind, Rows};
use crate::trace::describe::{self, format_duration_us};
use crate::trace::{Dir, Event, EventKind, Severity, Side, Trace};

/// Replaces control characters so a label stays on one line and every glyph exists.
pub fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Builds the scene of the part of `trace`'s diagram in `viewport`: only rows and gaps in
/// view are included, so its size follows the window, not the trace.
pub fn build_scene(
    trace: &Trace,
    rows: &Rows,
    api_states: &ApiStates,
    layout: &TimelineLayout,
    viewport: Viewport,
    options: &SceneOptions<'_>,
) -> Scene {
    let frame = viewport.frame;
    let body = Rect::from_min_max(Point::new(frame.left(), frame.top() + HEADER_H), frame.max);
    let lanes = Lanes::new(frame, &rows.lanes, &trace.connections);
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
                    text: format!("… {} idle", format_duration_us(gap.idle_us)),
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
        let summary = one_line(&describe::summary(event));
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
                    _ => format!("{:.3} ms", event.t_us as f64 / 1000.0),
                },
                pos: Point::new(lanes.time_x, top + 4.0),
                anchor: Anchor::LeftTop,
                max_width: None,
                font: Font::Time,
                tone: Tone::Weak,
            },
            mark: row_mark(&geometry, row, event, &summary, options.show_frames),
            api: api_markers(&geometry, row, trace, rows, options.selected),
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
                pos: Point::new(lanes.right, y - 2.0),
                anchor: Anchor::RightBottom,
                max_width: None,
                font: Font::Small,
                tone: Tone::Playhead,
            },
        });
    let empty_hint = trace.events.is_empty().then(|| Label {
        text: options.empty_hint.to_string(),
        pos: body.center(),
        anchor: Anchor::CenterCenter,
        max_width: None,
        font: Font::Hint,
        tone: Tone::Weak,
    });
    let header = header(frame, &lanes, trace, options.px_per_ms);
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
    selected: Option<usize>,
) -> Vec<ApiMarker> {
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
            label: Label {
                text: one_line(&marker_text(api_event, trace)),
                pos: Point::new(x + 10.0, marker_top + 1.0),
                anchor: Anchor::LeftTop,
                max_width: Some((lanes.api.right - x - 14.0).max(10.0)),
                font: Font::Marker,
                tone: Tone::Text,
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
    summary: &str,
    show_frames: bool,
) -> Mark {
    let lanes = g.lanes;
    let font = if row.is_frame {
        Font::Small
    } else {
        Font::Label
    };
    let line_y = g.top
        + g.scale
            * if row.is_frame {
                FRAME_ARROW_DY
            } else {
                ARROW_DY
            };
    // Labels sit above the line, centred between its ends; they may reach a little past
    // them: lanes are thin lines.
    let label_between = |x1: f32, x2: f32, text: String, tone: Tone| {
        let (l, r) = if x1 < x2 { (x1, x2) } else { (x2, x1) };
        Label {
            text,
            pos: Point::new((l + r) / 2.0, line_y - 1.0),
            anchor: Anchor::CenterBottom,
            max_width: Some((r - l + 90.0).max(40.0)),
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
            let mut text = summary.to_string();
            if row.frames.len() > 1 && !text.contains("fragment") {
                text.push_str(&format!("  [{} frames]", row.frames.len()));
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
                label: label_between(from, to, text, tone),
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
                label: label_between(cx, lanes.server_x, summary.to_string(), Tone::Weak),
            })
        }
        RowKind::Stage => {
            let mid = g.top + g.h / 2.0;
            Mark::Stage(StageCaption {
                rule: XSpan {
                    left: lanes.api.right + 4.0,
                    right: lanes.right,
                },
                y: mid,
                label: Label {
                    text: summary.to_string(),
                    pos: Point::new(lanes.api.right + 10.0, mid),
                    anchor: Anchor::LeftCenter,
                    max_width: Some((lanes.right - lanes.api.right - 30.0).max(40.0)),
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
                    pos: at(0.0, 1.5),
                    anchor: Anchor::CenterCenter,
                    max_width: None,
                    font: Font::Glyph,
                    tone: Tone::OnMarker,
                },
                label: Label {
                    text: summary.to_string(),
                    pos: Point::new(center.x + 12.0, line_y - 14.0),
                    anchor: Anchor::LeftTop,
                    max_width: Some((lanes.right - center.x - 20.0).max(40.0)),
                    font,
                    tone: Tone::Diagnostic(severity),
                },
            })
        }
        RowKind::BodyEnd { conn } => Mark::StreamEnd(stream_end(lanes, conn, line_y, summary)),
        RowKind::Note { conn } | RowKind::Api { conn } => {
            let cx = conn.map_or(lanes.server_x, |c| lanes.client_x(c));
            let tone = match &event.kind {
                EventKind::WsUpgradeCheck { valid: true, .. } => Tone::Confirmed,
                EventKind::WsUpgradeCheck { valid: false, .. } => Tone::Failed,
                _ => Tone::Weak,
            };
            Mark::Note(Note {
                label: Label {
                    text: summary.to_string(),
                    pos: Point::new(cx + 10.0, line_y + 2.0),
                    anchor: Anchor::LeftBottom,
                    max_width: Some((lanes.server_x - cx - 20.0).max(60.0)),
                    font,
                    tone,
                },
            })
        }
    }
}

/// The header: lane titles and subtitles over a band and a rule.
fn header(frame: Rect, lanes: &Lanes, trace: &Trace, px_per_ms: f32) -> Header {
    let band = Rect::from_min_max(
        frame.min,
        Point::new(frame.left() + frame.width(), frame.top() + HEADER_H),
    );
    let top = band.top();
    let text = |text: String, x: f32, y: f32, anchor: Anchor, font: Font, tone: Tone| Label {
        text,
        pos: Point::new(x, y),
        anchor,
        max_width: None,
        font,
        tone,
    };
    let title = |t: String, x: f32, anchor: Anchor| {
        text(t, x, top + 6.0, anchor, Font::Title, Tone::Strong)
    };
    let subtitle =
        |t: String, x: f32, anchor: Anchor| text(t, x, top + 24.0, anchor, Font::Small, Tone::Weak);
    let mut labels = vec![
        title("time".into(), lanes.time_x, Anchor::LeftTop),
        subtitle(
            format!("{px_per_ms:.3} px/ms"),
            lanes.time_x,
            Anchor::LeftTop,
        ),
        title("browser API".into(), lanes.api.left, Anchor::LeftTop),
        subtitle(
            "inferred: WebSocket, fetch(), EventSource".into(),
            lanes.api.left,
            Anchor::LeftTop,
        ),
    ];
    // Many client lanes close together: short names, and only as many as fit.
    let gap = match lanes.clients.as_slice() {
        [a, b, ..] => (b.x - a.x).abs(),
        _ => f32::INFINITY,
    };
    let every = if gap >= 26.0 {
        1
    } else {
        (26.0 / gap.max(1.0)).ceil() as usize
    };
    for (k, lane) in lanes.clients.iter().enumerate() {
        if k % every != 0 {
            continue;
        }
        let conn = lane.conn;
        let c = trace.connections.iter().find(|c| c.id == conn);
        let (name, addr) = if gap < 120.0 {
            (format!("#{conn}"), String::new())
        } else {
            (
                c.and_then(|c| c.label.clone())
                    .unwrap_or_else(|| format!("client #{conn}")),
                c.map(|c| c.client.clone()).unwrap_or_default(),
            )
        };
        labels.push(title(one_line(&name), lane.x, Anchor::CenterTop));
        labels.push(subtitle(one_line(&addr), lane.x, Anchor::CenterTop));
    }
    if lanes.clients.is_empty() {
        labels.push(title("client".into(), lanes.client_x(0), Anchor::CenterTop));
    }
    let server_addr = trace
        .connections
        .first()
        .map(|c| c.server.clone())
        .or_else(|| trace.source.server.clone())
        .unwrap_or_default();
    labels.push(title("server".into(), lanes.server_x, Anchor::CenterTop));
    labels.push(subtitle(
        one_line(&server_addr),
        lanes.server_x,
        Anchor::CenterTop,
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
