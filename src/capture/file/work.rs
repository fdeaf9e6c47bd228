//! One pass over a file's packets into one trace builder: decode, reassemble, dissect, and
//! the file-level notes (undecodable packets, a file that ends early).

use chrono::{DateTime, Utc};

use super::FileStats;
use super::record_reader::Packets;
use crate::capture::packet::{DecodeError, Decoded, LinkType, decode};
use crate::dissect::TraceBuilder;
use crate::lang::Phrase;
use crate::reassembly::Reassembler;
use crate::trace::{Event, EventKind, Severity, Source, Trace};

/// Told the bytes read so far (an estimate) and the trace so far, now and then.
pub(super) type ReadProgress<'a> = dyn FnMut(u64, Option<&Trace>) + 'a;

/// What a [`Work`] keeps.
#[derive(Clone, Copy)]
pub(super) enum Mode {
    /// The whole trace.
    Trace { keep_streams: bool },
    /// Event counts only.
    Count,
}

/// The packets of one file, and what was made of them so far.
pub(super) struct Work {
    pub(super) source: Source,
    mode: Mode,
    builder: Option<TraceBuilder>,
    reassembler: Reassembler,
    pub(super) stats: FileStats,
    pub(super) first_us: Option<i64>,
    pub(super) last_t: i64,
    pub(super) first_error: Option<(u64, DecodeError)>,
}

/// A finished [`Work`].
pub(super) struct Finished {
    pub(super) builder: TraceBuilder,
    pub(super) stats: FileStats,
}

impl Work {
    pub(super) fn new(source: Source, mode: Mode) -> Work {
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
    pub(super) fn run(
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
    pub(super) fn finish(self, read_error: Option<String>) -> Finished {
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
        let mut note = |message: Phrase, severity| {
            b.push_event(Event {
                t_us: last_t,
                conn: None,
                dir: None,
                span: None,
                kind: EventKind::diagnostic(severity, message, None),
            })
        };
        if let Some((number, e)) = first_error {
            note(
                Phrase::new(
                    format!(
                        "{} packet(s) could not be decoded; the first is packet {number}: {e}",
                        stats.undecodable
                    ),
                    format!(
                        "{} 个数据包无法解码；第一个是第 {number} 个数据包：{e}",
                        stats.undecodable
                    ),
                ),
                Severity::Warning,
            );
        }
        if let Some(reason) = read_error {
            note(
                Phrase::new(
                    format!(
                        "the file ends early after {} packets: {reason}; everything before is shown",
                        stats.packets
                    ),
                    format!(
                        "文件在 {} 个数据包之后提前结束：{reason}；之前的内容都已显示",
                        stats.packets
                    ),
                ),
                Severity::Error,
            );
        }
        Finished { builder: b, stats }
    }
}

/// A builder for a file's trace: nobody takes its updates.
pub(super) fn new_builder(source: &Source, mode: Mode, started: DateTime<Utc>) -> TraceBuilder {
    let b = TraceBuilder::new(source.clone(), started).record_updates(false);
    match mode {
        Mode::Trace { keep_streams } => b.keep_streams(keep_streams),
        Mode::Count => b.count_only(true),
    }
}
