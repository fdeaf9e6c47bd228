#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The compare run: four real clients against the real lab server, one event source, one
//! trace; every relation read from the trace by `analysis::compare` (never from the clients'
//! counters, never a wall-clock bound). The standard run goes over the plain loopback (the
//! delay-dependent bounds with a one-way delay of 0); a short one goes through the lab's
//! link relay at 50 ms each way, where the transits dominate and RFC 6202's bounds show.

mod support;

use std::time::Duration;

use support::lab::socket_lab;
use wirelab::analysis::compare::{Comparison, TechniqueResult, compare};
use wirelab::analysis::metrics::Technique;
use wirelab::lab::compare::{CompareConfig, run};
use wirelab::lab::link::LinkConditions;
use wirelab::lab::push_client::{KeepAlive, RequestHead};
use wirelab::lab::run_scenario;
use wirelab::lab::server::push::{Timing, Workload};
use wirelab::trace::{EventKind, Trace};

/// Events of the standard run (literal, not taken from the code).
const EVENTS: u64 = 20;
/// Their mean gap and short polling's interval, in ms.
const INTERVAL_MS: u64 = 100;
/// Margin for the scheduler of a loaded 2-core machine, in µs.
const MARGIN_US: i64 = 50_000;

fn standard() -> CompareConfig {
    CompareConfig {
        workload: Workload {
            events: EVENTS as u32,
            interval: Duration::from_millis(INTERVAL_MS),
            payload_bytes: 57,
            // Random moments: a poll's phase against the events is not fixed.
            timing: Timing::Random { seed: 3 },
        },
        poll_every: Duration::from_millis(INTERVAL_MS),
        // What a page in a browser sends with every request.
        head: RequestHead::BrowserLike,
        ..CompareConfig::default()
    }
}

fn technique(c: &Comparison, t: Technique) -> &TechniqueResult {
    c.technique(t)
        .unwrap_or_else(|| panic!("no {} lane in the trace", t.name()))
}

fn mean_us(r: &TechniqueResult) -> i64 {
    r.latency.expect("timed deliveries").mean_us
}

fn count(trace: &Trace, kind: &str) -> usize {
    trace
        .events
        .iter()
        .filter(|e| e.kind.name() == kind)
        .count()
}

