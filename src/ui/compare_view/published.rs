//! A preset's published figures beside the same quantities measured in the run's trace, with
//! what each published number counts and what we correct (the presets' own data,
//! `lab::compare::presets`).

use egui::{Grid, RichText, Ui};

use super::text;
use crate::analysis::compare::Comparison;
use crate::lab::compare::CompareConfig;
use crate::lab::compare::presets::Preset;
use crate::trace::Trace;

/// The table of `preset` for a run of `config` whose trace is `trace`.
pub fn published_ui(
    ui: &mut Ui,
    preset: &Preset,
    config: &CompareConfig,
    trace: &Trace,
    comparison: &Comparison,
) {
    let lang = crate::ui::lang::current(ui.ctx());
    ui.strong(text::published_heading(
        preset.published.source.get(lang),
        lang,
    ));
    Grid::new("compare-published")
        .num_columns(4)
        .striped(true)
        .show(ui, |ui| {
            for heading in [
                text::FIGURE,
                text::PUBLISHED,
                text::MEASURED,
                text::WHAT_IT_COUNTS,
            ] {
                ui.label(RichText::new(heading.get(lang)).strong());
            }
            ui.end_row();
            for figure in preset.published.figures {
                ui.label(figure.what.get(lang));
                ui.monospace(format!("{} {}", figure.published, figure.unit));
                match figure.measured(trace, comparison, config) {
                    Some(v) => ui.monospace(format!("{} {}", round(v), figure.unit)),
                    None => ui.weak("–"),
                };
                ui.weak(figure.counts.get(lang));
                ui.end_row();
            }
        });
    for correction in preset.published.corrections {
        ui.label(format!("• {}", correction.get(lang)));
    }
}

/// A measured value with as many digits as its size needs.
fn round(v: f64) -> String {
    match v.abs() {
        a if a >= 100.0 => format!("{v:.0}"),
        a if a >= 1.0 => format!("{v:.1}"),
        _ => format!("{v:.3}"),
    }
}
