//! Every colour and size of the GUI, named once. A [`Theme`] is a plain struct of named
//! fields (a palette other writers, such as an SVG export, can read); there are three
//! ([`ThemeName`]: dark, light and high contrast for a projector in a lit room), painters reach
//! the one in use with [`Theme::of`], and [`set`] switches the window to another, egui's own
//! visuals included.

use egui::{Color32, Stroke};

use crate::lang::Text;
use crate::trace::{Dir, Severity};

/// One of the themes, as the Theme menu lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ThemeName {
    /// Light text on a dark background: the colours wirelab has always had.
    Dark,
    /// Dark text on a light background.
    Light,
    /// Black on white, saturated colours, thicker strokes and larger text: readable on a
    /// projector in a lit room (presenter mode uses it).
    HighContrast,
}

impl ThemeName {
    /// Every theme, in menu order.
    pub const ALL: [ThemeName; 3] = [ThemeName::Dark, ThemeName::Light, ThemeName::HighContrast];

    /// The theme's name in the Theme menu.
    pub fn label(self) -> Text {
        match self {
            ThemeName::Dark => Text {
                en: "Dark",
                zh: "深色",
            },
            ThemeName::Light => Text {
                en: "Light",
                zh: "浅色",
            },
            ThemeName::HighContrast => Text {
                en: "High contrast (projector)",
                zh: "高对比度（投影）",
            },
        }
    }

    /// The theme's colours and sizes.
    pub fn theme(self) -> &'static Theme {
        match self {
            ThemeName::Dark => &DARK,
            ThemeName::Light => &LIGHT,
            ThemeName::HighContrast => &HIGH_CONTRAST,
        }
    }

    /// egui's mode the theme is drawn in (its widgets' base visuals).
    pub fn mode(self) -> egui::Theme {
        self.theme().mode
    }
}

fn key() -> egui::Id {
    egui::Id::unique("wirelab-theme")
}

/// The window's theme: the one chosen with [`set`], else the one of egui's dark or light mode
/// (which follows the system until a theme is chosen).
pub fn current(ctx: &egui::Context) -> ThemeName {
    ctx.data(|data| data.get_temp(key()))
        .unwrap_or(match ctx.theme() {
            egui::Theme::Dark => ThemeName::Dark,
            egui::Theme::Light => ThemeName::Light,
        })
}

/// Switches the window to `name`: the diagram, the panes and egui's widgets use it from the
/// next frame on.
pub fn set(ctx: &egui::Context, name: ThemeName) {
    ctx.data_mut(|data| data.insert_temp(key(), name));
    let theme = name.theme();
    ctx.set_style_of(name.mode(), theme.style());
    ctx.set_theme(name.mode());
    // The pass that chose it drew partly with the old visuals: it is run again before it is
    // shown (a mixed frame stayed on screen until the next input, seen under Xvfb).
    ctx.request_discard("the theme changed");
    ctx.request_repaint();
}

/// The colours and sizes the views and painters draw with.
#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    /// egui's dark or light visuals this theme starts from.
    pub mode: egui::Theme,
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
    /// The window's and panels' background (also behind the diagram's header and captions).
    pub background: Color32,
    /// Text.
    pub text: Color32,
    /// Secondary text: times, socket lines, hints.
    pub text_weak: Color32,
    /// Emphasised text.
    pub text_strong: Color32,
    /// Lifelines and the header's rule.
    pub lane: Color32,
    /// A faint band: idle gaps, notes' backgrounds.
    pub faint_bg: Color32,
    /// A selected row or item.
    pub selection: Color32,
    /// Separators and the outlines of frames and windows.
    pub separator: Color32,
    /// The background of buttons and text fields.
    pub widget_fill: Color32,
    /// The Compare view's techniques: short polling, long polling, SSE, WebSocket (plots,
    /// card and diagram titles).
    pub techniques: [Color32; 4],
    /// Sizes of panels and controls.
    pub size: Sizes,
    /// Stroke widths and font sizes of the sequence diagram.
    pub diagram: DiagramSizes,
}

