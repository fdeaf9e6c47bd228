//! Builds a [`Trace`] incrementally from what a source observes: connections opening, bytes
//! in each direction, streams ending. Each connection's bytes go through its
//! [`ConnectionDissector`]; every event then goes through the connection's [`BrowserApi`]
//! model. Updates since the last [`TraceBuilder::take_updates`] can be sent to a live view.
//!
//! Batch sources that nobody watches (reading a file) can turn updates off
//! ([`TraceBuilder::record_updates`]); a summary that needs only counts can count events by
//! kind instead of storing them ([`TraceBuilder::count_only`]): the dissection work is the same.

use std::net::SocketAddr;

use chrono::{DateTime, Utc};

use super::{BrowserApi, ConnectionDissector};
use crate::reassembly::{ConnectionStart, StreamSink};
use crate::trace::{Connection, Dir, Event, EventKind, PacketCounts, Source, Trace, TraceUpdate};

/// Per-connection dissection state.
struct ConnState {
    dissector: ConnectionDissector,
    api: BrowserApi,
}

/// Builds a trace from observations; pure (no I/O, no clock: callers pass `t_us`).
pub struct TraceBuilder {
    trace: Trace,
    /// Indexed by connection id (ids are dense: the index in `trace.connections`).
    conns: Vec<ConnState>,
    updates: Vec<TraceUpdate>,
    keep_streams: bool,
    record_updates: bool,
    count_only: bool,
    /// Events appended so far (stored or only counted).
    appended: u64,
    /// Appended events by kind name, in order of first appearance.
    counts: Vec<(&'static str, u64)>,
    scratch: Vec<Event>,
    api_scratch: Vec<Event>,
}

impl TraceBuilder {
    /// A builder for a trace from `source` whose `t_us == 0` is `started_at`.
    pub fn new(source: Source, started_at: DateTime<Utc>) -> TraceBuilder {
        TraceBuilder {
            trace: Trace::new(source, started_at),
            conns: Vec::new(),
            updates: Vec::new(),
            keep_streams: true,
            record_updates: true,
            count_only: false,
            appended: 0,
            counts: Vec::new(),
            scratch: Vec::new(),
            api_scratch: Vec::new(),
        }
    }

    /// Whether [`TraceUpdate`]s are recorded for [`TraceBuilder::take_updates`] (default:
    /// yes). A source that never takes them (a file read in one go) turns this off, so that
    /// every event and byte is not held twice.
    pub fn record_updates(mut self, record: bool) -> TraceBuilder {
        self.record_updates = record;
        self
    }

    /// Count events by kind instead of storing them (default: no). Everything is dissected
    /// as usual; the trace keeps its connections but no events and no streams, and
    /// [`TraceBuilder::event_counts`] says how many of each kind there were. No updates are
    /// recorded.
    pub fn count_only(mut self, count: bool) -> TraceBuilder {
        self.count_only = count;
        if count {
            self.keep_streams = false;
            self.record_updates = false;
        }
        self
    }

