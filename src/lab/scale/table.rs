//! The Lubbers-style table: each technique's measured bytes per client per second, extrapolated
//! to 1,000 / 10,000 / 100,000 clients in their unit ("Mbps" of 2^20 bit/s), beside the figures
//! Lubbers & Greco published in 2010, with what each counts. Shared by the CLI and the GUI.

use std::fmt::Write as _;

use super::{Latency, ScaleReport, ScaleTechnique, TechniqueRun};
use crate::analysis::metrics::Technique;
use crate::lab::compare::presets::{self, Measure};
use crate::lang::{Lang, Text};

/// The client counts of the extrapolation (Lubbers & Greco's).
pub const CLIENT_COUNTS: [u32; 3] = [1_000, 10_000, 100_000];

/// "Mbps" as Lubbers & Greco computed it: bits per second divided by 2^20.
pub fn mbps(bytes_per_sec: f64) -> f64 {
    bytes_per_sec * 8.0 / f64::from(1u32 << 20)
}

/// One measured row.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The technique.
    pub technique: ScaleTechnique,
    /// Clients started.
    pub clients: u32,
    /// Clients that got every event in order.
    pub complete: u32,
    /// Connections the server accepted.
    pub connections: u64,
    /// TCP payload bytes per client per event, both ways.
    pub per_event: f64,
    /// TCP payload bytes per client per second, both ways.
    pub per_sec: f64,
    /// The same, server → client alone.
    pub per_sec_down: f64,
    /// `per_sec` for [`CLIENT_COUNTS`] clients, in "Mbps" (2^20).
    pub mbps: [f64; 3],
    /// WebSocket: latency measured by the load generator.
    pub latency: Option<Latency>,
}

impl Row {
    /// The row of one phase.
    pub fn of(run: &TechniqueRun) -> Row {
        let (per_sec, per_sec_down) = run.bytes_per_client_per_sec();
        Row {
            technique: run.technique,
            clients: run.outcome.clients,
            complete: run.outcome.in_order,
            connections: run.wire.tcp_connections,
            per_event: run.bytes_per_client_per_event(),
            per_sec,
            per_sec_down,
            mbps: CLIENT_COUNTS.map(|n| mbps(per_sec * f64::from(n))),
            latency: run.outcome.latency,
        }
    }
}

/// A published row: its figures are the Lubbers preset's ([`presets::LUBBERS`]), the one copy.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Published {
    /// What it is.
    pub label: Text,
    /// What it counts.
    pub counts: Text,
    /// Whose figures: polling's or WebSocket's.
    pub technique: Technique,
}

impl Published {
    /// Its "Mbps" for [`CLIENT_COUNTS`] clients, as the preset has them (NaN if missing).
    pub fn mbps(&self) -> [f64; 3] {
        CLIENT_COUNTS.map(|n| {
            presets::LUBBERS
                .published
                .figures
                .iter()
                .find_map(|f| match f.measure {
                    Measure::HeaderMbps { technique, clients }
                        if technique == self.technique && clients == u64::from(n) =>
                    {
                        Some(f.published)
                    }
                    _ => None,
                })
                .unwrap_or(f64::NAN)
        })
    }
}

/// Lubbers & Greco, "HTML5 Web Sockets: A Quantum Leap in Scalability for the Web" (2010).
pub const LUBBERS: [Published; 2] = [
    Published {
        label: Text {
            en: "Lubbers & Greco 2010, polling",
            zh: "Lubbers & Greco 2010，轮询",
        },
        counts: Text {
            en: "871 B of request + response headers per poll, once a second (909 B on the wire with CR/LF); bodies, TCP/IP not counted",
            zh: "每次轮询的请求头和响应头共 871 B，每秒一次（连同 CR/LF 在线上是 909 B）；不计消息体和 TCP/IP",
        },
        technique: Technique::ShortPoll,
    },
    Published {
        label: Text {
            en: "Lubbers & Greco 2010, WebSocket",
            zh: "Lubbers & Greco 2010，WebSocket",
        },
        counts: Text {
            en: "2 B of frame header per message, server → client only (a client's frames are masked: 6 B); payload, TCP/IP not counted",
            zh: "每条消息 2 B 帧头，只计服务器 → 客户端（客户端的帧带掩码：6 B）；不计载荷和 TCP/IP",
        },
        technique: Technique::WebSocket,
    },
];

/// The table's texts.
pub mod text {
    use crate::lang::Text;

