//! The Compare view: short polling, long polling, SSE and WebSocket side by side. The user
//! picks a workload (or a preset) and link conditions and presses Run; the lab runs four real
//! clients at once against its server, each receiving the same events from one event source
//! (`LabCommand::Compare`), and the view shows, all from the run's trace: four mini sequence
//! diagrams on one time axis ([`lanes`]), a metric card per technique ([`cards`]) and plots
//! ([`plots`]). The comparison exports as CSV or JSON (the JSON of `wirelab compare --json`).
//!
//! The view has its own lab (started at the first Run), so a comparison never mixes with the
//! Lab view's run.

pub(crate) mod cards;
mod controls;
mod lanes;
mod plots;
mod published;
pub mod text;

use std::time::{Duration, Instant};

use crate::analysis::compare::{Comparison, compare};
use crate::lab::compare::{CompareConfig, export, presets};
use crate::lab::{Lab, LabCommand, LabConfig, LabUpdate};
use crate::trace::{Source, Trace};
use crate::ui::command::{Command, SaveRequest};
use crate::ui::compare_scale::ScalePanel;
use crate::ui::detail::DetailView;
use crate::ui::status::StatusLine;
use crate::ui::theme::Theme;
use crate::ui::trace_pane::SidePane;

pub use controls::Controls;
use lanes::Lanes;
use plots::Plots;

/// How long one frame applies lab updates before it draws.
const DRAIN_BUDGET: Duration = Duration::from_millis(8);

/// What a run is doing.
#[derive(Clone, Debug, Default, PartialEq)]
enum RunState {
    /// No run yet.
    #[default]
    Idle,
    /// Sent to the lab, its trace not begun yet.
    Starting,
    /// Its trace is coming in.
    Running,
    /// All done.
    Finished,
    /// It failed (the trace so far stays).
    Failed(String),
}

/// The Compare view's state.
pub struct CompareView {
    config: LabConfig,
    /// Started at the first Run; its error is shown, never panicked on.
    lab: Option<Result<Lab, String>>,
    controls: Controls,
    state: RunState,
    /// How many events the run's source creates.
    total_events: usize,
    trace: Trace,
    comparison: Comparison,
    /// The trace length `comparison` was computed for.
    compared_for: usize,
    lanes: Lanes,
    plots: Plots,
    detail: DetailView,
    detail_pane: SidePane,
    status: Option<StatusLine>,
    /// The scale run's panel (`ui::compare_scale`), given by the app: its load generator is
    /// the app's own executable.
    scale: Option<ScalePanel>,
    /// What the current run was started with: its config and preset.
    run_config: Option<(CompareConfig, Option<&'static str>)>,
}

fn empty_trace() -> Trace {
    Trace::new(Source::default(), chrono::Utc::now())
}

impl CompareView {
    /// A view whose runs use a lab set up as `config` (started at the first Run).
    pub fn new(config: LabConfig) -> CompareView {
        CompareView {
            config,
            lab: None,
            controls: Controls::default(),
            state: RunState::Idle,
            total_events: 0,
            trace: empty_trace(),
            comparison: Comparison::default(),
            compared_for: 0,
            lanes: Lanes::default(),
            plots: Plots::default(),
            detail: DetailView::default(),
            detail_pane: SidePane::Collapsed,
            status: None,
            scale: None,
            run_config: None,
        }
    }

    /// Draws the scale run's panel in the "Scale run" section.
    pub fn set_scale_panel(&mut self, panel: ScalePanel) {
        self.scale = Some(panel);
    }

    /// The controls (workload, link, preset), to read or change.
    pub fn controls_mut(&mut self) -> &mut Controls {
        &mut self.controls
    }

    /// The run's trace.
    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    /// The comparison of the run's trace so far.
    pub fn comparison(&self) -> &Comparison {
        &self.comparison
    }

    /// Whether a run is going.
    pub fn is_running(&self) -> bool {
        matches!(self.state, RunState::Starting | RunState::Running)
    }

