//! The collector: turns tap records into one [`Trace`] per run (through [`TraceBuilder`], which
//! runs the dissectors), forwards every change to the view as [`LabUpdate`]s, and wakes the
//! runner, which waits for the events each stage expects.
//!
//! Every update leaves through [`Collector`] while its lock is held, so a view sees them in
//! the order they happened (`RunStarted` first, then trace changes and stage updates).
//!
//! In packet mode the live capture's TCP packet events (SYN, SYN-ACK, ACK, FIN, RST with
//! relative seq/ack) are merged into the same connections, matched by the client's address.
//! Events are append-only (api events point at earlier indices), so time order is kept by
//! holding back the socket observations a packet must precede: a connection opens (connect,
//! accept) once its handshake's ACK was captured, a client EOF waits for the client's FIN,
//! the server's close for the server's FIN — each for at most [`WITNESS_TIMEOUT`]. Held items
//! of a connection are merged by time. Packet timestamps are wall clock; the run's `t_us`
//! clock is an `Instant`, and both are taken at the same moment when the run starts.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::mpsc::Sender;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use chrono::Utc;
use tokio::sync::Notify;

use super::tap::TapRecord;
use super::{LabUpdate, RunMode};
use crate::capture::live::LiveUpdate;
use crate::trace::{
    Dir, Event, EventKind, Observed, Side, Source, Trace, TraceBuilder, TraceUpdate,
};

/// How long a socket observation is held back waiting for the packet that precedes it
/// (see the module docs). Only a capture that lost packets or lags this far behind makes
/// the merge fall back to arrival order.
pub const WITNESS_TIMEOUT: Duration = Duration::from_secs(1);

/// How long a connection seen only in packets (a SYN whose accept never came) is kept.
const STRAY_TIMEOUT: Duration = Duration::from_secs(10);

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

/// A connection not yet in the trace: a lab client announced before its `connect()` (so the
/// server's accept of it is paired with the client's own connect time and label), or, in
/// packet mode, any connection whose handshake packets are still awaited.
struct Pending {
    label: String,
    /// Announced by [`Collector::expect_client`]: wait for its connect as well.
    lab_client: bool,
    connected: Option<Instant>,
    accepted: Option<(Instant, SocketAddr)>,
    /// Records that arrived before the connection could open.
    held: Vec<TapRecord>,
    /// Packet events so far, with their wall-clock time in microseconds.
    packets: Vec<(i64, Event)>,
    created: Instant,
    /// When only the handshake packets were still missing.
    waiting_since: Option<Instant>,
}

impl Pending {
    fn new(label: &str, lab_client: bool) -> Pending {
        Pending {
            label: label.to_string(),
            lab_client,
            connected: None,
            accepted: None,
            held: Vec::new(),
            packets: Vec::new(),
            created: Instant::now(),
            waiting_since: None,
        }
    }

    /// The socket side is complete: accepted, and connected if it is a lab client.
    fn socket_ready(&self) -> bool {
        self.accepted.is_some() && (!self.lab_client || self.connected.is_some())
    }

    /// The handshake's last segment (or a reset) was captured.
    fn handshake_seen(&self) -> bool {
        self.packets.iter().any(|(_, e)| {
            matches!(e.kind, EventKind::TcpRst(_))
                || (matches!(e.kind, EventKind::TcpAck(_)) && e.dir == Some(Dir::C2s))
        })
    }
}

/// Something to add to an open connection, merged by time while items are held back.
enum Item {
    /// A tap record.
    Record(TapRecord),
    /// A socket-level event (the client's connect, the server's accept) at an instant.
    Socket(Instant, EventKind),
    /// A packet event, its `t_us` on the run's clock (not yet clamped).
    Packet(Event),
}

fn record_at(record: &TapRecord) -> Instant {
    match record {
        TapRecord::Accept { at, .. }
        | TapRecord::Data { at, .. }
        | TapRecord::Eof { at, .. }
        | TapRecord::Closed { at, .. } => *at,
    }
}

struct ConnState {
    id: u32,
    eof: bool,
    closed: bool,
    /// Items waiting to be applied (packet mode only holds; otherwise at most one).
    queue: Vec<Item>,
    /// Since when the first queued item has been waiting for its packet.
    held_since: Option<Instant>,
    /// FIN captured, client→server and server→client.
    fin: [bool; 2],
    /// RST captured.
    rst: bool,
    /// An ACK was captured after both FINs: the teardown is complete on the wire.
    acked_after_fins: bool,
    /// Its handshake was captured: socket events wait for its packets. (Not when the
    /// capture cannot see it, e.g. a client on another host of a lab bound to 0.0.0.0.)
    captured: bool,
}

