//! `wirelab compare`: the four push techniques side by side on the lab, the table printed
//! (one column per technique), a preset's published figures beside ours, and the results as
//! JSON or CSV (docs/compare.md).

use std::io::{self, Write};
use std::time::Duration;

use anyhow::{Context as _, bail};

use super::live::{say_written, wrote};
use super::table::{LastColumn, write_columns};
use super::{CompareArgs, HeadArg, OnOff};
use crate::analysis::compare::{Comparison, TechniqueResult, compare as compare_trace};
use crate::lab::compare::presets::{self, Preset};
use crate::lab::compare::{CompareConfig, export, run};
use crate::lab::push_client::{KeepAlive, RequestHead};
use crate::lab::server::push::{MAX_EVENTS, MAX_PAYLOAD_BYTES, Timing};
use crate::lab::{CaptureMode, LabConfig};
use crate::lang::Lang;
use crate::trace::Trace;
use crate::ui::compare_view::text;

/// Runs the comparison and prints it; writes JSON/CSV/trace if asked.
pub(super) fn compare(args: CompareArgs, lang: Lang) -> anyhow::Result<()> {
    if args.clients > 1 {
        return super::scale::run(&args, lang);
    }
    let preset = preset(&args)?;
    let config = config(&args, preset)?;
    eprintln!("{}", config.describe(lang));
    let lab = LabConfig {
        capture: CaptureMode::Socket,
        ..LabConfig::default()
    };
    let trace = run(config, lab)?;
    let c = compare_trace(&trace);
    let stdout = io::stdout();
    let mut out = stdout.lock();
    write_table(&c, lang, &mut out)?;
    match c.check_order() {
        Ok(()) => writeln!(
            out,
            "\n{}",
            match lang {
                Lang::En =>
                    "every technique delivered the emitted sequence: nothing lost, duplicated or reordered",
                Lang::Zh => "每种技术都按发出的顺序送达了全部事件：无丢失、无重复、无乱序",
            }
        )?,
        Err(problems) => writeln!(out, "\n{problems}")?,
    }
    if let Some(p) = preset {
        write_published(p, &trace, &c, &config, lang, &mut out)?;
    }
    if let Some(path) = &args.json {
        let value = export::to_json(&trace, &c, &config, preset);
        let text = serde_json::to_string_pretty(&value).context("serializing the results")?;
        std::fs::write(path, text + "\n")
            .with_context(|| format!("writing the results to {}", path.display()))?;
        say_written(wrote::RESULTS, path, lang);
    }
    if let Some(path) = &args.csv {
        std::fs::write(path, export::to_csv(&c))
            .with_context(|| format!("writing the CSV to {}", path.display()))?;
        say_written(wrote::CSV, path, lang);
    }
    if let Some(path) = &args.trace {
        std::fs::write(path, trace.to_json())
            .with_context(|| format!("writing the trace to {}", path.display()))?;
        say_written(wrote::TRACE, path, lang);
    }
    Ok(())
}

/// The run asked for: the preset's (or the default) workload, changed by the options.
/// The preset `--preset` names, if any.
pub(super) fn preset(args: &CompareArgs) -> anyhow::Result<Option<&'static Preset>> {
    match args.preset.as_deref() {
        Some(name) => Ok(Some(presets::preset(name).with_context(|| {
            format!("unknown preset \"{name}\"; valid: {}", presets::names())
        })?)),
        None => Ok(None),
    }
}

/// The run the options ask for: the preset's (or the default one), changed by the options.
pub(super) fn config(args: &CompareArgs, preset: Option<&Preset>) -> anyhow::Result<CompareConfig> {
    let mut config = preset.map_or_else(CompareConfig::default, |p| (p.config)());
    let w = &mut config.workload;
    if let Some(events) = args.events {
        if events == 0 || events > MAX_EVENTS {
            bail!("--events {events}: choose 1 to {MAX_EVENTS}");
        }
        w.events = events;
    }
    if let Some(ms) = args.interval_ms {
        if ms == 0 {
            bail!("--interval-ms 0: events need at least 1 ms between them");
        }
        w.interval = Duration::from_millis(ms);
    }
    if let Some(bytes) = args.payload_bytes {
        if bytes > MAX_PAYLOAD_BYTES {
            bail!("--payload-bytes {bytes}: at most {MAX_PAYLOAD_BYTES}");
        }
        w.payload_bytes = bytes;
    }
    if args.random || args.seed.is_some() {
        let seed = args.seed.unwrap_or(match w.timing {
            Timing::Random { seed } => seed,
            Timing::Regular => 1,
        });
        w.timing = Timing::Random { seed };
    }
    if let Some(ms) = args.poll_ms {
        if ms == 0 {
            bail!("--poll-ms 0: polls need at least 1 ms between them");
        }
        config.poll_every = Duration::from_millis(ms);
    }
    if let Some(keep_alive) = args.keep_alive {
        config.keep_alive = match keep_alive {
            OnOff::On => KeepAlive::On,
            OnOff::Off => KeepAlive::Off,
        };
    }
    if let Some(head) = args.head {
        config.head = match head {
            HeadArg::Minimal => RequestHead::Minimal,
            HeadArg::Browser => RequestHead::BrowserLike,
            HeadArg::Lubbers => RequestHead::Lubbers,
        };
    }
    if !(0.0..=100.0).contains(&args.link.loss_pct) {
        bail!("--loss-pct {}: choose 0 to 100", args.link.loss_pct);
    }
    config.link = args.link.conditions();
    Ok(config)
}

