//! The recordings shipped in `assets/captures/` (see its README): wirelab opens each one, and
//! what it finds agrees with tshark's decoding shipped beside it (`*.tshark.txt`, made when
//! the capture was recorded): every WebSocket frame's direction, FIN, RSV1, opcode, mask and
//! wire length, every message's inflated text, the ping's and pong's payloads, the close code
//! and reason. The browser masks every frame it sends; the server masks none.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use wirelab::capture::file::read_file;
use wirelab::trace::{Dir, Event, EventKind, Severity, Trace};

mod support;
use support::events::message_payload;

fn capture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets/captures")
        .join(name)
}

/// One WebSocket frame as tshark decoded it.
#[derive(Debug)]
struct TsharkFrame {
    dir: Dir,
    fin: bool,
    rsv1: bool,
    opcode: u8,
    masked: bool,
    payload_len: u64,
    /// The unmasked (and, for a compressed message, inflated) text.
    text: Option<String>,
    /// A ping's or pong's payload in hex.
    control_hex: Option<String>,
    close: Option<(u16, String)>,
}

/// The WebSocket frames of a `*.tshark.txt`: its fields table (a header row naming the
/// fields, then one row per packet, several frames of one packet joined with `|`); the
/// server's port is the one its `-d tcp.port==P,http` names.
fn tshark_frames(text: &str) -> Vec<TsharkFrame> {
    let port: u16 = text
        .lines()
        .find_map(|l| l.split("-d tcp.port==").nth(1))
        .and_then(|rest| rest.split(',').next())
        .expect("the server's port in the tshark command")
        .parse()
        .unwrap();
    let mut lines = text
        .lines()
        .skip_while(|l| !l.starts_with("frame.number\t"));
    let header: Vec<&str> = lines
        .next()
        .expect("the fields table")
        .split('\t')
        .collect();
    let mut frames = Vec::new();
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let cells: BTreeMap<&str, &str> = header.iter().copied().zip(line.split('\t')).collect();
        let column = |name: &str| -> Vec<&str> {
            let cell = cells.get(name).copied().unwrap_or("");
            if cell.is_empty() {
                Vec::new()
            } else {
                cell.split('|').collect()
            }
        };
        let dir = if column("tcp.srcport") == [port.to_string().as_str()] {
            Dir::S2c
        } else {
            Dir::C2s
        };
        let opcodes = column("websocket.opcode");
        let (mut texts, mut pings, mut pongs) = (
            column("websocket.payload.text").into_iter(),
            column("websocket.payload.ping").into_iter(),
            column("websocket.payload.pong").into_iter(),
        );
        let (mut codes, mut reasons) = (
            column("websocket.payload.close.status_code").into_iter(),
            column("websocket.payload.close.reason").into_iter(),
        );
        for (i, opcode) in opcodes.iter().enumerate() {
            let at = |name: &str| column(name)[i].to_string();
            let opcode: u8 = opcode.parse().unwrap();
            let rsv = u8::from_str_radix(at("websocket.rsv").trim_start_matches("0x"), 16).unwrap();
            frames.push(TsharkFrame {
                dir,
                fin: at("websocket.fin") == "1",
                rsv1: rsv & 0x4 != 0,
                opcode,
                masked: at("websocket.mask") == "1",
                payload_len: at("websocket.payload_length").parse().unwrap(),
                text: (opcode == 1).then(|| texts.next().unwrap().to_string()),
                control_hex: match opcode {
                    9 => pings.next().map(str::to_string),
                    10 => pongs.next().map(str::to_string),
                    _ => None,
                },
                close: (opcode == 8).then(|| {
                    (
                        codes.next().unwrap().parse().unwrap(),
                        reasons.next().unwrap_or("").to_string(),
                    )
                }),
            });
        }
    }
    frames
}

fn frames(trace: &Trace) -> Vec<&Event> {
    trace
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::WsFrame { .. }))
        .collect()
}

