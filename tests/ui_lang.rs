//! The window in English and in Chinese: the language menu switches everything at once (the
//! chrome and the scenario's stage captions in the diagram), and `--lang zh` (GuiOptions)
//! starts in Chinese.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod support;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use wirelab::lang::Lang;
use wirelab::ui::{GuiOptions, WirelabApp};

use support::gui::{harness_builder, step_until};

fn harness(options: GuiOptions) -> Harness<'static, WirelabApp> {
    harness_builder()
        .with_size([1400.0, 900.0])
        .build_eframe(move |cc| WirelabApp::new(&cc.egui_ctx, options))
}

fn options(lang: Lang) -> GuiOptions {
    GuiOptions {
        lab: support::lab::socket_lab(),
        scenario: Some("http-get".into()),
        lang,
        ..GuiOptions::default()
    }
}

/// Picks `lang` in the top bar's language menu (the combo box showing the current one).
fn switch_to(h: &mut Harness<'static, WirelabApp>, from: Lang, to: Lang) {
    h.get_by(|n| n.role() == Role::ComboBox && n.value().as_deref() == Some(from.native_name()))
        .click();
    h.run();
    h.get_by_label(to.native_name()).click();
    h.run();
}

/// Whether some node's label contains `text`.
fn shows(h: &Harness<'static, WirelabApp>, text: &str) -> bool {
    h.query_all_by_label_contains(text).next().is_some()
}

#[test]
fn the_language_menu_switches_the_chrome_and_the_stage_captions() {
    let mut h = harness(options(Lang::En));
    h.run();
    if let Some(e) = h.state().error() {
        panic!("the lab did not start: {e}");
    }
    // English first: the tabs, Run, the Step button naming the scenario.
    h.get_by_label("Run");
    h.get_by_label("Capture");
    assert!(shows(&h, "Step: start http-get"));
    h.get_by_label("Run").click();
    step_until(&mut h, "the run to finish", WirelabApp::is_finished);
    assert!(shows(&h, "client: request GET /hello"));

    switch_to(&mut h, Lang::En, Lang::Zh);
    // The chrome…
    h.get_by_label("运行");
    h.get_by_label("重置");
    h.get_by_label("抓包");
    assert!(shows(&h, "已完成 · 阶段 4/4"), "the run's state in Chinese");
    assert!(h.query_by_label("Run").is_none(), "Run is still in English");
    // …and the run's stage captions in the diagram, in the same trace.
    assert!(shows(&h, "客户端：请求 GET /hello"));
    assert!(shows(&h, "服务器回应 200 OK 和一段短文本"));
    assert!(!shows(&h, "client: request GET /hello"));
    // The trace itself now says it in Chinese (what a save writes).
    let stages: Vec<String> = h
        .state()
        .trace()
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            wirelab::trace::EventKind::Stage { label, .. } => Some(label.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(stages.len(), 4);
    assert!(
        stages.contains(&"客户端：TCP 连接".to_string()),
        "{stages:?}"
    );

    switch_to(&mut h, Lang::Zh, Lang::En);
    h.get_by_label("Run");
    assert!(shows(&h, "client: request GET /hello"));
    assert!(!shows(&h, "客户端：请求 GET /hello"));
}

#[test]
fn a_chinese_start_shows_chinese_at_once_and_the_steps_speak_it() {
    let mut h = harness(options(Lang::Zh));
    h.run();
    if let Some(e) = h.state().error() {
        panic!("the lab did not start: {e}");
    }
    h.get_by_label("运行");
    h.get_by_label("实验室");
    h.get_by_label("文件");
    assert!(shows(&h, "单步：开始 http-get"));
    assert_eq!(h.state().step_label(), "单步：开始 http-get");
    // A stepped run names its next stage in Chinese.
    h.get_by_label_contains("单步：开始").click();
    step_until(&mut h, "the first stage", |app| app.completed_stages() == 1);
    assert_eq!(h.state().step_label(), "单步：客户端：请求 GET /hello");
    assert!(shows(&h, "客户端：TCP 连接"));
}
