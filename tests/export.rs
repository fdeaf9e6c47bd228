//! The diagram exported as SVG and PNG (`wirelab::export`) from a real lab run: the SVG parses
//! (usvg, as resvg reads it, and as XML), holds every annotation of the run in the language
//! asked for, gives every arrow its label and keeps all text on the canvas; Chinese text is
//! drawn with the bundled font; the PNG decodes at the requested size and is not blank. The
//! CLI's `run --svg --png` and `inspect --svg --conn` write the same files.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail

mod support;

use std::collections::BTreeSet;
use std::process::Command;

use resvg::tiny_skia::Pixmap;
use resvg::usvg;
use wirelab::diagram::scene::{Font, Mark, Scene};
use wirelab::export::{self, DiagramSpec, Palette};
use wirelab::lang::Lang;
use wirelab::trace::{Event, EventKind, Trace};

fn palette() -> Palette {
    wirelab::ui::export::palette(&egui::Context::default())
}

fn ws_echo() -> Trace {
    wirelab::lab::run_scenario("ws-echo", support::lab::socket_lab()).unwrap()
}

/// The trace with a stage caption in Chinese (characters the bundled font has).
fn with_chinese_caption(mut trace: Trace) -> Trace {
    let t_us = trace.events.last().map_or(0, |e| e.t_us) + 1;
    trace.events.push(Event {
        t_us,
        conn: None,
        dir: None,
        span: None,
        kind: EventKind::Stage {
            index: 99,
            label: "握手 简体中文".to_string(),
        },
    });
    trace
}

/// Every text node of a usvg tree, with its text and whether it was laid out in some font.
fn texts(group: &usvg::Group, out: &mut Vec<(String, usvg::Rect, bool)>) {
    for node in group.children() {
        match node {
            usvg::Node::Group(g) => texts(g, out),
            usvg::Node::Text(t) => {
                let text: String = t.chunks().iter().map(|c| c.text()).collect();
                let drawn = !t.flattened().children().is_empty();
                out.push((text, t.abs_bounding_box(), drawn));
            }
            _ => {}
        }
    }
}

/// The texts the scene's marks carry, as drawn (first line of each).
fn scene_labels(scene: &Scene) -> Vec<String> {
    scene
        .rows
        .iter()
        .map(|row| row.mark.label().text.clone())
        .collect()
}

/// A fresh scratch folder for one test's output files, removed when it drops.
fn temp_dir(test: &str) -> tempfile::TempDir {
    support::temp::dir(&format!("export-{test}"))
}

/// How many different colours a PNG has.
fn colours(png: &[u8]) -> (u32, u32, usize) {
    let pixmap = Pixmap::decode_png(png).expect("the PNG decodes");
    let distinct: BTreeSet<[u8; 4]> = pixmap
        .pixels()
        .iter()
        .map(|p| [p.red(), p.green(), p.blue(), p.alpha()])
        .collect();
    (pixmap.width(), pixmap.height(), distinct.len())
}

#[test]
fn the_svg_of_a_run_parses_and_holds_its_annotations_in_the_language_asked() {
    let trace = ws_echo();
    for (lang, tag, title) in [
        (Lang::En, "en", "wirelab: sequence diagram"),
        (Lang::Zh, "zh-Hans", "wirelab：时序图"),
    ] {
        let scene = export::scene(&trace, &DiagramSpec::whole_run(1280.0, lang));
        assert!(scene.rows.len() >= 6, "{} rows", scene.rows.len());
        let svg = export::svg::write_svg(&scene, &palette(), lang);
        let xml = usvg::roxmltree::Document::parse(&svg).expect("the SVG is XML");
        let root = xml.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(
            root.attribute(("http://www.w3.org/XML/1998/namespace", "lang")),
            Some(tag)
        );
        let doc_title = root
            .children()
            .find(|n| n.has_tag_name("title"))
            .and_then(|n| n.text());
        assert_eq!(doc_title, Some(title));

        // Every annotation of the run is text in the SVG.
        let all_text: String = xml
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text())
            .collect::<Vec<_>>()
            .join("\n");
        for label in scene_labels(&scene) {
            for line in label.split('\n') {
                assert!(all_text.contains(line), "{line:?} missing from the SVG");
            }
        }
        assert!(all_text.contains("101"), "the upgrade's status is shown");
        // The diagram's own words are in the language asked (the server's lane title).
        let server = if lang == Lang::Zh {
            "服务器"
        } else {
            "server"
        };
        assert!(
            all_text.contains(server),
            "{server:?} missing from the {tag} SVG"
        );
        // Every arrow has a label.
        let arrows: Vec<_> = xml
            .descendants()
            .filter(|n| n.attribute("class") == Some("arrow"))
            .collect();
        let scene_arrows = scene
            .rows
            .iter()
            .filter(|r| matches!(r.mark, Mark::Arrow(_)))
            .count();
        assert_eq!(arrows.len(), scene_arrows);
        assert!(scene_arrows >= 4);
        for arrow in arrows {
            let label: String = arrow
                .descendants()
                .filter(|n| n.has_tag_name("text"))
                .filter_map(|n| n.text())
                .collect();
            assert!(!label.trim().is_empty(), "an arrow without a label");
        }

        // usvg reads it, draws every text with the export's fonts, and all of it is on the canvas.
        let tree = export::png::parse(&svg).expect("usvg parses the SVG");
        let (w, h) = (tree.size().width(), tree.size().height());
        assert_eq!(w, scene.frame.width().ceil());
        let mut found = Vec::new();
        texts(tree.root(), &mut found);
        assert!(found.len() > scene.rows.len());
        for (text, bbox, drawn) in &found {
            assert!(*drawn, "{text:?} was not laid out in any font");
            assert!(
                bbox.left() >= 0.0 && bbox.top() >= 0.0 && bbox.right() <= w && bbox.bottom() <= h,
                "{text:?} at {bbox:?} is outside the {w}×{h} canvas"
            );
        }
    }
}

