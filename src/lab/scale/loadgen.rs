//! The load generator: the child process (`wirelab loadgen`, hidden) that runs the scale run's
//! clients, all on one tokio runtime, so their descriptors count against its own open-file
//! limit and not the server's. It reads a [`Plan`] from stdin, starts the clients at the
//! plan's pace, each bound to one of the source addresses 127.0.0.2 … (so 10,000 clients do not
//! exhaust one address's ephemeral ports), and writes [`Report`]s to stdout.
//!
//! Polling and SSE clients are the lab's own push clients ([`push_client::receive`]);
//! WebSocket clients read here, because each message's arrival time is measured against the
//! creation stamp the server put in it (`stamp=1`, [`WireEvent::created_ns`]).

use std::io::{BufRead as _, Write as _};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use futures_util::StreamExt as _;
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::watch;
use tungstenite::Message;
use tungstenite::protocol::WebSocketConfig;

use super::clock;
use super::plan::{Latency, Outcome, Phase, Plan, Report, ScaleTechnique};
use super::process::raise_nofile;
use crate::lab::push_client::{self, Dialer, KeepAlive, PushSpec};
use crate::lab::server::push::{WS_PATH, WireEvent};

/// How many failures the outcome names (the rest are counted).
const ERRORS_KEPT: usize = 5;

/// Runs the load generator on this process's stdin and stdout until its clients are done.
pub fn main() -> anyhow::Result<()> {
    let mut stdin = std::io::stdin().lock();
    let mut line = String::new();
    stdin
        .read_line(&mut line)
        .context("reading the plan from stdin")?;
    let plan: Plan = match serde_json::from_str(&line) {
        Ok(plan) => plan,
        Err(err) => {
            let why = format!("the plan is not valid: {err}");
            emit(&Report::Failed(why.clone()));
            anyhow::bail!(why);
        }
    };
    drop(stdin);
    // Any further line (or the end of stdin) releases the idle clients.
    let (release, released) = watch::channel(false);
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = std::io::stdin().lock().read_line(&mut line);
        release.send_replace(true);
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the load generator's runtime")?;
    let outcome = runtime.block_on(run(plan, released));
    emit(&Report::Done(outcome));
    Ok(())
}

/// One line to the parent.
fn emit(report: &Report) {
    if let Ok(text) = serde_json::to_string(report) {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{text}");
        let _ = out.flush();
    }
}

/// What every client shares.
struct Shared {
    plan: Plan,
    connected: AtomicU32,
    /// Clients that failed before they were connected.
    never_connected: AtomicU32,
    finished: AtomicU32,
    /// When the last client connected (or failed to), on the shared clock; 0 before.
    all_connected_ns: AtomicU64,
    errors: Mutex<Vec<String>>,
    released: watch::Receiver<bool>,
}

impl Shared {
    fn connected_one(&self) {
        let n = self.connected.fetch_add(1, Ordering::Relaxed) + 1;
        self.check_all_connected(n);
    }

    fn check_all_connected(&self, connected: u32) {
        let failed = self.never_connected.load(Ordering::Relaxed);
        if connected + failed >= self.plan.clients {
            let _ = self.all_connected_ns.compare_exchange(
                0,
                clock::now_ns(),
                Ordering::Relaxed,
                Ordering::Relaxed,
            );
        }
    }

    fn fail(&self, error: String, stage: Stage) {
        if let Ok(mut errors) = self.errors.lock() {
            errors.push(error);
        }
        if stage == Stage::Connecting {
            self.never_connected.fetch_add(1, Ordering::Relaxed);
            self.check_all_connected(self.connected.load(Ordering::Relaxed));
        }
    }
}

/// How far a client got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    /// Connecting (and for WebSocket, upgrading).
    Connecting,
    /// Connected.
    Connected,
}

/// What one client brought back.
#[derive(Default)]
struct ClientEnd {
    ids: Vec<u64>,
    stamp_bytes: u64,
    latencies_us: Vec<u64>,
}

async fn run(plan: Plan, released: watch::Receiver<bool>) -> Outcome {
    let nofile = raise_nofile();
    let shared = Arc::new(Shared {
        plan: plan.clone(),
        connected: AtomicU32::new(0),
        never_connected: AtomicU32::new(0),
        finished: AtomicU32::new(0),
        all_connected_ns: AtomicU64::new(0),
        errors: Mutex::new(Vec::new()),
        released,
    });
    let progress = {
        let shared = shared.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(250));
            let mut sent_ready = false;
            loop {
                tick.tick().await;
                let connected = shared.connected.load(Ordering::Relaxed);
                let finished = shared.finished.load(Ordering::Relaxed);
                emit(&Report::Progress {
                    connected,
                    finished,
                });
                let ready = shared.all_connected_ns.load(Ordering::Relaxed) != 0;
                if shared.plan.phase == Phase::Idle && ready && !sent_ready {
                    sent_ready = true;
                    emit(&Report::Ready { connected });
                }
            }
        })
    };
    let started = Instant::now();
    let start = tokio::time::Instant::now();
    let ramp = f64::from(plan.ramp_per_sec.max(1));
    let mut clients = Vec::with_capacity(plan.clients as usize);
    for i in 0..plan.clients {
        tokio::time::sleep_until(start + Duration::from_secs_f64(f64::from(i) / ramp)).await;
        let shared = shared.clone();
        clients.push(tokio::spawn(async move {
            let mut stage = Stage::Connecting;
            let end = client(i, &shared, &mut stage).await;
            shared.finished.fetch_add(1, Ordering::Relaxed);
            match end {
                Ok(end) => Some(end),
                Err(err) => {
                    shared.fail(err, stage);
                    None
                }
            }
        }));
    }
    let expected: Vec<u64> = (1..=u64::from(plan.events)).collect();
    let (mut in_order, mut events_received, mut latencies) = (0, 0, Vec::new());
    let mut stamp_bytes = 0;
    for handle in clients {
        if let Ok(Some(end)) = handle.await {
            events_received += end.ids.len() as u64;
            stamp_bytes += end.stamp_bytes;
            if plan.phase == Phase::Deliver && end.ids == expected {
                in_order += 1;
            }
            latencies.extend(end.latencies_us);
        }
    }
    progress.abort();
    let errors = shared.errors.lock().map(|e| e.clone()).unwrap_or_default();
    Outcome {
        clients: plan.clients,
        connected: shared.connected.load(Ordering::Relaxed),
        failed: errors.len() as u32,
        in_order,
        events_received,
        stamp_bytes,
        errors: errors.into_iter().take(ERRORS_KEPT).collect(),
        latency: Latency::of(latencies),
        wall_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        nofile,
    }
}

