//! The detail pane's sections other than the frame view: HTTP heads, the
//! `Sec-WebSocket-Accept` derivation, messages (text, compressed), close payloads.

use base64::Engine as _;
use egui::{Grid, RichText, Ui};

use super::PAYLOAD_LIMIT;
use crate::proto::cite;
use crate::proto::ws::close::CloseCode;
use crate::proto::ws::frame::{self, FrameLayout};
use crate::trace::{EventKind, Trace};
use crate::ui::theme::Theme;

/// Lowercase hex without separators, e.g. a masking key `37fa213d`.
pub(super) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(super) fn hex_preview(bytes: &[u8], limit: usize) -> String {
    let shown = bytes.get(..limit.min(bytes.len())).unwrap_or(bytes);
    let mut out = String::new();
    for (i, chunk) in shown.chunks(16).enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let line: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
        out.push_str(&line.join(" "));
    }
    if out.is_empty() {
        out.push_str("(empty)");
    }
    out
}

/// A close frame without a status code: the code is reported by whoever receives it.
fn no_status_note() -> String {
    format!(
        "No status code: the endpoint that receives this close frame reports 1005 (No Status \
         Received); a browser's CloseEvent.code says 1005 only when the browser received it ({}).",
        cite::RFC6455_7_1_5
    )
}

pub(super) fn close_payload_ui(ui: &mut Ui, payload: &[u8]) {
    match payload {
        [] => {
            ui.label(no_status_note());
        }
        [_] => {
            ui.label(format!(
                "A 1-byte close payload is invalid ({}: a code is 2 bytes).",
                cite::RFC6455_5_5_1
            ));
        }
        [a, b, reason @ ..] => {
            let code = u16::from_be_bytes([*a, *b]);
            close_code_ui(ui, code, &String::from_utf8_lossy(reason));
        }
    }
}

fn close_code_ui(ui: &mut Ui, code: u16, reason: &str) {
    ui.label(
        RichText::new(format!(
            "Close code {code}: {}",
            CloseCode::from_u16(code).name()
        ))
        .strong(),
    );
    ui.label(CloseCode::from_u16(code).meaning());
    ui.label(format!("Reason: {reason:?}"));
}

pub(super) fn message_ui(ui: &mut Ui, trace: &Trace, kind: &EventKind, frames: &[usize]) {
    let EventKind::WsMessage {
        opcode,
        fragments,
        compressed,
        payload_len,
        wire_payload_len,
        text,
        data_b64,
        close_code,
        close_reason,
        ..
    } = kind
    else {
        return;
    };
    Grid::new("message")
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            ui.label("opcode");
            ui.monospace(format!("0x{opcode:X}"));
            ui.end_row();
            ui.label("frames");
            ui.monospace(fragments.to_string());
            ui.end_row();
            ui.label("compressed");
            ui.monospace(compressed.to_string());
            ui.end_row();
            ui.label("payload length");
            ui.monospace(format!("{payload_len} bytes"));
            ui.end_row();
            if let Some(wire) = wire_payload_len {
                ui.label("on the wire");
                ui.monospace(format!("{wire} bytes, compressed"));
                ui.end_row();
            }
        });
    if *compressed {
        compressed_ui(ui, trace, frames, text.as_deref(), data_b64.as_deref());
        return;
    }
    if let Some(code) = close_code {
        close_code_ui(ui, *code, close_reason.as_deref().unwrap_or(""));
    } else if *opcode == 0x8 {
        ui.label(no_status_note());
    }
    if let Some(t) = text {
        ui.label("text:");
        text_preview_ui(ui, t);
    }
    if let Some(b64) = data_b64 {
        match base64::engine::general_purpose::STANDARD.decode(b64) {
            Ok(data) if *opcode != 0x8 => {
                ui.label("data:");
                ui.monospace(hex_preview(&data, 64));
                if data.len() > 64 {
                    ui.weak(format!("… {} more bytes", data.len() - 64));
                }
            }
            Ok(_) => {}
            Err(_) => {
                ui.weak("(payload not decodable)");
            }
        }
    }
}

/// Text as it is (quotes are not escaped: they are part of the payload), in a monospace block;
/// control characters other than newlines and tabs are shown as escapes, and long texts cut.
pub(super) fn text_preview_ui(ui: &mut Ui, text: &str) {
    text_preview_limited_ui(ui, text, PAYLOAD_LIMIT);
}

/// [`text_preview_ui`] showing at most `limit` characters.
pub(super) fn text_preview_limited_ui(ui: &mut Ui, text: &str, limit: usize) {
    let mut shown = String::new();
    for c in text.chars().take(limit) {
        match c {
            '\n' | '\t' => shown.push(c),
            c if c.is_control() => shown.push_str(&c.escape_unicode().to_string()),
            c => shown.push(c),
        }
    }
    ui.add(egui::Label::new(RichText::new(shown).monospace()).wrap());
    let more = text.chars().count().saturating_sub(limit);
    if more > 0 {
        ui.weak(format!("… {more} more characters"));
    }
}

