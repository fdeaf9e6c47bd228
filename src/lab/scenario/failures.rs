//! The WebSocket failure scenarios: each breaks one rule of RFC 6455 on purpose (or has the
//! server refuse), and its stages wait for the reaction the RFC prescribes.

use tungstenite::Message;
use tungstenite::protocol::frame::Frame;
use tungstenite::protocol::frame::coding::{Data, OpCode};

use super::{
    Action, HandshakeOutcome, HttpVersion, Key, Origin, RequestBody, RequestSpec, Stage, client,
    close_ws, connect, expect, expect_dir, filler_text, lane_zh, opcode, open_ws, say, server, ws,
};
use crate::lab::server::faults::{
    BAD_ACCEPT_PATH, HEARTBEAT_TIMEOUT_MS, LIMITED_PATH, MESSAGE_LIMIT, ORIGIN_PATH, OTHER_ORIGIN,
};
use crate::lang::Phrase;
use crate::proto::cite;
use crate::trace::Dir;

/// The lanes of `ws-bad-utf8`: one message in one frame, one split across two.
pub const BAD_UTF8_CLIENTS: [&str; 2] = ["one frame", "two fragments"];

/// The lanes of `ws-origin`: the lab's own page and a page of another site.
pub const ORIGIN_CLIENTS: [&str; 2] = ["lab page", "other site"];

/// What follows a broken rule: the server's close frame (`code`, `why`); the client's close in
/// answer, which every endpoint sends to a close it did not start (§5.5.1; the lab's client
/// does it by itself, as a browser would), which the failing server reads but no longer
/// processes (§7.1.7); then the server's TCP close.
fn server_fails(i: usize, who: &str, code: &str, why: Phrase) -> [Stage; 3] {
    let (why_en, why_zh) = (&why.en, &why.zh);
    let who_zh = lane_zh(who);
    [
        server(
            vec![i],
            say(
                format!("server fails the connection: close {code} ({why_en})"),
                format!("服务器判定连接失败：发送关闭帧，关闭码 {code}（{why_zh}）"),
            ),
            vec![ws(who, Dir::S2c, opcode::CLOSE)],
        ),
        // A stage that only waits (it releases nobody): the reply comes by itself, maybe before
        // the stage starts, and a waiting stage, unlike a client stage, still counts it.
        server(
            Vec::new(),
            say(
                format!(
                    "{who} answers with a close of its own ({}); the failing server reads it but \
                     does not process it",
                    cite::RFC6455_5_5_1
                ),
                format!(
                    "{who_zh} 回复自己的关闭帧（{}）；判定失败的服务器会读到它，但不再处理",
                    cite::RFC6455_5_5_1
                ),
            ),
            vec![ws(who, Dir::C2s, opcode::CLOSE)],
        ),
        server(
            vec![i],
            say(
                format!(
                    "server closes the TCP connection (failing a connection ends it, {})",
                    cite::RFC6455_7_1_7
                ),
                format!(
                    "服务器关闭 TCP 连接（判定连接失败就意味着结束它，{}）",
                    cite::RFC6455_7_1_7
                ),
            ),
            vec![expect(who, "tcp_close")],
        ),
    ]
}

pub(super) fn ws_bad_accept() -> Vec<Stage> {
    vec![
        connect(0, "client"),
        client(
            0,
            Action::Handshake {
                path: BAD_ACCEPT_PATH.to_string(),
                origin: None,
                key: Key::Fresh,
                outcome: HandshakeOutcome::Fails,
            },
            say(
                format!("client: upgrade request GET {BAD_ACCEPT_PATH} (Upgrade: websocket)"),
                format!("客户端：升级请求 GET {BAD_ACCEPT_PATH}（Upgrade: websocket）"),
            ),
            vec![expect_dir("client", "http_request", Dir::C2s)],
        ),
        server(
            vec![0],
            say(
                format!(
                    "server answers 101 with a wrong Sec-WebSocket-Accept (it left out the GUID); \
                     the client fails the connection: it sends nothing and closes TCP ({})",
                    cite::RFC6455_4_1
                ),
                format!(
                    "服务器回应 101，但 Sec-WebSocket-Accept 是错的（计算时漏掉了 GUID）；\
                     客户端判定连接失败：什么也不发送，直接关闭 TCP（{}）",
                    cite::RFC6455_4_1
                ),
            ),
            vec![
                expect_dir("client", "http_response", Dir::S2c).status(101),
                expect("client", "ws_upgrade_check"),
            ],
        ),
        server(
            vec![0],
            say(
                "server reads the end of the stream and closes its socket too",
                "服务器读到数据流结束，也关闭自己的套接字",
            ),
            vec![expect("client", "tcp_close")],
        ),
    ]
}

