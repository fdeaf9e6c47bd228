//! A real browser nobody here wrote: headless Chromium opens the lab's demo page with
//! `?auto=1`, which opens `new WebSocket("ws://host/echo")`, sends "hello from the browser",
//! waits for the echo and closes with 1000 "done". The lab's trace must show all of it as
//! Chromium really sent it (its User-Agent, Origin, extension offer, masked frames).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use wirelab::lab::{Lab, LabConfig, LabUpdate};
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

/// Kills and reaps Chromium and removes its profile, even when the test fails.
struct Browser {
    child: Child,
    profile: PathBuf,
}

impl Drop for Browser {
    fn drop(&mut self) {
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
    let lab = Lab::start(LabConfig::default(), None).unwrap();
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
        .arg(&url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _browser = Browser { child, profile };

    // Wait (bounded) until the browser's close 1000 and the server's answer are in the trace.
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut trace: Option<Trace> = None;
    loop {
        if let Some(t) = &trace {
            let closed = browser_close(t).is_some_and(|c| {
                t.events
                    .iter()
                    .any(|e| e.conn == c.conn && e.kind.name() == "tcp_close")
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
    assert!(
        trace
            .connections
            .iter()
            .all(|c| c.label.as_deref() == Some("external"))
    );

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
}
