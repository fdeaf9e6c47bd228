//! The fonts the window draws with: egui's defaults (Latin, Greek, Cyrillic, symbols), then the
//! bundled subset of Noto Sans CJK SC for the app's own Chinese text
//! (`assets/fonts/`, made by `scripts/subset-cjk-font.py`; `tests/cjk_font.rs` checks it
//! covers every Chinese character of the sources). Characters outside both, e.g. in a user's
//! own capture, come from the system's fonts through eframe's `system_fonts` provider, which
//! eframe installs itself and which finds nothing, without failing, when no CJK font is installed.

/// The bundled CJK subset (SIL Open Font License 1.1, `assets/fonts/LICENSE-OFL.txt`).
pub const CJK_SUBSET: &[u8] = include_bytes!("../../assets/fonts/NotoSansCJKsc-wirelab.otf");

/// The name the bundled font is registered under in egui.
pub const CJK_SUBSET_NAME: &str = "NotoSansCJKsc-wirelab";

/// Adds the bundled CJK font after egui's defaults in the proportional and monospace families,
/// so Latin text keeps egui's look and Chinese falls through to it. Idempotent.
pub fn install(ctx: &egui::Context) {
    let families = [egui::FontFamily::Proportional, egui::FontFamily::Monospace]
        .into_iter()
        .map(|family| egui::InsertFontFamily {
            family,
            priority: egui::FontPriority::Lowest,
        })
        .collect();
    ctx.add_font(egui::FontInsert::new(
        CJK_SUBSET_NAME,
        egui::FontData::from_static(CJK_SUBSET),
        families,
    ));
}
