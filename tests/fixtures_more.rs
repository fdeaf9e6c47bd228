//! More real captures (`tests/data/pcap/`, see its README): compressed fragmented messages
//! from Python `websockets` (the case tshark 4.0.17 inflates wrongly) and headless Chromium
//! with permessage-deflate. Our dissection must agree with `F.expected.jsonl`: the messages
//! the generator scripts sent (length, SHA-256 of the inflated payload, close code and
//! reason), each message's fragment count and compressed flag, every frame's fields as tshark
//! reads them, and the HTTP start lines and body lengths.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail

use std::path::PathBuf;

use base64::Engine as _;
use pcap_file::pcap::PcapReader;
use pcap_file::pcapng::{Block, PcapNgReader};
use sha2::{Digest, Sha256};
use wirelab::capture::file::read_file;
use wirelab::trace::{Dir, EventKind, Severity, Trace};

mod support;
use support::events::message_payload;
use support::facts::{Facts, assert_same_facts, hex, push};
use support::fixtures::jsonl;

fn data_dir() -> PathBuf {
    support::fixtures::data_dir("pcap")
}

fn expected(name: &str) -> Facts {
    let mut facts = Facts::new();
    for row in jsonl(data_dir().join(format!("{name}.expected.jsonl"))) {
        let stream = row["stream"].as_u64().unwrap();
        let dir = row["dir"].as_str().unwrap_or("-");
        match row["kind"].as_str().unwrap() {
            "http_request" => push(
                &mut facts,
                stream,
                "http c2s",
                row["start_line"].as_str().unwrap().to_string(),
            ),
            "http_response" => push(
                &mut facts,
                stream,
                "http s2c",
                format!(
                    "{} {} body {}",
                    row["version"].as_str().unwrap(),
                    row["status"],
                    row["body_len"].as_u64().unwrap_or(0)
                ),
            ),
            "ws_frame" => push(
                &mut facts,
                stream,
                &format!("frames {dir}"),
                format!(
                    "fin {} rsv {} op {} mask {} len {}",
                    row["fin"],
                    row["rsv"],
                    row["opcode"],
                    row["mask"].as_str().unwrap_or("-"),
                    row["len"]
                ),
            ),
            "ws_message" => push(
                &mut facts,
                stream,
                &format!("data {dir}"),
                format!(
                    "op {} frags {} compressed {} len {} sha {}",
                    row["opcode"],
                    row["n_fragments"],
                    row["compressed"],
                    row["payload_len"],
                    row["sha256"].as_str().unwrap()
                ),
            ),
            "ws_control" => {
                let mut line = format!(
                    "op {} len {} sha {}",
                    row["opcode"],
                    row["payload_len"],
                    row["sha256"].as_str().unwrap()
                );
                if let Some(code) = row["close_code"].as_u64() {
                    line.push_str(&format!(
                        " code {code} reason {:?}",
                        row["close_reason"].as_str().unwrap()
                    ));
                }
                push(&mut facts, stream, &format!("control {dir}"), line);
            }
            other => panic!("unknown row kind {other}"),
        }
    }
    facts
}

