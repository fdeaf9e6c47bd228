//! RFC 6455 test vectors: the §1.3 handshake example, every §5.7 example frame, close
//! payloads and codes, the header rules, message reassembly and UTF-8 validation.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail

use wirelab::proto::Role;
use wirelab::proto::http::Headers;
use wirelab::proto::rule::Violation;
use wirelab::proto::ws::close::{CloseCode, parse_close_payload};
use wirelab::proto::ws::frame::{
    FrameError, FrameHeader, LengthForm, OpCode, Rsv1, check_header, parse_header, unmask,
};
use wirelab::proto::ws::handshake::{GUID, check_upgrade, derive_accept, is_upgrade_request};
use wirelab::proto::ws::message::{MessageAssembler, validate_text};

fn hdr(bytes: &[u8]) -> FrameHeader {
    parse_header(bytes)
        .expect("valid header")
        .expect("complete header")
}

/// Parses a whole frame, returning its header and unmasked payload.
fn frame(bytes: &[u8]) -> (FrameHeader, Vec<u8>) {
    let h = hdr(bytes);
    assert_eq!(h.frame_len(), bytes.len() as u64, "frame length");
    let mut payload = bytes[h.header_len..].to_vec();
    if let Some(key) = h.mask_key {
        unmask(&mut payload, key, 0);
    }
    (h, payload)
}

fn field_value(h: &FrameHeader, name: &str) -> String {
    h.fields(wirelab::lang::Lang::En)
        .into_iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no field {name}"))
        .value
}

fn rules(v: &[Violation]) -> Vec<String> {
    v.iter().map(|v| v.rule.to_string()).collect()
}

fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

// ---------------------------------------------------------------- §1.3 handshake

#[test]
fn rfc_1_3_accept_derivation() {
    let key = "dGhlIHNhbXBsZSBub25jZQ==";
    let d = derive_accept(key);
    assert_eq!(d.key, key);
    assert_eq!(d.concatenated, format!("{key}{GUID}"));
    assert_eq!(
        d.concatenated,
        "dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
    );
    // RFC 6455 §1.3 gives the SHA-1 as the bytes 0xb3 0x7a 0x4f 0x2c 0xc0 0x62 0x4f 0x16 0x90
    // 0xf6 0x46 0x06 0xcf 0x38 0x59 0x45 0xb2 0xbe 0xc4 0xea.
    assert_eq!(d.sha1_hex, "b37a4f2cc0624f1690f64606cf385945b2bec4ea");
    assert_eq!(
        d.sha1,
        [
            0xb3, 0x7a, 0x4f, 0x2c, 0xc0, 0x62, 0x4f, 0x16, 0x90, 0xf6, 0x46, 0x06, 0xcf, 0x38,
            0x59, 0x45, 0xb2, 0xbe, 0xc4, 0xea
        ]
    );
    assert_eq!(d.accept, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    let oracle = tungstenite::handshake::derive_accept_key(key.as_bytes());
    assert_eq!(d.accept, oracle);
    // The intermediate SHA-1 too: tungstenite's accept value decodes to our digest.
    use base64::Engine as _;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(&oracle)
        .expect("base64");
    assert_eq!(decoded, d.sha1);
}

#[test]
fn accept_derivation_agrees_with_tungstenite() {
    let mut x: u64 = 0x1234_5678_9abc_def1;
    for _ in 0..200 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let key = format!("{x:016x}{:08x}==", x >> 32);
        assert_eq!(
            derive_accept(&key).accept,
            tungstenite::handshake::derive_accept_key(key.as_bytes())
        );
    }
}

fn rfc_request() -> Vec<(String, String)> {
    headers(&[
        ("Host", "server.example.com"),
        ("Upgrade", "websocket"),
        ("Connection", "Upgrade"),
        ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
        ("Origin", "http://example.com"),
        ("Sec-WebSocket-Protocol", "chat, superchat"),
        ("Sec-WebSocket-Version", "13"),
    ])
}

