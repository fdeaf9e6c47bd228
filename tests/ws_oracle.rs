//! Our frame parser against tungstenite's (`FrameHeader::parse`) on thousands of generated
//! frames, every truncation of each frame, and byte soup fed to every parser in `proto::ws`.
//!
//! The generator is a small deterministic xorshift PRNG so failures reproduce exactly.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail

use std::io::Cursor;

use tungstenite::protocol::frame::coding::{Control, Data, OpCode as TOpCode};
use tungstenite::protocol::frame::{Frame, FrameHeader as THeader};
use wirelab::proto::Role;
use wirelab::proto::ws::close::{CloseCode, parse_close_payload};
use wirelab::proto::ws::frame::{
    FrameError, FrameHeader, LengthForm, OpCode, Rsv1, check_header, parse_header, unmask,
};
use wirelab::proto::ws::handshake::{check_upgrade, derive_accept, is_upgrade_request};
use wirelab::proto::ws::message::{MessageAssembler, validate_text};

mod support;
use support::fixtures::{data_dir, jsonl};
use support::rng::Rng;

/// The sender of a frame that is (or is not) masked as a client's.
fn sender(from_client: bool) -> Role {
    if from_client {
        Role::Client
    } else {
        Role::Server
    }
}

/// The opcodes tungstenite accepts (it rejects reserved ones).
const OPCODES: [(u8, TOpCode); 6] = [
    (0x0, TOpCode::Data(Data::Continue)),
    (0x1, TOpCode::Data(Data::Text)),
    (0x2, TOpCode::Data(Data::Binary)),
    (0x8, TOpCode::Control(Control::Close)),
    (0x9, TOpCode::Control(Control::Ping)),
    (0xA, TOpCode::Control(Control::Pong)),
];

/// Payload lengths at and around every length-form boundary, then a deterministic spread.
fn lengths(rng: &mut Rng) -> Vec<u64> {
    let mut v: Vec<u64> = vec![
        0, 1, 2, 124, 125, 126, 127, 128, 255, 256, 1000, 65534, 65535, 65536, 65537, 70000,
    ];
    for _ in 0..120 {
        v.push(rng.below(300));
    }
    for _ in 0..30 {
        v.push(rng.below(70_000));
    }
    // Large lengths: only the header is generated (the parser never needs the payload).
    v.extend([
        1 << 20,
        u32::MAX as u64,
        1 << 32,
        (1 << 63) - 1,
        (1 << 62) + 12345,
    ]);
    for _ in 0..30 {
        v.push(rng.next() >> (1 + rng.below(50)));
    }
    v
}

/// Compares our parse of `bytes` with tungstenite's. Returns our header.
fn compare(bytes: &[u8], what: &str) -> FrameHeader {
    let ours = parse_header(bytes)
        .unwrap_or_else(|e| panic!("{what}: our parser failed: {e}"))
        .unwrap_or_else(|| panic!("{what}: our parser wants more bytes"));
    let mut cursor = Cursor::new(bytes);
    let (theirs, tlen) = THeader::parse(&mut cursor)
        .unwrap_or_else(|e| panic!("{what}: tungstenite failed: {e}"))
        .unwrap_or_else(|| panic!("{what}: tungstenite wants more bytes"));
    assert_eq!(ours.fin, theirs.is_final, "{what}: FIN");
    assert_eq!(ours.rsv1, theirs.rsv1, "{what}: RSV1");
    assert_eq!(ours.rsv2, theirs.rsv2, "{what}: RSV2");
    assert_eq!(ours.rsv3, theirs.rsv3, "{what}: RSV3");
    assert_eq!(
        ours.opcode.as_u8(),
        u8::from(theirs.opcode),
        "{what}: opcode"
    );
    assert_eq!(ours.mask_key, theirs.mask, "{what}: mask key");
    assert_eq!(ours.masked, theirs.mask.is_some(), "{what}: MASK");
    assert_eq!(ours.payload_len, tlen, "{what}: payload length");
    assert_eq!(
        ours.header_len as u64,
        cursor.position(),
        "{what}: header length"
    );
    ours
}

