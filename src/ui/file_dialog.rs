//! A file dialog drawn with egui itself: a folder field, the folder's listing and a file name,
//! in the window's language; saving over an existing file asks first.
//!
//! The system's dialog (`native-dialog` feature, [`super::native_dialog`]) replaces it in a
//! real window when the build has it. This one stays: it needs no system library, and the
//! headless tests can click through it. (`egui-file-dialog` 0.15 needs egui 0.36; `rfd`'s
//! default desktop portal is missing on many machines and under Xvfb; `rfd` with GTK 3 works
//! on any X11 or Wayland display but needs `libgtk-3-dev` to build.)

use std::path::{Path, PathBuf};

use egui::{Id, RichText};

use super::lang;
use super::theme::Theme;
use crate::lang::{Lang, Text};

/// The dialog's words.
mod text {
    use crate::lang::Text;

    pub const UP: Text = Text {
        en: "⬆ Up",
        zh: "⬆ 上一级",
    };
    pub const UP_HINT: Text = Text {
        en: "the parent folder",
        zh: "上一级文件夹",
    };
    pub const HOME: Text = Text {
        en: "Home",
        zh: "主目录",
    };
    pub const TEMP: Text = Text {
        en: "Temp",
        zh: "临时目录",
    };
    pub const FOLDER: Text = Text {
        en: "folder",
        zh: "文件夹",
    };
    pub const FILE_NAME: Text = Text {
        en: "file name",
        zh: "文件名",
    };
    pub const NO_FILES: Text = Text {
        en: "(no matching files here)",
        zh: "（这里没有符合条件的文件）",
    };
    pub const OPEN: Text = Text {
        en: "Open",
        zh: "打开",
    };
    pub const SAVE: Text = Text {
        en: "Save",
        zh: "保存",
    };
    pub const REPLACE: Text = Text {
        en: "Replace",
        zh: "替换",
    };
    pub const CANCEL: Text = Text {
        en: "Cancel",
        zh: "取消",
    };
}

/// The filter that lists every file (also the system dialog's).
pub const ALL_FILES: Text = Text {
    en: "all files",
    zh: "所有文件",
};

fn only_hint(lang: Lang, extensions: &str) -> String {
    match lang {
        Lang::En => format!("otherwise only {extensions}"),
        Lang::Zh => format!("否则只列出 {extensions}"),
    }
}

fn cannot_list(lang: Lang, dir: &Path, e: &std::io::Error) -> String {
    match lang {
        Lang::En => format!("cannot list {}: {e}", dir.display()),
        Lang::Zh => format!("无法列出 {} 的内容：{e}", dir.display()),
    }
}

fn not_a_folder(lang: Lang, dir: &Path) -> String {
    match lang {
        Lang::En => format!("{} is not a folder", dir.display()),
        Lang::Zh => format!("{} 不是文件夹", dir.display()),
    }
}

fn does_not_exist(lang: Lang, path: &Path) -> String {
    match lang {
        Lang::En => format!("{} does not exist", path.display()),
        Lang::Zh => format!("{} 不存在", path.display()),
    }
}

fn replace_question(lang: Lang, path: &Path) -> String {
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    match lang {
        Lang::En => format!("{name} exists already. Replace it?"),
        Lang::Zh => format!("{name} 已存在，要替换它吗？"),
    }
}

/// Which file dialog the window uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DialogKind {
    /// The dialog drawn in the window ([`FileDialog`]): works everywhere, headless tests too.
    #[default]
    InApp,
    /// The system's own (GTK 3) when built with the `native-dialog` feature, else in-app.
    System,
}

impl DialogKind {
    /// The system's dialog when this build has it, else the in-app one.
    pub fn best_available() -> DialogKind {
        if cfg!(feature = "native-dialog") {
            DialogKind::System
        } else {
            DialogKind::InApp
        }
    }
}

/// Open an existing file, or choose where to save one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DialogMode {
    /// Pick an existing file.
    Open,
    /// Choose a file name (an existing file is replaced).
    Save,
}

/// One entry of the listing.
#[derive(Clone, Debug)]
struct Entry {
    name: String,
    is_dir: bool,
    size: u64,
}

/// The dialog's state; shown while open.
pub struct FileDialog {
    mode: DialogMode,
    title: String,
    /// Extensions (lower case, no dot) listed unless "all files" is on; empty: every file.
    extensions: Vec<&'static str>,
    dir: PathBuf,
    dir_text: String,
    name: String,
    entries: Vec<Entry>,
    listed: Option<PathBuf>,
    error: Option<String>,
    all_files: bool,
    open: bool,
    /// Saving over this existing file waits for Replace.
    confirm_replace: Option<PathBuf>,
}

