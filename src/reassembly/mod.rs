//! TCP reassembly: packets → per-connection, per-direction byte streams and the TCP packet
//! events, delivered to a [`StreamSink`]. Pure (the packet source parses L2–L4 and hands over
//! [`Segment`]s); it knows only the data model (`trace`), not who consumes the streams.
//!
//! Handles what real captures contain: out-of-order segments (buffered up to a limit),
//! retransmissions and overlaps (trimmed), gaps (a capture that starts mid-connection or drops
//! packets: reported as diagnostics, then the stream goes on after the hole), sequence number
//! wrap-around, timestamps that go backwards, and a 4-tuple reused by a new connection.
//! Packet events (`tcp_syn`, `tcp_syn_ack`, `tcp_ack`, `tcp_fin`, `tcp_rst`, chosen by the one
//! classifier in `classify`) carry sequence numbers relative to each direction's initial
//! sequence number, as tshark shows them.

mod classify;
mod segment;
mod sink;
mod stream;

use std::collections::HashMap;
use std::net::SocketAddr;

use classify::{Context, classify};
pub use segment::{FlowKey, Segment, TcpFlags};
pub use sink::{ConnectionStart, StreamSink};
use stream::Stream;

use crate::lang::Phrase;
use crate::trace::{Dir, Event, EventKind, Severity, TcpSegment};

/// What a [`Reassembler`] delivers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// Every connection: its byte streams, holes and ends, its packet events and the
    /// diagnostics about its packets.
    #[default]
    Streams,
    /// Only the packet events of connections whose SYN was seen (for a source that has the
    /// bytes from elsewhere, such as the lab's socket tap): payloads are neither reassembled
    /// nor delivered (a header-only capture has none), and a connection is forgotten once it
    /// is reset or both its FINs are acknowledged, so memory does not grow with every
    /// connection.
    TcpEvents,
}

/// One connection being reassembled.
#[derive(Debug)]
struct Flow {
    key: FlowKey,
    conn: u32,
    client: SocketAddr,
    streams: [Stream; 2],
    /// Whether the client's ACK that completes the handshake has passed (or cannot come:
    /// a connection seen from its middle has no handshake to complete).
    handshake_acked: bool,
    /// Reset, or both streams ended: a SYN on its 4-tuple starts a new connection.
    closed: bool,
    /// Reset.
    reset: bool,
}

impl Flow {
    fn dir_of(&self, src: SocketAddr) -> Dir {
        if src == self.client {
            Dir::C2s
        } else {
            Dir::S2c
        }
    }

    /// Nothing more will be said about it: reset, or both FINs acknowledged.
    fn done(&self) -> bool {
        self.reset || self.streams.iter().all(|s| s.fin_acked)
    }
}

/// Reassembles every TCP connection in a packet source into a [`StreamSink`].
#[derive(Debug, Default)]
pub struct Reassembler {
    mode: Mode,
    /// The connections being reassembled.
    flows: Vec<Flow>,
    /// 4-tuple → index in `flows`.
    index: HashMap<FlowKey, usize>,
    /// The last lookup: consecutive segments mostly belong to the same connection, and
    /// hashing two socket addresses per segment is measurable.
    last: Option<(FlowKey, usize)>,
}

impl Reassembler {
    /// An empty reassembler in [`Mode::Streams`].
    pub fn new() -> Reassembler {
        Reassembler::default()
    }

    /// An empty reassembler in `mode`.
    pub fn with_mode(mode: Mode) -> Reassembler {
        Reassembler {
            mode,
            ..Reassembler::default()
        }
    }

    /// How many connections are being followed (in [`Mode::TcpEvents`], those not done yet).
    pub fn connections(&self) -> usize {
        self.flows.len()
    }

