//! One-line summaries and short side notes for events: the text on the timeline's arrows, in
//! the terminal and in accessibility labels. Pure.
//!
//! This folder is the one home of the texts the views show: summaries and notes (here), browser-API
//! marker texts (`api_label`), numbers (`format_count`, `format_bytes`, `format_duration_us`).

mod api;
pub mod compare;
mod failures;
mod http;
mod polling;
mod sse;
mod tcp;
mod title;
mod tls;
mod units;
mod ws;

pub use api::{api_label, http_api_label};
pub use polling::LONG_WAIT_US;
pub use title::kind_title;
pub use units::{counted, format_bytes, format_count, format_duration_us, format_time_us};

use super::{ApiObject, Dir, Event, EventKind, Observed, Side, TcpSegment};
use crate::lang::Lang;
use crate::proto::cite;
use crate::proto::http::Headers;
use crate::proto::ws::close::CloseCode;
use crate::proto::ws::frame::OpCode;

/// Longest quoted payload preview in a summary, in characters.
const PREVIEW_CHARS: usize = 80;

/// The one-line summary of an event, e.g. `GET /echo HTTP/1.1 (Upgrade: websocket)`,
/// `HTTP/1.1 101 Switching Protocols`, `text "Hello" (5 B)`, `close 1000 Normal Closure "bye"`.
pub fn summary(event: &Event) -> String {
    match &event.kind {
        EventKind::TcpConnect { observed } => {
            format!(
                "connect() returned: TCP connection open{}",
                observed_suffix(*observed)
            )
        }
        EventKind::TcpAccept { observed } => {
            format!("accept() returned{}", observed_suffix(*observed))
        }
        EventKind::TcpClose {
            observed,
            initiator,
        } => {
            let by = match initiator {
                Some(Side::Client) => " by the client",
                Some(Side::Server) => " by the server",
                None => "",
            };
            format!("TCP connection closed{by}{}", observed_suffix(*observed))
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
                line.push_str(&format!(" + {body_len} B body"));
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
                line.push_str(&format!(" + {body_len} B body"));
            }
            line
        }
        EventKind::WsUpgradeCheck {
            valid,
            accept,
            protocol,
            ..
        } => {
            let mut line = match (valid, accept) {
                (true, _) => "Sec-WebSocket-Accept matches ✓ WebSocket open".to_string(),
                (false, None) => "upgrade failed ✗ (no Sec-WebSocket-Accept)".to_string(),
                (false, Some(_)) => "upgrade failed ✗".to_string(),
            };
            if let Some(p) = protocol {
                line.push_str(&format!(", subprotocol {p}"));
            }
            line
        }
        EventKind::WsExtensions {
            offered,
            negotiated,
        } => {
            let offered = if offered.is_empty() {
                "none".to_string()
            } else {
                offered.join(", ")
            };
            let negotiated = if negotiated.is_empty() {
                "none".to_string()
            } else {
                negotiated.join(", ")
            };
            format!("extensions offered: {offered}; accepted: {negotiated}")
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
            flags.push(if *fin { "FIN" } else { "not FIN" });
            if *rsv1 {
                flags.push("RSV1");
            }
            flags.push(if *masked { "masked" } else { "unmasked" });
            format!(
                "frame {} {} {payload_len} B (header {header_len} B)",
                OpCode::from_u8(*opcode).name(),
                flags.join(" ")
            )
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
                OpCode::Text => match text {
                    Some(t) => format!("text {} ({payload_len} B)", quote(t)),
                    None => format!("text, not valid UTF-8 ({payload_len} B)"),
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
                    None => "close (no status code)".to_string(),
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
                line.push_str(&format!(" in {fragments} fragments"));
            }
            if *compressed {
                match wire_payload_len {
                    Some(wire) => line.push_str(&format!(", compressed ({wire} B on the wire)")),
                    None => line.push_str(", compressed"),
                }
            }
            line
        }
        EventKind::HttpBodyEnd {
            body_len,
            complete,
            chunked_overhead,
        } => {
            let mut line = if *complete {
                format!("body complete: {body_len} B")
            } else {
                format!("body cut short by the close: {body_len} B")
            };
            if let Some(overhead) = chunked_overhead {
                line.push_str(&format!(" ({overhead} B of chunk framing)"));
            }
            line
        }
        EventKind::TlsRecord { .. } => tls::summary(&event.kind).unwrap_or_default(),
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
        EventKind::SourceEvent { id, bytes } => compare::source_event(*id, *bytes, Lang::En),
        EventKind::ClientRead { total } => compare::client_read(*total, Lang::En),
        EventKind::Stage { index, label } => format!("stage {}: {label}", index + 1),
        EventKind::Diagnostic {
            severity, message, ..
        } => format!("{severity:?}: {message}"),
    }
}

