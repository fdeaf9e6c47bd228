//! One-line summaries and short side notes for events: the text on the timeline's arrows, in
//! the terminal and in accessibility labels. Pure.
//!
//! This folder is the one home of the texts the views show: summaries and notes (here), browser-API
//! marker texts (`api_label`), numbers (`format_count`, `format_bytes`, `format_duration_us`).

mod api;
pub mod compare;
mod diagnostic;
mod failures;
mod http;
mod link;
mod polling;
mod sse;
mod tcp;
mod title;
mod tls;
mod units;
mod ws;

pub use api::{api_label, http_api_label};
pub use diagnostic::{diagnostic_message, violation_phrase};
pub use link::{LINK_PACKETS, link_summary};
pub use polling::LONG_WAIT_US;
pub use title::{EXTERNAL_CLIENT, kind_title, lane_name};
pub use units::{counted, format_bytes, format_count, format_duration_us, format_time_us};

use super::{ApiObject, Dir, Event, EventKind, Observed, Severity, Side, TcpSegment};
use crate::lang::{Lang, Text};
use crate::proto::cite;
use crate::proto::http::Headers;
use crate::proto::ws::close::CloseCode;
use crate::proto::ws::frame::OpCode;

/// Longest quoted payload preview in a summary, in characters.
const PREVIEW_CHARS: usize = 80;

