//! Where a file's packets come from: classic pcap files (the common case, and what
//! `tcpdump -w` writes) are walked record by record straight from large buffered reads, which
//! costs a fraction of libpcap's per-packet path; pcapng and anything unusual (other magics,
//! versions, FCS bits, unknown link types) go through libpcap, which also words the errors.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use super::FileError;
use crate::capture::packet::LinkType;

/// Where packets come from.
pub(super) struct Packets {
    pub(super) link: LinkType,
    reader: Reader,
}

enum Reader {
    Libpcap(pcap::Capture<pcap::Offline>),
    Classic(Classic),
}

/// What a file that is not a capture starts with: its first bytes, and a word when it is
/// JSON or text.
fn what_it_starts_with(path: &Path) -> String {
    let mut head = [0u8; 8];
    let n = File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    let head = head.get(..n).unwrap_or_default();
    let hex = head
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ");
    let first = head.iter().find(|b| !b.is_ascii_whitespace());
    if matches!(first, Some(b'{' | b'[')) {
        format!(
            "it starts with {hex}, like JSON; a trace JSON that wirelab wrote opens with `wirelab gui --open`"
        )
    } else if !head.is_empty()
        && head
            .iter()
            .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace())
    {
        format!("it starts with {hex}, like text")
    } else {
        format!("it starts with {hex}")
    }
}

impl Packets {
    /// Opens `path`: classic pcap with the record walker, anything else with libpcap.
    pub(super) fn open(path: &Path) -> Result<Packets, FileError> {
        if let Some((classic, link)) = Classic::open(path) {
            return Ok(Packets {
                link,
                reader: Reader::Classic(classic),
            });
        }
        let display = path.display().to_string();
        let cap = pcap::Capture::from_file(path).map_err(|e| {
            let reason = e.to_string();
            // libpcap's words for a magic number it does not know.
            if reason.ends_with("unknown file format") {
                FileError::NotCapture {
                    path: display.clone(),
                    what: what_it_starts_with(path),
                }
            } else {
                FileError::Open {
                    path: display.clone(),
                    reason,
                }
            }
        })?;
        let linktype = cap.get_datalink();
        let Some(link) = LinkType::from_linktype(linktype.0) else {
            return Err(FileError::LinkType {
                path: display,
                linktype: linktype.0,
                name: linktype.get_name().unwrap_or_else(|_| "unknown".into()),
            });
        };
        Ok(Packets {
            link,
            reader: Reader::Libpcap(cap),
        })
    }

    /// The next packet (timestamp in µs, captured bytes), `None` at the end, or why the
    /// file cannot be read further.
    pub(super) fn next_packet(&mut self) -> Result<Option<(i64, &[u8])>, String> {
        match &mut self.reader {
            Reader::Libpcap(cap) => match cap.next_packet() {
                Ok(p) => {
                    let ts = p.header.ts;
                    let ts_us = ts
                        .tv_sec
                        .saturating_mul(1_000_000)
                        .saturating_add(ts.tv_usec);
                    Ok(Some((ts_us, p.data)))
                }
                Err(pcap::Error::NoMorePackets) => Ok(None),
                Err(e) => Err(e.to_string()),
            },
            Reader::Classic(c) => c.next_packet(),
        }
    }
}

/// libpcap's largest capture length for the link types wirelab reads.
const MAX_SNAPLEN: u32 = 262_144;
/// Bytes per read: large reads keep system calls rare; small enough to stay in cache.
const READ_CHUNK: usize = 1 << 20;

/// A classic pcap file (version 2.4, any byte order, µs or ns timestamps), read the way
/// libpcap reads it: records longer than the snap length are cut to it, a record longer than
/// libpcap's maximum or cut off by the end of the file is an error.
struct Classic {
    file: File,
    buf: Vec<u8>,
    /// Unread bytes are `buf[pos..len]`.
    pos: usize,
    len: usize,
    eof: bool,
    swapped: bool,
    nanos: bool,
    snapshot: u32,
}

