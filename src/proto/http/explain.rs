//! Explanations of header fields and status codes (RFC 9110), for the detail pane.

use std::fmt;

use crate::lang::{Lang, Text};
use crate::proto::cite::{self, Cite};

/// One line explaining a header field or status code, in every language, and the sections it
/// rests on. Shown as `text (RFC 9110 §7.2)`, in Chinese `text（RFC 9110 §7.2）`; several
/// sections of one document as `(RFC 6455 §4.1, §11.3.4)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Explanation {
    /// What it means, without the citation.
    pub text: Text,
    /// Where that is written, in the order shown; empty when the text names its own source
    /// (a non-RFC document without sections, e.g. W3C Fetch Metadata).
    pub cites: &'static [Cite],
}

impl Explanation {
    const fn new(en: &'static str, zh: &'static str, cites: &'static [Cite]) -> Explanation {
        Explanation {
            text: Text { en, zh },
            cites,
        }
    }

    /// The explanation in `lang` followed by its citations.
    pub fn shown(&self, lang: Lang) -> String {
        let mut out = self.text.get(lang).to_string();
        let Some(first) = self.cites.first() else {
            return out;
        };
        let (open, close, sep) = match lang {
            Lang::En => (" (", ")", ", "),
            Lang::Zh => ("（", "）", "、"),
        };
        out.push_str(open);
        out.push_str(&first.to_string());
        let mut doc = first.doc();
        for c in self.cites.iter().skip(1) {
            out.push_str(sep);
            if c.doc() == doc {
                out.push_str(&c.section_ref());
            } else {
                out.push_str(&c.to_string());
                doc = c.doc();
            }
        }
        out.push_str(close);
        out
    }
}

/// English, as [`Explanation::shown`] writes it.
impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown(Lang::En))
    }
}

/// The explanation of a common header field, or `None` for headers not in the table.
/// The name is matched case-insensitively (field names are case-insensitive, RFC 9110 §5.1).
pub fn explain_header(name: &str) -> Option<Explanation> {
    HEADERS
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, explanation)| *explanation)
        .or_else(|| super::explain_added::explain_header(name))
}

/// Every header field name the tables explain (lowercase), for checks of the whole table.
pub fn explained_header_names() -> Vec<&'static str> {
    HEADERS
        .iter()
        .map(|(name, _)| *name)
        .chain(super::explain_added::header_names())
        .collect()
}

