//! The lesson file format's errors, golden: each broken file of `tests/lessons-broken/` has
//! one mistake (an unknown key, an unknown kind, an unknown scenario, a `through` past the
//! end, a field that does not apply to its kind, a missing `zh`, an empty `en`, two correct
//! answers, none, a recording outside `assets/`, a TOML syntax error, an id used twice), and
//! `lessons check` must name it with its exact file, line, column and field. Then the rest
//! of the checks on small texts, all errors of one file at once, and how an error reads.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use std::path::Path;

use wirelab::lab::lesson::{known, load_dir};
use wirelab::lang::Lang;
use wirelab::lesson::{Action, LessonError, Seen, Source, load};

fn broken() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lessons-broken")
}

/// `file:line:column: field` of each error, the file by its name alone.
fn places(errors: &[LessonError]) -> Vec<String> {
    errors
        .iter()
        .map(|e| {
            let name = Path::new(&e.file).file_name().unwrap().to_string_lossy();
            format!("{name}:{}:{}: {}", e.line, e.column, e.field)
        })
        .collect()
}

#[test]
fn each_broken_file_gives_its_one_error_where_it_is() {
    let loaded = load_dir(&broken());
    let expected = [
        "01-unknown-key.toml:7:1: colour",
        "02-unknown-kind.toml:14:8: step[0].highlight[0].kind",
        "03-unknown-scenario.toml:11:20: step[0].lab.scenario",
        "04-through-past-end.toml:11:41: step[0].lab.through",
        "05-field-not-for-kind.toml:15:10: step[0].highlight[0].status",
        "06-missing-zh.toml:9:9: step[0].title.zh",
        "07-empty-en.toml:10:20: step[0].narration.en",
        "08-two-correct.toml:24:11: step[0].question.choice[1].correct",
        "09-no-correct.toml:16:1: step[0].question.choice",
        "10-recording-outside.toml:11:22: step[0].recording.file",
        "11-syntax-error.toml:9:1: ",
        "13-dup.toml:1:6: id",
    ];
    assert_eq!(places(&loaded.errors), expected);
    // The one file without a mistake is the first of the two that share an id.
    let ids: Vec<&str> = loaded.lessons.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, ["dup"]);
    let says = |file: &str, words: &str| {
        let e = loaded
            .errors
            .iter()
            .find(|e| e.file.ends_with(file))
            .unwrap();
        assert!(e.message.en.contains(words), "{file}: {}", e.message.en);
        assert!(!e.message.zh.is_empty());
    };
    says("01-unknown-key.toml", "unknown key `colour`");
    says(
        "02-unknown-kind.toml",
        "unknown event kind \"tcp_handshake\"",
    );
    says("03-unknown-scenario.toml", "unknown scenario \"ws-ecko\"");
    says("04-through-past-end.toml", "stages 1 to 24");
    says(
        "05-field-not-for-kind.toml",
        "does not apply to a tcp_connect",
    );
    says("06-missing-zh.toml", "Chinese text (`zh`) is missing");
    says("07-empty-en.toml", "English text (`en`) is empty");
    says("08-two-correct.toml", "exactly one choice is correct");
    says("09-no-correct.toml", "exactly one must be");
    says("10-recording-outside.toml", "under lessons/ or assets/");
    says("11-syntax-error.toml", "TOML syntax error");
    says("13-dup.toml", "also the id of");
}

#[test]
fn an_error_reads_as_file_line_column_field_message_and_shows_its_line() {
    let loaded = load_dir(&broken());
    let e = &loaded.errors[4];
    let file = &e.file;
    assert_eq!(
        e.to_string(),
        format!(
            "{file}:15:10: step[0].highlight[0].status: `status` does not apply to a tcp_connect event (it applies to http_response)"
        )
    );
    assert!(e.line_in(Lang::Zh).contains("不适用于 tcp_connect"));
    let drawn = e.render(Lang::En);
    assert!(drawn.contains(&format!("{file}:15:10")), "{drawn}");
    assert!(drawn.contains("15 | status = 101"), "{drawn}");
    assert!(drawn.contains("^^^"), "{drawn}");
    assert!(
        e.render(Lang::Zh).starts_with("错误"),
        "{}",
        e.render(Lang::Zh)
    );
}

/// A lesson file from `header` and `steps`, loaded against the real catalogue.
fn check(name: &str, text: &str) -> Vec<String> {
    let sources = [Source {
        name: name.to_string(),
        shown_as: name.to_string(),
        text: text.to_string(),
    }];
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons");
    let loaded = load(&sources, &known(&root));
    loaded.errors.iter().map(|e| e.line_in(Lang::En)).collect()
}

const HEADER: &str = r#"id = "t"
order = 1
level = "beginner"
minutes = 5
title = { en = "T", zh = "课" }
summary = { en = "S", zh = "概要" }
"#;