impl ConnState {
    fn new(id: u32) -> ConnState {
        ConnState {
            id,
            eof: false,
            closed: false,
            queue: Vec::new(),
            held_since: None,
            fin: [false, false],
            rst: false,
            acked_after_fins: false,
            captured: false,
        }
    }

    /// Notes what a packet event tells about the teardown.
    fn saw_packet(&mut self, event: &Event) {
        match (&event.kind, event.dir) {
            (EventKind::TcpFin(_), Some(Dir::C2s)) => self.fin[0] = true,
            (EventKind::TcpFin(_), Some(Dir::S2c)) => self.fin[1] = true,
            (EventKind::TcpRst(_), _) => self.rst = true,
            (EventKind::TcpAck(_), _) if self.fin == [true, true] => self.acked_after_fins = true,
            _ => {}
        }
    }

    /// Whether `item` must wait for a packet not captured yet: the client's EOF follows its
    /// FIN, the server's close its own FIN (or a RST either way).
    fn waits_for_packet(&self, item: &Item) -> bool {
        if !self.captured {
            return false;
        }
        match item {
            Item::Record(TapRecord::Eof { .. }) => !self.fin[0] && !self.rst,
            Item::Record(TapRecord::Closed { .. }) => !self.fin[1] && !self.rst,
            _ => false,
        }
    }
}

struct Run {
    builder: TraceBuilder,
    t0: Instant,
    /// Wall-clock microseconds of `t_us == 0` (taken together with `t0`).
    started_us: i64,
    last_t_us: i64,
    conns: HashMap<SocketAddr, ConnState>,
    /// Packet events are merged (packet mode).
    packets: bool,
    /// Packets captured before this wall-clock time belong to an earlier run.
    packets_from_us: Option<i64>,
}

impl Run {
    /// Microseconds since the run's start, as measured (may go backwards across tasks).
    fn raw_t(&self, at: Instant) -> i64 {
        i64::try_from(at.saturating_duration_since(self.t0).as_micros()).unwrap_or(i64::MAX)
    }

    /// Records from different tasks can reach the collector slightly out of time order;
    /// clamping keeps the trace's events in time order (the order they were observed in).
    fn clamp(&mut self, t: i64) -> i64 {
        self.last_t_us = self.last_t_us.max(t);
        self.last_t_us
    }

    /// Microseconds since the run's start, clamped (see [`Run::clamp`]).
    fn t_us(&mut self, at: Instant) -> i64 {
        let t = self.raw_t(at);
        self.clamp(t)
    }

    fn item_t(&self, item: &Item) -> i64 {
        match item {
            Item::Record(record) => self.raw_t(record_at(record)),
            Item::Socket(at, _) => self.raw_t(*at),
            Item::Packet(event) => event.t_us,
        }
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

    /// Queues `item` on the connection of `peer` and applies what no longer waits.
    fn push(&mut self, peer: SocketAddr, item: Item, now: Instant) {
        self.enqueue(peer, item);
        self.drain(peer, now, false);
    }

    fn enqueue(&mut self, peer: SocketAddr, item: Item) {
        if let Some(conn) = self.conns.get_mut(&peer) {
            if let Item::Packet(event) = &item {
                conn.saw_packet(event);
            }
            conn.queue.push(item);
        }
    }

    /// Applies the queued items of `peer` in time order, up to the first one that still
    /// waits for its packet (all of them when `force`, or once the wait timed out).
    fn drain(&mut self, peer: SocketAddr, now: Instant, force: bool) {
        loop {
            let Some(mut queue) = self
                .conns
                .get_mut(&peer)
                .map(|c| std::mem::take(&mut c.queue))
            else {
                return;
            };
            // Stable: the items of one direction keep their order.
            queue.sort_by_key(|item| self.item_t(item));
            let Some(conn) = self.conns.get_mut(&peer) else {
                return;
            };
            conn.queue = queue;
            let Some(first) = conn.queue.first() else {
                conn.held_since = None;
                return;
            };
            if self.packets && !force && conn.waits_for_packet(first) {
                let since = *conn.held_since.get_or_insert(now);
                if now.saturating_duration_since(since) < WITNESS_TIMEOUT {
                    return;
                }
                tracing::debug!(
                    "lab: a packet to precede a socket event did not come; merging as observed"
                );
            }
            conn.held_since = None;
            let item = conn.queue.remove(0);
            self.apply_item(peer, item);
        }
    }

    fn apply_item(&mut self, peer: SocketAddr, item: Item) {
        let Some(id) = self.conns.get(&peer).map(|c| c.id) else {
            return;
        };
        match item {
            Item::Record(record) => apply(self, peer, record),
            Item::Socket(at, kind) => self.event(at, Some(id), kind),
            Item::Packet(mut event) => {
                event.t_us = self.clamp(event.t_us);
                event.conn = Some(id);
                self.builder.push_event(event);
            }
        }
    }
}

#[derive(Default)]
struct State {
    run: Option<Run>,
    expected: HashMap<SocketAddr, Pending>,
    /// Packet events are merged into runs started from now on.
    packets: bool,
    /// Wall-clock microseconds of the capture's `t_us == 0`.
    capture_started_us: Option<i64>,
    /// The capture's connection ids → the client's address.
    capture_conns: HashMap<u32, SocketAddr>,
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

