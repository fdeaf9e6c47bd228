//! Live capture on `lo` of a real lab conversation: what the packets say (reassembled and
//! dissected) agrees with what the lab's socket tap saw, and the pcapng file streamed during
//! the capture reads back to the same conversation.
//!
//! Needs capture permission (CI runs as root). Without it the test fails, saying how to grant
//! it, unless `WIRELAB_SKIP_CAPTURE=1` is set (then `make test` lists it as skipped); any other
//! capture error fails.
//!
//! What is independent here: the tap records the bytes the server's sockets read and wrote, the
//! capture the packets the kernel handed libpcap, so the byte-for-byte equality of each
//! direction's stream (live, and read back from the pcapng) compares two observers. The
//! message-level comparison ([`conversation`]) runs both through the same dissector, so a
//! dissector bug would cancel out there: it only shows that reassembly feeds the dissector the
//! same bytes in the same pieces that matter.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use std::time::{Duration, Instant};

use wirelab::capture::file::read_file;
use wirelab::capture::live::{LiveCapture, LiveOptions, LiveUpdate};
use wirelab::lab::{Lab, LabCommand, LabUpdate, RunMode};
use wirelab::trace::{Dir, EventKind, Trace};

mod support;
use support::capture::{Capture, require_capture};
use support::lab::socket_lab;

/// HTTP heads and every WebSocket message, as our dissector reads them. Not an independent
/// oracle (both traces go through the same dissector); the stream bytes are.
fn conversation(trace: &Trace) -> Vec<String> {
    trace
        .events
        .iter()
        .filter_map(|e| {
            let dir = e.dir.map_or("-", Dir::as_str);
            match &e.kind {
                EventKind::HttpRequest { method, target, .. } => {
                    Some(format!("{dir} request {method} {target}"))
                }
                EventKind::HttpResponse { status, .. } => Some(format!("{dir} response {status}")),
                EventKind::WsMessage {
                    opcode,
                    payload_len,
                    text,
                    data_b64,
                    close_code,
                    ..
                } => Some(format!(
                    "{dir} message {opcode} {payload_len} {text:?} {data_b64:?} {close_code:?}"
                )),
                _ => None,
            }
        })
        .collect()
}

/// Where a capture is written, removed when it drops.
fn temp_pcapng() -> tempfile::TempPath {
    support::temp::path("capture-live.pcapng")
}

