//! Notes for server-sent events (WHATWG HTML §9.2): the `text/event-stream` response that
//! carries them and each event the stream dispatched, written from the event's own fields.

use crate::proto::cite;
use crate::proto::http::Headers;
use crate::trace::EventKind;

/// The note for an event-stream response or one of its events, or `None` for anything else.
pub(super) fn note(kind: &EventKind) -> Option<String> {
    match kind {
        EventKind::HttpResponse { headers, .. }
            if Headers::new(headers).has_media_type("text/event-stream") =>
        {
            Some(stream())
        }
        EventKind::SseEvent {
            id,
            event,
            data,
            retry,
        } => Some(event_note(id.as_deref(), event.as_deref(), data, *retry)),
        _ => None,
    }
}

fn stream() -> String {
    format!(
        "A text/event-stream response: server-sent events, a form of HTTP streaming ({}). The \
         server keeps the response open and writes each event when it happens, as UTF-8 lines \
         ({}): \"data: …\" (several data \
         lines are joined with a newline), \"event: …\" (the event's type), \"id: …\" (the last \
         event ID), \"retry: …\" (the reconnection time in milliseconds); a line starting with \
         \":\" is a comment. A blank line ends the event and dispatches it to the page's \
         EventSource; a block without a data line is not dispatched ({}). If the connection drops, \
         EventSource waits the reconnection time, connects again and sends the last event ID in \
         a Last-Event-ID header ({}, {}), so the server can resume after it.",
        cite::RFC6202_3,
        cite::WHATWGHTML_9_2_5,
        cite::WHATWGHTML_9_2_6,
        cite::WHATWGHTML_9_2_3,
        cite::WHATWGHTML_9_2_4
    )
}

fn event_note(id: Option<&str>, event: Option<&str>, data: &str, retry: Option<u64>) -> String {
    let lines = data.split('\n').count();
    let mut text = match event {
        Some(t) if t != "message" => format!(
            "A server-sent event of type \"{t}\" (its event: field), dispatched by the blank line \
             that ended it; only listeners added with addEventListener(\"{t}\") see it, not \
             onmessage"
        ),
        Some(_) => "A server-sent event of type \"message\" (its event: field), dispatched by \
                    the blank line that ended it; onmessage sees it"
            .to_string(),
        None => "A server-sent event, dispatched by the blank line that ended it; with no event: \
                 field its type is the default \"message\", so onmessage sees it"
            .to_string(),
    };
    text.push_str(&format!(
        ". MessageEvent.data is the {lines} data line(s) joined with newlines ({}).",
        cite::WHATWGHTML_9_2_6
    ));
    match id {
        Some(id) => text.push_str(&format!(
            " Last event ID \"{id}\" (set by this or an earlier id: field, it stays until \
             another replaces it): on a reconnect EventSource sends it as Last-Event-ID ({}).",
            cite::WHATWGHTML_9_2_4
        )),
        None => text.push_str(" No id: field so far, so a reconnect sends no Last-Event-ID."),
    }
    if let Some(ms) = retry {
        text.push_str(&format!(
            " A retry: field set the reconnection time to {ms} ms: after a drop, EventSource \
             waits that long before it connects again ({}).",
            cite::WHATWGHTML_9_2_3
        ));
    }
    text
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly
mod tests {
    use super::*;

    #[test]
    fn event_notes_follow_the_fields() {
        let plain = event_note(None, None, "a\nb", None);
        assert!(plain.contains("default \"message\"") && plain.contains("2 data line(s)"));
        assert!(plain.contains("WHATWG HTML §9.2.6") && plain.contains("no Last-Event-ID"));
        let typed = event_note(Some("7"), Some("add"), "x", Some(3000));
        assert!(typed.contains("addEventListener(\"add\")"));
        assert!(typed.contains("Last event ID \"7\"") && typed.contains("WHATWG HTML §9.2.4"));
        assert!(typed.contains("3000 ms") && typed.contains("WHATWG HTML §9.2.3"));
    }

    #[test]
    fn only_an_event_stream_response_gets_the_stream_note() {
        let response = |ct: &str| EventKind::HttpResponse {
            status: 200,
            reason: "OK".into(),
            version: "HTTP/1.1".into(),
            headers: vec![("Content-Type".into(), ct.into())],
            head_len: 0,
            body_len: 0,
            chunked_overhead: None,
        };
        assert!(note(&response("text/event-stream; charset=utf-8")).is_some());
        assert!(note(&response("text/html")).is_none());
    }
}
