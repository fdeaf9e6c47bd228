//! permessage-deflate (RFC 7692) through the connection dissector: the RFC's own examples,
//! messages compressed here with flate2 (context takeover or not, fragmented with RSV1 on
//! the first frame only, masked), and broken input: a corrupt stream, a decompression bomb,
//! RSV1 where it is not allowed. Every input is also fed in pieces of 1..=7 bytes.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail

use flate2::{Compress, Compression, FlushCompress};
use wirelab::trace::{Dir, Event, EventKind, Severity};

mod support;
use support::dissect::{dissect, run};
use support::events::diagnostics;
use support::ws_wire::frame;

/// Diagnostics other than the end of an unclosed WebSocket connection.
fn problems(events: &[Event]) -> Vec<(Severity, String, Option<String>)> {
    diagnostics(events)
        .into_iter()
        .filter(|(_, message, _)| !message.contains("without a close frame"))
        .collect()
}

const KEY_HEADERS: &str = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";

fn upgrade(offer: &str) -> Vec<u8> {
    format!(
        "GET /chat HTTP/1.1\r\nHost: x\r\n{KEY_HEADERS}Sec-WebSocket-Extensions: {offer}\r\n\r\n"
    )
    .into_bytes()
}

fn switch(answer: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Extensions: {answer}\r\n\r\n"
    )
    .into_bytes()
}

/// Compresses one message as a permessage-deflate sender does (RFC 7692 §7.2.1): a sync
/// flush, then the trailing 00 00 ff ff removed. Keeping `c` between messages is context
/// takeover.
fn compress(c: &mut Compress, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 64);
    let start = c.total_in();
    loop {
        let done = (c.total_in() - start) as usize;
        c.compress_vec(&data[done..], &mut out, FlushCompress::Sync)
            .unwrap();
        if out.len() < out.capacity() {
            break;
        }
        out.reserve(out.capacity());
    }
    assert!(out.ends_with(&[0, 0, 0xff, 0xff]));
    out.truncate(out.len() - 4);
    out
}

/// Compresses with a fresh compressor (no context takeover).
fn compress_alone(data: &[u8]) -> Vec<u8> {
    compress(&mut Compress::new(Compression::default(), false), data)
}

/// (dir, opcode, fragments, compressed, payload_len, wire_payload_len, text)
type Msg = (Dir, u8, u32, bool, u64, Option<u64>, Option<String>);

fn messages(events: &[Event]) -> Vec<Msg> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::WsMessage {
                opcode,
                fragments,
                compressed,
                payload_len,
                wire_payload_len,
                text,
                ..
            } => Some((
                e.dir.unwrap(),
                *opcode,
                *fragments,
                *compressed,
                *payload_len,
                *wire_payload_len,
                text.clone(),
            )),
            _ => None,
        })
        .collect()
}

const MASK: Option<[u8; 4]> = Some([0x37, 0xfa, 0x21, 0x3d]);

#[test]
fn rfc7692_examples() {
    // §7.2.3.1 "Hello" in one frame, the same split over two frames (RSV1 on the first only),
    // then §7.2.3.2: "Hello" again referring back into the shared window.
    let mut s2c = switch("permessage-deflate");
    s2c.extend_from_slice(&[0xc1, 0x07, 0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00]);
    s2c.extend_from_slice(&[0x41, 0x03, 0xf2, 0x48, 0xcd]);
    s2c.extend_from_slice(&[0x80, 0x04, 0xc9, 0xc9, 0x07, 0x00]);
    s2c.extend_from_slice(&[0xc1, 0x05, 0xf2, 0x00, 0x11, 0x00, 0x00]);
    // §7.2.3.3 a stored block, §7.2.3.5 two blocks in one message: all "Hello".
    s2c.extend_from_slice(&[
        0xc1, 0x0b, 0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00,
    ]);
    let events = dissect(&[(Dir::C2s, &upgrade("permessage-deflate")), (Dir::S2c, &s2c)]);
    let hello = Some("Hello".to_string());
    assert_eq!(
        messages(&events),
        [
            (Dir::S2c, 1, 1, true, 5, Some(7), hello.clone()),
            // The fragmented message is one compressed stream: 3 + 4 bytes.
            (Dir::S2c, 1, 2, true, 5, Some(7), hello.clone()),
            (Dir::S2c, 1, 1, true, 5, Some(5), hello.clone()),
            (Dir::S2c, 1, 1, true, 5, Some(11), hello),
        ]
    );
    assert!(problems(&events).is_empty(), "{:#?}", problems(&events));
}

