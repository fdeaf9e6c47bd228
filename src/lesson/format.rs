//! A lesson file as written: the raw serde structs of the TOML format (`lessons/README.md`),
//! each value that an error may point at kept with its span, and their conversion into the
//! model once [`super::check`] found nothing wrong.
//!
//! The document is parsed once into toml's spanned tree; the lesson's header, each step and
//! each highlight are then deserialized on their own, so one unknown key or wrong type is
//! reported without hiding the problems of the other steps. Every struct refuses unknown keys.
//! Pure.

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use super::{Action, Choice, Highlight, Lesson, Level, Question, Seen, Step};
use crate::lang::Phrase;
use crate::trace::Dir;
use crate::trace::matcher::{ConnSelector, EventMatcher, opcode_named};

/// A value and where it is in the file.
pub type S<T> = Spanned<T>;

/// Something wrong in a lesson file: where (a byte range of the file), which field (its path,
/// e.g. `step[3].highlight[0].status`) and what, in every language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The bytes the problem is about.
    pub span: Range<usize>,
    /// The field's path (`""` for the file as a whole, e.g. a TOML syntax error).
    pub field: String,
    /// What is wrong.
    pub message: Phrase,
}

impl Problem {
    /// A problem at `span` with `field`.
    pub fn new(span: Range<usize>, field: impl Into<String>, message: Phrase) -> Problem {
        Problem {
            span,
            field: field.into(),
            message,
        }
    }
}

/// A text in both languages, as written (`{ en = "…", zh = "…" }`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawText {
    /// English.
    pub en: Option<S<String>>,
    /// Simplified Chinese.
    pub zh: Option<S<String>>,
}

/// The lesson's own keys (everything but its steps).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHeader {
    /// `id`.
    pub id: Option<S<String>>,
    /// `order`.
    pub order: Option<S<i64>>,
    /// `level`.
    pub level: Option<S<String>>,
    /// `minutes`.
    pub minutes: Option<S<i64>>,
    /// `title`.
    pub title: Option<S<RawText>>,
    /// `summary`.
    pub summary: Option<S<RawText>>,
}

/// A step's keys, its highlights aside.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStepFields {
    /// `title`.
    pub title: Option<S<RawText>>,
    /// `narration`.
    pub narration: Option<S<RawText>>,
    /// `lab = { scenario, through }`.
    pub lab: Option<S<RawLab>>,
    /// `compare = { preset }`.
    pub compare: Option<S<RawCompare>>,
    /// `recording = { file, event }`.
    pub recording: Option<S<RawRecording>>,
    /// `[step.question]`.
    pub question: Option<S<RawQuestion>>,
}

/// `lab = { scenario = "ws-echo", through = 3 }`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLab {
    /// The scenario's name.
    pub scenario: Option<S<String>>,
    /// The last stage to run, 1-based.
    pub through: Option<S<i64>>,
}

/// `compare = { preset = "classroom" }`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCompare {
    /// The preset's name.
    pub preset: Option<S<String>>,
}

/// `recording = { file = "assets/….pcapng", event = 12 }`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRecording {
    /// The file, relative to the project root.
    pub file: Option<S<String>>,
    /// The event to select (0-based index in the opened trace).
    pub event: Option<S<i64>>,
}

/// `[step.question]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawQuestion {
    /// `prompt`.
    pub prompt: Option<S<RawText>>,
    /// `explanation`.
    pub explanation: Option<S<RawText>>,
    /// `[[step.question.choice]]`.
    #[serde(default)]
    pub choice: Vec<S<RawChoice>>,
}

/// `[[step.question.choice]]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChoice {
    /// `text`.
    pub text: Option<S<RawText>>,
    /// `correct`.
    pub correct: Option<S<bool>>,
}

/// An opcode as written: a name or a number.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum RawOpcode {
    /// 0–15.
    Number(i64),
    /// `"text"`, `"close"`, …
    Name(String),
}

/// `[[step.highlight]]`: a matcher, `main` and `when`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)] // each is the matcher field of the same name (`EventMatcher`)
pub struct RawHighlight {
    pub kind: Option<S<String>>,
    pub lane: Option<S<String>>,
    pub conn: Option<S<i64>>,
    pub dir: Option<S<String>>,
    pub opcode: Option<S<RawOpcode>>,
    pub fin: Option<S<bool>>,
    pub rsv1: Option<S<bool>>,
    pub masked: Option<S<bool>>,
    pub header_len: Option<S<i64>>,
    pub compressed: Option<S<bool>>,
    pub code: Option<S<i64>>,
    pub status: Option<S<i64>>,
    pub method: Option<S<String>>,
    pub version: Option<S<String>>,
    pub header: Option<S<String>>,
    pub value: Option<S<String>>,
    pub text: Option<S<String>>,
    pub sse_id: Option<S<String>>,
    pub fires: Option<S<String>>,
    pub ready_state: Option<S<i64>>,
    pub rule: Option<S<String>>,
    pub main: Option<S<bool>>,
    pub when: Option<S<String>>,
}

