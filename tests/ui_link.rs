//! The Lab view's Link menu, driven headless (egui_kittest): a preset applied to the next
//! run, recorded in its trace and shown beside the run's state.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod support;

use egui_kittest::kittest::Queryable;
use wirelab::ui::{GuiOptions, WirelabApp};

use support::gui::{app_harness, step_until};
use support::lab::socket_lab;

#[test]
fn the_link_menu_emulates_the_next_run_and_says_so() {
    let options = GuiOptions {
        lab: socket_lab(),
        lang: wirelab::lang::Lang::En,
        scenario: Some("ws-echo".into()),
        ..GuiOptions::default()
    };
    let mut h = app_harness(options);
    h.get_by_label("Link: off").click();
    h.run();
    h.get_by_label("50 ms each way").click();
    h.run();
    // The menu's button names what the next run gets.
    h.get_by_label("Link: 50 ms");
    h.get_by_label("Run").click();
    step_until(&mut h, "the run to finish", WirelabApp::is_finished);
    let link = h
        .state()
        .lab()
        .trace()
        .source
        .link
        .expect("the run's trace records the link");
    assert_eq!(link.delay_us, 50_000);
    h.get_by_label("link emulated at the socket: 50 ms each way");
    // Off applies to the next run again.
    h.get_by_label("Link: 50 ms").click();
    h.run();
    h.get_by_label("Off").click();
    h.run();
    h.get_by_label("Link: off");
    h.get_by_label("Run").click();
    step_until(&mut h, "the second run to finish", |app| {
        app.is_finished() && app.lab().trace().source.link.is_none()
    });
}
