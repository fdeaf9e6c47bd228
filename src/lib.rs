//! wirelab: makes the web's conversations visible.
//!
//! The pipeline (see ARCHITECTURE.md): sources ([`lab`]'s socket tap, [`capture`]'s packets)
//! → [`reassembly`] (per-connection byte streams) → dissection ([`proto`], [`dissect`]) →
//! [`trace`] → views ([`diagram`], [`analysis`], [`ui`], [`report`]). [`proto`], [`trace`],
//! [`reassembly`], [`dissect`], [`diagram`] and [`analysis`] are pure: no tokio, egui, pcap or
//! clock (`tests/layering.rs` keeps it so).

pub mod analysis;
pub mod capture;
pub mod cli;
pub mod diagram;
pub mod dissect;
pub mod export;
pub mod lab;
pub mod lang;
pub mod lesson;
pub mod proto;
pub mod reassembly;
pub mod report;
pub mod trace;
pub mod ui;
