//! Notes for WebSocket events the first notes left out: the permessage-deflate parameters of
//! the handshake (RFC 7692 §7.1.1-§7.1.2.2), a 426 that names the versions the server speaks
//! (RFC 6455 §4.4), fragments (§5.4), pong (§5.5.3), and the ordinary text and binary
//! messages: what the opcode says (§5.6, text that must be UTF-8: §8.1), FIN and fragments
//! (§5.2, §5.4), which side masks (§5.1, §5.3, §10.3) and compression (RFC 7692 §6, §7.2.2).

use crate::lang::Lang;
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

/// The note for a WebSocket-related event in this module's scope, in `lang`, or `None`.
pub(super) fn note(kind: &EventKind, dir: Option<Dir>, lang: Lang) -> Option<String> {
    match kind {
        EventKind::WsExtensions {
            offered,
            negotiated,
        } => deflate(offered, negotiated, lang),
        EventKind::HttpResponse {
            status: 426,
            headers,
            ..
        } => Headers::new(headers)
            .get("sec-websocket-version")
            .map(|v| version_426(v, lang)),
        EventKind::WsFrame {
            fin,
            opcode,
            masked,
            ..
        } => fragment(*fin, *opcode, *masked, dir, lang),
        EventKind::WsMessage { opcode: 0xA, .. } => Some(match lang {
            Lang::En => format!(
                "A pong. Sent in answer to a ping it carries the ping's application data; an \
                 endpoint that got several pings may answer only the latest. A pong nobody \
                 asked for is allowed as a one-way heartbeat and gets no answer ({}).",
                cite::RFC6455_5_5_3
            ),
            Lang::Zh => format!(
                "一个 pong。作为对 ping 的回应时，它带着 ping 的应用数据；收到多个 ping 的一端可以只\
                 回应最近的一个。也允许发送没人请求的 pong，作为单向心跳，对方不必回应（{}）。",
                cite::RFC6455_5_5_3
            ),
        }),
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
                lang,
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
/// Each part is a whole sentence in `lang`.
fn data_message(
    data: Data,
    fragments: u32,
    compressed: Option<(Option<u64>, u64)>,
    dir: Option<Dir>,
    lang: Lang,
) -> String {
    let what = match (data, lang) {
        (Data::Text { .. }, Lang::En) => format!(
            "A text message (opcode 0x1): its payload is text encoded as UTF-8 ({}).",
            cite::RFC6455_5_6
        ),
        (Data::Text { .. }, Lang::Zh) => format!(
            "一条文本消息（opcode 0x1）：载荷是用 UTF-8 编码的文本（{}）。",
            cite::RFC6455_5_6
        ),
        (Data::Binary, Lang::En) => format!(
            "A binary message (opcode 0x2): its payload is bytes whose meaning is up to the \
             application alone ({}).",
            cite::RFC6455_5_6
        ),
        (Data::Binary, Lang::Zh) => format!(
            "一条二进制消息（opcode 0x2）：载荷是字节，含义完全由应用决定（{}）。",
            cite::RFC6455_5_6
        ),
    };
    let framing = match (fragments > 1, lang) {
        (true, Lang::En) => format!(
            " It came in {fragments} frames: the first carries the opcode, continuation frames \
             (opcode 0) follow, and only the last has FIN set ({}).",
            cite::RFC6455_5_4
        ),
        (true, Lang::Zh) => format!(
            "它分成 {fragments} 个帧（分片）到达：第一帧带 opcode，后面跟着延续帧（opcode 0），只有\
             最后一帧置了 FIN（{}）。",
            cite::RFC6455_5_4
        ),
        (false, Lang::En) => format!(
            " It came in one frame with FIN set: FIN marks a message's final fragment, and the \
             first may be the final one ({}).",
            cite::RFC6455_5_2
        ),
        (false, Lang::Zh) => format!(
            "它在一个置了 FIN 的帧中到达：FIN 标记消息的最后一个分片，而第一个分片也可以就是最后\
             一个（{}）。",
            cite::RFC6455_5_2
        ),
    };
    let masking = match (dir, lang) {
        (Some(Dir::C2s), Lang::En) => format!(
            " Sent by the client, which must mask every frame it sends ({}), each with a new \
             32-bit key chosen at random, XORed over the payload ({}): not for secrecy, but so \
             that a page's script cannot choose the bytes that proxies on the way see ({}).",
            cite::RFC6455_5_1,
            cite::RFC6455_5_3,
            cite::RFC6455_10_3
        ),
        (Some(Dir::C2s), Lang::Zh) => format!(
            "它由客户端发送，客户端发送的每一帧都必须掩码（{}），每帧用一个新的随机 32 位掩码键与\
             载荷异或（{}）：这不是为了保密，而是让页面脚本无法决定途中代理看到的字节（{}）。",
            cite::RFC6455_5_1,
            cite::RFC6455_5_3,
            cite::RFC6455_10_3
        ),
        (Some(Dir::S2c), Lang::En) => format!(
            " Sent by the server, which must not mask its frames ({}).",
            cite::RFC6455_5_1
        ),
        (Some(Dir::S2c), Lang::Zh) => format!(
            "它由服务器发送，服务器的帧不得掩码（{}）。",
            cite::RFC6455_5_1
        ),
        (None, _) => String::new(),
    };
    let deflate = match (compressed, lang) {
        (Some((wire, inflated)), Lang::En) => {
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
        (Some((Some(wire), inflated)), Lang::Zh) => format!(
            "它用 permessage-deflate 压缩：第一帧置了 RSV1（{}），接收方在载荷末尾补上 00 00 ff ff \
             再解压，线路上的 {wire} 字节解压后是 {inflated} 字节（{}）。",
            cite::RFC7692_6,
            cite::RFC7692_7_2_2
        ),
        (Some((None, _)), Lang::Zh) => format!(
            "它用 permessage-deflate 压缩：第一帧置了 RSV1（{}），接收方在载荷末尾补上 00 00 ff ff \
             再解压（{}）。",
            cite::RFC7692_6,
            cite::RFC7692_7_2_2
        ),
        (None, _) => String::new(),
    };
    let utf8 = match (data, lang) {
        (Data::Text { utf8 }, Lang::En) => format!(" {}", utf8_rule(utf8, fragments, lang)),
        (Data::Text { utf8 }, Lang::Zh) => utf8_rule(utf8, fragments, lang),
        (Data::Binary, _) => String::new(),
    };
    format!("{what}{framing}{masking}{deflate}{utf8}")
}

fn version_426(versions: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "426 to a WebSocket handshake: the server does not speak the version the client \
             asked for. It must list the versions it does speak in Sec-WebSocket-Version (here \
             {versions}); a client that supports one of them can repeat the handshake with it \
             ({}).",
            cite::RFC6455_4_4
        ),
        Lang::Zh => format!(
            "对 WebSocket 握手的 426：服务器不支持客户端请求的版本。它必须在 Sec-WebSocket-Version \
             中列出自己支持的版本（这里是 {versions}）；支持其中某个版本的客户端可以用它重新握手\
             （{}）。",
            cite::RFC6455_4_4
        ),
    }
}

fn fragment(fin: bool, opcode: u8, masked: bool, dir: Option<Dir>, lang: Lang) -> Option<String> {
    let client_masked = masked && dir == Some(Dir::C2s);
    let text = match lang {
        Lang::En => {
            let what = match (opcode, fin) {
                (0x0, true) => {
                    "A continuation frame (opcode 0) with FIN set: the last fragment of the \
                     message begun by an earlier text or binary frame whose FIN was clear"
                }
                (0x0, false) => {
                    "A continuation frame (opcode 0) with FIN clear: a middle fragment of the \
                     message begun by an earlier text or binary frame; more follow"
                }
                (0x1 | 0x2, false) => {
                    "The first fragment of a message: FIN is clear, so continuation frames \
                     (opcode 0) follow until one has FIN set"
                }
                _ => return None,
            };
            let mask = if client_masked {
                " Like every client frame it is masked."
            } else {
                ""
            };
            format!(
                "{what}. Only the first frame carries the type; control frames may come between \
                 the fragments but are never fragmented themselves ({}).{mask}",
                cite::RFC6455_5_4
            )
        }
        Lang::Zh => {
            let what = match (opcode, fin) {
                (0x0, true) => {
                    "一个置了 FIN 的延续帧（opcode 0）：它是一条消息的最后一个分片，这条消息由前面\
                     一个 FIN 未置位的 text 或 binary 帧开始"
                }
                (0x0, false) => {
                    "一个 FIN 未置位的延续帧（opcode 0）：它是一条消息中间的分片，这条消息由前面\
                     一个 text 或 binary 帧开始；后面还有分片"
                }
                (0x1 | 0x2, false) => {
                    "一条消息的第一个分片：FIN 未置位，所以后面跟着延续帧（opcode 0），直到某一帧\
                     置了 FIN"
                }
                _ => return None,
            };
            let mask = if client_masked {
                "和所有客户端的帧一样，它是掩码过的。"
            } else {
                ""
            };
            format!(
                "{what}。只有第一帧带消息类型；控制帧可以插在分片之间，但控制帧本身不能分片\
                 （{}）。{mask}",
                cite::RFC6455_5_4
            )
        }
    };
    Some(text)
}

/// The UTF-8 rule of a text message, as it applies to this one.
fn utf8_rule(valid: bool, fragments: u32, lang: Lang) -> String {
    let split = fragments > 1;
    match (valid, lang) {
        (true, Lang::En) => format!(
            "A receiver that finds invalid UTF-8 must fail the connection ({}).{}",
            cite::RFC6455_8_1,
            if split {
                " The whole message must be valid; one fragment may end inside a character."
            } else {
                ""
            }
        ),
        (false, Lang::En) => format!(
            "This one is not valid UTF-8, which a text message must be.{} The receiver must \
             fail the connection ({}); a close with 1007 says why.",
            if split {
                " The whole message must be valid; one fragment may end inside a character."
            } else {
                ""
            },
            cite::RFC6455_8_1
        ),
        (true, Lang::Zh) => format!(
            "接收方若发现不合法的 UTF-8，必须使连接失败（{}）。{}",
            cite::RFC6455_8_1,
            if split {
                "要求整条消息合法；单个分片可以在一个字符的中间结束。"
            } else {
                ""
            }
        ),
        (false, Lang::Zh) => format!(
            "这条消息不是合法的 UTF-8，而文本消息必须是。{}接收方必须使连接失败（{}）；用关闭码 \
             1007 关闭时会说明原因。",
            if split {
                "要求整条消息合法；单个分片可以在一个字符的中间结束。"
            } else {
                ""
            },
            cite::RFC6455_8_1
        ),
    }
}

/// Explains the permessage-deflate parameters offered and accepted, if either list has any.
fn deflate(offered: &[String], negotiated: &[String], lang: Lang) -> Option<String> {
    let mut parts = Vec::new();
    for (phase, list) in [(Phase::Offer, offered), (Phase::Answer, negotiated)] {
        for (name, value) in deflate_params(list) {
            if let Some(text) = param(&name, value.as_deref(), phase, lang) {
                parts.push(text);
            }
        }
    }
    let sep = match lang {
        Lang::En => " ",
        Lang::Zh => "",
    };
    (!parts.is_empty()).then(|| parts.join(sep))
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

fn param(name: &str, value: Option<&str>, phase: Phase, lang: Lang) -> Option<String> {
    let window = |bits: &str| {
        bits.parse::<u32>()
            .ok()
            .filter(|b| (8..=15).contains(b))
            .map_or(String::new(), |b| match lang {
                Lang::En => format!(" = {} bytes", 1u32 << b),
                Lang::Zh => format!(" = {} 字节", 1u32 << b),
            })
    };
    let text = match (name, phase, value, lang) {
        ("server_no_context_takeover", Phase::Offer, _, Lang::En) => format!(
            "Offered server_no_context_takeover: the client asks the server to compress each \
             message on its own, with an empty window, so the client need not keep the server's \
             context between messages ({}).",
            cite::RFC7692_7_1_1_1
        ),
        ("server_no_context_takeover", Phase::Offer, _, Lang::Zh) => format!(
            "提供了 server_no_context_takeover：客户端请求服务器每条消息都从空窗口开始单独压缩，\
             这样客户端就不必在消息之间保留服务器的压缩上下文（{}）。",
            cite::RFC7692_7_1_1_1
        ),
        ("server_no_context_takeover", Phase::Answer, _, Lang::En) => format!(
            "Accepted server_no_context_takeover: the server starts every message it sends with \
             an empty LZ77 window, so each can be inflated on its own ({}).",
            cite::RFC7692_7_1_1_1
        ),
        ("server_no_context_takeover", Phase::Answer, _, Lang::Zh) => format!(
            "接受了 server_no_context_takeover：服务器发送的每条消息都从空的 LZ77 窗口开始，因此\
             每条都能单独解压（{}）。",
            cite::RFC7692_7_1_1_1
        ),
        ("client_no_context_takeover", Phase::Offer, _, Lang::En) => format!(
            "Offered client_no_context_takeover: the client tells the server it will compress \
             each message on its own, so the server need not keep a context for it ({}).",
            cite::RFC7692_7_1_1_2
        ),
        ("client_no_context_takeover", Phase::Offer, _, Lang::Zh) => format!(
            "提供了 client_no_context_takeover：客户端告诉服务器它会单独压缩每条消息，因此服务器\
             不必为它保留压缩上下文（{}）。",
            cite::RFC7692_7_1_1_2
        ),
        ("client_no_context_takeover", Phase::Answer, _, Lang::En) => format!(
            "Accepted client_no_context_takeover: the client must not use context takeover, \
             each message it sends starts with an empty window ({}).",
            cite::RFC7692_7_1_1_2
        ),
        ("client_no_context_takeover", Phase::Answer, _, Lang::Zh) => format!(
            "接受了 client_no_context_takeover：客户端不得沿用上下文，它发送的每条消息都从空窗口\
             开始（{}）。",
            cite::RFC7692_7_1_1_2
        ),
        ("server_max_window_bits", Phase::Offer, Some(bits), Lang::En) => format!(
            "Offered server_max_window_bits={bits}: the client limits the server's LZ77 window \
             to 2^{bits}{} (the value is 8 to 15); a server that accepts answers with this or a \
             smaller value ({}).",
            window(bits),
            cite::RFC7692_7_1_2_1
        ),
        ("server_max_window_bits", Phase::Offer, Some(bits), Lang::Zh) => format!(
            "提供了 server_max_window_bits={bits}：客户端把服务器的 LZ77 窗口限制为 2^{bits}{}\
             （取值 8 到 15）；接受的服务器用这个值或更小的值作答（{}）。",
            window(bits),
            cite::RFC7692_7_1_2_1
        ),
        ("server_max_window_bits", Phase::Answer, Some(bits), Lang::En) => format!(
            "Accepted server_max_window_bits={bits}: the server compresses with an LZ77 window \
             of at most 2^{bits}{}, so the client's inflater needs no more history than that \
             ({}).",
            window(bits),
            cite::RFC7692_7_1_2_1
        ),
        ("server_max_window_bits", Phase::Answer, Some(bits), Lang::Zh) => format!(
            "接受了 server_max_window_bits={bits}：服务器压缩时使用的 LZ77 窗口最多 2^{bits}{}，\
             所以客户端的解压器不需要保留更多的历史数据（{}）。",
            window(bits),
            cite::RFC7692_7_1_2_1
        ),
        ("client_max_window_bits", Phase::Offer, None, Lang::En) => format!(
            "Offered client_max_window_bits without a value: the client can limit its own window \
             if the server asks; the server may answer client_max_window_bits=N (8 to 15), and \
             without it the client may use the full 32,768-byte window ({}).",
            cite::RFC7692_7_1_2_2
        ),
        ("client_max_window_bits", Phase::Offer, None, Lang::Zh) => format!(
            "提供了不带值的 client_max_window_bits：如果服务器要求，客户端可以限制自己的窗口；服务器\
             可以回答 client_max_window_bits=N（8 到 15），不回答时客户端可以使用完整的 32768 字节\
             窗口（{}）。",
            cite::RFC7692_7_1_2_2
        ),
        ("client_max_window_bits", Phase::Offer, Some(bits), Lang::En) => format!(
            "Offered client_max_window_bits={bits}: the client says it will use an LZ77 window \
             of at most 2^{bits}{}, and the server may ask for a smaller one ({}).",
            window(bits),
            cite::RFC7692_7_1_2_2
        ),
        ("client_max_window_bits", Phase::Offer, Some(bits), Lang::Zh) => format!(
            "提供了 client_max_window_bits={bits}：客户端声明它使用的 LZ77 窗口最多 2^{bits}{}，\
             服务器可以要求更小的窗口（{}）。",
            window(bits),
            cite::RFC7692_7_1_2_2
        ),
        ("client_max_window_bits", Phase::Answer, Some(bits), Lang::En) => format!(
            "Accepted client_max_window_bits={bits}: the client must not compress with a window \
             larger than 2^{bits}{} ({}).",
            window(bits),
            cite::RFC7692_7_1_2_2
        ),
        ("client_max_window_bits", Phase::Answer, Some(bits), Lang::Zh) => format!(
            "接受了 client_max_window_bits={bits}：客户端压缩时不得使用大于 2^{bits}{} 的窗口\
             （{}）。",
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
        note(&kind, None, crate::lang::Lang::En).unwrap()
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
        assert!(note(&none, None, crate::lang::Lang::En).is_none());
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
        let cont = note(&frame(true, 0), Some(Dir::C2s), crate::lang::Lang::En).unwrap();
        assert!(cont.contains("last fragment") && cont.contains("RFC 6455 §5.4"));
        assert!(cont.contains("masked"));
        assert!(
            note(&frame(false, 1), Some(Dir::C2s), crate::lang::Lang::En)
                .unwrap()
                .contains("first fragment")
        );
        assert!(note(&frame(true, 1), Some(Dir::C2s), crate::lang::Lang::En).is_none());
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
            note(&message(0xA, None), None, crate::lang::Lang::En)
                .unwrap()
                .contains("RFC 6455 §5.5.3")
        );
        let bad = note(&message(0x1, None), None, crate::lang::Lang::En).unwrap();
        assert!(bad.contains("not valid UTF-8") && bad.contains("RFC 6455 §8.1"));
        assert!(bad.contains("It came in 2 frames") && bad.contains("RFC 6455 §5.4"));
        assert!(
            note(&message(0x1, Some("é")), None, crate::lang::Lang::En)
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
        let text = note(
            &one(0x1, false, Some("hi")),
            Some(Dir::C2s),
            crate::lang::Lang::En,
        )
        .unwrap();
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
        let binary = note(
            &one(0x2, false, None),
            Some(Dir::S2c),
            crate::lang::Lang::En,
        )
        .unwrap();
        assert!(
            binary.starts_with("A binary message (opcode 0x2)"),
            "{binary}"
        );
        assert!(
            binary.contains("must not mask its frames (RFC 6455 §5.1)"),
            "{binary}"
        );
        assert!(!binary.contains("UTF-8"), "{binary}");
        let deflated = note(
            &one(0x1, true, Some("x")),
            Some(Dir::S2c),
            crate::lang::Lang::En,
        )
        .unwrap();
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
        let n = note(&refused, Some(Dir::S2c), crate::lang::Lang::En).unwrap();
        assert!(n.contains("(here 13)") && n.contains("RFC 6455 §4.4"));
    }
}
