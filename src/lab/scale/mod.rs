//! The scale run (issue 9): N clients per push technique against the lab server, the bytes its
//! sockets read and wrote per client and per second, the server's memory per idle WebSocket
//! connection, and WebSocket delivery latency at thousands of messages per second.
//!
//! The server runs in this process ([`serve`]), with the lab's own router and push endpoints
//! (listen backlog [`LISTEN_BACKLOG`](crate::lab::server::LISTEN_BACKLOG), the push endpoint's
//! small tungstenite buffers); the clients run in a child process, the load generator
//! ([`loadgen`], `wirelab loadgen`), so the two sides' descriptors count against two open-file
//! limits. They talk in JSON lines ([`plan`]). One phase per technique, each with a fresh
//! server, and first an idle phase: N WebSocket connections that only stay open, measured as
//! the server's `VmRSS` after minus before. [`table`] turns the counts into the Lubbers-style
//! table. Latency is measured by the load generator: each event carries its creation time on
//! `CLOCK_MONOTONIC` ([`clock`]), which both processes share.

pub mod clock;
pub mod loadgen;
pub mod plan;
pub mod process;
pub mod serve;
pub mod table;

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::Context as _;
use serde::Serialize;

use crate::lab::server::push::Timing;
pub use plan::{Head, Latency, Outcome, Phase, Plan, Report, ScaleTechnique};
use process::NofileLimit;
use serve::{ScaleServer, WireCounts};

/// The most clients per technique (each is a descriptor on both sides).
pub const MAX_CLIENTS: u32 = 15_000;

/// How many clients share one source address.
const CLIENTS_PER_SOURCE: u32 = 2_000;

/// Whether the run measures the server's memory per idle WebSocket connection first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum IdleProbe {
    /// N idle WebSocket connections, before the techniques.
    Measure,
    /// No idle phase.
    Skip,
}

/// What a scale run does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScaleConfig {
    /// The `wirelab` binary that runs the load generator (`wirelab loadgen`).
    pub loadgen: PathBuf,
    /// The techniques, one phase each, in this order.
    pub techniques: Vec<ScaleTechnique>,
    /// Clients per technique.
    pub clients: u32,
    /// Events the source emits per phase.
    pub events: u32,
    /// Their interval.
    pub interval: Duration,
    /// Each event's payload.
    pub payload_bytes: usize,
    /// Regular gaps, or random ones with the interval as their mean.
    pub timing: Timing,
    /// Short polling's interval.
    pub poll_every: Duration,
    /// The polling and SSE clients' request heads (WebSocket clients send tungstenite's).
    pub head: Head,
    /// Clients started per second.
    pub ramp_per_sec: u32,
    /// The idle-memory phase.
    pub idle: IdleProbe,
}

impl ScaleConfig {
    /// 1,000 clients per technique, 10 events of 16 B one second apart, polls every second
    /// (the Lubbers workload's rate), ramping 2,000 clients a second; the load generator is
    /// this executable.
    pub fn new(loadgen: PathBuf) -> ScaleConfig {
        ScaleConfig {
            loadgen,
            techniques: ScaleTechnique::ALL.to_vec(),
            clients: 1_000,
            events: 10,
            interval: Duration::from_secs(1),
            payload_bytes: 16,
            timing: Timing::Regular,
            poll_every: Duration::from_secs(1),
            head: Head::Minimal,
            ramp_per_sec: 2_000,
            idle: IdleProbe::Measure,
        }
    }

    /// The plan of one phase.
    fn plan(&self, server: std::net::SocketAddr, technique: ScaleTechnique, phase: Phase) -> Plan {
        let (events, interval_ms) = match phase {
            // One event an hour away: the connections stay idle while measured.
            Phase::Idle => (1, 3_600_000),
            Phase::Deliver => (
                self.events,
                u64::try_from(self.interval.as_millis()).unwrap_or(u64::MAX),
            ),
        };
        Plan {
            server,
            technique,
            phase,
            clients: self.clients,
            events,
            interval_ms,
            payload_bytes: self.payload_bytes,
            seed: match (phase, self.timing) {
                (Phase::Deliver, Timing::Random { seed }) => Some(seed),
                _ => None,
            },
            poll_ms: u64::try_from(self.poll_every.as_millis()).unwrap_or(u64::MAX),
            head: self.head,
            ramp_per_sec: self.ramp_per_sec,
            source_addrs: u8::try_from(self.clients.div_ceil(CLIENTS_PER_SOURCE).clamp(1, 250))
                .unwrap_or(250),
        }
    }
}