#[test]
fn packets_and_the_socket_tap_tell_the_same_conversation() {
    if require_capture("capture_live::packets_and_the_socket_tap_tell_the_same_conversation")
        == Capture::Skipped
    {
        return;
    }
    // The lab traces itself from the socket only; the capture here is independent of it.
    let lab = Lab::start(socket_lab(), None).unwrap();
    let file = temp_pcapng();
    let capture = LiveCapture::start(
        LiveOptions {
            device: "lo".to_string(),
            filter: format!("tcp port {}", lab.server_addr().port()),
            write: Some(file.to_path_buf()),
        },
        None,
    )
    .unwrap();

    lab.send(LabCommand::Start {
        scenario: "ws-echo".to_string(),
        mode: RunMode::Run,
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut socket: Option<Trace> = None;
    loop {
        assert!(Instant::now() < deadline, "the run did not finish");
        match lab.recv_timeout(Duration::from_millis(200)) {
            Some(LabUpdate::RunStarted { trace, .. }) => socket = Some(trace),
            Some(LabUpdate::Trace(u)) => socket.as_mut().unwrap().apply(u),
            Some(LabUpdate::Finished) => break,
            Some(LabUpdate::Failed(message)) => panic!("ws-echo failed: {message}"),
            _ => {}
        }
    }
    let socket = socket.unwrap();
    let want = conversation(&socket);
    assert!(want.len() >= 20, "{want:#?}");

    // The capture has the whole conversation once both FINs and the last ACK are in.
    let mut live: Option<Trace> = None;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        assert!(
            Instant::now() < deadline,
            "the capture missed the teardown: {:#?}",
            live.as_ref().map(|t| t
                .events
                .iter()
                .filter(|e| e.kind.name().starts_with("tcp_"))
                .map(|e| format!("{} {:?} {:?}", e.t_us, e.dir, e.kind))
                .collect::<Vec<_>>())
        );
        match capture.recv_timeout(Duration::from_millis(200)) {
            Some(LiveUpdate::Started(trace)) => live = Some(trace),
            Some(LiveUpdate::Trace(u)) => live.as_mut().unwrap().apply(u),
            Some(LiveUpdate::Stopped { error, .. }) => panic!("the capture stopped: {error:?}"),
            _ => {}
        }
        let done = live.as_ref().is_some_and(|t| {
            let tcp: Vec<&str> = t
                .events
                .iter()
                .map(|e| e.kind.name())
                .filter(|k| k.starts_with("tcp_"))
                .collect();
            tcp.iter().filter(|k| **k == "tcp_fin").count() >= 2 && tcp.last() == Some(&"tcp_ack")
        });
        if done {
            break;
        }
    }
    capture.stop();
    let mut stopped = false;
    while !stopped {
        match capture.recv_timeout(Duration::from_secs(10)) {
            Some(LiveUpdate::Trace(u)) => live.as_mut().unwrap().apply(u),
            Some(LiveUpdate::Stopped { error, stats }) => {
                assert_eq!(error, None);
                // `dropped == 0` alone also holds when the counters were never filled in:
                // libpcap must have counted what wirelab processed.
                assert!(stats.processed > 0, "{stats:?}");
                assert!(u64::from(stats.received) >= stats.processed, "{stats:?}");
                assert_eq!(stats.dropped, 0, "{stats:?}");
                stopped = true;
            }
            Some(_) => {}
            None => panic!("the capture did not stop"),
        }
    }
    let live = live.unwrap();
    assert_eq!(live.source.capture.as_deref(), Some("packet"));
    assert_eq!(live.connections.len(), 1, "{:#?}", live.connections);
    assert_eq!(live.connections[0].client, socket.connections[0].client);
    // The independent check: both directions' bytes are the same bytes, and not none.
    for dir in [Dir::C2s, Dir::S2c] {
        let tapped = socket.stream(0, dir).unwrap_or_default();
        assert!(tapped.len() > 70_000, "{dir:?}: {} B", tapped.len());
        assert_eq!(live.stream(0, dir), Some(tapped), "{dir:?}");
    }
    // Same dissector on both sides (see `conversation`): agreement here is about reassembly.
    assert_eq!(conversation(&live), want);

    // The pcapng streamed during the capture reads back to the same conversation.
    let (from_file, _) = read_file(&file, true).unwrap();
    for dir in [Dir::C2s, Dir::S2c] {
        assert_eq!(
            from_file.stream(0, dir),
            socket.stream(0, dir),
            "file {dir:?}"
        );
    }
    assert_eq!(conversation(&from_file), want);
    let names: Vec<&str> = from_file.events.iter().map(|e| e.kind.name()).collect();
    assert_eq!(
        names.get(..3),
        Some(&["tcp_syn", "tcp_syn_ack", "tcp_ack"][..]),
        "{names:?}"
    );
}

/// One short TCP conversation with a listener on 127.0.0.1: connect, a request and a reply,
/// both sides close.
fn converse(listener: &std::net::TcpListener) {
    use std::io::{Read as _, Write as _};
    let mut client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (mut server, _) = listener.accept().unwrap();
    client.write_all(b"ping").unwrap();
    let mut buf = [0u8; 4];
    server.read_exact(&mut buf).unwrap();
    server.write_all(b"pong").unwrap();
    client.read_exact(&mut buf).unwrap();
    drop(client);
    drop(server);
}

/// Waits for counters that have caught up with a finished conversation while the capture
/// still runs: every packet libpcap counted was processed, on `lo` each counted twice.
fn settled_counters(capture: &LiveCapture, more_than: u64) -> wirelab::capture::live::LiveStats {
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut last = None;
    loop {
        assert!(
            Instant::now() < deadline,
            "the counters never caught up while capturing: last {last:?}"
        );
        match capture.recv_timeout(Duration::from_millis(200)) {
            Some(LiveUpdate::Stats(s)) => {
                if s.processed > more_than && u64::from(s.received) == 2 * s.processed {
                    return s;
                }
                last = Some(s);
            }
            Some(LiveUpdate::Stopped { error, .. }) => panic!("the capture stopped: {error:?}"),
            _ => {}
        }
    }
}

#[test]
fn counters_grow_while_capturing_and_count_each_loopback_packet_twice() {
    use wirelab::capture::live::Counting;
    if require_capture(
        "capture_live::counters_grow_while_capturing_and_count_each_loopback_packet_twice",
    ) == Capture::Skipped
    {
        return;
    }
    assert_eq!(Counting::of("lo"), Counting::Twice);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let capture = LiveCapture::start(
        LiveOptions {
            device: "lo".to_string(),
            filter: format!("tcp port {}", listener.local_addr().unwrap().port()),
            write: None,
        },
        None,
    )
    .unwrap();
    converse(&listener);
    // After the conversation the link is idle: the counters still come, up to date (before
    // the fix, libpcap's were read only while packets arrived, and lagged until Stop).
    let first = settled_counters(&capture, 0);
    assert_eq!(first.dropped, 0, "{first:?}");
    assert_eq!(first.waiting(Counting::Twice), Some(0), "{first:?}");
    converse(&listener);
    let second = settled_counters(&capture, first.processed);
    assert!(second.received > first.received, "{first:?} {second:?}");
    capture.stop();
    loop {
        match capture.recv_timeout(Duration::from_secs(10)) {
            Some(LiveUpdate::Stopped { stats, error }) => {
                assert_eq!(error, None);
                // The final counters agree the same way.
                assert!(stats.processed >= second.processed, "{second:?} {stats:?}");
                assert_eq!(u64::from(stats.received), 2 * stats.processed, "{stats:?}");
                break;
            }
            Some(_) => {}
            None => panic!("the capture did not stop"),
        }
    }
}
