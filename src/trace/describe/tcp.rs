//! Notes for the TCP events (RFC 9293): the packets a capture shows (SYN, SYN-ACK, the ACK of
//! the handshake or of a FIN, FIN, RST) and what the socket tap sees instead (connect, accept,
//! EOF or close, "observed at the socket"). Written from the event's own fields: sequence and
//! acknowledgement numbers are relative to each side's initial sequence number.

use crate::proto::cite;
use crate::trace::{Dir, Event, EventKind, Observed, Side, TcpSegment};

/// Whether the trace also holds a connection's handshake packets, which decides what a socket
/// event's note says about them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Handshake {
    /// No packets of it were seen (the socket tap alone): a capture would show them.
    NotCaptured,
    /// Its SYN, SYN-ACK or ACK is in the trace before the socket event (packet+socket).
    Captured,
}

/// The note for a TCP event, or `None` for any other kind.
pub(super) fn note(kind: &EventKind, dir: Option<Dir>) -> Option<String> {
    note_with(kind, dir, Handshake::NotCaptured)
}

/// [`note`] for an event with the events before it: a socket tap's `connect()` or `accept()`
/// whose handshake packets are already in the trace says they are there, not that a capture
/// would show them. `None` when `note` says it all.
pub(super) fn note_in(before: &[Event], event: &Event) -> Option<String> {
    let (EventKind::TcpConnect { observed } | EventKind::TcpAccept { observed }) = &event.kind
    else {
        return None;
    };
    let conn = event.conn?;
    let captured = *observed == Observed::Socket
        && before.iter().rev().any(|e| {
            e.conn == Some(conn)
                && matches!(
                    e.kind,
                    EventKind::TcpSyn(_) | EventKind::TcpSynAck(_) | EventKind::TcpAck(_)
                )
        });
    if captured {
        note_with(&event.kind, event.dir, Handshake::Captured)
    } else {
        None
    }
}

fn note_with(kind: &EventKind, dir: Option<Dir>, handshake: Handshake) -> Option<String> {
    let text = match kind {
        EventKind::TcpSyn(s) => syn(s),
        EventKind::TcpSynAck(s) => syn_ack(s),
        EventKind::TcpAck(s) => ack(s),
        EventKind::TcpFin(s) => fin(s, dir),
        EventKind::TcpRst(s) => rst(s),
        EventKind::TcpConnect { observed } => socket(
            *observed,
            handshake,
            format!(
                "the client's connect() returned, so the three-way handshake (SYN, SYN-ACK, ACK) \
                 is done ({}).",
                cite::RFC9293_3_5
            ),
        ),
        EventKind::TcpAccept { observed } => socket(
            *observed,
            handshake,
            format!(
                "the server's accept() returned a connection whose three-way handshake the \
                 kernel had already completed ({}).",
                cite::RFC9293_3_5
            ),
        ),
        EventKind::TcpClose {
            observed,
            initiator,
        } => close(*observed, *initiator),
        _ => return None,
    };
    Some(text)
}

/// The sentence on sequence numbers every packet note shares.
fn numbers(s: &TcpSegment) -> String {
    format!(
        "seq {} and ack {} are relative: wirelab subtracts each side's initial sequence number \
         (ISN). Every data byte takes one sequence number, and so do the SYN and the FIN; ack N \
         means \"everything before N arrived, N comes next\" ({}).",
        s.seq,
        s.ack,
        cite::RFC9293_3_4
    )
}

/// The sentence on the receive window, when the packet carries one.
fn window(s: &TcpSegment) -> String {
    match s.window {
        Some(w) => format!(
            " Window {w}: how many more bytes, after ack, the sender of this packet can receive \
             now, as the raw header field (before any window scaling) ({}).",
            cite::RFC9293_3_8_6
        ),
        None => String::new(),
    }
}

fn syn(s: &TcpSegment) -> String {
    format!(
        "SYN, the first step of the three-way handshake: the client asks to open a connection \
         and announces its ISN ({}). On the wire the ISN is a 32-bit number picked per \
         connection from a clock and a secret hash, so that segments of an old connection are \
         not taken for this one and an off-path attacker cannot guess it ({}); relative seq {} \
         is that ISN. {}{}",
        cite::RFC9293_3_5,
        cite::RFC9293_3_4_1,
        s.seq,
        numbers(s),
        window(s)
    )
}

