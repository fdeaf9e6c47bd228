//! Notes for the ways a WebSocket connection fails or is refused (RFC 6455): what each
//! failure close code says (§7.4.1) and which rule it goes with, a handshake refused with 400
//! (§4.2.1) or 403 (§4.2.2, §10.2), an accept value computed without the GUID, and 1006, the
//! code reported for a connection that ended without a close frame and never sent (§7.1.5).

use crate::lang::Lang;
use crate::proto::cite;
use crate::proto::http::Headers;
use crate::trace::{Dir, Event, EventKind};

/// The reason the lab's heartbeat gives when it closes for a missing pong.
const PING_TIMEOUT_REASON: &str = "ping timeout";

/// The note for an event in this module's scope that needs no earlier event, in `lang`, or
/// `None`.
pub(super) fn note(kind: &EventKind, lang: Lang) -> Option<String> {
    match kind {
        EventKind::Diagnostic {
            rule: Some(rule), ..
        } if *rule == cite::RFC6455_7_1_5.to_string() => Some(match lang {
            Lang::En => format!(
                "1006 (Abnormal Closure) is the code a WebSocket implementation reports to its \
                 application, e.g. in the browser's close event, when the connection closed \
                 without a close frame. It is never sent in a close frame: nothing on the wire \
                 says 1006 ({}, {}).",
                cite::RFC6455_7_1_5,
                cite::RFC6455_7_4_1
            ),
            Lang::Zh => format!(
                "1006（Abnormal Closure）是连接在没有关闭帧的情况下断开时，WebSocket 实现报告给应用\
                 的关闭码，例如浏览器的 close 事件中。它从不在关闭帧中发送：线路上没有任何东西写着 \
                 1006（{}、{}）。",
                cite::RFC6455_7_1_5,
                cite::RFC6455_7_4_1
            ),
        }),
        EventKind::WsUpgradeCheck {
            key,
            accept: Some(accept),
            valid: false,
            ..
        } if *accept == without_guid(key) => Some(match lang {
            Lang::En => format!(
                "Here the server's value is base64(SHA-1(key)) with the GUID left out: the \
                 server skipped a step of the derivation ({}). The client MUST fail the \
                 WebSocket connection ({}): the connection was never established, so it sends \
                 no close frame and no data, and closes the TCP connection ({}).",
                cite::RFC6455_4_2_2,
                cite::RFC6455_4_1,
                cite::RFC6455_7_1_7
            ),
            Lang::Zh => format!(
                "这里服务器的值是 base64(SHA-1(key))，漏掉了 GUID：服务器跳过了推导中的一步（{}）。\
                 客户端必须（MUST）使 WebSocket 连接失败（{}）：连接从未建立，所以它不发送关闭帧，\
                 也不发送数据，直接关闭 TCP 连接（{}）。",
                cite::RFC6455_4_2_2,
                cite::RFC6455_4_1,
                cite::RFC6455_7_1_7
            ),
        }),
        _ => None,
    }
}

