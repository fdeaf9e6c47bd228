//! WebSocket frame headers (RFC 6455 §5.2): parsing, field layout for the bit/hex view,
//! unmasking (§5.3) and the rules that can be checked from a header alone.
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-------+-+-------------+-------------------------------+
//! |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
//! |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
//! |N|V|V|V|       |S|             |   (if payload len==126/127)   |
//! | |1|2|3|       |K|             |                               |
//! +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
//! |     Extended payload length continued, if payload len == 127  |
//! + - - - - - - - - - - - - - - - +-------------------------------+
//! |                               |Masking-key, if MASK set to 1  |
//! +-------------------------------+-------------------------------+
//! | Masking-key (continued)       |          Payload Data         |
//! +-------------------------------- - - - - - - - - - - - - - - - +
//! ```

use std::ops::Range;

use crate::lang::{Lang, Text};
use crate::proto::Role;
use crate::proto::cite::{self, Cite};
use crate::proto::rule::{BreaksRule, Violation};

/// The 4-bit opcode of a frame (RFC 6455 §5.2, §11.8). Total: unknown values are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OpCode {
    /// 0x0: continues a fragmented message.
    Continuation,
    /// 0x1: first (or only) frame of a UTF-8 text message.
    Text,
    /// 0x2: first (or only) frame of a binary message.
    Binary,
    /// 0x8: connection close.
    Close,
    /// 0x9: ping.
    Ping,
    /// 0xA: pong.
    Pong,
    /// 0x3–0x7: reserved for future non-control frames.
    ReservedData(u8),
    /// 0xB–0xF: reserved for future control frames.
    ReservedControl(u8),
}

impl OpCode {
    /// Decodes an opcode. Only the low 4 bits are used, since the field is 4 bits wide.
    pub fn from_u8(v: u8) -> OpCode {
        match v & 0x0F {
            0x0 => OpCode::Continuation,
            0x1 => OpCode::Text,
            0x2 => OpCode::Binary,
            0x8 => OpCode::Close,
            0x9 => OpCode::Ping,
            0xA => OpCode::Pong,
            v @ 0x3..=0x7 => OpCode::ReservedData(v),
            v => OpCode::ReservedControl(v),
        }
    }

    /// The 4-bit wire value.
    pub fn as_u8(self) -> u8 {
        match self {
            OpCode::Continuation => 0x0,
            OpCode::Text => 0x1,
            OpCode::Binary => 0x2,
            OpCode::Close => 0x8,
            OpCode::Ping => 0x9,
            OpCode::Pong => 0xA,
            OpCode::ReservedData(v) | OpCode::ReservedControl(v) => v & 0x0F,
        }
    }

    /// Control frames have the most significant opcode bit set (0x8–0xF, §5.5).
    pub fn is_control(self) -> bool {
        self.as_u8() & 0x08 != 0
    }

    /// Opcodes RFC 6455 reserves for future use (0x3–0x7, 0xB–0xF).
    pub fn is_reserved(self) -> bool {
        matches!(self, OpCode::ReservedData(_) | OpCode::ReservedControl(_))
    }

