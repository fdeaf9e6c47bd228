//! A small deterministic PRNG for generated test inputs, so that a failure reproduces.
#![allow(dead_code)] // each test file uses the part it needs

/// xorshift64*: deterministic, good enough to spread test inputs; no dependency.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// An index in `0..n` (0 when `n` is 0).
    pub fn index_below(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    /// A coin toss.
    pub fn bool(&mut self) -> bool {
        self.next() & 1 == 1
    }

    /// `n` random bytes.
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}
