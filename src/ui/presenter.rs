//! Presenter mode, for a teacher at a projector: full screen, the high-contrast theme, the
//! whole UI zoomed (Ctrl +/− and Ctrl 0 still work: egui's own UI zoom), and only the diagram,
//! the detail pane and the run controls. F5, the top bar's button or `wirelab gui --presenter`
//! enter it; F5 or Esc leave it, and the theme and zoom from before come back.
//!
//! The state lives in egui's memory, so a view can ask [`is_active`] while it draws its part
//! (the Lab's bar hides its status, a pane hides its connection list) without being passed it.

use super::theme::{self, Theme, ThemeName};

/// What presenter mode replaced, to restore on leaving it.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Before {
    theme: ThemeName,
    zoom: f32,
}

fn key() -> egui::Id {
    egui::Id::unique("wirelab-presenter")
}

/// Whether the window is in presenter mode.
pub fn is_active(ctx: &egui::Context) -> bool {
    before(ctx).is_some()
}

fn before(ctx: &egui::Context) -> Option<Before> {
    ctx.data(|data| data.get_temp::<Before>(key()))
}

/// Enters presenter mode (nothing happens when it is on already).
pub fn enter(ctx: &egui::Context) {
    if is_active(ctx) {
        return;
    }
    let saved = Before {
        theme: theme::current(ctx),
        zoom: ctx.zoom_factor(),
    };
    ctx.data_mut(|data| data.insert_temp(key(), saved));
    theme::set(ctx, ThemeName::HighContrast);
    let zoom = Theme::of(ctx).size.presenter_zoom;
    ctx.set_zoom_factor(saved.zoom.max(zoom));
    // The zoom applies from the next pass: run it before anything is shown.
    ctx.request_discard("presenter mode's zoom");
    ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(true));
}

/// Leaves presenter mode, restoring the theme and zoom from before it.
pub fn leave(ctx: &egui::Context) {
    let Some(saved) = before(ctx) else {
        return;
    };
    ctx.data_mut(|data| data.remove::<Before>(key()));
    theme::set(ctx, saved.theme);
    ctx.set_zoom_factor(saved.zoom);
    ctx.request_discard("presenter mode's zoom");
    ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(false));
}

/// Enters or leaves presenter mode.
pub fn toggle(ctx: &egui::Context) {
    if is_active(ctx) {
        leave(ctx);
    } else {
        enter(ctx);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entering_and_leaving_restores_theme_and_zoom() {
        let ctx = egui::Context::default();
        theme::set(&ctx, ThemeName::Light);
        ctx.set_zoom_factor(1.1);
        enter(&ctx);
        assert!(is_active(&ctx));
        assert_eq!(theme::current(&ctx), ThemeName::HighContrast);
        // Zoom applies at the next pass; what was asked for is what counts here.
        enter(&ctx);
        leave(&ctx);
        assert!(!is_active(&ctx));
        assert_eq!(theme::current(&ctx), ThemeName::Light);
        leave(&ctx);
        assert_eq!(theme::current(&ctx), ThemeName::Light);
    }
}
