//! The connection list of the File and Capture views: one summary per TCP connection (what
//! protocol its events show, counts, bytes, diagnostics), the list's filter, and the sub-trace
//! of one connection that the sequence diagram shows when a row is selected. Pure, no egui.
//!
//! Summaries are updated incrementally (a live capture appends events while the list is
//! shown), so each event is looked at once.

use crate::lang::Lang;
use crate::proto::http::Headers;
use crate::trace::describe;
use crate::trace::{Connection, Event, EventKind, Trace, TraceUpdate};

/// What a connection carries, judged from its events (content, never the port).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Protocol {
    /// Nothing recognised: raw TCP.
    Other,
    /// HTTP/1.x requests and responses.
    Http,
    /// An HTTP response with `Content-Type: text/event-stream`, or SSE events.
    Sse,
    /// An HTTP upgrade to WebSocket, or WebSocket frames.
    WebSocket,
}

impl Protocol {
    /// Every protocol, in the order the filter offers them.
    pub const ALL: [Protocol; 4] = [
        Protocol::WebSocket,
        Protocol::Sse,
        Protocol::Http,
        Protocol::Other,
    ];

    /// The name shown in the list.
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Other => "TCP",
            Protocol::Http => "HTTP",
            Protocol::Sse => "SSE",
            Protocol::WebSocket => "WebSocket",
        }
    }
}

/// One row of the connection list.
#[derive(Clone, Debug, PartialEq)]
pub struct ConnSummary {
    /// The connection (its id in the trace).
    pub conn: Connection,
    /// The most specific protocol seen so far.
    pub protocol: Protocol,
    /// Events of this connection.
    pub events: u64,
    /// HTTP requests and responses, WebSocket messages and SSE events.
    pub messages: u64,
    /// Bytes client → server seen in the stream (the end of the furthest event's span).
    pub bytes_c2s: u64,
    /// Bytes server → client seen in the stream.
    pub bytes_s2c: u64,
    /// Diagnostics about this connection.
    pub diagnostics: u64,
    /// The time of its first and last events (µs since the trace start).
    pub first_us: i64,
    /// See `first_us`.
    pub last_us: i64,
    /// Indices (into the trace's events) of this connection's events, in order.
    pub event_indices: Vec<usize>,
}

impl ConnSummary {
    fn new(conn: Connection) -> ConnSummary {
        ConnSummary {
            conn,
            protocol: Protocol::Other,
            events: 0,
            messages: 0,
            bytes_c2s: 0,
            bytes_s2c: 0,
            diagnostics: 0,
            first_us: 0,
            last_us: 0,
            event_indices: Vec::new(),
        }
    }

    fn add(&mut self, index: usize, event: &Event) {
        if self.events == 0 {
            self.first_us = event.t_us;
        }
        self.events += 1;
        self.last_us = self.last_us.max(event.t_us);
        self.event_indices.push(index);
        if let (Some(span), Some(dir)) = (event.span, event.dir) {
            let bytes = match dir {
                crate::trace::Dir::C2s => &mut self.bytes_c2s,
                crate::trace::Dir::S2c => &mut self.bytes_s2c,
            };
            *bytes = (*bytes).max(span.end());
        }
        let seen = match &event.kind {
            EventKind::HttpRequest { .. } => {
                self.messages += 1;
                Protocol::Http
            }
            EventKind::HttpResponse { headers, .. } => {
                self.messages += 1;
                let stream = Headers::new(headers).has_media_type("text/event-stream");
                if stream {
                    Protocol::Sse
                } else {
                    Protocol::Http
                }
            }
            EventKind::SseEvent { .. } => {
                self.messages += 1;
                Protocol::Sse
            }
            EventKind::WsMessage { .. } => {
                self.messages += 1;
                Protocol::WebSocket
            }
            EventKind::WsUpgradeCheck { .. } | EventKind::WsFrame { .. } => Protocol::WebSocket,
            EventKind::Diagnostic { .. } => {
                self.diagnostics += 1;
                Protocol::Other
            }
            _ => Protocol::Other,
        };
        self.protocol = self.protocol.max(seen);
    }

    /// The client's and the server's ports, when their addresses carry one.
    pub fn ports(&self) -> (Option<u16>, Option<u16>) {
        (port_of(&self.conn.client), port_of(&self.conn.server))
    }
}

/// The port of `host:port` or `[v6]:port`.
fn port_of(addr: &str) -> Option<u16> {
    addr.rsplit_once(':').and_then(|(_, p)| p.parse().ok())
}

/// The summaries of every connection of a trace, kept up to date as the trace grows.
#[derive(Clone, Debug, Default)]
pub struct ConnIndex {
    /// One per connection, in the trace's order.
    pub summaries: Vec<ConnSummary>,
    /// Diagnostics about no connection in particular (e.g. a file that ends early).
    pub other_diagnostics: u64,
    /// Events looked at so far.
    seen_events: usize,
}

