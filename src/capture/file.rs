//! Capture files: pcap and pcapng, every TCP connection reassembled and dissected into one
//! trace. Damaged files yield what they hold plus a diagnostic; a file that cannot be read at
//! all is one clear error.
//!
//! Classic pcap files (the common case, and what `tcpdump -w` writes) are walked record by
//! record straight from large buffered reads, which costs a fraction of libpcap's per-packet
//! path; pcapng and anything unusual (other magics, versions, FCS bits, unknown link types) go
//! through libpcap, which also words the errors.
//!
//! [`summarize_file`] does the same work as [`read_file`] but only counts events, on several
//! threads: connections are independent, so each thread reads the file, decodes every packet
//! and reassembles and dissects only the connections assigned to it.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, Utc};

use super::packet::{DecodeError, Decoded, LinkType, decode};
use crate::dissect::TraceBuilder;
use crate::reassembly::{FlowKey, Reassembler, Segment};
use crate::trace::{Event, EventKind, Severity, Source, Trace};

/// Why a capture file could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// libpcap refused the file (missing, unreadable, bad magic, truncated header).
    #[error("cannot read {path}: {reason}")]
    Open {
        /// The file.
        path: String,
        /// libpcap's reason.
        reason: String,
    },
    /// The file's link type is not one wirelab decodes.
    #[error(
        "cannot read {path}: link type {linktype} ({name}) is not supported; supported: Ethernet, NULL/LOOP, Linux SLL/SLL2, raw IP"
    )]
    LinkType {
        /// The file.
        path: String,
        /// The LINKTYPE_ number.
        linktype: i32,
        /// Its name, as libpcap knows it.
        name: String,
    },
}

/// Counts of what a file held.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileStats {
    /// Packets read.
    pub packets: u64,
    /// TCP packets among them.
    pub tcp_packets: u64,
    /// Packets that could not be decoded.
    pub undecodable: u64,
}

/// The counts of a whole file, as [`summarize_file`] computes them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileSummary {
    /// What the file held.
    pub stats: FileStats,
    /// TCP connections found.
    pub connections: u64,
    /// Events by kind name ([`EventKind::name`]), sorted by name; the same counts as the
    /// events of [`read_file`]'s trace.
    pub events: Vec<(&'static str, u64)>,
}

impl FileSummary {
    /// How many events of kind `name` (e.g. `"ws_frame"`) there were.
    pub fn count(&self, name: &str) -> u64 {
        self.events
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(0, |(_, c)| *c)
    }
}

/// Reads a capture file into a trace (raw streams are kept when `keep_streams`).
pub fn read_file(path: &Path, keep_streams: bool) -> Result<(Trace, FileStats), FileError> {
    let mut packets = Packets::open(path)?;
    let mut work = Work::new(source(path), Mode::Trace { keep_streams });
    let read_error = work.run(&mut packets, None);
    let b = work.finish(read_error);
    Ok((b.builder.into_trace(), b.stats))
}

/// [`read_file`], calling `progress(bytes_done, bytes_total, trace_so_far)` every few
/// thousand packets (for a progress bar, and a view of what was read so far). `bytes_done` is
/// estimated from the packets read (captured bytes plus a record header each), capped at the
/// file's size, and equals it at the end. Events are only ever appended, so the events of
/// `trace_so_far` (`None` before the first packet) begin the final trace's, at the same
/// indices; its connections too.
pub fn read_file_with_progress(
    path: &Path,
    keep_streams: bool,
    progress: &mut dyn FnMut(u64, u64, Option<&Trace>),
) -> Result<(Trace, FileStats), FileError> {
    let total = std::fs::metadata(path).map_or(0, |m| m.len());
    let mut packets = Packets::open(path)?;
    let mut work = Work::new(source(path), Mode::Trace { keep_streams });
    let mut report = |done: u64, trace: Option<&Trace>| progress(done.min(total), total, trace);
    let read_error = work.run(&mut packets, Some(&mut report));
    let b = work.finish(read_error);
    let trace = b.builder.into_trace();
    progress(total, total, Some(&trace));
    Ok((trace, b.stats))
}

