//! A random source that hands out recorded bytes, to replay captured exchanges.

use oxigram_proto::random::RandomSource;

/// Returns the given bytes in order; panics when they run out (the replay diverged).
pub struct Replay {
    bytes: Vec<u8>,
    at: usize,
}

impl Replay {
    pub fn new(parts: &[&[u8]]) -> Self {
        Replay {
            bytes: parts.concat(),
            at: 0,
        }
    }

    /// Bytes handed out so far.
    pub fn used(&self) -> usize {
        self.at
    }
}

impl RandomSource for Replay {
    fn fill(&mut self, buf: &mut [u8]) {
        let end = self.at + buf.len();
        assert!(
            end <= self.bytes.len(),
            "replay ran out of recorded randomness at byte {}",
            self.at
        );
        buf.copy_from_slice(&self.bytes[self.at..end]);
        self.at = end;
    }
}
