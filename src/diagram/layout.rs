//! Where things go in the sequence diagram: time → y for rows, x for lanes. Pure layout math,
//! no egui types, unit-tested.
//!
//! Rows are placed top to bottom in time order. The distance between two rows is proportional
//! to the time between them (`px_per_ms`), but never less than the earlier row's height, so
//! labels never overlap. Idle gaps longer than a threshold can be collapsed to a fixed height
//! and reported as [`IdleGap`]s so the view can draw a "… 1.2 s idle" marker. Lanes
//! ([`Lanes`]) go left to right: the time column, the browser-API lane, one lifeline per
//! client, the server.

use std::ops::Range;

use super::geom::Rect;
use super::rows::{Row, RowKind, Rows};
use super::spans::gap_kinds;
use crate::trace::Connection;

/// Height of the header above the rows (lane titles).
pub const HEADER_H: f32 = 44.0;
/// Width of the time column.
pub const TIME_W: f32 = 74.0;
/// Widest the browser-API lane gets.
pub const API_W: f32 = 236.0;
/// Height of an ordinary row.
pub const ROW_H: f32 = 30.0;
/// Height of a frame shown on its own row.
pub const FRAME_ROW_H: f32 = 22.0;
/// Height of a stage separator row.
pub const STAGE_ROW_H: f32 = 22.0;
/// Height of one browser-API marker line.
pub const API_LINE_H: f32 = 15.0;

/// The height `row` needs: its kind's height, or more for its browser-API markers.
pub fn row_height(row: &Row) -> f32 {
    let base = match row.kind {
        RowKind::Stage => STAGE_ROW_H,
        _ if row.is_frame => FRAME_ROW_H,
        _ => ROW_H,
    };
    base.max(6.0 + API_LINE_H * row.api.len() as f32)
}

/// The layout's input for `rows`, into `out`: each row's time, the height it needs and
/// whether a span holds the time before it.
pub fn row_specs(rows: &Rows, out: &mut Vec<RowSpec>) {
    out.clear();
    let before = gap_kinds(&rows.spans, rows.rows.len());
    out.extend(rows.rows.iter().zip(before).map(|(r, before)| RowSpec {
        t_us: r.t_us,
        min_height: row_height(r),
        before,
    }));
}

/// A row's height at row scale `scale`. Zoomed out, a row taller than an ordinary one (it
/// stacks several browser-API markers, whose text does not shrink) keeps its height.
pub(crate) fn scaled_height(min_height: f32, scale: f32) -> f32 {
    if scale < 1.0 && min_height > ROW_H {
        min_height
    } else {
        min_height * scale
    }
}

/// Layout parameters (the view's zoom and options).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayoutParams {
    /// Zoom: pixels per millisecond of trace time.
    pub px_per_ms: f32,
    /// Collapse idle gaps longer than `gap_threshold_us`.
    pub collapse_gaps: bool,
    /// Gaps at least this long (µs) are collapsed when `collapse_gaps` is on.
    pub gap_threshold_us: i64,
    /// The height a collapsed gap takes (px) at zoom 1, room for its marker.
    pub collapsed_gap_px: f32,
    /// The height a shortened held gap takes (px) at zoom 1: room for the label of the span
    /// that holds it ("request held by the server 501 ms").
    pub held_gap_px: f32,
}

/// The zoom the view starts at (px per ms); [`LayoutParams::row_scale`] is 1 there.
pub const DEFAULT_PX_PER_MS: f32 = 2.0;

impl Default for LayoutParams {
    fn default() -> Self {
        LayoutParams {
            px_per_ms: DEFAULT_PX_PER_MS,
            collapse_gaps: true,
            // Loopback conversations take microseconds; anything this long is a pause (the
            // lab's pacing, a person stepping) and is better shown as a marker.
            gap_threshold_us: 100_000,
            collapsed_gap_px: 28.0,
            held_gap_px: 56.0,
        }
    }
}

/// The smallest and largest zoom the view allows (px per ms).
pub const ZOOM_RANGE: (f32, f32) = (0.001, 1000.0);

