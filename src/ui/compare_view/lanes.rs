//! The four mini sequence diagrams, one per technique, side by side on one time axis
//! ([`crate::diagram::aligned`]): each is the usual diagram ([`TimelineView`]) of the
//! sub-trace of that technique's connections. Hovering a row that delivered server events
//! highlights the rows delivering the same events in every diagram; clicking one selects it
//! for the detail pane.

use crate::analysis::compare::Comparison;
use crate::analysis::metrics::Technique;
use crate::diagram::aligned::aligned_layouts;
use crate::diagram::layout::RowSpec;
use crate::trace::{EventKind, Trace};
use crate::ui::theme::Theme;
use crate::ui::timeline::TimelineView;

use super::text;

/// The trace of some connections of a bigger trace, with each event's index there.
#[derive(Clone, Debug)]
pub struct PartTrace {
    /// The connections' own trace.
    pub trace: Trace,
    /// For each event of `trace`, its index in the full trace (increasing).
    pub full_index: Vec<usize>,
}

impl PartTrace {
    /// The events of `conns` in `full` (with `api` causes renumbered), their connections and
    /// streams.
    pub fn new(full: &Trace, conns: &[u32]) -> PartTrace {
        let mut trace = Trace::new(full.source.clone(), full.started_at);
        trace.connections = full
            .connections
            .iter()
            .filter(|c| conns.contains(&c.id))
            .cloned()
            .collect();
        trace.streams = full
            .streams
            .iter()
            .filter(|s| conns.contains(&s.conn))
            .cloned()
            .collect();
        let mut full_index = Vec::new();
        for (i, event) in full.events.iter().enumerate() {
            if !event.conn.is_some_and(|c| conns.contains(&c)) {
                continue;
            }
            let mut event = event.clone();
            if let EventKind::Api { cause, .. } = &mut event.kind {
                *cause = cause
                    .and_then(|c| usize::try_from(c).ok())
                    .and_then(|c| full_index.binary_search(&c).ok())
                    .map(|k| k as u64);
            }
            full_index.push(i);
            trace.events.push(event);
        }
        PartTrace { trace, full_index }
    }

    /// The index here of event `full` of the full trace.
    pub fn part_index(&self, full: usize) -> Option<usize> {
        self.full_index.binary_search(&full).ok()
    }

    /// The index in the full trace of event `part` of this one.
    pub fn full_index_of(&self, part: usize) -> Option<usize> {
        self.full_index.get(part).copied()
    }
}

/// One technique's diagram.
pub struct Lane {
    /// Which technique.
    pub technique: Technique,
    /// Its connections' trace.
    pub part: PartTrace,
    /// The diagram.
    pub timeline: TimelineView,
    /// The events it showed at the last rebuild (full-trace length), to rebuild when grown.
    built_for: (usize, usize),
}

impl Lane {
    fn new(technique: Technique) -> Lane {
        let mut timeline = TimelineView::default();
        timeline.empty_hint = text::NO_EVENTS_YET;
        Lane {
            technique,
            part: PartTrace::new(&Trace::new(Default::default(), chrono::Utc::now()), &[]),
            timeline,
            built_for: (usize::MAX, usize::MAX),
        }
    }

    /// The row event (in this lane's trace) that shows full-trace event `full`.
    fn row_event(&self, full: usize) -> Option<usize> {
        let part = self.part.part_index(full)?;
        let rows = self.timeline.rows();
        let row = rows.row_of_event.get(&part)?;
        rows.rows.get(*row).map(|r| r.event)
    }
}

/// The four diagrams and what they share: the time axis, the hovered server events and the
/// selection.
pub struct Lanes {
    /// One per technique, in [`crate::analysis::compare::TECHNIQUES`] order.
    pub lanes: Vec<Lane>,
    /// The lane whose selected event the detail pane shows.
    pub selected_lane: Option<usize>,
    /// The server events (push ids) under the pointer, highlighted in every lane.
    pub hovered_ids: Vec<u64>,
    /// The shared scroll offset.
    scroll_y: f32,
    /// The shared zoom.
    px_per_ms: f32,
    /// What the aligned layouts were made for: every lane's specs.
    aligned_for: Vec<Vec<RowSpec>>,
}

impl Default for Lanes {
    fn default() -> Self {
        Lanes {
            lanes: crate::analysis::compare::TECHNIQUES
                .into_iter()
                .map(Lane::new)
                .collect(),
            selected_lane: None,
            hovered_ids: Vec::new(),
            scroll_y: 0.0,
            px_per_ms: crate::diagram::layout::DEFAULT_PX_PER_MS,
            aligned_for: Vec::new(),
        }
    }
}

impl Lanes {
    /// Forgets everything (a new run).
    pub fn reset(&mut self) {
        *self = Lanes::default();
    }

    /// Brings each lane's trace up to `full` (the technique's connections from `comparison`).
    pub fn update(&mut self, full: &Trace, comparison: &Comparison) {
        for lane in &mut self.lanes {
            let conns = comparison
                .technique(lane.technique)
                .map_or(&[][..], |t| t.conns.as_slice());
            let key = (full.events.len(), conns.len());
            if lane.built_for == key {
                continue;
            }
            let fresh = lane.built_for.0 == usize::MAX;
            lane.built_for = key;
            lane.part = PartTrace::new(full, conns);
            if fresh {
                lane.timeline.trace_replaced();
            }
        }
    }

    /// The selected event: the lane and its index in the lane's trace.
    pub fn selected(&self) -> Option<(usize, usize)> {
        let k = self.selected_lane?;
        Some((k, self.lanes.get(k)?.timeline.selected?))
    }

