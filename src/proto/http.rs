//! HTTP/1.x message framing (RFC 9112) and explanations (RFC 9110): the part of HTTP a
//! WebSocket, polling or SSE conversation needs.
//!
//! Heads are parsed with `httparse` (never by hand); everything here is incremental — a
//! parser returns `Ok(None)` while it needs more bytes — and never panics on any input.

use std::fmt;

use crate::proto::rule::{BreaksRule, Citation};

/// The largest request or response head accepted. Real servers use 8–64 KiB; beyond this a
/// stream is treated as not HTTP rather than buffered without end.
pub const MAX_HEAD_LEN: usize = 64 * 1024;

/// How many header fields a head may carry.
pub const MAX_HEADERS: usize = 128;

/// The longest chunk-size line (with extensions) or trailer line accepted.
const MAX_CHUNK_LINE: usize = 4096;

/// The largest trailer section accepted.
const MAX_TRAILER: usize = 64 * 1024;

/// A parsed request head: the request line and the header fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestHead {
    /// The method, e.g. `GET`.
    pub method: String,
    /// The request target, e.g. `/echo?x=1`.
    pub target: String,
    /// `HTTP/1.1` or `HTTP/1.0`.
    pub version: String,
    /// Every header field, in order, as sent (values decoded lossily as UTF-8).
    pub headers: Vec<(String, String)>,
    /// Bytes of the head, including the empty line that ends it.
    pub head_len: usize,
}

/// A parsed response head: the status line and the header fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseHead {
    /// The status code, e.g. `101`.
    pub status: u16,
    /// The reason phrase as sent (may be empty).
    pub reason: String,
    /// `HTTP/1.1` or `HTTP/1.0`.
    pub version: String,
    /// Every header field, in order, as sent (values decoded lossily as UTF-8).
    pub headers: Vec<(String, String)>,
    /// Bytes of the head, including the empty line that ends it.
    pub head_len: usize,
}

/// Header fields as sent, in order: the one place they are looked up. Names compare
/// ASCII case-insensitively (RFC 9110 §5.1) and exactly otherwise (a name with whitespace is
/// not a valid name, and httparse never yields one). A view over the `(name, value)` pairs a
/// head and a trace event keep, so the trace's JSON keeps its plain list.
#[derive(Clone, Copy, Debug)]
pub struct Headers<'a> {
    fields: &'a [(String, String)],
}

impl<'a> Headers<'a> {
    /// A view over `fields`.
    pub fn new(fields: &'a [(String, String)]) -> Self {
        Headers { fields }
    }

    /// The value of the first field named `name`.
    pub fn get(self, name: &str) -> Option<&'a str> {
        self.fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The comma-separated elements of every field named `name` (RFC 9110 §5.6.1), trimmed,
    /// empty ones dropped, in order.
    pub fn list(self, name: &str) -> impl Iterator<Item = &'a str> {
        self.fields
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    /// Whether the list of field `name` has the element `token`, ASCII case-insensitively:
    /// `Connection: keep-alive, Upgrade` contains `upgrade`.
    pub fn contains(self, name: &str, token: &str) -> bool {
        self.list(name).any(|t| t.eq_ignore_ascii_case(token))
    }

    /// Whether the (first) `Content-Type` names `media_type`, parameters ignored.
    pub fn has_media_type(self, media_type: &str) -> bool {
        self.get("content-type")
            .is_some_and(|ct| is_media_type(ct, media_type))
    }
}

impl<'a> From<&'a [(String, String)]> for Headers<'a> {
    fn from(fields: &'a [(String, String)]) -> Self {
        Headers::new(fields)
    }
}

impl<'a> From<&'a Vec<(String, String)>> for Headers<'a> {
    fn from(fields: &'a Vec<(String, String)>) -> Self {
        Headers::new(fields)
    }
}

