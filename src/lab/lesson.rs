//! Lessons on the real lab: where the lessons are ([`lessons_dir`]), what exists for their
//! checks ([`known`]: the scenario catalogue, the Compare presets, the recordings on disk),
//! loading a directory ([`load_dir`]) and the headless player ([`play`]): each step's
//! action done for real (a scenario stepped to its stage, a Compare run, a recording
//! opened), its highlights matched on the trace shown.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context as _;

use super::{CaptureMode, Lab, LabCommand, LabConfig, LabUpdate, RunMode};
use crate::lang::{Lang, Phrase};
use crate::lesson::plan::{Shown, Transition, shown_at, transition};
use crate::lesson::{self, Found, Known, KnownScenario, Lesson, LessonError, Loaded, Source, Step};
use crate::trace::Trace;

/// The environment variable naming the lessons directory (when `--dir` does not).
pub const LESSONS_ENV: &str = "WIRELAB_LESSONS";

/// The lessons directory: `dir` if given, else `$WIRELAB_LESSONS`, else this checkout's
/// `lessons/` (when it is still there), else `./lessons`.
pub fn lessons_dir(dir: Option<&Path>) -> PathBuf {
    if let Some(dir) = dir {
        return dir.to_path_buf();
    }
    if let Some(env) = std::env::var_os(LESSONS_ENV).filter(|v| !v.is_empty()) {
        return PathBuf::from(env);
    }
    let checkout = Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons");
    if checkout.is_dir() {
        return checkout;
    }
    PathBuf::from("lessons")
}

/// The folder a lessons directory's recordings are relative to: its parent (the project
/// root, holding `lessons/` and `assets/`).
pub fn recordings_root(lessons: &Path) -> PathBuf {
    match lessons.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// What exists for the lessons of `lessons`: every scenario with its stages and lanes, the
/// Compare presets and lanes, and the recordings under [`recordings_root`].
pub fn known(lessons: &Path) -> Known {
    let scenarios = super::scenario::CATALOGUE
        .iter()
        .filter_map(|info| super::scenario::scenario(info.name))
        .map(|s| KnownScenario {
            name: s.info.name.to_string(),
            stages: s.stages.len(),
            lanes: s.clients.iter().map(|c| (*c).to_string()).collect(),
        })
        .collect();
    let presets = super::compare::presets::PRESETS
        .iter()
        .map(|p| p.name.to_string())
        .collect();
    let compare_lanes = super::compare::CompareConfig::default()
        .clients()
        .iter()
        .map(|(technique, _)| technique.name().to_string())
        .collect();
    let root = recordings_root(lessons);
    Known {
        scenarios,
        presets,
        compare_lanes,
        recording_exists: Box::new(move |file| root.join(file).is_file()),
    }
}

/// Reads every `*.toml` of `dir` (in name order) and loads them ([`lesson::load`]). A
/// directory that cannot be read, or a file that is not UTF-8, is an error of its own.
pub fn load_dir(dir: &Path) -> Loaded {
    let shown = |name: &str| dir.join(name).display().to_string();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            let d = dir.display();
            return Loaded {
                lessons: Vec::new(),
                errors: vec![LessonError::about_file(
                    &d.to_string(),
                    "",
                    Phrase::new(
                        format!("cannot read the lessons directory: {err}"),
                        format!("无法读取课程目录：{err}"),
                    ),
                )],
            };
        }
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|name| name.ends_with(".toml"))
        .collect();
    names.sort();
    let mut sources = Vec::new();
    let mut unreadable = Vec::new();
    for name in names {
        match std::fs::read_to_string(dir.join(&name)) {
            Ok(text) => sources.push(Source {
                shown_as: shown(&name),
                name,
                text,
            }),
            Err(err) => unreadable.push(LessonError::about_file(
                &shown(&name),
                "",
                Phrase::new(
                    format!("cannot read this file: {err}"),
                    format!("无法读取这个文件：{err}"),
                ),
            )),
        }
    }
    let mut loaded = lesson::load(&sources, &known(dir));
    loaded.errors.extend(unreadable);
    loaded
}

/// How long the player waits, after a step's action is done, for evidence that is not there
/// yet (the tap's records of a stage's last bytes can reach the trace a little after the
/// stage is done). Only a step whose evidence never appears waits this long.
pub const EVIDENCE_WAIT: Duration = Duration::from_secs(3);

/// How the headless player runs the lab.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PlayConfig {
    /// Packets too, or the socket tap alone.
    pub capture: CaptureMode,
    /// The language of the stage captions the lab records.
    pub lang: Lang,
}

/// Brings about what a lesson's steps show, for real: one lab (started at the first lab or
/// Compare step, pace 0), stepped on where the plan continues, started again where it
/// restarts; recordings opened from the project root.
pub struct Player {
    root: PathBuf,
    config: PlayConfig,
    lab: Option<Lab>,
    shown: Shown,
    trace: Option<Trace>,
    /// Whether the current lab run is still going (more updates may come).
    live: bool,
}

impl Player {
    /// A player whose recordings are relative to `root` ([`recordings_root`]).
    pub fn new(root: &Path, config: PlayConfig) -> Player {
        Player {
            root: root.to_path_buf(),
            config,
            lab: None,
            shown: Shown::Nothing,
            trace: None,
            live: false,
        }
    }

    /// The trace shown now, if any.
    pub fn trace(&self) -> Option<&Trace> {
        self.trace.as_ref()
    }

    fn lab(&mut self) -> anyhow::Result<&Lab> {
        if self.lab.is_none() {
            let config = LabConfig {
                pace_ms: 0,
                capture: self.config.capture,
                lang: self.config.lang,
                ..LabConfig::default()
            };
            self.lab = Some(Lab::start(config, None)?);
        }
        self.lab.as_ref().context("the lab is not running")
    }

