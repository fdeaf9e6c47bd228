//! Explanations of header fields and status codes seen in real captures that the first table
//! lacked (issue 13), each with its citations from [`cite`]. Looked up by `explain.rs` after
//! its own table; kept in their own file while that table is converted to the citation table,
//! to be folded into it afterwards.

use crate::lang::Text;
use crate::proto::cite::{self, Cite};

/// One explanation: what it says (in English, `text`, and Chinese, `zh`) and the sections that say so (none for documents without
/// numbered sections in the table).
struct Explanation<K: 'static> {
    key: K,
    text: &'static str,
    zh: &'static str,
    cites: &'static [Cite],
}

const HEADERS: &[Explanation<&str>] = &[
    Explanation {
        key: "sec-ch-ua",
        text: "User-Agent Client Hints: the browser's brands with their significant versions, as \
               a Structured Fields list, e.g. \"Chromium\";v=\"120\"; a made-up brand (GREASE) is \
               mixed in so that servers do not depend on the exact list. Chromium-based browsers \
               send it with Sec-CH-UA-Mobile and Sec-CH-UA-Platform by default to secure origins \
               (https, localhost); a server asks for more hints with Accept-CH (WICG User-Agent \
               Client Hints)",
        zh: "User-Agent Client Hints：浏览器的品牌及其主要版本号，是一个 Structured Fields 列表，例如 \"Chromium\";v=\"120\"；其中混入一个虚构的品牌（GREASE），使服务器不依赖确切的列表。基于 Chromium 的浏览器默认向安全的源（https、localhost）发送它以及 Sec-CH-UA-Mobile 和 Sec-CH-UA-Platform；服务器用 Accept-CH 请求更多提示（WICG User-Agent Client Hints）",
        cites: &[cite::RFC8942_3_1],
    },
    Explanation {
        key: "sec-ch-ua-mobile",
        text: "User-Agent Client Hints: ?1 if the browser prefers a mobile user experience, ?0 if \
               not (a Structured Fields boolean); sent by default by Chromium-based browsers \
               (WICG User-Agent Client Hints)",
        zh: "User-Agent Client Hints：浏览器偏好移动端体验时为 ?1，否则为 ?0（Structured Fields 布尔值）；基于 Chromium 的浏览器默认发送（WICG User-Agent Client Hints）",
        cites: &[],
    },
    Explanation {
        key: "sec-ch-ua-platform",
        text: "User-Agent Client Hints: the platform the browser runs on, e.g. \"Linux\", \
               \"Windows\", \"macOS\"; sent by default by Chromium-based browsers (WICG \
               User-Agent Client Hints)",
        zh: "User-Agent Client Hints：浏览器运行的平台，例如 \"Linux\"、\"Windows\"、\"macOS\"；基于 Chromium 的浏览器默认发送（WICG User-Agent Client Hints）",
        cites: &[],
    },
    Explanation {
        key: "upgrade-insecure-requests",
        text: "1: the browser prefers an encrypted and authenticated response, and would follow \
               a redirect to https; browsers send it on navigations (W3C Upgrade Insecure \
               Requests)",
        zh: "1：浏览器偏好加密且经过认证的响应，并会跟随重定向到 https；浏览器在页面导航时发送它（W3C Upgrade Insecure Requests）",
        cites: &[],
    },
    Explanation {
        key: "sec-fetch-user",
        text: "Fetch metadata: ?1 when the user activated this navigation (a click, a key press); \
               otherwise the header is left out, it is never ?0",
        zh: "Fetch 元数据：用户激活了这次导航（点击、按键）时为 ?1；否则不发送这个首部，它从不为 ?0",
        cites: &[cite::W3CFETCHMETADATA_2_4],
    },
    Explanation {
        key: "www-authenticate",
        text: "The authentication challenge(s) the resource accepts, e.g. Basic realm=\"lab\"; a \
               401 response must carry at least one, and the client retries with an \
               Authorization header",
        zh: "资源接受的认证质询，例如 Basic realm=\"lab\"；401 响应必须至少带一个，客户端随后带上 Authorization 首部重试",
        cites: &[cite::RFC9110_11_6_1],
    },
    Explanation {
        key: "trailer",
        text: "Names the fields the sender means to send after the body, in the trailer section \
               (in HTTP/1.1 after the last chunk of a chunked body), e.g. a checksum computed \
               while sending",
        zh: "列出发送方打算在消息体之后、在尾部（trailer）中发送的字段（HTTP/1.1 中位于 chunked 消息体的最后一块之后），例如发送过程中计算的校验和",
        cites: &[cite::RFC9110_6_6_2],
    },
    Explanation {
        key: "content-range",
        text: "Which part of the whole representation this body is, e.g. bytes 0-499/1234 in a \
               206; in a 416, bytes */1234 gives the current length",
        zh: "这个消息体是整个表示中的哪一部分，例如 206 中的 bytes 0-499/1234；在 416 中，bytes */1234 给出当前长度",
        cites: &[cite::RFC9110_14_4],
    },
    Explanation {
        key: "accept-ranges",
        text: "Range units the server supports for this resource: bytes means a client may ask \
               for part of it with a Range header, none advises it not to",
        zh: "服务器对这个资源支持的范围单位：bytes 表示客户端可以用 Range 首部请求其中一部分，none 建议不要这样做",
        cites: &[cite::RFC9110_14_3],
    },
    Explanation {
        key: "expires",
        text: "The date after which the response is stale; a Cache-Control max-age overrides it, \
               and an invalid date such as 0 means already expired",
        zh: "响应过期的时间；Cache-Control 的 max-age 优先于它，无效的日期（例如 0）表示已经过期",
        cites: &[cite::RFC9111_5_3],
    },
    Explanation {
        key: "age",
        text: "Seconds since the origin server generated or validated this response, as the \
               cache that sent it estimates; its presence means the response came from a cache",
        zh: "自源服务器生成或验证这个响应以来的秒数，由发送它的缓存估算；有这个首部说明响应来自缓存",
        cites: &[cite::RFC9111_5_1],
    },
];

