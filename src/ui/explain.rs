//! Texts the views show: one-line summaries, header explanations, close codes, the
//! `Sec-WebSocket-Accept` derivation and a frame header's fields with byte/bit ranges.
//!
//! Pure. These are the GUI's own small versions, used while the shared `proto`/`describe`
//! helpers are being written; the summary switches to `trace::describe` automatically once it
//! produces more than the kind name.

use std::ops::Range;

use base64::Engine as _;
use sha1::{Digest, Sha1};

use crate::trace::{Event, EventKind, describe};

/// The GUID of RFC 6455 §1.3, appended to the key before hashing.
pub const WS_GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// The one-line summary of an event (arrow label).
pub fn summary(event: &Event) -> String {
    let shared = describe::summary(event);
    if shared != event.kind.name() {
        return shared;
    }
    fallback_summary(event)
}

fn opcode_name(opcode: u8) -> &'static str {
    match opcode {
        0x0 => "continuation",
        0x1 => "text",
        0x2 => "binary",
        0x8 => "close",
        0x9 => "ping",
        0xA => "pong",
        _ => "reserved",
    }
}

fn preview(text: &str, max_chars: usize) -> String {
    let mut out: String = text.chars().take(max_chars).collect();
    if text.chars().count() > max_chars {
        out.push('…');
    }
    format!("{out:?}")
}

fn fallback_summary(event: &Event) -> String {
    match &event.kind {
        EventKind::TcpConnect { .. } => "connect() returned (observed at the socket)".into(),
        EventKind::TcpAccept { .. } => "accept() returned (observed at the socket)".into(),
        EventKind::TcpClose { .. } => "connection closed (observed at the socket)".into(),
        EventKind::TcpSyn(_) => "SYN".into(),
        EventKind::TcpSynAck(_) => "SYN-ACK".into(),
        EventKind::TcpAck(_) => "ACK".into(),
        EventKind::TcpFin(_) => "FIN".into(),
        EventKind::TcpRst(_) => "RST".into(),
        EventKind::HttpRequest {
            method,
            target,
            version,
            ..
        } => format!("{method} {target} {version}"),
        EventKind::HttpResponse { status, reason, .. } => format!("{status} {reason}"),
        EventKind::WsUpgradeCheck { valid, .. } => {
            if *valid {
                "Sec-WebSocket-Accept matches: upgrade valid".into()
            } else {
                "upgrade invalid".into()
            }
        }
        EventKind::WsExtensions { negotiated, .. } => {
            if negotiated.is_empty() {
                "no extension negotiated".into()
            } else {
                format!("extensions: {}", negotiated.join(", "))
            }
        }
        EventKind::WsFrame {
            fin,
            opcode,
            masked,
            payload_len,
            ..
        } => format!(
            "frame {}{}{} {payload_len} B",
            opcode_name(*opcode),
            if *fin { "" } else { " (more)" },
            if *masked { " masked" } else { "" }
        ),
        EventKind::WsMessage {
            opcode,
            payload_len,
            text,
            close_code,
            close_reason,
            ..
        } => match opcode {
            0x8 => match close_code {
                Some(code) => format!(
                    "close {code} {} {}",
                    close_code_name(*code),
                    preview(close_reason.as_deref().unwrap_or(""), 40)
                ),
                None => "close (no code)".into(),
            },
            0x1 => format!(
                "text {} ({payload_len} B)",
                preview(text.as_deref().unwrap_or(""), 40)
            ),
            _ => format!("{} ({payload_len} B)", opcode_name(*opcode)),
        },
        EventKind::SseEvent { data, .. } => format!("event {}", preview(data, 40)),
        EventKind::Api {
            ready_state,
            fires,
            code,
            reason,
            was_clean,
            data,
            ..
        } => api_label(
            *ready_state,
            fires.as_deref(),
            *code,
            reason.as_deref(),
            *was_clean,
            data.as_deref(),
        ),
        EventKind::Stage { index, label } => format!("stage {}: {label}", index + 1),
        EventKind::Diagnostic { message, .. } => message.clone(),
    }
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
    match code {
        1000 => "Normal Closure",
        1001 => "Going Away",
        1002 => "Protocol Error",
        1003 => "Unsupported Data",
        1004 => "Reserved",
        1005 => "No Status Received",
        1006 => "Abnormal Closure",
        1007 => "Invalid Frame Payload Data",
        1008 => "Policy Violation",
        1009 => "Message Too Big",
        1010 => "Mandatory Extension",
        1011 => "Internal Error",
        1012 => "Service Restart",
        1013 => "Try Again Later",
        1014 => "Bad Gateway",
        1015 => "TLS Handshake",
        3000..=3999 => "Registered (libraries, frameworks, applications)",
        4000..=4999 => "Private use",
        _ => "Not allowed on the wire",
    }
}

