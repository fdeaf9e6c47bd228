//! `wirelab lessons check | list | run`: lesson files checked with every error shown, listed,
//! or played headless against the real lab (`lab::lesson`).

use anyhow::bail;

use super::{LessonsArgs, LessonsCommand};
use crate::lab::CaptureMode;
use crate::lab::lesson::{PlayConfig, lessons_dir, load_dir, play, recordings_root};
use crate::lang::Lang;
use crate::lesson::Found;

/// The error for lesson `id` missing from `dir` (`loaded`): the ids there, and how to see
/// the files that did not load (`lessons run`, `gui --lesson`).
pub(super) fn no_such_lesson(
    id: &str,
    dir: &std::path::Path,
    loaded: &crate::lesson::Loaded,
    lang: Lang,
) -> anyhow::Error {
    let ids: Vec<&str> = loaded.lessons.iter().map(|l| l.id.as_str()).collect();
    let ids = ids.join(", ");
    let dir = dir.display();
    match lang {
        Lang::En => anyhow::anyhow!(
            "no lesson \"{id}\" in {dir} (lessons: {ids}); `wirelab lessons check {dir}` shows the files with errors"
        ),
        Lang::Zh => anyhow::anyhow!(
            "{dir} 中没有课程 \"{id}\"（现有课程：{ids}）；`wirelab lessons check {dir}` 会列出有错误的文件"
        ),
    }
}

