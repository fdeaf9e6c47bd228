//! Every semantic check of a lesson file (`lessons/README.md`), each problem with its span and
//! field path: what a file must say, what its values may be, and that what it names exists.
//! What exists (scenarios with their stages and lanes, Compare presets, recordings) is the
//! caller's knowledge, passed in as [`Known`]: this module is pure and cannot ask the lab or
//! the disk.

use std::ops::Range;

use super::Level;
use super::format::{
    Problem, RawHighlight, RawLesson, RawStep, RawStepFields, RawText, S, dir_named, level_named,
    opcode_of, seen_named,
};
use crate::lang::Phrase;
use crate::trace::EventKind;
use crate::trace::matcher::Field;

/// A scenario as the checker needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KnownScenario {
    /// Its name, e.g. `ws-echo`.
    pub name: String,
    /// How many stages it has (`through` is 1 to this).
    pub stages: usize,
    /// Its clients' lane labels.
    pub lanes: Vec<String>,
}

/// What exists, for the checks that name things: given by the caller (the lab layer builds it
/// from the scenario catalogue and the Compare presets).
pub struct Known {
    /// Every scenario.
    pub scenarios: Vec<KnownScenario>,
    /// Every Compare preset's name.
    pub presets: Vec<String>,
    /// The lanes of a Compare run (one per technique).
    pub compare_lanes: Vec<String>,
    /// Whether a recording (a path relative to the project root, already known to be under
    /// `lessons/` or `assets/`) exists.
    pub recording_exists: Box<dyn Fn(&str) -> bool + Send + Sync>,
}

impl std::fmt::Debug for Known {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Known")
            .field("scenarios", &self.scenarios)
            .field("presets", &self.presets)
            .field("compare_lanes", &self.compare_lanes)
            .finish_non_exhaustive()
    }
}

/// The top folders a recording may be in.
pub const RECORDING_DIRS: [&str; 2] = ["lessons", "assets"];

/// Everything wrong with `raw`, read from the file called `file_name` (e.g.
/// `04-upgrade.toml`, whose id must be `upgrade`).
pub fn check(raw: &RawLesson, file_name: &str, known: &Known) -> Vec<Problem> {
    let mut c = Checker {
        known,
        problems: Vec::new(),
    };
    if let Some(h) = &raw.header {
        c.id(h.id.as_ref(), file_name);
        c.required_number(h.order.as_ref(), "order", 0);
        c.level(h.level.as_ref());
        c.required_number(h.minutes.as_ref(), "minutes", 1);
        c.text(h.title.as_ref(), "title", 0..0);
        c.text(h.summary.as_ref(), "summary", 0..0);
    }
    if raw.steps.is_empty() && !raw.steps_malformed {
        c.say(
            0..0,
            "step",
            Phrase::new(
                "a lesson needs at least one step (`[[step]]`)",
                "一节课至少要有一步（`[[step]]`）",
            ),
        );
    }
    // What the class sees at each step: the last action at or before it.
    let mut shown: Option<Shown> = None;
    for (i, step) in raw.steps.iter().enumerate() {
        let path = format!("step[{i}]");
        if let Some(fields) = &step.fields
            && let Some(now) = c.step_fields(fields, step, &path)
        {
            shown = Some(now);
        }
        c.highlights(step, &path, shown.as_ref());
    }
    c.problems
}

/// What a step's highlights are matched against, as far as lanes go.
enum Shown {
    /// A scenario's run: its lanes.
    Lab(Vec<String>),
    /// A Compare run: one lane per technique.
    Compare,
    /// A recording: any lane.
    Recording,
    /// An action that is wrong: nothing more to check against.
    Unknown,
}

struct Checker<'k> {
    known: &'k Known,
    problems: Vec<Problem>,
}

fn join(items: &[String]) -> String {
    items.join(", ")
}

