//! The sequence diagram: lanes (browser API, one per client, server), time flowing down.
//!
//! Painting is thin: which events are rows comes from [`crate::diagram::rows`], where they go from
//! [`crate::diagram::layout`]. Only visible rows are painted and made interactive, so a trace
//! with 100k events stays cheap.

use egui::{
    Align2, Color32, FontId, Id, Key, Modifiers, Pos2, Rect, Role, Sense, Shape, Stroke, Ui, Vec2,
    WidgetInfo,
};

use crate::diagram::layout::{
    LayoutParams, RowSpec, TimelineLayout, clamp_scroll, layout_into, scroll_to_show,
};
use crate::diagram::rows::{Row, RowKind, Rows, build_rows};
use crate::trace::describe::{self, format_duration_us};
use crate::trace::{Dir, EventKind, Severity, Trace};

const HEADER_H: f32 = 44.0;
const TIME_W: f32 = 74.0;
const API_W: f32 = 236.0;
const ROW_H: f32 = 30.0;
const FRAME_ROW_H: f32 = 22.0;
const STAGE_ROW_H: f32 = 22.0;
const API_LINE_H: f32 = 15.0;
const LABEL_FONT: f32 = 13.0;
const SMALL_FONT: f32 = 11.0;

/// The diagram's state: zoom, options, scroll, selection, and cached rows and layout.
pub struct TimelineView {
    /// Zoom and gap collapsing.
    pub params: LayoutParams,
    /// Show every `ws_frame` on its own row.
    pub show_frames: bool,
    /// Keep the newest event in view while a run is active.
    pub follow: bool,
    /// Scroll offset (px from the top of the layout).
    pub scroll_y: f32,
    /// The selected event (index into the trace).
    pub selected: Option<usize>,
    /// What an empty diagram says.
    pub empty_hint: &'static str,
    rows: Rows,
    /// Per connection of `rows.api_conns`: (row, readyState) wherever the state changes.
    api_states: Vec<Vec<(usize, u8)>>,
    layout: TimelineLayout,
    /// Each row's time and height, for the layout; computed once per rows, not per zoom.
    specs: Vec<RowSpec>,
    /// `specs` describe the current `rows`.
    specs_valid: bool,
    built_for: Option<(u64, usize, usize, bool)>,
    /// When rows were last built and how long it took.
    last_build: Option<(std::time::Instant, std::time::Duration)>,
    /// New events are waiting for the next rebuild.
    rebuild_pending: bool,
    laid_out_for: Option<(u64, usize, LayoutParamsKey)>,
    generation: u64,
    view_h: f32,
    scroll_to_selection: bool,
}

type LayoutParamsKey = (u32, bool);

impl Default for TimelineView {
    fn default() -> Self {
        TimelineView {
            params: LayoutParams::default(),
            show_frames: false,
            follow: true,
            scroll_y: 0.0,
            selected: None,
            empty_hint: "Pick a scenario and press Run, or Step through it one stage at a time.",
            rows: Rows::default(),
            api_states: Vec::new(),
            layout: TimelineLayout::default(),
            specs: Vec::new(),
            specs_valid: false,
            built_for: None,
            last_build: None,
            rebuild_pending: false,
            laid_out_for: None,
            generation: 0,
            view_h: 400.0,
            scroll_to_selection: false,
        }
    }
}

/// Colours of the diagram.
fn lane_color(ui: &Ui) -> Color32 {
    ui.visuals().weak_text_color().gamma_multiply(0.6)
}

fn dir_color(dir: Dir, dark: bool) -> Color32 {
    match (dir, dark) {
        (Dir::C2s, true) => Color32::from_rgb(110, 170, 255),
        (Dir::C2s, false) => Color32::from_rgb(20, 90, 200),
        (Dir::S2c, true) => Color32::from_rgb(120, 210, 140),
        (Dir::S2c, false) => Color32::from_rgb(20, 130, 60),
    }
}

fn state_color(state: u8) -> Color32 {
    match state {
        0 => Color32::from_rgb(220, 180, 40),
        1 => Color32::from_rgb(60, 170, 80),
        2 => Color32::from_rgb(230, 130, 40),
        _ => Color32::from_rgb(130, 130, 130),
    }
}

fn severity_color(severity: Severity) -> Color32 {
    match severity {
        Severity::Info => Color32::from_rgb(90, 150, 230),
        Severity::Warning => Color32::from_rgb(230, 160, 30),
        Severity::Error => Color32::from_rgb(230, 70, 60),
    }
}

