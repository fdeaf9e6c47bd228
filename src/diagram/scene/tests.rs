#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail

use super::*;
use crate::diagram::api_lane::ApiStates;
use crate::diagram::geom::{Point, Rect};
use crate::diagram::layout::{LayoutParams, RowSpec, TimelineLayout, layout, row_specs};
use crate::diagram::rows::{RowKind, Rows, build_rows};
use crate::trace::{Connection, Dir, Event, EventKind, Observed, Source, Trace};

fn ev(t_us: i64, dir: Option<Dir>, kind: EventKind) -> Event {
    Event {
        t_us,
        conn: Some(0),
        dir,
        span: None,
        kind,
    }
}

fn text(fragments: u32) -> EventKind {
    EventKind::WsMessage {
        opcode: 1,
        fragments,
        compressed: false,
        payload_len: 5,
        wire_payload_len: None,
        text: Some("Hello".into()),
        data_b64: None,
        close_code: None,
        close_reason: None,
    }
}

fn frame(fin: bool) -> EventKind {
    EventKind::WsFrame {
        fin,
        rsv1: false,
        rsv2: false,
        rsv3: false,
        opcode: 1,
        masked: true,
        mask_key: Some("01020304".into()),
        payload_len: 3,
        header_len: 6,
    }
}

fn api(fires: &str, ready_state: u8, cause: u64) -> EventKind {
    EventKind::Api {
        object: crate::trace::ApiObject::WebSocket,
        ready_state,
        fires: Some(fires.into()),
        code: None,
        reason: None,
        was_clean: None,
        data: Some("Hello".into()),
        last_event_id: None,
        cause: Some(cause),
    }
}

fn trace(events: Vec<Event>) -> Trace {
    let mut t = Trace::new(Source::default(), chrono::Utc::now());
    t.connections.push(Connection {
        id: 0,
        client: "127.0.0.1:1".into(),
        server: "127.0.0.1:2".into(),
        label: None,
        packets: None,
    });
    t.events = events;
    t
}

/// A connect, a fragmented message each way (the server's fires `onmessage`), a long idle
/// gap, then a diagnostic.
fn conversation() -> Trace {
    let c = Some(Dir::C2s);
    let s = Some(Dir::S2c);
    trace(vec![
        ev(
            0,
            None,
            EventKind::TcpConnect {
                observed: Observed::Socket,
            },
        ),
        ev(1_000, c, frame(false)), // 1
        ev(1_100, c, frame(true)),  // 2
        ev(1_100, c, text(2)),      // 3
        ev(2_000, s, frame(true)),  // 4
        ev(2_000, s, text(1)),      // 5
        ev(2_000, None, api("message", 1, 4)),
        ev(
            5_002_000,
            None,
            EventKind::Diagnostic {
                severity: crate::trace::Severity::Error,
                rule: Some("RFC 6455 §5.1".into()),
                message: "unmasked client frame".into(),
                message_zh: None,
            },
        ),
    ])
}

struct Built {
    rows: Rows,
    states: ApiStates,
    layout: TimelineLayout,
}

fn prepare(t: &Trace, show_frames: bool) -> Built {
    let rows = build_rows(t, show_frames);
    let mut specs: Vec<RowSpec> = Vec::new();
    row_specs(&rows, &mut specs);
    Built {
        states: ApiStates::new(&rows, t),
        layout: layout(&specs, &LayoutParams::default()),
        rows,
    }
}

fn viewport(height: f32, scroll_y: f32) -> Viewport {
    Viewport {
        frame: Rect::from_min_max(Point::new(10.0, 20.0), Point::new(1010.0, 20.0 + height)),
        scroll_y,
    }
}

fn options(selected: Option<usize>, run: RunState) -> SceneOptions<'static> {
    SceneOptions {
        selected,
        show_frames: false,
        run,
        px_per_ms: 2.0,
        empty_hint: "nothing yet",
        lang: crate::lang::Lang::En,
    }
}

fn scene(t: &Trace, b: &Built, vp: Viewport, opts: &SceneOptions<'_>) -> Scene {
    build_scene(
        t,
        &b.rows,
        &b.states,
        &b.layout,
        vp,
        opts,
        &labels::estimate_width,
    )
}

fn arrows(s: &Scene) -> Vec<&Arrow> {
    s.rows
        .iter()
        .filter_map(|r| match &r.mark {
            Mark::Arrow(a) => Some(a),
            _ => None,
        })
        .collect()
}