/// The header fields explained here, by lowercase name.
const HEADERS: &[(&str, Explanation)] = &[
    (
        "host",
        Explanation::new(
            "The host (and port) the request is for; required in every HTTP/1.1 request",
            "请求的目标主机（及端口）；每个 HTTP/1.1 请求都必须带上它",
            &[cite::RFC9110_7_2],
        ),
    ),
    (
        "upgrade",
        Explanation::new(
            "Asks to switch this connection to another protocol, e.g. websocket; the server names the one it switches to in a 101",
            "请求把这条连接切换到另一个协议，例如 websocket；服务器在 101 响应中指明它切换到的协议",
            &[cite::RFC9110_7_8],
        ),
    ),
    (
        "connection",
        Explanation::new(
            "Options for this connection only: \"Upgrade\" marks the Upgrade header as hop-by-hop; \"close\" ends the connection after the current exchange (sent by a client: after the response); \"keep-alive\" is the HTTP/1.0 way to ask for a persistent connection, the default in HTTP/1.1",
            "只针对这一条连接的选项：\"Upgrade\" 表示 Upgrade 首部是逐跳的；\"close\" 表示本次交换结束后关闭连接（客户端发送时：收到响应之后）；\"keep-alive\" 是 HTTP/1.0 请求持久连接的写法，HTTP/1.1 默认就是持久连接",
            &[cite::RFC9110_7_6_1, cite::RFC9112_9_6, cite::RFC9112_9_3],
        ),
    ),
    (
        "sec-websocket-key",
        Explanation::new(
            "Base64 of a random 16-byte nonce; the server's Accept derived from it proves the server read this WebSocket handshake. Not authentication or encryption, but it keeps a server or cache that does not speak WebSocket from being taken for one",
            "一个随机 16 字节 nonce 的 Base64 编码（24 个字符）；服务器据此算出的 Accept 证明它确实读懂了这次 WebSocket 握手。它不是身份认证，也不是加密，但能防止把不懂 WebSocket 的服务器或缓存误当成 WebSocket 服务器",
            &[cite::RFC6455_4_1, cite::RFC6455_1_3],
        ),
    ),
    (
        "sec-websocket-accept",
        Explanation::new(
            "base64(SHA-1(Sec-WebSocket-Key + \"258EAFA5-E914-47DA-95CA-C5AB0DC85B11\")): proves the server read this handshake, so a client is not fooled by a server, cache or HTML form/XHR exchange that is not WebSocket; not authentication or encryption",
            "base64(SHA-1(Sec-WebSocket-Key + \"258EAFA5-E914-47DA-95CA-C5AB0DC85B11\"))：证明服务器读懂了这次握手，使客户端不会被不懂 WebSocket 的服务器、缓存或 HTML 表单/XHR 交换所欺骗；它不是身份认证，也不是加密",
            &[cite::RFC6455_4_2_2, cite::RFC6455_1_3],
        ),
    ),
    (
        "sec-websocket-version",
        Explanation::new(
            "The WebSocket protocol version; 13 is the only one in use",
            "WebSocket 协议版本；目前只使用 13",
            &[cite::RFC6455_4_1],
        ),
    ),
    (
        "sec-websocket-protocol",
        Explanation::new(
            "Subprotocols the client offers, in preference order; the server picks at most one and echoes it",
            "客户端提供的子协议，按偏好排序；服务器最多选其中一个并原样返回",
            &[cite::RFC6455_4_1, cite::RFC6455_11_3_4],
        ),
    ),
    (
        "sec-websocket-extensions",
        Explanation::new(
            "Extensions offered by the client (e.g. permessage-deflate) and the ones the server accepts with their parameters",
            "客户端提供的扩展（例如 permessage-deflate），以及服务器接受的扩展和它们的参数",
            &[cite::RFC6455_9, cite::RFC7692_7],
        ),
    ),
    (
        "origin",
        Explanation::new(
            "The origin of the page that made the request; sent by browsers so the server can decide whether to accept a page from that origin",
            "发起请求的页面的源（origin）；浏览器发送它，以便服务器决定是否接受来自该源的页面",
            &[cite::RFC6455_10_2, cite::RFC6454_7],
        ),
    ),
    (
        "user-agent",
        Explanation::new(
            "Identifies the client software",
            "标识客户端软件",
            &[cite::RFC9110_10_1_5],
        ),
    ),
    (
        "content-type",
        Explanation::new(
            "The media type of the body, e.g. text/html; charset=utf-8 or text/event-stream",
            "消息体的媒体类型，例如 text/html; charset=utf-8 或 text/event-stream",
            &[cite::RFC9110_8_3],
        ),
    ),
    (
        "content-length",
        Explanation::new(
            "The body's length in bytes, as a decimal number",
            "消息体的长度，以字节为单位，十进制数",
            &[cite::RFC9110_8_6],
        ),
    ),
    (
        "transfer-encoding",
        Explanation::new(
            "Codings applied to the body for transfer; chunked sends it as length-prefixed chunks ending with a zero-size chunk",
            "为传输而施加在消息体上的编码；chunked 把消息体分成带长度前缀的块发送，以一个长度为 0 的块结束",
            &[cite::RFC9112_6_1, cite::RFC9112_7_1],
        ),
    ),
    (
        "cache-control",
        Explanation::new(
            "Caching directives, e.g. no-store: caches must not keep this message",
            "缓存指令，例如 no-store：缓存不得保存这条消息",
            &[cite::RFC9111_5_2],
        ),
    ),
    (
        "pragma",
        Explanation::new(
            "HTTP/1.0 caching directive; no-cache is kept for old caches, Cache-Control replaces it",
            "HTTP/1.0 的缓存指令；保留 no-cache 是为了兼容旧缓存，Cache-Control 取代了它",
            &[cite::RFC9111_5_4],
        ),
    ),
    (
        "accept",
        Explanation::new(
            "Media types the client accepts in the response, with optional q-weights",
            "客户端在响应中接受的媒体类型，可带 q 权重",
            &[cite::RFC9110_12_5_1],
        ),
    ),
    (
        "accept-encoding",
        Explanation::new(
            "Content codings the client can decode, e.g. gzip, br",
            "客户端能解码的内容编码，例如 gzip、br",
            &[cite::RFC9110_12_5_3],
        ),
    ),
    (
        "accept-language",
        Explanation::new(
            "Natural languages the client prefers, e.g. en-US,en;q=0.9",
            "客户端偏好的自然语言，例如 en-US,en;q=0.9",
            &[cite::RFC9110_12_5_4],
        ),
    ),
    (
        "cookie",
        Explanation::new(
            "Cookies the client stored for this server, sent back as name=value pairs",
            "客户端为这个服务器保存的 Cookie，以 name=value 对的形式发回",
            &[cite::RFC6265_5_4],
        ),
    ),
    (
        "set-cookie",
        Explanation::new(
            "Asks the client to store a cookie and send it back in later requests",
            "要求客户端保存一个 Cookie，并在之后的请求中发回",
            &[cite::RFC6265_4_1],
        ),
    ),
    (
        "date",
        Explanation::new(
            "When the message was generated, in IMF-fixdate form",
            "消息生成的时间，采用 IMF-fixdate 格式",
            &[cite::RFC9110_6_6_1],
        ),
    ),
    (
        "server",
        Explanation::new(
            "Identifies the server software",
            "标识服务器软件",
            &[cite::RFC9110_10_2_4],
        ),
    ),
    (
        "keep-alive",
        Explanation::new(
            "Non-standard hints (timeout, max) for keeping a persistent connection; HTTP/1.1 connections persist by default",
            "保持持久连接的非标准提示（timeout、max）；HTTP/1.1 连接默认就是持久的",
            &[cite::RFC9112_9_3],
        ),
    ),
    (
        "access-control-allow-origin",
        Explanation::new(
            "CORS: which origin may read this response from a script; * means any (Fetch standard)",
            "CORS：哪个源的脚本可以读取这个响应；* 表示任何源（Fetch 标准）",
            &[],
        ),
    ),
    (
        "last-event-id",
        Explanation::new(
            "Sent by EventSource when it reconnects: the id of the last server-sent event it received",
            "EventSource 重连时发送：它收到的最后一个服务器推送事件的 id",
            &[cite::WHATWGHTML_9_2_4],
        ),
    ),
    (
        "location",
        Explanation::new(
            "The URI to follow for a redirect (3xx) or the created resource (201)",
            "重定向（3xx）要跟随的 URI，或新建资源（201）的 URI",
            &[cite::RFC9110_10_2_2],
        ),
    ),
    (
        "content-encoding",
        Explanation::new(
            "Codings applied to the representation, e.g. gzip; the client decodes them",
            "施加在表示（representation）上的编码，例如 gzip；由客户端解码",
            &[cite::RFC9110_8_4],
        ),
    ),
    (
        "vary",
        Explanation::new(
            "Request headers that selected this response, for caches",
            "选出这个响应所依据的请求首部，供缓存使用",
            &[cite::RFC9110_12_5_5],
        ),
    ),
    (
        "etag",
        Explanation::new(
            "An opaque validator of this representation's version",
            "这个表示的版本的不透明验证器",
            &[cite::RFC9110_8_8_3],
        ),
    ),
    (
        "last-modified",
        Explanation::new(
            "When the origin believes the representation last changed",
            "源服务器认为该表示最后一次修改的时间",
            &[cite::RFC9110_8_8_2],
        ),
    ),
    (
        "if-none-match",
        Explanation::new(
            "Conditional request: for GET or HEAD, answer 304 if one of these ETags still matches (other methods: 412)",
            "条件请求：对 GET 或 HEAD，若其中某个 ETag 仍然匹配则回答 304（其他方法：412）",
            &[cite::RFC9110_13_1_2],
        ),
    ),
    (
        "if-modified-since",
        Explanation::new(
            "Conditional request (GET or HEAD): answer 304 if unchanged since this date",
            "条件请求（GET 或 HEAD）：若自该日期以来未修改则回答 304",
            &[cite::RFC9110_13_1_3],
        ),
    ),
    (
        "referer",
        Explanation::new(
            "The URI of the page the request came from",
            "发出请求的页面的 URI",
            &[cite::RFC9110_10_1_3],
        ),
    ),
    (
        "authorization",
        Explanation::new(
            "Credentials for the target resource",
            "访问目标资源的凭据",
            &[cite::RFC9110_11_6_2],
        ),
    ),
    (
        "expect",
        Explanation::new(
            "100-continue asks the server to confirm with 100 before the client sends the body",
            "100-continue 请求服务器先用 100 确认，客户端再发送消息体",
            &[cite::RFC9110_10_1_1],
        ),
    ),
    (
        "te",
        Explanation::new(
            "Transfer codings the client accepts in the response besides chunked, e.g. gzip;q=0.5; the keyword trailers is not a coding but says the client accepts trailer fields. A sender of TE must also list it in Connection",
            "客户端在响应中除 chunked 外还接受的传输编码，例如 gzip;q=0.5；关键字 trailers 不是一种编码，而是表示客户端接受尾部字段。发送 TE 的一方还必须在 Connection 中列出它",
            &[cite::RFC9110_10_1_4],
        ),
    ),
    (
        "allow",
        Explanation::new(
            "The methods the target resource supports",
            "目标资源支持的方法",
            &[cite::RFC9110_10_2_1],
        ),
    ),
    (
        "retry-after",
        Explanation::new(
            "How long to wait before retrying, e.g. after 503",
            "重试前要等待多久，例如在 503 之后",
            &[cite::RFC9110_10_2_3],
        ),
    ),
    (
        "sec-fetch-mode",
        Explanation::new(
            "Fetch metadata: the request's mode, e.g. websocket, cors, navigate",
            "Fetch 元数据：请求的模式，例如 websocket、cors、navigate",
            &[cite::W3CFETCHMETADATA_2_2],
        ),
    ),
    (
        "sec-fetch-site",
        Explanation::new(
            "Fetch metadata: how the requesting page's site relates to the target, e.g. same-origin",
            "Fetch 元数据：发起请求的页面所在站点与目标的关系，例如 same-origin",
            &[cite::W3CFETCHMETADATA_2_3],
        ),
    ),
    (
        "sec-fetch-dest",
        Explanation::new(
            "Fetch metadata: the request's destination, what the response will be used as, e.g. document, script, image, or empty (fetch(), and a WebSocket handshake: websocket is a mode, not a destination; Chromium sends no Sec-Fetch-* on its handshake at all)",
            "Fetch 元数据：请求的目的地，即响应将被用作什么，例如 document、script、image，或 empty（fetch() 以及 WebSocket 握手：websocket 是一种模式，不是目的地；Chromium 的握手根本不发送 Sec-Fetch-*）",
            &[cite::W3CFETCHMETADATA_2_1],
        ),
    ),
    (
        "x-accel-buffering",
        Explanation::new(
            "Nginx-specific: no disables proxy buffering, used for streaming responses such as SSE",
            "Nginx 专用：no 关闭代理缓冲，用于 SSE 等流式响应",
            &[],
        ),
    ),
];