/// Stroke widths and font sizes of the sequence diagram, in points. The fonts stay the same in
/// every theme: rows are laid out for them (presenter mode enlarges everything with the zoom).
#[derive(Clone, Debug, PartialEq)]
pub struct DiagramSizes {
    /// A participant's lifeline, and the rules of the header and stage captions.
    pub lifeline: f32,
    /// A message's arrow.
    pub arrow: f32,
    /// A frame's arrow ("show frames").
    pub frame_arrow: f32,
    /// The selected row's arrow.
    pub selected_arrow: f32,
    /// The ticks on an arrow (one per frame of a fragmented message).
    pub tick: f32,
    /// The dashed line of an event observed at the socket.
    pub socket: f32,
    /// The cap where a stream's body ends.
    pub stream_end: f32,
    /// The playhead.
    pub playhead: f32,
    /// The outline of a span bar and of a note.
    pub outline: f32,
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
    /// egui's text styles (body, buttons, headings) relative to egui's defaults.
    pub text_scale: f32,
    /// The width of widget outlines and separators.
    pub widget_stroke: f32,
    /// The UI zoom presenter mode starts with (Ctrl +/− change it, Ctrl 0 resets it).
    pub presenter_zoom: f32,
    /// The legend window's width.
    pub legend_width: f32,
    /// The room a legend sample (an arrow, a mark) is drawn in.
    pub legend_sample: [f32; 2],
    /// The help overlay's and About window's width.
    pub help_width: f32,
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
    /// A lesson's dimmed rows: how opaque the veil over them is (0 to 1).
    pub spotlight_veil: f32,
    /// The Lessons view: the narration panel's default width.
    pub narration_width: f32,
    /// The Lessons view: the narration panel's narrowest width.
    pub narration_min: f32,
    /// The Lessons view: the narration panel's default share of the window's width.
    pub narration_share: f32,
    /// The Lessons view: the narration panel's widest share of the window's width.
    pub narration_max_share: f32,
    /// The Lessons view: the narration's text relative to the body text.
    pub narration_scale: f32,
    /// The Lessons view: the list of lessons, at most this wide.
    pub lesson_list_width: f32,
}

static DARK: Theme = Theme::dark();
static LIGHT: Theme = Theme::light();
static HIGH_CONTRAST: Theme = Theme::high_contrast();

