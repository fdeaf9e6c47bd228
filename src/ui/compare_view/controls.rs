//! The Compare view's controls: the workload (events, their timing, payload size), the
//! short-poll interval, keep-alive, the link conditions (emulated at the socket) and a preset
//! picker; and the export of a run's comparison.

use egui::{DragValue, Ui};

use super::text;
use crate::lab::compare::{CompareConfig, presets};
use crate::lab::link::LinkConditions;
use crate::lab::push_client::{KeepAlive, RequestHead};
use crate::lab::server::push::Timing;
use crate::ui::theme::Theme;

/// What the controls are set to.
#[derive(Clone, Debug, PartialEq)]
pub struct Controls {
    /// The preset the values started from, if any.
    pub preset: Option<&'static str>,
    /// Whether a value was changed by hand since the preset was picked.
    pub edited: bool,
    /// How many server events.
    pub events: u32,
    /// Their mean interval (ms).
    pub interval_ms: u64,
    /// Random gaps (with this mean) instead of regular ones.
    pub random: bool,
    /// The random gaps' seed.
    pub seed: u64,
    /// Each event's payload (bytes).
    pub payload_bytes: u32,
    /// The short-poll interval (ms).
    pub poll_ms: u64,
    /// Polls reuse their connection.
    pub keep_alive: bool,
    /// Added one-way delay (ms).
    pub delay_ms: u64,
    /// Bandwidth limit (kbit/s, 0: none).
    pub rate_kbps: u32,
    /// Simulated loss (%).
    pub loss_pct: f64,
    /// The clients' request heads (a preset's; not a control of its own).
    pub head: RequestHead,
}

impl Default for Controls {
    fn default() -> Self {
        Controls::from_config(None, &CompareConfig::default())
    }
}

impl Controls {
    /// The controls showing `config` (from preset `preset`, if any).
    fn from_config(preset: Option<&'static str>, config: &CompareConfig) -> Controls {
        let w = &config.workload;
        let (random, seed) = match w.timing {
            Timing::Regular => (false, 1),
            Timing::Random { seed } => (true, seed),
        };
        Controls {
            preset,
            edited: false,
            events: w.events,
            interval_ms: w.interval.as_millis() as u64,
            random,
            seed,
            payload_bytes: u32::try_from(w.payload_bytes).unwrap_or(u32::MAX),
            poll_ms: config.poll_every.as_millis() as u64,
            keep_alive: config.keep_alive == KeepAlive::On,
            delay_ms: config.link.delay.as_millis() as u64,
            rate_kbps: config.link.rate_kbps.unwrap_or(0),
            loss_pct: f64::from(config.link.loss_permille) / 10.0,
            head: config.head,
        }
    }

    /// Sets every control to preset `name` (`lubbers`, `abril`, `classroom`); unknown names
    /// are ignored.
    pub fn pick_preset(&mut self, name: &str) {
        if let Some(preset) = presets::preset(name) {
            *self = Controls::from_config(Some(preset.name), &(preset.config)());
        }
    }

    /// The compare run these controls describe.
    pub fn compare_config(&self) -> CompareConfig {
        // A preset's settings that have no control (the request heads) stay.
        let mut config = self
            .preset
            .and_then(presets::preset)
            .map_or_else(CompareConfig::default, |p| (p.config)());
        config.head = self.head;
        config.workload.events = self.events;
        config.workload.interval = std::time::Duration::from_millis(self.interval_ms);
        config.workload.timing = if self.random {
            Timing::Random { seed: self.seed }
        } else {
            Timing::Regular
        };
        config.workload.payload_bytes = self.payload_bytes as usize;
        config.poll_every = std::time::Duration::from_millis(self.poll_ms);
        config.keep_alive = if self.keep_alive {
            KeepAlive::On
        } else {
            KeepAlive::Off
        };
        config.link = LinkConditions {
            delay: std::time::Duration::from_millis(self.delay_ms),
            rate_kbps: (self.rate_kbps > 0).then_some(self.rate_kbps),
            loss_permille: (self.loss_pct * 10.0).round().clamp(0.0, 1000.0) as u16,
        };
        config
    }