/// Does all the work of [`read_file`] (every packet decoded, every connection reassembled,
/// every frame parsed and unmasked, every message assembled and inflated) but keeps only
/// counts, on `threads` worker threads (at least one).
///
/// Connections are independent, so the calling thread reads and decodes the packets and
/// hands each connection's segments, in batches and in order, to whichever worker is free;
/// a connection is worked on by one worker at a time. A costly connection (say, one that
/// inflates every message) therefore never holds up the others.
pub fn summarize_file(path: &Path, threads: usize) -> Result<FileSummary, FileError> {
    let mut packets = Packets::open(path)?;
    let source = source(path);
    let threads = threads.max(1);
    if threads == 1 {
        let mut work = Work::new(source, Mode::Count);
        let read_error = work.run(&mut packets, None);
        let finished = work.finish(read_error);
        let mut summary = FileSummary {
            stats: finished.stats,
            ..FileSummary::default()
        };
        add_counts(&mut summary, &finished.builder);
        summary.events.sort_unstable();
        return Ok(summary);
    }
    let pool = Pool::default();
    let reader = std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| pool.work());
        }
        let mut reader = Dispatcher::new(&pool, source.clone());
        let read_error = reader.run(&mut packets);
        let read_side = reader.finish(read_error);
        pool.close();
        read_side
    });
    let mut summary = FileSummary {
        stats: reader.stats,
        ..FileSummary::default()
    };
    add_counts(&mut summary, &reader.builder);
    let last_t = reader.last_t;
    let flows = std::mem::take(&mut *lock(&pool.flows));
    for flow in flows {
        let mut state = lock(&flow.state);
        let FlowState {
            reassembler,
            builder,
        } = &mut *state;
        reassembler.finish(last_t, builder);
        add_counts(&mut summary, builder);
    }
    summary.events.sort_unstable();
    Ok(summary)
}

/// Adds a builder's connections and event counts to a summary.
fn add_counts(summary: &mut FileSummary, builder: &TraceBuilder) {
    summary.connections += builder.trace().connections.len() as u64;
    for (name, count) in builder.event_counts() {
        match summary.events.iter_mut().find(|(n, _)| n == name) {
            Some((_, c)) => *c += count,
            None => summary.events.push((name, *count)),
        }
    }
}

/// A lock that survives a panicked holder (the counts are then simply what they are).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Segments handed to a worker: their fields, and their payloads back to back.
#[derive(Default)]
struct Batch {
    segments: Vec<BatchSegment>,
    payloads: Vec<u8>,
}

impl Batch {
    /// An empty batch with room for a full one (no growing while it fills).
    fn with_room() -> Batch {
        Batch {
            segments: Vec::with_capacity(BATCH_SEGMENTS),
            payloads: Vec::with_capacity(BATCH_BYTES + usize::from(u16::MAX)),
        }
    }
}

/// One segment of a [`Batch`]: the segment without its payload, which is
/// `payloads[at..at + len]`.
struct BatchSegment {
    t_us: i64,
    segment: Segment<'static>,
    at: usize,
    len: usize,
}

/// Segments per batch, and payload bytes per batch: large enough that handing over is rare,
/// small enough that every worker gets work early.
const BATCH_SEGMENTS: usize = 512;
const BATCH_BYTES: usize = 64 * 1024;
/// Payload bytes read ahead of the workers at most: bounds memory on files of any size.
const IN_FLIGHT_BYTES: usize = 64 * 1024 * 1024;
/// Slots of the reader's cache of recent flow lookups.
const RECENT: usize = 64;

/// One connection (4-tuple) being worked on.
struct Flow {
    /// Batches not worked on yet, and whether the flow is queued or being worked on.
    queue: Mutex<(std::collections::VecDeque<Batch>, bool)>,
    state: Mutex<FlowState>,
}

struct FlowState {
    reassembler: Reassembler,
    builder: TraceBuilder,
}

