//! The sequence diagram's egui side: the painter (a [`Scene`] → egui shapes, colours and
//! fonts from the scene's semantic styles) and the interaction (hover, click, keys, zoom,
//! scroll, follow).
//!
//! What is drawn and where comes from [`crate::diagram`]: rows, layout and the scene. Only
//! visible rows are in the scene and made interactive, so a trace with 100k events stays
//! cheap.

use egui::{
    Align2, Color32, FontId, Key, Modifiers, Pos2, Rangef, Rect, Role, Sense, Shape, Stroke, Ui,
    Vec2, WidgetInfo,
};

use super::theme::Theme;
use crate::diagram::api_lane::ApiStates;
use crate::diagram::geom;
use crate::diagram::layout::{
    HEADER_H, LayoutParams, RowSpec, TimelineLayout, clamp_scroll, layout_into, row_specs,
    scroll_to_show,
};
use crate::diagram::rows::{Rows, build_rows};
use crate::diagram::scene::{
    Anchor, Arrow, ArrowStyle, DiagnosticMark, Font, Label, LifelineStyle, Mark, Note, RunState,
    Scene, SceneOptions, SceneRow, SocketLine, StageCaption, StreamEnd, Tone, Viewport, WireUnit,
    build_scene, label_extra_heights,
};
use crate::diagram::spans::{SpanEnd, SpanKind};
use crate::export::fonts::Family;
use crate::lang::Text;
use crate::trace::{Dir, Trace};

/// Up to this many rows, labels too long for one line get a row with room for two; a bigger
/// trace keeps one line per row (shortened, the full text on hover), so a resize does not
/// measure millions of labels.
const MAX_WRAPPED_ROWS: usize = 5_000;

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
    pub empty_hint: Text,
    rows: Rows,
    /// Where each connection's readyState changes, for the API lane's bands.
    api_states: ApiStates,
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
    /// Each row's extra height for a second line of label, for the current width.
    label_extra: Vec<f32>,
    /// What `label_extra` was computed for: generation, rows, frames shown, frame width, language.
    label_extra_for: Option<(u64, usize, bool, u32, crate::lang::Lang)>,
    /// `layout` was given from outside ([`TimelineView::set_aligned_layout`]): several
    /// diagrams on one time axis.
    aligned: bool,
    /// Events drawn highlighted (the same server event in the Compare view's diagrams, a
    /// lesson step's evidence): the rows showing them (a frame's message row, an API event's
    /// cause row).
    pub highlight: Vec<usize>,
    /// Whether the rows not highlighted are dimmed (a lesson step points at its evidence).
    pub spotlight: Spotlight,
    /// The event whose row the pointer is over, at the last frame drawn.
    hovered: Option<usize>,
}

type LayoutParamsKey = (u32, bool);

/// What highlighting does to the other rows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Spotlight {
    /// They are drawn as usual.
    #[default]
    Off,
    /// They are dimmed, when anything is highlighted.
    DimOthers,
}

impl Default for TimelineView {
    fn default() -> Self {
        TimelineView {
            params: LayoutParams::default(),
            show_frames: false,
            follow: true,
            scroll_y: 0.0,
            selected: None,
            empty_hint: super::text::LAB_HINT,
            rows: Rows::default(),
            api_states: ApiStates::default(),
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
            label_extra: Vec::new(),
            label_extra_for: None,
            aligned: false,
            highlight: Vec::new(),
            spotlight: Spotlight::Off,
            hovered: None,
        }
    }
}

/// Colours and sizes of the diagram: the window's theme.
fn theme(ui: &Ui) -> &'static Theme {
    Theme::of(ui.ctx())
}

fn lane_color(ui: &Ui) -> Color32 {
    theme(ui).lane
}

fn arrow_color(ui: &Ui, style: ArrowStyle) -> Color32 {
    theme(ui).direction(match style {
        ArrowStyle::ClientToServer => Dir::C2s,
        ArrowStyle::ServerToClient => Dir::S2c,
    })
}

fn state_color(ui: &Ui, state: u8) -> Color32 {
    Theme::of(ui.ctx()).ready_state(state)
}

/// The colour of a text or mark of tone `tone`.
fn tone_color(ui: &Ui, tone: Tone) -> Color32 {
    let theme = theme(ui);
    match tone {
        Tone::Text => theme.text,
        Tone::Weak => theme.text_weak,
        Tone::Strong => theme.text_strong,
        Tone::Diagnostic(severity) => theme.severity(severity),
        Tone::Confirmed => theme.ok,
        Tone::Failed => theme.error,
        Tone::Playhead => theme.playhead,
        Tone::OnMarker => theme.marker_glyph,
    }
}

