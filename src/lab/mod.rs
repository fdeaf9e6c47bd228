//! The lab: a real local server and scripted real clients on 127.0.0.1, traced by the socket
//! tap. Runs on its own tokio runtime thread; views talk to it through [`Lab`] (commands in,
//! [`LabUpdate`]s out) and never block.
//!
//! The types below are the contract used by the GUI, the CLI and tests; the submodules hold
//! the parts: [`runner`] (a run, top to bottom: start here), [`scenario`] (the catalogue as
//! data), [`client`] (scripted clients), [`server`] (axum router + our accept loop), [`gate`]
//! (the server waits for its stage), [`tap`] (the socket tap), [`collector`] (what was
//! observed → trace), [`merge`] (socket and packet observations in time order), [`outbox`]
//! (updates to the view), [`packets`] (packet mode's capture).
//!
//! External clients (a browser on the demo page, `curl`) are traced too, each in its own lane
//! ("external client 127.0.0.1:PORT"): into the current run's trace, or, when no run is
//! active, into a fresh trace (a `RunStarted` with scenario `"external"` and an empty stage
//! list) — so `Lab::start` alone is the `wirelab serve` server. A new run's trace begins with
//! the external connections seen before it (a Reset keeps those still open), so a browser's
//! traffic is never lost to a run.
//!
//! Packet mode ([`CaptureMode`]): with capture permission, a live capture on the loopback
//! interface (filter `tcp port <lab port>`, one per lab) adds the real TCP handshake and
//! teardown packets, with relative seq/ack, to the connections the tap traces
//! ([`merge`] puts them in time order). Without permission `Auto` goes on with the
//! socket tap and says why ([`LabUpdate::CaptureMode`]).

pub mod client;
pub mod collector;
pub mod compare;
pub mod gate;
pub mod lesson;
pub mod link;
pub mod merge;
pub mod outbox;
pub mod packets;
pub mod pcapng;
pub mod push_client;
pub mod runner;
pub mod scale;
pub mod scenario;
pub mod server;
pub mod tap;
pub mod tls;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::sync::oneshot;

use crate::trace::{Trace, TraceUpdate};
use client::AbortOnDrop;
use collector::Collector;
use gate::Gates;
use outbox::{Outbox, Repaint};
use packets::{choose_capture, pump_capture, start_capture};
use runner::{ActiveRun, RunContext};

/// How the lab is set up.
#[derive(Clone, Debug)]
pub struct LabConfig {
    /// Where the lab server listens. Default `127.0.0.1:0` (an ephemeral port, loopback only).
    pub bind: SocketAddr,
    /// Pause between stages in [`RunMode::Run`], so a person can watch the diagram fill in.
    /// 0 for scripts and tests. Presentation only, never used for synchronisation.
    pub pace_ms: u64,
    /// Whether packets are captured too. Default [`CaptureMode::Auto`].
    pub capture: CaptureMode,
    /// Where packet mode keeps the packets (whole, as pcapng). Default [`PacketFile::None`].
    pub pcapng: PacketFile,
    /// The language the trace's stage captions are written in. Default English.
    pub lang: crate::lang::Lang,
    /// The link the lab's own clients go through (emulated at the socket by a relay, see
    /// [`link`]); [`LabCommand::SetLink`] changes it for later runs. Default: none.
    pub link: link::LinkConditions,
}

/// Where packet mode keeps the packets it captures, as pcapng (for Wireshark): then whole
/// packets are captured, not only their headers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum PacketFile {
    /// Nowhere: only the headers are captured.
    #[default]
    None,
    /// In this file (`wirelab run --pcapng OUT`); the lab fails to start without capture.
    Keep(std::path::PathBuf),
    /// In a file of the temporary directory, removed when the lab stops, from which
    /// [`Lab::save_run_pcapng`] copies a run's packets (the GUI's "Save pcapng…").
    Scratch,
}

impl Default for LabConfig {
    fn default() -> Self {
        LabConfig {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            pace_ms: 0,
            capture: CaptureMode::Auto,
            pcapng: PacketFile::None,
            lang: crate::lang::Lang::En,
            link: link::LinkConditions::default(),
        }
    }
}

/// How the lab observes its connections.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CaptureMode {
    /// Packets too when this user may capture on the loopback interface; otherwise the socket
    /// tap alone (and [`LabUpdate::CaptureMode`] says why).
    #[default]
    Auto,
    /// The socket tap alone: no packet capture is attempted.
    Socket,
    /// Packets too, or [`Lab::start`] fails (with how to grant the permission).
    Packet,
}

/// Run all stages, or one stage per [`LabCommand::Step`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunMode {
    /// All stages back to back.
    Run,
    /// One stage per Step command.
    Step,
}

