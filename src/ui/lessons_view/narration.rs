//! The narration panel beside a lesson's diagram: where the class is (step counter, progress
//! bar, Back and Next), the step's title and narration (plain text, `backticks` as code), its
//! question before the action and the answer's check and explanation after, what the lab is
//! doing, a failure, and which evidence is highlighted (or was not seen).

use egui::text::LayoutJob;
use egui::{FontId, RichText, TextFormat};

use super::evidence;
use super::player::{Place, Player};
use crate::lang::Lang;
use crate::lesson::Question;
use crate::ui::command::Command;
use crate::ui::text as t;
use crate::ui::theme::Theme;

/// Draws the panel's contents for `player`; buttons push `commands`.
pub fn ui(ui: &mut egui::Ui, player: &Player, commands: &mut Vec<Command>) {
    let lang = crate::ui::lang::current(ui.ctx());
    let theme = Theme::of(ui.ctx());
    let lesson = player.lesson();
    let total = lesson.steps.len();
    ui.weak(lesson.title.get(lang));
    controls(ui, player, commands, lang);
    let done = match player.place() {
        Place::Cover => 0,
        Place::Step { index, revealed } => index + usize::from(revealed),
    };
    let fraction = if total == 0 {
        0.0
    } else {
        done as f32 / total as f32
    };
    ui.add(egui::ProgressBar::new(fraction).desired_height(6.0));
    ui.separator();
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            let body = theme.size.narration_scale * ui.text_style_height(&egui::TextStyle::Body);
            match (player.place(), player.step()) {
                (Place::Cover, _) | (_, None) => {
                    ui.heading(lesson.title.get(lang));
                    ui.weak(t::lesson_meta(
                        lang,
                        total,
                        lesson.minutes,
                        lesson.level.name(lang),
                    ));
                    ui.add_space(6.0);
                    prose(ui, lesson.summary.get(lang), body);
                    ui.add_space(10.0);
                    ui.strong(t::LESSON_COVER.get(lang));
                }
                (Place::Step { revealed, .. }, Some(step)) => {
                    ui.heading(step.title.get(lang));
                    ui.add_space(4.0);
                    if revealed {
                        prose(ui, step.narration.get(lang), body);
                    }
                    if let Some(q) = &step.question {
                        ui.add_space(8.0);
                        question(ui, q, player.answer(), revealed, commands, lang, body);
                    }
                }
            }
            ui.add_space(8.0);
            if player.is_working() {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(if player.is_opening() {
                        t::LESSON_OPENING.get(lang)
                    } else {
                        t::LESSON_WORKING.get(lang)
                    });
                });
            }
            if let Some(e) = player.error() {
                ui.colored_label(theme.error, e.get(lang));
            }
            if player.is_stale() {
                ui.colored_label(theme.warning, t::LESSON_STALE.get(lang));
            }
            if player.revealed() && !player.is_working() {
                evidence_ui(ui, player, lang);
            }
            if let Some(comparison) = player.comparison() {
                ui.separator();
                egui::CollapsingHeader::new(t::LESSON_MEASURED.get(lang))
                    .default_open(true)
                    .show(ui, |ui| {
                        crate::ui::compare_view::cards::cards_ui(
                            ui,
                            comparison,
                            player.pane().trace(),
                        );
                    });
            }
            if player.revealed()
                && !player.is_working()
                && player.step_index() == total.checked_sub(1)
            {
                ui.add_space(8.0);
                ui.strong(t::LESSON_END.get(lang));
            }
        });
}

/// Back, the step counter and Next.
fn controls(ui: &mut egui::Ui, player: &Player, commands: &mut Vec<Command>, lang: Lang) {
    let total = player.lesson().steps.len();
    ui.horizontal(|ui| {
        if ui
            .add_enabled(
                player.can_back(),
                egui::Button::new(t::LESSON_BACK.get(lang)),
            )
            .on_hover_text(t::LESSON_BACK_HINT.get(lang))
            .clicked()
        {
            commands.push(Command::LessonBack);
        }
        let counter = match player.step_index() {
            Some(i) => t::lesson_step_of(lang, i + 1, total),
            None => t::lesson_steps(lang, total),
        };
        ui.strong(counter);
        if ui
            .add_enabled(
                player.can_next(),
                egui::Button::new(RichText::new(t::LESSON_NEXT.get(lang)).strong()),
            )
            .on_hover_text(t::LESSON_NEXT_HINT.get(lang))
            .clicked()
        {
            commands.push(Command::LessonNext);
        }
    });
}