/// The font a kind of text is drawn in: the sizes and families the SVG export uses too.
fn font_id(font: Font) -> FontId {
    match crate::export::fonts::text_style(font) {
        (size, Family::Proportional) => FontId::proportional(size),
        (size, Family::Monospace) => FontId::monospace(size),
    }
}

fn pos(p: geom::Point) -> Pos2 {
    Pos2::new(p.x, p.y)
}

fn rect(r: geom::Rect) -> Rect {
    Rect::from_min_max(pos(r.min), pos(r.max))
}

fn align(anchor: Anchor) -> Align2 {
    match anchor {
        Anchor::LeftTop => Align2::LEFT_TOP,
        Anchor::LeftCenter => Align2::LEFT_CENTER,
        Anchor::LeftBottom => Align2::LEFT_BOTTOM,
        Anchor::CenterTop => Align2::CENTER_TOP,
        Anchor::CenterCenter => Align2::CENTER_CENTER,
        Anchor::CenterBottom => Align2::CENTER_BOTTOM,
        Anchor::RightBottom => Align2::RIGHT_BOTTOM,
    }
}

/// A label laid out (truncated to its width) and placed by its anchor, not yet painted.
struct PlacedLabel {
    galley: std::sync::Arc<egui::Galley>,
    pos: Pos2,
    color: Color32,
}

impl PlacedLabel {
    fn new(ui: &Ui, painter: &egui::Painter, label: &Label, width: f32) -> PlacedLabel {
        let color = tone_color(ui, label.tone);
        let mut job = egui::text::LayoutJob::simple_singleline(
            label.text.clone(),
            font_id(label.font),
            color,
        );
        // The scene fitted the text already (up to two lines); a finite width is the old
        // one-line truncation.
        if width.is_finite() {
            job.wrap = egui::text::TextWrapping::truncate_at_width(width);
        } else {
            job.break_on_newline = true;
        }
        let galley = painter.layout_job(job);
        let size = galley.size();
        let p = label.pos;
        let (x, y) = match label.anchor {
            Anchor::LeftTop => (p.x, p.y),
            Anchor::LeftCenter => (p.x, p.y - size.y / 2.0),
            Anchor::LeftBottom => (p.x, p.y - size.y),
            Anchor::CenterTop => (p.x - size.x / 2.0, p.y),
            Anchor::CenterCenter => (p.x - size.x / 2.0, p.y - size.y / 2.0),
            Anchor::CenterBottom => (p.x - size.x / 2.0, p.y - size.y),
            Anchor::RightBottom => (p.x - size.x, p.y - size.y),
        };
        PlacedLabel {
            galley,
            pos: Pos2::new(x, y),
            color,
        }
    }

    /// The text's box.
    fn rect(&self) -> Rect {
        Rect::from_min_size(self.pos, self.galley.size())
    }

    fn paint(self, painter: &egui::Painter) {
        painter.galley(self.pos, self.galley, self.color);
    }
}

