//! The eframe app: the top bar (view tabs, Open…, the current view's controls), the view
//! shown, the file dialog, and the [`Command`] queue the views fill while they are drawn and
//! the app applies once per frame, after the UI.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::capture_view::CaptureView;
use super::command::{Command, SaveRequest};
use super::compare_view::CompareView;
use super::file_dialog::{DialogKind, DialogMode, FileDialog};
use super::file_view::FileView;
use super::lab_view::{LabCapture, LabView};
use super::lessons_view::{Catalogue, LessonsView};
use super::presenter;
use super::text as t;
use super::theme::Theme;
use super::theme::ThemeName;
use super::trace_pane::TracePane;
use super::{about, help, legend};
use crate::lab::LabConfig;
use crate::lang::{Lang, Text};
use crate::trace::Trace;

/// What the GUI starts with.
#[derive(Clone, Debug, Default)]
pub struct GuiOptions {
    /// How the lab is set up (bind address, pace).
    pub lab: LabConfig,
    /// A file to open at start in the File view: a capture (pcap, pcapng) or a trace JSON,
    /// recognised by its content.
    pub open: Option<PathBuf>,
    /// The scenario to preselect.
    pub scenario: Option<String>,
    /// The language to start in (the menu switches it).
    pub lang: Lang,
    /// Start in presenter mode (`wirelab gui --presenter`; F5 and Esc leave it).
    pub presenter: bool,
    /// The file dialog for Open… and Save…: the in-app one unless asked otherwise.
    pub file_dialog: DialogKind,
    /// The lesson to open at start (`wirelab gui --lesson ID`), an id the CLI has checked
    /// against the loaded lessons.
    pub lesson: Option<String>,
}

/// Opens the wirelab window and runs until it is closed.
pub fn run_gui(options: GuiOptions) -> anyhow::Result<()> {
    let lang = options.lang;
    // No context yet: the sizes are the same in every theme.
    let size = &Theme::for_mode(egui::Theme::Dark).size;
    let native = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("wirelab")
            .with_inner_size(size.window)
            .with_min_inner_size(size.window_min),
        ..Default::default()
    };
    eframe::run_native(
        "wirelab",
        native,
        Box::new(move |cc| {
            let mut app = WirelabApp::new(&cc.egui_ctx, options);
            // The scale run's load generator is this executable (`wirelab loadgen`).
            if let Some(panel) = super::compare_scale::ScalePanel::with_current_exe() {
                app.compare_mut().set_scale_panel(panel);
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| match lang {
        Lang::En => anyhow::anyhow!("could not open the window: {e}"),
        Lang::Zh => anyhow::anyhow!("无法打开窗口：{e}"),
    })
}

/// Which view the window shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// The lab: scenarios run on 127.0.0.1.
    Lab,
    /// Live capture.
    Capture,
    /// A capture file or saved trace.
    File,
    /// The four push techniques side by side.
    Compare,
    /// Step-through lessons.
    Lessons,
}

/// What the file dialog is open for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Purpose {
    Open,
    Save(SaveRequest),
}

/// The file dialog on screen and what its answer is for.
struct PendingDialog {
    purpose: Purpose,
    dialog: Dialog,
}

/// A file dialog: drawn in the window, or the system's on its own thread.
enum Dialog {
    InApp(Box<FileDialog>),
    #[cfg(feature = "native-dialog")]
    System(super::native_dialog::NativeDialog),
}

impl Dialog {
    fn is_open(&self) -> bool {
        match self {
            Dialog::InApp(d) => d.is_open(),
            #[cfg(feature = "native-dialog")]
            Dialog::System(d) => d.is_open(),
        }
    }

    /// Draws or polls the dialog; the chosen path, once.
    fn show(&mut self, ctx: &egui::Context) -> Option<PathBuf> {
        match self {
            Dialog::InApp(d) => d.show(ctx),
            #[cfg(feature = "native-dialog")]
            Dialog::System(d) => d.poll(ctx),
        }
    }
}

