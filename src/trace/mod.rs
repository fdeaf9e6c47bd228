//! The trace: the one data model every view reads.
//!
//! A [`Trace`] holds the connections seen, the events in time order, and (optionally) the raw
//! bytes of each direction's stream so that the detail pane can show any event's bytes. It is
//! exported and imported as JSON, format `wirelab-trace` version 1 (see `docs/trace-format.md`).
//!
//! Pure: no I/O beyond `serde`, no tokio, no egui.

pub mod describe;
pub mod matcher;

use crate::lang::Phrase;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The value of the `format` field of every trace file.
pub const FORMAT: &str = "wirelab-trace";
/// The version of the trace format this build writes and reads.
pub const VERSION: u32 = 1;

/// One incremental change to a trace, as sent from a live source to a view.
#[derive(Clone, Debug, PartialEq)]
pub enum TraceUpdate {
    /// A connection was added (or its label changed).
    Connection(Connection),
    /// Bytes were appended to a direction's stream.
    Bytes {
        /// The connection.
        conn: u32,
        /// The direction.
        dir: Dir,
        /// The new bytes.
        data: Vec<u8>,
    },
    /// An event was appended.
    Event(Event),
}

/// A whole recorded conversation (one lab run, one capture, one file).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    /// Always [`FORMAT`].
    pub format: String,
    /// Always [`VERSION`] when written by this build.
    pub version: u32,
    /// Where the trace came from.
    pub source: Source,
    /// Wall-clock time of `t_us == 0`.
    pub started_at: DateTime<Utc>,
    /// Every TCP connection seen, indexed by [`Connection::id`].
    pub connections: Vec<Connection>,
    /// Every event, in time order (ties keep the order they were observed in).
    pub events: Vec<Event>,
    /// Raw bytes per connection and direction, for hex views. May be empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub streams: Vec<StreamData>,
}

/// Where a trace came from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// `"lab"`, `"file"` or `"live"`.
    pub kind: String,
    /// The lab scenario name, for lab runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario: Option<String>,
    /// How the wire was observed: `"socket"` (the socket tap), `"packet"` (libpcap), or
    /// `"packet+socket"` (a lab run whose TCP packets were captured and merged with what the
    /// socket tap saw).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capture: Option<String>,
    /// The lab server's listening address, for lab runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    /// The file read, for file sources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The program that wrote the trace, e.g. `wirelab 0.1.0`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool: Option<String>,
    /// For lab runs through an emulated link: its conditions (`None`: the plain loopback).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<LinkEmulation>,
}

/// The link a lab run's own clients went through, emulated at the socket by the lab's relay
/// (the same in both directions).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkEmulation {
    /// Added one-way delay, in microseconds.
    pub delay_us: u64,
    /// Bandwidth limit in kilobits per second (1 kbit = 1000 bits), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_kbps: Option<u32>,
    /// Simulated loss in tenths of a percent of segments, shown as retransmission stalls.
    #[serde(default)]
    pub loss_permille: u16,
}

/// One TCP connection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connection {
    /// Index into [`Trace::connections`]; events refer to it as `conn`.
    pub id: u32,
    /// The client's address, `ip:port`.
    pub client: String,
    /// The server's address, `ip:port`.
    pub server: String,
    /// A human name for the client lane, e.g. `"alice"` or `"browser"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The packets seen of this connection, when it was read from packets (a capture file, a
    /// lab run in packet mode); `None` when they were not counted (the socket tap alone, a
    /// live capture).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub packets: Option<PacketCounts>,
}

/// The packets of one connection, per direction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PacketCounts {
    /// Client to server.
    pub c2s: DirPackets,
    /// Server to client.
    pub s2c: DirPackets,
}

impl PacketCounts {
    /// One direction's counts.
    pub fn dir_mut(&mut self, dir: Dir) -> &mut DirPackets {
        match dir {
            Dir::C2s => &mut self.c2s,
            Dir::S2c => &mut self.s2c,
        }
    }

