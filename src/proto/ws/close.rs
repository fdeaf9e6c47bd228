//! Close frames: status codes (RFC 6455 §7.4, IANA "WebSocket Close Code Number" registry)
//! and the close payload (§5.5.1).

use super::message::utf8;
use crate::lang::{Lang, Text};
use crate::proto::cite::{self, Cite};
use crate::proto::rule::Violation;

/// A close status code. Total: every `u16` maps to a variant and back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CloseCode {
    /// 1000
    Normal,
    /// 1001
    GoingAway,
    /// 1002
    Protocol,
    /// 1003
    Unsupported,
    /// 1004, reserved.
    Reserved,
    /// 1005, never sent: "no status code was present".
    NoStatus,
    /// 1006, never sent: closed without a close frame.
    Abnormal,
    /// 1007
    Invalid,
    /// 1008
    Policy,
    /// 1009
    TooBig,
    /// 1010
    Extension,
    /// 1011
    Internal,
    /// 1012 (IANA registry)
    ServiceRestart,
    /// 1013 (IANA registry)
    TryAgain,
    /// 1014 (IANA registry)
    BadGateway,
    /// 1015, never sent: TLS handshake failure.
    Tls,
    /// 3000–3999: for libraries, frameworks and applications; the range open to IANA
    /// registration (only some codes are registered).
    Iana(u16),
    /// 4000–4999: private use, by agreement between the endpoints.
    Private(u16),
    /// Everything else (0–999, 1016–2999, 5000 and up).
    Unassigned(u16),
}

impl CloseCode {
    /// Decodes a status code.
    pub fn from_u16(v: u16) -> Self {
        match v {
            1000 => CloseCode::Normal,
            1001 => CloseCode::GoingAway,
            1002 => CloseCode::Protocol,
            1003 => CloseCode::Unsupported,
            1004 => CloseCode::Reserved,
            1005 => CloseCode::NoStatus,
            1006 => CloseCode::Abnormal,
            1007 => CloseCode::Invalid,
            1008 => CloseCode::Policy,
            1009 => CloseCode::TooBig,
            1010 => CloseCode::Extension,
            1011 => CloseCode::Internal,
            1012 => CloseCode::ServiceRestart,
            1013 => CloseCode::TryAgain,
            1014 => CloseCode::BadGateway,
            1015 => CloseCode::Tls,
            3000..=3999 => CloseCode::Iana(v),
            4000..=4999 => CloseCode::Private(v),
            _ => CloseCode::Unassigned(v),
        }
    }

    /// The numeric code.
    pub fn as_u16(self) -> u16 {
        match self {
            CloseCode::Normal => 1000,
            CloseCode::GoingAway => 1001,
            CloseCode::Protocol => 1002,
            CloseCode::Unsupported => 1003,
            CloseCode::Reserved => 1004,
            CloseCode::NoStatus => 1005,
            CloseCode::Abnormal => 1006,
            CloseCode::Invalid => 1007,
            CloseCode::Policy => 1008,
            CloseCode::TooBig => 1009,
            CloseCode::Extension => 1010,
            CloseCode::Internal => 1011,
            CloseCode::ServiceRestart => 1012,
            CloseCode::TryAgain => 1013,
            CloseCode::BadGateway => 1014,
            CloseCode::Tls => 1015,
            CloseCode::Iana(v) | CloseCode::Private(v) | CloseCode::Unassigned(v) => v,
        }
    }

