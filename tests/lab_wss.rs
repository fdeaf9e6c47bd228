//! `wss-echo`: the echo over TLS. The socket tap above TLS sees the upgrade and the frames;
//! below TLS it records the TLS records, and the packets carry exactly those records and
//! nothing readable. `wirelab run --pcapng` saves the packets, which wirelab, libpcap (and
//! tshark when installed) read back.
//!
//! The packet tests need capture permission (CI runs as root); see `tests/lab_packet.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use std::process::Command;

use wirelab::lab::{CaptureMode, LabConfig, PacketFile, run_scenario};
use wirelab::trace::{Dir, EventKind, Observed, Trace};

mod support;
use support::capture::{Capture, require_capture};
use support::lab::socket_lab;

/// The (direction, content type, length) of every TLS record of connection 0, in order.
fn tls_records(trace: &Trace) -> Vec<(Dir, u8, u16)> {
    trace
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::TlsRecord {
                content_type,
                length,
                ..
            } => Some((e.dir.unwrap(), *content_type, *length)),
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

/// What the tap above TLS must show of `wss-echo`: the upgrade, 101, each message both ways.
fn check_plaintext(trace: &Trace) {
    assert_eq!(trace.connections.len(), 1);
    assert_eq!(count(trace, "http_request"), 1);
    assert_eq!(count(trace, "http_response"), 1);
    assert!(
        trace
            .events
            .iter()
            .any(|e| matches!(e.kind, EventKind::WsUpgradeCheck { valid: true, .. }))
    );
    let texts: Vec<(Dir, &str)> = trace
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::WsMessage {
                text: Some(t),
                opcode: 1,
                ..
            } => Some((e.dir.unwrap(), t.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(
        texts,
        [(Dir::C2s, "Hello over TLS!"), (Dir::S2c, "Hello over TLS!")]
    );
    // text, binary, ping, close from the client; text, binary, pong, close back.
    assert_eq!(count(trace, "ws_message"), 8);
    let diagnostics: Vec<_> = trace
        .events
        .iter()
        .filter(|e| e.kind.name() == "diagnostic")
        .collect();
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
}

/// The records below TLS: a ClientHello first, a ServerHello first back, and every message
/// inside application_data records (none bigger than 2^14 + 256 bytes).
fn check_records(records: &[(Dir, u8, u16)]) {
    let first = |dir: Dir| records.iter().find(|r| r.0 == dir).copied().unwrap();
    assert_eq!(first(Dir::C2s).1, 22, "{records:?}");
    assert_eq!(first(Dir::S2c).1, 22, "{records:?}");
    assert!(records.iter().all(|r| r.2 <= (1 << 14) + 256));
    // The 70000-byte message needs at least five records each way (2^14 bytes each at most).
    let big = |dir: Dir| {
        records
            .iter()
            .filter(|r| r.0 == dir && r.1 == 23 && r.2 > 16_000)
            .count()
    };
    assert!(big(Dir::C2s) >= 4 && big(Dir::S2c) >= 4, "{records:?}");
}

#[test]
fn the_tap_above_tls_sees_the_frames_and_below_it_only_tls_records() {
    let trace = run_scenario("wss-echo", socket_lab()).unwrap();
    check_plaintext(&trace);
    let records = tls_records(&trace);
    check_records(&records);
    // Every record the lab shows was read below TLS, at the socket.
    for e in &trace.events {
        if let EventKind::TlsRecord {
            observed,
            handshake_type,
            content_type,
            ..
        } = &e.kind
        {
            assert_eq!(*observed, Some(Observed::Socket));
            assert!(e.span.is_none(), "the trace's streams hold the plaintext");
            if *content_type != 22 {
                assert_eq!(*handshake_type, None);
            }
        }
    }
    // Each message the client sends arrives inside a record that comes before it.
    let first_message = trace
        .events
        .iter()
        .position(|e| e.kind.name() == "ws_message")
        .unwrap();
    let app_data_before = trace.events[..first_message]
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                EventKind::TlsRecord {
                    content_type: 23,
                    ..
                }
            )
        })
        .count();
    assert!(app_data_before >= 3, "handshake flight, upgrade, 101, text");
}

/// Where a run's pcapng is written, removed when it drops.
fn temp_pcapng(name: &str) -> tempfile::TempPath {
    support::temp::path(&format!("{name}.pcapng"))
}

