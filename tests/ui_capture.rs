//! The File and Capture views, driven headless through their accessibility tree
//! (egui_kittest): real capture files from `../shared/fixtures`, real live capture on `lo`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable};
use wirelab::ui::{GuiOptions, View, WirelabApp};

use support::capture::{Capture, require_capture};

fn fixture(name: &str) -> PathBuf {
    support::fixtures::shared_dir().join(name)
}

fn harness() -> Harness<'static, WirelabApp> {
    let options = GuiOptions {
        lang: wirelab::lang::Lang::En,
        // The lab is not what these tests look at: keep it off the capture device.
        lab: wirelab::lab::LabConfig {
            capture: wirelab::lab::CaptureMode::Socket,
            ..wirelab::lab::LabConfig::default()
        },
        ..GuiOptions::default()
    };
    Harness::builder()
        .with_size([1500.0, 950.0])
        .allow_missing_glyphs()
        .build_eframe(move |cc| WirelabApp::new(&cc.egui_ctx, options))
}

/// Steps the harness until `done` holds, with short real waits (readers and captures run on
/// their own threads); bounded.
fn step_until(
    h: &mut Harness<'static, WirelabApp>,
    what: &str,
    done: impl Fn(&mut WirelabApp) -> bool,
) {
    for _ in 0..3_000 {
        h.step();
        if done(h.state_mut()) {
            h.step();
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    panic!("timed out waiting for {what}");
}

/// Opens `path` the way File ▸ Open… does after the dialog, and waits for the reader.
fn open(h: &mut Harness<'static, WirelabApp>, path: &Path) {
    h.state_mut().open_path(path);
    step_until(h, "the file to load", |app| !app.is_loading());
    h.run();
}

/// Every label in the tree, for failure messages.
fn labels(h: &Harness<'static, WirelabApp>) -> Vec<String> {
    h.query_all_by(|n| n.label().is_some())
        .filter_map(|n| n.accesskit_node().label())
        .collect()
}

/// The rows of the connection list: buttons whose label starts with `#`.
fn connection_rows(h: &Harness<'static, WirelabApp>) -> Vec<String> {
    h.query_all_by(|n| {
        n.role() == Role::Button
            && n.label()
                .is_some_and(|l| l.starts_with('#') && l.contains('→'))
    })
    .filter_map(|n| n.accesskit_node().label())
    .collect()
}

fn text_input<'h>(h: &'h Harness<'static, WirelabApp>, label: &'h str) -> egui_kittest::Node<'h> {
    h.get_by(move |n| n.role() == Role::TextInput && n.label().is_some_and(|l| l == label))
}

#[test]
fn websocket_fixture_lists_its_connection_and_shows_the_upgrade() {
    let mut h = harness();
    open(&mut h, &fixture("ws_python_echo.pcap"));
    assert_eq!(h.state().view(), View::File);
    assert_eq!(h.state().file_error(), None);
    let rows = connection_rows(&h);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0].contains("WebSocket"), "{rows:?}");
    // "All" shows the 101 already; selecting the connection shows its own diagram.
    h.get_by(|n| n.role() == Role::Button && n.label().is_some_and(|l| l.starts_with("#0")))
        .click();
    h.run();
    assert_eq!(h.state().file_pane().selected_conn(), Some(0));
    let upgrade = h
        .query_all_by(|n| {
            n.role() == Role::Button
                && n.label()
                    .is_some_and(|l| l.contains("101 Switching Protocols"))
        })
        .next()
        .unwrap_or_else(|| panic!("no 101 row in {:?}", labels(&h)));
    upgrade.click();
    h.run();
    // The detail pane derives the accept key, as in the Lab.
    assert!(
        h.query_all_by_label_contains("258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
            .next()
            .is_some(),
        "{:?}",
        labels(&h)
    );
    // Back to all connections.
    h.get_by(|n| {
        n.role() == Role::Button && n.label().is_some_and(|l| l.starts_with("All connections"))
    })
    .click();
    h.run();
    assert_eq!(h.state().file_pane().selected_conn(), None);
}

