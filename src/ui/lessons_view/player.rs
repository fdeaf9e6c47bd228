//! Playing one lesson: where the class is (the cover, or a step, its action revealed or not),
//! the answers given, and bringing the diagram to what the step shows, as
//! [`plan::transition`] says: stepping the lab's run on, starting it again from the start,
//! running a Compare preset, or opening a recording with the file loader. The lab is the
//! window's one lab ([`SharedLab`]); this player owns the run it started, until another view
//! starts one (then the next Next or Back runs the step again).

use std::path::PathBuf;
use std::sync::Arc;

use super::evidence::{self, Evidence};
use crate::analysis::compare::{Comparison, compare};
use crate::lab::compare::presets;
use crate::lab::{LabCommand, LabUpdate, RunMode};
use crate::lang::{Lang, Phrase};
use crate::lesson::plan::{self, Shown, Transition};
use crate::lesson::{Lesson, Step};
use crate::trace::{EventKind, Source, Trace, TraceUpdate};
use crate::ui::loader::{LoadEvent, Loader};
use crate::ui::shared_lab::{LabUser, SharedLab};
use crate::ui::text as t;
use crate::ui::timeline::Spotlight;
use crate::ui::trace_pane::{OnNewTrace, TracePane};

/// Where the class is in the lesson.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// Before the first step: the lesson's title and summary.
    Cover,
    /// At step `index` (0-based); `revealed`: its action was performed (a step with a
    /// question waits for Next after the question).
    Step {
        /// The step.
        index: usize,
        /// Whether its action has been performed and its evidence highlighted.
        revealed: bool,
    },
}

/// What the player is waiting for.
enum Work {
    /// Nothing: what is shown is `Player::shown`.
    Idle,
    /// A lab run of a scenario until stage `through` is done.
    Lab {
        target: Shown,
        through: usize,
        done: usize,
    },
    /// A Compare run until it finishes.
    Compare { target: Shown },
    /// A recording being read.
    Recording { target: Shown, loader: Loader },
}

/// One lesson being played.
pub struct Player {
    lesson: Lesson,
    /// The project root: recordings are named relative to it.
    root: PathBuf,
    place: Place,
    /// The choice picked for each step's question.
    answers: Vec<Option<usize>>,
    /// What the diagram shows (complete), in the plan's terms.
    shown: Shown,
    work: Work,
    /// [`SharedLab::runs_started`] when this player started its run: if it changes, another
    /// view took the lab.
    run: Option<u64>,
    /// The run's updates are this player's (its `RunStarted` arrived).
    receiving: bool,
    /// The scenario's stage captions, in every language.
    captions: Vec<Phrase>,
    /// The language the trace's stage captions are in.
    captions_lang: Lang,
    /// Why the last action failed.
    error: Option<Phrase>,
    /// The current step's evidence in the trace shown.
    evidence: Vec<Evidence>,
    /// The trace's length when the evidence was found (it is found again as events arrive).
    evidence_for: Option<usize>,
    /// The lab ran something else since this player's run: shown, but not continued.
    stale: bool,
    /// A Compare step's measurements, from its finished trace.
    comparison: Option<Comparison>,
    pane: TracePane,
    notify: Arc<dyn Fn() + Send + Sync>,
}

impl Player {
    /// A player at the cover of `lesson`; `root`: the directory recordings are relative to;
    /// `notify`: asks the window for a frame (the file loader's thread calls it).
    pub fn new(lesson: Lesson, root: PathBuf, notify: Arc<dyn Fn() + Send + Sync>) -> Player {
        let steps = lesson.steps.len();
        Player {
            lesson,
            root,
            place: Place::Cover,
            answers: vec![None; steps],
            shown: Shown::Nothing,
            work: Work::Idle,
            run: None,
            receiving: false,
            captions: Vec::new(),
            captions_lang: Lang::En,
            error: None,
            evidence: Vec::new(),
            evidence_for: None,
            stale: false,
            comparison: None,
            // The Lab's width: a frame's bit layout needs it (the sizes are the same in
            // every theme, so no context is needed).
            pane: TracePane::new("lesson", OnNewTrace::Follow, t::LESSON_DIAGRAM_HINT)
                .with_detail_width(
                    crate::ui::theme::Theme::for_mode(egui::Theme::Dark)
                        .size
                        .lab_detail_width,
                ),
            notify,
        }
    }

