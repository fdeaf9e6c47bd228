//! [`EventMatcher`]: which trace events count as "the event we are waiting for". The lab's
//! runner waits for each stage's matchers; a lesson's highlights are matchers written in its
//! file (`lesson::format` reads them). One matcher for both, so a stage and a lesson mean the
//! same thing by "a text message from alice".
//!
//! Plain data (owned strings, no closures). Pure.

use super::{Connection, Dir, Event, EventKind, Trace};
use crate::proto::http::Headers;
use crate::proto::ws::frame::OpCode;

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
/// a frame) makes it not match; [`Field::applies_to`] says which kinds each field can match,
/// so a lesson file naming a field its kind never has is refused when it is checked.
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
    /// For `ws_frame`: the FIN bit.
    pub fin: Option<bool>,
    /// For `ws_frame`: the RSV1 bit (set on a compressed message's first frame, RFC 7692).
    pub rsv1: Option<bool>,
    /// For `ws_frame`: the MASK bit.
    pub masked: Option<bool>,
    /// For `ws_frame`: the header's length in bytes (2 to 14).
    pub header_len: Option<u8>,
    /// For `ws_message`: whether it was compressed (permessage-deflate).
    pub compressed: Option<bool>,
    /// For a close `ws_message`: its close code; for an `api` event: its `code`
    /// (`CloseEvent.code`, a fetch's status).
    pub code: Option<u16>,
    /// For `http_response`: the status code.
    pub status: Option<u16>,
    /// For `http_request`: the method, e.g. `"GET"` (exactly, as on the wire).
    pub method: Option<String>,
    /// For `http_request` / `http_response`: the version, e.g. `"HTTP/1.0"`.
    pub version: Option<String>,
    /// For `http_request` / `http_response`: a header of this name (case-insensitive).
    pub header: Option<String>,
    /// With `header`: that header's value contains this.
    pub value: Option<String>,
    /// For a text `ws_message` or an `sse_event`: its text contains this.
    pub text: Option<String>,
    /// For `sse_event`: its `id:` field, exactly.
    pub sse_id: Option<String>,
    /// For `api`: the handler it fires, e.g. `"open"`.
    pub fires: Option<String>,
    /// For `api`: the `readyState` after it.
    pub ready_state: Option<u8>,
    /// For `diagnostic`: its cited rule contains this, e.g. `"§5.1"`.
    pub rule: Option<String>,
}

/// A field of an [`EventMatcher`], by its name in lesson files: what the lesson checker asks
/// about a field (which kinds it can match) without a second copy of [`EventMatcher::matches`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// `lane` (a [`ConnSelector::Lane`]).
    Lane,
    /// `conn` (a [`ConnSelector::Id`]).
    Conn,
    /// `dir`.
    Dir,
    /// `opcode`.
    Opcode,
    /// `fin`.
    Fin,
    /// `rsv1`.
    Rsv1,
    /// `masked`.
    Masked,
    /// `header_len`.
    HeaderLen,
    /// `compressed`.
    Compressed,
    /// `code`.
    Code,
    /// `status`.
    Status,
    /// `method`.
    Method,
    /// `version`.
    Version,
    /// `header`.
    Header,
    /// `value`.
    Value,
    /// `text`.
    Text,
    /// `sse_id`.
    SseId,
    /// `fires`.
    Fires,
    /// `ready_state`.
    ReadyState,
    /// `rule`.
    Rule,
}

