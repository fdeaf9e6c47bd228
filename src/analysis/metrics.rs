//! What each push technique cost on the wire: every TCP connection of a trace classified by
//! its content (never its port) as short polling, long polling, SSE, WebSocket, plain HTTP or
//! other TCP, and per technique the counts `inspect --metrics` prints and writes as JSON
//! (`docs/metrics.md`). Pure: a function of a [`Trace`].
//!
//! Classification, per connection:
//! - a `101` response (or WebSocket frames): [`Technique::WebSocket`];
//! - a `text/event-stream` response (or SSE events): [`Technique::Sse`];
//! - requests that repeat, [`MIN_POLLS`] or more with the same method and path (query
//!   ignored) from one client host to one server, each answered with a 2xx or `304`, over
//!   one connection or many (polling without keep-alive opens one per poll): polling, and
//!   [`Technique::LongPoll`] when most of them were held [`LONG_WAIT_US`] or longer before
//!   their response, else [`Technique::ShortPoll`];
//! - other HTTP: [`Technique::Http`]; no HTTP at all (raw TCP, TLS): [`Technique::Tcp`].

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::proto::http::Headers;
use crate::trace::describe::LONG_WAIT_US;
use crate::trace::{Dir, Event, EventKind, Trace};

/// Requests of one method and path from one client host to one server, at least this many,
/// are polling rather than a page that fetched something twice.
pub const MIN_POLLS: usize = 3;

/// How a connection delivered what it delivered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Technique {
    /// Repeated requests, each answered at once (many possibly empty).
    ShortPoll,
    /// Repeated requests, each held by the server until it had something (RFC 6202 §2).
    LongPoll,
    /// One `text/event-stream` response that keeps coming (server-sent events).
    Sse,
    /// An upgrade to WebSocket.
    #[serde(rename = "websocket")]
    WebSocket,
    /// HTTP that is none of the above.
    Http,
    /// TCP with no HTTP seen (TLS, another protocol, a connection seen only in part).
    Tcp,
}

impl Technique {
    /// Every technique, in the order tables show them.
    pub const ALL: [Technique; 6] = [
        Technique::ShortPoll,
        Technique::LongPoll,
        Technique::Sse,
        Technique::WebSocket,
        Technique::Http,
        Technique::Tcp,
    ];

    /// The name in JSON and in table headers: `short-poll`, `long-poll`, `sse`, `websocket`,
    /// `http`, `tcp`.
    pub fn name(self) -> &'static str {
        match self {
            Technique::ShortPoll => "short-poll",
            Technique::LongPoll => "long-poll",
            Technique::Sse => "sse",
            Technique::WebSocket => "websocket",
            Technique::Http => "http",
            Technique::Tcp => "tcp",
        }
    }
}

/// The counts of one technique (or of all, in [`Metrics::totals`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Connections opened: a SYN seen, or a `connect()`/`accept()` observed at the socket.
    pub tcp_connections: u64,
    /// HTTP requests.
    pub http_requests: u64,
    /// Bytes of HTTP request heads, each including its final CRLF CRLF.
    pub http_request_head_bytes: u64,
    /// Bytes of HTTP response heads, each including its final CRLF CRLF.
    pub http_response_head_bytes: u64,
    /// Bytes of HTTP bodies on the wire, requests and responses, chunk framing included.
    pub http_body_bytes: u64,
    /// Bytes of chunked framing (chunk-size lines, CRLFs, last chunk, trailer), included in
    /// `http_body_bytes`.
    pub chunk_framing_bytes: u64,
    /// WebSocket frames, both directions, control frames included.
    pub ws_frames: u64,
    /// Bytes of WebSocket frame headers (2 to 14 each; a client's carry its 4-byte mask).
    pub ws_frame_header_bytes: u64,
    /// Bytes of WebSocket frame payloads as sent (compressed, when compressed).
    pub ws_payload_wire_bytes: u64,
    /// Server-sent events dispatched.
    pub sse_events: u64,
    /// Final responses that carried nothing: no body, or a JSON body in which every array
    /// and object is empty (`{"events":[]}`).
    pub empty_responses: u64,
    /// TCP payload bytes, both directions.
    pub wire_bytes: u64,
    /// Packets, when the trace counted them (packet sources only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub packets: Option<u64>,
    /// Bytes from the IP header onwards, when the trace counted them (packet sources only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_bytes: Option<u64>,
}

