//! Opening files for the File view on a background thread: capture files (pcap, pcapng)
//! through [`crate::capture::file`], saved traces (JSON). The window keeps drawing while a
//! file loads; it reads the progress and polls for the result each frame.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use super::connections::ConnIndex;
use super::rows::{Rows, build_rows};
use crate::capture::file::{FileStats, read_file_with_progress};
use crate::trace::Trace;

/// Capture files larger than this are opened without their payload bytes (the hex dumps of
/// the detail pane), so memory stays bounded; every event is still there.
pub const KEEP_STREAMS_MAX: u64 = 256 * 1024 * 1024;

/// What kind of file a path holds, judged from its first bytes (then its extension).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A classic pcap file.
    Pcap,
    /// A pcapng file.
    PcapNg,
    /// A wirelab trace (JSON).
    TraceJson,
}

impl FileKind {
    /// Its name in messages.
    pub fn name(self) -> &'static str {
        match self {
            FileKind::Pcap => "pcap",
            FileKind::PcapNg => "pcapng",
            FileKind::TraceJson => "trace JSON",
        }
    }
}

/// Decides how to read `path`: by its magic number, then by its extension. `Err` says in one
/// line why it is neither.
pub fn detect(path: &Path) -> Result<FileKind, String> {
    let mut head = [0u8; 64];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let head = head.get(..n).unwrap_or_default();
    if let Some(magic) = head.get(..4) {
        match magic {
            [0xd4, 0xc3, 0xb2, 0xa1]
            | [0xa1, 0xb2, 0xc3, 0xd4]
            | [0x4d, 0x3c, 0xb2, 0xa1]
            | [0xa1, 0xb2, 0x3c, 0x4d] => return Ok(FileKind::Pcap),
            [0x0a, 0x0d, 0x0d, 0x0a] => return Ok(FileKind::PcapNg),
            _ => {}
        }
    }
    if head
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'{')
    {
        return Ok(FileKind::TraceJson);
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        // libpcap words what is wrong with it (bad magic, truncated header).
        Some("pcap" | "cap" | "dmp") => Ok(FileKind::Pcap),
        Some("pcapng" | "ntar") => Ok(FileKind::PcapNg),
        Some("json") => Ok(FileKind::TraceJson),
        _ if n == 0 => Err(format!("cannot read {}: the file is empty", path.display())),
        _ => Err(format!(
            "cannot read {}: not a pcap, pcapng or wirelab trace (JSON) file (it starts with {})",
            path.display(),
            head.iter()
                .take(8)
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(" ")
        )),
    }
}

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
    pub prepared: Option<(Rows, ConnIndex)>,
    /// How long reading took, and preparing the diagram.
    pub timings: (Duration, Duration),
}

impl Loaded {
    /// Computes [`Loaded::prepared`].
    fn prepare(mut self) -> Loaded {
        let started = Instant::now();
        let rows = build_rows(&self.trace, false);
        let mut index = ConnIndex::default();
        index.update(&self.trace);
        self.prepared = Some((rows, index));
        self.timings.1 = started.elapsed();
        self
    }
}

/// Reads `path` (any kind), calling `progress(done, total)` in bytes now and then.
pub fn load(path: &Path, progress: &mut dyn FnMut(u64, u64)) -> Result<Loaded, String> {
    let kind = detect(path)?;
    match kind {
        FileKind::Pcap | FileKind::PcapNg => {
            let size = std::fs::metadata(path).map_or(0, |m| m.len());
            let keep = size <= KEEP_STREAMS_MAX;
            let (trace, stats) =
                read_file_with_progress(path, keep, progress).map_err(|e| e.to_string())?;
            Ok(Loaded {
                path: path.to_path_buf(),
                kind,
                trace,
                stats: Some(stats),
                streams_kept: keep,
                prepared: None,
                timings: Default::default(),
            })
        }
        FileKind::TraceJson => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let total = text.len() as u64;
            progress(total / 2, total);
            let mut trace = Trace::from_json(&text)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            if trace.source.file.is_none() {
                trace.source.file = Some(path.display().to_string());
            }
            progress(total, total);
            let streams_kept = !trace.streams.is_empty();
            Ok(Loaded {
                path: path.to_path_buf(),
                kind,
                trace,
                stats: None,
                streams_kept,
                prepared: None,
                timings: Default::default(),
            })
        }
    }
}

