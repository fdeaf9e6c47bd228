//! WebSocket on one direction: frames (header, payload unmasked as it arrives), messages
//! (reassembly, permessage-deflate inflation, UTF-8, close payloads) and an abnormal end.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::direction::{DirState, Mode, Sink, reason_of, span};
use crate::lang::Phrase;
use crate::proto::Role;
use crate::proto::cite::{self, Cite};
use crate::proto::rule::Violation;
use crate::proto::ws::close::parse_close_payload;
use crate::proto::ws::deflate::{DEFAULT_MAX_INFLATED, DeflateParams, InflateError, Inflater};
use crate::proto::ws::frame::{self, FrameHeader, LengthForm, OpCode, Rsv1};
use crate::proto::ws::message::{self, DEFAULT_MAX_MESSAGE, Message, MessageAssembler};
use crate::trace::{EventKind, Severity, StreamSpan};

/// The rule an unfinished WebSocket connection breaks when its TCP connection ends.
const RULE_ABNORMAL: Cite = cite::RFC6455_7_1_5;

/// Whether the opening handshake's checks passed (RFC 6455 §4.1: a client that finds the
/// server's answer invalid fails the connection, so no closing handshake follows).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Handshake {
    /// The client accepted the 101.
    Valid,
    /// A check failed (e.g. a wrong `Sec-WebSocket-Accept`): what follows is dissected as
    /// WebSocket best effort, but the connection never opened for the client.
    Failed,
}

/// One direction's WebSocket state.
pub(super) struct WsDir {
    /// How the opening handshake went.
    pub(super) handshake: Handshake,
    pub(super) rsv1: Rsv1,
    pub(super) frame: Option<FrameProgress>,
    pub(super) assembler: MessageAssembler,
    /// Stream offset of the first frame of the data message in progress.
    pub(super) msg_start: Option<u64>,
    pub(super) close_seen: bool,
    /// A data frame after this sender's close frame was reported (once per direction).
    pub(super) data_after_close_reported: bool,
    /// A control frame after this sender's close frame was reported (once per direction).
    pub(super) control_after_close_reported: bool,
    /// permessage-deflate: this sender's parameters, when it was negotiated.
    pub(super) deflate: Option<DeflateSide>,
    /// Bytes of the data message in progress missing from the capture.
    pub(super) damaged: u64,
}

/// One sender's permessage-deflate state (RFC 7692 §7.2.2).
pub(super) struct DeflateSide {
    pub(super) inflater: Inflater,
    /// The sender resets its LZ77 window after each message.
    pub(super) no_context_takeover: bool,
}

impl DeflateSide {
    pub(super) fn new(params: &DeflateParams, sender: Role) -> DeflateSide {
        let no_context_takeover = params.no_context_takeover(sender);
        DeflateSide {
            inflater: Inflater::new(no_context_takeover, DEFAULT_MAX_INFLATED),
            no_context_takeover,
        }
    }

    /// Forgets the shared window (it is unknown after a message that could not be inflated).
    pub(super) fn reset(&mut self) {
        self.inflater = Inflater::new(self.no_context_takeover, DEFAULT_MAX_INFLATED);
    }
}

impl WsDir {
    pub(super) fn new() -> WsDir {
        WsDir {
            handshake: Handshake::Valid,
            rsv1: Rsv1::Reserved,
            frame: None,
            assembler: MessageAssembler::new(),
            msg_start: None,
            close_seen: false,
            data_after_close_reported: false,
            control_after_close_reported: false,
            deflate: None,
            damaged: 0,
        }
    }

    /// Enters WebSocket mode with the negotiated permessage-deflate parameters, if any.
    pub(super) fn start(
        &mut self,
        deflate: Option<&DeflateParams>,
        sender: Role,
        handshake: Handshake,
    ) {
        self.handshake = handshake;
        self.rsv1 = if deflate.is_some() {
            Rsv1::Deflate
        } else {
            Rsv1::Reserved
        };
        self.deflate = deflate.map(|p| DeflateSide::new(p, sender));
    }
}