    /// Both directions together.
    pub fn both(&self) -> DirPackets {
        DirPackets {
            packets: self.c2s.packets + self.s2c.packets,
            ip_bytes: self.c2s.ip_bytes + self.s2c.ip_bytes,
        }
    }
}

/// The packets of one direction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirPackets {
    /// Packets (every TCP segment: handshake, data, pure ACKs, teardown).
    pub packets: u64,
    /// Their bytes from the IP header onwards.
    pub ip_bytes: u64,
}

/// Which way bytes travelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dir {
    /// Client to server.
    C2s,
    /// Server to client.
    S2c,
}

impl Dir {
    /// The opposite direction.
    pub fn reverse(self) -> Dir {
        match self {
            Dir::C2s => Dir::S2c,
            Dir::S2c => Dir::C2s,
        }
    }

    /// 0 for client → server, 1 for server → client: an index into per-direction arrays.
    pub fn index(self) -> usize {
        match self {
            Dir::C2s => 0,
            Dir::S2c => 1,
        }
    }

    /// `"c2s"` or `"s2c"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Dir::C2s => "c2s",
            Dir::S2c => "s2c",
        }
    }
}

/// Which end of a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The end that connected.
    Client,
    /// The end that accepted.
    Server,
}

/// How an event was observed. Socket-level observations never show TCP packets; the GUI and
/// terminal label them "observed at the socket".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Observed {
    /// By the socket tap: `connect()`/`accept()`/`close()` and the bytes read and written.
    Socket,
    /// From captured packets.
    Packet,
}

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing, nothing is wrong.
    Info,
    /// Unusual, but the conversation can go on.
    Warning,
    /// A protocol rule was broken or data was lost.
    Error,
}

/// A byte range of one direction's stream: `offset` is counted from the first byte the
/// direction carried.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamSpan {
    /// Offset of the first byte.
    pub offset: u64,
    /// Number of bytes.
    pub len: u64,
}

impl StreamSpan {
    /// One past the last byte.
    pub fn end(&self) -> u64 {
        self.offset.saturating_add(self.len)
    }
}

/// One thing that happened on the wire (or was inferred from it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Microseconds since [`Trace::started_at`].
    pub t_us: i64,
    /// The connection, if the event belongs to one.
    pub conn: Option<u32>,
    /// The direction, if the event travelled one way.
    pub dir: Option<Dir>,
    /// Where the event's bytes are in the direction's stream (see [`Trace::streams`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<StreamSpan>,
    /// What happened.
    #[serde(flatten)]
    pub kind: EventKind,
}

/// An HTTP header as it appeared: `[name, value]`.
pub type Header = (String, String);

