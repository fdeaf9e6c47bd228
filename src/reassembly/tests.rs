//! Reassembly's tests, through a sink that records what it is given into a [`Trace`].
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail

use super::*;
use crate::trace::{Connection, Source, Trace, TraceUpdate};

/// Records what reassembly delivers, as a trace (connections, events, streams).
struct Recorder {
    trace: Trace,
    /// The ends of streams delivered, in order.
    ends: Vec<(u32, Dir)>,
}

impl Recorder {
    fn trace(&self) -> &Trace {
        &self.trace
    }
}

impl StreamSink for Recorder {
    fn open_connection(
        &mut self,
        client: SocketAddr,
        server: SocketAddr,
        _: ConnectionStart,
    ) -> u32 {
        let id = self.trace.connections.len() as u32;
        self.trace.connections.push(Connection {
            id,
            client: client.to_string(),
            server: server.to_string(),
            label: None,
            packets: None,
        });
        id
    }

    fn event(&mut self, event: Event) {
        self.trace.events.push(event);
    }

    fn bytes(&mut self, conn: u32, dir: Dir, _: i64, bytes: &[u8]) {
        self.trace.apply(TraceUpdate::Bytes {
            conn,
            dir,
            data: bytes.to_vec(),
        });
    }

    fn gap(&mut self, _: u32, _: Dir, _: i64, _: u64) {}

    fn end(&mut self, conn: u32, dir: Dir, _: i64) {
        self.ends.push((conn, dir));
    }
}

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
            src,
            dst,
            seq,
            ack,
            flags,
            window: 100,
            payload,
            wire_len: payload.len() as u32,
            ip_len: 40 + payload.len() as u32,
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

fn builder() -> Recorder {
    Recorder {
        trace: Trace::new(Source::default(), chrono::DateTime::UNIX_EPOCH),
        ends: Vec::new(),
    }
}

/// The TCP packet events.
fn tcp_events(b: &Recorder) -> Vec<&Event> {
    b.trace()
        .events
        .iter()
        .filter(|e| e.kind.name().starts_with("tcp_"))
        .collect()
}

fn kinds(b: &Recorder) -> Vec<&'static str> {
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
    r.push(0, &p.seg(Dir::C2s, ci, 0, SYN, b""), &mut b);
    r.push(0, &p.seg(Dir::S2c, si, ci + 1, SYNACK, b""), &mut b);
    r.push(
        0,
        &p.seg(Dir::C2s, ci + 1, si.wrapping_add(1), ACK, b""),
        &mut b,
    );
    r.push(
        0,
        &p.seg(Dir::C2s, ci + 6, si.wrapping_add(1), ACK, b"world"),
        &mut b,
    ); // early
    r.push(
        0,
        &p.seg(Dir::C2s, ci + 1, si.wrapping_add(1), ACK, b"hello"),
        &mut b,
    );
    r.push(
        0,
        &p.seg(Dir::C2s, ci + 1, si.wrapping_add(1), ACK, b"hel"),
        &mut b,
    ); // retransmit
    r.push(
        0,
        &p.seg(Dir::S2c, si.wrapping_add(1), ci + 11, ACK, b"ok"),
        &mut b,
    );
    r.push(
        0,
        &p.seg(Dir::C2s, ci + 11, si.wrapping_add(3), FIN, b""),
        &mut b,
    );
    r.push(
        0,
        &p.seg(Dir::S2c, si.wrapping_add(3), ci + 12, FIN, b""),
        &mut b,
    );
    r.push(
        0,
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
    r.push(0, &p.seg(Dir::C2s, 500, 9, ACK, b"abc"), &mut b);
    r.push(0, &p.seg(Dir::C2s, 510, 9, ACK, b"xyz"), &mut b);
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
    r.push(0, &p.seg(Dir::S2c, 700, 100, ACK, b"data"), &mut b);
    r.push(0, &p.seg(Dir::C2s, 100, 704, ACK, b""), &mut b);
    r.push(0, &p.seg(Dir::C2s, 100, 704, FIN, b""), &mut b);
    r.push(0, &p.seg(Dir::S2c, 704, 101, FIN, b""), &mut b);
    r.push(0, &p.seg(Dir::C2s, 101, 705, ACK, b""), &mut b);
    r.finish(0, &mut b);
    assert_eq!(kinds(&b), ["tcp_fin", "tcp_fin", "tcp_ack"]);
    // A capture that starts at the SYN-ACK still shows the handshake's ACK.
    let mut r = Reassembler::new();
    let mut b = builder();
    r.push(0, &p.seg(Dir::S2c, 5, 1001, SYNACK, b""), &mut b);
    r.push(0, &p.seg(Dir::C2s, 1001, 6, ACK, b""), &mut b);
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
        r.push(0, &p.seg(Dir::C2s, isn, 0, SYN, b""), &mut b);
        r.push(0, &p.seg(Dir::S2c, 5, isn + 1, SYNACK, b""), &mut b);
        r.push(0, &p.seg(Dir::C2s, isn + 1, 6, FIN, b""), &mut b);
        r.push(0, &p.seg(Dir::S2c, 6, isn + 2, FIN, b""), &mut b);
    }
    r.finish(0, &mut b);
    assert_eq!(b.trace().connections.len(), 2);
}

