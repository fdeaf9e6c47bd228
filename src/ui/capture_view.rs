//! The Capture view: live capture with libpcap ([`crate::capture::live`]) on an interface with
//! a BPF filter validated as it is typed, streamed to a pcapng file as it goes (by default
//! under the user's data directory, [`captures_dir`], where it survives a reboot), with its
//! connections and their timelines appearing live, and counters that say how libpcap's
//! figures relate to wirelab's ([`Counting`]). Without capture permission a banner says how to
//! grant it; everything else keeps working.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use egui::RichText;

use super::command::{Command, SaveRequest};
use super::status::{StatusLine, one_line, save_json};
use super::text::{self as t, CountingText};
use super::theme::Theme;
use super::trace_pane::{OnNewTrace, TracePane};
use crate::capture::live::{
    self, Counting, LiveCapture, LiveError, LiveOptions, LiveStats, LiveUpdate, validate_filter,
};
use crate::lang::{Lang, Phrase};

/// How long a frame may spend applying capture updates before painting.
const DRAIN_BUDGET: Duration = Duration::from_millis(8);

/// An interface offered for capture.
struct Device {
    name: String,
    /// libpcap's description (may be empty).
    description: String,
}

/// The Capture view's state.
pub struct CaptureView {
    /// The interfaces (listed once), or why they could not be listed.
    devices: Option<Result<Vec<Device>, String>>,
    /// The interface to capture on.
    pub device: String,
    /// The BPF filter as typed.
    pub filter: String,
    checked_filter: Option<String>,
    filter_error: Option<String>,
    /// Where the capture is streamed (pcapng).
    pub output: String,
    /// The default `output` last offered (a new one is offered after each capture).
    auto_output: String,
    live: Option<LiveCapture>,
    stopping: bool,
    started_at: Option<Instant>,
    stats: LiveStats,
    /// How the interface counts, for the device it was asked about.
    counting: Option<(String, Counting)>,
    status: Option<StatusLine>,
    permission: Option<Phrase>,
    /// Whether capture permission was checked (once, when the view is first shown).
    probed: bool,
    /// The pcapng file of the current or last capture.
    captured: Option<PathBuf>,
    /// The trace, list, diagram and detail.
    pub pane: TracePane,
}

impl Default for CaptureView {
    fn default() -> Self {
        let output = default_output();
        CaptureView {
            devices: None,
            device: "lo".into(),
            filter: "tcp".into(),
            checked_filter: None,
            filter_error: None,
            auto_output: output.clone(),
            output,
            live: None,
            stopping: false,
            started_at: None,
            stats: LiveStats::default(),
            counting: None,
            status: None,
            permission: None,
            probed: false,
            captured: None,
            pane: TracePane::new("capture", OnNewTrace::Follow, t::CAPTURE_HINT),
        }
    }
}

/// Where live captures are written by default: `wirelab/captures` in the user's data
/// directory (`~/.local/share` on Linux, `~/Library/Application Support` on macOS, the roaming
/// AppData on Windows), where they outlive a reboot; the temporary folder only when the
/// system names no data directory.
pub fn captures_dir() -> PathBuf {
    dirs::data_dir().map_or_else(
        || std::env::temp_dir().join("wirelab-captures"),
        |d| d.join("wirelab").join("captures"),
    )
}

/// A new file name in [`captures_dir`].
fn default_output() -> String {
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
    captures_dir()
        .join(format!("capture-{stamp}-{}.pcapng", std::process::id()))
        .display()
        .to_string()
}

impl CaptureView {
    /// Whether a capture is running (until its `Stopped` arrives).
    pub fn is_running(&self) -> bool {
        self.live.is_some()
    }

    /// libpcap's counters of the current or last capture.
    pub fn stats(&self) -> LiveStats {
        self.stats
    }

    /// Shows libpcap's counters, as each `LiveUpdate::Stats` does.
    pub fn show_counters(&mut self, stats: LiveStats) {
        self.stats = stats;
    }

    /// How the chosen interface counts packets (asked of libpcap once per interface).
    pub fn counting(&mut self) -> Counting {
        let device = self.device.trim();
        match &self.counting {
            Some((d, c)) if d == device => *c,
            _ => {
                let c = Counting::of(device);
                self.counting = Some((device.to_string(), c));
                c
            }
        }
    }

    /// The permission banner's text (in English), when capture was refused.
    pub fn permission_banner(&self) -> Option<&str> {
        self.permission.as_ref().map(|p| p.en.as_str())
    }

    /// The last error or status line.
    pub fn status(&self) -> Option<&StatusLine> {
        self.status.as_ref()
    }

    /// Why the filter does not compile, if it does not.
    pub fn filter_error(&mut self) -> Option<&str> {
        self.check_filter();
        self.filter_error.as_deref()
    }

