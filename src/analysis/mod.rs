//! Pure functions of a [`Trace`](crate::trace::Trace): the connection list and its filters
//! ([`connections`]), and what each push technique cost on the wire ([`metrics`]).

pub mod connections;
pub mod metrics;
