//! The lab: a real local server and scripted real clients on 127.0.0.1, traced by the socket
//! tap. Runs on its own tokio runtime thread; views talk to it through [`Lab`] (commands in,
//! [`LabUpdate`]s out) and never block.
//!
//! The types below are the contract used by the GUI, the CLI and tests; the submodules hold
//! the parts: [`server`] (axum router + our accept loop), [`tap`] (the socket tap),
//! [`collector`] (tap records → trace), [`client`] (scripted clients), [`scenario`] (the
//! catalogue as data), [`runner`] (stages and their expectations), [`gate`] (step mode).
//!
//! External clients (a browser on the demo page, `curl`) are traced too: into the current
//! run's trace, or, when no run is active, into a fresh trace (a `RunStarted` with scenario
//! `"external"` and an empty stage list) — so `Lab::start` alone is the `wirelab serve` server.
//!
//! Packet mode ([`CaptureMode`]): with capture permission, a live capture on the loopback
//! interface (filter `tcp port <lab port>`, one per lab) adds the real TCP handshake and
//! teardown packets, with relative seq/ack, to the connections the tap traces
//! ([`collector`] merges them in time order). Without permission `Auto` goes on with the
//! socket tap and says why ([`LabUpdate::CaptureMode`]).

pub mod client;
pub mod collector;
pub mod gate;
pub mod runner;
pub mod scenario;
pub mod server;
pub mod tap;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::sync::oneshot;

use crate::capture::live::{self as live_capture, LiveCapture, LiveError, LiveMode, LiveOptions};
use crate::trace::{Trace, TraceUpdate};
use client::AbortOnDrop;
use collector::Collector;
use gate::Gates;
use runner::RunContext;

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
}

