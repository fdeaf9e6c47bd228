//! HTTP/1.x on one direction: heads, bodies (length, chunked, until close, event streams),
//! the upgrade decision a response makes for the request side, and malformed messages.

use std::collections::VecDeque;

use super::direction::reason_of;
use super::direction::{DirState, Mode, Sink, span};
use super::sse::{SseOut, SseParser};
use super::ws::Handshake;
use super::{Decision, Pending};
use crate::lang::{Lang, Phrase, Text};
use crate::proto::Role;
use crate::proto::cite::{self, Cite};
use crate::proto::http::{
    self, BodyFraming, ChunkedDecoder, Headers, HttpError, RequestHead, ResponseHead,
};
use crate::proto::rule::Violation;
use crate::proto::ws::deflate::{self, DeflateParams};
use crate::proto::ws::handshake::{self, UpgradeCheck};
use crate::trace::{Dir, EventKind, Severity, StreamSpan};

/// "request" for the client's messages, "response" for the server's.
pub(super) fn message_name(role: Role) -> Text {
    match role {
        Role::Client => Text {
            en: "request",
            zh: "请求",
        },
        Role::Server => Text {
            en: "response",
            zh: "响应",
        },
    }
}

/// Incomplete HTTP messages at connection close.
const RULE_HTTP_INCOMPLETE: Cite = cite::RFC9112_8;

/// An HTTP message in progress (head parsed, body not complete).
pub(super) struct HttpMsg {
    pub(super) start: u64,
    pub(super) head_len: u64,
    /// The event to emit, `body_len` still 0.
    pub(super) kind: EventKind,
    pub(super) body: Body,
    /// Already emitted at head time (event streams, which may never end).
    pub(super) emitted: bool,
    pub(super) sse: Option<SseParser>,
    /// For responses to WebSocket upgrade requests: the check and the diagnostics it gives,
    /// emitted after the response.
    pub(super) upgrade: Option<UpgradeVerdict>,
    /// What the other direction must do once this message is complete.
    pub(super) on_finish: Decision,
    /// Body bytes missing from the capture (counted in the body, absent from the stream).
    pub(super) lost: u64,
}

/// A body being read.
pub(super) enum Body {
    Empty,
    Length { total: u64, got: u64 },
    Chunked(ChunkedDecoder),
    UntilClose { got: u64 },
}

impl HttpMsg {
    pub(super) fn new(start: u64, head_len: u64, kind: EventKind) -> HttpMsg {
        HttpMsg {
            start,
            head_len,
            kind,
            body: Body::Empty,
            emitted: false,
            sse: None,
            upgrade: None,
            on_finish: Decision::Nothing,
            lost: 0,
        }
    }
}

impl Body {
    pub(super) fn from_framing(framing: BodyFraming) -> Body {
        match framing {
            BodyFraming::None | BodyFraming::ContentLength(0) => Body::Empty,
            BodyFraming::ContentLength(n) => Body::Length { total: n, got: 0 },
            BodyFraming::Chunked => Body::Chunked(ChunkedDecoder::new()),
            BodyFraming::UntilClose => Body::UntilClose { got: 0 },
        }
    }

    /// Body bytes on the wire so far (including chunk framing).
    pub(super) fn wire_len(&self) -> u64 {
        match self {
            Body::Empty => 0,
            Body::Length { got, .. } | Body::UntilClose { got } => *got,
            Body::Chunked(d) => d.consumed_bytes(),
        }
    }

    pub(super) fn is_complete(&self) -> bool {
        match self {
            Body::Empty => true,
            Body::Length { total, got } => got >= total,
            Body::Chunked(d) => d.is_done(),
            Body::UntilClose { .. } => false,
        }
    }
}

impl DirState {
    /// Drops CR/LF bytes before a head: RFC 9112 §2.2 lets a recipient ignore empty lines
    /// before the start line (and doing it here keeps head parsing linear).
    pub(super) fn skip_blank_lines(&mut self) {
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
    pub(super) fn head_parse_len(&mut self) -> Option<usize> {
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
    pub(super) fn advance_body(&mut self, sink: &mut Sink<'_>) -> Result<bool, HttpError> {
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
    pub(super) fn finish_http(&mut self, sink: &mut Sink<'_>) -> Decision {
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
                    Phrase::new(format!(
                        "the event stream ended after {} events; the last event had no blank line after it, so it was never dispatched",
                        p.events
                    ), format!("事件流在 {} 个事件之后结束；最后一个事件后面没有空行，所以它从未被分派", p.events)),
                    Some(cite::WHATWGHTML_9_2_6),
                );
            }
        }
        if let Some(verdict) = &msg.upgrade {
            emit_upgrade_check(sink, self.dir, span(msg.start, msg.head_len), verdict);
        }
        msg.on_finish
    }

