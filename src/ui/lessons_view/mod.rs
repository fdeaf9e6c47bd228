//! The Lessons view: the list of lessons (title, length, level, summary; files that could
//! not be read, with file, line, column and field), and a lesson being played: the narration
//! panel ([`narration`]) beside the same diagram and detail pane as the Lab's, driven by the
//! [`player::Player`] on the window's one lab. Next (→, space) performs a step, Back (←)
//! returns to the one before; each step's evidence ([`evidence`]) is highlighted, the rest
//! dimmed, the main event selected.

pub mod evidence;
pub mod narration;
pub mod player;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use egui::RichText;

use super::command::Command;
use super::shared_lab::SharedLab;
use super::text as t;
use super::theme::Theme;
use super::trace_pane::TracePane;
use crate::lang::{Lang, Phrase};
use crate::lesson::Lesson;
use player::Player;

/// The lessons the view lists.
#[derive(Clone, Debug, Default)]
pub struct Catalogue {
    /// The lessons read, in list order.
    pub lessons: Vec<Lesson>,
    /// Each file that could not be read: file:line:column, the field and what is wrong.
    pub errors: Vec<Phrase>,
    /// The directory recordings are named relative to (the project root).
    pub root: PathBuf,
}

impl Catalogue {
    /// Reads the lessons directory (`dir`, else the one `lab::lesson::lessons_dir` finds):
    /// every lesson that passes its checks, and every error of those that do not.
    pub fn load(dir: Option<&Path>) -> Catalogue {
        let dir = crate::lab::lesson::lessons_dir(dir);
        let loaded = crate::lab::lesson::load_dir(&dir);
        Catalogue {
            lessons: loaded.lessons,
            errors: loaded
                .errors
                .iter()
                .map(|e| Phrase::new(e.line_in(Lang::En), e.line_in(Lang::Zh)))
                .collect(),
            root: crate::lab::lesson::recordings_root(&dir),
        }
    }
}

/// The Lessons view's state.
pub struct LessonsView {
    catalogue: Catalogue,
    /// The lesson being played (kept while the list is shown, so the class keeps its place).
    player: Option<Player>,
    /// Whether the player is shown (else the list).
    playing: bool,
    notify: Arc<dyn Fn() + Send + Sync>,
}

impl LessonsView {
    /// The view listing `catalogue`; `notify` asks the window for a frame.
    pub fn new(catalogue: Catalogue, notify: Arc<dyn Fn() + Send + Sync>) -> LessonsView {
        LessonsView {
            catalogue,
            player: None,
            playing: false,
            notify,
        }
    }

    /// The lessons listed.
    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    /// Lists other lessons (the one being played goes on).
    pub fn set_catalogue(&mut self, catalogue: Catalogue) {
        self.catalogue = catalogue;
    }

    /// The lesson being played.
    pub fn player(&self) -> Option<&Player> {
        self.player.as_ref()
    }

    /// Whether a lesson is shown (not the list).
    pub fn is_playing(&self) -> bool {
        self.playing && self.player.is_some()
    }

    /// Opens lesson `id` at its cover; false when there is none by that id.
    pub fn open(&mut self, id: &str) -> bool {
        let Some(lesson) = self.catalogue.lessons.iter().find(|l| l.id == id) else {
            return false;
        };
        if self.player.as_ref().is_none_or(|p| p.lesson().id != id) {
            self.player = Some(Player::new(
                lesson.clone(),
                self.catalogue.root.clone(),
                self.notify.clone(),
            ));
        }
        self.playing = true;
        true
    }

    /// Shows the list (the lesson keeps its place).
    pub fn show_list(&mut self) {
        self.playing = false;
    }

    /// Next (→, space).
    pub fn next(&mut self, lab: &mut SharedLab) {
        if let Some(p) = self.player.as_mut().filter(|_| self.playing) {
            p.next(lab);
        }
    }

    /// Back (←).
    pub fn back(&mut self, lab: &mut SharedLab) {
        if let Some(p) = self.player.as_mut().filter(|_| self.playing) {
            p.back(lab);
        }
    }

    /// Picks choice `choice` of the current step's question.
    pub fn answer(&mut self, choice: usize) {
        if let Some(p) = self.player.as_mut() {
            p.choose(choice);
        }
    }

    /// The caption of an export of the step being played: the lesson, the step's number and
    /// its title, in `lang` (`None` on the cover or with no lesson open).
    pub fn export_caption(&self, lang: crate::lang::Lang) -> Option<String> {
        let player = self.player.as_ref().filter(|_| self.playing)?;
        let index = player.step_index()?;
        let step = player.step()?;
        let lesson = player.lesson();
        let (title, step_title) = (lesson.title.get(lang), step.title.get(lang));
        let (n, total) = (index + 1, lesson.steps.len());
        Some(match lang {
            crate::lang::Lang::En => format!("{title} · step {n} of {total}: {step_title}"),
            crate::lang::Lang::Zh => format!("{title} · 第 {n} 步（共 {total} 步）：{step_title}"),
        })
    }

