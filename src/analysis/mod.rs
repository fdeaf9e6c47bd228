//! Pure functions of a [`Trace`](crate::trace::Trace): the connection list and its filters
//! ([`connections`]).

pub mod connections;
