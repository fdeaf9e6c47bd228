//! The lab in packet mode: real SYN / SYN-ACK / ACK and FIN / ACK packets, captured on the
//! loopback interface, merged into the socket tap's connections in time order, with relative
//! seq/ack numbers that agree with the bytes the tap saw.
//!
//! Needs capture permission (CI runs as root). Without it each test fails, saying how to grant
//! it, unless `WIRELAB_SKIP_CAPTURE=1` is set (then `make test` lists it as skipped); any other
//! capture error fails.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

use wirelab::lab::{CaptureMode, Lab, LabCommand, LabConfig, LabUpdate, RunMode, run_scenario};
use wirelab::trace::{Dir, Event, EventKind, TcpSegment, Trace};

#[path = "support/capture.rs"]
mod capture_support;
use capture_support::{Capture, require_capture};

fn packet_config() -> LabConfig {
    LabConfig {
        capture: CaptureMode::Packet,
        ..LabConfig::default()
    }
}

fn segment(event: &Event) -> Option<&TcpSegment> {
    match &event.kind {
        EventKind::TcpSyn(s)
        | EventKind::TcpSynAck(s)
        | EventKind::TcpAck(s)
        | EventKind::TcpFin(s)
        | EventKind::TcpRst(s) => Some(s),
        _ => None,
    }
}

fn len_u32(bytes: Option<&[u8]>) -> u32 {
    u32::try_from(bytes.map_or(0, <[u8]>::len)).unwrap()
}

/// Checks one connection of a packet-mode trace: the handshake before anything else of the
/// connection, the FIN sequence at the end, and seq/ack numbers that match the tap's bytes.
fn check_connection(trace: &Trace, conn: u32) {
    let events: Vec<(usize, &Event)> = trace
        .events
        .iter()
        .enumerate()
        .filter(|(_, e)| e.conn == Some(conn) && !matches!(e.kind, EventKind::Api { .. }))
        .collect();
    let names: Vec<&str> = events.iter().map(|(_, e)| e.kind.name()).collect();
    // The handshake first, in order, then the socket's view of it.
    assert_eq!(
        names.get(..5),
        Some(
            &[
                "tcp_syn",
                "tcp_syn_ack",
                "tcp_ack",
                "tcp_connect",
                "tcp_accept"
            ][..]
        ),
        "conn {conn}: {names:?}"
    );
    let first_request = names
        .iter()
        .position(|n| *n == "http_request")
        .unwrap_or_else(|| panic!("conn {conn}: no request in {names:?}"));
    assert!(first_request > 4);
    let hs: Vec<(&Event, &TcpSegment)> = events
        .iter()
        .take(3)
        .map(|(_, e)| (*e, segment(e).unwrap()))
        .collect();
    assert_eq!(hs[0].0.dir, Some(Dir::C2s));
    assert_eq!((hs[0].1.seq, hs[0].1.ack), (0, 0));
    assert_eq!(hs[1].0.dir, Some(Dir::S2c));
    assert_eq!((hs[1].1.seq, hs[1].1.ack), (0, 1));
    assert_eq!(hs[2].0.dir, Some(Dir::C2s));
    assert_eq!((hs[2].1.seq, hs[2].1.ack), (1, 1));

    // The teardown: a FIN each way after the last data, and the last FIN acknowledged.
    let c2s = len_u32(trace.stream(conn, Dir::C2s));
    let s2c = len_u32(trace.stream(conn, Dir::S2c));
    assert!(c2s > 0 && s2c > 0, "the tap saw bytes both ways");
    let fin = |dir: Dir| {
        events
            .iter()
            .find(|(_, e)| e.dir == Some(dir) && matches!(e.kind, EventKind::TcpFin(_)))
            .map(|(i, e)| (*i, segment(e).unwrap()))
            .unwrap_or_else(|| panic!("conn {conn}: no {dir:?} FIN in {names:?}"))
    };
    let (c_fin_at, c_fin) = fin(Dir::C2s);
    let (s_fin_at, s_fin) = fin(Dir::S2c);
    // A FIN's sequence number is one (the SYN) plus every byte sent before it.
    assert_eq!(c_fin.seq, 1 + c2s, "conn {conn}: client FIN seq");
    assert_eq!(s_fin.seq, 1 + s2c, "conn {conn}: server FIN seq");
    // Each FIN acknowledges every byte of the other side (and its FIN if that came first).
    let server_first = s_fin_at < c_fin_at;
    assert_eq!(c_fin.ack, 1 + s2c + u32::from(server_first));
    assert_eq!(s_fin.ack, 1 + c2s + u32::from(!server_first));
    let last_data = events
        .iter()
        .rposition(|(_, e)| {
            matches!(
                e.kind,
                EventKind::HttpRequest { .. }
                    | EventKind::HttpResponse { .. }
                    | EventKind::WsMessage { .. }
            )
        })
        .unwrap();
    let first_fin = events
        .iter()
        .position(|(_, e)| matches!(e.kind, EventKind::TcpFin(_)))
        .unwrap();
    assert!(
        first_fin > last_data,
        "conn {conn}: FINs after the data: {names:?}"
    );
    // The last FIN's ACK closes the sequence.
    let (later_dir, later_fin) = if server_first {
        (Dir::C2s, c_fin)
    } else {
        (Dir::S2c, s_fin)
    };
    let final_ack = events
        .iter()
        .rev()
        .filter(|(_, e)| e.dir == Some(later_dir.reverse()))
        .filter_map(|(_, e)| match &e.kind {
            EventKind::TcpAck(s) => Some(s),
            _ => None,
        })
        .next()
        .unwrap_or_else(|| panic!("conn {conn}: the last FIN is not acknowledged: {names:?}"));
    assert_eq!(final_ack.ack, later_fin.seq + 1);
}

