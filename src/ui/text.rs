//! Every word of the window's own chrome (top bar, views, lists, banners, status lines), in
//! English and Chinese. Fixed texts are [`Text`] constants declared with `texts!`, which also
//! lists them in [`ALL`] for the parity test; a text with values is a function that writes
//! each language's whole sentence (word order and plurals differ), returning a [`Phrase`]
//! when it is kept to be shown later (so a language switch reaches it too).
//!
//! The protocol explanations (detail pane, diagram annotations) are not here: they live with
//! the protocol code that knows them.

use std::fmt::Display;
use std::path::Path;

use crate::lang::{Lang, Phrase, Text};
use crate::trace::describe::counted;

/// Declares each text as a public constant (its doc is its English) and lists them all in
/// [`ALL`].
macro_rules! texts {
    ($($name:ident: $en:literal, $zh:literal;)*) => {
        $(
            #[doc = concat!("“", $en, "”")]
            pub const $name: Text = Text { en: $en, zh: $zh };
        )*
        /// Every fixed text of the window's chrome, by name, for the parity test.
        pub const ALL: &[(&str, Text)] = &[$((stringify!($name), $name)),*];
    };
}

texts! {
    // The top bar.
    TAB_LAB: "Lab", "实验室";
    TAB_CAPTURE: "Capture", "抓包";
    TAB_CAPTURE_HINT: "Live capture on an interface", "在网络接口上实时抓包";
    TAB_FILE: "File", "文件";
    TAB_FILE_HINT: "A capture file or a saved trace", "抓包文件或保存的追踪记录";
    OPEN: "Open…", "打开…";
    OPEN_HINT:
        "Open a capture (.pcap, .pcapng) or a saved trace (.json); you can also drop a file on the window",
        "打开抓包文件（.pcap、.pcapng）或保存的追踪记录（.json）；也可以把文件拖到窗口上";
    LANGUAGE_HINT: "Language of the whole window", "整个窗口的语言";
    DROP_HINT: "Drop a .pcap, .pcapng or trace .json file to open it",
        "松开鼠标即可打开 .pcap、.pcapng 或追踪记录 .json 文件";
    DIALOG_OPEN: "Open a capture file or trace", "打开抓包文件或追踪记录";
    DIALOG_SAVE_CAPTURE: "Save the capture (pcapng)", "保存抓包（pcapng）";
    DIALOG_SAVE_RUN_PACKETS: "Save the run's packets (pcapng)", "保存本次运行的数据包（pcapng）";
    DIALOG_SAVE_TRACE: "Save the trace (JSON)", "保存追踪记录（JSON）";

    // The Lab view.
    LAB_HINT: "Pick a scenario and press Run, or Step through it one stage at a time.",
        "选择一个场景后按“运行”，或用“单步”一次执行一个阶段。";
    RUN: "Run", "运行";
    RUN_HINT: "Run every stage", "运行全部阶段";
    STEP: "Step", "单步";
    STEP_DONE: "Step (done)", "单步（已完成）";
    RESET: "Reset", "重置";
    DEMO_PAGE: "demo page", "演示页面";
    DEMO_PAGE_HINT: "Open it in a browser: its WebSocket is traced too",
        "在浏览器中打开：它的 WebSocket 连接也会被追踪";
    PACKETS_AND_SOCKET: "packets + socket", "数据包 + 套接字";
    PACKETS_AND_SOCKET_HINT:
        "TCP packets on the loopback (SYN, SYN-ACK, ACK, FIN with seq/ack) merged with what the lab's socket tap saw",
        "回环接口上的 TCP 数据包（SYN、SYN-ACK、ACK、FIN 及其 seq/ack）与实验室套接字监听看到的内容合并显示";
    OBSERVED_AT_SOCKET: "observed at the socket", "在套接字处观察";
    SOCKET_ONLY_ASKED: "the socket tap alone was asked for", "按要求只使用套接字监听";
    SOCKET_TAP_HINT:
        "The lab's socket tap records connect/accept, every byte read and written, and the close",
        "实验室的套接字监听记录 connect/accept、读写的每一个字节以及关闭";
    SAVE_TRACE_JSON: "Save trace JSON…", "保存追踪记录 JSON…";
    SAVE_PCAPNG: "Save pcapng…", "保存 pcapng…";
    SAVE_PCAPNG_DISABLED: "packet mode only: the socket tap sees no packets",
        "仅限数据包模式：套接字监听看不到数据包";
    EXTERNAL_CLIENTS: "external clients (no scenario running)", "外部客户端（没有运行场景）";

    // The Capture view.
    CAPTURE_HINT:
        "Choose an interface and a filter and press Start: connections appear here as their packets arrive.",
        "选择网络接口和过滤条件后按“开始”：数据包到达时，连接会出现在这里。";
    PERMISSION_TITLE: "⚠ Packet capture is not permitted", "⚠ 没有抓包权限";
    COPY_SETCAP: "copy the setcap command", "复制 setcap 命令";
    DISMISS: "dismiss", "关闭提示";
    PERMISSION_NOTE:
        "Opening capture files (File ▸ Open…, or drop a file on the window) and the Lab work without it.",
        "打开抓包文件（文件 ▸ 打开…，或把文件拖到窗口上）和实验室不需要这个权限。";
    INTERFACE: "interface", "接口";
    BPF_FILTER: "BPF filter", "BPF 过滤器";
    BPF_FILTER_HINT: "e.g. tcp port 8088 (empty: everything)", "例如 tcp port 8088（留空：全部）";
    WRITE_TO: "write to", "写入";
    WRITE_TO_HINT:
        "The pcapng file the capture streams to as it goes (nothing is lost if the program is killed); Save… copies it where you want",
        "抓包过程中持续写入的 pcapng 文件（程序被强制结束也不会丢失）；“保存…”把它复制到你想要的位置";
    START: "Start", "开始";
    START_HINT: "Start capturing", "开始抓包";
    START_DISABLED: "Fix the filter, or stop the running capture first",
        "请先修正过滤器，或停止正在进行的抓包";
    STOP: "Stop", "停止";
    SAVE: "Save…", "保存…";
    SAVE_CAPTURE_HINT: "Copy the captured pcapng file where you want it",
        "把抓到的 pcapng 文件复制到你想要的位置";
    STOPPING: "stopping…", "正在停止…";
    NOT_CAPTURING: "not capturing", "未在抓包";
    STOPPED: "stopped", "已停止";
    CAPTURING_TO: "capturing to", "正在写入";
    CAPTURED_TO: "captured to", "已写入";
    CAPTURES_KEPT_IN: "captures are kept in", "抓包文件保存在";
    CLICK_TO_COPY_PATH: "Click to copy the path", "点击复制路径";
    OPEN_IN_FILE_VIEW: "Open in File view", "在文件视图中打开";
    OPEN_IN_FILE_VIEW_HINT: "Read the captured pcapng file again in the File view",
        "在文件视图中重新读取抓到的 pcapng 文件";
    AFTER_CAPTURE_STOPS: "After the capture stops", "抓包停止后可用";
    PROCESSED_HINT:
        "Packets wirelab decoded, reassembled and dissected (and wrote to the file)",
        "wirelab 已解码、重组、解析（并写入文件）的数据包";
    LOOPBACK_COUNTED_TWICE: "(loopback packets counted twice)", "（回环数据包被计了两次）";
    WAITING_HINT:
        "Packets libpcap has counted that wirelab has not processed yet (in the kernel's buffer, handed over within a few milliseconds)",
        "libpcap 已计数但 wirelab 尚未处理的数据包（还在内核缓冲区里，几毫秒内就会交给 wirelab）";
    DROPPED_HINT: "libpcap: packets dropped because the buffer was full",
        "libpcap：因缓冲区已满而丢弃的数据包";
    IF_DROPPED_HINT: "libpcap: packets the interface or its driver dropped",
        "libpcap：被网络接口或其驱动丢弃的数据包";

    // The File view.
    FILE_HINT:
        "Open a capture (.pcap, .pcapng) or a saved trace: Open…, drop the file on the window, or --open FILE.",
        "打开抓包文件（.pcap、.pcapng）或保存的追踪记录：点“打开…”、把文件拖到窗口上，或使用 --open FILE。";
    FILE_READING_HINT: "Reading the file…", "正在读取文件…";
    FILE_FAILED_HINT: "The file could not be read: see above.", "无法读取该文件：原因见上方。";
    NO_FILE_OPEN: "no file open — Open… or drop a .pcap/.pcapng/.json file here",
        "尚未打开文件 —— 点“打开…”或把 .pcap/.pcapng/.json 文件拖到这里";
    PREPARING: "read; preparing the diagram…", "已读完；正在准备时序图…";
    CANCEL: "Cancel", "取消";
    STREAMS_NOT_KEPT: "(large file: payload bytes not kept, no hex dumps)",
        "（大文件：不保留载荷字节，没有十六进制转储）";

    // The connection list, the diagram's options and the side panes.
    CONNECTIONS: "Connections", "连接列表";
    CLEAR_FILTER: "clear filter", "清除过滤";
    COLLAPSE_LIST_HINT: "Collapse the connection list (L); the diagram takes its width",
        "收起连接列表（L）；时序图占用它的宽度";
    FILTER: "filter", "过滤";
    FILTER_HINT: "address, event text…", "地址、事件文字…";
    FILTER_HOVER: "Matches addresses, the protocol and every event's summary",
        "匹配地址、协议以及每个事件的摘要";
    PORT: "port", "端口";
    ANY: "any", "任意";
    PROTOCOL: "protocol", "协议";
    NO_CONNECTION_MATCHES: "No connection matches the filter.", "没有符合过滤条件的连接。";
    NO_CONNECTION_YET: "No TCP connection yet.", "还没有 TCP 连接。";
    SHOW_LIST_HINT: "Show the connection list (L)", "显示连接列表（L）";
    COLLAPSE_GAPS: "collapse idle gaps", "折叠空闲间隔";
    SHOW_FRAMES: "show frames", "显示帧";
    FOLLOW: "follow", "跟随最新";
    ZOOM_OUT_HINT: "zoom out (-)", "缩小（-）";
    ZOOM_IN_HINT: "zoom in (+)", "放大（+）";
    DETAIL: "Detail", "详情";
    HIDE_DETAIL: "Hide »", "隐藏 »";
    HIDE_DETAIL_HINT: "Collapse the detail pane (D); the diagram takes its width",
        "收起详情面板（D）；时序图占用它的宽度";
    SHOW_DETAIL_HINT: "Show the detail pane (D)", "显示详情面板（D）";
    SEQUENCE_DIAGRAM: "sequence diagram", "时序图";

    // The Lessons view.
    TAB_LESSONS: "Lessons", "课程";
    TAB_LESSONS_HINT: "Step-through lessons on real sockets, with narration and questions",
        "在真实套接字上逐步演示的课程，配有讲解和课堂提问";
    LESSONS_INTRO:
        "Each lesson runs the lab on this computer step by step: press Next, and the narration explains what the diagram shows.",
        "每节课都在这台电脑上逐步运行实验室：按“下一步”，旁白会讲解时序图上出现的内容。";
    LESSONS_NONE: "No lessons were found.", "没有找到课程。";
    LESSONS_BROKEN: "These lesson files could not be read:", "以下课程文件无法读取：";
    LESSON_START_HINT: "Open this lesson at its first step", "从第一步开始这节课";
    ALL_LESSONS: "◀ All lessons", "◀ 全部课程";
    ALL_LESSONS_HINT: "Back to the list of lessons (the lesson keeps its place)",
        "回到课程列表（本课的进度会保留）";
    LESSON_NEXT: "Next ▶", "下一步 ▶";
    LESSON_NEXT_HINT: "Perform the next step on the lab (→ or space)",
        "在实验室中执行下一步（→ 或空格）";
    LESSON_BACK: "◀ Back", "◀ 上一步";
    LESSON_BACK_HINT: "Return to the previous step (←); the lab runs again from the start where it cannot go back",
        "回到上一步（←）；实验室无法倒退时，会从头重新运行";
    LESSON_COVER: "Press Next (→ or space) to begin.", "按“下一步”（→ 或空格）开始。";
    LESSON_END: "This is the last step of the lesson.", "这是本课的最后一步。";
    LESSON_WORKING: "The lab is performing this step on 127.0.0.1…",
        "实验室正在 127.0.0.1 上执行这一步…";
    LESSON_OPENING: "Opening the recording…", "正在打开录制的抓包文件…";
    LESSON_QUESTION: "Question", "想一想";
    LESSON_ANSWER_OR_NEXT: "Pick an answer, or press Next to see what happens.",
        "选一个答案，或直接按“下一步”看看会发生什么。";
    LESSON_RIGHT: "Right.", "回答正确。";
    LESSON_WRONG: "Not this one.", "这个不对。";
    LESSON_THEN_NEXT: "Press Next to see it on the wire.", "按“下一步”，在线路上亲眼看看。";
    LESSON_STALE: "The Lab view has run something else meanwhile: Next or Back runs this step again.",
        "实验室视图在此期间运行了别的内容：按“下一步”或“上一步”会重新运行这一步。";
    LESSON_EVIDENCE: "On the diagram", "时序图上的证据";
    LESSON_MEASURED: "Measured in this run", "本次运行的测量结果";
    LESSON_DIAGRAM_HINT: "Press Next to perform the step: the events it talks about appear here, highlighted.",
        "按“下一步”执行这一步：它讲到的事件会出现在这里，并高亮显示。";
    LAB_LENT: "A lesson is using the lab: Run or Step starts a new run of the Lab view",
        "课程正在使用实验室：按“运行”或“单步”会在实验室视图中重新开始运行";
    // The diagram's Export… menu and its save dialog.
    EXPORT: "Export…", "导出…";
    EXPORT_HINT: "Save the diagram as SVG or PNG, for slides and handouts",
        "把时序图保存为 SVG 或 PNG，用于幻灯片和讲义";
    EXPORT_VIEW: "the current view", "当前视图";
    EXPORT_WHOLE: "the whole run", "整个过程";
    EXPORT_SVG: "SVG (vector, selectable text)…", "SVG（矢量图，文字可选）…";
    EXPORT_PNG_1X: "PNG 1×…", "PNG 1×（原尺寸）…";
    EXPORT_PNG_2X: "PNG 2× (for a projector)…", "PNG 2×（适合投影）…";
    DIALOG_EXPORT_SVG: "Export the diagram (SVG)", "导出时序图（SVG）";
    DIALOG_EXPORT_PNG: "Export the diagram (PNG)", "导出时序图（PNG）";
}

