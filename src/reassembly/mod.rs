//! TCP reassembly: packets → per-connection, per-direction byte streams, fed to a
//! [`TraceBuilder`]. Pure (the packet source parses L2–L4 and hands over [`Segment`]s).
//!
//! Handles what real captures contain: out-of-order segments (buffered up to a limit),
//! retransmissions and overlaps (trimmed), gaps (a capture that starts mid-connection or drops
//! packets: reported as diagnostics, then the stream goes on after the hole), sequence number
//! wrap-around, timestamps that go backwards, and a 4-tuple reused by a new connection.
//! Packet events (`tcp_syn`, `tcp_syn_ack`, `tcp_ack`, `tcp_fin`, `tcp_rst`) carry sequence
//! numbers relative to each direction's initial sequence number, as tshark shows them.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;

use crate::dissect::TraceBuilder;
use crate::trace::{Dir, Event, EventKind, Severity, TcpSegment};

/// How many out-of-order bytes one direction may buffer before the hole is declared a gap.
const MAX_BUFFERED: usize = 4 * 1024 * 1024;

/// The TCP flags wirelab cares about.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TcpFlags {
    /// SYN.
    pub syn: bool,
    /// ACK.
    pub ack: bool,
    /// FIN.
    pub fin: bool,
    /// RST.
    pub rst: bool,
}

/// One TCP segment from a packet.
#[derive(Clone, Copy, Debug)]
pub struct Segment<'a> {
    /// Capture time, microseconds since the trace's start.
    pub t_us: i64,
    /// Sender.
    pub src: SocketAddr,
    /// Receiver.
    pub dst: SocketAddr,
    /// Absolute sequence number.
    pub seq: u32,
    /// Absolute acknowledgement number (meaningful when `flags.ack`).
    pub ack: u32,
    /// Flags.
    pub flags: TcpFlags,
    /// Receive window (unscaled).
    pub window: u16,
    /// TCP payload as captured (may be shorter than on the wire if the snaplen cut it).
    pub payload: &'a [u8],
    /// Payload length on the wire (from the IP header); more than `payload.len()` when cut.
    pub wire_len: u32,
}

/// A 4-tuple in a canonical order, so both directions map to one key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct FlowKey(SocketAddr, SocketAddr);

impl FlowKey {
    fn of(a: SocketAddr, b: SocketAddr) -> FlowKey {
        if a <= b { FlowKey(a, b) } else { FlowKey(b, a) }
    }
}

/// One direction's reassembly state.
#[derive(Debug, Default)]
struct Stream {
    /// Absolute sequence number of stream offset 0 (the byte after the SYN).
    base: Option<u32>,
    /// The initial sequence number (for relative numbers in packet events).
    isn: Option<u32>,
    /// The next stream offset to deliver.
    next: u64,
    /// Out-of-order data by stream offset.
    pending: BTreeMap<u64, Vec<u8>>,
    pending_bytes: usize,
    /// Stream offset of the FIN, once seen.
    fin_at: Option<u64>,
    ended: bool,
    retransmitted: u64,
}

impl Stream {
    /// The stream offset of absolute sequence number `seq`, unwrapped near `self.next`.
    fn offset_of(&self, seq: u32) -> Option<u64> {
        let base = self.base?;
        let rel = seq.wrapping_sub(base) as u64;
        // Pick the 32-bit window closest to where the stream is now.
        let epoch = self.next & !0xffff_ffff;
        let candidates = [epoch.wrapping_sub(1 << 32), epoch, epoch + (1 << 32)];
        candidates
            .iter()
            .map(|e| e.wrapping_add(rel))
            .filter(|o| *o < (1u64 << 63))
            .min_by_key(|o| o.abs_diff(self.next))
    }

    fn relative(&self, seq: u32) -> u32 {
        self.isn.map_or(seq, |isn| seq.wrapping_sub(isn))
    }
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
    closed: bool,
}

impl Flow {
    fn dir_of(&self, src: SocketAddr) -> Dir {
        if src == self.client {
            Dir::C2s
        } else {
            Dir::S2c
        }
    }
}

/// Reassembles every TCP connection in a packet source into a [`TraceBuilder`].
#[derive(Debug, Default)]
pub struct Reassembler {
    /// The connections being reassembled.
    flows: Vec<Flow>,
    /// 4-tuple → index in `flows`.
    index: HashMap<FlowKey, usize>,
    /// The last lookup: consecutive segments mostly belong to the same connection, and
    /// hashing two socket addresses per segment is measurable.
    last: Option<(FlowKey, usize)>,
}

