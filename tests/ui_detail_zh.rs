//! The detail pane in Chinese: run `ws-echo` in a window that speaks Chinese, select the
//! upgrade request and the 101, and read the Chinese explanation of `Sec-WebSocket-Key` and
//! the Chinese `Sec-WebSocket-Accept` derivation (egui_kittest, the bundled CJK font).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod support;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable};
use wirelab::lang::Lang;
use wirelab::proto::http::explain_header;
use wirelab::ui::{GuiOptions, WirelabApp};

use support::gui::{harness_builder, step_until};

fn labels(h: &Harness<'static, WirelabApp>) -> Vec<String> {
    h.query_all_by(|n| n.label().is_some())
        .filter_map(|n| n.accesskit_node().label())
        .collect()
}

/// Clicks the diagram's arrow labelled `text` (its summary).
fn select_arrow(h: &mut Harness<'static, WirelabApp>, text: &str) {
    h.query_all_by(|n| n.role() == Role::Button && n.label().is_some_and(|l| l == text))
        .next()
        .unwrap_or_else(|| panic!("no arrow with {text:?} in {:?}", labels(h)))
        .click();
    h.run();
}

#[test]
fn ws_echo_in_chinese_explains_the_handshake_in_chinese() {
    let options = GuiOptions {
        scenario: Some("ws-echo".into()),
        lang: Lang::Zh,
        ..GuiOptions::default()
    };
    // ✓ and ✗ (in the upgrade check's summary, in both languages) are in neither egui's font
    // nor the CJK subset; tests/cjk_font.rs holds the subset to every Chinese character.
    let mut h = harness_builder()
        .with_size([1400.0, 900.0])
        .allow_missing_glyphs()
        .build_eframe(|cc| WirelabApp::new(&cc.egui_ctx, options));
    h.run();
    if let Some(e) = h.state().error() {
        panic!("the lab did not start: {e}");
    }
    // The Run button is named in the window's language once the UI's texts are translated.
    h.get_by(|n| n.role() == Role::Button && n.label().is_some_and(|l| l == "Run" || l == "运行"))
        .click();
    step_until(&mut h, "the run to finish", WirelabApp::is_finished);
    h.key_press(egui::Key::Home);
    h.run();

    // The upgrade request: each header with its Chinese explanation, the key's included.
    select_arrow(&mut h, "GET /echo HTTP/1.1 (Upgrade: websocket)");
    let key = explain_header("Sec-WebSocket-Key").unwrap().shown(Lang::Zh);
    assert!(
        key.contains("16 字节") && key.contains("RFC 6455 §4.1"),
        "{key}"
    );
    assert!(
        h.query_by_label(&key).is_some(),
        "{key} not in {:?}",
        labels(&h)
    );
    h.get_by_label_contains("HTTP 请求");

    // The 101: the status's meaning and the accept derivation, step by step, in Chinese.
    select_arrow(&mut h, "HTTP/1.1 101 Switching Protocols");
    // The status line's meaning, and the note on the 101.
    assert!(
        h.query_all_by_label_contains("Switching Protocols（切换协议）")
            .count()
            >= 2
    );
    h.get_by_label_contains("Sec-WebSocket-Accept 的计算步骤（RFC 6455 §4.2.2）");
    h.get_by_label_contains("2. 在后面拼接固定的 GUID");
    h.get_by_label_contains("一致：服务器确实读到了这个 key");
    let accept = explain_header("Sec-WebSocket-Accept")
        .unwrap()
        .shown(Lang::Zh);
    h.get_by_label(&accept);
    // No English explanation is left beside the headers.
    let english = explain_header("Sec-WebSocket-Accept")
        .unwrap()
        .shown(Lang::En);
    assert!(
        h.query_by_label(&english).is_none(),
        "the English explanation is still shown"
    );
}
