//! The push scenarios: the same event sequence (the lab server's one event source) received
//! by short polling, long polling (RFC 6202 §2), server-sent events (HTTP streaming,
//! RFC 6202 §3; WHATWG HTML §9.2) and WebSocket push (RFC 6455).

use std::time::Duration;

use super::{Action, Stage, client, connect, expect, expect_dir, lane_zh, say};
use crate::lab::push_client::{KeepAlive, PushSpec, RequestHead, SseDrop, Technique};
use crate::lab::server::push::{LONG_POLL_PATH, POLL_PATH, SSE_PATH, Timing, WS_PATH, Workload};
use crate::lang::Phrase;
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

fn events_note() -> Phrase {
    let (n, bytes, ms) = (
        WORKLOAD.events,
        WORKLOAD.payload_bytes,
        WORKLOAD.interval.as_millis(),
    );
    say(
        format!("{n} events of {bytes} B, {ms} ms apart"),
        format!("{n} 个 {bytes} B 的事件，间隔 {ms} ms"),
    )
}

pub(super) fn short_poll() -> Vec<Stage> {
    let [with, without] = SHORT_POLL_CLIENTS;
    let (with_zh, without_zh) = (lane_zh(with), lane_zh(without));
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
            say(
                format!(
                    "{with}: GET {POLL_PATH}?since=N every {every} ms, each answered at once, most \
                     of them empty (short polling, {}); {}; every poll on one persistent \
                     connection ({})",
                    cite::RFC6202_2,
                    events_note().en,
                    cite::RFC9112_9_3
                ),
                format!(
                    "{with_zh}：每 {every} ms 发一次 GET {POLL_PATH}?since=N，每次都立即得到回答，\
                     大多是空的（短轮询，{}）；{}；所有轮询都走同一个持久连接（{}）",
                    cite::RFC6202_2,
                    events_note().zh,
                    cite::RFC9112_9_3
                ),
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
            say(
                format!(
                    "{without}: polls every {} ms with Connection: close, as HTTP/1.0 does by \
                     default: a new TCP connection for every poll ({})",
                    POLL_EVERY_NO_KEEP_ALIVE.as_millis(),
                    cite::RFC9112_9_6
                ),
                format!(
                    "{without_zh}：每 {} ms 轮询一次，带 Connection: close，就像 HTTP/1.0 的默认行为：\
                     每次轮询都新建一个 TCP 连接（{}）",
                    POLL_EVERY_NO_KEEP_ALIVE.as_millis(),
                    cite::RFC9112_9_6
                ),
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
            say(
                format!(
                    "client: GET {LONG_POLL_PATH}?since=N: the server holds each request until the \
                     next event, answers with it, and the client asks again at once: one request \
                     per event ({}); {}",
                    cite::RFC6202_2,
                    events_note().en
                ),
                format!(
                    "客户端：GET {LONG_POLL_PATH}?since=N：服务器把每个请求挂起，直到下一个事件发生，\
                     用它作为回答，客户端随即再次请求：每个事件一个请求（{}）；{}",
                    cite::RFC6202_2,
                    events_note().zh
                ),
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
                    drop: SseDrop::ByClient {
                        after: SSE_DROP_AFTER,
                    },
                },
                keep_alive: KeepAlive::On,
                workload: WORKLOAD,
                head: RequestHead::Minimal,
            }),
            say(
                format!(
                    "client: GET {SSE_PATH}: one text/event-stream response ({}) that stays open, \
                     each event an id: and a data: line sent as it happens (HTTP streaming, {}); \
                     {}; after event {SSE_DROP_AFTER} the connection drops and the client \
                     reconnects with Last-Event-ID: {SSE_DROP_AFTER}, so the server resumes after \
                     it ({})",
                    cite::WHATWGHTML_9_2,
                    cite::RFC6202_3,
                    events_note().en,
                    cite::WHATWGHTML_9_2_4
                ),
                format!(
                    "客户端：GET {SSE_PATH}：一个保持打开的 text/event-stream 响应（{}），\
                     每个事件发生时就发出一行 id: 和一行 data:（HTTP 流，{}）；{}；\
                     第 {SSE_DROP_AFTER} 个事件之后连接断开，客户端带着 Last-Event-ID: {SSE_DROP_AFTER} \
                     重新连接，服务器从它之后继续发送（{}）",
                    cite::WHATWGHTML_9_2,
                    cite::RFC6202_3,
                    events_note().zh,
                    cite::WHATWGHTML_9_2_4
                ),
            ),
            expect_all,
        ),
    ]
}

