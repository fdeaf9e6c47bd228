//! Socket and packet observations of one connection, put in time order. Pure: no tokio, no
//! clock (the caller passes `now`), no I/O.
//!
//! In packet mode the lab's live capture adds the TCP packet events (SYN, SYN-ACK, ACK, FIN,
//! RST) to the connections the socket tap records. Trace events are append-only (api events
//! point at earlier indices), so time order is kept by holding back the socket observations a
//! packet must precede:
//!
//! - a connection opens (the client's connect, the server's accept) once its handshake's last
//!   segment was captured ([`Opening`]);
//! - a client EOF waits for the client's FIN, the server's close for the server's FIN, a RST
//!   releases both ([`ConnMerge`]);
//!
//! and, the other way round, by holding back a FIN until the tap has recorded what caused it:
//! the client's FIN, every byte of its side below the FIN's sequence number (or the client's
//! EOF, or the server's close); the server's FIN, the server's close (its `close()` or
//! `shutdown()` sent it, and the tap records that close after every byte the server wrote),
//! since the tap's records and the capture's packets reach the collector on different paths
//! and either can be late. A FIN is also never put before a queued record of its own side's
//! bytes, whatever the two clocks say: the bytes' sequence numbers are below the FIN's; and
//! the server's close never goes after anything queued behind the server's FIN (the client's
//! FIN answering it, say): it is what sent that FIN.
//!
//! Each item is held for at most [`WITNESS_TIMEOUT`]. Held items of a connection are released
//! by time. Packet timestamps are wall clock; the run's clock ([`RunClock`]) is an `Instant`,
//! and both are read at the same moment when the run starts.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::tap::TapRecord;
use crate::trace::{Dir, Event, EventKind, TcpSegment};

/// How long a socket observation is held back waiting for the packet that precedes it, or a
/// FIN for the tap's records that precede it (see the module docs). Only a capture that lost
/// packets or a source that lags this far behind makes the merge fall back to arrival order.
pub const WITNESS_TIMEOUT: Duration = Duration::from_secs(1);

/// The two clocks of a run: the tap's monotonic instants and the capture's wall clock, both
/// turned into microseconds since the run's start (`t_us`).
#[derive(Clone, Copy, Debug)]
pub struct RunClock {
    t0: Instant,
    /// Wall-clock microseconds of `t_us == 0` (read together with `t0`).
    started_us: i64,
    last_t_us: i64,
}

impl RunClock {
    /// A clock whose `t_us == 0` is `t0`, which is `started_us` on the wall clock.
    pub fn new(t0: Instant, started_us: i64) -> Self {
        RunClock {
            t0,
            started_us,
            last_t_us: 0,
        }
    }

    /// Wall-clock microseconds of `t_us == 0`.
    pub fn started_us(&self) -> i64 {
        self.started_us
    }

    /// Microseconds since the run's start, as measured (may go backwards across tasks).
    pub fn raw_t(&self, at: Instant) -> i64 {
        i64::try_from(at.saturating_duration_since(self.t0).as_micros()).unwrap_or(i64::MAX)
    }

    /// The `t_us` of a packet captured at `wall_us` (not clamped).
    pub fn from_wall(&self, wall_us: i64) -> i64 {
        wall_us.saturating_sub(self.started_us)
    }

    /// Records from different tasks can reach the collector slightly out of time order;
    /// clamping keeps the trace's events in time order (the order they were observed in).
    pub fn clamp(&mut self, t: i64) -> i64 {
        self.last_t_us = self.last_t_us.max(t);
        self.last_t_us
    }

    /// The instant of `t_us` on this clock (before the run's start counts as its start).
    pub fn instant(&self, t_us: i64) -> Instant {
        self.t0 + Duration::from_micros(u64::try_from(t_us).unwrap_or(0))
    }

    /// Microseconds since the run's start, clamped (see [`RunClock::clamp`]).
    pub fn t_us(&mut self, at: Instant) -> i64 {
        let t = self.raw_t(at);
        self.clamp(t)
    }
}

/// Something to add to an open connection, merged by time while items are held back.
#[derive(Debug)]
pub enum Item {
    /// A tap record.
    Record(TapRecord),
    /// A socket-level event (the client's connect, the server's accept) at an instant.
    Socket(Instant, EventKind),
    /// A packet event, its `t_us` on the run's clock (not yet clamped).
    Packet(Event),
}

impl Item {
    /// When it happened on the run's clock (not clamped).
    pub fn t_us(&self, clock: &RunClock) -> i64 {
        match self {
            Item::Record(record) => clock.raw_t(record_at(record)),
            Item::Socket(at, _) => clock.raw_t(*at),
            Item::Packet(event) => event.t_us,
        }
    }
}

/// When the tap observed `record`.
pub fn record_at(record: &TapRecord) -> Instant {
    match record {
        TapRecord::Accept { at, .. }
        | TapRecord::Data { at, .. }
        | TapRecord::Tls { at, .. }
        | TapRecord::Eof { at, .. }
        | TapRecord::Closed { at, .. }
        | TapRecord::Held { at, .. } => *at,
    }
}