/// `n` events.
pub fn events(lang: Lang, n: u64) -> String {
    match lang {
        Lang::En => counted(n, "event", "events"),
        Lang::Zh => format!("{n} 个事件"),
    }
}

/// `n` connections.
pub fn connections(lang: Lang, n: u64) -> String {
    match lang {
        Lang::En => counted(n, "connection", "connections"),
        Lang::Zh => format!("{n} 个连接"),
    }
}

/// `n` packets.
pub fn packets(lang: Lang, n: u64) -> String {
    match lang {
        Lang::En => counted(n, "packet", "packets"),
        Lang::Zh => format!("{n} 个数据包"),
    }
}

/// `n` diagnostics.
pub fn diagnostics(lang: Lang, n: u64) -> String {
    match lang {
        Lang::En => counted(n, "diagnostic", "diagnostics"),
        Lang::Zh => format!("{n} 条诊断"),
    }
}

/// Both languages of a sentence written by `write` for each.
fn phrase(write: impl Fn(Lang) -> String) -> Phrase {
    Phrase::new(write(Lang::En), write(Lang::Zh))
}

// Status lines and errors (kept, so made in both languages).

/// A trace was saved.
pub fn saved_events(n: usize, to: &Path) -> Phrase {
    let to = to.display();
    phrase(|lang| match lang {
        Lang::En => format!("saved {} to {to}", events(lang, n as u64)),
        Lang::Zh => format!("已将 {n} 个事件保存到 {to}"),
    })
}

