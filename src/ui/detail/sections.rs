//! The detail pane's sections other than the frame view: HTTP heads, the
//! `Sec-WebSocket-Accept` derivation, messages (text, compressed), close payloads.

use base64::Engine as _;
use egui::{Grid, RichText, Ui};

use super::{PAYLOAD_LIMIT, tr};
use crate::lang::Lang;
use crate::proto::cite;
use crate::proto::ws::close::CloseCode;
use crate::proto::ws::frame::{self, FrameLayout};
use crate::trace::{EventKind, Trace};
use crate::ui::theme::Theme;

/// Lowercase hex without separators, e.g. a masking key `37fa213d`.
pub(super) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// "… 12 more bytes", for a view cut at its limit.
pub(super) fn more_bytes(n: usize, lang: Lang) -> String {
    match lang {
        Lang::En => format!("… {n} more bytes"),
        Lang::Zh => format!("… 还有 {n} 字节"),
    }
}

pub(super) fn hex_preview(bytes: &[u8], limit: usize, lang: Lang) -> String {
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
        out.push_str(tr(lang, "(empty)", "（空）"));
    }
    out
}

/// A close frame without a status code: the code is reported by whoever receives it.
fn no_status_note(lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "No status code: the endpoint that receives this close frame reports 1005 (No Status \
             Received); a browser's CloseEvent.code says 1005 only when the browser received it ({}).",
            cite::RFC6455_7_1_5
        ),
        Lang::Zh => format!(
            "没有关闭码：收到这个关闭帧的一端报告 1005（No Status Received）；浏览器的 \
             CloseEvent.code 只有在浏览器自己收到它时才是 1005（{}）。",
            cite::RFC6455_7_1_5
        ),
    }
}

pub(super) fn close_payload_ui(ui: &mut Ui, payload: &[u8], lang: Lang) {
    match payload {
        [] => {
            ui.label(no_status_note(lang));
        }
        [_] => {
            ui.label(match lang {
                Lang::En => format!(
                    "A 1-byte close payload is invalid ({}: a code is 2 bytes).",
                    cite::RFC6455_5_5_1
                ),
                Lang::Zh => format!(
                    "只有 1 字节的关闭帧载荷是无效的（{}：关闭码占 2 字节）。",
                    cite::RFC6455_5_5_1
                ),
            });
        }
        [a, b, reason @ ..] => {
            let code = u16::from_be_bytes([*a, *b]);
            close_code_ui(ui, code, &String::from_utf8_lossy(reason), lang);
        }
    }
}

fn close_code_ui(ui: &mut Ui, code: u16, reason: &str, lang: Lang) {
    let name = CloseCode::from_u16(code).name();
    let title = match lang {
        Lang::En => format!("Close code {code}: {name}"),
        Lang::Zh => format!("关闭码 {code}：{name}"),
    };
    ui.label(RichText::new(title).strong());
    ui.label(CloseCode::from_u16(code).meaning(lang));
    ui.label(match lang {
        Lang::En => format!("Reason: {reason:?}"),
        Lang::Zh => format!("原因（reason）：{reason:?}"),
    });
}

pub(super) fn message_ui(
    ui: &mut Ui,
    trace: &Trace,
    kind: &EventKind,
    frames: &[usize],
    lang: Lang,
) {
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
            ui.label(tr(lang, "frames", "帧数"));
            ui.monospace(fragments.to_string());
            ui.end_row();
            ui.label(tr(lang, "compressed", "已压缩"));
            ui.monospace(compressed.to_string());
            ui.end_row();
            ui.label(tr(lang, "payload length", "载荷长度"));
            ui.monospace(bytes_text(*payload_len, lang));
            ui.end_row();
            if let Some(wire) = wire_payload_len {
                ui.label(tr(lang, "on the wire", "线路上"));
                ui.monospace(match lang {
                    Lang::En => format!("{wire} bytes, compressed"),
                    Lang::Zh => format!("{wire} 字节，已压缩"),
                });
                ui.end_row();
            }
        });
    if *compressed {
        compressed_ui(
            ui,
            trace,
            frames,
            text.as_deref(),
            data_b64.as_deref(),
            lang,
        );
        return;
    }
    if let Some(code) = close_code {
        close_code_ui(ui, *code, close_reason.as_deref().unwrap_or(""), lang);
    } else if *opcode == 0x8 {
        ui.label(no_status_note(lang));
    }
    if let Some(t) = text {
        ui.label(tr(lang, "text:", "文本："));
        text_preview_ui(ui, t, lang);
    }
    if let Some(b64) = data_b64 {
        match base64::engine::general_purpose::STANDARD.decode(b64) {
            Ok(data) if *opcode != 0x8 => {
                ui.label(tr(lang, "data:", "数据："));
                ui.monospace(hex_preview(&data, 64, lang));
                if data.len() > 64 {
                    ui.weak(more_bytes(data.len() - 64, lang));
                }
            }
            Ok(_) => {}
            Err(_) => {
                ui.weak(tr(lang, "(payload not decodable)", "（载荷无法解码）"));
            }
        }
    }
}

