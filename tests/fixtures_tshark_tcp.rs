//! tshark as an oracle for the TCP layer of real captures: every capture with a checked-in
//! tshark decoding (`../shared/fixtures/*.tshark.tsv`, `tests/data/pcap/*.tshark.tsv`, made by
//! `../shared/fixtures/gen/ref.py`; tshark is not needed to run this test) is read by
//! `read_file`, and its trace must agree with tshark's per-frame decoding:
//!
//! * **Packet events.** Every SYN, SYN-ACK, FIN and RST tshark lists (`tcp.flags`), the ACK
//!   that completes the three-way handshake (the SYN sender's first segment after the SYN-ACK,
//!   when it carries no payload) and every pure ACK that acknowledges the peer's FIN are
//!   exactly our `tcp_syn`, `tcp_syn_ack`, `tcp_fin`, `tcp_rst` and `tcp_ack` events, in the
//!   same order, on the same connection, sent by the same end (compared by the sender's port),
//!   with the same relative `seq` and `ack` and the same payload length. A segment with RST
//!   is a `tcp_rst` whatever else it carries, SYN+ACK is a `tcp_syn_ack`, and FIN is a
//!   `tcp_fin`, as in `src/reassembly/classify.rs`. Each event's time is tshark's
//!   `frame.time_relative` (to the microsecond; within 1 µs for nanosecond pcapng).
//! * **Relative numbers.** Ours (`src/reassembly/mod.rs`, `TcpSegment` in `src/trace/mod.rs`)
//!   are defined as tshark's: `seq` is relative to the sender's initial sequence number (the
//!   SYN has 0), `ack` to the *peer's* ISN (so the SYN-ACK acks 1), and `ack` is 0 when the
//!   ACK flag is not set (tshark also shows 0 then). Without a SYN (a capture that starts
//!   mid-connection) both take the first segment's `seq - 1` as the ISN, so that segment's
//!   relative `seq` is 1. No mapping is needed, and none is done.
//! * **Connections.** tshark's `tcp.stream` N is our connection N: both number connections by
//!   first appearance. The test also checks that the ports agree.
//! * **Packets.** Each frame is decoded again with `capture::packet::decode` (the decoder
//!   `read_file` uses), the file read with the pcap-file crate: the sender and receiver ports,
//!   the SYN/ACK/FIN/RST flags and the payload length of every frame must be tshark's, so the
//!   per-connection packet counts are tshark's too. Their sum is `read_file`'s TCP packet count.
//! * **HTTP.** The request lines (`method uri version`) and response statuses and phrases
//!   of each connection are tshark's, in the same order: no more, no fewer. None of the
//!   documented tshark limitations (`../shared/fixtures/README.md`) hides a start line in
//!   these references: the one that would (an SSE response that never ends, limitation 3)
//!   is avoided by making `http_sse`'s reference with `-o http.desegment_body:FALSE`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use pcap_file::pcap::PcapReader;
use pcap_file::pcapng::{Block, PcapNgReader};
use wirelab::capture::file::read_file;
use wirelab::capture::packet::{Decoded, LinkType, decode};
use wirelab::trace::{Dir, EventKind, Trace};

mod support;
use support::fixtures::shared_dir;

fn data_dir() -> PathBuf {
    support::fixtures::data_dir("pcap")
}

/// One row of a `F.tshark.tsv`, by column name (the header row names the columns).
struct Row<'a>(&'a HashMap<String, usize>, Vec<&'a str>);

impl Row<'_> {
    fn get(&self, col: &str) -> &str {
        let i = *self.0.get(col).unwrap_or_else(|| panic!("no column {col}"));
        self.1.get(i).copied().unwrap_or("")
    }

    fn num(&self, col: &str) -> u64 {
        self.get(col)
            .parse()
            .unwrap_or_else(|_| panic!("{col}: {:?}", self.get(col)))
    }

    /// The cells of a column aggregated with `|` (several PDUs in one frame).
    fn all(&self, col: &str) -> Vec<&str> {
        let v = self.get(col);
        if v.is_empty() {
            Vec::new()
        } else {
            v.split('|').collect()
        }
    }
}

