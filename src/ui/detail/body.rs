//! The detail pane's HTTP body view: the body of a request or response as it reads (JSON
//! pretty-printed, text as text, anything else as hex), then the whole message's bytes with
//! the head/body split marked, in the frame view's hex widget.
//!
//! The bytes come from the trace's recorded streams: a message's span covers its head and
//! its body, or only its head when the message was shown at its head (an event stream, a body
//! delimited by the close); then the body is the span of the `http_body_end` that follows.

use std::ops::Range;

use egui::{RichText, Ui};

use super::sections::{hex_preview, text_preview_limited_ui};
use super::tr;
use super::{DetailView, Hover};
use crate::lang::Lang;
use crate::proto::http::{ChunkedDecoder, Headers};
use crate::trace::{Dir, EventKind, Trace, describe};
use crate::ui::theme::Theme;

/// How many bytes of a body the body view shows.
const BODY_LIMIT: usize = 16 * 1024;
/// How many bytes of a whole message the hex view shows.
const MESSAGE_HEX_LIMIT: usize = 4 * 1024;

/// Where one HTTP message's bytes are in its direction's stream.
#[derive(Clone, Debug, PartialEq, Eq)]
struct MessageBytes {
    conn: u32,
    dir: Dir,
    /// The head's first byte, in the stream.
    start: usize,
    head_len: usize,
    /// One past the body's last recorded byte, in the stream.
    end: usize,
    /// How far the body got.
    state: BodyState,
}

/// How far a body got when the trace was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BodyState {
    /// Complete, as its framing says.
    Complete,
    /// The connection ended first.
    CutShort,
    /// Still arriving (a live trace): the bytes so far.
    SoFar,
}

/// The message (its head event) that `index` shows or ends, and its headers.
fn message_of(trace: &Trace, index: usize) -> Option<(usize, &[(String, String)])> {
    let event = trace.events.get(index)?;
    match &event.kind {
        EventKind::HttpRequest { headers, .. } | EventKind::HttpResponse { headers, .. } => {
            Some((index, headers))
        }
        EventKind::HttpBodyEnd { .. } => {
            // The head this body belongs to: the last message before it on its side.
            let (conn, dir) = (event.conn, event.dir);
            trace
                .events
                .get(..index)?
                .iter()
                .enumerate()
                .rev()
                .filter(|(_, e)| e.conn == conn && e.dir == dir)
                .find_map(|(i, e)| match &e.kind {
                    EventKind::HttpRequest { headers, .. }
                    | EventKind::HttpResponse { headers, .. } => Some((i, headers.as_slice())),
                    _ => None,
                })
        }
        _ => None,
    }
}

/// Whether a response shown at its head has a body that keeps coming after it.
fn body_follows_head(kind: &EventKind) -> bool {
    let EventKind::HttpResponse {
        status, headers, ..
    } = kind
    else {
        return false;
    };
    let h = Headers::new(headers);
    let no_body = matches!(status, 100..=199 | 204 | 304);
    !no_body && (h.has_media_type("text/event-stream") || h.get("content-length").is_none())
}