/// A run's packets were saved.
pub fn saved_packets(n: u64, to: &Path) -> Phrase {
    let to = to.display();
    phrase(|lang| match lang {
        Lang::En => format!("saved {} to {to}", packets(lang, n)),
        Lang::Zh => format!("已将 {n} 个数据包保存到 {to}"),
    })
}

/// A capture file was copied.
pub fn saved_bytes(n: u64, to: &Path) -> Phrase {
    let to = to.display();
    phrase(|lang| match lang {
        Lang::En => format!("saved {n} bytes to {to}"),
        Lang::Zh => format!("已将 {n} 字节保存到 {to}"),
    })
}

/// A file could not be written; `cause` as the system said it.
pub fn cannot_save(to: &Path, cause: &dyn Display) -> Phrase {
    let to = to.display();
    phrase(|lang| match lang {
        Lang::En => format!("cannot save {to}: {cause}"),
        Lang::Zh => format!("无法保存 {to}：{cause}"),
    })
}

/// The diagram was exported.
pub fn exported(to: &Path) -> Phrase {
    let to = to.display();
    phrase(|lang| match lang {
        Lang::En => format!("exported the diagram to {to}"),
        Lang::Zh => format!("时序图已导出到 {to}"),
    })
}

/// The diagram could not be exported.
pub fn cannot_export(to: &Path, cause: &anyhow::Error) -> Phrase {
    let to = to.display();
    phrase(|lang| match lang {
        Lang::En => format!("cannot export to {to}: {cause:#}"),
        Lang::Zh => format!("无法导出到 {to}：{cause:#}"),
    })
}

