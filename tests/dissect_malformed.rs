//! Malformed input: each broken rule becomes a diagnostic that names it, the events before it
//! stay intact, and nothing panics — also for random byte soup fed in random pieces.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail

use wirelab::trace::{Dir, Event, EventKind, Severity, StreamSpan};

mod support;
use support::dissect::{Dissection, steps};
use support::events::{count, diagnostics};
use support::rng::Rng;
use support::ws_wire::{SWITCH, UPGRADE};

const HELLO_UNMASKED: &[u8] = &[0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f];
const HELLO_MASKED: &[u8] = &[
    0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
];

/// Feeds each step on connection 3 in pieces whose sizes come from `sizes` (0 = the whole
/// step).
fn run_with(script: &[(Dir, &[u8])], sizes: &mut dyn FnMut() -> usize) -> Vec<Event> {
    Dissection::on(3).run_with(&steps(script), sizes)
}

/// Whole, byte by byte and in random pieces: identical events.
fn dissect(script: &[(Dir, &[u8])]) -> Vec<Event> {
    let whole = run_with(script, &mut || 0);
    assert_eq!(whole, run_with(script, &mut || 1), "byte by byte differs");
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    assert_eq!(
        whole,
        run_with(script, &mut || 1 + rng.index_below(9)),
        "random pieces differ"
    );
    whole
}

fn with_ws(frames: &[(Dir, &'static [u8])]) -> Vec<(Dir, &'static [u8])> {
    let mut script = vec![(Dir::C2s, UPGRADE), (Dir::S2c, SWITCH)];
    script.extend_from_slice(frames);
    script
}

/// (severity, message, rule or "") of every diagnostic.
fn diags(events: &[Event]) -> Vec<(Severity, String, String)> {
    diagnostics(events)
        .into_iter()
        .map(|(severity, message, rule)| (severity, message, rule.unwrap_or_default()))
        .collect()
}

/// The one error diagnostic with `rule` whose message contains `text`.
fn assert_error(events: &[Event], rule: &str, text: &str) {
    let found = diags(events)
        .into_iter()
        .filter(|d| d.0 == Severity::Error && d.2 == rule && d.1.contains(text))
        .count();
    assert_eq!(found, 1, "{rule} / {text}: {:#?}", diags(events));
}

fn texts(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::WsMessage { text: Some(t), .. } => Some(t.clone()),
            _ => None,
        })
        .collect()
}

// ------------------------------------------------------------------ HTTP

