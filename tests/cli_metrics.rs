#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The real binary's `inspect FILE --metrics --json OUT`: the table names each technique and
//! what each row counts, and the JSON it writes is the metrics of the trace `read_file` makes.

mod support;

use std::path::Path;
use std::process::Command;

use support::fixtures::shared_fixture;
use wirelab::analysis::metrics::{Metrics, metrics};
use wirelab::capture::file::read_file;

#[test]
fn inspect_metrics_prints_the_table_and_writes_the_json() {
    let pcap = shared_fixture("http_short_poll.pcap");
    let out = std::env::temp_dir().join(format!("wirelab-cli-metrics-{}.json", std::process::id()));
    let run = Command::new(env!("CARGO_BIN_EXE_wirelab"))
        .env_remove("WIRELAB_LOG")
        .args(["inspect", &pcap, "--metrics", "--json"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let table = String::from_utf8(run.stdout).unwrap();
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
    std::fs::remove_file(&out).unwrap();
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