    /// Processes one segment, captured at `t_us` (microseconds since the trace's start).
    pub fn push(&mut self, t_us: i64, seg: &Segment<'_>, out: &mut impl StreamSink) {
        let key = FlowKey::of(seg.src, seg.dst);
        let starts_new = seg.flags.syn && !seg.flags.ack;
        // Almost every segment belongs to a connection already known: one lookup.
        if !starts_new
            && let Some(i) = self.lookup(key)
            && let Some(flow) = self.flows.get_mut(i)
        {
            flow_push(flow, self.mode, t_us, seg, out);
            self.forget_if_done(key);
            return;
        }
        let reuse = starts_new
            && self
                .lookup(key)
                .and_then(|i| self.flows.get(i))
                .is_some_and(|f| f.closed || f.streams[0].isn != Some(seg.seq));
        if reuse {
            self.finish_flow(key, t_us, out);
        }
        if self.lookup(key).is_none() {
            if self.mode == Mode::TcpEvents && !starts_new {
                // Started before the capture: the source has its own record of it.
                return;
            }
            self.open(key, t_us, seg, out);
        }
        let Some(flow) = self.lookup(key).and_then(|i| self.flows.get_mut(i)) else {
            return;
        };
        flow_push(flow, self.mode, t_us, seg, out);
        self.forget_if_done(key);
    }

    /// Starts following the connection `seg` belongs to.
    fn open(&mut self, key: FlowKey, t_us: i64, seg: &Segment<'_>, out: &mut impl StreamSink) {
        // The client is whoever sent the SYN; mid-connection, guess that the higher
        // (ephemeral) port is the client's.
        let client = if seg.flags.syn {
            if seg.flags.ack { seg.dst } else { seg.src }
        } else if seg.src.port() >= seg.dst.port() {
            seg.src
        } else {
            seg.dst
        };
        let server = if client == seg.src { seg.dst } else { seg.src };
        let start = if seg.flags.syn {
            ConnectionStart::Handshake
        } else {
            ConnectionStart::MidConnection
        };
        let conn = out.open_connection(client, server, start);
        if start == ConnectionStart::MidConnection {
            out.event(Event {
                t_us,
                conn: Some(conn),
                dir: None,
                span: None,
                kind: EventKind::diagnostic(
                    Severity::Warning,
                    Phrase::new(
                        "the capture starts in the middle of this connection: no handshake seen, \
                         client and server guessed from the ports",
                        "抓包从这条连接的中途开始：没有看到握手，客户端和服务器是按端口猜的",
                    ),
                    None,
                ),
            });
        }
        self.flows.push(Flow {
            key,
            conn,
            client,
            streams: [Stream::default(), Stream::default()],
            handshake_acked: !seg.flags.syn,
            closed: false,
            reset: false,
        });
        self.index.insert(key, self.flows.len() - 1);
    }

    /// The index in `flows` of the connection `key`, if it is being reassembled.
    fn lookup(&mut self, key: FlowKey) -> Option<usize> {
        if let Some((k, i)) = self.last
            && k == key
        {
            return Some(i);
        }
        let i = *self.index.get(&key)?;
        self.last = Some((key, i));
        Some(i)
    }

    /// Ends every connection still open (end of file or capture stopped): anything still
    /// buffered out of order is reported as a gap and delivered.
    pub fn finish(&mut self, t_us: i64, out: &mut impl StreamSink) {
        let mut keys: Vec<(u32, FlowKey)> = self.flows.iter().map(|f| (f.conn, f.key)).collect();
        keys.sort_by_key(|(conn, _)| *conn);
        for (_, key) in keys {
            self.finish_flow(key, t_us, out);
        }
    }

    /// In [`Mode::TcpEvents`], forgets the connection `key` once it is done.
    fn forget_if_done(&mut self, key: FlowKey) {
        if self.mode == Mode::TcpEvents
            && self
                .lookup(key)
                .and_then(|i| self.flows.get(i))
                .is_some_and(Flow::done)
        {
            self.remove(key);
        }
    }

    /// Stops following the connection `key`.
    fn remove(&mut self, key: FlowKey) -> Option<Flow> {
        let i = self.index.remove(&key)?;
        self.last = None;
        if i >= self.flows.len() {
            return None;
        }
        let flow = self.flows.swap_remove(i);
        // The flow that took its place keeps its index right.
        if let Some(moved) = self.flows.get(i) {
            self.index.insert(moved.key, i);
        }
        Some(flow)
    }

