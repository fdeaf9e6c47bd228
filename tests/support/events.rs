//! Reading a dissection's events the way the tests compare them.
#![allow(dead_code)] // each test file uses the part it needs

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use wirelab::trace::{Event, EventKind, Severity};

/// Each event's kind name, in order.
pub fn kinds(events: &[Event]) -> Vec<&'static str> {
    events.iter().map(|e| e.kind.name()).collect()
}

/// How many events are of kind `kind`.
pub fn count(events: &[Event], kind: &str) -> usize {
    events.iter().filter(|e| e.kind.name() == kind).count()
}

/// (severity, message, rule) of every diagnostic.
pub fn diagnostics(events: &[Event]) -> Vec<(Severity, String, Option<String>)> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Diagnostic {
                severity,
                message,
                rule,
                ..
            } => Some((*severity, message.clone(), rule.clone())),
            _ => None,
        })
        .collect()
}

/// The payload a `ws_message` event stands for: its text, its data (base64-decoded), or for a
/// close message its code and reason as on the wire. `None` for other events.
pub fn message_payload(kind: &EventKind) -> Option<Vec<u8>> {
    let EventKind::WsMessage {
        text,
        data_b64,
        close_code,
        close_reason,
        ..
    } = kind
    else {
        return None;
    };
    Some(match (text, data_b64) {
        (Some(t), _) => t.as_bytes().to_vec(),
        (None, Some(d)) => BASE64.decode(d).expect("our base64"),
        (None, None) => {
            let mut p = Vec::new();
            if let Some(c) = close_code {
                p.extend_from_slice(&c.to_be_bytes());
            }
            p.extend_from_slice(close_reason.as_deref().unwrap_or("").as_bytes());
            p
        }
    })
}