/// The source address of client `i`.
fn source(plan: &Plan, i: u32) -> IpAddr {
    if plan.server.is_ipv4() {
        let spread = u32::from(plan.source_addrs.max(1));
        let last = 2 + (i % spread).min(250);
        IpAddr::V4(Ipv4Addr::new(127, 0, 0, last as u8))
    } else {
        plan.server.ip()
    }
}

/// A connection from `from` to the server, bound before `connect()`.
async fn dial(from: IpAddr, server: SocketAddr) -> Result<TcpStream, String> {
    let failed = |e: std::io::Error| format!("connect from {from} to {server}: {e}");
    let socket = match from {
        IpAddr::V4(_) => TcpSocket::new_v4(),
        IpAddr::V6(_) => TcpSocket::new_v6(),
    }
    .map_err(failed)?;
    socket.bind(SocketAddr::new(from, 0)).map_err(failed)?;
    let stream = socket.connect(server).await.map_err(failed)?;
    let _ = stream.set_nodelay(true);
    Ok(stream)
}

async fn client(i: u32, shared: &Shared, stage: &mut Stage) -> Result<ClientEnd, String> {
    let plan = &shared.plan;
    let stream = dial(source(plan, i), plan.server).await?;
    match plan.technique {
        ScaleTechnique::WebSocket => websocket(stream, shared, stage).await,
        technique => {
            *stage = Stage::Connected;
            shared.connected_one();
            let spec = PushSpec {
                technique: technique.client(Duration::from_millis(plan.poll_ms)),
                keep_alive: KeepAlive::On,
                workload: plan.workload(),
                head: plan.head.request_head(),
            };
            let seen_as = stream
                .local_addr()
                .map_err(|e| format!("the connection's address: {e}"))?;
            let first = push_client::Opened { stream, seen_as };
            let delivery =
                push_client::receive(spec, Some(first), &Dialer::new(plan.server, None)).await?;
            Ok(ClientEnd {
                ids: delivery.ids,
                ..ClientEnd::default()
            })
        }
    }
}

/// The bytes `,"created_ns":N` adds to a message's JSON.
fn stamp_len(created_ns: u64) -> u64 {
    ",\"created_ns\":".len() as u64 + created_ns.to_string().len() as u64
}

/// The WebSocket client's own limits: it receives small events, so a small read buffer.
fn client_config() -> WebSocketConfig {
    WebSocketConfig::default().read_buffer_size(4 * 1024)
}

/// WebSocket push with each message's latency: its arrival here minus its creation stamp.
async fn websocket(
    stream: TcpStream,
    shared: &Shared,
    stage: &mut Stage,
) -> Result<ClientEnd, String> {
    let plan = &shared.plan;
    let url = format!(
        "ws://{}{WS_PATH}?{}&stamp=1",
        plan.server,
        plan.workload().query()
    );
    let (mut ws, _) =
        tokio_tungstenite::client_async_with_config(url.as_str(), stream, Some(client_config()))
            .await
            .map_err(|e| format!("the upgrade to {url} failed: {e}"))?;
    *stage = Stage::Connected;
    shared.connected_one();
    let mut end = ClientEnd::default();
    if plan.phase == Phase::Idle {
        let mut released = shared.released.clone();
        let _ = released.wait_for(|&r| r).await;
        let _ = ws.close(None).await;
    }
    while let Some(message) = ws.next().await {
        let arrived = clock::now_ns();
        match message {
            Ok(Message::Text(text)) => {
                let event: WireEvent = serde_json::from_str(text.as_str())
                    .map_err(|e| format!("a message is not an event: {e}"))?;
                end.ids.push(event.id);
                if let Some(created) = event.created_ns {
                    end.stamp_bytes += stamp_len(created);
                }
                let steady_from = shared.all_connected_ns.load(Ordering::Relaxed);
                if let Some(created) = event.created_ns
                    && steady_from != 0
                    && created >= steady_from
                {
                    end.latencies_us
                        .push(arrived.saturating_sub(created) / 1_000);
                }
            }
            Ok(_) => {}
            Err(tungstenite::Error::ConnectionClosed) => break,
            Err(err) => return Err(format!("the WebSocket connection failed: {err}")),
        }
    }
    Ok(end)
}