#[test]
fn a_compressed_message_shows_its_wire_bytes_beside_what_they_inflate_to() {
    let mut h = harness();
    open(&mut h, &fixture("ws_python_deflate.pcap"));
    // The client's first quote: 104 bytes of JSON, compressed to 93 (the first message has
    // no earlier window to refer to).
    let arrow = h
        .query_all_by(|n| {
            n.role() == Role::Button && n.label().is_some_and(|l| l.contains("(104 B)"))
        })
        .next()
        .unwrap_or_else(|| panic!("no 104-byte message in {:?}", labels(&h)));
    arrow.click();
    h.run();
    for expected in [
        "on the wire (93 bytes, unmasked)",
        "inflated (104 bytes)",
        "{\"type\":\"quote\",\"symbol\":\"ACME\"",
        "compressed and inflated",
    ] {
        assert!(
            h.query_all_by_label_contains(expected).next().is_some(),
            "{expected:?} not in {:?}",
            labels(&h)
        );
    }
}

#[test]
fn http_fixture_is_filtered_by_text_and_port() {
    let mut h = harness();
    open(&mut h, &fixture("http_short_poll.pcap"));
    assert_eq!(connection_rows(&h).len(), 1);
    assert!(connection_rows(&h)[0].contains("HTTP"));
    let server = h.state().file_pane().trace().connections[0].server.clone();
    let port = server.rsplit(':').next().unwrap().to_string();

    // Free text matches an event's summary (the request target).
    text_input(&h, "filter").focus();
    text_input(&h, "filter").type_text("/POLL?since");
    h.run();
    assert_eq!(connection_rows(&h).len(), 1, "{:?}", labels(&h));
    h.state_mut().file_pane_mut().filter.text = "no-such-thing".into();
    h.run();
    assert!(connection_rows(&h).is_empty());
    h.get_by_label_contains("No connection matches");

    // The port, typed.
    h.state_mut().file_pane_mut().filter.text.clear();
    text_input(&h, "port").focus();
    text_input(&h, "port").type_text(&port);
    h.run();
    assert_eq!(connection_rows(&h).len(), 1);
    h.state_mut().file_pane_mut().filter.port = "1".into();
    h.run();
    assert!(connection_rows(&h).is_empty());
    h.state_mut().file_pane_mut().filter.port = "http".into();
    h.run();
    h.get_by_label_contains("is not a port number");
}

#[test]
fn several_connections_filter_by_protocol_and_each_has_its_diagram() {
    let mut h = harness();
    open(&mut h, &fixture("ws_bad_handshake.pcap"));
    let all = connection_rows(&h).len();
    assert_eq!(all, 5);
    // Free text picks out the one connection whose events mention it.
    text_input(&h, "filter").focus();
    text_input(&h, "filter").type_text("POST");
    h.run();
    let rows = connection_rows(&h);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0].starts_with("#3 "), "{rows:?}");
    h.state_mut().file_pane_mut().filter.text.clear();
    h.state_mut().file_pane_mut().filter.protocol =
        Some(wirelab::analysis::connections::Protocol::Http);
    h.run();
    let http = connection_rows(&h);
    h.state_mut().file_pane_mut().filter.protocol =
        Some(wirelab::analysis::connections::Protocol::WebSocket);
    h.run();
    let ws = connection_rows(&h);
    // Every connection is one or the other: a refused upgrade still tried WebSocket (the
    // fixture's README: #0 plain GET 426, #1 no key 400, #2 version 8 400, #3 POST left
    // unanswered, #4 a valid handshake).
    let numbers = |rows: &[String]| -> Vec<String> {
        rows.iter()
            .map(|r| r.split_whitespace().next().unwrap().to_string())
            .collect()
    };
    assert_eq!(numbers(&http), ["#0", "#3"], "{http:?}");
    assert_eq!(numbers(&ws), ["#1", "#2", "#4"], "{ws:?}");
    // Each connection's diagram shows only its own events.
    h.state_mut().file_pane_mut().filter.protocol = None;
    h.state_mut().file_pane_mut().select_conn(Some(2));
    h.run();
    let pane = h.state().file_pane();
    assert!(pane.shown().events.iter().all(|e| e.conn == Some(2)));
    assert_eq!(pane.shown().connections.len(), 1);
}

