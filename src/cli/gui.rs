//! `wirelab gui` (and `wirelab` alone): the desktop app on the built-in lab.

use anyhow::bail;

use super::GuiArgs;
use crate::lab::LabConfig;
use crate::lang::Lang;

/// Opens the GUI, or says why it cannot (no display).
pub(super) fn gui(args: GuiArgs, lang: Lang) -> anyhow::Result<()> {
    // Before the display: a wrong id is wrong anywhere.
    if let Some(id) = &args.lesson {
        check_lesson(id, lang)?;
    }
    if cfg!(target_os = "linux")
        && std::env::var_os("DISPLAY").is_none()
        && std::env::var_os("WAYLAND_DISPLAY").is_none()
    {
        match lang {
            Lang::En => bail!(
                "no display: neither DISPLAY nor WAYLAND_DISPLAY is set.\n\
                 For the terminal timeline run `wirelab run ws-echo`; for the GUI run wirelab on a \
                 desktop (or under Xvfb: `Xvfb :99 & DISPLAY=:99 wirelab`)."
            ),
            Lang::Zh => bail!(
                "没有显示器：DISPLAY 和 WAYLAND_DISPLAY 都没有设置。\n\
                 要看终端里的时序，请运行 `wirelab run ws-echo`；要用图形界面，请在桌面环境中运行 \
                 wirelab（或在 Xvfb 下：`Xvfb :99 & DISPLAY=:99 wirelab`）。"
            ),
        }
    }
    open_gui(args, lang)
}

/// A clear error unless lesson `id` loads from the lessons directory.
fn check_lesson(id: &str, lang: Lang) -> anyhow::Result<()> {
    let dir = crate::lab::lesson::lessons_dir(None);
    let loaded = crate::lab::lesson::load_dir(&dir);
    match loaded.lesson(id) {
        Some(_) => Ok(()),
        None => Err(super::lessons::no_such_lesson(id, &dir, &loaded, lang)),
    }
}

fn open_gui(args: GuiArgs, lang: Lang) -> anyhow::Result<()> {
    crate::ui::run_gui(crate::ui::GuiOptions {
        lab: LabConfig {
            bind: args.bind,
            // A person watches the diagram fill in.
            pace_ms: 120,
            // Whole packets in a scratch file, so a run can be saved as pcapng.
            pcapng: crate::lab::PacketFile::Scratch,
            // The window relabels them when its language changes.
            lang,
            ..LabConfig::default()
        },
        open: args.open,
        scenario: args.scenario,
        lang,
        presenter: args.presenter,
        lesson: args.lesson,
        // A real window: the system's dialog when this build has it.
        file_dialog: crate::ui::file_dialog::DialogKind::best_available(),
    })
}
