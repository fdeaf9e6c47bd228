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
//! threads: connections are independent, so the calling thread reads and decodes the packets
//! and worker threads reassemble and dissect the connections, each by one worker at a time.
//!
//! By concept: `record_reader` (where packets come from: the classic pcap record walker, or
//! libpcap), `work` (one pass over a file's packets into one trace builder, with the
//! file-level notes), `pool` (the worker pool of [`summarize_file`]).

pub mod open;
mod pool;
mod record_reader;
mod work;

use std::path::Path;

use crate::dissect::TraceBuilder;
use crate::trace::{Source, Trace};
use record_reader::Packets;
use work::{Mode, Work};

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
    /// The file is neither pcap nor pcapng (libpcap knows none of its magic numbers).
    #[error("cannot read {path}: not a pcap or pcapng file ({what})")]
    NotCapture {
        /// The file.
        path: String,
        /// What it starts with instead.
        what: String,
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
    /// Events by kind name ([`crate::trace::EventKind::name`]), sorted by name; the same counts as the
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
/// indices; its connections too (their packet counts may still grow).
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
    Ok(pool::summarize(&mut packets, source, threads))
}

/// Adds a builder's connections and event counts to a summary.
pub(super) fn add_counts(summary: &mut FileSummary, builder: &TraceBuilder) {
    summary.connections += builder.trace().connections.len() as u64;
    for (name, count) in builder.event_counts() {
        match summary.events.iter_mut().find(|(n, _)| n == name) {
            Some((_, c)) => *c += count,
            None => summary.events.push((name, *count)),
        }
    }
}

fn source(path: &Path) -> Source {
    Source {
        kind: "file".into(),
        scenario: None,
        capture: Some("packet".into()),
        server: None,
        file: Some(path.display().to_string()),
        tool: Some(format!("wirelab {}", env!("CARGO_PKG_VERSION"))),
        link: None,
    }
}

#[cfg(test)]
mod tests;
