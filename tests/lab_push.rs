//! The push scenarios (`short-poll`, `long-poll`, `sse`, `sse-reconnect`) and the push clients, run on
//! 127.0.0.1 port 0 against the real lab server. What was delivered is read from the wire
//! (the server's tap: the JSON bodies of the poll answers, the SSE events the dissector
//! found), never from the clients' own counts; timings appear only as relations.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use std::time::Duration;

use wirelab::lab::push_client::{
    Dialer, KeepAlive, PushSpec, RequestHead, SseDrop, Technique, receive,
};
use wirelab::lab::scenario::push::{POLL_EVERY, SHORT_POLL_CLIENTS, SSE_DROP_AFTER, WORKLOAD};
use wirelab::lab::server::push::Workload;
use wirelab::lab::{Lab, run_scenario};
use wirelab::trace::{ApiObject, Dir, Event, EventKind, Side, Trace};

mod support;
use support::lab::socket_lab;

/// Literal, not taken from the code: the scenarios' workload is 5 events.
const EVENTS: u64 = 5;

fn emitted() -> Vec<u64> {
    (1..=EVENTS).collect()
}

/// The ids of the connections on `lane`, in order of opening.
fn conns(trace: &Trace, lane: &str) -> Vec<u32> {
    trace
        .connections
        .iter()
        .filter(|c| c.label.as_deref() == Some(lane))
        .map(|c| c.id)
        .collect()
}

fn on<'a>(trace: &'a Trace, ids: &'a [u32]) -> impl Iterator<Item = &'a Event> {
    trace
        .events
        .iter()
        .filter(move |e| e.conn.is_some_and(|c| ids.contains(&c)))
}

fn requests<'a>(trace: &'a Trace, ids: &'a [u32]) -> Vec<&'a Event> {
    on(trace, ids)
        .filter(|e| matches!(e.kind, EventKind::HttpRequest { .. }))
        .collect()
}

/// The event ids in the poll answers (JSON bodies) the server wrote on `conn`, read from
/// the recorded bytes with httparse.
fn polled_ids(trace: &Trace, conn: u32) -> Vec<u64> {
    let stream = trace
        .streams
        .iter()
        .find(|s| s.conn == conn && s.dir == Some(Dir::S2c))
        .map(|s| s.data.as_slice())
        .unwrap_or_default();
    let mut ids = Vec::new();
    let mut rest = stream;
    while !rest.is_empty() {
        let mut headers = [httparse::EMPTY_HEADER; 16];
        let mut response = httparse::Response::new(&mut headers);
        let httparse::Status::Complete(head) = response.parse(rest).unwrap() else {
            panic!("a partial response head on #{conn}");
        };
        assert_eq!(response.code, Some(200));
        let length: usize = response
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case("content-length"))
            .map(|h| std::str::from_utf8(h.value).unwrap().parse().unwrap())
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&rest[head..head + length]).unwrap();
        for event in body["events"].as_array().unwrap() {
            ids.push(event["id"].as_u64().unwrap());
        }
        rest = &rest[head + length..];
    }
    ids
}

/// The SSE event ids the dissector found on `ids`, in trace order.
fn sse_ids(trace: &Trace, ids: &[u32]) -> Vec<u64> {
    on(trace, ids)
        .filter_map(|e| match &e.kind {
            EventKind::SseEvent { id, .. } => id.as_deref().map(|i| i.parse().unwrap()),
            _ => None,
        })
        .collect()
}

fn header<'a>(event: &'a Event, name: &str) -> Option<&'a str> {
    let EventKind::HttpRequest { headers, .. } = &event.kind else {
        return None;
    };
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

#[test]
fn the_scenarios_workload_is_small() {
    assert_eq!(u64::from(WORKLOAD.events), EVENTS);
    assert!(WORKLOAD.interval > POLL_EVERY);
}

