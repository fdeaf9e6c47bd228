//! What reassembly consumes: one TCP segment as a packet decoder produces it, and the key that
//! maps both directions of a connection to one flow.

use std::net::SocketAddr;

/// The TCP flags wirelab cares about.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TcpFlags {
    /// SYN.
    pub syn: bool,
    /// ACK.
    pub ack: bool,
    /// FIN.
    pub fin: bool,
    /// RST.
    pub rst: bool,
}

/// One TCP segment decoded from a packet; the payload borrows the captured frame. The
/// capture time is passed beside it ([`crate::reassembly::Reassembler::push`]): decoding a
/// frame does not need to know when it was seen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment<'a> {
    /// Sender.
    pub src: SocketAddr,
    /// Receiver.
    pub dst: SocketAddr,
    /// Absolute sequence number.
    pub seq: u32,
    /// Absolute acknowledgement number (meaningful when `flags.ack`).
    pub ack: u32,
    /// Flags.
    pub flags: TcpFlags,
    /// Receive window (unscaled).
    pub window: u16,
    /// TCP payload as captured (may be shorter than on the wire if the snaplen cut it).
    pub payload: &'a [u8],
    /// Payload length on the wire (from the IP header); more than `payload.len()` when cut.
    pub wire_len: u32,
    /// The packet's length from the IP header onwards, as its IP header gives it (IPv4: the
    /// total length; IPv6: the 40-byte header plus the payload length): what the link
    /// carried above its own header, for the metrics' `ip_bytes`.
    pub ip_len: u32,
}

impl Segment<'_> {
    /// Whether the segment carries no payload on the wire and no SYN, FIN or RST: it only
    /// acknowledges (or updates the window).
    pub fn is_pure_ack(&self) -> bool {
        let f = self.flags;
        !(f.syn || f.fin || f.rst) && self.payload.is_empty() && self.wire_len == 0
    }
}

/// A connection's 4-tuple in a canonical order (the lower address first), so that both
/// directions map to one key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FlowKey {
    /// The lower of the two socket addresses.
    pub low: SocketAddr,
    /// The higher of the two socket addresses.
    pub high: SocketAddr,
}

impl FlowKey {
    /// The key of the connection between `a` and `b`, in either direction.
    pub fn of(a: SocketAddr, b: SocketAddr) -> FlowKey {
        if a <= b {
            FlowKey { low: a, high: b }
        } else {
            FlowKey { low: b, high: a }
        }
    }
}
