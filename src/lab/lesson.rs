//! Lessons on the real lab: where the lessons are ([`lessons_dir`]), what exists for their
//! checks ([`known`]: the scenario catalogue, the Compare presets, the recordings on disk),
//! loading a directory ([`load_dir`]) and the headless player ([`play`]): each step's
//! action done for real (a scenario stepped to its stage, a Compare run, a recording
//! opened), its highlights matched on the trace shown.

use std::path::{Path, PathBuf};

use crate::lang::Phrase;
use crate::lesson::{self, Known, KnownScenario, LessonError, Loaded, Source};

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