/// Flows with work waiting, and the workers that take them.
#[derive(Default)]
struct Pool {
    flows: Mutex<Vec<std::sync::Arc<Flow>>>,
    /// Flows to work on, and whether the reader has finished.
    ready: Mutex<(std::collections::VecDeque<std::sync::Arc<Flow>>, bool)>,
    ready_changed: Condvar,
    /// Worked-on batches, emptied, for the reader to fill again (fresh memory costs page
    /// faults).
    spare: Mutex<Vec<Batch>>,
    /// Payload bytes handed over and not yet worked on.
    in_flight: Mutex<usize>,
    in_flight_changed: Condvar,
}

impl Pool {
    /// Hands a batch to `flow`; queues the flow unless a worker has it already.
    fn submit(&self, flow: &std::sync::Arc<Flow>, batch: Batch) {
        let bytes = batch.payloads.len();
        {
            let mut in_flight = lock(&self.in_flight);
            while *in_flight > IN_FLIGHT_BYTES {
                in_flight = self
                    .in_flight_changed
                    .wait(in_flight)
                    .unwrap_or_else(PoisonError::into_inner);
            }
            *in_flight += bytes;
        }
        let mut queue = lock(&flow.queue);
        queue.0.push_back(batch);
        if !queue.1 {
            queue.1 = true;
            drop(queue);
            lock(&self.ready).0.push_back(flow.clone());
            self.ready_changed.notify_one();
        }
    }

    /// An empty batch, recycled if one is spare.
    fn empty_batch(&self) -> Batch {
        lock(&self.spare).pop().unwrap_or_else(Batch::with_room)
    }

    /// No more batches will come.
    fn close(&self) {
        lock(&self.ready).1 = true;
        self.ready_changed.notify_all();
    }

    /// A worker: takes a queued flow, works through its batches in order, until the reader
    /// has finished and nothing is queued.
    fn work(&self) {
        loop {
            let flow = {
                let mut ready = lock(&self.ready);
                loop {
                    if let Some(flow) = ready.0.pop_front() {
                        break flow;
                    }
                    if ready.1 {
                        return;
                    }
                    ready = self
                        .ready_changed
                        .wait(ready)
                        .unwrap_or_else(PoisonError::into_inner);
                }
            };
            let mut state = lock(&flow.state);
            loop {
                let batch = {
                    let mut queue = lock(&flow.queue);
                    match queue.0.pop_front() {
                        Some(b) => b,
                        None => {
                            // Released under the queue's lock: the reader queues the flow
                            // again with its next batch.
                            queue.1 = false;
                            break;
                        }
                    }
                };
                let FlowState {
                    reassembler,
                    builder,
                } = &mut *state;
                for s in &batch.segments {
                    let payload = batch.payloads.get(s.at..s.at + s.len).unwrap_or_default();
                    reassembler.push(
                        s.t_us,
                        &Segment {
                            payload,
                            ..s.segment
                        },
                        builder,
                    );
                }
                *lock(&self.in_flight) -= batch.payloads.len();
                self.in_flight_changed.notify_one();
                let mut batch = batch;
                batch.segments.clear();
                batch.payloads.clear();
                lock(&self.spare).push(batch);
            }
        }
    }
}

/// The reading side of [`summarize_file`]: decodes packets and batches each connection's
/// segments for the workers.
struct Dispatcher<'p> {
    pool: &'p Pool,
    work: Work,
    /// Every flow and the batch being filled for it.
    flows: Vec<(std::sync::Arc<Flow>, Batch)>,
    /// 4-tuple → index in `flows`.
    index: HashMap<FlowKey, usize>,
    /// Recent lookups by a cheap hash of the ports, checked before `index` (SipHash on two
    /// socket addresses per packet is a noticeable share of reading).
    recent: [Option<(FlowKey, usize)>; RECENT],
    started: Option<DateTime<Utc>>,
}