fn syn_ack(s: &TcpSegment) -> String {
    format!(
        "SYN-ACK, the second step of the handshake: the server sends its own SYN with its own \
         ISN (relative seq {}) and acknowledges the client's SYN: ack {} is the client's ISN + 1, \
         because the SYN took one sequence number ({}). {}{}",
        s.seq,
        s.ack,
        cite::RFC9293_3_5,
        numbers(s),
        window(s)
    )
}

fn ack(s: &TcpSegment) -> String {
    // wirelab keeps only two kinds of pure ACK: the one that completes the handshake (it
    // acknowledges the SYN, so ack 1) and one that acknowledges a FIN.
    if s.ack == 1 {
        format!(
            "ACK, the third step of the handshake: the client acknowledges the server's SYN \
             (ack {} = the server's ISN + 1). Both sides now know each other's ISN: the client \
             is ESTABLISHED since the SYN-ACK, the server once this arrives ({}). {}{}",
            s.ack,
            cite::RFC9293_3_5,
            numbers(s),
            window(s)
        )
    } else {
        format!(
            "ACK of a FIN: ack {} is one past the FIN, which took one sequence number. That \
             direction is now closed ({}). {}{}",
            s.ack,
            cite::RFC9293_3_6,
            numbers(s),
            window(s)
        )
    }
}

fn fin(s: &TcpSegment, dir: Option<Dir>) -> String {
    let who = match dir {
        Some(Dir::C2s) => "The client",
        Some(Dir::S2c) => "The server",
        None => "This side",
    };
    // Data starts at relative 1 (the SYN took 0), so the FIN's own number counts the bytes sent.
    let sent = (s.seq as u64 + s.len as u64).saturating_sub(1);
    format!(
        "FIN: {who} has no more data to send ({}); {sent} data bytes came before it in this \
         direction (seq {} + {} bytes in this segment − 1 for the SYN). Only this direction closes: the \
         other side may keep sending until its own FIN, a half-close ({}). The FIN takes one \
         sequence number, so its ACK says {}. The side that closes first ends in TIME-WAIT, \
         waiting twice the maximum segment lifetime (2 MSL) before the connection is forgotten, \
         so late segments cannot land in a new connection on the same ports ({}).{}",
        cite::RFC9293_3_6,
        s.seq,
        s.len,
        cite::RFC9293_3_6_1,
        s.seq as u64 + s.len as u64 + 1,
        cite::RFC9293_3_3_2,
        window(s)
    )
}

fn rst(s: &TcpSegment) -> String {
    format!(
        "RST: the sender aborts the connection at once, with no FIN exchange; data not yet \
         delivered is lost. A host sends one for a segment that belongs to no connection it has, \
         e.g. a SYN to a port nobody listens on ({}), or, on many systems, when its application \
         closes the socket with received data still unread ({}). Except in answer to a SYN, the \
         receiver accepts it only if its seq {} is within the receive window, then drops the \
         connection ({}).",
        cite::RFC9293_3_5_2,
        cite::RFC9293_3_6_1,
        s.seq,
        cite::RFC9293_3_5_3
    )
}

/// A socket-tap note: it says what the system call means, and where the handshake's packets
/// are: not seen by the tap, and either captured beside it or not captured at all.
fn socket(observed: Observed, handshake: Handshake, what: String) -> String {
    match (observed, handshake) {
        (Observed::Socket, Handshake::NotCaptured) => format!(
            "Observed at the socket: {what} The tap sees system calls, not packets; a packet \
             capture would show the SYN, SYN-ACK and ACK themselves."
        ),
        (Observed::Socket, Handshake::Captured) => format!(
            "Observed at the socket: {what} The handshake's packets above come from the packet \
             capture that ran beside the socket tap; the tap itself sees system calls, not \
             packets."
        ),
        (Observed::Packet, _) => capitalise(&what),
    }
}