    /// Whether the last run finished.
    pub fn is_finished(&self) -> bool {
        self.state == RunState::Finished
    }

    /// Why the last run failed, or why the lab could not start.
    pub fn error(&self) -> Option<String> {
        match (&self.state, &self.lab) {
            (RunState::Failed(e), _) => Some(e.clone()),
            (_, Some(Err(e))) => Some(e.clone()),
            _ => None,
        }
    }

    /// Events created so far and in all, from the trace (its `source_event`s).
    pub fn progress(&self) -> (usize, usize) {
        (self.comparison.emitted.len(), self.total_events)
    }

    /// The selected event: its technique's lane and its index in the full trace.
    pub fn selected(&self) -> Option<(crate::analysis::metrics::Technique, usize)> {
        let (k, part) = self.lanes.selected()?;
        let lane = self.lanes.lanes.get(k)?;
        Some((lane.technique, lane.part.full_index_of(part)?))
    }

    /// Selects event `full` of the trace in `technique`'s diagram (`None` clears).
    pub fn select(&mut self, technique: crate::analysis::metrics::Technique, full: Option<usize>) {
        self.lanes.select_full(technique, full);
    }

    /// The push ids highlighted because the pointer is over a row delivering them.
    pub fn hovered_ids(&self) -> &[u64] {
        &self.lanes.hovered_ids
    }

    /// How many rows each technique's diagram highlights (the hovered server events).
    pub fn highlighted(&self) -> Vec<usize> {
        self.lanes
            .lanes
            .iter()
            .map(|l| l.timeline.highlight.len())
            .collect()
    }

    /// The rows each technique's diagram shows (event count per lane), for tests.
    pub fn lane_rows(&self) -> Vec<usize> {
        self.lanes
            .lanes
            .iter()
            .map(|l| l.timeline.rows().rows.len())
            .collect()
    }

    /// Replaces the trace (a finished run, or one loaded elsewhere) and recomputes.
    pub fn set_trace(&mut self, trace: Trace) {
        self.trace = trace;
        self.lanes.reset();
        self.plots.reset();
        self.compared_for = usize::MAX;
        self.refresh();
    }

    /// Starts a run with the controls' workload (the Run button).
    pub fn run(&mut self, repaint: Option<Box<dyn Fn() + Send + Sync>>) {
        if self.is_running() {
            return;
        }
        let lab = self.lab.get_or_insert_with(|| {
            Lab::start(self.config.clone(), repaint).map_err(|e| format!("{e:#}"))
        });
        let Ok(lab) = lab else {
            return;
        };
        let config = self.controls.compare_config();
        self.run_config = Some((config, self.controls.preset));
        self.total_events = config.workload.events as usize;
        lab.send(LabCommand::Compare(config));
        self.state = RunState::Starting;
        self.status = None;
        self.detail = DetailView::default();
        self.set_trace(empty_trace());
    }

    /// Applies waiting lab updates for at most [`DRAIN_BUDGET`].
    pub fn drain(&mut self, ctx: &egui::Context) {
        let start = Instant::now();
        let mut changed = false;
        loop {
            let update = match &self.lab {
                Some(Ok(lab)) => lab.try_recv(),
                _ => None,
            };
            let Some(update) = update else { break };
            changed |= self.apply(update);
            if start.elapsed() >= DRAIN_BUDGET {
                ctx.request_repaint();
                break;
            }
        }
        if changed {
            self.refresh();
        }
    }

    /// Applies one update; whether the trace changed.
    fn apply(&mut self, update: LabUpdate) -> bool {
        match update {
            LabUpdate::RunStarted { trace, .. } if self.state == RunState::Starting => {
                self.set_trace(trace);
                self.state = RunState::Running;
                true
            }
            LabUpdate::Trace(u) if self.state == RunState::Running => {
                self.trace.apply(u);
                true
            }
            LabUpdate::Finished if self.state == RunState::Running => {
                self.state = RunState::Finished;
                true
            }
            LabUpdate::Failed(e) if self.is_running() => {
                self.state = RunState::Failed(e);
                true
            }
            _ => false,
        }
    }

