//! The GUI (eframe/egui): the app ([`app`]) shows one of three views, each drawing its trace
//! with the same sequence diagram ([`timeline`]) and detail pane ([`detail`]) through a
//! [`trace_pane::TracePane`]:
//! - **Lab** (default, [`lab_view`]): a top bar (scenario, Run, Step, Reset) driving the lab.
//! - **Capture** ([`capture_view`]): live capture on an interface.
//! - **File** ([`file_view`]): a capture file (pcap, pcapng) or a saved trace, opened with
//!   Open…, by dropping it on the window or with `--open`, read on a background thread
//!   ([`loader`]).
//! - **Compare** ([`compare_view`]): the four push techniques run side by side, four mini
//!   diagrams on one time axis, metric cards and plots.
//! - **Lessons** ([`lessons_view`]): step-through lessons, a narration panel beside the Lab's
//!   diagram, run on the same lab as the Lab view ([`shared_lab`]).
//!
//! Capture and File list their TCP connections ([`crate::analysis::connections`]); picking one shows its
//! diagram. Buttons push [`command::Command`]s that the app applies after the frame's UI.
//! Colours and sizes come from [`theme::Theme`]. The app never blocks: the lab, a capture and
//! a file being read run on their own threads; each frame drains their updates within a
//! small time budget and asks for another frame when more are waiting.

mod about;
mod app;
pub mod capture_view;
pub mod command;
pub mod compare_scale;
pub mod compare_view;
mod detail;
pub mod export;
pub mod file_dialog;
pub mod file_view;
pub mod fonts;
mod help;
pub mod lab_view;
pub mod lang;
mod legend;
pub mod lessons_view;
mod link_menu;
pub mod loader;
mod modal;
#[cfg(feature = "native-dialog")]
mod native_dialog;
pub mod presenter;
pub mod shared_lab;
pub mod status;
pub mod text;
pub mod theme;
mod timeline;
pub mod trace_pane;

pub use app::{GuiOptions, View, WirelabApp, run_gui};
