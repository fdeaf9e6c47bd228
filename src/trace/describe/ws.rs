//! Notes for WebSocket events the first notes left out: the permessage-deflate parameters of
//! the handshake (RFC 7692 §7.1.1-§7.1.2.2), a 426 that names the versions the server speaks
//! (RFC 6455 §4.4), fragments (§5.4), pong (§5.5.3), and the ordinary text and binary
//! messages: what the opcode says (§5.6, text that must be UTF-8: §8.1), FIN and fragments
//! (§5.2, §5.4), which side masks (§5.1, §5.3, §10.3) and compression (RFC 7692 §6, §7.2.2).

use crate::proto::cite;
use crate::proto::http::Headers;
use crate::trace::{Dir, EventKind};

/// Which side of the negotiation a parameter came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// The client's `Sec-WebSocket-Extensions` offer.
    Offer,
    /// The server's answer.
    Answer,
}

/// The note for a WebSocket-related event in this module's scope, or `None`.
pub(super) fn note(kind: &EventKind, dir: Option<Dir>) -> Option<String> {
    match kind {
        EventKind::WsExtensions {
            offered,
            negotiated,
        } => deflate(offered, negotiated),
        EventKind::HttpResponse {
            status: 426,
            headers,
            ..
        } => Headers::new(headers)
            .get("sec-websocket-version")
            .map(version_426),
        EventKind::WsFrame {
            fin,
            opcode,
            masked,
            ..
        } => fragment(*fin, *opcode, *masked, dir),
        EventKind::WsMessage { opcode: 0xA, .. } => Some(format!(
            "A pong. Sent in answer to a ping it carries the ping's application data; an \
             endpoint that got several pings may answer only the latest. A pong nobody asked for \
             is allowed as a one-way heartbeat and gets no answer ({}).",
            cite::RFC6455_5_5_3
        )),
        EventKind::WsMessage {
            opcode: opcode @ (0x1 | 0x2),
            text,
            fragments,
            compressed,
            payload_len,
            wire_payload_len,
            ..
        } => {
            let data = if *opcode == 0x1 {
                Data::Text {
                    utf8: text.is_some(),
                }
            } else {
                Data::Binary
            };
            Some(data_message(
                data,
                *fragments,
                compressed.then_some((*wire_payload_len, *payload_len)),
                dir,
            ))
        }
        _ => None,
    }
}

/// What a data message carries, by its opcode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Data {
    /// Opcode 0x1: UTF-8 text.
    Text {
        /// Whether the payload was valid UTF-8.
        utf8: bool,
    },
    /// Opcode 0x2: bytes for the application.
    Binary,
}

/// The note of an ordinary text or binary message: what its opcode says, how FIN framed it,
/// which side masks, and the compression when it was compressed (`(wire, inflated)` lengths).
fn data_message(
    data: Data,
    fragments: u32,
    compressed: Option<(Option<u64>, u64)>,
    dir: Option<Dir>,
) -> String {
    let what = match data {
        Data::Text { .. } => format!(
            "A text message (opcode 0x1): its payload is text encoded as UTF-8 ({}).",
            cite::RFC6455_5_6
        ),
        Data::Binary => format!(
            "A binary message (opcode 0x2): its payload is bytes whose meaning is up to the \
             application alone ({}).",
            cite::RFC6455_5_6
        ),
    };
    let framing = if fragments > 1 {
        format!(
            " It came in {fragments} frames: the first carries the opcode, continuation frames \
             (opcode 0) follow, and only the last has FIN set ({}).",
            cite::RFC6455_5_4
        )
    } else {
        format!(
            " It came in one frame with FIN set: FIN marks a message's final fragment, and the \
             first may be the final one ({}).",
            cite::RFC6455_5_2
        )
    };
    let masking = match dir {
        Some(Dir::C2s) => format!(
            " Sent by the client, which must mask every frame it sends ({}), each with a new \
             32-bit key chosen at random, XORed over the payload ({}): not for secrecy, but so \
             that a page's script cannot choose the bytes that proxies on the way see ({}).",
            cite::RFC6455_5_1,
            cite::RFC6455_5_3,
            cite::RFC6455_10_3
        ),
        Some(Dir::S2c) => format!(
            " Sent by the server, which must not mask its frames ({}).",
            cite::RFC6455_5_1
        ),
        None => String::new(),
    };
    let deflate = match compressed {
        Some((wire, inflated)) => {
            let sizes = wire.map_or(String::new(), |w| {
                format!(": {w} bytes on the wire inflate to {inflated}")
            });
            format!(
                " Compressed with permessage-deflate: RSV1 is set on its first frame ({}), and \
                 the receiver appends 00 00 ff ff to the payload before inflating it{sizes} ({}).",
                cite::RFC7692_6,
                cite::RFC7692_7_2_2
            )
        }
        None => String::new(),
    };
    let utf8 = match data {
        Data::Text { utf8 } => format!(" {}", utf8_rule(utf8, fragments)),
        Data::Binary => String::new(),
    };
    format!("{what}{framing}{masking}{deflate}{utf8}")
}