    /// The lesson.
    pub fn lesson(&self) -> &Lesson {
        &self.lesson
    }

    /// Where the class is.
    pub fn place(&self) -> Place {
        self.place
    }

    /// The current step (none at the cover).
    pub fn step(&self) -> Option<&Step> {
        match self.place {
            Place::Cover => None,
            Place::Step { index, .. } => self.lesson.steps.get(index),
        }
    }

    /// The current step's index (0-based), if at a step.
    pub fn step_index(&self) -> Option<usize> {
        match self.place {
            Place::Cover => None,
            Place::Step { index, .. } => Some(index),
        }
    }

    /// Whether the current step's action was performed.
    pub fn revealed(&self) -> bool {
        matches!(self.place, Place::Step { revealed: true, .. })
    }

    /// The choice picked for the current step's question.
    pub fn answer(&self) -> Option<usize> {
        self.step_index()
            .and_then(|i| self.answers.get(i).copied().flatten())
    }

    /// Whether the lab or the loader is still bringing the diagram to the step.
    pub fn is_working(&self) -> bool {
        !matches!(self.work, Work::Idle)
    }

    /// Whether the work is reading a recording (not running the lab).
    pub fn is_opening(&self) -> bool {
        matches!(self.work, Work::Recording { .. })
    }

    /// Why the last action failed.
    pub fn error(&self) -> Option<&Phrase> {
        self.error.as_ref()
    }

    /// The measurements of the Compare run shown, once it finished.
    pub fn comparison(&self) -> Option<&Comparison> {
        self.comparison.as_ref()
    }

    /// Whether another view ran the lab since this lesson's run.
    pub fn is_stale(&self) -> bool {
        self.stale
    }

    /// The current step's evidence in the trace shown (empty until its action is performed).
    pub fn evidence(&self) -> &[Evidence] {
        &self.evidence
    }

    /// Whether Next does anything: not while working, not after the last step.
    pub fn can_next(&self) -> bool {
        !self.is_working()
            && match self.place {
                Place::Cover => !self.lesson.steps.is_empty(),
                Place::Step { index, revealed } => !revealed || index + 1 < self.lesson.steps.len(),
            }
    }

    /// Whether Back does anything.
    pub fn can_back(&self) -> bool {
        self.place != Place::Cover
    }

    /// The trace, diagram and detail.
    pub fn pane(&self) -> &TracePane {
        &self.pane
    }

    /// The trace, diagram and detail, to change.
    pub fn pane_mut(&mut self) -> &mut TracePane {
        &mut self.pane
    }

    /// Picks choice `choice` of the current step's question (another pick replaces it).
    pub fn choose(&mut self, choice: usize) {
        if let Some(i) = self.step_index()
            && let Some(slot) = self.answers.get_mut(i)
        {
            *slot = Some(choice);
        }
    }

    /// Next: performs the current step's action if it waits behind its question, else goes
    /// to the next step (which waits for its question, or is performed at once).
    pub fn next(&mut self, lab: &mut SharedLab) {
        if !self.can_next() {
            return;
        }
        self.place = match self.place {
            Place::Cover => self.arrive(0),
            Place::Step {
                index,
                revealed: false,
            } => Place::Step {
                index,
                revealed: true,
            },
            Place::Step { index, .. } => self.arrive(index + 1),
        };
        self.go(lab);
    }

    /// Back: the previous step as it was after its action (or the cover); the lab runs again
    /// from the start where it cannot go back. Work under way is abandoned.
    pub fn back(&mut self, lab: &mut SharedLab) {
        self.place = match self.place {
            Place::Cover => return,
            Place::Step { index: 0, .. } => Place::Cover,
            Place::Step { index, .. } => Place::Step {
                index: index - 1,
                revealed: true,
            },
        };
        if self.is_working() {
            // The pane holds part of an abandoned action.
            self.work = Work::Idle;
            self.shown = Shown::Nothing;
            self.stale = false;
        }
        self.go(lab);
    }

