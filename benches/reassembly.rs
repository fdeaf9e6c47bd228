//! Reassembly and dissection of a real capture held in memory (the `ws_python_echo` fixture:
//! Python `websockets` on loopback): every packet decoded, every connection reassembled and
//! dissected into a trace. Also the whole file path (`read_file`, page-cached) and the
//! counting path (`summarize_file`).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark may panic on a broken setup

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput};
use wirelab::capture::file::{read_file, summarize_file};
use wirelab::capture::packet::{Decoded, LinkType, decode};
use wirelab::dissect::TraceBuilder;
use wirelab::reassembly::Reassembler;
use wirelab::trace::Source;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/fixtures")
        .join(name)
}

/// The records of a little-endian, microsecond classic pcap file: (t_us, frame).
fn records(bytes: &[u8]) -> (LinkType, Vec<(i64, &[u8])>) {
    let word = |i: usize| u32::from_le_bytes(bytes[i..i + 4].try_into().expect("4 bytes"));
    assert_eq!(word(0), 0xa1b2_c3d4, "a little-endian microsecond pcap");
    let link = LinkType::from_linktype(word(20) as i32).expect("a supported link type");
    let mut out = Vec::new();
    let mut at = 24;
    while at + 16 <= bytes.len() {
        let t = i64::from(word(at)) * 1_000_000 + i64::from(word(at + 4));
        let caplen = word(at + 8) as usize;
        out.push((t, &bytes[at + 16..at + 16 + caplen]));
        at += 16 + caplen;
    }
    (link, out)
}

/// Decode, reassemble, dissect; returns the number of events.
fn pipeline(link: LinkType, packets: &[(i64, &[u8])]) -> usize {
    let start = packets.first().map_or(0, |p| p.0);
    let mut b = TraceBuilder::new(Source::default(), chrono::DateTime::UNIX_EPOCH)
        .keep_streams(false)
        .record_updates(false);
    let mut r = Reassembler::new();
    let mut last = 0;
    for (t, frame) in packets {
        last = t - start;
        if let Ok(Decoded::Tcp(tcp)) = decode(link, frame) {
            r.push(last, &tcp, &mut b);
        }
    }
    r.finish(last, &mut b);
    b.trace().events.len()
}

fn bench(c: &mut Criterion) {
    let name = "ws_python_echo.pcap";
    let path = fixture(name);
    let bytes = std::fs::read(&path).expect("the fixture");
    let (link, packets) = records(&bytes);
    assert_eq!(packets.len(), 41, "{name}'s packets");
    assert!(
        pipeline(link, &packets) > 40,
        "{name}: a trace with its events"
    );
    let mut group = c.benchmark_group("reassembly");
    group.throughput(Throughput::Elements(packets.len() as u64));
    group.bench_function("in_memory/ws_python_echo", |b| {
        b.iter(|| pipeline(link, black_box(&packets)))
    });
    group.bench_function("read_file/ws_python_echo", |b| {
        b.iter(|| read_file(black_box(&path), false).map(|(t, _)| t.events.len()))
    });
    group.bench_function("summarize_file/ws_python_echo", |b| {
        b.iter(|| summarize_file(black_box(&path), 1).map(|s| s.connections))
    });
    group.finish();
}

fn main() {
    // `cargo test` runs this without `--bench`: criterion then runs each routine once (its
    // test mode), so that the setup cannot rot unnoticed.
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c);
    c.final_summary();
}