#[test]
fn one_arrow_per_message_row_between_its_lanes() {
    let t = conversation();
    let b = prepare(&t, false);
    let s = scene(
        &t,
        &b,
        viewport(2000.0, 0.0),
        &options(None, RunState::Idle),
    );
    let arrow_rows = b
        .rows
        .rows
        .iter()
        .filter(|r| matches!(r.kind, RowKind::Arrow { .. }))
        .count();
    assert_eq!(arrow_rows, 2, "frames fold into their messages");
    let shown = arrows(&s);
    assert_eq!(shown.len(), arrow_rows);
    let client = s.lanes.client_x(0);
    let server = s.lanes.server_x;
    let [out, back] = shown.as_slice() else {
        panic!("two arrows")
    };
    assert_eq!(out.style, ArrowStyle::ClientToServer);
    assert_eq!((out.from.x, out.to.x), (client, server));
    assert_eq!(out.ticks.len(), 2, "one tick per carrying frame");
    assert_eq!(back.style, ArrowStyle::ServerToClient);
    assert_eq!((back.from.x, back.to.x), (server, client));
    assert!(back.ticks.is_empty());
    for a in &shown {
        assert_eq!(a.unit, WireUnit::Message);
        assert_eq!(a.head[0], a.to, "the head is at the tip");
    }
    // Every row in view is in the scene, with its summary as the accessible name.
    assert_eq!(s.rows.len(), b.rows.rows.len());
    assert!(s.rows[1].summary.starts_with("text \"Hello\""));

    // Frames shown: each frame is an arrow of its own, drawn as a frame.
    let b = prepare(&t, true);
    let s = scene(
        &t,
        &b,
        viewport(2000.0, 0.0),
        &SceneOptions {
            show_frames: true,
            ..options(None, RunState::Idle)
        },
    );
    let units: Vec<WireUnit> = arrows(&s).iter().map(|a| a.unit).collect();
    assert_eq!(
        units,
        [
            WireUnit::Frame,
            WireUnit::Frame,
            WireUnit::Message,
            WireUnit::Frame,
            WireUnit::Message
        ]
    );
    assert!(arrows(&s).iter().all(|a| a.ticks.is_empty()));
}

#[test]
fn labels_sit_inside_their_lanes_and_rows() {
    let t = conversation();
    let b = prepare(&t, false);
    let s = scene(
        &t,
        &b,
        viewport(2000.0, 0.0),
        &options(None, RunState::Idle),
    );
    let lanes = &s.lanes;
    assert!(lanes.api.left < lanes.api.right);
    assert!(lanes.api.right < lanes.client_x(0) && lanes.client_x(0) < lanes.server_x);
    assert!(lanes.server_x < lanes.right && lanes.right <= s.frame.right());
    for row in &s.rows {
        // The row's band lies right of the API lane, its time label in the time column.
        assert!(row.band.left() > lanes.api.right);
        assert!(row.band.top() >= s.body.top());
        assert_eq!(row.time.pos.x, lanes.time_x);
        assert!(row.time.pos.y > row.band.top() && row.time.pos.y < row.band.bottom());
        if let Mark::Arrow(a) = &row.mark {
            // Centred between client and server, above the line, inside the row.
            let r = labels::label_rect(&a.label, &labels::estimate_width);
            let mid = (lanes.client_x(0) + lanes.server_x) / 2.0;
            assert!((r.center().x - mid).abs() < 0.5, "{r:?}");
            assert!(r.top() >= row.band.top() && r.bottom() < a.from.y);
            assert!(a.label.pos.y < a.from.y);
            assert!(a.from.y > row.band.top() && a.from.y < row.band.bottom());
        }
        for m in &row.api {
            // The marker and its text stay in the API lane.
            assert!(m.band.left() >= lanes.api.left && m.band.right() <= lanes.api.right);
            let r = labels::label_rect(&m.label, &labels::estimate_width);
            assert!(r.left() > lanes.api.left && r.right() <= lanes.api.right);
            assert_eq!(m.label.text, "onmessage \"Hello\"");
            assert_eq!(m.state, 1);
        }
    }
    // The API marker is on the row of the frame that caused it: the server's message.
    let with_api: Vec<usize> = s
        .rows
        .iter()
        .filter(|r| !r.api.is_empty())
        .map(|r| r.event)
        .collect();
    assert_eq!(with_api, [5]);
    // The diagnostic names its severity in its tone.
    let diagnostic = s
        .rows
        .iter()
        .find_map(|r| match &r.mark {
            Mark::Diagnostic(d) => Some(d),
            _ => None,
        })
        .unwrap();
    assert_eq!(
        diagnostic.label.tone,
        Tone::Diagnostic(crate::trace::Severity::Error)
    );
    // Header: a title over every lane.
    let titles: Vec<&str> = s
        .header
        .labels
        .iter()
        .filter(|l| l.font == Font::Title)
        .map(|l| l.text.as_str())
        .collect();
    assert_eq!(titles, ["time", "browser API", "client #0", "server"]);
    assert_eq!(s.header.band.bottom(), s.body.top());
}