/// Why bytes are not a valid HTTP/1.x message. Each error breaks one rule, cited once in
/// its [`BreaksRule::rule`]; the message names it too.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HttpError {
    /// A byte not allowed in a field name.
    HeaderName,
    /// A byte not allowed in a field value.
    HeaderValue,
    /// A line not ended by CRLF.
    NewLine,
    /// A status code that is not three digits.
    Status,
    /// A byte not allowed in the request line's method (a token) or request target; httparse
    /// reports both as one error.
    Token,
    /// More header fields than [`MAX_HEADERS`].
    TooManyHeaders,
    /// Not `HTTP/1.0` or `HTTP/1.1`.
    Version,
    /// No end of head within [`MAX_HEAD_LEN`] bytes.
    HeadTooLarge,
    /// A `Content-Length` that is not a decimal number, or several different ones.
    ContentLength(String),
    /// A request `Transfer-Encoding` whose final coding is not `chunked`.
    RequestTransferEncoding(String),
    /// A malformed chunk-size line.
    ChunkSize,
    /// A chunk size that does not fit in 64 bits.
    ChunkSizeOverflow,
    /// Chunk data not followed by CRLF.
    ChunkDataEnd,
    /// A chunk-size line or trailer section too long to be sane.
    ChunkLineTooLong,
}

impl BreaksRule for HttpError {
    fn rule(&self) -> Citation {
        match self {
            HttpError::HeaderName => "RFC 9110 §5.1",
            HttpError::HeaderValue => "RFC 9110 §5.5",
            HttpError::NewLine => "RFC 9112 §2.2",
            HttpError::Status => "RFC 9112 §4",
            // The request line: httparse does not say whether the method or the target broke it.
            HttpError::Token => "RFC 9112 §3",
            // Limits on the number and size of fields are the recipient's (Field Limits).
            HttpError::TooManyHeaders | HttpError::HeadTooLarge => "RFC 9110 §5.4",
            HttpError::Version => "RFC 9112 §2.3",
            HttpError::ContentLength(_) => "RFC 9110 §8.6",
            HttpError::RequestTransferEncoding(_) => "RFC 9112 §6.3",
            HttpError::ChunkSize
            | HttpError::ChunkSizeOverflow
            | HttpError::ChunkDataEnd
            | HttpError::ChunkLineTooLong => "RFC 9112 §7.1",
        }
    }
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rule = self.rule();
        match self {
            HttpError::HeaderName => {
                write!(f, "invalid header name ({rule}: a field name is a token)")
            }
            HttpError::HeaderValue => write!(
                f,
                "invalid header value ({rule}: field values are visible characters, SP and HTAB)"
            ),
            HttpError::NewLine => write!(f, "invalid line ending ({rule}: lines end with CRLF)"),
            HttpError::Status => write!(
                f,
                "invalid status code ({rule}: the status code is three digits)"
            ),
            HttpError::Token => write!(
                f,
                "invalid token in the request line ({rule}: request-line = method SP request-target SP HTTP-version; the method is a token)"
            ),
            HttpError::TooManyHeaders => write!(
                f,
                "more than {MAX_HEADERS} header fields ({rule}: a recipient may refuse more fields than it wishes to process)"
            ),
            HttpError::Version => write!(
                f,
                "invalid HTTP version ({rule}: HTTP-version is \"HTTP/\" DIGIT \".\" DIGIT)"
            ),
            HttpError::HeadTooLarge => write!(
                f,
                "head larger than 64 KiB without an empty line ending it ({rule}: a recipient may refuse a header section larger than it wishes to process)"
            ),
            HttpError::ContentLength(v) => {
                write!(
                    f,
                    "invalid Content-Length {v:?} ({rule}: one decimal number)"
                )
            }
            HttpError::RequestTransferEncoding(v) => write!(
                f,
                "request Transfer-Encoding {v:?} does not end with chunked ({rule} rule 4)"
            ),
            HttpError::ChunkSize => write!(
                f,
                "bad chunk size line ({rule}: chunk-size is hex digits, then optional extensions, then CRLF)"
            ),
            HttpError::ChunkSizeOverflow => write!(f, "chunk size too large ({rule})"),
            HttpError::ChunkDataEnd => write!(f, "chunk data not followed by CRLF ({rule})"),
            HttpError::ChunkLineTooLong => {
                write!(f, "chunk line or trailer section too long ({rule})")
            }
        }
    }
}

