//! The File view: a capture file (pcap, pcapng) or a saved trace, read on a background thread
//! ([`super::loader`]) and shown in a [`TracePane`]; a long read is previewed as far as it got.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use egui::RichText;

use super::command::{Command, SaveRequest};
use super::loader::{FileKind, LoadEvent, LoadTimings, Loader, PREVIEW_AFTER, Prepared};
use super::status::{StatusLine, one_line, save_json};
use super::text as t;
use super::theme::Theme;
use super::trace_pane::{OnNewTrace, TracePane};
use crate::capture::file::FileStats;
use crate::lang::Phrase;
use crate::trace::EventKind;
use crate::trace::describe::{format_bytes, format_count};

/// The file shown, as its reader described it.
struct LoadedFile {
    path: PathBuf,
    kind: FileKind,
    /// Packet counts (capture files only).
    stats: Option<FileStats>,
    /// Whether payload bytes were kept (large files drop them).
    streams_kept: bool,
}

/// The File view's state.
pub struct FileView {
    pane: TracePane,
    loader: Option<Loader>,
    /// What is shown.
    loaded: Option<LoadedFile>,
    /// How long the last file took to read and to prepare.
    timings: Option<LoadTimings>,
    /// Why the last file could not be opened, in one line.
    error: Option<Phrase>,
    /// What the last save said.
    status: Option<StatusLine>,
    /// The pane shows a preview of the file being read (the rest is coming).
    previewing: bool,
    /// A file still being read after this long is previewed ([`PREVIEW_AFTER`]).
    preview_after: Duration,
}

impl Default for FileView {
    fn default() -> Self {
        FileView {
            pane: TracePane::new("file", OnNewTrace::StartAtTop, t::FILE_HINT),
            loader: None,
            loaded: None,
            timings: None,
            error: None,
            status: None,
            previewing: false,
            preview_after: PREVIEW_AFTER,
        }
    }
}

impl FileView {
    /// Starts reading `path` on a background thread (a file still being read is cancelled).
    pub fn open(&mut self, path: &Path, notify: Arc<dyn Fn() + Send + Sync>) {
        if let Some(old) = &self.loader {
            // Only the newest file is read.
            old.cancel();
        }
        self.error = None;
        self.status = None;
        self.previewing = false;
        self.timings = None;
        self.loader = Some(Loader::start_with_preview(
            path.to_path_buf(),
            notify,
            self.preview_after,
        ));
    }

    /// How long a file is read before it is previewed (default [`PREVIEW_AFTER`]); tests set
    /// 0 so that a preview does not depend on the machine's speed.
    pub fn set_preview_after(&mut self, after: Duration) {
        self.preview_after = after;
    }

    /// Whether a file is being read.
    pub fn is_loading(&self) -> bool {
        self.loader.is_some()
    }

    /// Stops reading the file being read (its `Done` follows).
    pub fn cancel(&self) {
        if let Some(loader) = &self.loader {
            loader.cancel();
        }
    }

    /// Why the last file could not be opened (one line, in English).
    pub fn error(&self) -> Option<&str> {
        self.error.as_ref().map(|e| e.en.as_str())
    }

    /// The trace, list and diagram.
    pub fn pane(&self) -> &TracePane {
        &self.pane
    }

    /// The trace, list and diagram, to change.
    pub fn pane_mut(&mut self) -> &mut TracePane {
        &mut self.pane
    }

    /// Writes the trace as JSON to `to`.
    pub fn save_json(&mut self, to: &Path) {
        self.status = Some(save_json(self.pane.trace(), to));
    }

    /// Takes what the file's reader reported: a preview of a long read, then the result.
    pub fn poll(&mut self) {
        let Some(event) = self.loader.as_mut().and_then(Loader::poll) else {
            return;
        };
        let (loaded, finished) = match event {
            LoadEvent::Preview(loaded) => (loaded, false),
            LoadEvent::Done(Ok(loaded)) => (loaded, true),
            LoadEvent::Done(Err(e)) => {
                self.loader = None;
                self.previewing = false;
                self.error = Some(Phrase::new(one_line(&e.en), one_line(&e.zh)));
                return;
            }
        };
        if finished {
            self.loader = None;
            self.timings = Some(loaded.timings);
        }
        // The finished trace continues the preview's: keep the reader's place in it.
        let grows = std::mem::replace(&mut self.previewing, !finished);
        match loaded.prepared {
            Some(Prepared { rows, index }) if grows => {
                self.pane.grow_prepared(loaded.trace, rows, index)
            }
            Some(Prepared { rows, index }) => self.pane.set_prepared(loaded.trace, rows, index),
            None => self.pane.set_trace(loaded.trace),
        }
        self.loaded = Some(LoadedFile {
            path: loaded.path,
            kind: loaded.kind,
            stats: loaded.stats,
            streams_kept: loaded.streams_kept,
        });
        self.error = None;
    }