    /// Short lowercase name: "continuation", "text", "binary", "close", "ping", "pong" or "reserved".
    pub fn name(self) -> &'static str {
        match self {
            OpCode::Continuation => "continuation",
            OpCode::Text => "text",
            OpCode::Binary => "binary",
            OpCode::Close => "close",
            OpCode::Ping => "ping",
            OpCode::Pong => "pong",
            OpCode::ReservedData(_) | OpCode::ReservedControl(_) => "reserved",
        }
    }

    /// One-line explanation, in `lang`, of what a frame with this opcode is for.
    pub fn meaning(self, lang: Lang) -> &'static str {
        let text = match self {
            OpCode::Continuation => Text {
                en: "continues the fragmented message started by a text/binary frame",
                zh: "延续由 text/binary 帧开始的分片消息",
            },
            OpCode::Text => Text {
                en: "data frame: a text message (UTF-8), or its first fragment",
                zh: "数据帧：一条文本消息（UTF-8），或它的第一个分片",
            },
            OpCode::Binary => Text {
                en: "data frame: a binary message, or its first fragment",
                zh: "数据帧：一条二进制消息，或它的第一个分片",
            },
            OpCode::Close => Text {
                en: "control frame: starts or answers the closing handshake",
                zh: "控制帧：发起或回应关闭握手",
            },
            OpCode::Ping => Text {
                en: "control frame: the peer must answer with a pong carrying the same payload, unless it already received a close frame",
                zh: "控制帧（心跳）：对端必须回一个载荷相同的 pong，除非它已经收到了关闭帧",
            },
            OpCode::Pong => Text {
                en: "control frame: answers a ping (or is an unsolicited heartbeat)",
                zh: "控制帧：回应 ping（也可以是不请自来的单向心跳）",
            },
            OpCode::ReservedData(_) => Text {
                en: "reserved for future non-control frames; the receiver must fail the connection",
                zh: "保留给将来的非控制帧；接收方必须使连接失败（Fail the WebSocket Connection）",
            },
            OpCode::ReservedControl(_) => Text {
                en: "reserved for future control frames; the receiver must fail the connection",
                zh: "保留给将来的控制帧；接收方必须使连接失败（Fail the WebSocket Connection）",
            },
        };
        text.get(lang)
    }
}

/// How the payload length is encoded (RFC 6455 §5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LengthForm {
    /// The 7-bit field holds the length itself (0–125).
    Short,
    /// The 7-bit field is 126; a 16-bit big-endian length follows.
    Extended16,
    /// The 7-bit field is 127; a 64-bit big-endian length follows (most significant bit 0).
    Extended64,
}

impl LengthForm {
    /// Number of extended-length bytes after the first two header bytes: 0, 2 or 8.
    pub fn extra_bytes(self) -> usize {
        match self {
            LengthForm::Short => 0,
            LengthForm::Extended16 => 2,
            LengthForm::Extended64 => 8,
        }
    }

    /// Total bits used for the length: 7, 7+16 or 7+64.
    pub fn label(self) -> &'static str {
        match self {
            LengthForm::Short => "7-bit",
            LengthForm::Extended16 => "7+16-bit",
            LengthForm::Extended64 => "7+64-bit",
        }
    }

    /// The form the 7-bit length field announces: 126 and 127 announce an extended length.
    pub fn from_len7(len7: u8) -> LengthForm {
        match len7 & 0x7F {
            126 => LengthForm::Extended16,
            127 => LengthForm::Extended64,
            _ => LengthForm::Short,
        }
    }

    /// The form an encoder following the minimal-encoding rule (§5.2) uses for `len`.
    pub fn minimal_for(len: u64) -> LengthForm {
        match len {
            0..=125 => LengthForm::Short,
            126..=65535 => LengthForm::Extended16,
            _ => LengthForm::Extended64,
        }
    }
}

/// A parsed frame header: everything before the payload (2 to 14 bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameHeader {
    /// FIN: this is the final frame of its message.
    pub fin: bool,
    /// RSV1 (permessage-deflate marks compressed messages with it).
    pub rsv1: bool,
    /// RSV2.
    pub rsv2: bool,
    /// RSV3.
    pub rsv3: bool,
    /// The opcode.
    pub opcode: OpCode,
    /// MASK bit.
    pub masked: bool,
    /// The masking key, present exactly when `masked`.
    pub mask_key: Option<[u8; 4]>,
    /// Payload length in bytes, as stated on the wire.
    pub payload_len: u64,
    /// Which length encoding the frame used.
    pub length_form: LengthForm,
    /// Header length in bytes (2..=14).
    pub header_len: usize,
}

impl FrameHeader {
    /// Header plus payload length in bytes (saturating).
    pub fn frame_len(&self) -> u64 {
        (self.header_len as u64).saturating_add(self.payload_len)
    }

    /// The value of the 7-bit "payload length" field as it appeared on the wire.
    pub fn length_field7(&self) -> u8 {
        match self.length_form {
            // Short form: payload_len <= 125 by construction when parsed.
            LengthForm::Short => u8::try_from(self.payload_len).unwrap_or(125).min(125),
            LengthForm::Extended16 => 126,
            LengthForm::Extended64 => 127,
        }
    }

