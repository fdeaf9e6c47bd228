//! The Lab view: a scenario picker with Run, Step and Reset driving the lab
//! ([`crate::lab::Lab`], on its own runtime thread), and the run's trace in a [`TracePane`]
//! (diagram and detail, no connection list).

use std::time::{Duration, Instant};

use egui::RichText;

use super::command::{Command, SaveRequest};
use super::link_menu::LinkMenu;
use super::shared_lab::{LabUser, SharedLab};
use super::status::{StatusLine, save_json};
use super::text::{self as t, RunStateText};
use super::theme::Theme;
use super::trace_pane::{OnNewTrace, TracePane};
use crate::lab::collector::EXTERNAL_LABEL;
use crate::lab::link::LinkConditions;
use crate::lab::{Lab, LabCommand, LabConfig, LabUpdate, RunMode, ScenarioInfo, scenarios};
use crate::lang::{Lang, Phrase};
use crate::trace::describe::{LINK_PACKETS, link_summary};
use crate::trace::{EventKind, Source, Trace, TraceUpdate};

/// Beside the link of a run with packets (the whole story on hover).
const LINK_PACKETS_SHORT: crate::lang::Text = crate::lang::Text {
    en: "packets: relay → server only",
    zh: "数据包：仅中继 → 服务器",
};

/// How long a frame may spend applying lab updates before painting.
const DRAIN_BUDGET: Duration = Duration::from_millis(8);

/// What the lab said about packet capture ([`LabUpdate::CaptureMode`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LabCapture {
    /// Loopback packets are captured and merged with the socket tap.
    Packets,
    /// Only the socket tap is used.
    SocketOnly {
        /// Why packets are not captured (`None`: the socket tap alone was asked for).
        reason: Option<String>,
    },
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
    /// No scenario runs: the trace shows external clients (a browser on the demo page).
    external: bool,
    /// The stages' captions in every language (from the catalogue), by stage number.
    captions: Vec<Phrase>,
}

impl RunState {
    /// Stage `index`'s caption in `lang`; the lab's own label when the catalogue has none.
    fn caption(&self, index: usize, lang: Lang) -> Option<String> {
        self.captions
            .get(index)
            .map(|c| c.get(lang).to_string())
            .or_else(|| self.stages.get(index).cloned())
    }
}

/// The answers of the prompt shown when another scenario is picked during a stepped run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prompt {
    /// Throw the half-done run away and reset to the picked scenario.
    Reset,
    /// Keep the run and its scenario.
    Keep,
}

/// The Lab view's state.
pub struct LabView {
    /// The window's one lab, shared with the Lessons view.
    lab: SharedLab,
    scenarios: Vec<ScenarioInfo>,
    scenario: String,
    run: RunState,
    pane: TracePane,
    /// What the last save said.
    status: Option<StatusLine>,
    capture: Option<LabCapture>,
    /// A scenario picked while a run was half done: the prompt asks whether to reset to it.
    pending_pick: Option<String>,
    /// The language the trace's stage captions are written in.
    captions_lang: Lang,
    /// The window's language at the last frame.
    lang: Lang,
    /// The Link menu: the emulated link of the next runs.
    link: LinkMenu,
}

impl LabView {
    /// Starts the lab (its error is kept to be shown, never panicked on); `scenario`: the one
    /// to preselect (default ws-echo).
    pub fn new(ctx: &egui::Context, config: LabConfig, scenario: Option<String>) -> LabView {
        let repaint_ctx = ctx.clone();
        let link = LinkMenu::new(config.link);
        let lab = SharedLab::new(
            Lab::start(
                config,
                Some(Box::new(move || repaint_ctx.request_repaint())),
            )
            .map_err(|e| format!("{e:#}")),
        );
        let scenarios = scenarios();
        let scenario = scenario
            .or_else(|| {
                scenarios
                    .iter()
                    .find(|s| s.name == "ws-echo")
                    .or(scenarios.first())
                    .map(|s| s.name.to_string())
            })
            .unwrap_or_else(|| "ws-echo".to_string());
        let detail_width = Theme::of(ctx).size.lab_detail_width;
        LabView {
            lab,
            scenarios,
            scenario,
            run: RunState::default(),
            pane: TracePane::new("lab", OnNewTrace::Follow, t::LAB_HINT)
                .with_detail_width(detail_width),
            status: None,
            capture: None,
            pending_pick: None,
            captions_lang: Lang::En,
            lang: super::lang::current(ctx),
            link,
        }
    }

