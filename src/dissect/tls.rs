//! TLS records of one direction of a connection, read from its bytes as they come: each
//! complete record becomes a `tls_record` event (type, version, length, and for a record
//! sent before encryption the handshake message it starts). Nothing is decrypted and no
//! record's payload is kept. Used by the connection dissector (captures whose client starts
//! with a TLS handshake record) and by the lab (the bytes below its TLS layer).

use crate::lang::Phrase;
use crate::proto::rule::Violation;
use crate::proto::tls::{self, HEADER_LEN, RecordHeader, content_type};
use crate::trace::{EventKind, StreamSpan};

/// What one feed found.
#[derive(Clone, Debug, PartialEq)]
pub enum TlsItem {
    /// A complete record (a [`EventKind::TlsRecord`]) and its bytes in the stream.
    Record(StreamSpan, EventKind),
    /// The bytes stopped looking like TLS records; nothing more is read this way.
    NotTls(StreamSpan, Violation),
}

/// One direction's record reader.
#[derive(Clone, Debug, Default)]
pub struct TlsRecords {
    /// The current record's header bytes, as far as they came.
    head: Vec<u8>,
    /// The first byte of the current record's fragment, once it came.
    first: Option<u8>,
    /// The current record, once its header is read.
    current: Option<RecordHeader>,
    /// Fragment bytes of the current record still to come (after `head`).
    remaining: usize,
    /// Stream offset of the current record's first byte.
    record_start: u64,
    /// Stream offset of the next byte fed.
    offset: u64,
    /// A change_cipher_spec was seen: later handshake records are encrypted (TLS 1.2), so
    /// their first byte is no handshake type.
    encrypted: bool,
    /// Not TLS any more (a bad header, or bytes missing): nothing more is read.
    stopped: bool,
}

impl TlsRecords {
    /// A reader at the start of a direction.
    pub fn new() -> Self {
        TlsRecords::default()
    }

    /// Whether the reader gave up (see [`TlsItem::NotTls`]).
    pub fn stopped(&self) -> bool {
        self.stopped
    }

    /// The unfinished record when the direction ended: its span so far and the bytes it
    /// announced (header included), or `None` when the last record was complete.
    pub fn unfinished(&self) -> Option<(StreamSpan, u64)> {
        if self.stopped || (self.current.is_none() && self.head.is_empty()) {
            return None;
        }
        let span = StreamSpan {
            offset: self.record_start,
            len: self.offset.saturating_sub(self.record_start),
        };
        let announced = self
            .current
            .map(|h| HEADER_LEN as u64 + u64::from(h.length));
        Some((span, announced.unwrap_or(HEADER_LEN as u64)))
    }

    /// Bytes missing from the capture: record boundaries are lost, so nothing more is read.
    pub fn gap(&mut self) {
        self.stopped = true;
    }

    /// Reads `bytes`, the next of the direction; pushes what they complete onto `out`.
    pub fn feed(&mut self, mut bytes: &[u8], out: &mut Vec<TlsItem>) {
        while !bytes.is_empty() && !self.stopped {
            let take = if self.current.is_some() {
                // The fragment: only its first byte is kept (a handshake message's type).
                let take = self.remaining.min(bytes.len());
                if self.first.is_none() {
                    self.first = bytes.first().copied().filter(|_| take > 0);
                }
                self.remaining -= take;
                take
            } else {
                if self.head.is_empty() {
                    self.record_start = self.offset;
                }
                let take = (HEADER_LEN - self.head.len()).min(bytes.len());
                self.head
                    .extend_from_slice(bytes.get(..take).unwrap_or_default());
                take
            };
            self.offset = self.offset.saturating_add(take as u64);
            bytes = bytes.get(take..).unwrap_or_default();
            if self.current.is_none() && self.head.len() == HEADER_LEN {
                match tls::parse_header(&self.head) {
                    Ok(header) => {
                        self.current = header;
                        self.remaining = header.map_or(0, |h| usize::from(h.length));
                        self.first = None;
                    }
                    Err(err) => {
                        let span = StreamSpan {
                            offset: self.record_start,
                            len: HEADER_LEN as u64,
                        };
                        let violation =
                            Violation::of(Phrase::new("not a TLS record", "不是 TLS 记录"), &err);
                        out.push(TlsItem::NotTls(span, violation));
                        self.stopped = true;
                    }
                }
            }
            if self.current.is_some() && self.remaining == 0 {
                self.finish(out);
            }
        }
    }

    /// The current record is complete.
    fn finish(&mut self, out: &mut Vec<TlsItem>) {
        let Some(header) = self.current.take() else {
            return;
        };
        let handshake_type = (header.content_type == content_type::HANDSHAKE && !self.encrypted)
            .then_some(self.first)
            .flatten();
        if header.content_type == content_type::CHANGE_CIPHER_SPEC {
            self.encrypted = true;
        }
        let span = StreamSpan {
            offset: self.record_start,
            len: HEADER_LEN as u64 + u64::from(header.length),
        };
        out.push(TlsItem::Record(
            span,
            EventKind::TlsRecord {
                content_type: header.content_type,
                version: header.version,
                length: header.length,
                handshake_type,
                observed: None,
            },
        ));
        self.head.clear();
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn records(chunks: &[&[u8]]) -> Vec<TlsItem> {
        let mut r = TlsRecords::new();
        let mut out = Vec::new();
        for c in chunks {
            r.feed(c, &mut out);
        }
        out
    }

    fn kinds(items: &[TlsItem]) -> Vec<(u64, u64, u8, Option<u8>)> {
        items
            .iter()
            .filter_map(|i| match i {
                TlsItem::Record(
                    span,
                    EventKind::TlsRecord {
                        content_type,
                        handshake_type,
                        ..
                    },
                ) => Some((span.offset, span.len, *content_type, *handshake_type)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn records_are_the_same_however_the_bytes_are_split() {
        let mut stream = vec![22, 3, 3, 0, 4, 2, 0, 0, 0]; // a 4-byte ServerHello start
        stream.extend([20, 3, 3, 0, 1, 1]); // change_cipher_spec
        stream.extend([22, 3, 3, 0, 2, 0x14, 0]); // encrypted Finished (TLS 1.2): no type
        stream.extend([23, 3, 3, 0, 0]); // an empty application_data record
        stream.extend([23, 3, 3, 0, 3, 9, 9, 9]);
        let want = vec![
            (0, 9, 22, Some(2)),
            (9, 6, 20, None),
            (15, 7, 22, None),
            (22, 5, 23, None),
            (27, 8, 23, None),
        ];
        assert_eq!(kinds(&records(&[&stream])), want);
        let bytes: Vec<&[u8]> = stream.chunks(1).collect();
        assert_eq!(kinds(&records(&bytes)), want);
        let (a, b) = stream.split_at(23);
        assert_eq!(kinds(&records(&[a, b])), want);
    }

    #[test]
    fn bytes_that_are_not_records_stop_the_reader_with_the_rule() {
        let items = records(&[&[23, 3, 3, 0, 1, 0], b"GET / HTTP/1.1\r\n"]);
        assert_eq!(items.len(), 2);
        let TlsItem::NotTls(span, v) = &items[1] else {
            panic!("{items:?}")
        };
        assert_eq!((span.offset, span.len), (6, 5));
        assert_eq!(v.rule, crate::proto::cite::RFC8446_5_1);
        let mut r = TlsRecords::new();
        let mut out = Vec::new();
        r.gap();
        r.feed(&[23, 3, 3, 0, 0], &mut out);
        assert!(out.is_empty() && r.stopped());
    }
}
