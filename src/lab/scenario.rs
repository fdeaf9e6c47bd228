//! The scenario catalogue, as data: each scenario is a list of stages; each stage names an
//! actor, an action, a label and the trace events that must appear for it to be done.
//!
//! The runner ([`super::runner`]) interprets it; lessons and the compare view can reuse it.

use tungstenite::Message;
use tungstenite::protocol::CloseFrame;
use tungstenite::protocol::frame::Frame;
use tungstenite::protocol::frame::coding::{CloseCode, Data, OpCode};

mod failures;
mod http;
pub mod push;

use super::ScenarioInfo;
use super::push_client::PushSpec;
use crate::proto::cite;
use crate::trace::Dir;
use crate::trace::matcher::EventMatcher;

/// Opcode numbers (RFC 6455 §5.2), as the trace records them.
pub mod opcode {
    /// Continuation frame.
    pub const CONTINUATION: u8 = 0x0;
    /// Text.
    pub const TEXT: u8 = 0x1;
    /// Binary.
    pub const BINARY: u8 = 0x2;
    /// Close.
    pub const CLOSE: u8 = 0x8;
    /// Ping.
    pub const PING: u8 = 0x9;
    /// Pong.
    pub const PONG: u8 = 0xA;
}

/// Who acts in a stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    /// The scenario's client number `i` (index into [`Scenario::clients`]).
    Client(usize),
    /// The lab server.
    Server,
}

/// What a stage does.
#[derive(Clone, Debug)]
pub enum Action {
    /// Client: open the TCP connection.
    Connect,
    /// Client: send the WebSocket upgrade request (done, for the client, when the 101 arrives).
    Upgrade {
        /// Path and query, e.g. `/chat?name=alice`.
        path: String,
        /// `Sec-WebSocket-Protocol` offers.
        protocols: Vec<String>,
        /// Offer permessage-deflate (RFC 7692).
        deflate: bool,
    },
    /// Client: `GET path` over HTTP/1.1.
    HttpGet {
        /// e.g. `/hello`.
        path: String,
    },
    /// Client: send a message or a raw frame.
    Send(Message),
    /// Client: close the TCP connection (on a WebSocket connection: without a close frame).
    CloseTcp,
    /// Client: the TLS handshake on the open TCP connection (`wss://`); the server's rustls
    /// answers at once (done, for the client, when the handshake is complete).
    TlsHandshake,
    /// Server: let each listed client's connection handler take its next step.
    Release(Vec<usize>),
    /// Client: a WebSocket opening handshake sent with `origin` as its `Origin` header, whose
    /// answer is expected to have `outcome` (a refused or invalid answer is then what the
    /// scenario shows, not a failure of the run). Done, for the client, when it has judged the
    /// answer.
    Handshake {
        /// Path and query, e.g. `/origin`.
        path: String,
        /// The `Origin` header, if any.
        origin: Option<Origin>,
        /// Whether the connection should open.
        outcome: HandshakeOutcome,
    },
    /// Client: one HTTP request of its own making (a handshake with a header left out, an
    /// HTTP/1.0 GET, a POST with a body), sent with hyper; the whole answer is read.
    Request(RequestSpec),
    /// Client: bytes written to the WebSocket connection's socket as they are, past the
    /// WebSocket library, which refuses to send illegal frames (e.g. an unmasked one).
    SendRaw(Vec<u8>),
    /// Client: its application stops answering (a stuck page, a dead peer): from now on what
    /// arrives is read and thrown away, so no pong and no close reply is ever sent, and the
    /// socket is closed when the server closes its side.
    StopAnswering,
    /// Client: receive the event source's whole sequence by a push technique (short or long
    /// polling, SSE, WebSocket), on the open connection and, as the technique needs, new
    /// ones; done, for the client, when every event arrived and its connections are closed.
    Push(PushSpec),
}

/// The `Origin` header a scenario's handshake sends (RFC 6454 §7).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The lab's own origin, `http://<the lab server's address>`: the page the lab serves.
    Lab,
    /// Another site's origin, e.g. `http://other.example`.
    Other(&'static str),
}

/// What a scenario's [`Action::Handshake`] expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HandshakeOutcome {
    /// A valid 101: the connection speaks WebSocket.
    Opens,
    /// A refusal (an HTTP error) or an invalid 101: the client fails the connection.
    Fails,
}