    /// The source every lab trace carries (`capture`: `"socket"`, or `"packet+socket"` when
    /// packet events are merged).
    pub fn source(&self, scenario: Option<&str>) -> Source {
        let packets = self.lock().packets;
        self.source_for(scenario, packets)
    }

    fn source_for(&self, scenario: Option<&str>, packets: bool) -> Source {
        Source {
            kind: "lab".to_string(),
            scenario: scenario.map(str::to_string),
            capture: Some(if packets { "packet+socket" } else { "socket" }.to_string()),
            server: Some(self.server.to_string()),
            file: None,
            tool: Some(concat!("wirelab ", env!("CARGO_PKG_VERSION")).to_string()),
        }
    }

    /// Switches packet merging on or off (from the next run on; off also releases whatever
    /// waits for packets now) and tells the view, with the reason when packets are not used.
    pub fn set_capture(&self, packets: bool, reason: Option<String>) {
        let mut state = self.lock();
        state.packets = packets;
        if !packets {
            let now = Instant::now();
            if let Some(run) = state.run.as_mut() {
                run.packets = false;
                let peers: Vec<SocketAddr> = run.conns.keys().copied().collect();
                for peer in peers {
                    run.drain(peer, now, true);
                }
            }
            let ready: Vec<SocketAddr> = state
                .expected
                .iter()
                .filter(|(_, p)| p.socket_ready())
                .map(|(a, _)| *a)
                .collect();
            for peer in ready {
                self.try_open(&mut state, peer, now);
            }
        }
        self.send(LabUpdate::CaptureMode { packets, reason });
        self.flush(&mut state);
    }

    /// Starts a fresh trace for `scenario` (None: external clients only) and announces it.
    pub fn start_run(&self, scenario: Option<&str>, mode: RunMode, stages: Vec<String>) {
        let mut state = self.lock();
        // Connections of an aborted run are not this run's.
        state.expected.clear();
        self.start_run_locked(&mut state, scenario, mode, stages);
        if let Some(run) = state.run.as_mut() {
            run.packets_from_us = Some(run.started_us);
        }
        self.flush(&mut state);
    }

    fn start_run_locked(
        &self,
        state: &mut State,
        scenario: Option<&str>,
        mode: RunMode,
        stages: Vec<String>,
    ) {
        // The two clocks of the run, read together: packet timestamps are wall clock, the
        // tap's are monotonic.
        let (started_at, t0) = (Utc::now(), Instant::now());
        let builder = TraceBuilder::new(self.source_for(scenario, state.packets), started_at);
        let trace = builder.trace().clone();
        state.run = Some(Run {
            builder,
            t0,
            started_us: started_at.timestamp_micros(),
            last_t_us: 0,
            conns: HashMap::new(),
            packets: state.packets,
            packets_from_us: None,
        });
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
        self.lock().expected.insert(addr, Pending::new(label, true));
    }

