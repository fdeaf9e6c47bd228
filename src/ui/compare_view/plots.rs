//! The plots (egui_plot): cumulative bytes and requests over time per technique, and the
//! spread of delivery latencies, from the pure series of [`crate::analysis::series`].

use egui::Ui;
use egui_plot::{BoxElem, BoxPlot, BoxSpread, Legend, Line, Plot};

use crate::analysis::compare::{Comparison, Delivered, TECHNIQUES};
use crate::analysis::metrics::Technique;
use crate::analysis::series::{self, Series};
use crate::trace::Trace;
use crate::ui::theme::Theme;

use super::text;

/// The series, computed once per trace length (not every frame).
#[derive(Default)]
pub struct Plots {
    built_for: Option<usize>,
    bytes: Vec<Series>,
    requests: Vec<Series>,
    latency: Vec<(Technique, series::Spread)>,
}

/// A technique's colour (`fallback` for one the Compare view does not show).
fn color(theme: &Theme, technique: Technique, fallback: egui::Color32) -> egui::Color32 {
    TECHNIQUES
        .iter()
        .position(|t| *t == technique)
        .and_then(|k| theme.techniques.get(k).copied())
        .unwrap_or(fallback)
}

impl Plots {
    /// Recomputes the series when the trace grew.
    pub fn update(&mut self, trace: &Trace, comparison: &Comparison) {
        if self.built_for == Some(trace.events.len()) {
            return;
        }
        self.built_for = Some(trace.events.len());
        let techniques: Vec<(u32, Technique)> = comparison
            .techniques
            .iter()
            .flat_map(|t| t.conns.iter().map(|&c| (c, t.technique)))
            .collect();
        self.bytes = series::cumulative_bytes(trace, &techniques);
        self.requests = series::cumulative_requests(trace, &techniques);
        self.latency = comparison
            .techniques
            .iter()
            .filter_map(|t| {
                let latencies: Vec<i64> = t
                    .delivered
                    .iter()
                    .filter_map(Delivered::latency_us)
                    .collect();
                Some((t.technique, series::spread(&latencies)?))
            })
            .collect();
    }

    /// Forgets the series (a new run).
    pub fn reset(&mut self) {
        *self = Plots::default();
    }

    /// The three plots, each its own item of the caller's wrapping row.
    pub fn ui(&self, ui: &mut Ui) {
        let lang = crate::ui::lang::current(ui.ctx());
        let theme = Theme::of(ui.ctx());
        let fallback = ui.visuals().text_color();
        let size = &theme.size;
        let (w, h) = (size.compare_plot_width, size.compare_plot_height);
        {
            for (id, title, series) in [
                ("compare-bytes", text::BYTES_PLOT, &self.bytes),
                ("compare-requests", text::REQUESTS_PLOT, &self.requests),
            ] {
                ui.vertical(|ui| {
                    ui.label(title.get(lang));
                    Plot::new(id)
                        .width(w)
                        .height(h)
                        .legend(Legend::default())
                        .x_axis_label(text::TIME_MS.get(lang))
                        .allow_scroll(false)
                        .show(ui, |plot| {
                            for s in series {
                                let name = text::technique(s.technique, lang);
                                plot.line(
                                    Line::new(name, s.points.clone())
                                        .color(color(theme, s.technique, fallback))
                                        .width(1.5)
                                        // Steps are vertical: no aggregated bands.
                                        .allow_band(false),
                                );
                            }
                        });
                });
            }
            ui.vertical(|ui| {
                ui.label(text::LATENCY_PLOT.get(lang));
                Plot::new("compare-latency")
                    .width(w)
                    .height(h)
                    .legend(Legend::default())
                    .allow_scroll(false)
                    .show_x(false)
                    .show(ui, |plot| {
                        for (k, (technique, s)) in self.latency.iter().enumerate() {
                            let name = text::technique(*technique, lang);
                            let spread = BoxSpread::new(s.min, s.q1, s.median, s.q3, s.max);
                            let c = color(theme, *technique, fallback);
                            plot.box_plot(
                                BoxPlot::new(
                                    name,
                                    vec![
                                        BoxElem::new(k as f64, spread)
                                            .name(name)
                                            .fill(c.gamma_multiply(0.4))
                                            .stroke(egui::Stroke::new(1.5, c))
                                            .box_width(0.5),
                                    ],
                                )
                                .color(c),
                            );
                        }
                    });
            });
        }
    }
}
