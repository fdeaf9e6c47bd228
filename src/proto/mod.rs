//! Pure protocol dissectors with byte ranges: the teaching surface.
//!
//! Every parser is incremental: `Ok(None)` means "need more bytes". None of them does I/O.

pub mod http;
pub mod rule;
pub mod ws;
