//! A diagnostic's message in the reader's language. The trace stores each diagnostic's message
//! in English and the same sentence in Chinese beside it (`message_zh`, `docs/trace-format.md`)
//! whenever the app knows it: the dissectors write both for every message with values in it
//! (bytes missing or skipped, sizes past a limit, a broken rule's values), and a broken rule's
//! fixed message takes its Chinese from the table here ([`violation_phrase`]). A trace without
//! `message_zh` (written before it existed, or by another writer) is read with the same table;
//! any other message is shown as stored, with its rule beside it in every language.

use std::borrow::Cow;

use crate::lang::{Lang, Phrase};
use crate::proto::rule::Violation;

/// A diagnostic's `message` (stored English) and `message_zh` (stored Chinese, if any) in
/// `lang`.
pub fn diagnostic_message<'a>(
    message: &'a str,
    message_zh: Option<&'a str>,
    lang: Lang,
) -> Cow<'a, str> {
    match (lang, message_zh) {
        (Lang::En, _) => Cow::Borrowed(message),
        (Lang::Zh, Some(zh)) => Cow::Borrowed(zh),
        (Lang::Zh, None) => zh(message).map_or(Cow::Borrowed(message), Cow::Owned),
    }
}

/// A broken rule's message in both languages: its own Chinese if it has one, else its English
/// as read here (a message this module does not know stays English in both, and the
/// diagnostic then has no `message_zh`).
pub fn violation_phrase(v: &Violation) -> Phrase {
    let zh = v
        .message_zh
        .clone()
        .or_else(|| zh(&v.message))
        .unwrap_or_else(|| v.message.clone());
    Phrase::new(v.message.clone(), zh)
}

/// The Chinese of a message this module knows, or `None`.
fn zh(message: &str) -> Option<String> {
    if let Some(text) = FIXED
        .iter()
        .find(|(en, _)| *en == message)
        .map(|(_, zh)| *zh)
    {
        return Some(text.to_string());
    }
    None
}

/// The messages without values, English as the dissector writes them and Chinese.
const FIXED: &[(&str, &str)] = &[
    (
        "client frame is not masked; a client MUST mask every frame it sends (the server MUST \
         close the connection, and MAY send close code 1002)",
        "客户端的帧没有掩码；客户端必须（MUST）对它发送的每一帧掩码（服务器必须关闭连接，并可以\
         发送关闭码 1002）",
    ),
    (
        "server frame is masked; a server MUST NOT mask frames it sends (the client MUST close \
         the connection, and MAY send close code 1002)",
        "服务器的帧做了掩码；服务器不得（MUST NOT）对它发送的帧掩码（客户端必须关闭连接，并可以\
         发送关闭码 1002）",
    ),
    (
        "RSV1 is set but no extension that defines it (e.g. permessage-deflate) was negotiated",
        "RSV1 置了 1，但没有协商定义它的扩展（例如 permessage-deflate）",
    ),
    (
        "RSV2 is set but no negotiated extension defines it",
        "RSV2 置了 1，但没有协商的扩展定义它",
    ),
    (
        "RSV3 is set but no negotiated extension defines it",
        "RSV3 置了 1，但没有协商的扩展定义它",
    ),
    (
        "continuation frame with no fragmented message in progress",
        "收到延续帧，但没有正在进行的分片消息",
    ),
    (
        "the request has no Sec-WebSocket-Key header",
        "请求没有 Sec-WebSocket-Key 首部",
    ),
    (
        "Sec-WebSocket-Key is not valid base64; it must be a base64-encoded 16-byte random nonce",
        "Sec-WebSocket-Key 不是合法的 base64；它必须是一个随机 16 字节 nonce 的 base64 编码",
    ),
    (
        "the request has no Sec-WebSocket-Version header (it must be 13)",
        "请求没有 Sec-WebSocket-Version 首部（它必须是 13）",
    ),
    (
        "the response has no Upgrade header; it must say \"Upgrade: websocket\"",
        "响应没有 Upgrade 首部；它必须写 \"Upgrade: websocket\"",
    ),
    (
        "the response's Connection header does not contain the token \"Upgrade\"",
        "响应的 Connection 首部不含 \"Upgrade\" 这个标记",
    ),
    (
        "the response has no Sec-WebSocket-Accept header",
        "响应没有 Sec-WebSocket-Accept 首部",
    ),
    (
        "close payload is 1 byte; a close body, if present, starts with a 2-byte status code",
        "关闭帧的载荷只有 1 字节；关闭帧的载荷如果有，必须以 2 字节的关闭码开头",
    ),
];

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may fail loudly
mod tests {
    use super::*;

    #[test]
    fn stored_messages_read_in_chinese() {
        let masked = FIXED[0].0;
        assert_eq!(diagnostic_message(masked, None, Lang::En), masked);
        assert!(diagnostic_message(masked, None, Lang::Zh).starts_with("客户端的帧没有掩码"));
        // The rules' own messages, as the header checks write them.
        let unmasked = crate::proto::ws::frame::parse_header(&[0xF1, 0x00])
            .unwrap()
            .unwrap();
        let client = crate::proto::ws::frame::check_header(
            &unmasked,
            crate::proto::Role::Client,
            crate::proto::ws::frame::Rsv1::Reserved,
        );
        let masked = crate::proto::ws::frame::parse_header(&[0x81, 0x80, 1, 2, 3, 4])
            .unwrap()
            .unwrap();
        let server = crate::proto::ws::frame::check_header(
            &masked,
            crate::proto::Role::Server,
            crate::proto::ws::frame::Rsv1::Reserved,
        );
        assert_eq!(client.len() + server.len(), 5, "{client:?} {server:?}");
        for v in client.iter().chain(&server) {
            let zh = violation_phrase(v).zh;
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{zh}"
            );
        }
        // Unknown: as stored.
        assert_eq!(
            diagnostic_message("something else", None, Lang::Zh),
            "something else"
        );
        // Stored in both: the stored Chinese.
        assert_eq!(
            diagnostic_message("3 bytes missing", Some("缺少 3 字节"), Lang::Zh),
            "缺少 3 字节"
        );
        assert_eq!(
            diagnostic_message("3 bytes missing", Some("缺少 3 字节"), Lang::En),
            "3 bytes missing"
        );
    }
}