/// The one-line summary of an event in `lang`, e.g. `GET /echo HTTP/1.1 (Upgrade: websocket)`,
/// `HTTP/1.1 101 Switching Protocols`, `text "Hello" (5 B)`, `close 1000 Normal Closure "bye"`.
/// Protocol tokens stay as on the wire in every language.
pub fn summary(event: &Event, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    match &event.kind {
        EventKind::TcpConnect { observed } => match lang {
            Lang::En => format!(
                "connect() returned: TCP connection open{}",
                observed_suffix(*observed, lang)
            ),
            Lang::Zh => format!(
                "connect() 返回：TCP 连接已建立{}",
                observed_suffix(*observed, lang)
            ),
        },
        EventKind::TcpAccept { observed } => match lang {
            Lang::En => format!("accept() returned{}", observed_suffix(*observed, lang)),
            Lang::Zh => format!("accept() 返回{}", observed_suffix(*observed, lang)),
        },
        EventKind::TcpClose {
            observed,
            initiator,
        } => {
            let suffix = observed_suffix(*observed, lang);
            match (initiator, lang) {
                (Some(Side::Client), Lang::En) => {
                    format!("TCP connection closed by the client{suffix}")
                }
                (Some(Side::Server), Lang::En) => {
                    format!("TCP connection closed by the server{suffix}")
                }
                (None, Lang::En) => format!("TCP connection closed{suffix}"),
                (Some(Side::Client), Lang::Zh) => format!("客户端关闭了 TCP 连接{suffix}"),
                (Some(Side::Server), Lang::Zh) => format!("服务器关闭了 TCP 连接{suffix}"),
                (None, Lang::Zh) => format!("TCP 连接已关闭{suffix}"),
            }
        }
        EventKind::TcpSyn(s) => tcp_line("SYN", s),
        EventKind::TcpSynAck(s) => tcp_line("SYN, ACK", s),
        EventKind::TcpAck(s) => tcp_line("ACK", s),
        EventKind::TcpFin(s) => tcp_line("FIN, ACK", s),
        EventKind::TcpRst(s) => tcp_line("RST", s),
        EventKind::HttpRequest {
            method,
            target,
            version,
            headers,
            body_len,
            ..
        } => {
            let mut line = format!("{method} {target} {version}");
            if let Some(upgrade) = Headers::new(headers).get("upgrade") {
                line.push_str(&format!(" (Upgrade: {upgrade})"));
            }
            if *body_len > 0 {
                line.push_str(&body_suffix(*body_len, lang));
            }
            line
        }
        EventKind::HttpResponse {
            status,
            reason,
            version,
            body_len,
            ..
        } => {
            let mut line = format!("{version} {status} {reason}");
            if *body_len > 0 {
                line.push_str(&body_suffix(*body_len, lang));
            }
            line
        }
        EventKind::WsUpgradeCheck {
            valid,
            accept,
            protocol,
            ..
        } => {
            let line = match (valid, accept, lang) {
                (true, _, Lang::En) => "Sec-WebSocket-Accept matches ✓ WebSocket open",
                (false, None, Lang::En) => "upgrade failed ✗ (no Sec-WebSocket-Accept)",
                (false, Some(_), Lang::En) => "upgrade failed ✗",
                (true, _, Lang::Zh) => "Sec-WebSocket-Accept 一致 ✓ WebSocket 已打开",
                (false, None, Lang::Zh) => "升级失败 ✗（没有 Sec-WebSocket-Accept）",
                (false, Some(_), Lang::Zh) => "升级失败 ✗",
            };
            match (protocol, lang) {
                (Some(p), Lang::En) => format!("{line}, subprotocol {p}"),
                (Some(p), Lang::Zh) => format!("{line}，子协议 {p}"),
                (None, _) => line.to_string(),
            }
        }
        EventKind::WsExtensions {
            offered,
            negotiated,
        } => {
            let list = |items: &[String]| {
                if items.is_empty() {
                    Text {
                        en: "none",
                        zh: "无",
                    }
                    .get(lang)
                    .to_string()
                } else {
                    items.join(", ")
                }
            };
            let (offered, negotiated) = (list(offered), list(negotiated));
            match lang {
                Lang::En => format!("extensions offered: {offered}; accepted: {negotiated}"),
                Lang::Zh => format!("提供的扩展：{offered}；接受的扩展：{negotiated}"),
            }
        }
        EventKind::WsFrame {
            fin,
            rsv1,
            opcode,
            masked,
            payload_len,
            header_len,
            ..
        } => {
            let mut flags = Vec::new();
            flags.push(match (fin, zh) {
                (true, _) => "FIN",
                (false, false) => "not FIN",
                (false, true) => "无 FIN",
            });
            if *rsv1 {
                flags.push("RSV1");
            }
            flags.push(match (masked, zh) {
                (true, false) => "masked",
                (false, false) => "unmasked",
                (true, true) => "已掩码",
                (false, true) => "未掩码",
            });
            let op = OpCode::from_u8(*opcode).name();
            match lang {
                Lang::En => format!(
                    "frame {op} {} {payload_len} B (header {header_len} B)",
                    flags.join(" ")
                ),
                Lang::Zh => format!(
                    "帧 {op} {} {payload_len} B（帧头 {header_len} B）",
                    flags.join(" ")
                ),
            }
        }
        EventKind::WsMessage {
            opcode,
            fragments,
            compressed,
            payload_len,
            wire_payload_len,
            text,
            data_b64,
            close_code,
            close_reason,
        } => {
            let op = OpCode::from_u8(*opcode);
            let mut line = match op {
                OpCode::Text => match (text, lang) {
                    (Some(t), _) => format!("text {} ({payload_len} B)", quote(t)),
                    (None, Lang::En) => format!("text, not valid UTF-8 ({payload_len} B)"),
                    (None, Lang::Zh) => format!("text，不是合法的 UTF-8（{payload_len} B）"),
                },
                OpCode::Close => match close_code {
                    Some(code) => {
                        let mut l = format!("close {code} {}", CloseCode::from_u16(*code).name());
                        if let Some(r) = close_reason.as_deref().filter(|r| !r.is_empty()) {
                            l.push(' ');
                            l.push_str(&quote(r));
                        }
                        l
                    }
                    None => match lang {
                        Lang::En => "close (no status code)".to_string(),
                        Lang::Zh => "close（没有关闭码）".to_string(),
                    },
                },
                OpCode::Ping | OpCode::Pong => match data_b64.as_deref().and_then(decode_b64) {
                    Some(bytes) if !bytes.is_empty() => match std::str::from_utf8(&bytes) {
                        Ok(t) => format!("{} {}", op.name(), quote(t)),
                        Err(_) => format!("{} ({payload_len} B)", op.name()),
                    },
                    _ => op.name().to_string(),
                },
                _ => format!("{} ({payload_len} B)", op.name()),
            };
            if *fragments > 1 {
                line.push_str(&match lang {
                    Lang::En => format!(" in {fragments} fragments"),
                    Lang::Zh => format!("，分 {fragments} 片"),
                });
            }
            if *compressed {
                line.push_str(&match (wire_payload_len, lang) {
                    (Some(wire), Lang::En) => format!(", compressed ({wire} B on the wire)"),
                    (None, Lang::En) => ", compressed".to_string(),
                    (Some(wire), Lang::Zh) => format!("，已压缩（线路上 {wire} B）"),
                    (None, Lang::Zh) => "，已压缩".to_string(),
                });
            }
            line
        }
        EventKind::HttpBodyEnd {
            body_len,
            complete,
            chunked_overhead,
        } => {
            let line = match (complete, lang) {
                (true, Lang::En) => format!("body complete: {body_len} B"),
                (false, Lang::En) => format!("body cut short by the close: {body_len} B"),
                (true, Lang::Zh) => format!("消息体完整：{body_len} B"),
                (false, Lang::Zh) => format!("消息体因连接关闭而不完整：{body_len} B"),
            };
            match (chunked_overhead, lang) {
                (Some(o), Lang::En) => format!("{line} ({o} B of chunk framing)"),
                (Some(o), Lang::Zh) => format!("{line}（其中分块格式 {o} B）"),
                (None, _) => line,
            }
        }
        EventKind::TlsRecord { .. } => tls::summary(&event.kind, lang).unwrap_or_default(),
        EventKind::SseEvent {
            id, event, data, ..
        } => {
            let mut line = "SSE".to_string();
            if let Some(e) = event {
                line.push_str(&format!(" event {e}"));
            }
            if let Some(i) = id {
                line.push_str(&format!(" id {i}"));
            }
            line.push_str(&format!(" data {}", quote(data)));
            line
        }
        EventKind::Api {
            object,
            ready_state,
            fires,
            code,
            data,
            last_event_id,
            ..
        } if !object.is_websocket() => api::http_api_label(
            *object,
            *ready_state,
            fires.as_deref(),
            *code,
            data.as_deref(),
            last_event_id.as_deref(),
            lang,
        ),
        EventKind::Api {
            ready_state,
            fires,
            code,
            reason,
            was_clean,
            data,
            ..
        } => {
            let state = format!(
                "readyState {ready_state} {}",
                ready_state_name(*ready_state)
            );
            match fires.as_deref() {
                Some("close") => format!(
                    "onclose(code {}, reason {}, wasClean {}) · {state}",
                    code.map_or("-".to_string(), |c| c.to_string()),
                    quote(reason.as_deref().unwrap_or("")),
                    was_clean.map_or("-".to_string(), |c| c.to_string()),
                ),
                Some("message") => match data {
                    Some(d) => format!("onmessage: {d}"),
                    None => "onmessage".to_string(),
                },
                Some(other) => format!("on{other} · {state}"),
                None => state,
            }
        }
        EventKind::SourceEvent { id, bytes } => compare::source_event(*id, *bytes, lang),
        EventKind::ClientRead { total } => compare::client_read(*total, lang),
        EventKind::Stage { index, label } => match lang {
            Lang::En => format!("stage {}: {label}", index + 1),
            Lang::Zh => format!("第 {} 步：{label}", index + 1),
        },
        EventKind::Diagnostic {
            severity,
            message,
            message_zh,
            ..
        } => match lang {
            Lang::En => format!("{severity:?}: {message}"),
            Lang::Zh => format!(
                "{}：{}",
                severity_name(*severity, lang),
                diagnostic_message(message, message_zh.as_deref(), lang)
            ),
        },
    }
}