#[test]
fn a_label_shortened_to_fit_keeps_its_whole_text_as_its_title() {
    let trace = ws_echo();
    // Narrow: the long messages' labels do not fit even on two lines.
    let scene = export::scene(&trace, &DiagramSpec::whole_run(560.0, Lang::En));
    let svg = export::svg::write_svg(&scene, &palette(), Lang::En);
    let xml = usvg::roxmltree::Document::parse(&svg).unwrap();
    let titles: Vec<&str> = xml
        .descendants()
        .filter(|n| n.has_tag_name("title"))
        .filter_map(|n| n.text())
        .collect();
    let shortened: Vec<&str> = scene
        .rows
        .iter()
        .filter_map(|r| r.mark.label().full.as_deref())
        .collect();
    assert!(!shortened.is_empty(), "some labels are shortened at 560 px");
    for full in shortened {
        assert!(titles.contains(&full), "no title {full:?}");
    }
}

#[test]
fn chinese_text_is_drawn_with_the_bundled_font() {
    let trace = with_chinese_caption(ws_echo());
    let scene = export::scene(&trace, &DiagramSpec::whole_run(1000.0, Lang::En));
    let svg = export::svg::write_svg(&scene, &palette(), Lang::Zh);
    assert!(svg.contains("握手 简体中文"));
    let tree = export::png::parse(&svg).unwrap();
    let mut found = Vec::new();
    texts(tree.root(), &mut found);
    let (text, bbox, drawn) = found
        .iter()
        .find(|(t, _, _)| t.contains("简体中文"))
        .expect("the caption is a text");
    assert!(*drawn, "the Chinese caption has glyphs");
    // As wide as the export measured it (the fonts that fit the labels are those that draw
    // them), each ideograph an em, not a missing-glyph box.
    let measured = export::fonts::measure(text, Font::Small);
    assert!(
        (bbox.width() - measured).abs() < 0.05 * measured,
        "{text:?}: drawn {} px wide, measured {measured}",
        bbox.width()
    );

    // In the PNG the caption's box has ink of the text's colour, not only the backdrop.
    let png = export::png::render_png(&svg, 1.0).unwrap();
    let pixmap = Pixmap::decode_png(&png).unwrap();
    let background = palette().background;
    let mut ink = 0;
    for y in bbox.top() as u32..bbox.bottom().ceil() as u32 {
        for x in bbox.left() as u32..bbox.right().ceil() as u32 {
            let p = pixmap.pixel(x, y).unwrap();
            let far = |a: u8, b: u8| a.abs_diff(b) > 40;
            if far(p.red(), background.r) || far(p.green(), background.g) {
                ink += 1;
            }
        }
    }
    assert!(ink > 40, "only {ink} pixels of ink in the caption");
}