/// `bytes` in a file `name` of the scratch folder `dir` (removed when the test drops it).
fn temp_file(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn unreadable_files_give_one_error_line_and_damaged_ones_what_they_hold() {
    let dir = support::temp::dir("ui-capture");
    let mut h = harness();
    // Garbage with a capture extension: libpcap's reason.
    open(
        &mut h,
        &temp_file(
            &dir,
            "garbage.pcap",
            b"this is not a capture file, just text",
        ),
    );
    let e = h.state().file_error().expect("an error").to_string();
    assert!(e.contains("garbage.pcap") && !e.contains('\n'), "{e}");
    h.get_by_label(&e);
    // Garbage with no known extension.
    open(
        &mut h,
        &temp_file(&dir, "noise.bin", &[0x13, 0x37, 0, 1, 2, 3, 4, 5, 6]),
    );
    assert!(h.state().file_error().unwrap().contains("not a pcap"));
    // A header cut short.
    let echo = std::fs::read(fixture("ws_python_echo.pcap")).unwrap();
    open(&mut h, &temp_file(&dir, "short.pcap", &echo[..12]));
    let e = h.state().file_error().expect("an error for a cut header");
    assert!(!e.contains('\n'), "{e}");
    // Cut in the middle of a packet: everything before it, plus a note.
    let cut = echo.len() * 2 / 3 + 7;
    open(&mut h, &temp_file(&dir, "cut.pcap", &echo[..cut]));
    assert_eq!(h.state().file_error(), None);
    assert_eq!(connection_rows(&h).len(), 1);
    assert!(h.state_mut().file_pane_mut().other_diagnostics() >= 1);
    // Said above the list and drawn in the All diagram.
    assert!(h.query_all_by_label_contains("ends early").next().is_some());
    // tshark's JSON dissection of a capture is not a trace, and the error says so.
    open(&mut h, &fixture("http_sse.tshark.json"));
    let e = h.state().file_error().expect("an error").to_string();
    assert!(
        e.contains("tshark's packet dissection (tshark -T json), not a wirelab trace"),
        "{e}"
    );
    assert!(!e.contains('\n'), "{e}");
    h.get_by_label(&e);
    // A trace JSON opens too (by content).
    let json = temp_file(
        &dir,
        "demo-trace",
        support::sample::demo_trace().to_json().as_bytes(),
    );
    open(&mut h, &json);
    assert_eq!(h.state().file_error(), None);
    assert!(!h.state().file_pane().trace().events.is_empty());
}

#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn dropping_a_file_opens_it() {
    let mut h = harness();
    assert_eq!(h.state().view(), View::Lab);
    h.input_mut()
        .dropped_files
        .push(Arc::new(Dropped(fixture("http_sse.pcap"))));
    h.step();
    assert_eq!(h.state().view(), View::File);
    step_until(&mut h, "the dropped file to load", |app| !app.is_loading());
    h.run();
    let rows = connection_rows(&h);
    assert!(rows.iter().any(|r| r.contains("SSE")), "{rows:?}");
}

#[test]
fn open_button_dialog_opens_a_typed_path() {
    let mut h = harness();
    h.get_by_label("Open…").click();
    // The dialog fades in and out: a fixed number of frames rather than `run`.
    h.run_steps(10);
    let path = fixture("ws_python_echo.pcap");
    text_input(&h, "file name").focus();
    text_input(&h, "file name").type_text(&path.display().to_string());
    h.run_steps(10);
    h.get_by(|n| n.role() == Role::Button && n.label().is_some_and(|l| l == "Open"))
        .click();
    // The reader asks for frames while it reads.
    h.step();
    step_until(&mut h, "the file to load", |app| !app.is_loading());
    h.run();
    assert_eq!(h.state().file_error(), None);
    assert_eq!(connection_rows(&h).len(), 1);
}

