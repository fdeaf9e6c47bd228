//! permessage-deflate (RFC 7692): the negotiated parameters, and inflating each direction's
//! compressed messages with flate2 (raw DEFLATE), honouring context takeover and capping the
//! output so that a "zlib bomb" becomes an error instead of running out of memory.

use flate2::{Decompress, FlushDecompress, Status};

use crate::proto::Role;
use crate::proto::cite;
use crate::proto::rule::Violation;

/// The four bytes a sender strips from the end of every compressed message (RFC 7692 §7.2.1)
/// and a receiver appends before inflating (§7.2.2).
const TAIL: [u8; 4] = [0x00, 0x00, 0xff, 0xff];

/// Default cap on one inflated message.
pub const DEFAULT_MAX_INFLATED: usize = 64 * 1024 * 1024;

/// The parameters of a negotiated permessage-deflate (RFC 7692 §7.1).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeflateParams {
    /// The server resets its compression context after each message.
    pub server_no_context_takeover: bool,
    /// The client resets its compression context after each message.
    pub client_no_context_takeover: bool,
    /// LZ77 window size the server compresses with, as a power of two (8–15).
    pub server_max_window_bits: Option<u8>,
    /// LZ77 window size the client compresses with, as a power of two (8–15).
    pub client_max_window_bits: Option<u8>,
}

impl DeflateParams {
    /// Whether the sender in the given direction resets its context after each message.
    pub fn no_context_takeover(&self, sender: Role) -> bool {
        match sender {
            Role::Client => self.client_no_context_takeover,
            Role::Server => self.server_no_context_takeover,
        }
    }
}

/// Finds permessage-deflate in the server's `Sec-WebSocket-Extensions` answer (each element
/// one header value, possibly a comma-separated list) and parses its parameters.
/// `Ok(None)` when it was not negotiated.
pub fn negotiated(values: &[String]) -> Result<Option<DeflateParams>, Violation> {
    for value in values {
        for extension in value.split(',') {
            let mut parts = extension.split(';').map(str::trim);
            if !parts
                .next()
                .is_some_and(|name| name.eq_ignore_ascii_case("permessage-deflate"))
            {
                continue;
            }
            let mut params = DeflateParams::default();
            for param in parts.filter(|p| !p.is_empty()) {
                let (name, value) = match param.split_once('=') {
                    Some((n, v)) => (n.trim(), Some(v.trim().trim_matches('"'))),
                    None => (param, None),
                };
                let bits = |v: Option<&str>| -> Result<u8, Violation> {
                    v.and_then(|v| v.parse::<u8>().ok())
                        .filter(|b| (8..=15).contains(b))
                        .ok_or_else(|| {
                            Violation::new(
                                cite::RFC7692_7_1_2,
                                format!("{name} must be a number from 8 to 15, got {v:?}"),
                            )
                            .zh(format!("{name} 必须是 8 到 15 的数，收到的是 {v:?}"))
                        })
                };
                match name.to_ascii_lowercase().as_str() {
                    "server_no_context_takeover" => params.server_no_context_takeover = true,
                    "client_no_context_takeover" => params.client_no_context_takeover = true,
                    "server_max_window_bits" => params.server_max_window_bits = Some(bits(value)?),
                    "client_max_window_bits" => params.client_max_window_bits = Some(bits(value)?),
                    _ => {
                        return Err(Violation::new(
                            cite::RFC7692_7_1,
                            format!(
                                "unknown permessage-deflate parameter {name:?} in the server's answer"
                            ),
                        )
                        .zh(format!(
                            "服务器的回答中有未知的 permessage-deflate 参数 {name:?}"
                        )));
                    }
                }
            }
            return Ok(Some(params));
        }
    }
    Ok(None)
}

/// Why a compressed message could not be inflated.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum InflateError {
    /// The bytes are not valid DEFLATE data (or the shared context was lost).
    #[error("compressed data is not valid DEFLATE: {0}")]
    Corrupt(String),
    /// The message inflates to more than the cap.
    #[error(
        "message inflates to more than {limit} bytes (a decompression bomb?); inflation stopped"
    )]
    TooLarge {
        /// The cap.
        limit: usize,
    },
}