/// How far a run is, for a progress bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// The phase running (0-based) and how many there are.
    pub step: usize,
    /// How many phases.
    pub steps: usize,
    /// The technique of this phase.
    pub technique: ScaleTechnique,
    /// Idle or delivering.
    pub phase: Phase,
    /// Clients of this phase.
    pub clients: u32,
    /// Connected so far.
    pub connected: u32,
    /// Ended so far.
    pub finished: u32,
}

impl Progress {
    /// The whole run's progress, 0 to 1: phases done, plus half this phase's connects and half
    /// its ends.
    pub fn fraction(&self) -> f32 {
        let clients = self.clients.max(1) as f32;
        let within =
            0.5 * (self.connected as f32 / clients) + 0.5 * (self.finished as f32 / clients);
        ((self.step as f32 + within.min(1.0)) / self.steps.max(1) as f32).min(1.0)
    }
}

/// The server's memory per idle WebSocket connection.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct IdleMemory {
    /// Idle connections open when measured.
    pub connections: u32,
    /// The server process's `VmRSS` before the clients connected, in bytes.
    pub rss_before: u64,
    /// Its `VmRSS` with every connection open, in bytes.
    pub rss_after: u64,
    /// (after − before) / connections, in bytes: everything the server holds per connection
    /// (socket tap, hyper, tungstenite, the session task), not the kernel's socket buffers.
    pub bytes_per_connection: f64,
}

/// One technique's phase.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TechniqueRun {
    /// The technique.
    pub technique: ScaleTechnique,
    /// What the load generator saw (clients, failures, order, latency).
    pub outcome: Outcome,
    /// What the server's sockets read and wrote.
    pub wire: WireCounts,
    /// The events each client should have received.
    pub events: u32,
    /// The seconds the source took to emit them (events × interval).
    pub emitting_secs: f64,
}

impl TechniqueRun {
    /// The bytes the server wrote, without the latency measurement's creation stamps.
    pub fn bytes_down(&self) -> u64 {
        self.wire
            .bytes_down
            .saturating_sub(self.outcome.stamp_bytes)
    }

    /// TCP payload bytes (both ways) per client per event, everything included (connection
    /// set-up, every request and response, frames) but the creation stamps.
    pub fn bytes_per_client_per_event(&self) -> f64 {
        let total = (self.wire.bytes_up + self.bytes_down()) as f64;
        total / f64::from(self.outcome.clients.max(1)) / f64::from(self.events.max(1))
    }

    /// Bytes per client per second of the workload, both ways and server → client alone
    /// (creation stamps left out).
    pub fn bytes_per_client_per_sec(&self) -> (f64, f64) {
        let per = |bytes: u64| {
            bytes as f64 / f64::from(self.outcome.clients.max(1)) / self.emitting_secs.max(1e-3)
        };
        (
            per(self.wire.bytes_up + self.bytes_down()),
            per(self.bytes_down()),
        )
    }

    /// Whether every client got every event, in order, and none failed.
    pub fn complete(&self) -> bool {
        self.outcome.failed == 0 && self.outcome.in_order == self.outcome.clients
    }
}

/// A whole scale run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScaleReport {
    /// Clients per technique.
    pub clients: u32,
    /// Events per phase, their interval (ms) and payload size.
    pub events: u32,
    /// The events' interval, in milliseconds.
    pub interval_ms: u64,
    /// Each event's payload, in bytes.
    pub payload_bytes: usize,
    /// Short polling's interval, in milliseconds.
    pub poll_ms: u64,
    /// The polling and SSE clients' request heads.
    pub head: Head,
    /// The server process's open-file limit (raised to the hard limit).
    pub server_nofile: NofileLimit,
    /// The idle phase, if measured.
    pub idle: Option<IdleMemory>,
    /// One phase per technique.
    pub techniques: Vec<TechniqueRun>,
}

