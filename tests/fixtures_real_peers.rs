//! Our dissection of real captures from real peers (Python `websockets`, aiohttp, curl) must
//! agree exactly with an independent message-level decoding (`*.messages.jsonl`, see
//! `../shared/fixtures/README.md`): every HTTP start line and length, every WebSocket frame's
//! fields, every message's direction, opcode, decoded length and SHA-256, close codes and
//! reasons, SSE events, and the FIN/RST sequence. Bodies announced at their head (event
//! streams) take their length, chunk framing and completeness from `http_body_end`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use serde_json::Value;
use sha2::{Digest, Sha256};
use wirelab::capture::file::read_file;
use wirelab::trace::{Dir, EventKind, Trace};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures")
}

/// One comparable line per fact, grouped by (stream, category) so that the order within a
/// direction matters but the interleaving of the two directions does not.
type Facts = BTreeMap<(u64, String), Vec<String>>;

fn push(facts: &mut Facts, stream: u64, category: &str, line: String) {
    facts
        .entry((stream, category.to_string()))
        .or_default()
        .push(line);
}

fn reference(name: &str) -> Facts {
    let text = std::fs::read_to_string(fixtures().join(format!("{name}.messages.jsonl")))
        .expect("reference file readable");
    let mut facts = Facts::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let row: Value = serde_json::from_str(line).expect("reference row is JSON");
        let stream = row["stream"].as_u64().expect("stream");
        match row["kind"].as_str().expect("kind") {
            "tcp_stream" => {
                for step in row["teardown"].as_array().expect("teardown") {
                    let step = step.as_str().expect("teardown step");
                    let (what, _) = step.split_once('@').expect("FIN:side@frame");
                    push(&mut facts, stream, "teardown", what.to_string());
                }
            }
            "http_request" => push(
                &mut facts,
                stream,
                "http c2s",
                format!(
                    "{} head {} body {} overhead {}",
                    row["start_line"].as_str().expect("start"),
                    row["head_len"],
                    row["body_len"],
                    row["chunked_overhead"].as_u64().unwrap_or(0)
                ),
            ),
            "http_response" => push(
                &mut facts,
                stream,
                "http s2c",
                format!(
                    "{} head {} body {} overhead {} complete {}",
                    row["start_line"].as_str().expect("start"),
                    row["head_len"],
                    row["body_len"],
                    row["chunked_overhead"].as_u64().unwrap_or(0),
                    row["complete"].as_bool().unwrap_or(true)
                ),
            ),
            "ws_message" | "ws_control" => {
                let dir = row["dir"].as_str().expect("dir");
                for w in row["wire"].as_array().expect("wire") {
                    push(
                        &mut facts,
                        stream,
                        &format!("frames {dir}"),
                        format!(
                            "fin {} rsv {} op {} mask {} len {} hdr {}",
                            w["fin"],
                            w["rsv"],
                            w["opcode"],
                            w["mask"].as_str().unwrap_or("-"),
                            w["len"],
                            w["hdr_len"]
                        ),
                    );
                }
                let mut line = format!(
                    "op {} frags {} compressed {} len {} sha {}",
                    row["opcode"],
                    row["n_fragments"],
                    row["compressed"],
                    row["payload_len"],
                    row["sha256"].as_str().expect("sha256")
                );
                if row["opcode"] == 8 {
                    line.push_str(&format!(
                        " code {} reason {}",
                        row["close_code"], row["close_reason"]
                    ));
                }
                push(&mut facts, stream, &format!("messages {dir}"), line);
            }
            "sse_event" => push(
                &mut facts,
                stream,
                "sse",
                format!(
                    "id {} event {} data {}",
                    row["id"], row["event"], row["data"]
                ),
            ),
            _ => {}
        }
    }
    facts
}