impl std::error::Error for HttpError {}

impl From<httparse::Error> for HttpError {
    fn from(e: httparse::Error) -> HttpError {
        match e {
            httparse::Error::HeaderName => HttpError::HeaderName,
            httparse::Error::HeaderValue => HttpError::HeaderValue,
            httparse::Error::NewLine => HttpError::NewLine,
            httparse::Error::Status => HttpError::Status,
            httparse::Error::Token => HttpError::Token,
            httparse::Error::TooManyHeaders => HttpError::TooManyHeaders,
            httparse::Error::Version => HttpError::Version,
        }
    }
}

fn version_string(minor: Option<u8>) -> String {
    match minor {
        Some(0) => "HTTP/1.0".to_string(),
        _ => "HTTP/1.1".to_string(),
    }
}

fn collect_headers(headers: &[httparse::Header<'_>]) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|h| {
            (
                h.name.to_string(),
                String::from_utf8_lossy(h.value).into_owned(),
            )
        })
        .collect()
}

/// Parses a request head from the start of `buf`. `Ok(None)`: the head is not complete yet.
pub fn parse_request_head(buf: &[u8]) -> Result<Option<RequestHead>, HttpError> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut headers);
    match req.parse(buf)? {
        httparse::Status::Complete(head_len) => Ok(Some(RequestHead {
            method: req.method.unwrap_or_default().to_string(),
            target: req.path.unwrap_or_default().to_string(),
            version: version_string(req.version),
            headers: collect_headers(req.headers),
            head_len,
        })),
        httparse::Status::Partial if buf.len() > MAX_HEAD_LEN => Err(HttpError::HeadTooLarge),
        httparse::Status::Partial => Ok(None),
    }
}

/// Parses a response head from the start of `buf`. `Ok(None)`: the head is not complete yet.
pub fn parse_response_head(buf: &[u8]) -> Result<Option<ResponseHead>, HttpError> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut resp = httparse::Response::new(&mut headers);
    match resp.parse(buf)? {
        httparse::Status::Complete(head_len) => Ok(Some(ResponseHead {
            status: resp.code.unwrap_or_default(),
            reason: resp.reason.unwrap_or_default().to_string(),
            version: version_string(resp.version),
            headers: collect_headers(resp.headers),
            head_len,
        })),
        httparse::Status::Partial if buf.len() > MAX_HEAD_LEN => Err(HttpError::HeadTooLarge),
        httparse::Status::Partial => Ok(None),
    }
}

/// How a message's body is delimited on the wire (RFC 9112 §6.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyFraming {
    /// No body.
    None,
    /// Exactly this many bytes.
    ContentLength(u64),
    /// The chunked transfer coding (RFC 9112 §7.1).
    Chunked,
    /// Everything until the connection closes (responses only).
    UntilClose,
}

impl fmt::Display for BodyFraming {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BodyFraming::None => write!(f, "no body"),
            BodyFraming::ContentLength(n) => write!(f, "Content-Length: {n}"),
            BodyFraming::Chunked => write!(f, "chunked"),
            BodyFraming::UntilClose => write!(f, "until the connection closes"),
        }
    }
}

/// The final transfer coding, if a `Transfer-Encoding` field is present.
fn transfer_encoding(headers: Headers<'_>) -> Option<(bool, String)> {
    headers.get("transfer-encoding")?;
    let codings: Vec<&str> = headers.list("transfer-encoding").collect();
    let last_is_chunked = codings.last().is_some_and(|c| {
        c.split(';')
            .next()
            .is_some_and(|name| name.trim().eq_ignore_ascii_case("chunked"))
    });
    Some((last_is_chunked, codings.join(", ")))
}

