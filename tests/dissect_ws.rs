//! A whole WebSocket conversation through the connection dissector and the browser-API model:
//! the RFC 6455 §1.3 handshake, the §5.7 example frames, masked client frames made by
//! tungstenite, fragments with an interleaved ping, all three length forms, the closing
//! handshake; an abrupt close; and a real capture (Python `websockets`) checked against its
//! independent decoding.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail

use chrono::Utc;
use tungstenite::protocol::frame::coding::{CloseCode, Data, OpCode};
use tungstenite::protocol::frame::{CloseFrame, Frame};
use wirelab::dissect::TraceBuilder;
use wirelab::trace::{Dir, Event, EventKind, Observed, Severity, Source, StreamSpan};

mod support;
use support::dissect::{dissect, run};
use support::fixtures::{
    jsonl as read_jsonl, pcap_payloads, script as script_of, shared_fixture as fixture,
};

// ------------------------------------------------------------------ helpers

/// Runs `script` through a [`TraceBuilder`] (dissector + browser-API model), then the
/// stream ends and, if `tcp_close`, the socket reports the close. Returns all events.
fn build(script: &[(Dir, &[u8])], tcp_close: bool) -> Vec<Event> {
    let mut b = TraceBuilder::new(Source::default(), Utc::now());
    let conn = b.open_connection("127.0.0.1:50000".into(), "127.0.0.1:8088".into(), None);
    for (i, (dir, bytes)) in script.iter().enumerate() {
        b.data(conn, *dir, i as i64 * 10, bytes);
    }
    let t = script.len() as i64 * 10;
    b.end(conn, Dir::C2s, t);
    b.end(conn, Dir::S2c, t);
    if tcp_close {
        b.push_event(Event {
            t_us: t + 1,
            conn: Some(conn),
            dir: None,
            span: None,
            kind: EventKind::TcpClose {
                observed: Observed::Socket,
                initiator: None,
            },
        });
    }
    b.into_trace().events
}

const UPGRADE: &[u8] = b"GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: http://example.com\r\nSec-WebSocket-Protocol: chat, superchat\r\nSec-WebSocket-Version: 13\r\n\r\n";
const SWITCH: &[u8] = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: chat\r\n\r\n";

// RFC 6455 §5.7.
const HELLO_UNMASKED: &[u8] = &[0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f];
const HELLO_MASKED: &[u8] = &[
    0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
];
const HEL_LO: &[u8] = &[0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f];
const PING_HELLO: &[u8] = &[0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f];
const PONG_HELLO_MASKED: &[u8] = &[
    0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
];

fn binary_16(len: usize) -> Vec<u8> {
    let mut f = vec![0x82, 0x7e];
    f.extend_from_slice(&(len as u16).to_be_bytes());
    f.extend((0..len).map(|i| i as u8));
    f
}

fn binary_64(len: usize) -> Vec<u8> {
    let mut f = vec![0x82, 0x7f];
    f.extend_from_slice(&(len as u64).to_be_bytes());
    f.extend((0..len).map(|i| (i * 7) as u8));
    f
}

/// A frame as a client sends it: masked with `key` (tungstenite formats it).
fn masked(mut frame: Frame, key: [u8; 4]) -> Vec<u8> {
    frame.header_mut().mask = Some(key);
    let mut out = Vec::new();
    frame.format(&mut out).unwrap();
    out
}

fn unmasked(frame: Frame) -> Vec<u8> {
    let mut out = Vec::new();
    frame.format(&mut out).unwrap();
    out
}

fn close(code: CloseCode, reason: &'static str) -> Frame {
    Frame::close(Some(CloseFrame {
        code,
        reason: reason.into(),
    }))
}

/// (dir, opcode, fragments, payload_len, text, close_code, close_reason)
type Msg = (
    Dir,
    u8,
    u32,
    u64,
    Option<String>,
    Option<u16>,
    Option<String>,
);

fn messages(events: &[Event]) -> Vec<Msg> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::WsMessage {
                opcode,
                fragments,
                payload_len,
                text,
                close_code,
                close_reason,
                ..
            } => Some((
                e.dir.unwrap(),
                *opcode,
                *fragments,
                *payload_len,
                text.clone(),
                *close_code,
                close_reason.clone(),
            )),
            _ => None,
        })
        .collect()
}

/// "message [rule]" of every diagnostic.
fn diagnostics(events: &[Event]) -> Vec<String> {
    support::events::diagnostics(events)
        .into_iter()
        .map(|(_, message, rule)| format!("{message} [{}]", rule.unwrap_or_default()))
        .collect()
}

