#![allow(clippy::unwrap_used, clippy::expect_used)]
//! A small scale run: 50 clients per technique against the real lab server, the load generator
//! in its child process (the built `wirelab`). Relations only, never timings.

mod support;

use std::path::PathBuf;
use std::time::Duration;

use wirelab::lab::scale::{self, Phase, ScaleConfig, ScaleTechnique};

fn wirelab() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_wirelab"))
}

#[test]
fn fifty_clients_per_technique_get_every_event_and_websocket_costs_least_per_event() {
    let config = ScaleConfig {
        clients: 50,
        events: 4,
        interval: Duration::from_millis(150),
        poll_every: Duration::from_millis(100),
        ..ScaleConfig::new(wirelab())
    };
    let mut phases = Vec::new();
    let report = scale::run(&config, |p| {
        assert!(p.connected <= p.clients && p.finished <= p.clients);
        if phases.last() != Some(&(p.technique, p.phase)) {
            phases.push((p.technique, p.phase));
        }
    })
    .expect("the scale run");
    // The idle phase first, then each technique in order.
    let mut expected = vec![(ScaleTechnique::WebSocket, Phase::Idle)];
    expected.extend(ScaleTechnique::ALL.map(|t| (t, Phase::Deliver)));
    assert_eq!(phases, expected);

    let idle = report.idle.expect("the idle phase was measured");
    assert_eq!(idle.connections, 50);
    assert!(
        idle.rss_before > 0 && idle.bytes_per_connection > 0.0,
        "{idle:?}"
    );

    assert_eq!(report.techniques.len(), 4);
    for run in &report.techniques {
        let name = run.technique.name();
        assert!(run.complete(), "{name}: {:?}", run.outcome);
        assert_eq!(run.outcome.events_received, 50 * 4, "{name}");
        // Persistent connections: one TCP connection per client.
        assert_eq!(run.wire.tcp_connections, 50, "{name}");
        assert!(run.wire.bytes_up > 0 && run.wire.bytes_down > 0, "{name}");
    }
    let per_event = |t: ScaleTechnique| {
        let run = report.techniques.iter().find(|r| r.technique == t).unwrap();
        run.bytes_per_client_per_event()
    };
    let short = per_event(ScaleTechnique::ShortPoll);
    assert!(per_event(ScaleTechnique::WebSocket) < short);
    assert!(per_event(ScaleTechnique::Sse) < short);
    assert!(per_event(ScaleTechnique::LongPoll) < short);

    // Latency is measured for WebSocket, by the load generator, over every delivery after
    // the last client connected.
    for run in &report.techniques {
        let latency = run.outcome.latency;
        if run.technique == ScaleTechnique::WebSocket {
            let l = latency.expect("WebSocket latency");
            assert!(l.samples > 0 && l.samples <= 50 * 4);
            assert!(l.p50_us <= l.p99_us && l.p99_us <= l.max_us);
        } else {
            assert_eq!(latency, None, "{}", run.technique.name());
        }
    }
    let table = scale::table::render(&report, wirelab::lang::Lang::En);
    for line in [
        "websocket",
        "Lubbers & Greco 2010, polling",
        "idle WebSocket",
    ] {
        assert!(table.contains(line), "{line} missing from\n{table}");
    }
}

#[test]
fn the_command_writes_the_report_as_json() {
    let scratch = support::temp::dir("scale");
    let dir = scratch.path();
    std::fs::create_dir_all(dir).unwrap();
    let out = dir.join("scale.json");
    let status = std::process::Command::new(wirelab())
        .args([
            "scale",
            "--clients",
            "5",
            "--techniques",
            "websocket,sse",
            "--events",
            "2",
            "--interval-ms",
            "50",
            "--no-idle",
            "--json",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(status.status.success(), "{status:?}");
    let stdout = String::from_utf8(status.stdout).unwrap();
    assert!(
        stdout.contains("Lubbers & Greco 2010, WebSocket"),
        "{stdout}"
    );
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(json["clients"], 5);
    assert!(json["idle"].is_null());
    let techniques = json["techniques"].as_array().unwrap();
    let names: Vec<&str> = techniques
        .iter()
        .map(|t| t["technique"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["websocket", "sse"]);
    for t in techniques {
        assert_eq!(t["outcome"]["in_order"], 5);
        assert!(t["wire"]["bytes_down"].as_u64().unwrap() > 0);
    }
}

#[test]
fn compare_with_clients_is_the_scale_run() {
    let scratch = support::temp::dir("compare-scale");
    let dir = scratch.path();
    std::fs::create_dir_all(dir).unwrap();
    let out = dir.join("scale.json");
    let run = std::process::Command::new(wirelab())
        .args([
            "compare",
            "--preset",
            "lubbers",
            "--clients",
            "3",
            "--events",
            "2",
            "--interval-ms",
            "50",
            "--poll-ms",
            "50",
            "--json",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(run.status.success(), "{run:?}");
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    // The preset's request heads and payload, our overrides of its pace.
    assert_eq!(json["clients"], 3);
    assert_eq!(json["head"], "lubbers");
    assert_eq!(json["events"], 2);
    assert_eq!(json["techniques"].as_array().unwrap().len(), 4);
    assert!(json["idle"]["bytes_per_connection"].as_f64().unwrap() > 0.0);
    // Their headers make a poll dearer than a WebSocket message.
    let per_event = |i: usize| {
        let t = &json["techniques"][i];
        let bytes =
            t["wire"]["bytes_up"].as_u64().unwrap() + t["wire"]["bytes_down"].as_u64().unwrap();
        assert_eq!(t["outcome"]["in_order"], 3, "{t}");
        bytes as f64 / 3.0 / 2.0
    };
    assert!(per_event(3) < per_event(0));
}
