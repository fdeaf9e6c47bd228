//! A run, top to bottom. Everything a run does is in this file; the parts it uses only act
//! ([`super::client`]: the scripted clients), hold ([`super::gate`]: the server's handlers wait
//! for their stage) or record ([`super::collector`]: what was observed, into the trace).
//!
//! 1. [`start`]: the collector begins the run's trace (the view gets `RunStarted`), and the
//!    run's task starts.
//! 2. `run` spawns one client per lane, then, for each stage of the scenario:
//!    - waits for its turn (one Step in step mode, the pace in run mode) and announces it;
//!    - performs its action: a client stage sends the client its next action (a connect is
//!      announced to the collector and gated first); a server stage releases one gate permit
//!      per listed client, so the server says its next thing only now (in both modes, so
//!      Run is exactly Step pressed automatically);
//!    - waits (bounded by [`STAGE_TIMEOUT`]) until each of the stage's [`EventMatcher`]s is
//!      met by a distinct trace event, passing on what the clients report meanwhile (their
//!      `connect()` times, their failures);
//!    - records its end in the trace and announces it.
//! 3. The clients read on until the server closes and close their sockets; in packet mode
//!    the last teardown packets are awaited; the view gets `Finished` (or, at the first
//!    failure, `Failed`).

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use super::client::{AbortOnDrop, Client, ClientAction, ClientReport};
use super::collector::Collector;
use super::gate::Gates;
use super::link::{LinkConditions, RUN_SEED, Relay, Route};
use super::outbox::Outbox;
use super::push_client::{DialHook, Dialed, Dialer};
use super::scenario::{Action, Actor, Scenario, Stage};
use super::{LabUpdate, RunMode};
use crate::trace::matcher::{ConnSelector, EventMatcher};

/// How long a stage may take before the run fails (generous: a loaded 2-core machine).
pub const STAGE_TIMEOUT: Duration = Duration::from_secs(20);

/// How long, after the last stage, a client may take to see the server's close and close its
/// own socket before it is aborted.
pub const CLIENT_FINISH_TIMEOUT: Duration = Duration::from_secs(2);

/// In packet mode, how long the end of a run waits for the last teardown packets (FIN, ACK)
/// to be captured, so the finished trace has them.
pub const TEARDOWN_TIMEOUT: Duration = Duration::from_secs(2);

/// What a run needs from the lab.
pub struct RunContext {
    /// Records the trace; answers what it holds.
    pub collector: Arc<Collector>,
    /// Where the run's announcements go, and the trace's change signal.
    pub outbox: Arc<Outbox>,
    /// The server handlers' gates.
    pub gates: Arc<Gates>,
    /// The lab server.
    pub server: SocketAddr,
    /// Pause between stages in run mode.
    pub pace_ms: u64,
    /// The lab's TLS (`wss://`), if its certificate could be made.
    pub tls: Option<Arc<super::tls::LabTls>>,
    /// The language of the stage captions the trace records.
    pub lang: crate::lang::Lang,
    /// The push endpoints' event hub.
    pub events: Arc<super::server::push::EventHub>,
}

/// The run in progress; dropping it aborts the run (its clients go away with it).
pub struct ActiveRun {
    _task: AbortOnDrop,
    steps: UnboundedSender<()>,
}

impl ActiveRun {
    /// A run without stages to step (a compare run): `task` is aborted when it is dropped.
    pub(crate) fn of_task(task: AbortOnDrop) -> ActiveRun {
        let (steps, _) = unbounded_channel();
        ActiveRun { _task: task, steps }
    }

    /// Lets a step-mode run take its next stage.
    pub fn step(&self) {
        // The run may have finished: a step then does nothing.
        let _ = self.steps.send(());
    }
}

/// Begins `scenario`'s trace and starts running it (see the module docs).
/// The lab's own clients go through `link` (see [`super::link`]) when it emulates anything.
pub fn start(
    scenario: Scenario,
    mode: RunMode,
    link: LinkConditions,
    ctx: Arc<RunContext>,
) -> ActiveRun {
    let labels = scenario
        .stages
        .iter()
        .map(|s| s.caption(ctx.lang).to_string())
        .collect();
    let record = link.is_emulated().then(|| link.record());
    ctx.collector
        .start_linked_run(Some(scenario.info.name), mode, labels, record);
    let (steps, step_rx) = unbounded_channel();
    let task = tokio::spawn(run(scenario, mode, link, ctx, step_rx));
    ActiveRun {
        _task: AbortOnDrop(task),
        steps,
    }
}

