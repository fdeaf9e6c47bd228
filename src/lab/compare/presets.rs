//! The published comparisons a compare run reproduces: each preset's workload, the figures it
//! was published with, what each figure counts, and the same figure measured from our run's
//! trace — the honest version of the famous charts, corrections stated.

use std::time::Duration;

use super::CompareConfig;
use crate::analysis::compare::Comparison;
use crate::analysis::metrics::Technique;
use crate::lab::push_client::{KeepAlive, RequestHead};
use crate::lab::server::push::{Timing, Workload};
use crate::lang::Text;
use crate::trace::{Dir, EventKind, Trace};

/// A published comparison and the run that reproduces it.
#[derive(Clone, Copy, Debug)]
pub struct Preset {
    /// `lubbers`, `abril`, `classroom`.
    pub name: &'static str,
    /// One line: what it reproduces.
    pub summary: Text,
    /// The workload of the publication.
    pub config: fn() -> CompareConfig,
    /// What was published.
    pub published: Published,
}

/// The figures of one publication.
#[derive(Clone, Copy, Debug)]
pub struct Published {
    /// Who, what, when.
    pub source: Text,
    /// Each published number.
    pub figures: &'static [Figure],
    /// What we correct, one sentence each.
    pub corrections: &'static [Text],
}

/// One published number and how to measure it in our trace.
#[derive(Clone, Copy, Debug)]
pub struct Figure {
    /// What it is, e.g. `header bytes per poll`.
    pub what: Text,
    /// The published value.
    pub published: f64,
    /// Its unit as published (`B`, `"Mbps"`, `KB`).
    pub unit: &'static str,
    /// What the published number counts, in one line.
    pub counts: Text,
    /// The same quantity in our trace.
    pub measure: Measure,
}

/// How a figure is measured in a compare run's trace.
#[derive(Clone, Copy, Debug)]
pub enum Measure {
    /// Mean bytes of HTTP request head + response head per request of a technique (CR/LF
    /// included, as on the wire).
    HeadBytesPerRequest(Technique),
    /// Mean header bytes of the WebSocket frames going `Dir`.
    WsFrameHeader(Dir),
    /// Header traffic of `clients` clients in "Mbps" as Lubbers & Greco count it (bits per
    /// second divided by 2^20): short polling's request + response heads per poll interval,
    /// or WebSocket's server→client frame headers per event interval.
    HeaderMbps {
        /// The technique.
        technique: Technique,
        /// How many clients.
        clients: u64,
    },
    /// Bytes of the responses only (heads + bodies, or the server's frames), in kB (1000 B),
    /// as a browser's transfer size counts them.
    ResponseKb(Technique),
    /// TCP payload bytes both ways (our trace has no IP headers without packet capture).
    WireBytes(Technique),
    /// HTTP requests of a technique.
    Requests(Technique),
}

impl Figure {
    /// The figure measured in `trace` (its comparison `c`, run with `config`); `None` when
    /// the trace does not hold it.
    pub fn measured(&self, trace: &Trace, c: &Comparison, config: &CompareConfig) -> Option<f64> {
        measure(self.measure, trace, c, config)
    }
}

