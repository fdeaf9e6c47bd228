//! Opening any file wirelab reads as a trace: a capture (pcap, pcapng, read by this module's
//! parent) or a trace JSON it wrote, judged by its first bytes. Used by the GUI's loader (on
//! its own thread, with progress) and the lessons' headless player.

use std::io::Read as _;
use std::path::Path;

use super::{FileStats, read_file_with_progress};
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

/// A file opened as a trace.
#[derive(Debug)]
pub struct Opened {
    /// What it was.
    pub kind: FileKind,
    /// Its trace.
    pub trace: Trace,
    /// Packet counts (capture files only).
    pub stats: Option<FileStats>,
    /// Whether payload bytes were kept (see [`KEEP_STREAMS_MAX`]).
    pub streams_kept: bool,
}

/// Reads `path` (any kind), calling `progress(done, total, trace_so_far)` in bytes now and
/// then (the trace so far: capture files only, see [`read_file_with_progress`]).
pub fn open(
    path: &Path,
    progress: &mut dyn FnMut(u64, u64, Option<&Trace>),
) -> Result<Opened, Phrase> {
    let kind = detect(path)?;
    match kind {
        FileKind::Pcap | FileKind::PcapNg => {
            let size = std::fs::metadata(path).map_or(0, |m| m.len());
            let keep = size <= KEEP_STREAMS_MAX;
            let (trace, stats) = read_file_with_progress(path, keep, progress)
                .map_err(|e| Phrase::verbatim(e.to_string()))?;
            Ok(Opened {
                kind,
                trace,
                stats: Some(stats),
                streams_kept: keep,
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
            Ok(Opened {
                kind,
                trace,
                stats: None,
                streams_kept,
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