#[test]
fn every_error_of_a_file_is_reported_at_once() {
    let text = format!(
        r#"{HEADER}
[[step]]
title = {{ en = "A", zh = "甲" }}
narration = {{ en = "x", zh = "乙" }}
lab = {{ scenario = "ws-chat", through = 3 }}
[[step.highlight]]
kind = "ws_frame"
lane = "dave"
opcode = "txt"
header_len = 15
rsv1 = true
main = true
[[step.highlight]]
kind = "http_request"
value = "websocket"
main = true
[[step.highlight]]
[[step.highlight]]
kind = "tcp_syn"
shade = "red"

[[step]]
title = {{ en = "B", zh = "丙" }}
narration = {{ en = "y", zh = "丁" }}
compare = {{ preset = "lubers" }}
"#
    );
    let errors = check("01-t.toml", &text);
    let wanted = [
        ":14:8: step[0].highlight[0].lane: unknown lane \"dave\"; valid: alice, bob, carol",
        ":15:10: step[0].highlight[0].opcode: unknown opcode",
        ":16:14: step[0].highlight[0].header_len: 15 is out of range: it must be 2 to 14",
        ":21:9: step[0].highlight[1].value: `value` is a header's value: it needs `header`",
        ":22:8: step[0].highlight[1].main: highlight 0 is already the main one",
        ":23:1: step[0].highlight[2]: an empty highlight matches every event",
        ":26:1: step[0].highlight[3].shade: unknown key `shade`",
        ":31:22: step[1].compare.preset: unknown Compare preset \"lubers\"; valid: lubbers, abril, classroom",
    ];
    assert_eq!(errors.len(), wanted.len(), "{errors:#?}");
    for (got, want) in errors.iter().zip(wanted) {
        assert!(got.contains(want), "{got}\n  does not contain\n{want}");
    }
}

#[test]
fn the_header_steps_and_names_are_checked() {
    // A file named after another id, a missing level, a step without an action highlighting.
    let text = r#"id = "t"
order = -1
minutes = 0
title = { en = "T", zh = "课" }
summary = { en = "S", zh = "概要" }

[[step]]
title = { en = "A", zh = "甲" }
narration = { en = "x", zh = "乙" }
[[step.highlight]]
kind = "tcp_syn"
"#;
    let errors = check("02-other.toml", text);
    let fields: Vec<&str> = errors
        .iter()
        .map(|e| e.split(": ").nth(1).unwrap())
        .collect();
    assert_eq!(
        fields,
        ["level", "id", "order", "minutes", "step[0].highlight[0]"],
        "{errors:#?}"
    );
    assert!(
        errors[1].contains("must be called NN-t.toml"),
        "{}",
        errors[1]
    );
    // No step at all.
    let none = check("01-t.toml", HEADER);
    assert_eq!(none.len(), 1, "{none:?}");
    assert!(none[0].contains("at least one step"), "{}", none[0]);
    // A step that is not a table, and a highlight list that is not one.
    let wrong = check("01-t.toml", &format!("step = 3\n{HEADER}"));
    assert!(
        wrong[0].contains("`step` must be a list of tables"),
        "{wrong:?}"
    );
    // A value of the wrong type names its field.
    let typed = check(
        "01-t.toml",
        &format!(
            "{HEADER}[[step]]\ntitle = {{ en = \"A\", zh = \"甲\" }}\nnarration = {{ en = \"x\", zh = \"乙\" }}\nlab = {{ scenario = \"ws-echo\", through = \"3\" }}\n"
        ),
    );
    assert_eq!(typed.len(), 1, "{typed:?}");
    assert!(
        typed[0].contains("step[0].lab.through: wrong type"),
        "{}",
        typed[0]
    );
}

#[test]
fn a_good_file_becomes_the_lesson_it_says() {
    let text = format!(
        r#"{HEADER}
[[step]]
title = {{ en = "A", zh = "甲" }}
narration.en = """
Two lines,
of narration.
"""
narration.zh = """
两行
讲解。
"""
lab = {{ scenario = "ws-echo", through = 3 }}
[[step.highlight]]
kind = "tcp_syn"
when = "packets"
[[step.highlight]]
kind = "http_response"
status = 101
main = true
[step.question]
prompt = {{ en = "Q", zh = "问" }}
explanation = {{ en = "E", zh = "解" }}
[[step.question.choice]]
text = {{ en = "a", zh = "甲" }}
[[step.question.choice]]
text = {{ en = "b", zh = "乙" }}
correct = true
"#
    );
    let sources = [Source {
        name: "01-t.toml".to_string(),
        shown_as: "01-t.toml".to_string(),
        text,
    }];
    let loaded = load(&sources, &known(Path::new("lessons")));
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let lesson = loaded.lesson("t").unwrap();
    let step = &lesson.steps[0];
    assert_eq!(step.narration.en, "Two lines,\nof narration.");
    assert_eq!(
        step.action,
        Some(Action::Lab {
            scenario: "ws-echo".to_string(),
            through: 3
        })
    );
    assert_eq!(step.highlights[0].when, Seen::WithPackets);
    assert_eq!(step.main_highlight().unwrap().matcher.status, Some(101));
    assert_eq!(step.question.as_ref().unwrap().correct(), Some(1));
}