/// The smallest and largest factor zoom applies to row heights and gap heights: below the
/// smallest, labels of neighbouring rows would touch.
pub const ROW_SCALE_RANGE: (f32, f32) = (0.75, 4.0);

impl LayoutParams {
    /// Multiplies the zoom by `factor`, clamped to [`ZOOM_RANGE`].
    pub fn zoom_by(&mut self, factor: f32) {
        if factor.is_finite() && factor > 0.0 {
            self.px_per_ms = (self.px_per_ms * factor).clamp(ZOOM_RANGE.0, ZOOM_RANGE.1);
        }
    }

    /// How much the zoom stretches rows and collapsed gaps: loopback events microseconds
    /// apart are spaced by their rows' heights, not by time, so a zoom that only changed
    /// px/ms would not move them. It grows with the square root of the zoom (gentler than
    /// time, which scales linearly), within [`ROW_SCALE_RANGE`].
    pub fn row_scale(&self) -> f32 {
        let zoom = self.px_per_ms / DEFAULT_PX_PER_MS;
        if zoom.is_finite() && zoom > 0.0 {
            zoom.sqrt().clamp(ROW_SCALE_RANGE.0, ROW_SCALE_RANGE.1)
        } else {
            1.0
        }
    }
}

/// What the time before a row is, for collapsing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum GapKind {
    /// Nothing was waiting: a long gap may collapse to an "idle" marker.
    #[default]
    Idle,
    /// A request waited for its response, or a response stream stayed open (a
    /// [`super::spans::Span`] covers it): a long gap is shortened but never called idle.
    Held,
}

/// One input row: its time and the height its content needs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RowSpec {
    /// Microseconds since the trace start.
    pub t_us: i64,
    /// Minimum height (px) at zoom 1 so this row's labels don't overlap the next row's.
    pub min_height: f32,
    /// What the time between the row before and this one is.
    pub before: GapKind,
}

/// A long gap that was shortened: collapsed as idle, or shortened inside a held span.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct IdleGap {
    /// Top of the gap (px), just below the row before it.
    pub y_top: f32,
    /// Bottom of the gap (px), the top of the row after it.
    pub y_bottom: f32,
    /// How long nothing happened (µs).
    pub idle_us: i64,
    /// Idle, or held (a span's label goes there, no idle marker).
    pub kind: GapKind,
}

/// The result: each row's top y, collapsed gaps and the total height.
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineLayout {
    /// Top y (px) of each row, non-decreasing, same order as the input.
    pub row_y: Vec<f32>,
    /// Each row's height (its `min_height` times `row_scale`).
    pub row_h: Vec<f32>,
    /// The factor row heights were scaled by ([`LayoutParams::row_scale`]).
    pub row_scale: f32,
    /// The gaps that were collapsed, in order.
    pub gaps: Vec<IdleGap>,
    /// Total height (px): the bottom of the last row.
    pub height: f32,
}

impl Default for TimelineLayout {
    fn default() -> Self {
        TimelineLayout {
            row_y: Vec::new(),
            row_h: Vec::new(),
            row_scale: 1.0,
            gaps: Vec::new(),
            height: 0.0,
        }
    }
}

/// Lays out rows given in time order (a row earlier than its predecessor is treated as
/// simultaneous with it).
pub fn layout(rows: &[RowSpec], params: &LayoutParams) -> TimelineLayout {
    let mut out = TimelineLayout::default();
    layout_into(rows, params, &mut out);
    out
}

