//! Lab round trips on 127.0.0.1 port 0: every scenario in run mode, and step mode.
//! Real server, real clients, real sockets; waiting is always on a condition with a deadline.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use wirelab::lab::{Lab, LabCommand, LabUpdate, RunMode, run_scenario, scenarios};
use wirelab::trace::{Dir, Event, EventKind, Side, Trace};

mod support;
use support::lab::{get_hello, pump, socket_lab};
use support::lab_step::Stepper;

fn kinds(trace: &Trace) -> Vec<&'static str> {
    trace.events.iter().map(|e| e.kind.name()).collect()
}

/// Asserts that `wanted` appear in this order (not necessarily adjacent).
fn assert_in_order(trace: &Trace, wanted: &[&str]) {
    let all = kinds(trace);
    let mut at = 0;
    for want in wanted {
        match all.iter().skip(at).position(|k| k == want) {
            Some(p) => at += p + 1,
            None => panic!("{want} missing (in order {wanted:?}) in {all:?}"),
        }
    }
}

/// A decoded WebSocket message: (conn, dir, opcode, payload bytes, close code, close reason).
#[derive(Debug, Clone, PartialEq)]
struct Msg {
    conn: u32,
    dir: Dir,
    opcode: u8,
    payload: Vec<u8>,
    close_code: Option<u16>,
    close_reason: Option<String>,
    fragments: u32,
}

fn messages(trace: &Trace) -> Vec<Msg> {
    trace
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::WsMessage {
                opcode,
                text,
                data_b64,
                close_code,
                close_reason,
                fragments,
                ..
            } => Some(Msg {
                conn: e.conn.unwrap(),
                dir: e.dir.unwrap(),
                opcode: *opcode,
                payload: match (text, data_b64) {
                    (Some(t), _) => t.as_bytes().to_vec(),
                    (None, Some(b)) => BASE64.decode(b).unwrap(),
                    (None, None) => Vec::new(),
                },
                close_code: *close_code,
                close_reason: close_reason.clone(),
                fragments: *fragments,
            }),
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

fn diagnostics(trace: &Trace) -> Vec<&Event> {
    trace
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Diagnostic { .. }))
        .collect()
}

fn check_lab_source(trace: &Trace, scenario: &str) {
    assert_eq!(trace.source.kind, "lab");
    assert_eq!(trace.source.scenario.as_deref(), Some(scenario));
    assert_eq!(trace.source.capture.as_deref(), Some("socket"));
    let server = trace.source.server.as_deref().unwrap();
    assert!(server.starts_with("127.0.0.1:"), "{server}");
    assert!(
        !server.ends_with(":0"),
        "the real port is recorded: {server}"
    );
    assert!(
        trace
            .source
            .tool
            .as_deref()
            .unwrap()
            .starts_with("wirelab ")
    );
    // Events are in time order.
    assert!(trace.events.windows(2).all(|w| w[0].t_us <= w[1].t_us));
}

/// The upgrade request, 101 and a valid accept check on `conn`.
fn check_upgrade(trace: &Trace, conn: u32, path: &str) {
    let request = trace
        .events
        .iter()
        .find(|e| e.conn == Some(conn) && e.kind.name() == "http_request")
        .unwrap();
    let EventKind::HttpRequest {
        method,
        target,
        headers,
        ..
    } = &request.kind
    else {
        unreachable!()
    };
    assert_eq!(method, "GET");
    assert_eq!(target, path);
    assert_eq!(
        header(headers, "upgrade")
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("websocket")
    );
    assert_eq!(request.dir, Some(Dir::C2s));
    let response = trace
        .events
        .iter()
        .find(|e| e.conn == Some(conn) && e.kind.name() == "http_response")
        .unwrap();
    let EventKind::HttpResponse { status, .. } = &response.kind else {
        unreachable!()
    };
    assert_eq!(*status, 101);
    let check = trace
        .events
        .iter()
        .find(|e| e.conn == Some(conn) && e.kind.name() == "ws_upgrade_check")
        .unwrap();
    let EventKind::WsUpgradeCheck {
        valid,
        accept,
        expected_accept,
        ..
    } = &check.kind
    else {
        unreachable!()
    };
    assert!(*valid);
    assert_eq!(accept.as_deref(), Some(expected_accept.as_str()));
}

