//! HTTP/1.x through the connection dissector: Content-Length and chunked bodies (framing
//! bytes counted), keep-alive sequences, HEAD, 1xx/204/304, bodies until close, SSE.
//! Every input is also fed one byte at a time and in uneven pieces; the events must not change.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail

use wirelab::trace::{Dir, Event, EventKind, Severity, StreamSpan};

mod support;
use support::dissect::{Dissection, steps};
use support::events::{diagnostics, kinds};
use support::fixtures::{pcap_payloads, script as script_of, shared_fixture};

/// Feeds `script` (step index = `t_us`) on connection 7 whole, one byte at a time, and in
/// pieces of 2..=7 bytes (all must give identical events); every event is on connection 7
/// and has a direction. Returns them.
fn dissect(script: &[(Dir, &[u8])]) -> Vec<Event> {
    let events = Dissection::on(7).dissect(&steps(script));
    for e in &events {
        assert_eq!(e.conn, Some(7));
        assert!(e.dir.is_some());
    }
    events
}

/// (method or status, head_len, body_len, span)
fn http_summary(e: &Event) -> (String, u64, u64, StreamSpan) {
    let span = e.span.expect("http events have spans");
    match &e.kind {
        EventKind::HttpRequest {
            method,
            head_len,
            body_len,
            ..
        } => (method.clone(), *head_len, *body_len, span),
        EventKind::HttpResponse {
            status,
            head_len,
            body_len,
            ..
        } => (status.to_string(), *head_len, *body_len, span),
        other => panic!("not http: {other:?}"),
    }
}