/// " + 12 B body", after an HTTP start line.
fn body_suffix(body_len: u64, lang: Lang) -> String {
    match lang {
        Lang::En => format!(" + {body_len} B body"),
        Lang::Zh => format!(" + {body_len} B 消息体"),
    }
}

/// A diagnostic's severity in words.
fn severity_name(severity: Severity, lang: Lang) -> &'static str {
    let text = match severity {
        Severity::Info => Text {
            en: "Info",
            zh: "说明",
        },
        Severity::Warning => Text {
            en: "Warning",
            zh: "警告",
        },
        Severity::Error => Text {
            en: "Error",
            zh: "错误",
        },
    };
    text.get(lang)
}

/// A short explanation of what the event means in `lang`, for side notes; `None` when the
/// summary says it all.
pub fn note(event: &Event, lang: Lang) -> Option<String> {
    // Every TCP event kind, packet or socket, has its note in `tcp` (RFC 9293).
    if let Some(text) = tcp::note(&event.kind, event.dir, lang) {
        return Some(text);
    }
    // Event-stream responses and their events (WHATWG HTML §9.2) in `sse`.
    if let Some(text) = sse::note(&event.kind, lang) {
        return Some(text);
    }
    // TLS records (RFC 8446) in `tls`.
    if let Some(text) = tls::note(&event.kind, lang) {
        return Some(text);
    }
    // Deflate parameters, a 426's versions, fragments, pong and UTF-8 text in `ws`.
    if let Some(text) = ws::note(&event.kind, event.dir, lang) {
        return Some(text);
    }
    // 1006 and an accept computed without the GUID in `failures`.
    if let Some(text) = failures::note(&event.kind, lang) {
        return Some(text);
    }
    match &event.kind {
        EventKind::HttpRequest {
            method,
            version,
            headers,
            ..
        } if Headers::new(headers).get("upgrade").is_some() => Some(upgrade_request_note(
            method,
            version,
            Headers::new(headers),
            lang,
        )),
        EventKind::HttpResponse { status: 101, .. } => Some(match lang {
            Lang::En => format!(
                "101 Switching Protocols: the server agrees to switch to the protocol in its \
                 Upgrade header ({}). For WebSocket the client first checks \
                 Sec-WebSocket-Accept; only if it matches does the connection speak WebSocket \
                 ({}).",
                cite::RFC9110_15_2_2,
                cite::RFC6455_4_1
            ),
            Lang::Zh => format!(
                "101 Switching Protocols（切换协议）：服务器同意切换到它在 Upgrade 首部中指明的\
                 协议（{}）。对 WebSocket 来说，客户端先检查 Sec-WebSocket-Accept；只有它一致，\
                 这条连接才开始使用 WebSocket 协议（{}）。",
                cite::RFC9110_15_2_2,
                cite::RFC6455_4_1
            ),
        }),
        EventKind::WsUpgradeCheck { valid: true, .. } => Some(match lang {
            Lang::En => format!(
                "Sec-WebSocket-Accept = base64(SHA-1(key + 258EAFA5-E914-47DA-95CA-C5AB0DC85B11)) \
                 matches: from the byte after the 101's head on, this TCP connection speaks \
                 WebSocket in both directions ({}). The check proves the server read this \
                 handshake: not authentication or encryption, but it keeps non-WebSocket \
                 servers, caches and HTML form or XHR exchanges from being taken for WebSocket \
                 ({}).",
                cite::RFC6455_4_2_2,
                cite::RFC6455_1_3
            ),
            Lang::Zh => format!(
                "Sec-WebSocket-Accept = base64(SHA-1(key + 258EAFA5-E914-47DA-95CA-C5AB0DC85B11)) \
                 一致：从 101 响应首部之后的第一个字节起，这条 TCP 连接在两个方向上都使用 WebSocket 协议\
                 （{}）。这项检查证明服务器读懂了这次握手：它不是身份认证，也不是加密，但能防止把\
                 不懂 WebSocket 的服务器、缓存以及 HTML 表单或 XHR 交换误当成 WebSocket（{}）。",
                cite::RFC6455_4_2_2,
                cite::RFC6455_1_3
            ),
        }),
        EventKind::WsUpgradeCheck { valid: false, .. } => Some(match lang {
            Lang::En => format!(
                "The upgrade check failed (Sec-WebSocket-Accept missing or wrong, or \
                 Upgrade/Connection missing): the client MUST fail the WebSocket connection, \
                 and the bytes that follow are not WebSocket ({}).",
                cite::RFC6455_4_1
            ),
            Lang::Zh => format!(
                "升级检查失败（Sec-WebSocket-Accept 缺失或不对，或者缺少 Upgrade/Connection）：\
                 客户端必须（MUST）使 WebSocket 连接失败，之后的字节不是 WebSocket（{}）。",
                cite::RFC6455_4_1
            ),
        }),
        EventKind::WsFrame { masked: true, .. } if event.dir == Some(Dir::C2s) => {
            Some(match lang {
                Lang::En => format!(
                    "Client-to-server frames are masked with a fresh 4-byte key ({}), so that \
                     proxies cannot be tricked by attacker-chosen bytes ({}).",
                    cite::RFC6455_5_3,
                    cite::RFC6455_10_3
                ),
                Lang::Zh => format!(
                    "客户端发往服务器的帧用一个新的 4 字节掩码键掩码（{}），这样代理就不会被攻击者\
                     选定的字节欺骗（{}）。",
                    cite::RFC6455_5_3,
                    cite::RFC6455_10_3
                ),
            })
        }
        EventKind::WsMessage { opcode: 0x9, .. } => Some(match lang {
            Lang::En => format!(
                "A ping; the other side must answer with a pong carrying the same data, unless \
                 it already received a close frame ({}).",
                cite::RFC6455_5_5_2
            ),
            Lang::Zh => format!(
                "一个 ping（心跳）；另一方必须回一个带相同数据的 pong，除非它已经收到了关闭帧\
                 （{}）。",
                cite::RFC6455_5_5_2
            ),
        }),
        EventKind::WsMessage {
            opcode: 0x8,
            close_code,
            close_reason,
            ..
        } => {
            let close = match lang {
                Lang::En => format!(
                    "A close frame starts or answers the closing handshake ({}); after both \
                     sides sent one, normally the server closes the TCP connection first (a \
                     SHOULD, {}); the client MAY close it after sending and receiving Close.",
                    cite::RFC6455_5_5_1,
                    cite::RFC6455_7_1_1
                ),
                Lang::Zh => format!(
                    "关闭帧发起或回应关闭握手（{}）；双方都发出关闭帧之后，通常由服务器先关闭 TCP \
                     连接（SHOULD，{}）；客户端在发送并收到关闭帧之后也可以（MAY）关闭它。",
                    cite::RFC6455_5_5_1,
                    cite::RFC6455_7_1_1
                ),
            };
            // A failure's code says which rule was broken, before the general part.
            let failure = close_code
                .and_then(|code| failures::close_code(code, close_reason.as_deref(), lang));
            Some(match (failure, lang) {
                (Some(failure), Lang::En) => format!("{failure} {close}"),
                (Some(failure), Lang::Zh) => format!("{failure}{close}"),
                (None, _) => close,
            })
        }
        EventKind::HttpRequest { .. } => http::note(&event.kind, lang),
        EventKind::HttpBodyEnd { .. } => Some(
            Text {
                en: "The end of a body whose message was shown as soon as its head arrived (an \
                     event stream, or a body that runs until the connection closes).",
                zh: "一个消息体的结束；它所属的报文在首部到达时就已显示（事件流，或者一直持续到连接\
                     关闭的消息体）。",
            }
            .get(lang)
            .to_string(),
        ),
        EventKind::Api { object, fires, .. } => Some(api_note(*object, fires.as_deref(), lang)),
        _ => None,
    }
}

