//! Dissection of one TCP connection: HTTP/1.x (keep-alive, chunked, SSE) → the WebSocket
//! upgrade → WebSocket frames and messages, both directions, incrementally.
//!
//! Each direction keeps only the bytes it has not consumed yet; bodies and frame payloads
//! are consumed as they arrive (a frame's payload is kept once, unmasked, until the frame is
//! complete). Every event carries the [`StreamSpan`] of its bytes. Problems become
//! `diagnostic` events that name the broken rule; nothing here panics on any input.
//!
//! [`ConnectionDissector`] (here) routes each direction's bytes to its [`DirState`] by role
//! and applies what a response decides for the request side. A direction's state and its end
//! are in `direction`, HTTP in `http`, WebSocket in `ws`, gaps and mid-connection starts in
//! `resync`, the event-stream parser in `sse`.

mod direction;
mod http;
mod resync;
mod sse;
mod ws;

use std::collections::VecDeque;

use super::tls::{TlsItem, TlsRecords};
use crate::lang::Phrase;
use crate::proto::Role;
use crate::proto::tls::starts_tls;
use crate::proto::ws::deflate::DeflateParams;
use crate::trace::{Dir, Event, Severity};
use direction::{DirState, Mode, Sink};
use resync::{is_request_line, is_status_line, role_line};
use ws::Handshake;

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
    /// `s2c` one after the roles were found swapped.
    client: DirState,
    /// The server's bytes (responses, unmasked frames).
    server: DirState,
    /// The capture guessed client and server wrong (it started mid-connection): the bytes of
    /// `dir` are dissected as the other role's.
    swapped: bool,
    /// Whether the roles can no longer be found swapped (a message was parsed).
    roles_settled: bool,
    /// Requests not answered yet, oldest first (HTTP/1.1 answers in order).
    pending: VecDeque<Pending>,
    /// Whether the connection is TLS (decided by the client's first bytes).
    tls: Tls,
}

/// Whether a connection's bytes are TLS records, as its client's first bytes say.
enum Tls {
    /// Fewer than 3 bytes from the client so far, and none from the server.
    Undecided,
    /// Not TLS: HTTP and WebSocket are dissected.
    No,
    /// TLS records, one reader per direction (`c2s`, `s2c`); HTTP is not looked for.
    Yes([TlsRecords; 2]),
}

/// What a response needs to know about the request it answers.
struct Pending {
    /// The request's method (a response to `HEAD` has no body).
    method: String,
    /// The request's headers, when it asked for a WebSocket upgrade.
    upgrade_headers: Option<Vec<(String, String)>>,
}

/// What the response side decided for the request side.
enum Decision {
    /// Nothing changes.
    Nothing,
    /// The upgrade was refused: parse the held bytes as HTTP again.
    ResumeHttp,
    /// Both directions speak WebSocket now (best effort after a failed handshake check).
    WebSocket {
        deflate: Option<DeflateParams>,
        handshake: Handshake,
    },
    /// An unknown protocol follows: stop dissecting the request side.
    Opaque(Phrase),
}

impl ConnectionDissector {
    /// A dissector for connection `conn`.
    pub fn new(conn: u32) -> Self {
        ConnectionDissector {
            conn,
            client: DirState::new(Dir::C2s, Role::Client),
            server: DirState::new(Dir::S2c, Role::Server),
            swapped: false,
            roles_settled: false,
            pending: VecDeque::new(),
            tls: Tls::Undecided,
        }
    }

    /// The capture starts in the middle of this connection (no SYN seen): each direction's
    /// first bytes may be anywhere in a message, so dissection starts at the first HTTP
    /// request or status line, or the first plausible WebSocket frame header. Call it before
    /// any bytes are fed.
    pub fn starts_mid_connection(&mut self) {
        // A record boundary cannot be found in the middle of a stream.
        self.tls = Tls::No;
        for state in [&mut self.client, &mut self.server] {
            if state.seen == 0 && state.mode == Mode::Http {
                state.mode = Mode::ResyncStart;
            }
        }
    }

    /// The role whose state dissects the bytes of `dir`.
    fn role_of(&self, dir: Dir) -> Role {
        match (dir, self.swapped) {
            (Dir::C2s, false) | (Dir::S2c, true) => Role::Client,
            (Dir::S2c, false) | (Dir::C2s, true) => Role::Server,
        }
    }

    fn state(&mut self, role: Role) -> &mut DirState {
        match role {
            Role::Client => &mut self.client,
            Role::Server => &mut self.server,
        }
    }

