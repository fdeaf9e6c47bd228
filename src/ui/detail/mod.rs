//! The detail pane: the selected event layer by layer (HTTP head and headers, the
//! `Sec-WebSocket-Accept` derivation, a frame's bit layout beside its hex dump, payloads,
//! close codes, browser-API state).

use egui::{Grid, RichText, ScrollArea, Ui};

mod body;
mod frame;
mod sections;

use crate::diagram::rows::{Rows, upgrade_check_for};
use crate::lang::{Lang, Text};
use crate::proto::ws::close::CloseCode;
use crate::trace::{ApiObject, Event, EventKind, Observed, Trace, describe};
use sections::{HttpHead, accept_ui, http_ui, list_or_none, message_ui};

/// `en` or `zh`, as `lang` asks: for the pane's fixed texts.
pub(super) fn tr(lang: Lang, en: &'static str, zh: &'static str) -> &'static str {
    Text { en, zh }.get(lang)
}

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
    /// The selected event's note, computed once per selection: some notes read every earlier
    /// event (`describe::note_in`), too much to redo every frame on a big capture.
    note: Option<CachedNote>,
    /// The selected HTTP message's body view, prepared once per selection.
    body: Option<body::PreparedBody>,
}

/// A note and the event it belongs to (its index and enough of it to tell a replaced trace),
/// in the language it was written in.
struct CachedNote {
    index: usize,
    lang: Lang,
    t_us: i64,
    conn: Option<u32>,
    text: Option<String>,
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
        let lang = crate::ui::lang::current(ui.ctx());
        let changed = self.last_event != selected;
        if changed {
            self.last_event = selected;
            self.frame_pick = 0;
            self.hover = None;
        }
        self.next_hover = None;
        let mut jump = None;
        // Vertical only: long values wrap and the hex dump fits its lines to the width, so
        // nothing hides past the pane's edge. Another event starts at its title.
        let mut area = ScrollArea::vertical().auto_shrink([false, false]);
        if changed {
            area = area.vertical_scroll_offset(0.0);
        }
        area.show(ui, |ui| {
                let Some((index, event)) =
                    selected.and_then(|i| trace.events.get(i).map(|e| (i, e)))
                else {
                    ui.add_space(8.0);
                    ui.weak(tr(
                        lang,
                        "Click an arrow in the diagram to see it here, layer by layer.",
                        "点击图中的一个箭头，在这里逐层查看它。",
                    ));
                    ui.weak(tr(
                        lang,
                        "Up/Down move the selection; +/- zoom; PageUp/PageDown/Home/End scroll; ctrl+wheel zooms; D hides or shows this pane.",
                        "上/下方向键移动选择；+/- 缩放；PageUp/PageDown/Home/End 滚动；Ctrl+滚轮缩放；D 隐藏或显示这个面板。",
                    ));
                    return;
                };
                jump = self.event_ui(ui, trace, rows, index, event, lang);
            });
        if self.next_hover != self.hover {
            self.hover = self.next_hover;
            ui.ctx().request_repaint();
        }
        jump
    }

    /// The note of `trace.events[index]` (`event`), from the cache when it is for this event.
    /// Events are append-only, so a note, which reads only earlier events, never goes stale.
    fn note(&mut self, trace: &Trace, index: usize, event: &Event, lang: Lang) -> Option<&str> {
        let cached = self.note.as_ref().is_some_and(|c| {
            c.index == index && c.t_us == event.t_us && c.conn == event.conn && c.lang == lang
        });
        if !cached {
            let before = trace.events.get(..index).unwrap_or_default();
            self.note = Some(CachedNote {
                index,
                lang,
                t_us: event.t_us,
                conn: event.conn,
                text: describe::note_in(before, event, lang),
            });
        }
        self.note.as_ref().and_then(|c| c.text.as_deref())
    }

    fn event_ui(
        &mut self,
        ui: &mut Ui,
        trace: &Trace,
        rows: &Rows,
        index: usize,
        event: &Event,
        lang: Lang,
    ) -> Option<usize> {
        let mut jump = None;
        ui.heading(describe::kind_title(&event.kind, lang));
        ui.add(egui::Label::new(RichText::new(describe::summary(event, lang)).strong()).wrap());
        let conn = event
            .conn
            .and_then(|c| trace.connections.iter().find(|x| x.id == c));
        let mut where_ = format!("t = {}", describe::format_time_us(event.t_us));
        if let Some(c) = conn {
            let name = c.label.as_deref().map_or_else(
                || match lang {
                    Lang::En => format!("connection #{}", c.id),
                    Lang::Zh => format!("连接 #{}", c.id),
                },
                |l| describe::lane_name(l, lang),
            );
            where_.push_str(&format!(" · {name} {} <-> {}", c.client, c.server));
        }
        if let Some(dir) = event.dir {
            where_.push_str(match (dir, lang) {
                (crate::trace::Dir::C2s, Lang::En) => " · client -> server",
                (crate::trace::Dir::S2c, Lang::En) => " · server -> client",
                (crate::trace::Dir::C2s, Lang::Zh) => " · 客户端 -> 服务器",
                (crate::trace::Dir::S2c, Lang::Zh) => " · 服务器 -> 客户端",
            });
        }
        if let Some(span) = event.span {
            where_.push_str(&match lang {
                Lang::En => format!(" · bytes {}..{} of the stream", span.offset, span.end()),
                Lang::Zh => format!(" · 字节流的第 {}..{} 字节", span.offset, span.end()),
            });
        }
        ui.weak(where_);
        if let Some(note) = self.note(trace, index, event, lang) {
            ui.label(note);
        }
        ui.separator();
        match &event.kind {
            EventKind::TcpConnect { observed }
            | EventKind::TcpAccept { observed }
            | EventKind::TcpClose { observed, .. } => {
                if *observed == Observed::Socket {
                    ui.label(
                        RichText::new(tr(lang, "Observed at the socket", "在套接字层观察到"))
                            .strong(),
                    );
                    ui.label(tr(
                        lang,
                        "The socket tap saw connect()/accept()/close() return. The TCP packets \
                         themselves (SYN, SYN-ACK, ACK, FIN) are not visible at this level; \
                         packet capture would show them.",
                        "套接字探针看到的是 connect()/accept()/close() 的返回。TCP 报文段本身\
                         （SYN、SYN-ACK、ACK、FIN）在这一层看不到；抓包才能看到它们。",
                    ));
                }
                if let EventKind::TcpClose {
                    initiator: Some(side),
                    ..
                } = &event.kind
                {
                    ui.label(match (side, lang) {
                        (crate::trace::Side::Client, Lang::En) => "closed first by the client",
                        (crate::trace::Side::Server, Lang::En) => "closed first by the server",
                        (crate::trace::Side::Client, Lang::Zh) => "客户端先关闭",
                        (crate::trace::Side::Server, Lang::Zh) => "服务器先关闭",
                    });
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
                let start_line = format!("{method} {target} {version}");
                let head = HttpHead {
                    version,
                    start_line: &start_line,
                    meaning: None,
                    headers,
                    head_len: *head_len,
                    body_len: *body_len,
                };
                http_ui(ui, &head, lang);
                self.http_body_ui(ui, trace, index, lang);
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
                let start_line = format!("{version} {status} {reason}");
                let meaning = crate::proto::http::status_meaning(*status).shown(lang);
                let head = HttpHead {
                    version,
                    start_line: &start_line,
                    meaning: Some(&meaning),
                    headers,
                    head_len: *head_len,
                    body_len: *body_len,
                };
                http_ui(ui, &head, lang);
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
                    accept_ui(ui, key, expected_accept, accept.as_deref(), *valid, lang);
                }
                self.http_body_ui(ui, trace, index, lang);
            }
            EventKind::WsUpgradeCheck {
                key,
                expected_accept,
                accept,
                valid,
                protocol,
            } => {
                accept_ui(ui, key, expected_accept, accept.as_deref(), *valid, lang);
                if let Some(p) = protocol {
                    ui.label(match lang {
                        Lang::En => format!("Negotiated subprotocol: {p}"),
                        Lang::Zh => format!("协商的子协议：{p}"),
                    });
                }
            }
            EventKind::WsExtensions {
                offered,
                negotiated,
            } => {
                ui.label(RichText::new("Sec-WebSocket-Extensions").strong());
                let (offered, negotiated) =
                    (list_or_none(offered, lang), list_or_none(negotiated, lang));
                ui.label(match lang {
                    Lang::En => format!("offered by the client: {offered}"),
                    Lang::Zh => format!("客户端提供的扩展：{offered}"),
                });
                ui.label(match lang {
                    Lang::En => format!("accepted by the server: {negotiated}"),
                    Lang::Zh => format!("服务器接受的扩展：{negotiated}"),
                });
            }
            EventKind::WsFrame { .. } => {
                self.frame_ui(ui, trace, event, lang);
            }
            EventKind::WsMessage { .. } => {
                let frames: Vec<usize> = rows
                    .row_of_event
                    .get(&index)
                    .and_then(|r| rows.rows.get(*r))
                    .filter(|r| r.event == index)
                    .map(|r| r.frames.to_vec())
                    .unwrap_or_default();
                message_ui(ui, trace, &event.kind, &frames, lang);
                if !frames.is_empty() {
                    ui.separator();
                    ui.horizontal_wrapped(|ui| {
                        ui.label(
                            RichText::new(match (frames.len(), lang) {
                                (1, Lang::En) => "Carried by 1 frame:".to_string(),
                                (n, Lang::En) => format!("Carried by {n} frames:"),
                                (n, Lang::Zh) => format!("由 {n} 个帧承载："),
                            })
                            .strong(),
                        );
                        for (k, f) in frames.iter().enumerate() {
                            let name = trace
                                .events
                                .get(*f)
                                .map(|e| describe::summary(e, lang))
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
                        self.frame_ui(ui, trace, frame, lang);
                    }
                }
            }
            EventKind::HttpBodyEnd { .. } => {
                self.http_body_ui(ui, trace, index, lang);
            }
            EventKind::TlsRecord { .. } => {
                ui.label(describe::summary(event, lang));
            }
            EventKind::SseEvent {
                id,
                event: name,
                data,
                retry,
            } => {
                Grid::new("sse").num_columns(2).show(ui, |ui| {
                    ui.label("id");
                    ui.label(id.clone().unwrap_or_default());
                    ui.end_row();
                    ui.label("event");
                    ui.label(name.clone().unwrap_or_else(|| "message".into()));
                    ui.end_row();
                    ui.label("data");
                    ui.add(egui::Label::new(RichText::new(data).monospace()).wrap());
                    ui.end_row();
                    if let Some(ms) = retry {
                        ui.label("retry");
                        ui.monospace(format!("{ms} ms"));
                        ui.end_row();
                    }
                });
            }
            EventKind::Api {
                object,
                ready_state,
                fires,
                code,
                reason,
                was_clean,
                data,
                last_event_id,
                cause,
            } => {
                ui.label(
                    RichText::new(match lang {
                        Lang::En => format!(
                            "What the browser's {} would report (inferred)",
                            object.name()
                        ),
                        Lang::Zh => format!("浏览器的 {} 会报告什么（推断）", object.name()),
                    })
                    .strong(),
                );
                Grid::new("api")
                    .num_columns(2)
                    .striped(true)
                    .show(ui, |ui| {
                        ui.label("readyState");
                        ui.monospace(format!(
                            "{ready_state} ({})",
                            object.state_name(*ready_state)
                        ));
                        ui.end_row();
                        if let Some(f) = fires {
                            ui.label(tr(lang, "event fired", "触发的事件"));
                            ui.monospace(format!("on{f}"));
                            ui.end_row();
                        }
                        if let Some(c) = code.filter(|_| *object == ApiObject::Fetch) {
                            ui.label("Response.status");
                            ui.monospace(c.to_string());
                            ui.end_row();
                        } else if let Some(c) = code {
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
                            ui.label(if *object == ApiObject::Fetch {
                                tr(lang, "what arrived", "到达的内容")
                            } else {
                                "MessageEvent.data"
                            });
                            ui.monospace(d);
                            ui.end_row();
                        }
                        if let Some(id) = last_event_id {
                            ui.label("MessageEvent.lastEventId");
                            ui.monospace(format!("{id:?}"));
                            ui.end_row();
                        }
                    });
                if let Some(c) = cause.and_then(|c| usize::try_from(c).ok())
                    && let Some(e) = trace.events.get(c)
                    && ui
                        .link(match lang {
                            Lang::En => format!("caused by: {}", describe::summary(e, lang)),
                            Lang::Zh => format!("起因：{}", describe::summary(e, lang)),
                        })
                        .clicked()
                {
                    jump = Some(c);
                }
            }
            EventKind::Stage { index, label } => {
                ui.label(match lang {
                    Lang::En => format!("Lab stage {} finished: {label}", index + 1),
                    Lang::Zh => format!("实验第 {} 步完成：{label}", index + 1),
                });
            }
            EventKind::SourceEvent { .. } | EventKind::ClientRead { .. } => {
                ui.label(describe::summary(event, lang));
            }
            EventKind::Diagnostic {
                severity,
                message,
                message_zh,
                rule,
            } => {
                let severity = match lang {
                    Lang::En => format!("{severity:?}"),
                    Lang::Zh => describe::kind_title(&event.kind, lang),
                };
                ui.label(RichText::new(severity).strong());
                ui.label(describe::diagnostic_message(
                    message,
                    message_zh.as_deref(),
                    lang,
                ));
                if let Some(rule) = rule {
                    ui.label(
                        RichText::new(match lang {
                            Lang::En => format!("Rule: {rule}"),
                            Lang::Zh => format!("规则：{rule}"),
                        })
                        .italics(),
                    );
                }
            }
            EventKind::TcpSyn(s)
            | EventKind::TcpSynAck(s)
            | EventKind::TcpAck(s)
            | EventKind::TcpFin(s)
            | EventKind::TcpRst(s) => {
                // The window is absent when the source did not record it (the socket tap).
                let window = s.window.map(|w| format!(" window {w}")).unwrap_or_default();
                ui.monospace(format!("seq {} ack {} len {}{window}", s.seq, s.ack, s.len));
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
            ui.label(RichText::new(tr(lang, "In the browser API", "在浏览器 API 中")).strong());
            for a in consequences {
                if let Some(e) = trace.events.get(a)
                    && ui.link(describe::summary(e, lang)).clicked()
                {
                    jump = Some(a);
                }
            }
        }
        jump
    }
}
