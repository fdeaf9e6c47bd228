//! The GUI (eframe/egui), three views sharing one sequence diagram ([`timeline`]) and one
//! detail pane ([`detail`]):
//! - **Lab** (default): a top bar (scenario, Run, Step, Reset) driving the lab.
//! - **Capture**: live capture on an interface ([`capture_view`]).
//! - **File**: a capture file (pcap, pcapng) or a saved trace, opened with File ▸ Open…, by
//!   dropping it on the window or with `--open`, read on a background thread ([`loader`]).
//!
//! Capture and File list their TCP connections ([`crate::analysis::connections`], [`trace_pane`]); picking one
//! shows its diagram. The app never blocks: the lab, a capture and a file being read run on
//! their own threads; each frame drains their updates within a small time budget and asks for
//! another frame when more are waiting.

pub mod capture_view;
mod detail;
mod file_dialog;
pub mod loader;
mod timeline;
pub mod trace_pane;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use egui::{Color32, RichText};

use crate::lab::{Lab, LabCommand, LabConfig, LabUpdate, RunMode, ScenarioInfo, scenarios};
use crate::trace::{Source, Trace};
use capture_view::{CaptureView, SaveRequest, one_line, repaint_notifier, save_json};
use file_dialog::{DialogMode, FileDialog};
use loader::{FileKind, LoadEvent, Loader};
use trace_pane::TracePane;

/// What the empty File view says.
const FILE_HINT: &str = "Open a capture (.pcap, .pcapng) or a saved trace: Open…, drop the file on the window, or --open FILE.";

/// How long a frame may spend applying lab updates before painting.
const DRAIN_BUDGET: Duration = Duration::from_millis(8);

/// What the GUI starts with.
#[derive(Clone, Debug, Default)]
pub struct GuiOptions {
    /// How the lab is set up (bind address, pace).
    pub lab: LabConfig,
    /// A file to open at start in the File view: a capture (pcap, pcapng) or a trace JSON,
    /// recognised by its content.
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

/// Which view the window shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// The lab: scenarios run on 127.0.0.1.
    Lab,
    /// Live capture.
    Capture,
    /// A capture file or saved trace.
    File,
}

/// What the file dialog is open for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Purpose {
    Open,
    Save(SaveRequest),
}

