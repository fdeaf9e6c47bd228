//! The sequence diagram as pure data: which events become rows ([`rows`]), where rows and
//! lanes go ([`layout`]: time → y, lanes, idle-gap collapsing, culling).
//!
//! Pure: plain `f32` coordinates, no egui. The GUI paints what this module computes; so can
//! any other writer.

pub mod layout;
pub mod rows;