#[test]
fn both_directions_with_and_without_context_takeover() {
    let text = "{\"type\":\"quote\",\"symbol\":\"ACME\",\"price\":100.25}";
    // The client resets its window per message; the server keeps it.
    let mut c2s = upgrade("permessage-deflate; client_no_context_takeover");
    let mut s2c = switch("permessage-deflate; client_no_context_takeover");
    let mut server = Compress::new(Compression::default(), false);
    for _ in 0..3 {
        c2s.extend(frame(true, true, 1, &compress_alone(text.as_bytes()), MASK));
        s2c.extend(frame(
            true,
            true,
            1,
            &compress(&mut server, text.as_bytes()),
            None,
        ));
    }
    // A compressed binary message in three fragments, RSV1 on the first only.
    let blob: Vec<u8> = (0..3000u32).map(|i| (i % 251) as u8).collect();
    let z = compress_alone(&blob);
    let third = z.len() / 3;
    c2s.extend(frame(false, true, 2, &z[..third], MASK));
    // A ping between fragments is never compressed.
    c2s.extend(frame(true, false, 9, b"ping", MASK));
    c2s.extend(frame(false, false, 0, &z[third..2 * third], MASK));
    c2s.extend(frame(true, false, 0, &z[2 * third..], MASK));
    let events = dissect(&[(Dir::C2s, &c2s), (Dir::S2c, &s2c)]);
    let msgs = messages(&events);
    let texts: Vec<_> = msgs.iter().filter(|m| m.1 == 1).collect();
    assert_eq!(texts.len(), 6);
    for m in &texts {
        assert_eq!(m.6.as_deref(), Some(text));
        assert_eq!(m.4, text.len() as u64);
        assert!(m.3);
    }
    // Context takeover: the server's later copies are much smaller on the wire.
    let server_wire: Vec<u64> = texts
        .iter()
        .filter(|m| m.0 == Dir::S2c)
        .map(|m| m.5.unwrap())
        .collect();
    assert!(server_wire[1] < server_wire[0] / 2, "{server_wire:?}");
    let client_wire: Vec<u64> = texts
        .iter()
        .filter(|m| m.0 == Dir::C2s)
        .map(|m| m.5.unwrap())
        .collect();
    assert_eq!(client_wire[0], client_wire[2]);
    let ping = msgs.iter().find(|m| m.1 == 9).unwrap();
    assert_eq!((ping.3, ping.4, ping.5), (false, 4, None));
    let bin = msgs.iter().find(|m| m.1 == 2).unwrap();
    assert_eq!(
        (bin.2, bin.3, bin.4, bin.5),
        (3, true, 3000, Some(z.len() as u64))
    );
    assert!(problems(&events).is_empty(), "{:#?}", problems(&events));
}

#[test]
fn corrupt_stream_is_reported_and_later_messages_are_still_tried() {
    let mut s2c = switch("permessage-deflate; server_no_context_takeover");
    s2c.extend(frame(true, true, 1, &[0xff, 0xff, 0xff, 0xff, 0x01], None));
    s2c.extend(frame(true, true, 1, &compress_alone(b"after"), None));
    let events = dissect(&[(Dir::C2s, &upgrade("permessage-deflate")), (Dir::S2c, &s2c)]);
    let msgs = messages(&events);
    assert_eq!(msgs.len(), 2);
    // Shown as sent: wire length, no text.
    assert_eq!(
        (msgs[0].4, msgs[0].5, msgs[0].6.clone()),
        (5, Some(5), None)
    );
    assert_eq!(msgs[1].6.as_deref(), Some("after"));
    let p = problems(&events);
    assert_eq!(p.len(), 1, "{p:#?}");
    assert_eq!(p[0].0, Severity::Error);
    assert!(p[0].1.contains("could not be inflated"), "{}", p[0].1);
    assert_eq!(p[0].2.as_deref(), Some("RFC 7692 §7.2.2"));
}

