//! Scenarios that put a common mistake beside the evidence that corrects it: the mistyped
//! Key/Accept pair a popular article prints (`ws-sample-key`), and "different URLs share one
//! WebSocket connection" (`ws-two-urls`: two URLs, two TCP connections).

use tungstenite::Message;

use super::{
    Action, HandshakeOutcome, Key, Stage, client, close_ws, connect, expect, expect_dir, lane_zh,
    opcode, open_ws, say, server, ws,
};
use crate::proto::cite;
use crate::proto::ws::handshake::derive_accept;
use crate::trace::Dir;

/// RFC 6455 §1.3's sample `Sec-WebSocket-Key`: the base64 of the 16 bytes "the sample nonce".
pub const RFC_SAMPLE_KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";

/// The `Sec-WebSocket-Accept` RFC 6455 §1.3 prints for [`RFC_SAMPLE_KEY`].
pub const RFC_SAMPLE_ACCEPT: &str = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

/// The key a popular article prints for the RFC's example: one letter differs (`bx` where
/// the RFC has `bX`), so it is another key (still 16 bytes once decoded).
pub const SEED_KEY: &str = "dGhlIHNhbxBsZSBub25jZQ==";

/// The Accept the same article prints beside [`SEED_KEY`]: the RFC's value with the case of
/// two letters changed, which neither key gives.
pub const SEED_ACCEPT: &str = "S3pPLMBiTxaQ9kYGzzhZRbk+xOo=";

/// The lanes of `ws-sample-key`.
pub const SAMPLE_KEY_CLIENTS: [&str; 2] = ["rfc-key", "seed-key"];

/// The lanes of `ws-two-urls`: one page, one WebSocket per URL.
pub const TWO_URLS_CLIENTS: [&str; 2] = ["page /echo", "page /chat"];

/// The path both `ws-sample-key` handshakes ask for.
const ECHO_PATH: &str = "/echo";

/// Connect, the handshake with `key`, the server's 101 (whose Accept the caption gives,
/// computed here from the key as the server computes it).
fn keyed_handshake(
    i: usize,
    who: &str,
    key: &'static str,
    story: [(String, String); 2],
) -> [Stage; 3] {
    let [(ask_en, ask_zh), (answer_en, answer_zh)] = story;
    let who_zh = lane_zh(who);
    [
        connect(i, who),
        client(
            i,
            Action::Handshake {
                path: ECHO_PATH.to_string(),
                origin: None,
                key: Key::Fixed(key),
                outcome: HandshakeOutcome::Opens,
            },
            say(
                format!(
                    "{who}: upgrade request GET {ECHO_PATH} with Sec-WebSocket-Key: {key}, {ask_en}"
                ),
                format!(
                    "{who_zh}：升级请求 GET {ECHO_PATH}，带 Sec-WebSocket-Key: {key}，{ask_zh}"
                ),
            ),
            vec![expect_dir(who, "http_request", Dir::C2s).header("Sec-WebSocket-Key")],
        ),
        server(
            vec![i],
            say(
                format!(
                    "server answers 101 with Sec-WebSocket-Accept: {} = base64(SHA-1(key + GUID)) \
                     ({}): {answer_en}",
                    derive_accept(key).accept,
                    cite::RFC6455_4_2_2
                ),
                format!(
                    "服务器回应 101，Sec-WebSocket-Accept: {} = base64(SHA-1(密钥 + GUID))（{}）：\
                     {answer_zh}",
                    derive_accept(key).accept,
                    cite::RFC6455_4_2_2
                ),
            ),
            vec![
                expect_dir(who, "http_response", Dir::S2c)
                    .status(101)
                    .header("Sec-WebSocket-Accept"),
                expect(who, "ws_upgrade_check"),
            ],
        ),
    ]
}

