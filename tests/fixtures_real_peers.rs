//! Our dissection of real captures from real peers (Python `websockets`, aiohttp, curl) must
//! agree exactly with an independent message-level decoding (`*.messages.jsonl`, see
//! `../shared/fixtures/README.md`), every row kind and field of it: each connection's ports,
//! packet count, bytes per direction, handshake and FIN/RST sequence; the negotiated
//! permessage-deflate parameters (`ws_extension`); every HTTP start line, head and body length,
//! chunk framing and (when the reference decoded it) body; every WebSocket frame's fields,
//! every message's direction, opcode, decoded length and SHA-256, close codes and reasons; SSE
//! events; and the capture time of the frame that completed each PDU. Bodies announced at
//! their head (event streams) take their length, chunk framing and completeness from
//! `http_body_end`. A reference row of a kind this test does not know fails it.
//!
//! The trace must also hold no warning or error diagnostic but those listed per fixture in
//! `known_diagnostics`, each with its reason: a trace full of bogus warnings does not pass.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

use std::collections::BTreeMap;
use std::path::Path;

use pcap_file::pcap::PcapReader;
use sha2::{Digest, Sha256};
use wirelab::capture::file::read_file;
use wirelab::capture::packet::{Decoded, LinkType, decode};
use wirelab::trace::{Dir, EventKind, Severity, Trace};

mod support;
use support::events::message_payload;
use support::facts::{Facts, assert_same_facts, hex, push};
use support::fixtures::{jsonl, shared_dir as fixtures};

/// A warning or error diagnostic a fixture is known to produce, and why it is right.
struct KnownDiagnostic {
    stream: u64,
    dir: Dir,
    severity: Severity,
    message: &'static str,
}

/// The client's or server's 1006 warning: the fixture's peer stopped without a close frame, so
/// the other side reports 1006 (RFC 6455 §7.1.5).
const NO_CLOSE_C2S: &str = "the client stopped sending without a close frame: the closing handshake did not complete, so the server sees the WebSocket connection closed abnormally and reports close code 1006";
const NO_CLOSE_S2C: &str = "the server stopped sending without a close frame: the closing handshake did not complete, so the client sees the WebSocket connection closed abnormally and reports close code 1006";
const REFUSED_400: &str = "the server answered 400 Bad Request instead of 101 Switching Protocols: the upgrade was refused and the connection stays HTTP";

/// Every warning and error diagnostic each fixture must produce, no more (`info` ones are
/// explanations, not findings, and are not listed). The reasons are in
/// `../shared/fixtures/README.md`'s table of fixtures.
fn known_diagnostics(name: &str) -> Vec<KnownDiagnostic> {
    let d = |stream, dir, severity, message| KnownDiagnostic {
        stream,
        dir,
        severity,
        message,
    };
    use Severity::{Error, Warning};
    match name {
        // The client process is SIGKILLed: stream 0 ends with FIN, stream 1 with RST, neither
        // with a close frame; the server then stops too, without one.
        "ws_abrupt" => vec![
            d(0, Dir::C2s, Warning, NO_CLOSE_C2S),
            d(0, Dir::S2c, Warning, NO_CLOSE_S2C),
            d(1, Dir::C2s, Warning, NO_CLOSE_C2S),
            d(1, Dir::S2c, Warning, NO_CLOSE_S2C),
        ],
        // curl sends broken upgrades on purpose: (1) no Sec-WebSocket-Key, (2) version 8,
        // both refused with 400; (4) a valid upgrade that curl abandons with FIN after 1 s,
        // without a close frame (and the server does not send one either).
        "ws_bad_handshake" => vec![
            d(
                1,
                Dir::S2c,
                Error,
                "the request has no Sec-WebSocket-Key header",
            ),
            d(1, Dir::S2c, Warning, REFUSED_400),
            d(
                2,
                Dir::S2c,
                Error,
                "Sec-WebSocket-Version is \"8\"; this protocol version is 13",
            ),
            d(2, Dir::S2c, Warning, REFUSED_400),
            d(4, Dir::C2s, Warning, NO_CLOSE_C2S),
            d(4, Dir::S2c, Warning, NO_CLOSE_S2C),
        ],
        // Every other fixture is a conversation between well-behaved peers.
        _ => Vec::new(),
    }
}

fn diagnostic_line(dir: Dir, severity: Severity, message: &str) -> String {
    format!("{} {severity:?}: {message}", dir.as_str())
}

fn port(addr: &str) -> u16 {
    addr.rsplit_once(':')
        .and_then(|(_, p)| p.parse().ok())
        .expect("ip:port")
}

