//! The lab's failure scenarios, the HTTP connection scenarios and the myth scenarios
//! (`ws-sample-key`, `ws-two-urls`), each run on 127.0.0.1 port 0
//! and checked against what RFC 6455 / RFC 9112 prescribe: status codes, close codes, who
//! closes, what the browser-API lane reports, and the rule a diagnostic names. Literal values
//! (codes, lengths, bytes) are written here, never taken from the code that drives the clients.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use std::time::Duration;

use base64::Engine as _;
use sha1::Digest as _;
use wirelab::lab::{Lab, LabCommand, LabUpdate, RunMode, run_scenario};
use wirelab::trace::describe::{note, note_in};
use wirelab::trace::{ApiObject, Dir, Event, EventKind, Side, Trace};

mod support;
use support::lab::{pump, socket_lab};
use support::lab_step::Stepper;

fn run(name: &str) -> Trace {
    let trace = run_scenario(name, socket_lab()).unwrap();
    assert_eq!(trace.source.scenario.as_deref(), Some(name));
    assert!(trace.events.windows(2).all(|w| w[0].t_us <= w[1].t_us));
    trace
}

/// The id of the connection whose lane is `label`.
fn conn(trace: &Trace, label: &str) -> u32 {
    trace
        .connections
        .iter()
        .find(|c| c.label.as_deref() == Some(label))
        .unwrap_or_else(|| panic!("no connection {label}"))
        .id
}

fn on(trace: &Trace, conn: u32) -> impl Iterator<Item = &Event> {
    trace.events.iter().filter(move |e| e.conn == Some(conn))
}