/// The File view's state.
struct FileView {
    pane: TracePane,
    loader: Option<Loader>,
    /// What is shown: the file, its kind, its packet counts, whether payloads were kept.
    loaded: Option<(
        PathBuf,
        FileKind,
        Option<crate::capture::file::FileStats>,
        bool,
    )>,
    /// How long the last file took to read and to prepare.
    timings: Option<(Duration, Duration)>,
    /// Why the last file could not be opened, in one line.
    error: Option<String>,
    status: Option<(String, bool)>,
    /// The pane shows a preview of the file being read (the rest is coming).
    previewing: bool,
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
    status: Option<(String, bool)>,
    file: FileView,
    capture: CaptureView,
    dialog: Option<(Purpose, FileDialog)>,
    last_dir: Option<PathBuf>,
    /// Whether the lab captures packets, and why not (from [`LabUpdate::CaptureMode`]).
    lab_capture: Option<(bool, Option<String>)>,
    /// Asks for a repaint from the reader threads.
    notify: std::sync::Arc<dyn Fn() + Send + Sync>,
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
            status: None,
            file: FileView {
                pane: TracePane::new("file", false, FILE_HINT),
                loader: None,
                loaded: None,
                timings: None,
                error: None,
                status: None,
                previewing: false,
            },
            capture: CaptureView::default(),
            dialog: None,
            last_dir: None,
            lab_capture: None,
            notify: repaint_notifier(ctx),
        };
        if let Some(path) = &options.open {
            app.open_path(path);
        }
        app
    }

    /// The lab server's address, when the lab runs.
    pub fn lab_server(&self) -> Option<std::net::SocketAddr> {
        self.lab.as_ref().ok().map(Lab::server_addr)
    }

    /// The view shown.
    pub fn view(&self) -> View {
        self.view
    }

    /// Shows another view.
    pub fn set_view(&mut self, view: View) {
        self.view = view;
    }

    /// Opens a capture file (pcap, pcapng) or a trace JSON in the File view, on a background
    /// thread: what File ▸ Open…, dropping a file and `--open` do.
    pub fn open_path(&mut self, path: &Path) {
        if let Some(old) = &self.file.loader {
            // Only the newest file is read.
            old.cancel();
        }
        self.view = View::File;
        self.file.error = None;
        self.file.status = None;
        self.file.previewing = false;
        self.file.timings = None;
        if let Some(dir) = path.parent() {
            self.last_dir = Some(dir.to_path_buf());
        }
        self.file.loader = Some(Loader::start(path.to_path_buf(), self.notify.clone()));
    }

    /// Whether a file is being read.
    pub fn is_loading(&self) -> bool {
        self.file.loader.is_some()
    }

    /// Why the last file could not be opened (one line).
    pub fn file_error(&self) -> Option<&str> {
        self.file.error.as_deref()
    }

    /// The File view's trace, list and diagram.
    pub fn file_pane(&self) -> &TracePane {
        &self.file.pane
    }

    /// The File view's trace, list and diagram, to change.
    pub fn file_pane_mut(&mut self) -> &mut TracePane {
        &mut self.file.pane
    }

    /// The Capture view.
    pub fn capture(&self) -> &CaptureView {
        &self.capture
    }

    /// The Capture view, to change.
    pub fn capture_mut(&mut self) -> &mut CaptureView {
        &mut self.capture
    }

    /// What the lab said about packet capture: `(packets used, why not)`.
    pub fn lab_capture_mode(&self) -> Option<(bool, Option<&str>)> {
        self.lab_capture
            .as_ref()
            .map(|(p, why)| (*p, why.as_deref()))
    }

    /// Takes what the file's reader reported: a preview of a long read, then the result.
    fn poll_loader(&mut self) {
        let Some(event) = self.file.loader.as_mut().and_then(Loader::poll) else {
            return;
        };
        let (loaded, finished) = match event {
            LoadEvent::Preview(loaded) => (loaded, false),
            LoadEvent::Done(Ok(loaded)) => (loaded, true),
            LoadEvent::Done(Err(e)) => {
                self.file.loader = None;
                self.file.previewing = false;
                self.file.error = Some(one_line(&e));
                return;
            }
        };
        if finished {
            self.file.loader = None;
            self.file.timings = Some(loaded.timings);
        }
        // The finished trace continues the preview's: keep the reader's place in it.
        let grows = std::mem::replace(&mut self.file.previewing, !finished);
        match loaded.prepared {
            Some((rows, index)) if grows => self.file.pane.grow_prepared(loaded.trace, rows, index),
            Some((rows, index)) => self.file.pane.set_prepared(loaded.trace, rows, index),
            None => self.file.pane.set_trace(loaded.trace),
        }
        self.file.loaded = Some((loaded.path, loaded.kind, loaded.stats, loaded.streams_kept));
        self.file.error = None;
    }

    fn open_dialog(&mut self, purpose: Purpose) {
        let (mode, title, exts, name): (_, _, &[&'static str], String) = match purpose {
            Purpose::Open => (
                DialogMode::Open,
                "Open a capture file or trace",
                &["pcap", "pcapng", "cap", "json"],
                String::new(),
            ),
            Purpose::Save(SaveRequest::CapturePcapng) => (
                DialogMode::Save,
                "Save the capture (pcapng)",
                &["pcapng"],
                self.capture
                    .captured_file()
                    .and_then(|p| p.file_name())
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "capture.pcapng".into()),
            ),
            Purpose::Save(_) => (
                DialogMode::Save,
                "Save the trace (JSON)",
                &["json"],
                "trace.json".to_string(),
            ),
        };
        let mut dialog = FileDialog::new(mode, title, exts);
        let dir = self
            .last_dir
            .clone()
            .or_else(|| std::env::current_dir().ok());
        dialog.open(dir.as_deref(), &name);
        self.dialog = Some((purpose, dialog));
    }

    fn dialog_ui(&mut self, ctx: &egui::Context) {
        let Some((purpose, dialog)) = &mut self.dialog else {
            return;
        };
        let purpose = *purpose;
        let picked = dialog.show(ctx);
        let closed = !dialog.is_open();
        if closed {
            self.dialog = None;
        }
        let Some(path) = picked else { return };
        if let Some(dir) = path.parent() {
            self.last_dir = Some(dir.to_path_buf());
        }
        match purpose {
            Purpose::Open => self.open_path(&path),
            Purpose::Save(SaveRequest::LabJson) => {
                self.status = Some(save_json(&self.trace, &path));
            }
            Purpose::Save(SaveRequest::FileJson) => {
                self.file.status = Some(save_json(self.file.pane.trace(), &path));
            }
            Purpose::Save(SaveRequest::CaptureJson) => self.capture.save_json(&path),
            Purpose::Save(SaveRequest::CapturePcapng) => self.capture.save_pcapng(&path),
        }
    }

    /// Files dropped on the window are opened; while one hovers, say what will happen.
    fn dropped_files(&mut self, ui: &mut egui::Ui) {
        let (dropped, hovering) = ui.ctx().input(|i| {
            (
                i.raw.dropped_files.first().map(|f| f.path().to_path_buf()),
                !i.raw.hovered_files.is_empty(),
            )
        });
        if let Some(path) = dropped {
            self.open_path(&path);
        }
        if hovering {
            let rect = ui.ctx().content_rect();
            let painter = ui.ctx().layer_painter(egui::LayerId::new(
                egui::Order::Foreground,
                egui::Id::unique("wirelab-drop"),
            ));
            painter.rect_filled(rect, 0.0, Color32::from_black_alpha(170));
            painter.text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                "Drop a .pcap, .pcapng or trace .json file to open it",
                egui::FontId::proportional(22.0),
                Color32::WHITE,
            );
        }
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
            LabUpdate::CaptureMode { packets, reason } => {
                self.lab_capture = Some((packets, reason));
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
        }
    }

    /// The first row: the view tabs and File ▸ Open…, then the current view's own controls.
    fn top_bar(&mut self, ui: &mut egui::Ui, save: &mut Option<SaveRequest>) {
        ui.horizontal_wrapped(|ui| {
            ui.strong("wirelab");
            ui.separator();
            ui.selectable_value(&mut self.view, View::Lab, "Lab");
            ui.selectable_value(&mut self.view, View::Capture, "Capture")
                .on_hover_text("Live capture on an interface");
            ui.selectable_value(&mut self.view, View::File, "File")
                .on_hover_text("A capture file or a saved trace");
            ui.separator();
            if ui
                .button("Open…")
                .on_hover_text(
                    "Open a capture (.pcap, .pcapng) or a saved trace (.json); you can also drop a file on the window",
                )
                .clicked()
            {
                self.open_dialog(Purpose::Open);
            }
            ui.separator();
            match self.view {
                View::Lab => self.lab_bar(ui),
                View::File => self.file_bar(ui, save),
                View::Capture => {}
            }
        });
        match self.view {
            View::Lab => {
                ui.horizontal_wrapped(|ui| {
                    diagram_options(ui, &mut self.timeline);
                    ui.separator();
                    if ui
                        .add_enabled(
                            !self.trace.events.is_empty(),
                            egui::Button::new("Save trace JSON…"),
                        )
                        .clicked()
                    {
                        *save = Some(SaveRequest::LabJson);
                    }
                });
                self.lab_status(ui);
            }
            View::File => {
                self.file_status(ui);
                ui.horizontal_wrapped(|ui| diagram_options(ui, &mut self.file.pane.timeline));
            }
            View::Capture => {
                self.capture.controls_ui(ui, save);
                ui.horizontal_wrapped(|ui| diagram_options(ui, &mut self.capture.pane.timeline));
                self.capture.banner_ui(ui);
            }
        }
    }

    fn lab_bar(&mut self, ui: &mut egui::Ui) {
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
        match &self.lab_capture {
            Some((true, _)) => {
                ui.label(RichText::new("packets + socket").color(Color32::from_rgb(60, 170, 80)))
                    .on_hover_text(
                        "TCP packets on the loopback (SYN, SYN-ACK, ACK, FIN with seq/ack) merged with \
                         what the lab's socket tap saw",
                    );
            }
            Some((false, reason)) => {
                ui.weak("observed at the socket").on_hover_text(
                    reason
                        .clone()
                        .unwrap_or_else(|| "the socket tap alone was asked for".into()),
                );
            }
            None => {
                ui.weak("observed at the socket").on_hover_text(
                    "The lab's socket tap records connect/accept, every byte read and written, and the close",
                );
            }
        }
    }

    fn lab_status(&mut self, ui: &mut egui::Ui) {
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

    fn file_bar(&mut self, ui: &mut egui::Ui, save: &mut Option<SaveRequest>) {
        match &self.file.loaded {
            Some((path, kind, _, _)) => {
                ui.label(RichText::new(path.display().to_string()).monospace())
                    .on_hover_text(format!("read as {}", kind.name()));
            }
            None if self.file.loader.is_none() => {
                ui.weak("no file open — Open… or drop a .pcap/.pcapng/.json file here");
            }
            None => {}
        }
        if ui
            .add_enabled(
                !self.file.pane.trace().events.is_empty(),
                egui::Button::new("Save trace JSON…"),
            )
            .clicked()
        {
            *save = Some(SaveRequest::FileJson);
        }
    }

    fn file_status(&mut self, ui: &mut egui::Ui) {
        let red = Color32::from_rgb(230, 70, 60);
        if let Some(loader) = &self.file.loader {
            ui.horizontal(|ui| {
                let (done, total) = loader.bytes();
                ui.label(format!("reading {}", loader.path.display()));
                let bar = egui::ProgressBar::new(loader.fraction().unwrap_or(0.0))
                    .desired_width(300.0)
                    .text(format!(
                        "{} of {}",
                        crate::trace::describe::format_bytes(done),
                        crate::trace::describe::format_bytes(total)
                    ))
                    .animate(true);
                ui.add(bar);
                if loader.preparing() {
                    ui.weak("read; preparing the diagram…");
                } else if self.file.previewing {
                    ui.weak(format!(
                        "showing the first {} events while the rest is read",
                        crate::trace::describe::format_count(
                            self.file.pane.trace().events.len() as u64
                        )
                    ));
                }
                if ui.button("Cancel").clicked() {
                    loader.cancel();
                }
            });
        }
        if let Some(e) = &self.file.error {
            ui.colored_label(red, e);
        }
        let other = self.file.pane.other_diagnostics();
        ui.horizontal_wrapped(|ui| {
            if let Some((_, kind, stats, kept)) = &self.file.loaded {
                let trace = self.file.pane.trace();
                let mut line = match stats {
                    Some(s) => format!(
                        "{}: {} packets, {} TCP, {} undecodable · ",
                        kind.name(),
                        s.packets,
                        s.tcp_packets,
                        s.undecodable
                    ),
                    None => format!("{}: ", kind.name()),
                };
                line.push_str(&format!(
                    "{} connections · {} events",
                    trace.connections.len(),
                    trace.events.len()
                ));
                ui.label(line);
                if let Some((read, prepared)) = self.file.timings {
                    ui.weak(format!(
                        "read in {:.2} s, diagram in {:.2} s",
                        read.as_secs_f64(),
                        prepared.as_secs_f64()
                    ));
                }
                if !kept {
                    ui.weak("(large file: payload bytes not kept, no hex dumps)");
                }
            }
            if other > 0 {
                ui.colored_label(
                    Color32::from_rgb(230, 160, 30),
                    format!("⚠ {other} note(s) about the file:"),
                );
                let notes: Vec<String> = self
                    .file
                    .pane
                    .trace()
                    .events
                    .iter()
                    .filter(|e| e.conn.is_none())
                    .filter_map(|e| match &e.kind {
                        crate::trace::EventKind::Diagnostic { message, .. } => {
                            Some(message.clone())
                        }
                        _ => None,
                    })
                    .take(2)
                    .collect();
                for n in notes {
                    ui.colored_label(Color32::from_rgb(230, 160, 30), n);
                }
            }
            if let Some((msg, is_err)) = &self.file.status {
                if *is_err {
                    ui.colored_label(red, msg);
                } else {
                    ui.weak(msg);
                }
            }
        });
    }
}

