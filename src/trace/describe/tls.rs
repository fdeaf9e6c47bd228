//! Summaries and notes for TLS records (RFC 8446): what a capture of a `wss://` connection
//! shows without the keys, and what each record hides.

use crate::lang::Lang;
use crate::proto::cite;
use crate::proto::tls::{
    content_type, content_type_name, handshake_type, handshake_type_name, version_name,
};
use crate::trace::{EventKind, Observed};

/// The one-line summary of a TLS record, e.g. `TLS handshake: ClientHello (517 B record)`.
pub(super) fn summary(kind: &EventKind, lang: Lang) -> Option<String> {
    let EventKind::TlsRecord {
        content_type: t,
        length,
        handshake_type: hs,
        observed,
        ..
    } = kind
    else {
        return None;
    };
    let record = u64::from(*length) + 5;
    let what = match (*t, hs.and_then(handshake_type_name), lang) {
        (_, Some(name), Lang::En) => format!("TLS handshake: {name} ({record} B record)"),
        (_, Some(name), Lang::Zh) => format!("TLS 握手：{name}（记录 {record} B）"),
        (content_type::APPLICATION_DATA, None, Lang::En) => {
            format!("TLS application_data: {length} B encrypted ({record} B record)")
        }
        (content_type::APPLICATION_DATA, None, Lang::Zh) => {
            format!("TLS application_data：{length} B 密文（记录 {record} B）")
        }
        (t, None, Lang::En) => format!("TLS {} ({record} B record)", content_type_name(t)),
        (t, None, Lang::Zh) => format!("TLS {}（记录 {record} B）", content_type_name(t)),
    };
    // In the lab the tap above TLS shows the plaintext beside these: say which is which.
    Some(match (observed, lang) {
        (Some(Observed::Socket), Lang::En) => format!("on the wire: {what}"),
        (Some(Observed::Socket), Lang::Zh) => format!("线路上：{what}"),
        _ => what,
    })
}

/// The note of a TLS record in `lang`, or `None` for anything else.
pub(super) fn note(kind: &EventKind, lang: Lang) -> Option<String> {
    let EventKind::TlsRecord {
        content_type: t,
        version,
        length,
        handshake_type: hs,
        observed,
    } = kind
    else {
        return None;
    };
    let (t, hs, version, length) = (*t, *hs, *version, *length);
    let below_tls = *observed == Some(Observed::Socket);
    Some(match lang {
        Lang::En => note_en(t, hs, version, length, below_tls),
        Lang::Zh => note_zh(t, hs, version, length, below_tls),
    })
}

fn note_en(t: u8, hs: Option<u8>, version: u16, length: u16, below_tls: bool) -> String {
    let header = format!(
        "A TLS record: a 5-byte header (type {} = {}, legacy_record_version {:#06x}, length \
         {length}) and {length} bytes after it ({}). The header is all a capture can read \
         without the keys.",
        t,
        content_type_name(t),
        version,
        cite::RFC8446_5_1
    );
    let what = match (t, hs) {
        (content_type::HANDSHAKE, Some(handshake_type::CLIENT_HELLO)) => format!(
            "The ClientHello, the client's first message, is sent in the clear: the versions \
             and cipher suites it offers, a random and its key shares ({}). Its record may say \
             {} (0x0301) for compatibility, a field every receiver ignores ({}); the version is \
             negotiated in the supported_versions extension ({}).",
            cite::RFC8446_4_1_2,
            version_name(0x0301),
            cite::RFC8446_5_1,
            cite::RFC8446_4_2_1
        ),
        (content_type::HANDSHAKE, Some(handshake_type::SERVER_HELLO)) => format!(
            "The ServerHello, also in the clear: the version and cipher suite the server chose \
             and its key share ({}). From here on both ends derive keys; in TLS 1.3 the rest of \
             the handshake (the server's certificate included) is encrypted.",
            cite::RFC8446_4_1_3
        ),
        (content_type::CHANGE_CIPHER_SPEC, _) => format!(
            "In TLS 1.3 this one-byte record means nothing: it is sent only so that middleboxes \
             that expect TLS 1.2 let the connection through, and is ignored ({}). In TLS 1.2 it \
             announced that the sender's next records are encrypted.",
            cite::RFC8446_D_4
        ),
        (content_type::APPLICATION_DATA, _) => format!(
            "Encrypted: in TLS 1.3 every protected record says application_data and 0x0303 \
             outside; its real content type, its bytes (the rest of the handshake, the HTTP \
             upgrade, each WebSocket frame, alerts) and any padding are inside the ciphertext, \
             with the cipher's authentication tag (16 bytes with AES-GCM or ChaCha20-Poly1305) \
             ({}). A capture sees only when and how big: this is what TLS hides.",
            cite::RFC8446_5_2
        ),
        (content_type::ALERT, _) => "An alert sent before encryption began (after it, an alert \
             is an encrypted application_data record)."
            .to_string(),
        _ => {
            "A handshake record sent after encryption began: its content is encrypted.".to_string()
        }
    };
    let source = if below_tls {
        " The lab read this record on the TCP socket below its TLS layer: exactly the bytes \
         the packets carry (save the run as pcapng to see the packets themselves). The rows \
         without \"on the wire\" come from the tap above TLS, which sees the plaintext."
    } else {
        ""
    };
    format!("{header} {what}{source}")
}

