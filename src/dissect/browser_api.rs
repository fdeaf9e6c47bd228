//! What the browser's API objects would report for one connection, inferred from the wire:
//! `WebSocket` (WHATWG WebSockets; RFC 6455 §7), `fetch()`/`XMLHttpRequest` for a plain HTTP
//! request (WHATWG Fetch) and `EventSource` for an event stream (WHATWG HTML §9.2).
//!
//! One rule for every source (packets, the lab's socket tap, both merged), so the Lab and the
//! File view agree:
//!
//! - **The object exists before the connection.** `new WebSocket(url)`, `new EventSource(url)`
//!   and `fetch()` run before the TCP connect, so the first `readyState` is drawn at the
//!   connection's first event (the SYN in a capture, `connect()`/`accept()` at the socket).
//!   The wire only tells which object it was later (the upgrade request, the response), so
//!   that `api` event is emitted then, with its `cause` at the connection's first event (for
//!   a later request on a kept-alive connection, at the request itself).
//! - **`close` fires when the WebSocket connection is closed**, which RFC 6455 §7.1.4 defines
//!   as the underlying TCP connection being closed: for the client, when its own side closes,
//!   whether it answers the server's FIN (after the closing handshake the server closes
//!   first, §7.1.1) or closes first; a RST closes it at once. In a capture that is the
//!   client's FIN; the socket tap sees neither FIN, so there it is the server's close (the
//!   last thing the tap sees of the connection).
//!
//! WebSocket: CONNECTING (0); a valid 101 opens it (1, `open`); a refused or invalid answer
//! fails it (`error`, then `close` with 1006); messages from the server fire `message` while
//! it is OPEN; the first close frame either way starts the closing handshake (2, CLOSING);
//! the end of the TCP connection closes it (3, `close` with the code the server sent, 1005 if
//! its close frame had none, 1006 if none came; `wasClean` when close frames went both ways).
//! A server message that breaks a framing rule makes the browser fail the connection:
//! CLOSING at once, then `error` and `close` 1006 when TCP closes.
//!
//! fetch (with the `readyState` an `XMLHttpRequest` would have; not for a request a browser
//! marks as something else with `Sec-Fetch-Dest`, such as the page itself): sent (1 OPENED); the
//! response's head resolves the promise (2 HEADERS_RECEIVED, `response`); the end of the body
//! (4 DONE, `load`), or `error` when the connection ended first. EventSource: CONNECTING (0);
//! a 200 `text/event-stream` response announces the connection (1 OPEN, `open`); each
//! dispatched event fires `message` (or its `event:` type) with `lastEventId`; the server
//! ending the stream makes it reconnect (`error`, back to CONNECTING); any other response
//! fails it (`error`, 2 CLOSED); the client closing first is `close()` (CLOSED, no event).

use std::collections::VecDeque;

use crate::proto::cite::{self, Cite};
use crate::proto::http::{BodyFraming, Headers, ResponseHead, response_body_framing};
use crate::proto::ws::handshake;
use crate::trace::{ApiObject, Dir, Event, EventKind, Severity};

/// WebSocket `readyState` CONNECTING.
const CONNECTING: u8 = 0;
/// WebSocket `readyState` OPEN.
const OPEN: u8 = 1;
/// WebSocket `readyState` CLOSING.
const CLOSING: u8 = 2;
/// WebSocket `readyState` CLOSED.
const CLOSED: u8 = 3;

/// `EventSource.readyState` values (CONNECTING and OPEN are numbered as a WebSocket's).
const ES_CLOSED: u8 = 2;

/// `XMLHttpRequest.readyState` values for a fetch.
const XHR_OPENED: u8 = 1;
const XHR_HEADERS_RECEIVED: u8 = 2;
const XHR_DONE: u8 = 4;

/// How many characters of a text message the `message` preview shows.
const PREVIEW_CHARS: usize = 40;

/// Infers the browser API's view of one connection.
pub struct BrowserApi {
    conn: u32,
    /// The index of the connection's first event: the API object existed before it.
    first: Option<u64>,
    /// Packet events were seen (a capture): the client's FIN is visible.
    packets: bool,
    /// HTTP requests seen before this one (only the first one opened the connection).
    requests: u32,
    ws: Option<WebSocket>,
    http: Http,
}