/// Runs a scale run, blocking (start it on a thread of its own from a GUI); `progress` is told
/// how far it is a few times a second.
pub fn run(
    config: &ScaleConfig,
    mut progress: impl FnMut(Progress),
) -> anyhow::Result<ScaleReport> {
    anyhow::ensure!(
        (1..=MAX_CLIENTS).contains(&config.clients),
        "the scale run takes 1 to {MAX_CLIENTS} clients per technique, not {}",
        config.clients
    );
    let server_nofile = process::raise_nofile();
    let mut phases: Vec<(ScaleTechnique, Phase)> = Vec::new();
    if config.idle == IdleProbe::Measure {
        phases.push((ScaleTechnique::WebSocket, Phase::Idle));
    }
    phases.extend(config.techniques.iter().map(|&t| (t, Phase::Deliver)));
    let steps = phases.len();
    let mut report = ScaleReport {
        clients: config.clients,
        events: config.events,
        interval_ms: u64::try_from(config.interval.as_millis()).unwrap_or(u64::MAX),
        payload_bytes: config.payload_bytes,
        poll_ms: u64::try_from(config.poll_every.as_millis()).unwrap_or(u64::MAX),
        head: config.head,
        server_nofile,
        idle: None,
        techniques: Vec::new(),
    };
    for (step, (technique, phase)) in phases.into_iter().enumerate() {
        let server = ScaleServer::start()?;
        let plan = config.plan(server.addr(), technique, phase);
        let mut tell = |connected, finished| {
            progress(Progress {
                step,
                steps,
                technique,
                phase,
                clients: config.clients,
                connected,
                finished,
            })
        };
        tell(0, 0);
        let rss_before = process::rss_bytes().unwrap_or_default();
        let mut idle = None;
        let outcome = drive(config, &plan, &mut tell, |connected| {
            // Let the last handshakes' tasks settle into their idle state.
            std::thread::sleep(Duration::from_millis(500));
            let rss_after = process::rss_bytes().unwrap_or_default();
            idle = Some(IdleMemory {
                connections: connected,
                rss_before,
                rss_after,
                bytes_per_connection: rss_after.saturating_sub(rss_before) as f64
                    / f64::from(connected.max(1)),
            });
        })
        .with_context(|| format!("the scale run's {} phase", technique.name()))?;
        let wire = server.settled_counts(Duration::from_secs(2));
        drop(server);
        match phase {
            Phase::Idle => report.idle = idle,
            Phase::Deliver => report.techniques.push(TechniqueRun {
                technique,
                outcome,
                wire,
                events: plan.events,
                emitting_secs: f64::from(plan.events) * plan.interval_ms as f64 / 1_000.0,
            }),
        }
        tell(config.clients, config.clients);
    }
    Ok(report)
}

/// Kills the load generator if it is still running when dropped (an error on our side).
struct LoadGenerator(Child);

impl Drop for LoadGenerator {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
        }
        let _ = self.0.wait();
    }
}

/// Runs one phase's load generator to its end; `on_ready` measures the idle connections.
fn drive(
    config: &ScaleConfig,
    plan: &Plan,
    tell: &mut impl FnMut(u32, u32),
    mut on_ready: impl FnMut(u32),
) -> anyhow::Result<Outcome> {
    let child = Command::new(&config.loadgen)
        .arg("loadgen")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("starting the load generator {}", config.loadgen.display()))?;
    let mut child = LoadGenerator(child);
    let mut stdin = child.0.stdin.take().context("the load generator's stdin")?;
    let stdout = child
        .0
        .stdout
        .take()
        .context("the load generator's stdout")?;
    writeln!(stdin, "{}", serde_json::to_string(plan)?)?;
    stdin.flush()?;
    let (lines, reports) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let report = serde_json::from_str::<Report>(&line)
                .unwrap_or_else(|e| Report::Failed(format!("unreadable line {line:?}: {e}")));
            if lines.send(report).is_err() {
                break;
            }
        }
    });
    // Ramp, emission, the last long poll or short poll, and room for a slow machine.
    let ramp = f64::from(plan.clients) / f64::from(plan.ramp_per_sec.max(1));
    let emitting = match plan.phase {
        Phase::Idle => 0.0,
        Phase::Deliver => f64::from(plan.events) * plan.interval_ms as f64 / 1_000.0,
    };
    let patience = Duration::from_secs_f64(ramp + emitting + plan.poll_ms as f64 / 1_000.0 + 60.0);
    let deadline = std::time::Instant::now() + patience;
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let report = match reports.recv_timeout(left) {
            Ok(report) => report,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                anyhow::bail!("the load generator did not finish within {patience:?}")
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                let status = child.0.wait()?;
                anyhow::bail!("the load generator ended without a result ({status})")
            }
        };
        match report {
            Report::Progress {
                connected,
                finished,
            } => tell(connected, finished),
            Report::Ready { connected } => {
                tell(connected, 0);
                on_ready(connected);
                // Any line releases the idle clients.
                writeln!(stdin, "release")?;
                stdin.flush()?;
            }
            Report::Done(outcome) => return Ok(outcome),
            Report::Failed(why) => anyhow::bail!("the load generator failed: {why}"),
        }
    }
}
