//! The GUI on a failure scenario: pick `ws-bad-accept` in the scenario picker, Run, and read
//! the mismatch (the accept the client expected against the one the server sent) in the detail
//! pane, driven headless through the accessibility tree (egui_kittest).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod support;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable};
use wirelab::trace::EventKind;
use wirelab::ui::{GuiOptions, WirelabApp};

use support::gui::step_until;

fn labels(h: &Harness<'static, WirelabApp>) -> Vec<String> {
    h.query_all_by(|n| n.label().is_some())
        .filter_map(|n| n.accesskit_node().label())
        .collect()
}

#[test]
fn ws_bad_accept_shows_the_mismatch_in_the_detail_pane() {
    let mut h = Harness::builder()
        .with_size([1400.0, 900.0])
        .allow_missing_glyphs()
        .build_eframe(|cc| WirelabApp::new(&cc.egui_ctx, GuiOptions::default()));
    h.run();
    if let Some(e) = h.state().error() {
        panic!("the lab did not start: {e}");
    }
    // Open the picker and click ws-bad-accept's entry, found by its description.
    let summary = wirelab::lab::scenarios()
        .into_iter()
        .find(|s| s.name == "ws-bad-accept")
        .unwrap()
        .summary
        .en;
    // The scenario picker, showing the default scenario (the language menu is one too).
    h.get_by(|n| n.role() == Role::ComboBox && n.value().as_deref() == Some("ws-echo"))
        .click();
    h.run();
    // The list is taller than its popup: scroll the entry into view, then click it.
    h.get_by_label_contains(summary).scroll_to_me();
    h.run();
    h.get_by_label_contains(summary).click();
    h.run();
    assert!(
        h.query_by(|n| n.role() == Role::ComboBox && n.value().as_deref() == Some("ws-bad-accept"))
            .is_some(),
        "the picker shows ws-bad-accept: {:?}",
        labels(&h)
    );
    h.get_by_label("Run").click();
    step_until(&mut h, "the run to finish", WirelabApp::is_finished);
    let (expected, received) = h
        .state()
        .trace()
        .events
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::WsUpgradeCheck {
                expected_accept,
                accept: Some(accept),
                valid: false,
                ..
            } => Some((expected_accept.clone(), accept.clone())),
            _ => None,
        })
        .expect("a failed upgrade check in the trace");
    assert_ne!(expected, received);
    h.key_press(egui::Key::Home);
    h.run();
    h.query_all_by(|n| {
        n.role() == Role::Button && n.label().is_some_and(|l| l.contains("101 Switching"))
    })
    .next()
    .unwrap_or_else(|| panic!("no 101 arrow in {:?}", labels(&h)))
    .click();
    h.run();
    // The derivation step by step ends in the value the client expected; the server's value
    // beside it differs: the pane says MISMATCH and what the client must do.
    assert!(
        h.query_all_by_label_contains(&expected).count() >= 1,
        "the expected accept {expected} in {:?}",
        labels(&h)
    );
    assert!(
        h.query_all_by_label_contains(&received).count() >= 1,
        "the received accept {received} in {:?}",
        labels(&h)
    );
    h.get_by_label_contains("MISMATCH: the client MUST fail the WebSocket connection");
}