    /// Before the first message is parsed: a status line from the side called the client,
    /// or a request line from the side called the server, means the capture (which started
    /// mid-connection and guessed from the ports) has the roles the wrong way round. The two
    /// states swap roles; events keep the directions as captured. True when they swapped.
    fn settle_roles(&mut self, sink: &mut Sink<'_>) -> bool {
        if self.client.heads > 0
            || self.server.heads > 0
            || !matches!(self.client.mode, Mode::Http | Mode::ResyncStart)
            || !matches!(self.server.mode, Mode::Http | Mode::ResyncStart)
        {
            self.roles_settled = true;
            return false;
        }
        let client_line = role_line(&self.client);
        let server_line = role_line(&self.server);
        if client_line.is_some_and(is_request_line) || server_line.is_some_and(is_status_line) {
            self.roles_settled = true;
            return false;
        }
        let (revealing_dir, what, what_zh) = if client_line.is_some_and(is_status_line) {
            (
                self.client.dir,
                "sends HTTP responses",
                "发送的是 HTTP 响应",
            )
        } else if server_line.is_some_and(is_request_line) {
            (self.server.dir, "sends HTTP requests", "发送的是 HTTP 请求")
        } else {
            return false;
        };
        std::mem::swap(&mut self.client, &mut self.server);
        self.client.role = Role::Client;
        self.server.role = Role::Server;
        self.swapped = true;
        self.roles_settled = true;
        let (side, side_zh) = if revealing_dir == Dir::C2s {
            ("client", "客户端")
        } else {
            ("server", "服务器")
        };
        sink.diag(
            revealing_dir,
            None,
            Severity::Warning,
            Phrase::new(format!(
                "the side this capture calls the {side} {what}: the capture started in the middle of the connection and guessed client and server wrong, so the roles are swapped for dissection (directions are shown as captured)"
            ), format!("这份抓包称为{side_zh}的一方{what_zh}：抓包从连接中途开始，猜错了客户端和服务器，所以解析时交换了两者的角色（方向仍按抓包显示）")),
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
        let undecided = matches!(self.tls, Tls::Undecided);
        if self.feed_tls(dir, bytes, &mut sink) {
            return;
        }
        let role = self.role_of(dir);
        if undecided && matches!(self.tls, Tls::No) && dir == Dir::S2c {
            // The client's first bytes were held for the decision: dissect them now.
            self.process(Role::Client, &mut sink);
        }
        let still_undecided = matches!(self.tls, Tls::Undecided);
        let state = self.state(role);
        state.seen = state.seen.saturating_add(bytes.len() as u64);
        if still_undecided {
            // Fewer than 3 bytes from the client: held until they tell TLS from HTTP.
            state.buf.extend_from_slice(bytes);
            return;
        }
        if state.mode == Mode::Opaque || state.ended {
            state.base = state.base.saturating_add(bytes.len() as u64);
            return;
        }
        state.buf.extend_from_slice(bytes);
        // Only a new line can reveal the roles (and looking only then keeps this linear).
        if !self.roles_settled && bytes.contains(&b'\n') && self.settle_roles(&mut sink) {
            // Both directions' bytes so far are read again in their new roles.
            self.process(Role::Client, &mut sink);
            self.process(Role::Server, &mut sink);
            return;
        }
        self.process(role, &mut sink);
    }

    /// Decides whether the connection is TLS (RFC 8446 §5.1: by the client's first bytes, a
    /// handshake record header, never by port) and, if it is, reads `bytes` as records.
    /// True when the bytes were taken as TLS.
    fn feed_tls(&mut self, dir: Dir, bytes: &[u8], sink: &mut Sink<'_>) -> bool {
        if let Tls::Undecided = self.tls {
            if dir == Dir::C2s && self.client.mode == Mode::Http {
                let mut first = self
                    .client
                    .buf
                    .get(self.client.pos..)
                    .unwrap_or_default()
                    .to_vec();
                first.extend_from_slice(bytes.get(..3).unwrap_or(bytes));
                if first.len() >= 3 {
                    self.tls = if starts_tls(&first) {
                        let mut readers = [TlsRecords::new(), TlsRecords::new()];
                        // What the client sent before the decision (1 or 2 bytes).
                        let held = std::mem::take(&mut self.client.buf);
                        self.client.pos = 0;
                        let mut items = Vec::new();
                        readers[0].feed(&held, &mut items);
                        push_tls(Dir::C2s, items, sink);
                        Tls::Yes(readers)
                    } else {
                        Tls::No
                    };
                }
            } else {
                self.tls = Tls::No;
            }
        }
        let Tls::Yes(readers) = &mut self.tls else {
            return false;
        };
        let mut items = Vec::new();
        if let Some(reader) = readers.get_mut(dir.index()) {
            reader.feed(bytes, &mut items);
        }
        push_tls(dir, items, sink);
        true
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
        if let Tls::Yes(readers) = &mut self.tls {
            if let Some(reader) = readers.get_mut(dir.index())
                && !reader.stopped()
            {
                reader.gap();
                sink.diag(
                    dir,
                    None,
                    Severity::Warning,
                    Phrase::new(format!("{missing} bytes are missing from the capture: TLS record boundaries are lost, so no more records are shown this way"), format!("抓包缺失了 {missing} 字节：TLS 记录的边界丢失了，之后不再按记录显示")),
                    None,
                );
            }
            return;
        }
        self.tls = Tls::No;
        // Whatever the roles turn out to be, a hole before the first message settles them.
        self.roles_settled = true;
        let state = self.state(self.role_of(dir));
        if !state.ended {
            // Only a response decides something (for the request side).
            let decision = state.gap(missing, &mut sink);
            self.apply(decision, &mut sink);
        }
    }

    /// Dissects what `role`'s direction holds until it needs more bytes. A response that
    /// decides something for the request side (an upgrade accepted or refused) is applied
    /// at once, at the same point of the stream however the bytes were split.
    fn process(&mut self, role: Role, sink: &mut Sink<'_>) {
        loop {
            let state = match role {
                Role::Client => &mut self.client,
                Role::Server => &mut self.server,
            };
            let go_on = match state.mode {
                Mode::Http => match state.process_http(&mut self.pending, sink) {
                    Decision::Nothing => false,
                    decision => {
                        self.apply(decision, sink);
                        true
                    }
                },
                Mode::WebSocket => {
                    state.process_frames(sink);
                    false
                }
                Mode::ResyncHttp => state.resync_http(sink),
                Mode::ResyncWs => state.resync_ws(sink),
                Mode::ResyncStart => state.resync_start(sink),
                Mode::Held | Mode::Opaque => false,
            };
            if !go_on {
                break;
            }
        }
    }

    /// Applies what a response decided to the request side, and dissects what it held.
    fn apply(&mut self, decision: Decision, sink: &mut Sink<'_>) {
        match decision {
            Decision::Nothing => {}
            Decision::ResumeHttp => {
                if self.client.mode == Mode::Held {
                    self.client.mode = Mode::Http;
                    self.process(Role::Client, sink);
                }
            }
            Decision::WebSocket { deflate, handshake } => {
                if matches!(self.client.mode, Mode::Held | Mode::Http) {
                    self.client.mode = Mode::WebSocket;
                    self.client.http = None;
                    let role = self.client.role;
                    self.client.ws.start(deflate.as_ref(), role, handshake);
                    // Frames the client sent before the 101 was seen.
                    self.process(Role::Client, sink);
                }
            }
            Decision::Opaque(reason) => {
                if self.client.mode != Mode::Opaque {
                    let at = self.client.offset();
                    self.client.go_opaque(at, reason);
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
        match &self.tls {
            Tls::Yes(readers) => {
                if let Some((span, announced)) =
                    readers.get(dir.index()).and_then(TlsRecords::unfinished)
                {
                    sink.diag(
                        dir,
                        Some(span),
                        Severity::Info,
                        Phrase::new(
                            format!(
                                "the stream ended {} bytes into a TLS record of {announced}",
                                span.len
                            ),
                            format!(
                                "字节流在一条 {announced} 字节的 TLS 记录中的第 {} 字节处结束",
                                span.len
                            ),
                        ),
                        None,
                    );
                }
                return;
            }
            Tls::Undecided => {
                // Fewer than 3 bytes ever: not TLS; dissect what was held.
                self.tls = Tls::No;
                self.process(Role::Client, &mut sink);
            }
            Tls::No => {}
        }
        let role = self.role_of(dir);
        let other_mode = match role {
            Role::Client => self.server.mode,
            Role::Server => self.client.mode,
        };
        // A response that ran until the close may have refused an upgrade.
        let decision = self.state(role).end(other_mode, &mut sink);
        self.apply(decision, &mut sink);
    }
}

/// Pushes what a TLS reader found as events of `dir`.
fn push_tls(dir: Dir, items: Vec<TlsItem>, sink: &mut Sink<'_>) {
    for item in items {
        match item {
            TlsItem::Record(span, kind) => sink.push(dir, Some(span), kind),
            TlsItem::NotTls(span, violation) => {
                sink.violation(dir, Some(span), Severity::Error, &violation);
            }
        }
    }
}