impl Classic {
    /// Opens `path` if it is a classic pcap file this reader handles exactly like libpcap
    /// (else `None`: libpcap reads it, or says why it cannot).
    fn open(path: &Path) -> Option<(Classic, LinkType)> {
        let mut file = File::open(path).ok()?;
        let mut header = [0u8; 24];
        file.read_exact(&mut header).ok()?;
        let magic = u32::from_le_bytes([header[0], header[1], header[2], header[3]]);
        let (swapped, nanos) = match magic {
            0xa1b2_c3d4 => (false, false),
            0xd4c3_b2a1 => (true, false),
            0xa1b2_3c4d => (false, true),
            0x4d3c_b2a1 => (true, true),
            _ => return None,
        };
        let u16_at = |i: usize| {
            let v = u16::from_le_bytes([header[i], header[i + 1]]);
            if swapped { v.swap_bytes() } else { v }
        };
        let u32_at = |i: usize| {
            let v = u32::from_le_bytes([header[i], header[i + 1], header[i + 2], header[i + 3]]);
            if swapped { v.swap_bytes() } else { v }
        };
        if (u16_at(4), u16_at(6)) != (2, 4) {
            return None;
        }
        let snaplen = u32_at(16);
        let linktype = u32_at(20);
        // Upper bits carry FCS lengths and such: libpcap knows what to do with them.
        let link = LinkType::from_linktype(i32::try_from(linktype).ok()?)?;
        let snapshot = if snaplen == 0 || snaplen > MAX_SNAPLEN {
            MAX_SNAPLEN
        } else {
            snaplen
        };
        let classic = Classic {
            file,
            buf: vec![0; READ_CHUNK],
            pos: 0,
            len: 0,
            eof: false,
            swapped,
            nanos,
            snapshot,
        };
        Some((classic, link))
    }

    fn u32_at(&self, i: usize) -> u32 {
        let v = self
            .buf
            .get(i..i + 4)
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
            .map_or(0, u32::from_le_bytes);
        if self.swapped { v.swap_bytes() } else { v }
    }