impl Counts {
    /// Adds `other`'s counts to these.
    pub fn add(&mut self, other: &Counts) {
        self.tcp_connections += other.tcp_connections;
        self.http_requests += other.http_requests;
        self.http_request_head_bytes += other.http_request_head_bytes;
        self.http_response_head_bytes += other.http_response_head_bytes;
        self.http_body_bytes += other.http_body_bytes;
        self.chunk_framing_bytes += other.chunk_framing_bytes;
        self.ws_frames += other.ws_frames;
        self.ws_frame_header_bytes += other.ws_frame_header_bytes;
        self.ws_payload_wire_bytes += other.ws_payload_wire_bytes;
        self.sse_events += other.sse_events;
        self.empty_responses += other.empty_responses;
        self.wire_bytes += other.wire_bytes;
        self.packets = add_optional(self.packets, other.packets);
        self.ip_bytes = add_optional(self.ip_bytes, other.ip_bytes);
    }
}

fn add_optional(a: Option<u64>, b: Option<u64>) -> Option<u64> {
    match (a, b) {
        (None, None) => None,
        _ => Some(a.unwrap_or(0) + b.unwrap_or(0)),
    }
}

/// One technique's counts, with its name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TechniqueMetrics {
    /// Which technique.
    pub technique: Technique,
    /// What its connections carried.
    #[serde(flatten)]
    pub counts: Counts,
}

/// The metrics of a trace: `{"techniques": [...], "totals": {...}}` in JSON.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metrics {
    /// Each technique seen, in [`Technique::ALL`] order.
    pub techniques: Vec<TechniqueMetrics>,
    /// The sum over every technique.
    pub totals: Counts,
}

impl Metrics {
    /// The counts of `technique`, if any connection used it.
    pub fn technique(&self, technique: Technique) -> Option<&Counts> {
        self.techniques
            .iter()
            .find(|t| t.technique == technique)
            .map(|t| &t.counts)
    }
}

/// One row of the metrics table: the field's JSON name, what it counts, and how to read it.
pub struct Field {
    /// The JSON name.
    pub name: &'static str,
    /// What it counts, in a few words.
    pub counts: &'static str,
    /// The value in a [`Counts`] (`None`: not measured).
    pub value: fn(&Counts) -> Option<u64>,
}

