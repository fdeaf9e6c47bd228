//! The legend: what the diagram's arrow styles, lines, marks and colours mean. Every sample is
//! painted by the diagram's own painter ([`super::timeline`]) from a scene element, in the
//! window's theme, so the legend cannot drift from what the diagram draws.

use egui::{Grid, Pos2, Rect, Sense, Stroke, Ui};

use super::lang;
use super::theme::Theme;
use super::timeline::{paint_arrow, paint_diagnostic, paint_note, paint_socket};
use crate::diagram::geom::Point;
use crate::diagram::scene::{
    Anchor, Arrow, ArrowStyle, DiagnosticMark, Dot, Font, Label, Note, SocketLine, Tick, Tone,
    WireUnit,
};
use crate::lang::{Lang, Text};
use crate::trace::{Dir, Severity};

/// The window's title (and the top bar's button).
pub const TITLE: Text = Text {
    en: "Legend",
    zh: "图例",
};

/// What a sample shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sample {
    /// A message's arrow, labelled.
    Message(ArrowStyle, &'static str),
    /// A message carried by several frames: ticks under the arrow.
    Fragmented,
    /// One frame on its own row ("show frames").
    Frame,
    /// An event observed at the socket.
    Socket,
    /// Diagnostics of each severity.
    Diagnostics,
    /// A note, in a tone, with its sample text.
    Note(Tone, Text),
    /// The browser-API lane's readyState colours and a marker.
    Api,
    /// A held request and a streaming body beside the server.
    Spans,
    /// The playhead.
    Playhead,
}

/// One line of the legend.
struct Entry {
    sample: Sample,
    means: Text,
}

const ENTRIES: &[Entry] = &[
    Entry {
        sample: Sample::Message(ArrowStyle::ClientToServer, "GET /chat"),
        means: Text {
            en: "Client → server: a request, message or packet the client sent",
            zh: "客户端 → 服务器：客户端发出的请求、消息或数据包",
        },
    },
    Entry {
        sample: Sample::Message(ArrowStyle::ServerToClient, "101"),
        means: Text {
            en: "Server → client: a response, message or packet the server sent",
            zh: "服务器 → 客户端：服务器发出的响应、消息或数据包",
        },
    },
    Entry {
        sample: Sample::Message(ArrowStyle::ClientToServer, "SYN"),
        means: Text {
            en: "Packets (packet capture on): TCP SYN, ACK, FIN… are arrows too, with their seq/ack",
            zh: "数据包（开启抓包时）：TCP 的 SYN、ACK、FIN 等也画成箭头，并标出 seq/ack",
        },
    },
    Entry {
        sample: Sample::Socket,
        means: Text {
            en: "Observed at the socket: connect(), accept() or a close that the lab's socket tap recorded, not a packet",
            zh: "在套接字层观察到：实验室的套接字探针记录的 connect()、accept() 或关闭，并不是数据包",
        },
    },
    Entry {
        sample: Sample::Message(ArrowStyle::ServerToClient, "ping"),
        means: Text {
            en: "Control frames (ping, pong, close) are arrows like data; the label names the opcode",
            zh: "控制帧（ping、pong、close）和数据帧一样画成箭头，标签写明 opcode",
        },
    },
    Entry {
        sample: Sample::Fragmented,
        means: Text {
            en: "A message sent in several frames: one tick per frame",
            zh: "分成多个帧发送的消息（分片）：每个帧一个刻度",
        },
    },
    Entry {
        sample: Sample::Frame,
        means: Text {
            en: "With frames shown: each WebSocket frame on its own row, drawn lighter",
            zh: "显示帧时：每个 WebSocket 帧单独占一行，颜色较浅",
        },
    },
    Entry {
        sample: Sample::Diagnostics,
        means: Text {
            en: "Diagnostics (info, warning, error): a broken rule or something worth knowing, with the rule it cites",
            zh: "诊断（信息、警告、错误）：违反的规则或值得注意的情况，并注明所依据的规则",
        },
    },
    Entry {
        sample: Sample::Note(
            Tone::Weak,
            Text {
                en: "note",
                zh: "注释",
            },
        ),
        means: Text {
            en: "A note: what the event means, citing its specification",
            zh: "注释：说明事件的含义，并引用相应的规范",
        },
    },
    Entry {
        sample: Sample::Note(
            Tone::Confirmed,
            Text {
                en: "accept ✓",
                zh: "accept ✓",
            },
        ),
        means: Text {
            en: "A check that passed, such as a matching Sec-WebSocket-Accept",
            zh: "通过的校验，例如 Sec-WebSocket-Accept 与预期一致",
        },
    },
    Entry {
        sample: Sample::Note(
            Tone::Failed,
            Text {
                en: "accept ✗",
                zh: "accept ✗",
            },
        ),
        means: Text {
            en: "A check that failed",
            zh: "未通过的校验",
        },
    },
    Entry {
        sample: Sample::Api,
        means: Text {
            en: "The browser API lane is inferred, not observed: what new WebSocket(), fetch() or EventSource would report. Colours: readyState 0 CONNECTING, 1 OPEN, 2 CLOSING, 3 CLOSED",
            zh: "浏览器 API 泳道是推断出来的，并非观察到的：new WebSocket()、fetch() 或 EventSource 会报告的事件。颜色表示 readyState：0 CONNECTING、1 OPEN、2 CLOSING、3 CLOSED",
        },
    },
    Entry {
        sample: Sample::Spans,
        means: Text {
            en: "A bar beside the server: a request held open (long polling), or a response body still streaming",
            zh: "服务器旁的竖条：被服务器挂起的请求（长轮询），或仍在持续发送的响应体（流）",
        },
    },
    Entry {
        sample: Sample::Playhead,
        means: Text {
            en: "The playhead: the newest event while a run is live",
            zh: "播放头：运行过程中最新的事件",
        },
    },
];

