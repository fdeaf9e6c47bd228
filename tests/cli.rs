//! The real binary's commands succeeding: `inspect --json` writes the trace `read_file` makes,
//! `run --notes` prints a lab run's timeline with its notes (in Chinese with `--lang zh`;
//! `inspect --lang zh` likewise, its JSON the same), and `capture --write --json`
//! records a conversation made during the capture into a pcapng file and a trace.
//! (`capture_permission` covers the same binary without capture permission.)
//!
//! `capture` needs capture permission for the binary (root, or `make setcap`): without it the
//! test fails and says so, unless `WIRELAB_SKIP_CAPTURE=1` is set (the skip is then listed at
//! the end of `make test`, as `tests/support/capture.rs` does for the in-process tests).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

mod support;
use support::capture;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use pcap_file::pcapng::{Block, PcapNgReader};
use wirelab::capture::file::read_file;
use wirelab::capture::packet::{Decoded, LinkType, decode};
use wirelab::trace::{Dir, EventKind, Trace};

fn wirelab() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wirelab"));
    cmd.env_remove("WIRELAB_LOG");
    cmd
}

/// A fresh scratch folder for one test's output files, removed when it drops.
fn temp_dir(test: &str) -> tempfile::TempDir {
    support::temp::dir(&format!("cli-{test}"))
}