/// Paints a label without a backdrop.
fn paint_label(ui: &Ui, painter: &egui::Painter, label: &Label) {
    match label.max_width {
        Some(width) => PlacedLabel::new(ui, painter, label, width).paint(painter),
        None => {
            painter.text(
                pos(label.pos),
                align(label.anchor),
                &label.text,
                font_id(label.font),
                tone_color(ui, label.tone),
            );
        }
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

    /// What the window shows, for an export at `width`: the view's zoom, options, selection,
    /// and its height and scroll.
    pub fn export_spec(&self, width: f32, lang: crate::lang::Lang) -> crate::export::DiagramSpec {
        crate::export::DiagramSpec {
            width,
            extent: crate::export::Extent::View {
                height: self.view_h + HEADER_H,
                scroll_y: self.scroll_y,
            },
            params: self.params,
            show_frames: self.show_frames,
            selected: self.selected,
            lang,
            caption: None,
        }
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

    /// Uses `rows`, built elsewhere (e.g. on a file's reader thread) by
    /// `build_rows(trace, false)`, for `trace` as it is now; call after
    /// [`TimelineView::trace_replaced`].
    pub fn preset_rows(&mut self, rows: Rows, trace: &Trace) {
        if self.show_frames {
            // Those rows hide the frames: build the right ones when next drawn.
            return;
        }
        self.api_states = ApiStates::new(&rows, trace);
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
                self.api_states = ApiStates::new(&self.rows, trace);
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
                row_specs(&self.rows, &mut self.specs);
                // Rows whose label wraps to a second line get that line's height.
                for (spec, extra) in self.specs.iter_mut().zip(&self.label_extra) {
                    spec.min_height += extra;
                }
                self.specs_valid = true;
            }
            // An aligned layout of other rows (the trace grew since) is not used.
            if !self.aligned || self.layout.row_y.len() != self.rows.rows.len() {
                layout_into(&self.specs, &self.params, &mut self.layout);
            }
            self.laid_out_for = Some(lkey);
        }
    }

    /// Gives rows whose label needs two lines at the diagram's width `frame` the height for
    /// them (measured with the painter's fonts), laying out again when that changed.
    fn fit_labels(&mut self, ui: &Ui, trace: &Trace, frame: geom::Rect) {
        let lang = crate::ui::lang::current(ui.ctx());
        let key = (
            self.generation,
            self.rows.rows.len(),
            self.show_frames,
            frame.width().to_bits(),
            lang,
        );
        if self.label_extra_for == Some(key) {
            return;
        }
        self.label_extra_for = Some(key);
        if self.rows.rows.len() <= MAX_WRAPPED_ROWS {
            let measure = measurer(ui);
            label_extra_heights(
                trace,
                &self.rows,
                frame,
                &measure,
                lang,
                &mut self.label_extra,
            );
        } else {
            self.label_extra.clear();
        }
        self.specs_valid = false;
        self.laid_out_for = None;
        self.refresh(trace);
    }

    /// For a diagram laid out with others on one time axis: its rows' specs (time, height,
    /// held gaps) for `trace`, labels fitted to a frame `width` wide as [`TimelineView::ui`]
    /// will fit them, for [`crate::diagram::aligned::aligned_layouts`].
    pub fn specs_at_width(&mut self, ui: &Ui, trace: &Trace, width: f32) -> &[RowSpec] {
        self.refresh(trace);
        let frame =
            geom::Rect::from_min_max(geom::Point::new(0.0, 0.0), geom::Point::new(width, 1.0));
        self.fit_labels(ui, trace, frame);
        if !self.specs_valid {
            row_specs(&self.rows, &mut self.specs);
            for (spec, extra) in self.specs.iter_mut().zip(&self.label_extra) {
                spec.min_height += extra;
            }
            self.specs_valid = true;
        }
        &self.specs
    }

    /// Draws the rows at `layout` (one entry per row of [`TimelineView::specs_at_width`]),
    /// instead of laying them out alone; `None` goes back to the diagram's own layout.
    pub fn set_aligned_layout(&mut self, layout: Option<TimelineLayout>) {
        self.aligned = layout.is_some();
        if let Some(layout) = layout {
            self.layout = layout;
        }
        self.laid_out_for = None;
    }

    /// The event whose row the pointer was over at the last frame drawn.
    pub fn hovered(&self) -> Option<usize> {
        self.hovered
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
        // Read before: the accessibility callback runs with the context locked.
        let name = super::text::SEQUENCE_DIAGRAM.get(super::lang::current(ui.ctx()));
        response.widget_info(|| WidgetInfo::labeled(Role::ScrollView, true, name));
        let body = Rect::from_min_max(Pos2::new(rect.left(), rect.top() + HEADER_H), rect.max);
        self.view_h = body.height();
        let frame = geom::Rect::from_min_max(
            geom::Point::new(rect.min.x, rect.min.y),
            geom::Point::new(rect.max.x, rect.max.y),
        );
        self.fit_labels(ui, trace, frame);

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

        let scene = build_scene(
            trace,
            &self.rows,
            &self.api_states,
            &self.layout,
            Viewport {
                frame,
                scroll_y: self.scroll_y,
            },
            &SceneOptions {
                selected: self.selected,
                show_frames: self.show_frames,
                run: if running {
                    RunState::Running
                } else {
                    RunState::Idle
                },
                px_per_ms: self.params.px_per_ms,
                empty_hint: self.empty_hint.get(super::lang::current(ui.ctx())),
                lang: super::lang::current(ui.ctx()),
            },
            &measurer(ui),
        );
        let (clicked, hovered) = self.paint_scene(ui, &scene);
        self.hovered = hovered;
        if let Some(e) = clicked {
            self.selected = Some(e);
        } else if response.clicked() {
            self.selected = None;
        }
    }

    /// Paints `scene` and makes its rows and markers clickable; returns the clicked event and
    /// the hovered one.
    fn paint_scene(&self, ui: &Ui, scene: &Scene) -> (Option<usize>, Option<usize>) {
        let frame = rect(scene.frame);
        let body = rect(scene.body);
        let painter = ui.painter_at(frame);
        let size = &theme(ui).diagram;

        for line in &scene.lifelines {
            let color = match line.style {
                LifelineStyle::Participant => lane_color(ui),
                LifelineStyle::Inferred => lane_color(ui).gamma_multiply(0.5),
            };
            painter.vline(
                line.x,
                Rangef::new(line.top, line.bottom),
                Stroke::new(size.lifeline, color),
            );
        }

        let body_painter = painter.with_clip_rect(body);
        for gap in &scene.gaps {
            body_painter.rect_filled(rect(gap.band), 2.0, theme(ui).faint_bg);
            paint_label(ui, &body_painter, &gap.label);
        }
        for band in &scene.api_bands {
            body_painter.rect_filled(rect(band.rect), 1.0, state_color(ui, band.state));
        }
        paint_spans(ui, &body_painter, scene, self.generation);

        let mut clicked: Option<usize> = None;
        let mut hovered: Option<usize> = None;
        let highlighted_rows: Vec<usize> = self
            .highlight
            .iter()
            .filter_map(|e| self.rows.row_of_event.get(e).copied())
            .collect();
        let dim = self.spotlight == Spotlight::DimOthers && !highlighted_rows.is_empty();
        for row in &scene.rows {
            let band = rect(row.band);
            let highlighted = highlighted_rows.contains(&row.row);
            if highlighted {
                let selection = ui.visuals().selection;
                body_painter.rect_filled(band, 3.0, selection.bg_fill.gamma_multiply(0.2));
                body_painter.rect_stroke(
                    band,
                    3.0,
                    Stroke::new(1.0, selection.stroke.color),
                    egui::StrokeKind::Inside,
                );
            }
            if row.selected {
                body_painter.rect_filled(band, 3.0, theme(ui).selection.gamma_multiply(0.35));
            }
            paint_label(ui, &body_painter, &row.time);
            let id = ui
                .scope_id()
                .with(("wirelab-row", self.generation, row.event));
            let hit = band.intersect(body);
            if hit.is_positive() {
                let resp = ui.interact(hit, id, Sense::click());
                resp.widget_info(|| WidgetInfo::labeled(Role::Button, true, &row.summary));
                let resp = match row.mark.label().full.as_deref() {
                    Some(full) => resp.on_hover_text(full),
                    None => resp,
                };
                if resp.clicked() {
                    clicked = Some(row.event);
                }
                if resp.hovered() {
                    hovered = Some(row.event);
                    ui.ctx().set_cursor_icon(egui::CursorIcon::PointingHand);
                }
            }
            paint_mark(ui, &body_painter, row);
            if dim && !highlighted {
                // A veil of the canvas's own colour: the evidence stands out, the rest stays legible.
                let veil = ui
                    .visuals()
                    .panel_fill
                    .gamma_multiply(theme(ui).size.spotlight_veil);
                body_painter.rect_filled(band, 0.0, veil);
            }

            for marker in &row.api {
                let mrect = rect(marker.band);
                let hit = mrect.intersect(body);
                if hit.is_positive() {
                    let resp = ui.interact(
                        hit,
                        ui.scope_id()
                            .with(("wirelab-api", self.generation, marker.event)),
                        Sense::click(),
                    );
                    let name = marker.label.full.as_deref().unwrap_or(&marker.label.text);
                    resp.widget_info(|| WidgetInfo::labeled(Role::Button, true, name));
                    let resp = match marker.label.full.as_deref() {
                        Some(full) => resp.on_hover_text(full),
                        None => resp,
                    };
                    if resp.clicked() {
                        clicked = Some(marker.event);
                    }
                    if marker.selected {
                        body_painter.rect_filled(
                            mrect,
                            2.0,
                            theme(ui).selection.gamma_multiply(0.5),
                        );
                    }
                }
                body_painter.circle_filled(
                    pos(marker.dot.center),
                    marker.dot.radius,
                    state_color(ui, marker.state),
                );
                paint_label(ui, &body_painter, &marker.label);
            }
        }

        if let Some(playhead) = &scene.playhead {
            body_painter.hline(
                playhead.span.left..=playhead.span.right,
                playhead.y,
                Stroke::new(size.playhead, tone_color(ui, playhead.label.tone)),
            );
            paint_label(ui, &body_painter, &playhead.label);
        }
        if let Some(hint) = &scene.empty_hint {
            // On a backdrop, so no lifeline runs through the text.
            let text = PlacedLabel::new(ui, &body_painter, hint, f32::INFINITY);
            body_painter.rect_filled(text.rect().expand(6.0), 4.0, theme(ui).background);
            text.paint(&body_painter);
        }

        // Header last, so it stays on top of the rows.
        let header = &scene.header;
        painter.rect_filled(rect(header.band), 0.0, theme(ui).background);
        painter.hline(
            header.rule.left..=header.rule.right,
            header.band.bottom(),
            Stroke::new(size.lifeline, lane_color(ui)),
        );
        for (k, label) in header.labels.iter().enumerate() {
            let Some(full) = &label.full else {
                paint_label(ui, &painter, label);
                continue;
            };
            // A shortened title: the whole name and address on hover.
            let text = PlacedLabel::new(ui, &painter, label, f32::INFINITY);
            ui.interact(
                text.rect(),
                ui.scope_id().with(("wirelab-title", self.generation, k)),
                Sense::hover(),
            )
            .on_hover_text(full);
            text.paint(&painter);
        }
        (clicked, hovered)
    }
}

