//! A step's evidence in the trace shown: for each of its highlights that applies to how the
//! trace was observed (packets, or the socket tap alone), the events it matches.

use crate::lesson::{Highlight, Seen, Step};
use crate::trace::Trace;

/// What one highlight found.
#[derive(Clone, Debug, PartialEq)]
pub struct Evidence {
    /// The highlight's index in the step.
    pub highlight: usize,
    /// The events it matches (indices into the trace), in order; empty: not seen.
    pub events: Vec<usize>,
}

/// Whether `trace` was observed with packets (`packet`: a capture file or a live capture;
/// `packet+socket`: a lab run whose packets were captured): then the TCP handshake and
/// teardown segments exist.
pub fn has_packets(trace: &Trace) -> bool {
    trace
        .source
        .capture
        .as_deref()
        .is_some_and(|c| c.contains("packet"))
}

/// Whether highlight `h` is expected in `trace`.
pub fn applies(h: &Highlight, trace: &Trace) -> bool {
    match h.when {
        Seen::Always => true,
        Seen::WithPackets => has_packets(trace),
        Seen::SocketOnly => !has_packets(trace),
    }
}

/// The step's evidence in `trace`: one entry per highlight that applies.
pub fn find(step: &Step, trace: &Trace) -> Vec<Evidence> {
    step.highlights
        .iter()
        .enumerate()
        .filter(|(_, h)| applies(h, trace))
        .map(|(k, h)| Evidence {
            highlight: k,
            events: trace
                .events
                .iter()
                .enumerate()
                .filter(|(_, e)| h.matcher.matches(&trace.connections, e))
                .map(|(i, _)| i)
                .collect(),
        })
        .collect()
}

/// The event the detail pane selects: the first event of the main highlight if it was
/// found, else of the first highlight found.
pub fn main_event(step: &Step, found: &[Evidence]) -> Option<usize> {
    let main = step.highlights.iter().position(|h| h.main);
    main.and_then(|m| found.iter().find(|e| e.highlight == m))
        .and_then(|e| e.events.first().copied())
        .or_else(|| found.iter().find_map(|e| e.events.first().copied()))
}

/// What a highlight looks for, in the lesson file's own words: `http_response status=101`.
pub fn describe(h: &Highlight) -> String {
    let m = &h.matcher;
    let mut parts: Vec<String> = Vec::new();
    if let Some(kind) = &m.kind {
        parts.push(kind.clone());
    }
    if let Some(conn) = &m.conn {
        parts.push(match conn {
            crate::trace::matcher::ConnSelector::Id(id) => format!("conn={id}"),
            crate::trace::matcher::ConnSelector::Lane(lane) => format!("lane={lane}"),
        });
    }
    if let Some(dir) = m.dir {
        parts.push(
            match dir {
                crate::trace::Dir::C2s => "dir=c2s",
                crate::trace::Dir::S2c => "dir=s2c",
            }
            .to_string(),
        );
    }
    if let Some(op) = m.opcode {
        parts.push(format!("opcode={op}"));
    }
    if let Some(status) = m.status {
        parts.push(format!("status={status}"));
    }
    if let Some(header) = &m.header {
        parts.push(format!("header={header}"));
    }
    if let Some(text) = &m.text {
        parts.push(format!("text=\"{text}\""));
    }
    parts.join(" ")
}
