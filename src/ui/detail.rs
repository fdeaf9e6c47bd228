//! The detail pane: the selected event layer by layer (HTTP head and headers, the
//! `Sec-WebSocket-Accept` derivation, a frame's bit layout beside its hex dump, payloads,
//! close codes, browser-API state).

use std::collections::BTreeSet;
use std::ops::Range;

use base64::Engine as _;
use egui::{
    Align2, Color32, FontId, Grid, Pos2, Rect, RichText, ScrollArea, Sense, Stroke, Ui, Vec2,
};

use crate::diagram::rows::{Rows, upgrade_check_for};
use crate::proto::http::{explain_header, status_meaning};
use crate::proto::ws::close::CloseCode;
use crate::proto::ws::frame::{self, FrameLayout};
use crate::proto::ws::handshake::{GUID as WS_GUID, derive_accept};
use crate::trace::{Event, EventKind, Observed, Trace, describe};

/// How many bytes of a frame the hex dump shows.
const HEX_LIMIT: usize = 2048;
/// How many payload bytes the payload views show.
const PAYLOAD_LIMIT: usize = 1024;

/// What the pointer is over in the frame view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Hover {
    /// A field (in the bit layout or the field table).
    Field(usize),
    /// A byte of the hex dump.
    Byte(usize),
}

/// The pane's own state.
#[derive(Default)]
pub struct DetailView {
    hover: Option<Hover>,
    next_hover: Option<Hover>,
    frame_pick: usize,
    last_event: Option<usize>,
}

