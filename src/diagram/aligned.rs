//! Several diagrams on one time axis (the Compare view's four techniques side by side): the
//! rows of all of them are laid out together, as if they were one diagram, and each gets back
//! the y of its own rows. So time runs down at the same y in every diagram (rows at the same
//! instant stack, one row apart, as in one diagram), no diagram's rows
//! overlap (each row is still at least its own height above the next row of the merged
//! list), and an idle gap is collapsed only when every diagram was idle.

use super::layout::{GapKind, IdleGap, LayoutParams, RowSpec, TimelineLayout, layout_into};

/// One layout per entry of `diagrams` (each its rows' specs, in row order), all on one time
/// axis; every layout has the height of the tallest, so they scroll together.
pub fn aligned_layouts(diagrams: &[&[RowSpec]], params: &LayoutParams) -> Vec<TimelineLayout> {
    // A row earlier than its predecessor counts as simultaneous with it (as `layout` does),
    // so each diagram's rows keep their order in the merged list.
    let mut merged: Vec<(i64, usize, usize)> = Vec::new();
    for (d, specs) in diagrams.iter().enumerate() {
        let mut t = i64::MIN;
        for (r, spec) in specs.iter().enumerate() {
            t = t.max(spec.t_us);
            merged.push((t, d, r));
        }
    }
    merged.sort_unstable();
    let specs: Vec<RowSpec> = merged
        .iter()
        .filter_map(|&(t_us, d, r)| {
            let spec = diagrams.get(d)?.get(r)?;
            Some(RowSpec { t_us, ..*spec })
        })
        .collect();
    let mut union = TimelineLayout::default();
    layout_into(&specs, params, &mut union);

    let mut out: Vec<TimelineLayout> = diagrams
        .iter()
        .map(|specs| TimelineLayout {
            row_y: vec![0.0; specs.len()],
            row_h: vec![0.0; specs.len()],
            row_scale: union.row_scale,
            gaps: Vec::new(),
            height: union.height,
        })
        .collect();
    for (k, &(_, d, r)) in merged.iter().enumerate() {
        let (Some(y), Some(h), Some(layout)) =
            (union.row_y.get(k), union.row_h.get(k), out.get_mut(d))
        else {
            continue;
        };
        if let (Some(row_y), Some(row_h)) = (layout.row_y.get_mut(r), layout.row_h.get_mut(r)) {
            *row_y = *y;
            *row_h = *h;
        }
    }
    // Each gap goes to the diagrams with a row on both sides of it, as held when the row
    // after it, in that diagram, was waiting on a span.
    for gap in &union.gaps {
        for (d, layout) in out.iter_mut().enumerate() {
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
        // Rows at the same instant are stacked (one row height apart), below everything
        // earlier.
        assert_eq!(out[1].row_y[1], out[0].row_y[2] + out[0].row_h[2]);
        assert!(out[1].row_y[0] > out[0].row_y[0] && out[1].row_y[0] < out[0].row_y[1]);
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