    /// Every field of the frame, in wire order, for the bit-layout and hex views, each
    /// meaning written in `lang`.
    pub fn fields(&self, lang: Lang) -> Vec<Field> {
        let bit = |b: bool| if b { "1" } else { "0" }.to_string();
        let say = |en: &'static str, zh: &'static str| Text { en, zh }.get(lang).to_string();
        let extension_bit = say(
            "extension bit; 0 unless a negotiated extension uses it",
            "扩展位；除非协商的扩展使用它，否则为 0",
        );
        let mut out = vec![
            Field {
                name: "FIN",
                bytes: 0..1,
                bits: Some((0, 1)),
                value: bit(self.fin),
                meaning: if self.fin {
                    say("final frame of its message", "这是消息的最后一帧")
                } else {
                    say(
                        "more frames of this message follow",
                        "这条消息后面还有帧（分片）",
                    )
                },
            },
            Field {
                name: "RSV1",
                bytes: 0..1,
                bits: Some((1, 1)),
                value: bit(self.rsv1),
                meaning: if self.rsv1 {
                    say(
                        "extension bit set: with permessage-deflate, a compressed message",
                        "扩展位已置 1：在 permessage-deflate 下表示这是一条压缩消息",
                    )
                } else {
                    extension_bit.clone()
                },
            },
            Field {
                name: "RSV2",
                bytes: 0..1,
                bits: Some((2, 1)),
                value: bit(self.rsv2),
                meaning: extension_bit.clone(),
            },
            Field {
                name: "RSV3",
                bytes: 0..1,
                bits: Some((3, 1)),
                value: bit(self.rsv3),
                meaning: extension_bit,
            },
            Field {
                name: "opcode",
                bytes: 0..1,
                bits: Some((4, 4)),
                value: format!("0x{:X} ({})", self.opcode.as_u8(), self.opcode.name()),
                meaning: self.opcode.meaning(lang).into(),
            },
            Field {
                name: "MASK",
                bytes: 1..2,
                bits: Some((0, 1)),
                value: bit(self.masked),
                meaning: match (self.masked, lang) {
                    (true, _) => say(
                        "payload is masked with the 4-byte key (clients must mask)",
                        "载荷用 4 字节掩码键做了掩码（客户端必须掩码）",
                    ),
                    (false, Lang::En) => format!(
                        "payload is not masked: right for a server frame; a client frame MUST be masked ({})",
                        cite::RFC6455_5_1
                    ),
                    (false, Lang::Zh) => format!(
                        "载荷没有掩码：服务器的帧本应如此；客户端的帧必须（MUST）掩码（{}）",
                        cite::RFC6455_5_1
                    ),
                },
            },
            Field {
                name: "payload length",
                bytes: 1..2,
                bits: Some((1, 7)),
                value: self.length_field7().to_string(),
                meaning: match self.length_form {
                    LengthForm::Short => say(
                        "0–125: this is the payload length itself",
                        "0–125：这就是载荷长度本身",
                    ),
                    LengthForm::Extended16 => say(
                        "126: the length follows as a 16-bit unsigned integer",
                        "126：长度在后面，是一个 16 位无符号整数",
                    ),
                    LengthForm::Extended64 => say(
                        "127: the length follows as a 64-bit unsigned integer",
                        "127：长度在后面，是一个 64 位无符号整数",
                    ),
                },
            },
        ];
        let extra = self.length_form.extra_bytes();
        if extra > 0 {
            out.push(Field {
                name: "extended payload length",
                bytes: 2..2 + extra,
                bits: None,
                value: self.payload_len.to_string(),
                meaning: match self.length_form {
                    LengthForm::Extended64 => say(
                        "payload length, 64-bit big-endian (most significant bit must be 0)",
                        "载荷长度，64 位大端序（最高位必须为 0）",
                    ),
                    _ => say("payload length, 16-bit big-endian", "载荷长度，16 位大端序"),
                },
            });
        }
        if let Some(key) = self.mask_key {
            let start = 2 + extra;
            out.push(Field {
                name: "masking key",
                bytes: start..start + 4,
                bits: None,
                value: hex(&key),
                meaning: say(
                    "payload byte i is XORed with key byte i mod 4; a fresh key per frame",
                    "载荷第 i 个字节与掩码键第 (i mod 4) 个字节异或；每一帧使用新的掩码键",
                ),
            });
        }
        let payload_end = self
            .header_len
            .saturating_add(usize::try_from(self.payload_len).unwrap_or(usize::MAX));
        out.push(Field {
            name: "payload",
            bytes: self.header_len..payload_end,
            bits: None,
            value: match lang {
                Lang::En => format!("{} bytes", self.payload_len),
                Lang::Zh => format!("{} 字节", self.payload_len),
            },
            meaning: match (self.opcode, self.masked) {
                (OpCode::Close, _) => say(
                    "close body: optional 2-byte status code, then a UTF-8 reason",
                    "关闭帧的载荷：可选的 2 字节关闭码，后跟 UTF-8 编码的原因",
                ),
                (_, true) => say(
                    "application data, masked (unmask to read it)",
                    "应用数据，已掩码（去掩码后才能读）",
                ),
                (_, false) => say("application data", "应用数据"),
            },
        });
        out
    }
}

