//! The system's own file dialog (GTK 3, through `rfd`), for a real window built with the
//! `native-dialog` feature. It runs on a thread of its own, so the window keeps drawing (a
//! run goes on) while it is open; [`NativeDialog::poll`] picks up the answer.
//!
//! GTK 3's dialog needs an X11 or Wayland display and nothing else: no desktop portal, no
//! window manager (it was seen working under a bare Xvfb). The in-app dialog
//! ([`super::file_dialog`]) stays for builds without the feature and for headless tests.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::Duration;

use super::file_dialog::DialogMode;

/// How often the window looks for the answer while the dialog is open.
const POLL: Duration = Duration::from_millis(100);

/// A native dialog on its thread, until it is answered.
pub struct NativeDialog {
    answer: Option<Receiver<Option<PathBuf>>>,
}

impl NativeDialog {
    /// Opens the dialog at once: `title`, files with one of `extensions` (and all files),
    /// starting in `dir`, suggesting `name` when saving.
    pub fn open(
        mode: DialogMode,
        title: &str,
        extensions: &[&'static str],
        dir: Option<&Path>,
        name: &str,
        all_files: &str,
    ) -> NativeDialog {
        let mut dialog = rfd::FileDialog::new().set_title(title);
        if !extensions.is_empty() {
            let label = extensions
                .iter()
                .map(|e| format!(".{e}"))
                .collect::<Vec<_>>()
                .join(" ");
            dialog = dialog
                .add_filter(label, extensions)
                .add_filter(all_files, &["*"]);
        }
        if let Some(dir) = dir {
            dialog = dialog.set_directory(dir);
        }
        if !name.is_empty() {
            dialog = dialog.set_file_name(name);
        }
        let (send, answer) = channel();
        let spawned = std::thread::Builder::new()
            .name("wirelab-file-dialog".into())
            .spawn(move || {
                let picked = match mode {
                    DialogMode::Open => dialog.pick_file(),
                    DialogMode::Save => dialog.save_file(),
                };
                // The window may have gone: nobody to tell.
                let _ = send.send(picked);
            });
        NativeDialog {
            answer: spawned.ok().map(|_| answer),
        }
    }

    /// Whether the dialog is still waiting for its answer.
    pub fn is_open(&self) -> bool {
        self.answer.is_some()
    }

    /// The chosen path, once, when the dialog was answered; `None` while it is open and when
    /// it was cancelled (then [`NativeDialog::is_open`] turns false).
    pub fn poll(&mut self, ctx: &egui::Context) -> Option<PathBuf> {
        let answer = self.answer.as_ref()?;
        match answer.try_recv() {
            Ok(picked) => {
                self.answer = None;
                ctx.request_repaint();
                picked
            }
            Err(TryRecvError::Empty) => {
                ctx.request_repaint_after(POLL);
                None
            }
            Err(TryRecvError::Disconnected) => {
                self.answer = None;
                None
            }
        }
    }
}