/// Every prefix shorter than the header means "need more bytes", for both parsers.
fn check_truncations(bytes: &[u8], header_len: usize, what: &str) {
    for n in 0..header_len {
        let prefix = &bytes[..n];
        assert_eq!(
            parse_header(prefix),
            Ok(None),
            "{what}: prefix of {n} bytes"
        );
        let t = THeader::parse(&mut Cursor::new(prefix));
        assert!(
            matches!(t, Ok(None)),
            "{what}: tungstenite on prefix of {n}"
        );
    }
}

#[test]
fn parser_agrees_with_tungstenite_on_generated_frames() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let lens = lengths(&mut rng);
    let mut frames = 0usize;
    for &len in &lens {
        for &(code, topcode) in &OPCODES {
            for masked in [false, true] {
                let what = format!("op {code:#x} len {len} masked {masked}");
                let key = masked.then(|| {
                    let k = rng.next().to_le_bytes();
                    [k[0], k[1], k[2], k[3]]
                });
                let (fin, rsv1, rsv2, rsv3) = (rng.bool(), rng.bool(), rng.bool(), rng.bool());
                let mut bytes = Vec::new();
                let header = THeader {
                    is_final: fin,
                    rsv1,
                    rsv2,
                    rsv3,
                    opcode: topcode,
                    mask: key,
                };
                let payload = if len <= 70_000 {
                    // A whole frame encoded by tungstenite, which masks the payload itself.
                    let payload = rng.bytes(len as usize);
                    let frame = Frame::from_payload(header, payload.clone().into());
                    frame.format(&mut bytes).expect("format frame");
                    Some(payload)
                } else {
                    header.format(len, &mut bytes).expect("format header");
                    None
                };
                let ours = compare(&bytes, &what);
                assert_eq!(ours.length_form, LengthForm::minimal_for(len), "{what}");
                assert_eq!(
                    ours.header_len,
                    2 + ours.length_form.extra_bytes() + if masked { 4 } else { 0 },
                    "{what}"
                );
                assert!((2..=14).contains(&ours.header_len), "{what}: header length");
                // The header parse does not depend on what follows it.
                assert_eq!(
                    parse_header(&bytes[..ours.header_len]),
                    Ok(Some(ours.clone()))
                );
                check_truncations(&bytes, ours.header_len, &what);
                // Fields tile the header exactly, in order, and describe the payload range.
                let fields = ours.fields(wirelab::lang::Lang::En);
                let mut covered = 0;
                for f in &fields {
                    if f.name == "payload" {
                        assert_eq!(f.bytes.start, ours.header_len, "{what}");
                        continue;
                    }
                    assert!(f.bytes.start <= covered, "{what}: gap before {}", f.name);
                    covered = covered.max(f.bytes.end);
                }
                assert_eq!(covered, ours.header_len, "{what}: fields cover the header");
                // Only length-form-independent rules: tungstenite always encodes minimally.
                let v = check_header(&ours, sender(masked), Rsv1::Deflate);
                assert!(
                    v.iter().all(|v| !v.message.contains("minimal")),
                    "{what}: {v:?}"
                );
                if let Some(payload) = payload {
                    assert_eq!(ours.frame_len(), bytes.len() as u64, "{what}");
                    let mut wire = bytes[ours.header_len..].to_vec();
                    if let Some(k) = ours.mask_key {
                        // Unmask in two pieces at an odd split to exercise payload_offset.
                        let split = wire.len() / 3;
                        let (a, b) = wire.split_at_mut(split);
                        unmask(a, k, 0);
                        unmask(b, k, split as u64);
                    }
                    assert_eq!(wire, payload, "{what}: unmasked payload");
                }
                frames += 1;
            }
        }
    }
    assert!(frames > 2000, "only {frames} frames generated");
}