/// A repaint callback for threads.
fn repaint_notifier(ctx: &egui::Context) -> Arc<dyn Fn() + Send + Sync> {
    let ctx = ctx.clone();
    Arc::new(move || ctx.request_repaint())
}

/// The application: one per window (also usable headless from egui_kittest).
pub struct WirelabApp {
    view: View,
    lab: LabView,
    file: FileView,
    capture: CaptureView,
    compare: CompareView,
    lessons: LessonsView,
    dialog: Option<PendingDialog>,
    dialog_kind: DialogKind,
    last_dir: Option<PathBuf>,
    /// What the views asked for during this frame, applied after its UI.
    commands: Vec<Command>,
    /// Asks for a repaint from the reader threads.
    notify: Arc<dyn Fn() + Send + Sync>,
    /// The language of the last frame (for what is made outside a frame: dialog titles).
    lang: Lang,
    /// The legend, help and About windows.
    overlays: Overlays,
}

/// Which of the windows over the view are open.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Overlays {
    /// The legend of the diagram's styles.
    pub legend: bool,
    /// The help overlay with every shortcut.
    pub help: bool,
    /// About wirelab.
    pub about: bool,
}

/// The top bar's texts for the classroom: theme, legend, help, About, presenter mode.
mod bar_text {
    use crate::lang::Text;

    pub const THEME: Text = Text {
        en: "Theme",
        zh: "主题",
    };
    pub const HELP: Text = Text {
        en: "Help",
        zh: "帮助",
    };
    pub const SHORTCUTS: Text = Text {
        en: "Keyboard shortcuts (F1)",
        zh: "快捷键（F1）",
    };
    pub const ABOUT: Text = Text {
        en: "About wirelab",
        zh: "关于 wirelab",
    };
    pub const PRESENT: Text = Text {
        en: "Presenter (F5)",
        zh: "演示模式（F5）",
    };
    pub const PRESENT_HINT: Text = Text {
        en: "Full screen, high contrast and large text for a projector; Esc leaves it",
        zh: "全屏、高对比度、大字体，适合投影；按 Esc 退出",
    };
    pub const LEAVE: Text = Text {
        en: "Leave presenter mode (Esc)",
        zh: "退出演示模式（Esc）",
    };
    pub const LEGEND_HINT: Text = Text {
        en: "What the diagram's arrows, lines and colours mean",
        zh: "时序图中箭头、线条和颜色的含义",
    };
}

impl WirelabApp {
    /// Starts the lab (its errors are shown in the window, never panicked on) and opens
    /// `options.open` if given.
    pub fn new(ctx: &egui::Context, options: GuiOptions) -> WirelabApp {
        super::fonts::install(ctx);
        super::lang::set(ctx, options.lang);
        let mut app = WirelabApp {
            view: View::Lab,
            lab: LabView::new(ctx, options.lab.clone(), options.scenario.clone()),
            file: FileView::default(),
            capture: CaptureView::default(),
            compare: CompareView::new(options.lab.clone()),
            lessons: LessonsView::new(Catalogue::load(None), repaint_notifier(ctx)),
            dialog: None,
            dialog_kind: options.file_dialog,
            last_dir: None,
            commands: Vec::new(),
            notify: repaint_notifier(ctx),
            lang: options.lang,
            overlays: Overlays::default(),
        };
        if options.presenter {
            presenter::enter(ctx);
        }
        if let Some(path) = &options.open {
            app.open_path(path);
        }
        if let Some(id) = &options.lesson {
            // The CLI checked the id; one that is gone since just leaves the list shown.
            if !app.open_lesson(id) {
                app.view = View::Lessons;
            }
        }
        app
    }

    /// The lab server's address, when the lab runs.
    pub fn lab_server(&self) -> Option<std::net::SocketAddr> {
        self.lab.server_addr()
    }

    /// Which windows (legend, help, About) are open over the view.
    pub fn overlays(&self) -> Overlays {
        self.overlays
    }

    /// The view shown.
    pub fn view(&self) -> View {
        self.view
    }

    /// Shows another view.
    pub fn set_view(&mut self, view: View) {
        self.view = view;
    }