/// The note of a browser-API event: what the object is, that it is inferred, and the rule.
fn api_note(object: ApiObject, fires: Option<&str>, lang: Lang) -> String {
    match (object, fires, lang) {
        (ApiObject::WebSocket, Some("close"), Lang::En) => format!(
            "Inferred from the wire (WHATWG WebSockets): close fires when the WebSocket \
             connection is closed, which {} defines as the underlying TCP connection being \
             closed; for the client, when its own side closes: in answer to the server's FIN \
             (after the closing handshake the server closes first, {}), or first. A capture \
             shows it at the client's FIN; the socket tap, which sees no FIN, at the server's close.",
            cite::RFC6455_7_1_4,
            cite::RFC6455_7_1_1
        ),
        (ApiObject::WebSocket, Some("close"), Lang::Zh) => format!(
            "根据线路推断（WHATWG WebSockets）：close 在 WebSocket 连接关闭时触发，{} 把它定义为\
             底层 TCP 连接已关闭；对客户端来说，就是它自己这一方关闭时：作为对服务器 FIN 的回应\
             （关闭握手之后由服务器先关闭，{}），或者由它先关闭。抓包中它出现在客户端的 FIN 处；\
             套接字探针看不到 FIN，所以它出现在服务器关闭处。",
            cite::RFC6455_7_1_4,
            cite::RFC6455_7_1_1
        ),
        (ApiObject::WebSocket, _, Lang::En) => "What a browser's WebSocket object would report, \
             inferred from the wire (WHATWG WebSockets). new WebSocket() runs before the TCP \
             connect, so it is CONNECTING from the connection's first event on."
            .to_string(),
        (ApiObject::WebSocket, _, Lang::Zh) => "浏览器的 WebSocket 对象会报告什么，根据线路推断\
             （WHATWG WebSockets）。new WebSocket() 在 TCP 连接之前执行，所以从连接的第一个事件起\
             它就是 CONNECTING。"
            .to_string(),
        (ApiObject::Fetch, _, Lang::En) => format!(
            "What fetch() ({}) would report for this request, inferred from the wire, with the \
             readyState an XMLHttpRequest would have: the promise resolves with the Response \
             once its head arrived; reading the body finishes when the body ends, and fails \
             (TypeError, XHR onerror) if the connection ends first.",
            cite::WHATWGFETCH_5_6
        ),
        (ApiObject::Fetch, _, Lang::Zh) => format!(
            "fetch()（{}）对这个请求会报告什么，根据线路推断，并给出 XMLHttpRequest 会有的 \
             readyState：响应首部一到达，promise 就以 Response 兑现；读取消息体在消息体结束时\
             完成，如果连接先结束则失败（TypeError，XHR 的 onerror）。",
            cite::WHATWGFETCH_5_6
        ),
        (ApiObject::EventSource, _, Lang::En) => format!(
            "What an EventSource ({}) would report, inferred from the wire: OPEN and onopen \
             once a 200 text/event-stream response arrives ({}), one message per dispatched \
             event with lastEventId the last id: seen; when the server ends the stream, onerror \
             and CONNECTING: it reconnects after the reconnection time, sending Last-Event-ID \
             ({}, {}). Any other response fails it: onerror, CLOSED, no reconnect.",
            cite::WHATWGHTML_9_2,
            cite::WHATWGHTML_9_2_2,
            cite::WHATWGHTML_9_2_3,
            cite::WHATWGHTML_9_2_4
        ),
        (ApiObject::EventSource, _, Lang::Zh) => format!(
            "EventSource（{}）会报告什么，根据线路推断：200 text/event-stream 响应一到达就是 OPEN \
             并触发 onopen（{}），每个派发的事件触发一次 message，lastEventId 是最后见到的 id:；\
             服务器结束流时触发 onerror 并回到 CONNECTING：它在重连时间之后重新连接，并发送 \
             Last-Event-ID（{}、{}）。其他任何响应都会使它失败：onerror、CLOSED、不再重连。",
            cite::WHATWGHTML_9_2,
            cite::WHATWGHTML_9_2_2,
            cite::WHATWGHTML_9_2_3,
            cite::WHATWGHTML_9_2_4
        ),
    }
}