#[test]
fn capture_filter_is_validated_as_typed() {
    let mut h = harness();
    h.state_mut().set_view(View::Capture);
    h.state_mut().capture_mut().filter.clear();
    h.run();
    text_input(&h, "BPF filter").focus();
    text_input(&h, "BPF filter").type_text("tcp port");
    h.run();
    // libpcap's own wording (1.10), shown after ours.
    let error = h
        .state_mut()
        .capture_mut()
        .filter_error()
        .map(str::to_string);
    assert_eq!(
        error.as_deref(),
        Some("libpcap error: can't parse filter expression: syntax error")
    );
    h.get_by_label(&format!("filter error: {}", error.unwrap()));
    assert!(!h.state_mut().capture_mut().can_start());
    text_input(&h, "BPF filter").type_text(" 8088");
    h.run();
    assert_eq!(h.state().capture().filter, "tcp port 8088");
    assert_eq!(h.state_mut().capture_mut().filter_error(), None);
    assert!(
        h.query_all_by_label_contains("filter error")
            .next()
            .is_none()
    );
    assert!(h.state_mut().capture_mut().can_start());
}

#[test]
fn live_capture_on_lo_shows_a_lab_run_and_stops() {
    let capture = require_capture("ui_capture::live_capture_on_lo_shows_a_lab_run_and_stops");
    let mut h = harness();
    h.run();
    let port = h.state().lab_server().expect("the lab runs").port();
    h.state_mut().set_view(View::Capture);
    h.run();
    let scratch = support::temp::dir("ui-live");
    let out = scratch.path().join("live.pcapng");
    {
        let c = h.state_mut().capture_mut();
        c.device = "lo".into();
        c.filter = format!("tcp port {port}");
        c.output = out.display().to_string();
    }
    h.run();
    h.get_by_label("Start").click();
    h.step();
    if capture == Capture::Skipped {
        // Not permitted, and skipping was asked for: what is left to check is the banner.
        let banner = h
            .state()
            .capture()
            .permission_banner()
            .unwrap_or_else(|| panic!("neither capturing nor a banner: {:?}", labels(&h)))
            .to_string();
        assert!(
            banner.contains("setcap cap_net_raw,cap_net_admin=eip"),
            "{banner}"
        );
        h.run();
        h.get_by_label_contains("Packet capture is not permitted");
        return;
    }
    assert!(
        h.state().capture().is_running(),
        "the capture did not start: {:?} {:?}",
        h.state().capture().permission_banner(),
        h.state().capture().status()
    );
    // A real WebSocket conversation through the lab on 127.0.0.1.
    h.state_mut().set_view(View::Lab);
    h.run();
    h.get_by_label("Run").click();
    step_until(&mut h, "the lab run", |app| app.is_finished());
    h.state_mut().set_view(View::Capture);
    step_until(&mut h, "the connection to appear", |app| {
        app.capture_mut().pane.connections().iter().any(|c| {
            c.protocol == wirelab::analysis::connections::Protocol::WebSocket && c.messages >= 4
        })
    });
    h.run_steps(2);
    let rows = connection_rows(&h);
    assert!(
        rows.iter()
            .any(|r| r.contains(&format!(":{port}")) && r.contains("WebSocket")),
        "{rows:?}"
    );
    h.get_by_label_contains("processed");
    h.get_by_label_contains("capturing to");
    h.get_by_label(&out.display().to_string());
    h.get_by_label("Stop").click();
    step_until(&mut h, "the capture to stop", |app| {
        !app.capture().is_running()
    });
    // The final counters come with the stop, and agree: on `lo` libpcap counted each packet
    // twice, and wirelab processed every one.
    let stats = h.state().capture().stats();
    assert!(stats.processed > 0);
    assert_eq!(u64::from(stats.received), 2 * stats.processed, "{stats:?}");
    h.run();
    h.get_by_label(&format!(
        "(each counted twice on lo: {} packets)",
        stats.processed
    ));
    h.get_by_label_contains("captured to");
    // The file opens in the File view.
    h.get_by_label("Open in File view").click();
    // The reader asks for frames while it reads (and the view switch fades): steps, not `run`.
    h.step();
    step_until(&mut h, "the capture file to load", |app| !app.is_loading());
    assert_eq!(h.state().view(), View::File);
    assert_eq!(h.state().file_error(), None);
    assert!(std::fs::metadata(&out).unwrap().len() > 100);
}

