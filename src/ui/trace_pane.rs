//! What the File and Capture views share: a trace, its connection list (left, filterable),
//! the sequence diagram of the selected connection or of all of them (centre) and the detail
//! pane (right) — the same diagram and detail components as the Lab's.

use egui::RichText;

use super::command::Command;
use super::status::StatusLine;
use super::text::{self as t};
use super::theme::Theme;
use super::{detail, timeline};
use crate::analysis::connections::{ConnFilter, ConnIndex, ConnSummary, Protocol, SubTrace};
use crate::diagram::rows::Rows;
use crate::lang::{Lang, Text};
use crate::trace::describe::{self, format_bytes, format_count, format_time_us};
use crate::trace::{EventKind, Source, Trace, TraceUpdate};

/// Free-text matching is remembered per connection, so a growing trace is searched once.
#[derive(Default)]
struct TextMatches {
    text: String,
    /// The language the events' summaries were searched in.
    lang: Lang,
    /// Per connection id.
    state: std::collections::HashMap<u32, TextMatch>,
}

/// What the free text search found in one connection so far.
#[derive(Clone, Copy, Debug, Default)]
struct TextMatch {
    /// The text was found.
    matched: bool,
    /// Events of the connection already searched.
    searched: usize,
}

/// What the filtered list was computed for: it is recomputed when any of it changes.
#[derive(Clone, Debug, PartialEq)]
struct FilterKey {
    filter: ConnFilter,
    events: usize,
    connections: usize,
}

/// What becomes of the diagram's "follow" option when the pane gets a new trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnNewTrace {
    /// A live source: follow the newest event.
    Follow,
    /// A file: start at its top.
    StartAtTop,
}

/// One view's trace and everything drawn from it.
pub struct TracePane {
    trace: Trace,
    index: ConnIndex,
    /// The connection list's filter.
    pub filter: ConnFilter,
    text_matches: TextMatches,
    /// Connections passing the filter (ids), and what they were computed for.
    filtered: Vec<u32>,
    filtered_for: Option<FilterKey>,
    selected_conn: Option<u32>,
    sub: Option<SubTrace>,
    timeline: timeline::TimelineView,
    detail_view: detail::DetailView,
    /// The id salt of this pane's widgets (several panes live in one window).
    salt: &'static str,
    /// What a new trace does to "follow".
    on_new_trace: OnNewTrace,
    /// The detail pane's default width (`None`: the theme's).
    detail_width: Option<f32>,
    /// Whether the detail pane is shown or collapsed to a strip (`D` or its button); its
    /// width is egui's panel state, kept for the session.
    detail: SidePane,
    /// Whether the connection list (File and Capture views) is open.
    list: SidePane,
    /// The diagram's width at the last frame.
    diagram_width: f32,
    /// What the last export of the diagram did.
    export_status: Option<StatusLine>,
}

/// Whether a side pane (the connection list, the detail pane) is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SidePane {
    /// Beside the diagram.
    Open,
    /// Collapsed to a strip with a button: the diagram takes its width.
    Collapsed,
}

impl SidePane {
    /// The other state.
    fn toggled(self) -> SidePane {
        match self {
            SidePane::Open => SidePane::Collapsed,
            SidePane::Collapsed => SidePane::Open,
        }
    }
}

impl TracePane {
    /// An empty pane; `empty_hint`: what the empty diagram says.
    pub fn new(salt: &'static str, on_new_trace: OnNewTrace, empty_hint: Text) -> TracePane {
        let mut timeline = timeline::TimelineView::default();
        timeline.empty_hint = empty_hint;
        TracePane {
            trace: Trace::new(Source::default(), chrono::Utc::now()),
            index: ConnIndex::default(),
            filter: ConnFilter::default(),
            text_matches: TextMatches::default(),
            filtered: Vec::new(),
            filtered_for: None,
            selected_conn: None,
            sub: None,
            timeline,
            detail_view: detail::DetailView::default(),
            salt,
            on_new_trace,
            detail_width: None,
            detail: SidePane::Open,
            list: SidePane::Open,
            diagram_width: 0.0,
            export_status: None,
        }
    }

    /// The same pane with another default width of its detail pane.
    pub fn with_detail_width(mut self, width: f32) -> TracePane {
        self.detail_width = Some(width);
        self
    }

