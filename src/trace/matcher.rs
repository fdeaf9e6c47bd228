//! [`EventMatcher`]: which trace events count as "the event we are waiting for". The lab's
//! runner waits for each stage's matchers; lessons will name matchers in their files. One
//! matcher for both, so a stage and a lesson mean the same thing by "a text message from alice".
//!
//! Plain data (owned strings, no closures), so it can be written in a file once it derives
//! `serde`. Pure.

use super::{Connection, Dir, Event, EventKind, Trace};
use crate::proto::http::Headers;

/// Which connection an event must be on.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ConnSelector {
    /// The connection with this id ([`Connection::id`]).
    Id(u32),
    /// The connection whose lane is labelled so ([`Connection::label`], e.g. `"alice"`).
    Lane(String),
}

/// A description of events: every field that is set must hold; unset fields match anything.
/// A field that does not apply to an event's kind (an opcode on an HTTP response, a status on
/// a frame) makes it not match.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct EventMatcher {
    /// The event kind's JSON name, e.g. `"ws_message"` ([`EventKind::name`]).
    pub kind: Option<String>,
    /// The connection (by id or lane).
    pub conn: Option<ConnSelector>,
    /// The direction.
    pub dir: Option<Dir>,
    /// For `ws_frame` / `ws_message`: the opcode (RFC 6455 §5.2).
    pub opcode: Option<u8>,
    /// For `http_response`: the status code.
    pub status: Option<u16>,
    /// For `http_request` / `http_response`: a header of this name (case-insensitive).
    pub header: Option<String>,
    /// For a text `ws_message` or an `sse_event`: its text contains this.
    pub text: Option<String>,
}

impl EventMatcher {
    /// Events of `kind` (a JSON name, e.g. `"tcp_accept"`).
    pub fn kind(kind: &str) -> Self {
        EventMatcher {
            kind: Some(kind.to_string()),
            ..EventMatcher::default()
        }
    }

    /// … on the connection whose lane is `lane`.
    #[must_use]
    pub fn on_lane(mut self, lane: &str) -> Self {
        self.conn = Some(ConnSelector::Lane(lane.to_string()));
        self
    }

    /// … on connection `id`.
    #[must_use]
    pub fn on_conn(mut self, id: u32) -> Self {
        self.conn = Some(ConnSelector::Id(id));
        self
    }

    /// … travelling `dir`.
    #[must_use]
    pub fn dir(mut self, dir: Dir) -> Self {
        self.dir = Some(dir);
        self
    }

    /// … with this WebSocket opcode.
    #[must_use]
    pub fn opcode(mut self, opcode: u8) -> Self {
        self.opcode = Some(opcode);
        self
    }

    /// … with this HTTP status.
    #[must_use]
    pub fn status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// … carrying a header called `name`.
    #[must_use]
    pub fn header(mut self, name: &str) -> Self {
        self.header = Some(name.to_string());
        self
    }

    /// … whose text contains `text`.
    #[must_use]
    pub fn text(mut self, text: &str) -> Self {
        self.text = Some(text.to_string());
        self
    }

    /// Whether `event` matches; `connections` resolves a lane (the trace's connections).
    pub fn matches(&self, connections: &[Connection], event: &Event) -> bool {
        self.kind.as_deref().is_none_or(|k| event.kind.name() == k)
            && self
                .conn
                .as_ref()
                .is_none_or(|sel| on_connection(sel, connections, event.conn))
            && self.dir.is_none_or(|d| event.dir == Some(d))
            && self
                .opcode
                .is_none_or(|want| opcode(&event.kind) == Some(want))
            && self
                .status
                .is_none_or(|want| status(&event.kind) == Some(want))
            && self.header.as_deref().is_none_or(|name| {
                headers(&event.kind).is_some_and(|hs| Headers::new(hs).get(name).is_some())
            })
            && self
                .text
                .as_deref()
                .is_none_or(|want| text(&event.kind).is_some_and(|t| t.contains(want)))
    }

