//! Bytes missing from a capture, and captures that start mid-connection with the roles
//! guessed wrong. A gap inside a body or payload of known length is counted and dissection
//! goes on; elsewhere HTTP resynchronises on the next request or status line and WebSocket on
//! the next plausible frame header. Every script is also fed in pieces of 1..=7 bytes (the
//! gap stays where it is); the events must not change.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail

use chrono::Utc;
use wirelab::dissect::TraceBuilder;
use wirelab::trace::{Dir, Event, EventKind, Severity, Source, StreamSpan};

mod support;
use Step::{Data, Gap};
use support::dissect::{Dissection, Start, Step};
use support::events::{diagnostics, kinds};
use support::ws_wire::{SWITCH, UPGRADE};

/// `script` on connection 0, whole and in pieces of 1..=7 bytes: identical events.
fn dissect(script: &[Step<'_>]) -> Vec<Event> {
    Dissection::on(0).dissect(script)
}

/// `script` on connection 0 joined mid-connection, whole and in pieces of 1..=7 bytes:
/// identical events.
/// (severity, message) of every diagnostic.
fn diags(events: &[Event]) -> Vec<(Severity, String)> {
    diagnostics(events)
        .into_iter()
        .map(|(severity, message, _)| (severity, message))
        .collect()
}

fn dissect_mid(script: &[Step<'_>]) -> Vec<Event> {
    Dissection {
        conn: 0,
        start: Start::MidConnection,
    }
    .dissect(script)
}

/// (dir, start line, body_len, span)
fn http(events: &[Event]) -> Vec<(Dir, String, u64, StreamSpan)> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::HttpRequest {
                method,
                target,
                body_len,
                ..
            } => Some((
                e.dir.unwrap(),
                format!("{method} {target}"),
                *body_len,
                e.span.unwrap(),
            )),
            EventKind::HttpResponse {
                status, body_len, ..
            } => Some((
                e.dir.unwrap(),
                status.to_string(),
                *body_len,
                e.span.unwrap(),
            )),
            _ => None,
        })
        .collect()
}

/// (dir, opcode, text or base64)
fn messages(events: &[Event]) -> Vec<(Dir, u8, String)> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::WsMessage {
                opcode,
                text,
                data_b64,
                ..
            } => Some((
                e.dir.unwrap(),
                *opcode,
                text.clone()
                    .or_else(|| data_b64.clone().map(|d| format!("b64:{d}")))
                    .unwrap_or_default(),
            )),
            _ => None,
        })
        .collect()
}

const REQ_A: &[u8] = b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n";
const REQ_B: &[u8] = b"GET /b HTTP/1.1\r\nHost: x\r\n\r\n";

/// A server (unmasked) or client (masked) frame with a short payload.
fn frame(fin: bool, opcode: u8, payload: &[u8], key: Option<[u8; 4]>) -> Vec<u8> {
    assert!(payload.len() < 126);
    support::ws_wire::frame(fin, false, opcode, payload, key)
}

const KEY: Option<[u8; 4]> = Some([0x11, 0x22, 0x33, 0x44]);

#[test]
fn gap_inside_a_content_length_body_is_counted() {
    let head = b"HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n";
    let events = dissect(&[
        Data(Dir::C2s, REQ_A),
        Data(Dir::C2s, REQ_B),
        Data(Dir::S2c, head),
        Data(Dir::S2c, b"01234"),
        Gap(Dir::S2c, 10),
        Data(Dir::S2c, b"ABCDE"),
        Data(Dir::S2c, b"HTTP/1.1 204 No Content\r\n\r\n"),
    ]);
    let h = http(&events);
    assert_eq!(h.len(), 4, "{h:#?}");
    // The body is 20 bytes on the wire; 10 of them were not recorded.
    assert_eq!((h[2].1.as_str(), h[2].2), ("200", 20));
    assert_eq!(
        h[2].3,
        StreamSpan {
            offset: 0,
            len: head.len() as u64 + 10
        }
    );
    assert_eq!(h[3].1, "204");
    assert_eq!(h[3].3.offset, head.len() as u64 + 10);
    let d = diags(&events);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].0, Severity::Warning);
    assert!(d[0].1.contains("10 bytes of this HTTP body are missing"));
}

