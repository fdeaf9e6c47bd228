//! The chunked transfer coding (RFC 9112 §7.1), decoded incrementally.

use super::HttpError;
use crate::lang::Lang;

/// The longest chunk-size line (with extensions) or trailer line accepted.
const MAX_CHUNK_LINE: usize = 4096;

/// The largest trailer section accepted.
const MAX_TRAILER: usize = 64 * 1024;

/// Where the decoder is in the body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ChunkState {
    /// Reading a chunk-size line.
    Size,
    /// Inside chunk data; this many bytes remain.
    Data(u64),
    /// After chunk data: expecting CR (or a bare LF).
    DataCr,
    /// After chunk data and CR: expecting LF.
    DataLf,
    /// Reading trailer lines after the last chunk.
    Trailer,
    /// The body is complete.
    Done,
}

/// Incremental decoder of the chunked transfer coding (RFC 9112 §7.1).
///
/// Feed it body bytes as they arrive; it reports how many it consumed (it stops at the end
/// of the body), hands data bytes to a sink, and counts data bytes and framing bytes
/// (size lines, CRLFs, trailers) separately.
#[derive(Clone, Debug)]
pub struct ChunkedDecoder {
    state: ChunkState,
    line: Vec<u8>,
    trailer_len: usize,
    data_bytes: u64,
    framing_bytes: u64,
    chunks: u64,
}

impl Default for ChunkedDecoder {
    fn default() -> Self {
        ChunkedDecoder::new()
    }
}

impl ChunkedDecoder {
    /// A decoder at the start of a chunked body.
    pub fn new() -> ChunkedDecoder {
        ChunkedDecoder {
            state: ChunkState::Size,
            line: Vec::new(),
            trailer_len: 0,
            data_bytes: 0,
            framing_bytes: 0,
            chunks: 0,
        }
    }

    /// Whether the last chunk and the trailer section have been read.
    pub fn is_done(&self) -> bool {
        self.state == ChunkState::Done
    }

    /// Data bytes decoded so far.
    pub fn data_bytes(&self) -> u64 {
        self.data_bytes
    }

    /// Framing bytes (size lines, CRLFs, last chunk, trailers) consumed so far.
    pub fn framing_bytes(&self) -> u64 {
        self.framing_bytes
    }

    /// Body bytes consumed so far (data plus framing).
    pub fn consumed_bytes(&self) -> u64 {
        self.data_bytes.saturating_add(self.framing_bytes)
    }

    /// Non-empty chunks decoded so far.
    pub fn chunks(&self) -> u64 {
        self.chunks
    }

    /// Feeds body bytes, discarding the data; returns how many bytes were consumed.
    pub fn feed(&mut self, buf: &[u8]) -> Result<usize, HttpError> {
        self.feed_with(buf, &mut |_, _| {})
    }

    /// Feeds body bytes; `sink` receives each run of data bytes with its position in `buf`.
    /// Returns how many bytes were consumed: all of `buf`, or fewer when the body ended.
    pub fn feed_with(
        &mut self,
        buf: &[u8],
        sink: &mut dyn FnMut(&[u8], usize),
    ) -> Result<usize, HttpError> {
        let mut pos = 0usize;
        while pos < buf.len() {
            let rest = buf.get(pos..).unwrap_or_default();
            match self.state {
                ChunkState::Done => break,
                ChunkState::Data(remaining) => {
                    let take = usize::try_from(remaining)
                        .unwrap_or(usize::MAX)
                        .min(rest.len());
                    sink(rest.get(..take).unwrap_or_default(), pos);
                    pos += take;
                    self.data_bytes = self.data_bytes.saturating_add(take as u64);
                    let left = remaining.saturating_sub(take as u64);
                    self.state = if left == 0 {
                        ChunkState::DataCr
                    } else {
                        ChunkState::Data(left)
                    };
                }
                ChunkState::DataCr | ChunkState::DataLf => {
                    let b = rest.first().copied().unwrap_or_default();
                    pos += 1;
                    self.framing_bytes = self.framing_bytes.saturating_add(1);
                    self.state = match (self.state, b) {
                        (ChunkState::DataCr, b'\r') => ChunkState::DataLf,
                        // RFC 9112 §2.2: a recipient MAY accept a bare LF as a line ending.
                        (_, b'\n') => ChunkState::Size,
                        _ => return Err(HttpError::ChunkDataEnd),
                    };
                }
                ChunkState::Size | ChunkState::Trailer => {
                    let (line_part, complete) = match rest.iter().position(|&b| b == b'\n') {
                        Some(i) => (rest.get(..=i).unwrap_or_default(), true),
                        None => (rest, false),
                    };
                    pos += line_part.len();
                    self.framing_bytes = self.framing_bytes.saturating_add(line_part.len() as u64);
                    self.line.extend_from_slice(line_part);
                    if self.line.len() > MAX_CHUNK_LINE {
                        return Err(HttpError::ChunkLineTooLong);
                    }
                    if !complete {
                        break;
                    }
                    let line = std::mem::take(&mut self.line);
                    let content = strip_line_end(&line);
                    if self.state == ChunkState::Size {
                        let size = parse_chunk_size(content)?;
                        self.state = if size == 0 {
                            ChunkState::Trailer
                        } else {
                            self.chunks = self.chunks.saturating_add(1);
                            ChunkState::Data(size)
                        };
                    } else if content.is_empty() {
                        self.state = ChunkState::Done;
                    } else {
                        self.trailer_len = self.trailer_len.saturating_add(line.len());
                        if self.trailer_len > MAX_TRAILER {
                            return Err(HttpError::ChunkLineTooLong);
                        }
                    }
                }
            }
        }
        Ok(pos)
    }