/// The HTTP version of a [`RequestSpec`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HttpVersion {
    /// HTTP/1.0: the connection closes after the response unless both ask for keep-alive.
    Http10,
    /// HTTP/1.1: the connection persists by default.
    Http11,
}

/// The body of a [`RequestSpec`] and how it is framed (RFC 9112 §6).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RequestBody {
    /// No body.
    Empty,
    /// One body of known length: sent with `Content-Length`.
    Sized(Vec<u8>),
    /// A body sent as these chunks with `Transfer-Encoding: chunked`.
    Chunked(Vec<Vec<u8>>),
}

/// One HTTP request a client makes itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestSpec {
    /// `GET`, `POST`, …
    pub method: &'static str,
    /// Path and query.
    pub path: String,
    /// HTTP/1.0 or HTTP/1.1.
    pub version: HttpVersion,
    /// Headers besides `Host` (always sent), in order.
    pub headers: Vec<(&'static str, &'static str)>,
    /// Also send a fresh `Sec-WebSocket-Key` (base64 of 16 random bytes, RFC 6455 §4.1).
    pub websocket_key: bool,
    /// The body.
    pub body: RequestBody,
}

/// One stage.
#[derive(Clone, Debug)]
pub struct Stage {
    /// Who acts.
    pub actor: Actor,
    /// What it does.
    pub action: Action,
    /// What the GUI shows, e.g. `send text "Hello, WebSocket!" (17 B)`.
    pub label: String,
    /// What must appear in the trace (all of it, each a distinct event), on the lanes of
    /// [`Scenario::clients`].
    pub expect: Vec<EventMatcher>,
}

/// A scenario: clients and stages.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Name and summary.
    pub info: ScenarioInfo,
    /// The clients' lane labels.
    pub clients: Vec<&'static str>,
    /// The stages, in order.
    pub stages: Vec<Stage>,
}

/// Every scenario, in display order.
pub const CATALOGUE: [ScenarioInfo; 23] = [
    ScenarioInfo {
        name: "http-get",
        summary: "plain HTTP/1.1: connect, GET /hello, the response, the client closes",
    },
    ScenarioInfo {
        name: "ws-echo",
        summary: "WebSocket echo: upgrade, text/binary/empty/125/126/70000-byte and fragmented messages, ping, close",
    },
    ScenarioInfo {
        name: "ws-chat",
        summary: "three clients (alice, bob, carol) in a chat room: every message is relayed to all",
    },
    ScenarioInfo {
        name: "ws-push",
        summary: "server push: a tick every 200 ms until the client closes (after five ticks)",
    },
    ScenarioInfo {
        name: "ws-subprotocol",
        summary: "subprotocol negotiation: the client offers superchat and chat, the server picks one",
    },
    ScenarioInfo {
        name: "ws-deflate",
        summary: "permessage-deflate (RFC 7692): compressed text (twice: context takeover), 70000 B, incompressible binary, ping, close",
    },
    ScenarioInfo {
        name: "ws-bad-accept",
        summary: "the server answers 101 with a wrong Sec-WebSocket-Accept: the client fails the connection, sends nothing and closes TCP",
    },
    ScenarioInfo {
        name: "ws-missing-upgrade",
        summary: "an upgrade request without Upgrade: websocket gets 400 Bad Request; the connection stays HTTP",
    },
    ScenarioInfo {
        name: "ws-bad-version",
        summary: "Sec-WebSocket-Version: 8 gets 426 Upgrade Required naming version 13",
    },
    ScenarioInfo {
        name: "ws-unmasked",
        summary: "the client sends an unmasked frame: the server closes with 1002 (protocol error)",
    },
    ScenarioInfo {
        name: "ws-bad-utf8",
        summary: "text that is not UTF-8, in one frame and split across two fragments: the server closes with 1007",
    },
    ScenarioInfo {
        name: "ws-too-big",
        summary: "a 5000-byte message to a server whose limit is 4096 bytes: close 1009 (message too big)",
    },
    ScenarioInfo {
        name: "ws-ping-timeout",
        summary: "the server pings, the client never answers: after its timeout the server closes with 1011",
    },
    ScenarioInfo {
        name: "ws-abrupt",
        summary: "the client's TCP connection ends without a close frame: the server reports 1006, never sent on the wire",
    },
    ScenarioInfo {
        name: "ws-origin",
        summary: "two pages: the lab's own origin gets 101, another site's origin gets 403 Forbidden",
    },
    ScenarioInfo {
        name: "http-1.0",
        summary: "three GETs over HTTP/1.0: three TCP connections, one request each",
    },
    ScenarioInfo {
        name: "http-keep-alive",
        summary: "three GETs over HTTP/1.1: one persistent TCP connection",
    },
    ScenarioInfo {
        name: "http-post",
        summary: "two POSTs: a body framed by Content-Length, then a chunked body",
    },
    ScenarioInfo {
        name: "wss-echo",
        summary: "the echo over TLS (wss://, a certificate made at run time): what the packets show (TLS records) beside what the tap above TLS shows (the upgrade and the frames)",
    },
    ScenarioInfo {
        name: "short-poll",
        summary: "short polling: 5 server events, a poll every 100 ms answered at once (mostly empty), with keep-alive and with a new connection per poll",
    },
    ScenarioInfo {
        name: "long-poll",
        summary: "long polling: each request is held until the next of 5 server events, then the client asks again",
    },
    ScenarioInfo {
        name: "sse",
        summary: "server-sent events: 5 events on one streamed response; after the 2nd the connection drops and Last-Event-ID resumes it",
    },
    ScenarioInfo {
        name: "websocket",
        summary: "WebSocket push: the same 5 server events as text messages on one upgraded connection, then a close",
    },
];

