//! A diagnostic's message in the reader's language. The trace stores each diagnostic's message
//! in English and, for the messages the app writes with values in them (bytes missing, bytes
//! skipped, sizes past a limit), the same sentence in Chinese beside it (`message_zh`,
//! `docs/trace-format.md`). A message without its Chinese (a broken rule's own message, or a
//! trace written before `message_zh` existed) is read here: the messages a lab run or a failure
//! scenario produces are recognised whole or by their fixed parts around their values; any
//! other message is shown as stored, with its rule beside it in every language.

use std::borrow::Cow;

use crate::lang::Lang;

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

/// The Chinese of a message this module knows, or `None`.
fn zh(message: &str) -> Option<String> {
    if let Some(text) = FIXED
        .iter()
        .find(|(en, _)| *en == message)
        .map(|(_, zh)| *zh)
    {
        return Some(text.to_string());
    }
    // Messages with values: the fixed parts around them.
    if let Some((accept, expected)) = between(
        message,
        "Sec-WebSocket-Accept is ",
        " but base64(SHA-1(key + GUID)) is ",
    ) {
        return Some(format!(
            "Sec-WebSocket-Accept 是 {accept}，但 base64(SHA-1(key + GUID)) 是 {expected}"
        ));
    }
    if let Some(status) = message
        .strip_prefix("the server answered ")
        .and_then(|rest| {
            rest.strip_suffix(
                " instead of 101 Switching Protocols: the upgrade was refused and the connection \
             stays HTTP",
            )
        })
    {
        return Some(format!(
            "服务器回答的是 {status}，而不是 101 Switching Protocols：升级被拒绝，连接仍然是 HTTP"
        ));
    }
    if let Some(status) = message.strip_prefix("status is ").and_then(|rest| {
        rest.strip_suffix(
            ", not 101 Switching Protocols; the connection did not become a WebSocket",
        )
    }) {
        return Some(format!(
            "状态码是 {status}，不是 101 Switching Protocols；连接没有变成 WebSocket"
        ));
    }
    if let Some(op) =
        message.strip_suffix(" frame has FIN=0; control frames MUST NOT be fragmented")
    {
        return Some(format!("{op} 帧的 FIN=0；控制帧不得（MUST NOT）分片"));
    }
    if let Some((op, len)) = between(message, "", " frame payload is ") {
        let len = len.strip_suffix(" bytes; control frames carry at most 125")?;
        return Some(format!(
            "{op} 帧的载荷是 {len} 字节；控制帧的载荷最多 125 字节"
        ));
    }
    if let Some(rest) = message.strip_prefix("opcode ") {
        if let Some(x) = rest.strip_suffix(
            " is reserved for future non-control frames; the receiver MUST fail the connection",
        ) {
            return Some(format!(
                "opcode {x} 保留给将来的非控制帧；接收方必须（MUST）使连接失败"
            ));
        }
        if let Some(x) = rest.strip_suffix(
            " is reserved for future control frames; the receiver MUST fail the connection",
        ) {
            return Some(format!(
                "opcode {x} 保留给将来的控制帧；接收方必须（MUST）使连接失败"
            ));
        }
    }
    None
}

/// The two values of a message `{prefix}{first}{middle}{second}`.
fn between<'a>(message: &'a str, prefix: &str, middle: &str) -> Option<(&'a str, &'a str)> {
    message.strip_prefix(prefix)?.split_once(middle)
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
        assert_eq!(
            diagnostic_message(
                "Sec-WebSocket-Accept is \"a\" but base64(SHA-1(key + GUID)) is \"b\"",
                None,
                Lang::Zh
            ),
            "Sec-WebSocket-Accept 是 \"a\"，但 base64(SHA-1(key + GUID)) 是 \"b\""
        );
        assert_eq!(
            diagnostic_message(
                "ping frame has FIN=0; control frames MUST NOT be fragmented",
                None,
                Lang::Zh
            ),
            "ping 帧的 FIN=0；控制帧不得（MUST NOT）分片"
        );
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
            let zh = diagnostic_message(&v.message, None, Lang::Zh);
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