/// Which held items [`ConnMerge::next_ready`] may release.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Release {
    /// Those whose witness (the packet or tap record that precedes them) arrived, or that
    /// waited [`WITNESS_TIMEOUT`].
    Witnessed,
    /// All of them (packets are not merged, or no longer).
    All,
}

/// Whether a connection's handshake was captured, so its socket events wait for its packets.
/// (Not when the capture cannot see it, e.g. a client on another host of a lab bound to 0.0.0.0.)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handshake {
    /// Captured: later socket events wait for the packets that precede them.
    Captured,
    /// Not captured: nothing waits.
    Unseen,
}

/// An item and where it sorts: its time on the run's clock, or its neighbour's when
/// causality moves it past that neighbour (see [`ConnMerge::push`]), so the queue stays in
/// `t_us` order.
#[derive(Debug)]
struct Timed {
    t_us: i64,
    item: Item,
}

/// What the tap has recorded of one direction of a connection, so far.
#[derive(Clone, Copy, Debug, Default)]
struct TapSide {
    /// Bytes recorded (read from the client, or written by the server).
    bytes: u64,
    /// Bytes of TLS records recorded below TLS (a `wss://` connection): what the sequence
    /// numbers count there, rather than the plaintext.
    wire: u64,
    /// The tap records no more bytes this way: the client's EOF was read (client → server),
    /// or the server closed (either way; a read after a shutdown is rare, and is then merged
    /// by time as any record that comes after the FIN was released).
    ended: bool,
}

impl TapSide {
    /// Whether the first `count` bytes (a FIN's relative sequence number minus the SYN, plus
    /// the FIN segment's own payload) have been recorded, modulo 2^32 as sequence numbers are.
    fn has(&self, count: u32) -> bool {
        // Truncation intended: sequence arithmetic is modulo 2^32.
        let recorded = if self.wire > 0 { self.wire } else { self.bytes } as u32;
        recorded.wrapping_sub(count) < 1 << 31
    }
}

/// The bytes of its side a FIN's sequence number says were sent before it (relative
/// sequence numbers count the SYN as 1).
fn bytes_before_fin(segment: &TcpSegment) -> u32 {
    segment.seq.saturating_sub(1).wrapping_add(segment.len)
}

/// The direction of a FIN packet, if `item` is one.
fn fin_dir(item: &Item) -> Option<Dir> {
    match item {
        Item::Packet(Event {
            kind: EventKind::TcpFin(_),
            dir,
            ..
        }) => *dir,
        _ => None,
    }
}

/// Whether `item` is the tap's record of the server's close.
fn is_server_close(item: &Item) -> bool {
    matches!(item, Item::Record(TapRecord::Closed { .. }))
}

/// The direction of a tap record of bytes, if `item` is one.
fn data_dir(item: &Item) -> Option<Dir> {
    match item {
        Item::Record(TapRecord::Data { dir, .. } | TapRecord::Tls { dir, .. }) => Some(*dir),
        _ => None,
    }
}

/// The items of one open connection waiting to be applied, and what the capture saw of its
/// teardown.
#[derive(Debug)]
pub struct ConnMerge {
    /// In time order; items of equal time in arrival order.
    queue: Vec<Timed>,
    /// Since when the first queued item has been waiting for its packet.
    held_since: Option<Instant>,
    handshake: Handshake,
    /// FIN captured, client→server and server→client ([`Dir::index`]).
    fin: [bool; 2],
    /// RST captured.
    rst: bool,
    /// An ACK was captured after both FINs: the teardown is complete on the wire.
    acked_after_fins: bool,
    /// What the tap recorded, client→server and server→client ([`Dir::index`]).
    tap: [TapSide; 2],
}

impl ConnMerge {
    /// An open connection whose handshake was (or was not) captured.
    pub fn new(handshake: Handshake) -> Self {
        ConnMerge {
            queue: Vec::new(),
            held_since: None,
            handshake,
            fin: [false, false],
            rst: false,
            acked_after_fins: false,
            tap: [TapSide::default(); 2],
        }
    }

    /// Queues `item`, which happened at `t_us` on the run's clock.
    ///
    /// By time, except that a side's queued bytes always go before its FIN: the server may
    /// read the client's bytes after the client's FIN was captured, and the tap's clock and
    /// the capture's agree only as closely as they were read together at the run's start.
    pub fn push(&mut self, mut t_us: i64, item: Item) {
        match &item {
            Item::Packet(event) => self.saw_packet(event),
            Item::Record(record) => self.saw_record(record),
            Item::Socket(..) => {}
        }
        // After every item of the same time: the items of one direction keep their order.
        let mut at = self.queue.partition_point(|queued| queued.t_us <= t_us);
        if let Some(dir) = fin_dir(&item) {
            // After the last queued bytes of its side.
            if let Some(last) = self
                .queue
                .iter()
                .rposition(|queued| data_dir(&queued.item) == Some(dir))
                && last >= at
            {
                at = last + 1;
                t_us = self.queue.get(last).map_or(t_us, |q| q.t_us.max(t_us));
            }
        } else if is_server_close(&item) {
            // Right after the server's FIN at the latest: its close sent that FIN, so it comes
            // before what followed the FIN (however late the tap's record of it).
            if let Some(fin) = self
                .queue
                .iter()
                .position(|queued| fin_dir(&queued.item) == Some(Dir::S2c))
                && fin + 1 < at
            {
                at = fin + 1;
                // At the time of what it now precedes, so the queue stays in time order.
                t_us = self.queue.get(at).map_or(t_us, |next| next.t_us.min(t_us));
            }
        } else if let Some(dir) = data_dir(&item) {
            // Before a queued FIN of its side (at the FIN's place in time).
            if let Some(fin) = self
                .queue
                .iter()
                .position(|queued| fin_dir(&queued.item) == Some(dir))
                && fin < at
            {
                at = fin;
                t_us = self.queue.get(fin).map_or(t_us, |q| q.t_us);
            }
        }
        self.queue.insert(at, Timed { t_us, item });
    }

