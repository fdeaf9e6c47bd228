//! Every text of the window's chrome and of the lab's scenario catalogue exists in English
//! and in Chinese: none empty, no Chinese side that is the English copied or left half in
//! English, no name used twice.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod support;

use std::collections::BTreeSet;
use std::path::Path;

use wirelab::lab::scenario::{CATALOGUE, scenario};
use wirelab::lang::Lang;
use wirelab::ui::loader::FileKind;
use wirelab::ui::text::{self, CountingText, RunStateText};

/// Whether `text` has a CJK ideograph in it.
fn has_chinese(text: &str) -> bool {
    text.chars()
        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c))
}

/// English words that mean a Chinese text was left half translated (protocol tokens, header
/// names and quoted payloads never contain them as words).
const ENGLISH_GLUE: [&str; 12] = [
    "client", "server", "the", "and", "of", "to", "is", "with", "for", "from", "on", "are",
];

/// The words of `text` outside double quotes (a quoted payload is the wire's, in any language).
fn unquoted_words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (k, part) in text.split('"').enumerate() {
        if k % 2 == 0 {
            out.extend(
                part.split(|c: char| !c.is_ascii_alphabetic())
                    .filter(|w| !w.is_empty())
                    .map(str::to_ascii_lowercase),
            );
        }
    }
    out
}

/// Checks one text in both languages; `what` names it in failures.
fn check(what: &str, en: &str, zh: &str, problems: &mut Vec<String>) {
    if en.trim().is_empty() {
        problems.push(format!("{what}: empty English"));
    }
    if zh.trim().is_empty() {
        problems.push(format!("{what}: empty Chinese"));
    }
    if en == zh {
        problems.push(format!("{what}: the Chinese is the English copied: {en:?}"));
    }
    if !has_chinese(zh) {
        problems.push(format!("{what}: no Chinese in {zh:?}"));
    }
    let glue: Vec<String> = unquoted_words(zh)
        .into_iter()
        .filter(|w| ENGLISH_GLUE.contains(&w.as_str()))
        .collect();
    if !glue.is_empty() {
        problems.push(format!("{what}: English words {glue:?} left in {zh:?}"));
    }
}

