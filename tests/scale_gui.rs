#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The scale run's panel (egui_kittest): a tiny run started with the button, its progress
//! drawn while the window keeps painting, then the aggregated table.

mod support;

use std::path::PathBuf;
use std::time::Duration;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use wirelab::lab::scale::ScaleConfig;
use wirelab::ui::compare_scale::ScalePanel;

#[test]
fn a_tiny_run_from_the_panel_shows_the_table() {
    let config = ScaleConfig {
        clients: 8,
        events: 2,
        interval: Duration::from_millis(50),
        poll_every: Duration::from_millis(50),
        ..ScaleConfig::new(PathBuf::from(env!("CARGO_BIN_EXE_wirelab")))
    };
    let mut h = Harness::builder()
        .with_size([1400.0, 700.0])
        .allow_missing_glyphs()
        .build_ui_state(
            |ui, panel: &mut ScalePanel| panel.ui(ui),
            ScalePanel::new(config),
        );
    h.run();
    h.get_by_label("Run scale test").click();
    h.step();
    assert!(h.state().is_running());
    let mut frames_while_running = 0;
    for _ in 0..3_000 {
        h.step();
        if !h.state().is_running() {
            break;
        }
        frames_while_running += 1;
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(!h.state().is_running(), "the run did not end");
    assert!(
        frames_while_running > 0,
        "the window painted while the run went on"
    );
    assert_eq!(h.state().error(), None);
    h.run();
    let report = h.state().report().expect("a report");
    assert_eq!(report.techniques.len(), 4);
    for name in ["short-poll", "long-poll", "sse", "websocket"] {
        h.get_by_label(name);
    }
    h.get_by_label("Lubbers & Greco 2010, polling");
    h.get_by_label_contains("server memory per idle WebSocket connection");
    h.get_by_label_contains("measured by the load generator");
}