    fn finish_flow(&mut self, key: FlowKey, t_us: i64, out: &mut impl StreamSink) {
        let Some(mut flow) = self.remove(key) else {
            return;
        };
        if self.mode == Mode::TcpEvents {
            return;
        }
        for dir in [Dir::C2s, Dir::S2c] {
            let conn = flow.conn;
            let stream = &mut flow.streams[dir.index()];
            stream.flush(conn, dir, t_us, out);
            if !stream.ended && stream.base.is_some() {
                stream.ended = true;
                out.end(conn, dir, t_us);
            }
        }
    }
}

fn packet_event(conn: u32, dir: Dir, t_us: i64, kind: EventKind) -> Event {
    Event {
        t_us,
        conn: Some(conn),
        dir: Some(dir),
        span: None,
        kind,
    }
}

fn flow_push(flow: &mut Flow, mode: Mode, t_us: i64, seg: &Segment<'_>, out: &mut impl StreamSink) {
    let dir = flow.dir_of(seg.src);
    let conn = flow.conn;
    out.packet(conn, dir, seg.ip_len);
    let (this, other) = match dir {
        Dir::C2s => {
            let (a, b) = flow.streams.split_at_mut(1);
            (&mut a[0], &mut b[0])
        }
        Dir::S2c => {
            let (a, b) = flow.streams.split_at_mut(1);
            (&mut b[0], &mut a[0])
        }
    };
    if seg.flags.syn {
        if this.isn.is_none() {
            this.isn = Some(seg.seq);
            this.base = Some(seg.seq.wrapping_add(1));
        }
    } else if this.base.is_none() {
        // Mid-connection (or a direction's first segment is no SYN, e.g. a RST answering a
        // SYN): this segment's first byte is offset 0, its relative seq 1, as tshark has it.
        this.isn = Some(seg.seq.wrapping_sub(1));
        this.base = Some(seg.seq);
    }
    let tcp = TcpSegment {
        seq: this.relative(seg.seq),
        ack: if seg.flags.ack {
            other.relative(seg.ack)
        } else {
            0
        },
        window: Some(u32::from(seg.window)),
        len: seg.wire_len,
    };
    let acks_peer_fin = seg.flags.ack
        && other
            .fin_at
            .is_some_and(|f| other.offset_of(seg.ack).is_some_and(|a| a > f));
    other.fin_acked |= acks_peer_fin;
    let context = Context {
        completes_handshake: !flow.handshake_acked && dir == Dir::C2s && other.isn.is_some(),
        acks_peer_fin,
    };
    if let Some(event) = classify(seg, context) {
        out.event(packet_event(conn, dir, t_us, event.kind(tcp)));
    }
    if !seg.flags.syn && dir == Dir::C2s {
        flow.handshake_acked = true;
    }
    flow.reset |= seg.flags.rst;
    let streams = mode == Mode::Streams;
    if streams && seg.wire_len as usize > seg.payload.len() {
        out.event(Event {
            t_us,
            conn: Some(conn),
            dir: Some(dir),
            span: None,
            kind: EventKind::diagnostic(
                Severity::Warning,
                Phrase::new(
                    format!(
                        "packet cut by the capture's snap length: {} of {} payload bytes captured",
                        seg.payload.len(),
                        seg.wire_len
                    ),
                    format!(
                        "数据包被抓包的截断长度（snap length）截短：{} 字节载荷只抓到 {} 字节",
                        seg.wire_len,
                        seg.payload.len()
                    ),
                ),
                None,
            ),
        });
    }
    let Some(offset) = this.offset_of(seg.seq.wrapping_add(u32::from(seg.flags.syn))) else {
        return;
    };
    if streams {
        if !seg.payload.is_empty() {
            this.accept(conn, dir, offset, seg.payload, t_us, out);
        }
    } else {
        // No bytes are delivered: keep the position anyway, so that sequence numbers keep
        // unwrapping near where the stream is.
        this.next = this.next.max(offset + u64::from(seg.wire_len));
    }
    if seg.flags.fin {
        let fin_at = offset + u64::from(seg.wire_len);
        this.fin_at.get_or_insert(fin_at);
    }
    if this.fin_at.is_some_and(|f| this.next >= f) && !this.ended {
        this.ended = true;
        if streams {
            out.end(conn, dir, t_us);
        }
    }
    if seg.flags.rst || flow.streams.iter().all(|s| s.ended) {
        flow.closed = true;
    }
}

#[cfg(test)]
mod tests;
