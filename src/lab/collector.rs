//! The collector: records what the lab observes into one [`Trace`] per run, through
//! [`TraceBuilder`] (which runs the dissectors). It records the socket tap's records, the lab
//! clients' `connect()` times, the stage markers the runner reports, and, in packet mode, the
//! live capture's TCP packet events, matched to the tap's connections by the client's address
//! and put in time order by [`super::merge`].
//!
//! It decides nothing about a run: the runner asks it what the trace holds ([`Collector::find`]).
//! Every trace change leaves through the [`Outbox`] while the collector's lock is held, so a
//! view sees the changes in the order they happened (`RunStarted` first).

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use chrono::Utc;

use super::merge::{
    Accepted, ConnMerge, Handshake, Item, Opening, Origin, Release, RunClock, WallPacket,
};
use super::outbox::Outbox;
use super::tap::TapRecord;
use super::{LabUpdate, RunMode};
use crate::capture::live::LiveUpdate;
use crate::dissect::TraceBuilder;
use crate::dissect::tls::{TlsItem, TlsRecords};
use crate::trace::matcher::EventMatcher;
use crate::trace::{
    Dir, Event, EventKind, LinkEmulation, Observed, Severity, Side, Source, Trace, TraceUpdate,
};

/// How long a connection seen only in packets (a SYN whose accept never came) is kept.
const STRAY_TIMEOUT: Duration = Duration::from_secs(10);

/// The scenario name of a trace holding only connections the lab did not make (a browser,
/// `curl`, a test's raw socket), before any run or after a Reset.
pub const EXTERNAL_LABEL: &str = "external";

/// The lane label of a connection the lab did not make, e.g. `external client 127.0.0.1:5000`.
pub fn external_lane(peer: SocketAddr) -> String {
    format!("external client {peer}")
}

/// One thing fed to the run's [`TraceBuilder`] for a connection, kept for the connections the
/// lab did not make so the next run's trace can start with them (they are not the scenario's,
/// but they were seen, and a browser's WebSocket may still be open).
#[derive(Clone, Debug)]
enum Input {
    Open {
        client: String,
        server: String,
        label: Option<String>,
    },
    Data {
        dir: Dir,
        t_us: i64,
        bytes: Vec<u8>,
    },
    End {
        dir: Dir,
        t_us: i64,
    },
    Event(Event),
}

/// Which external connections a new trace starts with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Keep {
    /// Every one (a scenario starts: what came before stays in view).
    All,
    /// Those still open (Reset clears the diagram; a browser's open WebSocket goes on).
    Open,
}

/// External connections taken from one run into the next.
struct Carried {
    /// What was fed for them, in order, on `clock`.
    inputs: Vec<(u32, Input)>,
    /// Their state, by the client's address (ids of the old run).
    conns: Vec<(SocketAddr, Conn)>,
    clock: RunClock,
}

impl Carried {
    /// When the first of them began.
    fn first(&self) -> Option<Instant> {
        self.inputs.iter().find_map(|(_, input)| match input {
            Input::Data { t_us, .. } | Input::End { t_us, .. } => Some(self.clock.instant(*t_us)),
            Input::Event(e) => Some(self.clock.instant(e.t_us)),
            Input::Open { .. } => None,
        })
    }
}

/// An open connection of the run.
struct Conn {
    id: u32,
    /// Server-to-client bytes recorded so far: a lab client's read of more waits for them.
    s2c_bytes: u64,
    eof: bool,
    closed: bool,
    /// What waits to be applied, in time order (packet mode holds; otherwise at most one).
    merge: ConnMerge,
    /// The TLS records below TLS of a `wss://` connection, per direction ([`Dir::index`]).
    tls: [TlsRecords; 2],
}

struct Run {
    builder: TraceBuilder,
    clock: RunClock,
    conns: HashMap<SocketAddr, Conn>,
    /// Packet events are merged (packet mode).
    packets: bool,
    /// Packets captured before this wall-clock time belong to an earlier run.
    packets_from_us: Option<i64>,
    /// The connections the lab did not make, and what was fed for them (see [`Input`]).
    external: HashSet<u32>,
    external_inputs: Vec<(u32, Input)>,
}