/// The `WebSocket` object of a connection that made an upgrade request.
struct WebSocket {
    ready_state: u8,
    close_sent: bool,
    /// The server's close frame, once it came.
    close_received: Option<ServerClose>,
    /// The server broke a framing rule: the browser failed the connection (RFC 6455 §7.1.7).
    failed: bool,
}

/// What the server's close frame said.
struct ServerClose {
    code: Option<u16>,
    reason: Option<String>,
}

/// Plain HTTP on the connection: fetches and event streams.
#[derive(Default)]
struct Http {
    /// Requests not answered yet, oldest first (HTTP/1.1 answers in order).
    pending: VecDeque<Request>,
    /// The response whose body is still coming (shown at its head).
    streaming: Option<Stream>,
}

/// A request waiting for its response.
struct Request {
    /// Where the object's first state is drawn.
    cause: u64,
    method: String,
    /// `Accept: text/event-stream`: what an `EventSource` sends, so it is one from the start.
    event_source: bool,
    /// The `Last-Event-ID` it carries: an `EventSource` reconnecting.
    last_event_id: Option<String>,
    /// A browser said it is not a script's request (`Sec-Fetch-Dest` other than `empty`: a
    /// page, an image): no fetch() is shown for it.
    not_a_script: bool,
}

/// A body still arriving.
enum Stream {
    Fetch,
    EventSource,
}

/// The fields of one `api` event.
#[derive(Default)]
struct Api {
    fires: Option<&'static str>,
    code: Option<u16>,
    reason: Option<String>,
    was_clean: Option<bool>,
    data: Option<String>,
    last_event_id: Option<String>,
    /// The `event:` type an EventSource dispatches instead of `message`.
    event_type: Option<String>,
}

/// Collects the `api` events one wire event causes.
struct Emit<'a> {
    conn: u32,
    t_us: i64,
    cause: u64,
    out: &'a mut Vec<Event>,
}

impl Emit<'_> {
    /// An event of `object` caused by the wire event being observed.
    fn push(&mut self, object: ApiObject, ready_state: u8, api: Api) {
        let cause = self.cause;
        self.push_at(cause, object, ready_state, api);
    }

    /// An event drawn at `cause` (an earlier event: what the wire revealed only now).
    fn push_at(&mut self, cause: u64, object: ApiObject, ready_state: u8, api: Api) {
        self.out.push(Event {
            t_us: self.t_us,
            conn: Some(self.conn),
            dir: None,
            span: None,
            kind: EventKind::Api {
                object,
                ready_state,
                fires: api.event_type.or(api.fires.map(str::to_string)),
                code: api.code,
                reason: api.reason,
                was_clean: api.was_clean,
                data: api.data,
                last_event_id: api.last_event_id,
                cause: Some(cause),
            },
        });
    }

    fn ws(&mut self, ready_state: u8, api: Api) {
        self.push(ApiObject::WebSocket, ready_state, api);
    }
}

impl BrowserApi {
    /// A model for connection `conn`, seen from its client.
    pub fn new(conn: u32) -> Self {
        BrowserApi {
            conn,
            first: None,
            packets: false,
            requests: 0,
            ws: None,
            http: Http::default(),
        }
    }