/// Finds the bytes of the message shown or ended by `trace.events[index]`.
fn locate(trace: &Trace, index: usize) -> Option<MessageBytes> {
    let (head_index, _) = message_of(trace, index)?;
    let head = trace.events.get(head_index)?;
    let (conn, dir, span) = (head.conn?, head.dir?, head.span?);
    let head_len = match &head.kind {
        EventKind::HttpRequest { head_len, .. } | EventKind::HttpResponse { head_len, .. } => {
            usize::try_from(*head_len).ok()?
        }
        _ => return None,
    };
    let start = usize::try_from(span.offset).ok()?;
    let span_end = usize::try_from(span.end()).ok()?;
    let stream_len = trace.stream(conn, dir)?.len();
    if span_end > start.saturating_add(head_len) || !body_follows_head(&head.kind) {
        return Some(MessageBytes {
            conn,
            dir,
            start,
            head_len,
            end: span_end.min(stream_len),
            state: BodyState::Complete,
        });
    }
    // Shown at its head: the body ends at the `http_body_end` after it, before the next
    // message on the same side.
    let later = trace.events.get(head_index + 1..).unwrap_or_default();
    for e in later
        .iter()
        .filter(|e| e.conn == Some(conn) && e.dir == Some(dir))
    {
        match &e.kind {
            EventKind::HttpBodyEnd { complete, .. } => {
                let end = e
                    .span
                    .and_then(|s| usize::try_from(s.end()).ok())
                    .unwrap_or(span_end);
                return Some(MessageBytes {
                    conn,
                    dir,
                    start,
                    head_len,
                    end: end.min(stream_len),
                    state: if *complete {
                        BodyState::Complete
                    } else {
                        BodyState::CutShort
                    },
                });
            }
            EventKind::HttpRequest { .. } | EventKind::HttpResponse { .. } => break,
            _ => {}
        }
    }
    Some(MessageBytes {
        conn,
        dir,
        start,
        head_len,
        end: stream_len,
        state: BodyState::SoFar,
    })
}

/// What a body is, to show it as it reads.
#[derive(Clone, Debug, PartialEq, Eq)]
enum BodyText {
    /// Valid JSON, re-indented (the members keep their order).
    Json(String),
    /// UTF-8 text.
    Text(String),
    /// Anything else.
    Binary,
}

/// Classifies body bytes (already cut to the shown limit; a cut may split the last UTF-8
/// character, which is then dropped).
fn classify(body: &[u8], content_type: Option<&str>, cut: bool) -> BodyText {
    let text = match std::str::from_utf8(body) {
        Ok(t) => t,
        Err(e) if cut && e.error_len().is_none() => {
            std::str::from_utf8(body.get(..e.valid_up_to()).unwrap_or_default()).unwrap_or_default()
        }
        Err(_) => return BodyText::Binary,
    };
    let json_type = content_type.is_some_and(|t| {
        let t = t
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        t == "application/json" || t.ends_with("+json")
    });
    let looks_json = matches!(text.trim_start().chars().next(), Some('{' | '['));
    if (json_type || looks_json)
        && !cut
        && serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok()
    {
        return BodyText::Json(pretty_json(text));
    }
    let controls = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        .count();
    if controls * 10 > text.chars().count() {
        return BodyText::Binary;
    }
    BodyText::Text(text.to_string())
}