impl Run {
    /// What held items may go: all of them unless packets are merged.
    fn release(&self) -> Release {
        if self.packets {
            Release::Witnessed
        } else {
            Release::All
        }
    }

    fn event(&mut self, at: Instant, conn: Option<u32>, kind: EventKind) {
        let t_us = self.clock.t_us(at);
        let event = Event {
            t_us,
            conn,
            dir: None,
            span: None,
            kind,
        };
        match conn {
            Some(id) => self.feed(id, Input::Event(event)),
            None => self.builder.push_event(event),
        }
    }

    /// Feeds `input` of connection `id` to the builder (kept if the connection is external).
    fn feed(&mut self, id: u32, input: Input) {
        if self.external.contains(&id) {
            self.external_inputs.push((id, input.clone()));
        }
        match input {
            Input::Open { .. } => {}
            Input::Data { dir, t_us, bytes } => self.builder.data(id, dir, t_us, &bytes),
            Input::End { dir, t_us } => self.builder.end(id, dir, t_us),
            Input::Event(event) => self.builder.push_event(event),
        }
    }

    /// Opens a connection in the builder; `external`: the lab did not make it.
    fn open_conn(&mut self, client: String, server: String, label: String, external: bool) -> u32 {
        let id = self
            .builder
            .open_connection(client.clone(), server.clone(), Some(label.clone()));
        if external {
            self.external.insert(id);
            let label = Some(label);
            self.external_inputs.push((
                id,
                Input::Open {
                    client,
                    server,
                    label,
                },
            ));
        }
        id
    }

    /// Takes the external connections `keep` asks for out of this run (whatever they still
    /// held back goes into the trace first).
    fn carry(&mut self, keep: Keep, now: Instant) -> Carried {
        let peers: Vec<SocketAddr> = self
            .conns
            .iter()
            .filter(|(_, c)| self.external.contains(&c.id) && (keep == Keep::All || !c.closed))
            .map(|(peer, _)| *peer)
            .collect();
        let mut conns = Vec::new();
        for peer in peers {
            self.drain(peer, now, Release::All);
            if let Some(conn) = self.conns.remove(&peer) {
                conns.push((peer, conn));
            }
        }
        let ids: HashSet<u32> = conns.iter().map(|(_, c)| c.id).collect();
        let inputs = std::mem::take(&mut self.external_inputs)
            .into_iter()
            .filter(|(id, _)| ids.contains(id))
            .collect();
        Carried {
            inputs,
            conns,
            clock: self.clock,
        }
    }

    /// Feeds what `carried` held into this (new) run, on its clock.
    fn replay(&mut self, carried: Carried) {
        let mut ids: HashMap<u32, u32> = HashMap::new();
        for (old, input) in carried.inputs {
            let at = |t_us: i64| carried.clock.instant(t_us);
            if let Input::Open {
                client,
                server,
                label,
            } = input
            {
                let label = label.unwrap_or_default();
                ids.insert(old, self.open_conn(client, server, label, true));
                continue;
            }
            let Some(&id) = ids.get(&old) else {
                continue;
            };
            let input = match input {
                Input::Open { .. } => continue,
                Input::Data { dir, t_us, bytes } => Input::Data {
                    dir,
                    t_us: self.clock.t_us(at(t_us)),
                    bytes,
                },
                Input::End { dir, t_us } => Input::End {
                    dir,
                    t_us: self.clock.t_us(at(t_us)),
                },
                Input::Event(mut event) => {
                    event.t_us = self.clock.t_us(at(event.t_us));
                    event.conn = Some(id);
                    Input::Event(event)
                }
            };
            self.feed(id, input);
        }
        for (peer, mut conn) in carried.conns {
            if let Some(&id) = ids.get(&conn.id) {
                conn.id = id;
                self.conns.insert(peer, conn);
            }
        }
    }

    /// Queues `item` on the connection of `peer` and applies what no longer waits.
    fn push(&mut self, peer: SocketAddr, item: Item, now: Instant) {
        self.enqueue(peer, item);
        self.drain(peer, now, self.release());
    }

