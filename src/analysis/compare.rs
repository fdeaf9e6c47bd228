//! Short polling, long polling, SSE and WebSocket side by side, from one trace: what each
//! cost on the wire ([`metrics::Counts`] per technique), which events each delivered, in
//! which order, and how long each took from the moment the event source created it
//! (`source_event`, observed at the event source) to the moment the client's read returned
//! its last byte (the first `client_read` whose total reaches the byte, observed at the
//! client's socket). Never from counters in the client code. Pure: a function of a [`Trace`].
//!
//! Which connection is which technique: the lab's compare run names each lane by its
//! technique (`short-poll`, `long-poll`, `sse`, `websocket`); any other connection is
//! classified by content, as `inspect --metrics` does ([`metrics::per_connection`]).
//!
//! Where each event was delivered, per technique: a poll answer's body
//! (`{"events":[{"id":…}]}`) at the end of its response, an SSE event's `id:` at the end of
//! its event, a WebSocket text message `{"id":…}` at the end of its last frame.

use std::collections::HashMap;

use serde::Serialize;

use super::metrics::{self, Counts, Technique};
use crate::trace::{Dir, Event, EventKind, Trace};

/// The techniques a comparison shows, in table order.
pub const TECHNIQUES: [Technique; 4] = [
    Technique::ShortPoll,
    Technique::LongPoll,
    Technique::Sse,
    Technique::WebSocket,
];

/// The technique a lane is named after (`short-poll`, `long-poll`, `sse`, `websocket`).
pub fn lane_technique(label: &str) -> Option<Technique> {
    TECHNIQUES.into_iter().find(|t| t.name() == label)
}

/// One event the event source created (a `source_event` of the trace).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Emitted {
    /// Its number: 1, 2, 3, …
    pub id: u64,
    /// Its payload's size in bytes.
    pub bytes: u64,
    /// When the source created it (the trace's `t_us`).
    pub created_us: i64,
    /// Index of its `source_event` in the trace's events.
    pub event: usize,
}

/// One event as one technique delivered it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Delivered {
    /// The event's number.
    pub id: u64,
    /// When the source created it, if the trace holds its `source_event`.
    pub created_us: Option<i64>,
    /// When the server wrote the event's last byte: the `t_us` of the trace event carrying
    /// it (a poll's response, an SSE event, a WebSocket message).
    pub sent_us: i64,
    /// When the client's read returned the event's last byte, if the trace holds the
    /// client's reads (the lab's own clients; not a capture).
    pub delivered_us: Option<i64>,
    /// Index of the trace event carrying its last byte.
    pub event: usize,
    /// Index of the `client_read` that returned it, if any.
    pub read: Option<usize>,
    /// The connection it came on.
    pub conn: u32,
}

impl Delivered {
    /// From creation to the client's read, in microseconds, when both are known.
    pub fn latency_us(&self) -> Option<i64> {
        Some(self.delivered_us?.saturating_sub(self.created_us?))
    }
}

/// The delivery latencies of one technique, in microseconds (nearest-rank percentiles).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LatencySummary {
    /// How many deliveries were timed.
    pub samples: usize,
    /// The median.
    pub p50_us: i64,
    /// The 95th percentile.
    pub p95_us: i64,
    /// The largest.
    pub max_us: i64,
    /// The mean.
    pub mean_us: i64,
}

impl LatencySummary {
    /// The summary of `latencies` (any order); `None` when there are none.
    pub fn of(latencies: &[i64]) -> Option<LatencySummary> {
        let mut sorted = latencies.to_vec();
        sorted.sort_unstable();
        let max_us = *sorted.last()?;
        let samples = sorted.len();
        let rank = |p: usize| {
            // Nearest rank: the smallest value with at least p % of the samples at or below it.
            let k = (p * samples).div_ceil(100).clamp(1, samples);
            sorted.get(k - 1).copied().unwrap_or(max_us)
        };
        let sum: i128 = sorted.iter().map(|&v| i128::from(v)).sum();
        let mean_us = i64::try_from(sum / samples as i128).unwrap_or(i64::MAX);
        Some(LatencySummary {
            samples,
            p50_us: rank(50),
            p95_us: rank(95),
            max_us,
            mean_us,
        })
    }
}