    /// The emulated link of the runs started from now on (the Link menu).
    pub fn set_link(&mut self, link: LinkConditions) {
        self.link = LinkMenu::new(link);
        self.send(LabCommand::SetLink(link));
    }

    /// The lab server's address, when the lab runs.
    pub fn server_addr(&self) -> Option<std::net::SocketAddr> {
        self.lab.lab().ok().map(Lab::server_addr)
    }

    /// What the lab said about packet capture.
    pub fn capture_mode(&self) -> Option<&LabCapture> {
        self.capture.as_ref()
    }

    /// The trace, diagram and detail.
    pub fn pane(&self) -> &TracePane {
        &self.pane
    }

    /// The trace, diagram and detail, to change.
    pub fn pane_mut(&mut self) -> &mut TracePane {
        &mut self.pane
    }

    /// The trace shown.
    pub fn trace(&self) -> &Trace {
        self.pane.trace()
    }

    /// Replaces the trace shown (e.g. one built by hand or loaded elsewhere).
    pub fn set_trace(&mut self, trace: Trace) {
        self.pane.set_trace(trace);
        self.run = RunState::default();
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
        match self.lab.lab() {
            Err(e) => Some(e.to_string()),
            Ok(_) => self.run.failed.clone(),
        }
    }

    /// The Step button's text: it names the stage the next press runs.
    pub fn step_label(&self) -> String {
        let lang = self.lang;
        if self.run.active && self.run.mode == Some(RunMode::Step) {
            if self.run.finished {
                return t::STEP_DONE.get(lang).to_string();
            }
            // The next stage is the first not done (the lab's `next` says the same).
            match self
                .run
                .caption(self.run.done, lang)
                .or(self.run.next.clone())
            {
                Some(next) => t::step_next(lang, &next),
                None => t::STEP.get(lang).to_string(),
            }
        } else {
            t::step_start(lang, &self.scenario)
        }
    }

    /// Whether a stepped run is half done: started, not finished, not failed. Picking another
    /// scenario then asks before throwing it away.
    pub fn is_half_done(&self) -> bool {
        self.run.active
            && self.run.mode == Some(RunMode::Step)
            && !self.run.finished
            && self.run.failed.is_none()
    }

    /// The scenario Run and Step start.
    pub fn scenario(&self) -> &str {
        &self.scenario
    }

    /// The scenario the reset prompt offers, while it is open.
    pub fn pending_pick(&self) -> Option<&str> {
        self.pending_pick.as_deref()
    }

    /// Makes `name` the current scenario: the run (if any) is reset and the diagram cleared,
    /// so the diagram, Step and Run all show the new one.
    pub fn pick_scenario(&mut self, name: String) {
        self.pending_pick = None;
        if self.run.active || !self.pane.trace().events.is_empty() {
            self.reset();
        }
        self.scenario = name;
    }

    /// Answers the reset prompt: `Prompt::Reset` switches to the picked scenario,
    /// `Prompt::Keep` keeps the current run and scenario.
    pub fn answer_prompt(&mut self, answer: Prompt, commands: &mut Vec<Command>) {
        if let Some(name) = self.pending_pick.take()
            && answer == Prompt::Reset
        {
            commands.push(Command::PickScenario(name));
        }
    }

    /// Writes the trace as JSON to `to`.
    pub fn save_json(&mut self, to: &std::path::Path) {
        self.status = Some(save_json(self.pane.trace(), to));
    }

    /// Writes the current run's packets (captured since its start) as pcapng to `to`.
    pub fn save_pcapng(&mut self, to: &std::path::Path) {
        let saved = match self.lab.lab() {
            Ok(lab) => lab
                .save_run_pcapng(self.pane.trace().started_at, to)
                .map_err(|e| format!("{e:#}")),
            Err(e) => Err(e.to_string()),
        };
        self.status = Some(match saved {
            Ok(n) => StatusLine::info(t::saved_packets(n, to)),
            Err(e) => StatusLine::error(t::cannot_save(to, &e)),
        });
    }

    fn send(&mut self, cmd: LabCommand) {
        self.lab.send(LabUser::LabView, cmd);
    }