    /// The pcapng file of the current or last capture.
    pub fn captured_file(&self) -> Option<&PathBuf> {
        self.captured.as_ref()
    }

    fn check_filter(&mut self) {
        if self.checked_filter.as_deref() != Some(self.filter.as_str()) {
            self.filter_error = validate_filter(&self.filter).err().map(|e| one_line(&e));
            self.checked_filter = Some(self.filter.clone());
        }
    }

    /// Whether Start would be accepted now.
    pub fn can_start(&mut self) -> bool {
        self.check_filter();
        self.live.is_none()
            && self.filter_error.is_none()
            && !self.device.trim().is_empty()
            && !self.output.trim().is_empty()
    }

    /// Starts capturing (what the Start button does).
    pub fn start(&mut self, ctx: &egui::Context) {
        if !self.can_start() {
            return;
        }
        let output = PathBuf::from(self.output.trim());
        if let Some(dir) = output.parent()
            && !dir.as_os_str().is_empty()
            && let Err(e) = std::fs::create_dir_all(dir)
        {
            self.status = Some(StatusLine::error(t::cannot_create(dir, &e)));
            return;
        }
        let repaint = ctx.clone();
        let options = LiveOptions {
            device: self.device.trim().to_string(),
            filter: self.filter.clone(),
            write: Some(output.clone()),
        };
        match LiveCapture::start(options, Some(Box::new(move || repaint.request_repaint()))) {
            Ok(capture) => {
                self.live = Some(capture);
                self.stopping = false;
                self.started_at = Some(Instant::now());
                self.stats = LiveStats::default();
                self.permission = None;
                self.captured = Some(output.clone());
                // The file is shown under the counters.
                self.status = None;
            }
            Err(LiveError::Permission { device, detail }) => self.refused(&device, &detail),
            Err(e) => {
                self.status = Some(StatusLine::error(Phrase::verbatim(one_line(
                    &e.to_string(),
                ))))
            }
        }
    }

    /// Shows the permission banner: capture on `device` was refused.
    fn refused(&mut self, device: &str, detail: &str) {
        self.permission = Some(t::no_permission(
            device,
            &one_line(detail),
            &live::permission_help(),
        ));
        self.status = None;
    }

    /// Asks the capture to stop (what the Stop button does); `Stopped` follows promptly.
    pub fn stop(&mut self) {
        if let Some(live) = &self.live {
            live.stop();
            self.stopping = true;
        }
    }

    /// Applies waiting capture updates for at most [`DRAIN_BUDGET`].
    pub fn drain(&mut self, ctx: &egui::Context) {
        let start = Instant::now();
        while let Some(update) = self.live.as_ref().and_then(LiveCapture::try_recv) {
            match update {
                LiveUpdate::Started(trace) => self.pane.set_trace(trace),
                LiveUpdate::Trace(u) => self.pane.apply(u),
                LiveUpdate::Stats(s) => self.show_counters(s),
                LiveUpdate::Stopped { stats, error } => {
                    self.stats = stats;
                    // The thread has ended: dropping the handle joins it at once.
                    self.live = None;
                    self.stopping = false;
                    self.status = Some(match error {
                        Some(e) => StatusLine::error(t::capture_ended(&one_line(&e))),
                        None => StatusLine::info(t::STOPPED),
                    });
                    if self.output == self.auto_output {
                        // The next capture gets a file of its own.
                        self.auto_output = default_output();
                        self.output = self.auto_output.clone();
                    }
                    break;
                }
            }
            if start.elapsed() >= DRAIN_BUDGET {
                ctx.request_repaint();
                break;
            }
        }
        if self.live.is_some() {
            // Counters and "running for" change even when no packet arrives.
            ctx.request_repaint_after(Duration::from_millis(500));
        }
    }