    /// Describes where the decoder stopped, for "connection closed in the middle" messages.
    pub fn describe_position(&self, lang: Lang) -> String {
        match (self.state, lang) {
            (ChunkState::Size, Lang::En) => "in a chunk-size line".to_string(),
            (ChunkState::Size, Lang::Zh) => "在 chunk-size 行中".to_string(),
            (ChunkState::Data(left), Lang::En) => {
                format!("inside a chunk, {left} data bytes missing")
            }
            (ChunkState::Data(left), Lang::Zh) => format!("在一个块的中间，还缺 {left} 字节数据"),
            (ChunkState::DataCr | ChunkState::DataLf, Lang::En) => {
                "before the CRLF ending a chunk".to_string()
            }
            (ChunkState::DataCr | ChunkState::DataLf, Lang::Zh) => {
                "在结束一个块的 CRLF 之前".to_string()
            }
            (ChunkState::Trailer, Lang::En) => {
                "in the trailer section after the last chunk".to_string()
            }
            (ChunkState::Trailer, Lang::Zh) => "在最后一个块之后的 trailer 部分".to_string(),
            (ChunkState::Done, Lang::En) => "after the end of the body".to_string(),
            (ChunkState::Done, Lang::Zh) => "在消息体结束之后".to_string(),
        }
    }
}

/// The line without its LF and an optional CR before it.
fn strip_line_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// `chunk-size [ chunk-ext ]`: hex digits, then optional whitespace and `;` extensions.
fn parse_chunk_size(line: &[u8]) -> Result<u64, HttpError> {
    let digits = line.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    if digits == 0 {
        return Err(HttpError::ChunkSize);
    }
    let rest = line.get(digits..).unwrap_or_default();
    let rest_trimmed: Vec<u8> = rest
        .iter()
        .copied()
        .skip_while(|b| *b == b' ' || *b == b'\t')
        .collect();
    if !rest_trimmed.is_empty() && rest_trimmed.first() != Some(&b';') {
        return Err(HttpError::ChunkSize);
    }
    let mut size: u64 = 0;
    for &b in line.get(..digits).unwrap_or_default() {
        let v = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            _ => return Err(HttpError::ChunkSize),
        };
        size = size
            .checked_mul(16)
            .and_then(|s| s.checked_add(u64::from(v)))
            .ok_or(HttpError::ChunkSizeOverflow)?;
    }
    Ok(size)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
mod tests {
    use super::*;

    #[test]
    fn chunked_all_splits() {
        let body = b"4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\nTrailer: x\r\n\r\nNEXT";
        let body_len = body.len() - 4;
        for split in 0..body.len() {
            let mut d = ChunkedDecoder::new();
            let mut data = Vec::new();
            let mut sink = |b: &[u8], _| data.extend_from_slice(b);
            let a = d.feed_with(&body[..split], &mut sink).unwrap();
            let b = d.feed_with(&body[a..], &mut sink).unwrap();
            assert_eq!(a + b, body_len, "split {split}");
            assert!(d.is_done());
            assert_eq!(data, b"Wikipedia");
            assert_eq!(d.data_bytes(), 9);
            assert_eq!(d.framing_bytes(), body_len as u64 - 9);
        }
    }

    #[test]
    fn chunked_errors() {
        assert_eq!(
            ChunkedDecoder::new().feed(b"zz\r\n"),
            Err(HttpError::ChunkSize)
        );
        assert_eq!(
            ChunkedDecoder::new().feed(b"4x\r\n"),
            Err(HttpError::ChunkSize)
        );
        assert_eq!(
            ChunkedDecoder::new().feed(b"4\r\nWikiXX"),
            Err(HttpError::ChunkDataEnd)
        );
        assert_eq!(
            ChunkedDecoder::new().feed(b"fffffffffffffffff\r\n"),
            Err(HttpError::ChunkSizeOverflow)
        );
    }
}
