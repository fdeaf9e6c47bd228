//! Bad input from raw TCP clients: each broken rule becomes a `diagnostic` naming it, the
//! server answers as RFC 6455 says (close 1002/1007, 400/426), and the lab keeps serving:
//! a normal ws-echo run on the same lab works afterwards.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::time::Duration;

use wirelab::lab::{Lab, LabCommand, LabConfig, LabUpdate, RunMode};
use wirelab::trace::{Dir, EventKind};

mod support;
// One lab serves the external connections and then a run: updates of the earlier trace may
// still arrive before the run's RunStarted.
use support::lab::pump_across_runs as pump;

const KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";

fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream
}

/// Reads the response head (up to CRLF CRLF).
fn read_head(stream: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        let n = stream.read(&mut byte).unwrap();
        assert_eq!(
            n, 1,
            "the server closed before the end of its response head: {head:?}"
        );
        head.push(byte[0]);
    }
    String::from_utf8(head).unwrap()
}

/// A WebSocket connection opened by hand on `/echo`.
fn upgraded(addr: SocketAddr) -> TcpStream {
    let mut stream = connect(addr);
    write!(
        stream,
        "GET /echo HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: {KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    .unwrap();
    let head = read_head(&mut stream);
    assert!(head.starts_with("HTTP/1.1 101"), "{head}");
    assert!(head.contains("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), "{head}");
    stream
}

/// A frame: `b0` (FIN/RSV/opcode), masked with a fixed key when `mask`.
fn frame(b0: u8, payload: &[u8], mask: bool) -> Vec<u8> {
    let key = [0x37, 0xfa, 0x21, 0x3d];
    let mut out = vec![b0];
    let m = if mask { 0x80 } else { 0 };
    match payload.len() {
        n if n < 126 => out.push(m | n as u8),
        n if n < 65536 => {
            out.push(m | 126);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            out.push(m | 127);
            out.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    if mask {
        out.extend_from_slice(&key);
        out.extend(payload.iter().enumerate().map(|(i, b)| b ^ key[i % 4]));
    } else {
        out.extend_from_slice(payload);
    }
    out
}

/// Reads until the server closes (EOF, or a reset when it closed with our bytes unread).
fn drain(stream: &mut TcpStream) {
    let mut sink = Vec::new();
    let _ = stream.read_to_end(&mut sink);
}

struct Case {
    name: &'static str,
    /// A text the diagnostic's rule must contain.
    rule: &'static str,
    /// The close code the server must send, if any.
    close_code: Option<u16>,
}

#[test]
fn bad_input_is_diagnosed_and_the_lab_keeps_serving() {
    let lab = Lab::start(LabConfig::default(), None).unwrap();
    let addr = lab.server_addr();
    let mut trace = None;
    let cases = [
        Case {
            name: "invalid HTTP",
            rule: "RFC 911",
            close_code: None,
        },
        Case {
            name: "reserved opcode 0x3",
            rule: "RFC 6455 §5.2",
            close_code: Some(1002),
        },
        Case {
            name: "control frame over 125 bytes",
            rule: "RFC 6455 §5.5",
            close_code: Some(1002),
        },
        Case {
            name: "fragmented control frame",
            rule: "RFC 6455 §5.5",
            close_code: Some(1002),
        },
        Case {
            name: "text that is not UTF-8",
            rule: "RFC 6455 §8.1",
            close_code: Some(1007),
        },
        Case {
            name: "unmasked client frame",
            rule: "RFC 6455 §5.1",
            close_code: Some(1002),
        },
        Case {
            name: "truncated frame, then the client closes",
            rule: "RFC 6455 §7.1.5",
            close_code: None,
        },
    ];
    for (conn, case) in cases.iter().enumerate() {
        let conn = conn as u32;
        match case.name {
            "invalid HTTP" => {
                let mut s = connect(addr);
                s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nthis line has no colon\r\n\r\n")
                    .unwrap();
                let head = read_head(&mut s);
                assert!(head.starts_with("HTTP/1.1 400"), "{head}");
                drain(&mut s);
            }
            "truncated frame, then the client closes" => {
                let mut s = upgraded(addr);
                let whole = frame(0x81, b"0123456789", true);
                s.write_all(&whole[..9]).unwrap();
                s.shutdown(Shutdown::Write).unwrap();
                drain(&mut s);
            }
            name => {
                let bytes = match name {
                    "reserved opcode 0x3" => frame(0x83, b"x", true),
                    "control frame over 125 bytes" => frame(0x89, &[b'p'; 126], true),
                    "fragmented control frame" => frame(0x09, b"p", true),
                    "text that is not UTF-8" => frame(0x81, &[0xff, 0xfe, 0xfd], true),
                    "unmasked client frame" => frame(0x81, b"hi", false),
                    _ => unreachable!(),
                };
                let mut s = upgraded(addr);
                s.write_all(&bytes).unwrap();
                drain(&mut s);
            }
        }
        pump(&lab, &mut trace, Duration::from_secs(20), |_, t| {
            t.events
                .iter()
                .any(|e| e.conn == Some(conn) && e.kind.name() == "tcp_close")
        });
        let t = trace.as_ref().unwrap();
        assert!(
            t.connections[conn as usize]
                .label
                .as_deref()
                .is_some_and(|l| l.starts_with("external client 127.0.0.1:"))
        );
        let rules: Vec<(String, String)> = t
            .events
            .iter()
            .filter(|e| e.conn == Some(conn))
            .filter_map(|e| match &e.kind {
                EventKind::Diagnostic { rule, message, .. } => {
                    Some((rule.clone().unwrap_or_default(), message.clone()))
                }
                _ => None,
            })
            .collect();
        assert!(
            rules.iter().any(|(rule, _)| rule.contains(case.rule)),
            "{}: expected a diagnostic naming {}, got {rules:?}",
            case.name,
            case.rule
        );
        if let Some(code) = case.close_code {
            let sent = t.events.iter().any(|e| {
                e.conn == Some(conn)
                    && e.dir == Some(Dir::S2c)
                    && matches!(e.kind, EventKind::WsMessage { opcode: 8, close_code: Some(c), .. } if c == code)
            });
            assert!(
                sent,
                "{}: the server fails the connection with close {code}",
                case.name
            );
        }
    }
    assert_eq!(
        trace.as_ref().unwrap().source.scenario,
        None,
        "an external-only trace"
    );

    // The same lab still runs a normal scenario.
    lab.send(LabCommand::Start {
        scenario: "ws-echo".to_string(),
        mode: RunMode::Run,
    });
    let mut run = None;
    pump(&lab, &mut run, Duration::from_secs(60), |u, _| {
        *u == LabUpdate::Finished
    });
    let run = run.unwrap();
    assert_eq!(run.source.scenario.as_deref(), Some("ws-echo"));
    let echoed = run
        .events
        .iter()
        .filter(|e| {
            e.dir == Some(Dir::S2c)
                && matches!(&e.kind, EventKind::WsMessage { text: Some(t), .. } if t == "Hello, WebSocket!")
        })
        .count();
    assert_eq!(echoed, 1);
}

#[test]
fn broken_upgrades_get_400_and_plain_gets_get_426() {
    let lab = Lab::start(LabConfig::default(), None).unwrap();
    let addr = lab.server_addr();
    let ask = |request: String| -> String {
        let mut s = connect(addr);
        s.write_all(request.as_bytes()).unwrap();
        read_head(&mut s)
    };
    let plain = ask(format!("GET /echo HTTP/1.1\r\nHost: {addr}\r\n\r\n"));
    assert!(plain.starts_with("HTTP/1.1 426"), "{plain}");
    assert!(
        plain.to_ascii_lowercase().contains("upgrade: websocket"),
        "{plain}"
    );
    // RFC 6455 §4.4: a WebSocket server's 426 names the versions it speaks.
    assert!(
        plain
            .to_ascii_lowercase()
            .contains("sec-websocket-version: 13"),
        "{plain}"
    );
    let no_key = ask(format!(
        "GET /echo HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n"
    ));
    assert!(no_key.starts_with("HTTP/1.1 400"), "{no_key}");
    let short_key = ask(format!(
        "GET /echo HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: c2hvcnQ=\r\nSec-WebSocket-Version: 13\r\n\r\n"
    ));
    assert!(short_key.starts_with("HTTP/1.1 400"), "{short_key}");
    let no_connection = ask(format!(
        "GET /echo HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nSec-WebSocket-Key: {KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    ));
    assert!(no_connection.starts_with("HTTP/1.1 400"), "{no_connection}");
    let old_version = ask(format!(
        "GET /echo HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: {KEY}\r\nSec-WebSocket-Version: 8\r\n\r\n"
    ));
    assert!(old_version.starts_with("HTTP/1.1 426"), "{old_version}");
    assert!(
        old_version
            .to_ascii_lowercase()
            .contains("sec-websocket-version: 13"),
        "{old_version}"
    );
    // RFC 9110 §15.5.22: a 426 MUST send an Upgrade header.
    assert!(
        old_version
            .to_ascii_lowercase()
            .contains("upgrade: websocket"),
        "{old_version}"
    );
    // A permessage-deflate offer is not answered (tungstenite cannot compress).
    let mut s = connect(addr);
    write!(
        s,
        "GET /echo HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: {KEY}\r\nSec-WebSocket-Version: 13\r\n\
         Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n"
    )
    .unwrap();
    let head = read_head(&mut s);
    assert!(head.starts_with("HTTP/1.1 101"), "{head}");
    assert!(
        !head
            .to_ascii_lowercase()
            .contains("sec-websocket-extensions"),
        "{head}"
    );
    // It echoes.
    s.write_all(&frame(0x81, b"still here", true)).unwrap();
    let mut reply = [0u8; 12];
    s.read_exact(&mut reply).unwrap();
    assert_eq!(&reply, b"\x81\x0astill here");
}