    fn enqueue(&mut self, peer: SocketAddr, item: Item) {
        let t_us = item.t_us(&self.clock);
        if let Some(conn) = self.conns.get_mut(&peer) {
            conn.merge.push(t_us, item);
        }
    }

    /// Applies the queued items of `peer` in time order, up to the first one that still
    /// waits for its packet.
    fn drain(&mut self, peer: SocketAddr, now: Instant, release: Release) {
        while let Some(item) = self
            .conns
            .get_mut(&peer)
            .and_then(|c| c.merge.next_ready(now, release))
        {
            self.apply_item(peer, item);
        }
    }

    fn apply_item(&mut self, peer: SocketAddr, item: Item) {
        let Some(id) = self.conns.get(&peer).map(|c| c.id) else {
            return;
        };
        match item {
            Item::Record(record) => self.apply(peer, record),
            Item::Socket(at, kind) => self.event(at, Some(id), kind),
            Item::Packet(mut event) => {
                event.t_us = self.clock.clamp(event.t_us);
                event.conn = Some(id);
                self.feed(id, Input::Event(event));
            }
        }
    }

    /// Adds a connection to the run with what it opens with (see [`Opening::into_items`]),
    /// merged by time.
    fn open(&mut self, peer: SocketAddr, local: SocketAddr, opening: Opening, now: Instant) {
        let external = !opening.is_lab_client();
        let id = self.open_conn(
            peer.to_string(),
            local.to_string(),
            opening.label.clone(),
            external,
        );
        let handshake = if self.packets && opening.handshake_seen() {
            Handshake::Captured
        } else {
            Handshake::Unseen
        };
        self.conns.insert(
            peer,
            Conn {
                id,
                s2c_bytes: 0,
                eof: false,
                closed: false,
                merge: ConnMerge::new(handshake),
                tls: Default::default(),
            },
        );
        let (packets, from) = (self.packets, self.packets_from_us);
        let items = opening.into_items(&self.clock, |p: &WallPacket| {
            packets && from.is_none_or(|from| p.wall_us >= from)
        });
        for item in items {
            self.enqueue(peer, item);
        }
        self.drain(peer, now, self.release());
    }

    /// Reads the TLS records in `bytes` (below TLS): each complete one is a `tls_record`
    /// event. Without a span: the trace's streams hold the plaintext above TLS.
    fn tls_records(&mut self, peer: SocketAddr, id: u32, dir: Dir, at: Instant, bytes: &[u8]) {
        let mut items = Vec::new();
        if let Some(reader) = self
            .conns
            .get_mut(&peer)
            .and_then(|c| c.tls.get_mut(dir.index()))
        {
            reader.feed(bytes, &mut items);
        }
        let t_us = self.clock.t_us(at);
        for item in items {
            let kind = match item {
                TlsItem::Record(_, mut kind) => {
                    if let EventKind::TlsRecord { observed, .. } = &mut kind {
                        *observed = Some(Observed::Socket);
                    }
                    kind
                }
                TlsItem::NotTls(_, v) => EventKind::diagnostic(
                    Severity::Error,
                    crate::trace::describe::violation_phrase(&v),
                    Some(v.rule.to_string()),
                ),
            };
            self.builder.push_event(Event {
                t_us,
                conn: Some(id),
                dir: Some(dir),
                span: None,
                kind,
            });
        }
    }