/// One TCP packet event: (kind, sender port, relative seq, relative ack, payload length).
type TcpEvent = (&'static str, u16, u32, u32, u32);

/// What tshark says about one connection.
#[derive(Default, Debug)]
struct Stream {
    ports: (u16, u16),
    packets: u64,
    events: Vec<TcpEvent>,
    /// Each event's time in nanoseconds since the first frame (ours: microseconds × 1000).
    times_ns: Vec<i64>,
    requests: Vec<String>,
    responses: Vec<String>,
}

const FIN: u16 = 0x01;
const SYN: u16 = 0x02;
const RST: u16 = 0x04;
const ACK: u16 = 0x10;

/// A frame as tshark decoded it: (tcp.stream, src port, dst port, flags, payload length).
type Frame = (u64, u16, u16, u16, u32);

fn tshark(tsv: &Path) -> (Vec<Frame>, BTreeMap<u64, Stream>) {
    let text = std::fs::read_to_string(tsv).unwrap();
    let mut lines = text.lines();
    let columns: HashMap<String, usize> = lines
        .next()
        .unwrap()
        .split('\t')
        .enumerate()
        .map(|(i, c)| (c.to_string(), i))
        .collect();
    let mut frames = Vec::new();
    let mut streams: BTreeMap<u64, Stream> = BTreeMap::new();
    // Per stream: the SYN sender's port once the SYN-ACK was seen and until its next segment
    // (the handshake's ACK is that segment, if pure); each sender's FIN (relative seq + len).
    let mut awaiting_handshake_ack: HashMap<u64, u16> = HashMap::new();
    let mut syn_sender: HashMap<u64, u16> = HashMap::new();
    let mut fin_end: HashMap<(u64, u16), u64> = HashMap::new();
    for (n, line) in lines.enumerate() {
        let row = Row(&columns, line.split('\t').collect());
        assert_eq!(
            row.num("frame.number"),
            n as u64 + 1,
            "{tsv:?}: one row per frame"
        );
        if row.get("tcp.stream").is_empty() {
            frames.push((u64::MAX, 0, 0, 0, 0));
            continue;
        }
        let id = row.num("tcp.stream");
        let (src, dst) = (row.num("tcp.srcport") as u16, row.num("tcp.dstport") as u16);
        let flags = u16::from_str_radix(row.get("tcp.flags").trim_start_matches("0x"), 16).unwrap();
        let (seq, ack, len) = (
            row.num("tcp.seq") as u32,
            row.num("tcp.ack") as u32,
            row.num("tcp.len") as u32,
        );
        frames.push((id, src, dst, flags, len));
        let s = streams.entry(id).or_default();
        if s.packets == 0 {
            s.ports = (src, dst);
        }
        s.packets += 1;
        let kind = if flags & RST != 0 {
            Some("tcp_rst")
        } else if flags & (SYN | ACK) == SYN | ACK {
            Some("tcp_syn_ack")
        } else if flags & SYN != 0 {
            syn_sender.insert(id, src);
            Some("tcp_syn")
        } else if flags & FIN != 0 {
            Some("tcp_fin")
        } else {
            let handshake = awaiting_handshake_ack.get(&id) == Some(&src);
            let acks_fin = flags & ACK != 0
                && fin_end
                    .get(&(id, dst))
                    .is_some_and(|end| u64::from(ack) > *end);
            (len == 0 && (handshake || acks_fin)).then_some("tcp_ack")
        };
        if flags & (SYN | ACK) == SYN | ACK {
            if let Some(client) = syn_sender.get(&id) {
                awaiting_handshake_ack.insert(id, *client);
            }
        } else if awaiting_handshake_ack.get(&id) == Some(&src) {
            awaiting_handshake_ack.remove(&id);
        }
        if flags & FIN != 0 && flags & RST == 0 {
            fin_end
                .entry((id, src))
                .or_insert(u64::from(seq) + u64::from(len));
        }
        if let Some(kind) = kind {
            s.events.push((kind, src, seq, ack, len));
            s.times_ns.push(nanos(row.get("frame.time_relative")));
        }
        let (methods, uris, versions) = (
            row.all("http.request.method"),
            row.all("http.request.uri"),
            row.all("http.request.version"),
        );
        assert!(methods.len() == uris.len() && uris.len() == versions.len());
        for ((m, u), v) in methods.iter().zip(&uris).zip(&versions) {
            s.requests.push(format!("{m} {u} {v}"));
        }
        let (codes, phrases) = (
            row.all("http.response.code"),
            row.all("http.response.phrase"),
        );
        assert_eq!(codes.len(), phrases.len());
        for (c, p) in codes.iter().zip(&phrases) {
            s.responses.push(format!("{c} {p}"));
        }
    }
    (frames, streams)
}

/// tshark's `frame.time_relative` (`S.nnnnnnnnn`) in nanoseconds.
fn nanos(t: &str) -> i64 {
    let (s, f) = t.split_once('.').unwrap();
    let f = format!("{f:0<9}");
    s.parse::<i64>().unwrap() * 1_000_000_000 + f[..9].parse::<i64>().unwrap()
}

fn port(addr: &str) -> u16 {
    addr.rsplit_once(':').unwrap().1.parse().unwrap()
}

/// Our side of the same facts, per connection id.
fn ours(trace: &Trace) -> BTreeMap<u64, Stream> {
    let mut streams: BTreeMap<u64, Stream> = BTreeMap::new();
    for c in &trace.connections {
        streams.entry(u64::from(c.id)).or_default().ports = (port(&c.client), port(&c.server));
    }
    for e in &trace.events {
        let Some(conn) = e.conn else { continue };
        let c = &trace.connections[conn as usize];
        let sender = match e.dir {
            Some(Dir::C2s) => port(&c.client),
            Some(Dir::S2c) => port(&c.server),
            None => 0,
        };
        let s = streams.get_mut(&u64::from(conn)).unwrap();
        let tcp = |kind: &'static str, t: &wirelab::trace::TcpSegment| {
            (kind, sender, t.seq, t.ack, t.len)
        };
        if e.kind.name().starts_with("tcp_") && e.dir.is_some() {
            s.times_ns.push(e.t_us * 1000);
        }
        match &e.kind {
            EventKind::TcpSyn(t) => s.events.push(tcp("tcp_syn", t)),
            EventKind::TcpSynAck(t) => s.events.push(tcp("tcp_syn_ack", t)),
            EventKind::TcpAck(t) => s.events.push(tcp("tcp_ack", t)),
            EventKind::TcpFin(t) => s.events.push(tcp("tcp_fin", t)),
            EventKind::TcpRst(t) => s.events.push(tcp("tcp_rst", t)),
            EventKind::HttpRequest {
                method,
                target,
                version,
                ..
            } => s.requests.push(format!("{method} {target} {version}")),
            EventKind::HttpResponse { status, reason, .. } => {
                s.responses.push(format!("{status} {reason}"));
            }
            _ => {}
        }
    }
    streams
}