/// An upgrade request made by hand: `headers` as given, plus a fresh key.
fn handshake_request(headers: Vec<(&'static str, &'static str)>) -> Action {
    Action::Request(RequestSpec {
        method: "GET",
        path: "/echo".to_string(),
        version: HttpVersion::Http11,
        headers,
        websocket_key: true,
        body: RequestBody::Empty,
    })
}

fn get_hello() -> Action {
    Action::Request(RequestSpec {
        method: "GET",
        path: "/hello".to_string(),
        version: HttpVersion::Http11,
        headers: Vec::new(),
        websocket_key: false,
        body: RequestBody::Empty,
    })
}

pub(super) fn ws_missing_upgrade() -> Vec<Stage> {
    vec![
        connect(0, "client"),
        client(
            0,
            handshake_request(vec![
                ("Connection", "Upgrade"),
                ("Sec-WebSocket-Version", "13"),
            ]),
            say(
                "client: GET /echo with Connection: Upgrade, Sec-WebSocket-Key and \
                 Sec-WebSocket-Version, but no Upgrade header",
                "客户端：GET /echo，带有 Connection: Upgrade、Sec-WebSocket-Key 和 \
                 Sec-WebSocket-Version，但没有 Upgrade 头部",
            ),
            vec![expect_dir("client", "http_request", Dir::C2s)],
        ),
        server(
            vec![0],
            say(
                format!(
                    "server answers 400 Bad Request: a handshake needs Upgrade: websocket ({} \
                     item 3)",
                    cite::RFC6455_4_2_1
                ),
                format!(
                    "服务器回应 400 Bad Request：握手必须带有 Upgrade: websocket（{} 第 3 项）",
                    cite::RFC6455_4_2_1
                ),
            ),
            vec![expect_dir("client", "http_response", Dir::S2c).status(400)],
        ),
        client(
            0,
            get_hello(),
            say(
                "client: GET /hello on the same connection: it is still plain HTTP/1.1",
                "客户端：在同一个连接上 GET /hello：它仍然是普通的 HTTP/1.1 连接",
            ),
            vec![expect_dir("client", "http_request", Dir::C2s)],
        ),
        server(
            vec![0],
            say("server answers 200 OK", "服务器回应 200 OK"),
            vec![expect_dir("client", "http_response", Dir::S2c).status(200)],
        ),
        client(
            0,
            Action::CloseTcp,
            say("client closes the TCP connection", "客户端关闭 TCP 连接"),
            vec![expect("client", "tcp_close")],
        ),
    ]
}

pub(super) fn ws_bad_version() -> Vec<Stage> {
    vec![
        connect(0, "client"),
        client(
            0,
            handshake_request(vec![
                ("Upgrade", "websocket"),
                ("Connection", "Upgrade"),
                ("Sec-WebSocket-Version", "8"),
            ]),
            say(
                "client: upgrade request GET /echo with Sec-WebSocket-Version: 8 (a draft's \
                 version)",
                "客户端：升级请求 GET /echo，带有 Sec-WebSocket-Version: 8（草案阶段的版本）",
            ),
            vec![expect_dir("client", "http_request", Dir::C2s)],
        ),
        server(
            vec![0],
            say(
                format!(
                    "server answers 426 Upgrade Required with Sec-WebSocket-Version: 13, the \
                     version it speaks ({})",
                    cite::RFC6455_4_4
                ),
                format!(
                    "服务器回应 426 Upgrade Required，并用 Sec-WebSocket-Version: 13 \
                     说明它支持的版本（{}）",
                    cite::RFC6455_4_4
                ),
            ),
            vec![
                expect_dir("client", "http_response", Dir::S2c)
                    .status(426)
                    .header("sec-websocket-version"),
            ],
        ),
        client(
            0,
            Action::CloseTcp,
            say("client closes the TCP connection", "客户端关闭 TCP 连接"),
            vec![expect("client", "tcp_close")],
        ),
    ]
}

