//! The push endpoints, all fed by one [`EventSource`]: numbered events, each stamped when the
//! source made it, so a client's delivery can be compared with the emitted sequence.
//!
//! - `GET /poll?since=N`: short polling, answered at once with the events after `N` (maybe
//!   none) as JSON;
//! - `GET /long-poll?since=N`: long polling (RFC 6202 §2), held until an event after `N`
//!   exists or [`LONG_POLL_TIMEOUT`] passes;
//! - `GET /sse`: server-sent events (WHATWG HTML §9.2) on one streamed response, one `id:`
//!   line per event; a reconnection's `Last-Event-ID` resumes after that id; the response
//!   stays open after the last event until the client closes;
//! - `GET /events-ws`: the same events as WebSocket text messages, then a close 1000.
//!
//! Every request may carry the workload (`events`, `interval_ms`, `payload_bytes`); the
//! first request that finds no source running (none yet, or the last one has emitted all its
//! events) and asks from the start (`since=0`, no `Last-Event-ID`) starts a new source with
//! it, so clients of one run, whatever their technique, share one event sequence. A compare
//! run starts its source itself and holds it ([`EventHub::restart`]): then every request is
//! answered from it. The push endpoints are not gated: their timing is the event source's.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Query, Request, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::{SinkExt as _, StreamExt as _};
use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use tungstenite::Message;
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::protocol::{CloseFrame, WebSocketConfig};

use super::{Answer, Received, ServerState, Ws, close_tcp, common, upgrade_answering};
use crate::lab::scenario::filler_text;

/// Short polling's path.
pub const POLL_PATH: &str = "/poll";
/// Long polling's path.
pub const LONG_POLL_PATH: &str = "/long-poll";
/// Server-sent events' path.
pub const SSE_PATH: &str = "/sse";
/// WebSocket push's path.
pub const WS_PATH: &str = "/events-ws";

/// `GET /sse?drop_after=N`: the server ends the stream after event `N` and closes the
/// connection, as a server that restarts or a proxy that times out would.
pub const SSE_DROP_AFTER_PARAM: &str = "drop_after";

/// `GET /sse?retry_ms=T`: the stream starts with `retry: T`, the client's reconnection time
/// (WHATWG HTML §9.2.6).
pub const SSE_RETRY_PARAM: &str = "retry_ms";

/// The longest reconnection time the server sets (a typo must not stall a run).
pub const MAX_RETRY_MS: u64 = 10_000;

/// How long a long poll is held without an event before it is answered empty.
pub const LONG_POLL_TIMEOUT: Duration = Duration::from_secs(30);

/// The most events one source emits (a typo must not make it run for hours).
pub const MAX_EVENTS: u32 = 100_000;

/// The largest payload of one event.
pub const MAX_PAYLOAD_BYTES: usize = 64 * 1024;

/// What an event source emits: `events` events, `interval` apart on average (the first one
/// `interval` after the start, when regular), each with `payload_bytes` of text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Workload {
    /// How many events.
    pub events: u32,
    /// The time between two events (their mean, when random).
    pub interval: Duration,
    /// Each event's payload size.
    pub payload_bytes: usize,
    /// Regular or random gaps.
    pub timing: Timing,
}

/// How the gaps between events are chosen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Timing {
    /// Every gap is the interval.
    #[default]
    Regular,
    /// Exponentially distributed gaps with the interval as their mean (events at random
    /// moments, as a Poisson process makes them), drawn from a generator seeded with `seed`:
    /// the same seed gives the same gaps.
    Random {
        /// The generator's seed.
        seed: u64,
    },
}

impl Default for Workload {
    /// The scenarios' small workload: 5 events of 16 B, 250 ms apart.
    fn default() -> Self {
        Workload {
            events: 5,
            interval: Duration::from_millis(250),
            payload_bytes: 16,
            timing: Timing::Regular,
        }
    }
}