/// A folder could not be made.
pub fn cannot_create(dir: &Path, cause: &dyn Display) -> Phrase {
    let dir = dir.display();
    phrase(|lang| match lang {
        Lang::En => format!("cannot create {dir}: {cause}"),
        Lang::Zh => format!("无法创建 {dir}：{cause}"),
    })
}

/// The capture ended on an error.
pub fn capture_ended(cause: &str) -> Phrase {
    phrase(|lang| match lang {
        Lang::En => format!("capture ended: {cause}"),
        Lang::Zh => format!("抓包已结束：{cause}"),
    })
}

/// Capture on `device` was refused; `detail` from libpcap, `help` how to grant it.
pub fn no_permission(device: &str, detail: &str, help: &str) -> Phrase {
    phrase(|lang| match lang {
        Lang::En => format!("No permission to capture on {device} ({detail}).\n{help}"),
        Lang::Zh => format!("没有在 {device} 上抓包的权限（{detail}）。\n{help}"),
    })
}

// The Lab view.

/// The Step button during a stepped run: the stage the next press runs.
pub fn step_next(lang: Lang, next: &str) -> String {
    match lang {
        Lang::En => format!("Step: {next}"),
        Lang::Zh => format!("单步：{next}"),
    }
}

/// The Step button before a run: it starts `scenario`.
pub fn step_start(lang: Lang, scenario: &str) -> String {
    match lang {
        Lang::En => format!("Step: start {scenario}"),
        Lang::Zh => format!("单步：开始 {scenario}"),
    }
}

