//! Notes for the TCP events (RFC 9293): the packets a capture shows (SYN, SYN-ACK, the ACK of
//! the handshake or of a FIN, FIN, RST) and what the socket tap sees instead (connect, accept,
//! EOF or close, "observed at the socket"). Written from the event's own fields: sequence and
//! acknowledgement numbers are relative to each side's initial sequence number.

use crate::lang::Lang;
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

/// The note for a TCP event in `lang`, or `None` for any other kind.
pub(super) fn note(kind: &EventKind, dir: Option<Dir>, lang: Lang) -> Option<String> {
    note_with(kind, dir, Handshake::NotCaptured, lang)
}

/// [`note`] for an event with the events before it: a socket tap's `connect()` or `accept()`
/// whose handshake packets are already in the trace says they are there, not that a capture
/// would show them. `None` when `note` says it all.
pub(super) fn note_in(before: &[Event], event: &Event, lang: Lang) -> Option<String> {
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
        note_with(&event.kind, event.dir, Handshake::Captured, lang)
    } else {
        None
    }
}

fn note_with(
    kind: &EventKind,
    dir: Option<Dir>,
    handshake: Handshake,
    lang: Lang,
) -> Option<String> {
    let text = match kind {
        EventKind::TcpSyn(s) => syn(s, lang),
        EventKind::TcpSynAck(s) => syn_ack(s, lang),
        EventKind::TcpAck(s) => ack(s, lang),
        EventKind::TcpFin(s) => fin(s, dir, lang),
        EventKind::TcpRst(s) => rst(s, lang),
        EventKind::TcpConnect { observed } => socket(
            *observed,
            handshake,
            match lang {
                Lang::En => format!(
                    "the client's connect() returned, so the three-way handshake (SYN, SYN-ACK, \
                     ACK) is done ({}).",
                    cite::RFC9293_3_5
                ),
                Lang::Zh => format!(
                    "客户端的 connect() 已返回，说明三次握手（SYN、SYN-ACK、ACK）已经完成（{}）。",
                    cite::RFC9293_3_5
                ),
            },
            lang,
        ),
        EventKind::TcpAccept { observed } => socket(
            *observed,
            handshake,
            match lang {
                Lang::En => format!(
                    "the server's accept() returned a connection whose three-way handshake the \
                     kernel had already completed ({}).",
                    cite::RFC9293_3_5
                ),
                Lang::Zh => format!(
                    "服务器的 accept() 返回了一条连接，它的三次握手内核早已完成（{}）。",
                    cite::RFC9293_3_5
                ),
            },
            lang,
        ),
        EventKind::TcpClose {
            observed,
            initiator,
        } => close(*observed, *initiator, lang),
        _ => return None,
    };
    Some(text)
}

/// The sentence on sequence numbers every packet note shares.
fn numbers(s: &TcpSegment, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "seq {} and ack {} are relative: wirelab subtracts each side's initial sequence \
             number (ISN). Every data byte takes one sequence number, and so do the SYN and the \
             FIN; ack N means \"everything before N arrived, N comes next\" ({}).",
            s.seq,
            s.ack,
            cite::RFC9293_3_4
        ),
        Lang::Zh => format!(
            "seq {} 和 ack {} 是相对值：wirelab 减去了每一方的初始序号（ISN）。每个数据字节占一个\
             序号，SYN 和 FIN 也各占一个；ack N 的意思是“N 之前的字节都已收到，接下来期待的是 N”（{}）。",
            s.seq,
            s.ack,
            cite::RFC9293_3_4
        ),
    }
}

/// The sentence on the receive window, when the packet carries one.
fn window(s: &TcpSegment, lang: Lang) -> String {
    match (s.window, lang) {
        (Some(w), Lang::En) => format!(
            " Window {w}: how many more bytes, after ack, the sender of this packet can receive \
             now, as the raw header field (before any window scaling) ({}).",
            cite::RFC9293_3_8_6
        ),
        (Some(w), Lang::Zh) => format!(
            "窗口 {w}：这个报文段的发送方从 ack 起现在还能接收多少字节，是首部字段的原始值（未做窗口\
             缩放）（{}）。",
            cite::RFC9293_3_8_6
        ),
        (None, _) => String::new(),
    }
}