    /// Forgets the diagram's caches after its trace changed.
    fn diagram_replaced(&mut self) {
        self.timeline.trace_replaced();
        match self.on_new_trace {
            OnNewTrace::Follow => self.timeline.follow = true,
            OnNewTrace::StartAtTop => self.timeline.follow = false,
        }
    }

    /// The whole trace.
    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    /// The trace the diagram shows: the selected connection's, or the whole one.
    pub fn shown(&self) -> &Trace {
        self.sub.as_ref().map_or(&self.trace, |s| &s.trace)
    }

    /// Replaces the trace (a file was opened, a capture started).
    pub fn set_trace(&mut self, trace: Trace) {
        let mut index = ConnIndex::default();
        index.update(&trace);
        self.set_trace_only(trace, index);
    }

    fn set_trace_only(&mut self, trace: Trace, index: ConnIndex) {
        self.trace = trace;
        self.index = index;
        self.text_matches = TextMatches::default();
        self.filtered_for = None;
        self.selected_conn = None;
        self.sub = None;
        self.diagram_replaced();
    }

    /// Replaces the trace with one whose connection summaries and diagram rows (frames
    /// hidden) were computed elsewhere, e.g. on a reader thread.
    pub fn set_prepared(&mut self, trace: Trace, rows: Rows, index: ConnIndex) {
        self.set_trace_only(trace, index);
        self.timeline.preset_rows(rows, &self.trace);
    }

    /// Replaces a preview with the trace it began (the same events first, at the same
    /// indices): the selected connection, the selected event and the scroll position stay.
    pub fn grow_prepared(&mut self, trace: Trace, rows: Rows, index: ConnIndex) {
        let conn = self.selected_conn;
        let selected = match &self.sub {
            Some(s) => self.timeline.selected.and_then(|e| s.to_full(e)),
            None => self.timeline.selected,
        };
        let scroll = self.timeline.scroll_y;
        self.set_prepared(trace, rows, index);
        if conn.is_some() {
            self.select_conn(conn);
        }
        self.timeline.selected = match &self.sub {
            Some(s) => selected.and_then(|e| s.from_full(e)),
            None => selected,
        };
        self.timeline.scroll_y = scroll;
    }

    /// Applies a live update.
    pub fn apply(&mut self, update: TraceUpdate) {
        let next = self.trace.events.len();
        if let Some(sub) = &mut self.sub {
            sub.apply(&update, next);
        }
        self.trace.apply(update);
    }

