//! Notes that need the events before one: a request the server held before answering (long
//! polling, RFC 6202 §2) and a response body that kept coming after its head (HTTP streaming,
//! RFC 6202 §3). Only earlier events are read, so a live view can write the note as the
//! event arrives.

use super::format_duration_us;
use crate::lang::Lang;
use crate::proto::cite;
use crate::proto::http::Headers;
use crate::trace::{Dir, Event, EventKind};

/// A wait this long between a request and its response, or between a response's head and the
/// end of its body, is worth a note: far above a round trip on loopback or a LAN and above a
/// handler that answers at once. The notes say what would make it long polling or streaming,
/// so a merely slow server is not mislabelled.
pub const LONG_WAIT_US: i64 = 250_000;

/// The note for `event` that depends on `before` (the trace's events before it), if any.
pub(super) fn note(before: &[Event], event: &Event, lang: Lang) -> Option<String> {
    let conn = event.conn?;
    match &event.kind {
        EventKind::HttpResponse {
            status, headers, ..
        } if *status >= 200 && !Headers::new(headers).has_media_type("text/event-stream") => {
            let request = request_answered(before, conn)?;
            let wait = event.t_us.saturating_sub(request.t_us);
            (wait >= LONG_WAIT_US).then(|| held(wait, lang))
        }
        EventKind::HttpBodyEnd { .. } => {
            let head = before.iter().rev().find(|e| {
                e.conn == Some(conn)
                    && e.dir == event.dir
                    && matches!(e.kind, EventKind::HttpResponse { .. })
            })?;
            let lasted = event.t_us.saturating_sub(head.t_us);
            (lasted >= LONG_WAIT_US).then(|| streamed(lasted, lang))
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

fn held(wait: i64, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "The server answered {} after the request. A server that holds each request open \
             until it has news (or a timeout runs out), answers, and gets the next request at \
             once is doing long polling. Each answer costs a whole response and a new request \
             with all their headers, and an event that happens while no request is waiting has \
             to wait for the next one ({}).",
            format_duration_us(wait),
            cite::RFC6202_2
        ),
        Lang::Zh => format!(
            "服务器在请求到达 {} 后才应答。如果服务器把每个请求都挂起，直到有新消息（或超时）才\
             应答，并立即收到下一个请求，这就是长轮询。每次应答都要付出一整个响应加一个新请求及其\
             全部首部的代价；在没有请求等待时发生的事件，要等到下一个请求到来（{}）。",
            format_duration_us(wait),
            cite::RFC6202_2
        ),
    }
}

fn streamed(lasted: i64, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "This body kept coming for {} after the response's head: HTTP streaming. The server \
             keeps one response open and sends each part as it is ready, in chunks or until it \
             closes the connection, so the client needs no new request per event; a proxy that \
             buffers the body can hold the parts back ({}).",
            format_duration_us(lasted),
            cite::RFC6202_3
        ),
        Lang::Zh => format!(
            "响应首部之后，这个消息体又持续到达了 {}：这是 HTTP 流。服务器让一个响应保持打开，每部分\
             准备好就发送（用分块，或一直发到关闭连接），所以客户端不必为每个事件发新请求；会缓冲\
             消息体的代理可能把这些部分扣住不发（{}）。",
            format_duration_us(lasted),
            cite::RFC6202_3
        ),
    }
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
        let held = note(&events[..1], &events[1], crate::lang::Lang::En).unwrap();
        assert!(
            held.contains("500") && held.contains("RFC 6202 §2"),
            "{held}"
        );
        // The second response answers the second request, 1 ms later.
        assert!(note(&events[..3], &events[3], crate::lang::Lang::En).is_none());
    }

    #[test]
    fn a_body_that_keeps_coming_is_streaming() {
        let end = EventKind::HttpBodyEnd {
            body_len: 10,
            complete: false,
            chunked_overhead: None,
        };
        let events = [at(0, Dir::S2c, response()), at(3_000_000, Dir::S2c, end)];
        let n = note(&events[..1], &events[1], crate::lang::Lang::En).unwrap();
        assert!(
            n.contains("HTTP streaming") && n.contains("RFC 6202 §3"),
            "{n}"
        );
    }
}