/// The `Content-Length`, if present; several equal values count as one (RFC 9110 §8.6).
fn content_length(headers: Headers<'_>) -> Result<Option<u64>, HttpError> {
    let mut found: Option<u64> = None;
    for value in headers.list("content-length") {
        if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(HttpError::ContentLength(value.to_string()));
        }
        let n: u64 = value
            .parse()
            .map_err(|_| HttpError::ContentLength(value.to_string()))?;
        match found {
            Some(prev) if prev != n => return Err(HttpError::ContentLength(value.to_string())),
            _ => found = Some(n),
        }
    }
    // A Content-Length field with an empty value is also invalid.
    if found.is_none() && headers.get("content-length").is_some() {
        return Err(HttpError::ContentLength(String::new()));
    }
    Ok(found)
}

/// The body framing of a request (RFC 9112 §6.3): chunked, `Content-Length`, or no body.
pub fn request_body_framing(head: &RequestHead) -> Result<BodyFraming, HttpError> {
    if let Some((chunked, codings)) = transfer_encoding(Headers::new(&head.headers)) {
        // Rule 3: Transfer-Encoding overrides Content-Length. Rule 4: a request whose final
        // coding is not chunked cannot be delimited, so it is an error (400).
        return if chunked {
            Ok(BodyFraming::Chunked)
        } else {
            Err(HttpError::RequestTransferEncoding(codings))
        };
    }
    match content_length(Headers::new(&head.headers))? {
        Some(0) | None => Ok(BodyFraming::None),
        Some(n) => Ok(BodyFraming::ContentLength(n)),
    }
}