impl ConnIndex {
    /// Looks at the events and connections added since the last call.
    pub fn update(&mut self, trace: &Trace) {
        for c in &trace.connections {
            match self.summaries.iter_mut().find(|s| s.conn.id == c.id) {
                Some(s) => {
                    if s.conn != *c {
                        s.conn = c.clone();
                    }
                }
                None => self.summaries.push(ConnSummary::new(c.clone())),
            }
        }
        let start = self.seen_events.min(trace.events.len());
        for (i, e) in trace.events.iter().enumerate().skip(start) {
            match e.conn {
                Some(conn) => {
                    let k = match self.position(conn) {
                        Some(k) => k,
                        None => {
                            // An event of a connection the trace does not list: keep it
                            // reachable anyway.
                            self.summaries.push(ConnSummary::new(Connection {
                                id: conn,
                                client: String::new(),
                                server: String::new(),
                                label: None,
                                packets: None,
                            }));
                            self.summaries.len() - 1
                        }
                    };
                    if let Some(s) = self.summaries.get_mut(k) {
                        s.add(i, e);
                    }
                }
                None => {
                    if matches!(e.kind, EventKind::Diagnostic { .. }) {
                        self.other_diagnostics += 1;
                    }
                }
            }
        }
        self.seen_events = trace.events.len();
    }

    /// The summary of connection `conn`.
    pub fn get(&self, conn: u32) -> Option<&ConnSummary> {
        self.position(conn).and_then(|k| self.summaries.get(k))
    }

    fn position(&self, conn: u32) -> Option<usize> {
        // Ids are dense and in order for traces built by a TraceBuilder: try the direct slot.
        match self.summaries.get(conn as usize) {
            Some(s) if s.conn.id == conn => Some(conn as usize),
            _ => self.summaries.iter().position(|s| s.conn.id == conn),
        }
    }
}

/// The connection list's filter. Every part that is set must match.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConnFilter {
    /// Free text: matches the addresses, the label, the protocol name and the events'
    /// one-line summaries, ignoring case.
    pub text: String,
    /// A port number (client or server side); empty for any.
    pub port: String,
    /// One protocol, or any.
    pub protocol: Option<Protocol>,
    /// The language the list's summaries are shown in: the free text matches them as read.
    pub lang: Lang,
}

impl ConnFilter {
    /// Whether nothing is filtered.
    pub fn is_empty(&self) -> bool {
        self.text.trim().is_empty() && self.port.trim().is_empty() && self.protocol.is_none()
    }

    /// Why the port field cannot be used, if it cannot.
    pub fn port_error(&self) -> Option<String> {
        let p = self.port.trim();
        (!p.is_empty() && p.parse::<u16>().is_err())
            .then(|| format!("{p:?} is not a port number (0-65535)"))
    }

    /// Whether `summary` passes (its events are looked at for the free text).
    pub fn matches(&self, summary: &ConnSummary, trace: &Trace) -> bool {
        if let Some(p) = self.protocol
            && summary.protocol != p
        {
            return false;
        }
        let port = self.port.trim();
        if !port.is_empty() {
            let Ok(port) = port.parse::<u16>() else {
                return false;
            };
            let (c, s) = summary.ports();
            if c != Some(port) && s != Some(port) {
                return false;
            }
        }
        self.text_matches(summary, &summary.event_indices, trace)
    }

    /// Whether the free text (alone) matches the connection's own fields or one of the
    /// events `indices` (a part of its events, for searching only what is new).
    pub fn text_matches(&self, summary: &ConnSummary, indices: &[usize], trace: &Trace) -> bool {
        let text = self.text.trim().to_lowercase();
        if text.is_empty() {
            return true;
        }
        let c = &summary.conn;
        let label = c.label.as_deref().unwrap_or("");
        let head = format!(
            "#{} {} {} {label} {} {}",
            c.id,
            c.client,
            c.server,
            describe::lane_name(label, self.lang),
            summary.protocol.name()
        );
        if head.to_lowercase().contains(&text) {
            return true;
        }
        indices.iter().any(|&i| {
            trace.events.get(i).is_some_and(|e| {
                describe::summary(e, self.lang)
                    .to_lowercase()
                    .contains(&text)
            })
        })
    }
}

/// The trace of one connection: its events (with `api` causes renumbered), its connection
/// and its streams. Kept up to date with [`SubTrace::apply`] while the full trace grows.
#[derive(Clone, Debug)]
pub struct SubTrace {
    /// The connection shown.
    pub conn: u32,
    /// The connection's own trace.
    pub trace: Trace,
    /// For each event of `trace`, its index in the full trace (increasing).
    pub full_index: Vec<usize>,
}