/// The statuses of the responses on `conn`, in order.
fn statuses(trace: &Trace, conn: u32) -> Vec<u16> {
    on(trace, conn)
        .filter_map(|e| match &e.kind {
            EventKind::HttpResponse { status, .. } => Some(*status),
            _ => None,
        })
        .collect()
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The close frames on `conn`: (direction, code, reason).
fn closes(trace: &Trace, conn: u32) -> Vec<(Dir, Option<u16>, String)> {
    on(trace, conn)
        .filter_map(|e| match &e.kind {
            EventKind::WsMessage {
                opcode: 8,
                close_code,
                close_reason,
                ..
            } => Some((
                e.dir.unwrap(),
                *close_code,
                close_reason.clone().unwrap_or_default(),
            )),
            _ => None,
        })
        .collect()
}

/// Who closed the TCP connection first (the tap's one `tcp_close`).
fn closed_by(trace: &Trace, conn: u32) -> Side {
    let found: Vec<Side> = on(trace, conn)
        .filter_map(|e| match &e.kind {
            EventKind::TcpClose { initiator, .. } => *initiator,
            _ => None,
        })
        .collect();
    assert_eq!(found.len(), 1, "one tcp_close on #{conn}: {found:?}");
    found[0]
}

/// The browser-API lane's handlers on `conn`: (fires, code, wasClean).
fn api(trace: &Trace, conn: u32) -> Vec<(String, Option<u16>, Option<bool>)> {
    on(trace, conn)
        .filter_map(|e| match &e.kind {
            EventKind::Api {
                fires: Some(fires),
                code,
                was_clean,
                ..
            } => Some((fires.clone(), *code, *was_clean)),
            _ => None,
        })
        .collect()
}

/// A failed connection: `error`, then `close` 1006 not clean (WHATWG; RFC 6455 §7.1.7).
fn assert_api_failed(trace: &Trace, conn: u32) {
    assert_eq!(
        api(trace, conn),
        vec![
            ("error".to_string(), None, None),
            ("close".to_string(), Some(1006), Some(false)),
        ]
    );
}

/// The diagnostics on `conn`: (direction, rule).
fn rules(trace: &Trace, conn: u32) -> Vec<(Option<Dir>, String)> {
    on(trace, conn)
        .filter_map(|e| match &e.kind {
            EventKind::Diagnostic { rule: Some(r), .. } => Some((e.dir, r.clone())),
            _ => None,
        })
        .collect()
}

/// Every byte the client sent on `conn`.
fn c2s_bytes(trace: &Trace, conn: u32) -> &[u8] {
    trace
        .streams
        .iter()
        .find(|s| s.conn == conn && s.dir == Some(Dir::C2s))
        .map_or(&[], |s| s.data.as_slice())
}

/// The note a view shows for `event` (with what came before it).
fn note_of(trace: &Trace, event: &Event) -> String {
    let i = trace
        .events
        .iter()
        .position(|e| std::ptr::eq(e, event))
        .unwrap();
    note_in(&trace.events[..i], event, wirelab::lang::Lang::En).unwrap_or_default()
}

/// The request's head length on `conn` (the first request).
fn first_request_head_len(trace: &Trace, conn: u32) -> u64 {
    on(trace, conn)
        .find_map(|e| match &e.kind {
            EventKind::HttpRequest { head_len, .. } => Some(*head_len),
            _ => None,
        })
        .unwrap()
}

#[test]
fn ws_bad_accept_the_client_fails_the_connection() {
    let t = run("ws-bad-accept");
    let c = conn(&t, "client");
    assert_eq!(statuses(&t, c), vec![101]);
    let (key, expected, accept) = on(&t, c)
        .find_map(|e| match &e.kind {
            EventKind::WsUpgradeCheck {
                key,
                expected_accept,
                accept,
                valid: false,
                ..
            } => Some((
                key.clone(),
                expected_accept.clone(),
                accept.clone().unwrap(),
            )),
            _ => None,
        })
        .expect("a failed upgrade check");
    // The server's value is base64(SHA-1(key)) without the GUID; the right one has it.
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    assert_eq!(accept, b64(&sha1::Sha1::digest(key.as_bytes())));
    let guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    assert_eq!(
        expected,
        b64(&sha1::Sha1::digest(format!("{key}{guid}").as_bytes()))
    );
    assert_ne!(accept, expected);
    // RFC 6455 §4.1: the client fails the connection; it sends nothing after its request
    // (no frame, not even a close: the connection was never established) and closes TCP first.
    assert!(rules(&t, c).contains(&(Some(Dir::S2c), "RFC 6455 §4.1".to_string())));
    assert_eq!(
        c2s_bytes(&t, c).len() as u64,
        first_request_head_len(&t, c),
        "the client sent nothing after its upgrade request"
    );
    assert!(closes(&t, c).is_empty());
    assert_eq!(closed_by(&t, c), Side::Client);
    assert_api_failed(&t, c);
    // The note names the slip and the rule.
    let check = on(&t, c)
        .find(|e| matches!(e.kind, EventKind::WsUpgradeCheck { .. }))
        .unwrap();
    let n = note_of(&t, check);
    assert!(n.contains("GUID left out"), "{n}");
    assert!(n.contains("RFC 6455 §7.1.7"), "{n}");
    // The connection never opened, so no closing handshake was due: no "stopped sending
    // without a close frame" warning for either side.
    let stray = on(&t, c).find(|e| match &e.kind {
        EventKind::Diagnostic { message, .. } => message.contains("without a close frame"),
        _ => false,
    });
    assert!(stray.is_none(), "{stray:?}");
}

#[test]
fn ws_missing_upgrade_gets_400_and_stays_http() {
    let t = run("ws-missing-upgrade");
    let c = conn(&t, "client");
    let request = on(&t, c)
        .find_map(|e| match &e.kind {
            EventKind::HttpRequest { headers, .. } => Some(headers.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(header(&request, "upgrade"), None);
    assert!(header(&request, "sec-websocket-key").is_some());
    // 400 (RFC 6455 §4.2.1), then a plain GET on the same connection gets 200.
    assert_eq!(statuses(&t, c), vec![400, 200]);
    assert_eq!(t.connections.len(), 1);
    // No WebSocket on it: no frame, and the browser-API lane shows fetch(), not a WebSocket.
    assert!(!on(&t, c).any(|e| matches!(
        e.kind,
        EventKind::WsFrame { .. }
            | EventKind::Api {
                object: ApiObject::WebSocket,
                ..
            }
    )));
    let refusal = on(&t, c)
        .find(|e| matches!(e.kind, EventKind::HttpResponse { status: 400, .. }))
        .unwrap();
    let n = note_of(&t, refusal);
    assert!(n.contains("it lacks Upgrade: websocket"), "{n}");
    assert!(n.contains("RFC 6455 §4.2.1"), "{n}");
    assert!(n.contains("still HTTP"), "{n}");
    assert_eq!(closed_by(&t, c), Side::Client);
}

#[test]
fn ws_bad_version_gets_426_naming_13() {
    let t = run("ws-bad-version");
    let c = conn(&t, "client");
    let request = on(&t, c)
        .find_map(|e| match &e.kind {
            EventKind::HttpRequest { headers, .. } => Some(headers.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(header(&request, "sec-websocket-version"), Some("8"));
    let response = on(&t, c)
        .find_map(|e| match &e.kind {
            EventKind::HttpResponse {
                status, headers, ..
            } => Some((*status, headers.clone())),
            _ => None,
        })
        .unwrap();
    assert_eq!(response.0, 426);
    // RFC 6455 §4.4: the versions the server speaks; RFC 9110 §15.5.22: the Upgrade header.
    assert_eq!(header(&response.1, "sec-websocket-version"), Some("13"));
    assert_eq!(
        header(&response.1, "upgrade").map(str::to_ascii_lowercase),
        Some("websocket".to_string())
    );
    assert_api_failed(&t, c);
}

/// The failure of a server-side rule: the client's offending message or frame, then the
/// server's close with `code` whose reason names `rule`, the client's close in answer, and the
/// server's TCP close first; the browser-API lane closes with `code`, cleanly.
fn assert_server_failed(t: &Trace, c: u32, code: u16, rule: &str) {
    let closes = closes(t, c);
    assert_eq!(closes.len(), 2, "{closes:?}");
    assert_eq!(closes[0].0, Dir::S2c);
    assert_eq!(closes[0].1, Some(code));
    assert!(closes[0].2.contains(rule), "{closes:?}");
    assert!(
        closes[0].2.len() <= 123,
        "a close reason fits a control frame"
    );
    assert_eq!(closes[1].0, Dir::C2s);
    assert_eq!(closes[1].1, Some(code), "the client echoes the code");
    assert_eq!(closed_by(t, c), Side::Server);
    let api = api(t, c);
    assert_eq!(
        api.last(),
        Some(&("close".to_string(), Some(code), Some(true)))
    );
    // The close's note names the code's rule.
    let close = on(t, c)
        .find(|e| {
            e.dir == Some(Dir::S2c) && matches!(e.kind, EventKind::WsMessage { opcode: 8, .. })
        })
        .unwrap();
    let n = note(close, wirelab::lang::Lang::En).unwrap();
    assert!(n.starts_with(&format!("{code} (")), "{n}");
}

#[test]
fn ws_unmasked_is_closed_with_1002() {
    let t = run("ws-unmasked");
    let c = conn(&t, "client");
    let frame = on(&t, c)
        .find_map(|e| match &e.kind {
            EventKind::WsFrame {
                masked,
                opcode,
                payload_len,
                ..
            } if e.dir == Some(Dir::C2s) => Some((*masked, *opcode, *payload_len)),
            _ => None,
        })
        .unwrap();
    assert_eq!(frame, (false, 1, 15));
    // The dissector names the rule the frame breaks; so does the server's close reason.
    assert!(rules(&t, c).contains(&(Some(Dir::C2s), "RFC 6455 §5.1".to_string())));
    assert_server_failed(&t, c, 1002, "RFC 6455 §5.1");
    // Nothing was echoed: the frame was not processed.
    assert!(!on(&t, c).any(
        |e| e.dir == Some(Dir::S2c) && matches!(e.kind, EventKind::WsMessage { opcode: 1, .. })
    ));
}

#[test]
fn ws_bad_utf8_is_closed_with_1007_also_across_fragments() {
    let t = run("ws-bad-utf8");
    // The test's own view of the bytes: E9 alone is not UTF-8; "caf" C3 is a valid start that
    // needs one more byte; C3 followed by 28 is invalid, at the byte that straddles the split.
    let utf8 = |bytes: &[u8]| std::str::from_utf8(std::hint::black_box(bytes)).map(drop);
    assert!(utf8(b"caf\xe9").is_err());
    let first = utf8(b"caf\xc3").unwrap_err();
    assert_eq!((first.valid_up_to(), first.error_len()), (3, None));
    let whole = utf8(b"caf\xc3(au lait)").unwrap_err();
    assert_eq!((whole.valid_up_to(), whole.error_len()), (3, Some(1)));

    let one = conn(&t, "one frame");
    assert!(rules(&t, one).contains(&(Some(Dir::C2s), "RFC 6455 §8.1".to_string())));
    assert_server_failed(&t, one, 1007, "RFC 6455 §8.1");

    let two = conn(&t, "two fragments");
    let frames: Vec<(bool, u8, u64, i64)> = on(&t, two)
        .filter_map(|e| match &e.kind {
            EventKind::WsFrame {
                fin,
                opcode,
                payload_len,
                ..
            } if e.dir == Some(Dir::C2s) => Some((*fin, *opcode, *payload_len, e.t_us)),
            _ => None,
        })
        .collect();
    assert_eq!(frames.len(), 3, "two fragments and the close: {frames:?}");
    assert_eq!((frames[0].0, frames[0].1, frames[0].2), (false, 1, 4));
    assert_eq!((frames[1].0, frames[1].1, frames[1].2), (true, 0, 9));
    let message = on(&t, two)
        .find_map(|e| match &e.kind {
            EventKind::WsMessage {
                opcode: 1,
                fragments,
                text,
                payload_len,
                ..
            } if e.dir == Some(Dir::C2s) => Some((*fragments, text.clone(), *payload_len)),
            _ => None,
        })
        .unwrap();
    assert_eq!(message, (2, None, 13));
    // The server did not fail on the first fragment (valid so far): its close follows the
    // second one.
    let server_close = on(&t, two)
        .find(|e| {
            e.dir == Some(Dir::S2c) && matches!(e.kind, EventKind::WsMessage { opcode: 8, .. })
        })
        .unwrap();
    assert!(server_close.t_us >= frames[1].3);
    assert!(rules(&t, two).contains(&(Some(Dir::C2s), "RFC 6455 §8.1".to_string())));
    assert_server_failed(&t, two, 1007, "RFC 6455 §8.1");
}

#[test]
fn ws_too_big_is_closed_with_1009() {
    let t = run("ws-too-big");
    let c = conn(&t, "client");
    let sent = on(&t, c)
        .find_map(|e| match &e.kind {
            EventKind::WsMessage {
                opcode: 1,
                payload_len,
                ..
            } if e.dir == Some(Dir::C2s) => Some(*payload_len),
            _ => None,
        })
        .unwrap();
    assert_eq!(sent, 5000);
    assert_server_failed(&t, c, 1009, "RFC 6455 §10.4");
    let (_, _, reason) = &closes(&t, c)[0];
    assert!(
        reason.contains("5000") && reason.contains("4096"),
        "{reason}"
    );
}

#[test]
fn ws_ping_timeout_the_server_gives_up_with_1011() {
    let t = run("ws-ping-timeout");
    let c = conn(&t, "client");
    let pings = on(&t, c)
        .filter(|e| {
            e.dir == Some(Dir::S2c) && matches!(e.kind, EventKind::WsMessage { opcode: 9, .. })
        })
        .count();
    assert_eq!(pings, 1);
    // The client never answered: after its upgrade request it sent nothing at all.
    assert_eq!(c2s_bytes(&t, c).len() as u64, first_request_head_len(&t, c));
    assert_eq!(
        closes(&t, c),
        vec![(Dir::S2c, Some(1011), "ping timeout".to_string())]
    );
    assert_eq!(closed_by(&t, c), Side::Server);
    assert_eq!(
        api(&t, c).last(),
        Some(&("close".to_string(), Some(1011), Some(false)))
    );
    let close = on(&t, c)
        .find(|e| matches!(e.kind, EventKind::WsMessage { opcode: 8, .. }))
        .unwrap();
    let n = note(close, wirelab::lang::Lang::En).unwrap();
    assert!(n.contains("RFC 6455 §5.5.2"), "{n}");
    assert!(n.contains("no timeout"), "{n}");
}

#[test]
fn ws_abrupt_the_server_reports_1006_never_on_the_wire() {
    let t = run("ws-abrupt");
    let c = conn(&t, "client");
    // No close frame either way; the client ended TCP first.
    assert!(closes(&t, c).is_empty());
    assert_eq!(closed_by(&t, c), Side::Client);
    let abnormal = on(&t, c)
        .find(|e| {
            e.dir == Some(Dir::C2s)
                && matches!(&e.kind, EventKind::Diagnostic { rule: Some(r), message, .. }
                    if r == "RFC 6455 §7.1.5" && message.contains("1006"))
        })
        .expect("the server side's 1006");
    let n = note(abnormal, wirelab::lang::Lang::En).unwrap();
    assert!(n.contains("never sent in a close frame"), "{n}");
    assert_eq!(
        api(&t, c).last(),
        Some(&("close".to_string(), Some(1006), Some(false)))
    );
}

#[test]
fn ws_origin_accepts_the_own_origin_and_refuses_another() {
    let t = run("ws-origin");
    let lab = conn(&t, "lab page");
    let other = conn(&t, "other site");
    let origin = |c: u32| {
        on(&t, c)
            .find_map(|e| match &e.kind {
                EventKind::HttpRequest { headers, .. } => {
                    header(headers, "origin").map(str::to_string)
                }
                _ => None,
            })
            .unwrap()
    };
    let server = t.source.server.clone().unwrap();
    assert_eq!(origin(lab), format!("http://{server}"));
    assert_eq!(origin(other), "http://other.example");
    assert_eq!(statuses(&t, lab), vec![101]);
    assert_eq!(statuses(&t, other), vec![403]);
    assert_eq!(
        api(&t, lab).first(),
        Some(&("open".to_string(), None, None))
    );
    assert_eq!(
        api(&t, lab).last(),
        Some(&("close".to_string(), Some(1000), Some(true)))
    );
    assert_api_failed(&t, other);
    let refusal = on(&t, other)
        .find(|e| matches!(e.kind, EventKind::HttpResponse { status: 403, .. }))
        .unwrap();
    let n = note_of(&t, refusal);
    assert!(n.contains("refuse pages of other sites"), "{n}");
    assert!(n.contains("RFC 6455 §10.2"), "{n}");
    assert!(!n.to_ascii_lowercase().contains("no same-origin"), "{n}");
}

fn accepts(t: &Trace) -> usize {
    t.events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::TcpAccept { .. }))
        .count()
}

#[test]
fn http_1_0_opens_a_connection_per_request() {
    let t = run("http-1.0");
    assert_eq!(t.connections.len(), 3);
    assert_eq!(accepts(&t), 3, "three TCP handshakes");
    for c in &t.connections {
        let versions: Vec<(String, String)> = on(&t, c.id)
            .filter_map(|e| match &e.kind {
                EventKind::HttpRequest { version, .. } => Some(("req".into(), version.clone())),
                EventKind::HttpResponse {
                    version, status, ..
                } => Some((status.to_string(), version.clone())),
                _ => None,
            })
            .collect();
        assert_eq!(
            versions,
            vec![
                ("req".to_string(), "HTTP/1.0".to_string()),
                ("200".to_string(), "HTTP/1.0".to_string())
            ]
        );
        // RFC 9112 §9.3, §9.6: without keep-alive the connection closes after the response;
        // the server initiates the close and the client closes once it has read the response,
        // so which FIN comes first is a race. Either way nothing follows the response.
        closed_by(&t, c.id);
        assert_eq!(
            on(&t, c.id)
                .filter(|e| matches!(e.kind, EventKind::HttpRequest { .. }))
                .count(),
            1
        );
        let request = on(&t, c.id)
            .find(|e| matches!(e.kind, EventKind::HttpRequest { .. }))
            .unwrap();
        assert!(
            note(request, wirelab::lang::Lang::En)
                .unwrap()
                .contains("RFC 9112 §9.3")
        );
    }
}

#[test]
fn http_keep_alive_uses_one_connection() {
    let t = run("http-keep-alive");
    assert_eq!(t.connections.len(), 1);
    assert_eq!(accepts(&t), 1, "one TCP handshake");
    let c = t.connections[0].id;
    assert_eq!(statuses(&t, c), vec![200, 200, 200]);
    assert_eq!(closed_by(&t, c), Side::Client);
    let requests: Vec<&Event> = on(&t, c)
        .filter(|e| matches!(e.kind, EventKind::HttpRequest { .. }))
        .collect();
    assert_eq!(requests.len(), 3);
    assert!(!note_of(&t, requests[0]).contains("on this TCP connection"));
    let third = note_of(&t, requests[2]);
    assert!(
        third.contains("Request 3 on this TCP connection"),
        "{third}"
    );
}

#[test]
fn http_post_frames_bodies_by_length_and_by_chunks() {
    let t = run("http-post");
    let c = conn(&t, "client");
    /// A POST: the event, its headers, its body length and chunk framing.
    type Post<'a> = (&'a Event, Vec<(String, String)>, u64, Option<u64>);
    let posts: Vec<Post> = on(&t, c)
        .filter_map(|e| match &e.kind {
            EventKind::HttpRequest {
                method,
                headers,
                body_len,
                chunked_overhead,
                ..
            } if method == "POST" => Some((e, headers.clone(), *body_len, *chunked_overhead)),
            _ => None,
        })
        .collect();
    assert_eq!(posts.len(), 2);
    // name=wirelab&lesson=body+framing: 32 bytes.
    assert_eq!(header(&posts[0].1, "content-length"), Some("32"));
    assert_eq!((posts[0].2, posts[0].3), (32, None));
    assert!(
        note(posts[0].0, wirelab::lang::Lang::En)
            .unwrap()
            .contains("Content-Length: 32 bytes")
    );
    // 13 + 14 + 17 data bytes; framing: "d\r\n…\r\n" (5), "e\r\n…\r\n" (5), "11\r\n…\r\n" (6),
    // "0\r\n\r\n" (5).
    assert_eq!(header(&posts[1].1, "transfer-encoding"), Some("chunked"));
    assert_eq!(header(&posts[1].1, "content-length"), None);
    assert_eq!((posts[1].2, posts[1].3), (44 + 21, Some(21)));
    assert!(
        note(posts[1].0, wirelab::lang::Lang::En)
            .unwrap()
            .contains("RFC 9112 §7.1")
    );
    assert_eq!(statuses(&t, c), vec![200, 200]);
}

/// Every failure scenario is steppable like the others: in step mode the server answers only
/// at its own stages (the `ServerHeld` barrier), and each of its stages says something.
#[test]
fn the_failure_scenarios_step_honestly() {
    for name in [
        "ws-missing-upgrade",
        "ws-bad-version",
        "ws-unmasked",
        "ws-bad-utf8",
        "ws-too-big",
        "ws-ping-timeout",
        "ws-origin",
        "http-1.0",
        "http-keep-alive",
        "http-post",
    ] {
        Stepper::start(name).step_through(name);
    }
}

/// The two scenarios whose last server stage closes a socket the client already closed: in
/// step mode the server's TCP close comes only with the last step.
#[test]
fn the_server_closes_only_at_its_stage_after_the_client_left() {
    for name in ["ws-bad-accept", "ws-abrupt"] {
        let stages = wirelab::lab::scenario::scenario(name).unwrap().stages.len();
        let lab = Lab::start(socket_lab(), None).unwrap();
        lab.send(LabCommand::Start {
            scenario: name.to_string(),
            mode: RunMode::Step,
        });
        let mut trace = None;
        for i in 0..stages {
            lab.send(LabCommand::Step);
            pump(
                &lab,
                &mut trace,
                Duration::from_secs(20),
                |u, _| matches!(u, LabUpdate::StageDone { index, .. } if *index == i),
            );
            let closed = trace
                .as_ref()
                .unwrap()
                .events
                .iter()
                .any(|e| matches!(e.kind, EventKind::TcpClose { .. }));
            assert_eq!(closed, i + 1 == stages, "{name}: stage {i}");
        }
        pump(&lab, &mut trace, Duration::from_secs(20), |u, _| {
            *u == LabUpdate::Finished
        });
    }
}

/// In packet mode the failures end as cleanly on the wire as the RFCs ask: a FIN each way, no
/// reset (nothing closed with unread data), and the first FIN from the side that closes first.
/// Needs capture permission (see `support::capture`).
#[test]
fn failures_end_with_fins_not_resets_in_packet_mode() {
    use support::capture::{Capture, require_capture};
    use wirelab::lab::{CaptureMode, LabConfig};
    if require_capture("lab_failures::failures_end_with_fins_not_resets_in_packet_mode")
        == Capture::Skipped
    {
        return;
    }
    let config = || LabConfig {
        capture: CaptureMode::Packet,
        ..LabConfig::default()
    };
    for (name, first) in [
        ("ws-bad-accept", Some(Dir::C2s)),
        ("ws-unmasked", Some(Dir::S2c)),
        ("ws-bad-utf8", Some(Dir::S2c)),
        ("ws-too-big", Some(Dir::S2c)),
        ("ws-ping-timeout", Some(Dir::S2c)),
        ("ws-abrupt", Some(Dir::C2s)),
        // Both sides close after the response (RFC 9112 §9.6), whichever FIN comes first.
        ("http-1.0", None),
    ] {
        let t = run_scenario(name, config()).unwrap();
        assert_eq!(t.source.capture.as_deref(), Some("packet+socket"));
        for c in &t.connections {
            let fins: Vec<Dir> = on(&t, c.id)
                .filter(|e| matches!(e.kind, EventKind::TcpFin(_)))
                .map(|e| e.dir.unwrap())
                .collect();
            assert_eq!(fins.len(), 2, "{name} #{}: {fins:?}", c.id);
            if let Some(first) = first {
                assert_eq!(fins[0], first, "{name} #{}: who closes first", c.id);
            }
            assert!(
                !on(&t, c.id).any(|e| matches!(e.kind, EventKind::TcpRst(_))),
                "{name} #{}: a reset",
                c.id
            );
        }
    }
}

/// The request header `name` on `conn`'s first request, and the response header `name` on its
/// first response.
fn request_header(t: &Trace, c: u32, name: &str) -> Option<String> {
    on(t, c).find_map(|e| match &e.kind {
        EventKind::HttpRequest { headers, .. } => header(headers, name).map(str::to_string),
        _ => None,
    })
}

fn response_header(t: &Trace, c: u32, name: &str) -> Option<String> {
    on(t, c).find_map(|e| match &e.kind {
        EventKind::HttpResponse { headers, .. } => header(headers, name).map(str::to_string),
        _ => None,
    })
}

/// A connection that opened and closed cleanly: 101, close 1000 both ways, the server's TCP
/// close first, and the API lane's `open` … `close` 1000 clean.
fn assert_opened_and_closed_cleanly(t: &Trace, c: u32) {
    assert_eq!(statuses(t, c), vec![101]);
    let codes: Vec<(Dir, Option<u16>)> = closes(t, c).into_iter().map(|(d, c, _)| (d, c)).collect();
    assert_eq!(codes, vec![(Dir::C2s, Some(1000)), (Dir::S2c, Some(1000))]);
    assert_eq!(closed_by(t, c), Side::Server);
    let lane = api(t, c);
    assert_eq!(lane.first(), Some(&("open".to_string(), None, None)));
    assert_eq!(
        lane.last(),
        Some(&("close".to_string(), Some(1000), Some(true)))
    );
    assert!(rules(t, c).is_empty(), "{:?}", rules(t, c));
}

/// `ws-sample-key`: RFC 6455 §1.3's key gets the RFC's Accept; the article's mistyped key gets
/// the Accept SHA-1 gives for it, which is neither the RFC's nor the article's; both open and
/// close cleanly.
#[test]
fn ws_sample_key_the_server_answers_each_key_with_its_own_accept() {
    let t = run("ws-sample-key");
    let rfc = conn(&t, "rfc-key");
    let seed = conn(&t, "seed-key");
    assert_eq!(t.connections.len(), 2);
    assert_eq!(
        request_header(&t, rfc, "sec-websocket-key").as_deref(),
        Some("dGhlIHNhbXBsZSBub25jZQ==")
    );
    assert_eq!(
        request_header(&t, seed, "sec-websocket-key").as_deref(),
        Some("dGhlIHNhbxBsZSBub25jZQ==")
    );
    // The RFC's value, byte for byte.
    assert_eq!(
        response_header(&t, rfc, "sec-websocket-accept").as_deref(),
        Some("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    );
    // base64(SHA-1(key + GUID)) of the mistyped key, computed here with sha1 and base64.
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    let seed_accept = b64(&sha1::Sha1::digest(
        format!("dGhlIHNhbxBsZSBub25jZQ=={guid}").as_bytes(),
    ));
    assert_eq!(seed_accept, "DRyeo2R2j4+bwTFGtX8wNbAiFxM=");
    let got = response_header(&t, seed, "sec-websocket-accept").unwrap();
    assert_eq!(got, seed_accept);
    assert_ne!(got, "S3pPLMBiTxaQ9kYGzzhZRbk+xOo=", "the article's Accept");
    assert_ne!(got, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    // The dissector's check agrees with both answers.
    for c in [rfc, seed] {
        let valid = on(&t, c).find_map(|e| match &e.kind {
            EventKind::WsUpgradeCheck { valid, .. } => Some(*valid),
            _ => None,
        });
        assert_eq!(valid, Some(true));
        assert_opened_and_closed_cleanly(&t, c);
    }
}

/// `ws-two-urls`: two URLs are two WebSockets, each on its own TCP connection with its own
/// handshake, message and close.
#[test]
fn ws_two_urls_open_two_connections() {
    let t = run("ws-two-urls");
    assert_eq!(t.connections.len(), 2);
    assert_eq!(accepts(&t), 2, "two TCP handshakes");
    let echo = conn(&t, "page /echo");
    let chat = conn(&t, "page /chat");
    let target = |c: u32| {
        on(&t, c)
            .find_map(|e| match &e.kind {
                EventKind::HttpRequest { target, .. } => Some(target.clone()),
                _ => None,
            })
            .unwrap()
    };
    assert_eq!(
        (target(echo), target(chat)),
        ("/echo".into(), "/chat".into())
    );
    let texts = |c: u32| -> Vec<(Dir, String)> {
        on(&t, c)
            .filter_map(|e| match &e.kind {
                EventKind::WsMessage {
                    opcode: 1,
                    text: Some(text),
                    ..
                } => Some((e.dir.unwrap(), text.clone())),
                _ => None,
            })
            .collect()
    };
    assert_eq!(
        texts(echo),
        vec![
            (Dir::C2s, "hello /echo".to_string()),
            (Dir::S2c, "hello /echo".to_string())
        ]
    );
    // The chat room relays with the sender's name (none given: "anonymous").
    assert_eq!(
        texts(chat),
        vec![
            (Dir::C2s, "hello /chat".to_string()),
            (Dir::S2c, "anonymous: hello /chat".to_string())
        ]
    );
    // Different client ports: two connections, not one shared.
    let ports: Vec<String> = t.connections.iter().map(|c| c.client.clone()).collect();
    assert_ne!(ports[0], ports[1]);
    for c in [echo, chat] {
        assert_opened_and_closed_cleanly(&t, c);
    }
}

#[test]
fn the_myth_scenarios_step_honestly() {
    for name in ["ws-sample-key", "ws-two-urls"] {
        Stepper::start(name).step_through(name);
    }
}
