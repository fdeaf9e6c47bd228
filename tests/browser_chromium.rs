//! A real browser nobody here wrote: headless Chromium opens the lab's demo page with
//! `?auto=1`, which opens `new WebSocket("ws://host/echo")`, sends "hello from the browser",
//! waits for the echo and closes with 1000 "done". The lab's trace must show all of it as
//! Chromium really sent it (its User-Agent, Origin, extension offer, masked frames), in packet
//! mode (the capture's TCP events merged in) when capture is permitted.
//!
//! The page also logs its own `onopen`/`onmessage`/`onclose` and `readyState` into the DOM;
//! the test reads that log over the DevTools protocol once `onclose` has run (`--dump-dom`
//! was tried: it sometimes printed the DOM before `onclose`), and it must be the browser-API
//! model's lane for the same connection, event for event. The model is also checked on the real `ws_abrupt`
//! capture (a killed client: `close` 1006, `wasClean` false) against its independent decoding.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use wirelab::capture::file::read_file;
use wirelab::lab::{CaptureMode, Lab, LabConfig, LabUpdate};
use wirelab::trace::{Dir, Event, EventKind, Trace};

/// Where Debian (`chromium`) and Ubuntu (`chromium-browser`) put the browser; `CHROMIUM`
/// in the environment overrides.
fn chromium() -> Option<std::path::PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        return Some(p.into());
    }
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(std::path::PathBuf::from)
    .find(|p| p.exists())
}