/// The keys of a lesson's header ([`RawHeader`]'s fields).
pub const HEADER_KEYS: &[&str] = &[
    "id", "order", "level", "minutes", "title", "summary", "step",
];
/// The keys of a step ([`RawStepFields`]'s fields and `highlight`).
pub const STEP_KEYS: &[&str] = &[
    "title",
    "narration",
    "lab",
    "compare",
    "recording",
    "question",
    "highlight",
];
/// The keys of a highlight ([`RawHighlight`]'s fields).
pub const HIGHLIGHT_KEYS: &[&str] = &[
    "kind",
    "lane",
    "conn",
    "dir",
    "opcode",
    "fin",
    "rsv1",
    "masked",
    "header_len",
    "compressed",
    "code",
    "status",
    "method",
    "version",
    "header",
    "value",
    "text",
    "sse_id",
    "fires",
    "ready_state",
    "rule",
    "main",
    "when",
];

/// Takes the keys of `table` that are not in `keys` out, each reported as unknown (so one
/// unknown key does not keep the rest of its table from being read and checked).
fn strip_unknown(
    table: &mut DeTable<'_>,
    keys: &[&str],
    prefix: &str,
    problems: &mut Vec<Problem>,
) {
    let unknown: Vec<(String, Range<usize>)> = table
        .iter()
        .filter(|(k, _)| !keys.contains(&k.get_ref().as_ref()))
        .map(|(k, _)| (k.get_ref().to_string(), k.span()))
        .collect();
    for (key, span) in unknown {
        table.remove(key.as_str());
        let mut field = prefix.to_string();
        push_key(&mut field, &key);
        let list = keys
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        problems.push(Problem::new(
            span,
            field,
            Phrase::new(
                format!("unknown key `{key}`; the keys here are {list}"),
                format!("未知的键 `{key}`；这里可以用的键是 {list}"),
            ),
        ));
    }
}

/// One `[[step]]`.
#[derive(Clone, Debug)]
pub struct RawStep {
    /// The step's table.
    pub span: Range<usize>,
    /// Its keys, `None` when they could not be read (the problem is reported).
    pub fields: Option<RawStepFields>,
    /// Its highlights, each `None` when it could not be read.
    pub highlights: Vec<(Range<usize>, Option<RawHighlight>)>,
}

/// A lesson file, read as far as it could be.
#[derive(Clone, Debug)]
pub struct RawLesson {
    /// The lesson's keys, `None` when they could not be read.
    pub header: Option<RawHeader>,
    /// The steps; empty when there are none (or `step` is not an array of tables).
    pub steps: Vec<RawStep>,
    /// Whether `step` was there but not a list of tables (already reported).
    pub steps_malformed: bool,
}

/// Reads a lesson file's text. Problems found on the way (unknown keys, wrong types, missing
/// or misplaced `[[step]]`) are returned with what could be read; a TOML syntax error gives
/// no lesson (`None`) and that one problem.
pub fn parse(source: &str) -> (Option<RawLesson>, Vec<Problem>) {
    let (root, errors) = DeTable::parse_recoverable(source);
    if !errors.is_empty() {
        // The first only: toml recovers and goes on, but what follows an unclosed table or
        // string is mostly that one mistake again.
        let problems = errors
            .iter()
            .take(1)
            .map(|e| {
                let span = e.span().unwrap_or(0..0);
                Problem::new(
                    span,
                    "",
                    Phrase::new(
                        format!("TOML syntax error: {}", e.message()),
                        format!("TOML 语法错误：{}", e.message()),
                    ),
                )
            })
            .collect();
        return (None, problems);
    }
    let root_span = root.span();
    let mut table = root.into_inner();
    let mut problems = Vec::new();
    strip_unknown(&mut table, HEADER_KEYS, "", &mut problems);
    let steps_value = table.remove("step");
    let header = deserialize::<RawHeader>(
        Spanned::new(root_span, DeValue::Table(table)),
        "",
        &mut problems,
    );
    let mut steps = Vec::new();
    let mut steps_malformed = false;
    if let Some(value) = steps_value {
        let span = value.span();
        match value.into_inner() {
            DeValue::Array(items) => {
                for (i, item) in items.into_iter().enumerate() {
                    steps.push(parse_step(item, i, &mut problems));
                }
            }
            _ => {
                steps_malformed = true;
                problems.push(Problem::new(
                    span,
                    "step",
                    Phrase::new(
                        "`step` must be a list of tables, each written `[[step]]`",
                        "`step` 必须是若干个表，每个写作 `[[step]]`",
                    ),
                ));
            }
        }
    }
    (
        Some(RawLesson {
            header,
            steps,
            steps_malformed,
        }),
        problems,
    )
}