/// The valid names, for error messages.
pub fn names() -> String {
    CATALOGUE
        .iter()
        .map(|s| s.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The scenario called `name`.
pub fn scenario(name: &str) -> Option<Scenario> {
    let info = *CATALOGUE.iter().find(|s| s.name == name)?;
    let (clients, stages) = match name {
        "http-get" => (vec!["client"], http_get()),
        "ws-echo" => (vec!["client"], ws_echo()),
        "ws-chat" => (vec!["alice", "bob", "carol"], ws_chat()),
        "ws-push" => (vec!["client"], ws_push()),
        "ws-subprotocol" => (vec!["client"], ws_subprotocol()),
        "ws-deflate" => (vec!["client"], ws_deflate()),
        "ws-bad-accept" => (vec!["client"], failures::ws_bad_accept()),
        "ws-missing-upgrade" => (vec!["client"], failures::ws_missing_upgrade()),
        "ws-bad-version" => (vec!["client"], failures::ws_bad_version()),
        "ws-unmasked" => (vec!["client"], failures::ws_unmasked()),
        "ws-bad-utf8" => (failures::BAD_UTF8_CLIENTS.to_vec(), failures::ws_bad_utf8()),
        "ws-too-big" => (vec!["client"], failures::ws_too_big()),
        "ws-ping-timeout" => (vec!["client"], failures::ws_ping_timeout()),
        "ws-abrupt" => (vec!["client"], failures::ws_abrupt()),
        "ws-origin" => (failures::ORIGIN_CLIENTS.to_vec(), failures::ws_origin()),
        "http-1.0" => (http::HTTP10_CLIENTS.to_vec(), http::http_1_0()),
        "http-keep-alive" => (vec!["client"], http::http_keep_alive()),
        "http-post" => (vec!["client"], http::http_post()),
        "wss-echo" => (vec!["client"], wss_echo()),
        "short-poll" => (push::SHORT_POLL_CLIENTS.to_vec(), push::short_poll()),
        "long-poll" => (vec!["client"], push::long_poll()),
        "sse" => (vec!["client"], push::sse()),
        "websocket" => (vec!["client"], push::websocket()),
        _ => return None,
    };
    Some(Scenario {
        info,
        clients,
        stages,
    })
}

/// `n` bytes of readable ASCII text (`abc…xyz0…9` repeated).
pub fn filler_text(n: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..n)
        .map(|i| char::from(ALPHABET[i % ALPHABET.len()]))
        .collect()
}

/// `n` bytes counting up (mod 251, a prime, so the pattern does not align with lengths).
pub fn filler_binary(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i % 251) as u8).collect()
}

/// The three frames of the fragmented message in `ws-echo`, and the whole text.
pub const FRAGMENTS: [&str; 3] = ["Hello, ", "fragmented ", "world!"];