/// (ready_state, fires, code, reason, was_clean, data)
type ApiRow = (
    u8,
    Option<String>,
    Option<u16>,
    Option<String>,
    Option<bool>,
    Option<String>,
);

fn api(events: &[Event]) -> Vec<ApiRow> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Api {
                ready_state,
                fires,
                code,
                reason,
                was_clean,
                data,
                cause,
                ..
            } => {
                let cause = cause.expect("api events name their cause") as usize;
                assert!(cause < events.len());
                // At its cause, or later: a state that began earlier (CONNECTING before the
                // connect) is emitted when the wire reveals it, drawn at its cause.
                assert!(events[cause].t_us <= e.t_us);
                assert_eq!(e.dir, None);
                Some((
                    *ready_state,
                    fires.clone(),
                    *code,
                    reason.clone(),
                    *was_clean,
                    data.clone(),
                ))
            }
            _ => None,
        })
        .collect()
}

fn s(x: &str) -> Option<String> {
    Some(x.to_string())
}

// ------------------------------------------------------------------ the conversation

struct Conversation {
    script: Vec<(Dir, Vec<u8>)>,
}

fn conversation() -> Conversation {
    let mut c2s_fragments = masked(
        Frame::message(b"Hel".to_vec(), OpCode::Data(Data::Text), false),
        [1, 2, 3, 4],
    );
    c2s_fragments.extend(masked(Frame::ping(b"mid".to_vec()), [5, 6, 7, 8]));
    c2s_fragments.extend(masked(
        Frame::message(b"lo".to_vec(), OpCode::Data(Data::Continue), true),
        [9, 10, 11, 12],
    ));
    let mut lengths = Vec::new();
    lengths.extend(masked(
        Frame::message(vec![b'a'; 125], OpCode::Data(Data::Text), true),
        [0xde, 0xad, 0xbe, 0xef],
    ));
    lengths.extend(masked(
        Frame::message(vec![b'b'; 126], OpCode::Data(Data::Text), true),
        [0x11, 0x22, 0x33, 0x44],
    ));
    let big: Vec<u8> = (0..70000u32).map(|i| (i % 251) as u8).collect();
    lengths.extend(masked(
        Frame::message(big.clone(), OpCode::Data(Data::Binary), true),
        [0xa1, 0xb2, 0xc3, 0xd4],
    ));
    let mut s2c_fragments = HEL_LO.to_vec();
    s2c_fragments.extend_from_slice(PING_HELLO);
    let mut s2c_binaries = binary_16(256);
    s2c_binaries.extend(binary_64(65536));
    s2c_binaries.extend(unmasked(Frame::message(
        big,
        OpCode::Data(Data::Binary),
        true,
    )));
    Conversation {
        script: vec![
            (Dir::C2s, UPGRADE.to_vec()),
            (Dir::S2c, SWITCH.to_vec()),
            (Dir::C2s, HELLO_MASKED.to_vec()),
            (Dir::S2c, HELLO_UNMASKED.to_vec()),
            (Dir::C2s, c2s_fragments),
            (Dir::S2c, s2c_fragments),
            (Dir::C2s, PONG_HELLO_MASKED.to_vec()),
            (Dir::C2s, lengths),
            (Dir::S2c, s2c_binaries),
            (
                Dir::C2s,
                masked(close(CloseCode::Normal, "bye"), [0x0f, 0x0e, 0x0d, 0x0c]),
            ),
            (Dir::S2c, unmasked(close(CloseCode::Normal, "bye"))),
        ],
    }
}

impl Conversation {
    fn steps(&self) -> Vec<(Dir, &[u8])> {
        self.script
            .iter()
            .map(|(d, b)| (*d, b.as_slice()))
            .collect()
    }
}