impl<'p> Dispatcher<'p> {
    fn new(pool: &'p Pool, source: Source) -> Dispatcher<'p> {
        Dispatcher {
            pool,
            work: Work::new(source, Mode::Count),
            flows: Vec::new(),
            index: HashMap::new(),
            recent: [None; RECENT],
            started: None,
        }
    }

    fn run(&mut self, packets: &mut Packets) -> Option<String> {
        let link = packets.link;
        loop {
            match packets.next_packet() {
                Ok(Some((ts_us, data))) => self.packet(ts_us, data, link),
                Ok(None) => return None,
                Err(e) => return Some(e),
            }
        }
    }

    fn packet(&mut self, ts_us: i64, data: &[u8], link: LinkType) {
        let w = &mut self.work;
        w.stats.packets += 1;
        let start = *w.first_us.get_or_insert(ts_us);
        let started = *self.started.get_or_insert_with(|| {
            DateTime::<Utc>::from_timestamp_micros(start).unwrap_or_default()
        });
        let t_us = ts_us.saturating_sub(start);
        w.last_t = w.last_t.max(t_us);
        let tcp = match decode(link, data) {
            Ok(Decoded::Tcp(tcp)) => tcp,
            Ok(Decoded::NotTcp) => return,
            Err(e) => {
                w.stats.undecodable += 1;
                w.first_error.get_or_insert((w.stats.packets, e));
                return;
            }
        };
        w.stats.tcp_packets += 1;
        let key = FlowKey::of(tcp.src, tcp.dst);
        let slot = usize::from(key.low.port() ^ key.high.port()) % RECENT;
        let i = match self.recent.get(slot).copied().flatten() {
            Some((k, i)) if k == key => i,
            _ => {
                let i = match self.index.get(&key) {
                    Some(i) => *i,
                    None => {
                        let flow = std::sync::Arc::new(Flow {
                            queue: Mutex::new((std::collections::VecDeque::new(), false)),
                            state: Mutex::new(FlowState {
                                reassembler: Reassembler::new(),
                                builder: new_builder(&w.source, Mode::Count, started),
                            }),
                        });
                        lock(&self.pool.flows).push(flow.clone());
                        // A new flow's first batch grows as needed: most flows are small, and
                        // room reserved for every flow would add up.
                        self.flows.push((flow, Batch::default()));
                        self.index.insert(key, self.flows.len() - 1);
                        self.flows.len() - 1
                    }
                };
                if let Some(r) = self.recent.get_mut(slot) {
                    *r = Some((key, i));
                }
                i
            }
        };
        let Some((flow, batch)) = self.flows.get_mut(i) else {
            return;
        };
        let at = batch.payloads.len();
        batch.payloads.extend_from_slice(tcp.payload);
        batch.segments.push(BatchSegment {
            t_us,
            segment: Segment {
                payload: &[],
                ..tcp
            },
            at,
            len: tcp.payload.len(),
        });
        if batch.segments.len() >= BATCH_SEGMENTS || batch.payloads.len() >= BATCH_BYTES {
            let full = std::mem::replace(batch, self.pool.empty_batch());
            self.pool.submit(flow, full);
        }
    }

    /// Hands over what is left; the file-level notes go to the reader's own builder.
    fn finish(mut self, read_error: Option<String>) -> ReadSide {
        for (flow, batch) in self.flows.drain(..) {
            if !batch.segments.is_empty() {
                self.pool.submit(&flow, batch);
            }
        }
        let last_t = self.work.last_t;
        let finished = self.work.finish(read_error);
        ReadSide {
            builder: finished.builder,
            stats: finished.stats,
            last_t,
        }
    }
}

/// What the reading side found: the counts and notes that belong to no connection.
struct ReadSide {
    builder: TraceBuilder,
    stats: FileStats,
    last_t: i64,
}

fn source(path: &Path) -> Source {
    Source {
        kind: "file".into(),
        scenario: None,
        capture: Some("packet".into()),
        server: None,
        file: Some(path.display().to_string()),
        tool: Some(format!("wirelab {}", env!("CARGO_PKG_VERSION"))),
    }
}

/// Told the bytes read so far (an estimate) and the trace so far, now and then.
type ReadProgress<'a> = dyn FnMut(u64, Option<&Trace>) + 'a;

/// What a [`Work`] keeps.
#[derive(Clone, Copy)]
enum Mode {
    /// The whole trace.
    Trace { keep_streams: bool },
    /// Event counts only.
    Count,
}

/// The packets of one file, and what was made of them so far.
struct Work {
    source: Source,
    mode: Mode,
    builder: Option<TraceBuilder>,
    reassembler: Reassembler,
    stats: FileStats,
    first_us: Option<i64>,
    last_t: i64,
    first_error: Option<(u64, DecodeError)>,
}

/// A finished [`Work`].
struct Finished {
    builder: TraceBuilder,
    stats: FileStats,
}

impl Work {
    fn new(source: Source, mode: Mode) -> Work {
        Work {
            source,
            mode,
            builder: None,
            reassembler: Reassembler::new(),
            stats: FileStats::default(),
            first_us: None,
            last_t: 0,
            first_error: None,
        }
    }

