//! The worker pool of [`super::summarize_file`]: the calling thread reads and decodes the
//! packets and hands each connection's segments, in batches and in order, to whichever worker
//! is free; a connection is worked on by one worker at a time.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, Utc};

use super::record_reader::Packets;
use super::work::{Mode, Work, new_builder};
use super::{FileStats, FileSummary, add_counts};
use crate::capture::packet::{Decoded, LinkType, decode};
use crate::dissect::TraceBuilder;
use crate::reassembly::{FlowKey, Reassembler, Segment, TcpFlags};
use crate::trace::Source;

/// Counts every event of `packets` on `threads` worker threads (at least two).
pub(super) fn summarize(packets: &mut Packets, source: Source, threads: usize) -> FileSummary {
    let pool = Pool::default();
    let reader = std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| pool.work());
        }
        let mut reader = Dispatcher::new(&pool, source.clone());
        let read_error = reader.run(packets);
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
    summary
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

/// One segment of a [`Batch`]: a [`Segment`]'s fields but its payload, which is
/// `payloads[at..at + len]`. Kept apart rather than as a `Segment<'static>` with an empty
/// payload: the unused slice would add 16 bytes to every segment read ahead of the workers
/// (megabytes on a large file).
struct BatchSegment {
    t_us: i64,
    src: SocketAddr,
    dst: SocketAddr,
    seq: u32,
    ack: u32,
    flags: TcpFlags,
    window: u16,
    wire_len: u32,
    ip_len: u32,
    at: usize,
    len: usize,
}

impl BatchSegment {
    /// The segment for `tcp` seen at `t_us`, its payload at `at` in the batch.
    fn new(t_us: i64, tcp: &Segment<'_>, at: usize) -> BatchSegment {
        BatchSegment {
            t_us,
            src: tcp.src,
            dst: tcp.dst,
            seq: tcp.seq,
            ack: tcp.ack,
            flags: tcp.flags,
            window: tcp.window,
            wire_len: tcp.wire_len,
            ip_len: tcp.ip_len,
            at,
            len: tcp.payload.len(),
        }
    }

    /// The segment again, with its payload from `payloads` (the batch's).
    fn segment<'a>(&self, payloads: &'a [u8]) -> Segment<'a> {
        Segment {
            src: self.src,
            dst: self.dst,
            seq: self.seq,
            ack: self.ack,
            flags: self.flags,
            window: self.window,
            payload: payloads
                .get(self.at..self.at + self.len)
                .unwrap_or_default(),
            wire_len: self.wire_len,
            ip_len: self.ip_len,
        }
    }
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
                    reassembler.push(s.t_us, &s.segment(&batch.payloads), builder);
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
        batch.segments.push(BatchSegment::new(t_us, &tcp, at));
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