    /// The permission banner, if capture was refused (shown above the view).
    pub fn banner_ui(&mut self, ui: &mut egui::Ui) {
        let theme = Theme::of(ui.ctx());
        let lang = super::lang::current(ui.ctx());
        let Some(text) = self.permission.as_ref().map(|p| p.get(lang).to_string()) else {
            return;
        };
        egui::Frame::new()
            .fill(theme.banner_fill)
            .inner_margin(theme.size.banner_margin)
            .corner_radius(theme.size.banner_radius)
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.label(
                        RichText::new(t::PERMISSION_TITLE.get(lang))
                            .strong()
                            .color(theme.banner_title),
                    );
                    let command = text
                        .lines()
                        .map(str::trim)
                        .find(|l| l.starts_with("sudo setcap"));
                    if let Some(command) = command
                        && ui
                            .small_button(t::COPY_SETCAP.get(lang))
                            .on_hover_text(command)
                            .clicked()
                    {
                        ui.ctx().copy_text(command.to_string());
                    }
                    if ui.small_button(t::DISMISS.get(lang)).clicked() {
                        self.permission = None;
                    }
                });
                ui.label(RichText::new(text).color(theme.banner_text));
                ui.label(RichText::new(t::PERMISSION_NOTE.get(lang)).color(theme.banner_note));
            });
    }

    /// The top bar's rows: the controls, the diagram's options, the permission banner.
    pub fn bar_ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        self.controls_ui(ui, commands);
        ui.horizontal_wrapped(|ui| self.pane.options_ui(ui));
        self.banner_ui(ui);
    }

    /// The connection list, the diagram and the detail pane.
    pub fn body_ui(&mut self, ui: &mut egui::Ui) {
        let running = self.is_running();
        self.pane.browse_ui(ui, "capture-connections", running);
    }

    /// The controls: interface, filter, output file, Start/Stop, counters.
    pub fn controls_ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        let theme = Theme::of(ui.ctx());
        let lang = super::lang::current(ui.ctx());
        if !self.probed {
            // Say so at once, not only when Start fails: the banner tells how to grant it.
            self.probed = true;
            if let Err(LiveError::Permission { device, detail }) = live::probe(&self.device) {
                self.refused(&device, &detail);
            }
        }
        if self.devices.is_none() {
            let list = live::devices().map_err(|e| one_line(&e)).map(|list| {
                list.into_iter()
                    .map(|(name, description)| Device { name, description })
                    .collect::<Vec<_>>()
            });
            if let Ok(list) = &list
                && !list.iter().any(|d| d.name == self.device)
                && let Some(first) = list.first()
            {
                self.device = first.name.clone();
            }
            self.devices = Some(list);
        }
        let running = self.live.is_some();
        ui.horizontal_wrapped(|ui| {
            ui.add_enabled_ui(!running, |ui| {
                let label = ui.label(t::INTERFACE.get(lang));
                egui::ComboBox::from_id_salt("capture-device")
                    .selected_text(self.device.clone())
                    .width(theme.size.device_width)
                    .show_ui(ui, |ui| {
                        if let Some(Ok(list)) = &self.devices {
                            for d in list {
                                let r =
                                    ui.selectable_value(&mut self.device, d.name.clone(), &d.name);
                                if !d.description.is_empty() {
                                    r.on_hover_text(&d.description);
                                }
                            }
                        }
                    })
                    .response
                    .labelled_by(label.id);
                let label = ui.label(t::BPF_FILTER.get(lang));
                ui.add(
                    egui::TextEdit::singleline(&mut self.filter)
                        .hint_text(t::BPF_FILTER_HINT.get(lang))
                        .desired_width(theme.size.bpf_width),
                )
                .labelled_by(label.id);
                let label = ui.label(t::WRITE_TO.get(lang));
                ui.add(
                    egui::TextEdit::singleline(&mut self.output)
                        .desired_width(theme.size.path_width),
                )
                .labelled_by(label.id)
                .on_hover_text(t::WRITE_TO_HINT.get(lang));
            });
            let can_start = self.can_start();
            if ui
                .add_enabled(can_start, egui::Button::new(t::START.get(lang)))
                .on_hover_text(t::START_HINT.get(lang))
                .on_disabled_hover_text(t::START_DISABLED.get(lang))
                .clicked()
            {
                commands.push(Command::StartCapture);
            }
            if ui
                .add_enabled(
                    running && !self.stopping,
                    egui::Button::new(t::STOP.get(lang)),
                )
                .clicked()
            {
                commands.push(Command::StopCapture);
            }
            ui.separator();
            let has_file = self.captured.as_ref().is_some_and(|p| p.is_file());
            if ui
                .add_enabled(has_file, egui::Button::new(t::SAVE.get(lang)))
                .on_hover_text(t::SAVE_CAPTURE_HINT.get(lang))
                .clicked()
            {
                commands.push(Command::ChooseSaveTarget(SaveRequest::CapturePcapng));
            }
            if ui
                .add_enabled(
                    !self.pane.trace().events.is_empty(),
                    egui::Button::new(t::SAVE_TRACE_JSON.get(lang)),
                )
                .clicked()
            {
                commands.push(Command::ChooseSaveTarget(SaveRequest::CaptureJson));
            }
        });
        if let Some(Err(e)) = &self.devices {
            ui.colored_label(theme.warning, t::cannot_list_interfaces(lang, e));
        }
        self.check_filter();
        if let Some(e) = &self.filter_error {
            ui.colored_label(theme.error, t::filter_error(lang, e));
        }
        let counting = self.counting();
        let device = self.device.trim().to_string();
        ui.horizontal_wrapped(|ui| {
            let s = self.stats;
            let state = if self.stopping {
                RichText::new(t::STOPPING.get(lang))
            } else if running {
                let secs = self.started_at.map_or(0, |at| at.elapsed().as_secs());
                RichText::new(t::capturing_for(lang, secs)).color(theme.error)
            } else {
                RichText::new(t::NOT_CAPTURING.get(lang))
            };
            ui.label(state);
            ui.separator();
            counters_ui(ui, theme, lang, s, counting, &device, running);
            ui.separator();
            let conns = self.pane.trace().connections.len();
            ui.label(t::connections_and_events(
                lang,
                conns as u64,
                self.pane.trace().events.len() as u64,
            ));
            if let Some(status) = &self.status {
                ui.separator();
                status.ui(ui);
            }
        });
        self.file_ui(ui, commands, running);
    }

    /// Where the capture goes: the file, the folder, and a way to open it.
    fn file_ui(&self, ui: &mut egui::Ui, commands: &mut Vec<Command>, running: bool) {
        let theme = Theme::of(ui.ctx());
        let lang = super::lang::current(ui.ctx());
        ui.horizontal_wrapped(|ui| {
            let (what, path) = match &self.captured {
                Some(p) if running => (t::CAPTURING_TO, p.clone()),
                Some(p) => (t::CAPTURED_TO, p.clone()),
                None => (t::CAPTURES_KEPT_IN, captures_dir()),
            };
            ui.label(RichText::new(what.get(lang)).color(theme.banner_note));
            let shown = ui
                .add(
                    egui::Label::new(RichText::new(path.display().to_string()).monospace())
                        .sense(egui::Sense::click()),
                )
                .on_hover_text(t::CLICK_TO_COPY_PATH.get(lang));
            if shown.clicked() {
                ui.ctx().copy_text(path.display().to_string());
            }
            let has_file = !running && self.captured.as_ref().is_some_and(|p| p.is_file());
            if ui
                .add_enabled(has_file, egui::Button::new(t::OPEN_IN_FILE_VIEW.get(lang)))
                .on_hover_text(t::OPEN_IN_FILE_VIEW_HINT.get(lang))
                .on_disabled_hover_text(t::AFTER_CAPTURE_STOPS.get(lang))
                .clicked()
                && let Some(p) = &self.captured
            {
                commands.push(Command::OpenFile(p.clone()));
            }
        });
    }

    /// Copies the captured pcapng to `to`.
    pub fn save_pcapng(&mut self, to: &std::path::Path) {
        let Some(from) = self.captured.clone() else {
            return;
        };
        self.status = Some(match std::fs::copy(&from, to) {
            Ok(n) => StatusLine::info(t::saved_bytes(n, to)),
            Err(e) => StatusLine::error(t::cannot_save(to, &e)),
        });
    }

    /// Writes the trace as JSON to `to`.
    pub fn save_json(&mut self, to: &std::path::Path) {
        self.status = Some(save_json(self.pane.trace(), to));
    }
}