/// Every count, in the order of [`Counts`]: the table's rows.
pub const FIELDS: [Field; 14] = [
    Field {
        name: "tcp_connections",
        counts: "connections opened (SYN seen, or connect()/accept() at the socket)",
        value: |c| Some(c.tcp_connections),
    },
    Field {
        name: "http_requests",
        counts: "HTTP requests",
        value: |c| Some(c.http_requests),
    },
    Field {
        name: "http_request_head_bytes",
        counts: "request heads, bytes incl. the final CRLF CRLF",
        value: |c| Some(c.http_request_head_bytes),
    },
    Field {
        name: "http_response_head_bytes",
        counts: "response heads, bytes incl. the final CRLF CRLF",
        value: |c| Some(c.http_response_head_bytes),
    },
    Field {
        name: "http_body_bytes",
        counts: "HTTP bodies both ways, bytes on the wire incl. chunk framing",
        value: |c| Some(c.http_body_bytes),
    },
    Field {
        name: "chunk_framing_bytes",
        counts: "of which chunk framing (size lines, CRLFs, last chunk)",
        value: |c| Some(c.chunk_framing_bytes),
    },
    Field {
        name: "ws_frames",
        counts: "WebSocket frames both ways, control frames included",
        value: |c| Some(c.ws_frames),
    },
    Field {
        name: "ws_frame_header_bytes",
        counts: "WebSocket frame headers, bytes (2-14 each, masks included)",
        value: |c| Some(c.ws_frame_header_bytes),
    },
    Field {
        name: "ws_payload_wire_bytes",
        counts: "WebSocket payloads as sent, bytes",
        value: |c| Some(c.ws_payload_wire_bytes),
    },
    Field {
        name: "sse_events",
        counts: "server-sent events dispatched",
        value: |c| Some(c.sse_events),
    },
    Field {
        name: "empty_responses",
        counts: "responses carrying nothing (no body, or JSON with only empty lists)",
        value: |c| Some(c.empty_responses),
    },
    Field {
        name: "wire_bytes",
        counts: "TCP payload both ways, bytes",
        value: |c| Some(c.wire_bytes),
    },
    Field {
        name: "packets",
        counts: "packets (not counted yet: the trace does not keep data packets)",
        value: |c| c.packets,
    },
    Field {
        name: "ip_bytes",
        counts: "bytes from the IP header on (not counted yet)",
        value: |c| c.ip_bytes,
    },
];

/// The metrics of `trace`. Bodies are read from its recorded streams to tell empty poll
/// responses; without streams only bodiless responses count as empty.
pub fn metrics(trace: &Trace) -> Metrics {
    let mut per: HashMap<Technique, Counts> = HashMap::new();
    for (_, technique, counts) in per_connection(trace) {
        per.entry(technique).or_default().add(&counts);
    }
    let mut out = Metrics::default();
    for technique in Technique::ALL {
        if let Some(counts) = per.remove(&technique) {
            out.totals.add(&counts);
            out.techniques.push(TechniqueMetrics { technique, counts });
        }
    }
    out
}

/// Each connection's id, technique and counts, in the order of the trace's connections:
/// what [`metrics`] sums per technique (`analysis::compare` sums them per lab lane).
pub fn per_connection(trace: &Trace) -> Vec<(u32, Technique, Counts)> {
    let mut conns: Vec<ConnFacts> = trace
        .connections
        .iter()
        .map(|c| ConnFacts::new(host(&c.client), c.server.clone()))
        .collect();
    let index: HashMap<u32, usize> = trace
        .connections
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id, i))
        .collect();
    for event in &trace.events {
        let Some(facts) = event
            .conn
            .and_then(|c| index.get(&c))
            .and_then(|&i| conns.get_mut(i))
        else {
            continue;
        };
        facts.add(trace, event);
    }
    for (facts, conn) in conns.iter_mut().zip(&trace.connections) {
        for dir in [Dir::C2s, Dir::S2c] {
            let recorded = trace.stream(conn.id, dir).map_or(0, |s| s.len() as u64);
            let seen = &mut facts.stream_end[dir.index()];
            *seen = (*seen).max(recorded);
        }
    }
    let techniques = classify(&conns);
    conns
        .iter()
        .zip(techniques)
        .zip(&trace.connections)
        .map(|((facts, technique), conn)| (conn.id, technique, facts.counts()))
        .collect()
}

/// The host part of `ip:port` (`[v6]:port` too): polls without keep-alive come from one host
/// but many ports.
fn host(addr: &str) -> String {
    addr.rsplit_once(':')
        .map_or(addr, |(host, _port)| host)
        .to_string()
}

/// One request and its answer.
struct Request {
    method: String,
    path: String,
    t_us: i64,
    /// How long its final response took to come, and its status.
    answer: Option<(i64, u16)>,
}