/// The painter's text measurement: the sum of the glyphs' widths in the font a label is
/// drawn in (what egui's layout of one line adds up to, without a galley per text).
fn measurer(ui: &Ui) -> impl Fn(&str, Font) -> f32 + '_ {
    move |text: &str, font: Font| {
        let id = font_id(font);
        ui.ctx()
            .fonts_mut(|f| text.chars().map(|c| f.glyph_width(&id, c)).sum::<f32>())
    }
}

/// Paints a row's main mark.
fn paint_mark(ui: &Ui, painter: &egui::Painter, row: &SceneRow) {
    match &row.mark {
        Mark::Arrow(arrow) => paint_arrow(ui, painter, arrow, row.selected),
        Mark::Socket(socket) => paint_socket(ui, painter, socket),
        Mark::Stage(stage) => paint_stage(ui, painter, stage),
        Mark::Diagnostic(diagnostic) => paint_diagnostic(ui, painter, diagnostic),
        Mark::Note(note) => paint_note(ui, painter, note),
        Mark::StreamEnd(end) => paint_stream_end(ui, painter, end),
    }
}

/// The colour of a span: the request's direction for a held request, the response's for a
/// stream.
fn span_color(ui: &Ui, kind: SpanKind) -> Color32 {
    theme(ui).direction(match kind {
        SpanKind::Held => Dir::C2s,
        SpanKind::Stream { .. } => Dir::S2c,
    })
}