/// Replaces control characters so a label stays on one line and every glyph exists.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Where the lanes are, in screen x.
struct Lanes {
    time_x: f32,
    api: (f32, f32),
    clients: Vec<(u32, f32)>,
    server_x: f32,
    right: f32,
}

impl Lanes {
    fn client_x(&self, conn: u32) -> f32 {
        self.clients
            .iter()
            .find(|(c, _)| *c == conn)
            .map_or(self.api.1 + 60.0, |(_, x)| *x)
    }
}

impl TimelineView {
    /// Forgets cached rows (the trace was replaced).
    pub fn trace_replaced(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        self.selected = None;
        self.scroll_y = 0.0;
        self.follow = true;
    }

    /// The rows currently shown (for the detail pane: a message's frames).
    pub fn rows(&self) -> &Rows {
        &self.rows
    }

    /// Selects an event and scrolls it into view.
    pub fn select(&mut self, event: Option<usize>) {
        self.selected = event;
        self.scroll_to_selection = event.is_some();
    }

    fn row_height(row: &Row) -> f32 {
        let base = match row.kind {
            RowKind::Stage => STAGE_ROW_H,
            _ if row.is_frame => FRAME_ROW_H,
            _ => ROW_H,
        };
        base.max(6.0 + API_LINE_H * row.api.len() as f32)
    }

    /// Uses `rows`, built elsewhere (e.g. on a file's reader thread) by
    /// `build_rows(trace, false)`, for `trace` as it is now; call after
    /// [`TimelineView::trace_replaced`].
    pub fn preset_rows(&mut self, rows: Rows, trace: &Trace) {
        if self.show_frames {
            // Those rows hide the frames: build the right ones when next drawn.
            return;
        }
        self.api_states = api_state_changes(&rows, trace);
        self.rows = rows;
        self.specs_valid = false;
        self.built_for = Some((
            self.generation,
            trace.events.len(),
            trace.connections.len(),
            false,
        ));
        self.laid_out_for = None;
    }

    fn refresh(&mut self, trace: &Trace) {
        let key = (
            self.generation,
            trace.events.len(),
            trace.connections.len(),
            self.show_frames,
        );
        if self.built_for != Some(key) {
            // A growing trace (live capture) only appended events: rebuilding every frame
            // would cost O(trace) per frame, so once a build takes noticeable time, rebuild
            // at most once per four build times.
            let only_grew = self
                .built_for
                .is_some_and(|(g, _, _, f)| g == self.generation && f == self.show_frames);
            if only_grew
                && let Some((at, cost)) = self.last_build
                && cost >= std::time::Duration::from_millis(2)
                && at.elapsed() < cost * 4
            {
                self.rebuild_pending = true;
            } else {
                let started = std::time::Instant::now();
                self.rows = build_rows(trace, self.show_frames);
                self.specs_valid = false;
                self.api_states = api_state_changes(&self.rows, trace);
                self.built_for = Some(key);
                self.laid_out_for = None;
                self.last_build = Some((started, started.elapsed()));
                self.rebuild_pending = false;
            }
        }
        let pkey = (self.params.px_per_ms.to_bits(), self.params.collapse_gaps);
        let lkey = (self.generation, self.rows.rows.len(), pkey);
        if self.laid_out_for != Some(lkey) {
            if !self.specs_valid {
                self.specs.clear();
                self.specs.extend(self.rows.rows.iter().map(|r| RowSpec {
                    t_us: r.t_us,
                    min_height: Self::row_height(r),
                }));
                self.specs_valid = true;
            }
            layout_into(&self.specs, &self.params, &mut self.layout);
            self.laid_out_for = Some(lkey);
        }
    }

    /// Index of the selected row, if the selection is shown.
    fn selected_row(&self) -> Option<usize> {
        self.selected
            .and_then(|e| self.rows.row_of_event.get(&e).copied())
    }

    /// Moves the selection by `delta` rows.
    fn move_selection(&mut self, delta: isize) {
        let n = self.rows.rows.len();
        if n == 0 {
            return;
        }
        let next = match self.selected_row() {
            Some(r) => r.saturating_add_signed(delta).min(n - 1),
            None if delta >= 0 => 0,
            None => n - 1,
        };
        if let Some(row) = self.rows.rows.get(next) {
            self.select(Some(row.event));
            self.follow = false;
        }
    }

