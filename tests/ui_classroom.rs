//! The classroom's window parts (egui_kittest, headless): presenter mode on and off (F5, Esc,
//! the top bar's buttons, `--presenter`), each theme from the Theme menu, the legend, the help
//! overlay (F1 and `?`) and About; and a scan of the sources: every colour is named in
//! `ui/theme.rs`, nowhere else.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use wirelab::lang::Lang;
use wirelab::ui::presenter;
use wirelab::ui::theme::{self, Theme, ThemeName};
use wirelab::ui::{GuiOptions, View, WirelabApp};

mod support;

fn harness_with(options: GuiOptions) -> Harness<'static, WirelabApp> {
    let mut h = Harness::builder()
        .with_size([1400.0, 900.0])
        // The Chinese labels are checked through accessibility, not pixels.
        .allow_missing_glyphs()
        .build_eframe(move |cc| WirelabApp::new(&cc.egui_ctx, options));
    h.state_mut().set_trace(support::sample::demo_trace());
    h.run();
    h
}

fn harness() -> Harness<'static, WirelabApp> {
    harness_with(GuiOptions::default())
}

fn has(h: &Harness<'static, WirelabApp>, label: &str) -> bool {
    h.query_all_by_label(label).next().is_some()
}

fn has_text_starting(h: &Harness<'static, WirelabApp>, start: &str) -> bool {
    h.query_all_by_label_contains(start).next().is_some()
}

fn key(h: &mut Harness<'static, WirelabApp>, key: egui::Key) {
    h.key_press(key);
    h.run();
}

/// Presenter mode shows the run controls, the diagram and the detail pane, nothing else.
fn assert_presenting(h: &Harness<'static, WirelabApp>, before: ThemeName) {
    assert!(presenter::is_active(&h.ctx));
    assert_eq!(theme::current(&h.ctx), ThemeName::HighContrast);
    assert_ne!(before, ThemeName::HighContrast);
    assert!(has(h, "Leave presenter mode (Esc)"));
    assert!(has(h, "Run") && has(h, "Reset"), "the run controls stay");
    assert!(has(h, "sequence diagram"));
    assert!(has(h, "Detail"), "the detail pane stays");
    assert!(!has(h, "Open…"), "no view tabs or Open… in presenter mode");
    assert!(!has(h, "Save trace JSON…"), "no second row");
    assert!(
        !has_text_starting(h, "server 127.0.0.1"),
        "no status clutter"
    );
}

fn assert_not_presenting(h: &Harness<'static, WirelabApp>, theme_before: ThemeName) {
    assert!(!presenter::is_active(&h.ctx));
    assert_eq!(
        theme::current(&h.ctx),
        theme_before,
        "the theme from before"
    );
    assert!(has(h, "Open…") && has(h, "Save trace JSON…"));
    assert!(has_text_starting(h, "server 127.0.0.1"));
    assert!(!has(h, "Leave presenter mode (Esc)"));
}

/// A teacher switches the language without leaving presenter mode.
#[test]
fn presenter_mode_has_the_language_menu() {
    let mut h = harness();
    key(&mut h, egui::Key::F5);
    assert!(presenter::is_active(&h.ctx));
    h.get_by_value("English").click();
    h.run();
    h.get_by_label("简体中文").click();
    h.run();
    assert_eq!(wirelab::ui::lang::current(&h.ctx), Lang::Zh);
    assert!(presenter::is_active(&h.ctx), "still presenting");
    assert!(has(&h, "退出演示模式（Esc）"));
}

#[test]
fn presenter_mode_by_f5_and_esc() {
    let mut h = harness();
    let before = theme::current(&h.ctx);
    let zoom = h.ctx.zoom_factor();
    key(&mut h, egui::Key::F5);
    assert_presenting(&h, before);
    assert_eq!(
        h.ctx.zoom_factor(),
        Theme::of(&h.ctx).size.presenter_zoom,
        "large text"
    );
    key(&mut h, egui::Key::Escape);
    assert_not_presenting(&h, before);
    assert_eq!(h.ctx.zoom_factor(), zoom, "the zoom from before");
    // F5 both ways.
    key(&mut h, egui::Key::F5);
    assert_presenting(&h, before);
    key(&mut h, egui::Key::F5);
    assert_not_presenting(&h, before);
}

