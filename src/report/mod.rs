//! Text views of a trace: the annotated terminal timeline.

pub mod terminal;
