//! Link-layer frames → TCP segments, via etherparse (lax, so cut-off packets still yield what
//! they hold). Pure.

use std::net::{IpAddr, SocketAddr};

use etherparse::{EtherType, LaxNetSlice, LaxSlicedPacket, TransportSlice};

use crate::reassembly::TcpFlags;

/// The link types wirelab reads (libpcap's LINKTYPE_* values).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkType {
    /// 1: Ethernet (Linux `lo` too, with zeroed MACs).
    Ethernet,
    /// 0: BSD loopback, 4-byte address family in the capturing host's byte order (macOS `lo0`).
    Null,
    /// 108: OpenBSD loopback, address family in network byte order.
    Loop,
    /// 113: Linux "cooked" capture v1 (`-i any`).
    LinuxSll,
    /// 276: Linux "cooked" capture v2.
    LinuxSll2,
    /// 101 (and 12/14 on some systems): raw IPv4/IPv6.
    Raw,
    /// 228: raw IPv4.
    Ipv4,
    /// 229: raw IPv6.
    Ipv6,
}

impl LinkType {
    /// The link type for a libpcap link-type number, if supported.
    pub fn from_linktype(value: i32) -> Option<LinkType> {
        Some(match value {
            1 => LinkType::Ethernet,
            0 => LinkType::Null,
            108 => LinkType::Loop,
            113 => LinkType::LinuxSll,
            276 => LinkType::LinuxSll2,
            101 | 12 | 14 => LinkType::Raw,
            228 => LinkType::Ipv4,
            229 => LinkType::Ipv6,
            _ => return None,
        })
    }
}

/// One TCP segment decoded from a frame; the payload borrows the frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TcpPacket<'a> {
    /// Sender.
    pub src: SocketAddr,
    /// Receiver.
    pub dst: SocketAddr,
    /// Sequence number.
    pub seq: u32,
    /// Acknowledgement number.
    pub ack: u32,
    /// Flags.
    pub flags: TcpFlags,
    /// Window (unscaled).
    pub window: u16,
    /// The payload bytes captured.
    pub payload: &'a [u8],
    /// The payload length on the wire, from the IP header.
    pub wire_len: u32,
}

impl<'a> TcpPacket<'a> {
    /// The segment for the reassembler, seen at `t_us`.
    pub fn at(&self, t_us: i64) -> crate::reassembly::Segment<'a> {
        crate::reassembly::Segment {
            t_us,
            src: self.src,
            dst: self.dst,
            seq: self.seq,
            ack: self.ack,
            flags: self.flags,
            window: self.window,
            payload: self.payload,
            wire_len: self.wire_len,
        }
    }
}

/// What a frame held.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decoded<'a> {
    /// A TCP segment.
    Tcp(TcpPacket<'a>),
    /// Something else (ARP, UDP, ICMP, ...): not part of any conversation wirelab draws.
    NotTcp,
}

/// Why a frame could not be decoded.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    /// The frame is shorter than its link-layer header.
    #[error("frame of {len} bytes is shorter than its {link:?} header")]
    ShortLinkHeader {
        /// The link type.
        link: LinkType,
        /// The frame's captured length.
        len: usize,
    },
    /// The IP or TCP header is malformed or cut off.
    #[error("malformed or cut-off packet: {0}")]
    Malformed(String),
}

/// Decodes one frame of link type `link`.
pub fn decode(link: LinkType, frame: &[u8]) -> Result<Decoded<'_>, DecodeError> {
    let short = || DecodeError::ShortLinkHeader {
        link,
        len: frame.len(),
    };
    let sliced = match link {
        LinkType::Ethernet => LaxSlicedPacket::from_ethernet(frame)
            .map_err(|e| DecodeError::Malformed(e.to_string()))?,
        LinkType::Null | LinkType::Loop => {
            // The 4-byte address family's byte order depends on the capturing host; the IP
            // version nibble that follows says the same thing unambiguously.
            let ip = frame.get(4..).ok_or_else(short)?;
            from_ip(ip)?
        }
        LinkType::LinuxSll => {
            let proto = frame.get(14..16).ok_or_else(short)?;
            let rest = frame.get(16..).ok_or_else(short)?;
            LaxSlicedPacket::from_ether_type(
                EtherType(u16::from_be_bytes([proto[0], proto[1]])),
                rest,
            )
        }
        LinkType::LinuxSll2 => {
            let proto = frame.get(0..2).ok_or_else(short)?;
            let rest = frame.get(20..).ok_or_else(short)?;
            LaxSlicedPacket::from_ether_type(
                EtherType(u16::from_be_bytes([proto[0], proto[1]])),
                rest,
            )
        }
        LinkType::Raw | LinkType::Ipv4 | LinkType::Ipv6 => from_ip(frame)?,
    };
    let (src_ip, dst_ip, ip_payload_len) = match &sliced.net {
        Some(LaxNetSlice::Ipv4(v4)) => {
            let h = v4.header();
            let p = v4.payload();
            let claimed = u32::from(h.total_len()).saturating_sub(u32::from(h.ihl()) * 4);
            (
                IpAddr::V4(h.source_addr()),
                IpAddr::V4(h.destination_addr()),
                ip_payload_wire_len(p, claimed),
            )
        }
        Some(LaxNetSlice::Ipv6(v6)) => {
            let h = v6.header();
            let p = v6.payload();
            let claimed = u32::from(h.payload_length());
            (
                IpAddr::V6(h.source_addr()),
                IpAddr::V6(h.destination_addr()),
                ip_payload_wire_len(p, claimed),
            )
        }
        _ => {
            // No IP layer: either something else (ARP, ...) or an IP header etherparse
            // refused, which is a malformed packet, not "not TCP".
            return match &sliced.stop_err {
                Some((err, _)) => Err(DecodeError::Malformed(err.to_string())),
                None => Ok(Decoded::NotTcp),
            };
        }
    };
    let tcp = match &sliced.transport {
        Some(TransportSlice::Tcp(tcp)) => tcp,
        Some(_) => return Ok(Decoded::NotTcp),
        None => {
            return match &sliced.stop_err {
                Some((err, _)) => Err(DecodeError::Malformed(err.to_string())),
                None => Ok(Decoded::NotTcp),
            };
        }
    };
    let header_len = u32::from(tcp.data_offset()) * 4;
    let payload = tcp.payload();
    let wire_len = ip_payload_len
        .saturating_sub(header_len)
        .max(payload.len() as u32);
    Ok(Decoded::Tcp(TcpPacket {
        src: SocketAddr::new(src_ip, tcp.source_port()),
        dst: SocketAddr::new(dst_ip, tcp.destination_port()),
        seq: tcp.sequence_number(),
        ack: tcp.acknowledgment_number(),
        flags: TcpFlags {
            syn: tcp.syn(),
            ack: tcp.ack(),
            fin: tcp.fin(),
            rst: tcp.rst(),
        },
        window: tcp.window_size(),
        payload,
        wire_len,
    }))
}

