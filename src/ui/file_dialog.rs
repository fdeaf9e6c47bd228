//! A file dialog drawn with egui itself: a folder field, the folder's listing and a file name.
//! No native dialog: those need a desktop portal, which many machines (and Xvfb) lack.

use std::path::{Path, PathBuf};

use egui::{Id, RichText};

use super::theme::Theme;

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

    fn list(&mut self) {
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
            Err(e) => self.error = Some(format!("cannot list {}: {e}", self.dir.display())),
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
        self.list();
        let size = &Theme::of(ctx).size;
        let mut picked: Option<PathBuf> = None;
        let mut go_to: Option<PathBuf> = None;
        let mut cancel = false;
        let title = self.title.clone();
        let modal =
            egui::Modal::new(Id::unique(("wirelab-file-dialog", title.as_str()))).show(ctx, |ui| {
                ui.set_width(size.dialog_width);
                ui.heading(&title);
                ui.horizontal(|ui| {
                    if ui
                        .add_enabled(self.dir.parent().is_some(), egui::Button::new("⬆ Up"))
                        .on_hover_text("the parent folder")
                        .clicked()
                    {
                        go_to = self.dir.parent().map(Path::to_path_buf);
                    }
                    if ui.button("Home").clicked() {
                        go_to = std::env::var_os("HOME").map(PathBuf::from);
                    }
                    if ui.button("Temp").clicked() {
                        go_to = Some(std::env::temp_dir());
                    }
                    let label = ui.label("folder");
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
                    ui.weak("(no matching files here)");
                }
                ui.separator();
                ui.horizontal(|ui| {
                    let label = ui.label("file name");
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
                        ui.checkbox(&mut self.all_files, "all files")
                            .on_hover_text(format!(
                                "otherwise only {}",
                                self.extensions
                                    .iter()
                                    .map(|e| format!(".{e}"))
                                    .collect::<Vec<_>>()
                                    .join(" ")
                            ));
                    }
                });
                ui.horizontal(|ui| {
                    let verb = match self.mode {
                        DialogMode::Open => "Open",
                        DialogMode::Save => "Save",
                    };
                    if ui
                        .add_enabled(!self.name.trim().is_empty(), egui::Button::new(verb))
                        .clicked()
                    {
                        picked = self.chosen();
                    }
                    if ui.button("Cancel").clicked() {
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
                self.error = Some(format!("{} is not a folder", dir.display()));
            }
        }
        if let Some(p) = &picked {
            if p.is_dir() {
                self.set_dir(p.clone());
                self.name.clear();
                picked = None;
            } else if self.mode == DialogMode::Open && !p.is_file() {
                self.error = Some(format!("{} does not exist", p.display()));
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
