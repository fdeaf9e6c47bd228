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
pub mod myths;
pub mod push;

use super::ScenarioInfo;
use super::push_client::PushSpec;
use crate::lang::{Lang, Phrase, Text};
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
        /// The `Sec-WebSocket-Key` it sends.
        key: Key,
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

/// The `Sec-WebSocket-Key` a scenario's [`Action::Handshake`] sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    /// The base64 of a fresh random 16-byte nonce, as every client must send (RFC 6455 §4.1).
    Fresh,
    /// This value every time: only for a scenario about a worked example, such as RFC 6455
    /// §1.3's sample key (a fixed key tells a server nothing about this handshake).
    Fixed(&'static str),
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
    /// What the GUI shows, e.g. `send text "Hello, WebSocket!" (17 B)`, in every language
    /// (the diagram's stage caption).
    pub label: Phrase,
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
pub const CATALOGUE: [ScenarioInfo; 27] = [
    ScenarioInfo {
        name: "http-get",
        summary: Text {
            en: "plain HTTP/1.1: connect, GET /hello, the response, the client closes",
            zh: "普通 HTTP/1.1：建立连接，GET /hello，收到响应，客户端关闭连接",
        },
    },
    ScenarioInfo {
        name: "ws-echo",
        summary: Text {
            en: "WebSocket echo: upgrade, text/binary/empty/125/126/70000-byte and fragmented messages, ping, close",
            zh: "WebSocket 回显：升级握手，文本/二进制/空/125/126/70000 字节以及分片的消息，ping，关闭",
        },
    },
    ScenarioInfo {
        name: "ws-chat",
        summary: Text {
            en: "three clients (alice, bob, carol) in a chat room: every message is relayed to all",
            zh: "聊天室里的三个客户端（alice、bob、carol）：每条消息都转发给所有人",
        },
    },
    ScenarioInfo {
        name: "ws-push",
        summary: Text {
            en: "server push: a tick every 200 ms until the client closes (after five ticks)",
            zh: "服务器推送：每 200 ms 推送一次 tick，直到客户端关闭（在五次 tick 之后）",
        },
    },
    ScenarioInfo {
        name: "ws-subprotocol",
        summary: Text {
            en: "subprotocol negotiation: the client offers superchat and chat, the server picks one",
            zh: "子协议协商：客户端提供 superchat 和 chat，服务器从中选一个",
        },
    },
    ScenarioInfo {
        name: "ws-deflate",
        summary: Text {
            en: "permessage-deflate (RFC 7692): compressed text (twice: context takeover), 70000 B, incompressible binary, ping, close",
            zh: "permessage-deflate 扩展（RFC 7692）：压缩的文本（发两次：上下文接管），70000 B，无法压缩的二进制数据，ping，关闭",
        },
    },
    ScenarioInfo {
        name: "ws-interleave",
        summary: Text {
            en: "a ping between the fragments of a text message: control frames may come between fragments, so the server answers pong before the message is complete, then echoes it",
            zh: "在一条文本消息的分片之间插入 ping：控制帧可以夹在分片之间，所以消息还没收完，服务器就先回了 pong，随后回显整条消息",
        },
    },
    ScenarioInfo {
        name: "ws-bad-accept",
        summary: Text {
            en: "the server answers 101 with a wrong Sec-WebSocket-Accept: the client fails the connection, sends nothing and closes TCP",
            zh: "服务器用错误的 Sec-WebSocket-Accept 回应 101：客户端判定连接失败，什么也不发送，直接关闭 TCP",
        },
    },
    ScenarioInfo {
        name: "ws-missing-upgrade",
        summary: Text {
            en: "an upgrade request without Upgrade: websocket gets 400 Bad Request; the connection stays HTTP",
            zh: "缺少 Upgrade: websocket 的升级请求得到 400 Bad Request；连接仍然是 HTTP",
        },
    },
    ScenarioInfo {
        name: "ws-bad-version",
        summary: Text {
            en: "Sec-WebSocket-Version: 8 gets 426 Upgrade Required naming version 13",
            zh: "Sec-WebSocket-Version: 8 得到 426 Upgrade Required，并指明版本 13",
        },
    },
    ScenarioInfo {
        name: "ws-unmasked",
        summary: Text {
            en: "the client sends an unmasked frame: the server closes with 1002 (protocol error)",
            zh: "客户端发送未加掩码的帧：服务器以关闭码 1002（协议错误）关闭连接",
        },
    },
    ScenarioInfo {
        name: "ws-bad-utf8",
        summary: Text {
            en: "text that is not UTF-8, in one frame and split across two fragments: the server closes with 1007",
            zh: "不是 UTF-8 的文本，一次放在一个帧里，一次拆成两个分片：服务器以关闭码 1007 关闭连接",
        },
    },
    ScenarioInfo {
        name: "ws-too-big",
        summary: Text {
            en: "a 5000-byte message to a server whose limit is 4096 bytes: close 1009 (message too big)",
            zh: "向消息上限为 4096 字节的服务器发送 5000 字节的消息：关闭码 1009（消息过大）",
        },
    },
    ScenarioInfo {
        name: "ws-ping-timeout",
        summary: Text {
            en: "the server pings, the client never answers: after its timeout the server closes with 1011",
            zh: "服务器发送心跳 ping，客户端始终不回应：超时后服务器以关闭码 1011 关闭连接",
        },
    },
    ScenarioInfo {
        name: "ws-abrupt",
        summary: Text {
            en: "the client's TCP connection ends without a close frame: the server reports 1006, never sent on the wire",
            zh: "客户端的 TCP 连接在没有关闭帧的情况下断开：服务器报告 1006，这个关闭码从不在线路上发送",
        },
    },
    ScenarioInfo {
        name: "ws-origin",
        summary: Text {
            en: "two pages: the lab's own origin gets 101, another site's origin gets 403 Forbidden",
            zh: "两个页面：实验室自己的源（Origin）得到 101，其他网站的源得到 403 Forbidden",
        },
    },
    ScenarioInfo {
        name: "ws-sample-key",
        summary: Text {
            en: "the sample key of RFC 6455's handshake example and the mistyped one a popular article prints, each answered with the Accept the server computes (a fixed key only because the worked example is the point: a real client sends a fresh random nonce)",
            zh: "RFC 6455 握手示例里的密钥，和一份流行的网上资料写错的密钥，服务器分别算出各自的 Accept（这里用固定密钥只因为要演示这个例子：真正的客户端每次都发送新的随机值）",
        },
    },
    ScenarioInfo {
        name: "ws-two-urls",
        summary: Text {
            en: "one page opens two WebSockets, /echo and /chat: two TCP connections, two handshakes, a message on each, both closed",
            zh: "一个页面打开两个 WebSocket（/echo 和 /chat）：两个 TCP 连接，两次握手，每个连接上一条消息，然后都关闭",
        },
    },
    ScenarioInfo {
        name: "http-1.0",
        summary: Text {
            en: "three GETs over HTTP/1.0: three TCP connections, one request each",
            zh: "通过 HTTP/1.0 发送三个 GET：三个 TCP 连接，每个连接一个请求",
        },
    },
    ScenarioInfo {
        name: "http-keep-alive",
        summary: Text {
            en: "three GETs over HTTP/1.1: one persistent TCP connection",
            zh: "通过 HTTP/1.1 发送三个 GET：只用一个持久 TCP 连接",
        },
    },
    ScenarioInfo {
        name: "http-post",
        summary: Text {
            en: "two POSTs: a body framed by Content-Length, then a chunked body",
            zh: "两个 POST：先是用 Content-Length 界定的消息体，再是分块传输（chunked）的消息体",
        },
    },
    ScenarioInfo {
        name: "wss-echo",
        summary: Text {
            en: "the echo over TLS (wss://, a certificate made at run time): what the packets show (TLS records) beside what the tap above TLS shows (the upgrade and the frames)",
            zh: "基于 TLS 的回显（wss://，证书在运行时生成）：数据包里看到的（TLS 记录）与 TLS 之上的监听看到的（升级握手和帧）并排对照",
        },
    },
    ScenarioInfo {
        name: "short-poll",
        summary: Text {
            en: "short polling: 5 server events, a poll every 100 ms answered at once (mostly empty), with keep-alive and with a new connection per poll",
            zh: "短轮询：服务器产生 5 个事件，客户端每 100 ms 轮询一次并立即得到回答（大多为空），分别使用 keep-alive 和每次轮询新建连接",
        },
    },
    ScenarioInfo {
        name: "long-poll",
        summary: Text {
            en: "long polling: each request is held until the next of 5 server events, then the client asks again",
            zh: "长轮询：服务器把每个请求挂起，直到 5 个服务器事件中的下一个发生才回答，然后客户端马上再次请求",
        },
    },
    ScenarioInfo {
        name: "sse",
        summary: Text {
            en: "server-sent events: 5 events on one streamed response; after the 2nd the connection drops and Last-Event-ID resumes it",
            zh: "服务器发送事件（SSE）：一个流式响应上的 5 个事件；第 2 个之后连接断开，用 Last-Event-ID 续传",
        },
    },
    ScenarioInfo {
        name: "sse-reconnect",
        summary: Text {
            en: "server-sent events: the server sets retry: and ends the stream after event 2; the EventSource reports an error, waits, reconnects with Last-Event-ID: 2 and the server resumes at event 3",
            zh: "服务器发送事件（SSE）：服务器用 retry: 设定重连时间，第 2 个事件之后结束事件流；EventSource 报告 error，等待后带着 Last-Event-ID: 2 重新连接，服务器从第 3 个事件继续",
        },
    },
    ScenarioInfo {
        name: "websocket",
        summary: Text {
            en: "WebSocket push: the same 5 server events as text messages on one upgraded connection, then a close",
            zh: "WebSocket 推送：同样的 5 个服务器事件，作为文本消息在一条升级后的连接上发送，然后关闭",
        },
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
        "ws-interleave" => (vec!["client"], ws_interleave()),
        "ws-bad-accept" => (vec!["client"], failures::ws_bad_accept()),
        "ws-missing-upgrade" => (vec!["client"], failures::ws_missing_upgrade()),
        "ws-bad-version" => (vec!["client"], failures::ws_bad_version()),
        "ws-unmasked" => (vec!["client"], failures::ws_unmasked()),
        "ws-bad-utf8" => (failures::BAD_UTF8_CLIENTS.to_vec(), failures::ws_bad_utf8()),
        "ws-too-big" => (vec!["client"], failures::ws_too_big()),
        "ws-ping-timeout" => (vec!["client"], failures::ws_ping_timeout()),
        "ws-abrupt" => (vec!["client"], failures::ws_abrupt()),
        "ws-origin" => (failures::ORIGIN_CLIENTS.to_vec(), failures::ws_origin()),
        "ws-sample-key" => (myths::SAMPLE_KEY_CLIENTS.to_vec(), myths::ws_sample_key()),
        "ws-two-urls" => (myths::TWO_URLS_CLIENTS.to_vec(), myths::ws_two_urls()),
        "http-1.0" => (http::HTTP10_CLIENTS.to_vec(), http::http_1_0()),
        "http-keep-alive" => (vec!["client"], http::http_keep_alive()),
        "http-post" => (vec!["client"], http::http_post()),
        "wss-echo" => (vec!["client"], wss_echo()),
        "short-poll" => (push::SHORT_POLL_CLIENTS.to_vec(), push::short_poll()),
        "long-poll" => (vec!["client"], push::long_poll()),
        "sse" => (vec!["client"], push::sse()),
        "sse-reconnect" => (vec!["client"], push::sse_reconnect()),
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

impl Stage {
    /// The stage's caption in `lang`.
    pub fn caption(&self, lang: Lang) -> &str {
        self.label.get(lang)
    }
}

/// A caption in English and Chinese.
fn say(en: impl Into<String>, zh: impl Into<String>) -> Phrase {
    Phrase::new(en, zh)
}

fn client(i: usize, action: Action, label: Phrase, expect: Vec<EventMatcher>) -> Stage {
    Stage {
        actor: Actor::Client(i),
        action,
        label,
        expect,
    }
}

fn server(clients: Vec<usize>, label: Phrase, expect: Vec<EventMatcher>) -> Stage {
    Stage {
        actor: Actor::Server,
        action: Action::Release(clients),
        label,
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

/// A lane's name in a Chinese caption (the lane keeps its name in the trace).
pub(super) fn lane_zh(who: &str) -> String {
    crate::trace::describe::lane_name(who, crate::lang::Lang::Zh)
}

fn connect(i: usize, who: &str) -> Stage {
    let who_zh = lane_zh(who);
    client(
        i,
        Action::Connect,
        say(format!("{who}: TCP connect"), format!("{who_zh}：TCP 连接")),
        vec![expect(who, "tcp_accept")],
    )
}

/// Connect, upgrade request, 101.
fn open_ws(i: usize, who: &str, path: &str, protocols: &[&str]) -> Vec<Stage> {
    let who_zh = lane_zh(who);
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
            say(
                format!("{who}: upgrade request GET {path} (Upgrade: websocket{offer})"),
                format!("{who_zh}：升级请求 GET {path}（Upgrade: websocket{offer}）"),
            ),
            vec![expect_dir(who, "http_request", Dir::C2s)],
        ),
        server(
            vec![i],
            say(
                "server answers 101 Switching Protocols",
                "服务器回应 101 Switching Protocols",
            ),
            vec![expect_dir(who, "http_response", Dir::S2c)],
        ),
    ]
}

/// Client close 1000 `reason`, the server's close reply, the server's TCP close.
fn close_ws(i: usize, who: &str, reason: &str) -> Vec<Stage> {
    let who_zh = lane_zh(who);
    let frame = CloseFrame {
        code: CloseCode::Normal,
        reason: reason.to_string().into(),
    };
    vec![
        client(
            i,
            Action::Send(Message::Close(Some(frame))),
            say(
                format!("{who}: send close 1000 \"{reason}\""),
                format!("{who_zh}：发送关闭帧，关闭码 1000 \"{reason}\""),
            ),
            vec![ws(who, Dir::C2s, opcode::CLOSE)],
        ),
        server(
            vec![i],
            say(
                "server replies with close 1000",
                "服务器回复关闭帧，关闭码 1000",
            ),
            vec![ws(who, Dir::S2c, opcode::CLOSE)],
        ),
        server(
            vec![i],
            say(
                format!(
                    "server closes the TCP connection ({}: normally the server closes first)",
                    cite::RFC6455_7_1_1
                ),
                format!(
                    "服务器关闭 TCP 连接（{}：通常由服务器先关闭）",
                    cite::RFC6455_7_1_1
                ),
            ),
            vec![expect(who, "tcp_close")],
        ),
    ]
}

/// A client message and the server's echo of it.
fn echo_pair(message: Message, opcode: u8, label: Phrase) -> [Stage; 2] {
    [
        client(
            0,
            Action::Send(message),
            label,
            vec![ws("client", Dir::C2s, opcode)],
        ),
        server(
            vec![0],
            say("server echoes it", "服务器原样回显"),
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
            say("client: request GET /hello", "客户端：请求 GET /hello"),
            vec![expect_dir("client", "http_request", Dir::C2s)],
        ),
        server(
            vec![0],
            say(
                "server answers 200 OK with a short text",
                "服务器回应 200 OK 和一段短文本",
            ),
            vec![expect_dir("client", "http_response", Dir::S2c)],
        ),
        client(
            0,
            Action::CloseTcp,
            say("client closes the TCP connection", "客户端关闭 TCP 连接"),
            vec![expect("client", "tcp_close")],
        ),
    ]
}

/// Which fragment of a message a frame is (RFC 6455 §5.4).
#[derive(Clone, Copy)]
enum Fragment {
    /// The first: the message's opcode, FIN = 0.
    First,
    /// One in the middle: continuation, FIN = 0.
    Middle,
    /// The last: continuation, FIN = 1; the message is complete.
    Last,
}

/// The client sends `text` as fragment `kind`, captioned `label`: done when the frame (or,
/// for the last one, the whole message) appears.
fn send_fragment(kind: Fragment, text: &'static str, label: Phrase) -> Stage {
    let (opcode, fin, expect) = match kind {
        Fragment::First => (
            OpCode::Data(Data::Text),
            false,
            expect_dir("client", "ws_frame", Dir::C2s).opcode(opcode::TEXT),
        ),
        Fragment::Middle => (
            OpCode::Data(Data::Continue),
            false,
            expect_dir("client", "ws_frame", Dir::C2s).opcode(opcode::CONTINUATION),
        ),
        Fragment::Last => (
            OpCode::Data(Data::Continue),
            true,
            ws("client", Dir::C2s, opcode::TEXT),
        ),
    };
    client(
        0,
        Action::Send(Message::Frame(Frame::message(text, opcode, fin))),
        label,
        vec![expect],
    )
}

/// The server echoes a reassembled message in one frame.
fn echo_whole_message() -> Stage {
    server(
        vec![0],
        say(
            "server echoes the whole message in one frame",
            "服务器把整条消息放在一个帧里回显",
        ),
        vec![ws("client", Dir::S2c, opcode::TEXT)],
    )
}

fn ws_echo() -> Vec<Stage> {
    let mut stages = open_ws(0, "client", "/echo", &[]);
    let hello = "Hello, WebSocket!";
    let n = hello.len();
    stages.extend(echo_pair(
        Message::text(hello),
        opcode::TEXT,
        say(
            format!("send text \"{hello}\" ({n} B)"),
            format!("发送文本 \"{hello}\"（{n} B）"),
        ),
    ));
    stages.extend(echo_pair(
        Message::binary(filler_binary(16)),
        opcode::BINARY,
        say("send binary (16 B)", "发送二进制数据（16 B）"),
    ));
    stages.extend(echo_pair(
        Message::text(""),
        opcode::TEXT,
        say("send empty text (0 B)", "发送空文本（0 B）"),
    ));
    stages.extend(echo_pair(
        Message::text(filler_text(125)),
        opcode::TEXT,
        say(
            "send text (125 B: the largest 7-bit length)",
            "发送文本（125 B：7 位长度字段能表示的最大值）",
        ),
    ));
    stages.extend(echo_pair(
        Message::text(filler_text(126)),
        opcode::TEXT,
        say(
            "send text (126 B: 16-bit extended length)",
            "发送文本（126 B：使用 16 位扩展长度）",
        ),
    ));
    stages.extend(echo_pair(
        Message::binary(filler_binary(70_000)),
        opcode::BINARY,
        say(
            "send binary (70000 B: 64-bit extended length)",
            "发送二进制数据（70000 B：使用 64 位扩展长度）",
        ),
    ));
    // A fragmented message: raw frames, sent back to back; tungstenite masks each one.
    let [a, b, c] = FRAGMENTS;
    let whole = FRAGMENTS.concat();
    stages.push(send_fragment(
        Fragment::First,
        a,
        say(
            format!("send text \"{whole}\" in 3 fragments: frame 1 (text, FIN=0) \"{a}\""),
            format!("把文本 \"{whole}\" 分成 3 个分片发送：第 1 帧（text，FIN=0）\"{a}\""),
        ),
    ));
    stages.push(send_fragment(
        Fragment::Middle,
        b,
        say(
            format!("frame 2 (continuation, FIN=0) \"{b}\""),
            format!("第 2 帧（continuation，FIN=0）\"{b}\""),
        ),
    ));
    stages.push(send_fragment(
        Fragment::Last,
        c,
        say(
            format!("frame 3 (continuation, FIN=1) \"{c}\": the message is complete"),
            format!("第 3 帧（continuation，FIN=1）\"{c}\"：消息至此完整"),
        ),
    ));
    stages.push(echo_whole_message());
    let ping = "are you there?";
    stages.push(client(
        0,
        Action::Send(Message::Ping(ping.as_bytes().to_vec().into())),
        say(
            format!("send ping \"{ping}\""),
            format!("发送 ping \"{ping}\""),
        ),
        vec![ws("client", Dir::C2s, opcode::PING)],
    ));
    stages.push(server(
        vec![0],
        say(
            "server answers pong (same payload)",
            "服务器回应 pong（载荷相同）",
        ),
        vec![ws("client", Dir::S2c, opcode::PONG)],
    ));
    stages.extend(close_ws(0, "client", "bye"));
    stages
}

/// A ping between the fragments of one text message: control frames may be injected in the
/// middle of a fragmented message (RFC 6455 §5.4), and the server answers it at once.
fn ws_interleave() -> Vec<Stage> {
    let mut stages = open_ws(0, "client", "/echo", &[]);
    let [a, _, c] = FRAGMENTS;
    let whole = format!("{a}{c}");
    stages.push(send_fragment(
        Fragment::First,
        a,
        say(
            format!("send text \"{whole}\" in 2 fragments: frame 1 (text, FIN=0) \"{a}\""),
            format!("把文本 \"{whole}\" 分成 2 个分片发送：第 1 帧（text，FIN=0）\"{a}\""),
        ),
    ));
    let ping = "still there?";
    stages.push(client(
        0,
        Action::Send(Message::Ping(ping.as_bytes().to_vec().into())),
        say(
            format!("send ping \"{ping}\" before the message is complete"),
            format!("消息还没发完，先发送 ping \"{ping}\""),
        ),
        vec![ws("client", Dir::C2s, opcode::PING)],
    ));
    stages.push(server(
        vec![0],
        say(
            "server answers pong between the fragments",
            "服务器在两个分片之间回应 pong",
        ),
        vec![ws("client", Dir::S2c, opcode::PONG)],
    ));
    stages.push(send_fragment(
        Fragment::Last,
        c,
        say(
            format!("frame 2 (continuation, FIN=1) \"{c}\": the message is complete"),
            format!("第 2 帧（continuation，FIN=1）\"{c}\"：消息至此完整"),
        ),
    ));
    stages.push(echo_whole_message());
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
        let who_zh = lane_zh(who);
        stages.push(client(
            i,
            Action::Send(Message::text(text)),
            say(
                format!("{who}: send text \"{text}\""),
                format!("{who_zh}：发送文本 \"{text}\""),
            ),
            vec![ws(who, Dir::C2s, opcode::TEXT)],
        ));
        stages.push(server(
            everyone.clone(),
            say(
                format!("server relays \"{who}: {text}\" to alice, bob and carol"),
                format!("服务器把 \"{who}: {text}\" 转发给 alice、bob 和 carol"),
            ),
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
            say(
                format!("server pushes \"tick {i}\""),
                format!("服务器推送 \"tick {i}\""),
            ),
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
        say(
            "server says which subprotocol it chose",
            "服务器告诉客户端它选了哪个子协议",
        ),
        vec![ws("client", Dir::S2c, opcode::TEXT)],
    ));
    stages.extend(echo_pair(
        Message::text("hello in superchat"),
        opcode::TEXT,
        say(
            "send text \"hello in superchat\"",
            "发送文本 \"hello in superchat\"",
        ),
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
            say(
                format!(
                    "client: upgrade request GET {path} (Upgrade: websocket, \
                     Sec-WebSocket-Extensions: permessage-deflate)"
                ),
                format!(
                    "客户端：升级请求 GET {path}（Upgrade: websocket, \
                     Sec-WebSocket-Extensions: permessage-deflate）"
                ),
            ),
            vec![expect_dir("client", "http_request", Dir::C2s)],
        ),
        server(
            vec![0],
            say(
                "server answers 101 and accepts permessage-deflate",
                "服务器回应 101，并接受 permessage-deflate 扩展",
            ),
            vec![
                expect_dir("client", "http_response", Dir::S2c),
                expect("client", "ws_extensions"),
            ],
        ),
    ];
    let n = DEFLATE_TEXT.len();
    let labels = [
        say(
            format!("send text ({n} B, compresses well; RSV1 = compressed)"),
            format!("发送文本（{n} B，压缩效果好；RSV1 = 已压缩）"),
        ),
        say(
            "send the same text again (context takeover: a few bytes on the wire)",
            "再次发送同样的文本（上下文接管：线路上只剩几个字节）",
        ),
        say(
            "send text (70000 B of repeating text)",
            "发送文本（70000 B 的重复文本）",
        ),
        say(
            "send binary (256 B of noise: compressing cannot shrink it)",
            "发送二进制数据（256 B 的噪声：压缩也无法让它变小）",
        ),
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
        say(
            format!("send ping \"{ping}\" (control frames are never compressed)"),
            format!("发送 ping \"{ping}\"（控制帧从不压缩）"),
        ),
        vec![ws("client", Dir::C2s, opcode::PING)],
    ));
    stages.push(server(
        vec![0],
        say(
            "server answers pong (same payload)",
            "服务器回应 pong（载荷相同）",
        ),
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
            say(
                format!(
                    "client: TLS handshake: ClientHello and ServerHello in the clear, the rest \
                     encrypted ({})",
                    cite::RFC8446_4_1_2
                ),
                format!(
                    "客户端：TLS 握手：ClientHello 和 ServerHello 是明文，其余部分都已加密（{}）",
                    cite::RFC8446_4_1_2
                ),
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
            say(
                "client: upgrade request GET /echo inside TLS (the packets show one \
                 application_data record)",
                "客户端：在 TLS 内发送升级请求 GET /echo（数据包里只看到一个 application_data 记录）",
            ),
            vec![expect_dir("client", "http_request", Dir::C2s)],
        ),
        server(
            vec![0],
            say(
                "server answers 101 Switching Protocols (encrypted too)",
                "服务器回应 101 Switching Protocols（同样是加密的）",
            ),
            vec![expect_dir("client", "http_response", Dir::S2c)],
        ),
    ];
    let hello = "Hello over TLS!";
    let n = hello.len();
    stages.extend(echo_pair(
        Message::text(hello),
        opcode::TEXT,
        say(
            format!("send text \"{hello}\" ({n} B)"),
            format!("发送文本 \"{hello}\"（{n} B）"),
        ),
    ));
    stages.extend(echo_pair(
        Message::binary(filler_binary(70_000)),
        opcode::BINARY,
        say(
            "send binary (70000 B: more than one TLS record holds, 2^14 B each at most)",
            "发送二进制数据（70000 B：一个 TLS 记录装不下，每个记录最多 2^14 B）",
        ),
    ));
    let ping = "are you there?";
    stages.push(client(
        0,
        Action::Send(Message::Ping(ping.as_bytes().to_vec().into())),
        say(
            format!("send ping \"{ping}\""),
            format!("发送 ping \"{ping}\""),
        ),
        vec![ws("client", Dir::C2s, opcode::PING)],
    ));
    stages.push(server(
        vec![0],
        say(
            "server answers pong (same payload)",
            "服务器回应 pong（载荷相同）",
        ),
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
                // Every caption in both languages, and the Chinese one written, not copied.
                assert!(!stage.label.en.is_empty() && !stage.label.zh.is_empty());
                assert_ne!(stage.label.en, stage.label.zh, "{}", info.name);
                // Stopping to answer leaves no trace of its own: what it causes (no pong)
                // is the next stages' business.
                if !matches!(stage.action, Action::StopAnswering) {
                    assert!(
                        !stage.expect.is_empty(),
                        "{}: {}",
                        info.name,
                        stage.label.en
                    );
                }
                for e in &stage.expect {
                    // Every expectation is on one of the scenario's clients' lanes.
                    let Some(ConnSelector::Lane(lane)) = &e.conn else {
                        panic!(
                            "{}: {} expects an event on no lane",
                            info.name, stage.label.en
                        )
                    };
                    assert!(scenario.clients.contains(&lane.as_str()));
                }
                match (&stage.actor, &stage.action) {
                    (Actor::Server, Action::Release(clients)) => {
                        assert!(clients.iter().all(|&c| c < scenario.clients.len()));
                    }
                    (Actor::Server, _) | (Actor::Client(_), Action::Release(_)) => {
                        panic!("{}: {} mixes up actors", info.name, stage.label.en)
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
            "http-get, ws-echo, ws-chat, ws-push, ws-subprotocol, ws-deflate, ws-interleave, \
             ws-bad-accept, ws-missing-upgrade, ws-bad-version, ws-unmasked, ws-bad-utf8, ws-too-big, \
             ws-ping-timeout, ws-abrupt, ws-origin, ws-sample-key, ws-two-urls, http-1.0, \
             http-keep-alive, http-post, wss-echo, short-poll, long-poll, sse, sse-reconnect, \
             websocket"
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