fn syn(s: &TcpSegment, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "SYN, the first step of the three-way handshake: the client asks to open a \
             connection and announces its ISN ({}). On the wire the ISN is a 32-bit number \
             picked per connection from a clock and a secret hash, so that segments of an old \
             connection are not taken for this one and an off-path attacker cannot guess it \
             ({}); relative seq {} is that ISN. {}{}",
            cite::RFC9293_3_5,
            cite::RFC9293_3_4_1,
            s.seq,
            numbers(s, lang),
            window(s, lang)
        ),
        Lang::Zh => format!(
            "SYN，三次握手的第一步：客户端请求建立连接，并告知自己的 ISN（{}）。在线路上，ISN 是每条\
             连接由时钟和一个秘密哈希选出的 32 位数，这样旧连接的报文段不会被当成这条连接的，不在\
             路径上的攻击者也猜不到它（{}）；相对 seq {} 就是这个 ISN。{}{}",
            cite::RFC9293_3_5,
            cite::RFC9293_3_4_1,
            s.seq,
            numbers(s, lang),
            window(s, lang)
        ),
    }
}

fn syn_ack(s: &TcpSegment, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "SYN-ACK, the second step of the handshake: the server sends its own SYN with its \
             own ISN (relative seq {}) and acknowledges the client's SYN: ack {} is the client's \
             ISN + 1, because the SYN took one sequence number ({}). {}{}",
            s.seq,
            s.ack,
            cite::RFC9293_3_5,
            numbers(s, lang),
            window(s, lang)
        ),
        Lang::Zh => format!(
            "SYN-ACK，握手的第二步：服务器发送自己的 SYN 和自己的 ISN（相对 seq {}），同时确认客户端\
             的 SYN：ack {} 是客户端的 ISN + 1，因为 SYN 占了一个序号（{}）。{}{}",
            s.seq,
            s.ack,
            cite::RFC9293_3_5,
            numbers(s, lang),
            window(s, lang)
        ),
    }
}

fn ack(s: &TcpSegment, lang: Lang) -> String {
    // wirelab keeps only two kinds of pure ACK: the one that completes the handshake (it
    // acknowledges the SYN, so ack 1) and one that acknowledges a FIN.
    match (s.ack == 1, lang) {
        (true, Lang::En) => format!(
            "ACK, the third step of the handshake: the client acknowledges the server's SYN \
             (ack {} = the server's ISN + 1). Both sides now know each other's ISN: the client \
             is ESTABLISHED since the SYN-ACK, the server once this arrives ({}). {}{}",
            s.ack,
            cite::RFC9293_3_5,
            numbers(s, lang),
            window(s, lang)
        ),
        (true, Lang::Zh) => format!(
            "ACK，握手的第三步：客户端确认服务器的 SYN（ack {} = 服务器的 ISN + 1）。现在双方都知道\
             对方的 ISN：客户端在收到 SYN-ACK 时就进入 ESTABLISHED 状态，服务器要等这个 \
             ACK 到达才进入（{}）。{}{}",
            s.ack,
            cite::RFC9293_3_5,
            numbers(s, lang),
            window(s, lang)
        ),
        (false, Lang::En) => format!(
            "ACK of a FIN: ack {} is one past the FIN, which took one sequence number. That \
             direction is now closed ({}). {}{}",
            s.ack,
            cite::RFC9293_3_6,
            numbers(s, lang),
            window(s, lang)
        ),
        (false, Lang::Zh) => format!(
            "对 FIN 的 ACK：ack {} 比 FIN 的序号大 1，因为 FIN 占了一个序号。那个方向现在关闭了\
             （{}）。{}{}",
            s.ack,
            cite::RFC9293_3_6,
            numbers(s, lang),
            window(s, lang)
        ),
    }
}

