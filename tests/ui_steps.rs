//! Step-through in the GUI (egui_kittest, headless) of `http-get`, `ws-subprotocol` and
//! `ws-chat` (where one server stage releases several clients): each press of Step runs one
//! stage, and the events that stage added are exactly the ones written out below — so a stage
//! that does nothing, does the next stage's work, or lets the server act early fails. Then
//! Reset in the middle of stepping: the trace empties, and stepping again from the start gives
//! the same stages, with nothing left over from the abandoned run. Reset is pressed while a
//! stage is running, so that stage's updates are still in flight.
//!
//! The lab observes with the socket tap (no packets), so what each stage adds does not depend
//! on capture permission.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use wirelab::trace::{Dir, EventKind, Severity, Trace};
use wirelab::ui::{GuiOptions, WirelabApp};

mod support;
use support::gui::{app_harness, step_until};
use support::lab::socket_lab;

fn harness(scenario: &str) -> Harness<'static, WirelabApp> {
    let options = GuiOptions {
        lang: wirelab::lang::Lang::En,
        scenario: Some(scenario.into()),
        lab: socket_lab(),
        ..GuiOptions::default()
    };
    app_harness(options)
}

fn press(h: &mut Harness<'static, WirelabApp>, label_starts: &str) {
    h.get_by(|node| {
        node.role() == egui::accesskit::Role::Button
            && node.label().is_some_and(|l| l.starts_with(label_starts))
    })
    // By accesskit, not at the button's last position: the Step button's label changes with
    // the stage, which moves the buttons after it.
    .click_accesskit();
}

/// One line per event worth comparing, named by the connection's lane (frames, the
/// extension answer and info diagnostics are left out: the messages and the API lane say what
/// happened).
fn fact(trace: &Trace, i: usize) -> Option<String> {
    let e = &trace.events[i];
    let who = e
        .conn
        .and_then(|c| trace.connections.get(c as usize))
        .and_then(|c| c.label.clone())
        .unwrap_or_else(|| "-".into());
    let arrow = match e.dir {
        Some(Dir::C2s) => ">",
        Some(Dir::S2c) => "<",
        None => "",
    };
    Some(match &e.kind {
        EventKind::Stage { label, .. } => format!("stage: {label}"),
        EventKind::TcpConnect { .. } => format!("{who} connect"),
        EventKind::TcpAccept { .. } => format!("{who} accept"),
        EventKind::TcpClose { initiator, .. } => format!("{who} tcp close by {initiator:?}"),
        EventKind::HttpRequest { method, target, .. } => format!("{who} {arrow} {method} {target}"),
        EventKind::HttpResponse {
            status, body_len, ..
        } => format!("{who} {arrow} {status} body {body_len}"),
        EventKind::WsUpgradeCheck {
            valid, protocol, ..
        } => format!("{who} upgrade valid {valid} protocol {protocol:?}"),
        EventKind::WsMessage {
            opcode,
            text,
            close_code,
            close_reason,
            ..
        } => match opcode {
            8 => format!("{who} {arrow} close {close_code:?} {close_reason:?}"),
            _ => format!("{who} {arrow} op {opcode} {text:?}"),
        },
        EventKind::Api {
            ready_state,
            fires,
            code,
            ..
        } => format!("{who} api {fires:?} readyState {ready_state} code {code:?}"),
        EventKind::Diagnostic {
            severity, message, ..
        } if *severity >= Severity::Warning => format!("{who} {severity:?}: {message}"),
        _ => return None,
    })
}

/// The facts of each stage: the events after the previous `stage` event, up to and including
/// this one, sorted (events on different connections within one stage may interleave).
fn stages(trace: &Trace) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut current = Vec::new();
    for i in 0..trace.events.len() {
        if let Some(f) = fact(trace, i) {
            current.push(f);
        }
        if matches!(trace.events[i].kind, EventKind::Stage { .. }) {
            current.sort();
            out.push(std::mem::take(&mut current));
        }
    }
    assert!(
        current.is_empty(),
        "events after the last stage: {current:?}"
    );
    out
}

/// Presses Step `count` times, checking after each press that exactly one more stage ran
/// and that it added exactly its expected events.
fn step_and_check(
    h: &mut Harness<'static, WirelabApp>,
    scenario: &str,
    expected: &[&[&str]],
    count: usize,
) {
    for n in 1..=count {
        press(h, "Step");
        step_until(h, &format!("{scenario} stage {n}"), move |app| {
            app.completed_stages() == n && !app.is_busy()
        });
        let got = stages(h.state().trace());
        assert_eq!(got.len(), n, "{scenario}: {n} stages after {n} presses");
        let mut want: Vec<String> = expected[n - 1].iter().map(|s| s.to_string()).collect();
        want.sort();
        assert_eq!(got[n - 1], want, "{scenario}: what stage {n} added");
    }
}