fn client(i: usize, action: Action, label: impl Into<String>, expect: Vec<EventMatcher>) -> Stage {
    Stage {
        actor: Actor::Client(i),
        action,
        label: label.into(),
        expect,
    }
}

fn server(clients: Vec<usize>, label: impl Into<String>, expect: Vec<EventMatcher>) -> Stage {
    Stage {
        actor: Actor::Server,
        action: Action::Release(clients),
        label: label.into(),
        expect,
    }
}

/// An event of `kind` on `lane`'s connection, either way.
fn expect(lane: &str, kind: &str) -> EventMatcher {
    EventMatcher::kind(kind).on_lane(lane)
}

/// An event of `kind` on `lane`'s connection, travelling `dir`.
fn expect_dir(lane: &str, kind: &str, dir: Dir) -> EventMatcher {
    expect(lane, kind).dir(dir)
}

/// A WebSocket message on `lane`'s connection.
fn ws(lane: &str, dir: Dir, opcode: u8) -> EventMatcher {
    expect_dir(lane, "ws_message", dir).opcode(opcode)
}

fn connect(i: usize, who: &str) -> Stage {
    client(
        i,
        Action::Connect,
        format!("{who}: TCP connect"),
        vec![expect(who, "tcp_accept")],
    )
}

/// Connect, upgrade request, 101.
fn open_ws(i: usize, who: &str, path: &str, protocols: &[&str]) -> Vec<Stage> {
    let offer = if protocols.is_empty() {
        String::new()
    } else {
        format!(", Sec-WebSocket-Protocol: {}", protocols.join(", "))
    };
    vec![
        connect(i, who),
        client(
            i,
            Action::Upgrade {
                path: path.to_string(),
                protocols: protocols.iter().map(|p| p.to_string()).collect(),
                deflate: false,
            },
            format!("{who}: upgrade request GET {path} (Upgrade: websocket{offer})"),
            vec![expect_dir(who, "http_request", Dir::C2s)],
        ),
        server(
            vec![i],
            "server answers 101 Switching Protocols",
            vec![expect_dir(who, "http_response", Dir::S2c)],
        ),
    ]
}

/// Client close 1000 `reason`, the server's close reply, the server's TCP close.
fn close_ws(i: usize, who: &str, reason: &str) -> Vec<Stage> {
    let frame = CloseFrame {
        code: CloseCode::Normal,
        reason: reason.to_string().into(),
    };
    vec![
        client(
            i,
            Action::Send(Message::Close(Some(frame))),
            format!("{who}: send close 1000 \"{reason}\""),
            vec![ws(who, Dir::C2s, opcode::CLOSE)],
        ),
        server(
            vec![i],
            "server replies with close 1000",
            vec![ws(who, Dir::S2c, opcode::CLOSE)],
        ),
        server(
            vec![i],
            format!(
                "server closes the TCP connection ({}: normally the server closes first)",
                cite::RFC6455_7_1_1
            ),
            vec![expect(who, "tcp_close")],
        ),
    ]
}

/// A client message and the server's echo of it.
fn echo_pair(message: Message, opcode: u8, label: String) -> [Stage; 2] {
    [
        client(
            0,
            Action::Send(message),
            label,
            vec![ws("client", Dir::C2s, opcode)],
        ),
        server(
            vec![0],
            "server echoes it",
            vec![ws("client", Dir::S2c, opcode)],
        ),
    ]
}

fn http_get() -> Vec<Stage> {
    vec![
        connect(0, "client"),
        client(
            0,
            Action::HttpGet {
                path: "/hello".to_string(),
            },
            "client: request GET /hello",
            vec![expect_dir("client", "http_request", Dir::C2s)],
        ),
        server(
            vec![0],
            "server answers 200 OK with a short text",
            vec![expect_dir("client", "http_response", Dir::S2c)],
        ),
        client(
            0,
            Action::CloseTcp,
            "client closes the TCP connection",
            vec![expect("client", "tcp_close")],
        ),
    ]
}