#[test]
fn full_conversation_frames_and_messages() {
    let conv = conversation();
    let events = dissect(&conv.steps());
    assert!(
        diagnostics(&events).is_empty(),
        "{:#?}",
        diagnostics(&events)
    );

    let names: Vec<_> = events.iter().take(3).map(|e| e.kind.name()).collect();
    assert_eq!(names, ["http_request", "http_response", "ws_upgrade_check"]);
    match &events[2].kind {
        EventKind::WsUpgradeCheck {
            key,
            expected_accept,
            accept,
            valid,
            protocol,
        } => {
            assert_eq!(key, "dGhlIHNhbXBsZSBub25jZQ==");
            assert_eq!(expected_accept, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
            assert_eq!(accept.as_deref(), Some("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
            assert!(valid);
            assert_eq!(protocol.as_deref(), Some("chat"));
        }
        other => panic!("{other:?}"),
    }

    // The first client frame: RFC 6455 §5.7 masked "Hello".
    let first_frame = events.iter().find(|e| e.kind.name() == "ws_frame").unwrap();
    assert_eq!(first_frame.dir, Some(Dir::C2s));
    assert_eq!(
        first_frame.span,
        Some(StreamSpan {
            offset: UPGRADE.len() as u64,
            len: 11
        })
    );
    assert_eq!(
        first_frame.kind,
        EventKind::WsFrame {
            fin: true,
            rsv1: false,
            rsv2: false,
            rsv3: false,
            opcode: 1,
            masked: true,
            mask_key: s("37fa213d"),
            payload_len: 5,
            header_len: 6,
        }
    );

    // Header lengths show the three length forms.
    let frames: Vec<(Dir, u64, u8)> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::WsFrame {
                payload_len,
                header_len,
                ..
            } => Some((e.dir.unwrap(), *payload_len, *header_len)),
            _ => None,
        })
        .collect();
    for (dir, len, header) in [
        (Dir::C2s, 125, 6),
        (Dir::C2s, 126, 8),
        (Dir::C2s, 70000, 14),
        (Dir::S2c, 256, 4),
        (Dir::S2c, 65536, 10),
        (Dir::S2c, 70000, 10),
    ] {
        assert!(
            frames.contains(&(dir, len, header)),
            "{dir:?} {len} {header}"
        );
    }

    let hello = s("Hello");
    let expected: Vec<Msg> = vec![
        (Dir::C2s, 1, 1, 5, hello.clone(), None, None),
        (Dir::S2c, 1, 1, 5, hello.clone(), None, None),
        // The client's ping between its fragments completes first.
        (Dir::C2s, 9, 1, 3, None, None, None),
        (Dir::C2s, 1, 2, 5, hello.clone(), None, None),
        (Dir::S2c, 1, 2, 5, hello.clone(), None, None),
        (Dir::S2c, 9, 1, 5, None, None, None),
        (Dir::C2s, 10, 1, 5, None, None, None),
        (Dir::C2s, 1, 1, 125, Some("a".repeat(125)), None, None),
        (Dir::C2s, 1, 1, 126, Some("b".repeat(126)), None, None),
        (Dir::C2s, 2, 1, 70000, None, None, None),
        (Dir::S2c, 2, 1, 256, None, None, None),
        (Dir::S2c, 2, 1, 65536, None, None, None),
        (Dir::S2c, 2, 1, 70000, None, None, None),
        (Dir::C2s, 8, 1, 5, None, Some(1000), s("bye")),
        (Dir::S2c, 8, 1, 5, None, Some(1000), s("bye")),
    ];
    assert_eq!(messages(&events), expected);

    // The fragmented client message spans from its first fragment to its last, ping included.
    let frag = events
        .iter()
        .find(|e| {
            e.dir == Some(Dir::C2s) && matches!(e.kind, EventKind::WsMessage { fragments: 2, .. })
        })
        .unwrap();
    let offset = (UPGRADE.len() + HELLO_MASKED.len()) as u64;
    assert_eq!(
        frag.span,
        Some(StreamSpan {
            offset,
            len: conv.script[4].1.len() as u64
        })
    );
    // Binary and ping/pong payloads are unmasked and base64-encoded.
    let pong = events
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::WsMessage {
                opcode: 10,
                data_b64,
                ..
            } => data_b64.clone(),
            _ => None,
        })
        .unwrap();
    assert_eq!(pong, "SGVsbG8=");
    let big = events
        .iter()
        .find_map(|e| match (&e.kind, e.dir) {
            (
                EventKind::WsMessage {
                    opcode: 2,
                    payload_len: 70000,
                    data_b64,
                    ..
                },
                Some(Dir::C2s),
            ) => data_b64.clone(),
            _ => None,
        })
        .unwrap();
    use base64::Engine as _;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(big)
        .unwrap();
    assert!(
        decoded
            .iter()
            .enumerate()
            .all(|(i, b)| *b == (i % 251) as u8)
    );
}