    /// Processes every packet; returns why reading stopped early, if it did. `progress`
    /// gets an estimate of the bytes read so far and the trace so far, every 4096 packets.
    fn run(
        &mut self,
        packets: &mut Packets,
        mut progress: Option<&mut ReadProgress<'_>>,
    ) -> Option<String> {
        let link = packets.link;
        // File header, then per packet its captured bytes and a record header (16 bytes in
        // pcap, about 32 in pcapng).
        let mut bytes: u64 = 24;
        loop {
            match packets.next_packet() {
                Ok(Some((ts_us, data))) => {
                    if let Some(report) = progress.as_mut() {
                        bytes = bytes.saturating_add(data.len() as u64 + 24);
                        if self.stats.packets.is_multiple_of(4096) {
                            report(bytes, self.builder.as_ref().map(TraceBuilder::trace));
                        }
                    }
                    self.packet(ts_us, data, link)
                }
                Ok(None) => return None,
                Err(e) => return Some(e),
            }
        }
    }

    fn packet(&mut self, ts_us: i64, data: &[u8], link: LinkType) {
        self.stats.packets += 1;
        let start = *self.first_us.get_or_insert(ts_us);
        if self.builder.is_none() {
            let started = DateTime::<Utc>::from_timestamp_micros(start).unwrap_or_default();
            self.builder = Some(new_builder(&self.source, self.mode, started));
        }
        let t_us = ts_us.saturating_sub(start);
        self.last_t = self.last_t.max(t_us);
        match decode(link, data) {
            Ok(Decoded::Tcp(tcp)) => {
                self.stats.tcp_packets += 1;
                let Some(b) = self.builder.as_mut() else {
                    return;
                };
                self.reassembler.push(t_us, &tcp, b);
            }
            Ok(Decoded::NotTcp) => {}
            Err(e) => {
                self.stats.undecodable += 1;
                self.first_error.get_or_insert((self.stats.packets, e));
            }
        }
    }

    /// Ends every connection and adds the file-level notes.
    fn finish(self, read_error: Option<String>) -> Finished {
        let Work {
            source,
            mode,
            builder,
            mut reassembler,
            stats,
            last_t,
            first_error,
            ..
        } = self;
        let mut b =
            builder.unwrap_or_else(|| new_builder(&source, mode, DateTime::<Utc>::UNIX_EPOCH));
        reassembler.finish(last_t, &mut b);
        let mut note = |message: String, severity| {
            b.push_event(Event {
                t_us: last_t,
                conn: None,
                dir: None,
                span: None,
                kind: EventKind::Diagnostic {
                    severity,
                    message,
                    rule: None,
                },
            })
        };
        if let Some((number, e)) = first_error {
            note(
                format!(
                    "{} packet(s) could not be decoded; the first is packet {number}: {e}",
                    stats.undecodable
                ),
                Severity::Warning,
            );
        }
        if let Some(reason) = read_error {
            note(
                format!(
                    "the file ends early after {} packets: {reason}; everything before is shown",
                    stats.packets
                ),
                Severity::Error,
            );
        }
        Finished { builder: b, stats }
    }
}

/// A builder for a file's trace: nobody takes its updates.
fn new_builder(source: &Source, mode: Mode, started: DateTime<Utc>) -> TraceBuilder {
    let b = TraceBuilder::new(source.clone(), started).record_updates(false);
    match mode {
        Mode::Trace { keep_streams } => b.keep_streams(keep_streams),
        Mode::Count => b.count_only(true),
    }
}

/// Where packets come from.
struct Packets {
    link: LinkType,
    reader: Reader,
}

enum Reader {
    Libpcap(pcap::Capture<pcap::Offline>),
    Classic(Classic),
}

impl Packets {
    /// Opens `path`: classic pcap with the record walker, anything else with libpcap.
    fn open(path: &Path) -> Result<Packets, FileError> {
        if let Some((classic, link)) = Classic::open(path) {
            return Ok(Packets {
                link,
                reader: Reader::Classic(classic),
            });
        }
        let display = path.display().to_string();
        let cap = pcap::Capture::from_file(path).map_err(|e| FileError::Open {
            path: display.clone(),
            reason: e.to_string(),
        })?;
        let linktype = cap.get_datalink();
        let Some(link) = LinkType::from_linktype(linktype.0) else {
            return Err(FileError::LinkType {
                path: display,
                linktype: linktype.0,
                name: linktype.get_name().unwrap_or_else(|_| "unknown".into()),
            });
        };
        Ok(Packets {
            link,
            reader: Reader::Libpcap(cap),
        })
    }