/// One chunk of the chunked transfer coding.
fn chunk(data: &[u8]) -> Vec<u8> {
    let mut out = format!("{:x}\r\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
    out
}

const REQ1: &[u8] = b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n";
const RESP1: &[u8] =
    b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello";

#[test]
fn content_length_request_and_response() {
    let events = dissect(&[(Dir::C2s, REQ1), (Dir::S2c, RESP1)]);
    assert_eq!(kinds(&events), ["http_request", "http_response"]);
    let req_head = REQ1.len() as u64;
    assert_eq!(
        http_summary(&events[0]),
        (
            "GET".into(),
            req_head,
            0,
            StreamSpan {
                offset: 0,
                len: req_head
            }
        )
    );
    let resp_head = RESP1.len() as u64 - 5;
    assert_eq!(
        http_summary(&events[1]),
        (
            "200".into(),
            resp_head,
            5,
            StreamSpan {
                offset: 0,
                len: resp_head + 5
            }
        )
    );
    assert_eq!(events[0].t_us, 0);
    assert_eq!(events[1].t_us, 1);
    match &events[0].kind {
        EventKind::HttpRequest {
            target,
            version,
            headers,
            ..
        } => {
            assert_eq!(target, "/a");
            assert_eq!(version, "HTTP/1.1");
            assert_eq!(headers, &vec![("Host".to_string(), "x".to_string())]);
        }
        _ => unreachable!(),
    }
}

#[test]
fn keep_alive_post_chunked_head_204_304_and_until_close() {
    let post = b"POST /form HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello=world";
    let chunked_resp =
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5;x=y\r\npedia\r\n0\r\n\r\n";
    let chunked_req =
        b"PUT /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nT: 1\r\n\r\n";
    let head = b"HEAD /big HTTP/1.1\r\nHost: x\r\n\r\n";
    let head_resp = b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n";
    let get204 = b"GET /none HTTP/1.1\r\nHost: x\r\n\r\n";
    let resp204 = b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n";
    let get304 = b"GET /cached HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"e\"\r\n\r\n";
    let resp304 = b"HTTP/1.1 304 Not Modified\r\nETag: \"e\"\r\nContent-Length: 42\r\n\r\n";
    let last = b"GET /last HTTP/1.1\r\nHost: x\r\n\r\n";
    let resp_close = b"HTTP/1.0 200 OK\r\nConnection: close\r\n\r\nbody until close";

    // Requests pipelined in one flight, responses in one flight.
    let mut c2s = Vec::new();
    for r in [&post[..], chunked_req, head, get204, get304, last] {
        c2s.extend_from_slice(r);
    }
    let mut s2c = Vec::new();
    for r in [
        RESP1,
        &chunked_resp[..],
        head_resp,
        resp204,
        resp304,
        resp_close,
    ] {
        s2c.extend_from_slice(r);
    }
    let events = dissect(&[(Dir::C2s, &c2s), (Dir::S2c, &s2c)]);
    let reqs: Vec<_> = events
        .iter()
        .filter(|e| e.kind.name() == "http_request")
        .map(http_summary)
        .collect();
    let resps: Vec<_> = events
        .iter()
        .filter(|e| e.kind.name() == "http_response")
        .map(http_summary)
        .collect();
    assert!(
        diagnostics(&events).is_empty(),
        "{:?}",
        diagnostics(&events)
    );
    assert_eq!(reqs.len(), 6);
    assert_eq!(resps.len(), 6);
    // Body lengths on the wire include chunk framing.
    assert_eq!((reqs[0].1, reqs[0].2), (post.len() as u64 - 11, 11));
    let chunked_req_body = b"3\r\nabc\r\n0\r\nT: 1\r\n\r\n".len() as u64;
    assert_eq!(reqs[1].2, chunked_req_body);
    assert_eq!(reqs[1].1 + reqs[1].2, chunked_req.len() as u64);
    // Spans tile the c2s stream without gaps.
    let mut offset = 0;
    for r in &reqs {
        assert_eq!(r.3.offset, offset);
        assert_eq!(r.3.len, r.1 + r.2);
        offset = r.3.end();
    }
    assert_eq!(offset, c2s.len() as u64);
    assert_eq!(
        resps.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(),
        ["200", "200", "200", "204", "304", "200"]
    );
    let chunked_body = b"4\r\nWiki\r\n5;x=y\r\npedia\r\n0\r\n\r\n".len() as u64;
    assert_eq!(resps[1].2, chunked_body);
    // HEAD: Content-Length describes the resource, no body follows.
    assert_eq!(resps[2].2, 0);
    assert_eq!(resps[3].2, 0);
    assert_eq!(resps[4].2, 0);
    // Chunk framing: size lines, CRLFs after data, the last chunk and the empty trailer.
    let overheads: Vec<Option<u64>> = events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::HttpResponse {
                chunked_overhead, ..
            } => Some(chunked_overhead),
            _ => None,
        })
        .collect();
    assert_eq!(
        overheads,
        [None, Some(chunked_body - 9), None, None, None, None]
    );
    assert!(matches!(
        events.iter().find(|e| e.kind.name() == "http_request" && http_summary(e).2 > 11).map(|e| &e.kind),
        Some(EventKind::HttpRequest { chunked_overhead: Some(o), .. }) if *o == chunked_req_body - 3
    ));
    // HTTP/1.0 body without length: until the connection closes. Its response is shown at
    // its head; the body's length comes with `http_body_end` when the connection closes.
    assert_eq!(resps[5].2, 0);
    let end = events.last().unwrap();
    assert_eq!(end.t_us, 2, "the body ends at the close");
    assert_eq!(
        end.kind,
        EventKind::HttpBodyEnd {
            body_len: b"body until close".len() as u64,
            complete: true,
            chunked_overhead: None,
        }
    );
    let mut offset = 0;
    for r in &resps {
        assert_eq!(r.3.offset, offset);
        offset = r.3.end();
    }
    let body = end.span.unwrap();
    assert_eq!(body.offset, offset);
    assert_eq!(body.end(), s2c.len() as u64);
}

#[test]
fn interleaved_keep_alive_and_interim_100_continue() {
    let put = b"PUT /x HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n";
    let events = dissect(&[
        (Dir::C2s, REQ1),
        (Dir::S2c, RESP1),
        (Dir::C2s, put),
        (Dir::S2c, b"HTTP/1.1 100 Continue\r\n\r\n"),
        (Dir::C2s, b"abc"),
        (
            Dir::S2c,
            b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n",
        ),
    ]);
    assert_eq!(
        kinds(&events),
        [
            "http_request",
            "http_response",
            "http_response",
            "http_request",
            "http_response"
        ]
    );
    assert_eq!(events[3].t_us, 4, "the request completes with its body");
    assert_eq!(http_summary(&events[3]).2, 3);
    assert_eq!(http_summary(&events[4]).0, "201");
}

