//! What the commands that follow a live source share: the terminal style, a timeline printed
//! as the trace grows, and waiting for the lab's updates.

use std::io::{self, IsTerminal, Write};
use std::time::Duration;

use crate::lab::{Lab, LabConfig, LabUpdate};
use crate::lang::{Lang, Text};
use crate::report::terminal::{self, TerminalStyle};
use crate::trace::{Trace, TraceUpdate};

/// A trace arriving in pieces from a live source, printed event by event as it grows.
#[derive(Default)]
pub(super) struct LiveTimeline {
    /// The trace so far.
    pub(super) trace: Option<Trace>,
    printed: usize,
}

impl LiveTimeline {
    /// A new trace starts (a run, a capture, an external connection).
    pub(super) fn start(&mut self, trace: Trace) {
        self.trace = Some(trace);
        self.printed = 0;
    }

    /// Applies an update and prints the events it completed.
    pub(super) fn apply(
        &mut self,
        update: TraceUpdate,
        out: &mut dyn Write,
        style: TerminalStyle,
    ) -> io::Result<()> {
        let Some(t) = self.trace.as_mut() else {
            return Ok(());
        };
        // A connection's address pair is said once, when it first appears (a later update
        // only names its lane).
        let new_connection = match &update {
            TraceUpdate::Connection(c) if !t.connections.iter().any(|k| k.id == c.id) => {
                Some(c.clone())
            }
            _ => None,
        };
        t.apply(update);
        if let Some(c) = new_connection {
            terminal::write_connection(&c, out, style)?;
        }
        while let Some(e) = t.events.get(self.printed) {
            let before = t.events.get(..self.printed).unwrap_or_default();
            terminal::write_event(&t.connections, before, e, out, style)?;
            self.printed += 1;
        }
        Ok(())
    }
}

/// How to print: colours only on a terminal without `NO_COLOR`, in `lang`.
pub(super) fn style(no_color: bool, frames: bool, notes: bool, lang: Lang) -> TerminalStyle {
    TerminalStyle {
        color: !no_color && io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        notes,
        frames,
        lang,
    }
}

/// One line on stderr when `--capture auto` goes on without packets, saying why (the reason
/// is libpcap's or the system's own words).
pub(super) fn say_capture_mode(update: &LabUpdate, lang: Lang) {
    if let LabUpdate::CaptureMode {
        packets: false,
        reason: Some(reason),
    } = update
    {
        match lang {
            Lang::En => eprintln!("wirelab: socket tap only, no packets: {reason}"),
            Lang::Zh => eprintln!("wirelab：只用套接字探针，没有数据包：{reason}"),
        }
    }
}

/// What a command wrote to a file.
pub(super) mod wrote {
    use crate::lang::Text;

    /// A trace JSON.
    pub const TRACE: Text = Text {
        en: "trace",
        zh: "追踪记录",
    };
    /// A pcapng of packets.
    pub const PACKETS: Text = Text {
        en: "packets",
        zh: "数据包",
    };
    /// The diagram (SVG or PNG).
    pub const DIAGRAM: Text = Text {
        en: "diagram",
        zh: "时序图",
    };
    /// The metrics JSON.
    pub const METRICS: Text = Text {
        en: "metrics",
        zh: "指标",
    };
    /// The compare results JSON.
    pub const RESULTS: Text = Text {
        en: "results",
        zh: "对比结果",
    };
    /// The compare CSV.
    pub const CSV: Text = Text {
        en: "CSV",
        zh: "CSV 表格",
    };
}

/// Says on stderr that `what` was written to `path`, e.g. "trace written to out.json".
pub(super) fn say_written(what: Text, path: &std::path::Path, lang: Lang) {
    match lang {
        Lang::En => eprintln!("{} written to {}", what.en, path.display()),
        Lang::Zh => eprintln!("{}已写入 {}", what.zh, path.display()),
    }
}

/// Waits for the next lab update, for at most `timeout`.
pub(super) fn next_update(lab: &Lab, timeout: Duration) -> Option<LabUpdate> {
    let deadline = std::time::Instant::now() + timeout;
    loop {
        if let Some(update) = lab.try_recv() {
            return Some(update);
        }
        let now = std::time::Instant::now();
        if now >= deadline {
            return None;
        }
        // The lab unparks this thread when it sends an update.
        std::thread::park_timeout((deadline - now).min(Duration::from_millis(200)));
    }
}

/// Starts a lab that wakes this thread when it has updates (see [`next_update`]).
pub(super) fn start_lab(config: LabConfig) -> anyhow::Result<Lab> {
    let main_thread = std::thread::current();
    Lab::start(config, Some(Box::new(move || main_thread.unpark())))
}