#[test]
fn invalid_header_name_after_a_good_exchange() {
    let events = dissect(&[
        (Dir::C2s, b"GET /ok HTTP/1.1\r\nHost: x\r\n\r\n"),
        (Dir::S2c, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
        (
            Dir::C2s,
            b"GET /bad HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\nmore bytes",
        ),
    ]);
    assert_eq!(count(&events, "http_request"), 1);
    assert_eq!(count(&events, "http_response"), 1);
    assert_error(&events, "RFC 9110 §5.1", "invalid header name");
    let bad = events
        .iter()
        .find(|e| {
            matches!(
                e.kind,
                EventKind::Diagnostic {
                    severity: Severity::Error,
                    ..
                }
            )
        })
        .unwrap();
    // The span covers the head up to the bad line.
    let first_line = b"GET /bad HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n".len() as u64;
    let ok_len = b"GET /ok HTTP/1.1\r\nHost: x\r\n\r\n".len() as u64;
    assert_eq!(
        bad.span,
        Some(StreamSpan {
            offset: ok_len,
            len: first_line
        })
    );
    // At the end, how much was not dissected.
    let info = diags(&events)
        .into_iter()
        .find(|d| d.0 == Severity::Info)
        .unwrap();
    let bad_total = b"GET /bad HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\nmore bytes".len();
    assert!(
        info.1.starts_with(&format!("{bad_total} bytes of c2s")),
        "{}",
        info.1
    );
}

#[test]
fn not_http_at_all() {
    // A TLS ClientHello's start is recognised as TLS (tests/dissect_tls.rs), not an HTTP error.
    let events = dissect(&[(
        Dir::C2s,
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\n\r\n",
    )]);
    let found = diags(&events);
    assert_eq!(found.len(), 1, "{events:?}");
    assert_eq!(found[0].0, Severity::Info);
    assert!(
        found[0].1.contains("ended 14 bytes into a TLS record"),
        "{found:?}"
    );
    let events = dissect(&[(Dir::C2s, b"\x00\x00\x00\x0cbinary\x01\x02\n\r\n")]);
    assert_eq!(
        diags(&events)
            .iter()
            .filter(|d| d.0 == Severity::Error)
            .count(),
        1
    );
    let events = dissect(&[(Dir::S2c, b"SSH-2.0-OpenSSH_9.2\r\n")]);
    assert_eq!(
        diags(&events)
            .iter()
            .filter(|d| d.0 == Severity::Error)
            .count(),
        1
    );
}

#[test]
fn bad_content_length_and_chunk_size() {
    let events = dissect(&[(
        Dir::C2s,
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 12abc\r\n\r\nbody",
    )]);
    assert_eq!(count(&events, "http_request"), 1, "the head is still shown");
    assert_error(&events, "RFC 9110 §8.6", "Content-Length");
    let events = dissect(&[
        (Dir::C2s, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
        (
            Dir::S2c,
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\nzz\r\n",
        ),
    ]);
    assert_error(&events, "RFC 9112 §7.1", "bad chunk size line");
    match &events[1].kind {
        EventKind::HttpResponse { body_len, .. } => {
            assert_eq!(*body_len, b"4\r\nWiki\r\nzz\r\n".len() as u64)
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn head_too_large() {
    let mut req = b"GET / HTTP/1.1\r\nX-Big: ".to_vec();
    req.extend(std::iter::repeat_n(b'a', 70 * 1024));
    let events = run_with(&[(Dir::C2s, &req)], &mut || 0);
    assert!(
        diags(&events).iter().any(|d| d.1.contains("64 KiB")),
        "{:#?}",
        diags(&events)
    );
    let events2 = run_with(&[(Dir::C2s, &req)], &mut || 1000);
    assert_eq!(events, events2);
}

// ------------------------------------------------------------------ WebSocket

#[test]
fn reserved_opcode() {
    let events = dissect(&with_ws(&[
        (Dir::S2c, &[0x83, 0x00]),
        (Dir::S2c, HELLO_UNMASKED),
    ]));
    assert_error(&events, "RFC 6455 §5.2", "reserved");
    // The frame is shown, and the next frame still dissects.
    assert_eq!(count(&events, "ws_frame"), 2);
    assert_eq!(texts(&events), ["Hello"]);
}

#[test]
fn control_frame_longer_than_125() {
    let mut ping = vec![0x89, 0x7e, 0x00, 0x7e];
    ping.extend([b'p'; 126]);
    let ping: &'static [u8] = Box::leak(ping.into_boxed_slice());
    let events = dissect(&with_ws(&[(Dir::S2c, ping), (Dir::S2c, HELLO_UNMASKED)]));
    assert_error(&events, "RFC 6455 §5.5", "at most 125");
    assert_eq!(texts(&events), ["Hello"]);
}

#[test]
fn fragmented_control_frame() {
    let events = dissect(&with_ws(&[(Dir::S2c, &[0x09, 0x01, b'x'])]));
    assert_error(&events, "RFC 6455 §5.5", "MUST NOT be fragmented");
}

#[test]
fn bad_utf8_text() {
    let events = dissect(&with_ws(&[
        (Dir::S2c, HELLO_UNMASKED),
        (Dir::S2c, &[0x81, 0x02, 0xc3, 0x28]),
    ]));
    assert_error(&events, "RFC 6455 §8.1", "UTF-8");
    assert_eq!(texts(&events), ["Hello"]);
    let bad = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::WsMessage {
                opcode: 1,
                text: None,
                data_b64,
                ..
            } => data_b64.clone(),
            _ => None,
        })
        .collect::<Vec<_>>();
    assert_eq!(bad, ["wyg="]);
}

#[test]
fn unmasked_client_frame_and_masked_server_frame() {
    let events = dissect(&with_ws(&[
        (Dir::C2s, HELLO_UNMASKED),
        (Dir::S2c, HELLO_MASKED),
    ]));
    let masking: Vec<_> = diags(&events)
        .into_iter()
        .filter(|d| d.2 == "RFC 6455 §5.1")
        .collect();
    assert_eq!(masking.len(), 2, "{masking:#?}");
    assert!(masking[0].1.contains("client frame is not masked"));
    // Both are still decoded: the masked server frame is unmasked.
    assert_eq!(texts(&events), ["Hello", "Hello"]);
}

#[test]
fn continuation_without_start() {
    let events = dissect(&with_ws(&[
        (Dir::S2c, &[0x80, 0x02, b'l', b'o']),
        (Dir::S2c, HELLO_UNMASKED),
    ]));
    assert_error(&events, "RFC 6455 §5.4", "continuation");
    assert_eq!(texts(&events), ["Hello"]);
}

#[test]
fn data_after_close() {
    let events = dissect(&with_ws(&[
        (Dir::S2c, &[0x88, 0x02, 0x03, 0xe8]),
        (Dir::S2c, HELLO_UNMASKED),
    ]));
    assert_error(
        &events,
        "RFC 6455 §5.5.1",
        "after this endpoint's close frame",
    );
}

#[test]
fn truncated_frame_at_close() {
    let mut partial = vec![0x82, 0x7e, 0x01, 0x00];
    partial.extend([7u8; 10]);
    let partial: &'static [u8] = Box::leak(partial.into_boxed_slice());
    let events = dissect(&with_ws(&[(Dir::S2c, HELLO_UNMASKED), (Dir::S2c, partial)]));
    assert_error(
        &events,
        "RFC 6455 §7.1.5",
        "connection closed in the middle of a frame: 10 of 256 payload bytes",
    );
    assert_eq!(texts(&events), ["Hello"]);
    let events = dissect(&with_ws(&[(Dir::C2s, &[0x82, 0xff, 0, 0])]));
    assert_error(
        &events,
        "RFC 6455 §7.1.5",
        "connection closed in the middle of a frame: 4 of 14 header bytes",
    );
}

#[test]
fn truncated_fragmented_message_at_close() {
    let events = dissect(&with_ws(&[(Dir::S2c, &[0x01, 0x03, b'H', b'e', b'l'])]));
    assert_error(&events, "RFC 6455 §7.1.5", "fragmented message");
}

#[test]
fn length_with_high_bit_makes_the_direction_opaque() {
    let events = dissect(&with_ws(&[
        (Dir::S2c, HELLO_UNMASKED),
        (Dir::S2c, &[0x82, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3]),
        (Dir::S2c, HELLO_UNMASKED),
    ]));
    assert_error(&events, "RFC 6455 §5.2", "most significant bit");
    assert_eq!(texts(&events), ["Hello"]);
    assert!(
        diags(&events)
            .iter()
            .any(|d| d.0 == Severity::Info && d.1.starts_with("20 bytes of s2c were not dissected")),
        "{:#?}",
        diags(&events)
    );
}

// ------------------------------------------------------------------ byte soup

fn soup(rng: &mut Rng, len: usize) -> Vec<u8> {
    (0..len).map(|_| rng.next() as u8).collect()
}

#[test]
fn random_byte_soup_never_panics_and_keeps_earlier_events() {
    let mut rng = Rng(0xDEAD_BEEF_CAFE_F00D);
    for round in 0..150 {
        let len = 1 + rng.index_below(3000);
        let c2s = soup(&mut rng, len);
        let len = 1 + rng.index_below(3000);
        let s2c = soup(&mut rng, len);
        // HTTP mode: soup straight away, sometimes with CRLFs sprinkled in to reach httparse.
        let mut c2s_lines = c2s.clone();
        for i in (0..c2s_lines.len()).step_by(17) {
            c2s_lines[i] = b'\n';
        }
        for script in [
            vec![(Dir::C2s, c2s.as_slice()), (Dir::S2c, s2c.as_slice())],
            vec![(Dir::C2s, c2s_lines.as_slice())],
        ] {
            let mut seed = Rng(round as u64 + 1);
            let whole = run_with(&script, &mut || 0);
            assert_eq!(
                whole,
                run_with(&script, &mut || 1 + seed.index_below(64)),
                "round {round}"
            );
        }
        // WebSocket mode: a good exchange first, then soup both ways.
        let prefix = with_ws(&[(Dir::C2s, HELLO_MASKED), (Dir::S2c, HELLO_UNMASKED)]);
        let good = run_with(&prefix, &mut || 0);
        let mut script = prefix.clone();
        script.push((Dir::S2c, &s2c));
        script.push((Dir::C2s, &c2s));
        let mut seed = Rng(round as u64 + 1000);
        let events = run_with(&script, &mut || rng_piece(&mut seed));
        assert_eq!(events, run_with(&script, &mut || 0), "round {round}");
        // Everything the good prefix produced (before its end-of-stream notes) is intact.
        let good_wire: Vec<_> = good
            .iter()
            .filter(|e| !matches!(e.kind, EventKind::Diagnostic { .. }))
            .collect();
        assert_eq!(good_wire.len(), 7);
        for (a, b) in good_wire.iter().zip(events.iter()) {
            assert_eq!(*a, b, "round {round}");
        }
        for e in &events {
            if let (Some(span), Some(dir)) = (e.span, e.dir) {
                let total = script
                    .iter()
                    .filter(|(d, _)| *d == dir)
                    .map(|(_, b)| b.len() as u64)
                    .sum::<u64>();
                assert!(
                    span.end() <= total,
                    "span {span:?} beyond the stream ({total})"
                );
            }
        }
    }
}

fn rng_piece(rng: &mut Rng) -> usize {
    match rng.index_below(4) {
        0 => 1,
        1 => 1 + rng.index_below(8),
        _ => 1 + rng.index_below(700),
    }
}

#[test]
fn empty_lines_before_a_request_are_ignored() {
    // RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the request-line.
    let mut c2s = b"\r\n".repeat(20_000);
    let skipped = c2s.len() as u64;
    c2s.extend_from_slice(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    let events = dissect(&[(Dir::C2s, &c2s)]);
    assert_eq!(count(&events, "http_request"), 1);
    assert_eq!(events[0].span.map(|s| s.offset), Some(skipped));
    assert!(diags(&events).is_empty());
}
