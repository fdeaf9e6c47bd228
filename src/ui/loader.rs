//! Opening files for the File view on a background thread: capture files (pcap, pcapng)
//! through [`crate::capture::file`], saved traces (JSON). The window keeps drawing while a
//! file loads; it reads the progress and polls for the result each frame.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use crate::analysis::connections::ConnIndex;
use crate::capture::file::{FileStats, read_file_with_progress};
use crate::diagram::rows::{Rows, build_rows};
use crate::lang::{Lang, Phrase, Text};
use crate::trace::{FORMAT, Trace, TraceError};

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
    /// Its name in messages, in `lang` (the formats' own names stay as they are).
    pub fn name(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (FileKind::Pcap, _) => "pcap",
            (FileKind::PcapNg, _) => "pcapng",
            (FileKind::TraceJson, Lang::En) => "trace JSON",
            (FileKind::TraceJson, Lang::Zh) => "追踪记录 JSON",
        }
    }
}

/// "cannot read FILE: CAUSE", the cause as the system (or a reader) said it.
fn cannot_read(path: &Path, cause: &dyn std::fmt::Display) -> Phrase {
    let path = path.display();
    Phrase::new(
        format!("cannot read {path}: {cause}"),
        format!("无法读取 {path}：{cause}"),
    )
}

