//! How long the GUI's File view takes to open a capture: the loader thread's whole work
//! (`ui::loader::Loader`: read, reassemble, dissect, then build the diagram's rows and the
//! connection summaries), timed from `Loader::start` to the result, as the window sees it.
//!
//! Then the frame build of the sequence view over the whole file, headless (the pure part:
//! `diagram::layout`, as the view calls it): a zoom lays every row out again and picks the
//! visible ones, a pan only picks the visible ones; p50 and p99 over 300 frames each.
//!
//! `cargo bench --bench open_file -- FILE` (default: the big capture of
//! `../shared/bench/make_big.sh`). Prints the times and the peak resident memory; measured,
//! never asserted. A bench command, not criterion: one open of a 3-million-packet file is
//! the measurement. Skipped when the file does not exist. Under `cargo test` (no `--bench`) it
//! opens a small fixture once instead, to keep the setup working.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark may panic on a broken setup

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use wirelab::diagram::layout::{GapKind, LayoutParams, RowSpec, TimelineLayout, layout_into};
use wirelab::diagram::rows::Rows;
use wirelab::ui::loader::LoadEvent;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `cargo test` runs bench targets without `--bench`: then one pass over a small fixture,
    // so that the setup cannot rot unnoticed (its times mean nothing).
    let measuring = args.iter().any(|a| a == "--bench");
    let file = if measuring {
        args.iter()
            .find(|a| !a.starts_with('-'))
            .map(PathBuf::from)
            .unwrap_or_else(default_file)
    } else {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/ws_python_echo.pcap")
    };
    if !file.exists() {
        println!(
            "open_file: no capture at {} (make it with ../shared/bench/make_big.sh) - skipped",
            file.display()
        );
        return;
    }
    let started = Instant::now();
    let mut loader = wirelab::ui::loader::Loader::start(file.clone(), Arc::new(|| {}));
    let mut preview = None;
    let loaded = loop {
        match loader.poll() {
            Some(LoadEvent::Preview(p)) => {
                preview = Some((started.elapsed(), p.trace.events.len()));
            }
            Some(LoadEvent::Done(result)) => break result.expect("the file opens"),
            None => std::thread::sleep(Duration::from_millis(2)),
        }
    };
    let total = started.elapsed();
    if let Some((at, events)) = preview {
        println!(
            "  a preview ({events} events, the diagram usable) after {:.2} s",
            at.as_secs_f64()
        );
    }
    let wirelab::ui::loader::LoadTimings {
        read,
        prepared: prepare,
    } = loaded.timings;
    let rows = loaded.prepared.as_ref().map_or(0, |p| p.rows.rows.len());
    println!(
        "open_file {}: {} connections, {} events, {rows} diagram rows",
        file.display(),
        loaded.trace.connections.len(),
        loaded.trace.events.len()
    );
    println!(
        "  the whole file after {:.2} s (read {:.2} s, prepare diagram {:.2} s), peak RSS {} MiB",
        total.as_secs_f64(),
        read.as_secs_f64(),
        prepare.as_secs_f64(),
        peak_rss_mib().map_or("?".to_string(), |m| m.to_string())
    );
    if let Some(prepared) = &loaded.prepared {
        frames(&prepared.rows);
    }
    if !measuring {
        assert!(loaded.prepared.is_some(), "the diagram was prepared");
        assert_eq!(
            loaded.trace.connections.len(),
            1,
            "the fixture's connection"
        );
    }
}

/// Zoom and pan frames over every row, as the view computes them (row heights as drawn:
/// one line, plus one per browser-API marker).
fn frames(rows: &Rows) {
    const VIEW_H: f32 = 900.0;
    let specs: Vec<RowSpec> = rows
        .rows
        .iter()
        .map(|r| RowSpec {
            t_us: r.t_us,
            min_height: 22.0 + 15.0 * r.api.len() as f32,
            before: GapKind::Idle,
        })
        .collect();
    let mut params = LayoutParams::default();
    let mut layout = TimelineLayout::default();
    layout_into(&specs, &params, &mut layout);
    let zoom: Vec<f64> = (0..300)
        .map(|i| {
            params.zoom_by(if i % 40 < 20 { 1.1 } else { 1.0 / 1.1 });
            let started = Instant::now();
            layout_into(&specs, &params, &mut layout);
            let scroll = (i as f32 * 7919.0) % layout.height.max(1.0);
            black_box(layout.visible_rows(scroll, scroll + VIEW_H));
            started.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    let pan: Vec<f64> = (0..300)
        .map(|i| {
            let started = Instant::now();
            let scroll = (i as f32 * 104_729.0) % layout.height.max(1.0);
            black_box(layout.visible_rows(scroll, scroll + VIEW_H));
            started.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    let (z50, z99) = percentiles(zoom);
    let (p50, p99) = percentiles(pan);
    println!(
        "  frame build over {} rows: zoom p50 {z50:.2} ms, p99 {z99:.2} ms; pan p50 {p50:.4} ms, p99 {p99:.4} ms (target: p99 <= 16 ms)",
        rows.rows.len()
    );
}

fn percentiles(mut times: Vec<f64>) -> (f64, f64) {
    times.sort_by(f64::total_cmp);
    let at = |q: f64| {
        times
            .get(((times.len().saturating_sub(1)) as f64 * q) as usize)
            .copied()
            .unwrap_or(f64::NAN)
    };
    (at(0.5), at(0.99))
}

fn default_file() -> PathBuf {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(|| PathBuf::from("."));
    cache.join("wirelab-bench/big.pcap")
}

/// The process's peak resident set size (Linux: `VmHWM` in /proc/self/status).
fn peak_rss_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}