impl Default for LabConfig {
    fn default() -> Self {
        LabConfig {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            pace_ms: 0,
            capture: CaptureMode::Auto,
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
    /// One line for `wirelab run --list` and the GUI picker.
    pub summary: &'static str,
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
    commands: UnboundedSender<LabCommand>,
    updates: Receiver<LabUpdate>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Lab {
    /// Starts the runtime thread and the server. `repaint` is called whenever updates are
    /// waiting (the GUI passes `ctx.request_repaint`).
    pub fn start(
        config: LabConfig,
        repaint: Option<Box<dyn Fn() + Send + Sync>>,
    ) -> anyhow::Result<Lab> {
        let listener = std::net::TcpListener::bind(config.bind)
            .with_context(|| format!("cannot listen on {}", config.bind))?;
        listener.set_nonblocking(true)?;
        let server_addr = listener.local_addr()?;
        // Woken by the capture thread whenever it has packets for the collector.
        let captured = Arc::new(tokio::sync::Notify::new());
        let (capture, capture_reason) = {
            let captured = captured.clone();
            choose_capture(config.capture, server_addr, move || {
                start_capture(server_addr, Box::new(move || captured.notify_one()))
            })?
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
                    let listener = match tokio::net::TcpListener::from_std(listener) {
                        Ok(listener) => listener,
                        Err(err) => {
                            let _ = ready_tx.send(Err(err.into()));
                            return;
                        }
                    };
                    let _ = ready_tx.send(Ok(()));
                    let collector = Arc::new(Collector::new(server_addr, update_tx, repaint));
                    collector.set_capture(capture.is_some(), capture_reason);
                    let _capture = capture.map(|capture| {
                        AbortOnDrop(tokio::spawn(pump_capture(
                            capture,
                            captured,
                            collector.clone(),
                        )))
                    });
                    let gates = Arc::new(Gates::default());
                    let (tap_tx, mut tap_rx) = unbounded_channel();
                    let router = server::router(Arc::new(server::ServerState::new(gates.clone())));
                    let _server =
                        AbortOnDrop(tokio::spawn(server::accept_loop(listener, router, tap_tx)));
                    let sink = collector.clone();
                    let _collect = AbortOnDrop(tokio::spawn(async move {
                        while let Some(record) = tap_rx.recv().await {
                            sink.record(record);
                        }
                    }));
                    let ctx = Arc::new(RunContext {
                        collector,
                        gates,
                        server: server_addr,
                        pace_ms: config.pace_ms,
                    });
                    let _control = AbortOnDrop(tokio::spawn(control(command_rx, ctx)));
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
    }
}

/// Applies commands: one run at a time; a new Start or a Reset aborts the current run.
async fn control(mut commands: UnboundedReceiver<LabCommand>, ctx: Arc<RunContext>) {
    let mut current: Option<(AbortOnDrop, UnboundedSender<()>)> = None;
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
                    ctx.collector
                        .finish(LabUpdate::Failed(unknown_scenario(&name)));
                    continue;
                };
                let labels = scenario.stages.iter().map(|s| s.label.clone()).collect();
                ctx.collector.start_run(Some(&name), mode, labels);
                let (steps, step_rx) = unbounded_channel();
                let task = tokio::spawn(runner::run(scenario, mode, ctx.clone(), step_rx));
                current = Some((AbortOnDrop(task), steps));
            }
            LabCommand::Step => {
                if let Some((_, steps)) = &current {
                    let _ = steps.send(());
                }
            }
            LabCommand::Reset => {
                current = None;
                ctx.gates.open_all();
                ctx.collector.clear_run();
            }
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
    mut observe: impl FnMut(&LabUpdate),
) -> anyhow::Result<Trace> {
    if scenario::scenario(scenario).is_none() {
        anyhow::bail!("{}", unknown_scenario(scenario));
    }
    let lab = Lab::start(config, None)?;
    lab.send(LabCommand::Start {
        scenario: scenario.to_string(),
        mode: RunMode::Run,
    });
    let mut trace: Option<Trace> = None;
    // Each stage is bounded by its own timeout; this only guards against a silent lab.
    let quiet = runner::STAGE_TIMEOUT + Duration::from_secs(10);
    let mut last = Instant::now();
    loop {
        let Some(update) = lab.recv_timeout(Duration::from_millis(500)) else {
            if last.elapsed() > quiet {
                anyhow::bail!("the lab stopped answering while running {scenario}");
            }
            continue;
        };
        last = Instant::now();
        observe(&update);
        match update {
            LabUpdate::RunStarted { trace: t, .. } => trace = Some(t),
            LabUpdate::Trace(u) => {
                if let Some(t) = trace.as_mut() {
                    t.apply(u);
                }
            }
            LabUpdate::Finished => break,
            LabUpdate::Failed(message) => anyhow::bail!("{scenario} failed: {message}"),
            LabUpdate::StageStarted { .. }
            | LabUpdate::StageDone { .. }
            | LabUpdate::CaptureMode { .. } => {}
        }
    }
    trace.context("the lab finished without starting a run")
}

/// Starts the lab's packet capture: the loopback interface, the lab's port, TCP packet
/// events only (the tap has the bytes).
fn start_capture(
    server: SocketAddr,
    notify: Box<dyn Fn() + Send + Sync>,
) -> Result<LiveCapture, LiveError> {
    LiveCapture::start_with(
        LiveOptions {
            device: loopback_device(),
            filter: format!("tcp port {}", server.port()),
            write: None,
        },
        LiveMode::TcpEvents,
        Some(notify),
    )
}

/// The loopback interface's name as libpcap calls it (`lo` on Linux, `lo0` on macOS, ...).
fn loopback_device() -> String {
    let fallback = if cfg!(target_os = "linux") {
        "lo"
    } else {
        "lo0"
    };
    pcap::Device::list()
        .ok()
        .and_then(|list| list.into_iter().find(|d| d.flags.is_loopback()))
        .map_or_else(|| fallback.to_string(), |d| d.name)
}

/// Decides whether the lab captures packets: `start` opens the capture. Returns the capture
/// (if any) and, without one, why in one line; an error only for [`CaptureMode::Packet`].
fn choose_capture<C>(
    mode: CaptureMode,
    server: SocketAddr,
    start: impl FnOnce() -> Result<C, LiveError>,
) -> anyhow::Result<(Option<C>, Option<String>)> {
    if mode == CaptureMode::Socket {
        // Asked for: nothing to explain.
        return Ok((None, None));
    }
    if !server.ip().is_loopback() && !server.ip().is_unspecified() {
        let why = format!(
            "the lab listens on {}, and packet mode watches the loopback interface only",
            server.ip()
        );
        return match mode {
            CaptureMode::Packet => Err(anyhow::anyhow!("--capture packet: {why}")),
            _ => Ok((None, Some(why))),
        };
    }
    match start() {
        Ok(capture) => Ok((Some(capture), None)),
        Err(err) if mode == CaptureMode::Packet => Err(anyhow::Error::new(err)),
        Err(err) => Ok((None, Some(one_line_reason(&err)))),
    }
}

/// Why packets are not captured, in one line (the full help goes with `--capture packet`).
fn one_line_reason(err: &LiveError) -> String {
    match err {
        LiveError::Permission { device, detail } => {
            let fix = if cfg!(target_os = "linux") {
                let exe = std::env::current_exe()
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|_| "wirelab".to_string());
                format!("grant it with `sudo setcap cap_net_raw,cap_net_admin=eip {exe}`")
            } else {
                "run with --capture packet to see how to grant it".to_string()
            };
            format!("no permission to capture packets on {device} ({detail}); {fix}")
        }
        other => other
            .to_string()
            .lines()
            .next()
            .unwrap_or_default()
            .to_string(),
    }
}

/// Feeds the capture's updates to the collector, and releases what waited too long for
/// packets (so a lost packet delays a connection by at most [`collector::WITNESS_TIMEOUT`]).
async fn pump_capture(
    capture: LiveCapture,
    captured: Arc<tokio::sync::Notify>,
    collector: Arc<Collector>,
) {
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = captured.notified() => {}
            _ = tick.tick() => collector.tick(Instant::now()),
        }
        while let Some(update) = capture.try_recv() {
            let stopped = matches!(update, live_capture::LiveUpdate::Stopped { .. });
            collector.capture_update(update);
            if stopped {
                return;
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn loopback() -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], 8088))
    }

    fn denied() -> Result<u8, LiveError> {
        Err(LiveError::Permission {
            device: "lo".to_string(),
            detail: "socket: Operation not permitted".to_string(),
        })
    }

    #[test]
    fn socket_mode_never_tries_to_capture() {
        let (capture, reason) = choose_capture(
            CaptureMode::Socket,
            loopback(),
            || -> Result<u8, LiveError> { panic!("socket mode must not open a capture") },
        )
        .unwrap();
        assert_eq!((capture, reason), (None, None));
    }

    #[test]
    fn auto_uses_packets_when_permitted_and_says_why_not_otherwise() {
        let (capture, reason) = choose_capture(CaptureMode::Auto, loopback(), || Ok(7u8)).unwrap();
        assert_eq!((capture, reason), (Some(7), None));
        let (capture, reason) = choose_capture(CaptureMode::Auto, loopback(), denied).unwrap();
        assert_eq!(capture, None);
        let reason = reason.unwrap();
        assert!(!reason.contains('\n'), "one line: {reason}");
        assert!(
            reason.contains("no permission to capture packets on lo"),
            "{reason}"
        );
        if cfg!(target_os = "linux") {
            assert!(
                reason.contains("setcap cap_net_raw,cap_net_admin=eip"),
                "{reason}"
            );
        }
        // Another failure (no such device) is a reason too, not an error.
        let (capture, reason) = choose_capture(
            CaptureMode::Auto,
            loopback(),
            || -> Result<u8, LiveError> {
                Err(LiveError::Device {
                    device: "lo".to_string(),
                    detail: "no such device".to_string(),
                })
            },
        )
        .unwrap();
        assert_eq!(capture, None);
        assert!(reason.unwrap().contains("no such device"));
    }

    #[test]
    fn packet_mode_fails_with_the_permission_help() {
        let err = choose_capture(CaptureMode::Packet, loopback(), denied).unwrap_err();
        let text = format!("{err:#}");
        assert!(text.contains("no permission to capture on lo"), "{text}");
        assert!(text.contains(&live_capture::permission_help()), "{text}");
        let (capture, _) = choose_capture(CaptureMode::Packet, loopback(), || Ok(1u8)).unwrap();
        assert_eq!(capture, Some(1));
    }

    #[test]
    fn a_lab_off_loopback_does_not_capture_loopback_packets() {
        let outside = SocketAddr::from(([192, 0, 2, 1], 80));
        let (capture, reason) = choose_capture(CaptureMode::Auto, outside, || Ok(1u8)).unwrap();
        assert_eq!(capture, None);
        assert!(reason.unwrap().contains("loopback"));
        assert!(choose_capture(CaptureMode::Packet, outside, || Ok(1u8)).is_err());
        // A wildcard bind is reached over loopback by the lab's own clients.
        let any = SocketAddr::from(([0, 0, 0, 0], 80));
        let (capture, _) = choose_capture(CaptureMode::Auto, any, || Ok(1u8)).unwrap();
        assert_eq!(capture, Some(1));
    }
}