    /// Zooms by `factor`, keeping the row at screen offset `anchor_dy` where it is.
    fn zoom(&mut self, factor: f32, anchor_dy: f32, trace: &Trace) {
        let anchor_row = self.layout.row_at(self.scroll_y + anchor_dy).or_else(|| {
            let v = self
                .layout
                .visible_rows(self.scroll_y, self.scroll_y + self.view_h);
            (!v.is_empty()).then_some(v.start)
        });
        let before = anchor_row.and_then(|r| self.layout.row_y.get(r).copied());
        self.params.zoom_by(factor);
        self.refresh(trace);
        if let (Some(r), Some(before)) = (anchor_row, before)
            && let Some(after) = self.layout.row_y.get(r)
        {
            self.scroll_y += after - before;
        }
    }

    /// Keyboard: zoom, pan, selection. Ignored while a text field has focus.
    fn handle_keys(&mut self, ui: &Ui, trace: &Trace) {
        if ui.ctx().egui_wants_keyboard_input() {
            return;
        }
        let page = (self.view_h - HEADER_H).max(40.0) * 0.9;
        let (up, down, pgup, pgdn, home, end, zin, zout) = ui.input_mut(|i| {
            (
                i.count_and_consume_key(Modifiers::NONE, Key::ArrowUp),
                i.count_and_consume_key(Modifiers::NONE, Key::ArrowDown),
                i.count_and_consume_key(Modifiers::NONE, Key::PageUp),
                i.count_and_consume_key(Modifiers::NONE, Key::PageDown),
                i.consume_key(Modifiers::NONE, Key::Home),
                i.consume_key(Modifiers::NONE, Key::End),
                i.count_and_consume_key(Modifiers::NONE, Key::Plus)
                    + i.count_and_consume_key(Modifiers::NONE, Key::Equals)
                    + i.count_and_consume_key(Modifiers::SHIFT, Key::Equals),
                i.count_and_consume_key(Modifiers::NONE, Key::Minus),
            )
        });
        if up > 0 {
            self.move_selection(-(up as isize));
        }
        if down > 0 {
            self.move_selection(down as isize);
        }
        if pgup + pgdn > 0 {
            self.scroll_y += page * (pgdn as f32 - pgup as f32);
            self.follow = false;
        }
        if home {
            self.scroll_y = 0.0;
            self.follow = false;
        }
        if end {
            self.scroll_y = f32::INFINITY;
            self.follow = true;
        }
        for _ in 0..zin {
            self.zoom(1.25, self.view_h / 2.0, trace);
        }
        for _ in 0..zout {
            self.zoom(0.8, self.view_h / 2.0, trace);
        }
    }