fn ours(trace: &Trace) -> Facts {
    let mut facts = Facts::new();
    // The reference lists frames message by message, in the order messages complete (a ping
    // between two fragments is listed before the message it interrupts): group ours the same.
    let mut pending_fragments: BTreeMap<(u64, &str), Vec<String>> = BTreeMap::new();
    // A response announced at its head gets its body length from the `http_body_end` that
    // follows: remember where its line is and what it starts with.
    let mut last_http: BTreeMap<(u64, &str), (usize, String)> = BTreeMap::new();
    let b64 = base64::engine::general_purpose::STANDARD;
    for e in &trace.events {
        let Some(stream) = e.conn.map(u64::from) else {
            continue;
        };
        let dir = e.dir.map_or("-", Dir::as_str);
        match &e.kind {
            EventKind::TcpFin(_) | EventKind::TcpRst(_) => {
                let side = if e.dir == Some(Dir::C2s) {
                    "client"
                } else {
                    "server"
                };
                let what = if matches!(e.kind, EventKind::TcpFin(_)) {
                    "FIN"
                } else {
                    "RST"
                };
                push(&mut facts, stream, "teardown", format!("{what}:{side}"));
            }
            EventKind::HttpRequest {
                method,
                target,
                version,
                head_len,
                body_len,
                chunked_overhead,
                ..
            } => {
                let prefix = format!("{method} {target} {version} head {head_len}");
                let line = format!(
                    "{prefix} body {body_len} overhead {}",
                    chunked_overhead.unwrap_or(0)
                );
                push(&mut facts, stream, "http c2s", line);
                let index = facts[&(stream, "http c2s".to_string())].len() - 1;
                last_http.insert((stream, "c2s"), (index, prefix));
            }
            EventKind::HttpResponse {
                status,
                reason,
                version,
                head_len,
                body_len,
                chunked_overhead,
                ..
            } => {
                let prefix = format!("{version} {status} {reason} head {head_len}");
                let line = format!(
                    "{prefix} body {body_len} overhead {} complete true",
                    chunked_overhead.unwrap_or(0)
                );
                push(&mut facts, stream, "http s2c", line);
                let index = facts[&(stream, "http s2c".to_string())].len() - 1;
                last_http.insert((stream, "s2c"), (index, prefix));
            }
            EventKind::HttpBodyEnd {
                body_len,
                complete,
                chunked_overhead,
            } => {
                let (index, prefix) = last_http
                    .get(&(stream, dir))
                    .expect("http_body_end follows its message")
                    .clone();
                let mut line = format!(
                    "{prefix} body {body_len} overhead {}",
                    chunked_overhead.unwrap_or(0)
                );
                if dir == "s2c" {
                    line.push_str(&format!(" complete {complete}"));
                }
                facts
                    .get_mut(&(stream, format!("http {dir}")))
                    .expect("its message's line")[index] = line;
            }
            EventKind::WsFrame {
                fin,
                rsv1,
                rsv2,
                rsv3,
                opcode,
                mask_key,
                payload_len,
                header_len,
                ..
            } => {
                let rsv = u8::from(*rsv1) << 2 | u8::from(*rsv2) << 1 | u8::from(*rsv3);
                let line = format!(
                    "fin {} rsv {rsv} op {opcode} mask {} len {payload_len} hdr {header_len}",
                    u8::from(*fin),
                    mask_key.as_deref().unwrap_or("-")
                );
                let category = format!("frames {dir}");
                if *opcode >= 8 {
                    push(&mut facts, stream, &category, line);
                } else {
                    let pending = pending_fragments.entry((stream, dir)).or_default();
                    pending.push(line);
                    if *fin {
                        for l in std::mem::take(pending) {
                            push(&mut facts, stream, &category, l);
                        }
                    }
                }
            }
            EventKind::WsMessage {
                opcode,
                fragments,
                compressed,
                payload_len,
                text,
                data_b64,
                close_code,
                close_reason,
                ..
            } => {
                let payload: Vec<u8> = match (text, data_b64) {
                    (Some(t), _) => t.as_bytes().to_vec(),
                    (None, Some(d)) => b64.decode(d).expect("our base64"),
                    (None, None) => {
                        // A close message: its payload is the code and reason.
                        let mut p = Vec::new();
                        if let Some(c) = close_code {
                            p.extend_from_slice(&c.to_be_bytes());
                        }
                        p.extend_from_slice(close_reason.as_deref().unwrap_or("").as_bytes());
                        p
                    }
                };
                let sha = hex(&Sha256::digest(&payload));
                let mut line = format!(
                    "op {opcode} frags {fragments} compressed {compressed} len {payload_len} sha {sha}"
                );
                if *opcode == 8 {
                    let code = close_code.map_or("null".to_string(), |c| c.to_string());
                    let reason = close_reason
                        .as_ref()
                        .map_or("null".to_string(), |r| format!("{r:?}"));
                    line.push_str(&format!(" code {code} reason {reason}"));
                }
                push(&mut facts, stream, &format!("messages {dir}"), line);
            }
            EventKind::SseEvent { id, event, data } => push(
                &mut facts,
                stream,
                "sse",
                format!(
                    "id {} event {:?} data {:?}",
                    id.as_ref().map_or("null".to_string(), |i| format!("{i:?}")),
                    event.as_deref().unwrap_or("message"),
                    data
                ),
            ),
            _ => {}
        }
    }
    facts
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn check(name: &str) {
    let path = fixtures().join(format!("{name}.pcap"));
    let (trace, stats) = read_file(&path, false).expect("fixture readable");
    assert_eq!(stats.undecodable, 0, "{name}: every packet decodes");
    let expected = reference(name);
    let actual = ours(&trace);
    let mut problems = Vec::new();
    for key in expected
        .keys()
        .chain(actual.keys())
        .collect::<std::collections::BTreeSet<_>>()
    {
        let (e, a) = (expected.get(key), actual.get(key));
        if e != a {
            problems.push(format!(
                "stream {} {}:\n  expected {:#?}\n  ours     {:#?}",
                key.0,
                key.1,
                e.cloned().unwrap_or_default(),
                a.cloned().unwrap_or_default()
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{name} differs from the reference:\n{}",
        problems.join("\n")
    );
}

#[test]
fn ws_python_echo() {
    check("ws_python_echo");
}

#[test]
fn ws_python_echo_mtu1500() {
    check("ws_python_echo_mtu1500");
}

#[test]
fn ws_fragmented() {
    check("ws_fragmented");
}

#[test]
fn ws_abrupt() {
    check("ws_abrupt");
}

#[test]
fn ws_bad_handshake() {
    check("ws_bad_handshake");
}

#[test]
fn http_short_poll() {
    check("http_short_poll");
}

#[test]
fn http_long_poll() {
    check("http_long_poll");
}

#[test]
fn http_sse() {
    check("http_sse");
}

#[test]
fn ws_python_deflate() {
    check("ws_python_deflate");
}