pub(super) fn ws_sample_key() -> Vec<Stage> {
    let [rfc, seed] = SAMPLE_KEY_CLIENTS;
    let mut stages = Vec::new();
    stages.extend(keyed_handshake(
        0,
        rfc,
        RFC_SAMPLE_KEY,
        [
            (
                format!(
                    "the sample key of {} (the base64 of the 16 bytes \"the sample nonce\"; a \
                     real client sends a fresh random one every time, {})",
                    cite::RFC6455_1_3,
                    cite::RFC6455_4_1
                ),
                format!(
                    "即 {} 的示例密钥（16 个字节 \"the sample nonce\" 的 base64；真正的客户端每次都要\
                     发送一个新的随机值，{}）",
                    cite::RFC6455_1_3,
                    cite::RFC6455_4_1
                ),
            ),
            (
                format!(
                    "the value {} prints, computed live from this key",
                    cite::RFC6455_1_3
                ),
                format!("正是 {} 给出的值，由这个密钥现场算出", cite::RFC6455_1_3),
            ),
        ],
    ));
    stages.extend(keyed_handshake(
        1,
        seed,
        SEED_KEY,
        [
            (
                "the key a popular article prints for the same example: \"bx\" where the RFC \
                 has \"bX\", so it is another key"
                    .to_string(),
                "即一份流行的网上资料为同一个例子写出的密钥：RFC 里是 \"bX\"，这里成了 \"bx\"，所以这是另一个密钥"
                    .to_string(),
            ),
            (
                format!(
                    "another key gives another Accept; the article's {SEED_ACCEPT} is the RFC's \
                     {RFC_SAMPLE_ACCEPT} with two letters' case changed, and neither key gives it"
                ),
                format!(
                    "密钥不同，Accept 就不同；资料里的 {SEED_ACCEPT} 只是把 RFC 的 \
                     {RFC_SAMPLE_ACCEPT} 改了两个字符的大小写，两个密钥都算不出它"
                ),
            ),
        ],
    ));
    stages.extend(close_ws(0, rfc, "bye"));
    stages.extend(close_ws(1, seed, "bye"));
    stages
}

pub(super) fn ws_two_urls() -> Vec<Stage> {
    let [echo, chat] = TWO_URLS_CLIENTS;
    let mut stages = open_ws(0, echo, "/echo", &[]);
    let mut chat_open = open_ws(1, chat, "/chat", &[]);
    // The second URL's connect says why there is a second connection.
    if let Some(first) = chat_open.first_mut() {
        let chat_zh = lane_zh(chat);
        first.label = say(
            format!(
                "{chat}: TCP connect: a second WebSocket, so a second TCP connection (each \
                 opening handshake names one resource, {})",
                cite::RFC6455_4_1
            ),
            format!(
                "{chat_zh}：TCP 连接：第二个 WebSocket，所以是第二个 TCP 连接（每次开放握手只指明一个资源，{}）",
                cite::RFC6455_4_1
            ),
        );
    }
    stages.extend(chat_open);
    for (i, who, text, answer) in [
        (
            0,
            echo,
            "hello /echo",
            ("server echoes it", "服务器原样回显"),
        ),
        (
            1,
            chat,
            "hello /chat",
            (
                "server relays it to the chat room (only this connection is in it)",
                "服务器把它转发给聊天室（聊天室里只有这一个连接）",
            ),
        ),
    ] {
        let who_zh = lane_zh(who);
        stages.push(client(
            i,
            Action::Send(Message::text(text)),
            say(
                format!("{who}: send text \"{text}\" on its own connection"),
                format!("{who_zh}：在自己的连接上发送文本 \"{text}\""),
            ),
            vec![ws(who, Dir::C2s, opcode::TEXT)],
        ));
        stages.push(server(
            vec![i],
            say(answer.0, answer.1),
            vec![ws(who, Dir::S2c, opcode::TEXT)],
        ));
    }
    stages.extend(close_ws(0, echo, "bye"));
    stages.extend(close_ws(1, chat, "bye"));
    stages
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The constants are what their names say (the test computes nothing with the code it checks
    /// but the derivation, which the RFC's vector pins).
    #[test]
    fn the_keys_and_accepts_are_the_documented_ones() {
        assert_eq!(derive_accept(RFC_SAMPLE_KEY).accept, RFC_SAMPLE_ACCEPT);
        assert_ne!(derive_accept(SEED_KEY).accept, SEED_ACCEPT);
        assert_ne!(derive_accept(SEED_KEY).accept, RFC_SAMPLE_ACCEPT);
        let differ = |a: &str, b: &str| a.bytes().zip(b.bytes()).filter(|(x, y)| x != y).count();
        assert_eq!(differ(RFC_SAMPLE_KEY, SEED_KEY), 1);
        assert_eq!(differ(RFC_SAMPLE_ACCEPT, SEED_ACCEPT), 2);
        assert!(RFC_SAMPLE_ACCEPT.eq_ignore_ascii_case(SEED_ACCEPT));
    }
}
