//! The GUI (eframe/egui): the Lab view — a top bar (scenario, Run, Step, Reset), the sequence
//! diagram ([`timeline`]) and the detail pane ([`detail`]).
//!
//! The app never blocks: the lab runs on its own thread and sends [`LabUpdate`]s over a
//! channel; each frame drains them within a small time budget and asks for another frame when
//! more are waiting.

mod detail;
pub mod explain;
pub mod rows;
pub mod sample;
mod timeline;
pub mod timeline_layout;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use egui::{Color32, RichText};

use crate::lab::{Lab, LabCommand, LabConfig, LabUpdate, RunMode, ScenarioInfo, scenarios};
use crate::trace::{Source, Trace};

/// How long a frame may spend applying lab updates before painting.
const DRAIN_BUDGET: Duration = Duration::from_millis(8);

/// What the GUI starts with.
#[derive(Clone, Debug, Default)]
pub struct GuiOptions {
    /// How the lab is set up (bind address, pace).
    pub lab: LabConfig,
    /// A trace JSON file to show instead of an empty diagram.
    pub open: Option<PathBuf>,
    /// The scenario to preselect.
    pub scenario: Option<String>,
}

/// Opens the wirelab window and runs until it is closed.
pub fn run_gui(options: GuiOptions) -> anyhow::Result<()> {
    let native = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("wirelab")
            .with_inner_size([1400.0, 900.0])
            .with_min_inner_size([800.0, 500.0]),
        ..Default::default()
    };
    eframe::run_native(
        "wirelab",
        native,
        Box::new(move |cc| Ok(Box::new(WirelabApp::new(&cc.egui_ctx, options)))),
    )
    .map_err(|e| anyhow::anyhow!("could not open the window: {e}"))
}

/// Which view the top bar shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum View {
    Lab,
}

/// The state of the current lab run, as reported by the lab.
#[derive(Clone, Debug, Default)]
struct RunState {
    /// Whether a run exists (started and not reset).
    active: bool,
    mode: Option<RunMode>,
    stages: Vec<String>,
    /// Stages finished.
    done: usize,
    /// A stage is running (Step pressed, StageDone not yet received).
    busy: bool,
    /// The next stage's label, when known.
    next: Option<String>,
    finished: bool,
    failed: Option<String>,
    /// Start was sent, RunStarted not yet received: updates of the old run are dropped.
    awaiting_start: bool,
    /// Step presses made before RunStarted arrived.
    pending_steps: usize,
}

/// The application: one per window (also usable headless from egui_kittest).
pub struct WirelabApp {
    lab: Result<Lab, String>,
    scenarios: Vec<ScenarioInfo>,
    scenario: String,
    view: View,
    trace: Trace,
    run: RunState,
    timeline: timeline::TimelineView,
    detail: detail::DetailView,
    file_path: String,
    status: Option<(String, bool)>,
}

impl WirelabApp {
    /// Starts the lab (its errors are shown in the window, never panicked on) and opens
    /// `options.open` if given.
    pub fn new(ctx: &egui::Context, options: GuiOptions) -> WirelabApp {
        let repaint_ctx = ctx.clone();
        let lab = Lab::start(
            options.lab.clone(),
            Some(Box::new(move || repaint_ctx.request_repaint())),
        )
        .map_err(|e| format!("{e:#}"));
        let scenarios = scenarios();
        let scenario = options
            .scenario
            .clone()
            .or_else(|| {
                scenarios
                    .iter()
                    .find(|s| s.name == "ws-echo")
                    .or(scenarios.first())
                    .map(|s| s.name.to_string())
            })
            .unwrap_or_else(|| "ws-echo".to_string());
        let mut app = WirelabApp {
            lab,
            scenarios,
            scenario,
            view: View::Lab,
            trace: Trace::new(Source::default(), chrono::Utc::now()),
            run: RunState::default(),
            timeline: timeline::TimelineView::default(),
            detail: detail::DetailView::default(),
            file_path: "trace.json".to_string(),
            status: None,
        };
        if let Some(path) = &options.open {
            app.file_path = path.display().to_string();
            app.open_file();
        }
        app
    }

