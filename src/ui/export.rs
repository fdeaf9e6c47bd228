//! The GUI's side of the diagram's export ([`crate::export`]): the Export… menu of the
//! diagram's options, what it asks the app to save ([`DiagramExport`], through the app's Save
//! flow), and the palette of the theme and visuals in use, so the file has the window's colours.

use std::path::Path;

use super::command::{Command, SaveRequest};
use super::status::StatusLine;
use super::text as t;
use super::theme::Theme;
use crate::export::{self, DiagramSpec, Extent, Palette, Rgba};
use crate::lang::{Lang, Text};
use crate::trace::Trace;

/// How much of the diagram an export holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportExtent {
    /// What the window shows now.
    View,
    /// Every row of the trace shown.
    WholeRun,
}

/// The file an export writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// Vector SVG.
    Svg,
    /// PNG at this many pixels per point.
    Png {
        /// 1 for a document, 2 for a projector.
        scale: u8,
    },
}

/// An export asked for from the menu.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DiagramExport {
    /// How much.
    pub extent: ExportExtent,
    /// As what.
    pub format: ExportFormat,
    /// The language the window spoke when it was asked (for the dialog and the file).
    pub lang: Lang,
}

impl DiagramExport {
    /// The save dialog's title.
    pub fn dialog_title(&self) -> Text {
        match self.format {
            ExportFormat::Svg => t::DIALOG_EXPORT_SVG,
            ExportFormat::Png { .. } => t::DIALOG_EXPORT_PNG,
        }
    }

    /// The file name the dialog proposes.
    pub fn file_name(&self) -> &'static str {
        match self.format {
            ExportFormat::Svg => "wirelab-diagram.svg",
            ExportFormat::Png { .. } => "wirelab-diagram.png",
        }
    }

    /// The file name extension.
    pub fn extension(&self) -> &'static str {
        match self.format {
            ExportFormat::Svg => "svg",
            ExportFormat::Png { .. } => "png",
        }
    }
}

/// The menu's state kept between frames: which extent is picked.
fn extent_id() -> egui::Id {
    egui::Id::unique("wirelab-export-extent")
}

/// The Export… menu button: pick the extent, then a format; the choice becomes a
/// [`Command::ChooseSaveTarget`]. Disabled while `trace` has no events.
pub fn menu_ui(ui: &mut egui::Ui, trace: &Trace, commands: &mut Vec<Command>) {
    let lang = super::lang::current(ui.ctx());
    ui.add_enabled_ui(!trace.events.is_empty(), |ui| {
        // Picking the extent keeps the menu open; a format closes it.
        let config = egui::containers::menu::MenuConfig::new()
            .close_behavior(egui::PopupCloseBehavior::CloseOnClickOutside);
        let button = egui::containers::menu::MenuButton::new(t::EXPORT.get(lang)).config(config);
        let (response, _) = button.ui(ui, |ui| {
            let mut extent = ui
                .data(|d| d.get_temp(extent_id()))
                .unwrap_or(ExportExtent::WholeRun);
            ui.radio_value(
                &mut extent,
                ExportExtent::WholeRun,
                t::EXPORT_WHOLE.get(lang),
            );
            ui.radio_value(&mut extent, ExportExtent::View, t::EXPORT_VIEW.get(lang));
            ui.data_mut(|d| d.insert_temp(extent_id(), extent));
            ui.separator();
            let formats = [
                (t::EXPORT_SVG, ExportFormat::Svg),
                (t::EXPORT_PNG_1X, ExportFormat::Png { scale: 1 }),
                (t::EXPORT_PNG_2X, ExportFormat::Png { scale: 2 }),
            ];
            for (label, format) in formats {
                if ui.button(label.get(lang)).clicked() {
                    commands.push(Command::ChooseSaveTarget(SaveRequest::Diagram(
                        DiagramExport {
                            extent,
                            format,
                            lang,
                        },
                    )));
                    ui.close();
                }
            }
        });
        response.on_hover_text(t::EXPORT_HINT.get(lang));
    });
}