impl Workload {
    /// The query parameters that ask for this workload, e.g.
    /// `events=5&interval_ms=250&payload_bytes=16` (and `&seed=N` for random gaps).
    pub fn query(&self) -> String {
        let seed = match self.timing {
            Timing::Regular => String::new(),
            Timing::Random { seed } => format!("&seed={seed}"),
        };
        format!(
            "events={}&interval_ms={}&payload_bytes={}{seed}",
            self.events,
            self.interval.as_millis(),
            self.payload_bytes
        )
    }

    /// Each event's gap after the one before it (the first one's after the start).
    pub fn gaps(&self) -> impl Iterator<Item = Duration> + use<> {
        let (interval, timing) = (self.interval, self.timing);
        let mut rng = SplitMix64(match timing {
            Timing::Regular => 0,
            Timing::Random { seed } => seed,
        });
        (0..self.events).map(move |_| match timing {
            Timing::Regular => interval,
            Timing::Random { .. } => {
                // Inverse transform: -ln(1 - u) is exponential with mean 1 (u in [0, 1)).
                let u = (rng.next() >> 11) as f64 / (1u64 << 53) as f64;
                interval.mul_f64(-(1.0 - u).ln())
            }
        })
    }
}

/// A small seeded generator (SplitMix64): deterministic gaps need no crate.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// Told of every event a source creates, at its creation: its id, its payload's size and
/// when (the lab records it in the trace as a `source_event`).
pub type EmitHook = Arc<dyn Fn(u64, u64, Instant) + Send + Sync>;

/// One emitted event.
#[derive(Clone, Debug)]
pub struct PushEvent {
    /// 1, 2, 3, … in emission order.
    pub id: u64,
    /// When the source made it.
    pub created: Instant,
    /// Its payload.
    pub data: String,
}

/// An event as the polling endpoints and WebSocket push send it (JSON).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireEvent {
    /// The event's number.
    pub id: u64,
    /// Its payload.
    pub data: String,
    /// When the source made it, on `CLOCK_MONOTONIC` in nanoseconds, only for a WebSocket
    /// client that asked with `stamp=1` (the scale run's load generator measures latency with
    /// it); absent otherwise, so other runs' bytes stay as they were.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_ns: Option<u64>,
}

/// A poll's answer: the events after the asked id, `{"events":[]}` when there were none
/// (so an empty answer is recognisably empty: `analysis::metrics` counts it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollAnswer {
    /// The events after `since`, in order; empty if there were none (yet).
    pub events: Vec<WireEvent>,
}

/// A sequence of numbered events, emitted at the workload's pace by its own task.
pub struct EventSource {
    workload: Workload,
    events: Mutex<Vec<PushEvent>>,
    last_id: watch::Sender<u64>,
    recorder: Option<EmitHook>,
}

impl EventSource {
    /// Starts a source: its task emits the workload's events, then ends.
    pub fn start(workload: Workload) -> Arc<EventSource> {
        EventSource::start_recorded(workload, None)
    }

    /// Starts a source whose every event is told to `recorder` when it is created.
    pub fn start_recorded(workload: Workload, recorder: Option<EmitHook>) -> Arc<EventSource> {
        let (last_id, _) = watch::channel(0);
        let source = Arc::new(EventSource {
            workload,
            events: Mutex::new(Vec::new()),
            last_id,
            recorder,
        });
        // The task holds the source weakly: a source nobody uses any more stops emitting.
        let emitter = Arc::downgrade(&source);
        tokio::spawn(async move {
            let mut due = tokio::time::Instant::now();
            for (id, gap) in (1..).zip(workload.gaps()) {
                due += gap;
                tokio::time::sleep_until(due).await;
                let Some(source) = emitter.upgrade() else {
                    return;
                };
                source.emit(id);
            }
        });
        source
    }

    fn emit(&self, id: u64) {
        let event = PushEvent {
            id,
            created: Instant::now(),
            data: filler_text(self.workload.payload_bytes),
        };
        if let Some(recorder) = &self.recorder {
            recorder(id, event.data.len() as u64, event.created);
        }
        if let Ok(mut events) = self.events.lock() {
            events.push(event);
        }
        self.last_id.send_replace(id);
    }

