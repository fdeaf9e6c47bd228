//! HTTP/1.x message framing (RFC 9112) and explanations (RFC 9110): the part of HTTP a
//! WebSocket, polling or SSE conversation needs.
//!
//! Heads are parsed with `httparse` (never by hand); everything here is incremental — a
//! parser returns `Ok(None)` while it needs more bytes — and never panics on any input.

mod chunked;
mod explain;
mod explain_added;
mod headers;

use std::fmt;

use crate::proto::cite::{self, Cite};
use crate::proto::rule::BreaksRule;
pub use chunked::ChunkedDecoder;
pub use explain::{Explanation, explain_header, explained_header_names, status_meaning};
pub use headers::{Headers, is_media_type};

/// The largest request or response head accepted. Real servers use 8–64 KiB; beyond this a
/// stream is treated as not HTTP rather than buffered without end.
pub const MAX_HEAD_LEN: usize = 64 * 1024;

/// How many header fields a head may carry.
pub const MAX_HEADERS: usize = 128;

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
    fn rule(&self) -> Cite {
        match self {
            HttpError::HeaderName => cite::RFC9110_5_1,
            HttpError::HeaderValue => cite::RFC9110_5_5,
            HttpError::NewLine => cite::RFC9112_2_2,
            HttpError::Status => cite::RFC9112_4,
            // The request line: httparse does not say whether the method or the target broke it.
            HttpError::Token => cite::RFC9112_3,
            // Limits on the number and size of fields are the recipient's (Field Limits).
            HttpError::TooManyHeaders | HttpError::HeadTooLarge => cite::RFC9110_5_4,
            HttpError::Version => cite::RFC9112_2_3,
            HttpError::ContentLength(_) => cite::RFC9110_8_6,
            HttpError::RequestTransferEncoding(_) => cite::RFC9112_6_3,
            HttpError::ChunkSize
            | HttpError::ChunkSizeOverflow
            | HttpError::ChunkDataEnd
            | HttpError::ChunkLineTooLong => cite::RFC9112_7_1,
        }
    }

    fn message_zh(&self) -> String {
        let rule = self.rule();
        match self {
            HttpError::HeaderName => format!("首部名称不合法（{rule}：字段名是一个 token）"),
            HttpError::HeaderValue => format!(
                "首部值不合法（{rule}：字段值由可见字符、SP、HTAB 和 0x80-0xFF 的 obs-text 字节组成）"
            ),
            HttpError::NewLine => format!("行结束符不合法（{rule}：每行以 CRLF 结束）"),
            HttpError::Status => format!("状态码不合法（{rule}：状态码是三位数字）"),
            HttpError::Token => format!(
                "请求行中有不合法的 token（{rule}：request-line = method SP request-target SP HTTP-version；method 是一个 token）"
            ),
            HttpError::TooManyHeaders => format!(
                "首部字段超过 {MAX_HEADERS} 个（{rule}：接收方可以拒绝超出它愿意处理数量的字段）"
            ),
            HttpError::Version => {
                format!("HTTP 版本不合法（{rule}：HTTP-version 是 \"HTTP/\" DIGIT \".\" DIGIT）")
            }
            HttpError::HeadTooLarge => format!(
                "消息头超过 64 KiB 仍没有结束它的空行（{rule}：接收方可以拒绝超出它愿意处理大小的首部）"
            ),
            HttpError::ContentLength(v) => {
                format!("Content-Length {v:?} 不合法（{rule}：只能是一个十进制数）")
            }
            HttpError::RequestTransferEncoding(v) => {
                format!("请求的 Transfer-Encoding {v:?} 不是以 chunked 结尾（{rule} 第 4 条）")
            }
            HttpError::ChunkSize => format!(
                "chunk-size 行有误（{rule}：chunk-size 是十六进制数字，然后是可选的扩展，然后是 CRLF）"
            ),
            HttpError::ChunkSizeOverflow => format!("块大小太大（{rule}）"),
            HttpError::ChunkDataEnd => format!("块数据后面没有 CRLF（{rule}）"),
            HttpError::ChunkLineTooLong => format!("chunk 行或 trailer 部分太长（{rule}）"),
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
                "invalid header value ({rule}: field values are visible characters, SP, HTAB and obs-text bytes 0x80-0xFF)"
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
            assert!(message.contains(&e.rule().to_string()), "{e:?}: {message}");
            // No second, different citation in the message.
            assert_eq!(message.matches("RFC").count(), 1, "{e:?}: {message}");
        }
        // Field limits (RFC 9110 §5.4), the request line (RFC 9112 §3).
        assert_eq!(HttpError::HeadTooLarge.rule().to_string(), "RFC 9110 §5.4");
        assert_eq!(
            HttpError::TooManyHeaders.rule().to_string(),
            "RFC 9110 §5.4"
        );
        assert_eq!(HttpError::Token.rule().to_string(), "RFC 9112 §3");
        assert_eq!(
            parse_request_head(b"G(T / HTTP/1.1\r\n\r\n"),
            Err(HttpError::Token)
        );
    }
}