    /// The index of the first event of `trace` at or after `from` that matches and that
    /// `claimed` does not exclude (e.g. events an earlier stage already took).
    pub fn find(
        &self,
        trace: &Trace,
        from: usize,
        claimed: impl Fn(usize) -> bool,
    ) -> Option<usize> {
        trace
            .events
            .iter()
            .enumerate()
            .skip(from)
            .find(|(i, e)| !claimed(*i) && self.matches(&trace.connections, e))
            .map(|(i, _)| i)
    }
}

fn on_connection(sel: &ConnSelector, connections: &[Connection], conn: Option<u32>) -> bool {
    let Some(conn) = conn else {
        return false;
    };
    match sel {
        ConnSelector::Id(id) => conn == *id,
        ConnSelector::Lane(lane) => connections
            .iter()
            .find(|c| c.id == conn)
            .is_some_and(|c| c.label.as_deref() == Some(lane.as_str())),
    }
}

fn opcode(kind: &EventKind) -> Option<u8> {
    match kind {
        EventKind::WsMessage { opcode, .. } | EventKind::WsFrame { opcode, .. } => Some(*opcode),
        _ => None,
    }
}

fn status(kind: &EventKind) -> Option<u16> {
    match kind {
        EventKind::HttpResponse { status, .. } => Some(*status),
        _ => None,
    }
}

fn headers(kind: &EventKind) -> Option<&[super::Header]> {
    match kind {
        EventKind::HttpRequest { headers, .. } | EventKind::HttpResponse { headers, .. } => {
            Some(headers)
        }
        _ => None,
    }
}

