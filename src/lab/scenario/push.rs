//! The push scenarios: the same event sequence (the lab server's one event source) received
//! by short polling, long polling (RFC 6202 §2) and server-sent events (HTTP streaming,
//! RFC 6202 §3; WHATWG HTML §9.2).

use std::time::Duration;

use super::{Action, Stage, client, connect, expect, expect_dir};
use crate::lab::push_client::{KeepAlive, PushSpec, RequestHead, Technique};
use crate::lab::server::push::{LONG_POLL_PATH, POLL_PATH, SSE_PATH, Timing, Workload};
use crate::proto::cite;
use crate::trace::Dir;
use crate::trace::matcher::EventMatcher;

/// The workload of every push scenario (a run takes a few seconds).
pub const WORKLOAD: Workload = Workload {
    events: 5,
    interval: Duration::from_millis(250),
    payload_bytes: 16,
    timing: Timing::Regular,
};

/// Short polling's interval in `short-poll`: shorter than the events', so most polls
/// come back empty.
pub const POLL_EVERY: Duration = Duration::from_millis(100);

/// Short polling's interval without keep-alive in `short-poll`: the events' own, so that
/// fewer connections (each a lane's stripe in the browser-API lane) show the same lesson.
pub const POLL_EVERY_NO_KEEP_ALIVE: Duration = Duration::from_millis(250);

/// After how many events `sse`'s connection drops (and the client reconnects).
pub const SSE_DROP_AFTER: u64 = 2;

/// The lanes of `short-poll`.
pub const SHORT_POLL_CLIENTS: [&str; 2] = ["keep-alive", "no keep-alive"];

/// `n` matchers of `kind` on `lane` travelling `dir` (each met by a distinct event).
fn times(n: u32, lane: &str, kind: &str, dir: Dir) -> Vec<EventMatcher> {
    (0..n).map(|_| expect_dir(lane, kind, dir)).collect()
}

/// At least one request and one response per event, and the client's close at the end.
fn polls(lane: &str) -> Vec<EventMatcher> {
    let mut expect_all = times(WORKLOAD.events, lane, "http_request", Dir::C2s);
    expect_all.extend(times(WORKLOAD.events, lane, "http_response", Dir::S2c));
    expect_all.push(expect(lane, "tcp_close"));
    expect_all
}

fn events_note() -> String {
    format!(
        "{} events of {} B, {} ms apart",
        WORKLOAD.events,
        WORKLOAD.payload_bytes,
        WORKLOAD.interval.as_millis()
    )
}

pub(super) fn short_poll() -> Vec<Stage> {
    let [with, without] = SHORT_POLL_CLIENTS;
    let every = POLL_EVERY.as_millis();
    vec![
        connect(0, with),
        client(
            0,
            Action::Push(PushSpec {
                technique: Technique::ShortPoll { every: POLL_EVERY },
                keep_alive: KeepAlive::On,
                workload: WORKLOAD,
                head: RequestHead::Minimal,
            }),
            format!(
                "{with}: GET {POLL_PATH}?since=N every {every} ms, each answered at once, most of \
                 them empty (short polling, {}); {}; every poll on one persistent connection ({})",
                cite::RFC6202_2,
                events_note(),
                cite::RFC9112_9_3
            ),
            polls(with),
        ),
        connect(1, without),
        client(
            1,
            Action::Push(PushSpec {
                technique: Technique::ShortPoll {
                    every: POLL_EVERY_NO_KEEP_ALIVE,
                },
                keep_alive: KeepAlive::Off,
                workload: WORKLOAD,
                head: RequestHead::Minimal,
            }),
            format!(
                "{without}: polls every {} ms with Connection: close, as HTTP/1.0 does by \
                 default: a new TCP connection for every poll ({})",
                POLL_EVERY_NO_KEEP_ALIVE.as_millis(),
                cite::RFC9112_9_6
            ),
            polls(without),
        ),
    ]
}

pub(super) fn long_poll() -> Vec<Stage> {
    vec![
        connect(0, "client"),
        client(
            0,
            Action::Push(PushSpec {
                technique: Technique::LongPoll,
                keep_alive: KeepAlive::On,
                workload: WORKLOAD,
                head: RequestHead::Minimal,
            }),
            format!(
                "client: GET {LONG_POLL_PATH}?since=N: the server holds each request until the \
                 next event, answers with it, and the client asks again at once: one request \
                 per event ({}); {}",
                cite::RFC6202_2,
                events_note()
            ),
            polls("client"),
        ),
    ]
}

pub(super) fn sse() -> Vec<Stage> {
    let mut expect_all = times(2, "client", "http_request", Dir::C2s);
    expect_all.extend(times(2, "client", "http_response", Dir::S2c));
    expect_all.extend(times(WORKLOAD.events, "client", "sse_event", Dir::S2c));
    vec![
        connect(0, "client"),
        client(
            0,
            Action::Push(PushSpec {
                technique: Technique::Sse {
                    drop_after: Some(SSE_DROP_AFTER),
                },
                keep_alive: KeepAlive::On,
                workload: WORKLOAD,
                head: RequestHead::Minimal,
            }),
            format!(
                "client: GET {SSE_PATH}: one text/event-stream response ({}) that stays open, \
                 each event an id: and a data: line sent as it happens (HTTP streaming, {}); \
                 {}; after event {SSE_DROP_AFTER} the connection drops and the client reconnects \
                 with Last-Event-ID: {SSE_DROP_AFTER}, so the server resumes after it ({})",
                cite::WHATWGHTML_9_2,
                cite::RFC6202_3,
                events_note(),
                cite::WHATWGHTML_9_2_4
            ),
            expect_all,
        ),
    ]
}
