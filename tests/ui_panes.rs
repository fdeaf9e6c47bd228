//! The detail pane and the Lab's scenario picker, driven headless (egui_kittest): an HTTP
//! body in the detail pane, collapsing the pane to widen the diagram, and picking another
//! scenario (reset, and a prompt first when a stepped run is half done); in the File view,
//! collapsing the connection list, and the diagram's share at 2x UI zoom.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod support;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use wirelab::ui::trace_pane::SidePane;
use wirelab::ui::{GuiOptions, WirelabApp};

use support::gui::{app_harness, step_until};

fn harness(scenario: &str) -> Harness<'static, WirelabApp> {
    let options = GuiOptions {
        lang: wirelab::lang::Lang::En,
        scenario: Some(scenario.into()),
        ..GuiOptions::default()
    };
    app_harness(options)
}

/// The first button whose label contains `text`, stage captions skipped.
fn arrow<'h>(h: &'h Harness<'static, WirelabApp>, text: &'h str) -> egui_kittest::Node<'h> {
    h.query_all_by(move |n| {
        n.role() == egui::accesskit::Role::Button
            && n.label()
                .is_some_and(|l| l.contains(text) && !l.starts_with("stage"))
    })
    .next()
    .unwrap_or_else(|| panic!("no arrow with {text:?}"))
}

fn step_button<'h>(h: &'h Harness<'static, WirelabApp>) -> egui_kittest::Node<'h> {
    h.get_by(|n| {
        n.role() == egui::accesskit::Role::Button
            && n.label().is_some_and(|l| l.starts_with("Step"))
    })
}

/// Opens the scenario picker and clicks `name`'s entry (found by its description, which the
/// entry must show).
fn pick(h: &mut Harness<'static, WirelabApp>, current: &str, description: &str) {
    h.get_by(|n| {
        n.role() == egui::accesskit::Role::ComboBox && n.value().as_deref() == Some(current)
    })
    .click();
    h.run();
    h.get_by_label_contains(description).click();
    h.run();
}

#[test]
fn the_detail_pane_shows_the_http_get_body() {
    let mut h = harness("http-get");
    h.get_by_label("Run").click();
    step_until(&mut h, "the run to finish", WirelabApp::is_finished);
    arrow(&h, "200 OK").click();
    h.run();
    // The title says what it is; the body is shown as the text the server sent (its 35
    // bytes are the lab's literal greeting), and the whole message is in the hex view.
    h.get_by_label("HTTP response");
    h.get_by_label("Body (35 bytes)");
    h.get_by_label("Hello from the wirelab lab server.\n");
    h.get_by_label_contains("body: bytes 117..152 (35 bytes)");
}

#[test]
fn collapsing_the_detail_pane_widens_the_diagram() {
    let mut h = harness("ws-echo");
    h.state_mut().set_trace(support::sample::demo_trace());
    h.run();
    let open = h.state().lab().pane().diagram_width();
    h.key_press(egui::Key::D);
    h.run();
    assert_eq!(h.state().lab().pane().detail_pane(), SidePane::Collapsed);
    let collapsed = h.state().lab().pane().diagram_width();
    assert!(
        collapsed > open + 300.0,
        "the diagram is {open} wide beside the pane, {collapsed} without it"
    );
    // The strip's button opens it again, at the width it had.
    h.get_by_label("«").click();
    h.run();
    assert_eq!(h.state().lab().pane().detail_pane(), SidePane::Open);
    assert_eq!(h.state().lab().pane().diagram_width(), open);
    // At 2x UI zoom the pane takes at most 40% of the width.
    h.ctx.set_zoom_factor(2.0);
    h.run();
    let zoomed = h.state().lab().pane().diagram_width();
    let window = 1400.0 / 2.0;
    assert!(
        zoomed >= 0.55 * window,
        "at 2x zoom the diagram keeps {zoomed} of {window} points"
    );
}

#[test]
fn picking_a_scenario_resets_to_it() {
    let mut h = harness("http-get");
    h.get_by_label("Run").click();
    step_until(&mut h, "the run to finish", WirelabApp::is_finished);
    assert!(!h.state().trace().events.is_empty());
    // A finished run is not asked about: the diagram, Step and Run are the new scenario's.
    pick(&mut h, "http-get", "WebSocket echo: upgrade");
    assert!(h.state().lab().pending_pick().is_none());
    assert_eq!(h.state().lab().scenario(), "ws-echo");
    assert!(h.state().trace().events.is_empty());
    assert_eq!(h.state().step_label(), "Step: start ws-echo");
}

