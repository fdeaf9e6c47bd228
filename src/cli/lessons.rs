//! `wirelab lessons check | list | run`: lesson files checked with every error shown, listed,
//! or played headless against the real lab (`lab::lesson`).

use anyhow::bail;

use super::{LessonsArgs, LessonsCommand};
use crate::lab::lesson::{lessons_dir, load_dir};
use crate::lang::Lang;

/// Runs a lesson command.
pub(super) fn lessons(args: LessonsArgs, lang: Lang) -> anyhow::Result<()> {
    match args.command {
        LessonsCommand::Check { dir } => check(dir.as_deref(), lang),
        LessonsCommand::List { dir } => list(dir.dir.as_deref(), lang),
        LessonsCommand::Run { id, dir, capture } => run(&id, dir.dir.as_deref(), capture, lang),
    }
}

fn check(dir: Option<&std::path::Path>, lang: Lang) -> anyhow::Result<()> {
    let dir = lessons_dir(dir);
    let loaded = load_dir(&dir);
    for error in &loaded.errors {
        eprintln!("{}", error.render(lang));
    }
    let (lessons, errors) = (loaded.lessons.len(), loaded.errors.len());
    if errors > 0 {
        match lang {
            Lang::En => bail!(
                "{} in {}: {lessons} lesson{} without errors",
                counted(errors, "error"),
                dir.display(),
                if lessons == 1 { "" } else { "s" }
            ),
            Lang::Zh => bail!(
                "{} 中有 {errors} 个错误；没有错误的课程：{lessons} 节",
                dir.display()
            ),
        }
    }
    match lang {
        Lang::En => println!(
            "{}: {}, no errors",
            dir.display(),
            counted(lessons, "lesson")
        ),
        Lang::Zh => println!("{}：{lessons} 节课，没有错误", dir.display()),
    }
    Ok(())
}

/// "1 error", "3 errors".
fn counted(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn list(dir: Option<&std::path::Path>, lang: Lang) -> anyhow::Result<()> {
    let dir = lessons_dir(dir);
    let loaded = load_dir(&dir);
    let width = loaded.lessons.iter().map(|l| l.id.len()).max().unwrap_or(0);
    for l in &loaded.lessons {
        let steps = l.steps.len();
        let (length, level) = match lang {
            Lang::En => (
                format!(
                    "{steps} step{}, {} min",
                    if steps == 1 { "" } else { "s" },
                    l.minutes
                ),
                l.level.name(lang),
            ),
            Lang::Zh => (
                format!("{steps} 步，{} 分钟", l.minutes),
                l.level.name(lang),
            ),
        };
        println!(
            "{:<width$}  {}  ({length}, {level})",
            l.id,
            l.title.get(lang)
        );
    }
    if !loaded.errors.is_empty() {
        match lang {
            Lang::En => eprintln!(
                "lesson files with errors are left out ({}): see `wirelab lessons check {}`",
                counted(loaded.errors.len(), "error"),
                dir.display()
            ),
            Lang::Zh => eprintln!(
                "有错误的课程文件没有列出（共 {} 个错误）：请运行 `wirelab lessons check {}`",
                loaded.errors.len(),
                dir.display()
            ),
        }
    }
    Ok(())
}

fn run(
    id: &str,
    dir: Option<&std::path::Path>,
    _capture: super::CaptureMode,
    _lang: Lang,
) -> anyhow::Result<()> {
    let dir = lessons_dir(dir);
    bail!("`lessons run {id}` ({}) is not built yet", dir.display())
}
