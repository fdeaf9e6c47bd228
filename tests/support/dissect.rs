//! Scripts fed to the connection dissector: whole, and split into pieces that must not change
//! the events.
#![allow(dead_code)] // each test file uses the part it needs

use wirelab::dissect::ConnectionDissector;
use wirelab::trace::{Dir, Event};

/// One step of a script; its index in the script is its time (`t_us`).
#[derive(Clone, Copy)]
pub enum Step<'a> {
    /// Bytes one side sent.
    Data(Dir, &'a [u8]),
    /// Bytes of one direction lost (a capture gap).
    Gap(Dir, u64),
}

/// Where the dissector starts reading a connection.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// At its first byte.
    Beginning,
    /// Somewhere in the middle (a capture that began after the connection).
    MidConnection,
}

/// How a script is fed: on which connection id, from where.
#[derive(Clone, Copy)]
pub struct Dissection {
    pub conn: u32,
    pub start: Start,
}

impl Dissection {
    /// Connection `conn`, read from its beginning.
    pub const fn on(conn: u32) -> Dissection {
        Dissection {
            conn,
            start: Start::Beginning,
        }
    }

    /// Feeds each step's bytes in pieces whose sizes come from `sizes` (0 = the rest of the
    /// step), then ends both directions; returns every event.
    pub fn run_with(&self, script: &[Step<'_>], sizes: &mut dyn FnMut() -> usize) -> Vec<Event> {
        let mut d = ConnectionDissector::new(self.conn);
        if self.start == Start::MidConnection {
            d.starts_mid_connection();
        }
        let mut out = Vec::new();
        for (i, step) in script.iter().enumerate() {
            match *step {
                Step::Data(dir, bytes) => {
                    let mut rest = bytes;
                    while !rest.is_empty() {
                        let n = match sizes() {
                            0 => rest.len(),
                            n => n.min(rest.len()),
                        };
                        d.feed(dir, i as i64, &rest[..n], &mut out);
                        rest = &rest[n..];
                    }
                }
                Step::Gap(dir, n) => d.gap(dir, i as i64, n, &mut out),
            }
        }
        let t = script.len() as i64;
        d.end(Dir::C2s, t, &mut out);
        d.end(Dir::S2c, t, &mut out);
        out
    }

    /// Feeds each step in pieces of `piece` bytes (`usize::MAX`: whole).
    pub fn run(&self, script: &[Step<'_>], piece: usize) -> Vec<Event> {
        let piece = piece.max(1);
        self.run_with(script, &mut || piece)
    }

    /// Feeds `script` whole, one byte at a time and in pieces of 2..=7 bytes; asserts
    /// identical events and returns them.
    pub fn dissect(&self, script: &[Step<'_>]) -> Vec<Event> {
        let whole = self.run(script, usize::MAX);
        assert_eq!(
            whole,
            self.run(script, 1),
            "one byte at a time differs from all at once"
        );
        for piece in 2..=7 {
            assert_eq!(whole, self.run(script, piece), "pieces of {piece} differ");
        }
        whole
    }
}

/// A script of data steps only.
pub fn steps<'a>(script: &[(Dir, &'a [u8])]) -> Vec<Step<'a>> {
    script
        .iter()
        .map(|&(dir, bytes)| Step::Data(dir, bytes))
        .collect()
}

/// `script` on connection 0, whole and in pieces (see [`Dissection::dissect`]).
pub fn dissect(script: &[(Dir, &[u8])]) -> Vec<Event> {
    Dissection::on(0).dissect(&steps(script))
}

/// `script` on connection 0 in pieces of `piece` bytes.
pub fn run(script: &[(Dir, &[u8])], piece: usize) -> Vec<Event> {
    Dissection::on(0).run(&steps(script), piece)
}