    /// Paints the diagram into the remaining space of `ui`. `running`: a run is active (the
    /// playhead is drawn and followed).
    pub fn ui(&mut self, ui: &mut Ui, trace: &Trace, running: bool) {
        let rows_before = self.rows.rows.len();
        self.refresh(trace);
        self.handle_keys(ui, trace);
        self.refresh(trace);
        if self.rebuild_pending {
            let wait = self
                .last_build
                .map_or(std::time::Duration::ZERO, |(_, cost)| cost * 4);
            ui.ctx().request_repaint_after(wait);
        }

        let (rect, response) = ui.allocate_exact_size(ui.available_size(), Sense::click_and_drag());
        response.widget_info(|| WidgetInfo::labeled(Role::ScrollView, true, "sequence diagram"));
        let body = Rect::from_min_max(Pos2::new(rect.left(), rect.top() + HEADER_H), rect.max);
        self.view_h = body.height();

        // Pan and zoom with the pointer.
        if response.hovered() {
            let (scroll, zoom, pointer) =
                ui.input(|i| (i.smooth_scroll_delta, i.zoom_delta(), i.pointer.hover_pos()));
            if (zoom - 1.0).abs() > f32::EPSILON {
                let dy = pointer.map_or(body.height() / 2.0, |p| p.y - body.top());
                self.zoom(zoom, dy, trace);
            } else if scroll.y != 0.0 {
                self.scroll_y -= scroll.y;
                self.follow = false;
            }
        }
        if response.dragged() {
            self.scroll_y -= response.drag_delta().y;
            self.follow = false;
        }
        if self.follow && (running || self.rows.rows.len() != rows_before) {
            self.scroll_y = f32::INFINITY;
        }
        if self.scroll_to_selection {
            self.scroll_to_selection = false;
            if let Some(r) = self.selected_row()
                && let (Some(y), Some(h)) = (self.layout.row_y.get(r), self.layout.row_h.get(r))
            {
                self.scroll_y = scroll_to_show(self.scroll_y, body.height(), *y, *h);
            }
        }
        let bottom_pad = 40.0;
        self.scroll_y = clamp_scroll(
            self.scroll_y,
            self.layout.height + bottom_pad,
            body.height(),
        );

        let lanes = self.lanes(rect, trace);
        let painter = ui.painter_at(rect);
        let dark = ui.visuals().dark_mode;
        let text_color = ui.visuals().text_color();
        let weak = ui.visuals().weak_text_color();

        // Lane lines.
        let lane_stroke = Stroke::new(1.0, lane_color(ui));
        painter.vline(lanes.server_x, body.y_range(), lane_stroke);
        for (_, x) in &lanes.clients {
            painter.vline(*x, body.y_range(), lane_stroke);
        }
        painter.vline(
            lanes.api.1,
            body.y_range(),
            Stroke::new(1.0, lane_color(ui).gamma_multiply(0.5)),
        );

        let body_painter = painter.with_clip_rect(body);
        let y0 = body.top() - self.scroll_y;
        let visible = self
            .layout
            .visible_rows(self.scroll_y, self.scroll_y + body.height());

        // Collapsed idle gaps.
        for gap in self
            .layout
            .visible_gaps(self.scroll_y, self.scroll_y + body.height())
        {
            let top = y0 + gap.y_top;
            let bottom = y0 + gap.y_bottom;
            let band = Rect::from_min_max(
                Pos2::new(rect.left(), top + 3.0),
                Pos2::new(lanes.right, bottom - 3.0),
            );
            body_painter.rect_filled(band, 2.0, ui.visuals().faint_bg_color);
            body_painter.text(
                band.center(),
                Align2::CENTER_CENTER,
                format!("… {} idle", format_duration_us(gap.idle_us)),
                FontId::proportional(SMALL_FONT),
                weak,
            );
        }

        // The browser-API state bands.
        self.paint_api_bands(&body_painter, &lanes, y0);

        let selected_row = self.selected_row();
        let mut clicked: Option<usize> = None;
        for r in visible {
            let (Some(row), Some(&y), Some(&h)) = (
                self.rows.rows.get(r),
                self.layout.row_y.get(r),
                self.layout.row_h.get(r),
            ) else {
                continue;
            };
            let top = y0 + y;
            let band = Rect::from_min_max(
                Pos2::new(lanes.api.1 + 2.0, top),
                Pos2::new(lanes.right, top + h),
            );
            let is_selected = selected_row == Some(r);
            if is_selected {
                body_painter.rect_filled(
                    band,
                    3.0,
                    ui.visuals().selection.bg_fill.gamma_multiply(0.35),
                );
            }
            let Some(event) = trace.events.get(row.event) else {
                continue;
            };
            let summary = one_line(&describe::summary(event));
            // Time column.
            body_painter.text(
                Pos2::new(lanes.time_x, top + 4.0),
                Align2::LEFT_TOP,
                format!("{:.3} ms", event.t_us as f64 / 1000.0),
                FontId::monospace(SMALL_FONT - 1.0),
                weak,
            );
            let id = Id::unique(("wirelab-row", self.generation, row.event));
            let hit = band.intersect(body);
            if hit.is_positive() {
                let resp = ui.interact(hit, id, Sense::click());
                let label = summary.clone();
                resp.widget_info(|| WidgetInfo::labeled(Role::Button, true, &label));
                if resp.clicked() {
                    clicked = Some(row.event);
                }
                if resp.hovered() {
                    ui.ctx().set_cursor_icon(egui::CursorIcon::PointingHand);
                }
            }
            self.paint_row(
                ui,
                &body_painter,
                &lanes,
                row,
                top,
                h,
                &summary,
                is_selected,
                dark,
                trace,
            );

            // Browser-API markers on this row.
            for (k, &a) in row.api.iter().enumerate() {
                let Some(api_event) = trace.events.get(a) else {
                    continue;
                };
                let marker_top = top + 3.0 + k as f32 * API_LINE_H;
                let mrect = Rect::from_min_max(
                    Pos2::new(lanes.api.0, marker_top),
                    Pos2::new(lanes.api.1 - 2.0, marker_top + API_LINE_H),
                );
                let label = one_line(&api_marker_text(api_event, trace));
                let hit = mrect.intersect(body);
                if hit.is_positive() {
                    let resp = ui.interact(
                        hit,
                        Id::unique(("wirelab-api", self.generation, a)),
                        Sense::click(),
                    );
                    let l = label.clone();
                    resp.widget_info(|| WidgetInfo::labeled(Role::Button, true, &l));
                    if resp.clicked() {
                        clicked = Some(a);
                    }
                    if self.selected == Some(a) {
                        body_painter.rect_filled(
                            mrect,
                            2.0,
                            ui.visuals().selection.bg_fill.gamma_multiply(0.5),
                        );
                    }
                }
                self.paint_api_marker(
                    &body_painter,
                    &lanes,
                    api_event,
                    marker_top,
                    &label,
                    text_color,
                );
            }
        }

        // The playhead: the newest event while a run is active.
        if running && self.layout.height > 0.0 {
            let y = y0 + self.layout.height + 4.0;
            if body.y_range().contains(y) {
                let red = Color32::from_rgb(230, 60, 60);
                body_painter.hline(rect.left()..=lanes.right, y, Stroke::new(1.5, red));
                body_painter.text(
                    Pos2::new(lanes.right, y - 2.0),
                    Align2::RIGHT_BOTTOM,
                    "now",
                    FontId::proportional(SMALL_FONT),
                    red,
                );
            }
        }

        if trace.events.is_empty() {
            body_painter.text(
                body.center(),
                Align2::CENTER_CENTER,
                self.empty_hint,
                FontId::proportional(LABEL_FONT + 1.0),
                weak,
            );
        }

        // Header last, so it stays on top of the rows.
        self.paint_header(ui, &painter, rect, &lanes, trace);

        if let Some(e) = clicked {
            self.selected = Some(e);
        } else if response.clicked() {
            self.selected = None;
        }
    }