fn note_zh(t: u8, hs: Option<u8>, version: u16, length: u16, below_tls: bool) -> String {
    let header = format!(
        "一个 TLS 记录：5 字节的记录头（类型 {} = {}，legacy_record_version {:#06x}，长度 \
         {length}），后面跟着 {length} 字节（{}）。没有密钥时，抓包能读懂的只有这个记录头。",
        t,
        content_type_name(t),
        version,
        cite::RFC8446_5_1
    );
    let what = match (t, hs) {
        (content_type::HANDSHAKE, Some(handshake_type::CLIENT_HELLO)) => format!(
            "ClientHello 是客户端的第一条消息，以明文发送：它提供的版本和密码套件、一个随机数以及\
             它的密钥共享（{}）。为了兼容，它的记录可能写 {}（0x0301），这个字段所有接收方都忽略\
             （{}）；版本是在 supported_versions 扩展中协商的（{}）。",
            cite::RFC8446_4_1_2,
            version_name(0x0301),
            cite::RFC8446_5_1,
            cite::RFC8446_4_2_1
        ),
        (content_type::HANDSHAKE, Some(handshake_type::SERVER_HELLO)) => format!(
            "ServerHello 也是明文：服务器选定的版本、密码套件和它的密钥共享（{}）。从这里起双方\
             推导密钥；在 TLS 1.3 中，握手的其余部分（包括服务器的证书）都是加密的。",
            cite::RFC8446_4_1_3
        ),
        (content_type::CHANGE_CIPHER_SPEC, _) => format!(
            "在 TLS 1.3 中，这个 1 字节的记录没有任何意义：发送它只是为了让期望 TLS 1.2 的中间设备\
             放行连接，接收方会忽略它（{}）。在 TLS 1.2 中，它宣告发送方之后的记录都是加密的。",
            cite::RFC8446_D_4
        ),
        (content_type::APPLICATION_DATA, _) => format!(
            "已加密：在 TLS 1.3 中，每个受保护的记录外面都写着 application_data 和 0x0303；它真正的\
             内容类型、它的字节（握手的其余部分、HTTP 升级、每个 WebSocket 帧、告警）和填充都在\
             密文里，还有密码算法的认证标签（AES-GCM 或 ChaCha20-Poly1305 为 16 字节）（{}）。\
             抓包只能看到何时发送、有多大：这就是 TLS 隐藏的东西。",
            cite::RFC8446_5_2
        ),
        (content_type::ALERT, _) => {
            "一个在加密开始前发送的告警（加密开始后，告警是一个加密的 application_data 记录）。"
                .to_string()
        }
        _ => "一个在加密开始后发送的握手记录：它的内容是加密的。".to_string(),
    };
    let source = if below_tls {
        "实验是在 TLS 层之下的 TCP 套接字上读到这个记录的：正是报文段携带的字节（把这次运行保存\
         为 pcapng 就能看到报文段本身）。没有“线路上”字样的行来自 TLS 之上的探针，它看到的是明文。"
    } else {
        ""
    };
    format!("{header}{what}{source}")
}