#[test]
fn response_to_head_then_next_response_parses() {
    let events = dissect(&[
        (Dir::C2s, b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n"),
        (
            Dir::S2c,
            b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
        ),
    ]);
    let resps: Vec<_> = events
        .iter()
        .filter(|e| e.kind.name() == "http_response")
        .map(http_summary)
        .collect();
    assert_eq!(resps.len(), 2);
    assert_eq!((resps[0].2, resps[1].2), (0, 5));
    assert!(diagnostics(&events).is_empty());
}

#[test]
fn event_stream_emits_response_then_events() {
    let resp = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n";
    let chunk1 = chunk(b"id: 1\ndata: a\n\n");
    let chunk2 = chunk(b": hi\nevent: tick\ndata: b\nda");
    let mut chunk3 = chunk(b"ta: c\r\n\r\n");
    chunk3.extend_from_slice(b"0\r\n\r\n");
    let events = dissect(&[
        (
            Dir::C2s,
            b"GET /sse HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n",
        ),
        (Dir::S2c, resp),
        (Dir::S2c, &chunk1),
        (Dir::S2c, &chunk2),
        (Dir::S2c, &chunk3),
    ]);
    assert_eq!(
        kinds(&events),
        [
            "http_request",
            "http_response",
            "sse_event",
            "sse_event",
            "http_body_end"
        ]
    );
    assert_eq!(events[1].t_us, 1, "the response shows before its events");
    match (&events[2].kind, &events[3].kind) {
        (
            EventKind::SseEvent {
                id, event, data, ..
            },
            EventKind::SseEvent {
                id: id2,
                event: event2,
                data: data2,
                ..
            },
        ) => {
            assert_eq!(
                (id.as_deref(), event.as_deref(), data.as_str()),
                (Some("1"), None, "a")
            );
            assert_eq!(
                (id2.as_deref(), event2.as_deref(), data2.as_str()),
                (Some("1"), Some("tick"), "b\nc")
            );
        }
        other => panic!("{other:?}"),
    }
    // The first event's span starts after the chunk-size line and ends after its blank line.
    let first = events[2].span.unwrap();
    assert_eq!(first.offset, resp.len() as u64 + 3);
    assert_eq!(first.len, 15);
    assert_eq!(events[2].t_us, 2);
    assert_eq!(events[3].t_us, 4);
    // The last chunk ends the body: its length and framing, and no diagnostic.
    assert!(diagnostics(&events).is_empty());
    let body_len = (chunk1.len() + chunk2.len() + chunk3.len()) as u64;
    assert_eq!(
        events[4].kind,
        EventKind::HttpBodyEnd {
            body_len,
            complete: true,
            chunked_overhead: Some(5 + 6 + 5 + 5),
        }
    );
    assert_eq!(
        events[4].span,
        Some(StreamSpan {
            offset: resp.len() as u64,
            len: body_len
        })
    );
    assert_eq!(events[4].t_us, 4);
}

#[test]
fn event_stream_cut_by_the_close() {
    let resp =
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
    let c1 = chunk(b"data: a\n\n");
    let c2 = chunk(b"data: half");
    let events = dissect(&[
        (Dir::C2s, REQ1),
        (Dir::S2c, resp),
        (Dir::S2c, &c1),
        (Dir::S2c, &c2),
    ]);
    assert_eq!(
        kinds(&events),
        [
            "http_request",
            "http_response",
            "sse_event",
            "http_body_end",
            "diagnostic"
        ]
    );
    assert_eq!(
        events[3].kind,
        EventKind::HttpBodyEnd {
            body_len: (c1.len() + c2.len()) as u64,
            complete: false,
            chunked_overhead: Some(2 * 5),
        }
    );
    let diags = diagnostics(&events);
    assert_eq!(diags[0].0, Severity::Info);
    assert!(diags[0].1.contains("never dispatched"), "{}", diags[0].1);
}

#[test]
fn event_stream_with_content_length() {
    let body = b"data: x\r\n\r\ndata: y\r\n\r\n";
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let mut resp = head.into_bytes();
    resp.extend_from_slice(body);
    let events = dissect(&[(Dir::C2s, REQ1), (Dir::S2c, &resp)]);
    assert_eq!(
        kinds(&events),
        [
            "http_request",
            "http_response",
            "sse_event",
            "sse_event",
            "http_body_end"
        ]
    );
    assert!(matches!(
        events[4].kind,
        EventKind::HttpBodyEnd { complete: true, chunked_overhead: None, body_len } if body_len == body.len() as u64
    ));
}

#[test]
fn truncated_body_and_head_at_close() {
    let events = dissect(&[
        (
            Dir::C2s,
            b"GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /next HTTP/1.1\r\nHo",
        ),
        (
            Dir::S2c,
            b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
        ),
    ]);
    assert_eq!(
        kinds(&events),
        ["http_request", "diagnostic", "http_response", "diagnostic"]
    );
    let diags = diagnostics(&events);
    assert!(
        diags[0].1.contains("middle of an HTTP request head"),
        "{}",
        diags[0].1
    );
    assert!(diags[1].1.contains("3 of 10 bytes"), "{}", diags[1].1);
    assert_eq!(diags[1].2.as_deref(), Some("RFC 9112 §8"));
    assert_eq!(http_summary(&events[2]).2, 3);
}

#[test]
fn refused_upgrade_resumes_http() {
    let upgrade = b"GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    let refusal =
        b"HTTP/1.1 426 Upgrade Required\r\nUpgrade: websocket\r\nContent-Length: 4\r\n\r\nnope";
    let mut c2s = upgrade.to_vec();
    c2s.extend_from_slice(REQ1);
    let events = dissect(&[(Dir::C2s, &c2s), (Dir::S2c, refusal), (Dir::S2c, RESP1)]);
    let names = kinds(&events);
    assert_eq!(names[0], "http_request");
    // The held request is parsed once the refusal decided the protocol.
    assert_eq!(names.iter().filter(|n| **n == "http_request").count(), 2);
    assert_eq!(names.iter().filter(|n| **n == "http_response").count(), 2);
    let check = events
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::WsUpgradeCheck {
                valid,
                key,
                expected_accept,
                ..
            } => Some((*valid, key.clone(), expected_accept.clone())),
            _ => None,
        })
        .expect("an upgrade check");
    assert_eq!(
        check,
        (
            false,
            "dGhlIHNhbXBsZSBub25jZQ==".to_string(),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=".to_string()
        )
    );
    assert!(
        diagnostics(&events)
            .iter()
            .any(|d| d.0 == Severity::Warning && d.1.contains("426"))
    );
}