/// [`layout`] into an existing layout, reusing its memory: a zoom lays out every row again,
/// and fresh buffers for millions of rows would cost more than the arithmetic.
pub fn layout_into(rows: &[RowSpec], params: &LayoutParams, out: &mut TimelineLayout) {
    out.row_y.clear();
    out.row_h.clear();
    out.gaps.clear();
    out.height = 0.0;
    out.row_y.reserve(rows.len());
    out.row_h.reserve(rows.len());
    let scale = params.row_scale();
    out.row_scale = scale;
    let collapsed_px = params.collapsed_gap_px * scale;
    let held_px = params.held_gap_px * scale;
    let px_per_ms = f64::from(params.px_per_ms.max(0.0));
    let mut prev: Option<(i64, f32, f32)> = None; // (t_us, y, height)
    for row in rows {
        let h = scaled_height(row.min_height.max(0.0), scale);
        let y = match prev {
            None => 0.0,
            Some((prev_t, prev_y, prev_h)) => {
                let dt_us = row.t_us.saturating_sub(prev_t).max(0);
                let proportional = (dt_us as f64 * px_per_ms / 1000.0) as f32;
                let gap_px = match row.before {
                    GapKind::Idle => collapsed_px,
                    GapKind::Held => held_px,
                };
                if params.collapse_gaps
                    && dt_us >= params.gap_threshold_us
                    && proportional > gap_px + prev_h
                {
                    let y_top = prev_y + prev_h;
                    let y_bottom = y_top + gap_px;
                    out.gaps.push(IdleGap {
                        y_top,
                        y_bottom,
                        idle_us: dt_us,
                        kind: row.before,
                    });
                    y_bottom
                } else {
                    prev_y + proportional.max(prev_h)
                }
            }
        };
        out.row_y.push(y);
        out.row_h.push(h);
        out.height = y + h;
        // Keep the later time even if rows arrive slightly out of order.
        let t = prev.map_or(row.t_us, |(pt, _, _)| pt.max(row.t_us));
        prev = Some((t, y, h));
    }
}

impl TimelineLayout {
    /// The rows that intersect `[y_min, y_max)` (in layout coordinates): only these are drawn.
    pub fn visible_rows(&self, y_min: f32, y_max: f32) -> Range<usize> {
        // Rows don't overlap, so bottoms are sorted like tops: the first visible row is the
        // last one starting at or above y_min if it reaches below y_min, else the next one.
        let after = self.row_y.partition_point(|y| *y <= y_min);
        let start = match after.checked_sub(1) {
            Some(i)
                if self
                    .row_y
                    .get(i)
                    .zip(self.row_h.get(i))
                    .is_some_and(|(y, h)| y + h > y_min) =>
            {
                i
            }
            _ => after,
        };
        let end = self.row_y.partition_point(|y| *y < y_max);
        start..end.max(start)
    }

    /// The row whose band contains `y`, if any.
    pub fn row_at(&self, y: f32) -> Option<usize> {
        let i = self.row_y.partition_point(|top| *top <= y);
        let i = i.checked_sub(1)?;
        let top = *self.row_y.get(i)?;
        let h = *self.row_h.get(i)?;
        (y < top + h).then_some(i)
    }

    /// The shortened gaps (idle and held) that intersect `[y_min, y_max)`.
    pub fn visible_gaps(&self, y_min: f32, y_max: f32) -> &[IdleGap] {
        let start = self.gaps.partition_point(|g| g.y_bottom <= y_min);
        let end = self.gaps.partition_point(|g| g.y_top < y_max).max(start);
        self.gaps.get(start..end).unwrap_or(&[])
    }
}

/// A horizontal extent (px).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct XSpan {
    /// Left edge.
    pub left: f32,
    /// Right edge.
    pub right: f32,
}

/// A client's lifeline.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClientLane {
    /// The connection it belongs to.
    pub conn: u32,
    /// Its x (px).
    pub x: f32,
    /// How wide its title may be, centred on `x`, without reaching a neighbour's (px).
    pub room: f32,
}

/// How much room the lanes' titles need, measured by the writer (px).
pub struct LaneNeeds<'a> {
    /// The width a client lane's title and subtitle need (by connection id).
    pub client: &'a dyn Fn(u32) -> f32,
    /// The narrowest the browser-API lane may get and still show its title.
    pub api: f32,
    /// The width the server's title and subtitle need.
    pub server: f32,
}