const STATUSES: &[Explanation<u16>] = &[
    Explanation {
        key: 406,
        text: "Not Acceptable: no representation of the resource matches what the request's \
               Accept headers allow, and the server will not send a default",
        zh: "Not Acceptable（不可接受）：资源没有任何表示符合请求的 Accept 系列首部，而服务器也不愿发送默认的表示",
        cites: &[cite::RFC9110_15_5_7],
    },
    Explanation {
        key: 410,
        text: "Gone: the resource is no longer available here, likely for good (unlike 404)",
        zh: "Gone（已删除）：资源在这里已不可用，很可能是永久的（不同于 404）",
        cites: &[cite::RFC9110_15_5_11],
    },
    Explanation {
        key: 412,
        text: "Precondition Failed: a condition in the request's headers (If-Match, \
               If-Unmodified-Since) was false, so the method was not applied",
        zh: "Precondition Failed（前提条件失败）：请求首部中的条件（If-Match、If-Unmodified-Since）为假，因此没有执行该方法",
        cites: &[cite::RFC9110_15_5_13],
    },
    Explanation {
        key: 416,
        text: "Range Not Satisfiable: none of the requested ranges can be served (or too many \
               small or overlapping ones were asked for); Content-Range: bytes */length should \
               give the current length",
        zh: "Range Not Satisfiable（范围无法满足）：所请求的范围都无法提供（或请求了太多很小或重叠的范围）；应当用 Content-Range: bytes */length 给出当前长度",
        cites: &[cite::RFC9110_15_5_17],
    },
    Explanation {
        key: 417,
        text: "Expectation Failed: the request's Expect header (e.g. 100-continue) could not be \
               met by a server on the way",
        zh: "Expectation Failed（期望失败）：途中的某个服务器无法满足请求的 Expect 首部（例如 100-continue）",
        cites: &[cite::RFC9110_15_5_18],
    },
    Explanation {
        key: 421,
        text: "Misdirected Request: this server cannot answer for the request's scheme and host, \
               e.g. a reused connection reached a server not set up for that host; the client \
               may retry on another connection",
        zh: "Misdirected Request（错误定向的请求）：这个服务器无法为请求的 scheme 和主机作答，例如复用的连接到达了一个没有为该主机配置的服务器；客户端可以在另一条连接上重试",
        cites: &[cite::RFC9110_15_5_20],
    },
    Explanation {
        key: 422,
        text: "Unprocessable Content: the content's type and syntax are fine, but the server \
               cannot process the instructions in it",
        zh: "Unprocessable Content（无法处理的内容）：内容的类型和语法都没有问题，但服务器无法执行其中的指令",
        cites: &[cite::RFC9110_15_5_21],
    },
];

/// The table's entry as the explanation `explain.rs` hands out.
fn shown<K>(e: &'static Explanation<K>) -> super::explain::Explanation {
    super::explain::Explanation {
        text: Text {
            en: e.text,
            zh: e.zh,
        },
        cites: e.cites,
    }
}

/// The explanation of a header field in this table (case-insensitive), if any.
pub(super) fn explain_header(name: &str) -> Option<super::explain::Explanation> {
    HEADERS
        .iter()
        .find(|e| e.key.eq_ignore_ascii_case(name))
        .map(shown)
}

/// The header field names of this table.
pub(super) fn header_names() -> impl Iterator<Item = &'static str> {
    HEADERS.iter().map(|e| e.key)
}

/// The meaning of a status code in this table (`explain.rs` asks only for the codes it
/// routes here, which a test checks); a code not in it gets the generic client-error text.
pub(super) fn status_meaning(status: u16) -> super::explain::Explanation {
    STATUSES.iter().find(|e| e.key == status).map_or(
        super::explain::Explanation {
            text: Text {
                en: "Client error: the request is wrong or not allowed",
                zh: "客户端错误：请求有误或不被允许",
            },
            cites: &[cite::RFC9110_15_5],
        },
        shown,
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly
mod tests {
    use super::*;

    #[test]
    fn the_added_codes_and_headers_have_texts_with_their_sections() {
        for code in [406, 410, 412, 416, 417, 421, 422] {
            let text = crate::proto::http::status_meaning(code).to_string();
            assert!(text.contains("RFC 9110 §15.5."), "{code}: {text}");
        }
        let www = crate::proto::http::explain_header("WWW-Authenticate")
            .unwrap()
            .to_string();
        assert!(www.contains("401") && www.ends_with("(RFC 9110 §11.6.1)"));
        assert!(
            explain_header("sec-ch-ua")
                .unwrap()
                .to_string()
                .contains("RFC 8942 §3.1")
        );
        assert!(explain_header("Upgrade-Insecure-Requests").is_some());
    }
}