/// The note of `event` in its trace, in `lang`: [`note`], worded for what the trace holds (a
/// socket event's handshake packets captured beside it), plus what only the events `before` it
/// show (a request held before its answer, a body that kept coming: RFC 6202). `before` is
/// every event of the trace that precedes `event`, so a live view can call it as events arrive.
pub fn note_in(before: &[Event], event: &Event, lang: Lang) -> Option<String> {
    let parts: Vec<String> = [
        tcp::note_in(before, event, lang).or_else(|| note(event, lang)),
        failures::note_in(before, event, lang),
        http::note_in(before, event, lang),
        polling::note(before, event, lang),
    ]
    .into_iter()
    .flatten()
    .collect();
    let sep = match lang {
        Lang::En => " ",
        Lang::Zh => "",
    };
    (!parts.is_empty()).then(|| parts.join(sep))
}

/// The note on a request with an Upgrade header: a WebSocket upgrade names what it carries
/// (only the parts present); any other protocol (e.g. `h2c`) is not WebSocket.
fn upgrade_request_note(method: &str, version: &str, headers: Headers<'_>, lang: Lang) -> String {
    if !headers.contains("upgrade", "websocket") {
        let upgrade = headers.get("upgrade").unwrap_or_default();
        return match lang {
            Lang::En => format!(
                "A {method} {version} request that offers to switch this connection to \
                 {upgrade} if the server agrees ({}); it is not a WebSocket upgrade.",
                cite::RFC9110_7_8
            ),
            Lang::Zh => format!(
                "一个 {method} {version} 请求：如果服务器同意，就把这条连接切换到 {upgrade}（{}）；\
                 它不是 WebSocket 升级。",
                cite::RFC9110_7_8
            ),
        };
    }
    let mut parts = vec!["Upgrade: websocket".to_string()];
    if headers.contains("connection", "upgrade") {
        parts.push("Connection: Upgrade".to_string());
    }
    if headers.get("sec-websocket-key").is_some() {
        parts.push(
            Text {
                en: "a random key in Sec-WebSocket-Key (base64 of 16 bytes)",
                zh: "Sec-WebSocket-Key 中的随机 key（16 字节随机数的 base64，24 个字符）",
            }
            .get(lang)
            .to_string(),
        );
    }
    if let Some(v) = headers.get("sec-websocket-version") {
        parts.push(match lang {
            Lang::En => format!("version {v}"),
            Lang::Zh => format!("版本 {v}"),
        });
    }
    match lang {
        Lang::En => format!(
            "A {method} {version} request that asks to switch this connection to WebSocket \
             ({}): {}.",
            cite::RFC6455_4_1,
            parts.join(", ")
        ),
        Lang::Zh => format!(
            "一个 {method} {version} 请求，要求把这条连接切换到 WebSocket（{}）：{}。",
            cite::RFC6455_4_1,
            parts.join("、")
        ),
    }
}

