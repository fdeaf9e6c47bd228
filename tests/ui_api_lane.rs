//! The browser-API lane as the GUI draws it (egui_kittest, headless), in the File view of a
//! real capture and in the Lab after a ws-echo run: `readyState 0 CONNECTING` is drawn on the
//! connection's first TCP row (`new WebSocket()` exists before the connect), and `onclose` on
//! the row of the last FIN or after it (the WebSocket connection is closed when TCP is; with
//! the socket tap alone, the last socket close).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod support;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use wirelab::ui::{GuiOptions, WirelabApp};

use support::gui::step_until;

fn harness(options: GuiOptions) -> Harness<'static, WirelabApp> {
    let mut h = Harness::builder()
        .with_size([1400.0, 900.0])
        .allow_missing_glyphs()
        .build_eframe(move |cc| WirelabApp::new(&cc.egui_ctx, options));
    h.run();
    h
}

/// The tops of the diagram's buttons (rows and API markers) whose label passes `pick`.
fn tops(h: &Harness<'static, WirelabApp>, pick: impl Fn(&str) -> bool) -> Vec<f32> {
    h.query_all_by(|n| {
        n.role() == egui::accesskit::Role::Button && n.label().is_some_and(|l| pick(&l))
    })
    .map(|n| n.rect().top())
    .collect()
}

fn is_tcp_row(label: &str) -> bool {
    ["SYN", "connect()", "accept()"]
        .iter()
        .any(|p| label.starts_with(p))
}

/// CONNECTING on the first TCP row (scrolled to the top), `onclose` on or below the last
/// FIN (scrolled to the end).
fn check_lane(h: &mut Harness<'static, WirelabApp>, what: &str) {
    h.key_press(egui::Key::Home);
    h.run();
    let first_tcp = tops(h, is_tcp_row)
        .into_iter()
        .fold(f32::INFINITY, f32::min);
    let connecting = tops(h, |l| l.contains("readyState 0 CONNECTING"));
    let connecting = connecting
        .first()
        .copied()
        .unwrap_or_else(|| panic!("{what}: no CONNECTING marker"));
    assert!(
        (connecting - first_tcp).abs() < 12.0,
        "{what}: CONNECTING at y {connecting}, the first TCP row at {first_tcp}"
    );
    h.key_press(egui::Key::End);
    h.run();
    // Without packet capture the Lab's socket tap shows the close as a socket row.
    let last_fin = tops(h, |l| {
        l.starts_with("FIN") || l.starts_with("TCP connection closed")
    })
    .into_iter()
    .fold(f32::NEG_INFINITY, f32::max);
    let onclose = tops(h, |l| l.contains("onclose"));
    let onclose = onclose
        .last()
        .copied()
        .unwrap_or_else(|| panic!("{what}: no onclose marker"));
    assert!(last_fin.is_finite(), "{what}: no FIN or close row in view");
    assert!(
        onclose >= last_fin - 12.0,
        "{what}: onclose at y {onclose}, above the last FIN at {last_fin}"
    );
}

#[test]
fn the_file_view_draws_connecting_from_the_syn_and_onclose_at_the_last_fin() {
    let mut h = harness(GuiOptions::default());
    h.state_mut()
        .open_path(std::path::Path::new(&support::fixtures::shared_fixture(
            "ws_python_echo.pcap",
        )));
    step_until(&mut h, "the file to load", |app| !app.is_loading());
    h.run();
    check_lane(&mut h, "File view, ws_python_echo.pcap");
}

#[test]
fn the_lab_draws_connecting_from_the_first_tcp_event_and_onclose_at_the_last_fin() {
    let mut h = harness(GuiOptions {
        lang: wirelab::lang::Lang::En,
        scenario: Some("ws-echo".into()),
        ..GuiOptions::default()
    });
    if let Some(e) = h.state().error() {
        panic!("the lab did not start: {e}");
    }
    h.get_by_label("Run").click();
    step_until(&mut h, "the run to finish", WirelabApp::is_finished);
    h.run();
    check_lane(&mut h, "Lab, ws-echo");
}
