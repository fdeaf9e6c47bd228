//! The diagram's vertical axis on real traces: every lab scenario's stage captions sit above
//! what their stage did (and every stage shows something of its own, frames hidden or not),
//! and the open spans of real captures: long polling's held requests and an SSE stream that
//! ends with the connection, never collapsed as idle time.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use std::path::Path;

use wirelab::capture::file::read_file;
use wirelab::diagram::api_lane::ApiStates;
use wirelab::diagram::geom::{Point, Rect};
use wirelab::diagram::layout::{GapKind, LayoutParams, layout, row_specs};
use wirelab::diagram::rows::{RowKind, Rows, build_rows};
use wirelab::diagram::scene::labels::estimate_width;
use wirelab::diagram::scene::{Mark, RunState, Scene, SceneOptions, Viewport, build_scene};
use wirelab::diagram::spans::{SpanEnd, SpanKind, Stream};
use wirelab::lab::scenario::scenario;
use wirelab::lab::{run_scenario, scenarios};
use wirelab::trace::{EventKind, Trace};

mod support;
use support::fixtures::shared_fixture;
use support::lab::socket_lab;

/// The stage event each event belongs to: the first one after it (the lab records a stage
/// when it is done); `None` after the last stage.
fn stage_of(trace: &Trace, event: usize) -> Option<usize> {
    (event..trace.events.len())
        .find(|&i| matches!(trace.events[i].kind, EventKind::Stage { .. }))
        .filter(|&i| i != event)
}

fn check_captions(name: &str, trace: &Trace, rows: &Rows, frames: &str) {
    let stages: Vec<usize> = (0..trace.events.len())
        .filter(|&i| matches!(trace.events[i].kind, EventKind::Stage { .. }))
        .collect();
    assert!(!stages.is_empty(), "{name}: no stages");
    let mut caption: Option<usize> = None; // the last caption above
    let mut rows_under = vec![0usize; trace.events.len()];
    for (r, row) in rows.rows.iter().enumerate() {
        if row.kind == RowKind::Stage {
            if let Some(prev) = caption {
                assert!(
                    prev < row.event,
                    "{name} ({frames}): captions in stage order"
                );
            }
            caption = Some(row.event);
            continue;
        }
        let Some(above) = caption else {
            panic!(
                "{name} ({frames}): row {r} ({:?}) has no caption above it",
                row.kind
            );
        };
        let own = stage_of(trace, row.event).unwrap_or(*stages.last().unwrap());
        assert_eq!(
            above, own,
            "{name} ({frames}): row {r} (event {}) is under the caption of event {above}, \
             its stage is event {own}",
            row.event
        );
        rows_under[above] += 1;
    }
    // A stage that by design sends nothing (a client that stops answering) expects no event.
    let silent = |s: usize| match &trace.events[s].kind {
        EventKind::Stage { index, .. } => scenario(name)
            .and_then(|sc| {
                sc.stages
                    .get(*index as usize)
                    .map(|st| st.expect.is_empty())
            })
            .unwrap_or(false),
        _ => false,
    };
    // A stage whose expected events all came before the previous stage was recorded: the
    // peer's library acted at once (a close answered automatically), so its events are drawn
    // under the stage that caused them. Which side of the record they land on is a race.
    let answered_early = |s: usize| {
        let Some(k) = stages.iter().position(|&x| x == s) else {
            return false;
        };
        let Some(&prev) = k.checked_sub(1).and_then(|p| stages.get(p)) else {
            return false;
        };
        let EventKind::Stage { index, .. } = &trace.events[s].kind else {
            return false;
        };
        let Some(stage) = scenario(name).and_then(|sc| sc.stages.get(*index as usize).cloned())
        else {
            return false;
        };
        stage.expect.iter().all(|m| {
            trace.events[..prev]
                .iter()
                .any(|e| m.matches(&trace.connections, e))
        })
    };
    for &s in &stages {
        if silent(s) || answered_early(s) {
            continue;
        }
        assert!(
            rows_under[s] > 0,
            "{name} ({frames}): stage {:?} shows nothing of its own",
            trace.events[s].kind
        );
    }
}

