//! Builds a [`Trace`] incrementally from what a source observes: connections opening, bytes
//! in each direction, streams ending. Each connection's bytes go through its
//! [`ConnectionDissector`]; every event then goes through the connection's [`BrowserApi`]
//! model. Updates since the last [`TraceBuilder::take_updates`] can be sent to a live view.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::{Connection, Dir, Event, EventKind, Source, Trace};
use crate::dissect::{BrowserApi, ConnectionDissector};

/// One incremental change to a trace, as sent from a live source to a view.
#[derive(Clone, Debug, PartialEq)]
pub enum TraceUpdate {
    /// A connection was added (or its label changed).
    Connection(Connection),
    /// Bytes were appended to a direction's stream.
    Bytes {
        /// The connection.
        conn: u32,
        /// The direction.
        dir: Dir,
        /// The new bytes.
        data: Vec<u8>,
    },
    /// An event was appended.
    Event(Event),
}

/// Per-connection dissection state.
struct ConnState {
    dissector: ConnectionDissector,
    api: BrowserApi,
}

/// Builds a trace from observations; pure (no I/O, no clock: callers pass `t_us`).
pub struct TraceBuilder {
    trace: Trace,
    conns: HashMap<u32, ConnState>,
    updates: Vec<TraceUpdate>,
    keep_streams: bool,
    scratch: Vec<Event>,
}

impl TraceBuilder {
    /// A builder for a trace from `source` whose `t_us == 0` is `started_at`.
    pub fn new(source: Source, started_at: DateTime<Utc>) -> TraceBuilder {
        TraceBuilder {
            trace: Trace::new(source, started_at),
            conns: HashMap::new(),
            updates: Vec::new(),
            keep_streams: true,
            scratch: Vec::new(),
        }
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
        };
        self.trace.connections.push(connection.clone());
        self.updates.push(TraceUpdate::Connection(connection));
        self.conns.insert(
            id,
            ConnState {
                dissector: ConnectionDissector::new(id),
                api: BrowserApi::new(id),
            },
        );
        id
    }

    /// Names a connection's client lane.
    pub fn set_label(&mut self, conn: u32, label: String) {
        if let Some(c) = self.trace.connections.iter_mut().find(|c| c.id == conn) {
            c.label = Some(label);
            self.updates.push(TraceUpdate::Connection(c.clone()));
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
            self.updates.push(TraceUpdate::Bytes {
                conn,
                dir,
                data: bytes.to_vec(),
            });
        }
        let mut out = std::mem::take(&mut self.scratch);
        if let Some(state) = self.conns.get_mut(&conn) {
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
        if let Some(state) = self.conns.get_mut(&conn) {
            state.dissector.end(dir, t_us, &mut out);
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
        let index = self.trace.events.len() as u64;
        let mut api_events = Vec::new();
        if let Some(conn) = event.conn
            && let Some(state) = self.conns.get_mut(&conn)
            && !matches!(event.kind, EventKind::Api { .. })
        {
            state.api.observe(index, &event, &mut api_events);
        }
        self.updates.push(TraceUpdate::Event(event.clone()));
        self.trace.events.push(event);
        for api in api_events {
            self.updates.push(TraceUpdate::Event(api.clone()));
            self.trace.events.push(api);
        }
    }
}