    fn lanes(&self, rect: Rect, trace: &Trace) -> Lanes {
        let time_x = rect.left() + 4.0;
        // A narrow diagram (beside a connection list and the detail pane) gives the browser
        // API lane less room rather than squeezing the arrows.
        let api_w = API_W.min((rect.width() * 0.28).max(140.0));
        let api = (rect.left() + TIME_W, rect.left() + TIME_W + api_w);
        let right = rect.right() - 8.0;
        let server_x = (right - 70.0).max(api.1 + 200.0);
        let mut conns = self.rows.lanes.clone();
        for c in &trace.connections {
            if !conns.contains(&c.id) {
                conns.push(c.id);
            }
        }
        let n = conns.len().max(1) as f32;
        // Clients share the left part; the server keeps room for arrow labels between them.
        let first = api.1 + 70.0;
        let span = ((server_x - first) * 0.55).max(0.0);
        let step = if n > 1.0 { span / (n - 1.0) } else { 0.0 };
        let clients = conns
            .iter()
            .enumerate()
            .map(|(i, c)| (*c, first + step * i as f32))
            .collect();
        Lanes {
            time_x,
            api,
            clients,
            server_x,
            right,
        }
    }

    fn paint_header(
        &self,
        ui: &Ui,
        painter: &egui::Painter,
        rect: Rect,
        lanes: &Lanes,
        trace: &Trace,
    ) {
        let header = Rect::from_min_size(rect.min, Vec2::new(rect.width(), HEADER_H));
        painter.rect_filled(header, 0.0, ui.visuals().panel_fill);
        painter.hline(
            rect.x_range(),
            header.bottom(),
            Stroke::new(1.0, lane_color(ui)),
        );
        let strong = ui.visuals().strong_text_color();
        let weak = ui.visuals().weak_text_color();
        let title = FontId::proportional(LABEL_FONT);
        let small = FontId::proportional(SMALL_FONT);
        painter.text(
            Pos2::new(lanes.time_x, header.top() + 6.0),
            Align2::LEFT_TOP,
            "time",
            title.clone(),
            strong,
        );
        painter.text(
            Pos2::new(lanes.time_x, header.top() + 24.0),
            Align2::LEFT_TOP,
            format!("{:.3} px/ms", self.params.px_per_ms),
            small.clone(),
            weak,
        );
        painter.text(
            Pos2::new(lanes.api.0, header.top() + 6.0),
            Align2::LEFT_TOP,
            "browser API",
            title.clone(),
            strong,
        );
        painter.text(
            Pos2::new(lanes.api.0, header.top() + 24.0),
            Align2::LEFT_TOP,
            "what new WebSocket(url) reports",
            small.clone(),
            weak,
        );
        // Many client lanes close together: short names, and only as many as fit.
        let gap = match lanes.clients.as_slice() {
            [(_, a), (_, b), ..] => (b - a).abs(),
            _ => f32::INFINITY,
        };
        let every = if gap >= 26.0 {
            1
        } else {
            (26.0 / gap.max(1.0)).ceil() as usize
        };
        for (k, (conn, x)) in lanes.clients.iter().enumerate() {
            if k % every != 0 {
                continue;
            }
            let c = trace.connections.iter().find(|c| c.id == *conn);
            let (name, addr) = if gap < 120.0 {
                (format!("#{conn}"), String::new())
            } else {
                (
                    c.and_then(|c| c.label.clone())
                        .unwrap_or_else(|| format!("client #{conn}")),
                    c.map(|c| c.client.clone()).unwrap_or_default(),
                )
            };
            painter.text(
                Pos2::new(*x, header.top() + 6.0),
                Align2::CENTER_TOP,
                one_line(&name),
                title.clone(),
                strong,
            );
            painter.text(
                Pos2::new(*x, header.top() + 24.0),
                Align2::CENTER_TOP,
                one_line(&addr),
                small.clone(),
                weak,
            );
        }
        if lanes.clients.is_empty() {
            painter.text(
                Pos2::new(lanes.client_x(0), header.top() + 6.0),
                Align2::CENTER_TOP,
                "client",
                title.clone(),
                strong,
            );
        }
        let server_addr = trace
            .connections
            .first()
            .map(|c| c.server.clone())
            .or_else(|| trace.source.server.clone())
            .unwrap_or_default();
        painter.text(
            Pos2::new(lanes.server_x, header.top() + 6.0),
            Align2::CENTER_TOP,
            "server",
            title,
            strong,
        );
        painter.text(
            Pos2::new(lanes.server_x, header.top() + 24.0),
            Align2::CENTER_TOP,
            one_line(&server_addr),
            small,
            weak,
        );
    }

