//! Test helpers written once: each test file takes them with `mod support;` and uses the part
//! it needs.

pub mod capture;
pub mod lab_step;
pub mod sample;