impl Field {
    /// The field's name in lesson files.
    pub fn name(self) -> &'static str {
        match self {
            Field::Lane => "lane",
            Field::Conn => "conn",
            Field::Dir => "dir",
            Field::Opcode => "opcode",
            Field::Fin => "fin",
            Field::Rsv1 => "rsv1",
            Field::Masked => "masked",
            Field::HeaderLen => "header_len",
            Field::Compressed => "compressed",
            Field::Code => "code",
            Field::Status => "status",
            Field::Method => "method",
            Field::Version => "version",
            Field::Header => "header",
            Field::Value => "value",
            Field::Text => "text",
            Field::SseId => "sse_id",
            Field::Fires => "fires",
            Field::ReadyState => "ready_state",
            Field::Rule => "rule",
        }
    }

    /// The event kinds (JSON names) this field can match; `None`: any kind.
    pub fn kinds(self) -> Option<&'static [&'static str]> {
        const FRAME: &[&str] = &["ws_frame"];
        const WS: &[&str] = &["ws_frame", "ws_message"];
        const HEADS: &[&str] = &["http_request", "http_response"];
        Some(match self {
            // Every event of a connection has one; direction: most events have one.
            Field::Lane | Field::Conn | Field::Dir => return None,
            Field::Opcode => WS,
            Field::Fin | Field::Rsv1 | Field::Masked | Field::HeaderLen => FRAME,
            Field::Compressed => &["ws_message"],
            Field::Code => &["ws_message", "api"],
            Field::Status => &["http_response"],
            Field::Method => &["http_request"],
            Field::Version | Field::Header | Field::Value => HEADS,
            Field::Text => &["ws_message", "sse_event"],
            Field::SseId => &["sse_event"],
            Field::Fires | Field::ReadyState => &["api"],
            Field::Rule => &["diagnostic"],
        })
    }

    /// Whether the field can match an event of `kind` (a JSON name).
    pub fn applies_to(self, kind: &str) -> bool {
        self.kinds().is_none_or(|kinds| kinds.contains(&kind))
    }
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

    /// The fields that are set, besides `kind`.
    pub fn fields(&self) -> Vec<Field> {
        let set = [
            (
                Field::Lane,
                matches!(self.conn, Some(ConnSelector::Lane(_))),
            ),
            (Field::Conn, matches!(self.conn, Some(ConnSelector::Id(_)))),
            (Field::Dir, self.dir.is_some()),
            (Field::Opcode, self.opcode.is_some()),
            (Field::Fin, self.fin.is_some()),
            (Field::Rsv1, self.rsv1.is_some()),
            (Field::Masked, self.masked.is_some()),
            (Field::HeaderLen, self.header_len.is_some()),
            (Field::Compressed, self.compressed.is_some()),
            (Field::Code, self.code.is_some()),
            (Field::Status, self.status.is_some()),
            (Field::Method, self.method.is_some()),
            (Field::Version, self.version.is_some()),
            (Field::Header, self.header.is_some()),
            (Field::Value, self.value.is_some()),
            (Field::Text, self.text.is_some()),
            (Field::SseId, self.sse_id.is_some()),
            (Field::Fires, self.fires.is_some()),
            (Field::ReadyState, self.ready_state.is_some()),
            (Field::Rule, self.rule.is_some()),
        ];
        set.into_iter()
            .filter_map(|(field, on)| on.then_some(field))
            .collect()
    }

    /// Whether `event` matches; `connections` resolves a lane (the trace's connections).
    pub fn matches(&self, connections: &[Connection], event: &Event) -> bool {
        let kind = &event.kind;
        let frame = frame_bits(kind);
        let message = message_fields(kind);
        let api = api_fields(kind);
        let head = head_fields(kind);
        let has = |want: Option<bool>, got: Option<bool>| want.is_none_or(|w| got == Some(w));
        self.kind.as_deref().is_none_or(|k| kind.name() == k)
            && self
                .conn
                .as_ref()
                .is_none_or(|sel| on_connection(sel, connections, event.conn))
            && self.dir.is_none_or(|d| event.dir == Some(d))
            && self.opcode.is_none_or(|want| opcode(kind) == Some(want))
            && has(self.fin, frame.map(|f| f.fin))
            && has(self.rsv1, frame.map(|f| f.rsv1))
            && has(self.masked, frame.map(|f| f.masked))
            && self
                .header_len
                .is_none_or(|want| frame.is_some_and(|f| f.header_len == want))
            && has(self.compressed, message.map(|m| m.compressed))
            && self.code.is_none_or(|want| {
                message.and_then(|m| m.close_code).or(api.and_then(|a| a.code)) == Some(want)
            })
            && self.status.is_none_or(|want| status(kind) == Some(want))
            && self
                .method
                .as_deref()
                .is_none_or(|want| method(kind) == Some(want))
            && self
                .version
                .as_deref()
                .is_none_or(|want| head.is_some_and(|h| h.version == want))
            && self.header.as_deref().is_none_or(|name| {
                head.and_then(|h| Headers::new(h.headers).get(name))
                    .is_some_and(|value| {
                        self.value.as_deref().is_none_or(|want| value.contains(want))
                    })
            })
            // A value without a header names nothing to look in.
            && (self.value.is_none() || self.header.is_some())
            && self
                .text
                .as_deref()
                .is_none_or(|want| text(kind).is_some_and(|t| t.contains(want)))
            && self
                .sse_id
                .as_deref()
                .is_none_or(|want| sse_id(kind) == Some(want))
            && self
                .fires
                .as_deref()
                .is_none_or(|want| api.and_then(|a| a.fires) == Some(want))
            && self
                .ready_state
                .is_none_or(|want| api.is_some_and(|a| a.ready_state == want))
            && self
                .rule
                .as_deref()
                .is_none_or(|want| rule(kind).is_some_and(|r| r.contains(want)))
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

    /// The indices of every event of `trace` that matches, in order.
    pub fn find_all(&self, trace: &Trace) -> Vec<usize> {
        trace
            .events
            .iter()
            .enumerate()
            .filter(|(_, e)| self.matches(&trace.connections, e))
            .map(|(i, _)| i)
            .collect()
    }
}

