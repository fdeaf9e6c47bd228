//! The detail pane's frame view: the header's bit layout beside its field table, the hex
//! dump (hovering a field highlights its bytes and the reverse), the payload masked and
//! unmasked.

use std::collections::BTreeSet;
use std::ops::Range;

use egui::{Align2, Color32, FontId, Grid, Pos2, Rect, RichText, Sense, Stroke, Ui, Vec2};

use super::sections::{close_payload_ui, hex, hex_preview, more_bytes, text_preview_ui};
use super::{DetailView, HEX_LIMIT, Hover, PAYLOAD_LIMIT, tr};
use crate::lang::Lang;
use crate::proto::cite;
use crate::proto::ws::frame::{self, FrameLayout};
use crate::trace::{Event, EventKind, Trace};
use crate::ui::theme::Theme;

/// Below this width (points) the header's fields are listed one under another, not as a
/// four-column table.
const FIELD_TABLE_MIN_WIDTH: f32 = 520.0;

impl DetailView {
    /// A frame: bit layout, field table, hex dump, payload masked and unmasked.
    pub(super) fn frame_ui(&mut self, ui: &mut Ui, trace: &Trace, event: &Event, lang: Lang) {
        let recorded = trace.event_bytes(event);
        let synthesized;
        let bytes: &[u8] = match recorded {
            Some(b) => b,
            None => {
                synthesized = synth_header(&event.kind);
                &synthesized
            }
        };
        let Some(layout) = FrameLayout::parse(bytes, lang) else {
            ui.label(tr(
                lang,
                "The frame's bytes are incomplete; its header could not be parsed.",
                "这一帧的字节不完整，无法解析帧头。",
            ));
            return;
        };
        if recorded.is_none() {
            ui.weak(tr(
                lang,
                "Raw bytes were not recorded: the header below is rebuilt from the event's fields.",
                "没有记录原始字节：下面的帧头是根据事件的字段重建的。",
            ));
        }
        let highlighted = self.highlighted_fields(&layout);

        let title = match lang {
            Lang::En => format!("Frame header ({})", cite::RFC6455_5_2),
            Lang::Zh => format!("帧头（{}）", cite::RFC6455_5_2),
        };
        ui.label(RichText::new(title).strong());
        // The bit layout needs 320 points for its 32 columns: in a narrow pane (presenter zoom
        // beside a lesson's narration) it scrolls sideways instead of spilling under the diagram.
        egui::ScrollArea::horizontal()
            .id_salt("frame-bits")
            .auto_shrink([false, true])
            .show(ui, |ui| self.bit_layout_ui(ui, &layout, &highlighted, lang));
        ui.add_space(6.0);
        // Four columns need room: in a narrow pane (presenter zoom beside a lesson's
        // narration) each field is a line of name, bytes and value with its meaning below.
        let narrow = ui.available_width() < FIELD_TABLE_MIN_WIDTH;
        let field_name = |ui: &mut Ui, i: usize, f: &frame::Field| -> egui::Response {
            let name = if highlighted.contains(&i) {
                RichText::new(f.name)
                    .strong()
                    .color(Theme::of(ui.ctx()).field_highlight)
            } else {
                RichText::new(f.name)
            };
            // RFC 6455's name, and below it the Chinese one: the column stays as narrow as
            // in English, leaving the room to the meaning.
            ui.vertical(|ui| {
                ui.add(egui::Label::new(name).extend());
                if let Some(gloss) = f.gloss(lang) {
                    ui.add(egui::Label::new(RichText::new(gloss).weak()).extend());
                }
            })
            .response
        };
        if narrow {
            for (i, f) in layout.fields.iter().enumerate() {
                ui.separator();
                let row = ui.horizontal_wrapped(|ui| {
                    let r1 = field_name(ui, i, f);
                    let r2 = ui.monospace(field_position(f, lang));
                    let r3 = ui.monospace(format!("= {}", f.value));
                    r1.hovered() || r2.hovered() || r3.hovered()
                });
                let r4 = ui.add(egui::Label::new(RichText::new(&f.meaning).weak()).wrap());
                if row.inner || r4.hovered() {
                    self.next_hover = Some(Hover::Field(i));
                }
            }
        } else {
            Grid::new("frame-fields")
                .num_columns(4)
                .striped(true)
                .show(ui, |ui| {
                    ui.strong(tr(lang, "field", "字段"));
                    ui.strong(tr(lang, "bytes", "字节"));
                    ui.strong(tr(lang, "value", "值"));
                    ui.strong(tr(lang, "meaning", "含义"));
                    ui.end_row();
                    for (i, f) in layout.fields.iter().enumerate() {
                        let r1 = field_name(ui, i, f);
                        let r2 = ui.monospace(field_position(f, lang));
                        let r3 = ui.monospace(&f.value);
                        let r4 = ui.add(egui::Label::new(&f.meaning).wrap());
                        if r1.hovered() || r2.hovered() || r3.hovered() || r4.hovered() {
                            self.next_hover = Some(Hover::Field(i));
                        }
                        ui.end_row();
                    }
                });
        }
        ui.add_space(6.0);
        ui.label(RichText::new(tr(lang, "Bytes on the wire", "线路上的字节")).strong());
        let byte_hl = highlighted_bytes(&layout, &highlighted);
        self.hex_view_ui(ui, bytes, &byte_hl, None, HEX_LIMIT, lang);

        // Payload.
        let start = layout.header.header_len.min(bytes.len());
        let payload = bytes.get(start..).unwrap_or(&[]);
        if recorded.is_some() {
            ui.add_space(6.0);
            let title = match lang {
                Lang::En => format!("Payload ({} bytes)", layout.header.payload_len),
                Lang::Zh => format!("载荷（{} 字节）", layout.header.payload_len),
            };
            ui.label(RichText::new(title).strong());
            let unmasked = match layout.header.mask_key {
                Some(key) => {
                    ui.label(tr(
                        lang,
                        "masked, as on the wire:",
                        "掩码后，即线路上的样子：",
                    ));
                    ui.monospace(hex_preview(payload, PAYLOAD_LIMIT, lang));
                    ui.label(match lang {
                        Lang::En => format!("unmasked (XOR with {}):", hex(&key)),
                        Lang::Zh => format!("去掩码后（与 {} 异或）：", hex(&key)),
                    });
                    frame::unmasked(
                        payload
                            .get(..PAYLOAD_LIMIT.min(payload.len()))
                            .unwrap_or(payload),
                        key,
                    )
                }
                None => payload
                    .get(..PAYLOAD_LIMIT.min(payload.len()))
                    .unwrap_or(payload)
                    .to_vec(),
            };
            ui.monospace(hex_preview(&unmasked, PAYLOAD_LIMIT, lang));
            if layout.header.opcode.as_u8() == 0x8 {
                close_payload_ui(ui, &unmasked, lang);
            } else if layout.header.rsv1 {
                // Deflated bytes are not text even when they happen to be valid UTF-8.
                ui.weak(tr(
                    lang,
                    "compressed (RSV1): the message shows the inflated text",
                    "已压缩（RSV1）：消息里显示的是解压后的文本",
                ));
            } else if let Ok(text) = std::str::from_utf8(&unmasked)
                && !text.is_empty()
            {
                ui.label(tr(lang, "as text:", "作为文本："));
                text_preview_ui(ui, text, lang);
            }
            if payload.len() > PAYLOAD_LIMIT {
                ui.weak(more_bytes(payload.len() - PAYLOAD_LIMIT, lang));
            }
        }
    }