/// Client close 1000 `reason`, the server's close 1000 reply, then the server closes TCP.
fn check_close(trace: &Trace, conn: u32, reason: &str) {
    let closes: Vec<Msg> = messages(trace)
        .into_iter()
        .filter(|m| m.conn == conn && m.opcode == 8)
        .collect();
    assert_eq!(closes.len(), 2, "{closes:?}");
    assert_eq!(closes[0].dir, Dir::C2s);
    assert_eq!(closes[0].close_code, Some(1000));
    assert_eq!(closes[0].close_reason.as_deref(), Some(reason));
    assert_eq!(closes[1].dir, Dir::S2c);
    assert_eq!(closes[1].close_code, Some(1000));
    let tcp_close: Vec<&Event> = trace
        .events
        .iter()
        .filter(|e| e.conn == Some(conn) && e.kind.name() == "tcp_close")
        .collect();
    assert_eq!(tcp_close.len(), 1);
    assert!(matches!(
        tcp_close[0].kind,
        EventKind::TcpClose {
            initiator: Some(Side::Server),
            ..
        }
    ));
}

#[test]
fn the_catalogue_lists_every_scenario() {
    let names: Vec<&str> = scenarios().iter().map(|s| s.name).collect();
    for name in [
        "http-get",
        "ws-echo",
        "ws-chat",
        "ws-push",
        "ws-subprotocol",
        "ws-deflate",
    ] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    assert!(
        scenarios()
            .iter()
            .all(|s| !s.summary.en.is_empty() && !s.summary.zh.is_empty())
    );
}

#[test]
fn an_unknown_scenario_names_the_valid_ones() {
    let err = run_scenario("ws-nope", socket_lab())
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown scenario \"ws-nope\""), "{err}");
    assert!(
        err.contains("http-get") && err.contains("ws-echo") && err.contains("ws-chat"),
        "{err}"
    );
}

#[test]
fn http_get_round_trip() {
    let trace = run_scenario("http-get", socket_lab()).unwrap();
    check_lab_source(&trace, "http-get");
    assert_eq!(trace.connections.len(), 1);
    assert_eq!(trace.connections[0].label.as_deref(), Some("client"));
    assert_in_order(
        &trace,
        &[
            "tcp_connect",
            "tcp_accept",
            "http_request",
            "http_response",
            "tcp_close",
        ],
    );
    let request = trace
        .events
        .iter()
        .find(|e| e.kind.name() == "http_request")
        .unwrap();
    assert!(
        matches!(&request.kind, EventKind::HttpRequest { method, target, .. } if method == "GET" && target == "/hello")
    );
    let response = trace
        .events
        .iter()
        .find(|e| e.kind.name() == "http_response")
        .unwrap();
    assert!(
        matches!(&response.kind, EventKind::HttpResponse { status: 200, body_len, .. } if *body_len > 0)
    );
    // The client closed first: the server saw EOF before it closed.
    let close = trace
        .events
        .iter()
        .find(|e| e.kind.name() == "tcp_close")
        .unwrap();
    assert!(matches!(
        close.kind,
        EventKind::TcpClose {
            initiator: Some(Side::Client),
            ..
        }
    ));
    assert!(diagnostics(&trace).is_empty(), "{:?}", diagnostics(&trace));
    let stages = trace
        .events
        .iter()
        .filter(|e| e.kind.name() == "stage")
        .count();
    assert_eq!(stages, 4);
}

/// A data message as (opcode, length, SHA-256 in hex).
type Digest = (u8, usize, String);

fn digest(opcode: u8, payload: &[u8]) -> Digest {
    use sha2::{Digest as _, Sha256};
    let hash = Sha256::digest(payload);
    let hex = hash.iter().map(|b| format!("{b:02x}")).collect();
    (opcode, payload.len(), hex)
}

fn literal(table: &[(u8, usize, &str)]) -> Vec<Digest> {
    table
        .iter()
        .map(|(op, len, sha)| (*op, *len, sha.to_string()))
        .collect()
}