    /// The lab client at `addr` saw its `connect()` return at `at`.
    pub fn client_connected(&self, addr: SocketAddr, at: Instant) {
        let mut state = self.lock();
        match state.expected.get_mut(&addr) {
            Some(pending) => pending.connected = Some(at),
            None => return,
        }
        self.try_open(&mut state, addr, Instant::now());
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
        let now = Instant::now();
        if let TapRecord::Accept { local, at, .. } = &record {
            // Not announced (a browser, curl): opens at once, or after its handshake packets.
            let pending = state
                .expected
                .entry(peer)
                .or_insert_with(|| Pending::new(EXTERNAL_LABEL, false));
            pending.accepted = Some((*at, *local));
            self.try_open(state, peer, now);
            return;
        }
        if let Some(pending) = state.expected.get_mut(&peer) {
            pending.held.push(record);
            return;
        }
        if let Some(run) = state.run.as_mut() {
            run.push(peer, Item::Record(record), now);
        }
    }

    /// Opens the pending connection of `peer` if nothing it waits for is missing (or the
    /// handshake packets were awaited for [`WITNESS_TIMEOUT`]).
    fn try_open(&self, state: &mut State, peer: SocketAddr, now: Instant) {
        let packets = state.packets;
        let Some(pending) = state.expected.get_mut(&peer) else {
            return;
        };
        if !pending.socket_ready() {
            return;
        }
        if packets && !pending.handshake_seen() {
            let since = *pending.waiting_since.get_or_insert(now);
            if now.saturating_duration_since(since) < WITNESS_TIMEOUT {
                return;
            }
            tracing::debug!("lab: no handshake packets captured for {peer}; opening without them");
        }
        let Some(pending) = state.expected.remove(&peer) else {
            return;
        };
        let Some((accept_at, local)) = pending.accepted else {
            return;
        };
        if state.run.is_none() {
            self.start_run_locked(state, None, RunMode::Run, Vec::new());
        }
        if let Some(run) = state.run.as_mut() {
            open(run, peer, local, pending, accept_at, now);
        }
    }

    /// Takes one update of the lab's live capture (packet mode).
    pub fn capture_update(&self, update: LiveUpdate) {
        let mut state = self.lock();
        match update {
            LiveUpdate::Started(trace) => {
                state.capture_started_us = Some(trace.started_at.timestamp_micros());
            }
            LiveUpdate::Trace(TraceUpdate::Connection(c)) => {
                if let Ok(client) = c.client.parse::<SocketAddr>() {
                    state.capture_conns.insert(c.id, client);
                }
            }
            LiveUpdate::Trace(TraceUpdate::Event(event)) => {
                self.packet_locked(&mut state, event);
                self.flush(&mut state);
            }
            LiveUpdate::Trace(TraceUpdate::Bytes { .. }) | LiveUpdate::Stats(_) => {}
            LiveUpdate::Stopped { error, .. } => {
                drop(state);
                let reason = error.map_or_else(
                    || "the packet capture stopped".to_string(),
                    |e| format!("the packet capture stopped: {e}"),
                );
                self.set_capture(false, Some(reason));
            }
        }
    }

    fn packet_locked(&self, state: &mut State, mut event: Event) {
        if !state.packets {
            return;
        }
        let Some(client) = event
            .conn
            .and_then(|c| state.capture_conns.get(&c).copied())
        else {
            return;
        };
        if matches!(event.kind, EventKind::TcpRst(_)) {
            // The capture forgets a reset connection; so can the map.
            if let Some(c) = event.conn {
                state.capture_conns.remove(&c);
            }
        }
        let Some(wall_us) = state
            .capture_started_us
            .and_then(|s| s.checked_add(event.t_us))
        else {
            return;
        };
        let from = state.run.as_ref().and_then(|r| r.packets_from_us);
        if from.is_some_and(|from| wall_us < from) {
            // Captured before this run started: an earlier run's.
            return;
        }
        let now = Instant::now();
        if let Some(pending) = state.expected.get_mut(&client) {
            pending.packets.push((wall_us, event));
            self.try_open(state, client, now);
            return;
        }
        if let Some(run) = state.run.as_mut()
            && run.conns.contains_key(&client)
        {
            event.t_us = wall_us.saturating_sub(run.started_us);
            let capture_conn = event.conn;
            run.push(client, Item::Packet(event), now);
            if run
                .conns
                .get(&client)
                .is_some_and(|c| c.rst || c.acked_after_fins)
                && let Some(c) = capture_conn
            {
                // Torn down: the capture forgets it too.
                state.capture_conns.remove(&c);
            }
            return;
        }
        if matches!(event.kind, EventKind::TcpSyn(_)) {
            // A connection whose accept has not been recorded yet (an external client).
            let mut pending = Pending::new(EXTERNAL_LABEL, false);
            pending.packets.push((wall_us, event));
            state.expected.insert(client, pending);
        }
        // Anything else belongs to a connection of an earlier run: not this trace's.
    }