/// A short explanation of what the event means, for side notes; `None` when the summary says it all.
pub fn note(event: &Event) -> Option<String> {
    // Every TCP event kind, packet or socket, has its note in `tcp` (RFC 9293).
    if let Some(text) = tcp::note(&event.kind, event.dir) {
        return Some(text);
    }
    // Event-stream responses and their events (WHATWG HTML §9.2) in `sse`.
    if let Some(text) = sse::note(&event.kind) {
        return Some(text);
    }
    // TLS records (RFC 8446) in `tls`.
    if let Some(text) = tls::note(&event.kind) {
        return Some(text);
    }
    // Deflate parameters, a 426's versions, fragments, pong and UTF-8 text in `ws`.
    if let Some(text) = ws::note(&event.kind, event.dir) {
        return Some(text);
    }
    // 1006 and an accept computed without the GUID in `failures`.
    if let Some(text) = failures::note(&event.kind) {
        return Some(text);
    }
    let text = match &event.kind {
        EventKind::HttpRequest {
            method,
            version,
            headers,
            ..
        } if Headers::new(headers).get("upgrade").is_some() => {
            return Some(upgrade_request_note(method, version, Headers::new(headers)));
        }
        EventKind::HttpResponse { status: 101, .. } => {
            return Some(format!(
                "101 Switching Protocols: the server agrees to switch to the protocol in its \
                 Upgrade header ({}). For WebSocket the client first checks Sec-WebSocket-Accept; \
                 only if it matches does the connection speak WebSocket ({}).",
                cite::RFC9110_15_2_2,
                cite::RFC6455_4_1
            ));
        }
        EventKind::WsUpgradeCheck { valid: true, .. } => {
            return Some(format!(
                "Sec-WebSocket-Accept = base64(SHA-1(key + 258EAFA5-E914-47DA-95CA-C5AB0DC85B11)) \
                 matches: from the byte after the 101's head on, this TCP connection speaks \
                 WebSocket in both directions ({}). The check proves the server read this \
                 handshake: not authentication or encryption, but it keeps non-WebSocket \
                 servers, caches and HTML form or XHR exchanges from being taken for WebSocket ({}).",
                cite::RFC6455_4_2_2,
                cite::RFC6455_1_3
            ));
        }
        EventKind::WsUpgradeCheck { valid: false, .. } => {
            return Some(format!(
                "The upgrade check failed (Sec-WebSocket-Accept missing or wrong, or \
                 Upgrade/Connection missing): the client MUST fail the WebSocket connection, and \
                 the bytes that follow are not WebSocket ({}).",
                cite::RFC6455_4_1
            ));
        }
        EventKind::WsFrame { masked: true, .. } if event.dir == Some(Dir::C2s) => {
            return Some(format!(
                "Client-to-server frames are masked with a fresh 4-byte key ({}), so that \
                 proxies cannot be tricked by attacker-chosen bytes ({}).",
                cite::RFC6455_5_3,
                cite::RFC6455_10_3
            ));
        }
        EventKind::WsMessage { opcode: 0x9, .. } => {
            return Some(format!(
                "A ping; the other side must answer with a pong carrying the same data, unless \
                 it already received a close frame ({}).",
                cite::RFC6455_5_5_2
            ));
        }
        EventKind::WsMessage {
            opcode: 0x8,
            close_code,
            close_reason,
            ..
        } => {
            let close = format!(
                "A close frame starts or answers the closing handshake ({}); after both sides \
                 sent one, normally the server closes the TCP connection first (a SHOULD, {}); \
                 the client MAY close it after sending and receiving Close.",
                cite::RFC6455_5_5_1,
                cite::RFC6455_7_1_1
            );
            // A failure's code says which rule was broken, before the general part.
            return Some(
                match close_code
                    .and_then(|code| failures::close_code(code, close_reason.as_deref()))
                {
                    Some(failure) => format!("{failure} {close}"),
                    None => close,
                },
            );
        }
        EventKind::HttpRequest { .. } => return http::note(&event.kind),
        EventKind::HttpBodyEnd { .. } => {
            "The end of a body whose message was shown as soon as its head arrived (an event \
             stream, or a body that runs until the connection closes)."
        }
        EventKind::Api { object, fires, .. } => return Some(api_note(*object, fires.as_deref())),
        _ => return None,
    };
    Some(text.to_string())
}