/// Inflates one direction's compressed messages.
pub struct Inflater {
    decompress: Decompress,
    no_context_takeover: bool,
    max_output: usize,
    /// Output buffer kept from message to message, so that small messages cost no large
    /// allocation each (most messages are small).
    scratch: Vec<u8>,
}

/// Scratch capacity kept after a message; a larger one (after a big message) is given back.
const KEEP_SCRATCH: usize = 1024 * 1024;

impl std::fmt::Debug for Inflater {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inflater")
            .field("no_context_takeover", &self.no_context_takeover)
            .field("max_output", &self.max_output)
            .finish()
    }
}

impl Inflater {
    /// An inflater for a sender that does (or, with `no_context_takeover`, does not) keep its
    /// LZ77 window from one message to the next.
    pub fn new(no_context_takeover: bool, max_output: usize) -> Inflater {
        Inflater {
            // Raw DEFLATE with the largest window: it inflates anything compressed with a
            // smaller one, so the negotiated window bits need no special handling here.
            decompress: Decompress::new(false),
            no_context_takeover,
            max_output,
            scratch: Vec::new(),
        }
    }

    /// Inflates one whole message (the concatenated payloads of its frames).
    pub fn inflate(&mut self, compressed: &[u8]) -> Result<Vec<u8>, InflateError> {
        if self.no_context_takeover {
            self.decompress.reset(false);
        }
        let mut out = std::mem::take(&mut self.scratch);
        out.clear();
        let result = self.run(compressed, &mut out).and_then(|ended| {
            if ended {
                Ok(true)
            } else {
                self.run(&TAIL, &mut out)
            }
        });
        let inflated = out.as_slice().to_vec();
        if out.capacity() > KEEP_SCRATCH {
            out = Vec::new();
        }
        self.scratch = out;
        match result {
            Ok(ended) => {
                if ended {
                    // A block with BFINAL set ended the DEFLATE stream (RFC 7692 §7.2.3.4);
                    // the next message starts a new one.
                    self.decompress.reset(false);
                }
                Ok(inflated)
            }
            Err(e) => {
                // The shared window is now unknown; start afresh so later messages can
                // still be tried.
                self.decompress.reset(false);
                Err(e)
            }
        }
    }