fn rfc_response() -> Vec<(String, String)> {
    headers(&[
        ("Upgrade", "websocket"),
        ("Connection", "Upgrade"),
        ("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
        ("Sec-WebSocket-Protocol", "chat"),
    ])
}

#[test]
fn rfc_1_3_upgrade_is_valid() {
    let req = rfc_request();
    assert!(is_upgrade_request("GET", &req));
    assert!(!is_upgrade_request("POST", &req));
    assert_eq!(Headers::new(&req).get("sec-websocket-version"), Some("13"));
    assert!(
        Headers::new(&headers(&[("connection", "keep-alive, Upgrade")]))
            .contains("Connection", "upgrade")
    );
    let c = check_upgrade(&req, 101, &rfc_response());
    assert!(c.valid, "{:?}", c.problems);
    assert_eq!(c.key.as_deref(), Some("dGhlIHNhbXBsZSBub25jZQ=="));
    assert_eq!(c.accept.as_deref(), Some("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
    assert_eq!(
        c.derivation.map(|d| d.accept).as_deref(),
        Some("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    );
    assert_eq!(c.protocol.as_deref(), Some("chat"));
}

#[test]
fn upgrade_problems_are_named() {
    let req = rfc_request();
    // Wrong accept value.
    let mut resp = rfc_response();
    resp[2].1 = "AAAAAAAAAAAAAAAAAAAAAAAAAAA=".into();
    let c = check_upgrade(&req, 101, &resp);
    assert!(!c.valid);
    assert!(c.problems.iter().any(|p| p.message.contains("Accept")));
    // Not 101, no Upgrade, no Connection token, a protocol nobody offered, an unoffered extension.
    let resp = headers(&[
        ("Connection", "keep-alive"),
        ("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
        ("Sec-WebSocket-Protocol", "megachat"),
        ("Sec-WebSocket-Extensions", "permessage-deflate"),
    ]);
    let c = check_upgrade(&req, 200, &resp);
    assert!(!c.valid);
    assert_eq!(c.problems.len(), 5, "{:#?}", c.problems);
    assert!(
        c.problems
            .iter()
            .all(|p| p.rule.to_string() == "RFC 6455 §4.1")
    );
    // A key that is not a 16-byte nonce, and a wrong version.
    let req = headers(&[
        ("Upgrade", "websocket"),
        ("Connection", "Upgrade"),
        ("Sec-WebSocket-Key", "c2hvcnQ="),
        ("Sec-WebSocket-Version", "8"),
    ]);
    let resp = headers(&[
        ("Upgrade", "websocket"),
        ("Connection", "Upgrade"),
        ("Sec-WebSocket-Accept", &derive_accept("c2hvcnQ=").accept),
    ]);
    let c = check_upgrade(&req, 101, &resp);
    assert_eq!(c.problems.len(), 2, "{:#?}", c.problems);
    assert!(c.problems[0].message.contains("16"));
    assert!(c.problems[1].message.contains("13"));
}

#[test]
fn negotiated_extensions_are_reported() {
    let mut req = rfc_request();
    req.push((
        "Sec-WebSocket-Extensions".into(),
        "permessage-deflate; client_max_window_bits".into(),
    ));
    let mut resp = rfc_response();
    resp.push((
        "Sec-WebSocket-Extensions".into(),
        "permessage-deflate; server_no_context_takeover".into(),
    ));
    let c = check_upgrade(&req, 101, &resp);
    assert!(c.valid, "{:?}", c.problems);
    assert_eq!(
        c.extensions_offered,
        ["permessage-deflate; client_max_window_bits"]
    );
    assert_eq!(
        c.extensions_negotiated,
        ["permessage-deflate; server_no_context_takeover"]
    );
    assert!(c.deflate_negotiated());
}

// ---------------------------------------------------------------- §5.7 frames

#[test]
fn rfc_5_7_single_frame_unmasked_text() {
    let bytes = [0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f];
    let (h, payload) = frame(&bytes);
    assert!(h.fin && !h.rsv1 && !h.rsv2 && !h.rsv3 && !h.masked);
    assert_eq!(h.opcode, OpCode::Text);
    assert_eq!(h.mask_key, None);
    assert_eq!(h.payload_len, 5);
    assert_eq!(h.length_form, LengthForm::Short);
    assert_eq!(h.header_len, 2);
    assert_eq!(payload, b"Hello");
    assert!(check_header(&h, Role::Server, Rsv1::Reserved).is_empty());
    // A server frame from a client breaks §5.1.
    assert_eq!(
        rules(&check_header(&h, Role::Client, Rsv1::Reserved)),
        ["RFC 6455 §5.1"]
    );

    let fields = h.fields(wirelab::lang::Lang::En);
    let names: Vec<_> = fields.iter().map(|f| f.name).collect();
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
            "payload"
        ]
    );
    assert_eq!(fields[0].bits, Some((0, 1)));
    assert_eq!(fields[4].bits, Some((4, 4)));
    assert_eq!(fields[4].value, "0x1 (text)");
    assert_eq!(fields[5].bytes, 1..2);
    assert_eq!(fields[6].bits, Some((1, 7)));
    assert_eq!(fields[6].value, "5");
    assert!(fields[6].meaning.contains("0–125"));
    assert_eq!(fields[7].bytes, 2..7);
}

#[test]
fn rfc_5_7_single_frame_masked_text() {
    let bytes = [
        0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
    ];
    let (h, payload) = frame(&bytes);
    assert!(h.fin && h.masked);
    assert_eq!(h.opcode, OpCode::Text);
    assert_eq!(h.mask_key, Some([0x37, 0xfa, 0x21, 0x3d]));
    assert_eq!(h.payload_len, 5);
    assert_eq!(h.length_form, LengthForm::Short);
    assert_eq!(h.header_len, 6);
    assert_eq!(payload, b"Hello");
    assert!(check_header(&h, Role::Client, Rsv1::Reserved).is_empty());
    assert_eq!(
        rules(&check_header(&h, Role::Server, Rsv1::Reserved)),
        ["RFC 6455 §5.1"]
    );
    let key = h
        .fields(wirelab::lang::Lang::En)
        .into_iter()
        .find(|f| f.name == "masking key");
    let key = key.expect("masking key field");
    assert_eq!(key.bytes, 2..6);
    assert_eq!(key.value, "37 fa 21 3d");
    // Unmasking in pieces gives the same bytes as all at once.
    let mut piecewise = bytes[6..].to_vec();
    let (a, b) = piecewise.split_at_mut(3);
    unmask(a, [0x37, 0xfa, 0x21, 0x3d], 0);
    unmask(b, [0x37, 0xfa, 0x21, 0x3d], 3);
    assert_eq!(piecewise, b"Hello");
}

#[test]
fn rfc_5_7_fragmented_unmasked_text() {
    let first = [0x01, 0x03, 0x48, 0x65, 0x6c];
    let last = [0x80, 0x02, 0x6c, 0x6f];
    let (h1, p1) = frame(&first);
    let (h2, p2) = frame(&last);
    assert!(!h1.fin);
    assert_eq!(h1.opcode, OpCode::Text);
    assert_eq!(field_value(&h1, "FIN"), "0");
    assert!(h2.fin);
    assert_eq!(h2.opcode, OpCode::Continuation);
    assert_eq!(field_value(&h2, "opcode"), "0x0 (continuation)");
    assert!(check_header(&h1, Role::Server, Rsv1::Reserved).is_empty());
    assert!(check_header(&h2, Role::Server, Rsv1::Reserved).is_empty());

    let mut asm = MessageAssembler::new();
    let mut v = Vec::new();
    assert!(asm.push(&h1, &p1, &mut v).is_none());
    assert!(asm.in_progress());
    let m = asm.push(&h2, &p2, &mut v).expect("message complete");
    assert!(v.is_empty(), "{v:?}");
    assert!(!asm.in_progress());
    assert_eq!(m.opcode, OpCode::Text);
    assert_eq!(m.fragments, 2);
    assert!(!m.compressed);
    assert_eq!(m.payload, b"Hello");
    assert_eq!(m.total_len, 5);
    assert_eq!(validate_text(&m.payload), Ok("Hello"));
}

#[test]
fn rfc_5_7_ping_and_masked_pong() {
    let ping = [0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f];
    let (h, p) = frame(&ping);
    assert_eq!(h.opcode, OpCode::Ping);
    assert!(h.opcode.is_control() && h.fin && !h.masked);
    assert_eq!(p, b"Hello");
    assert_eq!(field_value(&h, "opcode"), "0x9 (ping)");
    assert!(check_header(&h, Role::Server, Rsv1::Reserved).is_empty());

    let pong = [
        0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
    ];
    let (h, p) = frame(&pong);
    assert_eq!(h.opcode, OpCode::Pong);
    assert!(h.masked && h.fin);
    assert_eq!(h.header_len, 6);
    assert_eq!(p, b"Hello");
    assert_eq!(field_value(&h, "opcode"), "0xA (pong)");
    assert!(check_header(&h, Role::Client, Rsv1::Reserved).is_empty());
}

#[test]
fn rfc_5_7_binary_256_bytes_16bit_length() {
    let mut bytes = vec![0x82, 0x7E, 0x01, 0x00];
    bytes.extend((0..256).map(|i| i as u8));
    let (h, p) = frame(&bytes);
    assert!(h.fin && !h.masked);
    assert_eq!(h.opcode, OpCode::Binary);
    assert_eq!(h.payload_len, 256);
    assert_eq!(h.length_form, LengthForm::Extended16);
    assert_eq!(h.header_len, 4);
    assert_eq!(p.len(), 256);
    assert!(check_header(&h, Role::Server, Rsv1::Reserved).is_empty());
    let f = h.fields(wirelab::lang::Lang::En);
    let len7 = f.iter().find(|f| f.name == "payload length").expect("len");
    assert_eq!(len7.value, "126");
    assert!(len7.meaning.contains("16-bit"));
    let ext = f
        .iter()
        .find(|f| f.name == "extended payload length")
        .expect("ext");
    assert_eq!(ext.bytes, 2..4);
    assert_eq!(ext.value, "256");
    let payload = f.iter().find(|f| f.name == "payload").expect("payload");
    assert_eq!(payload.bytes, 4..260);
}

#[test]
fn rfc_5_7_binary_64k_64bit_length() {
    let mut bytes = vec![0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00];
    bytes.extend((0..65536u32).map(|i| (i % 251) as u8));
    let (h, p) = frame(&bytes);
    assert!(h.fin && !h.masked);
    assert_eq!(h.opcode, OpCode::Binary);
    assert_eq!(h.payload_len, 65536);
    assert_eq!(h.length_form, LengthForm::Extended64);
    assert_eq!(h.header_len, 10);
    assert_eq!(p.len(), 65536);
    assert!(check_header(&h, Role::Server, Rsv1::Reserved).is_empty());
    let f = h.fields(wirelab::lang::Lang::En);
    assert_eq!(field_value(&h, "payload length"), "127");
    let ext = f
        .iter()
        .find(|f| f.name == "extended payload length")
        .expect("ext");
    assert_eq!(ext.bytes, 2..10);
    assert_eq!(ext.value, "65536");
    let payload = f.iter().find(|f| f.name == "payload").expect("payload");
    assert_eq!(payload.bytes, 10..65546);
    // The parser needs only the header, never the payload.
    assert_eq!(parse_header(&bytes[..10]), Ok(Some(h)));
}

#[test]
fn header_is_2_to_14_bytes() {
    let max = [0x82, 0xFF, 0, 0, 0, 0, 0, 1, 0, 0, 1, 2, 3, 4];
    let h = hdr(&max);
    assert_eq!(h.header_len, 14);
    for n in 0..14 {
        assert_eq!(parse_header(&max[..n]), Ok(None), "prefix {n}");
    }
    assert_eq!(hdr(&[0x88, 0x00]).header_len, 2);
}

#[test]
fn length_msb_set_is_an_error_naming_the_rule() {
    let bytes = [0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 0];
    let err = parse_header(&bytes).expect_err("MSB set");
    assert!(matches!(err, FrameError::LengthHighBitSet(_)));
    assert!(err.to_string().contains("RFC 6455 §5.2"));
}

// ---------------------------------------------------------------- header rules

#[test]
fn check_header_violations() {
    // Unmasked client frame.
    let h = hdr(&[0x81, 0x05]);
    let v = check_header(&h, Role::Client, Rsv1::Reserved);
    assert_eq!(rules(&v), ["RFC 6455 §5.1"]);
    assert!(v[0].message.contains("MUST mask"));

    // Control frame with a 300-byte payload (126 + 16-bit length), from a server.
    let h = hdr(&[0x89, 0x7E, 0x01, 0x2C]);
    let v = check_header(&h, Role::Server, Rsv1::Reserved);
    assert_eq!(rules(&v), ["RFC 6455 §5.5"]);
    assert_eq!(
        v[0].message,
        "ping frame payload is 300 bytes; control frames carry at most 125"
    );

    // Fragmented control frame (FIN=0 close).
    let h = hdr(&[0x08, 0x00]);
    let v = check_header(&h, Role::Server, Rsv1::Reserved);
    assert_eq!(rules(&v), ["RFC 6455 §5.5"]);
    assert!(v[0].message.contains("MUST NOT be fragmented"));

    // Reserved opcodes, data and control.
    let h = hdr(&[0x83, 0x00]);
    assert_eq!(h.opcode, OpCode::ReservedData(3));
    assert_eq!(h.opcode.name(), "reserved");
    let v = check_header(&h, Role::Server, Rsv1::Reserved);
    assert_eq!(rules(&v), ["RFC 6455 §5.2"]);
    assert!(v[0].message.contains("0x3"));
    let h = hdr(&[0x8B, 0x00]);
    assert_eq!(h.opcode, OpCode::ReservedControl(0xB));
    assert!(h.opcode.is_control() && h.opcode.is_reserved());
    assert_eq!(
        rules(&check_header(&h, Role::Server, Rsv1::Reserved)),
        ["RFC 6455 §5.2"]
    );

    // RSV bits without an extension; RSV1 allowed once permessage-deflate is negotiated.
    let h = hdr(&[0xC1, 0x00]);
    assert_eq!(
        rules(&check_header(&h, Role::Server, Rsv1::Reserved)),
        ["RFC 6455 §5.2"]
    );
    assert!(check_header(&h, Role::Server, Rsv1::Deflate).is_empty());
    let h = hdr(&[0xB1, 0x00]);
    assert_eq!(
        rules(&check_header(&h, Role::Server, Rsv1::Deflate)),
        ["RFC 6455 §5.2", "RFC 6455 §5.2"]
    );
    // RSV1 on a continuation or control frame is wrong even with permessage-deflate.
    let h = hdr(&[0xC0, 0x00]);
    assert_eq!(
        rules(&check_header(&h, Role::Server, Rsv1::Deflate)),
        ["RFC 7692 §6"]
    );

    // Non-minimal length encodings.
    let h = hdr(&[0x82, 0x7E, 0x00, 0x05]);
    let v = check_header(&h, Role::Server, Rsv1::Reserved);
    assert_eq!(rules(&v), ["RFC 6455 §5.2"]);
    assert!(v[0].message.contains("minimal"));
    let h = hdr(&[0x82, 0x7F, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]);
    assert_eq!(
        rules(&check_header(&h, Role::Server, Rsv1::Reserved)),
        ["RFC 6455 §5.2"]
    );
    let h = hdr(&[0x82, 0x7E, 0x00, 0x7E]);
    assert!(check_header(&h, Role::Server, Rsv1::Reserved).is_empty());
}

// ---------------------------------------------------------------- close

#[test]
fn close_payload_parsing() {
    let (p, v) = parse_close_payload(&[]);
    assert_eq!(p.code, None);
    assert_eq!(p.reason, "");
    assert!(v.is_empty());

    let (p, v) = parse_close_payload(&[0x03]);
    assert_eq!(p.code, None);
    assert_eq!(rules(&v), ["RFC 6455 §5.5.1"]);

    let (p, v) = parse_close_payload(b"\x03\xe8done");
    assert_eq!(p.code, Some(1000));
    assert_eq!(p.reason, "done");
    assert_eq!(p.close_code(), Some(CloseCode::Normal));
    assert!(v.is_empty());

    let (p, v) = parse_close_payload(b"\x03\xe9");
    assert_eq!(p.code, Some(1001));
    assert_eq!(p.reason, "");
    assert!(v.is_empty());

    for forbidden in [0u16, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535] {
        let (p, v) = parse_close_payload(&forbidden.to_be_bytes());
        assert_eq!(p.code, Some(forbidden));
        // 1004 (reserved) and 1005/1006/1015 (MUST NOT be sent) are §7.4.1's; the unused and
        // reserved ranges are §7.4.2's.
        let section = if matches!(forbidden, 1004..=1006 | 1015) {
            "RFC 6455 §7.4.1"
        } else {
            "RFC 6455 §7.4.2"
        };
        assert_eq!(rules(&v), [section], "code {forbidden}");
    }
    for allowed in [1000u16, 1003, 1007, 1011, 1014, 3000, 3999, 4000, 4999] {
        let (_, v) = parse_close_payload(&allowed.to_be_bytes());
        assert!(v.is_empty(), "code {allowed}: {v:?}");
    }

    let (p, v) = parse_close_payload(b"\x03\xe8bad \xff here");
    assert_eq!(p.code, Some(1000));
    assert_eq!(p.reason, "bad \u{fffd} here");
    assert_eq!(rules(&v), ["RFC 6455 §5.5.1"]);
    assert!(v[0].message.contains("1007"));
}

#[test]
fn close_code_names_and_meanings() {
    let table = [
        (1000, CloseCode::Normal, "Normal Closure", true),
        (1001, CloseCode::GoingAway, "Going Away", true),
        (1002, CloseCode::Protocol, "Protocol Error", true),
        (1003, CloseCode::Unsupported, "Unsupported Data", true),
        (1004, CloseCode::Reserved, "Reserved", false),
        (1005, CloseCode::NoStatus, "No Status Received", false),
        (1006, CloseCode::Abnormal, "Abnormal Closure", false),
        (1007, CloseCode::Invalid, "Invalid Frame Payload Data", true),
        (1008, CloseCode::Policy, "Policy Violation", true),
        (1009, CloseCode::TooBig, "Message Too Big", true),
        (1010, CloseCode::Extension, "Mandatory Extension", true),
        (1011, CloseCode::Internal, "Internal Error", true),
        (1012, CloseCode::ServiceRestart, "Service Restart", true),
        (1013, CloseCode::TryAgain, "Try Again Later", true),
        (1014, CloseCode::BadGateway, "Bad Gateway", true),
        (1015, CloseCode::Tls, "TLS Handshake", false),
        (
            3001,
            CloseCode::Iana(3001),
            "Library/Framework (IANA range)",
            true,
        ),
        (4321, CloseCode::Private(4321), "Private Use", true),
        (2000, CloseCode::Unassigned(2000), "Unassigned", false),
    ];
    for (n, code, name, sendable) in table {
        assert_eq!(CloseCode::from_u16(n), code);
        assert_eq!(code.as_u16(), n);
        assert_eq!(code.name(), name);
        assert_eq!(code.may_be_sent(), sendable, "{n}");
        assert!(!code.meaning(wirelab::lang::Lang::En).is_empty());
    }
    assert!(
        CloseCode::Normal
            .meaning(wirelab::lang::Lang::En)
            .contains("fulfilled")
    );
    assert!(
        CloseCode::Invalid
            .meaning(wirelab::lang::Lang::En)
            .contains("UTF-8")
    );
    assert!(
        CloseCode::Abnormal
            .meaning(wirelab::lang::Lang::En)
            .contains("without a close frame")
    );
}

#[test]
fn close_code_validity_agrees_with_tungstenite() {
    use tungstenite::protocol::frame::coding::CloseCode as T;
    for n in 0..=u16::MAX {
        // 1014 (Bad Gateway) was registered with IANA after tungstenite's table was written.
        if n == 1014 {
            continue;
        }
        assert_eq!(
            CloseCode::from_u16(n).may_be_sent(),
            T::from(n).is_allowed(),
            "close code {n}"
        );
    }
}

// ---------------------------------------------------------------- messages

#[test]
fn ping_between_fragments() {
    // Client side: masked fragments "Hel" + "lo" with a ping in between (§5.4).
    let key = [1, 2, 3, 4];
    let masked = |b0: u8, payload: &[u8]| {
        let mut f = vec![b0, 0x80 | payload.len() as u8, 1, 2, 3, 4];
        let mut p = payload.to_vec();
        unmask(&mut p, key, 0);
        f.extend(p);
        f
    };
    let frames = [
        masked(0x01, b"Hel"),
        masked(0x89, b"beat"),
        masked(0x80, b"lo"),
    ];
    let mut asm = MessageAssembler::new();
    let mut v = Vec::new();
    let mut out = Vec::new();
    for f in &frames {
        let (h, p) = frame(f);
        assert!(check_header(&h, Role::Client, Rsv1::Reserved).is_empty());
        if let Some(m) = asm.push(&h, &p, &mut v) {
            out.push(m);
        }
    }
    assert!(v.is_empty(), "{v:?}");
    assert_eq!(out.len(), 2);
    assert_eq!(out[0].opcode, OpCode::Ping);
    assert_eq!(out[0].payload, b"beat");
    assert_eq!(out[0].fragments, 1);
    assert_eq!(out[1].opcode, OpCode::Text);
    assert_eq!(out[1].payload, b"Hello");
    assert_eq!(out[1].fragments, 2);
}

#[test]
fn fragmentation_violations() {
    let mut asm = MessageAssembler::new();
    let mut v = Vec::new();
    // Continuation with nothing in progress.
    assert!(asm.push(&hdr(&[0x80, 0x00]), &[], &mut v).is_none());
    assert_eq!(rules(&v), ["RFC 6455 §5.4"]);
    v.clear();
    // A new data frame while a message is in progress: the new one wins.
    assert!(asm.push(&hdr(&[0x02, 0x01]), b"a", &mut v).is_none());
    let m = asm.push(&hdr(&[0x81, 0x01]), b"b", &mut v).expect("text");
    assert_eq!(rules(&v), ["RFC 6455 §5.4"]);
    assert_eq!(m.opcode, OpCode::Text);
    assert_eq!(m.payload, b"b");
    assert!(!asm.in_progress());
}

#[test]
fn compressed_flag_comes_from_first_frame() {
    let mut asm = MessageAssembler::new();
    let mut v = Vec::new();
    assert!(asm.push(&hdr(&[0x41, 0x01]), b"x", &mut v).is_none());
    let m = asm.push(&hdr(&[0x80, 0x01]), b"y", &mut v).expect("done");
    assert!(m.compressed);
    assert_eq!(m.fragments, 2);
}

#[test]
fn size_limit_counts_without_storing() {
    let mut asm = MessageAssembler::with_limit(10);
    let mut v = Vec::new();
    let start = hdr(&[0x02, 0x08]);
    let cont = hdr(&[0x00, 0x08]);
    let end = hdr(&[0x80, 0x08]);
    assert!(asm.push(&start, &[1; 8], &mut v).is_none());
    assert!(asm.push(&cont, &[2; 8], &mut v).is_none());
    let m = asm.push(&end, &[3; 8], &mut v).expect("done");
    assert_eq!(m.payload.len(), 10);
    assert_eq!(m.total_len, 24);
    assert!(m.truncated());
    assert_eq!(m.fragments, 3);
    assert_eq!(v.len(), 1, "limit reported once: {v:?}");
    assert!(v[0].message.contains("1009"));
}

#[test]
fn invalid_utf8_text() {
    assert_eq!(validate_text("héllo ✓".as_bytes()), Ok("héllo ✓"));
    let err = validate_text(b"ab\xffcd").expect_err("invalid");
    assert_eq!(err.rule.to_string(), "RFC 6455 §8.1");
    assert!(err.message.contains("offset 2"));
    assert!(err.message.contains("1007"));
    // A character cut in half at the end is invalid too (the whole message is checked).
    let err = validate_text(&"✓".as_bytes()[..2]).expect_err("truncated");
    assert!(err.message.contains("ends inside a character"));
    // Surrogates encoded in UTF-8 (CESU) are not UTF-8.
    assert!(validate_text(b"\xed\xa0\x80").is_err());
}