fn ws_echo() -> Vec<Stage> {
    let mut stages = open_ws(0, "client", "/echo", &[]);
    let hello = "Hello, WebSocket!";
    stages.extend(echo_pair(
        Message::text(hello),
        opcode::TEXT,
        format!("send text \"{hello}\" ({} B)", hello.len()),
    ));
    stages.extend(echo_pair(
        Message::binary(filler_binary(16)),
        opcode::BINARY,
        "send binary (16 B)".to_string(),
    ));
    stages.extend(echo_pair(
        Message::text(""),
        opcode::TEXT,
        "send empty text (0 B)".to_string(),
    ));
    stages.extend(echo_pair(
        Message::text(filler_text(125)),
        opcode::TEXT,
        "send text (125 B: the largest 7-bit length)".to_string(),
    ));
    stages.extend(echo_pair(
        Message::text(filler_text(126)),
        opcode::TEXT,
        "send text (126 B: 16-bit extended length)".to_string(),
    ));
    stages.extend(echo_pair(
        Message::binary(filler_binary(70_000)),
        opcode::BINARY,
        "send binary (70000 B: 64-bit extended length)".to_string(),
    ));
    // A fragmented message: raw frames, sent back to back; tungstenite masks each one.
    let [a, b, c] = FRAGMENTS;
    let whole = FRAGMENTS.concat();
    stages.push(client(
        0,
        Action::Send(Message::Frame(Frame::message(
            a,
            OpCode::Data(Data::Text),
            false,
        ))),
        format!("send text \"{whole}\" in 3 fragments: frame 1 (text, FIN=0) \"{a}\""),
        vec![expect_dir("client", "ws_frame", Dir::C2s).opcode(opcode::TEXT)],
    ));
    stages.push(client(
        0,
        Action::Send(Message::Frame(Frame::message(
            b,
            OpCode::Data(Data::Continue),
            false,
        ))),
        format!("frame 2 (continuation, FIN=0) \"{b}\""),
        vec![expect_dir("client", "ws_frame", Dir::C2s).opcode(opcode::CONTINUATION)],
    ));
    stages.push(client(
        0,
        Action::Send(Message::Frame(Frame::message(
            c,
            OpCode::Data(Data::Continue),
            true,
        ))),
        format!("frame 3 (continuation, FIN=1) \"{c}\": the message is complete"),
        vec![ws("client", Dir::C2s, opcode::TEXT)],
    ));
    stages.push(server(
        vec![0],
        "server echoes the whole message in one frame",
        vec![ws("client", Dir::S2c, opcode::TEXT)],
    ));
    let ping = "are you there?";
    stages.push(client(
        0,
        Action::Send(Message::Ping(ping.as_bytes().to_vec().into())),
        format!("send ping \"{ping}\""),
        vec![ws("client", Dir::C2s, opcode::PING)],
    ));
    stages.push(server(
        vec![0],
        "server answers pong (same payload)",
        vec![ws("client", Dir::S2c, opcode::PONG)],
    ));
    stages.extend(close_ws(0, "client", "bye"));
    stages
}

fn ws_chat() -> Vec<Stage> {
    let names = ["alice", "bob", "carol"];
    let mut stages = Vec::new();
    for (i, name) in names.iter().enumerate() {
        stages.extend(open_ws(i, name, &format!("/chat?name={name}"), &[]));
    }
    let everyone = vec![0, 1, 2];
    let to_all = |kind_dir: Dir| {
        (0..3)
            .map(|i| ws(names[i], kind_dir, opcode::TEXT))
            .collect::<Vec<_>>()
    };
    for (i, text) in [(0, "hi everyone, alice here"), (1, "hello alice, bob here")] {
        let who = names[i];
        stages.push(client(
            i,
            Action::Send(Message::text(text)),
            format!("{who}: send text \"{text}\""),
            vec![ws(who, Dir::C2s, opcode::TEXT)],
        ));
        stages.push(server(
            everyone.clone(),
            format!("server relays \"{who}: {text}\" to alice, bob and carol"),
            to_all(Dir::S2c),
        ));
    }
    for (i, name) in names.iter().enumerate() {
        stages.extend(close_ws(i, name, "bye"));
    }
    stages
}

fn ws_push() -> Vec<Stage> {
    // Without `count` the server pushes until the client closes, so the client's close never
    // races a close of the server's own, however slowly a person steps or paces the run.
    let mut stages = open_ws(0, "client", "/push?interval_ms=200", &[]);
    for i in 1..=5 {
        stages.push(server(
            vec![0],
            format!("server pushes \"tick {i}\""),
            vec![ws("client", Dir::S2c, opcode::TEXT)],
        ));
    }
    stages.extend(close_ws(0, "client", "enough"));
    stages
}

