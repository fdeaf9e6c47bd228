//! Open spans on a connection's lane: a request waiting for its response (the server holds
//! it: long polling) and a response whose body stays open after its head (an event stream,
//! a streamed body). Pure, computed once per [`Rows`] from the rows in time order.
//!
//! A span is never "idle" time: the layout shortens a long gap inside one but does not
//! collapse it as idle ([`GapKind::Held`]), and the scene draws the span beside the client's
//! lifeline with what it is ("request held by the server 501 ms").

use std::collections::{HashMap, VecDeque};

use super::layout::GapKind;
use super::rows::Rows;
use crate::lang::Lang;
use crate::proto::http::Headers;
use crate::trace::describe::{LONG_WAIT_US, format_duration_us};
use crate::trace::{Dir, EventKind, Trace};

/// What a span is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpanKind {
    /// A request, from when it was sent until its response's head (or the connection's end).
    Held,
    /// A response body shown at its head, from the head until the body's end.
    Stream {
        /// The response is a `text/event-stream` (server-sent events).
        event_stream: Stream,
    },
}

/// Which kind of body a [`SpanKind::Stream`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    /// `text/event-stream`: server-sent events hang off it.
    EventStream,
    /// Any other body that ran on after its head (until the close, or chunked).
    Body,
}

/// How a span ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpanEnd {
    /// The response came (a held request) or the body ended as its framing says.
    Done,
    /// The connection ended first: the request was never answered, or the body was cut
    /// short by the close.
    Closed,
    /// Not yet: still open at the newest row.
    Open,
}

/// One span.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Span {
    /// The connection (its client lane).
    pub conn: u32,
    /// What it is.
    pub kind: SpanKind,
    /// The row it starts on (the request, or the response's head).
    pub start_row: usize,
    /// The row it ends on; for an open span, the newest row.
    pub end_row: usize,
    /// How it ended.
    pub end: SpanEnd,
    /// How long it lasted (µs); for an open span, until the newest row (not said in its
    /// label: the newest row is not "now").
    pub lasted_us: i64,
}

impl Span {
    /// What the span says on the diagram, in `lang`; `None` for a request answered at once,
    /// which is drawn but needs no words.
    pub fn label(&self, lang: Lang) -> Option<String> {
        let lasted = format_duration_us(self.lasted_us);
        let zh = lang == Lang::Zh;
        Some(match (self.kind, self.end) {
            (SpanKind::Held, SpanEnd::Done) if self.lasted_us < LONG_WAIT_US => return None,
            (SpanKind::Held, SpanEnd::Done) if zh => format!("请求被服务器挂起了 {lasted}"),
            (SpanKind::Held, SpanEnd::Done) => format!("request held by the server {lasted}"),
            (SpanKind::Held, SpanEnd::Closed) if zh => {
                format!("请求始终没有得到应答：连接在 {lasted} 后结束")
            }
            (SpanKind::Held, SpanEnd::Closed) => {
                format!("request never answered: the connection ended after {lasted}")
            }
            // No duration: the newest row is not "now", so it would understate the wait.
            (SpanKind::Held, SpanEnd::Open) if zh => "请求被服务器挂起，尚无响应".to_string(),
            (SpanKind::Held, SpanEnd::Open) => {
                "request held by the server, no response yet".to_string()
            }
            (SpanKind::Stream { event_stream }, end) => {
                let what = match (event_stream, lang) {
                    (Stream::EventStream, Lang::En) => "event stream open",
                    (Stream::Body, Lang::En) => "body streaming",
                    (Stream::EventStream, Lang::Zh) => "事件流打开中",
                    (Stream::Body, Lang::Zh) => "消息体持续传输中",
                };
                match (end, lang) {
                    (SpanEnd::Open, Lang::En) => format!("{what}, not ended yet"),
                    (SpanEnd::Open, Lang::Zh) => format!("{what}，尚未结束"),
                    (SpanEnd::Done | SpanEnd::Closed, _) => format!("{what} {lasted}"),
                }
            }
        })
    }
}

/// What [`find_spans`] tracks per connection.
#[derive(Default)]
struct Pending {
    /// Requests not answered yet, oldest first: (row, time).
    waiting: VecDeque<(usize, i64)>,
    /// The latest response head: (row, time, kind of body).
    response: Option<(usize, i64, Stream)>,
}