    /// Releases what waited too long for packets and forgets stray connections; called
    /// periodically in packet mode.
    pub fn tick(&self, now: Instant) {
        let mut state = self.lock();
        state.expected.retain(|_, p| {
            p.lab_client
                || p.accepted.is_some()
                || now.saturating_duration_since(p.created) < STRAY_TIMEOUT
        });
        let waiting: Vec<SocketAddr> = state
            .expected
            .iter()
            .filter(|(_, p)| p.waiting_since.is_some())
            .map(|(a, _)| *a)
            .collect();
        for peer in waiting {
            self.try_open(&mut state, peer, now);
        }
        if let Some(run) = state.run.as_mut() {
            let held: Vec<SocketAddr> = run
                .conns
                .iter()
                .filter(|(_, c)| c.held_since.is_some())
                .map(|(a, _)| *a)
                .collect();
            for peer in held {
                run.drain(peer, now, false);
            }
        }
        self.flush(&mut state);
    }

    /// Whether every connection of the current run has been torn down on the wire (both
    /// FINs and the last ACK, or a RST, captured). Always true without packets.
    pub fn teardown_captured(&self) -> bool {
        let state = self.lock();
        let Some(run) = state.run.as_ref() else {
            return true;
        };
        !run.packets
            || run
                .conns
                .values()
                .all(|c| !c.captured || c.rst || c.acked_after_fins)
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

/// Adds a connection to the run: the handshake packets (packet mode), the client's connect
/// (if it is a lab client), the accept, and whatever arrived meanwhile, merged by time.
fn open(
    run: &mut Run,
    peer: SocketAddr,
    local: SocketAddr,
    pending: Pending,
    accept_at: Instant,
    now: Instant,
) {
    let id = run.builder.open_connection(
        peer.to_string(),
        local.to_string(),
        Some(pending.label.clone()),
    );
    let mut state = ConnState::new(id);
    state.captured = run.packets && pending.handshake_seen();
    run.conns.insert(peer, state);
    let mut items = Vec::new();
    for (wall_us, mut event) in pending.packets {
        if run.packets && run.packets_from_us.is_none_or(|from| wall_us >= from) {
            event.t_us = wall_us.saturating_sub(run.started_us);
            items.push(Item::Packet(event));
        }
    }
    let mut accept_at = accept_at;
    if let Some(connect_at) = pending.connected {
        items.push(Item::Socket(
            connect_at,
            EventKind::TcpConnect {
                observed: Observed::Socket,
            },
        ));
        // connect() and accept() return on different tasks; when the accept's record was
        // stamped first, it is shown at the connect's time so the diagram reads connect → accept.
        accept_at = accept_at.max(connect_at);
    }
    items.push(Item::Socket(
        accept_at,
        EventKind::TcpAccept {
            observed: Observed::Socket,
        },
    ));
    items.extend(pending.held.into_iter().map(Item::Record));
    for item in items {
        run.enqueue(peer, item);
    }
    run.drain(peer, now, false);
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::trace::{Connection, TcpSegment};

    fn addr(port: u16) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], port))
    }

    fn packet(conn: u32, dir: Dir, t_us: i64, kind: fn(TcpSegment) -> EventKind) -> LiveUpdate {
        LiveUpdate::Trace(TraceUpdate::Event(Event {
            t_us,
            conn: Some(conn),
            dir: Some(dir),
            span: None,
            kind: kind(TcpSegment {
                seq: 0,
                ack: 0,
                window: None,
                len: 0,
            }),
        }))
    }

    fn names(c: &Collector) -> Vec<&'static str> {
        c.trace()
            .unwrap()
            .events
            .iter()
            .filter(|e| !matches!(e.kind, EventKind::Api { .. }))
            .map(|e| e.kind.name())
            .collect()
    }

    /// A packet-mode collector with a run started, and the capture's clock at the run's.
    fn packet_collector() -> (Collector, Instant) {
        let (tx, _rx) = std::sync::mpsc::channel();
        let c = Collector::new(addr(80), tx, None);
        c.set_capture(true, None);
        c.start_run(Some("test"), RunMode::Run, Vec::new());
        let t0 = Instant::now();
        let started_at = c.trace().unwrap().started_at;
        c.capture_update(LiveUpdate::Started(Trace::new(
            Source::default(),
            started_at,
        )));
        (c, t0)
    }

    fn capture_conn(c: &Collector, id: u32, client: SocketAddr) {
        c.capture_update(LiveUpdate::Trace(TraceUpdate::Connection(Connection {
            id,
            client: client.to_string(),
            server: addr(80).to_string(),
            label: None,
        })));
    }

    #[test]
    fn late_handshake_packets_still_come_before_connect_and_accept() {
        let (c, t0) = packet_collector();
        let client = addr(5000);
        c.expect_client(client, "client");
        let ms = |n: u64| t0 + Duration::from_millis(n);
        c.record(TapRecord::Accept {
            peer: client,
            local: addr(80),
            at: ms(11),
        });
        c.client_connected(client, ms(10));
        assert_eq!(
            c.conn_id(client),
            None,
            "held until its handshake is captured"
        );
        capture_conn(&c, 0, client);
        c.capture_update(packet(0, Dir::C2s, 7_000, EventKind::TcpSyn));
        c.capture_update(packet(0, Dir::S2c, 8_000, EventKind::TcpSynAck));
        assert_eq!(c.conn_id(client), None);
        c.capture_update(packet(0, Dir::C2s, 9_000, EventKind::TcpAck));
        assert_eq!(
            names(&c),
            [
                "tcp_syn",
                "tcp_syn_ack",
                "tcp_ack",
                "tcp_connect",
                "tcp_accept"
            ]
        );
        // The server's close waits for the server's FIN, and they are merged by time.
        c.record(TapRecord::Closed {
            peer: client,
            at: ms(20),
        });
        assert!(!names(&c).contains(&"tcp_close"), "held for the FIN");
        c.capture_update(packet(0, Dir::S2c, 19_000, EventKind::TcpFin));
        let all = names(&c);
        assert_eq!(all[all.len() - 2..], ["tcp_fin", "tcp_close"]);
        assert!(!c.teardown_captured());
        c.capture_update(packet(0, Dir::C2s, 21_000, EventKind::TcpFin));
        c.capture_update(packet(0, Dir::S2c, 22_000, EventKind::TcpAck));
        assert!(c.teardown_captured());
        let trace = c.trace().unwrap();
        assert!(trace.events.windows(2).all(|w| w[0].t_us <= w[1].t_us));
    }

    #[test]
    fn a_packet_that_never_comes_delays_the_trace_by_the_witness_timeout_only() {
        let (c, t0) = packet_collector();
        let client = addr(5001);
        c.expect_client(client, "client");
        c.client_connected(client, t0);
        c.record(TapRecord::Accept {
            peer: client,
            local: addr(80),
            at: t0,
        });
        assert_eq!(c.conn_id(client), None);
        c.tick(Instant::now());
        assert_eq!(c.conn_id(client), None, "not yet");
        c.tick(Instant::now() + WITNESS_TIMEOUT);
        assert_eq!(
            names(&c),
            ["tcp_connect", "tcp_accept"],
            "opened without packets"
        );
        // Unseen by the capture: its close is not held, and the run's end does not wait.
        c.record(TapRecord::Closed {
            peer: client,
            at: Instant::now(),
        });
        assert_eq!(names(&c).last(), Some(&"tcp_close"));
        assert!(c.teardown_captured());
    }

    #[test]
    fn packets_of_another_run_or_connection_are_dropped() {
        let (c, _) = packet_collector();
        // A FIN of a connection this run does not know (an aborted run's): ignored.
        capture_conn(&c, 7, addr(6000));
        c.capture_update(packet(7, Dir::C2s, 5_000, EventKind::TcpFin));
        // Captured before the run started: stale.
        let client = addr(6001);
        c.expect_client(client, "client");
        capture_conn(&c, 8, client);
        c.capture_update(packet(8, Dir::C2s, -5_000, EventKind::TcpSyn));
        assert!(names(&c).is_empty());
        // Turning packets off releases what waits for them.
        c.client_connected(client, Instant::now());
        c.record(TapRecord::Accept {
            peer: client,
            local: addr(80),
            at: Instant::now(),
        });
        assert_eq!(c.conn_id(client), None);
        c.set_capture(false, Some("the capture stopped".to_string()));
        assert_eq!(names(&c), ["tcp_connect", "tcp_accept"]);
    }
}