impl Checker<'_> {
    fn say(&mut self, span: Range<usize>, field: impl Into<String>, message: Phrase) {
        self.problems.push(Problem::new(span, field, message));
    }

    fn missing(&mut self, span: Range<usize>, field: &str) {
        let key = field.rsplit('.').next().unwrap_or(field);
        self.say(
            span,
            field,
            Phrase::new(format!("`{key}` is missing"), format!("缺少 `{key}`")),
        );
    }

    fn id(&mut self, id: Option<&S<String>>, file_name: &str) {
        let Some(id) = id else {
            return self.missing(0..0, "id");
        };
        let span = id.span();
        let value = id.get_ref();
        let well_formed = !value.is_empty()
            && value
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !well_formed {
            return self.say(
                span,
                "id",
                Phrase::new(
                    format!("id \"{value}\" may only have lowercase letters, digits and `-`"),
                    format!("id \"{value}\" 只能由小写字母、数字和 `-` 组成"),
                ),
            );
        }
        let stem = file_name.strip_suffix(".toml").unwrap_or(file_name);
        let named = stem
            .split_once('-')
            .filter(|(nn, _)| !nn.is_empty() && nn.chars().all(|c| c.is_ascii_digit()))
            .map(|(_, rest)| rest);
        if named != Some(value.as_str()) {
            self.say(
                span,
                "id",
                Phrase::new(
                    format!(
                        "the file of lesson \"{value}\" must be called NN-{value}.toml (NN its \
                         number), not {file_name}"
                    ),
                    format!(
                        "课程 \"{value}\" 的文件名必须是 NN-{value}.toml（NN 是编号），而不是 {file_name}"
                    ),
                ),
            );
        }
    }

    fn required_number(&mut self, n: Option<&S<i64>>, field: &str, min: i64) {
        match n {
            None => self.missing(0..0, field),
            Some(n) => self.range(n, field, min, i64::from(u32::MAX)),
        }
    }

    fn range(&mut self, n: &S<i64>, field: &str, min: i64, max: i64) {
        let value = *n.get_ref();
        if !(min..=max).contains(&value) {
            self.say(
                n.span(),
                field,
                Phrase::new(
                    format!("{value} is out of range: it must be {min} to {max}"),
                    format!("{value} 超出范围：必须在 {min} 到 {max} 之间"),
                ),
            );
        }
    }

    fn level(&mut self, level: Option<&S<String>>) {
        let Some(level) = level else {
            return self.missing(0..0, "level");
        };
        if level_named(level.get_ref()).is_none() {
            let names: Vec<String> = Level::ALL.iter().map(|l| l.code().to_string()).collect();
            self.unknown(level, "level", "level", "级别", &names);
        }
    }

    /// "unknown WHAT "x"; valid: …".
    fn unknown(
        &mut self,
        value: &S<String>,
        field: &str,
        what: &str,
        what_zh: &str,
        valid: &[String],
    ) {
        let v = value.get_ref();
        let list = join(valid);
        self.say(
            value.span(),
            field,
            Phrase::new(
                format!("unknown {what} \"{v}\"; valid: {list}"),
                format!("未知的{what_zh} \"{v}\"；可用的有：{list}"),
            ),
        );
    }

    /// A text that must be there, in English and Chinese, neither empty. `around`: where to
    /// point when the whole text is missing.
    fn text(&mut self, text: Option<&S<RawText>>, field: &str, around: Range<usize>) {
        let Some(text) = text else {
            return self.missing(around, field);
        };
        let span = text.span();
        let RawText { en, zh } = text.get_ref();
        for (lang, value, name) in [("en", en, "English"), ("zh", zh, "Chinese")] {
            let path = format!("{field}.{lang}");
            match value {
                None => self.say(
                    span.clone(),
                    path,
                    Phrase::new(
                        format!("the {name} text (`{lang}`) is missing"),
                        format!(
                            "缺少{}文本（`{lang}`）",
                            if lang == "en" { "英文" } else { "中文" }
                        ),
                    ),
                ),
                Some(v) if v.get_ref().trim().is_empty() => self.say(
                    v.span(),
                    path,
                    Phrase::new(
                        format!("the {name} text (`{lang}`) is empty"),
                        format!(
                            "{}文本（`{lang}`）是空的",
                            if lang == "en" { "英文" } else { "中文" }
                        ),
                    ),
                ),
                Some(_) => {}
            }
        }
    }

    /// Checks a step's own keys; returns what its action shows, if it has one.
    fn step_fields(&mut self, f: &RawStepFields, step: &RawStep, path: &str) -> Option<Shown> {
        let head = step.span.start..step.span.start;
        self.text(f.title.as_ref(), &format!("{path}.title"), head.clone());
        self.text(f.narration.as_ref(), &format!("{path}.narration"), head);
        let actions: Vec<(&str, Range<usize>)> = [
            ("lab", f.lab.as_ref().map(S::span)),
            ("compare", f.compare.as_ref().map(S::span)),
            ("recording", f.recording.as_ref().map(S::span)),
        ]
        .into_iter()
        .filter_map(|(name, span)| Some((name, span?)))
        .collect();
        if let [(first, _), (second, span), ..] = actions.as_slice() {
            self.say(
                span.clone(),
                format!("{path}.{second}"),
                Phrase::new(
                    format!("a step has at most one action, and this one already has `{first}`"),
                    format!("每一步最多只有一个动作，这一步已经有 `{first}` 了"),
                ),
            );
        }
        if let Some(q) = &f.question {
            self.question(q, &format!("{path}.question"));
        }
        // Each action is checked, even a second one, so every problem shows at once.
        let lab = f
            .lab
            .as_ref()
            .map(|lab| self.lab(lab, &format!("{path}.lab")));
        let compare = f.compare.as_ref().map(|compare| {
            let p = format!("{path}.compare.preset");
            match &compare.get_ref().preset {
                None => {
                    self.missing(compare.span(), &p);
                    Shown::Unknown
                }
                Some(preset) if !self.known.presets.contains(preset.get_ref()) => {
                    let valid = self.known.presets.clone();
                    self.unknown(preset, &p, "Compare preset", "Compare 预设", &valid);
                    Shown::Unknown
                }
                Some(_) => Shown::Compare,
            }
        });
        let recording = f.recording.as_ref().map(|recording| {
            let p = format!("{path}.recording");
            let r = recording.get_ref();
            if let Some(event) = &r.event {
                self.range(event, &format!("{p}.event"), 0, i64::from(u32::MAX));
            }
            match &r.file {
                None => self.missing(recording.span(), &format!("{p}.file")),
                Some(file) => self.recording_file(file, &format!("{p}.file")),
            }
            Shown::Recording
        });
        lab.or(compare).or(recording)
    }

    fn lab(&mut self, lab: &S<super::format::RawLab>, path: &str) -> Shown {
        let raw = lab.get_ref();
        let Some(name) = &raw.scenario else {
            self.missing(lab.span(), &format!("{path}.scenario"));
            return Shown::Unknown;
        };
        let Some(scenario) = self
            .known
            .scenarios
            .iter()
            .find(|s| &s.name == name.get_ref())
        else {
            let valid: Vec<String> = self
                .known
                .scenarios
                .iter()
                .map(|s| s.name.clone())
                .collect();
            self.unknown(
                name,
                &format!("{path}.scenario"),
                "scenario",
                "场景",
                &valid,
            );
            return Shown::Unknown;
        };
        match &raw.through {
            None => self.missing(lab.span(), &format!("{path}.through")),
            Some(through) => {
                let n = *through.get_ref();
                let last = scenario.stages;
                if n < 1 || usize::try_from(n).map_or(true, |n| n > last) {
                    self.say(
                        through.span(),
                        format!("{path}.through"),
                        Phrase::new(
                            format!(
                                "{} has stages 1 to {last}; {n} is not one of them (`wirelab run {} --stages` lists them)",
                                scenario.name, scenario.name
                            ),
                            format!(
                                "{} 的阶段是 1 到 {last}，{n} 不在其中（`wirelab run {} --stages` 会列出它们）",
                                scenario.name, scenario.name
                            ),
                        ),
                    );
                }
            }
        }
        Shown::Lab(scenario.lanes.clone())
    }

    fn recording_file(&mut self, file: &S<String>, path: &str) {
        let value = file.get_ref();
        let p = std::path::Path::new(value);
        let inside = !p.is_absolute()
            && p.components()
                .all(|c| matches!(c, std::path::Component::Normal(_)))
            && p.components().next().is_some_and(|first| {
                RECORDING_DIRS
                    .iter()
                    .any(|dir| first.as_os_str() == std::ffi::OsStr::new(dir))
            })
            && p.components().count() > 1;
        if !inside {
            return self.say(
                file.span(),
                path,
                Phrase::new(
                    format!(
                        "a recording must be a file under lessons/ or assets/ (a relative path without `..`), not \"{value}\""
                    ),
                    format!(
                        "录制文件必须在 lessons/ 或 assets/ 下（相对路径，不能含 `..`），而不是 \"{value}\""
                    ),
                ),
            );
        }
        if !(self.known.recording_exists)(value) {
            self.say(
                file.span(),
                path,
                Phrase::new(
                    format!("the recording \"{value}\" does not exist"),
                    format!("录制文件 \"{value}\" 不存在"),
                ),
            );
        }
    }

    fn question(&mut self, q: &S<super::format::RawQuestion>, path: &str) {
        let span = q.span();
        let raw = q.get_ref();
        self.text(raw.prompt.as_ref(), &format!("{path}.prompt"), span.clone());
        self.text(
            raw.explanation.as_ref(),
            &format!("{path}.explanation"),
            span.clone(),
        );
        for (i, choice) in raw.choice.iter().enumerate() {
            self.text(
                choice.get_ref().text.as_ref(),
                &format!("{path}.choice[{i}].text"),
                choice.span(),
            );
        }
        if raw.choice.len() < 2 {
            self.say(
                span.clone(),
                format!("{path}.choice"),
                Phrase::new(
                    format!(
                        "a question needs at least two choices (`[[step.question.choice]]`), it has {}",
                        raw.choice.len()
                    ),
                    format!(
                        "一个问题至少要有两个选项（`[[step.question.choice]]`），这里只有 {} 个",
                        raw.choice.len()
                    ),
                ),
            );
        }
        let correct: Vec<(usize, Range<usize>)> = raw
            .choice
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                let flag = c.get_ref().correct.as_ref()?;
                flag.get_ref().then(|| (i, flag.span()))
            })
            .collect();
        match correct.as_slice() {
            [] => self.say(
                span,
                format!("{path}.choice"),
                Phrase::new(
                    "no choice is marked `correct = true`: exactly one must be",
                    "没有选项标为 `correct = true`：必须恰好有一个正确答案",
                ),
            ),
            [_] => {}
            [(first, _), (second, second_span), ..] => self.say(
                second_span.clone(),
                format!("{path}.choice[{second}].correct"),
                Phrase::new(
                    format!(
                        "choice {first} is already the correct one: exactly one choice is correct"
                    ),
                    format!("选项 {first} 已经是正确答案了：只能有一个选项是正确的"),
                ),
            ),
        }
    }

    fn highlights(&mut self, step: &RawStep, path: &str, shown: Option<&Shown>) {
        let mut main: Option<usize> = None;
        for (i, (span, h)) in step.highlights.iter().enumerate() {
            let Some(h) = h else { continue };
            let path = format!("{path}.highlight[{i}]");
            if shown.is_none() {
                self.say(
                    span.clone(),
                    &path,
                    Phrase::new(
                        "nothing is shown yet at this step: highlights need an action (`lab`, `compare` or `recording`) at this step or before",
                        "这一步还没有任何内容可看：高亮需要这一步或之前的某一步有动作（`lab`、`compare` 或 `recording`）",
                    ),
                );
            }
            if let Some(m) = &h.main
                && *m.get_ref()
            {
                if let Some(first) = main {
                    self.say(
                        m.span(),
                        format!("{path}.main"),
                        Phrase::new(
                            format!("highlight[{first}] is already the main one (one per step)"),
                            format!(
                                "highlight[{first}] 已经是本步骤的主要高亮（每一步只能有一个）"
                            ),
                        ),
                    );
                }
                main.get_or_insert(i);
            }
            self.highlight(h, &path, span.clone(), shown);
        }
    }

    fn highlight(
        &mut self,
        h: &RawHighlight,
        path: &str,
        span: Range<usize>,
        shown: Option<&Shown>,
    ) {
        let kind = h.kind.as_ref().and_then(|k| {
            if EventKind::NAMES.contains(&k.get_ref().as_str()) {
                Some(k.get_ref().as_str())
            } else {
                let valid: Vec<String> = EventKind::NAMES.iter().map(|n| n.to_string()).collect();
                self.unknown(k, &format!("{path}.kind"), "event kind", "事件类型", &valid);
                None
            }
        });
        // Every field that is set, with its span.
        let spans: Vec<(Field, Range<usize>)> = [
            (Field::Lane, h.lane.as_ref().map(S::span)),
            (Field::Conn, h.conn.as_ref().map(S::span)),
            (Field::Dir, h.dir.as_ref().map(S::span)),
            (Field::Opcode, h.opcode.as_ref().map(S::span)),
            (Field::Fin, h.fin.as_ref().map(S::span)),
            (Field::Rsv1, h.rsv1.as_ref().map(S::span)),
            (Field::Masked, h.masked.as_ref().map(S::span)),
            (Field::HeaderLen, h.header_len.as_ref().map(S::span)),
            (Field::Compressed, h.compressed.as_ref().map(S::span)),
            (Field::Code, h.code.as_ref().map(S::span)),
            (Field::Status, h.status.as_ref().map(S::span)),
            (Field::Method, h.method.as_ref().map(S::span)),
            (Field::Version, h.version.as_ref().map(S::span)),
            (Field::Header, h.header.as_ref().map(S::span)),
            (Field::Value, h.value.as_ref().map(S::span)),
            (Field::Text, h.text.as_ref().map(S::span)),
            (Field::SseId, h.sse_id.as_ref().map(S::span)),
            (Field::Fires, h.fires.as_ref().map(S::span)),
            (Field::ReadyState, h.ready_state.as_ref().map(S::span)),
            (Field::Rule, h.rule.as_ref().map(S::span)),
        ]
        .into_iter()
        .filter_map(|(f, s)| Some((f, s?)))
        .collect();
        if spans.is_empty() && h.kind.is_none() {
            self.say(
                span,
                path,
                Phrase::new(
                    "an empty highlight matches every event: say which events (`kind` and more)",
                    "空的高亮会匹配所有事件：请写明是哪些事件（`kind` 等）",
                ),
            );
        }
        if let Some(kind) = kind {
            for (field, fspan) in &spans {
                if let Some(kinds) = field.kinds().filter(|_| !field.applies_to(kind)) {
                    let list = kinds.join(", ");
                    let name = field.name();
                    self.say(
                        fspan.clone(),
                        format!("{path}.{name}"),
                        Phrase::new(
                            format!(
                                "`{name}` does not apply to a {kind} event (it applies to {list})"
                            ),
                            format!("`{name}` 不适用于 {kind} 事件（它只适用于 {list}）"),
                        ),
                    );
                }
            }
        }
        if let (Some(lane), Some(_)) = (&h.lane, &h.conn) {
            self.say(
                lane.span(),
                format!("{path}.lane"),
                Phrase::new(
                    "give `lane` or `conn`, not both",
                    "`lane` 和 `conn` 只能写一个",
                ),
            );
        }
        if let Some(lane) = &h.lane {
            let lanes = match shown {
                Some(Shown::Lab(lanes)) => Some(lanes.clone()),
                Some(Shown::Compare) => Some(self.known.compare_lanes.clone()),
                _ => None,
            };
            if let Some(lanes) = lanes.filter(|l| !l.contains(lane.get_ref())) {
                self.unknown(lane, &format!("{path}.lane"), "lane", "泳道", &lanes);
            }
        }
        if let Some(conn) = &h.conn {
            self.range(conn, &format!("{path}.conn"), 0, i64::from(u32::MAX));
        }
        if let Some(dir) = &h.dir
            && dir_named(dir.get_ref()).is_none()
        {
            let valid = ["c2s".to_string(), "s2c".to_string()];
            self.unknown(dir, &format!("{path}.dir"), "direction", "方向", &valid);
        }
        if let Some(op) = &h.opcode
            && opcode_of(op.get_ref()).is_none()
        {
            self.say(
                    op.span(),
                    format!("{path}.opcode"),
                    Phrase::new(
                        "unknown opcode: use continuation, text, binary, close, ping, pong or a number 0–15",
                        "未知的 opcode：请用 continuation、text、binary、close、ping、pong 或 0–15 的数字",
                    ),
                );
        }
        let ranges = [
            (&h.header_len, "header_len", 2, 14),
            (&h.code, "code", 0, i64::from(u16::MAX)),
            (&h.status, "status", 100, 599),
            (&h.ready_state, "ready_state", 0, 4),
        ];
        for (value, name, min, max) in ranges {
            if let Some(v) = value {
                self.range(v, &format!("{path}.{name}"), min, max);
            }
        }
        if let (Some(value), None) = (&h.value, &h.header) {
            self.say(
                value.span(),
                format!("{path}.value"),
                Phrase::new(
                    "`value` is a header's value: it needs `header`",
                    "`value` 是某个头部的值：需要同时写 `header`",
                ),
            );
        }
        if let Some(when) = &h.when
            && seen_named(when.get_ref()).is_none()
        {
            let valid = ["packets".to_string(), "socket".to_string()];
            self.unknown(
                when,
                &format!("{path}.when"),
                "`when`",
                "`when` 取值",
                &valid,
            );
        }
    }
}