/// Runs `scenario` to its end (`Finished`) or first failure (`Failed`). In step mode, one
/// stage per message on `steps`.
async fn run(
    scenario: Scenario,
    mode: RunMode,
    link: LinkConditions,
    ctx: Arc<RunContext>,
    mut steps: UnboundedReceiver<()>,
) {
    let server = connectable(ctx.server);
    let route = if link.is_emulated() {
        match Relay::start(server, link, RUN_SEED).await {
            Ok(relay) => Route::relayed(relay),
            Err(err) => {
                ctx.outbox.send(LabUpdate::Failed(format!(
                    "cannot start the link emulation's relay: {err}"
                )));
                return;
            }
        }
    } else {
        Route::direct(server)
    };
    let (reports_tx, reports) = unbounded_channel();
    let mut runner = Runner {
        clients: scenario
            .clients
            .iter()
            .map(|label| Client::spawn(label, reports_tx.clone()))
            .collect(),
        addrs: vec![None; scenario.clients.len()],
        reports,
        ctx: ctx.clone(),
        route,
    };
    drop(reports_tx);
    let mut floor = 0;
    let mut taken = HashSet::new();
    for (index, stage) in scenario.stages.iter().enumerate() {
        match mode {
            RunMode::Step => {
                if steps.recv().await.is_none() {
                    return;
                }
            }
            RunMode::Run if index > 0 && ctx.pace_ms > 0 => {
                tokio::time::sleep(Duration::from_millis(ctx.pace_ms)).await;
            }
            RunMode::Run => {}
        }
        ctx.outbox.send(LabUpdate::StageStarted {
            index,
            label: stage.caption(ctx.lang).to_string(),
        });
        if let Actor::Client(_) = stage.actor {
            // What a stage waits for is caused by the latest client action (server stages
            // answer it), so older events cannot satisfy it.
            floor = ctx.collector.event_count();
        }
        let outcome = match runner.perform(stage) {
            Ok(()) => runner.wait(stage, floor, &taken).await,
            Err(message) => Err(message),
        };
        match outcome {
            Ok(found) => taken.extend(found),
            Err(message) => {
                // Handlers still waiting for this run's server stages must not hang forever.
                ctx.gates.open_all();
                ctx.outbox.send(LabUpdate::Failed(format!(
                    "stage {} \"{}\": {message}",
                    index + 1,
                    stage.caption(ctx.lang)
                )));
                return;
            }
        }
        ctx.collector.stage_done(index, stage.caption(ctx.lang));
        ctx.outbox.send(LabUpdate::StageDone {
            index,
            label: stage.caption(ctx.lang).to_string(),
            next: scenario
                .stages
                .get(index + 1)
                .map(|s| s.caption(ctx.lang).to_string()),
        });
    }
    // The clients read on until the server closes, then close their sockets themselves.
    for client in runner.clients.drain(..) {
        client.finish(CLIENT_FINISH_TIMEOUT).await;
    }
    await_teardown(&ctx).await;
    ctx.outbox.send(LabUpdate::Finished);
}

/// Waits (at most [`TEARDOWN_TIMEOUT`]) until the capture saw every connection's teardown.
async fn await_teardown(ctx: &RunContext) {
    let deadline = tokio::time::Instant::now() + TEARDOWN_TIMEOUT;
    loop {
        let changed = ctx.outbox.changed();
        tokio::pin!(changed);
        changed.as_mut().enable();
        if ctx.collector.teardown_captured() {
            return;
        }
        tokio::select! {
            () = &mut changed => {}
            () = tokio::time::sleep_until(deadline) => {
                tracing::debug!("lab: not every teardown was captured");
                return;
            }
        }
    }
}

struct Runner {
    clients: Vec<Client>,
    /// Each client's address once it is bound (the key of its connection and gate).
    addrs: Vec<Option<SocketAddr>>,
    /// What the clients report.
    reports: UnboundedReceiver<ClientReport>,
    ctx: Arc<RunContext>,
    /// How the clients reach the server (through the link relay when emulated).
    route: Route,
}

