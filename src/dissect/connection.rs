//! Dissection of one TCP connection: HTTP/1.x (keep-alive, chunked, SSE) → the WebSocket
//! upgrade → WebSocket frames and messages, both directions, incrementally.
//!
//! Each direction keeps only the bytes it has not consumed yet; bodies and frame payloads
//! are consumed as they arrive (a frame's payload is kept once, unmasked, until the frame is
//! complete). Every event carries the [`StreamSpan`] of its bytes. Problems become
//! `diagnostic` events that name the broken rule; nothing here panics on any input.

mod sse;

use std::collections::VecDeque;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

use crate::proto::http::{
    self, BodyFraming, ChunkedDecoder, Headers, HttpError, RequestHead, ResponseHead,
};
use crate::proto::rule::Violation;
use crate::proto::ws::close::parse_close_payload;
use crate::proto::ws::deflate::{self, DEFAULT_MAX_INFLATED, DeflateParams, Inflater};
use crate::proto::ws::frame::{self, FrameHeader, LengthForm, OpCode};
use crate::proto::ws::handshake::{self, UpgradeCheck};
use crate::proto::ws::message::{self, DEFAULT_MAX_MESSAGE, Message, MessageAssembler};
use crate::trace::{Dir, Event, EventKind, Severity, StreamSpan};
use sse::{SseOut, SseParser};

/// The rule an unfinished WebSocket connection breaks when its TCP connection ends.
const RULE_ABNORMAL: &str = "RFC 6455 §7.1.5";
/// Incomplete HTTP messages at connection close.
const RULE_HTTP_INCOMPLETE: &str = "RFC 9112 §8";
/// Uncompacted input kept before the consumed prefix is dropped.
const COMPACT_AT: usize = 64 * 1024;

/// Dissects one TCP connection, both directions.
///
/// Contract: the events (kinds, fields, spans, and the `t_us` of the feed that completed
/// them) depend only on the bytes of each direction, the order of the feeds and where gaps
/// were reported, never on how the bytes were split into feeds. An HTTP message is emitted
/// when its head and body are complete — except a response whose body may never end (a
/// `text/event-stream`, or a body delimited by the close), emitted at its head (with
/// `body_len` 0) so that its `sse_event`s follow it; an `http_body_end` reports its length
/// when it ends. Compressed WebSocket messages (permessage-deflate) are inflated with one
/// shared window per sender.
/// After a WebSocket upgrade request the client's bytes are held until the response decides:
/// 101 → both directions are WebSocket frames (also when the check found problems, best
/// effort); any other answer → HTTP again.
pub struct ConnectionDissector {
    conn: u32,
    /// The client's bytes (requests, masked frames): normally the `c2s` direction, the
    /// `s2c` one after [`ConnectionDissector::swapped`].
    c2s: DirState,
    /// The server's bytes.
    s2c: DirState,
    /// The capture guessed client and server wrong (it started mid-connection): the bytes of
    /// `dir` are dissected as the other role's.
    swapped: bool,
    /// Whether the roles can no longer be found swapped (a message was parsed).
    roles_settled: bool,
    /// Requests not answered yet, oldest first (HTTP/1.1 answers in order).
    pending: VecDeque<Pending>,
}

/// What a response needs to know about the request it answers.
struct Pending {
    method: String,
    /// The request's headers, when it asked for a WebSocket upgrade.
    upgrade_headers: Option<Vec<(String, String)>>,
}

/// How a direction's bytes are interpreted now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// HTTP/1.x messages.
    Http,
    /// After a WebSocket upgrade request: held until the response decides the protocol.
    Held,
    /// WebSocket frames.
    WebSocket,
    /// Not dissected any more (after an error); bytes are only counted.
    Opaque,
    /// After bytes missing from the capture: looking for the next request or response line.
    ResyncHttp,
    /// After bytes missing from the capture: looking for the next plausible frame header.
    ResyncWs,
    /// The capture started in the middle of the connection: looking for the first request or
    /// status line, or the first plausible WebSocket frame header.
    ResyncStart,
}

/// One direction's state.
struct DirState {
    /// The direction of the bytes (the events' `dir`).
    dir: Dir,
    /// Whether these bytes are the client's (requests, masked frames). Normally
    /// `dir == C2s`; after a capture guessed the roles wrong, the other way round.
    client: bool,
    /// Unconsumed input is `buf[pos..]`; `buf[0]` is at stream offset `base`.
    buf: Vec<u8>,
    pos: usize,
    base: u64,
    mode: Mode,
    ended: bool,
    /// Bytes of `buf[pos..]` already searched for the end of a head.
    head_scanned: usize,
    /// The HTTP message whose head was parsed and whose body is not complete.
    http: Option<HttpMsg>,
    ws: WsDir,
    /// Bytes this direction carried so far.
    seen: u64,
    /// Stream offset from which nothing was dissected (opaque mode).
    opaque_from: u64,
    /// Why the direction became opaque (for the summary at the end).
    opaque_reason: Option<String>,
    /// HTTP heads parsed so far (once there is one, the roles are settled).
    heads: u64,
    /// Bytes skipped so far while resynchronising after a gap.
    resync_skipped: u64,
    /// Whether the first unconsumed byte starts a line (for [`Mode::ResyncStart`], which
    /// drops bytes as it decides them).
    line_start: bool,
}

/// An HTTP message in progress (head parsed, body not complete).
struct HttpMsg {
    start: u64,
    head_len: u64,
    /// The event to emit, `body_len` still 0.
    kind: EventKind,
    body: Body,
    /// Already emitted at head time (event streams, which may never end).
    emitted: bool,
    sse: Option<SseParser>,
    /// For responses to WebSocket upgrade requests: the check and the diagnostics it gives,
    /// emitted after the response.
    check: Option<(UpgradeCheck, Vec<(Severity, Violation)>)>,
    /// What the other direction must do once this message is complete.
    on_finish: Decision,
    /// Body bytes missing from the capture (counted in the body, absent from the stream).
    lost: u64,
}

/// A body being read.
enum Body {
    Empty,
    Length { total: u64, got: u64 },
    Chunked(ChunkedDecoder),
    UntilClose { got: u64 },
}

impl HttpMsg {
    fn new(start: u64, head_len: u64, kind: EventKind) -> HttpMsg {
        HttpMsg {
            start,
            head_len,
            kind,
            body: Body::Empty,
            emitted: false,
            sse: None,
            check: None,
            on_finish: Decision::Nothing,
            lost: 0,
        }
    }
}

impl Body {
    fn from_framing(framing: BodyFraming) -> Body {
        match framing {
            BodyFraming::None | BodyFraming::ContentLength(0) => Body::Empty,
            BodyFraming::ContentLength(n) => Body::Length { total: n, got: 0 },
            BodyFraming::Chunked => Body::Chunked(ChunkedDecoder::new()),
            BodyFraming::UntilClose => Body::UntilClose { got: 0 },
        }
    }

    /// Body bytes on the wire so far (including chunk framing).
    fn wire_len(&self) -> u64 {
        match self {
            Body::Empty => 0,
            Body::Length { got, .. } | Body::UntilClose { got } => *got,
            Body::Chunked(d) => d.consumed_bytes(),
        }
    }

    fn is_complete(&self) -> bool {
        match self {
            Body::Empty => true,
            Body::Length { total, got } => got >= total,
            Body::Chunked(d) => d.is_done(),
            Body::UntilClose { .. } => false,
        }
    }
}

/// One direction's WebSocket state.
struct WsDir {
    rsv1_allowed: bool,
    frame: Option<FrameProgress>,
    assembler: MessageAssembler,
    /// Stream offset of the first frame of the data message in progress.
    msg_start: Option<u64>,
    close_seen: bool,
    after_close_reported: bool,
    /// permessage-deflate: this sender's parameters, when it was negotiated.
    deflate: Option<DeflateSide>,
    /// Bytes of the data message in progress missing from the capture.
    damaged: u64,
}

/// One sender's permessage-deflate state (RFC 7692 §7.2.2).
struct DeflateSide {
    inflater: Inflater,
    /// The sender resets its LZ77 window after each message.
    no_context_takeover: bool,
}

impl DeflateSide {
    fn new(params: &DeflateParams, from_client: bool) -> DeflateSide {
        let no_context_takeover = params.no_context_takeover(from_client);
        DeflateSide {
            inflater: Inflater::new(no_context_takeover, DEFAULT_MAX_INFLATED),
            no_context_takeover,
        }
    }

    /// Forgets the shared window (it is unknown after a message that could not be inflated).
    fn reset(&mut self) {
        self.inflater = Inflater::new(self.no_context_takeover, DEFAULT_MAX_INFLATED);
    }
}

impl WsDir {
    fn new() -> WsDir {
        WsDir {
            rsv1_allowed: false,
            frame: None,
            assembler: MessageAssembler::new(),
            msg_start: None,
            close_seen: false,
            after_close_reported: false,
            deflate: None,
            damaged: 0,
        }
    }

    /// Enters WebSocket mode with the negotiated permessage-deflate parameters, if any.
    fn start(&mut self, deflate: Option<&DeflateParams>, from_client: bool) {
        self.rsv1_allowed = deflate.is_some();
        self.deflate = deflate.map(|p| DeflateSide::new(p, from_client));
    }
}