#[test]
fn picking_a_scenario_mid_step_asks_first() {
    let mut h = harness("ws-echo");
    step_button(&h).click();
    step_until(&mut h, "stage 1", |app| {
        app.completed_stages() == 1 && !app.is_busy()
    });
    let events = h.state().trace().events.len();
    // Keep: nothing changes.
    pick(&mut h, "ws-echo", "plain HTTP/1.1: connect");
    h.get_by_label_contains("Switch to http-get?");
    h.get_by_label("Keep the ws-echo run").click();
    h.run();
    assert!(h.state().lab().pending_pick().is_none());
    assert_eq!(h.state().lab().scenario(), "ws-echo");
    assert_eq!(h.state().completed_stages(), 1);
    assert!(h.state().trace().events.len() >= events);
    // Reset: the run is gone, the new scenario is current.
    pick(&mut h, "ws-echo", "plain HTTP/1.1: connect");
    h.get_by_label("Reset to http-get").click();
    h.run();
    assert_eq!(h.state().lab().scenario(), "http-get");
    assert_eq!(h.state().completed_stages(), 0);
    assert!(h.state().trace().events.is_empty());
    assert_eq!(h.state().step_label(), "Step: start http-get");
    // And Step starts the new scenario.
    step_button(&h).click();
    step_until(&mut h, "http-get stage 1", |app| {
        app.completed_stages() == 1 && !app.is_busy()
    });
    assert!(h.state().step_label().starts_with("Step: "));
    assert_eq!(
        h.state().trace().source.scenario.as_deref(),
        Some("http-get")
    );
}

#[test]
fn another_arrow_shows_the_detail_from_its_title() {
    let mut h = harness("ws-echo");
    // A short window, so both details are taller than the pane.
    h.set_size(egui::vec2(1400.0, 500.0));
    h.state_mut().set_trace(support::sample::demo_trace());
    h.run();
    h.key_press(egui::Key::Home);
    h.run();
    // Two long details: a message with its frame's bit layout, field table and hex, then
    // the 101 with its headers, the accept derivation and its bytes.
    arrow(&h, "Hello").click();
    h.run();
    let title = h.get_by_label("WebSocket message (text)").rect();
    let pane = egui::pos2(title.center().x, 300.0);
    h.hover_at(pane);
    for _ in 0..5 {
        h.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, -400.0),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Unknown,
            modifiers: egui::Modifiers::NONE,
        });
        // Wheel scrolling is animated over a few frames.
        h.run_steps(20);
    }
    let scrolled = h.get_by_label("WebSocket message (text)").rect();
    assert!(
        scrolled.top() < title.top() - 100.0,
        "the pane did not scroll: title at {} then {}",
        title.top(),
        scrolled.top()
    );
    // Another arrow: its title is where the first one was.
    arrow(&h, "101 Switching Protocols").click();
    h.run();
    let response = h.get_by_label("HTTP response").rect();
    assert_eq!(
        response.top(),
        title.top(),
        "the new title is at the pane's top"
    );
}

#[test]
fn the_file_views_list_collapses_and_both_panes_leave_the_diagram_room_at_2x() {
    let mut h = harness("http-get");
    h.state_mut()
        .open_path(std::path::Path::new(&support::fixtures::shared_fixture(
            "ws_python_deflate.pcap",
        )));
    step_until(&mut h, "the file to load", |app| !app.is_loading());
    h.run();
    let open = h.state().file_pane().diagram_width();
    h.key_press(egui::Key::L);
    h.run();
    assert_eq!(h.state().file_pane().list_pane(), SidePane::Collapsed);
    let collapsed = h.state().file_pane().diagram_width();
    assert!(
        collapsed > open + 150.0,
        "the diagram is {open} wide beside the list, {collapsed} without it"
    );
    h.get_by_label("»").click();
    h.run();
    assert_eq!(h.state().file_pane().list_pane(), SidePane::Open);
    // At 2x UI zoom, with the list and the detail pane open, the diagram keeps a third.
    h.ctx.set_zoom_factor(2.0);
    h.run();
    h.run();
    let zoomed = h.state().file_pane().diagram_width();
    let window = 1400.0 / 2.0;
    assert!(
        zoomed >= window / 3.0,
        "at 2x zoom the diagram keeps {zoomed} of {window} points"
    );
}