#[test]
fn every_scenarios_captions_come_above_what_their_stage_did() {
    for scenario in scenarios() {
        let trace = run_scenario(scenario.name, socket_lab()).unwrap();
        check_captions(
            scenario.name,
            &trace,
            &build_rows(&trace, false),
            "frames hidden",
        );
        check_captions(
            scenario.name,
            &trace,
            &build_rows(&trace, true),
            "frames shown",
        );
    }
}

fn fixture(name: &str) -> (Trace, Rows) {
    let (trace, _) = read_file(Path::new(&shared_fixture(name)), false).unwrap();
    let rows = build_rows(&trace, false);
    (trace, rows)
}

/// The kinds of the gaps the default layout shortens.
fn gap_kinds_of_layout(rows: &Rows) -> Vec<GapKind> {
    let mut specs = Vec::new();
    row_specs(rows, &mut specs);
    layout(&specs, &LayoutParams::default())
        .gaps
        .iter()
        .map(|g| g.kind)
        .collect()
}

#[test]
fn long_polling_is_held_requests_not_idle_time() {
    let (trace, rows) = fixture("http_long_poll.pcap");
    let held: Vec<_> = rows.spans.iter().collect();
    assert_eq!(held.len(), 6, "{held:?}");
    for span in &held {
        assert_eq!((span.kind, span.end), (SpanKind::Held, SpanEnd::Done));
        let start = &trace.events[rows.rows[span.start_row].event];
        let end = &trace.events[rows.rows[span.end_row].event];
        assert!(matches!(start.kind, EventKind::HttpRequest { .. }));
        assert!(matches!(
            end.kind,
            EventKind::HttpResponse { status: 200, .. }
        ));
        assert!((490_000..510_000).contains(&span.lasted_us), "{span:?}");
        let label = span.label(wirelab::lang::Lang::En).unwrap();
        assert!(
            label.starts_with("request held by the server ") && label.ends_with(" ms"),
            "{label}"
        );
    }
    // About 500 ms per request, all of it held: shortened, never called idle.
    let gaps = gap_kinds_of_layout(&rows);
    assert_eq!(gaps.len(), 6, "{gaps:?}");
    assert!(gaps.iter().all(|k| *k == GapKind::Held), "{gaps:?}");
}

#[test]
fn short_polling_answers_at_once_and_its_pauses_are_idle() {
    let (_, rows) = fixture("http_short_poll.pcap");
    assert_eq!(rows.spans.len(), 16);
    assert!(rows.spans.iter().all(|s| s.kind == SpanKind::Held
        && s.end == SpanEnd::Done
        && s.label(wirelab::lang::Lang::En).is_none()));
    let gaps = gap_kinds_of_layout(&rows);
    assert_eq!(gaps.len(), 15, "the 200 ms between polls: {gaps:?}");
    assert!(gaps.iter().all(|k| *k == GapKind::Idle));
}

#[test]
fn an_sse_stream_stays_open_and_ends_with_the_connection() {
    let (trace, rows) = fixture("http_sse.pcap");
    let streams: Vec<_> = rows
        .spans
        .iter()
        .filter(|s| matches!(s.kind, SpanKind::Stream { .. }))
        .collect();
    assert_eq!(streams.len(), 1, "{:?}", rows.spans);
    let stream = streams[0];
    assert_eq!(
        stream.kind,
        SpanKind::Stream {
            event_stream: Stream::EventStream
        }
    );
    assert_eq!(stream.end, SpanEnd::Closed, "cut short by the close");
    assert!(
        stream
            .label(wirelab::lang::Lang::En)
            .unwrap()
            .starts_with("event stream open 3.0"),
        "{:?}",
        stream.label(wirelab::lang::Lang::En)
    );
    // It starts at the response's head and ends at the body's end, which is drawn as the end
    // of the stream (after both FINs), not as an arrow.
    let head = &trace.events[rows.rows[stream.start_row].event];
    assert!(matches!(head.kind, EventKind::HttpResponse { .. }));
    let end_row = &rows.rows[stream.end_row];
    assert!(matches!(end_row.kind, RowKind::BodyEnd { conn: 0 }));
    assert!(matches!(
        trace.events[end_row.event].kind,
        EventKind::HttpBodyEnd {
            complete: false,
            ..
        }
    ));
    let fins_before = rows.rows[..stream.end_row]
        .iter()
        .filter(|r| matches!(trace.events[r.event].kind, EventKind::TcpFin(_)))
        .count();
    assert_eq!(fins_before, 2);
    // Its six events hang off it; the half seconds between them are held, not idle.
    let events_inside = rows.rows[stream.start_row..stream.end_row]
        .iter()
        .filter(|r| matches!(trace.events[r.event].kind, EventKind::SseEvent { .. }))
        .count();
    assert_eq!(events_inside, 6);
    let gaps = gap_kinds_of_layout(&rows);
    assert_eq!(gaps.len(), 6, "{gaps:?}");
    assert!(gaps.iter().all(|k| *k == GapKind::Held), "{gaps:?}");
}

