//! Every text of the Compare view, in both languages. Texts with values in them are functions
//! that write each language's whole sentence.

use crate::analysis::metrics::Technique;
use crate::lang::{Lang, Phrase, Text};

/// The view's tab.
pub const TAB: Text = Text {
    en: "Compare",
    zh: "对比",
};
/// The tab's tooltip.
pub const TAB_HINT: Text = Text {
    en: "Short polling, long polling, SSE and WebSocket side by side, measured from the wire",
    zh: "短轮询、长轮询、SSE 与 WebSocket 并排对比，数据全部取自线路",
};
/// The preset picker.
pub const PRESET: Text = Text {
    en: "Preset",
    zh: "预设",
};
/// No preset: the controls' own values.
pub const CUSTOM: Text = Text {
    en: "custom",
    zh: "自定义",
};
/// A preset changed by hand.
pub const EDITED: Text = Text {
    en: "edited",
    zh: "已修改",
};
/// Server events.
pub const EVENTS: Text = Text {
    en: "Events",
    zh: "事件数",
};
/// Tooltip of the events field.
pub const EVENTS_HINT: Text = Text {
    en: "How many events the server's one event source creates; every technique receives the same ones",
    zh: "服务器的同一个事件源产生多少个事件；四种技术收到的是同一批事件",
};
/// The mean time between events.
pub const EVERY_MS: Text = Text {
    en: "every (ms)",
    zh: "间隔 (ms)",
};
/// Regular timing.
pub const REGULAR: Text = Text {
    en: "regular",
    zh: "等间隔",
};
/// Random timing.
pub const RANDOM: Text = Text {
    en: "random",
    zh: "随机",
};
/// Tooltip of random timing.
pub const RANDOM_HINT: Text = Text {
    en: "Random gaps with this mean, the same for the same seed",
    zh: "平均间隔不变的随机间隔；种子相同，序列就相同",
};
/// The random generator's seed.
pub const SEED: Text = Text {
    en: "seed",
    zh: "种子",
};
/// The payload size.
pub const PAYLOAD: Text = Text {
    en: "payload (B)",
    zh: "载荷 (B)",
};
/// The short-poll interval.
pub const POLL_MS: Text = Text {
    en: "short poll every (ms)",
    zh: "短轮询间隔 (ms)",
};
/// Keep-alive.
pub const KEEP_ALIVE: Text = Text {
    en: "keep-alive",
    zh: "keep-alive（持久连接）",
};
/// Tooltip of keep-alive.
pub const KEEP_ALIVE_HINT: Text = Text {
    en: "Off: every poll opens a new TCP connection, as HTTP/1.0 did",
    zh: "关闭时每次轮询都新建一个 TCP 连接，就像 HTTP/1.0 那样",
};
/// The link conditions' heading.
pub const LINK: Text = Text {
    en: "Link, emulated at the socket:",
    zh: "链路（在套接字层模拟）：",
};
/// Tooltip of the link conditions.
pub const LINK_HINT: Text = Text {
    en: "A relay in the lab's own path adds the delay and limits the rate in each direction. It cannot drop TCP segments (both kernels acknowledge and retransmit underneath it), so loss is simulated as a retransmission stall. Packets captured on lo show two fast connections around the relay.",
    zh: "实验室自己路径上的中继在每个方向上增加延迟并限制速率。它无法丢弃 TCP 报文段（两端内核在它下面确认并重传），所以丢包以“重传停顿”来模拟。在 lo 上抓到的包是中继两侧的两条快速连接。",
};
/// One-way delay.
pub const DELAY_MS: Text = Text {
    en: "delay (ms)",
    zh: "单向延迟 (ms)",
};
/// Bandwidth.
pub const RATE_KBPS: Text = Text {
    en: "rate (kbit/s, 0: none)",
    zh: "带宽 (kbit/s，0 为不限)",
};
/// Loss.
pub const LOSS_PCT: Text = Text {
    en: "loss (%)",
    zh: "丢包 (%)",
};
/// The Run button.
pub const RUN: Text = Text {
    en: "▶ Run",
    zh: "▶ 运行",
};
/// Tooltip of Run.
pub const RUN_HINT: Text = Text {
    en: "Four real clients at once against the lab server, each receiving the same events",
    zh: "四个真实客户端同时连接实验室服务器，收到同一批事件",
};
/// Save CSV.
pub const SAVE_CSV: Text = Text {
    en: "Save CSV…",
    zh: "保存 CSV…",
};
/// Save JSON.
pub const SAVE_JSON: Text = Text {
    en: "Save JSON…",
    zh: "保存 JSON…",
};
/// The save buttons' tooltip.
pub const SAVE_HINT: Text = Text {
    en: "The comparison's table (the same JSON as `wirelab compare --json`)",
    zh: "对比结果表（与 `wirelab compare --json` 相同的 JSON）",
};
/// Before the first run.
pub const EMPTY: Text = Text {
    en: "Choose a workload or a preset and press Run: four clients (short polling, long polling, SSE, WebSocket) receive the same server events, and every number below is read from the wire.",
    zh: "选择工作负载或预设，然后按“运行”：四个客户端（短轮询、长轮询、SSE、WebSocket）收到同样的服务器事件，下面的每个数字都取自线路。",
};
/// A technique's diagram before any of its events.
pub const NO_EVENTS_YET: Text = Text {
    en: "…", zh: "…"
};
/// The plot of bytes.
pub const BYTES_PLOT: Text = Text {
    en: "Bytes on the wire (TCP payload, both ways)",
    zh: "线路上的字节（TCP 载荷，双向）",
};
/// The plot of requests.
pub const REQUESTS_PLOT: Text = Text {
    en: "HTTP requests",
    zh: "HTTP 请求",
};
/// The latency plot.
pub const LATENCY_PLOT: Text = Text {
    en: "Delivery latency (ms): event created → client's read",
    zh: "送达延迟 (ms)：事件产生 → 客户端读到",
};
/// The time axis.
pub const TIME_MS: Text = Text {
    en: "time (ms)",
    zh: "时间 (ms)",
};
/// The scale run's section.
pub const SCALE: Text = Text {
    en: "Scale run (N clients per technique)",
    zh: "规模测试（每种技术 N 个客户端）",
};
/// Where the scale run's panel goes until it is wired in.
pub const SCALE_PENDING: Text = Text {
    en: "The scale run's panel goes here.",
    zh: "规模测试面板放在这里。",
};
/// The detail pane's heading.
pub const DETAIL: Text = Text {
    en: "Detail",
    zh: "详情",
};
/// Collapse the detail pane.
pub const HIDE: Text = Text {
    en: "Hide »",
    zh: "隐藏 »",
};
/// Before an arrow is clicked.
pub const DETAIL_HINT: Text = Text {
    en: "Click an arrow in one of the diagrams to see what was on the wire.",
    zh: "点击任一图中的箭头，查看线路上的内容。",
};
/// What the latency counts.
pub const NOT_TIMED: Text = Text {
    en: "not timed",
    zh: "未计时",
};

