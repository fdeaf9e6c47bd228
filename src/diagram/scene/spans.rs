//! The scene's open spans ([`crate::diagram::spans`]): a bar beside the client's lifeline
//! from a request to its response, or from a response's head to its body's end, labelled in
//! the widest free stretch of it in view; and the mark of a body's end (the bottom of its
//! span, not an arrow).

use super::{Anchor, Font, Label, Tone};
use crate::diagram::geom::{Point, Rect};
use crate::diagram::layout::{GapKind, Lanes, TimelineLayout, XSpan};
use crate::diagram::rows::Rows;
use crate::diagram::spans::{SpanEnd, SpanKind};
use crate::lang::Lang;

/// Offset of a span's bar from its client's lifeline, and its width.
const BAR_DX: f32 = 3.0;
const BAR_W: f32 = 6.0;
/// The least free height a span's label needs.
const LABEL_ROOM: f32 = 16.0;

/// An open span: a bar on a client's lane.
#[derive(Clone, Debug, PartialEq)]
pub struct SpanBar {
    /// The connection.
    pub conn: u32,
    /// What it is (its colour's meaning).
    pub kind: SpanKind,
    /// How it ended: an open span is drawn running on past the newest row.
    pub end: SpanEnd,
    /// The bar.
    pub rect: Rect,
    /// Where a shortened held gap crosses it (screen y): drawn as a break in the bar.
    pub breaks: Vec<f32>,
    /// Its text beside it, where there is room in view (the full text is `text`).
    pub label: Option<Label>,
    /// Its full text (the hover text), if it has one.
    pub text: Option<String>,
}

/// The end of a body shown at its head (`http_body_end`): a cap across its span's bar and
/// what ended it.
#[derive(Clone, Debug, PartialEq)]
pub struct StreamEnd {
    /// The cap's extent.
    pub cap: XSpan,
    /// Its y.
    pub y: f32,
    /// E.g. "end of the stream: body cut short by the close: 456 B".
    pub label: Label,
}

/// The stream-end mark of a row on `conn`'s lane whose line is at `line_y`.
pub(super) fn stream_end(
    lanes: &Lanes,
    conn: u32,
    line_y: f32,
    summary: &str,
    lang: Lang,
) -> StreamEnd {
    let x = lanes.client_x(conn) + BAR_DX;
    StreamEnd {
        cap: XSpan {
            left: x - 4.0,
            right: x + BAR_W + 4.0,
        },
        y: line_y,
        label: Label {
            text: match lang {
                Lang::En => format!("end of the stream: {summary}"),
                Lang::Zh => format!("流结束：{summary}"),
            },
            full: None,
            pos: Point::new(x + BAR_W + 10.0, line_y),
            anchor: Anchor::LeftCenter,
            max_width: Some((lanes.right - x - BAR_W - 14.0).max(60.0)),
            font: Font::Small,
            tone: Tone::Weak,
        },
    }
}

/// Where the spans are and how the view is placed, for [`span_bars`].
pub(super) struct SpanView<'a> {
    pub rows: &'a Rows,
    pub layout: &'a TimelineLayout,
    pub lanes: &'a Lanes,
    /// Screen y of layout y 0.
    pub y0: f32,
    /// The visible layout range.
    pub scroll_y: f32,
    pub view_h: f32,
    /// Offset of a row's line from its top.
    pub line_dy: f32,
    /// The language of the spans' labels.
    pub lang: Lang,
}

/// The bars of the spans in view.
pub(super) fn span_bars(v: &SpanView<'_>) -> Vec<SpanBar> {
    let (top, bottom) = (v.scroll_y, v.scroll_y + v.view_h);
    let line = |row: usize| v.layout.row_y.get(row).map(|y| y + v.line_dy);
    let visible = v.layout.visible_rows(top, bottom);
    // Stretches already labelled (by their upper row), to stack labels that share one.
    let mut used: Vec<(usize, usize)> = Vec::new();
    let mut out = Vec::new();
    for span in &v.rows.spans {
        let (Some(y_start), Some(y_last)) = (line(span.start_row), line(span.end_row)) else {
            continue;
        };
        let y_end = match span.end {
            // Still open: on past the newest row, to where the playhead is drawn.
            SpanEnd::Open => v.layout.height + LABEL_ROOM,
            SpanEnd::Done | SpanEnd::Closed => y_last,
        };
        if y_end < top || y_start > bottom {
            continue;
        }
        let x = v.lanes.client_x(span.conn) + BAR_DX;
        let breaks = v
            .layout
            .visible_gaps(top, bottom)
            .iter()
            .filter(|g| g.kind == GapKind::Held && g.y_top >= y_start && g.y_bottom <= y_end)
            .map(|g| v.y0 + (g.y_top + g.y_bottom) / 2.0)
            .collect();
        let text = span.label(v.lang);
        // The widest free stretch between the span's rows in view, for the label.
        let mut best: Option<(usize, f32, f32)> = None; // (upper row, top, bottom)
        let first = visible.start.max(span.start_row);
        let last = visible.end.min(span.end_row);
        for r in first..last {
            let (Some(y), Some(h), Some(next)) = (
                v.layout.row_y.get(r),
                v.layout.row_h.get(r),
                v.layout.row_y.get(r + 1),
            ) else {
                continue;
            };
            let (a, b) = ((y + h).max(top), next.min(bottom));
            if b - a >= LABEL_ROOM && best.is_none_or(|(_, ba, bb)| b - a > bb - ba) {
                best = Some((r, a, b));
            }
        }
        // Still open at the newest row: its label may go just below that row, in the room
        // the view leaves under the diagram.
        if best.is_none()
            && span.end == SpanEnd::Open
            && let (Some(y), Some(h)) = (
                v.layout.row_y.get(span.end_row),
                v.layout.row_h.get(span.end_row),
            )
            && y + h + LABEL_ROOM <= bottom
        {
            best = Some((span.end_row, y + h, y + h + LABEL_ROOM));
        }
        let label = text.as_ref().zip(best).map(|(text, (r, a, b))| {
            let stacked = used
                .iter()
                .find(|(row, _)| *row == r)
                .map_or(0, |(_, n)| *n);
            match used.iter_mut().find(|(row, _)| *row == r) {
                Some((_, n)) => *n += 1,
                None => used.push((r, 1)),
            }
            let y = ((a + b) / 2.0 + stacked as f32 * LABEL_ROOM).min(b - LABEL_ROOM / 2.0);
            Label {
                text: text.clone(),
                full: None,
                pos: Point::new(x + BAR_W + 8.0, v.y0 + y),
                anchor: Anchor::LeftCenter,
                max_width: Some((v.lanes.right - x - BAR_W - 12.0).max(60.0)),
                font: Font::Small,
                tone: Tone::Text,
            }
        });
        out.push(SpanBar {
            conn: span.conn,
            kind: span.kind,
            end: span.end,
            rect: Rect::from_min_max(
                Point::new(x, v.y0 + y_start),
                Point::new(x + BAR_W, v.y0 + y_end.max(y_start + 2.0)),
            ),
            breaks,
            label,
            text,
        });
    }
    out
}