/// A frame whose header was parsed and whose payload is still arriving.
struct FrameProgress {
    header: FrameHeader,
    start: u64,
    /// The unmasked payload so far (at most [`DEFAULT_MAX_MESSAGE`] bytes are kept).
    payload: Vec<u8>,
    received: u64,
    /// Payload bytes missing from the capture (counted in `received`, absent from the stream).
    lost: u64,
}

/// Where events go, and the time and connection they carry.
struct Sink<'a> {
    conn: u32,
    t_us: i64,
    out: &'a mut Vec<Event>,
}

impl Sink<'_> {
    fn push(&mut self, dir: Dir, span: Option<StreamSpan>, kind: EventKind) {
        self.out.push(Event {
            t_us: self.t_us,
            conn: Some(self.conn),
            dir: Some(dir),
            span,
            kind,
        });
    }

    fn diag(
        &mut self,
        dir: Dir,
        span: Option<StreamSpan>,
        severity: Severity,
        message: String,
        rule: Option<&str>,
    ) {
        self.push(
            dir,
            span,
            EventKind::Diagnostic {
                severity,
                message,
                rule: rule.map(str::to_string),
            },
        );
    }

    fn violation(&mut self, dir: Dir, span: Option<StreamSpan>, severity: Severity, v: &Violation) {
        self.diag(dir, span, severity, v.message.clone(), Some(v.rule));
    }
}

/// What the response side decided for the request side.
enum Decision {
    /// Nothing changes.
    Nothing,
    /// The upgrade was refused: parse the held bytes as HTTP again.
    ResumeHttp,
    /// Both directions speak WebSocket now.
    WebSocket { deflate: Option<DeflateParams> },
    /// An unknown protocol follows: stop dissecting the request side.
    Opaque(String),
}

fn span(offset: u64, len: u64) -> Option<StreamSpan> {
    Some(StreamSpan { offset, len })
}

impl DirState {
    fn new(dir: Dir) -> DirState {
        DirState {
            dir,
            client: dir == Dir::C2s,
            buf: Vec::new(),
            pos: 0,
            base: 0,
            mode: Mode::Http,
            ended: false,
            head_scanned: 0,
            http: None,
            ws: WsDir::new(),
            seen: 0,
            opaque_from: 0,
            opaque_reason: None,
            heads: 0,
            resync_skipped: 0,
            line_start: true,
        }
    }

    fn avail(&self) -> &[u8] {
        self.buf.get(self.pos..).unwrap_or_default()
    }

    /// Stream offset of the first unconsumed byte.
    fn offset(&self) -> u64 {
        self.base.saturating_add(self.pos as u64)
    }

    fn consume(&mut self, n: usize) {
        self.pos = self.pos.saturating_add(n).min(self.buf.len());
        self.head_scanned = 0;
    }

