//! The metric cards: one per technique, every number from the trace ([`Comparison`]: the
//! counts of `analysis::metrics`, the deliveries and latencies of `analysis::compare`).

use egui::{Grid, RichText, Ui};

use crate::analysis::compare::{Comparison, TechniqueResult};
use crate::analysis::series::bytes_by_direction;
use crate::lang::Text;
use crate::trace::Trace;
use crate::ui::theme::Theme;

use super::text;

/// One line of a card: its name and how to read its value off a technique's result.
struct Line {
    name: Text,
    /// Shown even when no technique has a value (latency before the first delivery).
    always: bool,
    value: fn(&TechniqueResult, &Trace) -> Option<String>,
}

fn n(v: u64) -> Option<String> {
    Some(v.to_string())
}

fn ms(us: i64) -> String {
    format!("{:.1} ms", us as f64 / 1000.0)
}

const LINES: &[Line] = &[
    Line {
        always: true,
        name: Text {
            en: "HTTP requests",
            zh: "HTTP 请求数",
        },
        value: |r, _| n(r.counts.http_requests),
    },
    Line {
        always: true,
        name: Text {
            en: "TCP connections",
            zh: "TCP 连接数",
        },
        value: |r, _| n(r.counts.tcp_connections),
    },
    Line {
        always: true,
        name: Text {
            en: "bytes up (client → server)",
            zh: "上行字节（客户端 → 服务器）",
        },
        value: |r, t| n(bytes_by_direction(t, &r.conns)[0]),
    },
    Line {
        always: true,
        name: Text {
            en: "bytes down (server → client)",
            zh: "下行字节（服务器 → 客户端）",
        },
        value: |r, t| n(bytes_by_direction(t, &r.conns)[1]),
    },
    Line {
        always: true,
        name: Text {
            en: "  request heads",
            zh: "  请求头",
        },
        value: |r, _| n(r.counts.http_request_head_bytes),
    },
    Line {
        always: true,
        name: Text {
            en: "  response heads",
            zh: "  响应头",
        },
        value: |r, _| n(r.counts.http_response_head_bytes),
    },
    Line {
        always: true,
        name: Text {
            en: "  HTTP bodies",
            zh: "  HTTP 消息体",
        },
        value: |r, _| n(r.counts.http_body_bytes),
    },
    Line {
        always: true,
        name: Text {
            en: "    of which chunk framing",
            zh: "    其中分块编码开销",
        },
        value: |r, _| n(r.counts.chunk_framing_bytes),
    },
    Line {
        always: true,
        name: Text {
            en: "  WebSocket frame headers",
            zh: "  WebSocket 帧头",
        },
        value: |r, _| n(r.counts.ws_frame_header_bytes),
    },
    Line {
        always: true,
        name: Text {
            en: "  WebSocket payload",
            zh: "  WebSocket 载荷",
        },
        value: |r, _| n(r.counts.ws_payload_wire_bytes),
    },
    Line {
        always: false,
        name: Text {
            en: "IP packets",
            zh: "IP 包数",
        },
        value: |r, _| r.counts.packets.map(|v| v.to_string()),
    },
    Line {
        always: false,
        name: Text {
            en: "IP bytes",
            zh: "IP 字节",
        },
        value: |r, _| r.counts.ip_bytes.map(|v| v.to_string()),
    },
    Line {
        always: true,
        name: Text {
            en: "empty responses",
            zh: "空响应",
        },
        value: |r, _| n(r.counts.empty_responses),
    },
    Line {
        always: true,
        name: Text {
            en: "events delivered",
            zh: "送达事件数",
        },
        value: |r, _| n(r.events_delivered()),
    },
    Line {
        always: true,
        name: Text {
            en: "latency p50 / p95",
            zh: "延迟 p50 / p95",
        },
        value: |r, _| {
            r.latency
                .map(|l| format!("{} / {}", ms(l.p50_us), ms(l.p95_us)))
        },
    },
    Line {
        always: true,
        name: Text {
            en: "latency max",
            zh: "最大延迟",
        },
        value: |r, _| r.latency.map(|l| ms(l.max_us)),
    },
    Line {
        always: true,
        name: Text {
            en: "bytes per event",
            zh: "每事件字节数",
        },
        value: |r, _| r.bytes_per_event().map(|b| format!("{b:.0}")),
    },
];

/// One card per technique in `comparison`, side by side, as many to a row as fit (four at
/// 1400 points, two at 2x UI zoom). Lines nothing measured (IP packets without packet
/// capture) are left out.
pub fn cards_ui(ui: &mut Ui, comparison: &Comparison, trace: &Trace) {
    let lang = crate::ui::lang::current(ui.ctx());
    let theme = Theme::of(ui.ctx());
    let shown: Vec<&Line> = LINES
        .iter()
        .filter(|line| {
            line.always
                || comparison
                    .techniques
                    .iter()
                    .any(|r| (line.value)(r, trace).is_some())
        })
        .collect();
    let gap = ui.spacing().item_spacing.x;
    let min = theme.size.compare_card_width;
    let per_row = (((ui.available_width() + gap) / (min + gap)).floor() as usize).clamp(1, 4);
    let width = ((ui.available_width() + gap) / per_row as f32 - gap).floor();
    let techniques: Vec<_> = crate::analysis::compare::TECHNIQUES
        .into_iter()
        .enumerate()
        .collect();
    for row in techniques.chunks(per_row) {
        ui.horizontal_top(|ui| {
            for &(k, technique) in row {
                let color = theme.techniques.get(k).copied().unwrap_or_default();
                egui::Frame::group(ui.style()).show(ui, |ui| {
                    // The frame's margins and stroke are outside this width.
                    ui.set_width(width - 14.0);
                    ui.vertical(|ui| {
                        ui.label(
                            RichText::new(text::technique(technique, lang))
                                .strong()
                                .color(color),
                        );
                        let result = comparison.technique(technique);
                        Grid::new(("compare-card", k))
                            .num_columns(2)
                            .striped(true)
                            .show(ui, |ui| {
                                for line in &shown {
                                    ui.label(line.name.get(lang));
                                    let value = result.and_then(|r| (line.value)(r, trace));
                                    match value {
                                        Some(v) => ui.monospace(v),
                                        None => ui.weak("–"),
                                    };
                                    ui.end_row();
                                }
                            });
                    });
                });
            }
        });
    }
}
