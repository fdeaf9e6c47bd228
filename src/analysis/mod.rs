//! Pure functions of a [`Trace`](crate::trace::Trace): the connection list and its filters
//! ([`connections`]), what each push technique cost on the wire ([`metrics`]), the four
//! push techniques side by side, with delivery order and latency ([`compare`]), and the
//! Compare view's series over time ([`series`]).

pub mod compare;
pub mod connections;
pub mod metrics;
pub mod series;