/// The negotiated permessage-deflate parameters in the server's `Sec-WebSocket-Extensions`
/// answer, written as the reference writes them (parsed here, not by `proto::ws::deflate`,
/// so that a bug there cannot cancel out).
fn deflate_params(negotiated: &[String]) -> Option<String> {
    let offer = negotiated
        .iter()
        .flat_map(|v| v.split(','))
        .find(|e| e.trim().starts_with("permessage-deflate"))?;
    let mut flags = BTreeMap::new();
    let mut bits = BTreeMap::new();
    for param in offer.split(';').skip(1).map(str::trim) {
        match param.split_once('=') {
            Some((k, v)) => bits.insert(k.trim(), v.trim().trim_matches('"').to_string()),
            None => flags.insert(param, true).map(|_| String::new()),
        };
    }
    let flag = |k: &str| flags.get(k).copied().unwrap_or(false);
    let num = |k: &str| bits.get(k).cloned().unwrap_or_else(|| "null".to_string());
    Some(format!(
        "permessage-deflate server_no_context_takeover {} client_no_context_takeover {} server_max_window_bits {} client_max_window_bits {}",
        flag("server_no_context_takeover"),
        flag("client_no_context_takeover"),
        num("server_max_window_bits"),
        num("client_max_window_bits")
    ))
}

/// Packets per connection: every frame of the file, read with the pcap-file crate and
/// decoded with `capture::packet::decode`, counted on the connection with its two ports.
fn packets_per_connection(path: &Path, trace: &Trace) -> BTreeMap<u32, u64> {
    let bytes = std::fs::read(path).expect("fixture readable");
    let mut reader = PcapReader::new(bytes.as_slice()).expect("classic pcap");
    let link = LinkType::from_linktype(u32::from(reader.header().datalink) as i32)
        .expect("a link type we decode");
    let mut counts = BTreeMap::new();
    while let Some(packet) = reader.next_packet() {
        let packet = packet.expect("a whole record");
        let Ok(Decoded::Tcp(p)) = decode(link, &packet.data) else {
            continue;
        };
        let mut these = [p.src.port(), p.dst.port()];
        these.sort_unstable();
        let conn = trace.connections.iter().find(|c| {
            let mut ends = [port(&c.client), port(&c.server)];
            ends.sort_unstable();
            ends == these
        });
        *counts
            .entry(conn.expect("every TCP packet is on a connection").id)
            .or_default() += 1;
    }
    counts
}

/// Each frame's time in microseconds since the first frame, read with the pcap-file crate:
/// `frame` N of the reference (the frame holding a PDU's last byte) was captured at `[N - 1]`.
fn frame_times(path: &Path) -> Vec<i64> {
    let bytes = std::fs::read(path).expect("fixture readable");
    let mut reader = PcapReader::new(bytes.as_slice()).expect("classic pcap");
    let mut times = Vec::new();
    while let Some(packet) = reader.next_packet() {
        let t = packet.expect("a whole record").timestamp;
        times.push(i64::try_from(t.as_micros()).expect("µs fit"));
    }
    let first = times.first().copied().unwrap_or(0);
    times.iter().map(|t| t - first).collect()
}

fn reference(name: &str, times: &[i64]) -> Facts {
    let rows = jsonl(fixtures().join(format!("{name}.messages.jsonl")));
    let mut facts = Facts::new();
    for k in known_diagnostics(name) {
        push(
            &mut facts,
            k.stream,
            "diagnostics",
            diagnostic_line(k.dir, k.severity, k.message),
        );
    }
    for row in rows {
        let stream = row["stream"].as_u64().expect("stream");
        let at = || {
            let frame = row["frame"].as_u64().expect("frame") as usize;
            times[frame - 1]
        };
        match row["kind"].as_str().expect("kind") {
            "tcp_stream" => {
                push(
                    &mut facts,
                    stream,
                    "tcp",
                    format!(
                        "client port {} server port {} packets {} bytes c2s {} s2c {} handshake {}",
                        row["client_port"],
                        row["server_port"],
                        row["packets"],
                        row["c2s_bytes"],
                        row["s2c_bytes"],
                        row["handshake"]
                    ),
                );
                for step in row["teardown"].as_array().expect("teardown") {
                    let step = step.as_str().expect("teardown step");
                    let (what, _) = step.split_once('@').expect("FIN:side@frame");
                    push(&mut facts, stream, "teardown", what.to_string());
                }
            }
            "ws_extension" => {
                let d = &row["permessage_deflate"];
                push(
                    &mut facts,
                    stream,
                    "ws_extension",
                    format!(
                        "permessage-deflate server_no_context_takeover {} client_no_context_takeover {} server_max_window_bits {} client_max_window_bits {}",
                        d["server_no_context_takeover"],
                        d["client_no_context_takeover"],
                        d["server_max_window_bits"],
                        d["client_max_window_bits"]
                    ),
                );
            }
            "http_request" => push(
                &mut facts,
                stream,
                "http c2s",
                format!(
                    "{} at {} head {} body {} overhead {}",
                    row["start_line"].as_str().expect("start"),
                    at(),
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
                    "{} at {} head {} body {} overhead {} complete {}{}",
                    row["start_line"].as_str().expect("start"),
                    at(),
                    row["head_len"],
                    row["body_len"],
                    row["chunked_overhead"].as_u64().unwrap_or(0),
                    row["complete"].as_bool().unwrap_or(true),
                    row["body"].as_str().map_or(String::new(), |b| format!(
                        " body sha {}",
                        hex(&Sha256::digest(b.as_bytes()))
                    ))
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
                    "at {} op {} frags {} compressed {} len {} sha {}",
                    at(),
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
                    "at {} id {} event {} data {}",
                    at(),
                    row["id"],
                    row["event"],
                    row["data"]
                ),
            ),
            other => {
                panic!("{name}: a reference row of kind {other:?} that this test does not compare")
            }
        }
    }
    facts
}

