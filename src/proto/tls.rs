//! The TLS record layer as it appears on the wire (RFC 8446 §5.1): the 5-byte record header
//! and, for a record sent before encryption began, the type of the handshake message it
//! starts. Nothing is decrypted: this is what a packet capture can tell about a `wss://`
//! connection without the keys.

use std::fmt;

use crate::proto::cite::{self, Cite};
use crate::proto::rule::BreaksRule;

/// Bytes of a record header: type (1), legacy_record_version (2), length (2).
pub const HEADER_LEN: usize = 5;

/// The largest record length a header may announce: a protected record's fragment is at
/// most 2^14 + 256 bytes (RFC 8446 §5.2); a plaintext one at most 2^14 (§5.1).
pub const MAX_LENGTH: u16 = (1 << 14) + 256;

/// `ContentType` values (RFC 8446 §5.1).
pub mod content_type {
    /// change_cipher_spec.
    pub const CHANGE_CIPHER_SPEC: u8 = 20;
    /// alert.
    pub const ALERT: u8 = 21;
    /// handshake.
    pub const HANDSHAKE: u8 = 22;
    /// application_data.
    pub const APPLICATION_DATA: u8 = 23;
}

/// `HandshakeType` values of the messages a capture can read (RFC 8446 §4).
pub mod handshake_type {
    /// client_hello.
    pub const CLIENT_HELLO: u8 = 1;
    /// server_hello (also a HelloRetryRequest, which is a ServerHello with a special random).
    pub const SERVER_HELLO: u8 = 2;
}

/// A record header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordHeader {
    /// The `ContentType` byte.
    pub content_type: u8,
    /// `legacy_record_version`, e.g. `0x0303`.
    pub version: u16,
    /// Bytes of the fragment that follows the header.
    pub length: u16,
}

/// A header that cannot start a TLS record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecordError {
    /// The first byte is not a content type TLS defines.
    ContentType(u8),
    /// The version's first byte is not 3 (every TLS version and SSL 3.0 write 3.x).
    Version(u16),
    /// The length is over [`MAX_LENGTH`].
    Length(u16),
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordError::ContentType(t) => write!(
                f,
                "content type {t} is not one TLS defines (20-23) ({})",
                self.rule()
            ),
            RecordError::Version(v) => write!(
                f,
                "legacy_record_version 0x{v:04x} is not 3.x ({})",
                self.rule()
            ),
            RecordError::Length(n) => write!(
                f,
                "a record of {n} bytes is longer than the {MAX_LENGTH} allowed ({})",
                self.rule()
            ),
        }
    }
}

impl BreaksRule for RecordError {
    fn rule(&self) -> Cite {
        match self {
            RecordError::Length(_) => cite::RFC8446_5_2,
            _ => cite::RFC8446_5_1,
        }
    }

    fn message_zh(&self) -> String {
        let rule = self.rule();
        match self {
            RecordError::ContentType(t) => {
                format!("内容类型 {t} 不是 TLS 定义的类型（20-23）（{rule}）")
            }
            RecordError::Version(v) => {
                format!("legacy_record_version 0x{v:04x} 不是 3.x（{rule}）")
            }
            RecordError::Length(n) => {
                format!("一条 {n} 字节的记录超过了允许的 {MAX_LENGTH} 字节（{rule}）")
            }
        }
    }
}

/// Parses a record header from the start of `bytes`; `Ok(None)` when fewer than
/// [`HEADER_LEN`] bytes are there.
pub fn parse_header(bytes: &[u8]) -> Result<Option<RecordHeader>, RecordError> {
    let Some(&[content_type, major, minor, len_hi, len_lo]) = bytes.get(..HEADER_LEN) else {
        return Ok(None);
    };
    let version = u16::from_be_bytes([major, minor]);
    let length = u16::from_be_bytes([len_hi, len_lo]);
    if !(content_type::CHANGE_CIPHER_SPEC..=content_type::APPLICATION_DATA).contains(&content_type)
    {
        return Err(RecordError::ContentType(content_type));
    }
    if major != 3 {
        return Err(RecordError::Version(version));
    }
    if length > MAX_LENGTH {
        return Err(RecordError::Length(length));
    }
    Ok(Some(RecordHeader {
        content_type,
        version,
        length,
    }))
}

/// Whether a client's first bytes start a TLS connection: a handshake record header
/// (type 22, version 3.0-3.4) — decided by content, never by port. Needs 3 bytes.
pub fn starts_tls(first: &[u8]) -> bool {
    matches!(first, [content_type::HANDSHAKE, 3, minor, ..] if *minor <= 4)
}

/// The name of a content type, e.g. `handshake`.
pub fn content_type_name(t: u8) -> &'static str {
    match t {
        content_type::CHANGE_CIPHER_SPEC => "change_cipher_spec",
        content_type::ALERT => "alert",
        content_type::HANDSHAKE => "handshake",
        content_type::APPLICATION_DATA => "application_data",
        _ => "unknown",
    }
}

/// The name of a handshake type a capture can read, e.g. `ClientHello`.
pub fn handshake_type_name(t: u8) -> Option<&'static str> {
    match t {
        handshake_type::CLIENT_HELLO => Some("ClientHello"),
        handshake_type::SERVER_HELLO => Some("ServerHello"),
        _ => None,
    }
}

/// The TLS version a `legacy_record_version` names, e.g. `TLS 1.2` for `0x0303`.
pub fn version_name(v: u16) -> String {
    match v {
        0x0300 => "SSL 3.0".to_string(),
        0x0301 => "TLS 1.0".to_string(),
        0x0302 => "TLS 1.1".to_string(),
        0x0303 => "TLS 1.2".to_string(),
        0x0304 => "TLS 1.3".to_string(),
        _ => format!("0x{v:04x}"),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn headers_parse_and_bad_ones_name_their_rule() {
        assert_eq!(parse_header(&[22, 3, 1]).unwrap(), None);
        assert_eq!(
            parse_header(&[22, 3, 1, 0x01, 0x00, 1]).unwrap(),
            Some(RecordHeader {
                content_type: 22,
                version: 0x0301,
                length: 256
            })
        );
        let bad = parse_header(b"GET /").unwrap_err();
        assert_eq!(bad, RecordError::ContentType(b'G'));
        assert!(bad.to_string().contains("RFC 8446 §5.1"), "{bad}");
        assert_eq!(
            parse_header(&[23, 2, 0, 0, 1]).unwrap_err(),
            RecordError::Version(0x0200)
        );
        let long = parse_header(&[23, 3, 3, 0x41, 0x01]).unwrap_err();
        assert_eq!(long.rule(), cite::RFC8446_5_2);
        assert!(parse_header(&[23, 3, 3, 0x41, 0x00]).is_ok());
    }

    #[test]
    fn tls_is_told_from_http_by_its_first_bytes() {
        assert!(starts_tls(&[22, 3, 1]));
        assert!(starts_tls(&[22, 3, 3, 0, 5]));
        assert!(!starts_tls(b"GET"));
        assert!(!starts_tls(&[22, 3, 9]));
        assert!(!starts_tls(&[23, 3, 3]));
        assert!(!starts_tls(&[22, 3]));
        assert_eq!(version_name(0x0303), "TLS 1.2");
        assert_eq!(content_type_name(20), "change_cipher_spec");
        assert_eq!(handshake_type_name(1), Some("ClientHello"));
    }
}
