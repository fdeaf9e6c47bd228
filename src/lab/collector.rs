//! The collector: turns tap records into one [`Trace`] per run (through [`TraceBuilder`], which
//! runs the dissectors), forwards every change to the view as [`LabUpdate`]s, and wakes the
//! runner, which waits for the events each stage expects.
//!
//! Every update leaves through [`Collector`] while its lock is held, so a view sees them in
//! the order they happened (`RunStarted` first, then trace changes and stage updates).

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::mpsc::Sender;
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use chrono::Utc;
use tokio::sync::Notify;

use super::tap::TapRecord;
use super::{LabUpdate, RunMode};
use crate::trace::{Dir, Event, EventKind, Observed, Side, Source, Trace, TraceBuilder};

/// The label of connections the lab did not make (a browser, `curl`, a test's raw socket).
pub const EXTERNAL_LABEL: &str = "external";

/// What a stage waits for: an event of `kind` on connection `conn`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EventMatch {
    /// The connection id.
    pub conn: u32,
    /// The event kind's JSON name, e.g. `"ws_message"`.
    pub kind: &'static str,
    /// The direction, or any.
    pub dir: Option<Dir>,
    /// For `ws_frame` / `ws_message`: the opcode, or any.
    pub opcode: Option<u8>,
}

impl EventMatch {
    fn matches(&self, event: &Event) -> bool {
        if event.conn != Some(self.conn) || event.kind.name() != self.kind {
            return false;
        }
        if self.dir.is_some() && event.dir != self.dir {
            return false;
        }
        match (&event.kind, self.opcode) {
            (_, None) => true,
            (
                EventKind::WsMessage { opcode, .. } | EventKind::WsFrame { opcode, .. },
                Some(want),
            ) => *opcode == want,
            _ => false,
        }
    }
}

/// A lab client announced before its `connect()`, so that the server's accept of it is paired
/// with the client's own connect time and label.
struct Pending {
    label: String,
    connected: Option<Instant>,
    accepted: Option<(Instant, SocketAddr)>,
    /// Records that arrived after the accept but before the client reported its connect.
    held: Vec<TapRecord>,
}

struct ConnState {
    id: u32,
    eof: bool,
    closed: bool,
}

struct Run {
    builder: TraceBuilder,
    t0: Instant,
    last_t_us: i64,
    conns: HashMap<SocketAddr, ConnState>,
}

impl Run {
    /// Microseconds since the run's start. Records from different tasks can reach the
    /// collector slightly out of time order; clamping keeps the trace's events in time order
    /// (the order they were observed in).
    fn t_us(&mut self, at: Instant) -> i64 {
        let t =
            i64::try_from(at.saturating_duration_since(self.t0).as_micros()).unwrap_or(i64::MAX);
        self.last_t_us = self.last_t_us.max(t);
        self.last_t_us
    }

    fn event(&mut self, at: Instant, conn: Option<u32>, kind: EventKind) {
        let t_us = self.t_us(at);
        self.builder.push_event(Event {
            t_us,
            conn,
            dir: None,
            span: None,
            kind,
        });
    }
}

#[derive(Default)]
struct State {
    run: Option<Run>,
    expected: HashMap<SocketAddr, Pending>,
}

/// Shared between the server's tap records, the runner and the control task.
pub struct Collector {
    state: Mutex<State>,
    notify: Notify,
    out: Sender<LabUpdate>,
    repaint: Option<Box<dyn Fn() + Send + Sync>>,
    server: SocketAddr,
}