/// What a status code means (RFC 9110 §15), with its section.
pub fn status_meaning(status: u16) -> Explanation {
    match status {
        100 => Explanation::new(
            "Continue: the client may send the request body",
            "Continue（继续）：客户端可以发送请求体",
            &[cite::RFC9110_15_2_1],
        ),
        101 => Explanation::new(
            "Switching Protocols: the server switches to the protocol in Upgrade",
            "Switching Protocols（切换协议）：服务器切换到 Upgrade 中指明的协议",
            &[cite::RFC9110_15_2_2],
        ),
        200 => Explanation::new(
            "OK: the request succeeded",
            "OK：请求成功",
            &[cite::RFC9110_15_3_1],
        ),
        201 => Explanation::new(
            "Created: a new resource was created",
            "Created（已创建）：创建了一个新资源",
            &[cite::RFC9110_15_3_2],
        ),
        202 => Explanation::new(
            "Accepted: the request was accepted for later processing",
            "Accepted（已接受）：请求已被接受，稍后处理",
            &[cite::RFC9110_15_3_3],
        ),
        204 => Explanation::new(
            "No Content: success, and the response has no body",
            "No Content（无内容）：成功，且响应没有消息体",
            &[cite::RFC9110_15_3_5],
        ),
        206 => Explanation::new(
            "Partial Content: the body is the requested range",
            "Partial Content（部分内容）：消息体是所请求的范围",
            &[cite::RFC9110_15_3_7],
        ),
        301 => Explanation::new(
            "Moved Permanently: the resource has a new permanent URI",
            "Moved Permanently（永久移动）：资源有了新的永久 URI",
            &[cite::RFC9110_15_4_2],
        ),
        302 => Explanation::new(
            "Found: the resource is temporarily at another URI",
            "Found（已找到）：资源暂时位于另一个 URI",
            &[cite::RFC9110_15_4_3],
        ),
        303 => Explanation::new(
            "See Other: fetch the result from another URI with GET",
            "See Other（查看其他）：用 GET 从另一个 URI 获取结果",
            &[cite::RFC9110_15_4_4],
        ),
        304 => Explanation::new(
            "Not Modified: the cached copy is still valid; no body",
            "Not Modified（未修改）：缓存的副本仍然有效；没有消息体",
            &[cite::RFC9110_15_4_5],
        ),
        307 => Explanation::new(
            "Temporary Redirect: repeat the request at another URI",
            "Temporary Redirect（临时重定向）：到另一个 URI 重复这个请求",
            &[cite::RFC9110_15_4_8],
        ),
        308 => Explanation::new(
            "Permanent Redirect: repeat the request at another URI from now on",
            "Permanent Redirect（永久重定向）：今后都到另一个 URI 重复这个请求",
            &[cite::RFC9110_15_4_9],
        ),
        400 => Explanation::new(
            "Bad Request: the server cannot process a malformed request",
            "Bad Request（错误请求）：服务器无法处理格式错误的请求",
            &[cite::RFC9110_15_5_1],
        ),
        401 => Explanation::new(
            "Unauthorized: valid credentials are needed",
            "Unauthorized（未授权）：需要有效的凭据",
            &[cite::RFC9110_15_5_2],
        ),
        403 => Explanation::new(
            "Forbidden: the server refuses the request",
            "Forbidden（禁止）：服务器拒绝这个请求",
            &[cite::RFC9110_15_5_4],
        ),
        404 => Explanation::new(
            "Not Found: no resource at this target",
            "Not Found（未找到）：这个目标没有资源",
            &[cite::RFC9110_15_5_5],
        ),
        405 => Explanation::new(
            "Method Not Allowed: the resource does not support this method",
            "Method Not Allowed（方法不允许）：资源不支持这个方法",
            &[cite::RFC9110_15_5_6],
        ),
        408 => Explanation::new(
            "Request Timeout: the request did not arrive in time",
            "Request Timeout（请求超时）：请求没有及时到达",
            &[cite::RFC9110_15_5_9],
        ),
        409 => Explanation::new(
            "Conflict: the request conflicts with the resource's state",
            "Conflict（冲突）：请求与资源的当前状态冲突",
            &[cite::RFC9110_15_5_10],
        ),
        411 => Explanation::new(
            "Length Required: the request needs a Content-Length",
            "Length Required（需要长度）：请求需要 Content-Length",
            &[cite::RFC9110_15_5_12],
        ),
        413 => Explanation::new(
            "Content Too Large: the request body is larger than the server accepts",
            "Content Too Large（内容过大）：请求体超过了服务器接受的大小",
            &[cite::RFC9110_15_5_14],
        ),
        414 => Explanation::new(
            "URI Too Long: the target is longer than the server accepts",
            "URI Too Long（URI 过长）：目标超过了服务器接受的长度",
            &[cite::RFC9110_15_5_15],
        ),
        415 => Explanation::new(
            "Unsupported Media Type: the body's format is not supported",
            "Unsupported Media Type（不支持的媒体类型）：不支持消息体的格式",
            &[cite::RFC9110_15_5_16],
        ),
        426 => Explanation::new(
            "Upgrade Required: the server refuses the request in the current protocol; it MUST send an Upgrade header naming the protocol(s) to switch to",
            "Upgrade Required（需要升级）：服务器拒绝用当前协议处理请求；它必须（MUST）发送 Upgrade 首部，指明要切换到的协议",
            &[cite::RFC9110_15_5_22],
        ),
        429 => Explanation::new(
            "Too Many Requests: rate limited",
            "Too Many Requests（请求过多）：被限流",
            &[cite::RFC6585_4],
        ),
        431 => Explanation::new(
            "Request Header Fields Too Large",
            "Request Header Fields Too Large（请求首部字段过大）",
            &[cite::RFC6585_5],
        ),
        500 => Explanation::new(
            "Internal Server Error: the server failed unexpectedly",
            "Internal Server Error（服务器内部错误）：服务器意外出错",
            &[cite::RFC9110_15_6_1],
        ),
        501 => Explanation::new(
            "Not Implemented: the server does not support this function",
            "Not Implemented（未实现）：服务器不支持这个功能",
            &[cite::RFC9110_15_6_2],
        ),
        502 => Explanation::new(
            "Bad Gateway: an upstream server sent an invalid response",
            "Bad Gateway（错误网关）：上游服务器发来了无效的响应",
            &[cite::RFC9110_15_6_3],
        ),
        503 => Explanation::new(
            "Service Unavailable: the server is overloaded or down for now",
            "Service Unavailable（服务不可用）：服务器暂时过载或停机",
            &[cite::RFC9110_15_6_4],
        ),
        504 => Explanation::new(
            "Gateway Timeout: an upstream server did not answer in time",
            "Gateway Timeout（网关超时）：上游服务器没有及时应答",
            &[cite::RFC9110_15_6_5],
        ),
        505 => Explanation::new(
            "HTTP Version Not Supported",
            "HTTP Version Not Supported（不支持的 HTTP 版本）",
            &[cite::RFC9110_15_6_6],
        ),
        // Codes without their own line: the class they belong to (RFC 9110 §15).
        // Added with issue 13, in explain_added.rs.
        406 | 410 | 412 | 416 | 417 | 421 | 422 => super::explain_added::status_meaning(status),
        _ => match status / 100 {
            1 => Explanation::new(
                "Informational: an interim response; the final one follows",
                "Informational（信息性）：临时响应；最终响应随后到来",
                &[cite::RFC9110_15_2],
            ),
            2 => Explanation::new(
                "Successful: the request was received, understood and accepted",
                "Successful（成功）：请求已被接收、理解并接受",
                &[cite::RFC9110_15_3],
            ),
            3 => Explanation::new(
                "Redirection: further action is needed to complete the request",
                "Redirection（重定向）：需要进一步操作才能完成请求",
                &[cite::RFC9110_15_4],
            ),
            4 => Explanation::new(
                "Client Error: the request is wrong or cannot be fulfilled",
                "Client Error（客户端错误）：请求有误或无法满足",
                &[cite::RFC9110_15_5],
            ),
            5 => Explanation::new(
                "Server Error: the server failed to fulfil a valid request",
                "Server Error（服务器错误）：服务器未能完成一个有效的请求",
                &[cite::RFC9110_15_6],
            ),
            _ => Explanation::new(
                "Not a valid status code: status codes are 100 to 599",
                "不是有效的状态码：状态码的范围是 100 到 599",
                &[cite::RFC9110_15],
            ),
        },
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
mod tests {
    use super::*;

    #[test]
    fn explanations() {
        assert!(
            explain_header("sec-websocket-key")
                .unwrap()
                .text
                .en
                .contains("16-byte nonce")
        );
        assert!(
            explain_header("ORIGIN")
                .unwrap()
                .to_string()
                .contains("RFC 6455 §10.2")
        );
        assert!(explain_header("X-Nothing").is_none());
        assert!(
            status_meaning(101)
                .text
                .en
                .starts_with("Switching Protocols")
        );
        assert!(status_meaning(426).text.en.contains("Upgrade Required"));
        assert!(status_meaning(299).text.en.starts_with("Successful"));
    }

    #[test]
    fn citations_of_one_document_are_grouped() {
        assert_eq!(
            explain_header("sec-websocket-protocol")
                .unwrap()
                .to_string(),
            "Subprotocols the client offers, in preference order; the server picks at most one and echoes it (RFC 6455 §4.1, §11.3.4)"
        );
        let connection = explain_header("connection").unwrap().to_string();
        assert!(
            connection.ends_with("(RFC 9110 §7.6.1, RFC 9112 §9.6, §9.3)"),
            "{connection}"
        );
        assert_eq!(
            status_meaning(426).to_string(),
            "Upgrade Required: the server refuses the request in the current protocol; it MUST send an Upgrade header naming the protocol(s) to switch to (RFC 9110 §15.5.22)"
        );
    }
}
