//! Runs a scenario's stages: performs each stage's action, then waits (on the collector's
//! notifications, bounded by a timeout) until the events the stage expects are in the trace.
//! In step mode each stage waits for one Step. In both modes server stages release one gate
//! permit, so the server answers only when its stage runs.

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpSocket;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

use super::client::{Client, ClientAction};
use super::collector::{Collector, EventMatch};
use super::gate::Gates;
use super::scenario::{Action, Actor, Scenario, Stage};
use super::{LabUpdate, RunMode};

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
    /// Where trace events appear.
    pub collector: Arc<Collector>,
    /// The server handlers' gates.
    pub gates: Arc<Gates>,
    /// The lab server.
    pub server: SocketAddr,
    /// Pause between stages in run mode.
    pub pace_ms: u64,
}

/// Runs `scenario` to its end (`Finished`) or first failure (`Failed`). In step mode, one
/// stage per message on `steps`.
pub async fn run(
    scenario: Scenario,
    mode: RunMode,
    ctx: Arc<RunContext>,
    mut steps: UnboundedReceiver<()>,
) {
    let (failures_tx, mut failures) = unbounded_channel();
    let mut runner = Runner {
        clients: scenario
            .clients
            .iter()
            .map(|label| Client::spawn(label, ctx.collector.clone(), failures_tx.clone()))
            .collect(),
        addrs: vec![None; scenario.clients.len()],
        ctx: ctx.clone(),
    };
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
        ctx.collector.stage_started(index, &stage.label);
        if let Actor::Client(_) = stage.actor {
            // What a stage waits for is caused by the latest client action (server stages
            // answer it), so older events cannot satisfy it.
            floor = ctx.collector.event_count();
        }
        let outcome = match runner.perform(stage) {
            Ok(()) => runner.wait(stage, floor, &taken, &mut failures).await,
            Err(message) => Err(message),
        };
        match outcome {
            Ok(found) => taken.extend(found),
            Err(message) => {
                // Handlers still waiting for this run's server stages must not hang forever.
                ctx.gates.open_all();
                ctx.collector.finish(LabUpdate::Failed(format!(
                    "stage {} \"{}\": {message}",
                    index + 1,
                    stage.label
                )));
                return;
            }
        }
        let next = scenario.stages.get(index + 1).map(|s| s.label.clone());
        ctx.collector.stage_done(index, &stage.label, next);
    }
    // The clients read on until the server closes, then close their sockets themselves.
    for client in runner.clients.drain(..) {
        client.finish(CLIENT_FINISH_TIMEOUT).await;
    }
    await_teardown(&ctx.collector).await;
    ctx.collector.finish(LabUpdate::Finished);
}

/// Waits (at most [`TEARDOWN_TIMEOUT`]) until the capture saw every connection's teardown.
async fn await_teardown(collector: &Collector) {
    let deadline = tokio::time::Instant::now() + TEARDOWN_TIMEOUT;
    loop {
        let changed = collector.changed();
        tokio::pin!(changed);
        changed.as_mut().enable();
        if collector.teardown_captured() {
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
    ctx: Arc<RunContext>,
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
                let server = connectable(self.ctx.server);
                let (socket, local) = bind_client(server)
                    .map_err(|e| format!("{label}: cannot make a socket: {e}"))?;
                // Announced before connect(): the server may accept before connect() returns.
                self.ctx.collector.expect_client(local, &label);
                // Gated in both modes: a server stage answers only when its stage runs, so
                // the trace reads in causal order (a stage's marker before the next stage's
                // events) and Run is exactly Step pressed automatically.
                self.ctx.gates.install(local);
                if let Some(slot) = self.addrs.get_mut(i) {
                    *slot = Some(local);
                }
                self.send(i, ClientAction::Connect { socket, server })
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
            (Actor::Client(_), Action::Release(_)) => {
                Err("a client cannot release the server".to_string())
            }
        }
    }

    /// Waits until every expectation of `stage` is met by a distinct, unclaimed event at or
    /// after `floor`; returns the events' indices.
    async fn wait(
        &self,
        stage: &Stage,
        floor: usize,
        taken: &HashSet<usize>,
        failures: &mut UnboundedReceiver<String>,
    ) -> Result<Vec<usize>, String> {
        let deadline = tokio::time::Instant::now() + STAGE_TIMEOUT;
        loop {
            let changed = self.ctx.collector.changed();
            tokio::pin!(changed);
            // Registered before checking, so a change between the check and the wait is not missed.
            changed.as_mut().enable();
            let mut claimed = taken.clone();
            let mut found = Vec::new();
            let mut missing = None;
            for expect in &stage.expect {
                let conn = self
                    .addrs
                    .get(expect.client)
                    .copied()
                    .flatten()
                    .and_then(|addr| self.ctx.collector.conn_id(addr));
                let hit = conn.and_then(|conn| {
                    let m = EventMatch {
                        conn,
                        kind: expect.kind,
                        dir: expect.dir,
                        opcode: expect.opcode,
                    };
                    self.ctx.collector.find(&m, floor, &claimed)
                });
                match hit {
                    Some(i) => {
                        claimed.insert(i);
                        found.push(i);
                    }
                    None => {
                        missing = Some(*expect);
                        break;
                    }
                }
            }
            let Some(missing) = missing else {
                return Ok(found);
            };
            tokio::select! {
                () = &mut changed => {}
                Some(message) = failures.recv() => return Err(message),
                () = tokio::time::sleep_until(deadline) => {
                    let who = self.clients.get(missing.client).map_or("?", |c| c.label.as_str());
                    let dir = missing.dir.map_or("", |d| d.as_str());
                    let opcode = missing.opcode.map(|o| format!(" opcode {o:#x}")).unwrap_or_default();
                    return Err(format!(
                        "no {} {dir}{opcode} event on {who}'s connection after {} s",
                        missing.kind,
                        STAGE_TIMEOUT.as_secs()
                    ));
                }
            }
        }
    }
}

/// The address a client can connect to: a wildcard bind is reached over loopback.
fn connectable(server: SocketAddr) -> SocketAddr {
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

/// A socket bound to an ephemeral port on `server`'s interface, so the client's
/// address (which the server will see) is known before `connect()`.
fn bind_client(server: SocketAddr) -> std::io::Result<(TcpSocket, SocketAddr)> {
    let socket = if server.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    // The server runs on this machine, so its address is one of ours.
    socket.bind(SocketAddr::new(server.ip(), 0))?;
    let local = socket.local_addr()?;
    Ok((socket, local))
}