/// What a close code means (RFC 6455 §7.4.1).
pub fn close_code_meaning(code: u16) -> &'static str {
    match code {
        1000 => "The purpose for which the connection was established has been fulfilled.",
        1001 => {
            "An endpoint is going away, e.g. a server going down or a browser leaving the page."
        }
        1002 => "The endpoint is terminating the connection due to a protocol error.",
        1003 => "The endpoint received a type of data it cannot accept.",
        1005 => "Reserved: never sent; reported by the API when a close frame had no code.",
        1006 => "Reserved: never sent; reported when the connection closed without a close frame.",
        1007 => {
            "A message's data was not consistent with its type (e.g. non-UTF-8 in a text message)."
        }
        1008 => "A message violates the endpoint's policy.",
        1009 => "A message is too big to process.",
        1010 => "The client expected the server to negotiate an extension it did not.",
        1011 => {
            "The server met an unexpected condition that prevented it from fulfilling the request."
        }
        1015 => "Reserved: never sent; reported when the TLS handshake failed.",
        _ => "See the IANA WebSocket Close Code Number Registry.",
    }
}

/// A one-line explanation of an HTTP header (RFC 9110 / RFC 6455), if known.
pub fn explain_header(name: &str) -> Option<&'static str> {
    let text = match name.to_ascii_lowercase().as_str() {
        "host" => "The host and port the request is for (RFC 9110 §7.2).",
        "upgrade" => "Asks to switch this connection to another protocol (RFC 9110 §7.8).",
        "connection" => {
            "Hop-by-hop options; `Upgrade` must be listed for an upgrade (RFC 9110 §7.6.1)."
        }
        "sec-websocket-key" => {
            "A base64 16-byte random nonce; the server proves it read it (RFC 6455 §4.1)."
        }
        "sec-websocket-version" => "WebSocket protocol version; 13 is RFC 6455.",
        "sec-websocket-accept" => {
            "base64(SHA-1(key + GUID)): proves the server understood the handshake (RFC 6455 §4.2.2)."
        }
        "sec-websocket-protocol" => "Subprotocols offered (request) or the one chosen (response).",
        "sec-websocket-extensions" => {
            "Extensions offered or accepted, e.g. permessage-deflate (RFC 7692)."
        }
        "origin" => {
            "The page's origin, so the server can refuse cross-origin sockets (RFC 6455 §10.2)."
        }
        "user-agent" => "The client software (RFC 9110 §10.1.5).",
        "content-length" => "The body's length in bytes (RFC 9110 §8.6).",
        "content-type" => "The body's media type (RFC 9110 §8.3).",
        "transfer-encoding" => "How the body is framed, e.g. chunked (RFC 9112 §6.1).",
        "date" => "When the message was generated (RFC 9110 §6.6.1).",
        "server" => "The server software (RFC 9110 §10.2.4).",
        "accept" => "Media types the client accepts (RFC 9110 §12.5.1).",
        "accept-encoding" => "Content codings the client accepts (RFC 9110 §12.5.3).",
        "accept-language" => "Languages the client prefers (RFC 9110 §12.5.4).",
        "cache-control" => "Caching directives (RFC 9111 §5.2).",
        "pragma" => "Legacy HTTP/1.0 caching directive (RFC 9111 §5.4).",
        "cookie" => "Cookies the client stored for this origin (RFC 6265).",
        "set-cookie" => "Asks the client to store a cookie (RFC 6265).",
        "location" => "Where to go next, for redirects (RFC 9110 §10.2.2).",
        "keep-alive" => "Legacy persistent-connection parameters.",
        "content-encoding" => "A coding applied to the body, e.g. gzip (RFC 9110 §8.4).",
        "vary" => "Request headers that select this response (RFC 9110 §12.5.5).",
        _ => return None,
    };
    Some(text)
}