    /// Rewrites the label of every stage event whose caption `caption(index)` gives (the
    /// Lab's stage captions, in the window's language); the diagram draws them next frame.
    pub fn relabel_stages<'a>(&mut self, caption: impl Fn(u32) -> Option<&'a str>) {
        let subs = self.sub.iter_mut().map(|s| &mut s.trace);
        for trace in std::iter::once(&mut self.trace).chain(subs) {
            for event in &mut trace.events {
                if let EventKind::Stage { index, label } = &mut event.kind
                    && let Some(text) = caption(*index)
                    && label != text
                {
                    *label = text.to_string();
                }
            }
        }
    }

    /// The connection summaries (every connection, unfiltered).
    pub fn connections(&mut self) -> &[ConnSummary] {
        self.index.update(&self.trace);
        &self.index.summaries
    }

    /// Diagnostics about no connection in particular (e.g. a damaged file).
    pub fn other_diagnostics(&mut self) -> u64 {
        self.index.update(&self.trace);
        self.index.other_diagnostics
    }

    /// The ids of the connections the filter lets through, in list order.
    pub fn filtered(&mut self) -> &[u32] {
        self.refresh_filter();
        &self.filtered
    }

    /// The selected connection (`None`: all).
    pub fn selected_conn(&self) -> Option<u32> {
        self.selected_conn
    }

    /// Shows one connection (`Some`) or all of them.
    pub fn select_conn(&mut self, conn: Option<u32>) {
        if conn == self.selected_conn {
            return;
        }
        self.index.update(&self.trace);
        // Keep the selected event if the new view shows it.
        let full_selected = match &self.sub {
            Some(s) => self.timeline.selected.and_then(|e| s.to_full(e)),
            None => self.timeline.selected,
        };
        self.selected_conn = conn;
        self.sub = conn.map(|c| {
            let indices = self
                .index
                .get(c)
                .map(|s| s.event_indices.as_slice())
                .unwrap_or_default();
            SubTrace::new(&self.trace, c, indices)
        });
        self.diagram_replaced();
        let keep = match (&self.sub, full_selected) {
            (Some(s), Some(e)) => s.from_full(e),
            (None, e) => e,
            _ => None,
        };
        self.timeline.select(keep);
    }

    /// The diagram's scroll offset (px from the top of its layout).
    pub fn scroll_y(&self) -> f32 {
        self.timeline.scroll_y
    }

    /// Scrolls the diagram to `y` px from the top of its layout.
    pub fn set_scroll_y(&mut self, y: f32) {
        self.timeline.scroll_y = y;
    }

    /// The selected event (index into [`TracePane::shown`]).
    pub fn selected_event(&self) -> Option<usize> {
        self.timeline.selected
    }

    /// Selects an event of [`TracePane::shown`].
    pub fn select_event(&mut self, event: Option<usize>) {
        self.timeline.select(event);
    }

    fn refresh_filter(&mut self) {
        self.index.update(&self.trace);
        let key = FilterKey {
            filter: self.filter.clone(),
            events: self.trace.events.len(),
            connections: self.index.summaries.len(),
        };
        if self.filtered_for.as_ref() == Some(&key) {
            return;
        }
        let text = self.filter.text.trim().to_lowercase();
        if text != self.text_matches.text || self.filter.lang != self.text_matches.lang {
            self.text_matches = TextMatches {
                text: text.clone(),
                lang: self.filter.lang,
                state: Default::default(),
            };
        }
        let no_text = ConnFilter {
            text: String::new(),
            ..self.filter.clone()
        };
        let mut out = Vec::new();
        for s in &self.index.summaries {
            if !no_text.matches(s, &self.trace) {
                continue;
            }
            if !text.is_empty() {
                let before = self
                    .text_matches
                    .state
                    .get(&s.conn.id)
                    .copied()
                    .unwrap_or_default();
                // Only the events added since the last search.
                let matched = before.matched
                    || self.filter.text_matches(
                        s,
                        s.event_indices.get(before.searched..).unwrap_or_default(),
                        &self.trace,
                    );
                self.text_matches.state.insert(
                    s.conn.id,
                    TextMatch {
                        matched,
                        searched: s.event_indices.len(),
                    },
                );
                if !matched {
                    continue;
                }
            }
            out.push(s.conn.id);
        }
        self.filtered = out;
        self.filtered_for = Some(key);
    }

    /// The connection list with its filter (for a left side panel).
    pub fn list_ui(&mut self, ui: &mut egui::Ui) {
        let size = &Theme::of(ui.ctx()).size;
        let lang = super::lang::current(ui.ctx());
        // The free text matches the summaries in the language they are read in.
        self.filter.lang = lang;
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            ui.strong(t::CONNECTIONS.get(lang));
            if !self.filter.is_empty() && ui.small_button(t::CLEAR_FILTER.get(lang)).clicked() {
                self.filter = ConnFilter {
                    lang,
                    ..ConnFilter::default()
                };
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui
                    .small_button("«")
                    .on_hover_text(t::COLLAPSE_LIST_HINT.get(lang))
                    .clicked()
                {
                    self.list = SidePane::Collapsed;
                }
            });
        });
        ui.horizontal(|ui| {
            let label = ui.label(t::FILTER.get(lang));
            ui.add(
                egui::TextEdit::singleline(&mut self.filter.text)
                    .hint_text(t::FILTER_HINT.get(lang))
                    .desired_width(ui.available_width()),
            )
            .labelled_by(label.id)
            .on_hover_text(t::FILTER_HOVER.get(lang));
        });
        ui.horizontal(|ui| {
            let label = ui.label(t::PORT.get(lang));
            ui.add(
                egui::TextEdit::singleline(&mut self.filter.port)
                    .hint_text(t::ANY.get(lang))
                    .desired_width(size.port_width),
            )
            .labelled_by(label.id);
            let label = ui.label(t::PROTOCOL.get(lang));
            egui::ComboBox::from_id_salt((self.salt, "protocol"))
                .selected_text(
                    self.filter
                        .protocol
                        .map_or(t::ANY.get(lang), Protocol::name),
                )
                .width(size.protocol_width)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.filter.protocol, None, t::ANY.get(lang));
                    for p in Protocol::ALL {
                        ui.selectable_value(&mut self.filter.protocol, Some(p), p.name());
                    }
                })
                .response
                .labelled_by(label.id);
        });
        if self.filter.port_error().is_some() {
            let port = self.filter.port.trim();
            ui.colored_label(Theme::of(ui.ctx()).error, t::not_a_port(lang, port));
        }
        ui.separator();
        self.refresh_filter();
        let total = self.index.summaries.len();
        let all_text = t::all_connections(
            lang,
            self.filtered.len(),
            total,
            self.trace.events.len() as u64,
        );
        if ui
            .selectable_label(self.selected_conn.is_none(), all_text)
            .clicked()
        {
            self.select_conn(None);
        }
        if self.index.other_diagnostics > 0 {
            ui.colored_label(
                Theme::of(ui.ctx()).warning,
                t::whole_file_notes(lang, self.index.other_diagnostics),
            );
        }
        ui.separator();
        let row_h = 2.0 * ui.text_style_height(&egui::TextStyle::Body) + 10.0;
        let mut clicked = None;
        egui::ScrollArea::vertical()
            .id_salt((self.salt, "connections"))
            .auto_shrink([false, false])
            .show_rows(ui, row_h, self.filtered.len(), |ui, range| {
                for k in range {
                    let Some(s) = self.filtered.get(k).and_then(|id| self.index.get(*id)) else {
                        continue;
                    };
                    let c = &s.conn;
                    let mut line2 = t::conn_line(
                        lang,
                        s.protocol.name(),
                        &format_count(s.messages),
                        &format_bytes(s.bytes_c2s),
                        &format_bytes(s.bytes_s2c),
                    );
                    if s.diagnostics > 0 {
                        line2.push_str(&format!(" · ⚠ {}", s.diagnostics));
                    }
                    let name = c
                        .label
                        .as_deref()
                        .map(|l| format!(" {}", describe::lane_name(l, lang)))
                        .unwrap_or_default();
                    let text = format!("#{}{name}  {} → {}\n{line2}", c.id, c.client, c.server);
                    let selected = self.selected_conn == Some(c.id);
                    // Text on the left; the grow atom takes the rest of the row.
                    let button = egui::Button::selectable(
                        selected,
                        (RichText::new(text), egui::Atom::grow()),
                    )
                    .min_size(egui::vec2(ui.available_width(), row_h - 4.0))
                    // Rows have a fixed height (the list is virtual): never wrap.
                    .wrap_mode(egui::TextWrapMode::Extend);
                    let resp = ui.add(button).on_hover_text(t::conn_hint(
                        lang,
                        s.events,
                        s.diagnostics,
                        &format_time_us(s.first_us),
                        &format_time_us(s.last_us),
                    ));
                    if resp.clicked() {
                        clicked = Some(c.id);
                    }
                }
            });
        if self.filtered.is_empty() && total > 0 {
            ui.weak(t::NO_CONNECTION_MATCHES.get(lang));
        } else if total == 0 {
            ui.weak(t::NO_CONNECTION_YET.get(lang));
        }
        if let Some(c) = clicked {
            self.select_conn(Some(c));
        }
    }

    /// The connection list (left panel, `list_id`), then [`TracePane::diagram_ui`].
    pub fn browse_ui(&mut self, ui: &mut egui::Ui, list_id: &str, running: bool) {
        self.filter.lang = super::lang::current(ui.ctx());
        if super::presenter::is_active(ui.ctx()) {
            // Presenter mode: the diagram and its detail only.
            self.diagram_ui(ui, running);
            return;
        }
        let size = &Theme::of(ui.ctx()).size;
        let lang = super::lang::current(ui.ctx());
        if !ui.ctx().egui_wants_keyboard_input()
            && ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::L))
        {
            self.list = self.list.toggled();
        }
        // A share of the window at most, so at 2x UI zoom the list leaves the diagram room.
        let max = size
            .list_max
            .min(ui.available_width() * size.list_max_share)
            .max(size.list_min);
        match self.list {
            SidePane::Open => {
                egui::Panel::left(list_id)
                    .resizable(true)
                    .default_size(size.list_width.min(max))
                    .size_range(size.list_min..=max)
                    .show(ui, |ui| self.list_ui(ui));
            }
            SidePane::Collapsed => {
                egui::Panel::left((list_id, "strip"))
                    .resizable(false)
                    .exact_size(size.detail_strip)
                    .show(ui, |ui| {
                        if ui
                            .small_button("»")
                            .on_hover_text(t::SHOW_LIST_HINT.get(lang))
                            .clicked()
                        {
                            self.list = SidePane::Open;
                        }
                    });
            }
        }
        self.diagram_ui(ui, running);
    }

    /// The diagram's zoom and display options and its Export… menu (for a row of the top bar).
    pub fn options_ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        let shown = self.sub.as_ref().map_or(&self.trace, |s| &s.trace);
        super::export::menu_ui(ui, shown, commands);
        if let Some(status) = &self.export_status {
            status.ui(ui);
        }
        let timeline = &mut self.timeline;
        let lang = super::lang::current(ui.ctx());
        ui.checkbox(
            &mut timeline.params.collapse_gaps,
            t::COLLAPSE_GAPS.get(lang),
        );
        ui.checkbox(&mut timeline.show_frames, t::SHOW_FRAMES.get(lang));
        ui.checkbox(&mut timeline.follow, t::FOLLOW.get(lang));
        if ui
            .small_button("-")
            .on_hover_text(t::ZOOM_OUT_HINT.get(lang))
            .clicked()
        {
            timeline.params.zoom_by(0.8);
        }
        if ui
            .small_button("+")
            .on_hover_text(t::ZOOM_IN_HINT.get(lang))
            .clicked()
        {
            timeline.params.zoom_by(1.25);
        }
    }

    /// Writes the diagram shown (the selected connection's, or the whole trace's) as `what`
    /// asks to `to`, in `palette`'s colours; the outcome is shown beside the Export… menu.
    pub fn export_diagram(
        &mut self,
        what: super::export::DiagramExport,
        palette: &crate::export::Palette,
        to: &std::path::Path,
        caption: Option<String>,
    ) {
        let shown = self.sub.as_ref().map_or(&self.trace, |s| &s.trace);
        let mut view = self
            .timeline
            .export_spec(self.diagram_width.max(400.0), what.lang);
        view.caption = caption;
        self.export_status = Some(super::export::save(shown, view, what, palette, to));
    }

    /// What the last export did, if one was asked for.
    pub fn export_status(&self) -> Option<&StatusLine> {
        self.export_status.as_ref()
    }

    /// The diagram's zoom, in pixels per millisecond.
    pub fn px_per_ms(&self) -> f32 {
        self.timeline.params.px_per_ms
    }

    /// Whether the diagram keeps the newest event in view.
    pub fn set_follow(&mut self, follow: bool) {
        self.timeline.follow = follow;
    }

    /// Highlights `events` of the whole trace (the rows showing them), the others dimmed or
    /// not as `spotlight` says; an empty list clears the highlight.
    pub fn set_highlight(&mut self, events: Vec<usize>, spotlight: timeline::Spotlight) {
        self.timeline.highlight = events;
        self.timeline.spotlight = spotlight;
    }

    /// The events highlighted.
    pub fn highlighted(&self) -> &[usize] {
        &self.timeline.highlight
    }

    /// What the empty diagram says.
    pub fn set_empty_hint(&mut self, hint: Text) {
        self.timeline.empty_hint = hint;
    }

    /// Whether the detail pane is open or collapsed.
    pub fn detail_pane(&self) -> SidePane {
        self.detail
    }

    /// Whether the connection list is open (`L` toggles it).
    pub fn list_pane(&self) -> SidePane {
        self.list
    }

    /// Opens or collapses the detail pane.
    pub fn set_detail_pane(&mut self, pane: SidePane) {
        self.detail = pane;
    }

    /// The diagram's width in points at the last frame drawn.
    pub fn diagram_width(&self) -> f32 {
        self.diagram_width
    }

    /// The detail pane (right panel, or a strip when collapsed) and the sequence diagram
    /// (the rest). `D` collapses and opens the pane, unless a text field has the keyboard.
    pub fn diagram_ui(&mut self, ui: &mut egui::Ui, running: bool) {
        let mut jump = None;
        let theme = Theme::of(ui.ctx());
        let lang = super::lang::current(ui.ctx());
        let toggle = !ui.ctx().egui_wants_keyboard_input()
            && ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::D));
        if toggle {
            self.detail = self.detail.toggled();
        }
        let available = ui.available_width();
        // A share of the window, not a fixed width: at 2x UI zoom the diagram keeps most of it.
        let max_detail = theme.detail_max(available).max(theme.size.detail_min);
        let detail_width = self
            .detail_width
            .unwrap_or(theme.size.pane_detail_width)
            .min(max_detail);
        let shown = self.sub.as_ref().map_or(&self.trace, |s| &s.trace);
        match self.detail {
            SidePane::Open => {
                let panel = egui::Panel::right((self.salt, "detail"))
                    .resizable(true)
                    .default_size(detail_width)
                    .size_range(theme.size.detail_min..=max_detail)
                    .show(ui, |ui| {
                        ui.horizontal(|ui| {
                            ui.strong(t::DETAIL.get(lang));
                            ui.with_layout(
                                egui::Layout::right_to_left(egui::Align::Center),
                                |ui| {
                                    if ui
                                        .small_button(t::HIDE_DETAIL.get(lang))
                                        .on_hover_text(t::HIDE_DETAIL_HINT.get(lang))
                                        .clicked()
                                    {
                                        self.detail = SidePane::Collapsed;
                                    }
                                },
                            );
                        });
                        ui.separator();
                        jump = self.detail_view.ui(
                            ui,
                            shown,
                            self.timeline.rows(),
                            self.timeline.selected,
                        );
                    });
                resize_grip(ui, panel.response.rect);
            }
            SidePane::Collapsed => {
                egui::Panel::right((self.salt, "detail-strip"))
                    .resizable(false)
                    .exact_size(theme.size.detail_strip)
                    .show(ui, |ui| {
                        if ui
                            .small_button("«")
                            .on_hover_text(t::SHOW_DETAIL_HINT.get(lang))
                            .clicked()
                        {
                            self.detail = SidePane::Open;
                        }
                    });
            }
        }
        let central = egui::CentralPanel::default().show(ui, |ui| {
            self.timeline.ui(ui, shown, running);
        });
        self.diagram_width = central.response.rect.width();
        if let Some(e) = jump {
            self.timeline.select(Some(e));
        }
        if let Some(sel) = self.timeline.selected
            && sel >= shown.events.len()
        {
            self.timeline.selected = None;
        }
    }
}