/// What happened. Serialized with a `kind` tag in snake_case (`"ws_frame"`, ...).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventKind {
    /// The client's `connect()` returned (socket tap).
    TcpConnect {
        /// Always [`Observed::Socket`].
        observed: Observed,
    },
    /// The server's `accept()` returned (socket tap).
    TcpAccept {
        /// Always [`Observed::Socket`].
        observed: Observed,
    },
    /// One direction ended (EOF/shutdown) or the socket was closed.
    TcpClose {
        /// How it was observed.
        observed: Observed,
        /// Which end closed first, when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        initiator: Option<Side>,
    },
    /// A SYN packet.
    TcpSyn(TcpSegment),
    /// A SYN-ACK packet.
    TcpSynAck(TcpSegment),
    /// A pure ACK packet of the handshake or teardown.
    TcpAck(TcpSegment),
    /// A FIN packet.
    TcpFin(TcpSegment),
    /// A RST packet.
    TcpRst(TcpSegment),
    /// An HTTP/1.x request head (and its body's length).
    HttpRequest {
        /// `GET`, `POST`, ...
        method: String,
        /// The request target, e.g. `/echo`.
        target: String,
        /// `HTTP/1.1` or `HTTP/1.0`.
        version: String,
        /// Every header as it appeared.
        headers: Vec<Header>,
        /// Bytes of the head including the final CRLF CRLF.
        head_len: u64,
        /// Bytes of the body on the wire (including chunk framing).
        body_len: u64,
        /// For a chunked body: the bytes of its framing (chunk-size lines, CRLFs after chunk
        /// data, the last chunk and the trailer section), included in `body_len`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        chunked_overhead: Option<u64>,
    },
    /// An HTTP/1.x response head (and its body's length).
    HttpResponse {
        /// The status code.
        status: u16,
        /// The reason phrase as sent.
        reason: String,
        /// `HTTP/1.1` or `HTTP/1.0`.
        version: String,
        /// Every header as it appeared.
        headers: Vec<Header>,
        /// Bytes of the head including the final CRLF CRLF.
        head_len: u64,
        /// Bytes of the body on the wire (including chunk framing). 0 for a response
        /// announced at its head (an event stream, a body that runs until the close): its
        /// length comes in the [`EventKind::HttpBodyEnd`] that follows.
        body_len: u64,
        /// For a chunked body: the bytes of its framing (chunk-size lines, CRLFs after chunk
        /// data, the last chunk and the trailer section), included in `body_len`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        chunked_overhead: Option<u64>,
    },
    /// The end of a body whose message was shown at its head (an event stream, a body that
    /// runs until the connection closes). Its span covers the body.
    HttpBodyEnd {
        /// Bytes of the body on the wire (including chunk framing).
        body_len: u64,
        /// Whether the body ended as its framing says (the last chunk, the full
        /// `Content-Length`, or the close for a body delimited by the close); false when the
        /// connection ended first.
        complete: bool,
        /// For a chunked body: the bytes of its framing, included in `body_len`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        chunked_overhead: Option<u64>,
    },
    /// The `Sec-WebSocket-Accept` check of a `101` response (RFC 6455 §4.2.2).
    WsUpgradeCheck {
        /// The client's `Sec-WebSocket-Key`.
        key: String,
        /// base64(SHA-1(key + GUID)).
        expected_accept: String,
        /// The server's `Sec-WebSocket-Accept`, if sent.
        accept: Option<String>,
        /// Whether the upgrade is valid (accept matches, `Upgrade`/`Connection` present).
        valid: bool,
        /// The negotiated subprotocol, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        protocol: Option<String>,
    },
    /// Extensions offered by the client and accepted by the server.
    WsExtensions {
        /// The client's `Sec-WebSocket-Extensions` offers.
        offered: Vec<String>,
        /// The server's `Sec-WebSocket-Extensions` answer.
        negotiated: Vec<String>,
    },
    /// One WebSocket frame on the wire.
    WsFrame {
        /// FIN bit.
        fin: bool,
        /// RSV1 bit (permessage-deflate: compressed).
        rsv1: bool,
        /// RSV2 bit.
        rsv2: bool,
        /// RSV3 bit.
        rsv3: bool,
        /// The opcode as a number (0x0-0xF).
        opcode: u8,
        /// MASK bit.
        masked: bool,
        /// The masking key as 8 hex digits.
        mask_key: Option<String>,
        /// Payload length on the wire.
        payload_len: u64,
        /// Header length: 2 to 14 bytes.
        header_len: u8,
    },
    /// One complete message (data or control) after unmasking, reassembly and inflation.
    WsMessage {
        /// The opcode of the first frame.
        opcode: u8,
        /// How many frames carried it.
        fragments: u32,
        /// Whether it was compressed (permessage-deflate).
        compressed: bool,
        /// Decoded payload length (after inflation, for compressed messages).
        payload_len: u64,
        /// For compressed messages: the payload length on the wire, before inflation.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        wire_payload_len: Option<u64>,
        /// The text, for text messages.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<String>,
        /// The payload in base64, for binary and control messages.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        data_b64: Option<String>,
        /// The close code, for close messages that carry one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        close_code: Option<u16>,
        /// The close reason, for close messages that carry one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        close_reason: Option<String>,
    },
    /// One server-sent event (`text/event-stream`).
    SseEvent {
        /// The `id:` field.
        id: Option<String>,
        /// The `event:` field.
        event: Option<String>,
        /// The `data:` lines joined with `\n`.
        data: String,
        /// The stream's reconnection time in milliseconds after this event, when a `retry:`
        /// field set one (it persists across events, like the last event ID).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry: Option<u64>,
    },
    /// One TLS record, recognised by its header (RFC 8446 §5.1) and never decrypted: what a
    /// capture of a `wss://` or `https://` connection shows without the keys.
    TlsRecord {
        /// The `ContentType`: 20 change_cipher_spec, 21 alert, 22 handshake, 23
        /// application_data (a TLS 1.3 record after the handshake always says 23; its real
        /// type is encrypted inside it).
        content_type: u8,
        /// `legacy_record_version`, e.g. 771 (0x0303).
        version: u16,
        /// Bytes of the record's fragment (the record is 5 header bytes more).
        length: u16,
        /// For a handshake record sent before encryption began: the type of the handshake
        /// message it starts (1 ClientHello, 2 ServerHello).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        handshake_type: Option<u8>,
        /// [`Observed::Socket`] when the lab's tap read the record on the TCP socket below its
        /// TLS layer (the bytes the packets carry, beside the plaintext the tap above TLS
        /// saw); absent when dissected from a capture's reassembled payload.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        observed: Option<Observed>,
    },
    /// What the browser's API object (`WebSocket`, `fetch()`/`XMLHttpRequest`, `EventSource`)
    /// would report (inferred from the wire).
    Api {
        /// Which object: omitted for a `WebSocket` (the only one before it was added).
        #[serde(default, skip_serializing_if = "ApiObject::is_websocket")]
        object: ApiObject,
        /// `readyState` after this event, as the object numbers it ([`ApiObject::state_name`]).
        ready_state: u8,
        /// The event handler fired, if any: `"open"`, `"message"`, `"error"`, `"close"`
        /// (WebSocket, EventSource), `"response"` (fetch resolves with the headers), `"load"`
        /// (the body is done), or the `event:` type an EventSource dispatches.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fires: Option<String>,
        /// `CloseEvent.code`, for `close`; `Response.status`, for a fetch `response`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        code: Option<u16>,
        /// `CloseEvent.reason`, for `close`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        /// `CloseEvent.wasClean`, for `close`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        was_clean: Option<bool>,
        /// A short preview of `MessageEvent.data`, for `message`; what arrived, for a fetch.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        data: Option<String>,
        /// `MessageEvent.lastEventId`, for an EventSource message.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        last_event_id: Option<String>,
        /// Index in [`Trace::events`] of the wire event that caused this one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cause: Option<u64>,
    },
    /// The lab's event source created push event `id` (observed at the event source, in the
    /// lab server): when it was made, so a delivery can be timed from it. No connection.
    SourceEvent {
        /// 1, 2, 3, … in emission order; the id the push endpoints send it with.
        id: u64,
        /// Its payload's size in bytes.
        bytes: u64,
    },
    /// A read by one of the lab's own clients returned (observed at the client's socket):
    /// `total` is how many bytes it has read from this connection so far, so the first read
    /// whose `total` reaches a server event's last byte (`span.end()` in `s2c`) is when the
    /// client had that event. Direction always `s2c`; not a message of its own.
    ClientRead {
        /// Bytes read from the connection so far, this read's included.
        total: u64,
    },
    /// A lab stage finished (run or step mode).
    Stage {
        /// 0-based stage number.
        index: u32,
        /// What the stage did, e.g. `"send text \"Hello\""`.
        label: String,
    },
    /// Something is wrong or worth knowing.
    Diagnostic {
        /// How serious.
        severity: Severity,
        /// What happened, in a sentence, in English.
        message: String,
        /// The same sentence in Chinese, when the app wrote it in both (a diagnostic with
        /// values, e.g. how many bytes are missing); older traces and other writers have none,
        /// and `trace::describe::diagnostic_message` then reads the English.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message_zh: Option<String>,
        /// The rule that was broken: an entry of `proto::cite` as displayed, e.g. `"RFC 6455 §5.5"`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rule: Option<String>,
    },
}

