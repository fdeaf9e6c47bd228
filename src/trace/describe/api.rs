//! The texts of the browser-API lane: what a `WebSocket`, `fetch()` or `EventSource` object
//! would report. Pure.

use super::ready_state_name;
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
) -> String {
    let state = format!(
        "readyState {ready_state} {}",
        object.state_name(ready_state)
    );
    match (object, fires) {
        (ApiObject::Fetch, None) => format!("fetch() pending (XHR {state})"),
        (ApiObject::Fetch, Some("response")) => format!(
            "fetch() resolves: Response {} (headers)",
            data.map_or_else(
                || code.map_or("?".into(), |c| c.to_string()),
                str::to_string
            )
        ),
        (ApiObject::Fetch, Some(f)) => format!("{} · on{f} (XHR {state})", data.unwrap_or("done")),
        (ApiObject::EventSource, None) => match last_event_id {
            Some(id) => format!(
                "EventSource reconnects, Last-Event-ID {}: {state}",
                preview(id, 20)
            ),
            None if ready_state == 0 => format!("new EventSource(): {state}"),
            None => format!("close(): {state}"),
        },
        (ApiObject::EventSource, Some(kind)) if data.is_some() => {
            let on = if kind == "message" {
                "onmessage".to_string()
            } else {
                format!("{} event", preview(kind, 20))
            };
            format!(
                "{on} lastEventId {}: {}",
                preview(last_event_id.unwrap_or(""), 20),
                preview(data.unwrap_or(""), 20)
            )
        }
        (ApiObject::EventSource, Some("error")) if ready_state == 0 => {
            format!("onerror · {state}: the stream ended, it reconnects")
        }
        (ApiObject::EventSource, Some("error")) => format!(
            "onerror · {state}: {} is not a 200 text/event-stream, no reconnect",
            code.map_or("the response".to_string(), |c| format!("status {c}"))
        ),
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
                None
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
                Some("6")
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
                Some("")
            ),
            "\"price\" event lastEventId \"\": \"x\""
        );
        assert_eq!(
            http_api_label(ApiObject::EventSource, 0, Some("error"), None, None, None),
            "onerror · readyState 0 CONNECTING: the stream ended, it reconnects"
        );
    }
}
