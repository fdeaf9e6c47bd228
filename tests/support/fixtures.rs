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