    /// The earliest queued item, unless it still waits for its packet (see [`Release`]).
    pub fn next_ready(&mut self, now: Instant, release: Release) -> Option<Item> {
        let Some(first) = self.queue.first() else {
            self.held_since = None;
            return None;
        };
        if release == Release::Witnessed && self.waits_for_witness(&first.item) {
            let since = *self.held_since.get_or_insert(now);
            if now.saturating_duration_since(since) < WITNESS_TIMEOUT {
                return None;
            }
            tracing::debug!(
                "lab: the packet or tap record to precede an event did not come; merging as observed"
            );
        }
        self.held_since = None;
        Some(self.queue.remove(0).item)
    }

    /// Whether an item is held back waiting for its packet.
    pub fn is_holding(&self) -> bool {
        self.held_since.is_some()
    }

    /// The teardown was captured: both FINs and the last ACK, or a RST.
    pub fn torn_down(&self) -> bool {
        self.rst || self.acked_after_fins
    }

    /// Nothing more is to be captured: torn down, or never seen by the capture.
    pub fn capture_done(&self) -> bool {
        self.handshake == Handshake::Unseen || self.torn_down()
    }

    /// Notes what a packet event tells about the teardown.
    fn saw_packet(&mut self, event: &Event) {
        match (&event.kind, event.dir) {
            (EventKind::TcpFin(_), Some(dir)) => {
                if let Some(fin) = self.fin.get_mut(dir.index()) {
                    *fin = true;
                }
            }
            (EventKind::TcpRst(_), _) => self.rst = true,
            (EventKind::TcpAck(_), _) if self.fin == [true, true] => self.acked_after_fins = true,
            _ => {}
        }
    }

    /// Notes what a tap record tells about what the tap will still record.
    fn saw_record(&mut self, record: &TapRecord) {
        match record {
            TapRecord::Data { dir, bytes, .. } => {
                if let Some(side) = self.tap.get_mut(dir.index()) {
                    let n = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
                    side.bytes = side.bytes.saturating_add(n);
                }
            }
            TapRecord::Tls { dir, bytes, .. } => {
                if let Some(side) = self.tap.get_mut(dir.index()) {
                    let n = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
                    side.wire = side.wire.saturating_add(n);
                }
            }
            TapRecord::Eof { .. } => {
                if let Some(side) = self.tap.get_mut(Dir::C2s.index()) {
                    side.ended = true;
                }
            }
            TapRecord::Closed { .. } => {
                for side in &mut self.tap {
                    side.ended = true;
                }
            }
            TapRecord::Accept { .. } | TapRecord::Held { .. } => {}
        }
    }

    /// Whether `item` must wait for what precedes it and has not arrived yet (or a RST):
    /// the client's EOF follows its FIN, the server's close is placed by its own FIN; the
    /// client's FIN follows the tap's records of every byte below it and of every server byte
    /// it acknowledges (or that side's end), and the server's FIN the tap's record of the
    /// server's close, which sent it.
    fn waits_for_witness(&self, item: &Item) -> bool {
        if self.handshake == Handshake::Unseen || self.rst {
            return false;
        }
        match item {
            Item::Record(TapRecord::Eof { .. }) => !self.fin[Dir::C2s.index()],
            Item::Record(TapRecord::Closed { .. }) => !self.fin[Dir::S2c.index()],
            Item::Packet(Event {
                kind: EventKind::TcpFin(_),
                dir: Some(Dir::S2c),
                ..
            }) => self
                .tap
                .get(Dir::S2c.index())
                .is_some_and(|side| !side.ended),
            Item::Packet(Event {
                kind: EventKind::TcpFin(segment),
                dir: Some(dir),
                ..
            }) => {
                let own = self
                    .tap
                    .get(dir.index())
                    .is_some_and(|side| !side.ended && !side.has(bytes_before_fin(segment)));
                // What the FIN acknowledges arrived before it: the other side's bytes below
                // its ack number (which counts that side's SYN as 1), e.g. the last event of a
                // stream the client closes after reading it.
                let acked = segment.ack.saturating_sub(1);
                let theirs = segment.ack > 0
                    && self
                        .tap
                        .get(dir.reverse().index())
                        .is_some_and(|side| !side.ended && !side.has(acked));
                own || theirs
            }
            _ => false,
        }
    }
}

