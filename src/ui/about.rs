//! The About window: the version (from Cargo.toml at build time), the licence, the fonts'
//! licences, and where to read more (as text: the links are for copying, not clicking).

use egui::RichText;

use super::modal;
use crate::lang::{Lang, Text};

/// The version being run, as Cargo.toml says.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The crate's licence, as Cargo.toml says.
pub const LICENSE: &str = env!("CARGO_PKG_LICENSE");

/// The window's title.
pub const TITLE: Text = Text {
    en: "About wirelab",
    zh: "关于 wirelab",
};

fn version_line(lang: Lang) -> String {
    match lang {
        Lang::En => format!("Version {VERSION}"),
        Lang::Zh => format!("版本 {VERSION}"),
    }
}

fn license_line(lang: Lang) -> String {
    match lang {
        Lang::En => format!("Licence: {LICENSE}"),
        Lang::Zh => format!("许可证：{LICENSE}"),
    }
}

const WHAT: Text = Text {
    en: "Makes the web's conversations visible: TCP, HTTP, the WebSocket upgrade and frames, drawn as an annotated sequence diagram.",
    zh: "让网页背后的通信看得见：把 TCP、HTTP、WebSocket 升级握手和帧画成带注释的时序图。",
};

const FONTS: Text = Text {
    en: "Chinese text is drawn with a subset of Noto Sans CJK SC, under the SIL Open Font License 1.1 (assets/fonts/LICENSE-OFL.txt); characters outside it come from the system's fonts. egui's built-in fonts: Ubuntu (Ubuntu Font Licence 1.0), Hack (MIT), Noto Emoji (SIL Open Font License 1.1).",
    zh: "中文使用 Noto Sans CJK SC 的子集字体显示，遵循 SIL Open Font License 1.1（见 assets/fonts/LICENSE-OFL.txt）；子集之外的字符由系统字体显示。egui 自带字体：Ubuntu（Ubuntu Font Licence 1.0）、Hack（MIT）、Noto Emoji（SIL Open Font License 1.1）。",
};

const READ_MORE: Text = Text {
    en: "Read more (copy into a browser):",
    zh: "更多资料（复制到浏览器中打开）：",
};

/// Where the texts the app cites are, as plain text.
const LINKS: &[&str] = &[
    "https://www.rfc-editor.org/rfc/rfc6455",
    "https://www.rfc-editor.org/rfc/rfc9110",
    "https://html.spec.whatwg.org/multipage/server-sent-events.html",
    "https://openfontlicense.org",
];

/// Draws the window while `open`.
pub fn show(ctx: &egui::Context, open: &mut bool) {
    modal::info_window(ctx, open, "wirelab-about", TITLE, |ui, lang| {
        ui.label(RichText::new(version_line(lang)).strong());
        ui.label(license_line(lang));
        ui.add_space(6.0);
        ui.label(WHAT.get(lang));
        ui.add_space(6.0);
        ui.label(FONTS.get(lang));
        ui.add_space(6.0);
        ui.label(READ_MORE.get(lang));
        for link in LINKS {
            // Selectable, so it can be copied; not a hyperlink, so nothing opens by accident.
            ui.add(egui::Label::new(RichText::new(*link).monospace()).selectable(true));
        }
    });
}