#[test]
fn browser_api_follows_the_conversation() {
    let conv = conversation();
    let events = build(&conv.steps(), true);
    let rows = api(&events);
    let message = |d: &str| (1, s("message"), None, None, None, s(d));
    let expected: Vec<ApiRow> = vec![
        (0, None, None, None, None, None),
        (1, s("open"), None, None, None, None),
        message("Hello"),
        message("Hello"),
        message("ArrayBuffer/Blob (256 bytes)"),
        message("ArrayBuffer/Blob (65536 bytes)"),
        message("ArrayBuffer/Blob (70000 bytes)"),
        (2, None, None, None, None, None),
        (3, s("close"), Some(1000), s("bye"), Some(true), None),
    ];
    assert_eq!(rows, expected);
    // Each api event follows the wire event that caused it.
    let kinds: Vec<_> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Api { cause, .. } => Some(events[cause.unwrap() as usize].kind.name()),
            _ => None,
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "http_request",
            "ws_upgrade_check",
            "ws_message",
            "ws_message",
            "ws_message",
            "ws_message",
            "ws_message",
            "ws_message",
            "tcp_close"
        ]
    );
}

#[test]
fn abrupt_close_is_1006_not_clean() {
    let script: Vec<(Dir, &[u8])> = vec![
        (Dir::C2s, UPGRADE),
        (Dir::S2c, SWITCH),
        (Dir::S2c, HELLO_UNMASKED),
    ];
    let events = dissect(&script);
    let diags = diagnostics(&events);
    assert_eq!(diags.len(), 2, "{diags:#?}");
    assert!(
        diags
            .iter()
            .all(|d| d.contains("without a close frame") && d.contains("1006"))
    );
    let rows = api(&build(&script, true));
    assert_eq!(
        rows,
        vec![
            (0, None, None, None, None, None),
            (1, s("open"), None, None, None, None),
            (1, s("message"), None, None, None, s("Hello")),
            (3, s("close"), Some(1006), s(""), Some(false), None),
        ]
    );
}

#[test]
fn server_close_without_code_is_1005_and_client_close_only_is_not_clean() {
    // The server closes with an empty close frame; the client answers; then TCP closes.
    let script: Vec<(Dir, &[u8])> = vec![
        (Dir::C2s, UPGRADE),
        (Dir::S2c, SWITCH),
        (Dir::S2c, &[0x88, 0x00]),
        (Dir::C2s, &[0x88, 0x80, 1, 2, 3, 4]),
    ];
    let rows = api(&build(&script, true));
    assert_eq!(rows[2], (2, None, None, None, None, None));
    assert_eq!(
        rows[3],
        (3, s("close"), Some(1005), s(""), Some(true), None)
    );
    // The client sends close, the server never answers.
    let client_close = masked(close(CloseCode::Away, "leaving"), [1, 1, 1, 1]);
    let script: Vec<(Dir, &[u8])> = vec![
        (Dir::C2s, UPGRADE),
        (Dir::S2c, SWITCH),
        (Dir::C2s, &client_close),
    ];
    let rows = api(&build(&script, true));
    assert_eq!(
        rows.last().unwrap(),
        &(3, s("close"), Some(1006), s(""), Some(false), None)
    );
}

#[test]
fn failed_handshake_fires_error_then_close() {
    let bad = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n";
    let script: Vec<(Dir, &[u8])> = vec![
        (Dir::C2s, UPGRADE),
        (Dir::S2c, bad),
        (Dir::S2c, HELLO_UNMASKED),
    ];
    let events = dissect(&script);
    let check = events
        .iter()
        .find(|e| e.kind.name() == "ws_upgrade_check")
        .unwrap();
    assert!(matches!(
        check.kind,
        EventKind::WsUpgradeCheck { valid: false, .. }
    ));
    // Best effort: the frames after a 101 with problems are still dissected.
    assert!(
        messages(&events)
            .iter()
            .any(|m| m.4.as_deref() == Some("Hello"))
    );
    assert!(
        diagnostics(&events)
            .iter()
            .any(|d| d.contains("Sec-WebSocket-Accept"))
    );
    let rows = api(&build(&script, true));
    assert_eq!(
        rows,
        vec![
            (0, None, None, None, None, None),
            (3, s("error"), None, None, None, None),
            (3, s("close"), Some(1006), s(""), Some(false), None),
        ]
    );
    // A plain HTTP answer to an upgrade request fails the same way.
    let refused = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
    let rows = api(&build(&[(Dir::C2s, UPGRADE), (Dir::S2c, refused)], true));
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[1].1.as_deref(), Some("error"));
}