    /// Observes the trace event at `index`; pushes the `api` events it causes onto `out`.
    pub fn observe(&mut self, index: u64, event: &Event, out: &mut Vec<Event>) {
        if event.conn != Some(self.conn) {
            return;
        }
        let first = *self.first.get_or_insert(index);
        if matches!(
            event.kind,
            EventKind::TcpSyn(_)
                | EventKind::TcpSynAck(_)
                | EventKind::TcpAck(_)
                | EventKind::TcpFin(_)
                | EventKind::TcpRst(_)
        ) {
            self.packets = true;
        }
        let mut emit = Emit {
            conn: self.conn,
            t_us: event.t_us,
            cause: index,
            out,
        };
        if let EventKind::HttpRequest {
            method, headers, ..
        } = &event.kind
            && event.dir == Some(Dir::C2s)
        {
            // The object was made before the connection when this request opened it.
            let cause = if self.requests == 0 { first } else { index };
            self.requests = self.requests.saturating_add(1);
            if self.ws.is_none() && handshake::is_upgrade_request(method, headers) {
                self.ws = Some(WebSocket {
                    ready_state: CONNECTING,
                    close_sent: false,
                    close_received: None,
                    failed: false,
                });
                emit.push_at(cause, ApiObject::WebSocket, CONNECTING, Api::default());
                return;
            }
            if self.ws.is_none() {
                self.http.request(cause, method, headers, &mut emit);
            }
            return;
        }
        if self.closes_tcp(event)
            && let Some(ws) = self.ws.as_mut()
        {
            ws.tcp_closed(&mut emit);
        }
        match self.ws.as_mut() {
            Some(ws) => ws.observe(event, &mut emit),
            None => self.http.observe(event, &mut emit),
        }
    }

    /// Whether `event` is where the client's TCP connection is closed (see the module docs).
    fn closes_tcp(&self, event: &Event) -> bool {
        match event.kind {
            EventKind::TcpRst(_) => true,
            EventKind::TcpFin(_) => event.dir == Some(Dir::C2s),
            EventKind::TcpClose { .. } => !self.packets,
            _ => false,
        }
    }
}

impl WebSocket {
    fn observe(&mut self, event: &Event, emit: &mut Emit<'_>) {
        if self.ready_state == CLOSED {
            return;
        }
        match &event.kind {
            EventKind::WsUpgradeCheck { valid, .. } if self.ready_state == CONNECTING => {
                if *valid {
                    self.ready_state = OPEN;
                    emit.ws(
                        OPEN,
                        Api {
                            fires: Some("open"),
                            ..Api::default()
                        },
                    );
                } else {
                    // "Fail the WebSocket connection": error, then close with 1006.
                    self.ready_state = CLOSED;
                    fail(emit);
                }
            }
            EventKind::Diagnostic {
                severity: Severity::Error,
                rule: Some(rule),
                ..
            } if event.dir == Some(Dir::S2c)
                && matches!(self.ready_state, OPEN | CLOSING)
                && !self.failed
                && fails_connection(rule) =>
            {
                // The browser fails the connection: it sends a close frame (the closing
                // handshake starts) and ignores whatever the server sends afterwards.
                self.failed = true;
                self.start_closing(emit);
            }
            EventKind::WsMessage { .. } if self.failed => {}
            EventKind::WsMessage {
                opcode,
                payload_len,
                text,
                close_code,
                close_reason,
                ..
            } => match (event.dir, *opcode) {
                (Some(Dir::S2c), 1 | 2) if self.ready_state == OPEN => {
                    // Compressed messages arrive inflated; text that could not be decoded
                    // (not inflatable, not UTF-8) has no `text`.
                    let data = match (text, *opcode) {
                        (Some(t), 1) => preview(t),
                        (None, 1) => {
                            format!("(text that could not be decoded, {payload_len} bytes)")
                        }
                        _ => format!("ArrayBuffer/Blob ({payload_len} bytes)"),
                    };
                    emit.ws(
                        OPEN,
                        Api {
                            fires: Some("message"),
                            data: Some(data),
                            ..Api::default()
                        },
                    );
                }
                (Some(Dir::C2s), 8) if !self.close_sent => {
                    // close() was called: the client sent its close frame.
                    self.close_sent = true;
                    self.start_closing(emit);
                }
                (Some(Dir::S2c), 8) if self.close_received.is_none() => {
                    self.close_received = Some(ServerClose {
                        code: *close_code,
                        reason: close_reason.clone(),
                    });
                    self.start_closing(emit);
                }
                _ => {}
            },
            _ => {}
        }
    }