/// What one technique did.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TechniqueResult {
    /// Which technique.
    pub technique: Technique,
    /// Its connections (ids in the trace), in the order they appear.
    pub conns: Vec<u32>,
    /// What its connections carried.
    pub counts: Counts,
    /// Every event delivered, in the order the client got them (duplicates kept).
    pub delivered: Vec<Delivered>,
    /// The latencies of the timed deliveries.
    pub latency: Option<LatencySummary>,
}

impl TechniqueResult {
    /// How many distinct events it delivered.
    pub fn events_delivered(&self) -> u64 {
        let mut ids: Vec<u64> = self.delivered.iter().map(|d| d.id).collect();
        ids.sort_unstable();
        ids.dedup();
        ids.len() as u64
    }

    /// TCP payload bytes (both ways) per event delivered; `None` before the first.
    pub fn bytes_per_event(&self) -> Option<f64> {
        let events = self.events_delivered();
        (events > 0).then(|| self.counts.wire_bytes as f64 / events as f64)
    }
}

/// How a technique's deliveries differ from the emitted sequence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum OrderProblem {
    /// An emitted event never arrived.
    Lost {
        /// The technique.
        technique: Technique,
        /// The event.
        id: u64,
    },
    /// An event arrived more than once.
    Duplicated {
        /// The technique.
        technique: Technique,
        /// The event.
        id: u64,
    },
    /// An event arrived before one emitted earlier.
    Reordered {
        /// The technique.
        technique: Technique,
        /// The event that came too early.
        id: u64,
        /// The one delivered before it that was emitted after it.
        after: u64,
    },
    /// An event arrived that the source never created (as far as the trace shows).
    Unknown {
        /// The technique.
        technique: Technique,
        /// The event.
        id: u64,
    },
}

impl std::fmt::Display for OrderProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OrderProblem::Lost { technique, id } => {
                write!(f, "{}: event {id} was never delivered", technique.name())
            }
            OrderProblem::Duplicated { technique, id } => {
                write!(f, "{}: event {id} was delivered twice", technique.name())
            }
            OrderProblem::Reordered {
                technique,
                id,
                after,
            } => write!(
                f,
                "{}: event {id} was delivered after event {after}",
                technique.name()
            ),
            OrderProblem::Unknown { technique, id } => write!(
                f,
                "{}: event {id} was delivered but never created",
                technique.name()
            ),
        }
    }
}

/// The comparison of a trace's push techniques.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Comparison {
    /// Every event the source created, in order (empty when the trace has no
    /// `source_event`s, e.g. a capture).
    pub emitted: Vec<Emitted>,
    /// Each technique seen, in [`TECHNIQUES`] order.
    pub techniques: Vec<TechniqueResult>,
}

impl Comparison {
    /// The result of `technique`, if it was seen.
    pub fn technique(&self, technique: Technique) -> Option<&TechniqueResult> {
        self.techniques.iter().find(|t| t.technique == technique)
    }

    /// The emitted event `id`.
    pub fn emitted(&self, id: u64) -> Option<&Emitted> {
        self.emitted.iter().find(|e| e.id == id)
    }

    /// Every way a technique's delivered sequence differs from the emitted one: each event
    /// exactly once, in emission order. Without `source_event`s only duplicates and order
    /// (by id) are checked.
    pub fn order_problems(&self) -> Vec<OrderProblem> {
        let mut problems = Vec::new();
        for result in &self.techniques {
            let technique = result.technique;
            let mut seen: HashMap<u64, usize> = HashMap::new();
            let mut newest: Option<u64> = None;
            for d in &result.delivered {
                *seen.entry(d.id).or_default() += 1;
                if seen.get(&d.id) == Some(&2) {
                    problems.push(OrderProblem::Duplicated {
                        technique,
                        id: d.id,
                    });
                }
                if !self.emitted.is_empty() && self.emitted(d.id).is_none() {
                    problems.push(OrderProblem::Unknown {
                        technique,
                        id: d.id,
                    });
                }
                match newest {
                    Some(after) if d.id < after => problems.push(OrderProblem::Reordered {
                        technique,
                        id: d.id,
                        after,
                    }),
                    _ => newest = Some(d.id),
                }
            }
            for e in &self.emitted {
                if !seen.contains_key(&e.id) {
                    problems.push(OrderProblem::Lost {
                        technique,
                        id: e.id,
                    });
                }
            }
        }
        problems
    }