#[test]
fn plain_http_gets_what_fetch_would_report() {
    let events = build(
        &[
            (Dir::C2s, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
            (Dir::S2c, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"),
        ],
        true,
    );
    assert_eq!(
        api(&events),
        vec![
            (1, None, None, None, None, None),
            (2, s("response"), Some(200), None, None, s("200 OK")),
            (4, s("load"), None, None, None, s("body done, 2 B")),
        ]
    );
    assert!(events.iter().all(|e| match &e.kind {
        EventKind::Api { object, .. } => *object == wirelab::trace::ApiObject::Fetch,
        _ => true,
    }));
}

#[test]
fn client_frames_sent_before_the_101_is_seen_are_dissected() {
    let mut c2s = UPGRADE.to_vec();
    c2s.extend_from_slice(HELLO_MASKED);
    let mut s2c = SWITCH.to_vec();
    s2c.extend_from_slice(HELLO_UNMASKED);
    let events = dissect(&[(Dir::C2s, &c2s), (Dir::S2c, &s2c)]);
    let msgs = messages(&events);
    assert_eq!(msgs.len(), 2);
    assert_eq!(msgs[0].0, Dir::C2s);
    assert_eq!(msgs[1].0, Dir::S2c);
}

#[test]
fn deflate_negotiated_inflates_the_payload() {
    let req = b"GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n";
    let resp = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n";
    // RFC 7692 §7.2.3.1: "Hello" compressed, RSV1 set.
    let frame: &[u8] = &[0xc1, 0x07, 0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00];
    let events = dissect(&[(Dir::C2s, req), (Dir::S2c, resp), (Dir::S2c, frame)]);
    let ext = events
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::WsExtensions {
                offered,
                negotiated,
            } => Some((offered.clone(), negotiated.clone())),
            _ => None,
        })
        .unwrap();
    assert_eq!(ext.1, vec!["permessage-deflate".to_string()]);
    let msg = events
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::WsMessage {
                compressed,
                text,
                data_b64,
                payload_len,
                ..
            } => Some((*compressed, text.clone(), data_b64.is_some(), *payload_len)),
            _ => None,
        })
        .unwrap();
    assert_eq!(msg, (true, Some("Hello".to_string()), false, 5));
    let diags = diagnostics(&events);
    assert!(
        diags.iter().all(|d| d.contains("without a close frame")),
        "{diags:#?}"
    );
}

// ------------------------------------------------------------------ a real capture

/// The messages of the independent decoding (`ws_message` and `ws_control` rows), as
/// [`messages`] reads ours.
fn reference_messages(jsonl: &str) -> Vec<Msg> {
    read_jsonl(jsonl)
        .into_iter()
        .filter(|v| v["kind"] == "ws_message" || v["kind"] == "ws_control")
        .map(|v| {
            (
                if v["dir"] == "c2s" {
                    Dir::C2s
                } else {
                    Dir::S2c
                },
                v["opcode"].as_u64().unwrap() as u8,
                v["n_fragments"].as_u64().unwrap() as u32,
                v["payload_len"].as_u64().unwrap(),
                v["text"].as_str().map(str::to_string),
                v["close_code"].as_u64().map(|c| c as u16),
                v["close_reason"].as_str().map(str::to_string),
            )
        })
        .collect()
}

fn check_python_echo(pcap: &str, jsonl: &str) {
    let segments = pcap_payloads(pcap);
    let script = script_of(&segments);
    let events = run(&script, usize::MAX);
    assert!(
        diagnostics(&events).is_empty(),
        "{:#?}",
        diagnostics(&events)
    );
    let expected = reference_messages(jsonl);
    assert_eq!(expected.len(), 22);
    // The reference cuts texts longer than 200 characters to 200 + "...[+N chars]".
    let got: Vec<Msg> = messages(&events)
        .into_iter()
        .map(|mut m| {
            if let Some(t) = &m.4
                && t.chars().count() > 200
            {
                let head: String = t.chars().take(200).collect();
                m.4 = Some(format!("{head}...[+{} chars]", t.chars().count() - 200));
            }
            m
        })
        .collect();
    assert_eq!(got, expected);
    let last = expected.last().unwrap();
    assert_eq!(
        (last.5, last.6.as_deref()),
        (Some(1000), Some("normal closure: done"))
    );
    let (head_req, head_resp) = events.iter().fold((0, 0), |acc, e| match &e.kind {
        EventKind::HttpRequest { head_len, .. } => (*head_len, acc.1),
        EventKind::HttpResponse { head_len, .. } => (acc.0, *head_len),
        _ => acc,
    });
    assert_eq!((head_req, head_resp), (198, 203));
    // The browser view of the same capture: open, the server's messages, a clean 1000.
    let rows = api(&build(&script, true));
    assert_eq!(rows.first().unwrap().0, 0);
    assert_eq!(rows[1].1.as_deref(), Some("open"));
    assert_eq!(
        rows.last().unwrap(),
        &(
            3,
            s("close"),
            Some(1000),
            s("normal closure: done"),
            Some(true),
            None
        )
    );
}