fn messages(trace: &Trace) -> Vec<&Event> {
    trace
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::WsMessage { .. }))
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn chromium_deflate_agrees_with_tshark() {
    let (trace, _) = read_file(&capture("chromium-deflate.pcapng"), true).unwrap();
    let reference = std::fs::read_to_string(capture("chromium-deflate.tshark.txt")).unwrap();
    let expected = tshark_frames(&reference);
    // Literal counts: 12 frames (8 texts, a ping, a pong, two closes), none fragmented.
    assert_eq!(expected.len(), 12);
    let got = frames(&trace);
    assert_eq!(got.len(), expected.len(), "frames");
    let ws_conn = got[0].conn;
    for (event, want) in got.iter().zip(&expected) {
        let EventKind::WsFrame {
            fin,
            rsv1,
            opcode,
            masked,
            payload_len,
            ..
        } = &event.kind
        else {
            unreachable!()
        };
        assert_eq!(event.conn, ws_conn, "one WebSocket connection");
        assert_eq!(
            (event.dir, *fin, *rsv1, *opcode, *masked, *payload_len),
            (
                Some(want.dir),
                want.fin,
                want.rsv1,
                want.opcode,
                want.masked,
                want.payload_len
            ),
            "{want:?}"
        );
        // RFC 6455 §5.3: the browser masks every frame; the server masks none.
        assert_eq!(*masked, event.dir == Some(Dir::C2s));
        // RFC 7692 §6: RSV1 on every data frame (all compressed here), never on control frames.
        assert_eq!(*rsv1, *opcode < 8);
    }
    let got = messages(&trace);
    assert_eq!(got.len(), expected.len(), "messages (none fragmented)");
    for (event, want) in got.iter().zip(&expected) {
        let EventKind::WsMessage {
            opcode,
            compressed,
            wire_payload_len,
            text,
            close_code,
            close_reason,
            ..
        } = &event.kind
        else {
            unreachable!()
        };
        assert_eq!((event.dir, *opcode), (Some(want.dir), want.opcode));
        assert_eq!(*compressed, want.rsv1);
        if *compressed {
            assert_eq!(*wire_payload_len, Some(want.payload_len));
        }
        match want.opcode {
            1 => assert_eq!(text, &want.text, "inflated text"),
            8 => {
                let (code, reason) = want.close.clone().unwrap();
                assert_eq!(
                    (*close_code, close_reason.clone()),
                    (Some(code), Some(reason))
                );
            }
            _ => assert_eq!(
                Some(hex(&message_payload(&event.kind).unwrap())),
                want.control_hex
            ),
        }
    }
    // What the recording holds, literally: the long text compressed from 1759 bytes to 59 on
    // the browser's side, and the repeated hello shrinking with context takeover.
    let sizes: Vec<(Option<Dir>, u64, Option<u64>)> = got
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::WsMessage {
                opcode: 1,
                payload_len,
                wire_payload_len,
                ..
            } => Some((e.dir, *payload_len, *wire_payload_len)),
            _ => None,
        })
        .collect();
    assert_eq!(
        sizes,
        vec![
            (Some(Dir::S2c), 41, Some(43)),
            (Some(Dir::C2s), 19, Some(20)),
            (Some(Dir::S2c), 19, Some(13)),
            (Some(Dir::C2s), 1759, Some(59)),
            (Some(Dir::S2c), 1759, Some(57)),
            (Some(Dir::S2c), 17, Some(19)),
            (Some(Dir::C2s), 19, Some(6)),
            (Some(Dir::S2c), 19, Some(5)),
        ]
    );
    // The negotiation: Chromium's offer and the server's answer.
    let extensions: Vec<&Event> = trace
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::WsExtensions { .. }))
        .collect();
    assert_eq!(extensions.len(), 1);
    // The page over HTTP (200), then the upgrade (101); three TCP connections in all (the
    // page's, one Chromium opened ahead and never used, the WebSocket's).
    let statuses: Vec<u16> = trace
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::HttpResponse { status, .. } => Some(*status),
            _ => None,
        })
        .collect();
    assert_eq!(statuses, vec![200, 101]);
    assert_eq!(trace.connections.len(), 3);
    // A clean recording: no warning or error.
    let bad: Vec<&Event> = trace
        .events
        .iter()
        .filter(|e| {
            matches!(
                &e.kind,
                EventKind::Diagnostic { severity, .. } if *severity != Severity::Info
            )
        })
        .collect();
    assert!(bad.is_empty(), "{bad:?}");
}

#[test]
fn the_recordings_are_small_and_documented() {
    let dir = capture("");
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.ends_with(".pcapng") {
            assert!(
                std::fs::metadata(&path).unwrap().len() < 100_000,
                "{name} is too big"
            );
            assert!(readme.contains(&name), "README.md describes {name}");
            let tshark = name.replace(".pcapng", ".tshark.txt");
            assert!(dir.join(&tshark).exists(), "{tshark} beside {name}");
        }
    }
}