/// What the kernel's `received` counts on this interface, for its hover text.
fn counting_help(lang: Lang, counting: Counting, device: &str) -> String {
    let counting = match counting {
        Counting::Once => CountingText::Once,
        Counting::Twice => CountingText::Twice,
        Counting::LoopbackTwice => CountingText::LoopbackTwice,
    };
    t::counting_help(lang, counting, device)
}

/// The counters: what wirelab processed, what libpcap received (and how that counts here),
/// what is still on its way, what was dropped.
fn counters_ui(
    ui: &mut egui::Ui,
    theme: &Theme,
    lang: Lang,
    s: LiveStats,
    counting: Counting,
    device: &str,
    running: bool,
) {
    ui.label(t::processed(lang, s.processed))
        .on_hover_text(t::PROCESSED_HINT.get(lang));
    ui.label(t::received(lang, s.received))
        .on_hover_text(counting_help(lang, counting, device));
    let copies = match counting {
        Counting::Once => None,
        Counting::Twice => Some(t::counted_twice(lang, device, u64::from(s.received / 2))),
        Counting::LoopbackTwice => Some(t::LOOPBACK_COUNTED_TWICE.get(lang).to_string()),
    };
    if let Some(copies) = copies {
        ui.label(RichText::new(copies).color(theme.banner_note))
            .on_hover_text(counting_help(lang, counting, device));
    }
    if running && let Some(waiting) = s.waiting(counting).filter(|n| *n > 0) {
        ui.label(t::waiting(lang, waiting))
            .on_hover_text(t::WAITING_HINT.get(lang));
    }
    let dropped = RichText::new(t::dropped(lang, s.dropped));
    ui.label(if s.dropped > 0 {
        dropped.color(theme.error)
    } else {
        dropped
    })
    .on_hover_text(t::DROPPED_HINT.get(lang));
    ui.label(t::if_dropped(lang, s.if_dropped))
        .on_hover_text(t::IF_DROPPED_HINT.get(lang));
}