    /// The workload it emits.
    pub fn workload(&self) -> Workload {
        self.workload
    }

    /// The newest event's id (0 before the first).
    pub fn last_id(&self) -> u64 {
        *self.last_id.borrow()
    }

    /// Whether every event has been emitted.
    pub fn done(&self) -> bool {
        self.last_id() >= u64::from(self.workload.events)
    }

    /// The events after `since`, in order.
    pub fn after(&self, since: u64) -> Vec<PushEvent> {
        self.events
            .lock()
            .map(|events| events.iter().filter(|e| e.id > since).cloned().collect())
            .unwrap_or_default()
    }

    /// Waits until an event after `since` exists or the source is done; `false` on timeout.
    pub async fn wait_after(&self, since: u64, timeout: Duration) -> bool {
        let total = u64::from(self.workload.events);
        let mut rx = self.last_id.subscribe();
        let waited =
            tokio::time::timeout(timeout, rx.wait_for(|&last| last > since || last >= total));
        matches!(waited.await, Ok(Ok(_)))
    }

    fn answer(&self, since: u64) -> PollAnswer {
        PollAnswer {
            events: self
                .after(since)
                .into_iter()
                .map(|e| WireEvent {
                    id: e.id,
                    data: e.data,
                    created_ns: None,
                })
                .collect(),
        }
    }
}

/// The server's current event source.
#[derive(Default)]
pub struct EventHub {
    current: Mutex<Current>,
    recorder: Mutex<Option<EmitHook>>,
}

/// The source requests are answered from, and whether a run holds it.
#[derive(Default)]
struct Current {
    source: Option<Arc<EventSource>>,
    /// A compare run holds this source ([`HeldSource`]): every request gets it, even one
    /// from the start after its last event, so no client can start a second source.
    held: bool,
}

/// A compare run's hold on the source it started: until it drops, every push request is
/// answered from that source.
pub struct HeldSource {
    hub: Arc<EventHub>,
    source: Arc<EventSource>,
}

impl HeldSource {
    /// The held source.
    pub fn source(&self) -> &Arc<EventSource> {
        &self.source
    }
}

impl Drop for HeldSource {
    fn drop(&mut self) {
        if let Ok(mut current) = self.hub.current.lock()
            && current
                .source
                .as_ref()
                .is_some_and(|s| Arc::ptr_eq(s, &self.source))
        {
            current.held = false;
        }
    }
}

impl EventHub {
    /// Every source started from now on tells `recorder` of each event it creates.
    pub fn record_to(&self, recorder: EmitHook) {
        if let Ok(mut slot) = self.recorder.lock() {
            *slot = Some(recorder);
        }
    }

    fn recorder(&self) -> Option<EmitHook> {
        self.recorder.lock().ok().and_then(|r| r.clone())
    }

    /// Replaces the current source by a new one emitting `workload` and holds it (a compare
    /// run starts its own, so clients of an earlier run's source cannot join it by mistake,
    /// and a request that names no workload, or comes after the last event, cannot start
    /// another: a short poll's later requests carry only `since`).
    pub fn restart(self: &Arc<Self>, workload: Workload) -> Option<HeldSource> {
        let mut current = self.current.lock().ok()?;
        let source = EventSource::start_recorded(workload, self.recorder());
        current.source = Some(source.clone());
        current.held = true;
        Some(HeldSource {
            hub: self.clone(),
            source,
        })
    }

    /// The running source; a new one with `workload` if none runs (or the last one is done)
    /// and the client asks `from_start`, unless a run holds the current one.
    pub fn source(&self, workload: Workload, from_start: bool) -> Option<Arc<EventSource>> {
        let mut current = self.current.lock().ok()?;
        match current.source.as_ref() {
            Some(source) if current.held || !source.done() || !from_start => Some(source.clone()),
            _ => {
                let source = EventSource::start_recorded(workload, self.recorder());
                current.source = Some(source.clone());
                Some(source)
            }
        }
    }
}