/// The Step button's hover text.
pub fn step_hint(lang: Lang, step: &str) -> String {
    match lang {
        Lang::En => format!("{step}: run exactly one stage"),
        Lang::Zh => format!("{step}：只运行一个阶段"),
    }
}

/// The lab server's address.
pub fn server_at(lang: Lang, addr: &dyn Display) -> String {
    match lang {
        Lang::En => format!("server {addr}"),
        Lang::Zh => format!("服务器 {addr}"),
    }
}

/// The lab could not start.
pub fn lab_unavailable(lang: Lang, cause: &str) -> String {
    match lang {
        Lang::En => format!("lab unavailable: {cause}"),
        Lang::Zh => format!("实验室不可用：{cause}"),
    }
}

/// How far the run is.
pub fn stage_of(lang: Lang, done: usize, total: usize) -> String {
    match lang {
        Lang::En => format!("stage {done}/{total}"),
        Lang::Zh => format!("阶段 {done}/{total}"),
    }
}

/// The run's state, with `stages` ([`stage_of`], or empty before the stages are known).
pub fn run_state(lang: Lang, state: RunStateText, stages: &str) -> String {
    match (lang, state) {
        (Lang::En, RunStateText::Finished) => format!("finished · {stages}"),
        (Lang::Zh, RunStateText::Finished) => format!("已完成 · {stages}"),
        (Lang::En, RunStateText::Stepping) => {
            format!("stepping · {stages} · press Step for the next stage")
        }
        (Lang::Zh, RunStateText::Stepping) => format!("单步中 · {stages} · 按“单步”运行下一阶段"),
        (Lang::En, RunStateText::Running) => format!("running · {stages}"),
        (Lang::Zh, RunStateText::Running) => format!("运行中 · {stages}"),
    }
}

/// Which state [`run_state`] describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunStateText {
    /// Every stage done.
    Finished,
    /// A stepped run waits for Step.
    Stepping,
    /// Stages are running.
    Running,
}

/// The run failed.
pub fn run_failed(lang: Lang, cause: &str) -> String {
    match lang {
        Lang::En => format!("run failed: {cause}"),
        Lang::Zh => format!("运行失败：{cause}"),
    }
}

/// The reset prompt's title.
pub fn prompt_title(lang: Lang, picked: &str) -> String {
    match lang {
        Lang::En => format!("Switch to {picked}?"),
        Lang::Zh => format!("切换到 {picked}？"),
    }
}

/// The reset prompt's question: the `current` run is at stage `done` of `total`.
pub fn prompt_body(lang: Lang, current: &str, done: usize, total: usize, picked: &str) -> String {
    match lang {
        Lang::En => format!(
            "The {current} run is half done (stage {done} of {total}). Switching resets the \
             diagram, Run and Step to {picked}; keeping it lets you finish stepping."
        ),
        Lang::Zh => format!(
            "{current} 的运行进行到一半（第 {done} 个阶段，共 {total} 个）。切换会把时序图、\
             “运行”和“单步”重置为 {picked}；保留则可以继续单步走完。"
        ),
    }
}

