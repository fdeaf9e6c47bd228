//! Lessons: step-through classroom lessons, as data (one TOML file per lesson in `lessons/`,
//! the format in `lessons/README.md`).
//!
//! This module is the lesson itself, checked: what a loaded lesson is ([`Lesson`], its
//! [`Step`]s, each with an [`Action`] on the lab or a recording, the events it highlights as
//! [`EventMatcher`]s and an optional [`Question`]), and what each step needs the lab to have
//! done ([`plan`]). [`format`] reads a file (toml with spans, serde structs refusing unknown
//! keys), [`check`] holds every semantic check against what exists ([`check::Known`], given by
//! the caller), [`error`] words each problem as `file:line:column: field: message` with the
//! offending line; [`load`] takes every file of a lessons directory at once. What a step's
//! highlights found in a trace is [`Step::evidence`]. Playing a lesson against the real lab is
//! the caller's (`lab::lesson`'s headless player, the GUI's Lessons view), from the [`plan`].
//! Pure: no tokio, egui, pcap or file system (the caller reads the files).
//!
//! Lessons are data, never code: an action names a built-in scenario, a Compare preset or a
//! recording under `lessons/` or `assets/`, nothing else.

use crate::lang::{Lang, Phrase};
use crate::trace::Trace;
use crate::trace::matcher::EventMatcher;

pub mod check;
pub mod error;
pub mod format;
pub mod plan;

pub use check::{Known, KnownScenario};
pub use error::LessonError;

/// One lesson, loaded and checked.
#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    /// The file's stem, e.g. `"upgrade"` for `lessons/04-upgrade.toml`'s `id = "upgrade"`
    /// (the id is written in the file and must be unique).
    pub id: String,
    /// Its place in the list (lessons are listed by it, then by id).
    pub order: u32,
    /// The title.
    pub title: Phrase,
    /// One or two sentences: what the class will see.
    pub summary: Phrase,
    /// How much it expects.
    pub level: Level,
    /// About how long it takes in a class, in minutes.
    pub minutes: u32,
    /// The steps, in order (at least one).
    pub steps: Vec<Step>,
}

/// How much a lesson expects of its students.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Level {
    /// No networking needed beyond "a browser talks to a server".
    Beginner,
    /// Knows HTTP requests and responses.
    Intermediate,
    /// Reads RFCs and byte layouts.
    Advanced,
}

impl Level {
    /// Every level, in order.
    pub const ALL: [Level; 3] = [Level::Beginner, Level::Intermediate, Level::Advanced];

    /// The name in lesson files: `beginner`, `intermediate`, `advanced`.
    pub fn code(self) -> &'static str {
        match self {
            Level::Beginner => "beginner",
            Level::Intermediate => "intermediate",
            Level::Advanced => "advanced",
        }
    }

    /// The level's name as a student reads it.
    pub fn name(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Level::Beginner, Lang::En) => "beginner",
            (Level::Beginner, Lang::Zh) => "入门",
            (Level::Intermediate, Lang::En) => "intermediate",
            (Level::Intermediate, Lang::Zh) => "进阶",
            (Level::Advanced, Lang::En) => "advanced",
            (Level::Advanced, Lang::Zh) => "深入",
        }
    }
}

/// One step of a lesson: what the teacher says, what the lab does, what the class looks at.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// A short title, e.g. "The server answers 101".
    pub title: Phrase,
    /// What the narration panel says (a few sentences; may name the evidence on screen).
    pub narration: Phrase,
    /// What the step does when the class presses Next. `None`: nothing new happens, the
    /// previous step's diagram stays (a step that only explains or asks).
    pub action: Option<Action>,
    /// The events this step talks about: highlighted (the others dimmed), the diagram
    /// scrolled to the first. Each must match at least one event of the step's trace, or the
    /// step's evidence did not appear (`lessons run` fails).
    pub highlights: Vec<Highlight>,
    /// Asked before the step's action is revealed, if any.
    pub question: Option<Question>,
}

impl Step {
    /// The highlight whose first event the detail pane selects: the one marked `main`, else
    /// the first.
    pub fn main_highlight(&self) -> Option<&Highlight> {
        self.highlights
            .iter()
            .find(|h| h.main)
            .or_else(|| self.highlights.first())
    }

    /// What each highlight of this step found in `trace` (the trace shown at the step), in
    /// the highlights' order.
    pub fn evidence(&self, trace: &Trace) -> Vec<Found> {
        self.highlights
            .iter()
            .map(|h| {
                if h.expected_in(trace) {
                    Found::Events(h.matcher.find_all(trace))
                } else {
                    Found::NotExpected
                }
            })
            .collect()
    }

    /// The event the detail pane selects at this step in `trace`: the recording's `event`
    /// when the step opens one at an event, else the main highlight's first event.
    pub fn selected_event(&self, trace: &Trace) -> Option<usize> {
        if let Some(Action::Recording {
            event: Some(event), ..
        }) = &self.action
        {
            return Some(*event).filter(|e| *e < trace.events.len());
        }
        let main = self.main_highlight()?;
        if !main.expected_in(trace) {
            // The main one is not expected in this trace: the first highlight that is.
            let other = self.highlights.iter().find(|h| h.expected_in(trace))?;
            return other.matcher.find(trace, 0, |_| false);
        }
        main.matcher.find(trace, 0, |_| false)
    }
}

/// What one highlight found in a trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found {
    /// The indices of the matching events (empty: the evidence did not appear).
    Events(Vec<usize>),
    /// The highlight is not expected in this trace (`when` names the other way of observing).
    NotExpected,
}

