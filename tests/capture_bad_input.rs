//! Bad capture files (made by `tests/data/bad/make.py` from a real capture): each gets one
//! clear error, or a trace with diagnostics that still shows everything the file holds —
//! never a panic or a hang.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

use std::path::PathBuf;

use wirelab::capture::file::{FileStats, read_file};
use wirelab::trace::{EventKind, Trace};

mod support;

fn bad(name: &str) -> PathBuf {
    support::fixtures::data_dir("bad").join(name)
}

fn read(name: &str) -> (Trace, FileStats) {
    read_file(&bad(name), true).unwrap_or_else(|e| panic!("{name} should be readable in part: {e}"))
}

fn diagnostics(trace: &Trace) -> Vec<String> {
    trace
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Diagnostic { message, .. } => Some(message.clone()),
            _ => None,
        })
        .collect()
}

fn count(trace: &Trace, kind: &str) -> usize {
    trace
        .events
        .iter()
        .filter(|e| e.kind.name() == kind)
        .count()
}

#[test]
fn unreadable_files_get_one_line_saying_why() {
    for (name, why) in [
        (
            "bad_magic.pcap",
            "not a pcap or pcapng file (it starts with ",
        ),
        ("unknown_linktype.pcap", "link type 147"),
        ("does_not_exist.pcap", "No such file"),
    ] {
        let err = read_file(&bad(name), false).expect_err(name).to_string();
        assert!(err.contains(why), "{name}: {err}");
        assert!(!err.contains('\n'), "{name}: one line: {err}");
        assert!(err.contains(name), "{name}: names the file: {err}");
    }
}

#[test]
fn a_truncated_file_shows_everything_before_the_cut() {
    let (trace, stats) = read("truncated.pcap");
    assert!(stats.packets > 20, "{stats:?}");
    assert_eq!(count(&trace, "http_response"), 1);
    assert!(count(&trace, "ws_message") >= 10);
    let d = diagnostics(&trace);
    assert!(
        d.iter().any(|m| m.contains("the file ends early")),
        "{d:#?}"
    );
}

#[test]
fn an_empty_capture_is_an_empty_trace() {
    let (trace, stats) = read("empty.pcap");
    assert_eq!(
        (stats.packets, trace.connections.len(), trace.events.len()),
        (0, 0, 0)
    );
}

#[test]
fn snaplen_cut_packets_are_reported_and_the_stream_goes_on() {
    let (trace, stats) = read("snaplen80.pcap");
    assert_eq!(stats.undecodable, 0);
    assert_eq!(trace.connections.len(), 1);
    let d = diagnostics(&trace);
    assert!(d.iter().any(|m| m.contains("snap length")), "{d:#?}");
    assert!(d.iter().any(|m| m.contains("bytes missing")), "{d:#?}");
    // The handshake packets are small enough to be whole.
    assert_eq!(count(&trace, "tcp_syn") + count(&trace, "tcp_syn_ack"), 2);
}

#[test]
fn packets_with_bad_lengths_are_counted_and_the_rest_is_dissected() {
    let (trace, stats) = read("bad_lengths.pcap");
    assert_eq!(stats.undecodable, 1, "the IHL-2 packet");
    let d = diagnostics(&trace);
    assert!(
        d.iter()
            .any(|m| m.contains("could not be decoded") && m.contains("packet 8")),
        "{d:#?}"
    );
    assert!(
        d.iter().any(|m| m.contains("snap length")),
        "the over-long claim: {d:#?}"
    );
    assert_eq!(count(&trace, "http_request"), 1);
    assert_eq!(count(&trace, "http_response"), 1);
}

#[test]
fn non_http_traffic_is_not_dissected_and_says_so() {
    let (trace, _) = read("not_http.pcap");
    assert_eq!(trace.connections.len(), 1);
    assert_eq!(count(&trace, "http_request") + count(&trace, "ws_frame"), 0);
    assert!(!diagnostics(&trace).is_empty());
    assert!(
        count(&trace, "tcp_syn") == 1,
        "the TCP layer is still shown"
    );
}

#[test]
fn garbage_on_a_websocket_connection_gives_diagnostics_not_a_panic() {
    let (trace, _) = read("ws_garbage.pcap");
    assert_eq!(count(&trace, "http_response"), 1);
    let valid = trace
        .events
        .iter()
        .any(|e| matches!(e.kind, EventKind::WsUpgradeCheck { valid: true, .. }));
    assert!(valid, "the real upgrade before the garbage is intact");
    assert!(
        diagnostics(&trace)
            .iter()
            .any(|m| m.contains("reserved") || m.contains("mask") || m.contains("RSV"))
    );
}

#[test]
fn a_pcapng_with_two_interfaces_reads_both() {
    let (trace, stats) = read("two_interfaces.pcapng");
    assert_eq!(stats.undecodable, 0);
    assert_eq!(
        trace.connections.len(),
        3,
        "2 from ws_abrupt, 1 from http_sse"
    );
    assert_eq!(count(&trace, "sse_event"), 6);
}