fn close(observed: Observed, initiator: Option<Side>) -> String {
    let first = match initiator {
        Some(Side::Client) => {
            " The client ended first: the server read end-of-file (its read returned 0), which \
             is what the client's FIN looks like from above."
        }
        Some(Side::Server) => " The server closed its socket first.",
        None => "",
    };
    let wire = format!(
        "On the wire each side sends a FIN that the other acknowledges; each direction closes \
         on its own ({}), and the side that closed first waits in TIME-WAIT for 2 MSL ({}).",
        cite::RFC9293_3_6,
        cite::RFC9293_3_3_2
    );
    match observed {
        Observed::Socket => {
            format!("Observed at the socket: the connection is closed.{first} {wire}")
        }
        Observed::Packet => format!("The connection is closed.{first} {wire}"),
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly
mod tests {
    use super::*;

    fn seg(seq: u32, ack: u32, len: u32) -> TcpSegment {
        TcpSegment {
            seq,
            ack,
            window: Some(65535),
            len,
        }
    }

    #[test]
    fn handshake_notes_use_the_fields_and_cite_rfc_9293() {
        let syn = note(&EventKind::TcpSyn(seg(0, 0, 0)), Some(Dir::C2s)).unwrap();
        assert!(syn.contains("RFC 9293 §3.5") && syn.contains("RFC 9293 §3.4.1"));
        assert!(syn.contains("Window 65535"));
        let syn_ack = note(&EventKind::TcpSynAck(seg(0, 1, 0)), Some(Dir::S2c)).unwrap();
        assert!(syn_ack.contains("ack 1 is the client's ISN + 1"));
        let third = note(&EventKind::TcpAck(seg(1, 1, 0)), Some(Dir::C2s)).unwrap();
        assert!(third.contains("third step") && third.contains("ESTABLISHED"));
        let fin_ack = note(&EventKind::TcpAck(seg(848, 1712, 0)), Some(Dir::C2s)).unwrap();
        assert!(fin_ack.contains("ACK of a FIN: ack 1712"));
    }

    #[test]
    fn fin_counts_the_bytes_sent_and_names_half_close_and_time_wait() {
        let fin = note(&EventKind::TcpFin(seg(847, 1711, 0)), Some(Dir::C2s)).unwrap();
        assert!(fin.starts_with("FIN: The client has no more data"));
        assert!(fin.contains("846 data bytes came before it"));
        assert!(fin.contains("its ACK says 848"));
        assert!(fin.contains("RFC 9293 §3.6.1") && fin.contains("TIME-WAIT"));
    }

    #[test]
    fn rst_and_socket_events() {
        let rst = note(&EventKind::TcpRst(seg(5, 0, 0)), Some(Dir::S2c)).unwrap();
        assert!(rst.contains("RFC 9293 §3.5.2") && rst.contains("RFC 9293 §3.5.3"));
        for kind in [
            EventKind::TcpConnect {
                observed: Observed::Socket,
            },
            EventKind::TcpAccept {
                observed: Observed::Socket,
            },
            EventKind::TcpClose {
                observed: Observed::Socket,
                initiator: Some(Side::Client),
            },
        ] {
            let n = note(&kind, None).unwrap();
            assert!(n.starts_with("Observed at the socket"), "{n}");
        }
    }

    fn event(conn: u32, dir: Option<Dir>, kind: EventKind) -> Event {
        Event {
            t_us: 0,
            conn: Some(conn),
            dir,
            span: None,
            kind,
        }
    }

    #[test]
    fn a_socket_event_says_where_the_handshake_packets_are() {
        let connect = event(
            0,
            None,
            EventKind::TcpConnect {
                observed: Observed::Socket,
            },
        );
        let missing = "a packet capture would show the SYN, SYN-ACK and ACK themselves";
        let captured = "The handshake's packets above come from the packet capture";
        // The socket tap alone: nothing to add to the note.
        assert_eq!(note_in(&[], &connect), None);
        assert!(note(&connect.kind, None).unwrap().contains(missing));
        // packet+socket: the SYN is in the trace before connect().
        let syn = event(0, Some(Dir::C2s), EventKind::TcpSyn(seg(0, 0, 0)));
        let n = note_in(std::slice::from_ref(&syn), &connect).unwrap();
        assert!(n.contains(captured) && !n.contains(missing), "{n}");
        assert!(
            n.contains("the tap itself sees system calls, not packets"),
            "{n}"
        );
        // Another connection's packets do not count.
        let other = event(1, Some(Dir::C2s), EventKind::TcpSyn(seg(0, 0, 0)));
        assert_eq!(note_in(std::slice::from_ref(&other), &connect), None);
    }
}