impl SubTrace {
    /// Extracts connection `conn` from `full` (`indices`: its events, in order).
    pub fn new(full: &Trace, conn: u32, indices: &[usize]) -> SubTrace {
        let mut trace = Trace::new(full.source.clone(), full.started_at);
        trace.connections = full
            .connections
            .iter()
            .filter(|c| c.id == conn)
            .cloned()
            .collect();
        trace.streams = full
            .streams
            .iter()
            .filter(|s| s.conn == conn)
            .cloned()
            .collect();
        let mut sub = SubTrace {
            conn,
            trace,
            full_index: Vec::with_capacity(indices.len()),
        };
        for &i in indices {
            if let Some(e) = full.events.get(i) {
                sub.push(i, e.clone());
            }
        }
        sub
    }

    /// Appends event `full_index` of the full trace.
    fn push(&mut self, full_index: usize, mut event: Event) {
        if let EventKind::Api { cause, .. } = &mut event.kind {
            *cause = cause
                .and_then(|c| usize::try_from(c).ok())
                .and_then(|c| self.full_index.binary_search(&c).ok())
                .map(|k| k as u64);
        }
        self.full_index.push(full_index);
        self.trace.events.push(event);
    }

    /// Applies an update that was just applied to the full trace (whose new event, if any, has
    /// index `full_index`); updates about other connections are ignored.
    pub fn apply(&mut self, update: &TraceUpdate, full_index: usize) {
        match update {
            TraceUpdate::Connection(c) if c.id == self.conn => {
                self.trace.apply(TraceUpdate::Connection(c.clone()));
            }
            TraceUpdate::Bytes { conn, dir, data } if *conn == self.conn => {
                self.trace.apply(TraceUpdate::Bytes {
                    conn: *conn,
                    dir: *dir,
                    data: data.clone(),
                });
            }
            TraceUpdate::Event(e) if e.conn == Some(self.conn) => self.push(full_index, e.clone()),
            _ => {}
        }
    }

    /// The index in the full trace of event `sub_index` of this sub-trace.
    pub fn to_full(&self, sub_index: usize) -> Option<usize> {
        self.full_index.get(sub_index).copied()
    }