/// A frame whose header was parsed and whose payload is still arriving.
pub(super) struct FrameProgress {
    pub(super) header: FrameHeader,
    pub(super) start: u64,
    /// The unmasked payload so far (at most [`DEFAULT_MAX_MESSAGE`] bytes are kept).
    pub(super) payload: Vec<u8>,
    pub(super) received: u64,
    /// Payload bytes missing from the capture (counted in `received`, absent from the stream).
    pub(super) lost: u64,
}

impl DirState {
    /// Parses frames until more bytes are needed.
    pub(super) fn process_frames(&mut self, sink: &mut Sink<'_>) {
        while self.mode == Mode::WebSocket {
            if self.ws.frame.is_some() {
                if !self.advance_payload() {
                    break;
                }
                if let Some(f) = self.ws.frame.take() {
                    self.complete_frame(f, sink);
                }
                continue;
            }
            if self.avail().is_empty() {
                break;
            }
            match frame::parse_header(self.avail()) {
                Ok(None) => break,
                Err(e) => {
                    let at = self.offset();
                    let len = header_len_needed(self.avail()).min(self.avail().len()) as u64;
                    let v = Violation::of(
                        Phrase::new("malformed WebSocket frame header", "WebSocket 帧头格式错误"),
                        &e,
                    );
                    sink.violation(self.dir, span(at, len), Severity::Error, &v);
                    self.go_opaque(at, reason_of(&v));
                    break;
                }
                Ok(Some(header)) => {
                    let start = self.offset();
                    self.consume(header.header_len);
                    let keep = header.payload_len.min(DEFAULT_MAX_MESSAGE as u64);
                    let capacity = usize::try_from(keep.min(1 << 20)).unwrap_or(0);
                    self.ws.frame = Some(FrameProgress {
                        header,
                        start,
                        payload: Vec::with_capacity(capacity),
                        received: 0,
                        lost: 0,
                    });
                }
            }
        }
        self.compact();
    }

    /// Moves available payload bytes into the frame in progress (unmasked); true when the
    /// frame is complete.
    pub(super) fn advance_payload(&mut self) -> bool {
        let DirState { buf, pos, ws, .. } = self;
        let Some(f) = ws.frame.as_mut() else {
            return false;
        };
        let avail = buf.get(*pos..).unwrap_or_default();
        let missing = f.header.payload_len.saturating_sub(f.received);
        let n = usize::try_from(missing)
            .unwrap_or(usize::MAX)
            .min(avail.len());
        let room = DEFAULT_MAX_MESSAGE.saturating_sub(f.payload.len()).min(n);
        if let Some(piece) = avail.get(..room) {
            let at = f.payload.len();
            f.payload.extend_from_slice(piece);
            if let (Some(key), Some(dst)) = (f.header.mask_key, f.payload.get_mut(at..)) {
                frame::unmask(dst, key, f.received);
            }
        }
        f.received = f.received.saturating_add(n as u64);
        *pos = pos.saturating_add(n).min(buf.len());
        f.received >= f.header.payload_len
    }

