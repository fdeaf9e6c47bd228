//! The chrome of the app's information windows (About, the shortcut help): a modal of the
//! theme's width with a title, the window's own content and a Close button; Esc, a click
//! beside it or Close shut it.

use super::lang;
use super::theme::Theme;
use crate::lang::{Lang, Text};

const CLOSE: Text = Text {
    en: "Close",
    zh: "关闭",
};

/// Draws the window `id` titled `title` while `open`, its content drawn by `body` in the
/// window's language.
pub(super) fn info_window(
    ctx: &egui::Context,
    open: &mut bool,
    id: &str,
    title: Text,
    body: impl FnOnce(&mut egui::Ui, Lang),
) {
    if !*open {
        return;
    }
    let lang = lang::current(ctx);
    let width = Theme::of(ctx).size.help_width;
    let mut close = false;
    let modal = egui::Modal::new(egui::Id::unique(id)).show(ctx, |ui| {
        ui.set_width(width);
        ui.heading(title.get(lang));
        body(ui, lang);
        ui.add_space(6.0);
        if ui.button(CLOSE.get(lang)).clicked() {
            close = true;
        }
    });
    if close || modal.should_close() {
        *open = false;
    }
}