/// A visible grip at the middle of the detail pane's left edge, where egui's resize handle
/// is: dots say "drag me" before the pointer finds the edge.
fn resize_grip(ui: &egui::Ui, panel: egui::Rect) {
    let color = ui.visuals().widgets.noninteractive.fg_stroke.color;
    let x = panel.left() + 3.0;
    let mid = panel.center().y;
    for k in -3..=3 {
        ui.painter()
            .circle_filled(egui::pos2(x, mid + k as f32 * 6.0), 1.5, color);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn empty() -> Trace {
        Trace::new(Source::default(), chrono::Utc::now())
    }

    /// A live pane (the Lab, Capture) follows its new trace whatever the user had chosen, as
    /// the Lab's own copy of the diagram code did before it used a TracePane; a file starts
    /// at its top.
    #[test]
    fn a_new_trace_sets_follow_as_the_pane_was_made() {
        let cases = [
            (OnNewTrace::Follow, false, true),
            (OnNewTrace::StartAtTop, true, false),
            (OnNewTrace::Follow, true, true),
            (OnNewTrace::StartAtTop, false, false),
        ];
        for (on_new_trace, before, after) in cases {
            let mut pane = TracePane::new("test", on_new_trace, t::LAB_HINT);
            pane.set_follow(before);
            pane.set_trace(empty());
            assert_eq!(
                pane.timeline.follow, after,
                "{on_new_trace:?}, follow was {before}"
            );
        }
    }
}