    fn highlighted_fields(&self, layout: &FrameLayout) -> BTreeSet<usize> {
        match self.hover {
            Some(Hover::Field(i)) => [i].into_iter().collect(),
            Some(Hover::Byte(b)) => layout
                .fields
                .iter()
                .enumerate()
                .filter(|(_, f)| f.bytes.contains(&b))
                .map(|(i, _)| i)
                .collect(),
            None => BTreeSet::new(),
        }
    }

    /// The RFC 6455 §5.2 style diagram: 32 bits per row.
    fn bit_layout_ui(
        &mut self,
        ui: &mut Ui,
        layout: &FrameLayout,
        highlighted: &BTreeSet<usize>,
        lang: Lang,
    ) {
        let width = ui.available_width().clamp(320.0, 720.0);
        let cell_w = width / 32.0;
        let ruler_h = 24.0;
        let row_h = 34.0;
        let header_bits = layout.header.header_len * 8;
        // The payload fills the rest of the last header row (or one row of its own).
        let payload_end = (header_bits / 32 + 1) * 32;
        let n_rows = payload_end / 32;
        let (rect, resp) = ui.allocate_exact_size(
            Vec2::new(width, ruler_h + row_h * n_rows as f32),
            Sense::hover(),
        );
        let painter = ui.painter_at(rect.expand(1.0));
        let weak = ui.visuals().weak_text_color();
        let text = ui.visuals().text_color();
        let line = Stroke::new(1.0, ui.visuals().widgets.noninteractive.bg_stroke.color);
        // The RFC's ruler: tens above units.
        for b in 0..32 {
            let x = rect.left() + cell_w * (b as f32 + 0.5);
            let font = FontId::monospace(9.0);
            if b % 10 == 0 {
                let tens = (b / 10).to_string();
                painter.text(
                    Pos2::new(x, rect.top()),
                    Align2::CENTER_TOP,
                    tens,
                    font.clone(),
                    weak,
                );
            }
            let units = (b % 10).to_string();
            painter.text(
                Pos2::new(x, rect.top() + 11.0),
                Align2::CENTER_TOP,
                units,
                font,
                weak,
            );
        }
        let hover_pos = resp.hover_pos();
        for (i, field) in layout.fields.iter().enumerate() {
            let is_payload = i + 1 == layout.fields.len();
            let range = if is_payload {
                header_bits..payload_end
            } else {
                field.bit_range()
            };
            // Split the field into per-row segments. A field split across rows (the masking
            // key after a 16-bit header) shows its value once, in its widest segment, as the
            // RFC's diagram writes "(continued)" in the others.
            let segments = row_segments(range.clone());
            let widest = segments
                .iter()
                .enumerate()
                .max_by_key(|(k, s)| (s.len(), std::cmp::Reverse(*k)))
                .map_or(0, |(k, _)| k);
            for (k, seg) in segments.iter().enumerate() {
                let (bit, seg_end) = (seg.start, seg.end);
                let row = bit / 32;
                let col = bit % 32;
                let cells = seg_end - bit;
                let cell = Rect::from_min_size(
                    Pos2::new(
                        rect.left() + cell_w * col as f32,
                        rect.top() + ruler_h + row_h * row as f32,
                    ),
                    Vec2::new(cell_w * cells as f32, row_h),
                );
                let hot = highlighted.contains(&i);
                if hot {
                    painter.rect_filled(
                        cell,
                        0.0,
                        Theme::of(ui.ctx()).field_highlight.gamma_multiply(0.35),
                    );
                }
                painter.rect_stroke(cell, 0.0, line, egui::StrokeKind::Inside);
                let continued = !is_payload && k != widest;
                let name = if cells <= 1 {
                    short_name(field.name)
                } else if continued {
                    match field.gloss(lang) {
                        Some(gloss) => format!("{gloss}（续）"),
                        None => format!("{} (continued)", field.name),
                    }
                } else {
                    // The cells are narrow: the Chinese name alone, the table gives both.
                    field.gloss(lang).unwrap_or(field.name).to_string()
                };
                let value = if is_payload {
                    match lang {
                        Lang::En => format!("{} bytes…", layout.header.payload_len),
                        Lang::Zh => format!("{} 字节…", layout.header.payload_len),
                    }
                } else if continued {
                    String::new()
                } else {
                    field.value.clone()
                };
                let font = FontId::proportional(if cells <= 2 { 9.0 } else { 11.0 });
                paint_clipped(
                    &painter,
                    cell,
                    Pos2::new(cell.center().x, cell.top() + 3.0),
                    &name,
                    font.clone(),
                    text,
                );
                paint_clipped(
                    &painter,
                    cell,
                    Pos2::new(cell.center().x, cell.top() + 18.0),
                    &value,
                    FontId::monospace(10.0),
                    weak,
                );
                if hover_pos.is_some_and(|p| cell.contains(p)) {
                    self.next_hover = Some(Hover::Field(i));
                }
            }
        }
    }

