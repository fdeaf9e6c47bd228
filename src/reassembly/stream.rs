//! One direction of a connection: where its stream is, what is buffered out of order, and the
//! delivery of in-order bytes (retransmissions and overlaps trimmed, holes reported) to a
//! [`StreamSink`].

use std::collections::BTreeMap;

use super::sink::StreamSink;
use crate::lang::Phrase;
use crate::trace::{Dir, Event, EventKind, Severity};

/// How many out-of-order bytes one direction may buffer before the hole is declared a gap.
const MAX_BUFFERED: usize = 4 * 1024 * 1024;

/// One direction's reassembly state.
#[derive(Debug, Default)]
pub(super) struct Stream {
    /// Absolute sequence number of stream offset 0 (the byte after the SYN).
    pub(super) base: Option<u32>,
    /// The initial sequence number (for relative numbers in packet events).
    pub(super) isn: Option<u32>,
    /// The next stream offset to deliver.
    pub(super) next: u64,
    /// Out-of-order data by stream offset.
    pending: BTreeMap<u64, Vec<u8>>,
    pending_bytes: usize,
    /// Stream offset of the FIN, once seen.
    pub(super) fin_at: Option<u64>,
    /// Whether the peer acknowledged the FIN.
    pub(super) fin_acked: bool,
    /// Whether the end of the stream was delivered.
    pub(super) ended: bool,
    retransmitted: u64,
}

impl Stream {
    /// The stream offset of absolute sequence number `seq`, unwrapped near `self.next`.
    pub(super) fn offset_of(&self, seq: u32) -> Option<u64> {
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

    /// `seq` relative to this direction's initial sequence number, as tshark shows it.
    pub(super) fn relative(&self, seq: u32) -> u32 {
        self.isn.map_or(seq, |isn| seq.wrapping_sub(isn))
    }

    /// Takes `payload`, which starts at stream offset `offset`: delivers what is new and in
    /// order, buffers what is early.
    pub(super) fn accept(
        &mut self,
        conn: u32,
        dir: Dir,
        offset: u64,
        payload: &[u8],
        t_us: i64,
        out: &mut impl StreamSink,
    ) {
        let end = offset + payload.len() as u64;
        if end <= self.next {
            self.retransmitted += payload.len() as u64;
            return;
        }
        if offset <= self.next {
            // In order, possibly overlapping what was already delivered: trim the front.
            let skip = usize::try_from(self.next - offset).unwrap_or(usize::MAX);
            if let Some(fresh) = payload.get(skip..) {
                self.next += fresh.len() as u64;
                out.bytes(conn, dir, t_us, fresh);
            }
            self.deliver_pending(conn, dir, t_us, out);
            return;
        }
        // Ahead of the stream: buffer it, unless that would hold too much.
        if self.pending_bytes + payload.len() > MAX_BUFFERED {
            self.skip_gap(conn, dir, t_us, out);
            self.deliver_pending(conn, dir, t_us, out);
            if offset > self.next {
                report_gap(conn, dir, self.next, offset, t_us, out);
                self.next = offset;
            }
            self.next += payload.len() as u64;
            out.bytes(conn, dir, t_us, payload);
            return;
        }
        let slot = self.pending.entry(offset).or_default();
        if slot.len() < payload.len() {
            self.pending_bytes += payload.len() - slot.len();
            *slot = payload.to_vec();
        }
    }

    /// Delivers everything still buffered, reporting the holes before it (the observation
    /// ended, so nothing will fill them).
    pub(super) fn flush(&mut self, conn: u32, dir: Dir, t_us: i64, out: &mut impl StreamSink) {
        while !self.pending.is_empty() {
            self.skip_gap(conn, dir, t_us, out);
            self.deliver_pending(conn, dir, t_us, out);
        }
    }

    /// Delivers buffered segments that are now in order.
    fn deliver_pending(&mut self, conn: u32, dir: Dir, t_us: i64, out: &mut impl StreamSink) {
        while let Some((&offset, _)) = self.pending.first_key_value() {
            if offset > self.next {
                break;
            }
            let Some((_, data)) = self.pending.pop_first() else {
                break;
            };
            self.pending_bytes = self.pending_bytes.saturating_sub(data.len());
            let end = offset + data.len() as u64;
            if end <= self.next {
                self.retransmitted += data.len() as u64;
                continue;
            }
            let skip = usize::try_from(self.next - offset).unwrap_or(usize::MAX);
            if let Some(fresh) = data.get(skip..) {
                self.next += fresh.len() as u64;
                out.bytes(conn, dir, t_us, fresh);
            }
        }
    }

    /// Jumps over the hole before the first buffered segment.
    fn skip_gap(&mut self, conn: u32, dir: Dir, t_us: i64, out: &mut impl StreamSink) {
        if let Some((&offset, _)) = self.pending.first_key_value()
            && offset > self.next
        {
            report_gap(conn, dir, self.next, offset, t_us, out);
            self.next = offset;
        }
    }
}

fn report_gap(conn: u32, dir: Dir, from: u64, to: u64, t_us: i64, out: &mut impl StreamSink) {
    out.event(Event {
        t_us,
        conn: Some(conn),
        dir: Some(dir),
        span: None,
        kind: EventKind::diagnostic(
            Severity::Error,
            Phrase::new(
                format!(
                    "{} bytes missing from the capture (stream offsets {from}..{to}): \
                     packets were dropped or the capture started late",
                    to - from
                ),
                format!(
                    "抓包缺失了 {} 字节（字节流偏移 {from}..{to}）：有数据包被丢弃，或者抓包开始得晚了",
                    to - from
                ),
            ),
            None,
        ),
    });
    out.gap(conn, dir, t_us, to - from);
}