fn label(text: &str, pos: Pos2, anchor: Anchor, font: Font, tone: Tone) -> Label {
    Label {
        text: text.to_string(),
        full: None,
        pos: Point::new(pos.x, pos.y),
        anchor,
        max_width: None,
        font,
        tone,
    }
}

/// An arrow across `r` at height `y`, its head as the scene draws it.
fn arrow(r: Rect, y: f32, style: ArrowStyle, unit: WireUnit, text: &str) -> Arrow {
    let (from, to) = match style {
        ArrowStyle::ClientToServer => (r.left() + 6.0, r.right() - 6.0),
        ArrowStyle::ServerToClient => (r.right() - 6.0, r.left() + 6.0),
    };
    let tip = if to > from { -1.0 } else { 1.0 };
    let tone = match unit {
        WireUnit::Message => Tone::Text,
        WireUnit::Frame => Tone::Weak,
    };
    Arrow {
        from: Point::new(from, y),
        to: Point::new(to, y),
        head: [
            Point::new(to, y),
            Point::new(to + tip * 9.0, y - 4.5),
            Point::new(to + tip * 9.0, y + 4.5),
        ],
        style,
        unit,
        ticks: Vec::new(),
        label: label(
            text,
            Pos2::new(r.center().x, y - 3.0),
            Anchor::CenterBottom,
            Font::Small,
            tone,
        ),
    }
}