/// The prompt's button that switches.
pub fn prompt_reset(lang: Lang, picked: &str) -> String {
    match lang {
        Lang::En => format!("Reset to {picked}"),
        Lang::Zh => format!("重置为 {picked}"),
    }
}

/// The prompt's button that keeps the run.
pub fn prompt_keep(lang: Lang, current: &str) -> String {
    match lang {
        Lang::En => format!("Keep the {current} run"),
        Lang::Zh => format!("保留 {current} 的运行"),
    }
}

// The Capture view.

/// The interfaces could not be listed.
pub fn cannot_list_interfaces(lang: Lang, cause: &str) -> String {
    match lang {
        Lang::En => format!("cannot list interfaces: {cause}"),
        Lang::Zh => format!("无法列出网络接口：{cause}"),
    }
}

/// The BPF filter does not compile (`cause` from libpcap).
pub fn filter_error(lang: Lang, cause: &str) -> String {
    match lang {
        Lang::En => format!("filter error: {cause}"),
        Lang::Zh => format!("过滤器错误：{cause}"),
    }
}

/// A capture is running for `secs` seconds.
pub fn capturing_for(lang: Lang, secs: u64) -> String {
    match lang {
        Lang::En => format!("● capturing ({secs} s)"),
        Lang::Zh => format!("● 正在抓包（{secs} 秒）"),
    }
}

/// What the capture holds so far.
pub fn connections_and_events(lang: Lang, conns: u64, events_n: u64) -> String {
    format!("{} · {}", connections(lang, conns), events(lang, events_n))
}

/// wirelab's processed counter.
pub fn processed(lang: Lang, n: u64) -> String {
    match lang {
        Lang::En => format!("processed {}", packets(lang, n)),
        Lang::Zh => format!("已处理 {n} 个数据包"),
    }
}

/// libpcap's received counter.
pub fn received(lang: Lang, n: u32) -> String {
    match lang {
        Lang::En => format!("libpcap received {n}"),
        Lang::Zh => format!("libpcap 收到 {n}"),
    }
}

/// On the loopback every packet is counted twice: `half` packets really.
pub fn counted_twice(lang: Lang, device: &str, half: u64) -> String {
    match lang {
        Lang::En => format!("(each counted twice on {device}: {})", packets(lang, half)),
        Lang::Zh => format!("（在 {device} 上每个都计了两次：实为 {half} 个数据包）"),
    }
}

/// Packets counted by libpcap, not processed yet.
pub fn waiting(lang: Lang, n: u64) -> String {
    match lang {
        Lang::En => format!("waiting {n}"),
        Lang::Zh => format!("等待中 {n}"),
    }
}

/// libpcap's dropped counter.
pub fn dropped(lang: Lang, n: u32) -> String {
    match lang {
        Lang::En => format!("dropped {n}"),
        Lang::Zh => format!("丢弃 {n}"),
    }
}

/// libpcap's if_dropped counter (its name as libpcap calls it).
pub fn if_dropped(lang: Lang, n: u32) -> String {
    match lang {
        Lang::En => format!("if_dropped {n}"),
        Lang::Zh => format!("if_dropped（接口丢弃）{n}"),
    }
}

/// How an interface counts packets, for the `received` counter's hover text.
pub fn counting_help(lang: Lang, counting: CountingText, device: &str) -> String {
    match (lang, counting) {
        (Lang::En, CountingText::Once) => "libpcap: packets that passed the filter, as the kernel \
             counted them (dropped ones included)."
            .to_string(),
        (Lang::Zh, CountingText::Once) => {
            "libpcap：通过过滤器的数据包，按内核的计数（包括被丢弃的）。".to_string()
        }
        (Lang::En, CountingText::Twice) => format!(
            "libpcap: packets that passed the filter, as the kernel counted them (dropped ones \
             included). On the loopback interface ({device}) the kernel hands every packet to the \
             capture twice, once as it is sent and once as it is received; libpcap keeps one \
             copy, so `received` counts each packet twice and wirelab processes half as many."
        ),
        (Lang::Zh, CountingText::Twice) => format!(
            "libpcap：通过过滤器的数据包，按内核的计数（包括被丢弃的）。在回环接口（{device}）上，\
             内核把每个数据包交给抓包程序两次：发送时一次，接收时一次；libpcap 只保留一份，\
             所以 `received` 把每个数据包计了两次，而 wirelab 处理的只有它的一半。"
        ),
        (Lang::En, CountingText::LoopbackTwice) => "libpcap: packets that passed the filter, as \
             the kernel counted them (dropped ones included). On `any`, packets on the loopback \
             interface are handed over twice (as sent and as received) and counted twice, though \
             libpcap keeps one copy: `received` is more than the packets when there is loopback \
             traffic."
            .to_string(),
        (Lang::Zh, CountingText::LoopbackTwice) => "libpcap：通过过滤器的数据包，按内核的计数\
             （包括被丢弃的）。在 `any` 上，回环接口的数据包会被交出两次（发送时和接收时）并计两次，\
             但 libpcap 只保留一份：有回环流量时，`received` 会多于实际的数据包数。"
            .to_string(),
    }
}

