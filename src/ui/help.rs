//! The help overlay (F1 or `?`): every keyboard and mouse shortcut of the window, in the
//! window's language. The list is data ([`SHORTCUTS`]); each entry names the code that
//! handles it, so a new shortcut is added where it is handled and here.

use egui::{Grid, RichText};

use super::modal;
use crate::lang::Text;

/// One shortcut: the keys, and what they do.
#[derive(Clone, Copy, Debug)]
pub struct Shortcut {
    /// The keys (or mouse gesture).
    pub keys: Text,
    /// What they do.
    pub does: Text,
}

const fn both(en: &'static str, zh: &'static str) -> Text {
    Text { en, zh }
}

/// Every shortcut, in the order the overlay lists them.
pub const SHORTCUTS: &[Shortcut] = &[
    // app.rs
    Shortcut {
        keys: both("F1  or  ?", "F1  或  ?"),
        does: both("Show or hide this help", "显示或关闭本帮助"),
    },
    Shortcut {
        keys: both("F5", "F5"),
        does: both(
            "Presenter mode on or off: full screen, high contrast, large text",
            "开启或退出演示模式：全屏、高对比度、大字体",
        ),
    },
    Shortcut {
        keys: both("Esc", "Esc"),
        does: both(
            "Leave presenter mode; close a dialog or this help",
            "退出演示模式；关闭对话框或本帮助",
        ),
    },
    // lessons_view/mod.rs
    Shortcut {
        keys: both("→  or  Space", "→  或  空格"),
        does: both(
            "In a lesson: Next (perform the step, or go on to the next one)",
            "课程中：下一步（执行这一步，或进入下一步）",
        ),
    },
    Shortcut {
        keys: both("←", "←"),
        does: both(
            "In a lesson: Back to the previous step",
            "课程中：回到上一步",
        ),
    },
    // egui's UI zoom (gui_zoom), on in every view.
    Shortcut {
        keys: both("Ctrl +  /  Ctrl −", "Ctrl +  /  Ctrl −"),
        does: both(
            "Make the whole window larger or smaller",
            "放大或缩小整个窗口的内容",
        ),
    },
    Shortcut {
        keys: both("Ctrl 0", "Ctrl 0"),
        does: both("Reset the window's zoom", "恢复窗口的默认缩放"),
    },
    // timeline.rs
    Shortcut {
        keys: both("↑  /  ↓", "↑  /  ↓"),
        does: both(
            "Select the previous or next row of the diagram",
            "选中时序图的上一行或下一行",
        ),
    },
    Shortcut {
        keys: both("PageUp  /  PageDown", "PageUp  /  PageDown"),
        does: both("Scroll the diagram by a page", "时序图翻页"),
    },
    Shortcut {
        keys: both("Home  /  End", "Home  /  End"),
        does: both(
            "Go to the first event, or to the newest and follow it",
            "跳到第一个事件，或跳到最新事件并持续跟随",
        ),
    },
    Shortcut {
        keys: both("+  /  −", "+  /  −"),
        does: both(
            "Stretch or shrink the diagram's time axis",
            "拉长或压缩时序图的时间轴",
        ),
    },
    Shortcut {
        keys: both("Ctrl + mouse wheel", "Ctrl + 鼠标滚轮"),
        does: both(
            "Zoom the time axis at the pointer",
            "以鼠标所在位置为中心缩放时间轴",
        ),
    },
    Shortcut {
        keys: both("Mouse wheel, drag", "鼠标滚轮、拖动"),
        does: both("Scroll the diagram", "滚动时序图"),
    },
    Shortcut {
        keys: both("Click a row", "点击某一行"),
        does: both(
            "Select its event: the detail pane explains it",
            "选中该事件，详情面板会给出解释",
        ),
    },
    // trace_pane.rs
    Shortcut {
        keys: both("D", "D"),
        does: both("Hide or show the detail pane", "隐藏或显示详情面板"),
    },
    Shortcut {
        keys: both("L", "L"),
        does: both(
            "Hide or show the connection list (File and Capture views)",
            "隐藏或显示连接列表（文件和抓包视图）",
        ),
    },
    // app.rs: dropped files
    Shortcut {
        keys: both("Drop a file on the window", "把文件拖到窗口上"),
        does: both(
            "Open a .pcap, .pcapng or trace .json file",
            "打开 .pcap、.pcapng 或 trace .json 文件",
        ),
    },
];

/// The overlay's title.
pub const TITLE: Text = both("Keyboard shortcuts", "快捷键");

const TYPING: Text = both(
    "Single keys do nothing while a text field has the keyboard.",
    "当输入框获得焦点时，单个按键不会触发快捷键。",
);

/// Draws the overlay while `open`; Esc, a click beside it or Close shut it.
pub fn show(ctx: &egui::Context, open: &mut bool) {
    modal::info_window(ctx, open, "wirelab-help", TITLE, |ui, lang| {
        ui.add_space(6.0);
        Grid::new("wirelab-help-grid")
            .num_columns(2)
            .striped(true)
            .spacing([16.0, 6.0])
            .show(ui, |ui| {
                for shortcut in SHORTCUTS {
                    ui.label(RichText::new(shortcut.keys.get(lang)).monospace().strong());
                    ui.label(shortcut.does.get(lang));
                    ui.end_row();
                }
            });
        ui.add_space(6.0);
        ui.weak(TYPING.get(lang));
    });
}