#[test]
fn gap_in_a_chunked_body_resyncs_on_the_next_status_line() {
    let head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    let events = dissect(&[
        Data(Dir::C2s, REQ_A),
        Data(Dir::C2s, REQ_B),
        Data(Dir::S2c, head),
        Data(Dir::S2c, b"10\r\n0123"),
        Gap(Dir::S2c, 100),
        // The rest of some chunk, the last chunk, then the next response.
        Data(
            Dir::S2c,
            b"89abcdef\r\n0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
        ),
    ]);
    let h = http(&events);
    assert_eq!(
        h.iter()
            .map(|x| (x.0, x.1.as_str(), x.2))
            .collect::<Vec<_>>(),
        [
            (Dir::C2s, "GET /a", 0),
            (Dir::C2s, "GET /b", 0),
            // Cut by the gap: the bytes read before it.
            (Dir::S2c, "200", 8),
            (Dir::S2c, "200", 2),
        ]
    );
    let d = diags(&events);
    assert_eq!(d.len(), 2, "{d:#?}");
    assert_eq!(d[0].0, Severity::Error);
    assert!(d[0].1.contains("looking for the next response line"));
    assert_eq!(d[1].0, Severity::Info);
    assert!(d[1].1.contains("15 bytes skipped"), "{}", d[1].1);
    // The resumed response's span starts where it is in the recorded stream.
    let resumed = events
        .iter()
        .rfind(|e| e.kind.name() == "http_response")
        .unwrap();
    assert_eq!(resumed.span.unwrap().offset, (head.len() + 8 + 15) as u64);
}

#[test]
fn gap_between_requests_resyncs_on_a_request_line() {
    let events = dissect(&[
        Data(Dir::C2s, REQ_A),
        Data(Dir::C2s, b"POST /up HTTP/1.1\r\nHost: x\r\nContent-Le"),
        Gap(Dir::C2s, 1000),
        Data(Dir::C2s, b"ody bytes\r\nnot a GET line\r\n"),
        Data(Dir::C2s, REQ_B),
    ]);
    let h = http(&events);
    assert_eq!(
        h.iter().map(|x| x.1.as_str()).collect::<Vec<_>>(),
        ["GET /a", "GET /b"]
    );
    let d = diags(&events);
    assert!(d[0].1.contains("1000 bytes are missing"), "{d:#?}");
    assert!(d[1].1.contains("resynchronised"), "{d:#?}");
}

#[test]
fn gap_inside_a_frame_payload_is_counted() {
    let hello = frame(true, 1, b"Hello, world", None);
    let mut s2c = SWITCH.to_vec();
    s2c.extend_from_slice(&hello[..5]); // header + "Hel"
    let events = dissect(&[
        Data(Dir::C2s, UPGRADE),
        Data(Dir::S2c, &s2c),
        Gap(Dir::S2c, 4),
        Data(Dir::S2c, &hello[9..]),
        Data(Dir::S2c, &frame(true, 1, b"next", None)),
    ]);
    let m = messages(&events);
    // The damaged message is shown as recorded (not decoded); the next one is fine.
    assert_eq!(m.len(), 2, "{m:#?}");
    assert!(m[0].2.starts_with("b64:"));
    assert_eq!(m[1], (Dir::S2c, 1, "next".to_string()));
    let frames: Vec<_> = events
        .iter()
        .filter(|e| e.kind.name() == "ws_frame")
        .collect();
    assert_eq!(
        frames[0].span.unwrap(),
        StreamSpan {
            offset: SWITCH.len() as u64,
            len: hello.len() as u64 - 4
        }
    );
    assert!(matches!(
        frames[0].kind,
        EventKind::WsFrame {
            payload_len: 12,
            ..
        }
    ));
    let d: Vec<_> = diags(&events)
        .into_iter()
        .filter(|d| !d.1.contains("without a close frame"))
        .collect();
    assert_eq!(d.len(), 1, "{d:#?}");
    assert!(d[0].1.contains("payload bytes of this frame are missing"));
}

