//! The Compare view, clicked through headless (egui_kittest): open it, pick a preset, run a
//! short workload on the real lab, see the four diagrams fill and the cards count, hover a
//! delivery to highlight the same server event everywhere, click it for the detail pane, and
//! export the comparison as JSON through the save dialog.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod support;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use wirelab::analysis::compare::TECHNIQUES;
use wirelab::ui::{GuiOptions, View, WirelabApp};

use support::gui::step_until;
use support::lab::socket_lab;

fn harness() -> Harness<'static, WirelabApp> {
    let options = GuiOptions {
        lab: socket_lab(),
        ..GuiOptions::default()
    };
    Harness::builder()
        .with_size([1400.0, 900.0])
        .allow_missing_glyphs()
        .build_eframe(move |cc| WirelabApp::new(&cc.egui_ctx, options))
}

fn button<'h>(h: &'h Harness<'static, WirelabApp>, label: &'h str) -> egui_kittest::Node<'h> {
    h.get_by(move |n| n.role() == Role::Button && n.label().is_some_and(|l| l == label))
}

fn text_input<'h>(h: &'h Harness<'static, WirelabApp>, label: &'h str) -> egui_kittest::Node<'h> {
    h.get_by(move |n| n.role() == Role::TextInput && n.label().is_some_and(|l| l == label))
}

/// Runs the classroom preset, shortened, to the end.
fn run_short(h: &mut Harness<'static, WirelabApp>) {
    h.get_by_label("Compare").click();
    h.run();
    assert_eq!(h.state().view(), View::Compare);
    // The preset picker, then the preset.
    h.get_by_label("Preset").click();
    h.run();
    h.get_by_label("classroom").click();
    h.run();
    let controls = h.state_mut().compare_mut().controls_mut();
    assert_eq!(controls.preset, Some("classroom"));
    // Short enough for a test: a few events close together.
    controls.events = 3;
    controls.interval_ms = 60;
    controls.poll_ms = 20;
    controls.delay_ms = 0;
    h.run();
    button(h, "▶ Run").click();
    step_until(h, "the comparison to finish", |app| {
        app.compare().is_finished()
    });
    // The progress is the trace's own count of created events: the run's one source made
    // the three (no late request can start another while the run holds it).
    assert_eq!(h.state().compare().progress(), (3, 3));
}

#[test]
fn a_short_comparison_fills_four_diagrams_and_cards_and_exports_json() {
    let mut h = harness();
    run_short(&mut h);
    let compare = h.state().compare();
    assert_eq!(compare.error(), None);
    // Four lanes filled, one per technique.
    let rows = compare.lane_rows();
    assert_eq!(rows.len(), 4);
    assert!(rows.iter().all(|&n| n > 0), "{rows:?}");
    // Every technique delivered the three events, and its card says so.
    for technique in TECHNIQUES {
        let result = compare.comparison().technique(technique).expect("seen");
        assert_eq!(result.events_delivered(), 3, "{technique:?}");
        assert!(result.counts.http_requests >= 1, "{technique:?}");
    }
    assert_eq!(h.get_all_by_label("events delivered").count(), 4);
    assert!(h.get_all_by_label("HTTP requests").count() >= 4);

    // Export: Save JSON… opens the dialog, the path typed is written, and parses.
    let scratch = support::temp::dir("ui-compare");
    let path = scratch.path().join("compare.json");
    button(&h, "Save JSON…").click();
    h.run_steps(10);
    text_input(&h, "file name").focus();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    text_input(&h, "file name").type_text(&path.display().to_string());
    h.run_steps(10);
    button(&h, "Save").click();
    h.run_steps(10);
    let text = std::fs::read_to_string(&path).expect("the comparison was saved");
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let techniques = json["techniques"].as_array().expect("techniques");
    assert_eq!(techniques.len(), 4, "{json}");
    for t in techniques {
        assert_eq!(t["events_delivered"], 3, "{t}");
    }
    assert!(json["workload"].is_object(), "{json}");
}

#[test]
fn hovering_a_delivery_highlights_the_same_event_in_every_diagram_and_a_click_opens_it() {
    let mut h = harness();
    run_short(&mut h);
    // The WebSocket message carrying event 2: its row in the WebSocket diagram.
    let (technique, full) = {
        let compare = h.state().compare();
        let ws = compare
            .comparison()
            .technique(wirelab::analysis::metrics::Technique::WebSocket)
            .unwrap();
        let d = ws.delivered.iter().find(|d| d.id == 2).expect("event 2");
        (ws.technique, d.event)
    };
    // Scrolled into view (by selecting it, then letting go).
    h.state_mut().compare_mut().select(technique, Some(full));
    h.run();
    h.state_mut().compare_mut().select(technique, None);
    h.run();
    assert_eq!(h.state().compare().selected(), None);
    let summary = wirelab::trace::describe::summary(
        &h.state().compare().trace().events[full],
        wirelab::lang::Lang::En,
    );
    let row = h
        .query_all_by(|n| n.role() == Role::Button && n.label().is_some_and(|l| l == summary))
        .next()
        .map(|n| n.rect())
        .unwrap_or_else(|| panic!("a row {summary:?}"));
    h.hover_at(row.center());
    h.run();
    assert_eq!(h.state().compare().hovered_ids(), [2]);
    // Each diagram highlights the row that delivered event 2.
    assert_eq!(h.state().compare().highlighted(), vec![1, 1, 1, 1]);

    // A click selects it and opens the detail pane beside the diagrams.
    h.event(egui::Event::PointerButton {
        pos: row.center(),
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: egui::Modifiers::NONE,
    });
    h.event(egui::Event::PointerButton {
        pos: row.center(),
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: egui::Modifiers::NONE,
    });
    h.run();
    assert_eq!(h.state().compare().selected(), Some((technique, full)));
    h.get_by_label("Detail");
}