impl Found {
    /// Whether the evidence is missing: expected, but no event matched.
    pub fn is_missing(&self) -> bool {
        matches!(self, Found::Events(events) if events.is_empty())
    }
}

/// What a step does.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Run built-in lab scenario `scenario` (step mode) until its stage `through` (1-based,
    /// as `wirelab run NAME` numbers them) is done. Consecutive steps on the same scenario
    /// continue the same run; a step on another scenario, or a `through` that goes back,
    /// starts it again from the beginning.
    Lab {
        /// A scenario name from the catalogue, e.g. `"ws-echo"`.
        scenario: String,
        /// The last stage this step runs, 1-based.
        through: usize,
    },
    /// Run a Compare preset (four techniques side by side, one event stream).
    Compare {
        /// `lubbers`, `abril` or `classroom`.
        preset: String,
    },
    /// Open a recording (a pcap/pcapng file or a trace JSON shipped with the app) and select
    /// event `event` of its trace.
    Recording {
        /// The path relative to the project root, under `lessons/` or `assets/` (checked).
        file: String,
        /// The index, in the opened trace's events, that the step is about (0-based), if any.
        event: Option<usize>,
    },
}

/// Events a step talks about.
#[derive(Clone, Debug, PartialEq)]
pub struct Highlight {
    /// Which events.
    pub matcher: EventMatcher,
    /// Whether this is the step's main event (selected in the detail pane).
    pub main: bool,
    /// When the evidence is expected: some events exist only with packets (a SYN), others
    /// only without them (`connect()` at the socket stands in for the handshake).
    pub when: Seen,
}

impl Highlight {
    /// Whether this highlight's evidence is expected in `trace`, by how it was observed
    /// (`Trace.source.capture`: `"packet+socket"` or `"packet"` with packets, `"socket"`
    /// without; a trace that does not say is taken as the socket tap's).
    pub fn expected_in(&self, trace: &Trace) -> bool {
        let packets = trace
            .source
            .capture
            .as_deref()
            .is_some_and(|c| c.contains("packet"));
        match self.when {
            Seen::Always => true,
            Seen::WithPackets => packets,
            Seen::SocketOnly => !packets,
        }
    }
}

/// How a trace was observed, as far as a [`Highlight`] cares.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Seen {
    /// Expected however the trace was observed.
    #[default]
    Always,
    /// Expected only when packets were captured (TCP handshake and teardown segments).
    WithPackets,
    /// Expected only when the socket tap alone observed the run.
    SocketOnly,
}

/// A multiple-choice question, asked before the step's action is revealed; the lesson goes
/// on whatever the answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Question {
    /// The question.
    pub prompt: Phrase,
    /// The choices, in order (at least two, exactly one correct).
    pub choices: Vec<Choice>,
    /// Why the right answer is right, shown after any answer.
    pub explanation: Phrase,
}

impl Question {
    /// The index of the correct choice.
    pub fn correct(&self) -> Option<usize> {
        self.choices.iter().position(|c| c.correct)
    }
}

/// One answer of a [`Question`].
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    /// What the student reads.
    pub text: Phrase,
    /// Whether it is the right answer.
    pub correct: bool,
}

/// A lesson file to load: its name in the directory (`04-upgrade.toml`, whose id must be
/// `upgrade`), the name errors give it (e.g. `lessons/04-upgrade.toml`) and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// The file's name, without its directory.
    pub name: String,
    /// How errors name it.
    pub shown_as: String,
    /// Its text.
    pub text: String,
}

/// What [`load`] made of a directory's files.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Loaded {
    /// The lessons without errors, by `order`, then id.
    pub lessons: Vec<Lesson>,
    /// Every error of every file, file by file, each file's in the order found.
    pub errors: Vec<LessonError>,
}

impl Loaded {
    /// The lesson called `id`.
    pub fn lesson(&self, id: &str) -> Option<&Lesson> {
        self.lessons.iter().find(|l| l.id == id)
    }
}

/// Reads, checks and converts every file of `sources` against `known`; ids must be unique.
/// A file with any error gives no lesson, and all its errors are reported.
pub fn load(sources: &[Source], known: &Known) -> Loaded {
    let mut loaded = Loaded::default();
    // Each id with the file that has it first.
    let mut ids: Vec<(String, String)> = Vec::new();
    for source in sources {
        let (raw, mut problems) = format::parse(&source.text);
        if let Some(raw) = &raw {
            problems.extend(check::check(raw, &source.name, known));
            let id = raw.header.as_ref().and_then(|h| h.id.as_ref());
            if let Some(id) = id {
                match ids.iter().find(|(other, _)| other == id.get_ref()) {
                    Some((_, first)) => problems.push(format::Problem::new(
                        id.span(),
                        "id",
                        Phrase::new(
                            format!(
                                "the id \"{}\" is also the id of {first}: ids must be unique",
                                id.get_ref()
                            ),
                            format!(
                                "id \"{}\" 已经是 {first} 的 id 了：每节课的 id 必须不同",
                                id.get_ref()
                            ),
                        ),
                    )),
                    None => ids.push((id.get_ref().clone(), source.shown_as.clone())),
                }
            }
        }
        // In the order of the file, as a reader goes through it.
        problems.sort_by_key(|p| p.span.start);
        if problems.is_empty()
            && let Some(lesson) = raw.as_ref().and_then(format::into_lesson)
        {
            loaded.lessons.push(lesson);
        }
        loaded.errors.extend(
            problems
                .iter()
                .map(|p| LessonError::new(&source.shown_as, &source.text, p)),
        );
    }
    loaded
        .lessons
        .sort_by(|a, b| a.order.cmp(&b.order).then_with(|| a.id.cmp(&b.id)));
    loaded
}