/// The opcode called `name` (`"continuation"`, `"text"`, `"binary"`, `"close"`, `"ping"`,
/// `"pong"`), as [`OpCode::name`] spells it.
pub fn opcode_named(name: &str) -> Option<u8> {
    (0..=0xF_u8).find(|&v| {
        let op = OpCode::from_u8(v);
        op.name() == name && !matches!(op, OpCode::ReservedData(_) | OpCode::ReservedControl(_))
    })
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

/// A frame's header bits.
#[derive(Clone, Copy)]
struct FrameBits {
    fin: bool,
    rsv1: bool,
    masked: bool,
    header_len: u8,
}

fn frame_bits(kind: &EventKind) -> Option<FrameBits> {
    match kind {
        EventKind::WsFrame {
            fin,
            rsv1,
            masked,
            header_len,
            ..
        } => Some(FrameBits {
            fin: *fin,
            rsv1: *rsv1,
            masked: *masked,
            header_len: *header_len,
        }),
        _ => None,
    }
}

/// A message's fields the matcher reads.
#[derive(Clone, Copy)]
struct MessageFields {
    compressed: bool,
    close_code: Option<u16>,
}

fn message_fields(kind: &EventKind) -> Option<MessageFields> {
    match kind {
        EventKind::WsMessage {
            compressed,
            close_code,
            ..
        } => Some(MessageFields {
            compressed: *compressed,
            close_code: *close_code,
        }),
        _ => None,
    }
}

/// An API event's fields the matcher reads.
#[derive(Clone, Copy)]
struct ApiFields<'a> {
    ready_state: u8,
    fires: Option<&'a str>,
    code: Option<u16>,
}

fn api_fields(kind: &EventKind) -> Option<ApiFields<'_>> {
    match kind {
        EventKind::Api {
            ready_state,
            fires,
            code,
            ..
        } => Some(ApiFields {
            ready_state: *ready_state,
            fires: fires.as_deref(),
            code: *code,
        }),
        _ => None,
    }
}

/// An HTTP head's fields the matcher reads.
#[derive(Clone, Copy)]
struct HeadFields<'a> {
    version: &'a str,
    headers: &'a [super::Header],
}

fn head_fields(kind: &EventKind) -> Option<HeadFields<'_>> {
    match kind {
        EventKind::HttpRequest {
            version, headers, ..
        }
        | EventKind::HttpResponse {
            version, headers, ..
        } => Some(HeadFields { version, headers }),
        _ => None,
    }
}

fn status(kind: &EventKind) -> Option<u16> {
    match kind {
        EventKind::HttpResponse { status, .. } => Some(*status),
        _ => None,
    }
}