/// A text frame with FIN set and the MASK bit clear: what no client may send (§5.1).
pub const UNMASKED_TEXT: &[u8] = b"\x81\x0fhello, unmasked";

pub(super) fn ws_unmasked() -> Vec<Stage> {
    let mut stages = open_ws(0, "client", "/echo", &[]);
    stages.push(client(
        0,
        Action::SendRaw(UNMASKED_TEXT.to_vec()),
        say(
            "client sends text \"hello, unmasked\" in an unmasked frame (raw bytes: MASK bit 0)",
            "客户端用未加掩码的帧发送文本 \"hello, unmasked\"（原始字节：MASK 位为 0）",
        ),
        vec![
            expect_dir("client", "ws_frame", Dir::C2s),
            expect_dir("client", "diagnostic", Dir::C2s),
        ],
    ));
    stages.extend(server_fails(
        0,
        "client",
        "1002",
        say(
            format!(
                "protocol error: client frames must be masked, {}",
                cite::RFC6455_5_1
            ),
            format!("协议错误：客户端发送的帧必须加掩码，{}", cite::RFC6455_5_1),
        ),
    ));
    stages
}

/// `café` with é in Latin-1 (one byte, E9): not UTF-8.
pub const LATIN1_CAFE: &[u8] = b"caf\xe9";
/// The first fragment of `ws-bad-utf8`'s split message: `caf` and C3, the first byte of é in
/// UTF-8, which still needs its continuation byte.
pub const SPLIT_FIRST: &[u8] = b"caf\xc3";
/// The last fragment: it begins with `(` (28), not a continuation byte (80-BF), so the
/// sequence C3 28 that straddles the boundary is invalid.
pub const SPLIT_LAST: &[u8] = b"(au lait)";

fn text_frame(payload: &[u8], opcode: Data, fin: bool) -> Action {
    Action::Send(Message::Frame(Frame::message(
        payload.to_vec(),
        OpCode::Data(opcode),
        fin,
    )))
}

pub(super) fn ws_bad_utf8() -> Vec<Stage> {
    let [one, two] = BAD_UTF8_CLIENTS;
    let (one_zh, two_zh) = (lane_zh(one), lane_zh(two));
    let why = || {
        say(
            format!("invalid UTF-8 in a text message, {}", cite::RFC6455_8_1),
            format!("文本消息中有无效的 UTF-8，{}", cite::RFC6455_8_1),
        )
    };
    let mut stages = open_ws(0, one, "/echo", &[]);
    stages.push(client(
        0,
        text_frame(LATIN1_CAFE, Data::Text, true),
        say(
            format!("{one}: send text \"caf\" + E9 (é in Latin-1, not UTF-8)"),
            format!("{one_zh}：发送文本 \"caf\" + E9（Latin-1 编码的 é，不是 UTF-8）"),
        ),
        vec![ws(one, Dir::C2s, opcode::TEXT)],
    ));
    stages.extend(server_fails(0, one, "1007", why()));
    stages.extend(open_ws(1, two, "/echo", &[]));
    stages.push(client(
        1,
        text_frame(SPLIT_FIRST, Data::Text, false),
        say(
            format!(
                "{two}: frame 1 (text, FIN=0) \"caf\" + C3: the first byte of é in UTF-8, valid \
                 so far"
            ),
            format!("{two_zh}：第 1 帧（text，FIN=0）\"caf\" + C3：é 的 UTF-8 编码的第一个字节，到此为止仍然有效"),
        ),
        vec![expect_dir(two, "ws_frame", Dir::C2s).opcode(opcode::TEXT)],
    ));
    stages.push(client(
        1,
        text_frame(SPLIT_LAST, Data::Continue, true),
        say(
            format!(
                "{two}: frame 2 (continuation, FIN=1) \"(au lait)\": C3 is followed by 28, not a \
                 continuation byte, so the sequence across the boundary is invalid"
            ),
            format!(
                "{two_zh}：第 2 帧（continuation，FIN=1）\"(au lait)\"：C3 后面跟的是 28，\
                 不是后续字节，所以跨越分片边界的这个字节序列无效"
            ),
        ),
        vec![ws(two, Dir::C2s, opcode::TEXT)],
    ));
    stages.extend(server_fails(1, two, "1007", why()));
    stages
}

