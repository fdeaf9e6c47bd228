#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
//! The diagram's label layout over every lab scenario's trace and every shared fixture, at
//! the widths the diagram gets at 1400×900 and at 2× UI zoom: no label past the diagram's
//! edge, no two labels overlapping, and the full text kept (for the tooltip) whenever a label
//! had to be shortened. Text is measured with the scene's own estimate, so the geometry is
//! asserted without a GUI.

mod support;

use wirelab::diagram::api_lane::{ApiStates, marker_text};
use wirelab::diagram::geom::{Point, Rect};
use wirelab::diagram::layout::{HEADER_H, LayoutParams, RowSpec, layout, row_specs};
use wirelab::diagram::rows::build_rows;
use wirelab::diagram::scene::labels::{estimate_width, label_rect};
use wirelab::diagram::scene::{
    Label, Mark, RunState, Scene, SceneOptions, Viewport, build_scene, label_extra_heights,
    one_line,
};
use wirelab::trace::Trace;

/// Diagram widths (points): beside the detail pane at 1400×900; at 2× zoom with the detail
/// pane collapsed; at 2× zoom beside a narrow detail pane.
const WIDTHS: [f32; 3] = [840.0, 700.0, 420.0];

/// The scene of all of `trace` drawn `width` wide, every row in view.
fn whole_scene(trace: &Trace, width: f32, show_frames: bool) -> Scene {
    let rows = build_rows(trace, show_frames);
    let probe = Rect::from_min_max(Point::new(0.0, 0.0), Point::new(width, 900.0));
    let mut extra = Vec::new();
    label_extra_heights(
        trace,
        &rows,
        probe,
        &estimate_width,
        wirelab::lang::Lang::En,
        &mut extra,
    );
    let mut specs: Vec<RowSpec> = Vec::new();
    row_specs(&rows, &mut specs);
    for (spec, e) in specs.iter_mut().zip(&extra) {
        spec.min_height += e;
    }
    let l = layout(&specs, &LayoutParams::default());
    let frame = Rect::from_min_max(
        Point::new(0.0, 0.0),
        Point::new(width, l.height + HEADER_H + 50.0),
    );
    let states = ApiStates::new(&rows, trace);
    let scene = build_scene(
        trace,
        &rows,
        &states,
        &l,
        Viewport {
            frame,
            scroll_y: 0.0,
        },
        &SceneOptions {
            selected: None,
            show_frames,
            run: RunState::Idle,
            px_per_ms: 2.0,
            empty_hint: "",
            lang: wirelab::lang::Lang::En,
        },
        &estimate_width,
    );
    assert_eq!(scene.rows.len(), rows.rows.len(), "every row in view");
    scene
}

/// Every label of `scene` with where it came from.
fn all_labels(scene: &Scene) -> Vec<(String, &Label)> {
    let mut out: Vec<(String, &Label)> = Vec::new();
    for l in &scene.header.labels {
        out.push(("header".into(), l));
    }
    for bar in &scene.spans {
        if let Some(label) = &bar.label {
            out.push(("span".into(), label));
        }
    }
    for g in &scene.gaps {
        out.push(("gap".into(), &g.label));
    }
    for row in &scene.rows {
        let at = format!("row {} ({})", row.row, row.summary);
        out.push((format!("{at} time"), &row.time));
        let mark = row.mark.label();
        out.push((at.clone(), mark));
        for m in &row.api {
            out.push((format!("{at} api"), &m.label));
        }
    }
    out
}

fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The label layout's promises for one trace at one width.
fn check(name: &str, trace: &Trace, width: f32, show_frames: bool) {
    let scene = whole_scene(trace, width, show_frames);
    let what = format!("{name} at {width} px (frames shown: {show_frames})");
    let labels = all_labels(&scene);
    let boxes: Vec<Rect> = labels
        .iter()
        .map(|(_, l)| label_rect(l, &estimate_width))
        .collect();
    for ((from, label), r) in labels.iter().zip(&boxes) {
        assert!(
            r.left() >= scene.frame.left() - 0.01 && r.right() <= scene.frame.right() + 0.01,
            "{what}: {from}: {:?} {r:?} past the diagram's edge",
            label.text
        );
        if label.full.is_none() && label.text.ends_with('…') {
            // Shortened without a tooltip only when the text itself ends so (a preview).
            assert!(
                !from.starts_with("header"),
                "{what}: {from}: {:?} shortened without its full text",
                label.text
            );
        }
        if let Some(full) = &label.full {
            assert!(
                label.text.ends_with('…') && full.len() > label.text.len() - '…'.len_utf8(),
                "{what}: {from}: {:?} has a full text but was not shortened",
                label.text
            );
        }
    }
    // Row labels: the whole summary, or its full text for the tooltip.
    for row in &scene.rows {
        let label = row.mark.label();
        let shown = label.full.as_deref().unwrap_or(&label.text);
        // A stream's end says so before the summary ("end of the stream: …").
        let whole = match &row.mark {
            Mark::StreamEnd(_) => squeeze(shown).contains(&squeeze(&row.summary)),
            _ => squeeze(shown).starts_with(&squeeze(&row.summary)),
        };
        assert!(
            whole,
            "{what}: row {}: {shown:?} lost some of {:?}",
            row.row, row.summary
        );
        for m in &row.api {
            let event = &trace.events[m.event];
            let want = one_line(&marker_text(event, trace, wirelab::lang::Lang::En));
            assert_eq!(m.label.full.as_deref().unwrap_or(&m.label.text), want);
        }
    }
    // No two labels overlap.
    let overlap = |a: &Rect, b: &Rect| {
        a.left() < b.right() - 0.5
            && b.left() < a.right() - 0.5
            && a.top() < b.bottom() - 0.5
            && b.top() < a.bottom() - 0.5
    };
    for i in 0..boxes.len() {
        for j in i + 1..boxes.len() {
            if labels[i].1.text.is_empty() || labels[j].1.text.is_empty() {
                continue;
            }
            assert!(
                !overlap(&boxes[i], &boxes[j]),
                "{what}: {} {:?} {:?} overlaps {} {:?} {:?}",
                labels[i].0,
                labels[i].1.text,
                boxes[i],
                labels[j].0,
                labels[j].1.text,
                boxes[j]
            );
        }
    }
}

fn check_all_widths(name: &str, trace: &Trace) {
    for width in WIDTHS {
        for frames in [false, true] {
            check(name, trace, width, frames);
        }
    }
}

#[test]
fn every_scenario_s_labels_fit_without_overlap() {
    let names: Vec<&str> = wirelab::lab::scenarios().iter().map(|s| s.name).collect();
    assert!(names.len() >= 5, "{names:?}");
    let traces: Vec<(&str, Trace)> = std::thread::scope(|s| {
        let handles: Vec<_> = names
            .iter()
            .map(|name| {
                s.spawn(move || {
                    let trace = wirelab::lab::run_scenario(name, support::lab::socket_lab())
                        .unwrap_or_else(|e| panic!("{name}: {e:#}"));
                    (*name, trace)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (name, trace) in &traces {
        assert!(!trace.events.is_empty(), "{name}");
        check_all_widths(name, trace);
    }
    // The lessons of ws-deflate and ws-subprotocol are read whole, wrapped where needed,
    // beside the detail pane and at 2× zoom with the pane collapsed.
    for lesson in ["ws-deflate", "ws-subprotocol"] {
        let (_, trace) = traces.iter().find(|(n, _)| *n == lesson).unwrap();
        for width in [WIDTHS[0], WIDTHS[1]] {
            let scene = whole_scene(trace, width, false);
            for row in &scene.rows {
                if let Mark::Arrow(a) = &row.mark {
                    assert_eq!(
                        a.label.full, None,
                        "{lesson} at {width}: {:?}",
                        a.label.text
                    );
                }
            }
        }
    }
    let (_, deflate) = traces.iter().find(|(n, _)| *n == "ws-deflate").unwrap();
    let wrapped = whole_scene(deflate, WIDTHS[1], false)
        .rows
        .iter()
        .filter(|r| matches!(&r.mark, Mark::Arrow(a) if a.label.text.contains('\n')))
        .count();
    assert!(
        wrapped > 0,
        "ws-deflate's long labels take two lines at 2× zoom"
    );
    // ws-chat's lanes are its clients, by name.
    let (_, chat) = traces.iter().find(|(n, _)| *n == "ws-chat").unwrap();
    for width in [WIDTHS[0], WIDTHS[1]] {
        let scene = whole_scene(chat, width, false);
        let titles: Vec<&str> = scene
            .header
            .labels
            .iter()
            .map(|l| l.text.as_str())
            .collect();
        for name in ["alice", "bob", "carol", "browser API", "server"] {
            assert!(titles.contains(&name), "at {width}: {titles:?}");
        }
        assert!(!titles.iter().any(|t| t.starts_with('#')), "{titles:?}");
        // Each name's subtitle is its whole address.
        for c in &chat.connections {
            assert!(
                titles.contains(&c.client.as_str()),
                "at {width}: {titles:?}"
            );
        }
    }
}

#[test]
fn every_fixture_s_labels_fit_without_overlap() {
    let mut seen = 0;
    for entry in std::fs::read_dir(support::fixtures::shared_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "pcap") {
            continue;
        }
        let (trace, _) = wirelab::capture::file::read_file(&path, false).unwrap();
        check_all_widths(&path.display().to_string(), &trace);
        seen += 1;
    }
    assert!(seen >= 8, "only {seen} fixtures in ../shared/fixtures");
}