#[test]
fn real_capture_python_echo() {
    check_python_echo(
        &fixture("ws_python_echo.pcap"),
        &fixture("ws_python_echo.messages.jsonl"),
    );
}

#[test]
fn real_capture_python_echo_mtu1500() {
    check_python_echo(
        &fixture("ws_python_echo_mtu1500.pcap"),
        &fixture("ws_python_echo_mtu1500.messages.jsonl"),
    );
}

#[test]
fn real_capture_fragmented_with_interleaved_pings() {
    let (p, j) = (
        fixture("ws_fragmented.pcap"),
        fixture("ws_fragmented.messages.jsonl"),
    );
    let segments = pcap_payloads(&p);
    let script = script_of(&segments);
    let events = dissect(&script);
    assert!(
        diagnostics(&events).is_empty(),
        "{:#?}",
        diagnostics(&events)
    );
    let expected: Vec<(Dir, u8, u32, u64)> = reference_messages(&j)
        .into_iter()
        .map(|m| (m.0, m.1, m.2, m.3))
        .collect();
    let got: Vec<_> = messages(&events)
        .into_iter()
        .map(|m| (m.0, m.1, m.2, m.3))
        .collect();
    assert_eq!(got, expected);
}

// ------------------------------------------------------------------ every fixture vs its reference

/// Each TCP stream's payloads (per direction, in file order), streams in order of their SYN;
/// the client is the side that sent the SYN.
fn pcap_streams(path: &str) -> Vec<Vec<(Dir, Vec<u8>)>> {
    let data = std::fs::read(path).unwrap();
    let mut pos = 24;
    let mut clients: Vec<u16> = Vec::new();
    let mut streams: Vec<Vec<(Dir, Vec<u8>)>> = Vec::new();
    while pos + 16 <= data.len() {
        let incl = u32::from_le_bytes(data[pos + 8..pos + 12].try_into().unwrap()) as usize;
        let pkt = &data[pos + 16..pos + 16 + incl];
        pos += 16 + incl;
        let ip = &pkt[14..];
        let ihl = (ip[0] & 0x0f) as usize * 4;
        let total = u16::from_be_bytes([ip[2], ip[3]]) as usize;
        let tcp = &ip[ihl..total];
        let src = u16::from_be_bytes([tcp[0], tcp[1]]);
        let dst = u16::from_be_bytes([tcp[2], tcp[3]]);
        let flags = tcp[13];
        if flags & 0x02 != 0 && flags & 0x10 == 0 && !clients.contains(&src) {
            clients.push(src);
            streams.push(Vec::new());
        }
        let (index, dir) = match (
            clients.iter().position(|c| *c == src),
            clients.iter().position(|c| *c == dst),
        ) {
            (Some(i), _) => (i, Dir::C2s),
            (None, Some(i)) => (i, Dir::S2c),
            (None, None) => continue,
        };
        let payload = &tcp[(tcp[12] >> 4) as usize * 4..];
        if !payload.is_empty() {
            streams[index].push((dir, payload.to_vec()));
        }
    }
    streams
}

/// One comparable line per HTTP message, SSE event and WebSocket message.
fn reference_lines(rows: &[serde_json::Value], stream: usize) -> Vec<String> {
    rows.iter()
        .filter(|v| v["stream"].as_u64() == Some(stream as u64))
        .filter_map(|v| {
            let kind = v["kind"].as_str().unwrap();
            match kind {
                "http_request" | "http_response" => Some(format!(
                    "{kind} {} head {} body {}",
                    v["start_line"].as_str().unwrap(),
                    v["head_len"],
                    if v["complete"] == false {
                        "-".to_string()
                    } else {
                        v["body_len"].to_string()
                    }
                )),
                "sse_event" => Some(format!(
                    "sse {} {} {}",
                    v["id"].as_str().unwrap_or("-"),
                    v["event"].as_str().unwrap_or("message"),
                    v["data"].as_str().unwrap()
                )),
                "ws_message" | "ws_control" => {
                    let compressed = v["compressed"] == true;
                    Some(format!(
                        "ws {} op {} frags {} compressed {compressed} len {} text {:?} close {:?} {:?}",
                        v["dir"].as_str().unwrap(),
                        v["opcode"],
                        v["n_fragments"],
                        v["payload_len"],
                        v["text"].as_str(),
                        v["close_code"].as_u64(),
                        v["close_reason"].as_str()
                    ))
                }
                _ => None,
            }
        })
        .collect()
}

