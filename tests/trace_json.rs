//! The trace JSON format: export → import → export is identical, and bad files get clear errors.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

use chrono::{TimeZone, Utc};
use wirelab::dissect::TraceBuilder;
use wirelab::trace::{
    Dir, Event, EventKind, Observed, Severity, Side, Source, StreamSpan, TcpSegment, Trace,
};

fn sample() -> Trace {
    let source = Source {
        kind: "lab".into(),
        scenario: Some("ws-echo".into()),
        capture: Some("socket".into()),
        server: Some("127.0.0.1:40000".into()),
        file: None,
        tool: Some("wirelab test".into()),
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
    // Every kind that has no bytes behind it, so the format covers them all.
    b.push_event(ev(
        60,
        None,
        EventKind::TcpClose {
            observed: Observed::Socket,
            initiator: Some(Side::Server),
        },
    ));
    let seg = TcpSegment {
        seq: 1,
        ack: 1,
        window: Some(65535),
        len: 0,
    };
    for kind in [
        EventKind::TcpSyn(seg.clone()),
        EventKind::TcpSynAck(seg.clone()),
        EventKind::TcpAck(seg.clone()),
        EventKind::TcpFin(seg.clone()),
        EventKind::TcpRst(seg.clone()),
        EventKind::SseEvent {
            id: Some("1".into()),
            event: None,
            data: "x\ny".into(),
        },
        EventKind::Stage {
            index: 0,
            label: "connect".into(),
        },
        EventKind::Diagnostic {
            severity: Severity::Warning,
            message: "m".into(),
            rule: Some("RFC 6455 §5.5".into()),
        },
    ] {
        b.push_event(ev(70, Some(Dir::S2c), kind));
    }
    let mut trace = b.into_trace();
    trace.events.push(Event {
        t_us: 80,
        conn: None,
        dir: None,
        span: Some(StreamSpan { offset: 3, len: 4 }),
        kind: EventKind::Diagnostic {
            severity: Severity::Info,
            message: "ünïcödé ✓ 日本語".into(),
            rule: None,
        },
    });
    trace
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
