//! The browser-API lane: where each connection's `readyState` changes (the state bands) and
//! the text of each marker, for a `WebSocket`, a `fetch()` or an `EventSource`. Inferred from
//! the wire, like the events it draws; each api event is drawn on its cause's row, so an
//! object's first state starts at the connection's first event (the SYN, or the connect).

use super::rows::{RowKind, Rows};
use crate::lang::Lang;
use crate::trace::{ApiObject, Event, EventKind, Trace, describe};

/// A connection's `readyState` from row `row` on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StateChange {
    /// The row where the state starts.
    pub row: usize,
    /// The state on a `WebSocket`'s scale ([`phase`]): 0 CONNECTING … 3 CLOSED.
    pub state: u8,
}

/// Where `ready_state` of `object` sits on a `WebSocket`'s scale (0 CONNECTING, 1 OPEN,
/// 2 CLOSING, 3 CLOSED), so every object's bands and markers read alike: an `EventSource`'s
/// CLOSED (2) is 3; a fetch waits (OPENED) as CONNECTING, receives (HEADERS_RECEIVED,
/// LOADING) as OPEN, and is DONE as CLOSED.
pub fn phase(object: ApiObject, ready_state: u8) -> u8 {
    match (object, ready_state) {
        (ApiObject::WebSocket, s) => s,
        (ApiObject::EventSource, 2) | (ApiObject::Fetch, 4) => 3,
        (ApiObject::EventSource, s) => s,
        (ApiObject::Fetch, 0 | 1) => 0,
        (ApiObject::Fetch, _) => 1,
    }
}

/// The [`phase`] of an `api` event (3 for any other event).
pub fn phase_of(kind: &EventKind) -> u8 {
    match kind {
        EventKind::Api {
            object,
            ready_state,
            ..
        } => phase(*object, *ready_state),
        _ => 3,
    }
}

/// Per connection of [`Rows::api_conns`] (same order): where its `readyState` changes. Built
/// once per rows, not per frame.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ApiStates(pub Vec<Vec<StateChange>>);

impl ApiStates {
    /// The state changes shown by `rows` of `trace`.
    pub fn new(rows: &Rows, trace: &Trace) -> ApiStates {
        let mut out: Vec<Vec<StateChange>> = vec![Vec::new(); rows.api_conns.len()];
        for (r, row) in rows.rows.iter().enumerate() {
            let api = row.api.iter().copied();
            // An api event without a known cause is a row of its own.
            let own = matches!(row.kind, RowKind::Api { .. }).then_some(row.event);
            for a in api.chain(own) {
                let Some(e) = trace.events.get(a) else {
                    continue;
                };
                let EventKind::Api {
                    object,
                    ready_state,
                    ..
                } = e.kind
                else {
                    continue;
                };
                let ready_state = phase(object, ready_state);
                let Some(k) = e
                    .conn
                    .and_then(|c| rows.api_conns.iter().position(|x| *x == c))
                else {
                    continue;
                };
                if let Some(list) = out.get_mut(k)
                    && list.last().is_none_or(|s| s.state != ready_state)
                {
                    list.push(StateChange {
                        row: r,
                        state: ready_state,
                    });
                }
            }
        }
        ApiStates(out)
    }
}

/// The text of a browser-API marker: the event it fires, prefixed by its connection's name
/// (the lab's client name, else `#id`) when the trace has several.
pub fn marker_text(event: &Event, trace: &Trace, lang: Lang) -> String {
    match &event.kind {
        EventKind::Api {
            object,
            ready_state,
            fires,
            code,
            reason,
            was_clean,
            data,
            last_event_id,
            ..
        } => {
            let who = if trace.connections.len() > 1 {
                event
                    .conn
                    .map(|c| {
                        let name = trace
                            .connections
                            .iter()
                            .find(|x| x.id == c)
                            .and_then(|x| x.label.clone())
                            .unwrap_or_else(|| format!("#{c}"));
                        format!("{name} ")
                    })
                    .unwrap_or_default()
            } else {
                String::new()
            };
            let what = if object.is_websocket() {
                describe::api_label(
                    *ready_state,
                    fires.as_deref(),
                    *code,
                    reason.as_deref(),
                    *was_clean,
                    data.as_deref(),
                )
            } else {
                describe::http_api_label(
                    *object,
                    *ready_state,
                    fires.as_deref(),
                    *code,
                    data.as_deref(),
                    last_event_id.as_deref(),
                    lang,
                )
            };
            // The state itself is the band's colour; the marker names the event.
            format!("{who}{what}")
        }
        _ => describe::summary(event, lang),
    }
}
