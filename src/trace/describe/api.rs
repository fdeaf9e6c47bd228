//! The texts of the browser-API lane: what a `WebSocket`, `fetch()` or `EventSource` object
//! would report. Pure.

use super::ready_state_name;
use crate::lang::Lang;
use crate::trace::ApiObject;

/// A payload or reason, shortened to `max_chars` characters and quoted as it is (control
/// characters made visible, see [`super::visible`]).
fn preview(text: &str, max_chars: usize) -> String {
    let mut out: String = text.chars().take(max_chars).collect();
    if text.chars().nth(max_chars).is_some() {
        out.push('…');
    }
    format!("\"{}\"", super::visible(&out))
}

/// A fetch's outcome as the trace stores it (`body done, 69 B`, `body cut short after 12 B`, no
/// response,
/// written by the browser-API model in English), in Chinese; anything else as it is.
fn fetch_outcome_zh(data: &str) -> String {
    let bytes = |rest: &str| rest.strip_suffix(" B").map(str::to_string);
    if let Some(n) = data.strip_prefix("body done, ").and_then(bytes) {
        format!("消息体接收完毕，{n} B")
    } else if let Some(n) = data.strip_prefix("body cut short after ").and_then(bytes) {
        format!("消息体在 {n} B 后中断")
    } else if data == "no response: fetch() rejects with a TypeError" {
        "没有响应：fetch() 以 TypeError 拒绝".to_string()
    } else {
        data.to_string()
    }
}

/// The browser-API marker text, e.g. `onclose(1000, "bye", wasClean=true)`.
pub fn api_label(
    ready_state: u8,
    fires: Option<&str>,
    code: Option<u16>,
    reason: Option<&str>,
    was_clean: Option<bool>,
    data: Option<&str>,
) -> String {
    let state = format!("readyState {ready_state} {}", ready_state_name(ready_state));
    match fires {
        Some("close") => format!(
            "onclose({}, {}, wasClean={})",
            code.map_or("-".to_string(), |c| c.to_string()),
            preview(reason.unwrap_or(""), 20),
            was_clean.map_or("?".to_string(), |c| c.to_string())
        ),
        Some("message") => match data {
            Some(d) => format!("onmessage {}", preview(d, 20)),
            None => "onmessage".into(),
        },
        Some(other) => format!("on{other}"),
        None => state,
    }
}

/// The browser-API text of a `fetch()` or `EventSource` event (a `WebSocket`'s is
/// [`api_label`]), e.g. `fetch() resolves: Response 200 OK (headers)` or
/// `onmessage "tick" lastEventId "6"`.
pub fn http_api_label(
    object: ApiObject,
    ready_state: u8,
    fires: Option<&str>,
    code: Option<u16>,
    data: Option<&str>,
    last_event_id: Option<&str>,
    lang: Lang,
) -> String {
    let state = format!(
        "readyState {ready_state} {}",
        object.state_name(ready_state)
    );
    match (object, fires) {
        (ApiObject::Fetch, None) => match lang {
            Lang::En => format!("fetch() pending (XHR {state})"),
            Lang::Zh => format!("fetch() 等待中（XHR {state}）"),
        },
        (ApiObject::Fetch, Some("response")) => {
            let status = data.map_or_else(
                || code.map_or("?".into(), |c| c.to_string()),
                str::to_string,
            );
            match lang {
                Lang::En => format!("fetch() resolves: Response {status} (headers)"),
                Lang::Zh => format!("fetch() 兑现：Response {status}（首部）"),
            }
        }
        (ApiObject::Fetch, Some(f)) => match lang {
            Lang::En => format!("{} · on{f} (XHR {state})", data.unwrap_or("done")),
            Lang::Zh => format!(
                "{} · on{f}（XHR {state}）",
                data.map_or_else(|| "完成".to_string(), fetch_outcome_zh)
            ),
        },
        (ApiObject::EventSource, None) => match (last_event_id, lang) {
            (Some(id), Lang::En) => format!(
                "EventSource reconnects, Last-Event-ID {}: {state}",
                preview(id, 20)
            ),
            (Some(id), Lang::Zh) => format!(
                "EventSource 重连，Last-Event-ID {}：{state}",
                preview(id, 20)
            ),
            (None, _) if ready_state == 0 => format!("new EventSource(): {state}"),
            (None, _) => format!("close(): {state}"),
        },
        (ApiObject::EventSource, Some(kind)) if data.is_some() => {
            let on = match (kind == "message", lang) {
                (true, _) => "onmessage".to_string(),
                (false, Lang::En) => format!("{} event", preview(kind, 20)),
                (false, Lang::Zh) => format!("{} 事件", preview(kind, 20)),
            };
            format!(
                "{on} lastEventId {}: {}",
                preview(last_event_id.unwrap_or(""), 20),
                preview(data.unwrap_or(""), 20)
            )
        }
        (ApiObject::EventSource, Some("error")) if ready_state == 0 => match lang {
            Lang::En => format!("onerror · {state}: the stream ended, it reconnects"),
            Lang::Zh => format!("onerror · {state}：流结束了，它会重连"),
        },
        (ApiObject::EventSource, Some("error")) => match (code, lang) {
            (Some(c), Lang::En) => format!(
                "onerror · {state}: status {c} is not a 200 text/event-stream, no reconnect"
            ),
            (None, Lang::En) => format!(
                "onerror · {state}: the response is not a 200 text/event-stream, no reconnect"
            ),
            (Some(c), Lang::Zh) => {
                format!("onerror · {state}：状态码 {c} 不是 200 text/event-stream，不再重连")
            }
            (None, Lang::Zh) => {
                format!("onerror · {state}：响应不是 200 text/event-stream，不再重连")
            }
        },
        (_, Some(other)) => format!("on{other} · {state}"),
        (ApiObject::WebSocket, None) => state,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_texts() {
        assert_eq!(
            api_label(3, Some("close"), Some(1000), Some("bye"), Some(true), None),
            "onclose(1000, \"bye\", wasClean=true)"
        );
        assert_eq!(
            api_label(1, Some("message"), None, None, None, Some(&"x".repeat(30))),
            format!("onmessage \"{}…\"", "x".repeat(20))
        );
        assert_eq!(api_label(1, Some("open"), None, None, None, None), "onopen");
        assert_eq!(
            api_label(0, None, None, None, None, None),
            "readyState 0 CONNECTING"
        );
        assert_eq!(
            http_api_label(
                ApiObject::Fetch,
                2,
                Some("response"),
                Some(200),
                Some("200 OK"),
                None,
                crate::lang::Lang::En
            ),
            "fetch() resolves: Response 200 OK (headers)"
        );
        assert_eq!(
            http_api_label(
                ApiObject::EventSource,
                1,
                Some("message"),
                None,
                Some("x"),
                Some("6"),
                crate::lang::Lang::En
            ),
            "onmessage lastEventId \"6\": \"x\""
        );
        assert_eq!(
            http_api_label(
                ApiObject::EventSource,
                1,
                Some("price"),
                None,
                Some("x"),
                Some(""),
                crate::lang::Lang::En
            ),
            "\"price\" event lastEventId \"\": \"x\""
        );
        assert_eq!(
            http_api_label(
                ApiObject::EventSource,
                0,
                Some("error"),
                None,
                None,
                None,
                crate::lang::Lang::En
            ),
            "onerror · readyState 0 CONNECTING: the stream ended, it reconnects"
        );
    }
}
