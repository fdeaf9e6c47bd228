//! The Lessons view, clicked through headless (egui_kittest) on the real lab (127.0.0.1, the
//! socket tap): open a lesson from the list, press Next to the end (each step's evidence
//! highlighted, the others dimmed, the main event selected), answer a question wrong and one
//! right, go Back (the lab runs again from the start), toggle presenter mode and the
//! language; and the Lab view's own run does not corrupt the lesson's.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod support;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use wirelab::lang::{Lang, Phrase};
use wirelab::lesson::{Choice, Highlight, Lesson, Level, Question, Seen, Step};
use wirelab::trace::matcher::EventMatcher;
use wirelab::trace::{Dir, EventKind};
use wirelab::ui::lessons_view::Catalogue;
use wirelab::ui::lessons_view::player::Place;
use wirelab::ui::{GuiOptions, View, WirelabApp};

use support::gui::{harness_builder, step_until};

fn p(en: &str, zh: &str) -> Phrase {
    Phrase::new(en, zh)
}

fn highlight(matcher: EventMatcher, main: bool) -> Highlight {
    Highlight {
        matcher,
        main,
        when: Seen::Always,
    }
}

fn lab(through: usize) -> Option<wirelab::lesson::Action> {
    Some(wirelab::lesson::Action::Lab {
        scenario: "ws-echo".into(),
        through,
    })
}

fn step(title: Phrase, action: Option<wirelab::lesson::Action>) -> Step {
    Step {
        narration: p(
            "The diagram shows it: `Upgrade: websocket`.",
            "时序图上可以看到：`Upgrade: websocket`。",
        ),
        title,
        action,
        highlights: Vec::new(),
        question: None,
    }
}

fn question(prompt: Phrase, right: Phrase, wrong: Phrase) -> Question {
    Question {
        prompt,
        choices: vec![
            Choice {
                text: wrong,
                correct: false,
            },
            Choice {
                text: right,
                correct: true,
            },
        ],
        explanation: p(
            "Only the server's answer can prove it read the request.",
            "只有服务器的回答才能证明它读过这个请求。",
        ),
    }
}

/// A lesson on ws-echo, made from the model (the same structs a lesson file becomes).
fn sample() -> Lesson {
    let mut open = step(p("Open the TCP connection", "建立 TCP 连接"), lab(1));
    open.highlights = vec![highlight(EventMatcher::kind("tcp_accept"), true)];
    let mut upgrade = step(p("The server answers 101", "服务器回答 101"), lab(3));
    upgrade.highlights = vec![
        highlight(
            EventMatcher::kind("http_request").header("Sec-WebSocket-Key"),
            false,
        ),
        highlight(EventMatcher::kind("http_response").status(101), true),
    ];
    upgrade.question = Some(question(
        p("What does the server answer?", "服务器会回答什么？"),
        p(
            "101 Switching Protocols",
            "101 Switching Protocols（切换协议）",
        ),
        p("200 OK", "200 OK（成功）"),
    ));
    let talk = step(p("What the 101 means", "101 的含义"), None);
    let mut echo = step(p("The echo", "回显"), lab(5));
    echo.highlights = vec![highlight(
        EventMatcher::kind("ws_message").dir(Dir::S2c).text("Hello"),
        true,
    )];
    echo.question = Some(question(
        p("Who masks the echo?", "回显由哪一端加掩码？"),
        p("Nobody: servers never mask", "没有人：服务器从不加掩码"),
        p("The server", "服务器"),
    ));
    Lesson {
        id: "sample".into(),
        order: 1,
        title: p("A sample lesson", "示例课程"),
        summary: p("Four steps on ws-echo.", "在 ws-echo 上的四个步骤。"),
        level: Level::Beginner,
        minutes: 5,
        steps: vec![open, upgrade, talk, echo],
    }
}

