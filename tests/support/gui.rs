//! Driving the GUI headless (egui_kittest) while the lab runs on another thread.
#![allow(dead_code)] // each test file uses the part it needs

use egui_kittest::{Harness, HarnessBuilder};
use wirelab::ui::WirelabApp;

/// A harness builder with the app's fonts installed before the first frame (egui's defaults
/// plus the bundled CJK subset), so Chinese text lays out instead of panicking on a missing
/// glyph: `harness_builder().build_eframe(|cc| WirelabApp::new(&cc.egui_ctx, options))`.
pub fn harness_builder<State>() -> HarnessBuilder<State> {
    HarnessBuilder::default().with_context_setup(install_fonts)
}

/// Installs the app's fonts in `ctx` (for a harness built another way).
pub fn install_fonts(ctx: &egui::Context) {
    wirelab::ui::fonts::install(ctx);
}

/// Steps the harness until `done` holds, with short real waits: the lab runs on real sockets
/// in another thread. An error the app shows fails the wait.
pub fn step_until(
    h: &mut Harness<'static, WirelabApp>,
    what: &str,
    done: impl Fn(&WirelabApp) -> bool,
) {
    for _ in 0..2_000 {
        h.step();
        if done(h.state()) {
            h.run();
            return;
        }
        if let Some(e) = h.state().error() {
            panic!("while waiting for {what}: {e}");
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    panic!("timed out waiting for {what}");
}

/// The app in a 1400 × 900 harness with `options`, its first frame run; fails if the lab
/// did not start.
pub fn app_harness(options: wirelab::ui::GuiOptions) -> Harness<'static, WirelabApp> {
    let mut h = Harness::builder()
        .with_size([1400.0, 900.0])
        .allow_missing_glyphs()
        .build_eframe(move |cc| WirelabApp::new(&cc.egui_ctx, options));
    h.run();
    if let Some(e) = h.state().error() {
        panic!("the lab did not start: {e}");
    }
    h
}