/// What a view asks the lab to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LabCommand {
    /// Start `scenario` (clears the current run).
    Start {
        /// A scenario name from [`scenarios`].
        scenario: String,
        /// Run or step.
        mode: RunMode,
    },
    /// In step mode: run the next stage. In run mode: ignored.
    Step,
    /// Abort the current run and clear its trace (the server keeps running).
    Reset,
    /// Start a compare run (clears the current run): four clients, one event source
    /// ([`compare`]).
    Compare(compare::CompareConfig),
    /// The link the lab's own clients go through from the next run on (the current run
    /// keeps its own). External clients are never emulated.
    SetLink(link::LinkConditions),
}

/// What the lab tells a view.
#[derive(Clone, Debug, PartialEq)]
pub enum LabUpdate {
    /// A run began: the view replaces its trace with `trace` (empty, with source and start).
    RunStarted {
        /// The scenario.
        scenario: String,
        /// Run or step.
        mode: RunMode,
        /// The empty trace the updates apply to.
        trace: Trace,
        /// Every stage's label, in order.
        stages: Vec<String>,
    },
    /// An incremental trace change of the current run.
    Trace(TraceUpdate),
    /// Stage `index` began.
    StageStarted {
        /// 0-based.
        index: usize,
        /// Its label.
        label: String,
    },
    /// Stage `index` finished; `next` is the label of the stage the next Step runs.
    StageDone {
        /// 0-based.
        index: usize,
        /// Its label.
        label: String,
        /// The next stage, `None` when the scenario is complete.
        next: Option<String>,
    },
    /// The server's handler for connection `conn` waits on its gate for a server stage; the
    /// trace updates before this one hold everything it said so far (socket mode). Lets a
    /// test prove the server had its chance to answer early and did not; views ignore it.
    ServerHeld {
        /// The connection's id in the run's trace.
        conn: u32,
    },
    /// The run finished (all stages done).
    Finished,
    /// The run failed; the trace so far stays.
    Failed(String),
    /// Whether packet capture is in use (sent first by [`Lab::start`], and again if the
    /// capture stops). Applies to runs started from then on; `Trace.source.capture` of each
    /// run says `"packet+socket"` or `"socket"`.
    CaptureMode {
        /// Packets are captured and merged with the socket tap's observations.
        packets: bool,
        /// Why packets are not used, in one line (`None` when they are, or when the socket
        /// tap alone was asked for).
        reason: Option<String>,
    },
}

/// A scenario's name and one-line summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScenarioInfo {
    /// e.g. `"ws-echo"`.
    pub name: &'static str,
    /// One line for `wirelab run --list` and the GUI picker, in every language.
    pub summary: crate::lang::Text,
}

/// Every scenario, in display order.
pub fn scenarios() -> Vec<ScenarioInfo> {
    scenario::CATALOGUE.to_vec()
}

/// The error for a scenario name that does not exist.
fn unknown_scenario(name: &str) -> String {
    format!("unknown scenario \"{name}\"; valid: {}", scenario::names())
}