fn assert_none(problems: Vec<String>) {
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_fixed_text_of_the_window_is_in_both_languages() {
    let mut problems = Vec::new();
    let mut names = BTreeSet::new();
    for (name, t) in text::ALL {
        if !names.insert(*name) {
            problems.push(format!("{name}: declared twice"));
        }
        check(name, t.en, t.zh, &mut problems);
    }
    assert!(text::ALL.len() > 80, "the table lost its texts");
    assert_none(problems);
}

#[test]
fn every_scenario_and_stage_caption_is_in_both_languages() {
    let mut problems = Vec::new();
    for info in CATALOGUE {
        check(
            &format!("{} summary", info.name),
            info.summary.en,
            info.summary.zh,
            &mut problems,
        );
        let s = scenario(info.name).unwrap();
        for (i, stage) in s.stages.iter().enumerate() {
            check(
                &format!("{} stage {}", info.name, i + 1),
                &stage.label.en,
                &stage.label.zh,
                &mut problems,
            );
            assert_eq!(stage.caption(Lang::Zh), stage.label.zh);
        }
    }
    assert_none(problems);
}

/// The texts with values: each sentence written whole in each language.
#[test]
fn texts_with_values_are_whole_sentences_in_each_language() {
    let path = Path::new("/tmp/run.json");
    let io = std::io::Error::other("disk full");
    let kept = [
        ("saved_events", text::saved_events(2, path)),
        ("saved_packets", text::saved_packets(2, path)),
        ("saved_bytes", text::saved_bytes(2, path)),
        ("cannot_save", text::cannot_save(path, &io)),
        ("cannot_create", text::cannot_create(path, &io)),
        ("exported", text::exported(path)),
        (
            "cannot_export",
            text::cannot_export(path, &anyhow::anyhow!("disk full")),
        ),
        ("capture_ended", text::capture_ended("eth9 went away")),
        (
            "no_permission",
            text::no_permission("lo", "EPERM", "sudo setcap …"),
        ),
    ];
    let mut problems = Vec::new();
    for (name, p) in &kept {
        check(name, &p.en, &p.zh, &mut problems);
        // The values are kept in both: the path and the system's words.
        assert_eq!(
            p.en.contains("/tmp/run.json"),
            p.zh.contains("/tmp/run.json"),
            "{name}"
        );
        assert_eq!(
            p.en.contains("disk full"),
            p.zh.contains("disk full"),
            "{name}"
        );
    }
    let shown = |f: &dyn Fn(Lang) -> String| (f(Lang::En), f(Lang::Zh));
    let addr = "127.0.0.1:8088";
    let sentences: Vec<(&str, (String, String))> = vec![
        ("events", shown(&|l| text::events(l, 3))),
        ("connections", shown(&|l| text::connections(l, 1))),
        ("packets", shown(&|l| text::packets(l, 0))),
        ("diagnostics", shown(&|l| text::diagnostics(l, 2))),
        ("step_next", shown(&|l| text::step_next(l, "TCP"))),
        ("step_start", shown(&|l| text::step_start(l, "ws-echo"))),
        ("step_hint", shown(&|l| text::step_hint(l, "Step"))),
        ("server_at", shown(&|l| text::server_at(l, &addr))),
        (
            "lab_unavailable",
            shown(&|l| text::lab_unavailable(l, "EADDRINUSE")),
        ),
        ("stage_of", shown(&|l| text::stage_of(l, 2, 5))),
        ("run_failed", shown(&|l| text::run_failed(l, "timeout"))),
        ("prompt_title", shown(&|l| text::prompt_title(l, "ws-chat"))),
        (
            "prompt_body",
            shown(&|l| text::prompt_body(l, "ws-echo", 2, 9, "ws-chat")),
        ),
        ("prompt_reset", shown(&|l| text::prompt_reset(l, "ws-chat"))),
        ("prompt_keep", shown(&|l| text::prompt_keep(l, "ws-echo"))),
        (
            "cannot_list_interfaces",
            shown(&|l| text::cannot_list_interfaces(l, "x")),
        ),
        (
            "filter_error",
            shown(&|l| text::filter_error(l, "syntax error")),
        ),
        ("capturing_for", shown(&|l| text::capturing_for(l, 12))),
        (
            "connections_and_events",
            shown(&|l| text::connections_and_events(l, 2, 7)),
        ),
        ("processed", shown(&|l| text::processed(l, 9))),
        ("received", shown(&|l| text::received(l, 18))),
        ("counted_twice", shown(&|l| text::counted_twice(l, "lo", 9))),
        ("waiting", shown(&|l| text::waiting(l, 4))),
        ("dropped", shown(&|l| text::dropped(l, 0))),
        ("if_dropped", shown(&|l| text::if_dropped(l, 0))),
        ("reading", shown(&|l| text::reading(l, path))),
        ("previewing", shown(&|l| text::previewing(l, "1,000"))),
        (
            "read_as",
            shown(&|l| text::read_as(l, "/tmp/a.pcap", "pcap")),
        ),
        (
            "file_packets",
            shown(&|l| text::file_packets(l, "pcap", 10, 8, 2)),
        ),
        ("read_in", shown(&|l| text::read_in(l, 0.5, 0.25))),
        ("file_notes", shown(&|l| text::file_notes(l, 1))),
        (
            "all_connections",
            shown(&|l| text::all_connections(l, 2, 3, 40)),
        ),
        ("whole_file_notes", shown(&|l| text::whole_file_notes(l, 2))),
        ("not_a_port", shown(&|l| text::not_a_port(l, "80a"))),
        (
            "file_kind",
            shown(&|l| FileKind::TraceJson.name(l).to_string()),
        ),
        (
            "conn_line",
            shown(&|l| text::conn_line(l, "WebSocket", "4", "1 kB", "2 kB")),
        ),
        (
            "conn_hint",
            shown(&|l| text::conn_hint(l, 5, 0, "0.000 s", "1.000 s")),
        ),
    ];
    let mut with_states: Vec<(String, (String, String))> = sentences
        .into_iter()
        .map(|(n, s)| (n.to_string(), s))
        .collect();
    for state in [
        RunStateText::Finished,
        RunStateText::Stepping,
        RunStateText::Running,
    ] {
        with_states.push((
            format!("run_state {state:?}"),
            shown(&|l| text::run_state(l, state, "stage 1/2")),
        ));
    }
    for counting in [
        CountingText::Once,
        CountingText::Twice,
        CountingText::LoopbackTwice,
    ] {
        with_states.push((
            format!("counting_help {counting:?}"),
            shown(&|l| text::counting_help(l, counting, "lo")),
        ));
    }
    for (name, (en, zh)) in &with_states {
        check(name, en, zh, &mut problems);
    }
    assert_none(problems);
}
