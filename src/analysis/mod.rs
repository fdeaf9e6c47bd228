//! Pure functions of a [`Trace`](crate::trace::Trace): the connection list and its filters
//! ([`connections`]), what each push technique cost on the wire ([`metrics`]), and the four
//! push techniques side by side, with delivery order and latency ([`compare`]).

pub mod compare;
pub mod connections;
pub mod metrics;