    /// The registered name, e.g. "Normal Closure".
    pub fn name(self) -> &'static str {
        match self {
            CloseCode::Normal => "Normal Closure",
            CloseCode::GoingAway => "Going Away",
            CloseCode::Protocol => "Protocol Error",
            CloseCode::Unsupported => "Unsupported Data",
            CloseCode::Reserved => "Reserved",
            CloseCode::NoStatus => "No Status Received",
            CloseCode::Abnormal => "Abnormal Closure",
            CloseCode::Invalid => "Invalid Frame Payload Data",
            CloseCode::Policy => "Policy Violation",
            CloseCode::TooBig => "Message Too Big",
            CloseCode::Extension => "Mandatory Extension",
            CloseCode::Internal => "Internal Error",
            CloseCode::ServiceRestart => "Service Restart",
            CloseCode::TryAgain => "Try Again Later",
            CloseCode::BadGateway => "Bad Gateway",
            CloseCode::Tls => "TLS Handshake",
            CloseCode::Iana(_) => "Library/Framework (IANA range)",
            CloseCode::Private(_) => "Private Use",
            CloseCode::Unassigned(_) => "Unassigned",
        }
    }

    /// One line, in `lang`, on what the code means (RFC 6455 §7.4.1, §7.4.2; IANA registry for 1012–1014).
    pub fn meaning(self, lang: Lang) -> &'static str {
        let text = match self {
            CloseCode::Normal => Text {
                en: "the purpose for which the connection was established has been fulfilled",
                zh: "建立连接的目的已经达成，正常关闭",
            },
            CloseCode::GoingAway => Text {
                en: "the endpoint is going away, e.g. a server going down or a browser leaving the page",
                zh: "端点即将离开，例如服务器关机或浏览器离开页面",
            },
            CloseCode::Protocol => Text {
                en: "the endpoint is closing because of a protocol error",
                zh: "端点因协议错误而关闭连接",
            },
            CloseCode::Unsupported => Text {
                en: "the endpoint received a type of data it cannot accept (e.g. binary when it only understands text)",
                zh: "端点收到了它不能接受的数据类型（例如只懂文本却收到二进制）",
            },
            CloseCode::Reserved => Text {
                en: "reserved; a meaning might be defined in the future",
                zh: "保留；将来可能定义含义",
            },
            CloseCode::NoStatus => Text {
                en: "reported locally when a close frame carried no status code; never sent in a close frame",
                zh: "关闭帧中没有状态码时在本地报告；从不在关闭帧中发送",
            },
            CloseCode::Abnormal => Text {
                en: "reported locally when the connection closed without a close frame; never sent in a close frame",
                zh: "连接在没有关闭帧的情况下断开时在本地报告；从不在关闭帧中发送",
            },
            CloseCode::Invalid => Text {
                en: "the endpoint received data inconsistent with the message type (e.g. non-UTF-8 text)",
                zh: "端点收到的数据与消息类型不符（例如文本消息不是合法的 UTF-8）",
            },
            CloseCode::Policy => Text {
                en: "the endpoint received a message that violates its policy (generic code when no other fits)",
                zh: "端点收到了违反其策略的消息（没有更合适的关闭码时使用的通用码）",
            },
            CloseCode::TooBig => Text {
                en: "the endpoint received a message too big for it to process",
                zh: "端点收到的消息太大，无法处理",
            },
            CloseCode::Extension => Text {
                en: "the client expected the server to negotiate extensions it did not; the reason should list them",
                zh: "客户端期望服务器协商某些扩展，但服务器没有协商；原因（reason）中应列出这些扩展",
            },
            CloseCode::Internal => Text {
                en: "the endpoint met an unexpected condition that prevented it from fulfilling the request",
                zh: "端点遇到意外情况，无法完成请求",
            },
            CloseCode::ServiceRestart => Text {
                en: "the service is restarting; the client may reconnect later",
                zh: "服务正在重启；客户端可以稍后重连",
            },
            CloseCode::TryAgain => Text {
                en: "a temporary condition, e.g. overload; the client may try again later",
                zh: "临时状况，例如过载；客户端可以稍后再试",
            },
            CloseCode::BadGateway => Text {
                en: "a gateway or proxy received an invalid response from the upstream server",
                zh: "网关或代理从上游服务器收到了无效的响应",
            },
            CloseCode::Tls => Text {
                en: "reported locally when the TLS handshake failed; never sent in a close frame",
                zh: "TLS 握手失败时在本地报告；从不在关闭帧中发送",
            },
            CloseCode::Iana(_) => Text {
                en: "3000–3999: for libraries, frameworks and applications; the range open to registration with IANA (a few codes are registered, e.g. 3000, 3003, 3008)",
                zh: "3000–3999：供库、框架和应用使用；这一范围可向 IANA 注册（已注册少数几个，例如 3000、3003、3008）",
            },
            CloseCode::Private(_) => Text {
                en: "4000–4999: private use, meaning agreed between the application's endpoints",
                zh: "4000–4999：私有使用，含义由应用的两端约定",
            },
            CloseCode::Unassigned(_) => Text {
                en: "not a code an endpoint may send (0–999 are not used; 1016–2999 are reserved for revisions of the protocol and for extensions with a permanent public specification; 5000+ are not defined)",
                zh: "不是端点可以发送的关闭码（0–999 不使用；1016–2999 保留给协议的修订版和有永久公开规范的扩展；5000 及以上未定义）",
            },
        };
        text.get(lang)
    }

    /// Whether the code may appear in a close frame. 1005, 1006 and 1015 are for local
    /// reporting only (§7.4.1); 0–999, 1016–2999 and 5000+ are not assigned (§7.4.2); 1004 is
    /// reserved with no meaning yet (§7.4.1), so receivers (tungstenite, Autobahn test suite)
    /// reject it too.
    pub fn may_be_sent(self) -> bool {
        not_sendable(self).is_none()
    }
}

impl std::fmt::Display for CloseCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.as_u16(), self.name())
    }
}

/// The body of a close frame.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClosePayload {
    /// The status code, if the body had one.
    pub code: Option<u16>,
    /// The reason (lossy when it was not UTF-8).
    pub reason: String,
}

impl ClosePayload {
    /// The status code as a [`CloseCode`].
    pub fn close_code(&self) -> Option<CloseCode> {
        self.code.map(CloseCode::from_u16)
    }
}