/// Paints the open spans under the rows, with their full text on hover.
fn paint_spans(ui: &Ui, painter: &egui::Painter, scene: &Scene, generation: u64) {
    let body = rect(scene.body);
    for (k, bar) in scene.spans.iter().enumerate() {
        let color = span_color(ui, bar.kind);
        let r = rect(bar.rect);
        painter.rect_filled(r, 2.0, color.gamma_multiply(0.25));
        let outline = Stroke::new(theme(ui).diagram.outline, color.gamma_multiply(0.8));
        painter.vline(r.left(), r.y_range(), outline);
        painter.vline(r.right(), r.y_range(), outline);
        painter.hline(r.x_range(), r.top(), outline);
        match bar.end {
            // Still open: no bottom edge, an arrowhead saying it goes on.
            SpanEnd::Open => {
                let (c, b) = (r.center().x, r.bottom());
                let _ = painter.add(Shape::convex_polygon(
                    vec![
                        Pos2::new(c, b + 5.0),
                        Pos2::new(c + 5.0, b - 2.0),
                        Pos2::new(c - 5.0, b - 2.0),
                    ],
                    outline.color,
                    Stroke::NONE,
                ));
            }
            SpanEnd::Done | SpanEnd::Closed => {
                painter.hline(r.x_range(), r.bottom(), outline);
            }
        }
        // A shortened stretch of the span: two slanted strokes across it.
        for &y in &bar.breaks {
            let gap = theme(ui).background;
            painter.rect_filled(
                Rect::from_min_max(
                    Pos2::new(r.left() - 1.0, y - 3.0),
                    Pos2::new(r.right() + 1.0, y + 3.0),
                ),
                0.0,
                gap,
            );
            for dy in [-3.0, 3.0] {
                painter.line_segment(
                    [
                        Pos2::new(r.left() - 3.0, y + dy + 2.0),
                        Pos2::new(r.right() + 3.0, y + dy - 2.0),
                    ],
                    outline,
                );
            }
        }
        if let Some(label) = &bar.label {
            paint_label(ui, painter, label);
        }
        if let Some(text) = &bar.text {
            let hit = r.expand2(Vec2::new(3.0, 0.0)).intersect(body);
            if hit.is_positive() {
                let id = ui
                    .scope_id()
                    .with(("wirelab-span", generation, k, bar.conn));
                ui.interact(hit, id, Sense::hover()).on_hover_text(text);
            }
        }
    }
}

