//! Dissection of whole connections: per-direction byte streams → trace events, and the
//! [`TraceBuilder`] that runs the pipeline (streams → [`ConnectionDissector`] → events →
//! [`BrowserApi`]).
//!
//! Pure and incremental: bytes are fed as they are observed, events come out as soon as the
//! bytes that complete them arrive. Never panics on any input; problems become
//! `diagnostic` events naming the broken rule.

mod browser_api;
mod builder;
mod connection;
pub mod tls;

pub use browser_api::BrowserApi;
pub use builder::TraceBuilder;
pub use connection::ConnectionDissector;