fn text(kind: &EventKind) -> Option<&str> {
    match kind {
        EventKind::WsMessage { text, .. } => text.as_deref(),
        EventKind::SseEvent { data, .. } => Some(data),
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::trace::{Observed, Source, TcpSegment};

    fn event(conn: u32, dir: Option<Dir>, kind: EventKind) -> Event {
        Event {
            t_us: 0,
            conn: Some(conn),
            dir,
            span: None,
            kind,
        }
    }

    fn message(conn: u32, dir: Dir, opcode: u8, text: Option<&str>) -> Event {
        event(
            conn,
            Some(dir),
            EventKind::WsMessage {
                opcode,
                fragments: 1,
                compressed: false,
                payload_len: 0,
                wire_payload_len: None,
                text: text.map(str::to_string),
                data_b64: None,
                close_code: None,
                close_reason: None,
            },
        )
    }

    fn frame(conn: u32, opcode: u8) -> Event {
        event(
            conn,
            Some(Dir::C2s),
            EventKind::WsFrame {
                fin: true,
                rsv1: false,
                rsv2: false,
                rsv3: false,
                opcode,
                masked: true,
                mask_key: None,
                payload_len: 0,
                header_len: 6,
            },
        )
    }

    fn response(conn: u32, status: u16) -> Event {
        event(
            conn,
            Some(Dir::S2c),
            EventKind::HttpResponse {
                status,
                reason: String::new(),
                version: "HTTP/1.1".to_string(),
                headers: vec![("Upgrade".to_string(), "websocket".to_string())],
                head_len: 0,
                body_len: 0,
                chunked_overhead: None,
            },
        )
    }

    fn lanes() -> Vec<Connection> {
        ["alice", "bob"]
            .iter()
            .enumerate()
            .map(|(i, name)| Connection {
                id: u32::try_from(i).unwrap(),
                client: String::new(),
                server: String::new(),
                label: Some(name.to_string()),
                packets: None,
            })
            .collect()
    }

    #[test]
    fn an_empty_matcher_matches_everything_and_each_field_narrows_it() {
        let conns = lanes();
        let hello = message(1, Dir::C2s, 0x1, Some("hello alice"));
        assert!(EventMatcher::default().matches(&conns, &hello));
        assert!(EventMatcher::kind("ws_message").matches(&conns, &hello));
        assert!(!EventMatcher::kind("ws_frame").matches(&conns, &hello));
        let m = EventMatcher::kind("ws_message")
            .on_lane("bob")
            .dir(Dir::C2s)
            .opcode(0x1)
            .text("alice");
        assert!(m.matches(&conns, &hello));
        assert!(!m.clone().on_lane("alice").matches(&conns, &hello));
        assert!(m.clone().on_conn(1).matches(&conns, &hello));
        assert!(!m.clone().on_conn(0).matches(&conns, &hello));
        assert!(!m.clone().dir(Dir::S2c).matches(&conns, &hello));
        assert!(!m.clone().opcode(0x2).matches(&conns, &hello));
        assert!(!m.clone().text("carol").matches(&conns, &hello));
        // A lane no connection has, or an event on no connection, never matches.
        assert!(
            !EventMatcher::default()
                .on_lane("carol")
                .matches(&conns, &hello)
        );
        let stage = Event {
            conn: None,
            ..event(
                0,
                None,
                EventKind::Stage {
                    index: 0,
                    label: String::new(),
                },
            )
        };
        assert!(!EventMatcher::default().on_conn(0).matches(&conns, &stage));
    }

    #[test]
    fn the_opcode_applies_to_frames_and_messages_only() {
        let conns = lanes();
        assert!(
            EventMatcher::kind("ws_frame")
                .opcode(0x0)
                .matches(&conns, &frame(0, 0x0))
        );
        assert!(
            !EventMatcher::kind("ws_frame")
                .opcode(0x1)
                .matches(&conns, &frame(0, 0x0))
        );
        let accept = event(
            0,
            None,
            EventKind::TcpAccept {
                observed: Observed::Socket,
            },
        );
        assert!(EventMatcher::kind("tcp_accept").matches(&conns, &accept));
        assert!(
            !EventMatcher::kind("tcp_accept")
                .opcode(0x1)
                .matches(&conns, &accept)
        );
        let ack = event(
            0,
            Some(Dir::C2s),
            EventKind::TcpAck(TcpSegment {
                seq: 1,
                ack: 1,
                window: None,
                len: 0,
            }),
        );
        assert!(!EventMatcher::default().opcode(0x1).matches(&conns, &ack));
    }

    #[test]
    fn status_and_header_apply_to_http_heads() {
        let conns = lanes();
        let switching = response(0, 101);
        assert!(
            EventMatcher::kind("http_response")
                .status(101)
                .matches(&conns, &switching)
        );
        assert!(
            !EventMatcher::kind("http_response")
                .status(200)
                .matches(&conns, &switching)
        );
        assert!(
            EventMatcher::default()
                .header("upgrade")
                .matches(&conns, &switching)
        );
        assert!(
            !EventMatcher::default()
                .header("cookie")
                .matches(&conns, &switching)
        );
        let text = message(0, Dir::S2c, 0x1, Some("101"));
        assert!(!EventMatcher::default().status(101).matches(&conns, &text));
        assert!(
            !EventMatcher::default()
                .header("upgrade")
                .matches(&conns, &text)
        );
        // A binary message has no text to search.
        assert!(
            !EventMatcher::default()
                .text("")
                .matches(&conns, &message(0, Dir::S2c, 0x2, None))
        );
    }

    #[test]
    fn find_starts_at_from_and_skips_claimed_events() {
        let mut trace = Trace::new(Source::default(), chrono::DateTime::UNIX_EPOCH);
        trace.connections = lanes();
        trace.events = vec![
            message(0, Dir::C2s, 0x1, Some("a")),
            message(0, Dir::C2s, 0x1, Some("b")),
            message(0, Dir::C2s, 0x1, Some("c")),
        ];
        let m = EventMatcher::kind("ws_message").on_lane("alice");
        assert_eq!(m.find(&trace, 0, |_| false), Some(0));
        assert_eq!(m.find(&trace, 1, |_| false), Some(1));
        assert_eq!(m.find(&trace, 0, |i| i < 2), Some(2));
        assert_eq!(m.find(&trace, 3, |_| false), None);
        assert_eq!(m.on_lane("bob").find(&trace, 0, |_| false), None);
    }
}
