//! Which trace events become rows of the sequence diagram: pure, no egui.
//!
//! - A `ws_message` and the `ws_frame`s that carried it share one row unless "show frames" is
//!   on (then each frame gets its own row too); the frames stay reachable from the message.
//! - `api` events are drawn in the browser-API lane on the row of the wire event that caused
//!   them (or on their own row when the cause is unknown).
//! - A lab stage's caption comes before what the stage did: the `stage` event is recorded
//!   when its stage is done, after its events, but its row goes above the first row of its
//!   stage (with that row's time), so the diagram reads "stage 2: upgrade request", then the
//!   GET.
//! - A frame that went out in an earlier stage than the message it completes (a fragment the
//!   lab sent on its own Step) keeps its row even with frames hidden, so each stage shows
//!   what it sent.

use std::collections::{HashMap, HashSet};

use super::spans::{Span, find_spans};
use crate::trace::{Dir, Event, EventKind, Trace};

/// How a row is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowKind {
    /// An arrow between a client lane and the server lane.
    Arrow {
        /// The connection (its client lane).
        conn: u32,
        /// Which way.
        dir: Dir,
    },
    /// `tcp_connect` / `tcp_accept` / `tcp_close` as seen by the socket tap.
    Socket {
        /// The connection.
        conn: u32,
    },
    /// A note on a connection without a direction (upgrade check, extensions, ...).
    Note {
        /// The connection, if any.
        conn: Option<u32>,
    },
    /// A lab stage finished: a thin separator across all lanes.
    Stage,
    /// A diagnostic: a warning marker.
    Diagnostic {
        /// The connection, if any.
        conn: Option<u32>,
    },
    /// A browser-API event whose cause is unknown.
    Api {
        /// The connection.
        conn: Option<u32>,
    },
    /// The end of a response body that was shown at its head (`http_body_end`): drawn as
    /// the end of that response's open span, not as an arrow.
    BodyEnd {
        /// The connection.
        conn: u32,
    },
}

/// A few event indices, kept inline: most rows have one frame and at most one `api` event,
/// and a trace can have millions of rows.
pub type Indices = smallvec::SmallVec<[usize; 2]>;

/// One row of the diagram.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// Index of the main event in [`Trace::events`].
    pub event: usize,
    /// Its time.
    pub t_us: i64,
    /// How it is drawn.
    pub kind: RowKind,
    /// `api` events caused by this row's event (indices into the trace).
    pub api: Indices,
    /// For a message: the frames that carried it (indices into the trace).
    pub frames: Indices,
    /// Whether this row is a frame shown on its own ("show frames" on).
    pub is_frame: bool,
}

/// The rows of a trace plus lookups the view needs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rows {
    /// Rows in time order.
    pub rows: Vec<Row>,
    /// Trace event index → the row that shows it (directly, as a frame or as an api marker).
    pub row_of_event: RowOfEvent,
    /// Client-lane order: connection ids in order of first appearance.
    pub lanes: Vec<u32>,
    /// Connections that have browser-API events, in order of first appearance.
    pub api_conns: Vec<u32>,
    /// Requests waiting for their response and response bodies that stay open, by first row.
    pub spans: Vec<Span>,
}

/// Trace event index → row index: a dense table (one slot per event), far cheaper than a map
/// for traces with millions of events.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RowOfEvent(Vec<usize>);

impl RowOfEvent {
    const NONE: usize = usize::MAX;

    fn with_events(n: usize) -> RowOfEvent {
        RowOfEvent(vec![Self::NONE; n])
    }

    /// The row that shows event `event`, if any.
    pub fn get(&self, event: &usize) -> Option<&usize> {
        self.0.get(*event).filter(|r| **r != Self::NONE)
    }

    fn insert(&mut self, event: usize, row: usize) {
        if let Some(slot) = self.0.get_mut(event) {
            *slot = row;
        }
    }

