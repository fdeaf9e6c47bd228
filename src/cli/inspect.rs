//! `wirelab inspect`: a capture file dissected, printed as a timeline, TSV or counts, and
//! optionally written as trace JSON.

use std::io::{self, Write};

use anyhow::Context as _;

use super::live::style;
use super::{InspectArgs, OutputFormat};
use crate::report::terminal;
use crate::trace::describe::counted;

/// Reads the file and prints it as asked.
pub(super) fn inspect(args: InspectArgs, lang: crate::lang::Lang) -> anyhow::Result<()> {
    let stdout = io::stdout();
    if args.metrics {
        return super::metrics::inspect_metrics(&args.file, args.json.as_deref(), lang);
    }
    if args.conn.is_some() && !args.export.any() {
        anyhow::bail!("--conn chooses the connection of --svg or --png: add one of them");
    }
    if args.summary && args.json.is_none() && !args.export.any() {
        // Counts only: the same work on every core, no events kept.
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let summary = crate::capture::file::summarize_file(&args.file, threads)?;
        let mut out = stdout.lock();
        write_summary(
            &mut out,
            &args.file,
            &summary.stats,
            summary.connections,
            |name| summary.count(name),
        )?;
        return Ok(());
    }
    let (trace, stats) = crate::capture::file::read_file(&args.file, args.json.is_some())?;
    let mut out = stdout.lock();
    if args.summary {
        let count = |name: &str| {
            trace
                .events
                .iter()
                .filter(|e| e.kind.name() == name)
                .count() as u64
        };
        write_summary(
            &mut out,
            &args.file,
            &stats,
            trace.connections.len() as u64,
            count,
        )?;
    } else if args.format == OutputFormat::Tsv {
        terminal::write_tsv(&trace, &mut out)?;
    } else {
        terminal::write_timeline(
            &trace,
            &mut out,
            style(args.no_color, args.frames, false, lang),
        )?;
    }
    if let Some(path) = &args.json {
        // Streamed: a large capture's trace never exists as one string in memory.
        let file = std::fs::File::create(path)
            .with_context(|| format!("writing the trace to {}", path.display()))?;
        let mut writer = io::BufWriter::new(file);
        serde_json::to_writer_pretty(&mut writer, &trace)
            .map_err(io::Error::from)
            .and_then(|()| writer.flush())
            .with_context(|| format!("writing the trace to {}", path.display()))?;
        super::live::say_written(super::live::wrote::TRACE, path, lang);
    }
    if args.export.any() {
        let trace = match args.conn {
            Some(conn) => super::export::one_connection(&trace, conn)?,
            None => trace,
        };
        super::export::write_exports(&trace, &args.export, lang)?;
    }
    Ok(())
}

/// The one line of `inspect --summary`.
fn write_summary(
    out: &mut dyn Write,
    file: &std::path::Path,
    stats: &crate::capture::file::FileStats,
    connections: u64,
    count: impl Fn(&str) -> u64,
) -> io::Result<()> {
    // Each count with its noun, singular for one ("1 connection").
    let n = |k: u64, one: &str, many: &str| counted(k, one, many);
    writeln!(
        out,
        "{}: {} ({} TCP, {} undecodable), {}, {}, {}, {}, {}, {}, {}",
        file.display(),
        n(stats.packets, "packet", "packets"),
        stats.tcp_packets,
        stats.undecodable,
        n(connections, "connection", "connections"),
        n(count("http_request"), "HTTP request", "HTTP requests"),
        n(count("http_response"), "HTTP response", "HTTP responses"),
        n(count("ws_frame"), "WebSocket frame", "WebSocket frames"),
        n(
            count("ws_message"),
            "WebSocket message",
            "WebSocket messages"
        ),
        n(count("sse_event"), "SSE event", "SSE events"),
        n(count("diagnostic"), "diagnostic", "diagnostics"),
    )
}
