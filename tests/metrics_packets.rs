#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Packets and IP bytes per connection, and in the metrics, against tshark: every fixture's
//! `*.tshark.tsv` (tshark's own decoding, beside each capture) gives each `tcp.stream`'s
//! packets and `frame.len`; these captures are Ethernet, so a packet's bytes from the IP
//! header on are `frame.len - 14`.

mod support;

use std::collections::HashMap;
use std::path::Path;

use support::fixtures::{shared_dir, shared_fixture};
use wirelab::analysis::metrics::metrics;
use wirelab::capture::file::read_file;
use wirelab::trace::{DirPackets, PacketCounts};

const ETHERNET_HEADER: u64 = 14;

/// tshark's counts per connection, keyed by its two ports (lower first) and the how-manieth
/// connection between them, per direction (the direction of the stream's first packet first).
fn tshark_counts(name: &str) -> HashMap<((u16, u16), usize), PacketCounts> {
    let text = std::fs::read_to_string(shared_fixture(&format!("{name}.tshark.tsv"))).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |n: &str| header.iter().position(|h| *h == n).unwrap();
    let (len, stream, sport, dport) = (
        col("frame.len"),
        col("tcp.stream"),
        col("tcp.srcport"),
        col("tcp.dstport"),
    );
    // Stream → (its first sender's port, its ports, counts).
    let mut streams: Vec<(u64, u16, (u16, u16), PacketCounts)> = Vec::new();
    for line in lines {
        let f: Vec<&str> = line.split('\t').collect();
        let Ok(id) = f[stream].parse::<u64>() else {
            continue; // not TCP
        };
        let (s, d): (u16, u16) = (f[sport].parse().unwrap(), f[dport].parse().unwrap());
        let ip_len = f[len].parse::<u64>().unwrap() - ETHERNET_HEADER;
        let i = match streams.iter().position(|(sid, ..)| *sid == id) {
            Some(i) => i,
            None => {
                streams.push((id, s, (s.min(d), s.max(d)), PacketCounts::default()));
                streams.len() - 1
            }
        };
        let entry = &mut streams[i];
        let dir = if s == entry.1 {
            &mut entry.3.c2s
        } else {
            &mut entry.3.s2c
        };
        dir.packets += 1;
        dir.ip_bytes += ip_len;
    }
    let mut seen: HashMap<(u16, u16), usize> = HashMap::new();
    streams
        .into_iter()
        .map(|(_, _, ports, counts)| {
            let n = seen.entry(ports).or_default();
            *n += 1;
            ((ports, *n), counts)
        })
        .collect()
}

fn port(addr: &str) -> u16 {
    addr.rsplit_once(':').unwrap().1.parse().unwrap()
}

/// Every fixture with a tshark decoding.
fn fixtures() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(shared_dir())
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.strip_suffix(".tshark.tsv").map(str::to_string)
        })
        .collect();
    names.sort();
    assert!(names.len() >= 8, "too few fixtures: {names:?}");
    names
}

#[test]
fn each_connections_packets_and_ip_bytes_equal_tsharks() {
    for name in fixtures() {
        let reference = tshark_counts(&name);
        let (trace, _) =
            read_file(Path::new(&shared_fixture(&format!("{name}.pcap"))), false).unwrap();
        assert_eq!(
            trace.connections.len(),
            reference.len(),
            "{name}: connections"
        );
        let mut seen: HashMap<(u16, u16), usize> = HashMap::new();
        for c in &trace.connections {
            let (a, b) = (port(&c.client), port(&c.server));
            let ports = (a.min(b), a.max(b));
            let n = seen.entry(ports).or_default();
            *n += 1;
            let want = reference[&(ports, *n)];
            let got = c
                .packets
                .unwrap_or_else(|| panic!("{name}: no packets counted"));
            // tshark's first sender is the client, as the SYN's sender is ours.
            assert_eq!(
                got, want,
                "{name}: connection {} ({} → {})",
                c.id, c.client, c.server
            );
        }
        let total = reference.values().fold(DirPackets::default(), |sum, c| {
            let both = c.both();
            DirPackets {
                packets: sum.packets + both.packets,
                ip_bytes: sum.ip_bytes + both.ip_bytes,
            }
        });
        let m = metrics(&trace);
        assert_eq!(m.totals.packets, Some(total.packets), "{name}: packets");
        assert_eq!(m.totals.ip_bytes, Some(total.ip_bytes), "{name}: ip_bytes");
        let by_technique: u64 = m.techniques.iter().filter_map(|t| t.counts.packets).sum();
        assert_eq!(by_technique, total.packets, "{name}: techniques add up");
    }
}

#[test]
fn a_trace_without_packets_has_none_in_its_metrics_json() {
    let trace = support::sample::demo_trace();
    let m = metrics(&trace);
    assert_eq!(m.totals.packets, None);
    let json = serde_json::to_value(&m).unwrap();
    assert!(json["totals"].get("packets").is_none());
    assert!(json["totals"].get("ip_bytes").is_none());
}