/// Lowercase hex with a space between bytes, e.g. `37 fa 21 3d`.
fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// A header that can never be valid, whatever bytes follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameError {
    /// The 64-bit extended payload length has its most significant bit set.
    LengthHighBitSet(u64),
}

impl BreaksRule for FrameError {
    fn rule(&self) -> Cite {
        match self {
            FrameError::LengthHighBitSet(_) => cite::RFC6455_5_2,
        }
    }

    fn message_zh(&self) -> String {
        let rule = self.rule();
        match self {
            FrameError::LengthHighBitSet(len) => {
                format!("64 位载荷长度 0x{len:016x} 的最高位是 1；{rule} 要求它为 0")
            }
        }
    }
}

impl std::fmt::Display for FrameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let rule = self.rule();
        match self {
            FrameError::LengthHighBitSet(len) => write!(
                f,
                "64-bit payload length 0x{len:016x} has its most significant bit set; {rule} requires it to be 0"
            ),
        }
    }
}

impl std::error::Error for FrameError {}

/// Parses a frame header from the start of `buf`.
///
/// `Ok(None)` = need more bytes. Parses the header only (2..=14 bytes); never needs the payload.
/// Reserved opcodes, RSV bits and non-minimal lengths are *not* errors here (the header is
/// still well-formed); [`check_header`] reports them.
pub fn parse_header(buf: &[u8]) -> Result<Option<FrameHeader>, FrameError> {
    let (Some(&b0), Some(&b1)) = (buf.first(), buf.get(1)) else {
        return Ok(None);
    };
    let len7 = b1 & 0x7F;
    let masked = b1 & 0x80 != 0;
    let length_form = LengthForm::from_len7(len7);
    let extra = length_form.extra_bytes();
    let payload_len = match length_form {
        LengthForm::Short => u64::from(len7),
        LengthForm::Extended16 => match buf.get(2..4) {
            Some(&[a, b]) => u64::from(u16::from_be_bytes([a, b])),
            _ => return Ok(None),
        },
        LengthForm::Extended64 => {
            let Some(bytes) = buf.get(2..10).and_then(|s| <[u8; 8]>::try_from(s).ok()) else {
                return Ok(None);
            };
            let len = u64::from_be_bytes(bytes);
            if len >> 63 != 0 {
                return Err(FrameError::LengthHighBitSet(len));
            }
            len
        }
    };
    let mask_start = 2 + extra;
    let mask_key = if masked {
        match buf
            .get(mask_start..mask_start + 4)
            .and_then(|s| <[u8; 4]>::try_from(s).ok())
        {
            Some(k) => Some(k),
            None => return Ok(None),
        }
    } else {
        None
    };
    Ok(Some(FrameHeader {
        fin: b0 & 0x80 != 0,
        rsv1: b0 & 0x40 != 0,
        rsv2: b0 & 0x20 != 0,
        rsv3: b0 & 0x10 != 0,
        opcode: OpCode::from_u8(b0),
        masked,
        mask_key,
        payload_len,
        length_form,
        header_len: mask_start + if masked { 4 } else { 0 },
    }))
}