fn version_426(versions: &str) -> String {
    format!(
        "426 to a WebSocket handshake: the server does not speak the version the client asked \
         for. It must list the versions it does speak in Sec-WebSocket-Version (here {versions}); \
         a client that supports one of them can repeat the handshake with it ({}).",
        cite::RFC6455_4_4
    )
}

fn fragment(fin: bool, opcode: u8, masked: bool, dir: Option<Dir>) -> Option<String> {
    let what = match (opcode, fin) {
        (0x0, true) => {
            "A continuation frame (opcode 0) with FIN set: the last fragment of the \
                        message begun by an earlier text or binary frame whose FIN was clear"
        }
        (0x0, false) => {
            "A continuation frame (opcode 0) with FIN clear: a middle fragment of \
                         the message begun by an earlier text or binary frame; more follow"
        }
        (0x1 | 0x2, false) => {
            "The first fragment of a message: FIN is clear, so continuation \
                               frames (opcode 0) follow until one has FIN set"
        }
        _ => return None,
    };
    let mask = if masked && dir == Some(Dir::C2s) {
        " Like every client frame it is masked."
    } else {
        ""
    };
    Some(format!(
        "{what}. Only the first frame carries the type; control frames may come between the \
         fragments but are never fragmented themselves ({}).{mask}",
        cite::RFC6455_5_4
    ))
}

/// The UTF-8 rule of a text message, as it applies to this one.
fn utf8_rule(valid: bool, fragments: u32) -> String {
    let split = if fragments > 1 {
        " The whole message must be valid; one fragment may end inside a character."
    } else {
        ""
    };
    if valid {
        format!(
            "A receiver that finds invalid UTF-8 must fail the connection ({}).{split}",
            cite::RFC6455_8_1
        )
    } else {
        format!(
            "This one is not valid UTF-8, which a text message must be.{split} The receiver \
             must fail the connection ({}); a close with 1007 says why.",
            cite::RFC6455_8_1
        )
    }
}

