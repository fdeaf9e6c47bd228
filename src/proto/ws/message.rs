//! Message reassembly (RFC 6455 §5.4): fragmented data messages, control frames interleaved
//! between fragments, and UTF-8 validation of text (§8.1).

use super::frame::{FrameHeader, OpCode};
use crate::proto::cite::{self, Cite};
use crate::proto::rule::Violation;

/// Default cap on a reassembled message: 64 MiB.
pub const DEFAULT_MAX_MESSAGE: usize = 64 * 1024 * 1024;

/// The rule cited when a message crosses the assembler's own limit: §10.4 lets an
/// implementation guard its own limits. It is the dissector's limit, not a rule the sender
/// broke, so it is reported as a warning and no modelled endpoint fails the connection for it.
pub const LIMIT_RULE: Cite = cite::RFC6455_10_4;

/// One complete message: a data message (possibly reassembled from fragments) or a control frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Text, Binary, or a control opcode (Close, Ping, Pong).
    pub opcode: OpCode,
    /// How many frames carried it (1 when not fragmented).
    pub fragments: u32,
    /// RSV1 of the first frame: with permessage-deflate, the payload is compressed.
    pub compressed: bool,
    /// The reassembled payload; holds at most the assembler's limit (see `total_len`).
    pub payload: Vec<u8>,
    /// The message's full length in bytes, counted even past the limit.
    pub total_len: u64,
}

impl Message {
    /// Whether `payload` was cut at the size limit.
    pub fn truncated(&self) -> bool {
        (self.payload.len() as u64) < self.total_len
    }
}

/// A data message whose last fragment has not arrived yet.
#[derive(Debug, Clone)]
struct Partial {
    opcode: OpCode,
    fragments: u32,
    compressed: bool,
    payload: Vec<u8>,
    total_len: u64,
}

/// Reassembles one direction's frames into messages: data messages may be fragmented (first
/// frame Text/Binary with FIN=0, then Continuation frames, last with FIN=1); control frames may
/// arrive between fragments and complete on their own (§5.4). Violations: continuation with no
/// message in progress, new data frame while one is in progress (§5.4), reassembled size over a
/// cap (default 64 MiB; counting continues but storing stops, so memory stays bounded).
#[derive(Debug, Clone)]
pub struct MessageAssembler {
    max_message: usize,
    current: Option<Partial>,
}

impl Default for MessageAssembler {
    fn default() -> Self {
        Self::new()
    }
}

impl MessageAssembler {
    /// An assembler with the default 64 MiB limit.
    pub fn new() -> Self {
        Self::with_limit(DEFAULT_MAX_MESSAGE)
    }

    /// An assembler that stores at most `max_message` bytes of any one message.
    pub fn with_limit(max_message: usize) -> Self {
        MessageAssembler {
            max_message,
            current: None,
        }
    }

    /// Feeds one frame. `payload` is the frame's complete unmasked payload.
    /// Returns the message this frame completes, if any.
    pub fn push(
        &mut self,
        header: &FrameHeader,
        payload: &[u8],
        violations: &mut Vec<Violation>,
    ) -> Option<Message> {
        let op = header.opcode;
        if op.is_reserved() {
            // Not a message anyone can interpret; check_header already names the broken rule.
            return None;
        }
        if op.is_control() {
            // Control frames stand alone, even in the middle of a fragmented message (§5.4).
            let mut stored = Vec::new();
            let total_len = self.append(&mut stored, 0, payload, op, violations);
            return Some(Message {
                opcode: op,
                fragments: 1,
                compressed: header.rsv1,
                payload: stored,
                total_len,
            });
        }
        if op == OpCode::Continuation {
            let Some(mut partial) = self.current.take() else {
                violations.push(Violation::new(
                    cite::RFC6455_5_4,
                    "continuation frame with no fragmented message in progress",
                ));
                return None;
            };
            partial.fragments = partial.fragments.saturating_add(1);
            partial.total_len = self.append(
                &mut partial.payload,
                partial.total_len,
                payload,
                partial.opcode,
                violations,
            );
            if header.fin {
                return Some(finish(partial));
            }
            self.current = Some(partial);
            return None;
        }
        // Text or Binary: starts a new message.
        if let Some(old) = self.current.take() {
            violations.push(Violation::new(
                cite::RFC6455_5_4,
                format!(
                    "new {} frame while a fragmented {} message is in progress ({} fragments, {} bytes); its remaining fragments must come first as continuation frames",
                    op.name(),
                    old.opcode.name(),
                    old.fragments,
                    old.total_len
                ),
            )
.zh(format!("一条 {} 分片消息还在进行中（{} 个分片，{} 字节），却来了新的 {} 帧；它剩下的分片必须先以延续帧发送", old.opcode.name(), old.fragments, old.total_len, op.name())));
        }
        let mut partial = Partial {
            opcode: op,
            fragments: 1,
            compressed: header.rsv1,
            payload: Vec::new(),
            total_len: 0,
        };
        partial.total_len = self.append(&mut partial.payload, 0, payload, op, violations);
        if header.fin {
            Some(finish(partial))
        } else {
            self.current = Some(partial);
            None
        }
    }