#[test]
fn short_polling_delivers_every_event_once_in_order_with_and_without_keep_alive() {
    let trace = run_scenario("short-poll", socket_lab()).unwrap();
    let [with, without] = SHORT_POLL_CLIENTS;

    // Keep-alive: one connection carries every poll.
    let kept = conns(&trace, with);
    assert_eq!(kept.len(), 1, "{with}: {kept:?}");
    assert_eq!(polled_ids(&trace, kept[0]), emitted());
    let polls = requests(&trace, &kept);
    // Polls every POLL_EVERY from the first request to the last: duration / interval + 1.
    let span_us = polls.last().unwrap().t_us - polls.first().unwrap().t_us;
    let expected =
        u64::try_from(span_us).unwrap() / u64::try_from(POLL_EVERY.as_micros()).unwrap() + 1;
    let n = polls.len() as u64;
    assert!(
        n + 1 >= expected && n <= expected + 1,
        "{n} polls over {span_us} µs"
    );
    // The interval is shorter than the events', so some answers are empty.
    assert!(n > EVENTS, "{n} polls");

    // Without keep-alive: one TCP connection per poll, each closed by the server.
    let opened = conns(&trace, without);
    assert!(opened.len() as u64 >= EVENTS, "{opened:?}");
    let mut delivered = Vec::new();
    for &conn in &opened {
        assert_eq!(
            requests(&trace, &[conn]).len(),
            1,
            "#{conn}: {:#?}",
            on(&trace, &[conn]).collect::<Vec<_>>()
        );
        assert_eq!(
            header(requests(&trace, &[conn])[0], "connection"),
            Some("close")
        );
        delivered.extend(polled_ids(&trace, conn));
    }
    assert_eq!(delivered, emitted());
}

#[test]
fn long_polling_takes_one_request_per_event() {
    let trace = run_scenario("long-poll", socket_lab()).unwrap();
    let ids = conns(&trace, "client");
    assert_eq!(ids.len(), 1);
    assert_eq!(polled_ids(&trace, ids[0]), emitted());
    let n = requests(&trace, &ids).len() as u64;
    // Events, plus at most one request answered empty by its timeout.
    assert!(n == EVENTS || n == EVENTS + 1, "{n} requests");
}

#[test]
fn sse_resumes_after_the_last_event_id_on_reconnection() {
    let trace = run_scenario("sse", socket_lab()).unwrap();
    let ids = conns(&trace, "client");
    assert_eq!(ids.len(), 2, "one drop, one reconnection");
    assert_eq!(sse_ids(&trace, &ids), emitted());
    assert_eq!(
        sse_ids(&trace, &ids[..1]),
        (1..=SSE_DROP_AFTER).collect::<Vec<_>>()
    );
    let first = requests(&trace, &ids[..1]);
    let again = requests(&trace, &ids[1..]);
    assert_eq!((first.len(), again.len()), (1, 1));
    assert_eq!(header(first[0], "last-event-id"), None);
    assert_eq!(header(again[0], "last-event-id"), Some("2"));
    // Both responses are event streams.
    for conn in &ids {
        let content_type = on(&trace, std::slice::from_ref(conn)).find_map(|e| match &e.kind {
            EventKind::HttpResponse { headers, .. } => headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))
                .map(|(_, v)| v.clone()),
            _ => None,
        });
        assert_eq!(content_type.as_deref(), Some("text/event-stream"));
    }
}