    /// The diagram of the lesson shown, if one is.
    pub fn pane_mut(&mut self) -> Option<&mut TracePane> {
        self.player
            .as_mut()
            .filter(|_| self.playing)
            .map(Player::pane_mut)
    }

    /// Takes the lab's updates for the lesson and the loader's news (every frame, whatever
    /// the view shown, so the lab's channel never fills).
    pub fn drain(&mut self, ctx: &egui::Context, lab: &mut SharedLab) {
        let lang = super::lang::current(ctx);
        if let Some(p) = &mut self.player {
            p.drain(lab, lang);
        }
        // Another view's run meanwhile: nothing of it is ours.
        while lab.recv(super::shared_lab::LabUser::Lessons).is_some() {}
    }

    /// →, space: Next; ←: Back (while a lesson is shown and no text field has the keyboard).
    pub fn keys(&self, ctx: &egui::Context, commands: &mut Vec<Command>) {
        if !self.is_playing() || ctx.egui_wants_keyboard_input() {
            return;
        }
        let (next, back) = ctx.input_mut(|i| {
            let right = i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowRight);
            let space = i.consume_key(egui::Modifiers::NONE, egui::Key::Space);
            let left = i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowLeft);
            (right || space, left)
        });
        if next {
            commands.push(Command::LessonNext);
        }
        if back {
            commands.push(Command::LessonBack);
        }
    }

    /// The view's rows of the top bar: back to the list, and the diagram's options
    /// (Export… exports the step's diagram).
    pub fn rows_ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        let lang = super::lang::current(ui.ctx());
        if !self.is_playing() {
            return;
        }
        ui.horizontal_wrapped(|ui| {
            if ui
                .button(t::ALL_LESSONS.get(lang))
                .on_hover_text(t::ALL_LESSONS_HINT.get(lang))
                .clicked()
            {
                commands.push(Command::LessonList);
            }
            if let Some(p) = &mut self.player {
                ui.strong(p.lesson().title.get(lang));
                ui.separator();
                p.pane_mut().options_ui(ui, commands);
            }
        });
    }

    /// The list, or the lesson: narration (left) beside the diagram and detail pane.
    pub fn body_ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        let Some(player) = self.player.as_mut().filter(|_| self.playing) else {
            egui::CentralPanel::default().show(ui, |ui| self.list_ui(ui, commands));
            return;
        };
        let size = &Theme::of(ui.ctx()).size;
        // A share of the window, so at 2x UI zoom the diagram and the detail keep room.
        let available = ui.available_width();
        let max = (available * size.narration_max_share).max(size.narration_min);
        let default = (available * size.narration_share)
            .min(size.narration_width)
            .max(size.narration_min);
        egui::Panel::left("lesson-narration")
            .resizable(true)
            .default_size(default.min(max))
            .size_range(size.narration_min..=max)
            .show(ui, |ui| narration::ui(ui, player, commands));
        let running = player.is_working();
        player.pane_mut().diagram_ui(ui, running);
    }

    /// The list of lessons, and the files that could not be read.
    fn list_ui(&self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        let lang = super::lang::current(ui.ctx());
        let theme = Theme::of(ui.ctx());
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                ui.set_max_width(theme.size.lesson_list_width);
                ui.heading(t::TAB_LESSONS.get(lang));
                ui.label(t::LESSONS_INTRO.get(lang));
                ui.add_space(8.0);
                if self.catalogue.lessons.is_empty() {
                    ui.weak(t::LESSONS_NONE.get(lang));
                }
                for lesson in &self.catalogue.lessons {
                    egui::Frame::group(ui.style()).show(ui, |ui| {
                        ui.set_width(ui.available_width());
                        ui.horizontal_wrapped(|ui| {
                            ui.weak(format!("{:02}", lesson.order));
                            if ui
                                .button(RichText::new(lesson.title.get(lang)).heading())
                                .on_hover_text(t::LESSON_START_HINT.get(lang))
                                .clicked()
                            {
                                commands.push(Command::OpenLesson(lesson.id.clone()));
                            }
                        });
                        ui.weak(t::lesson_meta(
                            lang,
                            lesson.steps.len(),
                            lesson.minutes,
                            lesson.level.name(lang),
                        ));
                        ui.label(lesson.summary.get(lang));
                    });
                    ui.add_space(4.0);
                }
                // After the lessons that work: a teacher's broken draft must not hide them.
                if !self.catalogue.errors.is_empty() {
                    ui.add_space(8.0);
                    ui.colored_label(theme.error, t::LESSONS_BROKEN.get(lang));
                    for e in &self.catalogue.errors {
                        ui.label(RichText::new(e.get(lang)).monospace().color(theme.error));
                    }
                }
            });
    }
}