    /// Opens a capture file (pcap, pcapng) or a trace JSON in the File view, on a background
    /// thread: what File ▸ Open…, dropping a file and `--open` do.
    pub fn open_path(&mut self, path: &Path) {
        self.view = View::File;
        if let Some(dir) = path.parent() {
            self.last_dir = Some(dir.to_path_buf());
        }
        self.file.open(path, self.notify.clone());
    }

    /// How long a file is read before the File view previews it (default
    /// [`super::loader::PREVIEW_AFTER`]); tests set 0 so that a preview does not depend on
    /// the machine's speed.
    pub fn set_file_preview_after(&mut self, after: std::time::Duration) {
        self.file.set_preview_after(after);
    }

    /// Whether a file is being read.
    pub fn is_loading(&self) -> bool {
        self.file.is_loading()
    }

    /// Why the last file could not be opened (one line).
    pub fn file_error(&self) -> Option<&str> {
        self.file.error()
    }

    /// The File view's trace, list and diagram.
    pub fn file_pane(&self) -> &TracePane {
        self.file.pane()
    }

    /// The File view's trace, list and diagram, to change.
    pub fn file_pane_mut(&mut self) -> &mut TracePane {
        self.file.pane_mut()
    }

    /// The Capture view.
    pub fn capture(&self) -> &CaptureView {
        &self.capture
    }

    /// The Capture view, to change.
    pub fn capture_mut(&mut self) -> &mut CaptureView {
        &mut self.capture
    }

    /// The Compare view.
    pub fn compare(&self) -> &CompareView {
        &self.compare
    }

    /// The Compare view, to change.
    pub fn compare_mut(&mut self) -> &mut CompareView {
        &mut self.compare
    }

    /// The Lessons view.
    pub fn lessons(&self) -> &LessonsView {
        &self.lessons
    }

    /// The Lessons view, to change (e.g. to give it lessons made elsewhere).
    pub fn lessons_mut(&mut self) -> &mut LessonsView {
        &mut self.lessons
    }

    /// Shows the Lessons view playing lesson `id`; false when there is no such lesson.
    pub fn open_lesson(&mut self, id: &str) -> bool {
        let found = self.lessons.open(id);
        if found {
            self.view = View::Lessons;
        }
        found
    }

    /// The Lab view.
    pub fn lab(&self) -> &LabView {
        &self.lab
    }

    /// What the lab said about packet capture.
    pub fn lab_capture_mode(&self) -> Option<&LabCapture> {
        self.lab.capture_mode()
    }

    /// The Lab's trace.
    pub fn trace(&self) -> &Trace {
        self.lab.trace()
    }

    /// Replaces the Lab's trace (e.g. one built by hand or loaded elsewhere).
    pub fn set_trace(&mut self, trace: Trace) {
        self.lab.set_trace(trace);
    }

    /// How many stages of the current run have finished.
    pub fn completed_stages(&self) -> usize {
        self.lab.completed_stages()
    }

    /// Whether the current run finished (all stages done).
    pub fn is_finished(&self) -> bool {
        self.lab.is_finished()
    }

    /// Whether a stage is running right now.
    pub fn is_busy(&self) -> bool {
        self.lab.is_busy()
    }

    /// The failure of the current run, or the lab's start error.
    pub fn error(&self) -> Option<String> {
        self.lab.error()
    }

    /// The Lab's selected event (index into the trace).
    pub fn selected(&self) -> Option<usize> {
        self.lab.pane().selected_event()
    }

    /// Selects an event of the Lab's trace and scrolls to it.
    pub fn select(&mut self, event: Option<usize>) {
        self.lab.pane_mut().select_event(event);
    }

    /// The Lab diagram's zoom, in pixels per millisecond.
    pub fn px_per_ms(&self) -> f32 {
        self.lab.pane().px_per_ms()
    }

    /// The Step button's text: it names the stage the next press runs.
    pub fn step_label(&self) -> String {
        self.lab.step_label()
    }