impl Runner {
    fn client(&self, i: usize) -> Result<&Client, String> {
        self.clients
            .get(i)
            .ok_or_else(|| format!("the scenario has no client {i}"))
    }

    fn send(&self, i: usize, action: ClientAction) -> Result<(), String> {
        let client = self.client(i)?;
        client
            .actions
            .send(action)
            .map_err(|_| format!("client {} has stopped", client.label))
    }

    fn perform(&mut self, stage: &Stage) -> Result<(), String> {
        match (&stage.actor, &stage.action) {
            (Actor::Server, Action::Release(clients)) => {
                for &i in clients {
                    if let Some(addr) = self.addrs.get(i).copied().flatten() {
                        self.ctx.gates.release(addr);
                    }
                }
                Ok(())
            }
            (Actor::Server, _) => Err("the server can only take its next step".to_string()),
            (Actor::Client(i), Action::Connect) => {
                let i = *i;
                let label = self.client(i)?.label.clone();
                let connect = self
                    .route
                    .prepare()
                    .map_err(|e| format!("{label}: cannot make a socket: {e}"))?;
                let local = connect.seen_as();
                // Announced before connect(): the server may accept before connect() returns.
                self.ctx.collector.expect_client(local, &label);
                // Gated in both modes: a server stage answers only when its stage runs, so
                // the trace reads in causal order (a stage's marker before the next stage's
                // events) and Run is exactly Step pressed automatically.
                self.ctx.gates.install(local);
                if let Some(slot) = self.addrs.get_mut(i) {
                    *slot = Some(local);
                }
                self.send(i, ClientAction::Connect(connect))
            }
            (
                Actor::Client(i),
                Action::Upgrade {
                    path,
                    protocols,
                    deflate,
                },
            ) => self.send(
                *i,
                ClientAction::Upgrade {
                    path: path.clone(),
                    protocols: protocols.clone(),
                    deflate: *deflate,
                },
            ),
            (Actor::Client(i), Action::HttpGet { path }) => {
                self.send(*i, ClientAction::HttpGet { path: path.clone() })
            }
            (Actor::Client(i), Action::Send(message)) => {
                self.send(*i, ClientAction::Send(message.clone()))
            }
            (Actor::Client(i), Action::CloseTcp) => self.send(*i, ClientAction::CloseTcp),
            (
                Actor::Client(i),
                Action::Handshake {
                    path,
                    origin,
                    key,
                    outcome,
                },
            ) => self.send(
                *i,
                ClientAction::Handshake {
                    path: path.clone(),
                    origin: origin.clone(),
                    key: *key,
                    outcome: *outcome,
                },
            ),
            (Actor::Client(i), Action::Request(spec)) => {
                self.send(*i, ClientAction::Request(spec.clone()))
            }
            (Actor::Client(i), Action::SendRaw(bytes)) => {
                self.send(*i, ClientAction::SendRaw(bytes.clone()))
            }
            (Actor::Client(i), Action::StopAnswering) => self.send(*i, ClientAction::StopAnswering),
            (Actor::Client(i), Action::TlsHandshake) => {
                let tls = self.ctx.tls.clone().ok_or_else(|| {
                    "the lab could not make its TLS certificate, so it has no wss://".to_string()
                })?;
                self.send(*i, ClientAction::TlsHandshake(tls))
            }
            (Actor::Client(i), Action::Push(spec)) => {
                // The push endpoints are not gated: their pace is the event source's (the
                // WebSocket upgrade and close would otherwise wait for server stages).
                if let Some(addr) = self.addrs.get(*i).copied().flatten() {
                    self.ctx.gates.open(addr);
                }
                let label = self.client(*i)?.label.clone();
                let collector = self.ctx.collector.clone();
                // Each further connection is put on the client's lane before its connect().
                let hook: DialHook = Arc::new(move |dialed| match dialed {
                    Dialed::Bound(local) => collector.expect_client(local, &label),
                    Dialed::Connected(local, at) => collector.client_connected(local, at),
                    Dialed::Read(local, total, at) => collector.client_read(local, total, at),
                });
                let dialer = Dialer::along(self.route.clone(), Some(hook));
                self.send(
                    *i,
                    ClientAction::Push {
                        spec: *spec,
                        dialer,
                    },
                )
            }
            (Actor::Client(_), Action::Release(_)) => {
                Err("a client cannot release the server".to_string())
            }
        }
    }