fn ours(trace: &Trace) -> Facts {
    let mut facts = Facts::new();
    for e in &trace.events {
        let Some(stream) = e.conn.map(u64::from) else {
            continue;
        };
        let dir = e.dir.map_or("-", Dir::as_str);
        match &e.kind {
            EventKind::HttpRequest {
                method,
                target,
                version,
                ..
            } => push(
                &mut facts,
                stream,
                "http c2s",
                format!("{method} {target} {version}"),
            ),
            EventKind::HttpResponse {
                status,
                version,
                body_len,
                ..
            } => push(
                &mut facts,
                stream,
                "http s2c",
                format!("{version} {status} body {body_len}"),
            ),
            EventKind::HttpBodyEnd { body_len, .. } => {
                let line = facts
                    .get_mut(&(stream, "http s2c".to_string()))
                    .and_then(|l| l.last_mut())
                    .expect("a body end follows its response");
                let head = line.split(" body ").next().unwrap().to_string();
                *line = format!("{head} body {body_len}");
            }
            EventKind::WsFrame {
                fin,
                rsv1,
                rsv2,
                rsv3,
                opcode,
                mask_key,
                payload_len,
                ..
            } => {
                let rsv = u8::from(*rsv1) << 2 | u8::from(*rsv2) << 1 | u8::from(*rsv3);
                push(
                    &mut facts,
                    stream,
                    &format!("frames {dir}"),
                    format!(
                        "fin {} rsv {rsv} op {opcode} mask {} len {payload_len}",
                        u8::from(*fin),
                        mask_key.as_deref().unwrap_or("-")
                    ),
                );
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
                assert_eq!(payload.len() as u64, *payload_len, "decoded length");
                let sha = hex(&Sha256::digest(&payload));
                if *opcode >= 8 {
                    let mut line = format!("op {opcode} len {payload_len} sha {sha}");
                    if let Some(code) = close_code {
                        line.push_str(&format!(
                            " code {code} reason {:?}",
                            close_reason.as_deref().unwrap_or("")
                        ));
                    }
                    push(&mut facts, stream, &format!("control {dir}"), line);
                } else {
                    push(
                        &mut facts,
                        stream,
                        &format!("data {dir}"),
                        format!(
                            "op {opcode} frags {fragments} compressed {compressed} len {payload_len} sha {sha}"
                        ),
                    );
                }
            }
            _ => {}
        }
    }
    facts
}

fn check(name: &str) -> Trace {
    check_file(name, &format!("{name}.pcap"))
}

/// Compares the dissection of `file` with `{name}.expected.jsonl`.
fn check_file(name: &str, file: &str) -> Trace {
    let (trace, stats) = read_file(&data_dir().join(file), false).unwrap();
    assert_eq!(stats.undecodable, 0, "{name}: every packet decodes");
    assert_eq!(
        stats.packets, stats.tcp_packets,
        "{name}: only TCP was captured"
    );
    assert_same_facts(
        &expected(name),
        &ours(&trace),
        &format!("{name} differs from what was sent"),
    );
    // Nothing here is wrong on the wire: no warnings or errors.
    let bad: Vec<_> = trace
        .events
        .iter()
        .filter(|e| {
            matches!(&e.kind, EventKind::Diagnostic { severity, .. } if *severity >= Severity::Warning)
        })
        .collect();
    assert!(bad.is_empty(), "{name}: {bad:#?}");
    trace
}

#[test]
fn ws_fragmented_deflate() {
    let trace = check("ws_fragmented_deflate");
    // The continuation frames carry RSV1 = 0 and the message is still compressed as a whole.
    let sizes: Vec<(u64, Option<u64>)> = trace
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::WsMessage {
                opcode: 1,
                payload_len,
                wire_payload_len,
                ..
            } if e.dir == Some(Dir::C2s) => Some((*payload_len, *wire_payload_len)),
            _ => None,
        })
        .collect();
    assert_eq!(sizes.len(), 3);
    assert_eq!(sizes[0].0, 24);
    assert!(sizes.iter().all(|(_, wire)| wire.is_some()));
    assert!(
        sizes[1].1.unwrap() < 900 / 10,
        "900 repeated bytes compress well"
    );
}

#[test]
fn ws_chromium() {
    check("ws_chromium");
}

// ------------------------------------------------------------------ link types and formats
// Made by `tests/data/pcap/gen_linktypes.py` (real captures) and `derive.py` (the link types
// Linux cannot capture, by replacing only the link header of a real capture).

/// The file format and LINKTYPE_ of a capture, read with the pcap-file crate (classic pcap in
/// either byte order, or the first interface description block of a pcapng file).
fn format_and_link_type(file: &str) -> (&'static str, u32) {
    let bytes = std::fs::read(data_dir().join(file)).unwrap();
    if bytes.starts_with(&[0x0a, 0x0d, 0x0d, 0x0a]) {
        let mut reader = PcapNgReader::new(bytes.as_slice()).unwrap();
        while let Some(block) = reader.next_block() {
            if let Block::InterfaceDescription(idb) = block.unwrap() {
                return ("pcapng", u32::from(idb.linktype));
            }
        }
        panic!("{file}: no interface");
    }
    let header = PcapReader::new(bytes.as_slice()).unwrap().header();
    let format = match header.endianness {
        pcap_file::Endianness::Little => "pcap-le",
        pcap_file::Endianness::Big => "pcap-be",
    };
    (format, u32::from(header.datalink))
}

