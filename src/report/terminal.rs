//! The annotated timeline in a terminal: one line per event, an arrow per direction, the
//! browser-API view indented under the event that caused it, ANSI colours when wanted.

use std::io::{self, Write};

use super::super::trace::describe::{self, note_in, summary};
use crate::lang::Lang;
use crate::trace::{Connection, Dir, Event, EventKind, Severity, Trace};

/// How to print.
#[derive(Clone, Copy, Debug, Default)]
pub struct TerminalStyle {
    /// Use ANSI colours.
    pub color: bool,
    /// Print the side note under events that have one.
    pub notes: bool,
    /// Print `ws_frame` events (messages are always printed).
    pub frames: bool,
    /// The language of the header, the connection lines, the summaries and the notes.
    pub lang: Lang,
}

const RESET: &str = "\x1b[0m";
const DIM: &str = "\x1b[2m";
const BOLD: &str = "\x1b[1m";
const CYAN: &str = "\x1b[36m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const RED: &str = "\x1b[31m";
const BLUE: &str = "\x1b[34m";
const MAGENTA: &str = "\x1b[35m";

/// Prints the header line of a trace (source, server, how the wire was observed).
pub fn write_header(trace: &Trace, out: &mut dyn Write, style: TerminalStyle) -> io::Result<()> {
    let lang = style.lang;
    let mut parts = vec!["wirelab".to_string()];
    if let Some(s) = &trace.source.scenario {
        parts.push(s.clone());
    }
    if let Some(f) = &trace.source.file {
        parts.push(f.clone());
    }
    if let Some(s) = &trace.source.server {
        parts.push(match lang {
            Lang::En => format!("server {s}"),
            Lang::Zh => format!("服务器 {s}"),
        });
    }
    match (trace.source.capture.as_deref(), lang) {
        (Some("socket"), Lang::En) => parts.push(
            "observed at the socket (no packets: TCP handshake shown from connect()/accept())"
                .into(),
        ),
        (Some("socket"), Lang::Zh) => {
            parts.push("在套接字层观察（没有报文段：TCP 握手根据 connect()/accept() 显示）".into())
        }
        (Some("packet"), Lang::En) => parts.push("observed from packets".into()),
        (Some("packet"), Lang::Zh) => parts.push("根据抓到的报文段观察".into()),
        (Some("packet+socket"), Lang::En) => {
            parts.push("observed from packets (TCP) and at the socket (bytes)".into())
        }
        (Some("packet+socket"), Lang::Zh) => {
            parts.push("根据报文段（TCP）和套接字层（字节）观察".into())
        }
        (Some(other), Lang::En) => parts.push(format!("observed: {other}")),
        (Some(other), Lang::Zh) => parts.push(format!("观察方式：{other}")),
        (None, _) => {}
    }
    if let Some(link) = &trace.source.link {
        parts.push(describe::link_summary(link, lang));
        if trace.source.capture.as_deref() == Some("packet+socket") {
            parts.push(describe::LINK_PACKETS.get(lang).to_string());
        }
    }
    parts.push(trace.started_at.format("%Y-%m-%d %H:%M:%S UTC").to_string());
    let line = parts.join(" · ");
    if style.color {
        writeln!(out, "{BOLD}{line}{RESET}")
    } else {
        writeln!(out, "{line}")
    }
}

/// Prints the whole timeline of `trace`: the header, which addresses each connection joins,
/// then every event.
pub fn write_timeline(trace: &Trace, out: &mut dyn Write, style: TerminalStyle) -> io::Result<()> {
    write_header(trace, out, style)?;
    for c in &trace.connections {
        write_connection(c, out, style)?;
    }
    for (i, event) in trace.events.iter().enumerate() {
        let before = trace.events.get(..i).unwrap_or_default();
        write_event(&trace.connections, before, event, out, style)?;
    }
    write_footer(trace, out, style)
}

/// Prints which address pair a connection's lane name (`#0`) stands for, in the lane column:
/// `#0  connection: client 127.0.0.1:50022 → server 127.0.0.1:8765`.
pub fn write_connection(
    connection: &Connection,
    out: &mut dyn Write,
    style: TerminalStyle,
) -> io::Result<()> {
    let lane = lane_name(
        std::slice::from_ref(connection),
        Some(connection.id),
        style.lang,
    );
    let (client, server) = (&connection.client, &connection.server);
    let text = match style.lang {
        Lang::En => format!("connection: client {client} → server {server}"),
        Lang::Zh => format!("连接：客户端 {client} → 服务器 {server}"),
    };
    let pad = "";
    if style.color {
        writeln!(
            out,
            "{pad:>12} {BOLD}{lane:<10}{RESET}{DIM}   ═══ {RESET}{text}"
        )
    } else {
        writeln!(out, "{pad:>12} {lane:<10}   ═══ {text}")
    }
}

/// Prints one event line (and its note), as a live source delivers it; `before` holds the
/// trace's events before it (some notes depend on them).
pub fn write_event(
    connections: &[Connection],
    before: &[Event],
    event: &Event,
    out: &mut dyn Write,
    style: TerminalStyle,
) -> io::Result<()> {
    if matches!(event.kind, EventKind::WsFrame { .. }) && !style.frames {
        return Ok(());
    }
    // A lab client's read only times deliveries (`wirelab compare`); the timeline has the
    // bytes it read already.
    if matches!(event.kind, EventKind::ClientRead { .. }) {
        return Ok(());
    }
    let time = format_time(event.t_us);
    let lang = style.lang;
    let lane = lane_name(connections, event.conn, lang);
    let text = summary(event, lang);
    let (arrow, colour) = match (&event.kind, event.dir) {
        (EventKind::Api { .. }, _) => ("   api ", BLUE),
        (EventKind::Diagnostic { severity, .. }, _) => (
            "   !!! ",
            if *severity == Severity::Error {
                RED
            } else {
                YELLOW
            },
        ),
        (EventKind::Stage { .. }, _) => ("   ─── ", DIM),
        (_, Some(Dir::C2s)) => ("  ───▶ ", CYAN),
        (_, Some(Dir::S2c)) => ("  ◀─── ", GREEN),
        (
            EventKind::TcpConnect { .. } | EventKind::TcpAccept { .. } | EventKind::TcpClose { .. },
            None,
        ) => ("  ┄┄┄┄ ", MAGENTA),
        _ => ("     • ", ""),
    };
    let size = match (event.span, &event.kind) {
        (
            Some(span),
            EventKind::HttpRequest { .. }
            | EventKind::HttpResponse { .. }
            | EventKind::WsMessage { .. },
        ) => match lang {
            Lang::En => format!("  [{} B on the wire]", span.len),
            Lang::Zh => format!("  [线路上 {} B]", span.len),
        },
        _ => String::new(),
    };
    if style.color {
        writeln!(
            out,
            "{DIM}{time:>12}{RESET} {lane:<10}{colour}{arrow}{text}{RESET}{DIM}{size}{RESET}"
        )?;
    } else {
        writeln!(out, "{time:>12} {lane:<10}{arrow}{text}{size}")?;
    }
    if style.notes
        && let Some(n) = note_in(before, event, lang)
        && !matches!(event.kind, EventKind::Api { .. })
    {
        let pad = " ".repeat(12 + 1 + 10 + 7);
        if style.color {
            writeln!(out, "{pad}{DIM}{n}{RESET}")?;
        } else {
            writeln!(out, "{pad}{n}")?;
        }
    }
    Ok(())
}

/// Prints a closing summary: connections, events, diagnostics.
pub fn write_footer(trace: &Trace, out: &mut dyn Write, style: TerminalStyle) -> io::Result<()> {
    let diagnostics = trace
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Diagnostic { .. }))
        .count();
    let (connections, events) = (trace.connections.len(), trace.events.len());
    let line = match style.lang {
        Lang::En => format!(
            "{}, {}, {}",
            describe::counted(connections as u64, "connection", "connections"),
            describe::counted(events as u64, "event", "events"),
            describe::counted(diagnostics as u64, "diagnostic", "diagnostics")
        ),
        Lang::Zh => format!("{connections} 条连接，{events} 个事件，{diagnostics} 条诊断",),
    };
    if style.color {
        writeln!(out, "{DIM}{line}{RESET}")
    } else {
        writeln!(out, "{line}")
    }
}

