//! Where reassembly delivers what it finds: the [`StreamSink`] trait. Reassembly only knows the
//! data model (`trace`); whoever consumes the streams (the dissecting `TraceBuilder`, or the
//! live capture's TCP-events-only mode) implements it.

use std::net::SocketAddr;

use crate::trace::{Dir, Event};

/// How a connection's observation begins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnectionStart {
    /// With its handshake (a SYN or SYN-ACK was seen): the streams start at their first byte.
    Handshake,
    /// In its middle (no SYN seen): the first bytes may be anywhere in a message, and client
    /// and server were guessed from the ports.
    MidConnection,
}

/// Receives, in order, what reassembly makes of the packets: connections, the bytes of each
/// direction (in stream order, each byte once), holes, ends of streams, and events (the
/// `tcp_*` packet events and diagnostics about the packets).
pub trait StreamSink {
    /// A new connection between `client` and `server`; returns the id its other calls use.
    fn open_connection(
        &mut self,
        client: SocketAddr,
        server: SocketAddr,
        start: ConnectionStart,
    ) -> u32;

    /// A packet event or a diagnostic about the packets (it names its connection).
    fn event(&mut self, event: Event);

    /// The next `bytes` of direction `dir` of `conn`, delivered at `t_us`.
    fn bytes(&mut self, conn: u32, dir: Dir, t_us: i64, bytes: &[u8]);

    /// `missing` bytes of `dir` of `conn` were never seen: the next bytes follow a hole.
    fn gap(&mut self, conn: u32, dir: Dir, t_us: i64, missing: u64);

    /// Direction `dir` of `conn` ended (its FIN was reached, or the capture ended).
    fn end(&mut self, conn: u32, dir: Dir, t_us: i64);

    /// A packet of direction `dir` of `conn`, `ip_len` bytes from its IP header on (every
    /// segment of a followed connection, before its bytes or events). Ignored by default.
    fn packet(&mut self, conn: u32, dir: Dir, ip_len: u32) {
        let _ = (conn, dir, ip_len);
    }
}