#[test]
fn presenter_mode_by_the_buttons_keeps_a_chosen_theme() {
    let mut h = harness();
    theme::set(&h.ctx, ThemeName::Light);
    h.run();
    h.get_by_label("Presenter (F5)").click();
    h.run();
    assert_presenting(&h, ThemeName::Light);
    h.get_by_label("Leave presenter mode (Esc)").click();
    h.run();
    assert_not_presenting(&h, ThemeName::Light);
}

#[test]
fn presenter_mode_from_the_command_line_and_in_the_file_view() {
    let mut h = harness_with(GuiOptions {
        presenter: true,
        ..GuiOptions::default()
    });
    assert!(presenter::is_active(&h.ctx));
    h.state_mut().set_view(View::File);
    h.run();
    assert!(
        !has(&h, "No TCP connection yet."),
        "the connection list is hidden"
    );
    key(&mut h, egui::Key::Escape);
    assert!(!presenter::is_active(&h.ctx));
    assert!(has(&h, "No TCP connection yet."), "and back");
}

/// Esc closes the help first; only the next one leaves presenter mode.
#[test]
fn esc_closes_the_help_before_leaving_presenter_mode() {
    let mut h = harness();
    key(&mut h, egui::Key::F5);
    key(&mut h, egui::Key::F1);
    assert!(h.state().overlays().help);
    key(&mut h, egui::Key::Escape);
    assert!(!h.state().overlays().help);
    assert!(presenter::is_active(&h.ctx));
    key(&mut h, egui::Key::Escape);
    assert!(!presenter::is_active(&h.ctx));
}

#[test]
fn every_theme_from_the_menu() {
    let mut h = harness();
    for name in [
        ThemeName::Light,
        ThemeName::HighContrast,
        ThemeName::Dark,
        ThemeName::Light,
    ] {
        h.get_by_label("Theme").click();
        h.run();
        h.get_by_label(name.label().en).click();
        h.run();
        assert_eq!(theme::current(&h.ctx), name);
        assert_eq!(Theme::of(&h.ctx), name.theme());
        assert_eq!(h.ctx.theme(), name.mode());
        let style = h.ctx.style_of(name.mode());
        assert_eq!(style.visuals.panel_fill, name.theme().background);
        assert_eq!(
            style.visuals.widgets.noninteractive.fg_stroke.color,
            name.theme().text
        );
        assert!(has(&h, "sequence diagram"));
    }
}

#[test]
fn the_legend_opens_and_closes() {
    let mut h = harness();
    assert!(!has_text_starting(&h, "Client → server"));
    h.get_by_label("Legend").click();
    h.run();
    assert!(h.state().overlays().legend);
    for entry in [
        "Client → server",
        "Server → client",
        "Observed at the socket",
        "Control frames",
        "Diagnostics",
        "The browser API lane is inferred",
    ] {
        assert!(has_text_starting(&h, entry), "the legend explains {entry}");
    }
    // The button toggles it off again.
    h.get_by(|n| {
        n.role() == egui::accesskit::Role::Button && n.label().as_deref() == Some("Legend")
    })
    .click();
    h.run();
    assert!(!h.state().overlays().legend);
    assert!(!has_text_starting(&h, "Client → server"));
}

#[test]
fn help_by_f1_and_question_mark() {
    let mut h = harness();
    key(&mut h, egui::Key::F1);
    assert!(h.state().overlays().help);
    assert!(has(&h, "Keyboard shortcuts"));
    for does in [
        "Presenter mode on or off",
        "Hide or show the detail pane",
        "Hide or show the connection list",
        "Stretch or shrink the diagram's time axis",
        "Zoom the time axis at the pointer",
        "Reset the window's zoom",
    ] {
        assert!(has_text_starting(&h, does), "help lists: {does}");
    }
    key(&mut h, egui::Key::F1);
    assert!(!h.state().overlays().help, "F1 closes it");
    h.event(egui::Event::Text("?".into()));
    h.run();
    assert!(h.state().overlays().help, "? opens it");
    h.get_by_label("Close").click();
    h.run();
    assert!(!h.state().overlays().help);
    // From the Help menu too.
    h.get_by_label("Help").click();
    h.run();
    h.get_by_label("Keyboard shortcuts (F1)").click();
    h.run();
    assert!(h.state().overlays().help);
}