impl Reassembler {
    /// An empty reassembler.
    pub fn new() -> Reassembler {
        Reassembler::default()
    }

    /// Processes one segment.
    pub fn push(&mut self, seg: &Segment<'_>, out: &mut TraceBuilder) {
        let key = FlowKey::of(seg.src, seg.dst);
        let starts_new = seg.flags.syn && !seg.flags.ack;
        // Almost every segment belongs to a connection already known: one lookup.
        if !starts_new
            && let Some(i) = self.lookup(key)
            && let Some(flow) = self.flows.get_mut(i)
        {
            flow_push(flow, seg, out);
            return;
        }
        let reuse = starts_new
            && self
                .lookup(key)
                .and_then(|i| self.flows.get(i))
                .is_some_and(|f| f.closed || f.streams[0].isn != Some(seg.seq));
        if reuse {
            self.finish_flow(key, seg.t_us, out);
        }
        if self.lookup(key).is_none() {
            // The client is whoever sent the SYN; mid-connection, guess that the higher
            // (ephemeral) port is the client's.
            let client = if starts_new || seg.flags.syn {
                if seg.flags.ack { seg.dst } else { seg.src }
            } else if seg.src.port() >= seg.dst.port() {
                seg.src
            } else {
                seg.dst
            };
            let server = if client == seg.src { seg.dst } else { seg.src };
            let conn = out.open_connection(client.to_string(), server.to_string(), None);
            if !seg.flags.syn {
                // No SYN: the first bytes may be anywhere in a message.
                out.starts_mid_connection(conn);
                out.push_event(Event {
                    t_us: seg.t_us,
                    conn: Some(conn),
                    dir: None,
                    span: None,
                    kind: EventKind::Diagnostic {
                        severity: Severity::Warning,
                        message: "the capture starts in the middle of this connection: no handshake seen, \
                                  client and server guessed from the ports"
                            .into(),
                        rule: None,
                    },
                });
            }
            self.flows.push(Flow {
                key,
                conn,
                client,
                streams: [Stream::default(), Stream::default()],
                handshake_acked: !seg.flags.syn,
                closed: false,
            });
            self.index.insert(key, self.flows.len() - 1);
        }
        let Some(flow) = self.lookup(key).and_then(|i| self.flows.get_mut(i)) else {
            return;
        };
        flow_push(flow, seg, out);
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
    pub fn finish(&mut self, t_us: i64, out: &mut TraceBuilder) {
        let mut keys: Vec<(u32, FlowKey)> = self.flows.iter().map(|f| (f.conn, f.key)).collect();
        keys.sort_by_key(|(conn, _)| *conn);
        for (_, key) in keys {
            self.finish_flow(key, t_us, out);
        }
    }

    fn finish_flow(&mut self, key: FlowKey, t_us: i64, out: &mut TraceBuilder) {
        let Some(i) = self.index.remove(&key) else {
            return;
        };
        self.last = None;
        if i >= self.flows.len() {
            return;
        }
        let mut flow = self.flows.swap_remove(i);
        // The flow that took its place keeps its index right.
        if let Some(moved) = self.flows.get(i) {
            self.index.insert(moved.key, i);
        }
        for dir in [Dir::C2s, Dir::S2c] {
            let conn = flow.conn;
            let stream = &mut flow.streams[dir.index()];
            while !stream.pending.is_empty() {
                skip_gap(conn, dir, stream, t_us, out);
                deliver_pending(conn, dir, stream, t_us, out);
            }
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

fn flow_push(flow: &mut Flow, seg: &Segment<'_>, out: &mut TraceBuilder) {
    let dir = flow.dir_of(seg.src);
    let conn = flow.conn;
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
        // Mid-connection: this segment's first byte is offset 0.
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
    let fin_acked = seg.flags.ack
        && other
            .fin_at
            .is_some_and(|f| other.offset_of(seg.ack).is_some_and(|a| a > f));
    if seg.flags.rst {
        out.push_event(packet_event(conn, dir, seg.t_us, EventKind::TcpRst(tcp)));
    } else if seg.flags.syn && seg.flags.ack {
        out.push_event(packet_event(conn, dir, seg.t_us, EventKind::TcpSynAck(tcp)));
    } else if seg.flags.syn {
        out.push_event(packet_event(conn, dir, seg.t_us, EventKind::TcpSyn(tcp)));
    } else if seg.flags.fin {
        out.push_event(packet_event(conn, dir, seg.t_us, EventKind::TcpFin(tcp)));
    } else if seg.payload.is_empty() && seg.wire_len == 0 {
        // Pure ACKs matter only where they complete the handshake or acknowledge a FIN.
        if (!flow.handshake_acked && dir == Dir::C2s && other.isn.is_some()) || fin_acked {
            out.push_event(packet_event(conn, dir, seg.t_us, EventKind::TcpAck(tcp)));
        }
    }
    if !seg.flags.syn && dir == Dir::C2s {
        flow.handshake_acked = true;
    }
    if seg.wire_len as usize > seg.payload.len() {
        out.push_event(Event {
            t_us: seg.t_us,
            conn: Some(conn),
            dir: Some(dir),
            span: None,
            kind: EventKind::Diagnostic {
                severity: Severity::Warning,
                message: format!(
                    "packet cut by the capture's snap length: {} of {} payload bytes captured",
                    seg.payload.len(),
                    seg.wire_len
                ),
                rule: None,
            },
        });
    }
    let Some(offset) = this.offset_of(seg.seq.wrapping_add(u32::from(seg.flags.syn))) else {
        return;
    };
    if !seg.payload.is_empty() {
        accept_data(conn, dir, this, offset, seg.payload, seg.t_us, out);
    }
    if seg.flags.fin {
        let fin_at = offset + seg.wire_len as u64;
        this.fin_at.get_or_insert(fin_at);
    }
    if this.fin_at.is_some_and(|f| this.next >= f) && !this.ended {
        this.ended = true;
        out.end(conn, dir, seg.t_us);
    }
    if seg.flags.rst || flow.streams.iter().all(|s| s.ended) {
        flow.closed = true;
    }
}

fn accept_data(
    conn: u32,
    dir: Dir,
    stream: &mut Stream,
    offset: u64,
    payload: &[u8],
    t_us: i64,
    out: &mut TraceBuilder,
) {
    let end = offset + payload.len() as u64;
    if end <= stream.next {
        stream.retransmitted += payload.len() as u64;
        return;
    }
    if offset <= stream.next {
        // In order, possibly overlapping what was already delivered: trim the front.
        let skip = usize::try_from(stream.next - offset).unwrap_or(usize::MAX);
        if let Some(fresh) = payload.get(skip..) {
            stream.next += fresh.len() as u64;
            out.data(conn, dir, t_us, fresh);
        }
        deliver_pending(conn, dir, stream, t_us, out);
        return;
    }
    // Ahead of the stream: buffer it, unless that would hold too much.
    if stream.pending_bytes + payload.len() > MAX_BUFFERED {
        skip_gap(conn, dir, stream, t_us, out);
        deliver_pending(conn, dir, stream, t_us, out);
        if offset > stream.next {
            report_gap(conn, dir, stream.next, offset, t_us, out);
            stream.next = offset;
        }
        stream.next += payload.len() as u64;
        out.data(conn, dir, t_us, payload);
        return;
    }
    let slot = stream.pending.entry(offset).or_default();
    if slot.len() < payload.len() {
        stream.pending_bytes += payload.len() - slot.len();
        *slot = payload.to_vec();
    }
}

/// Delivers buffered segments that are now in order.
fn deliver_pending(conn: u32, dir: Dir, stream: &mut Stream, t_us: i64, out: &mut TraceBuilder) {
    while let Some((&offset, _)) = stream.pending.first_key_value() {
        if offset > stream.next {
            break;
        }
        let Some((_, data)) = stream.pending.pop_first() else {
            break;
        };
        stream.pending_bytes = stream.pending_bytes.saturating_sub(data.len());
        let end = offset + data.len() as u64;
        if end <= stream.next {
            stream.retransmitted += data.len() as u64;
            continue;
        }
        let skip = usize::try_from(stream.next - offset).unwrap_or(usize::MAX);
        if let Some(fresh) = data.get(skip..) {
            stream.next += fresh.len() as u64;
            out.data(conn, dir, t_us, fresh);
        }
    }
}

/// Jumps over the hole before the first buffered segment.
fn skip_gap(conn: u32, dir: Dir, stream: &mut Stream, t_us: i64, out: &mut TraceBuilder) {
    if let Some((&offset, _)) = stream.pending.first_key_value()
        && offset > stream.next
    {
        report_gap(conn, dir, stream.next, offset, t_us, out);
        stream.next = offset;
    }
}

fn report_gap(conn: u32, dir: Dir, from: u64, to: u64, t_us: i64, out: &mut TraceBuilder) {
    out.push_event(Event {
        t_us,
        conn: Some(conn),
        dir: Some(dir),
        span: None,
        kind: EventKind::Diagnostic {
            severity: Severity::Error,
            message: format!(
                "{} bytes missing from the capture (stream offsets {from}..{to}): \
                 packets were dropped or the capture started late",
                to - from
            ),
            rule: None,
        },
    });
    out.gap(conn, dir, t_us, to - from);
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
mod tests {
    use super::*;
    use crate::trace::Source;

    fn addr(s: &str) -> SocketAddr {
        s.parse().expect("test address")
    }

    struct Peer {
        c: SocketAddr,
        s: SocketAddr,
    }

    impl Peer {
        fn seg<'a>(
            &self,
            dir: Dir,
            seq: u32,
            ack: u32,
            flags: TcpFlags,
            payload: &'a [u8],
        ) -> Segment<'a> {
            let (src, dst) = match dir {
                Dir::C2s => (self.c, self.s),
                Dir::S2c => (self.s, self.c),
            };
            Segment {
                t_us: 0,
                src,
                dst,
                seq,
                ack,
                flags,
                window: 100,
                payload,
                wire_len: payload.len() as u32,
            }
        }
    }

    const SYN: TcpFlags = TcpFlags {
        syn: true,
        ack: false,
        fin: false,
        rst: false,
    };
    const SYNACK: TcpFlags = TcpFlags {
        syn: true,
        ack: true,
        fin: false,
        rst: false,
    };
    const ACK: TcpFlags = TcpFlags {
        syn: false,
        ack: true,
        fin: false,
        rst: false,
    };
    const FIN: TcpFlags = TcpFlags {
        syn: false,
        ack: true,
        fin: true,
        rst: false,
    };

    fn builder() -> TraceBuilder {
        TraceBuilder::new(Source::default(), chrono::DateTime::UNIX_EPOCH)
    }

    /// The TCP packet events (the payloads here are not HTTP, so the dissector adds
    /// diagnostics that these tests do not look at).
    fn tcp_events(b: &TraceBuilder) -> Vec<&Event> {
        b.trace()
            .events
            .iter()
            .filter(|e| e.kind.name().starts_with("tcp_"))
            .collect()
    }

    fn kinds(b: &TraceBuilder) -> Vec<&'static str> {
        tcp_events(b).iter().map(|e| e.kind.name()).collect()
    }

    #[test]
    fn handshake_data_out_of_order_retransmit_and_teardown() {
        let p = Peer {
            c: addr("127.0.0.1:50000"),
            s: addr("127.0.0.1:80"),
        };
        let mut r = Reassembler::new();
        let mut b = builder();
        let (ci, si) = (1000u32, u32::MAX - 2); // the server's numbers wrap around
        r.push(&p.seg(Dir::C2s, ci, 0, SYN, b""), &mut b);
        r.push(&p.seg(Dir::S2c, si, ci + 1, SYNACK, b""), &mut b);
        r.push(
            &p.seg(Dir::C2s, ci + 1, si.wrapping_add(1), ACK, b""),
            &mut b,
        );
        r.push(
            &p.seg(Dir::C2s, ci + 6, si.wrapping_add(1), ACK, b"world"),
            &mut b,
        ); // early
        r.push(
            &p.seg(Dir::C2s, ci + 1, si.wrapping_add(1), ACK, b"hello"),
            &mut b,
        );
        r.push(
            &p.seg(Dir::C2s, ci + 1, si.wrapping_add(1), ACK, b"hel"),
            &mut b,
        ); // retransmit
        r.push(
            &p.seg(Dir::S2c, si.wrapping_add(1), ci + 11, ACK, b"ok"),
            &mut b,
        );
        r.push(
            &p.seg(Dir::C2s, ci + 11, si.wrapping_add(3), FIN, b""),
            &mut b,
        );
        r.push(
            &p.seg(Dir::S2c, si.wrapping_add(3), ci + 12, FIN, b""),
            &mut b,
        );
        r.push(
            &p.seg(Dir::C2s, ci + 12, si.wrapping_add(4), ACK, b""),
            &mut b,
        );
        r.finish(0, &mut b);
        let t = b.trace();
        assert_eq!(t.stream(0, Dir::C2s), Some(&b"helloworld"[..]));
        assert_eq!(t.stream(0, Dir::S2c), Some(&b"ok"[..]));
        assert_eq!(
            kinds(&b),
            [
                "tcp_syn",
                "tcp_syn_ack",
                "tcp_ack",
                "tcp_fin",
                "tcp_fin",
                "tcp_ack"
            ]
        );
        let tcp = tcp_events(&b);
        match &tcp[1].kind {
            EventKind::TcpSynAck(s) => assert_eq!((s.seq, s.ack), (0, 1)),
            other => panic!("{other:?}"),
        }
        match &tcp[4].kind {
            EventKind::TcpFin(s) => assert_eq!((s.seq, s.ack), (3, 12)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn gaps_are_reported_and_the_stream_goes_on() {
        let p = Peer {
            c: addr("10.0.0.1:40000"),
            s: addr("10.0.0.2:8088"),
        };
        let mut r = Reassembler::new();
        let mut b = builder();
        // Mid-connection start, then a lost segment.
        r.push(&p.seg(Dir::C2s, 500, 9, ACK, b"abc"), &mut b);
        r.push(&p.seg(Dir::C2s, 510, 9, ACK, b"xyz"), &mut b);
        r.finish(0, &mut b);
        assert_eq!(b.trace().stream(0, Dir::C2s), Some(&b"abcxyz"[..]));
        let messages: Vec<String> = b
            .trace()
            .events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::Diagnostic { message, .. } => Some(message.clone()),
                _ => None,
            })
            .collect();
        assert!(
            messages[0].contains("middle of this connection"),
            "{messages:?}"
        );
        assert!(messages[1].contains("7 bytes missing"), "{messages:?}");
    }

    #[test]
    fn no_handshake_ack_in_a_capture_that_starts_mid_connection() {
        // Found by tests/fixtures_tshark_tcp.rs (http_long_poll_midstream): the client's
        // first pure ACK was reported as the ACK that completes a handshake nobody saw.
        let p = Peer {
            c: addr("127.0.0.1:50002"),
            s: addr("127.0.0.1:8088"),
        };
        let mut r = Reassembler::new();
        let mut b = builder();
        r.push(&p.seg(Dir::S2c, 700, 100, ACK, b"data"), &mut b);
        r.push(&p.seg(Dir::C2s, 100, 704, ACK, b""), &mut b);
        r.push(&p.seg(Dir::C2s, 100, 704, FIN, b""), &mut b);
        r.push(&p.seg(Dir::S2c, 704, 101, FIN, b""), &mut b);
        r.push(&p.seg(Dir::C2s, 101, 705, ACK, b""), &mut b);
        r.finish(0, &mut b);
        assert_eq!(kinds(&b), ["tcp_fin", "tcp_fin", "tcp_ack"]);
        // A capture that starts at the SYN-ACK still shows the handshake's ACK.
        let mut r = Reassembler::new();
        let mut b = builder();
        r.push(&p.seg(Dir::S2c, 5, 1001, SYNACK, b""), &mut b);
        r.push(&p.seg(Dir::C2s, 1001, 6, ACK, b""), &mut b);
        r.finish(0, &mut b);
        assert_eq!(kinds(&b), ["tcp_syn_ack", "tcp_ack"]);
    }

    #[test]
    fn reused_four_tuple_is_a_new_connection() {
        let p = Peer {
            c: addr("127.0.0.1:50001"),
            s: addr("127.0.0.1:80"),
        };
        let mut r = Reassembler::new();
        let mut b = builder();
        for isn in [1u32, 777] {
            r.push(&p.seg(Dir::C2s, isn, 0, SYN, b""), &mut b);
            r.push(&p.seg(Dir::S2c, 5, isn + 1, SYNACK, b""), &mut b);
            r.push(&p.seg(Dir::C2s, isn + 1, 6, FIN, b""), &mut b);
            r.push(&p.seg(Dir::S2c, 6, isn + 2, FIN, b""), &mut b);
        }
        r.finish(0, &mut b);
        assert_eq!(b.trace().connections.len(), 2);
    }
}