/// The fields of a TCP packet event (relative sequence numbers).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TcpSegment {
    /// Relative sequence number.
    pub seq: u32,
    /// Relative acknowledgement number (0 when ACK is not set).
    pub ack: u32,
    /// Receive window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<u32>,
    /// Payload bytes in the segment.
    #[serde(default)]
    pub len: u32,
}

impl EventKind {
    /// Every kind's JSON name ([`EventKind::name`]), in the enum's order (`tests/trace_json.rs`
    /// holds it to serde's own list).
    pub const NAMES: [&'static str; 22] = [
        "tcp_connect",
        "tcp_accept",
        "tcp_close",
        "tcp_syn",
        "tcp_syn_ack",
        "tcp_ack",
        "tcp_fin",
        "tcp_rst",
        "http_request",
        "http_response",
        "http_body_end",
        "ws_upgrade_check",
        "ws_extensions",
        "ws_frame",
        "ws_message",
        "sse_event",
        "tls_record",
        "api",
        "source_event",
        "client_read",
        "stage",
        "diagnostic",
    ];
    /// A diagnostic whose message is written in both languages (`message_zh` is left out
    /// when the phrase is the same in both: a text that is not ours to translate).
    pub fn diagnostic(severity: Severity, message: Phrase, rule: Option<String>) -> EventKind {
        let Phrase { en, zh } = message;
        EventKind::Diagnostic {
            severity,
            message_zh: (zh != en).then_some(zh),
            message: en,
            rule,
        }
    }