    pub(super) fn complete_frame(&mut self, f: FrameProgress, sink: &mut Sink<'_>) {
        let dir = self.dir;
        let h = &f.header;
        // In the recorded stream, which lacks the bytes missing from the capture.
        let frame_len = h.frame_len().saturating_sub(f.lost);
        let frame_span = span(f.start, frame_len);
        if !h.opcode.is_control() {
            self.ws.damaged = self.ws.damaged.saturating_add(f.lost);
        }
        sink.push(
            dir,
            frame_span,
            EventKind::WsFrame {
                fin: h.fin,
                rsv1: h.rsv1,
                rsv2: h.rsv2,
                rsv3: h.rsv3,
                opcode: h.opcode.as_u8(),
                masked: h.masked,
                // One formatting call, not one per byte: this runs for every client frame.
                mask_key: h.mask_key.map(|k| format!("{:08x}", u32::from_be_bytes(k))),
                payload_len: h.payload_len,
                header_len: u8::try_from(h.header_len).unwrap_or(u8::MAX),
            },
        );
        if self.ws.close_seen {
            self.report_after_close(h.opcode, frame_span, sink);
        }
        for v in frame::check_header(h, self.role, self.ws.rsv1) {
            sink.violation(dir, frame_span, Severity::Error, &v);
        }
        if (h.payload_len as u128) > DEFAULT_MAX_MESSAGE as u128 {
            sink.diag(
                dir,
                frame_span,
                Severity::Warning,
                Phrase::new(format!(
                    "frame payload of {} bytes is larger than the {DEFAULT_MAX_MESSAGE}-byte dissection limit; only the first bytes are kept",
                    h.payload_len
                ), format!("帧的载荷有 {} 字节，超过了 {DEFAULT_MAX_MESSAGE} 字节的解析上限；只保留前面的字节", h.payload_len)),
                Some(cite::RFC6455_10_4),
            );
        }
        let is_data_start = matches!(h.opcode, OpCode::Text | OpCode::Binary);
        if is_data_start {
            self.ws.msg_start = Some(f.start);
        }
        let mut violations = Vec::new();
        let message = self.ws.assembler.push(h, &f.payload, &mut violations);
        for v in &violations {
            // The dissector's own size limit is not the sender's fault.
            let severity = if v.rule == message::LIMIT_RULE {
                Severity::Warning
            } else {
                Severity::Error
            };
            sink.violation(dir, frame_span, severity, v);
        }
        let Some(m) = message else {
            return;
        };
        let frame_end = f.start.saturating_add(frame_len);
        let msg_start = if m.opcode.is_control() {
            f.start
        } else {
            self.ws.msg_start.take().unwrap_or(f.start)
        };
        let msg_span = span(msg_start, frame_end.saturating_sub(msg_start));
        if m.opcode == OpCode::Close {
            self.ws.close_seen = true;
        }
        let lost = if m.opcode.is_control() {
            f.lost
        } else {
            std::mem::take(&mut self.ws.damaged)
        };
        self.emit_message(m, msg_span, lost, sink);
    }

    /// A frame after this sender's own close frame: §5.5.1's MUST NOT covers data frames (an
    /// error); a control frame (a ping or pong) is not forbidden there, only unexpected once the
    /// closing handshake started (a warning). Each kind is reported once per direction.
    fn report_after_close(
        &mut self,
        opcode: OpCode,
        frame_span: Option<StreamSpan>,
        sink: &mut Sink<'_>,
    ) {
        let name = opcode.name();
        if opcode.is_control() {
            if self.ws.control_after_close_reported {
                return;
            }
            self.ws.control_after_close_reported = true;
            sink.diag(
                self.dir,
                frame_span,
                Severity::Warning,
                Phrase::new(format!(
                    "{name} frame sent after this endpoint's close frame; the MUST NOT after a close frame covers data frames only; a control frame this late is unexpected and the other side may ignore it"
                ), format!("{name} 帧在本端的关闭帧之后发送；关闭帧之后的 MUST NOT 只针对数据帧；这么晚的控制帧不合常理，对方可能会忽略它")),
                Some(cite::RFC6455_5_5_1),
            );
        } else {
            if self.ws.data_after_close_reported {
                return;
            }
            self.ws.data_after_close_reported = true;
            sink.diag(
                self.dir,
                frame_span,
                Severity::Error,
                Phrase::new(format!(
                    "{name} frame sent after this endpoint's close frame; after sending a close frame an endpoint MUST NOT send any more data frames"
                ), format!("{name} 帧在本端的关闭帧之后发送；端点发送关闭帧之后不得（MUST NOT）再发送任何数据帧")),
                Some(cite::RFC6455_5_5_1),
            );
        }
    }

