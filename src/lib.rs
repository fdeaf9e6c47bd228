//! wirelab: makes the web's conversations visible.
//!
//! The pipeline (see ARCHITECTURE.md): sources ([`lab`]'s socket tap; packet capture later)
//! → per-connection byte streams → dissection ([`proto`], [`dissect`]) → [`trace`] → views
//! ([`ui`], [`report`]). [`proto`], [`dissect`] and [`trace`] are pure: no tokio, egui or pcap.

pub mod analysis;
pub mod capture;
pub mod cli;
pub mod diagram;
pub mod dissect;
pub mod lab;
pub mod proto;
pub mod reassembly;
pub mod report;
pub mod trace;
pub mod ui;
