//! The opening handshake (RFC 6455 §4): the `Sec-WebSocket-Accept` derivation and the checks a
//! client makes on the server's answer.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use sha1::{Digest, Sha1};

use crate::proto::cite::{self, Cite};
use crate::proto::http::Headers;
use crate::proto::rule::Violation;

/// The GUID appended to the client's key (RFC 6455 §1.3, §4.2.2).
pub const GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// Each step of RFC 6455 §4.2.2 step 5, for the detail pane: key + GUID → SHA-1 → base64.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptDerivation {
    /// The `Sec-WebSocket-Key` value, as sent (surrounding whitespace trimmed).
    pub key: String,
    /// `key` followed by [`GUID`].
    pub concatenated: String,
    /// SHA-1 of `concatenated`.
    pub sha1: [u8; 20],
    /// `sha1` as 40 lowercase hex digits.
    pub sha1_hex: String,
    /// base64 of `sha1`: the expected `Sec-WebSocket-Accept`.
    pub accept: String,
}

/// Computes the `Sec-WebSocket-Accept` value for a key, keeping every intermediate step.
/// The key is used as the string it is (it is not base64-decoded, §4.2.2).
pub fn derive_accept(key: &str) -> AcceptDerivation {
    let key = key.trim();
    let concatenated = format!("{key}{GUID}");
    let sha1: [u8; 20] = Sha1::digest(concatenated.as_bytes()).into();
    let sha1_hex = sha1.iter().map(|b| format!("{b:02x}")).collect();
    AcceptDerivation {
        key: key.to_owned(),
        accept: BASE64.encode(sha1),
        concatenated,
        sha1,
        sha1_hex,
    }
}

/// GET with Upgrade: websocket (RFC 6455 §4.1).
pub fn is_upgrade_request(method: &str, headers: &[(String, String)]) -> bool {
    method == "GET" && Headers::new(headers).contains("Upgrade", "websocket")
}

/// The outcome of checking an upgrade request and its response.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UpgradeCheck {
    /// The request's `Sec-WebSocket-Key`.
    pub key: Option<String>,
    /// How the expected accept value is derived from `key`.
    pub derivation: Option<AcceptDerivation>,
    /// The response's `Sec-WebSocket-Accept`.
    pub accept: Option<String>,
    /// True when no problem was found: the connection is a WebSocket now.
    pub valid: bool,
    /// The subprotocol the server selected (`Sec-WebSocket-Protocol` in the response).
    pub protocol: Option<String>,
    /// Extensions the client offered, one entry per offer, parameters included.
    pub extensions_offered: Vec<String>,
    /// Extensions the server accepted, parameters included.
    pub extensions_negotiated: Vec<String>,
    /// Every broken rule found.
    pub problems: Vec<Violation>,
}

impl UpgradeCheck {
    /// Whether permessage-deflate was negotiated (so RSV1 marks compressed messages).
    pub fn deflate_negotiated(&self) -> bool {
        self.extensions_negotiated
            .iter()
            .any(|e| extension_name(e).eq_ignore_ascii_case("permessage-deflate"))
    }
}

/// The extension token of one `Sec-WebSocket-Extensions` element (before any `;` parameter).
pub fn extension_name(element: &str) -> &str {
    element.split(';').next().unwrap_or(element).trim()
}