    /// Applies a data/EOF/close record of a known connection.
    fn apply(&mut self, peer: SocketAddr, record: TapRecord) {
        let Some(conn) = self.conns.get(&peer) else {
            return;
        };
        let (id, eof, closed) = (conn.id, conn.eof, conn.closed);
        match record {
            TapRecord::Accept { .. } | TapRecord::Held { .. } => {}
            TapRecord::Data { dir, at, bytes, .. } => {
                if dir == Dir::S2c
                    && let Some(c) = self.conns.get_mut(&peer)
                {
                    c.s2c_bytes += bytes.len() as u64;
                }
                let t_us = self.clock.t_us(at);
                self.feed(id, Input::Data { dir, t_us, bytes });
            }
            TapRecord::Tls { dir, at, bytes, .. } => self.tls_records(peer, id, dir, at, &bytes),
            TapRecord::Eof { at, .. } => {
                if !eof {
                    if let Some(c) = self.conns.get_mut(&peer) {
                        c.eof = true;
                    }
                    let t_us = self.clock.t_us(at);
                    self.feed(
                        id,
                        Input::End {
                            dir: Dir::C2s,
                            t_us,
                        },
                    );
                }
            }
            TapRecord::Closed { at, .. } => {
                if closed {
                    return;
                }
                if let Some(c) = self.conns.get_mut(&peer) {
                    c.closed = true;
                }
                let initiator = if eof { Side::Client } else { Side::Server };
                self.event(
                    at,
                    Some(id),
                    EventKind::TcpClose {
                        observed: Observed::Socket,
                        initiator: Some(initiator),
                    },
                );
                let t_us = self.clock.t_us(at);
                if !eof {
                    // Nothing more will be read from the client: whatever it left unfinished is final.
                    self.feed(
                        id,
                        Input::End {
                            dir: Dir::C2s,
                            t_us,
                        },
                    );
                }
                self.feed(
                    id,
                    Input::End {
                        dir: Dir::S2c,
                        t_us,
                    },
                );
            }
        }
    }
}

#[derive(Default)]
struct State {
    run: Option<Run>,
    /// Reads of the lab's own clients not in the trace yet, by the client's address: each
    /// (when it returned, bytes read so far) waits until the tap has recorded the server
    /// writing that many bytes (a read cannot come before the write it reads).
    reads: HashMap<SocketAddr, std::collections::VecDeque<(Instant, u64)>>,
    /// Connections not in the trace yet, by the client's address.
    expected: HashMap<SocketAddr, Opening>,
    /// Packet events are merged into runs started from now on.
    packets: bool,
    /// Wall-clock microseconds of the capture's `t_us == 0`.
    capture_started_us: Option<i64>,
    /// The capture's connection ids → the client's address.
    capture_conns: HashMap<u32, SocketAddr>,
}

/// Shared between the server's tap, the runner and the lab's capture.
pub struct Collector {
    state: Mutex<State>,
    outbox: Arc<Outbox>,
    server: SocketAddr,
}