    /// The `kind` tag as written in JSON, e.g. `"ws_frame"`.
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::TcpConnect { .. } => "tcp_connect",
            EventKind::TcpAccept { .. } => "tcp_accept",
            EventKind::TcpClose { .. } => "tcp_close",
            EventKind::TcpSyn(_) => "tcp_syn",
            EventKind::TcpSynAck(_) => "tcp_syn_ack",
            EventKind::TcpAck(_) => "tcp_ack",
            EventKind::TcpFin(_) => "tcp_fin",
            EventKind::TcpRst(_) => "tcp_rst",
            EventKind::HttpRequest { .. } => "http_request",
            EventKind::HttpResponse { .. } => "http_response",
            EventKind::HttpBodyEnd { .. } => "http_body_end",
            EventKind::WsUpgradeCheck { .. } => "ws_upgrade_check",
            EventKind::WsExtensions { .. } => "ws_extensions",
            EventKind::WsFrame { .. } => "ws_frame",
            EventKind::WsMessage { .. } => "ws_message",
            EventKind::SseEvent { .. } => "sse_event",
            EventKind::TlsRecord { .. } => "tls_record",
            EventKind::Api { .. } => "api",
            EventKind::SourceEvent { .. } => "source_event",
            EventKind::ClientRead { .. } => "client_read",
            EventKind::Stage { .. } => "stage",
            EventKind::Diagnostic { .. } => "diagnostic",
        }
    }
}

/// The browser API object an [`EventKind::Api`] event is about.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ApiObject {
    /// `new WebSocket(url)`: `readyState` 0 CONNECTING, 1 OPEN, 2 CLOSING, 3 CLOSED.
    #[default]
    #[serde(rename = "websocket")]
    WebSocket,
    /// `fetch()` of a plain HTTP request, with the `readyState` an `XMLHttpRequest` for it
    /// would have: 1 OPENED (sent), 2 HEADERS_RECEIVED, 3 LOADING, 4 DONE.
    #[serde(rename = "fetch")]
    Fetch,
    /// `new EventSource(url)`: `readyState` 0 CONNECTING, 1 OPEN, 2 CLOSED.
    #[serde(rename = "eventsource")]
    EventSource,
}

impl ApiObject {
    /// Whether it is a `WebSocket` (the default, omitted in JSON).
    pub fn is_websocket(&self) -> bool {
        *self == ApiObject::WebSocket
    }