    fn compact(&mut self) {
        if self.pos >= self.buf.len() {
            self.base = self.base.saturating_add(self.buf.len() as u64);
            self.buf.clear();
            self.pos = 0;
        } else if self.pos >= COMPACT_AT {
            self.base = self.base.saturating_add(self.pos as u64);
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
    }

    /// Stops dissecting this direction from stream offset `at`; later bytes are only counted.
    fn go_opaque(&mut self, at: u64, reason: String) {
        self.mode = Mode::Opaque;
        self.opaque_from = at;
        self.opaque_reason = Some(reason);
        self.pos = self.buf.len();
        self.http = None;
        self.ws.frame = None;
        self.compact();
    }

    /// Drops CR/LF bytes before a head: RFC 9112 §2.2 lets a recipient ignore empty lines
    /// before the start line (and doing it here keeps head parsing linear).
    fn skip_blank_lines(&mut self) {
        let blank = self
            .avail()
            .iter()
            .take_while(|b| **b == b'\r' || **b == b'\n')
            .count();
        if blank > 0 {
            self.consume(blank);
        }
    }

    /// How many unconsumed bytes a head parse should look at, if a parse is worth trying:
    /// up to the last complete line when a new line ended, or everything once the head is too
    /// large to be valid. Parsing whole lines only makes the outcome independent of how the
    /// stream was split into feeds.
    fn head_parse_len(&mut self) -> Option<usize> {
        let from = self.head_scanned;
        let avail = self.buf.get(self.pos..).unwrap_or_default();
        let len = avail.len();
        let result = if len > http::MAX_HEAD_LEN {
            Some(len)
        } else {
            avail
                .get(from..)
                .unwrap_or_default()
                .iter()
                .rposition(|&b| b == b'\n')
                .map(|i| from.saturating_add(i).saturating_add(1))
        };
        self.head_scanned = len;
        result
    }

    // ---------------------------------------------------------------- HTTP

    /// Reads body bytes of the message in progress; true when the body is complete.
    fn advance_body(&mut self, sink: &mut Sink<'_>) -> Result<bool, HttpError> {
        let base = self.offset();
        let dir = self.dir;
        let DirState { buf, pos, http, .. } = self;
        let Some(msg) = http.as_mut() else {
            return Ok(true);
        };
        let avail = buf.get(*pos..).unwrap_or_default();
        let mut sse_out: Vec<SseOut> = Vec::new();
        let used = match &mut msg.body {
            Body::Empty => 0,
            Body::Length { total, got } => {
                let want = total.saturating_sub(*got);
                let n = usize::try_from(want).unwrap_or(usize::MAX).min(avail.len());
                if let Some(p) = msg.sse.as_mut() {
                    p.feed(avail.get(..n).unwrap_or_default(), base, &mut sse_out);
                }
                *got = got.saturating_add(n as u64);
                n
            }
            Body::UntilClose { got } => {
                if let Some(p) = msg.sse.as_mut() {
                    p.feed(avail, base, &mut sse_out);
                }
                *got = got.saturating_add(avail.len() as u64);
                avail.len()
            }
            Body::Chunked(decoder) => {
                let parser = &mut msg.sse;
                let result = decoder.feed_with(avail, &mut |data, at| {
                    if let Some(p) = parser.as_mut() {
                        p.feed(data, base.saturating_add(at as u64), &mut sse_out);
                    }
                });
                match result {
                    Ok(n) => n,
                    Err(e) => {
                        emit_sse(sink, dir, sse_out);
                        return Err(e);
                    }
                }
            }
        };
        let complete = msg.body.is_complete();
        *pos = pos.saturating_add(used).min(buf.len());
        self.head_scanned = 0;
        emit_sse(sink, dir, sse_out);
        Ok(complete)
    }

    /// Emits the message in progress (if not emitted yet) with its body length so far;
    /// returns what the other direction must do now.
    fn finish_http(&mut self, sink: &mut Sink<'_>) -> Decision {
        let Some(msg) = self.http.take() else {
            return Decision::Nothing;
        };
        let body_len = msg.body.wire_len();
        // Spans are in the recorded stream, which lacks the bytes missing from the capture.
        let recorded_body = body_len.saturating_sub(msg.lost);
        let msg_span = span(msg.start, msg.head_len.saturating_add(recorded_body));
        let overhead = match &msg.body {
            Body::Chunked(d) => Some(d.framing_bytes()),
            _ => None,
        };
        if !msg.emitted {
            let mut kind = msg.kind;
            if let EventKind::HttpRequest {
                body_len: b,
                chunked_overhead: o,
                ..
            }
            | EventKind::HttpResponse {
                body_len: b,
                chunked_overhead: o,
                ..
            } = &mut kind
            {
                *b = body_len;
                *o = overhead;
            }
            sink.push(self.dir, msg_span, kind);
        } else {
            // A body delimited by the close is complete when the direction ended.
            let complete = msg.body.is_complete()
                || (self.ended && matches!(msg.body, Body::UntilClose { .. }));
            sink.push(
                self.dir,
                span(msg.start.saturating_add(msg.head_len), recorded_body),
                EventKind::HttpBodyEnd {
                    body_len,
                    complete,
                    chunked_overhead: overhead,
                },
            );
            if let Some(p) = msg.sse.as_ref().filter(|p| p.has_pending()) {
                sink.diag(
                    self.dir,
                    msg_span,
                    Severity::Info,
                    format!(
                        "the event stream ended after {} events; the last event had no blank line after it, so it was never dispatched",
                        p.events
                    ),
                    Some("WHATWG HTML §9.2.6"),
                );
            }
        }
        if let Some((check, problems)) = msg.check {
            emit_upgrade_check(
                sink,
                self.dir,
                span(msg.start, msg.head_len),
                &check,
                &problems,
            );
        }
        msg.on_finish
    }

    /// Parses requests (client to server) until more bytes are needed or the mode changes.
    fn process_requests(&mut self, pending: &mut VecDeque<Pending>, sink: &mut Sink<'_>) {
        while self.mode == Mode::Http {
            if self.http.is_some() {
                match self.advance_body(sink) {
                    Ok(true) => {
                        let upgrade = matches!(
                            &self.http,
                            Some(HttpMsg { kind: EventKind::HttpRequest { method, headers, .. }, .. })
                                if handshake::is_upgrade_request(method, headers)
                        );
                        self.finish_http(sink);
                        if upgrade {
                            // The bytes after an upgrade request belong to whichever protocol
                            // the response picks.
                            self.mode = Mode::Held;
                        }
                        continue;
                    }
                    Ok(false) => break,
                    Err(e) => {
                        self.body_error(e, sink);
                        break;
                    }
                }
            }
            self.skip_blank_lines();
            let Some(parse_len) = self.head_parse_len() else {
                break;
            };
            let candidate = self.avail().get(..parse_len).unwrap_or_default();
            match http::parse_request_head(candidate) {
                Ok(None) => break,
                Err(e) => {
                    self.head_error("request", e, parse_len, sink);
                    break;
                }
                Ok(Some(head)) => {
                    self.heads = self.heads.saturating_add(1);
                    let start = self.offset();
                    self.consume(head.head_len);
                    let framing = match http::request_body_framing(&head) {
                        Ok(f) => f,
                        Err(e) => {
                            let head_len = head.head_len as u64;
                            self.http = Some(HttpMsg::new(start, head_len, request_kind(head)));
                            self.body_error(e, sink);
                            break;
                        }
                    };
                    let upgrade = handshake::is_upgrade_request(&head.method, &head.headers);
                    pending.push_back(Pending {
                        method: head.method.clone(),
                        upgrade_headers: upgrade.then(|| head.headers.clone()),
                    });
                    let head_len = head.head_len as u64;
                    let mut msg = HttpMsg::new(start, head_len, request_kind(head));
                    msg.body = Body::from_framing(framing);
                    self.http = Some(msg);
                }
            }
        }
        self.compact();
    }

    /// Parses responses (server to client) until more bytes are needed, the mode changes, or
    /// a complete response decides something for the request side (returned at once, so that
    /// the request side acts at the same point of the stream however it was split).
    fn process_responses(
        &mut self,
        pending: &mut VecDeque<Pending>,
        sink: &mut Sink<'_>,
    ) -> Decision {
        let decision = self.parse_responses(pending, sink);
        self.compact();
        decision
    }

    fn parse_responses(
        &mut self,
        pending: &mut VecDeque<Pending>,
        sink: &mut Sink<'_>,
    ) -> Decision {
        while self.mode == Mode::Http {
            if self.http.is_some() {
                match self.advance_body(sink) {
                    Ok(true) => match self.finish_http(sink) {
                        Decision::Nothing => continue,
                        decision => return decision,
                    },
                    Ok(false) => return Decision::Nothing,
                    Err(e) => return self.body_error(e, sink),
                }
            }
            self.skip_blank_lines();
            let Some(parse_len) = self.head_parse_len() else {
                return Decision::Nothing;
            };
            let candidate = self.avail().get(..parse_len).unwrap_or_default();
            let head = match http::parse_response_head(candidate) {
                Ok(None) => return Decision::Nothing,
                Err(e) => {
                    self.head_error("response", e, parse_len, sink);
                    return Decision::Nothing;
                }
                Ok(Some(head)) => head,
            };
            self.heads = self.heads.saturating_add(1);
            let start = self.offset();
            self.consume(head.head_len);
            let interim = (100..200).contains(&head.status) && head.status != 101;
            // An interim (1xx) response is followed by the final one for the same request.
            let request = if interim { None } else { pending.pop_front() };
            let method = if interim {
                pending.front().map(|p| p.method.clone())
            } else {
                request.as_ref().map(|p| p.method.clone())
            };
            let head_len = head.head_len as u64;
            let framing = match http::response_body_framing(method.as_deref(), &head) {
                Ok(f) => f,
                Err(e) => {
                    self.http = Some(HttpMsg::new(start, head_len, response_kind(head)));
                    return self.body_error(e, sink);
                }
            };
            let upgrade_headers = request.and_then(|r| r.upgrade_headers);
            let status = head.status;
            let check = upgrade_headers.as_ref().map(|req| {
                let check = handshake::check_upgrade(req, status, &head.headers);
                let problems = upgrade_problems(req, status, &head.reason, &check);
                (check, problems)
            });
            let is_event_stream = Headers::new(&head.headers).has_media_type("text/event-stream")
                && framing != BodyFraming::None;
            // permessage-deflate parameters from the 101's answer (RFC 7692 §7.1); a bad
            // parameter is reported and inflation still tried with the defaults (a kept
            // window inflates a sender that resets it, too).
            let (deflate, deflate_problem) = match &check {
                Some((c, _)) if c.deflate_negotiated() => {
                    match deflate::negotiated(&c.extensions_negotiated) {
                        Ok(p) => (Some(p.unwrap_or_default()), None),
                        Err(v) => (Some(DeflateParams::default()), Some(v)),
                    }
                }
                _ => (None, None),
            };
            let until_close = framing == BodyFraming::UntilClose;
            let mut msg = HttpMsg::new(start, head_len, response_kind(head));
            if is_event_stream || until_close {
                // An event stream, or a body that runs until the close, may never end: show
                // the response now (its events as they come); `http_body_end` follows.
                sink.push(self.dir, span(start, head_len), msg.kind.clone());
                msg.emitted = true;
            }
            if is_event_stream {
                msg.sse = Some(SseParser::new());
            }
            msg.body = Body::from_framing(framing);
            msg.check = check;
            if status == 101 {
                self.http = Some(msg);
                self.finish_http(sink);
                if upgrade_headers.is_some() {
                    if let Some(v) = &deflate_problem {
                        sink.violation(self.dir, span(start, head_len), Severity::Error, v);
                    }
                    self.mode = Mode::WebSocket;
                    self.ws.start(deflate.as_ref(), self.client);
                    return Decision::WebSocket { deflate };
                }
                let reason = "a 101 Switching Protocols answered a request that did not ask for a WebSocket upgrade; the protocol that follows is not dissected".to_string();
                sink.diag(
                    self.dir,
                    span(start, head_len),
                    Severity::Warning,
                    reason.clone(),
                    Some("RFC 9110 §15.2.2"),
                );
                let at = self.offset();
                self.go_opaque(at, reason.clone());
                return Decision::Opaque(reason);
            }
            if upgrade_headers.is_some() && !interim {
                // The upgrade was refused; once this response is complete the client's held
                // bytes are HTTP again.
                msg.on_finish = Decision::ResumeHttp;
            }
            self.http = Some(msg);
        }
        Decision::Nothing
    }

    /// A malformed head: one diagnostic spanning the head up to the line where parsing failed,
    /// then this direction is opaque.
    fn head_error(&mut self, what: &str, e: HttpError, parse_len: usize, sink: &mut Sink<'_>) {
        let at = self.offset();
        let candidate = self.avail().get(..parse_len).unwrap_or_default();
        // The first whole-line prefix that fails locates the bad line.
        // Without a failing line (a head too large), the first 64 KiB: the same however
        // the stream was split.
        let mut bad_end = candidate.len().min(http::MAX_HEAD_LEN);
        let line_ends: Vec<usize> = candidate
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .map(|(i, _)| i.saturating_add(1))
            .collect();
        let fails = |end: usize| {
            let prefix = candidate.get(..end).unwrap_or_default();
            if what == "request" {
                http::parse_request_head(prefix).is_err()
            } else {
                http::parse_response_head(prefix).is_err()
            }
        };
        // Once a prefix fails every longer one does: binary search keeps this O(log lines).
        let first_failing = line_ends.partition_point(|end| !fails(*end));
        if let Some(end) = line_ends.get(first_failing) {
            bad_end = *end;
        }
        let v = Violation::of(&format!("malformed HTTP {what} head"), &e);
        sink.violation(self.dir, span(at, bad_end as u64), Severity::Error, &v);
        self.go_opaque(at, v.message);
    }

    /// A malformed body: the message is shown with the body bytes read so far, then one
    /// diagnostic, then this direction is opaque.
    fn body_error(&mut self, e: HttpError, sink: &mut Sink<'_>) -> Decision {
        let (start, len) = match &self.http {
            Some(m) => (
                m.start,
                m.head_len
                    .saturating_add(m.body.wire_len())
                    .saturating_sub(m.lost),
            ),
            None => (self.offset(), 0),
        };
        let decision = self.finish_http(sink);
        let v = Violation::of("malformed HTTP body", &e);
        sink.violation(self.dir, span(start, len), Severity::Error, &v);
        self.go_opaque(start.saturating_add(len), v.message);
        decision
    }

    // ---------------------------------------------------------------- WebSocket

    /// Parses frames until more bytes are needed.
    fn process_frames(&mut self, sink: &mut Sink<'_>) {
        while self.mode == Mode::WebSocket {
            if self.ws.frame.is_some() {
                if !self.advance_payload() {
                    break;
                }
                if let Some(f) = self.ws.frame.take() {
                    self.complete_frame(f, sink);
                }
                continue;
            }
            if self.avail().is_empty() {
                break;
            }
            match frame::parse_header(self.avail()) {
                Ok(None) => break,
                Err(e) => {
                    let at = self.offset();
                    let len = header_len_needed(self.avail()).min(self.avail().len()) as u64;
                    let v = Violation::of("malformed WebSocket frame header", &e);
                    sink.violation(self.dir, span(at, len), Severity::Error, &v);
                    self.go_opaque(at, v.message);
                    break;
                }
                Ok(Some(header)) => {
                    let start = self.offset();
                    self.consume(header.header_len);
                    let keep = header.payload_len.min(DEFAULT_MAX_MESSAGE as u64);
                    let capacity = usize::try_from(keep.min(1 << 20)).unwrap_or(0);
                    self.ws.frame = Some(FrameProgress {
                        header,
                        start,
                        payload: Vec::with_capacity(capacity),
                        received: 0,
                        lost: 0,
                    });
                }
            }
        }
        self.compact();
    }

    /// Moves available payload bytes into the frame in progress (unmasked); true when the
    /// frame is complete.
    fn advance_payload(&mut self) -> bool {
        let DirState { buf, pos, ws, .. } = self;
        let Some(f) = ws.frame.as_mut() else {
            return false;
        };
        let avail = buf.get(*pos..).unwrap_or_default();
        let missing = f.header.payload_len.saturating_sub(f.received);
        let n = usize::try_from(missing)
            .unwrap_or(usize::MAX)
            .min(avail.len());
        let room = DEFAULT_MAX_MESSAGE.saturating_sub(f.payload.len()).min(n);
        if let Some(piece) = avail.get(..room) {
            let at = f.payload.len();
            f.payload.extend_from_slice(piece);
            if let (Some(key), Some(dst)) = (f.header.mask_key, f.payload.get_mut(at..)) {
                frame::unmask(dst, key, f.received);
            }
        }
        f.received = f.received.saturating_add(n as u64);
        *pos = pos.saturating_add(n).min(buf.len());
        f.received >= f.header.payload_len
    }

    fn complete_frame(&mut self, f: FrameProgress, sink: &mut Sink<'_>) {
        let dir = self.dir;
        let h = &f.header;
        // In the recorded stream, which lacks the bytes missing from the capture.
        let frame_len = h.frame_len().saturating_sub(f.lost);
        let frame_span = span(f.start, frame_len);
        if !h.opcode.is_control() {
            self.ws.damaged = self.ws.damaged.saturating_add(f.lost);
        }
        sink.push(
            dir,
            frame_span,
            EventKind::WsFrame {
                fin: h.fin,
                rsv1: h.rsv1,
                rsv2: h.rsv2,
                rsv3: h.rsv3,
                opcode: h.opcode.as_u8(),
                masked: h.masked,
                // One formatting call, not one per byte: this runs for every client frame.
                mask_key: h.mask_key.map(|k| format!("{:08x}", u32::from_be_bytes(k))),
                payload_len: h.payload_len,
                header_len: u8::try_from(h.header_len).unwrap_or(u8::MAX),
            },
        );
        if self.ws.close_seen && !self.ws.after_close_reported {
            self.ws.after_close_reported = true;
            sink.diag(
                dir,
                frame_span,
                Severity::Error,
                format!(
                    "{} frame sent after this endpoint's close frame; after sending a close frame an endpoint MUST NOT send further data",
                    h.opcode.name()
                ),
                Some("RFC 6455 §5.5.1"),
            );
        }
        for v in frame::check_header(h, self.client, self.ws.rsv1_allowed) {
            sink.violation(dir, frame_span, Severity::Error, &v);
        }
        if (h.payload_len as u128) > DEFAULT_MAX_MESSAGE as u128 {
            sink.diag(
                dir,
                frame_span,
                Severity::Warning,
                format!(
                    "frame payload of {} bytes is larger than the {DEFAULT_MAX_MESSAGE}-byte dissection limit; only the first bytes are kept",
                    h.payload_len
                ),
                Some("RFC 6455 §10.4"),
            );
        }
        let is_data_start = matches!(h.opcode, OpCode::Text | OpCode::Binary);
        if is_data_start {
            self.ws.msg_start = Some(f.start);
        }
        let mut violations = Vec::new();
        let message = self.ws.assembler.push(h, &f.payload, &mut violations);
        for v in &violations {
            sink.violation(dir, frame_span, Severity::Error, v);
        }
        let Some(m) = message else {
            return;
        };
        let frame_end = f.start.saturating_add(frame_len);
        let msg_start = if m.opcode.is_control() {
            f.start
        } else {
            self.ws.msg_start.take().unwrap_or(f.start)
        };
        let msg_span = span(msg_start, frame_end.saturating_sub(msg_start));
        if m.opcode == OpCode::Close {
            self.ws.close_seen = true;
        }
        let lost = if m.opcode.is_control() {
            f.lost
        } else {
            std::mem::take(&mut self.ws.damaged)
        };
        self.emit_message(m, msg_span, lost, sink);
    }

    /// Inflates a compressed data message (RFC 7692 §7.2.2): the concatenated payloads of
    /// all its frames, with this sender's shared window. `None` (after a diagnostic) when it
    /// cannot be inflated; the message is then shown as sent.
    fn inflate(
        &mut self,
        m: &Message,
        msg_span: Option<StreamSpan>,
        sink: &mut Sink<'_>,
    ) -> Option<Vec<u8>> {
        let dir = self.dir;
        let side = self.ws.deflate.as_mut()?;
        if m.truncated() {
            side.reset();
            sink.diag(
                dir,
                msg_span,
                Severity::Warning,
                format!(
                    "compressed message of {} bytes is larger than the {DEFAULT_MAX_MESSAGE}-byte dissection limit: not inflated, and later messages that refer back to it cannot be inflated either",
                    m.total_len
                ),
                Some("RFC 7692 §7.2.2"),
            );
            return None;
        }
        match side.inflater.inflate(&m.payload) {
            Ok(bytes) => Some(bytes),
            Err(e) => {
                // The inflater started afresh; later messages are still tried.
                let takeover = if side.no_context_takeover {
                    ""
                } else {
                    " (with context takeover, later messages that refer back to this one cannot be inflated either)"
                };
                sink.diag(
                    dir,
                    msg_span,
                    Severity::Error,
                    format!(
                        "compressed message could not be inflated: {e}; it is shown as sent{takeover}"
                    ),
                    Some("RFC 7692 §7.2.2"),
                );
                None
            }
        }
    }

    /// Emits a complete message. A damaged one (`lost` bytes missing from the capture) is
    /// shown as recorded: not inflated, not decoded; its lengths count the missing bytes.
    fn emit_message(
        &mut self,
        m: Message,
        msg_span: Option<StreamSpan>,
        lost: u64,
        sink: &mut Sink<'_>,
    ) {
        let damaged = lost > 0;
        let dir = self.dir;
        let mut text = None;
        let mut data_b64 = None;
        let mut close_code = None;
        let mut close_reason = None;
        // Control frames are never compressed (RFC 7692 §6.1; a set RSV1 is reported by the
        // header check), and without a negotiated extension RSV1 means nothing known.
        let is_data = matches!(m.opcode, OpCode::Text | OpCode::Binary);
        let mut wire_payload_len = None;
        let mut payload_len = m.total_len.saturating_add(lost);
        let mut inflated = None;
        if m.compressed && is_data && self.ws.deflate.is_some() {
            wire_payload_len = Some(payload_len);
            if damaged {
                if let Some(side) = self.ws.deflate.as_mut() {
                    side.reset();
                }
            } else {
                inflated = self.inflate(&m, msg_span, sink);
            }
            if let Some(bytes) = &inflated {
                payload_len = bytes.len() as u64;
            }
        }
        let readable = !damaged && (!m.compressed || inflated.is_some());
        let payload: &[u8] = inflated.as_deref().unwrap_or(&m.payload);
        match m.opcode {
            _ if damaged => data_b64 = Some(BASE64.encode(payload)),
            OpCode::Text if readable => match message::validate_text(payload) {
                Ok(s) => text = Some(s.to_string()),
                Err(v) => {
                    sink.violation(dir, msg_span, Severity::Error, &v);
                    data_b64 = Some(BASE64.encode(payload));
                }
            },
            OpCode::Close => {
                let (close, violations) = parse_close_payload(&m.payload);
                for v in &violations {
                    sink.violation(dir, msg_span, Severity::Error, v);
                }
                close_code = close.code;
                close_reason = close.code.map(|_| close.reason);
            }
            _ => data_b64 = Some(BASE64.encode(payload)),
        }
        sink.push(
            dir,
            msg_span,
            EventKind::WsMessage {
                opcode: m.opcode.as_u8(),
                fragments: m.fragments,
                compressed: m.compressed,
                payload_len,
                wire_payload_len,
                text,
                data_b64,
                close_code,
                close_reason,
            },
        );
    }

    // ---------------------------------------------------------------- end

    /// The direction ended; returns what the other direction must do (a response that ran
    /// until the close may have refused an upgrade).
    fn end(&mut self, other_mode: Mode, sink: &mut Sink<'_>) -> Decision {
        if self.ended {
            return Decision::Nothing;
        }
        self.ended = true;
        // A frame that ends exactly where the stream ends is a plausible restart point now.
        if self.mode == Mode::ResyncWs && self.resync_ws(sink) {
            self.process_frames(sink);
        }
        if self.mode == Mode::ResyncStart && self.resync_start(sink) && self.mode == Mode::WebSocket
        {
            self.process_frames(sink);
        }
        let dir = self.dir;
        let at = self.offset();
        let left = self.avail().len() as u64;
        let mut decision = Decision::Nothing;
        match self.mode {
            Mode::Http => decision = self.end_http(sink),
            Mode::ResyncStart => {
                let skipped = self.resync_skipped.saturating_add(left);
                if skipped > 0 {
                    sink.diag(
                        dir,
                        span(at, left),
                        Severity::Warning,
                        format!(
                            "{skipped} bytes were not dissected: the capture started in the middle of the connection and no HTTP start line or plausible WebSocket frame header followed"
                        ),
                        RULE_GAP,
                    );
                }
            }
            Mode::ResyncHttp | Mode::ResyncWs => {
                let skipped = self.resync_skipped.saturating_add(left);
                if skipped > 0 {
                    let what = if self.mode == Mode::ResyncWs {
                        "frame header"
                    } else if self.client {
                        "request line"
                    } else {
                        "status line"
                    };
                    sink.diag(
                        dir,
                        span(at, left),
                        Severity::Warning,
                        format!(
                            "{skipped} bytes after the bytes missing from the capture were not dissected: no plausible {what} followed"
                        ),
                        RULE_GAP,
                    );
                }
            }
            Mode::Held => {
                if left > 0 {
                    sink.diag(
                        dir,
                        span(at, left),
                        Severity::Warning,
                        format!(
                            "{left} bytes sent after the WebSocket upgrade request were not dissected: no response decided the protocol"
                        ),
                        Some("RFC 6455 §4.1"),
                    );
                }
            }
            Mode::WebSocket => self.end_ws(other_mode, sink),
            Mode::Opaque => {
                let skipped = self.seen.saturating_sub(self.opaque_from);
                if skipped > 0 {
                    let why = self.opaque_reason.clone().unwrap_or_default();
                    sink.diag(
                        dir,
                        span(self.opaque_from, skipped),
                        Severity::Info,
                        format!(
                            "{skipped} bytes of {} were not dissected after: {why}",
                            dir.as_str()
                        ),
                        None,
                    );
                }
            }
        }
        self.pos = self.buf.len();
        self.compact();
        decision
    }

    fn end_http(&mut self, sink: &mut Sink<'_>) -> Decision {
        let dir = self.dir;
        let at = self.offset();
        let left = self.avail().len() as u64;
        if let Some(msg) = &self.http {
            let start = msg.start;
            let got = msg
                .head_len
                .saturating_add(msg.body.wire_len())
                .saturating_sub(msg.lost);
            let problem = match &msg.body {
                Body::UntilClose { .. } | Body::Empty => None,
                Body::Length { total, got } => Some(format!(
                    "connection closed in the middle of an HTTP body: {got} of {total} bytes"
                )),
                // An event stream is normally ended by closing the connection.
                Body::Chunked(_) if msg.sse.is_some() => None,
                Body::Chunked(d) => Some(format!(
                    "connection closed in the middle of a chunked HTTP body ({}) after {} bytes; the last chunk never came",
                    d.describe_position(),
                    d.consumed_bytes()
                )),
            };
            let decision = self.finish_http(sink);
            if let Some(message) = problem {
                sink.diag(
                    dir,
                    span(start, got),
                    Severity::Error,
                    message,
                    Some(RULE_HTTP_INCOMPLETE),
                );
            }
            return decision;
        }
        if left > 0 {
            let what = if self.client { "request" } else { "response" };
            sink.diag(
                dir,
                span(at, left),
                Severity::Warning,
                format!("connection closed in the middle of an HTTP {what} head: {left} bytes"),
                Some(RULE_HTTP_INCOMPLETE),
            );
        }
        Decision::Nothing
    }

    fn end_ws(&mut self, other_mode: Mode, sink: &mut Sink<'_>) {
        let dir = self.dir;
        let at = self.offset();
        let left = self.avail().len();
        if let Some(f) = &self.ws.frame {
            sink.diag(
                dir,
                span(f.start, at.saturating_sub(f.start)),
                Severity::Error,
                format!(
                    "connection closed in the middle of a frame: {} of {} payload bytes (the WebSocket connection is closed abnormally, 1006)",
                    f.received, f.header.payload_len
                ),
                Some(RULE_ABNORMAL),
            );
        } else if left > 0 {
            let needed = header_len_needed(self.avail());
            sink.diag(
                dir,
                span(at, left as u64),
                Severity::Error,
                format!(
                    "connection closed in the middle of a frame: {left} of {needed} header bytes (the WebSocket connection is closed abnormally, 1006)"
                ),
                Some(RULE_ABNORMAL),
            );
        }
        if self.ws.assembler.in_progress() {
            sink.diag(
                dir,
                None,
                Severity::Error,
                "connection closed in the middle of a fragmented message: its last fragment never came".to_string(),
                Some(RULE_ABNORMAL),
            );
        }
        if !self.ws.close_seen && other_mode != Mode::Opaque {
            let who = if self.client { "client" } else { "server" };
            sink.diag(
                dir,
                None,
                Severity::Warning,
                format!(
                    "the {who} stopped sending without a close frame: the closing handshake did not complete, so the WebSocket connection closed abnormally (1006)"
                ),
                Some(RULE_ABNORMAL),
            );
        }
    }
}

/// How far a resynchronisation looks before it gives up on a direction.
const RESYNC_LIMIT: u64 = 4 * 1024 * 1024;
/// The longest frame a resynchronisation waits for to see what follows it.
const RESYNC_MAX_FRAME: u64 = 1024 * 1024;
/// Missing bytes are not a rule of any protocol; the diagnostics name where they were lost.
const RULE_GAP: Option<&str> = None;

/// Whether `line` (ending with LF) is an HTTP/1.x request line: `METHOD SP target SP
/// HTTP/1.x` (RFC 9112 §3).
fn is_request_line(line: &[u8]) -> bool {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let mut parts = line.split(|b| *b == b' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    // tchar (RFC 9110 §5.6.2); real methods are short.
    let tchar = |b: &u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(b);
    !method.is_empty()
        && method.len() <= 32
        && method.iter().all(tchar)
        && !target.is_empty()
        && target.iter().all(|b| b.is_ascii_graphic())
        && is_version(version)
}

/// Whether `line` is an HTTP/1.x status line: `HTTP/1.x SP 3DIGIT` (RFC 9112 §4).
fn is_status_line(line: &[u8]) -> bool {
    let (Some(version), Some(rest)) = (line.get(..8), line.get(8..)) else {
        return false;
    };
    is_version(version)
        && rest.first() == Some(&b' ')
        && rest
            .get(1..4)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
        && matches!(rest.get(4), Some(b' ' | b'\r' | b'\n'))
}

fn is_version(v: &[u8]) -> bool {
    v.len() == 8 && v.starts_with(b"HTTP/1.") && v.get(7).is_some_and(u8::is_ascii_digit)
}

/// The line that can reveal a direction's role: its first line (after empty lines) in HTTP
/// mode; in a capture that starts mid-connection, only the line at the very start of the
/// stream (later lines are searched for by the resynchronisation, which consumes bytes as it
/// goes, so looking at them here would depend on how the bytes were split).
fn role_line(state: &DirState) -> Option<&[u8]> {
    match state.mode {
        Mode::Http => first_line(state.avail()),
        Mode::ResyncStart if state.offset() == 0 => {
            let avail = state.avail();
            let end = avail.iter().position(|b| *b == b'\n')?;
            avail.get(..=end)
        }
        _ => None,
    }
}

/// The first complete line of `buf` after any empty lines, if one has arrived.
fn first_line(buf: &[u8]) -> Option<&[u8]> {
    let start = buf.iter().position(|b| *b != b'\r' && *b != b'\n')?;
    let rest = buf.get(start..)?;
    let end = rest.iter().position(|b| *b == b'\n')?;
    rest.get(..=end)
}

/// What a resynchronisation can say about a frame header at some offset.
enum Candidate {
    /// A plausible frame starts here.
    Yes,
    /// Not a plausible frame.
    No,
    /// More bytes are needed to decide.
    NeedMore,
}

/// Whether a plausible frame starts at `buf[0]`: its header breaks no rule for this sender,
/// it starts a message or is a control frame, and it is followed by another plausible header
/// (or ends exactly where the direction ended).
fn frame_candidate(buf: &[u8], from_client: bool, rsv1_allowed: bool, ended: bool) -> Candidate {
    let header = match frame::parse_header(buf) {
        Ok(Some(h)) => h,
        Ok(None) => {
            return if ended {
                Candidate::No
            } else {
                Candidate::NeedMore
            };
        }
        Err(_) => return Candidate::No,
    };
    let plausible = |h: &FrameHeader| {
        !h.opcode.is_reserved() && frame::check_header(h, from_client, rsv1_allowed).is_empty()
    };
    if header.opcode == OpCode::Continuation
        || !plausible(&header)
        || header.payload_len > RESYNC_MAX_FRAME
    {
        return Candidate::No;
    }
    let Some(after) = usize::try_from(header.frame_len())
        .ok()
        .and_then(|end| buf.get(end..))
    else {
        return if ended {
            Candidate::No
        } else {
            Candidate::NeedMore
        };
    };
    if after.is_empty() {
        return if ended {
            Candidate::Yes
        } else {
            Candidate::NeedMore
        };
    }
    match frame::parse_header(after) {
        Ok(Some(next)) if plausible(&next) => Candidate::Yes,
        Ok(None) if !ended => Candidate::NeedMore,
        _ => Candidate::No,
    }
}

/// Whether a start line of this role (a request line for the client, a status line for the
/// server) starts at `buf[0]`. Decided early when the bytes cannot be one (not printable, or
/// longer than any sensible start line).
fn start_line_candidate(buf: &[u8], client: bool, ended: bool) -> Candidate {
    const MAX_START_LINE: usize = 8 * 1024;
    let window = buf.get(..buf.len().min(MAX_START_LINE)).unwrap_or(buf);
    if let Some(nl) = window.iter().position(|b| *b == b'\n') {
        let line = window.get(..=nl).unwrap_or_default();
        let ok = if client {
            is_request_line(line)
        } else {
            is_status_line(line)
        };
        return if ok { Candidate::Yes } else { Candidate::No };
    }
    let printable = window
        .iter()
        .all(|b| (0x20..=0x7e).contains(b) || *b == b'\r');
    if ended || !printable || buf.len() > MAX_START_LINE {
        Candidate::No
    } else {
        Candidate::NeedMore
    }
}

impl DirState {
    /// The capture started in the middle of the connection: finds the first HTTP start line
    /// (at a line start) or plausible WebSocket frame; true when found (the mode is HTTP or
    /// WebSocket then). An HTTP line wins over a frame at the same offset.
    fn resync_start(&mut self, sink: &mut Sink<'_>) -> bool {
        let client = self.client;
        let ended = self.ended;
        let avail = self.avail();
        let mut decided = avail.len();
        let mut found = None;
        for i in 0..avail.len() {
            let rest = avail.get(i..).unwrap_or_default();
            let line_start = if i == 0 {
                self.line_start
            } else {
                avail.get(i.wrapping_sub(1)) == Some(&b'\n')
            };
            let http = if line_start {
                start_line_candidate(rest, client, ended)
            } else {
                Candidate::No
            };
            match http {
                Candidate::Yes => {
                    found = Some((i, Mode::Http));
                    break;
                }
                Candidate::NeedMore => {
                    decided = i;
                    break;
                }
                Candidate::No => {}
            }
            // Whether permessage-deflate was negotiated is unknown: RSV1 is allowed.
            match frame_candidate(rest, client, true, ended) {
                Candidate::Yes => {
                    found = Some((i, Mode::WebSocket));
                    break;
                }
                Candidate::NeedMore => {
                    decided = i;
                    break;
                }
                Candidate::No => {}
            }
        }
        match found {
            Some((at, Mode::WebSocket)) => {
                self.consume(at);
                let skipped = self.resync_skipped.saturating_add(at as u64);
                self.resync_skipped = 0;
                self.mode = Mode::WebSocket;
                self.ws.rsv1_allowed = true;
                self.ws.deflate = None;
                sink.diag(
                    self.dir,
                    span(self.offset(), 0),
                    Severity::Info,
                    format!(
                        "the capture started in the middle of the connection: WebSocket frames from here ({skipped} bytes skipped). The upgrade was not captured, so whether permessage-deflate was negotiated is unknown: compressed messages are shown as sent"
                    ),
                    Some("RFC 7692 §5"),
                );
                true
            }
            Some((at, _)) => {
                self.consume(at);
                let skipped = self.resync_skipped.saturating_add(at as u64);
                self.resync_skipped = 0;
                self.mode = Mode::Http;
                if skipped > 0 {
                    let what = if client { "request" } else { "response" };
                    sink.diag(
                        self.dir,
                        span(self.offset(), 0),
                        Severity::Info,
                        format!(
                            "the capture started in the middle of the connection: {skipped} bytes skipped, dissection starts at this {what}"
                        ),
                        None,
                    );
                }
                true
            }
            None => {
                if let Some(last) = decided.checked_sub(1).and_then(|i| avail.get(i)) {
                    self.line_start = *last == b'\n';
                }
                self.resync_skipped = self.resync_skipped.saturating_add(decided as u64);
                self.consume(decided);
                self.compact();
                self.resync_give_up(sink);
                false
            }
        }
    }

    /// `missing` bytes of this direction are missing from the capture right after what was
    /// fed so far. A body or frame payload of known length just counts them (its framing
    /// still says where it ends); anything else loses its place: what is in progress is
    /// reported, and the direction looks for the next message start (resynchronises).
    fn gap(&mut self, missing: u64, sink: &mut Sink<'_>) -> Decision {
        let dir = self.dir;
        let at = self.base.saturating_add(self.buf.len() as u64);
        let idle = self.avail().is_empty();
        match self.mode {
            Mode::Opaque => Decision::Nothing,
            Mode::ResyncHttp | Mode::ResyncWs | Mode::ResyncStart => {
                // Still looking: the bytes before the gap cannot hold the start any more
                // (the line or header they begin is cut).
                self.resync_skipped = self
                    .resync_skipped
                    .saturating_add(self.avail().len() as u64);
                self.pos = self.buf.len();
                self.compact();
                // As after any gap, the next byte is taken to start a line.
                self.line_start = true;
                Decision::Nothing
            }
            Mode::Held => {
                let reason = format!(
                    "{missing} bytes are missing from the capture after the WebSocket upgrade request; what follows is not dissected"
                );
                sink.diag(dir, None, Severity::Error, reason.clone(), RULE_GAP);
                self.go_opaque(at, reason);
                Decision::Nothing
            }
            Mode::Http => {
                if idle && let Some(msg) = self.http.as_mut() {
                    let fits = match &mut msg.body {
                        Body::Length { total, got } => {
                            let fits = total.saturating_sub(*got) >= missing;
                            if fits {
                                *got = got.saturating_add(missing);
                            }
                            fits
                        }
                        Body::UntilClose { got } => {
                            *got = got.saturating_add(missing);
                            true
                        }
                        Body::Empty | Body::Chunked(_) => false,
                    };
                    if fits {
                        msg.lost = msg.lost.saturating_add(missing);
                        if let Some(p) = msg.sse.as_mut() {
                            p.lose_partial();
                        }
                        sink.diag(
                            dir,
                            None,
                            Severity::Warning,
                            format!(
                                "{missing} bytes of this HTTP body are missing from the capture; its length is known, so dissection goes on after them"
                            ),
                            RULE_GAP,
                        );
                        let complete = msg.body.is_complete();
                        if complete {
                            return self.finish_http(sink);
                        }
                        return Decision::Nothing;
                    }
                }
                let what = if self.client { "request" } else { "response" };
                let mut decision = Decision::Nothing;
                if self.http.is_some() {
                    decision = self.finish_http(sink);
                    sink.diag(
                        dir,
                        None,
                        Severity::Error,
                        format!(
                            "{missing} bytes are missing from the capture in the middle of this HTTP message; looking for the next {what} line"
                        ),
                        RULE_GAP,
                    );
                } else {
                    sink.diag(
                        dir,
                        None,
                        Severity::Error,
                        format!(
                            "{missing} bytes are missing from the capture between HTTP messages; looking for the next {what} line"
                        ),
                        RULE_GAP,
                    );
                }
                self.start_resync(Mode::ResyncHttp);
                decision
            }
            Mode::WebSocket => {
                if idle && let Some(f) = self.ws.frame.as_mut() {
                    let left = f.header.payload_len.saturating_sub(f.received);
                    if left >= missing {
                        f.received = f.received.saturating_add(missing);
                        f.lost = f.lost.saturating_add(missing);
                        sink.diag(
                            dir,
                            None,
                            Severity::Warning,
                            format!(
                                "{missing} payload bytes of this frame are missing from the capture; its length is known, so dissection goes on after them, but the message's content is incomplete"
                            ),
                            RULE_GAP,
                        );
                        if f.received >= f.header.payload_len
                            && let Some(f) = self.ws.frame.take()
                        {
                            self.complete_frame(f, sink);
                        }
                        return Decision::Nothing;
                    }
                }
                sink.diag(
                    dir,
                    None,
                    Severity::Error,
                    format!(
                        "{missing} bytes are missing from the capture between or inside WebSocket frames; looking for the next plausible frame header"
                    ),
                    RULE_GAP,
                );
                self.ws.frame = None;
                self.ws.assembler = MessageAssembler::new();
                self.ws.msg_start = None;
                self.ws.damaged = 0;
                if let Some(side) = self.ws.deflate.as_mut() {
                    // The sender's shared window is unknown now.
                    side.reset();
                }
                self.start_resync(Mode::ResyncWs);
                Decision::Nothing
            }
        }
    }

    /// Drops the unconsumed bytes (they are cut by the gap) and starts looking.
    fn start_resync(&mut self, mode: Mode) {
        self.resync_skipped = self.avail().len() as u64;
        self.http = None;
        self.pos = self.buf.len();
        self.compact();
        self.mode = mode;
    }

    /// Gives up after [`RESYNC_LIMIT`] bytes without a message start.
    fn resync_give_up(&mut self, sink: &mut Sink<'_>) -> bool {
        if self.resync_skipped <= RESYNC_LIMIT {
            return false;
        }
        let at = self.offset();
        let what = match self.mode {
            Mode::ResyncWs => "WebSocket frame",
            Mode::ResyncStart => "HTTP message or WebSocket frame",
            _ => "HTTP message",
        };
        let reason = format!(
            "no {what} start was found in {} bytes after the bytes missing from the capture",
            self.resync_skipped
        );
        sink.diag(self.dir, None, Severity::Warning, reason.clone(), RULE_GAP);
        self.go_opaque(at, reason);
        true
    }

    fn resync_found(&mut self, skip: usize, mode: Mode, what: &str, sink: &mut Sink<'_>) {
        self.consume(skip);
        let skipped = self.resync_skipped.saturating_add(skip as u64);
        self.resync_skipped = 0;
        self.mode = mode;
        sink.diag(
            self.dir,
            span(self.offset(), 0),
            Severity::Info,
            format!("resynchronised after the missing bytes: {skipped} bytes skipped, dissection goes on at this {what}"),
            RULE_GAP,
        );
    }

    /// Looks for the next request (client) or status (server) line at a line start; true
    /// when found (the mode is HTTP again).
    fn resync_http(&mut self, sink: &mut Sink<'_>) -> bool {
        let client = self.client;
        let avail = self.avail();
        let mut start = 0usize;
        let mut found = None;
        while let Some(nl) = avail
            .get(start..)
            .and_then(|rest| rest.iter().position(|b| *b == b'\n'))
        {
            let end = start.saturating_add(nl).saturating_add(1);
            let line = avail.get(start..end).unwrap_or_default();
            if (client && is_request_line(line)) || (!client && is_status_line(line)) {
                found = Some(start);
                break;
            }
            start = end;
        }
        if let Some(at) = found {
            let what = if client {
                "request line"
            } else {
                "status line"
            };
            self.resync_found(at, Mode::Http, what, sink);
            return true;
        }
        // Keep the unfinished last line unless it is too long to be a start line.
        let partial = avail.len().saturating_sub(start);
        let drop = if partial > http::MAX_HEAD_LEN {
            avail.len()
        } else {
            start
        };
        self.resync_skipped = self.resync_skipped.saturating_add(drop as u64);
        self.consume(drop);
        self.compact();
        self.resync_give_up(sink);
        false
    }

    /// Looks for the next plausible frame header; true when found (the mode is WebSocket
    /// again).
    fn resync_ws(&mut self, sink: &mut Sink<'_>) -> bool {
        let avail = self.avail();
        let mut decided = avail.len();
        let mut found = None;
        for i in 0..avail.len() {
            let rest = avail.get(i..).unwrap_or_default();
            match frame_candidate(rest, self.client, self.ws.rsv1_allowed, self.ended) {
                Candidate::Yes => {
                    found = Some(i);
                    break;
                }
                Candidate::No => {}
                Candidate::NeedMore => {
                    decided = i;
                    break;
                }
            }
        }
        if let Some(at) = found {
            self.resync_found(at, Mode::WebSocket, "frame header", sink);
            return true;
        }
        self.resync_skipped = self.resync_skipped.saturating_add(decided as u64);
        self.consume(decided);
        self.compact();
        self.resync_give_up(sink);
        false
    }
}

/// How many header bytes a frame whose first bytes are `buf` needs (2 to 14).
fn header_len_needed(buf: &[u8]) -> usize {
    let Some(&b1) = buf.get(1) else {
        return 2;
    };
    let form = match b1 & 0x7F {
        126 => LengthForm::Extended16,
        127 => LengthForm::Extended64,
        _ => LengthForm::Short,
    };
    2 + form.extra_bytes() + if b1 & 0x80 != 0 { 4 } else { 0 }
}

fn emit_sse(sink: &mut Sink<'_>, dir: Dir, events: Vec<SseOut>) {
    for e in events {
        sink.push(
            dir,
            span(e.start, e.end.saturating_sub(e.start)),
            EventKind::SseEvent {
                id: e.id,
                event: e.event,
                data: e.data,
            },
        );
    }
}

fn emit_upgrade_check(
    sink: &mut Sink<'_>,
    dir: Dir,
    head_span: Option<StreamSpan>,
    check: &UpgradeCheck,
    problems: &[(Severity, Violation)],
) {
    sink.push(
        dir,
        head_span,
        EventKind::WsUpgradeCheck {
            key: check.key.clone().unwrap_or_default(),
            expected_accept: check
                .derivation
                .as_ref()
                .map(|d| d.accept.clone())
                .unwrap_or_default(),
            accept: check.accept.clone(),
            valid: check.valid,
            protocol: check.protocol.clone(),
        },
    );
    if !check.extensions_offered.is_empty() || !check.extensions_negotiated.is_empty() {
        sink.push(
            dir,
            head_span,
            EventKind::WsExtensions {
                offered: check.extensions_offered.clone(),
                negotiated: check.extensions_negotiated.clone(),
            },
        );
    }
    for (severity, v) in problems {
        sink.violation(dir, head_span, *severity, v);
    }
}

/// The diagnostics of an upgrade check. After a 101 every problem is an error. Any other
/// status is a refusal, a normal HTTP answer: one warning says so, and only the request's own
/// problems (found by checking it against a well-formed 101) are errors — the missing
/// `Upgrade`/`Accept` headers of a refusal are its consequence, not separate faults.
fn upgrade_problems(
    request_headers: &[(String, String)],
    status: u16,
    reason: &str,
    check: &UpgradeCheck,
) -> Vec<(Severity, Violation)> {
    if status == 101 {
        return check
            .problems
            .iter()
            .map(|v| (Severity::Error, v.clone()))
            .collect();
    }
    let accept = check
        .derivation
        .as_ref()
        .map(|d| d.accept.clone())
        .unwrap_or_default();
    let well_formed = [
        ("Upgrade".to_string(), "websocket".to_string()),
        ("Connection".to_string(), "Upgrade".to_string()),
        ("Sec-WebSocket-Accept".to_string(), accept),
    ];
    let mut problems: Vec<(Severity, Violation)> =
        handshake::check_upgrade(request_headers, 101, &well_formed)
            .problems
            .into_iter()
            .map(|v| (Severity::Error, v))
            .collect();
    problems.push((
        Severity::Warning,
        Violation::new(
            "RFC 6455 §4.1",
            format!(
                "the server answered {status} {reason} instead of 101 Switching Protocols: the upgrade was refused and the connection stays HTTP"
            ),
        ),
    ));
    problems
}

fn request_kind(head: RequestHead) -> EventKind {
    EventKind::HttpRequest {
        method: head.method,
        target: head.target,
        version: head.version,
        headers: head.headers,
        head_len: head.head_len as u64,
        body_len: 0,
        chunked_overhead: None,
    }
}

fn response_kind(head: ResponseHead) -> EventKind {
    EventKind::HttpResponse {
        status: head.status,
        reason: head.reason,
        version: head.version,
        headers: head.headers,
        head_len: head.head_len as u64,
        body_len: 0,
        chunked_overhead: None,
    }
}

impl ConnectionDissector {
    /// A dissector for connection `conn`.
    pub fn new(conn: u32) -> Self {
        ConnectionDissector {
            conn,
            c2s: DirState::new(Dir::C2s),
            s2c: DirState::new(Dir::S2c),
            swapped: false,
            roles_settled: false,
            pending: VecDeque::new(),
        }
    }

    /// The capture starts in the middle of this connection (no SYN seen): each direction's
    /// first bytes may be anywhere in a message, so dissection starts at the first HTTP
    /// request or status line, or the first plausible WebSocket frame header. Call it before
    /// any bytes are fed.
    pub fn starts_mid_connection(&mut self) {
        for state in [&mut self.c2s, &mut self.s2c] {
            if state.seen == 0 && state.mode == Mode::Http {
                state.mode = Mode::ResyncStart;
            }
        }
    }

    /// The role whose state dissects the bytes of `dir`.
    fn role_of(&self, dir: Dir) -> Dir {
        if self.swapped { dir.reverse() } else { dir }
    }

    /// Before the first message is parsed: a status line from the side called the client,
    /// or a request line from the side called the server, means the capture (which started
    /// mid-connection and guessed from the ports) has the roles the wrong way round. The two
    /// states swap roles; events keep the directions as captured. True when they swapped.
    fn settle_roles(&mut self, sink: &mut Sink<'_>) -> bool {
        if self.c2s.heads > 0
            || self.s2c.heads > 0
            || !matches!(self.c2s.mode, Mode::Http | Mode::ResyncStart)
            || !matches!(self.s2c.mode, Mode::Http | Mode::ResyncStart)
        {
            self.roles_settled = true;
            return false;
        }
        let client_line = role_line(&self.c2s);
        let server_line = role_line(&self.s2c);
        if client_line.is_some_and(is_request_line) || server_line.is_some_and(is_status_line) {
            self.roles_settled = true;
            return false;
        }
        let (revealing_dir, what) = if client_line.is_some_and(is_status_line) {
            (self.c2s.dir, "sends HTTP responses")
        } else if server_line.is_some_and(is_request_line) {
            (self.s2c.dir, "sends HTTP requests")
        } else {
            return false;
        };
        std::mem::swap(&mut self.c2s, &mut self.s2c);
        self.c2s.client = true;
        self.s2c.client = false;
        self.swapped = true;
        self.roles_settled = true;
        let side = if revealing_dir == Dir::C2s {
            "client"
        } else {
            "server"
        };
        sink.diag(
            revealing_dir,
            None,
            Severity::Warning,
            format!(
                "the side this capture calls the {side} {what}: the capture started in the middle of the connection and guessed client and server wrong, so the roles are swapped for dissection (directions are shown as captured)"
            ),
            None,
        );
        true
    }

    /// Feeds bytes seen in `dir` at `t_us`; pushes the events they complete onto `out`.
    pub fn feed(&mut self, dir: Dir, t_us: i64, bytes: &[u8], out: &mut Vec<Event>) {
        if bytes.is_empty() {
            return;
        }
        let mut sink = Sink {
            conn: self.conn,
            t_us,
            out,
        };
        let role = self.role_of(dir);
        let state = match role {
            Dir::C2s => &mut self.c2s,
            Dir::S2c => &mut self.s2c,
        };
        state.seen = state.seen.saturating_add(bytes.len() as u64);
        if state.mode == Mode::Opaque || state.ended {
            state.base = state.base.saturating_add(bytes.len() as u64);
            return;
        }
        state.buf.extend_from_slice(bytes);
        // Only a new line can reveal the roles (and looking only then keeps this linear).
        if !self.roles_settled && bytes.contains(&b'\n') && self.settle_roles(&mut sink) {
            // Both directions' bytes so far are read again in their new roles.
            self.process_c2s(&mut sink);
            self.process_s2c(&mut sink);
            return;
        }
        match role {
            Dir::C2s => self.process_c2s(&mut sink),
            Dir::S2c => self.process_s2c(&mut sink),
        }
    }

    /// `missing` bytes of `dir` are missing from the capture (lost packets, a snap length):
    /// the next bytes fed follow a hole. A body or payload of known length goes on after it;
    /// otherwise HTTP looks for the next request or status line and WebSocket for the next
    /// plausible frame header (or gives up, leaving the direction undissected). Spans stay in
    /// the recorded stream, which lacks the missing bytes.
    pub fn gap(&mut self, dir: Dir, t_us: i64, missing: u64, out: &mut Vec<Event>) {
        if missing == 0 {
            return;
        }
        let mut sink = Sink {
            conn: self.conn,
            t_us,
            out,
        };
        // Whatever the roles turn out to be, a hole before the first message settles them.
        self.roles_settled = true;
        match self.role_of(dir) {
            Dir::C2s => {
                if !self.c2s.ended {
                    self.c2s.gap(missing, &mut sink);
                }
            }
            Dir::S2c => {
                if !self.s2c.ended {
                    let decision = self.s2c.gap(missing, &mut sink);
                    self.apply(decision, &mut sink);
                }
            }
        }
    }

    fn process_c2s(&mut self, sink: &mut Sink<'_>) {
        loop {
            match self.c2s.mode {
                Mode::Http => {
                    self.c2s.process_requests(&mut self.pending, sink);
                    break;
                }
                Mode::WebSocket => {
                    self.c2s.process_frames(sink);
                    break;
                }
                Mode::ResyncHttp => {
                    if !self.c2s.resync_http(sink) {
                        break;
                    }
                }
                Mode::ResyncWs => {
                    if !self.c2s.resync_ws(sink) {
                        break;
                    }
                }
                Mode::ResyncStart => {
                    if !self.c2s.resync_start(sink) {
                        break;
                    }
                }
                Mode::Held | Mode::Opaque => break,
            }
        }
    }

    fn process_s2c(&mut self, sink: &mut Sink<'_>) {
        loop {
            match self.s2c.mode {
                Mode::Http => match self.s2c.process_responses(&mut self.pending, sink) {
                    Decision::Nothing => break,
                    decision => self.apply(decision, sink),
                },
                Mode::WebSocket => {
                    self.s2c.process_frames(sink);
                    break;
                }
                Mode::ResyncHttp => {
                    if !self.s2c.resync_http(sink) {
                        break;
                    }
                }
                Mode::ResyncWs => {
                    if !self.s2c.resync_ws(sink) {
                        break;
                    }
                }
                Mode::ResyncStart => {
                    if !self.s2c.resync_start(sink) {
                        break;
                    }
                }
                Mode::Held | Mode::Opaque => break,
            }
        }
    }

    /// Applies what a response decided to the request side, and dissects what it held.
    fn apply(&mut self, decision: Decision, sink: &mut Sink<'_>) {
        match decision {
            Decision::Nothing => {}
            Decision::ResumeHttp => {
                if self.c2s.mode == Mode::Held {
                    self.c2s.mode = Mode::Http;
                    self.process_c2s(sink);
                }
            }
            Decision::WebSocket { deflate } => {
                if matches!(self.c2s.mode, Mode::Held | Mode::Http) {
                    self.c2s.mode = Mode::WebSocket;
                    self.c2s.http = None;
                    let client = self.c2s.client;
                    self.c2s.ws.start(deflate.as_ref(), client);
                    // Frames the client sent before the 101 was seen.
                    self.process_c2s(sink);
                }
            }
            Decision::Opaque(reason) => {
                if self.c2s.mode != Mode::Opaque {
                    let at = self.c2s.offset();
                    self.c2s.go_opaque(at, reason);
                }
            }
        }
    }

    /// The direction `dir` ended: reports anything left incomplete.
    pub fn end(&mut self, dir: Dir, t_us: i64, out: &mut Vec<Event>) {
        let mut sink = Sink {
            conn: self.conn,
            t_us,
            out,
        };
        match self.role_of(dir) {
            Dir::C2s => {
                let other = self.s2c.mode;
                self.c2s.end(other, &mut sink);
            }
            Dir::S2c => {
                let other = self.c2s.mode;
                let decision = self.s2c.end(other, &mut sink);
                self.apply(decision, &mut sink);
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    /// The diagnostic of a malformed head cites exactly the rule its error cites.
    #[test]
    fn head_diagnostic_rule_is_the_errors_citation() {
        use crate::proto::rule::BreaksRule as _;
        let mut too_many = b"GET / HTTP/1.1\r\n".to_vec();
        for i in 0..=http::MAX_HEADERS {
            too_many.extend_from_slice(format!("X-{i}: y\r\n").as_bytes());
        }
        too_many.extend_from_slice(b"\r\n");
        let mut too_large = b"GET / HTTP/1.1\r\nX: ".to_vec();
        too_large.resize(http::MAX_HEAD_LEN + 16, b'a');
        let cases: [(&[u8], HttpError); 3] = [
            (b"G(T / HTTP/1.1\r\n\r\n", HttpError::Token),
            (&too_many, HttpError::TooManyHeaders),
            (&too_large, HttpError::HeadTooLarge),
        ];
        for (bytes, error) in cases {
            let mut d = ConnectionDissector::new(0);
            let mut out = Vec::new();
            d.feed(Dir::C2s, 0, bytes, &mut out);
            let diag = out.iter().find_map(|e| match &e.kind {
                EventKind::Diagnostic { message, rule, .. } => Some((message, rule)),
                _ => None,
            });
            let Some((message, rule)) = diag else {
                panic!("{error:?}: no diagnostic in {out:?}");
            };
            assert_eq!(rule.as_deref(), Some(error.rule()), "{error:?}");
            assert_eq!(message, &format!("malformed HTTP request head: {error}"));
        }
    }

    #[test]
    fn start_lines() {
        assert!(is_request_line(b"GET /a HTTP/1.1\r\n"));
        assert!(is_request_line(b"M-SEARCH * HTTP/1.1\n"));
        assert!(is_request_line(b"OPTIONS * HTTP/1.0\r\n"));
        assert!(!is_request_line(b"GET /a b HTTP/1.1\r\n"));
        assert!(!is_request_line(b"GET /a HTTP/2\r\n"));
        assert!(!is_request_line(b"HTTP/1.1 200 OK\r\n"));
        assert!(!is_request_line(b"\x81\x05Hello GET / HTTP/1.1\r\n"));
        assert!(is_status_line(b"HTTP/1.1 200 OK\r\n"));
        assert!(is_status_line(b"HTTP/1.0 404\r\n"));
        assert!(!is_status_line(b"HTTP/1.1 20 OK\r\n"));
        assert!(!is_status_line(b"HTTP/1.1 2000 OK\r\n"));
        assert!(!is_status_line(b"GET / HTTP/1.1\r\n"));
        assert_eq!(
            first_line(b"\r\n\r\nHTTP/1.1 200 OK\r\nX"),
            Some(&b"HTTP/1.1 200 OK\r\n"[..])
        );
        assert_eq!(first_line(b"HTTP/1.1 200"), None);
    }

    #[test]
    fn frame_candidates() {
        let yes = |c| matches!(c, Candidate::Yes);
        let no = |c| matches!(c, Candidate::No);
        let more = |c| matches!(c, Candidate::NeedMore);
        // A server text frame followed by a ping.
        let two = [0x81, 0x02, b'h', b'i', 0x89, 0x00];
        assert!(yes(frame_candidate(&two, false, false, false)));
        // Masked: wrong for a server, right for a client.
        assert!(no(frame_candidate(
            &[0x81, 0x80, 1, 2, 3, 4, 0x89, 0x00],
            false,
            false,
            false
        )));
        assert!(yes(frame_candidate(
            &[0x81, 0x80, 1, 2, 3, 4, 0x89, 0x80, 0, 0, 0, 0],
            true,
            false,
            false
        )));
        // A continuation cannot start a resynchronisation; RSV1 needs the extension.
        assert!(no(frame_candidate(
            &[0x80, 0x00, 0x89, 0x00],
            false,
            false,
            false
        )));
        assert!(no(frame_candidate(
            &[0xc1, 0x00, 0x89, 0x00],
            false,
            false,
            false
        )));
        assert!(yes(frame_candidate(
            &[0xc1, 0x00, 0x89, 0x00],
            false,
            true,
            false
        )));
        // What follows decides; at the end of the stream, ending exactly there is enough.
        assert!(more(frame_candidate(
            &[0x81, 0x02, b'h', b'i'],
            false,
            false,
            false
        )));
        assert!(yes(frame_candidate(
            &[0x81, 0x02, b'h', b'i'],
            false,
            false,
            true
        )));
        assert!(more(frame_candidate(
            &[0x81, 0x7e, 0x00],
            false,
            false,
            false
        )));
        assert!(no(frame_candidate(
            &[0x81, 0x02, b'h', b'i', 0x83, 0x00],
            false,
            false,
            false
        )));
        // Huge lengths are not waited for.
        assert!(no(frame_candidate(
            &[0x82, 0x7f, 0, 0, 0, 1, 0, 0, 0, 0],
            false,
            false,
            false
        )));
    }
}
