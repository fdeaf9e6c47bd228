//! What a person calls an event's kind ("HTTP response", "WebSocket message (close)"), for
//! titles; the JSON tag (`http_response`) is for files, not for readers. Pure.

use crate::lang::{Lang, Text};
use crate::proto::tls;
use crate::proto::ws::frame::OpCode;
use crate::trace::{EventKind, Severity};

/// The kind of event in words, in `lang`, e.g. `WebSocket message (close)`, `end of HTTP body`.
pub fn kind_title(kind: &EventKind, lang: Lang) -> String {
    let fixed = |en: &'static str, zh: &'static str| Text { en, zh }.get(lang).to_string();
    match kind {
        EventKind::TcpConnect { .. } => fixed("TCP connect", "TCP 连接（connect）"),
        EventKind::TcpAccept { .. } => fixed("TCP accept", "TCP 接受连接（accept）"),
        EventKind::TcpClose { .. } => fixed("TCP close", "TCP 关闭"),
        EventKind::TcpSyn(_) => fixed("TCP SYN packet", "TCP SYN 报文段"),
        EventKind::TcpSynAck(_) => fixed("TCP SYN-ACK packet", "TCP SYN-ACK 报文段"),
        EventKind::TcpAck(_) => fixed("TCP ACK packet", "TCP ACK 报文段"),
        EventKind::TcpFin(_) => fixed("TCP FIN packet", "TCP FIN 报文段"),
        EventKind::TcpRst(_) => fixed("TCP RST packet", "TCP RST 报文段"),
        EventKind::HttpRequest { .. } => fixed("HTTP request", "HTTP 请求"),
        EventKind::HttpResponse { .. } => fixed("HTTP response", "HTTP 响应"),
        EventKind::HttpBodyEnd { .. } => fixed("end of HTTP body", "HTTP 消息体结束"),
        EventKind::WsUpgradeCheck { .. } => fixed("WebSocket upgrade check", "WebSocket 升级检查"),
        EventKind::WsExtensions { .. } => fixed("WebSocket extensions", "WebSocket 扩展"),
        EventKind::WsFrame { opcode, .. } => {
            let op = OpCode::from_u8(*opcode).name();
            match lang {
                Lang::En => format!("WebSocket frame ({op})"),
                Lang::Zh => format!("WebSocket 帧（{op}）"),
            }
        }
        EventKind::WsMessage { opcode, .. } => {
            let op = OpCode::from_u8(*opcode).name();
            match lang {
                Lang::En => format!("WebSocket message ({op})"),
                Lang::Zh => format!("WebSocket 消息（{op}）"),
            }
        }
        EventKind::SseEvent { .. } => fixed("SSE event", "SSE 事件"),
        EventKind::TlsRecord { content_type, .. } => {
            let name = tls::content_type_name(*content_type);
            match lang {
                Lang::En => format!("TLS record ({name})"),
                Lang::Zh => format!("TLS 记录（{name}）"),
            }
        }
        EventKind::Api { .. } => fixed("browser API (inferred)", "浏览器 API（推断）"),
        EventKind::SourceEvent { .. } => fixed("event created at the source", "事件源产生的事件"),
        EventKind::ClientRead { .. } => fixed("client read", "客户端读取"),
        EventKind::Stage { .. } => fixed("lab stage", "实验步骤"),
        EventKind::Diagnostic { severity, .. } => match severity {
            Severity::Info => fixed("note", "说明"),
            Severity::Warning => fixed("warning", "警告"),
            Severity::Error => fixed("error", "错误"),
        },
    }
}

/// The lab's name for a connection it did not open, followed by the client's address (stored
/// in the trace in English).
pub const EXTERNAL_CLIENT: &str = "external client";

/// A lane's name (a connection's label as the lab stores it, in English) in `lang`: the lab's
/// own lane names and "external client ADDR" are read in Chinese; any other name is a name
/// and stays as it is.
pub fn lane_name(label: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return label.to_string();
    }
    if let Some(addr) = label.strip_prefix(EXTERNAL_CLIENT) {
        return format!("外部客户端{addr}");
    }
    let zh = match label {
        "client" => "客户端",
        "one frame" => "单帧",
        "two fragments" => "两个分片",
        "lab page" => "实验室页面",
        "other site" => "其他网站",
        "conn 1" => "连接 1",
        "conn 2" => "连接 2",
        "conn 3" => "连接 3",
        "no keep-alive" => "无 keep-alive",
        "page /echo" => "页面 /echo",
        "page /chat" => "页面 /chat",
        other => other,
    };
    zh.to_string()
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
        assert_eq!(
            kind_title(&close, crate::lang::Lang::En),
            "WebSocket message (close)"
        );
        let end = EventKind::HttpBodyEnd {
            body_len: 3,
            complete: true,
            chunked_overhead: None,
        };
        assert_eq!(kind_title(&end, crate::lang::Lang::En), "end of HTTP body");
    }

    #[test]
    fn lane_names_in_each_language() {
        use crate::lang::Lang;
        assert_eq!(lane_name("client", Lang::Zh), "客户端");
        assert_eq!(lane_name("client", Lang::En), "client");
        assert_eq!(
            lane_name("external client 127.0.0.1:5000", Lang::Zh),
            "外部客户端 127.0.0.1:5000"
        );
        // A name that is not the lab's stays as it is.
        assert_eq!(lane_name("alice", Lang::Zh), "alice");
    }
}