/// Explains the permessage-deflate parameters offered and accepted, if either list has any.
fn deflate(offered: &[String], negotiated: &[String]) -> Option<String> {
    let mut parts = Vec::new();
    for (phase, list) in [(Phase::Offer, offered), (Phase::Answer, negotiated)] {
        for (name, value) in deflate_params(list) {
            if let Some(text) = param(&name, value.as_deref(), phase) {
                parts.push(text);
            }
        }
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// The parameters of every permessage-deflate element of a header's values, in order.
fn deflate_params(values: &[String]) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    for element in values.iter().flat_map(|v| v.split(',')) {
        let mut items = element.split(';').map(str::trim);
        if !items
            .next()
            .is_some_and(|n| n.eq_ignore_ascii_case("permessage-deflate"))
        {
            continue;
        }
        for item in items.filter(|i| !i.is_empty()) {
            let (name, value) = match item.split_once('=') {
                Some((n, v)) => (n.trim(), Some(v.trim().trim_matches('"').to_string())),
                None => (item, None),
            };
            out.push((name.to_ascii_lowercase(), value));
        }
    }
    out
}

fn param(name: &str, value: Option<&str>, phase: Phase) -> Option<String> {
    let window = |bits: &str| {
        bits.parse::<u32>()
            .ok()
            .filter(|b| (8..=15).contains(b))
            .map_or(String::new(), |b| format!(" = {} bytes", 1u32 << b))
    };
    let text = match (name, phase, value) {
        ("server_no_context_takeover", Phase::Offer, _) => format!(
            "Offered server_no_context_takeover: the client asks the server to compress each \
             message on its own, with an empty window, so the client need not keep the server's \
             context between messages ({}).",
            cite::RFC7692_7_1_1_1
        ),
        ("server_no_context_takeover", Phase::Answer, _) => format!(
            "Accepted server_no_context_takeover: the server starts every message it sends with \
             an empty LZ77 window, so each can be inflated on its own ({}).",
            cite::RFC7692_7_1_1_1
        ),
        ("client_no_context_takeover", Phase::Offer, _) => format!(
            "Offered client_no_context_takeover: the client tells the server it will compress \
             each message on its own, so the server need not keep a context for it ({}).",
            cite::RFC7692_7_1_1_2
        ),
        ("client_no_context_takeover", Phase::Answer, _) => format!(
            "Accepted client_no_context_takeover: the client must not use context takeover, \
             each message it sends starts with an empty window ({}).",
            cite::RFC7692_7_1_1_2
        ),
        ("server_max_window_bits", Phase::Offer, Some(bits)) => format!(
            "Offered server_max_window_bits={bits}: the client limits the server's LZ77 window \
             to 2^{bits}{} (the value is 8 to 15); a server that accepts answers with this or a \
             smaller value ({}).",
            window(bits),
            cite::RFC7692_7_1_2_1
        ),
        ("server_max_window_bits", Phase::Answer, Some(bits)) => format!(
            "Accepted server_max_window_bits={bits}: the server compresses with an LZ77 window \
             of at most 2^{bits}{}, so the client's inflater needs no more history than that \
             ({}).",
            window(bits),
            cite::RFC7692_7_1_2_1
        ),
        ("client_max_window_bits", Phase::Offer, None) => format!(
            "Offered client_max_window_bits without a value: the client can limit its own window \
             if the server asks; the server may answer client_max_window_bits=N (8 to 15), and \
             without it the client may use the full 32,768-byte window ({}).",
            cite::RFC7692_7_1_2_2
        ),
        ("client_max_window_bits", Phase::Offer, Some(bits)) => format!(
            "Offered client_max_window_bits={bits}: the client says it will use an LZ77 window \
             of at most 2^{bits}{}, and the server may ask for a smaller one ({}).",
            window(bits),
            cite::RFC7692_7_1_2_2
        ),
        ("client_max_window_bits", Phase::Answer, Some(bits)) => format!(
            "Accepted client_max_window_bits={bits}: the client must not compress with a window \
             larger than 2^{bits}{} ({}).",
            window(bits),
            cite::RFC7692_7_1_2_2
        ),
        _ => return None,
    };
    Some(text)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly
mod tests {
    use super::*;

    fn extensions(offered: &str, negotiated: &str) -> String {
        let kind = EventKind::WsExtensions {
            offered: vec![offered.to_string()],
            negotiated: vec![negotiated.to_string()],
        };
        note(&kind, None).unwrap()
    }

    #[test]
    fn deflate_parameters_are_explained_with_their_sections() {
        let n = extensions(
            "permessage-deflate; client_max_window_bits",
            "permessage-deflate; server_max_window_bits=12; client_no_context_takeover",
        );
        assert!(n.contains("client_max_window_bits without a value") && n.contains("§7.1.2.2"));
        assert!(n.contains("2^12 = 4096 bytes") && n.contains("RFC 7692 §7.1.2.1"));
        assert!(n.contains("Accepted client_no_context_takeover") && n.contains("§7.1.1.2"));
        let n = extensions(
            "permessage-deflate; server_no_context_takeover; client_max_window_bits=10",
            "permessage-deflate; client_max_window_bits=\"9\"",
        );
        assert!(n.contains("Offered server_no_context_takeover") && n.contains("§7.1.1.1"));
        assert!(n.contains("Offered client_max_window_bits=10: ") && n.contains("1024 bytes"));
        assert!(n.contains("Accepted client_max_window_bits=9") && n.contains("512 bytes"));
        let none = EventKind::WsExtensions {
            offered: vec![],
            negotiated: vec![],
        };
        assert!(note(&none, None).is_none());
    }

    #[test]
    fn frames_pong_text_and_426() {
        let frame = |fin, opcode| EventKind::WsFrame {
            fin,
            rsv1: false,
            rsv2: false,
            rsv3: false,
            opcode,
            masked: true,
            mask_key: None,
            payload_len: 1,
            header_len: 6,
        };
        let cont = note(&frame(true, 0), Some(Dir::C2s)).unwrap();
        assert!(cont.contains("last fragment") && cont.contains("RFC 6455 §5.4"));
        assert!(cont.contains("masked"));
        assert!(
            note(&frame(false, 1), Some(Dir::C2s))
                .unwrap()
                .contains("first fragment")
        );
        assert!(note(&frame(true, 1), Some(Dir::C2s)).is_none());
        let message = |opcode, text: Option<&str>| EventKind::WsMessage {
            opcode,
            fragments: 2,
            compressed: false,
            payload_len: 1,
            wire_payload_len: None,
            text: text.map(str::to_string),
            data_b64: None,
            close_code: None,
            close_reason: None,
        };
        assert!(
            note(&message(0xA, None), None)
                .unwrap()
                .contains("RFC 6455 §5.5.3")
        );
        let bad = note(&message(0x1, None), None).unwrap();
        assert!(bad.contains("not valid UTF-8") && bad.contains("RFC 6455 §8.1"));
        assert!(bad.contains("It came in 2 frames") && bad.contains("RFC 6455 §5.4"));
        assert!(
            note(&message(0x1, Some("é")), None)
                .unwrap()
                .contains("inside a character")
        );
        let one = |opcode, compressed, text: Option<&str>| EventKind::WsMessage {
            opcode,
            fragments: 1,
            compressed,
            payload_len: 179,
            wire_payload_len: compressed.then_some(83),
            text: text.map(str::to_string),
            data_b64: None,
            close_code: None,
            close_reason: None,
        };
        let text = note(&one(0x1, false, Some("hi")), Some(Dir::C2s)).unwrap();
        assert!(text.starts_with("A text message (opcode 0x1)"), "{text}");
        assert!(text.contains("UTF-8 (RFC 6455 §5.6)"), "{text}");
        assert!(text.contains("one frame with FIN set") && text.contains("RFC 6455 §5.2"));
        assert!(
            text.contains("must mask every frame it sends (RFC 6455 §5.1)"),
            "{text}"
        );
        assert!(text.contains("RFC 6455 §5.3") && text.contains("RFC 6455 §10.3"));
        assert!(
            text.contains("must fail the connection (RFC 6455 §8.1)"),
            "{text}"
        );
        assert!(!text.contains("deflate"), "{text}");
        let binary = note(&one(0x2, false, None), Some(Dir::S2c)).unwrap();
        assert!(
            binary.starts_with("A binary message (opcode 0x2)"),
            "{binary}"
        );
        assert!(
            binary.contains("must not mask its frames (RFC 6455 §5.1)"),
            "{binary}"
        );
        assert!(!binary.contains("UTF-8"), "{binary}");
        let deflated = note(&one(0x1, true, Some("x")), Some(Dir::S2c)).unwrap();
        assert!(deflated.contains("RSV1 is set on its first frame (RFC 7692 §6)"));
        assert!(deflated.contains("83 bytes on the wire inflate to 179 (RFC 7692 §7.2.2)"));
        let refused = EventKind::HttpResponse {
            status: 426,
            reason: "Upgrade Required".into(),
            version: "HTTP/1.1".into(),
            headers: vec![("Sec-WebSocket-Version".into(), "13".into())],
            head_len: 0,
            body_len: 0,
            chunked_overhead: None,
        };
        let n = note(&refused, Some(Dir::S2c)).unwrap();
        assert!(n.contains("(here 13)") && n.contains("RFC 6455 §4.4"));
    }
}