    /// Waits until every expectation of `stage` is met by a distinct, unclaimed event at or
    /// after `floor`; returns the events' indices. Meanwhile passes the clients' reports on.
    async fn wait(
        &mut self,
        stage: &Stage,
        floor: usize,
        taken: &HashSet<usize>,
    ) -> Result<Vec<usize>, String> {
        let deadline = tokio::time::Instant::now() + STAGE_TIMEOUT;
        let ctx = self.ctx.clone();
        // A push client's stage also waits for the client to have received everything: how
        // many requests that takes is the technique's business, not the stage's.
        let mut receiving = matches!(stage.action, Action::Push(_));
        // Once it is done: one response in the trace per request it sent.
        let mut answered: Vec<EventMatcher> = Vec::new();
        loop {
            let changed = ctx.outbox.changed();
            tokio::pin!(changed);
            // Registered before checking, so a change between the check and the wait is not missed.
            changed.as_mut().enable();
            let missing = match claim(&ctx.collector, &stage.expect, floor, taken) {
                Ok(found) if !receiving => match claim(&ctx.collector, &answered, floor, taken) {
                    Ok(more) => {
                        let mut all = found;
                        all.extend(
                            more.into_iter()
                                .filter(|i| !all.contains(i))
                                .collect::<Vec<_>>(),
                        );
                        return Ok(all);
                    }
                    Err(missing) => Some(missing),
                },
                Ok(_) => None,
                Err(missing) => Some(missing),
            };
            tokio::select! {
                () = &mut changed => {}
                Some(report) = self.reports.recv() => match report {
                    ClientReport::Connected { local, at } => {
                        ctx.collector.client_connected(local, at);
                    }
                    ClientReport::ConnectFailed { local, message } => {
                        ctx.collector.forget_client(local);
                        return Err(message);
                    }
                    ClientReport::Failed(message) => return Err(message),
                    ClientReport::PushDone { label, requests } => {
                        receiving = false;
                        let response = EventMatcher::kind("http_response")
                            .on_lane(&label)
                            .dir(crate::trace::Dir::S2c);
                        answered = vec![response; requests as usize];
                    }
                },
                () = tokio::time::sleep_until(deadline) => {
                    return Err(missing.map_or_else(
                        || format!(
                            "the client had not received every event after {} s",
                            STAGE_TIMEOUT.as_secs()
                        ),
                        not_seen,
                    ));
                }
            }
        }
    }
}

/// Finds a distinct event at or after `floor`, not in `taken`, for each of `expect`, in
/// order; the first one without an event is missing.
fn claim<'a>(
    collector: &Collector,
    expect: &'a [EventMatcher],
    floor: usize,
    taken: &HashSet<usize>,
) -> Result<Vec<usize>, &'a EventMatcher> {
    let mut claimed = taken.clone();
    let mut found = Vec::new();
    for matcher in expect {
        let i = collector.find(matcher, floor, &claimed).ok_or(matcher)?;
        claimed.insert(i);
        found.push(i);
    }
    Ok(found)
}

/// Why a stage failed: the event it waited for did not come.
fn not_seen(missing: &EventMatcher) -> String {
    let who = match &missing.conn {
        Some(ConnSelector::Lane(lane)) => lane.clone(),
        Some(ConnSelector::Id(id)) => format!("#{id}"),
        None => "any".to_string(),
    };
    let kind = missing.kind.as_deref().unwrap_or("matching");
    let dir = missing.dir.map_or("", |d| d.as_str());
    let opcode = missing
        .opcode
        .map(|o| format!(" opcode {o:#x}"))
        .unwrap_or_default();
    format!(
        "no {kind} {dir}{opcode} event on {who}'s connection after {} s",
        STAGE_TIMEOUT.as_secs()
    )
}

/// The address a client can connect to: a wildcard bind is reached over loopback.
pub(crate) fn connectable(server: SocketAddr) -> SocketAddr {
    match server.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), server.port())
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), server.port())
        }
        _ => server,
    }
}
