//! A compare run's results as JSON and CSV (`docs/compare.md`), written the same way by
//! `wirelab compare --json/--csv` and by the GUI: `{"techniques": [...], "totals": {...},
//! "workload": {...}, "link": {...}, "published": {...}}`, each technique the counts of
//! `inspect --metrics` plus `events_delivered` and the latencies.

use serde::Serialize;
use serde_json::{Value, json};

use super::CompareConfig;
use super::presets::Preset;
use crate::analysis::compare::{Comparison, TechniqueResult};
use crate::analysis::metrics::{Counts, FIELDS};
use crate::lab::push_client::{KeepAlive, RequestHead};
use crate::lab::server::push::Timing;
use crate::trace::Trace;

/// Microseconds as milliseconds (three decimals: the trace counts whole µs).
fn ms(us: i64) -> f64 {
    us as f64 / 1000.0
}

/// The keys of a technique's row, in table order.
fn row_keys() -> Vec<&'static str> {
    let mut keys = vec!["technique"];
    keys.extend(FIELDS.iter().map(|f| f.name));
    keys.extend([
        "events_delivered",
        "latency_ms_p50",
        "latency_ms_p95",
        "latency_ms_max",
        "latency_ms_mean",
        "bytes_per_event",
    ]);
    keys
}

/// One technique's row: its counts, events delivered, latencies in ms, bytes per event.
#[derive(Serialize)]
struct Row<'a> {
    technique: &'static str,
    #[serde(flatten)]
    counts: &'a Counts,
    events_delivered: u64,
    latency_ms_p50: Option<f64>,
    latency_ms_p95: Option<f64>,
    latency_ms_max: Option<f64>,
    latency_ms_mean: Option<f64>,
    bytes_per_event: Option<f64>,
}

fn row(r: &TechniqueResult) -> Row<'_> {
    let latency = r.latency;
    Row {
        technique: r.technique.name(),
        counts: &r.counts,
        events_delivered: r.events_delivered(),
        latency_ms_p50: latency.map(|l| ms(l.p50_us)),
        latency_ms_p95: latency.map(|l| ms(l.p95_us)),
        latency_ms_max: latency.map(|l| ms(l.max_us)),
        latency_ms_mean: latency.map(|l| ms(l.mean_us)),
        bytes_per_event: r.bytes_per_event().map(|b| (b * 10.0).round() / 10.0),
    }
}

/// The run's settings: `{"events", "interval_ms", "payload_bytes", "timing", "seed",
/// "poll_ms", "keep_alive", "request_head"}`.
pub fn workload_json(config: &CompareConfig) -> Value {
    let w = &config.workload;
    let (timing, seed) = match w.timing {
        Timing::Regular => ("regular", None),
        Timing::Random { seed } => ("random", Some(seed)),
    };
    json!({
        "events": w.events,
        "interval_ms": w.interval.as_millis() as u64,
        "payload_bytes": w.payload_bytes,
        "timing": timing,
        "seed": seed,
        "poll_ms": config.poll_every.as_millis() as u64,
        "keep_alive": config.keep_alive == KeepAlive::On,
        "request_head": match config.head {
            RequestHead::Minimal => "minimal",
            RequestHead::BrowserLike => "browser-like",
            RequestHead::Lubbers => "lubbers",
        },
    })
}

/// The whole result (see the module's documentation).
pub fn to_json(
    trace: &Trace,
    c: &Comparison,
    config: &CompareConfig,
    preset: Option<&Preset>,
) -> Value {
    let mut totals = Counts::default();
    for r in &c.techniques {
        totals.add(&r.counts);
    }
    let mut totals = serde_json::to_value(&totals).unwrap_or_default();
    if let Some(map) = totals.as_object_mut() {
        map.insert("events_emitted".into(), json!(c.emitted.len()));
    }
    let link = &config.link;
    let mut out = json!({
        "techniques": c.techniques.iter().map(row).collect::<Vec<_>>(),
        "totals": totals,
        "workload": workload_json(config),
        "link": {
            "delay_ms": link.delay.as_millis() as u64,
            "rate_kbps": link.rate_kbps,
            "loss_pct": f64::from(link.loss_permille) / 10.0,
            "emulated": link.is_emulated(),
        },
        "order": match c.check_order() {
            Ok(()) => Value::from("ok"),
            Err(problems) => Value::from(problems.lines().collect::<Vec<_>>()),
        },
    });
    if let (Some(p), Some(map)) = (preset, out.as_object_mut()) {
        let figures: Vec<Value> = p
            .published
            .figures
            .iter()
            .map(|f| {
                json!({
                    "what": f.what.en,
                    "published": f.published,
                    "unit": f.unit,
                    "counts": f.counts.en,
                    "measured": f.measured(trace, c, config),
                })
            })
            .collect();
        map.insert(
            "published".into(),
            json!({
                "preset": p.name,
                "source": p.published.source.en,
                "figures": figures,
                "corrections": p.published.corrections.iter().map(|c| c.en).collect::<Vec<_>>(),
            }),
        );
    }
    out
}

/// One CSV row per technique, the JSON's technique keys as the header.
pub fn to_csv(c: &Comparison) -> String {
    let rows: Vec<Value> = c
        .techniques
        .iter()
        .map(|r| serde_json::to_value(row(r)).unwrap_or_default())
        .collect();
    let keys = row_keys();
    let mut out = keys.join(",");
    out.push('\n');
    for r in &rows {
        let cells: Vec<String> = keys
            .iter()
            .map(|&k| match r.get(k) {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(s)) => s.clone(),
                Some(v) => v.to_string(),
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}