    /// Parses this direction's HTTP messages until more bytes are needed or the mode changes;
    /// returns what a complete response decided for the request side.
    pub(super) fn process_http(
        &mut self,
        pending: &mut VecDeque<Pending>,
        sink: &mut Sink<'_>,
    ) -> Decision {
        match self.role {
            Role::Client => {
                self.process_requests(pending, sink);
                Decision::Nothing
            }
            Role::Server => self.process_responses(pending, sink),
        }
    }

    /// Parses requests (client to server) until more bytes are needed or the mode changes.
    pub(super) fn process_requests(
        &mut self,
        pending: &mut VecDeque<Pending>,
        sink: &mut Sink<'_>,
    ) {
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
                    self.head_error(e, parse_len, sink);
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
    pub(super) fn process_responses(
        &mut self,
        pending: &mut VecDeque<Pending>,
        sink: &mut Sink<'_>,
    ) -> Decision {
        let decision = self.parse_responses(pending, sink);
        self.compact();
        decision
    }

    pub(super) fn parse_responses(
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
                    self.head_error(e, parse_len, sink);
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
            let upgrade = upgrade_headers.as_ref().map(|req| {
                let check = handshake::check_upgrade(req, status, &head.headers);
                let problems = upgrade_problems(req, status, &head.reason, &check);
                UpgradeVerdict { check, problems }
            });
            let is_event_stream = Headers::new(&head.headers).has_media_type("text/event-stream")
                && framing != BodyFraming::None;
            // permessage-deflate parameters from the 101's answer (RFC 7692 §7.1); a bad
            // parameter is reported and inflation still tried with the defaults (a kept
            // window inflates a sender that resets it, too).
            let (deflate, deflate_problem) = match &upgrade {
                Some(UpgradeVerdict { check: c, .. }) if c.deflate_negotiated() => {
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
            let msg_upgrade_valid = upgrade.as_ref().is_some_and(|u| u.check.valid);
            msg.upgrade = upgrade;
            if status == 101 {
                self.http = Some(msg);
                self.finish_http(sink);
                if upgrade_headers.is_some() {
                    if let Some(v) = &deflate_problem {
                        sink.violation(self.dir, span(start, head_len), Severity::Error, v);
                    }
                    self.mode = Mode::WebSocket;
                    let handshake = if msg_upgrade_valid {
                        Handshake::Valid
                    } else {
                        Handshake::Failed
                    };
                    self.ws.start(deflate.as_ref(), self.role, handshake);
                    return Decision::WebSocket { deflate, handshake };
                }
                let reason = Phrase::new(
                    "a 101 Switching Protocols answered a request that did not ask for a WebSocket upgrade; the protocol that follows is not dissected",
                    "101 Switching Protocols 回答的请求并没有要求升级到 WebSocket；之后的协议不再解析",
                );
                sink.diag(
                    self.dir,
                    span(start, head_len),
                    Severity::Warning,
                    reason.clone(),
                    Some(cite::RFC9110_15_2_2),
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
    pub(super) fn head_error(&mut self, e: HttpError, parse_len: usize, sink: &mut Sink<'_>) {
        let role = self.role;
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
            match role {
                Role::Client => http::parse_request_head(prefix).is_err(),
                Role::Server => http::parse_response_head(prefix).is_err(),
            }
        };
        // Once a prefix fails every longer one does: binary search keeps this O(log lines).
        let first_failing = line_ends.partition_point(|end| !fails(*end));
        if let Some(end) = line_ends.get(first_failing) {
            bad_end = *end;
        }
        let what = message_name(role);
        let v = Violation::of(
            Phrase::new(
                format!("malformed HTTP {} head", what.en),
                format!("HTTP {}头格式错误", what.zh),
            ),
            &e,
        );
        sink.violation(self.dir, span(at, bad_end as u64), Severity::Error, &v);
        self.go_opaque(at, reason_of(&v));
    }

    /// A malformed body: the message is shown with the body bytes read so far, then one
    /// diagnostic, then this direction is opaque.
    pub(super) fn body_error(&mut self, e: HttpError, sink: &mut Sink<'_>) -> Decision {
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
        let v = Violation::of(
            Phrase::new("malformed HTTP body", "HTTP 消息体格式错误"),
            &e,
        );
        sink.violation(self.dir, span(start, len), Severity::Error, &v);
        self.go_opaque(start.saturating_add(len), reason_of(&v));
        decision
    }

    pub(super) fn end_http(&mut self, sink: &mut Sink<'_>) -> Decision {
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
                Body::Length { total, got } => Some(Phrase::new(
                    format!(
                        "connection closed in the middle of an HTTP body: {got} of {total} bytes"
                    ),
                    format!("连接在 HTTP 消息体的中途关闭：收到 {total} 字节中的 {got} 字节"),
                )),
                // An event stream is normally ended by closing the connection.
                Body::Chunked(_) if msg.sse.is_some() => None,
                Body::Chunked(d) => Some(Phrase::new(
                    format!(
                        "connection closed in the middle of a chunked HTTP body ({}) after {} bytes; the last chunk never came",
                        d.describe_position(Lang::En),
                        d.consumed_bytes()
                    ),
                    format!(
                        "连接在分块（chunked）HTTP 消息体的中途关闭（{}），此时已有 {} 字节；最后一个块始终没有到达",
                        d.describe_position(Lang::Zh),
                        d.consumed_bytes()
                    ),
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
            let what = message_name(self.role);
            sink.diag(
                dir,
                span(at, left),
                Severity::Warning,
                Phrase::new(
                    format!(
                        "connection closed in the middle of an HTTP {} head: {left} bytes",
                        what.en
                    ),
                    format!("连接在一个 HTTP {}头的中途关闭：{left} 字节", what.zh),
                ),
                Some(RULE_HTTP_INCOMPLETE),
            );
        }
        Decision::Nothing
    }
}

pub(super) fn emit_sse(sink: &mut Sink<'_>, dir: Dir, events: Vec<SseOut>) {
    for e in events {
        sink.push(
            dir,
            span(e.start, e.end.saturating_sub(e.start)),
            EventKind::SseEvent {
                id: e.id,
                event: e.event,
                data: e.data,
                retry: e.retry,
            },
        );
    }
}

/// An upgrade request checked against its response, and the diagnostics that gives.
pub(super) struct UpgradeVerdict {
    pub(super) check: UpgradeCheck,
    pub(super) problems: Vec<Problem>,
}

/// A broken rule, and how serious breaking it is here.
pub(super) struct Problem {
    pub(super) severity: Severity,
    pub(super) violation: Violation,
}

pub(super) fn emit_upgrade_check(
    sink: &mut Sink<'_>,
    dir: Dir,
    head_span: Option<StreamSpan>,
    verdict: &UpgradeVerdict,
) {
    let check = &verdict.check;
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
    for p in &verdict.problems {
        sink.violation(dir, head_span, p.severity, &p.violation);
    }
}

/// The diagnostics of an upgrade check. After a 101 every problem is an error. Any other
/// status is a refusal, a normal HTTP answer: one warning says so, and only the request's own
/// problems (found by checking it against a well-formed 101) are errors — the missing
/// `Upgrade`/`Accept` headers of a refusal are its consequence, not separate faults.
pub(super) fn upgrade_problems(
    request_headers: &[(String, String)],
    status: u16,
    reason: &str,
    check: &UpgradeCheck,
) -> Vec<Problem> {
    let error = |violation| Problem {
        severity: Severity::Error,
        violation,
    };
    if status == 101 {
        return check.problems.iter().cloned().map(error).collect();
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
    let mut problems: Vec<Problem> = handshake::check_upgrade(request_headers, 101, &well_formed)
        .problems
        .into_iter()
        .map(error)
        .collect();
    problems.push(Problem {
        severity: Severity::Warning,
        violation: Violation::new(
            cite::RFC6455_4_1,
            format!(
                "the server answered {status} {reason} instead of 101 Switching Protocols: the upgrade was refused and the connection stays HTTP"
            ),
        )
.zh(format!("服务器回答的是 {status} {reason}，而不是 101 Switching Protocols：升级被拒绝，连接仍然是 HTTP")),
    });
    problems
}

pub(super) fn request_kind(head: RequestHead) -> EventKind {
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

pub(super) fn response_kind(head: ResponseHead) -> EventKind {
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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    /// The diagnostic of a malformed head cites exactly the rule its error cites.
    #[test]
    fn head_diagnostic_rule_is_the_errors_citation() {
        use super::super::ConnectionDissector;
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
            assert_eq!(rule, &Some(error.rule().to_string()), "{error:?}");
            assert_eq!(
                message.as_str(),
                format!("malformed HTTP request head: {error}")
            );
        }
    }
}