    /// The view's part of the top bar's first row: the file's name and Save.
    pub fn bar_ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        let lang = super::lang::current(ui.ctx());
        match &self.loaded {
            Some(file) => {
                // Cut to a fixed room, so a long path never wraps the top bar.
                let path = file.path.display().to_string();
                let theme = Theme::of(ui.ctx());
                ui.scope(|ui| {
                    ui.set_max_width(theme.size.bar_path_width);
                    ui.add(egui::Label::new(RichText::new(&path).monospace()).truncate())
                        .on_hover_text(t::read_as(lang, &path, file.kind.name(lang)));
                });
            }
            None if self.loader.is_none() => {
                ui.weak(t::NO_FILE_OPEN.get(lang));
            }
            None => {}
        }
        if ui
            .add_enabled(
                !self.pane.trace().events.is_empty(),
                egui::Button::new(t::SAVE_TRACE_JSON.get(lang)),
            )
            .clicked()
        {
            commands.push(Command::ChooseSaveTarget(SaveRequest::FileJson));
        }
    }

    /// The top bar's rows below the first: progress, what the file holds, the diagram's
    /// options.
    pub fn rows_ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        self.status_ui(ui, commands);
        ui.horizontal_wrapped(|ui| self.pane.options_ui(ui, commands));
    }

    fn status_ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        let theme = Theme::of(ui.ctx());
        let lang = super::lang::current(ui.ctx());
        if let Some(loader) = &self.loader {
            ui.horizontal(|ui| {
                let (done, total) = loader.bytes();
                ui.label(t::reading(lang, &loader.path));
                let bar = egui::ProgressBar::new(loader.fraction().unwrap_or(0.0))
                    .desired_width(theme.size.progress_width)
                    .text(t::bytes_of(lang, &format_bytes(done), &format_bytes(total)))
                    .animate(true);
                ui.add(bar);
                if loader.preparing() {
                    ui.weak(t::PREPARING.get(lang));
                } else if self.previewing {
                    ui.weak(t::previewing(
                        lang,
                        &format_count(self.pane.trace().events.len() as u64),
                    ));
                }
                if ui.button(t::CANCEL.get(lang)).clicked() {
                    commands.push(Command::CancelLoad);
                }
            });
        }
        if let Some(e) = &self.error {
            ui.colored_label(theme.error, e.get(lang));
        }
        let other = self.pane.other_diagnostics();
        ui.horizontal_wrapped(|ui| {
            if let Some(file) = &self.loaded {
                let trace = self.pane.trace();
                let kind = file.kind.name(lang);
                let held = t::connections_and_events(
                    lang,
                    trace.connections.len() as u64,
                    trace.events.len() as u64,
                );
                let line = match &file.stats {
                    Some(s) => format!(
                        "{} · {held}",
                        t::file_packets(lang, kind, s.packets, s.tcp_packets, s.undecodable)
                    ),
                    None => format!("{kind}: {held}"),
                };
                ui.label(line);
                if let Some(timings) = self.timings {
                    ui.weak(t::read_in(
                        lang,
                        timings.read.as_secs_f64(),
                        timings.prepared.as_secs_f64(),
                    ));
                }
                if !file.streams_kept {
                    ui.weak(t::STREAMS_NOT_KEPT.get(lang));
                }
            }
            if other > 0 {
                ui.colored_label(theme.warning, t::file_notes(lang, other));
                let notes: Vec<String> = self
                    .pane
                    .trace()
                    .events
                    .iter()
                    .filter(|e| e.conn.is_none())
                    .filter_map(|e| match &e.kind {
                        EventKind::Diagnostic {
                            message,
                            message_zh,
                            ..
                        } => Some(
                            crate::trace::describe::diagnostic_message(
                                message,
                                message_zh.as_deref(),
                                lang,
                            )
                            .into_owned(),
                        ),
                        _ => None,
                    })
                    .take(2)
                    .collect();
                for n in notes {
                    ui.colored_label(theme.warning, n);
                }
            }
            if let Some(status) = &self.status {
                status.ui(ui);
            }
        });
    }

    /// The connection list, the diagram and the detail pane.
    pub fn body_ui(&mut self, ui: &mut egui::Ui) {
        self.pane.set_empty_hint(if self.loader.is_some() {
            t::FILE_READING_HINT
        } else if self.error.is_some() {
            t::FILE_FAILED_HINT
        } else {
            t::FILE_HINT
        });
        self.pane.browse_ui(ui, "file-connections", false);
    }
}