fn paint_stream_end(ui: &Ui, painter: &egui::Painter, end: &StreamEnd) {
    let color = arrow_color(ui, ArrowStyle::ServerToClient);
    let width = theme(ui).diagram.stream_end;
    painter.hline(
        end.cap.left..=end.cap.right,
        end.y,
        Stroke::new(width, color),
    );
    paint_label(ui, painter, &end.label);
}

/// Paints an arrow (also the legend's samples).
pub(super) fn paint_arrow(ui: &Ui, painter: &egui::Painter, arrow: &Arrow, selected: bool) {
    let color = arrow_color(ui, arrow.style);
    let size = &theme(ui).diagram;
    let width = match (selected, arrow.unit) {
        (true, _) => size.selected_arrow,
        (false, WireUnit::Frame) => size.frame_arrow,
        (false, WireUnit::Message) => size.arrow,
    };
    let stroke = Stroke::new(
        width,
        match arrow.unit {
            WireUnit::Frame => color.gamma_multiply(0.7),
            WireUnit::Message => color,
        },
    );
    painter.line_segment([pos(arrow.from), pos(arrow.to)], stroke);
    painter.add(Shape::convex_polygon(
        arrow.head.iter().copied().map(pos).collect(),
        stroke.color,
        Stroke::NONE,
    ));
    for tick in &arrow.ticks {
        painter.vline(
            tick.x,
            tick.top..=tick.bottom,
            Stroke::new(size.tick, color),
        );
    }
    paint_label(ui, painter, &arrow.label);
}

/// Paints a socket event's dashed line (also the legend's sample).
pub(super) fn paint_socket(ui: &Ui, painter: &egui::Painter, socket: &SocketLine) {
    let color = tone_color(ui, Tone::Weak);
    painter.extend(Shape::dashed_line(
        &[pos(socket.from), pos(socket.to)],
        Stroke::new(theme(ui).diagram.socket, color),
        5.0,
        4.0,
    ));
    for dot in &socket.dots {
        painter.circle_filled(pos(dot.center), dot.radius, color);
    }
    paint_label(ui, painter, &socket.label);
}

fn paint_stage(ui: &Ui, painter: &egui::Painter, stage: &StageCaption) {
    painter.hline(
        stage.rule.left..=stage.rule.right,
        stage.y,
        Stroke::new(theme(ui).diagram.lifeline, lane_color(ui)),
    );
    let width = stage.label.max_width.unwrap_or(f32::INFINITY);
    let text = PlacedLabel::new(ui, painter, &stage.label, width);
    painter.rect_filled(text.rect().expand(2.0), 2.0, theme(ui).background);
    text.paint(painter);
}

/// Paints a diagnostic's marker and text (also the legend's samples).
pub(super) fn paint_diagnostic(ui: &Ui, painter: &egui::Painter, diagnostic: &DiagnosticMark) {
    painter.add(Shape::convex_polygon(
        diagnostic.triangle.iter().copied().map(pos).collect(),
        theme(ui).severity(diagnostic.severity),
        Stroke::NONE,
    ));
    paint_label(ui, painter, &diagnostic.glyph);
    paint_label(ui, painter, &diagnostic.label);
}

/// Paints a note in its box (also the legend's sample).
pub(super) fn paint_note(ui: &Ui, painter: &egui::Painter, note: &Note) {
    let width = note.label.max_width.unwrap_or(f32::INFINITY);
    let text = PlacedLabel::new(ui, painter, &note.label, width);
    let r = text.rect().expand2(Vec2::new(5.0, 2.0));
    painter.rect_filled(r, 3.0, theme(ui).faint_bg);
    painter.rect_stroke(
        r,
        3.0,
        Stroke::new(theme(ui).diagram.outline, text.color.gamma_multiply(0.7)),
        egui::StrokeKind::Outside,
    );
    text.paint(painter);
}
