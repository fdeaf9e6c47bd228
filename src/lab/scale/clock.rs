//! `CLOCK_MONOTONIC`, which every process on one Linux machine shares: the event source stamps
//! an event with it in the server process and the load generator, another process, reads it
//! on arrival, so their difference is a delivery latency without clock synchronisation.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use rustix::time::{ClockId, clock_gettime};

/// Now, on `CLOCK_MONOTONIC`, in nanoseconds.
pub fn now_ns() -> u64 {
    let t = clock_gettime(ClockId::Monotonic);
    let secs = u64::try_from(t.tv_sec).unwrap_or_default();
    let nanos = u64::try_from(t.tv_nsec).unwrap_or_default();
    secs.saturating_mul(1_000_000_000).saturating_add(nanos)
}

/// An [`Instant`] on `CLOCK_MONOTONIC`, in nanoseconds: `std` reads that clock for `Instant`
/// on Linux but does not expose it, so both are read once, together, and `at` is placed by
/// its distance from that pair.
pub fn monotonic_ns(at: Instant) -> u64 {
    static ANCHOR: OnceLock<(Instant, u64)> = OnceLock::new();
    let &(instant, ns) = ANCHOR.get_or_init(|| (Instant::now(), now_ns()));
    let nanos = |d: Duration| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
    if at >= instant {
        ns.saturating_add(nanos(at - instant))
    } else {
        ns.saturating_sub(nanos(instant - at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_instant_lands_on_the_shared_clock() {
        let before = now_ns();
        let at = Instant::now();
        let placed = monotonic_ns(at);
        let after = now_ns();
        // The anchor is read after `at`, within the same few microseconds.
        assert!(placed + 1_000_000 >= before && placed <= after + 1_000_000);
        let later = monotonic_ns(at + Duration::from_millis(5));
        assert_eq!(later - placed, 5_000_000);
    }
}
