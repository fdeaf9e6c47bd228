//! What a person calls an event's kind ("HTTP response", "WebSocket message (close)"), for
//! titles; the JSON tag (`http_response`) is for files, not for readers. Pure.

use crate::proto::tls;
use crate::proto::ws::frame::OpCode;
use crate::trace::{EventKind, Severity};

/// The kind of event in words, e.g. `WebSocket message (close)`, `end of HTTP body`.
pub fn kind_title(kind: &EventKind) -> String {
    match kind {
        EventKind::TcpConnect { .. } => "TCP connect".into(),
        EventKind::TcpAccept { .. } => "TCP accept".into(),
        EventKind::TcpClose { .. } => "TCP close".into(),
        EventKind::TcpSyn(_) => "TCP SYN packet".into(),
        EventKind::TcpSynAck(_) => "TCP SYN-ACK packet".into(),
        EventKind::TcpAck(_) => "TCP ACK packet".into(),
        EventKind::TcpFin(_) => "TCP FIN packet".into(),
        EventKind::TcpRst(_) => "TCP RST packet".into(),
        EventKind::HttpRequest { .. } => "HTTP request".into(),
        EventKind::HttpResponse { .. } => "HTTP response".into(),
        EventKind::HttpBodyEnd { .. } => "end of HTTP body".into(),
        EventKind::WsUpgradeCheck { .. } => "WebSocket upgrade check".into(),
        EventKind::WsExtensions { .. } => "WebSocket extensions".into(),
        EventKind::WsFrame { opcode, .. } => {
            format!("WebSocket frame ({})", OpCode::from_u8(*opcode).name())
        }
        EventKind::WsMessage { opcode, .. } => {
            format!("WebSocket message ({})", OpCode::from_u8(*opcode).name())
        }
        EventKind::SseEvent { .. } => "SSE event".into(),
        EventKind::TlsRecord { content_type, .. } => {
            format!("TLS record ({})", tls::content_type_name(*content_type))
        }
        EventKind::Api { .. } => "browser API (inferred)".into(),
        EventKind::SourceEvent { .. } => "event created at the source".into(),
        EventKind::ClientRead { .. } => "client read".into(),
        EventKind::Stage { .. } => "lab stage".into(),
        EventKind::Diagnostic { severity, .. } => match severity {
            Severity::Info => "note".into(),
            Severity::Warning => "warning".into(),
            Severity::Error => "error".into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_words_not_json_tags() {
        let close = EventKind::WsMessage {
            opcode: 0x8,
            fragments: 1,
            compressed: false,
            payload_len: 2,
            wire_payload_len: None,
            text: None,
            data_b64: None,
            close_code: Some(1000),
            close_reason: None,
        };
        assert_eq!(kind_title(&close), "WebSocket message (close)");
        let end = EventKind::HttpBodyEnd {
            body_len: 3,
            complete: true,
            chunked_overhead: None,
        };
        assert_eq!(kind_title(&end), "end of HTTP body");
    }
}