fn measure(m: Measure, trace: &Trace, c: &Comparison, config: &CompareConfig) -> Option<f64> {
    match m {
        Measure::HeadBytesPerRequest(t) => {
            let r = c.technique(t)?;
            let heads = r.counts.http_request_head_bytes + r.counts.http_response_head_bytes;
            (r.counts.http_requests > 0).then(|| heads as f64 / r.counts.http_requests as f64)
        }
        Measure::WsFrameHeader(dir) => {
            let conns = &c.technique(Technique::WebSocket)?.conns;
            let headers: Vec<u8> = trace
                .events
                .iter()
                .filter(|e| e.dir == Some(dir) && e.conn.is_some_and(|id| conns.contains(&id)))
                .filter_map(|e| match e.kind {
                    EventKind::WsFrame { header_len, .. } => Some(header_len),
                    _ => None,
                })
                .collect();
            let sum: u64 = headers.iter().map(|&h| u64::from(h)).sum();
            (!headers.is_empty()).then(|| sum as f64 / headers.len() as f64)
        }
        Measure::HeaderMbps { technique, clients } => {
            let (bytes, every) = match technique {
                Technique::WebSocket => (
                    measure(Measure::WsFrameHeader(Dir::S2c), trace, c, config)?,
                    config.workload.interval,
                ),
                _ => (
                    measure(Measure::HeadBytesPerRequest(technique), trace, c, config)?,
                    config.poll_every,
                ),
            };
            let per_second = bytes / every.as_secs_f64().max(1e-6);
            Some(per_second * clients as f64 * 8.0 / f64::from(1u32 << 20))
        }
        Measure::ResponseKb(t) => {
            let r = c.technique(t)?;
            let down: u64 = r
                .conns
                .iter()
                .filter_map(|&id| trace.stream(id, Dir::S2c))
                .map(|s| s.len() as u64)
                .sum();
            Some(down as f64 / 1000.0)
        }
        Measure::WireBytes(t) => Some(c.technique(t)?.counts.wire_bytes as f64),
        Measure::Requests(t) => Some(c.technique(t)?.counts.http_requests as f64),
    }
}

const fn hp(clients: u64) -> Measure {
    Measure::HeaderMbps {
        technique: Technique::ShortPoll,
        clients,
    }
}

const fn hw(clients: u64) -> Measure {
    Measure::HeaderMbps {
        technique: Technique::WebSocket,
        clients,
    }
}

const LUBBERS_MBPS: Text = Text {
    en: "header bytes × clients × 8 per second ÷ 2^20 (their \"Mbps\"); TCP/IP ignored",
    zh: "首部字节 × 客户端数 × 8 每秒 ÷ 2^20（他们的 \"Mbps\"）；不计 TCP/IP",
};
const LUBBERS_WS_MBPS: Text = Text {
    en: "2 B per server→client frame × clients × 8 per second ÷ 2^20; client frames not counted",
    zh: "每个服务器→客户端帧 2 B × 客户端数 × 8 每秒 ÷ 2^20；不计客户端的帧",
};