fn cut_text(t: &str) -> String {
    let n = t.chars().count();
    if n > 200 {
        let head: String = t.chars().take(200).collect();
        format!("{head}...[+{} chars]", n - 200)
    } else {
        t.to_string()
    }
}

fn our_lines(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::HttpRequest {
                method,
                target,
                version,
                head_len,
                body_len,
                ..
            } => Some(format!(
                "http_request {method} {target} {version} head {head_len} body {body_len}"
            )),
            EventKind::HttpResponse {
                status,
                reason,
                version,
                head_len,
                body_len,
                headers,
                ..
            } => {
                let streaming = headers.iter().any(|(n, v)| {
                    n.eq_ignore_ascii_case("content-type") && v.starts_with("text/event-stream")
                });
                Some(format!(
                    "http_response {version} {status} {reason} head {head_len} body {}",
                    if streaming {
                        "-".to_string()
                    } else {
                        body_len.to_string()
                    }
                ))
            }
            EventKind::SseEvent {
                id, event, data, ..
            } => Some(format!(
                "sse {} {} {data}",
                id.as_deref().unwrap_or("-"),
                event.as_deref().unwrap_or("message")
            )),
            EventKind::WsMessage {
                opcode,
                fragments,
                compressed,
                payload_len,
                text,
                close_code,
                close_reason,
                ..
            } => Some(format!(
                "ws {} op {opcode} frags {fragments} compressed {compressed} len {payload_len} text {:?} close {:?} {:?}",
                e.dir.unwrap().as_str(),
                text.as_deref().map(cut_text).as_deref(),
                close_code.map(u64::from),
                close_reason.as_deref()
            )),
            _ => None,
        })
        .collect()
}

#[test]
fn every_fixture_agrees_with_its_independent_decoding() {
    // Every shared capture, named, with its number of TCP streams: a capture that goes
    // missing, loses its reference or a stream fails here.
    const FIXTURES: [(&str, usize); 9] = [
        ("http_long_poll", 1),
        ("http_short_poll", 1),
        ("http_sse", 1),
        ("ws_abrupt", 2),
        ("ws_bad_handshake", 5),
        ("ws_fragmented", 1),
        ("ws_python_deflate", 1),
        ("ws_python_echo", 1),
        ("ws_python_echo_mtu1500", 1),
    ];
    let dir = support::fixtures::shared_dir();
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| {
            panic!(
                "{}: {e} (the shared real-traffic fixtures sit beside the checkout)",
                dir.display()
            )
        })
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "pcap"))
        .filter_map(|p| Some(p.file_stem()?.to_str()?.to_string()))
        .collect();
    on_disk.sort();
    assert_eq!(
        on_disk,
        FIXTURES.map(|(name, _)| name.to_string()),
        "the captures in {}: a new one needs its line here",
        dir.display()
    );
    let mut checked = 0;
    for (name, streams) in FIXTURES {
        let pcap = fixture(&format!("{name}.pcap"));
        let jsonl = fixture(&format!("{name}.messages.jsonl"));
        let rows = read_jsonl(&jsonl);
        let found = pcap_streams(&pcap);
        assert_eq!(found.len(), streams, "{name}: TCP streams");
        for (i, stream) in found.iter().enumerate() {
            let script: Vec<(Dir, &[u8])> =
                stream.iter().map(|(d, b)| (*d, b.as_slice())).collect();
            let events = run(&script, usize::MAX);
            let want = reference_lines(&rows, i);
            assert!(!want.is_empty(), "{name} stream {i}: no reference rows");
            assert_eq!(our_lines(&events), want, "{name} stream {i}");
            checked += 1;
        }
    }
    assert_eq!(checked, 14, "every stream of every capture");
}