/// The name of a `readyState` value.
pub fn ready_state_name(state: u8) -> &'static str {
    match state {
        0 => "CONNECTING",
        1 => "OPEN",
        2 => "CLOSING",
        3 => "CLOSED",
        _ => "?",
    }
}

fn observed_suffix(observed: Observed, lang: Lang) -> &'static str {
    match (observed, lang) {
        (Observed::Socket, Lang::En) => " (observed at the socket)",
        (Observed::Socket, Lang::Zh) => "（在套接字层观察到）",
        (Observed::Packet, _) => "",
    }
}

fn tcp_line(flags: &str, s: &TcpSegment) -> String {
    let mut line = format!("{flags} seq={} ack={}", s.seq, s.ack);
    if s.len > 0 {
        line.push_str(&format!(" len={}", s.len));
    }
    line
}

fn decode_b64(text: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(text).ok()
}

/// Quotes and shortens text for a one-line summary; control characters are escaped.
fn quote(text: &str) -> String {
    let mut cut: String = text.chars().take(PREVIEW_CHARS).collect();
    if text.chars().nth(PREVIEW_CHARS).is_some() {
        cut.push('…');
    }
    format!("\"{}\"", visible(&cut))
}

/// `text` as it is (JSON stays JSON: no `\"` escaping), with control characters made
/// visible as escapes (`\n`, `\r`, `\t`, else `\u{1b}`) so nothing is hidden and it stays on
/// one line.
pub fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly
mod tests {
    use super::*;