/// What ws-echo sends, in order: (opcode, length, SHA-256), written out here rather than taken
/// from `lab::scenario` (the code that drives the clients), and hashed with Python's hashlib
/// from the scenario's description: "Hello, WebSocket!", binary 0..15, empty text, text of
/// 125 and 126 bytes (`abc…xyz0…9` repeated), binary of 70000 bytes counting mod 251, and
/// "Hello, fragmented world!" in three fragments.
const ECHO_SENT: [(u8, usize, &str); 7] = [
    (
        1,
        17,
        "95e10ba216929fab53fa212feac525091bd10292bdffc3eb0fbfe3b0ec8ea249",
    ),
    (
        2,
        16,
        "be45cb2605bf36bebde684841a28f0fd43c69850a3dce5fedba69928ee3a8991",
    ),
    (
        1,
        0,
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    ),
    (
        1,
        125,
        "1305f8d0484d4c46d613fb24a7671404171fcba38eb9b23f48b60f901ce9b9dc",
    ),
    (
        1,
        126,
        "1aea8c4cc550ec1e46ea4fdbf81fbe4526cecf890d4dbde28b407a66e6750fbc",
    ),
    (
        2,
        70_000,
        "9dc177c2fde29dea8e7c29f7ddf147b7c449c99d049c62f3aac0a5933ecf76a3",
    ),
    (
        1,
        24,
        "835e658839ba90b67bab4329dfb36b6eb5a5f7ea87e4290272d89e0290d33370",
    ),
];

/// What ws-deflate sends, in order, the same way: a 179-byte text twice (context takeover),
/// 70000 bytes of `abc…xyz0…9`, and 256 bytes of xorshift32 noise.
const DEFLATE_SENT: [(u8, usize, &str); 4] = [
    (
        1,
        179,
        "bd37d7dee79be9850cfed4121ab9709bbcb44287d1af52bae3b14339c10cea51",
    ),
    (
        1,
        179,
        "bd37d7dee79be9850cfed4121ab9709bbcb44287d1af52bae3b14339c10cea51",
    ),
    (
        1,
        70_000,
        "d62332496b996dd7092f0150335a3858a0f23aa1d65c851c9400766634802291",
    ),
    (
        2,
        256,
        "23ccd8a1ef04ae9b87d4744c822811455703479fe5b411fb061bf084ee962be2",
    ),
];

fn check_ws_echo(trace: &Trace) {
    assert_in_order(
        trace,
        &[
            "tcp_connect",
            "tcp_accept",
            "http_request",
            "http_response",
            "ws_upgrade_check",
            "ws_frame",
            "ws_message",
            "tcp_close",
        ],
    );
    check_upgrade(trace, 0, "/echo");
    let all = messages(trace);
    let data = |dir: Dir| -> Vec<Digest> {
        all.iter()
            .filter(|m| m.dir == dir && m.opcode < 8)
            .map(|m| digest(m.opcode, &m.payload))
            .collect()
    };
    let sent = literal(&ECHO_SENT);
    assert_eq!(data(Dir::C2s), sent, "client → server, byte for byte");
    assert_eq!(data(Dir::S2c), sent, "the echo, byte for byte");
    let fragmented = all
        .iter()
        .find(|m| m.dir == Dir::C2s && m.fragments == 3)
        .unwrap();
    assert_eq!(fragmented.payload, b"Hello, fragmented world!");
    // Ping → pong with the same payload.
    let ping = all.iter().position(|m| m.opcode == 9).unwrap();
    let pong = all.iter().position(|m| m.opcode == 10).unwrap();
    assert!(ping < pong);
    assert_eq!(all[ping].dir, Dir::C2s);
    assert_eq!(all[pong].dir, Dir::S2c);
    assert_eq!(all[ping].payload, b"are you there?");
    assert_eq!(all[pong].payload, b"are you there?");
    check_close(trace, 0, "bye");
    // Every client frame is masked, no server frame is (RFC 6455 §5.1); all three length forms occur.
    let mut header_lens = std::collections::BTreeSet::new();
    for e in &trace.events {
        if let EventKind::WsFrame {
            masked, header_len, ..
        } = &e.kind
        {
            assert_eq!(*masked, e.dir == Some(Dir::C2s));
            header_lens.insert(*header_len - if *masked { 4 } else { 0 });
        }
    }
    assert_eq!(header_lens.into_iter().collect::<Vec<_>>(), vec![2, 4, 10]);
    assert!(diagnostics(trace).is_empty(), "{:?}", diagnostics(trace));
}

#[test]
fn ws_echo_round_trip() {
    let trace = run_scenario("ws-echo", socket_lab()).unwrap();
    check_lab_source(&trace, "ws-echo");
    check_ws_echo(&trace);
    // The trace survives its own format.
    assert_eq!(Trace::from_json(&trace.to_json()).unwrap(), trace);
}