fn harness() -> Harness<'static, WirelabApp> {
    let options = GuiOptions {
        lab: support::lab::socket_lab(),
        ..GuiOptions::default()
    };
    let mut h = harness_builder()
        .with_size([1400.0, 900.0])
        .build_eframe(move |cc| WirelabApp::new(&cc.egui_ctx, options));
    h.state_mut().lessons_mut().set_catalogue(Catalogue {
        lessons: vec![sample()],
        errors: vec![Phrase::new(
            "lessons/99-broken.toml:3:9: step[0].highlight[0].status: expected an integer",
            "lessons/99-broken.toml:3:9：step[0].highlight[0].status：应为整数",
        )],
        root: std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")),
    });
    h.run();
    h
}

fn button<'h>(h: &'h Harness<'static, WirelabApp>, label: &'h str) -> egui_kittest::Node<'h> {
    h.get_by(move |n| n.role() == Role::Button && n.label().is_some_and(|l| l == label))
}

fn shows(h: &Harness<'static, WirelabApp>, text: &str) -> bool {
    h.query_all_by(|n| {
        n.label().is_some_and(|l| l.contains(text)) || n.value().is_some_and(|v| v.contains(text))
    })
    .next()
    .is_some()
}

/// Presses `key` and draws a few frames (not `run`: a spinner keeps repainting while the lab
/// works).
fn key(h: &mut Harness<'static, WirelabApp>, key: egui::Key) {
    h.key_press(key);
    h.run_steps(3);
}

/// Clicks the button `label` and draws a few frames (see [`key`]).
fn press(h: &mut Harness<'static, WirelabApp>, label: &str) {
    button(h, label).click();
    h.run_steps(3);
}

/// How many events the playing lesson's diagram holds.
fn trace_len(h: &Harness<'static, WirelabApp>) -> usize {
    h.state()
        .lessons()
        .player()
        .unwrap()
        .pane()
        .trace()
        .events
        .len()
}

fn place(h: &Harness<'static, WirelabApp>) -> Place {
    h.state().lessons().player().expect("a lesson").place()
}

/// Waits until the lesson's step is performed, then checks its evidence: every highlight
/// found something, those events are highlighted and the main one is selected.
fn performed(h: &mut Harness<'static, WirelabApp>, what: &str, main_kind: &str) {
    step_until(h, what, |app| {
        app.lessons().player().is_some_and(|p| !p.is_working())
    });
    let player = h.state().lessons().player().expect("a lesson");
    assert_eq!(player.error(), None, "{what}");
    assert!(
        !player.evidence().is_empty(),
        "{what}: no evidence looked for"
    );
    for e in player.evidence() {
        assert!(
            !e.events.is_empty(),
            "{what}: highlight {} not seen",
            e.highlight
        );
    }
    let pane = player.pane();
    assert!(!pane.highlighted().is_empty(), "{what}");
    let selected = pane.selected_event().expect("the main event is selected");
    assert!(pane.highlighted().contains(&selected), "{what}");
    assert_eq!(
        pane.trace().events[selected].kind.name(),
        main_kind,
        "{what}"
    );
}