/// A frame header with its fields laid out, for views that show the bit layout and hex dump.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameLayout {
    /// The parsed header.
    pub header: FrameHeader,
    /// Every header field plus the payload, in wire order ([`FrameHeader::fields`]).
    pub fields: Vec<Field>,
}

impl FrameLayout {
    /// Parses the frame header at the start of `bytes`, its fields explained in `lang`;
    /// `None` if truncated or impossible.
    pub fn parse(bytes: &[u8], lang: Lang) -> Option<FrameLayout> {
        let header = parse_header(bytes).ok().flatten()?;
        Some(FrameLayout {
            fields: header.fields(lang),
            header,
        })
    }
}

impl Field {
    /// The Chinese gloss of the field's name, for the names that are words rather than tokens
    /// (`payload length`: 载荷长度); `None` in English and for `FIN`, `RSV1`, `opcode`, `MASK`.
    pub fn gloss(&self, lang: Lang) -> Option<&'static str> {
        let zh = match self.name {
            "payload length" => "载荷长度",
            "extended payload length" => "扩展载荷长度",
            "masking key" => "掩码键",
            "payload" => "载荷",
            _ => return None,
        };
        (lang == Lang::Zh).then_some(zh)
    }

    /// The field's name for a reader of `lang`: RFC 6455's own name, with the Chinese gloss
    /// beside the names that are words ("payload length（载荷长度）").
    pub fn label(&self, lang: Lang) -> String {
        match self.gloss(lang) {
            Some(zh) => format!("{}（{zh}）", self.name),
            None => self.name.to_string(),
        }
    }

    /// The field's absolute bit range in the frame (bit 0 = most significant bit of byte 0).
    pub fn bit_range(&self) -> Range<usize> {
        match self.bits {
            Some((first, count)) => {
                let start = self.bytes.start * 8 + usize::from(first);
                start..start + usize::from(count)
            }
            None => self.bytes.start * 8..self.bytes.end * 8,
        }
    }
}

/// `data` XORed with `key` (RFC 6455 §5.3), as a new buffer: [`unmask`] for a whole payload.
pub fn unmasked(data: &[u8], key: [u8; 4]) -> Vec<u8> {
    let mut out = data.to_vec();
    unmask(&mut out, key, 0);
    out
}

/// XORs `data` with `key`, where `data[0]` is payload byte number `payload_offset`
/// (so a payload can be unmasked in pieces). Masking and unmasking are the same operation (§5.3).
pub fn unmask(data: &mut [u8], key: [u8; 4], payload_offset: u64) {
    let mut key = key;
    // Align the key with the piece: byte j of the payload uses key[j mod 4].
    key.rotate_left((payload_offset % 4) as usize);
    for (b, k) in data.iter_mut().zip(key.iter().cycle()) {
        *b ^= k;
    }
}

/// One field of the frame for the bit-layout/hex view: byte range within the frame,
/// bit range within those bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Field name as in RFC 6455 §5.2, e.g. "FIN", "payload length".
    pub name: &'static str,
    /// Byte range within the frame.
    pub bytes: Range<usize>,
    /// (first bit counted from the MSB of `bytes.start`, bit count) for sub-byte fields.
    pub bits: Option<(u8, u8)>,
    /// The value, formatted for display.
    pub value: String,
    /// What the value means, in one short line.
    pub meaning: String,
}

/// What RSV1 may mean on a sender's frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rsv1 {
    /// No negotiated extension defines it: it must be 0 (RFC 6455 §5.2).
    Reserved,
    /// permessage-deflate was negotiated: it marks a compressed message, on the first frame
    /// of a data message only (RFC 7692 §6).
    Deflate,
}