    /// Applies what the views asked for during the frame, in order.
    fn apply_commands(&mut self, ctx: &egui::Context) {
        if self.commands.is_empty() {
            return;
        }
        for command in std::mem::take(&mut self.commands) {
            self.apply(command, ctx);
        }
        // Show the outcome at once, not at the next input.
        ctx.request_repaint();
    }

    fn apply(&mut self, command: Command, ctx: &egui::Context) {
        match command {
            Command::Run => self.lab.run(),
            Command::Step => self.lab.step(),
            Command::Reset => self.lab.reset(),
            Command::PickScenario(name) => self.lab.pick_scenario(name),
            Command::SetLink(link) => self.lab.set_link(link),
            Command::ChooseFileToOpen => self.open_dialog(Purpose::Open, ctx),
            Command::OpenFile(path) => self.open_path(&path),
            Command::ChooseSaveTarget(what) => self.open_dialog(Purpose::Save(what), ctx),
            Command::Save { what, to } => match what {
                SaveRequest::LabJson => self.lab.save_json(&to),
                SaveRequest::FileJson => self.file.save_json(&to),
                SaveRequest::CaptureJson => self.capture.save_json(&to),
                SaveRequest::CapturePcapng => self.capture.save_pcapng(&to),
                SaveRequest::LabPcapng => self.lab.save_pcapng(&to),
                SaveRequest::Diagram(export) => {
                    let palette = super::export::palette(ctx);
                    // A lesson's export says which step it shows.
                    let caption = match self.view {
                        View::Lessons => self.lessons.export_caption(export.lang),
                        _ => None,
                    };
                    let pane = match self.view {
                        View::Lab => Some(self.lab.pane_mut()),
                        View::File => Some(self.file.pane_mut()),
                        View::Capture => Some(&mut self.capture.pane),
                        View::Lessons => self.lessons.pane_mut(),
                        // The Compare view exports its comparison (CSV, JSON), not a diagram.
                        View::Compare => None,
                    };
                    if let Some(pane) = pane {
                        pane.export_diagram(export, &palette, &to, caption);
                    }
                }
                SaveRequest::CompareCsv | SaveRequest::CompareJson => {
                    self.compare.save(what, &to);
                }
            },
            Command::CancelLoad => self.file.cancel(),
            Command::StartCapture => self.capture.start(ctx),
            Command::StopCapture => self.capture.stop(),
            Command::OpenLesson(id) => {
                self.open_lesson(&id);
            }
            Command::LessonList => self.lessons.show_list(),
            Command::LessonNext => self.lessons.next(self.lab.shared_lab_mut()),
            Command::LessonBack => self.lessons.back(self.lab.shared_lab_mut()),
            Command::LessonAnswer(choice) => self.lessons.answer(choice),
            Command::RunCompare => {
                let ctx = ctx.clone();
                self.compare
                    .run(Some(Box::new(move || ctx.request_repaint())));
            }
        }
    }