fn fin(s: &TcpSegment, dir: Option<Dir>, lang: Lang) -> String {
    // Data starts at relative 1 (the SYN took 0), so the FIN's own number counts the bytes sent.
    let sent = (s.seq as u64 + s.len as u64).saturating_sub(1);
    let acked = s.seq as u64 + s.len as u64 + 1;
    match lang {
        Lang::En => {
            let who = match dir {
                Some(Dir::C2s) => "The client",
                Some(Dir::S2c) => "The server",
                None => "This side",
            };
            format!(
                "FIN: {who} has no more data to send ({}); {sent} data bytes came before it in \
                 this direction (seq {} + {} bytes in this segment − 1 for the SYN). Only this \
                 direction closes: the other side may keep sending until its own FIN, a \
                 half-close ({}). The FIN takes one sequence number, so its ACK says {acked}. \
                 The side that closes first ends in TIME-WAIT, waiting twice the maximum \
                 segment lifetime (2 MSL) before the connection is forgotten, so late segments \
                 cannot land in a new connection on the same ports ({}).{}",
                cite::RFC9293_3_6,
                s.seq,
                s.len,
                cite::RFC9293_3_6_1,
                cite::RFC9293_3_3_2,
                window(s, lang)
            )
        }
        Lang::Zh => {
            let who = match dir {
                Some(Dir::C2s) => "客户端",
                Some(Dir::S2c) => "服务器",
                None => "这一方",
            };
            format!(
                "FIN：{who}没有更多数据要发送了（{}）；这个方向在它之前共发送了 {sent} 字节数据（seq {} \
                 + 本报文段的 {} 字节 − SYN 占的 1）。只有这个方向关闭：另一方在发出自己的 FIN 之前\
                 仍可继续发送，这就是半关闭（{}）。FIN 占一个序号，所以对它的 ACK 是 {acked}。先关闭\
                 的一方最后进入 TIME-WAIT，等待两倍的最大报文段生存时间（2 MSL）后才丢弃这条连接，\
                 使迟到的报文段不会落进同一对端口上的新连接（{}）。这是四次挥手的一部分。{}",
                cite::RFC9293_3_6,
                s.seq,
                s.len,
                cite::RFC9293_3_6_1,
                cite::RFC9293_3_3_2,
                window(s, lang)
            )
        }
    }
}

fn rst(s: &TcpSegment, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "RST: the sender aborts the connection at once, with no FIN exchange; data not yet \
             delivered is lost. A host sends one for a segment that belongs to no connection it \
             has, e.g. a SYN to a port nobody listens on ({}), or, on many systems, when its \
             application closes the socket with received data still unread ({}). Except in \
             answer to a SYN, the receiver accepts it only if its seq {} is within the receive \
             window, then drops the connection ({}).",
            cite::RFC9293_3_5_2,
            cite::RFC9293_3_6_1,
            s.seq,
            cite::RFC9293_3_5_3
        ),
        Lang::Zh => format!(
            "RST：发送方立即中止连接，不经过 FIN 交换；尚未交付的数据会丢失。主机收到不属于任何\
             现有连接的报文段时会发送 RST，例如发往无人监听端口的 SYN（{}）；在许多系统上，应用\
             在还有已收到但未读取的数据时关闭套接字，也会发送 RST（{}）。除了回应 SYN 的情况，\
             接收方只有在它的 seq {} 落在接收窗口内时才接受它，然后丢弃这条连接（{}）。",
            cite::RFC9293_3_5_2,
            cite::RFC9293_3_6_1,
            s.seq,
            cite::RFC9293_3_5_3
        ),
    }
}

/// A socket-tap note: it says what the system call means, and where the handshake's packets
/// are: not seen by the tap, and either captured beside it or not captured at all.
fn socket(observed: Observed, handshake: Handshake, what: String, lang: Lang) -> String {
    match (observed, handshake, lang) {
        (Observed::Socket, Handshake::NotCaptured, Lang::En) => format!(
            "Observed at the socket: {what} The tap sees system calls, not packets; a packet \
             capture would show the SYN, SYN-ACK and ACK themselves."
        ),
        (Observed::Socket, Handshake::NotCaptured, Lang::Zh) => format!(
            "在套接字层观察到：{what}探针看到的是系统调用，不是报文段；抓包才能看到 SYN、SYN-ACK \
             和 ACK 本身。"
        ),
        (Observed::Socket, Handshake::Captured, Lang::En) => format!(
            "Observed at the socket: {what} The handshake's packets above come from the packet \
             capture that ran beside the socket tap; the tap itself sees system calls, not \
             packets."
        ),
        (Observed::Socket, Handshake::Captured, Lang::Zh) => format!(
            "在套接字层观察到：{what}上面握手的报文段来自与套接字探针同时运行的抓包；探针本身看到\
             的是系统调用，不是报文段。"
        ),
        (Observed::Packet, _, Lang::En) => capitalise(&what),
        (Observed::Packet, _, Lang::Zh) => what,
    }
}