    /// A hex dump of at most `limit` bytes, 16 (or 8, or 4, as the pane's width allows) a
    /// line, the `highlight`ed bytes marked, a line before the byte at `divider` (an HTTP
    /// message's body); hovering a byte reports it as [`Hover::Byte`].
    pub(super) fn hex_view_ui(
        &mut self,
        ui: &mut Ui,
        bytes: &[u8],
        highlight: &Range<usize>,
        divider: Option<usize>,
        limit: usize,
        lang: Lang,
    ) {
        let shown = bytes.len().min(limit);
        let font = FontId::monospace(12.0);
        let char_w = ui.fonts_mut(|f| f.glyph_width(&font, '0'));
        let line_h = 16.0;
        // The widest layout that fits, so the ASCII column is never clipped.
        let width_for = |n: f32| char_w * (6.0 + n * 3.0 + 1.0 + n) + 8.0;
        let available = ui.available_width();
        let per_line: usize = [16, 8]
            .into_iter()
            .find(|n| available >= width_for(*n as f32))
            .unwrap_or(4);
        let lines = shown.div_ceil(per_line).max(1);
        let width = width_for(per_line as f32);
        let (rect, resp) =
            ui.allocate_exact_size(Vec2::new(width, line_h * lines as f32), Sense::hover());
        let painter = ui.painter_at(rect);
        let text = ui.visuals().text_color();
        let weak = ui.visuals().weak_text_color();
        let byte_x = |col: usize| rect.left() + char_w * (6.0 + 3.0 * col as f32);
        let ascii_x =
            |col: usize| rect.left() + char_w * (6.0 + 3.0 * per_line as f32 + 1.0 + col as f32);
        let hover_pos = resp.hover_pos();
        let visible = ui.clip_rect();
        for line in 0..lines {
            let y = rect.top() + line_h * line as f32;
            if y + line_h < visible.top() || y > visible.bottom() {
                continue;
            }
            painter.text(
                Pos2::new(rect.left(), y),
                Align2::LEFT_TOP,
                format!("{:04x}", line * per_line),
                font.clone(),
                weak,
            );
            let mut hexline = String::with_capacity(48);
            let mut ascii = String::with_capacity(per_line);
            for col in 0..per_line {
                let i = line * per_line + col;
                let Some(b) = bytes.get(i).filter(|_| i < shown) else {
                    break;
                };
                let cell = Rect::from_min_size(
                    Pos2::new(byte_x(col) - 1.0, y),
                    Vec2::new(char_w * 2.0 + 2.0, line_h),
                );
                if highlight.contains(&i) {
                    painter.rect_filled(
                        cell,
                        2.0,
                        Theme::of(ui.ctx()).field_highlight.gamma_multiply(0.45),
                    );
                    painter.rect_filled(
                        Rect::from_min_size(Pos2::new(ascii_x(col), y), Vec2::new(char_w, line_h)),
                        1.0,
                        Theme::of(ui.ctx()).field_highlight.gamma_multiply(0.45),
                    );
                }
                if hover_pos.is_some_and(|p| cell.contains(p)) {
                    self.next_hover = Some(Hover::Byte(i));
                }
                if divider == Some(i) && i > 0 {
                    let stroke = Stroke::new(2.0, Theme::of(ui.ctx()).field_highlight);
                    let span = egui::Rangef::new(y, y + line_h);
                    painter.vline(cell.left() - 1.0, span, stroke);
                    painter.vline(ascii_x(col) - 0.5, span, stroke);
                }
                hexline.push_str(&format!("{b:02x} "));
                ascii.push(if b.is_ascii_graphic() || *b == b' ' {
                    char::from(*b)
                } else {
                    '.'
                });
            }
            painter.text(
                Pos2::new(byte_x(0), y),
                Align2::LEFT_TOP,
                hexline,
                font.clone(),
                text,
            );
            painter.text(
                Pos2::new(ascii_x(0), y),
                Align2::LEFT_TOP,
                ascii,
                font.clone(),
                weak,
            );
        }
        if bytes.len() > shown {
            ui.weak(match lang {
                Lang::En => format!("first {} of {} bytes shown", shown, bytes.len()),
                Lang::Zh => format!("只显示了 {} 字节中的前 {} 字节", bytes.len(), shown),
            });
        }
    }
}