    /// The index in this sub-trace of event `full_index` of the full trace.
    pub fn from_full(&self, full_index: usize) -> Option<usize> {
        self.full_index.binary_search(&full_index).ok()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
mod tests {
    use super::*;
    use crate::trace::{Dir, Severity, Source, StreamSpan};

    fn conn(id: u32, client: &str, server: &str) -> Connection {
        Connection {
            id,
            client: client.into(),
            server: server.into(),
            label: None,
            packets: None,
        }
    }

    fn ev(t_us: i64, conn: Option<u32>, dir: Option<Dir>, kind: EventKind) -> Event {
        Event {
            t_us,
            conn,
            dir,
            span: None,
            kind,
        }
    }

    fn request(target: &str) -> EventKind {
        EventKind::HttpRequest {
            method: "GET".into(),
            target: target.into(),
            version: "HTTP/1.1".into(),
            headers: vec![],
            head_len: 40,
            body_len: 0,
            chunked_overhead: None,
        }
    }

    fn response(status: u16, content_type: &str) -> EventKind {
        EventKind::HttpResponse {
            status,
            reason: "OK".into(),
            version: "HTTP/1.1".into(),
            headers: vec![("Content-Type".into(), content_type.into())],
            head_len: 60,
            body_len: 0,
            chunked_overhead: None,
        }
    }

    fn trace() -> Trace {
        let mut t = Trace::new(Source::default(), chrono::Utc::now());
        t.connections = vec![
            conn(0, "127.0.0.1:50000", "127.0.0.1:8765"),
            conn(1, "127.0.0.1:50001", "127.0.0.1:8080"),
            conn(2, "[::1]:50002", "[::1]:8081"),
        ];
        let mut upgrade = ev(1, Some(0), Some(Dir::C2s), request("/echo"));
        upgrade.span = Some(StreamSpan {
            offset: 0,
            len: 200,
        });
        t.events = vec![
            upgrade,
            ev(2, Some(1), Some(Dir::C2s), request("/poll")),
            ev(3, Some(0), Some(Dir::S2c), response(101, "x")),
            ev(
                4,
                Some(0),
                None,
                EventKind::WsUpgradeCheck {
                    key: "k".into(),
                    expected_accept: "a".into(),
                    accept: Some("a".into()),
                    valid: true,
                    protocol: None,
                },
            ),
            ev(
                5,
                Some(2),
                Some(Dir::S2c),
                response(200, "text/event-stream"),
            ),
            ev(
                6,
                Some(1),
                Some(Dir::S2c),
                response(200, "application/json"),
            ),
            ev(
                7,
                Some(1),
                None,
                EventKind::Diagnostic {
                    severity: Severity::Warning,
                    message: "gap".into(),
                    message_zh: None,
                    rule: None,
                },
            ),
            ev(
                8,
                Some(0),
                None,
                EventKind::Api {
                    object: crate::trace::ApiObject::WebSocket,
                    ready_state: 1,
                    fires: Some("open".into()),
                    code: None,
                    reason: None,
                    was_clean: None,
                    data: None,
                    last_event_id: None,
                    cause: Some(2),
                },
            ),
        ];
        t
    }

    #[test]
    fn protocols_counts_and_bytes() {
        let t = trace();
        let mut index = ConnIndex::default();
        index.update(&t);
        let p: Vec<Protocol> = index.summaries.iter().map(|s| s.protocol).collect();
        assert_eq!(p, [Protocol::WebSocket, Protocol::Http, Protocol::Sse]);
        let ws = index.get(0).unwrap();
        assert_eq!(ws.events, 4);
        assert_eq!(ws.messages, 2);
        assert_eq!(ws.bytes_c2s, 200);
        assert_eq!(index.get(1).unwrap().diagnostics, 1);
        assert_eq!(index.get(2).unwrap().ports(), (Some(50002), Some(8081)));
    }

    #[test]
    fn incremental_updates_equal_one_pass() {
        let full = trace();
        let mut grown = Trace::new(full.source.clone(), full.started_at);
        grown.connections = full.connections.clone();
        let mut index = ConnIndex::default();
        for e in &full.events {
            grown.events.push(e.clone());
            index.update(&grown);
        }
        let mut once = ConnIndex::default();
        once.update(&full);
        assert_eq!(index.summaries, once.summaries);
    }

    #[test]
    fn filter_by_port_protocol_and_text() {
        let t = trace();
        let mut index = ConnIndex::default();
        index.update(&t);
        let shown = |f: &ConnFilter| -> Vec<u32> {
            index
                .summaries
                .iter()
                .filter(|s| f.matches(s, &t))
                .map(|s| s.conn.id)
                .collect()
        };
        assert_eq!(shown(&ConnFilter::default()), [0, 1, 2]);
        let port = ConnFilter {
            port: " 8080 ".into(),
            ..ConnFilter::default()
        };
        assert_eq!(shown(&port), [1]);
        let client_port = ConnFilter {
            port: "50002".into(),
            ..ConnFilter::default()
        };
        assert_eq!(shown(&client_port), [2]);
        let bad = ConnFilter {
            port: "http".into(),
            ..ConnFilter::default()
        };
        assert_eq!(
            bad.port_error().as_deref(),
            Some("\"http\" is not a port number (0-65535)")
        );
        assert!(shown(&bad).is_empty());
        let proto = ConnFilter {
            protocol: Some(Protocol::Sse),
            ..ConnFilter::default()
        };
        assert_eq!(shown(&proto), [2]);
        // Free text: an event summary (the request target), an address, case-insensitive.
        let text = ConnFilter {
            text: "/POLL".into(),
            ..ConnFilter::default()
        };
        assert_eq!(shown(&text), [1]);
        let addr = ConnFilter {
            text: "::1".into(),
            ..ConnFilter::default()
        };
        assert_eq!(shown(&addr), [2]);
        // The summaries are searched as they are shown: in the list's language.
        let zh = ConnFilter {
            text: "警告".into(),
            lang: Lang::Zh,
            ..ConnFilter::default()
        };
        assert_eq!(shown(&zh), [1]);
        let en = ConnFilter {
            lang: Lang::En,
            ..zh.clone()
        };
        assert!(shown(&en).is_empty());
    }

    #[test]
    fn sub_trace_renumbers_api_causes_and_follows_updates() {
        let t = trace();
        let mut index = ConnIndex::default();
        index.update(&t);
        let ws = index.get(0).unwrap();
        let mut sub = SubTrace::new(&t, 0, &ws.event_indices);
        assert_eq!(sub.trace.connections.len(), 1);
        assert_eq!(sub.trace.events.len(), 4);
        assert_eq!(sub.full_index, [0, 2, 3, 7]);
        match &sub.trace.events[3].kind {
            EventKind::Api { cause, .. } => assert_eq!(*cause, Some(1)),
            other => panic!("{other:?}"),
        }
        assert_eq!(sub.to_full(1), Some(2));
        assert_eq!(sub.from_full(7), Some(3));
        assert_eq!(sub.from_full(1), None);
        // A later event of another connection is ignored, one of this connection appended.
        let other = TraceUpdate::Event(ev(9, Some(1), Some(Dir::C2s), request("/x")));
        sub.apply(&other, 8);
        let own = TraceUpdate::Event(ev(10, Some(0), Some(Dir::C2s), request("/y")));
        sub.apply(&own, 9);
        assert_eq!(sub.full_index, [0, 2, 3, 7, 9]);
    }
}