    /// Selects event `full` of the full trace in the lane of `technique` (none: clears).
    pub fn select_full(&mut self, technique: Technique, full: Option<usize>) {
        for (k, lane) in self.lanes.iter_mut().enumerate() {
            let part = full.and_then(|f| lane.part.part_index(f));
            if lane.technique == technique && part.is_some() {
                lane.timeline.select(part);
                self.selected_lane = Some(k);
            } else {
                lane.timeline.selected = None;
            }
        }
    }

    /// Draws the diagrams side by side in `ui` (each `width` wide, `height` high), running:
    /// a run is going.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        comparison: &Comparison,
        running: bool,
        width: f32,
        height: f32,
    ) {
        let lang = crate::ui::lang::current(ui.ctx());
        let theme = Theme::of(ui.ctx());
        if self.align(ui, width) && self.lanes.iter().all(|l| l.timeline.follow) {
            // New rows: keep the newest in view (the diagrams' own follow may have clamped
            // to a layout of fewer rows).
            for lane in &mut self.lanes {
                lane.timeline.scroll_y = f32::INFINITY;
            }
        }
        self.highlight(comparison);
        let before: Vec<(f32, f32, Option<usize>)> = self
            .lanes
            .iter()
            .map(|l| {
                (
                    l.timeline.scroll_y,
                    l.timeline.params.px_per_ms,
                    l.timeline.selected,
                )
            })
            .collect();
        let mut hovered: Option<(usize, usize)> = None;
        ui.horizontal_top(|ui| {
            for (k, lane) in self.lanes.iter_mut().enumerate() {
                let color = theme.techniques.get(k).copied().unwrap_or_default();
                ui.allocate_ui_with_layout(
                    egui::vec2(width, height),
                    egui::Layout::top_down(egui::Align::Min),
                    |ui| {
                        ui.set_width(width);
                        ui.label(
                            egui::RichText::new(text::technique(lane.technique, lang))
                                .strong()
                                .color(color),
                        );
                        let size = egui::vec2(width, ui.available_height());
                        ui.allocate_ui_with_layout(
                            size,
                            egui::Layout::top_down(egui::Align::Min),
                            |ui| {
                                ui.push_id(("compare-lane", k), |ui| {
                                    lane.timeline.ui(ui, &lane.part.trace, running);
                                });
                            },
                        );
                    },
                );
                if let Some(e) = lane.timeline.hovered() {
                    hovered = Some((k, e));
                }
            }
        });
        // One diagram scrolled or zoomed: all follow. One selected: the others let go.
        for (k, (scroll, zoom, selected)) in before.into_iter().enumerate() {
            let Some(lane) = self.lanes.get(k) else {
                continue;
            };
            if lane.timeline.scroll_y != scroll {
                self.scroll_y = lane.timeline.scroll_y;
            }
            if lane.timeline.params.px_per_ms != zoom {
                self.px_per_ms = lane.timeline.params.px_per_ms;
            }
            if lane.timeline.selected != selected && lane.timeline.selected.is_some() {
                self.selected_lane = Some(k);
            }
        }
        let follow = self.lanes.iter().all(|l| l.timeline.follow);
        for (k, lane) in self.lanes.iter_mut().enumerate() {
            lane.timeline.scroll_y = self.scroll_y;
            lane.timeline.params.px_per_ms = self.px_per_ms;
            lane.timeline.follow = follow;
            if Some(k) != self.selected_lane {
                lane.timeline.selected = None;
            }
        }
        let ids = hovered
            .map(|(k, e)| self.ids_at(comparison, k, e))
            .unwrap_or_default();
        if ids != self.hovered_ids {
            // The highlight follows in the next frame.
            self.hovered_ids = ids;
            ui.ctx().request_repaint();
        }
    }

    /// Lays every lane's rows out on one time axis (again when any lane's rows changed);
    /// whether it did.
    fn align(&mut self, ui: &egui::Ui, width: f32) -> bool {
        let specs: Vec<Vec<RowSpec>> = self
            .lanes
            .iter_mut()
            .map(|lane| {
                lane.timeline
                    .specs_at_width(ui, &lane.part.trace, width)
                    .to_vec()
            })
            .collect();
        if specs == self.aligned_for {
            return false;
        }
        let mut params = self
            .lanes
            .first()
            .map(|l| l.timeline.params)
            .unwrap_or_default();
        params.px_per_ms = self.px_per_ms;
        let views: Vec<&[RowSpec]> = specs.iter().map(Vec::as_slice).collect();
        for (lane, layout) in self.lanes.iter_mut().zip(aligned_layouts(&views, &params)) {
            lane.timeline.set_aligned_layout(Some(layout));
        }
        self.aligned_for = specs;
        true
    }

    /// The push ids delivered by the row of lane `k` showing its event `part`.
    fn ids_at(&self, comparison: &Comparison, k: usize, part: usize) -> Vec<u64> {
        let Some(lane) = self.lanes.get(k) else {
            return Vec::new();
        };
        let Some(result) = comparison.technique(lane.technique) else {
            return Vec::new();
        };
        let mut ids: Vec<u64> = result
            .delivered
            .iter()
            .filter(|d| lane.row_event(d.event) == Some(part))
            .map(|d| d.id)
            .collect();
        ids.dedup();
        ids
    }

    /// Highlights, in every lane, the rows delivering the hovered server events.
    fn highlight(&mut self, comparison: &Comparison) {
        for lane in &mut self.lanes {
            let rows: Vec<usize> = match comparison.technique(lane.technique) {
                Some(result) if !self.hovered_ids.is_empty() => result
                    .delivered
                    .iter()
                    .filter(|d| self.hovered_ids.contains(&d.id))
                    .filter_map(|d| lane.row_event(d.event))
                    .collect(),
                _ => Vec::new(),
            };
            lane.timeline.highlight = rows;
        }
    }
}