    fn open_dialog(&mut self, purpose: Purpose, ctx: &egui::Context) {
        let (mode, title, exts, name): (_, _, &[&'static str], String) = match purpose {
            Purpose::Open => (
                DialogMode::Open,
                t::DIALOG_OPEN,
                &["pcap", "pcapng", "cap", "json"],
                String::new(),
            ),
            Purpose::Save(SaveRequest::CapturePcapng) => (
                DialogMode::Save,
                t::DIALOG_SAVE_CAPTURE,
                &["pcapng"],
                self.capture
                    .captured_file()
                    .and_then(|p| p.file_name())
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "capture.pcapng".into()),
            ),
            Purpose::Save(SaveRequest::LabPcapng) => (
                DialogMode::Save,
                t::DIALOG_SAVE_RUN_PACKETS,
                &["pcapng"],
                "lab-run.pcapng".to_string(),
            ),
            Purpose::Save(SaveRequest::Diagram(export)) => (
                DialogMode::Save,
                export.dialog_title(),
                match export.extension() {
                    "svg" => &["svg"],
                    _ => &["png"],
                },
                export.file_name().to_string(),
            ),
            Purpose::Save(SaveRequest::CompareCsv) => (
                DialogMode::Save,
                Text {
                    en: "Save the comparison (CSV)",
                    zh: "保存对比结果（CSV）",
                },
                &["csv"],
                "compare.csv".to_string(),
            ),
            Purpose::Save(SaveRequest::CompareJson) => (
                DialogMode::Save,
                Text {
                    en: "Save the comparison (JSON)",
                    zh: "保存对比结果（JSON）",
                },
                &["json"],
                "compare.json".to_string(),
            ),
            Purpose::Save(_) => (
                DialogMode::Save,
                t::DIALOG_SAVE_TRACE,
                &["json"],
                "trace.json".to_string(),
            ),
        };
        // Only the system dialog needs the language here (the in-app one reads it as drawn).
        #[cfg(not(feature = "native-dialog"))]
        let _ = ctx;
        if self.dialog.as_ref().is_some_and(|d| d.dialog.is_open()) {
            // One dialog at a time (a system dialog leaves the window usable meanwhile).
            return;
        }
        let title = title.get(self.lang);
        let dir = self
            .last_dir
            .clone()
            .or_else(|| std::env::current_dir().ok());
        let dialog = match self.dialog_kind {
            #[cfg(feature = "native-dialog")]
            DialogKind::System => Dialog::System(super::native_dialog::NativeDialog::open(
                mode,
                title,
                exts,
                dir.as_deref(),
                &name,
                super::file_dialog::ALL_FILES.get(super::lang::current(ctx)),
            )),
            _ => {
                let mut dialog = FileDialog::new(mode, title, exts);
                dialog.open(dir.as_deref(), &name);
                Dialog::InApp(Box::new(dialog))
            }
        };
        self.dialog = Some(PendingDialog { purpose, dialog });
    }

    /// The file dialog, if open; its answer becomes a command.
    fn dialog_ui(&mut self, ctx: &egui::Context) {
        let Some(pending) = &mut self.dialog else {
            return;
        };
        let purpose = pending.purpose;
        let picked = pending.dialog.show(ctx);
        if !pending.dialog.is_open() {
            self.dialog = None;
        }
        let Some(path) = picked else { return };
        if let Some(dir) = path.parent() {
            self.last_dir = Some(dir.to_path_buf());
        }
        self.commands.push(match purpose {
            Purpose::Open => Command::OpenFile(path),
            Purpose::Save(what) => Command::Save { what, to: path },
        });
    }

