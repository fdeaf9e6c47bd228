//! The scale run's panel for the Compare view: how many clients (1,000 at most from the GUI),
//! Run, a progress bar, and the aggregated Lubbers-style table (no lanes: a thousand clients
//! are a row each technique). The run ([`crate::lab::scale::run`]) goes on a thread of its
//! own; the panel only reads what it sent, so the window never waits for it.

use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::Duration;

use egui::{Grid, ProgressBar, RichText};

use crate::lab::scale::table::{self, LUBBERS, Row};
use crate::lab::scale::{self, Phase, Progress, ScaleConfig, ScaleReport};
use crate::lang::{Lang, Text};

/// The most clients per technique a run from the GUI may have (the CLI goes further).
pub const GUI_MAX_CLIENTS: u32 = 1_000;

const CLIENTS: Text = Text {
    en: "Clients per technique",
    zh: "每种技术的客户端数",
};
const EVENTS: Text = Text {
    en: "Events",
    zh: "事件数",
};
const RUN: Text = Text {
    en: "Run scale test",
    zh: "运行规模测试",
};
const HINT: Text = Text {
    en: "N clients per technique against the lab server, one technique after another; the clients run in a separate process, the load generator. Bytes are counted at the server's sockets.",
    zh: "每种技术 N 个客户端依次连接实验服务器；客户端运行在单独的进程（负载生成器）中。字节数在服务器的套接字上统计。",
};
const IDLE_PHASE: Text = Text {
    en: "idle WebSocket connections (memory)",
    zh: "空闲 WebSocket 连接（内存）",
};
const FAILED: Text = Text {
    en: "The scale run failed",
    zh: "规模测试失败",
};
const PUBLISHED: Text = Text {
    en: "published",
    zh: "已发表",
};

/// What the run's thread sends.
enum Message {
    Progress(Progress),
    Done(Result<ScaleReport, String>),
}

/// The scale run's panel.
pub struct ScalePanel {
    config: ScaleConfig,
    running: Option<Receiver<Message>>,
    progress: Option<Progress>,
    report: Option<ScaleReport>,
    error: Option<String>,
}

impl ScalePanel {
    /// A panel whose runs use `config` (its client count capped at [`GUI_MAX_CLIENTS`]).
    pub fn new(config: ScaleConfig) -> ScalePanel {
        let mut config = config;
        config.clients = config.clients.clamp(1, GUI_MAX_CLIENTS);
        ScalePanel {
            config,
            running: None,
            progress: None,
            report: None,
            error: None,
        }
    }

    /// A panel with the default run and this executable as the load generator, if it can be
    /// found.
    pub fn with_current_exe() -> Option<ScalePanel> {
        let exe = std::env::current_exe().ok()?;
        Some(ScalePanel::new(ScaleConfig::new(exe)))
    }

    /// Whether a run is going on.
    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// The last finished run's report.
    pub fn report(&self) -> Option<&ScaleReport> {
        self.report.as_ref()
    }

    /// The last run's error, if it failed.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    fn start(&mut self, ctx: &egui::Context) {
        let (tx, rx) = channel();
        let config = self.config.clone();
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("wirelab-scale".to_string())
            .spawn(move || {
                let progress_tx = tx.clone();
                let progress_ctx = ctx.clone();
                let result = scale::run(&config, move |p| {
                    let _ = progress_tx.send(Message::Progress(p));
                    progress_ctx.request_repaint();
                });
                let _ = tx.send(Message::Done(result.map_err(|e| format!("{e:#}"))));
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => {
                self.running = Some(rx);
                self.progress = None;
                self.error = None;
            }
            Err(err) => self.error = Some(err.to_string()),
        }
    }

    fn drain(&mut self) {
        let Some(rx) = &self.running else { return };
        loop {
            match rx.try_recv() {
                Ok(Message::Progress(p)) => self.progress = Some(p),
                Ok(Message::Done(result)) => {
                    match result {
                        Ok(report) => self.report = Some(report),
                        Err(err) => self.error = Some(err),
                    }
                    self.running = None;
                    return;
                }
                Err(TryRecvError::Empty) => return,
                Err(TryRecvError::Disconnected) => {
                    self.running = None;
                    return;
                }
            }
        }
    }