/// Zoom and display options of a diagram.
fn diagram_options(ui: &mut egui::Ui, timeline: &mut timeline::TimelineView) {
    ui.checkbox(&mut timeline.params.collapse_gaps, "collapse idle gaps");
    ui.checkbox(&mut timeline.show_frames, "show frames");
    ui.checkbox(&mut timeline.follow, "follow");
    if ui.small_button("-").on_hover_text("zoom out (-)").clicked() {
        timeline.params.zoom_by(0.8);
    }
    if ui.small_button("+").on_hover_text("zoom in (+)").clicked() {
        timeline.params.zoom_by(1.25);
    }
}

impl eframe::App for WirelabApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.drain(ctx);
        self.poll_loader();
        self.capture.drain(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.dropped_files(ui);
        let mut save = None;
        egui::Panel::top("top-bar").show(ui, |ui| {
            ui.add_space(2.0);
            self.top_bar(ui, &mut save);
            ui.add_space(2.0);
        });
        if let Some(request) = save {
            self.open_dialog(Purpose::Save(request));
        }
        match self.view {
            View::Lab => self.lab_ui(ui),
            View::File => {
                self.file.pane.timeline.empty_hint = if self.file.loader.is_some() {
                    "Reading the file…"
                } else if self.file.error.is_some() {
                    "The file could not be read: see above."
                } else {
                    FILE_HINT
                };
                egui::Panel::left("file-connections")
                    .resizable(true)
                    .default_size(300.0)
                    .size_range(220.0..=600.0)
                    .show(ui, |ui| self.file.pane.list_ui(ui));
                self.file.pane.diagram_ui(ui, false);
            }
            View::Capture => {
                egui::Panel::left("capture-connections")
                    .resizable(true)
                    .default_size(300.0)
                    .size_range(220.0..=600.0)
                    .show(ui, |ui| self.capture.pane.list_ui(ui));
                let running = self.capture.is_running();
                self.capture.pane.diagram_ui(ui, running);
            }
        }
        let ctx = ui.ctx().clone();
        self.dialog_ui(&ctx);
    }
}

impl WirelabApp {
    fn lab_ui(&mut self, ui: &mut egui::Ui) {
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
        egui::CentralPanel::default().show(ui, |ui| {
            let running = self.run.active && !self.run.finished && self.run.failed.is_none();
            self.timeline.ui(ui, &self.trace, running);
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