/// Checks a capture of `gen_linktypes.py` or `derive.py`: its format, link type and packet
/// count, its dissection against `{name}.expected.jsonl`, and that the one connection has
/// the expected addresses.
fn check_link(name: &str, file: &str, format: &str, link: u32, packets: u64, ip: &str) -> Trace {
    assert_eq!(format_and_link_type(file), (format, link), "{file}");
    let stats = read_file(&data_dir().join(file), false).unwrap().1;
    assert_eq!(stats.packets, packets, "{file}");
    let trace = check_file(name, file);
    assert_eq!(trace.connections.len(), 1);
    let c = &trace.connections[0];
    let server_ip = c.server.rsplit_once(':').unwrap().0;
    let client_ip = c.client.rsplit_once(':').unwrap().0;
    assert_eq!((client_ip, server_ip), (ip, ip), "{file}: {c:?}");
    let kinds: Vec<&str> = trace
        .events
        .iter()
        .map(|e| e.kind.name())
        .filter(|k| k.starts_with("tcp_"))
        .collect();
    assert_eq!(
        kinds,
        [
            "tcp_syn",
            "tcp_syn_ack",
            "tcp_ack",
            "tcp_fin",
            "tcp_fin",
            "tcp_ack"
        ],
        "{file}"
    );
    trace
}

#[test]
fn ipv6_on_ethernet() {
    check_link("ws_ipv6", "ws_ipv6.pcap", "pcap-le", 1, 32, "[::1]");
}

#[test]
fn linux_sll() {
    check_link("ws_sll", "ws_sll.pcap", "pcap-le", 113, 28, "127.0.0.1");
}

#[test]
fn linux_sll2_ipv6() {
    check_link(
        "ws_sll2_ipv6",
        "ws_sll2_ipv6.pcap",
        "pcap-le",
        276,
        28,
        "[::1]",
    );
}

#[test]
fn pcapng_from_dumpcap_with_deflate() {
    let trace = check_link(
        "ws_deflate",
        "ws_deflate.pcapng",
        "pcapng",
        1,
        43,
        "127.0.0.1",
    );
    // 65536 random bytes: the smallest payload with a 64-bit length, and incompressible, so
    // the compressed frame (RSV1) needs the 64-bit length too.
    let big: Vec<(Option<Dir>, Option<u64>)> = trace
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::WsMessage {
                payload_len: 65536,
                compressed: true,
                wire_payload_len,
                ..
            } => Some((e.dir, *wire_payload_len)),
            _ => None,
        })
        .collect();
    assert_eq!(
        big,
        [(Some(Dir::C2s), Some(65699)), (Some(Dir::S2c), Some(65699))]
    );
}

#[test]
fn null_little_endian_derived() {
    check_link(
        "ws_null_le",
        "ws_null_le.pcap",
        "pcap-le",
        0,
        28,
        "127.0.0.1",
    );
}

#[test]
fn null_big_endian_ipv6_derived() {
    check_link(
        "ws_null_be_ipv6",
        "ws_null_be_ipv6.pcap",
        "pcap-be",
        0,
        32,
        "[::1]",
    );
}

#[test]
fn raw_ipv4_derived() {
    check_link("ws_raw", "ws_raw.pcap", "pcap-le", 101, 28, "127.0.0.1");
}

#[test]
fn raw_ipv6_derived() {
    check_link(
        "ws_raw_ipv6",
        "ws_raw_ipv6.pcap",
        "pcap-le",
        101,
        32,
        "[::1]",
    );
}

// ------------------------------------------------------------------ damaged captures
// Made by `tests/data/pcap/derive.py` from the shared real-peer fixtures, whose intact
// dissection `tests/fixtures_real_peers.rs` checks against an independent decoding: the
// damaged capture must dissect like the intact one except where the bytes are missing.

fn shared(name: &str) -> Trace {
    let path = support::fixtures::shared_dir().join(format!("{name}.pcap"));
    read_file(&path, false).unwrap().0
}