/// Lubbers & Greco (Kaazing, 2010): a stock ticker polled once a second.
pub const LUBBERS: Preset = Preset {
    name: "lubbers",
    summary: Text {
        en: "Lubbers & Greco 2010: a stock ticker polled once a second, with their request \
              headers (cookies included), against WebSocket frames",
        zh: "Lubbers 与 Greco 2010：每秒轮询一次的股票行情，用他们的请求首部（含 cookie），对比 WebSocket 帧",
    },
    config: || CompareConfig {
        workload: Workload {
            events: 10,
            interval: Duration::from_secs(1),
            payload_bytes: 21,
            timing: Timing::Regular,
        },
        poll_every: Duration::from_secs(1),
        keep_alive: KeepAlive::On,
        head: RequestHead::Lubbers,
        link: Default::default(),
    },
    published: Published {
        source: Text {
            en: "Lubbers & Greco, \"HTML5 Web Sockets: A Quantum Leap in Scalability for the Web\" (Kaazing, 2010)",
            zh: "Lubbers 与 Greco，\"HTML5 Web Sockets: A Quantum Leap in Scalability for the Web\"（Kaazing，2010）",
        },
        figures: &[
            Figure {
                what: Text {
                    en: "polling: request + response header bytes per poll",
                    zh: "轮询：每次轮询的请求 + 响应首部字节",
                },
                published: 871.0,
                unit: "B",
                counts: Text {
                    en: "visible characters of the application headers, without CR/LF",
                    zh: "应用首部的可见字符，不含 CR/LF",
                },
                measure: Measure::HeadBytesPerRequest(Technique::ShortPoll),
            },
            Figure {
                what: Text {
                    en: "WebSocket: header bytes per server→client frame",
                    zh: "WebSocket：每个服务器→客户端帧的帧头字节",
                },
                published: 2.0,
                unit: "B",
                counts: Text {
                    en: "the frame header of a short unmasked server frame",
                    zh: "一个无掩码的短服务器帧的帧头",
                },
                measure: Measure::WsFrameHeader(Dir::S2c),
            },
            Figure {
                what: Text {
                    en: "WebSocket: header bytes per client→server frame",
                    zh: "WebSocket：每个客户端→服务器帧的帧头字节",
                },
                published: 2.0,
                unit: "B",
                counts: Text {
                    en: "not counted separately: assumed the same 2 B",
                    zh: "没有单独计算：假定同样是 2 B",
                },
                measure: Measure::WsFrameHeader(Dir::C2s),
            },
            Figure {
                what: Text {
                    en: "polling header traffic, 1,000 clients",
                    zh: "轮询的首部流量，1,000 个客户端",
                },
                published: 6.6,
                unit: "\"Mbps\"",
                counts: LUBBERS_MBPS,
                measure: hp(1_000),
            },
            Figure {
                what: Text {
                    en: "polling header traffic, 10,000 clients",
                    zh: "轮询的首部流量，10,000 个客户端",
                },
                published: 66.0,
                unit: "\"Mbps\"",
                counts: LUBBERS_MBPS,
                measure: hp(10_000),
            },
            Figure {
                what: Text {
                    en: "polling header traffic, 100,000 clients",
                    zh: "轮询的首部流量，100,000 个客户端",
                },
                published: 665.0,
                unit: "\"Mbps\"",
                counts: LUBBERS_MBPS,
                measure: hp(100_000),
            },
            Figure {
                what: Text {
                    en: "WebSocket header traffic, 1,000 clients",
                    zh: "WebSocket 的帧头流量，1,000 个客户端",
                },
                published: 0.015,
                unit: "\"Mbps\"",
                counts: LUBBERS_WS_MBPS,
                measure: hw(1_000),
            },
            Figure {
                what: Text {
                    en: "WebSocket header traffic, 10,000 clients",
                    zh: "WebSocket 的帧头流量，10,000 个客户端",
                },
                published: 0.153,
                unit: "\"Mbps\"",
                counts: LUBBERS_WS_MBPS,
                measure: hw(10_000),
            },
            Figure {
                what: Text {
                    en: "WebSocket header traffic, 100,000 clients",
                    zh: "WebSocket 的帧头流量，100,000 个客户端",
                },
                published: 1.526,
                unit: "\"Mbps\"",
                counts: LUBBERS_WS_MBPS,
                measure: hw(100_000),
            },
        ],
        corrections: &[
            Text {
                en: "871 B is the headers' visible characters: with their CR/LF the same headers are 909 B on the wire (about 300 B of them cookies); our heads are measured with CR/LF.",
                zh: "871 B 是首部的可见字符：加上 CR/LF，同样的首部在线路上是 909 B（其中约 300 B 是 cookie）；我们测量的首部包含 CR/LF。",
            },
            Text {
                en: "Our server's response head is axum's, not their Java server's: only the request headers are theirs.",
                zh: "我们服务器的响应头是 axum 的，不是他们的 Java 服务器的：只有请求首部是他们的。",
            },
            Text {
                en: "Their \"Mbps\" divide by 2^20, not 10^6, and count headers only, ignoring TCP/IP.",
                zh: "他们的 \"Mbps\" 除以的是 2^20 而不是 10^6，并且只计首部，忽略 TCP/IP。",
            },
            Text {
                en: "Client→server frames are masked: their header is 6 B, not 2.",
                zh: "客户端→服务器的帧带掩码：帧头是 6 B，不是 2 B。",
            },
            Text {
                en: "Their latency \"150 ms → 50 ms\" was a diagram, not a measurement; ours is measured per event.",
                zh: "他们的延迟 \"150 ms → 50 ms\" 是一张示意图，不是测量值；我们的延迟是逐个事件测量的。",
            },
        ],
    },
};

const ABRIL_KB: Text = Text {
    en: "Chrome's transfer size: response bytes only",
    zh: "Chrome 的传输大小：只计响应字节",
};

