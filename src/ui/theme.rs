//! Every colour and size of the GUI, named once. A [`Theme`] is a plain struct of named
//! fields, so another theme (light, high contrast) is another constructor; painters reach the
//! one in use with [`Theme::of`].

use egui::Color32;

use crate::trace::{Dir, Severity};

/// The colours and sizes the views and painters draw with.
#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    /// Errors: failed runs, bad input, refused actions, error diagnostics, a failed check.
    pub error: Color32,
    /// Warnings: notes about a file, warning diagnostics.
    pub warning: Color32,
    /// Informational diagnostics.
    pub info: Color32,
    /// Something that checked out: a matching accept key, packets captured.
    pub ok: Color32,
    /// Client → server arrows.
    pub c2s: Color32,
    /// Server → client arrows.
    pub s2c: Color32,
    /// The browser API lane's `readyState` 0 (CONNECTING).
    pub connecting: Color32,
    /// `readyState` 1 (OPEN).
    pub open: Color32,
    /// `readyState` 2 (CLOSING).
    pub closing: Color32,
    /// `readyState` 3 (CLOSED), and any unknown state.
    pub closed: Color32,
    /// The playhead: the newest event while a run is live.
    pub playhead: Color32,
    /// The glyph drawn on a diagnostic's marker.
    pub marker_glyph: Color32,
    /// The detail pane's highlight of the hovered header field.
    pub field_highlight: Color32,
    /// The veil over the window while a file is dragged over it.
    pub drop_veil: Color32,
    /// The text on that veil.
    pub drop_text: Color32,
    /// The permission banner's background.
    pub banner_fill: Color32,
    /// The permission banner's title.
    pub banner_title: Color32,
    /// The permission banner's text.
    pub banner_text: Color32,
    /// The permission banner's closing note.
    pub banner_note: Color32,
    /// The Compare view's techniques: short polling, long polling, SSE, WebSocket (plots,
    /// card and diagram titles).
    pub techniques: [Color32; 4],
    /// Sizes of panels and controls.
    pub size: Sizes,
}

/// Sizes of panels and controls, in points.
#[derive(Clone, Debug, PartialEq)]
pub struct Sizes {
    /// The connection list (File and Capture views): default width.
    pub list_width: f32,
    /// The connection list's narrowest width.
    pub list_min: f32,
    /// The connection list's widest width.
    pub list_max: f32,
    /// The connection list's widest share of the window.
    pub list_max_share: f32,
    /// The detail pane beside the Lab's diagram: default width.
    pub lab_detail_width: f32,
    /// The detail pane beside a File or Capture diagram: default width.
    pub pane_detail_width: f32,
    /// The detail pane's narrowest width.
    pub detail_min: f32,
    /// The detail pane's widest width, as a share of the space beside it ...
    pub detail_max_share: f32,
    /// ... but never less than this.
    pub detail_max_floor: f32,
    /// The strip a collapsed detail pane leaves, with its button.
    pub detail_strip: f32,
    /// The Step button (fixed, so the top bar never moves when its label changes).
    pub step_width: f32,
    /// The scenario picker's list, where each scenario has its description.
    pub scenario_list_width: f32,
    /// The prompt after picking another scenario mid-run.
    pub prompt_width: f32,
    /// The File view's path in the top bar (longer paths are cut, whole on hover).
    pub bar_path_width: f32,
    /// The text on the drop veil.
    pub drop_font: f32,
    /// The scenario picker.
    pub scenario_width: f32,
    /// The File view's progress bar.
    pub progress_width: f32,
    /// The space above and below the top bar's rows.
    pub bar_padding: f32,
    /// The window's size when it opens.
    pub window: [f32; 2],
    /// The window's smallest size.
    pub window_min: [f32; 2],
    /// The connection list filter's port field.
    pub port_width: f32,
    /// The connection list filter's protocol picker.
    pub protocol_width: f32,
    /// The Capture view's interface picker.
    pub device_width: f32,
    /// The Capture view's BPF filter field.
    pub bpf_width: f32,
    /// A file path field (the capture's output, the save dialog's name).
    pub path_width: f32,
    /// The permission banner's inner margin.
    pub banner_margin: f32,
    /// The permission banner's corner radius.
    pub banner_radius: f32,
    /// The file dialog's width.
    pub dialog_width: f32,
    /// The file dialog's folder field.
    pub folder_width: f32,
    /// The file dialog's list of files: its tallest height.
    pub dialog_list_height: f32,
    /// The Compare view: the narrowest a technique's column (card, diagram) gets before the
    /// columns scroll sideways.
    pub compare_column_min: f32,
    /// The Compare view: the narrowest a metric card gets.
    pub compare_card_width: f32,
    /// The Compare view: a plot's height.
    pub compare_plot_height: f32,
    /// The Compare view: a plot's width.
    pub compare_plot_width: f32,
    /// The Compare view: a number field (events, milliseconds, bytes).
    pub compare_field_width: f32,
}

/// What the dark theme uses (and, for now, every theme: only arrows differ in light mode).
static DARK: Theme = Theme::dark();
/// Today's light mode: the dark theme with darker arrows that read on a light background.
static LIGHT: Theme = Theme::light();