#[test]
fn ws_chat_round_trip() {
    let trace = run_scenario("ws-chat", socket_lab()).unwrap();
    check_lab_source(&trace, "ws-chat");
    let labels: Vec<Option<&str>> = trace
        .connections
        .iter()
        .map(|c| c.label.as_deref())
        .collect();
    assert_eq!(labels, vec![Some("alice"), Some("bob"), Some("carol")]);
    let all = messages(&trace);
    for (conn, name) in ["alice", "bob", "carol"].iter().enumerate() {
        let conn = conn as u32;
        check_upgrade(&trace, conn, &format!("/chat?name={name}"));
        let received: Vec<String> = all
            .iter()
            .filter(|m| m.conn == conn && m.dir == Dir::S2c && m.opcode == 1)
            .map(|m| String::from_utf8(m.payload.clone()).unwrap())
            .collect();
        assert_eq!(
            received,
            vec![
                "alice: hi everyone, alice here",
                "bob: hello alice, bob here"
            ],
            "{name} gets every relay, its own included"
        );
        check_close(&trace, conn, "bye");
    }
    assert!(diagnostics(&trace).is_empty(), "{:?}", diagnostics(&trace));
}

#[test]
fn ws_push_round_trip() {
    let trace = run_scenario("ws-push", socket_lab()).unwrap();
    check_lab_source(&trace, "ws-push");
    check_upgrade(&trace, 0, "/push?interval_ms=200");
    let ticks: Vec<String> = messages(&trace)
        .iter()
        .filter(|m| m.dir == Dir::S2c && m.opcode == 1)
        .map(|m| String::from_utf8(m.payload.clone()).unwrap())
        .collect();
    // The client closes after five; on a stalled machine a sixth may already be on its way.
    assert!(ticks.len() >= 5, "{ticks:?}");
    for (i, tick) in ticks.iter().enumerate() {
        assert_eq!(tick, &format!("tick {}", i + 1));
    }
    check_close(&trace, 0, "enough");
}

#[test]
fn ws_deflate_negotiates_compresses_and_inflates_what_was_sent() {
    let trace = run_scenario("ws-deflate", socket_lab()).unwrap();
    check_lab_source(&trace, "ws-deflate");
    check_upgrade(&trace, 0, "/deflate");
    let extensions = trace
        .events
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::WsExtensions {
                offered,
                negotiated,
            } => Some((offered, negotiated)),
            _ => None,
        })
        .expect("a ws_extensions event");
    assert!(
        extensions
            .0
            .iter()
            .any(|o| o.starts_with("permessage-deflate")),
        "{extensions:?}"
    );
    assert!(
        extensions
            .1
            .iter()
            .any(|n| n.starts_with("permessage-deflate")),
        "{extensions:?}"
    );
    // Every data frame is compressed (RSV1), both ways; control frames never are.
    let frames: Vec<(Dir, u8, bool)> = trace
        .events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::WsFrame { opcode, rsv1, .. } => Some((e.dir.unwrap(), opcode, rsv1)),
            _ => None,
        })
        .collect();
    let data: Vec<_> = frames.iter().filter(|f| f.1 == 1 || f.1 == 2).collect();
    assert_eq!(data.len(), 8, "four messages and their echoes: {frames:?}");
    assert!(
        data.iter().all(|f| f.2),
        "RSV1 on every data frame: {frames:?}"
    );
    assert!(frames.iter().filter(|f| f.1 >= 8).all(|f| !f.2));
    // Inflated, the messages are what the client sent, and the echoes the same.
    let sent = literal(&DEFLATE_SENT);
    for dir in [Dir::C2s, Dir::S2c] {
        let got: Vec<Digest> = messages(&trace)
            .into_iter()
            .filter(|m| m.dir == dir && (m.opcode == 1 || m.opcode == 2))
            .map(|m| digest(m.opcode, &m.payload))
            .collect();
        assert_eq!(got, sent, "{dir:?}: inflated, byte for byte");
    }
    let compressed: Vec<bool> = trace
        .events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::WsMessage {
                opcode: 1 | 2,
                compressed,
                ..
            } => Some(compressed),
            _ => None,
        })
        .collect();
    assert!(compressed.iter().all(|c| *c), "{compressed:?}");
    // Context takeover: the repeated text takes far fewer bytes on the wire the second time.
    let wire: Vec<u64> = trace
        .events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::WsFrame {
                opcode: 1,
                payload_len,
                ..
            } if e.dir == Some(Dir::C2s) => Some(payload_len),
            _ => None,
        })
        .collect();
    assert!(wire[1] * 2 < wire[0], "{wire:?}");
    assert!(wire[2] < 70_000 / 10, "{wire:?}");
    check_close(&trace, 0, "bye");
}