    /// The next packet (timestamp in µs, captured bytes), `None` at the end, or why the
    /// file cannot be read further.
    fn next_packet(&mut self) -> Result<Option<(i64, &[u8])>, String> {
        match &mut self.reader {
            Reader::Libpcap(cap) => match cap.next_packet() {
                Ok(p) => {
                    let ts = p.header.ts;
                    let ts_us = ts
                        .tv_sec
                        .saturating_mul(1_000_000)
                        .saturating_add(ts.tv_usec);
                    Ok(Some((ts_us, p.data)))
                }
                Err(pcap::Error::NoMorePackets) => Ok(None),
                Err(e) => Err(e.to_string()),
            },
            Reader::Classic(c) => c.next_packet(),
        }
    }
}

/// libpcap's largest capture length for the link types wirelab reads.
const MAX_SNAPLEN: u32 = 262_144;
/// Bytes per read: large reads keep system calls rare; small enough to stay in cache.
const READ_CHUNK: usize = 1 << 20;

/// A classic pcap file (version 2.4, any byte order, µs or ns timestamps), read the way
/// libpcap reads it: records longer than the snap length are cut to it, a record longer than
/// libpcap's maximum or cut off by the end of the file is an error.
struct Classic {
    file: File,
    buf: Vec<u8>,
    /// Unread bytes are `buf[pos..len]`.
    pos: usize,
    len: usize,
    eof: bool,
    swapped: bool,
    nanos: bool,
    snapshot: u32,
}

impl Classic {
    /// Opens `path` if it is a classic pcap file this reader handles exactly like libpcap
    /// (else `None`: libpcap reads it, or says why it cannot).
    fn open(path: &Path) -> Option<(Classic, LinkType)> {
        let mut file = File::open(path).ok()?;
        let mut header = [0u8; 24];
        file.read_exact(&mut header).ok()?;
        let magic = u32::from_le_bytes([header[0], header[1], header[2], header[3]]);
        let (swapped, nanos) = match magic {
            0xa1b2_c3d4 => (false, false),
            0xd4c3_b2a1 => (true, false),
            0xa1b2_3c4d => (false, true),
            0x4d3c_b2a1 => (true, true),
            _ => return None,
        };
        let u16_at = |i: usize| {
            let v = u16::from_le_bytes([header[i], header[i + 1]]);
            if swapped { v.swap_bytes() } else { v }
        };
        let u32_at = |i: usize| {
            let v = u32::from_le_bytes([header[i], header[i + 1], header[i + 2], header[i + 3]]);
            if swapped { v.swap_bytes() } else { v }
        };
        if (u16_at(4), u16_at(6)) != (2, 4) {
            return None;
        }
        let snaplen = u32_at(16);
        let linktype = u32_at(20);
        // Upper bits carry FCS lengths and such: libpcap knows what to do with them.
        let link = LinkType::from_linktype(i32::try_from(linktype).ok()?)?;
        let snapshot = if snaplen == 0 || snaplen > MAX_SNAPLEN {
            MAX_SNAPLEN
        } else {
            snaplen
        };
        let classic = Classic {
            file,
            buf: vec![0; READ_CHUNK],
            pos: 0,
            len: 0,
            eof: false,
            swapped,
            nanos,
            snapshot,
        };
        Some((classic, link))
    }