impl Request {
    /// Whether it was answered as a poll is: with a 2xx (maybe empty) or a `304`. Refused
    /// requests (a `400`, a `426`) repeated are retries, not polling.
    fn answered_as_poll(&self) -> bool {
        self.answer
            .is_some_and(|(_, status)| (200..300).contains(&status) || status == 304)
    }

    fn held(&self) -> bool {
        self.answer
            .is_some_and(|(waited, _)| waited >= LONG_WAIT_US)
    }
}

/// What one connection's events show.
struct ConnFacts {
    client_host: String,
    server: String,
    opened: bool,
    upgraded: bool,
    event_stream: bool,
    requests: Vec<Request>,
    answered: usize,
    counts: Counts,
    stream_end: [u64; 2],
}

impl ConnFacts {
    fn new(client_host: String, server: String) -> ConnFacts {
        ConnFacts {
            client_host,
            server,
            opened: false,
            upgraded: false,
            event_stream: false,
            requests: Vec::new(),
            answered: 0,
            counts: Counts::default(),
            stream_end: [0; 2],
        }
    }

    fn add(&mut self, trace: &Trace, event: &Event) {
        if let (Some(span), Some(dir)) = (event.span, event.dir) {
            let end = &mut self.stream_end[dir.index()];
            *end = (*end).max(span.end());
        }
        let c = &mut self.counts;
        match &event.kind {
            EventKind::TcpSyn(_) | EventKind::TcpConnect { .. } | EventKind::TcpAccept { .. } => {
                self.opened = true;
            }
            EventKind::HttpRequest {
                method,
                target,
                head_len,
                body_len,
                chunked_overhead,
                ..
            } => {
                c.http_requests += 1;
                c.http_request_head_bytes += head_len;
                c.http_body_bytes += body_len;
                c.chunk_framing_bytes += chunked_overhead.unwrap_or(0);
                let path = target.split_once('?').map_or(target.as_str(), |(p, _)| p);
                self.requests.push(Request {
                    method: method.clone(),
                    path: path.to_string(),
                    t_us: event.t_us,
                    answer: None,
                });
            }
            EventKind::HttpResponse {
                status,
                headers,
                head_len,
                body_len,
                chunked_overhead,
                ..
            } => {
                c.http_response_head_bytes += head_len;
                c.http_body_bytes += body_len;
                c.chunk_framing_bytes += chunked_overhead.unwrap_or(0);
                let headers = Headers::new(headers);
                if *status == 101 {
                    self.upgraded = true;
                } else if *status >= 200 {
                    if headers.has_media_type("text/event-stream") {
                        self.event_stream = true;
                    } else if carries_nothing(trace, event, *status, *head_len, *body_len, headers)
                    {
                        c.empty_responses += 1;
                    }
                    // HTTP/1.1 answers requests in order: the n-th final response answers
                    // the n-th request.
                    if let Some(request) = self.requests.get_mut(self.answered) {
                        request.answer = Some((event.t_us.saturating_sub(request.t_us), *status));
                    }
                    self.answered += 1;
                }
            }
            EventKind::HttpBodyEnd {
                body_len,
                chunked_overhead,
                ..
            } => {
                c.http_body_bytes += body_len;
                c.chunk_framing_bytes += chunked_overhead.unwrap_or(0);
            }
            EventKind::WsFrame {
                payload_len,
                header_len,
                ..
            } => {
                self.upgraded = true;
                c.ws_frames += 1;
                c.ws_frame_header_bytes += u64::from(*header_len);
                c.ws_payload_wire_bytes += payload_len;
            }
            EventKind::SseEvent { .. } => {
                self.event_stream = true;
                c.sse_events += 1;
            }
            _ => {}
        }
    }

    fn counts(&self) -> Counts {
        Counts {
            tcp_connections: u64::from(self.opened),
            wire_bytes: self.stream_end.iter().sum(),
            ..self.counts.clone()
        }
    }
}

