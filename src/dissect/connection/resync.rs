//! Bytes missing from the capture, and a capture that starts mid-connection: a body or
//! payload of known length goes on after a gap; otherwise the direction looks for the next
//! request or status line, or the next plausible frame header (resynchronises).

use super::Decision;
use super::direction::{DirState, Mode, Sink, span};
use super::http::Body;
use super::http::message_name;
use crate::lang::{Phrase, Text};
use crate::proto::Role;
use crate::proto::cite::{self, Cite};
use crate::proto::http;
use crate::proto::ws::frame::{self, FrameHeader, OpCode, Rsv1};
use crate::proto::ws::message::MessageAssembler;
use crate::trace::Severity;

/// How far a resynchronisation looks before it gives up on a direction.
pub(super) const RESYNC_LIMIT: u64 = 4 * 1024 * 1024;
/// The longest frame a resynchronisation waits for to see what follows it.
pub(super) const RESYNC_MAX_FRAME: u64 = 1024 * 1024;
/// Missing bytes are not a rule of any protocol; the diagnostics name where they were lost.
pub(super) const RULE_GAP: Option<Cite> = None;

/// Whether `line` (ending with LF) is an HTTP/1.x request line: `METHOD SP target SP
/// HTTP/1.x` (RFC 9112 §3).
pub(super) fn is_request_line(line: &[u8]) -> bool {
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
pub(super) fn is_status_line(line: &[u8]) -> bool {
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

pub(super) fn is_version(v: &[u8]) -> bool {
    v.len() == 8 && v.starts_with(b"HTTP/1.") && v.get(7).is_some_and(u8::is_ascii_digit)
}

/// The line that can reveal a direction's role: its first line (after empty lines) in HTTP
/// mode; in a capture that starts mid-connection, only the line at the very start of the
/// stream (later lines are searched for by the resynchronisation, which consumes bytes as it
/// goes, so looking at them here would depend on how the bytes were split).
pub(super) fn role_line(state: &DirState) -> Option<&[u8]> {
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
pub(super) fn first_line(buf: &[u8]) -> Option<&[u8]> {
    let start = buf.iter().position(|b| *b != b'\r' && *b != b'\n')?;
    let rest = buf.get(start..)?;
    let end = rest.iter().position(|b| *b == b'\n')?;
    rest.get(..=end)
}

/// What a resynchronisation knows about the direction it searches.
#[derive(Clone, Copy, Debug)]
pub(super) struct Search {
    /// Whose bytes these are: which start line they may hold and which masking rule their
    /// frames follow.
    pub(super) role: Role,
    /// What RSV1 may mean (permessage-deflate negotiated, or unknown, allows it).
    pub(super) rsv1: Rsv1,
    /// The direction has ended: no more bytes will come, so "need more" is "no".
    pub(super) ended: bool,
}

/// "request line" for the client, "status line" for the server.
pub(super) fn start_line_name(role: Role) -> Text {
    match role {
        Role::Client => Text {
            en: "request line",
            zh: "请求行",
        },
        Role::Server => Text {
            en: "status line",
            zh: "状态行",
        },
    }
}

/// What a WebSocket resynchronisation looks for.
pub(super) const FRAME_HEADER: Text = Text {
    en: "frame header",
    zh: "帧头",
};

/// Whether `line` is a start line of this role: a request line for the client, a status
/// line for the server.
fn is_start_line(role: Role, line: &[u8]) -> bool {
    match role {
        Role::Client => is_request_line(line),
        Role::Server => is_status_line(line),
    }
}

/// What a resynchronisation can say about a frame header at some offset.
pub(super) enum Candidate {
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
pub(super) fn frame_candidate(buf: &[u8], search: Search) -> Candidate {
    let ended = search.ended;
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
        !h.opcode.is_reserved() && frame::check_header(h, search.role, search.rsv1).is_empty()
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
pub(super) fn start_line_candidate(buf: &[u8], search: Search) -> Candidate {
    const MAX_START_LINE: usize = 8 * 1024;
    let window = buf.get(..buf.len().min(MAX_START_LINE)).unwrap_or(buf);
    if let Some(nl) = window.iter().position(|b| *b == b'\n') {
        let line = window.get(..=nl).unwrap_or_default();
        return if is_start_line(search.role, line) {
            Candidate::Yes
        } else {
            Candidate::No
        };
    }
    let printable = window
        .iter()
        .all(|b| (0x20..=0x7e).contains(b) || *b == b'\r');
    if search.ended || !printable || buf.len() > MAX_START_LINE {
        Candidate::No
    } else {
        Candidate::NeedMore
    }
}

impl DirState {
    /// The capture started in the middle of the connection: finds the first HTTP start line
    /// (at a line start) or plausible WebSocket frame; true when found (the mode is HTTP or
    /// WebSocket then). An HTTP line wins over a frame at the same offset.
    pub(super) fn resync_start(&mut self, sink: &mut Sink<'_>) -> bool {
        // Whether permessage-deflate was negotiated is unknown: RSV1 is allowed.
        let search = Search {
            role: self.role,
            rsv1: Rsv1::Deflate,
            ended: self.ended,
        };
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
                start_line_candidate(rest, search)
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
            match frame_candidate(rest, search) {
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
                self.ws.rsv1 = Rsv1::Deflate;
                self.ws.deflate = None;
                sink.diag(
                    self.dir,
                    span(self.offset(), 0),
                    Severity::Info,
                    Phrase::new(format!(
                        "the capture started in the middle of the connection: WebSocket frames from here ({skipped} bytes skipped). The upgrade was not captured, so whether permessage-deflate was negotiated is unknown: compressed messages are shown as sent"
                    ), format!("抓包从连接中途开始：从这里起是 WebSocket 帧（跳过了 {skipped} 字节）。升级握手没有抓到，所以不知道是否协商了 permessage-deflate：压缩的消息按发送时的原样显示")),
                    Some(cite::RFC7692_5),
                );
                true
            }
            Some((at, _)) => {
                self.consume(at);
                let skipped = self.resync_skipped.saturating_add(at as u64);
                self.resync_skipped = 0;
                self.mode = Mode::Http;
                if skipped > 0 {
                    let what = message_name(self.role);
                    sink.diag(
                        self.dir,
                        span(self.offset(), 0),
                        Severity::Info,
                        Phrase::new(format!(
                            "the capture started in the middle of the connection: {skipped} bytes skipped, dissection starts at this {}", what.en
                        ), format!("抓包从连接中途开始：跳过了 {skipped} 字节，从这个{}开始解析", what.zh)),
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
    pub(super) fn gap(&mut self, missing: u64, sink: &mut Sink<'_>) -> Decision {
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
                let reason = Phrase::new(
                    format!(
                        "{missing} bytes are missing from the capture after the WebSocket upgrade request; what follows is not dissected"
                    ),
                    format!(
                        "WebSocket 升级请求之后，抓包缺失了 {missing} 字节；之后的内容不再解析"
                    ),
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
                            Phrase::new(format!(
                                "{missing} bytes of this HTTP body are missing from the capture; its length is known, so dissection goes on after them"
                            ), format!("这个 HTTP 消息体在抓包中缺失了 {missing} 字节；它的长度已知，所以跳过它们继续解析")),
                            RULE_GAP,
                        );
                        let complete = msg.body.is_complete();
                        if complete {
                            return self.finish_http(sink);
                        }
                        return Decision::Nothing;
                    }
                }
                let what = message_name(self.role);
                let mut decision = Decision::Nothing;
                if self.http.is_some() {
                    decision = self.finish_http(sink);
                    sink.diag(
                        dir,
                        None,
                        Severity::Error,
                        Phrase::new(format!(
                            "{missing} bytes are missing from the capture in the middle of this HTTP message; looking for the next {} line", what.en
                        ), format!("这条 HTTP 消息的中途，抓包缺失了 {missing} 字节；正在寻找下一个{}行", what.zh)),
                        RULE_GAP,
                    );
                } else {
                    sink.diag(
                        dir,
                        None,
                        Severity::Error,
                        Phrase::new(format!(
                            "{missing} bytes are missing from the capture between HTTP messages; looking for the next {} line", what.en
                        ), format!("两条 HTTP 消息之间，抓包缺失了 {missing} 字节；正在寻找下一个{}行", what.zh)),
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
                            Phrase::new(format!(
                                "{missing} payload bytes of this frame are missing from the capture; its length is known, so dissection goes on after them, but the message's content is incomplete"
                            ), format!("这一帧的载荷在抓包中缺失了 {missing} 字节；它的长度已知，所以跳过它们继续解析，但消息的内容不完整")),
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
                    Phrase::new(format!(
                        "{missing} bytes are missing from the capture between or inside WebSocket frames; looking for the next plausible frame header"
                    ), format!("WebSocket 帧之间或帧内，抓包缺失了 {missing} 字节；正在寻找下一个可信的帧头")),
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
    pub(super) fn start_resync(&mut self, mode: Mode) {
        self.resync_skipped = self.avail().len() as u64;
        self.http = None;
        self.pos = self.buf.len();
        self.compact();
        self.mode = mode;
    }

    /// Gives up after [`RESYNC_LIMIT`] bytes without a message start.
    pub(super) fn resync_give_up(&mut self, sink: &mut Sink<'_>) -> bool {
        if self.resync_skipped <= RESYNC_LIMIT {
            return false;
        }
        let at = self.offset();
        let what = match self.mode {
            Mode::ResyncWs => Text {
                en: "WebSocket frame",
                zh: "WebSocket 帧",
            },
            Mode::ResyncStart => Text {
                en: "HTTP message or WebSocket frame",
                zh: "HTTP 消息或 WebSocket 帧",
            },
            _ => Text {
                en: "HTTP message",
                zh: "HTTP 消息",
            },
        };
        let reason = Phrase::new(
            format!(
                "no {} start was found in {} bytes after the bytes missing from the capture",
                what.en, self.resync_skipped
            ),
            format!(
                "抓包缺失字节之后的 {} 字节里没有找到{}的开头",
                self.resync_skipped, what.zh
            ),
        );
        sink.diag(self.dir, None, Severity::Warning, reason.clone(), RULE_GAP);
        self.go_opaque(at, reason);
        true
    }

    pub(super) fn resync_found(
        &mut self,
        skip: usize,
        mode: Mode,
        what: Text,
        sink: &mut Sink<'_>,
    ) {
        self.consume(skip);
        let skipped = self.resync_skipped.saturating_add(skip as u64);
        self.resync_skipped = 0;
        self.mode = mode;
        sink.diag(
            self.dir,
            span(self.offset(), 0),
            Severity::Info,
            Phrase::new(
                format!("resynchronised after the missing bytes: {skipped} bytes skipped, dissection goes on at this {}", what.en),
                format!("在缺失的字节之后重新同步：跳过了 {skipped} 字节，从这个{}继续解析", what.zh),
            ),
            RULE_GAP,
        );
    }

    /// Looks for the next request (client) or status (server) line at a line start; true
    /// when found (the mode is HTTP again).
    pub(super) fn resync_http(&mut self, sink: &mut Sink<'_>) -> bool {
        let role = self.role;
        let avail = self.avail();
        let mut start = 0usize;
        let mut found = None;
        while let Some(nl) = avail
            .get(start..)
            .and_then(|rest| rest.iter().position(|b| *b == b'\n'))
        {
            let end = start.saturating_add(nl).saturating_add(1);
            let line = avail.get(start..end).unwrap_or_default();
            if is_start_line(role, line) {
                found = Some(start);
                break;
            }
            start = end;
        }
        if let Some(at) = found {
            self.resync_found(at, Mode::Http, start_line_name(role), sink);
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
    pub(super) fn resync_ws(&mut self, sink: &mut Sink<'_>) -> bool {
        let avail = self.avail();
        let mut decided = avail.len();
        let mut found = None;
        for i in 0..avail.len() {
            let rest = avail.get(i..).unwrap_or_default();
            let search = Search {
                role: self.role,
                rsv1: self.ws.rsv1,
                ended: self.ended,
            };
            match frame_candidate(rest, search) {
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
            self.resync_found(at, Mode::WebSocket, FRAME_HEADER, sink);
            return true;
        }
        self.resync_skipped = self.resync_skipped.saturating_add(decided as u64);
        self.consume(decided);
        self.compact();
        self.resync_give_up(sink);
        false
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

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

    /// A server's direction, still open, without permessage-deflate.
    const SERVER: Search = Search {
        role: Role::Server,
        rsv1: Rsv1::Reserved,
        ended: false,
    };
    const CLIENT: Search = Search {
        role: Role::Client,
        ..SERVER
    };

    #[test]
    fn frame_candidates() {
        let yes = |c| matches!(c, Candidate::Yes);
        let no = |c| matches!(c, Candidate::No);
        let more = |c| matches!(c, Candidate::NeedMore);
        // A server text frame followed by a ping.
        let two = [0x81, 0x02, b'h', b'i', 0x89, 0x00];
        assert!(yes(frame_candidate(&two, SERVER)));
        // Masked: wrong for a server, right for a client.
        assert!(no(frame_candidate(
            &[0x81, 0x80, 1, 2, 3, 4, 0x89, 0x00],
            SERVER
        )));
        assert!(yes(frame_candidate(
            &[0x81, 0x80, 1, 2, 3, 4, 0x89, 0x80, 0, 0, 0, 0],
            CLIENT
        )));
        // A continuation cannot start a resynchronisation; RSV1 needs the extension.
        assert!(no(frame_candidate(&[0x80, 0x00, 0x89, 0x00], SERVER)));
        assert!(no(frame_candidate(&[0xc1, 0x00, 0x89, 0x00], SERVER)));
        assert!(yes(frame_candidate(
            &[0xc1, 0x00, 0x89, 0x00],
            Search {
                rsv1: Rsv1::Deflate,
                ..SERVER
            }
        )));
        // What follows decides; at the end of the stream, ending exactly there is enough.
        assert!(more(frame_candidate(&[0x81, 0x02, b'h', b'i'], SERVER)));
        assert!(yes(frame_candidate(
            &[0x81, 0x02, b'h', b'i'],
            Search {
                ended: true,
                ..SERVER
            }
        )));
        assert!(more(frame_candidate(&[0x81, 0x7e, 0x00], SERVER)));
        assert!(no(frame_candidate(
            &[0x81, 0x02, b'h', b'i', 0x83, 0x00],
            SERVER
        )));
        // Huge lengths are not waited for.
        assert!(no(frame_candidate(
            &[0x82, 0x7f, 0, 0, 0, 1, 0, 0, 0, 0],
            SERVER
        )));
    }
}
