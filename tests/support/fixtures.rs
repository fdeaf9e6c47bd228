//! Where the test captures are, and reading them: the shared real-traffic fixtures beside the
//! checkout, the files in `tests/data`, and a classic pcap's TCP payloads.
#![allow(dead_code)] // each test file uses the part it needs

use std::path::{Path, PathBuf};

use wirelab::trace::Dir;

/// The shared real-traffic fixtures: `../shared/fixtures`, beside the checkout.
pub fn shared_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures")
}

/// The path of a shared fixture; fails when it is missing, saying where it comes from.
pub fn shared_fixture(name: &str) -> String {
    let path = format!("{}/../shared/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    assert!(
        Path::new(&path).exists(),
        "{path} is missing: the shared real-traffic fixtures sit beside the checkout in \
         ../shared/fixtures (its README says how each was made)"
    );
    path
}

/// A folder of the repository's own test data: `tests/data/{sub}`.
pub fn data_dir(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(sub)
}

/// The TCP payloads of a classic pcap (Ethernet + IPv4 + TCP), per direction in file order;
/// the client is the side that sent the first SYN. (The fixtures have no retransmissions.)
pub fn pcap_payloads(path: &str) -> Vec<(Dir, Vec<u8>)> {
    let data = std::fs::read(path).unwrap();
    assert_eq!(
        &data[..4],
        &[0xd4, 0xc3, 0xb2, 0xa1],
        "little-endian microsecond pcap"
    );
    assert_eq!(
        u32::from_le_bytes(data[20..24].try_into().unwrap()),
        1,
        "Ethernet"
    );
    let mut pos = 24;
    let mut client_port = None;
    let mut out = Vec::new();
    while pos + 16 <= data.len() {
        let incl = u32::from_le_bytes(data[pos + 8..pos + 12].try_into().unwrap()) as usize;
        let pkt = &data[pos + 16..pos + 16 + incl];
        pos += 16 + incl;
        assert_eq!(&pkt[12..14], &[0x08, 0x00], "IPv4");
        let ip = &pkt[14..];
        let ihl = (ip[0] & 0x0f) as usize * 4;
        let total = u16::from_be_bytes([ip[2], ip[3]]) as usize;
        assert_eq!(ip[9], 6, "TCP");
        let tcp = &ip[ihl..total];
        let src = u16::from_be_bytes([tcp[0], tcp[1]]);
        let flags = tcp[13];
        let doff = (tcp[12] >> 4) as usize * 4;
        if flags & 0x02 != 0 && flags & 0x10 == 0 {
            client_port = Some(src);
        }
        let payload = &tcp[doff..];
        if !payload.is_empty() {
            let dir = if Some(src) == client_port {
                Dir::C2s
            } else {
                Dir::S2c
            };
            out.push((dir, payload.to_vec()));
        }
    }
    out
}

/// Borrows payloads as a dissector script.
pub fn script(payloads: &[(Dir, Vec<u8>)]) -> Vec<(Dir, &[u8])> {
    payloads.iter().map(|(d, b)| (*d, b.as_slice())).collect()
}

/// The rows of a JSON-lines file (a reference decoding), blank lines skipped.
pub fn jsonl(path: impl AsRef<Path>) -> Vec<serde_json::Value> {
    let path = path.as_ref();
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("{}: a row is not JSON ({e}): {l}", path.display()))
        })
        .collect()
}

/// A classic pcap of `copies` copies of `ws_python_echo.pcap`, each its own connection (the
/// client port moved, one second later than the one before), written to Cargo's temporary
/// folder and removed when the returned path drops: a capture big enough to take a while to
/// read (300 copies are 42 MB).
pub fn repeated_capture(copies: u16) -> tempfile::TempPath {
    let bytes = std::fs::read(shared_dir().join("ws_python_echo.pcap")).unwrap();
    let le32 = |b: &[u8], i: usize| u32::from_le_bytes(b[i..i + 4].try_into().unwrap());
    let mut out = bytes[..24].to_vec();
    for copy in 0..copies {
        let mut at = 24;
        while at + 16 <= bytes.len() {
            let caplen = le32(&bytes, at + 8) as usize;
            let mut record = bytes[at..at + 16 + caplen].to_vec();
            let secs = le32(&record, 0) + u32::from(copy);
            record[0..4].copy_from_slice(&secs.to_le_bytes());
            // Ethernet + a 20-byte IPv4 header, then the TCP ports; 8088 is the server.
            for port_at in [16 + 34, 16 + 36] {
                let port = u16::from_be_bytes([record[port_at], record[port_at + 1]]);
                if port != 8088 {
                    let moved = 20_000 + copy;
                    record[port_at..port_at + 2].copy_from_slice(&moved.to_be_bytes());
                }
            }
            out.extend_from_slice(&record);
            at += 16 + caplen;
        }
    }
    let mut file = tempfile::Builder::new()
        .prefix(&format!("wirelab-repeated-{copies}-"))
        .suffix(".pcap")
        .tempfile_in(env!("CARGO_TARGET_TMPDIR"))
        .unwrap();
    std::io::Write::write_all(&mut file, &out).unwrap();
    file.into_temp_path()
}
