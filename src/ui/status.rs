//! The one-line status messages the views show after an action (saved, cannot save, capture
//! ended), and the helpers that make them.

use std::path::Path;

use super::text;
use super::theme::Theme;
use crate::lang::Phrase;
use crate::trace::Trace;

/// Whether a status line reports a failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusKind {
    /// Something happened as asked.
    Info,
    /// Something failed.
    Error,
}

/// A one-line message about the last action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusLine {
    /// What to say, in every language.
    pub text: Phrase,
    /// Whether it is a failure (drawn in the theme's error colour).
    pub kind: StatusKind,
}

impl StatusLine {
    /// A message about something that worked.
    pub fn info(text: impl Into<Phrase>) -> StatusLine {
        StatusLine {
            text: text.into(),
            kind: StatusKind::Info,
        }
    }

    /// A message about something that failed.
    pub fn error(text: impl Into<Phrase>) -> StatusLine {
        StatusLine {
            text: text.into(),
            kind: StatusKind::Error,
        }
    }

    /// Whether it reports a failure.
    pub fn is_error(&self) -> bool {
        self.kind == StatusKind::Error
    }

    /// Draws it: failures in the error colour, the rest weak.
    pub fn ui(&self, ui: &mut egui::Ui) {
        let text = self.text.get(super::lang::current(ui.ctx()));
        match self.kind {
            StatusKind::Error => {
                ui.colored_label(Theme::of(ui.ctx()).error, text);
            }
            StatusKind::Info => {
                ui.weak(text);
            }
        }
    }
}

/// Writes `trace` as JSON; returns the status line.
pub fn save_json(trace: &Trace, to: &Path) -> StatusLine {
    match std::fs::write(to, trace.to_json()) {
        Ok(()) => StatusLine::info(text::saved_events(trace.events.len(), to)),
        Err(e) => StatusLine::error(text::cannot_save(to, &e)),
    }
}

/// Keeps a message on one line.
pub fn one_line(text: &str) -> String {
    text.split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