fn paint_sample(ui: &Ui, sample: Sample, r: Rect, lang: Lang) {
    let theme = Theme::of(ui.ctx());
    let painter = ui.painter_at(r);
    let y = r.bottom() - 7.0;
    match sample {
        Sample::Message(style, text) => {
            paint_arrow(
                ui,
                &painter,
                &arrow(r, y, style, WireUnit::Message, text),
                false,
            );
        }
        Sample::Frame => {
            let a = arrow(r, y, ArrowStyle::ServerToClient, WireUnit::Frame, "FIN=0");
            paint_arrow(ui, &painter, &a, false);
        }
        Sample::Fragmented => {
            let mut a = arrow(r, y, ArrowStyle::ClientToServer, WireUnit::Message, "");
            let (l, w) = (r.left() + 6.0, r.width() - 12.0);
            a.ticks = (1..=3)
                .map(|k| Tick {
                    x: l + w * k as f32 / 4.0,
                    top: y,
                    bottom: y + 5.0,
                })
                .collect();
            paint_arrow(ui, &painter, &a, false);
        }
        Sample::Socket => {
            let (l, rr) = (r.left() + 6.0, r.right() - 6.0);
            let dot = |x: f32, radius: f32| Dot {
                center: Point::new(x, y),
                radius,
            };
            let socket = SocketLine {
                from: Point::new(l, y),
                to: Point::new(rr, y),
                dots: [dot(l, 4.0), dot(l, 2.5), dot(rr, 2.5)],
                label: label(
                    "connect()",
                    Pos2::new(r.center().x, y - 3.0),
                    Anchor::CenterBottom,
                    Font::Small,
                    Tone::Weak,
                ),
            };
            paint_socket(ui, &painter, &socket);
        }
        Sample::Diagnostics => {
            let severities = [Severity::Info, Severity::Warning, Severity::Error];
            for (k, severity) in severities.into_iter().enumerate() {
                let c = Point::new(r.left() + 14.0 + 28.0 * k as f32, r.center().y);
                let at = |dx: f32, dy: f32| Point::new(c.x + dx, c.y + dy);
                let mark = DiagnosticMark {
                    severity,
                    triangle: [at(0.0, -7.0), at(7.0, 6.0), at(-7.0, 6.0)],
                    glyph: label(
                        "!",
                        Pos2::new(c.x, c.y + 1.5),
                        Anchor::CenterCenter,
                        Font::Glyph,
                        Tone::OnMarker,
                    ),
                    label: label(
                        "",
                        Pos2::new(c.x, c.y),
                        Anchor::LeftCenter,
                        Font::Marker,
                        Tone::Weak,
                    ),
                };
                paint_diagnostic(ui, &painter, &mark);
            }
        }
        Sample::Note(tone, text) => {
            let note = Note {
                label: label(
                    text.get(lang),
                    Pos2::new(r.left() + 8.0, r.center().y),
                    Anchor::LeftCenter,
                    Font::Small,
                    tone,
                ),
            };
            paint_note(ui, &painter, &note);
        }
        Sample::Api => {
            // The four readyState bands as the lane draws them, a marker dot on each.
            let w = (r.width() - 12.0) / 4.0;
            for state in 0..4u8 {
                let left = r.left() + 6.0 + w * f32::from(state);
                let band = Rect::from_min_max(
                    Pos2::new(left, r.center().y - 3.0),
                    Pos2::new(left + w - 2.0, r.center().y + 3.0),
                );
                painter.rect_filled(band, 1.0, theme.ready_state(state));
                painter.circle_filled(
                    Pos2::new(left + w / 2.0, r.center().y),
                    4.0,
                    theme.ready_state(state),
                );
            }
        }
        Sample::Spans => {
            for (k, dir) in [Dir::C2s, Dir::S2c].into_iter().enumerate() {
                let color = theme.direction(dir);
                let x = r.left() + 30.0 + 50.0 * k as f32;
                let bar = Rect::from_min_max(
                    Pos2::new(x, r.top() + 2.0),
                    Pos2::new(x + 6.0, r.bottom() - 2.0),
                );
                painter.rect_filled(bar, 2.0, color.gamma_multiply(0.25));
                painter.rect_stroke(
                    bar,
                    2.0,
                    Stroke::new(theme.diagram.outline, color.gamma_multiply(0.8)),
                    egui::StrokeKind::Inside,
                );
            }
        }
        Sample::Playhead => {
            painter.hline(
                r.left() + 6.0..=r.right() - 6.0,
                r.center().y,
                Stroke::new(theme.diagram.playhead, theme.playhead),
            );
        }
    }
}

/// Draws the legend window while `open` (its title bar's × closes it).
pub fn show(ctx: &egui::Context, open: &mut bool) {
    let lang = lang::current(ctx);
    let size = &Theme::of(ctx).size;
    egui::Window::new(TITLE.get(lang))
        .id(egui::Id::unique("wirelab-legend"))
        .open(open)
        .resizable(false)
        .collapsible(false)
        .default_width(size.legend_width)
        // Tall enough for every entry at 1×; zoomed in, it scrolls.
        .default_height(ctx.content_rect().height() - 120.0)
        // At the right, below the top bar: the diagram's lanes and the bar stay in view.
        .default_pos(egui::pos2(
            ctx.content_rect().right() - size.legend_width - 40.0,
            ctx.content_rect().top() + 90.0,
        ))
        .show(ctx, |ui| {
            // Zoomed in for a projector the legend is taller than the window: it scrolls.
            egui::ScrollArea::vertical().show(ui, |ui| {
                Grid::new("wirelab-legend-grid")
                    .num_columns(2)
                    .spacing([12.0, 6.0])
                    .show(ui, |ui| {
                        for entry in ENTRIES {
                            let (r, _) =
                                ui.allocate_exact_size(size.legend_sample.into(), Sense::hover());
                            paint_sample(ui, entry.sample, r, lang);
                            ui.add(egui::Label::new(entry.means.get(lang)).wrap());
                            ui.end_row();
                        }
                    });
            });
        });
}