#[test]
fn decompression_bomb_is_capped() {
    // 80 MiB of zeros compress to about 80 KB; the cap is 64 MiB per message.
    let zeros = vec![0u8; 80 << 20];
    let bomb = compress_alone(&zeros);
    drop(zeros);
    assert!(bomb.len() < 200_000);
    let mut s2c = switch("permessage-deflate");
    s2c.extend(frame(true, true, 2, &bomb, None));
    s2c.extend(frame(true, true, 1, &compress_alone(b"still here"), None));
    let events = run(
        &[(Dir::C2s, &upgrade("permessage-deflate")), (Dir::S2c, &s2c)],
        usize::MAX,
    );
    let msgs = messages(&events);
    assert_eq!(msgs[0].4, bomb.len() as u64, "shown as sent");
    assert_eq!(msgs[1].6.as_deref(), Some("still here"));
    let p = problems(&events);
    assert_eq!(p.len(), 1, "{p:#?}");
    assert!(p[0].1.contains("decompression bomb"), "{}", p[0].1);
}

#[test]
fn rsv1_where_it_is_not_allowed() {
    // RSV1 on a continuation frame and on a control frame (RFC 7692 §6.1), and RSV1 with no
    // extension negotiated (RFC 6455 §5.2): reported; no inflation without the extension.
    let z = compress_alone(b"Hello");
    let mut s2c = switch("permessage-deflate");
    s2c.extend(frame(false, true, 1, &z[..2], None));
    s2c.extend(frame(true, true, 0, &z[2..], None));
    s2c.extend(frame(true, true, 9, b"", None));
    let events = dissect(&[(Dir::C2s, &upgrade("permessage-deflate")), (Dir::S2c, &s2c)]);
    let msgs = messages(&events);
    assert_eq!(msgs[0].6.as_deref(), Some("Hello"));
    let rules: Vec<_> = problems(&events).into_iter().map(|p| p.2).collect();
    assert_eq!(
        rules,
        [
            Some("RFC 7692 §6".to_string()),
            Some("RFC 7692 §6".to_string())
        ]
    );

    let plain = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
    let mut s2c = plain.to_vec();
    s2c.extend(frame(true, true, 1, &z, None));
    let events = dissect(&[(Dir::C2s, &upgrade("permessage-deflate")), (Dir::S2c, &s2c)]);
    let msgs = messages(&events);
    assert_eq!(
        (msgs[0].3, msgs[0].4, msgs[0].5, msgs[0].6.clone()),
        (true, z.len() as u64, None, None)
    );
    let rules: Vec<_> = problems(&events).into_iter().map(|p| p.2).collect();
    assert_eq!(rules, [Some("RFC 6455 §5.2".to_string())]);
}

#[test]
fn bad_parameter_is_reported_and_inflation_still_tried() {
    let mut s2c = switch("permessage-deflate; server_max_window_bits=99");
    s2c.extend(frame(true, true, 1, &compress_alone(b"ok"), None));
    let events = dissect(&[(Dir::C2s, &upgrade("permessage-deflate")), (Dir::S2c, &s2c)]);
    assert_eq!(messages(&events)[0].6.as_deref(), Some("ok"));
    let p = problems(&events);
    assert_eq!(p.len(), 1, "{p:#?}");
    assert_eq!(p[0].2.as_deref(), Some("RFC 7692 §7.1.2"));
}

/// Two copies of `text`, the second compressed with the first still in the window: it refers
/// back into it (a few bytes on the wire instead of the whole text).
fn second_refers_back(text: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let mut c = Compress::new(Compression::default(), false);
    let first = compress(&mut c, text);
    let second = compress(&mut c, text);
    assert!(
        second.len() * 4 < first.len(),
        "{} vs {}",
        second.len(),
        first.len()
    );
    (first, second)
}