#[test]
fn ws_subprotocol_round_trip() {
    let trace = run_scenario("ws-subprotocol", socket_lab()).unwrap();
    check_lab_source(&trace, "ws-subprotocol");
    check_upgrade(&trace, 0, "/subprotocol");
    let request = trace
        .events
        .iter()
        .find(|e| e.kind.name() == "http_request")
        .unwrap();
    let EventKind::HttpRequest { headers, .. } = &request.kind else {
        unreachable!()
    };
    assert_eq!(
        header(headers, "sec-websocket-protocol"),
        Some("superchat, chat")
    );
    let response = trace
        .events
        .iter()
        .find(|e| e.kind.name() == "http_response")
        .unwrap();
    let EventKind::HttpResponse { headers, .. } = &response.kind else {
        unreachable!()
    };
    assert_eq!(header(headers, "sec-websocket-protocol"), Some("superchat"));
    let all = messages(&trace);
    let first = all.iter().find(|m| m.dir == Dir::S2c).unwrap();
    let said = String::from_utf8(first.payload.clone()).unwrap();
    assert!(said.contains("\"superchat\""), "{said}");
    assert!(
        all.iter()
            .any(|m| m.dir == Dir::C2s && m.payload == b"hello in superchat")
    );
    check_close(&trace, 0, "bye");
}

#[test]
fn step_mode_advances_one_stage_per_step() {
    let lab = Lab::start(socket_lab(), None).unwrap();
    lab.send(LabCommand::Start {
        scenario: "ws-echo".to_string(),
        mode: RunMode::Step,
    });
    let mut trace = None;
    let mut stage_count = 0;
    pump(&lab, &mut trace, Duration::from_secs(10), |u, _| {
        if let LabUpdate::RunStarted { stages, mode, .. } = u {
            assert_eq!(*mode, RunMode::Step);
            stage_count = stages.len();
            true
        } else {
            false
        }
    });
    assert!(stage_count > 20);
    let mut nexts = Vec::new();
    for step in 0..3 {
        lab.send(LabCommand::Step);
        pump(&lab, &mut trace, Duration::from_secs(20), |u, _| match u {
            LabUpdate::StageDone { index, next, .. } => {
                assert_eq!(*index, step);
                nexts.push(next.clone());
                true
            }
            _ => false,
        });
    }
    let t = trace.as_ref().unwrap();
    let stages: Vec<&Event> = t
        .events
        .iter()
        .filter(|e| e.kind.name() == "stage")
        .collect();
    assert_eq!(stages.len(), 3, "exactly three stages after three steps");
    assert!(
        !kinds(t).contains(&"ws_frame"),
        "no frame before the fourth step: {:?}",
        kinds(t)
    );
    assert_in_order(
        t,
        &[
            "tcp_connect",
            "tcp_accept",
            "stage",
            "http_request",
            "stage",
            "http_response",
            "stage",
        ],
    );
    assert_eq!(
        nexts.last().cloned().flatten().as_deref(),
        Some("send text \"Hello, WebSocket!\" (17 B)")
    );
    // The rest, one step at a time.
    let mut finished = false;
    for _ in 3..stage_count {
        lab.send(LabCommand::Step);
        pump(&lab, &mut trace, Duration::from_secs(20), |u, _| match u {
            LabUpdate::StageDone { next, .. } => {
                if next.is_none() {
                    finished = true;
                }
                true
            }
            _ => false,
        });
    }
    assert!(finished);
    pump(&lab, &mut trace, Duration::from_secs(10), |u, _| {
        *u == LabUpdate::Finished
    });
    let t = trace.unwrap();
    check_ws_echo(&t);
    assert_eq!(
        t.events.iter().filter(|e| e.kind.name() == "stage").count(),
        stage_count
    );
}

