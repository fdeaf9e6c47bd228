//! Opening files for the File view on a background thread: capture files (pcap, pcapng)
//! through [`crate::capture::file`], saved traces (JSON). The window keeps drawing while a
//! file loads; it reads the progress and polls for the result each frame.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use crate::analysis::connections::ConnIndex;
use crate::capture::file::FileStats;
use crate::capture::file::open::open;
pub use crate::capture::file::open::{FileKind, KEEP_STREAMS_MAX, detect};
use crate::diagram::rows::{Rows, build_rows};
use crate::lang::Phrase;
use crate::trace::Trace;

/// A file that was read.
#[derive(Debug)]
pub struct Loaded {
    /// The file.
    pub path: PathBuf,
    /// What it was.
    pub kind: FileKind,
    /// Its trace.
    pub trace: Trace,
    /// Packet counts (capture files only).
    pub stats: Option<FileStats>,
    /// Whether payload bytes were kept (see [`KEEP_STREAMS_MAX`]).
    pub streams_kept: bool,
    /// The diagram's rows (frames hidden) and the connection summaries, computed on the
    /// reader thread so a huge file does not stall the window when it appears.
    pub prepared: Option<Prepared>,
    /// How long reading took, and preparing the diagram.
    pub timings: LoadTimings,
}

/// What the reader thread computed for the diagram and the connection list.
#[derive(Debug)]
pub struct Prepared {
    /// The diagram's rows, frames hidden.
    pub rows: Rows,
    /// The connection summaries.
    pub index: ConnIndex,
}

/// How long a file took to open.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LoadTimings {
    /// Reading, reassembling and dissecting.
    pub read: Duration,
    /// Building the diagram's rows and the connection summaries.
    pub prepared: Duration,
}

impl Loaded {
    /// Computes [`Loaded::prepared`].
    fn prepare(mut self) -> Loaded {
        let started = Instant::now();
        let rows = build_rows(&self.trace, false);
        let mut index = ConnIndex::default();
        index.update(&self.trace);
        self.prepared = Some(Prepared { rows, index });
        self.timings.prepared = started.elapsed();
        self
    }
}

/// Reads `path` (any kind), calling `progress(done, total, trace_so_far)` in bytes now and
/// then (the trace so far: capture files only, see [`crate::capture::file::read_file_with_progress`]).
pub fn load(
    path: &Path,
    progress: &mut dyn FnMut(u64, u64, Option<&Trace>),
) -> Result<Loaded, Phrase> {
    let opened = open(path, progress)?;
    Ok(Loaded {
        path: path.to_path_buf(),
        kind: opened.kind,
        trace: opened.trace,
        stats: opened.stats,
        streams_kept: opened.streams_kept,
        prepared: None,
        timings: Default::default(),
    })
}

/// What unwinds the reader thread when the user cancels (see [`Loader::cancel`]).
struct Cancelled;

/// A file still being read after this long is shown as far as it was read (a preview), so the
/// diagram is usable while the rest loads.
pub const PREVIEW_AFTER: Duration = Duration::from_millis(300);

/// What the reader thread reports.
#[derive(Debug)]
pub enum LoadEvent {
    /// The file as far as it was read (capture files that take a while only): its events
    /// begin the finished trace's, at the same indices. More follows.
    Preview(Loaded),
    /// The whole file, or why it could not be read.
    Done(Result<Loaded, Phrase>),
}

/// A file being read on its own thread.
pub struct Loader {
    /// The file.
    pub path: PathBuf,
    cancel: Arc<AtomicBool>,
    preparing: Arc<AtomicBool>,
    done: Arc<AtomicU64>,
    total: Arc<AtomicU64>,
    events: Receiver<LoadEvent>,
    finished: bool,
}

impl Loader {
    /// Starts reading `path`; `notify` is called on progress and when something is ready. A
    /// capture file still being read after [`PREVIEW_AFTER`] is previewed.
    pub fn start(path: PathBuf, notify: Arc<dyn Fn() + Send + Sync>) -> Loader {
        Self::start_with_preview(path, notify, PREVIEW_AFTER)
    }