#[test]
fn no_context_takeover_rejects_a_message_that_refers_back() {
    let text = b"{\"type\":\"quote\",\"symbol\":\"ACME\",\"price\":100.25,\"volume\":1017}";
    let (first, second) = second_refers_back(text);
    // Each direction under its own `*_no_context_takeover`, and once without: the same bytes.
    for (answer, dir) in [
        ("permessage-deflate; client_no_context_takeover", Dir::C2s),
        ("permessage-deflate; server_no_context_takeover", Dir::S2c),
        ("permessage-deflate", Dir::C2s),
    ] {
        let key = (dir == Dir::C2s).then_some(MASK).flatten();
        let mut c2s = upgrade("permessage-deflate; client_no_context_takeover");
        let mut s2c = switch(answer);
        let out = if dir == Dir::C2s { &mut c2s } else { &mut s2c };
        out.extend(frame(true, true, 1, &first, key));
        out.extend(frame(true, true, 1, &second, key));
        let events = dissect(&[(Dir::C2s, &c2s), (Dir::S2c, &s2c)]);
        let msgs = messages(&events);
        assert_eq!(msgs.len(), 2, "{answer}: {msgs:?}");
        assert_eq!(
            msgs[0].6.as_deref(),
            Some(std::str::from_utf8(text).unwrap())
        );
        if answer == "permessage-deflate" {
            // Context takeover: referring back is what it is for.
            assert_eq!(msgs[1].6, msgs[0].6, "{answer}");
            assert!(problems(&events).is_empty(), "{:#?}", problems(&events));
            continue;
        }
        // The window was emptied before the second message (RFC 7692 §7.1.1.1/§7.1.1.2), so
        // its back-reference points at nothing: shown as sent, with the reason.
        assert_eq!(
            (msgs[1].4, msgs[1].5, msgs[1].6.clone()),
            (second.len() as u64, Some(second.len() as u64), None),
            "{answer}"
        );
        assert_eq!(
            problems(&events),
            [(
                Severity::Error,
                "compressed message could not be inflated: compressed data is not valid \
                 DEFLATE: deflate decompression error: invalid distance too far back; it is \
                 shown as sent"
                    .to_string(),
                Some("RFC 7692 §7.2.2".to_string())
            )],
            "{answer}"
        );
    }
}