    /// Inflates a compressed data message (RFC 7692 §7.2.2): the concatenated payloads of
    /// all its frames, with this sender's shared window. `None` (after a diagnostic) when it
    /// cannot be inflated; the message is then shown as sent.
    pub(super) fn inflate(
        &mut self,
        m: &Message,
        msg_span: Option<StreamSpan>,
        sink: &mut Sink<'_>,
    ) -> Option<Vec<u8>> {
        let dir = self.dir;
        let side = self.ws.deflate.as_mut()?;
        if m.truncated() {
            side.reset();
            sink.diag(
                dir,
                msg_span,
                Severity::Warning,
                Phrase::new(format!(
                    "compressed message of {} bytes is larger than the {DEFAULT_MAX_MESSAGE}-byte dissection limit: not inflated, and later messages that refer back to it cannot be inflated either",
                    m.total_len
                ), format!("压缩消息有 {} 字节，超过了 {DEFAULT_MAX_MESSAGE} 字节的解析上限：没有解压，引用它的后续消息也无法解压", m.total_len)),
                Some(cite::RFC7692_7_2_2),
            );
            return None;
        }
        match side.inflater.inflate(&m.payload) {
            Ok(bytes) => Some(bytes),
            Err(e) => {
                // The inflater started afresh; later messages are still tried.
                let (takeover, takeover_zh) = if side.no_context_takeover {
                    ("", "")
                } else {
                    (
                        " (with context takeover, later messages that refer back to this one cannot be inflated either)",
                        "（有上下文接管时，引用这条消息的后续消息也无法解压）",
                    )
                };
                let why_zh = match &e {
                    InflateError::Corrupt(cause) => {
                        format!("压缩数据不是合法的 DEFLATE：{cause}")
                    }
                    InflateError::TooLarge { limit } => {
                        format!("消息解压后超过 {limit} 字节（解压炸弹？），已停止解压")
                    }
                };
                sink.diag(
                    dir,
                    msg_span,
                    Severity::Error,
                    Phrase::new(format!(
                        "compressed message could not be inflated: {e}; it is shown as sent{takeover}"
                    ), format!("压缩消息无法解压：{why_zh}；按发送时的原样显示{takeover_zh}")),
                    Some(cite::RFC7692_7_2_2),
                );
                None
            }
        }
    }

    /// Emits a complete message. A damaged one (`lost` bytes missing from the capture) is
    /// shown as recorded: not inflated, not decoded; its lengths count the missing bytes.
    pub(super) fn emit_message(
        &mut self,
        m: Message,
        msg_span: Option<StreamSpan>,
        lost: u64,
        sink: &mut Sink<'_>,
    ) {
        let damaged = lost > 0;
        let dir = self.dir;
        let mut text = None;
        let mut data_b64 = None;
        let mut close_code = None;
        let mut close_reason = None;
        // Control frames are never compressed (RFC 7692 §6; a set RSV1 is reported by the
        // header check), and without a negotiated extension RSV1 means nothing known.
        let is_data = matches!(m.opcode, OpCode::Text | OpCode::Binary);
        let mut wire_payload_len = None;
        let mut payload_len = m.total_len.saturating_add(lost);
        let mut inflated = None;
        if m.compressed && is_data && self.ws.deflate.is_some() {
            wire_payload_len = Some(payload_len);
            if damaged {
                if let Some(side) = self.ws.deflate.as_mut() {
                    side.reset();
                }
            } else {
                inflated = self.inflate(&m, msg_span, sink);
            }
            if let Some(bytes) = &inflated {
                payload_len = bytes.len() as u64;
            }
        }
        let readable = !damaged && (!m.compressed || inflated.is_some());
        let payload: &[u8] = inflated.as_deref().unwrap_or(&m.payload);
        match m.opcode {
            _ if damaged => data_b64 = Some(BASE64.encode(payload)),
            OpCode::Text if readable => match message::validate_text(payload) {
                Ok(s) => text = Some(s.to_string()),
                Err(v) => {
                    sink.violation(dir, msg_span, Severity::Error, &v);
                    data_b64 = Some(BASE64.encode(payload));
                }
            },
            OpCode::Close => {
                let (close, violations) = parse_close_payload(&m.payload);
                for v in &violations {
                    sink.violation(dir, msg_span, Severity::Error, v);
                }
                close_code = close.code;
                close_reason = close.code.map(|_| close.reason);
            }
            _ => data_b64 = Some(BASE64.encode(payload)),
        }
        sink.push(
            dir,
            msg_span,
            EventKind::WsMessage {
                opcode: m.opcode.as_u8(),
                fragments: m.fragments,
                compressed: m.compressed,
                payload_len,
                wire_payload_len,
                text,
                data_b64,
                close_code,
                close_reason,
            },
        );
    }

