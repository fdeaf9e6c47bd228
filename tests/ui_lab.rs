//! The GUI, driven headless through its accessibility tree (egui_kittest).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod support;

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable};
use wirelab::ui::{GuiOptions, WirelabApp};

use support::gui::step_until;
use support::lab::get_hello;

/// The first button whose label contains `text` (stage separators, which name their stage,
/// are skipped).
fn arrow<'h>(h: &'h Harness<'static, WirelabApp>, text: &'h str) -> Option<egui_kittest::Node<'h>> {
    h.query_all_by(move |n| {
        n.role() == egui::accesskit::Role::Button
            && n.label()
                .is_some_and(|l| l.contains(text) && !l.starts_with("stage"))
    })
    .next()
}

/// Every button label, for failure messages.
fn labels(h: &Harness<'static, WirelabApp>) -> Vec<String> {
    h.query_all_by(|n| n.role() == egui::accesskit::Role::Button)
        .filter_map(|n| n.accesskit_node().label())
        .collect()
}

fn harness(options: GuiOptions) -> Harness<'static, WirelabApp> {
    Harness::builder()
        .with_size([1400.0, 900.0])
        .allow_missing_glyphs()
        .build_eframe(move |cc| WirelabApp::new(&cc.egui_ctx, options))
}

#[test]
fn hand_built_trace_shows_arrows_and_details() {
    let mut h = harness(GuiOptions::default());
    h.state_mut().set_trace(support::sample::demo_trace());
    h.run();
    // The upgrade response is an arrow; clicking it shows the accept derivation.
    arrow(&h, "101 Switching Protocols")
        .expect("101 arrow")
        .click();
    h.run();
    assert!(h.state().selected().is_some());
    assert!(
        h.query_all_by_label_contains("258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
            .count()
            >= 1
    );
    assert!(
        h.query_all_by_label_contains("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
            .count()
            >= 2
    );
    // The close handshake is visible; a frame shows its fields.
    assert_eq!(
        h.get_all_by_label("close 1000 Normal Closure \"bye\"")
            .count(),
        2,
        "the client's close and the server's reply"
    );
    h.get_by_label("onclose(1000, \"bye\", wasClean=true)");
    // Not the stage caption naming it, which now comes first.
    let hello = arrow(&h, "Hello").map(|n| n.rect());
    let rect = hello.expect("a Hello arrow");
    h.hover_at(rect.center());
    h.event(egui::Event::PointerButton {
        pos: rect.center(),
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: egui::Modifiers::NONE,
    });
    h.event(egui::Event::PointerButton {
        pos: rect.center(),
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: egui::Modifiers::NONE,
    });
    h.run();
    h.get_by_label("FIN");
    h.get_by_label_contains("masking key");
    // Keyboard: down moves the selection to the next row.
    let before = h.state().selected();
    h.key_press(egui::Key::ArrowDown);
    h.run();
    assert_ne!(h.state().selected(), before);
}

#[test]
fn lab_errors_are_shown_not_panicked() {
    // A bind address that cannot work must end in a message, not a panic.
    let mut options = GuiOptions::default();
    options.lab.bind = "192.0.2.1:1".parse().unwrap();
    let mut h = harness(options);
    h.run();
    let error = h.state().error().expect("the lab cannot start");
    assert!(
        error.starts_with("cannot listen on 192.0.2.1:1: "),
        "{error}"
    );
    h.get_by_label(&format!("lab unavailable: {error}"));
}

#[test]
fn run_ws_echo_then_step_three_stages() {
    let mut h = harness(GuiOptions {
        lang: wirelab::lang::Lang::En,
        scenario: Some("ws-echo".into()),
        ..GuiOptions::default()
    });
    h.run();
    if let Some(e) = h.state().error() {
        panic!("the lab did not start: {e}");
    }
    h.get_by_label("Run").click();
    step_until(&mut h, "the run to finish", WirelabApp::is_finished);
    // Follow keeps the end in view: the close handshake.
    assert!(
        arrow(&h, "close 1000").is_some(),
        "no close 1000 arrow in {:?}",
        labels(&h)
    );
    h.key_press(egui::Key::Home);
    h.run();
    arrow(&h, "101 Switching Protocols")
        .unwrap_or_else(|| panic!("no 101 arrow in {:?}", labels(&h)))
        .click();
    h.run();
    assert!(
        h.query_all_by_label_contains("258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
            .count()
            >= 1
    );

    h.get_by_label("Reset").click();
    h.run();
    assert!(h.state().trace().events.is_empty());
    for n in 1..=3 {
        let step = h.get_by(|node| {
            node.role() == egui::accesskit::Role::Button
                && node.label().is_some_and(|l| l.starts_with("Step"))
        });
        step.click();
        step_until(&mut h, &format!("stage {n}"), move |app| {
            app.completed_stages() == n && !app.is_busy()
        });
    }
    // A barrier before looking for what must not be there: a whole request on an ungated
    // connection to the same server, whose events reach the view after every update the lab
    // sent before them. (lab_scenarios.rs proves the hold itself with `ServerHeld`.)
    let server = h.state().lab_server().expect("the lab runs");
    let reply = get_hello(server);
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    step_until(&mut h, "the external request in the trace", |app| {
        app.trace()
            .events
            .iter()
            .any(|e| e.conn == Some(1) && e.kind.name() == "tcp_close")
    });
    let app = h.state();
    assert_eq!(app.completed_stages(), 3);
    let trace = app.trace();
    // The third stage was the server's: its 101 is there.
    assert_eq!(
        trace
            .events
            .iter()
            .filter(|e| e.conn == Some(0) && e.kind.name() == "http_response")
            .count(),
        1,
        "the 101 of stage 3"
    );
    let stages = trace
        .events
        .iter()
        .filter(|e| matches!(e.kind, wirelab::trace::EventKind::Stage { .. }))
        .count();
    assert_eq!(stages, 3, "exactly three stage events");
    assert!(
        !trace
            .events
            .iter()
            .any(|e| matches!(e.kind, wirelab::trace::EventKind::WsFrame { .. })),
        "no WebSocket frame after three steps"
    );
    assert!(app.step_label().starts_with("Step: "));
}

fn button_count(h: &Harness<'static, WirelabApp>) -> usize {
    h.query_all_by(|n| n.role() == egui::accesskit::Role::Button)
        .count()
}

#[test]
fn huge_traces_only_build_widgets_for_visible_rows() {
    let mut trace = support::sample::demo_trace();
    let last = trace.events.last().map_or(0, |e| e.t_us);
    for i in 0..100_000i64 {
        trace.events.push(wirelab::trace::Event {
            t_us: last + 10 * i,
            conn: Some(0),
            dir: Some(wirelab::trace::Dir::S2c),
            span: None,
            kind: wirelab::trace::EventKind::WsMessage {
                opcode: 1,
                fragments: 1,
                compressed: false,
                payload_len: 4,
                wire_payload_len: None,
                text: Some(format!("n{i}")),
                data_b64: None,
                close_code: None,
                close_reason: None,
            },
        });
    }
    let mut h = harness(GuiOptions::default());
    h.state_mut().set_trace(trace);
    h.run();
    assert!(button_count(&h) < 300, "{} buttons", button_count(&h));
    h.key_press(egui::Key::End);
    h.run();
    assert!(arrow(&h, "\"n99999\"").is_some(), "the last row after End");
    h.key_press(egui::Key::Home);
    h.run();
    assert!(arrow(&h, "101 Switching Protocols").is_some());
}

#[test]
fn zoom_keys_frames_toggle_and_cjk_labels() {
    let mut trace = support::sample::demo_trace();
    // A label a user may well type: the window falls back to system fonts; here glyphs may be
    // missing, which must not break anything.
    trace.connections[0].label = Some("浏览器 client".into());
    let mut h = harness(GuiOptions::default());
    h.state_mut().set_trace(trace);
    h.run();
    let zoom = h.state().px_per_ms();
    h.key_press(egui::Key::Plus);
    h.run();
    assert!(h.state().px_per_ms() > zoom);
    h.key_press(egui::Key::Minus);
    h.key_press(egui::Key::Minus);
    h.run();
    assert!(h.state().px_per_ms() < zoom);

    let before = button_count(&h);
    h.get_by_label("show frames").click();
    h.run();
    assert!(button_count(&h) > before, "frames get rows of their own");
}

#[test]
fn demo_trace_bytes_match_its_events() {
    let t = support::sample::demo_trace();
    for e in &t.events {
        if let wirelab::trace::EventKind::WsFrame {
            header_len,
            payload_len,
            ..
        } = e.kind
        {
            let bytes = t.event_bytes(e).unwrap();
            let l = wirelab::proto::ws::frame::FrameLayout::parse(bytes, wirelab::lang::Lang::En)
                .unwrap();
            assert_eq!(l.header.header_len, usize::from(header_len));
            assert_eq!(l.header.payload_len, payload_len);
        }
    }
    let json = t.to_json();
    assert_eq!(wirelab::trace::Trace::from_json(&json).unwrap(), t);
}

/// A WebSocket client of our own on `/echo` (not a lab client): one text echoed, then a close.
fn external_echo(server: std::net::SocketAddr, text: &str) {
    let (mut ws, _) = tungstenite::connect(format!("ws://{server}/echo")).unwrap();
    ws.send(tungstenite::Message::text(text)).unwrap();
    let echo = ws.read().unwrap();
    assert_eq!(echo.to_text().unwrap(), text);
    ws.close(None).unwrap();
    // Reads until the server's close reply and the end of the connection.
    while ws.read().is_ok() {}
}

fn has_echo(trace: &wirelab::trace::Trace, conn: u32, text: &str) -> bool {
    trace.events.iter().any(|e| {
        e.conn == Some(conn)
            && e.dir == Some(wirelab::trace::Dir::S2c)
            && matches!(&e.kind, wirelab::trace::EventKind::WsMessage { text: Some(t), .. } if t == text)
    })
}

#[test]
fn an_external_client_before_the_first_run_appears_in_the_lab_and_stays_after_a_run() {
    let mut h = harness(GuiOptions {
        lang: wirelab::lang::Lang::En,
        lab: support::lab::socket_lab(),
        ..GuiOptions::default()
    });
    h.run();
    let server = h.state().lab_server().expect("the lab runs");
    external_echo(server, "before any run");
    step_until(&mut h, "the external client in the Lab", |app| {
        let t = app.trace();
        has_echo(t, 0, "before any run")
            && t.events
                .iter()
                .any(|e| e.conn == Some(0) && e.kind.name() == "tcp_close")
    });
    let lane = h.state().trace().connections[0].label.clone().unwrap();
    assert!(lane.starts_with("external client 127.0.0.1:"), "{lane}");
    assert!(!h.state().is_busy(), "no run is going: Run stays enabled");
    let count = h.state().trace().events.len();
    assert!(
        h.query_all_by_label_contains(&format!("{count} events"))
            .count()
            >= 1,
        "the status counts the external client's events"
    );
    assert!(
        h.query_all_by_label_contains("external clients").count() >= 1,
        "the status says no scenario runs"
    );

    h.get_by_label("Run").click();
    step_until(&mut h, "the ws-echo run", |app| app.is_finished());
    let t = h.state().trace();
    assert_eq!(t.source.scenario.as_deref(), Some("ws-echo"));
    assert_eq!(t.connections[0].label.as_deref(), Some(lane.as_str()));
    assert!(
        has_echo(t, 0, "before any run"),
        "kept when a scenario runs after it"
    );
    assert!(
        t.connections
            .iter()
            .any(|c| c.label.as_deref() == Some("client")),
        "{:?}",
        t.connections
    );
    assert!(t.events.windows(2).all(|w| w[0].t_us <= w[1].t_us));
}