/// Why a code may not appear in a close frame, with the section that says so; `None` when it may.
fn not_sendable(cc: CloseCode) -> Option<(Cite, &'static str, &'static str)> {
    match cc {
        CloseCode::NoStatus | CloseCode::Abnormal | CloseCode::Tls => Some((
            cite::RFC6455_7_4_1,
            "is for local reporting only and MUST NOT be set as a status code in a close frame",
            "只用于本地报告，不得（MUST NOT）作为关闭帧中的状态码",
        )),
        CloseCode::Reserved => Some((
            cite::RFC6455_7_4_1,
            "is reserved: its meaning might be defined in the future",
            "是保留的：它的含义将来可能会被定义",
        )),
        CloseCode::Unassigned(_) => Some((
            cite::RFC6455_7_4_2,
            "is outside every range defined for use (0–999 not used, 1016–2999 reserved for revisions and extensions, 5000+ not defined)",
            "不在任何规定可用的范围内（0–999 不使用，1016–2999 保留给协议修订和扩展，5000 以上没有定义）",
        )),
        _ => None,
    }
}

/// Parses a close frame's (unmasked) payload.
///
/// Empty payload → no code; 1 byte → violation (§5.5.1); code not allowed → violation (§7.4.1
/// for 1004, 1005, 1006, 1015; §7.4.2 for the unassigned ranges);
/// reason not UTF-8 → violation (§5.5.1, the receiver fails with 1007) and lossy text.
pub fn parse_close_payload(payload: &[u8]) -> (ClosePayload, Vec<Violation>) {
    let mut violations = Vec::new();
    let (code_bytes, reason_bytes) = match payload {
        [] => return (ClosePayload::default(), violations),
        [_] => {
            violations.push(Violation::new(
                cite::RFC6455_5_5_1,
                "close payload is 1 byte; a close body, if present, starts with a 2-byte status code",
            ));
            return (ClosePayload::default(), violations);
        }
        [a, b, rest @ ..] => ([*a, *b], rest),
    };
    let code = u16::from_be_bytes(code_bytes);
    let cc = CloseCode::from_u16(code);
    if let Some((rule, why, why_zh)) = not_sendable(cc) {
        violations.push(Violation::new(
            rule,
            format!(
                "close code {code} ({}) {why}; receivers usually fail the connection with 1002 (common practice, e.g. the Autobahn test suite, not an RFC 6455 rule)",
                cc.name()
            ),
        )
.zh(format!("关闭码 {code}（{}）{why_zh}；接收方通常会以 1002 使连接失败（这是常见做法，例如 Autobahn 测试套件，不是 RFC 6455 的规则）", cc.name())));
    }
    let reason = match utf8(reason_bytes) {
        Ok(s) => s.to_owned(),
        Err(fault) => {
            violations.push(Violation::new(
                cite::RFC6455_5_5_1,
                format!(
                    "close reason is not valid UTF-8 (bad byte at offset {} of the reason); the receiver fails the connection with 1007",
                    fault.offset
                ),
            )
.zh(format!("关闭原因不是合法的 UTF-8（原因的第 {} 字节处有非法字节）；接收方会以 1007 使连接失败", fault.offset)));
            String::from_utf8_lossy(reason_bytes).into_owned()
        }
    };
    (
        ClosePayload {
            code: Some(code),
            reason,
        },
        violations,
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for v in 0..=u16::MAX {
            assert_eq!(CloseCode::from_u16(v).as_u16(), v);
        }
    }

    #[test]
    fn parses_normal_close() {
        let (p, v) = parse_close_payload(&[0x03, 0xE8, b'b', b'y', b'e']);
        assert_eq!(p.code, Some(1000));
        assert_eq!(p.reason, "bye");
        assert!(v.is_empty());
    }

    #[test]
    fn unsendable_codes_cite_the_section_that_says_so() {
        let rule = |code: u16| {
            let (_, v) = parse_close_payload(&code.to_be_bytes());
            v.first().map(|v| (v.rule.to_string(), v.message.clone()))
        };
        for code in [1005, 1006, 1015] {
            let (r, m) = rule(code).unwrap();
            assert_eq!(r, "RFC 6455 §7.4.1");
            assert!(m.contains("MUST NOT"), "{m}");
        }
        let (r, m) = rule(1004).unwrap();
        assert_eq!(r, "RFC 6455 §7.4.1");
        assert!(!m.contains("MUST NOT") && m.contains("reserved"), "{m}");
        for code in [0, 999, 1016, 2999, 5000] {
            let (r, m) = rule(code).unwrap();
            assert_eq!(r, "RFC 6455 §7.4.2");
            assert!(!m.contains("MUST NOT"), "{m}");
            assert!(m.contains("not an RFC 6455 rule"), "{m}");
        }
        assert_eq!(rule(3001), None);
        assert_eq!(
            CloseCode::from_u16(3001).name(),
            "Library/Framework (IANA range)"
        );
    }

    #[test]
    fn close_code_texts() {
        assert_eq!(CloseCode::from_u16(1000).name(), "Normal Closure");
        assert!(crate::proto::http::explain_header("Sec-WebSocket-Key").is_some());
    }
}