/// The diagram's palette in `ctx`'s theme and visuals: the painter's colours.
pub fn palette(ctx: &egui::Context) -> Palette {
    let theme = Theme::of(ctx);
    let visuals = ctx.global_style().visuals.clone();
    let c = |color: egui::Color32| {
        let [r, g, b, a] = color.to_srgba_unmultiplied();
        Rgba { r, g, b, a }
    };
    // A fill drawn on the panel (egui's faint background is additive: alpha 0), as the
    // opaque colour it shows there.
    let on_panel = |color: egui::Color32| {
        let bg = visuals.panel_fill;
        let keep = 255 - u16::from(color.a());
        let mix = |fg: u8, bg: u8| (u16::from(fg) + u16::from(bg) * keep / 255).min(255) as u8;
        Rgba::rgb(
            mix(color.r(), bg.r()),
            mix(color.g(), bg.g()),
            mix(color.b(), bg.b()),
        )
    };
    Palette {
        background: c(visuals.panel_fill),
        text: c(visuals.text_color()),
        weak: c(visuals.weak_text_color()),
        strong: c(visuals.strong_text_color()),
        lane: c(visuals.weak_text_color()).faded(0.6),
        faint_bg: on_panel(visuals.faint_bg_color),
        selection: c(visuals.selection.bg_fill),
        c2s: c(theme.c2s),
        s2c: c(theme.s2c),
        ready_states: [0, 1, 2, 3].map(|state| c(theme.ready_state(state))),
        info: c(theme.info),
        warning: c(theme.warning),
        error: c(theme.error),
        ok: c(theme.ok),
        playhead: c(theme.playhead),
        marker_glyph: c(theme.marker_glyph),
    }
}

/// Writes `trace`'s diagram as `what` asks to `to`; `view` is the spec of what the window
/// shows. Returns the status line to show.
pub fn save(
    trace: &Trace,
    view: DiagramSpec,
    what: DiagramExport,
    palette: &Palette,
    to: &Path,
) -> StatusLine {
    let spec = match what.extent {
        ExportExtent::View => view,
        ExportExtent::WholeRun => DiagramSpec {
            extent: Extent::WholeRun,
            ..view
        },
    };
    let written = write(trace, &spec, what, palette, to);
    match written {
        Ok(()) => StatusLine::info(t::exported(to)),
        Err(e) => StatusLine::error(t::cannot_export(to, &e)),
    }
}

fn write(
    trace: &Trace,
    spec: &DiagramSpec,
    what: DiagramExport,
    palette: &Palette,
    to: &Path,
) -> anyhow::Result<()> {
    if trace.events.is_empty() {
        return Err(export::ExportError::Empty.into());
    }
    let scene = export::scene(trace, spec);
    let svg = export::svg::write_captioned_svg(&scene, palette, what.lang, spec.caption.as_deref());
    let bytes = match what.format {
        ExportFormat::Svg => svg.into_bytes(),
        ExportFormat::Png { scale } => export::png::render_png(&svg, f32::from(scale))?,
    };
    std::fs::write(to, bytes)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_palette_takes_the_themes_colours() {
        let ctx = egui::Context::default();
        let p = palette(&ctx);
        let theme = Theme::of(&ctx);
        let [r, g, b, _] = theme.c2s.to_srgba_unmultiplied();
        assert_eq!((p.c2s.r, p.c2s.g, p.c2s.b), (r, g, b));
        assert_ne!(p.background, p.text);
        // The faint background (additive in egui) is a visible, opaque colour on the panel.
        assert_ne!(p.faint_bg, p.background);
        assert_eq!(p.faint_bg.a, 255);
    }

    #[test]
    fn dialog_titles_follow_the_language() {
        let ask = |lang| DiagramExport {
            extent: ExportExtent::WholeRun,
            format: ExportFormat::Png { scale: 2 },
            lang,
        };
        assert_eq!(ask(Lang::En).dialog_title().en, "Export the diagram (PNG)");
        assert_eq!(ask(Lang::Zh).dialog_title().zh, "导出时序图（PNG）");
        assert_eq!(ask(Lang::Zh).extension(), "png");
    }
}
