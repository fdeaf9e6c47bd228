#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `analysis::metrics` on the real captures: every count equals what the independent
//! decodings beside them (`*.messages.jsonl`) give, and every fixture is classified sensibly.

mod support;

use std::path::Path;

use serde_json::Value;
use support::fixtures::{data_dir, jsonl, shared_dir, shared_fixture};
use wirelab::analysis::metrics::{Counts, Metrics, Technique, metrics};
use wirelab::capture::file::read_file;

fn metrics_of(path: &str) -> Metrics {
    let (trace, _) = read_file(Path::new(path), true).unwrap();
    metrics(&trace)
}

fn u(row: &Value, key: &str) -> u64 {
    row.get(key).and_then(Value::as_u64).unwrap_or(0)
}

/// Whether a reference body carries nothing: empty, or JSON whose arrays and objects are all
/// empty (the poll server's `{"events":[]}`).
fn empty_body(body: &str) -> bool {
    fn no_item(v: &Value) -> bool {
        match v {
            Value::Array(a) => a.is_empty(),
            Value::Object(o) => o.values().all(no_item),
            _ => false,
        }
    }
    body.is_empty() || serde_json::from_str(body).is_ok_and(|v: Value| no_item(&v))
}

/// The counts the reference decoding of `name` gives, all of its streams together.
fn reference(name: &str) -> Counts {
    let rows = jsonl(shared_fixture(&format!("{name}.messages.jsonl")));
    let mut c = Counts::default();
    for row in &rows {
        match row["kind"].as_str().unwrap() {
            "tcp_stream" => {
                c.tcp_connections += u64::from(row["handshake"].as_bool().unwrap());
                c.wire_bytes += u(row, "c2s_bytes") + u(row, "s2c_bytes");
            }
            "http_request" => {
                c.http_requests += 1;
                c.http_request_head_bytes += u(row, "head_len");
                c.http_body_bytes += u(row, "body_len");
                c.chunk_framing_bytes += u(row, "chunked_overhead");
            }
            "http_response" => {
                c.http_response_head_bytes += u(row, "head_len");
                c.http_body_bytes += u(row, "body_len");
                c.chunk_framing_bytes += u(row, "chunked_overhead");
                let status: u16 = row["start_line"].as_str().unwrap()[9..12].parse().unwrap();
                if let Some(body) = row.get("body").and_then(Value::as_str)
                    && status >= 200
                    && empty_body(body)
                {
                    c.empty_responses += 1;
                }
            }
            "sse_event" => c.sse_events += 1,
            "ws_message" | "ws_control" => {
                for frame in row["wire"].as_array().unwrap() {
                    c.ws_frames += 1;
                    c.ws_frame_header_bytes += u(frame, "hdr_len");
                    c.ws_payload_wire_bytes += u(frame, "len");
                }
            }
            other => panic!("{name}: a reference row of kind {other} this test does not know"),
        }
    }
    c
}

fn check(name: &str, technique: Technique) {
    let m = metrics_of(&shared_fixture(&format!("{name}.pcap")));
    let found: Vec<Technique> = m.techniques.iter().map(|t| t.technique).collect();
    assert_eq!(found, vec![technique], "{name}: classified as {found:?}");
    let expected = reference(name);
    // Packets and IP bytes are held to tshark's counts in tests/metrics_packets.rs; the
    // message decodings do not have them.
    let without_packets = |c: &Counts| Counts {
        packets: None,
        ip_bytes: None,
        ..c.clone()
    };
    assert_eq!(
        m.technique(technique).map(without_packets),
        Some(expected.clone()),
        "{name}"
    );
    assert_eq!(without_packets(&m.totals), expected, "{name}: totals");
    assert!(m.totals.packets.is_some(), "{name}: packets counted");
}

#[test]
fn short_poll_equals_its_reference() {
    check("http_short_poll", Technique::ShortPoll);
    // The reference shows polls that came back empty: the count is not trivially zero.
    assert!(reference("http_short_poll").empty_responses > 0);
}

#[test]
fn long_poll_equals_its_reference() {
    check("http_long_poll", Technique::LongPoll);
}

#[test]
fn sse_equals_its_reference() {
    check("http_sse", Technique::Sse);
    assert!(reference("http_sse").chunk_framing_bytes > 0);
}

#[test]
fn websocket_equals_its_reference() {
    check("ws_python_echo", Technique::WebSocket);
}

#[test]
fn the_json_has_the_documented_shape() {
    let m = metrics_of(&shared_fixture("http_short_poll.pcap"));
    let json = serde_json::to_value(&m).unwrap();
    let technique = &json["techniques"][0];
    assert_eq!(technique["technique"], "short-poll");
    for key in [
        "tcp_connections",
        "http_requests",
        "http_request_head_bytes",
        "http_response_head_bytes",
        "http_body_bytes",
        "chunk_framing_bytes",
        "ws_frames",
        "ws_frame_header_bytes",
        "ws_payload_wire_bytes",
        "sse_events",
        "empty_responses",
        "wire_bytes",
    ] {
        assert!(technique[key].is_u64(), "techniques[0].{key}");
        assert!(json["totals"][key].is_u64(), "totals.{key}");
    }
    let back: Metrics = serde_json::from_value(json).unwrap();
    assert_eq!(back, m);
}

/// Every capture the project has: no panic, totals are the sum of the techniques, and the
/// classification is what the fixture shows.
#[test]
fn every_fixture_is_classified_sensibly() {
    let mut files = Vec::new();
    for dir in [shared_dir(), data_dir("pcap")] {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if ext == "pcap" || ext == "pcapng" {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(files.len() >= 10, "fixtures found: {files:?}");
    for path in &files {
        let name = path.file_name().unwrap().to_str().unwrap();
        let m = metrics_of(path.to_str().unwrap());
        let mut sum = Counts::default();
        for t in &m.techniques {
            sum.tcp_connections += t.counts.tcp_connections;
            sum.http_requests += t.counts.http_requests;
            sum.wire_bytes += t.counts.wire_bytes;
            sum.ws_frames += t.counts.ws_frames;
        }
        assert_eq!(sum.tcp_connections, m.totals.tcp_connections, "{name}");
        assert_eq!(sum.http_requests, m.totals.http_requests, "{name}");
        assert_eq!(sum.wire_bytes, m.totals.wire_bytes, "{name}");
        assert_eq!(sum.ws_frames, m.totals.ws_frames, "{name}");
        let techniques: Vec<&str> = m.techniques.iter().map(|t| t.technique.name()).collect();
        if name == "ws_mixed_interfaces.pcapng" {
            // Its second link type is one libpcap refuses (tests/data/pcap/README.md): no
            // connection is read, and no technique is invented.
            assert!(techniques.is_empty(), "{name}: {techniques:?}");
            continue;
        }
        assert!(m.totals.wire_bytes > 0, "{name}: no bytes counted");
        if name.starts_with("ws_bad_handshake") {
            // Refused handshakes repeated are not polling; the one that succeeded upgraded.
            assert_eq!(techniques, ["websocket", "http"], "{name}");
        } else if name.starts_with("ws_") {
            assert!(techniques.contains(&"websocket"), "{name}: {techniques:?}");
            assert!(
                !techniques
                    .iter()
                    .any(|t| t.ends_with("-poll") || *t == "sse"),
                "{name}: {techniques:?}"
            );
        } else if name.starts_with("http_long_poll") {
            assert!(
                techniques.iter().all(|t| *t == "long-poll" || *t == "http"),
                "{name}: {techniques:?}"
            );
        }
    }
}