#[test]
fn a_request_still_waiting_is_an_open_span() {
    let (mut trace, _) = fixture("http_long_poll.pcap");
    // Cut the capture right after the first request: it is still held.
    let first_request = trace
        .events
        .iter()
        .position(|e| matches!(e.kind, EventKind::HttpRequest { .. }))
        .unwrap();
    trace.events.truncate(first_request + 1);
    let rows = build_rows(&trace, false);
    assert_eq!(rows.spans.len(), 1);
    let span = rows.spans[0];
    assert_eq!((span.kind, span.end), (SpanKind::Held, SpanEnd::Open));
    assert!(
        span.label(wirelab::lang::Lang::En)
            .unwrap()
            .contains("no response yet")
    );
}

/// The scene of the top `height` px of a fixture's diagram, in a 1000 px wide frame.
fn scene_of(trace: &Trace, rows: &Rows, height: f32) -> Scene {
    let mut specs = Vec::new();
    row_specs(rows, &mut specs);
    let layout = layout(&specs, &LayoutParams::default());
    build_scene(
        trace,
        rows,
        &ApiStates::new(rows, trace),
        &layout,
        Viewport {
            frame: Rect::from_min_max(Point::new(0.0, 0.0), Point::new(1000.0, height)),
            scroll_y: 0.0,
        },
        &SceneOptions {
            selected: None,
            show_frames: false,
            run: RunState::Idle,
            px_per_ms: 2.0,
            empty_hint: "",
            lang: wirelab::lang::Lang::En,
        },
        &estimate_width,
    )
}

#[test]
fn the_scene_draws_held_requests_as_labelled_spans_and_no_idle_gaps() {
    let (trace, rows) = fixture("http_long_poll.pcap");
    let scene = scene_of(&trace, &rows, 5_000.0);
    assert!(scene.gaps.is_empty(), "no idle marker: {:?}", scene.gaps);
    assert_eq!(scene.spans.len(), 6);
    let client_x = scene.lanes.client_x(0);
    for bar in &scene.spans {
        assert!(
            bar.rect.left() > client_x && bar.rect.left() < client_x + 10.0,
            "on its lane"
        );
        assert!(bar.rect.height() > 50.0, "{:?}", bar.rect);
        assert_eq!(bar.breaks.len(), 1, "its shortened half second");
        let label = bar.label.as_ref().expect("room for its label");
        assert!(label.text.starts_with("request held by the server "));
        assert!(label.pos.y > bar.rect.top() && label.pos.y < bar.rect.bottom());
    }
}

#[test]
fn the_scene_ends_an_sse_stream_with_its_body_end() {
    let (trace, rows) = fixture("http_sse.pcap");
    let scene = scene_of(&trace, &rows, 5_000.0);
    assert!(scene.gaps.is_empty(), "{:?}", scene.gaps);
    let bar = scene
        .spans
        .iter()
        .find(|b| matches!(b.kind, SpanKind::Stream { .. }))
        .expect("the stream's bar");
    let ends: Vec<_> = scene
        .rows
        .iter()
        .filter_map(|r| match &r.mark {
            Mark::StreamEnd(end) => Some(end),
            _ => None,
        })
        .collect();
    assert_eq!(ends.len(), 1);
    assert!(
        ends[0]
            .label
            .text
            .starts_with("end of the stream: body cut short by the close"),
        "{}",
        ends[0].label.text
    );
    assert_eq!(
        ends[0].y,
        bar.rect.bottom(),
        "the bar ends at the body's end"
    );
    assert!(
        !scene.rows.iter().any(|r| matches!(&r.mark, Mark::Arrow(a)
            if a.label.text.contains("cut short"))),
        "not an arrow"
    );
}