    /// The TCP connection closed: `close` fires (after `error` if it never opened).
    fn tcp_closed(&mut self, emit: &mut Emit<'_>) {
        if self.ready_state == CLOSED {
            return;
        }
        let was_connecting = self.ready_state == CONNECTING;
        self.ready_state = CLOSED;
        if was_connecting || self.failed {
            fail(emit);
            return;
        }
        // CloseEvent.code: the server's close code; 1005 when its close frame had none;
        // 1006 when no close frame came (RFC 6455 §7.1.5, §7.4.1).
        let (code, reason) = match &self.close_received {
            Some(ServerClose {
                code: Some(code),
                reason,
            }) => (*code, reason.clone().unwrap_or_default()),
            Some(ServerClose { code: None, .. }) => (1005, String::new()),
            None => (1006, String::new()),
        };
        emit.ws(
            CLOSED,
            Api {
                fires: Some("close"),
                code: Some(code),
                reason: Some(reason),
                // Clean: the closing handshake completed (close frames both ways).
                was_clean: Some(self.close_sent && self.close_received.is_some()),
                ..Api::default()
            },
        );
    }

    fn start_closing(&mut self, emit: &mut Emit<'_>) {
        if self.ready_state == OPEN {
            self.ready_state = CLOSING;
            emit.ws(CLOSING, Api::default());
        }
    }
}

impl Http {
    /// A request went out: an `EventSource` shows CONNECTING now; a fetch is shown once its
    /// response tells it was not an event stream.
    fn request(
        &mut self,
        cause: u64,
        method: &str,
        headers: &[(String, String)],
        emit: &mut Emit<'_>,
    ) {
        let event_source = Headers::new(headers)
            .list("accept")
            .any(|v| media_type_is(v, "text/event-stream"));
        let last_event_id = Headers::new(headers)
            .get("last-event-id")
            .map(str::to_string);
        // fetch(), XMLHttpRequest and EventSource send `Sec-Fetch-Dest: empty`.
        let not_a_script = Headers::new(headers)
            .get("sec-fetch-dest")
            .is_some_and(|d| !d.trim().eq_ignore_ascii_case("empty"));
        if event_source {
            emit.push_at(
                cause,
                ApiObject::EventSource,
                CONNECTING,
                Api {
                    last_event_id: last_event_id.clone(),
                    ..Api::default()
                },
            );
        }
        self.pending.push_back(Request {
            cause,
            method: method.to_string(),
            event_source,
            last_event_id,
            not_a_script,
        });
    }

    fn observe(&mut self, event: &Event, emit: &mut Emit<'_>) {
        match &event.kind {
            EventKind::HttpResponse {
                status,
                reason,
                version,
                headers,
                head_len,
                body_len,
                chunked_overhead,
            } if event.dir == Some(Dir::S2c) && !(100..200).contains(status) => {
                let Some(request) = self.pending.pop_front() else {
                    return;
                };
                let head = ResponseHead {
                    status: *status,
                    reason: reason.clone(),
                    version: version.clone(),
                    headers: headers.clone(),
                    head_len: usize::try_from(*head_len).unwrap_or(usize::MAX),
                };
                let framing = response_body_framing(Some(&request.method), &head).ok();
                let event_stream = Headers::new(headers).has_media_type("text/event-stream")
                    && framing != Some(BodyFraming::None);
                if request.event_source || (event_stream && *status == 200) {
                    self.event_source_response(&request, *status, event_stream, emit);
                } else if !request.not_a_script {
                    let body = body_len.saturating_sub(chunked_overhead.unwrap_or(0));
                    let streaming = event_stream || framing == Some(BodyFraming::UntilClose);
                    self.fetch_response(&request, *status, reason, streaming, body, emit);
                }
            }
            EventKind::SseEvent {
                id,
                event: kind,
                data,
                ..
            } if matches!(self.streaming, Some(Stream::EventSource)) => {
                emit.push(
                    ApiObject::EventSource,
                    OPEN,
                    Api {
                        fires: Some("message"),
                        event_type: kind.clone(),
                        data: Some(preview(data)),
                        last_event_id: Some(id.clone().unwrap_or_default()),
                        ..Api::default()
                    },
                );
            }
            EventKind::HttpBodyEnd {
                body_len,
                complete,
                chunked_overhead,
            } if event.dir == Some(Dir::S2c) => match self.streaming.take() {
                Some(Stream::Fetch) => {
                    let body = body_len.saturating_sub(chunked_overhead.unwrap_or(0));
                    fetch_done(*complete, body, emit);
                }
                // The server ended the stream: the browser reconnects.
                Some(Stream::EventSource) => reconnect(emit),
                None => {}
            },
            EventKind::TcpFin(_) | EventKind::TcpClose { .. } | EventKind::TcpRst(_) => {
                self.connection_ends(event, emit);
            }
            _ => {}
        }
    }