/// Where the lanes are, in x (px), for a diagram drawn into a given rectangle.
#[derive(Clone, Debug, PartialEq)]
pub struct Lanes {
    /// Left edge of the time column's text.
    pub time_x: f32,
    /// The browser-API lane.
    pub api: XSpan,
    /// One lifeline per client, in lane order.
    pub clients: Vec<ClientLane>,
    /// The server's lifeline.
    pub server_x: f32,
    /// Right edge of the drawing.
    pub right: f32,
}

/// Space kept between two lane titles (px).
const TITLE_GAP: f32 = 10.0;

impl Lanes {
    /// Lanes for the connections `order` (the rows' lane order), then any other connection
    /// of `connections`, spaced by the room their titles need (`needs`) and using the whole
    /// width of `frame`: the clients on the left, the server on the right, and the widest
    /// part, between the last client and the server, left to the arrows' labels.
    pub fn new(
        frame: Rect,
        order: &[u32],
        connections: &[Connection],
        needs: &LaneNeeds<'_>,
    ) -> Lanes {
        let left = frame.left();
        let time_x = left + 4.0;
        // A narrow diagram (zoomed, or beside the detail pane) gives the browser-API lane
        // less room rather than squeezing the arrows, down to what its title needs; only a
        // diagram too narrow for anything gives it less, so the server stays in the frame.
        let api_w = (frame.width() * 0.3 - 70.0)
            .clamp(needs.api.min(API_W), API_W)
            .min((frame.width() - TIME_W - 120.0).max(30.0));
        let api = XSpan {
            left: left + TIME_W,
            right: left + TIME_W + api_w,
        };
        let right = frame.right() - 8.0;
        let server_half = (needs.server / 2.0).clamp(36.0, 120.0);
        let server_x = (right - server_half).max(api.right + 100.0);
        let mut conns = order.to_vec();
        for c in connections {
            if !conns.contains(&c.id) {
                conns.push(c.id);
            }
        }
        // Each title needs its width; a lane is no wider than a fair share, so one long
        // name cannot push the others out.
        let widths: Vec<f32> = conns
            .iter()
            .map(|c| ((needs.client)(*c) + TITLE_GAP).clamp(40.0, 260.0))
            .collect();
        let first_half = widths.first().map_or(36.0, |w| w / 2.0);
        let first = api.right + first_half.max(36.0) + 2.0;
        let span = (server_x - first).max(0.0);
        // Room kept right of the last client for the labels of its arrows.
        let label_room = (span * 0.45).max(server_half);
        let natural: Vec<f32> = widths.windows(2).map(|w| (w[0] + w[1]) / 2.0).collect();
        let natural_sum: f32 = natural.iter().sum();
        let room_for_clients = (span - label_room).max(0.0);
        // Spread the clients over their part when it is roomier than the titles need
        // (lanes use the width they are given), squeeze them when it is not.
        let scale = if natural_sum > 0.0 {
            ((span * 0.5) / natural_sum)
                .clamp(1.0, 2.0)
                .min(room_for_clients / natural_sum)
        } else {
            1.0
        };
        let mut xs = Vec::with_capacity(conns.len());
        let mut x = first;
        for (i, _) in conns.iter().enumerate() {
            if i > 0 {
                x += natural.get(i - 1).copied().unwrap_or(0.0) * scale;
            }
            xs.push(x);
        }
        let clients = conns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let x = xs.get(i).copied().unwrap_or(first);
                let prev = i
                    .checked_sub(1)
                    .and_then(|p| xs.get(p))
                    .map_or((x - api.right) * 2.0, |p| x - p);
                // The last title stops short of the server's.
                let next = xs
                    .get(i + 1)
                    .map_or((server_x - server_half - x) * 2.0, |n| n - x);
                ClientLane {
                    conn: *c,
                    x,
                    room: (prev.min(next) - TITLE_GAP).max(0.0),
                }
            })
            .collect();
        Lanes {
            time_x,
            api,
            clients,
            server_x,
            right,
        }
    }

    /// The x of connection `conn`'s lifeline (just right of the API lane if it has none).
    pub fn client_x(&self, conn: u32) -> f32 {
        self.clients
            .iter()
            .find(|c| c.conn == conn)
            .map_or(self.api.right + 60.0, |c| c.x)
    }
}