    /// Files dropped on the window are opened; while one hovers, say what will happen.
    fn dropped_files(&mut self, ui: &mut egui::Ui) {
        let (dropped, hovering) = ui.ctx().input(|i| {
            (
                i.raw.dropped_files.first().map(|f| f.path().to_path_buf()),
                !i.raw.hovered_files.is_empty(),
            )
        });
        if let Some(path) = dropped {
            self.commands.push(Command::OpenFile(path));
        }
        if hovering {
            let theme = Theme::of(ui.ctx());
            let rect = ui.ctx().content_rect();
            let painter = ui.ctx().layer_painter(egui::LayerId::new(
                egui::Order::Foreground,
                egui::Id::unique("wirelab-drop"),
            ));
            painter.rect_filled(rect, 0.0, theme.drop_veil);
            painter.text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                t::DROP_HINT.get(super::lang::current(ui.ctx())),
                egui::FontId::proportional(theme.size.drop_font),
                theme.drop_text,
            );
        }
    }

    /// F1 and `?` open and close the help, F5 toggles presenter mode, Esc leaves it (when no
    /// dialog or help is open to take the Esc first). Single keys wait while a text field
    /// has the keyboard.
    fn shortcuts(&mut self, ctx: &egui::Context) {
        let typing = ctx.egui_wants_keyboard_input();
        let (f1, question, f5, esc) = ctx.input_mut(|i| {
            let question = !typing
                && i.events
                    .iter()
                    .any(|e| matches!(e, egui::Event::Text(t) if t == "?"));
            (
                i.consume_key(egui::Modifiers::NONE, egui::Key::F1),
                question,
                i.consume_key(egui::Modifiers::NONE, egui::Key::F5),
                i.key_pressed(egui::Key::Escape),
            )
        });
        if f1 || question {
            self.overlays.help = !self.overlays.help;
        }
        if f5 {
            presenter::toggle(ctx);
        }
        if self.view == View::Lessons && !self.overlays.help && self.dialog.is_none() {
            self.lessons.keys(ctx, &mut self.commands);
        }
        let modal_open = self.overlays.help
            || self.overlays.about
            || self.dialog.is_some()
            || self.lab.pending_pick().is_some();
        if esc && !modal_open && !typing && presenter::is_active(ctx) {
            presenter::leave(ctx);
        }
    }

    /// The classroom's part of the first row: Theme, Legend, Help (shortcuts, About) and
    /// presenter mode.
    fn classroom_ui(overlays: &mut Overlays, ui: &mut egui::Ui) {
        let lang = super::lang::current(ui.ctx());
        let ctx = ui.ctx().clone();
        ui.menu_button(bar_text::THEME.get(lang), |ui| {
            let now = super::theme::current(&ctx);
            for name in ThemeName::ALL {
                if ui.radio(now == name, name.label().get(lang)).clicked() {
                    super::theme::set(&ctx, name);
                    ui.close();
                }
            }
        });
        legend_button(ui, &mut overlays.legend, lang);
        ui.menu_button(bar_text::HELP.get(lang), |ui| {
            if ui.button(bar_text::SHORTCUTS.get(lang)).clicked() {
                overlays.help = true;
                ui.close();
            }
            if ui.button(bar_text::ABOUT.get(lang)).clicked() {
                overlays.about = true;
                ui.close();
            }
        });
        if ui
            .button(bar_text::PRESENT.get(lang))
            .on_hover_text(bar_text::PRESENT_HINT.get(lang))
            .clicked()
        {
            presenter::enter(&ctx);
        }
    }

    /// The top bar in presenter mode: the run controls and the way out, nothing else.
    fn presenter_bar(&mut self, ui: &mut egui::Ui) {
        let lang = super::lang::current(ui.ctx());
        let commands = &mut self.commands;
        ui.horizontal_wrapped(|ui| {
            if ui.button(bar_text::LEAVE.get(lang)).clicked() {
                presenter::leave(ui.ctx());
            }
            legend_button(ui, &mut self.overlays.legend, lang);
            // A teacher switches language in front of the class too.
            language_menu(ui, lang);
            ui.separator();
            match self.view {
                View::Lab => self.lab.bar_ui(ui, commands),
                View::File => self.file.bar_ui(ui, commands),
                View::Capture => self.capture.controls_ui(ui, commands),
                // Its controls are in the view itself.
                View::Compare => {}
                // Back and Next are beside the narration, which stays.
                View::Lessons => self.lessons.rows_ui(ui, commands),
            }
        });
    }

    /// The first row: the view tabs and File ▸ Open…, then the current view's own controls.
    fn top_bar(&mut self, ui: &mut egui::Ui) {
        if presenter::is_active(ui.ctx()) {
            self.presenter_bar(ui);
            return;
        }
        let commands = &mut self.commands;
        let lang = super::lang::current(ui.ctx());
        self.lang = lang;
        ui.horizontal_wrapped(|ui| {
            ui.strong("wirelab");
            ui.separator();
            ui.selectable_value(&mut self.view, View::Lab, t::TAB_LAB.get(lang));
            ui.selectable_value(&mut self.view, View::Lessons, t::TAB_LESSONS.get(lang))
                .on_hover_text(t::TAB_LESSONS_HINT.get(lang));
            ui.selectable_value(&mut self.view, View::Capture, t::TAB_CAPTURE.get(lang))
                .on_hover_text(t::TAB_CAPTURE_HINT.get(lang));
            ui.selectable_value(&mut self.view, View::File, t::TAB_FILE.get(lang))
                .on_hover_text(t::TAB_FILE_HINT.get(lang));
            ui.selectable_value(
                &mut self.view,
                View::Compare,
                super::compare_view::text::TAB.get(lang),
            )
            .on_hover_text(super::compare_view::text::TAB_HINT.get(lang));
            ui.separator();
            if ui
                .button(t::OPEN.get(lang))
                .on_hover_text(t::OPEN_HINT.get(lang))
                .clicked()
            {
                commands.push(Command::ChooseFileToOpen);
            }
            ui.separator();
            Self::classroom_ui(&mut self.overlays, ui);
            ui.separator();
            match self.view {
                View::Lab => self.lab.bar_ui(ui, commands),
                View::File => self.file.bar_ui(ui, commands),
                View::Capture | View::Compare | View::Lessons => {}
            }
            ui.separator();
            language_menu(ui, lang);
        });
        match self.view {
            View::Lab => self.lab.rows_ui(ui, commands),
            View::File => self.file.rows_ui(ui, commands),
            View::Capture => self.capture.bar_ui(ui, commands),
            View::Compare => self.compare.rows_ui(ui, commands),
            View::Lessons => self.lessons.rows_ui(ui, commands),
        }
    }
}

