//! The one TCP-event classifier: which segments become `tcp_syn`, `tcp_syn_ack`, `tcp_ack`,
//! `tcp_fin` and `tcp_rst` events. Both the full reassembly and the live capture's
//! TCP-events-only mode use it (through [`super::Reassembler`]), and the tshark oracle test
//! (`tests/fixtures_tshark_tcp.rs`) checks it against real captures.

use super::segment::Segment;
use crate::trace::{EventKind, TcpSegment};

/// A packet event's kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum TcpEvent {
    Syn,
    SynAck,
    Ack,
    Fin,
    Rst,
}

impl TcpEvent {
    /// The event for a segment numbered `tcp`.
    pub(super) fn kind(self, tcp: TcpSegment) -> EventKind {
        match self {
            TcpEvent::Syn => EventKind::TcpSyn(tcp),
            TcpEvent::SynAck => EventKind::TcpSynAck(tcp),
            TcpEvent::Ack => EventKind::TcpAck(tcp),
            TcpEvent::Fin => EventKind::TcpFin(tcp),
            TcpEvent::Rst => EventKind::TcpRst(tcp),
        }
    }
}

/// Where the segment stands in its connection, as far as the classifier cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Context {
    /// The segment is the client's first after the server's SYN-ACK (the third segment of
    /// the handshake, RFC 9293 §3.5).
    pub(super) completes_handshake: bool,
    /// Its acknowledgement number covers the FIN the peer sent (RFC 9293 §3.6).
    pub(super) acks_peer_fin: bool,
}

/// The packet event `seg` is, if any. A segment with RST is a `tcp_rst` whatever else it
/// carries, SYN+ACK a `tcp_syn_ack`, SYN a `tcp_syn`, FIN a `tcp_fin`. Of the segments that
/// only acknowledge (no payload on the wire, [`Segment::is_pure_ack`]), two are drawn: the
/// one that completes the handshake, and every one that acknowledges the peer's FIN (a FIN
/// sent again must be acknowledged again, RFC 9293 §3.10.7.4 in TIME-WAIT). A segment that
/// carries data is drawn as its data, even when it also acknowledges.
pub(super) fn classify(seg: &Segment<'_>, at: Context) -> Option<TcpEvent> {
    let f = seg.flags;
    if f.rst {
        Some(TcpEvent::Rst)
    } else if f.syn && f.ack {
        Some(TcpEvent::SynAck)
    } else if f.syn {
        Some(TcpEvent::Syn)
    } else if f.fin {
        Some(TcpEvent::Fin)
    } else if seg.is_pure_ack() && (at.completes_handshake || at.acks_peer_fin) {
        Some(TcpEvent::Ack)
    } else {
        None
    }
}