/// The body framing of a response (RFC 9112 §6.3), given the method of the request it answers.
///
/// Responses to `HEAD`, `1xx` (including `101`), `204` and `304` have no body; a `2xx`
/// answer to `CONNECT` turns the connection into a tunnel (no body either). Then
/// `Transfer-Encoding` (chunked, or until close when chunked is not last), then
/// `Content-Length`, else the body runs until the connection closes.
pub fn response_body_framing(
    request_method: Option<&str>,
    head: &ResponseHead,
) -> Result<BodyFraming, HttpError> {
    let status = head.status;
    if request_method.is_some_and(|m| m.eq_ignore_ascii_case("HEAD"))
        || (100..200).contains(&status)
        || status == 204
        || status == 304
        || (request_method.is_some_and(|m| m.eq_ignore_ascii_case("CONNECT"))
            && (200..300).contains(&status))
    {
        return Ok(BodyFraming::None);
    }
    if let Some((chunked, _)) = transfer_encoding(Headers::new(&head.headers)) {
        return Ok(if chunked {
            BodyFraming::Chunked
        } else {
            BodyFraming::UntilClose
        });
    }
    match content_length(Headers::new(&head.headers))? {
        Some(0) => Ok(BodyFraming::None),
        Some(n) => Ok(BodyFraming::ContentLength(n)),
        None => Ok(BodyFraming::UntilClose),
    }
}

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
    pub fn describe_position(&self) -> String {
        match self.state {
            ChunkState::Size => "in a chunk-size line".to_string(),
            ChunkState::Data(left) => format!("inside a chunk, {left} data bytes missing"),
            ChunkState::DataCr | ChunkState::DataLf => "before the CRLF ending a chunk".to_string(),
            ChunkState::Trailer => "in the trailer section after the last chunk".to_string(),
            ChunkState::Done => "after the end of the body".to_string(),
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

/// One line explaining a common header field, or `None` for headers not in the table.
/// The name is matched case-insensitively (field names are case-insensitive, RFC 9110 §5.1).
pub fn explain_header(name: &str) -> Option<&'static str> {
    const TABLE: &[(&str, &str)] = &[
        (
            "host",
            "The host (and port) the request is for; required in every HTTP/1.1 request (RFC 9110 §7.2).",
        ),
        (
            "upgrade",
            "Asks to switch this connection to another protocol, e.g. websocket; the server names the one it switches to in a 101 (RFC 9110 §7.8).",
        ),
        (
            "connection",
            "Options for this connection only: \"Upgrade\" marks the Upgrade header as hop-by-hop, \"close\" ends the connection after this message, \"keep-alive\" keeps it open (RFC 9110 §7.6.1).",
        ),
        (
            "sec-websocket-key",
            "Base64 of a random 16-byte nonce; the server's Accept derived from it proves the server understood the WebSocket handshake, not security (RFC 6455 §4.1).",
        ),
        (
            "sec-websocket-accept",
            "base64(SHA-1(Sec-WebSocket-Key + \"258EAFA5-E914-47DA-95CA-C5AB0DC85B11\")): proves the server read this handshake (RFC 6455 §4.2.2).",
        ),
        (
            "sec-websocket-version",
            "The WebSocket protocol version; 13 is the only one in use (RFC 6455 §4.1).",
        ),
        (
            "sec-websocket-protocol",
            "Subprotocols the client offers, in preference order; the server picks at most one and echoes it (RFC 6455 §4.1, §11.3.4).",
        ),
        (
            "sec-websocket-extensions",
            "Extensions offered by the client (e.g. permessage-deflate) and the ones the server accepts with their parameters (RFC 6455 §9, RFC 7692).",
        ),
        (
            "origin",
            "The origin of the page that made the request; sent by browsers so the server can decide whether to accept a page from that origin (RFC 6455 §10.2, RFC 6454).",
        ),
        (
            "user-agent",
            "Identifies the client software (RFC 9110 §10.1.5).",
        ),
        (
            "content-type",
            "The media type of the body, e.g. text/html; charset=utf-8 or text/event-stream (RFC 9110 §8.3).",
        ),
        (
            "content-length",
            "The body's length in bytes, as a decimal number (RFC 9110 §8.6).",
        ),
        (
            "transfer-encoding",
            "Codings applied to the body for transfer; chunked sends it as length-prefixed chunks ending with a zero-size chunk (RFC 9112 §6.1, §7.1).",
        ),
        (
            "cache-control",
            "Caching directives, e.g. no-store: caches must not keep this message (RFC 9111 §5.2).",
        ),
        (
            "pragma",
            "HTTP/1.0 caching directive; no-cache is kept for old caches, Cache-Control replaces it (RFC 9111 §5.4).",
        ),
        (
            "accept",
            "Media types the client accepts in the response, with optional q-weights (RFC 9110 §12.5.1).",
        ),
        (
            "accept-encoding",
            "Content codings the client can decode, e.g. gzip, br (RFC 9110 §12.5.3).",
        ),
        (
            "accept-language",
            "Natural languages the client prefers, e.g. en-US,en;q=0.9 (RFC 9110 §12.5.4).",
        ),
        (
            "cookie",
            "Cookies the client stored for this server, sent back as name=value pairs (RFC 6265 §5.4).",
        ),
        (
            "set-cookie",
            "Asks the client to store a cookie and send it back in later requests (RFC 6265 §4.1).",
        ),
        (
            "date",
            "When the message was generated, in IMF-fixdate form (RFC 9110 §6.6.1).",
        ),
        (
            "server",
            "Identifies the server software (RFC 9110 §10.2.4).",
        ),
        (
            "keep-alive",
            "Non-standard hints (timeout, max) for keeping a persistent connection; HTTP/1.1 connections persist by default (RFC 9112 §9.3).",
        ),
        (
            "access-control-allow-origin",
            "CORS: which origin may read this response from a script; * means any (Fetch standard).",
        ),
        (
            "last-event-id",
            "Sent by EventSource when it reconnects: the id of the last server-sent event it received (WHATWG HTML §9.2).",
        ),
        (
            "location",
            "The URI to follow for a redirect (3xx) or the created resource (201) (RFC 9110 §10.2.2).",
        ),
        (
            "content-encoding",
            "Codings applied to the representation, e.g. gzip; the client decodes them (RFC 9110 §8.4).",
        ),
        (
            "vary",
            "Request headers that selected this response, for caches (RFC 9110 §12.5.5).",
        ),
        (
            "etag",
            "An opaque validator of this representation's version (RFC 9110 §8.8.3).",
        ),
        (
            "last-modified",
            "When the origin believes the representation last changed (RFC 9110 §8.8.2).",
        ),
        (
            "if-none-match",
            "Conditional request: answer 304 if the ETag still matches (RFC 9110 §13.1.2).",
        ),
        (
            "if-modified-since",
            "Conditional request: answer 304 if unchanged since this date (RFC 9110 §13.1.3).",
        ),
        (
            "referer",
            "The URI of the page the request came from (RFC 9110 §10.1.3).",
        ),
        (
            "authorization",
            "Credentials for the target resource (RFC 9110 §11.6.2).",
        ),
        (
            "expect",
            "100-continue asks the server to confirm with 100 before the client sends the body (RFC 9110 §10.1.1).",
        ),
        (
            "te",
            "Transfer codings the client accepts in the response, e.g. trailers (RFC 9110 §10.1.4).",
        ),
        (
            "allow",
            "The methods the target resource supports (RFC 9110 §10.2.1).",
        ),
        (
            "retry-after",
            "How long to wait before retrying, e.g. after 503 (RFC 9110 §10.2.3).",
        ),
        (
            "sec-fetch-mode",
            "Fetch metadata: the request's mode, e.g. websocket, cors, navigate (W3C Fetch Metadata).",
        ),
        (
            "sec-fetch-site",
            "Fetch metadata: how the requesting page's site relates to the target, e.g. same-origin (W3C Fetch Metadata).",
        ),
        (
            "sec-fetch-dest",
            "Fetch metadata: where the response will be used, e.g. websocket, document (W3C Fetch Metadata).",
        ),
        (
            "x-accel-buffering",
            "Nginx-specific: no disables proxy buffering, used for streaming responses such as SSE.",
        ),
    ];
    TABLE
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, text)| *text)
}