/// One table row: its name (the JSON key; in Chinese what it counts) and each technique's
/// cell.
type Row = (&'static str, &'static str, fn(&TechniqueResult) -> String);

fn latency(f: fn(&crate::analysis::compare::LatencySummary) -> i64, r: &TechniqueResult) -> String {
    r.latency.map_or_else(
        || "-".to_string(),
        |l| format!("{:.1}", f(&l) as f64 / 1000.0),
    )
}

/// The rows of the table, in order.
fn rows() -> Vec<Row> {
    vec![
        ("http_requests", "HTTP 请求数", |r| {
            r.counts.http_requests.to_string()
        }),
        ("tcp_connections", "TCP 连接数", |r| {
            r.counts.tcp_connections.to_string()
        }),
        ("http_request_head_bytes", "HTTP 请求头字节", |r| {
            r.counts.http_request_head_bytes.to_string()
        }),
        ("http_response_head_bytes", "HTTP 响应头字节", |r| {
            r.counts.http_response_head_bytes.to_string()
        }),
        ("http_body_bytes", "HTTP 消息体字节", |r| {
            r.counts.http_body_bytes.to_string()
        }),
        ("chunk_framing_bytes", "  其中分块编码开销", |r| {
            r.counts.chunk_framing_bytes.to_string()
        }),
        ("ws_frame_header_bytes", "WebSocket 帧头字节", |r| {
            r.counts.ws_frame_header_bytes.to_string()
        }),
        (
            "ws_payload_wire_bytes",
            "WebSocket 载荷字节（线路上）",
            |r| r.counts.ws_payload_wire_bytes.to_string(),
        ),
        ("wire_bytes", "线路字节", |r| {
            r.counts.wire_bytes.to_string()
        }),
        ("empty_responses", "空响应数", |r| {
            r.counts.empty_responses.to_string()
        }),
        ("events_delivered", "送达事件数", |r| {
            r.events_delivered().to_string()
        }),
        ("latency_ms_p50", "延迟 p50 (ms)", |r| {
            latency(|l| l.p50_us, r)
        }),
        ("latency_ms_p95", "延迟 p95 (ms)", |r| {
            latency(|l| l.p95_us, r)
        }),
        ("latency_ms_max", "最大延迟 (ms)", |r| {
            latency(|l| l.max_us, r)
        }),
        ("bytes_per_event", "每事件字节数", |r| {
            r.bytes_per_event()
                .map_or_else(|| "-".to_string(), |b| format!("{b:.0}"))
        }),
    ]
}

/// One column per technique, one row per count (the JSON's keys; in Chinese what they count).
fn write_table(c: &Comparison, lang: Lang, out: &mut dyn Write) -> io::Result<()> {
    let mut header = vec![String::new()];
    header.extend(c.techniques.iter().map(|t| t.technique.name().to_string()));
    let mut table = vec![header];
    for (key, zh, cell) in rows() {
        let name = match lang {
            Lang::En => key,
            Lang::Zh => zh,
        };
        let mut row = vec![name.to_string()];
        row.extend(c.techniques.iter().map(cell));
        table.push(row);
    }
    write_columns(&table, LastColumn::Right, out)?;
    writeln!(
        out,
        "{}",
        match lang {
            Lang::En =>
                "wire_bytes: TCP payload both ways; latency: from the event source's creation to \
                 the client's read of the event's last byte, both in the trace",
            Lang::Zh =>
                "线路字节：双向的 TCP 载荷；延迟：从事件源产生事件到客户端读到该事件的最后一个字节，\
                 两者都取自 trace",
        }
    )
}

/// The preset's published figures beside ours, what each counts, and the corrections.
fn write_published(
    p: &Preset,
    trace: &Trace,
    c: &Comparison,
    config: &CompareConfig,
    lang: Lang,
    out: &mut dyn Write,
) -> io::Result<()> {
    let source = p.published.source.get(lang);
    match lang {
        Lang::En => writeln!(out, "\npublished: {source}")?,
        Lang::Zh => writeln!(out, "\n已发表的数据：{source}")?,
    }
    let mut table = vec![vec![
        String::new(),
        text::PUBLISHED.get(lang).to_string(),
        text::MEASURED.get(lang).to_string(),
        text::WHAT_IT_COUNTS.get(lang).to_string(),
    ]];
    for f in p.published.figures {
        let value = |v: f64| {
            let text = if v.fract() == 0.0 {
                format!("{v:.0}")
            } else if v < 1.0 {
                format!("{v:.3}")
            } else {
                format!("{v:.1}")
            };
            format!("{text} {}", f.unit).trim_end().to_string()
        };
        table.push(vec![
            f.what.get(lang).to_string(),
            value(f.published),
            f.measured(trace, c, config)
                .map_or_else(|| "-".to_string(), value),
            f.counts.get(lang).to_string(),
        ]);
    }
    // The last column reads better left-aligned: write it after the aligned part.
    let notes: Vec<String> = table.iter_mut().filter_map(Vec::pop).collect();
    let mut aligned = Vec::new();
    write_columns(&table, LastColumn::Right, &mut aligned)?;
    for (line, note) in String::from_utf8_lossy(&aligned).lines().zip(notes) {
        writeln!(out, "{line}  {note}")?;
    }
    match lang {
        Lang::En => writeln!(out, "corrections:")?,
        Lang::Zh => writeln!(out, "更正：")?,
    }
    for correction in p.published.corrections {
        writeln!(out, "- {}", correction.get(lang))?;
    }
    Ok(())
}