/// Re-indents JSON text two spaces a level, keeping its members in their order (a parsed
/// `serde_json::Value` would sort them) and its strings and numbers exactly as sent. Meant for
/// text already checked to be JSON.
fn pretty_json(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = text.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.extend(std::iter::repeat_n("  ", depth));
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                // An empty object or array stays on one line.
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
                if matches!(chars.peek(), Some('}' | ']')) {
                    continue;
                }
                depth += 1;
                newline(&mut out, depth);
            }
            '}' | ']' => {
                if !matches!(out.chars().last(), Some('{' | '[')) {
                    depth = depth.saturating_sub(1);
                    newline(&mut out, depth);
                }
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

/// A chunked body's data, its framing removed (as far as the framing is valid).
fn dechunk(body: &[u8]) -> Vec<u8> {
    let mut data = Vec::new();
    let mut decoder = ChunkedDecoder::new();
    // A framing error keeps the data decoded so far.
    let _ = decoder.feed_with(body, &mut |bytes, _| data.extend_from_slice(bytes));
    data
}

/// What the body view shows, prepared once per selection (finding a body announced at its
/// head reads the events after it; indenting JSON reads the whole body).
pub(super) struct PreparedBody {
    /// The event it is for: its index and enough of it to tell a replaced trace.
    index: usize,
    t_us: i64,
    conn: Option<u32>,
    /// For a body still arriving: the stream's length and the events it was prepared at.
    stream_len: usize,
    events_len: usize,
    /// `None`: the bytes were not recorded.
    at: Option<MessageBytes>,
    /// Data bytes after removing the chunk framing, for a chunked body.
    chunked: Option<usize>,
    /// A content coding other than identity: shown as sent.
    encoding: Option<String>,
    /// The body's data length (after removing chunk framing).
    data_len: usize,
    text: BodyText,
    /// For a binary body: its first bytes as hex.
    hex: String,
    /// The language it was prepared in.
    lang: Lang,
}

impl PreparedBody {
    fn is_for(&self, trace: &Trace, index: usize) -> bool {
        let Some(event) = trace.events.get(index) else {
            return false;
        };
        let same = self.index == index && self.t_us == event.t_us && self.conn == event.conn;
        // A body still arriving grows with the stream.
        let grown = self.at.as_ref().is_some_and(|a| {
            a.state == BodyState::SoFar
                && (trace.stream(a.conn, a.dir).map_or(0, <[u8]>::len) != self.stream_len
                    || trace.events.len() != self.events_len)
        });
        same && !grown
    }

    fn new(trace: &Trace, index: usize, headers: &[(String, String)], lang: Lang) -> PreparedBody {
        let event = trace.events.get(index);
        let at = locate(trace, index);
        let stream_len = at
            .as_ref()
            .and_then(|a| trace.stream(a.conn, a.dir))
            .map_or(0, <[u8]>::len);
        let body = at
            .as_ref()
            .and_then(|a| {
                let s = trace.stream(a.conn, a.dir)?;
                s.get(a.start.saturating_add(a.head_len).min(a.end)..a.end)
            })
            .unwrap_or_default();
        let h = Headers::new(headers);
        let (data, chunked) = if h.contains("transfer-encoding", "chunked") {
            let d = dechunk(body);
            let n = d.len();
            (std::borrow::Cow::Owned(d), Some(n))
        } else {
            (std::borrow::Cow::Borrowed(body), None)
        };
        let encoding = h
            .get("content-encoding")
            .map(str::trim)
            .filter(|e| !e.eq_ignore_ascii_case("identity"))
            .map(str::to_string);
        let cut = data.len() > BODY_LIMIT;
        let shown = data.get(..BODY_LIMIT.min(data.len())).unwrap_or(&data);
        let text = match encoding {
            Some(_) => BodyText::Binary,
            None => classify(shown, h.get("content-type"), cut),
        };
        let hex = if text == BodyText::Binary {
            hex_preview(shown, BODY_LIMIT, lang)
        } else {
            String::new()
        };
        PreparedBody {
            index,
            t_us: event.map_or(0, |e| e.t_us),
            conn: event.and_then(|e| e.conn),
            stream_len,
            events_len: trace.events.len(),
            at,
            chunked,
            encoding,
            data_len: data.len(),
            text,
            hex,
            lang,
        }
    }
}

impl DetailView {
    /// The body of the HTTP message shown or ended by `trace.events[index]`, then the
    /// message's bytes with the head/body split.
    pub(super) fn http_body_ui(&mut self, ui: &mut Ui, trace: &Trace, index: usize, lang: Lang) {
        let Some((_, headers)) = message_of(trace, index) else {
            return;
        };
        if !self
            .body
            .as_ref()
            .is_some_and(|b| b.is_for(trace, index) && b.lang == lang)
        {
            self.body = Some(PreparedBody::new(trace, index, headers, lang));
        }
        let Some(prepared) = self.body.take() else {
            return;
        };
        self.prepared_body_ui(ui, trace, &prepared, lang);
        self.body = Some(prepared);
    }

    fn prepared_body_ui(
        &mut self,
        ui: &mut Ui,
        trace: &Trace,
        prepared: &PreparedBody,
        lang: Lang,
    ) {
        let Some(at) = &prepared.at else {
            ui.weak(tr(
                lang,
                "Raw bytes were not recorded (a large file is opened without them): the body \
                 cannot be shown.",
                "没有记录原始字节（打开大文件时不保留它们）：无法显示消息体。",
            ));
            return;
        };
        let Some(bytes) = trace
            .stream(at.conn, at.dir)
            .and_then(|s| s.get(at.start..at.end.max(at.start)))
        else {
            return;
        };
        let head_len = at.head_len.min(bytes.len());
        let body_len = bytes.len().saturating_sub(head_len);
        ui.add_space(6.0);
        let title = match (at.state, lang) {
            (BodyState::Complete, Lang::En) => format!("Body ({body_len} bytes)"),
            (BodyState::CutShort, Lang::En) => {
                format!("Body ({body_len} bytes, cut short by the close)")
            }
            (BodyState::SoFar, Lang::En) => {
                format!("Body ({body_len} bytes so far, still arriving)")
            }
            (BodyState::Complete, Lang::Zh) => format!("消息体（{body_len} 字节）"),
            (BodyState::CutShort, Lang::Zh) => {
                format!("消息体（{body_len} 字节，因连接关闭而不完整）")
            }
            (BodyState::SoFar, Lang::Zh) => format!("消息体（目前 {body_len} 字节，仍在到达）"),
        };
        ui.label(RichText::new(title).strong());
        if body_len == 0 {
            ui.weak(tr(
                lang,
                "This message has no body.",
                "这条报文没有消息体。",
            ));
        } else {
            if let Some(n) = prepared.chunked {
                ui.weak(match lang {
                    Lang::En => format!("chunked: {n} data bytes, shown without the chunk framing"),
                    Lang::Zh => format!("chunked：{n} 字节数据，显示时去掉了分块格式"),
                });
            }
            if let Some(e) = &prepared.encoding {
                ui.weak(match lang {
                    Lang::En => format!("Content-Encoding {e}: shown as sent, not decoded"),
                    Lang::Zh => format!("Content-Encoding {e}：按发送时的样子显示，未解码"),
                });
            }
            match &prepared.text {
                BodyText::Json(pretty) => {
                    ui.weak(tr(
                        lang,
                        "JSON, indented for reading",
                        "JSON，已缩进以便阅读",
                    ));
                    text_preview_limited_ui(ui, pretty, usize::MAX, lang);
                }
                BodyText::Text(text) => text_preview_limited_ui(ui, text, usize::MAX, lang),
                BodyText::Binary => {
                    ui.weak(tr(lang, "binary, as hex", "二进制，以十六进制显示"));
                    ui.monospace(&prepared.hex);
                }
            }
            if prepared.data_len > BODY_LIMIT {
                let total = describe::format_bytes(prepared.data_len as u64);
                ui.weak(match lang {
                    Lang::En => format!("first {} KiB of {total} shown", BODY_LIMIT / 1024),
                    Lang::Zh => format!("只显示了 {total} 中的前 {} KiB", BODY_LIMIT / 1024),
                });
            }
        }
        ui.add_space(6.0);
        ui.label(
            RichText::new(tr(
                lang,
                "The whole message on the wire",
                "线路上的整条报文",
            ))
            .strong(),
        );
        let parts = [0..head_len, head_len..bytes.len()];
        let theme = Theme::of(ui.ctx());
        ui.horizontal_wrapped(|ui| {
            for (k, range) in parts.iter().enumerate() {
                if range.is_empty() {
                    continue;
                }
                let hot = self.http_part(&parts) == Some(k);
                let (start, end, len) = (range.start, range.end, range.len());
                let label = match (k, lang) {
                    (0, Lang::En) => format!("head: bytes {start}..{end} ({len} bytes)"),
                    (_, Lang::En) => format!("body: bytes {start}..{end} ({len} bytes)"),
                    (0, Lang::Zh) => format!("首部：第 {start}..{end} 字节（{len} 字节）"),
                    (_, Lang::Zh) => format!("消息体：第 {start}..{end} 字节（{len} 字节）"),
                };
                let mut text = RichText::new(label).monospace();
                if hot {
                    text = text.strong().color(theme.field_highlight);
                }
                if ui.label(text).hovered() {
                    self.next_hover = Some(Hover::Field(k));
                }
            }
        });
        let highlight = self
            .http_part(&parts)
            .and_then(|k| parts.get(k).cloned())
            .unwrap_or(0..0);
        self.hex_view_ui(
            ui,
            bytes,
            &highlight,
            Some(head_len),
            MESSAGE_HEX_LIMIT,
            lang,
        );
    }

    /// The part (0 head, 1 body) the pointer is over, in the legend or the hex dump.
    fn http_part(&self, parts: &[Range<usize>; 2]) -> Option<usize> {
        match self.hover {
            Some(Hover::Field(k)) if k < 2 => Some(k),
            Some(Hover::Byte(b)) => parts.iter().position(|p| p.contains(&b)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_indented_in_its_own_order() {
        let text = r#"{"type":"quote","list":[1, 2],"empty":{},"s":"a,{b}:\"c\""}"#;
        assert_eq!(
            pretty_json(text),
            "{\n  \"type\": \"quote\",\n  \"list\": [\n    1,\n    2\n  ],\n  \"empty\": {},\n  \"s\": \"a,{b}:\\\"c\\\"\"\n}"
        );
    }

    #[test]
    fn bodies_read_as_what_they_are() {
        assert_eq!(
            classify(b"[1]", Some("application/json"), false),
            BodyText::Json("[\n  1\n]".into())
        );
        assert_eq!(
            classify(b"hello\n", Some("text/plain"), false),
            BodyText::Text("hello\n".into())
        );
        assert_eq!(classify(&[0xff, 0x00, 0x01], None, false), BodyText::Binary);
        // A cut in the middle of a character drops it.
        assert_eq!(
            classify("aé".as_bytes().get(..2).unwrap(), None, true),
            BodyText::Text("a".into())
        );
        // Not JSON after all: text.
        assert_eq!(
            classify(b"{nope", Some("application/json"), false),
            BodyText::Text("{nope".into())
        );
    }

    fn fixture(name: &str) -> Trace {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/fixtures")
            .join(name);
        crate::capture::file::read_file(&path, true)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .0
    }

    fn first(trace: &Trace, kind: &str) -> usize {
        trace
            .events
            .iter()
            .position(|e| e.kind.name() == kind)
            .unwrap()
    }

    /// An event stream is shown at its head: its body is found at the `http_body_end` after
    /// it (cut short by the close in this capture), from the response and from the end alike.
    #[test]
    fn a_body_announced_at_its_head_ends_at_its_body_end() {
        let trace = fixture("http_sse.pcap");
        let response = first(&trace, "http_response");
        let end = first(&trace, "http_body_end");
        let at = locate(&trace, response).unwrap();
        assert_eq!(at.head_len, 210);
        assert_eq!(at.state, BodyState::CutShort);
        let body_end = trace.events[end].span.unwrap().end() as usize;
        assert_eq!(at.end, body_end);
        assert_eq!(at.end - at.start - at.head_len, 456);
        assert_eq!(locate(&trace, end), Some(at));
    }

    /// A long-poll answer carries its body in its own span.
    #[test]
    fn a_response_body_is_in_its_span() {
        let trace = fixture("http_long_poll.pcap");
        let response = first(&trace, "http_response");
        let at = locate(&trace, response).unwrap();
        assert_eq!(at.state, BodyState::Complete);
        assert_eq!(at.end - at.start, 216 + 69);
        let body = &trace.stream(at.conn, at.dir).unwrap()[at.start + at.head_len..at.end];
        assert!(matches!(
            classify(body, Some("application/json; charset=utf-8"), false),
            BodyText::Json(_)
        ));
    }

    #[test]
    fn chunk_framing_is_removed() {
        assert_eq!(dechunk(b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"), b"abcde");
    }
}