fn parse_step(item: Spanned<DeValue<'_>>, index: usize, problems: &mut Vec<Problem>) -> RawStep {
    let span = item.span();
    let path = format!("step[{index}]");
    let DeValue::Table(mut table) = item.into_inner() else {
        problems.push(Problem::new(
            span.clone(),
            path,
            Phrase::new(
                "a step must be a table (`[[step]]`)",
                "每一步必须是一个表（`[[step]]`）",
            ),
        ));
        return RawStep {
            span,
            fields: None,
            highlights: Vec::new(),
        };
    };
    strip_unknown(&mut table, STEP_KEYS, &path, problems);
    let mut highlights = Vec::new();
    if let Some(value) = table.remove("highlight") {
        let hspan = value.span();
        match value.into_inner() {
            DeValue::Array(items) => {
                for (i, h) in items.into_iter().enumerate() {
                    let hspan = h.span();
                    let hpath = format!("{path}.highlight[{i}]");
                    let h = match h.into_inner() {
                        DeValue::Table(mut t) => {
                            strip_unknown(&mut t, HIGHLIGHT_KEYS, &hpath, problems);
                            DeValue::Table(t)
                        }
                        other => other,
                    };
                    let raw = deserialize::<RawHighlight>(
                        Spanned::new(hspan.clone(), h),
                        &hpath,
                        problems,
                    );
                    highlights.push((hspan, raw));
                }
            }
            _ => problems.push(Problem::new(
                hspan,
                format!("{path}.highlight"),
                Phrase::new(
                    "`highlight` must be a list of tables, each written `[[step.highlight]]`",
                    "`highlight` 必须是若干个表，每个写作 `[[step.highlight]]`",
                ),
            )),
        }
    }
    let fields = deserialize::<RawStepFields>(
        Spanned::new(span.clone(), DeValue::Table(table)),
        &path,
        problems,
    );
    RawStep {
        span,
        fields,
        highlights,
    }
}

/// Deserializes `value` as a `T`; a failure becomes a problem at the path of the key it is in
/// (below `prefix`).
fn deserialize<'i, T: Deserialize<'i>>(
    value: Spanned<DeValue<'i>>,
    prefix: &str,
    problems: &mut Vec<Problem>,
) -> Option<T> {
    let whole = value.span();
    // Kept to find the failing key's path: the deserializer consumes the value.
    let tree = value.get_ref().clone();
    match T::deserialize(ValueDeserializer::from(value)) {
        Ok(t) => Some(t),
        Err(err) => {
            let span = err.span().unwrap_or(whole);
            let mut field = prefix.to_string();
            path_at(&tree, span.start, &mut field);
            let message = err.message().to_string();
            if let Some(missing) = quoted_after(&message, "missing field ") {
                push_key(&mut field, &missing);
            }
            problems.push(Problem::new(span, field, serde_phrase(&message)));
            None
        }
    }
}

/// Appends the key or index path of the deepest value of `tree` at byte `at`.
fn path_at(tree: &DeValue<'_>, at: usize, path: &mut String) {
    match tree {
        DeValue::Table(table) => {
            for (key, value) in table.iter() {
                if key.span().contains(&at) || value.span().contains(&at) {
                    push_key(path, key.get_ref());
                    path_at(value.get_ref(), at, path);
                    return;
                }
            }
        }
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                if item.span().contains(&at) {
                    path.push_str(&format!("[{i}]"));
                    path_at(item.get_ref(), at, path);
                    return;
                }
            }
        }
        _ => {}
    }
}

fn push_key(path: &mut String, key: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(key);
}

/// The first `` `quoted` `` word after `prefix` in `message`.
fn quoted_after(message: &str, prefix: &str) -> Option<String> {
    let rest = message.split_once(prefix)?.1;
    let rest = rest.strip_prefix('`')?;
    Some(rest.split('`').next()?.to_string())
}