// ------------------------------------------------------------------ real capture

#[test]
fn real_capture_short_polling_keep_alive() {
    let segments = pcap_payloads(&shared_fixture("http_short_poll.pcap"));
    let script = script_of(&segments);
    let events = dissect(&script);
    assert!(
        diagnostics(&events).is_empty(),
        "{:?}",
        diagnostics(&events)
    );
    let reqs = events
        .iter()
        .filter(|e| e.kind.name() == "http_request")
        .count();
    let resps = events
        .iter()
        .filter(|e| e.kind.name() == "http_response")
        .count();
    assert_eq!((reqs, resps), (16, 16));
}

#[test]
fn real_capture_sse() {
    let segments = pcap_payloads(&shared_fixture("http_sse.pcap"));
    let script = script_of(&segments);
    let events = dissect(&script);
    let sse: Vec<_> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::SseEvent { id, data, .. } => Some((id.clone(), data.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(sse.len(), 6, "{events:#?}");
    assert!(sse[0].1.starts_with('{'), "{:?}", sse[0]);
    assert!(diagnostics(&events).iter().all(|d| d.0 == Severity::Info));
}

#[test]
fn event_stream_keeps_the_retry_field_on_the_events() {
    // A retry-only block dispatches nothing but sets the reconnection time for what follows
    // (WHATWG HTML §9.2.6); a value with anything but digits is ignored.
    let resp = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\nretry: 3000\n\ndata: a\n\nretry: 2s\ndata: b\n\n";
    let events = dissect(&[
        (Dir::C2s, b"GET /sse HTTP/1.1\r\nHost: x\r\n\r\n"),
        (Dir::S2c, resp),
    ]);
    let retries: Vec<Option<u64>> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::SseEvent { retry, .. } => Some(*retry),
            _ => None,
        })
        .collect();
    assert_eq!(retries, [Some(3000), Some(3000)]);
}