#[test]
fn lost_frame_header_resyncs_on_the_next_plausible_frame() {
    let mut after = b"lo, wor".to_vec(); // the end of a frame whose header was lost
    after.extend(frame(true, 1, b"Hello", KEY));
    after.extend(frame(true, 9, b"ping", KEY));
    after.extend(frame(true, 8, &[0x03, 0xe8], KEY));
    let events = dissect(&[
        Data(Dir::C2s, UPGRADE),
        Data(Dir::S2c, SWITCH),
        Data(Dir::C2s, &frame(true, 1, b"first", KEY)),
        Data(Dir::C2s, &[0x81, 0x8c, 1, 2]),
        Gap(Dir::C2s, 9),
        Data(Dir::C2s, &after),
        Data(Dir::S2c, &frame(true, 8, &[0x03, 0xe8], None)),
    ]);
    let m = messages(&events);
    assert_eq!(
        m.iter()
            .filter(|x| x.0 == Dir::C2s)
            .map(|x| (x.1, x.2.as_str()))
            .collect::<Vec<_>>(),
        [(1, "first"), (1, "Hello"), (9, "b64:cGluZw=="), (8, "")]
    );
    let d = diags(&events);
    assert!(
        d.iter().any(|x| x.1.contains("9 bytes are missing")),
        "{d:#?}"
    );
    // The 4 header bytes before the gap and the 7 payload bytes after it were skipped.
    assert!(
        d.iter()
            .any(|x| x.1.contains("resynchronised") && x.1.contains("11 bytes skipped")),
        "{d:#?}"
    );
    assert!(
        d.iter()
            .all(|x| x.0 != Severity::Error || x.1.contains("missing")),
        "{d:#?}"
    );
}

#[test]
fn no_plausible_frame_after_a_gap_is_reported_at_the_end() {
    let events = dissect(&[
        Data(Dir::C2s, UPGRADE),
        Data(Dir::S2c, SWITCH),
        Gap(Dir::S2c, 50),
        // Every byte pair has the MASK bit set, which a server frame must not.
        Data(Dir::S2c, &[0x81, 0x85, 0x82, 0x8f, 0x89]),
    ]);
    assert!(messages(&events).is_empty());
    let d = diags(&events);
    assert!(
        d.iter()
            .any(|x| x.0 == Severity::Warning && x.1.contains("no plausible frame header")),
        "{d:#?}"
    );
}

#[test]
fn swapped_roles_http() {
    // Mid-connection capture: the side called the client is really the server.
    let resp = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
    let events = dissect(&[Data(Dir::S2c, REQ_A), Data(Dir::C2s, resp)]);
    assert_eq!(
        kinds(&events),
        ["diagnostic", "http_request", "http_response"]
    );
    let h = http(&events);
    assert_eq!((h[0].0, h[0].1.as_str()), (Dir::S2c, "GET /a"));
    assert_eq!((h[1].0, h[1].1.as_str(), h[1].2), (Dir::C2s, "200", 5));
    let d = diags(&events);
    assert_eq!(d[0].0, Severity::Warning);
    assert!(d[0].1.contains("server sends HTTP requests"), "{}", d[0].1);
    // Detected from the response line too, whichever arrives first.
    let events = dissect(&[Data(Dir::C2s, resp), Data(Dir::S2c, REQ_A)]);
    assert_eq!(
        kinds(&events),
        ["diagnostic", "http_response", "http_request"]
    );
    assert!(diags(&events)[0].1.contains("client sends HTTP responses"));
}