/// Where a field sits in the frame: "byte 0, bits 4-7".
fn field_position(f: &frame::Field, lang: Lang) -> String {
    let (start, last) = (f.bytes.start, f.bytes.end.saturating_sub(1));
    match (f.bits, lang) {
        (Some((first, 1)), Lang::En) => format!("byte {start}, bit {first}"),
        (Some((first, 1)), Lang::Zh) => format!("字节 {start} · 位 {first}"),
        (Some((first, count)), Lang::En) => {
            format!("byte {start}, bits {first}-{}", first + count - 1)
        }
        (Some((first, count)), Lang::Zh) => {
            format!("字节 {start} · 位 {first}-{}", first + count - 1)
        }
        (None, Lang::En) if f.bytes.len() == 1 => format!("byte {start}"),
        (None, Lang::Zh) if f.bytes.len() == 1 => format!("字节 {start}"),
        (None, Lang::En) => format!("bytes {start}-{last}"),
        (None, Lang::Zh) => format!("字节 {start}-{last}"),
    }
}

/// A bit range cut at the bit layout's 32-bit rows.
fn row_segments(range: Range<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut bit = range.start;
    while bit < range.end {
        let end = range.end.min((bit / 32 + 1) * 32);
        out.push(bit..end);
        bit = end;
    }
    out
}

