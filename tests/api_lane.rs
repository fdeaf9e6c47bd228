//! The browser-API lane follows one rule in every view (the File view of a capture, the Lab
//! with packets and with the socket tap alone): `new WebSocket()` is CONNECTING from the
//! connection's first TCP event on, and `onclose` fires when the client's side of TCP closes
//! (after the last FIN of ws-echo, where the server closes first). Plain HTTP and event
//! streams show what fetch() and an EventSource would report.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod support;

use std::path::Path;

use support::capture::{Capture, require_capture};
use support::fixtures::shared_fixture;
use support::lab::socket_lab;
use wirelab::capture::file::read_file;
use wirelab::diagram::api_lane::ApiStates;
use wirelab::diagram::rows::build_rows;
use wirelab::lab::{CaptureMode, LabConfig, run_scenario};
use wirelab::trace::{ApiObject, Dir, EventKind, Trace};

/// Whether an event is a TCP event (packet or socket level).
fn is_tcp(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::TcpSyn(_)
            | EventKind::TcpSynAck(_)
            | EventKind::TcpAck(_)
            | EventKind::TcpFin(_)
            | EventKind::TcpRst(_)
            | EventKind::TcpConnect { .. }
            | EventKind::TcpAccept { .. }
            | EventKind::TcpClose { .. }
    )
}

/// The row that shows event `i`.
fn row(rows: &wirelab::diagram::rows::Rows, i: usize) -> usize {
    *rows
        .row_of_event
        .get(&i)
        .expect("every event of ws-echo has a row")
}

/// Checks the WebSocket lane of connection `conn`: its first `readyState` (CONNECTING) is on
/// the row of the connection's first TCP event, and `onclose` on or after the row of its
/// last closing event (`closing`: FINs in a capture, the socket close at the tap), and
/// after it in the trace.
fn check_ws_lane(trace: &Trace, conn: u32, closing: fn(&EventKind) -> bool, what: &str) {
    for show_frames in [false, true] {
        let rows = build_rows(trace, show_frames);
        let states = ApiStates::new(&rows, trace);
        let k = rows.api_conns.iter().position(|c| *c == conn).unwrap();
        let first_state = states.0[k][0];
        let first_tcp = trace
            .events
            .iter()
            .position(|e| e.conn == Some(conn) && is_tcp(&e.kind))
            .unwrap();
        assert_eq!(first_state.state, 0, "{what}: CONNECTING first");
        assert_eq!(
            first_state.row,
            row(&rows, first_tcp),
            "{what}: CONNECTING starts at the first TCP event ({:?})",
            trace.events[first_tcp].kind.name()
        );
        let last_close = trace
            .events
            .iter()
            .rposition(|e| e.conn == Some(conn) && closing(&e.kind))
            .unwrap_or_else(|| panic!("{what}: no closing event"));
        let onclose = trace
            .events
            .iter()
            .position(|e| {
                e.conn == Some(conn)
                    && matches!(&e.kind, EventKind::Api { fires: Some(f), .. } if f == "close")
            })
            .unwrap_or_else(|| panic!("{what}: no onclose"));
        assert!(
            onclose > last_close,
            "{what}: onclose comes after the last {}",
            trace.events[last_close].kind.name()
        );
        assert!(row(&rows, onclose) >= row(&rows, last_close), "{what}");
        assert_eq!(
            states.0[k].last().unwrap().state,
            3,
            "{what}: CLOSED at the end"
        );
    }
}

fn is_fin(kind: &EventKind) -> bool {
    matches!(kind, EventKind::TcpFin(_))
}

fn is_socket_close(kind: &EventKind) -> bool {
    matches!(kind, EventKind::TcpClose { .. })
}

#[test]
fn file_view_ws_echo_connecting_before_the_syn_and_onclose_after_the_last_fin() {
    let path = shared_fixture("ws_python_echo.pcap");
    let (trace, _) = read_file(Path::new(&path), true).unwrap();
    assert!(matches!(trace.events[0].kind, EventKind::TcpSyn(_)));
    check_ws_lane(&trace, 0, is_fin, "ws_python_echo.pcap");
}

#[test]
fn lab_socket_tap_ws_echo_connecting_at_the_connect_and_onclose_at_the_close() {
    let trace = run_scenario("ws-echo", socket_lab()).unwrap();
    let first = trace.events.iter().find(|e| is_tcp(&e.kind)).unwrap();
    assert!(matches!(first.kind, EventKind::TcpConnect { .. }));
    check_ws_lane(&trace, 0, is_socket_close, "ws-echo, socket tap");
}

