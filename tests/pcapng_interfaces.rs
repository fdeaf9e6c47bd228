//! pcapng files with several interfaces, their packets interleaved: `tests/data/pcap/
//! ws_mixed_*.pcapng`, made by `gen_mixed_pcapng.py` from three real captures each (one
//! interface per source, each source shifted by 1 ms more than the previous one).
//!
//! * One link type, three timestamp resolutions (µs, ns, 2^-20 s): every connection dissects
//!   exactly as in its source file, at the source's times plus its offset.
//! * Three link types (Ethernet, Linux SLL, SLL2): libpcap, which reads pcapng for us,
//!   refuses a second interface of another link type. Until the reader handles that, the file
//!   must be refused with libpcap's reason, never misread.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use std::path::{Path, PathBuf};

use pcap_file::pcapng::{Block, PcapNgReader};
use wirelab::capture::file::read_file;
use wirelab::trace::{Event, EventKind, Severity, Trace};

mod support;

fn data(name: &str) -> PathBuf {
    support::fixtures::data_dir("pcap").join(name)
}

/// Each source's start offset after source 0's first packet (`OFFSET_US` in the script).
const OFFSET_US: i64 = 1000;

/// The interfaces (link type, `if_tsresol`) and the interface of each packet, in file order,
/// read with the pcap-file crate: the file is what its name says.
fn interfaces(path: &Path) -> (Vec<(u32, Option<u8>)>, Vec<u32>) {
    let bytes = std::fs::read(path).unwrap();
    let mut reader = PcapNgReader::new(bytes.as_slice()).unwrap();
    let (mut idbs, mut order) = (Vec::new(), Vec::new());
    while let Some(block) = reader.next_block() {
        match block.unwrap() {
            Block::InterfaceDescription(idb) => {
                let tsresol = idb.options.iter().find_map(|o| match o {
                    pcap_file::pcapng::blocks::interface_description::InterfaceDescriptionOption::IfTsResol(r) => Some(*r),
                    _ => None,
                });
                idbs.push((u32::from(idb.linktype), tsresol));
            }
            Block::EnhancedPacket(p) => order.push(p.interface_id),
            _ => {}
        }
    }
    (idbs, order)
}

/// The interface ids change back and forth: the sources' packets are interleaved.
fn switches(order: &[u32]) -> usize {
    order.windows(2).filter(|w| w[0] != w[1]).count()
}

/// One connection's events, comparable across traces: the connection id left out, and an
/// `api` event's `cause` given as an index among the connection's own events.
fn connection_events(trace: &Trace, conn: u32) -> Vec<(i64, Event)> {
    let indices: Vec<usize> = (0..trace.events.len())
        .filter(|&i| trace.events[i].conn == Some(conn))
        .collect();
    indices
        .iter()
        .map(|&i| {
            let mut e = trace.events[i].clone();
            e.conn = None;
            if let EventKind::Api { cause, .. } = &mut e.kind {
                *cause = cause.map(|c| {
                    indices
                        .iter()
                        .position(|&j| j as u64 == c)
                        .expect("the cause is on the same connection") as u64
                });
            }
            (std::mem::take(&mut e.t_us), e)
        })
        .collect()
}

#[test]
fn one_link_type_three_timestamp_resolutions_interleaved() {
    let path = data("ws_mixed_resolutions.pcapng");
    let (idbs, order) = interfaces(&path);
    assert_eq!(idbs, [(1, None), (1, Some(9)), (1, Some(0x94))]);
    assert!(switches(&order) >= 10, "interleaved: {order:?}");

    let (mixed, stats) = read_file(&path, true).unwrap();
    let sources = [
        "ws_ipv6.pcap",
        "ws_chromium.pcap",
        "ws_fragmented_deflate.pcap",
    ];
    let mut packets = 0;
    let mut connections = 0;
    for (k, name) in sources.iter().enumerate() {
        let (source, source_stats) = read_file(&data(name), true).unwrap();
        packets += source_stats.packets;
        let offset = OFFSET_US * k as i64;
        // 2^-20 s units cannot hold every microsecond: the script rounds down when writing,
        // libpcap rounds down when reading, so a time may come back 1 µs early.
        let tolerance = if k == 2 { 1 } else { 0 };
        for c in &source.connections {
            connections += 1;
            let m = mixed
                .connections
                .iter()
                .find(|m| m.client == c.client && m.server == c.server)
                .unwrap_or_else(|| panic!("{name}: connection {} is in the mixed file", c.id));
            let want = connection_events(&source, c.id);
            let got = connection_events(&mixed, m.id);
            assert_eq!(
                got.iter().map(|(_, e)| e).collect::<Vec<_>>(),
                want.iter().map(|(_, e)| e).collect::<Vec<_>>(),
                "{name}: connection {} dissects as in its own file",
                c.id
            );
            for ((t_got, e), (t_want, _)) in got.iter().zip(&want) {
                let diff = t_want + offset - t_got;
                assert!(
                    (0..=tolerance).contains(&diff),
                    "{name}: {} at {t_got} µs, expected {} µs",
                    e.kind.name(),
                    t_want + offset
                );
            }
            for dir in [wirelab::trace::Dir::C2s, wirelab::trace::Dir::S2c] {
                assert_eq!(
                    mixed.stream(m.id, dir),
                    source.stream(c.id, dir),
                    "{name}: connection {} {dir:?} bytes",
                    c.id
                );
            }
        }
    }
    assert_eq!(stats.packets, packets);
    assert_eq!(stats.tcp_packets, packets);
    assert_eq!(mixed.connections.len(), connections);
    assert!(
        !mixed.events.iter().any(|e| e.conn.is_none()),
        "no file-level diagnostic"
    );
}

#[test]
fn three_link_types_are_refused_with_libpcaps_reason() {
    let path = data("ws_mixed_interfaces.pcapng");
    let (idbs, order) = interfaces(&path);
    assert_eq!(idbs, [(1, None), (113, Some(9)), (276, Some(0x94))]);
    assert!(switches(&order) >= 10, "interleaved: {order:?}");

    let (trace, stats) = read_file(&path, false).unwrap();
    assert_eq!(stats.packets, 0);
    assert!(trace.connections.is_empty());
    let diagnostics: Vec<(Severity, &str)> = trace
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Diagnostic {
                severity, message, ..
            } => Some((*severity, message.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(
        diagnostics,
        [(
            Severity::Error,
            "the file ends early after 0 packets: libpcap error: an interface has a type 113 \
             different from the type of the first interface; everything before is shown"
        )]
    );
}
