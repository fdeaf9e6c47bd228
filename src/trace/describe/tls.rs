//! Summaries and notes for TLS records (RFC 8446): what a capture of a `wss://` connection
//! shows without the keys, and what each record hides.

use crate::proto::cite;
use crate::proto::tls::{
    content_type, content_type_name, handshake_type, handshake_type_name, version_name,
};
use crate::trace::{EventKind, Observed};

/// The one-line summary of a TLS record, e.g. `TLS handshake: ClientHello (517 B record)`.
pub(super) fn summary(kind: &EventKind) -> Option<String> {
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
    let what = match (*t, hs.and_then(handshake_type_name)) {
        (_, Some(name)) => format!("TLS handshake: {name} ({record} B record)"),
        (content_type::APPLICATION_DATA, None) => {
            format!("TLS application_data: {length} B encrypted ({record} B record)")
        }
        (t, None) => format!("TLS {} ({record} B record)", content_type_name(t)),
    };
    // In the lab the tap above TLS shows the plaintext beside these: say which is which.
    Some(match observed {
        Some(Observed::Socket) => format!("on the wire: {what}"),
        _ => what,
    })
}

/// The note of a TLS record, or `None` for anything else.
pub(super) fn note(kind: &EventKind) -> Option<String> {
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
    let header = format!(
        "A TLS record: a 5-byte header (type {} = {}, legacy_record_version {:#06x}, length \
         {length}) and {length} bytes after it ({}). The header is all a capture can read \
         without the keys.",
        t,
        content_type_name(*t),
        version,
        cite::RFC8446_5_1
    );
    let what = match (*t, *hs) {
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
        (content_type::ALERT, _) => {
            "An alert sent before encryption began (after it, an alert is an encrypted \
             application_data record)."
                .to_string()
        }
        _ => {
            "A handshake record sent after encryption began: its content is encrypted.".to_string()
        }
    };
    let source = match observed {
        Some(Observed::Socket) => {
            " The lab read this record on the TCP socket below its TLS layer: exactly the bytes \
             the packets carry (save the run as pcapng to see the packets themselves). The rows \
             without \"on the wire\" come from the tap above TLS, which sees the plaintext."
        }
        _ => "",
    };
    Some(format!("{header} {what}{source}"))
}