    /// Recomputes the comparison, the lanes and the plots for the trace as it is now.
    fn refresh(&mut self) {
        if self.compared_for != self.trace.events.len() {
            self.comparison = compare(&self.trace);
            self.compared_for = self.trace.events.len();
        }
        self.lanes.update(&self.trace, &self.comparison);
        self.plots.update(&self.trace, &self.comparison);
    }

    /// Saves the comparison as `what` (CSV or JSON) to `to`.
    pub fn save(&mut self, what: SaveRequest, to: &std::path::Path) {
        // What the run was started with, not what the controls say now.
        let (config, preset) = self
            .run_config
            .unwrap_or((self.controls.compare_config(), self.controls.preset));
        let preset = preset.and_then(presets::preset);
        let written = match what {
            SaveRequest::CompareCsv => Ok(export::to_csv(&self.comparison)),
            _ => serde_json::to_string_pretty(&export::to_json(
                &self.trace,
                &self.comparison,
                &config,
                preset,
            ))
            .map_err(|e| e.to_string()),
        }
        .and_then(|text| std::fs::write(to, text).map_err(|e| e.to_string()));
        self.status = Some(match written {
            Ok(()) => StatusLine::info(text::saved(to)),
            Err(e) => StatusLine::error(text::save_failed(to, &e)),
        });
    }

    /// The view's rows under the top bar: the controls, Run, export and the progress.
    pub fn rows_ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        let lang = crate::ui::lang::current(ui.ctx());
        let running = self.is_running();
        ui.add_enabled_ui(!running, |ui| self.controls.ui(ui));
        ui.horizontal_wrapped(|ui| {
            if ui
                .add_enabled(!running, egui::Button::new(text::RUN.get(lang)))
                .on_hover_text(text::RUN_HINT.get(lang))
                .clicked()
            {
                commands.push(Command::RunCompare);
            }
            let has_result = !self.trace.events.is_empty() && !running;
            for (label, what) in [
                (text::SAVE_CSV, SaveRequest::CompareCsv),
                (text::SAVE_JSON, SaveRequest::CompareJson),
            ] {
                if ui
                    .add_enabled(has_result, egui::Button::new(label.get(lang)))
                    .on_hover_text(text::SAVE_HINT.get(lang))
                    .clicked()
                {
                    commands.push(Command::ChooseSaveTarget(what));
                }
            }
            let (emitted, total) = self.progress();
            if running || total > 0 {
                let fraction = if total == 0 {
                    0.0
                } else {
                    emitted as f32 / total as f32
                };
                ui.add(
                    egui::ProgressBar::new(fraction)
                        .desired_width(Theme::of(ui.ctx()).size.progress_width)
                        .text(text::progress(emitted, total, lang)),
                );
            }
            if let Some(e) = self.error() {
                let shown = match &self.state {
                    RunState::Failed(_) => text::failed(&e, lang),
                    _ => text::lab_error(&e, lang),
                };
                ui.colored_label(Theme::of(ui.ctx()).error, shown);
            }
            if let Some(status) = &self.status {
                status.ui(ui);
            }
        });
    }