    fn paint_api_bands(&self, painter: &egui::Painter, lanes: &Lanes, y0: f32) {
        for (k, changes) in self.api_states.iter().enumerate() {
            let x = lanes.api.0 + 3.0 + k as f32 * 7.0;
            let y_of = |row: usize| self.layout.row_y.get(row).copied().unwrap_or(0.0) + 8.0;
            for (n, &(row, state)) in changes.iter().enumerate() {
                let start = y_of(row);
                let end = match changes.get(n + 1) {
                    Some(&(next, _)) => y_of(next),
                    // CLOSED is final: a short stub; other states last until the newest row.
                    None if state == 3 => start + 12.0,
                    None => self.layout.height,
                };
                painter.rect_filled(
                    Rect::from_min_max(
                        Pos2::new(x, y0 + start),
                        Pos2::new(x + 5.0, y0 + end.max(start + 4.0)),
                    ),
                    1.0,
                    state_color(state),
                );
            }
        }
    }

    fn paint_api_marker(
        &self,
        painter: &egui::Painter,
        lanes: &Lanes,
        event: &crate::trace::Event,
        top: f32,
        label: &str,
        text_color: Color32,
    ) {
        let stripes = self.rows.api_conns.len().max(1) as f32 * 7.0;
        let x = lanes.api.0 + 6.0 + stripes;
        let state = match event.kind {
            EventKind::Api { ready_state, .. } => ready_state,
            _ => 3,
        };
        painter.circle_filled(
            Pos2::new(x + 3.0, top + API_LINE_H / 2.0),
            3.5,
            state_color(state),
        );
        let width = (lanes.api.1 - x - 14.0).max(10.0);
        let mut job = egui::text::LayoutJob::simple_singleline(
            label.to_string(),
            FontId::proportional(SMALL_FONT + 0.5),
            text_color,
        );
        job.wrap = egui::text::TextWrapping::truncate_at_width(width);
        let galley = painter.layout_job(job);
        painter.galley(Pos2::new(x + 10.0, top + 1.0), galley, text_color);
    }