/// Who made a connection that is about to open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A lab client, announced before its `connect()`: it opens with its connect time.
    LabClient,
    /// Anyone else (a browser, `curl`, a test's raw socket): the accept is all there is.
    External,
}

/// The server's accept of a connection.
#[derive(Clone, Copy, Debug)]
pub struct Accepted {
    /// When `accept()` returned.
    pub at: Instant,
    /// The server's address.
    pub local: SocketAddr,
}

/// A captured packet event and its wall-clock time in microseconds.
#[derive(Debug)]
pub struct WallPacket {
    /// When it was captured, wall clock.
    pub wall_us: i64,
    /// The event, on the capture's connection and clock.
    pub event: Event,
}

/// A connection not yet in the trace: a lab client announced before its `connect()` (so the
/// server's accept of it is paired with the client's own connect time and label), or, in
/// packet mode, any connection whose handshake packets are still awaited.
#[derive(Debug)]
pub struct Opening {
    /// The lane label.
    pub label: String,
    origin: Origin,
    /// When the lab client's `connect()` returned.
    pub connected: Option<Instant>,
    /// The server's accept.
    pub accepted: Option<Accepted>,
    /// Records that arrived before the connection could open.
    pub held: Vec<TapRecord>,
    /// Packet events so far.
    pub packets: Vec<WallPacket>,
    created: Instant,
    /// When only the handshake packets were still missing.
    waiting_since: Option<Instant>,
}

impl Opening {
    /// A connection of `origin` labelled `label`, first heard of at `now`.
    pub fn new(label: &str, origin: Origin, now: Instant) -> Self {
        Opening {
            label: label.to_string(),
            origin,
            connected: None,
            accepted: None,
            held: Vec::new(),
            packets: Vec::new(),
            created: now,
            waiting_since: None,
        }
    }

    /// A lab client's connection (kept until the run ends), not a stray one.
    pub fn is_lab_client(&self) -> bool {
        self.origin == Origin::LabClient
    }

    /// How long ago it was first heard of.
    pub fn age(&self, now: Instant) -> Duration {
        now.saturating_duration_since(self.created)
    }

    /// It waits only for its handshake packets (see [`Opening::may_open`]).
    pub fn awaits_packets(&self) -> bool {
        self.waiting_since.is_some()
    }

    /// The socket side is complete: accepted, and connected if it is a lab client.
    pub fn socket_ready(&self) -> bool {
        self.accepted.is_some() && (self.origin == Origin::External || self.connected.is_some())
    }

    /// The handshake's last segment (or a reset) was captured.
    pub fn handshake_seen(&self) -> bool {
        self.packets.iter().any(|p| {
            matches!(p.event.kind, EventKind::TcpRst(_))
                || (matches!(p.event.kind, EventKind::TcpAck(_)) && p.event.dir == Some(Dir::C2s))
        })
    }

    /// Whether the connection may open at `now`: its socket side is complete and, when
    /// packets are merged (`release` is [`Release::Witnessed`]), its handshake was captured or
    /// has been awaited for [`WITNESS_TIMEOUT`].
    pub fn may_open(&mut self, now: Instant, release: Release) -> bool {
        if !self.socket_ready() {
            return false;
        }
        if release == Release::Witnessed && !self.handshake_seen() {
            let since = *self.waiting_since.get_or_insert(now);
            if now.saturating_duration_since(since) < WITNESS_TIMEOUT {
                return false;
            }
            tracing::debug!("lab: no handshake packets captured; opening without them");
        }
        true
    }

