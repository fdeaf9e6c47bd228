//! `wirelab lessons check | list | run` and `gui --lesson` through the real binary: exit
//! codes, and what each prints.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn wirelab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wirelab"))
        .args(args)
        .env_remove("WIRELAB_LOG")
        .env_remove("WIRELAB_LESSONS")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap()
}

fn dir(name: &str) -> String {
    let path: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(name);
    path.display().to_string()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn check_prints_every_error_with_its_place_and_fails() {
    let broken = dir("lessons-broken");
    let out = wirelab(&["lessons", "check", &broken]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("01-unknown-key.toml:7:1"),
        "the place, as annotate-snippets draws it: {err}"
    );
    assert!(err.contains("7 | colour = \"red\""), "{err}");
    assert!(
        err.contains("error: step[0].lab.scenario: unknown scenario"),
        "{err}"
    );
    assert!(err.contains("12 errors in"), "{err}");
    let zh = wirelab(&["lessons", "check", &broken, "--lang", "zh"]);
    assert_eq!(zh.status.code(), Some(1));
    assert!(
        text(&zh.stderr).contains("错误: step[0].title.zh: 缺少中文文本"),
        "{}",
        text(&zh.stderr)
    );
    let good = wirelab(&["lessons", "check", &dir("lessons-player/lessons")]);
    assert_eq!(good.status.code(), Some(0), "{}", text(&good.stderr));
    assert!(text(&good.stdout).contains("1 lesson, no errors"));
}

#[test]
fn list_names_each_lesson_in_the_language_asked() {
    let player = dir("lessons-player/lessons");
    let out = wirelab(&["lessons", "list", "--dir", &player]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let listed = text(&out.stdout);
    assert!(
        listed.contains("player  The player's own lesson  (9 steps, 3 min, advanced)"),
        "{listed}"
    );
    let zh = wirelab(&["lessons", "list", "--dir", &player, "--lang", "zh"]);
    assert!(
        text(&zh.stdout).contains("播放器自己的课（9 步，3 分钟，深入）"),
        "{}",
        text(&zh.stdout)
    );
}

#[test]
fn run_plays_a_lesson_and_fails_naming_the_steps_without_evidence() {
    let missing = dir("lessons-missing/lessons");
    let out = wirelab(&[
        "lessons",
        "run",
        "missing",
        "--dir",
        &missing,
        "--capture",
        "socket",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let printed = text(&out.stdout);
    assert!(printed.contains("Step 1/2: The upgrade"), "{printed}");
    assert!(
        printed.contains("✓ kind = http_response, status = 101"),
        "{printed}"
    );
    assert!(
        printed.contains("HTTP/1.1 101 Switching Protocols"),
        "{printed}"
    );
    assert!(
        printed.contains("✗ kind = http_response, status = 404"),
        "{printed}"
    );
    let err = text(&out.stderr);
    assert!(
        err.contains("the evidence of step 2 (A refusal that never comes) did not appear"),
        "{err}"
    );
    // In Chinese, the question with its answer; a lesson that plays exits 0.
    let player = dir("lessons-player/lessons");
    let zh = wirelab(&[
        "lessons",
        "run",
        "player",
        "--dir",
        &player,
        "--lang",
        "zh",
        "--capture",
        "socket",
    ]);
    assert_eq!(zh.status.code(), Some(0), "{}", text(&zh.stderr));
    let printed = text(&zh.stdout);
    assert!(printed.contains("第 3/9 步：继续：升级握手"), "{printed}");
    assert!(printed.contains("b) 101  ← 正确答案"), "{printed}");
    let unknown = wirelab(&["lessons", "run", "nope", "--dir", &player]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(text(&unknown.stderr).contains("no lesson \"nope\""));
}

#[test]
fn gui_refuses_a_lesson_that_is_not_there() {
    let out = wirelab(&["gui", "--lesson", "no-such-lesson"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("no lesson \"no-such-lesson\""), "{err}");
}

#[test]
fn run_stages_numbers_a_scenarios_stages_and_names_its_lanes() {
    let out = wirelab(&["run", "ws-chat", "--stages"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let printed = text(&out.stdout);
    assert!(
        printed.starts_with("ws-chat: lanes alice, bob, carol;"),
        "{printed}"
    );
    assert!(printed.contains("\n 1  alice: TCP connect\n"), "{printed}");
}