/// What a status code means (RFC 9110 §15).
pub fn status_meaning(status: u16) -> &'static str {
    match status {
        101 => "Switching Protocols: the server switches to the protocol in `Upgrade`.",
        200 => "OK: the request succeeded.",
        204 => "No Content.",
        301 | 308 => "Moved permanently.",
        302 | 307 => "Found / temporary redirect.",
        304 => "Not Modified.",
        400 => "Bad Request: the server could not understand the request.",
        403 => "Forbidden.",
        404 => "Not Found.",
        426 => "Upgrade Required: the client must switch protocols.",
        500 => "Internal Server Error.",
        _ => match status / 100 {
            1 => "Informational.",
            2 => "Success.",
            3 => "Redirection.",
            4 => "Client error.",
            5 => "Server error.",
            _ => "Unknown status class.",
        },
    }
}

/// The `Sec-WebSocket-Accept` derivation, step by step (RFC 6455 §4.2.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AcceptSteps {
    /// The client's key.
    pub key: String,
    /// key + GUID.
    pub concatenated: String,
    /// SHA-1 of that, in hex.
    pub sha1_hex: String,
    /// base64 of the 20 SHA-1 bytes.
    pub accept: String,
}

/// Computes the derivation for `key`.
pub fn derive_accept(key: &str) -> AcceptSteps {
    let concatenated = format!("{key}{WS_GUID}");
    let digest = Sha1::digest(concatenated.as_bytes());
    let sha1_hex = digest.iter().map(|b| format!("{b:02x}")).collect();
    let accept = base64::engine::general_purpose::STANDARD.encode(digest);
    AcceptSteps {
        key: key.to_string(),
        concatenated,
        sha1_hex,
        accept,
    }
}

/// One field of a frame header, with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameField {
    /// e.g. `"FIN"`, `"opcode"`, `"masking key"`.
    pub name: &'static str,
    /// The bytes it occupies (within the frame).
    pub bytes: Range<usize>,
    /// Within `bytes.start`: (first bit counted from the most significant, bit count), for
    /// fields smaller than a byte.
    pub bits: Option<(u8, u8)>,
    /// Its value, e.g. `"1"`, `"0x1 (text)"`.
    pub value: String,
    /// What it means.
    pub meaning: String,
}

impl FrameField {
    /// The absolute bit range in the frame (bit 0 = most significant bit of byte 0).
    pub fn bit_range(&self) -> Range<usize> {
        match self.bits {
            Some((first, count)) => {
                let start = self.bytes.start * 8 + usize::from(first);
                start..start + usize::from(count)
            }
            None => self.bytes.start * 8..self.bytes.end * 8,
        }
    }
}

/// A parsed frame header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameLayout {
    /// Every header field plus the payload.
    pub fields: Vec<FrameField>,
    /// Header length, 2 to 14 bytes.
    pub header_len: usize,
    /// Payload length.
    pub payload_len: u64,
    /// The masking key.
    pub mask: Option<[u8; 4]>,
    /// The opcode.
    pub opcode: u8,
}

