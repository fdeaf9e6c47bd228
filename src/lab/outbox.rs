//! The outbox: where everything the lab tells its view leaves ([`LabUpdate`]s, asking the view
//! to repaint), and what wakes the runner when the trace changed.
//!
//! The collector sends a change's trace updates as one batch; a batch is never split by an
//! update sent from elsewhere (the runner's stage announcements), so a view sees the updates
//! in the order the changes happened.

use std::sync::mpsc::Sender;
use std::sync::{Mutex, MutexGuard};

use tokio::sync::Notify;

use super::LabUpdate;
use crate::trace::TraceUpdate;

/// Asks the view to look at its updates (the GUI's `request_repaint`, the CLI's unpark).
pub type Repaint = Box<dyn Fn() + Send + Sync>;

/// The lab's one way out to its view, and the trace's change signal (see the module docs).
pub struct Outbox {
    out: Mutex<Sender<LabUpdate>>,
    repaint: Option<Repaint>,
    changed: Notify,
}

impl Outbox {
    /// An outbox sending on `out`, calling `repaint` after each send.
    pub fn new(out: Sender<LabUpdate>, repaint: Option<Repaint>) -> Self {
        Outbox {
            out: Mutex::new(out),
            repaint,
            changed: Notify::new(),
        }
    }

    fn out(&self) -> MutexGuard<'_, Sender<LabUpdate>> {
        // Sending cannot leave the sender half-used: a poisoned lock is simply taken over.
        self.out
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Sends one update (not a trace change: those go with [`Outbox::trace_changed`]).
    pub fn send(&self, update: LabUpdate) {
        // Released before repainting. An error means the view went away: nothing to tell.
        let sent = self.out().send(update).is_ok();
        if sent && let Some(repaint) = &self.repaint {
            repaint();
        }
    }

    /// Sends the trace updates of one change (possibly none) and wakes whoever waits for a
    /// change ([`Outbox::changed`]).
    pub fn trace_changed(&self, updates: Vec<TraceUpdate>) {
        if !updates.is_empty() {
            {
                let out = self.out();
                for update in updates {
                    let _ = out.send(LabUpdate::Trace(update));
                }
            }
            if let Some(repaint) = &self.repaint {
                repaint();
            }
        }
        self.changed.notify_waiters();
    }

    /// Resolves after the next change (create it *before* checking a condition, and
    /// `enable` it, so a change between the check and the wait is not missed).
    pub fn changed(&self) -> tokio::sync::futures::Notified<'_> {
        self.changed.notified()
    }
}