impl Collector {
    /// A collector for the lab server at `server`, sending updates on `out`.
    pub fn new(
        server: SocketAddr,
        out: Sender<LabUpdate>,
        repaint: Option<Box<dyn Fn() + Send + Sync>>,
    ) -> Self {
        Collector {
            state: Mutex::new(State::default()),
            notify: Notify::new(),
            out,
            repaint,
            server,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the trace half-written in a way that
        // matters more than losing the lab, so a poisoned lock is simply taken over.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The source every lab trace carries.
    pub fn source(&self, scenario: Option<&str>) -> Source {
        Source {
            kind: "lab".to_string(),
            scenario: scenario.map(str::to_string),
            capture: Some("socket".to_string()),
            server: Some(self.server.to_string()),
            file: None,
            tool: Some(concat!("wirelab ", env!("CARGO_PKG_VERSION")).to_string()),
        }
    }

    /// Starts a fresh trace for `scenario` (None: external clients only) and announces it.
    pub fn start_run(&self, scenario: Option<&str>, mode: RunMode, stages: Vec<String>) {
        let mut state = self.lock();
        self.start_run_locked(&mut state, scenario, mode, stages);
        self.flush(&mut state);
    }

    fn start_run_locked(
        &self,
        state: &mut State,
        scenario: Option<&str>,
        mode: RunMode,
        stages: Vec<String>,
    ) {
        let builder = TraceBuilder::new(self.source(scenario), Utc::now());
        let trace = builder.trace().clone();
        state.run = Some(Run {
            builder,
            t0: Instant::now(),
            last_t_us: 0,
            conns: HashMap::new(),
        });
        state.expected.clear();
        self.send(LabUpdate::RunStarted {
            scenario: scenario.unwrap_or(EXTERNAL_LABEL).to_string(),
            mode,
            trace,
            stages,
        });
    }

    /// Forgets the current run (Reset); later connections start a fresh external trace.
    pub fn clear_run(&self) {
        let mut state = self.lock();
        state.run = None;
        state.expected.clear();
    }

    /// A lab client bound to `addr` is about to connect; its lane is called `label`.
    pub fn expect_client(&self, addr: SocketAddr, label: &str) {
        self.lock().expected.insert(
            addr,
            Pending {
                label: label.to_string(),
                connected: None,
                accepted: None,
                held: Vec::new(),
            },
        );
    }

    /// The lab client at `addr` saw its `connect()` return at `at`.
    pub fn client_connected(&self, addr: SocketAddr, at: Instant) {
        let mut state = self.lock();
        let accepted = match state.expected.get_mut(&addr) {
            Some(pending) => {
                pending.connected = Some(at);
                pending.accepted
            }
            None => return,
        };
        if let Some((accept_at, local)) = accepted {
            self.open_expected(&mut state, addr, local, accept_at);
        }
        self.flush(&mut state);
    }

    /// The lab client at `addr` failed to connect.
    pub fn forget_client(&self, addr: SocketAddr) {
        self.lock().expected.remove(&addr);
    }

    /// Takes one record from the tap.
    pub fn record(&self, record: TapRecord) {
        let mut state = self.lock();
        self.record_locked(&mut state, record);
        self.flush(&mut state);
    }

    fn record_locked(&self, state: &mut State, record: TapRecord) {
        let peer = match &record {
            TapRecord::Accept { peer, .. }
            | TapRecord::Data { peer, .. }
            | TapRecord::Eof { peer, .. }
            | TapRecord::Closed { peer, .. } => *peer,
        };
        if let Some(pending) = state.expected.get_mut(&peer) {
            match record {
                TapRecord::Accept { local, at, .. } => {
                    pending.accepted = Some((at, local));
                    if pending.connected.is_some() {
                        self.open_expected(state, peer, local, at);
                    }
                }
                other => pending.held.push(other),
            }
            return;
        }
        match record {
            TapRecord::Accept { local, at, .. } => {
                if state.run.is_none() {
                    self.start_run_locked(state, None, RunMode::Run, Vec::new());
                }
                if let Some(run) = state.run.as_mut() {
                    open(run, peer, local, EXTERNAL_LABEL, None, at);
                }
            }
            other => {
                if let Some(run) = state.run.as_mut() {
                    apply(run, peer, other);
                }
            }
        }
    }

    fn open_expected(
        &self,
        state: &mut State,
        peer: SocketAddr,
        local: SocketAddr,
        accept_at: Instant,
    ) {
        let Some(pending) = state.expected.remove(&peer) else {
            return;
        };
        if state.run.is_none() {
            self.start_run_locked(state, None, RunMode::Run, Vec::new());
        }
        if let Some(run) = state.run.as_mut() {
            open(
                run,
                peer,
                local,
                &pending.label,
                pending.connected,
                accept_at,
            );
            for held in pending.held {
                apply(run, peer, held);
            }
        }
    }

    /// The connection id of the client at `addr` in the current run.
    pub fn conn_id(&self, addr: SocketAddr) -> Option<u32> {
        self.lock().run.as_ref()?.conns.get(&addr).map(|c| c.id)
    }

    /// The index of the first event of the current run at or after `from` that matches `m`
    /// and is not in `taken` (events an earlier stage already claimed).
    pub fn find(&self, m: &EventMatch, from: usize, taken: &HashSet<usize>) -> Option<usize> {
        let state = self.lock();
        let events = &state.run.as_ref()?.builder.trace().events;
        events
            .iter()
            .enumerate()
            .skip(from)
            .find(|(i, e)| !taken.contains(i) && m.matches(e))
            .map(|(i, _)| i)
    }

    /// How many events the current run has.
    pub fn event_count(&self) -> usize {
        self.lock()
            .run
            .as_ref()
            .map_or(0, |run| run.builder.trace().events.len())
    }

    /// A copy of the current run's trace.
    pub fn trace(&self) -> Option<Trace> {
        Some(self.lock().run.as_ref()?.builder.trace().clone())
    }

    /// Resolves after the next change (create it *before* checking a condition).
    pub fn changed(&self) -> tokio::sync::futures::Notified<'_> {
        self.notify.notified()
    }

    /// Announces that stage `index` began.
    pub fn stage_started(&self, index: usize, label: &str) {
        let _guard = self.lock();
        self.send(LabUpdate::StageStarted {
            index,
            label: label.to_string(),
        });
    }

    /// Records the end of stage `index` in the trace and announces it.
    pub fn stage_done(&self, index: usize, label: &str, next: Option<String>) {
        let mut state = self.lock();
        if let Some(run) = state.run.as_mut() {
            run.event(
                Instant::now(),
                None,
                EventKind::Stage {
                    index: u32::try_from(index).unwrap_or(u32::MAX),
                    label: label.to_string(),
                },
            );
        }
        self.flush(&mut state);
        self.send(LabUpdate::StageDone {
            index,
            label: label.to_string(),
            next,
        });
    }

    /// Sends `update` (a run's end: `Finished` or `Failed`) after the trace changes so far.
    pub fn finish(&self, update: LabUpdate) {
        let mut state = self.lock();
        self.flush(&mut state);
        self.send(update);
    }

    fn send(&self, update: LabUpdate) {
        // The view went away: nothing to tell.
        if self.out.send(update).is_ok()
            && let Some(repaint) = &self.repaint
        {
            repaint();
        }
    }

    /// Sends the builder's pending changes and wakes the runner.
    fn flush(&self, state: &mut State) {
        if let Some(run) = state.run.as_mut() {
            let updates = run.builder.take_updates();
            if !updates.is_empty() {
                for update in updates {
                    let _ = self.out.send(LabUpdate::Trace(update));
                }
                if let Some(repaint) = &self.repaint {
                    repaint();
                }
            }
        }
        self.notify.notify_waiters();
    }
}

/// Adds a connection to the run: the client's connect (if it is a lab client) and the accept.
fn open(
    run: &mut Run,
    peer: SocketAddr,
    local: SocketAddr,
    label: &str,
    connected: Option<Instant>,
    accept_at: Instant,
) {
    let id =
        run.builder
            .open_connection(peer.to_string(), local.to_string(), Some(label.to_string()));
    run.conns.insert(
        peer,
        ConnState {
            id,
            eof: false,
            closed: false,
        },
    );
    let mut accept_at = accept_at;
    if let Some(connect_at) = connected {
        run.event(
            connect_at,
            Some(id),
            EventKind::TcpConnect {
                observed: Observed::Socket,
            },
        );
        // connect() and accept() return on different tasks; when the accept's record was
        // stamped first, it is shown at the connect's time so the diagram reads connect → accept.
        accept_at = accept_at.max(connect_at);
    }
    run.event(
        accept_at,
        Some(id),
        EventKind::TcpAccept {
            observed: Observed::Socket,
        },
    );
}

/// Applies a data/EOF/close record of a known connection.
fn apply(run: &mut Run, peer: SocketAddr, record: TapRecord) {
    let Some(conn) = run.conns.get(&peer) else {
        return;
    };
    let (id, eof, closed) = (conn.id, conn.eof, conn.closed);
    match record {
        TapRecord::Accept { .. } => {}
        TapRecord::Data { dir, at, bytes, .. } => {
            let t = run.t_us(at);
            run.builder.data(id, dir, t, &bytes);
        }
        TapRecord::Eof { at, .. } => {
            if !eof {
                if let Some(c) = run.conns.get_mut(&peer) {
                    c.eof = true;
                }
                let t = run.t_us(at);
                run.builder.end(id, Dir::C2s, t);
            }
        }
        TapRecord::Closed { at, .. } => {
            if closed {
                return;
            }
            if let Some(c) = run.conns.get_mut(&peer) {
                c.closed = true;
            }
            let initiator = if eof { Side::Client } else { Side::Server };
            run.event(
                at,
                Some(id),
                EventKind::TcpClose {
                    observed: Observed::Socket,
                    initiator: Some(initiator),
                },
            );
            let t = run.t_us(at);
            if !eof {
                // Nothing more will be read from the client: whatever it left unfinished is final.
                run.builder.end(id, Dir::C2s, t);
            }
            run.builder.end(id, Dir::S2c, t);
        }
    }
}