/// What unwinds the reader thread when the user cancels (see [`Loader::cancel`]).
struct Cancelled;

/// A file being read on its own thread.
pub struct Loader {
    /// The file.
    pub path: PathBuf,
    cancel: Arc<AtomicBool>,
    preparing: Arc<AtomicBool>,
    done: Arc<AtomicU64>,
    total: Arc<AtomicU64>,
    result: Receiver<Result<Loaded, String>>,
}

impl Loader {
    /// Starts reading `path`; `notify` is called on progress and when the result is ready.
    pub fn start(path: PathBuf, notify: Arc<dyn Fn() + Send + Sync>) -> Loader {
        let done = Arc::new(AtomicU64::new(0));
        let total = Arc::new(AtomicU64::new(0));
        let (tx, result) = mpsc::channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let preparing = Arc::new(AtomicBool::new(false));
        let (d, t, p, c) = (done.clone(), total.clone(), path.clone(), cancel.clone());
        let ph = preparing.clone();
        let spawned = std::thread::Builder::new()
            .name("wirelab-open".into())
            .spawn(move || {
                let mut last_percent = u64::MAX;
                let mut progress = |done: u64, total: u64| {
                    if c.load(Ordering::Relaxed) {
                        // The readers have no way to stop early; unwinding out of their
                        // progress callback ends the work at once, dropping all it built.
                        // `resume_unwind` skips the panic hook: nothing is printed.
                        std::panic::resume_unwind(Box::new(Cancelled));
                    }
                    d.store(done, Ordering::Relaxed);
                    t.store(total, Ordering::Relaxed);
                    let percent = done.saturating_mul(100).checked_div(total).unwrap_or(0);
                    if percent != last_percent {
                        last_percent = percent;
                        notify();
                    }
                };
                // A bug in a reader must end in a message, not in a dead window.
                let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    let started = Instant::now();
                    let loaded = load(&p, &mut progress)?;
                    let read = started.elapsed();
                    ph.store(true, Ordering::Relaxed);
                    notify();
                    let mut loaded = loaded.prepare();
                    loaded.timings.0 = read;
                    Ok(loaded)
                }))
                .unwrap_or_else(|payload| {
                    Err(if payload.is::<Cancelled>() {
                        format!("cancelled reading {}", p.display())
                    } else {
                        format!(
                            "cannot read {}: internal error while reading (please report it)",
                            p.display()
                        )
                    })
                });
                let _ = tx.send(outcome);
                notify();
            });
        let (tx_err, rx_err) = mpsc::channel();
        let result = match spawned {
            Ok(_) => result,
            Err(e) => {
                let _ = tx_err.send(Err(format!("cannot start reading: {e}")));
                rx_err
            }
        };
        Loader {
            path,
            cancel,
            preparing,
            done,
            total,
            result,
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

    /// The result, once the thread has finished; never blocks.
    pub fn poll(&self) -> Option<Result<Loaded, String>> {
        match self.result.try_recv() {
            Ok(r) => Some(r),
            Err(mpsc::TryRecvError::Empty) => None,
            Err(mpsc::TryRecvError::Disconnected) => Some(Err(format!(
                "cannot read {}: the reader stopped unexpectedly",
                self.path.display()
            ))),
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
        let err = detect(&garbage).unwrap_err();
        assert!(err.contains("not a pcap"), "{err}");
        assert!(!err.contains('\n'));
        let empty = temp("f", b"");
        assert!(detect(&empty).unwrap_err().contains("empty"));
        assert!(detect(Path::new("/nonexistent/wirelab")).is_err());
    }

    #[test]
    fn errors_are_one_line() {
        let garbage = temp("g.pcap", b"this is not a capture file at all");
        let err = load(&garbage, &mut |_, _| {}).unwrap_err();
        assert!(!err.contains('\n'), "{err}");
        let json = temp("h.json", b"{ not json");
        let err = load(&json, &mut |_, _| {}).unwrap_err();
        assert!(err.contains("h.json"), "{err}");
    }
}