/// The question: its choices to pick before the action, then the check and the explanation.
fn question(
    ui: &mut egui::Ui,
    q: &Question,
    answer: Option<usize>,
    revealed: bool,
    commands: &mut Vec<Command>,
    lang: Lang,
    body: f32,
) {
    let theme = Theme::of(ui.ctx());
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.strong(t::LESSON_QUESTION.get(lang));
        prose(ui, q.prompt.get(lang), body);
        for (k, choice) in q.choices.iter().enumerate() {
            let picked = answer == Some(k);
            let text = RichText::new(choice.text.get(lang)).size(body);
            // After the action, the choices stay readable but no longer change.
            if ui
                .add_enabled(!revealed || picked, egui::RadioButton::new(picked, text))
                .clicked()
                && !revealed
            {
                commands.push(Command::LessonAnswer(k));
            }
        }
        let Some(k) = answer else {
            if !revealed {
                ui.weak(t::LESSON_ANSWER_OR_NEXT.get(lang));
            }
            return;
        };
        let right = q.correct() == Some(k);
        ui.add_space(4.0);
        if right {
            ui.colored_label(theme.ok, RichText::new(t::LESSON_RIGHT.get(lang)).strong());
        } else {
            ui.colored_label(
                theme.error,
                RichText::new(t::LESSON_WRONG.get(lang)).strong(),
            );
            if let Some(c) = q.correct().and_then(|c| q.choices.get(c)) {
                ui.label(t::lesson_right_answer(lang, c.text.get(lang)));
            }
        }
        prose(ui, q.explanation.get(lang), body);
        if !revealed {
            ui.weak(t::LESSON_THEN_NEXT.get(lang));
        }
    });
}

/// What the step highlights, and each highlight that found nothing.
fn evidence_ui(ui: &mut egui::Ui, player: &Player, lang: Lang) {
    let Some(step) = player.step() else { return };
    if step.highlights.is_empty() {
        return;
    }
    let found = player.evidence();
    let n: usize = player.pane().highlighted().len();
    ui.separator();
    ui.horizontal_wrapped(|ui| {
        ui.strong(t::LESSON_EVIDENCE.get(lang));
        ui.weak(t::lesson_highlighted(lang, n));
    });
    let theme = Theme::of(ui.ctx());
    for e in found.iter().filter(|e| e.events.is_empty()) {
        if let Some(h) = step.highlights.get(e.highlight) {
            ui.colored_label(
                theme.warning,
                t::lesson_not_seen(lang, &evidence::describe(h)),
            );
        }
    }
}

/// Plain text as the narration shows it: paragraphs split at blank lines, a paragraph's
/// lines joined (the file wraps them), lines starting with `- ` kept as list items, and
/// `backticks` as code.
pub fn prose(ui: &mut egui::Ui, text: &str, size: f32) {
    let color = ui.visuals().text_color();
    let code_bg = ui.visuals().code_bg_color;
    for paragraph in paragraphs(text) {
        let mut job = LayoutJob::default();
        for (k, part) in paragraph.split('`').enumerate() {
            let format = if k % 2 == 1 {
                TextFormat {
                    font_id: FontId::monospace(size * 0.95),
                    color,
                    background: code_bg,
                    ..TextFormat::default()
                }
            } else {
                TextFormat {
                    font_id: FontId::proportional(size),
                    color,
                    ..TextFormat::default()
                }
            };
            job.append(part, 0.0, format);
        }
        job.wrap.max_width = ui.available_width();
        ui.label(job);
        ui.add_space(size * 0.4);
    }
}

/// The paragraphs of `text`.
fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for block in text.trim().split("\n\n") {
        let mut para = String::new();
        for line in block.lines().map(str::trim).filter(|l| !l.is_empty()) {
            if !para.is_empty() {
                let item = line.starts_with("- ") || line.starts_with("• ");
                // Chinese is written without spaces between lines' words.
                let joiner = if item {
                    "\n"
                } else if para.chars().last().is_some_and(is_cjk)
                    || line.chars().next().is_some_and(is_cjk)
                {
                    ""
                } else {
                    " "
                };
                para.push_str(joiner);
            }
            para.push_str(line);
        }
        if !para.is_empty() {
            out.push(para);
        }
    }
    out
}

fn is_cjk(c: char) -> bool {
    ('\u{3000}'..='\u{9fff}').contains(&c) || ('\u{ff00}'..='\u{ffef}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_lines_join_and_blank_lines_split() {
        let p = paragraphs("One line\nwrapped.\n\n- a\n- b\n\n第一行\n接着写。");
        assert_eq!(p, vec!["One line wrapped.", "- a\n- b", "第一行接着写。"]);
    }
}
