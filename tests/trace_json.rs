//! The trace JSON format: export → import → export is identical for every event kind (a kind
//! added without a sample fails `every_kind_has_a_sample`), and bad files get clear errors.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

use chrono::{TimeZone, Utc};
use wirelab::dissect::TraceBuilder;
use wirelab::trace::{
    Dir, Event, EventKind, Observed, Severity, Side, Source, StreamSpan, TcpSegment, Trace,
};

/// One event of every kind, each with all its optional fields set (so that no
/// `skip_serializing_if` hides a field from the round trip). `every_kind_has_a_sample` fails
/// when `EventKind` gains a kind that is not here.
fn every_kind() -> Vec<EventKind> {
    let seg = TcpSegment {
        seq: 1,
        ack: 1,
        window: Some(65535),
        len: 7,
    };
    let headers = vec![("Host".to_string(), "127.0.0.1".to_string())];
    vec![
        EventKind::TcpConnect {
            observed: Observed::Socket,
        },
        EventKind::TcpAccept {
            observed: Observed::Socket,
        },
        EventKind::TcpClose {
            observed: Observed::Packet,
            initiator: Some(Side::Server),
        },
        EventKind::TcpSyn(seg.clone()),
        EventKind::TcpSynAck(seg.clone()),
        EventKind::TcpAck(seg.clone()),
        EventKind::TcpFin(seg.clone()),
        EventKind::TcpRst(seg),
        EventKind::HttpRequest {
            method: "POST".into(),
            target: "/upload".into(),
            version: "HTTP/1.1".into(),
            headers: headers.clone(),
            head_len: 80,
            body_len: 25,
            chunked_overhead: Some(15),
        },
        EventKind::HttpResponse {
            status: 200,
            reason: "OK".into(),
            version: "HTTP/1.0".into(),
            headers,
            head_len: 60,
            body_len: 0,
            chunked_overhead: Some(5),
        },
        EventKind::HttpBodyEnd {
            body_len: 456,
            complete: false,
            chunked_overhead: Some(36),
        },
        EventKind::WsUpgradeCheck {
            key: "dGhlIHNhbXBsZSBub25jZQ==".into(),
            expected_accept: "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=".into(),
            accept: Some("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=".into()),
            valid: true,
            protocol: Some("chat".into()),
        },
        EventKind::WsExtensions {
            offered: vec!["permessage-deflate; client_max_window_bits".into()],
            negotiated: vec!["permessage-deflate; server_max_window_bits=12".into()],
        },
        EventKind::WsFrame {
            fin: false,
            rsv1: true,
            rsv2: false,
            rsv3: true,
            opcode: 2,
            masked: true,
            mask_key: Some("37fa213d".into()),
            payload_len: 70000,
            header_len: 14,
        },
        EventKind::WsMessage {
            opcode: 1,
            fragments: 3,
            compressed: true,
            payload_len: 104,
            wire_payload_len: Some(93),
            text: Some("{\"price\":100.25}".into()),
            data_b64: None,
            close_code: None,
            close_reason: None,
        },
        // A close message: the fields a text message leaves out.
        EventKind::WsMessage {
            opcode: 8,
            fragments: 1,
            compressed: false,
            payload_len: 6,
            wire_payload_len: None,
            text: None,
            data_b64: Some("A+hieWU=".into()),
            close_code: Some(1000),
            close_reason: Some("bye".into()),
        },
        EventKind::SseEvent {
            id: Some("1".into()),
            event: Some("price".into()),
            data: "x\ny".into(),
            retry: Some(3000),
        },
        EventKind::TlsRecord {
            content_type: 22,
            version: 0x0301,
            length: 213,
            handshake_type: Some(1),
            observed: Some(Observed::Socket),
        },
        EventKind::Api {
            object: wirelab::trace::ApiObject::WebSocket,
            ready_state: 3,
            fires: Some("close".into()),
            code: Some(1006),
            reason: Some(String::new()),
            was_clean: Some(false),
            data: Some("tick 1".into()),
            last_event_id: None,
            cause: Some(12),
        },
        EventKind::SourceEvent { id: 3, bytes: 57 },
        EventKind::ClientRead { total: 1234 },
        EventKind::Stage {
            index: 0,
            label: "connect".into(),
        },
        EventKind::Diagnostic {
            severity: Severity::Warning,
            message: "m".into(),
            message_zh: Some("消息".into()),
            rule: Some("RFC 6455 §5.5".into()),
        },
    ]
}