    /// How many events of each kind were appended so far (`(EventKind::name, count)`, in
    /// order of first appearance), whether they were stored or only counted.
    pub fn event_counts(&self) -> &[(&'static str, u64)] {
        &self.counts
    }

    /// How many events were appended so far, whether they were stored or only counted.
    pub fn event_total(&self) -> u64 {
        self.appended
    }

    /// Whether raw stream bytes are kept in the trace (default: yes).
    pub fn keep_streams(mut self, keep: bool) -> TraceBuilder {
        self.keep_streams = keep;
        self
    }

    /// Adds a connection and returns its id.
    pub fn open_connection(
        &mut self,
        client: String,
        server: String,
        label: Option<String>,
    ) -> u32 {
        let id = u32::try_from(self.trace.connections.len()).unwrap_or(u32::MAX);
        let connection = Connection {
            id,
            client,
            server,
            label,
            packets: None,
        };
        if self.record_updates {
            self.updates
                .push(TraceUpdate::Connection(connection.clone()));
        }
        self.trace.connections.push(connection);
        self.conns.push(ConnState {
            dissector: ConnectionDissector::new(id),
            api: BrowserApi::new(id),
        });
        id
    }

    /// Names a connection's client lane.
    pub fn set_label(&mut self, conn: u32, label: String) {
        if let Some(c) = self.trace.connections.iter_mut().find(|c| c.id == conn) {
            c.label = Some(label);
            if self.record_updates {
                self.updates.push(TraceUpdate::Connection(c.clone()));
            }
        }
    }

    /// Sets a connection's packet counts (the lab's, from its capture in packet mode).
    pub fn set_packets(&mut self, conn: u32, packets: PacketCounts) {
        if let Some(c) = self.trace.connections.iter_mut().find(|c| c.id == conn)
            && c.packets != Some(packets)
        {
            c.packets = Some(packets);
            if self.record_updates {
                self.updates.push(TraceUpdate::Connection(c.clone()));
            }
        }
    }

    /// Appends an event observed directly (connect, accept, close, stage, diagnostic).
    pub fn push_event(&mut self, event: Event) {
        self.append(event);
    }

    /// Feeds bytes that travelled in `dir` on `conn` at `t_us`.
    pub fn data(&mut self, conn: u32, dir: Dir, t_us: i64, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        if self.keep_streams {
            self.trace.apply(TraceUpdate::Bytes {
                conn,
                dir,
                data: bytes.to_vec(),
            });
            if self.record_updates {
                self.updates.push(TraceUpdate::Bytes {
                    conn,
                    dir,
                    data: bytes.to_vec(),
                });
            }
        }
        let mut out = std::mem::take(&mut self.scratch);
        if let Some(state) = self.conns.get_mut(conn as usize) {
            state.dissector.feed(dir, t_us, bytes, &mut out);
        }
        for event in out.drain(..) {
            self.append(event);
        }
        self.scratch = out;
    }

    /// The direction `dir` of `conn` ended (EOF): anything left unparsed is reported.
    pub fn end(&mut self, conn: u32, dir: Dir, t_us: i64) {
        let mut out = std::mem::take(&mut self.scratch);
        if let Some(state) = self.conns.get_mut(conn as usize) {
            state.dissector.end(dir, t_us, &mut out);
        }
        for event in out.drain(..) {
            self.append(event);
        }
        self.scratch = out;
    }

    /// The observation of `conn` starts in the middle of the connection (a capture that saw
    /// no SYN): dissection starts at the first HTTP start line or plausible WebSocket frame
    /// of each direction. Call it right after [`TraceBuilder::open_connection`].
    pub fn starts_mid_connection(&mut self, conn: u32) {
        if let Some(state) = self.conns.get_mut(conn as usize) {
            state.dissector.starts_mid_connection();
        }
    }

    /// `missing` bytes of `dir` on `conn` are missing from the observation (lost packets):
    /// the next bytes fed follow a hole, and the dissector resynchronises.
    pub fn gap(&mut self, conn: u32, dir: Dir, t_us: i64, missing: u64) {
        let mut out = std::mem::take(&mut self.scratch);
        if let Some(state) = self.conns.get_mut(conn as usize) {
            state.dissector.gap(dir, t_us, missing, &mut out);
        }
        for event in out.drain(..) {
            self.append(event);
        }
        self.scratch = out;
    }

    /// The trace so far.
    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    /// The finished trace.
    pub fn into_trace(self) -> Trace {
        self.trace
    }

    /// The updates since the last call, for a live view.
    pub fn take_updates(&mut self) -> Vec<TraceUpdate> {
        std::mem::take(&mut self.updates)
    }

    fn append(&mut self, event: Event) {
        let index = self.appended;
        let mut api_events = std::mem::take(&mut self.api_scratch);
        if let Some(conn) = event.conn
            && let Some(state) = self.conns.get_mut(conn as usize)
            && !matches!(event.kind, EventKind::Api { .. })
        {
            state.api.observe(index, &event, &mut api_events);
        }
        self.store(event);
        for api in api_events.drain(..) {
            self.store(api);
        }
        self.api_scratch = api_events;
    }

    /// Counts one event and, unless counting only, stores it (and records its update).
    fn store(&mut self, event: Event) {
        self.appended += 1;
        let name = event.kind.name();
        // A handful of kinds: a linear scan beats hashing, and names are static.
        match self
            .counts
            .iter_mut()
            .find(|(n, _)| std::ptr::eq(*n, name) || *n == name)
        {
            Some((_, count)) => *count += 1,
            None => self.counts.push((name, 1)),
        }
        if self.count_only {
            return;
        }
        if self.record_updates {
            self.updates.push(TraceUpdate::Event(event.clone()));
        }
        self.trace.events.push(event);
    }
}

/// Reassembled packets feed the builder like any other source: a connection seen from its
/// middle starts its dissection at the first plausible message.
impl StreamSink for TraceBuilder {
    fn open_connection(
        &mut self,
        client: SocketAddr,
        server: SocketAddr,
        start: ConnectionStart,
    ) -> u32 {
        let conn =
            TraceBuilder::open_connection(self, client.to_string(), server.to_string(), None);
        if start == ConnectionStart::MidConnection {
            self.starts_mid_connection(conn);
        }
        conn
    }

    fn event(&mut self, event: Event) {
        self.push_event(event);
    }

    fn bytes(&mut self, conn: u32, dir: Dir, t_us: i64, bytes: &[u8]) {
        self.data(conn, dir, t_us, bytes);
    }

    fn gap(&mut self, conn: u32, dir: Dir, t_us: i64, missing: u64) {
        TraceBuilder::gap(self, conn, dir, t_us, missing);
    }

    fn packet(&mut self, conn: u32, dir: Dir, ip_len: u32) {
        // Summed in place: the connection's counts are complete once the source has ended.
        if let Some(c) = self.trace.connections.get_mut(conn as usize) {
            let d = c.packets.get_or_insert_default().dir_mut(dir);
            d.packets += 1;
            d.ip_bytes += u64::from(ip_len);
        }
    }

    fn end(&mut self, conn: u32, dir: Dir, t_us: i64) {
        TraceBuilder::end(self, conn, dir, t_us);
    }
}
