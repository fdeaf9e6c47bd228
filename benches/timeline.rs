//! The sequence view's frame build on a 100k-event trace, headless: the pure part of what the
//! GUI computes (`diagram::rows` and `diagram::layout`). Loading builds the rows once; a zoom
//! lays every row out again and picks the visible ones; a pan only picks the visible ones and
//! builds their scene (`diagram::scene`). Painting (egui) is not included. The target is a p99 frame build ≤ 16 ms; the p50
//! and p99 of 500 zoom frames are printed after criterion's figures (measured, not asserted).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark may panic on a broken setup

use std::hint::black_box;
use std::time::Instant;

use criterion::Criterion;
use wirelab::diagram::layout::{GapKind, LayoutParams, RowSpec, TimelineLayout, layout};
use wirelab::diagram::rows::{Rows, build_rows};
use wirelab::dissect::TraceBuilder;
use wirelab::trace::{Dir, Source, Trace};

const KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";
const VIEW_H: f32 = 900.0;

/// A real dissection of a WebSocket conversation with `frames` frames each way (two events
/// per frame: the frame and its message).
fn trace(frames: usize) -> Trace {
    let mut b = TraceBuilder::new(Source::default(), chrono::DateTime::UNIX_EPOCH)
        .keep_streams(false)
        .record_updates(false);
    let conn = b.open_connection("127.0.0.1:50000".into(), "127.0.0.1:80".into(), None);
    let accept = wirelab::proto::ws::handshake::derive_accept(KEY).accept;
    let request = format!(
        "GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: {KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
    let response = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Accept: {accept}\r\n\r\n"
    );
    b.data(conn, Dir::C2s, 0, request.as_bytes());
    b.data(conn, Dir::S2c, 100, response.as_bytes());
    for i in 0..frames {
        let t = 1_000 + i as i64 * 150;
        let text = format!("{{\"seq\":{i},\"op\":\"pub\"}}");
        let key = (i as u32).to_be_bytes();
        let mut c = vec![0x81, 0x80 | text.len() as u8];
        c.extend_from_slice(&key);
        c.extend(text.bytes().enumerate().map(|(j, x)| x ^ key[j % 4]));
        b.data(conn, Dir::C2s, t, &c);
        let mut s = vec![0x81, text.len() as u8];
        s.extend_from_slice(text.as_bytes());
        b.data(conn, Dir::S2c, t + 40, &s);
    }
    b.into_trace()
}

/// The row heights the view uses: one line, plus one per browser-API marker.
fn specs(rows: &Rows) -> Vec<RowSpec> {
    rows.rows
        .iter()
        .map(|r| RowSpec {
            t_us: r.t_us,
            min_height: 22.0 + 16.0 * r.api.len() as f32,
            before: GapKind::Idle,
        })
        .collect()
}

/// A zoom frame: every row laid out again, the visible ones picked.
fn zoom_frame(rows: &Rows, params: &LayoutParams, scroll: f32) -> (TimelineLayout, usize) {
    let l = layout(&specs(rows), params);
    let visible = l.visible_rows(scroll, scroll + VIEW_H).len();
    (l, visible)
}

fn bench(c: &mut Criterion, trace: &Trace, rows: &Rows) {
    let mut group = c.benchmark_group("timeline_100k");
    group.sample_size(20);
    group.bench_function("load/build_rows", |b| {
        b.iter(|| build_rows(black_box(trace), false).rows.len())
    });
    let params = LayoutParams::default();
    group.bench_function("zoom_frame/layout_all_rows", |b| {
        b.iter(|| zoom_frame(black_box(rows), &params, 10_000.0).1)
    });
    let l = layout(&specs(rows), &params);
    let mut scroll = 0.0;
    group.bench_function("pan_frame/visible_rows", |b| {
        b.iter(|| {
            scroll = (scroll + 37.0) % l.height.max(1.0);
            l.visible_rows(black_box(scroll), scroll + VIEW_H).len()
        })
    });
    // What the painter draws each frame: the scene of the visible rows.
    use wirelab::diagram::{api_lane::ApiStates, geom, scene};
    let states = ApiStates::new(rows, trace);
    let options = scene::SceneOptions {
        selected: None,
        show_frames: false,
        run: scene::RunState::Idle,
        px_per_ms: params.px_per_ms,
        empty_hint: "",
        lang: wirelab::lang::Lang::En,
    };
    group.bench_function("pan_frame/build_scene", |b| {
        b.iter(|| {
            scroll = (scroll + 37.0) % l.height.max(1.0);
            let viewport = scene::Viewport {
                frame: geom::Rect::from_min_max(
                    geom::Point::new(0.0, 0.0),
                    geom::Point::new(1000.0, VIEW_H),
                ),
                scroll_y: black_box(scroll),
            };
            scene::build_scene(
                trace,
                rows,
                &states,
                &l,
                viewport,
                &options,
                &scene::labels::estimate_width,
            )
            .rows
            .len()
        })
    });
    group.finish();
}

/// p50 and p99 of zoom frames at changing zoom levels.
fn percentiles(rows: &Rows) {
    let mut params = LayoutParams::default();
    let mut times: Vec<f64> = (0..500)
        .map(|i| {
            params.zoom_by(if i % 40 < 20 { 1.1 } else { 1.0 / 1.1 });
            let start = Instant::now();
            black_box(zoom_frame(rows, &params, (i * 997) as f32));
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    println!(
        "timeline_100k zoom frame over {} rows: p50 {:.2} ms, p99 {:.2} ms (target: p99 <= 16 ms)",
        rows.rows.len(),
        at(0.5),
        at(0.99)
    );
}

fn main() {
    // `cargo test` runs this without `--bench`: criterion then runs each routine once (its
    // test mode), on a smaller trace and without the percentiles, so that the setup cannot
    // rot unnoticed.
    let measuring = std::env::args().any(|a| a == "--bench");
    let frames = if measuring { 50_000 } else { 500 };
    let trace = trace(frames);
    let rows = build_rows(&trace, false);
    assert!(
        trace.events.len() >= 4 * frames,
        "a frame and a message each way per frame"
    );
    println!(
        "trace: {} events, {} rows",
        trace.events.len(),
        rows.rows.len()
    );
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c, &trace, &rows);
    c.final_summary();
    if measuring {
        percentiles(&rows);
    }
}