/// The colour the Capture view paints the text `text` in (the first label with exactly it).
fn text_color(h: &Harness<'static, WirelabApp>, text: &str) -> Option<egui::Color32> {
    fn find(shape: &egui::Shape, text: &str) -> Option<egui::Color32> {
        match shape {
            egui::Shape::Text(t) if t.galley.text() == text => {
                let color = t.galley.job.sections.first()?.format.color;
                Some(if color == egui::Color32::PLACEHOLDER {
                    t.fallback_color
                } else {
                    color
                })
            }
            egui::Shape::Vec(shapes) => shapes.iter().find_map(|s| find(s, text)),
            _ => None,
        }
    }
    h.output()
        .shapes
        .iter()
        .find_map(|clipped| find(&clipped.shape, text))
}

#[test]
fn dropped_packets_show_red_in_the_capture_view() {
    use wirelab::capture::live::LiveStats;
    let red = egui::Color32::from_rgb(230, 70, 60);
    let mut h = harness();
    h.state_mut().set_view(View::Capture);
    h.run();
    let counters = |dropped| LiveStats {
        received: 1200,
        dropped,
        if_dropped: 2,
        processed: 1100,
    };
    h.state_mut().capture_mut().show_counters(counters(0));
    h.run();
    h.get_by_label("libpcap received 1200");
    h.get_by_label("processed 1100 packets");
    h.get_by_label("if_dropped 2");
    h.get_by_label("dropped 0");
    let calm = text_color(&h, "dropped 0").expect("\"dropped 0\" is painted");
    assert_ne!(calm, red, "no drops: not red");
    h.state_mut().capture_mut().show_counters(counters(37));
    h.run();
    h.get_by_label("dropped 37");
    assert_eq!(text_color(&h, "dropped 37"), Some(red));
}

#[test]
fn loopback_counters_say_each_packet_is_counted_twice() {
    use wirelab::capture::live::{Counting, LiveStats};
    let mut h = harness();
    h.state_mut().set_view(View::Capture);
    h.state_mut().capture_mut().device = "lo".into();
    h.run();
    assert_eq!(h.state_mut().capture_mut().counting(), Counting::of("lo"));
    if cfg!(target_os = "linux") {
        assert_eq!(Counting::of("lo"), Counting::Twice);
        h.state_mut().capture_mut().show_counters(LiveStats {
            received: 74,
            dropped: 0,
            if_dropped: 0,
            processed: 37,
        });
        h.run();
        h.get_by_label("libpcap received 74");
        h.get_by_label("processed 37 packets");
        h.get_by_label("(each counted twice on lo: 37 packets)");
    }
}

#[test]
fn live_captures_go_to_the_data_directory_and_the_view_says_where() {
    let dir = wirelab::ui::capture_view::captures_dir();
    if let Some(data) = dirs::data_dir() {
        assert_eq!(dir, data.join("wirelab").join("captures"));
    }
    assert!(!dir.starts_with(std::env::temp_dir()) || dirs::data_dir().is_none());
    let mut h = harness();
    h.state_mut().set_view(View::Capture);
    h.run();
    let output = std::path::PathBuf::from(&h.state().capture().output);
    assert_eq!(output.parent(), Some(dir.as_path()), "{output:?}");
    h.get_by_label_contains("captures are kept in");
    h.get_by_label(&dir.display().to_string());
}
