//! Notes for the ways a WebSocket connection fails or is refused (RFC 6455): what each
//! failure close code says (§7.4.1) and which rule it goes with, a handshake refused with 400
//! (§4.2.1) or 403 (§4.2.2, §10.2), an accept value computed without the GUID, and 1006, the
//! code reported for a connection that ended without a close frame and never sent (§7.1.5).

use crate::proto::cite;
use crate::proto::http::Headers;
use crate::trace::{Dir, Event, EventKind};

/// The reason the lab's heartbeat gives when it closes for a missing pong.
const PING_TIMEOUT_REASON: &str = "ping timeout";

/// The note for an event in this module's scope that needs no earlier event, or `None`.
pub(super) fn note(kind: &EventKind) -> Option<String> {
    match kind {
        EventKind::Diagnostic {
            rule: Some(rule), ..
        } if *rule == cite::RFC6455_7_1_5.to_string() => Some(format!(
            "1006 (Abnormal Closure) is the code a WebSocket implementation reports to its \
             application, e.g. in the browser's close event, when the connection closed without a \
             close frame. It is never sent in a close frame: nothing on the wire says 1006 ({}, {}).",
            cite::RFC6455_7_1_5,
            cite::RFC6455_7_4_1
        )),
        EventKind::WsUpgradeCheck {
            key,
            accept: Some(accept),
            valid: false,
            ..
        } if *accept == without_guid(key) => Some(format!(
            "Here the server's value is base64(SHA-1(key)) with the GUID left out: the server \
             skipped a step of the derivation ({}). The client MUST fail the WebSocket \
             connection ({}): the connection was never established, so it sends no close frame \
             and no data, and closes the TCP connection ({}).",
            cite::RFC6455_4_2_2,
            cite::RFC6455_4_1,
            cite::RFC6455_7_1_7
        )),
        _ => None,
    }
}

/// What a close frame's code says about a failure, to go before the general close note; `None`
/// for the codes of an ordinary close.
pub(super) fn close_code(code: u16, reason: Option<&str>) -> Option<String> {
    Some(match code {
        1002 => format!(
            "1002 (Protocol Error): the sender is failing the connection because the other side \
             broke a framing rule. One such rule: a server MUST close the connection on a client \
             frame that is not masked, and MAY say so with 1002 ({}, {}).",
            cite::RFC6455_5_1,
            cite::RFC6455_7_4_1
        ),
        1007 => format!(
            "1007 (Invalid Frame Payload Data): the sender received data inconsistent with the \
             message's type, such as text that is not UTF-8; an endpoint that finds invalid UTF-8 \
             MUST fail the connection ({}, {}).",
            cite::RFC6455_8_1,
            cite::RFC6455_7_4_1
        ),
        1009 => format!(
            "1009 (Message Too Big): the sender received a message too big for it to process \
             ({}). RFC 6455 sets no size limit of its own: each implementation protects its own \
             limits ({}), so the same message may be fine for another receiver.",
            cite::RFC6455_7_4_1,
            cite::RFC6455_10_4
        ),
        1011 if reason == Some(PING_TIMEOUT_REASON) => format!(
            "1011 (Internal Error), the lab heartbeat's choice when no pong came in time. RFC \
             6455 gives a ping two uses, a keepalive and a check that the peer still answers, \
             and requires a pong in answer ({}), but defines no timeout and no close code for \
             one; 1011 says an unexpected condition kept the sender from fulfilling the request \
             ({}). The server then fails the connection: it closes TCP without waiting for a \
             close reply that an unresponsive peer would not send ({}).",
            cite::RFC6455_5_5_2,
            cite::RFC6455_7_4_1,
            cite::RFC6455_7_1_7
        ),
        1011 => format!(
            "1011 (Internal Error): the sender met an unexpected condition that kept it from \
             fulfilling the request ({}).",
            cite::RFC6455_7_4_1
        ),
        _ => return None,
    })
}