/// One line saying what a status code means (RFC 9110 §15), with its section.
pub fn status_meaning(status: u16) -> &'static str {
    match status {
        100 => "Continue: the client may send the request body (RFC 9110 §15.2.1)",
        101 => {
            "Switching Protocols: the server switches to the protocol in Upgrade (RFC 9110 §15.2.2)"
        }
        200 => "OK: the request succeeded (RFC 9110 §15.3.1)",
        201 => "Created: a new resource was created (RFC 9110 §15.3.2)",
        202 => "Accepted: the request was accepted for later processing (RFC 9110 §15.3.3)",
        204 => "No Content: success, and the response has no body (RFC 9110 §15.3.5)",
        206 => "Partial Content: the body is the requested range (RFC 9110 §15.3.7)",
        301 => "Moved Permanently: the resource has a new permanent URI (RFC 9110 §15.4.2)",
        302 => "Found: the resource is temporarily at another URI (RFC 9110 §15.4.3)",
        303 => "See Other: fetch the result from another URI with GET (RFC 9110 §15.4.4)",
        304 => "Not Modified: the cached copy is still valid; no body (RFC 9110 §15.4.5)",
        307 => "Temporary Redirect: repeat the request at another URI (RFC 9110 §15.4.8)",
        308 => {
            "Permanent Redirect: repeat the request at another URI from now on (RFC 9110 §15.4.9)"
        }
        400 => "Bad Request: the server cannot process a malformed request (RFC 9110 §15.5.1)",
        401 => "Unauthorized: valid credentials are needed (RFC 9110 §15.5.2)",
        403 => "Forbidden: the server refuses the request (RFC 9110 §15.5.4)",
        404 => "Not Found: no resource at this target (RFC 9110 §15.5.5)",
        405 => "Method Not Allowed: the resource does not support this method (RFC 9110 §15.5.6)",
        408 => "Request Timeout: the request did not arrive in time (RFC 9110 §15.5.9)",
        409 => "Conflict: the request conflicts with the resource's state (RFC 9110 §15.5.10)",
        411 => "Length Required: the request needs a Content-Length (RFC 9110 §15.5.12)",
        413 => {
            "Content Too Large: the request body is larger than the server accepts (RFC 9110 §15.5.14)"
        }
        414 => "URI Too Long: the target is longer than the server accepts (RFC 9110 §15.5.15)",
        415 => "Unsupported Media Type: the body's format is not supported (RFC 9110 §15.5.16)",
        426 => {
            "Upgrade Required: the server refuses this protocol; the Upgrade header says which one to use (RFC 9110 §15.5.22)"
        }
        429 => "Too Many Requests: rate limited (RFC 6585 §4)",
        431 => "Request Header Fields Too Large (RFC 6585 §5)",
        500 => "Internal Server Error: the server failed unexpectedly (RFC 9110 §15.6.1)",
        501 => "Not Implemented: the server does not support this function (RFC 9110 §15.6.2)",
        502 => "Bad Gateway: an upstream server sent an invalid response (RFC 9110 §15.6.3)",
        503 => "Service Unavailable: the server is overloaded or down for now (RFC 9110 §15.6.4)",
        504 => "Gateway Timeout: an upstream server did not answer in time (RFC 9110 §15.6.5)",
        505 => "HTTP Version Not Supported (RFC 9110 §15.6.6)",
        // Codes without their own line: the class they belong to (RFC 9110 §15).
        _ => match status / 100 {
            1 => "Informational: an interim response; the final one follows (RFC 9110 §15.2)",
            2 => "Successful: the request was received, understood and accepted (RFC 9110 §15.3)",
            3 => "Redirection: further action is needed to complete the request (RFC 9110 §15.4)",
            4 => "Client Error: the request is wrong or cannot be fulfilled (RFC 9110 §15.5)",
            5 => "Server Error: the server failed to fulfil a valid request (RFC 9110 §15.6)",
            _ => "Not a valid status code: status codes are 100 to 599 (RFC 9110 §15)",
        },
    }
}

