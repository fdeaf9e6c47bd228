//! Notes on HTTP/1.x connections and bodies (RFC 9112): an HTTP/1.0 request, which closes its
//! connection after the response (§9.3); a later request on a persistent connection, which
//! pays no new TCP handshake (§9.3); and how a request body is framed (§6: `Content-Length`,
//! RFC 9110 §8.6, or chunked, §7.1).

use crate::lang::Lang;
use crate::proto::cite;
use crate::proto::http::Headers;
use crate::trace::{Dir, Event, EventKind};

/// The note for a request, from the request alone; `None` for the ones with nothing to add.
pub(super) fn note(kind: &EventKind, lang: Lang) -> Option<String> {
    let EventKind::HttpRequest {
        version,
        headers,
        body_len,
        chunked_overhead,
        ..
    } = kind
    else {
        return None;
    };
    let headers = Headers::new(headers);
    let mut parts = Vec::new();
    if version == "HTTP/1.0" && !headers.contains("connection", "keep-alive") {
        parts.push(match lang {
            Lang::En => format!(
                "An HTTP/1.0 request without Connection: keep-alive: the connection closes after \
                 the response ({}), so every request opens a new TCP connection and pays its \
                 handshake.",
                cite::RFC9112_9_3
            ),
            Lang::Zh => format!(
                "一个没有 Connection: keep-alive 的 HTTP/1.0 请求：响应之后连接就关闭（{}），所以\
                 每个请求都要新开一条 TCP 连接，付出一次三次握手的代价。",
                cite::RFC9112_9_3
            ),
        });
    }
    match (chunked_overhead, lang) {
        (Some(overhead), Lang::En) => parts.push(format!(
            "The body is chunked (Transfer-Encoding: chunked), for a body whose length is not \
             known when sending starts: each chunk is its size in hex, CRLF, the data and CRLF, \
             and a chunk of size 0 ends the body ({}); here {overhead} of the {body_len} body \
             bytes are chunk framing.",
            cite::RFC9112_7_1
        )),
        (Some(overhead), Lang::Zh) => parts.push(format!(
            "消息体采用分块传输（Transfer-Encoding: chunked），用于开始发送时还不知道长度的消息体：\
             每块是十六进制的块大小、CRLF、数据和 CRLF，大小为 0 的块结束消息体（{}）；这里 \
             {body_len} 字节消息体中有 {overhead} 字节是分块格式。",
            cite::RFC9112_7_1
        )),
        (None, Lang::En) if *body_len > 0 => parts.push(format!(
            "The body is framed by Content-Length: {body_len} bytes follow the head, no more \
             ({}, {}).",
            cite::RFC9110_8_6,
            cite::RFC9112_6_3
        )),
        (None, Lang::Zh) if *body_len > 0 => parts.push(format!(
            "消息体由 Content-Length 界定：首部之后正好跟着 {body_len} 字节，不多不少（{}、{}）。",
            cite::RFC9110_8_6,
            cite::RFC9112_6_3
        )),
        (None, _) => {}
    }
    let sep = match lang {
        Lang::En => " ",
        Lang::Zh => "",
    };
    (!parts.is_empty()).then(|| parts.join(sep))
}

/// The note for a request that follows others on the same connection (in `before`).
pub(super) fn note_in(before: &[Event], event: &Event, lang: Lang) -> Option<String> {
    let EventKind::HttpRequest { version, .. } = &event.kind else {
        return None;
    };
    if event.dir != Some(Dir::C2s) || version == "HTTP/1.0" {
        return None;
    }
    let conn = event.conn?;
    let earlier = before
        .iter()
        .filter(|e| e.conn == Some(conn) && matches!(e.kind, EventKind::HttpRequest { .. }))
        .count();
    (earlier > 0).then(|| match lang {
        Lang::En => format!(
            "Request {} on this TCP connection: an HTTP/1.1 connection persists after a response \
             unless a Connection: close says otherwise ({}), so this request needs no new TCP \
             handshake.",
            earlier + 1,
            cite::RFC9112_9_3
        ),
        Lang::Zh => format!(
            "这是这条 TCP 连接上的第 {} 个请求：除非有 Connection: close，HTTP/1.1 连接在响应之后\
             仍然保持（{}），所以这个请求不需要新的 TCP 握手。",
            earlier + 1,
            cite::RFC9112_9_3
        ),
    })
}