/// The name of every `EventKind` variant, as serde knows them: the error for an unknown
/// `kind` lists them all, so this follows the enum without a list to keep up to date.
fn every_kind_name() -> Vec<String> {
    let err = serde_json::from_str::<EventKind>(r#"{"kind":"no such kind"}"#)
        .expect_err("an unknown kind");
    let text = err.to_string();
    let list = text
        .split_once("expected one of ")
        .unwrap_or_else(|| panic!("serde's message changed: {text}"))
        .1;
    // `a`, `b`, `c` at line 1 column 24
    list.split(", ")
        .filter_map(|n| n.split('`').nth(1))
        .map(str::to_string)
        .collect()
}

fn sample() -> Trace {
    let source = Source {
        kind: "lab".into(),
        scenario: Some("ws-echo".into()),
        capture: Some("socket".into()),
        server: Some("127.0.0.1:40000".into()),
        file: None,
        tool: Some("wirelab test".into()),
        link: Some(wirelab::trace::LinkEmulation {
            delay_us: 50_000,
            rate_kbps: Some(1000),
            loss_permille: 5,
        }),
    };
    let started = Utc
        .with_ymd_and_hms(2026, 11, 21, 13, 0, 0)
        .single()
        .unwrap_or_default();
    let mut b = TraceBuilder::new(source, started);
    let conn = b.open_connection(
        "127.0.0.1:50000".into(),
        "127.0.0.1:40000".into(),
        Some("client".into()),
    );
    let ev = |t_us, dir, kind| Event {
        t_us,
        conn: Some(conn),
        dir,
        span: None,
        kind,
    };
    b.push_event(ev(
        1,
        None,
        EventKind::TcpConnect {
            observed: Observed::Socket,
        },
    ));
    b.push_event(ev(
        2,
        None,
        EventKind::TcpAccept {
            observed: Observed::Socket,
        },
    ));
    // Real bytes: an upgrade request and response (RFC 6455 §1.3 key), then frames from §5.7.
    b.data(
        conn,
        Dir::C2s,
        10,
        b"GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
    );
    b.data(
        conn,
        Dir::S2c,
        20,
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n",
    );
    b.data(
        conn,
        Dir::C2s,
        30,
        &[
            0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
        ],
    );
    b.data(
        conn,
        Dir::S2c,
        40,
        &[0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f],
    );
    b.end(conn, Dir::C2s, 50);
    b.end(conn, Dir::S2c, 50);
    // One of every kind, with every optional field set, so the format covers them all.
    for kind in every_kind() {
        b.push_event(ev(70, Some(Dir::S2c), kind));
    }
    let mut trace = b.into_trace();
    trace.connections[0].packets = Some(wirelab::trace::PacketCounts {
        c2s: wirelab::trace::DirPackets {
            packets: 6,
            ip_bytes: 512,
        },
        s2c: wirelab::trace::DirPackets {
            packets: 5,
            ip_bytes: 640,
        },
    });
    trace.events.push(Event {
        t_us: 80,
        conn: None,
        dir: None,
        span: Some(StreamSpan { offset: 3, len: 4 }),
        kind: EventKind::Diagnostic {
            severity: Severity::Info,
            message: "ünïcödé ✓ 日本語".into(),
            message_zh: None,
            rule: None,
        },
    });
    trace
}

#[test]
fn a_diagnostic_keeps_its_chinese_and_reads_without_it() {
    let both = EventKind::diagnostic(
        Severity::Error,
        wirelab::lang::Phrase::new("3 bytes missing", "缺少 3 字节"),
        None,
    );
    let json = serde_json::to_value(&both).expect("serializes");
    assert_eq!(json["message"], "3 bytes missing");
    assert_eq!(json["message_zh"], "缺少 3 字节");
    // The same in both languages: no `message_zh`, as before it existed.
    let verbatim = EventKind::diagnostic(
        Severity::Error,
        wirelab::lang::Phrase::verbatim("libpcap: truncated"),
        None,
    );
    let json = serde_json::to_value(&verbatim).expect("serializes");
    assert!(json.get("message_zh").is_none(), "{json}");
    // A trace written before `message_zh` still reads.
    let old: EventKind =
        serde_json::from_str(r#"{"kind":"diagnostic","severity":"warning","message":"m"}"#)
            .expect("an older diagnostic reads");
    assert!(matches!(
        old,
        EventKind::Diagnostic {
            message_zh: None,
            ..
        }
    ));
}

#[test]
fn export_import_export_is_identical() {
    let trace = sample();
    let first = trace.to_json();
    let imported = Trace::from_json(&first).expect("the export parses");
    assert_eq!(imported, trace);
    let second = imported.to_json();
    assert_eq!(first, second);
}

#[test]
fn json_has_the_documented_shape() {
    let value: serde_json::Value = serde_json::from_str(&sample().to_json()).expect("valid JSON");
    assert_eq!(value["format"], "wirelab-trace");
    assert_eq!(value["version"], 1);
    assert!(
        value["started_at"]
            .as_str()
            .is_some_and(|s| s.starts_with("2026-11-21T13:00:00"))
    );
    assert_eq!(value["connections"][0]["client"], "127.0.0.1:50000");
    let events = value["events"].as_array().expect("events array");
    assert_eq!(events[0]["kind"], "tcp_connect");
    assert_eq!(events[0]["observed"], "socket");
    assert_eq!(events[0]["conn"], 0);
    assert!(
        events
            .iter()
            .any(|e| e["kind"] == "diagnostic" && e["severity"] == "warning")
    );
    assert!(
        events
            .iter()
            .any(|e| e["kind"] == "tcp_syn" && e["seq"] == 1)
    );
    assert_eq!(value["streams"][0]["dir"], "c2s");
}

#[test]
fn bad_files_get_clear_errors() {
    let err = Trace::from_json("{").expect_err("truncated JSON");
    assert!(err.to_string().starts_with("not a valid trace"), "{err}");
    let mut v: serde_json::Value = serde_json::from_str(&sample().to_json()).expect("valid JSON");
    v["format"] = "pcap".into();
    let err = Trace::from_json(&v.to_string()).expect_err("wrong format");
    assert!(err.to_string().contains("not a wirelab trace"), "{err}");
    v["format"] = "wirelab-trace".into();
    v["version"] = 99.into();
    let err = Trace::from_json(&v.to_string()).expect_err("newer version");
    assert!(err.to_string().contains("version 99"), "{err}");
}

#[test]
fn every_kind_has_a_sample() {
    use std::collections::BTreeSet;
    let sampled: BTreeSet<String> = every_kind().iter().map(|k| k.name().to_string()).collect();
    let known: BTreeSet<String> = every_kind_name().into_iter().collect();
    assert!(
        known.contains("tcp_connect") && known.contains("diagnostic"),
        "serde's list of kinds was not read: {known:?}"
    );
    assert_eq!(
        sampled, known,
        "every EventKind needs a sample in every_kind()"
    );
    let listed: BTreeSet<String> = EventKind::NAMES.iter().map(|n| n.to_string()).collect();
    assert_eq!(listed, known, "EventKind::NAMES lists every kind");
}

#[test]
fn every_kind_round_trips_alone() {
    for kind in every_kind() {
        let event = Event {
            t_us: 5,
            conn: Some(0),
            dir: Some(Dir::C2s),
            span: Some(StreamSpan { offset: 1, len: 2 }),
            kind,
        };
        let json = serde_json::to_string(&event).expect("serializes");
        let value: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
        assert_eq!(value["kind"], event.kind.name(), "{json}");
        let back: Event = serde_json::from_str(&json).expect("parses back");
        assert_eq!(back, event, "{json}");
        assert_eq!(serde_json::to_string(&back).expect("serializes"), json);
    }
}