    /// Feeds `input`; returns whether the DEFLATE stream ended.
    fn run(&mut self, mut input: &[u8], out: &mut Vec<u8>) -> Result<bool, InflateError> {
        loop {
            if out.len() >= self.max_output {
                return Err(InflateError::TooLarge {
                    limit: self.max_output,
                });
            }
            if out.len() == out.capacity() {
                // Grow geometrically from a small start, never past the cap.
                let room = out
                    .len()
                    .clamp(4096, 1 << 20)
                    .min(self.max_output - out.len());
                out.reserve(room);
            }
            let before_in = self.decompress.total_in();
            let before_out = out.len();
            let status = self
                .decompress
                .decompress_vec(input, out, FlushDecompress::Sync)
                .map_err(|e| InflateError::Corrupt(e.to_string()))?;
            let consumed =
                usize::try_from(self.decompress.total_in() - before_in).unwrap_or(usize::MAX);
            input = input.get(consumed..).unwrap_or(&[]);
            let produced = out.len() - before_out;
            match status {
                Status::StreamEnd => return Ok(true),
                _ if input.is_empty() && out.len() < out.capacity() => return Ok(false),
                _ if consumed == 0 && produced == 0 => return Ok(false),
                _ => {}
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly
mod tests {
    use super::*;

    /// RFC 7692 §7.2.3.1: "Hello" in one compressed frame: payload after the 2-byte header.
    const HELLO: [u8; 7] = [0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00];

    #[test]
    fn rfc7692_single_and_fragmented() {
        let mut i = Inflater::new(false, 1024);
        assert_eq!(i.inflate(&HELLO).as_deref(), Ok(&b"Hello"[..]));
        // §7.2.3.1 fragmented: the fragments' payloads are concatenated before inflating.
        let mut j = Inflater::new(false, 1024);
        let mut joined = vec![0xf2, 0x48, 0xcd];
        joined.extend_from_slice(&[0xc9, 0xc9, 0x07, 0x00]);
        assert_eq!(j.inflate(&joined).as_deref(), Ok(&b"Hello"[..]));
    }

    #[test]
    fn rfc7692_context_takeover() {
        // §7.2.3.2: the second "Hello" refers back into the shared window.
        let mut i = Inflater::new(false, 1024);
        assert_eq!(i.inflate(&HELLO).as_deref(), Ok(&b"Hello"[..]));
        assert_eq!(
            i.inflate(&[0xf2, 0x00, 0x11, 0x00, 0x00]).as_deref(),
            Ok(&b"Hello"[..])
        );
        // Without context takeover the same bytes cannot be inflated.
        let mut k = Inflater::new(true, 1024);
        assert_eq!(k.inflate(&HELLO).as_deref(), Ok(&b"Hello"[..]));
        assert_ne!(
            k.inflate(&[0xf2, 0x00, 0x11, 0x00, 0x00]).as_deref(),
            Ok(&b"Hello"[..])
        );
    }

    #[test]
    fn rfc7692_stored_final_and_two_blocks() {
        let mut i = Inflater::new(false, 1024);
        // §7.2.3.3: a DEFLATE block with no compression.
        let stored = [
            0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00,
        ];
        assert_eq!(i.inflate(&stored).as_deref(), Ok(&b"Hello"[..]));
        // §7.2.3.4: BFINAL set.
        let mut j = Inflater::new(false, 1024);
        let bfinal = [0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00];
        assert_eq!(j.inflate(&bfinal).as_deref(), Ok(&b"Hello"[..]));
        assert_eq!(j.inflate(&HELLO).as_deref(), Ok(&b"Hello"[..]));
        // §7.2.3.5: two DEFLATE blocks in one message.
        let mut k = Inflater::new(false, 1024);
        let two = [
            0xf2, 0x48, 0x05, 0x00, 0x00, 0x00, 0xff, 0xff, 0xca, 0xc9, 0xc9, 0x07, 0x00,
        ];
        assert_eq!(k.inflate(&two).as_deref(), Ok(&b"Hello"[..]));
    }

    #[test]
    fn bombs_and_garbage_are_errors() {
        use flate2::Compression;
        use flate2::write::DeflateEncoder;
        use std::io::Write as _;
        let mut e = DeflateEncoder::new(Vec::new(), Compression::best());
        e.write_all(&vec![0u8; 1_000_000])
            .expect("compressing into memory");
        let bomb = e.finish().expect("compressing into memory");
        let mut i = Inflater::new(false, 100_000);
        assert_eq!(
            i.inflate(&bomb),
            Err(InflateError::TooLarge { limit: 100_000 })
        );
        let mut j = Inflater::new(false, 1024);
        assert!(matches!(
            j.inflate(&[0xff, 0xff, 0xff, 0xff]),
            Err(InflateError::Corrupt(_))
        ));
        // Still usable afterwards.
        assert_eq!(j.inflate(&HELLO).as_deref(), Ok(&b"Hello"[..]));
    }

    #[test]
    fn negotiated_parameters() {
        let answer = vec![
            "permessage-deflate; server_max_window_bits=12; client_max_window_bits=12".to_string(),
        ];
        let p = negotiated(&answer).expect("valid").expect("negotiated");
        assert_eq!(
            (p.server_max_window_bits, p.client_max_window_bits),
            (Some(12), Some(12))
        );
        assert!(!p.no_context_takeover(Role::Client));
        let p = negotiated(&["x-other, permessage-deflate; client_no_context_takeover".into()])
            .expect("valid")
            .expect("negotiated");
        assert!(p.no_context_takeover(Role::Client) && !p.no_context_takeover(Role::Server));
        assert_eq!(negotiated(&["x-webkit-deflate-frame".into()]), Ok(None));
        assert!(negotiated(&["permessage-deflate; server_max_window_bits=99".into()]).is_err());
    }
}