/// The note of a browser-API event: what the object is, that it is inferred, and the rule.
fn api_note(object: ApiObject, fires: Option<&str>) -> String {
    match (object, fires) {
        (ApiObject::WebSocket, Some("close")) => format!(
            "Inferred from the wire (WHATWG WebSockets): close fires when the WebSocket \
             connection is closed, which {} defines as the underlying TCP connection being \
             closed; for the client, when its own side closes: in answer to the server's FIN \
             (after the closing handshake the server closes first, {}), or first. A capture \
             shows it at the client's FIN; the socket tap, which sees no FIN, at the server's close.",
            cite::RFC6455_7_1_4,
            cite::RFC6455_7_1_1
        ),
        (ApiObject::WebSocket, _) => "What a browser's WebSocket object would report, inferred \
             from the wire (WHATWG WebSockets). new WebSocket() runs before the TCP connect, so \
             it is CONNECTING from the connection's first event on."
            .to_string(),
        (ApiObject::Fetch, _) => format!(
            "What fetch() ({}) would report for this request, inferred from the wire, with the \
             readyState an XMLHttpRequest would have: the promise resolves with the Response \
             once its head arrived; reading the body finishes when the body ends, and fails \
             (TypeError, XHR onerror) if the connection ends first.",
            cite::WHATWGFETCH_5_6
        ),
        (ApiObject::EventSource, _) => format!(
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
    }
}

/// The note of `event` in its trace: [`note`], worded for what the trace holds (a socket
/// event's handshake packets captured beside it), plus what only the events `before` it show
/// (a request held before its answer, a body that kept coming: RFC 6202). `before` is every
/// event of the trace that precedes `event`, so a live view can call it as events arrive.
pub fn note_in(before: &[Event], event: &Event) -> Option<String> {
    let parts: Vec<String> = [
        tcp::note_in(before, event).or_else(|| note(event)),
        failures::note_in(before, event),
        http::note_in(before, event),
        polling::note(before, event),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// The note on a request with an Upgrade header: a WebSocket upgrade names what it carries
/// (only the parts present); any other protocol (e.g. `h2c`) is not WebSocket.
fn upgrade_request_note(method: &str, version: &str, headers: Headers<'_>) -> String {
    if !headers.contains("upgrade", "websocket") {
        let upgrade = headers.get("upgrade").unwrap_or_default();
        return format!(
            "A {method} {version} request that offers to switch this connection to {upgrade} if \
             the server agrees ({}); it is not a WebSocket upgrade.",
            cite::RFC9110_7_8
        );
    }
    let mut parts = vec!["Upgrade: websocket".to_string()];
    if headers.contains("connection", "upgrade") {
        parts.push("Connection: Upgrade".to_string());
    }
    if headers.get("sec-websocket-key").is_some() {
        parts.push("a random key in Sec-WebSocket-Key (base64 of 16 bytes)".to_string());
    }
    if let Some(v) = headers.get("sec-websocket-version") {
        parts.push(format!("version {v}"));
    }
    format!(
        "A {method} {version} request that asks to switch this connection to WebSocket ({}): {}.",
        cite::RFC6455_4_1,
        parts.join(", ")
    )
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

fn observed_suffix(observed: Observed) -> &'static str {
    match observed {
        Observed::Socket => " (observed at the socket)",
        Observed::Packet => "",
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
            summary(&event(text(json), Some(Dir::S2c))),
            format!("text \"{json}\" (32 B)")
        );
        assert_eq!(
            summary(&event(text("a\nb\r\tc\u{1b}"), Some(Dir::S2c))),
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
        assert_eq!(summary(&e), "HTTP/1.1 101 Switching Protocols");
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
        assert_eq!(summary(&e), "close 1000 Normal Closure \"bye\"");
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
        let n = note(&request(&[
            ("Upgrade", "h2c"),
            ("Connection", "Upgrade, HTTP2-Settings"),
        ]))
        .unwrap();
        assert!(n.contains("to h2c"), "{n}");
        assert!(n.contains("not a WebSocket upgrade"), "{n}");
        assert!(!n.contains("version 13"), "{n}");
    }

    #[test]
    fn a_websocket_upgrade_note_names_only_what_is_present() {
        let n = note(&request(&[
            ("Upgrade", "websocket"),
            ("Connection", "Upgrade"),
        ]))
        .unwrap();
        assert!(n.contains("to WebSocket (RFC 6455 §4.1)"), "{n}");
        assert!(n.contains("Connection: Upgrade"), "{n}");
        assert!(!n.contains("Sec-WebSocket-Key"), "{n}");
        assert!(!n.contains("version"), "{n}");
        let full = note(&request(&[
            ("Upgrade", "websocket"),
            ("Connection", "Upgrade"),
            ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
            ("Sec-WebSocket-Version", "13"),
        ]))
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
        let on_101 = note(&response).unwrap();
        assert!(!on_101.contains("speaks WebSocket"), "{on_101}");
        assert!(on_101.contains("only if it matches"), "{on_101}");
        let passed = note(&upgrade_check(true)).unwrap();
        assert!(passed.contains("speaks WebSocket"), "{passed}");
        let failed = note(&upgrade_check(false)).unwrap();
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
        let n = note(&close).unwrap();
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