impl FileDialog {
    /// A closed dialog.
    pub fn new(mode: DialogMode, title: &str, extensions: &[&'static str]) -> FileDialog {
        let dir = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
        FileDialog {
            mode,
            title: title.to_string(),
            extensions: extensions.to_vec(),
            dir_text: dir.display().to_string(),
            dir,
            name: String::new(),
            entries: Vec::new(),
            listed: None,
            error: None,
            all_files: false,
            open: false,
            confirm_replace: None,
        }
    }

    /// Opens the dialog in `dir` (the last folder when `None`), suggesting `name`.
    pub fn open(&mut self, dir: Option<&Path>, name: &str) {
        if let Some(d) = dir {
            self.set_dir(d.to_path_buf());
        }
        self.name = name.to_string();
        self.error = None;
        self.listed = None;
        self.confirm_replace = None;
        self.open = true;
    }

    /// Whether the dialog is shown.
    pub fn is_open(&self) -> bool {
        self.open
    }

    fn set_dir(&mut self, dir: PathBuf) {
        self.dir_text = dir.display().to_string();
        self.dir = dir;
        self.listed = None;
    }

    fn list(&mut self, lang: Lang) {
        if self.listed.as_ref() == Some(&self.dir) {
            return;
        }
        self.listed = Some(self.dir.clone());
        self.entries.clear();
        match std::fs::read_dir(&self.dir) {
            Ok(read) => {
                self.error = None;
                for entry in read.flatten() {
                    let name = entry.file_name().to_string_lossy().into_owned();
                    if name.starts_with('.') {
                        continue;
                    }
                    // Follow symlinks: a link to a folder is a folder.
                    let meta = std::fs::metadata(entry.path()).ok();
                    self.entries.push(Entry {
                        name,
                        is_dir: meta.as_ref().is_some_and(|m| m.is_dir()),
                        size: meta.map_or(0, |m| m.len()),
                    });
                }
                self.entries.sort_by(|a, b| {
                    b.is_dir
                        .cmp(&a.is_dir)
                        .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
                });
            }
            Err(e) => self.error = Some(cannot_list(lang, &self.dir, &e)),
        }
    }

    fn listed_file(&self, name: &str) -> bool {
        if self.all_files || self.extensions.is_empty() {
            return true;
        }
        let lower = name.to_ascii_lowercase();
        self.extensions
            .iter()
            .any(|ext| lower.ends_with(&format!(".{ext}")))
    }

    /// The path the dialog would return now.
    fn chosen(&self) -> Option<PathBuf> {
        let name = self.name.trim();
        if name.is_empty() {
            return None;
        }
        let p = Path::new(name);
        Some(if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.dir.join(p)
        })
    }

