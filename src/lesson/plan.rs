//! What the lab must have done for a lesson's step to show its evidence, and how to get there
//! from where the class is: one answer for the headless player and the Lessons view.
//!
//! A lab run cannot go back, so going back to an earlier stage of a scenario (or to a step
//! before it) means running the scenario again from the start to that stage.

use super::{Action, Lesson};

/// What is on screen at a step: the effect of the last action at or before it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shown {
    /// Nothing has run yet (the lesson's first steps only talk).
    Nothing,
    /// Scenario `scenario`, stepped until stage `through` (1-based) is done.
    Lab {
        /// The scenario's name.
        scenario: String,
        /// The last stage done, 1-based.
        through: usize,
    },
    /// A Compare run of `preset`.
    Compare {
        /// The preset's name.
        preset: String,
    },
    /// A recording, opened.
    Recording {
        /// Its path, relative to the project root.
        file: String,
    },
}

/// How to get from one [`Shown`] to another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Transition {
    /// Already there.
    Stay,
    /// Step the current run on: stages `from + 1 ..= through` (1-based) of the same scenario.
    Continue {
        /// The scenario.
        scenario: String,
        /// The last stage already done.
        from: usize,
        /// The last stage to do.
        through: usize,
    },
    /// Start afresh (clear what is shown) and bring about this.
    Restart(Shown),
}

/// What is shown at step `index` (0-based; past the end, the last step's).
pub fn shown_at(lesson: &Lesson, index: usize) -> Shown {
    lesson
        .steps
        .iter()
        .take(index.saturating_add(1))
        .rev()
        .find_map(|step| step.action.as_ref())
        .map_or(Shown::Nothing, |action| match action {
            Action::Lab { scenario, through } => Shown::Lab {
                scenario: scenario.clone(),
                through: *through,
            },
            Action::Compare { preset } => Shown::Compare {
                preset: preset.clone(),
            },
            Action::Recording { file, .. } => Shown::Recording { file: file.clone() },
        })
}

/// How to get from `from` to `to`.
pub fn transition(from: &Shown, to: &Shown) -> Transition {
    if from == to {
        return Transition::Stay;
    }
    match (from, to) {
        (
            Shown::Lab {
                scenario: was,
                through: done,
            },
            Shown::Lab { scenario, through },
        ) if was == scenario && through > done => Transition::Continue {
            scenario: scenario.clone(),
            from: *done,
            through: *through,
        },
        _ => Transition::Restart(to.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Phrase;
    use crate::lesson::{Level, Step};

    fn step(action: Option<Action>) -> Step {
        Step {
            title: Phrase::verbatim("t"),
            narration: Phrase::verbatim("n"),
            action,
            highlights: Vec::new(),
            question: None,
        }
    }

    fn lab(scenario: &str, through: usize) -> Option<Action> {
        Some(Action::Lab {
            scenario: scenario.to_string(),
            through,
        })
    }

    fn lesson(steps: Vec<Step>) -> Lesson {
        Lesson {
            id: "l".to_string(),
            order: 1,
            title: Phrase::verbatim("t"),
            summary: Phrase::verbatim("s"),
            level: Level::Beginner,
            minutes: 5,
            steps,
        }
    }

    #[test]
    fn a_talking_step_keeps_what_the_last_action_showed() {
        let l = lesson(vec![
            step(None),
            step(lab("ws-echo", 2)),
            step(None),
            step(lab("ws-echo", 4)),
        ]);
        assert_eq!(shown_at(&l, 0), Shown::Nothing);
        let two = Shown::Lab {
            scenario: "ws-echo".to_string(),
            through: 2,
        };
        assert_eq!(shown_at(&l, 1), two);
        assert_eq!(shown_at(&l, 2), two);
        assert_eq!(
            transition(&shown_at(&l, 1), &shown_at(&l, 2)),
            Transition::Stay
        );
    }

    #[test]
    fn forward_on_one_scenario_continues_and_back_restarts() {
        let l = lesson(vec![step(lab("ws-echo", 2)), step(lab("ws-echo", 4))]);
        let (a, b) = (shown_at(&l, 0), shown_at(&l, 1));
        assert_eq!(
            transition(&a, &b),
            Transition::Continue {
                scenario: "ws-echo".to_string(),
                from: 2,
                through: 4
            }
        );
        assert_eq!(transition(&b, &a), Transition::Restart(a.clone()));
        assert_eq!(
            transition(&Shown::Nothing, &a),
            Transition::Restart(a.clone())
        );
    }

    #[test]
    fn another_scenario_restarts() {
        let l = lesson(vec![step(lab("ws-echo", 2)), step(lab("ws-chat", 3))]);
        assert_eq!(
            transition(&shown_at(&l, 0), &shown_at(&l, 1)),
            Transition::Restart(shown_at(&l, 1))
        );
    }
}