/// The reconnection time `sse-reconnect`'s server sets with `retry:`.
pub const SSE_RETRY: Duration = Duration::from_millis(300);

pub(super) fn sse_reconnect() -> Vec<Stage> {
    let n = SSE_DROP_AFTER;
    let retry = SSE_RETRY.as_millis();
    // The first request, the reconnection with Last-Event-ID, both 200 text/event-stream;
    // every event; the server's end of the first stream.
    let mut expect_all = vec![
        expect_dir("client", "http_request", Dir::C2s),
        expect_dir("client", "http_request", Dir::C2s).header("Last-Event-ID"),
    ];
    expect_all.extend(times(2, "client", "http_response", Dir::S2c));
    expect_all.extend(times(WORKLOAD.events, "client", "sse_event", Dir::S2c));
    expect_all.push(expect_dir("client", "http_body_end", Dir::S2c));
    vec![
        connect(0, "client"),
        client(
            0,
            Action::Push(PushSpec {
                technique: Technique::Sse {
                    drop: SseDrop::ByServer {
                        after: n,
                        retry: SSE_RETRY,
                    },
                },
                keep_alive: KeepAlive::On,
                workload: WORKLOAD,
                head: RequestHead::Minimal,
            }),
            say(
                format!(
                    "client: GET {SSE_PATH}: a text/event-stream response ({}) whose first line, \
                     retry: {retry}, sets the reconnection time; {}; after event {n} (id: {n}) \
                     the server ends the stream and closes the connection; the EventSource fires \
                     error, waits {retry} ms and reconnects on a new connection with \
                     Last-Event-ID: {n} ({}), so the server resumes at event {} ({})",
                    cite::WHATWGHTML_9_2,
                    events_note().en,
                    cite::WHATWGHTML_9_2_3,
                    n + 1,
                    cite::WHATWGHTML_9_2_4
                ),
                format!(
                    "客户端：GET {SSE_PATH}：一个 text/event-stream 响应（{}），第一行 retry: {retry} \
                     设定重连时间；{}；第 {n} 个事件（id: {n}）之后，服务器结束事件流并关闭连接；\
                     EventSource 触发 error，等待 {retry} ms 后在新的连接上带着 Last-Event-ID: {n} \
                     重新连接（{}），服务器于是从第 {} 个事件继续（{}）",
                    cite::WHATWGHTML_9_2,
                    events_note().zh,
                    cite::WHATWGHTML_9_2_3,
                    n + 1,
                    cite::WHATWGHTML_9_2_4
                ),
            ),
            expect_all,
        ),
    ]
}

pub(super) fn websocket() -> Vec<Stage> {
    let mut expect_all = vec![
        expect_dir("client", "http_request", Dir::C2s),
        expect_dir("client", "http_response", Dir::S2c),
    ];
    expect_all.extend(times(WORKLOAD.events, "client", "ws_message", Dir::S2c));
    vec![
        connect(0, "client"),
        client(
            0,
            Action::Push(PushSpec {
                technique: Technique::WebSocket,
                keep_alive: KeepAlive::On,
                workload: WORKLOAD,
                head: RequestHead::Minimal,
            }),
            say(
                format!(
                    "client: GET {WS_PATH} upgraded to WebSocket ({}): the server sends each \
                     event as a text message when it happens, with no request per event; an \
                     unmasked server frame with a payload under 126 bytes has a 2-byte header \
                     ({}); {}; after the last event the server closes with 1000 ({})",
                    cite::RFC6455_1_3,
                    cite::RFC6455_5_2,
                    events_note().en,
                    cite::RFC6455_7_4_1
                ),
                format!(
                    "客户端：GET {WS_PATH} 升级为 WebSocket（{}）：每个事件发生时，服务器就把它作为\
                     一条文本消息发出，不需要每个事件一个请求；服务器的帧不加掩码，载荷小于 126 字节时\
                     帧头只有 2 字节（{}）；{}；最后一个事件之后，服务器以关闭码 1000 关闭（{}）",
                    cite::RFC6455_1_3,
                    cite::RFC6455_5_2,
                    events_note().zh,
                    cite::RFC6455_7_4_1
                ),
            ),
            expect_all,
        ),
    ]
}