/// How long the text of `ws-too-big` is: more than [`MESSAGE_LIMIT`].
pub const TOO_BIG_LEN: usize = 5000;

pub(super) fn ws_too_big() -> Vec<Stage> {
    let mut stages = open_ws(0, "client", LIMITED_PATH, &[]);
    stages.push(client(
        0,
        Action::Send(Message::text(filler_text(TOO_BIG_LEN))),
        say(
            format!(
                "send text ({TOO_BIG_LEN} B; this server takes messages up to {MESSAGE_LIMIT} B)"
            ),
            format!("发送文本（{TOO_BIG_LEN} B；这个服务器只接受不超过 {MESSAGE_LIMIT} B 的消息）"),
        ),
        vec![ws("client", Dir::C2s, opcode::TEXT)],
    ));
    stages.extend(server_fails(
        0,
        "client",
        "1009",
        say(
            format!(
                "message too big: over this server's limit, {}",
                cite::RFC6455_10_4
            ),
            format!("消息过大：超过了这个服务器的上限，{}", cite::RFC6455_10_4),
        ),
    ));
    stages
}

pub(super) fn ws_ping_timeout() -> Vec<Stage> {
    let path = format!("/heartbeat?timeout_ms={HEARTBEAT_TIMEOUT_MS}");
    let mut stages = open_ws(0, "client", &path, &[]);
    stages.push(client(
        0,
        Action::StopAnswering,
        say(
            "client stops answering (a stuck page or a dead peer): it will send no pong",
            "客户端不再回应（页面卡住或对端已失效）：它不会再发送 pong",
        ),
        Vec::new(),
    ));
    stages.push(server(
        vec![0],
        say(
            format!(
                "server sends a heartbeat ping; a pong must come back ({})",
                cite::RFC6455_5_5_2
            ),
            format!(
                "服务器发送心跳 ping；对方必须回应 pong（{}）",
                cite::RFC6455_5_5_2
            ),
        ),
        vec![ws("client", Dir::S2c, opcode::PING)],
    ));
    stages.push(server(
        vec![0],
        say(
            format!(
                "no pong within {HEARTBEAT_TIMEOUT_MS} ms: the server gives up and fails the \
                 connection with close 1011 \"ping timeout\" ({})",
                cite::RFC6455_7_1_7
            ),
            format!(
                "{HEARTBEAT_TIMEOUT_MS} ms 内没有收到 pong：服务器放弃，以关闭码 1011 \
                 \"ping timeout\" 判定连接失败（{}）",
                cite::RFC6455_7_1_7
            ),
        ),
        vec![ws("client", Dir::S2c, opcode::CLOSE)],
    ));
    stages.push(server(
        vec![0],
        say(
            "server closes the TCP connection without waiting for a close reply that will not \
             come",
            "服务器关闭 TCP 连接，不再等待一个不会到来的关闭回复",
        ),
        vec![expect("client", "tcp_close")],
    ));
    stages
}

pub(super) fn ws_abrupt() -> Vec<Stage> {
    let mut stages = open_ws(0, "client", "/echo", &[]);
    let hello = "Hello before vanishing";
    stages.push(client(
        0,
        Action::Send(Message::text(hello)),
        say(
            format!("send text \"{hello}\""),
            format!("发送文本 \"{hello}\""),
        ),
        vec![ws("client", Dir::C2s, opcode::TEXT)],
    ));
    stages.push(server(
        vec![0],
        say("server echoes it", "服务器原样回显"),
        vec![ws("client", Dir::S2c, opcode::TEXT)],
    ));
    stages.push(client(
        0,
        Action::CloseTcp,
        say(
            "client closes its TCP connection without a close frame (a killed tab, a lost \
             network)",
            "客户端不发关闭帧就关闭了 TCP 连接（标签页被强行关闭，或网络断了）",
        ),
        vec![expect_dir("client", "diagnostic", Dir::C2s)],
    ));
    stages.push(server(
        vec![0],
        say(
            format!(
                "server reads end of stream with no close frame: it reports 1006, a code never \
                 sent on the wire ({}), frees the connection and closes its socket",
                cite::RFC6455_7_1_5
            ),
            format!(
                "服务器读到数据流结束却没有收到关闭帧：它报告 1006（这个关闭码从不在线路上发送，{}），\
                 释放连接并关闭套接字",
                cite::RFC6455_7_1_5
            ),
        ),
        vec![expect("client", "tcp_close")],
    ));
    stages
}