/// "12 bytes" in `lang`.
fn bytes_text(n: u64, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{n} bytes"),
        Lang::Zh => format!("{n} 字节"),
    }
}

/// Text as it is (quotes are not escaped: they are part of the payload), in a monospace block;
/// control characters other than newlines and tabs are shown as escapes, and long texts cut.
pub(super) fn text_preview_ui(ui: &mut Ui, text: &str, lang: Lang) {
    text_preview_limited_ui(ui, text, PAYLOAD_LIMIT, lang);
}

/// [`text_preview_ui`] showing at most `limit` characters.
pub(super) fn text_preview_limited_ui(ui: &mut Ui, text: &str, limit: usize, lang: Lang) {
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
        ui.weak(match lang {
            Lang::En => format!("… {more} more characters"),
            Lang::Zh => format!("… 还有 {more} 个字符"),
        });
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
    lang: Lang,
) {
    // The frames' payloads, unmasked and joined: the compressed message as the sender wrote it.
    let mut wire = Vec::new();
    let mut recorded = !frames.is_empty();
    for f in frames {
        let bytes = trace.events.get(*f).and_then(|e| trace.event_bytes(e));
        match bytes.and_then(|b| Some((b, FrameLayout::parse(b, lang)?))) {
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
    ui.label(
        RichText::new(match lang {
            Lang::En => format!(
                "permessage-deflate ({}): compressed and inflated",
                cite::RFC7692_7
            ),
            Lang::Zh => format!(
                "permessage-deflate（{}）：压缩的与解压后的",
                cite::RFC7692_7
            ),
        })
        .strong(),
    );
    ui.label(tr(
        lang,
        "The sender compressed the message with DEFLATE and removed the final 00 00 ff ff; the \
         receiver appends it and inflates, keeping its window from earlier messages unless \
         no_context_takeover was negotiated.",
        "发送方用 DEFLATE 压缩消息，并去掉末尾的 00 00 ff ff；接收方把它补回去再解压。除非协商了 \
         no_context_takeover，双方都会保留之前消息的滑动窗口（上下文）。",
    ));
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
                ui.strong(match lang {
                    Lang::En => format!("on the wire ({} bytes, unmasked)", wire.len()),
                    Lang::Zh => format!("线路上（{} 字节，已去掩码）", wire.len()),
                });
                if recorded {
                    ui.monospace(hex_preview(&wire, PAYLOAD_LIMIT, lang));
                    if wire.len() > PAYLOAD_LIMIT {
                        ui.weak(more_bytes(wire.len() - PAYLOAD_LIMIT, lang));
                    }
                } else {
                    ui.weak(tr(
                        lang,
                        "Raw bytes were not recorded (a large file is opened without them).",
                        "没有记录原始字节（打开大文件时不保留它们）。",
                    ));
                }
            });
            right.with_layout(plain, |ui| {
                ui.strong(match lang {
                    Lang::En => format!("inflated ({} bytes)", inflated.len()),
                    Lang::Zh => format!("解压后（{} 字节）", inflated.len()),
                });
                match text {
                    Some(t) => text_preview_ui(ui, t, lang),
                    None => {
                        ui.monospace(hex_preview(&inflated, PAYLOAD_LIMIT, lang));
                        if inflated.len() > PAYLOAD_LIMIT {
                            ui.weak(more_bytes(inflated.len() - PAYLOAD_LIMIT, lang));
                        }
                    }
                }
            });
        }
    });
}

pub(super) fn list_or_none(items: &[String], lang: Lang) -> String {
    if items.is_empty() {
        tr(lang, "none", "无").into()
    } else {
        items.join(", ")
    }
}

/// An HTTP message's head as the HTTP section shows it.
pub(super) struct HttpHead<'a> {
    /// The message's own version, e.g. `HTTP/1.1`.
    pub version: &'a str,
    /// The request or status line.
    pub start_line: &'a str,
    /// What the status means (responses only).
    pub meaning: Option<&'a str>,
    /// The header fields in order.
    pub headers: &'a [(String, String)],
    /// Bytes of the head, with its final CRLF CRLF.
    pub head_len: u64,
    /// Bytes of the body.
    pub body_len: u64,
}

