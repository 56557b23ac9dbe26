//! Randomness as an input: the core never asks the OS for it.

use rand_core::{Rng, SeedableRng};

/// Where the core's random bytes come from. Adapters seed a [`SeededRandom`] from the OS;
/// tests seed it with a constant, or replay recorded bytes, to get the same bytes out.
pub trait RandomSource {
    /// Fills `buf` with random bytes.
    fn fill(&mut self, buf: &mut [u8]);
}

/// A ChaCha20 CSPRNG: the same seed gives the same stream.
pub struct SeededRandom(rand_chacha::ChaCha20Rng);

impl SeededRandom {
    /// A generator for `seed`. Use 32 bytes of OS randomness outside tests.
    pub fn new(seed: [u8; 32]) -> Self {
        SeededRandom(rand_chacha::ChaCha20Rng::from_seed(seed))
    }
}

impl RandomSource for SeededRandom {
    fn fill(&mut self, buf: &mut [u8]) {
        self.0.fill_bytes(buf);
    }
}

/// The 32-byte seed of a connection's CSPRNG: neither `Clone` nor `Copy`, so one seed
/// cannot end up in two connections (which would draw the same nonces and keys) by
/// accident, and its `Debug` shows no byte of it.
pub struct Seed([u8; 32]);

impl Seed {
    /// Wraps `bytes`: 32 bytes of OS randomness outside tests.
    pub fn new(bytes: [u8; 32]) -> Self {
        Seed(bytes)
    }

    /// A generator from the seed, whose bytes are zeroed: it is used once.
    pub fn take(&mut self) -> SeededRandom {
        SeededRandom::new(std::mem::take(&mut self.0))
    }
}

impl From<[u8; 32]> for Seed {
    fn from(bytes: [u8; 32]) -> Self {
        Seed(bytes)
    }
}

impl std::fmt::Debug for Seed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Seed(..)")
    }
}

impl std::fmt::Debug for SeededRandom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SeededRandom { .. }")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream() {
        let (mut a, mut b) = (SeededRandom::new([9; 32]), SeededRandom::new([9; 32]));
        let (mut x, mut y) = ([0u8; 64], [0u8; 64]);
        a.fill(&mut x);
        b.fill(&mut y);
        assert_eq!(x, y);
        SeededRandom::new([8; 32]).fill(&mut y);
        assert_ne!(x, y);
    }

    #[test]
    fn a_seed_is_used_once() {
        let mut seed = Seed::new([9; 32]);
        let (mut x, mut y) = ([0u8; 64], [0u8; 64]);
        seed.take().fill(&mut x);
        SeededRandom::new([9; 32]).fill(&mut y);
        assert_eq!(x, y);
        seed.take().fill(&mut y);
        assert_ne!(x, y, "the second take does not repeat the stream");
    }
}
