//! The dissector alone on a WebSocket conversation held in memory: upgrade, then client
//! frames (masked) and server frames, fed in 1460-byte pieces like TCP segments. Reports
//! frames per second; the `deflate` case negotiates permessage-deflate and compresses every
//! message (RFC 7692), so it measures inflation too once the dissector does it.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark may panic on a broken setup

use std::hint::black_box;

use criterion::{Criterion, Throughput};
use flate2::{Compress, Compression, FlushCompress};
use wirelab::dissect::ConnectionDissector;
use wirelab::proto::ws::handshake::derive_accept;
use wirelab::trace::Dir;

/// Frames each way in a measured run; `cargo test`'s one pass uses [`TEST_FRAMES_PER_DIR`].
const FRAMES_PER_DIR: usize = 20_000;
const TEST_FRAMES_PER_DIR: usize = 200;
const SEGMENT: usize = 1460;
const KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";

/// A frame with a 7-bit or 16-bit length; masked when `mask` is given.
fn frame(opcode: u8, rsv1: bool, payload: &[u8], mask: Option<[u8; 4]>) -> Vec<u8> {
    let mut out = vec![0x80 | if rsv1 { 0x40 } else { 0 } | opcode];
    let m = if mask.is_some() { 0x80 } else { 0 };
    if payload.len() < 126 {
        out.push(m | payload.len() as u8);
    } else {
        out.push(m | 126);
        out.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    }
    match mask {
        Some(key) => {
            out.extend_from_slice(&key);
            out.extend(payload.iter().enumerate().map(|(i, b)| b ^ key[i % 4]));
        }
        None => out.extend_from_slice(payload),
    }
    out
}

/// The message texts: JSON-ish, 30 to 400 bytes, like the big capture's.
fn message(i: usize) -> String {
    let words = [
        "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "theta",
    ];
    let mut s = format!("{{\"seq\":{i},\"op\":\"pub\",\"t\":\"");
    let target = 30 + (i * 37) % 370;
    let mut w = i;
    while s.len() < target {
        s.push_str(words[w % words.len()]);
        s.push(' ');
        w = w.wrapping_mul(31).wrapping_add(7);
    }
    s.push_str("\"}");
    s
}

/// (client bytes, server bytes) of a whole conversation.
fn conversation(deflate: bool, frames_per_dir: usize) -> (Vec<u8>, Vec<u8>) {
    let ext = if deflate {
        "Sec-WebSocket-Extensions: permessage-deflate\r\n"
    } else {
        ""
    };
    let mut c2s = format!(
        "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: {KEY}\r\nSec-WebSocket-Version: 13\r\n{ext}\r\n"
    )
    .into_bytes();
    let mut s2c = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Accept: {}\r\n{ext}\r\n",
        derive_accept(KEY).accept
    )
    .into_bytes();
    // One compressor per direction with context takeover, as negotiated above.
    let mut compressors = [
        Compress::new(Compression::default(), false),
        Compress::new(Compression::default(), false),
    ];
    for i in 0..frames_per_dir {
        for (d, out) in [&mut c2s, &mut s2c].into_iter().enumerate() {
            let text = message(i * 2 + d);
            let payload = if deflate {
                let mut z = Vec::with_capacity(text.len() + 64);
                let c = &mut compressors[d];
                c.compress_vec(text.as_bytes(), &mut z, FlushCompress::Sync)
                    .expect("compressing");
                // RFC 7692 §7.2.1: drop the final 00 00 ff ff.
                z.truncate(z.len().saturating_sub(4));
                z
            } else {
                text.into_bytes()
            };
            let mask = (d == 0).then(|| (i as u32).wrapping_mul(2_654_435_761).to_be_bytes());
            out.extend_from_slice(&frame(1, deflate, &payload, mask));
        }
    }
    (c2s, s2c)
}

/// Feeds both directions interleaved segment by segment; returns the number of events.
fn dissect(c2s: &[u8], s2c: &[u8]) -> usize {
    let mut d = ConnectionDissector::new(0);
    let mut out = Vec::new();
    let mut events = 0;
    let (mut a, mut b) = (c2s.chunks(SEGMENT), s2c.chunks(SEGMENT));
    let mut t = 0;
    loop {
        let (x, y) = (a.next(), b.next());
        if x.is_none() && y.is_none() {
            break;
        }
        t += 10;
        if let Some(x) = x {
            d.feed(Dir::C2s, t, x, &mut out);
        }
        if let Some(y) = y {
            d.feed(Dir::S2c, t, y, &mut out);
        }
        events += out.len();
        out.clear();
    }
    d.end(Dir::C2s, t, &mut out);
    d.end(Dir::S2c, t, &mut out);
    events + out.len()
}

fn bench(c: &mut Criterion, frames_per_dir: usize) {
    let mut group = c.benchmark_group("dissector");
    group.throughput(Throughput::Elements(2 * frames_per_dir as u64));
    group.sample_size(20);
    for (name, deflate) in [("ws_frames", false), ("ws_frames_deflate", true)] {
        let (c2s, s2c) = conversation(deflate, frames_per_dir);
        // The upgrade, its check, and a frame and a message per frame each way, at least.
        let events = dissect(&c2s, &s2c);
        assert!(
            events >= 4 * frames_per_dir,
            "{name}: {events} events from {frames_per_dir} frames each way"
        );
        group.bench_function(name, |b| {
            b.iter(|| dissect(black_box(&c2s), black_box(&s2c)))
        });
    }
    group.finish();
}

fn main() {
    // `cargo test` runs this without `--bench`: criterion then runs each routine once (its
    // test mode), on a smaller conversation, so that the setup cannot rot unnoticed.
    let measuring = std::env::args().any(|a| a == "--bench");
    let frames = if measuring {
        FRAMES_PER_DIR
    } else {
        TEST_FRAMES_PER_DIR
    };
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c, frames);
    c.final_summary();
}
