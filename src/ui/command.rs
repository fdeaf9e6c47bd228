//! What the views ask the app to do. Buttons never act while the frame is painted: a view
//! pushes a [`Command`] and the app applies every command once, after the frame's UI
//! (`WirelabApp::apply_commands`), so nothing changes under a half-drawn frame.

use std::path::PathBuf;

/// A request from a view to the app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Lab: run every stage of the chosen scenario.
    Run,
    /// Lab: run the next stage (starting a stepped run if none is going).
    Step,
    /// Lab: stop the run and clear the diagram.
    Reset,
    /// Lab: make this scenario the current one, resetting the diagram, Run and Step to it.
    PickScenario(String),
    /// Lab: the emulated link for the next runs (the Link menu).
    SetLink(crate::lab::link::LinkConditions),
    /// Ask for a file to open (the Open… dialog).
    ChooseFileToOpen,
    /// Open this capture file or trace in the File view.
    OpenFile(PathBuf),
    /// Ask where to save (the save dialog).
    ChooseSaveTarget(SaveRequest),
    /// Save what was asked for to this path.
    Save {
        /// What to save.
        what: SaveRequest,
        /// Where.
        to: PathBuf,
    },
    /// File: stop reading the file being read.
    CancelLoad,
    /// Capture: start capturing with the view's settings.
    StartCapture,
    /// Capture: stop the running capture.
    StopCapture,
    /// Compare: run the four techniques with the view's workload.
    RunCompare,
    /// Lessons: play the lesson with this id (from its cover, or where the class left it).
    OpenLesson(String),
    /// Lessons: show the list (the lesson keeps its place).
    LessonList,
    /// Lessons: Next (perform the step, or go to the next one).
    LessonNext,
    /// Lessons: Back to the previous step.
    LessonBack,
    /// Lessons: pick this choice of the step's question.
    LessonAnswer(usize),
}

/// What a Save button asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SaveRequest {
    /// The Lab's trace as JSON.
    LabJson,
    /// The File view's trace as JSON.
    FileJson,
    /// The Capture view's trace as JSON.
    CaptureJson,
    /// The Capture view's pcapng file.
    CapturePcapng,
    /// The Lab run's packets as pcapng (packet mode).
    LabPcapng,
    /// The shown view's diagram as SVG or PNG (the Export… menu).
    Diagram(super::export::DiagramExport),
    /// The Compare view's comparison as CSV.
    CompareCsv,
    /// The Compare view's comparison as JSON (what `wirelab compare --json` writes).
    CompareJson,
}