/// How an interface counts packets (mirrors `capture::live::Counting`, which is I/O's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CountingText {
    /// Each packet once.
    Once,
    /// The loopback: each packet twice.
    Twice,
    /// `any`: loopback packets twice.
    LoopbackTwice,
}

// The File view.

/// The file being read.
pub fn reading(lang: Lang, path: &Path) -> String {
    let path = path.display();
    match lang {
        Lang::En => format!("reading {path}"),
        Lang::Zh => format!("正在读取 {path}"),
    }
}

/// The progress bar's text.
pub fn bytes_of(lang: Lang, done: &str, total: &str) -> String {
    match lang {
        Lang::En => format!("{done} of {total}"),
        Lang::Zh => format!("{done} / {total}"),
    }
}

/// A preview of a long read.
pub fn previewing(lang: Lang, events_n: &str) -> String {
    match lang {
        Lang::En => format!("showing the first {events_n} events while the rest is read"),
        Lang::Zh => format!("正在显示前 {events_n} 个事件，其余部分还在读取"),
    }
}

/// The hover text of the file's name.
pub fn read_as(lang: Lang, path: &str, kind: &str) -> String {
    match lang {
        Lang::En => format!("{path}\nread as {kind}"),
        Lang::Zh => format!("{path}\n按 {kind} 读取"),
    }
}

/// A capture file's packet counts.
pub fn file_packets(lang: Lang, kind: &str, packets_n: u64, tcp: u64, undecodable: u64) -> String {
    match lang {
        Lang::En => format!(
            "{kind}: {}, {tcp} TCP, {undecodable} undecodable",
            packets(lang, packets_n)
        ),
        Lang::Zh => format!("{kind}：{packets_n} 个数据包，{tcp} 个 TCP，{undecodable} 个无法解码"),
    }
}

/// How long the file took.
pub fn read_in(lang: Lang, read_s: f64, diagram_s: f64) -> String {
    match lang {
        Lang::En => format!("read in {read_s:.2} s, diagram in {diagram_s:.2} s"),
        Lang::Zh => format!("读取用时 {read_s:.2} 秒，时序图用时 {diagram_s:.2} 秒"),
    }
}

/// Notes about the file as a whole.
pub fn file_notes(lang: Lang, n: u64) -> String {
    match lang {
        Lang::En if n == 1 => "⚠ 1 note about the file:".to_string(),
        Lang::En => format!("⚠ {n} notes about the file:"),
        Lang::Zh => format!("⚠ 关于该文件的 {n} 条提示："),
    }
}

// The connection list.

/// The list's "all" entry.
pub fn all_connections(lang: Lang, listed: usize, total: usize, events_n: u64) -> String {
    match lang {
        Lang::En => format!(
            "All connections ({listed} of {total} listed, {})",
            events(lang, events_n)
        ),
        Lang::Zh => format!("全部连接（列出 {listed}/{total} 个，{events_n} 个事件）"),
    }
}

/// Notes about no connection in particular, in the All view.
pub fn whole_file_notes(lang: Lang, n: u64) -> String {
    match lang {
        Lang::En if n == 1 => "⚠ 1 note about the whole file (in the All view)".to_string(),
        Lang::En => format!("⚠ {n} notes about the whole file (in the All view)"),
        Lang::Zh => format!("⚠ 关于整个文件的 {n} 条提示（在“全部”视图中）"),
    }
}

/// The port filter holds something that is not a port.
pub fn not_a_port(lang: Lang, typed: &str) -> String {
    match lang {
        Lang::En => format!("{typed:?} is not a port number (0-65535)"),
        Lang::Zh => format!("{typed:?} 不是端口号（0-65535）"),
    }
}