#[test]
fn a_lesson_is_played_to_the_end_and_back_with_questions_presenter_mode_and_chinese() {
    let mut h = harness();
    button(&h, "Lessons").click();
    h.run();
    assert_eq!(h.state().view(), View::Lessons);
    // The list: the lesson with its length and level, and the broken file with its place.
    assert!(shows(&h, "4 steps · about 5 min · beginner"));
    assert!(shows(&h, "lessons/99-broken.toml:3:9"));
    button(&h, "A sample lesson").click();
    h.run();
    assert_eq!(place(&h), Place::Cover);
    assert!(shows(&h, "Press Next"));

    // Step 1 (→): the connection, on the real lab.
    key(&mut h, egui::Key::ArrowRight);
    performed(&mut h, "step 1", "tcp_accept");
    assert!(shows(&h, "Step 1 of 4"));

    // Step 2 (space): its question first; the lab does nothing yet.
    let before = trace_len(&h);
    key(&mut h, egui::Key::Space);
    assert_eq!(
        place(&h),
        Place::Step {
            index: 1,
            revealed: false
        }
    );
    assert!(shows(&h, "What does the server answer?"));
    h.get_by_label("200 OK").click();
    h.run();
    assert!(shows(&h, "Not this one"));
    assert!(shows(&h, "The answer is: 101 Switching Protocols"));
    assert!(shows(&h, "Only the server's answer"));
    h.get_by_label("101 Switching Protocols").click();
    h.run();
    assert!(shows(&h, "Right."));
    let player = h.state().lessons().player().unwrap();
    assert_eq!(player.answer(), Some(1));
    assert!(player.evidence().is_empty());
    // Nothing more was run for the question (the earlier stage's trailing events aside).
    assert!(player.pane().trace().events.len() >= before);
    assert!(
        !player
            .pane()
            .trace()
            .events
            .iter()
            .any(|e| matches!(e.kind, EventKind::HttpResponse { .. }))
    );
    // Next reveals the action: the 101 and the key, highlighted; the 101 selected.
    press(&mut h, "Next ▶");
    performed(&mut h, "step 2", "http_response");
    assert_eq!(
        h.state()
            .lessons()
            .player()
            .unwrap()
            .pane()
            .highlighted()
            .len(),
        2
    );

    // Step 3 talks only: the diagram and its run stay.
    let events = trace_len(&h);
    press(&mut h, "Next ▶");
    let player = h.state().lessons().player().unwrap();
    assert!(!player.is_working());
    assert!(player.pane().trace().events.len() >= events);
    assert!(player.pane().highlighted().is_empty());

    // Step 4: the question skipped with Next, then the echo.
    key(&mut h, egui::Key::ArrowRight);
    assert!(shows(&h, "Who masks the echo?"));
    key(&mut h, egui::Key::ArrowRight);
    performed(&mut h, "step 4", "ws_message");
    assert!(shows(&h, "last step"));
    assert!(!h.state().lessons().player().unwrap().can_next());

    // Back (←) to step 3: stage 3 again, so the lab runs from the start, and no echo.
    key(&mut h, egui::Key::ArrowLeft);
    step_until(&mut h, "the run again", |app| {
        app.lessons().player().is_some_and(|p| !p.is_working())
    });
    let player = h.state().lessons().player().unwrap();
    assert_eq!(
        player.place(),
        Place::Step {
            index: 2,
            revealed: true
        }
    );
    let trace = player.pane().trace();
    assert!(
        trace
            .events
            .iter()
            .any(|e| matches!(e.kind, EventKind::HttpResponse { status: 101, .. }))
    );
    assert!(
        !trace
            .events
            .iter()
            .any(|e| matches!(e.kind, EventKind::WsMessage { .. }))
    );

    // Presenter mode (F5): the narration stays; Esc leaves.
    key(&mut h, egui::Key::F5);
    assert!(wirelab::ui::presenter::is_active(&h.ctx));
    assert!(shows(&h, "What the 101 means"));
    assert!(h.query_by_label("Next ▶").is_some());
    key(&mut h, egui::Key::Escape);
    assert!(!wirelab::ui::presenter::is_active(&h.ctx));

    // Chinese: the narration, the counter and the buttons.
    wirelab::ui::lang::set(&h.ctx, Lang::Zh);
    h.run();
    assert!(shows(&h, "101 的含义"));
    assert!(shows(&h, "第 3 步，共 4 步"));
    press(&mut h, "◀ 上一步");
    step_until(&mut h, "step 2 again", |app| {
        app.lessons().player().is_some_and(|p| !p.is_working())
    });
    assert!(shows(&h, "服务器回答 101"));
}

#[test]
fn the_lab_views_run_does_not_corrupt_the_lessons_and_the_lesson_runs_again() {
    let mut h = harness();
    assert!(h.state_mut().open_lesson("sample"));
    h.run();
    key(&mut h, egui::Key::ArrowRight);
    performed(&mut h, "step 1", "tcp_accept");
    let lesson_events = h
        .state()
        .lessons()
        .player()
        .unwrap()
        .pane()
        .trace()
        .events
        .clone();
    // The Lab view runs http-get meanwhile.
    h.state_mut().set_view(View::Lab);
    h.run();
    button(&h, "Run").click();
    step_until(&mut h, "the Lab's run", WirelabApp::is_finished);
    assert!(
        h.state()
            .trace()
            .events
            .iter()
            .any(|e| matches!(e.kind, EventKind::WsMessage { .. }))
    );
    // The lesson's trace kept what it had, nothing of the Lab's run.
    let player = h.state().lessons().player().unwrap();
    assert_eq!(player.pane().trace().events, lesson_events);
    assert!(player.is_stale());
    // Back in the lesson, Next runs its step from the start and finds its evidence.
    h.state_mut().set_view(View::Lessons);
    h.run();
    key(&mut h, egui::Key::ArrowRight);
    key(&mut h, egui::Key::ArrowRight);
    performed(&mut h, "step 2 after the Lab's run", "http_response");
    assert!(!h.state().lessons().player().unwrap().is_stale());
}

