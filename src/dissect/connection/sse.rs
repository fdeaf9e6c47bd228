//! The `text/event-stream` parser (WHATWG HTML §9.2.5 "Parsing an event stream"), fed the
//! decoded body bytes of a response as they arrive, with their stream offsets.

/// A line or data buffer never grows beyond this; the rest of a longer line is dropped.
const MAX_BUFFER: usize = 16 * 1024 * 1024;

/// One dispatched event, with the stream range it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct SseOut {
    /// The last event ID after this event (it persists across events, as in `EventSource`).
    pub id: Option<String>,
    /// The `event:` type, when one was given (otherwise the browser dispatches `message`).
    pub event: Option<String>,
    /// The `data:` lines joined with `\n`.
    pub data: String,
    /// The reconnection time in milliseconds after this event, when a `retry:` field set one
    /// (it persists across events, like the ID).
    pub retry: Option<u64>,
    /// Stream offset of the event's first byte.
    pub start: u64,
    /// Stream offset one past the blank line that dispatched it.
    pub end: u64,
}

/// Incremental event-stream parser; bytes may be split anywhere, even inside CRLF or UTF-8.
#[derive(Debug, Default)]
pub(super) struct SseParser {
    line: Vec<u8>,
    after_cr: bool,
    first_line: bool,
    seen_any: bool,
    data: String,
    event_type: String,
    last_id: String,
    /// The reconnection time the last valid `retry:` field set.
    retry: Option<u64>,
    event_start: Option<u64>,
    /// Events dispatched so far.
    pub events: u64,
}

impl SseParser {
    /// A parser at the start of a stream.
    pub fn new() -> SseParser {
        SseParser {
            first_line: true,
            ..SseParser::default()
        }
    }

    /// Feeds decoded body bytes; `offset` is the stream offset of `bytes[0]`.
    pub fn feed(&mut self, bytes: &[u8], offset: u64, out: &mut Vec<SseOut>) {
        for (i, &b) in bytes.iter().enumerate() {
            let at = offset.saturating_add(i as u64);
            if self.after_cr {
                self.after_cr = false;
                if b == b'\n' {
                    // The LF of a CRLF pair: the line already ended at the CR.
                    continue;
                }
            }
            if self.event_start.is_none() {
                self.event_start = Some(at);
            }
            self.seen_any = true;
            match b {
                b'\r' | b'\n' => {
                    self.after_cr = b == b'\r';
                    self.end_line(at.saturating_add(1), out);
                }
                _ if self.line.len() < MAX_BUFFER => self.line.push(b),
                _ => {}
            }
        }
    }

    fn end_line(&mut self, end: u64, out: &mut Vec<SseOut>) {
        let raw = std::mem::take(&mut self.line);
        let mut bytes: &[u8] = &raw;
        if self.first_line {
            // A UTF-8 BOM at the very start of the stream is skipped.
            self.first_line = false;
            bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        }
        let line = String::from_utf8_lossy(bytes);
        if line.is_empty() {
            self.dispatch(end, out);
            return;
        }
        if line.starts_with(':') {
            return; // A comment.
        }
        let (field, value) = match line.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (line.as_ref(), ""),
        };
        match field {
            "event" => self.event_type = value.to_string(),
            "data" if self.data.len() < MAX_BUFFER => {
                self.data.push_str(value);
                self.data.push('\n');
            }
            "id" if !value.contains('\0') => self.last_id = value.to_string(),
            // Only ASCII digits set the reconnection time (a value too large for u64 is kept
            // out rather than wrapped); anything else is ignored, as are unknown fields.
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                if let Ok(ms) = value.parse() {
                    self.retry = Some(ms);
                }
            }
            _ => {}
        }
    }

    fn dispatch(&mut self, end: u64, out: &mut Vec<SseOut>) {
        let start = self.event_start.take().unwrap_or(end);
        let event_type = std::mem::take(&mut self.event_type);
        let mut data = std::mem::take(&mut self.data);
        if data.is_empty() {
            return; // No data: nothing is dispatched (blank lines, comments, id-only blocks).
        }
        if data.ends_with('\n') {
            data.pop();
        }
        self.events = self.events.saturating_add(1);
        out.push(SseOut {
            id: (!self.last_id.is_empty()).then(|| self.last_id.clone()),
            event: (!event_type.is_empty()).then_some(event_type),
            data,
            retry: self.retry,
            start,
            end,
        });
    }

    /// Bytes are missing from the capture here: the line and event in progress are dropped
    /// (joining the pieces around the hole would invent an event).
    pub fn lose_partial(&mut self) {
        self.line.clear();
        self.data.clear();
        self.event_type.clear();
        self.after_cr = false;
        self.event_start = None;
    }

    /// Whether bytes of an undispatched event are pending (the stream ended mid-event).
    pub fn has_pending(&self) -> bool {
        !self.line.is_empty() || !self.data.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_split(stream: &[u8], split: usize) -> Vec<SseOut> {
        let mut p = SseParser::new();
        let mut out = Vec::new();
        p.feed(&stream[..split], 100, &mut out);
        p.feed(&stream[split..], 100 + split as u64, &mut out);
        out
    }

    #[test]
    fn whatwg_examples_at_every_split() {
        let stream = b"\xEF\xBB\xBF: comment\r\ndata: YHOO\ndata: +2\r\ndata: 10\n\nid: 7\nevent: add\ndata:x\r\rdata\n\n";
        for split in 0..=stream.len() {
            let out = parse_split(stream, split);
            assert_eq!(out.len(), 3, "split {split}");
            assert_eq!(out[0].data, "YHOO\n+2\n10");
            assert_eq!(
                (out[0].id.as_deref(), out[0].event.as_deref()),
                (None, None)
            );
            assert_eq!(out[0].start, 100);
            assert_eq!(out[1].data, "x");
            assert_eq!(
                (out[1].id.as_deref(), out[1].event.as_deref()),
                (Some("7"), Some("add"))
            );
            // "data" with no colon is a data field with an empty value; the id persists.
            assert_eq!(
                (out[2].data.as_str(), out[2].id.as_deref()),
                ("", Some("7"))
            );
            assert_eq!(out[2].end, 100 + stream.len() as u64);
        }
    }

    #[test]
    fn retry_sets_the_reconnection_time_and_persists() {
        let out = parse_split(
            b"retry: 3000\n\ndata: a\n\nretry: x1\ndata: b\n\nretry:250\ndata: c\n\n",
            7,
        );
        let retries: Vec<Option<u64>> = out.iter().map(|e| e.retry).collect();
        // A retry-only block dispatches nothing but still sets the time; "x1" is ignored.
        assert_eq!(retries, [Some(3000), Some(3000), Some(250)]);
        assert_eq!(parse_split(b"retry: +5\ndata: a\n\n", 2)[0].retry, None);
    }

    #[test]
    fn no_data_no_event() {
        let out = parse_split(b"id: 1\n\n:keepalive\n\nevent: x\n\n", 3);
        assert!(out.is_empty());
    }
}
