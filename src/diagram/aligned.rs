//! Several diagrams on one time axis (the Compare view's four techniques side by side). The
//! rows of all of them are placed in one pass in time order, as [`layout_into`] places one
//! diagram's: the y of an instant is the same in every diagram (time runs down at one rate,
//! and an idle gap is collapsed only when every diagram was idle), while a row only has to
//! clear the row above it in its own diagram, so rows of different diagrams at about the same
//! time sit side by side.
//!
//! [`layout_into`]: super::layout::layout_into

use super::layout::{GapKind, IdleGap, LayoutParams, RowSpec, TimelineLayout, scaled_height};

/// One layout per entry of `diagrams` (each its rows' specs, in row order), all on one time
/// axis; every layout has the height of the tallest, so they scroll together.
pub fn aligned_layouts(diagrams: &[&[RowSpec]], params: &LayoutParams) -> Vec<TimelineLayout> {
    // A row earlier than its predecessor counts as simultaneous with it (as one diagram's
    // layout does), so each diagram's rows keep their order in the merged list.
    let mut merged: Vec<(i64, usize, usize)> = Vec::new();
    for (d, specs) in diagrams.iter().enumerate() {
        let mut t = i64::MIN;
        for (r, spec) in specs.iter().enumerate() {
            t = t.max(spec.t_us);
            merged.push((t, d, r));
        }
    }
    merged.sort_unstable();

    let scale = params.row_scale();
    let px_per_ms = f64::from(params.px_per_ms.max(0.0));
    let mut out: Vec<TimelineLayout> = diagrams
        .iter()
        .map(|specs| TimelineLayout {
            row_y: Vec::with_capacity(specs.len()),
            row_h: Vec::with_capacity(specs.len()),
            row_scale: scale,
            gaps: Vec::new(),
            height: 0.0,
        })
        .collect();
    // Where each diagram's last row ends, and the time axis: the last row's time and y.
    let mut bottom = vec![0.0f32; diagrams.len()];
    let mut prev: Option<(i64, f32)> = None;
    let mut gaps: Vec<IdleGap> = Vec::new();
    for &(t_us, d, r) in &merged {
        let Some(spec) = diagrams.get(d).and_then(|specs| specs.get(r)) else {
            continue;
        };
        let own_bottom = bottom.get(d).copied().unwrap_or(0.0);
        let lowest = bottom.iter().copied().fold(0.0f32, f32::max);
        let y = match prev {
            None => 0.0,
            Some((prev_t, prev_y)) => {
                let dt_us = t_us.saturating_sub(prev_t).max(0);
                let proportional = (dt_us as f64 * px_per_ms / 1000.0) as f32;
                let gap_px = scale
                    * match spec.before {
                        GapKind::Idle => params.collapsed_gap_px,
                        GapKind::Held => params.held_gap_px,
                    };
                if params.collapse_gaps
                    && dt_us >= params.gap_threshold_us
                    && prev_y + proportional > lowest + gap_px
                {
                    let gap = IdleGap {
                        y_top: lowest,
                        y_bottom: lowest + gap_px,
                        idle_us: dt_us,
                        kind: spec.before,
                    };
                    gaps.push(gap);
                    gap.y_bottom
                } else {
                    (prev_y + proportional).max(own_bottom)
                }
            }
        };
        let h = scaled_height(spec.min_height.max(0.0), scale);
        if let Some(layout) = out.get_mut(d) {
            layout.row_y.push(y);
            layout.row_h.push(h);
        }
        if let Some(b) = bottom.get_mut(d) {
            *b = y + h;
        }
        prev = Some((prev.map_or(t_us, |(pt, _)| pt.max(t_us)), y));
    }
    let height = bottom.iter().copied().fold(0.0f32, f32::max);
    // Each gap goes to the diagrams with a row on both sides of it, as held when the row
    // after it, in that diagram, was waiting on a span.
    for (d, layout) in out.iter_mut().enumerate() {
        layout.height = height;
        for gap in &gaps {
            let after = layout.row_y.partition_point(|y| *y < gap.y_bottom);
            if after == 0 || after >= layout.row_y.len() {
                continue;
            }
            let kind = diagrams
                .get(d)
                .and_then(|specs| specs.get(after))
                .map_or(GapKind::Idle, |s| s.before);
            layout.gaps.push(IdleGap { kind, ..*gap });
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
mod tests {
    use super::*;
    use crate::diagram::layout::layout;

    fn spec(t_us: i64) -> RowSpec {
        RowSpec {
            t_us,
            min_height: 30.0,
            before: GapKind::Idle,
        }
    }

    #[test]
    fn one_instant_has_one_y_in_every_diagram() {
        let a = [spec(0), spec(10_000), spec(50_000)];
        let b = [spec(5_000), spec(50_000)];
        let params = LayoutParams::default();
        let out = aligned_layouts(&[&a, &b], &params);
        assert_eq!(out.len(), 2);
        // Rows at the same instant share their y; an earlier row is never lower.
        assert_eq!(out[1].row_y[1], out[0].row_y[2]);
        assert!(out[1].row_y[0] >= out[0].row_y[0] && out[1].row_y[0] <= out[0].row_y[1]);
        assert_eq!(out[0].height, out[1].height);
        for l in &out {
            for w in l.row_y.windows(2).zip(&l.row_h) {
                assert!(w.0[1] >= w.0[0] + w.1, "rows overlap: {:?}", l.row_y);
            }
        }
    }

    #[test]
    fn alone_a_diagram_is_laid_out_as_by_itself() {
        let a = [spec(0), spec(1_000), spec(900_000), spec(900_500)];
        let params = LayoutParams::default();
        let out = aligned_layouts(&[&a], &params);
        assert_eq!(out[0], layout(&a, &params));
    }

    #[test]
    fn a_gap_is_collapsed_only_when_every_diagram_was_idle() {
        let params = LayoutParams::default();
        let a = [spec(0), spec(2_000_000)];
        let b = [spec(0), spec(1_000_000), spec(2_000_000)];
        let out = aligned_layouts(&[&a, &b], &params);
        // Two gaps of 1 s in the merged list; `a` spans both.
        assert_eq!(out[1].gaps.len(), 2);
        assert_eq!(out[0].gaps.len(), 2);
        let c = [spec(0)];
        let out = aligned_layouts(&[&c, &b], &params);
        assert!(
            out[0].gaps.is_empty(),
            "no row after the gap in that diagram"
        );
    }

    #[test]
    fn out_of_order_rows_keep_their_order() {
        let a = [spec(10_000), spec(9_000), spec(20_000)];
        let out = aligned_layouts(&[&a], &LayoutParams::default());
        assert!(out[0].row_y[1] >= out[0].row_y[0] + 30.0);
    }
}