    fn insert_if_absent(&mut self, event: usize, row: usize) {
        if let Some(slot) = self.0.get_mut(event)
            && *slot == Self::NONE
        {
            *slot = row;
        }
    }
}

impl std::ops::Index<&usize> for RowOfEvent {
    type Output = usize;

    /// Panics when the event has no row (for tests).
    fn index(&self, event: &usize) -> &usize {
        match self.get(event) {
            Some(r) => r,
            None => panic!("event {event} has no row"),
        }
    }
}

/// Builds the rows of `trace`.
pub fn build_rows(trace: &Trace, show_frames: bool) -> Rows {
    let events = &trace.events;
    let mut per_conn = ConnTable::new(trace.connections.len());
    // Pass 1: which message carried which frames. Frames precede their message on the same
    // connection and direction; a message with `fragments = n` takes the last n pending
    // frames (control frames interleaved in a fragmented message are taken by their own
    // one-frame message first). Dense tables, not maps: traces can hold millions of events.
    const NO_OWNER: usize = usize::MAX;
    let mut owner_of_frame: Vec<usize> = vec![NO_OWNER; events.len()];
    // Messages in event order, each with its frames in order.
    let mut carried: Vec<(usize, Indices)> = Vec::new();
    // Frames sent in an earlier stage than their message: they keep their own row (rare).
    let mut earlier_stage_frames: HashSet<usize> = HashSet::new();
    // Stage events seen so far, and the stage events in order (for the captions in pass 2).
    let mut stages_seen = 0usize;
    let mut stage_events: Vec<usize> = Vec::new();
    for (i, e) in events.iter().enumerate() {
        if let EventKind::Stage { .. } = e.kind {
            stages_seen += 1;
            stage_events.push(i);
            continue;
        }
        let (Some(conn), Some(dir)) = (e.conn, e.dir) else {
            continue;
        };
        match &e.kind {
            EventKind::WsFrame { .. } => {
                per_conn.get(conn).pending[dir.index()].push((i, stages_seen));
            }
            EventKind::WsMessage { fragments, .. } => {
                let list = &mut per_conn.get(conn).pending[dir.index()];
                let n = usize::try_from(*fragments)
                    .unwrap_or(usize::MAX)
                    .min(list.len());
                let frames: Indices = list
                    .drain(list.len() - n..)
                    .map(|(f, stage)| {
                        if stage != stages_seen {
                            earlier_stage_frames.insert(f);
                        }
                        f
                    })
                    .collect();
                for &f in &frames {
                    if let Some(slot) = owner_of_frame.get_mut(f) {
                        *slot = i;
                    }
                }
                if !frames.is_empty() {
                    carried.push((i, frames));
                }
            }
            _ => {}
        }
    }
    let owner = |f: usize| owner_of_frame.get(f).copied().filter(|o| *o != NO_OWNER);
    let mut carried = carried.into_iter().peekable();
    // Stage events whose caption is not drawn yet, in order; a caption is due above the
    // first row after the stage event before it.
    let mut next_caption = stage_events.into_iter();
    let mut caption_due = true;

    let mut out = Rows {
        row_of_event: RowOfEvent::with_events(events.len()),
        ..Rows::default()
    };
    for c in &trace.connections {
        if !std::mem::replace(&mut per_conn.get(c.id).has_lane, true) {
            out.lanes.push(c.id);
        }
    }
    // Pass 2: rows.
    let mut deferred_api: Vec<usize> = Vec::new();
    for (i, e) in events.iter().enumerate() {
        if let Some(conn) = e.conn
            && !std::mem::replace(&mut per_conn.get(conn).has_lane, true)
        {
            out.lanes.push(conn);
        }
        let kind = match &e.kind {
            EventKind::Api { cause, .. } => {
                if let Some(conn) = e.conn
                    && !std::mem::replace(&mut per_conn.get(conn).has_api, true)
                {
                    out.api_conns.push(conn);
                }
                if let Some(c) = cause.and_then(|c| usize::try_from(c).ok()) {
                    if let Some(&row) = out.row_of_event.get(&c) {
                        if let Some(r) = out.rows.get_mut(row) {
                            r.api.push(i);
                            out.row_of_event.insert(i, row);
                            continue;
                        }
                    } else if let Some(owner) = owner(c)
                        && owner > i
                    {
                        // Caused by a frame whose message row comes later.
                        deferred_api.push(i);
                        continue;
                    }
                }
                RowKind::Api { conn: e.conn }
            }
            // A frame is drawn on its message's row unless frames are shown (or it went out in
            // an earlier stage than its message).
            EventKind::WsFrame { .. }
                if !show_frames && owner(i).is_some() && !earlier_stage_frames.contains(&i) =>
            {
                continue;
            }
            EventKind::TcpConnect { .. }
            | EventKind::TcpAccept { .. }
            | EventKind::TcpClose { .. } => match e.conn {
                Some(conn) => RowKind::Socket { conn },
                None => RowKind::Note { conn: None },
            },
            EventKind::Stage { .. } => {
                if caption_due {
                    // A stage that added no row of its own: its caption where it ended.
                    let _ = next_caption.next();
                    push_caption(&mut out, i, e.t_us);
                }
                caption_due = true;
                continue;
            }
            EventKind::HttpBodyEnd { .. } => match e.conn {
                Some(conn) => RowKind::BodyEnd { conn },
                None => RowKind::Note { conn: None },
            },
            // Conclusions drawn from the wire, not bytes on it: a note, even with a direction.
            EventKind::WsUpgradeCheck { .. } | EventKind::WsExtensions { .. } => {
                RowKind::Note { conn: e.conn }
            }
            EventKind::Diagnostic { .. } => RowKind::Diagnostic { conn: e.conn },
            // A lab client's read only times deliveries (analysis::compare): not a row.
            EventKind::ClientRead { .. } => continue,
            // When the event source made an event: a note across the diagram.
            EventKind::SourceEvent { .. } => RowKind::Note { conn: None },
            _ => match (e.conn, e.dir) {
                (Some(conn), Some(dir)) => RowKind::Arrow { conn, dir },
                (conn, _) => RowKind::Note { conn },
            },
        };
        // This row is the first of its stage: the stage's caption goes above it (a stage
        // still running has no stage event yet, so no caption).
        if caption_due {
            caption_due = false;
            if let Some(stage) = next_caption.next() {
                push_caption(&mut out, stage, e.t_us);
            }
        }
        let row = out.rows.len();
        let frames = match carried.next_if(|(m, _)| *m == i) {
            Some((_, frames)) => frames,
            None => Indices::new(),
        };
        for &f in &frames {
            // Hidden frames map to their message's row; shown frames already have their own.
            out.row_of_event.insert_if_absent(f, row);
        }
        out.row_of_event.insert(i, row);
        let is_frame = matches!(e.kind, EventKind::WsFrame { .. });
        let mut api = Indices::new();
        // Api events caused by this message's frames, seen before the message itself.
        if !deferred_api.is_empty() {
            deferred_api.retain(|&a| {
                let cause = match events.get(a).map(|x| &x.kind) {
                    Some(EventKind::Api { cause: Some(c), .. }) => usize::try_from(*c).ok(),
                    _ => None,
                };
                if cause.is_some_and(|c| owner(c) == Some(i)) {
                    api.push(a);
                    false
                } else {
                    true
                }
            });
        }
        for &a in &api {
            out.row_of_event.insert(a, row);
        }
        out.rows.push(Row {
            event: i,
            t_us: e.t_us,
            kind,
            api,
            frames,
            is_frame,
        });
    }
    out.spans = find_spans(trace, &out);
    out
}