#[test]
fn lab_packets_ws_echo_the_same_rule_as_a_capture_file() {
    if require_capture("api_lane::lab_packets_ws_echo_the_same_rule_as_a_capture_file")
        == Capture::Skipped
    {
        return;
    }
    let config = LabConfig {
        capture: CaptureMode::Packet,
        ..LabConfig::default()
    };
    let trace = run_scenario("ws-echo", config).unwrap();
    let first = trace.events.iter().find(|e| is_tcp(&e.kind)).unwrap();
    assert!(matches!(first.kind, EventKind::TcpSyn(_)));
    check_ws_lane(&trace, 0, is_fin, "ws-echo, packets + socket");
    // The server's close() is not the client's onclose: the client's FIN comes after it.
    let close = trace
        .events
        .iter()
        .position(|e| matches!(e.kind, EventKind::TcpClose { .. }))
        .unwrap();
    let client_fin = trace
        .events
        .iter()
        .position(|e| matches!(e.kind, EventKind::TcpFin(_)) && e.dir == Some(Dir::C2s))
        .unwrap();
    let onclose = trace
        .events
        .iter()
        .position(|e| matches!(&e.kind, EventKind::Api { fires: Some(f), .. } if f == "close"))
        .unwrap();
    assert!(onclose > client_fin && onclose > close);
}

/// `(object, readyState, fires, lastEventId)` of every api event.
fn api_events(trace: &Trace) -> Vec<(ApiObject, u8, Option<String>, Option<String>)> {
    trace
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Api {
                object,
                ready_state,
                fires,
                last_event_id,
                ..
            } => Some((*object, *ready_state, fires.clone(), last_event_id.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn an_event_stream_shows_what_an_event_source_reports() {
    let path = shared_fixture("http_sse.pcap");
    let (trace, _) = read_file(Path::new(&path), true).unwrap();
    let es = |state, fires: Option<&str>, id: Option<&str>| {
        (
            ApiObject::EventSource,
            state,
            fires.map(str::to_string),
            id.map(str::to_string),
        )
    };
    let mut want = vec![es(0, None, None), es(1, Some("open"), None)];
    for id in 1..=6 {
        want.push(es(1, Some("message"), Some(&id.to_string())));
    }
    // The client closes first (its FIN before the server's): `close()`, no event.
    want.push(es(2, None, None));
    assert_eq!(api_events(&trace), want);
    // CONNECTING is drawn from the SYN on, OPEN at the response.
    let rows = build_rows(&trace, false);
    let states = ApiStates::new(&rows, &trace);
    assert_eq!(states.0[0][0].row, 0, "from the SYN");
    let response = trace
        .events
        .iter()
        .position(|e| matches!(e.kind, EventKind::HttpResponse { .. }))
        .unwrap();
    assert_eq!(states.0[0][1].row, row(&rows, response));
}

#[test]
fn long_polling_shows_each_fetch_pending_until_its_response() {
    let path = shared_fixture("http_long_poll.pcap");
    let (trace, _) = read_file(Path::new(&path), true).unwrap();
    let api = api_events(&trace);
    assert!(api.iter().all(|(o, ..)| *o == ApiObject::Fetch));
    let requests = trace
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::HttpRequest { .. }))
        .count();
    let loads = api
        .iter()
        .filter(|(_, s, f, _)| *s == 4 && f.as_deref() == Some("load"))
        .count();
    assert_eq!(loads, requests, "every request's body is done");
    // Each request's band (OPENED: waiting) starts at its request row and ends at its
    // response: the server holding the request is visible.
    let rows = build_rows(&trace, false);
    let states = ApiStates::new(&rows, &trace);
    let waiting: Vec<usize> = states.0[0]
        .iter()
        .filter(|s| s.state == 0)
        .map(|s| s.row)
        .collect();
    let first_request = trace
        .events
        .iter()
        .position(|e| matches!(e.kind, EventKind::HttpRequest { .. }))
        .unwrap();
    assert_eq!(waiting.len(), requests);
    assert_eq!(waiting[0], 0, "the first fetch() ran before the connect");
    assert!(waiting[1..].iter().all(|r| *r > row(&rows, first_request)));
}