    /// The trace shown.
    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    /// Replaces the trace shown (e.g. one built by hand or loaded elsewhere).
    pub fn set_trace(&mut self, trace: Trace) {
        self.trace = trace;
        self.run = RunState::default();
        self.timeline.trace_replaced();
    }

    /// How many stages of the current run have finished.
    pub fn completed_stages(&self) -> usize {
        self.run.done
    }

    /// Whether the current run finished (all stages done).
    pub fn is_finished(&self) -> bool {
        self.run.finished
    }

    /// Whether a stage is running right now.
    pub fn is_busy(&self) -> bool {
        self.run.busy
            || self.run.awaiting_start
            || (self.run.active
                && self.run.mode == Some(RunMode::Run)
                && !self.run.finished
                && self.run.failed.is_none())
    }

    /// The failure of the current run, or the lab's start error.
    pub fn error(&self) -> Option<String> {
        match &self.lab {
            Err(e) => Some(e.clone()),
            Ok(_) => self.run.failed.clone(),
        }
    }

    /// The selected event (index into the trace).
    pub fn selected(&self) -> Option<usize> {
        self.timeline.selected
    }

    /// Selects an event (index into the trace) and scrolls to it.
    pub fn select(&mut self, event: Option<usize>) {
        self.timeline.select(event);
    }

    /// The diagram's zoom, in pixels per millisecond.
    pub fn px_per_ms(&self) -> f32 {
        self.timeline.params.px_per_ms
    }

    /// The Step button's text: it names the stage the next press runs.
    pub fn step_label(&self) -> String {
        if self.run.active && self.run.mode == Some(RunMode::Step) {
            match (&self.run.next, self.run.finished) {
                (_, true) => "Step (done)".to_string(),
                (Some(next), false) => format!("Step: {next}"),
                (None, false) => match self.run.stages.get(self.run.done) {
                    Some(s) => format!("Step: {s}"),
                    None => "Step".to_string(),
                },
            }
        } else {
            format!("Step: start {}", self.scenario)
        }
    }

    fn send(&mut self, cmd: LabCommand) {
        if let Ok(lab) = &self.lab {
            lab.send(cmd);
        }
    }

    fn start(&mut self, mode: RunMode) {
        let scenario = self.scenario.clone();
        self.send(LabCommand::Start { scenario, mode });
        self.run = RunState {
            active: true,
            mode: Some(mode),
            awaiting_start: true,
            ..RunState::default()
        };
        self.timeline.follow = true;
        self.status = None;
    }

    fn press_run(&mut self) {
        self.start(RunMode::Run);
    }

    fn press_step(&mut self) {
        let stepping = self.run.active
            && self.run.mode == Some(RunMode::Step)
            && !self.run.finished
            && self.run.failed.is_none();
        if !stepping {
            self.start(RunMode::Step);
        }
        self.run.busy = true;
        self.timeline.follow = true;
        if self.run.awaiting_start {
            self.run.pending_steps += 1;
        } else {
            self.send(LabCommand::Step);
        }
    }

    fn press_reset(&mut self) {
        self.send(LabCommand::Reset);
        self.run = RunState::default();
        self.trace = Trace::new(Source::default(), chrono::Utc::now());
        self.timeline.trace_replaced();
        self.status = None;
    }

    /// Applies waiting lab updates for at most [`DRAIN_BUDGET`].
    fn drain(&mut self, ctx: &egui::Context) {
        let start = Instant::now();
        loop {
            let update = match &self.lab {
                Ok(lab) => lab.try_recv(),
                Err(_) => None,
            };
            let Some(update) = update else { break };
            self.apply(update);
            if start.elapsed() >= DRAIN_BUDGET {
                ctx.request_repaint();
                break;
            }
        }
    }