    fn event(kind: EventKind, dir: Option<Dir>) -> Event {
        Event {
            t_us: 0,
            conn: Some(0),
            dir,
            span: None,
            kind,
        }
    }

    #[test]
    fn text_is_shown_as_it_is_with_control_characters_visible() {
        let text = |t: &str| EventKind::WsMessage {
            opcode: 1,
            fragments: 1,
            compressed: false,
            payload_len: t.len() as u64,
            wire_payload_len: None,
            text: Some(t.into()),
            data_b64: None,
            close_code: None,
            close_reason: None,
        };
        let json = r#"{"type":"quote","symbol":"ACME"}"#;
        assert_eq!(
            summary(&event(text(json), Some(Dir::S2c)), crate::lang::Lang::En),
            format!("text \"{json}\" (32 B)")
        );
        assert_eq!(
            summary(
                &event(text("a\nb\r\tc\u{1b}"), Some(Dir::S2c)),
                crate::lang::Lang::En
            ),
            "text \"a\\nb\\r\\tc\\u{1b}\" (7 B)"
        );
        assert_eq!(visible("plain ✓ text"), "plain ✓ text");
    }

    #[test]
    fn response_summary_names_status() {
        let e = event(
            EventKind::HttpResponse {
                status: 101,
                reason: "Switching Protocols".into(),
                version: "HTTP/1.1".into(),
                headers: vec![],
                head_len: 100,
                body_len: 0,
                chunked_overhead: None,
            },
            Some(Dir::S2c),
        );
        assert_eq!(
            summary(&e, crate::lang::Lang::En),
            "HTTP/1.1 101 Switching Protocols"
        );
    }

    #[test]
    fn close_summary_has_code_name_and_reason() {
        let e = event(
            EventKind::WsMessage {
                opcode: 8,
                fragments: 1,
                compressed: false,
                payload_len: 5,
                wire_payload_len: None,
                text: None,
                data_b64: None,
                close_code: Some(1000),
                close_reason: Some("bye".into()),
            },
            Some(Dir::C2s),
        );
        assert_eq!(
            summary(&e, crate::lang::Lang::En),
            "close 1000 Normal Closure \"bye\""
        );
    }