    /// Draws the controls (two wrapped rows); a changed value leaves the preset.
    pub fn ui(&mut self, ui: &mut Ui) {
        let lang = crate::ui::lang::current(ui.ctx());
        let field = Theme::of(ui.ctx()).size.compare_field_width;
        let before = self.clone();
        ui.horizontal_wrapped(|ui| {
            let label = ui.label(text::PRESET.get(lang));
            let shown = match (self.preset, self.edited) {
                (Some(name), false) => name.to_string(),
                (Some(name), true) => format!("{name} ({})", text::EDITED.get(lang)),
                (None, _) => text::CUSTOM.get(lang).to_string(),
            };
            let mut picked: Option<&'static str> = None;
            egui::ComboBox::from_id_salt("compare-preset")
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    if ui
                        .selectable_label(self.preset.is_none(), text::CUSTOM.get(lang))
                        .clicked()
                    {
                        self.preset = None;
                    }
                    for preset in &presets::PRESETS {
                        ui.selectable_label(self.preset == Some(preset.name), preset.name)
                            .on_hover_text(preset.summary.get(lang))
                            .clicked()
                            .then(|| picked = Some(preset.name));
                    }
                })
                .response
                .labelled_by(label.id);
            if let Some(name) = picked {
                self.pick_preset(name);
            }
            ui.separator();
            let label = ui
                .label(text::EVENTS.get(lang))
                .on_hover_text(text::EVENTS_HINT.get(lang));
            ui.add_sized(
                [field, 18.0],
                DragValue::new(&mut self.events).range(1..=10_000),
            )
            .labelled_by(label.id);
            let label = ui.label(text::EVERY_MS.get(lang));
            ui.add_sized(
                [field, 18.0],
                DragValue::new(&mut self.interval_ms).range(1..=60_000),
            )
            .labelled_by(label.id);
            ui.radio_value(&mut self.random, false, text::REGULAR.get(lang));
            ui.radio_value(&mut self.random, true, text::RANDOM.get(lang))
                .on_hover_text(text::RANDOM_HINT.get(lang));
            if self.random {
                let label = ui.label(text::SEED.get(lang));
                ui.add_sized([field, 18.0], DragValue::new(&mut self.seed))
                    .labelled_by(label.id);
            }
            let label = ui.label(text::PAYLOAD.get(lang));
            ui.add_sized(
                [field, 18.0],
                DragValue::new(&mut self.payload_bytes).range(1..=1_000_000),
            )
            .labelled_by(label.id);
            ui.separator();
            let label = ui.label(text::POLL_MS.get(lang));
            ui.add_sized(
                [field, 18.0],
                DragValue::new(&mut self.poll_ms).range(10..=60_000),
            )
            .labelled_by(label.id);
            ui.checkbox(&mut self.keep_alive, text::KEEP_ALIVE.get(lang))
                .on_hover_text(text::KEEP_ALIVE_HINT.get(lang));
        });
        ui.horizontal_wrapped(|ui| {
            ui.label(text::LINK.get(lang))
                .on_hover_text(text::LINK_HINT.get(lang));
            let label = ui.label(text::DELAY_MS.get(lang));
            ui.add_sized(
                [field, 18.0],
                DragValue::new(&mut self.delay_ms).range(0..=5_000),
            )
            .labelled_by(label.id);
            let label = ui.label(text::RATE_KBPS.get(lang));
            ui.add_sized(
                [field, 18.0],
                DragValue::new(&mut self.rate_kbps).range(0..=1_000_000),
            )
            .labelled_by(label.id);
            let label = ui.label(text::LOSS_PCT.get(lang));
            ui.add_sized(
                [field, 18.0],
                DragValue::new(&mut self.loss_pct)
                    .range(0.0..=50.0)
                    .speed(0.1)
                    .fixed_decimals(1),
            )
            .labelled_by(label.id);
        });
        if self.preset == before.preset && *self != before {
            // A preset edited by hand: its other settings (request heads) stay.
            self.edited = true;
        }
    }
}
