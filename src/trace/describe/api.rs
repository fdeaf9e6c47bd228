//! The texts of the browser-API lane: what a `WebSocket` object would report. Pure.

use super::ready_state_name;

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
    }
}