#[test]
fn packet_fins_both_ways_close_the_api() {
    use wirelab::trace::TcpSegment;
    let mut b = TraceBuilder::new(Source::default(), Utc::now());
    let conn = b.open_connection("127.0.0.1:50000".into(), "127.0.0.1:8088".into(), None);
    b.data(conn, Dir::C2s, 1, UPGRADE);
    b.data(conn, Dir::S2c, 2, SWITCH);
    let fin = |dir, t_us| Event {
        t_us,
        conn: Some(conn),
        dir: Some(dir),
        span: None,
        kind: EventKind::TcpFin(TcpSegment {
            seq: 1,
            ack: 1,
            window: None,
            len: 0,
        }),
    };
    b.push_event(fin(Dir::S2c, 3));
    let half = api(&b.trace().events.clone());
    assert_eq!(half.len(), 2, "one FIN: still open (half-closed)");
    b.push_event(fin(Dir::C2s, 4));
    let rows = api(&b.into_trace().events);
    assert_eq!(
        rows.last().unwrap(),
        &(3, s("close"), Some(1006), s(""), Some(false), None)
    );
}

#[test]
fn server_protocol_error_fails_the_connection() {
    let script: Vec<(Dir, &[u8])> = vec![
        (Dir::C2s, UPGRADE),
        (Dir::S2c, SWITCH),
        (Dir::S2c, &[0x81, 0x02, 0xc3, 0x28]),
        (Dir::S2c, HELLO_UNMASKED),
        (Dir::C2s, &[0x88, 0x82, 0, 0, 0, 0, 0x03, 0xef]),
        (Dir::S2c, &[0x88, 0x02, 0x03, 0xef]),
    ];
    let rows = api(&build(&script, true));
    assert_eq!(
        rows,
        vec![
            (0, None, None, None, None, None),
            (1, s("open"), None, None, None, None),
            (2, None, None, None, None, None),
            (3, s("error"), None, None, None, None),
            (3, s("close"), Some(1006), s(""), Some(false), None),
        ]
    );
}

/// (severity, message, rule) of every diagnostic.
fn diagnostics_with_severity(events: &[Event]) -> Vec<(Severity, String, String)> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Diagnostic {
                severity,
                message,
                rule,
                ..
            } => Some((*severity, message.clone(), rule.clone().unwrap_or_default())),
            _ => None,
        })
        .collect()
}

#[test]
fn frames_after_own_close_data_is_an_error_control_a_warning() {
    // RFC 6455 §5.5.1: no more data frames after a close frame; a ping is not forbidden.
    let script: Vec<(Dir, &[u8])> = vec![
        (Dir::C2s, UPGRADE),
        (Dir::S2c, SWITCH),
        (Dir::S2c, &[0x88, 0x02, 0x03, 0xe8]),
        (Dir::S2c, PING_HELLO),
        (Dir::S2c, HELLO_UNMASKED),
        (Dir::S2c, PING_HELLO),
    ];
    let after: Vec<(Severity, String, String)> = diagnostics_with_severity(&dissect(&script))
        .into_iter()
        .filter(|d| d.1.contains("after this endpoint's close frame"))
        .collect();
    assert_eq!(after.len(), 2, "{after:?}");
    assert_eq!(after[0].0, Severity::Warning, "{after:?}");
    assert!(after[0].1.starts_with("ping frame"), "{after:?}");
    assert_eq!(after[1].0, Severity::Error, "{after:?}");
    assert!(after[1].1.starts_with("text frame"), "{after:?}");
    assert!(after[1].1.contains("MUST NOT send any more data frames"));
    assert!(after.iter().all(|d| d.2 == "RFC 6455 §5.5.1"));
}

#[test]
fn a_message_over_the_dissectors_limit_does_not_fail_the_modelled_browser() {
    // RFC 6455 §10.4 is about an implementation's own limits: the dissector's 64 MiB cap is
    // not a rule the server broke, and a browser would not fail the connection for it.
    let big = binary_64(wirelab::proto::ws::message::DEFAULT_MAX_MESSAGE + 1);
    let script: Vec<(Dir, &[u8])> = vec![
        (Dir::C2s, UPGRADE),
        (Dir::S2c, SWITCH),
        (Dir::S2c, &big),
        (Dir::C2s, &[0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8]),
        (Dir::S2c, &[0x88, 0x02, 0x03, 0xe8]),
    ];
    let events = build(&script, true);
    let diags = diagnostics_with_severity(&events);
    assert!(
        diags.iter().any(|d| d.2 == "RFC 6455 §10.4"),
        "the limit is reported: {diags:?}"
    );
    assert!(
        diags.iter().all(|d| d.0 != Severity::Error),
        "no error: {diags:?}"
    );
    let rows = api(&events);
    assert_eq!(rows.get(2).and_then(|r| r.1.as_deref()), Some("message"));
    assert_eq!(
        rows.last(),
        Some(&(3, s("close"), Some(1000), s(""), Some(true), None))
    );
    assert!(!rows.iter().any(|r| r.1.as_deref() == Some("error")));
}