    /// The table's title.
    pub const TITLE: Text = Text {
        en: "Scale run",
        zh: "规模测试",
    };
    /// The technique column.
    pub const TECHNIQUE: Text = Text {
        en: "technique",
        zh: "技术",
    };
    /// Clients that got every event in order, of all.
    pub const COMPLETE: Text = Text {
        en: "complete",
        zh: "完整收到",
    };
    /// Connections the server accepted.
    pub const CONNECTIONS: Text = Text {
        en: "TCP conns",
        zh: "TCP 连接",
    };
    /// Bytes per client per event.
    pub const PER_EVENT: Text = Text {
        en: "B/client/event",
        zh: "字节/客户端/事件",
    };
    /// Bytes per client per second.
    pub const PER_SEC: Text = Text {
        en: "B/client/s",
        zh: "字节/客户端/秒",
    };
    /// Server → client alone.
    pub const PER_SEC_DOWN: Text = Text {
        en: "of which s→c",
        zh: "其中 服务器→客户端",
    };
    /// The latency column.
    pub const LATENCY: Text = Text {
        en: "latency p50 / p99 / max (measured by the load generator)",
        zh: "延迟 p50 / p99 / 最大（由负载生成器测得）",
    };
    /// What the measured rows count.
    pub const MEASURED_COUNTS: Text = Text {
        en: "measured: TCP payload bytes both ways as the server's sockets read and wrote them (socket tap counts), everything included: connection set-up, request and response heads, bodies, chunk framing, frame headers, payload (WebSocket's without the creation stamp each message carries for the latency measurement); TCP/IP headers not counted. Extrapolated linearly in \"Mbps\" = bit/s ÷ 2^20, Lubbers & Greco's unit.",
        zh: "实测：服务器套接字读写的 TCP 载荷字节（套接字探针计数），双向，全部计入：建立连接、请求头和响应头、消息体、分块编码、帧头、载荷（WebSocket 的载荷不含为测量延迟而附带的创建时间戳）；不计 TCP/IP 头。按线性外推，单位 \"Mbps\" = 比特/秒 ÷ 2^20，与 Lubbers & Greco 相同。",
    };
    /// The idle memory line's label.
    pub const IDLE: Text = Text {
        en: "server memory per idle WebSocket connection",
        zh: "每个空闲 WebSocket 连接占用的服务器内存",
    };
    /// The anchors beside it.
    pub const IDLE_ANCHORS: Text = Text {
        en: "VmRSS after − before ÷ connections; anchors: gobwas/ws ~8 KB, gorilla/websocket ~27–41 KB",
        zh: "VmRSS 之后减之前 ÷ 连接数；参照：gobwas/ws 约 8 KB，gorilla/websocket 约 27–41 KB",
    };
    /// The open-file limit line's label.
    pub const NOFILE: Text = Text {
        en: "open-file limit (soft raised to hard)",
        zh: "打开文件数上限（软限制已提到硬限制）",
    };
}

fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A latency in milliseconds, e.g. `1.25 ms`.
pub fn ms(us: u64) -> String {
    format!("{:.2} ms", us as f64 / 1_000.0)
}

/// A latency's three figures, e.g. `0.41 ms / 2.10 ms / 9.80 ms (150,000 samples)`.
pub fn latency(l: &Latency, lang: Lang) -> String {
    let samples = count(l.samples);
    match lang {
        Lang::En => format!(
            "{} / {} / {} ({samples} deliveries)",
            ms(l.p50_us),
            ms(l.p99_us),
            ms(l.max_us)
        ),
        Lang::Zh => format!(
            "{} / {} / {}（{samples} 次投递）",
            ms(l.p50_us),
            ms(l.p99_us),
            ms(l.max_us)
        ),
    }
}

/// The workload line, e.g. "1,000 clients per technique, 10 events of 16 B every 1000 ms…".
pub fn workload(report: &ScaleReport, lang: Lang) -> String {
    let clients = count(u64::from(report.clients));
    let (events, interval, payload, poll) = (
        report.events,
        report.interval_ms,
        report.payload_bytes,
        report.poll_ms,
    );
    match lang {
        Lang::En => format!(
            "{clients} clients per technique; {events} events of {payload} B, one every {interval} ms; short polling every {poll} ms on a persistent connection"
        ),
        Lang::Zh => format!(
            "每种技术 {clients} 个客户端；{events} 个事件，每个 {payload} B，每 {interval} ms 一个；短轮询每 {poll} ms 一次，使用持久连接"
        ),
    }
}

