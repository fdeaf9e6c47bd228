//! Capture files: pcap and pcapng read with libpcap, every TCP connection reassembled and
//! dissected into one trace. Damaged files yield what they hold plus a diagnostic; a file that
//! cannot be read at all is one clear error.

use std::path::Path;

use chrono::{DateTime, Utc};

use super::packet::{DecodeError, Decoded, LinkType, decode};
use crate::reassembly::{Reassembler, Segment};
use crate::trace::{Event, EventKind, Severity, Source, Trace, TraceBuilder};

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

/// Reads a capture file into a trace (raw streams are kept when `keep_streams`).
pub fn read_file(path: &Path, keep_streams: bool) -> Result<(Trace, FileStats), FileError> {
    let display = path.display().to_string();
    let mut cap = pcap::Capture::from_file(path).map_err(|e| FileError::Open {
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
    let source = Source {
        kind: "file".into(),
        scenario: None,
        capture: Some("packet".into()),
        server: None,
        file: Some(display),
        tool: Some(format!("wirelab {}", env!("CARGO_PKG_VERSION"))),
    };
    let mut builder: Option<TraceBuilder> = None;
    let mut reassembler = Reassembler::new();
    let mut stats = FileStats::default();
    let mut first_us: Option<i64> = None;
    let mut last_t = 0;
    let mut first_error: Option<(u64, DecodeError)> = None;
    let read_error = loop {
        let packet = match cap.next_packet() {
            Ok(p) => p,
            Err(pcap::Error::NoMorePackets) => break None,
            Err(e) => break Some(e.to_string()),
        };
        stats.packets += 1;
        let ts_us = packet
            .header
            .ts
            .tv_sec
            .saturating_mul(1_000_000)
            .saturating_add(packet.header.ts.tv_usec);
        let start = *first_us.get_or_insert(ts_us);
        let b = builder.get_or_insert_with(|| {
            let started = DateTime::<Utc>::from_timestamp_micros(start).unwrap_or_default();
            TraceBuilder::new(source.clone(), started).keep_streams(keep_streams)
        });
        let t_us = ts_us - start;
        last_t = last_t.max(t_us);
        match decode(link, packet.data) {
            Ok(Decoded::Tcp(tcp)) => {
                stats.tcp_packets += 1;
                reassembler.push(
                    &Segment {
                        t_us,
                        src: tcp.src,
                        dst: tcp.dst,
                        seq: tcp.seq,
                        ack: tcp.ack,
                        flags: tcp.flags,
                        window: tcp.window,
                        payload: tcp.payload,
                        wire_len: tcp.wire_len,
                    },
                    b,
                );
            }
            Ok(Decoded::NotTcp) => {}
            Err(e) => {
                stats.undecodable += 1;
                first_error.get_or_insert((stats.packets, e));
            }
        }
    };
    let mut b =
        builder.unwrap_or_else(|| TraceBuilder::new(source.clone(), DateTime::<Utc>::UNIX_EPOCH));
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
    Ok((b.into_trace(), stats))
}