    /// Draws the panel.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        self.drain();
        let lang = crate::ui::lang::current(ui.ctx());
        ui.label(HINT.get(lang));
        ui.horizontal(|ui| {
            let idle = !self.is_running();
            ui.add_enabled_ui(idle, |ui| {
                let label = ui.label(CLIENTS.get(lang));
                ui.add(
                    egui::DragValue::new(&mut self.config.clients)
                        .range(1..=GUI_MAX_CLIENTS)
                        .speed(10),
                )
                .labelled_by(label.id);
                let label = ui.label(EVENTS.get(lang));
                ui.add(egui::DragValue::new(&mut self.config.events).range(1..=120))
                    .labelled_by(label.id);
            });
            if ui
                .add_enabled(idle, egui::Button::new(RUN.get(lang)))
                .clicked()
            {
                self.start(ui.ctx());
            }
        });
        if self.is_running() {
            let p = self.progress;
            let fraction = p.map_or(0.0, |p| p.fraction());
            let text = p.map_or_else(String::new, |p| progress_text(&p, lang));
            ui.add(ProgressBar::new(fraction).text(text));
            // The thread repaints on news; this keeps the bar moving between them too.
            ui.ctx().request_repaint_after(Duration::from_millis(250));
        }
        if let Some(error) = &self.error {
            ui.colored_label(
                ui.visuals().error_fg_color,
                format!("{}: {error}", FAILED.get(lang)),
            );
        }
        if let Some(report) = &self.report {
            report_ui(ui, report, lang);
        }
    }
}

fn progress_text(p: &Progress, lang: Lang) -> String {
    let what = match p.phase {
        Phase::Idle => IDLE_PHASE.get(lang).to_string(),
        Phase::Deliver => p.technique.name().to_string(),
    };
    let (connected, finished, clients) = (p.connected, p.finished, p.clients);
    let (step, steps) = (p.step + 1, p.steps);
    match lang {
        Lang::En => {
            format!("{step}/{steps} {what}: {connected}/{clients} connected, {finished} done")
        }
        Lang::Zh => {
            format!("{step}/{steps} {what}：已连接 {connected}/{clients}，已完成 {finished}")
        }
    }
}

fn report_ui(ui: &mut egui::Ui, report: &ScaleReport, lang: Lang) {
    ui.label(RichText::new(table::workload(report, lang)).strong());
    Grid::new("scale-table")
        .num_columns(9)
        .striped(true)
        .show(ui, |ui| {
            for head in [
                table::text::TECHNIQUE.get(lang),
                table::text::COMPLETE.get(lang),
                table::text::CONNECTIONS.get(lang),
                table::text::PER_EVENT.get(lang),
                table::text::PER_SEC.get(lang),
                table::text::PER_SEC_DOWN.get(lang),
            ] {
                ui.label(RichText::new(head).strong());
            }
            for n in table::CLIENT_COUNTS {
                ui.label(RichText::new(format!("Mbps @ {n}")).strong());
            }
            ui.end_row();
            for run in &report.techniques {
                let row = Row::of(run);
                ui.label(row.technique.name());
                ui.label(format!("{}/{}", row.complete, row.clients));
                ui.label(row.connections.to_string());
                ui.label(format!("{:.1}", row.per_event));
                ui.label(format!("{:.1}", row.per_sec));
                ui.label(format!("{:.1}", row.per_sec_down));
                for mbps in row.mbps {
                    ui.label(format!("{mbps:.3}"));
                }
                ui.end_row();
            }
            for published in &LUBBERS {
                ui.label(published.label.get(lang))
                    .on_hover_text(published.counts.get(lang));
                ui.label(PUBLISHED.get(lang));
                for _ in 0..4 {
                    ui.label("");
                }
                for mbps in published.mbps() {
                    ui.label(mbps.to_string());
                }
                ui.end_row();
            }
        });
    ui.small(table::text::MEASURED_COUNTS.get(lang));
    for published in &LUBBERS {
        ui.small(format!(
            "{}: {}",
            published.label.get(lang),
            published.counts.get(lang)
        ));
    }
    for run in &report.techniques {
        if let Some(l) = &run.outcome.latency {
            ui.label(format!(
                "{} {}: {}",
                run.technique.name(),
                table::text::LATENCY.get(lang),
                table::latency(l, lang)
            ));
        }
    }
    if let Some(line) = table::idle(report, lang) {
        ui.label(line);
    }
}
