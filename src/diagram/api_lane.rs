//! The browser-API lane: where each connection's `readyState` changes (the state bands) and
//! the text of each marker. Inferred from the wire, like the events it draws.

use super::rows::{RowKind, Rows};
use crate::trace::{Event, EventKind, Trace, describe};

/// A connection's `readyState` from row `row` on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StateChange {
    /// The row where the state starts.
    pub row: usize,
    /// The `readyState` (0 CONNECTING … 3 CLOSED).
    pub state: u8,
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
                let EventKind::Api { ready_state, .. } = e.kind else {
                    continue;
                };
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
pub fn marker_text(event: &Event, trace: &Trace) -> String {
    match &event.kind {
        EventKind::Api {
            ready_state,
            fires,
            code,
            reason,
            was_clean,
            data,
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
            let what = describe::api_label(
                *ready_state,
                fires.as_deref(),
                *code,
                reason.as_deref(),
                *was_clean,
                data.as_deref(),
            );
            // The state itself is the band's colour; the marker names the event.
            format!("{who}{what}")
        }
        _ => describe::summary(event),
    }
}