/// Steps through every stage, then again after a Reset made half-way through.
fn step_through_reset_and_again(scenario: &str, expected: &[&[&str]]) {
    let mut h = harness(scenario);
    let half = expected.len() / 2;
    step_and_check(&mut h, scenario, expected, half);
    assert!(h.state().step_label().starts_with("Step: "));

    // Reset while the next stage is running: what that stage still does must not reach the
    // new run (its updates are in flight when Reset is pressed).
    press(&mut h, "Step");
    h.step();
    press(&mut h, "Reset");
    h.run();
    assert!(h.state().trace().events.is_empty(), "{scenario}: Reset");
    assert_eq!(h.state().completed_stages(), 0);
    assert!(!h.state().is_busy());
    for _ in 0..20 {
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert!(
        h.state().trace().events.is_empty(),
        "{scenario}: nothing of the abandoned stage arrives after Reset"
    );

    step_and_check(&mut h, scenario, expected, expected.len());
    assert_eq!(h.state().step_label(), "Step (done)");
    assert!(h.state().is_finished());
    // Nothing from the abandoned run came in late.
    for _ in 0..20 {
        h.step();
    }
    assert_eq!(
        stages(h.state().trace()).len(),
        expected.len(),
        "{scenario}: the finished run has only its own stages"
    );
}

/// `http-get`: what each of its 4 stages adds.
const HTTP_GET: &[&[&str]] = &[
    &[
        "client accept",
        "client connect",
        "stage: client: TCP connect",
    ],
    &["client > GET /hello", "stage: client: request GET /hello"],
    &[
        "client < 200 body 35",
        // What fetch() reports, known once the response came (drawn from the connect on).
        "client api None readyState 1 code None",
        "client api Some(\"response\") readyState 2 code Some(200)",
        "client api Some(\"load\") readyState 4 code None",
        "stage: server answers 200 OK with a short text",
    ],
    &[
        "client tcp close by Some(Client)",
        "stage: client closes the TCP connection",
    ],
];

/// `ws-subprotocol`: what each of its 9 stages adds.
const WS_SUBPROTOCOL: &[&[&str]] = &[
    &[
        "client accept",
        "client connect",
        "stage: client: TCP connect",
    ],
    &[
        "client > GET /subprotocol",
        "client api None readyState 0 code None",
        "stage: client: upgrade request GET /subprotocol (Upgrade: websocket, Sec-WebSocket-Protocol: superchat, chat)",
    ],
    &[
        "client < 101 body 0",
        "client api Some(\"open\") readyState 1 code None",
        "client upgrade valid true protocol Some(\"superchat\")",
        "stage: server answers 101 Switching Protocols",
    ],
    &[
        "client < op 1 Some(\"server chose subprotocol \\\"superchat\\\" (you offered: superchat, chat)\")",
        "client api Some(\"message\") readyState 1 code None",
        "stage: server says which subprotocol it chose",
    ],
    &[
        "client > op 1 Some(\"hello in superchat\")",
        "stage: send text \"hello in superchat\"",
    ],
    &[
        "client < op 1 Some(\"hello in superchat\")",
        "client api Some(\"message\") readyState 1 code None",
        "stage: server echoes it",
    ],
    &[
        "client > close Some(1000) Some(\"bye\")",
        "client api None readyState 2 code None",
        "stage: client: send close 1000 \"bye\"",
    ],
    &[
        "client < close Some(1000) Some(\"bye\")",
        "stage: server replies with close 1000",
    ],
    &[
        "client api Some(\"close\") readyState 3 code Some(1000)",
        "client tcp close by Some(Server)",
        "stage: server closes the TCP connection (RFC 6455 §7.1.1: normally the server closes first)",
    ],
];

/// `ws-chat`: what each of its 22 stages adds (stages 11 and 13: one server stage releases all three clients).
const WS_CHAT: &[&[&str]] = &[
    &["alice accept", "alice connect", "stage: alice: TCP connect"],
    &[
        "alice > GET /chat?name=alice",
        "alice api None readyState 0 code None",
        "stage: alice: upgrade request GET /chat?name=alice (Upgrade: websocket)",
    ],
    &[
        "alice < 101 body 0",
        "alice api Some(\"open\") readyState 1 code None",
        "alice upgrade valid true protocol None",
        "stage: server answers 101 Switching Protocols",
    ],
    &["bob accept", "bob connect", "stage: bob: TCP connect"],
    &[
        "bob > GET /chat?name=bob",
        "bob api None readyState 0 code None",
        "stage: bob: upgrade request GET /chat?name=bob (Upgrade: websocket)",
    ],
    &[
        "bob < 101 body 0",
        "bob api Some(\"open\") readyState 1 code None",
        "bob upgrade valid true protocol None",
        "stage: server answers 101 Switching Protocols",
    ],
    &["carol accept", "carol connect", "stage: carol: TCP connect"],
    &[
        "carol > GET /chat?name=carol",
        "carol api None readyState 0 code None",
        "stage: carol: upgrade request GET /chat?name=carol (Upgrade: websocket)",
    ],
    &[
        "carol < 101 body 0",
        "carol api Some(\"open\") readyState 1 code None",
        "carol upgrade valid true protocol None",
        "stage: server answers 101 Switching Protocols",
    ],
    &[
        "alice > op 1 Some(\"hi everyone, alice here\")",
        "stage: alice: send text \"hi everyone, alice here\"",
    ],
    &[
        "alice < op 1 Some(\"alice: hi everyone, alice here\")",
        "alice api Some(\"message\") readyState 1 code None",
        "bob < op 1 Some(\"alice: hi everyone, alice here\")",
        "bob api Some(\"message\") readyState 1 code None",
        "carol < op 1 Some(\"alice: hi everyone, alice here\")",
        "carol api Some(\"message\") readyState 1 code None",
        "stage: server relays \"alice: hi everyone, alice here\" to alice, bob and carol",
    ],
    &[
        "bob > op 1 Some(\"hello alice, bob here\")",
        "stage: bob: send text \"hello alice, bob here\"",
    ],
    &[
        "alice < op 1 Some(\"bob: hello alice, bob here\")",
        "alice api Some(\"message\") readyState 1 code None",
        "bob < op 1 Some(\"bob: hello alice, bob here\")",
        "bob api Some(\"message\") readyState 1 code None",
        "carol < op 1 Some(\"bob: hello alice, bob here\")",
        "carol api Some(\"message\") readyState 1 code None",
        "stage: server relays \"bob: hello alice, bob here\" to alice, bob and carol",
    ],
    &[
        "alice > close Some(1000) Some(\"bye\")",
        "alice api None readyState 2 code None",
        "stage: alice: send close 1000 \"bye\"",
    ],
    &[
        "alice < close Some(1000) Some(\"bye\")",
        "stage: server replies with close 1000",
    ],
    &[
        "alice api Some(\"close\") readyState 3 code Some(1000)",
        "alice tcp close by Some(Server)",
        "stage: server closes the TCP connection (RFC 6455 §7.1.1: normally the server closes first)",
    ],
    &[
        "bob > close Some(1000) Some(\"bye\")",
        "bob api None readyState 2 code None",
        "stage: bob: send close 1000 \"bye\"",
    ],
    &[
        "bob < close Some(1000) Some(\"bye\")",
        "stage: server replies with close 1000",
    ],
    &[
        "bob api Some(\"close\") readyState 3 code Some(1000)",
        "bob tcp close by Some(Server)",
        "stage: server closes the TCP connection (RFC 6455 §7.1.1: normally the server closes first)",
    ],
    &[
        "carol > close Some(1000) Some(\"bye\")",
        "carol api None readyState 2 code None",
        "stage: carol: send close 1000 \"bye\"",
    ],
    &[
        "carol < close Some(1000) Some(\"bye\")",
        "stage: server replies with close 1000",
    ],
    &[
        "carol api Some(\"close\") readyState 3 code Some(1000)",
        "carol tcp close by Some(Server)",
        "stage: server closes the TCP connection (RFC 6455 §7.1.1: normally the server closes first)",
    ],
];

#[test]
fn http_get_step_by_step_and_reset_mid_way() {
    step_through_reset_and_again("http-get", HTTP_GET);
}

#[test]
fn ws_subprotocol_step_by_step_and_reset_mid_way() {
    step_through_reset_and_again("ws-subprotocol", WS_SUBPROTOCOL);
}

#[test]
fn ws_chat_step_by_step_and_reset_mid_way() {
    step_through_reset_and_again("ws-chat", WS_CHAT);
}