/// The language menu: the current language's own name; picking one switches the whole window
/// from the next frame on (this frame's rest is drawn in the old one).
fn language_menu(ui: &mut egui::Ui, lang: Lang) {
    let mut picked = lang;
    egui::ComboBox::from_id_salt("language")
        .selected_text(lang.native_name())
        .show_ui(ui, |ui| {
            for l in Lang::ALL {
                ui.selectable_value(&mut picked, l, l.native_name());
            }
        })
        .response
        .on_hover_text(t::LANGUAGE_HINT.get(lang));
    if picked != lang {
        super::lang::set(ui.ctx(), picked);
        ui.ctx().request_repaint();
    }
}

/// The Legend button: a button (not a bare toggle label), selected while the legend is open.
fn legend_button(ui: &mut egui::Ui, open: &mut bool, lang: Lang) {
    if ui
        .add(egui::Button::new(legend::TITLE.get(lang)).selected(*open))
        .on_hover_text(bar_text::LEGEND_HINT.get(lang))
        .clicked()
    {
        *open = !*open;
    }
}

impl eframe::App for WirelabApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.lab.drain(ctx);
        self.lessons.drain(ctx, self.lab.shared_lab_mut());
        self.file.poll();
        self.capture.drain(ctx);
        self.compare.drain(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.shortcuts(&ui.ctx().clone());
        self.dropped_files(ui);
        let padding = Theme::of(ui.ctx()).size.bar_padding;
        egui::Panel::top("top-bar").show(ui, |ui| {
            ui.add_space(padding);
            self.top_bar(ui);
            ui.add_space(padding);
        });
        match self.view {
            View::Lab => self.lab.body_ui(ui),
            View::File => self.file.body_ui(ui),
            View::Capture => self.capture.body_ui(ui),
            View::Compare => self.compare.body_ui(ui),
            View::Lessons => self.lessons.body_ui(ui, &mut self.commands),
        }
        let ctx = ui.ctx().clone();
        if self.view == View::Lab {
            self.lab.prompt_ui(&ctx, &mut self.commands);
        }
        self.dialog_ui(&ctx);
        legend::show(&ctx, &mut self.overlays.legend);
        help::show(&ctx, &mut self.overlays.help);
        about::show(&ctx, &mut self.overlays.about);
        self.apply_commands(&ctx);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_wait_for_the_end_of_the_frame_and_apply_in_order() {
        let ctx = egui::Context::default();
        let mut app = WirelabApp::new(&ctx, GuiOptions::default());
        app.commands.push(Command::OpenFile(PathBuf::from(
            "/nonexistent/wirelab.pcap",
        )));
        app.commands
            .push(Command::ChooseSaveTarget(SaveRequest::LabJson));
        // Queued, not acted on.
        assert_eq!(app.view(), View::Lab);
        assert!(!app.is_loading() && app.dialog.is_none());
        app.apply_commands(&ctx);
        assert!(app.commands.is_empty());
        assert_eq!(app.view(), View::File);
        assert!(app.is_loading());
        assert_eq!(
            app.dialog.as_ref().map(|d| d.purpose),
            Some(Purpose::Save(SaveRequest::LabJson))
        );
    }
}
