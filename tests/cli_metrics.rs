#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The real binary's `inspect FILE --metrics --json OUT`: the table names each technique and
//! what each row counts, and the JSON it writes is the metrics of the trace `read_file` makes.

mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use support::fixtures::shared_fixture;
use wirelab::analysis::metrics::{Metrics, metrics};
use wirelab::capture::file::read_file;

/// Runs `wirelab inspect PCAP --metrics --json JSON`; returns what it printed.
fn inspect_metrics(pcap: &Path, json: &Path) -> String {
    let run = Command::new(env!("CARGO_BIN_EXE_wirelab"))
        .env_remove("WIRELAB_LOG")
        .arg("inspect")
        .arg(pcap)
        .args(["--metrics", "--json"])
        .arg(json)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    String::from_utf8(run.stdout).unwrap()
}

#[test]
fn inspect_metrics_prints_the_table_and_writes_the_json() {
    let pcap = shared_fixture("http_short_poll.pcap");
    let out = support::temp::path("cli-metrics.json");
    let table = inspect_metrics(Path::new(&pcap), &out);
    let header = table.lines().nth(1).unwrap();
    assert!(
        header.contains("short-poll") && header.contains("total") && header.contains("counts"),
        "{table}"
    );
    let row = table
        .lines()
        .find(|l| l.starts_with("http_request_head_bytes"))
        .unwrap();
    assert!(
        row.contains("CRLF CRLF"),
        "each row says what it counts: {row}"
    );

    let written: Metrics = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let (trace, _) = read_file(Path::new(&pcap), true).unwrap();
    assert_eq!(written, metrics(&trace));
    let json: serde_json::Value = serde_json::to_value(&written).unwrap();
    assert_eq!(json["techniques"][0]["technique"], "short-poll");
    assert!(json["totals"]["wire_bytes"].as_u64().unwrap() > 0);
}

#[test]
fn inspect_metrics_of_a_missing_file_is_a_clear_error() {
    let run = Command::new(env!("CARGO_BIN_EXE_wirelab"))
        .env_remove("WIRELAB_LOG")
        .args(["inspect", "/nonexistent/capture.pcap", "--metrics"])
        .output()
        .unwrap();
    assert!(!run.status.success());
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("/nonexistent/capture.pcap"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// tshark's decoding of `tests/fixtures/chromium_polling.pcap` summed per technique, each
/// connection's technique known from how the capture was made (tests/fixtures/README.md):
/// each technique had its own port; the page's port saw the page's requests on one
/// connection and a preconnection that carried nothing (TCP only).
fn tshark_by_technique(tsv: &str) -> BTreeMap<&'static str, serde_json::Value> {
    let mut lines = tsv.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |n: &str| header.iter().position(|h| *h == n).unwrap();
    let (len, stream, sport, dport, tcp_len, method) = (
        col("frame.len"),
        col("tcp.stream"),
        col("tcp.srcport"),
        col("tcp.dstport"),
        col("tcp.len"),
        col("http.request.method"),
    );
    #[derive(Default)]
    struct Stream {
        server_port: u16,
        packets: u64,
        ip_bytes: u64,
        wire_bytes: u64,
        requests: u64,
    }
    let mut streams: BTreeMap<u64, Stream> = BTreeMap::new();
    for line in lines {
        let f: Vec<&str> = line.split('\t').collect();
        let s = streams.entry(f[stream].parse().unwrap()).or_default();
        let (from, to): (u16, u16) = (f[sport].parse().unwrap(), f[dport].parse().unwrap());
        s.server_port = from.min(to);
        s.packets += 1;
        // Ethernet (lo's zeroed MACs): the IP packet starts 14 bytes in.
        s.ip_bytes += f[len].parse::<u64>().unwrap() - 14;
        s.wire_bytes += f[tcp_len].parse::<u64>().unwrap();
        s.requests += f[method].split('|').filter(|m| !m.is_empty()).count() as u64;
    }
    let mut out: BTreeMap<&'static str, serde_json::Value> = BTreeMap::new();
    for s in streams.values() {
        let technique = match (s.server_port, s.requests) {
            (8091, _) => "short-poll",
            (8092, _) => "long-poll",
            (8093, _) => "sse",
            (8090, 0) => "tcp",
            (8090, _) => "http",
            (port, _) => panic!("a port the capture was not made with: {port}"),
        };
        let t = out
            .entry(technique)
            .or_insert_with(|| serde_json::json!({"technique": technique}));
        for (key, n) in [
            ("tcp_connections", 1),
            ("http_requests", s.requests),
            ("wire_bytes", s.wire_bytes),
            ("packets", s.packets),
            ("ip_bytes", s.ip_bytes),
        ] {
            let sum = t[key].as_u64().unwrap_or(0) + n;
            t[key] = sum.into();
        }
    }
    out
}

/// A real browser's polling, captured on `lo` (headless Chromium against an aiohttp server:
/// short polling every 200 ms, long polling and an EventSource, 5 events 600 ms apart):
/// `inspect --metrics --json` puts each connection under the technique it used, and its
/// connections, requests, TCP payload bytes, packets and IP bytes are tshark's.
#[test]
fn inspect_metrics_of_headless_chromium_polling_agrees_with_tshark() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let pcap = dir.join("chromium_polling.pcap");
    let tsv = std::fs::read_to_string(dir.join("chromium_polling.tshark.tsv")).unwrap();
    let json_path = support::temp::path("cli-metrics-chromium.json");
    inspect_metrics(&pcap, &json_path);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    let ours: BTreeMap<String, &serde_json::Value> = json["techniques"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["technique"].as_str().unwrap().to_string(), t))
        .collect();
    let theirs = tshark_by_technique(&tsv);
    assert_eq!(
        ours.keys().map(String::as_str).collect::<Vec<_>>(),
        theirs.keys().copied().collect::<Vec<_>>(),
        "the techniques found"
    );
    for (technique, want) in &theirs {
        let got = ours[*technique];
        for key in [
            "tcp_connections",
            "http_requests",
            "wire_bytes",
            "packets",
            "ip_bytes",
        ] {
            assert_eq!(got[key], want[key], "{technique}: {key}");
        }
    }
    // What only the content tells: 5 events, each in one poll answer or one SSE event;
    // every other poll came back empty (the page polled 3 times per event).
    let short = ours["short-poll"];
    assert_eq!(
        short["empty_responses"].as_u64().unwrap(),
        short["http_requests"].as_u64().unwrap() - 5
    );
    assert_eq!(ours["long-poll"]["http_requests"], 5);
    assert_eq!(ours["long-poll"]["empty_responses"], 0);
    assert_eq!(ours["sse"]["sse_events"], 5);
}