fn ours(trace: &Trace, packets: &BTreeMap<u32, u64>) -> Facts {
    let mut facts = Facts::new();
    // The reference lists frames message by message, in the order messages complete (a ping
    // between two fragments is listed before the message it interrupts): group ours the same.
    let mut pending_fragments: BTreeMap<(u64, &str), Vec<String>> = BTreeMap::new();
    // A response announced at its head gets its body length from the `http_body_end` that
    // follows: remember where its line is and what it starts with.
    let mut last_http: BTreeMap<(u64, &str), (usize, String)> = BTreeMap::new();
    for c in &trace.connections {
        let has = |kind: &str| {
            trace
                .events
                .iter()
                .any(|e| e.conn == Some(c.id) && e.kind.name() == kind)
        };
        let bytes = |dir| trace.stream(c.id, dir).map_or(0, <[u8]>::len);
        push(
            &mut facts,
            u64::from(c.id),
            "tcp",
            format!(
                "client port {} server port {} packets {} bytes c2s {} s2c {} handshake {}",
                port(&c.client),
                port(&c.server),
                packets.get(&c.id).copied().unwrap_or(0),
                bytes(Dir::C2s),
                bytes(Dir::S2c),
                has("tcp_syn") && has("tcp_syn_ack")
            ),
        );
    }
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
                let prefix = format!("{method} {target} {version} at {} head {head_len}", e.t_us);
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
                let prefix = format!("{version} {status} {reason} at {} head {head_len}", e.t_us);
                // The reference gives a body it could decode as text (none of them chunked).
                let body = trace
                    .event_bytes(e)
                    .and_then(|b| b.get(usize::try_from(*head_len).ok()?..))
                    .filter(|b| !b.is_empty() && std::str::from_utf8(b).is_ok())
                    .map_or(String::new(), |b| {
                        format!(" body sha {}", hex(&Sha256::digest(b)))
                    });
                let line = format!(
                    "{prefix} body {body_len} overhead {} complete true{body}",
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
                close_code,
                close_reason,
                ..
            } => {
                let payload = message_payload(&e.kind).expect("a message");
                let sha = hex(&Sha256::digest(&payload));
                let mut line = format!(
                    "at {} op {opcode} frags {fragments} compressed {compressed} len {payload_len} sha {sha}",
                    e.t_us
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
            EventKind::WsExtensions { negotiated, .. } => {
                if let Some(line) = deflate_params(negotiated) {
                    push(&mut facts, stream, "ws_extension", line);
                }
            }
            EventKind::Diagnostic {
                severity, message, ..
            } if *severity >= Severity::Warning => push(
                &mut facts,
                stream,
                "diagnostics",
                diagnostic_line(
                    e.dir.expect("a connection's diagnostic has a direction"),
                    *severity,
                    message,
                ),
            ),
            EventKind::SseEvent {
                id, event, data, ..
            } => push(
                &mut facts,
                stream,
                "sse",
                format!(
                    "at {} id {} event {:?} data {:?}",
                    e.t_us,
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

fn check(name: &str) {
    let path = fixtures().join(format!("{name}.pcap"));
    let (trace, stats) = read_file(&path, true).expect("fixture readable");
    assert_eq!(stats.undecodable, 0, "{name}: every packet decodes");
    let packets = packets_per_connection(&path, &trace);
    assert_eq!(
        packets.values().sum::<u64>(),
        stats.tcp_packets,
        "{name}: read_file's TCP packets"
    );
    assert_same_facts(
        &reference(name, &frame_times(&path)),
        &ours(&trace, &packets),
        &format!("{name} differs from the reference"),
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