/// Decides how to read `path`: by its magic number, then by its extension. `Err` says in one
/// line why it is neither.
pub fn detect(path: &Path) -> Result<FileKind, Phrase> {
    let mut head = [0u8; 64];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|e| cannot_read(path, &e))?;
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
    // A trace is an object; an array is JSON too (tshark's `-T json`), which the JSON reader
    // then says is not a trace.
    if head
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| matches!(b, b'{' | b'['))
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
        _ if n == 0 => Err(Phrase::new(
            format!("cannot read {}: the file is empty", path.display()),
            format!("无法读取 {}：文件是空的", path.display()),
        )),
        _ => {
            let start = head
                .iter()
                .take(8)
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(" ");
            let path = path.display();
            Err(Phrase::new(
                format!(
                    "cannot read {path}: not a pcap, pcapng or wirelab trace (JSON) file (it \
                     starts with {start})"
                ),
                format!(
                    "无法读取 {path}：它不是 pcap、pcapng 或 wirelab 追踪记录（JSON）文件（开头的字节是 {start}）"
                ),
            ))
        }
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
/// then (the trace so far: capture files only, see [`read_file_with_progress`]).
pub fn load(
    path: &Path,
    progress: &mut dyn FnMut(u64, u64, Option<&Trace>),
) -> Result<Loaded, Phrase> {
    let kind = detect(path)?;
    match kind {
        FileKind::Pcap | FileKind::PcapNg => {
            let size = std::fs::metadata(path).map_or(0, |m| m.len());
            let keep = size <= KEEP_STREAMS_MAX;
            let (trace, stats) = read_file_with_progress(path, keep, progress)
                .map_err(|e| Phrase::verbatim(e.to_string()))?;
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
            let text = std::fs::read_to_string(path).map_err(|e| cannot_read(path, &e))?;
            let total = text.len() as u64;
            progress(total / 2, total, None);
            let mut trace = Trace::from_json(&text).map_err(|e| not_a_trace(path, &text, &e))?;
            if trace.source.file.is_none() {
                trace.source.file = Some(path.display().to_string());
            }
            progress(total, total, None);
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

/// What opens as a trace, for the errors about JSON files that are not one.
const TRACE_EXPECTED: Text = Text {
    en: "wirelab opens capture files (.pcap, .pcapng) and the trace JSON it writes itself \
         (--json, Save trace JSON…)",
    zh: "wirelab 能打开抓包文件（.pcap、.pcapng）和它自己写出的追踪记录 JSON（--json、保存追踪记录 JSON…）",
};

/// Why a JSON file did not read as a trace, in one line: what the file is as far as its shape
/// tells, what is expected instead, and the parser's message (with its line and column) as the
/// detail.
fn not_a_trace(path: &Path, text: &str, error: &TraceError) -> Phrase {
    let detail = match error {
        TraceError::Json(e) => e.to_string(),
        // Right format field, wrong version: its own message says it.
        other => return cannot_read(path, other),
    };
    let shape = json_shape(text);
    let what = match shape {
        JsonShape::NotJson => Phrase::new("not JSON", "不是 JSON"),
        JsonShape::Tshark(option) => Phrase::new(
            format!(
                "tshark's packet dissection (tshark {option}), not a wirelab trace: open the \
                 capture file it was made from"
            ),
            format!(
                "这是 tshark 的数据包解析结果（tshark {option}），不是 wirelab 追踪记录：\
                 请打开生成它的抓包文件"
            ),
        ),
        JsonShape::Trace => Phrase::new(
            "a wirelab trace, but damaged or written by another build",
            "是 wirelab 追踪记录，但已损坏或由其他版本写出",
        ),
        JsonShape::Array => Phrase::new(
            "a JSON array, not a wirelab trace",
            "是 JSON 数组，不是 wirelab 追踪记录",
        ),
        JsonShape::Object => Phrase::new(
            format!("a JSON object without \"format\": \"{FORMAT}\", not a wirelab trace"),
            format!("是没有 \"format\": \"{FORMAT}\" 的 JSON 对象，不是 wirelab 追踪记录"),
        ),
    };
    let expected = shape != JsonShape::Trace;
    let path = path.display();
    let (what_en, what_zh) = (&what.en, &what.zh);
    let (expected_en, expected_zh) = (TRACE_EXPECTED.en, TRACE_EXPECTED.zh);
    if expected {
        Phrase::new(
            format!("cannot read {path}: {what_en}. {expected_en} (detail: {detail})"),
            format!("无法读取 {path}：{what_zh}。{expected_zh}（详情：{detail}）"),
        )
    } else {
        Phrase::new(
            format!("cannot read {path}: {what_en} (detail: {detail})"),
            format!("无法读取 {path}：{what_zh}（详情：{detail}）"),
        )
    }
}

/// What a JSON file looks like, judged from its top level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum JsonShape {
    /// It does not parse as JSON (not even its first line).
    NotJson,
    /// tshark's output with this option: `-T json` (an array of `{_source: {layers}}`) or
    /// `-T ek` (a line of `{"index": …}`, then one of `{"layers": …}`, per packet).
    Tshark(&'static str),
    /// An object with `"format": "wirelab-trace"`.
    Trace,
    /// Another array.
    Array,
    /// Another object.
    Object,
}

/// Sorts `text` into a [`JsonShape`] (parses it once more: only when it failed as a trace).
fn json_shape(text: &str) -> JsonShape {
    use serde_json::Value;
    let value = serde_json::from_str::<Value>(text).or_else(|e| {
        // `-T ek` is one object per line, not one document.
        let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        serde_json::from_str::<Value>(first).map_err(|_| e)
    });
    match value {
        Err(_) => JsonShape::NotJson,
        Ok(Value::Array(items)) => {
            let tshark = items
                .first()
                .is_some_and(|p| p.pointer("/_source/layers").is_some());
            if tshark {
                JsonShape::Tshark("-T json")
            } else {
                JsonShape::Array
            }
        }
        Ok(Value::Object(map)) => {
            if map.get("format").and_then(Value::as_str) == Some(FORMAT) {
                JsonShape::Trace
            } else if map.get("index").is_some_and(|i| i.get("_index").is_some())
                || (map.contains_key("layers") && map.contains_key("timestamp"))
            {
                JsonShape::Tshark("-T ek")
            } else {
                JsonShape::Object
            }
        }
        Ok(_) => JsonShape::Object,
    }
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

    /// `bytes` in a file `name` of `dir`, a scratch folder removed when the test drops it.
    fn temp(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    fn scratch() -> tempfile::TempDir {
        tempfile::Builder::new()
            .prefix("wirelab-loader-")
            .tempdir()
            .unwrap()
    }

    #[test]
    fn detects_by_magic_then_extension() {
        let dir = scratch();
        let pcap = temp(&dir, "a.bin", &[0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0]);
        assert_eq!(detect(&pcap), Ok(FileKind::Pcap));
        let ng = temp(&dir, "b.bin", &[0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0]);
        assert_eq!(detect(&ng), Ok(FileKind::PcapNg));
        let json = temp(&dir, "c.txt", b"  \n{\"format\":1}");
        assert_eq!(detect(&json), Ok(FileKind::TraceJson));
        let bad_pcap = temp(&dir, "d.pcap", b"garbage!");
        assert_eq!(detect(&bad_pcap), Ok(FileKind::Pcap));
        let garbage = temp(&dir, "e.bin", b"garbage!");
        let err = detect(&garbage).unwrap_err().en;
        assert!(err.contains("not a pcap"), "{err}");
        assert!(!err.contains('\n'));
        let empty = temp(&dir, "f", b"");
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
        let dir = scratch();
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
        let err = load(&temp(&dir, "dissection", &text), &mut |_, _, _| {})
            .unwrap_err()
            .en;
        assert!(err.contains("tshark -T json"), "{err}");
        // tshark -T ek: one object per line.
        let ek = temp(
            &dir,
            "ek.json",
            b"{\"index\":{\"_index\":\"packets-2026-11-21\",\"_type\":\"doc\"}}\n\
              {\"timestamp\":\"1795263963248\",\"layers\":{\"frame\":{}}}\n",
        );
        let err = load(&ek, &mut |_, _, _| {}).unwrap_err().en;
        assert!(err.contains("tshark -T ek"), "{err}");
        // Other JSON.
        let other = temp(&dir, "other.json", b"{\"name\": \"not a trace\"}");
        let err = load(&other, &mut |_, _, _| {}).unwrap_err().en;
        assert!(
            err.contains("a JSON object without \"format\": \"wirelab-trace\""),
            "{err}"
        );
        let array = temp(&dir, "array.json", b"[1, 2]");
        let err = load(&array, &mut |_, _, _| {}).unwrap_err().en;
        assert!(err.contains("a JSON array, not a wirelab trace"), "{err}");
        // A trace that is cut short is called one.
        let trace = temp(
            &dir,
            "cut.json",
            b"{\"format\": \"wirelab-trace\", \"version\": 1}",
        );
        let err = load(&trace, &mut |_, _, _| {}).unwrap_err().en;
        assert!(err.contains("a wirelab trace, but damaged"), "{err}");
        assert!(err.contains("missing field"), "{err}");
    }

    #[test]
    fn errors_are_one_line() {
        let dir = scratch();
        let garbage = temp(&dir, "g.pcap", b"this is not a capture file at all");
        let err = load(&garbage, &mut |_, _, _| {}).unwrap_err().en;
        assert!(!err.contains('\n'), "{err}");
        let json = temp(&dir, "h.json", b"{ not json");
        let err = load(&json, &mut |_, _, _| {}).unwrap_err().en;
        assert!(err.contains("h.json") && err.contains("not JSON"), "{err}");
    }
}