    fn u32_at(&self, i: usize) -> u32 {
        let v = self
            .buf
            .get(i..i + 4)
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
            .map_or(0, u32::from_le_bytes);
        if self.swapped { v.swap_bytes() } else { v }
    }

    /// Makes at least `want` unread bytes available, unless the file ends first; returns how
    /// many are available.
    fn fill(&mut self, want: usize) -> Result<usize, String> {
        if self.len - self.pos >= want || self.eof {
            return Ok(self.len - self.pos);
        }
        self.buf.copy_within(self.pos..self.len, 0);
        self.len -= self.pos;
        self.pos = 0;
        if self.buf.len() < want {
            self.buf.resize(want, 0);
        }
        while self.len < want {
            let Some(room) = self.buf.get_mut(self.len..) else {
                break;
            };
            match self.file.read(room) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => self.len += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(format!("error reading dump file: {e}")),
            }
        }
        Ok(self.len - self.pos)
    }

    fn next_packet(&mut self) -> Result<Option<(i64, &[u8])>, String> {
        const HEADER: usize = 16;
        let got = self.fill(HEADER)?;
        if got == 0 {
            return Ok(None);
        }
        if got < HEADER {
            return Err(format!(
                "truncated dump file; tried to read {HEADER} header bytes, only got {got}"
            ));
        }
        // libpcap reads both timestamp fields as signed 32-bit numbers.
        let sec = i64::from(self.u32_at(self.pos) as i32);
        let frac = i64::from(self.u32_at(self.pos + 4) as i32);
        let caplen = self.u32_at(self.pos + 8);
        if caplen > MAX_SNAPLEN {
            return Err(format!(
                "invalid packet capture length {caplen}, bigger than maximum of {MAX_SNAPLEN}"
            ));
        }
        let caplen = caplen as usize;
        let got = self.fill(HEADER + caplen)?;
        if got < HEADER + caplen {
            return Err(format!(
                "truncated dump file; tried to read {caplen} captured bytes, only got {}",
                got - HEADER
            ));
        }
        let usec = if self.nanos { frac / 1000 } else { frac };
        let ts_us = sec.saturating_mul(1_000_000).saturating_add(usec);
        let data_at = self.pos + HEADER;
        self.pos = data_at + caplen;
        // Like libpcap: bytes beyond the file's snap length are skipped.
        let kept = caplen.min(self.snapshot as usize);
        let data = self.buf.get(data_at..data_at + kept).unwrap_or_default();
        Ok(Some((ts_us, data)))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn fixtures() -> Vec<PathBuf> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("fixtures directory")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "pcap"))
            .collect();
        files.sort();
        assert!(!files.is_empty());
        files
    }

    fn temp(name: &str) -> PathBuf {
        std::env::temp_dir().join(format!("wirelab-file-{}-{name}", std::process::id()))
    }

    /// Every packet, as one reader sees it, and how reading ended.
    fn all_packets(mut p: Packets) -> (Vec<(i64, Vec<u8>)>, Option<String>) {
        let mut out = Vec::new();
        loop {
            match p.next_packet() {
                Ok(Some((ts, data))) => out.push((ts, data.to_vec())),
                Ok(None) => return (out, None),
                Err(e) => return (out, Some(e)),
            }
        }
    }

    fn libpcap(path: &Path) -> Packets {
        let cap = pcap::Capture::from_file(path).expect("libpcap opens it");
        let link = LinkType::from_linktype(cap.get_datalink().0).expect("link type");
        Packets {
            link,
            reader: Reader::Libpcap(cap),
        }
    }

    fn classic(path: &Path) -> Packets {
        let (c, link) = Classic::open(path).expect("a classic pcap file");
        Packets {
            link,
            reader: Reader::Classic(c),
        }
    }

    /// The same file in the other byte order with nanosecond timestamps.
    fn swapped_nanos(bytes: &[u8]) -> Vec<u8> {
        let word = |b: &[u8], i: usize| u32::from_le_bytes(b[i..i + 4].try_into().expect("4"));
        let mut out = Vec::new();
        out.extend_from_slice(&0xa1b2_3c4du32.to_be_bytes());
        out.extend_from_slice(&2u16.to_be_bytes());
        out.extend_from_slice(&4u16.to_be_bytes());
        for i in [8, 12, 16, 20] {
            out.extend_from_slice(&word(bytes, i).to_be_bytes());
        }
        let mut at = 24;
        while at + 16 <= bytes.len() {
            let caplen = word(bytes, at + 8) as usize;
            out.extend_from_slice(&word(bytes, at).to_be_bytes());
            out.extend_from_slice(&(word(bytes, at + 4) * 1000 + 999).to_be_bytes());
            out.extend_from_slice(&word(bytes, at + 8).to_be_bytes());
            out.extend_from_slice(&word(bytes, at + 12).to_be_bytes());
            out.extend_from_slice(&bytes[at + 16..at + 16 + caplen]);
            at += 16 + caplen;
        }
        out
    }

    #[test]
    fn the_record_walker_reads_what_libpcap_reads() {
        for path in fixtures() {
            let bytes = std::fs::read(&path).expect("fixture");
            let (ours, end) = all_packets(classic(&path));
            let (theirs, their_end) = all_packets(libpcap(&path));
            assert_eq!(ours, theirs, "{}", path.display());
            assert_eq!((end, their_end), (None, None));
            // Big-endian, nanosecond timestamps.
            let other = temp(&format!("swapped-{}", path.display().to_string().len()));
            std::fs::write(&other, swapped_nanos(&bytes)).expect("temp file");
            let (ours, _) = all_packets(classic(&other));
            let (theirs, _) = all_packets(libpcap(&other));
            assert_eq!(ours, theirs, "{} swapped", path.display());
            // Cut in the middle of a record and in the middle of a record header.
            for cut in [bytes.len() - 5, bytes.len() / 2] {
                std::fs::write(&other, &bytes[..cut]).expect("temp file");
                let (ours, end) = all_packets(classic(&other));
                let (theirs, their_end) = all_packets(libpcap(&other));
                assert_eq!(ours, theirs, "{} cut at {cut}", path.display());
                assert_eq!(end.is_some(), their_end.is_some(), "{end:?} {their_end:?}");
            }
            std::fs::remove_file(&other).ok();
        }
    }

    #[test]
    fn a_cut_file_shows_what_it_holds_and_says_where_it_ends() {
        let path = &fixtures()[0];
        let bytes = std::fs::read(path).expect("fixture");
        let cut = temp("cut.pcap");
        std::fs::write(&cut, &bytes[..bytes.len() - 3]).expect("temp file");
        let (trace, stats) = read_file(&cut, false).expect("readable in part");
        std::fs::remove_file(&cut).ok();
        assert!(stats.packets > 0);
        let last = trace.events.last().expect("events");
        assert!(
            matches!(&last.kind, EventKind::Diagnostic { message, .. }
                if message.contains("ends early") && message.contains("truncated dump file")),
            "{last:?}"
        );
    }

    #[test]
    fn summaries_count_what_the_trace_holds_on_any_number_of_threads() {
        for path in fixtures() {
            let (trace, stats) = read_file(&path, false).expect("fixture readable");
            let mut expected: HashMap<&'static str, u64> = HashMap::new();
            for e in &trace.events {
                *expected.entry(e.kind.name()).or_default() += 1;
            }
            let mut expected: Vec<(&'static str, u64)> = expected.into_iter().collect();
            expected.sort_unstable();
            for threads in [1, 2, 3] {
                let summary = summarize_file(&path, threads).expect("fixture readable");
                assert_eq!(summary.events, expected, "{} {threads}", path.display());
                assert_eq!(summary.stats, stats);
                assert_eq!(summary.connections, trace.connections.len() as u64);
            }
        }
    }

    #[test]
    fn unreadable_files_are_one_error() {
        let missing = temp("missing.pcap");
        assert!(matches!(
            read_file(&missing, false),
            Err(FileError::Open { .. })
        ));
        assert!(matches!(
            summarize_file(&missing, 2),
            Err(FileError::Open { .. })
        ));
    }
}