/// A fresh socket lab running `scenario` in step mode, stepped through its first two stages;
/// the trace so far.
fn two_stages_of(scenario: &str) -> (Lab, Option<Trace>) {
    let lab = Lab::start(socket_lab(), None).unwrap();
    lab.send(LabCommand::Start {
        scenario: scenario.to_string(),
        mode: RunMode::Step,
    });
    let mut trace = None;
    pump(&lab, &mut trace, Duration::from_secs(10), |u, _| {
        matches!(u, LabUpdate::RunStarted { .. })
    });
    for _ in 0..2 {
        lab.send(LabCommand::Step);
        pump(&lab, &mut trace, Duration::from_secs(20), |u, _| {
            matches!(u, LabUpdate::StageDone { .. })
        });
    }
    (lab, trace)
}

#[test]
fn step_mode_holds_the_server_until_its_stage() {
    // After connect + upgrade request, the 101 must not have been sent: the server waits.
    let (lab, mut trace) = two_stages_of("ws-push");
    // A whole round trip of another client on the same lab completes meanwhile; the lab
    // client's 101 still waits for its stage.
    let reply = get_hello(lab.server_addr());
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    // Everything the external request caused is in the trace once its connection closed.
    pump(&lab, &mut trace, Duration::from_secs(10), |_, t| {
        t.events
            .iter()
            .any(|e| e.conn == Some(1) && e.kind.name() == "tcp_close")
    });
    let t = trace.unwrap();
    let responses_on_client = t
        .events
        .iter()
        .filter(|e| e.conn == Some(0) && e.kind.name() == "http_response")
        .count();
    assert_eq!(responses_on_client, 0, "the 101 waits for its stage");
    assert!(t.connections.iter().any(|c| {
        c.label
            .as_deref()
            .is_some_and(|l| l.starts_with("external client "))
    }));
}

#[test]
fn reset_mid_step_then_a_fresh_run_works() {
    let (lab, _) = two_stages_of("ws-echo");
    // The server is now holding its 101 for the next stage; Reset must not leave it hanging.
    lab.send(LabCommand::Reset);
    lab.send(LabCommand::Start {
        scenario: "ws-echo".to_string(),
        mode: RunMode::Run,
    });
    let mut fresh = None;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        assert!(Instant::now() < deadline, "the fresh run did not finish");
        match lab.recv_timeout(Duration::from_millis(200)) {
            Some(LabUpdate::RunStarted { trace, mode, .. }) => {
                assert_eq!(mode, RunMode::Run);
                fresh = Some(trace);
            }
            Some(LabUpdate::Trace(u)) => {
                if let Some(t) = fresh.as_mut() {
                    t.apply(u);
                }
            }
            Some(LabUpdate::Failed(message)) => panic!("{message}"),
            Some(LabUpdate::Finished) if fresh.is_some() => break,
            _ => {}
        }
    }
    let t = fresh.unwrap();
    assert_eq!(t.connections.len(), 1, "only the fresh run's connection");
    check_ws_echo(&t);
}

#[test]
fn starting_an_unknown_scenario_fails_with_the_valid_names() {
    let lab = Lab::start(socket_lab(), None).unwrap();
    lab.send(LabCommand::Start {
        scenario: "nope".to_string(),
        mode: RunMode::Run,
    });
    assert_eq!(
        lab.recv_timeout(Duration::from_secs(10)),
        Some(LabUpdate::CaptureMode {
            packets: false,
            reason: None
        }),
        "the lab says first that it uses the socket tap alone, as asked"
    );
    match lab.recv_timeout(Duration::from_secs(10)) {
        Some(LabUpdate::Failed(message)) => {
            assert!(message.contains("unknown scenario \"nope\""), "{message}");
            assert!(message.contains("ws-subprotocol"), "{message}");
        }
        other => panic!("expected Failed, got {other:?}"),
    }
}