/// What a close frame's code says about a failure, in `lang`, to go before the general close
/// note; `None` for the codes of an ordinary close.
pub(super) fn close_code(code: u16, reason: Option<&str>, lang: Lang) -> Option<String> {
    Some(match (code, lang) {
        (1002, Lang::En) => format!(
            "1002 (Protocol Error): the sender is failing the connection because the other side \
             broke a framing rule. One such rule: a server MUST close the connection on a client \
             frame that is not masked, and MAY say so with 1002 ({}, {}).",
            cite::RFC6455_5_1,
            cite::RFC6455_7_4_1
        ),
        (1002, Lang::Zh) => format!(
            "1002（Protocol Error）：发送方正在使连接失败，因为另一方违反了分帧规则。例如：服务器\
             收到没有掩码的客户端帧时必须（MUST）关闭连接，并可以（MAY）用 1002 说明（{}、{}）。",
            cite::RFC6455_5_1,
            cite::RFC6455_7_4_1
        ),
        (1007, Lang::En) => format!(
            "1007 (Invalid Frame Payload Data): the sender received data inconsistent with the \
             message's type, such as text that is not UTF-8; an endpoint that finds invalid \
             UTF-8 MUST fail the connection ({}, {}).",
            cite::RFC6455_8_1,
            cite::RFC6455_7_4_1
        ),
        (1007, Lang::Zh) => format!(
            "1007（Invalid Frame Payload Data）：发送方收到的数据与消息类型不符，例如不是 UTF-8 \
             的文本；发现不合法 UTF-8 的一端必须（MUST）使连接失败（{}、{}）。",
            cite::RFC6455_8_1,
            cite::RFC6455_7_4_1
        ),
        (1009, Lang::En) => format!(
            "1009 (Message Too Big): the sender received a message too big for it to process \
             ({}). RFC 6455 sets no size limit of its own: each implementation protects its own \
             limits ({}), so the same message may be fine for another receiver.",
            cite::RFC6455_7_4_1,
            cite::RFC6455_10_4
        ),
        (1009, Lang::Zh) => format!(
            "1009（Message Too Big）：发送方收到的消息太大，无法处理（{}）。RFC 6455 本身没有规定\
             大小上限：每个实现自己设限来保护自己（{}），所以同一条消息换一个接收方可能没问题。",
            cite::RFC6455_7_4_1,
            cite::RFC6455_10_4
        ),
        (1011, Lang::En) if reason == Some(PING_TIMEOUT_REASON) => format!(
            "1011 (Internal Error), the lab heartbeat's choice when no pong came in time. RFC \
             6455 gives a ping two uses, a keepalive and a check that the peer still answers, \
             and requires a pong in answer ({}), but defines no timeout and no close code for \
             one; 1011 says an unexpected condition kept the sender from fulfilling the request \
             ({}). The server then fails the connection: it closes TCP without waiting for a \
             close reply that an unresponsive peer would not send ({}).",
            cite::RFC6455_5_5_2,
            cite::RFC6455_7_4_1,
            cite::RFC6455_7_1_7
        ),
        (1011, Lang::Zh) if reason == Some(PING_TIMEOUT_REASON) => format!(
            "1011（Internal Error），这是实验心跳在没有及时收到 pong 时的选择。RFC 6455 给了 ping \
             两种用途：保活，以及检查对端是否仍在响应，并要求对端回 pong（{}），但没有规定超时时间，\
             也没有为此规定关闭码；1011 表示意外情况使发送方无法完成请求（{}）。随后服务器使连接\
             失败：它直接关闭 TCP，不再等待一个无响应的对端不会发来的关闭回应（{}）。",
            cite::RFC6455_5_5_2,
            cite::RFC6455_7_4_1,
            cite::RFC6455_7_1_7
        ),
        (1011, Lang::En) => format!(
            "1011 (Internal Error): the sender met an unexpected condition that kept it from \
             fulfilling the request ({}).",
            cite::RFC6455_7_4_1
        ),
        (1011, Lang::Zh) => format!(
            "1011（Internal Error）：发送方遇到意外情况，无法完成请求（{}）。",
            cite::RFC6455_7_4_1
        ),
        _ => return None,
    })
}