#[test]
fn swapped_roles_websocket() {
    let mut real_server = SWITCH.to_vec();
    real_server.extend(frame(true, 1, b"from the server", None));
    let mut real_client = UPGRADE.to_vec();
    real_client.extend(frame(true, 1, b"from the client", KEY));
    let events = dissect(&[Data(Dir::S2c, &real_client), Data(Dir::C2s, &real_server)]);
    // The client's frame was held until the 101 decided the protocol.
    assert_eq!(
        messages(&events),
        [
            (Dir::S2c, 1, "from the client".to_string()),
            (Dir::C2s, 1, "from the server".to_string())
        ]
    );
    // The masking rules follow the roles, not the captured directions.
    let d = diags(&events);
    assert!(d.iter().all(|x| !x.1.contains("mask")), "{d:#?}");
}

#[test]
fn normal_roles_are_not_swapped() {
    let events = dissect(&[
        Data(Dir::C2s, REQ_A),
        Data(Dir::S2c, b"HTTP/1.1 204 No Content\r\n\r\n"),
        Data(Dir::C2s, b"HTTP/1.1 200 OK\r\n\r\n"),
    ]);
    assert_eq!(http(&events)[0].0, Dir::C2s);
    assert!(diags(&events).iter().all(|d| !d.1.contains("swapped")));
}

#[test]
fn trace_builder_passes_gaps_on() {
    let mut b = TraceBuilder::new(Source::default(), Utc::now());
    let conn = b.open_connection("10.0.0.1:40000".into(), "10.0.0.2:80".into(), None);
    b.data(conn, Dir::C2s, 0, REQ_A);
    b.data(
        conn,
        Dir::S2c,
        1,
        b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nab",
    );
    b.gap(conn, Dir::S2c, 2, 2);
    b.data(conn, Dir::S2c, 3, b"ef");
    let trace = b.into_trace();
    let resp = trace
        .events
        .iter()
        .find(|e| e.kind.name() == "http_response")
        .unwrap();
    assert!(matches!(
        resp.kind,
        EventKind::HttpResponse { body_len: 6, .. }
    ));
    // Its span is within the recorded stream, so its bytes can be shown.
    assert!(trace.event_bytes(resp).is_some());
}

/// A small deterministic generator (no dependency, same sequence on every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn random_bytes_and_gaps_never_panic_and_do_not_depend_on_splits() {
    let mut rng = Lcg(7);
    // Pieces of real conversations to make resynchronisation find something.
    let mut server = SWITCH.to_vec();
    server.extend(frame(true, 1, b"Hello", None));
    let mut client = UPGRADE.to_vec();
    client.extend(frame(true, 1, b"Hi", KEY));
    let atoms: [&[u8]; 6] = [
        REQ_A,
        b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
        &server,
        &client,
        &[0x81, 0x02, b'o', b'k', 0x88, 0x00],
    ];
    for _ in 0..300 {
        let mut owned: Vec<(bool, Dir, Vec<u8>, u64)> = Vec::new();
        for _ in 0..(rng.next() % 8 + 1) {
            let dir = if rng.next().is_multiple_of(2) {
                Dir::C2s
            } else {
                Dir::S2c
            };
            match rng.next() % 4 {
                0 => owned.push((false, dir, Vec::new(), rng.next() % 200 + 1)),
                1 => {
                    let n = (rng.next() % 40) as usize;
                    let bytes = (0..n).map(|_| rng.next() as u8).collect();
                    owned.push((true, dir, bytes, 0));
                }
                _ => {
                    let atom = atoms[(rng.next() % atoms.len() as u64) as usize];
                    let from = (rng.next() as usize) % atom.len();
                    owned.push((true, dir, atom[from..].to_vec(), 0));
                }
            }
        }
        let script: Vec<Step<'_>> = owned
            .iter()
            .map(|(data, dir, bytes, n)| {
                if *data {
                    Data(*dir, bytes.as_slice())
                } else {
                    Gap(*dir, *n)
                }
            })
            .collect();
        dissect(&script);
        dissect_mid(&script);
    }
}

// ------------------------------------------------------------------ mid-connection starts