/// Parses a frame header from the start of `bytes`; `None` if truncated.
pub fn frame_layout(bytes: &[u8]) -> Option<FrameLayout> {
    let b0 = *bytes.first()?;
    let b1 = *bytes.get(1)?;
    let bit = |b: u8, n: u8| (b >> (7 - n)) & 1;
    let opcode = b0 & 0x0F;
    let masked = b1 & 0x80 != 0;
    let len7 = b1 & 0x7F;
    let mut fields = vec![FrameField {
        name: "FIN",
        bytes: 0..1,
        bits: Some((0, 1)),
        value: bit(b0, 0).to_string(),
        meaning: if bit(b0, 0) == 1 {
            "final fragment of the message".into()
        } else {
            "more fragments follow".into()
        },
    }];
    for (n, name) in [(1u8, "RSV1"), (2, "RSV2"), (3, "RSV3")] {
        fields.push(FrameField {
            name,
            bytes: 0..1,
            bits: Some((n, 1)),
            value: bit(b0, n).to_string(),
            meaning: if n == 1 {
                "reserved; 1 = compressed with permessage-deflate".into()
            } else {
                "reserved, must be 0 unless an extension defines it".into()
            },
        });
    }
    fields.push(FrameField {
        name: "opcode",
        bytes: 0..1,
        bits: Some((4, 4)),
        value: format!("0x{opcode:X}"),
        meaning: opcode_name(opcode).to_string(),
    });
    fields.push(FrameField {
        name: "MASK",
        bytes: 1..2,
        bits: Some((0, 1)),
        value: u8::from(masked).to_string(),
        meaning: if masked {
            "payload is masked (client to server)".into()
        } else {
            "payload is not masked".into()
        },
    });
    fields.push(FrameField {
        name: "payload len",
        bytes: 1..2,
        bits: Some((1, 7)),
        value: len7.to_string(),
        meaning: match len7 {
            126 => "126: the length is in the next 16 bits".into(),
            127 => "127: the length is in the next 64 bits".into(),
            n => format!("{n} bytes (7-bit form)"),
        },
    });
    let mut pos = 2usize;
    let payload_len = match len7 {
        126 => {
            let b = bytes.get(2..4)?;
            let n = u16::from_be_bytes([*b.first()?, *b.get(1)?]);
            fields.push(FrameField {
                name: "extended payload len",
                bytes: 2..4,
                bits: None,
                value: n.to_string(),
                meaning: "16-bit length".into(),
            });
            pos = 4;
            u64::from(n)
        }
        127 => {
            let b: [u8; 8] = bytes.get(2..10)?.try_into().ok()?;
            let n = u64::from_be_bytes(b);
            fields.push(FrameField {
                name: "extended payload len",
                bytes: 2..10,
                bits: None,
                value: n.to_string(),
                meaning: "64-bit length".into(),
            });
            pos = 10;
            n
        }
        n => u64::from(n),
    };
    let mask = if masked {
        let k: [u8; 4] = bytes.get(pos..pos + 4)?.try_into().ok()?;
        fields.push(FrameField {
            name: "masking key",
            bytes: pos..pos + 4,
            bits: None,
            value: hex(&k),
            meaning: "XOR key for the payload (RFC 6455 §5.3)".into(),
        });
        pos += 4;
        Some(k)
    } else {
        None
    };
    let end = usize::try_from(payload_len)
        .ok()
        .and_then(|n| pos.checked_add(n))
        .unwrap_or(usize::MAX);
    fields.push(FrameField {
        name: "payload",
        bytes: pos..end,
        bits: None,
        value: format!("{payload_len} B"),
        meaning: if masked {
            "application data, masked".into()
        } else {
            "application data".into()
        },
    });
    Some(FrameLayout {
        fields,
        header_len: pos,
        payload_len,
        mask,
        opcode,
    })
}

/// XORs `data` with the masking key (RFC 6455 §5.3).
pub fn unmask(data: &[u8], key: [u8; 4]) -> Vec<u8> {
    data.iter()
        .zip(key.iter().cycle())
        .map(|(b, k)| b ^ k)
        .collect()
}

/// Lowercase hex without separators.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
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
                "payload len",
                "masking key",
                "payload"
            ]
        );
        assert_eq!(l.fields[4].bit_range(), 4..8);
        assert_eq!(l.fields[7].bit_range(), 16..48);
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