/// The note for a refused handshake, in `lang`, which needs the request it answers (in
/// `before`).
pub(super) fn note_in(before: &[Event], event: &Event, lang: Lang) -> Option<String> {
    let EventKind::HttpResponse { status, .. } = &event.kind else {
        return None;
    };
    if !matches!(status, 400 | 403) || event.dir != Some(Dir::S2c) {
        return None;
    }
    let conn = event.conn?;
    let headers = before.iter().rev().find_map(|e| match &e.kind {
        EventKind::HttpRequest { headers, .. } if e.conn == Some(conn) => Some(headers),
        _ => None,
    })?;
    let request = Headers::new(headers);
    let handshake_like = request.get("sec-websocket-key").is_some()
        || request.get("sec-websocket-version").is_some()
        || request.contains("upgrade", "websocket");
    if !handshake_like {
        return None;
    }
    if *status == 403 {
        let origin = request.get("origin");
        return Some(match lang {
            Lang::En => format!(
                "403 Forbidden to a WebSocket handshake: the server does not want this \
                 connection, and a server that does not MUST answer with an HTTP error such as \
                 403 and abort the handshake, e.g. after checking the page's origin ({}).{} \
                 Origin exists so that servers can refuse pages of other sites: a browser sends \
                 the origin of the script that opens the connection and the script cannot \
                 change it. A non-browser client can send any Origin, so the check protects \
                 against pages in browsers, not against other clients ({}).",
                cite::RFC6455_4_2_2,
                origin.map_or(String::new(), |o| format!(
                    " The request came from a page of {o}."
                )),
                cite::RFC6455_10_2
            ),
            Lang::Zh => format!(
                "对 WebSocket 握手的 403 Forbidden：服务器不想接受这条连接，而不想接受的服务器必须\
                 （MUST）用 403 之类的 HTTP 错误应答并中止握手，例如在检查页面的源之后（{}）。{}\
                 Origin 的存在就是为了让服务器能拒绝其他网站的页面：浏览器发送打开连接的脚本所在的\
                 源，脚本无法修改它。非浏览器客户端可以发送任意 Origin，所以这项检查防的是浏览器\
                 中的页面，而不是其他客户端（{}）。",
                cite::RFC6455_4_2_2,
                origin.map_or(String::new(), |o| format!("这个请求来自 {o} 的页面。")),
                cite::RFC6455_10_2
            ),
        });
    }
    let missing: Vec<&str> = [
        (!request.contains("upgrade", "websocket")).then_some("Upgrade: websocket"),
        (!request.contains("connection", "upgrade")).then_some("Connection: Upgrade"),
        request
            .get("sec-websocket-key")
            .is_none()
            .then_some("Sec-WebSocket-Key"),
        request
            .get("sec-websocket-version")
            .is_none()
            .then_some("Sec-WebSocket-Version"),
    ]
    .into_iter()
    .flatten()
    .collect();
    Some(match (missing.is_empty(), lang) {
        (true, Lang::En) => format!(
            "400 Bad Request to a WebSocket handshake: it does not match what a handshake must \
             carry, so the server stops processing it and answers with an error such as 400 \
             ({}). No switch took place: the connection is still HTTP and may carry more \
             requests.",
            cite::RFC6455_4_2_1
        ),
        (false, Lang::En) => format!(
            "400 Bad Request to a WebSocket handshake: it lacks {}, so the server stops \
             processing it and answers with an error such as 400 ({}). No switch took place: \
             the connection is still HTTP and may carry more requests.",
            missing.join(", "),
            cite::RFC6455_4_2_1
        ),
        (true, Lang::Zh) => format!(
            "对 WebSocket 握手的 400 Bad Request：请求不符合握手必须携带的内容，所以服务器停止处理，\
             用 400 之类的错误应答（{}）。协议没有切换：连接仍然是 HTTP，还可以承载更多请求。",
            cite::RFC6455_4_2_1
        ),
        (false, Lang::Zh) => format!(
            "对 WebSocket 握手的 400 Bad Request：请求缺少 {}，所以服务器停止处理，用 400 之类的\
             错误应答（{}）。协议没有切换：连接仍然是 HTTP，还可以承载更多请求。",
            missing.join("、"),
            cite::RFC6455_4_2_1
        ),
    })
}

/// base64(SHA-1(key)), the accept value without the GUID.
fn without_guid(key: &str) -> String {
    use base64::Engine as _;
    use sha1::Digest as _;
    base64::engine::general_purpose::STANDARD.encode(sha1::Sha1::digest(key.trim().as_bytes()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::proto::ws::handshake;

    #[test]
    fn the_guid_slip_is_recognised() {
        let key = "dGhlIHNhbXBsZSBub25jZQ==";
        let wrong = without_guid(key);
        assert_ne!(wrong, handshake::derive_accept(key).accept);
        let check = EventKind::WsUpgradeCheck {
            key: key.into(),
            expected_accept: handshake::derive_accept(key).accept,
            accept: Some(wrong),
            valid: false,
            protocol: None,
        };
        let n = note(&check, crate::lang::Lang::En).unwrap();
        assert!(n.contains("GUID left out"), "{n}");
        assert!(n.contains("sends no close frame"), "{n}");
    }

    #[test]
    fn only_failure_codes_get_a_failure_note() {
        assert!(close_code(1000, None, crate::lang::Lang::En).is_none());
        assert!(
            close_code(1002, None, crate::lang::Lang::En)
                .unwrap()
                .contains("masked")
        );
        assert!(
            close_code(1007, None, crate::lang::Lang::En)
                .unwrap()
                .contains("UTF-8")
        );
        assert!(
            close_code(1009, None, crate::lang::Lang::En)
                .unwrap()
                .contains("its own")
        );
        let timeout = close_code(1011, Some(PING_TIMEOUT_REASON), crate::lang::Lang::En).unwrap();
        assert!(timeout.contains("no timeout"), "{timeout}");
        assert!(
            !close_code(1011, None, crate::lang::Lang::En)
                .unwrap()
                .contains("heartbeat")
        );
    }
}