fn close(observed: Observed, initiator: Option<Side>, lang: Lang) -> String {
    match lang {
        Lang::En => {
            let first = match initiator {
                Some(Side::Client) => {
                    " The client ended first: the server read end-of-file (its read returned \
                     0), which is what the client's FIN looks like from above."
                }
                Some(Side::Server) => " The server closed its socket first.",
                None => "",
            };
            let wire = format!(
                "On the wire each side sends a FIN that the other acknowledges; each direction \
                 closes on its own ({}), and the side that closed first waits in TIME-WAIT for \
                 2 MSL ({}).",
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
        Lang::Zh => {
            let first = match initiator {
                Some(Side::Client) => {
                    "客户端先结束：服务器读到了文件结束（read 返回 0），从上层看，客户端的 FIN 就是\
                     这个样子。"
                }
                Some(Side::Server) => "服务器先关闭了它的套接字。",
                None => "",
            };
            let wire = format!(
                "在线路上，每一方各发一个 FIN，由另一方确认（四次挥手）；两个方向各自关闭（{}），先\
                 关闭的一方在 TIME-WAIT 中等待 2 MSL（{}）。",
                cite::RFC9293_3_6,
                cite::RFC9293_3_3_2
            );
            match observed {
                Observed::Socket => format!("在套接字层观察到：连接已关闭。{first}{wire}"),
                Observed::Packet => format!("连接已关闭。{first}{wire}"),
            }
        }
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
        let syn = note(
            &EventKind::TcpSyn(seg(0, 0, 0)),
            Some(Dir::C2s),
            crate::lang::Lang::En,
        )
        .unwrap();
        assert!(syn.contains("RFC 9293 §3.5") && syn.contains("RFC 9293 §3.4.1"));
        assert!(syn.contains("Window 65535"));
        let syn_ack = note(
            &EventKind::TcpSynAck(seg(0, 1, 0)),
            Some(Dir::S2c),
            crate::lang::Lang::En,
        )
        .unwrap();
        assert!(syn_ack.contains("ack 1 is the client's ISN + 1"));
        let third = note(
            &EventKind::TcpAck(seg(1, 1, 0)),
            Some(Dir::C2s),
            crate::lang::Lang::En,
        )
        .unwrap();
        assert!(third.contains("third step") && third.contains("ESTABLISHED"));
        let fin_ack = note(
            &EventKind::TcpAck(seg(848, 1712, 0)),
            Some(Dir::C2s),
            crate::lang::Lang::En,
        )
        .unwrap();
        assert!(fin_ack.contains("ACK of a FIN: ack 1712"));
    }

    #[test]
    fn fin_counts_the_bytes_sent_and_names_half_close_and_time_wait() {
        let fin = note(
            &EventKind::TcpFin(seg(847, 1711, 0)),
            Some(Dir::C2s),
            crate::lang::Lang::En,
        )
        .unwrap();
        assert!(fin.starts_with("FIN: The client has no more data"));
        assert!(fin.contains("846 data bytes came before it"));
        assert!(fin.contains("its ACK says 848"));
        assert!(fin.contains("RFC 9293 §3.6.1") && fin.contains("TIME-WAIT"));
    }

    #[test]
    fn rst_and_socket_events() {
        let rst = note(
            &EventKind::TcpRst(seg(5, 0, 0)),
            Some(Dir::S2c),
            crate::lang::Lang::En,
        )
        .unwrap();
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
            let n = note(&kind, None, crate::lang::Lang::En).unwrap();
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
        assert_eq!(note_in(&[], &connect, crate::lang::Lang::En), None);
        assert!(
            note(&connect.kind, None, crate::lang::Lang::En)
                .unwrap()
                .contains(missing)
        );
        // packet+socket: the SYN is in the trace before connect().
        let syn = event(0, Some(Dir::C2s), EventKind::TcpSyn(seg(0, 0, 0)));
        let n = note_in(std::slice::from_ref(&syn), &connect, crate::lang::Lang::En).unwrap();
        assert!(n.contains(captured) && !n.contains(missing), "{n}");
        assert!(
            n.contains("the tap itself sees system calls, not packets"),
            "{n}"
        );
        // Another connection's packets do not count.
        let other = event(1, Some(Dir::C2s), EventKind::TcpSyn(seg(0, 0, 0)));
        assert_eq!(
            note_in(
                std::slice::from_ref(&other),
                &connect,
                crate::lang::Lang::En
            ),
            None
        );
    }
}
