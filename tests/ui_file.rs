//! The File view (egui_kittest, headless): a capture that takes a while to read is shown as
//! far as it was read (a preview), then replaced by the whole file, which begins with the same
//! events — and the reader's place stays: the selected connection, the selected event and the
//! diagram's scroll position.
//!
//! The capture is made here: 300 copies of a real one (`ws_python_echo`), each its own
//! connection. The preview threshold is set to 0 (`set_file_preview_after`), so a preview
//! does not depend on how fast this machine reads; the place is set between two frames, right
//! after the preview arrived, so it is set on the preview whatever the reader thread does.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use std::time::Duration;

use egui_kittest::Harness;
use wirelab::ui::{GuiOptions, View, WirelabApp};

mod support;

/// Steps the harness until `done` holds, with short real waits: the file is read on another
/// thread.
fn step_until(
    h: &mut Harness<'static, WirelabApp>,
    what: &str,
    mut done: impl FnMut(&WirelabApp) -> bool,
) {
    for _ in 0..6_000 {
        h.step();
        if done(h.state()) {
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    panic!("timed out waiting for {what}");
}

#[test]
fn the_preview_is_replaced_keeping_the_connection_event_and_scroll() {
    const COPIES: u16 = 300;
    // Removed when it drops, however the test ends.
    let path = support::fixtures::repeated_capture(COPIES);
    let mut h = Harness::builder()
        .with_size([1400.0, 900.0])
        .allow_missing_glyphs()
        .build_eframe(|cc| WirelabApp::new(&cc.egui_ctx, GuiOptions::default()));
    h.state_mut().set_file_preview_after(Duration::ZERO);
    h.state_mut().open_path(&path);
    assert_eq!(h.state().view(), View::File);

    // The preview: part of the file, while the rest is still being read.
    step_until(&mut h, "the preview", |app| {
        assert!(
            app.is_loading() || !app.file_pane().trace().events.is_empty(),
            "the file failed to load: {:?}",
            app.file_error()
        );
        !app.file_pane().trace().events.is_empty()
    });
    assert!(
        h.state().is_loading(),
        "the whole file came first: no preview was shown"
    );
    let preview = h.state().file_pane().trace().clone();
    let previewed = preview.connections.len();
    assert!(
        previewed >= 2 && previewed < usize::from(COPIES),
        "{previewed} connections in the preview"
    );

    // The reader's place, set on the preview before the next frame: a connection of the
    // preview, one of its events, a scroll offset.
    let conn = (previewed / 2) as u32;
    let pane = h.state_mut().file_pane_mut();
    pane.select_conn(Some(conn));
    let shown = pane.shown().events.len();
    assert!(shown > 20, "connection {conn} shows {shown} events");
    let event = shown / 2;
    pane.select_event(Some(event));
    let picked = pane.shown().events[event].clone();
    pane.set_scroll_y(300.0);

    let mut during_preview = Vec::new();
    step_until(&mut h, "the whole file", |app| {
        if app.is_loading() {
            during_preview.push(app.file_pane().scroll_y());
        }
        !app.is_loading()
    });
    h.run();
    assert!(
        during_preview.iter().all(|y| *y == 300.0),
        "nothing moved the preview's scroll: {during_preview:?}"
    );

    let app = h.state();
    let pane = app.file_pane();
    let whole = pane.trace();
    assert_eq!(whole.connections.len(), usize::from(COPIES));
    assert!(whole.events.len() > preview.events.len());
    assert_eq!(
        whole.events[..preview.events.len()],
        preview.events[..],
        "the whole file begins with the preview"
    );
    assert_eq!(pane.selected_conn(), Some(conn), "the selected connection");
    assert_eq!(pane.selected_event(), Some(event), "the selected event");
    assert_eq!(
        pane.shown().events[event],
        picked,
        "the selected event is the same event"
    );
    assert_eq!(pane.scroll_y(), 300.0, "the scroll position");
}