    #[allow(clippy::too_many_arguments)]
    fn paint_row(
        &self,
        ui: &Ui,
        painter: &egui::Painter,
        lanes: &Lanes,
        row: &Row,
        top: f32,
        h: f32,
        summary: &str,
        selected: bool,
        dark: bool,
        trace: &Trace,
    ) {
        let text_color = ui.visuals().text_color();
        let weak = ui.visuals().weak_text_color();
        let font = FontId::proportional(if row.is_frame { SMALL_FONT } else { LABEL_FONT });
        let line_y = top + if row.is_frame { 16.0 } else { 21.0 };
        let label_between = |x1: f32, x2: f32, text: &str, color: Color32| {
            let (l, r) = if x1 < x2 { (x1, x2) } else { (x2, x1) };
            // Labels may reach a little past the arrow's ends: lanes are thin lines.
            let width = (r - l + 90.0).max(40.0);
            let mut job =
                egui::text::LayoutJob::simple_singleline(text.to_string(), font.clone(), color);
            job.wrap = egui::text::TextWrapping::truncate_at_width(width);
            let galley = painter.layout_job(job);
            let x = (l + r) / 2.0 - galley.size().x / 2.0;
            painter.galley(Pos2::new(x, line_y - galley.size().y - 1.0), galley, color);
        };
        match row.kind {
            RowKind::Arrow { conn, dir } => {
                let cx = lanes.client_x(conn);
                let (from, to) = match dir {
                    Dir::C2s => (cx, lanes.server_x),
                    Dir::S2c => (lanes.server_x, cx),
                };
                let color = dir_color(dir, dark);
                let width = if selected {
                    2.5
                } else if row.is_frame {
                    1.0
                } else {
                    1.5
                };
                let stroke = Stroke::new(
                    width,
                    if row.is_frame {
                        color.gamma_multiply(0.7)
                    } else {
                        color
                    },
                );
                painter.line_segment([Pos2::new(from, line_y), Pos2::new(to, line_y)], stroke);
                let tip = if to > from { -1.0 } else { 1.0 };
                painter.add(Shape::convex_polygon(
                    vec![
                        Pos2::new(to, line_y),
                        Pos2::new(to + tip * 9.0, line_y - 4.5),
                        Pos2::new(to + tip * 9.0, line_y + 4.5),
                    ],
                    stroke.color,
                    Stroke::NONE,
                ));
                // A message carried by several frames: one tick per frame under the arrow.
                if row.frames.len() > 1 && !self.show_frames {
                    let n = row.frames.len();
                    let (l, r) = if from < to { (from, to) } else { (to, from) };
                    for k in 0..n.min(64) {
                        let x = l + (r - l) * (k as f32 + 1.0) / (n.min(64) as f32 + 1.0);
                        painter.vline(x, line_y..=line_y + 5.0, Stroke::new(1.0, color));
                    }
                }
                let mut text = summary.to_string();
                if row.frames.len() > 1 && !text.contains("fragment") {
                    text.push_str(&format!("  [{} frames]", row.frames.len()));
                }
                label_between(
                    from,
                    to,
                    &text,
                    if row.is_frame { weak } else { text_color },
                );
            }
            RowKind::Socket { conn } => {
                let cx = lanes.client_x(conn);
                let color = weak;
                painter.extend(Shape::dashed_line(
                    &[Pos2::new(cx, line_y), Pos2::new(lanes.server_x, line_y)],
                    Stroke::new(1.2, color),
                    5.0,
                    4.0,
                ));
                let side_x = match trace.events.get(row.event).map(|e| &e.kind) {
                    Some(EventKind::TcpAccept { .. }) => lanes.server_x,
                    Some(EventKind::TcpClose {
                        initiator: Some(crate::trace::Side::Server),
                        ..
                    }) => lanes.server_x,
                    _ => cx,
                };
                painter.circle_filled(Pos2::new(side_x, line_y), 4.0, color);
                painter.circle_filled(Pos2::new(cx, line_y), 2.5, color);
                painter.circle_filled(Pos2::new(lanes.server_x, line_y), 2.5, color);
                label_between(cx, lanes.server_x, summary, weak);
            }
            RowKind::Stage => {
                let mid = top + h / 2.0;
                painter.hline(
                    lanes.api.1 + 4.0..=lanes.right,
                    mid,
                    Stroke::new(1.0, lane_color(ui)),
                );
                let mut job = egui::text::LayoutJob::simple_singleline(
                    summary.to_string(),
                    FontId::proportional(SMALL_FONT),
                    weak,
                );
                let width = (lanes.right - lanes.api.1 - 30.0).max(40.0);
                job.wrap = egui::text::TextWrapping::truncate_at_width(width);
                let galley = painter.layout_job(job);
                let pos = Pos2::new(lanes.api.1 + 10.0, mid - galley.size().y / 2.0);
                painter.rect_filled(
                    Rect::from_min_size(pos, galley.size()).expand(2.0),
                    2.0,
                    ui.visuals().panel_fill,
                );
                painter.galley(pos, galley, weak);
            }
            RowKind::Diagnostic { conn } => {
                let severity = match trace.events.get(row.event).map(|e| &e.kind) {
                    Some(EventKind::Diagnostic { severity, .. }) => *severity,
                    _ => Severity::Warning,
                };
                let color = severity_color(severity);
                let x = conn.map_or(lanes.server_x, |c| {
                    (lanes.client_x(c) + lanes.server_x) / 2.0
                });
                let center = Pos2::new(lanes.client_x(conn.unwrap_or(0)) + 14.0, line_y - 5.0);
                painter.add(Shape::convex_polygon(
                    vec![
                        center + Vec2::new(0.0, -7.0),
                        center + Vec2::new(7.0, 6.0),
                        center + Vec2::new(-7.0, 6.0),
                    ],
                    color,
                    Stroke::NONE,
                ));
                painter.text(
                    center + Vec2::new(0.0, 1.5),
                    Align2::CENTER_CENTER,
                    "!",
                    FontId::proportional(10.0),
                    Color32::BLACK,
                );
                let _ = x;
                let mut job = egui::text::LayoutJob::simple_singleline(
                    summary.to_string(),
                    font.clone(),
                    color,
                );
                job.wrap = egui::text::TextWrapping::truncate_at_width(
                    (lanes.right - center.x - 20.0).max(40.0),
                );
                painter.galley(
                    Pos2::new(center.x + 12.0, line_y - 14.0),
                    painter.layout_job(job),
                    color,
                );
            }
            RowKind::Note { conn } | RowKind::Api { conn } => {
                let cx = conn.map_or(lanes.server_x, |c| lanes.client_x(c));
                let color = match trace.events.get(row.event).map(|e| &e.kind) {
                    Some(EventKind::WsUpgradeCheck { valid: true, .. }) => {
                        Color32::from_rgb(60, 170, 80)
                    }
                    Some(EventKind::WsUpgradeCheck { valid: false, .. }) => {
                        Color32::from_rgb(230, 70, 60)
                    }
                    _ => weak,
                };
                let text = summary.to_string();
                let mut job = egui::text::LayoutJob::simple_singleline(text, font.clone(), color);
                job.wrap = egui::text::TextWrapping::truncate_at_width(
                    (lanes.server_x - cx - 20.0).max(60.0),
                );
                let galley = painter.layout_job(job);
                let pos = Pos2::new(cx + 10.0, line_y - galley.size().y + 2.0);
                let r = Rect::from_min_size(pos, galley.size()).expand2(Vec2::new(5.0, 2.0));
                painter.rect_filled(r, 3.0, ui.visuals().faint_bg_color);
                painter.rect_stroke(
                    r,
                    3.0,
                    Stroke::new(1.0, color.gamma_multiply(0.7)),
                    egui::StrokeKind::Outside,
                );
                painter.galley(pos, galley, color);
            }
        }
    }
}