/// The spans of `rows` (built from `trace`), ordered by their first row.
pub fn find_spans(trace: &Trace, rows: &Rows) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut pending: HashMap<u32, Pending> = HashMap::new();
    let span = |conn, kind, start: (usize, i64), end: (usize, i64), how| Span {
        conn,
        kind,
        start_row: start.0,
        end_row: end.0,
        end: how,
        lasted_us: end.1.saturating_sub(start.1).max(0),
    };
    for (r, row) in rows.rows.iter().enumerate() {
        let Some(event) = trace.events.get(row.event) else {
            continue;
        };
        let Some(conn) = event.conn else {
            continue;
        };
        let here = (r, row.t_us);
        match &event.kind {
            EventKind::HttpRequest { .. } if event.dir == Some(Dir::C2s) => {
                pending.entry(conn).or_default().waiting.push_back(here);
            }
            // A final response answers the oldest waiting request (HTTP/1.1 answers in
            // order); a 101 is final too: the connection speaks WebSocket after it.
            EventKind::HttpResponse {
                status, headers, ..
            } if event.dir == Some(Dir::S2c) && (*status >= 200 || *status == 101) => {
                let p = pending.entry(conn).or_default();
                if let Some(request) = p.waiting.pop_front() {
                    spans.push(span(conn, SpanKind::Held, request, here, SpanEnd::Done));
                }
                let body = if Headers::new(headers).has_media_type("text/event-stream") {
                    Stream::EventStream
                } else {
                    Stream::Body
                };
                p.response = (*status != 101).then_some((r, row.t_us, body));
            }
            EventKind::HttpBodyEnd { complete, .. } => {
                if let Some((start, t, body)) =
                    pending.get_mut(&conn).and_then(|p| p.response.take())
                {
                    let how = if *complete {
                        SpanEnd::Done
                    } else {
                        SpanEnd::Closed
                    };
                    let kind = SpanKind::Stream { event_stream: body };
                    spans.push(span(conn, kind, (start, t), here, how));
                }
            }
            // The connection ends: a request still waiting will not be answered.
            EventKind::TcpClose { .. } | EventKind::TcpRst(_) => {
                close_waiting(&mut spans, &mut pending, conn, here, &span);
            }
            EventKind::TcpFin(_) if event.dir == Some(Dir::S2c) => {
                close_waiting(&mut spans, &mut pending, conn, here, &span);
            }
            _ => {}
        }
    }
    // Still open at the newest row.
    if let Some(last) = rows.rows.len().checked_sub(1) {
        let now = (last, rows.rows.get(last).map_or(0, |r| r.t_us));
        let mut conns: Vec<_> = pending.into_iter().collect();
        conns.sort_by_key(|(conn, _)| *conn);
        for (conn, p) in conns {
            for request in p.waiting {
                spans.push(span(conn, SpanKind::Held, request, now, SpanEnd::Open));
            }
            if let Some((start, t, Stream::EventStream)) = p.response {
                let kind = SpanKind::Stream {
                    event_stream: Stream::EventStream,
                };
                spans.push(span(conn, kind, (start, t), now, SpanEnd::Open));
            }
        }
    }
    spans.sort_by_key(|s| (s.start_row, s.end_row));
    spans
}

type MakeSpan = dyn Fn(u32, SpanKind, (usize, i64), (usize, i64), SpanEnd) -> Span;

fn close_waiting(
    spans: &mut Vec<Span>,
    pending: &mut HashMap<u32, Pending>,
    conn: u32,
    here: (usize, i64),
    span: &MakeSpan,
) {
    if let Some(p) = pending.get_mut(&conn) {
        for request in p.waiting.drain(..) {
            spans.push(span(conn, SpanKind::Held, request, here, SpanEnd::Closed));
        }
    }
}

/// For each of `n` rows, what the time before it is: [`GapKind::Held`] inside a span.
pub fn gap_kinds(spans: &[Span], n: usize) -> Vec<GapKind> {
    // +1 where a span's inside starts, -1 after it ends: a running sum says "inside".
    let mut delta = vec![0i32; n + 1];
    for s in spans {
        let (from, to) = (s.start_row + 1, s.end_row.min(n.saturating_sub(1)));
        if from <= to {
            // to + 1 <= n: both are in the table.
            if let Some(d) = delta.get_mut(from) {
                *d += 1;
            }
            if let Some(d) = delta.get_mut(to + 1) {
                *d -= 1;
            }
        }
    }
    let mut inside = 0i32;
    delta
        .iter()
        .take(n)
        .map(|d| {
            inside += d;
            if inside > 0 {
                GapKind::Held
            } else {
                GapKind::Idle
            }
        })
        .collect()
}