#[test]
fn only_rows_and_gaps_in_view_are_in_the_scene() {
    let events: Vec<Event> = (0..10_000)
        .map(|i| ev(i * 1_000, Some(Dir::C2s), text(1)))
        .collect();
    let t = trace(events);
    let b = prepare(&t, false);
    let height = 300.0;
    for scroll_y in [0.0, 12_345.0, b.layout.height - 100.0] {
        let s = scene(
            &t,
            &b,
            viewport(height, scroll_y),
            &options(None, RunState::Idle),
        );
        let expected = b.layout.visible_rows(scroll_y, scroll_y + s.body.height());
        assert!(!expected.is_empty());
        let shown: Vec<usize> = s.rows.iter().map(|r| r.row).collect();
        assert_eq!(shown, expected.collect::<Vec<_>>());
        assert!(s.rows.len() < 20, "{} rows for a 300 px view", s.rows.len());
        for r in &s.rows {
            // Each row shown reaches into the body.
            assert!(r.band.bottom() > s.body.top() && r.band.top() < s.body.bottom());
        }
    }

    // The idle gap is a marker, only when in view.
    let t = conversation();
    let b = prepare(&t, false);
    assert_eq!(b.layout.gaps.len(), 1);
    let s = scene(
        &t,
        &b,
        viewport(2000.0, 0.0),
        &options(None, RunState::Idle),
    );
    let [gap] = s.gaps.as_slice() else {
        panic!("one gap")
    };
    assert_eq!(gap.label.text, "… 5.0 s idle");
    assert_eq!(gap.label.pos, gap.band.center());
    let below = b.layout.height + 500.0;
    let s = scene(
        &t,
        &b,
        viewport(200.0, below),
        &options(None, RunState::Idle),
    );
    assert!(s.gaps.is_empty() && s.rows.is_empty());
}

#[test]
fn selection_playhead_and_empty_hint() {
    let t = conversation();
    let b = prepare(&t, false);
    // Selecting a hidden frame selects the row of its message.
    let s = scene(
        &t,
        &b,
        viewport(2000.0, 0.0),
        &options(Some(2), RunState::Running),
    );
    let selected: Vec<usize> = s
        .rows
        .iter()
        .filter(|r| r.selected)
        .map(|r| r.event)
        .collect();
    assert_eq!(selected, [3]);
    let playhead = s.playhead.as_ref().expect("the newest row is in view");
    assert!(playhead.y > s.rows.last().unwrap().band.top());
    assert!(s.empty_hint.is_none());
    let s = scene(
        &t,
        &b,
        viewport(2000.0, 0.0),
        &options(None, RunState::Idle),
    );
    assert!(s.playhead.is_none());

    // The API marker is selected by its own event.
    let s = scene(
        &t,
        &b,
        viewport(2000.0, 0.0),
        &options(Some(6), RunState::Idle),
    );
    let marker = s.rows.iter().flat_map(|r| &r.api).next().unwrap();
    assert!(marker.selected);
    assert_eq!(s.api_bands.len(), 1, "OPEN from its first marker on");

    let empty = trace(Vec::new());
    let b = prepare(&empty, false);
    let s = scene(
        &empty,
        &b,
        viewport(500.0, 0.0),
        &options(None, RunState::Running),
    );
    assert!(s.rows.is_empty() && s.playhead.is_none());
    let hint = s.empty_hint.expect("an empty diagram says what to do");
    assert_eq!(hint.text, "nothing yet");
    assert_eq!(hint.pos, s.body.center());
}
