#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The real binary's `wirelab compare`: the table has a column per technique, `--json` writes
//! the keys other tools read (docs/compare.md), `--csv` one row per technique, and a preset
//! prints its published figures beside ours. Short workloads: a second of real time each.

mod support;

use std::process::{Command, Output};

fn wirelab(args: &[&str]) -> Output {
    let run = Command::new(env!("CARGO_BIN_EXE_wirelab"))
        .env_remove("WIRELAB_LOG")
        .arg("--lang")
        .arg("en")
        .arg("compare")
        .args(args)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    run
}

/// Where the command writes `name`: removed when the test drops it, however it ends.
fn temp(name: &str) -> tempfile::TempPath {
    support::temp::path(&format!("compare-{name}"))
}

#[test]
fn compare_json_has_the_keys_other_tools_read() {
    let (json, csv) = (temp("out.json"), temp("out.csv"));
    let run = wirelab(&[
        "--events",
        "3",
        "--interval-ms",
        "80",
        "--poll-ms",
        "80",
        "--seed",
        "5",
        "--json",
        json.to_str().unwrap(),
        "--csv",
        csv.to_str().unwrap(),
    ]);
    let table = String::from_utf8(run.stdout).unwrap();
    let header = table.lines().next().unwrap();
    for t in ["short-poll", "long-poll", "sse", "websocket"] {
        assert!(header.contains(t), "{table}");
    }
    assert!(
        table.contains("nothing lost, duplicated or reordered"),
        "{table}"
    );
    let value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    for key in ["techniques", "totals", "workload", "link"] {
        assert!(value.get(key).is_some(), "no {key}: {value}");
    }
    assert!(value.get("published").is_none());
    assert_eq!(value["workload"]["events"], 3);
    assert_eq!(value["workload"]["timing"], "random");
    assert_eq!(value["workload"]["seed"], 5);
    assert_eq!(value["totals"]["events_emitted"], 3);
    let techniques = value["techniques"].as_array().unwrap();
    let names: Vec<&str> = techniques
        .iter()
        .map(|t| t["technique"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["short-poll", "long-poll", "sse", "websocket"]);
    for t in techniques {
        for key in [
            "tcp_connections",
            "http_requests",
            "http_request_head_bytes",
            "http_response_head_bytes",
            "http_body_bytes",
            "chunk_framing_bytes",
            "ws_frames",
            "ws_frame_header_bytes",
            "ws_payload_wire_bytes",
            "sse_events",
            "empty_responses",
            "wire_bytes",
            "events_delivered",
            "latency_ms_p50",
            "latency_ms_p95",
            "latency_ms_max",
        ] {
            assert!(t.get(key).is_some(), "{} has no {key}", t["technique"]);
        }
        assert_eq!(t["events_delivered"], 3);
        assert!(t["latency_ms_max"].as_f64().unwrap() >= t["latency_ms_p50"].as_f64().unwrap());
    }
    let csv = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 5, "{csv}");
    assert!(lines[0].starts_with("technique,tcp_connections,http_requests"));
    assert!(lines[4].starts_with("websocket,1,1,"));
}

#[test]
fn a_preset_prints_its_published_table_beside_ours() {
    let json = temp("abril.json");
    // Abril's workload, shortened: the published figures are printed all the same.
    let run = wirelab(&[
        "--preset",
        "abril",
        "--events",
        "2",
        "--interval-ms",
        "100",
        "--poll-ms",
        "50",
        "--json",
        json.to_str().unwrap(),
    ]);
    let table = String::from_utf8(run.stdout).unwrap();
    assert!(table.contains("published: Abril"), "{table}");
    let row = table
        .lines()
        .find(|l| l.starts_with("WebSocket, KB transferred"))
        .unwrap();
    assert!(
        row.contains("0.629 KB") && row.contains("the HTML page only"),
        "{row}"
    );
    assert!(table.contains("request head"), "{table}");
    let value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let published = &value["published"];
    assert_eq!(published["preset"], "abril");
    let figures = published["figures"].as_array().unwrap();
    let published_kb: Vec<f64> = figures
        .iter()
        .map(|f| f["published"].as_f64().unwrap())
        .collect();
    assert_eq!(published_kb, [3.5, 1.9, 1.0, 0.629]);
    assert!(
        figures
            .iter()
            .all(|f| f["measured"].as_f64().unwrap() > 0.0)
    );
    assert_eq!(value["workload"]["request_head"], "browser-like");
}

#[test]
fn bad_options_are_refused_with_a_reason() {
    let run = Command::new(env!("CARGO_BIN_EXE_wirelab"))
        .args(["--lang", "en", "compare", "--preset", "nope"])
        .output()
        .unwrap();
    assert!(!run.status.success());
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("lubbers, abril, classroom"), "{err}");
    // A scale run refuses what it cannot do, with the reason.
    let run = Command::new(env!("CARGO_BIN_EXE_wirelab"))
        .args([
            "--lang",
            "en",
            "compare",
            "--clients",
            "10",
            "--keep-alive",
            "off",
        ])
        .output()
        .unwrap();
    assert!(!run.status.success());
    assert!(
        String::from_utf8_lossy(&run.stderr).contains("keep-alive"),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
}