    /// Brings about `target` from what is shown now ([`transition`]).
    pub fn show(&mut self, target: &Shown) -> anyhow::Result<()> {
        match transition(&self.shown, target) {
            Transition::Stay => return Ok(()),
            Transition::Continue {
                scenario,
                from,
                through,
            } => self.step(&scenario, from, through)?,
            Transition::Restart(Shown::Nothing) => {
                self.trace = None;
                self.live = false;
            }
            Transition::Restart(Shown::Lab { scenario, through }) => {
                let lab = self.lab()?;
                lab.send(LabCommand::Start {
                    scenario: scenario.clone(),
                    mode: RunMode::Step,
                });
                let mut trace = None;
                super::collect_until(
                    lab,
                    &mut trace,
                    &scenario,
                    super::runner::STAGE_TIMEOUT,
                    |_| {},
                    |u| matches!(u, LabUpdate::RunStarted { .. }),
                )?;
                self.trace = trace;
                self.live = true;
                self.step(&scenario, 0, through)?;
            }
            Transition::Restart(Shown::Compare { preset }) => {
                let p = super::compare::presets::preset(&preset).with_context(|| {
                    format!(
                        "unknown Compare preset \"{preset}\"; valid: {}",
                        super::compare::presets::names()
                    )
                })?;
                let config = (p.config)();
                let lab = self.lab()?;
                lab.send(LabCommand::Compare(config));
                let mut trace = None;
                super::collect_until(
                    lab,
                    &mut trace,
                    super::compare::SCENARIO,
                    super::compare::run_timeout(&config),
                    |_| {},
                    |u| matches!(u, LabUpdate::Finished),
                )?;
                self.trace = trace;
                self.live = false;
            }
            Transition::Restart(Shown::Recording { file }) => {
                let path = self.root.join(&file);
                let opened = crate::capture::file::open::open(&path, &mut |_, _, _| {})
                    .map_err(|e| anyhow::anyhow!("{}", e.get(self.config.lang)))?;
                self.trace = Some(opened.trace);
                self.live = false;
            }
        }
        self.shown = target.clone();
        Ok(())
    }

    /// Steps the current run of `scenario` from stage `from` (done) through `through`
    /// (1-based), each Step awaited until its stage is done; after the last stage, until the
    /// run is finished (its clients closed, the teardown captured).
    fn step(&mut self, scenario: &str, from: usize, through: usize) -> anyhow::Result<()> {
        let total = super::scenario::scenario(scenario).map_or(0, |s| s.stages.len());
        let mut trace = self.trace.take();
        let lab = self.lab()?;
        for stage in from..through {
            lab.send(LabCommand::Step);
            super::collect_until(
                lab,
                &mut trace,
                scenario,
                super::runner::STAGE_TIMEOUT,
                |_| {},
                |u| matches!(u, LabUpdate::StageDone { index, .. } if *index == stage),
            )?;
        }
        let finished = through >= total;
        if finished {
            super::collect_until(
                lab,
                &mut trace,
                scenario,
                super::runner::STAGE_TIMEOUT,
                |_| {},
                |u| matches!(u, LabUpdate::Finished),
            )?;
        }
        self.trace = trace;
        self.live = !finished;
        Ok(())
    }

    /// What `step`'s highlights find in the trace shown; while a lab run is still going and
    /// some evidence is missing, its updates are awaited for up to [`EVIDENCE_WAIT`].
    pub fn evidence(&mut self, step: &Step) -> anyhow::Result<Vec<Found>> {
        let Some(trace) = self.trace.as_ref() else {
            return Ok(step
                .highlights
                .iter()
                .map(|_| Found::Events(Vec::new()))
                .collect());
        };
        let mut found = step.evidence(trace);
        let deadline = Instant::now() + EVIDENCE_WAIT;
        while self.live && found.iter().any(Found::is_missing) {
            let left = deadline.saturating_duration_since(Instant::now());
            let Some(lab) = self.lab.as_ref() else { break };
            if left.is_zero() {
                break;
            }
            let Some(update) = lab.recv_timeout(left) else {
                break;
            };
            if matches!(update, LabUpdate::Finished) {
                self.live = false;
            }
            super::apply_update(&mut self.trace, update).map_err(|m| anyhow::anyhow!("{m}"))?;
            if let Some(trace) = self.trace.as_ref() {
                found = step.evidence(trace);
            }
        }
        Ok(found)
    }
}

/// Plays `lesson` headless: each step's action done for real, then its highlights matched on
/// the trace shown; `each` sees every step with that trace and what was found. Returns what
/// each step found (an error only when the lab or a recording fails, not for missing
/// evidence: [`Found::is_missing`] says that).
pub fn play(
    lesson: &Lesson,
    root: &Path,
    config: PlayConfig,
    mut each: impl FnMut(usize, &Step, Option<&Trace>, &[Found]),
) -> anyhow::Result<Vec<Vec<Found>>> {
    let mut player = Player::new(root, config);
    let mut all = Vec::new();
    for (i, step) in lesson.steps.iter().enumerate() {
        player
            .show(&shown_at(lesson, i))
            .with_context(|| format!("step {} of lesson \"{}\"", i + 1, lesson.id))?;
        if let (
            Some(lesson::Action::Recording {
                file,
                event: Some(event),
            }),
            Some(trace),
        ) = (&step.action, player.trace())
        {
            let events = trace.events.len();
            anyhow::ensure!(
                *event < events,
                "step {} of lesson \"{}\": {file} has {events} events (0 to {}), not event {event}",
                i + 1,
                lesson.id,
                events.saturating_sub(1)
            );
        }
        let found = player.evidence(step)?;
        each(i, step, player.trace(), &found);
        all.push(found);
    }
    Ok(all)
}