fn method(kind: &EventKind) -> Option<&str> {
    match kind {
        EventKind::HttpRequest { method, .. } => Some(method),
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

fn sse_id(kind: &EventKind) -> Option<&str> {
    match kind {
        EventKind::SseEvent { id, .. } => id.as_deref(),
        _ => None,
    }
}

fn rule(kind: &EventKind) -> Option<&str> {
    match kind {
        EventKind::Diagnostic { rule, .. } => rule.as_deref(),
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

    #[test]
    fn the_lesson_fields_match_their_kinds_only() {
        let conns = lanes();
        let f = frame(0, 0x1);
        let m = |m: EventMatcher| m.matches(&conns, &f);
        assert!(m(EventMatcher {
            fin: Some(true),
            masked: Some(true),
            rsv1: Some(false),
            header_len: Some(6),
            ..EventMatcher::kind("ws_frame")
        }));
        assert!(!m(EventMatcher {
            fin: Some(false),
            ..EventMatcher::default()
        }));
        assert!(!m(EventMatcher {
            header_len: Some(2),
            ..EventMatcher::default()
        }));
        // A close message's code, and an API event's.
        let mut close = message(0, Dir::S2c, 0x8, None);
        if let EventKind::WsMessage { close_code, .. } = &mut close.kind {
            *close_code = Some(1000);
        }
        let code = |c| EventMatcher {
            code: Some(c),
            ..EventMatcher::default()
        };
        assert!(code(1000).matches(&conns, &close));
        assert!(!code(1002).matches(&conns, &close));
        assert!(!code(1000).matches(&conns, &f));
        let api = event(
            0,
            None,
            EventKind::Api {
                object: crate::trace::ApiObject::WebSocket,
                ready_state: 3,
                fires: Some("close".to_string()),
                code: Some(1006),
                reason: None,
                was_clean: Some(false),
                data: None,
                last_event_id: None,
                cause: None,
            },
        );
        let on_api = EventMatcher {
            fires: Some("close".to_string()),
            ready_state: Some(3),
            code: Some(1006),
            ..EventMatcher::kind("api")
        };
        assert!(on_api.matches(&conns, &api));
        assert!(
            !EventMatcher {
                fires: Some("open".to_string()),
                ..on_api.clone()
            }
            .matches(&conns, &api)
        );
        // Heads: method, version, a header's value.
        let ok = response(0, 101);
        let head = |version: &str, value: Option<&str>| EventMatcher {
            version: Some(version.to_string()),
            value: value.map(str::to_string),
            ..EventMatcher::default().header("Upgrade")
        };
        assert!(head("HTTP/1.1", Some("websock")).matches(&conns, &ok));
        assert!(!head("HTTP/1.0", None).matches(&conns, &ok));
        assert!(!head("HTTP/1.1", Some("h2c")).matches(&conns, &ok));
        let value_alone = EventMatcher {
            value: Some("websocket".to_string()),
            ..EventMatcher::default()
        };
        assert!(!value_alone.matches(&conns, &ok));
        let method = EventMatcher {
            method: Some("GET".to_string()),
            ..EventMatcher::default()
        };
        assert!(!method.matches(&conns, &ok));
        // SSE ids and diagnostics' rules.
        let sse = event(
            0,
            Some(Dir::S2c),
            EventKind::SseEvent {
                id: Some("2".to_string()),
                event: None,
                data: "tick 2".to_string(),
                retry: None,
            },
        );
        let id = |v: &str| EventMatcher {
            sse_id: Some(v.to_string()),
            ..EventMatcher::default()
        };
        assert!(id("2").matches(&conns, &sse));
        assert!(!id("3").matches(&conns, &sse));
        let diag = event(
            0,
            None,
            EventKind::Diagnostic {
                severity: crate::trace::Severity::Error,
                message: String::new(),
                message_zh: None,
                rule: Some("RFC 6455 §5.1".to_string()),
            },
        );
        let rule = |v: &str| EventMatcher {
            rule: Some(v.to_string()),
            ..EventMatcher::default()
        };
        assert!(rule("§5.1").matches(&conns, &diag));
        assert!(!rule("§5.2").matches(&conns, &diag));
    }

    #[test]
    fn fields_know_their_kinds_and_opcodes_their_names() {
        assert!(Field::Status.applies_to("http_response"));
        assert!(!Field::Status.applies_to("ws_frame"));
        assert!(Field::Lane.applies_to("tcp_syn"));
        assert!(Field::Code.applies_to("api"));
        for field in [Field::Fin, Field::Rule, Field::SseId] {
            for kind in field.kinds().unwrap() {
                assert!(crate::trace::EventKind::NAMES.contains(kind), "{kind}");
            }
        }
        assert_eq!(opcode_named("text"), Some(1));
        assert_eq!(opcode_named("pong"), Some(0xA));
        assert_eq!(opcode_named("reserved"), None);
        let m = EventMatcher {
            fin: Some(true),
            ..EventMatcher::kind("ws_frame").on_lane("bob")
        };
        assert_eq!(m.fields(), vec![Field::Lane, Field::Fin]);
    }
}
