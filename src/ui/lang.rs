//! The language the window speaks now, kept in egui's memory so every view reads the same one
//! in the same frame, and a switch applies at once.

use crate::lang::Lang;

fn key() -> egui::Id {
    egui::Id::unique("wirelab-lang")
}

/// The window's current language (English until one is set).
pub fn current(ctx: &egui::Context) -> Lang {
    ctx.data(|data| data.get_temp(key())).unwrap_or_default()
}

/// Switches the window's language; everything drawn from the next frame on uses it.
pub fn set(ctx: &egui::Context, lang: Lang) {
    ctx.data_mut(|data| data.insert_temp(key(), lang));
}