/// Where each connection's `readyState` changes, by row, for the state bands.
fn api_state_changes(rows: &Rows, trace: &Trace) -> Vec<Vec<(usize, u8)>> {
    let mut out: Vec<Vec<(usize, u8)>> = vec![Vec::new(); rows.api_conns.len()];
    for (r, row) in rows.rows.iter().enumerate() {
        let api = row.api.iter().copied();
        // An api event without a known cause is a row of its own.
        let own = matches!(row.kind, RowKind::Api { .. }).then_some(row.event);
        for a in api.chain(own) {
            let Some(e) = trace.events.get(a) else {
                continue;
            };
            let EventKind::Api { ready_state, .. } = e.kind else {
                continue;
            };
            let Some(k) = e
                .conn
                .and_then(|c| rows.api_conns.iter().position(|x| *x == c))
            else {
                continue;
            };
            if let Some(list) = out.get_mut(k)
                && list.last().is_none_or(|(_, s)| *s != ready_state)
            {
                list.push((r, ready_state));
            }
        }
    }
    out
}

/// The text of a browser-API marker.
fn api_marker_text(event: &crate::trace::Event, trace: &Trace) -> String {
    match &event.kind {
        EventKind::Api {
            ready_state,
            fires,
            code,
            reason,
            was_clean,
            data,
            ..
        } => {
            let who = if trace.connections.len() > 1 {
                event.conn.map(|c| format!("#{c} ")).unwrap_or_default()
            } else {
                String::new()
            };
            let what = describe::api_label(
                *ready_state,
                fires.as_deref(),
                *code,
                reason.as_deref(),
                *was_clean,
                data.as_deref(),
            );
            // The state itself is the band's colour; the marker names the event.
            format!("{who}{what}")
        }
        _ => describe::summary(event),
    }
}