/// The note for a refused handshake, which needs the request it answers (in `before`).
pub(super) fn note_in(before: &[Event], event: &Event) -> Option<String> {
    let EventKind::HttpResponse { status, .. } = &event.kind else {
        return None;
    };
    if !matches!(status, 400 | 403) || event.dir != Some(Dir::S2c) {
        return None;
    }
    let conn = event.conn?;
    let headers = before.iter().rev().find_map(|e| match &e.kind {
        EventKind::HttpRequest { headers, .. } if e.conn == Some(conn) => Some(headers),
        _ => None,
    })?;
    let request = Headers::new(headers);
    let handshake_like = request.get("sec-websocket-key").is_some()
        || request.get("sec-websocket-version").is_some()
        || request.contains("upgrade", "websocket");
    if !handshake_like {
        return None;
    }
    if *status == 403 {
        let origin = request.get("origin").map_or(String::new(), |o| {
            format!(" The request came from a page of {o}.")
        });
        return Some(format!(
            "403 Forbidden to a WebSocket handshake: the server does not want this connection, \
             and a server that does not MUST answer with an HTTP error such as 403 and abort the \
             handshake, e.g. after checking the page's origin ({}).{origin} Origin exists \
             so that servers can refuse pages of other sites: a browser sends the origin of the \
             script that opens the connection and the script cannot change it. A non-browser \
             client can send any Origin, so the check protects against pages in browsers, not \
             against other clients ({}).",
            cite::RFC6455_4_2_2,
            cite::RFC6455_10_2
        ));
    }
    let missing: Vec<&str> = [
        (!request.contains("upgrade", "websocket")).then_some("Upgrade: websocket"),
        (!request.contains("connection", "upgrade")).then_some("Connection: Upgrade"),
        request
            .get("sec-websocket-key")
            .is_none()
            .then_some("Sec-WebSocket-Key"),
        request
            .get("sec-websocket-version")
            .is_none()
            .then_some("Sec-WebSocket-Version"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let what = if missing.is_empty() {
        "it does not match what a handshake must carry".to_string()
    } else {
        format!("it lacks {}", missing.join(", "))
    };
    Some(format!(
        "400 Bad Request to a WebSocket handshake: {what}, so the server stops processing it and \
         answers with an error such as 400 ({}). No switch took place: the connection is still \
         HTTP and may carry more requests.",
        cite::RFC6455_4_2_1
    ))
}

/// base64(SHA-1(key)), the accept value without the GUID.
fn without_guid(key: &str) -> String {
    use base64::Engine as _;
    use sha1::Digest as _;
    base64::engine::general_purpose::STANDARD.encode(sha1::Sha1::digest(key.trim().as_bytes()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::proto::ws::handshake;

    #[test]
    fn the_guid_slip_is_recognised() {
        let key = "dGhlIHNhbXBsZSBub25jZQ==";
        let wrong = without_guid(key);
        assert_ne!(wrong, handshake::derive_accept(key).accept);
        let check = EventKind::WsUpgradeCheck {
            key: key.into(),
            expected_accept: handshake::derive_accept(key).accept,
            accept: Some(wrong),
            valid: false,
            protocol: None,
        };
        let n = note(&check).unwrap();
        assert!(n.contains("GUID left out"), "{n}");
        assert!(n.contains("sends no close frame"), "{n}");
    }

    #[test]
    fn only_failure_codes_get_a_failure_note() {
        assert!(close_code(1000, None).is_none());
        assert!(close_code(1002, None).unwrap().contains("masked"));
        assert!(close_code(1007, None).unwrap().contains("UTF-8"));
        assert!(close_code(1009, None).unwrap().contains("its own"));
        let timeout = close_code(1011, Some(PING_TIMEOUT_REASON)).unwrap();
        assert!(timeout.contains("no timeout"), "{timeout}");
        assert!(!close_code(1011, None).unwrap().contains("heartbeat"));
    }
}
