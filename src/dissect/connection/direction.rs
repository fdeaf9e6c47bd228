//! One direction of a connection: its unconsumed bytes, the mode they are read in, where
//! events go, and what is reported when the direction ends.

use super::Decision;
use super::http::HttpMsg;
use super::resync::{FRAME_HEADER, RULE_GAP, start_line_name};
use super::ws::WsDir;
use crate::lang::Phrase;
use crate::proto::Role;
use crate::proto::cite::{self, Cite};
use crate::proto::rule::Violation;
use crate::trace::describe;
use crate::trace::{Dir, Event, EventKind, Severity, StreamSpan};

/// Uncompacted input kept before the consumed prefix is dropped.
const COMPACT_AT: usize = 64 * 1024;

/// How a direction's bytes are interpreted now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Mode {
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
pub(super) struct DirState {
    /// The direction of the bytes (the events' `dir`).
    pub(super) dir: Dir,
    /// Whose bytes these are (the client's: requests, masked frames). Normally the client
    /// sends `C2s`; after a capture guessed the roles wrong, the other way round.
    pub(super) role: Role,
    /// Unconsumed input is `buf[pos..]`; `buf[0]` is at stream offset `base`.
    pub(super) buf: Vec<u8>,
    pub(super) pos: usize,
    pub(super) base: u64,
    pub(super) mode: Mode,
    pub(super) ended: bool,
    /// Bytes of `buf[pos..]` already searched for the end of a head.
    pub(super) head_scanned: usize,
    /// The HTTP message whose head was parsed and whose body is not complete.
    pub(super) http: Option<HttpMsg>,
    pub(super) ws: WsDir,
    /// Bytes this direction carried so far.
    pub(super) seen: u64,
    /// Stream offset from which nothing was dissected (opaque mode).
    pub(super) opaque_from: u64,
    /// Why the direction became opaque (for the summary at the end).
    pub(super) opaque_reason: Option<Phrase>,
    /// HTTP heads parsed so far (once there is one, the roles are settled).
    pub(super) heads: u64,
    /// Bytes skipped so far while resynchronising after a gap.
    pub(super) resync_skipped: u64,
    /// Whether the first unconsumed byte starts a line (for [`Mode::ResyncStart`], which
    /// drops bytes as it decides them).
    pub(super) line_start: bool,
}

/// Where events go, and the time and connection they carry.
pub(super) struct Sink<'a> {
    pub(super) conn: u32,
    pub(super) t_us: i64,
    pub(super) out: &'a mut Vec<Event>,
}

impl Sink<'_> {
    pub(super) fn push(&mut self, dir: Dir, span: Option<StreamSpan>, kind: EventKind) {
        self.out.push(Event {
            t_us: self.t_us,
            conn: Some(self.conn),
            dir: Some(dir),
            span,
            kind,
        });
    }

    pub(super) fn diag(
        &mut self,
        dir: Dir,
        span: Option<StreamSpan>,
        severity: Severity,
        message: Phrase,
        rule: Option<Cite>,
    ) {
        self.push(
            dir,
            span,
            EventKind::diagnostic(severity, message, rule.map(|c| c.to_string())),
        );
    }

    pub(super) fn violation(
        &mut self,
        dir: Dir,
        span: Option<StreamSpan>,
        severity: Severity,
        v: &Violation,
    ) {
        self.diag(
            dir,
            span,
            severity,
            describe::violation_phrase(v),
            Some(v.rule),
        );
    }
}

/// Why a direction stops being dissected, from the rule it broke, in both languages.
pub(super) fn reason_of(v: &Violation) -> Phrase {
    describe::violation_phrase(v)
}

/// A direction in Chinese, for the diagnostics that name one.
fn direction_zh(dir: Dir) -> &'static str {
    match dir {
        Dir::C2s => "客户端→服务器",
        Dir::S2c => "服务器→客户端",
    }
}

pub(super) fn span(offset: u64, len: u64) -> Option<StreamSpan> {
    Some(StreamSpan { offset, len })
}

impl DirState {
    pub(super) fn new(dir: Dir, role: Role) -> DirState {
        DirState {
            dir,
            role,
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

    pub(super) fn avail(&self) -> &[u8] {
        self.buf.get(self.pos..).unwrap_or_default()
    }

    /// Stream offset of the first unconsumed byte.
    pub(super) fn offset(&self) -> u64 {
        self.base.saturating_add(self.pos as u64)
    }

    pub(super) fn consume(&mut self, n: usize) {
        self.pos = self.pos.saturating_add(n).min(self.buf.len());
        self.head_scanned = 0;
    }

    pub(super) fn compact(&mut self) {
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
    pub(super) fn go_opaque(&mut self, at: u64, reason: Phrase) {
        self.mode = Mode::Opaque;
        self.opaque_from = at;
        self.opaque_reason = Some(reason);
        self.pos = self.buf.len();
        self.http = None;
        self.ws.frame = None;
        self.compact();
    }

    /// The direction ended; returns what the other direction must do (a response that ran
    /// until the close may have refused an upgrade).
    pub(super) fn end(&mut self, other_mode: Mode, sink: &mut Sink<'_>) -> Decision {
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
                        Phrase::new(format!(
                            "{skipped} bytes were not dissected: the capture started in the middle of the connection and no HTTP start line or plausible WebSocket frame header followed"
                        ), format!("{skipped} 字节没有解析：抓包从连接中途开始，之后没有出现 HTTP 起始行，也没有可信的 WebSocket 帧头")),
                        RULE_GAP,
                    );
                }
            }
            Mode::ResyncHttp | Mode::ResyncWs => {
                let skipped = self.resync_skipped.saturating_add(left);
                if skipped > 0 {
                    let what = if self.mode == Mode::ResyncWs {
                        FRAME_HEADER
                    } else {
                        start_line_name(self.role)
                    };
                    sink.diag(
                        dir,
                        span(at, left),
                        Severity::Warning,
                        Phrase::new(
                            format!(
                                "{skipped} bytes after the bytes missing from the capture were not dissected: no plausible {} followed",
                                what.en
                            ),
                            format!(
                                "抓包缺失字节之后的 {skipped} 字节没有解析：后面没有出现可信的{}",
                                what.zh
                            ),
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
                        Phrase::new(
                            format!(
                                "{left} bytes sent after the WebSocket upgrade request were not dissected: no response decided the protocol"
                            ),
                            format!(
                                "WebSocket 升级请求之后发送的 {left} 字节没有解析：没有响应决定之后用哪种协议"
                            ),
                        ),
                        Some(cite::RFC6455_4_1),
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
                        Phrase::new(
                            format!(
                                "{skipped} bytes of {} were not dissected after: {}",
                                dir.as_str(),
                                why.en
                            ),
                            format!(
                                "{}方向（{}）此后的 {skipped} 字节没有解析，原因：{}",
                                direction_zh(dir),
                                dir.as_str(),
                                why.zh
                            ),
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
}