fn check_trace(trace: &Trace, scenario: &str, connections: usize) {
    assert_eq!(trace.source.scenario.as_deref(), Some(scenario));
    assert_eq!(trace.source.capture.as_deref(), Some("packet+socket"));
    assert_eq!(
        trace.connections.len(),
        connections,
        "{:#?}",
        trace.connections
    );
    for pair in trace.events.windows(2) {
        assert!(
            pair[0].t_us <= pair[1].t_us,
            "events out of time order: {:?} then {:?}",
            pair[0],
            pair[1]
        );
    }
    for c in &trace.connections {
        check_connection(trace, c.id);
    }
}

#[test]
fn every_connection_has_its_handshake_and_teardown_from_packets() {
    if require_capture("lab_packet::every_connection_has_its_handshake_and_teardown_from_packets")
        == Capture::Skipped
    {
        return;
    }
    for (scenario, connections) in [
        ("http-get", 1),
        ("ws-echo", 1),
        ("ws-chat", 3),
        ("ws-push", 1),
        ("ws-subprotocol", 1),
        ("ws-deflate", 1),
    ] {
        let trace = run_scenario(scenario, packet_config()).unwrap();
        check_trace(&trace, scenario, connections);
    }
}

/// Collects one run's trace from a lab handle, until `Finished`.
fn run_on(lab: &Lab, scenario: &str) -> Trace {
    lab.send(LabCommand::Start {
        scenario: scenario.to_string(),
        mode: RunMode::Run,
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut trace: Option<Trace> = None;
    loop {
        assert!(Instant::now() < deadline, "the run did not finish");
        match lab.recv_timeout(Duration::from_millis(200)) {
            Some(LabUpdate::RunStarted { trace: t, .. }) => trace = Some(t),
            Some(LabUpdate::Trace(u)) => {
                if let Some(t) = trace.as_mut() {
                    t.apply(u);
                }
            }
            Some(LabUpdate::Finished) if trace.is_some() => return trace.unwrap(),
            Some(LabUpdate::Failed(message)) => panic!("{scenario} failed: {message}"),
            _ => {}
        }
    }
}

#[test]
fn the_lab_says_packets_are_used_and_a_second_run_sees_only_its_own_packets() {
    if require_capture(
        "lab_packet::the_lab_says_packets_are_used_and_a_second_run_sees_only_its_own_packets",
    ) == Capture::Skipped
    {
        return;
    }
    let lab = Lab::start(LabConfig::default(), None).unwrap();
    let first = lab.recv_timeout(Duration::from_secs(10));
    assert_eq!(
        first,
        Some(LabUpdate::CaptureMode {
            packets: true,
            reason: None
        }),
        "Auto with permission captures, and says so first"
    );
    let one = run_on(&lab, "http-get");
    check_trace(&one, "http-get", 1);
    let two = run_on(&lab, "ws-echo");
    check_trace(&two, "ws-echo", 1);
    assert_ne!(one.connections[0].client, two.connections[0].client);
}

#[test]
fn an_external_client_gets_its_handshake_and_teardown_too() {
    if require_capture("lab_packet::an_external_client_gets_its_handshake_and_teardown_too")
        == Capture::Skipped
    {
        return;
    }
    let lab = Lab::start(packet_config(), None).unwrap();
    let mut stream = TcpStream::connect(lab.server_addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream
        .write_all(b"GET /hello HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    assert!(response.starts_with(b"HTTP/1.1 200 OK"));
    stream.shutdown(Shutdown::Both).unwrap();
    drop(stream);
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut trace: Option<Trace> = None;
    loop {
        assert!(
            Instant::now() < deadline,
            "no complete external trace: {trace:#?}"
        );
        match lab.recv_timeout(Duration::from_millis(200)) {
            Some(LabUpdate::RunStarted { trace: t, .. }) => trace = Some(t),
            Some(LabUpdate::Trace(u)) => {
                if let Some(t) = trace.as_mut() {
                    t.apply(u);
                }
            }
            _ => {}
        }
        let complete = trace.as_ref().is_some_and(|t| {
            let fins = t
                .events
                .iter()
                .filter(|e| matches!(e.kind, EventKind::TcpFin(_)))
                .count();
            let last_is_ack = t
                .events
                .iter()
                .rev()
                .find(|e| e.kind.name().starts_with("tcp_") && e.kind.name() != "tcp_close")
                .is_some_and(|e| matches!(e.kind, EventKind::TcpAck(_)));
            fins == 2 && last_is_ack && t.events.iter().any(|e| e.kind.name() == "tcp_close")
        });
        if complete {
            break;
        }
    }
    let trace = trace.unwrap();
    assert_eq!(trace.source.scenario, None);
    assert_eq!(trace.connections.len(), 1);
    assert!(
        trace.connections[0]
            .label
            .as_deref()
            .is_some_and(|l| l.starts_with("external client "))
    );
    let names: Vec<&str> = trace.events.iter().map(|e| e.kind.name()).collect();
    assert_eq!(
        names.get(..4),
        Some(&["tcp_syn", "tcp_syn_ack", "tcp_ack", "tcp_accept"][..]),
        "{names:?}"
    );
    let c2s = len_u32(trace.stream(0, Dir::C2s));
    let fin = trace
        .events
        .iter()
        .find(|e| e.dir == Some(Dir::C2s) && matches!(e.kind, EventKind::TcpFin(_)))
        .and_then(segment)
        .unwrap();
    assert_eq!(fin.seq, 1 + c2s);
}