fn ws_subprotocol() -> Vec<Stage> {
    let mut stages = open_ws(0, "client", "/subprotocol", &["superchat", "chat"]);
    stages.push(server(
        vec![0],
        "server says which subprotocol it chose",
        vec![ws("client", Dir::S2c, opcode::TEXT)],
    ));
    stages.extend(echo_pair(
        Message::text("hello in superchat"),
        opcode::TEXT,
        "send text \"hello in superchat\"".to_string(),
    ));
    stages.extend(close_ws(0, "client", "bye"));
    stages
}

/// Text that compresses well (`ws-deflate` sends it twice: the second time, with context
/// takeover, it compresses to a back-reference of a few bytes).
pub const DEFLATE_TEXT: &str = "permessage-deflate squeezes repetitive text: the quick brown fox \
jumps over the lazy dog, the quick brown fox jumps over the lazy dog, the quick brown fox jumps \
over the lazy dog.";

/// `n` bytes that do not compress (xorshift32 noise, the same every run).
pub fn noise_binary(n: usize) -> Vec<u8> {
    let mut x: u32 = 0x9E37_79B9;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x.to_le_bytes()[0]
        })
        .collect()
}

/// The data messages of `ws-deflate`, in the order the client sends them.
pub fn deflate_messages() -> Vec<Message> {
    vec![
        Message::text(DEFLATE_TEXT),
        Message::text(DEFLATE_TEXT),
        Message::text(filler_text(70_000)),
        Message::binary(noise_binary(256)),
    ]
}

fn ws_deflate() -> Vec<Stage> {
    let path = "/deflate";
    let mut stages = vec![
        connect(0, "client"),
        client(
            0,
            Action::Upgrade {
                path: path.to_string(),
                protocols: Vec::new(),
                deflate: true,
            },
            format!(
                "client: upgrade request GET {path} (Upgrade: websocket, \
                 Sec-WebSocket-Extensions: permessage-deflate)"
            ),
            vec![expect_dir("client", "http_request", Dir::C2s)],
        ),
        server(
            vec![0],
            "server answers 101 and accepts permessage-deflate",
            vec![
                expect_dir("client", "http_response", Dir::S2c),
                expect("client", "ws_extensions"),
            ],
        ),
    ];
    let labels = [
        format!(
            "send text ({} B, compresses well; RSV1 = compressed)",
            DEFLATE_TEXT.len()
        ),
        "send the same text again (context takeover: a few bytes on the wire)".to_string(),
        "send text (70000 B of repeating text)".to_string(),
        "send binary (256 B of noise: compressing cannot shrink it)".to_string(),
    ];
    for (message, label) in deflate_messages().into_iter().zip(labels) {
        let opcode = if message.is_binary() {
            opcode::BINARY
        } else {
            opcode::TEXT
        };
        stages.extend(echo_pair(message, opcode, label));
    }
    let ping = "still there?";
    stages.push(client(
        0,
        Action::Send(Message::Ping(ping.as_bytes().to_vec().into())),
        format!("send ping \"{ping}\" (control frames are never compressed)"),
        vec![ws("client", Dir::C2s, opcode::PING)],
    ));
    stages.push(server(
        vec![0],
        "server answers pong (same payload)",
        vec![ws("client", Dir::S2c, opcode::PONG)],
    ));
    stages.extend(close_ws(0, "client", "bye"));
    stages
}