/// Kills and reaps Chromium and removes its profile, even when the test fails. Chromium runs
/// in a process group of its own, killed whole: its helper processes (zygote, renderer,
/// GPU) would otherwise outlive it a while and write the profile again after its removal.
struct Browser {
    child: Child,
    profile: PathBuf,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let group = rustix::process::Pid::from_child(&self.child);
        let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn upgrade_request(trace: &Trace) -> Option<&Event> {
    trace.events.iter().find(|e| match &e.kind {
        EventKind::HttpRequest { headers, .. } => header(headers, "upgrade").is_some(),
        _ => false,
    })
}

fn browser_close(trace: &Trace) -> Option<&Event> {
    trace.events.iter().find(|e| {
        e.dir == Some(Dir::C2s)
            && matches!(
                e.kind,
                EventKind::WsMessage {
                    opcode: 8,
                    close_code: Some(1000),
                    ..
                }
            )
    })
}

#[test]
fn headless_chromium_opens_the_demo_page() {
    let Some(chromium) = chromium() else {
        panic!(
            "Chromium is missing: run `make test` (it installs the Debian package `chromium`), \
             or `apt-get install --no-install-recommends chromium`, or set CHROMIUM=/path/to/chrome"
        );
    };
    // Packet mode when capture is permitted (the socket tap alone otherwise): the capture's
    // TCP events are merged into the tap's connections. The merge once put both FINs before
    // the tap's record of the server's close frame (about one run in six: the FINs reached it
    // first), and the model then reported 1006 where Chromium reports 1000; a FIN now waits
    // for the tap's record of its side's bytes, and the order is checked below.
    let config = LabConfig {
        capture: CaptureMode::Auto,
        ..LabConfig::default()
    };
    let lab = Lab::start(config, None).unwrap();
    let url = format!("http://{}/?auto=1", lab.server_addr());
    let profile = std::env::temp_dir().join(format!(
        "wirelab-chromium-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&profile).unwrap();
    let child = Command::new(&chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--remote-debugging-port=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        // Its own scratch files (org.chromium.Chromium.*) in the profile, removed with it.
        .env("TMPDIR", &profile)
        .arg(&url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .unwrap();
    let mut browser = Browser { child, profile };
    // Chromium says where its DevTools endpoint is on stderr; the rest of stderr is drained.
    let stderr = browser.child.stderr.take().unwrap();
    let (devtools_tx, devtools) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if let Some(url) = line.strip_prefix("DevTools listening on ") {
                let _ = devtools_tx.send(url.trim().to_string());
            }
        }
    });

    // Wait (bounded) until the browser's close 1000, the end of its connection (both FINs too
    // in packet mode) and the model's `close` are in the trace.
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut trace: Option<Trace> = None;
    loop {
        if let Some(t) = &trace {
            // The connection closed, and the model's lane has its `close`.
            let packets = t.source.capture.as_deref() == Some("packet+socket");
            let closed = browser_close(t).is_some_and(|c| {
                let has = |found: &dyn Fn(&Event) -> bool| {
                    t.events.iter().any(|e| e.conn == c.conn && found(e))
                };
                has(&|e| e.kind.name() == "tcp_close")
                    && has(
                        &|e| matches!(&e.kind, EventKind::Api { fires: Some(f), .. } if f == "close"),
                    )
                    && (!packets
                        || [Dir::C2s, Dir::S2c].iter().all(|dir| {
                            has(&|e| {
                                e.dir == Some(*dir) && matches!(e.kind, EventKind::TcpFin(_))
                            })
                        }))
            });
            if closed {
                break;
            }
        }
        assert!(
            Instant::now() < deadline,
            "Chromium did not finish the demo within 60 s; trace so far: {:#?}",
            trace
                .as_ref()
                .map(|t| t.events.iter().map(|e| e.kind.name()).collect::<Vec<_>>())
        );
        match lab.recv_timeout(Duration::from_millis(200)) {
            Some(LabUpdate::RunStarted { trace: t, .. }) => trace = Some(t),
            Some(LabUpdate::Trace(u)) => {
                if let Some(t) = trace.as_mut() {
                    t.apply(u);
                }
            }
            Some(LabUpdate::Failed(message)) => panic!("lab failed: {message}"),
            _ => {}
        }
    }
    let trace = trace.unwrap();
    assert_eq!(trace.source.kind, "lab");
    assert_eq!(trace.source.scenario, None);
    assert!(trace.connections.iter().all(|c| {
        c.label
            .as_deref()
            .is_some_and(|l| l.starts_with("external client "))
    }));

    // The page GET.
    let page = trace.events.iter().find(|e| {
        matches!(&e.kind, EventKind::HttpRequest { method, target, .. } if method == "GET" && target == "/?auto=1")
    });
    assert!(page.is_some(), "the page GET");
    let page_response = trace.events.iter().any(|e| {
        e.conn == page.unwrap().conn
            && matches!(e.kind, EventKind::HttpResponse { status: 200, .. })
    });
    assert!(page_response);

    // The upgrade request, with the browser's own headers.
    let upgrade = upgrade_request(&trace).expect("the upgrade request");
    let EventKind::HttpRequest {
        target, headers, ..
    } = &upgrade.kind
    else {
        unreachable!()
    };
    assert_eq!(target, "/echo");
    let agent = header(headers, "user-agent").unwrap_or_default();
    assert!(agent.contains("Chrome"), "User-Agent: {agent}");
    let origin = header(headers, "origin").unwrap_or_default();
    assert_eq!(origin, format!("http://{}", lab.server_addr()));
    let extensions = header(headers, "sec-websocket-extensions").unwrap_or_default();
    assert!(
        extensions.contains("permessage-deflate"),
        "Sec-WebSocket-Extensions: {extensions}"
    );
    let conn = upgrade.conn;
    let check = trace
        .events
        .iter()
        .find(|e| e.conn == conn && e.kind.name() == "ws_upgrade_check")
        .unwrap();
    assert!(matches!(
        check.kind,
        EventKind::WsUpgradeCheck { valid: true, .. }
    ));

    // Its frames are masked, and unmasked correctly.
    let client_frames: Vec<&Event> = trace
        .events
        .iter()
        .filter(|e| e.conn == conn && e.dir == Some(Dir::C2s) && e.kind.name() == "ws_frame")
        .collect();
    assert!(!client_frames.is_empty());
    assert!(client_frames.iter().all(|e| matches!(
        e.kind,
        EventKind::WsFrame {
            masked: true,
            mask_key: Some(_),
            ..
        }
    )));
    let said = |dir: Dir| {
        trace.events.iter().any(|e| {
            e.conn == conn
                && e.dir == Some(dir)
                && matches!(&e.kind, EventKind::WsMessage { opcode: 1, text: Some(t), .. } if t == "hello from the browser")
        })
    };
    assert!(said(Dir::C2s), "the browser's message, unmasked");
    assert!(said(Dir::S2c), "the echo");
    let close = browser_close(&trace).unwrap();
    assert!(
        matches!(&close.kind, EventKind::WsMessage { close_reason: Some(r), .. } if r == "done")
    );
    assert_eq!(close.conn, conn);
    if trace.source.capture.as_deref() == Some("packet+socket") {
        // Each side's FIN comes after its close frame: the frame's bytes are below the FIN.
        let index = |found: &dyn Fn(&Event) -> bool| {
            trace.events.iter().position(|e| e.conn == conn && found(e))
        };
        for dir in [Dir::C2s, Dir::S2c] {
            let frame = index(&|e| {
                e.dir == Some(dir) && matches!(e.kind, EventKind::WsMessage { opcode: 8, .. })
            })
            .unwrap_or_else(|| panic!("no {dir:?} close frame"));
            let fin = index(&|e| e.dir == Some(dir) && matches!(e.kind, EventKind::TcpFin(_)))
                .unwrap_or_else(|| panic!("no {dir:?} FIN"));
            assert!(
                frame < fin,
                "the {dir:?} close frame (event {frame}) before its FIN (event {fin})"
            );
        }
    }

    // The page's own log of its WebSocket object is the model's lane for the connection.
    let devtools = devtools
        .recv_timeout(Duration::from_secs(30))
        .expect("Chromium's DevTools endpoint");
    let log = page_log(&devtools);
    drop(browser);
    let lane = model_lane(&trace, conn.unwrap());
    assert_eq!(
        lane,
        [
            "readyState 0",
            "open · readyState 1",
            "message \"hello from the browser\" · readyState 1",
            "readyState 2",
            "close 1000 \"done\" wasClean true · readyState 3",
        ],
        "the model's lane; the page logged:\n{}",
        log.join("\n")
    );
    assert_eq!(
        browser_lane(&log),
        lane,
        "the page's log (left) against the model's lane (right); the page logged:\n{}",
        log.join("\n")
    );
}

/// The lines of the demo page's `#log` once its `onclose` has run (it then sets
/// `data-closed` on the body), asked of Chromium over the DevTools protocol: a promise that a
/// `MutationObserver` resolves, so nothing polls.
fn page_log(devtools: &str) -> Vec<String> {
    let (mut ws, _) = tungstenite::connect(devtools).expect("DevTools connects");
    if let tungstenite::stream::MaybeTlsStream::Plain(s) = ws.get_ref() {
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    }
    let mut next_id = 0;
    let mut call = |method: &str, params: Value, session: Option<&str>| -> Value {
        next_id += 1;
        let mut message = serde_json::json!({"id": next_id, "method": method, "params": params});
        if let Some(session) = session {
            message["sessionId"] = session.into();
        }
        ws.send(tungstenite::Message::text(message.to_string()))
            .unwrap();
        loop {
            let reply = ws.read().expect("a DevTools reply within 60 s");
            let Ok(text) = reply.to_text() else { continue };
            let reply: Value = serde_json::from_str(text).unwrap();
            if reply["id"] == next_id {
                assert!(reply["error"].is_null(), "{method}: {reply}");
                return reply["result"].clone();
            }
        }
    };
    let targets = call("Target.getTargets", serde_json::json!({}), None);
    let page = targets["targetInfos"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["type"] == "page")
        .expect("the demo page's target")["targetId"]
        .clone();
    let attached = call(
        "Target.attachToTarget",
        serde_json::json!({"targetId": page, "flatten": true}),
        None,
    );
    let session = attached["sessionId"].as_str().unwrap().to_string();
    let expression = r#"new Promise(resolve => {
        const done = () => document.body.dataset.closed !== undefined;
        const log = () => document.getElementById("log").textContent;
        if (done()) return resolve(log());
        new MutationObserver((_, observer) => {
            if (done()) { observer.disconnect(); resolve(log()); }
        }).observe(document.body, { attributes: true });
    })"#;
    let result = call(
        "Runtime.evaluate",
        serde_json::json!({"expression": expression, "awaitPromise": true, "returnByValue": true}),
        Some(&session),
    );
    let text = result["result"]["value"]
        .as_str()
        .unwrap_or_else(|| panic!("the page's log: {result}"));
    text.lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// The page's log as a lane: each event handler that ran, with the `readyState` after it, and
/// every change of `readyState` a method call made (`close()` → CLOSING).
fn browser_lane(log: &[String]) -> Vec<String> {
    let mut lane = Vec::new();
    let mut state = None;
    for line in log {
        let (what, ready) = line
            .rsplit_once(" · readyState ")
            .unwrap_or_else(|| panic!("a log line without readyState: {line}"));
        let ready: u8 = ready.parse().unwrap();
        let fired = if line.starts_with("onopen") {
            Some("open".to_string())
        } else if let Some(data) = what.strip_prefix("onmessage: ") {
            Some(format!("message {data}"))
        } else if let Some(rest) = what.strip_prefix("onclose: code ") {
            // `1000, reason "done", wasClean true`
            let (code, rest) = rest.split_once(", reason ").unwrap();
            let (reason, clean) = rest.rsplit_once(", wasClean ").unwrap();
            Some(format!("close {code} {reason} wasClean {clean}"))
        } else if what == "onerror" {
            Some("error".to_string())
        } else {
            None
        };
        match fired {
            Some(f) => lane.push(format!("{f} · readyState {ready}")),
            None if state != Some(ready) => lane.push(format!("readyState {ready}")),
            None => {}
        }
        state = Some(ready);
    }
    lane
}

/// The model's `api` events of one connection, written as `browser_lane` writes the page's.
fn model_lane(trace: &Trace, conn: u32) -> Vec<String> {
    trace
        .events
        .iter()
        .filter(|e| e.conn == Some(conn))
        .filter_map(|e| match &e.kind {
            EventKind::Api {
                ready_state,
                fires,
                code,
                reason,
                was_clean,
                data,
                ..
            } => Some(match fires.as_deref() {
                None => format!("readyState {ready_state}"),
                Some("message") => format!(
                    "message {} · readyState {ready_state}",
                    serde_json::to_string(data.as_deref().unwrap_or_default()).unwrap()
                ),
                Some("close") => format!(
                    "close {} {} wasClean {} · readyState {ready_state}",
                    code.unwrap(),
                    serde_json::to_string(reason.as_deref().unwrap_or_default()).unwrap(),
                    was_clean.unwrap()
                ),
                Some(other) => format!("{other} · readyState {ready_state}"),
            }),
            _ => None,
        })
        .collect()
}

/// The real `ws_abrupt` capture (a `websockets.sync` client SIGKILLed; stream 0 ends with
/// FIN, stream 1 with RST, no close frame either way): the model opens, fires `message` for
/// each of the server's messages in the independent decoding (`ws_abrupt.messages.jsonl`),
/// then `close` 1006 with `wasClean` false — what a browser reports for a connection that
/// ended without a closing handshake.
#[test]
fn the_model_on_a_real_abrupt_end() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures");
    let (trace, _) = read_file(&fixtures.join("ws_abrupt.pcap"), false).unwrap();
    let reference = std::fs::read_to_string(fixtures.join("ws_abrupt.messages.jsonl")).unwrap();
    let rows: Vec<Value> = reference
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(trace.connections.len(), 2);
    for conn in [0u32, 1] {
        let mut want = vec![
            "readyState 0".to_string(),
            "open · readyState 1".to_string(),
        ];
        for row in &rows {
            if row["stream"] == u64::from(conn)
                && row["kind"] == "ws_message"
                && row["dir"] == "s2c"
            {
                let text = row["text"].as_str().expect("text messages");
                want.push(format!(
                    "message {} · readyState 1",
                    serde_json::to_string(text).unwrap()
                ));
            }
        }
        assert!(want.len() >= 5, "stream {conn}: the server's messages");
        want.push("close 1006 \"\" wasClean false · readyState 3".to_string());
        assert_eq!(model_lane(&trace, conn), want, "stream {conn}");
    }
}