/// serde's messages (English) with their Chinese: the ones a teacher meets, the rest
/// quoted.
fn serde_phrase(message: &str) -> Phrase {
    if let Some(key) = quoted_after(message, "unknown field ") {
        let allowed = message
            .split_once("expected one of ")
            .or_else(|| message.split_once("expected "))
            .map(|(_, list)| list.to_string());
        return match allowed {
            Some(list) => Phrase::new(
                format!("unknown key `{key}`; the keys here are {list}"),
                format!("未知的键 `{key}`；这里可以用的键是 {list}"),
            ),
            None => Phrase::new(format!("unknown key `{key}`"), format!("未知的键 `{key}`")),
        };
    }
    if let Some(key) = quoted_after(message, "missing field ") {
        return Phrase::new(format!("`{key}` is missing"), format!("缺少 `{key}`"));
    }
    if let Some(what) = message.strip_prefix("invalid type: ") {
        let (found, wanted) = what.split_once(", expected ").unwrap_or((what, "?"));
        return Phrase::new(
            format!("wrong type: found {found}, expected {wanted}"),
            format!("类型不对：写的是 {found}，这里要 {wanted}"),
        );
    }
    if message.starts_with("data did not match any variant") {
        return Phrase::new(
            "expected an opcode name (continuation, text, binary, close, ping, pong) or a number 0–15",
            "这里要一个 opcode 名称（continuation、text、binary、close、ping、pong）或 0–15 的数字",
        );
    }
    Phrase::new(message, format!("内容有误：{message}"))
}

/// The level called `name` in lesson files.
pub fn level_named(name: &str) -> Option<Level> {
    Level::ALL.into_iter().find(|l| l.code() == name)
}

/// The direction called `name` (`c2s`, `s2c`).
pub fn dir_named(name: &str) -> Option<Dir> {
    [Dir::C2s, Dir::S2c]
        .into_iter()
        .find(|d| d.as_str() == name)
}

/// `when = "packets"` or `"socket"`.
pub fn seen_named(name: &str) -> Option<Seen> {
    match name {
        "packets" => Some(Seen::WithPackets),
        "socket" => Some(Seen::SocketOnly),
        _ => None,
    }
}

/// The opcode an [`RawOpcode`] names, if it is one.
pub fn opcode_of(raw: &RawOpcode) -> Option<u8> {
    match raw {
        RawOpcode::Number(n) => u8::try_from(*n).ok().filter(|n| *n <= 0xF),
        RawOpcode::Name(name) => opcode_named(name),
    }
}

fn text(raw: Option<&S<RawText>>) -> Option<Phrase> {
    let raw = raw?.get_ref();
    Some(Phrase::new(
        raw.en.as_ref()?.get_ref().trim(),
        raw.zh.as_ref()?.get_ref().trim(),
    ))
}

fn string(raw: Option<&S<String>>) -> Option<String> {
    raw.map(|s| s.get_ref().clone())
}

fn number<T: TryFrom<i64>>(raw: Option<&S<i64>>) -> Option<Option<T>> {
    match raw {
        None => Some(None),
        Some(n) => T::try_from(*n.get_ref()).ok().map(Some),
    }
}

/// The matcher a highlight describes (`None` when a value is out of range: the checker
/// reports it).
pub fn matcher_of(h: &RawHighlight) -> Option<EventMatcher> {
    let conn = match (&h.lane, &h.conn) {
        (Some(lane), _) => Some(ConnSelector::Lane(lane.get_ref().clone())),
        (None, Some(id)) => Some(ConnSelector::Id(u32::try_from(*id.get_ref()).ok()?)),
        (None, None) => None,
    };
    let dir = match &h.dir {
        Some(d) => Some(dir_named(d.get_ref())?),
        None => None,
    };
    let opcode = match &h.opcode {
        Some(op) => Some(opcode_of(op.get_ref())?),
        None => None,
    };
    let flag = |b: &Option<S<bool>>| b.as_ref().map(|b| *b.get_ref());
    Some(EventMatcher {
        kind: string(h.kind.as_ref()),
        conn,
        dir,
        opcode,
        fin: flag(&h.fin),
        rsv1: flag(&h.rsv1),
        masked: flag(&h.masked),
        header_len: number(h.header_len.as_ref())?,
        compressed: flag(&h.compressed),
        code: number(h.code.as_ref())?,
        status: number(h.status.as_ref())?,
        method: string(h.method.as_ref()),
        version: string(h.version.as_ref()),
        header: string(h.header.as_ref()),
        value: string(h.value.as_ref()),
        text: string(h.text.as_ref()),
        sse_id: string(h.sse_id.as_ref()),
        fires: string(h.fires.as_ref()),
        ready_state: number(h.ready_state.as_ref())?,
        rule: string(h.rule.as_ref()),
    })
}