/// The idle-memory line, if measured.
pub fn idle(report: &ScaleReport, lang: Lang) -> Option<String> {
    let idle = report.idle?;
    let kib = idle.bytes_per_connection / 1024.0;
    let n = count(u64::from(idle.connections));
    let (before, after) = (
        idle.rss_before as f64 / f64::from(1u32 << 20),
        idle.rss_after as f64 / f64::from(1u32 << 20),
    );
    Some(match lang {
        Lang::En => format!(
            "{}: {kib:.1} KiB ({n} connections; VmRSS {before:.1} MiB → {after:.1} MiB; {})",
            text::IDLE.en,
            text::IDLE_ANCHORS.en
        ),
        Lang::Zh => format!(
            "{}：{kib:.1} KiB（{n} 个连接；VmRSS {before:.1} MiB → {after:.1} MiB；{}）",
            text::IDLE.zh,
            text::IDLE_ANCHORS.zh
        ),
    })
}

fn limit(l: Option<u64>) -> String {
    l.map_or_else(|| "∞".to_string(), count)
}

/// The whole table as text, for the terminal.
pub fn render(report: &ScaleReport, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}: {}", text::TITLE.get(lang), workload(report, lang));
    let mbps_heads: Vec<String> = CLIENT_COUNTS
        .iter()
        .map(|n| format!("Mbps@{}", count(u64::from(*n))))
        .collect();
    let _ = writeln!(
        out,
        "{:<34} {:>12} {:>9} {:>14} {:>11} {:>11} {:>10} {:>11} {:>12}",
        text::TECHNIQUE.get(lang),
        text::COMPLETE.get(lang),
        text::CONNECTIONS.get(lang),
        text::PER_EVENT.get(lang),
        text::PER_SEC.get(lang),
        text::PER_SEC_DOWN.get(lang),
        mbps_heads[0],
        mbps_heads[1],
        mbps_heads[2],
    );
    for run in &report.techniques {
        let row = Row::of(run);
        let _ = writeln!(
            out,
            "{:<34} {:>12} {:>9} {:>14.1} {:>11.1} {:>11.1} {:>10.3} {:>11.3} {:>12.3}",
            row.technique.name(),
            format!(
                "{}/{}",
                count(u64::from(row.complete)),
                count(u64::from(row.clients))
            ),
            count(row.connections),
            row.per_event,
            row.per_sec,
            row.per_sec_down,
            row.mbps[0],
            row.mbps[1],
            row.mbps[2],
        );
    }
    for published in &LUBBERS {
        let _ = writeln!(
            out,
            "{:<34} {:>12} {:>9} {:>14} {:>11} {:>11} {:>10} {:>11} {:>12}",
            published.label.get(lang),
            "",
            "",
            "",
            "",
            "",
            published.mbps()[0],
            published.mbps()[1],
            published.mbps()[2],
        );
    }
    let _ = writeln!(out, "  {}", text::MEASURED_COUNTS.get(lang));
    for published in &LUBBERS {
        let _ = writeln!(
            out,
            "  {}: {}",
            published.label.get(lang),
            published.counts.get(lang)
        );
    }
    for run in &report.techniques {
        if let Some(l) = &run.outcome.latency {
            let _ = writeln!(
                out,
                "{} {}: {}",
                run.technique.name(),
                text::LATENCY.get(lang),
                latency(l, lang)
            );
        }
        if run.outcome.failed > 0 {
            let _ = writeln!(
                out,
                "{}: {} failed, e.g. {}",
                run.technique.name(),
                run.outcome.failed,
                run.outcome.errors.first().map_or("", String::as_str)
            );
        }
    }
    if let Some(line) = idle(report, lang) {
        let _ = writeln!(out, "{line}");
    }
    let loadgen = report
        .techniques
        .first()
        .map(|run| run.outcome.nofile)
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{}: server {} (hard {}), load generator {} (hard {})",
        text::NOFILE.get(lang),
        limit(report.server_nofile.soft),
        limit(report.server_nofile.hard),
        limit(loadgen.soft),
        limit(loadgen.hard),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lubbers_figures_follow_from_their_bytes() {
        // 871 B per poll and 2 B per frame, once a second, in their 2^20 "Mbps".
        for (i, n) in CLIENT_COUNTS.iter().enumerate() {
            let polling = mbps(871.0 * f64::from(*n));
            let ws = mbps(2.0 * f64::from(*n));
            // The published figures are rounded to two or three digits.
            assert!(
                (polling - LUBBERS[0].mbps()[i]).abs() / polling < 0.025,
                "{polling}"
            );
            assert!((ws - LUBBERS[1].mbps()[i]).abs() / ws < 0.025, "{ws}");
        }
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(count(12), "12");
    }
}