impl Theme {
    /// The dark theme: the colours wirelab has always had.
    pub const fn dark() -> Theme {
        Theme {
            mode: egui::Theme::Dark,
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
            // egui's own dark visuals, named here so every painter and writer uses the same.
            background: Color32::from_gray(27),
            text: Color32::from_gray(140),
            text_weak: Color32::from_rgba_premultiplied(84, 84, 84, 153),
            text_strong: Color32::WHITE,
            lane: Color32::from_rgba_premultiplied(50, 50, 50, 92),
            faint_bg: Color32::from_rgba_premultiplied(5, 5, 5, 0),
            selection: Color32::from_rgb(0, 92, 128),
            separator: Color32::from_gray(60),
            widget_fill: Color32::from_gray(50),
            diagram: DiagramSizes {
                lifeline: 1.0,
                arrow: 1.5,
                frame_arrow: 1.0,
                selected_arrow: 2.5,
                tick: 1.0,
                socket: 1.2,
                stream_end: 2.5,
                playhead: 1.5,
                outline: 1.0,
            },
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
                text_scale: 1.0,
                widget_stroke: 1.0,
                presenter_zoom: 1.5,
                legend_width: 440.0,
                legend_sample: [150.0, 22.0],
                help_width: 520.0,
                compare_column_min: 300.0,
                compare_card_width: 300.0,
                compare_plot_height: 200.0,
                compare_plot_width: 440.0,
                compare_field_width: 64.0,
                spotlight_veil: 0.6,
                narration_width: 420.0,
                narration_min: 200.0,
                narration_share: 0.3,
                narration_max_share: 0.5,
                narration_scale: 1.15,
                lesson_list_width: 900.0,
            },
        }
    }

    /// The light theme: egui's light visuals, and arrows dark enough for a light background.
    pub const fn light() -> Theme {
        Theme {
            mode: egui::Theme::Light,
            c2s: Color32::from_rgb(20, 90, 200),
            s2c: Color32::from_rgb(20, 130, 60),
            background: Color32::from_gray(248),
            text: Color32::from_gray(80),
            text_weak: Color32::from_rgba_premultiplied(48, 48, 48, 153),
            text_strong: Color32::BLACK,
            lane: Color32::from_rgba_premultiplied(29, 29, 29, 92),
            selection: Color32::from_rgb(144, 209, 255),
            separator: Color32::from_gray(190),
            widget_fill: Color32::from_gray(230),
            ..Theme::dark()
        }
    }

    /// The high-contrast theme, for a projector in a lit room: black on white, saturated
    /// colours dark enough to read from the back of the room, thicker strokes, larger text.
    pub const fn high_contrast() -> Theme {
        let dark = Theme::dark();
        Theme {
            mode: egui::Theme::Light,
            error: Color32::from_rgb(200, 0, 0),
            warning: Color32::from_rgb(170, 85, 0),
            info: Color32::from_rgb(0, 70, 190),
            ok: Color32::from_rgb(0, 115, 30),
            c2s: Color32::from_rgb(0, 60, 210),
            s2c: Color32::from_rgb(0, 120, 30),
            connecting: Color32::from_rgb(175, 125, 0),
            open: Color32::from_rgb(0, 135, 40),
            closing: Color32::from_rgb(215, 90, 0),
            closed: Color32::from_gray(80),
            playhead: Color32::from_rgb(220, 0, 0),
            marker_glyph: Color32::WHITE,
            field_highlight: Color32::from_rgb(235, 130, 0),
            drop_veil: Color32::from_black_alpha(200),
            background: Color32::WHITE,
            text: Color32::BLACK,
            text_weak: Color32::from_gray(55),
            text_strong: Color32::BLACK,
            lane: Color32::from_gray(70),
            faint_bg: Color32::from_gray(232),
            selection: Color32::from_rgb(255, 215, 0),
            separator: Color32::from_gray(40),
            widget_fill: Color32::from_gray(215),
            diagram: DiagramSizes {
                lifeline: 2.0,
                arrow: 3.0,
                frame_arrow: 2.0,
                selected_arrow: 4.5,
                tick: 2.0,
                socket: 2.2,
                stream_end: 4.0,
                playhead: 3.0,
                outline: 2.0,
            },
            size: Sizes {
                text_scale: 1.25,
                widget_stroke: 2.0,
                ..dark.size
            },
            ..dark
        }
    }

    /// The theme for egui's dark or light mode (before a window has a context).
    pub fn for_mode(mode: egui::Theme) -> &'static Theme {
        match mode {
            egui::Theme::Dark => &DARK,
            egui::Theme::Light => &LIGHT,
        }
    }

    /// The theme in use in `ctx`: the one chosen with [`set`], else egui's dark or light.
    pub fn of(ctx: &egui::Context) -> &'static Theme {
        current(ctx).theme()
    }

    /// egui's visuals drawn with this theme's colours: its dark or light visuals with the
    /// background, text, selection and outlines replaced (for dark and light, egui's own values).
    pub fn visuals(&self) -> egui::Visuals {
        let mut v = match self.mode {
            egui::Theme::Dark => egui::Visuals::dark(),
            egui::Theme::Light => egui::Visuals::light(),
        };
        v.panel_fill = self.background;
        v.window_fill = self.background;
        v.faint_bg_color = self.faint_bg;
        v.selection.bg_fill = self.selection;
        v.weak_text_color = Some(self.text_weak);
        v.window_stroke = Stroke::new(self.size.widget_stroke, self.separator);
        let w = &mut v.widgets;
        w.noninteractive.bg_fill = self.background;
        w.noninteractive.weak_bg_fill = self.background;
        w.noninteractive.fg_stroke.color = self.text;
        w.noninteractive.bg_stroke = Stroke::new(self.size.widget_stroke, self.separator);
        w.inactive.weak_bg_fill = self.widget_fill;
        w.active.fg_stroke.color = self.text_strong;
        if self.size.widget_stroke > 1.0 {
            // Outlined buttons and strong text on every widget: nothing washes out.
            v.error_fg_color = self.error;
            v.warn_fg_color = self.warning;
            for state in [&mut w.inactive, &mut w.hovered, &mut w.active, &mut w.open] {
                state.fg_stroke.color = self.text_strong;
                state.bg_stroke = Stroke::new(self.size.widget_stroke, self.separator);
            }
        }
        v
    }

    /// egui's style for this theme: its [`Theme::visuals`] and text sizes.
    pub fn style(&self) -> egui::Style {
        let mut text_styles = egui::style::default_text_styles();
        for font in text_styles.values_mut() {
            font.size *= self.size.text_scale;
        }
        egui::Style {
            visuals: self.visuals(),
            text_styles,
            ..egui::Style::default()
        }
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

    /// Dark and light are egui's own visuals, named: choosing one changes nothing on screen.
    #[test]
    fn dark_and_light_are_egui_defaults() {
        for (theme, default) in [
            (Theme::dark(), egui::Visuals::dark()),
            (Theme::light(), egui::Visuals::light()),
        ] {
            let mut v = theme.visuals();
            assert_eq!(v.weak_text_color(), default.weak_text_color());
            assert_eq!(theme.text_strong, default.strong_text_color());
            assert_eq!(
                theme.lane,
                default.weak_text_color().gamma_multiply(0.6),
                "the lane colour the painter derived before"
            );
            v.weak_text_color = None;
            assert_eq!(v, default, "{:?}", theme.mode);
            assert_eq!(
                theme.style().text_styles,
                egui::Style::default().text_styles
            );
        }
    }

    #[test]
    fn high_contrast_is_stronger() {
        let (dark, hc) = (Theme::dark(), Theme::high_contrast());
        assert_eq!((hc.background, hc.text), (Color32::WHITE, Color32::BLACK));
        assert!(hc.diagram.arrow > dark.diagram.arrow);
        assert!(hc.diagram.lifeline > dark.diagram.lifeline);
        let body = |t: &Theme| t.style().text_styles[&egui::TextStyle::Body].size;
        assert!(body(&hc) > body(&dark));
    }

    #[test]
    fn names_pick_their_theme_and_the_context_follows() {
        assert_eq!(Theme::for_mode(egui::Theme::Dark), &Theme::dark());
        assert_eq!(Theme::for_mode(egui::Theme::Light), &Theme::light());
        let ctx = egui::Context::default();
        for name in ThemeName::ALL {
            set(&ctx, name);
            assert_eq!(current(&ctx), name);
            assert_eq!(Theme::of(&ctx), name.theme());
            assert_eq!(ctx.theme(), name.mode());
            assert_eq!(
                ctx.style_of(name.mode()).visuals.panel_fill,
                name.theme().background
            );
        }
    }
}