/// The lesson a checked file describes; `None` when something it needs is missing or out of
/// range (which the checker reports, so a file without problems always converts).
pub fn into_lesson(raw: &RawLesson) -> Option<Lesson> {
    let header = raw.header.as_ref()?;
    let mut steps = Vec::new();
    for step in &raw.steps {
        steps.push(into_step(step)?);
    }
    if steps.is_empty() {
        return None;
    }
    Some(Lesson {
        id: string(header.id.as_ref())?,
        order: u32::try_from(*header.order.as_ref()?.get_ref()).ok()?,
        title: text(header.title.as_ref())?,
        summary: text(header.summary.as_ref())?,
        level: level_named(header.level.as_ref()?.get_ref())?,
        minutes: u32::try_from(*header.minutes.as_ref()?.get_ref()).ok()?,
        steps,
    })
}

fn into_step(raw: &RawStep) -> Option<Step> {
    let fields = raw.fields.as_ref()?;
    let action = if let Some(lab) = &fields.lab {
        let lab = lab.get_ref();
        Some(Action::Lab {
            scenario: string(lab.scenario.as_ref())?,
            through: usize::try_from(*lab.through.as_ref()?.get_ref()).ok()?,
        })
    } else if let Some(compare) = &fields.compare {
        Some(Action::Compare {
            preset: string(compare.get_ref().preset.as_ref())?,
        })
    } else if let Some(recording) = &fields.recording {
        let recording = recording.get_ref();
        Some(Action::Recording {
            file: string(recording.file.as_ref())?,
            event: number(recording.event.as_ref())?,
        })
    } else {
        None
    };
    let mut highlights = Vec::new();
    for (_, h) in &raw.highlights {
        let h = h.as_ref()?;
        highlights.push(Highlight {
            matcher: matcher_of(h)?,
            main: h.main.as_ref().is_some_and(|m| *m.get_ref()),
            when: match &h.when {
                Some(w) => seen_named(w.get_ref())?,
                None => Seen::Always,
            },
        });
    }
    let question = match &fields.question {
        Some(q) => {
            let q = q.get_ref();
            let mut choices = Vec::new();
            for c in &q.choice {
                let c = c.get_ref();
                choices.push(Choice {
                    text: text(c.text.as_ref())?,
                    correct: c.correct.as_ref().is_some_and(|b| *b.get_ref()),
                });
            }
            Some(Question {
                prompt: text(q.prompt.as_ref())?,
                choices,
                explanation: text(q.explanation.as_ref())?,
            })
        }
        None => None,
    };
    Some(Step {
        title: text(fields.title.as_ref())?,
        narration: text(fields.narration.as_ref())?,
        action,
        highlights,
        question,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    /// The fields serde knows for `T`: the unknown-field error lists them.
    fn serde_keys<T: for<'de> Deserialize<'de> + std::fmt::Debug>() -> Vec<String> {
        let err = toml::from_str::<T>("no_such_key = 1").expect_err("an unknown key");
        let text = err.message().to_string();
        text.split_once("expected one of ")
            .unwrap_or_else(|| panic!("serde's message changed: {text}"))
            .1
            .split(", ")
            .filter_map(|k| k.split('`').nth(1))
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn the_key_lists_are_the_structs_fields() {
        let mut header = serde_keys::<RawHeader>();
        header.push("step".to_string());
        assert_eq!(header, HEADER_KEYS);
        let mut step = serde_keys::<RawStepFields>();
        step.push("highlight".to_string());
        assert_eq!(step, STEP_KEYS);
        assert_eq!(serde_keys::<RawHighlight>(), HIGHLIGHT_KEYS);
    }

    #[test]
    fn opcodes_by_name_or_number() {
        assert_eq!(opcode_of(&RawOpcode::Name("close".into())), Some(8));
        assert_eq!(opcode_of(&RawOpcode::Name("reserved".into())), None);
        assert_eq!(opcode_of(&RawOpcode::Number(15)), Some(15));
        assert_eq!(opcode_of(&RawOpcode::Number(16)), None);
        assert_eq!(opcode_of(&RawOpcode::Number(-1)), None);
    }

    #[test]
    fn a_syntax_error_is_one_problem_per_place_and_no_lesson() {
        let (raw, problems) = parse("id = \"a\"\ntitle = {");
        assert!(raw.is_none());
        assert!(!problems.is_empty());
        assert!(problems[0].message.en.starts_with("TOML syntax error"));
    }
}