/// The frames of a capture file and its link type.
fn frames_of(path: &Path) -> (LinkType, Vec<Vec<u8>>) {
    let (link, frames) = read_with_pcap_file(path);
    (LinkType::from_linktype(link as i32).unwrap(), frames)
}

/// The frames of a capture file and its LINKTYPE_, read with the pcap-file crate: a reader
/// independent of ours (classic pcap in any byte order and resolution, or pcapng with one
/// interface).
fn read_with_pcap_file(path: &Path) -> (u32, Vec<Vec<u8>>) {
    let bytes = std::fs::read(path).unwrap();
    let mut frames = Vec::new();
    if bytes.starts_with(&[0x0a, 0x0d, 0x0d, 0x0a]) {
        let mut reader = PcapNgReader::new(bytes.as_slice()).unwrap();
        let mut link = None;
        while let Some(block) = reader.next_block() {
            match block.unwrap() {
                Block::InterfaceDescription(idb) => {
                    assert!(link.is_none(), "{path:?}: one interface");
                    link = Some(u32::from(idb.linktype));
                }
                Block::EnhancedPacket(p) => frames.push(p.data.to_vec()),
                Block::SimplePacket(p) => frames.push(p.data.to_vec()),
                _ => {}
            }
        }
        return (link.unwrap(), frames);
    }
    let mut reader = PcapReader::new(bytes.as_slice()).unwrap();
    let link = u32::from(reader.header().datalink);
    while let Some(packet) = reader.next_packet() {
        frames.push(packet.unwrap().data.to_vec());
    }
    (link, frames)
}