    /// The body: the detail pane on the right, the metrics and plots below, the four
    /// diagrams in the rest.
    pub fn body_ui(&mut self, ui: &mut egui::Ui) {
        let lang = crate::ui::lang::current(ui.ctx());
        let theme = Theme::of(ui.ctx());
        let running = self.is_running();
        self.detail_ui(ui);
        let height = ui.available_height();
        egui::Panel::bottom("compare-metrics")
            .resizable(true)
            .default_size(height * 0.42)
            .show(ui, |ui| {
                // Vertical only: the cards and plots wrap to the panel's width.
                egui::ScrollArea::vertical()
                    .id_salt("compare-metrics-scroll")
                    .auto_shrink([false, false])
                    .show(ui, |ui| {
                        cards::cards_ui(ui, &self.comparison, &self.trace);
                        ui.add_space(6.0);
                        ui.horizontal_wrapped(|ui| self.plots.ui(ui));
                        if let Some((config, Some(name))) = &self.run_config
                            && let Some(preset) = presets::preset(name)
                        {
                            ui.add_space(6.0);
                            published::published_ui(
                                ui,
                                preset,
                                config,
                                &self.trace,
                                &self.comparison,
                            );
                        }
                        ui.add_space(6.0);
                        // The scale run (issue 9, item 3) has its own panel, wired in by
                        // the app: `CompareView::set_scale_panel`.
                        egui::CollapsingHeader::new(text::SCALE.get(lang))
                            .id_salt("compare-scale")
                            .show(ui, |ui| match &mut self.scale {
                                Some(panel) => panel.ui(ui),
                                None => {
                                    ui.weak(text::SCALE_PENDING.get(lang));
                                }
                            });
                    });
            });
        egui::CentralPanel::default().show(ui, |ui| {
            if self.trace.events.is_empty() && !running {
                ui.add_space(12.0);
                ui.label(text::EMPTY.get(lang));
                return;
            }
            let columns = self.lanes.lanes.len().max(1) as f32;
            let gap = ui.spacing().item_spacing.x;
            let fit = (ui.available_width() - gap * (columns - 1.0)) / columns;
            let width = fit.max(theme.size.compare_column_min).floor();
            let height = ui.available_height();
            egui::ScrollArea::horizontal()
                .id_salt("compare-lanes-scroll")
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    let before = self.lanes.selected();
                    self.lanes.ui(ui, &self.comparison, running, width, height);
                    // A click on an arrow opens the detail pane.
                    let now = self.lanes.selected();
                    if now.is_some() && now != before {
                        self.detail_pane = SidePane::Open;
                    }
                });
        });
    }

    /// The detail pane of the selected event (right), or its collapsed strip.
    fn detail_ui(&mut self, ui: &mut egui::Ui) {
        let lang = crate::ui::lang::current(ui.ctx());
        let theme = Theme::of(ui.ctx());
        let available = ui.available_width();
        let max_detail = theme.detail_max(available).max(theme.size.detail_min);
        match self.detail_pane {
            SidePane::Open => {
                egui::Panel::right("compare-detail")
                    .resizable(true)
                    .default_size(theme.size.pane_detail_width.min(max_detail))
                    .size_range(theme.size.detail_min..=max_detail)
                    .show(ui, |ui| {
                        ui.horizontal(|ui| {
                            ui.strong(text::DETAIL.get(lang));
                            ui.with_layout(
                                egui::Layout::right_to_left(egui::Align::Center),
                                |ui| {
                                    if ui.small_button(text::HIDE.get(lang)).clicked() {
                                        self.detail_pane = SidePane::Collapsed;
                                    }
                                },
                            );
                        });
                        ui.separator();
                        let Some((k, part)) = self.lanes.selected() else {
                            ui.weak(text::DETAIL_HINT.get(lang));
                            return;
                        };
                        let Some(lane) = self.lanes.lanes.get_mut(k) else {
                            return;
                        };
                        let jump =
                            self.detail
                                .ui(ui, &lane.part.trace, lane.timeline.rows(), Some(part));
                        if let Some(e) = jump {
                            lane.timeline.select(Some(e));
                        }
                    });
            }
            SidePane::Collapsed => {
                egui::Panel::right("compare-detail-strip")
                    .resizable(false)
                    .exact_size(theme.size.detail_strip)
                    .show(ui, |ui| {
                        if ui.small_button("«").clicked() {
                            self.detail_pane = SidePane::Open;
                        }
                    });
            }
        }
    }
}