impl Theme {
    /// The dark theme: the colours wirelab has always had.
    pub const fn dark() -> Theme {
        Theme {
            error: Color32::from_rgb(230, 70, 60),
            warning: Color32::from_rgb(230, 160, 30),
            info: Color32::from_rgb(90, 150, 230),
            ok: Color32::from_rgb(60, 170, 80),
            c2s: Color32::from_rgb(110, 170, 255),
            s2c: Color32::from_rgb(120, 210, 140),
            connecting: Color32::from_rgb(220, 180, 40),
            open: Color32::from_rgb(60, 170, 80),
            closing: Color32::from_rgb(230, 130, 40),
            closed: Color32::from_rgb(130, 130, 130),
            playhead: Color32::from_rgb(230, 60, 60),
            marker_glyph: Color32::BLACK,
            field_highlight: Color32::from_rgb(240, 180, 40),
            drop_veil: Color32::from_black_alpha(170),
            drop_text: Color32::WHITE,
            banner_fill: Color32::from_rgb(90, 60, 10),
            banner_title: Color32::from_rgb(255, 210, 120),
            banner_text: Color32::WHITE,
            banner_note: Color32::from_rgb(230, 230, 230),
            techniques: [
                Color32::from_rgb(230, 120, 60),
                Color32::from_rgb(200, 170, 40),
                Color32::from_rgb(80, 180, 120),
                Color32::from_rgb(100, 150, 240),
            ],
            size: Sizes {
                list_width: 300.0,
                list_min: 160.0,
                list_max: 600.0,
                list_max_share: 0.25,
                lab_detail_width: 540.0,
                pane_detail_width: 440.0,
                detail_min: 260.0,
                detail_max_share: 0.4,
                detail_max_floor: 260.0,
                detail_strip: 28.0,
                step_width: 230.0,
                scenario_list_width: 420.0,
                prompt_width: 420.0,
                bar_path_width: 700.0,
                drop_font: 22.0,
                scenario_width: 150.0,
                progress_width: 300.0,
                bar_padding: 2.0,
                window: [1400.0, 900.0],
                window_min: [800.0, 500.0],
                port_width: 60.0,
                protocol_width: 100.0,
                device_width: 110.0,
                bpf_width: 220.0,
                path_width: 330.0,
                banner_margin: 8.0,
                banner_radius: 4.0,
                dialog_width: 620.0,
                folder_width: 380.0,
                dialog_list_height: 320.0,
                compare_column_min: 300.0,
                compare_card_width: 300.0,
                compare_plot_height: 200.0,
                compare_plot_width: 440.0,
                compare_field_width: 64.0,
            },
        }
    }

    /// The light theme: the dark one with arrows dark enough for a light background.
    pub const fn light() -> Theme {
        Theme {
            c2s: Color32::from_rgb(20, 90, 200),
            s2c: Color32::from_rgb(20, 130, 60),
            ..Theme::dark()
        }
    }

    /// The theme for egui's dark or light mode.
    pub fn for_mode(mode: egui::Theme) -> &'static Theme {
        match mode {
            egui::Theme::Dark => &DARK,
            egui::Theme::Light => &LIGHT,
        }
    }

    /// The theme in use in `ctx` (follows egui's dark or light mode).
    pub fn of(ctx: &egui::Context) -> &'static Theme {
        Theme::for_mode(ctx.theme())
    }

    /// An arrow's colour.
    pub fn direction(&self, dir: Dir) -> Color32 {
        match dir {
            Dir::C2s => self.c2s,
            Dir::S2c => self.s2c,
        }
    }

    /// The colour of a WebSocket `readyState` (0 CONNECTING … 3 CLOSED).
    pub fn ready_state(&self, state: u8) -> Color32 {
        match state {
            0 => self.connecting,
            1 => self.open,
            2 => self.closing,
            _ => self.closed,
        }
    }

    /// A diagnostic's colour.
    pub fn severity(&self, severity: Severity) -> Color32 {
        match severity {
            Severity::Info => self.info,
            Severity::Warning => self.warning,
            Severity::Error => self.error,
        }
    }

    /// The detail pane's widest width beside `available` points.
    pub fn detail_max(&self, available: f32) -> f32 {
        // The floor gives way before the diagram drops under about half of `available`.
        (available * self.size.detail_max_share)
            .max(self.size.detail_max_floor.min(available * 0.45))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn light_differs_from_dark_only_in_arrows() {
        let (dark, light) = (Theme::dark(), Theme::light());
        assert_ne!(dark.c2s, light.c2s);
        assert_ne!(dark.s2c, light.s2c);
        let arrows_as_dark = Theme {
            c2s: dark.c2s,
            s2c: dark.s2c,
            ..light
        };
        assert_eq!(arrows_as_dark, dark);
    }

    #[test]
    fn modes_pick_their_theme() {
        assert_eq!(Theme::for_mode(egui::Theme::Dark), &Theme::dark());
        assert_eq!(Theme::for_mode(egui::Theme::Light), &Theme::light());
    }
}
