//! Link emulation in the lab's own path: real runs through the relay on 127.0.0.1, read from
//! their traces. Relations only (what the delay must at least cause), never upper bounds.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use std::time::Duration;

use wirelab::lab::link::LinkConditions;
use wirelab::lab::{LabConfig, run_scenario};
use wirelab::trace::{Dir, Event, Trace};

mod support;
use support::lab::socket_lab;

const DELAY: Duration = Duration::from_millis(50);

fn delayed() -> LabConfig {
    LabConfig {
        link: LinkConditions {
            delay: DELAY,
            ..LinkConditions::default()
        },
        ..socket_lab()
    }
}

fn first<'a>(trace: &'a Trace, kind: &str, dir: Option<Dir>) -> &'a Event {
    trace
        .events
        .iter()
        .find(|e| e.kind.name() == kind && (dir.is_none() || e.dir == dir))
        .unwrap_or_else(|| panic!("no {kind} {dir:?} in the trace"))
}

fn lanes(trace: &Trace) -> Vec<String> {
    trace
        .connections
        .iter()
        .map(|c| c.label.clone().unwrap_or_default())
        .collect()
}

#[test]
fn ws_echo_through_a_50_ms_link_shows_the_delay_in_its_trace() {
    let trace = run_scenario("ws-echo", delayed()).unwrap();
    let link = trace.source.link.expect("the trace records the link");
    assert_eq!(link.delay_us, 50_000);
    assert_eq!(lanes(&trace), ["client"]);
    let delay_us = i64::try_from(DELAY.as_micros()).unwrap();
    // The upgrade request left the client after its connect() returned: one way.
    let connect = first(&trace, "tcp_connect", None);
    let request = first(&trace, "http_request", Some(Dir::C2s));
    assert!(
        request.t_us - connect.t_us >= delay_us,
        "request {} µs after connect()",
        request.t_us - connect.t_us
    );
    // The client sends its first message only once the 101 has reached it: there and back.
    let accepted = first(&trace, "http_response", Some(Dir::S2c));
    let message = first(&trace, "ws_frame", Some(Dir::C2s));
    assert!(
        message.t_us - accepted.t_us >= 2 * delay_us,
        "first frame {} µs after the 101",
        message.t_us - accepted.t_us
    );
}

#[test]
fn every_lane_keeps_its_clients_name_through_the_relay() {
    let trace = run_scenario("ws-chat", delayed()).unwrap();
    assert_eq!(lanes(&trace), ["alice", "bob", "carol"]);
    // Push clients open their connections through the dialer: on their lane too.
    let trace = run_scenario("short-poll", delayed()).unwrap();
    let names = lanes(&trace);
    assert!(!names.is_empty());
    assert!(
        names.iter().all(|n| !n.starts_with("external")),
        "{names:?}"
    );
}

#[test]
fn without_conditions_the_trace_records_no_link() {
    let trace = run_scenario("ws-echo", socket_lab()).unwrap();
    assert_eq!(trace.source.link, None);
}

#[test]
fn in_packet_mode_the_relay_to_server_connections_packets_are_counted() {
    use support::capture::{Capture, require_capture};
    use wirelab::analysis::metrics::metrics;
    use wirelab::lab::CaptureMode;
    let test = "lab_link::in_packet_mode_the_relay_to_server_connections_packets_are_counted";
    if require_capture(test) == Capture::Skipped {
        return;
    }
    let config = LabConfig {
        capture: CaptureMode::Packet,
        link: LinkConditions {
            delay: Duration::from_millis(20),
            ..LinkConditions::default()
        },
        ..LabConfig::default()
    };
    let trace = run_scenario("ws-echo", config).unwrap();
    assert_eq!(trace.source.capture.as_deref(), Some("packet+socket"));
    let conn = &trace.connections[0];
    let counts = conn.packets.expect("packets counted in packet mode").both();
    // At least the handshake, the teardown and one data packet each way.
    assert!(counts.packets >= 9, "{counts:?}");
    // Every packet has an IPv4 and a TCP header (20 bytes each at least) above its payload.
    let payload: u64 = [Dir::C2s, Dir::S2c]
        .iter()
        .map(|&d| trace.stream(conn.id, d).map_or(0, |s| s.len() as u64))
        .sum();
    assert!(payload > 70_000, "{payload}");
    assert!(
        counts.ip_bytes >= payload + 40 * counts.packets,
        "{counts:?}, {payload} B of payload"
    );
    let m = metrics(&trace);
    assert_eq!(m.totals.packets, Some(counts.packets));
    assert_eq!(m.totals.ip_bytes, Some(counts.ip_bytes));
}