/// A running lab: server + runtime thread. Dropping it stops both.
pub struct Lab {
    server_addr: SocketAddr,
    /// The file packet mode writes, if any, and whether it is a scratch file.
    pcapng: Option<(std::path::PathBuf, PacketFile)>,
    commands: UnboundedSender<LabCommand>,
    updates: Receiver<LabUpdate>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Lab {
    /// Starts the runtime thread and the server. `repaint` is called whenever updates are
    /// waiting (the GUI passes `ctx.request_repaint`).
    pub fn start(config: LabConfig, repaint: Option<Repaint>) -> anyhow::Result<Lab> {
        let listener = server::bind(config.bind)
            .with_context(|| format!("cannot listen on {}", config.bind))?;
        let server_addr = listener.local_addr()?;
        // Woken by the capture thread whenever it has packets for the collector.
        let captured = Arc::new(tokio::sync::Notify::new());
        let pcapng_path = match &config.pcapng {
            PacketFile::None => None,
            PacketFile::Keep(path) => Some(path.clone()),
            PacketFile::Scratch => Some(pcapng::scratch_path(server_addr.port())),
        };
        let (capture, capture_reason) = {
            let captured = captured.clone();
            let write = pcapng_path.clone();
            choose_capture(config.capture, server_addr, move || {
                start_capture(server_addr, write, Box::new(move || captured.notify_one()))
            })?
        };
        if let (PacketFile::Keep(path), None) = (&config.pcapng, &capture) {
            anyhow::bail!(
                "cannot save packets to {}: {}",
                path.display(),
                capture_reason
                    .as_deref()
                    .unwrap_or("packet capture is off (--capture socket)")
            );
        }
        let pcapng = pcapng_path
            .filter(|_| capture.is_some())
            .map(|p| (p, config.pcapng.clone()));
        // wss://: without a certificate the lab still serves ws:// and http://.
        let tls = match tls::LabTls::generate() {
            Ok(tls) => Some(Arc::new(tls)),
            Err(err) => {
                tracing::warn!("the lab serves no wss://: {err:#}");
                None
            }
        };
        let (commands, command_rx) = unbounded_channel();
        let (update_tx, updates) = std::sync::mpsc::channel();
        let (stop, stop_rx) = oneshot::channel();
        let (ready_tx, ready_rx) = std::sync::mpsc::sync_channel::<anyhow::Result<()>>(1);
        let thread = std::thread::Builder::new()
            .name("wirelab-lab".to_string())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .thread_name("wirelab-lab-worker")
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(err) => {
                        let _ = ready_tx.send(Err(err.into()));
                        return;
                    }
                };
                runtime.block_on(async move {
                    let listener = match server::listen(listener) {
                        Ok(listener) => listener,
                        Err(err) => {
                            let _ = ready_tx.send(Err(err.into()));
                            return;
                        }
                    };
                    let _ = ready_tx.send(Ok(()));
                    let outbox = Arc::new(Outbox::new(update_tx, repaint));
                    let collector = Arc::new(Collector::new(server_addr, outbox.clone()));
                    collector.set_capture(capture.is_some(), capture_reason);
                    let _capture = capture.map(|capture| {
                        AbortOnDrop(tokio::spawn(pump_capture(
                            capture,
                            captured,
                            collector.clone(),
                        )))
                    });
                    let (tap_tx, mut tap_rx) = unbounded_channel();
                    let gates = Arc::new(Gates::reporting_to(tap_tx.clone()));
                    let state = Arc::new(server::ServerState::new(gates.clone()));
                    let events = state.events();
                    let recorder = collector.clone();
                    events.record_to(Arc::new(move |id, bytes, at| {
                        recorder.source_event(id, bytes, at);
                    }));
                    let router = server::router(state);
                    let _server = AbortOnDrop(tokio::spawn(server::accept_loop(
                        listener,
                        router,
                        tap_tx,
                        tls.clone(),
                    )));
                    let sink = collector.clone();
                    let _collect = AbortOnDrop(tokio::spawn(async move {
                        while let Some(record) = tap_rx.recv().await {
                            sink.record(record);
                        }
                    }));
                    let ctx = Arc::new(RunContext {
                        collector,
                        outbox,
                        gates,
                        server: server_addr,
                        pace_ms: config.pace_ms,
                        tls,
                        lang: config.lang,
                        events,
                    });
                    let _control = AbortOnDrop(tokio::spawn(control(command_rx, ctx, config.link)));
                    // Serve until the Lab is dropped (or its sender is).
                    let _ = stop_rx.await;
                });
                runtime.shutdown_timeout(Duration::from_secs(2));
            })
            .context("cannot start the lab thread")?;
        match ready_rx.recv() {
            Ok(Ok(())) => {}
            Ok(Err(err)) => return Err(err.context("cannot start the lab runtime")),
            Err(_) => anyhow::bail!("the lab thread ended while starting"),
        }
        Ok(Lab {
            server_addr,
            pcapng,
            commands,
            updates,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// The server's address (the real ephemeral port).
    pub fn server_addr(&self) -> SocketAddr {
        self.server_addr
    }

    /// Copies the packets captured since `since` (a run's `started_at`) into the pcapng file
    /// `to`; returns how many. An error when this lab keeps no packets (no packet capture).
    pub fn save_run_pcapng(
        &self,
        since: chrono::DateTime<chrono::Utc>,
        to: &std::path::Path,
    ) -> anyhow::Result<u64> {
        let Some((from, _)) = &self.pcapng else {
            anyhow::bail!(
                "no packets to save: this lab observes at the socket only (packet capture is off or not permitted)"
            );
        };
        pcapng::copy_since(from, since, to)
    }

    /// Sends a command; never blocks.
    pub fn send(&self, cmd: LabCommand) {
        // The runtime only stops when the Lab is dropped, so this cannot fail while `self` lives.
        let _ = self.commands.send(cmd);
    }

    /// The next waiting update, if any; never blocks.
    pub fn try_recv(&self) -> Option<LabUpdate> {
        self.updates.try_recv().ok()
    }

    /// The next update, waiting at most `timeout` (for the CLI and tests, never the GUI).
    pub fn recv_timeout(&self, timeout: Duration) -> Option<LabUpdate> {
        self.updates.recv_timeout(timeout).ok()
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        if let Some((path, PacketFile::Scratch)) = &self.pcapng {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Applies commands: one run at a time; a new Start or a Reset aborts the current run.
async fn control(
    mut commands: UnboundedReceiver<LabCommand>,
    ctx: Arc<RunContext>,
    mut link: link::LinkConditions,
) {
    let mut current: Option<ActiveRun> = None;
    while let Some(command) = commands.recv().await {
        match command {
            LabCommand::Start {
                scenario: name,
                mode,
            } => {
                // Abort first (its clients go away), then let its server handlers finish.
                current = None;
                ctx.gates.open_all();
                let Some(scenario) = scenario::scenario(&name) else {
                    ctx.outbox.send(LabUpdate::Failed(unknown_scenario(&name)));
                    continue;
                };
                current = Some(runner::start(scenario, mode, link, ctx.clone()));
            }
            LabCommand::Step => {
                if let Some(run) = &current {
                    run.step();
                }
            }
            LabCommand::Compare(config) => {
                // Abort first (its clients go away), then let its server handlers finish.
                drop(current.take());
                ctx.gates.open_all();
                current = Some(compare::start(config, ctx.clone()));
            }
            LabCommand::Reset => {
                current = None;
                ctx.gates.open_all();
                ctx.collector.clear_run();
            }
            LabCommand::SetLink(conditions) => link = conditions,
        }
    }
}

/// Runs `scenario` to completion on a fresh lab and returns its trace (CLI and tests).
/// An unknown name is an error listing the valid ones.
pub fn run_scenario(scenario: &str, config: LabConfig) -> anyhow::Result<Trace> {
    run_scenario_observed(scenario, config, |_| {})
}

/// [`run_scenario`], showing `observe` every update as it arrives (e.g. to tell the user
/// about [`LabUpdate::CaptureMode`]).
pub fn run_scenario_observed(
    scenario: &str,
    config: LabConfig,
    observe: impl FnMut(&LabUpdate),
) -> anyhow::Result<Trace> {
    if scenario::scenario(scenario).is_none() {
        anyhow::bail!("{}", unknown_scenario(scenario));
    }
    let lab = Lab::start(config, None)?;
    lab.send(LabCommand::Start {
        scenario: scenario.to_string(),
        mode: RunMode::Run,
    });
    collect_run(&lab, scenario, runner::STAGE_TIMEOUT, observe)
}

/// The trace of the run just started on `lab`, once it is finished; `name` for errors.
/// `stage_timeout` bounds how long the lab may stay silent (plus a margin).
fn collect_run(
    lab: &Lab,
    scenario: &str,
    stage_timeout: Duration,
    observe: impl FnMut(&LabUpdate),
) -> anyhow::Result<Trace> {
    let mut trace = None;
    collect_until(lab, &mut trace, scenario, stage_timeout, observe, |u| {
        matches!(u, LabUpdate::Finished)
    })?;
    trace.context("the lab finished without starting a run")
}

/// Applies `lab`'s updates to `trace` (a `RunStarted` replaces it) until `done` says an
/// update is the one awaited (it is applied first); a `Failed` run is an error, and so is a
/// lab silent for longer than `stage_timeout` plus a margin. `name` is for errors.
pub(crate) fn collect_until(
    lab: &Lab,
    trace: &mut Option<Trace>,
    name: &str,
    stage_timeout: Duration,
    mut observe: impl FnMut(&LabUpdate),
    mut done: impl FnMut(&LabUpdate) -> bool,
) -> anyhow::Result<()> {
    // Each stage is bounded by its own timeout; this only guards against a silent lab.
    let quiet = stage_timeout + Duration::from_secs(10);
    let mut last = Instant::now();
    loop {
        let Some(update) = lab.recv_timeout(Duration::from_millis(500)) else {
            if last.elapsed() > quiet {
                anyhow::bail!("the lab stopped answering while running {name}");
            }
            continue;
        };
        last = Instant::now();
        observe(&update);
        let finished = done(&update);
        apply_update(trace, update)
            .map_err(|message| anyhow::anyhow!("{name} failed: {message}"))?;
        if finished {
            return Ok(());
        }
    }
}

/// Applies one update of a run to its trace (a `RunStarted` replaces it); `Err` with the
/// lab's message when the run failed.
pub(crate) fn apply_update(trace: &mut Option<Trace>, update: LabUpdate) -> Result<(), String> {
    match update {
        LabUpdate::RunStarted { trace: t, .. } => *trace = Some(t),
        LabUpdate::Trace(u) => {
            if let Some(t) = trace.as_mut() {
                t.apply(u);
            }
        }
        LabUpdate::Failed(message) => return Err(message),
        LabUpdate::Finished
        | LabUpdate::StageStarted { .. }
        | LabUpdate::StageDone { .. }
        | LabUpdate::ServerHeld { .. }
        | LabUpdate::CaptureMode { .. } => {}
    }
    Ok(())
}