    /// [`Loader::start`], previewing a capture file still being read after `preview_after`
    /// (and less than half read).
    pub fn start_with_preview(
        path: PathBuf,
        notify: Arc<dyn Fn() + Send + Sync>,
        preview_after: Duration,
    ) -> Loader {
        let done = Arc::new(AtomicU64::new(0));
        let total = Arc::new(AtomicU64::new(0));
        let (tx, events) = mpsc::channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let preparing = Arc::new(AtomicBool::new(false));
        let (d, t, p, c) = (done.clone(), total.clone(), path.clone(), cancel.clone());
        let ph = preparing.clone();
        let preview_tx = tx.clone();
        let spawned = std::thread::Builder::new()
            .name("wirelab-open".into())
            .spawn(move || {
                let started = Instant::now();
                let mut last_percent = u64::MAX;
                let mut previewed = false;
                let mut progress = |done: u64, total: u64, so_far: Option<&Trace>| {
                    if c.load(Ordering::Relaxed) {
                        // The readers have no way to stop early; unwinding out of their
                        // progress callback ends the work at once, dropping all it built.
                        // `resume_unwind` skips the panic hook: nothing is printed.
                        std::panic::resume_unwind(Box::new(Cancelled));
                    }
                    d.store(done, Ordering::Relaxed);
                    t.store(total, Ordering::Relaxed);
                    // A preview costs a copy of what was read: worth it early in a long read.
                    if let Some(trace) = so_far
                        && !previewed
                        && started.elapsed() >= preview_after
                        && done.saturating_mul(2) < total
                    {
                        previewed = true;
                        let preview = Loaded {
                            path: p.clone(),
                            kind: detect(&p).unwrap_or(FileKind::Pcap),
                            trace: trace.clone(),
                            stats: None,
                            streams_kept: !trace.streams.is_empty(),
                            prepared: None,
                            timings: LoadTimings {
                                read: started.elapsed(),
                                prepared: Duration::ZERO,
                            },
                        }
                        .prepare();
                        let _ = preview_tx.send(LoadEvent::Preview(preview));
                        notify();
                    }
                    let percent = done.saturating_mul(100).checked_div(total).unwrap_or(0);
                    if percent != last_percent {
                        last_percent = percent;
                        notify();
                    }
                };
                // A bug in a reader must end in a message, not in a dead window.
                let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    let loaded = load(&p, &mut progress)?;
                    let read = started.elapsed();
                    ph.store(true, Ordering::Relaxed);
                    notify();
                    let mut loaded = loaded.prepare();
                    loaded.timings.read = read;
                    Ok(loaded)
                }))
                .unwrap_or_else(|payload| {
                    let path = p.display();
                    Err(if payload.is::<Cancelled>() {
                        Phrase::new(
                            format!("cancelled reading {path}"),
                            format!("已取消读取 {path}"),
                        )
                    } else {
                        Phrase::new(
                            format!(
                                "cannot read {path}: internal error while reading (please report it)"
                            ),
                            format!("无法读取 {path}：读取时发生内部错误（请报告这个问题）"),
                        )
                    })
                });
                let _ = tx.send(LoadEvent::Done(outcome));
                notify();
            });
        let events = match spawned {
            Ok(_) => events,
            Err(e) => {
                let (tx_err, rx_err) = mpsc::channel();
                let _ = tx_err.send(LoadEvent::Done(Err(Phrase::new(
                    format!("cannot start reading: {e}"),
                    format!("无法开始读取：{e}"),
                ))));
                rx_err
            }
        };
        Loader {
            path,
            cancel,
            preparing,
            done,
            total,
            events,
            finished: false,
        }
    }

    /// Asks the reader to stop; [`Loader::poll`] then returns a "cancelled" error soon.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Whether the file has been read and the diagram is being prepared.
    pub fn preparing(&self) -> bool {
        self.preparing.load(Ordering::Relaxed)
    }

    /// Progress as a fraction (0 to 1), or `None` before the size is known.
    pub fn fraction(&self) -> Option<f32> {
        let total = self.total.load(Ordering::Relaxed);
        let done = self.done.load(Ordering::Relaxed);
        (total > 0).then(|| (done as f64 / total as f64).clamp(0.0, 1.0) as f32)
    }

    /// Bytes read so far and the file's size.
    pub fn bytes(&self) -> (u64, u64) {
        (
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }

    /// What the reader thread reported since the last call (a preview, then the result);
    /// never blocks.
    pub fn poll(&mut self) -> Option<LoadEvent> {
        if self.finished {
            return None;
        }
        match self.events.try_recv() {
            Ok(event) => {
                self.finished = matches!(event, LoadEvent::Done(_));
                Some(event)
            }
            Err(mpsc::TryRecvError::Empty) => None,
            Err(mpsc::TryRecvError::Disconnected) => {
                self.finished = true;
                let path = self.path.display();
                Some(LoadEvent::Done(Err(Phrase::new(
                    format!("cannot read {path}: the reader stopped unexpectedly"),
                    format!("无法读取 {path}：读取线程意外停止"),
                ))))
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
mod tests {
    use super::*;

    fn temp(name: &str, bytes: &[u8]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("wirelab-loader-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    #[test]
    fn detects_by_magic_then_extension() {
        let pcap = temp("a.bin", &[0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0]);
        assert_eq!(detect(&pcap), Ok(FileKind::Pcap));
        let ng = temp("b.bin", &[0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0]);
        assert_eq!(detect(&ng), Ok(FileKind::PcapNg));
        let json = temp("c.txt", b"  \n{\"format\":1}");
        assert_eq!(detect(&json), Ok(FileKind::TraceJson));
        let bad_pcap = temp("d.pcap", b"garbage!");
        assert_eq!(detect(&bad_pcap), Ok(FileKind::Pcap));
        let garbage = temp("e.bin", b"garbage!");
        let err = detect(&garbage).unwrap_err().en;
        assert!(err.contains("not a pcap"), "{err}");
        assert!(!err.contains('\n'));
        let empty = temp("f", b"");
        assert!(detect(&empty).unwrap_err().en.contains("empty"));
        assert!(detect(Path::new("/nonexistent/wirelab")).is_err());
    }

    /// The shared fixtures: real captures with tshark's dissections beside them.
    fn shared_fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/fixtures")
            .join(name)
    }

    #[test]
    fn json_that_is_not_a_trace_says_what_it_is_and_what_is_expected() {
        // tshark -T json, as tshark wrote it for a fixture.
        let path = shared_fixture("http_sse.tshark.json");
        let err = load(&path, &mut |_, _, _| {}).unwrap_err().en;
        assert!(
            err.contains("tshark's packet dissection (tshark -T json)"),
            "{err}"
        );
        assert!(err.contains("not a wirelab trace"), "{err}");
        assert!(
            err.contains("open the capture file it was made from"),
            "{err}"
        );
        assert!(err.contains("(.pcap, .pcapng)"), "{err}");
        // The parser's own words stay, with line and column, as the detail.
        assert!(err.contains("(detail: ") && err.contains(" line "), "{err}");
        assert!(!err.contains('\n'), "{err}");
        // The same with no telling extension: found by its content.
        let text = std::fs::read(&path).unwrap();
        let err = load(&temp("dissection", &text), &mut |_, _, _| {})
            .unwrap_err()
            .en;
        assert!(err.contains("tshark -T json"), "{err}");
        // tshark -T ek: one object per line.
        let ek = temp(
            "ek.json",
            b"{\"index\":{\"_index\":\"packets-2026-11-21\",\"_type\":\"doc\"}}\n\
              {\"timestamp\":\"1795263963248\",\"layers\":{\"frame\":{}}}\n",
        );
        let err = load(&ek, &mut |_, _, _| {}).unwrap_err().en;
        assert!(err.contains("tshark -T ek"), "{err}");
        // Other JSON.
        let other = temp("other.json", b"{\"name\": \"not a trace\"}");
        let err = load(&other, &mut |_, _, _| {}).unwrap_err().en;
        assert!(
            err.contains("a JSON object without \"format\": \"wirelab-trace\""),
            "{err}"
        );
        let array = temp("array.json", b"[1, 2]");
        let err = load(&array, &mut |_, _, _| {}).unwrap_err().en;
        assert!(err.contains("a JSON array, not a wirelab trace"), "{err}");
        // A trace that is cut short is called one.
        let trace = temp(
            "cut.json",
            b"{\"format\": \"wirelab-trace\", \"version\": 1}",
        );
        let err = load(&trace, &mut |_, _, _| {}).unwrap_err().en;
        assert!(err.contains("a wirelab trace, but damaged"), "{err}");
        assert!(err.contains("missing field"), "{err}");
    }

    #[test]
    fn errors_are_one_line() {
        let garbage = temp("g.pcap", b"this is not a capture file at all");
        let err = load(&garbage, &mut |_, _, _| {}).unwrap_err().en;
        assert!(!err.contains('\n'), "{err}");
        let json = temp("h.json", b"{ not json");
        let err = load(&json, &mut |_, _, _| {}).unwrap_err().en;
        assert!(err.contains("h.json") && err.contains("not JSON"), "{err}");
    }
}