    /// `Ok` when every technique delivered the emitted sequence exactly (no loss,
    /// duplicate or reordering), else every problem, one per line.
    pub fn check_order(&self) -> Result<(), String> {
        let problems = self.order_problems();
        if problems.is_empty() {
            return Ok(());
        }
        Err(problems
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"))
    }
}

/// The comparison of `trace` (see the module's documentation).
pub fn compare(trace: &Trace) -> Comparison {
    let emitted: Vec<Emitted> = trace
        .events
        .iter()
        .enumerate()
        .filter_map(|(i, e)| match e.kind {
            EventKind::SourceEvent { id, bytes } => Some(Emitted {
                id,
                bytes,
                created_us: e.t_us,
                event: i,
            }),
            _ => None,
        })
        .collect();
    let created: HashMap<u64, i64> = emitted.iter().map(|e| (e.id, e.created_us)).collect();
    // Each connection's technique: its lane's name, else its content.
    let mut technique_of: HashMap<u32, (Technique, Counts)> = HashMap::new();
    for (conn, by_content, counts) in metrics::per_connection(trace) {
        let by_lane = trace
            .connections
            .iter()
            .find(|c| c.id == conn)
            .and_then(|c| c.label.as_deref())
            .and_then(lane_technique);
        technique_of.insert(conn, (by_lane.unwrap_or(by_content), counts));
    }
    let mut results: Vec<TechniqueResult> = Vec::new();
    for technique in TECHNIQUES {
        let conns: Vec<u32> = trace
            .connections
            .iter()
            .map(|c| c.id)
            .filter(|id| technique_of.get(id).is_some_and(|(t, _)| *t == technique))
            .collect();
        if conns.is_empty() {
            continue;
        }
        let mut counts = Counts::default();
        for id in &conns {
            if let Some((_, c)) = technique_of.get(id) {
                counts.add(c);
            }
        }
        results.push(TechniqueResult {
            technique,
            conns,
            counts,
            delivered: Vec::new(),
            latency: None,
        });
    }
    let slot: HashMap<u32, usize> = results
        .iter()
        .enumerate()
        .flat_map(|(i, r)| r.conns.iter().map(move |&c| (c, i)))
        .collect();
    // Reads waiting for a byte, per connection: (last byte's end, index into `delivered`).
    let mut waiting: HashMap<u32, Vec<(u64, usize, usize)>> = HashMap::new();
    for (i, event) in trace.events.iter().enumerate() {
        let Some(conn) = event.conn else { continue };
        let Some(&r) = slot.get(&conn) else { continue };
        if let EventKind::ClientRead { total } = event.kind {
            let Some(pending) = waiting.get_mut(&conn) else {
                continue;
            };
            pending.retain(|&(end, r, d)| {
                if end > total {
                    return true;
                }
                if let Some(delivered) = results.get_mut(r).and_then(|x| x.delivered.get_mut(d)) {
                    delivered.delivered_us = Some(event.t_us);
                    delivered.read = Some(i);
                }
                false
            });
            continue;
        }
        if event.dir != Some(Dir::S2c) {
            continue;
        }
        let ids = carried_ids(trace, event);
        let Some(result) = results.get_mut(r) else {
            continue;
        };
        for id in ids {
            let d = result.delivered.len();
            result.delivered.push(Delivered {
                id,
                created_us: created.get(&id).copied(),
                sent_us: event.t_us,
                delivered_us: None,
                event: i,
                read: None,
                conn,
            });
            if let Some(span) = event.span {
                waiting.entry(conn).or_default().push((span.end(), r, d));
            }
        }
    }
    for result in &mut results {
        // The order the client had them in: by its read when timed, else by the server's write.
        result
            .delivered
            .sort_by_key(|d| (d.delivered_us.unwrap_or(d.sent_us), d.event));
        let latencies: Vec<i64> = result
            .delivered
            .iter()
            .filter_map(Delivered::latency_us)
            .collect();
        result.latency = LatencySummary::of(&latencies);
    }
    Comparison {
        emitted,
        techniques: results,
    }
}

/// The ids of the push events a server-to-client trace event carries: a poll answer's
/// `{"events":[{"id":…},…]}`, an SSE event's numeric `id:`, a WebSocket text message
/// `{"id":…}`.
fn carried_ids(trace: &Trace, event: &Event) -> Vec<u64> {
    match &event.kind {
        EventKind::SseEvent { id: Some(id), .. } => id.trim().parse().ok().into_iter().collect(),
        EventKind::WsMessage {
            opcode: 1,
            text: Some(text),
            ..
        } => serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .and_then(|v| v.get("id")?.as_u64())
            .into_iter()
            .collect(),
        EventKind::HttpResponse {
            status: 200..=299,
            head_len,
            body_len,
            ..
        } if *body_len > 0 => {
            let body = trace
                .event_bytes(event)
                .and_then(|bytes| bytes.get(usize::try_from(*head_len).ok()?..));
            let Some(value) =
                body.and_then(|b| serde_json::from_slice::<serde_json::Value>(b).ok())
            else {
                return Vec::new();
            };
            value
                .get("events")
                .and_then(serde_json::Value::as_array)
                .map(|events| {
                    events
                        .iter()
                        .filter_map(|e| e.get("id")?.as_u64())
                        .collect()
                })
                .unwrap_or_default()
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_by_nearest_rank() {
        let values: Vec<i64> = (1..=100).collect();
        let s = LatencySummary::of(&values).unwrap();
        assert_eq!((s.p50_us, s.p95_us, s.max_us, s.mean_us), (50, 95, 100, 50));
        let one = LatencySummary::of(&[7]).unwrap();
        assert_eq!((one.p50_us, one.p95_us, one.max_us), (7, 7, 7));
        assert!(LatencySummary::of(&[]).is_none());
    }

    #[test]
    fn lanes_name_their_technique() {
        for t in TECHNIQUES {
            assert_eq!(lane_technique(t.name()), Some(t));
        }
        assert_eq!(lane_technique("client"), None);
    }

    fn delivered(id: u64) -> Delivered {
        Delivered {
            id,
            created_us: None,
            sent_us: 0,
            delivered_us: None,
            event: 0,
            read: None,
            conn: 0,
        }
    }

    #[test]
    fn order_problems_name_loss_duplicates_and_reordering() {
        let emitted = (1..=3)
            .map(|id| Emitted {
                id,
                bytes: 1,
                created_us: 0,
                event: 0,
            })
            .collect();
        let result = |ids: &[u64]| TechniqueResult {
            technique: Technique::Sse,
            conns: vec![0],
            counts: Counts::default(),
            delivered: ids.iter().map(|&id| delivered(id)).collect(),
            latency: None,
        };
        let mut c = Comparison {
            emitted,
            techniques: vec![result(&[1, 2, 3])],
        };
        assert!(c.check_order().is_ok());
        c.techniques = vec![result(&[1, 3, 2, 2])];
        let problems = c.order_problems();
        assert!(problems.contains(&OrderProblem::Reordered {
            technique: Technique::Sse,
            id: 2,
            after: 3
        }));
        assert!(problems.contains(&OrderProblem::Duplicated {
            technique: Technique::Sse,
            id: 2
        }));
        c.techniques = vec![result(&[1, 2])];
        assert_eq!(
            c.order_problems(),
            [OrderProblem::Lost {
                technique: Technique::Sse,
                id: 3
            }]
        );
    }
}