fn succeeded(what: &str, out: &Output) {
    assert!(
        out.status.success(),
        "{what}: {}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn inspect_json_writes_the_trace_read_file_makes() {
    let capture = support::fixtures::shared_dir().join("ws_python_echo.pcap");
    let scratch = temp_dir("inspect");
    let dir = scratch.path();
    let json = dir.join("trace.json");
    let out = wirelab()
        .args(["inspect", "--no-color", "--json"])
        .arg(&json)
        .arg(&capture)
        .output()
        .unwrap();
    succeeded("inspect --json", &out);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("101 Switching Protocols"),
        "the timeline is printed too:\n{stdout}"
    );
    let written = Trace::from_json(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let (expected, _) = read_file(&capture, true).unwrap();
    // With --json the streams are kept (for the hex view of an imported trace).
    assert_eq!(written.streams.len(), 2);
    assert_eq!(written.connections, expected.connections);
    assert_eq!(written.events.len(), expected.events.len());
    assert!(written == expected, "inspect --json differs from read_file");
    assert_eq!(
        written
            .events
            .iter()
            .filter(|e| e.kind.name() == "ws_message")
            .count(),
        22,
        "ws_python_echo's 16 data and 6 control messages"
    );
}

#[test]
fn run_notes_prints_the_timeline_with_its_notes() {
    let scratch = temp_dir("run");
    let dir = scratch.path();
    let json = dir.join("run.json");
    let run = |notes: bool| {
        let mut cmd = wirelab();
        cmd.args(["run", "ws-echo", "--capture", "socket", "--no-color"]);
        if notes {
            cmd.arg("--notes").arg("--json").arg(&json);
        }
        let out = cmd.output().unwrap();
        succeeded("run ws-echo", &out);
        String::from_utf8(out.stdout).unwrap()
    };
    let with = run(true);
    let without = run(false);
    // The 101 agrees to switch; only the passed accept check says the connection speaks
    // WebSocket (RFC 6455 §4.1).
    let note = "101 Switching Protocols: the server agrees to switch to the protocol in its \
                Upgrade header (RFC 9110 §15.2.2).";
    for text in [&with, &without] {
        assert!(text.contains("wirelab · ws-echo"), "the header:\n{text}");
        assert!(
            text.contains("text \"Hello, WebSocket!\" (17 B)"),
            "the first message:\n{text}"
        );
    }
    assert!(
        with.contains(note),
        "--notes prints the 101's note:\n{with}"
    );
    assert!(
        with.contains("Sec-WebSocket-Accept = base64(SHA-1(key + 258EAFA5"),
        "--notes prints the accept check's note:\n{with}"
    );
    assert!(
        with.contains("speaks WebSocket in both directions (RFC 6455 §4.2.2)"),
        "the passed accept check's note says the connection speaks WebSocket:\n{with}"
    );
    assert!(
        !without.contains(note),
        "no notes without --notes:\n{without}"
    );
    // The socket tap alone: the handshake's packets were not seen, and the note says so.
    assert!(
        with.contains("a packet capture would show the SYN, SYN-ACK and ACK themselves"),
        "{with}"
    );
    let trace = Trace::from_json(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(trace.source.scenario.as_deref(), Some("ws-echo"));
    assert_eq!(trace.source.capture.as_deref(), Some("socket"));
    assert!(
        trace
            .events
            .iter()
            .any(|e| matches!(&e.kind, EventKind::WsMessage { text: Some(t), .. } if t == "Hello, WebSocket!")),
        "the trace has the run's messages"
    );
}

#[test]
fn run_notes_in_chinese_prints_the_timeline_in_chinese() {
    let out = wirelab()
        .args([
            "run",
            "ws-echo",
            "--capture",
            "socket",
            "--no-color",
            "--notes",
            "--lang",
            "zh",
        ])
        .output()
        .unwrap();
    succeeded("run ws-echo --notes --lang zh", &out);
    let text = String::from_utf8(out.stdout).unwrap();
    // The header, the connection line, the summaries and the notes, in Chinese; protocol
    // tokens and the citations as they are.
    for want in [
        "在套接字层观察",
        "连接：客户端 ",
        "connect() 返回：TCP 连接已建立（在套接字层观察到）",
        "Sec-WebSocket-Accept 一致 ✓ WebSocket 已打开",
        "101 Switching Protocols（切换协议）：服务器同意切换到它在 Upgrade 首部中指明的协议（RFC 9110 §15.2.2）。",
        "这条 TCP 连接在两个方向上都使用 WebSocket 协议（RFC 6455 §4.2.2）",
        "一条文本消息（opcode 0x1）",
        "抓包才能看到 SYN、SYN-ACK 和 ACK 本身",
        "条连接，",
    ] {
        assert!(text.contains(want), "{want:?} in:\n{text}");
    }
    assert!(
        !text.contains("the server agrees to switch"),
        "no English note:\n{text}"
    );
}

#[test]
fn inspect_in_chinese_prints_chinese_and_writes_the_same_json() {
    let capture = support::fixtures::shared_dir().join("ws_python_echo.pcap");
    let scratch = temp_dir("inspect-zh");
    let dir = scratch.path();
    let inspect = |lang: &str| {
        let json = dir.join(format!("trace-{lang}.json"));
        let out = wirelab()
            .args(["inspect", "--no-color", "--lang", lang, "--json"])
            .arg(&json)
            .arg(&capture)
            .output()
            .unwrap();
        succeeded("inspect --lang", &out);
        (
            String::from_utf8(out.stdout).unwrap(),
            std::fs::read_to_string(&json).unwrap(),
        )
    };
    let (en, en_json) = inspect("en");
    let (zh, zh_json) = inspect("zh");
    assert!(en.contains("connection: client "), "{en}");
    assert!(zh.contains("连接：客户端 "), "{zh}");
    assert!(zh.contains("HTTP/1.1 101 Switching Protocols"), "{zh}");
    // The trace is data: the same in every language.
    assert_eq!(en_json, zh_json);
}

#[test]
fn inspect_names_each_connections_addresses() {
    let capture = support::fixtures::shared_dir().join("ws_python_echo.pcap");
    let out = wirelab()
        .args(["inspect", "--no-color"])
        .arg(&capture)
        .output()
        .unwrap();
    succeeded("inspect", &out);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let (trace, _) = read_file(&capture, false).unwrap();
    let c = &trace.connections[0];
    let line = stdout
        .lines()
        .find(|l| l.contains("connection: client"))
        .unwrap_or_else(|| panic!("no connection line:\n{stdout}"));
    assert!(line.trim_start().starts_with("#0 "), "{line}");
    assert!(
        line.ends_with(&format!(
            "connection: client {} → server {}",
            c.client, c.server
        )),
        "{line}"
    );
    // Said before the first event of #0.
    let said = stdout.find("connection: client").unwrap();
    let first_event = stdout.find("SYN seq=0").unwrap();
    assert!(said < first_event, "{stdout}");
}

#[test]
fn inspect_of_a_file_that_is_no_capture_says_so() {
    let scratch = temp_dir("inspect-not-capture");
    let dir = scratch.path();
    let text = dir.join("notes.pcap");
    std::fs::write(&text, "these are notes, not packets\n").unwrap();
    // tshark's JSON dissection, which a Wireshark user may well pass.
    let tshark = support::fixtures::shared_dir().join("http_sse.tshark.json");
    for (file, like) in [(&text, "like text"), (&tshark, "like JSON")] {
        for summary in [false, true] {
            let mut cmd = wirelab();
            cmd.arg("inspect");
            if summary {
                cmd.arg("--summary");
            }
            let out = cmd.arg(file).output().unwrap();
            assert!(!out.status.success());
            let stderr = String::from_utf8(out.stderr).unwrap();
            assert!(
                stderr.contains(&format!(
                    "cannot read {}: not a pcap or pcapng file",
                    file.display()
                )),
                "{stderr}"
            );
            assert!(stderr.contains(like), "{stderr}");
            assert!(!stderr.contains("libpcap error"), "{stderr}");
        }
    }
}

#[test]
fn run_notes_with_packets_point_at_the_handshake_packets() {
    let out = wirelab()
        .args([
            "run",
            "ws-echo",
            "--capture",
            "packet",
            "--notes",
            "--no-color",
        ])
        .output()
        .unwrap();
    let test = "cli::run_notes_with_packets_point_at_the_handshake_packets";
    if !out.status.success() && capture::opted_out() {
        capture::record_skip(test, &String::from_utf8_lossy(&out.stderr));
        return;
    }
    succeeded(
        &format!("{test}: run --capture packet (needs capture permission: root or `make setcap`)"),
        &out,
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("SYN seq=0 ack=0"), "{stdout}");
    assert!(
        stdout.contains("The handshake's packets above come from the packet capture"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("a packet capture would show the SYN"),
        "no talk of missing packets beside real ones:\n{stdout}"
    );
}

/// One HTTP exchange on 127.0.0.1: a request, a 2-byte response, both ends closed.
fn http_exchange(listener: &TcpListener) {
    let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (mut server, _) = listener.accept().unwrap();
    client
        .write_all(b"GET /cli HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .unwrap();
    let mut request = [0u8; 38];
    server.read_exact(&mut request).unwrap();
    server
        .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        .unwrap();
    let mut response = Vec::new();
    client
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut buf = [0u8; 64];
    while !response.ends_with(b"ok") {
        let n = client.read(&mut buf).unwrap();
        assert!(n > 0, "the response arrives");
        response.extend_from_slice(&buf[..n]);
    }
    drop(client);
    drop(server);
}

#[test]
fn capture_write_and_json_record_the_conversation() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let scratch = temp_dir("capture");
    let dir = scratch.path();
    let (pcapng, json) = (dir.join("out.pcapng"), dir.join("out.json"));
    let mut child = wirelab()
        .args(["capture", "-i", "lo", "--no-color", "--duration", "2"])
        .args(["-f", &format!("tcp port {port}")])
        .arg("--write")
        .arg(&pcapng)
        .arg("--json")
        .arg(&json)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The capture is open once it says so on stderr; only then make the conversation.
    let stderr = child.stderr.take().unwrap();
    let (lines_tx, lines) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut said = Vec::new();
    let started = loop {
        match lines.recv_timeout(Duration::from_secs(30)) {
            Ok(line) if line.starts_with("capturing on lo") => break true,
            Ok(line) => said.push(line),
            Err(_) => break false,
        }
    };
    if !started {
        let status = child.wait().unwrap();
        let said = said.join("\n");
        let test = "cli::capture_write_and_json_record_the_conversation";
        if capture::opted_out() {
            capture::record_skip(test, &format!("`wirelab capture` did not start: {said}"));
            return;
        }
        panic!(
            "{test} cannot do its job: `wirelab capture` did not start ({status}): {said}\n\
             The binary needs capture permission: run the tests as root, or `make setcap` \
             (then re-run), or set {}=1 to skip the capture tests.",
            capture::SKIP_CAPTURE_ENV
        );
    }
    http_exchange(&listener);
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    let status = child.wait().unwrap();
    reader.join().unwrap();
    said.extend(lines.try_iter());
    assert!(status.success(), "capture: {status}\n{}", said.join("\n"));
    assert!(
        stdout.contains("GET /cli HTTP/1.1"),
        "the timeline is printed as it happens:\n{stdout}"
    );
    assert!(
        stdout.contains(&format!("→ server 127.0.0.1:{port}")),
        "each connection's addresses are said as it appears:\n{stdout}"
    );
    // The counters say that libpcap counted each loopback packet twice.
    let counters = said
        .iter()
        .find(|l| l.contains("packets processed"))
        .unwrap_or_else(|| panic!("no counters: {said:?}"));
    assert!(
        counters.contains("(on lo the kernel counts each packet twice, as sent and as received"),
        "{counters}"
    );

    // The pcapng holds the conversation's packets: a SYN each way, the request, the response.
    let bytes = std::fs::read(&pcapng).unwrap();
    let mut reader = PcapNgReader::new(bytes.as_slice()).unwrap();
    let mut link = None;
    let mut payloads: Vec<(u16, Vec<u8>)> = Vec::new();
    let mut syns = 0;
    while let Some(block) = reader.next_block() {
        match block.unwrap() {
            Block::InterfaceDescription(idb) => {
                link = LinkType::from_linktype(u32::from(idb.linktype) as i32);
            }
            Block::EnhancedPacket(p) => {
                let Ok(Decoded::Tcp(tcp)) = decode(link.unwrap(), &p.data) else {
                    panic!("a TCP packet");
                };
                assert!(tcp.src.port() == port || tcp.dst.port() == port);
                syns += usize::from(tcp.flags.syn);
                if !tcp.payload.is_empty() {
                    payloads.push((tcp.src.port(), tcp.payload.to_vec()));
                }
            }
            _ => {}
        }
    }
    assert_eq!(syns, 2, "SYN and SYN-ACK in the pcapng");
    let to_server: Vec<u8> = payloads
        .iter()
        .filter(|(src, _)| *src != port)
        .flat_map(|(_, p)| p.clone())
        .collect();
    let to_client: Vec<u8> = payloads
        .iter()
        .filter(|(src, _)| *src == port)
        .flat_map(|(_, p)| p.clone())
        .collect();
    assert_eq!(to_server, b"GET /cli HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    assert_eq!(to_client, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");

    // The trace: the same exchange, with the packet events of the handshake.
    let trace = Trace::from_json(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(trace.connections.len(), 1, "{:?}", trace.connections);
    assert!(trace.connections[0].server.ends_with(&format!(":{port}")));
    let kinds: Vec<String> = trace
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::TcpSyn(_) => Some("syn".to_string()),
            EventKind::TcpSynAck(_) => Some("syn-ack".to_string()),
            EventKind::HttpRequest { method, target, .. } => Some(format!("{method} {target}")),
            EventKind::HttpResponse { status, .. } => Some(status.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(kinds, ["syn", "syn-ack", "GET /cli", "200"]);
    assert!(
        trace
            .events
            .iter()
            .any(|e| e.kind.name() == "tcp_fin" && e.dir == Some(Dir::C2s)),
        "the client's FIN"
    );
}