    fn event_source_response(
        &mut self,
        request: &Request,
        status: u16,
        event_stream: bool,
        emit: &mut Emit<'_>,
    ) {
        if !request.event_source {
            // Known only now: the object was CONNECTING from the request on.
            emit.push_at(
                request.cause,
                ApiObject::EventSource,
                CONNECTING,
                Api {
                    last_event_id: request.last_event_id.clone(),
                    ..Api::default()
                },
            );
        }
        if status == 200 && event_stream {
            // "Announce the connection".
            self.streaming = Some(Stream::EventSource);
            emit.push(
                ApiObject::EventSource,
                OPEN,
                Api {
                    fires: Some("open"),
                    ..Api::default()
                },
            );
        } else {
            // "Fail the connection": not a 200 text/event-stream (a 204 says stop).
            emit.push(
                ApiObject::EventSource,
                ES_CLOSED,
                Api {
                    fires: Some("error"),
                    code: Some(status),
                    ..Api::default()
                },
            );
        }
    }

    fn fetch_response(
        &mut self,
        request: &Request,
        status: u16,
        reason: &str,
        streaming: bool,
        body: u64,
        emit: &mut Emit<'_>,
    ) {
        // Sent from the start; known to be a fetch only now.
        emit.push_at(request.cause, ApiObject::Fetch, XHR_OPENED, Api::default());
        emit.push(
            ApiObject::Fetch,
            XHR_HEADERS_RECEIVED,
            Api {
                fires: Some("response"),
                code: Some(status),
                data: Some(format!("{status} {reason}").trim_end().to_string()),
                ..Api::default()
            },
        );
        if streaming {
            self.streaming = Some(Stream::Fetch);
        } else {
            fetch_done(true, body, emit);
        }
    }

    /// The connection ends here: requests never answered fail; a stream the client closes
    /// first was closed by the script.
    fn connection_ends(&mut self, event: &Event, emit: &mut Emit<'_>) {
        let by_client = match &event.kind {
            EventKind::TcpFin(_) => event.dir == Some(Dir::C2s),
            EventKind::TcpClose { initiator, .. } => *initiator == Some(crate::trace::Side::Client),
            _ => false,
        };
        if by_client && matches!(self.streaming, Some(Stream::EventSource)) {
            // es.close(): CLOSED, and no event fires.
            self.streaming = None;
            emit.push(ApiObject::EventSource, ES_CLOSED, Api::default());
        }
        let server_gone = !matches!(event.kind, EventKind::TcpFin(_)) || !by_client;
        if !server_gone {
            return;
        }
        for request in std::mem::take(&mut self.pending) {
            if request.not_a_script {
                continue;
            }
            if request.event_source {
                // A network error: the EventSource reconnects.
                reconnect(emit);
            } else {
                emit.push_at(request.cause, ApiObject::Fetch, XHR_OPENED, Api::default());
                emit.push(
                    ApiObject::Fetch,
                    XHR_DONE,
                    Api {
                        fires: Some("error"),
                        data: Some("no response: fetch() rejects with a TypeError".into()),
                        ..Api::default()
                    },
                );
            }
        }
    }
}

/// The fetch's body ended: `load`, or `error` when the connection ended it early.
fn fetch_done(complete: bool, body: u64, emit: &mut Emit<'_>) {
    let (fires, data) = if complete {
        ("load", format!("body done, {body} B"))
    } else {
        ("error", format!("body cut short after {body} B"))
    };
    emit.push(
        ApiObject::Fetch,
        XHR_DONE,
        Api {
            fires: Some(fires),
            data: Some(data),
            ..Api::default()
        },
    );
}

/// "Reestablish the connection": `error`, and CONNECTING until the reconnection time passed.
fn reconnect(emit: &mut Emit<'_>) {
    emit.push(
        ApiObject::EventSource,
        CONNECTING,
        Api {
            fires: Some("error"),
            ..Api::default()
        },
    );
}

