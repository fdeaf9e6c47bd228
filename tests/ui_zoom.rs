//! Zoom in the GUI (egui_kittest, headless) visibly moves the rows, with "collapse idle gaps"
//! on (the default: loopback events microseconds apart are spaced by their rows, not by time)
//! and off, by key (+/-) and by ctrl+wheel (a zoom gesture over the diagram).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable};
use wirelab::ui::{GuiOptions, WirelabApp};

mod support;

fn harness() -> Harness<'static, WirelabApp> {
    let mut h = Harness::builder()
        .with_size([1400.0, 900.0])
        .allow_missing_glyphs()
        .build_eframe(|cc| WirelabApp::new(&cc.egui_ctx, GuiOptions::default()));
    h.state_mut().set_trace(support::sample::demo_trace());
    h.run();
    h
}

/// The top of the row whose label starts with `text`.
fn row_top(h: &Harness<'static, WirelabApp>, text: &str) -> f32 {
    h.get_by(|n| {
        n.role() == egui::accesskit::Role::Button && n.label().is_some_and(|l| l.starts_with(text))
    })
    .rect()
    .top()
}

/// How far apart the upgrade request and its response are drawn, scrolled to the top (a
/// zoom keeps the row under the pointer in place, which can scroll others under the header).
fn spread(h: &mut Harness<'static, WirelabApp>) -> f32 {
    key(h, egui::Key::Home);
    row_top(h, "HTTP/1.1 101") - row_top(h, "GET /echo")
}

fn key(h: &mut Harness<'static, WirelabApp>, key: egui::Key) {
    h.key_press(key);
    h.run();
}

fn zoom_steps(h: &mut Harness<'static, WirelabApp>, what: &str) {
    let start = spread(h);
    key(h, egui::Key::Plus);
    key(h, egui::Key::Plus);
    let zoomed_in = spread(h);
    assert!(
        zoomed_in > start + 5.0,
        "{what}: + moves rows apart ({start} -> {zoomed_in})"
    );
    for _ in 0..4 {
        key(h, egui::Key::Minus);
    }
    let zoomed_out = spread(h);
    assert!(
        zoomed_out < start - 2.0,
        "{what}: - moves rows together ({start} -> {zoomed_out})"
    );
    key(h, egui::Key::Plus);
    key(h, egui::Key::Plus);
    // A zoom gesture (ctrl+wheel) over the diagram.
    let center = h
        .get_by(|n| n.label().is_some_and(|l| l == "sequence diagram"))
        .rect()
        .center();
    h.event(egui::Event::PointerMoved(center));
    h.run();
    let before = spread(h);
    h.event(egui::Event::Zoom(1.6));
    h.run();
    let after = spread(h);
    assert!(
        after > before + 5.0,
        "{what}: ctrl+wheel zooms too ({before} -> {after})"
    );
}

#[test]
fn zoom_moves_rows_with_idle_gaps_collapsed() {
    let mut h = harness();
    assert!(
        h.get_by_label("collapse idle gaps")
            .accesskit_node()
            .toggled()
            .is_some()
    );
    zoom_steps(&mut h, "collapsed");
}

#[test]
fn zoom_moves_rows_with_time_proportional() {
    let mut h = harness();
    h.get_by_label("collapse idle gaps").click();
    h.run();
    zoom_steps(&mut h, "proportional");
}