    /// Arriving at step `index`: a question first, else its action.
    fn arrive(&self, index: usize) -> Place {
        let asks = self
            .lesson
            .steps
            .get(index)
            .is_some_and(|s| s.question.is_some());
        Place::Step {
            index,
            revealed: !asks,
        }
    }

    /// What the diagram must show at the current place.
    fn target(&self) -> Shown {
        match self.place {
            Place::Cover
            | Place::Step {
                index: 0,
                revealed: false,
            } => Shown::Nothing,
            Place::Step {
                index,
                revealed: true,
            } => plan::shown_at(&self.lesson, index),
            Place::Step { index, .. } => plan::shown_at(&self.lesson, index - 1),
        }
    }

    /// Brings the diagram from what it shows to the current place's target.
    fn go(&mut self, lab: &mut SharedLab) {
        self.error = None;
        self.evidence.clear();
        self.evidence_for = None;
        self.pane.set_highlight(Vec::new(), Spotlight::Off);
        if self.stale {
            // Another view's run replaced ours: whatever the step, start again.
            self.clear();
            self.shown = Shown::Nothing;
            self.stale = false;
        }
        let target = self.target();
        match plan::transition(&self.shown, &target) {
            Transition::Stay => self.arrived(),
            Transition::Continue { from, through, .. } => {
                for _ in from..through {
                    lab.send(LabUser::Lessons, LabCommand::Step);
                }
                self.pane.set_follow(true);
                self.work = Work::Lab {
                    target,
                    through,
                    done: from,
                };
            }
            Transition::Restart(Shown::Nothing) => {
                self.clear();
                self.shown = Shown::Nothing;
                self.arrived();
            }
            Transition::Restart(Shown::Lab { scenario, through }) => {
                let Some(found) = crate::lab::scenario::scenario(&scenario) else {
                    self.fail(t::lesson_unknown_scenario(&scenario));
                    return;
                };
                if let Err(e) = lab.lab() {
                    self.fail(Phrase::verbatim(e));
                    return;
                }
                self.captions = found.stages.iter().map(|s| s.label.clone()).collect();
                self.clear();
                lab.send(
                    LabUser::Lessons,
                    LabCommand::Start {
                        scenario: scenario.clone(),
                        mode: RunMode::Step,
                    },
                );
                // The lab takes them in order: they step the run just started.
                for _ in 0..through {
                    lab.send(LabUser::Lessons, LabCommand::Step);
                }
                self.run = Some(lab.runs_started());
                self.work = Work::Lab {
                    target: Shown::Lab { scenario, through },
                    through,
                    done: 0,
                };
            }
            Transition::Restart(Shown::Compare { preset }) => {
                let Some(found) = presets::preset(&preset) else {
                    self.fail(t::lesson_unknown_preset(&preset));
                    return;
                };
                if let Err(e) = lab.lab() {
                    self.fail(Phrase::verbatim(e));
                    return;
                }
                self.captions = Vec::new();
                self.clear();
                lab.send(LabUser::Lessons, LabCommand::Compare((found.config)()));
                self.run = Some(lab.runs_started());
                self.work = Work::Compare {
                    target: Shown::Compare { preset },
                };
            }
            Transition::Restart(Shown::Recording { file }) => {
                self.clear();
                let loader = Loader::start(self.root.join(&file), self.notify.clone());
                self.work = Work::Recording {
                    target: Shown::Recording { file },
                    loader,
                };
            }
        }
    }

    /// An empty diagram, and no run of ours to listen to.
    fn clear(&mut self) {
        self.comparison = None;
        self.pane
            .set_trace(Trace::new(Source::default(), chrono::Utc::now()));
        self.receiving = false;
        self.run = None;
    }

    fn fail(&mut self, why: Phrase) {
        self.error = Some(t::lesson_failed(&why));
        self.work = Work::Idle;
        self.shown = Shown::Nothing;
    }

    /// The action is done: the diagram shows `target`.
    fn done(&mut self, target: Shown) {
        self.comparison =
            matches!(target, Shown::Compare { .. }).then(|| compare(self.pane.trace()));
        self.shown = target;
        self.work = Work::Idle;
        self.arrived();
    }