/// Whether a media range of an `Accept` value (`text/event-stream;q=1`) is `media_type`.
fn media_type_is(value: &str, media_type: &str) -> bool {
    value
        .split(';')
        .next()
        .is_some_and(|m| m.trim().eq_ignore_ascii_case(media_type))
}

/// Whether breaking `rule` in a server message makes a browser fail the WebSocket connection:
/// framing (§5), UTF-8 (§8.1), close codes (§7.4), extensions (RFC 7692). Not the dissector's
/// own size limit (§10.4 only says an implementation guards its *own* limits; a browser's
/// differ), so the model reports no error and no 1006 a real browser would not.
fn fails_connection(rule: &str) -> bool {
    // A diagnostic's rule is a table entry's `Display` ("RFC 6455 §5.2"): a section counts
    // with its subsections.
    let within = |c: Cite| {
        let c = c.to_string();
        rule == c
            || rule
                .strip_prefix(c.as_str())
                .is_some_and(|rest| rest.starts_with('.'))
    };
    [cite::RFC6455_5, cite::RFC6455_8_1, cite::RFC6455_7_4]
        .into_iter()
        .any(within)
        || rule
            .strip_prefix(cite::RFC7692_6.doc())
            .is_some_and(|rest| rest.starts_with(' '))
}

/// The connection failed (never opened, or a protocol error): `error`, then `close` 1006,
/// not clean (a failed connection's close frames are not processed, RFC 6455 §7.1.7).
fn fail(emit: &mut Emit<'_>) {
    emit.ws(
        CLOSED,
        Api {
            fires: Some("error"),
            ..Api::default()
        },
    );
    emit.ws(
        CLOSED,
        Api {
            fires: Some("close"),
            code: Some(1006),
            reason: Some(String::new()),
            was_clean: Some(false),
            ..Api::default()
        },
    );
}