impl DetailView {
    /// Shows `selected` of `trace`. Returns an event the user asked to jump to, if any.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        trace: &Trace,
        rows: &Rows,
        selected: Option<usize>,
    ) -> Option<usize> {
        if self.last_event != selected {
            self.last_event = selected;
            self.frame_pick = 0;
            self.hover = None;
        }
        self.next_hover = None;
        let mut jump = None;
        // Both directions: wide content (hex dumps, long keys) scrolls instead of widening
        // the panel.
        ScrollArea::both()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                let Some((index, event)) =
                    selected.and_then(|i| trace.events.get(i).map(|e| (i, e)))
                else {
                    ui.add_space(8.0);
                    ui.weak("Click an arrow in the diagram to see it here, layer by layer.");
                    ui.weak("Up/Down move the selection; +/- zoom; PageUp/PageDown/Home/End scroll; ctrl+wheel zooms.");
                    return;
                };
                jump = self.event_ui(ui, trace, rows, index, event);
            });
        if self.next_hover != self.hover {
            self.hover = self.next_hover;
            ui.ctx().request_repaint();
        }
        jump
    }

    fn event_ui(
        &mut self,
        ui: &mut Ui,
        trace: &Trace,
        rows: &Rows,
        index: usize,
        event: &Event,
    ) -> Option<usize> {
        let mut jump = None;
        ui.heading(describe::summary(event));
        let conn = event
            .conn
            .and_then(|c| trace.connections.iter().find(|x| x.id == c));
        let mut where_ = format!(
            "{} · t = {:.3} ms",
            event.kind.name(),
            event.t_us as f64 / 1000.0
        );
        if let Some(c) = conn {
            where_.push_str(&format!(
                " · {} ",
                c.label
                    .clone()
                    .unwrap_or_else(|| format!("connection #{}", c.id))
            ));
            where_.push_str(&format!("{} <-> {}", c.client, c.server));
        }
        if let Some(dir) = event.dir {
            where_.push_str(match dir {
                crate::trace::Dir::C2s => " · client -> server",
                crate::trace::Dir::S2c => " · server -> client",
            });
        }
        if let Some(span) = event.span {
            where_.push_str(&format!(
                " · bytes {}..{} of the stream",
                span.offset,
                span.end()
            ));
        }
        ui.weak(where_);
        if let Some(note) = describe::note(event) {
            ui.label(note);
        }
        ui.separator();
        match &event.kind {
            EventKind::TcpConnect { observed }
            | EventKind::TcpAccept { observed }
            | EventKind::TcpClose { observed, .. } => {
                if *observed == Observed::Socket {
                    ui.label(RichText::new("Observed at the socket").strong());
                    ui.label(
                        "The socket tap saw connect()/accept()/close() return. The TCP packets \
                         themselves (SYN, SYN-ACK, ACK, FIN) are not visible at this level; \
                         packet capture would show them.",
                    );
                }
                if let EventKind::TcpClose {
                    initiator: Some(side),
                    ..
                } = &event.kind
                {
                    ui.label(format!("closed first by the {side:?}").to_lowercase());
                }
            }
            EventKind::HttpRequest {
                method,
                target,
                version,
                headers,
                head_len,
                body_len,
                ..
            } => {
                http_ui(
                    ui,
                    &format!("{method} {target} {version}"),
                    None,
                    headers,
                    *head_len,
                    *body_len,
                );
            }
            EventKind::HttpResponse {
                status,
                reason,
                version,
                headers,
                head_len,
                body_len,
                ..
            } => {
                http_ui(
                    ui,
                    &format!("{version} {status} {reason}"),
                    Some(status_meaning(*status)),
                    headers,
                    *head_len,
                    *body_len,
                );
                if let Some(check) = upgrade_check_for(trace, index)
                    && let Some(EventKind::WsUpgradeCheck {
                        key,
                        expected_accept,
                        accept,
                        valid,
                        ..
                    }) = trace.events.get(check).map(|e| &e.kind)
                {
                    ui.separator();
                    accept_ui(ui, key, expected_accept, accept.as_deref(), *valid);
                }
            }
            EventKind::WsUpgradeCheck {
                key,
                expected_accept,
                accept,
                valid,
                protocol,
            } => {
                accept_ui(ui, key, expected_accept, accept.as_deref(), *valid);
                if let Some(p) = protocol {
                    ui.label(format!("Negotiated subprotocol: {p}"));
                }
            }
            EventKind::WsExtensions {
                offered,
                negotiated,
            } => {
                ui.label(RichText::new("Sec-WebSocket-Extensions").strong());
                ui.label(format!("offered by the client: {}", list_or_none(offered)));
                ui.label(format!(
                    "accepted by the server: {}",
                    list_or_none(negotiated)
                ));
            }
            EventKind::WsFrame { .. } => {
                self.frame_ui(ui, trace, event);
            }
            EventKind::WsMessage { .. } => {
                let frames: Vec<usize> = rows
                    .row_of_event
                    .get(&index)
                    .and_then(|r| rows.rows.get(*r))
                    .filter(|r| r.event == index)
                    .map(|r| r.frames.to_vec())
                    .unwrap_or_default();
                message_ui(ui, trace, &event.kind, &frames);
                if !frames.is_empty() {
                    ui.separator();
                    ui.horizontal_wrapped(|ui| {
                        ui.label(
                            RichText::new(format!("Carried by {} frame(s):", frames.len()))
                                .strong(),
                        );
                        for (k, f) in frames.iter().enumerate() {
                            let name = trace
                                .events
                                .get(*f)
                                .map(describe::summary)
                                .unwrap_or_default();
                            if ui
                                .selectable_label(
                                    self.frame_pick == k,
                                    format!("#{} {name}", k + 1),
                                )
                                .clicked()
                            {
                                self.frame_pick = k;
                            }
                        }
                    });
                    let pick = frames.get(self.frame_pick).or(frames.first()).copied();
                    if let Some(frame) = pick.and_then(|f| trace.events.get(f)) {
                        self.frame_ui(ui, trace, frame);
                    }
                }
            }
            EventKind::HttpBodyEnd { .. } => {
                ui.label(describe::summary(event));
            }
            EventKind::SseEvent {
                id,
                event: name,
                data,
            } => {
                Grid::new("sse").num_columns(2).show(ui, |ui| {
                    ui.label("id");
                    ui.label(id.clone().unwrap_or_default());
                    ui.end_row();
                    ui.label("event");
                    ui.label(name.clone().unwrap_or_else(|| "message".into()));
                    ui.end_row();
                    ui.label("data");
                    ui.monospace(data);
                    ui.end_row();
                });
            }
            EventKind::Api {
                ready_state,
                fires,
                code,
                reason,
                was_clean,
                data,
                cause,
            } => {
                ui.label(RichText::new("What the browser's WebSocket object reports").strong());
                Grid::new("api")
                    .num_columns(2)
                    .striped(true)
                    .show(ui, |ui| {
                        ui.label("readyState");
                        ui.monospace(format!(
                            "{ready_state} ({})",
                            describe::ready_state_name(*ready_state)
                        ));
                        ui.end_row();
                        if let Some(f) = fires {
                            ui.label("event fired");
                            ui.monospace(format!("on{f}"));
                            ui.end_row();
                        }
                        if let Some(c) = code {
                            ui.label("CloseEvent.code");
                            ui.monospace(format!("{c} {}", CloseCode::from_u16(*c).name()));
                            ui.end_row();
                        }
                        if let Some(r) = reason {
                            ui.label("CloseEvent.reason");
                            ui.monospace(format!("{r:?}"));
                            ui.end_row();
                        }
                        if let Some(w) = was_clean {
                            ui.label("CloseEvent.wasClean");
                            ui.monospace(w.to_string());
                            ui.end_row();
                        }
                        if let Some(d) = data {
                            ui.label("MessageEvent.data");
                            ui.monospace(d);
                            ui.end_row();
                        }
                    });
                if let Some(c) = cause.and_then(|c| usize::try_from(c).ok())
                    && let Some(e) = trace.events.get(c)
                    && ui
                        .link(format!("caused by: {}", describe::summary(e)))
                        .clicked()
                {
                    jump = Some(c);
                }
            }
            EventKind::Stage { index, label } => {
                ui.label(format!("Lab stage {} finished: {label}", index + 1));
            }
            EventKind::Diagnostic {
                severity,
                message,
                rule,
            } => {
                ui.label(RichText::new(format!("{severity:?}")).strong());
                ui.label(message);
                if let Some(rule) = rule {
                    ui.label(RichText::new(format!("Rule: {rule}")).italics());
                }
            }
            EventKind::TcpSyn(s)
            | EventKind::TcpSynAck(s)
            | EventKind::TcpAck(s)
            | EventKind::TcpFin(s)
            | EventKind::TcpRst(s) => {
                ui.monospace(format!(
                    "seq {} ack {} len {} window {:?}",
                    s.seq, s.ack, s.len, s.window
                ));
            }
        }
        // Browser-API consequences of this event.
        let consequences: Vec<usize> = rows
            .row_of_event
            .get(&index)
            .and_then(|r| rows.rows.get(*r))
            .filter(|r| r.event == index)
            .map(|r| r.api.to_vec())
            .unwrap_or_default();
        if !consequences.is_empty() {
            ui.separator();
            ui.label(RichText::new("In the browser API").strong());
            for a in consequences {
                if let Some(e) = trace.events.get(a)
                    && ui.link(describe::summary(e)).clicked()
                {
                    jump = Some(a);
                }
            }
        }
        jump
    }

    /// A frame: bit layout, field table, hex dump, payload masked and unmasked.
    fn frame_ui(&mut self, ui: &mut Ui, trace: &Trace, event: &Event) {
        let recorded = trace.event_bytes(event);
        let synthesized;
        let bytes: &[u8] = match recorded {
            Some(b) => b,
            None => {
                synthesized = synth_header(&event.kind);
                &synthesized
            }
        };
        let Some(layout) = FrameLayout::parse(bytes) else {
            ui.label("The frame's bytes are incomplete; its header could not be parsed.");
            return;
        };
        if recorded.is_none() {
            ui.weak(
                "Raw bytes were not recorded: the header below is rebuilt from the event's fields.",
            );
        }
        let highlighted = self.highlighted_fields(&layout);

        ui.label(RichText::new("Frame header (RFC 6455 §5.2)").strong());
        self.bit_layout_ui(ui, &layout, &highlighted);
        ui.add_space(6.0);
        Grid::new("frame-fields")
            .num_columns(4)
            .striped(true)
            .show(ui, |ui| {
                ui.strong("field");
                ui.strong("bytes");
                ui.strong("value");
                ui.strong("meaning");
                ui.end_row();
                for (i, f) in layout.fields.iter().enumerate() {
                    let hot = highlighted.contains(&i);
                    let name = if hot {
                        RichText::new(f.name).strong().color(hover_color())
                    } else {
                        RichText::new(f.name)
                    };
                    let r1 = ui.label(name);
                    let bits = match f.bits {
                        Some((first, 1)) => format!("byte {}, bit {first}", f.bytes.start),
                        Some((first, count)) => {
                            format!("byte {}, bits {first}-{}", f.bytes.start, first + count - 1)
                        }
                        None if f.bytes.len() == 1 => format!("byte {}", f.bytes.start),
                        None => {
                            format!("bytes {}-{}", f.bytes.start, f.bytes.end.saturating_sub(1))
                        }
                    };
                    let r2 = ui.monospace(bits);
                    let r3 = ui.monospace(&f.value);
                    let r4 = ui.add(egui::Label::new(&f.meaning).wrap());
                    if r1.hovered() || r2.hovered() || r3.hovered() || r4.hovered() {
                        self.next_hover = Some(Hover::Field(i));
                    }
                    ui.end_row();
                }
            });
        ui.add_space(6.0);
        ui.label(RichText::new("Bytes on the wire").strong());
        let byte_hl = highlighted_bytes(&layout, &highlighted);
        self.hex_ui(ui, bytes, &byte_hl);

        // Payload.
        let start = layout.header.header_len.min(bytes.len());
        let payload = bytes.get(start..).unwrap_or(&[]);
        if recorded.is_some() {
            ui.add_space(6.0);
            ui.label(
                RichText::new(format!("Payload ({} bytes)", layout.header.payload_len)).strong(),
            );
            let unmasked = match layout.header.mask_key {
                Some(key) => {
                    ui.label("masked, as on the wire:");
                    ui.monospace(hex_preview(payload, PAYLOAD_LIMIT));
                    ui.label(format!("unmasked (XOR with {}):", hex(&key)));
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
            ui.monospace(hex_preview(&unmasked, PAYLOAD_LIMIT));
            if layout.header.opcode.as_u8() == 0x8 {
                close_payload_ui(ui, &unmasked);
            } else if let Ok(text) = std::str::from_utf8(&unmasked)
                && !text.is_empty()
            {
                ui.label("as text:");
                text_preview_ui(ui, text);
            }
            if payload.len() > PAYLOAD_LIMIT {
                ui.weak(format!("… {} more bytes", payload.len() - PAYLOAD_LIMIT));
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
    fn bit_layout_ui(&mut self, ui: &mut Ui, layout: &FrameLayout, highlighted: &BTreeSet<usize>) {
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
            // Split the field into per-row segments.
            let mut bit = range.start;
            while bit < range.end {
                let row = bit / 32;
                let col = bit % 32;
                let seg_end = range.end.min((row + 1) * 32);
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
                    painter.rect_filled(cell, 0.0, hover_color().gamma_multiply(0.35));
                }
                painter.rect_stroke(cell, 0.0, line, egui::StrokeKind::Inside);
                let name = if cells <= 1 {
                    short_name(field.name)
                } else {
                    field.name.to_string()
                };
                let value = if is_payload {
                    format!("{} bytes…", layout.header.payload_len)
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
                bit = seg_end;
            }
        }
    }

    /// A hex dump, 16 bytes a line, bytes of the highlighted fields marked; hovering a byte
    /// highlights its field(s).
    fn hex_ui(&mut self, ui: &mut Ui, bytes: &[u8], highlight: &Range<usize>) {
        let shown = bytes.len().min(HEX_LIMIT);
        let font = FontId::monospace(12.0);
        let char_w = ui.fonts_mut(|f| f.glyph_width(&font, '0'));
        let line_h = 16.0;
        // 16 bytes a line when the pane is wide enough, else 8.
        let width_for = |n: f32| char_w * (6.0 + n * 3.0 + 1.0 + n) + 8.0;
        let per_line: usize = if ui.available_width() >= width_for(16.0) {
            16
        } else {
            8
        };
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
                    painter.rect_filled(cell, 2.0, hover_color().gamma_multiply(0.45));
                    painter.rect_filled(
                        Rect::from_min_size(Pos2::new(ascii_x(col), y), Vec2::new(char_w, line_h)),
                        1.0,
                        hover_color().gamma_multiply(0.45),
                    );
                }
                if hover_pos.is_some_and(|p| cell.contains(p)) {
                    self.next_hover = Some(Hover::Byte(i));
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
            ui.weak(format!("… {} more bytes", bytes.len() - shown));
        }
    }
}

fn hover_color() -> Color32 {
    Color32::from_rgb(240, 180, 40)
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

/// Lowercase hex without separators, e.g. a masking key `37fa213d`.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hex_preview(bytes: &[u8], limit: usize) -> String {
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

fn close_payload_ui(ui: &mut Ui, payload: &[u8]) {
    match payload {
        [] => {
            ui.label("No status code: the API reports 1005 (No Status Received).");
        }
        [_] => {
            ui.label("A 1-byte close payload is invalid (RFC 6455 §5.5.1: a code is 2 bytes).");
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

fn message_ui(ui: &mut Ui, trace: &Trace, kind: &EventKind, frames: &[usize]) {
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
        ui.label("No status code: the API reports 1005 (No Status Received).");
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
fn text_preview_ui(ui: &mut Ui, text: &str) {
    let mut shown = String::new();
    for c in text.chars().take(PAYLOAD_LIMIT) {
        match c {
            '\n' | '\t' => shown.push(c),
            c if c.is_control() => shown.push_str(&c.escape_unicode().to_string()),
            c => shown.push(c),
        }
    }
    ui.add(egui::Label::new(RichText::new(shown).monospace()).wrap());
    let more = text.chars().count().saturating_sub(PAYLOAD_LIMIT);
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

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

fn http_ui(
    ui: &mut Ui,
    start_line: &str,
    meaning: Option<&str>,
    headers: &[(String, String)],
    head_len: u64,
    body_len: u64,
) {
    ui.label(RichText::new("HTTP/1.1 message").strong());
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
        if let Some(text) = explain_header(name) {
            ui.indent(name, |ui| {
                ui.weak(text);
            });
        }
    }
    ui.add_space(4.0);
    ui.label(format!(
        "head {head_len} bytes (including the final CRLF CRLF), body {body_len} bytes"
    ));
}

fn accept_ui(ui: &mut Ui, key: &str, expected: &str, accept: Option<&str>, valid: bool) {
    let d = derive_accept(key);
    ui.label(RichText::new("Sec-WebSocket-Accept, step by step (RFC 6455 §4.2.2)").strong());
    Grid::new("accept")
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            ui.label("1. client's Sec-WebSocket-Key");
            ui.monospace(&d.key);
            ui.end_row();
            ui.label("2. append the GUID");
            ui.monospace(format!("{} + {}", d.key, WS_GUID));
            ui.end_row();
            ui.label("3. SHA-1 (hex)");
            ui.monospace(&d.sha1_hex);
            ui.end_row();
            ui.label("4. base64 of the 20 bytes");
            ui.monospace(&d.accept);
            ui.end_row();
            ui.label("server's Sec-WebSocket-Accept");
            ui.monospace(accept.unwrap_or("(missing)"));
            ui.end_row();
        });
    let matches = accept == Some(d.accept.as_str());
    if matches {
        ui.colored_label(
            Color32::from_rgb(60, 170, 80),
            "OK, match: the server read the key and speaks WebSocket",
        );
    } else {
        ui.colored_label(
            Color32::from_rgb(230, 70, 60),
            "MISMATCH: a client must fail the connection (RFC 6455 §4.1)",
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