/// Pushes the caption row of the `stage` event `stage`, at time `t_us` (its first row's).
fn push_caption(out: &mut Rows, stage: usize, t_us: i64) {
    out.row_of_event.insert(stage, out.rows.len());
    out.rows.push(Row {
        event: stage,
        t_us,
        kind: RowKind::Stage,
        api: Indices::new(),
        frames: Indices::new(),
        is_frame: false,
    });
}

/// What [`build_rows`] tracks per connection.
#[derive(Default)]
struct ConnState {
    /// Frames not yet claimed by a message, per direction, with the number of stages done
    /// when each was seen.
    pending: [Vec<(usize, usize)>; 2],
    has_lane: bool,
    has_api: bool,
}

/// Per-connection state: dense for the trace's connections (ids are their indices), a map
/// for any other id an event may name (a hand-edited trace file).
struct ConnTable {
    dense: Vec<ConnState>,
    other: HashMap<u32, ConnState>,
}

impl ConnTable {
    fn new(connections: usize) -> ConnTable {
        ConnTable {
            dense: (0..connections).map(|_| ConnState::default()).collect(),
            other: HashMap::new(),
        }
    }

    fn get(&mut self, conn: u32) -> &mut ConnState {
        match self.dense.get_mut(conn as usize) {
            Some(state) => state,
            None => self.other.entry(conn).or_default(),
        }
    }
}