/// `sse-reconnect`: the server sets `retry: 300`, ends the stream after `id: 2` and closes;
/// the client reconnects on a new connection, no sooner than the reconnection time, with
/// `Last-Event-ID: 2`, and the server resumes at 3 (WHATWG HTML §9.2.3, §9.2.4). The API lane
/// shows the EventSource's `error` and its reconnection.
#[test]
fn sse_reconnect_the_server_drops_and_the_event_source_resumes() {
    let trace = run_scenario("sse-reconnect", socket_lab()).unwrap();
    let ids = conns(&trace, "client");
    assert_eq!(ids.len(), 2, "the dropped stream and the reconnection");
    assert_eq!(sse_ids(&trace, &ids), emitted());
    assert_eq!(sse_ids(&trace, &ids[..1]), vec![1, 2]);
    assert_eq!(sse_ids(&trace, &ids[1..]), vec![3, 4, 5]);
    let first = requests(&trace, &ids[..1]);
    let again = requests(&trace, &ids[1..]);
    assert_eq!((first.len(), again.len()), (1, 1));
    assert_eq!(header(first[0], "last-event-id"), None);
    assert_eq!(header(again[0], "last-event-id"), Some("2"));
    // The first response says it closes, sets the reconnection time, and ends its body (the
    // last chunk); then the server closes first.
    let response_header = |conn: u32, name: &str| {
        on(&trace, &[conn]).find_map(|e| match &e.kind {
            EventKind::HttpResponse {
                status, headers, ..
            } => {
                assert_eq!(*status, 200);
                headers
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.clone())
            }
            _ => None,
        })
    };
    for conn in &ids {
        assert_eq!(
            response_header(*conn, "content-type").as_deref(),
            Some("text/event-stream")
        );
    }
    assert_eq!(
        response_header(ids[0], "connection").as_deref(),
        Some("close")
    );
    let retries: Vec<Option<u64>> = on(&trace, &ids[..1])
        .filter_map(|e| match &e.kind {
            EventKind::SseEvent { retry, .. } => Some(*retry),
            _ => None,
        })
        .collect();
    assert_eq!(retries, vec![Some(300), Some(300)]);
    let body_end = on(&trace, &ids[..1]).find_map(|e| match &e.kind {
        EventKind::HttpBodyEnd { complete, .. } if e.dir == Some(Dir::S2c) => Some(*complete),
        _ => None,
    });
    assert_eq!(body_end, Some(true), "the server ended the stream");
    let closes: Vec<(i64, Option<Side>)> = on(&trace, &ids[..1])
        .filter_map(|e| match &e.kind {
            EventKind::TcpClose { initiator, .. } => Some((e.t_us, *initiator)),
            _ => None,
        })
        .collect();
    assert_eq!(closes.len(), 1);
    assert_eq!(closes[0].1, Some(Side::Server));
    // The reconnection waited the reconnection time after the drop (a lower bound only).
    let reconnected = on(&trace, &ids[1..])
        .find(|e| matches!(e.kind, EventKind::TcpAccept { .. }))
        .unwrap()
        .t_us;
    assert!(
        reconnected >= closes[0].0 + 300_000,
        "reconnected {} µs after the drop",
        reconnected - closes[0].0
    );
    // The API lane: open, two messages and error (back to CONNECTING) on the first
    // connection; CONNECTING with Last-Event-ID 2, open and three messages on the second.
    let api = |conn: u32| -> Vec<(u8, Option<String>, Option<String>)> {
        on(&trace, &[conn])
            .filter_map(|e| match &e.kind {
                EventKind::Api {
                    object: ApiObject::EventSource,
                    ready_state,
                    fires,
                    last_event_id,
                    ..
                } => Some((*ready_state, fires.clone(), last_event_id.clone())),
                _ => None,
            })
            .collect()
    };
    let s = |v: &str| Some(v.to_string());
    assert_eq!(
        api(ids[0]),
        vec![
            (0, None, None),
            (1, s("open"), None),
            (1, s("message"), s("1")),
            (1, s("message"), s("2")),
            (0, s("error"), None),
        ]
    );
    // (How the run's end closes the second stream is not this scenario's business.)
    assert_eq!(
        api(ids[1]).get(..5),
        Some(
            &[
                (0, None, s("2")),
                (1, s("open"), None),
                (1, s("message"), s("3")),
                (1, s("message"), s("4")),
                (1, s("message"), s("5")),
            ][..]
        )
    );
}

/// Four techniques at once against one lab server: all share the one event source, and each
/// receives its whole sequence.
#[test]
fn every_technique_receives_the_one_source_s_sequence() {
    let lab = Lab::start(socket_lab(), None).unwrap();
    let server = lab.server_addr();
    let workload = Workload {
        events: 4,
        interval: Duration::from_millis(50),
        payload_bytes: 8,
        ..Workload::default()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let techniques = [
        (
            Technique::ShortPoll {
                every: Duration::from_millis(20),
            },
            KeepAlive::Off,
        ),
        (Technique::LongPoll, KeepAlive::On),
        (
            Technique::Sse {
                drop: SseDrop::Never,
            },
            KeepAlive::On,
        ),
        (Technique::WebSocket, KeepAlive::On),
    ];
    let results = runtime.block_on(async {
        let tasks: Vec<_> = techniques
            .iter()
            .map(|&(technique, keep_alive)| {
                let spec = PushSpec {
                    technique,
                    keep_alive,
                    workload,
                    head: RequestHead::Minimal,
                };
                tokio::spawn(async move {
                    let dialer = Dialer::new(server, None);
                    receive(spec, None, &dialer).await
                })
            })
            .collect();
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await.unwrap());
        }
        results
    });
    for ((technique, _), result) in techniques.iter().zip(results) {
        assert_eq!(result.unwrap().ids, [1, 2, 3, 4], "{technique:?}");
    }
}