/// A connection's second line: protocol, messages, bytes each way.
pub fn conn_line(lang: Lang, protocol: &str, messages: &str, up: &str, down: &str) -> String {
    match lang {
        Lang::En => format!("{protocol} · {messages} msgs · ↑{up} ↓{down}"),
        Lang::Zh => format!("{protocol} · {messages} 条消息 · ↑{up} ↓{down}"),
    }
}

/// A connection's hover text.
pub fn conn_hint(lang: Lang, events_n: u64, diagnostics_n: u64, from: &str, to: &str) -> String {
    match lang {
        Lang::En => format!(
            "{}, {}, {from} to {to}",
            events(lang, events_n),
            diagnostics(lang, diagnostics_n)
        ),
        Lang::Zh => format!("{events_n} 个事件，{diagnostics_n} 条诊断，{from} 至 {to}"),
    }
}

// The Lessons view.

/// A lesson's length and level in the list: `9 steps · about 12 min · beginner`.
pub fn lesson_meta(lang: Lang, steps: usize, minutes: u32, level: &str) -> String {
    match lang {
        Lang::En => format!(
            "{} · about {minutes} min · {level}",
            counted(steps as u64, "step", "steps")
        ),
        Lang::Zh => format!("{steps} 步 · 约 {minutes} 分钟 · {level}"),
    }
}

/// The counter before the first step: `9 steps`.
pub fn lesson_steps(lang: Lang, total: usize) -> String {
    match lang {
        Lang::En => counted(total as u64, "step", "steps"),
        Lang::Zh => format!("共 {total} 步"),
    }
}

/// Where the class is: `Step 3 of 9`.
pub fn lesson_step_of(lang: Lang, step: usize, total: usize) -> String {
    match lang {
        Lang::En => format!("Step {step} of {total}"),
        Lang::Zh => format!("第 {step} 步，共 {total} 步"),
    }
}

/// A step's action failed, because of `cause` (kept: shown until the next action).
pub fn lesson_failed(cause: &Phrase) -> Phrase {
    Phrase::new(
        format!("This step could not run: {}", cause.en),
        format!("这一步没能运行：{}", cause.zh),
    )
}

/// A lesson names a scenario the lab does not have.
pub fn lesson_unknown_scenario(name: &str) -> Phrase {
    phrase(|lang| match lang {
        Lang::En => format!("the lab has no scenario called \"{name}\""),
        Lang::Zh => format!("实验室里没有名为 \"{name}\" 的场景"),
    })
}

/// A lesson names a Compare preset that does not exist.
pub fn lesson_unknown_preset(name: &str) -> Phrase {
    phrase(|lang| match lang {
        Lang::En => format!("there is no Compare preset called \"{name}\""),
        Lang::Zh => format!("对比视图里没有名为 \"{name}\" 的预设"),
    })
}

/// How many events the step highlights.
pub fn lesson_highlighted(lang: Lang, n: usize) -> String {
    match lang {
        Lang::En => format!("{} highlighted", counted(n as u64, "event", "events")),
        Lang::Zh => format!("高亮了 {n} 个事件"),
    }
}

/// A highlight of the step found nothing in this run's trace.
pub fn lesson_not_seen(lang: Lang, what: &str) -> String {
    match lang {
        Lang::En => format!("⚠ not seen in this trace: {what}"),
        Lang::Zh => format!("⚠ 这次的追踪记录中没有出现：{what}"),
    }
}

/// The right answer, after a wrong one.
pub fn lesson_right_answer(lang: Lang, answer: &str) -> String {
    match lang {
        Lang::En => format!("The answer is: {answer}"),
        Lang::Zh => format!("正确答案是：{answer}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_as_sentences_in_each_language() {
        assert_eq!(events(Lang::En, 1), "1 event");
        assert_eq!(events(Lang::En, 2), "2 events");
        assert_eq!(events(Lang::Zh, 2), "2 个事件");
        let saved = saved_events(3, Path::new("/tmp/t.json"));
        assert_eq!(saved.en, "saved 3 events to /tmp/t.json");
        assert_eq!(saved.zh, "已将 3 个事件保存到 /tmp/t.json");
        assert_eq!(file_notes(Lang::En, 1), "⚠ 1 note about the file:");
        assert_eq!(
            run_state(Lang::Zh, RunStateText::Finished, "阶段 3/3"),
            "已完成 · 阶段 3/3"
        );
    }
}
