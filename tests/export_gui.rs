//! Export… in the diagram's options, driven through the window (egui_kittest): the menu, the
//! app's save dialog, the file written; in English and in Chinese (the bundled font draws the
//! menu, so the harness does not tolerate missing glyphs; the capture opened has no text in
//! other scripts, which only a system font would draw).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail

mod support;

use std::path::Path;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use resvg::tiny_skia::Pixmap;
use wirelab::lang::Lang;
use wirelab::ui::{GuiOptions, View, WirelabApp};

fn harness(lang: Lang) -> Harness<'static, WirelabApp> {
    let options = GuiOptions {
        lang,
        lab: support::lab::socket_lab(),
        open: Some(support::fixtures::shared_dir().join("ws_fragmented.pcap")),
        ..GuiOptions::default()
    };
    let mut h = support::gui::harness_builder()
        .with_size([1500.0, 950.0])
        .build_eframe(move |cc| WirelabApp::new(&cc.egui_ctx, options));
    for _ in 0..3_000 {
        h.step();
        if !h.state().is_loading() && !h.state().file_pane().trace().events.is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    h.run();
    assert_eq!(h.state().view(), View::File);
    assert_eq!(h.state().file_error(), None);
    h
}

/// Where a test saves `name`, removed when it drops.
fn temp_path(name: &str) -> tempfile::TempPath {
    support::temp::path(&format!("export-gui-{name}"))
}

/// Picks `format` in the Export… menu (`menu` in the window's language) and saves to `to`
/// through the save dialog (whose button is `save`).
fn export(h: &mut Harness<'static, WirelabApp>, menu: &str, format: &str, to: &Path) {
    h.get_by_label(menu).click();
    h.run();
    h.get_by_label(format).click();
    // The dialog fades in: a fixed number of frames rather than `run`.
    h.run_steps(10);
    let name = h.get_by(|n| {
        n.role() == Role::TextInput && n.label().is_some_and(|l| l == "file name" || l == "文件名")
    });
    name.focus();
    h.run_steps(2);
    // Select the name the dialog proposes and type the whole path over it.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run_steps(2);
    let name = h.get_by(|n| {
        n.role() == Role::TextInput && n.label().is_some_and(|l| l == "file name" || l == "文件名")
    });
    name.type_text(&to.display().to_string());
    h.run_steps(10);
    h.get_by(|n| n.role() == Role::Button && n.label().is_some_and(|l| l == "Save" || l == "保存"))
        .click();
    h.run_steps(10);
}

#[test]
fn export_writes_the_diagram_as_svg_from_the_menu() {
    let mut h = harness(Lang::En);
    let to = temp_path("diagram.svg");
    export(&mut h, "Export…", "SVG (vector, selectable text)…", &to);
    let status = h
        .state()
        .file_pane()
        .export_status()
        .map(|s| s.text.en.clone());
    let svg = std::fs::read_to_string(&to)
        .unwrap_or_else(|e| panic!("{}: {e} (status {status:?})", to.display()));
    assert!(status.unwrap().contains("exported the diagram"));
    wirelab::export::png::parse(&svg).expect("the SVG parses");
    assert!(svg.contains("xml:lang=\"en\""));
    assert!(
        svg.contains("101 Switching Protocols"),
        "the upgrade is drawn"
    );
}

#[test]
fn in_chinese_the_menu_exports_a_png_for_a_projector() {
    let mut h = harness(Lang::Zh);
    let to = temp_path("diagram.png");
    export(&mut h, "导出…", "PNG 2×（适合投影）…", &to);
    let status = h
        .state()
        .file_pane()
        .export_status()
        .map(|s| s.text.zh.clone());
    let png = std::fs::read(&to).unwrap_or_else(|e| panic!("{}: {e} ({status:?})", to.display()));
    assert!(status.unwrap().contains("时序图已导出到"));
    let pixmap = Pixmap::decode_png(&png).expect("the PNG decodes");
    // Twice the diagram's width in the window.
    let width = h.state().file_pane().diagram_width();
    assert!(
        (pixmap.width() as f32 - 2.0 * width).abs() <= 2.0,
        "{} px for a diagram {width} wide",
        pixmap.width()
    );
}