fn check(dir: &Path, name: &str) {
    let tsv = dir.join(format!("{name}.tshark.tsv"));
    let capture = ["pcap", "pcapng"]
        .iter()
        .map(|ext| dir.join(format!("{name}.{ext}")))
        .find(|p| p.exists())
        .unwrap();
    let (tshark_frames, want) = tshark(&tsv);
    let (trace, stats) = read_file(&capture, false).unwrap();
    let got = ours(&trace);

    // Frame by frame: ports, flags and payload length as tshark decoded them.
    let (link, frames) = frames_of(&capture);
    assert_eq!(frames.len(), tshark_frames.len(), "{name}: frames");
    assert_eq!(
        stats.packets,
        frames.len() as u64,
        "{name}: read_file's packets"
    );
    let mut counts: BTreeMap<u64, u64> = BTreeMap::new();
    for (i, (frame, &(stream, src, dst, flags, len))) in
        frames.iter().zip(&tshark_frames).enumerate()
    {
        let decoded = decode(link, frame).unwrap();
        let Decoded::Tcp(p) = decoded else {
            assert_eq!(
                stream,
                u64::MAX,
                "{name}: frame {} is TCP for tshark",
                i + 1
            );
            continue;
        };
        let ours = (
            p.src.port(),
            p.dst.port(),
            u16::from(p.flags.fin) * FIN
                + u16::from(p.flags.syn) * SYN
                + u16::from(p.flags.rst) * RST
                + u16::from(p.flags.ack) * ACK,
            p.wire_len,
        );
        let want = (src, dst, flags & (FIN | SYN | RST | ACK), len);
        assert_eq!(ours, want, "{name}: frame {}", i + 1);
        // The 4-tuple is on the connection tshark numbers `stream`.
        let c = &trace.connections[stream as usize];
        let mut ends = [port(&c.client), port(&c.server)];
        ends.sort_unstable();
        let mut these = [src, dst];
        these.sort_unstable();
        assert_eq!(
            ends,
            these,
            "{name}: frame {} on connection {stream}",
            i + 1
        );
        *counts.entry(stream).or_default() += 1;
    }
    assert_eq!(
        counts.values().sum::<u64>(),
        stats.tcp_packets,
        "{name}: read_file's TCP packets"
    );

    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>(),
        "{name}: connections"
    );
    let mut problems = Vec::new();
    for (id, w) in &want {
        let g = &got[id];
        let mut a = [g.ports.0, g.ports.1];
        let mut b = [w.ports.0, w.ports.1];
        a.sort_unstable();
        b.sort_unstable();
        if a != b {
            problems.push(format!(
                "stream {id}: ports {:?} vs tshark {:?}",
                g.ports, w.ports
            ));
        }
        if counts.get(id) != Some(&w.packets) {
            problems.push(format!(
                "stream {id}: {:?} packets vs tshark {}",
                counts.get(id),
                w.packets
            ));
        }
        // Times: exact for microsecond files; for nanosecond ones (pcapng from dumpcap) ours
        // are whole microseconds since the first packet's whole microsecond, so within 1 µs.
        let close = g.times_ns.len() == w.times_ns.len()
            && g.times_ns.iter().zip(&w.times_ns).all(|(o, t)| {
                let exact = t % 1000 == 0;
                if exact { o == t } else { (o - t).abs() < 1000 }
            });
        if !close {
            problems.push(format!(
                "stream {id}: TCP event times (ns)\n  ours   {:?}\n  tshark {:?}",
                g.times_ns, w.times_ns
            ));
        }
        if g.events != w.events {
            problems.push(format!(
                "stream {id}: TCP events\n  ours   {:?}\n  tshark {:?}",
                g.events, w.events
            ));
        }
        for (what, ours, theirs) in [
            ("requests", &g.requests, &w.requests),
            ("responses", &g.responses, &w.responses),
        ] {
            // Equal, not merely contained: an extra or duplicated request must fail.
            if ours != theirs {
                problems.push(format!(
                    "stream {id}: HTTP {what}\n  ours   {ours:?}\n  tshark {theirs:?}"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{name}:\n{}", problems.join("\n"));
    // The handshake and teardown were checked above; make sure they were really there.
    let total: usize = want.values().map(|s| s.events.len()).sum();
    assert!(total >= 1, "{name}: no TCP events at all");
}

macro_rules! oracle {
    ($($test:ident: $dir:ident / $name:literal,)*) => {
        $(
            #[test]
            fn $test() {
                check(&$dir(), $name);
            }
        )*

        /// Every tshark reference in both folders has a test above.
        #[test]
        fn every_reference_is_checked() {
            let listed: Vec<(PathBuf, &str)> = vec![$(($dir(), $name)),*];
            for dir in [shared_dir(), data_dir()] {
                for entry in std::fs::read_dir(&dir).unwrap() {
                    let file = entry.unwrap().file_name().into_string().unwrap();
                    if let Some(name) = file.strip_suffix(".tshark.tsv") {
                        assert!(
                            listed.iter().any(|(d, n)| *d == dir && *n == name),
                            "{dir:?}/{file} has no test"
                        );
                    }
                }
            }
        }
    };
}

oracle! {
    shared_ws_python_echo: shared_dir / "ws_python_echo",
    shared_ws_python_echo_mtu1500: shared_dir / "ws_python_echo_mtu1500",
    shared_ws_python_deflate: shared_dir / "ws_python_deflate",
    shared_ws_fragmented: shared_dir / "ws_fragmented",
    shared_ws_abrupt: shared_dir / "ws_abrupt",
    shared_ws_bad_handshake: shared_dir / "ws_bad_handshake",
    shared_http_short_poll: shared_dir / "http_short_poll",
    shared_http_long_poll: shared_dir / "http_long_poll",
    shared_http_sse: shared_dir / "http_sse",
    ws_fragmented_deflate: data_dir / "ws_fragmented_deflate",
    ws_chromium: data_dir / "ws_chromium",
    ws_ipv6: data_dir / "ws_ipv6",
    ws_sll: data_dir / "ws_sll",
    ws_sll2_ipv6: data_dir / "ws_sll2_ipv6",
    ws_deflate_pcapng: data_dir / "ws_deflate",
    ws_deflate_no_context_takeover: data_dir / "ws_deflate_no_context_takeover",
    ws_null_le: data_dir / "ws_null_le",
    ws_null_be_ipv6: data_dir / "ws_null_be_ipv6",
    ws_raw: data_dir / "ws_raw",
    ws_raw_ipv6: data_dir / "ws_raw_ipv6",
    ws_echo_lost_frame: data_dir / "ws_echo_lost_frame",
    ws_echo_mtu1500_lost_segment: data_dir / "ws_echo_mtu1500_lost_segment",
    http_long_poll_midstream: data_dir / "http_long_poll_midstream",
}