impl Collector {
    /// A collector for the lab server at `server`, sending trace changes through `outbox`.
    pub fn new(server: SocketAddr, outbox: Arc<Outbox>) -> Self {
        Collector {
            state: Mutex::new(State::default()),
            outbox,
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
        self.source_for(scenario, packets, None)
    }

    fn source_for(
        &self,
        scenario: Option<&str>,
        packets: bool,
        link: Option<LinkEmulation>,
    ) -> Source {
        Source {
            kind: "lab".to_string(),
            scenario: scenario.map(str::to_string),
            capture: Some(if packets { "packet+socket" } else { "socket" }.to_string()),
            server: Some(self.server.to_string()),
            file: None,
            tool: Some(concat!("wirelab ", env!("CARGO_PKG_VERSION")).to_string()),
            link,
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
                    run.drain(peer, now, Release::All);
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
        self.outbox.send(LabUpdate::CaptureMode { packets, reason });
        self.flush(&mut state);
    }

    /// Starts a fresh trace for `scenario` (None: external clients only) and announces it.
    /// It begins with the external connections seen before (replayed on its clock, which then
    /// starts at the first of them), so a browser's traffic is never lost to a run.
    pub fn start_run(&self, scenario: Option<&str>, mode: RunMode, stages: Vec<String>) {
        self.start_linked_run(scenario, mode, stages, None);
    }

    /// [`Collector::start_run`] for a run whose clients go through an emulated `link`,
    /// recorded in the trace's source.
    pub fn start_linked_run(
        &self,
        scenario: Option<&str>,
        mode: RunMode,
        stages: Vec<String>,
        link: Option<LinkEmulation>,
    ) {
        let mut state = self.lock();
        // The lab clients of an aborted run are not this run's; external ones go on.
        state.expected.retain(|_, p| !p.is_lab_client());
        let carried = self.carry(&mut state, Keep::All);
        self.start_run_locked(&mut state, scenario, mode, stages, carried, link);
        if let Some(run) = state.run.as_mut() {
            run.packets_from_us = Some(Utc::now().timestamp_micros());
        }
        self.flush(&mut state);
    }

    /// The current run's external connections that `keep` asks for (the run is ended).
    fn carry(&self, state: &mut State, keep: Keep) -> Option<Carried> {
        let mut run = state.run.take()?;
        let carried = run.carry(keep, Instant::now());
        // What the old run still had to say about them is sent before the new run starts.
        state.run = Some(run);
        self.flush(state);
        state.run = None;
        (!carried.inputs.is_empty()).then_some(carried)
    }

    fn start_run_locked(
        &self,
        state: &mut State,
        scenario: Option<&str>,
        mode: RunMode,
        stages: Vec<String>,
        carried: Option<Carried>,
        link: Option<LinkEmulation>,
    ) {
        state.reads.clear();
        // The two clocks of the run, read together: packet timestamps are wall clock, the
        // tap's are monotonic. With carried connections, both go back to the first of them.
        let (now_wall, now) = (Utc::now(), Instant::now());
        let t0 = carried
            .as_ref()
            .and_then(Carried::first)
            .map_or(now, |first| first.min(now));
        let back =
            chrono::TimeDelta::from_std(now.saturating_duration_since(t0)).unwrap_or_default();
        let started_at = now_wall - back;
        let builder = TraceBuilder::new(self.source_for(scenario, state.packets, link), started_at);
        let trace = builder.trace().clone();
        let mut run = Run {
            builder,
            clock: RunClock::new(t0, started_at.timestamp_micros()),
            conns: HashMap::new(),
            packets: state.packets,
            packets_from_us: None,
            external: HashSet::new(),
            external_inputs: Vec::new(),
        };
        self.outbox.send(LabUpdate::RunStarted {
            scenario: scenario.unwrap_or(EXTERNAL_LABEL).to_string(),
            mode,
            trace,
            stages,
        });
        if let Some(carried) = carried {
            run.replay(carried);
        }
        state.run = Some(run);
    }

    /// Ends the current run (Reset). External connections still open go on in a fresh
    /// external trace; otherwise later connections start one.
    pub fn clear_run(&self) {
        let mut state = self.lock();
        state.expected.retain(|_, p| !p.is_lab_client());
        match self.carry(&mut state, Keep::Open) {
            Some(carried) => {
                self.start_run_locked(
                    &mut state,
                    None,
                    RunMode::Run,
                    Vec::new(),
                    Some(carried),
                    None,
                );
            }
            None => state.run = None,
        }
        self.flush(&mut state);
    }

    /// A lab client bound to `addr` is about to connect; its lane is called `label`.
    pub fn expect_client(&self, addr: SocketAddr, label: &str) {
        self.lock()
            .expected
            .insert(addr, Opening::new(label, Origin::LabClient, Instant::now()));
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

    /// The lab's event source created event `id` (`bytes` of payload) at `at`: a
    /// `source_event`, observed at the event source.
    pub fn source_event(&self, id: u64, bytes: u64, at: Instant) {
        let mut state = self.lock();
        if let Some(run) = state.run.as_mut() {
            run.event(at, None, EventKind::SourceEvent { id, bytes });
        }
        self.flush(&mut state);
    }

    /// A read of the lab client at `addr` returned at `at`, `total` bytes read so far: a
    /// `client_read` once the tap has recorded the server writing that many bytes.
    pub fn client_read(&self, addr: SocketAddr, total: u64, at: Instant) {
        let mut state = self.lock();
        state.reads.entry(addr).or_default().push_back((at, total));
        Self::release_reads(&mut state, addr);
        self.flush(&mut state);
    }

    /// Adds the waiting reads of `peer` that the recorded bytes now cover.
    fn release_reads(state: &mut State, peer: SocketAddr) {
        let State { run, reads, .. } = state;
        let (Some(run), Some(waiting)) = (run.as_mut(), reads.get_mut(&peer)) else {
            return;
        };
        let Some((id, recorded)) = run.conns.get(&peer).map(|c| (c.id, c.s2c_bytes)) else {
            return;
        };
        while let Some(&(at, total)) = waiting.front() {
            if total > recorded {
                break;
            }
            waiting.pop_front();
            let t_us = run.clock.t_us(at);
            run.feed(
                id,
                Input::Event(Event {
                    t_us,
                    conn: Some(id),
                    dir: Some(Dir::S2c),
                    span: None,
                    kind: EventKind::ClientRead { total },
                }),
            );
        }
        if waiting.is_empty() {
            reads.remove(&peer);
        }
    }

    /// Records the end of stage `index` in the trace (the runner announces it after).
    pub fn stage_done(&self, index: usize, label: &str) {
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
    }

    /// Takes one record from the tap.
    pub fn record(&self, record: TapRecord) {
        let mut state = self.lock();
        let peer = record.peer();
        self.record_locked(&mut state, record);
        if state.reads.contains_key(&peer) {
            Self::release_reads(&mut state, peer);
        }
        self.flush(&mut state);
    }

    fn record_locked(&self, state: &mut State, record: TapRecord) {
        let peer = record.peer();
        if let TapRecord::Held { .. } = record {
            // After every record before it: in socket mode those are in the updates already
            // (packet mode may still hold a connection's socket events back).
            let conn = state
                .run
                .as_ref()
                .and_then(|run| run.conns.get(&peer))
                .map(|c| c.id);
            if let Some(conn) = conn {
                self.flush(state);
                self.outbox.send(LabUpdate::ServerHeld { conn });
            }
            return;
        }
        let now = Instant::now();
        if let TapRecord::Accept { local, at, .. } = &record {
            // Not announced (a browser, curl): opens at once, or after its handshake packets.
            let pending = state
                .expected
                .entry(peer)
                .or_insert_with(|| Opening::new(&external_lane(peer), Origin::External, now));
            pending.accepted = Some(Accepted {
                at: *at,
                local: *local,
            });
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
    /// handshake packets were awaited for [`super::merge::WITNESS_TIMEOUT`]).
    fn try_open(&self, state: &mut State, peer: SocketAddr, now: Instant) {
        let release = if state.packets {
            Release::Witnessed
        } else {
            Release::All
        };
        let Some(pending) = state.expected.get_mut(&peer) else {
            return;
        };
        if !pending.may_open(now, release) {
            return;
        }
        let Some(pending) = state.expected.remove(&peer) else {
            return;
        };
        let Some(Accepted { local, .. }) = pending.accepted else {
            return;
        };
        if state.run.is_none() {
            self.start_run_locked(state, None, RunMode::Run, Vec::new(), None, None);
        }
        if let Some(run) = state.run.as_mut() {
            run.open(peer, local, pending, now);
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
                    // The packets of the connection the server saw (through the link relay:
                    // the relay → server one, the only one on the lab port).
                    if let Some(counts) = c.packets
                        && state.packets
                    {
                        if let Some(run) = state.run.as_mut()
                            && let Some(id) = run.conns.get(&client).map(|conn| conn.id)
                        {
                            run.builder.set_packets(id, counts);
                        }
                        self.flush(&mut state);
                    }
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
            pending.packets.push(WallPacket { wall_us, event });
            self.try_open(state, client, now);
            return;
        }
        if let Some(run) = state.run.as_mut()
            && run.conns.contains_key(&client)
        {
            event.t_us = run.clock.from_wall(wall_us);
            let capture_conn = event.conn;
            run.push(client, Item::Packet(event), now);
            if run.conns.get(&client).is_some_and(|c| c.merge.torn_down())
                && let Some(c) = capture_conn
            {
                // Torn down: the capture forgets it too.
                state.capture_conns.remove(&c);
            }
            return;
        }
        if matches!(event.kind, EventKind::TcpSyn(_)) {
            // A connection whose accept has not been recorded yet (an external client).
            let mut pending = Opening::new(&external_lane(client), Origin::External, now);
            pending.packets.push(WallPacket { wall_us, event });
            state.expected.insert(client, pending);
        }
        // Anything else belongs to a connection of an earlier run: not this trace's.
    }

    /// Releases what waited too long for packets and forgets stray connections; called
    /// periodically in packet mode.
    pub fn tick(&self, now: Instant) {
        let mut state = self.lock();
        state
            .expected
            .retain(|_, p| p.is_lab_client() || p.accepted.is_some() || p.age(now) < STRAY_TIMEOUT);
        let waiting: Vec<SocketAddr> = state
            .expected
            .iter()
            .filter(|(_, p)| p.awaits_packets())
            .map(|(a, _)| *a)
            .collect();
        for peer in waiting {
            self.try_open(&mut state, peer, now);
        }
        if let Some(run) = state.run.as_mut() {
            let held: Vec<SocketAddr> = run
                .conns
                .iter()
                .filter(|(_, c)| c.merge.is_holding())
                .map(|(a, _)| *a)
                .collect();
            for peer in held {
                run.drain(peer, now, run.release());
            }
        }
        let reading: Vec<SocketAddr> = state.reads.keys().copied().collect();
        for peer in reading {
            Self::release_reads(&mut state, peer);
        }
        self.flush(&mut state);
    }

    /// Whether every connection of the current run has been torn down on the wire (both
    /// FINs and the last ACK, or a RST, captured) and holds nothing back (a FIN may still
    /// wait for the tap's record of its side's last bytes). Always true without packets.
    pub fn teardown_captured(&self) -> bool {
        let state = self.lock();
        let Some(run) = state.run.as_ref() else {
            return true;
        };
        !run.packets
            || run
                .conns
                .values()
                .all(|c| c.merge.capture_done() && !c.merge.is_holding())
    }

    /// The connection id of the client at `addr` in the current run.
    pub fn conn_id(&self, addr: SocketAddr) -> Option<u32> {
        self.lock().run.as_ref()?.conns.get(&addr).map(|c| c.id)
    }

    /// The index of the first event of the current run at or after `from` that matches `m`
    /// and is not in `taken` (events an earlier stage already claimed).
    pub fn find(&self, m: &EventMatcher, from: usize, taken: &HashSet<usize>) -> Option<usize> {
        let state = self.lock();
        m.find(state.run.as_ref()?.builder.trace(), from, |i| {
            taken.contains(&i)
        })
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

    /// Sends the builder's pending changes and wakes whoever waits for a change.
    fn flush(&self, state: &mut State) {
        let updates = state
            .run
            .as_mut()
            .map(|run| run.builder.take_updates())
            .unwrap_or_default();
        self.outbox.trace_changed(updates);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::lab::merge::WITNESS_TIMEOUT;
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
        let c = Collector::new(addr(80), Arc::new(Outbox::new(tx, None)));
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
            packets: None,
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

    fn fin(conn: u32, dir: Dir, t_us: i64, sent: u32) -> LiveUpdate {
        LiveUpdate::Trace(TraceUpdate::Event(Event {
            t_us,
            conn: Some(conn),
            dir: Some(dir),
            span: None,
            kind: EventKind::TcpFin(TcpSegment {
                seq: 1 + sent,
                ack: 0,
                window: None,
                len: 0,
            }),
        }))
    }

    #[test]
    fn the_teardown_packets_wait_for_the_tap_record_of_the_servers_last_bytes_and_close() {
        let (c, t0) = packet_collector();
        let client = addr(5002);
        let ms = |n: u64| t0 + Duration::from_millis(n);
        c.record(TapRecord::Accept {
            peer: client,
            local: addr(80),
            at: ms(1),
        });
        capture_conn(&c, 0, client);
        c.capture_update(packet(0, Dir::C2s, 500, EventKind::TcpSyn));
        c.capture_update(packet(0, Dir::S2c, 600, EventKind::TcpSynAck));
        c.capture_update(packet(0, Dir::C2s, 700, EventKind::TcpAck));
        assert_eq!(
            names(&c),
            ["tcp_syn", "tcp_syn_ack", "tcp_ack", "tcp_accept"]
        );
        // The whole teardown is captured before the tap's record of the server's 4 bytes
        // (written at 10 ms) and its close reach the collector.
        c.capture_update(fin(0, Dir::S2c, 12_000, 4));
        c.capture_update(fin(0, Dir::C2s, 12_100, 0));
        c.capture_update(packet(0, Dir::S2c, 12_200, EventKind::TcpAck));
        assert!(!names(&c).contains(&"tcp_fin"), "held for the tap's record");
        assert!(
            !c.teardown_captured(),
            "the run does not end while a FIN waits"
        );
        c.record(TapRecord::Data {
            peer: client,
            dir: Dir::S2c,
            at: ms(10),
            bytes: b"bye!".to_vec(),
        });
        assert!(
            !c.teardown_captured(),
            "the server's FIN still waits for the close that sent it"
        );
        // The close (stamped at the drop, before the FIN) releases the server's FIN, and
        // with it what waited behind it: the client's FIN that answered it comes after both.
        c.record(TapRecord::Closed {
            peer: client,
            at: ms(11),
        });
        assert!(c.teardown_captured());
        let all: Vec<&str> = names(&c)
            .into_iter()
            .filter(|n| *n != "diagnostic")
            .collect();
        assert_eq!(
            all[4..],
            ["tcp_close", "tcp_fin", "tcp_fin", "tcp_ack"],
            "{all:?}"
        );
        let trace = c.trace().unwrap();
        assert_eq!(trace.stream(0, Dir::S2c), Some(&b"bye!"[..]));
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
    fn external_connections_are_kept_across_runs_and_reset_keeps_the_open_ones() {
        let (tx, rx) = std::sync::mpsc::channel();
        let c = Collector::new(addr(80), Arc::new(Outbox::new(tx, None)));
        c.set_capture(false, None);
        let t0 = Instant::now();
        let ms = |n: u64| t0 + Duration::from_millis(n);
        let (open, closed) = (addr(7000), addr(7001));
        for (peer, at) in [(open, 1), (closed, 2)] {
            c.record(TapRecord::Accept {
                peer,
                local: addr(80),
                at: ms(at),
            });
            c.record(TapRecord::Data {
                peer,
                dir: Dir::C2s,
                at: ms(at + 1),
                bytes: b"GET / HTTP/1.1\r\n".to_vec(),
            });
        }
        c.record(TapRecord::Closed {
            peer: closed,
            at: ms(5),
        });
        let before = c.trace().unwrap();
        assert_eq!(before.source.scenario, None, "an external-only trace");
        assert_eq!(
            before.connections[0].label.as_deref(),
            Some("external client 127.0.0.1:7000")
        );
        // A scenario's trace starts with both, replayed: the same events, in time order.
        c.start_run(Some("ws-echo"), RunMode::Run, Vec::new());
        let run = c.trace().unwrap();
        assert_eq!(run.source.scenario.as_deref(), Some("ws-echo"));
        let kinds = |t: &Trace| {
            t.events
                .iter()
                .map(|e| (e.conn, e.kind.name()))
                .collect::<Vec<_>>()
        };
        assert_eq!(kinds(&run), kinds(&before));
        assert!(run.events.windows(2).all(|w| w[0].t_us <= w[1].t_us));
        assert_eq!(run.stream(0, Dir::C2s), before.stream(0, Dir::C2s));
        // The open one goes on in the new trace.
        c.record(TapRecord::Data {
            peer: open,
            dir: Dir::C2s,
            at: Instant::now(),
            bytes: b"Host: x\r\n\r\n".to_vec(),
        });
        assert!(
            c.trace()
                .unwrap()
                .events
                .iter()
                .any(|e| e.kind.name() == "http_request")
        );
        // Reset: only the open one stays, in a fresh external trace.
        c.clear_run();
        let after = c.trace().unwrap();
        assert_eq!(after.source.scenario, None);
        assert_eq!(after.connections.len(), 1);
        assert_eq!(after.connections[0].client, open.to_string());
        // Every trace was announced, the last one an external one.
        let started: Vec<String> = rx
            .try_iter()
            .filter_map(|u| match u {
                LabUpdate::RunStarted { scenario, .. } => Some(scenario),
                _ => None,
            })
            .collect();
        assert_eq!(started, ["external", "ws-echo", "external"]);
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
