//! The window's one [`Lab`], shared by the views that run it: the Lab view and the Lessons
//! view. The lab runs one thing at a time (a new Start aborts the current run), so whoever
//! started the current run owns it: only the owner steps or resets it, and only the owner
//! receives its updates. Updates still on their way from a run that a newer Start replaced
//! are dropped here, so neither view ever applies the other's events to its trace.
//!
//! The lab sends exactly one non-external `RunStarted` per Start or Compare it is sent
//! (unknown scenarios are refused before sending), so counting both tells which run an
//! update belongs to.

use std::collections::VecDeque;

use crate::lab::collector::EXTERNAL_LABEL;
use crate::lab::{Lab, LabCommand, LabUpdate};

/// A view that runs the lab.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabUser {
    /// The Lab view (Run, Step, Reset; also the external clients' trace).
    LabView,
    /// The Lessons view (a lesson's steps).
    Lessons,
}

/// The lab, its current owner and each view's waiting updates.
pub struct SharedLab {
    lab: Result<Lab, String>,
    /// Who sent the newest Start (or Compare).
    owner: LabUser,
    /// Starts (and Compares) sent.
    sent: u64,
    /// Their `RunStarted`s received.
    started: u64,
    /// Who receives the updates arriving now (`None`: a replaced run's, dropped).
    current: Option<LabUser>,
    lab_view: VecDeque<LabUpdate>,
    lessons: VecDeque<LabUpdate>,
}

impl SharedLab {
    /// Wraps a started lab (or why it could not start).
    pub fn new(lab: Result<Lab, String>) -> SharedLab {
        SharedLab {
            lab,
            owner: LabUser::LabView,
            sent: 0,
            started: 0,
            current: Some(LabUser::LabView),
            lab_view: VecDeque::new(),
            lessons: VecDeque::new(),
        }
    }

    /// The lab, or why it could not start.
    pub fn lab(&self) -> Result<&Lab, &str> {
        self.lab.as_ref().map_err(String::as_str)
    }

    /// Who started the current run.
    pub fn owner(&self) -> LabUser {
        self.owner
    }

    /// How many runs were started so far, by anyone: a view that remembers this number at its
    /// own Start knows its run was replaced when it changes.
    pub fn runs_started(&self) -> u64 {
        self.sent
    }

    /// Sends `cmd` on behalf of `user`: a Start or Compare makes `user` the owner; Step and
    /// Reset are ignored unless `user` owns the current run (they would act on the other
    /// view's run).
    pub fn send(&mut self, user: LabUser, cmd: LabCommand) {
        let Ok(lab) = &self.lab else { return };
        match cmd {
            LabCommand::Start { .. } | LabCommand::Compare(_) => {
                self.owner = user;
                self.sent += 1;
                // Until its RunStarted arrives, what comes belongs to the replaced run.
                self.current = None;
            }
            LabCommand::Step | LabCommand::Reset if user != self.owner => return,
            LabCommand::Step | LabCommand::Reset | LabCommand::SetLink(_) => {}
        }
        lab.send(cmd);
    }

    /// Moves every waiting update of the lab to the inbox of the view it belongs to.
    pub fn pump(&mut self) {
        let Ok(lab) = &self.lab else { return };
        while let Some(update) = lab.try_recv() {
            match &update {
                // About the lab, for the Lab view's bar.
                LabUpdate::CaptureMode { .. } => {
                    self.lab_view.push_back(update);
                    continue;
                }
                LabUpdate::RunStarted {
                    scenario, stages, ..
                } if scenario == EXTERNAL_LABEL && stages.is_empty() => {
                    // External clients with no run: the Lab view shows them, unless a Start
                    // is on its way (its run will carry them).
                    self.current = (self.started == self.sent).then_some(LabUser::LabView);
                }
                LabUpdate::RunStarted { .. } => {
                    self.started += 1;
                    self.current = (self.started == self.sent).then_some(self.owner);
                }
                _ => {}
            }
            match self.current {
                Some(LabUser::LabView) => self.lab_view.push_back(update),
                Some(LabUser::Lessons) => self.lessons.push_back(update),
                None => {}
            }
        }
    }

    /// The next update for `user`, if any.
    pub fn recv(&mut self, user: LabUser) -> Option<LabUpdate> {
        match user {
            LabUser::LabView => self.lab_view.pop_front(),
            LabUser::Lessons => self.lessons.pop_front(),
        }
    }
}