    /// The window's one lab, for the Lessons view: whoever starts a run owns it, and the
    /// other view's run is over (this view keeps its trace on screen and says so).
    pub fn shared_lab_mut(&mut self) -> &mut SharedLab {
        &mut self.lab
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
        self.pane.set_follow(true);
        self.status = None;
    }

    /// Runs every stage of the chosen scenario (the Run button).
    pub fn run(&mut self) {
        self.start(RunMode::Run);
    }

    /// Runs the next stage, starting a stepped run if none is going (the Step button).
    pub fn step(&mut self) {
        let stepping = self.run.active
            && self.run.mode == Some(RunMode::Step)
            && !self.run.finished
            && self.run.failed.is_none();
        if !stepping {
            self.start(RunMode::Step);
        }
        self.run.busy = true;
        self.pane.set_follow(true);
        if self.run.awaiting_start {
            self.run.pending_steps += 1;
        } else {
            self.send(LabCommand::Step);
        }
    }

    /// Stops the run and clears the diagram (the Reset button).
    pub fn reset(&mut self) {
        self.send(LabCommand::Reset);
        self.run = RunState::default();
        self.pane
            .set_trace(Trace::new(Source::default(), chrono::Utc::now()));
        self.status = None;
    }

    /// Applies waiting lab updates for at most [`DRAIN_BUDGET`].
    pub fn drain(&mut self, ctx: &egui::Context) {
        self.lang = super::lang::current(ctx);
        if self.captions_lang != self.lang {
            self.captions_lang = self.lang;
            self.relabel_stages();
        }
        self.lab.pump();
        if self.lab.owner() != LabUser::LabView && (self.run.active || self.run.external) {
            // A lesson started a run: ours is gone (the lab runs one at a time); the diagram
            // keeps what it showed.
            self.run = RunState::default();
            self.status = Some(StatusLine::info(t::LAB_LENT));
        }
        let start = Instant::now();
        while let Some(update) = self.lab.recv(LabUser::LabView) {
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
                if scenario == EXTERNAL_LABEL && stages.is_empty() {
                    // External clients with no scenario running (before the first Run, after
                    // a Reset); while a Start is on its way, its run will carry them.
                    if !self.run.active {
                        self.pane.set_trace(trace);
                        self.run = RunState {
                            external: true,
                            ..RunState::default()
                        };
                    }
                    return;
                }
                if !self.run.active {
                    // A run we reset locally; the lab will drop it too.
                    return;
                }
                let captions = crate::lab::scenario::scenario(&scenario)
                    .map(|s| s.stages.into_iter().map(|stage| stage.label).collect())
                    .unwrap_or_default();
                self.scenario = scenario;
                self.pane.set_trace(trace);
                let pending = std::mem::take(&mut self.run.pending_steps);
                self.run = RunState {
                    active: true,
                    mode: Some(mode),
                    next: stages.first().cloned(),
                    stages,
                    busy: pending > 0,
                    captions,
                    ..RunState::default()
                };
                self.relabel_stages();
                for _ in 0..pending {
                    self.send(LabCommand::Step);
                }
            }
            LabUpdate::CaptureMode { packets, reason } => {
                self.capture = Some(if packets {
                    LabCapture::Packets
                } else {
                    LabCapture::SocketOnly { reason }
                });
            }
            LabUpdate::Trace(u) if self.run.external => self.pane.apply(u),
            _ if self.run.awaiting_start || !self.run.active => {}
            LabUpdate::Trace(mut u) => {
                if let TraceUpdate::Event(event) = &mut u
                    && let EventKind::Stage { index, label } = &mut event.kind
                    && let Some(caption) = self.run.caption(*index as usize, self.captions_lang)
                {
                    *label = caption;
                }
                self.pane.apply(u);
            }
            LabUpdate::ServerHeld { .. } => {}
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

    /// Writes the trace's stage captions in the window's language (the lab records them in
    /// English; the diagram and the detail pane show them as the trace has them).
    fn relabel_stages(&mut self) {
        let run = &self.run;
        let lang = self.captions_lang;
        self.pane
            .relabel_stages(|index| run.captions.get(index as usize).map(|c| c.get(lang)));
    }

    /// The view's part of the top bar's first row: scenario, Run, Step, Reset, the server.
    pub fn bar_ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        let theme = Theme::of(ui.ctx());
        let lang = super::lang::current(ui.ctx());
        let summary = self
            .scenarios
            .iter()
            .find(|s| s.name == self.scenario)
            .map(|s| s.summary.get(lang))
            .unwrap_or("");
        let busy = self.is_busy();
        let mut picked = self.scenario.clone();
        ui.add_enabled_ui(!busy, |ui| {
            egui::ComboBox::from_id_salt("scenario")
                .selected_text(self.scenario.clone())
                .width(theme.size.scenario_width)
                .show_ui(ui, |ui| {
                    // Each scenario with its description (the catalogue's, as `run --list`).
                    ui.set_min_width(theme.size.scenario_list_width);
                    for s in &self.scenarios {
                        let mut job = egui::text::LayoutJob::default();
                        let style = ui.style();
                        RichText::new(s.name).strong().append_to(
                            &mut job,
                            style,
                            egui::FontSelection::Default,
                            egui::Align::Min,
                        );
                        RichText::new(format!("\n{}", s.summary.get(lang)))
                            .weak()
                            .append_to(
                                &mut job,
                                style,
                                egui::FontSelection::Default,
                                egui::Align::Min,
                            );
                        job.wrap.max_width = theme.size.scenario_list_width;
                        if ui.selectable_label(picked == s.name, job).clicked() {
                            picked = s.name.to_string();
                        }
                    }
                })
                .response
                .on_hover_text(summary);
        });
        if picked != self.scenario {
            if self.is_half_done() {
                self.pending_pick = Some(picked);
            } else {
                commands.push(Command::PickScenario(picked));
            }
        }
        let lab_ok = self.lab.lab().is_ok();
        if ui
            .add_enabled(lab_ok && !busy, egui::Button::new(t::RUN.get(lang)))
            .on_hover_text(t::RUN_HINT.get(lang))
            .clicked()
        {
            commands.push(Command::Run);
        }
        let step_enabled =
            lab_ok && !busy && !(self.run.finished && self.run.mode == Some(RunMode::Step));
        let step_label = self.step_label();
        // A fixed width, the label cut to it: the bar never moves as the label changes.
        let step = egui::Button::new(&step_label)
            .truncate()
            .min_size(egui::vec2(theme.size.step_width, 0.0));
        // The bar wraps (zoomed in for a projector): the button goes whole onto the next row
        // rather than past the window's edge.
        if ui.available_size_before_wrap().x < theme.size.step_width {
            ui.end_row();
        }
        if ui
            .add_enabled_ui(step_enabled, |ui| {
                ui.set_max_width(theme.size.step_width);
                ui.add(step)
            })
            .inner
            .on_hover_text(t::step_hint(lang, &step_label))
            .clicked()
        {
            commands.push(Command::Step);
        }
        if ui
            .add_enabled(lab_ok, egui::Button::new(t::RESET.get(lang)))
            .clicked()
        {
            commands.push(Command::Reset);
        }
        if super::presenter::is_active(ui.ctx()) {
            // The run controls only: the link, server and capture mode are for the one at the desk.
            return;
        }
        self.link.ui(ui, lang, commands);
        ui.separator();
        match self.lab.lab() {
            Ok(lab) => {
                let addr = lab.server_addr();
                // Whole on one row: in a wrapping bar it moves down rather than break.
                ui.add(egui::Label::new(t::server_at(lang, &addr)).extend());
                ui.hyperlink_to(t::DEMO_PAGE.get(lang), format!("http://{addr}/"))
                    .on_hover_text(t::DEMO_PAGE_HINT.get(lang));
            }
            Err(e) => {
                ui.colored_label(theme.error, t::lab_unavailable(lang, e));
            }
        }
        ui.separator();
        match &self.capture {
            Some(LabCapture::Packets) => {
                ui.label(RichText::new(t::PACKETS_AND_SOCKET.get(lang)).color(theme.ok))
                    .on_hover_text(t::PACKETS_AND_SOCKET_HINT.get(lang));
            }
            Some(LabCapture::SocketOnly { reason }) => {
                ui.weak(t::OBSERVED_AT_SOCKET.get(lang)).on_hover_text(
                    reason
                        .clone()
                        .unwrap_or_else(|| t::SOCKET_ONLY_ASKED.get(lang).into()),
                );
            }
            None => {
                ui.weak(t::OBSERVED_AT_SOCKET.get(lang))
                    .on_hover_text(t::SOCKET_TAP_HINT.get(lang));
            }
        }
    }