/// The published table's columns.
pub const FIGURE: Text = Text {
    en: "figure",
    zh: "指标",
};
/// The published value's column.
pub const PUBLISHED: Text = Text {
    en: "published",
    zh: "发表值",
};
/// The measured value's column.
pub const MEASURED: Text = Text {
    en: "measured here",
    zh: "本次实测",
};
/// What a published value counts.
pub const WHAT_IT_COUNTS: Text = Text {
    en: "what the published number counts",
    zh: "发表值统计的是什么",
};

/// The published table's heading.
pub fn published_heading(source: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Published: {source}"),
        Lang::Zh => format!("已发表的数据：{source}"),
    }
}

/// A technique's name as a person says it.
pub fn technique(t: Technique, lang: Lang) -> &'static str {
    match (t, lang) {
        (Technique::ShortPoll, Lang::En) => "Short polling",
        (Technique::ShortPoll, Lang::Zh) => "短轮询",
        (Technique::LongPoll, Lang::En) => "Long polling",
        (Technique::LongPoll, Lang::Zh) => "长轮询",
        (Technique::Sse, Lang::En) => "SSE (HTTP streaming)",
        (Technique::Sse, Lang::Zh) => "SSE（HTTP 流）",
        (Technique::WebSocket, _) => "WebSocket",
        (Technique::Http, _) => "HTTP",
        (Technique::Tcp, _) => "TCP",
    }
}

/// The progress line: `emitted` of `total` events created.
pub fn progress(emitted: usize, total: usize, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{emitted} of {total} events created"),
        Lang::Zh => format!("已产生 {emitted} / {total} 个事件"),
    }
}

/// The run failed.
pub fn failed(why: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("The run failed: {why}"),
        Lang::Zh => format!("运行失败：{why}"),
    }
}

/// The lab could not start.
pub fn lab_error(why: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("The lab could not start: {why}"),
        Lang::Zh => format!("实验室无法启动：{why}"),
    }
}

/// A save's outcome.
pub fn saved(path: &std::path::Path) -> Phrase {
    Phrase::new(
        format!("Saved {}", path.display()),
        format!("已保存 {}", path.display()),
    )
}

/// A save that failed.
pub fn save_failed(path: &std::path::Path, why: &str) -> Phrase {
    Phrase::new(
        format!("Could not save {}: {why}", path.display()),
        format!("无法保存 {}：{why}", path.display()),
    )
}