#[test]
fn the_png_has_the_requested_size_and_is_not_blank() {
    let trace = ws_echo();
    let scene = export::scene(&trace, &DiagramSpec::whole_run(900.0, Lang::En));
    let svg = export::svg::write_svg(&scene, &palette(), Lang::En);
    let (w, h) = (
        scene.frame.width().ceil() as u32,
        scene.frame.height().ceil() as u32,
    );
    for scale in [1.0, 2.0] {
        let png = export::png::render_png(&svg, scale).unwrap();
        let (pw, ph, distinct) = colours(&png);
        assert_eq!((pw, ph), (w * scale as u32, h * scale as u32));
        assert!(distinct > 20, "{distinct} colours: blank?");
    }
}

#[test]
fn an_empty_trace_and_a_huge_png_are_errors_not_panics() {
    let empty = Trace::new(Default::default(), chrono::Utc::now());
    let scene = export::scene(&empty, &DiagramSpec::whole_run(800.0, Lang::En));
    // The scene of nothing still writes a valid SVG ...
    let svg = export::svg::write_svg(&scene, &palette(), Lang::En);
    assert!(export::png::parse(&svg).is_ok());
    // ... and a PNG too large to draw is refused.
    let err = export::png::render_png(&svg, 1000.0).unwrap_err();
    assert!(err.to_string().contains("too large"), "{err}");
}

fn wirelab() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wirelab"));
    cmd.env_remove("WIRELAB_LOG");
    cmd
}

fn run_ok(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}: {}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn the_cli_exports_a_run_and_one_connection_of_a_file() {
    let scratch = temp_dir("cli");
    let dir = scratch.path();
    let (svg, png) = (dir.join("run.svg"), dir.join("run.png"));
    let said = run_ok(
        wirelab()
            .args(["run", "ws-echo", "--capture", "socket", "--lang", "zh"])
            .args([
                "--svg".as_ref(),
                svg.as_os_str(),
                "--png".as_ref(),
                png.as_os_str(),
                "--png-scale".as_ref(),
                "2".as_ref(),
            ]),
    );
    assert!(
        said.contains("run.svg") && said.contains("run.png"),
        "{said}"
    );
    let text = std::fs::read_to_string(&svg).unwrap();
    let tree = export::png::parse(&text).unwrap();
    assert!(text.contains("xml:lang=\"zh-Hans\""));
    assert!(text.contains("101 Switching Protocols"));
    let (w, h) = (tree.size().width() as u32, tree.size().height() as u32);
    let (pw, ph, distinct) = colours(&std::fs::read(&png).unwrap());
    assert_eq!((pw, ph), (2 * w, 2 * h));
    assert!(distinct > 20);

    // One connection of a real capture.
    let capture = support::fixtures::shared_fixture("ws_python_echo.pcap");
    let one = dir.join("conn0.svg");
    run_ok(
        wirelab()
            .args(["inspect", &capture, "--conn", "0"])
            .args(["--svg".as_ref(), one.as_os_str()]),
    );
    let text = std::fs::read_to_string(&one).unwrap();
    export::png::parse(&text).unwrap();
    assert!(
        text.contains("Sec-WebSocket") || text.contains("101"),
        "the upgrade is drawn"
    );

    // A connection that is not there is a clear error.
    let out = wirelab()
        .args(["inspect", &capture, "--conn", "999", "--svg"])
        .arg(dir.join("none.svg"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no connection 999"), "{err}");
}

/// A lesson's export carries the step it shows on a band above the diagram; the PNG grows by
/// that band and the diagram below is unchanged.
#[test]
fn a_caption_goes_on_a_band_above_the_diagram() {
    let trace = ws_echo();
    let scene = export::scene(&trace, &DiagramSpec::whole_run(900.0, Lang::Zh));
    let caption = "升级握手 · 第 4 步（共 9 步）：服务器回应 101 Switching Protocols";
    let plain = export::svg::write_svg(&scene, &palette(), Lang::Zh);
    let captioned = export::svg::write_captioned_svg(&scene, &palette(), Lang::Zh, Some(caption));
    assert!(!plain.contains("class=\"caption\""));
    let xml = usvg::roxmltree::Document::parse(&captioned).unwrap();
    let text: String = xml
        .descendants()
        .filter(|n| n.has_tag_name("g") && n.attribute("class") == Some("caption"))
        .flat_map(|g| g.descendants().filter(|n| n.has_tag_name("text")))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(text.trim(), caption);
    let (a, b) = (
        export::png::parse(&plain).unwrap().size(),
        export::png::parse(&captioned).unwrap().size(),
    );
    assert_eq!(a.width(), b.width());
    assert_eq!(b.height() - a.height(), 30.0);
}