#[test]
fn packets_show_only_tls_records_while_the_tap_shows_the_frames() {
    if require_capture("lab_wss::packets_show_only_tls_records_while_the_tap_shows_the_frames")
        == Capture::Skipped
    {
        return;
    }
    let path = temp_pcapng("lab");
    let config = LabConfig {
        capture: CaptureMode::Packet,
        pcapng: PacketFile::Keep(path.to_path_buf()),
        ..LabConfig::default()
    };
    let lab_trace = run_scenario("wss-echo", config).unwrap();
    assert_eq!(lab_trace.source.capture.as_deref(), Some("packet+socket"));
    check_plaintext(&lab_trace);
    // The packets, dissected on their own: TCP and TLS records, nothing readable.
    let (packets, _) = wirelab::capture::file::read_file(&path, false).unwrap();
    assert_eq!(packets.connections.len(), 1);
    for e in &packets.events {
        let name = e.kind.name();
        assert!(
            name.starts_with("tcp_") || name == "tls_record",
            "the packets show only TCP and TLS records: {e:?}"
        );
    }
    let seen = tls_records(&packets);
    check_records(&seen);
    // The very records the lab read below TLS, in the same order each way.
    let per_dir = |r: &[(Dir, u8, u16)], dir: Dir| -> Vec<(u8, u16)> {
        r.iter()
            .filter(|x| x.0 == dir)
            .map(|x| (x.1, x.2))
            .collect()
    };
    let lab_records = tls_records(&lab_trace);
    for dir in [Dir::C2s, Dir::S2c] {
        assert_eq!(per_dir(&seen, dir), per_dir(&lab_records, dir), "{dir:?}");
    }
    // And the FINs' sequence numbers count exactly those records' bytes.
    for dir in [Dir::C2s, Dir::S2c] {
        let bytes: u32 = per_dir(&seen, dir)
            .iter()
            .map(|(_, len)| u32::from(*len) + 5)
            .sum();
        let fin = lab_trace
            .events
            .iter()
            .find_map(|e| match &e.kind {
                EventKind::TcpFin(s) if e.dir == Some(dir) => Some(s.seq),
                _ => None,
            })
            .unwrap();
        assert_eq!(fin, 1 + bytes, "{dir:?}");
    }
}

#[test]
fn run_pcapng_writes_a_file_that_wirelab_libpcap_and_tshark_read_back() {
    if require_capture(
        "lab_wss::run_pcapng_writes_a_file_that_wirelab_libpcap_and_tshark_read_back",
    ) == Capture::Skipped
    {
        return;
    }
    let path = temp_pcapng("cli");
    let out = Command::new(env!("CARGO_BIN_EXE_wirelab"))
        .args([
            "run",
            "wss-echo",
            "--capture",
            "packet",
            "--no-color",
            "--pcapng",
        ])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // wirelab inspect reads it: TLS records only.
    let inspect = Command::new(env!("CARGO_BIN_EXE_wirelab"))
        .args(["inspect", "--no-color"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(inspect.status.success());
    let text = String::from_utf8_lossy(&inspect.stdout);
    assert!(text.contains("TLS handshake: ClientHello"), "{text}");
    assert!(!text.contains("GET /echo"), "{text}");
    // libpcap reads every packet of it.
    let mut cap = pcap::Capture::from_file(&path).unwrap();
    let mut packets = 0;
    while cap.next_packet().is_ok() {
        packets += 1;
    }
    assert!(packets >= 20, "{packets} packets");
    // tshark, when installed, finds the same TLS handshake.
    if let Ok(tshark) = Command::new("tshark")
        .args(["-r"])
        .arg(&path)
        .args([
            "-Y",
            "tls.handshake.type == 1",
            "-T",
            "fields",
            "-e",
            "frame.number",
        ])
        .output()
    {
        let frames = String::from_utf8_lossy(&tshark.stdout);
        assert_eq!(frames.lines().count(), 1, "one ClientHello: {frames}");
    }
}

/// The GUI's "Save pcapng…": a lab that keeps a scratch file saves one run's packets, not
/// those of the run before it, and removes the scratch file when it stops.
#[test]
fn a_saved_run_has_its_own_packets_only() {
    if require_capture("lab_wss::a_saved_run_has_its_own_packets_only") == Capture::Skipped {
        return;
    }
    let config = LabConfig {
        capture: CaptureMode::Packet,
        pcapng: PacketFile::Scratch,
        ..LabConfig::default()
    };
    let lab = wirelab::lab::Lab::start(config, None).unwrap();
    let mut runs = Vec::new();
    for scenario in ["http-get", "wss-echo"] {
        lab.send(wirelab::lab::LabCommand::Start {
            scenario: scenario.to_string(),
            mode: wirelab::lab::RunMode::Run,
        });
        let mut trace = None;
        support::lab::pump_across_runs(
            &lab,
            &mut trace,
            std::time::Duration::from_secs(60),
            |u, _| matches!(u, wirelab::lab::LabUpdate::Finished),
        );
        runs.push(trace.unwrap());
    }
    let path = temp_pcapng("saved");
    let saved = lab.save_run_pcapng(runs[1].started_at, &path).unwrap();
    assert!(saved >= 20, "{saved} packets");
    let (packets, _) = wirelab::capture::file::read_file(&path, false).unwrap();
    // The wss-echo connection alone: TLS records, no trace of http-get's GET /hello.
    assert_eq!(packets.connections.len(), 1, "{:#?}", packets.connections);
    assert_eq!(packets.connections[0].client, runs[1].connections[0].client);
    assert_eq!(count(&packets, "http_request"), 0);
    check_records(&tls_records(&packets));
    let scratch = std::env::temp_dir().join(format!(
        "wirelab-lab-{}-{}.pcapng",
        std::process::id(),
        lab.server_addr().port()
    ));
    assert!(scratch.exists());
    drop(lab);
    assert!(
        !scratch.exists(),
        "the scratch file is removed with the lab"
    );
}