pub(super) fn ws_origin() -> Vec<Stage> {
    let [lab, other] = ORIGIN_CLIENTS;
    let (lab_zh, other_zh) = (lane_zh(lab), lane_zh(other));
    let mut stages = vec![
        connect(0, lab),
        client(
            0,
            Action::Handshake {
                path: ORIGIN_PATH.to_string(),
                origin: Some(Origin::Lab),
                key: Key::Fresh,
                outcome: HandshakeOutcome::Opens,
            },
            say(
                format!(
                    "{lab}: upgrade request GET {ORIGIN_PATH} with Origin: the lab's own origin"
                ),
                format!("{lab_zh}：升级请求 GET {ORIGIN_PATH}，Origin 是实验室自己的源"),
            ),
            vec![expect_dir(lab, "http_request", Dir::C2s)],
        ),
        server(
            vec![0],
            say(
                "server finds the origin on its allow-list: 101 Switching Protocols",
                "服务器在允许列表里找到了这个源：101 Switching Protocols",
            ),
            vec![expect_dir(lab, "http_response", Dir::S2c).status(101)],
        ),
        connect(1, other),
        client(
            1,
            Action::Handshake {
                path: ORIGIN_PATH.to_string(),
                origin: Some(Origin::Other(OTHER_ORIGIN)),
                key: Key::Fresh,
                outcome: HandshakeOutcome::Fails,
            },
            say(
                format!("{other}: upgrade request GET {ORIGIN_PATH} with Origin: {OTHER_ORIGIN}"),
                format!("{other_zh}：升级请求 GET {ORIGIN_PATH}，带有 Origin: {OTHER_ORIGIN}"),
            ),
            vec![expect_dir(other, "http_request", Dir::C2s)],
        ),
        server(
            vec![1],
            say(
                format!(
                    "server refuses a page of another site: 403 Forbidden ({}, {}); the browser \
                     fails the connection",
                    cite::RFC6455_4_2_2,
                    cite::RFC6455_10_2
                ),
                format!(
                    "服务器拒绝其他网站的页面：403 Forbidden（{}，{}）；浏览器判定连接失败",
                    cite::RFC6455_4_2_2,
                    cite::RFC6455_10_2
                ),
            ),
            vec![expect_dir(other, "http_response", Dir::S2c).status(403)],
        ),
    ];
    stages.extend(close_ws(0, lab, "bye"));
    stages
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::lab::scenario::CATALOGUE;

    /// The catalogue's one-line summaries are literals; they must say what the code does.
    #[test]
    fn summaries_agree_with_the_constants() {
        let summary = |name: &str| {
            CATALOGUE
                .iter()
                .find(|s| s.name == name)
                .unwrap()
                .summary
                .en
        };
        let too_big = summary("ws-too-big");
        assert!(
            too_big.contains(&format!("{TOO_BIG_LEN}-byte")),
            "{too_big}"
        );
        assert!(
            too_big.contains(&format!("{MESSAGE_LIMIT} bytes")),
            "{too_big}"
        );
        const { assert!(TOO_BIG_LEN > MESSAGE_LIMIT) };
        assert!(summary("ws-ping-timeout").contains("1011"));
        // The frame is what its name says: FIN + text, MASK clear, 15 bytes of payload.
        assert_eq!(UNMASKED_TEXT.first(), Some(&0x81));
        assert_eq!(UNMASKED_TEXT.get(1), Some(&15));
        assert_eq!(UNMASKED_TEXT.len(), 2 + 15);
    }
}