/// The query of every push endpoint.
#[derive(Deserialize)]
struct PushQuery {
    since: Option<u64>,
    events: Option<u32>,
    interval_ms: Option<u64>,
    payload_bytes: Option<usize>,
    /// Random gaps from this seed (regular without it).
    seed: Option<u64>,
    /// `1`: WebSocket push stamps each event with its creation time ([`WireEvent::created_ns`]).
    stamp: Option<u8>,
    /// SSE: end the response after the event with this id (and close the connection), so
    /// the client reconnects ([`SSE_DROP_AFTER_PARAM`]).
    drop_after: Option<u64>,
    /// SSE: the reconnection time to set with a `retry:` line first ([`SSE_RETRY_PARAM`]).
    retry_ms: Option<u64>,
}

impl PushQuery {
    fn workload(&self) -> Workload {
        let default = Workload::default();
        Workload {
            events: self.events.unwrap_or(default.events).min(MAX_EVENTS),
            // At least 1 ms so a typo cannot make the source spin.
            interval: self.interval_ms.map_or(default.interval, |ms| {
                Duration::from_millis(ms.clamp(1, 3_600_000))
            }),
            payload_bytes: self
                .payload_bytes
                .unwrap_or(default.payload_bytes)
                .min(MAX_PAYLOAD_BYTES),
            timing: self
                .seed
                .map_or(Timing::Regular, |seed| Timing::Random { seed }),
        }
    }
}

/// The routes of this module.
pub(super) fn routes() -> Router<Arc<ServerState>> {
    Router::new()
        .route(POLL_PATH, get(short_poll))
        .route(LONG_POLL_PATH, get(long_poll))
        .route(SSE_PATH, get(sse))
        .route(WS_PATH, get(ws_push))
}

fn unavailable() -> Response {
    (
        axum::http::StatusCode::SERVICE_UNAVAILABLE,
        "the event source is unavailable\n",
    )
        .into_response()
}