/// A compressed message (RFC 7692): what its frames carried, unmasked, beside what it
/// inflated to.
fn compressed_ui(
    ui: &mut Ui,
    trace: &Trace,
    frames: &[usize],
    text: Option<&str>,
    data_b64: Option<&str>,
) {
    // The frames' payloads, unmasked and joined: the compressed message as the sender wrote it.
    let mut wire = Vec::new();
    let mut recorded = !frames.is_empty();
    for f in frames {
        let bytes = trace.events.get(*f).and_then(|e| trace.event_bytes(e));
        match bytes.and_then(|b| Some((b, FrameLayout::parse(b)?))) {
            Some((b, layout)) => {
                let payload = b
                    .get(layout.header.header_len.min(b.len())..)
                    .unwrap_or_default();
                match layout.header.mask_key {
                    Some(key) => wire.extend(frame::unmasked(payload, key)),
                    None => wire.extend_from_slice(payload),
                }
            }
            None => recorded = false,
        }
    }
    ui.add_space(4.0);
    ui.label(RichText::new("permessage-deflate (RFC 7692): compressed and inflated").strong());
    ui.label(
        "The sender compressed the message with DEFLATE and removed the final 00 00 ff ff; the \
         receiver appends it and inflates, keeping its window from earlier messages unless \
         no_context_takeover was negotiated.",
    );
    let inflated: Vec<u8> = match (text, data_b64) {
        (Some(t), _) => t.as_bytes().to_vec(),
        (None, Some(b)) => base64::engine::general_purpose::STANDARD
            .decode(b)
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    // Columns justify their text; hex and payloads read better left-aligned.
    let plain = egui::Layout::top_down(egui::Align::Min);
    ui.columns(2, |cols| {
        if let [left, right] = cols {
            left.with_layout(plain, |ui| {
                ui.strong(format!("on the wire ({} bytes, unmasked)", wire.len()));
                if recorded {
                    ui.monospace(hex_preview(&wire, PAYLOAD_LIMIT));
                    if wire.len() > PAYLOAD_LIMIT {
                        ui.weak(format!("… {} more bytes", wire.len() - PAYLOAD_LIMIT));
                    }
                } else {
                    ui.weak("Raw bytes were not recorded (a large file is opened without them).");
                }
            });
            right.with_layout(plain, |ui| {
                ui.strong(format!("inflated ({} bytes)", inflated.len()));
                match text {
                    Some(t) => text_preview_ui(ui, t),
                    None => {
                        ui.monospace(hex_preview(&inflated, PAYLOAD_LIMIT));
                        if inflated.len() > PAYLOAD_LIMIT {
                            ui.weak(format!("… {} more bytes", inflated.len() - PAYLOAD_LIMIT));
                        }
                    }
                }
            });
        }
    });
}

pub(super) fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

pub(super) fn http_ui(
    ui: &mut Ui,
    version: &str,
    start_line: &str,
    meaning: Option<&str>,
    headers: &[(String, String)],
    head_len: u64,
    body_len: u64,
) {
    // The message's own version: an HTTP/1.0 message is not an HTTP/1.1 one.
    ui.label(RichText::new(format!("{version} message")).strong());
    ui.monospace(start_line);
    if let Some(m) = meaning {
        ui.label(m);
    }
    ui.add_space(4.0);
    // One block per header: `Name: value`, then what it means, so it reads in a narrow pane.
    for (name, value) in headers {
        ui.horizontal_wrapped(|ui| {
            ui.spacing_mut().item_spacing.x = 0.0;
            ui.label(RichText::new(format!("{name}: ")).monospace().strong());
            ui.label(RichText::new(value).monospace());
        });
        if let Some(explanation) = crate::proto::http::explain_header(name) {
            ui.indent(name, |ui| {
                ui.weak(explanation.to_string());
            });
        }
    }
    ui.add_space(4.0);
    // A body announced at its head (an event stream) has no length yet: the body view says
    // how much came.
    if body_len > 0 {
        ui.label(format!(
            "head {head_len} bytes (including the final CRLF CRLF), body {body_len} bytes"
        ));
    } else {
        ui.label(format!(
            "head {head_len} bytes (including the final CRLF CRLF)"
        ));
    }
}

pub(super) fn accept_ui(ui: &mut Ui, key: &str, expected: &str, accept: Option<&str>, valid: bool) {
    let d = crate::proto::ws::handshake::derive_accept(key);
    ui.label(
        RichText::new(format!(
            "Sec-WebSocket-Accept, step by step ({})",
            cite::RFC6455_4_2_2
        ))
        .strong(),
    );
    // Each step on its own line, its value below it: the values are long (key + GUID is 60
    // characters) and must wrap in a narrow pane rather than run past its edge.
    let guid = crate::proto::ws::handshake::GUID;
    let steps = [
        ("1. client's Sec-WebSocket-Key", d.key.clone()),
        ("2. append the GUID", format!("{} + {guid}", d.key)),
        ("3. SHA-1 (hex)", d.sha1_hex.clone()),
        ("4. base64 of the 20 bytes", d.accept.clone()),
        (
            "server's Sec-WebSocket-Accept",
            accept.unwrap_or("(missing)").to_string(),
        ),
    ];
    for (step, value) in steps {
        ui.label(step);
        ui.indent(step, |ui| {
            ui.add(egui::Label::new(RichText::new(value).monospace()).wrap());
        });
    }
    let matches = accept == Some(d.accept.as_str());
    if matches {
        ui.colored_label(
            Theme::of(ui.ctx()).ok,
            "OK, match: the server read this key",
        );
    } else {
        ui.colored_label(
            Theme::of(ui.ctx()).error,
            format!(
                "MISMATCH: the client MUST fail the WebSocket connection ({})",
                cite::RFC6455_4_1
            ),
        );
    }
    if d.accept != expected {
        ui.weak(format!("(the dissector expected {expected})"));
    }
    if valid != matches {
        ui.weak(format!(
            "upgrade judged {} by the dissector (it also checks Upgrade/Connection)",
            if valid { "valid" } else { "invalid" }
        ));
    }
}