/// The packet events of `segments` (kind, relative seq, relative ack), in each mode: the one
/// classifier serves both.
fn events_in_both_modes(segments: &[Segment<'_>]) -> [Vec<(&'static str, u32, u32)>; 2] {
    [Mode::Streams, Mode::TcpEvents].map(|mode| {
        let mut r = Reassembler::with_mode(mode);
        let mut b = builder();
        for seg in segments {
            r.push(0, seg, &mut b);
        }
        r.finish(0, &mut b);
        tcp_events(&b)
            .iter()
            .map(|e| match &e.kind {
                EventKind::TcpSyn(s)
                | EventKind::TcpSynAck(s)
                | EventKind::TcpAck(s)
                | EventKind::TcpFin(s)
                | EventKind::TcpRst(s) => (e.kind.name(), s.seq, s.ack),
                other => panic!("{other:?}"),
            })
            .collect()
    })
}

fn peer() -> Peer {
    Peer {
        c: addr("127.0.0.1:50010"),
        s: addr("127.0.0.1:8088"),
    }
}

// The cases below are where the live capture's own classifier (before there was one) and
// reassembly's disagreed; reassembly's rules are kept (see classify.rs).

#[test]
fn a_fin_sent_again_is_acknowledged_again() {
    // RFC 9293 §3.10.7.4: a FIN that arrives again (its ACK was lost) is acknowledged again.
    let p = peer();
    let (ci, si) = (100u32, 500u32);
    let segments = [
        p.seg(Dir::C2s, ci, 0, SYN, b""),
        p.seg(Dir::S2c, si, ci + 1, SYNACK, b""),
        p.seg(Dir::C2s, ci + 1, si + 1, ACK, b""),
        p.seg(Dir::S2c, si + 1, ci + 1, FIN, b""),
        p.seg(Dir::C2s, ci + 1, si + 2, ACK, b""),
        p.seg(Dir::S2c, si + 1, ci + 1, FIN, b""), // sent again
        p.seg(Dir::C2s, ci + 1, si + 2, ACK, b""),
    ];
    let want = vec![
        ("tcp_syn", 0, 0),
        ("tcp_syn_ack", 0, 1),
        ("tcp_ack", 1, 1),
        ("tcp_fin", 1, 1),
        ("tcp_ack", 1, 2),
        ("tcp_fin", 1, 1),
        ("tcp_ack", 1, 2),
    ];
    assert_eq!(events_in_both_modes(&segments), [want.clone(), want]);
}

#[test]
fn segments_that_carry_data_are_no_tcp_ack() {
    // The handshake's third segment may carry data (RFC 9293 §3.5), and data may acknowledge
    // a FIN: both are drawn as their data, as the tshark oracle test expects.
    let p = peer();
    let (ci, si) = (100u32, 500u32);
    let segments = [
        p.seg(Dir::C2s, ci, 0, SYN, b""),
        p.seg(Dir::S2c, si, ci + 1, SYNACK, b""),
        p.seg(Dir::C2s, ci + 1, si + 1, ACK, b"GET"), // completes the handshake, with data
        p.seg(Dir::C2s, ci + 4, si + 1, FIN, b""),
        p.seg(Dir::S2c, si + 1, ci + 5, ACK, b"bye"), // acknowledges the FIN, with data
        p.seg(Dir::S2c, si + 4, ci + 5, FIN, b""),
        p.seg(Dir::C2s, ci + 5, si + 5, ACK, b""),
    ];
    let want = vec![
        ("tcp_syn", 0, 0),
        ("tcp_syn_ack", 0, 1),
        ("tcp_fin", 4, 1),
        ("tcp_fin", 4, 5),
        ("tcp_ack", 5, 5),
    ];
    assert_eq!(events_in_both_modes(&segments), [want.clone(), want]);
}

#[test]
fn a_reset_answering_a_syn_is_numbered_as_tshark_numbers_it() {
    // The refusing end sent no SYN: its first segment's seq - 1 is taken as its ISN, so
    // the RST is "Seq=1 Ack=1", as tshark shows it.
    let p = peer();
    let rst_ack = TcpFlags {
        syn: false,
        ack: true,
        fin: false,
        rst: true,
    };
    let segments = [
        p.seg(Dir::C2s, 100, 0, SYN, b""),
        p.seg(Dir::S2c, 0, 101, rst_ack, b""),
    ];
    let want = vec![("tcp_syn", 0, 0), ("tcp_rst", 1, 1)];
    assert_eq!(events_in_both_modes(&segments), [want.clone(), want]);
}

#[test]
fn only_streams_mode_delivers_bytes_and_ends() {
    let p = peer();
    for (mode, ends) in [(Mode::Streams, 2), (Mode::TcpEvents, 0)] {
        let mut r = Reassembler::with_mode(mode);
        let mut b = builder();
        r.push(0, &p.seg(Dir::C2s, 1, 0, SYN, b""), &mut b);
        r.push(0, &p.seg(Dir::S2c, 9, 2, SYNACK, b""), &mut b);
        r.push(0, &p.seg(Dir::C2s, 2, 10, ACK, b"hi"), &mut b);
        r.push(0, &p.seg(Dir::C2s, 4, 10, FIN, b""), &mut b);
        r.push(0, &p.seg(Dir::S2c, 10, 5, FIN, b""), &mut b);
        r.push(0, &p.seg(Dir::C2s, 5, 11, ACK, b""), &mut b);
        // Both FINs acknowledged: a TCP-events reassembler has forgotten the connection.
        let followed = usize::from(mode == Mode::Streams);
        assert_eq!(r.connections(), followed, "{mode:?}");
        r.finish(0, &mut b);
        assert_eq!(b.ends.len(), ends, "{mode:?}");
        let bytes = b.trace().stream(0, Dir::C2s).map(<[u8]>::to_vec);
        assert_eq!(bytes.is_some(), mode == Mode::Streams, "{mode:?}");
    }
}