pub(super) fn http_ui(ui: &mut Ui, head: &HttpHead<'_>, lang: Lang) {
    let HttpHead {
        version,
        start_line,
        meaning,
        headers,
        head_len,
        body_len,
    } = *head;
    // The message's own version: an HTTP/1.0 message is not an HTTP/1.1 one.
    let title = match lang {
        Lang::En => format!("{version} message"),
        Lang::Zh => format!("{version} 报文"),
    };
    ui.label(RichText::new(title).strong());
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
                ui.weak(explanation.shown(lang));
            });
        }
    }
    ui.add_space(4.0);
    // A body announced at its head (an event stream) has no length yet: the body view says
    // how much came.
    ui.label(match (body_len > 0, lang) {
        (true, Lang::En) => {
            format!("head {head_len} bytes (including the final CRLF CRLF), body {body_len} bytes")
        }
        (false, Lang::En) => format!("head {head_len} bytes (including the final CRLF CRLF)"),
        (true, Lang::Zh) => {
            format!("首部 {head_len} 字节（含末尾的 CRLF CRLF），消息体 {body_len} 字节")
        }
        (false, Lang::Zh) => format!("首部 {head_len} 字节（含末尾的 CRLF CRLF）"),
    });
}

pub(super) fn accept_ui(
    ui: &mut Ui,
    key: &str,
    expected: &str,
    accept: Option<&str>,
    valid: bool,
    lang: Lang,
) {
    let d = crate::proto::ws::handshake::derive_accept(key);
    let title = match lang {
        Lang::En => format!(
            "Sec-WebSocket-Accept, step by step ({})",
            cite::RFC6455_4_2_2
        ),
        Lang::Zh => format!("Sec-WebSocket-Accept 的计算步骤（{}）", cite::RFC6455_4_2_2),
    };
    ui.label(RichText::new(title).strong());
    // Each step on its own line, its value below it: the values are long (key + GUID is 60
    // characters) and must wrap in a narrow pane rather than run past its edge.
    let guid = crate::proto::ws::handshake::GUID;
    let steps = [
        (
            tr(
                lang,
                "1. client's Sec-WebSocket-Key",
                "1. 客户端的 Sec-WebSocket-Key（随机 16 字节 nonce 的 base64，24 个字符）",
            ),
            d.key.clone(),
        ),
        (
            tr(lang, "2. append the GUID", "2. 在后面拼接固定的 GUID"),
            format!("{} + {guid}", d.key),
        ),
        (
            tr(lang, "3. SHA-1 (hex)", "3. 对拼接结果求 SHA-1（十六进制）"),
            d.sha1_hex.clone(),
        ),
        (
            tr(
                lang,
                "4. base64 of the 20 bytes",
                "4. 把这 20 字节的摘要做 base64 编码",
            ),
            d.accept.clone(),
        ),
        (
            tr(
                lang,
                "server's Sec-WebSocket-Accept",
                "服务器发来的 Sec-WebSocket-Accept",
            ),
            accept
                .unwrap_or(tr(lang, "(missing)", "（缺失）"))
                .to_string(),
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
            tr(
                lang,
                "OK, match: the server read this key",
                "一致：服务器确实读到了这个 key",
            ),
        );
    } else {
        ui.colored_label(
            Theme::of(ui.ctx()).error,
            match lang {
                Lang::En => format!(
                    "MISMATCH: the client MUST fail the WebSocket connection ({})",
                    cite::RFC6455_4_1
                ),
                Lang::Zh => format!(
                    "不一致：客户端必须（MUST）使 WebSocket 连接失败（{}）",
                    cite::RFC6455_4_1
                ),
            },
        );
    }
    if d.accept != expected {
        ui.weak(match lang {
            Lang::En => format!("(the dissector expected {expected})"),
            Lang::Zh => format!("（解析器期望的是 {expected}）"),
        });
    }
    if valid != matches {
        ui.weak(match (valid, lang) {
            (true, Lang::En) => {
                "upgrade judged valid by the dissector (it also checks Upgrade/Connection)"
            }
            (false, Lang::En) => {
                "upgrade judged invalid by the dissector (it also checks Upgrade/Connection)"
            }
            (true, Lang::Zh) => "解析器判定这次升级有效（它还检查 Upgrade/Connection）",
            (false, Lang::Zh) => "解析器判定这次升级无效（它还检查 Upgrade/Connection）",
        });
    }
}