/// Whether a final response carried nothing: no body, or a JSON body in which every array
/// and object is empty. A body that is not at hand (no recorded stream, chunked) counts as
/// carrying something.
fn carries_nothing(
    trace: &Trace,
    event: &Event,
    status: u16,
    head_len: u64,
    body_len: u64,
    headers: Headers<'_>,
) -> bool {
    if body_len == 0 {
        // Without a length, a body delimited by the close is reported at its end, not here.
        return headers.get("content-length").is_some() || matches!(status, 204 | 304);
    }
    if headers.get("transfer-encoding").is_some() {
        return false;
    }
    let body = trace
        .event_bytes(event)
        .and_then(|bytes| bytes.get(usize::try_from(head_len).ok()?..));
    match body.and_then(|b| serde_json::from_slice::<serde_json::Value>(b).ok()) {
        Some(value) => holds_no_item(&value),
        None => false,
    }
}

/// Whether a JSON value holds no item: an empty array or object, or an object whose every
/// value holds none. Scalars are items.
fn holds_no_item(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Array(items) => items.is_empty(),
        serde_json::Value::Object(fields) => fields.values().all(holds_no_item),
        _ => false,
    }
}

/// The technique of each connection (see the module's documentation).
fn classify(conns: &[ConnFacts]) -> Vec<Technique> {
    // Requests per (client host, server, method, path), and how many of them were held.
    let mut groups: HashMap<(&str, &str, &str, &str), (usize, usize)> = HashMap::new();
    for facts in conns.iter().filter(|f| !f.upgraded && !f.event_stream) {
        for r in facts.requests.iter().filter(|r| r.answered_as_poll()) {
            let key = (
                facts.client_host.as_str(),
                facts.server.as_str(),
                r.method.as_str(),
                r.path.as_str(),
            );
            let (n, held) = groups.entry(key).or_default();
            *n += 1;
            if r.held() {
                *held += 1;
            }
        }
    }
    conns
        .iter()
        .map(|facts| {
            if facts.upgraded {
                return Technique::WebSocket;
            }
            if facts.event_stream {
                return Technique::Sse;
            }
            if facts.requests.is_empty() {
                return Technique::Tcp;
            }
            let mut votes: HashMap<Technique, usize> = HashMap::new();
            for r in &facts.requests {
                let key = (
                    facts.client_host.as_str(),
                    facts.server.as_str(),
                    r.method.as_str(),
                    r.path.as_str(),
                );
                let group = groups.get(&key).filter(|_| r.answered_as_poll());
                let technique = match group {
                    Some(&(n, held)) if n >= MIN_POLLS && held * 2 > n => Technique::LongPoll,
                    Some(&(n, _)) if n >= MIN_POLLS => Technique::ShortPoll,
                    _ => Technique::Http,
                };
                *votes.entry(technique).or_default() += 1;
            }
            // The technique most of its requests belong to (ties: the earlier in ALL).
            Technique::ALL
                .into_iter()
                .max_by_key(|t| (votes.get(t).copied().unwrap_or(0), std::cmp::Reverse(*t)))
                .unwrap_or(Technique::Http)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_without_items_is_empty() {
        let empty = |s: &str| holds_no_item(&serde_json::from_str(s).unwrap());
        assert!(empty(r#"{"events":[]}"#));
        assert!(empty("[]"));
        assert!(empty(r#"{"a":{},"b":[]}"#));
        assert!(!empty(r#"{"events":[{"id":1}]}"#));
        assert!(!empty(r#"{"ok":true}"#));
        assert!(!empty("0"));
    }

    #[test]
    fn hosts_drop_the_port() {
        assert_eq!(host("127.0.0.1:5000"), "127.0.0.1");
        assert_eq!(host("[::1]:5000"), "[::1]");
    }

    #[test]
    fn names_match_serde() {
        for t in Technique::ALL {
            assert_eq!(
                serde_json::to_value(t).unwrap(),
                serde_json::Value::String(t.name().to_string())
            );
        }
    }
}