    fn request(headers: &[(&str, &str)]) -> Event {
        event(
            EventKind::HttpRequest {
                method: "GET".into(),
                target: "/".into(),
                version: "HTTP/1.1".into(),
                headers: headers
                    .iter()
                    .map(|(n, v)| (n.to_string(), v.to_string()))
                    .collect(),
                head_len: 100,
                body_len: 0,
                chunked_overhead: None,
            },
            Some(Dir::C2s),
        )
    }

    #[test]
    fn an_h2c_upgrade_is_not_called_websocket() {
        let n = note(
            &request(&[
                ("Upgrade", "h2c"),
                ("Connection", "Upgrade, HTTP2-Settings"),
            ]),
            crate::lang::Lang::En,
        )
        .unwrap();
        assert!(n.contains("to h2c"), "{n}");
        assert!(n.contains("not a WebSocket upgrade"), "{n}");
        assert!(!n.contains("version 13"), "{n}");
    }

    #[test]
    fn a_websocket_upgrade_note_names_only_what_is_present() {
        let n = note(
            &request(&[("Upgrade", "websocket"), ("Connection", "Upgrade")]),
            crate::lang::Lang::En,
        )
        .unwrap();
        assert!(n.contains("to WebSocket (RFC 6455 §4.1)"), "{n}");
        assert!(n.contains("Connection: Upgrade"), "{n}");
        assert!(!n.contains("Sec-WebSocket-Key"), "{n}");
        assert!(!n.contains("version"), "{n}");
        let full = note(
            &request(&[
                ("Upgrade", "websocket"),
                ("Connection", "Upgrade"),
                ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
                ("Sec-WebSocket-Version", "13"),
            ]),
            crate::lang::Lang::En,
        )
        .unwrap();
        assert!(full.contains("Sec-WebSocket-Key"), "{full}");
        assert!(full.contains("version 13"), "{full}");
    }

    fn upgrade_check(valid: bool) -> Event {
        event(
            EventKind::WsUpgradeCheck {
                key: "dGhlIHNhbXBsZSBub25jZQ==".into(),
                expected_accept: "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=".into(),
                accept: Some(
                    if valid {
                        "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
                    } else {
                        "wrong"
                    }
                    .into(),
                ),
                valid,
                protocol: None,
            },
            Some(Dir::S2c),
        )
    }

    #[test]
    fn only_a_passed_upgrade_check_says_the_connection_speaks_websocket() {
        let response = event(
            EventKind::HttpResponse {
                status: 101,
                reason: "Switching Protocols".into(),
                version: "HTTP/1.1".into(),
                headers: vec![],
                head_len: 100,
                body_len: 0,
                chunked_overhead: None,
            },
            Some(Dir::S2c),
        );
        let on_101 = note(&response, crate::lang::Lang::En).unwrap();
        assert!(!on_101.contains("speaks WebSocket"), "{on_101}");
        assert!(on_101.contains("only if it matches"), "{on_101}");
        let passed = note(&upgrade_check(true), crate::lang::Lang::En).unwrap();
        assert!(passed.contains("speaks WebSocket"), "{passed}");
        let failed = note(&upgrade_check(false), crate::lang::Lang::En).unwrap();
        assert!(!failed.contains("speaks WebSocket"), "{failed}");
        assert!(
            failed.contains("MUST fail the WebSocket connection"),
            "{failed}"
        );
    }

    #[test]
    fn the_close_note_says_the_server_normally_closes_first() {
        let close = event(
            EventKind::WsMessage {
                opcode: 8,
                fragments: 1,
                compressed: false,
                payload_len: 2,
                wire_payload_len: None,
                text: None,
                data_b64: None,
                close_code: Some(1000),
                close_reason: Some(String::new()),
            },
            Some(Dir::C2s),
        );
        let n = note(&close, crate::lang::Lang::En).unwrap();
        assert!(n.contains("normally the server closes"), "{n}");
        assert!(n.contains("MAY close"), "{n}");
    }

    #[test]
    fn long_text_is_shortened_and_escaped() {
        let q = quote(&format!("a\nb{}", "x".repeat(100)));
        assert!(q.starts_with("\"a\\nb"));
        assert!(q.ends_with("…\""));
    }
}
