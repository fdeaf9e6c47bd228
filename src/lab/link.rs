//! Link emulation in the lab's own path: added one-way delay, a bandwidth limit and simulated
//! loss, per direction, emulated at the socket.
//!
//! Only the conditions are defined here so far; the relay that applies them is being built
//! (issue "Compare").

use std::time::Duration;

/// The conditions of an emulated link, the same in both directions. The default is no
/// emulation at all (the plain loopback).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LinkConditions {
    /// Added one-way delay in each direction.
    pub delay: Duration,
    /// Bandwidth limit in each direction, in kilobits per second (1 kbit = 1000 bits);
    /// `None` for no limit.
    pub rate_kbps: Option<u32>,
    /// Simulated loss, in tenths of a percent of the bytes sent (5 = 0.5 %). A relay cannot
    /// drop TCP segments (both kernels acknowledge and retransmit underneath it), so a loss is
    /// shown as a retransmission stall: the stream is held for about one RTO plus the RTT.
    pub loss_permille: u16,
}

impl LinkConditions {
    /// Whether these conditions change anything.
    pub fn is_emulated(&self) -> bool {
        *self != LinkConditions::default()
    }
}