/// Prints one tab-separated row per event: `t_us`, `conn`, `dir`, `kind`, summary (tabs and
/// newlines in the summary are replaced by spaces). A data format: always in English, like
/// the JSON.
pub fn write_tsv(trace: &Trace, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "t_us\tconn\tdir\tkind\tsummary")?;
    for e in &trace.events {
        let conn = e.conn.map_or(String::new(), |c| c.to_string());
        let dir = e.dir.map_or("", Dir::as_str);
        let text = summary(e, Lang::En).replace(['\t', '\n', '\r'], " ");
        writeln!(out, "{}\t{conn}\t{dir}\t{}\t{text}", e.t_us, e.kind.name())?;
    }
    Ok(())
}

/// `t_us` as milliseconds with microsecond precision, e.g. `12.345 ms`.
pub fn format_time(t_us: i64) -> String {
    let sign = if t_us < 0 { "-" } else { "" };
    let abs = t_us.unsigned_abs();
    format!("{sign}{}.{:03} ms", abs / 1000, abs % 1000)
}

fn lane_name(connections: &[Connection], conn: Option<u32>, lang: Lang) -> String {
    let Some(id) = conn else {
        return String::new();
    };
    let label = connections
        .iter()
        .find(|c| c.id == id)
        .and_then(|c| c.label.as_deref());
    match label {
        // The lab's lane names are stored in English.
        Some(label) => format!("#{id} {}", describe::lane_name(label, lang)),
        None => format!("#{id}"),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly
mod tests {
    use super::*;

    #[test]
    fn time_format() {
        assert_eq!(format_time(0), "0.000 ms");
        assert_eq!(format_time(1_234_567), "1234.567 ms");
        assert_eq!(format_time(-5), "-0.005 ms");
    }
}