/// Abril (2017): 5 updates at 1 s intervals, short polling every 250 ms, Chrome, HTTP/1.1.
pub const ABRIL: Preset = Preset {
    name: "abril",
    summary: Text {
        en: "Abril 2017: 5 updates 1 s apart, short polling every 250 ms, KB transferred per \
              technique as Chrome's DevTools show it",
        zh: "Abril 2017：5 次更新，间隔 1 s，短轮询每 250 ms 一次，按 Chrome DevTools 显示的每种技术传输的 KB",
    },
    config: || CompareConfig {
        workload: Workload {
            events: 5,
            interval: Duration::from_secs(1),
            payload_bytes: 30,
            timing: Timing::Regular,
        },
        poll_every: Duration::from_millis(250),
        keep_alive: KeepAlive::On,
        head: RequestHead::BrowserLike,
        link: Default::default(),
    },
    published: Published {
        source: Text {
            en: "Abril, \"A comparison between WebSockets, server-sent events, and polling\" (2017)",
            zh: "Abril，\"A comparison between WebSockets, server-sent events, and polling\"（2017）",
        },
        figures: &[
            Figure {
                what: Text {
                    en: "short polling, KB transferred",
                    zh: "短轮询，传输的 KB",
                },
                published: 3.5,
                unit: "KB",
                counts: ABRIL_KB,
                measure: Measure::ResponseKb(Technique::ShortPoll),
            },
            Figure {
                what: Text {
                    en: "long polling, KB transferred",
                    zh: "长轮询，传输的 KB",
                },
                published: 1.9,
                unit: "KB",
                counts: ABRIL_KB,
                measure: Measure::ResponseKb(Technique::LongPoll),
            },
            Figure {
                what: Text {
                    en: "SSE, KB transferred",
                    zh: "SSE，传输的 KB",
                },
                published: 1.0,
                unit: "KB",
                counts: ABRIL_KB,
                measure: Measure::ResponseKb(Technique::Sse),
            },
            Figure {
                what: Text {
                    en: "WebSocket, KB transferred",
                    zh: "WebSocket，传输的 KB",
                },
                published: 0.629,
                unit: "KB",
                counts: Text {
                    en: "the HTML page only: the WebSocket frames were not counted",
                    zh: "只有 HTML 页面：没有计入 WebSocket 帧",
                },
                measure: Measure::ResponseKb(Technique::WebSocket),
            },
        ],
        corrections: &[
            Text {
                en: "Chrome's transfer size counts response bytes only: each poll's request head (about 430 B in Chrome then, about 527 B now) is missing; our table beside it counts both ways.",
                zh: "Chrome 的传输大小只计响应字节：每次轮询的请求头（当时的 Chrome 约 430 B，现在约 527 B）没有算进去；旁边我们的表两个方向都计。",
            },
            Text {
                en: "The WebSocket figure is the HTML page: its handshake and frames were not counted. Ours is the upgrade response and the server's frames.",
                zh: "WebSocket 的数字是 HTML 页面：它的握手和帧都没有计入。我们的是升级响应和服务器的帧。",
            },
            Text {
                en: "Our \"measured\" column is server→client bytes in kB (1000 B), as the transfer size counts.",
                zh: "我们的 \"实测\" 一栏是服务器→客户端的字节，以 kB（1000 B）计，与传输大小的算法一致。",
            },
        ],
    },
};

const CLASSROOM_IP: Text = Text {
    en: "IP bytes (IP header onwards), real aiohttp peers, 60 events",
    zh: "IP 字节（从 IP 头算起），真实的 aiohttp 对端，60 个事件",
};

