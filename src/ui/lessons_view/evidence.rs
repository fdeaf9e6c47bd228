//! A step's evidence in the trace shown, as the view keeps it: for each highlight expected
//! in this trace (how it was observed: packets or the socket tap alone), the events it
//! matches. The matching itself is the lesson's ([`Step::evidence`]), the same as
//! `wirelab lessons run`'s.

use crate::lesson::{Found, Highlight, Step};
use crate::trace::Trace;

/// What one highlight found.
#[derive(Clone, Debug, PartialEq)]
pub struct Evidence {
    /// The highlight's index in the step.
    pub highlight: usize,
    /// The events it matches (indices into the trace), in order; empty: not seen.
    pub events: Vec<usize>,
}

/// The step's evidence in `trace`: one entry per highlight expected in it.
pub fn find(step: &Step, trace: &Trace) -> Vec<Evidence> {
    step.evidence(trace)
        .into_iter()
        .enumerate()
        .filter_map(|(highlight, found)| match found {
            Found::Events(events) => Some(Evidence { highlight, events }),
            Found::NotExpected => None,
        })
        .collect()
}

/// What a highlight looks for, in the lesson file's words: `http_response: status, header`.
pub fn describe(h: &Highlight) -> String {
    let kind = h.matcher.kind.as_deref().unwrap_or("*");
    let fields: Vec<&str> = h.matcher.fields().iter().map(|f| f.name()).collect();
    if fields.is_empty() {
        kind.to_string()
    } else {
        format!("{kind}: {}", fields.join(", "))
    }
}
