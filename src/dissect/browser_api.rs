//! What the browser's `WebSocket` object would report for one connection, inferred from the
//! wire (WHATWG WebSockets standard; RFC 6455 §7).
//!
//! The model is the client's view: `new WebSocket(url)` ran when the upgrade request went
//! out (`readyState` 0, CONNECTING); a valid 101 answer opens it (1, `open`); a refused or
//! invalid answer fails it (`error`, then `close` with 1006); messages from the server fire
//! `message` while it is OPEN; the first close frame either way starts the closing handshake
//! (2, CLOSING); the end of the TCP connection closes it (3, `close` with the code the server
//! sent, 1005 if its close frame had none, 1006 if none came; `wasClean` when close frames
//! went both ways). A server message that breaks a framing rule makes the browser fail the
//! connection: CLOSING at once, then `error` and `close` 1006 when TCP closes.

use crate::proto::cite::{self, Cite};
use crate::proto::ws::handshake;
use crate::trace::{Dir, Event, EventKind, Severity};

/// `readyState` CONNECTING.
const CONNECTING: u8 = 0;
/// `readyState` OPEN.
const OPEN: u8 = 1;
/// `readyState` CLOSING.
const CLOSING: u8 = 2;
/// `readyState` CLOSED.
const CLOSED: u8 = 3;

/// How many characters of a text message the `message` preview shows.
const PREVIEW_CHARS: usize = 40;

/// Infers the browser API's view (`readyState`, `onopen`/`onmessage`/`onclose`) of one connection.
pub struct BrowserApi {
    conn: u32,
    /// Whether the connection made a WebSocket upgrade request (only those get api events).
    active: bool,
    ready_state: u8,
    close_sent: bool,
    /// The server's close frame, once it came.
    close_received: Option<ServerClose>,
    /// FIN packets seen, client to server and server to client (packet captures).
    fin_c2s: bool,
    fin_s2c: bool,
    /// The server broke a framing rule: the browser failed the connection (RFC 6455 §7.1.7).
    failed: bool,
}

/// What the server's close frame said.
struct ServerClose {
    code: Option<u16>,
    reason: Option<String>,
}

/// The fields of one `api` event.
#[derive(Default)]
struct Api {
    fires: Option<&'static str>,
    code: Option<u16>,
    reason: Option<String>,
    was_clean: Option<bool>,
    data: Option<String>,
}

impl BrowserApi {
    /// A model for connection `conn`, seen from its client.
    pub fn new(conn: u32) -> Self {
        BrowserApi {
            conn,
            active: false,
            ready_state: CONNECTING,
            close_sent: false,
            close_received: None,
            fin_c2s: false,
            fin_s2c: false,
            failed: false,
        }
    }

    /// Observes the trace event at `index`; pushes the `api` events it causes onto `out`.
    pub fn observe(&mut self, index: u64, event: &Event, out: &mut Vec<Event>) {
        if event.conn != Some(self.conn) {
            return;
        }
        let conn = self.conn;
        let mut emit = |ready_state: u8, api: Api| {
            out.push(Event {
                t_us: event.t_us,
                conn: Some(conn),
                dir: None,
                span: None,
                kind: EventKind::Api {
                    ready_state,
                    fires: api.fires.map(str::to_string),
                    code: api.code,
                    reason: api.reason,
                    was_clean: api.was_clean,
                    data: api.data,
                    cause: Some(index),
                },
            });
        };
        if !self.active {
            if let EventKind::HttpRequest {
                method, headers, ..
            } = &event.kind
                && event.dir == Some(Dir::C2s)
                && handshake::is_upgrade_request(method, headers)
            {
                // The constructor ran and the request went out.
                self.active = true;
                self.ready_state = CONNECTING;
                emit(CONNECTING, Api::default());
            }
            return;
        }
        if self.ready_state == CLOSED {
            return;
        }
        match &event.kind {
            EventKind::WsUpgradeCheck { valid, .. } if self.ready_state == CONNECTING => {
                if *valid {
                    self.ready_state = OPEN;
                    emit(
                        OPEN,
                        Api {
                            fires: Some("open"),
                            ..Api::default()
                        },
                    );
                } else {
                    // "Fail the WebSocket connection": error, then close with 1006.
                    self.ready_state = CLOSED;
                    fail(&mut emit);
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
                self.start_closing(&mut emit);
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
                    emit(
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
                    self.start_closing(&mut emit);
                }
                (Some(Dir::S2c), 8) if self.close_received.is_none() => {
                    self.close_received = Some(ServerClose {
                        code: *close_code,
                        reason: close_reason.clone(),
                    });
                    self.start_closing(&mut emit);
                }
                _ => {}
            },
            EventKind::TcpFin(_) => {
                match event.dir {
                    Some(Dir::C2s) => self.fin_c2s = true,
                    Some(Dir::S2c) => self.fin_s2c = true,
                    None => {}
                }
                // The TCP connection is closed once both directions have ended.
                if self.fin_c2s && self.fin_s2c {
                    self.tcp_closed(&mut emit);
                }
            }
            EventKind::TcpClose { .. } | EventKind::TcpRst(_) => self.tcp_closed(&mut emit),
            _ => {}
        }
    }

    /// The TCP connection closed: `close` fires (after `error` if it never opened).
    fn tcp_closed(&mut self, emit: &mut impl FnMut(u8, Api)) {
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
        emit(
            CLOSED,
            Api {
                fires: Some("close"),
                code: Some(code),
                reason: Some(reason),
                // Clean: the closing handshake completed (close frames both ways).
                was_clean: Some(self.close_sent && self.close_received.is_some()),
                data: None,
            },
        );
    }

    fn start_closing(&mut self, emit: &mut impl FnMut(u8, Api)) {
        if self.ready_state == OPEN {
            self.ready_state = CLOSING;
            emit(CLOSING, Api::default());
        }
    }
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
fn fail(emit: &mut impl FnMut(u8, Api)) {
    emit(
        CLOSED,
        Api {
            fires: Some("error"),
            ..Api::default()
        },
    );
    emit(
        CLOSED,
        Api {
            fires: Some("close"),
            code: Some(1006),
            reason: Some(String::new()),
            was_clean: Some(false),
            data: None,
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