fn json(answer: &PollAnswer) -> Response {
    let body = serde_json::to_string(answer).unwrap_or_else(|_| "{}".to_string());
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            // Every poll must reach the server, never a cache.
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

async fn short_poll(State(state): State<Arc<ServerState>>, Query(q): Query<PushQuery>) -> Response {
    let since = q.since.unwrap_or(0);
    let Some(source) = state.events.source(q.workload(), since == 0) else {
        return unavailable();
    };
    json(&source.answer(since))
}

async fn long_poll(State(state): State<Arc<ServerState>>, Query(q): Query<PushQuery>) -> Response {
    let since = q.since.unwrap_or(0);
    let Some(source) = state.events.source(q.workload(), since == 0) else {
        return unavailable();
    };
    source.wait_after(since, LONG_POLL_TIMEOUT).await;
    json(&source.answer(since))
}

/// The id after which an SSE response starts: `Last-Event-ID` (a reconnection, WHATWG HTML
/// §9.2.4), else `since`, else 0. An id that is not a number starts from the beginning.
fn sse_start(headers: &HeaderMap, since: Option<u64>) -> (u64, bool) {
    let last = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    match last.or(since) {
        Some(id) => (id, id == 0),
        None => (0, true),
    }
}

/// One event in the event-stream format: its `id:` line, its `data:` line, a blank line.
pub fn sse_frame(id: u64, data: &str) -> String {
    format!("id: {id}\ndata: {data}\n\n")
}

async fn sse(
    State(state): State<Arc<ServerState>>,
    Query(q): Query<PushQuery>,
    headers: HeaderMap,
) -> Response {
    let (since, from_start) = sse_start(&headers, q.since);
    let Some(source) = state.events.source(q.workload(), from_start) else {
        return unavailable();
    };
    // Asked to drop the stream: after that event the response ends and, with
    // `Connection: close`, the connection too (an id already sent drops nothing).
    let cut = q.drop_after.filter(|&n| n > since);
    let retry = q
        .retry_ms
        .map(|ms| Bytes::from(format!("retry: {}\n\n", ms.min(MAX_RETRY_MS))));
    // One open response: after the source's last event it stays open (as an event stream
    // does; ending it would make an `EventSource` reconnect) until the client closes.
    let events = futures_util::stream::unfold((source, since), move |(source, sent)| async move {
        if cut.is_some_and(|n| sent >= n) {
            return None;
        }
        if sent >= u64::from(source.workload().events) {
            std::future::pending::<()>().await;
        }
        source.wait_after(sent, LONG_POLL_TIMEOUT).await;
        let mut fresh = source.after(sent);
        if let Some(n) = cut {
            fresh.retain(|e| e.id <= n);
        }
        let last = fresh.last().map_or(sent, |e| e.id);
        if fresh.is_empty() {
            // No event for a long time: a comment line keeps the connection alive.
            return Some((
                Ok::<_, Infallible>(Bytes::from_static(b":\n\n")),
                (source, last),
            ));
        }
        let text: String = fresh.iter().map(|e| sse_frame(e.id, &e.data)).collect();
        Some((Ok(Bytes::from(text)), (source, last)))
    });
    let stream = futures_util::stream::iter(retry.map(Ok)).chain(events);
    let mut response = (
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        Body::from_stream(stream),
    )
        .into_response();
    if cut.is_some() {
        // hyper closes the connection after a response that says so.
        response.headers_mut().insert(
            header::CONNECTION,
            header::HeaderValue::from_static("close"),
        );
    }
    response
}

async fn ws_push(
    State(state): State<Arc<ServerState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(q): Query<PushQuery>,
    req: Request,
) -> Response {
    let since = q.since.unwrap_or(0);
    let Some(source) = state.events.source(q.workload(), since == 0) else {
        return unavailable();
    };
    let stamp = q.stamp == Some(1);
    let gates = state.gates.clone();
    let answer = Answer {
        config: Some(ws_config()),
        ..Answer::default()
    };
    upgrade_answering(&state, peer, req, answer, move |ws| async move {
        ws_session(ws, source, since, stamp, peer, &gates).await;
    })
    .await
}

/// tungstenite's limits for WebSocket push, whose clients send only control frames: a 4 KiB
/// read buffer instead of the default 128 KiB allocated per connection (the scale run's
/// memory per idle connection), writes not batched, and messages capped at the largest event.
pub fn ws_config() -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .max_write_buffer_size(4 * MAX_PAYLOAD_BYTES)
        .max_message_size(Some(MAX_PAYLOAD_BYTES))
        .max_frame_size(Some(MAX_PAYLOAD_BYTES))
}

