//! Link-layer frames → TCP segments, via etherparse (lax, so cut-off packets still yield what
//! they hold). Pure.

use std::net::{IpAddr, SocketAddr};

use etherparse::{EtherType, LaxNetSlice, LaxSlicedPacket, TransportSlice};

use crate::reassembly::{Segment, TcpFlags};

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

/// What a frame held.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decoded<'a> {
    /// A TCP segment, as reassembly consumes it.
    Tcp(Segment<'a>),
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
///
/// The frames loopback captures are made of (Ethernet, IPv4 without fragmentation, TCP,
/// captured whole) take a shortcut: etherparse's general slicing copies its large result
/// around several times per packet, which made it a third of a file reader's time. Anything
/// else goes through etherparse; a test checks that the two agree.
pub fn decode(link: LinkType, frame: &[u8]) -> Result<Decoded<'_>, DecodeError> {
    match decode_ipv4_tcp(link, frame) {
        Some(tcp) => Ok(Decoded::Tcp(tcp)),
        None => decode_sliced(link, frame),
    }
}

/// [`decode`] by etherparse's general (lax) slicing.
fn decode_sliced(link: LinkType, frame: &[u8]) -> Result<Decoded<'_>, DecodeError> {
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
    let (src_ip, dst_ip, ip_payload_len, ip_len) = match &sliced.net {
        Some(LaxNetSlice::Ipv4(v4)) => {
            let h = v4.header();
            let p = v4.payload();
            let claimed = u32::from(h.total_len()).saturating_sub(u32::from(h.ihl()) * 4);
            (
                IpAddr::V4(h.source_addr()),
                IpAddr::V4(h.destination_addr()),
                ip_payload_wire_len(p, claimed),
                // 0 in captures of segmentation offload: the header and what followed it.
                match h.total_len() {
                    0 => u32::from(h.ihl()) * 4 + ip_payload_wire_len(p, claimed),
                    total => u32::from(total),
                },
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
                IPV6_HEADER_LEN + claimed,
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
    Ok(Decoded::Tcp(Segment {
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
        ip_len,
    }))
}

/// The shortcut of [`decode`]: `None` when the frame is anything but Ethernet + a
/// complete, unfragmented IPv4 packet + a TCP header that fits in it.
fn decode_ipv4_tcp(link: LinkType, frame: &[u8]) -> Option<Segment<'_>> {
    if link != LinkType::Ethernet || frame.get(12..14)? != [0x08, 0x00] {
        return None;
    }
    let ip = frame.get(14..)?;
    let b = |i: usize| ip.get(i).copied();
    let be16 = |i: usize| Some(u16::from_be_bytes([b(i)?, b(i + 1)?]));
    let first = b(0)?;
    let ihl = usize::from(first & 0x0f) * 4;
    let total = usize::from(be16(2)?);
    // Version 4, a valid header, the whole packet captured (Ethernet padding may follow),
    // not a fragment (MF clear, offset 0), TCP.
    if first >> 4 != 4 || ihl < 20 || total < ihl || total > ip.len() {
        return None;
    }
    if be16(6)? & 0x3fff != 0 || b(9)? != 6 {
        return None;
    }
    let tcp = ip.get(ihl..total)?;
    let t = |i: usize| tcp.get(i).copied();
    let header_len = usize::from(t(12)? >> 4) * 4;
    if header_len < 20 || header_len > tcp.len() {
        return None;
    }
    let src_ip = std::net::Ipv4Addr::new(b(12)?, b(13)?, b(14)?, b(15)?);
    let dst_ip = std::net::Ipv4Addr::new(b(16)?, b(17)?, b(18)?, b(19)?);
    let th16 = |i: usize| Some(u16::from_be_bytes([t(i)?, t(i + 1)?]));
    let th32 = |i: usize| Some(u32::from_be_bytes([t(i)?, t(i + 1)?, t(i + 2)?, t(i + 3)?]));
    let flags = t(13)?;
    let payload = tcp.get(header_len..)?;
    Some(Segment {
        src: SocketAddr::new(src_ip.into(), th16(0)?),
        dst: SocketAddr::new(dst_ip.into(), th16(2)?),
        seq: th32(4)?,
        ack: th32(8)?,
        flags: TcpFlags {
            syn: flags & 0x02 != 0,
            ack: flags & 0x10 != 0,
            fin: flags & 0x01 != 0,
            rst: flags & 0x04 != 0,
        },
        window: th16(14)?,
        payload,
        wire_len: u32::try_from(payload.len()).ok()?,
        ip_len: u32::try_from(total).ok()?,
    })
}

/// The fixed IPv6 header, which the payload length does not count.
const IPV6_HEADER_LEN: u32 = 40;

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

    /// The captures of `../shared/fixtures`: classic little-endian pcap files of Ethernet frames.
    fn fixtures() -> Vec<std::path::PathBuf> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("fixtures directory")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "pcap"))
            .collect();
        files.sort();
        assert!(!files.is_empty());
        files
    }

    /// The frames of a classic little-endian pcap file (an independent walk of its records).
    fn frames_of(bytes: &[u8]) -> Vec<Vec<u8>> {
        let word = |i: usize| u32::from_le_bytes(bytes[i..i + 4].try_into().expect("4 bytes"));
        assert_eq!(word(0), 0xa1b2_c3d4, "a little-endian microsecond pcap");
        assert_eq!(word(20), 1, "Ethernet");
        let mut out = Vec::new();
        let mut at = 24;
        while at + 16 <= bytes.len() {
            let caplen = word(at + 8) as usize;
            out.push(bytes[at + 16..at + 16 + caplen].to_vec());
            at += 16 + caplen;
        }
        out
    }

    /// Frames that take the shortcut and frames that must not: the shortcut agrees with
    /// etherparse on everything it accepts.
    #[test]
    fn the_ipv4_shortcut_decodes_like_etherparse() {
        let mut frames: Vec<Vec<u8>> = Vec::new();
        for path in fixtures() {
            frames.extend(frames_of(&std::fs::read(&path).expect("fixture")));
        }
        let mut taken = 0;
        let mut variants = Vec::new();
        for f in &frames {
            // Ethernet padding after the IP packet; cut short; IP options; a fragment;
            // a bad data offset; another ether type.
            let mut padded = f.clone();
            padded.extend_from_slice(&[0; 7]);
            variants.push(padded);
            for cut in [f.len().saturating_sub(1), 40, 20] {
                variants.push(f[..cut.min(f.len())].to_vec());
            }
            let mut frag = f.clone();
            if frag.len() > 21 {
                frag[20] |= 0x20;
                variants.push(frag.clone());
                frag[20] = 0;
                frag[21] = 1;
                variants.push(frag);
            }
            let mut doff = f.clone();
            if doff.len() > 46 {
                doff[46] = 0x10;
                variants.push(doff.clone());
                doff[46] = 0xf0;
                variants.push(doff);
            }
            let mut v6 = f.clone();
            v6[12] = 0x86;
            v6[13] = 0xdd;
            variants.push(v6);
            let mut opts = f.clone();
            if opts.len() > 34 {
                // IHL 6: four option bytes (NOPs) after the 20-byte header.
                opts[14] = 0x46;
                let total = u16::from_be_bytes([opts[16], opts[17]]) + 4;
                opts[16..18].copy_from_slice(&total.to_be_bytes());
                opts.splice(34..34, [1, 1, 1, 1]);
                variants.push(opts);
            }
        }
        frames.extend(variants);
        for f in &frames {
            let general = decode_sliced(LinkType::Ethernet, f);
            if let Some(fast) = decode_ipv4_tcp(LinkType::Ethernet, f) {
                taken += 1;
                assert_eq!(general, Ok(Decoded::Tcp(fast)), "{f:02x?}");
            }
        }
        assert!(taken > 100, "{taken}");
    }
}