#[test]
fn about_shows_version_and_licences() {
    let mut h = harness();
    h.get_by_label("Help").click();
    h.run();
    h.get_by_label("About wirelab").click();
    h.run();
    assert!(h.state().overlays().about);
    assert!(has(&h, &format!("Version {}", env!("CARGO_PKG_VERSION"))));
    assert!(has(&h, &format!("Licence: {}", env!("CARGO_PKG_LICENSE"))));
    assert!(has_text_starting(&h, "SIL Open Font License"));
    key(&mut h, egui::Key::Escape);
    assert!(!h.state().overlays().about);
}

#[test]
fn the_classroom_speaks_chinese() {
    let mut h = harness();
    wirelab::ui::lang::set(&h.ctx, Lang::Zh);
    h.run();
    for label in ["主题", "图例", "帮助", "演示模式（F5）"] {
        assert!(has(&h, label), "{label}");
    }
    key(&mut h, egui::Key::F1);
    assert!(has(&h, "快捷键"));
    assert!(has(&h, "隐藏或显示详情面板"));
}

/// Every colour is named once, in `ui/theme.rs`: no colour literal anywhere else in `src/`.
#[test]
fn colours_are_named_only_in_the_theme() {
    const LITERALS: [&str; 7] = [
        "Color32::from_",
        "from_rgb(",
        "from_rgba_",
        "from_gray(",
        "from_black_alpha(",
        "from_white_alpha(",
        "Rgba::from_",
    ];
    const NAMED: [&str; 10] = [
        "WHITE", "BLACK", "RED", "GREEN", "BLUE", "YELLOW", "GRAY", "GOLD", "BROWN", "KHAKI",
    ];
    let mut found = Vec::new();
    for file in support::source::sources() {
        if file.rel == "ui/theme.rs" {
            continue;
        }
        for (n, line) in file.code.lines().enumerate() {
            let named = NAMED.iter().any(|c| {
                line.contains(&format!("Color32::{c}"))
                    || line.contains(&format!("Color32::LIGHT_{c}"))
                    || line.contains(&format!("Color32::DARK_{c}"))
            });
            if named || LITERALS.iter().any(|l| line.contains(l)) {
                found.push(format!("src/{}:{}: {}", file.rel, n + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "colours outside src/ui/theme.rs (name them in the theme):\n{}",
        found.join("\n")
    );
}

/// The in-app dialog asks before saving over an existing file, and Replace writes it.
#[test]
fn saving_over_an_existing_file_asks_first() {
    let scratch = support::temp::dir("classroom");
    let dir = scratch.path();
    let existing = dir.join("trace.json");
    std::fs::write(&existing, "keep me").unwrap();
    let mut h = harness();
    // Opening a file remembers its folder: the dialog starts there, suggesting trace.json.
    h.state_mut().open_path(&dir.join("none.pcap"));
    h.state_mut().set_view(View::Lab);
    h.run();
    h.get_by_label("Save trace JSON…").click();
    h.run_steps(10);
    let save = |h: &Harness<'static, WirelabApp>| {
        h.get_by(|n| {
            n.role() == egui::accesskit::Role::Button && n.label().as_deref() == Some("Save")
        })
        .click();
    };
    save(&h);
    h.run_steps(10);
    assert!(has(&h, "trace.json exists already. Replace it?"));
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "keep me");
    h.get_by_label("Replace").click();
    h.run_steps(10);
    let written = std::fs::read_to_string(&existing).unwrap();
    assert!(
        written.starts_with('{'),
        "the trace was written: {written:.40}"
    );
}
