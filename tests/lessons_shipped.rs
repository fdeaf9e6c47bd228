//! The shipped lessons (`lessons/`): every file passes `lessons check`, every text is in
//! English and Chinese, and every step of every lesson plays headless against the real lab
//! (or its recording) with each of its highlights matching an event of the trace shown. The
//! player's own lesson (`tests/lessons-player/`) goes through every kind of step: a run
//! continued, started again (going back), another scenario, a Compare preset, a recording,
//! with the socket tap alone and with packets. The complete example of `lessons/README.md`
//! is checked and played too, so the documentation cannot drift from the format.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

mod support;

use std::path::{Path, PathBuf};

use support::capture::{Capture, require_capture};
use wirelab::lab::CaptureMode;
use wirelab::lab::lesson::{PlayConfig, known, load_dir, play, recordings_root};
use wirelab::lang::{Lang, Phrase};
use wirelab::lesson::plan::{Shown, shown_at};
use wirelab::lesson::{Lesson, Source, load};
use wirelab::trace::EventKind;

fn shipped() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons")
}

fn player_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lessons-player/lessons")
}

fn is_cjk(c: char) -> bool {
    matches!(u32::from(c), 0x3000..=0x303F | 0x4E00..=0x9FFF | 0xFF00..=0xFFEF)
}

/// Every text of `lesson` with where it is, and whether it must be written in Chinese (a
/// choice may be a token such as `101`, the same in both).
fn texts(lesson: &Lesson) -> Vec<(String, &Phrase, bool)> {
    let mut all = vec![
        ("title".to_string(), &lesson.title, true),
        ("summary".to_string(), &lesson.summary, true),
    ];
    for (i, step) in lesson.steps.iter().enumerate() {
        all.push((format!("step[{i}].title"), &step.title, true));
        all.push((format!("step[{i}].narration"), &step.narration, true));
        if let Some(q) = &step.question {
            all.push((format!("step[{i}].question.prompt"), &q.prompt, true));
            all.push((
                format!("step[{i}].question.explanation"),
                &q.explanation,
                true,
            ));
            for (c, choice) in q.choices.iter().enumerate() {
                all.push((
                    format!("step[{i}].question.choice[{c}].text"),
                    &choice.text,
                    false,
                ));
            }
        }
    }
    all
}

#[test]
fn every_shipped_lesson_passes_check_in_both_languages() {
    for dir in [shipped(), player_dir()] {
        let loaded = load_dir(&dir);
        let errors: Vec<String> = loaded.errors.iter().map(|e| e.render(Lang::En)).collect();
        assert!(errors.is_empty(), "{}", errors.join("\n"));
        for lesson in &loaded.lessons {
            for (place, text, chinese) in texts(lesson) {
                let at = format!("{}: {place}", lesson.id);
                assert!(!text.en.trim().is_empty(), "{at}: no English");
                assert!(!text.zh.trim().is_empty(), "{at}: no Chinese");
                if chinese {
                    assert!(
                        text.zh.chars().any(is_cjk),
                        "{at}: the Chinese text is not written in Chinese: {:?}",
                        text.zh
                    );
                }
            }
        }
    }
}

/// Plays `lesson` and fails naming each highlight whose evidence did not appear; returns,
/// per step, the number of `stage` events of its trace (a lab step's run has done exactly
/// its stages: continued or started again, never past them).
fn play_all(lesson: &Lesson, dir: &Path, capture: CaptureMode) -> Vec<Option<usize>> {
    let config = PlayConfig {
        capture,
        lang: Lang::En,
    };
    let mut missing = Vec::new();
    let mut stages = Vec::new();
    let found = play(
        lesson,
        &recordings_root(dir),
        config,
        |i, step, trace, found| {
            for (h, f) in step.highlights.iter().zip(found) {
                if f.is_missing() {
                    missing.push(format!(
                        "{} step {} ({}): no event matches {:?}",
                        lesson.id,
                        i + 1,
                        step.title.en,
                        h.matcher
                    ));
                }
            }
            stages.push(trace.map(|t| {
                t.events
                    .iter()
                    .filter(|e| matches!(e.kind, EventKind::Stage { .. }))
                    .count()
            }));
        },
    )
    .unwrap_or_else(|e| panic!("{}: {e:#}", lesson.id));
    assert_eq!(found.len(), lesson.steps.len());
    assert!(missing.is_empty(), "{}", missing.join("\n"));
    stages
}

#[test]
fn every_step_of_every_shipped_lesson_shows_its_evidence() {
    let dir = shipped();
    let loaded = load_dir(&dir);
    for lesson in &loaded.lessons {
        play_all(lesson, &dir, CaptureMode::Auto);
    }
}

/// The complete example of `lessons/README.md`, as a lesson file.
fn readme_example() -> Source {
    let readme = std::fs::read_to_string(shipped().join("README.md")).unwrap();
    let text = readme
        .split_once("```toml\n")
        .and_then(|(_, rest)| rest.split_once("\n```"))
        .map(|(block, _)| format!("{block}\n"))
        .expect("lessons/README.md has a ```toml example");
    Source {
        name: "90-echo-basics.toml".to_string(),
        shown_as: "lessons/README.md (the example)".to_string(),
        text,
    }
}

#[test]
fn the_readme_example_is_a_lesson_that_checks_and_plays() {
    let dir = shipped();
    let loaded = load(&[readme_example()], &known(&dir));
    let errors: Vec<String> = loaded.errors.iter().map(|e| e.render(Lang::En)).collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let lesson = loaded.lesson("echo-basics").expect("the example's id");
    assert!(lesson.steps.iter().any(|s| s.question.is_some()));
    play_all(lesson, &dir, CaptureMode::Auto);
}

#[test]
fn the_player_continues_restarts_compares_and_opens_recordings() {
    let dir = player_dir();
    let loaded = load_dir(&dir);
    let lesson = loaded.lesson("player").expect("the player's lesson");
    let mut modes = vec![CaptureMode::Socket];
    if require_capture("the_player_continues_restarts_compares_and_opens_recordings")
        == Capture::Permitted
    {
        modes.push(CaptureMode::Packet);
    }
    for mode in modes {
        let stages = play_all(lesson, &dir, mode);
        for (i, done) in stages.iter().enumerate() {
            match shown_at(lesson, i) {
                Shown::Nothing => assert_eq!(*done, None, "step {}", i + 1),
                Shown::Lab { through, .. } => {
                    assert_eq!(*done, Some(through), "step {} ({mode:?})", i + 1);
                }
                Shown::Compare { .. } => assert_eq!(*done, Some(1), "step {}", i + 1),
                Shown::Recording { .. } => assert!(done.is_some(), "step {}", i + 1),
            }
        }
    }
}