#[test]
fn the_four_techniques_side_by_side_keep_their_relations() {
    let trace = run(standard(), socket_lab()).unwrap();
    assert_eq!(trace.source.scenario.as_deref(), Some("compare"));
    let c = compare(&trace);
    assert_eq!(c.emitted.len() as u64, EVENTS);
    assert_eq!(
        c.emitted.iter().map(|e| e.id).collect::<Vec<_>>(),
        (1..=EVENTS).collect::<Vec<_>>()
    );
    assert!(c.emitted.iter().all(|e| e.bytes == 57));
    // No event lost, duplicated or reordered, in any technique.
    c.check_order().unwrap();
    assert_eq!(c.techniques.len(), 4);
    for r in &c.techniques {
        assert_eq!(r.events_delivered(), EVENTS, "{}", r.technique.name());
        // Every delivery timed by the client's read, never before its creation.
        assert!(
            r.delivered
                .iter()
                .all(|d| d.latency_us().is_some_and(|l| l >= 0)),
            "{}",
            r.technique.name()
        );
    }
    assert!(count(&trace, "client_read") > 0);
    let short = technique(&c, Technique::ShortPoll);
    let long = technique(&c, Technique::LongPoll);
    let sse = technique(&c, Technique::Sse);
    let ws = technique(&c, Technique::WebSocket);

    // WebSocket and SSE: under a quarter of short polling's wire bytes per event.
    let per_poll = short.bytes_per_event().unwrap();
    for r in [sse, ws] {
        let per = r.bytes_per_event().unwrap();
        assert!(
            per * 4.0 < per_poll,
            "{}: {per:.0} B/event vs short polling {per_poll:.0}",
            r.technique.name()
        );
    }

    // Long polling: every request held until it had something, so one request per answer
    // that carried events (events arriving together share one).
    let answers_with_events = {
        let mut events: Vec<usize> = long.delivered.iter().map(|d| d.event).collect();
        events.dedup();
        events.len() as u64
    };
    assert_eq!(long.counts.http_requests, answers_with_events);
    assert_eq!(long.counts.empty_responses, 0);
    assert!(long.counts.http_requests <= EVENTS);

    // Short polling: about one request per interval from its first poll to the last event.
    let first_poll = trace
        .events
        .iter()
        .find(|e| {
            e.conn.is_some_and(|id| short.conns.contains(&id))
                && matches!(e.kind, EventKind::HttpRequest { .. })
        })
        .unwrap()
        .t_us;
    let last_event = c.emitted.last().unwrap().created_us;
    let expected = (last_event - first_poll) as f64 / (INTERVAL_MS * 1000) as f64 + 1.0;
    let polls = short.counts.http_requests as f64;
    assert!(
        (polls - expected).abs() <= 2.0,
        "{polls} polls, expected about {expected:.1}"
    );
    assert!(short.counts.empty_responses > 0);

    // Latency: short polling waits for its next poll (about half an interval on average);
    // a pushed event only for its transit (no emulated delay here: 2 × 0 + 20 ms).
    let interval_us = (INTERVAL_MS * 1000) as i64;
    assert!(
        mean_us(short) >= interval_us / 4,
        "short polling's mean {} µs",
        mean_us(short)
    );
    assert!(mean_us(ws) <= 20_000, "WebSocket's mean {} µs", mean_us(ws));
    // Long polling's maximum: at most three transits (response, next request, response),
    // RFC 6202 §2.2; on the loopback each is far below the margin.
    let long_max = long.latency.unwrap().max_us;
    assert!(
        long_max <= MARGIN_US,
        "long polling's maximum {long_max} µs"
    );

    // One connection per technique with keep-alive.
    for r in [short, long, sse, ws] {
        assert_eq!(r.counts.tcp_connections, 1, "{}", r.technique.name());
    }
    assert_eq!(ws.counts.http_requests, 1);
    assert_eq!(sse.counts.http_requests, 1);
    assert_eq!(sse.counts.sse_events, EVENTS);
}