#[test]
fn push_with_a_count_closes_with_done_and_subprotocol_without_overlap_says_so() {
    use tungstenite::Message;
    let lab = Lab::start(socket_lab(), None).unwrap();
    let addr = lab.server_addr();
    let stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let url = format!("ws://{addr}/push?interval_ms=10&count=2");
    let (mut ws, _) = tungstenite::client(url.as_str(), stream).unwrap();
    let mut got = Vec::new();
    loop {
        match ws.read() {
            Ok(Message::Text(t)) => got.push(t.to_string()),
            Ok(Message::Close(frame)) => {
                let frame = frame.unwrap();
                assert_eq!(u16::from(frame.code), 1000);
                assert_eq!(frame.reason.as_str(), "done");
                break;
            }
            Ok(_) => {}
            Err(err) => panic!("{err}"),
        }
    }
    assert_eq!(got, vec!["tick 1", "tick 2"]);

    // No protocol in common: the 101 names none (RFC 6455 §4.2.2 allows that; tungstenite's
    // client would refuse it, so this one is done by hand) and the first message says why.
    use std::io::{Read as _, Write as _};
    let mut raw = std::net::TcpStream::connect(addr).unwrap();
    raw.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        raw,
        "GET /subprotocol HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\
         Sec-WebSocket-Protocol: mqtt\r\n\r\n"
    )
    .unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        raw.read_exact(&mut byte).unwrap();
        head.push(byte[0]);
    }
    let head = String::from_utf8(head).unwrap().to_ascii_lowercase();
    assert!(head.starts_with("http/1.1 101"), "{head}");
    assert!(!head.contains("sec-websocket-protocol"), "{head}");
    let mut frame_head = [0u8; 2];
    raw.read_exact(&mut frame_head).unwrap();
    assert_eq!(frame_head[0], 0x81, "one unmasked text frame");
    let mut text = vec![0u8; usize::from(frame_head[1])];
    raw.read_exact(&mut text).unwrap();
    let text = String::from_utf8(text).unwrap();
    assert!(text.starts_with("no subprotocol in common"), "{text}");
}

#[test]
fn ws_deflate_steps_and_the_server_answers_only_in_its_own_stages() {
    let mut stepper = Stepper::start("ws-deflate");
    stepper.step_through("ws-deflate");
    assert_eq!(
        messages(stepper.trace())
            .iter()
            .filter(|m| m.dir == Dir::S2c)
            .count(),
        6,
        "four echoes, the pong and the close"
    );
}

#[test]
fn ws_echo_and_ws_push_step_with_the_server_held_until_its_stages() {
    let mut echo = Stepper::start("ws-echo");
    echo.step_through("ws-echo");
    check_ws_echo(echo.trace());
    let mut push = Stepper::start("ws-push");
    push.step_through("ws-push");
    let ticks: Vec<String> = messages(push.trace())
        .iter()
        .filter(|m| m.dir == Dir::S2c && m.opcode == 1)
        .map(|m| String::from_utf8(m.payload.clone()).unwrap())
        .collect();
    assert_eq!(ticks, ["tick 1", "tick 2", "tick 3", "tick 4", "tick 5"]);
}

/// ws-interleave: a ping between two fragments (RFC 6455 §5.4) is answered before the message
/// is complete, and the fragments still make one message.
#[test]
fn ws_interleave_answers_a_ping_between_fragments() {
    let trace = run_scenario("ws-interleave", socket_lab()).unwrap();
    check_lab_source(&trace, "ws-interleave");
    let frame = |want_dir: Dir, want_op: u8| {
        trace
            .events
            .iter()
            .position(|e| {
                e.dir == Some(want_dir)
                    && matches!(e.kind, EventKind::WsFrame { opcode, .. } if opcode == want_op)
            })
            .unwrap_or_else(|| panic!("no {want_op:#x} frame {want_dir:?}"))
    };
    let first = frame(Dir::C2s, 0x1);
    let ping = frame(Dir::C2s, 0x9);
    let pong = frame(Dir::S2c, 0xA);
    let last = frame(Dir::C2s, 0x0);
    assert!(
        first < ping && ping < pong && pong < last,
        "{first} {ping} {pong} {last}"
    );
    assert!(matches!(
        trace.events[first].kind,
        EventKind::WsFrame { fin: false, .. }
    ));
    assert!(matches!(
        trace.events[last].kind,
        EventKind::WsFrame { fin: true, .. }
    ));
    let texts: Vec<&str> = trace
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::WsMessage {
                opcode: 0x1, text, ..
            } => text.as_deref(),
            _ => None,
        })
        .collect();
    assert_eq!(
        texts,
        ["Hello, world!", "Hello, world!"],
        "the message and its echo"
    );
    assert!(
        !trace
            .events
            .iter()
            .any(|e| matches!(e.kind, EventKind::Diagnostic { .. })),
        "no diagnostics"
    );
}