/// The index of the `ws_upgrade_check` that belongs to the response `response` (same
/// connection, after it), if any.
pub fn upgrade_check_for(trace: &Trace, response: usize) -> Option<usize> {
    let conn = trace.events.get(response)?.conn?;
    trace
        .events
        .iter()
        .enumerate()
        .skip(response + 1)
        .take(16)
        .find(|(_, e)| e.conn == Some(conn) && matches!(e.kind, EventKind::WsUpgradeCheck { .. }))
        .map(|(i, _)| i)
}

/// Whether an event carries a WebSocket frame or message.
pub fn is_ws(event: &Event) -> bool {
    matches!(
        event.kind,
        EventKind::WsFrame { .. } | EventKind::WsMessage { .. }
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
mod tests {
    use super::*;
    use crate::trace::{Connection, Observed, Source};

    fn ev(t_us: i64, conn: Option<u32>, dir: Option<Dir>, kind: EventKind) -> Event {
        Event {
            t_us,
            conn,
            dir,
            span: None,
            kind,
        }
    }

    fn frame(opcode: u8, fin: bool) -> EventKind {
        EventKind::WsFrame {
            fin,
            rsv1: false,
            rsv2: false,
            rsv3: false,
            opcode,
            masked: true,
            mask_key: Some("01020304".into()),
            payload_len: 3,
            header_len: 6,
        }
    }

    fn message(opcode: u8, fragments: u32) -> EventKind {
        EventKind::WsMessage {
            opcode,
            fragments,
            compressed: false,
            payload_len: 3,
            wire_payload_len: None,
            text: Some("abc".into()),
            data_b64: None,
            close_code: None,
            close_reason: None,
        }
    }

    fn api(cause: Option<u64>) -> EventKind {
        EventKind::Api {
            object: crate::trace::ApiObject::WebSocket,
            ready_state: 1,
            fires: Some("message".into()),
            code: None,
            reason: None,
            was_clean: None,
            data: None,
            last_event_id: None,
            cause,
        }
    }

    fn trace(events: Vec<Event>) -> Trace {
        let mut t = Trace::new(Source::default(), chrono::Utc::now());
        t.connections.push(Connection {
            id: 0,
            client: "127.0.0.1:1".into(),
            server: "127.0.0.1:2".into(),
            label: None,
        });
        t.events = events;
        t
    }

    #[test]
    fn frames_fold_into_their_message_even_with_interleaved_control_frames() {
        let c = Some(Dir::C2s);
        let t = trace(vec![
            ev(
                0,
                Some(0),
                None,
                EventKind::TcpConnect {
                    observed: Observed::Socket,
                },
            ),
            ev(1, Some(0), c, frame(1, false)), // 1
            ev(2, Some(0), c, frame(9, true)),  // 2 ping in the middle
            ev(2, Some(0), c, message(9, 1)),   // 3
            ev(3, Some(0), c, frame(0, true)),  // 4
            ev(3, Some(0), c, message(1, 2)),   // 5
            ev(4, Some(0), c, api(Some(4))),    // 6, caused by the last frame
        ]);
        let r = build_rows(&t, false);
        let kinds: Vec<usize> = r.rows.iter().map(|r| r.event).collect();
        assert_eq!(kinds, vec![0, 3, 5]);
        assert_eq!(r.rows[1].frames.as_slice(), [2]);
        assert_eq!(r.rows[2].frames.as_slice(), [1, 4]);
        assert_eq!(r.rows[2].api.as_slice(), [6]);
        assert_eq!(r.row_of_event[&1], 2);
        assert_eq!(r.row_of_event[&6], 2);
        assert_eq!(r.lanes, vec![0]);
        assert_eq!(r.api_conns, vec![0]);

        let r = build_rows(&t, true);
        let kinds: Vec<usize> = r.rows.iter().map(|r| r.event).collect();
        assert_eq!(kinds, vec![0, 1, 2, 3, 4, 5]);
        assert!(r.rows[1].is_frame);
        assert_eq!(r.rows[4].api.as_slice(), [6]); // the frame row that caused it
    }

    fn stage(index: u32) -> EventKind {
        EventKind::Stage {
            index,
            label: format!("stage {index}"),
        }
    }

    #[test]
    fn captions_go_above_their_stage_and_fragments_of_an_earlier_stage_keep_their_row() {
        let c = Some(Dir::C2s);
        let t = trace(vec![
            ev(1, Some(0), c, frame(1, false)), // 0: stage 0 sends the first fragment
            ev(2, None, None, stage(0)),        // 1
            ev(3, Some(0), c, frame(0, true)),  // 2: stage 1 sends the last one
            ev(3, Some(0), c, message(1, 2)),   // 3
            ev(4, None, None, stage(1)),        // 4
            ev(5, None, None, stage(2)),        // 5: a stage that added nothing
            ev(6, Some(0), c, frame(1, true)),  // 6: not in a stage (yet)
        ]);
        let r = build_rows(&t, false);
        let shown: Vec<(usize, i64)> = r.rows.iter().map(|r| (r.event, r.t_us)).collect();
        // Each caption at its first row's time; the lone stage where it ended; the frame
        // folded into its message (same stage) has no row, the earlier one has.
        assert_eq!(shown, [(1, 1), (0, 1), (4, 3), (3, 3), (5, 5), (6, 6)]);
        assert!(r.rows[1].is_frame);
        assert_eq!(r.rows[3].frames.as_slice(), [0, 2]);
        assert_eq!(r.row_of_event[&0], 1, "its own row");
        assert_eq!(r.row_of_event[&2], 3, "its message's row");
        assert_eq!(r.row_of_event[&4], 2);
    }

    #[test]
    fn api_without_known_cause_gets_its_own_row_and_kinds_are_mapped() {
        let t = trace(vec![
            ev(0, Some(0), None, api(None)),
            ev(
                1,
                None,
                None,
                EventKind::Stage {
                    index: 0,
                    label: "x".into(),
                },
            ),
            ev(2, Some(0), Some(Dir::S2c), message(1, 1)), // no frames: still a row
        ]);
        let r = build_rows(&t, false);
        // The stage's caption goes above what it did (the API event before it).
        assert_eq!(r.rows[0].kind, RowKind::Stage);
        assert_eq!(r.rows[0].t_us, 0, "at the time of its first row");
        assert_eq!(r.rows[1].kind, RowKind::Api { conn: Some(0) });
        assert_eq!(
            r.rows[2].kind,
            RowKind::Arrow {
                conn: 0,
                dir: Dir::S2c
            }
        );
        assert!(r.rows[2].frames.is_empty());
    }
}
