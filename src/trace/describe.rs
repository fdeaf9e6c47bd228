//! One-line summaries of events (temporary: the full version lands with proto::ws).
use super::Event;

/// The one-line summary of an event.
pub fn summary(event: &Event) -> String {
    event.kind.name().to_string()
}

/// A short explanation of what the event means.
pub fn note(event: &Event) -> Option<String> {
    let _ = event;
    None
}

/// The name of a `readyState` value.
pub fn ready_state_name(state: u8) -> &'static str {
    match state {
        0 => "CONNECTING",
        1 => "OPEN",
        2 => "CLOSING",
        3 => "CLOSED",
        _ => "?",
    }
}
