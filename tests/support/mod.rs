//! Test helpers written once: each test file takes them with `mod support;` and uses the part
//! it needs.

pub mod capture;
pub mod dissect;
pub mod events;
pub mod facts;
pub mod fixtures;
pub mod gui;
pub mod lab;
pub mod lab_step;
pub mod rng;
pub mod sample;
pub mod source;
pub mod temp;
pub mod ws_wire;