/// Rules checkable from the header alone: client frames MUST be masked / server frames MUST
/// NOT (§5.1); RSV bits set without a negotiated extension (§5.2; with [`Rsv1::Deflate`],
/// RSV1 is allowed on the first frame of a data message only, RFC 7692 §6); reserved
/// opcodes (§5.2); control frames: payload <= 125 and FIN set (§5.5); non-minimal length
/// encoding (§5.2).
pub fn check_header(h: &FrameHeader, sender: Role, rsv1: Rsv1) -> Vec<Violation> {
    let from_client = sender == Role::Client;
    let mut v = Vec::new();
    if from_client && !h.masked {
        v.push(Violation::new(
            cite::RFC6455_5_1,
            "client frame is not masked; a client MUST mask every frame it sends (the server MUST close the connection, and MAY send close code 1002)",
        ));
    }
    if !from_client && h.masked {
        v.push(Violation::new(
            cite::RFC6455_5_1,
            "server frame is masked; a server MUST NOT mask frames it sends (the client MUST close the connection, and MAY send close code 1002)",
        ));
    }
    if h.rsv1 {
        if rsv1 == Rsv1::Reserved {
            v.push(Violation::new(
                cite::RFC6455_5_2,
                "RSV1 is set but no extension that defines it (e.g. permessage-deflate) was negotiated",
            ));
        } else if h.opcode.is_control() || h.opcode == OpCode::Continuation {
            v.push(Violation::new(
                cite::RFC7692_6,
                format!(
                    "RSV1 is set on a {} frame; permessage-deflate sets it only on the first frame of a data message (the receiver MUST fail the connection)",
                    h.opcode.name()
                ),
            )
.zh(format!("{} 帧置了 RSV1；permessage-deflate 只在数据消息的第一帧上设置它（接收方必须（MUST）使连接失败）", h.opcode.name())));
        }
    }
    if h.rsv2 {
        v.push(Violation::new(
            cite::RFC6455_5_2,
            "RSV2 is set but no negotiated extension defines it",
        ));
    }
    if h.rsv3 {
        v.push(Violation::new(
            cite::RFC6455_5_2,
            "RSV3 is set but no negotiated extension defines it",
        ));
    }
    match h.opcode {
        OpCode::ReservedData(x) => v.push(Violation::new(
            cite::RFC6455_5_2,
            format!(
                "opcode 0x{x:X} is reserved for future non-control frames; the receiver MUST fail the connection"
            ),
        )
.zh(format!("opcode 0x{x:X} 保留给将来的非控制帧；接收方必须（MUST）使连接失败"))),
        OpCode::ReservedControl(x) => v.push(Violation::new(
            cite::RFC6455_5_2,
            format!(
                "opcode 0x{x:X} is reserved for future control frames; the receiver MUST fail the connection"
            ),
        )
.zh(format!("opcode 0x{x:X} 保留给将来的控制帧；接收方必须（MUST）使连接失败"))),
        _ => {}
    }
    if h.opcode.is_control() {
        if h.payload_len > 125 {
            v.push(
                Violation::new(
                    cite::RFC6455_5_5,
                    format!(
                        "{} frame payload is {} bytes; control frames carry at most 125",
                        h.opcode.name(),
                        h.payload_len
                    ),
                )
                .zh(format!(
                    "{} 帧的载荷是 {} 字节；控制帧的载荷最多 125 字节",
                    h.opcode.name(),
                    h.payload_len
                )),
            );
        }
        if !h.fin {
            v.push(
                Violation::new(
                    cite::RFC6455_5_5,
                    format!(
                        "{} frame has FIN=0; control frames MUST NOT be fragmented",
                        h.opcode.name()
                    ),
                )
                .zh(format!(
                    "{} 帧的 FIN=0；控制帧不得（MUST NOT）分片",
                    h.opcode.name()
                )),
            );
        }
    }
    let minimal = LengthForm::minimal_for(h.payload_len);
    if h.length_form != minimal {
        v.push(Violation::new(
            cite::RFC6455_5_2,
            format!(
                "payload length {} is encoded in the {} form; the minimal number of bytes MUST be used ({} here)",
                h.payload_len,
                h.length_form.label(),
                minimal.label()
            ),
        )
.zh(format!("载荷长度 {} 用的是 {} 形式编码；必须（MUST）使用最少的字节数（这里是 {}）", h.payload_len, h.length_form.label(), minimal.label())));
    }
    v
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn opcode_round_trip() {
        for v in 0u8..16 {
            assert_eq!(OpCode::from_u8(v).as_u8(), v);
            assert_eq!(OpCode::from_u8(v).is_control(), v >= 8);
        }
        assert_eq!(OpCode::from_u8(0x3), OpCode::ReservedData(3));
        assert_eq!(OpCode::from_u8(0xB), OpCode::ReservedControl(0xB));
    }

    #[test]
    fn parses_short_masked_header() {
        let h = parse_header(&[0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d])
            .unwrap()
            .unwrap();
        assert!(h.fin && h.masked);
        assert_eq!(h.mask_key, Some([0x37, 0xfa, 0x21, 0x3d]));
        assert_eq!(h.header_len, 6);
        assert_eq!(h.frame_len(), 11);
        assert_eq!(parse_header(&[0x81, 0x85, 0x37]), Ok(None));
    }

    #[test]
    fn rsv1_on_a_control_frame_cites_rfc7692_framing() {
        // A ping with RSV1 (0xC9): RFC 7692 §6 forbids RSV1 on control frames.
        let h = parse_header(&[0xC9, 0x00]).unwrap().unwrap();
        let v = check_header(&h, Role::Server, Rsv1::Deflate);
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!(v[0].rule.to_string(), "RFC 7692 §6");
    }

    #[test]
    fn rejects_64bit_high_bit() {
        let buf = [0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 1];
        assert!(matches!(
            parse_header(&buf),
            Err(FrameError::LengthHighBitSet(_))
        ));
    }

    #[test]
    fn unmask_in_pieces_matches_whole() {
        let key = [1, 2, 3, 4];
        let mut whole: Vec<u8> = (0u8..23).collect();
        let mut pieces = whole.clone();
        unmask(&mut whole, key, 0);
        let (a, b) = pieces.split_at_mut(7);
        unmask(a, key, 0);
        unmask(b, key, 7);
        assert_eq!(whole, pieces);
    }

    #[test]
    fn fields_cover_header_bytes() {
        let h = parse_header(&[0x82, 0xFE, 0x01, 0x00, 9, 8, 7, 6])
            .unwrap()
            .unwrap();
        let f = h.fields(Lang::En);
        let names: Vec<_> = f.iter().map(|f| f.name).collect();
        assert_eq!(
            names,
            [
                "FIN",
                "RSV1",
                "RSV2",
                "RSV3",
                "opcode",
                "MASK",
                "payload length",
                "extended payload length",
                "masking key",
                "payload"
            ]
        );
        assert_eq!(f[7].bytes, 2..4);
        assert_eq!(f[8].bytes, 4..8);
        assert_eq!(f[8].value, "09 08 07 06");
        assert_eq!(f[9].bytes, 8..264);
    }

    #[test]
    fn masked_hello_frame_layout() {
        // RFC 6455 §5.7: a single-frame masked text message "Hello".
        let f = [
            0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
        ];
        let l = FrameLayout::parse(&f, Lang::En).unwrap();
        assert_eq!(l.header.header_len, 6);
        assert_eq!(l.header.payload_len, 5);
        assert_eq!(unmasked(&f[6..], l.header.mask_key.unwrap()), b"Hello");
        let names: Vec<&str> = l.fields.iter().map(|f| f.name).collect();
        assert_eq!(
            names,
            [
                "FIN",
                "RSV1",
                "RSV2",
                "RSV3",
                "opcode",
                "MASK",
                "payload length",
                "masking key",
                "payload"
            ]
        );
        assert_eq!(l.fields[4].bit_range(), 4..8);
        assert_eq!(l.fields[7].bit_range(), 16..48);
        for n in 0..6 {
            assert!(FrameLayout::parse(&f[..n], Lang::En).is_none());
        }
    }

    #[test]
    fn frame_layout_extended_lengths() {
        let l = FrameLayout::parse(&[0x82, 0x7E, 0x01, 0x00], Lang::En).unwrap();
        assert_eq!((l.header.header_len, l.header.payload_len), (4, 256));
        let l = FrameLayout::parse(&[0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0], Lang::En).unwrap();
        assert_eq!((l.header.header_len, l.header.payload_len), (10, 65536));
    }
}
