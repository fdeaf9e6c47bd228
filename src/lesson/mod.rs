//! Lessons: step-through classroom lessons, as data (one TOML file per lesson in `lessons/`,
//! the format in `lessons/README.md`).
//!
//! This module is the lesson itself, checked: what a loaded lesson is ([`Lesson`], its
//! [`Step`]s, each with an [`Action`] on the lab or a recording, the events it highlights as
//! [`EventMatcher`]s and an optional [`Question`]), and what each step needs the lab to have
//! done ([`plan`]). Parsing and the checks that give file, line, column and field live in
//! `format` / `check`; playing a lesson against the real lab is the caller's (the CLI's
//! `lessons run`, the GUI's Lessons view), from the [`plan`]. Pure: no tokio, egui or pcap.
//!
//! Lessons are data, never code: an action names a built-in scenario, a Compare preset or a
//! recording under `lessons/` or `assets/`, nothing else.

use crate::lang::{Lang, Phrase};
use crate::trace::matcher::EventMatcher;

pub mod plan;

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
