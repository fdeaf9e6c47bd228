//! A small hand-built trace of a WebSocket echo conversation, with real wire bytes, for
//! previews and GUI tests that must not depend on the lab. Test material: tests use it via
//! `mod support;`, `examples/gui_preview.rs` includes it by path.

#![allow(dead_code)] // each test file uses the part it needs

use base64::Engine as _;

use wirelab::proto::ws::frame::unmasked;
use wirelab::proto::ws::handshake::derive_accept;
use wirelab::trace::{
    Connection, Dir, Event, EventKind, Observed, Severity, Side, Source, StreamData, StreamSpan,
    Trace,
};

/// The client's key (the RFC 6455 §1.3 example).
const KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";

/// Lowercase hex without separators, as the trace writes a masking key.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Builds a frame's bytes.
fn frame(fin: bool, opcode: u8, mask: Option<[u8; 4]>, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![u8::from(fin) << 7 | (opcode & 0x0F)];
    let m = if mask.is_some() { 0x80 } else { 0 };
    match payload.len() {
        n @ 0..=125 => out.push(m | n as u8),
        n @ 126..=0xFFFF => {
            out.push(m | 126);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            out.push(m | 127);
            out.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    match mask {
        Some(key) => {
            out.extend_from_slice(&key);
            out.extend(unmasked(payload, key));
        }
        None => out.extend_from_slice(payload),
    }
    out
}

struct Builder {
    trace: Trace,
    c2s: Vec<u8>,
    s2c: Vec<u8>,
}

impl Builder {
    fn push(
        &mut self,
        t_us: i64,
        dir: Option<Dir>,
        span: Option<StreamSpan>,
        kind: EventKind,
    ) -> u64 {
        self.trace.events.push(Event {
            t_us,
            conn: Some(0),
            dir,
            span,
            kind,
        });
        self.trace.events.len() as u64 - 1
    }

    fn bytes(&mut self, dir: Dir, data: &[u8]) -> StreamSpan {
        let stream = match dir {
            Dir::C2s => &mut self.c2s,
            Dir::S2c => &mut self.s2c,
        };
        let span = StreamSpan {
            offset: stream.len() as u64,
            len: data.len() as u64,
        };
        stream.extend_from_slice(data);
        span
    }

    fn stage(&mut self, t_us: i64, index: u32, label: &str) {
        self.trace.events.push(Event {
            t_us,
            conn: None,
            dir: None,
            span: None,
            kind: EventKind::Stage {
                index,
                label: label.into(),
            },
        });
    }

    fn api(&mut self, t_us: i64, ready_state: u8, fires: Option<&str>, cause: u64) {
        self.push(
            t_us,
            None,
            None,
            EventKind::Api {
                object: wirelab::trace::ApiObject::WebSocket,
                ready_state,
                fires: fires.map(str::to_string),
                code: None,
                reason: None,
                was_clean: None,
                data: None,
                last_event_id: None,
                cause: Some(cause),
            },
        );
    }

    /// One single-frame message: a frame event then the message event.
    fn message(
        &mut self,
        t_us: i64,
        dir: Dir,
        opcode: u8,
        payload: &[u8],
        mask: Option<[u8; 4]>,
    ) -> u64 {
        let bytes = frame(true, opcode, mask, payload);
        let header_len = bytes.len() - payload.len();
        let span = self.bytes(dir, &bytes);
        self.push(
            t_us,
            Some(dir),
            Some(span),
            EventKind::WsFrame {
                fin: true,
                rsv1: false,
                rsv2: false,
                rsv3: false,
                opcode,
                masked: mask.is_some(),
                mask_key: mask.map(|k| hex(&k)),
                payload_len: payload.len() as u64,
                header_len: header_len as u8,
            },
        );
        let (text, data_b64, close_code, close_reason) = match opcode {
            0x1 => (
                Some(String::from_utf8_lossy(payload).into_owned()),
                None,
                None,
                None,
            ),
            0x8 => (
                None,
                Some(base64::engine::general_purpose::STANDARD.encode(payload)),
                payload.get(..2).map(|c| u16::from_be_bytes([c[0], c[1]])),
                payload
                    .get(2..)
                    .map(|r| String::from_utf8_lossy(r).into_owned()),
            ),
            _ => (
                None,
                Some(base64::engine::general_purpose::STANDARD.encode(payload)),
                None,
                None,
            ),
        };
        self.push(
            t_us + 5,
            Some(dir),
            Some(span),
            EventKind::WsMessage {
                opcode,
                fragments: 1,
                compressed: false,
                payload_len: payload.len() as u64,
                wire_payload_len: None,
                text,
                data_b64,
                close_code,
                close_reason,
            },
        )
    }
}

/// A WebSocket echo conversation built by hand: connect, upgrade, "Hello" both ways, a
/// 300-byte binary message, ping/pong, a 1.5 s idle gap, a diagnostic, the close handshake
/// (1000 "bye") and the connection close. Every wire event has its real bytes.
pub fn demo_trace() -> Trace {
    let mut source = Source {
        kind: "lab".into(),
        scenario: Some("ws-echo".into()),
        capture: Some("socket".into()),
        server: Some("127.0.0.1:8088".into()),
        file: None,
        tool: Some("wirelab sample".into()),
        link: None,
    };
    source.tool = Some(format!("wirelab {}", env!("CARGO_PKG_VERSION")));
    let mut trace = Trace::new(source, chrono::DateTime::UNIX_EPOCH);
    trace.connections.push(Connection {
        id: 0,
        client: "127.0.0.1:50412".into(),
        server: "127.0.0.1:8088".into(),
        label: Some("client".into()),
        packets: None,
    });
    let mut b = Builder {
        trace,
        c2s: Vec::new(),
        s2c: Vec::new(),
    };
    let mask = Some([0x37, 0xfa, 0x21, 0x3d]);

    b.push(
        0,
        None,
        None,
        EventKind::TcpConnect {
            observed: Observed::Socket,
        },
    );
    b.push(
        60,
        None,
        None,
        EventKind::TcpAccept {
            observed: Observed::Socket,
        },
    );
    b.api(61, 0, None, 0);
    b.stage(100, 0, "TCP connect");

    let headers: Vec<(String, String)> = [
        ("Host", "127.0.0.1:8088"),
        ("Connection", "Upgrade"),
        ("Upgrade", "websocket"),
        ("Sec-WebSocket-Version", "13"),
        ("Sec-WebSocket-Key", KEY),
    ]
    .iter()
    .map(|(n, v)| (n.to_string(), v.to_string()))
    .collect();
    let mut head = "GET /echo HTTP/1.1\r\n".to_string();
    for (n, v) in &headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let span = b.bytes(Dir::C2s, head.as_bytes());
    b.push(
        1_200,
        Some(Dir::C2s),
        Some(span),
        EventKind::HttpRequest {
            method: "GET".into(),
            target: "/echo".into(),
            version: "HTTP/1.1".into(),
            headers,
            head_len: head.len() as u64,
            body_len: 0,
            chunked_overhead: None,
        },
    );
    b.stage(1_300, 1, "upgrade request");

    let accept = derive_accept(KEY).accept;
    let headers: Vec<(String, String)> = [
        ("Connection", "Upgrade"),
        ("Upgrade", "websocket"),
        ("Sec-WebSocket-Accept", accept.as_str()),
    ]
    .iter()
    .map(|(n, v)| (n.to_string(), v.to_string()))
    .collect();
    let mut head = "HTTP/1.1 101 Switching Protocols\r\n".to_string();
    for (n, v) in &headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let span = b.bytes(Dir::S2c, head.as_bytes());
    let response = b.push(
        2_400,
        Some(Dir::S2c),
        Some(span),
        EventKind::HttpResponse {
            status: 101,
            reason: "Switching Protocols".into(),
            version: "HTTP/1.1".into(),
            headers,
            head_len: head.len() as u64,
            body_len: 0,
            chunked_overhead: None,
        },
    );
    b.push(
        2_410,
        None,
        None,
        EventKind::WsUpgradeCheck {
            key: KEY.into(),
            expected_accept: accept.clone(),
            accept: Some(accept),
            valid: true,
            protocol: None,
        },
    );
    b.api(2_420, 1, Some("open"), response);
    b.stage(2_500, 2, "server answers 101 Switching Protocols");

    b.message(3_000, Dir::C2s, 0x1, b"Hello", mask);
    let echo = b.message(3_400, Dir::S2c, 0x1, b"Hello", None);
    b.api(3_410, 1, Some("message"), echo);
    b.stage(3_500, 3, "send text \"Hello\"");

    let blob: Vec<u8> = (0..300u32).map(|i| (i % 251) as u8).collect();
    b.message(4_000, Dir::C2s, 0x2, &blob, mask);
    let echo = b.message(4_600, Dir::S2c, 0x2, &blob, None);
    b.api(4_610, 1, Some("message"), echo);
    b.stage(4_700, 4, "send binary (300 B)");

    b.message(5_000, Dir::C2s, 0x9, b"ping", mask);
    b.message(5_300, Dir::S2c, 0xA, b"ping", None);
    b.stage(5_400, 5, "ping");

    // A pause (as in step mode), then a note and the close handshake.
    let t = 1_505_400;
    b.push(
        t,
        None,
        None,
        EventKind::Diagnostic {
            severity: Severity::Info,
            message: "sample: the client waited 1.5 s before closing".into(),
            message_zh: Some("示例：客户端等了 1.5 秒才关闭".into()),
            rule: None,
        },
    );
    let mut close = 1000u16.to_be_bytes().to_vec();
    close.extend_from_slice(b"bye");
    let c = b.message(t + 100, Dir::C2s, 0x8, &close, mask);
    b.api(t + 101, 2, None, c);
    b.stage(t + 200, 6, "close frame");
    let reply = b.message(t + 500, Dir::S2c, 0x8, &close, None);
    b.push(
        t + 510,
        None,
        None,
        EventKind::Api {
            object: wirelab::trace::ApiObject::WebSocket,
            ready_state: 3,
            fires: Some("close".into()),
            code: Some(1000),
            reason: Some("bye".into()),
            was_clean: Some(true),
            data: None,
            last_event_id: None,
            cause: Some(reply),
        },
    );
    b.stage(t + 600, 7, "close reply");
    b.push(
        t + 900,
        None,
        None,
        EventKind::TcpClose {
            observed: Observed::Socket,
            initiator: Some(Side::Server),
        },
    );
    b.stage(t + 1_000, 8, "TCP close");

    let Builder {
        mut trace,
        c2s,
        s2c,
    } = b;
    trace.streams.push(StreamData {
        conn: 0,
        dir: Some(Dir::C2s),
        data: c2s,
    });
    trace.streams.push(StreamData {
        conn: 0,
        dir: Some(Dir::S2c),
        data: s2c,
    });
    trace
}
