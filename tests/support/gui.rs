//! Driving the GUI headless (egui_kittest) while the lab runs on another thread.
#![allow(dead_code)] // each test file uses the part it needs

use egui_kittest::Harness;
use wirelab::ui::WirelabApp;

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