fn derived(name: &str) -> Trace {
    read_file(&data_dir().join(format!("{name}.pcap")), false)
        .unwrap()
        .0
}

/// (dir, opcode, payload_len, text or base64)
fn ws_messages(trace: &Trace, dir: Dir) -> Vec<(u8, u64, String)> {
    trace
        .events
        .iter()
        .filter(|e| e.dir == Some(dir))
        .filter_map(|e| match &e.kind {
            EventKind::WsMessage {
                opcode,
                payload_len,
                text,
                data_b64,
                close_code,
                ..
            } => Some((
                *opcode,
                *payload_len,
                format!("{text:?} {data_b64:?} {close_code:?}"),
            )),
            _ => None,
        })
        .collect()
}

fn problems(trace: &Trace) -> Vec<(Severity, String)> {
    trace
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Diagnostic {
                severity, message, ..
            } if *severity >= Severity::Warning
                && !message.contains("middle of this connection") =>
            {
                Some((*severity, message.clone()))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn lost_segment_inside_a_frame_payload() {
    let intact = shared("ws_python_echo_mtu1500");
    let damaged = derived("ws_echo_mtu1500_lost_segment");
    assert_eq!(
        ws_messages(&damaged, Dir::S2c),
        ws_messages(&intact, Dir::S2c)
    );
    let (want, got) = (
        ws_messages(&intact, Dir::C2s),
        ws_messages(&damaged, Dir::C2s),
    );
    assert_eq!(got.len(), want.len());
    let big = want.iter().position(|m| m.1 == 70000).unwrap();
    for (i, (w, g)) in want.iter().zip(&got).enumerate() {
        if i != big {
            assert_eq!(w, g);
        }
    }
    // The damaged message keeps its length on the wire; its recorded bytes are shown as is.
    let msg = damaged
        .events
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::WsMessage {
                payload_len: 70000,
                data_b64: Some(d),
                ..
            } if e.dir == Some(Dir::C2s) => Some(d.clone()),
            _ => None,
        })
        .unwrap();
    let b64 = base64::engine::general_purpose::STANDARD;
    assert_eq!(b64.decode(msg).unwrap().len(), 70000 - 1448);
    let p = problems(&damaged);
    assert_eq!(p.len(), 2, "{p:#?}");
    assert!(p[0].1.contains("1448 bytes missing"));
    assert!(p[1].1.contains("payload bytes of this frame are missing"));
}

#[test]
fn lost_frame_resynchronises_on_the_next_header() {
    let intact = shared("ws_python_echo");
    let damaged = derived("ws_echo_lost_frame");
    assert_eq!(
        ws_messages(&damaged, Dir::S2c),
        ws_messages(&intact, Dir::S2c)
    );
    let mut want = ws_messages(&intact, Dir::C2s);
    want.retain(|m| m.1 != 125);
    assert_eq!(ws_messages(&damaged, Dir::C2s), want);
    let p = problems(&damaged);
    assert_eq!(p.len(), 2, "{p:#?}");
    assert!(damaged.events.iter().any(|e| matches!(&e.kind,
        EventKind::Diagnostic { severity: Severity::Info, message, .. } if message.contains("resynchronised"))));
}

#[test]
fn mid_connection_capture_with_the_roles_guessed_wrong() {
    let http = |trace: &Trace| -> Vec<(Option<Dir>, String)> {
        trace
            .events
            .iter()
            .filter(|e| {
                matches!(
                    e.kind,
                    EventKind::HttpRequest { .. } | EventKind::HttpResponse { .. }
                )
            })
            .map(|e| {
                (
                    e.dir,
                    wirelab::trace::describe::summary(e, wirelab::lang::Lang::En),
                )
            })
            .collect()
    };
    let intact = shared("http_long_poll");
    let swapped = derived("http_long_poll_midstream");
    let want: Vec<_> = http(&intact)
        .into_iter()
        .map(|(d, s)| (d.map(Dir::reverse), s))
        .collect();
    assert_eq!(want.len(), 12);
    assert_eq!(http(&swapped), want);
    let p = problems(&swapped);
    assert_eq!(p.len(), 1, "{p:#?}");
    assert!(p[0].1.contains("roles are swapped"));
}
