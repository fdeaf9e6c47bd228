//! TLS records through the connection dissector, on real bytes recorded from the lab's
//! `wss-echo` (rustls, TLS 1.3): the ClientHello and the server's first flight (ServerHello,
//! change_cipher_spec, the encrypted rest of its handshake). Recognised by content, whatever
//! the port; fed whole and in pieces, the events must not change.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail

use wirelab::trace::{Dir, EventKind, Severity, StreamSpan};

mod support;
use support::dissect::dissect;
use support::events::diagnostics;
use support::fixtures::data_dir;

fn bytes(name: &str) -> Vec<u8> {
    std::fs::read(data_dir("tls").join(name)).unwrap()
}

/// (dir, content type, version, length, handshake type, span) of every TLS record event.
type Record = (Dir, u8, u16, u16, Option<u8>, StreamSpan);

fn records(events: &[wirelab::trace::Event]) -> Vec<Record> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::TlsRecord {
                content_type,
                version,
                length,
                handshake_type,
                observed,
            } => {
                assert_eq!(
                    *observed, None,
                    "dissected from the stream, not the lab's tap"
                );
                Some((
                    e.dir.unwrap(),
                    *content_type,
                    *version,
                    *length,
                    *handshake_type,
                    e.span.unwrap(),
                ))
            }
            _ => None,
        })
        .collect()
}

fn span(offset: u64, len: u64) -> StreamSpan {
    StreamSpan { offset, len }
}

#[test]
fn a_real_handshake_is_read_as_tls_records_not_http() {
    let hello = bytes("client_hello.bin");
    let flight = bytes("server_first_flight.bin");
    assert_eq!(
        (hello.len(), flight.len()),
        (218, 665),
        "the recorded bytes"
    );
    let events = dissect(&[(Dir::C2s, &hello), (Dir::S2c, &flight)]);
    assert!(diagnostics(&events).is_empty(), "{events:#?}");
    assert_eq!(
        records(&events),
        vec![
            // The ClientHello's record says TLS 1.0 (0x0301), as RFC 8446 §5.1 allows.
            (Dir::C2s, 22, 0x0301, 213, Some(1), span(0, 218)),
            (Dir::S2c, 22, 0x0303, 122, Some(2), span(0, 127)),
            (Dir::S2c, 20, 0x0303, 1, None, span(127, 6)),
            (Dir::S2c, 23, 0x0303, 527, None, span(133, 532)),
        ]
    );
    // Nothing else: no HTTP, no WebSocket is looked for inside.
    assert_eq!(events.len(), 4, "{events:#?}");
}

#[test]
fn a_stream_that_stops_being_records_is_reported_once_with_the_rule() {
    let hello = bytes("client_hello.bin");
    let mut stream = hello.clone();
    stream.extend_from_slice(b"GET / HTTP/1.1\r\n\r\n");
    let events = dissect(&[(Dir::C2s, &stream)]);
    assert_eq!(records(&events).len(), 1);
    let diags = diagnostics(&events);
    assert_eq!(diags.len(), 1, "{diags:?}");
    let (severity, message, rule) = &diags[0];
    assert_eq!(*severity, Severity::Error);
    assert_eq!(rule.as_deref(), Some("RFC 8446 §5.1"));
    assert!(message.contains("not a TLS record"), "{message}");
}

#[test]
fn plain_http_is_not_taken_for_tls_even_in_one_byte_pieces() {
    let request = b"GET /hello HTTP/1.1\r\nHost: x\r\n\r\n";
    let response = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    let events = dissect(&[(Dir::C2s, request), (Dir::S2c, response)]);
    let names: Vec<&str> = events.iter().map(|e| e.kind.name()).collect();
    assert_eq!(names, ["http_request", "http_response"]);
}

#[test]
fn a_stream_that_ends_inside_a_record_says_how_far_it_got() {
    let hello = bytes("client_hello.bin");
    let events = dissect(&[(Dir::C2s, &hello[..100])]);
    assert!(records(&events).is_empty());
    let diags = diagnostics(&events);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].0, Severity::Info);
    assert_eq!(
        diags[0].1,
        "the stream ended 100 bytes into a TLS record of 218"
    );
}