    /// What the connection opens with, to queue in this order on its [`ConnMerge`]: the
    /// handshake packets (those `packets_wanted` keeps), the client's connect (if it is a lab
    /// client), the accept, and whatever arrived meanwhile.
    pub fn into_items(
        self,
        clock: &RunClock,
        packets_wanted: impl Fn(&WallPacket) -> bool,
    ) -> Vec<Item> {
        let mut items = Vec::new();
        for packet in self.packets {
            if packets_wanted(&packet) {
                let mut event = packet.event;
                event.t_us = clock.from_wall(packet.wall_us);
                items.push(Item::Packet(event));
            }
        }
        if let Some(accepted) = self.accepted {
            let mut accept_at = accepted.at;
            if let Some(connect_at) = self.connected {
                items.push(Item::Socket(
                    connect_at,
                    EventKind::TcpConnect {
                        observed: crate::trace::Observed::Socket,
                    },
                ));
                // connect() and accept() return on different tasks; when the accept's record
                // was stamped first, it is shown at the connect's time so the diagram reads
                // connect → accept.
                accept_at = accept_at.max(connect_at);
            }
            items.push(Item::Socket(
                accept_at,
                EventKind::TcpAccept {
                    observed: crate::trace::Observed::Socket,
                },
            ));
        }
        items.extend(self.held.into_iter().map(Item::Record));
        items
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn addr(port: u16) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], port))
    }

    fn packet(dir: Dir, t_us: i64, kind: fn(TcpSegment) -> EventKind) -> Event {
        Event {
            t_us,
            conn: Some(0),
            dir: Some(dir),
            span: None,
            kind: kind(TcpSegment {
                seq: 0,
                ack: 0,
                window: None,
                len: 0,
            }),
        }
    }

    fn names(items: &[Item]) -> Vec<&'static str> {
        items
            .iter()
            .map(|item| match item {
                Item::Record(TapRecord::Accept { .. }) => "accept record",
                Item::Record(TapRecord::Data { .. }) => "data",
                Item::Record(TapRecord::Tls { .. }) => "tls",
                Item::Record(TapRecord::Eof { .. }) => "eof",
                Item::Record(TapRecord::Closed { .. }) => "closed",
                Item::Record(TapRecord::Held { .. }) => "held",
                Item::Socket(_, kind) | Item::Packet(Event { kind, .. }) => kind.name(),
            })
            .collect()
    }

    /// Everything `merge` releases at `now`.
    fn drain(merge: &mut ConnMerge, now: Instant, release: Release) -> Vec<Item> {
        std::iter::from_fn(|| merge.next_ready(now, release)).collect()
    }

    fn push(merge: &mut ConnMerge, clock: &RunClock, item: Item) {
        merge.push(item.t_us(clock), item);
    }

    #[test]
    fn a_close_waits_for_its_fin_and_they_come_out_in_time_order() {
        let t0 = Instant::now();
        let clock = RunClock::new(t0, 0);
        let ms = |n: u64| t0 + Duration::from_millis(n);
        let mut merge = ConnMerge::new(Handshake::Captured);
        let peer = addr(5000);
        push(
            &mut merge,
            &clock,
            Item::Record(TapRecord::Closed { peer, at: ms(20) }),
        );
        assert!(drain(&mut merge, ms(20), Release::Witnessed).is_empty());
        assert!(merge.is_holding());
        // The client's FIN does not release the server's close.
        push(
            &mut merge,
            &clock,
            Item::Packet(packet(Dir::C2s, 25_000, EventKind::TcpFin)),
        );
        assert!(drain(&mut merge, ms(25), Release::Witnessed).is_empty());
        push(
            &mut merge,
            &clock,
            Item::Packet(packet(Dir::S2c, 19_000, EventKind::TcpFin)),
        );
        let out = drain(&mut merge, ms(26), Release::Witnessed);
        assert_eq!(names(&out), ["tcp_fin", "closed", "tcp_fin"]);
        assert!(!merge.is_holding());
        assert!(!merge.torn_down(), "the last ACK is missing");
        push(
            &mut merge,
            &clock,
            Item::Packet(packet(Dir::S2c, 27_000, EventKind::TcpAck)),
        );
        assert!(merge.torn_down());
        assert!(merge.capture_done());
    }

    /// A FIN of `dir` after `sent` bytes of its side, captured at `t_us`.
    fn fin(dir: Dir, t_us: i64, sent: u32) -> Item {
        Item::Packet(Event {
            t_us,
            conn: Some(0),
            dir: Some(dir),
            span: None,
            kind: EventKind::TcpFin(TcpSegment {
                seq: 1 + sent,
                ack: 0,
                window: None,
                len: 0,
            }),
        })
    }

    fn data(peer: SocketAddr, dir: Dir, at: Instant, n: usize) -> Item {
        Item::Record(TapRecord::Data {
            peer,
            dir,
            at,
            bytes: vec![0; n],
        })
    }

    /// The order seen about one Chromium run in six: the server wrote its close frame and
    /// shut down, the browser closed too, and both FINs reached the collector before the
    /// tap's record of the close frame did (the two come by different paths). The FINs must
    /// still come after the close frame: its bytes are below the server's FIN.
    #[test]
    fn a_fin_that_arrives_before_the_tap_record_of_its_sides_bytes_waits_for_it() {
        let t0 = Instant::now();
        let clock = RunClock::new(t0, 0);
        let us = |n: u64| t0 + Duration::from_micros(n);
        let peer = addr(5004);
        let mut merge = ConnMerge::new(Handshake::Captured);
        // Earlier bytes: 100 from the client, 50 from the server, all applied.
        push(&mut merge, &clock, data(peer, Dir::C2s, us(1_000), 100));
        push(&mut merge, &clock, data(peer, Dir::S2c, us(2_000), 50));
        assert_eq!(
            names(&drain(&mut merge, us(2_000), Release::Witnessed)),
            ["data", "data"]
        );
        // The close frame (8 bytes) written at 10.000 ms, the FIN captured at 10.040 ms, the
        // client's FIN at 12 ms: the packets come first.
        push(&mut merge, &clock, fin(Dir::S2c, 10_040, 58));
        push(&mut merge, &clock, fin(Dir::C2s, 12_000, 100));
        assert!(
            drain(&mut merge, us(12_100), Release::Witnessed).is_empty(),
            "the server's FIN waits for the tap's record of its last 8 bytes"
        );
        assert!(merge.is_holding());
        push(&mut merge, &clock, data(peer, Dir::S2c, us(10_000), 8));
        push(
            &mut merge,
            &clock,
            Item::Record(TapRecord::Closed {
                peer,
                at: us(10_020),
            }),
        );
        assert_eq!(
            names(&drain(&mut merge, us(12_200), Release::Witnessed)),
            ["data", "closed", "tcp_fin", "tcp_fin"]
        );
        assert!(!merge.is_holding());
    }

    /// sse-reconnect: the client reads the stream's last event, then closes. Its FIN (which
    /// acknowledges that event's bytes) reached the collector before the tap's record of the
    /// server writing them; the FIN waits for them, so the event is drawn before it.
    #[test]
    fn a_fin_waits_for_the_tap_record_of_the_bytes_it_acknowledges() {
        let t0 = Instant::now();
        let clock = RunClock::new(t0, 0);
        let us = |n: u64| t0 + Duration::from_micros(n);
        let peer = addr(5005);
        let mut merge = ConnMerge::new(Handshake::Captured);
        push(&mut merge, &clock, data(peer, Dir::C2s, us(1_000), 40));
        push(&mut merge, &clock, data(peer, Dir::S2c, us(2_000), 200));
        drain(&mut merge, us(2_000), Release::Witnessed);
        // The client's FIN acknowledges 255 server bytes (ack 256): 55 are not recorded yet.
        let mut client_fin = fin(Dir::C2s, 9_000, 40);
        if let Item::Packet(Event {
            kind: EventKind::TcpFin(segment),
            ..
        }) = &mut client_fin
        {
            segment.ack = 256;
        }
        push(&mut merge, &clock, client_fin);
        assert!(
            drain(&mut merge, us(9_100), Release::Witnessed).is_empty(),
            "the client's FIN waits for the server bytes it acknowledges"
        );
        push(&mut merge, &clock, data(peer, Dir::S2c, us(8_900), 55));
        assert_eq!(
            names(&drain(&mut merge, us(9_200), Release::Witnessed)),
            ["data", "tcp_fin"]
        );
    }

    /// The order seen about one GUI run in thirty on two loaded cores: the server's close
    /// sent its FIN, the client answered with its own and the last ACK, and all three packets
    /// reached the collector before the tap's record of the close did. The server's FIN
    /// waits for that record, and the close goes before the client's FIN (the FIN it sent
    /// caused it), whether the tap stamped it before its FIN (a drop) or late.
    #[test]
    fn the_servers_fin_waits_for_the_tap_record_of_the_close_that_sent_it() {
        for closed_at in [9_990, 12_500] {
            let t0 = Instant::now();
            let clock = RunClock::new(t0, 0);
            let us = |n: u64| t0 + Duration::from_micros(n);
            let peer = addr(5007);
            let mut merge = ConnMerge::new(Handshake::Captured);
            push(&mut merge, &clock, data(peer, Dir::C2s, us(1_000), 11));
            push(&mut merge, &clock, data(peer, Dir::S2c, us(2_000), 7));
            assert_eq!(drain(&mut merge, us(2_000), Release::Witnessed).len(), 2);
            push(&mut merge, &clock, fin(Dir::S2c, 10_000, 7));
            push(&mut merge, &clock, fin(Dir::C2s, 10_400, 11));
            push(
                &mut merge,
                &clock,
                Item::Packet(packet(Dir::S2c, 10_420, EventKind::TcpAck)),
            );
            assert!(
                drain(&mut merge, us(11_000), Release::Witnessed).is_empty(),
                "the server's FIN waits for its close (closed at {closed_at})"
            );
            push(
                &mut merge,
                &clock,
                Item::Record(TapRecord::Closed {
                    peer,
                    at: us(closed_at),
                }),
            );
            let out = drain(&mut merge, us(12_600), Release::Witnessed);
            let want: &[&str] = if closed_at < 10_000 {
                &["closed", "tcp_fin", "tcp_fin", "tcp_ack"]
            } else {
                &["tcp_fin", "closed", "tcp_fin", "tcp_ack"]
            };
            assert_eq!(names(&out), want, "closed at {closed_at}");
            assert!(matches!(out.get(2), Some(Item::Packet(e)) if e.dir == Some(Dir::C2s)));
        }
    }

    /// On a `wss://` connection the sequence numbers count the TLS records below TLS, not
    /// the plaintext above it: the client's FIN waits for the records, and the smaller
    /// plaintext count does not release it early.
    #[test]
    fn a_tls_connections_fin_waits_for_the_tap_record_of_its_tls_bytes() {
        let t0 = Instant::now();
        let clock = RunClock::new(t0, 0);
        let us = |n: u64| t0 + Duration::from_micros(n);
        let peer = addr(5005);
        let tls = |at, n| {
            Item::Record(TapRecord::Tls {
                peer,
                dir: Dir::C2s,
                at,
                bytes: vec![23; n],
            })
        };
        let mut merge = ConnMerge::new(Handshake::Captured);
        push(&mut merge, &clock, tls(us(1_000), 40));
        push(&mut merge, &clock, data(peer, Dir::C2s, us(1_010), 18));
        assert_eq!(
            names(&drain(&mut merge, us(1_100), Release::Witnessed)),
            ["tls", "data"]
        );
        // A 29-byte record (the close frame inside) is read at 10 ms; the client's FIN comes first.
        push(&mut merge, &clock, fin(Dir::C2s, 10_040, 69));
        assert!(
            drain(&mut merge, us(10_100), Release::Witnessed).is_empty(),
            "the FIN waits for the record of the last 29 bytes"
        );
        push(&mut merge, &clock, tls(us(10_000), 29));
        assert_eq!(
            names(&drain(&mut merge, us(10_200), Release::Witnessed)),
            ["tls", "tcp_fin"]
        );
    }

    /// The two clocks disagree by more than the gap between a write's return and the FIN
    /// that follows it (or a read returns after the client's FIN was captured): a side's
    /// bytes still go before its FIN, whichever of the two was queued first.
    #[test]
    fn a_sides_bytes_go_before_its_fin_whatever_the_clocks_say() {
        let t0 = Instant::now();
        let clock = RunClock::new(t0, 0);
        let us = |n: u64| t0 + Duration::from_micros(n);
        let peer = addr(5005);
        let mut merge = ConnMerge::new(Handshake::Captured);
        // A held close keeps what follows it queued.
        push(
            &mut merge,
            &clock,
            Item::Record(TapRecord::Closed {
                peer,
                at: us(4_000),
            }),
        );
        // The client's 12 bytes, read at 9 ms, come before its FIN captured at 5 ms.
        push(&mut merge, &clock, data(peer, Dir::C2s, us(9_000), 12));
        push(&mut merge, &clock, fin(Dir::C2s, 5_000, 12));
        // The server's FIN captured at 3 ms, its last 8 bytes stamped at 3.5 ms.
        push(&mut merge, &clock, fin(Dir::S2c, 3_000, 8));
        push(&mut merge, &clock, data(peer, Dir::S2c, us(3_500), 8));
        let out = drain(&mut merge, us(9_000), Release::Witnessed);
        assert_eq!(
            names(&out),
            ["data", "tcp_fin", "closed", "data", "tcp_fin"],
            "S2c bytes, its FIN, the close, C2s bytes, the client's FIN"
        );
        assert!(matches!(
            out.first(),
            Some(Item::Record(TapRecord::Data { dir: Dir::S2c, .. }))
        ));
        assert!(matches!(
            out.get(3),
            Some(Item::Record(TapRecord::Data { dir: Dir::C2s, .. }))
        ));
    }

    #[test]
    fn a_fin_goes_without_its_bytes_at_its_sides_end_a_reset_or_the_timeout() {
        let t0 = Instant::now();
        let clock = RunClock::new(t0, 0);
        let peer = addr(5006);
        // The client's EOF: the tap reads nothing more, whatever the FIN says.
        let mut merge = ConnMerge::new(Handshake::Captured);
        push(&mut merge, &clock, fin(Dir::C2s, 10, 7));
        assert!(drain(&mut merge, t0, Release::Witnessed).is_empty());
        push(
            &mut merge,
            &clock,
            Item::Record(TapRecord::Eof { peer, at: t0 }),
        );
        assert_eq!(
            names(&drain(&mut merge, t0, Release::Witnessed)),
            ["eof", "tcp_fin"]
        );
        // A reset.
        let mut merge = ConnMerge::new(Handshake::Captured);
        push(&mut merge, &clock, fin(Dir::S2c, 10, 7));
        push(
            &mut merge,
            &clock,
            Item::Packet(packet(Dir::C2s, 20, EventKind::TcpRst)),
        );
        assert_eq!(
            names(&drain(&mut merge, t0, Release::Witnessed)),
            ["tcp_fin", "tcp_rst"]
        );
        // The timeout; and nothing waits on a connection the capture did not see.
        let mut merge = ConnMerge::new(Handshake::Captured);
        push(&mut merge, &clock, fin(Dir::S2c, 10, 7));
        assert!(drain(&mut merge, t0, Release::Witnessed).is_empty());
        assert_eq!(
            names(&drain(&mut merge, t0 + WITNESS_TIMEOUT, Release::Witnessed)),
            ["tcp_fin"]
        );
        let mut merge = ConnMerge::new(Handshake::Unseen);
        push(&mut merge, &clock, fin(Dir::S2c, 10, 7));
        assert_eq!(
            names(&drain(&mut merge, t0, Release::Witnessed)),
            ["tcp_fin"]
        );
    }

    #[test]
    fn an_eof_waits_for_the_client_fin_or_a_reset() {
        let t0 = Instant::now();
        let clock = RunClock::new(t0, 0);
        let peer = addr(5001);
        let mut merge = ConnMerge::new(Handshake::Captured);
        push(
            &mut merge,
            &clock,
            Item::Record(TapRecord::Eof { peer, at: t0 }),
        );
        assert!(drain(&mut merge, t0, Release::Witnessed).is_empty());
        push(
            &mut merge,
            &clock,
            Item::Packet(packet(Dir::C2s, 5, EventKind::TcpRst)),
        );
        assert_eq!(
            names(&drain(&mut merge, t0, Release::Witnessed)),
            ["eof", "tcp_rst"],
            "a reset releases it (in time order: the record came first)"
        );
        assert!(merge.torn_down());
    }

    #[test]
    fn a_held_item_goes_after_the_witness_timeout_or_when_all_are_released() {
        let t0 = Instant::now();
        let clock = RunClock::new(t0, 0);
        let peer = addr(5002);
        let mut merge = ConnMerge::new(Handshake::Captured);
        push(
            &mut merge,
            &clock,
            Item::Record(TapRecord::Closed { peer, at: t0 }),
        );
        assert!(drain(&mut merge, t0, Release::Witnessed).is_empty());
        let almost = t0 + WITNESS_TIMEOUT - Duration::from_millis(1);
        assert!(drain(&mut merge, almost, Release::Witnessed).is_empty());
        assert_eq!(
            names(&drain(&mut merge, t0 + WITNESS_TIMEOUT, Release::Witnessed)),
            ["closed"]
        );
        push(
            &mut merge,
            &clock,
            Item::Record(TapRecord::Eof { peer, at: t0 }),
        );
        assert_eq!(names(&drain(&mut merge, t0, Release::All)), ["eof"]);
    }

    #[test]
    fn nothing_waits_on_a_connection_the_capture_did_not_see() {
        let t0 = Instant::now();
        let clock = RunClock::new(t0, 0);
        let peer = addr(5003);
        let mut merge = ConnMerge::new(Handshake::Unseen);
        push(
            &mut merge,
            &clock,
            Item::Record(TapRecord::Eof { peer, at: t0 }),
        );
        push(
            &mut merge,
            &clock,
            Item::Record(TapRecord::Closed { peer, at: t0 }),
        );
        assert_eq!(
            names(&drain(&mut merge, t0, Release::Witnessed)),
            ["eof", "closed"],
            "equal times keep their arrival order"
        );
        assert!(merge.capture_done());
        assert!(!merge.torn_down());
    }

    #[test]
    fn a_lab_client_opens_with_its_handshake_then_connect_then_accept() {
        let t0 = Instant::now();
        let clock = RunClock::new(t0, 1_000_000);
        let ms = |n: u64| t0 + Duration::from_millis(n);
        let mut opening = Opening::new("client", Origin::LabClient, t0);
        opening.accepted = Some(Accepted {
            at: ms(9),
            local: addr(80),
        });
        assert!(
            !opening.socket_ready(),
            "a lab client waits for its connect too"
        );
        opening.connected = Some(ms(10));
        assert!(opening.socket_ready());
        assert!(
            !opening.may_open(ms(10), Release::Witnessed),
            "no handshake yet"
        );
        assert!(opening.awaits_packets());
        for (t, kind) in [
            (7_000, EventKind::TcpSyn as fn(TcpSegment) -> EventKind),
            (8_000, EventKind::TcpSynAck),
        ] {
            opening.packets.push(WallPacket {
                wall_us: 1_000_000 + t,
                event: packet(if t == 7_000 { Dir::C2s } else { Dir::S2c }, 0, kind),
            });
        }
        assert!(!opening.handshake_seen());
        opening.packets.push(WallPacket {
            wall_us: 1_009_000,
            event: packet(Dir::C2s, 0, EventKind::TcpAck),
        });
        assert!(opening.handshake_seen());
        assert!(opening.may_open(ms(10), Release::Witnessed));
        let items = opening.into_items(&clock, |p| p.wall_us >= 1_008_000);
        assert_eq!(
            names(&items),
            ["tcp_syn_ack", "tcp_ack", "tcp_connect", "tcp_accept"]
        );
        let times: Vec<i64> = items.iter().map(|i| i.t_us(&clock)).collect();
        assert_eq!(
            times,
            [8_000, 9_000, 10_000, 10_000],
            "the accept not before the connect"
        );
    }

    #[test]
    fn without_packets_an_external_connection_opens_at_its_accept() {
        let t0 = Instant::now();
        let mut opening = Opening::new("external", Origin::External, t0);
        assert!(!opening.may_open(t0, Release::All));
        opening.accepted = Some(Accepted {
            at: t0,
            local: addr(80),
        });
        assert!(opening.may_open(t0, Release::All));
        let mut waiting = Opening::new("external", Origin::External, t0);
        waiting.accepted = opening.accepted;
        assert!(!waiting.may_open(t0, Release::Witnessed));
        assert!(waiting.may_open(t0 + WITNESS_TIMEOUT, Release::Witnessed));
    }

    #[test]
    fn the_run_clock_clamps_to_time_order() {
        let t0 = Instant::now();
        let mut clock = RunClock::new(t0, 500);
        assert_eq!(clock.t_us(t0 + Duration::from_micros(30)), 30);
        assert_eq!(clock.t_us(t0 + Duration::from_micros(20)), 30);
        assert_eq!(clock.raw_t(t0 + Duration::from_micros(20)), 20);
        assert_eq!(clock.from_wall(400), -100);
        assert_eq!(clock.clamp(-100), 30);
    }
}
