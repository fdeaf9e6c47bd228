//! Texts the views show, on top of the shared protocol helpers: summaries
//! ([`describe::summary`]), browser-API marker texts, close codes, header explanations, the
//! `Sec-WebSocket-Accept` derivation and a frame header's fields with byte/bit ranges.
//!
//! Pure.

use std::ops::Range;

use crate::proto::ws::close::CloseCode;
use crate::proto::ws::frame::{Field, parse_header};
use crate::trace::{Event, describe};

pub use crate::proto::ws::handshake::{AcceptDerivation, GUID as WS_GUID, derive_accept};

/// The one-line summary of an event (arrow label).
pub fn summary(event: &Event) -> String {
    describe::summary(event)
}

fn preview(text: &str, max_chars: usize) -> String {
    let mut out: String = text.chars().take(max_chars).collect();
    if text.chars().count() > max_chars {
        out.push('…');
    }
    format!("{out:?}")
}

/// The browser-API marker text, e.g. `onclose(1000, "bye", wasClean=true)`.
pub fn api_label(
    ready_state: u8,
    fires: Option<&str>,
    code: Option<u16>,
    reason: Option<&str>,
    was_clean: Option<bool>,
    data: Option<&str>,
) -> String {
    let state = format!(
        "readyState {ready_state} {}",
        describe::ready_state_name(ready_state)
    );
    match fires {
        Some("close") => format!(
            "onclose({}, {}, wasClean={})",
            code.map_or("-".to_string(), |c| c.to_string()),
            preview(reason.unwrap_or(""), 20),
            was_clean.map_or("?".to_string(), |c| c.to_string())
        ),
        Some("message") => match data {
            Some(d) => format!("onmessage {}", preview(d, 20)),
            None => "onmessage".into(),
        },
        Some(other) => format!("on{other}"),
        None => state,
    }
}

/// The name of a close code (RFC 6455 §7.4.1 and the IANA registry).
pub fn close_code_name(code: u16) -> &'static str {
    CloseCode::from_u16(code).name()
}

/// What a close code means (RFC 6455 §7.4.1).
pub fn close_code_meaning(code: u16) -> &'static str {
    CloseCode::from_u16(code).meaning()
}

/// A one-line explanation of an HTTP header (RFC 9110 / RFC 6455), if known.
pub fn explain_header(name: &str) -> Option<&'static str> {
    crate::proto::http::explain_header(name)
}

/// What a status code means (RFC 9110 §15).
pub fn status_meaning(status: u16) -> &'static str {
    crate::proto::http::status_meaning(status)
}

/// A field's absolute bit range in the frame (bit 0 = most significant bit of byte 0).
pub fn bit_range(field: &Field) -> Range<usize> {
    match field.bits {
        Some((first, count)) => {
            let start = field.bytes.start * 8 + usize::from(first);
            start..start + usize::from(count)
        }
        None => field.bytes.start * 8..field.bytes.end * 8,
    }
}

/// A parsed frame header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameLayout {
    /// Every header field plus the payload.
    pub fields: Vec<Field>,
    /// Header length, 2 to 14 bytes.
    pub header_len: usize,
    /// Payload length.
    pub payload_len: u64,
    /// The masking key.
    pub mask: Option<[u8; 4]>,
    /// The opcode.
    pub opcode: u8,
}

/// Parses a frame header from the start of `bytes`; `None` if truncated or impossible.
pub fn frame_layout(bytes: &[u8]) -> Option<FrameLayout> {
    let header = parse_header(bytes).ok().flatten()?;
    Some(FrameLayout {
        fields: header.fields(),
        header_len: header.header_len,
        payload_len: header.payload_len,
        mask: header.mask_key,
        opcode: header.opcode.as_u8(),
    })
}

/// XORs `data` with the masking key (RFC 6455 §5.3).
pub fn unmask(data: &[u8], key: [u8; 4]) -> Vec<u8> {
    let mut out = data.to_vec();
    crate::proto::ws::frame::unmask(&mut out, key, 0);
    out
}

/// Lowercase hex without separators.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
mod tests {
    use super::*;

    #[test]
    fn accept_vector_of_rfc_6455() {
        let d = derive_accept("dGhlIHNhbXBsZSBub25jZQ==");
        assert_eq!(d.accept, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        assert_eq!(d.sha1_hex, "b37a4f2cc0624f1690f64606cf385945b2bec4ea");
    }

    #[test]
    fn masked_hello_frame_fields() {
        // RFC 6455 §5.7: a single-frame masked text message "Hello".
        let f = [
            0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
        ];
        let l = frame_layout(&f).unwrap();
        assert_eq!(l.header_len, 6);
        assert_eq!(l.payload_len, 5);
        assert_eq!(unmask(&f[6..], l.mask.unwrap()), b"Hello");
        let names: Vec<&str> = l.fields.iter().map(|f| f.name).collect();
        assert_eq!(
            names,
            [
                "FIN",
                "RSV1",
                "RSV2",
                "RSV3",
                "opcode",
                "MASK",
                "payload length",
                "masking key",
                "payload"
            ]
        );
        assert_eq!(bit_range(&l.fields[4]), 4..8);
        assert_eq!(bit_range(&l.fields[7]), 16..48);
        for n in 0..6 {
            assert!(frame_layout(&f[..n]).is_none());
        }
    }

    #[test]
    fn extended_lengths() {
        let l = frame_layout(&[0x82, 0x7E, 0x01, 0x00]).unwrap();
        assert_eq!((l.header_len, l.payload_len), (4, 256));
        let l = frame_layout(&[0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0]).unwrap();
        assert_eq!((l.header_len, l.payload_len), (10, 65536));
    }

    #[test]
    fn close_code_texts() {
        assert_eq!(close_code_name(1000), "Normal Closure");
        assert!(explain_header("Sec-WebSocket-Key").is_some());
    }
}
