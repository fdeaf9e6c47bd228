//! Notes for server-sent events (WHATWG HTML §9.2): the `text/event-stream` response that
//! carries them and each event the stream dispatched, written from the event's own fields.

use crate::lang::Lang;
use crate::proto::cite;
use crate::proto::http::Headers;
use crate::trace::EventKind;

/// The note for an event-stream response or one of its events, in `lang`, or `None` for
/// anything else.
pub(super) fn note(kind: &EventKind, lang: Lang) -> Option<String> {
    match kind {
        EventKind::HttpResponse { headers, .. }
            if Headers::new(headers).has_media_type("text/event-stream") =>
        {
            Some(stream(lang))
        }
        EventKind::SseEvent {
            id,
            event,
            data,
            retry,
        } => Some(event_note(
            id.as_deref(),
            event.as_deref(),
            data,
            *retry,
            lang,
        )),
        _ => None,
    }
}

fn stream(lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "A text/event-stream response: server-sent events, a form of HTTP streaming ({}). \
             The server keeps the response open and writes each event when it happens, as UTF-8 \
             lines ({}): \"data: …\" (several data lines are joined with a newline), \"event: …\" \
             (the event's type), \"id: …\" (the last event ID), \"retry: …\" (the reconnection \
             time in milliseconds); a line starting with \":\" is a comment. A blank line ends \
             the event and dispatches it to the page's EventSource; a block without a data line \
             is not dispatched ({}). If the connection drops, EventSource waits the \
             reconnection time, connects again and sends the last event ID in a Last-Event-ID \
             header ({}, {}), so the server can resume after it.",
            cite::RFC6202_3,
            cite::WHATWGHTML_9_2_5,
            cite::WHATWGHTML_9_2_6,
            cite::WHATWGHTML_9_2_3,
            cite::WHATWGHTML_9_2_4
        ),
        Lang::Zh => format!(
            "一个 text/event-stream 响应：服务器推送事件（SSE），是 HTTP 流的一种形式（{}）。服务器\
             让响应一直保持打开，每发生一个事件就写出来，格式是 UTF-8 文本行（{}）：\"data: …\"\
             （多行 data 用换行连接）、\"event: …\"（事件类型）、\"id: …\"（最后事件 ID）、\
             \"retry: …\"（以毫秒计的重连时间）；以 \":\" 开头的行是注释。一个空行结束事件，并把它\
             派发给页面的 EventSource；没有 data 行的块不会被派发（{}）。连接断开时，EventSource \
             等待重连时间后重新连接，并在 Last-Event-ID 首部中带上最后事件 ID（{}、{}），服务器\
             就能从那之后继续。",
            cite::RFC6202_3,
            cite::WHATWGHTML_9_2_5,
            cite::WHATWGHTML_9_2_6,
            cite::WHATWGHTML_9_2_3,
            cite::WHATWGHTML_9_2_4
        ),
    }
}

fn event_note(
    id: Option<&str>,
    event: Option<&str>,
    data: &str,
    retry: Option<u64>,
    lang: Lang,
) -> String {
    let lines = data.split('\n').count();
    match lang {
        Lang::En => {
            let mut text = match event {
                Some(t) if t != "message" => format!(
                    "A server-sent event of type \"{t}\" (its event: field), dispatched by the \
                     blank line that ended it; only listeners added with \
                     addEventListener(\"{t}\") see it, not onmessage"
                ),
                Some(_) => "A server-sent event of type \"message\" (its event: field), \
                            dispatched by the blank line that ended it; onmessage sees it"
                    .to_string(),
                None => "A server-sent event, dispatched by the blank line that ended it; with \
                         no event: field its type is the default \"message\", so onmessage sees \
                         it"
                .to_string(),
            };
            text.push_str(&format!(
                ". MessageEvent.data is the {lines} data line(s) joined with newlines ({}).",
                cite::WHATWGHTML_9_2_6
            ));
            match id {
                Some(id) => text.push_str(&format!(
                    " Last event ID \"{id}\" (set by this or an earlier id: field, it stays \
                     until another replaces it): on a reconnect EventSource sends it as \
                     Last-Event-ID ({}).",
                    cite::WHATWGHTML_9_2_4
                )),
                None => {
                    text.push_str(" No id: field so far, so a reconnect sends no Last-Event-ID.")
                }
            }
            if let Some(ms) = retry {
                text.push_str(&format!(
                    " A retry: field set the reconnection time to {ms} ms: after a drop, \
                     EventSource waits that long before it connects again ({}).",
                    cite::WHATWGHTML_9_2_3
                ));
            }
            text
        }
        Lang::Zh => {
            let mut text = match event {
                Some(t) if t != "message" => format!(
                    "一个类型为 \"{t}\"（由 event: 字段指定）的服务器推送事件，由结束它的空行派发；\
                     只有用 addEventListener(\"{t}\") 添加的监听器能收到它，onmessage 收不到。"
                ),
                Some(_) => {
                    "一个类型为 \"message\"（由 event: 字段指定）的服务器推送事件，由结束它的\
                            空行派发；onmessage 能收到它。"
                        .to_string()
                }
                None => "一个服务器推送事件，由结束它的空行派发；没有 event: 字段，类型就是默认的 \
                         \"message\"，所以 onmessage 能收到它。"
                    .to_string(),
            };
            text.push_str(&format!(
                "MessageEvent.data 是这 {lines} 行 data 用换行连接起来的内容（{}）。",
                cite::WHATWGHTML_9_2_6
            ));
            match id {
                Some(id) => text.push_str(&format!(
                    "最后事件 ID 是 \"{id}\"（由这个或更早的 id: 字段设置，直到被新的替换前一直有效）：\
                     重连时 EventSource 把它作为 Last-Event-ID 发送（{}）。",
                    cite::WHATWGHTML_9_2_4
                )),
                None => text.push_str("到目前为止没有 id: 字段，所以重连时不会发送 Last-Event-ID。"),
            }
            if let Some(ms) = retry {
                text.push_str(&format!(
                    "retry: 字段把重连时间设为 {ms} ms：连接断开后，EventSource 等待这么久再重新连接\
                     （{}）。",
                    cite::WHATWGHTML_9_2_3
                ));
            }
            text
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly
mod tests {
    use super::*;

    #[test]
    fn event_notes_follow_the_fields() {
        let plain = event_note(None, None, "a\nb", None, crate::lang::Lang::En);
        assert!(plain.contains("default \"message\"") && plain.contains("2 data line(s)"));
        assert!(plain.contains("WHATWG HTML §9.2.6") && plain.contains("no Last-Event-ID"));
        let typed = event_note(
            Some("7"),
            Some("add"),
            "x",
            Some(3000),
            crate::lang::Lang::En,
        );
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
        assert!(
            note(
                &response("text/event-stream; charset=utf-8"),
                crate::lang::Lang::En
            )
            .is_some()
        );
        assert!(note(&response("text/html"), crate::lang::Lang::En).is_none());
    }
}