    /// Makes at least `want` unread bytes available, unless the file ends first; returns how
    /// many are available.
    fn fill(&mut self, want: usize) -> Result<usize, String> {
        if self.len - self.pos >= want || self.eof {
            return Ok(self.len - self.pos);
        }
        self.buf.copy_within(self.pos..self.len, 0);
        self.len -= self.pos;
        self.pos = 0;
        if self.buf.len() < want {
            self.buf.resize(want, 0);
        }
        while self.len < want {
            let Some(room) = self.buf.get_mut(self.len..) else {
                break;
            };
            match self.file.read(room) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => self.len += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(format!("error reading dump file: {e}")),
            }
        }
        Ok(self.len - self.pos)
    }

    fn next_packet(&mut self) -> Result<Option<(i64, &[u8])>, String> {
        const HEADER: usize = 16;
        let got = self.fill(HEADER)?;
        if got == 0 {
            return Ok(None);
        }
        if got < HEADER {
            return Err(format!(
                "truncated dump file; tried to read {HEADER} header bytes, only got {got}"
            ));
        }
        // libpcap reads both timestamp fields as signed 32-bit numbers.
        let sec = i64::from(self.u32_at(self.pos) as i32);
        let frac = i64::from(self.u32_at(self.pos + 4) as i32);
        let caplen = self.u32_at(self.pos + 8);
        if caplen > MAX_SNAPLEN {
            return Err(format!(
                "invalid packet capture length {caplen}, bigger than maximum of {MAX_SNAPLEN}"
            ));
        }
        let caplen = caplen as usize;
        let got = self.fill(HEADER + caplen)?;
        if got < HEADER + caplen {
            return Err(format!(
                "truncated dump file; tried to read {caplen} captured bytes, only got {}",
                got - HEADER
            ));
        }
        let usec = if self.nanos { frac / 1000 } else { frac };
        let ts_us = sec.saturating_mul(1_000_000).saturating_add(usec);
        let data_at = self.pos + HEADER;
        self.pos = data_at + caplen;
        // Like libpcap: bytes beyond the file's snap length are skipped.
        let kept = caplen.min(self.snapshot as usize);
        let data = self.buf.get(data_at..data_at + kept).unwrap_or_default();
        Ok(Some((ts_us, data)))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
mod tests {
    use super::*;
    use crate::capture::file::tests::{fixtures, temp};

    /// Every packet, as one reader sees it, and how reading ended.
    fn all_packets(mut p: Packets) -> (Vec<(i64, Vec<u8>)>, Option<String>) {
        let mut out = Vec::new();
        loop {
            match p.next_packet() {
                Ok(Some((ts, data))) => out.push((ts, data.to_vec())),
                Ok(None) => return (out, None),
                Err(e) => return (out, Some(e)),
            }
        }
    }

    fn libpcap(path: &Path) -> Packets {
        let cap = pcap::Capture::from_file(path).expect("libpcap opens it");
        let link = LinkType::from_linktype(cap.get_datalink().0).expect("link type");
        Packets {
            link,
            reader: Reader::Libpcap(cap),
        }
    }

    fn classic(path: &Path) -> Packets {
        let (c, link) = Classic::open(path).expect("a classic pcap file");
        Packets {
            link,
            reader: Reader::Classic(c),
        }
    }

    /// The same file in the other byte order with nanosecond timestamps.
    fn swapped_nanos(bytes: &[u8]) -> Vec<u8> {
        let word = |b: &[u8], i: usize| u32::from_le_bytes(b[i..i + 4].try_into().expect("4"));
        let mut out = Vec::new();
        out.extend_from_slice(&0xa1b2_3c4du32.to_be_bytes());
        out.extend_from_slice(&2u16.to_be_bytes());
        out.extend_from_slice(&4u16.to_be_bytes());
        for i in [8, 12, 16, 20] {
            out.extend_from_slice(&word(bytes, i).to_be_bytes());
        }
        let mut at = 24;
        while at + 16 <= bytes.len() {
            let caplen = word(bytes, at + 8) as usize;
            out.extend_from_slice(&word(bytes, at).to_be_bytes());
            out.extend_from_slice(&(word(bytes, at + 4) * 1000 + 999).to_be_bytes());
            out.extend_from_slice(&word(bytes, at + 8).to_be_bytes());
            out.extend_from_slice(&word(bytes, at + 12).to_be_bytes());
            out.extend_from_slice(&bytes[at + 16..at + 16 + caplen]);
            at += 16 + caplen;
        }
        out
    }

    #[test]
    fn the_record_walker_reads_what_libpcap_reads() {
        for path in fixtures() {
            let bytes = std::fs::read(&path).expect("fixture");
            let (ours, end) = all_packets(classic(&path));
            let (theirs, their_end) = all_packets(libpcap(&path));
            assert_eq!(ours, theirs, "{}", path.display());
            assert_eq!((end, their_end), (None, None));
            // Big-endian, nanosecond timestamps.
            let other = temp(&format!("swapped-{}", path.display().to_string().len()));
            std::fs::write(&other, swapped_nanos(&bytes)).expect("temp file");
            let (ours, _) = all_packets(classic(&other));
            let (theirs, _) = all_packets(libpcap(&other));
            assert_eq!(ours, theirs, "{} swapped", path.display());
            // Cut in the middle of a record and in the middle of a record header.
            for cut in [bytes.len() - 5, bytes.len() / 2] {
                std::fs::write(&other, &bytes[..cut]).expect("temp file");
                let (ours, end) = all_packets(classic(&other));
                let (theirs, their_end) = all_packets(libpcap(&other));
                assert_eq!(ours, theirs, "{} cut at {cut}", path.display());
                assert_eq!(end.is_some(), their_end.is_some(), "{end:?} {their_end:?}");
            }
        }
    }
}
