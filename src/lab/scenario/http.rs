//! The plain HTTP scenarios beyond `http-get`: HTTP/1.0's one request per connection against
//! HTTP/1.1's persistent connection (RFC 9112 §9.3), and request bodies framed by
//! `Content-Length` or chunked (RFC 9112 §6).

use super::{
    Action, HttpVersion, RequestBody, RequestSpec, Stage, client, connect, expect, expect_dir,
    lane_zh, say, server,
};
use crate::lab::server::faults::UPLOAD_PATH;
use crate::proto::cite;
use crate::trace::Dir;

/// The lanes of `http-1.0`: one connection per request.
pub const HTTP10_CLIENTS: [&str; 3] = ["conn 1", "conn 2", "conn 3"];

/// The ordinal of request `n` (1-based), for labels.
fn nth(n: usize) -> &'static str {
    match n {
        1 => "1st",
        2 => "2nd",
        3 => "3rd",
        _ => "next",
    }
}

pub(super) fn http_1_0() -> Vec<Stage> {
    let mut stages = Vec::new();
    for (i, who) in HTTP10_CLIENTS.into_iter().enumerate() {
        let who_zh = lane_zh(who);
        stages.push(connect(i, who));
        stages.push(client(
            i,
            Action::Request(RequestSpec {
                method: "GET",
                path: "/hello".to_string(),
                version: HttpVersion::Http10,
                headers: vec![("Connection", "close")],
                websocket_key: false,
                body: RequestBody::Empty,
            }),
            say(
                format!(
                    "{who}: {} request GET /hello HTTP/1.0 (Connection: close), on a new TCP \
                     connection",
                    nth(i + 1)
                ),
                format!(
                    "{who_zh}：在新的 TCP 连接上发送第 {} 个请求 GET /hello HTTP/1.0（Connection: close）",
                    i + 1
                ),
            ),
            vec![expect_dir(who, "http_request", Dir::C2s)],
        ));
        stages.push(server(
            vec![i],
            say(
                format!(
                    "server answers 200 OK and closes the connection, as the client does once it \
                     has read the answer ({}): HTTP/1.0 without keep-alive is one request per \
                     connection ({})",
                    cite::RFC9112_9_6,
                    cite::RFC9112_9_3
                ),
                format!(
                    "服务器回应 200 OK 并关闭连接，客户端读完回应后也关闭（{}）：\
                     没有 keep-alive 的 HTTP/1.0 每个连接只发一个请求（{}）",
                    cite::RFC9112_9_6,
                    cite::RFC9112_9_3
                ),
            ),
            vec![
                expect_dir(who, "http_response", Dir::S2c).status(200),
                expect(who, "tcp_close"),
            ],
        ));
    }
    stages
}

pub(super) fn http_keep_alive() -> Vec<Stage> {
    let mut stages = vec![connect(0, "client")];
    for n in 1..=3 {
        let label = if n == 1 {
            say(
                "client: 1st request GET /hello HTTP/1.1",
                "客户端：第 1 个请求 GET /hello HTTP/1.1",
            )
        } else {
            say(
                format!(
                    "client: {} request GET /hello on the same connection: no new TCP handshake \
                     (HTTP/1.1 connections persist, {})",
                    nth(n),
                    cite::RFC9112_9_3
                ),
                format!(
                    "客户端：在同一个连接上发送第 {n} 个请求 GET /hello：没有新的 TCP 握手\
                     （HTTP/1.1 连接默认是持久的，{}）",
                    cite::RFC9112_9_3
                ),
            )
        };
        stages.push(client(
            0,
            Action::HttpGet {
                path: "/hello".to_string(),
            },
            label,
            vec![expect_dir("client", "http_request", Dir::C2s)],
        ));
        stages.push(server(
            vec![0],
            say(
                "server answers 200 OK and keeps the connection open",
                "服务器回应 200 OK，并保持连接打开",
            ),
            vec![expect_dir("client", "http_response", Dir::S2c).status(200)],
        ));
    }
    stages.push(client(
        0,
        Action::CloseTcp,
        say(
            "client closes the TCP connection (one handshake paid for three requests)",
            "客户端关闭 TCP 连接（三个请求只花了一次握手）",
        ),
        vec![expect("client", "tcp_close")],
    ));
    stages
}

/// The form `http-post` sends with `Content-Length`.
pub const FORM_BODY: &[u8] = b"name=wirelab&lesson=body+framing";

/// The chunks `http-post` sends with `Transfer-Encoding: chunked`.
pub const CHUNKS: [&[u8]; 3] = [b"first chunk, ", b"second chunk, ", b"and the last one."];

pub(super) fn http_post() -> Vec<Stage> {
    vec![
        connect(0, "client"),
        client(
            0,
            Action::Request(RequestSpec {
                method: "POST",
                path: UPLOAD_PATH.to_string(),
                version: HttpVersion::Http11,
                headers: vec![("Content-Type", "application/x-www-form-urlencoded")],
                websocket_key: false,
                body: RequestBody::Sized(FORM_BODY.to_vec()),
            }),
            say(
                format!(
                    "client: POST {UPLOAD_PATH} with a {} B form, framed by Content-Length ({})",
                    FORM_BODY.len(),
                    cite::RFC9110_8_6
                ),
                format!(
                    "客户端：POST {UPLOAD_PATH}，带一个 {} B 的表单，由 Content-Length 界定长度（{}）",
                    FORM_BODY.len(),
                    cite::RFC9110_8_6
                ),
            ),
            vec![expect_dir("client", "http_request", Dir::C2s)],
        ),
        server(
            vec![0],
            say(
                "server answers 200 OK: how many bytes it read",
                "服务器回应 200 OK：告诉客户端它读到了多少字节",
            ),
            vec![expect_dir("client", "http_response", Dir::S2c).status(200)],
        ),
        client(
            0,
            Action::Request(RequestSpec {
                method: "POST",
                path: UPLOAD_PATH.to_string(),
                version: HttpVersion::Http11,
                headers: vec![("Content-Type", "text/plain; charset=utf-8")],
                websocket_key: false,
                body: RequestBody::Chunked(CHUNKS.iter().map(|c| c.to_vec()).collect()),
            }),
            say(
                format!(
                    "client: POST {UPLOAD_PATH} with a body of unknown length: {} chunks and a \
                     zero-size last chunk (Transfer-Encoding: chunked, {})",
                    CHUNKS.len(),
                    cite::RFC9112_7_1
                ),
                format!(
                    "客户端：POST {UPLOAD_PATH}，消息体长度事先未知：{} 个数据块，最后是一个长度为 0 \
                     的块（Transfer-Encoding: chunked，{}）",
                    CHUNKS.len(),
                    cite::RFC9112_7_1
                ),
            ),
            vec![expect_dir("client", "http_request", Dir::C2s)],
        ),
        server(
            vec![0],
            say(
                "server answers 200 OK: how many bytes it read",
                "服务器回应 200 OK：告诉客户端它读到了多少字节",
            ),
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