    fn apply(&mut self, update: LabUpdate) {
        match update {
            LabUpdate::RunStarted {
                scenario,
                mode,
                trace,
                stages,
            } => {
                if !self.run.active {
                    // A run we reset locally; the lab will drop it too.
                    return;
                }
                self.scenario = scenario;
                self.trace = trace;
                self.timeline.trace_replaced();
                let pending = std::mem::take(&mut self.run.pending_steps);
                self.run = RunState {
                    active: true,
                    mode: Some(mode),
                    next: stages.first().cloned(),
                    stages,
                    busy: pending > 0,
                    ..RunState::default()
                };
                for _ in 0..pending {
                    self.send(LabCommand::Step);
                }
            }
            _ if self.run.awaiting_start || !self.run.active => {}
            LabUpdate::Trace(u) => self.trace.apply(u),
            LabUpdate::StageStarted { .. } => {
                if self.run.mode == Some(RunMode::Step) {
                    self.run.busy = true;
                }
            }
            LabUpdate::StageDone { index, next, .. } => {
                self.run.done = self.run.done.max(index + 1);
                self.run.busy = false;
                self.run.finished = next.is_none() && self.run.done >= self.run.stages.len();
                self.run.next = next;
            }
            LabUpdate::Finished => {
                self.run.finished = true;
                self.run.busy = false;
                self.run.next = None;
            }
            LabUpdate::Failed(e) => {
                self.run.failed = Some(e);
                self.run.busy = false;
            }
            // Packet or socket capture: shown by the GUI once it reads this (see lab docs).
            LabUpdate::CaptureMode { .. } => {}
        }
    }

    fn open_file(&mut self) {
        let path = self.file_path.trim().to_string();
        match std::fs::read_to_string(&path)
            .map_err(|e| e.to_string())
            .and_then(|text| Trace::from_json(&text).map_err(|e| e.to_string()))
        {
            Ok(mut trace) => {
                if trace.source.file.is_none() {
                    trace.source.file = Some(path.clone());
                }
                if self.run.active {
                    self.send(LabCommand::Reset);
                }
                self.set_trace(trace);
                self.status = Some((format!("opened {path}"), false));
            }
            Err(e) => self.status = Some((format!("could not open {path}: {e}"), true)),
        }
    }

    fn save_file(&mut self) {
        let path = self.file_path.trim().to_string();
        self.status = Some(match std::fs::write(&path, self.trace.to_json()) {
            Ok(()) => (
                format!("saved {} events to {path}", self.trace.events.len()),
                false,
            ),
            Err(e) => (format!("could not save {path}: {e}"), true),
        });
    }