/// Runs a lesson command.
pub(super) fn lessons(args: LessonsArgs, lang: Lang) -> anyhow::Result<()> {
    match args.command {
        LessonsCommand::Check { path, flag } => check(path.or(flag.dir).as_deref(), lang),
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
        let (id, title, steps, minutes) = (&l.id, l.title.get(lang), l.steps.len(), l.minutes);
        let level = l.level.name(lang);
        match lang {
            Lang::En => println!(
                "{id:<width$}  {title}  ({steps} step{}, {minutes} min, {level})",
                if steps == 1 { "" } else { "s" }
            ),
            Lang::Zh => println!("{id:<width$}  {title}（{steps} 步，{minutes} 分钟，{level}）"),
        }
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

/// How many events of one highlight `lessons run` prints.
const EVENTS_SHOWN: usize = 3;

fn run(
    id: &str,
    dir: Option<&std::path::Path>,
    capture: super::CaptureMode,
    lang: Lang,
) -> anyhow::Result<()> {
    let dir = lessons_dir(dir);
    let loaded = load_dir(&dir);
    let Some(lesson) = loaded.lesson(id) else {
        return Err(no_such_lesson(id, &dir, &loaded, lang));
    };
    let config = PlayConfig {
        capture: match capture {
            super::CaptureMode::Auto => CaptureMode::Auto,
            super::CaptureMode::Socket => CaptureMode::Socket,
            super::CaptureMode::Packet => CaptureMode::Packet,
        },
        lang,
    };
    println!("{} ({})", lesson.title.get(lang), lesson.id);
    println!("{}", lesson.summary.get(lang));
    let total = lesson.steps.len();
    let mut missing: Vec<String> = Vec::new();
    play(
        lesson,
        &recordings_root(&dir),
        config,
        |i, step, trace, found| {
            let title = step.title.get(lang);
            println!();
            match lang {
                Lang::En => println!("Step {}/{total}: {title}", i + 1),
                Lang::Zh => println!("第 {}/{total} 步：{title}", i + 1),
            }
            for line in step.narration.get(lang).lines() {
                println!("  {line}");
            }
            if let Some(q) = &step.question {
                println!("  ? {}", q.prompt.get(lang));
                for (n, choice) in q.choices.iter().enumerate() {
                    let mark = if choice.correct {
                        match lang {
                            Lang::En => "  ← correct",
                            Lang::Zh => "  ← 正确答案",
                        }
                    } else {
                        ""
                    };
                    println!("    {}) {}{mark}", letter(n), choice.text.get(lang));
                }
                println!("    {}", q.explanation.get(lang));
            }
            let mut step_missing = false;
            for (h, f) in step.highlights.iter().zip(found) {
                let what = describe_highlight(h);
                match f {
                    Found::NotExpected => match (h.when, lang) {
                        (crate::lesson::Seen::WithPackets, Lang::En) => println!(
                            "  - {what}: expected only with packet capture (this run was observed at the socket)"
                        ),
                        (crate::lesson::Seen::WithPackets, Lang::Zh) => {
                            println!(
                                "  - {what}：只有抓包时才会出现（这次运行是在套接字处观察的）"
                            );
                        }
                        (_, Lang::En) => println!(
                            "  - {what}: expected only with the socket tap alone (this run captured packets)"
                        ),
                        (_, Lang::Zh) => {
                            println!("  - {what}：只有单用套接字监听时才会出现（这次运行抓了包）");
                        }
                    },
                    Found::Events(events) if events.is_empty() => {
                        step_missing = true;
                        match lang {
                            Lang::En => println!("  ✗ {what}: no such event"),
                            Lang::Zh => println!("  ✗ {what}：没有这样的事件"),
                        }
                    }
                    Found::Events(events) => {
                        println!("  ✓ {what}");
                        if let Some(trace) = trace {
                            for &e in events.iter().take(EVENTS_SHOWN) {
                                if let Some(event) = trace.events.get(e) {
                                    println!(
                                        "      #{e} {}",
                                        crate::trace::describe::summary(event, lang)
                                    );
                                }
                            }
                        }
                        if events.len() > EVENTS_SHOWN {
                            let more = events.len() - EVENTS_SHOWN;
                            match lang {
                                Lang::En => println!("      … and {more} more"),
                                Lang::Zh => println!("      ……还有 {more} 个"),
                            }
                        }
                    }
                }
            }
            if step_missing {
                missing.push(format!("{} ({title})", i + 1));
            }
        },
    )?;
    if !missing.is_empty() {
        match lang {
            Lang::En => bail!("the evidence of step {} did not appear", missing.join(", ")),
            Lang::Zh => bail!("第 {} 步的证据没有出现", missing.join("、")),
        }
    }
    Ok(())
}

/// a, b, c, …
fn letter(n: usize) -> char {
    u8::try_from(n)
        .ok()
        .and_then(|n| n.checked_add(b'a'))
        .filter(u8::is_ascii_lowercase)
        .map_or('?', char::from)
}

/// A highlight as written, e.g. `kind = http_response, status = 101`.
fn describe_highlight(h: &crate::lesson::Highlight) -> String {
    use crate::trace::matcher::{ConnSelector, Field};
    let m = &h.matcher;
    let mut parts = Vec::new();
    if let Some(kind) = &m.kind {
        parts.push(format!("kind = {kind}"));
    }
    for field in m.fields() {
        let value = match field {
            Field::Lane | Field::Conn => match &m.conn {
                Some(ConnSelector::Lane(l)) => l.clone(),
                Some(ConnSelector::Id(id)) => id.to_string(),
                None => continue,
            },
            Field::Dir => m.dir.map(|d| d.as_str().to_string()).unwrap_or_default(),
            Field::Opcode => m
                .opcode
                .map(|o| {
                    crate::proto::ws::frame::OpCode::from_u8(o)
                        .name()
                        .to_string()
                })
                .unwrap_or_default(),
            Field::Fin => flag(m.fin),
            Field::Rsv1 => flag(m.rsv1),
            Field::Masked => flag(m.masked),
            Field::Compressed => flag(m.compressed),
            Field::HeaderLen => number(m.header_len),
            Field::Code => number(m.code),
            Field::Status => number(m.status),
            Field::ReadyState => number(m.ready_state),
            Field::Method => quoted(&m.method),
            Field::Version => quoted(&m.version),
            Field::Header => quoted(&m.header),
            Field::Value => quoted(&m.value),
            Field::Text => quoted(&m.text),
            Field::SseId => quoted(&m.sse_id),
            Field::Fires => quoted(&m.fires),
            Field::Rule => quoted(&m.rule),
        };
        parts.push(format!("{} = {value}", field.name()));
    }
    match h.when {
        crate::lesson::Seen::Always => {}
        crate::lesson::Seen::WithPackets => parts.push("when = packets".to_string()),
        crate::lesson::Seen::SocketOnly => parts.push("when = socket".to_string()),
    }
    parts.join(", ")
}

fn flag(b: Option<bool>) -> String {
    b.map(|b| b.to_string()).unwrap_or_default()
}

fn number<T: ToString>(n: Option<T>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

fn quoted(s: &Option<String>) -> String {
    s.as_deref().map(|s| format!("{s:?}")).unwrap_or_default()
}