#[test]
fn non_minimal_lengths_agree_and_are_flagged() {
    // Hand-encoded: tungstenite never writes these, but a peer might.
    let mut rng = Rng(7);
    for len in [0u64, 5, 125, 126, 200, 65535] {
        for masked in [false, true] {
            let mut b = vec![0x82, 127 | if masked { 0x80 } else { 0 }];
            b.extend(len.to_be_bytes());
            if masked {
                b.extend(rng.bytes(4));
            }
            let h = compare(&b, &format!("64-bit form for {len}"));
            assert_eq!(h.length_form, LengthForm::Extended64);
            assert!(
                check_header(&h, sender(masked), Rsv1::Reserved)
                    .iter()
                    .any(|v| v.message.contains("minimal"))
            );
            check_truncations(&b, h.header_len, "non-minimal 64");
            if len <= 0xFFFF {
                let mut b = vec![0x82, 126 | if masked { 0x80 } else { 0 }];
                b.extend((len as u16).to_be_bytes());
                if masked {
                    b.extend(rng.bytes(4));
                }
                let h = compare(&b, &format!("16-bit form for {len}"));
                assert_eq!(h.length_form, LengthForm::Extended16);
                let flagged = check_header(&h, sender(masked), Rsv1::Reserved)
                    .iter()
                    .any(|v| v.message.contains("minimal"));
                assert_eq!(flagged, len < 126, "len {len}");
            }
        }
    }
}

#[test]
fn reserved_opcodes_are_kept_where_tungstenite_refuses() {
    for code in (0x3..=0x7).chain(0xB..=0xF) {
        let b = [0x80 | code, 0x00];
        let h = parse_header(&b).expect("ok").expect("complete");
        assert_eq!(h.opcode.as_u8(), code);
        assert!(h.opcode.is_reserved());
        assert!(THeader::parse(&mut Cursor::new(&b[..])).is_err());
    }
}

fn soup(rng: &mut Rng) -> Vec<u8> {
    let n = rng.below(40) as usize;
    let mut b = rng.bytes(n);
    // Bias towards the interesting length encodings.
    if let Some(second) = b.get_mut(1) {
        match rng.below(4) {
            0 => *second = (*second & 0x80) | 126,
            1 => *second = (*second & 0x80) | 127,
            _ => {}
        }
    }
    b
}

#[test]
fn byte_soup_never_panics_and_agrees_with_tungstenite() {
    let mut rng = Rng(0xDEAD_BEEF_CAFE_F00D);
    let mut asm = MessageAssembler::with_limit(1024);
    let mut violations = Vec::new();
    for i in 0..20_000 {
        let b = soup(&mut rng);
        let ours = parse_header(&b);
        let theirs = THeader::parse(&mut Cursor::new(&b[..]));
        match (&ours, &theirs) {
            (Ok(None), Ok(None)) => {}
            (Ok(Some(h)), Ok(Some((t, len)))) => {
                assert_eq!(h.payload_len, *len, "soup {i}: {b:02x?}");
                assert_eq!(h.mask_key, t.mask, "soup {i}");
                assert_eq!(h.opcode.as_u8(), u8::from(t.opcode), "soup {i}");
            }
            // tungstenite refuses reserved opcodes once the header is complete.
            (Ok(Some(h)), Err(_)) => assert!(h.opcode.is_reserved(), "soup {i}: {b:02x?}"),
            // We refuse a 64-bit length with its top bit set (§5.2); tungstenite reads it.
            (Err(FrameError::LengthHighBitSet(len)), Ok(Some((_, tlen)))) => {
                assert_eq!(len, tlen)
            }
            // We report it as soon as the length is read, even before the masking key arrives.
            (Err(FrameError::LengthHighBitSet(_)), Err(_) | Ok(None)) => {}
            other => panic!("soup {i}: disagreement {other:?} on {b:02x?}"),
        }
        if let Ok(Some(h)) = ours {
            let _ = h.fields(wirelab::lang::Lang::En);
            let _ = h.frame_len();
            let _ = check_header(
                &h,
                sender(rng.bool()),
                if rng.bool() {
                    Rsv1::Deflate
                } else {
                    Rsv1::Reserved
                },
            );
            let payload = b.get(h.header_len..).unwrap_or_default();
            let mut p = payload.to_vec();
            if let Some(k) = h.mask_key {
                unmask(&mut p, k, rng.next());
            }
            if let Some(m) = asm.push(&h, &p, &mut violations) {
                assert!(m.payload.len() <= 1024);
                let _ = validate_text(&m.payload);
                if m.opcode == OpCode::Close {
                    let _ = parse_close_payload(&m.payload);
                }
            }
        }
        let _ = parse_close_payload(&b);
        let _ = validate_text(&b);
        let _ = CloseCode::from_u16(rng.next() as u16).meaning(wirelab::lang::Lang::En);
        let text = String::from_utf8_lossy(&b).into_owned();
        let _ = derive_accept(&text);
        let hdrs = vec![
            ("Sec-WebSocket-Key".to_string(), text.clone()),
            (text.clone(), text.clone()),
            ("Sec-WebSocket-Extensions".to_string(), text.clone()),
            ("Sec-WebSocket-Protocol".to_string(), text.clone()),
            ("Upgrade".to_string(), text.clone()),
        ];
        let _ = is_upgrade_request(&text, &hdrs);
        let _ = check_upgrade(&hdrs, rng.below(600) as u16, &hdrs);
    }
    assert!(!violations.is_empty(), "soup should break some rules");
}