/// Sends every event after `since` as a text message (stamped if asked), then closes with
/// 1000 "done".
async fn ws_session(
    mut ws: Ws,
    source: Arc<EventSource>,
    mut sent: u64,
    stamp: bool,
    peer: SocketAddr,
    gates: &super::Gates,
) {
    let total = u64::from(source.workload().events);
    let mut closing = false;
    loop {
        let may_send = !closing;
        tokio::select! {
            next = ws.next() => match common(&mut ws, gates, peer, next, closing).await {
                Received::Data(_) | Received::Handled => {}
                Received::Over => break,
            },
            _ = source.wait_after(sent, LONG_POLL_TIMEOUT), if may_send => {
                let mut failed = false;
                for event in source.after(sent) {
                    let created_ns = stamp.then(|| crate::lab::scale::clock::monotonic_ns(event.created));
                    let text = serde_json::to_string(&WireEvent { id: event.id, data: event.data, created_ns })
                        .unwrap_or_default();
                    if let Err(err) = ws.send(Message::text(text)).await {
                        tracing::debug!("event to {peer} failed: {err}");
                        failed = true;
                        break;
                    }
                    sent = event.id;
                }
                if failed {
                    break;
                }
                if sent >= total {
                    closing = true;
                    let done = CloseFrame { code: CloseCode::Normal, reason: "done".into() };
                    if let Err(err) = ws.send(Message::Close(Some(done))).await {
                        tracing::debug!("close to {peer} failed: {err}");
                        break;
                    }
                }
            }
        }
    }
    close_tcp(ws, gates, peer).await;
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn sse_resumes_after_last_event_id() {
        let mut headers = HeaderMap::new();
        assert_eq!(sse_start(&headers, None), (0, true));
        assert_eq!(sse_start(&headers, Some(3)), (3, false));
        headers.insert("last-event-id", "2".parse().unwrap());
        assert_eq!(sse_start(&headers, Some(0)), (2, false));
        assert_eq!(sse_frame(7, "x"), "id: 7\ndata: x\n\n");
    }

    #[tokio::test]
    async fn a_source_emits_its_workload_in_order() {
        let workload = Workload {
            events: 3,
            interval: Duration::from_millis(5),
            payload_bytes: 4,
            timing: Timing::Regular,
        };
        let source = EventSource::start(workload);
        assert!(source.after(0).is_empty());
        // Generous timeouts: only the order is checked, never the timing.
        assert!(source.wait_after(0, Duration::from_secs(20)).await);
        assert!(source.wait_after(2, Duration::from_secs(20)).await);
        let ids: Vec<u64> = source.after(0).iter().map(|e| e.id).collect();
        assert_eq!(ids, [1, 2, 3]);
        assert!(source.done());
        assert!(source.after(0).iter().all(|e| e.data.len() == 4));
        let hub = EventHub::default();
        let first = hub.source(workload, true).unwrap();
        let same = hub.source(workload, true).unwrap();
        assert!(Arc::ptr_eq(&first, &same));
    }

    /// The race a compare run had: a request from the start (a short poll whose first
    /// answers were empty, or a late WebSocket) that came after the run's last event started
    /// a second source. While the run holds its source, every request gets that one.
    #[tokio::test]
    async fn a_held_source_answers_every_request_until_the_run_lets_go() {
        let workload = Workload {
            events: 2,
            interval: Duration::from_millis(1),
            payload_bytes: 4,
            timing: Timing::Regular,
        };
        let hub = Arc::new(EventHub::default());
        let held = hub.restart(workload).unwrap();
        assert!(held.source().wait_after(1, Duration::from_secs(20)).await);
        assert!(held.source().done());
        for asked in [workload, Workload::default()] {
            let got = hub.source(asked, true).unwrap();
            assert!(
                Arc::ptr_eq(&got, held.source()),
                "the run's source, done or not"
            );
        }
        let source = held.source().clone();
        drop(held);
        let next = hub.source(Workload::default(), true).unwrap();
        assert!(
            !Arc::ptr_eq(&next, &source),
            "a scenario's first request starts a new one"
        );
        assert_eq!(next.workload(), Workload::default());
    }

    #[test]
    fn random_gaps_repeat_with_their_seed_and_keep_their_mean() {
        let workload = Workload {
            events: 2000,
            interval: Duration::from_millis(100),
            payload_bytes: 1,
            timing: Timing::Random { seed: 7 },
        };
        let gaps: Vec<Duration> = workload.gaps().collect();
        assert_eq!(gaps, workload.gaps().collect::<Vec<_>>());
        let other = Workload {
            timing: Timing::Random { seed: 8 },
            ..workload
        };
        assert_ne!(gaps, other.gaps().collect::<Vec<_>>());
        let mean = gaps.iter().sum::<Duration>() / 2000;
        assert!(mean > Duration::from_millis(90) && mean < Duration::from_millis(110));
        let regular = Workload {
            timing: Timing::Regular,
            ..workload
        };
        assert!(regular.gaps().all(|g| g == Duration::from_millis(100)));
        assert_eq!(
            workload.query(),
            "events=2000&interval_ms=100&payload_bytes=1&seed=7"
        );
    }
}