fn from_ip(ip: &[u8]) -> Result<LaxSlicedPacket<'_>, DecodeError> {
    LaxSlicedPacket::from_ip(ip).map_err(|e| DecodeError::Malformed(e.to_string()))
}

/// The IP payload's length on the wire: what was captured, or, when the capture cut the
/// packet short, what the IP header claims (`claimed`, for IPv6 including any extension
/// headers — close enough for a "cut by the snap length" report).
fn ip_payload_wire_len(p: &etherparse::LaxIpPayloadSlice<'_>, claimed: u32) -> u32 {
    if p.incomplete {
        claimed
    } else {
        p.payload.len() as u32
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly
mod tests {
    use super::*;
    use etherparse::PacketBuilder;

    fn tcp_over_ipv4(payload: &[u8]) -> Vec<u8> {
        let builder = PacketBuilder::ipv4([127, 0, 0, 1], [127, 0, 0, 2], 64)
            .tcp(50000, 8088, 1234, 4096)
            .ack(99)
            .psh();
        let mut out = Vec::new();
        builder.write(&mut out, payload).expect("writing to a Vec");
        out
    }

    #[test]
    fn every_link_type() {
        let ip = tcp_over_ipv4(b"hello");
        let mut eth = vec![0u8; 12];
        eth.extend_from_slice(&[0x08, 0x00]);
        eth.extend_from_slice(&ip);
        let mut null = 2u32.to_le_bytes().to_vec();
        null.extend_from_slice(&ip);
        let mut sll = vec![0u8; 14];
        sll.extend_from_slice(&[0x08, 0x00]);
        sll.extend_from_slice(&ip);
        let mut sll2 = vec![0x08, 0x00];
        sll2.extend_from_slice(&[0u8; 18]);
        sll2.extend_from_slice(&ip);
        for (link, frame) in [
            (LinkType::Ethernet, &eth),
            (LinkType::Null, &null),
            (LinkType::Loop, &null),
            (LinkType::LinuxSll, &sll),
            (LinkType::LinuxSll2, &sll2),
            (LinkType::Raw, &ip),
        ] {
            match decode(link, frame) {
                Ok(Decoded::Tcp(t)) => {
                    assert_eq!(t.payload, b"hello", "{link:?}");
                    assert_eq!(t.src, "127.0.0.1:50000".parse().expect("addr"));
                    assert_eq!((t.seq, t.ack, t.flags.ack, t.wire_len), (1234, 99, true, 5));
                }
                other => panic!("{link:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn ipv6_and_truncation() {
        let builder = PacketBuilder::ipv6([0; 16], [1; 16], 64).tcp(1, 2, 3, 4);
        let mut ip = Vec::new();
        builder.write(&mut ip, b"abcdef").expect("writing to a Vec");
        assert!(
            matches!(decode(LinkType::Raw, &ip), Ok(Decoded::Tcp(t)) if t.payload == b"abcdef")
        );
        // Cut by a snap length: payload shorter than on the wire.
        let cut = &ip[..ip.len() - 4];
        // The IPv6 header still claims 20 + 6 bytes: the segment is shown with what was
        // captured, and its length on the wire.
        match decode(LinkType::Raw, cut) {
            Ok(Decoded::Tcp(t)) => {
                assert_eq!(t.payload, b"ab");
                assert_eq!(t.wire_len, 6);
            }
            other => panic!("a cut segment is still a segment: {other:?}"),
        }
        // Every prefix of every frame: never a panic.
        for len in 0..ip.len() {
            let _ = decode(LinkType::Raw, &ip[..len]);
            let _ = decode(LinkType::LinuxSll2, &ip[..len]);
        }
        assert!(decode(LinkType::Ethernet, &[1, 2, 3]).is_err());
    }
}