/// The relations through the lab's relay at 50 ms one-way delay (emulated at the
/// socket). Few events, far enough apart that a long poll is always waiting when one comes:
/// relations between techniques and against the transit, each bound loose by a scheduler
/// margin and never a measure of speed.
#[test]
fn through_a_50_ms_link_long_polling_takes_one_transit_and_pushes_cost_the_fewest_bytes() {
    const DELAY_MS: u64 = 50;
    // Enough events for WebSocket's upgrade to pay for itself against SSE's smaller heads.
    const EVENTS: u64 = 20;
    let config = CompareConfig {
        workload: Workload {
            events: EVENTS as u32,
            // Over two transits apart: the next long poll is at the server before the event.
            interval: Duration::from_millis(150),
            payload_bytes: 57,
            timing: Timing::Regular,
        },
        poll_every: Duration::from_millis(100),
        link: LinkConditions {
            delay: Duration::from_millis(DELAY_MS),
            ..LinkConditions::default()
        },
        ..CompareConfig::default()
    };
    let trace = run(config, socket_lab()).unwrap();
    assert_eq!(trace.source.link.map(|l| l.delay_us), Some(50_000));
    let c = compare(&trace);
    assert_eq!(c.emitted.len() as u64, EVENTS);
    // No event lost, duplicated or reordered, in any technique.
    c.check_order().unwrap();
    let transit_us = (DELAY_MS * 1000) as i64;
    let short = technique(&c, Technique::ShortPoll);
    let long = technique(&c, Technique::LongPoll);
    let sse = technique(&c, Technique::Sse);
    let ws = technique(&c, Technique::WebSocket);
    for r in [short, long, sse, ws] {
        assert_eq!(r.events_delivered(), EVENTS, "{}", r.technique.name());
        // Every delivery crossed the link once at least (server → client).
        let min = r.delivered.iter().filter_map(|d| d.latency_us()).min();
        assert!(
            min.is_some_and(|l| l >= transit_us),
            "{}: fastest delivery {min:?} µs, under one transit",
            r.technique.name()
        );
    }
    // Long polling (RFC 6202 §2.2): a request is waiting when the event comes, so the usual
    // latency is one transit, never more than three (response, next request, response).
    let long_latency = long.latency.unwrap();
    assert!(
        long_latency.p50_us < 2 * transit_us,
        "long polling's median {} µs: about one transit of {transit_us}",
        long_latency.p50_us
    );
    assert!(
        long_latency.max_us <= 3 * transit_us + MARGIN_US,
        "long polling's maximum {} µs",
        long_latency.max_us
    );
    assert_eq!(long.counts.empty_responses, 0);
    assert!(
        (EVENTS..=EVENTS + 1).contains(&long.counts.http_requests),
        "one long poll per event: {}",
        long.counts.http_requests
    );
    // Short polling: polls more often than events come, so some find nothing, and an
    // event waits for the next poll.
    assert!(short.counts.http_requests > EVENTS);
    assert!(short.counts.empty_responses > 0);
    assert!(
        mean_us(short) > mean_us(long),
        "short polling waits for its next poll"
    );
    // WebSocket: pushed, one transit (2 × the delay + 20 ms at most, the bound).
    assert!(
        mean_us(ws) <= 2 * transit_us + 20_000,
        "WebSocket's mean {} µs",
        mean_us(ws)
    );
    // Bytes: the pushes (WebSocket, SSE) under a quarter of short polling's per event, and
    // fewer than long polling's (a request and a response head per event). WebSocket and SSE
    // come out about even here: a WebSocket message carries the event's id in its JSON,
    // an SSE event in its `id:` line, and chunk framing costs about what frame headers do.
    let per_poll = short.bytes_per_event().unwrap();
    let per_long = long.bytes_per_event().unwrap();
    for r in [sse, ws] {
        let per = r.bytes_per_event().unwrap();
        assert!(
            per * 4.0 < per_poll && per < per_long,
            "{}: {per:.0} B/event, short polling {per_poll:.0}, long polling {per_long:.0}",
            r.technique.name()
        );
    }
}

#[test]
fn without_keep_alive_every_poll_opens_its_own_connection() {
    let config = CompareConfig {
        workload: Workload {
            events: 6,
            interval: Duration::from_millis(60),
            payload_bytes: 8,
            timing: Timing::Regular,
        },
        poll_every: Duration::from_millis(60),
        keep_alive: KeepAlive::Off,
        ..CompareConfig::default()
    };
    let trace = run(config, socket_lab()).unwrap();
    let c = compare(&trace);
    c.check_order().unwrap();
    for t in [Technique::ShortPoll, Technique::LongPoll] {
        let r = technique(&c, t);
        assert!(r.counts.http_requests > 1, "{}", t.name());
        assert_eq!(
            r.counts.tcp_connections,
            r.counts.http_requests,
            "{}",
            t.name()
        );
    }
    // Regular events, far apart for the loopback: one long poll per event.
    assert_eq!(technique(&c, Technique::LongPoll).counts.http_requests, 6);
}

#[test]
fn the_websocket_scenario_delivers_the_sequence_by_content() {
    // Its lane is "client": the technique comes from the content (the 101).
    let trace = run_scenario("websocket", socket_lab()).unwrap();
    let c = compare(&trace);
    c.check_order().unwrap();
    let ws = technique(&c, Technique::WebSocket);
    assert_eq!(ws.events_delivered(), 5);
    assert_eq!(ws.counts.http_requests, 1);
    assert!(ws.latency.is_some());
    assert_eq!(c.techniques.len(), 1);
}