/// A real capture with both `*_no_context_takeover` negotiated (Python `websockets`, see
/// `tests/data/pcap/README.md`), checked against its independent decoding
/// (`F.expected.jsonl`: message lengths and SHA-256s from what the script sent, frames as
/// tshark reads them) and the negotiation as sent.
#[test]
fn real_capture_with_no_context_takeover_both_ways() {
    use base64::Engine as _;
    use sha2::{Digest as _, Sha256};
    use std::collections::BTreeMap;
    let dir = support::fixtures::data_dir("pcap");
    let name = "ws_deflate_no_context_takeover";
    let (trace, stats) =
        wirelab::capture::file::read_file(&dir.join(format!("{name}.pcap")), false).unwrap();
    assert_eq!((stats.packets, stats.undecodable), (34, 0));
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();

    // The independent decoding, per (direction, category), in wire order.
    let mut want: BTreeMap<(String, &str), Vec<String>> = BTreeMap::new();
    for v in support::fixtures::jsonl(dir.join(format!("{name}.expected.jsonl"))) {
        let kind = v["kind"].as_str().unwrap();
        let d = match kind {
            "http_request" => "c2s",
            "http_response" => "s2c",
            _ => v["dir"].as_str().unwrap(),
        }
        .to_string();
        let (category, fact) = match kind {
            "http_request" => ("http", v["start_line"].as_str().unwrap().to_string()),
            "http_response" => (
                "http",
                format!("{} {}", v["version"].as_str().unwrap(), v["status"]),
            ),
            "ws_frame" => (
                "frame",
                format!(
                    "fin {} rsv {} op {} mask {} len {}",
                    v["fin"],
                    v["rsv"],
                    v["opcode"],
                    v["mask"].as_str().unwrap_or("-"),
                    v["len"]
                ),
            ),
            "ws_message" => (
                "data",
                format!(
                    "op {} frags {} compressed {} len {} sha {}",
                    v["opcode"],
                    v["n_fragments"],
                    v["compressed"],
                    v["payload_len"],
                    v["sha256"].as_str().unwrap()
                ),
            ),
            "ws_control" => (
                "control",
                format!(
                    "op {} len {} sha {}",
                    v["opcode"],
                    v["payload_len"],
                    v["sha256"].as_str().unwrap()
                ),
            ),
            other => panic!("{name}: unexpected row kind {other}"),
        };
        want.entry((d, category)).or_default().push(fact);
    }
    // Ours, the same way.
    let mut got: BTreeMap<(String, &str), Vec<String>> = BTreeMap::new();
    let mut extensions = None;
    let mut data_wire = Vec::new();
    for e in &trace.events {
        let d = e.dir.map_or("-", Dir::as_str).to_string();
        let (category, fact) = match &e.kind {
            EventKind::HttpRequest {
                method,
                target,
                version,
                ..
            } => ("http", format!("{method} {target} {version}")),
            EventKind::HttpResponse {
                version, status, ..
            } => ("http", format!("{version} {status}")),
            EventKind::WsExtensions {
                offered,
                negotiated,
            } => {
                extensions = Some((offered.clone(), negotiated.clone()));
                continue;
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
            } => (
                "frame",
                format!(
                    "fin {} rsv {} op {opcode} mask {} len {payload_len}",
                    u8::from(*fin),
                    u8::from(*rsv1) << 2 | u8::from(*rsv2) << 1 | u8::from(*rsv3),
                    mask_key.as_deref().unwrap_or("-")
                ),
            ),
            EventKind::WsMessage {
                opcode,
                fragments,
                compressed,
                payload_len,
                wire_payload_len,
                text,
                data_b64,
                close_code,
                close_reason,
            } => {
                let payload: Vec<u8> = match (opcode, text, data_b64) {
                    (8, _, _) => close_code
                        .map(|c| {
                            let mut p = c.to_be_bytes().to_vec();
                            p.extend_from_slice(close_reason.as_deref().unwrap_or("").as_bytes());
                            p
                        })
                        .unwrap_or_default(),
                    (_, Some(t), _) => t.as_bytes().to_vec(),
                    (_, None, Some(b)) => {
                        base64::engine::general_purpose::STANDARD.decode(b).unwrap()
                    }
                    (_, None, None) => Vec::new(),
                };
                assert_eq!(payload.len() as u64, *payload_len, "{e:?}");
                let sha = hex(&Sha256::digest(&payload));
                if *opcode >= 8 {
                    (
                        "control",
                        format!("op {opcode} len {payload_len} sha {sha}"),
                    )
                } else {
                    data_wire.push((d.clone(), *payload_len, *wire_payload_len));
                    (
                        "data",
                        format!(
                            "op {opcode} frags {fragments} compressed {compressed} len {payload_len} sha {sha}"
                        ),
                    )
                }
            }
            EventKind::Diagnostic {
                severity, message, ..
            } => {
                assert!(*severity < Severity::Warning, "{name}: {message}");
                continue;
            }
            _ => continue,
        };
        got.entry((d, category)).or_default().push(fact);
    }
    assert_eq!(got, want, "{name}: ours vs the independent decoding");
    assert_eq!(
        extensions,
        Some((
            vec![
                "permessage-deflate; server_no_context_takeover; client_no_context_takeover; \
                 client_max_window_bits"
                    .to_string()
            ],
            vec![
                "permessage-deflate; server_no_context_takeover; client_no_context_takeover"
                    .to_string()
            ]
        ))
    );
    // No context takeover, as negotiated: the second "Hello, no context takeover!" (27 B)
    // costs as many bytes on the wire as the first, each way.
    for d in ["c2s", "s2c"] {
        let hello: Vec<Option<u64>> = data_wire
            .iter()
            .filter(|(dd, len, _)| dd == d && *len == 27)
            .map(|(_, _, wire)| *wire)
            .collect();
        assert_eq!(hello, [Some(29), Some(29)], "{d}");
    }
}
