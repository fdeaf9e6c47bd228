//! The Lab's `wss-echo` in the GUI (egui_kittest): the TLS records "on the wire" beside the
//! plaintext the tap above TLS saw, and a record's note. Socket mode, so no capture
//! permission is needed: there the "Save pcapng…" button is off.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod support;

use egui_kittest::kittest::{NodeT as _, Queryable};
use wirelab::lab::{CaptureMode, LabConfig};
use wirelab::ui::{GuiOptions, WirelabApp};

use support::gui::{app_harness, step_until};

#[test]
fn wss_echo_shows_tls_records_beside_the_frames() {
    let options = GuiOptions {
        lang: wirelab::lang::Lang::En,
        scenario: Some("wss-echo".into()),
        lab: LabConfig {
            capture: CaptureMode::Socket,
            ..LabConfig::default()
        },
        ..GuiOptions::default()
    };
    let mut h = app_harness(options);
    h.get_by_label("Run").click();
    step_until(&mut h, "the run to finish", WirelabApp::is_finished);
    h.key_press(egui::Key::Home);
    h.run();
    // Below TLS: the records; above it: the upgrade, in the same diagram.
    h.get_by_label("on the wire: TLS handshake: ClientHello (218 B record)")
        .click();
    h.run();
    assert!(
        h.query_all_by_label_contains(
            "negotiated in the supported_versions extension (RFC 8446 §4.2.1)"
        )
        .count()
            >= 1,
        "the ClientHello's note in the detail pane"
    );
    assert!(
        h.query_all_by_label_contains("GET /echo HTTP/1.1").count() >= 1,
        "the tap above TLS shows the upgrade"
    );
    let save = h.get_by_label("Save pcapng…");
    assert!(
        save.accesskit_node().is_disabled(),
        "socket mode has no packets"
    );
}