    /// Draws the dialog (when open); returns the chosen path once.
    pub fn show(&mut self, ctx: &egui::Context) -> Option<PathBuf> {
        if !self.open {
            return None;
        }
        let lang = lang::current(ctx);
        self.list(lang);
        let size = &Theme::of(ctx).size;
        let mut picked: Option<PathBuf> = None;
        let mut go_to: Option<PathBuf> = None;
        let mut cancel = false;
        let mut replace_confirmed = false;
        let title = self.title.clone();
        let modal =
            egui::Modal::new(Id::unique(("wirelab-file-dialog", title.as_str()))).show(ctx, |ui| {
                ui.set_width(size.dialog_width);
                ui.heading(&title);
                ui.horizontal(|ui| {
                    if ui
                        .add_enabled(
                            self.dir.parent().is_some(),
                            egui::Button::new(text::UP.get(lang)),
                        )
                        .on_hover_text(text::UP_HINT.get(lang))
                        .clicked()
                    {
                        go_to = self.dir.parent().map(Path::to_path_buf);
                    }
                    if ui.button(text::HOME.get(lang)).clicked() {
                        go_to = std::env::var_os("HOME").map(PathBuf::from);
                    }
                    if ui.button(text::TEMP.get(lang)).clicked() {
                        go_to = Some(std::env::temp_dir());
                    }
                    let label = ui.label(text::FOLDER.get(lang));
                    let edit = ui
                        .add(
                            egui::TextEdit::singleline(&mut self.dir_text)
                                .desired_width(size.folder_width),
                        )
                        .labelled_by(label.id);
                    if edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                        go_to = Some(PathBuf::from(self.dir_text.trim()));
                    }
                });
                if let Some(e) = &self.error {
                    ui.colored_label(Theme::of(ui.ctx()).error, e);
                }
                ui.separator();
                let row_h = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
                let shown: Vec<usize> = self
                    .entries
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| e.is_dir || self.listed_file(&e.name))
                    .map(|(i, _)| i)
                    .collect();
                egui::ScrollArea::vertical()
                    .max_height(size.dialog_list_height)
                    .auto_shrink([false, false])
                    .show_rows(ui, row_h, shown.len(), |ui, range| {
                        for k in range {
                            let Some(entry) = shown.get(k).and_then(|&i| self.entries.get(i))
                            else {
                                continue;
                            };
                            let text = if entry.is_dir {
                                RichText::new(format!("{}/", entry.name)).strong()
                            } else {
                                RichText::new(format!(
                                    "{}   ({})",
                                    entry.name,
                                    crate::trace::describe::format_bytes(entry.size)
                                ))
                            };
                            let selected = !entry.is_dir && self.name == entry.name;
                            let resp = ui.selectable_label(selected, text);
                            if resp.double_clicked() {
                                if entry.is_dir {
                                    go_to = Some(self.dir.join(&entry.name));
                                } else {
                                    picked = Some(self.dir.join(&entry.name));
                                }
                            } else if resp.clicked() {
                                if entry.is_dir {
                                    go_to = Some(self.dir.join(&entry.name));
                                } else {
                                    self.name = entry.name.clone();
                                }
                            }
                        }
                    });
                if shown.is_empty() && self.error.is_none() {
                    ui.weak(text::NO_FILES.get(lang));
                }
                ui.separator();
                ui.horizontal(|ui| {
                    let label = ui.label(text::FILE_NAME.get(lang));
                    let edit = ui
                        .add(
                            egui::TextEdit::singleline(&mut self.name)
                                .desired_width(size.path_width),
                        )
                        .labelled_by(label.id);
                    if edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                        picked = self.chosen();
                    }
                    if !self.extensions.is_empty() {
                        let only = self
                            .extensions
                            .iter()
                            .map(|e| format!(".{e}"))
                            .collect::<Vec<_>>()
                            .join(" ");
                        ui.checkbox(&mut self.all_files, ALL_FILES.get(lang))
                            .on_hover_text(only_hint(lang, &only));
                    }
                });
                // Asked once the name is an existing file; another name forgets the question.
                if self.confirm_replace.is_some() && self.confirm_replace != self.chosen() {
                    self.confirm_replace = None;
                }
                if let Some(existing) = self.confirm_replace.clone() {
                    ui.horizontal(|ui| {
                        ui.colored_label(
                            Theme::of(ui.ctx()).warning,
                            replace_question(lang, &existing),
                        );
                        if ui.button(text::REPLACE.get(lang)).clicked() {
                            picked = Some(existing.clone());
                            replace_confirmed = true;
                        }
                    });
                }
                ui.horizontal(|ui| {
                    let verb = match self.mode {
                        DialogMode::Open => text::OPEN.get(lang),
                        DialogMode::Save => text::SAVE.get(lang),
                    };
                    if ui
                        .add_enabled(!self.name.trim().is_empty(), egui::Button::new(verb))
                        .clicked()
                    {
                        picked = self.chosen();
                    }
                    if ui.button(text::CANCEL.get(lang)).clicked() {
                        cancel = true;
                    }
                });
            });
        if modal.should_close() {
            cancel = true;
        }
        if let Some(dir) = go_to {
            if dir.is_dir() {
                self.set_dir(dir);
            } else {
                self.error = Some(not_a_folder(lang, &dir));
            }
        }
        if let Some(p) = &picked {
            if p.is_dir() {
                self.set_dir(p.clone());
                self.name.clear();
                picked = None;
            } else if self.mode == DialogMode::Open && !p.is_file() {
                self.error = Some(does_not_exist(lang, p));
                picked = None;
            } else if self.mode == DialogMode::Save && p.is_file() && !replace_confirmed {
                self.confirm_replace = Some(p.clone());
                picked = None;
            }
        }
        if picked.is_some() || cancel {
            self.open = false;
            if let Some(parent) = picked.as_ref().and_then(|p| p.parent()) {
                self.set_dir(parent.to_path_buf());
            }
        }
        picked
    }
}