    /// The object as a script names it.
    pub fn name(self) -> &'static str {
        match self {
            ApiObject::WebSocket => "WebSocket",
            ApiObject::Fetch => "fetch()",
            ApiObject::EventSource => "EventSource",
        }
    }

    /// The name of `readyState` value `state` of this object.
    pub fn state_name(self, state: u8) -> &'static str {
        match (self, state) {
            (ApiObject::WebSocket | ApiObject::EventSource, 0) => "CONNECTING",
            (ApiObject::WebSocket | ApiObject::EventSource, 1) => "OPEN",
            (ApiObject::WebSocket, 2) => "CLOSING",
            (ApiObject::WebSocket, 3) | (ApiObject::EventSource, 2) => "CLOSED",
            (ApiObject::Fetch, 0) => "UNSENT",
            (ApiObject::Fetch, 1) => "OPENED",
            (ApiObject::Fetch, 2) => "HEADERS_RECEIVED",
            (ApiObject::Fetch, 3) => "LOADING",
            (ApiObject::Fetch, 4) => "DONE",
            _ => "?",
        }
    }
}

/// Raw bytes of one direction of one connection.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamData {
    /// The connection.
    pub conn: u32,
    /// The direction.
    pub dir: Option<Dir>,
    /// The bytes, in order, from the direction's first byte.
    #[serde(with = "base64_bytes", rename = "data_b64")]
    pub data: Vec<u8>,
}

/// Errors reading a trace file.
#[derive(Debug, thiserror::Error)]
pub enum TraceError {
    /// The JSON could not be parsed.
    #[error("not a valid trace: {0}")]
    Json(#[from] serde_json::Error),
    /// The `format` field is not `wirelab-trace`.
    #[error("not a wirelab trace: format is {0:?}, expected {FORMAT:?}")]
    Format(String),
    /// The version is newer than this build understands.
    #[error("trace version {0} is not supported (this build reads version {VERSION})")]
    Version(u32),
}

impl Trace {
    /// An empty trace from `source`, starting now.
    pub fn new(source: Source, started_at: DateTime<Utc>) -> Trace {
        Trace {
            format: FORMAT.to_string(),
            version: VERSION,
            source,
            started_at,
            connections: Vec::new(),
            events: Vec::new(),
            streams: Vec::new(),
        }
    }

    /// Serializes to pretty JSON (the export format).
    pub fn to_json(&self) -> String {
        // Serializing plain data with string keys cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Parses a trace, checking its format and version.
    pub fn from_json(text: &str) -> Result<Trace, TraceError> {
        let trace: Trace = serde_json::from_str(text)?;
        if trace.format != FORMAT {
            return Err(TraceError::Format(trace.format));
        }
        if trace.version != VERSION {
            return Err(TraceError::Version(trace.version));
        }
        Ok(trace)
    }

    /// The raw bytes of one direction of a connection, if recorded.
    pub fn stream(&self, conn: u32, dir: Dir) -> Option<&[u8]> {
        self.streams
            .iter()
            .find(|s| s.conn == conn && s.dir == Some(dir))
            .map(|s| s.data.as_slice())
    }

    /// The bytes an event covers, if its stream was recorded.
    pub fn event_bytes(&self, event: &Event) -> Option<&[u8]> {
        let (conn, dir, span) = (event.conn?, event.dir?, event.span?);
        let data = self.stream(conn, dir)?;
        let start = usize::try_from(span.offset).ok()?;
        let end = usize::try_from(span.end()).ok()?;
        data.get(start..end)
    }

    /// Applies an incremental update (from a live source).
    pub fn apply(&mut self, update: TraceUpdate) {
        match update {
            TraceUpdate::Connection(c) => {
                if let Some(existing) = self.connections.iter_mut().find(|x| x.id == c.id) {
                    *existing = c;
                } else {
                    self.connections.push(c);
                }
            }
            TraceUpdate::Bytes { conn, dir, data } => {
                if let Some(s) = self
                    .streams
                    .iter_mut()
                    .find(|s| s.conn == conn && s.dir == Some(dir))
                {
                    s.data.extend_from_slice(&data);
                } else {
                    self.streams.push(StreamData {
                        conn,
                        dir: Some(dir),
                        data,
                    });
                }
            }
            TraceUpdate::Event(e) => self.events.push(e),
        }
    }
}

mod base64_bytes {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        STANDARD.decode(text).map_err(serde::de::Error::custom)
    }
}