    /// At the place's target: highlight the step's evidence (once performed).
    fn arrived(&mut self) {
        self.pane.set_follow(false);
        self.find_evidence(true);
    }

    /// Finds the current step's evidence in the trace and highlights it; `select`: also
    /// select the main event (not when the evidence is merely found again as events arrive,
    /// so the teacher's own click stays).
    fn find_evidence(&mut self, select: bool) {
        let len = self.pane.trace().events.len();
        self.evidence_for = Some(len);
        let Some(step) = self.step().filter(|_| self.revealed()).cloned() else {
            self.evidence.clear();
            self.pane.set_highlight(Vec::new(), Spotlight::Off);
            return;
        };
        let found = evidence::find(&step, self.pane.trace());
        let main = step.selected_event(self.pane.trace());
        let had_main = !self.evidence.iter().all(|e| e.events.is_empty());
        let mut events: Vec<usize> = found.iter().flat_map(|e| e.events.clone()).collect();
        events.sort_unstable();
        events.dedup();
        self.pane.set_highlight(events, Spotlight::DimOthers);
        self.evidence = found;
        if (select || !had_main)
            && let Some(e) = main.filter(|e| *e < len)
        {
            self.pane.select_event(Some(e));
        }
    }

    /// Takes the lab's updates for this lesson and the loader's news; called every frame.
    pub fn drain(&mut self, lab: &mut SharedLab, lang: Lang) {
        if self.captions_lang != lang {
            self.captions_lang = lang;
            let captions = &self.captions;
            self.pane
                .relabel_stages(|index| captions.get(index as usize).map(|c| c.get(lang)));
        }
        if let Some(run) = self.run
            && run != lab.runs_started()
            && !self.stale
        {
            // The Lab view started a run: ours is over; what it showed stays.
            self.stale = true;
            self.receiving = false;
            if matches!(self.work, Work::Lab { .. } | Work::Compare { .. }) {
                self.work = Work::Idle;
                self.shown = Shown::Nothing;
            }
        }
        while let Some(update) = lab.recv(LabUser::Lessons) {
            self.apply(update);
        }
        self.poll_loader();
        if !self.is_working()
            && self.revealed()
            && self.evidence_for != Some(self.pane.trace().events.len())
        {
            self.find_evidence(false);
        }
    }

    fn apply(&mut self, update: LabUpdate) {
        match update {
            LabUpdate::RunStarted { trace, .. } => {
                self.pane.set_trace(trace);
                self.receiving = true;
            }
            _ if !self.receiving => {}
            LabUpdate::Trace(mut u) => {
                if let TraceUpdate::Event(event) = &mut u
                    && let EventKind::Stage { index, label } = &mut event.kind
                    && let Some(caption) = self.captions.get(*index as usize)
                {
                    *label = caption.get(self.captions_lang).to_string();
                }
                self.pane.apply(u);
            }
            LabUpdate::StageDone { index, .. } => {
                if let Work::Lab {
                    target,
                    through,
                    done,
                } = &mut self.work
                {
                    *done = (*done).max(index + 1);
                    if *done >= *through {
                        let target = target.clone();
                        self.done(target);
                    }
                }
            }
            LabUpdate::Finished => {
                if let Work::Compare { target } = &self.work {
                    let target = target.clone();
                    self.done(target);
                }
            }
            LabUpdate::Failed(e) => {
                if self.is_working() {
                    self.fail(Phrase::verbatim(e));
                }
            }
            LabUpdate::StageStarted { .. }
            | LabUpdate::ServerHeld { .. }
            | LabUpdate::CaptureMode { .. } => {}
        }
    }

    fn poll_loader(&mut self) {
        let Work::Recording { target, loader } = &mut self.work else {
            return;
        };
        let Some(event) = loader.poll() else { return };
        match event {
            // The whole file follows; a recording for a class is small.
            LoadEvent::Preview(_) => {}
            LoadEvent::Done(Ok(loaded)) => {
                let target = target.clone();
                match loaded.prepared {
                    Some(p) => self.pane.set_prepared(loaded.trace, p.rows, p.index),
                    None => self.pane.set_trace(loaded.trace),
                }
                self.done(target);
            }
            LoadEvent::Done(Err(e)) => self.fail(e),
        }
    }
}