    /// Whether a fragmented message has started and not finished.
    pub fn in_progress(&self) -> bool {
        self.current.is_some()
    }

    /// Appends `data` to `stored` up to the limit; returns the new total length. Reports the
    /// limit once per message, when it is first crossed.
    fn append(
        &self,
        stored: &mut Vec<u8>,
        total_before: u64,
        data: &[u8],
        op: OpCode,
        violations: &mut Vec<Violation>,
    ) -> u64 {
        let room = self.max_message.saturating_sub(stored.len());
        let take = data.get(..room.min(data.len())).unwrap_or_default();
        stored.extend_from_slice(take);
        let total = total_before.saturating_add(data.len() as u64);
        let limit = self.max_message as u64;
        if total > limit && total_before <= limit {
            violations.push(Violation::new(
                LIMIT_RULE,
                format!(
                    "{} message exceeds the dissector's {limit}-byte reassembly limit; the rest is counted but not stored (an endpoint with a smaller limit would close with 1009)",
                    op.name()
                ),
            )
.zh(format!("{} 消息超过了解析器 {limit} 字节的重组上限；其余部分只计数不保存（上限更小的端点会以 1009 关闭）", op.name())));
        }
        total
    }
}

fn finish(p: Partial) -> Message {
    Message {
        opcode: p.opcode,
        fragments: p.fragments,
        compressed: p.compressed,
        payload: p.payload,
        total_len: p.total_len,
    }
}

/// Where bytes stop being UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Utf8Fault {
    /// The bytes before it are valid UTF-8.
    pub offset: usize,
    /// The bytes end inside a character (rather than holding an invalid byte).
    pub truncated: bool,
}

/// The one UTF-8 check of WebSocket text: text messages (§8.1) and close reasons (§5.5.1).
pub fn utf8(bytes: &[u8]) -> Result<&str, Utf8Fault> {
    std::str::from_utf8(bytes).map_err(|e| Utf8Fault {
        offset: e.valid_up_to(),
        truncated: e.error_len().is_none(),
    })
}

/// Text messages must be valid UTF-8 (§8.1; an endpoint fails the connection with 1007).
pub fn validate_text(payload: &[u8]) -> Result<&str, Violation> {
    utf8(payload).map_err(|fault| {
        let Utf8Fault { offset, truncated } = fault;
        Violation::new(
            cite::RFC6455_8_1,
            if truncated {
                format!(
                    "text message is not valid UTF-8 (it ends inside a character at offset {offset}); the receiver fails the connection with 1007"
                )
            } else {
                format!(
                    "text message is not valid UTF-8 (invalid byte at offset {offset}); the receiver fails the connection with 1007"
                )
            },
        )
        .zh(if truncated {
            format!("文本消息不是合法的 UTF-8（它在第 {offset} 字节处停在一个字符的中间）；接收方会以 1007 使连接失败")
        } else {
            format!("文本消息不是合法的 UTF-8（第 {offset} 字节是非法字节）；接收方会以 1007 使连接失败")
        })
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::proto::ws::frame::parse_header;

    #[test]
    fn utf8_faults() {
        assert_eq!(utf8("héllo".as_bytes()), Ok("héllo"));
        let bad = utf8(b"ab\xffcd").unwrap_err();
        assert_eq!((bad.offset, bad.truncated), (2, false));
        let cut = utf8(&"a✓".as_bytes()[..3]).unwrap_err();
        assert_eq!((cut.offset, cut.truncated), (1, true));
    }

    #[test]
    fn limit_counts_but_stops_storing() {
        let h = parse_header(&[0x02, 0x03]).unwrap().unwrap();
        let end = parse_header(&[0x80, 0x03]).unwrap().unwrap();
        let mut a = MessageAssembler::with_limit(4);
        let mut v = Vec::new();
        assert!(a.push(&h, b"abc", &mut v).is_none());
        assert!(a.in_progress());
        let m = a.push(&end, b"def", &mut v).unwrap();
        assert_eq!(m.payload, b"abcd");
        assert_eq!(m.total_len, 6);
        assert!(m.truncated());
        assert_eq!(m.fragments, 2);
        assert_eq!(v.len(), 1);
        assert!(!a.in_progress());
    }
}
