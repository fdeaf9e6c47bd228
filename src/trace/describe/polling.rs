//! Notes that need the events before one: a request the server held before answering (long
//! polling, RFC 6202 §2) and a response body that kept coming after its head (HTTP streaming,
//! RFC 6202 §3). Only earlier events are read, so a live view can write the note as the
//! event arrives.

use super::format_duration_us;
use crate::proto::cite;
use crate::proto::http::Headers;
use crate::trace::{Dir, Event, EventKind};

/// A wait this long between a request and its response, or between a response's head and the
/// end of its body, is worth a note: far above a round trip on loopback or a LAN and above a
/// handler that answers at once. The notes say what would make it long polling or streaming,
/// so a merely slow server is not mislabelled.
pub const LONG_WAIT_US: i64 = 250_000;

/// The note for `event` that depends on `before` (the trace's events before it), if any.
pub(super) fn note(before: &[Event], event: &Event) -> Option<String> {
    let conn = event.conn?;
    match &event.kind {
        EventKind::HttpResponse {
            status, headers, ..
        } if *status >= 200 && !Headers::new(headers).has_media_type("text/event-stream") => {
            let request = request_answered(before, conn)?;
            let wait = event.t_us.saturating_sub(request.t_us);
            (wait >= LONG_WAIT_US).then(|| held(wait))
        }
        EventKind::HttpBodyEnd { .. } => {
            let head = before.iter().rev().find(|e| {
                e.conn == Some(conn)
                    && e.dir == event.dir
                    && matches!(e.kind, EventKind::HttpResponse { .. })
            })?;
            let lasted = event.t_us.saturating_sub(head.t_us);
            (lasted >= LONG_WAIT_US).then(|| streamed(lasted))
        }
        _ => None,
    }
}

/// The request a new final response on `conn` answers: HTTP/1.1 answers requests in the order
/// they came, so the n-th final response belongs to the n-th request.
fn request_answered(before: &[Event], conn: u32) -> Option<&Event> {
    let answered = before
        .iter()
        .filter(|e| e.conn == Some(conn))
        .filter(|e| matches!(e.kind, EventKind::HttpResponse { status, .. } if status >= 200))
        .count();
    before
        .iter()
        .filter(|e| {
            e.conn == Some(conn)
                && e.dir == Some(Dir::C2s)
                && matches!(e.kind, EventKind::HttpRequest { .. })
        })
        .nth(answered)
}

fn held(wait: i64) -> String {
    format!(
        "The server answered {} after the request. A server that holds each request open until \
         it has news (or a timeout runs out), answers, and gets the next request at once is doing \
         long polling. Each answer costs a whole response and a new request with all their headers, \
         and an event that happens while no request is waiting has to wait for the next one \
         ({}).",
        format_duration_us(wait),
        cite::RFC6202_2
    )
}

fn streamed(lasted: i64) -> String {
    format!(
        "This body kept coming for {} after the response's head: HTTP streaming. The server \
         keeps one response open and sends each part as it is ready, in chunks or until it \
         closes the connection, so the client needs no new request per event; a proxy that \
         buffers the body can hold the parts back ({}).",
        format_duration_us(lasted),
        cite::RFC6202_3
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly
mod tests {
    use super::*;

    fn at(t_us: i64, dir: Dir, kind: EventKind) -> Event {
        Event {
            t_us,
            conn: Some(0),
            dir: Some(dir),
            span: None,
            kind,
        }
    }

    fn request() -> EventKind {
        EventKind::HttpRequest {
            method: "GET".into(),
            target: "/longpoll".into(),
            version: "HTTP/1.1".into(),
            headers: vec![],
            head_len: 0,
            body_len: 0,
            chunked_overhead: None,
        }
    }

    fn response() -> EventKind {
        EventKind::HttpResponse {
            status: 200,
            reason: "OK".into(),
            version: "HTTP/1.1".into(),
            headers: vec![],
            head_len: 0,
            body_len: 0,
            chunked_overhead: None,
        }
    }

    #[test]
    fn a_held_request_is_noted_and_a_quick_answer_is_not() {
        let events = [
            at(0, Dir::C2s, request()),
            at(500_000, Dir::S2c, response()),
            at(501_000, Dir::C2s, request()),
            at(502_000, Dir::S2c, response()),
        ];
        let held = note(&events[..1], &events[1]).unwrap();
        assert!(
            held.contains("500") && held.contains("RFC 6202 §2"),
            "{held}"
        );
        // The second response answers the second request, 1 ms later.
        assert!(note(&events[..3], &events[3]).is_none());
    }

    #[test]
    fn a_body_that_keeps_coming_is_streaming() {
        let end = EventKind::HttpBodyEnd {
            body_len: 10,
            complete: false,
            chunked_overhead: None,
        };
        let events = [at(0, Dir::S2c, response()), at(3_000_000, Dir::S2c, end)];
        let n = note(&events[..1], &events[1]).unwrap();
        assert!(
            n.contains("HTTP streaming") && n.contains("RFC 6202 §3"),
            "{n}"
        );
    }
}