/// The first [`PREVIEW_CHARS`] characters of a text message, with an ellipsis if cut.
fn preview(text: &str) -> String {
    // Cut at the byte where character number PREVIEW_CHARS starts (a char boundary), without
    // collecting characters one by one: this runs for every message a server sends.
    match text.char_indices().nth(PREVIEW_CHARS) {
        Some((cut, _)) => format!("{}…", text.get(..cut).unwrap_or(text)),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::{Observed, Side, TcpSegment};

    fn seg() -> TcpSegment {
        TcpSegment {
            seq: 0,
            ack: 0,
            window: None,
            len: 0,
        }
    }

    fn ev(dir: Option<Dir>, kind: EventKind) -> Event {
        Event {
            t_us: 0,
            conn: Some(0),
            dir,
            span: None,
            kind,
        }
    }

    fn request(headers: &[(&str, &str)]) -> Event {
        ev(
            Some(Dir::C2s),
            EventKind::HttpRequest {
                method: "GET".into(),
                target: "/".into(),
                version: "HTTP/1.1".into(),
                headers: headers
                    .iter()
                    .map(|(n, v)| (n.to_string(), v.to_string()))
                    .collect(),
                head_len: 20,
                body_len: 0,
                chunked_overhead: None,
            },
        )
    }

    fn response(status: u16, headers: &[(&str, &str)]) -> Event {
        ev(
            Some(Dir::S2c),
            EventKind::HttpResponse {
                status,
                reason: "OK".into(),
                version: "HTTP/1.1".into(),
                headers: headers
                    .iter()
                    .map(|(n, v)| (n.to_string(), v.to_string()))
                    .collect(),
                head_len: 20,
                body_len: 0,
                chunked_overhead: None,
            },
        )
    }

    fn sse(id: Option<&str>, event: Option<&str>) -> Event {
        ev(
            Some(Dir::S2c),
            EventKind::SseEvent {
                id: id.map(str::to_string),
                event: event.map(str::to_string),
                data: "x".into(),
                retry: None,
            },
        )
    }

    fn body_end(complete: bool) -> Event {
        ev(
            Some(Dir::S2c),
            EventKind::HttpBodyEnd {
                body_len: 10,
                complete,
                chunked_overhead: None,
            },
        )
    }

    /// Feeds `events` (indices from 0) and returns `(cause, object, readyState, fires)` of
    /// every api event.
    fn run(events: &[Event]) -> Vec<(u64, ApiObject, u8, Option<String>)> {
        let mut api = BrowserApi::new(0);
        let mut out = Vec::new();
        for (i, e) in events.iter().enumerate() {
            api.observe(i as u64, e, &mut out);
        }
        out.into_iter()
            .filter_map(|e| match e.kind {
                EventKind::Api {
                    object,
                    ready_state,
                    fires,
                    cause,
                    ..
                } => Some((cause.unwrap_or(u64::MAX), object, ready_state, fires)),
                _ => None,
            })
            .collect()
    }

    const STREAM: &[(&str, &str)] = &[("Content-Type", "text/event-stream")];
    const ES: ApiObject = ApiObject::EventSource;

    #[test]
    fn an_event_source_reconnects_when_the_server_ends_the_stream() {
        let got = run(&[
            ev(Some(Dir::C2s), EventKind::TcpSyn(seg())),
            request(&[("Accept", "text/event-stream")]),
            response(200, STREAM),
            sse(Some("7"), None),
            sse(Some("7"), Some("price")),
            body_end(true),
        ]);
        let s = |f: &str| Some(f.to_string());
        assert_eq!(
            got,
            [
                (0, ES, 0, None),
                (2, ES, 1, s("open")),
                (3, ES, 1, s("message")),
                (4, ES, 1, s("price")),
                (5, ES, 0, s("error")),
            ]
        );
    }

    #[test]
    fn an_event_source_fails_on_another_answer_and_names_its_last_event_id() {
        let mut api = BrowserApi::new(0);
        let mut out = Vec::new();
        api.observe(
            0,
            &request(&[("Accept", "text/event-stream"), ("Last-Event-ID", "41")]),
            &mut out,
        );
        api.observe(1, &response(204, &[]), &mut out);
        let kinds: Vec<_> = out.iter().map(|e| e.kind.clone()).collect();
        assert!(matches!(
            &kinds[0],
            EventKind::Api { object: ES, ready_state: 0, last_event_id: Some(id), .. } if id == "41"
        ));
        assert!(matches!(
            &kinds[1],
            EventKind::Api { object: ES, ready_state: 2, fires: Some(f), code: Some(204), .. } if f == "error"
        ));
    }

    #[test]
    fn a_fetch_without_an_answer_fails_and_a_page_load_is_no_fetch() {
        let got = run(&[
            ev(
                None,
                EventKind::TcpConnect {
                    observed: Observed::Socket,
                },
            ),
            request(&[]),
            ev(
                None,
                EventKind::TcpClose {
                    observed: Observed::Socket,
                    initiator: Some(Side::Server),
                },
            ),
        ]);
        let f = ApiObject::Fetch;
        assert_eq!(got, [(0, f, 1, None), (2, f, 4, Some("error".to_string()))]);
        let page = run(&[
            request(&[("Sec-Fetch-Dest", "document")]),
            response(200, &[("Content-Length", "0")]),
        ]);
        assert!(page.is_empty(), "{page:?}");
    }

    #[test]
    fn a_websocket_closes_at_the_clients_fin_whoever_closes_first() {
        let upgrade = request(&[("Upgrade", "websocket"), ("Connection", "Upgrade")]);
        let fin = |dir| ev(Some(dir), EventKind::TcpFin(seg()));
        for (first, second) in [(Dir::S2c, Dir::C2s), (Dir::C2s, Dir::S2c)] {
            let got = run(&[
                ev(Some(Dir::C2s), EventKind::TcpSyn(seg())),
                upgrade.clone(),
                fin(first),
                fin(second),
            ]);
            // Never opened: error and close 1006, at the client's FIN.
            let client_fin = if first == Dir::C2s { 2 } else { 3 };
            assert_eq!(got[0], (0, ApiObject::WebSocket, 0, None));
            assert!(
                got[1..].iter().all(|(cause, ..)| *cause == client_fin),
                "{got:?}"
            );
            assert_eq!(
                got.last().and_then(|g| g.3.clone()).as_deref(),
                Some("close")
            );
        }
    }
}