/// The scroll offset that keeps `[y_top, y_top + h)` inside a viewport of `view_h` pixels
/// currently scrolled to `scroll`.
pub fn scroll_to_show(scroll: f32, view_h: f32, y_top: f32, h: f32) -> f32 {
    if y_top < scroll {
        y_top
    } else if y_top + h > scroll + view_h {
        (y_top + h - view_h).max(0.0)
    } else {
        scroll
    }
}

/// Clamps a scroll offset to the content: `0 ..= height - view_h` (0 when it all fits).
pub fn clamp_scroll(scroll: f32, content_h: f32, view_h: f32) -> f32 {
    let max = (content_h - view_h).max(0.0);
    if scroll.is_nan() {
        0.0
    } else {
        // +inf means "to the end" (follow, End key).
        scroll.clamp(0.0, max)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
mod tests {
    use super::*;
    use crate::trace::describe::format_duration_us;

    fn rows(ts: &[i64], h: f32) -> Vec<RowSpec> {
        ts.iter()
            .map(|&t_us| RowSpec {
                t_us,
                min_height: h,
                before: GapKind::Idle,
            })
            .collect()
    }

    fn params(px_per_ms: f32, collapse: bool) -> LayoutParams {
        LayoutParams {
            px_per_ms,
            collapse_gaps: collapse,
            gap_threshold_us: 500_000,
            collapsed_gap_px: 30.0,
            held_gap_px: 60.0,
        }
    }

    #[test]
    fn proportional_to_time_when_spacing_allows() {
        // 10 ms apart at 10 px/ms = 100 px, more than the row height (10 px, scaled by the
        // zoom).
        let p = params(10.0, true);
        let l = layout(&rows(&[0, 10_000, 30_000], 10.0), &p);
        assert_eq!(l.row_y, vec![0.0, 100.0, 300.0]);
        assert_eq!(l.height, 300.0 + 10.0 * p.row_scale());
        assert!(l.gaps.is_empty());
    }

    #[test]
    fn zoom_scales_distances() {
        let r = rows(&[0, 10_000], 1.0);
        let mut p = params(1.0, false);
        let a = layout(&r, &p);
        p.zoom_by(4.0);
        let b = layout(&r, &p);
        assert_eq!(a.row_y[1], 10.0);
        assert_eq!(b.row_y[1], 40.0);
        p.zoom_by(1e9);
        assert_eq!(p.px_per_ms, ZOOM_RANGE.1);
        p.zoom_by(0.0); // ignored
        assert_eq!(p.px_per_ms, ZOOM_RANGE.1);
    }

    #[test]
    fn zoom_stretches_rows_and_gaps_even_when_time_does_not_show() {
        // Loopback: microseconds apart, spaced by row height alone, then a 3 s pause.
        let r = rows(&[0, 5, 10, 3_000_010], 30.0);
        let at = |px_per_ms: f32, collapse: bool| {
            let p = LayoutParams {
                px_per_ms,
                collapse_gaps: collapse,
                ..LayoutParams::default()
            };
            layout(&r, &p)
        };
        let base = at(DEFAULT_PX_PER_MS, true);
        assert_eq!(base.row_y[..3], [0.0, 30.0, 60.0]);
        assert_eq!(base.gaps.len(), 1);
        let zoomed_in = at(DEFAULT_PX_PER_MS * 4.0, true);
        assert_eq!(
            zoomed_in.row_y[..3],
            [0.0, 60.0, 120.0],
            "rows twice as tall"
        );
        assert_eq!(
            zoomed_in.gaps[0].y_bottom - zoomed_in.gaps[0].y_top,
            2.0 * (base.gaps[0].y_bottom - base.gaps[0].y_top),
            "and the collapsed gap too"
        );
        let zoomed_out = at(DEFAULT_PX_PER_MS / 4.0, true);
        assert_eq!(
            zoomed_out.row_h[0],
            30.0 * ROW_SCALE_RANGE.0,
            "never below the floor"
        );
        assert!(zoomed_out.height < base.height && base.height < zoomed_in.height);
        // Without collapsing, time and rows both scale.
        assert!(at(DEFAULT_PX_PER_MS * 2.0, false).height > at(DEFAULT_PX_PER_MS, false).height);
    }

    #[test]
    fn a_held_gap_is_shortened_with_room_for_its_span_but_never_idle() {
        let mut r = rows(&[0, 1_000, 501_000, 502_000], 20.0);
        r[2].before = GapKind::Held;
        let l = layout(&r, &params(2.0, true));
        assert_eq!(l.gaps.len(), 1);
        assert_eq!(l.gaps[0].kind, GapKind::Held);
        assert_eq!(l.gaps[0].y_bottom - l.gaps[0].y_top, 60.0, "held_gap_px");
        r[2].before = GapKind::Idle;
        let l = layout(&r, &params(2.0, true));
        assert_eq!(l.gaps[0].kind, GapKind::Idle);
        assert_eq!(
            l.gaps[0].y_bottom - l.gaps[0].y_top,
            30.0,
            "collapsed_gap_px"
        );
    }

    #[test]
    fn minimum_spacing_prevents_overlap() {
        // All at the same microsecond: stacked by height.
        let l = layout(&rows(&[5, 5, 6, 7], 24.0), &params(2.0, true));
        assert_eq!(l.row_y, vec![0.0, 24.0, 48.0, 72.0]);
        for w in l.row_y.windows(2) {
            assert!(w[1] - w[0] >= 24.0);
        }
    }

    #[test]
    fn taller_rows_push_the_next_row_down() {
        let r = vec![
            RowSpec {
                t_us: 0,
                min_height: 60.0,
                before: GapKind::Idle,
            },
            RowSpec {
                t_us: 1,
                min_height: 20.0,
                before: GapKind::Idle,
            },
        ];
        let l = layout(&r, &params(1.0, true));
        assert_eq!(l.row_y, vec![0.0, 60.0]);
    }

    #[test]
    fn long_idle_gaps_collapse_with_a_marker() {
        // 3 s idle at 2 px/ms would be 6000 px; collapsed it is 30 px.
        let r = rows(&[0, 1_000, 3_001_000, 3_002_000], 20.0);
        let l = layout(&r, &params(2.0, true));
        assert_eq!(l.gaps.len(), 1);
        let gap = l.gaps[0];
        assert_eq!(gap.idle_us, 3_000_000);
        assert_eq!(gap.y_top, l.row_y[1] + 20.0);
        assert_eq!(gap.y_bottom, gap.y_top + 30.0);
        assert_eq!(l.row_y[2], gap.y_bottom);
        assert_eq!(format_duration_us(gap.idle_us), "3.0 s");

        // Off: proportional.
        let l = layout(&r, &params(2.0, false));
        assert!(l.gaps.is_empty());
        assert_eq!(l.row_y[2], l.row_y[1] + 6000.0);
    }

    #[test]
    fn short_gaps_are_not_collapsed_even_above_threshold_when_they_fit() {
        // 600 ms at 0.01 px/ms = 6 px: smaller than a collapsed gap, so drawn as is.
        let l = layout(&rows(&[0, 600_000], 10.0), &params(0.01, true));
        assert!(l.gaps.is_empty());
        assert_eq!(l.row_y[1], l.row_h[0]);
    }

    #[test]
    fn out_of_order_rows_never_move_up() {
        let l = layout(&rows(&[100, 50, 200], 10.0), &params(1.0, true));
        assert!(l.row_y.windows(2).all(|w| w[1] >= w[0] + l.row_h[0]));
    }

    #[test]
    fn visible_range_culls_rows() {
        let ts: Vec<i64> = (0..100_000).map(|i| i * 1_000).collect();
        let l = layout(&rows(&ts, 5.0), &params(20.0, true)); // 20 px per row
        let v = l.visible_rows(1_000.0, 1_400.0);
        assert_eq!(v, 50..70);
        assert_eq!(l.visible_rows(-100.0, 10.0), 0..1);
        assert_eq!(l.visible_rows(1e9, 2e9), 100_000..100_000);
        assert_eq!(l.row_at(1_005.0), Some(50));
        assert_eq!(l.row_at(-1.0), None);
        assert_eq!(
            layout(&[], &params(1.0, true)).visible_rows(0.0, 100.0),
            0..0
        );
    }

    #[test]
    fn visible_gaps_and_scroll_helpers() {
        let r = rows(&[0, 2_000_000, 4_000_000], 20.0);
        let l = layout(&r, &params(2.0, true));
        assert_eq!(l.gaps.len(), 2);
        assert_eq!(l.visible_gaps(0.0, 30.0).len(), 1);
        assert_eq!(l.visible_gaps(0.0, 1_000.0).len(), 2);
        assert_eq!(scroll_to_show(0.0, 100.0, 150.0, 20.0), 70.0);
        assert_eq!(scroll_to_show(200.0, 100.0, 150.0, 20.0), 150.0);
        assert_eq!(scroll_to_show(100.0, 100.0, 150.0, 20.0), 100.0);
        assert_eq!(clamp_scroll(500.0, 300.0, 100.0), 200.0);
        assert_eq!(clamp_scroll(-5.0, 300.0, 100.0), 0.0);
        assert_eq!(clamp_scroll(50.0, 80.0, 100.0), 0.0);
        assert_eq!(clamp_scroll(f32::INFINITY, 300.0, 100.0), 200.0);
        assert_eq!(clamp_scroll(f32::NAN, 300.0, 100.0), 0.0);
    }

    #[test]
    fn lanes_leave_room_for_labels_and_narrow_gracefully() {
        let conn = |id: u32| Connection {
            id,
            client: format!("127.0.0.1:{id}"),
            server: "127.0.0.1:80".into(),
            label: None,
            packets: None,
        };
        let frame = |w: f32| {
            Rect::from_min_max(
                crate::diagram::geom::Point::new(100.0, 0.0),
                crate::diagram::geom::Point::new(100.0 + w, 500.0),
            )
        };
        let title = |_: u32| 100.0;
        let needs = LaneNeeds {
            client: &title,
            api: 90.0,
            server: 90.0,
        };
        // Rows name connection 2 first; connection 1 has no events yet but still gets a lane.
        let l = Lanes::new(frame(1200.0), &[2, 0], &[conn(0), conn(1), conn(2)], &needs);
        assert_eq!(l.time_x, 104.0);
        assert_eq!((l.api.left, l.api.right), (174.0, 174.0 + API_W));
        let order: Vec<u32> = l.clients.iter().map(|c| c.conn).collect();
        assert_eq!(order, [2, 0, 1]);
        assert_eq!(l.server_x, 1300.0 - 8.0 - 45.0);
        assert!(l.clients.windows(2).all(|w| w[0].x < w[1].x));
        assert!(
            l.clients
                .iter()
                .all(|c| c.x > l.api.right && c.x < l.server_x)
        );
        // Every title has its room, and the clients leave the widest part to the labels.
        assert!(l.clients.iter().all(|c| c.room >= 100.0), "{l:?}");
        let last = l.clients.last().unwrap().x;
        assert!(l.server_x - last >= (l.server_x - l.clients[0].x) * 0.4);
        assert_eq!(l.client_x(0), l.clients[1].x);
        assert_eq!(l.client_x(9), l.api.right + 60.0, "an unknown connection");
        // Narrow: the API lane shrinks to what its title needs, the server keeps its room,
        // titles get less room than they want but the lanes stay in order.
        let n = Lanes::new(frame(400.0), &[0, 1, 2], &[conn(0)], &needs);
        assert_eq!(n.api.right - n.api.left, 90.0);
        assert!(n.server_x >= n.api.right + 100.0);
        assert!(n.clients.windows(2).all(|w| w[0].x < w[1].x));
        assert!(n.clients.iter().all(|c| c.room < 100.0));
    }
}