/// Client side validation of the server's answer (§4.1 "the client MUST ... fail the
/// connection if"): status 101; `Upgrade: websocket`; `Connection` contains `upgrade`; accept
/// matches; subprotocol was offered; extensions were offered. Also checks the request: key is
/// base64 of exactly 16 bytes (§4.1), Sec-WebSocket-Version 13.
pub fn check_upgrade(
    request_headers: &[(String, String)],
    status: u16,
    response_headers: &[(String, String)],
) -> UpgradeCheck {
    const RULE: Cite = cite::RFC6455_4_1;
    let mut problems = Vec::new();
    let request = Headers::new(request_headers);
    let response = Headers::new(response_headers);

    // The request.
    let key = request
        .get("Sec-WebSocket-Key")
        .map(|k| k.trim().to_owned());
    match &key {
        None => problems.push(Violation::new(
            RULE,
            "the request has no Sec-WebSocket-Key header",
        )),
        Some(k) => match BASE64.decode(k) {
            Ok(nonce) if nonce.len() == 16 => {}
            Ok(nonce) => problems.push(Violation::new(
                RULE,
                format!(
                    "Sec-WebSocket-Key decodes to {} bytes; it must be a base64-encoded 16-byte random nonce",
                    nonce.len()
                ),
            )
.zh(format!("Sec-WebSocket-Key 解码后是 {} 字节；它必须是一个随机 16 字节 nonce 的 base64 编码", nonce.len()))),
            Err(_) => problems.push(Violation::new(
                RULE,
                "Sec-WebSocket-Key is not valid base64; it must be a base64-encoded 16-byte random nonce",
            )),
        },
    }
    match request.get("Sec-WebSocket-Version").map(str::trim) {
        Some("13") => {}
        Some(v) => problems.push(
            Violation::new(
                RULE,
                format!("Sec-WebSocket-Version is {v:?}; this protocol version is 13"),
            )
            .zh(format!("Sec-WebSocket-Version 是 {v:?}；本协议的版本是 13")),
        ),
        None => problems.push(Violation::new(
            RULE,
            "the request has no Sec-WebSocket-Version header (it must be 13)",
        )),
    }
    let derivation = key.as_deref().map(derive_accept);

    // The response.
    if status != 101 {
        problems.push(Violation::new(
            RULE,
            format!(
                "status is {status}, not 101 Switching Protocols; the connection did not become a WebSocket"
            ),
        )
.zh(format!("状态码是 {status}，不是 101 Switching Protocols；连接没有变成 WebSocket")));
    }
    match response.get("Upgrade").map(str::trim) {
        Some(v) if v.eq_ignore_ascii_case("websocket") => {}
        Some(v) => problems.push(
            Violation::new(
                RULE,
                format!("the response's Upgrade header is {v:?}; it must be \"websocket\""),
            )
            .zh(format!(
                "响应的 Upgrade 首部是 {v:?}；它必须是 \"websocket\""
            )),
        ),
        None => problems.push(Violation::new(
            RULE,
            "the response has no Upgrade header; it must say \"Upgrade: websocket\"",
        )),
    }
    if !response.contains("Connection", "upgrade") {
        problems.push(Violation::new(
            RULE,
            "the response's Connection header does not contain the token \"Upgrade\"",
        ));
    }
    let accept = response
        .get("Sec-WebSocket-Accept")
        .map(|a| a.trim().to_owned());
    match (&accept, &derivation) {
        (None, _) => problems.push(Violation::new(
            RULE,
            "the response has no Sec-WebSocket-Accept header",
        )),
        (Some(a), Some(d)) if *a != d.accept => problems.push(
            Violation::new(
                RULE,
                format!(
                    "Sec-WebSocket-Accept is {a:?} but base64(SHA-1(key + GUID)) is {:?}",
                    d.accept
                ),
            )
            .zh(format!(
                "Sec-WebSocket-Accept 是 {a:?}，但 base64(SHA-1(key + GUID)) 是 {:?}",
                d.accept
            )),
        ),
        _ => {}
    }

    let protocol = response
        .get("Sec-WebSocket-Protocol")
        .map(|p| p.trim().to_owned());
    if let Some(p) = &protocol
        && !request.list("Sec-WebSocket-Protocol").any(|o| o == p)
    {
        problems.push(
            Violation::new(
                RULE,
                format!("the server selected subprotocol {p:?}, which the client did not offer"),
            )
            .zh(format!("服务器选择了子协议 {p:?}，但客户端并没有提出它")),
        );
    }

    let extensions_offered = owned(request.list("Sec-WebSocket-Extensions"));
    let extensions_negotiated = owned(response.list("Sec-WebSocket-Extensions"));
    for ext in &extensions_negotiated {
        let name = extension_name(ext);
        if !extensions_offered
            .iter()
            .any(|o| extension_name(o).eq_ignore_ascii_case(name))
        {
            problems.push(
                Violation::new(
                    RULE,
                    format!(
                        "the server accepted extension {name:?}, which the client did not offer"
                    ),
                )
                .zh(format!("服务器接受了扩展 {name:?}，但客户端并没有提出它")),
            );
        }
    }

    UpgradeCheck {
        key,
        derivation,
        accept,
        valid: problems.is_empty(),
        protocol,
        extensions_offered,
        extensions_negotiated,
        problems,
    }
}

fn owned<'a>(items: impl Iterator<Item = &'a str>) -> Vec<String> {
    items.map(str::to_owned).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn rfc_example_key() {
        let d = derive_accept("dGhlIHNhbXBsZSBub25jZQ==");
        assert_eq!(d.accept, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        assert_eq!(d.sha1_hex.len(), 40);
    }

    #[test]
    fn valid_upgrade() {
        let req = h(&[
            ("Host", "x"),
            ("Upgrade", "websocket"),
            ("Connection", "Upgrade"),
            ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
            ("Sec-WebSocket-Version", "13"),
            ("Sec-WebSocket-Protocol", "chat, superchat"),
        ]);
        let resp = h(&[
            ("upgrade", "WebSocket"),
            ("connection", "keep-alive, upgrade"),
            ("sec-websocket-accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
            ("Sec-WebSocket-Protocol", "chat"),
        ]);
        assert!(is_upgrade_request("GET", &req));
        let c = check_upgrade(&req, 101, &resp);
        assert!(c.valid, "{:?}", c.problems);
        assert_eq!(c.protocol.as_deref(), Some("chat"));
    }

    #[test]
    fn accept_vector_of_rfc_6455() {
        let d = derive_accept("dGhlIHNhbXBsZSBub25jZQ==");
        assert_eq!(d.accept, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        assert_eq!(d.sha1_hex, "b37a4f2cc0624f1690f64606cf385945b2bec4ea");
    }
}