// ---------------------------------------------------------------- real captures

fn data_file(name: &str) -> Vec<u8> {
    let path = data_dir("ws").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The reference rows (`ws_message` / `ws_control`) of one direction, in order of completion.
fn reference_messages(capture: &str, dir: &str) -> Vec<serde_json::Value> {
    jsonl(data_dir("ws").join(format!("{capture}.messages.jsonl")))
        .into_iter()
        .filter(|r| {
            matches!(r["kind"].as_str(), Some("ws_message" | "ws_control"))
                && r["dir"].as_str() == Some(dir)
        })
        .collect()
}

/// One frame as the reference decoder writes it in `wire`.
fn wire_entry(h: &FrameHeader) -> serde_json::Value {
    let rsv = u8::from(h.rsv1) << 2 | u8::from(h.rsv2) << 1 | u8::from(h.rsv3);
    serde_json::json!({
        "fin": u8::from(h.fin),
        "rsv": rsv,
        "opcode": h.opcode.as_u8(),
        "mask": h.mask_key.map(|k| k.iter().map(|b| format!("{b:02x}")).collect::<String>()),
        "len": h.payload_len,
        "hdr_len": h.header_len,
    })
}

/// Walks a captured byte stream frame by frame with our parser, reassembles messages, and
/// checks every frame and message against the independent decoding. `skip_over` drops
/// reference messages longer than that (frames cut out of the stored stream).
fn check_capture(capture: &str, dir: &str, skip_over: u64) -> usize {
    use sha2::{Digest, Sha256};
    let from_client = dir == "c2s";
    let stream = data_file(&format!("{capture}.{dir}.bin"));
    let mut expected = reference_messages(capture, dir)
        .into_iter()
        .filter(|r| r["payload_len"].as_u64().unwrap() <= skip_over);
    let mut asm = MessageAssembler::new();
    let mut data_wire = Vec::new();
    let mut pos = 0usize;
    let mut count = 0;
    while pos < stream.len() {
        let h = parse_header(&stream[pos..])
            .unwrap()
            .unwrap_or_else(|| panic!("{capture} {dir}: truncated frame at byte {pos}"));
        let what = format!("{capture} {dir} frame at byte {pos}");
        assert!(
            check_header(&h, sender(from_client), Rsv1::Reserved).is_empty(),
            "{what}: {:?}",
            check_header(&h, sender(from_client), Rsv1::Reserved)
        );
        let end = pos + usize::try_from(h.frame_len()).unwrap();
        let mut payload = stream[pos + h.header_len..end].to_vec();
        if let Some(k) = h.mask_key {
            unmask(&mut payload, k, 0);
        }
        let wire = if h.opcode.is_control() {
            vec![wire_entry(&h)]
        } else {
            data_wire.push(wire_entry(&h));
            Vec::new()
        };
        let mut violations = Vec::new();
        let done = asm.push(&h, &payload, &mut violations);
        assert!(violations.is_empty(), "{what}: {violations:?}");
        if let Some(m) = done {
            let wire = if h.opcode.is_control() {
                wire
            } else {
                std::mem::take(&mut data_wire)
            };
            let r = expected
                .next()
                .unwrap_or_else(|| panic!("{what}: message the reference does not have"));
            assert_eq!(u64::from(m.opcode.as_u8()), r["opcode"], "{what}");
            assert_eq!(m.opcode.name(), r["type"], "{what}");
            assert_eq!(u64::from(m.fragments), r["n_fragments"], "{what}");
            assert_eq!(m.compressed, r["compressed"], "{what}");
            assert_eq!(serde_json::Value::from(wire), r["wire"], "{what}");
            assert_eq!(m.total_len, r["payload_len"], "{what}");
            let digest: String = Sha256::digest(&m.payload)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            assert_eq!(digest, r["sha256"], "{what}");
            if let Some(text) = r["text"].as_str() {
                let ours = validate_text(&m.payload).unwrap_or_else(|v| panic!("{what}: {v}"));
                // The reference cuts long texts to 200 chars + "...[+N chars]" (the digest
                // above covers the whole payload).
                match text.rsplit_once("...[+") {
                    Some((prefix, _)) => assert!(ours.starts_with(prefix), "{what}"),
                    None => assert_eq!(ours, text, "{what}"),
                }
            }
            if m.opcode == OpCode::Close {
                let (close, v) = parse_close_payload(&m.payload);
                assert!(v.is_empty(), "{what}: {v:?}");
                assert_eq!(
                    close.code.map(u64::from),
                    r["close_code"].as_u64(),
                    "{what}"
                );
                assert_eq!(close.reason, r["close_reason"], "{what}");
            }
            count += 1;
        }
        pos = end;
    }
    assert!(!asm.in_progress(), "{capture} {dir}: unfinished message");
    assert!(
        expected.next().is_none(),
        "{capture} {dir}: missing messages"
    );
    count
}

#[test]
fn real_capture_fragmented_messages_and_interleaved_pings() {
    // websockets 17.4: text and binary in 4-5 fragments (some empty), pings between fragments.
    assert_eq!(check_capture("ws_fragmented", "c2s", u64::MAX), 7);
    assert_eq!(check_capture("ws_fragmented", "s2c", u64::MAX), 7);
}

#[test]
fn real_capture_python_echo() {
    // Every message but the 70000-byte binary, whose frames are not stored (see README.md).
    assert_eq!(check_capture("ws_python_echo", "c2s", 65535), 10);
    assert_eq!(check_capture("ws_python_echo", "s2c", 65535), 10);
    for (dir, header_len) in [("c2s", 14), ("s2c", 10)] {
        let bytes = data_file(&format!("ws_python_echo.big_headers.{dir}.bin"));
        let h = parse_header(&bytes).unwrap().unwrap();
        assert_eq!(h.header_len, header_len);
        assert_eq!(h.length_form, LengthForm::Extended64);
        assert_eq!(h.payload_len, 70000);
        assert!(check_header(&h, sender(dir == "c2s"), Rsv1::Reserved).is_empty());
        let r = reference_messages("ws_python_echo", dir)
            .into_iter()
            .find(|r| r["payload_len"] == 70000)
            .unwrap();
        assert_eq!(serde_json::Value::from(vec![wire_entry(&h)]), r["wire"]);
        // Our parse agrees with tungstenite's on real bytes too.
        compare(&bytes, "real 64-bit header");
    }
}