#[test]
fn mid_connection_http_starts_at_the_first_start_lines() {
    let events = dissect_mid(&[
        Data(Dir::C2s, b"y of an earlier request\r\n"),
        Data(Dir::S2c, b"rlier body"),
        Data(Dir::C2s, REQ_B),
        Data(
            Dir::S2c,
            b"\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
        ),
    ]);
    let h = http(&events);
    assert_eq!(
        h.iter()
            .map(|x| (x.0, x.1.as_str(), x.2))
            .collect::<Vec<_>>(),
        [(Dir::C2s, "GET /b", 0), (Dir::S2c, "200", 2)]
    );
    let d = diags(&events);
    assert_eq!(d.len(), 2, "{d:#?}");
    assert!(
        d.iter()
            .all(|x| x.0 == Severity::Info && x.1.contains("middle"))
    );
}

#[test]
fn mid_connection_websocket_starts_at_the_first_plausible_frames() {
    let mut c2s = b"tail of a masked payload".to_vec();
    c2s.extend(frame(true, 1, b"Hello", KEY));
    c2s.extend(frame(true, 8, &[0x03, 0xe8], KEY));
    let mut s2c = vec![b'x'; 10];
    s2c.extend(frame(true, 1, b"Hello", None));
    // A compressed message: RSV1 set; without the handshake it cannot be inflated.
    let mut compressed = frame(true, 1, &[0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00], None);
    compressed[0] |= 0x40;
    s2c.extend(compressed);
    s2c.extend(frame(true, 8, &[0x03, 0xe8], None));
    let events = dissect_mid(&[Data(Dir::C2s, &c2s), Data(Dir::S2c, &s2c)]);
    assert_eq!(
        messages(&events),
        [
            (Dir::C2s, 1, "Hello".to_string()),
            (Dir::C2s, 8, String::new()),
            (Dir::S2c, 1, "Hello".to_string()),
            (Dir::S2c, 1, "b64:8kjNyckHAA==".to_string()),
            (Dir::S2c, 8, String::new()),
        ]
    );
    let d = diags(&events);
    assert_eq!(d.len(), 2, "{d:#?}");
    assert!(d[0].1.contains("24 bytes skipped") && d[1].1.contains("10 bytes skipped"));
}

#[test]
fn mid_connection_with_swapped_roles_and_nothing_recognisable() {
    // The side called the client answers: the roles swap, then each side starts at its
    // first start line.
    let events = dissect_mid(&[
        Data(Dir::C2s, b"HTTP/1.1 204 No Content\r\n\r\n"),
        Data(Dir::S2c, REQ_A),
    ]);
    assert_eq!(
        http(&events)
            .iter()
            .map(|x| (x.0, x.1.as_str()))
            .collect::<Vec<_>>(),
        [(Dir::C2s, "204"), (Dir::S2c, "GET /a")]
    );
    // Masked bytes from the server side and text without start lines: nothing is dissected,
    // and the end says so.
    let events = dissect_mid(&[
        Data(Dir::C2s, b"just some words\nand more\n"),
        Data(Dir::S2c, &[0x81, 0x85, 0x82, 0x8f]),
    ]);
    assert!(messages(&events).is_empty() && http(&events).is_empty());
    let d = diags(&events);
    assert_eq!(d.len(), 2, "{d:#?}");
    assert!(
        d.iter()
            .all(|x| x.0 == Severity::Warning && x.1.contains("not dissected"))
    );
}

#[test]
fn trace_builder_passes_a_mid_connection_start_on() {
    let mut b = TraceBuilder::new(Source::default(), Utc::now());
    let conn = b.open_connection("10.0.0.1:40000".into(), "10.0.0.2:80".into(), None);
    b.starts_mid_connection(conn);
    b.data(conn, Dir::S2c, 0, &frame(true, 1, b"tick", None));
    // One frame alone is plausible only once the stream ends right after it.
    b.end(conn, Dir::S2c, 1);
    let trace = b.into_trace();
    assert_eq!(messages(&trace.events), [(Dir::S2c, 1, "tick".to_string())]);
}