    pub(super) fn end_ws(&mut self, other_mode: Mode, sink: &mut Sink<'_>) {
        let dir = self.dir;
        let at = self.offset();
        let left = self.avail().len();
        if let Some(f) = &self.ws.frame {
            sink.diag(
                dir,
                span(f.start, at.saturating_sub(f.start)),
                Severity::Error,
                Phrase::new(format!(
                    "connection closed in the middle of a frame: {} of {} payload bytes (the receiving endpoint sees the WebSocket connection closed abnormally and reports 1006)",
                    f.received, f.header.payload_len
                ), format!("连接在一帧的中途关闭：载荷 {} 字节中只收到 {} 字节（接收端看到 WebSocket 连接异常关闭，报告 1006）", f.received, f.header.payload_len)),
                Some(RULE_ABNORMAL),
            );
        } else if left > 0 {
            let needed = header_len_needed(self.avail());
            sink.diag(
                dir,
                span(at, left as u64),
                Severity::Error,
                Phrase::new(format!(
                    "connection closed in the middle of a frame: {left} of {needed} header bytes (the receiving endpoint sees the WebSocket connection closed abnormally and reports 1006)"
                ), format!("连接在一帧的中途关闭：帧头 {needed} 字节中只收到 {left} 字节（接收端看到 WebSocket 连接异常关闭，报告 1006）")),
                Some(RULE_ABNORMAL),
            );
        }
        if self.ws.assembler.in_progress() {
            sink.diag(
                dir,
                None,
                Severity::Error,
                Phrase::new(
                    "connection closed in the middle of a fragmented message: its last fragment never came",
                    "连接在一条分片消息的中途关闭：它的最后一个分片始终没有到达",
                ),
                Some(RULE_ABNORMAL),
            );
        }
        // After a failed handshake the client failed the connection (RFC 6455 §4.1): no
        // closing handshake was due, so its absence is no news.
        if !self.ws.close_seen
            && other_mode != Mode::Opaque
            && self.ws.handshake == Handshake::Valid
        {
            let who = self.role.name();
            let other = self.role.peer().name();
            sink.diag(
                dir,
                None,
                Severity::Warning,
                Phrase::new(format!(
                    "the {who} stopped sending without a close frame: the closing handshake did not complete, so the {other} sees the WebSocket connection closed abnormally and reports close code 1006"
                ), format!("{}没有发送关闭帧就停止了发送：关闭握手没有完成，所以{}看到 WebSocket 连接异常关闭，报告关闭码 1006", role_zh(self.role), role_zh(self.role.peer()))),
                Some(RULE_ABNORMAL),
            );
        }
    }
}

/// How many header bytes a frame whose first bytes are `buf` needs (2 to 14).
pub(super) fn header_len_needed(buf: &[u8]) -> usize {
    let Some(&b1) = buf.get(1) else {
        return 2;
    };
    2 + LengthForm::from_len7(b1).extra_bytes() + if b1 & 0x80 != 0 { 4 } else { 0 }
}

/// A role as the diagnostics name it in Chinese.
fn role_zh(role: Role) -> &'static str {
    match role {
        Role::Client => "客户端",
        Role::Server => "服务器",
    }
}