/// Whether a `Content-Type` value names `media_type` (case-insensitive, parameters ignored).
pub fn is_media_type(content_type: &str, media_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .is_some_and(|t| t.trim().eq_ignore_ascii_case(media_type))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
mod tests {
    use super::*;

    #[test]
    fn request_head_complete_and_partial() {
        let raw = b"GET /echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n\r\nrest";
        for cut in 0..raw.len() - 4 {
            assert_eq!(parse_request_head(&raw[..cut]), Ok(None), "cut {cut}");
        }
        let head = parse_request_head(raw).unwrap().unwrap();
        assert_eq!(head.method, "GET");
        assert_eq!(head.target, "/echo");
        assert_eq!(head.version, "HTTP/1.1");
        assert_eq!(head.head_len, raw.len() - 4);
        assert_eq!(head.headers[1], ("Upgrade".into(), "websocket".into()));
    }

    #[test]
    fn response_head_and_errors() {
        let head = parse_response_head(b"HTTP/1.0 204 No Content\r\n\r\n")
            .unwrap()
            .unwrap();
        assert_eq!((head.status, head.version.as_str()), (204, "HTTP/1.0"));
        assert_eq!(
            parse_response_head(b"HTTP/1.1 2x0 OK\r\n\r\n"),
            Err(HttpError::Status)
        );
        assert_eq!(
            parse_request_head(b"GET / HTTP/1.1\r\nBad Name: x\r\n\r\n"),
            Err(HttpError::HeaderName)
        );
        let big = vec![b'a'; MAX_HEAD_LEN + 10];
        let mut req = b"GET / HTTP/1.1\r\nX: ".to_vec();
        req.extend_from_slice(&big);
        assert_eq!(parse_request_head(&req), Err(HttpError::HeadTooLarge));
    }

    fn resp(status: u16, headers: &[(&str, &str)]) -> ResponseHead {
        ResponseHead {
            status,
            reason: String::new(),
            version: "HTTP/1.1".into(),
            headers: headers
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
            head_len: 0,
        }
    }

    #[test]
    fn response_framing_rules() {
        let cl = [("Content-Length", "5")];
        assert_eq!(
            response_body_framing(Some("HEAD"), &resp(200, &cl)),
            Ok(BodyFraming::None)
        );
        assert_eq!(
            response_body_framing(None, &resp(304, &cl)),
            Ok(BodyFraming::None)
        );
        assert_eq!(
            response_body_framing(None, &resp(101, &[])),
            Ok(BodyFraming::None)
        );
        assert_eq!(
            response_body_framing(Some("GET"), &resp(200, &cl)),
            Ok(BodyFraming::ContentLength(5))
        );
        assert_eq!(
            response_body_framing(
                Some("GET"),
                &resp(
                    200,
                    &[
                        ("Transfer-Encoding", "gzip, chunked"),
                        ("Content-Length", "5")
                    ]
                )
            ),
            Ok(BodyFraming::Chunked)
        );
        assert_eq!(
            response_body_framing(Some("GET"), &resp(200, &[])),
            Ok(BodyFraming::UntilClose)
        );
        assert!(
            response_body_framing(Some("GET"), &resp(200, &[("Content-Length", "5, 6")])).is_err()
        );
        assert_eq!(
            response_body_framing(Some("GET"), &resp(200, &[("Content-Length", "5, 5")])),
            Ok(BodyFraming::ContentLength(5))
        );
    }

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

    #[test]
    fn every_error_message_names_its_one_rule() {
        let all = [
            HttpError::HeaderName,
            HttpError::HeaderValue,
            HttpError::NewLine,
            HttpError::Status,
            HttpError::Token,
            HttpError::TooManyHeaders,
            HttpError::Version,
            HttpError::HeadTooLarge,
            HttpError::ContentLength("x".into()),
            HttpError::RequestTransferEncoding("gzip".into()),
            HttpError::ChunkSize,
            HttpError::ChunkSizeOverflow,
            HttpError::ChunkDataEnd,
            HttpError::ChunkLineTooLong,
        ];
        for e in all {
            let message = e.to_string();
            assert!(message.contains(e.rule()), "{e:?}: {message}");
            // No second, different citation in the message.
            assert_eq!(message.matches("RFC").count(), 1, "{e:?}: {message}");
        }
        // Field limits (RFC 9110 §5.4), the request line (RFC 9112 §3).
        assert_eq!(HttpError::HeadTooLarge.rule(), "RFC 9110 §5.4");
        assert_eq!(HttpError::TooManyHeaders.rule(), "RFC 9110 §5.4");
        assert_eq!(HttpError::Token.rule(), "RFC 9112 §3");
        assert_eq!(
            parse_request_head(b"G(T / HTTP/1.1\r\n\r\n"),
            Err(HttpError::Token)
        );
    }

    #[test]
    fn headers_lookups() {
        let fields: Vec<(String, String)> = [
            ("Connection", "keep-alive, Upgrade"),
            ("content-type", "Text/Event-Stream; charset=utf-8"),
            ("X-List", "a,,  b "),
            ("x-list", "c"),
            ("Content-Type", "text/html"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let h = Headers::new(&fields);
        assert_eq!(h.get("CONNECTION"), Some("keep-alive, Upgrade"));
        assert_eq!(h.get("missing"), None);
        assert!(h.contains("connection", "upgrade"));
        assert!(!h.contains("connection", "close"));
        assert_eq!(h.list("X-List").collect::<Vec<_>>(), ["a", "b", "c"]);
        // The first Content-Type decides, as in the dissector.
        assert!(h.has_media_type("text/event-stream"));
        assert!(!h.has_media_type("text/html"));
        let odd: Vec<(String, String)> = vec![("Content-Type".into(), "text/event-streamx".into())];
        assert!(!Headers::new(&odd).has_media_type("text/event-stream"));
        // Names compare exactly apart from case: whitespace makes another name.
        let spaced: Vec<(String, String)> = vec![(" Upgrade".into(), "websocket".into())];
        assert_eq!(Headers::new(&spaced).get("upgrade"), None);
    }

    #[test]
    fn explanations() {
        assert!(
            explain_header("sec-websocket-key")
                .unwrap()
                .contains("16-byte nonce")
        );
        assert!(explain_header("ORIGIN").unwrap().contains("RFC 6455 §10.2"));
        assert!(explain_header("X-Nothing").is_none());
        assert!(status_meaning(101).starts_with("Switching Protocols"));
        assert!(status_meaning(426).contains("Upgrade Required"));
        assert!(status_meaning(299).starts_with("Successful"));
    }
}