#[test]
fn a_recording_step_opens_the_file_and_selects_its_event() {
    let mut h = harness();
    let mut lesson = sample();
    let mut read = step(p("A real browser's capture", "真实浏览器的抓包"), None);
    read.action = Some(wirelab::lesson::Action::Recording {
        file: "tests/data/pcap/ws_chromium.pcap".into(),
        event: None,
    });
    read.highlights = vec![highlight(
        EventMatcher::kind("http_response").status(101),
        false,
    )];
    lesson.id = "recorded".into();
    lesson.steps = vec![read];
    let mut catalogue = h.state().lessons().catalogue().clone();
    catalogue.lessons = vec![lesson];
    h.state_mut().lessons_mut().set_catalogue(catalogue);
    assert!(h.state_mut().open_lesson("recorded"));
    h.run();
    key(&mut h, egui::Key::Space);
    performed(&mut h, "the recording", "http_response");
    let trace = h.state().lessons().player().unwrap().pane().trace();
    assert_eq!(
        trace
            .source
            .file
            .as_deref()
            .map(|f| f.ends_with("ws_chromium.pcap")),
        Some(true)
    );
}

/// The shared lab's routing on its own: a run replaced before its `RunStarted` arrived sends
/// nothing to anyone, the new owner gets its whole run, and the other view's Step is ignored.
#[test]
fn the_shared_lab_gives_each_run_to_its_owner_only() {
    use wirelab::lab::{Lab, LabCommand, LabUpdate, RunMode};
    use wirelab::ui::shared_lab::{LabUser, SharedLab};
    let lab = Lab::start(support::lab::socket_lab(), None).map_err(|e| e.to_string());
    let mut shared = SharedLab::new(lab);
    let start = |scenario: &str, mode| LabCommand::Start {
        scenario: scenario.into(),
        mode,
    };
    shared.send(LabUser::LabView, start("ws-echo", RunMode::Run));
    shared.send(LabUser::Lessons, start("http-get", RunMode::Step));
    assert_eq!(shared.owner(), LabUser::Lessons);
    // Not the owner's: ignored (the lesson's run would otherwise be stepped by the Lab view).
    shared.send(LabUser::LabView, LabCommand::Step);
    shared.send(LabUser::Lessons, LabCommand::Step);
    let mut lessons = Vec::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !lessons
        .iter()
        .any(|u| matches!(u, LabUpdate::StageDone { index: 0, .. }))
    {
        assert!(std::time::Instant::now() < deadline, "{lessons:?}");
        shared.pump();
        while let Some(u) = shared.recv(LabUser::Lessons) {
            lessons.push(u);
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    match lessons.first() {
        Some(LabUpdate::RunStarted { scenario, .. }) => assert_eq!(scenario, "http-get"),
        other => panic!("the lesson's first update: {other:?}"),
    }
    // One Step, one stage: the Lab view's Step did not reach the lab (had it, stage 2 would
    // have started right after stage 1, before its StageDone was read here, or soon after;
    // a correct lab never fails this).
    assert!(
        !lessons
            .iter()
            .any(|u| matches!(u, LabUpdate::StageStarted { index: 1, .. }))
    );
    while let Some(u) = shared.recv(LabUser::LabView) {
        assert!(
            !matches!(u, LabUpdate::RunStarted { .. } | LabUpdate::Trace(_)),
            "the Lab view got a run it no longer owns: {u:?}"
        );
    }
}
