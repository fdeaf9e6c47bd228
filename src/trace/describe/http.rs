//! Notes on HTTP/1.x connections and bodies (RFC 9112): an HTTP/1.0 request, which closes its
//! connection after the response (§9.3); a later request on a persistent connection, which
//! pays no new TCP handshake (§9.3); and how a request body is framed (§6: `Content-Length`,
//! RFC 9110 §8.6, or chunked, §7.1).

use crate::proto::cite;
use crate::proto::http::Headers;
use crate::trace::{Dir, Event, EventKind};

/// The note for a request, from the request alone; `None` for the ones with nothing to add.
pub(super) fn note(kind: &EventKind) -> Option<String> {
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
        parts.push(format!(
            "An HTTP/1.0 request without Connection: keep-alive: the connection closes after the \
             response ({}), so every request opens a new TCP connection and pays its handshake.",
            cite::RFC9112_9_3
        ));
    }
    match chunked_overhead {
        Some(overhead) => parts.push(format!(
            "The body is chunked (Transfer-Encoding: chunked), for a body whose length is not \
             known when sending starts: each chunk is its size in hex, CRLF, the data and CRLF, \
             and a chunk of size 0 ends the body ({}); here {overhead} of the {body_len} body \
             bytes are chunk framing.",
            cite::RFC9112_7_1
        )),
        None if *body_len > 0 => parts.push(format!(
            "The body is framed by Content-Length: {body_len} bytes follow the head, no more \
             ({}, {}).",
            cite::RFC9110_8_6,
            cite::RFC9112_6_3
        )),
        None => {}
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// The note for a request that follows others on the same connection (in `before`).
pub(super) fn note_in(before: &[Event], event: &Event) -> Option<String> {
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
    (earlier > 0).then(|| {
        format!(
            "Request {} on this TCP connection: an HTTP/1.1 connection persists after a response \
             unless a Connection: close says otherwise ({}), so this request needs no new TCP \
             handshake.",
            earlier + 1,
            cite::RFC9112_9_3
        )
    })
}