    fn top_bar(&mut self, ui: &mut egui::Ui) {
        ui.horizontal_wrapped(|ui| {
            ui.strong("wirelab");
            ui.separator();
            ui.selectable_value(&mut self.view, View::Lab, "Lab");
            ui.separator();
            let summary = self
                .scenarios
                .iter()
                .find(|s| s.name == self.scenario)
                .map(|s| s.summary)
                .unwrap_or("");
            let busy = self.is_busy();
            ui.add_enabled_ui(!busy, |ui| {
                egui::ComboBox::from_id_salt("scenario")
                    .selected_text(self.scenario.clone())
                    .width(150.0)
                    .show_ui(ui, |ui| {
                        for s in &self.scenarios {
                            ui.selectable_value(&mut self.scenario, s.name.to_string(), s.name)
                                .on_hover_text(s.summary);
                        }
                    })
                    .response
                    .on_hover_text(summary);
            });
            let lab_ok = self.lab.is_ok();
            if ui
                .add_enabled(lab_ok && !busy, egui::Button::new("Run"))
                .on_hover_text("Run every stage")
                .clicked()
            {
                self.press_run();
            }
            let step_enabled =
                lab_ok && !busy && !(self.run.finished && self.run.mode == Some(RunMode::Step));
            let step_label = self.step_label();
            if ui
                .add_enabled(step_enabled, egui::Button::new(&step_label))
                .on_hover_text("Run exactly one stage")
                .clicked()
            {
                self.press_step();
            }
            if ui.add_enabled(lab_ok, egui::Button::new("Reset")).clicked() {
                self.press_reset();
            }
            ui.separator();
            match &self.lab {
                Ok(lab) => {
                    let addr = lab.server_addr();
                    ui.label(format!("server {addr}"));
                    ui.hyperlink_to("demo page", format!("http://{addr}/"))
                        .on_hover_text("Open it in a browser: its WebSocket is traced too");
                }
                Err(e) => {
                    ui.colored_label(
                        Color32::from_rgb(230, 70, 60),
                        format!("lab unavailable: {e}"),
                    );
                }
            }
            ui.separator();
            ui.weak("observed at the socket");
        });
        ui.horizontal_wrapped(|ui| {
            ui.checkbox(
                &mut self.timeline.params.collapse_gaps,
                "collapse idle gaps",
            );
            ui.checkbox(&mut self.timeline.show_frames, "show frames");
            ui.checkbox(&mut self.timeline.follow, "follow");
            if ui.small_button("-").on_hover_text("zoom out (-)").clicked() {
                self.timeline.params.zoom_by(0.8);
            }
            if ui.small_button("+").on_hover_text("zoom in (+)").clicked() {
                self.timeline.params.zoom_by(1.25);
            }
            ui.separator();
            let label = ui.label("trace file");
            ui.add(egui::TextEdit::singleline(&mut self.file_path).desired_width(220.0))
                .labelled_by(label.id);
            if ui.button("Open trace…").clicked() {
                self.open_file();
            }
            if ui.button("Save trace").clicked() {
                self.save_file();
            }
        });
        ui.horizontal(|ui| {
            let stages = if self.run.stages.is_empty() {
                String::new()
            } else {
                format!("stage {}/{}", self.run.done, self.run.stages.len())
            };
            let state = if let Some(e) = &self.run.failed {
                RichText::new(format!("run failed: {e}")).color(Color32::from_rgb(230, 70, 60))
            } else if self.run.finished {
                RichText::new(format!("finished · {stages}"))
            } else if self.run.active && self.run.mode == Some(RunMode::Step) && !self.run.busy {
                RichText::new(format!(
                    "stepping · {stages} · press Step for the next stage"
                ))
            } else if self.run.active {
                RichText::new(format!("running · {stages}"))
            } else {
                RichText::new("")
            };
            ui.label(state);
            ui.weak(format!("{} events", self.trace.events.len()));
            if let Some((msg, is_err)) = &self.status {
                if *is_err {
                    ui.colored_label(Color32::from_rgb(230, 70, 60), msg);
                } else {
                    ui.weak(msg);
                }
            }
        });
    }
}

impl eframe::App for WirelabApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.drain(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::Panel::top("top-bar").show(ui, |ui| {
            ui.add_space(2.0);
            self.top_bar(ui);
            ui.add_space(2.0);
        });
        let mut jump = None;
        let max_detail = (ui.available_width() * 0.6).max(300.0);
        egui::Panel::right("detail")
            .resizable(true)
            .default_size(540.0)
            .size_range(260.0..=max_detail)
            .show(ui, |ui| {
                jump = self.detail.ui(
                    ui,
                    &self.trace,
                    self.timeline.rows(),
                    self.timeline.selected,
                );
            });
        egui::CentralPanel::default().show(ui, |ui| match self.view {
            View::Lab => {
                let running = self.run.active && !self.run.finished && self.run.failed.is_none();
                self.timeline.ui(ui, &self.trace, running);
            }
        });
        if let Some(e) = jump {
            self.timeline.select(Some(e));
        }
        // Selected event may have disappeared (e.g. reset).
        if let Some(sel) = self.timeline.selected
            && sel >= self.trace.events.len()
        {
            self.timeline.selected = None;
        }
    }
}