/// `wss-echo`: the echo over TLS. The packets carry only TLS records (the lab shows each
/// one as the socket below TLS read or wrote it); the tap above TLS sees the upgrade and the
/// frames, as in `ws-echo`.
fn wss_echo() -> Vec<Stage> {
    let tls = |dir| expect_dir("client", "tls_record", dir);
    let mut stages = vec![
        connect(0, "client"),
        client(
            0,
            Action::TlsHandshake,
            format!(
                "client: TLS handshake: ClientHello and ServerHello in the clear, the rest encrypted ({})",
                cite::RFC8446_4_1_2
            ),
            // TLS 1.3 (RFC 8446 §D.4: with the middlebox compatibility records): the client's
            // ClientHello, change_cipher_spec and encrypted Finished; the server's ServerHello,
            // change_cipher_spec and its encrypted flight (certificate to Finished).
            vec![
                tls(Dir::C2s),
                tls(Dir::C2s),
                tls(Dir::C2s),
                tls(Dir::S2c),
                tls(Dir::S2c),
                tls(Dir::S2c),
            ],
        ),
        client(
            0,
            Action::Upgrade {
                path: "/echo".to_string(),
                protocols: Vec::new(),
                deflate: false,
            },
            "client: upgrade request GET /echo inside TLS (the packets show one application_data record)",
            vec![expect_dir("client", "http_request", Dir::C2s)],
        ),
        server(
            vec![0],
            "server answers 101 Switching Protocols (encrypted too)",
            vec![expect_dir("client", "http_response", Dir::S2c)],
        ),
    ];
    let hello = "Hello over TLS!";
    stages.extend(echo_pair(
        Message::text(hello),
        opcode::TEXT,
        format!("send text \"{hello}\" ({} B)", hello.len()),
    ));
    stages.extend(echo_pair(
        Message::binary(filler_binary(70_000)),
        opcode::BINARY,
        "send binary (70000 B: more than one TLS record holds, 2^14 B each at most)".to_string(),
    ));
    let ping = "are you there?";
    stages.push(client(
        0,
        Action::Send(Message::Ping(ping.as_bytes().to_vec().into())),
        format!("send ping \"{ping}\""),
        vec![ws("client", Dir::C2s, opcode::PING)],
    ));
    stages.push(server(
        vec![0],
        "server answers pong (same payload)",
        vec![ws("client", Dir::S2c, opcode::PONG)],
    ));
    stages.extend(close_ws(0, "client", "bye"));
    stages
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::trace::matcher::ConnSelector;

    #[test]
    fn every_catalogue_entry_is_well_formed() {
        for info in CATALOGUE {
            let scenario = scenario(info.name).unwrap();
            assert!(!scenario.stages.is_empty());
            for stage in &scenario.stages {
                assert!(!stage.label.is_empty());
                // Stopping to answer leaves no trace of its own: what it causes (no pong)
                // is the next stages' business.
                if !matches!(stage.action, Action::StopAnswering) {
                    assert!(!stage.expect.is_empty(), "{}: {}", info.name, stage.label);
                }
                for e in &stage.expect {
                    // Every expectation is on one of the scenario's clients' lanes.
                    let Some(ConnSelector::Lane(lane)) = &e.conn else {
                        panic!("{}: {} expects an event on no lane", info.name, stage.label)
                    };
                    assert!(scenario.clients.contains(&lane.as_str()));
                }
                match (&stage.actor, &stage.action) {
                    (Actor::Server, Action::Release(clients)) => {
                        assert!(clients.iter().all(|&c| c < scenario.clients.len()));
                    }
                    (Actor::Server, _) | (Actor::Client(_), Action::Release(_)) => {
                        panic!("{}: {} mixes up actors", info.name, stage.label)
                    }
                    (Actor::Client(c), _) => assert!(*c < scenario.clients.len()),
                }
            }
            // Each client connects before anything else it does.
            for (c, _) in scenario.clients.iter().enumerate() {
                let first = scenario
                    .stages
                    .iter()
                    .find(|s| s.actor == Actor::Client(c))
                    .unwrap();
                assert!(matches!(first.action, Action::Connect));
            }
        }
        assert!(scenario("nope").is_none());
        assert_eq!(
            names(),
            "http-get, ws-echo, ws-chat, ws-push, ws-subprotocol, ws-deflate, ws-bad-accept, \
             ws-missing-upgrade, ws-bad-version, ws-unmasked, ws-bad-utf8, ws-too-big, \
             ws-ping-timeout, ws-abrupt, ws-origin, http-1.0, http-keep-alive, http-post, \
             wss-echo, short-poll, long-poll, sse, websocket"
        );
    }

    #[test]
    fn fillers_have_the_asked_length() {
        for n in [0, 1, 125, 126, 70_000] {
            assert_eq!(filler_text(n).len(), n);
            assert_eq!(filler_binary(n).len(), n);
        }
    }
}