    /// The top bar's rows below the first: the diagram's options, Save, the run's state.
    pub fn rows_ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        let lang = super::lang::current(ui.ctx());
        ui.horizontal_wrapped(|ui| {
            self.pane.options_ui(ui, commands);
            ui.separator();
            if ui
                .add_enabled(
                    !self.trace().events.is_empty(),
                    egui::Button::new(t::SAVE_TRACE_JSON.get(lang)),
                )
                .clicked()
            {
                commands.push(Command::ChooseSaveTarget(SaveRequest::LabJson));
            }
            // The run's packets (packet mode only): for Wireshark or the File view.
            let packets = self.trace().source.capture.as_deref() == Some("packet+socket");
            if ui
                .add_enabled(
                    packets && !self.trace().events.is_empty(),
                    egui::Button::new(t::SAVE_PCAPNG.get(lang)),
                )
                .on_disabled_hover_text(t::SAVE_PCAPNG_DISABLED.get(lang))
                .clicked()
            {
                commands.push(Command::ChooseSaveTarget(SaveRequest::LabPcapng));
            }
        });
        self.status_ui(ui);
    }

    fn status_ui(&mut self, ui: &mut egui::Ui) {
        let theme = Theme::of(ui.ctx());
        let lang = super::lang::current(ui.ctx());
        ui.horizontal(|ui| {
            let stages = if self.run.stages.is_empty() {
                String::new()
            } else {
                t::stage_of(lang, self.run.done, self.run.stages.len())
            };
            let state = if let Some(e) = &self.run.failed {
                RichText::new(t::run_failed(lang, e)).color(theme.error)
            } else if self.run.finished {
                RichText::new(t::run_state(lang, RunStateText::Finished, &stages))
            } else if self.run.active && self.run.mode == Some(RunMode::Step) && !self.run.busy {
                RichText::new(t::run_state(lang, RunStateText::Stepping, &stages))
            } else if self.run.active {
                RichText::new(t::run_state(lang, RunStateText::Running, &stages))
            } else if self.run.external {
                RichText::new(t::EXTERNAL_CLIENTS.get(lang))
            } else {
                RichText::new("")
            };
            ui.label(state);
            ui.weak(t::events(lang, self.trace().events.len() as u64));
            // What the run's clients went through, from its trace.
            if let Some(link) = &self.trace().source.link {
                let packets = self.trace().source.capture.as_deref() == Some("packet+socket");
                ui.label(RichText::new(link_summary(link, lang)).color(theme.warning));
                if packets {
                    ui.weak(LINK_PACKETS_SHORT.get(lang))
                        .on_hover_text(LINK_PACKETS.get(lang));
                }
            }
            if let Some(status) = &self.status {
                status.ui(ui);
            }
        });
    }

    /// The prompt after another scenario was picked during a stepped run: reset to it, or
    /// keep the run (Escape and a click beside it keep it too).
    pub fn prompt_ui(&mut self, ctx: &egui::Context, commands: &mut Vec<Command>) {
        let Some(picked) = self.pending_pick.clone() else {
            return;
        };
        let mut answer = None;
        let lang = super::lang::current(ctx);
        let modal = egui::Modal::new(egui::Id::unique("scenario-reset-prompt")).show(ctx, |ui| {
            ui.set_max_width(Theme::of(ctx).size.prompt_width);
            ui.heading(t::prompt_title(lang, &picked));
            ui.label(t::prompt_body(
                lang,
                &self.scenario,
                self.run.done,
                self.run.stages.len(),
                &picked,
            ));
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button(t::prompt_reset(lang, &picked)).clicked() {
                    answer = Some(Prompt::Reset);
                }
                if ui.button(t::prompt_keep(lang, &self.scenario)).clicked() {
                    answer = Some(Prompt::Keep);
                }
            });
        });
        if answer.is_none() && modal.should_close() {
            answer = Some(Prompt::Keep);
        }
        if let Some(a) = answer {
            self.answer_prompt(a, commands);
        }
    }

    /// The diagram and the detail pane.
    pub fn body_ui(&mut self, ui: &mut egui::Ui) {
        let running = self.run.active && !self.run.finished && self.run.failed.is_none();
        self.pane.diagram_ui(ui, running);
    }
}