/// One-letter-ish names for one-bit cells.
fn short_name(name: &str) -> String {
    match name {
        "RSV1" => "R1".into(),
        "RSV2" => "R2".into(),
        "RSV3" => "R3".into(),
        "MASK" => "M".into(),
        "FIN" => "F".into(),
        other => other.chars().take(3).collect(),
    }
}

fn paint_clipped(
    painter: &egui::Painter,
    cell: Rect,
    pos: Pos2,
    text: &str,
    font: FontId,
    color: Color32,
) {
    let mut job = egui::text::LayoutJob::simple_singleline(text.to_string(), font, color);
    job.wrap = egui::text::TextWrapping::truncate_at_width((cell.width() - 2.0).max(4.0));
    let galley = painter.layout_job(job);
    let x = pos.x - galley.size().x / 2.0;
    painter
        .with_clip_rect(cell)
        .galley(Pos2::new(x, pos.y), galley, color);
}

/// The byte range covered by the highlighted fields (their union's hull; fields are
/// contiguous so the hull is exact for one field, and for the fields of one byte).
fn highlighted_bytes(layout: &FrameLayout, highlighted: &BTreeSet<usize>) -> Range<usize> {
    let mut start = usize::MAX;
    let mut end = 0;
    for i in highlighted {
        if let Some(f) = layout.fields.get(*i) {
            start = start.min(f.bytes.start);
            end = end.max(f.bytes.end);
        }
    }
    if start >= end { 0..0 } else { start..end }
}

/// Rebuilds a frame header from a `ws_frame` event when its bytes were not recorded.
fn synth_header(kind: &EventKind) -> Vec<u8> {
    let EventKind::WsFrame {
        fin,
        rsv1,
        rsv2,
        rsv3,
        opcode,
        masked,
        mask_key,
        payload_len,
        ..
    } = kind
    else {
        return Vec::new();
    };
    let mut out = vec![
        u8::from(*fin) << 7
            | u8::from(*rsv1) << 6
            | u8::from(*rsv2) << 5
            | u8::from(*rsv3) << 4
            | (opcode & 0x0F),
    ];
    let m = u8::from(*masked) << 7;
    match *payload_len {
        n @ 0..=125 => out.push(m | n as u8),
        n @ 126..=0xFFFF => {
            out.push(m | 126);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            out.push(m | 127);
            out.extend_from_slice(&n.to_be_bytes());
        }
    }
    if *masked {
        let key = mask_key
            .as_deref()
            .and_then(|k| u32::from_str_radix(k, 16).ok())
            .unwrap_or(0);
        out.extend_from_slice(&key.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The masking key after a 2-byte header is split 16/16 across two rows; its value is
    /// printed in the first (the widest, first on a tie) only.
    #[test]
    fn fields_are_cut_at_rows() {
        assert_eq!(row_segments(16..48), vec![16..32, 32..48]);
        assert_eq!(row_segments(0..4), vec![0..4]);
        assert_eq!(row_segments(16..80), vec![16..32, 32..64, 64..80]);
    }
}