/// Our own reference: real aiohttp peers, 60 events of about 57 B at one a second.
pub const CLASSROOM: Preset = Preset {
    name: "classroom",
    summary: Text {
        en: "our reference with real aiohttp peers: 60 events of 57 B at one a second, short \
              polling every second",
        zh: "我们用真实 aiohttp 对端做的参考：60 个 57 B 的事件，每秒一个，短轮询每秒一次",
    },
    config: || CompareConfig {
        workload: Workload {
            events: 60,
            interval: Duration::from_secs(1),
            payload_bytes: 57,
            timing: Timing::Regular,
        },
        poll_every: Duration::from_secs(1),
        keep_alive: KeepAlive::On,
        head: RequestHead::Minimal,
        link: Default::default(),
    },
    published: Published {
        source: Text {
            en: "wirelab's reference run with aiohttp peers on this kind of machine (issue \"Compare\")",
            zh: "wirelab 在这类机器上用 aiohttp 对端做的参考运行（issue \"Compare\"）",
        },
        figures: &[
            Figure {
                what: Text {
                    en: "short polling 1 s, keep-alive: bytes",
                    zh: "短轮询 1 s，keep-alive：字节",
                },
                published: 35_683.0,
                unit: "B",
                counts: CLASSROOM_IP,
                measure: Measure::WireBytes(Technique::ShortPoll),
            },
            Figure {
                what: Text {
                    en: "short polling 1 s: requests",
                    zh: "短轮询 1 s：请求数",
                },
                published: 61.0,
                unit: "",
                counts: Text {
                    en: "HTTP requests",
                    zh: "HTTP 请求数",
                },
                measure: Measure::Requests(Technique::ShortPoll),
            },
            Figure {
                what: Text {
                    en: "long polling: bytes",
                    zh: "长轮询：字节",
                },
                published: 35_401.0,
                unit: "B",
                counts: CLASSROOM_IP,
                measure: Measure::WireBytes(Technique::LongPoll),
            },
            Figure {
                what: Text {
                    en: "long polling: requests",
                    zh: "长轮询：请求数",
                },
                published: 60.0,
                unit: "",
                counts: Text {
                    en: "HTTP requests",
                    zh: "HTTP 请求数",
                },
                measure: Measure::Requests(Technique::LongPoll),
            },
            Figure {
                what: Text {
                    en: "SSE: bytes",
                    zh: "SSE：字节",
                },
                published: 11_776.0,
                unit: "B",
                counts: CLASSROOM_IP,
                measure: Measure::WireBytes(Technique::Sse),
            },
            Figure {
                what: Text {
                    en: "WebSocket: bytes",
                    zh: "WebSocket：字节",
                },
                published: 10_865.0,
                unit: "B",
                counts: CLASSROOM_IP,
                measure: Measure::WireBytes(Technique::WebSocket),
            },
        ],
        corrections: &[
            Text {
                en: "The reference counts IP bytes (every packet's IP and TCP headers too); our measured column is TCP payload only, so it is smaller, most of all for the many small packets of polling.",
                zh: "参考值计的是 IP 字节（每个数据包的 IP 和 TCP 头也算在内）；我们的实测一栏只计 TCP 载荷，所以更小，轮询的大量小数据包差得最多。",
            },
            Text {
                en: "aiohttp's client sends a 137 B request head; ours (minimal) is smaller, a browser's (about 527 B) much larger: the relations hold, the numbers differ.",
                zh: "aiohttp 的客户端发送 137 B 的请求头；我们的（最小）更小，浏览器的（约 527 B）大得多：相对关系成立，具体数字不同。",
            },
        ],
    },
};

/// Every preset, in menu order.
pub const PRESETS: [Preset; 3] = [LUBBERS, ABRIL, CLASSROOM];

/// The preset called `name`.
pub fn preset(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name)
}

/// The presets' names, for errors and help: `lubbers, abril, classroom`.
pub fn names() -> String {
    PRESETS.map(|p| p.name).join(", ")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_published_mbps_are_their_bytes_over_two_to_the_twentieth() {
        // 871 B per client per second, 1,000 clients: 6.6 "Mbps" only with 2^20.
        let mbps = |bytes: f64, clients: f64| bytes * clients * 8.0 / f64::from(1u32 << 20);
        assert!((mbps(871.0, 1_000.0) - 6.6).abs() < 0.05);
        assert!((mbps(871.0, 100_000.0) - 665.0).abs() < 1.0);
        assert!((mbps(2.0, 10_000.0) - 0.153).abs() < 0.001);
        assert!(preset("abril").is_some());
        assert_eq!(names(), "lubbers, abril, classroom");
    }

    #[test]
    fn lubbers_request_headers_are_their_size() {
        // Their request headers without CR/LF: what remains of the 871 B after the response's.
        let visible: usize = RequestHead::Lubbers
            .headers("127.0.0.1:8080".parse().unwrap())
            .iter()
            .map(|(n, v)| n.len() + 2 + v.len())
            .sum();
        assert!((600..800).contains(&visible), "{visible}");
    }
}
